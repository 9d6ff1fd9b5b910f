#!/usr/bin/env python3
"""`make bench` end to end, with few iterations: tools/bench/bench.py boots
exitbench in its five variants and must write results.csv, exitstats.csv,
results.md (with its count check and targets) and the histogram plots. One
"PASS name" or "FAIL name" line per check, as tests/run-tests.sh counts them;
exits 1 on a failure. Needs the normal and the counts-only build (make all
nostats)."""

import csv
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from passfail import check, exit_status  # noqa: E402

OUT = os.path.join(ROOT, "build", "test-logs", "bench")
ITERS = 100
VARIANTS = ("stats", "trace", "nostats", "plain", "emulated")


def read(name):
    try:
        with open(os.path.join(OUT, name)) as f:
            return f.read()
    except OSError as e:
        return "(unreadable: %s)" % e


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.unlink(os.path.join(OUT, f))
    r = subprocess.run([os.path.join(ROOT, "tools", "bench", "bench.py"), "--out", OUT,
                        "--iters", str(ITERS), "--warmup", "10", "--timeout", "600"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    check("bench_runs", r.returncode == 0, "exit status %d: %s" % (r.returncode, r.stdout[-2000:]))

    rows = list(csv.DictReader(read("results.csv").splitlines()))
    check("bench_results_csv_header", rows and list(rows[0].keys()) ==
          ["variant", "cpu_model", "name", "iterations", "min", "median", "mean", "p99", "max"],
          rows[0].keys() if rows else "no rows")
    by_variant = {v: [x for x in rows if x["variant"] == v] for v in VARIANTS}
    check("bench_results_csv_every_variant", all(by_variant.values()),
          [v for v, xs in by_variant.items() if not xs])
    stats = {x["name"]: x for x in by_variant["stats"]}
    check("bench_results_csv_iterations", stats and all(int(x["iterations"]) == ITERS for x in stats.values()),
          {n: x["iterations"] for n, x in stats.items()})
    check("bench_results_csv_cpuid", "cpuid" in stats and 0 < float(stats["cpuid"]["mean"]) < 1000,
          stats.get("cpuid"))
    # Bochs has APIC virtualization: a self-IPI then costs no exit, emulated it costs two.
    emulated = {x["name"]: x for x in by_variant["emulated"]}
    check("bench_apicv_self_ipi", "self_ipi" in stats and "self_ipi" in emulated and
          float(stats["self_ipi"]["mean"]) * 10 < float(emulated["self_ipi"]["mean"]),
          (stats.get("self_ipi"), emulated.get("self_ipi")))

    exits = list(csv.DictReader(read("exitstats.csv").splitlines()))
    check("bench_exitstats_csv", any(x["variant"] == "stats" and x["reason"] == "CPUID" and int(x["count"]) > ITERS
                               for x in exits), "no CPUID row in the stats run")

    md = read("results.md")
    check("bench_results_md_table", "| exit | guest round trip (median) |" in md and "| cpuid |" in md, md[:500])
    check("bench_results_md_counts", "The hypervisor's counts equal the exits exitbench caused" in md, md[-1500:])
    check("bench_results_md_targets", "## Targets" in md and "| CPUID round trip (guest mean) | at most 96 |" in md,
          md[-1500:])

    svg = read("hist_CPUID.svg")
    check("bench_plot", "<svg" in svg, svg[:200])
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
