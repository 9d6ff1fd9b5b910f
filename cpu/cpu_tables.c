/*
 * The host's own descriptor tables: after ExitBootServices nothing of the
 * firmware's may be trusted, and VM exits need a real TSS selector in the
 * host-state area (the firmware runs with TR = 0). One IDT serves every CPU;
 * GDT and TSS are per CPU, inside struct pcpu.
 */
#include "cpu/pcpu.h"
#include "cpu/trap.h"
#include "hw/msr.h"
#include "lib/string.h"
#include "lib/x86.h"

#define IDT_VECTORS 256

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));

static uint64_t code_desc(void) { return DESC_P | DESC_S | DESC_L | DESC_TYPE(SEG_TYPE_CODE_XR_A); }
static uint64_t data_desc(void) { return DESC_P | DESC_S | DESC_DB | DESC_G | DESC_TYPE(SEG_TYPE_DATA_RW_A) | 0xffff | (0xfULL << 48); }

static void set_tss_desc(uint64_t *gdt, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)(uintptr_t)tss, limit = sizeof *tss - 1;
	gdt[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | DESC_TYPE(SEG_TYPE_TSS64_AVAIL) | DESC_P |
	         (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[1] = base >> 32;
}

static void set_gate(unsigned vec, uint64_t handler, unsigned ist)
{
	struct idt_gate *g = &idt[vec];
	g->offset_lo = handler & 0xffff;
	g->selector = SEL_CODE64;
	g->ist = (uint8_t)ist;
	g->type_attr = IDT_GATE_INTR64;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_hi = (uint32_t)(handler >> 32);
	g->reserved = 0;
}

static void idt_build(void)
{
	for (unsigned v = 0; v < IDT_VECTORS; v++) {
		unsigned ist = v == 2 ? IST_NMI : v == 8 ? IST_DF : v == 18 ? IST_MC : 0;
		set_gate(v, trap_entry_address(v), ist);
	}
}

void pcpu_init_tables(struct pcpu *cpu, uint32_t id)
{
	cpu->self = cpu;
	cpu->id = id;
	memset(cpu->gdt, 0, sizeof cpu->gdt);
	cpu->gdt[GDT_CODE64] = code_desc();
	cpu->gdt[GDT_DATA] = data_desc();
	memset(&cpu->tss, 0, sizeof cpu->tss);
	cpu->tss.rsp[0] = (uint64_t)(uintptr_t)(cpu->stack + HOST_STACK_SIZE);
	for (unsigned i = 0; i < 3; i++)
		cpu->tss.ist[i] = (uint64_t)(uintptr_t)(cpu->ist_stack[i] + IST_STACK_SIZE);
	cpu->tss.iomap_base = sizeof cpu->tss;   /* no I/O permission bitmap */
	set_tss_desc(&cpu->gdt[GDT_TSS], &cpu->tss);

	if (id == 0)
		idt_build();

	struct desc_ptr gdtr = { sizeof cpu->gdt - 1, (uint64_t)(uintptr_t)cpu->gdt };
	struct desc_ptr idtr = { sizeof idt - 1, (uint64_t)(uintptr_t)idt };
	/* Reload CS with a far return: there is no direct far jump in 64-bit mode. */
	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		"ltr %w3\n\t"
		"lidt %4\n\t"
		:: "m"(gdtr), "i"((uint64_t)SEL_CODE64), "r"((uint32_t)SEL_DATA), "r"((uint32_t)SEL_TSS), "m"(idtr)
		: "rax", "memory");
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)(uintptr_t)cpu);
	wrmsr(MSR_IA32_FS_BASE, 0);
}

void pcpu_run_on_stack(struct pcpu *cpu, void (*fn)(struct pcpu *, void *), void *arg)
{
	__asm__ volatile(
		"movq %0, %%rsp\n\t"
		"xorl %%ebp, %%ebp\n\t"
		"call *%1\n\t"
		"ud2\n\t"
		:: "r"(cpu->stack + HOST_STACK_SIZE), "r"(fn), "D"(cpu), "S"(arg) : "memory");
	__builtin_unreachable();
}
