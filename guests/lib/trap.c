/*
 * The guest IDT and the C half of exception handling (the stubs are in
 * trap_entry.asm). Gates are 64-bit interrupt gates on the code segment the
 * guest runs on, with no IST: a guest at CPL 0 needs no TSS for them.
 */
#include <stddef.h>

#include "exit.h"
#include "hw/segment.h"
#include "fmt.h"
#include "trap.h"

_Static_assert(offsetof(struct trap_frame, vector) == 15 * 8, "trap_entry.asm pushes 15 registers");
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_entry.asm frame size");

#define IDT_ENTRIES 256   /* exceptions here, interrupt gates added by irq.c */

extern const uint64_t trap_stubs[TRAP_VECTORS];

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));
static volatile unsigned resume_len;   /* 0: not armed */

volatile struct trap_record trap_last;

static const char *const names[TRAP_VECTORS] = {
	[VEC_DE] = "#DE", [VEC_DB] = "#DB", [VEC_NMI] = "NMI", [VEC_BP] = "#BP",
	[VEC_OF] = "#OF", [VEC_BR] = "#BR", [VEC_UD] = "#UD", [VEC_NM] = "#NM",
	[VEC_DF] = "#DF", [VEC_TS] = "#TS", [VEC_NP] = "#NP", [VEC_SS] = "#SS",
	[VEC_GP] = "#GP", [VEC_PF] = "#PF", [VEC_MF] = "#MF", [VEC_AC] = "#AC",
	[VEC_MC] = "#MC", [VEC_XM] = "#XM", [VEC_VE] = "#VE", [VEC_CP] = "#CP",
};

const char *trap_name(unsigned vector)
{
	if (vector < TRAP_VECTORS && names[vector])
		return names[vector];
	return "reserved vector";
}

void trap_set_gate(unsigned vector, uintptr_t handler)
{
	uint16_t cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	idt[vector] = (struct idt_gate){
		.offset_lo = (uint16_t)handler,
		.selector = cs,
		.type_attr = IDT_GATE_INTR64,   /* IF cleared on entry */
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_hi = (uint32_t)(handler >> 32),
	};
}

void trap_reset_gate(unsigned vector)
{
	trap_set_gate(vector, trap_stubs[vector]);
}

void trap_init(void)
{
	for (unsigned v = 0; v < TRAP_VECTORS; v++)
		trap_reset_gate(v);
	struct desc_ptr p = { .limit = sizeof idt - 1, .base = (uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p) : "memory");
}

void trap_expect(unsigned insn_len)
{
	trap_last.vector = trap_last.error_code = trap_last.rip = 0;
	trap_last.count = 0;
	resume_len = insn_len;
}

bool trap_done(void)
{
	resume_len = 0;
	return trap_last.count != 0;
}

/* Called by trap_entry.asm only, hence declared here rather than in trap.h. */
void trap_dispatch(struct trap_frame *f);

void trap_dispatch(struct trap_frame *f)
{
	trap_last.vector = f->vector;
	trap_last.error_code = f->error_code;
	trap_last.rip = f->rip;
	trap_last.count++;

	unsigned len = resume_len;
	if (len) {
		resume_len = 0;
		f->rip += len;
		return;
	}
	gprintf("trap: unexpected exception %lu (%s) error 0x%lx at rip 0x%lx rsp 0x%lx\n",
	        f->vector, trap_name((unsigned)f->vector), f->error_code, f->rip, f->rsp);
	gprintf("trap: rax %lx rbx %lx rcx %lx rdx %lx rsi %lx rdi %lx\n",
	        f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi);
	guest_exit(TRAP_EXIT_UNEXPECTED);
}
