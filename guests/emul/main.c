/*
 * emul: instructions the hypervisor carries out for a guest, checked against
 * what the processor does itself.
 *
 * String port I/O: REP OUTSB and INSB on the UART's scratch register, INSW
 * and INSD on a port nothing claims (all ones), a count beyond one exit's
 * batch, the direction flag, a 32-bit address size (whose register updates
 * are compared with the CPU's own REP MOVSB with the same prefix), and a
 * page fault in the middle of a string (not present, then read-only): the
 * error code, CR2, and the registers counting what was done.
 *
 * MMIO: the local APIC's TPR (with apicv = 0 every access exits) as the
 * memory operand of XCHG, every ALU operation in its memory, register and
 * immediate forms, TEST, NOT, NEG, INC, DEC, IMUL, the bit tests and scans,
 * MOVSX, PUSH and POP, MOVS, STOS, LODS, SCAS and CMPS: each run on the TPR
 * and on a word of RAM with the same inputs, and the results, the
 * registers and the status flags compared. The TPR keeps bits 7:0 of a 32-bit write and
 * ignores narrower writes, which the comparison allows for.
 *
 * wide.c: what needs memory that holds every byte written (the test
 * device's): SSE and MMX moves, SHLD/SHRD, MUL/DIV, CMOVcc, operands
 * across pages, a device stack, branches and segment loads through it.
 *
 * With the word `halt` on its command line it only halts with interrupts
 * disabled, which nothing can end: its domain must be ended after the
 * config's halt_limit_ms. With `devstack-int3` it moves its stack into the
 * test device's memory and takes #BP: the event's delivery writes there,
 * which the hypervisor does not emulate, and its domain must be stopped
 * naming the vector.
 */
#include "check.h"
#include "cmdline.h"
#include "guest.h"
#include "wide.h"

#define TAG "emul: "

#define UART_SCRATCH   0x3ff
#define OPEN_PORT      0x300           /* claimed by no device: reads all ones */
#define BIG_COUNT      3000            /* more elements than one exit carries out */
#define TPR_ADDR       0xfee00080ULL
#define TPR_BITS       0xffu
#define FAULT_REGION   0x1e00000ULL    /* a 2 MiB page of this guest's RAM made absent or read-only */
#define PTE_P          BIT(0)
#define PTE_RW         BIT(1)
#define PTE_ADDR       0x000ffffffffff000ULL
#define PF_W           BIT(1)
#define PF_P           BIT(0)
#define CR0_WP         BIT(16)
#define ARITH_FLAGS    0x8d5UL         /* CF PF AF ZF SF OF */
#define ZF_FLAG        0x40UL
#define CF_FLAG        0x1UL
#define OF_FLAG        0x800UL
#define SZP_FLAGS      0xc4UL          /* SF ZF PF: a shift's result */

static uint8_t buf[BIG_COUNT + 16];

/* ---- string port I/O ------------------------------------------------------------ */

struct str_regs {
	uint64_t rcx, rsi, rdi;
};

#define STRING_OP(name, insn)                                                              \
	static void name(struct str_regs *r, uint16_t port)                                   \
	{                                                                                      \
		__asm__ volatile(insn : "+c"(r->rcx), "+S"(r->rsi), "+D"(r->rdi) : "d"(port) : "memory"); \
	}

STRING_OP(rep_outsb, "rep outsb")
STRING_OP(rep_insb, "rep insb")
STRING_OP(rep_insw_down, "std\n\trep insw\n\tcld")
STRING_OP(insd_once, "insl")
STRING_OP(rep_insb_a32, ".byte 0x67, 0xf3, 0x6c")       /* addr32 rep insb */
STRING_OP(rep_movsb_a32, ".byte 0x67, 0xf3, 0xa4")      /* addr32 rep movsb: the CPU's own answer */

static bool all_bytes(const uint8_t *p, unsigned n, uint8_t want)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i] != want)
			return false;
	return true;
}

