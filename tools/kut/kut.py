#!/usr/bin/env python3
"""Run kvm-unit-tests' x86 tests as Hinoki guests and print a table.

    tools/kut/kut.py [--kut DIR] [--build DIR] [--out DIR] [NAME...]
    tools/kut/kut.py --expect tests/kut-pass      (what `make test` runs)

DIR holds the tests as built (`*.flat`) and their `unittests.cfg`
(default ../shared/kvm-unit-tests beside the checkout). Each test is a
Multiboot domain, unmodified, with the vCPUs (`smp`) and memory (`-m`, else
QEMU's 128 MiB) its entry asks for and its command line as QEMU passes it:
the file name first (Hinoki's Multiboot loader puts it there), then the
entry's `test_args`; it has Hinoki's copy of QEMU's pc-testdev
(`testdev = 1`), x2APIC hidden where its `-cpu` says `-x2apic` (`x2apic =
0`), the edu device and the VT-d unit where it asks for QEMU's (`-device
edu`, `-device intel-iommu`: `edu = 1`, `viommu = 1`), and its environment (the Multiboot module, as the suite's
runner gives it) still says TEST_DEVICE=0 (see ENVIRONMENT). Tests are batched as domains of one Bochs boot (at most
16 domains and BOOT_RAM_MIB of guest RAM a boot). A result is what the
suite's own runner would call it from the exit code the test writes to port
0xf4 (0 pass, 38 skip, else fail), or what the hypervisor did: `stopped`
(it stopped the domain, with its reason), `not started` (it refused the
kernel, with its reason) or `hang` (the boot's time ran out first).

With --expect FILE (one test name a line, `#` comments), only those tests
run, and each prints `PASS kut NAME` or `FAIL kut NAME: ...` for
tests/run-tests.sh; without the directory that is said, and nothing fails.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_KUT = os.path.join(os.path.dirname(ROOT), "shared", "kvm-unit-tests")

QEMU_DEFAULT_MIB = 128       # QEMU's RAM without -m, as the suite's runner leaves it
BOCHS_MIB = 2048             # the most Bochs emulates
BOOT_RAM_MIB = 1536          # guest RAM of one boot, leaving the hypervisor and firmware their share
BOOT_DOMAINS = 16            # HINOKI_MAX_CONFIG_DOMAINS
MAX_VCPUS = 8                # HINOKI_MAX_VCPUS
BOOT_CPUS = 2                # the emulated machine; more vCPUs are scheduled over these
NAME_MAX = 31                # a [domain NAME]
SECONDS_PER_TEST = 240       # Bochs time a boot allows each of its tests
IDLE_S = 900                 # a boot whose log stays the same this long is stopped: its running tests hang (a vmexit_* test is silent for minutes)

# Bochs 2.7's Skylake-X model (run-qemu.sh's default) has no protection
# keys; its Ice Lake client model has those for user pages (PKU; no model has
# PKS) and every VT-x feature Hinoki uses. A test of a feature only another
# model has boots on that model, in boots of its own.
BOCHS_CPU_FOR = {"pku": "corei7_icelake_u"}

# What a test writes to port 0xf4; QEMU exits with (code << 1) | 1, which the
# suite's runner reads: 1 a pass, 77 a skip (every test skipped), 127 an abort.
SKIP_CODE = 38
ABORT_CODE = 63


class KutError(Exception):
    pass


def parse_cfg(text):
    """unittests.cfg as a list of {name, key: value}, in file order."""
    tests, cur = [], None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^\[([^\]]+)\]$", line)
        if m:
            cur = {"name": m.group(1)}
            tests.append(cur)
            continue
        m = re.match(r"^(\w+)\s*=\s*(.*)$", line)
        if not m or cur is None:
            raise KutError("unittests.cfg:%d: not a [section] or key = value: %s" % (n, raw))
        cur[m.group(1)] = m.group(2).strip()
    return tests


def unquote(s):
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    return s


def memory_of(qemu_params):
    """MiB from -m N[MG], else QEMU's default."""
    m = re.search(r"(?:^|\s)-m\s+(\d+)([mMgG]?)\b", qemu_params)
    if not m:
        return QEMU_DEFAULT_MIB
    return int(m.group(1)) * (1024 if m.group(2) in ("g", "G") else 1)


