/*
 * Host tests for the RTC/CMOS model: the time registers at creation and as
 * the TSC runs (BCD and binary, 24- and 12-hour), UIP in exactly the last
 * 244 us of each second, the SET protocol (frozen registers, the guest's
 * time taken when SET clears, counting on from it), a single field written
 * while the clock runs, invalid settings refused, two domains' clocks apart,
 * the read-only registers, CMOS RAM, the alarm's next time (don't-care
 * fields, BCD and binary, 12-hour, the current second, fields no time has,
 * AIE and SET), and through a bus: the index port's NMI bit, the data port,
 * the byte-wide split and what the index port reads.
 */
#include <string.h>

#include "dev/rtc.h"
#include "check.h"

#define KHZ      2000000u                 /* a 2 GHz TSC */
#define HZ       (KHZ * 1000ULL)
#define T0       5000000000ULL            /* the TSC when the hypervisor read the wall clock */
#define WALL     1796319091ULL            /* 2026-12-03 17:31:31 UTC, a Thursday */

static struct rtc r;

static void setup(void)
{
	memset(&r, 0x5a, sizeof r);
	rtc_init(&r, WALL, T0, KHZ);
}

static void test_time_at_creation_bcd_24h(void)
{
	setup();
	uint64_t t = T0 + HZ / 2;
	CHECK_EQ(rtc_read(&r, RTC_SECONDS, t), 0x31);
	CHECK_EQ(rtc_read(&r, RTC_MINUTES, t), 0x31);
	CHECK_EQ(rtc_read(&r, RTC_HOURS, t), 0x17);
	CHECK_EQ(rtc_read(&r, RTC_DAY_OF_WEEK, t), 5);     /* Sunday is 1 */
	CHECK_EQ(rtc_read(&r, RTC_DAY_OF_MONTH, t), 0x03);
	CHECK_EQ(rtc_read(&r, RTC_MONTH, t), 0x12);
	CHECK_EQ(rtc_read(&r, RTC_YEAR, t), 0x26);
	CHECK_EQ(rtc_read(&r, RTC_CENTURY, t), 0x20);
	CHECK_EQ(rtc_read(&r, RTC_REG_A, t), RTC_A_DV_32KHZ | RTC_A_RS_1024HZ);
	CHECK_EQ(rtc_read(&r, RTC_REG_B, t), RTC_B_24H);
	CHECK_EQ(rtc_read(&r, RTC_REG_D, t), RTC_D_VRT);
}

static void test_runs_with_the_tsc(void)
{
	setup();
	CHECK_EQ(rtc_read(&r, RTC_SECONDS, T0 + HZ - 1), 0x31);
	CHECK_EQ(rtc_read(&r, RTC_SECONDS, T0 + HZ), 0x32);
	/* 28 s + 30 min later: 18:00:00 (and the day rolls over 6 h 28 min 29 s after that). */
	uint64_t t = T0 + (28 + 28 * 60 + 1) * HZ;
	CHECK_EQ(rtc_read(&r, RTC_SECONDS, t), 0x00);
	CHECK_EQ(rtc_read(&r, RTC_MINUTES, t), 0x00);
	CHECK_EQ(rtc_read(&r, RTC_HOURS, t), 0x18);
	t = T0 + (6 * 3600 + 28 * 60 + 29) * HZ;
	CHECK_EQ(rtc_read(&r, RTC_HOURS, t), 0x00);
	CHECK_EQ(rtc_read(&r, RTC_DAY_OF_MONTH, t), 0x04);
	CHECK_EQ(rtc_read(&r, RTC_DAY_OF_WEEK, t), 6);
	CHECK_EQ(rtc_now_secs(&r, t), WALL + 6 * 3600 + 28 * 60 + 29);
}