static void check_string_io(void)
{
	static const char msg[] = "abc";
	struct str_regs r = { 3, (uintptr_t)msg, 0 };
	rep_outsb(&r, UART_SCRATCH);
	uint8_t last = inb(UART_SCRATCH);
	gprintf(TAG "rep outsb: scratch '%c', rcx %lu, rsi +%lu\n", last, r.rcx, r.rsi - (uintptr_t)msg);
	if (last != 'c' || r.rcx != 0 || r.rsi != (uintptr_t)msg + 3)
		fail("rep outsb of 3 bytes: scratch 0x%x, rcx %lu", last, r.rcx);

	outb(0x5a, UART_SCRATCH);
	memset(buf, 0, sizeof buf);
	r = (struct str_regs){ BIG_COUNT, 0, (uintptr_t)buf };
	rep_insb(&r, UART_SCRATCH);
	bool ok = all_bytes(buf, BIG_COUNT, 0x5a) && buf[BIG_COUNT] == 0;
	gprintf(TAG "rep insb x%u: %s, rcx %lu, rdi +%lu\n", BIG_COUNT, ok ? "filled" : "wrong bytes", r.rcx,
	        r.rdi - (uintptr_t)buf);
	if (!ok || r.rcx != 0 || r.rdi != (uintptr_t)buf + BIG_COUNT)
		fail("rep insb of %u bytes", BIG_COUNT);

	memset(buf, 0, sizeof buf);
	r = (struct str_regs){ 4, 0, (uintptr_t)buf + 8 };
	rep_insw_down(&r, OPEN_PORT);
	ok = all_bytes(buf + 2, 8, 0xff) && buf[0] == 0 && buf[1] == 0 && buf[10] == 0;
	gprintf(TAG "std rep insw x4: %s, rdi back by %ld\n", ok ? "words 8,6,4,2 all ones" : "wrong bytes",
	        (long)((uintptr_t)buf + 8 - r.rdi));
	if (!ok || r.rdi != (uintptr_t)buf || r.rcx != 0)
		fail("rep insw with DF set");

	memset(buf, 0, sizeof buf);
	r = (struct str_regs){ 77, 0, (uintptr_t)buf };
	insd_once(&r, OPEN_PORT);
	ok = all_bytes(buf, 4, 0xff) && buf[4] == 0 && r.rcx == 77 && r.rdi == (uintptr_t)buf + 4;
	gprintf(TAG "insd: %s\n", ok ? "4 bytes, rcx untouched" : "wrong");
	if (!ok)
		fail("insd without rep");

	/* Address size 32: EDI and ECX count, and the CPU's own REP MOVSB says what happens to bits 63:32. */
	uint64_t hi = 0xabcd000000000000ULL;
	struct str_regs cpu = { hi | 2, hi | (uintptr_t)msg, hi | (uintptr_t)buf };
	memset(buf, 0, sizeof buf);
	rep_movsb_a32(&cpu, 0);
	outb(0x33, UART_SCRATCH);
	r = (struct str_regs){ hi | 2, 0, hi | (uintptr_t)(buf + 16) };
	rep_insb_a32(&r, UART_SCRATCH);
	uint64_t want_rdi = cpu.rdi - (uintptr_t)buf + (uintptr_t)(buf + 16);
	gprintf(TAG "addr32 rep insb: rcx 0x%lx rdi %s (cpu's movsb: rcx 0x%lx)\n", r.rcx,
	        r.rdi == want_rdi ? "as the cpu's" : "differs", cpu.rcx);
	if (r.rcx != cpu.rcx || r.rdi != want_rdi || buf[16] != 0x33 || buf[17] != 0x33 || buf[18] != 0)
		fail("addr32 rep insb: rcx 0x%lx rdi 0x%lx, cpu 0x%lx 0x%lx", r.rcx, r.rdi, cpu.rcx, cpu.rdi);
}

