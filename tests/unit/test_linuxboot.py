#!/usr/bin/env python3
"""Host tests of tools/bench/linuxboot.py, the Linux boot benchmark's reading of serial logs:
both ends of a boot (the native loader's or the hypervisor's entry line, /init's TSC line), the
Linux domain's exits per reason summed over its vCPUs, and the report's ratio and its verdicts,
on small synthetic logs. One "PASS name" or "FAIL name" line per check; exits 1 on a failure."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "bench"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import linuxboot  # noqa: E402
from passfail import check, exit_status  # noqa: E402

HIST = ";".join(["0"] * linuxboot.benchlog.HIST_BUCKETS)
NATIVE = """\
native: linux: kernel [0x1000000, 0x4f98000), initrd [0xfe1a000, 0xffffb94), 256 MiB, 1 vCPU(s)
native: entering Linux at TSC 1000
[    0.000000] Linux version 6.1.0-27-amd64
[    2.500000] hinoki-init: started
[    2.500001] hinoki-init: tsc 101000
[    2.600000] hinoki-init: tsc 999999
""".split("\n")
HINOKI = """\
hinoki: domain linux (1) created: Linux bzImage kernel, 256 MiB at 0x1600000, 1 vCPU
[other] [    1.000000] hinoki-init: tsc 5
[linux] [    3.100000] hinoki-init: tsc 110000
hinoki: domain linux (1) stopped: HLT with interrupts disabled and no timer set: it can never wake
hinoki: domain linux vcpu 0 first entered the guest at TSC 2000
hinoki: csv,exit,linux,0,CPUID,-,10,1000,90,200,%(h)s
hinoki: csv,exit,linux,0,IO_INSTRUCTION,-,7,700,80,300,%(h)s
hinoki: csv,exit,linux,0,IO_INSTRUCTION,0x3f8,5,500,80,300,-
hinoki: csv,exit,linux,1,CPUID,-,4,400,90,200,%(h)s
hinoki: csv,exit,other,0,CPUID,-,99,99,1,1,%(h)s
""" % {"h": HIST}
HINOKI = HINOKI.split("\n")


def main():
    n = linuxboot.parse(NATIVE)
    check("native_entry", n["entry"] == 1000, n)
    check("native_init_first_line", n["init"] == 101000, n)
    check("native_instructions", linuxboot.instructions(n) == 100000, n)
    h = linuxboot.parse(HINOKI)
    check("hinoki_entry", h["entry"] == 2000, h)
    check("hinoki_init_of_its_domain", h["init"] == 110000, h)
    check("hinoki_instructions", linuxboot.instructions(h) == 108000, h)
    check("exits_summed_over_vcpus", h["exits"].get("CPUID") == (14, 1400), h["exits"])
    check("exits_by_reason_not_key", h["exits"].get("IO_INSTRUCTION") == (7, 700), h["exits"])
    check("exits_of_other_domains_left_out", set(h["exits"]) == {"CPUID", "IO_INSTRUCTION"}, h["exits"])
    quiet = linuxboot.parse(["native: entering Linux at TSC 1000", "hinoki-init: tsc 5000"])
    check("init_line_under_quiet", quiet["init"] == 5000, quiet)
    quiet = linuxboot.parse(["[other] hinoki-init: tsc 7", "[linux] hinoki-init: tsc 9"])
    check("init_line_under_quiet_of_its_domain", quiet["init"] == 9, quiet)
    missing = linuxboot.parse(NATIVE[:3])
    check("no_init_no_figure", linuxboot.instructions(missing) is None, missing)
    check("init_before_entry_no_figure", linuxboot.instructions(dict(entry=5, init=4)) is None)

    results = {("native", 1): (n, "", ""), ("hinoki", 1): (h, "", ""),
               ("native", 2): (n, "", ""), ("hinoki", 2): (None, "timeout", "")}
    overhead, exits = linuxboot.report(results, [1, 2])
    rows = overhead.split("\n")
    check("ratio_row", rows[2] == "| 1 | 100000 | 108000 | 1.080 | met | NOT met |", rows[2])
    check("verdict_below_one", linuxboot.verdict(0.9, 1.10) == "not judged: native did more")
    check("verdict_above_bar", linuxboot.verdict(1.2, 1.10) == "NOT met")
    check("unmeasured_row_says_why", rows[3].startswith("| 2 | 100000 | - | not measured (hinoki: timeout)"),
          rows[3])
    erows = exits.split("\n")
    check("exits_most_first", erows[2] == "| CPUID | 14, 1400 | - |", erows)
    check("exits_rows", len(erows) == 4 and erows[3] == "| IO_INSTRUCTION | 7, 700 | - |", erows)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
