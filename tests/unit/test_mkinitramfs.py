#!/usr/bin/env python3
"""Host tests of tools/mkinitramfs.py: the archive it writes is a newc cpio that reads
back entry by entry (names, modes, device numbers, contents, the 4-byte alignment of
headers and data) and ends with the trailer, as Linux's initramfs unpacker expects.
One "PASS name" or "FAIL name" line per check; exits 1 on a failure."""

import os
import stat
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from load_tool import load_tool  # noqa: E402
from passfail import check, exit_status  # noqa: E402


def read_newc(blob):
    """Every entry as (name, mode, rdevmajor, rdevminor, data); None on a malformed archive."""
    out, i = [], 0
    while i + 110 <= len(blob):
        if i % 4 or blob[i:i + 6] != b"070701":
            return None
        f = [int(blob[i + 6 + 8 * k:i + 14 + 8 * k], 16) for k in range(13)]
        size, namesize = f[6], f[11]
        name = blob[i + 110:i + 110 + namesize - 1].decode()
        i += 110 + namesize
        i += -i % 4
        data = blob[i:i + size]
        i += size
        i += -i % 4
        out.append((name, f[1], f[9], f[10], data))
        if name == "TRAILER!!!":
            return out if i == len(blob) else None
    return None


def main():
    mk = load_tool("mkinitramfs.py")
    with tempfile.TemporaryDirectory() as tmp:
        bb, init, out, tsc = (os.path.join(tmp, n) for n in ("busybox", "init", "initramfs.cpio", "tsc"))
        with open(bb, "wb") as f:
            f.write(b"\x7fELF" + bytes(range(256)) * 3 + b"odd")   # a length that needs padding
        with open(init, "wb") as f:
            f.write(b"#!/bin/sh\necho hello\n")
        with open(tsc, "wb") as f:
            f.write(b"\x7fELF tsc")
        mk.main(["mkinitramfs.py", bb, init, out, tsc])
        with open(out, "rb") as f:
            blob = f.read()
    entries = read_newc(blob)
    check("archive_reads_back", entries is not None, "malformed newc archive")
    if entries is None:
        return exit_status()
    by = {e[0]: e for e in entries}
    check("trailer_last", entries[-1][0] == "TRAILER!!!", [e[0] for e in entries])
    check("init_is_executable", "init" in by and stat.S_ISREG(by["init"][1]) and by["init"][1] & 0o111,
          by.get("init"))
    check("init_contents", by.get("init", (0, 0, 0, 0, b""))[4] == b"#!/bin/sh\necho hello\n", by.get("init"))
    check("busybox_contents", len(by.get("bin/busybox", (0, 0, 0, 0, b""))[4]) == 4 + 768 + 3, by.get("bin/busybox"))
    check("sh_links_busybox", "bin/sh" in by and stat.S_ISLNK(by["bin/sh"][1]) and by["bin/sh"][4] == b"busybox",
          by.get("bin/sh"))
    check("program_in_bin", "bin/tsc" in by and stat.S_ISREG(by["bin/tsc"][1]) and by["bin/tsc"][1] & 0o111
          and by["bin/tsc"][4] == b"\x7fELF tsc", by.get("bin/tsc"))
    con = by.get("dev/console")
    check("console_node", con is not None and stat.S_ISCHR(con[1]) and (con[2], con[3]) == (5, 1), con)
    for d in ("bin", "dev", "proc", "sys", "tmp"):
        check("dir_%s" % d, d in by and stat.S_ISDIR(by[d][1]), by.get(d))
    parents = [e[0] for e in entries].index
    check("dirs_before_contents", parents("dev") < parents("dev/console") and parents("bin") < parents("bin/sh"))
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
