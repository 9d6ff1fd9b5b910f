#!/usr/bin/env python3
"""Host tests of tools/mkimage --gpt and --netboot. A GPT image read back as the UEFI
specification lays it out (protective MBR, primary and backup headers and entry arrays
with their CRC32s, one EFI System partition in the usable range), the FAT32 file system
at the partition's start holding the boot file, the same inputs giving the same GUIDs;
a netboot tree with its files, the iPXE script fetching each under the name the
hypervisor opens, and names a script cannot hold refused. One "PASS name" or
"FAIL name" line per check; exits 1 on a failure."""

import os
import struct
import subprocess
import sys
import tempfile
import uuid
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from load_tool import load_tool  # noqa: E402
from passfail import check, exit_status  # noqa: E402

SECTOR = 512
ESP = uuid.UUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")


def header(blob, lba):
    """A GPT header's fields, and whether its own CRC32 holds."""
    raw = blob[lba * SECTOR:lba * SECTOR + 92]
    f = struct.unpack("<8sIIIIQQQQ16sQIII", raw)
    crc_ok = zlib.crc32(raw[:16] + b"\0\0\0\0" + raw[20:]) == f[3]
    keys = ("sig", "rev", "size", "crc", "zero", "my", "alt", "first", "last", "guid",
            "entries", "count", "esize", "ecrc")
    return dict(zip(keys, f)), crc_ok


def main():
    mk = load_tool("mkimage")
    with tempfile.TemporaryDirectory() as tmp:
        efi, kern, cfg = (os.path.join(tmp, n) for n in ("hv.efi", "k.elf", "m.cfg"))
        with open(efi, "wb") as f:
            f.write(b"MZ" + bytes(5000))
        with open(kern, "wb") as f:
            f.write(b"\x7fELF" + bytes(3000))
        with open(cfg, "w") as f:
            f.write('[domain a]\nkernel = "k.elf"\nmemory = 4\n')
        imgs = [os.path.join(tmp, "a.img"), os.path.join(tmp, "b.img")]
        for img in imgs:
            mk.build(cfg, img, efi, "gpt")
        blobs = [open(i, "rb").read() for i in imgs]
        nb = os.path.join(tmp, "nb")
        ipxe = os.path.join(tmp, "ipxe.efi")
        with open(ipxe, "wb") as f:
            f.write(b"MZ ipxe")
        mk.netboot(cfg, nb, efi, ipxe)
        tree = sorted(os.path.relpath(os.path.join(d, n), nb) for d, _, ns in os.walk(nb) for n in ns)
        script = open(os.path.join(nb, "boot.ipxe")).read().split("\n")
        served_cfg = open(os.path.join(nb, "hinoki", "hinoki.cfg")).read()
        with open(os.path.join(tmp, "bad name.elf"), "wb") as f:
            f.write(b"x")
        with open(cfg, "a") as f:
            f.write('[domain b]\nkernel = "bad name.elf"\n')
        try:
            mk.netboot(cfg, nb, efi, ipxe)
            refused = ""
        except mk.ImageError as e:
            refused = str(e)
        listing = subprocess.run(["mdir", "-b", "-i", imgs[0] + "@@1M", "::/EFI/BOOT"],
                                 env=dict(os.environ, MTOOLS_SKIP_CHECK="1"),
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    blob = blobs[0]
    last = len(blob) // SECTOR - 1
    check("size_whole_sectors", len(blob) % SECTOR == 0, len(blob))

    ptype, start, count = blob[446 + 4], *struct.unpack("<II", blob[446 + 8:446 + 16])
    check("protective_mbr", blob[510:512] == b"\x55\xaa" and ptype == 0xEE and start == 1
          and count == min(last, 0xFFFFFFFF), (hex(ptype), start, count, last))

    p, p_ok = header(blob, 1)
    b, b_ok = header(blob, last)
    check("primary_header", p["sig"] == b"EFI PART" and p["rev"] == 0x10000 and p["size"] == 92 and p_ok, p)
    check("primary_places", p["my"] == 1 and p["alt"] == last and p["entries"] == 2, p)
    check("backup_header", b["sig"] == b"EFI PART" and b_ok and b["my"] == last and b["alt"] == 1
          and b["entries"] == last - 32, b)
    check("headers_agree", all(p[k] == b[k] for k in ("first", "last", "guid", "count", "esize", "ecrc")))
    check("usable_range", p["first"] == 34 and p["last"] == last - 33, (p["first"], p["last"], last))

    table = blob[2 * SECTOR:2 * SECTOR + p["count"] * p["esize"]]
    backup = blob[b["entries"] * SECTOR:b["entries"] * SECTOR + b["count"] * b["esize"]]
    check("entries_crc", p["count"] == 128 and p["esize"] == 128 and zlib.crc32(table) == p["ecrc"], p)
    check("backup_entries_same", table == backup)
    etype, eguid, first, end = struct.unpack("<16s16sQQ", table[:48])
    check("esp_entry", uuid.UUID(bytes_le=etype) == ESP and uuid.UUID(bytes_le=eguid).int != 0,
          uuid.UUID(bytes_le=etype))
    check("esp_in_usable_range", first == 2048 and p["first"] <= first <= end <= p["last"], (first, end))
    check("one_partition", not any(table[128:]))

    boot = blob[first * SECTOR:(first + 1) * SECTOR]
    check("fat32_at_partition", boot[510:512] == b"\x55\xaa" and boot[82:87] == b"FAT32", boot[82:90])
    check("boot_file_on_it", listing.returncode == 0 and "BOOTX64.EFI" in listing.stdout.upper(), listing.stdout)
    check("netboot_tree", tree == ["boot.ipxe", "hinoki.efi", "hinoki/hinoki.cfg", "hinoki/k.elf",
                                   "ipxe-stick.img"], tree)
    check("netboot_script", script[0] == "#!ipxe"
          and "imgfetch --name hinoki\\hinoki.cfg hinoki/hinoki.cfg || goto failed" in script
          and "imgfetch --name hinoki\\k.elf hinoki/k.elf || goto failed" in script
          and script.index("chain hinoki.efi || goto failed") > 2, script)
    check("netboot_config_as_on_disk", 'kernel = "k.elf"' in served_cfg, served_cfg)
    check("netboot_refuses_unscriptable_names", "bad name.elf" in refused, refused)
    check("same_inputs_same_guids", blobs[0][SECTOR:2 * SECTOR + 128] == blobs[1][SECTOR:2 * SECTOR + 128])
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
