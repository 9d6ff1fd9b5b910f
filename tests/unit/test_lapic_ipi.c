/*
 * Host tests for the virtual local APIC's IPIs to other APICs: the route an
 * ICR write leaves (fixed, INIT, STARTUP, NMI; shorthands, physical and
 * logical destinations), INIT and STARTUP IPIs routed and received, flat and
 * cluster destinations, NMIs, and an INIT posted to a running vCPU.
 */
#include <string.h>

#include "dev/lapic.h"
#include "check.h"

static struct vlapic l;
static uint32_t regs[LAPIC_REG_WORDS] __attribute__((aligned(LAPIC_MMIO_SIZE)));

static uint32_t rd(uint32_t off) { return vlapic_read(&l, off, 4, 0); }
static void wr(uint32_t off, uint32_t v) { vlapic_write(&l, off, 4, v, 0); }

#define SVR_ON 0x1ffu

static void test_route(void)
{
	struct vlapic_route r;
	vlapic_init(&l, regs, 1, false);
	wr(APIC_REG_SVR, SVR_ON);
	CHECK(!vlapic_take_route(&l, &r));
	/* physical destination 3: routed, not accepted here */
	wr(APIC_REG_ICR_HIGH, 3u << 24);
	wr(APIC_REG_ICR_LOW, 0x00000045);
	CHECK(l.attention & LAPIC_ATTN_ROUTE);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.vector, 0x45);
	CHECK_EQ(r.dest, 3);
	CHECK(!(l.attention & LAPIC_ATTN_ROUTE));
	CHECK(!vlapic_take_route(&l, &r));
	/* all excluding self */
	wr(APIC_REG_ICR_LOW, 0x000c0046);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.dest, LAPIC_BROADCAST);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	/* all including self */
	wr(APIC_REG_ICR_LOW, 0x00080047);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.dest, LAPIC_BROADCAST);
	CHECK_EQ(vlapic_pending_vector(&l), 0x47);
	/* broadcast destination 0xff: self and the others */
	wr(APIC_REG_ICR_HIGH, 0xffu << 24);
	wr(APIC_REG_ICR_LOW, 0x00000048);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(vlapic_pending_vector(&l), 0x48);
	/* a fixed route says so */
	wr(APIC_REG_ICR_HIGH, 3u << 24);
	wr(APIC_REG_ICR_LOW, 0x00000049);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.mode, LAPIC_ROUTE_FIXED);
}

/* INIT and SIPI leave the sending APIC as routes; never to itself. */
static void test_route_init_sipi(void)
{
	struct vlapic_route r;
	vlapic_init(&l, regs, 0, true);
	/* INIT assert to APIC 1 */
	wr(APIC_REG_ICR_HIGH, 1u << 24);
	wr(APIC_REG_ICR_LOW, APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT | APIC_ICR_TRIGGER_LEVEL);
	CHECK(l.attention & LAPIC_ATTN_ROUTE);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.mode, LAPIC_ROUTE_INIT);
	CHECK_EQ(r.dest, 1);
	/* INIT level de-assert: recorded, sent nowhere */
	wr(APIC_REG_ICR_LOW, APIC_ICR_DM_INIT | APIC_ICR_TRIGGER_LEVEL);
	CHECK(!vlapic_take_route(&l, &r));
	CHECK_EQ(l.ipi.init, 2);
	/* SIPI with vector 0x08 to APIC 1 */
	wr(APIC_REG_ICR_LOW, APIC_ICR_DM_STARTUP | 0x08);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.mode, LAPIC_ROUTE_STARTUP);
	CHECK_EQ(r.vector, 0x08);
	CHECK_EQ(r.dest, 1);
	CHECK_EQ(l.ipi.startup, 1);
	/* all excluding self, and all including self: the others only */
	wr(APIC_REG_ICR_LOW, 0x000c0000 | APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.mode, LAPIC_ROUTE_INIT);
	CHECK_EQ(r.dest, LAPIC_BROADCAST);
	wr(APIC_REG_ICR_LOW, 0x00080000 | APIC_ICR_DM_STARTUP | 0x10);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.mode, LAPIC_ROUTE_STARTUP);
	CHECK_EQ(r.dest, LAPIC_BROADCAST);
	CHECK_EQ(r.vector, 0x10);
	/* to itself by shorthand: nothing; by its own xAPIC ID: routed, for an APIC that wrote the same ID */
	wr(APIC_REG_ICR_LOW, 0x00040000 | APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT);
	CHECK(!vlapic_take_route(&l, &r));
	wr(APIC_REG_ICR_HIGH, 0);
	wr(APIC_REG_ICR_LOW, APIC_ICR_DM_STARTUP | 0x08);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.dest, 0);
	CHECK(!r.logical);
	/* a logical destination is routed for the others to match, even naming this APIC */
	wr(APIC_REG_LDR, 1u << 24);
	wr(APIC_REG_ICR_HIGH, 3u << 24);
	wr(APIC_REG_ICR_LOW, (1u << 11) | APIC_ICR_DM_STARTUP | 0x08);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.dest, 3);
	CHECK_EQ(r.logical, 1);
	CHECK(!l.wait_sipi);
	/* broadcast destination 0xff: the others */
	wr(APIC_REG_ICR_HIGH, 0xffu << 24);
	wr(APIC_REG_ICR_LOW, APIC_ICR_DM_STARTUP | 0x08);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.dest, LAPIC_BROADCAST);
	/* none of it touched the sender's own interrupt state */
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	CHECK(!l.wait_sipi);
}