/* The page-directory entry mapping va (2 MiB pages, as the boot tables have them). */
volatile uint64_t *pde_of(uint64_t va)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint64_t *pdpt = (uint64_t *)(uintptr_t)(pml4[(va >> 39) & 511] & PTE_ADDR);
	uint64_t *pd = (uint64_t *)(uintptr_t)(pdpt[(va >> 30) & 511] & PTE_ADDR);
	return &pd[(va >> 21) & 511];
}

void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* REP INSB of 5 bytes starting 2 before the region: two land, then the fault. */
static void fault_case(const char *what, uint64_t clear, uint64_t want_code)
{
	volatile uint64_t *pde = pde_of(FAULT_REGION);
	uint64_t saved = *pde;
	uint8_t *start = (uint8_t *)(uintptr_t)(FAULT_REGION - 2);
	start[0] = start[1] = 0;
	*pde = saved & ~clear;
	invlpg(FAULT_REGION);
	outb(0x77, UART_SCRATCH);
	struct str_regs r = { 5, 0, (uintptr_t)start };
	trap_expect(2);   /* rep insb: f3 6c */
	rep_insb(&r, UART_SCRATCH);
	bool took = trap_done();
	uint64_t cr2 = read_cr2();
	*pde = saved;
	invlpg(FAULT_REGION);
	gprintf(TAG "rep insb into %s page: %s error 0x%lx, cr2 %s, rcx %lu, rdi at the page\n", what,
	        took ? trap_name((unsigned)trap_last.vector) : "no fault", took ? trap_last.error_code : 0,
	        cr2 == FAULT_REGION ? "the page" : "elsewhere", r.rcx);
	if (!took || trap_last.vector != VEC_PF || trap_last.error_code != want_code || cr2 != FAULT_REGION ||
	    r.rcx != 3 || r.rdi != FAULT_REGION || start[0] != 0x77 || start[1] != 0x77)
		fail("rep insb into a %s page", what);
}

static void check_string_faults(void)
{
	write_cr0(read_cr0() | CR0_WP);
	fault_case("absent", PTE_P, PF_W);
	fault_case("read-only", PTE_RW, PF_W | PF_P);
}

/* ---- MMIO ---------------------------------------------------------------------- */

static volatile uint32_t *const tpr = (volatile uint32_t *)(uintptr_t)TPR_ADDR;
static volatile uint32_t ram_word;

/* One instruction with a memory operand m and a register r, flags in and out. */
struct alu_case {
	const char *name;
	void (*run)(volatile uint32_t *m, uint64_t *r, uint64_t *flags);
	bool byte_write;   /* writes 8 bits to memory: the TPR drops it */
	uint64_t flags;    /* the status flags it defines, compared */
};

#define ALU_CASE(fn, insn)                                                                  \
	static void fn(volatile uint32_t *m, uint64_t *r, uint64_t *flags)                    \
	{                                                                                      \
		__asm__ volatile("push %[f]\n\tpopfq\n\t" insn "\n\tpushfq\n\tpop %[f]"             \
		                 : [f] "+r"(*flags), [r] "+r"(*r), [m] "+m"(*m) : : "cc", "memory");  \
	}

