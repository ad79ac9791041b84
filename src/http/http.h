/*
 * http.h - what a handler sees of HTTP: the request, the route table, and
 * the reply functions.  Only src/http/ includes microhttpd.h.
 *
 * Life of a request (server.c): headers arrive; limits and smuggling checks
 * run; the body is gathered (at most HTTP_BODY_MAX); then, on the final
 * call, the router picks a route, the rate limit, origin, session and CSRF
 * checks run, and the route's handler is called once.  The handler decodes,
 * checks access, calls one function of its module, and replies with exactly
 * one http_reply_*().  Everything it allocates comes from r->arena, freed
 * when the request completes.
 */
#ifndef LINLI_HTTP_HTTP_H
#define LINLI_HTTP_HTTP_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/jsonw.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	HTTP_BODY_MAX = 64 * 1024,     /* 413 above */
	HTTP_UPLOAD_MAX = 20 * 1024 * 1024, /* 413 above, for ROUTE_UPLOAD routes only */
	HTTP_HEADER_MAX = 16 * 1024,   /* all request headers together */
	HTTP_MAX_PARAMS = 4,           /* path parameters per route */
	HTTP_PATH_MAX = 1024,          /* longer paths are 400 */
};

struct principal; /* the signed-in user; defined by src/auth/ */
struct store;
struct req;

typedef void (*http_handler)(struct req *r);

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,   /* no session needed */
	ROUTE_LOOPBACK = 1 << 1, /* only clients on 127.0.0.0/8 or ::1 */
	ROUTE_UPLOAD = 1 << 2,   /* a file: body up to HTTP_UPLOAD_MAX of any
				    type (the handler checks Content-Type) */
};

struct route {
	const char *method;  /* "GET", "POST", "PATCH", "PUT", "DELETE" */
	const char *pattern; /* "/api/communities/{id}/buildings/{building}",
				a {name} segment matches a positive 64-bit id */
	http_handler fn;
	unsigned flags;
};

struct route_table {
	const struct route *routes;
	size_t n;
};

struct req {
	struct arena arena;  /* the request's arena */
	const char *method;
	const char *path;    /* decoded path, without the query */
	const char *body;    /* NUL-terminated; "" when none */
	size_t body_len;
	int64_t param[HTTP_MAX_PARAMS]; /* path ids, in pattern order */
	const struct route *route;
	struct store *db;    /* this thread's connection */
	const struct principal *user; /* NULL without a session */
	const char *csrf;    /* the session's CSRF token, set with user */
	const char *session_token; /* from the cookie, or NULL */
	char id[17];         /* request id, hex */
	char ip[48];         /* client address */
	bool secure;         /* behind TLS (per configuration) */

	/* the reply, filled by http_reply_*() */
	int status;
	char *out;           /* heap; freed by the server */
	size_t out_len;
	const char *content_type;
	const char *set_cookie;
	void *conn;          /* private to server.c */
};

/* Header value (case-insensitive name) or NULL; borrowed for the request. */
const char *http_header(struct req *r, const char *name);

/* Query argument (decoded) or NULL; borrowed for the request. */
const char *http_query(struct req *r, const char *name);

/*
 * Reads an integer query argument into *out, keeping the default when it is
 * absent.  Outside [min, max] or not an integer: -1 with e naming the field.
 */
int http_query_int(struct req *r, const char *name, int64_t min, int64_t max,
		   int64_t *out, struct err *e);

/*
 * Parses the body as a JSON object and takes fields[0..n) from it (see
 * json_take); returns 0, or -1 with e filled.
 */
int http_body_take(struct req *r, const struct jfield *fields, size_t n,
		   struct err *e);

/* Replies with v (the reference is stolen) as JSON. */
void http_reply_json(struct req *r, int status, json_t *v);

/* Replies with the text written to w, which is emptied. */
void http_reply_jsonw(struct req *r, int status, struct jsonw *w);

/* Replies with the error as {"error": {...}} and its status. */
void http_reply_err(struct req *r, const struct err *e);

/* Replies with no body (204, 304). */
void http_reply_empty(struct req *r, int status);

/* Replies with text (copied) of the given type. */
void http_reply_text(struct req *r, int status, const char *type,
		     const char *text, size_t len);

/* Sets the Set-Cookie header of the reply (copied into the arena). */
void http_set_cookie(struct req *r, const char *cookie);

/*
 * Hooks the auth module installs before serving.  load_session() is called
 * for every routed request that carries a session cookie; it sets r->user
 * and r->csrf when the token is valid, leaves them NULL when not, and
 * returns -1 only when the database fails (e filled).
 */
struct http_hooks {
	int (*load_session)(struct req *r, struct err *e);
};

struct http_config {
	const char *listen;      /* "127.0.0.1:8080" */
	const char *web_dir;     /* static files; NULL serves none */
	const char *access_log;  /* "-" stderr (default), "off", or a path */
	unsigned threads;        /* 0: one per core */
	unsigned rate_per_sec;   /* per address; 0 disables */
	bool trust_proxy;        /* take the client from X-Forwarded-For */
	bool secure_cookies;     /* behind TLS: add Secure to cookies */
	int64_t start_ns;        /* monotonic time the process started (for the log) */
	const struct route_table *const *tables;
	size_t ntables;
	struct http_hooks hooks;
};

/* GET /healthz and GET /metrics, listed in src/routes.c with the rest. */
extern const struct route_table http_platform_routes;

/*
 * Serves until SIGTERM or SIGINT, then stops accepting, lets requests in
 * flight finish (up to 10 s) and returns 0.  Returns -1 with e filled when
 * the server cannot start (bad address, port taken, bad web_dir).
 * ready_ns (may be NULL) receives the monotonic time at which it listened.
 */
int http_serve(const struct http_config *cfg, struct err *e);

#endif
