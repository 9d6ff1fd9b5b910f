/*
 * emul, on the test device's memory (testdev = 1: 64 KiB at 0xff000000,
 * which reads back what was written). Every access to it is carried out by
 * the hypervisor; RAM or the CPU's own result gives the expected values:
 * the SSE moves between an XMM register and device memory; SHLD and SHRD;
 * operands that run from one page onto the next, the pages apart in
 * guest-physical memory (device and device, RAM and device); string port
 * I/O into and out of device memory across a page; a stack in device
 * memory (PUSH, POP, RET, ENTER, LEAVE, a CALL through RAM); MUL and DIV
 * (with #DE), CMOVcc and MMX MOVQ; near JMP and CALL, and far JMP, through
 * device memory; SETcc to it; MOV to DS and SS from it (with the #GP of bad selectors);
 * LTR with its selector there (and the #GP of a null selector and of a
 * descriptor that is not a TSS).
 */
#include "check.h"
#include "cpu.h"
#include "guest.h"
#include "trap.h"
#include "wide.h"

#define TAG "emul: "

#define DEV          0xff000000ULL    /* the test device's memory */
#define DEV_PAGE     0x1000ULL
#define UART_SCRATCH 0x3ff
#define DESC_BUSY    (1ULL << 41)
#define DESC_TYPE(d) (((d) >> 40) & 0xf)
#define TSS64_AVAIL  0x9ULL
#define TSS64_BUSY   0xbULL
#define LTR_LEN      3                /* ltr (%rax): 0f 00 18 */

static volatile uint8_t *const dev = (volatile uint8_t *)(uintptr_t)DEV;

static void dev_fill(uint64_t off, unsigned n, uint8_t seed)
{
	for (unsigned i = 0; i < n; i++)
		dev[off + i] = (uint8_t)(seed + 7 * i);
}

static bool dev_equals(uint64_t off, const uint8_t *want, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (dev[off + i] != want[i])
			return false;
	return true;
}

/* ---- SSE moves --------------------------------------------------------------------- */

/* An SSE store: XMM1 (loaded from RAM by the CPU) to the device. */
#define SSE_STORE(fn, insn)                                                                  \
	static void fn(volatile void *m, const void *src)                                    \
	{                                                                                    \
		__asm__ volatile("movdqu (%1), %%xmm1\n\t" insn " %%xmm1, (%0)" : : "r"(m), "r"(src) : "memory"); \
	}
/* An SSE load: the device into XMM2, which held all ones, then XMM2 to RAM by the CPU. */
#define SSE_LOAD(fn, insn)                                                                   \
	static void fn(volatile void *m, void *dst)                                          \
	{                                                                                    \
		__asm__ volatile("pcmpeqd %%xmm2, %%xmm2\n\t" insn " (%0), %%xmm2\n\tmovdqu %%xmm2, (%1)"        \
		                 : : "r"(m), "r"(dst) : "memory");                                \
	}

SSE_STORE(st_movups, "movups")
SSE_STORE(st_movupd, "movupd")
SSE_STORE(st_movaps, "movaps")
SSE_STORE(st_movapd, "movapd")
SSE_STORE(st_movdqu, "movdqu")
SSE_STORE(st_movdqa, "movdqa")
SSE_STORE(st_movntps, "movntps")
SSE_STORE(st_movntdq, "movntdq")
SSE_STORE(st_movss, "movss")
SSE_STORE(st_movsd, "movsd")
SSE_STORE(st_movd, "movd")
SSE_STORE(st_movq, "movq")
SSE_LOAD(ld_movups, "movups")
SSE_LOAD(ld_movapd, "movapd")
SSE_LOAD(ld_movdqu, "movdqu")
SSE_LOAD(ld_movdqa, "movdqa")
SSE_LOAD(ld_movss, "movss")
SSE_LOAD(ld_movsd, "movsd")
SSE_LOAD(ld_movd, "movd")
SSE_LOAD(ld_movq, "movq")

struct sse_case {
	const char *name;
	void (*store)(volatile void *m, const void *src);
	void (*load)(volatile void *m, void *dst);
	unsigned bytes;   /* moved; a load clears the register's other bytes */
};

