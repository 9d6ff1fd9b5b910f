/*
 * Control registers, debug registers, XCR0 and descriptor tables. Every
 * value an operation loads here is put back by env_restore after it; the
 * ones that would leave the vCPU unable to take an exception (an IDT, GDT
 * or TR of random contents) are put back within the same instruction
 * sequence, before anything can fault.
 */
#include "fuzz.h"
#include "hw/dr.h"
#include "hw/segment.h"

/* CR0 and CR4 bits worth flipping: every defined one and a few reserved. */
static uint64_t flip_bits(struct fz_cpu *c, uint64_t v, unsigned top)
{
	unsigned n = (unsigned)rnd_below(c, 3) + 1;
	while (n--)
		v ^= 1ULL << (rnd_chance(c, 8) ? rnd_below(c, 64) : rnd_below(c, top));
	return v;
}

void op_cr(struct fz_cpu *c)
{
	switch (rnd_below(c, 6)) {
	case 0:
		write_cr0(rnd_chance(c, 8) ? rnd_value(c) : flip_bits(c, env_cr0(), 32));
		break;
	case 1:
		write_cr4(rnd_chance(c, 8) ? rnd_value(c) : flip_bits(c, env_cr4(), 25));
		break;
	case 2: {
		/* A root that maps the same, with its cache and PCID bits; or a reserved bit (#GP). */
		uint64_t v = rnd_chance(c, 2) ? env_cr3() : env_cr3_alt();
		v |= rnd_below(c, 0x1000) & (rnd_chance(c, 2) ? 0x18 : 0xfff);
		if (rnd_chance(c, 4))
			v |= 1ULL << (52 + rnd_below(c, 12));
		write_cr3(v);
		break;
	}
	case 3: {
		uint64_t v = rnd_chance(c, 4) ? rnd_value(c) : rnd_below(c, 16);
		__asm__ volatile("mov %0, %%cr8" : : "r"(v));
		break;
	}
	case 4: {
		/* XCR0 through XSETBV: CR4.OSXSAVE first (refused where XSAVE is hidden). */
		write_cr4(env_cr4() | CR4_OSXSAVE);
		uint64_t v = rnd_chance(c, 2) ? rnd_value(c) : (rnd_below(c, 8) | 1);
		uint32_t idx = rnd_chance(c, 4) ? (uint32_t)rnd_below(c, 4) : 0;
		__asm__ volatile("xsetbv" : : "c"(idx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
		__asm__ volatile("xsetbv" : : "c"(0), "a"(1), "d"(0));   /* x87 only, as it starts */
		break;
	}
	default: {
		uint64_t v;
		switch (rnd_below(c, 4)) {
		case 0: __asm__ volatile("mov %%cr0, %0" : "=r"(v)); break;
		case 1: __asm__ volatile("mov %%cr2, %0" : "=r"(v)); break;
		case 2: __asm__ volatile("mov %%cr4, %0" : "=r"(v)); break;
		default: __asm__ volatile("mov %%cr8, %0" : "=r"(v)); break;
		}
		__asm__ volatile("mov %0, %%cr2" : : "r"(rnd(c)));
		break;
	}
	}
}

/* A linear address no code or data of this guest is at: a breakpoint there never hits. */
static uint64_t far_address(struct fz_cpu *c)
{
	if (rnd_chance(c, 16))
		return rnd(c);   /* non-canonical, mostly: #GP */
	uint64_t a = (0x100000000000ULL + rnd_below(c, 0x6f0000000000ULL)) & ~7ULL;
	return rnd_chance(c, 2) ? a : (a | 0xffff800000000000ULL);
}

#define DEFINE_DR(n) \
	static uint64_t get_dr##n(void) { uint64_t v; __asm__ volatile("mov %%db" #n ", %0" : "=r"(v)); return v; } \
	static void set_dr##n(uint64_t v) { __asm__ volatile("mov %0, %%db" #n : : "r"(v)); }
DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
DEFINE_DR(6)
DEFINE_DR(7)
#undef DEFINE_DR

/*
 * Sets DR0-DR3 to far addresses, DR6 and DR7 to anything, and sometimes
 * gives the CPU away (HC_YIELD) and checks that DR0-DR3 came back as
 * written: another domain's values must never show through. DR7 goes back
 * to its reset value before the end (with GD set, that write itself traps).
 */
void op_dr(struct fz_cpu *c)
{
	uint64_t want[DR_ADDRESS_COUNT] = { far_address(c), far_address(c), far_address(c), far_address(c) };
	set_dr0(want[0]);
	set_dr1(want[1]);
	set_dr2(want[2]);
	set_dr3(want[3]);
	set_dr6(rnd_chance(c, 4) ? rnd_value(c) : (DR6_RESET | (rnd(c) & DR6_STATUS)));
	set_dr7(rnd_chance(c, 4) ? rnd_value(c) : ((rnd(c) & 0xffff23ffULL) | DR7_RESET));
	set_dr7(DR7_RESET);
	if (rnd_chance(c, 4)) {
		hc_yield();
		uint64_t got[DR_ADDRESS_COUNT] = { get_dr0(), get_dr1(), get_dr2(), get_dr3() };
		for (unsigned i = 0; i < DR_ADDRESS_COUNT; i++)
			if (got[i] != want[i]) {
				c->checks_failed++;
				say(TAG "CHECK FAILED: vcpu %u: DR%u 0x%llx after a yield, wrote 0x%llx\n", c->id, i,
				    (unsigned long long)got[i], (unsigned long long)want[i]);
			}
	}
	(void)get_dr6();
	(void)get_dr7();
}

/*
 * A GDT of random descriptors after the fixed four (so that an exception
 * can still be delivered through KERNEL_CS), then random selectors into it
 * for LLDT, LTR and the data segment registers. A successful LTR leaves TR
 * on a random TSS, on which the next exception would fetch its IST stack
 * from anywhere: so LTR comes last, and the good GDT and TR are back in the
 * next instructions.
 */
static void random_gdt(struct fz_cpu *c)
{
	uint64_t *t = (uint64_t *)(uintptr_t)scratch_va(c->id);
	unsigned n = (unsigned)rnd_below(c, 32) + GDT_FIXED_ENTRIES;
	struct desc_ptr good, g = { .limit = (uint16_t)(n * 8 - 1), .base = (uintptr_t)t };
	env_gdt_ptr(&good);
	memcpy(t, (const void *)(uintptr_t)good.base, GDT_FIXED_ENTRIES * 8);
	for (unsigned i = GDT_FIXED_ENTRIES; i < n; i++) {
		t[i] = rnd(c);
		if (rnd_chance(c, 2))
			t[i] |= DESC_P;
	}
	uint16_t ldt = (uint16_t)(rnd_below(c, n) * 8 | (rnd(c) & 7));
	uint16_t tr = (uint16_t)(rnd_below(c, n) * 8);
	uint16_t ds = (uint16_t)rnd_below(c, n * 8 + 16);
	uint16_t good_tr = env_tss_sel(c->id);
	env_tss_mark_available(c->id);
	__asm__ volatile("lgdt %0\n\t"
	                 "mov %w2, %%fs\n\t"
	                 "lldt %w3\n\t"
	                 "ltr %w4\n\t"
	                 "lgdt %1\n\t"
	                 "ltr %w5"
	                 : : "m"(g), "m"(good), "r"(ds), "r"(ldt), "r"(tr), "r"(good_tr) : "memory");
}

void op_desc(struct fz_cpu *c)
{
	struct desc_ptr good, p;
	switch (rnd_below(c, 5)) {
	case 0:
		random_gdt(c);
		break;
	case 1:
		/* Any IDTR, then the good one back at once: nothing can fault in between. */
		env_idt_ptr(&good);
		p.limit = (uint16_t)rnd(c);
		p.base = rnd_chance(c, 2) ? rnd(c) : rnd_value(c);
		__asm__ volatile("lidt %0\n\tlidt %1" : : "m"(p), "m"(good) : "memory");
		break;
	case 2: {
		/* LLDT and LTR with any selector in the good GDT: #GP but for the null LDT. */
		uint16_t sel = (uint16_t)rnd(c);
		if (rnd_chance(c, 2))
			__asm__ volatile("lldt %w0" : : "r"(sel));
		else
			__asm__ volatile("ltr %w0" : : "r"(sel));
		break;
	}
	case 3: {
		/* The stores, and segment loads with any selector. */
		uint16_t sel = (uint16_t)rnd_below(c, 0x40);
		__asm__ volatile("sgdt %0\n\tsidt %1" : "=m"(good), "=m"(p));
		__asm__ volatile("mov %w0, %%gs" : : "r"(sel));
		__asm__ volatile("mov %w0, %%es" : : "r"(sel));
		break;
	}
	default: {
		uint16_t s;
		__asm__ volatile("sldt %w0" : "=r"(s));
		__asm__ volatile("str %w0" : "=r"(s));
		/* A GDTR with a non-canonical base: #GP, and the old one stays. */
		env_gdt_ptr(&good);
		p.limit = (uint16_t)rnd(c);
		p.base = rnd(c) | 0x8000000000000000ULL;
		p.base &= ~0x0000800000000000ULL;
		__asm__ volatile("lgdt %0\n\tlgdt %1" : : "m"(p), "m"(good) : "memory");
		break;
	}
	}
}
