"""Reading a Hinoki serial log for the exit-latency tools (docs/bench.md).

Three kinds of line matter:
    [DOM] exitbench: csv,NAME,ITERS,MIN,MEDIAN,MEAN,P99,MAX   the guest's round trips
    [DOM] exitbench: expect,REASON[:KEY],N                    exits the guest caused
    hinoki: csv,exit,DOM,VCPU,REASON,KEY,COUNT,CYCLES,MIN,MAX,HIST
                                                              the hypervisor's statistics
    hinoki: csv,trace-begin,DOM,VCPU,ENTRIES,DROPPED
    hinoki: csv,trace,DOM,VCPU,EXIT_TSC,ENTRY_TSC,REASON,QUAL,RIP
Everything here is pure: it takes lines and returns Python values, so the
tests can feed it synthetic logs. Standard library only.
"""

import re

HIST_BUCKETS = 28
BENCH_FIELDS = ("iterations", "min", "median", "mean", "p99", "max")
ANSI_RE = re.compile(r"\x1b\[[0-9;=?]*[A-Za-z]")
GUEST_RE = re.compile(r"^\[([^\]]+)\] exitbench: (.*)$")
HV_CSV_RE = re.compile(r"^hinoki: csv,(exit|trace-begin|trace),(.*)$")
ENDED_RE = re.compile(r"^hinoki: domain (\S+) \((\d+)\) (ended: exit code (-?\d+)|stopped: .*)$")


class LogError(Exception):
    """A line that claims to be one of ours but does not parse."""


# The hypervisor's line on what a domain costs it besides its RAM: KiB in all, KiB per vCPU.
MEMORY_RE = re.compile(r"^hinoki: domain (\S+): (\d+) KiB of hypervisor memory besides its RAM \((\d+) KiB per vCPU\)")


def read_lines(path):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    return [ANSI_RE.sub("", l).rstrip("\r") for l in text.replace("\r\n", "\n").split("\n")]


def _int(text, what):
    try:
        return int(text, 0)
    except ValueError:
        raise LogError("%s: not a number: %r" % (what, text))


def parse_exit_row(fields, line):
    """One `csv,exit` line's fields after `csv,exit,` as a dict."""
    if len(fields) != 9:
        raise LogError("csv,exit wants 9 fields, got %d: %s" % (len(fields), line))
    dom, vcpu, reason, key, count, cycles, mn, mx, hist = fields
    row = dict(domain=dom, vcpu=_int(vcpu, line), reason=reason,
               key=None if key == "-" else _int(key, line), count=_int(count, line),
               cycles=None, min=None, max=None, hist=None)
    if cycles != "-":
        row.update(cycles=_int(cycles, line), min=_int(mn, line), max=_int(mx, line))
    if hist != "-":
        buckets = hist.split(";")
        if len(buckets) != HIST_BUCKETS:
            raise LogError("histogram wants %d buckets, got %d: %s" % (HIST_BUCKETS, len(buckets), line))
        row["hist"] = [_int(b, line) for b in buckets]
    return row


def parse_trace_row(fields, line):
    if len(fields) != 7:
        raise LogError("csv,trace wants 7 fields, got %d: %s" % (len(fields), line))
    dom, vcpu, exit_tsc, entry_tsc, reason, qual, rip = fields
    return dict(domain=dom, vcpu=_int(vcpu, line), exit_tsc=_int(exit_tsc, line),
                entry_tsc=_int(entry_tsc, line), reason=reason, qual=_int(qual, line),
                rip=_int(rip, line))


def parse_trace_begin(fields, line):
    """DOM,VCPU,ENTRIES,DROPPED; older dumps lack the VCPU (taken as 0)."""
    if len(fields) == 3:
        fields = [fields[0], "0"] + fields[1:]
    if len(fields) != 4:
        raise LogError("csv,trace-begin wants 4 fields: %s" % line)
    return dict(domain=fields[0], vcpu=_int(fields[1], line), entries=_int(fields[2], line),
                dropped=_int(fields[3], line))