static const struct sse_case sse_cases[] = {
	{ "movups store", st_movups, 0, 16 }, { "movupd store", st_movupd, 0, 16 },
	{ "movaps store", st_movaps, 0, 16 }, { "movapd store", st_movapd, 0, 16 },
	{ "movdqu store", st_movdqu, 0, 16 }, { "movdqa store", st_movdqa, 0, 16 },
	{ "movntps store", st_movntps, 0, 16 }, { "movntdq store", st_movntdq, 0, 16 },
	{ "movss store", st_movss, 0, 4 }, { "movsd store", st_movsd, 0, 8 },
	{ "movd store", st_movd, 0, 4 }, { "movq store", st_movq, 0, 8 },
	{ "movups load", 0, ld_movups, 16 }, { "movapd load", 0, ld_movapd, 16 },
	{ "movdqu load", 0, ld_movdqu, 16 }, { "movdqa load", 0, ld_movdqa, 16 },
	{ "movss load", 0, ld_movss, 4 }, { "movsd load", 0, ld_movsd, 8 },
	{ "movd load", 0, ld_movd, 4 }, { "movq load", 0, ld_movq, 8 },
};

#define SSE_OFF 0x100   /* 16-byte aligned, for the aligned forms */

static bool sse_case_ok(const struct sse_case *k)
{
	uint8_t pattern[16], got[16], want[16];
	for (unsigned i = 0; i < 16; i++)
		pattern[i] = (uint8_t)(0x31 + 13 * i);
	dev_fill(SSE_OFF, 32, 0xa0);
	if (k->store) {
		k->store(dev + SSE_OFF, pattern);
		/* the moved bytes, then the device's own bytes untouched */
		for (unsigned i = 0; i < 16; i++)
			want[i] = i < k->bytes ? pattern[i] : (uint8_t)(0xa0 + 7 * i);
		return dev_equals(SSE_OFF, want, 16) && dev[SSE_OFF + 16] == (uint8_t)(0xa0 + 7 * 16);
	}
	k->load(dev + SSE_OFF, got);
	for (unsigned i = 0; i < 16; i++)
		want[i] = i < k->bytes ? (uint8_t)(0xa0 + 7 * i) : 0;
	for (unsigned i = 0; i < 16; i++)
		if (got[i] != want[i])
			return false;
	return true;
}

static void check_sse(void)
{
	unsigned n = sizeof sse_cases / sizeof sse_cases[0], bad = 0;
	sse_enable();
	for (unsigned c = 0; c < n; c++)
		if (!sse_case_ok(&sse_cases[c])) {
			bad++;
			fail("%s on device memory", sse_cases[c].name);
		}
	gprintf(TAG "sse moves on device memory: %u cases, %u wrong\n", n, bad);
}

/* ---- SHLD and SHRD ------------------------------------------------------------------- */

static void check_shift_double(void)
{
	volatile uint32_t *m = (volatile uint32_t *)(uintptr_t)(DEV + 0x200);
	uint32_t ram = 0x12345678;
	uint64_t f_ram, f_dev, fm = 0x8c5;   /* CF PF ZF SF, OF: the count of 1 defines it */
	*m = 0x12345678;
	__asm__ volatile("shldl $1, %k[r], %[m]\n\tpushfq\n\tpop %[f]" : [m] "+m"(ram), [f] "=r"(f_ram)
	                 : [r] "r"(0x80000000u) : "cc");
	__asm__ volatile("shldl $1, %k[r], %[m]\n\tpushfq\n\tpop %[f]" : [m] "+m"(*m), [f] "=r"(f_dev)
	                 : [r] "r"(0x80000000u) : "cc");
	bool ok1 = *m == ram && (f_ram & fm) == (f_dev & fm);
	ram = *m = 0x12345678;
	__asm__ volatile("shrdw %%cl, %w[r], %[m]\n\tpushfq\n\tpop %[f]" : [m] "+m"(ram), [f] "=r"(f_ram)
	                 : [r] "r"(0xabcdu), "c"(5) : "cc");
	__asm__ volatile("shrdw %%cl, %w[r], %[m]\n\tpushfq\n\tpop %[f]" : [m] "+m"(*m), [f] "=r"(f_dev)
	                 : [r] "r"(0xabcdu), "c"(5) : "cc");
	fm &= ~0x800UL;   /* OF: undefined for a count above 1 */
	bool ok2 = *m == ram && (f_ram & fm) == (f_dev & fm);
	gprintf(TAG "shld [dev], 1 %s, shrd word [dev], cl %s\n", ok1 ? "ok" : "wrong", ok2 ? "ok" : "wrong");
	if (!ok1 || !ok2)
		fail("shld/shrd on device memory: 0x%x, want 0x%x", *m, ram);
}

