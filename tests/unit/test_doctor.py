#!/usr/bin/env python3
"""Host tests of tools/doctor against fake trees (/dev/kvm, /sys/module, /proc/cpuinfo, the
packages' files): which checks fail, what they say, and which emulator run-qemu.sh is told to
use. One "PASS name" or "FAIL name: detail" line per check; exits 1 on a failure."""

import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from load_tool import load_tool  # noqa: E402
from passfail import check, exit_status  # noqa: E402

NOBODY = 65534
VMX_ALL = "vnmi preemption_timer posted_intr invvpid ept_x_only ept_ad flexpriority tsc_offset vtpr ept vpid " \
          "unrestricted_guest"


def cpuinfo(vendor="GenuineIntel", flags="fpu vme de pse tsc msr vmx lm", vmx_flags=VMX_ALL):
    one = "vendor_id\t: %s\nmodel name\t: Fake CPU\nflags\t\t: %s\n" % (vendor, flags)
    if vmx_flags is not None:
        one += "vmx flags\t: %s\n" % vmx_flags
    return one + "\n" + one.replace("Fake CPU", "Second CPU") + "\n"


def make_tree(root, kvm=True, nested="Y", cpu=None, without=()):
    """A host on which every check passes, less what `without` names (deps.list paths or commands)."""
    def put(rel, text="", mode=0o644):
        path = os.path.join(root, rel.lstrip("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
    if kvm:
        put("/dev/kvm", mode=0o666)
    if nested is not None:
        put("/sys/module/kvm_intel/parameters/nested", nested + "\n")
    put("/proc/cpuinfo", cpu if cpu is not None else cpuinfo())
    for group, need, _ in DOC.read_deps():
        if group in ("qemu", "bochs") and need not in without:
            put(need if need.startswith("/") else "/usr/bin/" + need, mode=0o755)


def diagnose(**tree):
    with tempfile.TemporaryDirectory() as root:
        make_tree(root, **tree)
        return DOC.diagnose(DOC.Host(root, path="/usr/bin"))


def find(checks, name):
    return next((c for c in checks if c.name == name), None)


def test_all_fine():
    checks, emu, blocking = diagnose()
    check("fine_kvm_chosen", emu == "kvm" and not blocking, [c.line() for c in blocking])
    check("fine_every_check_ok", all(c.ok is True for c in checks), [c.line() for c in checks if c.ok is not True])
    check("fine_why", DOC.why(blocking) == "KVM can run VT-x guests here", DOC.why(blocking))


def test_no_dev_kvm():
    checks, emu, blocking = diagnose(kvm=False)
    c = find(checks, "/dev/kvm")
    check("nokvm_bochs_chosen", emu == "bochs", emu)
    check("nokvm_found", c.ok is False and c.found == "absent", c.line())
    check("nokvm_fix_names_modprobe", "modprobe kvm_intel" in c.fix, c.fix)
    check("nokvm_why", DOC.why(blocking, brief=True) == "KVM cannot run Hinoki here (/dev/kvm: absent)",
          DOC.why(blocking, brief=True))


def no_permission_result(root):
    """diagnose() as a user who may not open /dev/kvm: root opens any file, so as root the
    check runs in a child that became nobody."""
    os.chmod(os.path.join(root, "dev/kvm"), 0o600)
    host = DOC.Host(root, path="/usr/bin")
    if os.geteuid() != 0:
        _, emu, blocking = DOC.diagnose(host)
        return emu, [[c.name, c.found, c.fix] for c in blocking]
    os.chmod(root, 0o755)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            _, emu, blocking = DOC.diagnose(host)
            os.write(w, json.dumps([emu, [[c.name, c.found, c.fix] for c in blocking]]).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r) as f:
        text = f.read()
    os.waitpid(pid, 0)
    return json.loads(text) if text else ("the child found nothing", [])


def test_no_permission():
    with tempfile.TemporaryDirectory() as root:
        make_tree(root)
        emu, blocking = no_permission_result(root)
    check("noperm_bochs_chosen", emu == "bochs", emu)
    want = ["/dev/kvm", "cannot open it read-write (Permission denied)"]
    check("noperm_found", [b[:2] for b in blocking] == [want], blocking)
    check("noperm_fix_group", blocking and "usermod -aG kvm" in blocking[0][2], blocking)


def test_nested():
    checks, emu, _ = diagnose(nested="N")
    c = find(checks, "nested VT-x")
    check("nested_off_bochs", emu == "bochs", emu)
    check("nested_off_found", c.ok is False and "nested=N" in c.found, c.line())
    check("nested_off_fix", "options kvm_intel nested=1" in c.fix, c.fix)
    checks, emu, _ = diagnose(nested="1")
    check("nested_1_kvm", emu == "kvm" and find(checks, "nested VT-x").ok is True, emu)
    checks, emu, _ = diagnose(nested=None)
    c = find(checks, "nested VT-x")
    check("nested_unloaded", emu == "bochs" and c.found == "kvm_intel is not loaded", c.line())


def test_cpu_features():
    checks, emu, blocking = diagnose(cpu=cpuinfo(vmx_flags=VMX_ALL.replace(" ept ", " ")))
    c = find(checks, "EPT")
    check("noept_bochs", emu == "bochs" and blocking == [c], [b.line() for b in blocking])
    check("noept_found", c.ok is False and c.found == "missing (required)", c.line())
    checks, emu, _ = diagnose(cpu=cpuinfo(vmx_flags=VMX_ALL.replace("unrestricted_guest", "")))
    check("nounrestricted_bochs", emu == "bochs" and find(checks, "unrestricted guest").ok is False, emu)
    # Optional features: KVM still runs, the report warns.
    checks, emu, _ = diagnose(cpu=cpuinfo(vmx_flags=VMX_ALL.replace(" vpid ", " ").replace("preemption_timer", "")))
    check("novpid_kvm", emu == "kvm", emu)
    check("novpid_warned", find(checks, "VPID").ok is None and find(checks, "VMX-preemption timer").ok is None,
          [c.line() for c in checks])
    # A kernel before "vmx flags": ept, vpid, vnmi among the flags, the rest unknown.
    checks, emu, _ = diagnose(cpu=cpuinfo(flags="fpu vmx lm vnmi ept vpid", vmx_flags=None))
    check("oldkernel_kvm", emu == "kvm", emu)
    check("oldkernel_ept_from_flags", find(checks, "EPT").ok is True, find(checks, "EPT").line())
    check("oldkernel_unknown", find(checks, "unrestricted guest").ok is None, find(checks, "unrestricted guest").line())
    checks, emu, _ = diagnose(cpu=cpuinfo(flags="fpu vmx lm vpid", vmx_flags=None))
    check("oldkernel_noept_bochs", emu == "bochs" and find(checks, "EPT").ok is False, emu)
    checks, emu, blocking = diagnose(cpu=cpuinfo(flags="fpu lm", vmx_flags=None))
    check("novmx_bochs", emu == "bochs" and [b.name for b in blocking] == ["CPU"], [b.line() for b in blocking])
    checks, emu, blocking = diagnose(cpu=cpuinfo(vendor="AuthenticAMD", flags="fpu svm lm", vmx_flags=None))
    check("amd_bochs", emu == "bochs" and "AuthenticAMD" in blocking[0].found, [b.line() for b in blocking])


def test_packages():
    checks, emu, _ = diagnose(without=("/usr/share/ovmf/OVMF.fd",))
    q, b = find(checks, "QEMU, OVMF and iPXE (for --netboot)"), find(checks, "Bochs, its VGA BIOS and OVMF")
    check("noovmf_qemu", q.ok is False and q.found == "missing Debian package(s) ovmf", q.line())
    check("noovmf_bochs", b.ok is False and "ovmf" in b.found, b.line())
    check("noovmf_fix", "apt-get install --no-install-recommends ovmf" in q.fix, q.fix)
    check("noovmf_still_kvm", emu == "kvm", emu)   # the host can; tools/deps.sh installs the firmware
    checks, emu, _ = diagnose(kvm=False, without=("bochs-bin", "/usr/share/vgabios/vgabios.bin"))
    b = find(checks, "Bochs, its VGA BIOS and OVMF")
    check("nobochs", b.ok is False and b.found == "missing Debian package(s) bochs, vgabios", b.line())
    check("nobochs_qemu_ok", find(checks, "QEMU, OVMF and iPXE (for --netboot)").ok is True, find(checks, "QEMU, OVMF and iPXE (for --netboot)").line())


def run_doctor(root, *args):
    env = dict(os.environ, PATH="/usr/bin")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "doctor"), "--root", root] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, env=env)
    return r.returncode, r.stdout


