/*
 * native-linux.efi, the boot benchmark's reference (docs/bench.md, "Linux
 * boot"): a UEFI application that starts the first domain of
 * \hinoki\hinoki.cfg on the bare machine, as Hinoki would start it as a
 * domain, with guest-physical equal to host-physical. The same file reading,
 * the same loader and the same ACPI tables build the guest's memory in a
 * scratch buffer of the domain's RAM size; the zero page's e820 map is
 * replaced by the firmware's memory map clipped to that RAM size, and after
 * ExitBootServices the used ranges are copied into place and the kernel is
 * entered at its 64-bit entry with the loader's CPU state. It prints the TSC
 * at that moment, the benchmark's start.
 */
#include <efi.h>
#include <efilib.h>
#include <stdarg.h>
#include "boot/efi_file.h"
#include "config/config.h"
#include "dev/acpi_tables.h"
#include "hw/i440fx.h"
#include "hw/linux_boot.h"
#include "lib/fmt.h"
#include "lib/serial.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "loader/loader.h"
#include "loader/loader_internal.h"

#define CONFIG_FILE    "hinoki.cfg"
#define PAGE           4096ULL
#define EXIT_BS_TRIES  8
#define STACK_PAGES    1

static struct hv_config config;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	for (const char *p = line; *p; p++) {
		if (*p == '\n')
			serial_putc('\r');
		serial_putc(*p);
	}
}

static EFI_STATUS fail(const char *why, EFI_STATUS st)
{
	say("native: fatal: %s\n", why);
	serial_drain();
	return st;
}

static void report_config_error(void *ctx, const char *file, unsigned line, const char *msg)
{
	(void)ctx;
	say("native: config: %s:%u: %s\n", file, line, msg);
}

/* Take [start, end) from the firmware, so that nothing it allocates later lands there. */
static int reserve(uint64_t start, uint64_t end, const char *what)
{
	EFI_PHYSICAL_ADDRESS at = start & ~(PAGE - 1);
	UINTN pages = (UINTN)((end - at + PAGE - 1) / PAGE);
	EFI_STATUS st = BS->AllocatePages(AllocateAddress, EfiLoaderData, pages, &at);
	if (EFI_ERROR(st))
		say("native: cannot reserve %s [0x%lx, 0x%lx) from the firmware (EFI status 0x%lx)\n",
		    what, start, end, st);
	return EFI_ERROR(st) ? -1 : 0;
}

static uint32_t e820_type(UINT32 efi_type)
{
	switch (efi_type) {
	case EfiLoaderCode: case EfiLoaderData: case EfiBootServicesCode: case EfiBootServicesData:
	case EfiConventionalMemory:
		return E820_TYPE_RAM;
	case EfiACPIReclaimMemory:
		return E820_TYPE_ACPI;
	case EfiACPIMemoryNVS:
		return E820_TYPE_NVS;
	default:
		return E820_TYPE_RESERVED;   /* runtime services, MMIO, unusable: Linux keeps off them */
	}
}

/*
 * The zero page's e820 map from the firmware's memory map, clipped to
 * [0, ram): sorted, neighbours of one type merged. -1 when it needs more
 * entries than the zero page holds.
 */
static int write_e820(uint8_t *bp, const uint8_t *map, UINTN size, UINTN dsize, uint64_t ram)
{
	struct linux_e820_entry e[LINUX_E820_MAX];
	unsigned n = 0;
	for (UINTN off = 0; off + dsize <= size; off += dsize) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)(map + off);
		uint64_t start = d->PhysicalStart, end = start + d->NumberOfPages * PAGE;
		if (start >= ram)
			continue;
		end = end < ram ? end : ram;
		uint32_t type = e820_type(d->Type);
		unsigned i = n;
		while (i && e[i - 1].addr > start)   /* insertion: the firmware's order is not promised */
			i--;
		if (i && e[i - 1].type == type && e[i - 1].addr + e[i - 1].size == start) {
			e[i - 1].size += end - start;
			continue;
		}
		if (n == LINUX_E820_MAX)
			return -1;
		memmove(&e[i + 1], &e[i], (n - i) * sizeof e[0]);
		e[i] = (struct linux_e820_entry){ start, end - start, type };
		n++;
	}
	memcpy(bp + LINUX_BP_E820_TABLE, e, n * sizeof e[0]);
	bp[LINUX_BP_E820_ENTRIES] = (uint8_t)n;
	return 0;
}