/* ---- operands across pages ------------------------------------------------------------ */

/*
 * A 2 MiB region remapped with 4 KiB pages, so that neighbouring linear
 * pages are not neighbours in guest-physical memory: the second part of an
 * operand must be translated on its own.
 */
#define ALIAS        0xfe000000ULL
#define PTE_P_RW     0x3ULL
static uint64_t alias_pt[512] __attribute__((aligned(4096)));
static uint8_t ram_page[4096] __attribute__((aligned(4096)));
/* Linear page i of the region maps: */
static const uint64_t alias_map[] = { DEV, DEV + 0x3000, 0 /* ram_page */, DEV + 0x4000 };

static void alias_setup(void)
{
	for (unsigned i = 0; i < sizeof alias_map / sizeof alias_map[0]; i++)
		alias_pt[i] = (alias_map[i] ? alias_map[i] : (uintptr_t)ram_page) | PTE_P_RW;
	*pde_of(ALIAS) = (uintptr_t)alias_pt | PTE_P_RW;
	for (unsigned i = 0; i < 4; i++)
		invlpg(ALIAS + i * DEV_PAGE);
}

static void check_cross_page(void)
{
	volatile uint64_t *q = (volatile uint64_t *)(uintptr_t)(ALIAS + DEV_PAGE - 4);
	uint64_t got;
	dev_fill(DEV_PAGE - 8, 8, 0);
	dev_fill(0x3000, 8, 0);
	*q = 0x1122334455667788ULL;                       /* mov: 4 bytes on each page */
	bool ok1 = dev[DEV_PAGE - 4] == 0x88 && dev[DEV_PAGE - 1] == 0x55 && dev[0x3000] == 0x44 &&
	           dev[0x3003] == 0x11 && dev[DEV_PAGE - 5] == (uint8_t)(7 * 3) && dev[0x3004] == (uint8_t)(7 * 4) &&
	           dev[DEV_PAGE] != 0x44;
	got = *q;
	bool ok2 = got == 0x1122334455667788ULL;
	__asm__ volatile("addq $0x100, %0" : "+m"(*q) : : "cc");   /* a read-modify-write across the pages */
	bool ok3 = *q == 0x1122334455667888ULL;
	uint8_t pattern[16];
	for (unsigned i = 0; i < 16; i++)
		pattern[i] = (uint8_t)(0x61 + i);
	st_movups((volatile uint8_t *)(uintptr_t)(ALIAS + DEV_PAGE - 8), pattern);   /* 8 bytes on each page */
	bool ok4 = dev_equals(DEV_PAGE - 8, pattern, 8) && dev_equals(0x3000, pattern + 8, 8);
	/* RAM, then a device: the access exits on its second page */
	volatile uint64_t *r = (volatile uint64_t *)(uintptr_t)(ALIAS + 3 * DEV_PAGE - 4);
	*r = 0xa1a2a3a4b1b2b3b4ULL;
	bool ok5 = ram_page[DEV_PAGE - 4] == 0xb4 && ram_page[DEV_PAGE - 1] == 0xb1 && dev[0x4000] == 0xa4 &&
	           dev[0x4003] == 0xa1 && *r == 0xa1a2a3a4b1b2b3b4ULL;
	gprintf(TAG "across pages: mov store %s, mov load %s, add %s, movups %s, ram then device %s\n",
	        ok1 ? "ok" : "wrong", ok2 ? "ok" : "wrong", ok3 ? "ok" : "wrong", ok4 ? "ok" : "wrong",
	        ok5 ? "ok" : "wrong");
	if (!ok1 || !ok2 || !ok3 || !ok4 || !ok5)
		fail("operands across pages: 0x%lx", got);
}