ALU_CASE(or_m_r, "orl %k[r], %[m]")
ALU_CASE(and_m_imm, "andl $0x3c, %[m]")
ALU_CASE(xor_m_r, "xorl %k[r], %[m]")
ALU_CASE(add_m_imm8, "addl $-3, %[m]")
ALU_CASE(sub_m_r, "subl %k[r], %[m]")
ALU_CASE(adc_m_r, "adcl %k[r], %[m]")
ALU_CASE(sbb_m_imm, "sbbl $0x11, %[m]")
ALU_CASE(cmp_m_r, "cmpl %k[r], %[m]")
ALU_CASE(cmp_r_m, "cmpl %[m], %k[r]")
ALU_CASE(test_m_imm, "testl $0x80, %[m]")
ALU_CASE(test_m_r, "testl %k[r], %[m]")
ALU_CASE(add_r_m, "addl %[m], %k[r]")
ALU_CASE(sbb_r_m, "sbbl %[m], %k[r]")
ALU_CASE(or_r8_m, "orb %[m], %b[r]")
ALU_CASE(addb_m_imm, "addb $0xf0, %[m]")
ALU_CASE(subb_m_r, "subb %b[r], %[m]")
ALU_CASE(lock_or_m_r, "lock orl %k[r], %[m]")
ALU_CASE(xchg_m_r, "xchgl %k[r], %[m]")
ALU_CASE(movsx_b, "movsbl %[m], %k[r]")
ALU_CASE(movsx_w, "movswq %[m], %[r]")
ALU_CASE(not_m, "notl %[m]")
ALU_CASE(neg_m, "negl %[m]")
ALU_CASE(inc_m, "incl %[m]")
ALU_CASE(lock_dec_m, "lock decl %[m]")
ALU_CASE(incb_m, "incb %[m]")
ALU_CASE(bt_m_imm, "btl $7, %[m]")
ALU_CASE(bts_m_imm, "lock btsl $1, %[m]")
ALU_CASE(btr_m_imm, "btrl $2, %[m]")
ALU_CASE(btc_m_imm, "btcl $0x23, %[m]")
ALU_CASE(bsf_r_m, "bsfl %[m], %k[r]")
ALU_CASE(bsr_r_m, "bsrw %w[m], %w[r]")
ALU_CASE(imul_r_m, "imull %[m], %k[r]")
ALU_CASE(imul_r_m_imm, "imull $-77, %[m], %k[r]")
ALU_CASE(popcnt_r_m, "popcntl %[m], %k[r]")
ALU_CASE(tzcnt_r_m, "tzcntl %[m], %k[r]")
ALU_CASE(lzcnt_r_m, "lzcntw %w[m], %w[r]")
ALU_CASE(shl_m_1, "shll %[m]")
ALU_CASE(shr_m_imm, "shrl $3, %[m]")
ALU_CASE(sar_m_imm, "sarl $31, %[m]")
ALU_CASE(rol_m_1, "roll %[m]")
ALU_CASE(rcr_m_imm, "rcrl $5, %[m]")
ALU_CASE(rclb_m_1, "rclb %[m]")

/* The same with the register operand in RCX: a count in CL, 0 and masked ones among them. */
#define ALU_CASE_CL(fn, insn)                                                               \
	static void fn(volatile uint32_t *m, uint64_t *r, uint64_t *flags)                    \
	{                                                                                      \
		__asm__ volatile("push %[f]\n\tpopfq\n\t" insn "\n\tpushfq\n\tpop %[f]"             \
		                 : [f] "+r"(*flags), [r] "+c"(*r), [m] "+m"(*m) : : "cc", "memory");  \
	}
ALU_CASE_CL(shl_m_cl, "shll %%cl, %[m]")
ALU_CASE_CL(sar_m_cl, "sarl %%cl, %[m]")
ALU_CASE_CL(ror_m_cl, "rorl %%cl, %[m]")

/* CMPXCHG with the register operand as the accumulator: equal values store 0x5a, others load the memory. */
static void cmpxchg_m_r(volatile uint32_t *m, uint64_t *r, uint64_t *flags)
{
	__asm__ volatile("push %[f]\n\tpopfq\n\tlock cmpxchgl %[s], %[m]\n\tpushfq\n\tpop %[f]"
	                 : [f] "+r"(*flags), [r] "+a"(*r), [m] "+m"(*m) : [s] "r"(0x5aU) : "cc", "memory");
}

