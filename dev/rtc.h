/*
 * The real-time clock and CMOS RAM behind ports 0x70/0x71 (MC146818A, as
 * the PCH has it): an index port and a data port over 128 bytes, of which
 * the time, alarm and control registers are live and the rest is RAM. The
 * clock keeps no counter: the time is `base_secs` at TSC `base_tsc` plus
 * the TSC time since, so it runs without the device being touched, and a
 * guest that sets it moves only its own base. No interrupt is raised
 * (docs/platform.md, "RTC and CMOS"); the alarm is kept only as what wakes
 * a sleeping domain (dev/acpi_pm.h). Pure code; unit-tested on the host.
 */
#ifndef DEV_RTC_H
#define DEV_RTC_H

#include <stdint.h>
#include "dev/bus.h"
#include "hw/rtc.h"

/* The wall-clock time a domain starts from when the firmware gives none: 2000-01-01 00:00:00 UTC. */
#define RTC_FALLBACK_SECS 946684800ULL

struct rtc {
	uint8_t index;           /* the register port 0x71 reaches */
	uint8_t cmos[RTC_CMOS_BYTES];   /* RAM, registers A and B, and the time registers while SET holds them */
	uint64_t base_secs;      /* seconds since 1970 (UTC) at base_tsc, a second boundary */
	uint64_t base_tsc;
	uint64_t tsc_hz;         /* never 0 */
};

/* The clock reads wall_secs at TSC wall_tsc; registers A, B and D as firmware leaves them. */
void rtc_init(struct rtc *r, uint64_t wall_secs, uint64_t wall_tsc, uint32_t tsc_khz);
/* Register reg (0..127) read or written at TSC tsc: the device's state machine. */
uint8_t rtc_read(struct rtc *r, unsigned reg, uint64_t tsc);
void rtc_write(struct rtc *r, unsigned reg, uint8_t val, uint64_t tsc);
/* The guest's time at tsc, seconds since 1970 (UTC). */
uint64_t rtc_now_secs(const struct rtc *r, uint64_t tsc);
/*
 * The TSC at which the alarm next goes off after tsc: the first update to
 * a time that the alarm registers match, within a day. 0 when it cannot go
 * off: AIE clear, the clock held by SET, or an alarm no time matches.
 */
uint64_t rtc_next_alarm(const struct rtc *r, uint64_t tsc);

/* Ports 0x70-0x71, byte-wide, at the current TSC; dev is its struct rtc. */
extern const struct bus_device rtc_bus_device;

#endif
