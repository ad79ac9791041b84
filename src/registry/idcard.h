/*
 * idcard.h - PRC resident identity numbers (居民身份证号码), GB 11643-1999.
 *
 * An identity number is 18 characters: a 6-digit region code (GB/T 2260), the
 * birth date as YYYYMMDD, a 3-digit sequence whose last digit is odd for men
 * and even for women, and a check character over the first 17 digits
 * (ISO 7064 MOD 11-2: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, the sum mod
 * 11 picks from "10X98765432").  First-generation cards (before 1999) carry 15
 * digits: a 2-digit year of the 1900s and no check character; they are
 * converted to 18 by inserting "19" and computing the check character, which
 * is what the register stores.
 *
 * idcard_normalize() is the one gate: everything stored, hashed or compared
 * has passed through it, so equal people have equal strings (a lower-case x
 * becomes X).  Its checks, in order, each with its own message naming the
 * field "id_number": length, characters, region code, birth date, check
 * character.  The region code is checked against the 34 province-level codes
 * (and 83, the residence permits of Taiwan residents), not a full county
 * table: counties are renamed and merged, and numbers issued under old codes
 * stay valid for life.  "Today" is a parameter (a UTC date), so that the
 * tests do not depend on the clock.
 *
 * Pure functions over (buf, len); nothing here allocates.
 */
#ifndef LINLI_REGISTRY_IDCARD_H
#define LINLI_REGISTRY_IDCARD_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

enum {
	IDCARD_LEN = 18,        /* characters of a normalised number */
	IDCARD_LEGACY_LEN = 15, /* characters of a first-generation number */
	IDCARD_MIN_BIRTH = 19000101,
};

enum idcard_gender {
	IDCARD_FEMALE = 0, /* the 17th digit is even */
	IDCARD_MALE = 1,   /* the 17th digit is odd */
};

/*
 * Checks in[0..len) and writes the normalised 18-character number and a NUL
 * into out.  Leading and trailing spaces and tabs are ignored (CSV cells
 * often carry them; a tab is also how spreadsheets are told to keep a long
 * number as text); a 15-digit number is converted to 18; a final x becomes X.
 * today_yyyymmdd is the current date, e.g. 20240615 (see idcard_utc_date()):
 * the birth date must not be after it, nor before 19000101.
 *
 * Returns 0, or -1 with e set to ERR_INVALID, field "id_number", and a
 * message that says which rule failed (length, a character and its position,
 * the region code, the birth date, or the check character).  out is written
 * only on success.  in may hold any bytes, including NULs.
 */
int idcard_normalize(char out[IDCARD_LEN + 1], const char *in, size_t len,
		     int32_t today_yyyymmdd, struct err *e);

/*
 * The check character ('0'-'9' or 'X') for the 17 digits at digits17, which
 * must be ASCII digits (asserted).  Exposed for tests and tools that make
 * numbers.
 */
char idcard_check_char(const char *digits17);

/* The birth date of a normalised number, as yyyymmdd (e.g. 19491231). */
int32_t idcard_birth(const char *id);

/* The gender recorded in a normalised number (its 17th digit). */
enum idcard_gender idcard_gender(const char *id);

/*
 * The UTC calendar date of a Unix time, as yyyymmdd: the "today" to pass to
 * idcard_normalize().  China is 8 hours ahead of UTC, so during the first
 * hours of a Chinese day a baby born that day is not yet accepted; pass
 * idcard_utc_date(t + 8 * 3600) for the date in China.
 */
int32_t idcard_utc_date(int64_t unix_seconds);

#endif
