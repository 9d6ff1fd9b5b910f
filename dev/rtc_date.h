/*
 * Calendar arithmetic for the real-time clock: a proleptic Gregorian date
 * and time of day (UTC) to and from seconds since 1970-01-01 00:00:00. The
 * UEFI phase turns the firmware's GetTime into seconds with it, and the RTC
 * model turns seconds into its registers and a guest's setting back.
 * Pure code; unit-tested on the host.
 */
#ifndef DEV_RTC_DATE_H
#define DEV_RTC_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define RTC_DATE_MIN_YEAR 1970u
#define RTC_DATE_MAX_YEAR 9999u   /* four decimal digits: a century register and a year */
#define RTC_DATE_SECS_PER_DAY 86400u

struct rtc_date {
	unsigned year;       /* 1970..9999 */
	unsigned month;      /* 1..12 */
	unsigned day;        /* 1..days in the month */
	unsigned hour, minute, second;
	unsigned weekday;    /* 0 = Sunday; ignored by rtc_date_to_secs */
};

/* Whether d names a real moment in the range above (weekday not checked). */
bool rtc_date_valid(const struct rtc_date *d);
/* Seconds since 1970-01-01 00:00:00 for a date rtc_date_valid accepts. */
uint64_t rtc_date_to_secs(const struct rtc_date *d);
/* The date of secs, weekday included; secs must be below rtc_date_end(). */
void rtc_date_from_secs(uint64_t secs, struct rtc_date *d);
/* The first second after 9999-12-31 23:59:59. */
uint64_t rtc_date_end(void);

#endif
