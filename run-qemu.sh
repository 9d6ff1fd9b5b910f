#!/bin/bash
# Boot a Hinoki disk image in an emulator and capture its serial line.
# QEMU with KVM when this host can run VT-x guests itself, otherwise Bochs,
# which emulates VT-x; QEMU without KVM (TCG, no VMX) only checks the boot path.
# The serial log is copied to the terminal and to a file; the exit status is
# the emulator's (Bochs's translated to QEMU's isa-debug-exit convention, see
# docs/testing.md), or 124 when --timeout expires.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROG=run-qemu
OVMF=/usr/share/ovmf/OVMF.fd
VGABIOS=/usr/share/vgabios/vgabios.bin
EXIT_PORT=0xf4            # isa-debug-exit: QEMU exits with (value << 1) | 1
BOCHS_IPS=50000000        # instructions per emulated second (clock: sync=none)
BOCHS_TIME0=1700000000    # fixed wall-clock start, so runs repeat exactly
SERIAL_PORT_TCP=14500     # --interactive with Bochs (or --port): COM1 as a TCP server
BOCHS_CPU=corei7_skylake_x
BOCHS_MAX_MIB=2048        # Bochs 2.7 panics on a larger memory: guest=
BOCHS_MAX_CPUS=254        # Bochs's limit with an xAPIC (APIC IDs 0..253)
QEMU_MAX_CPUS_PC=255      # QEMU's pc machine (TCG)
QEMU_MAX_CPUS_Q35=288     # QEMU's q35 machine (KVM)

usage() {
	cat <<EOF
usage: run-qemu.sh [options]
  --image IMG        disk image to boot (default build/hinoki.img)
  --config CFG       first build the image from CFG with tools/mkimage
                     (IMG defaults to build/images/CFGNAME.img)
  --build-demo       same as --config configs/demo.cfg --image build/hinoki.img,
                     and a normal power-off (status 1) exits 0, for make run
  --efi PATH         hypervisor binary for tools/mkimage (default build/hinoki.efi)
  --netboot DIR      boot over the network (QEMU only): iPXE from DIR/ipxe-stick.img
                     fetches DIR/boot.ipxe, then the config, the guests and the
                     hypervisor, from QEMU's TFTP server, which serves DIR;
                     tools/mkimage --netboot CONFIG DIR writes DIR, as does
                     --config CFG given with --netboot
  --kvm              QEMU with KVM, q35 and -cpu host (needs /dev/kvm and
                     nested VT-x on this host: see --doctor)
  --bochs            Bochs, which emulates VT-x (default when KVM cannot run)
  --qemu             QEMU without KVM: no VT-x, checks the boot path only
  --cpus N           processors (default 1; at most $BOCHS_MAX_CPUS with Bochs,
                     $QEMU_MAX_CPUS_PC with QEMU, $QEMU_MAX_CPUS_Q35 with KVM)
  --bochs-cpu MODEL  Bochs's CPU model (default $BOCHS_CPU; \`bochs -help cpu\` lists them)
  --mem MIB          memory in MiB (default 512; at most $BOCHS_MAX_MIB with Bochs)
  --serial FILE      serial log (default build/serial.log); the emulator's own
                     files sit beside it as FILE-without-.log.{bochsrc,bochs.log,emu.out}
  --timeout SECONDS  stop the emulator after SECONDS and exit 124 (default: none)
  --quiet            do not copy the serial log to the terminal; with
                     --interactive, keep the emulator off the terminal too
  --interactive      COM1 on the terminal both ways (QEMU), or as a TCP server
                     on 127.0.0.1:$SERIAL_PORT_TCP (Bochs; connect with nc); the
                     emulator waits for the connection before it starts
  --port N           with --interactive: serve COM1 on 127.0.0.1:N, with QEMU too
                     (the serial log is then the client's to keep)
  --doctor           check this host for KVM, nested VT-x, the VMX features
                     Hinoki needs, QEMU, Bochs and OVMF, say how to fix what
                     is missing and which emulator runs (tools/doctor), and exit
  -h, --help         this text
Exit status: QEMU's; for Bochs, (value << 1) | 1 of the last write to port
$EXIT_PORT when the guest powered off through port 0x8900, 0 without such a
write, 2 when Bochs stopped by itself (panic); 124 on timeout.
EOF
}

die() { echo "$PROG: $*" >&2; exit 1; }

image=""
config=""
efi=""
emu=""
cpus=1
bochs_cpu=$BOCHS_CPU
mem=512
serial="$ROOT/build/serial.log"
timeout=0
quiet=0
interactive=0
port=""
demo=0
netboot=0
netboot_dir=""

need_arg() { if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value (see -h)"; fi; }
while [ $# -gt 0 ]; do
	case "$1" in
	--image) need_arg "$@"; image=$2; shift ;;
	--config) need_arg "$@"; config=$2; shift ;;
	--build-demo) config="$ROOT/configs/demo.cfg"; image=${image:-$ROOT/build/hinoki.img}; demo=1 ;;
	--efi) need_arg "$@"; efi=$2; shift ;;
	--netboot) need_arg "$@"; netboot=1; netboot_dir=$2; shift ;;
	--kvm|--bochs|--qemu) emu=${1#--} ;;
	--cpus) need_arg "$@"; cpus=$2; shift ;;
	--bochs-cpu) need_arg "$@"; bochs_cpu=$2; shift ;;
	--mem) need_arg "$@"; mem=$2; shift ;;
	--serial) need_arg "$@"; serial=$2; shift ;;
	--timeout) need_arg "$@"; timeout=$2; shift ;;
	--quiet) quiet=1 ;;
	--interactive) interactive=1 ;;
	--port) need_arg "$@"; port=$2; shift ;;
	--doctor) exec "$ROOT/tools/doctor" ;;
	-h|--help) usage; exit 0 ;;
	*) echo "$PROG: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done

