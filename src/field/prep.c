/*
 * prep.c - the hazards, dates and text checks the preparedness modules
 * share (prep.h).
 */
#include "field/prep.h"

#include "core/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const char *const prep_hazards[PREP_HAZARDS] = {
    "flood", "fire", "epidemic", "earthquake", "heat_wave", "gas_leak", "power_cut",
};
static const char *const names_zh[PREP_HAZARDS] = {
    "洪涝", "火灾", "疫情", "地震", "高温", "燃气泄漏", "停电",
};
static const char *const names_en[PREP_HAZARDS] = {
    "Flood", "Fire", "Epidemic", "Earthquake", "Heat wave", "Gas leak", "Power cut",
};

static int hazard_index(const char *code)
{
	for (int i = 0; code && i < PREP_HAZARDS; i++)
		if (!strcmp(code, prep_hazards[i]))
			return i;
	return -1;
}

bool prep_hazard_valid(const char *code)
{
	return hazard_index(code) >= 0;
}

const char *prep_hazard_zh(const char *code)
{
	int i = hazard_index(code);
	return i < 0 ? NULL : names_zh[i];
}

const char *prep_hazard_en(const char *code)
{
	int i = hazard_index(code);
	return i < 0 ? NULL : names_en[i];
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool prep_date_valid(const char *s)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* Howard Hinnant's days_from_civil, in integers. */
int64_t prep_day_number(const char *s)
{
	int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int64_t m = (s[5] - '0') * 10 + (s[6] - '0');
	int64_t d = (s[8] - '0') * 10 + (s[9] - '0');
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void prep_today(char out[11], int64_t now)
{
	time_t t = (time_t)(now + 8 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int prep_text_check(const char *s, size_t max, bool empty_ok, const char *field, struct err *e)
{
	size_t len = s ? strlen(s) : 0;
	if (!s || (!len && !empty_ok))
		return err_set(e, ERR_INVALID, field, "%s is required", field);
	if (!utf8_valid(s, len) || utf8_has_control(s, len))
		return err_set(e, ERR_INVALID, field, "%s must be text without control characters",
		               field);
	if (utf8_count(s, len) > max)
		return err_set(e, ERR_INVALID, field, "%s: at most %zu characters", field, max);
	return 0;
}

void prep_path(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}
