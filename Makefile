# Hinoki: one non-recursive Makefile, everything out of tree in build/.
# make            build/hinoki.efi and every guest kernel
# make image      build/hinoki.img, the demo ESP disk image (configs/demo.cfg)
# make run        build and boot the demo (run-qemu.sh picks KVM or Bochs)
# make doctor     check this host for KVM, nested VT-x, QEMU, Bochs and OVMF (tools/doctor)
# make test       host unit tests, then the emulator integration tests
# make linux      build/linux/{vmlinuz,initramfs.cpio}: Debian's kernel and a busybox initramfs (tools/linux-guest.sh)
# make bench      exit latencies and the Linux boot benchmark (docs/bench.md)
# make kut        kvm-unit-tests' x86 tests as guests (KUT=DIR, default ../shared/kvm-unit-tests)
# make soak       a long fuzz run, not part of make test (SOAK_ARGS, docs/testing.md)
# V=1 shows full command lines. HV_EXTRA_CFLAGS adds hypervisor build options, e.g.
# make BUILD=build/nostats HV_EXTRA_CFLAGS=-DHINOKI_NO_EXIT_STATS build/nostats/hinoki.efi

BUILD   := build
Q       := $(if $(V),,@)
CC      := gcc
LD      := ld
NASM    := nasm
OBJCOPY := objcopy
HOSTCC  := gcc

EFI_INC := /usr/include/efi
EFI_LIB := /usr/lib

WARN    := -Wall -Wextra -Werror
# The hypervisor never touches FPU/SSE state so a guest's survives any exit untouched.
HV_CFLAGS := $(WARN) -std=gnu11 -O2 -g -ffreestanding -fno-builtin -fpic -fshort-wchar \
	-fno-stack-protector -fno-strict-aliasing -mno-red-zone -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -DGNU_EFI_USE_MS_ABI \
	-I. -Iinclude -I$(EFI_INC) -I$(EFI_INC)/x86_64 -MMD -MP $(HV_EXTRA_CFLAGS)
# Generated sources (the DSDT's AML as a C array) are found under $(GEN).
GEN := $(BUILD)/gen
HV_CFLAGS += -I$(GEN)
HV_LDFLAGS := -nostdlib -znocombreloc -T linker.ld -shared -Bsymbolic --no-undefined -L$(EFI_LIB)

