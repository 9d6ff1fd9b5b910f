#!/usr/bin/env python3
"""The screen console, end to end: QEMU TCG (no VT-x) with a display adapter
and no serial port boots tests/integration/novmx.cfg; Hinoki finds no UART,
logs to the GOP framebuffer, prints the machine report and its no-VT-x fatal
message, and powers off. QEMU stays (-no-shutdown) so that its monitor's
`screendump` takes the screen, which is decoded back to text cell by cell
with the font read from lib/font.c: a cell decodes only when all its pixels
match a glyph exactly. Then a warm reset (RAM kept) boots it again, and the
second screen must show the first boot's last lines from the kept log ring.
One "PASS name" or "FAIL name" line per check, as tests/run-tests.sh counts
them; exits 1 on a failure."""

import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from passfail import check, exit_status  # noqa: E402

OUT = os.path.join(ROOT, "build", "test-logs", "screen")
CONFIG = os.path.join(ROOT, "tests", "integration", "novmx.cfg")
OVMF = "/usr/share/ovmf/OVMF.fd"
BOOT_TIMEOUT = 180     # seconds until the machine must have powered off
LIT = 128              # a channel at least this bright is a lit pixel
FATAL = r"hinoki: fatal: VT-x not available: CPUID\.1:ECX\.VMX\[bit 5\] is 0"
FIRST_BOOT = [
    r"hinoki: Hinoki \d+\.\d+, a type-1 hypervisor for Intel VT-x",
    r"hinoki: console: no UART answers at COM1; logging to the screen \(\d+x\d+\)",
    r"hinoki: CPU: \S+ family 0x[0-9a-f]+ model 0x[0-9a-f]+ stepping \d+, microcode ",
    r"hinoki: memory: \d+ entries, RAM up to 0x[0-9a-f]+; free \d+ MiB",
    r"hinoki: CPUs: ",
    r"hinoki: firmware: \S.* revision 0x[0-9a-f]+, UEFI \d+\.\d+",
    FATAL,
]
SECOND_BOOT = [
    r"hinoki: console: no UART answers at COM1",
    r"hinoki: previous boot's log, its last lines:$",
    r"hinoki: \| hinoki: CPU: ",
    r"hinoki: \| " + FATAL,
    r"hinoki: end of the previous boot's log$",
    r"hinoki: CPU: ",
    FATAL,
]


