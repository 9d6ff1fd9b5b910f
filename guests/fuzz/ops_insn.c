/*
 * Random instruction bytes. A few bytes are put in the vCPU's code page
 * (CODE_VA: more than 2 GiB away from the image, so that RIP-relative
 * operands miss it), the rest of the page is UD2, and the general registers
 * are set to values of every kind before they run, on the sandbox page
 * tables (env.c: they can write nothing but scratch), with RFLAGS.TF set:
 * each instruction traps (trap.c counts STEP_LIMIT of them down), so a loop
 * ends too. A few encodings are taken out first, replaced by NOPs:
 * - HLT and MWAIT: this guest never halts for good (the hypervisor would
 *   end a domain that halts with interrupts off and no timer);
 * - POPF, IRET, SYSCALL and SYSRET: they can clear TF, and the random code
 *   would then run unwatched;
 * - IN, OUT, INS, OUTS: port I/O has its own operation, which keeps away
 *   from the exit, reset, power-off and console ports;
 * - LGDT, LIDT, LMSW, XSETBV, LLDT, LTR, MOV to CR or DR, WRMSR, VMCALL:
 *   their operations load those with the values the vCPU can survive.
 */
#include "fuzz.h"
#include "hw/cr.h"

#define INSN_BYTES   16
#define STEP_LIMIT   48
#define NOP          0x90
#define UD2_0        0x0f
#define UD2_1        0x0b
#define REGS         16
#define REG_RSP      7

static bool modrm_reg_is(uint8_t modrm, unsigned reg)
{
	return ((modrm >> 3) & 7) == reg;
}

/* Whether the two bytes at b start an instruction the header above takes out. */
static bool banned(const uint8_t *b)
{
	switch (b[0]) {
	case 0xf4:                         /* HLT */
	case 0x9d: case 0xcf:              /* POPF, IRET */
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:
	case 0xec: case 0xed: case 0xee: case 0xef:
	case 0x6c: case 0x6d: case 0x6e: case 0x6f:
		return true;
	case 0x0f:
		switch (b[1]) {
		case 0x05: case 0x07:      /* SYSCALL, SYSRET */
		case 0x22: case 0x23:      /* MOV to CR, DR */
		case 0x30:                 /* WRMSR */
			return true;
		case 0x00:                 /* LLDT, LTR */
			return modrm_reg_is(b[2], 2) || modrm_reg_is(b[2], 3);
		case 0x01:                 /* LGDT, XSETBV, LIDT, LMSW; VMCALL, MWAIT */
			return modrm_reg_is(b[2], 2) || modrm_reg_is(b[2], 3) || modrm_reg_is(b[2], 6) ||
			       b[2] == 0xc1 || b[2] == 0xc9;
		}
	}
	return false;
}

static void fill_code(struct fz_cpu *c, uint8_t *code)
{
	unsigned n = (unsigned)rnd_below(c, INSN_BYTES) + 1;
	for (unsigned i = 0; i < n; i++)
		code[i] = (uint8_t)rnd(c);
	/* Common first bytes more often: prefixes and the two-byte escape. */
	if (rnd_chance(c, 3))
		code[0] = 0x0f;
	for (unsigned i = n; i < 4096; i += 2) {
		code[i] = UD2_0;
		code[i + 1] = UD2_1;
	}
	for (unsigned i = 0; i < n; i++)
		if (banned(&code[i]))
			code[i] = NOP;
}

void fuzz_jump(uint64_t rip, const uint64_t *regs, uint64_t rflags);

void op_insn(struct fz_cpu *c)
{
	fill_code(c, code_page_phys(c->id));
	uint64_t regs[REGS];
	uint64_t scratch = scratch_va(c->id);
	for (unsigned i = 0; i < REGS; i++)
		regs[i] = rnd_chance(c, 3) ? scratch + rnd_below(c, SCRATCH_BYTES) : rnd_value(c);
	if (!rnd_chance(c, 8))
		regs[REG_RSP] = scratch + SCRATCH_BYTES / 2 + rnd_below(c, SCRATCH_BYTES / 4);
	uint64_t rflags = RFLAGS_FIXED | RFLAGS_TF | (rnd(c) & (RFLAGS_ARITH | RFLAGS_DF)) |
	                  (rnd_chance(c, 4) ? RFLAGS_IF : 0);
	c->stepping = STEP_LIMIT;
	fuzz_jump(code_va(c->id), regs, rflags);
}
