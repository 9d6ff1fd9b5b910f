#!/usr/bin/env python3
"""Run the emulator integration tests listed in tests/integration/manifest.

For each test: build its image with tools/mkimage, boot it with run-qemu.sh,
then judge the serial log and the exit status against the manifest. Prints one
"PASS name" or "FAIL name" line per test (tests/run-tests.sh counts them); a
failure is followed by its reasons and the tail of the serial log. Logs, the
generated bochsrc and Bochs's own log stay in build/test-logs/.

Manifest format: blocks that open with `test NAME`, then one `key value` per
line (value = rest of the line). Keys:
    config FILE        config, relative to the manifest (required)
    emulator E         bochs (VT-x), qemu (TCG: no VT-x) or kvm; default bochs
    bochs_cpu MODEL    Bochs's CPU model (run-qemu.sh --bochs-cpu), for a feature the
                       default model lacks; unset: run-qemu.sh's default
    boot B             disk (default: a whole-disk FAT32 image), mbr or gpt (the file system
                       in that partition table: tools/mkimage --mbr/--gpt), or netboot
                       (tools/mkimage --netboot, run-qemu.sh --netboot: QEMU only)
    cpus N / memory MIB / timeout SECONDS   defaults 1 / 512 / 300
    mkimage ARG...     more arguments for tools/mkimage (--no-domain-ok: a config it would refuse)
    exit N             expected run-qemu.sh exit status; unset: not checked
    expect RE          must match a line, each after the previous `expect` line
    expect_any RE      must match some line, anywhere
    reject RE          must match no line
    count N RE         exactly N lines match RE
    equal RE           RE has two groups; some line matches, and on every line
                       that does the two groups are equal (as numbers if both are)
    same RE_A RE_B     group 1 of the first line matching RE_A equals group 1 of the
                       first line matching RE_B (as numbers if both are)
    logcheck SCRIPT ARG...  after the run, SCRIPT (relative to the manifest) gets ARG...
                       and `--log SERIAL_LOG`; the test fails when it exits non-zero
    before RE_A RE_B   the first line matching RE_A comes before the first matching RE_B
    ratio RE_A RE_B EXPECTED TOLERANCE
                       the last number group 1 of RE_A captured, over the last of
                       RE_B, is EXPECTED within TOLERANCE (relative: 0.1 or 10%),
                       counting only lines before the first `until` line; with
                       `since`, each number is first reduced by the last one its
                       regex captured before the first `since` line (0 if none)
    until RE           where `ratio` stops reading (default: the end of the log);
                       RE must match some line
    since RE           where `ratio` starts counting (default: the start of the
                       log); RE must match some line before the `until` line
    driver SCRIPT ARG...  runs SCRIPT (relative to the manifest) beside the emulator,
                       which serves COM1 on a free TCP port of 127.0.0.1; the script
                       gets `--port P --log SERIAL_LOG --timeout S` after ARG..., must
                       write the serial log itself, and fails the test by exiting non-zero
Keys that take several arguments (before, ratio, same, driver, logcheck, mkimage) split them as a shell
does: quote a regex holding spaces in '...', which keeps backslashes as written.
Regexes are Python's, searched within one serial line with ANSI escapes removed.
"""

import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MANIFEST = os.path.join(HERE, "manifest")
LOG_DIR = os.path.join(ROOT, "build", "test-logs")
TAIL_LINES = 30
TIMEOUT_STATUS = 124
ANSI_RE = re.compile(r"\x1b\[[0-9;=?]*[A-Za-z]")
EMULATORS = ("bochs", "qemu", "kvm")
BOOTS = ("disk", "mbr", "gpt", "netboot")
INT_KEYS = {"cpus": 1, "memory": 512, "timeout": 300}
DRIVER_TAIL_LINES = 15
DRIVER_GRACE_S = 10        # a driver may outlive its emulator this long
NUMBER_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


class ManifestError(Exception):
    pass


