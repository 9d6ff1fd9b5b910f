/*
 * Host tests for the legacy PC ports as a guest reaches them through a
 * domain's platform: the RTC/CMOS (time from the domain's wall clock, VRT,
 * CMOS RAM), PCI configuration (Linux's type 1 probe, the host bridge, an
 * empty slot), port 0x61, and the ports that stay the empty bus (POST code
 * 0x80, VGA 0x3b0-0x3df, the 8042 at 0x60/0x64), each of the stateful ones
 * under the platform's lock.
 */
#include <string.h>

#include "dev/platform.h"
#include "lib/x86.h"
#include "hw/nmi_sc.h"
#include "hw/pci.h"
#include "hw/rtc.h"
#include "check.h"

#define WALL 1796319091ULL   /* 2026-12-03 17:31:31 UTC */

static struct platform p;
static struct spinlock con_lock = SPINLOCK_INIT;

static void console_put(void *ctx, uint8_t byte) { (void)ctx, (void)byte; }
static void end(void *ctx, int code) { (void)ctx, (void)code; }
static bool deliver(void *ctx, unsigned vcpu, unsigned vector, bool level)
{
	(void)ctx, (void)vcpu, (void)vector, (void)level;
	return false;
}
static void extint(void *ctx, unsigned vcpu) { (void)ctx, (void)vcpu; }
static void power(void *ctx, enum platform_power what) { (void)ctx, (void)what; }
static bool sleep_until(void *ctx, uint64_t wake_tsc)
{
	(void)ctx, (void)wake_tsc;
	return false;
}
static uint64_t wake(void *ctx)
{
	(void)ctx;
	return 0;
}
static const struct platform_ops ops = { deliver, extint, power, sleep_until, wake };

static void setup(void)
{
	memset(&p, 0x5a, sizeof p);
	struct platform_env env = { .ram_bytes = 32ULL << 20, .ncpus = 1, .tsc_khz = 1000000,
	                            .wall_secs = WALL, .wall_tsc = rdtsc(),
	                            .console_lock = &con_lock, .console_put = console_put, .end = end, .ops = &ops };
	CHECK_EQ(platform_init(&p, &env), 0);
}

static uint32_t in(uint16_t port, unsigned size) { return bus_port_in(&p.bus, 0, port, size); }
static void out(uint16_t port, unsigned size, uint32_t v) { CHECK_EQ(bus_port_out(&p.bus, 0, port, size, v), BUS_OK); }

static unsigned bcd(uint32_t v) { return (v >> 4) * 10 + (v & 0xf); }

static void test_rtc(void)
{
	setup();
	out(RTC_PORT_INDEX, 1, RTC_REG_D);
	CHECK_EQ(in(RTC_PORT_DATA, 1), RTC_D_VRT);
	/* The year and century the domain's wall clock gives (a minute cannot pass during the test). */
	out(RTC_PORT_INDEX, 1, RTC_YEAR);
	CHECK_EQ(in(RTC_PORT_DATA, 1), 0x26);
	out(RTC_PORT_INDEX, 1, RTC_CENTURY);
	CHECK_EQ(in(RTC_PORT_DATA, 1), 0x20);
	out(RTC_PORT_INDEX, 1, RTC_HOURS);
	unsigned hour = bcd(in(RTC_PORT_DATA, 1));
	CHECK(hour == 17 || hour == 18);
	out(RTC_PORT_INDEX, 1, RTC_INDEX_NMI_DISABLE | 0x50);
	out(RTC_PORT_DATA, 1, 0xa5);
	out(RTC_PORT_INDEX, 1, 0x50);
	CHECK_EQ(in(RTC_PORT_DATA, 1), 0xa5);
	CHECK(bus_find(&p.bus.port, RTC_PORT_INDEX)->lock == &p.lock);
}

static void test_pci(void)
{
	setup();
	out(PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE);
	CHECK_EQ(in(PCI_CONFIG_ADDRESS, 4), PCI_CFG_ENABLE);
	CHECK_EQ(in(PCI_CONFIG_DATA, 4), PCI_DEVICE_ID_INTEL_82441 << 16 | PCI_VENDOR_ID_INTEL);
	out(PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | 1u << 11);   /* device 1 */
	CHECK_EQ(in(PCI_CONFIG_DATA, 4), 0xffffffffu);
	CHECK(bus_find(&p.bus.port, PCI_CONFIG_ADDRESS)->lock == &p.lock);
	CHECK(bus_find(&p.bus.port, PCI_CONFIG_DATA)->lock == &p.lock);
}

static void test_port_61(void)
{
	setup();
	out(NMI_SC_PORT, 1, 0xff);
	CHECK_EQ(in(NMI_SC_PORT, 1) & ~NMI_SC_REF_TOGGLE, NMI_SC_WRITABLE);
	CHECK(bus_find(&p.bus.port, NMI_SC_PORT)->lock == &p.lock);
}

static void test_open_bus_ports(void)
{
	static const uint16_t ports[] = { 0x80, 0x3b0, 0x3c0, 0x3d4, 0x3d5, 0x3df, 0x60, 0x64 };
	setup();
	for (unsigned i = 0; i < sizeof ports / sizeof ports[0]; i++) {
		CHECK(bus_find(&p.bus.port, ports[i]) == 0);
		out(ports[i], 1, 0x12);
		CHECK_EQ(in(ports[i], 1), 0xff);
	}
}

int main(void)
{
	RUN(test_rtc);
	RUN(test_pci);
	RUN(test_port_61);
	RUN(test_open_bus_ports);
	return CHECK_EXIT();
}
