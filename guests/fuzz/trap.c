/*
 * What fuzz does with an exception or interrupt (entry.asm calls fuzz_trap
 * on the vCPU's IST stack):
 * - an interrupt or NMI is counted and returned from: operations send
 *   IPIs, arm APIC timers and set IF, and none of that is an error. No EOI
 *   is written: an interrupt left in service only blocks those of its
 *   priority and below, which keeps a periodic timer an operation armed from
 *   becoming a storm of our own;
 * - a #DB while random instructions are single-stepped (op_insn) counts a
 *   step down and resumes them, until none are left;
 * - any other exception during an operation ends it: the frame is rewritten
 *   so that IRETQ returns, on a clean RFLAGS and the kernel's segments, to
 *   fuzz_recover, which returns 1 from fuzz_try; the caller then restores the
 *   environment (env_restore);
 * - an exception outside an operation is a bug of this guest: reported, and
 *   the guest exits with TRAP_EXIT_UNEXPECTED.
 */
#include "fuzz.h"

uint64_t fuzz_trap(struct trap_frame *f, uint64_t cr3);
extern char fuzz_recover[];

static struct fz_cpu *frame_cpu(const struct trap_frame *f)
{
	/* env_enter put the vCPU's struct in the top word of its IST stack. */
	uintptr_t top = ((uintptr_t)f | (IST_STACK_SIZE - 1)) + 1;
	return *(struct fz_cpu **)(top - sizeof(uint64_t));
}

/* Returns the CR3 to return with: the interrupted code's, or the main one for fuzz_recover. */
uint64_t fuzz_trap(struct trap_frame *f, uint64_t cr3)
{
	struct fz_cpu *c = frame_cpu(f);
	uint64_t v = f->vector;

	if (v >= TRAP_VECTORS || v == VEC_NMI) {
		c->irqs++;
		return cr3;
	}
	if (v == VEC_DB && c->in_op && c->stepping && --c->stepping)
		return cr3;
	if (c->in_op) {
		c->faults[v]++;
		c->stepping = 0;
		f->rip = (uintptr_t)fuzz_recover;
		f->rsp = c->jb[6];
		f->rdi = (uintptr_t)c;
		f->cs = KERNEL_CS;
		f->ss = KERNEL_DS;
		f->rflags = RFLAGS_FIXED;
		return env_cr3();
	}
	say(TAG "vcpu %u: unexpected exception %lu (%s) error 0x%lx at rip 0x%lx rsp 0x%lx\n", c->id,
	    v, trap_name((unsigned)v), f->error_code, f->rip, f->rsp);
	say(TAG "exit code %d\n", TRAP_EXIT_UNEXPECTED);
	hc_exit(TRAP_EXIT_UNEXPECTED);
}