static void test_binary_and_12_hour(void)
{
	setup();
	rtc_write(&r, RTC_REG_B, RTC_B_DM_BINARY, T0);   /* binary, 12-hour */
	CHECK_EQ(rtc_read(&r, RTC_HOURS, T0), 5 | RTC_HOURS_PM);
	CHECK_EQ(rtc_read(&r, RTC_MINUTES, T0), 31);
	CHECK_EQ(rtc_read(&r, RTC_YEAR, T0), 26);
	CHECK_EQ(rtc_read(&r, RTC_CENTURY, T0), 20);
	/* Midnight and noon are 12 in 12-hour mode. */
	uint64_t midnight = T0 + (6 * 3600 + 28 * 60 + 29) * HZ;
	CHECK_EQ(rtc_read(&r, RTC_HOURS, midnight), 12);
	CHECK_EQ(rtc_read(&r, RTC_HOURS, midnight + 12 * 3600 * HZ), 12 | RTC_HOURS_PM);
	rtc_write(&r, RTC_REG_B, 0, T0);                 /* BCD, 12-hour */
	CHECK_EQ(rtc_read(&r, RTC_HOURS, T0), 0x05 | RTC_HOURS_PM);
}

static void test_uip_last_244us(void)
{
	setup();
	uint64_t window = HZ * RTC_UIP_US / 1000000;     /* 488000 cycles at 2 GHz */
	CHECK_EQ(rtc_read(&r, RTC_REG_A, T0) & RTC_A_UIP, 0);
	CHECK_EQ(rtc_read(&r, RTC_REG_A, T0 + HZ - window - 1) & RTC_A_UIP, 0);
	CHECK(rtc_read(&r, RTC_REG_A, T0 + HZ - window) & RTC_A_UIP);
	CHECK(rtc_read(&r, RTC_REG_A, T0 + HZ - 1) & RTC_A_UIP);
	CHECK_EQ(rtc_read(&r, RTC_REG_A, T0 + HZ) & RTC_A_UIP, 0);
	/* A wait-for-UIP-clear loop that polls every microsecond ends within 245 polls. */
	uint64_t t = T0 + 3 * HZ - window;
	unsigned polls = 0;
	while (rtc_read(&r, RTC_REG_A, t) & RTC_A_UIP && polls < 1000)
		t += HZ / 1000000, polls++;
	CHECK(polls >= 243 && polls <= 245);
	/* UIP reads 0 while SET holds the clock. */
	rtc_write(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, T0);
	CHECK_EQ(rtc_read(&r, RTC_REG_A, T0 + HZ - 1) & RTC_A_UIP, 0);
	/* Register A keeps its rate bits; UIP is not the guest's to write. */
	rtc_write(&r, RTC_REG_A, 0xff, T0);
	CHECK_EQ(rtc_read(&r, RTC_REG_A, T0), RTC_A_WRITABLE);
}

static void set_time(uint64_t t, uint8_t b, const uint8_t regs[8])
{
	static const uint8_t order[8] = { RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK, RTC_DAY_OF_MONTH,
	                                  RTC_MONTH, RTC_YEAR, RTC_CENTURY };
	rtc_write(&r, RTC_REG_B, b | RTC_B_SET, t);
	for (unsigned i = 0; i < 8; i++)
		rtc_write(&r, order[i], regs[i], t);
	rtc_write(&r, RTC_REG_B, b, t);
}

