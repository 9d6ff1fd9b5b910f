/* Host CPU exceptions: any fault in the hypervisor is fatal and fully reported; host NMIs are counted. */
#ifndef CPU_TRAP_H
#define CPU_TRAP_H

#include <stdint.h>

/* Register frame built by cpu/trap_entry.asm; the layout is fixed by that file's pushes. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

#define TRAP_FIRST_IRQ 32

uint64_t trap_entry_address(unsigned vector);
/* NMIs are counted; other exceptions (vectors below 32) are fatal; interrupts go to irq_handle() and return. */
void trap_dispatch(struct trap_frame *f);
/* Log this CPU's host NMIs not logged yet, if any; `during`: the domain whose run one ended, or NULL. */
void trap_report_nmis(const char *during);

#endif
