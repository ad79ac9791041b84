/*
 * err.h - the error value that travels up from any layer.
 *
 * A lower layer fills a struct err (code, message, field); callers pass it up
 * unchanged; http/response.c turns it into a status and a JSON body in one
 * place.  The first error set wins: err_set() does not overwrite an error
 * that is already there, so the root cause survives the trip up.
 */
#ifndef LINLI_CORE_ERR_H
#define LINLI_CORE_ERR_H

#include <stdbool.h>

enum err_code {
	ERR_NONE = 0,
	ERR_INVALID,      /* 400: a field is wrong */
	ERR_BAD_REQUEST,  /* 400: the request itself is malformed */
	ERR_UNAUTHORIZED, /* 401 */
	ERR_FORBIDDEN,    /* 403 */
	ERR_NOT_FOUND,    /* 404, also for what is outside the caller's scope */
	ERR_METHOD,       /* 405 */
	ERR_CONFLICT,     /* 409 */
	ERR_TOO_LARGE,    /* 413 */
	ERR_MEDIA_TYPE,   /* 415 */
	ERR_RATE_LIMITED, /* 429 */
	ERR_INTERNAL,     /* 500: a bug or an I/O failure */
	ERR_UNAVAILABLE,  /* 503: database busy or gone */
};

struct err {
	enum err_code code;
	char message[160]; /* human-readable, UTF-8 */
	char field[64];    /* the field to blame, or "" */
};

#define ERR_INIT { ERR_NONE, "", "" }

/*
 * Records an error unless one is already recorded.  field may be NULL.
 * Returns -1, so that `return err_set(e, ...);` reads naturally.
 */
int err_set(struct err *e, enum err_code code, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Forgets the recorded error. */
void err_clear(struct err *e);

static inline bool err_is_set(const struct err *e)
{
	return e->code != ERR_NONE;
}

/* The HTTP status for a code (ERR_NONE is 200). */
int err_http_status(enum err_code code);

/* The stable machine name of a code: "invalid", "not_found", ... */
const char *err_code_name(enum err_code code);

#endif