def expand(args):
    """test_args as the suite's runner passes them: through the shell (sieve's `date +%s`)."""
    if "`" not in args and "$" not in args:
        return args
    r = subprocess.run(["sh", "-c", "printf %s \"" + args.replace('"', '\\"') + "\""],
                       stdout=subprocess.PIPE, universal_newlines=True)
    return r.stdout


def plan(test, kut_dir, cpus=BOOT_CPUS):
    """What the test needs as a domain, or why it is not run: {name, file, vcpus, memory, extra, notes, skip, bochs_cpu}."""
    p = {"name": test["name"], "file": test.get("file", ""), "skip": None, "notes": [],
         "bochs_cpu": BOCHS_CPU_FOR.get(test["name"])}
    groups = test.get("groups", "").split()
    if test.get("arch", "x86_64") != "x86_64":
        p["skip"] = "%s only" % test["arch"]
    elif "nodefault" in groups:
        p["skip"] = "manual run only (nodefault)"
    elif not p["file"] or not os.path.exists(os.path.join(kut_dir, p["file"])):
        p["skip"] = "%s not built" % (p["file"] or "no file")
    smp = test.get("smp", "1")
    smp = cpus if smp.strip() in ("$MAX_SMP", "${MAX_SMP}") else int(smp) if smp.isdigit() else None
    params = test.get("qemu_params", test.get("extra_params", ""))
    p["vcpus"] = smp or 1
    p["memory"] = memory_of(params)
    if p["skip"] is None and smp is None:
        p["skip"] = "smp = %s is not a number" % test.get("smp")
    elif p["skip"] is None and smp > MAX_VCPUS:
        p["skip"] = "needs %d vCPUs, a domain has at most %d" % (smp, MAX_VCPUS)
    elif p["skip"] is None and p["memory"] > BOOT_RAM_MIB:
        p["skip"] = "needs %d MiB, more than a boot in Bochs gives (%d)" % (p["memory"], BOOT_RAM_MIB)
    args = unquote(test.get("test_args", ""))
    m = re.search(r"-append\s+('[^']*'|\"[^\"]*\"|\S+)", params)
    if m:
        args = (unquote(m.group(1)) + " " + args).strip()
    p["extra"] = expand(args)
    cpu = re.search(r"-cpu\s+(\S+)", params)
    p["x2apic"] = not (cpu and "-x2apic" in cpu.group(1).split(","))
    if cpu:
        p["notes"].append("-cpu %s asked; the domain gets Hinoki's CPU%s" %
                          (cpu.group(1), "" if p["x2apic"] else " without x2APIC"))
    # QEMU devices Hinoki has a copy of: the domain gets them as the test asks.
    devices = re.findall(r"-device\s+([\w-]+)", params)
    p["edu"] = "edu" in devices
    p["viommu"] = "intel-iommu" in devices
    if test.get("accel"):
        p["notes"].append("accel = %s" % test["accel"])
    return p


def domain_names(plans):
    """A [domain] name for each test: its own, cut to 31 characters and made unique."""
    names, used = {}, set()
    for p in plans:
        base = re.sub(r"[^A-Za-z0-9_-]", "_", p["name"])[:NAME_MAX]
        name, k = base, 1
        while name in used:
            suffix = "_%d" % k
            name, k = base[:NAME_MAX - len(suffix)] + suffix, k + 1
        used.add(name)
        names[p["name"]] = name
    return names


def batches(plans):
    """Boots for the runnable tests: those of each Bochs CPU model apart (the default's first)."""
    models = []
    for p in plans:
        if not p["skip"] and p["bochs_cpu"] not in models:
            models.append(p["bochs_cpu"])
    models.sort(key=lambda m: m is not None)
    return [b for m in models for b in model_batches([p for p in plans if not p["skip"] and p["bochs_cpu"] == m])]


def model_batches(runnable):
    """Tests packed into as few boots as RAM and domain count allow, spread evenly over them."""
    greedy, cur, ram = [], [], 0
    for p in runnable:
        if cur and (ram + p["memory"] > BOOT_RAM_MIB or len(cur) == BOOT_DOMAINS):
            greedy.append(cur)
            cur, ram = [], 0
        cur.append(p)
        ram += p["memory"]
    if cur:
        greedy.append(cur)
    even = [runnable[i::len(greedy)] for i in range(len(greedy))]
    if all(sum(p["memory"] for p in b) <= BOOT_RAM_MIB and len(b) <= BOOT_DOMAINS for b in even):
        return even
    return greedy


