/*
 * The RTC's registers over a clock computed from the TSC. While register
 * B's SET bit is clear, a read of a time register encodes the current time
 * in the data mode and hour format B selects; setting SET freezes the time
 * into the register bytes, which the guest then rewrites, and clearing it
 * takes them as the new time, starting a fresh second there. A lone write
 * to a time register while the clock runs does the same for that one
 * field. A setting that is no valid date (bad BCD, 31 February, a 12-hour
 * hour of 0) is not taken: the clock runs on from where it was.
 *
 * UIP (register A) is set for the last 244 us before each second's update,
 * as the MC146818A raises it before it changes the time registers: a reader
 * that waits for UIP to clear, then reads, sees one consistent time, and
 * its wait ends within 244 us.
 */
#include "dev/rtc.h"
#include "dev/rtc_date.h"
#include "lib/x86.h"

#define KHZ           1000u
#define US_PER_SEC    1000000u
#define RTC_FALLBACK_TSC_KHZ 1000000u   /* an unknown TSC rate: the clock still runs */

/* The registers that hold the time, in the order rtc_date's fields fill them. */
static const uint8_t time_regs[] = { RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK, RTC_DAY_OF_MONTH,
                                     RTC_MONTH, RTC_YEAR, RTC_CENTURY };

static bool is_time_reg(unsigned reg)
{
	for (unsigned i = 0; i < sizeof time_regs; i++)
		if (time_regs[i] == reg)
			return true;
	return false;
}

void rtc_init(struct rtc *r, uint64_t wall_secs, uint64_t wall_tsc, uint32_t tsc_khz)
{
	*r = (struct rtc){ .base_secs = wall_secs, .base_tsc = wall_tsc };
	r->tsc_hz = (uint64_t)(tsc_khz ? tsc_khz : RTC_FALLBACK_TSC_KHZ) * KHZ;
	r->cmos[RTC_REG_A] = RTC_A_DV_32KHZ | RTC_A_RS_1024HZ;
	r->cmos[RTC_REG_B] = RTC_B_24H;
}

uint64_t rtc_now_secs(const struct rtc *r, uint64_t tsc)
{
	return r->base_secs + (tsc - r->base_tsc) / r->tsc_hz;
}

static bool binary(const struct rtc *r)
{
	return r->cmos[RTC_REG_B] & RTC_B_DM_BINARY;
}

static uint8_t encode(const struct rtc *r, unsigned v)
{
	return binary(r) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* A field's value, or -1 when it is not a number in the data mode (a BCD digit above 9). */
static int decode(const struct rtc *r, uint8_t v)
{
	if (binary(r))
		return v;
	if ((v >> 4) > 9 || (v & 0xf) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0xf);
}

static uint8_t encode_hour(const struct rtc *r, unsigned hour)
{
	if (r->cmos[RTC_REG_B] & RTC_B_24H)
		return encode(r, hour);
	unsigned h12 = hour % 12 ? hour % 12 : 12;
	return encode(r, h12) | (hour >= 12 ? RTC_HOURS_PM : 0);
}

static int decode_hour(const struct rtc *r, uint8_t v)
{
	if (r->cmos[RTC_REG_B] & RTC_B_24H)
		return decode(r, v);
	int h12 = decode(r, v & (uint8_t)~RTC_HOURS_PM);
	if (h12 < 1 || h12 > 12)
		return -1;
	return h12 % 12 + (v & RTC_HOURS_PM ? 12 : 0);
}

/* The time at tsc into the time registers, in the format register B selects. */
static void latch(struct rtc *r, uint64_t tsc)
{
	struct rtc_date d;
	rtc_date_from_secs(rtc_now_secs(r, tsc), &d);
	r->cmos[RTC_SECONDS] = encode(r, d.second);
	r->cmos[RTC_MINUTES] = encode(r, d.minute);
	r->cmos[RTC_HOURS] = encode_hour(r, d.hour);
	r->cmos[RTC_DAY_OF_WEEK] = encode(r, d.weekday + 1);
	r->cmos[RTC_DAY_OF_MONTH] = encode(r, d.day);
	r->cmos[RTC_MONTH] = encode(r, d.month);
	r->cmos[RTC_YEAR] = encode(r, d.year % 100);
	r->cmos[RTC_CENTURY] = encode(r, d.year / 100);
}

/* The time registers as the clock's new time from tsc on; left as it was when they name no valid date. */
static void take_setting(struct rtc *r, uint64_t tsc)
{
	int f[] = { decode(r, r->cmos[RTC_SECONDS]), decode(r, r->cmos[RTC_MINUTES]), decode_hour(r, r->cmos[RTC_HOURS]),
	            decode(r, r->cmos[RTC_DAY_OF_MONTH]), decode(r, r->cmos[RTC_MONTH]),
	            decode(r, r->cmos[RTC_YEAR]), decode(r, r->cmos[RTC_CENTURY]) };
	for (unsigned i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i] < 0)
			return;
	struct rtc_date d = { .second = (unsigned)f[0], .minute = (unsigned)f[1], .hour = (unsigned)f[2],
	                      .day = (unsigned)f[3], .month = (unsigned)f[4],
	                      .year = (unsigned)f[6] * 100 + (unsigned)f[5] };
	if (!rtc_date_valid(&d))
		return;
	r->base_secs = rtc_date_to_secs(&d);
	r->base_tsc = tsc;
}

