/*
 * idcard.c - see idcard.h.
 *
 * The input is first scanned into at most 18 ASCII characters: full-width
 * digits and Ｘ (what a Chinese input method types, U+FF10-FF19, U+FF38,
 * U+FF58) become their ASCII forms, any other character is kept as a marker
 * so that its position can be named.  Every later check works on that small
 * array, so nothing past len is read and no message quotes raw bytes (the
 * message travels to the browser as a JSON string and must be UTF-8).
 */
#include "registry/idcard.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

enum {
	OTHER = 0x01, /* marker: a character that is not ASCII */
	SCAN_MAX = IDCARD_LEN,
};

static const char FIELD[] = "id_number";

struct scan {
	char c[SCAN_MAX]; /* the first SCAN_MAX characters, ASCII or OTHER */
	size_t n;         /* characters in the input (may exceed SCAN_MAX) */
	bool sci;         /* holds '+' and 'E': a spreadsheet's 1.1E+17 */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Reads s[0..len) character by character into sc. */
static void scan(struct scan *sc, const unsigned char *s, size_t len)
{
	bool plus = false, exp = false;
	size_t i = 0;

	sc->n = 0;
	while (i < len) {
		char c;
		if (s[i] < 0x80) {
			c = (char)s[i++];
		} else if (len - i >= 3 && s[i] == 0xef && s[i + 1] == 0xbc && s[i + 2] >= 0x90 &&
			   s[i + 2] <= 0x99) {
			c = (char)('0' + (s[i + 2] - 0x90)); /* ０-９ */
			i += 3;
		} else if (len - i >= 3 && s[i] == 0xef &&
			   ((s[i + 1] == 0xbc && s[i + 2] == 0xb8) ||
			    (s[i + 1] == 0xbd && s[i + 2] == 0x98))) {
			c = 'X'; /* Ｘ or ｘ */
			i += 3;
		} else {
			c = OTHER;
			i++;
			while (i < len && (s[i] & 0xc0) == 0x80)
				i++; /* the rest of the sequence, if any */
		}
		plus |= c == '+';
		exp |= c == 'E' || c == 'e';
		if (sc->n < SCAN_MAX)
			sc->c[sc->n] = c;
		sc->n++;
	}
	sc->sci = plus && exp;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Names the character at 0-based position i of sc in e. */
static int bad_char(struct err *e, const struct scan *sc, size_t i, const char *want)
{
	char c = sc->c[i];
	if (c == OTHER)
		return err_set(e, ERR_INVALID, FIELD, "ID number: character %zu must be %s", i + 1,
			       want);
	if (c > 0x20 && c < 0x7f)
		return err_set(e, ERR_INVALID, FIELD, "ID number: character %zu ('%c') must be %s",
			       i + 1, c, want);
	return err_set(e, ERR_INVALID, FIELD, "ID number: character %zu (byte 0x%02X) must be %s",
		       i + 1, (unsigned)(unsigned char)c, want);
}

/* The province-level codes of GB/T 2260, and 81-83 for the residence permits
 * of Hong Kong, Macao and Taiwan residents. */
static bool is_province(int p)
{
	static const unsigned char codes[] = {
		11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
		44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
	};
	for (size_t i = 0; i < sizeof(codes); i++)
		if (codes[i] == p)
			return true;
	return false;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Checks the 8 digits of date (yyyymmdd). */
static int check_date(const char *date, int32_t today, struct err *e)
{
	int y = num(date, 4), m = num(date + 4, 2), d = num(date + 6, 2);
	int32_t ymd = (int32_t)(y * 10000 + m * 100 + d);

	if (m < 1 || m > 12)
		return err_set(e, ERR_INVALID, FIELD,
			       "ID number: birth date %.8s is not a date (there is no month %02d)",
			       date, m);
	if (d < 1 || d > days_in_month(y, m))
		return err_set(e, ERR_INVALID, FIELD,
			       "ID number: birth date %.8s is not a date "
			       "(month %02d of %04d has %d days)",
			       date, m, y, days_in_month(y, m));
	if (ymd < IDCARD_MIN_BIRTH)
		return err_set(e, ERR_INVALID, FIELD, "ID number: birth date %.8s is before 1900",
			       date);
	if (ymd > today)
		return err_set(e, ERR_INVALID, FIELD, "ID number: birth date %.8s is in the future",
			       date);
	return 0;
}

char idcard_check_char(const char *digits17)
{
	static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char map[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		assert(is_digit(digits17[i]));
		sum += (digits17[i] - '0') * weight[i];
	}
	return map[sum % 11];
}

int idcard_normalize(char out[IDCARD_LEN + 1], const char *in, size_t len,
		     int32_t today_yyyymmdd, struct err *e)
{
	struct scan sc;
	char id[IDCARD_LEN + 1];
	int rc = -1;

	assert(today_yyyymmdd >= IDCARD_MIN_BIRTH);
	while (len > 0 && is_blank(in[0])) {
		in++;
		len--;
	}
	while (len > 0 && is_blank(in[len - 1]))
		len--;
	scan(&sc, (const unsigned char *)in, len);

	if (sc.n == 0) {
		err_set(e, ERR_INVALID, FIELD, "ID number is empty");
		goto out;
	}
	if (sc.sci) {
		err_set(e, ERR_INVALID, FIELD,
			"ID number was turned into a number like 1.1E+17 by a spreadsheet and its "
			"digits are lost; format the column as text and type it again");
		goto out;
	}
	if (sc.n != IDCARD_LEN && sc.n != IDCARD_LEGACY_LEN) {
		err_set(e, ERR_INVALID, FIELD,
			"ID number must have 18 characters (15 on a first-generation card), "
			"not %zu",
			sc.n);
		goto out;
	}
	for (size_t i = 0; i < sc.n; i++) {
		if (is_digit(sc.c[i]))
			continue;
		if (i == IDCARD_LEN - 1 && (sc.c[i] == 'X' || sc.c[i] == 'x'))
			continue;
		bad_char(e, &sc, i, i == IDCARD_LEN - 1 ? "a digit or X" : "a digit");
		goto out;
	}
	if (sc.c[0] < '1' || sc.c[0] > '8' || !is_province(num(sc.c, 2))) {
		err_set(e, ERR_INVALID, FIELD,
			"ID number: region code %.6s (characters 1-6) is not in China: "
			"%.2s is no province's code",
			sc.c, sc.c);
		goto out;
	}

	if (sc.n == IDCARD_LEGACY_LEN) {
		/* 6 region digits, yymmdd of the 1900s, 3 sequence digits */
		memcpy(id, sc.c, 6);
		memcpy(id + 6, "19", 2);
		memcpy(id + 8, sc.c + 6, 9);
		id[17] = idcard_check_char(id);
	} else {
		memcpy(id, sc.c, IDCARD_LEN);
		if (id[17] == 'x')
			id[17] = 'X';
	}
	id[IDCARD_LEN] = '\0';

	if (check_date(id + 6, today_yyyymmdd, e) < 0)
		goto out;
	if (sc.n == IDCARD_LEN && idcard_check_char(id) != id[17]) {
		err_set(e, ERR_INVALID, FIELD,
			"ID number: the check character %c (character 18) does not match the first "
			"17 digits; one of them is probably mistyped",
			id[17]);
		goto out;
	}
	memcpy(out, id, sizeof(id));
	rc = 0;
out:
	return rc;
}

int32_t idcard_birth(const char *id)
{
	for (int i = 6; i < 14; i++)
		assert(is_digit(id[i]));
	return (int32_t)num(id + 6, 8);
}

enum idcard_gender idcard_gender(const char *id)
{
	assert(is_digit(id[16]));
	return (id[16] - '0') % 2 ? IDCARD_MALE : IDCARD_FEMALE;
}

int32_t idcard_utc_date(int64_t unix_seconds)
{
	/* days since 1970-01-01, rounded down; then H. Hinnant's civil_from_days */
	int64_t z = unix_seconds / 86400 - (unix_seconds % 86400 < 0);
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	return (int32_t)(y * 10000 + m * 100 + d);
}