/* The receiving side: INIT resets and arms wait-for-SIPI; one SIPI takes it. */
static void test_receive_init_sipi(void)
{
	vlapic_init(&l, regs, 1, false);
	/* a SIPI without INIT first is ignored */
	CHECK(!vlapic_receive_sipi(&l, 0x08));
	wr(APIC_REG_SVR, SVR_ON);
	wr(APIC_REG_TPR, 0x20);
	wr(APIC_REG_LVT_TIMER, 0x30);
	CHECK(vlapic_accept(&l, 0x50));
	CHECK(vlapic_receive_init(&l));
	/* registers back at power-up; ID and base kept */
	CHECK_EQ(rd(APIC_REG_ID), 1u << 24);
	CHECK_EQ(l.apic_base, 0xfee00000ULL | APIC_BASE_ENABLE);
	CHECK_EQ(rd(APIC_REG_SVR), 0xff);
	CHECK_EQ(rd(APIC_REG_TPR), 0);
	CHECK_EQ(rd(APIC_REG_LVT_TIMER), APIC_LVT_MASKED);
	CHECK_EQ(rd(APIC_REG_IRR0 + 0x20), 0);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	/* the first SIPI starts it, a second is ignored */
	CHECK(vlapic_receive_sipi(&l, 0x08));
	CHECK(!vlapic_receive_sipi(&l, 0x08));
	/* INIT, INIT, SIPI: still one start */
	CHECK(vlapic_receive_init(&l));
	CHECK(vlapic_receive_init(&l));
	CHECK(vlapic_receive_sipi(&l, 0x08));
	CHECK(!vlapic_receive_sipi(&l, 0x08));
	/* a hardware-disabled APIC receives neither */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL, TEST_PHYS_BITS), 0);
	CHECK(!vlapic_receive_init(&l));
	CHECK(!l.wait_sipi);
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE, TEST_PHYS_BITS), 0);
	CHECK(vlapic_receive_init(&l));
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL, TEST_PHYS_BITS), 0);
	CHECK(!vlapic_receive_sipi(&l, 0x08));
	/* and forgets the INIT: enabled again, a SIPI alone starts nothing */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE, TEST_PHYS_BITS), 0);
	CHECK(!vlapic_receive_sipi(&l, 0x08));
}

