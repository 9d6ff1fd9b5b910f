#!/usr/bin/env python3
"""Host tests of the exit-latency tools: tools/trace2json, tools/bench/benchlog.py, kutvmexit.py,
bench.py's targets and labels and check_log.py's instruction match, on small synthetic serial logs. One "PASS name" or "FAIL name" line per check, as
the C unit tests print, so tests/run-tests.sh counts them; exits 1 on a failure."""

import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "bench"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import bench  # noqa: E402
import benchlog  # noqa: E402
import check_log  # noqa: E402
import kutvmexit  # noqa: E402
from load_tool import load_tool  # noqa: E402
from passfail import check, exit_status  # noqa: E402


HIST_CPUID = ";".join(["0"] * 7 + ["3"] + ["0"] * (benchlog.HIST_BUCKETS - 8))
LOG = """\
hinoki: domain exitbench (1) created: Hinoki ELF64 kernel
[exitbench] exitbench: site,cpuid,0x100727
[exitbench] exitbench: csv,name,iterations,min,median,mean,p99,max
[exitbench] exitbench: csv,cpuid,3,300,311,311.33,320,320
[exitbench] exitbench: cpuid 311
[exitbench] exitbench: skipped,self_ipi,no virtual local APIC yet
[exitbench] exitbench: expect,CPUID,3
[exitbench] exitbench: expect,MSR_READ:0x174,2
[exitbench] exitbench: expect,VMCALL_STUB,4
hinoki: domain exitbench (1) ended: exit code 0
hinoki: csv,exit,exitbench,0,CPUID,-,3,642,214,214,%s
hinoki: csv,exit,exitbench,0,MSR_READ,-,2,420,210,210,%s
hinoki: csv,exit,exitbench,0,MSR_READ,0x174,2,420,210,210,-
hinoki: csv,exit,exitbench,0,VMCALL_STUB,-,4,-,-,-,-
hinoki: csv,trace-begin,exitbench,0,3,7
hinoki: csv,trace,exitbench,0,1000,1214,CPUID,0x0,0x100727
hinoki: csv,trace,exitbench,0,2000,2210,MSR_READ,0x0,0x100908
\x1b[0mhinoki: csv,trace,other,1,3000,3100,HLT,0x0,0x100a53
hinoki: csv,trace,exitbench,0,5000,4000,BROKEN
""" % (HIST_CPUID, ";".join(["0"] * 7 + ["1"] + ["0"] * (benchlog.HIST_BUCKETS - 8)))

def test_trace2json(t2j):
    trace = t2j.convert(LOG.splitlines(), 50.0)
    ev = trace["traceEvents"]
    x = [e for e in ev if e["ph"] == "X"]
    check("trace2json_one_event_per_exit", len(x) == 3, x)
    cpuid = next(e for e in x if e["name"] == "CPUID")
    check("trace2json_ts_dur_in_us", cpuid["ts"] == 20.0 and abs(cpuid["dur"] - 4.28) < 1e-9, cpuid)
    check("trace2json_args", cpuid["args"]["rip"] == "0x100727" and cpuid["args"]["qual"] == "0x0", cpuid)
    procs = {e["args"]["name"]: e["pid"] for e in ev if e["name"] == "process_name"}
    check("trace2json_pid_per_domain", set(procs) == {"exitbench", "other"}
          and procs["exitbench"] != procs["other"], procs)
    hlt = next(e for e in x if e["name"] == "HLT")
    check("trace2json_tid_is_vcpu", hlt["tid"] == 1 and hlt["pid"] == procs["other"], hlt)
    threads = [e for e in ev if e["name"] == "thread_name"]
    check("trace2json_thread_names", len(threads) == 2, threads)
    check("trace2json_tsc_rate", t2j.convert(LOG.splitlines(), 100.0)["traceEvents"][-1]["ts"] in (10.0, 20.0, 30.0))
    try:
        t2j.convert([], 0)
        check("trace2json_rejects_zero_rate", False, "no error")
    except ValueError:
        check("trace2json_rejects_zero_rate", True)
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "s.log"), os.path.join(d, "t.json")
        with open(src, "w") as f:
            f.write(LOG)
        r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "trace2json"), src, "-o", dst],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ok = r.returncode == 0 and len(json.load(open(dst))["traceEvents"]) == 7
        check("trace2json_cli_writes_json", ok, r.stderr)
        with open(src, "w") as f:
            f.write("no trace here\n")
        r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "trace2json"), src],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        check("trace2json_cli_fails_without_trace", r.returncode == 1, r.returncode)


