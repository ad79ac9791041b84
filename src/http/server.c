/*
 * server.c - libmicrohttpd glue: the life of a request, from the first
 * (headers-only) call to the completion callback.
 *
 * MHD runs epoll with an internal pool of worker threads.  The access
 * handler is called several times per request: first with the headers only
 * (we check limits and smuggling attempts, and return), then with pieces of
 * the body (we copy them, up to HTTP_BODY_MAX), then once more with nothing
 * left (we dispatch and queue the reply).  Answering only on that last call
 * is what keeps keep-alive connections usable.
 *
 * Invariants: every reply passes through send_reply(), which adds the
 * security headers; every request that got a first call reaches completed(),
 * which writes the access-log line, records metrics and frees the request.
 */
#include "http/http.h"

#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "http/internal.h"
#include "http/router.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn_req {
	struct req req;
	int64_t start_ns;
	size_t metric_row;
	char *body;
	size_t body_len, body_cap;
	bool too_large;
	size_t body_max; /* HTTP_BODY_MAX, or HTTP_UPLOAD_MAX for ROUTE_UPLOAD */
	bool answered; /* a reply was queued early (first call) */
};

static struct router router;
static const struct http_config *config;
static int access_fd = -1;
static _Atomic uint64_t request_counter;
static uint64_t request_seed;
static int64_t started_ns;

/* ---- helpers for handlers ---- */

const char *http_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int http_query_int(struct req *r, const char *name, int64_t min, int64_t max,
		   int64_t *out, struct err *e)
{
	const char *v = http_query(r, name);
	int64_t x;
	if (!v)
		return 0;
	if (!parse_int64(v, strlen(v), &x) || x < min || x > max)
		return err_set(e, ERR_INVALID, name, "%s must be an integer between %lld and %lld",
			       name, (long long)min, (long long)max);
	*out = x;
	return 0;
}

int http_body_take(struct req *r, const struct jfield *fields, size_t n,
		   struct err *e)
{
	json_t *obj = json_parse_object(r->body, r->body_len, e);
	int rc;
	if (!obj)
		return -1;
	rc = json_take(obj, fields, n, &r->arena, e);
	json_decref(obj);
	return rc;
}

static void set_out(struct req *r, int status, char *heap, size_t len, const char *type)
{
	if (r->status) {
		log_error("request %s: handler replied twice", r->id);
		free(heap);
		return;
	}
	r->status = status;
	r->out = heap;
	r->out_len = len;
	r->content_type = type;
}

void http_reply_json(struct req *r, int status, json_t *v)
{
	size_t len;
	if (!v) { /* json_pack refused its input: a bug, never the client's fault */
		static const char body[] = "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}";
		log_error("request %s: a reply could not be encoded", r->id);
		return http_reply_text(r, 500, "application/json", body, sizeof(body) - 1);
	}
	char *s = json_encode(v, &len);
	json_decref(v);
	set_out(r, status, s, len, "application/json");
}

void http_reply_jsonw(struct req *r, int status, struct jsonw *w)
{
	size_t len;
	char *s = strbuf_detach(&w->sb, &len);
	jw_release(w);
	set_out(r, status, s, len, "application/json");
}

void http_reply_err(struct req *r, const struct err *e)
{
	json_t *inner = json_pack("{s:s, s:s}", "code", err_code_name(e->code), "message",
				  e->message[0] ? e->message : err_code_name(e->code));
	if (e->field[0])
		json_object_set_new(inner, "field", json_string(e->field));
	http_reply_json(r, err_http_status(e->code), json_pack("{s:o}", "error", inner));
}

void http_reply_empty(struct req *r, int status)
{
	set_out(r, status, NULL, 0, NULL);
}

void http_reply_text(struct req *r, int status, const char *type, const char *text,
		     size_t len)
{
	char *copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	set_out(r, status, copy, len, type);
}

void http_set_cookie(struct req *r, const char *cookie)
{
	r->set_cookie = arena_strdup(&r->arena, cookie);
}

static void reply_error(struct req *r, enum err_code code, const char *field, const char *msg)
{
	struct err e = ERR_INIT;
	err_set(&e, code, field, "%s", msg);
	http_reply_err(r, &e);
}

