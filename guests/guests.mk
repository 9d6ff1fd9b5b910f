# Guest kernels, included by the top Makefile. Each guest lives in guests/NAME/
# and links with its own guests/NAME/link.ld into build/guests/NAME.elf (the
# a.out-kludge guest into build/guests/NAME.bin). The library in guests/lib is
# compiled once per width, into build/guests/obj64 or obj32, as guests need it.
# Adding a guest is one line at the bottom; docs/guests.md has the details.

GUEST_OUT := $(BUILD)/guests

# Freestanding, no SSE (a guest is entered without CR4.OSFXSR), no red zone,
# absolute addresses: the image runs where it is linked.
GUEST_CFLAGS := $(WARN) -std=gnu11 -O2 -g -ffreestanding -nostdlib -fno-pic -fno-pie -static \
	-mno-red-zone -fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-strict-aliasing -Iinclude -Iguests/lib -MMD -MP
GUEST_CFLAGS64 := $(GUEST_CFLAGS) -m64
GUEST_CFLAGS32 := $(GUEST_CFLAGS) -m32 -march=i686
GUEST_LDFLAGS  := -nostdlib -static -z noexecstack --fatal-warnings -Lguests/lib

GUEST_LIB_C := guests/lib/fmt.c guests/lib/serial.c guests/lib/mem.c guests/lib/exit.c guests/lib/check.c
# Hinoki ELF64 guests: start64 (loads the IDT, calls guest_main), the
# hypercall gate, the exception stubs, the XMM load/store helpers and the
# local APIC interrupt gates (irq.h).
GUEST_LIB64 := $(patsubst guests/%.c,$(GUEST_OUT)/obj64/%.o,$(GUEST_LIB_C) guests/lib/hc_exit.c \
	guests/lib/trap.c guests/lib/fpu_check.c guests/lib/msr_check.c guests/lib/irq.c guests/lib/probe.c) \
	$(patsubst %,$(GUEST_OUT)/obj64/lib/%.o,start64 hypercall trap_entry fpu irq_entry)
# Multiboot guests: mbentry (GDT, stack, calls mb_main) and the boot
# information's magic and command line (mbinfo.h); no hypercalls.
GUEST_LIB32 := $(patsubst guests/%.c,$(GUEST_OUT)/obj32/%.o,$(GUEST_LIB_C) guests/lib/mbinfo.c) \
	$(GUEST_OUT)/obj32/lib/mbentry.o

$(GUEST_OUT)/obj64/%.o: guests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC64    $<")
	$(Q)$(CC) $(GUEST_CFLAGS64) -c $< -o $@

$(GUEST_OUT)/obj32/%.o: guests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(CC) $(GUEST_CFLAGS32) -c $< -o $@

# NASM 2.16's -MD omits %include files, hence a separate -M pass for dependencies.
$(GUEST_OUT)/obj64/%.o: guests/%.asm
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS64    $<")
	$(Q)$(NASM) -f elf64 -Iguests/lib/ -M -MF $(@:.o=.d) -MT $@ -MP $<
	$(Q)$(NASM) -f elf64 -Iguests/lib/ -o $@ $<

$(GUEST_OUT)/obj32/%.o: guests/%.asm
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS32    $<")
	$(Q)$(NASM) -f elf32 -Iguests/lib/ -M -MF $(@:.o=.d) -MT $@ -MP $<
	$(Q)$(NASM) -f elf32 -Iguests/lib/ -o $@ $<