# The tests' environment, their Multiboot module. The domains have the test
# device (ports 0xe0-0xe7 and 0x2000-0x2017, not its memory at 0xff000000),
# but the suite reads TEST_DEVICE=0 as "not QEMU with KVM" too: syscall runs
# its 32-bit SYSCALL test on Intel only when the device is there, counting
# on KVM to emulate the instruction, which raises #UD on Intel hardware.
ENVIRONMENT = "TEST_DEVICE=0\n"


def config(batch, names, kut_dir, env_file):
    lines = ["# Generated by tools/kut/kut.py: kvm-unit-tests from %s" % kut_dir,
             "on_error = poweroff", ""]
    for p in batch:
        lines += ["[domain %s]" % names[p["name"]],
                  "kernel = \"%s\"" % os.path.abspath(os.path.join(kut_dir, p["file"])),
                  "ramdisk = \"%s\"" % os.path.abspath(env_file)]
        if p["extra"]:
            lines.append("extra = \"%s\"" % p["extra"].replace("\"", "'"))
        lines += ["memory = %d" % p["memory"], "vcpus = %d" % p["vcpus"], "testdev = 1", "on_reboot = destroy"]
        lines += ([] if p.get("x2apic", True) else ["x2apic = 0"])
        lines += (["edu = 1"] if p.get("edu") else []) + (["viommu = 1"] if p.get("viommu") else []) + [""]
    return "\n".join(lines)


def results(lines, batch, names):
    """{test: (result, summary, reason)} from a boot's serial log."""
    out = {}
    for p in batch:
        d = names[p["name"]]
        summary, end, last = "", None, ""
        for line in lines:
            if line.startswith("[%s] " % d) and line[len(d) + 3:].strip():
                last = line[len(d) + 3:].strip()
            if line.startswith("[%s] SUMMARY: " % d):
                summary = line[len("[%s] SUMMARY: " % d):].strip()
            m = re.match(r"^hinoki: domain %s \(\d+\) (ended: exit code (-?\d+)|stopped: (.*)|(.* \(on_\w+ = \w+\)))$"
                         % re.escape(d), line)
            if m and m.group(2) is not None:
                end = ("code", int(m.group(2)))
            elif m and m.group(3) is not None:
                end = ("stopped", m.group(3))
            elif m and m.group(4):
                end = ("ended", m.group(4))   # a power event: powered off through ACPI, reset
            m = re.match(r"^hinoki: domain %s not started: (.*)$" % re.escape(d), line)
            if m:
                end = ("not started", m.group(1))
        if end is None:
            out[p["name"]] = ("hang", summary, "last line: %s" % last if last else "no output")
        elif end[0] == "code":
            code = end[1]
            res = "pass" if code == 0 else "skip" if code == SKIP_CODE else "fail"
            why = "" if res == "pass" else "exit code %d%s" % (code, " (abort)" if code == ABORT_CODE else "")
            out[p["name"]] = (res, summary, why)
        elif end[0] == "stopped":
            out[p["name"]] = ("stopped", summary, end[1])
        elif end[0] == "not started":
            out[p["name"]] = ("not started", summary, end[1])
        else:
            out[p["name"]] = ("fail", summary, end[1])
    return out


def read_log(serial):
    try:
        with open(serial, errors="replace") as f:
            return [re.sub(r"\x1b\[[0-9;=?]*[A-Za-z]", "", l.rstrip("\r\n")) for l in f]
    except OSError:
        return []


def remove_image(image):
    for path in (image, image + ".lock"):
        if os.path.exists(path):
            os.unlink(path)