def test_command_line():
    with tempfile.TemporaryDirectory() as root:
        make_tree(root)
        status, out = run_doctor(root, "--choose")
        check("cli_choose_kvm", (status, out) == (0, "kvm: KVM can run VT-x guests here\n"), (status, out))
    with tempfile.TemporaryDirectory() as root:
        make_tree(root, kvm=False, nested="N")
        status, out = run_doctor(root, "--choose")
        want = "bochs: KVM cannot run Hinoki here (/dev/kvm: absent, and 1 more: see run-qemu.sh --doctor)\n"
        check("cli_choose_bochs", (status, out) == (0, want), (status, out))
        status, out = run_doctor(root)
        check("cli_report_fix", "fix: enable it: echo 'options kvm_intel nested=1'" in out, out)
        check("cli_report_choice", out.rstrip().endswith(
            "run-qemu.sh uses Bochs: KVM cannot run Hinoki here (/dev/kvm: absent; nested VT-x: kvm_intel nested=N: "
            "a KVM guest sees no VT-x)"), out)
        check("cli_report_ok_status", status == 0, status)
    with tempfile.TemporaryDirectory() as root:
        make_tree(root, kvm=False, without=("bochs-bin",))
        status, out = run_doctor(root)
        check("cli_missing_bochs_status", status == 1 and "install bochs's packages first" in out, (status, out))


def main():
    global DOC
    DOC = load_tool("doctor")
    test_all_fine()
    test_no_dev_kvm()
    test_no_permission()
    test_nested()
    test_cpu_features()
    test_packages()
    test_command_line()
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