def parse_manifest(path):
    tests = []
    cur = None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition(" ")
            key, value = key.strip(), value.strip()
            where = "%s:%d" % (os.path.relpath(path, ROOT), lineno)
            if key == "test":
                if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
                    raise ManifestError("%s: bad test name '%s'" % (where, value))
                if any(t["name"] == value for t in tests):
                    raise ManifestError("%s: test '%s' listed twice" % (where, value))
                cur = dict(name=value, config=None, emulator="bochs", bochs_cpu=None, boot="disk", exit=None,
                           expect=[], expect_any=[], reject=[], count=[], equal=[], same=[], logcheck=[],
                           before=[], ratio=[], until=None, since=None, driver=None, mkimage=[],
                           where=where,
                           **INT_KEYS)
                tests.append(cur)
                continue
            if cur is None:
                raise ManifestError("%s: '%s' before any 'test NAME' line" % (where, key))
            if not value:
                raise ManifestError("%s: '%s' needs a value" % (where, key))
            if key in ("expect", "expect_any", "reject"):
                cur[key].append(compile_re(where, value))
            elif key in ("until", "since"):
                cur[key] = compile_re(where, value)
            elif key == "equal":
                rx = compile_re(where, value)
                if rx.groups < 2:
                    raise ManifestError("%s: equal wants a regex with two groups" % where)
                cur[key].append(rx)
            elif key == "count":
                n, _, rest = value.partition(" ")
                if not n.isdigit() or not rest.strip():
                    raise ManifestError("%s: count wants N REGEX" % where)
                cur[key].append((int(n), compile_re(where, rest.strip())))
            elif key == "before":
                args = split_args(where, key, value, 2)
                cur[key].append(tuple(compile_re(where, a) for a in args))
            elif key == "ratio":
                a, b, expected, tol = split_args(where, key, value, 4)
                try:
                    expected = float(expected)
                    tol = float(tol[:-1]) / 100 if tol.endswith("%") else float(tol)
                except ValueError:
                    raise ManifestError("%s: ratio wants RE_A RE_B EXPECTED TOLERANCE" % where)
                if expected <= 0 or tol < 0:
                    raise ManifestError("%s: ratio: EXPECTED must be above 0, TOLERANCE not below" % where)
                cur[key].append((compile_re(where, a), compile_re(where, b), expected, tol))
            elif key == "same":
                cur[key].append(tuple(compile_re(where, a) for a in split_args(where, key, value, 2)))
            elif key == "mkimage":
                cur[key] = split_args(where, key, value, None)
            elif key == "logcheck":
                args = split_args(where, key, value, None)
                args[0] = os.path.join(os.path.dirname(path), args[0])
                if not os.path.isfile(args[0]):
                    raise ManifestError("%s: logcheck %s: no such file" % (where, args[0]))
                cur[key].append(args)
            elif key == "driver":
                args = split_args(where, key, value, None)
                args[0] = os.path.join(os.path.dirname(path), args[0])
                if not os.path.isfile(args[0]):
                    raise ManifestError("%s: driver %s: no such file" % (where, args[0]))
                cur[key] = args
            elif key in INT_KEYS or key == "exit":
                if not value.isdigit():
                    raise ManifestError("%s: %s wants a number, not '%s'" % (where, key, value))
                cur[key] = int(value)
            elif key == "emulator":
                if value not in EMULATORS:
                    raise ManifestError("%s: emulator is one of %s" % (where, ", ".join(EMULATORS)))
                cur[key] = value
            elif key == "boot":
                if value not in BOOTS:
                    raise ManifestError("%s: boot is one of %s" % (where, ", ".join(BOOTS)))
                cur[key] = value
            elif key == "bochs_cpu":
                if not re.fullmatch(r"[A-Za-z0-9_]+", value):
                    raise ManifestError("%s: bad Bochs CPU model '%s'" % (where, value))
                cur[key] = value
            elif key == "config":
                cur[key] = os.path.join(os.path.dirname(path), value)
            else:
                raise ManifestError("%s: unknown key '%s'" % (where, key))
    for t in tests:
        if not t["config"]:
            raise ManifestError("%s: test %s has no config" % (t["where"], t["name"]))
        if t["bochs_cpu"] and t["emulator"] != "bochs":
            raise ManifestError("%s: test %s has `bochs_cpu` but runs in %s" % (t["where"], t["name"], t["emulator"]))
        if (t["until"] or t["since"]) and not t["ratio"]:
            raise ManifestError("%s: test %s has `until` or `since` but no `ratio`"
                                % (t["where"], t["name"]))
    return tests


