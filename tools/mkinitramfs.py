#!/usr/bin/env python3
"""Write the Linux test guest's initramfs: a newc cpio archive (what Linux
unpacks into its root file system) holding busybox, its /init script and
the few directories and device nodes /init needs before it mounts devtmpfs.
Each further file goes to /bin under its own name (the boot benchmark's
/bin/tsc), or to /lib/modules if it is a kernel module (NAME.ko, which
/init loads with insmod). Python only, so that no cpio tool is needed.

  tools/mkinitramfs.py BUSYBOX INIT_SCRIPT OUT [FILE...]
"""

import os
import stat
import sys

NEWC_MAGIC = b"070701"
TRAILER = "TRAILER!!!"


def header(ino, mode, nlink, size, rdev, name):
    fields = (ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev >> 8, rdev & 0xff, len(name) + 1, 0)
    return NEWC_MAGIC + b"".join(b"%08x" % f for f in fields)


def pad4(n):
    return b"\0" * (-n % 4)


def entry(ino, mode, name, data=b"", rdev=0, nlink=1):
    h = header(ino, mode, nlink, len(data), rdev, name)
    out = h + name.encode() + b"\0"
    out += pad4(len(out))
    return out + data + pad4(len(data))


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__.split("\n\n")[-1])
    busybox, init, out = argv[1:4]
    with open(busybox, "rb") as f:
        bb = f.read()
    with open(init, "rb") as f:
        script = f.read()
    items = [
        ("bin", stat.S_IFDIR | 0o755, b"", 0),
        ("dev", stat.S_IFDIR | 0o755, b"", 0),
        ("proc", stat.S_IFDIR | 0o755, b"", 0),
        ("sys", stat.S_IFDIR | 0o755, b"", 0),
        ("tmp", stat.S_IFDIR | 0o1777, b"", 0),
        ("lib", stat.S_IFDIR | 0o755, b"", 0),
        ("lib/modules", stat.S_IFDIR | 0o755, b"", 0),
        ("dev/console", stat.S_IFCHR | 0o600, b"", (5 << 8) | 1),
        ("bin/busybox", stat.S_IFREG | 0o755, bb, 0),
        ("bin/sh", stat.S_IFLNK | 0o777, b"busybox", 0),
        ("init", stat.S_IFREG | 0o755, script, 0),
    ]
    for path in argv[4:]:
        name = os.path.basename(path)
        where = "lib/modules/" if name.endswith(".ko") else "bin/"
        with open(path, "rb") as f:
            items.append((where + name, stat.S_IFREG | 0o755, f.read(), 0))
    blob = b"".join(entry(i + 1, mode, name, data, rdev, 2 if stat.S_ISDIR(mode) else 1)
                    for i, (name, mode, data, rdev) in enumerate(items))
    blob += entry(0, 0, TRAILER)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob + pad4(len(blob)))
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv)