# Objects of guests/NAME/*.{c,asm} plus extra sources $(3), for width $(2).
guest_objs = $(patsubst guests/%,$(GUEST_OUT)/obj$(2)/%.o, \
	$(basename $(wildcard guests/$(1)/*.c guests/$(1)/*.asm) $(3)))

# $(call guest_link,NAME,WIDTH,EXTRA_SOURCES,OUTPUT,LD_EMULATION)
define guest_link
$(4): $(call guest_objs,$(1),$(2),$(3)) $$(GUEST_LIB$(2)) guests/$(1)/link.ld
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(LD) $$(GUEST_LDFLAGS) -m $(5) -T guests/$(1)/link.ld -o $$@ $$(filter %.o,$$^)
endef

# A Hinoki ELF64 guest: guests/NAME/*.c defines guest_main.
define hinoki64_guest
$(call guest_link,$(1),64,$(2),$(GUEST_OUT)/$(1).elf,elf_x86_64)
$(GUEST_OUT)/$(1).elf: guests/lib/hinoki64.ld
GUEST_TARGETS += $(GUEST_OUT)/$(1).elf
endef

# A Multiboot 1 ELF32 guest: guests/NAME/ has the header and mb_main.
define multiboot_guest
$(call guest_link,$(1),32,$(2),$(GUEST_OUT)/$(1).elf,elf_i386)
GUEST_TARGETS += $(GUEST_OUT)/$(1).elf
endef

# A Multiboot 1 a.out-kludge guest: linked as ELF32, shipped as the flat image.
define multiboot_aout_guest
$(call guest_link,$(1),32,$(2),$(GUEST_OUT)/obj32/$(1).elf,elf_i386)
$(GUEST_OUT)/$(1).bin: $(GUEST_OUT)/obj32/$(1).elf
	@$$(if $$(Q),echo "  OBJCOPY $$@")
	$$(Q)$$(OBJCOPY) -O binary $$< $$@
GUEST_TARGETS += $(GUEST_OUT)/$(1).bin
endef

GUEST_TARGETS :=
$(eval $(call hinoki64_guest,hello))
$(eval $(call hinoki64_guest,triple))
$(eval $(call hinoki64_guest,badmem))
$(eval $(call hinoki64_guest,traps))
$(eval $(call hinoki64_guest,exitpath))
$(eval $(call multiboot_guest,mbhello))
$(eval $(call multiboot_aout_guest,mbaout,guests/mbhello/main.c))

guests: $(GUEST_TARGETS)

.PHONY: guests

# Guests of the management-domain work: the shell (mgmt) and the test guests
# it drives. They share these library pieces beyond GUEST_LIB64.
GUEST_LIB64_CTL := guests/lib/tsc.c guests/lib/serial_in.c guests/lib/lineedit.c guests/lib/cmdline.c
$(eval $(call hinoki64_guest,mgmt,$(GUEST_LIB64_CTL)))
$(eval $(call hinoki64_guest,cpuhog,$(GUEST_LIB64_CTL)))
$(eval $(call hinoki64_guest,memcheck,$(GUEST_LIB64_CTL)))
$(eval $(call hinoki64_guest,evil,$(GUEST_LIB64_CTL) guests/lib/ctl_attempts.c))
# `guests:` above was expanded before these lines; list them again.
guests: $(GUEST_TARGETS)
# The exit-latency benchmark (docs/bench.md).
$(eval $(call hinoki64_guest,exitbench,guests/lib/cmdline.c guests/lib/tsc.c))
guests: $(GUEST_TARGETS)
# The PC platform as kvm-unit-tests' start-up uses it (docs/platform.md).
$(eval $(call multiboot_guest,kvmplat))
guests: $(GUEST_TARGETS)
# Secondary vCPUs started by INIT and STARTUP IPIs (docs/platform-apic.md).
$(eval $(call multiboot_guest,smpboot))
guests: $(GUEST_TARGETS)
# Debug registers kept per vCPU across switches (docs/guests.md).
$(eval $(call multiboot_guest,drcheck,guests/lib/cmdline.c))
guests: $(GUEST_TARGETS)
# Resets through port 0xCF9, for on_reboot (docs/platform.md).
$(eval $(call hinoki64_guest,reboot,guests/lib/cmdline.c guests/lib/tsc.c))
guests: $(GUEST_TARGETS)
# Instructions carried out for the guest: string port I/O and MMIO by every form (docs/guests.md).
$(eval $(call hinoki64_guest,emul,guests/lib/cmdline.c))
guests: $(GUEST_TARGETS)
# Hostile cases, each with its expected answer (docs/guests.md).
$(eval $(call hinoki64_guest,attack,$(GUEST_LIB64_CTL) guests/lib/ctl_attempts.c))
guests: $(GUEST_TARGETS)
# Random operations against the hypervisor from a printed seed (docs/guests.md).
$(eval $(call hinoki64_guest,fuzz,guests/lib/cmdline.c guests/lib/tsc.c))
guests: $(GUEST_TARGETS)
# The VT-d unit and the edu device, driven and attacked (docs/guests.md).
$(eval $(call hinoki64_guest,iommu))
guests: $(GUEST_TARGETS)