def compile_re(where, value):
    try:
        return re.compile(value)
    except re.error as e:
        raise ManifestError("%s: bad regex %r: %s" % (where, value, e))


def split_args(where, key, value, n):
    """A key's arguments split as a shell does; exactly n of them unless n is None."""
    try:
        args = shlex.split(value)
    except ValueError as e:
        raise ManifestError("%s: %s: %s" % (where, key, e))
    if n is not None and len(args) != n:
        raise ManifestError("%s: %s wants %d arguments, got %d (quote regexes that hold spaces)"
                            % (where, key, n, len(args)))
    return args


def as_number(text):
    """The text as an int or float when it is one, else None."""
    if text is None or not NUMBER_RE.fullmatch(text.strip()):
        return None
    t = text.strip()
    return float(t) if "." in t else int(t)


def first_hit(rx, lines):
    return next((i for i, l in enumerate(lines) if rx.search(l)), None)


def last_number(rx, lines):
    """Group 1 of the last line matching rx, as a number; None when none matches."""
    value = None
    for l in lines:
        m = rx.search(l)
        if m and as_number(m.group(1)) is not None:
            value = as_number(m.group(1))
    return value


def judge_values(test, lines, notes):
    """The checks on numbers and order: count, equal, before, ratio (measured ones go to notes)."""
    reasons = []
    for n, rx in test["count"]:
        got = sum(1 for l in lines if rx.search(l))
        if got != n:
            reasons.append("%d lines match, expected %d: %s" % (got, n, rx.pattern))
    for rx in test["equal"]:
        hits = [m for m in (rx.search(l) for l in lines) if m]
        if not hits:
            reasons.append("missing: %s" % rx.pattern)
        for m in hits:
            a, b = m.group(1), m.group(2)
            na, nb = as_number(a), as_number(b)
            if (na != nb) if na is not None and nb is not None else (a != b):
                reasons.append("not equal (%s vs %s): %s" % (a, b, m.string.strip()))
    for a, b in test["same"]:
        ma = next((m for m in (a.search(l) for l in lines) if m), None)
        mb = next((m for m in (b.search(l) for l in lines) if m), None)
        if ma is None or mb is None:
            reasons.append("missing: %s" % (a if ma is None else b).pattern)
            continue
        va, vb = ma.group(1), mb.group(1)
        na, nb = as_number(va), as_number(vb)
        if (na != nb) if na is not None and nb is not None else (va != vb):
            reasons.append("not the same (%s vs %s): %s / %s" % (va, vb, a.pattern, b.pattern))
    for a, b in test["before"]:
        ia, ib = first_hit(a, lines), first_hit(b, lines)
        if ia is None or ib is None:
            reasons.append("missing: %s" % (a if ia is None else b).pattern)
        elif ia >= ib:
            reasons.append("out of order: first '%s' (line %d) is not before first '%s' (line %d)"
                           % (a.pattern, ia + 1, b.pattern, ib + 1))
    if test["ratio"]:
        window = lines
        if test["until"]:
            stop = first_hit(test["until"], lines)
            if stop is None:
                reasons.append("missing: %s (until)" % test["until"].pattern)
                return reasons
            window = lines[:stop]
        base = []
        if test["since"]:
            start = first_hit(test["since"], window)
            if start is None:
                reasons.append("missing: %s (since, before the until line)" % test["since"].pattern)
                return reasons
            base = window[:start]
        for a, b, expected, tol in test["ratio"]:
            va, vb = last_number(a, window), last_number(b, window)
            if va is not None and vb is not None:
                va -= last_number(a, base) or 0
                vb -= last_number(b, base) or 0
            if va is None or vb is None or vb == 0:
                reasons.append("ratio: no %s number for %s" % (
                    "non-zero" if vb == 0 else "captured", (a if va is None else b).pattern))
                continue
            got = va / vb
            verdict = "off" if abs(got / expected - 1) > tol else "ok"
            note = "ratio %s: %s / %s = %.3f, expected %.3f within %.0f%% (%s / %s)" % (
                verdict, va, vb, got, expected, tol * 100, a.pattern, b.pattern)
            (reasons if verdict == "off" else notes).append(note)
    return reasons