def test_benchlog():
    lines = [l for l in LOG.splitlines() if "BROKEN" not in l]
    log = benchlog.parse(lines)
    row = log["bench"]["exitbench"]["cpuid"]
    check("benchlog_guest_row", row == dict(iterations=3, min=300, median=311, mean=311.33, p99=320, max=320), row)
    check("benchlog_vmexit_line", log["vmexit"]["exitbench"] == {"cpuid": 311}, log["vmexit"])
    check("benchlog_ended", log["ended"] == {"exitbench": 0}, log["ended"])
    check("benchlog_sub_key", benchlog.exit_row(log, "exitbench", "MSR_READ", 0x174)["count"] == 2)
    check("benchlog_stub_row_untimed", benchlog.root_mean(benchlog.exit_row(log, "exitbench", "VMCALL_STUB")) is None)
    check("benchlog_trace_begin", log["trace_begin"] == [dict(domain="exitbench", vcpu=0, entries=3, dropped=7)],
          log["trace_begin"])
    check("benchlog_trace_means", benchlog.trace_means(log, "exitbench") == {"cpuid": 214}, benchlog.trace_means(log, "exitbench"))
    errs = benchlog.hist_errors(log)
    check("benchlog_hist_mismatch_found", len(errs) == 1 and "MSR_READ" in errs[0], errs)
    errs = benchlog.expect_errors(log, "exitbench")
    check("benchlog_expect_ok_rows", not any("CPUID" in e or "VMCALL_STUB" in e or "0x174" in e for e in errs), errs)
    bad = benchlog.parse([l.replace("expect,CPUID,3", "expect,CPUID,4") for l in lines])
    check("benchlog_expect_mismatch", any("CPUID" in e for e in benchlog.expect_errors(bad, "exitbench")))
    # Every exit is recorded with its key: a keyed expect line needs its own row, whatever the
    # reason's row holds, and the reason's total alone does not answer for it.
    vmcall = ["[exitbench] exitbench: expect,VMCALL,2", "[exitbench] exitbench: expect,VMCALL:0x5,2",
              "hinoki: csv,exit,exitbench,0,VMCALL,-,2,40,20,20,%s" % HIST_CPUID.replace("3", "2")]
    errs = benchlog.expect_errors(benchlog.parse(lines + vmcall), "exitbench")
    check("benchlog_expect_key_row_missing_reason_total_ok",
          errs == ["exitbench: VMCALL:0x5: the guest caused 2, the hypervisor counted 0"], errs)
    errs = benchlog.expect_errors(benchlog.parse(lines + vmcall[1:]), "exitbench")
    check("benchlog_expect_key_row_missing_reason_holds_more",
          errs == ["exitbench: VMCALL:0x5: the guest caused 2, the hypervisor counted 0"], errs)
    keyed = benchlog.parse(lines + vmcall + ["hinoki: csv,exit,exitbench,0,VMCALL,0x5,2,40,20,20,-"])
    check("benchlog_expect_key_row_exact", not any("VMCALL" in e for e in benchlog.expect_errors(keyed, "exitbench")),
          benchlog.expect_errors(keyed, "exitbench"))
    keyed = benchlog.parse(lines + vmcall + ["hinoki: csv,exit,exitbench,0,VMCALL,0x5,1,20,20,20,-"])
    check("benchlog_expect_key_row_short", benchlog.expect_errors(keyed, "exitbench")
          == ["exitbench: VMCALL:0x5: the guest caused 2, the hypervisor counted 1"], benchlog.expect_errors(keyed, "exitbench"))
    nokey = benchlog.parse([l for l in lines if "csv,exit,exitbench,0,MSR_READ," not in l])
    check("benchlog_expect_missing_key_row", any("MSR_READ:0x174" in e for e in benchlog.expect_errors(nokey, "exitbench")))
    check("benchlog_expect_missing_domain", benchlog.expect_errors(log, "nobody") == ["nobody: no expect lines"])
    for name, text in (("benchlog_rejects_short_hist", "hinoki: csv,exit,d,0,CPUID,-,1,2,2,2,1;1"),
                       ("benchlog_rejects_bad_number", "hinoki: csv,exit,d,0,CPUID,-,x,2,2,2,-"),
                       ("benchlog_rejects_short_trace", "hinoki: csv,trace,d,0,1,2,CPUID"),
                       ("benchlog_rejects_short_guest_row", "[d] exitbench: csv,cpuid,3,1,2")):
        try:
            benchlog.parse([text])
            check(name, False, "parsed")
        except benchlog.LogError:
            check(name, True)


