/*
 * fuzz: a guest that throws random operations at the hypervisor (see main.c
 * for the whole picture). This header is what its parts share: the per-vCPU
 * state, the random number generator, the operation categories and the
 * environment (page tables, descriptor tables, exception handling) that
 * lets a vCPU go on after whatever an operation did.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include "guest.h"
#include "hinoki/limits.h"
#include "hw/segment.h"

#define TAG "fuzz: "

/* Operation categories, in the order the summary line names them. */
enum fz_cat {
	CAT_IO, CAT_MMIO, CAT_MSR, CAT_HC, CAT_CPUID, CAT_CR, CAT_DR, CAT_DESC, CAT_INSN,
	CAT_COUNT,
};

#define IST_STACK_SIZE 8192   /* a power of two: the handler finds its vCPU from its stack address */

/*
 * One vCPU's fuzzing state. fuzz_try (entry.asm) keeps the callee-saved
 * registers and RSP in `jb` (offsets used there: keep the first fields as
 * they are); an exception during an operation returns there.
 */
struct fz_cpu {
	uint64_t jb[7];            /* rbx, rbp, r12, r13, r14, r15, rsp */
	volatile uint64_t in_op;   /* 1 while fuzz_try runs an operation */
	volatile uint64_t stepping;/* single steps left for random instructions; 0: not stepping */
	unsigned id;
	uint64_t rng;
	uint64_t ops[CAT_COUNT];
	uint64_t faults[TRAP_VECTORS];   /* exceptions that ended an operation, by vector */
	uint64_t irqs;             /* interrupts and NMIs taken and returned from */
	uint64_t checks_failed;
	bool msr_dirty;            /* an MSR operation wrote: msr_restore has work */
	struct { uint64_t efer, apic_base, pat; } good;   /* as env_enter found them */
};

_Static_assert(__builtin_offsetof(struct fz_cpu, in_op) == 56, "entry.asm's offsets");

extern struct fz_cpu fz_cpus[HINOKI_MAX_VCPUS];
extern unsigned fz_nvcpus;
extern uint64_t fz_ram_bytes;

/* xorshift64*: small, fast, and a stream fixed by its seed. */
static inline uint64_t rnd(struct fz_cpu *c)
{
	uint64_t x = c->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform enough below n (n > 0). */
static inline uint64_t rnd_below(struct fz_cpu *c, uint64_t n)
{
	return rnd(c) % n;
}

static inline bool rnd_chance(struct fz_cpu *c, unsigned one_in)
{
	return rnd_below(c, one_in) == 0;
}

/* A value a register or argument might be: zero, small, all ones, a power of two, or anything. */
uint64_t rnd_value(struct fz_cpu *c);

/*
 * The scratch area operations may write: SCRATCH_PAGES pages mapped at
 * SCRATCH_VA with nothing mapped around them, so that an access that runs
 * off either end takes a #PF. scratch_phys is the same memory's
 * guest-physical address (for hypercall buffers and 32-bit addressing).
 */
#define SCRATCH_VA    0x8000100000ULL   /* 512 GiB and up: beyond a rel32 reach of the image */
#define SCRATCH_PAGES 2
#define SCRATCH_BYTES (SCRATCH_PAGES * 4096ULL)
#define CODE_VA       0x8000200000ULL   /* where random instruction bytes run (one page) */
uint8_t *scratch_phys(unsigned cpu);
uint8_t *code_page_phys(unsigned cpu);
static inline uint64_t scratch_va(unsigned cpu)
{
	return SCRATCH_VA + cpu * 0x10000ULL;
}
static inline uint64_t code_va(unsigned cpu)
{
	return CODE_VA + cpu * 0x10000ULL;
}

/* The environment (env.c). */
void env_init_tables(const struct hinoki_bootinfo *bi);   /* once, on vCPU 0 */
void env_enter(struct fz_cpu *c);                         /* each vCPU: loads it all */
void env_restore(struct fz_cpu *c);                        /* after an operation that may have changed it */
uint64_t env_cr0(void);
uint64_t env_cr3(void);
uint64_t env_cr3_alt(void);                                /* another root mapping the same */
uint64_t env_cr4(void);
void env_gdt_ptr(struct desc_ptr *p);
void env_idt_ptr(struct desc_ptr *p);
uint16_t env_tss_sel(unsigned cpu);
void env_tss_mark_available(unsigned cpu);
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define KERNEL_CS32 0x18
#define GDT_FIXED_ENTRIES 4   /* null, 64-bit code, data, 32-bit code: as the loader's */

/* Runs op(c) with exceptions turned into a return of 1 (entry.asm). */
int fuzz_try(struct fz_cpu *c, void (*op)(struct fz_cpu *c));

/* Printing from several vCPUs: whole lines. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The operations, one per category. */
void op_io(struct fz_cpu *c);
void op_mmio(struct fz_cpu *c);
void op_msr(struct fz_cpu *c);
void op_hc(struct fz_cpu *c);
void op_cpuid(struct fz_cpu *c);
void op_cr(struct fz_cpu *c);
void op_dr(struct fz_cpu *c);
void op_desc(struct fz_cpu *c);
void op_insn(struct fz_cpu *c);

void msr_save(struct fz_cpu *c);
void msr_restore(struct fz_cpu *c);

/* A write to these would end the domain or garble its console: never written. */
bool port_write_forbidden(uint16_t port, unsigned width);

/* The xAPIC page's ICR: keeps INIT and STARTUP away from the domain's own vCPUs. */
uint64_t icr_tame(struct fz_cpu *c, uint64_t icr, bool x2apic);

#endif
