#!/bin/bash
# Fetch the Linux test guest's files from Debian packages: the stock x86-64
# kernel and an initramfs of busybox-static with guests/linux/init, OUT/tsc
# (guests/linux/tsc.c, which the Makefile builds first) and the kernel's
# ACPI button driver (button.ko, a module in Debian's build), which /init
# loads to see the power button.
# linux-image-amd64 is a metapackage: the kernel is in the versioned package
# it depends on. `apt-get download` fetches a package as an ordinary user (no
# root, nothing installed) and `dpkg-deb -x` unpacks it. Leaves OUT/vmlinuz
# OUT/button.ko and OUT/initramfs.cpio (default OUT build/linux), and OUT/vmlinuz-truncated
# (its first 4 MiB, for the loader's refusal test); fetches only what is
# missing, and rebuilds the initramfs when guests/linux/init is newer.
#
#   tools/linux-guest.sh [OUT_DIR]
set -euo pipefail

out=${1:-build/linux}
here=$(cd "$(dirname "$0")" && pwd)
init="$here/../guests/linux/init"
tsc="$out/tsc"

fail() {
	echo "linux-guest.sh: $*" >&2
	exit 1
}

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
	fail "needs apt-get and dpkg-deb (a Debian or Ubuntu machine)"
mkdir -p "$out"
tmp=$(mktemp -d "$out/.download.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Download package $1 and unpack it into $tmp/$1.
fetch() {
	# apt-get download writes into the current directory.
	if ! (cd "$tmp" && apt-get download -q "$1" >"download-$1.log" 2>&1); then
		sed 's/^/  /' "$tmp/download-$1.log" >&2
		fail "downloading $1 failed (see above); check the network and apt's sources, or as root run: apt-get update"
	fi
	local deb
	deb=$(ls "$tmp"/"$1"_*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || fail "apt-get download $1 left no .deb file"
	dpkg-deb -x "$deb" "$tmp/$1" || fail "unpacking $deb failed"
}

if [ ! -s "$out/vmlinuz" ] || [ ! -s "$out/button.ko" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] ||
		fail "apt knows no linux-image-amd64 package; as root run: apt-get update"
	fetch "$pkg"
	kernel=$(ls "$tmp/$pkg"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$kernel" ] || fail "$pkg has no /boot/vmlinuz-* file"
	button=$(ls "$tmp/$pkg"/lib/modules/*/kernel/drivers/acpi/button.ko 2>/dev/null | head -n 1)
	[ -n "$button" ] || fail "$pkg has no drivers/acpi/button.ko module"
	mv "$kernel" "$out/vmlinuz"
	mv "$button" "$out/button.ko"
	echo "linux-guest.sh: $out/vmlinuz is $(basename "$kernel") from $pkg, with its button.ko"
fi

if [ ! -s "$out/busybox" ]; then
	fetch busybox-static
	[ -x "$tmp/busybox-static/bin/busybox" ] || fail "busybox-static has no /bin/busybox"
	mv "$tmp/busybox-static/bin/busybox" "$out/busybox"
fi
# The first 4 MiB of the kernel: a truncated bzImage the loader must refuse (test linux).
if [ ! -s "$out/vmlinuz-truncated" ] || [ "$out/vmlinuz" -nt "$out/vmlinuz-truncated" ]; then
	head -c 4194304 "$out/vmlinuz" > "$out/vmlinuz-truncated"
fi
[ -x "$tsc" ] || fail "$tsc is missing: make linux builds it from guests/linux/tsc.c"
if [ ! -s "$out/initramfs.cpio" ] || [ "$init" -nt "$out/initramfs.cpio" ] || [ "$tsc" -nt "$out/initramfs.cpio" ] ||
	[ "$out/button.ko" -nt "$out/initramfs.cpio" ]; then
	"$here/mkinitramfs.py" "$out/busybox" "$init" "$out/initramfs.cpio" "$tsc" "$out/button.ko"
	echo "linux-guest.sh: $out/initramfs.cpio holds busybox, guests/linux/init, /bin/tsc and /lib/modules/button.ko"
fi
