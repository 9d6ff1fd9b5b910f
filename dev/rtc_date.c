/*
 * Days are counted in 400-year eras of 146097 days, starting each year on
 * 1 March so that the leap day ends the year and every month before it has
 * a fixed length (the month lengths from March repeat 31, 30, 31, 30, 31
 * and sum to 153 days every five months). 1970-01-01 is day 719468 counted
 * from 0000-03-01 in that scheme, and a Thursday.
 */
#include "dev/rtc_date.h"

#define DAYS_PER_ERA   146097u
#define YEARS_PER_ERA  400u
#define EPOCH_DAYS     719468u   /* 0000-03-01 .. 1970-01-01 */
#define EPOCH_WEEKDAY  4u        /* Thursday */

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
	static const unsigned char len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return len[m - 1] + (m == 2 && leap(y));
}

bool rtc_date_valid(const struct rtc_date *d)
{
	return d->year >= RTC_DATE_MIN_YEAR && d->year <= RTC_DATE_MAX_YEAR && d->month >= 1 && d->month <= 12 &&
	       d->day >= 1 && d->day <= days_in_month(d->year, d->month) && d->hour < 24 && d->minute < 60 &&
	       d->second < 60;
}

/* Days from 0000-03-01 to y-m-d. */
static uint64_t day_number(unsigned y, unsigned m, unsigned d)
{
	if (m <= 2)
		y--;
	unsigned era = y / YEARS_PER_ERA, yoe = y % YEARS_PER_ERA;
	unsigned mp = m > 2 ? m - 3 : m + 9;             /* months since March */
	unsigned doy = (153 * mp + 2) / 5 + d - 1;       /* day of the March-based year */
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * DAYS_PER_ERA + doe;
}

uint64_t rtc_date_to_secs(const struct rtc_date *d)
{
	uint64_t days = day_number(d->year, d->month, d->day) - EPOCH_DAYS;
	return days * RTC_DATE_SECS_PER_DAY + d->hour * 3600u + d->minute * 60u + d->second;
}

void rtc_date_from_secs(uint64_t secs, struct rtc_date *d)
{
	uint64_t days = secs / RTC_DATE_SECS_PER_DAY;
	unsigned rem = (unsigned)(secs % RTC_DATE_SECS_PER_DAY);
	d->hour = rem / 3600;
	d->minute = rem / 60 % 60;
	d->second = rem % 60;
	d->weekday = (unsigned)((days + EPOCH_WEEKDAY) % 7);

	uint64_t z = days + EPOCH_DAYS;
	unsigned era = (unsigned)(z / DAYS_PER_ERA), doe = (unsigned)(z % DAYS_PER_ERA);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / (DAYS_PER_ERA - 1)) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	d->day = doy - (153 * mp + 2) / 5 + 1;
	d->month = mp < 10 ? mp + 3 : mp - 9;
	d->year = era * YEARS_PER_ERA + yoe + (d->month <= 2);
}

uint64_t rtc_date_end(void)
{
	return (day_number(RTC_DATE_MAX_YEAR + 1, 1, 1) - EPOCH_DAYS) * RTC_DATE_SECS_PER_DAY;
}