/* GetMemoryMap then ExitBootServices, again while the map key goes stale; the final map in *map. */
static EFI_STATUS leave_boot_services(EFI_HANDLE image, uint8_t **map, UINTN *size, UINTN *dsize)
{
	UINTN key;
	UINT32 dver;
	*size = 0;
	EFI_STATUS st = BS->GetMemoryMap(size, 0, &key, dsize, &dver);
	if (st != EFI_BUFFER_TOO_SMALL)
		return st;
	UINTN cap = *size + 16 * *dsize;
	/* Loader data, which outlives boot services, unlike AllocatePool's. */
	st = BS->AllocatePool(EfiLoaderData, cap, (void **)map);
	if (EFI_ERROR(st))
		return st;
	for (int i = 0; i < EXIT_BS_TRIES; i++) {
		*size = cap;
		st = BS->GetMemoryMap(size, (EFI_MEMORY_DESCRIPTOR *)*map, &key, dsize, &dver);
		if (EFI_ERROR(st))
			return st;
		st = BS->ExitBootServices(image, key);
		if (st == EFI_SUCCESS)
			return st;
	}
	return st;
}

/*
 * True when [start, end) holds nothing that outlives boot services: free
 * memory, or boot-services memory the firmware no longer uses. The kernel's
 * range cannot be reserved earlier: OVMF holds part of it before this
 * application starts.
 */
static bool free_after_boot_services(const uint8_t *map, UINTN size, UINTN dsize, uint64_t start, uint64_t end)
{
	for (UINTN off = 0; off + dsize <= size; off += dsize) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)(map + off);
		uint64_t s = d->PhysicalStart, e = s + d->NumberOfPages * PAGE;
		if (s < end && e > start && d->Type != EfiConventionalMemory && d->Type != EfiBootServicesCode &&
		    d->Type != EfiBootServicesData) {
			say("native: fatal: [0x%lx, 0x%lx) holds [0x%lx, 0x%lx) of EFI memory type %u\n",
			    start, end, s, e, d->Type);
			return false;
		}
	}
	return true;
}

/* The loader's CPU state (docs/boot-protocol.md, "CPU state at entry"), interrupts off. */
static void __attribute__((noreturn)) enter(const struct guest_entry *e)
{
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gdtr = { e->gdt_limit, e->gdt_base },
		idtr = { 0, 0 };
	__asm__ volatile(
		"cli\n\t"
		"lidt %[idtr]\n\t"
		"lgdt %[gdtr]\n\t"
		"mov %%rax, %%cr3\n\t"
		"mov %%edx, %%ds\n\t"
		"mov %%edx, %%es\n\t"
		"mov %%edx, %%fs\n\t"
		"mov %%edx, %%gs\n\t"
		"mov %%edx, %%ss\n\t"
		"mov %%rcx, %%rsp\n\t"
		"push %%rdi\n\t"
		"push %%rbx\n\t"
		"xor %%eax, %%eax\n\t"
		"xor %%ecx, %%ecx\n\t"
		"xor %%edx, %%edx\n\t"
		"xor %%edi, %%edi\n\t"
		"xor %%ebx, %%ebx\n\t"
		"xor %%ebp, %%ebp\n\t"
		"lretq"
		:
		: [idtr] "m"(idtr), [gdtr] "m"(gdtr), "a"(e->cr3), "d"((uint32_t)e->data_sel), "c"(e->rsp),
		  "D"((uint64_t)e->code_sel), "b"(e->rip), "S"(e->rsi)
		: "memory");
	__builtin_unreachable();
}