static void check_string_io_dev(void)
{
	uint64_t di = ALIAS + DEV_PAGE - 64, si, cx = 128;
	dev_fill(DEV_PAGE - 64, 64, 1);
	dev_fill(0x3000, 65, 1);
	__asm__ volatile("outb %%al, %%dx" : : "a"(0x5a), "d"(UART_SCRATCH));
	__asm__ volatile("rep insb" : "+D"(di), "+c"(cx) : "d"(UART_SCRATCH) : "memory");
	bool ok1 = cx == 0 && di == ALIAS + DEV_PAGE + 64 && dev[DEV_PAGE - 64] == 0x5a && dev[DEV_PAGE - 1] == 0x5a &&
	           dev[0x3000] == 0x5a && dev[0x303f] == 0x5a && dev[0x3040] == (uint8_t)(1 + 7 * 64);
	dev[0x3001] = 0x3c;
	si = ALIAS + DEV_PAGE - 1, cx = 3;
	__asm__ volatile("rep outsb" : "+S"(si), "+c"(cx) : "d"(UART_SCRATCH) : "memory");
	uint8_t last;
	__asm__ volatile("inb %%dx, %%al" : "=a"(last) : "d"(UART_SCRATCH));
	bool ok2 = cx == 0 && si == ALIAS + DEV_PAGE + 2 && last == 0x3c;
	gprintf(TAG "rep insb into device memory across a page %s, rep outsb from it %s\n", ok1 ? "ok" : "wrong",
	        ok2 ? "ok" : "wrong");
	if (!ok1 || !ok2)
		fail("string port I/O with device memory: rcx %lu", cx);
}

/* ---- a stack in device memory --------------------------------------------------------- */

static uint64_t called(uint64_t x)
{
	return x * 3;
}

/*
 * RSP in the device's memory, interrupts off (an event delivered onto it
 * would be the hypervisor's to refuse): PUSH of an immediate and a
 * register, POP into a register and into RAM, RET, ENTER and LEAVE.
 */
static void check_device_stack(void)
{
	static uint64_t ram_slot;   /* static: an "m" operand on the stack would be addressed through RSP */
	uint64_t top = DEV + 0x2000, a, b, c, d, rbp_in = 0x5555666677778888ULL;
	/* Every operand in a named register: the compiler may otherwise give one RBP, which the asm changes. */
	register uint64_t rbp_val __asm__("r8") = rbp_in;
	__asm__ volatile("pushfq\n\tcli\n\t"
	                 "mov %%rsp, %%r12\n\t"
	                 "mov %%rbp, %%r13\n\t"
	                 "mov %[top], %%rsp\n\t"
	                 "pushq $-7\n\t"                  /* top - 8 */
	                 "pushq %[v]\n\t"                 /* top - 16 */
	                 "popq %[a]\n\t"
	                 "pushq %[v]\n\t"
	                 "popq %[slot]\n\t"               /* the stack a device, the destination RAM */
	                 "lea 1f(%%rip), %[b]\n\t"
	                 "pushq %[b]\n\t"
	                 "ret\n"
	                 "1:\n\t"
	                 "mov %[rbp], %%rbp\n\t"
	                 "enter $0x20, $0\n\t"           /* RBP pushed at top - 16 */
	                 "mov %%rbp, %[c]\n\t"
	                 "leave\n\t"
	                 "mov %%rsp, %[d]\n\t"
	                 "mov %%rbp, %[b]\n\t"
	                 "mov %%r12, %%rsp\n\t"
	                 "mov %%r13, %%rbp\n\t"
	                 "popfq"
	                 : [a] "=&b"(a), [b] "=&c"(b), [c] "=&S"(c), [d] "=&D"(d), [slot] "+m"(ram_slot)
	                 : [top] "a"(top), [v] "d"(0x1122334455667788ULL), [rbp] "r"(rbp_val)
	                 : "r12", "r13", "memory", "cc");
	volatile uint64_t *q = (volatile uint64_t *)(uintptr_t)top;
	bool ok1 = q[-1] == (uint64_t)-7 && a == 0x1122334455667788ULL && ram_slot == a;
	bool ok2 = c == top - 16 && b == rbp_in && d == top - 8 && q[-2] == rbp_in;
	/* CALL through a pointer in RAM: the exit is the push of the return address; RET pops it from the device */
	static uint64_t (*fn)(uint64_t) = called;
	uint64_t x;
	__asm__ volatile("pushfq\n\tcli\n\tmov %%rsp, %%r12\n\tmov %[top], %%rsp\n\tcall *%[fn]\n\tmov %%r12, %%rsp\n\tpopfq"
	                 : "=a"(x) : "D"(5), [top] "r"(top), [fn] "m"(fn)
	                 : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "r12", "memory", "cc");
	bool ok3 = x == 15;
	gprintf(TAG "stack in device memory: push/pop %s, ret/enter/leave %s, call [ram] %s\n", ok1 ? "ok" : "wrong",
	        ok2 ? "ok" : "wrong", ok3 ? "ok" : "wrong");
	if (!ok1 || !ok2 || !ok3)
		fail("a stack in device memory: 0x%lx 0x%lx 0x%lx 0x%lx", a, b, c, d);
}