static void test_set_protocol(void)
{
	setup();
	uint64_t t = T0 + 10 * HZ + 12345;
	rtc_write(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, t);
	/* Frozen: the registers hold the time SET was raised at, however long it stays. */
	CHECK_EQ(rtc_read(&r, RTC_SECONDS, t + 100 * HZ), 0x41);
	rtc_write(&r, RTC_SECONDS, 0x59, t);
	CHECK_EQ(rtc_read(&r, RTC_SECONDS, t + 100 * HZ), 0x59);
	CHECK_EQ(rtc_now_secs(&r, t), WALL + 10);         /* not taken until SET clears */
	/* 1999-12-31 23:59:58, BCD 24-hour, taken when SET clears at t2. */
	static const uint8_t y2k[8] = { 0x58, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x19 };
	uint64_t t2 = t + 7 * HZ;
	set_time(t2, RTC_B_24H, y2k);
	CHECK_EQ(rtc_now_secs(&r, t2), 946684798ULL);
	/* A fresh second starts at t2: two seconds later it is 2000-01-01 00:00:00. */
	CHECK_EQ(rtc_read(&r, RTC_SECONDS, t2 + 2 * HZ - 1), 0x59);
	uint64_t t3 = t2 + 2 * HZ;
	CHECK_EQ(rtc_read(&r, RTC_SECONDS, t3), 0x00);
	CHECK_EQ(rtc_read(&r, RTC_HOURS, t3), 0x00);
	CHECK_EQ(rtc_read(&r, RTC_DAY_OF_MONTH, t3), 0x01);
	CHECK_EQ(rtc_read(&r, RTC_MONTH, t3), 0x01);
	CHECK_EQ(rtc_read(&r, RTC_YEAR, t3), 0x00);
	CHECK_EQ(rtc_read(&r, RTC_CENTURY, t3), 0x20);
	CHECK_EQ(rtc_read(&r, RTC_DAY_OF_WEEK, t3), 7);   /* Saturday */
	/* UIP follows the new second's boundary. */
	CHECK(rtc_read(&r, RTC_REG_A, t3 - 1) & RTC_A_UIP);
}

static void test_set_binary_12_hour(void)
{
	setup();
	/* 2030-06-15 12:30:00 is 12 PM; 00:xx is 12 AM. Binary, 12-hour. */
	static const uint8_t noon[8] = { 0, 30, 12 | RTC_HOURS_PM, 7, 15, 6, 30, 20 };
	set_time(T0, RTC_B_DM_BINARY, noon);
	CHECK_EQ(rtc_now_secs(&r, T0), 1907757000ULL);
	static const uint8_t am[8] = { 0, 30, 12, 7, 15, 6, 30, 20 };
	set_time(T0, RTC_B_DM_BINARY, am);
	CHECK_EQ(rtc_now_secs(&r, T0), 1907757000ULL - 12 * 3600);
}

static void test_invalid_setting_refused(void)
{
	setup();
	static const uint8_t bad[][8] = {
		{ 0x00, 0x00, 0x00, 0x01, 0x31, 0x02, 0x26, 0x20 },   /* 31 February */
		{ 0x0a, 0x00, 0x00, 0x01, 0x01, 0x01, 0x26, 0x20 },   /* not BCD */
		{ 0x00, 0x60, 0x00, 0x01, 0x01, 0x01, 0x26, 0x20 },   /* minute 60 */
		{ 0x00, 0x00, 0x24, 0x01, 0x01, 0x01, 0x26, 0x20 },   /* hour 24 */
		{ 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x69, 0x19 },   /* 1969: before the clock's range */
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		set_time(T0 + HZ, RTC_B_24H, bad[i]);
		CHECK_EQ(rtc_now_secs(&r, T0 + HZ), WALL + 1);
	}
	/* A 12-hour hour of 0 is no hour. */
	static const uint8_t zero_hour[8] = { 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x26, 0x20 };
	set_time(T0 + HZ, 0, zero_hour);
	CHECK_EQ(rtc_now_secs(&r, T0 + HZ), WALL + 1);
}

static void test_single_field_while_running(void)
{
	setup();
	uint64_t t = T0 + 3 * HZ;                 /* 17:31:34 */
	rtc_write(&r, RTC_MINUTES, 0x45, t);
	CHECK_EQ(rtc_read(&r, RTC_MINUTES, t), 0x45);
	CHECK_EQ(rtc_read(&r, RTC_SECONDS, t), 0x34);
	CHECK_EQ(rtc_read(&r, RTC_HOURS, t + 60 * HZ), 0x17);
	CHECK_EQ(rtc_read(&r, RTC_MINUTES, t + 60 * HZ), 0x46);
	rtc_write(&r, RTC_MINUTES, 0x99, t);      /* not BCD: ignored */
	CHECK_EQ(rtc_read(&r, RTC_MINUTES, t), 0x45);
}

