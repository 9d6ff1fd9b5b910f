/*
 * Host tests for the RTC's calendar: known dates against their Unix times
 * (the epoch, leap days, century rules, the 2038 boundary, the last
 * representable second), the weekday, every day of four centuries round
 * trip, and the dates rtc_date_valid refuses.
 */
#include "dev/rtc_date.h"
#include "check.h"

static struct rtc_date date(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	return (struct rtc_date){ .year = y, .month = mo, .day = d, .hour = h, .minute = mi, .second = s };
}

static void test_known_dates(void)
{
	static const struct { struct rtc_date d; uint64_t secs; unsigned weekday; } known[] = {
		{ { 1970, 1, 1, 0, 0, 0, 0 }, 0, 4 },
		{ { 2000, 1, 1, 0, 0, 0, 0 }, 946684800, 6 },
		{ { 2000, 2, 29, 12, 0, 0, 0 }, 951825600, 2 },
		{ { 2038, 1, 19, 3, 14, 8, 0 }, 2147483648ULL, 2 },
		{ { 2100, 3, 1, 0, 0, 0, 0 }, 4107542400ULL, 1 },
		{ { 2026, 12, 3, 17, 31, 31, 0 }, 1796319091ULL, 4 },
		{ { 9999, 12, 31, 23, 59, 59, 0 }, 253402300799ULL, 5 },
	};
	for (unsigned i = 0; i < sizeof known / sizeof known[0]; i++) {
		CHECK_EQ(rtc_date_to_secs(&known[i].d), known[i].secs);
		struct rtc_date d;
		rtc_date_from_secs(known[i].secs, &d);
		CHECK_EQ(d.year, known[i].d.year);
		CHECK_EQ(d.month, known[i].d.month);
		CHECK_EQ(d.day, known[i].d.day);
		CHECK_EQ(d.hour, known[i].d.hour);
		CHECK_EQ(d.minute, known[i].d.minute);
		CHECK_EQ(d.second, known[i].d.second);
		CHECK_EQ(d.weekday, known[i].weekday);
	}
	CHECK_EQ(rtc_date_end(), 253402300800ULL);
}

/* Every day from 1970 for 400 years: consecutive, valid, and back to the same second. */
static void test_round_trip_every_day(void)
{
	struct rtc_date prev;
	rtc_date_from_secs(0, &prev);
	for (uint64_t day = 1; day < 146097; day++) {
		uint64_t secs = day * 86400 + 3723;
		struct rtc_date d;
		rtc_date_from_secs(secs, &d);
		CHECK(rtc_date_valid(&d));
		CHECK_EQ(rtc_date_to_secs(&d), secs);
		CHECK_EQ(d.weekday, (prev.weekday + 1) % 7);
		bool next_day = d.day == prev.day + 1 && d.month == prev.month && d.year == prev.year;
		bool next_month = d.day == 1 && (d.month == prev.month + 1 || (d.month == 1 && prev.month == 12));
		CHECK(next_day || next_month);
		if (!(next_day || next_month))
			return;
		prev = d;
	}
}

static void test_invalid(void)
{
	struct rtc_date ok = date(2024, 2, 29, 23, 59, 59);
	CHECK(rtc_date_valid(&ok));
	static const struct rtc_date bad[] = {
		{ 2023, 2, 29, 0, 0, 0, 0 }, { 2100, 2, 29, 0, 0, 0, 0 }, { 2024, 4, 31, 0, 0, 0, 0 },
		{ 2024, 0, 1, 0, 0, 0, 0 },  { 2024, 13, 1, 0, 0, 0, 0 }, { 2024, 1, 0, 0, 0, 0, 0 },
		{ 2024, 1, 1, 24, 0, 0, 0 }, { 2024, 1, 1, 0, 60, 0, 0 }, { 2024, 1, 1, 0, 0, 60, 0 },
		{ 1969, 12, 31, 0, 0, 0, 0 }, { 10000, 1, 1, 0, 0, 0, 0 },
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(!rtc_date_valid(&bad[i]));
	struct rtc_date y2000 = date(2000, 2, 29, 0, 0, 0);
	CHECK(rtc_date_valid(&y2000));
}

int main(void)
{
	RUN(test_known_dates);
	RUN(test_round_trip_every_day);
	RUN(test_invalid);
	return CHECK_EXIT();
}
