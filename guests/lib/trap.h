/*
 * Exceptions in 64-bit Hinoki guests: an IDT for vectors 0-31 whose handler
 * records each exception. A test that expects one arms the handler with the
 * length of the instruction about to fault; the handler then resumes after
 * it. Any other exception is reported on COM1 and ends the guest through
 * port 0xf4 with TRAP_EXIT_UNEXPECTED, rather than escalating to a triple
 * fault that would say nothing about where it happened.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#if !defined(__x86_64__)
#error "the guest IDT is for 64-bit Hinoki guests"
#endif

/* Architectural exception vectors ("Exception and Interrupt Reference"). */
enum {
	VEC_DE = 0, VEC_DB = 1, VEC_NMI = 2, VEC_BP = 3, VEC_OF = 4, VEC_BR = 5,
	VEC_UD = 6, VEC_NM = 7, VEC_DF = 8, VEC_TS = 10, VEC_NP = 11, VEC_SS = 12,
	VEC_GP = 13, VEC_PF = 14, VEC_MF = 16, VEC_AC = 17, VEC_MC = 18, VEC_XM = 19,
	VEC_VE = 20, VEC_CP = 21,
	TRAP_VECTORS = 32,
};

/* The exit code of a guest stopped by an exception nobody expected. */
#define TRAP_EXIT_UNEXPECTED 0x7e

/* What trap_entry.asm pushes, lowest address first. */
struct trap_frame {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

/* The last exception taken, and how many were taken since trap_expect(). */
struct trap_record {
	uint64_t vector, error_code, rip;
	unsigned count;
};

extern volatile struct trap_record trap_last;

/* Builds the IDT (interrupt gates on the current CS) and loads it. */
void trap_init(void);
/* Point IDT vector at handler: a 64-bit interrupt gate on the current code segment. */
void trap_set_gate(unsigned vector, uintptr_t handler);
/* Point an exception vector (< TRAP_VECTORS) back at this library's handler. */
void trap_reset_gate(unsigned vector);

/*
 * Arms the handler for one exception: it is recorded and the guest resumes
 * insn_len bytes after the faulting RIP. Clears trap_last. One-shot: a
 * second exception is unexpected again.
 */
void trap_expect(unsigned insn_len);

/* Disarms the handler if no exception came; returns whether one did. */
bool trap_done(void);

/* "#GP" and the like, "vector N" for reserved vectors. */
const char *trap_name(unsigned vector);

#endif