/* ---- sending ---- */

static void add_security_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
				"form-action 'self'; object-src 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "geolocation=(), microphone=(), payment=()");
}

static enum MHD_Result send_reply(struct conn_req *cr, struct MHD_Connection *c, bool close_after,
				  const struct static_file *file)
{
	struct req *r = &cr->req;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (file) {
		resp = MHD_create_response_from_buffer(r->status == 304 ? 0 : file->len,
						       (void *)file->data, MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_buffer(r->out_len, r->out, MHD_RESPMEM_MUST_FREE);
		r->out = NULL; /* owned by MHD now */
	}
	if (!resp)
		die_oom();
	add_security_headers(resp);
	MHD_add_response_header(resp, "X-Request-Id", r->id);
	if (file) {
		MHD_add_response_header(resp, "ETag", file->etag);
		MHD_add_response_header(resp, "Cache-Control", "no-cache");
		if (r->status != 304)
			MHD_add_response_header(resp, "Content-Type", file->type);
	} else {
		MHD_add_response_header(resp, "Cache-Control", "no-store");
		if (r->content_type)
			MHD_add_response_header(resp, "Content-Type", r->content_type);
	}
	if (r->set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->status == 405)
		MHD_add_response_header(resp, "Allow", "GET, POST, PATCH, PUT, DELETE");
	if (close_after)
		MHD_add_response_header(resp, "Connection", "close");
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ---- checks ---- */

static bool is_loopback(const char *ip)
{
	return !strncmp(ip, "127.", 4) || !strcmp(ip, "::1") || !strncmp(ip, "::ffff:127.", 11);
}

static bool state_changing(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* Sec-Fetch-Site and Origin: refuse what a browser says came from elsewhere. */
static bool same_origin(struct req *r)
{
	const char *site = http_header(r, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") && strcmp(site, "none"))
		return false;
	const char *origin = http_header(r, "Origin");
	if (!origin)
		return true;
	const char *host = http_header(r, "Host");
	const char *p = strstr(origin, "://");
	if (!host || !p)
		return false;
	return !strcasecmp(p + 3, host);
}

struct header_counts {
	int content_length, transfer_encoding;
	bool te_not_chunked;
	size_t bytes;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	struct header_counts *h = cls;
	(void)kind;
	h->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	if (!strcasecmp(key, "Content-Length"))
		h->content_length++;
	if (!strcasecmp(key, "Transfer-Encoding")) {
		h->transfer_encoding++;
		if (!value || strcasecmp(value, "chunked"))
			h->te_not_chunked = true;
	}
	return MHD_YES;
}

static const char *session_cookie(struct req *r)
{
	const char *h = http_header(r, "Cookie");
	const char *v;
	size_t len;
	if (!h || !cookie_find(h, strlen(h), "linli_session", &v, &len) || len == 0 || len > 128)
		return NULL;
	return arena_strndup(&r->arena, v, len);
}

/* ---- dispatch ---- */

static void route_request(struct conn_req *cr)
{
	struct req *r = &cr->req;
	struct err e = ERR_INIT;
	int np = 0;
	enum router_result res;

	if (strlen(r->path) > HTTP_PATH_MAX || !utf8_valid(r->path, strlen(r->path)))
		return reply_error(r, ERR_BAD_REQUEST, "path", "the path is too long or not UTF-8");
	res = router_match(&router, r->method, r->path, strlen(r->path), &r->route, r->param, &np);
	if (res == ROUTER_NO_METHOD)
		return reply_error(r, ERR_METHOD, NULL, "method not allowed on this path");
	if (res == ROUTER_NO_PATH)
		return reply_error(r, ERR_NOT_FOUND, NULL, "no such resource");
	for (size_t i = 0; i < router.n; i++)
		if (router.routes[i] == r->route)
			cr->metric_row = i;
	if ((r->route->flags & ROUTE_LOOPBACK) && !is_loopback(r->ip))
		return reply_error(r, ERR_NOT_FOUND, NULL, "no such resource");
	bool changing = state_changing(r->method);
	if (changing && !same_origin(r))
		return reply_error(r, ERR_FORBIDDEN, "origin", "cross-site request refused");
	if (!(r->db = store_thread(&e)))
		return http_reply_err(r, &e);
	/* One snapshot (and one set of locks) for all the reads of a GET. */
	if (!changing && store_read_begin(r->db, &e) < 0)
		return http_reply_err(r, &e);
	r->session_token = session_cookie(r);
	if (r->session_token && config->hooks.load_session &&
	    config->hooks.load_session(r, &e) < 0)
		return http_reply_err(r, &e);
	if (!(r->route->flags & ROUTE_PUBLIC) && !r->user)
		return reply_error(r, ERR_UNAUTHORIZED, NULL, "please sign in");
	if (changing && r->user && !(r->route->flags & ROUTE_PUBLIC)) {
		const char *t = http_header(r, "X-CSRF-Token");
		size_t n = r->csrf ? strlen(r->csrf) : 0;
		if (!t || !n || strlen(t) != n || sodium_memcmp(t, r->csrf, n) != 0)
			return reply_error(r, ERR_FORBIDDEN, "X-CSRF-Token",
					   "missing or wrong CSRF token");
	}
	if (r->body_len && !(r->route->flags & ROUTE_UPLOAD)) {
		const char *ct = http_header(r, "Content-Type");
		if (!ct || strncasecmp(ct, "application/json", 16) ||
		    (ct[16] && ct[16] != ';' && ct[16] != ' '))
			return reply_error(r, ERR_MEDIA_TYPE, "Content-Type",
					   "send the body as application/json");
	}
	r->route->fn(r);
	if (!r->status) {
		log_error("request %s: %s %s got no reply", r->id, r->method, r->path);
		reply_error(r, ERR_INTERNAL, NULL, "no reply");
	}
}

static enum MHD_Result finish(struct conn_req *cr, struct MHD_Connection *c)
{
	struct req *r = &cr->req;
	const struct static_file *file = NULL;

	r->body = cr->body ? cr->body : "";
	r->body_len = cr->body_len;
	if (cr->too_large) {
		reply_error(r, ERR_TOO_LARGE, NULL, "the request body is too large");
		return send_reply(cr, c, true, NULL);
	}
	if (!ratelimit_take(r->ip, time_mono_ns())) {
		reply_error(r, ERR_RATE_LIMITED, NULL, "too many requests; slow down");
		return send_reply(cr, c, false, NULL);
	}
	bool api = !strncmp(r->path, "/api/", 5) || !strcmp(r->path, "/healthz") ||
		   !strcmp(r->path, "/metrics");
	if (!api && (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) &&
	    (file = static_find(r->path))) {
		const char *inm = http_header(r, "If-None-Match");
		cr->metric_row = metrics_static_index();
		r->status = inm && strstr(inm, file->etag) ? 304 : 200;
		r->out_len = file->len;
		return send_reply(cr, c, false, file);
	}
	route_request(cr);
	/* Whatever way route_request() left, the thread's connection must not
	 * keep the request's read snapshot, or a transaction a handler forgot. */
	if (r->db) {
		store_read_end(r->db);
		store_rollback(r->db);
	}
	return send_reply(cr, c, false, NULL);
}

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out,
			  (socklen_t)n);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out,
			  (socklen_t)n);
}

static void forwarded_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	unsigned char buf[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, last, buf) == 1 || inet_pton(AF_INET6, last, buf) == 1)
		snprintf(out, n, "%s", last);
}

