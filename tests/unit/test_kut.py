#!/usr/bin/env python3
"""tools/kut/kut.py without an emulator: reading unittests.cfg, what each
entry asks of a domain (vCPUs, memory, command line) or why it is not run,
batching, domain names, and the result of a test from a serial log."""

import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "kut"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import kut  # noqa: E402
from passfail import check, exit_status  # noqa: E402

CFG = """\
# a comment
[smptest3]
file = smptest.flat
smp = 3

[vmexit_cpuid]
file = vmexit.flat
test_args = 'cpuid'
groups = vmexit

[big]
file = smptest.flat
qemu_params = -cpu max -m 2g

[half]
file = smptest.flat
qemu_params = -m 1024

[old_style]
file = smptest.flat
extra_params = -append "one two" -cpu qemu64,+x2apic

[i386]
file = smptest.flat
arch = i386

[manual]
file = smptest.flat
groups = nodefault

[missing]
file = nothere.flat

[many]
file = smptest.flat
smp = 12

[maxsmp]
file = smptest.flat
smp = $MAX_SMP

[shell]
file = smptest.flat
test_args = "10 `echo 42`"

[noxapic]
file = smptest.flat
qemu_params = -cpu qemu64,-x2apic,+tsc-deadline
"""


def main():
    d = tempfile.mkdtemp()
    for f in ("smptest.flat", "vmexit.flat"):
        open(os.path.join(d, f), "w").close()
    tests = kut.parse_cfg(CFG)
    check("cfg_sections", [t["name"] for t in tests][:3] == ["smptest3", "vmexit_cpuid", "big"], tests)
    plans = {t["name"]: kut.plan(t, d) for t in tests}
    p = plans["smptest3"]
    check("smp_and_default_memory", (p["vcpus"], p["memory"], p["extra"], p["skip"]) == (3, 128, "", None), p)
    p = plans["vmexit_cpuid"]
    check("test_args_unquoted", p["extra"] == "cpuid" and p["skip"] is None, p)
    check("memory_in_gib_too_big", plans["big"]["memory"] == 2048 and "2048 MiB" in plans["big"]["skip"], plans["big"])
    check("memory_in_mib", plans["half"]["memory"] == 1024 and plans["half"]["skip"] is None, plans["half"])
    check("cpu_noted", any("-cpu max" in n for n in plans["big"]["notes"]), plans["big"])
    check("append_is_the_command_line", plans["old_style"]["extra"] == "one two", plans["old_style"])
    check("i386_not_run", plans["i386"]["skip"] == "i386 only", plans["i386"])
    check("nodefault_not_run", "nodefault" in plans["manual"]["skip"], plans["manual"])
    check("unbuilt_not_run", "not built" in plans["missing"]["skip"], plans["missing"])
    check("too_many_vcpus", "12 vCPUs" in plans["many"]["skip"], plans["many"])
    check("max_smp_is_the_machine", plans["maxsmp"]["vcpus"] == kut.BOOT_CPUS, plans["maxsmp"])
    check("shell_expanded", plans["shell"]["extra"] == "10 42", plans["shell"])
    check("x2apic_hidden_as_cpu_says", not plans["noxapic"]["x2apic"] and plans["big"]["x2apic"] and
          "x2apic = 0" in kut.config([plans["noxapic"]], {"noxapic": "noxapic"}, d, "env") and
          "x2apic" not in kut.config([plans["big"]], {"big": "big"}, d, "env"), plans["noxapic"])

    runnable = [plans[n] for n in ("smptest3", "vmexit_cpuid", "half", "old_style", "maxsmp", "shell")]
    b = kut.batches(runnable + [plans["i386"]])
    check("batches_bound_ram", [len(x) for x in b] == [3, 3] and all(
        sum(p["memory"] for p in x) <= kut.BOOT_RAM_MIB for x in b), [[p["name"] for p in x] for x in b])
    uneven = [dict(plans["smptest3"], name="m%d" % i, memory=m) for i, m in enumerate((1024, 512, 1024))]
    check("batches_fall_back_to_packing", [[p["name"] for p in x] for x in kut.batches(uneven)] == [["m0", "m1"], ["m2"]],
          kut.batches(uneven))
    many = [dict(plans["smptest3"], name="t%d" % i, memory=2) for i in range(kut.BOOT_DOMAINS + 1)]
    spread = kut.batches(many)
    check("batches_bound_domains_and_spread", [len(x) for x in spread] == [9, 8] and
          sorted(p["name"] for x in spread for p in x) == sorted(p["name"] for p in many), spread)

    check("pku_on_a_model_with_pkeys", kut.plan(dict(name="pku", file="smptest.flat"), d)["bochs_cpu"] ==
          "corei7_icelake_u" and plans["smptest3"]["bochs_cpu"] is None, plans["smptest3"])
    pk = [dict(plans["smptest3"], name="pk%d" % i, memory=2, bochs_cpu="corei7_icelake_u") for i in range(2)]
    split = kut.batches([pk[0]] + runnable[:2] + [pk[1]])
    check("batches_apart_per_bochs_cpu", [[p["name"] for p in x] for x in split] ==
          [["smptest3", "vmexit_cpuid"], ["pk0", "pk1"]], [[p["name"] for p in x] for x in split])

    long = [dict(name="a" * 40), dict(name="a" * 40), dict(name="x.y")]
    names = kut.domain_names(long)
    check("names_cut_and_unique", len(set(names.values())) == 2 and all(len(n) <= 31 for n in names.values()), names)
    names = kut.domain_names([dict(name="a" * 40), dict(name="a" * 41), dict(name="x.y")])
    check("names_unique_after_cut", len(set(names.values())) == 3 and names["x.y"] == "x_y", names)

    batch = [dict(name=n, notes=[], skip=None) for n in ("ok", "bad", "skipped", "stuck", "refused", "halted", "off")]
    names = {p["name"]: p["name"] for p in batch}
    log = """\
hinoki: domain ok (1) created: Multiboot kernel, 128 MiB at 0x1, 1 vCPU, weight 256, entry 0x400000
[ok] SUMMARY: 10 tests
hinoki: domain ok (1) ended: exit code 0
[bad] SUMMARY: 13 tests, 2 unexpected failures
hinoki: domain bad (2) ended: exit code 1
[skipped] SUMMARY: 1 tests, 1 skipped
hinoki: domain skipped (3) ended: exit code 38
[stuck] enabling apic
hinoki: domain refused not started: ELF32 segment 0 at [0x8000, 0xa86c) overlaps the boot information area
hinoki: domain halted (6) stopped: HLT with interrupts off and no timer
hinoki: domain off (7) powered off through ACPI S5 (on_poweroff = destroy)
""".splitlines()
    r = kut.results(log, batch, names)
    check("result_pass", r["ok"] == ("pass", "10 tests", ""), r["ok"])
    check("result_fail", r["bad"] == ("fail", "13 tests, 2 unexpected failures", "exit code 1"), r["bad"])
    check("result_skip", r["skipped"][0] == "skip", r["skipped"])
    check("result_hang", r["stuck"] == ("hang", "", "last line: enabling apic"), r["stuck"])
    check("result_not_started", r["refused"][0] == "not started" and "overlaps" in r["refused"][2], r["refused"])
    check("result_stopped", r["halted"] == ("stopped", "", "HLT with interrupts off and no timer"), r["halted"])
    check("result_power_event_fails", r["off"][0] == "fail" and "powered off" in r["off"][2], r["off"])
    text = kut.table(batch, r)
    check("table_row", "| bad | fail | 13 tests, 2 unexpected failures | exit code 1 |" in text, text)

    cfg = kut.config([plans["vmexit_cpuid"]], {"vmexit_cpuid": "vmexit_cpuid"}, d, "/x/kut.env")
    check("config_domain", "[domain vmexit_cpuid]" in cfg and 'extra = "cpuid"' in cfg and "vcpus = 1" in cfg
          and "memory = 128" in cfg and 'ramdisk = "/x/kut.env"' in cfg, cfg)

    bad = tempfile.mkdtemp()
    with open(os.path.join(bad, "unittests.cfg"), "w") as f:
        f.write("[a]\nfile = a.flat\nthis is not a key\n")
    check("broken_cfg_said", kut.main(["--kut", bad]) == 2)
    missing = tempfile.mkdtemp()
    check("no_directory_is_said", kut.main(["--kut", missing, "--expect", os.devnull]) == 0)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
