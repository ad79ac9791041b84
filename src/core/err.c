/* err.c - filling and naming error values. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Cuts s back to its last whole UTF-8 character (snprintf cuts bytes). */
static void trim_utf8(char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--; /* continuation bytes */
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (n - (i - 1) < want)
		s[i - 1] = '\0';
}

int err_set(struct err *e, enum err_code code, const char *field,
	    const char *fmt, ...)
{
	if (!e || e->code != ERR_NONE)
		return -1;
	e->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	trim_utf8(e->message);
	trim_utf8(e->field);
	return -1;
}

void err_clear(struct err *e)
{
	e->code = ERR_NONE;
	e->message[0] = '\0';
	e->field[0] = '\0';
}

static const struct {
	int status;
	const char *name;
} codes[] = {
	[ERR_NONE] = { 200, "none" },
	[ERR_INVALID] = { 400, "invalid" },
	[ERR_BAD_REQUEST] = { 400, "bad_request" },
	[ERR_UNAUTHORIZED] = { 401, "unauthorized" },
	[ERR_FORBIDDEN] = { 403, "forbidden" },
	[ERR_NOT_FOUND] = { 404, "not_found" },
	[ERR_METHOD] = { 405, "method_not_allowed" },
	[ERR_CONFLICT] = { 409, "conflict" },
	[ERR_TOO_LARGE] = { 413, "too_large" },
	[ERR_MEDIA_TYPE] = { 415, "unsupported_media_type" },
	[ERR_RATE_LIMITED] = { 429, "rate_limited" },
	[ERR_INTERNAL] = { 500, "internal" },
	[ERR_UNAVAILABLE] = { 503, "unavailable" },
};

int err_http_status(enum err_code code)
{
	if ((unsigned)code >= sizeof(codes) / sizeof(codes[0]))
		return 500;
	return codes[code].status;
}

const char *err_code_name(enum err_code code)
{
	if ((unsigned)code >= sizeof(codes) / sizeof(codes[0]))
		return "internal";
	return codes[code].name;
}