HV_C   := $(filter-out vmx/asm_offsets.c,$(wildcard boot/*.c cpu/*.c config/*.c loader/*.c mm/*.c vmx/*.c ept/*.c sched/*.c dev/*.c dom/*.c lib/*.c))
HV_ASM := $(wildcard boot/*.asm cpu/*.asm vmx/*.asm)
HV_OBJ := $(HV_C:%.c=$(BUILD)/hv/%.o) $(HV_ASM:%.asm=$(BUILD)/hv/%.o)

all: $(BUILD)/hinoki.efi $(BUILD)/native-linux.efi guests

$(BUILD)/hv/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.o: %.asm $(BUILD)/hv/asm_offsets.inc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(NASM) -f elf64 -I$(BUILD)/hv/ -Iinclude/ -o $@ $<

# Struct offsets for assembly come from C, never by hand.
$(BUILD)/hv/asm_offsets.inc: vmx/asm_offsets.c $(wildcard vmx/*.h include/hw/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(filter-out -MMD -MP,$(HV_CFLAGS)) -S $< -o $@.s
	$(Q)sed -n 's/^.*@@OFFSET \([A-Za-z0-9_]*\) \$$\{0,1\}\([0-9]*\).*$$/%define \1 \2/p' $@.s > $@

$(BUILD)/hinoki.so: $(HV_OBJ) linker.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(HV_LDFLAGS) $(EFI_LIB)/crt0-efi-x86_64.o $(HV_OBJ) -o $@ -lefi -lgnuefi

$(BUILD)/%.efi: $(BUILD)/%.so
	@$(if $(Q),echo "  OBJCOPY $@")
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j .reloc --target=efi-app-x86_64 --subsystem=10 $< $@

# The DSDT: ASL compiled by iasl (acpica-tools) into a C array for dev/acpi_tables.c; warnings are errors.
$(GEN)/dsdt_aml.h: dev/dsdt.asl
	@mkdir -p $(GEN)
	@$(if $(Q),echo "  IASL    $<")
	$(Q)iasl -we -tc -p $(GEN)/dsdt $< > $(GEN)/dsdt.iasl.log || { cat $(GEN)/dsdt.iasl.log; exit 1; }
	$(Q)sed 's/^unsigned char dsdt_aml_code/static const unsigned char dsdt_aml_code/' $(GEN)/dsdt.hex > $@
$(BUILD)/hv/dev/acpi_tables.o: $(GEN)/dsdt_aml.h

# The boot benchmark's reference: Hinoki's loader and ACPI tables, Linux entered on the bare machine.
NATIVE_C   := tools/bench/native_linux.c boot/efi_file.c config/config.c config/config_keys.c \
	$(wildcard loader/*.c) dev/acpi_tables.c lib/fmt.c lib/string.c lib/serial.c
NATIVE_OBJ := $(NATIVE_C:%.c=$(BUILD)/hv/%.o)

$(BUILD)/native-linux.so: $(NATIVE_OBJ) linker.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(HV_LDFLAGS) $(EFI_LIB)/crt0-efi-x86_64.o $(NATIVE_OBJ) -o $@ -lefi -lgnuefi

# ---- guests ---------------------------------------------------------------
include guests/guests.mk

# ---- images ---------------------------------------------------------------
image: $(BUILD)/hinoki.img
$(BUILD)/hinoki.img: all linux configs/demo.cfg tools/mkimage
	$(Q)tools/mkimage configs/demo.cfg $@

# A disk image for a USB stick or any disk a PC's UEFI firmware boots: the
# same files in an EFI system partition of a GUID partition table
# (README: "On a real machine"). USB_CONFIG picks another machine config.
USB_CONFIG ?= configs/demo.cfg
usb: all linux
	tools/deps.sh image
	$(Q)tools/mkimage --gpt $(USB_CONFIG) $(BUILD)/hinoki-usb.img

# run and test first install missing Debian packages (or print the apt-get line).
run:
	tools/deps.sh all
	$(MAKE) all linux
	./run-qemu.sh --build-demo

# What run-qemu.sh will use here, and how to fix what keeps KVM out.
doctor:
	tools/doctor

# ---- tests ----------------------------------------------------------------
# Pure sources shared with host unit tests (the hosted libc stands in for lib/).
PURE_SRCS  := vmx/exit_stats.c config/config.c config/config_keys.c loader/loader.c loader/loader_elf.c loader/loader_multiboot.c loader/loader_bzimage.c \
	ept/ept.c mm/frame.c dev/uart.c boot/acpi.c dev/console_ring.c dev/console_focus.c \
	dev/fw_cfg.c dev/pmtimer.c dev/pic.c dev/rtc.c dev/rtc_date.c dev/pci_cfg.c dev/nmi_sc.c dev/acpi_tables.c dev/bus.c dev/exit_port.c dev/platform.c \
	dev/acpi_pm.c dev/reset_control.c \
	vmx/mmio_decode.c vmx/mmio_decode_0f.c vmx/guest_walk.c vmx/x86_alu.c dev/lapic.c dev/lapic_x2apic.c vmx/tlb.c vmx/vpid.c vmx/msr_table.c vmx/entry_check.c lib/fmt.c
PURE_SRCS  += dev/ioapic.c
PURE_SRCS  += dev/bios_reset.c
PURE_SRCS  += dev/testdev.c dev/edu.c dev/vtd.c
PURE_SRCS  += lib/font.c lib/fbcon.c lib/log_ring.c
HOST_CFLAGS := $(WARN) -std=gnu11 -O1 -g -I. -Iinclude -I$(GEN) -fsanitize=address,undefined -DHOST_TEST
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

# Each test is one compiler run over several sources: it depends on every header.
$(BUILD)/tests/%: tests/unit/%.c $(wildcard $(PURE_SRCS)) $(wildcard */*.h */*/*.h) $(GEN)/dsdt_aml.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(UNIT_EXTRA) -o $@ $< $(wildcard $(PURE_SRCS))

# The exit path over a fake VMCS, which stands in for vmx/vmx_ops.h in every source of the test.
EXIT_PATH_SRCS := vmx/exit.c vmx/exit_cpuid.c vmx/exit_io.c vmx/exit_vmcall.c vmx/exit_msr.c vmx/exit_cr.c \
	vmx/exit_ept.c vmx/exit_fatal.c vmx/exit_insn.c vmx/mmio_emulate.c vmx/guest_mem.c vmx/inject.c
$(BUILD)/tests/test_exit_path: UNIT_EXTRA := -include tests/unit/fake_vmcs.h $(EXIT_PATH_SRCS)
$(BUILD)/tests/test_exit_path: $(EXIT_PATH_SRCS)

unit: $(UNIT_BINS)

test:
	tools/deps.sh all
	$(MAKE) all unit nostats linux
	tests/run-tests.sh

# Exit latencies: exitbench in Bochs with and without statistics and trace
# (tools/bench/bench.py), then a Linux boot native and under Hinoki
# (tools/bench/linuxboot.py); docs/bench.md, results in build/bench/.
bench: all nostats linux
	tools/deps.sh image bochs bench
	tools/bench/bench.py --build $(BUILD) --out $(BUILD)/bench $(if $(VMEXIT),--vmexit $(VMEXIT))
	tools/bench/linuxboot.py --build $(BUILD) --out $(BUILD)/bench

# kvm-unit-tests' x86 tests, unmodified, as Hinoki guests: a table of
# results in build/kut/results.md (tools/kut/kut.py, docs/testing.md).
KUT ?= ../shared/kvm-unit-tests
kut: all
	tools/deps.sh image bochs
	tools/kut/kut.py --kut $(KUT) --build $(BUILD)

# Fuzz domains from a longer seed list than the fuzz test's, boot after boot,
# beside honest guests, with one summary line (tools/soak/soak.py,
# docs/testing.md); SOAK_ARGS passes options such as --boots 8 --ops 200000.
soak: all
	tools/deps.sh image bochs
	tools/soak/soak.py --build $(BUILD) $(SOAK_ARGS)

# The counts-only build make bench measures the statistics against.
nostats:
	$(MAKE) BUILD=$(BUILD)/nostats HV_EXTRA_CFLAGS=-DHINOKI_NO_EXIT_STATS $(BUILD)/nostats/hinoki.efi

# Debian's stock kernel and a busybox initramfs, fetched without root, for
# tests/integration/linux.cfg (the script fetches only what is missing).
linux: $(BUILD)/linux/tsc
	$(Q)tools/linux-guest.sh $(BUILD)/linux

# /bin/tsc of the Linux test guest: a static x86-64 Linux program without libc.
$(BUILD)/linux/tsc: guests/linux/tsc.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(WARN) -static -nostdlib -ffreestanding -Os -fno-stack-protector \
		-fno-asynchronous-unwind-tables -Wl,--build-id=none -s -o $@ $<

clean:
	rm -rf $(BUILD)

.PHONY: all guests image usb run doctor unit test bench kut soak nostats linux clean
# The slash: a build directory that is a symbolic link is searched too.
-include $(shell find $(BUILD)/ -name '*.d' 2>/dev/null)
