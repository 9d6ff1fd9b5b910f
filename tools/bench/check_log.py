#!/usr/bin/env python3
"""Check an exitbench serial log: the integration tests' judge beyond regexes.

    check_log.py --log SERIAL [--domain exitbench] [--same-as OTHER] [--trace OTHER [--image ELF]]

- the domain ended with exit code 0 and printed a CSV row for every
  measurement, each row ordered (min <= median <= p99 <= max, min <= mean <= max);
- the hypervisor's count for every `expect` line of the guest equals it exactly;
- every csv,exit histogram adds up to its count;
- --same-as OTHER: OTHER, the same guest run with different hypervisor
  settings, shows the same guest-visible results: exit code, measurements in
  the same order with the same iterations, the same `expect` lines;
- --trace OTHER: OTHER's trace dump is there and its entries are in time order.
- --image ELF: every traced I/O, CPUID and VMCALL exit's RIP points at such
  an instruction in the guest's image, after any legacy prefixes (inb_prefixed's
  DS prefix: the exit's RIP is where the prefixes start).
Prints what it checked; exits 1 with the reasons when something is off.
"""

import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchlog  # noqa: E402

MEASUREMENTS = ("nop", "cpuid", "cpuid_high", "cpuid_apic_timer", "vmcall", "vmcall_stub", "inb", "outb", "inb_prefixed",
                "inb_status", "rdmsr", "wrmsr", "mov_to_cr0", "hlt_timer", "mmio_read", "self_ipi",
                "hlt_interrupt")


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


# The instruction each traced exit reason must point at, as byte prefixes.
OPCODES = {
    "IO_INSTRUCTION": [bytes([b]) for b in (0xe4, 0xe5, 0xe6, 0xe7, 0xec, 0xed, 0xee, 0xef)],
    "CPUID": [b"\x0f\xa2"],
    "VMCALL": [b"\x0f\x01\xc1"],
}
# Legacy prefixes (operand and address size, segment overrides, LOCK, REP): an
# instruction may carry several before its opcode.
PREFIXES = frozenset((0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0, 0xf2, 0xf3))
MAX_PREFIXES = 4     # the 15-byte limit allows more; a guest of ours uses at most one


def image_bytes(path, addr, n):
    """Up to n bytes at virtual address addr of an ELF64 executable's loaded segments (fewer at a
    segment's end), or None outside them."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise ValueError("%s: not an ELF64 file" % path)
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for k in range(phnum):
        ptype, _, off, vaddr, _, filesz = struct.unpack_from("<IIQQQQ", data, phoff + k * phentsize)
        if ptype == 1 and vaddr <= addr < vaddr + filesz:
            return data[off + addr - vaddr:off + min(addr + n, vaddr + filesz) - vaddr]
    return None


def insn_is(reason, code):
    """Whether the bytes code start with an instruction that exits with reason, past its legacy prefixes."""
    n = 0
    while n < min(MAX_PREFIXES, len(code)) and code[n] in PREFIXES:
        n += 1
    return any(code[n:].startswith(op) for op in OPCODES[reason])


def trace_rip_errors(log, dom, image):
    """Every traced exit of a reason in OPCODES points at such an instruction (legacy prefixes allowed)."""
    errs, seen = [], 0
    for t in log["traces"]:
        if t["domain"] != dom or t["reason"] not in OPCODES:
            continue
        code = image_bytes(image, t["rip"], MAX_PREFIXES + 3)
        if code is None:
            errs.append("%s: %s exit at RIP 0x%x outside %s" % (dom, t["reason"], t["rip"], image))
            break
        if not insn_is(t["reason"], code):
            errs.append("%s: %s exit at RIP 0x%x, where the bytes are %s" % (dom, t["reason"], t["rip"], code.hex()))
            break
        seen += 1
    if not seen and not errs:
        errs.append("%s: no traced exit of %s" % (dom, ", ".join(OPCODES)))
    return errs, seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log", required=True)
    ap.add_argument("--domain", default="exitbench")
    ap.add_argument("--same-as")
    ap.add_argument("--trace")
    ap.add_argument("--image", help="with --trace: the guest's ELF (relative paths from the repository's "
                    "root), to check each traced RIP's instruction")
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
    if a.trace and a.image:
        image = a.image if os.path.isabs(a.image) else os.path.join(ROOT, a.image)
        rip_errs, seen = trace_rip_errors(log, a.trace, image)
        errs += rip_errs
        checked.append("%s: %d traced RIPs point at their instructions" % (a.trace, seen))
    for e in errs:
        print("check_log: %s" % e)
    if not errs:
        print("check_log: ok: " + "; ".join(checked))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