def read_log(path):
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return []
    return [ANSI_RE.sub("", l).rstrip("\r") for l in text.replace("\r\n", "\n").split("\n")]


def judge(test, lines, status, notes):
    """Return the list of reasons the run failed (empty: passed); measurements go to notes."""
    reasons = []
    expected = test["exit"]
    if status == TIMEOUT_STATUS and expected != TIMEOUT_STATUS:
        reasons.append("timed out after %d s" % test["timeout"])
    elif expected is not None and status != expected:
        reasons.append("exit status %d, expected %d" % (status, expected))
    pos = 0
    for rx in test["expect"]:
        hit = next((i for i in range(pos, len(lines)) if rx.search(lines[i])), None)
        if hit is None:
            anywhere = any(rx.search(l) for l in lines[:pos])
            reasons.append("missing%s: %s" % (" (only earlier than the line before it)"
                                              if anywhere else "", rx.pattern))
        else:
            pos = hit + 1
    for rx in test["expect_any"]:
        if not any(rx.search(l) for l in lines):
            reasons.append("missing: %s" % rx.pattern)
    for rx in test["reject"]:
        bad = next((l for l in lines if rx.search(l)), None)
        if bad is not None:
            reasons.append("unwanted line (%s): %s" % (rx.pattern, bad.strip()))
    return reasons + judge_values(test, lines, notes)