def run_batch(i, batch, names, kut_dir, build, out_dir):
    """Boot one batch; stop it when its log has not grown for IDLE_S (the rest hang) or after its time."""
    cfg = os.path.join(out_dir, "boot%d.cfg" % i)
    env = os.path.join(out_dir, "kut.env")
    with open(env, "w") as f:
        f.write(ENVIRONMENT)
    with open(cfg, "w") as f:
        f.write(config(batch, names, kut_dir, env))
    serial = os.path.join(out_dir, "boot%d.log" % i)
    image = os.path.join(out_dir, "boot%d.img" % i)
    cmd = [os.path.join(ROOT, "run-qemu.sh"), "--bochs", "--config", cfg, "--image", image,
           "--efi", os.path.join(build, "hinoki.efi"), "--cpus", str(BOOT_CPUS), "--mem", str(BOCHS_MIB),
           "--serial", serial, "--quiet"]
    if batch[0]["bochs_cpu"]:
        cmd += ["--bochs-cpu", batch[0]["bochs_cpu"]]
    remove_image(image)   # and the lock a Bochs stopped before its end left, which would refuse the image
    limit = time.time() + SECONDS_PER_TEST * len(batch)
    stopped_why = None
    with open(os.path.join(out_dir, "boot%d.out" % i), "w") as out:
        emu = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        size, grew = -1, time.time()
        while emu.poll() is None:
            time.sleep(2)
            now = time.time()
            cur = os.path.getsize(serial) if os.path.exists(serial) else 0
            if cur != size:
                size, grew = cur, now
            if now - grew > IDLE_S or now > limit:
                stopped_why = ("no output for %d s" % IDLE_S) if now - grew > IDLE_S else \
                              "the boot's %d s ran out" % (SECONDS_PER_TEST * len(batch))
                emu.terminate()     # run-qemu.sh stops its emulator on SIGTERM
                break
        status = emu.wait()
    remove_image(image)
    res = results(read_log(serial), batch, names)
    why = stopped_why or "the machine stopped first (run-qemu.sh exit status %d)" % status
    for name, (kind, summary, reason) in res.items():
        if kind == "hang":
            res[name] = ("hang", summary, "no end: %s; %s" % (why, reason))
    return res


def table(plans, res):
    rows = ["| test | result | SUMMARY | reason or note |", "| --- | --- | --- | --- |"]
    for p in plans:
        if p["skip"]:
            kind, summary, reason = "skip", "", "not run: " + p["skip"]
        else:
            kind, summary, reason = res[p["name"]]
        note = "; ".join(x for x in [reason] + ([] if kind == "pass" else p["notes"]) if x)
        rows.append("| %s | %s | %s | %s |" % (p["name"], kind, summary.replace("|", "/"), note.replace("|", "/")))
    return "\n".join(rows)


def read_expect(path):
    with open(path) as f:
        return [l.split("#")[0].strip() for l in f if l.split("#")[0].strip()]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kut", default=DEFAULT_KUT, help="directory of *.flat and unittests.cfg")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=None, help="configs and serial logs (default BUILD/kut)")
    ap.add_argument("--expect", metavar="FILE", help="run these tests, PASS/FAIL a line each")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="boots at once (one Bochs each)")
    ap.add_argument("names", nargs="*", help="tests to run (default: every one)")
    a = ap.parse_args(argv)
    cfg_path = os.path.join(a.kut, "unittests.cfg")
    if not os.path.exists(cfg_path):
        print("kut: skipped: no kvm-unit-tests at %s (unittests.cfg missing); KUT=DIR names one" % a.kut)
        return 0
    try:
        with open(cfg_path) as f:
            tests = parse_cfg(f.read())
    except (OSError, KutError) as e:
        print("kut: %s" % e, file=sys.stderr)
        return 2
    want = read_expect(a.expect) if a.expect else a.names
    known = {t["name"] for t in tests}
    unknown = [n for n in want if n not in known]
    if unknown:
        print("kut: not in %s: %s" % (cfg_path, " ".join(unknown)), file=sys.stderr)
        return 2
    if want:
        tests = [t for t in tests if t["name"] in want]
    plans = [plan(t, a.kut) for t in tests]
    names = domain_names(plans)
    out_dir = a.out or os.path.join(a.build, "kut")
    os.makedirs(out_dir, exist_ok=True)
    res = {}
    boots = batches(plans)
    for i, batch in enumerate(boots):
        print("kut: boot %d: %s" % (i, " ".join(p["name"] for p in batch)), flush=True)
    with concurrent.futures.ThreadPoolExecutor(max(1, a.jobs)) as pool:
        for r in pool.map(lambda ib: run_batch(ib[0], ib[1], names, a.kut, a.build, out_dir), enumerate(boots)):
            res.update(r)
    text = table(plans, res)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(text + "\n")
    print(text)
    if not a.expect:
        return 0
    bad = 0
    for p in plans:
        kind, summary, reason = ("skip", "", p["skip"]) if p["skip"] else res[p["name"]]
        if kind == "pass":
            print("PASS kut %s (%s)" % (p["name"], summary or "no SUMMARY line"))
        else:
            bad += 1
            print("FAIL kut %s: %s%s%s" % (p["name"], kind, ", " + summary if summary else "",
                                          ", " + reason if reason else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