/* Byte reg of the host bridge's configuration space (bus 0, device 0, function 0). */
static uint8_t pmc_read(uint8_t reg)
{
	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | (reg & ~3u));
	return inb(PCI_CONFIG_DATA + (reg & 3u));
}

static void pmc_write(uint8_t reg, uint8_t v)
{
	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | (reg & ~3u));
	outb(PCI_CONFIG_DATA + (reg & 3u), v);
}

/*
 * The BIOS area as read-write DRAM, where Bochs' firmware leaves it ROM: the
 * ACPI tables go where Hinoki puts them, so that Linux finds the same ones.
 */
static void bios_area_to_dram(void)
{
	const uint8_t both = I440FX_PAM_DRAM | I440FX_PAM_DRAM << I440FX_PAM_HI_SHIFT;
	pmc_write(I440FX_PAM5, both);
	pmc_write(I440FX_PAM6, both);
	pmc_write(I440FX_PAM0, (uint8_t)(pmc_read(I440FX_PAM0) | I440FX_PAM_DRAM << I440FX_PAM_HI_SHIFT));
}

/*
 * What the application knows when it leaves boot services, in its own image
 * (loader code, untouched by the copies), with a stack of its own: the
 * firmware's stack, page tables and GDT are boot-services memory, which the
 * kernel's range may cover.
 */
static struct {
	struct guest_entry entry;
	struct guest_mem gm;
	uint64_t kernel_start, initrd, initrd_len;
	uint8_t *map;
	UINTN map_size, dsize;
} go;
static uint8_t own_stack[16384] __attribute__((aligned(16)));