def run_test(test, efi, kvm_for_bochs):
    name = test["name"]
    image = os.path.join(LOG_DIR, name + ".img")
    serial = os.path.join(LOG_DIR, name + ".log")
    runlog = os.path.join(LOG_DIR, name + ".run.log")
    driver_log = os.path.join(LOG_DIR, name + ".driver.log")
    # A Bochs that was killed leaves IMG.lock behind, which the next one refuses.
    for stale in (serial, runlog, driver_log, image + ".lock"):
        if os.path.exists(stale):
            os.unlink(stale)
    boot = test["boot"]
    netboot_dir = os.path.join(LOG_DIR, name + ".netboot")
    mk = subprocess.run([os.path.join(ROOT, "tools", "mkimage"), test["config"],
                         netboot_dir if boot == "netboot" else image, "--efi", efi]
                        + (["--" + boot] if boot != "disk" else []) + test["mkimage"],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if mk.returncode != 0:
        return ["image: " + mk.stdout.strip()], [], [], 0.0
    emulator = test["emulator"]
    if emulator == "bochs" and kvm_for_bochs:
        emulator = "kvm"
    cmd = [os.path.join(ROOT, "run-qemu.sh"), "--" + emulator]
    cmd += ["--netboot", netboot_dir] if boot == "netboot" else ["--image", image]
    cmd += ["--cpus", str(test["cpus"]), "--mem", str(test["memory"]),
            "--serial", serial, "--timeout", str(test["timeout"]), "--quiet"]
    if emulator == "bochs" and test["bochs_cpu"]:
        cmd += ["--bochs-cpu", test["bochs_cpu"]]
    driver = None
    if test["driver"]:
        port = free_port()
        cmd += ["--interactive", "--port", str(port)]
        # Only the driver connects, and only to 127.0.0.1: the serial log is its copy.
        driver_cmd = test["driver"] + ["--port", str(port), "--log", serial,
                                       "--timeout", str(test["timeout"])]
    start = time.time()
    with open(runlog, "w") as out:
        emu = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
        if test["driver"]:
            with open(driver_log, "w") as dout:
                driver = subprocess.Popen(driver_cmd, stdout=dout, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL)
            # A driver that gave up ends the run rather than leave it to the timeout.
            while emu.poll() is None:
                if driver.poll():
                    emu.terminate()     # run-qemu.sh stops its emulator on SIGTERM
                    break
                time.sleep(0.5)
        status = emu.wait()
    driver_status = None
    if driver:
        try:
            driver_status = driver.wait(timeout=DRIVER_GRACE_S)
        except subprocess.TimeoutExpired:
            driver.kill()
            driver_status = driver.wait()
    elapsed = time.time() - start
    lines = read_log(serial)
    notes = []
    reasons = judge(test, lines, status, notes)
    if driver_status:
        with open(driver_log, errors="replace") as f:
            tail = [l.rstrip() for l in f][-DRIVER_TAIL_LINES:]
        reasons.append("driver %s exited with status %d; the end of %s:" % (
            os.path.relpath(test["driver"][0], ROOT), driver_status,
            os.path.relpath(driver_log, ROOT)))
        reasons += ["  " + l for l in tail]
    for args in test["logcheck"]:
        chk = subprocess.run(args + ["--log", serial], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, universal_newlines=True)
        out = [l.rstrip() for l in chk.stdout.splitlines()][-DRIVER_TAIL_LINES:]
        if chk.returncode:
            reasons.append("logcheck %s exited with status %d:" % (
                os.path.relpath(args[0], ROOT), chk.returncode))
            reasons += ["  " + l for l in out]
        else:
            notes += out
    if not reasons:
        # 34 MiB each; rebuilt from the config on demand
        if boot == "netboot":
            shutil.rmtree(netboot_dir)
        else:
            os.unlink(image)
    with open(runlog) as f:
        notes += [l.rstrip() for l in f if l.startswith("run-qemu:")]
    return reasons, notes, lines, elapsed


def free_port():
    """A TCP port of 127.0.0.1 that is free now (the emulator takes it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description="Boot each manifest test and check its serial log.")
    ap.add_argument("names", nargs="*", help="tests to run (default: all)")
    ap.add_argument("--list", action="store_true", help="list the tests and exit")
    ap.add_argument("--efi", default=os.path.join(ROOT, "build", "hinoki.efi"))
    ap.add_argument("--kvm", action="store_true",
                    help="run the VT-x (bochs) tests under QEMU+KVM instead")
    ap.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="tests run at once (each emulator uses one core; default %(default)s)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    try:
        tests = parse_manifest(MANIFEST)
    except (ManifestError, OSError) as e:
        print("FAIL manifest\n  %s" % e)
        return 1
    if a.list:
        for t in tests:
            print("%-16s %-6s %s" % (t["name"], t["emulator"], os.path.relpath(t["config"], ROOT)))
        return 0
    if a.names:
        unknown = [n for n in a.names if n not in {t["name"] for t in tests}]
        if unknown:
            print("run.py: no such integration test: %s" % ", ".join(unknown), file=sys.stderr)
            return 2
        tests = [t for t in tests if t["name"] in a.names]
    os.makedirs(LOG_DIR, exist_ok=True)

    def one(t):
        if not os.path.isfile(a.efi):
            return ["%s missing: run make" % os.path.relpath(a.efi, ROOT)], [], [], 0
        return run_test(t, a.efi, a.kvm)

    failed = 0
    # Bochs's VNC display takes the next free port from 5900, so runs can overlap.
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futures = {pool.submit(one, t): t for t in tests}
        for fut in concurrent.futures.as_completed(futures):
            t = futures[fut]
            reasons, notes, lines, elapsed = fut.result()
            print("%s %s (%.0f s)" % ("FAIL" if reasons else "PASS", t["name"], elapsed))
            if reasons or a.verbose:
                for r in reasons + notes:
                    print("  " + r)
            if reasons:
                failed += 1
                while lines and not lines[-1].strip():
                    lines.pop()
                if lines:
                    serial = os.path.relpath(os.path.join(LOG_DIR, t["name"] + ".log"), ROOT)
                    print("  --- last %d lines of %s ---" % (TAIL_LINES, serial))
                    for l in lines[-TAIL_LINES:]:
                        print("  | " + l)
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
