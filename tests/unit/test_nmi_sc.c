/*
 * Host tests for port 0x61: the control bits read back and the status bits
 * cannot be written, the refresh toggle's flips every 15.085 us of TSC time
 * (and a delay loop counting them), the fallback for an unknown TSC rate, a
 * TSC that wraps past the origin, and the port on a bus, word access split.
 */
#include "dev/nmi_sc.h"
#include "check.h"

#define KHZ 2000000u     /* 2 GHz: a period is 30170 cycles */
#define T0  123456789ULL

static void test_control_bits(void)
{
	struct nmi_sc n;
	nmi_sc_init(&n, T0, KHZ);
	CHECK_EQ(nmi_sc_read(&n, T0), 0);
	nmi_sc_write(&n, 0xff);
	CHECK_EQ(nmi_sc_read(&n, T0), NMI_SC_WRITABLE);
	nmi_sc_write(&n, NMI_SC_TIM_CNT2_EN | NMI_SC_SPKR_DAT_EN);
	CHECK_EQ(nmi_sc_read(&n, T0), NMI_SC_TIM_CNT2_EN | NMI_SC_SPKR_DAT_EN);
	/* No NMI source and no 8254: the status bits other than the toggle stay 0. */
	CHECK_EQ(nmi_sc_read(&n, T0 + 30170) & (NMI_SC_SERR_NMI_STS | NMI_SC_IOCHK_NMI_STS | NMI_SC_TMR2_OUT_STS), 0);
}

static void test_refresh_toggle(void)
{
	struct nmi_sc n;
	nmi_sc_init(&n, T0, KHZ);
	CHECK_EQ(nmi_sc_read(&n, T0 + 30169) & NMI_SC_REF_TOGGLE, 0);
	CHECK(nmi_sc_read(&n, T0 + 30170) & NMI_SC_REF_TOGGLE);
	CHECK(nmi_sc_read(&n, T0 + 2 * 30170 - 1) & NMI_SC_REF_TOGGLE);
	CHECK_EQ(nmi_sc_read(&n, T0 + 2 * 30170) & NMI_SC_REF_TOGGLE, 0);
	/* A 1 ms delay counted in edges, polling every 100 cycles: 66 edges take 0.996 ms. */
	uint64_t t = T0;
	unsigned edges = 0;
	uint8_t last = nmi_sc_read(&n, t) & NMI_SC_REF_TOGGLE;
	while (edges < 66) {
		t += 100;
		uint8_t now = nmi_sc_read(&n, t) & NMI_SC_REF_TOGGLE;
		edges += now != last;
		last = now;
	}
	CHECK(t - T0 >= 66 * 30170 && t - T0 < 66 * 30170 + 100);
	/* The TSC wrapping past 2^64 keeps the count going. */
	nmi_sc_init(&n, ~0ULL - 10, KHZ);
	CHECK(nmi_sc_read(&n, 30170 - 11) & NMI_SC_REF_TOGGLE);
}

static void test_unknown_rate(void)
{
	struct nmi_sc n;
	nmi_sc_init(&n, 0, 0);   /* as if 1 GHz: 15085 cycles */
	CHECK_EQ(nmi_sc_read(&n, 15084) & NMI_SC_REF_TOGGLE, 0);
	CHECK(nmi_sc_read(&n, 15085) & NMI_SC_REF_TOGGLE);
	nmi_sc_init(&n, 0, 1);   /* 1 kHz: shorter than a cycle, so every cycle flips it */
	CHECK(nmi_sc_read(&n, 1) & NMI_SC_REF_TOGGLE);
	CHECK_EQ(nmi_sc_read(&n, 2) & NMI_SC_REF_TOGGLE, 0);
}

static void test_on_bus(void)
{
	struct nmi_sc n;
	struct bus bus;
	struct spinlock lock = SPINLOCK_INIT;
	nmi_sc_init(&n, 0, KHZ);
	bus_init(&bus);
	CHECK_EQ(bus_add(&bus.port, NMI_SC_PORT, 1, &nmi_sc_bus_device, &n, &lock), 0);
	CHECK_EQ(bus_port_out(&bus, 0, NMI_SC_PORT, 1, NMI_SC_PCI_SERR_EN | NMI_SC_IOCHK_NMI_EN), BUS_OK);
	CHECK_EQ(bus_port_in(&bus, 0, NMI_SC_PORT, 1) & NMI_SC_WRITABLE, NMI_SC_PCI_SERR_EN | NMI_SC_IOCHK_NMI_EN);
	/* A word read: port 0x62 floats. */
	CHECK_EQ(bus_port_in(&bus, 0, NMI_SC_PORT, 2) >> 8, 0xff);
}

int main(void)
{
	RUN(test_control_bits);
	RUN(test_refresh_toggle);
	RUN(test_unknown_rate);
	RUN(test_on_bus);
	return CHECK_EXIT();
}