static void test_two_clocks_apart(void)
{
	struct rtc other;
	setup();
	rtc_init(&other, WALL, T0, KHZ);
	static const uint8_t y2k[8] = { 0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20 };
	set_time(T0, RTC_B_24H, y2k);
	CHECK_EQ(rtc_now_secs(&r, T0 + HZ), RTC_FALLBACK_SECS + 1);
	CHECK_EQ(rtc_now_secs(&other, T0 + HZ), WALL + 1);
}

static void test_registers_c_d_and_ram(void)
{
	setup();
	rtc_write(&r, RTC_REG_B, RTC_B_24H | RTC_B_PIE | RTC_B_AIE | RTC_B_UIE, T0);
	CHECK_EQ(rtc_read(&r, RTC_REG_B, T0), RTC_B_24H | RTC_B_PIE | RTC_B_AIE | RTC_B_UIE);
	CHECK_EQ(rtc_read(&r, RTC_REG_C, T0 + 5 * HZ), 0);   /* no interrupt is raised, no flag set */
	rtc_write(&r, RTC_REG_C, 0xff, T0);
	rtc_write(&r, RTC_REG_D, 0x00, T0);
	CHECK_EQ(rtc_read(&r, RTC_REG_C, T0), 0);
	CHECK_EQ(rtc_read(&r, RTC_REG_D, T0), RTC_D_VRT);
	/* Alarm registers and the RAM keep what is written; the RAM starts zeroed. */
	CHECK_EQ(rtc_read(&r, 0x0e, T0), 0);
	CHECK_EQ(rtc_read(&r, 0x7f, T0), 0);
	rtc_write(&r, RTC_SECONDS_ALARM, 0x42, T0);
	rtc_write(&r, 0x0e, 0x11, T0);
	rtc_write(&r, 0x7f, 0xa5, T0);
	CHECK_EQ(rtc_read(&r, RTC_SECONDS_ALARM, T0 + 9 * HZ), 0x42);
	CHECK_EQ(rtc_read(&r, 0x0e, T0), 0x11);
	CHECK_EQ(rtc_read(&r, 0x7f, T0), 0xa5);
	CHECK_EQ(rtc_now_secs(&r, T0), WALL);
}

static void test_unknown_tsc_rate(void)
{
	rtc_init(&r, WALL, 0, 0);
	CHECK_EQ(rtc_now_secs(&r, 1000000000ULL), WALL + 1);
}

static void set_alarm(uint8_t hour, uint8_t minute, uint8_t second, uint64_t t)
{
	rtc_write(&r, RTC_HOURS_ALARM, hour, t);
	rtc_write(&r, RTC_MINUTES_ALARM, minute, t);
	rtc_write(&r, RTC_SECONDS_ALARM, second, t);
}