def parse(lines):
    """Everything the tools use from a serial log, keyed by domain."""
    out = dict(bench={}, order={}, expect={}, site={}, vmexit={}, notes={}, exits=[],
               traces=[], trace_begin=[], ended={}, memory={})
    for line in lines:
        m = MEMORY_RE.match(line)
        if m:
            out["memory"][m.group(1)] = (int(m.group(2)), int(m.group(3)))
            continue
        m = GUEST_RE.match(line)
        if m:
            dom, rest = m.group(1), m.group(2)
            kind, _, value = rest.partition(",")
            if kind == "csv":
                f = value.split(",")
                if f[0] == "name":
                    continue
                if len(f) != 1 + len(BENCH_FIELDS):
                    raise LogError("exitbench csv wants %d fields: %s" % (1 + len(BENCH_FIELDS), line))
                try:
                    vals = [int(f[1])] + [float(x) if "." in x else int(x) for x in f[2:]]
                except ValueError:
                    raise LogError("exitbench csv: not a number: %s" % line)
                out["bench"].setdefault(dom, {})[f[0]] = dict(zip(BENCH_FIELDS, vals))
                out["order"].setdefault(dom, []).append(f[0])
            elif kind == "expect":
                key, _, n = value.rpartition(",")
                out["expect"].setdefault(dom, {})[key] = _int(n, line)
            elif kind == "site":
                name, _, rip = value.partition(",")
                out["site"].setdefault(dom, {})[name] = _int(rip, line)
            elif kind in ("note", "skipped"):
                out["notes"].setdefault(dom, []).append(rest)
            else:
                words = rest.split()
                if len(words) == 2 and re.fullmatch(r"\d+", words[1]):
                    out["vmexit"].setdefault(dom, {})[words[0]] = int(words[1])
            continue
        m = HV_CSV_RE.match(line)
        if m:
            fields = m.group(2).split(",")
            if m.group(1) == "exit":
                out["exits"].append(parse_exit_row(fields, line))
            elif m.group(1) == "trace":
                out["traces"].append(parse_trace_row(fields, line))
            else:
                out["trace_begin"].append(parse_trace_begin(fields, line))
            continue
        m = ENDED_RE.match(line)
        if m:
            out["ended"][m.group(1)] = int(m.group(4)) if m.group(4) is not None else None
    return out


def exit_row(log, domain, reason, key=None, vcpu=0):
    """The hypervisor's row for (domain, vcpu, reason, key), or None."""
    for r in log["exits"]:
        if (r["domain"], r["vcpu"], r["reason"], r["key"]) == (domain, vcpu, reason, key):
            return r
    return None


def hist_errors(log):
    """Rows whose histogram does not add up to their count."""
    errs = []
    for r in log["exits"]:
        if r["hist"] is not None and sum(r["hist"]) != r["count"]:
            errs.append("%s vcpu %d %s: histogram sums to %d, count %d" % (
                r["domain"], r["vcpu"], r["reason"], sum(r["hist"]), r["count"]))
    return errs


def expect_errors(log, domain, vcpu=0):
    """The guest's `expect` lines that the hypervisor's counts contradict. Every exit is
    recorded under its reason and its key, so each line must equal its own row exactly:
    REASON the reason's row, REASON:KEY that key's row (missing counts as 0)."""
    errs = []
    expects = log["expect"].get(domain)
    if not expects:
        return ["%s: no expect lines" % domain]
    for key, want in sorted(expects.items()):
        reason, _, sub = key.partition(":")
        row = exit_row(log, domain, reason, int(sub, 16) if sub else None, vcpu)
        got = row["count"] if row else 0
        if got != want:
            errs.append("%s: %s: the guest caused %d, the hypervisor counted %d" % (domain, key, want, got))
    return errs


def root_mean(row):
    """Mean root-mode cycles of a statistics row, or None where it has no cycles."""
    if not row or row["cycles"] is None or not row["count"]:
        return None
    return row["cycles"] / row["count"]


def trace_means(log, domain, vcpu=0):
    """Mean ENTRY_TSC - EXIT_TSC per measurement, matching trace entries to the guest's sites by RIP."""
    sites = {rip: name for name, rip in log["site"].get(domain, {}).items()}
    sums = {}
    for t in log["traces"]:
        if t["domain"] != domain or t["vcpu"] != vcpu or t["rip"] not in sites:
            continue
        s = sums.setdefault(sites[t["rip"]], [0, 0])
        s[0] += t["entry_tsc"] - t["exit_tsc"]
        s[1] += 1
    return {name: total / n for name, (total, n) in sums.items()}