def font():
    """Printable ASCII -> the set of lit (x, y) in its cell, as lib/font.c's font_cell_pixel() draws it."""
    with open(os.path.join(ROOT, "lib", "font.h")) as f:
        defs = dict(re.findall(r"#define (FONT_\w+)\s+(\d+)", f.read()))
    first, cols = int(defs["FONT_FIRST"]), int(defs["FONT_COLS"])
    cell = (int(defs["FONT_CELL_W"]), int(defs["FONT_CELL_H"]))
    with open(os.path.join(ROOT, "lib", "font.c")) as f:
        src = f.read()
    table = src[src.index("FONT TABLE BEGIN"):src.index("FONT TABLE END")]
    rows = [[int(v, 16) for v in re.findall(r"0x[0-9a-f]{2}", line)]
            for line in table.splitlines() if line.strip().startswith("{")]
    glyphs = {}
    for i, glyph in enumerate(rows):
        # Column x from 1, each glyph row drawn on two scan lines from y = 1 (see lib/font.c).
        lit = frozenset((x, y) for y in range(1, 2 * len(glyph) + 1) for x in range(1, cols + 1)
                        if glyph[(y - 1) // 2] >> (cols - x) & 1)
        glyphs[lit] = chr(first + i)
    return glyphs, cell, len(rows)


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not m:
        raise ValueError("%s: not a binary PPM" % path)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():m.end() + 3 * w * h]


def decode(path, glyphs, cell):
    """The screen's text lines, and the cells that match no glyph (as (col, row))."""
    w, h, px = read_ppm(path)
    cw, ch = cell
    lines, unknown = [], []
    for row in range(h // ch):
        text = ""
        for col in range(w // cw):
            lit = frozenset((x, y) for y in range(ch) for x in range(cw)
                            if max(px[3 * ((row * ch + y) * w + col * cw + x):][:3]) >= LIT)
            c = glyphs.get(lit)
            if c is None:
                unknown.append((col, row))
                c = "\0"
            text += c
        lines.append(text.rstrip())
    return lines, unknown


def monitor(sock_path, command):
    """One QEMU human-monitor command; its answer."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock_path)
    buf = b""
    while not buf.endswith(b"(qemu) "):
        buf += s.recv(4096)
    s.sendall(command.encode() + b"\n")
    buf = b""
    while not buf.endswith(b"(qemu) "):
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    s.close()
    return buf.decode(errors="replace")


def main():
    os.makedirs(OUT, exist_ok=True)
    glyphs, cell, count = font()
    check("font: %d glyphs read from lib/font.c, all different" % count, count == 95 and len(glyphs) == count,
          "%d rows, %d distinct" % (count, len(glyphs)))
    image = os.path.join(OUT, "screen.img")
    sock = os.path.join(OUT, "monitor.sock")
    for stale in [sock] + [os.path.join(OUT, "screen%d.ppm" % i) for i in (1, 2)]:
        if os.path.exists(stale):
            os.unlink(stale)
    r = subprocess.run([os.path.join(ROOT, "tools", "mkimage"), CONFIG, image], capture_output=True, text=True)
    if r.returncode:
        check("image built", False, r.stderr.strip())
        return exit_status()
    # No -serial: with -nodefaults the machine has no COM1 at all. No isa-debug-exit either: the
    # power-off must leave QEMU stopped (-no-shutdown) with its display, not gone. No -no-reboot,
    # which would turn the monitor's system_reset into a power-off.
    with open(os.path.join(OUT, "qemu.out"), "w") as qemu_out:
        qemu = subprocess.Popen(["qemu-system-x86_64", "-m", "512", "-bios", OVMF,
                                 "-drive", "format=raw,file=" + image, "-nodefaults", "-vga", "std",
                                 "-display", "none", "-no-shutdown", "-monitor", "unix:%s,server=on,wait=off" % sock],
                                stdout=qemu_out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    shots = [os.path.join(OUT, "screen%d.ppm" % i) for i in (1, 2)]
    try:
        for n, shot in enumerate(shots):
            if n:
                # A warm reset from the stopped state: the firmware starts again with RAM as it was.
                monitor(sock, "system_reset")
                monitor(sock, "cont")
            if not powered_off(qemu, sock, "boot %d" % (n + 1)):
                break
            monitor(sock, "screendump " + shot)
    finally:
        if qemu.poll() is None:
            try:
                monitor(sock, "quit")
            except OSError:
                pass
            try:
                qemu.wait(10)
            except subprocess.TimeoutExpired:
                qemu.kill()
    for n, shot in enumerate(shots):
        if not os.path.exists(shot):
            check("screendump %d taken" % (n + 1), False, "no " + shot)
            return exit_status()
    first = screen_text(shots[0], glyphs, cell)
    check_in_order("boot 1", first, FIRST_BOOT)
    second = screen_text(shots[1], glyphs, cell)
    check_in_order("boot 2", second, SECOND_BOOT)
    return exit_status()


def powered_off(qemu, sock, what):
    """Wait until the machine stopped at its power-off; say whether it did in time."""
    status = ""
    deadline = time.time() + BOOT_TIMEOUT
    while time.time() < deadline and qemu.poll() is None:
        time.sleep(1)
        if os.path.exists(sock):
            status = monitor(sock, "info status")
            if "shutdown" in status:
                break
    done = "shutdown" in status
    check("%s: machine powered off within %d s" % (what, BOOT_TIMEOUT), done,
          "QEMU %s; last status: %s" % ("exited" if qemu.poll() is not None else "running", status.strip()))
    return done


def screen_text(shot, glyphs, cell):
    """The screenshot's non-blank lines (also written beside it as .txt), after checking every cell decodes."""
    lines, unknown = decode(shot, glyphs, cell)
    with open(shot[:-len(".ppm")] + ".txt", "w") as f:
        f.write("\n".join(lines) + "\n")
    check("%s: every cell is a glyph of the font or blank" % os.path.basename(shot), not unknown,
          "%d cells match no glyph, first at column %d row %d" % ((len(unknown),) + unknown[0]) if unknown else "")
    return [line for line in lines if line]


def check_in_order(what, text, expected):
    at = 0
    for pattern in expected:
        found = next((i for i in range(at, len(text)) if re.match(pattern, text[i])), None)
        check("%s: screen shows, in order: %s" % (what, pattern), found is not None,
              "not after line %d: %s" % (at, " / ".join(text)))
        if found is not None:
            at = found + 1

if __name__ == "__main__":
    sys.exit(main())
