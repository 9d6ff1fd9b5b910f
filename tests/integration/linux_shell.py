#!/usr/bin/env python3
"""Type into the Linux domain's shell over the emulator's serial socket.

The `linux-shell` integration test (manifest key `driver`) boots
linux-shell.cfg with COM1 served on a TCP port of 127.0.0.1; this script
waits for the shell's banner, presses Ctrl-A three times (again, if need
be) until the hypervisor gives the Linux domain the console input (only
then does it show the prompt, a line left open), then types
`echo $((6*7))`, reads the ttyS0 line of /proc/interrupts (I/O APIC input
4, counted) and the kernel's address (_text in /proc/kallsyms: KASLR moved
it), types `reboot -f`, which resets the domain through port 0xcf9; the
domain restarts under a new id with the input still its own, boots to the
shell again and answers `echo $((7*8))`; `poweroff -f` then ends it, an
ACPI S5 power-off. The command line, the serial connection, the pacing of
typed bytes and the waits are dom0_shell.py's.
"""

import re
import sys

from dom0_shell import CTRL_A, SWITCH_PRESSES, Failed, drive, say

BOOT_WAIT_S = 600           # Linux reaches its shell in two minutes of an idle Bochs, far later on a busy host
PROMPT = "linux# "
MAX_SWITCHES = 4            # mgmt, linux, the hypervisor: the ring is at most this long
LINK_TEXT = "ffffffff81000000"   # where x86-64 Linux is linked: _text without KASLR


def focus_linux(ser):
    for _ in range(MAX_SWITCHES):
        at = ser.mark()
        ser.send(CTRL_A * SWITCH_PRESSES)
        m = ser.wait_for(r"hinoki: console: input now goes to (\S+) \(Ctrl-A three times to switch\)",
                         at, "Ctrl-A x%d" % SWITCH_PRESSES)
        say("  " + m.group(0))
        if m.group(1) == "linux":
            return
    raise Failed("the console input never went to linux")


def command(ser, line, answer):
    """Types line and Enter; answer must come back, then the next prompt."""
    say("typing %r" % line)
    at = ser.mark()
    ser.send(line.encode() + b"\r")
    m = ser.wait_for(answer, at, "'%s'" % line)
    ser.wait_for(re.escape(PROMPT), at + m.end(), "'%s': the next prompt" % line, whole_lines=False)
    say("  answered: %s" % m.group(0).strip())
    return m


def booted(ser, at, which):
    """Waits for a boot's banner after `at`; returns where it ends."""
    m = ser.wait_for(r"^\[linux\] Enter 'help' for a list of built-in commands\.$", at, "the %s shell" % which,
                     wait_s=BOOT_WAIT_S)
    say("%s boot: the shell's banner" % which)
    return at + m.end()


def session(ser):
    at = booted(ser, 0, "first")
    # The hypervisor shows a line left open (the prompt) only on the console that has the input.
    focus_linux(ser)
    ser.wait_for(re.escape(PROMPT), at, "the first prompt", whole_lines=False)
    command(ser, "echo $((6*7))", r"^\[linux\] 42$")
    m = command(ser, "grep ttyS0 /proc/interrupts", r"^\[linux\] +[0-9]+: +([0-9]+) +IO-APIC +4-edge +ttyS0$")
    if int(m.group(1)) == 0:
        raise Failed("IRQ 4 has not counted: %s" % m.group(0))
    m = command(ser, "grep ' _text$' /proc/kallsyms", r"^\[linux\] ([0-9a-f]{16}) T _text$")
    if m.group(1) == LINK_TEXT:
        raise Failed("the kernel runs at its link address %s: KASLR did not move it" % LINK_TEXT)

    at = ser.mark()
    say("typing 'reboot -f'")
    ser.send(b"reboot -f\r")
    ser.wait_for(r"^hinoki: domain linux \(1\) reset through port 0xcf9 \(on_reboot = restart\)$", at, "the reset")
    m = ser.wait_for(r"^hinoki: domain linux \(([0-9]+)\) created: Linux bzImage kernel", at, "the restart")
    if m.group(1) == "1":
        raise Failed("the restarted domain kept id 1")
    # The input stays with the domain across its restart: no Ctrl-A needed.
    ser.wait_for(r"hinoki: console: input now goes to linux \(", at, "the input following the restart")
    at = booted(ser, at, "second")
    ser.wait_for(re.escape(PROMPT), at, "the prompt after the restart", whole_lines=False)
    command(ser, "echo $((7*8))", r"^\[linux\] 56$")

    at = ser.mark()
    say("typing 'poweroff -f'")
    ser.send(b"poweroff -f\r")
    ser.wait_for(r"hinoki: domain linux \([0-9]+\) powered off through ACPI S5 ", at, "the domain's end")
    ser.wait_for(r"hinoki: all domains ended, powering off$", at, "power-off")
    say("powered off")


if __name__ == "__main__":
    sys.exit(drive(session, __doc__))