[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "--cpus wants a positive number, not '$cpus'"
[[ "$mem" =~ ^[1-9][0-9]*$ ]] || die "--mem wants MiB as a positive number, not '$mem'"
[[ "$timeout" =~ ^[0-9]+$ ]] || die "--timeout wants whole seconds, not '$timeout'"
if [ -n "$port" ]; then
	[[ "$port" =~ ^[1-9][0-9]*$ ]] && [ "$port" -le 65535 ] || die "--port wants a TCP port, not '$port'"
	[ "$interactive" = 1 ] || die "--port needs --interactive"
fi

# ---- choose the emulator -------------------------------------------------
# tools/doctor holds the rule (KVM when every KVM check passes, else Bochs).
choose_emulator() {
	local choice chosen why
	choice=$("$ROOT/tools/doctor" --choose) || die "tools/doctor failed"
	chosen=${choice%%:*}
	why=${choice#*: }
	if [ -z "$emu" ]; then
		emu=$chosen
		[ "$emu" = kvm ] || echo "$PROG: $why: using Bochs" >&2
	elif [ "$emu" = kvm ] && [ "$chosen" != kvm ]; then
		die "--kvm: $why"
	fi
}
choose_emulator

# ---- check the options against the emulator ------------------------------
# Refused here with the limit named, rather than by the emulator's own panic.
# Files: the firmware by tools/deps.sh, the config and --efi by tools/mkimage,
# the image below, all before the emulator starts.
check_options() {
	local max_cpus
	case "$emu" in
	bochs) max_cpus=$BOCHS_MAX_CPUS
		[ "$mem" -le "$BOCHS_MAX_MIB" ] ||
			die "--mem $mem: Bochs emulates at most $BOCHS_MAX_MIB MiB (use --kvm or --qemu for more)" ;;
	kvm) max_cpus=$QEMU_MAX_CPUS_Q35 ;;
	qemu) max_cpus=$QEMU_MAX_CPUS_PC ;;
	esac
	[ "$cpus" -le "$max_cpus" ] || die "--cpus $cpus: $emu runs at most $max_cpus processors"
}
check_options

if [ "$netboot" = 1 ] && [ "$emu" = bochs ]; then
	die "--netboot needs QEMU: --qemu (no VT-x: the boot path only), or --kvm where KVM runs VT-x; Bochs's network cards have no UEFI driver"
fi

case "$emu" in
bochs) "$ROOT/tools/deps.sh" image bochs || exit 1 ;;
*) "$ROOT/tools/deps.sh" image qemu || exit 1 ;;
esac