/* The body limit of the route method and url lead to (looked up on the
 * first call, before any of the body is read). */
static size_t body_limit(const char *method, const char *url)
{
	const struct route *rt;
	int64_t params[HTTP_MAX_PARAMS];
	int np = 0;
	if (router_match(&router, method, url, strlen(url), &rt, params, &np) == ROUTER_FOUND &&
	    (rt->flags & ROUTE_UPLOAD))
		return HTTP_UPLOAD_MAX;
	return HTTP_BODY_MAX;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	struct conn_req *cr = *con_cls;
	(void)cls;
	(void)version;

	if (!cr) {
		struct header_counts h = { 0 };
		cr = xcalloc(1, sizeof(*cr));
		*con_cls = cr;
		cr->start_ns = time_mono_ns();
		cr->metric_row = metrics_unmatched_index();
		metrics_inflight(1);
		arena_init(&cr->req.arena);
		struct req *r = &cr->req;
		r->conn = c;
		r->method = arena_strdup(&r->arena, method);
		r->path = arena_strdup(&r->arena, url);
		r->secure = config->secure_cookies;
		uint64_t id = request_seed + atomic_fetch_add(&request_counter, 1);
		snprintf(r->id, sizeof(r->id), "%016llx", (unsigned long long)id);
		client_ip(c, r->ip, sizeof(r->ip));
		if (config->trust_proxy)
			forwarded_ip(c, r->ip, sizeof(r->ip));
		MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &h);
		cr->body_max = body_limit(method, url);
		if (h.transfer_encoding && h.content_length) {
			reply_error(r, ERR_BAD_REQUEST, "Transfer-Encoding",
				    "both Content-Length and Transfer-Encoding; refused");
		} else if (h.content_length > 1) {
			reply_error(r, ERR_BAD_REQUEST, "Content-Length",
				    "more than one Content-Length; refused");
		} else if (h.transfer_encoding > 1 || h.te_not_chunked) {
			reply_error(r, ERR_BAD_REQUEST, "Transfer-Encoding",
				    "only one Transfer-Encoding: chunked is accepted");
		} else if (h.bytes > HTTP_HEADER_MAX) {
			reply_error(r, ERR_BAD_REQUEST, NULL, "request headers too large");
		} else {
			const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								     "Content-Length");
			int64_t n;
			if (cl && (!parse_int64(cl, strlen(cl), &n) || n < 0))
				reply_error(r, ERR_BAD_REQUEST, "Content-Length", "bad Content-Length");
			else if (cl && (uint64_t)n > cr->body_max)
				reply_error(r, ERR_TOO_LARGE, NULL, "the request body is too large");
			else
				return MHD_YES;
		}
		cr->answered = true;
		return send_reply(cr, c, true, NULL);
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (cr->answered || cr->too_large)
			return MHD_YES;
		if (cr->body_len + n > cr->body_max) {
			cr->too_large = true;
			return MHD_YES;
		}
		if (cr->body_len + n + 1 > cr->body_cap) {
			size_t cap = cr->body_cap ? cr->body_cap : 1024;
			while (cap < cr->body_len + n + 1)
				cap *= 2;
			cr->body = xrealloc(cr->body, cap);
			cr->body_cap = cap;
		}
		memcpy(cr->body + cr->body_len, upload, n);
		cr->body_len += n;
		cr->body[cr->body_len] = '\0';
		return MHD_YES;
	}
	if (cr->answered)
		return MHD_YES;
	return finish(cr, c);
}

