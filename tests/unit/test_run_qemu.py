#!/usr/bin/env python3
"""run-qemu.sh refuses bad options before any emulator starts: Bochs' memory limit, CPU counts
per emulator, missing files, a config without a domain (tools/mkimage), and --kvm where
tools/doctor says KVM cannot run Hinoki. Each case
checks the message and the exit status, and that nothing was written beside the serial log
(run-qemu.sh creates the log and the emulator's files only once the options passed).
One "PASS name" or "FAIL name: detail" line per check; exits 1 on a failure."""

import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from passfail import check, exit_status  # noqa: E402

RUN = os.path.join(ROOT, "run-qemu.sh")


def refused(name, args, message, status=1):
    """run-qemu.sh ARGS must exit with status, its last stderr line being message, having written nothing."""
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([RUN] + args + ["--serial", os.path.join(d, "s.log"), "--quiet", "--timeout", "5"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                           stdin=subprocess.DEVNULL, timeout=60)
        left = os.listdir(d)
    last = r.stderr.rstrip("\n").split("\n")[-1]
    check(name, r.returncode == status and last == message and not left,
          "status %d, files %s, stderr %r" % (r.returncode, left, r.stderr))


def main():
    with tempfile.TemporaryDirectory() as d:
        image = os.path.join(d, "empty.img")
        open(image, "w").close()
        refused("bochs_mem_limit", ["--bochs", "--mem", "3072", "--image", image],
                "run-qemu: --mem 3072: Bochs emulates at most 2048 MiB (use --kvm or --qemu for more)")
        refused("bochs_cpus", ["--bochs", "--cpus", "255", "--image", image],
                "run-qemu: --cpus 255: bochs runs at most 254 processors")
        refused("qemu_cpus", ["--qemu", "--cpus", "256", "--image", image],
                "run-qemu: --cpus 256: qemu runs at most 255 processors")
        refused("cpus_zero", ["--qemu", "--cpus", "0", "--image", image],
                "run-qemu: --cpus wants a positive number, not '0'")
        refused("mem_word", ["--bochs", "--mem", "lots", "--image", image],
                "run-qemu: --mem wants MiB as a positive number, not 'lots'")
    refused("no_image", ["--qemu", "--image", "/nonexistent/hinoki.img"],
            "run-qemu: /nonexistent/hinoki.img: no such image (make image, or use --config)")
    refused("no_config", ["--qemu", "--config", "/nonexistent/x.cfg", "--image", "/nonexistent/x.img"],
            "mkimage: error: /nonexistent/x.cfg: cannot read config: No such file or directory")
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "one.cfg")
        with open(cfg, "w") as f:
            f.write("[domain one]\nkernel = one.cfg\n")   # any file that exists will do
        refused("no_efi", ["--qemu", "--config", cfg, "--efi", "/nonexistent/hinoki.efi",
                           "--image", "/nonexistent/x.img"],
                "mkimage: error: /nonexistent/hinoki.efi: EFI binary not found (run make, or pass --efi)")
    nodomain = os.path.join(ROOT, "tests/integration/nodomain.cfg")
    refused("config_without_domain", ["--qemu", "--config", nodomain, "--image", "/nonexistent/x.img"],
            "mkimage: error: %s: no [domain NAME] section: the hypervisor would have nothing to run" % nodomain)
    # The host's own answer: tools/doctor decides, run-qemu.sh repeats it.
    choice = subprocess.run([os.path.join(ROOT, "tools", "doctor"), "--choose"], stdout=subprocess.PIPE,
                            universal_newlines=True).stdout.strip()
    emu, _, why = choice.partition(": ")
    if emu == "bochs":
        refused("kvm_refused_as_doctor_says", ["--kvm", "--image", "/nonexistent/x.img"], "run-qemu: --kvm: " + why)
        refused("default_is_bochs", ["--mem", "4096", "--image", "/nonexistent/x.img"],
                "run-qemu: --mem 4096: Bochs emulates at most 2048 MiB (use --kvm or --qemu for more)")
    else:
        refused("kvm_cpus", ["--kvm", "--cpus", "289", "--image", "/nonexistent/x.img"],
                "run-qemu: --cpus 289: kvm runs at most 288 processors")
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