# ---- build the image -----------------------------------------------------
if [ "$netboot" = 1 ]; then
	if [ -n "$config" ]; then
		"$ROOT/tools/mkimage" --netboot "$config" "$netboot_dir" ${efi:+--efi "$efi"} || exit 1
	fi
	[ -f "$netboot_dir/boot.ipxe" ] || die "$netboot_dir: no boot.ipxe (tools/mkimage --netboot CONFIG $netboot_dir, or add --config)"
	image="$netboot_dir/ipxe-stick.img"
elif [ -n "$config" ]; then
	if [ -z "$image" ]; then
		name=$(basename "$config"); name=${name%.cfg}
		image="$ROOT/build/images/$name.img"
	fi
	"$ROOT/tools/mkimage" "$config" "$image" ${efi:+--efi "$efi"} || exit 1
fi
image=${image:-$ROOT/build/hinoki.img}
[ -f "$image" ] || die "$image: no such image (make image, or use --config)"

mkdir -p "$(dirname "$serial")" || exit 1
base=${serial%.log}
emu_out="$base.emu.out"
: >"$serial"

# ---- emulator command lines ----------------------------------------------
write_bochsrc() {
	local rc=$1 com1
	if [ "$interactive" = 1 ]; then
		com1="com1: enabled=true, mode=socket-server, dev=127.0.0.1:${port:-$SERIAL_PORT_TCP}"
	else
		com1="com1: enabled=true, mode=file, dev=$serial"
	fi
	local cpu_info="" i
	for ((i = 0; i < cpus; i++)); do cpu_info+=", cpu$i=ignore"; done
	cat >"$rc" <<EOF
# Generated by run-qemu.sh; see docs/testing.md for why each line is here.
cpu: model=$bochs_cpu, count=$cpus, ips=$BOCHS_IPS, reset_on_triple_fault=0
memory: guest=$mem, host=$mem
romimage: file=$OVMF, address=0xffe00000, options=none
vgaromimage: file=$VGABIOS
vga: extension=vbe
pci: enabled=1, chipset=i440fx
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=disk, path=$image, mode=flat
boot: disk
clock: sync=none, time0=$BOCHS_TIME0
$com1
display_library: rfb, options="timeout=0"
mouse: enabled=0
sound: driver=dummy
speaker: enabled=0
port_e9_hack: enabled=1
log: $base.bochs.log
panic: action=fatal
error: action=report
info: action=report$cpu_info
debug: action=ignore, unmapped=report
EOF
}

cmd=()
case "$emu" in
bochs)
	bochsrc="$base.bochsrc"
	write_bochsrc "$bochsrc"
	echo c >"$base.bochs.cmds"
	: >"$base.bochs.log"
	cmd=(bochs -q -f "$bochsrc" -rc "$base.bochs.cmds")
	[ "$interactive" = 1 ] && echo "$PROG: COM1 waits on 127.0.0.1:${port:-$SERIAL_PORT_TCP}: connect with nc 127.0.0.1 ${port:-$SERIAL_PORT_TCP}" >&2
	;;
kvm|qemu)
	cmd=(qemu-system-x86_64 -m "$mem" -smp "$cpus" -bios "$OVMF"
		-drive "format=raw,file=$image"
		-device "isa-debug-exit,iobase=$EXIT_PORT,iosize=0x04"
		-display none -no-reboot -nodefaults -vga none)
	# q35 as on current hardware; -cpu host passes VT-x through (nested).
	[ "$emu" = kvm ] && cmd+=(-machine q35 -enable-kvm -cpu host)
	# The user-mode network's DHCP names boot.ipxe and its TFTP server serves
	# the directory; OVMF's own virtio-net driver runs the card (romfile=).
	[ "$netboot" = 1 ] && cmd+=(-netdev "user,id=net0,tftp=$netboot_dir,bootfile=boot.ipxe"
		-device "virtio-net-pci,netdev=net0,romfile=")
	if [ "$interactive" = 1 ] && [ -n "$port" ]; then
		cmd+=(-chardev "socket,id=com1,host=127.0.0.1,port=$port,server=on,wait=on"
			-serial chardev:com1)
		echo "$PROG: COM1 waits on 127.0.0.1:$port: connect with nc 127.0.0.1 $port" >&2
	elif [ "$interactive" = 1 ]; then
		cmd+=(-chardev "stdio,id=com1,signal=off,logfile=$serial" -serial chardev:com1)
	else
		cmd+=(-serial "file:$serial")
	fi
	;;