/* SDM "Determining IPI Destination": physical, logical flat and logical cluster. */
static void test_destination(void)
{
	vlapic_init(&l, regs, 2, false);
	CHECK(vlapic_is_destination(&l, 2, false));
	CHECK(vlapic_is_destination(&l, 0xff, false));
	CHECK(!vlapic_is_destination(&l, 1, false));
	/* LDR 0 after reset: no logical destination names it */
	CHECK(!vlapic_is_destination(&l, 0xff, true));
	/* flat (DFR reset value): any bit in common with the logical ID */
	wr(APIC_REG_LDR, 0x04u << 24);
	CHECK(vlapic_is_destination(&l, 0x04, true));
	CHECK(vlapic_is_destination(&l, 0x07, true));
	CHECK(vlapic_is_destination(&l, 0xff, true));
	CHECK(!vlapic_is_destination(&l, 0x03, true));
	CHECK(!vlapic_is_destination(&l, 0x04, false));   /* physical 4 is another APIC */
	/* cluster: cluster 3, member bit 1 */
	wr(APIC_REG_DFR, 0x0fffffff);
	wr(APIC_REG_LDR, 0x32u << 24);
	CHECK(vlapic_is_destination(&l, 0x32, true));
	CHECK(vlapic_is_destination(&l, 0x3f, true));
	CHECK(vlapic_is_destination(&l, 0xf2, true));     /* every cluster */
	CHECK(vlapic_is_destination(&l, 0xff, true));
	CHECK(!vlapic_is_destination(&l, 0x31, true));    /* another member */
	CHECK(!vlapic_is_destination(&l, 0x22, true));    /* another cluster */
	/* a reset goes back to flat and LDR 0 */
	vlapic_init_reset(&l);
	CHECK(!vlapic_is_destination(&l, 0xff, true));
}

/* Linux's flat-model IPIs: logical masks reach the sender only when they name it; NMIs by every form. */
static void test_route_logical_nmi(void)
{
	struct vlapic_route r;
	vlapic_init(&l, regs, 0, true);
	wr(APIC_REG_SVR, SVR_ON);
	wr(APIC_REG_LDR, 0x01u << 24);
	/* fixed, logical mask 0x02 (another CPU): routed only */
	wr(APIC_REG_ICR_HIGH, 0x02u << 24);
	wr(APIC_REG_ICR_LOW, (1u << 11) | 0x40);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.mode, LAPIC_ROUTE_FIXED);
	CHECK_EQ(r.dest, 0x02);
	CHECK_EQ(r.logical, 1);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	/* mask 0x03 names this APIC too: accepted here and routed */
	wr(APIC_REG_ICR_HIGH, 0x03u << 24);
	wr(APIC_REG_ICR_LOW, (1u << 11) | 0x41);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(vlapic_pending_vector(&l), 0x41);
	CHECK_EQ(l.ipi.self, 1);
	/* NMI to a logical mask naming another: routed, nothing held here */
	wr(APIC_REG_ICR_HIGH, 0x02u << 24);
	wr(APIC_REG_ICR_LOW, (1u << 11) | APIC_ICR_DM_NMI);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.mode, LAPIC_ROUTE_NMI);
	CHECK(!vlapic_take_nmi(&l));
	/* NMI all excluding self: routed to all; all including self: held here too */
	wr(APIC_REG_ICR_LOW, 0x000c0000 | APIC_ICR_DM_NMI);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.dest, LAPIC_BROADCAST);
	CHECK_EQ(r.logical, 0);
	CHECK(!vlapic_take_nmi(&l));
	l.attention = 0;
	wr(APIC_REG_ICR_LOW, 0x00080000 | APIC_ICR_DM_NMI);
	CHECK(vlapic_take_route(&l, &r));
	CHECK(l.attention & LAPIC_ATTN_NMI);
	CHECK(vlapic_take_nmi(&l));
	CHECK(!vlapic_take_nmi(&l));
	/* self NMI while software-disabled: still held (NMIs ignore the SVR) */
	wr(APIC_REG_SVR, 0xff);
	wr(APIC_REG_ICR_LOW, 0x00040000 | APIC_ICR_DM_NMI);
	CHECK(!vlapic_take_route(&l, &r));
	CHECK(vlapic_take_nmi(&l));
	/* two NMIs before injection are both held, a third merges; in the guest's NMI handler one is */
	CHECK(vlapic_accept_nmi(&l));
	CHECK(vlapic_accept_nmi(&l));
	CHECK(vlapic_accept_nmi(&l));
	CHECK(vlapic_take_nmi(&l));
	CHECK(vlapic_take_nmi(&l));
	CHECK(!vlapic_take_nmi(&l));
	CHECK(vlapic_accept_nmi(&l));
	CHECK(vlapic_accept_nmi(&l));
	vlapic_hold_one_nmi(&l);
	CHECK(vlapic_take_nmi(&l));
	CHECK(!vlapic_take_nmi(&l));
	/* an INIT reset drops what is held */
	CHECK(vlapic_accept_nmi(&l));
	CHECK(vlapic_accept_nmi(&l));
	vlapic_init_reset(&l);
	CHECK(!vlapic_take_nmi(&l));
	/* lowest priority and SMI go nowhere */
	wr(APIC_REG_ICR_HIGH, 0xffu << 24);
	wr(APIC_REG_ICR_LOW, (1u << 8) | 0x42);
	wr(APIC_REG_ICR_LOW, (2u << 8));
	CHECK(!vlapic_take_route(&l, &r));
	/* a hardware-disabled APIC holds no NMI */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL, TEST_PHYS_BITS), 0);
	CHECK(!vlapic_accept_nmi(&l));
	CHECK(!vlapic_take_nmi(&l));
}

