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
    cpus N / memory MIB / timeout SECONDS   defaults 1 / 512 / 300
    exit N             expected run-qemu.sh exit status; unset: not checked
    expect RE          must match a line, each after the previous `expect` line
    expect_any RE      must match some line, anywhere
    reject RE          must match no line
Regexes are Python's, searched within one serial line with ANSI escapes removed.
"""

import argparse
import concurrent.futures
import os
import re
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
INT_KEYS = {"cpus": 1, "memory": 512, "timeout": 300}


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
                cur = dict(name=value, config=None, emulator="bochs", exit=None,
                           expect=[], expect_any=[], reject=[], where=where, **INT_KEYS)
                tests.append(cur)
                continue
            if cur is None:
                raise ManifestError("%s: '%s' before any 'test NAME' line" % (where, key))
            if not value:
                raise ManifestError("%s: '%s' needs a value" % (where, key))
            if key in ("expect", "expect_any", "reject"):
                try:
                    cur[key].append(re.compile(value))
                except re.error as e:
                    raise ManifestError("%s: bad regex %r: %s" % (where, value, e))
            elif key in INT_KEYS or key == "exit":
                if not value.isdigit():
                    raise ManifestError("%s: %s wants a number, not '%s'" % (where, key, value))
                cur[key] = int(value)
            elif key == "emulator":
                if value not in EMULATORS:
                    raise ManifestError("%s: emulator is one of %s" % (where, ", ".join(EMULATORS)))
                cur[key] = value
            elif key == "config":
                cur[key] = os.path.join(os.path.dirname(path), value)
            else:
                raise ManifestError("%s: unknown key '%s'" % (where, key))
    for t in tests:
        if not t["config"]:
            raise ManifestError("%s: test %s has no config" % (t["where"], t["name"]))
    return tests


def read_log(path):
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return []
    return [ANSI_RE.sub("", l).rstrip("\r") for l in text.replace("\r\n", "\n").split("\n")]


def judge(test, lines, status):
    """Return the list of reasons the run failed (empty: passed)."""
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
    return reasons


def run_test(test, efi, kvm_for_bochs):
    name = test["name"]
    image = os.path.join(LOG_DIR, name + ".img")
    serial = os.path.join(LOG_DIR, name + ".log")
    runlog = os.path.join(LOG_DIR, name + ".run.log")
    for stale in (serial, runlog):
        if os.path.exists(stale):
            os.unlink(stale)
    mk = subprocess.run([os.path.join(ROOT, "tools", "mkimage"), test["config"], image,
                         "--efi", efi], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        universal_newlines=True)
    if mk.returncode != 0:
        return ["image: " + mk.stdout.strip()], [], [], 0.0
    emulator = test["emulator"]
    if emulator == "bochs" and kvm_for_bochs:
        emulator = "kvm"
    cmd = [os.path.join(ROOT, "run-qemu.sh"), "--" + emulator, "--image", image,
           "--cpus", str(test["cpus"]), "--mem", str(test["memory"]),
           "--serial", serial, "--timeout", str(test["timeout"]), "--quiet"]
    start = time.time()
    with open(runlog, "w") as out:
        status = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL).returncode
    elapsed = time.time() - start
    lines = read_log(serial)
    reasons = judge(test, lines, status)
    if not reasons:
        os.unlink(image)    # 34 MiB each; rebuilt from the config on demand
    with open(runlog) as f:
        notes = [l.rstrip() for l in f if l.startswith("run-qemu:")]
    return reasons, notes, lines, elapsed


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
            print("%-12s %-6s %s" % (t["name"], t["emulator"], os.path.relpath(t["config"], ROOT)))
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