static void access_line(const struct conn_req *cr, int64_t dur_ns)
{
	char line[1536];
	struct tm tm;
	time_t now = time(NULL);
	gmtime_r(&now, &tm);
	size_t n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ", &tm);
	int m = snprintf(line + n, sizeof(line) - n, " %s %s %s %.512s %d %zu %.3fms\n",
			 cr->req.id, cr->req.ip, cr->req.method, cr->req.path, cr->req.status,
			 cr->req.out_len, (double)dur_ns / 1e6);
	if (m > 0) {
		n += (size_t)m < sizeof(line) - n ? (size_t)m : sizeof(line) - n - 1;
		ssize_t w = write(access_fd, line, n);
		(void)w;
	}
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn_req *cr = *con_cls;
	(void)cls;
	(void)c;
	(void)toe;
	if (!cr)
		return;
	int64_t dur = time_mono_ns() - cr->start_ns;
	metrics_record(cr->metric_row, cr->req.status, dur);
	if (access_fd >= 0)
		access_line(cr, dur);
	metrics_inflight(-1);
	free(cr->req.out);
	free(cr->body);
	arena_release(&cr->req.arena);
	free(cr);
	*con_cls = NULL;
}

/* ---- platform routes ---- */

static void get_healthz(struct req *r)
{
	struct err e = ERR_INIT;
	if (store_ping(r->db, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_text(r, 200, "application/json", "{\"status\":\"ok\"}", 15);
}

static void get_metrics(struct req *r)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	metrics_render(&sb, (time_mono_ns() - started_ns) / 1000000000);
	char *s = strbuf_detach(&sb, &len);
	set_out(r, 200, s, len, "text/plain; version=0.0.4; charset=utf-8");
}

static const struct route platform[] = {
	{ "GET", "/healthz", get_healthz, ROUTE_PUBLIC },
	{ "GET", "/metrics", get_metrics, ROUTE_PUBLIC | ROUTE_LOOPBACK },
};
const struct route_table http_platform_routes = { platform, sizeof(platform) / sizeof(platform[0]) };

/* ---- start and stop ---- */

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len,
			struct err *e)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	int64_t port;
	memset(ss, 0, sizeof(*ss));
	if (!colon || (size_t)(colon - s) >= sizeof(host) ||
	    !parse_int64(colon + 1, strlen(colon + 1), &port) || port < 0 || port > 65535)
		return err_set(e, ERR_INVALID, "listen", "listen must be ADDRESS:PORT, got %s", s);
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		host[strlen(host) - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return err_set(e, ERR_INVALID, "listen", "bad IPv6 address %s", host);
		*len = sizeof(*a);
		return 0;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return err_set(e, ERR_INVALID, "listen", "bad IPv4 address %s", host);
	*len = sizeof(*a);
	return 0;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_warn("http: %s", buf);
}