static void __attribute__((noreturn)) finish(void)
{
	uint8_t *bp = go.gm.base + go.entry.rsi;
	const struct { uint64_t start, end; } used[] = {
		{ LOADER_LX_GPA_BOOT_PARAMS, LOADER_LX_AREA_END }, { ACPI_TABLES_AREA, ACPI_TABLES_AREA_END },
		{ go.kernel_start, go.entry.kernel_end }, { go.initrd, go.initrd + go.initrd_len },
		{ go.entry.rsp - STACK_PAGES * PAGE, go.entry.rsp },
	};
	if (write_e820(bp, go.map, go.map_size, go.dsize, go.gm.size)) {
		say("native: fatal: the firmware's memory map needs more than %u e820 entries\n", LINUX_E820_MAX);
		halt_forever();
	}
	for (unsigned i = 2; i < sizeof used / sizeof used[0]; i++)
		if (!free_after_boot_services(go.map, go.map_size, go.dsize, used[i].start, used[i].end))
			halt_forever();
	/* The boot area was reserved: its page tables map the first 4 GiB, this image and the scratch among them. */
	memcpy((void *)LOADER_LX_GPA_BOOT_PARAMS, bp, LOADER_LX_AREA_END - LOADER_LX_GPA_BOOT_PARAMS);
	__asm__ volatile("mov %0, %%cr3" : : "r"(go.entry.cr3) : "memory");
	bios_area_to_dram();
	for (unsigned i = 1; i < 4; i++)
		memcpy((void *)(uintptr_t)used[i].start, go.gm.base + used[i].start, used[i].end - used[i].start);
	if (memcmp((void *)(uintptr_t)ACPI_TABLES_AREA, go.gm.base + ACPI_TABLES_AREA,
	           ACPI_TABLES_AREA_END - ACPI_TABLES_AREA)) {
		say("native: fatal: the ACPI tables do not read back at 0x%llx (not the 440FX's DRAM "
		    "there): Linux would see another platform\n", ACPI_TABLES_AREA);
		halt_forever();
	}
	uint64_t tsc = rdtsc();
	say("native: entering Linux at TSC %lu\n", tsc);
	serial_drain();
	enter(&go.entry);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	serial_init();
	say("native: Hinoki's Linux loader on the bare machine, for the boot benchmark\n");
	/* Before anything else allocates: the ranges the loader writes at fixed addresses. */
	if (reserve(LOADER_LX_GPA_BOOT_PARAMS, LOADER_LX_AREA_END, "the boot area"))
		return fail("the boot area is taken", EFI_OUT_OF_RESOURCES);

	const char *why;
	EFI_FILE_HANDLE root = boot_open_volume(image, &why);
	if (!root)
		return fail(why, EFI_NOT_FOUND);
	struct loaded_file cfg, kernel, ramdisk = { 0 };
	boot_read_file(root, CONFIG_FILE, &cfg);
	if (!cfg.data)
		return fail(cfg.error, EFI_NOT_FOUND);
	if (config_parse(cfg.data, cfg.len, CONFIG_FILE, &config, report_config_error, 0))
		return fail("the config has problems (above)", EFI_INVALID_PARAMETER);
	const struct domain_config *dc = &config.domains[0];
	if (!config.ndomains || !dc->valid)
		return fail("the config's first domain is missing or invalid", EFI_INVALID_PARAMETER);
	boot_read_file(root, dc->kernel, &kernel);
	if (!kernel.data)
		return fail(kernel.error, EFI_NOT_FOUND);
	if (dc->ramdisk[0]) {
		boot_read_file(root, dc->ramdisk, &ramdisk);
		if (!ramdisk.data)
			return fail(ramdisk.error, EFI_NOT_FOUND);
	}
	if (loader_detect(kernel.data, kernel.len) != KERNEL_LINUX_BZIMAGE)
		return fail("the first domain's kernel is not a Linux bzImage", EFI_UNSUPPORTED);

	uint64_t ram = (uint64_t)dc->memory_mib << 20;
	EFI_PHYSICAL_ADDRESS scratch = 0;
	if (EFI_ERROR(BS->AllocatePages(AllocateAnyPages, EfiLoaderData, ram / PAGE, &scratch)))
		return fail("no memory for a scratch copy of the domain's RAM", EFI_OUT_OF_RESOURCES);
	struct guest_mem gm = { (uint8_t *)(uintptr_t)scratch, ram };
	struct load_params lp = {
		.kernel = kernel.data, .kernel_len = kernel.len, .ramdisk = ramdisk.data, .ramdisk_len = ramdisk.len,
		.cmdline = dc->extra, .kernel_name = dc->kernel, .domain_id = 1, .domain_name = dc->name,
		.vcpus = dc->vcpus,
	};
	struct guest_entry entry;
	char err[160];
	if (loader_load(&lp, &gm, &entry, err, sizeof err))
		return fail(err, EFI_LOAD_ERROR);
	if (acpi_tables_build(&gm, dc->vcpus, false))
		return fail("RAM too small for the ACPI tables", EFI_LOAD_ERROR);
	uint8_t *bp = gm.base + entry.rsi;
	uint64_t kernel_start = entry.rip - LINUX_ENTRY64_OFFSET;
	uint64_t initrd = *(uint32_t *)(bp + LINUX_HDR_RAMDISK_IMAGE), initrd_len = ramdisk.len;
	say("native: %s: kernel [0x%lx, 0x%lx), initrd [0x%lx, 0x%lx), %lu MiB, %u vCPU(s), \"%s\"\n",
	    dc->name, kernel_start, entry.kernel_end, initrd, initrd + initrd_len, ram >> 20, dc->vcpus, dc->extra);

	EFI_STATUS st = leave_boot_services(image, &go.map, &go.map_size, &go.dsize);
	if (EFI_ERROR(st))
		return fail("ExitBootServices failed", st);
	go.entry = entry;
	go.gm = gm;
	go.kernel_start = kernel_start;
	go.initrd = initrd;
	go.initrd_len = initrd_len;
	__asm__ volatile("cli\n\tmov %0, %%rsp\n\tcall *%1"
	                 : : "r"(own_stack + sizeof own_stack), "r"(finish) : "memory");
	__builtin_unreachable();
}
