#!/bin/bash
# Fetch Debian's stock x86-64 Linux kernel for the bzImage integration test.
# linux-image-amd64 is a metapackage: the kernel is in the versioned package it
# depends on, which `apt-get download` fetches as an ordinary user (no root,
# nothing installed) and `dpkg-deb -x` unpacks. Leaves OUT/vmlinuz (default
# build/linux/vmlinuz) and does nothing when it is already there.
#
#   tools/linux-kernel.sh [OUT_DIR]
set -euo pipefail

out=${1:-build/linux}
[ -s "$out/vmlinuz" ] && exit 0

fail() {
	echo "linux-kernel.sh: $*" >&2
	exit 1
}

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
	fail "needs apt-get and dpkg-deb (a Debian or Ubuntu machine)"
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
[ -n "$pkg" ] ||
	fail "apt knows no linux-image-amd64 package; as root run: apt-get update"

mkdir -p "$out"
tmp=$(mktemp -d "$out/.download.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# apt-get download writes into the current directory.
if ! (cd "$tmp" && apt-get download -q "$pkg" >download.log 2>&1); then
	sed 's/^/  /' "$tmp/download.log" >&2
	fail "downloading $pkg failed (see above); check the network and apt's sources, or as root run: apt-get update"
fi
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "apt-get download $pkg left no .deb file"
dpkg-deb -x "$deb" "$tmp/root" || fail "unpacking $deb failed"
kernel=$(ls "$tmp"/root/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$kernel" ] || fail "$pkg has no /boot/vmlinuz-* file"
mv "$kernel" "$out/vmlinuz"
echo "linux-kernel.sh: $out/vmlinuz is $(basename "$kernel") from $pkg"