/* From 17:31:31 and a half: when the alarm next goes off, as the TSC of that second's update. */
static void test_next_alarm(void)
{
	setup();
	uint64_t t = T0 + HZ / 2;
	set_alarm(0xc0, 0xc0, 0xc0, t);
	CHECK_EQ(rtc_next_alarm(&r, t), 0);                    /* AIE clear */
	rtc_write(&r, RTC_REG_B, RTC_B_24H | RTC_B_AIE, t);
	CHECK_EQ(rtc_next_alarm(&r, t), T0 + HZ);              /* every second: the next update */
	set_alarm(0x18, 0x00, 0x00, t);
	CHECK_EQ(rtc_next_alarm(&r, t), T0 + (28 * 60 + 29) * HZ);
	set_alarm(0xff, 0xc0, 0x05, t);                        /* any hour and minute, second 5 */
	CHECK_EQ(rtc_next_alarm(&r, t), T0 + 34 * HZ);
	set_alarm(0x17, 0x31, 0x31, t);                        /* this very second: tomorrow's */
	CHECK_EQ(rtc_next_alarm(&r, t), T0 + 86400 * HZ);
	set_alarm(0x17, 0x30, 0xc0, t);                        /* a minute gone by: tomorrow's first second of it */
	CHECK_EQ(rtc_next_alarm(&r, t), T0 + (86400 - 91) * HZ);
	set_alarm(0x24, 0x00, 0x00, t);                        /* no hour 24 */
	CHECK_EQ(rtc_next_alarm(&r, t), 0);
	set_alarm(0x17, 0x3a, 0x00, t);                        /* not BCD */
	CHECK_EQ(rtc_next_alarm(&r, t), 0);
	/* Binary, 12-hour: 6 PM is 18:00. */
	rtc_write(&r, RTC_REG_B, RTC_B_DM_BINARY | RTC_B_AIE, t);
	set_alarm(RTC_HOURS_PM | 6, 0, 0, t);
	CHECK_EQ(rtc_next_alarm(&r, t), T0 + (28 * 60 + 29) * HZ);
	set_alarm(6, 0, 0, t);                                 /* 6 AM: tomorrow */
	CHECK_EQ(rtc_next_alarm(&r, t), T0 + (12 * 3600 + 28 * 60 + 29) * HZ);
	/* SET holds the clock: no update, no alarm. */
	rtc_write(&r, RTC_REG_B, RTC_B_DM_BINARY | RTC_B_AIE | RTC_B_SET, t);
	CHECK_EQ(rtc_next_alarm(&r, t), 0);
}

static void test_ports_through_bus(void)
{
	struct bus bus;
	struct spinlock lock = SPINLOCK_INIT;
	setup();
	bus_init(&bus);
	CHECK_EQ(bus_add(&bus.port, RTC_PORT_INDEX, RTC_PORTS, &rtc_bus_device, &r, &lock), 0);
	/* Bit 7 of the index is the NMI mask, not part of the register number. */
	CHECK_EQ(bus_port_out(&bus, 0, RTC_PORT_INDEX, 1, RTC_INDEX_NMI_DISABLE | 0x40), BUS_OK);
	CHECK_EQ(bus_port_out(&bus, 0, RTC_PORT_DATA, 1, 0x77), BUS_OK);
	CHECK_EQ(r.cmos[0x40], 0x77);
	CHECK_EQ(bus_port_out(&bus, 0, RTC_PORT_INDEX, 1, RTC_REG_D), BUS_OK);
	CHECK_EQ(bus_port_in(&bus, 0, RTC_PORT_DATA, 1), RTC_D_VRT);
	CHECK_EQ(bus_port_in(&bus, 0, RTC_PORT_INDEX, 1), 0xff);
	/* A word access is two byte accesses: index 0x40, then its data. */
	CHECK_EQ(bus_port_out(&bus, 0, RTC_PORT_INDEX, 2, 0x5540), BUS_OK);
	CHECK_EQ(r.cmos[0x40], 0x55);
	CHECK_EQ(bus_port_in(&bus, 0, RTC_PORT_INDEX, 2), 0x55ff);
	/* The clock reads through the bus at the host's TSC: a valid BCD second. */
	bus_port_out(&bus, 0, RTC_PORT_INDEX, 1, RTC_SECONDS);
	uint32_t s = bus_port_in(&bus, 0, RTC_PORT_DATA, 1);
	CHECK((s >> 4) <= 5 && (s & 0xf) <= 9);
}

int main(void)
{
	RUN(test_time_at_creation_bcd_24h);
	RUN(test_runs_with_the_tsc);
	RUN(test_binary_and_12_hour);
	RUN(test_uip_last_244us);
	RUN(test_set_protocol);
	RUN(test_set_binary_12_hour);
	RUN(test_invalid_setting_refused);
	RUN(test_single_field_while_running);
	RUN(test_two_clocks_apart);
	RUN(test_registers_c_d_and_ram);
	RUN(test_unknown_tsc_rate);
	RUN(test_next_alarm);
	RUN(test_ports_through_bus);
	return CHECK_EXIT();
}