/* ---- SETcc ---------------------------------------------------------------------------- */

#define SETCC(cc)                                                                                  \
	static void set_##cc(volatile uint8_t *m, uint64_t flags)                                    \
	{                                                                                            \
		__asm__ volatile("push %[f]\n\tpopfq\n\tset" #cc " %[m]" : [m] "=m"(*m) : [f] "r"(flags) \
		                 : "cc", "memory");                                                      \
	}
SETCC(o) SETCC(no) SETCC(b) SETCC(ae) SETCC(e) SETCC(ne) SETCC(be) SETCC(a)
SETCC(s) SETCC(ns) SETCC(p) SETCC(np) SETCC(l) SETCC(ge) SETCC(le) SETCC(g)

/* Each condition in the order of its opcode (0F 90-9F), under flags that make it true and false. */
static void check_setcc(void)
{
	static void (*const set[16])(volatile uint8_t *, uint64_t) = {
		set_o, set_no, set_b, set_ae, set_e, set_ne, set_be, set_a,
		set_s, set_ns, set_p, set_np, set_l, set_ge, set_le, set_g,
	};
	/* CF, ZF, SF, OF, PF alone and together, on the reserved bit 1 */
	static const uint64_t flags[] = { 0x2, 0x3, 0x42, 0x82, 0x802, 0x6, 0x43, 0x882, 0xc2, 0x8c7 };
	unsigned wrong = 0;
	for (unsigned cc = 0; cc < 16; cc++)
		for (unsigned i = 0; i < sizeof flags / sizeof flags[0]; i++) {
			volatile uint8_t ram = 0xa5;
			dev[0x40] = 0xa5;
			set[cc](&ram, flags[i]);
			set[cc](&dev[0x40], flags[i]);
			wrong += dev[0x40] != ram;
		}
	gprintf(TAG "setcc [dev]: 16 conditions, %u flag states, %u wrong\n", (unsigned)(sizeof flags / sizeof flags[0]),
	        wrong);
	if (wrong)
		fail("setcc on device memory");
}

/* ---- MUL/DIV, CMOVcc, MMX ------------------------------------------------------------- */

static void check_muldiv_cmov_mmx(void)
{
	volatile uint64_t *m = (volatile uint64_t *)(uintptr_t)(DEV + 0x400);
	static uint64_t ram;
	uint64_t a1 = 0x1111111111111111ULL, d1 = 0x2222222222222222ULL, a2 = a1, d2 = d1, f1, f2;
	ram = *m = 0x3333333333333333ULL;
	__asm__ volatile("mulq %[m]\n\tpushfq\n\tpop %[f]" : "+a"(a1), "+d"(d1), [f] "=r"(f1) : [m] "m"(ram) : "cc");
	__asm__ volatile("mulq %[m]\n\tpushfq\n\tpop %[f]" : "+a"(a2), "+d"(d2), [f] "=r"(f2) : [m] "m"(*m) : "cc");
	bool ok1 = a1 == a2 && d1 == d2 && (f1 & 0x801) == (f2 & 0x801);
	ram = *m = 987654321098765ULL, a1 = a2 = 123456789012345ULL, d1 = d2 = 1234;
	__asm__ volatile("divq %[m]" : "+a"(a1), "+d"(d1) : [m] "m"(ram) : "cc");
	__asm__ volatile("divq %[m]" : "+a"(a2), "+d"(d2) : [m] "m"(*m) : "cc");
	bool ok2 = a1 == a2 && d1 == d2;
	*m = 0, a2 = 5, d2 = 6;
	trap_expect(3);   /* divq (%rcx): 48 f7 31 */
	__asm__ volatile("divq (%%rcx)" : "+a"(a2), "+d"(d2) : "c"(m) : "cc", "memory");
	bool ok3 = trap_done() && trap_last.vector == VEC_DE && a2 == 5 && d2 == 6;
	/* CMOV: a 32-bit one that does not move still zero-extends its register */
	uint64_t r1 = ~0ULL, r2 = ~0ULL;
	*m = 0x12345678;
	__asm__ volatile("cmp %%eax, %%eax\n\tcmovnel %[m], %k[r]" : [r] "+r"(r1) : [m] "m"(*m) : "cc", "rax");
	__asm__ volatile("cmp %%eax, %%eax\n\tcmovel %[m], %k[r]" : [r] "+r"(r2) : [m] "m"(*m) : "cc", "rax");
	bool ok4 = r1 == 0xffffffffULL && r2 == 0x12345678;
	/* MOVQ with an MMX register, both ways */
	uint64_t back = 0;
	*m = 0x8070605040302010ULL;
	__asm__ volatile("movq (%0), %%mm3\n\tmovq %%mm3, 8(%0)\n\tmovq %%mm3, (%1)\n\temms"
	                 : : "r"(m), "r"(&back) : "memory");
	bool ok5 = m[1] == 0x8070605040302010ULL && back == m[1];
	gprintf(TAG "mul [dev] %s, div [dev] %s, div by 0 #DE %s, cmov %s, movq mm %s\n", ok1 ? "ok" : "wrong",
	        ok2 ? "ok" : "wrong", ok3 ? "ok" : "wrong", ok4 ? "ok" : "wrong", ok5 ? "ok" : "wrong");
	if (!ok1 || !ok2 || !ok3 || !ok4 || !ok5)
		fail("mul/div/cmov/movq mm on device memory");
}