static const struct alu_case alu_cases[] = {
	{ "or [m], r", or_m_r, false, ARITH_FLAGS },
	{ "and [m], imm", and_m_imm, false, ARITH_FLAGS },
	{ "xor [m], r", xor_m_r, false, ARITH_FLAGS },
	{ "add [m], imm8", add_m_imm8, false, ARITH_FLAGS },
	{ "sub [m], r", sub_m_r, false, ARITH_FLAGS },
	{ "adc [m], r", adc_m_r, false, ARITH_FLAGS },
	{ "sbb [m], imm", sbb_m_imm, false, ARITH_FLAGS },
	{ "cmp [m], r", cmp_m_r, false, ARITH_FLAGS },
	{ "cmp r, [m]", cmp_r_m, false, ARITH_FLAGS },
	{ "test [m], imm", test_m_imm, false, ARITH_FLAGS },
	{ "test [m], r", test_m_r, false, ARITH_FLAGS },
	{ "add r, [m]", add_r_m, false, ARITH_FLAGS },
	{ "sbb r, [m]", sbb_r_m, false, ARITH_FLAGS },
	{ "or r8, [m]", or_r8_m, false, ARITH_FLAGS },
	{ "addb [m], imm", addb_m_imm, true, ARITH_FLAGS },
	{ "subb [m], r8", subb_m_r, true, ARITH_FLAGS },
	{ "lock or [m], r", lock_or_m_r, false, ARITH_FLAGS },
	{ "xchg [m], r", xchg_m_r, false, ARITH_FLAGS },
	{ "movsx r32, byte [m]", movsx_b, false, ARITH_FLAGS },
	{ "movsx r64, word [m]", movsx_w, false, ARITH_FLAGS },
	{ "not [m]", not_m, false, ARITH_FLAGS },
	{ "neg [m]", neg_m, false, ARITH_FLAGS },
	{ "inc [m]", inc_m, false, ARITH_FLAGS },
	{ "lock dec [m]", lock_dec_m, false, ARITH_FLAGS },
	{ "incb [m]", incb_m, true, ARITH_FLAGS },
	/* the bit tests define CF and keep ZF; the SDM leaves the others undefined */
	{ "bt [m], 7", bt_m_imm, false, CF_FLAG | ZF_FLAG },
	{ "lock bts [m], 1", bts_m_imm, false, CF_FLAG | ZF_FLAG },
	{ "btr [m], 2", btr_m_imm, false, CF_FLAG | ZF_FLAG },
	{ "btc [m], 35", btc_m_imm, false, CF_FLAG | ZF_FLAG },
	/* the bit scans define ZF; of 0 they leave the register as it was */
	{ "bsf r32, [m]", bsf_r_m, false, ZF_FLAG },
	{ "bsr r16, [m]", bsr_r_m, false, ZF_FLAG },
	/* IMUL defines CF and OF */
	{ "imul r32, [m]", imul_r_m, false, CF_FLAG | OF_FLAG },
	{ "imul r32, [m], imm8", imul_r_m_imm, false, CF_FLAG | OF_FLAG },
	/* POPCNT clears all but ZF; TZCNT and LZCNT define CF and ZF (the model has BMI1 and LZCNT) */
	{ "popcnt r32, [m]", popcnt_r_m, false, ARITH_FLAGS },
	{ "tzcnt r32, [m]", tzcnt_r_m, false, CF_FLAG | ZF_FLAG },
	{ "lzcnt r16, [m]", lzcnt_r_m, false, CF_FLAG | ZF_FLAG },
	/* the shifts define CF, SF, ZF, PF, and OF for a count of 1; the rotates CF, and OF for a count of 1 */
	{ "shl [m], 1", shl_m_1, false, SZP_FLAGS | CF_FLAG | OF_FLAG },
	{ "shr [m], 3", shr_m_imm, false, SZP_FLAGS | CF_FLAG },
	{ "sar [m], 31", sar_m_imm, false, SZP_FLAGS | CF_FLAG },
	{ "rol [m], 1", rol_m_1, false, CF_FLAG | OF_FLAG },
	{ "rcr [m], 5", rcr_m_imm, false, CF_FLAG },
	{ "rcl byte [m], 1", rclb_m_1, true, CF_FLAG | OF_FLAG },
	{ "shl [m], cl", shl_m_cl, false, SZP_FLAGS | CF_FLAG },
	{ "sar [m], cl", sar_m_cl, false, SZP_FLAGS | CF_FLAG },
	{ "ror [m], cl", ror_m_cl, false, CF_FLAG },
	{ "lock cmpxchg [m], r", cmpxchg_m_r, false, ARITH_FLAGS },
};

