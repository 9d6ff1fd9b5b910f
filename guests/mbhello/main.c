/*
 * mbhello: an "outside" Multiboot 1 kernel that knows nothing of Hinoki, only
 * COM1, CPUID and port 0xf4. It reports what its boot loader handed over
 * (magic, memory sizes, command line, memory map) and whether VMX shows in
 * CPUID, one "NAME: ..." line each, and returns 0 when all is as a
 * Multiboot loader under a hypervisor should leave it. Then it turns on PAE
 * paging, reads and writes through it and turns it off: a hypervisor must
 * hand a PAE guest the PDPTEs its CR0 write loads. mbaout runs the same code
 * behind an a.out-kludge header; NAME comes from the header file.
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "exit.h"
#include "fmt.h"
#include "io.h"
#include "hw/cr.h"
#include "hw/multiboot.h"
#include "serial.h"

#define CMDLINE_PRINT_MAX 1024
#define MMAP_PRINT_MAX    32

extern const char mb_guest_name[];
extern char __image_start[], __bss_end[];

int mb_main(uint32_t magic, const struct mb_info *mbi);

/* Must be zero at entry: the loader zero-fills bss. */
static volatile uint8_t bss_probe[256];

/* "mbhello: " or "mbaout: ": the same program under two names. */
static char tag[24];
#define TAG tag

static void report_mmap(const struct mb_info *mbi)
{
	uintptr_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
	uint64_t image_start = (uintptr_t)__image_start, image_end = (uintptr_t)__bss_end;
	unsigned count = 0;
	bool covers_image = false;

	while (p + sizeof(struct mb_mmap_entry) <= end) {
		const struct mb_mmap_entry *e = (const void *)p;
		if (count < MMAP_PRINT_MAX)
			gprintf("%s: mmap 0x%llx+0x%llx type %u\n", mb_guest_name,
			        (unsigned long long)e->base_addr, (unsigned long long)e->length, e->type);
		if (e->type == MB_MMAP_AVAILABLE && e->base_addr <= image_start &&
		    e->base_addr + e->length >= image_end)
			covers_image = true;
		count++;
		p += e->size + sizeof e->size;
	}
	gprintf("%s: mmap entries %u\n", mb_guest_name, count);
	if (count == 0)
		fail("memory map is empty");
	else if (!covers_image)
		fail("no available memory-map entry covers the kernel at 0x%llx-0x%llx",
		     (unsigned long long)image_start, (unsigned long long)image_end);
}

/* The first GiB mapped to itself with 2-MiB pages: PDPT entry 0 and its page directory. */
#define PAE_PDE_2M (BIT(0) | BIT(1) | BIT(7))   /* present, writable, page size */
#define PAE_PD_ENTRIES 512
#define PAE_PAGE_SHIFT 21
#define PAE_PROBE_BEFORE 0x5a5a1234u
#define PAE_PROBE_AFTER  0x0600d0aeu
static uint64_t pae_pdpt[4] __attribute__((aligned(32)));
static uint64_t pae_pd[PAE_PD_ENTRIES] __attribute__((aligned(4096)));
static volatile uint32_t pae_probe = PAE_PROBE_BEFORE;

static void check_pae_paging(void)
{
	for (unsigned i = 0; i < PAE_PD_ENTRIES; i++)
		pae_pd[i] = (uint64_t)i << PAE_PAGE_SHIFT | PAE_PDE_2M;
	pae_pdpt[0] = (uintptr_t)pae_pd | PDPTE_P;
	uint32_t cr0, cr4;
	__asm__ volatile("mov %%cr0, %0; mov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
	__asm__ volatile("mov %0, %%cr3" : : "r"((uint32_t)(uintptr_t)pae_pdpt) : "memory");
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (uint32_t)CR4_PAE) : "memory");
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | (uint32_t)CR0_PG) : "memory");
	uint32_t seen = pae_probe, paging;
	pae_probe = PAE_PROBE_AFTER;
	__asm__ volatile("mov %%cr0, %0" : "=r"(paging));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	gprintf("%s: pae paging %s\n", mb_guest_name, (paging & CR0_PG) ? "on" : "OFF");
	if (!(paging & CR0_PG))
		fail("CR0.PG did not stay set under PAE paging");
	if (seen != PAE_PROBE_BEFORE || pae_probe != PAE_PROBE_AFTER)
		fail("PAE paging: read 0x%x, then 0x%x", seen, pae_probe);
}

int mb_main(uint32_t magic, const struct mb_info *mbi)
{
	serial_init();
	gsnprintf(tag, sizeof tag, "%s: ", mb_guest_name);
	if (magic != MB_BOOTLOADER_MAGIC) {
		fail("magic 0x%x, expected 0x%x", magic, MB_BOOTLOADER_MAGIC);
		gprintf("%s: exit code 1\n", mb_guest_name);
		return 1;
	}
	gprintf("%s: magic ok\n", mb_guest_name);
	gprintf("%s: info at %p flags 0x%x\n", mb_guest_name, (const void *)mbi, mbi->flags);

	if (mbi->flags & MB_INFO_MEMORY) {
		gprintf("%s: mem_lower %u KiB mem_upper %u KiB\n", mb_guest_name,
		        mbi->mem_lower, mbi->mem_upper);
		if (mbi->mem_upper == 0)
			fail("mem_upper is 0");
	} else {
		fail("no memory information (flags bit 0)");
	}

	if (mbi->flags & MB_INFO_CMDLINE)
		gprintf("%s: cmdline '%.*s'\n", mb_guest_name, CMDLINE_PRINT_MAX,
		        (const char *)(uintptr_t)mbi->cmdline);
	else
		fail("no command line (flags bit 2)");

	if (mbi->flags & MB_INFO_MEM_MAP)
		report_mmap(mbi);
	else
		fail("no memory map (flags bit 6)");

	bool vmx = cpuid(1, 0).ecx & CPUID_1_ECX_VMX;
	gprintf("%s: vmx %s\n", mb_guest_name, vmx ? "VISIBLE" : "hidden");
	if (vmx)
		fail("VMX visible in CPUID.1:ECX");

	check_pae_paging();

	for (unsigned i = 0; i < sizeof bss_probe; i++) {
		if (bss_probe[i]) {
			fail("bss not zeroed: byte %u is 0x%x", i, bss_probe[i]);
			break;
		}
	}

	int code = check_summary(TAG);
	gprintf("%s: exit code %d\n", mb_guest_name, code);
	return code;
}