/* ---- JMP and CALL through device memory, MOV from CS ---------------------------------- */

static void check_branches(void)
{
	volatile uint64_t *m = (volatile uint64_t *)(uintptr_t)(DEV + 0x500);
	uint64_t r = 0;
	/* jmp *[dev] */
	__asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, (%1)\n\tjmp *(%1)\n\tud2\n1:\n\tmov $1, %0"
	                 : "+r"(r) : "r"(m) : "rax", "memory");
	bool ok1 = r == 1;
	/* call *[dev]: the return comes back here */
	*m = (uintptr_t)called;
	uint64_t x;
	__asm__ volatile("call *(%2)" : "=a"(x) : "D"(14), "r"(m) : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11",
	                 "memory", "cc");
	bool ok2 = x == 42;
	/* a non-canonical target: #GP(0), RIP on the jump */
	*m = 0x8000000000000000ULL;
	trap_expect(2);   /* jmp *(%rax): ff 20 */
	__asm__ volatile("jmp *(%0)" : : "a"(m) : "memory");
	bool ok3 = trap_done() && trap_last.vector == VEC_GP && trap_last.error_code == 0;
	/* mov %cs, [dev]; rex64 ljmp *[dev] to the same code segment */
	volatile uint16_t *sel = (volatile uint16_t *)(uintptr_t)(DEV + 0x508);
	uint16_t cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	r = 0;
	__asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, (%1)\n\tmov %%cs, (%2)\n\trex64 ljmp *(%1)\n\tud2\n"
	                 "1:\n\tmov $1, %0" : "+r"(r) : "r"(m), "r"(sel) : "rax", "memory");
	bool ok4 = *sel == cs && r == 1;
	gprintf(TAG "jmp [dev] %s, call [dev] %s, non-canonical #GP %s, mov cs/ljmp [dev] %s\n", ok1 ? "ok" : "wrong",
	        ok2 ? "ok" : "wrong", ok3 ? "ok" : "wrong", ok4 ? "ok" : "wrong");
	if (!ok1 || !ok2 || !ok3 || !ok4)
		fail("jmp/call through device memory");
}

/* ---- MOV to DS and SS from device memory --------------------------------------------- */