/* Memory values and register values that reach the carries, the sign and zero. */
static const uint32_t mem_vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xc3, 0xff };
static const uint64_t reg_vals[] = { 0, 1, 0x80, 0xff, 0x1234567f, 0xffffffffffffff01ULL };

static void check_alu(void)
{
	unsigned bad = 0, runs = 0;
	for (unsigned c = 0; c < sizeof alu_cases / sizeof alu_cases[0]; c++) {
		const struct alu_case *k = &alu_cases[c];
		unsigned case_bad = 0;
		for (unsigned i = 0; i < sizeof mem_vals / sizeof mem_vals[0]; i++)
			for (unsigned j = 0; j < sizeof reg_vals / sizeof reg_vals[0]; j++)
				for (unsigned cf = 0; cf < 2; cf++) {
					uint64_t fl_in = 0x2 | cf;   /* the reserved bit 1, CF as asked */
					uint64_t r1 = reg_vals[j], r2 = reg_vals[j], f1 = fl_in, f2 = fl_in;
					ram_word = mem_vals[i];
					*tpr = mem_vals[i];
					k->run(&ram_word, &r1, &f1);
					k->run(tpr, &r2, &f2);
					uint32_t want_mem = k->byte_write ? mem_vals[i] : ram_word & TPR_BITS;
					runs++;
					uint64_t fm = k->flags;
					if ((f1 & fm) != (f2 & fm) || r1 != r2 || (*tpr & ~TPR_BITS) ||
					    *tpr != want_mem) {
						if (case_bad++ == 0)
							fail("%s, m 0x%x r 0x%lx cf %u: ram r 0x%lx flags 0x%lx, tpr r 0x%lx flags 0x%lx "
							     "m 0x%x (want 0x%x)", k->name, mem_vals[i], reg_vals[j], cf, r1,
							     f1 & ARITH_FLAGS, r2, f2 & ARITH_FLAGS, *tpr, want_mem);
					}
				}
		bad += case_bad;
	}
	*tpr = 0;
	gprintf(TAG "mmio alu/xchg/movsx: %u cases, %u runs, %u differ from the cpu\n",
	        (unsigned)(sizeof alu_cases / sizeof alu_cases[0]), runs, bad);
}