# What kvm-unit-tests' vmexit.flat prints, as the serial log carries it.
VMEXIT_LOG = """[vmexit] enabling apic
[vmexit] smp: waiting for 0 APs
[vmexit] cr0 = 80010011
[vmexit] cpuid 285
[vmexit] vmcall 314
[vmexit] PM timer port is b008
[vmexit] inl_from_pmtimer 1200
[vmexit] self_ipi_tpr 2600
[vmexit]   ipi self_ipi_tpr 900
[vmexit]   eoi self_ipi_tpr 700
[vmexit] self_ipi_sti_nop 2500
[vmexit] wr_kernel_gs_base 40
[vmexit] ipi (skipped)
[other] cpuid 1
hinoki: csv,exit,vmexit,0,CPUID,-,10,270,27,27,-
hinoki: csv,exit,vmexit,0,EPT_VIOLATION,0xfee00,4,3200,800,800,-
hinoki: domain vmexit (1) ended: exit code 0""".split("\n")


def test_kutvmexit():
    results, parts, skipped = kutvmexit.parse(VMEXIT_LOG)
    check("kutvmexit_results_in_order", list(results.items()) == [
        ("cpuid", 285), ("vmcall", 314), ("inl_from_pmtimer", 1200), ("self_ipi_tpr", 2600),
        ("self_ipi_sti_nop", 2500), ("wr_kernel_gs_base", 40)], results)
    check("kutvmexit_parts", parts == {"self_ipi_tpr": {"ipi": 900, "eoi": 700}}, parts)
    check("kutvmexit_skipped", skipped == ["ipi"], skipped)
    log = benchlog.parse(VMEXIT_LOG)
    md = kutvmexit.table(results, parts,
                         lambda r, k: benchlog.root_mean(benchlog.exit_row(log, "vmexit", r, k)),
                         lambda name: {"cpuid_high": 58.0}.get(name))
    rows = {l.split(" | ")[0][2:]: l for l in md.split("\n")[2:]}
    check("kutvmexit_row_cpuid", rows["cpuid"] == "| cpuid | 285 | 27 (CPUID) | cpuid_high 58 |", rows["cpuid"])
    check("kutvmexit_row_shared", "800 (EPT_VIOLATION 0xfee00, shared)" in rows["self_ipi_tpr"]
          and "(eoi 700) (ipi 900)" in rows["self_ipi_tpr"], rows["self_ipi_tpr"])
    check("kutvmexit_row_no_exit", "| no exit |" in rows["wr_kernel_gs_base"], rows["wr_kernel_gs_base"])
    check("kutvmexit_row_missing_stats", "| vmcall | 314 | - |" in rows["vmcall"], rows["vmcall"])
    # vmcall's figure is its hypercall's key row, never the VMCALL reason's row (which also holds
    # the other hypercalls); without the key row it stays empty.
    reason_only = benchlog.parse(VMEXIT_LOG + ["hinoki: csv,exit,vmexit,0,VMCALL,-,12,420,20,50,-"])
    md = kutvmexit.table(results, parts,
                         lambda r, k: benchlog.root_mean(benchlog.exit_row(reason_only, "vmexit", r, k)),
                         lambda name: None)
    rows = {l.split(" | ")[0][2:]: l for l in md.split("\n")[2:]}
    check("kutvmexit_row_no_key_row", "| vmcall | 314 | - |" in rows["vmcall"], rows["vmcall"])
    keyed = benchlog.parse(VMEXIT_LOG + ["hinoki: csv,exit,vmexit,0,VMCALL,-,12,420,20,50,-",
                                         "hinoki: csv,exit,vmexit,0,VMCALL,0x0,10,300,30,30,-"])
    md = kutvmexit.table(results, parts,
                         lambda r, k: benchlog.root_mean(benchlog.exit_row(keyed, "vmexit", r, k)),
                         lambda name: None)
    rows = {l.split(" | ")[0][2:]: l for l in md.split("\n")[2:]}
    check("kutvmexit_row_key", "| vmcall | 314 | 30 (VMCALL 0x0) |" in rows["vmcall"], rows["vmcall"])
    check("kutvmexit_no_fast_path_rows", "fast path" not in md, md)
    cfg = kutvmexit.config("/x/vmexit.flat", ["cpuid", "vmcall"])
    check("kutvmexit_config", 'kernel = "/x/vmexit.flat"' in cfg and 'extra = "cpuid vmcall"' in cfg
          and "exit_csv = 1" in cfg, cfg)
    check("kutvmexit_config_all", "extra" not in kutvmexit.config("/x/vmexit.flat", []))


