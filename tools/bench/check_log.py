#!/usr/bin/env python3
"""Check an exitbench serial log: the integration tests' judge beyond regexes.

    check_log.py --log SERIAL [--domain exitbench] [--same-as OTHER] [--trace OTHER]

- the domain ended with exit code 0 and printed a CSV row for every
  measurement, each row ordered (min <= median <= p99 <= max, min <= mean <= max);
- the hypervisor's count for every `expect` line of the guest equals it exactly;
- every csv,exit histogram adds up to its count;
- --same-as OTHER: OTHER, the same guest run with different hypervisor
  settings, shows the same guest-visible results: exit code, measurements in
  the same order with the same iterations, the same `expect` lines;
- --trace OTHER: OTHER's trace dump is there and its entries are in time order.
Prints what it checked; exits 1 with the reasons when something is off.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlog  # noqa: E402

MEASUREMENTS = ("nop", "cpuid", "cpuid_high", "vmcall", "vmcall_stub", "inb", "outb", "rdmsr", "wrmsr",
                "mov_to_cr0", "hlt_timer", "mmio_read", "self_ipi", "hlt_interrupt")


def check_domain(log, dom):
    errs = []
    code = log["ended"].get(dom, "missing")
    if code != 0:
        errs.append("%s: exit code %s, expected 0" % (dom, code))
    rows = log["bench"].get(dom, {})
    for name in MEASUREMENTS:
        r = rows.get(name)
        if r is None:
            errs.append("%s: no csv row for %s" % (dom, name))
            continue
        if r["iterations"] <= 0 or not (r["min"] <= r["median"] <= r["p99"] <= r["max"]) \
                or not (r["min"] <= r["mean"] <= r["max"]):
            errs.append("%s: %s: row out of order: %s" % (dom, name, r))
    errs += benchlog.expect_errors(log, dom)
    return errs


def same_results(log, a, b):
    errs = []
    if log["ended"].get(a) != log["ended"].get(b):
        errs.append("exit codes differ: %s %s, %s %s" % (a, log["ended"].get(a), b, log["ended"].get(b)))
    if log["order"].get(a) != log["order"].get(b):
        errs.append("measurements differ: %s %s, %s %s" % (a, log["order"].get(a), b, log["order"].get(b)))
    for name in log["order"].get(a, []):
        ia = log["bench"][a][name]["iterations"]
        ib = log["bench"].get(b, {}).get(name, {}).get("iterations")
        if ia != ib:
            errs.append("%s: iterations %s in %s, %s in %s" % (name, ia, a, ib, b))
    if log["expect"].get(a) != log["expect"].get(b):
        errs.append("expect lines differ: %s %s, %s %s" % (a, log["expect"].get(a), b, log["expect"].get(b)))
    return errs


def trace_errors(log, dom):
    begins = [t for t in log["trace_begin"] if t["domain"] == dom]
    entries = [t for t in log["traces"] if t["domain"] == dom]
    if not begins:
        return ["%s: no trace dump" % dom]
    errs = []
    if sum(t["entries"] for t in begins) != len(entries):
        errs.append("%s: trace-begin announces %d entries, %d follow" % (
            dom, sum(t["entries"] for t in begins), len(entries)))
    for prev, cur in zip(entries, entries[1:]):
        if cur["vcpu"] == prev["vcpu"] and cur["exit_tsc"] < prev["entry_tsc"]:
            errs.append("%s: trace out of time order at exit TSC %d" % (dom, cur["exit_tsc"]))
            break
    for t in entries:
        if t["entry_tsc"] < t["exit_tsc"]:
            errs.append("%s: entry before exit: %s" % (dom, t))
            break
    return errs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log", required=True)
    ap.add_argument("--domain", default="exitbench")
    ap.add_argument("--same-as")
    ap.add_argument("--trace")
    a = ap.parse_args()
    try:
        log = benchlog.parse(benchlog.read_lines(a.log))
    except (OSError, benchlog.LogError) as e:
        print("check_log: %s" % e)
        return 1
    errs = check_domain(log, a.domain) + benchlog.hist_errors(log)
    checked = ["%s: exit code, %d measurements, %d expect lines" % (
        a.domain, len(MEASUREMENTS), len(log["expect"].get(a.domain, {}))),
        "%d histograms" % sum(1 for r in log["exits"] if r["hist"] is not None)]
    if a.same_as:
        errs += check_domain(log, a.same_as) + same_results(log, a.domain, a.same_as)
        checked.append("%s gives the same guest-visible results" % a.same_as)
    if a.trace:
        errs += trace_errors(log, a.trace)
        checked.append("%s: %d trace entries" % (a.trace, sum(1 for t in log["traces"] if t["domain"] == a.trace)))
    for e in errs:
        print("check_log: %s" % e)
    if not errs:
        print("check_log: ok: " + "; ".join(checked))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