static void check_stack_and_strings(void)
{
	/* push word [tpr]; pop word [tpr] (a 16-bit write: the TPR ignores it, RSP still moves) */
	*tpr = 0x5c;
	uint64_t pushed = 0, rsp_before, rsp_after;
	__asm__ volatile("mov %%rsp, %[b]\n\tpushw (%[t])\n\tpopw %w[p]\n\tpushw %w[p]\n\tpopw (%[t])\n\tmov %%rsp, %[a]"
	                 : [p] "+r"(pushed), [b] "=&r"(rsp_before), [a] "=&r"(rsp_after) : [t] "r"(tpr) : "memory");
	gprintf(TAG "push word [tpr]: 0x%lx, pop word [tpr]: rsp %s\n", pushed,
	        rsp_after == rsp_before ? "restored" : "moved");
	if (pushed != 0x5c || rsp_after != rsp_before || *tpr != 0x5c)
		fail("push/pop word [tpr]: pushed 0x%lx, rsp %ld, tpr 0x%x", pushed, (long)(rsp_after - rsp_before), *tpr);

	/* movsl tpr -> ram, ram -> tpr; rep stosl with rcx 1; the registers step as the CPU steps them */
	uint32_t word = 0x42, out = 0;
	uint64_t si = (uintptr_t)tpr, di = (uintptr_t)&out, cx;
	__asm__ volatile("movsl" : "+S"(si), "+D"(di) : : "memory");
	bool ok1 = out == 0x5c && si == TPR_ADDR + 4 && di == (uintptr_t)&out + 4;
	si = (uintptr_t)&word, di = (uintptr_t)tpr;
	__asm__ volatile("movsl" : "+S"(si), "+D"(di) : : "memory");
	bool ok2 = *tpr == 0x42 && di == TPR_ADDR + 4;
	di = (uintptr_t)tpr, cx = 1;
	__asm__ volatile("rep stosl" : "+D"(di), "+c"(cx) : "a"(0x2a) : "memory");
	bool ok3 = *tpr == 0x2a && cx == 0 && di == TPR_ADDR + 4;
	gprintf(TAG "movsl from tpr %s, movsl to tpr %s, rep stosl %s\n", ok1 ? "ok" : "wrong", ok2 ? "ok" : "wrong",
	        ok3 ? "ok" : "wrong");
	if (!ok1 || !ok2 || !ok3)
		fail("movs/stos on the tpr");

	/* lodsl from the tpr (zero-extending into RAX); scasl and repe cmpsl against it, flags as on RAM */
	*tpr = 0x5c;
	uint32_t same = 0x5c;
	uint64_t acc = ~0ULL, f_ram, f_tpr;
	si = (uintptr_t)tpr;
	__asm__ volatile("lodsl" : "+S"(si), "+a"(acc) : : "memory");
	bool ok4 = acc == 0x5c && si == TPR_ADDR + 4;
	di = (uintptr_t)&same;
	__asm__ volatile("scasl\n\tpushfq\n\tpop %[f]" : "+D"(di), [f] "=r"(f_ram) : "a"(0x60) : "cc", "memory");
	di = (uintptr_t)tpr;
	__asm__ volatile("scasl\n\tpushfq\n\tpop %[f]" : "+D"(di), [f] "=r"(f_tpr) : "a"(0x60) : "cc", "memory");
	bool ok5 = (f_ram & ARITH_FLAGS) == (f_tpr & ARITH_FLAGS) && di == TPR_ADDR + 4;
	si = (uintptr_t)&same, di = (uintptr_t)tpr, cx = 1;
	__asm__ volatile("repe cmpsl\n\tpushfq\n\tpop %[f]" : "+S"(si), "+D"(di), "+c"(cx), [f] "=r"(f_tpr)
	                 : : "cc", "memory");
	bool ok6 = (f_tpr & ZF_FLAG) && cx == 0 && si == (uintptr_t)&same + 4 && di == TPR_ADDR + 4;
	gprintf(TAG "lodsl from tpr %s, scasl on tpr %s, repe cmpsl with tpr %s\n", ok4 ? "ok" : "wrong",
	        ok5 ? "ok" : "wrong", ok6 ? "ok" : "wrong");
	if (!ok4 || !ok5 || !ok6)
		fail("lods/scas/cmps on the tpr");
	*tpr = 0;
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	serial_init();
	gprintf(TAG "started\n");
	if (cmdline_has(bi, "halt")) {
		gprintf(TAG "cli; hlt\n");
		__asm__ volatile("cli; hlt");
		gprintf(TAG "STILL RUNNING after cli; hlt\n");
		return 1;
	}
	if (cmdline_has(bi, "devstack-int3")) {
		gprintf(TAG "int3 with the stack in device memory\n");
		__asm__ volatile("mov %0, %%rsp\n\tint3" : : "r"(0xff002000ULL) : "memory");
		gprintf(TAG "STILL RUNNING after int3 with the stack in device memory\n");
		return 1;
	}
	check_string_io();
	check_string_faults();
	check_alu();
	check_stack_and_strings();
	check_wide();
	int code = check_summary(TAG);
	gprintf(TAG "exit code %d\n", code);
	return code;
}
