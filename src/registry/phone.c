/*
 * phone.c - see phone.h.
 *
 * One pass collects the digits (at most DIGITS_MAX are kept; more are only
 * counted) and refuses any character other than a digit, a space, a hyphen
 * or one leading '+'; then the country code is taken off and what is left
 * must be a mobile number.  Positions in messages count characters, not
 * bytes, and no message quotes a byte that is not printable ASCII.
 */
#include "registry/phone.h"

#include <stdbool.h>
#include <string.h>

enum {
	DIGITS_MAX = 16,
};

static const char FIELD[] = "phone";

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int phone_normalize(char out[PHONE_LEN + 1], const char *in, size_t len, struct err *e)
{
	const unsigned char *s;
	char d[DIGITS_MAX];
	size_t n = 0, pos = 0, i = 0;
	bool plus = false;
	const char *p;
	int rc = -1;

	while (len > 0 && is_blank(in[0])) {
		in++;
		len--;
	}
	while (len > 0 && is_blank(in[len - 1]))
		len--;
	s = (const unsigned char *)in;
	if (len == 0) {
		err_set(e, ERR_INVALID, FIELD, "phone is empty");
		goto out;
	}
	if (s[0] == '+') {
		plus = true;
		i = 1;
		pos = 1;
	}
	while (i < len) {
		char c;
		pos++;
		if (s[i] >= '0' && s[i] <= '9') {
			c = (char)s[i++];
		} else if (len - i >= 3 && s[i] == 0xef && s[i + 1] == 0xbc && s[i + 2] >= 0x90 &&
			   s[i + 2] <= 0x99) {
			c = (char)('0' + (s[i + 2] - 0x90));
			i += 3;
		} else if (s[i] == ' ' || s[i] == '-') {
			i++;
			continue;
		} else if (s[i] > 0x20 && s[i] < 0x7f) {
			err_set(e, ERR_INVALID, FIELD,
				"phone: character %zu ('%c') is not allowed; write digits, "
				"spaces and hyphens",
				pos, s[i]);
			goto out;
		} else {
			err_set(e, ERR_INVALID, FIELD,
				"phone: character %zu is not allowed; write digits, spaces "
				"and hyphens",
				pos);
			goto out;
		}
		if (n < DIGITS_MAX)
			d[n] = c;
		n++;
	}

	p = d;
	if (plus) {
		if (n < 2 || memcmp(d, "86", 2) != 0) {
			err_set(e, ERR_INVALID, FIELD,
				"phone: only mainland China numbers (+86) are accepted");
			goto out;
		}
		p += 2;
		n -= 2;
	} else if (n >= 4 && memcmp(d, "0086", 4) == 0) {
		p += 4;
		n -= 4;
	} else if (n == PHONE_LEN + 2 && memcmp(d, "86", 2) == 0) {
		p += 2;
		n -= 2;
	} else if (n >= 2 && d[0] == '0' && d[1] == '0') {
		err_set(e, ERR_INVALID, FIELD,
			"phone: only mainland China numbers (0086) are accepted");
		goto out;
	}
	if (n != PHONE_LEN) {
		err_set(e, ERR_INVALID, FIELD, "phone must have 11 digits, not %zu", n);
		goto out;
	}
	if (p[0] != '1') {
		err_set(e, ERR_INVALID, FIELD,
			"phone: a mobile number starts with 1, not %c (landlines are not accepted)",
			p[0]);
		goto out;
	}
	if (p[1] < '3') {
		err_set(e, ERR_INVALID, FIELD,
			"phone: no mobile number starts with 1%c (the second digit is 3-9)", p[1]);
		goto out;
	}
	memcpy(out, p, PHONE_LEN);
	out[PHONE_LEN] = '\0';
	rc = 0;
out:
	return rc;
}