static void check_mov_sreg(void)
{
	volatile uint16_t *m = (volatile uint16_t *)(uintptr_t)(DEV + 0x600);
	uint16_t ds, ss, ds2, ss2;
	__asm__ volatile("mov %%ds, %0\n\tmov %%ss, %1" : "=r"(ds), "=r"(ss));
	m[0] = ds, m[1] = ss;
	__asm__ volatile("mov (%2), %%ds\n\tmov 2(%2), %%ss\n\tmov %%ds, %0\n\tmov %%ss, %1"
	                 : "=r"(ds2), "=r"(ss2) : "r"(m) : "memory");
	bool ok1 = ds2 == ds && ss2 == ss;
	uint64_t code[2];
	unsigned vec[2];
	static const uint16_t bad[2] = { 3, 0 };   /* null with RPL 3 (not CPL), then DS's selector with RPL 3 */
	for (unsigned i = 0; i < 2; i++) {
		m[2] = i == 0 ? bad[0] : (uint16_t)(ds | 3);
		trap_expect(3);   /* mov 4(%rax), %ss: 8e 50 04 */
		__asm__ volatile("mov 4(%0), %%ss" : : "a"(m) : "memory");
		bool took = trap_done();
		vec[i] = took ? (unsigned)trap_last.vector : 0xff, code[i] = took ? trap_last.error_code : 0;
	}
	__asm__ volatile("mov %%ss, %0" : "=r"(ss2));
	bool ok2 = vec[0] == VEC_GP && code[0] == 0 && vec[1] == VEC_GP && code[1] == (ds & 0xfffcu) && ss2 == ss;
	gprintf(TAG "mov ds/ss from [dev] %s, mov ss of a bad selector #GP %s\n", ok1 ? "ok" : "wrong", ok2 ? "ok" : "wrong");
	if (!ok1 || !ok2)
		fail("mov to a segment register from device memory: %u 0x%lx, %u 0x%lx", vec[0], code[0], vec[1], code[1]);
}

/* ---- LTR ----------------------------------------------------------------------------- */

struct __attribute__((packed)) gdtr {
	uint16_t limit;
	uint64_t base;
};

#define GDT_SLOTS 32
static uint64_t gdt[GDT_SLOTS] __attribute__((aligned(16)));
static uint8_t tss[104] __attribute__((aligned(16)));

/* Raises what LTR of the selector at [dev + off] raises: the vector, or 0xff for none. */
static unsigned ltr_dev(uint64_t off, uint16_t sel, uint64_t *code)
{
	volatile uint16_t *m = (volatile uint16_t *)(uintptr_t)(DEV + off);
	*m = sel;
	trap_expect(LTR_LEN);
	__asm__ volatile("ltr (%0)" : : "a"(m) : "memory");
	bool took = trap_done();
	*code = took ? trap_last.error_code : 0;
	return took ? (unsigned)trap_last.vector : 0xff;
}

static void check_ltr(void)
{
	struct gdtr old, now = { sizeof gdt - 1, (uintptr_t)gdt };
	__asm__ volatile("sgdt %0" : "=m"(old));
	unsigned used = (old.limit + 1u) / 8;
	if (used + 2 > GDT_SLOTS) {
		fail("the guest's GDT has %u slots, no room for a TSS", used);
		return;
	}
	const uint64_t *src = (const uint64_t *)(uintptr_t)old.base;
	for (unsigned i = 0; i < used; i++)
		gdt[i] = src[i];
	uint64_t base = (uintptr_t)tss, limit = sizeof tss - 1;
	unsigned slot = used;
	gdt[slot] = (limit & 0xffff) | (base & 0xffffff) << 16 | TSS64_AVAIL << 40 | 1ULL << 47 | (base >> 24 & 0xff) << 56;
	gdt[slot + 1] = base >> 32;
	__asm__ volatile("lgdt %0" : : "m"(now));

	uint16_t cs, tr;
	uint64_t code_null, code_cs, code_ok;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	unsigned v_null = ltr_dev(0x300, 0, &code_null);
	unsigned v_cs = ltr_dev(0x300, cs, &code_cs);
	unsigned v_ok = ltr_dev(0x300, (uint16_t)(slot * 8), &code_ok);
	__asm__ volatile("str %0" : "=r"(tr));
	gprintf(TAG "ltr [dev]: null %s(0x%lx), cs %s(0x%lx), tss %s, tr 0x%x, busy %s\n",
	        v_null == 0xff ? "no fault" : trap_name(v_null), code_null, v_cs == 0xff ? "no fault" : trap_name(v_cs),
	        code_cs, v_ok == 0xff ? "loaded" : trap_name(v_ok), tr,
	        DESC_TYPE(gdt[slot]) == TSS64_BUSY ? "set" : "clear");
	if (v_null != VEC_GP || code_null != 0 || v_cs != VEC_GP || code_cs != (cs & 0xfffcu) || v_ok != 0xff ||
	    tr != slot * 8 || !(gdt[slot] & DESC_BUSY))
		fail("ltr with its selector in device memory");
}

void check_wide(void)
{
	check_sse();
	check_shift_double();
	alias_setup();
	check_cross_page();
	check_string_io_dev();
	check_device_stack();
	check_muldiv_cmov_mmx();
	check_setcc();
	check_branches();
	check_mov_sreg();
	check_ltr();
}