int http_serve(const struct http_config *cfg, struct err *e)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct MHD_Daemon *d;
	sigset_t set;
	int sig;
	unsigned threads = cfg->threads;

	config = cfg;
	if (parse_listen(cfg->listen, &ss, &sslen, e) < 0)
		return -1;
	if (cfg->web_dir && static_load(cfg->web_dir, e) < 0)
		return -1;
	router_init(&router, cfg->tables, cfg->ntables);
	const char **names = xcalloc(router.n ? router.n : 1, sizeof(*names));
	for (size_t i = 0; i < router.n; i++) {
		char *n = xmalloc(strlen(router.routes[i]->method) + strlen(router.routes[i]->pattern) + 2);
		sprintf(n, "%s %s", router.routes[i]->method, router.routes[i]->pattern);
		names[i] = n;
	}
	metrics_init(names, router.n);
	ratelimit_init(cfg->rate_per_sec);
	randombytes_buf(&request_seed, sizeof(request_seed));
	request_seed &= 0xffffffff00000000ull;
	if (!cfg->access_log || !strcmp(cfg->access_log, "-"))
		access_fd = STDERR_FILENO;
	else if (!strcmp(cfg->access_log, "off"))
		access_fd = -1;
	else if ((access_fd = open(cfg->access_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) < 0)
		return err_set(e, ERR_INVALID, "access_log", "cannot open %s", cfg->access_log);
	if (!threads) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores > 0 ? (unsigned)cores * 2 : 4;
		if (threads < 4)
			threads = 4;
	}

	/* Block the stop signals in every thread; the main thread waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	started_ns = time_mono_ns();
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
				     MHD_USE_TURBO | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, on_request, NULL,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_THREAD_POOL_SIZE, threads,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(HTTP_HEADER_MAX + 4 * 1024),
			     MHD_OPTION_CONNECTION_TIMEOUT, 30u,
			     MHD_OPTION_CONNECTION_LIMIT, 4096u,
			     MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
			     MHD_OPTION_END);
	if (!d) {
		err_set(e, ERR_UNAVAILABLE, "listen", "cannot listen on %s: %s", cfg->listen,
			strerror(errno));
		goto out;
	}
	log_info("serving on http://%s with %u threads (ready %.1f ms after main() began)",
		 cfg->listen, threads,
		 (double)(time_mono_ns() - (cfg->start_ns ? cfg->start_ns : started_ns)) / 1e6);
	while (sigwait(&set, &sig) != 0)
		;
	log_info("signal %d: finishing requests in flight", sig);
	MHD_quiesce_daemon(d);
	for (int i = 0; i < 1000 && metrics_inflight_now() > 0; i++)
		usleep(10000);
	MHD_stop_daemon(d);
	log_info("stopped");
out:
	if (access_fd > STDERR_FILENO)
		close(access_fd);
	metrics_free();
	for (size_t i = 0; i < router.n; i++)
		free((char *)names[i]);
	free(names);
	router_release(&router);
	static_free();
	return d ? 0 : -1;
}