/* Within the last RTC_UIP_US of the current second. */
static bool update_in_progress(const struct rtc *r, uint64_t tsc)
{
	uint64_t into_second = (tsc - r->base_tsc) % r->tsc_hz;
	return into_second >= r->tsc_hz - r->tsc_hz * RTC_UIP_US / US_PER_SEC;
}

static bool set_held(const struct rtc *r)
{
	return r->cmos[RTC_REG_B] & RTC_B_SET;
}

/* An alarm field: its value, RTC_ALARM_ANY for "don't care" (bits 7:6 set), -1 when no time has it. */
#define RTC_ALARM_ANY (-2)
static int alarm_field(const struct rtc *r, unsigned reg, int max)
{
	uint8_t v = r->cmos[reg];
	if ((v & RTC_ALARM_DONT_CARE) == RTC_ALARM_DONT_CARE)
		return RTC_ALARM_ANY;
	int f = reg == RTC_HOURS_ALARM ? decode_hour(r, v) : decode(r, v);
	return f <= max ? f : -1;
}

static bool alarm_matches(int field, unsigned v)
{
	return field == RTC_ALARM_ANY || field == (int)v;
}

uint64_t rtc_next_alarm(const struct rtc *r, uint64_t tsc)
{
	int s = alarm_field(r, RTC_SECONDS_ALARM, 59), m = alarm_field(r, RTC_MINUTES_ALARM, 59),
	    h = alarm_field(r, RTC_HOURS_ALARM, 23);
	if (!(r->cmos[RTC_REG_B] & RTC_B_AIE) || set_held(r) || s == -1 || m == -1 || h == -1)
		return 0;
	uint64_t now = rtc_now_secs(r, tsc);
	unsigned of_day = (unsigned)(now % RTC_DATE_SECS_PER_DAY);
	unsigned sec = of_day % 60, min = of_day / 60 % 60, hour = of_day / 3600;
	/* Each update in turn, counted on the fields rather than divided out: a day is 86400 steps at most. */
	for (uint64_t t = now + 1; t <= now + RTC_DATE_SECS_PER_DAY; t++) {
		if (++sec == 60) {
			sec = 0;
			if (++min == 60) {
				min = 0;
				hour = (hour + 1) % 24;
			}
		}
		if (alarm_matches(s, sec) && alarm_matches(m, min) && alarm_matches(h, hour))
			return r->base_tsc + (t - r->base_secs) * r->tsc_hz;
	}
	return 0;
}

uint8_t rtc_read(struct rtc *r, unsigned reg, uint64_t tsc)
{
	reg &= RTC_INDEX_MASK;
	if (is_time_reg(reg) && !set_held(r))
		latch(r, tsc);
	switch (reg) {
	case RTC_REG_A:
		return r->cmos[reg] | (!set_held(r) && update_in_progress(r, tsc) ? RTC_A_UIP : 0);
	case RTC_REG_C:
		return 0;   /* no interrupt flag is ever set: none is raised */
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		return r->cmos[reg];
	}
}

void rtc_write(struct rtc *r, unsigned reg, uint8_t val, uint64_t tsc)
{
	reg &= RTC_INDEX_MASK;
	if (is_time_reg(reg)) {
		bool running = !set_held(r);
		if (running)
			latch(r, tsc);
		r->cmos[reg] = val;
		if (running)
			take_setting(r, tsc);
		return;
	}
	switch (reg) {
	case RTC_REG_A:
		r->cmos[reg] = val & RTC_A_WRITABLE;
		break;
	case RTC_REG_B: {
		bool was_set = set_held(r), now_set = val & RTC_B_SET;
		r->cmos[reg] = val;
		if (!was_set && now_set)
			latch(r, tsc);        /* frozen in the format just chosen */
		else if (was_set && !now_set)
			take_setting(r, tsc);
		break;
	}
	case RTC_REG_C:
	case RTC_REG_D:
		break;            /* read-only */
	default:
		r->cmos[reg] = val;
	}
}

static uint64_t rtc_bus_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	struct rtc *r = dev;
	(void)vcpu, (void)size;
	if (off == RTC_PORT_DATA - RTC_PORT_INDEX)
		return rtc_read(r, r->index, rdtsc());
	return bus_open(1);   /* the index port is write-only: reads float, as QEMU answers them */
}

static enum bus_result rtc_bus_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct rtc *r = dev;
	(void)vcpu, (void)size;
	if (off == RTC_PORT_DATA - RTC_PORT_INDEX)
		rtc_write(r, r->index, (uint8_t)val, rdtsc());
	else
		r->index = (uint8_t)val & RTC_INDEX_MASK;   /* bit 7 masks NMIs, and none is ever delivered */
	return BUS_OK;
}

const struct bus_device rtc_bus_device = { "RTC/CMOS", rtc_bus_read, rtc_bus_write, BUS_BYTE_REGS };