/*
 * INIT to a running vCPU: posted at once (wait-for-SIPI, a SIPI then held),
 * the registers reset later on the vCPU's own CPU.
 */
static void test_post_init(void)
{
	uint8_t vec = 0;
	vlapic_init(&l, regs, 1, false);
	wr(APIC_REG_SVR, SVR_ON);
	wr(APIC_REG_TPR, 0x20);
	l.attention = 0;
	CHECK(vlapic_post_init(&l));
	CHECK(l.attention & LAPIC_ATTN_INIT);
	CHECK_EQ(rd(APIC_REG_TPR), 0x20);           /* untouched until its CPU takes it */
	/* a SIPI before the reset is held, and taken once */
	CHECK(!vlapic_take_sipi(&l, &vec));
	CHECK(vlapic_receive_sipi(&l, 0x9a));
	CHECK(!vlapic_receive_sipi(&l, 0x9b));      /* the second SIPI of the sequence is ignored */
	CHECK(vlapic_take_sipi(&l, &vec));
	CHECK_EQ(vec, 0x9a);
	CHECK(!vlapic_take_sipi(&l, &vec));
	vlapic_init_reset(&l);
	CHECK_EQ(rd(APIC_REG_TPR), 0);
	CHECK_EQ(rd(APIC_REG_SVR), 0xff);
	/* a new INIT drops a SIPI held from before */
	CHECK(vlapic_post_init(&l));
	CHECK(vlapic_receive_sipi(&l, 0x10));
	CHECK(vlapic_post_init(&l));
	CHECK(!vlapic_take_sipi(&l, &vec));
	/* INIT to a vCPU nobody runs resets at once and asks nothing of its CPU */
	l.attention = 0;
	CHECK(vlapic_receive_init(&l));
	CHECK(!(l.attention & LAPIC_ATTN_INIT));
	CHECK(l.wait_sipi);
	/* hardware-disabled: refused, and it forgets a held SIPI */
	CHECK(vlapic_receive_sipi(&l, 0x11));
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL, TEST_PHYS_BITS), 0);
	CHECK(!vlapic_take_sipi(&l, &vec));
	CHECK(!vlapic_post_init(&l));
	CHECK(!l.wait_sipi);
}

int main(void)
{
	RUN(test_route);
	RUN(test_route_init_sipi);
	RUN(test_receive_init_sipi);
	RUN(test_destination);
	RUN(test_route_logical_nmi);
	RUN(test_post_init);
	return CHECK_EXIT();
}