def bench_run(means):
    return {"bench": {bench.DOMAIN: {n: {"mean": m} for n, m in means.items()}}, "memory": {}}


def test_targets():
    logs = {
        "stats": bench_run({"nop": 5, "cpuid": 96, "vmcall": 97, "vmcall_stub": 28, "inb": 120,
                            "inb_status": 121, "rdmsr": 268, "self_ipi": 2216}),
        "nostats": bench_run({"nop": 5, "cpuid": 83, "vmcall": 84, "vmcall_stub": 28, "inb": 107,
                              "inb_status": 108, "rdmsr": 255, "self_ipi": 2180}),
        "trace": bench_run({"nop": 6, "cpuid": 115, "vmcall": 127, "vmcall_stub": 28, "inb": 140,
                            "inb_status": 141, "rdmsr": 306, "self_ipi": 2292}),
    }
    rows = {l.split(" | ")[0][2:]: l for l in bench.targets(logs).split("\n")[2:]}
    for name, target, want in (
            ("targets_round_trip_met_at_limit", "CPUID round trip", "| at most 96 | 96 | met |"),
            ("targets_round_trip_not_met", "null VMCALL round trip", "| at most 96 | 97 | NOT met |"),
            ("targets_status_read_not_met", "UART status read", "| at most 120 | 121 | NOT met |"),
            ("targets_scratch_read_met", "emulated port read (UART scratch)", "| at most 120 | 120 | met |")):
        row = rows.get(target + " (guest mean)", "")
        check(name, row.endswith(want), row)
    check("targets_no_row_without_measurement", not any("port write" in r for r in rows), rows)
    # self_ipi causes two exits: (2216 - 2180) / 2 = 18 per exit, the most; nop causes none
    stats = rows["statistics per exit (a - c), the most of any exit"]
    check("targets_stats_per_exit", "| at most 16 | 18 (self_ipi) | NOT met |" in stats, stats)
    trace = rows["trace ring (b vs a), the most of any exit"]
    check("targets_trace_worst", "| at most +25% | +30.9% (vmcall) | NOT met |" in trace, trace)
    # With APIC virtualization (exitbench expects APIC-write exits) a self-IPI causes no exit: not counted.
    logs["stats"]["expect"] = {bench.DOMAIN: {"APIC_WRITE": 3}}
    rows = {l.split(" | ")[0][2:]: l for l in bench.targets(logs).split("\n")[2:]}
    stats = rows["statistics per exit (a - c), the most of any exit"]
    check("targets_stats_per_exit_apicv", "| at most 16 | 13 (cpuid) | met |" in stats, stats)
    ratio = rows["CPUID round trip / stub-only round trip"]
    check("targets_stub_ratio_not_judged_in_bochs", "| 3.43 | not applicable" in ratio, ratio)
    logs["nostats"]["bench"][bench.DOMAIN]["self_ipi"]["mean"] = 2200
    logs["trace"]["bench"][bench.DOMAIN]["vmcall"]["mean"] = 110
    rows = {l.split(" | ")[0][2:]: l for l in bench.targets(logs).split("\n")[2:]}
    check("targets_stats_met", "| 13 (cpuid) | met |" in rows["statistics per exit (a - c), the most of any exit"],
          rows["statistics per exit (a - c), the most of any exit"])
    check("targets_trace_met", "| +19.8% (cpuid) | met |" in rows["trace ring (b vs a), the most of any exit"],
          rows["trace ring (b vs a), the most of any exit"])
    mem_row = "hypervisor memory per domain besides RAM and VMCS pages (exitbench, 1 vCPU)"
    check("targets_no_memory_row_without_line", mem_row not in rows, rows)
    for line, want in (("hinoki: domain exitbench: 64 KiB of hypervisor memory besides its RAM (16 KiB per vCPU)",
                        "| at most 64 KiB | 64 KiB (16 KiB per vCPU) | met |"),
                       ("hinoki: domain exitbench: 68 KiB of hypervisor memory besides its RAM (20 KiB per vCPU)",
                        "| at most 64 KiB | 68 KiB (20 KiB per vCPU) | NOT met |")):
        logs["stats"]["memory"] = benchlog.parse([line])["memory"]
        rows = {l.split(" | ")[0][2:]: l for l in bench.targets(logs).split("\n")[2:]}
        check("targets_memory_" + ("not_met" if "NOT" in want else "met"), rows.get(mem_row, "").endswith(want), rows.get(mem_row))


