/*
 * The environment fuzz builds for itself, so that a wild operation meets a
 * fault it can handle instead of ending the domain:
 * - page tables of its own (one set, two roots) mapping only its RAM, its
 *   device pages (local APIC, I/O APIC; the VGA window lies inside the RAM
 *   range and stays mapped, so stray accesses reach that MMIO range too) and
 *   the scratch and code windows (fuzz.h). A random address takes a #PF in
 *   the guest, where the loader's identity map of 4 GiB would have had it
 *   touch guest-physical memory that does not exist and the domain stopped
 *   by an EPT violation. Page 0 is left out (a null pointer faults); the
 *   image's code and the page tables are read-only, with CR0.WP set, so a
 *   stray write cannot change them;
 * - a sandbox root for random instruction bytes (op_insn), in which all of
 *   RAM is read-only but the exception stacks and the vCPUs' scratch pages,
 *   and no device page is mapped but the VGA window: whatever address the
 *   bytes make up, they cannot change this guest's code, data or stacks, nor
 *   send an INIT through the local APIC. The exception entry (entry.asm)
 *   switches to the main root before it runs any C and back on return;
 * - a GDT with a 64-bit TSS per vCPU, and an IDT whose 256 gates all use an
 *   IST stack (IST2 for NMI, which may come while a handler runs, IST1 for
 *   the rest): the CPU switches to the vCPU's own exception stack whatever
 *   RSP an operation left.
 * env_restore puts all of it back after an operation that may have changed
 * it or ended in an exception.
 */
#include "fuzz.h"
#include "hw/apic.h"
#include "hw/dr.h"
#include "hw/ioapic.h"
#include "hw/paging.h"
#include "hw/segment.h"
#include "hw/vga.h"

#define PAGE_SIZE      4096ULL
#define PT_ENTRIES     512
#define POOL_PAGES     64     /* page tables: two roots over 32 MiB of RAM, the devices and the windows */
#define MAX_RAM        (32ULL << 20)
#define LEVEL_SHIFT(l) (12 + 9 * (l))   /* l = 3: PML4, 0: page table */

static uint64_t pool[POOL_PAGES][PT_ENTRIES] __attribute__((aligned(4096)));
static unsigned pool_used;
static uint64_t *root, *root_alt, *root_sandbox;
uint64_t fz_main_cr3, fz_sandbox_cr3;   /* for entry.asm */

static uint8_t scratch_mem[HINOKI_MAX_VCPUS][SCRATCH_PAGES][PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t code_mem[HINOKI_MAX_VCPUS][PAGE_SIZE] __attribute__((aligned(4096)));
/* IST1 for all but NMI, IST2 for NMI: an NMI in a handler must not reuse its stack. */
#define IST_COUNT 2
static uint8_t ist_stacks[HINOKI_MAX_VCPUS][IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(IST_STACK_SIZE)));

