/*
 * mbhello: an "outside" Multiboot 1 kernel that knows nothing of Hinoki, only
 * COM1, CPUID and port 0xf4. It reports what its boot loader handed over
 * (magic, memory sizes, command line, memory map) and whether VMX shows in
 * CPUID, one "NAME: ..." line each, and returns 0 when all is as a
 * Multiboot loader under a hypervisor should leave it. Then it turns on PAE
 * paging, reads and writes through it and turns it off: a hypervisor must
 * hand a PAE guest the PDPTEs its CR0 write loads. Last it tries a hardware
 * task switch, a far JMP and a far CALL to a TSS, which Hinoki refuses with
 * #GP and the TSS's selector (docs/platform.md). mbaout runs the same code
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

/* ---- a hardware task switch, refused with #GP(selector) ----------------------- */

#define DESC_TSS32_AVAIL   0x89ULL     /* present, DPL 0, type 9: an available 32-bit TSS */
#define GATE_INTR32        0x8e        /* present, DPL 0, 32-bit interrupt gate */
#define TSS32_LIMIT        103         /* the smallest 32-bit TSS */
#define VEC_GP             13
#define GDT_SLOTS          16
#define FAR_INDIRECT_LEN   2           /* ff 28 / ff 18: jmp/call far [eax] */
#define STR_(x)            #x
#define STR(x)             STR_(x)

struct __attribute__((packed)) gate32 {
	uint16_t off_lo, sel;
	uint8_t zero, type_attr;
	uint16_t off_hi;
};
struct __attribute__((packed)) table_reg {
	uint16_t limit;
	uint32_t base;
};
struct __attribute__((packed)) far_ptr {
	uint32_t off;
	uint16_t sel;
};

static uint64_t gdt_copy[GDT_SLOTS];
static struct gate32 idt[VEC_GP + 1];
static uint8_t tss[TSS32_LIMIT + 1];
volatile uint32_t gp_code, gp_count;

/* #GP: record the error code and step over the 2-byte indirect far JMP/CALL. */
__asm__(".text\n"
        "gp_handler:\n\t"
        "push %eax\n\t"
        "mov 4(%esp), %eax\n\t"
        "mov %eax, gp_code\n\t"
        "incl gp_count\n\t"
        "addl $" STR(FAR_INDIRECT_LEN) ", 8(%esp)\n\t"
        "pop %eax\n\t"
        "add $4, %esp\n\t"
        "iret\n");
extern char gp_handler[];

static void check_task_switch(void)
{
	struct table_reg gdtr, old_idtr;
	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(old_idtr));
	unsigned n = (gdtr.limit + 1u) / 8;
	if (n >= GDT_SLOTS) {
		fail("GDT of %u entries: no room for a TSS", n);
		return;
	}
	__builtin_memcpy(gdt_copy, (const void *)(uintptr_t)gdtr.base, n * 8);
	uint32_t base = (uint32_t)(uintptr_t)tss;
	gdt_copy[n] = TSS32_LIMIT | (uint64_t)(base & 0xffffff) << 16 | DESC_TSS32_AVAIL << 40 |
	              (uint64_t)(base >> 24) << 56;
	uint16_t cs, sel = (uint16_t)(n * 8);
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	uint32_t handler = (uint32_t)(uintptr_t)gp_handler;
	idt[VEC_GP] = (struct gate32){ (uint16_t)handler, cs, 0, GATE_INTR32, (uint16_t)(handler >> 16) };
	struct table_reg new_gdtr = { (uint16_t)((n + 1) * 8 - 1), (uint32_t)(uintptr_t)gdt_copy };
	struct table_reg new_idtr = { sizeof idt - 1, (uint32_t)(uintptr_t)idt };
	struct far_ptr target = { 0, sel };
	__asm__ volatile("lgdt %0; lidt %1" : : "m"(new_gdtr), "m"(new_idtr));
	__asm__ volatile("ljmp *(%0)" : : "a"(&target) : "memory");
	uint32_t jmp_code = gp_code, jmp_count = gp_count;
	__asm__ volatile("lcall *(%0)" : : "a"(&target) : "memory");
	__asm__ volatile("lidt %0; lgdt %1" : : "m"(old_idtr), "m"(gdtr));
	gprintf("%s: far jmp to a TSS: #GP(0x%x) x%u, far call: #GP(0x%x) x%u\n", mb_guest_name, jmp_code,
	        jmp_count, gp_code, gp_count - jmp_count);
	if (jmp_count != 1 || jmp_code != sel || gp_count != 2 || gp_code != sel)
		fail("task switch to TSS selector 0x%x not refused with #GP(selector)", sel);
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
	check_task_switch();

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