def test_table_rows():
    """bench.py's root-mode column: every measurement's own keyed row, and labels naming shared ports."""
    log = benchlog.parse([
        "hinoki: csv,exit,exitbench,0,VMCALL,-,30,900,20,40,-",
        "hinoki: csv,exit,exitbench,0,VMCALL,0x5,20,500,25,25,-",
        "hinoki: csv,exit,exitbench,0,IO_INSTRUCTION,-,70,1800,20,40,-",
        "hinoki: csv,exit,exitbench,0,IO_INSTRUCTION,0x3ff,60,1200,20,20,-",
        "hinoki: csv,exit,exitbench,0,IO_INSTRUCTION,0x3fd,10,300,30,30,-"])
    means = {n: bench.hv_mean(log, bench.DOMAIN, n) for n in ("vmcall", "inb", "inb_prefixed", "inb_status", "nop")}
    check("table_vmcall_key_row", means["vmcall"] == 25, means)
    check("table_port_rows", means["inb"] == means["inb_prefixed"] == 20 and means["inb_status"] == 30, means)
    check("table_no_row", means["nop"] is None, means)
    nokey = benchlog.parse(["hinoki: csv,exit,exitbench,0,VMCALL,-,30,900,20,40,-"])
    check("table_vmcall_no_key_row_empty", bench.hv_mean(nokey, bench.DOMAIN, "vmcall") is None)
    names = ["cpuid", "inb", "outb", "inb_prefixed", "inb_status", "rdmsr"]
    labels = [bench.label(n, names) for n in names]
    check("table_label_scratch_port", labels[1] == "inb (port shared by inb, outb and inb_prefixed)"
          and labels[3] == "inb_prefixed (port shared by inb, outb and inb_prefixed)", labels)
    check("table_label_status_port", labels[4] == "inb_status (port shared by inb_status and the guest's console)",
          labels)
    check("table_label_unshared", labels[0] == "cpuid" and labels[5] == "rdmsr", labels)
    check("table_label_only_measured", bench.label("inb", ["inb", "outb"]) == "inb (port shared by inb and outb)",
          bench.label("inb", ["inb", "outb"]))


def test_check_log():
    """The trace check's instruction match: legacy prefixes before the opcode are allowed."""
    for name, reason, code, want in (
            ("check_log_insn_plain_in", "IO_INSTRUCTION", b"\xec\x90\x90", True),
            ("check_log_insn_ds_prefixed_in", "IO_INSTRUCTION", b"\x3e\xec\x0f\x01", True),
            ("check_log_insn_opsize_cpuid", "CPUID", b"\x66\x0f\xa2", True),
            ("check_log_insn_wrong_opcode", "IO_INSTRUCTION", b"\x3e\x0f\xa2", False),
            ("check_log_insn_not_a_prefix", "IO_INSTRUCTION", b"\x90\xec", False),
            ("check_log_insn_short", "VMCALL", b"\x0f\x01", False)):
        check(name, check_log.insn_is(reason, code) == want, code.hex())
    check("check_log_new_regions", {"inb_prefixed", "inb_status"} <= set(check_log.MEASUREMENTS),
          check_log.MEASUREMENTS)


def main():
    test_trace2json(load_tool("trace2json"))
    test_benchlog()
    test_kutvmexit()
    test_targets()
    test_table_rows()
    test_check_log()
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