static uint64_t gdt[GDT_FIXED_ENTRIES + 2 * HINOKI_MAX_VCPUS] __attribute__((aligned(16)));
static struct tss64 tss[HINOKI_MAX_VCPUS] __attribute__((aligned(128)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint64_t good_cr0, good_cr4;

extern const uint64_t fz_stubs[256];
extern char __image_start[], __data_start[];

uint8_t *scratch_phys(unsigned cpu) { return scratch_mem[cpu][0]; }
uint8_t *code_page_phys(unsigned cpu) { return code_mem[cpu]; }
uint64_t env_cr0(void) { return good_cr0; }
uint64_t env_cr3(void) { return (uintptr_t)root; }
uint64_t env_cr3_alt(void) { return (uintptr_t)root_alt; }
uint64_t env_cr4(void) { return good_cr4; }
uint16_t env_tss_sel(unsigned cpu) { return (uint16_t)((GDT_FIXED_ENTRIES + 2 * cpu) * 8); }

void env_gdt_ptr(struct desc_ptr *p)
{
	p->limit = sizeof gdt - 1;
	p->base = (uintptr_t)gdt;
}

void env_idt_ptr(struct desc_ptr *p)
{
	p->limit = sizeof idt - 1;
	p->base = (uintptr_t)idt;
}

static uint64_t *pt_alloc(void)
{
	if (pool_used == POOL_PAGES) {
		say(TAG "CHECK FAILED: page-table pool exhausted\n");
		hc_exit(1);
	}
	return pool[pool_used++];
}

static void map_page(uint64_t *t, uint64_t va, uint64_t pa, uint64_t flags)
{
	for (int l = 3; l > 0; l--) {
		uint64_t *e = &t[(va >> LEVEL_SHIFT(l)) % PT_ENTRIES];
		if (!(*e & X86_PTE_P))
			*e = (uintptr_t)pt_alloc() | X86_PTE_P | X86_PTE_RW;
		t = (uint64_t *)(uintptr_t)(*e & X86_PTE_ADDR_MASK);
	}
	t[(va >> LEVEL_SHIFT(0)) % PT_ENTRIES] = pa | flags | X86_PTE_P;
}

static bool read_only(uint64_t pa)
{
	return (pa >= (uintptr_t)__image_start && pa < (uintptr_t)__data_start) ||
	       (pa >= (uintptr_t)pool && pa < (uintptr_t)(pool + POOL_PAGES));
}

static bool in_range(uint64_t pa, const void *start, size_t len)
{
	return pa >= (uintptr_t)start && pa < (uintptr_t)start + len;
}

void env_init_tables(const struct hinoki_bootinfo *bi)
{
	uint64_t ram = bi->mem_bytes < MAX_RAM ? bi->mem_bytes : MAX_RAM;
	root = pt_alloc();
	root_sandbox = pt_alloc();
	for (uint64_t pa = PAGE_SIZE; pa < ram; pa += PAGE_SIZE) {
		map_page(root, pa, pa, read_only(pa) ? 0 : X86_PTE_RW);
		bool sandbox_rw = in_range(pa, ist_stacks, sizeof ist_stacks) ||
		                  (pa >= VGA_WINDOW_BASE && pa < VGA_WINDOW_BASE + VGA_WINDOW_SIZE);
		map_page(root_sandbox, pa, pa, sandbox_rw ? X86_PTE_RW : 0);
	}
	map_page(root, APIC_DEFAULT_PHYS_BASE, APIC_DEFAULT_PHYS_BASE, X86_PTE_RW);
	map_page(root, IOAPIC_DEFAULT_BASE, IOAPIC_DEFAULT_BASE, X86_PTE_RW);
	for (unsigned cpu = 0; cpu < fz_nvcpus; cpu++) {
		for (unsigned i = 0; i < SCRATCH_PAGES; i++) {
			map_page(root, scratch_va(cpu) + i * PAGE_SIZE, (uintptr_t)scratch_mem[cpu][i], X86_PTE_RW);
			map_page(root_sandbox, scratch_va(cpu) + i * PAGE_SIZE, (uintptr_t)scratch_mem[cpu][i],
			         X86_PTE_RW);
		}
		map_page(root, code_va(cpu), (uintptr_t)code_mem[cpu], X86_PTE_RW);
		map_page(root_sandbox, code_va(cpu), (uintptr_t)code_mem[cpu], 0);
	}
	/* The second root shares every lower table: a CR3 load that changes nothing but the root. */
	root_alt = pt_alloc();
	memcpy(root_alt, root, PAGE_SIZE);
	fz_main_cr3 = (uintptr_t)root;
	fz_sandbox_cr3 = (uintptr_t)root_sandbox;

	/* The loader's descriptors (docs/boot-protocol.md), flat with a 4 GiB limit. */
	const uint64_t flat = 0xffff | 0xfULL << 48 | DESC_S | DESC_P | DESC_G;
	gdt[KERNEL_CS / 8] = flat | DESC_TYPE(SEG_TYPE_CODE_XR_A) | DESC_L;
	gdt[KERNEL_DS / 8] = flat | DESC_TYPE(SEG_TYPE_DATA_RW_A) | DESC_DB;
	gdt[KERNEL_CS32 / 8] = flat | DESC_TYPE(SEG_TYPE_CODE_XR_A) | DESC_DB;
	for (unsigned v = 0; v < 256; v++) {
		uint64_t h = fz_stubs[v];
		idt[v] = (struct idt_gate){
			.offset_lo = (uint16_t)h, .selector = KERNEL_CS, .ist = v == VEC_NMI ? 2 : 1,
			.type_attr = IDT_GATE_INTR64,
			.offset_mid = (uint16_t)(h >> 16), .offset_hi = (uint32_t)(h >> 32),
		};
	}
	good_cr0 = read_cr0() | CR0_WP;
	good_cr4 = read_cr4();
}

void env_tss_mark_available(unsigned cpu)
{
	uint64_t base = (uintptr_t)&tss[cpu];
	gdt[GDT_FIXED_ENTRIES + 2 * cpu] = (sizeof(struct tss64) - 1) | (base & 0xffffff) << 16 |
		DESC_TYPE(SEG_TYPE_TSS64_AVAIL) | DESC_P | ((base >> 24) & 0xff) << 56;
	gdt[GDT_FIXED_ENTRIES + 2 * cpu + 1] = base >> 32;
}

void env_restore(struct fz_cpu *c)
{
	struct desc_ptr g, i;
	env_gdt_ptr(&g);
	env_idt_ptr(&i);
	env_tss_mark_available(c->id);
	__asm__ volatile("lgdt %0\n\t"
	                 "mov %1, %%ds\n\tmov %1, %%es\n\tmov %1, %%ss\n\tmov %1, %%fs\n\tmov %1, %%gs\n\t"
	                 "lldt %w2\n\t"
	                 "ltr %w3\n\t"
	                 "lidt %4"
	                 : : "m"(g), "r"(KERNEL_DS), "r"(0), "r"(env_tss_sel(c->id)), "m"(i) : "memory");
	write_cr0(good_cr0);
	write_cr4(good_cr4);
	write_cr3(env_cr3());
	__asm__ volatile("mov %0, %%cr8" : : "r"(0ULL));
	__asm__ volatile("mov %0, %%db7" : : "r"((uint64_t)DR7_RESET));
	if (c->msr_dirty)
		msr_restore(c);
}

void env_enter(struct fz_cpu *c)
{
	for (unsigned i = 0; i < IST_COUNT; i++) {
		uint8_t *stack_top = ist_stacks[c->id][i] + IST_STACK_SIZE;
		*(struct fz_cpu **)(stack_top - sizeof(uint64_t)) = c;
		tss[c->id].ist[i] = (uintptr_t)(stack_top - 16);
	}
	tss[c->id].rsp[0] = tss[c->id].ist[0];
	tss[c->id].iomap_base = sizeof(struct tss64);   /* no I/O bitmap */
	msr_save(c);
	env_restore(c);
}