esac

# ---- run -----------------------------------------------------------------
emu_pid=""
tail_pid=""
cleanup() {
	[ -n "$emu_pid" ] && kill -TERM "$emu_pid" 2>/dev/null
	[ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

run_emulator() {
	start=$(date +%s.%N)
	if [ "$interactive" = 1 ] && [ "$quiet" = 1 ]; then
		# Driven over the socket by another program: the terminal stays out of it.
		if [ "$timeout" -gt 0 ]; then
			timeout -k 5 "$timeout" "${cmd[@]}" </dev/null >"$emu_out" 2>&1 &
		else
			"${cmd[@]}" </dev/null >"$emu_out" 2>&1 &
		fi
		emu_pid=$!
	elif [ "$interactive" = 1 ]; then
		if [ "$timeout" -gt 0 ]; then
			timeout --foreground -k 5 "$timeout" "${cmd[@]}" 2>"$emu_out" &
		else
			"${cmd[@]}" 2>"$emu_out" &
		fi
		emu_pid=$!
	else
		# No standard input: nothing may ever wait for a key or a dialog.
		if [ "$timeout" -gt 0 ]; then
			timeout -k 5 "$timeout" "${cmd[@]}" </dev/null >"$emu_out" 2>&1 &
		else
			"${cmd[@]}" </dev/null >"$emu_out" 2>&1 &
		fi
		emu_pid=$!
		if [ "$quiet" = 0 ]; then
			tail -s 0.2 -n +1 -f --pid="$emu_pid" "$serial" &
			tail_pid=$!
		fi
	fi
	wait "$emu_pid"
	status=$?
	# Bochs locks the disk image while it runs; one the timeout or a signal
	# killed leaves the lock behind, and the next run of that image would stop.
	[ "$emu" = bochs ] && rm -f "$image.lock"
	[ -n "$tail_pid" ] && wait "$tail_pid" 2>/dev/null
	emu_pid=""
	tail_pid=""
	elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
}

# Two Bochs starting at the same moment can both bind the first free display
# port; the one whose listen() then fails gives up on every port and panics
# at once. Nothing ran yet: start it again, a little later.
for attempt in 1 2 3 4 5; do
	run_emulator
	[ "$emu" = bochs ] && [ "$status" != 124 ] &&
		grep -aq '>>PANIC<< RFB could not bind' "$base.bochs.log" || break
	echo "$PROG: bochs found no free display port (attempt $attempt); starting it again" >&2
	sleep "0.$((RANDOM % 9 + 1))"
done

if [ "$status" = 124 ]; then
	echo "$PROG: timeout: $emu stopped after ${timeout} s; serial log in $serial" >&2
	exit 124
fi

if [ "$emu" = bochs ]; then
	# Bochs ends every run through a panic (action=fatal) and exits 1; its log
	# says which. Port 0xf4 writes are logged by the unmapped-port device.
	reason=$(grep -a '>>PANIC<<' "$base.bochs.log" | tail -n 1 | sed 's/.*>>PANIC<< //')
	if [[ "$reason" == "Shutdown port: shutdown requested" ]]; then
		last=$(grep -aE "unmapped: (8|16|32)-bit write to $(printf %04x $EXIT_PORT) = " "$base.bochs.log" | tail -n 1)
		if [ -n "$last" ]; then
			value=$((16#${last##* = }))
			# As QEMU's isa-debug-exit, whose status the shell sees as 8 bits.
			status=$((((value << 1) | 1) & 0xff))
			echo "$PROG: bochs: powered off after writing $value to port $EXIT_PORT (exit $status, ${elapsed} s)" >&2
		else
			status=0
			echo "$PROG: bochs: powered off (exit 0, ${elapsed} s)" >&2
		fi
	else
		echo "$PROG: bochs stopped: ${reason:-exit status $status, see $emu_out} (${elapsed} s; log $base.bochs.log)" >&2
		status=2
	fi
else
	[ -s "$emu_out" ] && sed "s/^/$PROG: $emu: /" "$emu_out" >&2
	echo "$PROG: $emu exited with status $status (${elapsed} s)" >&2
fi
if [ "$demo" = 1 ] && [ "$status" = 1 ]; then
	status=0    # the hypervisor's normal power-off: success for make run
fi
exit "$status"
