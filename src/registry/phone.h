/*
 * phone.h - mobile numbers of mainland China (手机号).
 *
 * A mainland mobile number is 11 digits: 1, then 3-9 (the second digit of
 * every block the Ministry of Industry and Information Technology has
 * allocated), then 9 more.  People write it with the country code (+86,
 * 0086, 86) and with spaces or hyphens between groups; the register stores
 * the bare 11 digits, so that equal numbers are equal strings and can be
 * masked (mask.h) and compared.  Landlines and numbers outside the mainland
 * are refused: the field is for reaching a resident by phone and SMS.
 *
 * Pure functions over (buf, len); nothing here allocates.
 */
#ifndef LINLI_REGISTRY_PHONE_H
#define LINLI_REGISTRY_PHONE_H

#include "core/err.h"

#include <stddef.h>

enum {
	PHONE_LEN = 11, /* digits of a normalised number */
};

/*
 * Checks in[0..len) and writes the 11 digits and a NUL into out.  Accepted:
 * leading and trailing spaces and tabs; one country code at the start, as
 * "+86", "0086" or "86" (a bare 86 only when there are 13 digits in all);
 * spaces and hyphens anywhere between digits, e.g. "+86 138-1234-5678"; and
 * full-width digits (０-９, typed by a Chinese input method).
 *
 * Returns 0, or -1 with e set to ERR_INVALID, field "phone", and a message
 * naming what is wrong (a character and its position, another country code,
 * the number of digits, the first or second digit).  out is written only on
 * success.  in may hold any bytes, including NULs.
 */
int phone_normalize(char out[PHONE_LEN + 1], const char *in, size_t len, struct err *e);

#endif
