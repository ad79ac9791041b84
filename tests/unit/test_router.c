/*
 * test_router.c - route matching and the URL/cookie parsers
 * (src/http/router.c).
 *
 * A small table shaped like the real API (literal segments, one and two
 * {id} segments, the same path under several methods) is enough to pin
 * the rules: ids are positive decimal int64 without signs or leading
 * zeros, a trailing slash is another path, and a path that exists under
 * another method is ROUTER_NO_METHOD (405) rather than ROUTER_NO_PATH
 * (404).  parse_int64 is tested at both ends of int64 and one beyond;
 * cookie_find at whitespace, quotes, absent cookies and names that are
 * prefixes or suffixes of others.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/router.h"

#include <string.h>

static void noop(struct req *r)
{
	(void)r;
}

static const struct route table_a[] = {
	{ "GET", "/healthz", noop, ROUTE_PUBLIC },
	{ "POST", "/api/session", noop, ROUTE_PUBLIC },
	{ "GET", "/api/session", noop, 0 },
	{ "DELETE", "/api/session", noop, 0 },
};
static const struct route table_b[] = {
	{ "GET", "/api/communities", noop, 0 },
	{ "GET", "/api/communities/{id}", noop, 0 },
	{ "GET", "/api/communities/{id}/buildings/{building}", noop, 0 },
	{ "POST", "/api/communities/{id}/buildings/{building}/layout", noop, 0 },
	{ "PATCH", "/api/communities/{id}/dwellings/{dwelling}", noop, 0 },
	{ "GET", "/", noop, ROUTE_PUBLIC },
};
static const struct route_table rt_a = { table_a, sizeof(table_a) / sizeof(table_a[0]) };
static const struct route_table rt_b = { table_b, sizeof(table_b) / sizeof(table_b[0]) };
static const struct route_table *const tables[] = { &rt_a, &rt_b };

static int setup(void **state)
{
	struct router *r = test_malloc(sizeof(*r));
	router_init(r, tables, 2);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct router *r = *state;
	router_release(r);
	test_free(r);
	return 0;
}

struct hit {
	enum router_result res;
	const struct route *route;
	int64_t params[HTTP_MAX_PARAMS];
	int n;
};

static struct hit match(void **state, const char *method, const char *path)
{
	struct hit h = { .n = -1 };
	h.res = router_match(*state, method, path, strlen(path), &h.route, h.params, &h.n);
	return h;
}

static void test_init_flattens_in_order(void **state)
{
	const struct router *r = *state;
	assert_int_equal(r->n, 10);
	assert_ptr_equal(r->routes[0], &table_a[0]);
	assert_ptr_equal(r->routes[4], &table_b[0]);
	assert_ptr_equal(r->routes[9], &table_b[5]);

	struct router empty;
	router_init(&empty, NULL, 0);
	assert_int_equal(empty.n, 0);
	int64_t p[HTTP_MAX_PARAMS];
	int n = 0;
	const struct route *out = NULL;
	assert_int_equal(router_match(&empty, "GET", "/", 1, &out, p, &n), ROUTER_NO_PATH);
	router_release(&empty);
}

static void test_literal_routes(void **state)
{
	struct hit h = match(state, "GET", "/healthz");
	assert_int_equal(h.res, ROUTER_FOUND);
	assert_ptr_equal(h.route, &table_a[0]);
	assert_int_equal(h.n, 0);

	h = match(state, "DELETE", "/api/session");
	assert_int_equal(h.res, ROUTER_FOUND);
	assert_ptr_equal(h.route, &table_a[3]);

	h = match(state, "GET", "/");
	assert_int_equal(h.res, ROUTER_FOUND);
	assert_ptr_equal(h.route, &table_b[5]);

	/* case matters, prefixes and extensions do not match */
	assert_int_equal(match(state, "GET", "/HEALTHZ").res, ROUTER_NO_PATH);
	assert_int_equal(match(state, "GET", "/health").res, ROUTER_NO_PATH);
	assert_int_equal(match(state, "GET", "/healthzz").res, ROUTER_NO_PATH);
	assert_int_equal(match(state, "GET", "/api").res, ROUTER_NO_PATH);
	assert_int_equal(match(state, "GET", "").res, ROUTER_NO_PATH);
	assert_int_equal(match(state, "GET", "healthz").res, ROUTER_NO_PATH);
}

static void test_params_extracted(void **state)
{
	struct hit h = match(state, "GET", "/api/communities/12");
	assert_int_equal(h.res, ROUTER_FOUND);
	assert_ptr_equal(h.route, &table_b[1]);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.params[0], 12);

	h = match(state, "GET", "/api/communities/7/buildings/9000000000");
	assert_int_equal(h.res, ROUTER_FOUND);
	assert_ptr_equal(h.route, &table_b[2]);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.params[0], 7);
	assert_true(h.params[1] == 9000000000LL);

	h = match(state, "POST", "/api/communities/1/buildings/2/layout");
	assert_int_equal(h.res, ROUTER_FOUND);
	assert_ptr_equal(h.route, &table_b[3]);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.params[0], 1);
	assert_int_equal(h.params[1], 2);

	h = match(state, "GET", "/api/communities/9223372036854775807");
	assert_int_equal(h.res, ROUTER_FOUND);
	assert_true(h.params[0] == INT64_MAX);
}

static void test_bad_ids_refused(void **state)
{
	static const char *const bad[] = {
		"/api/communities/0",
		"/api/communities/012",
		"/api/communities/00",
		"/api/communities/-1",
		"/api/communities/+1",
		"/api/communities/1a",
		"/api/communities/ 1",
		"/api/communities/1.0",
		"/api/communities/0x10",
		"/api/communities/9223372036854775808",
		"/api/communities/18446744073709551617",
		"/api/communities/99999999999999999999999",
		"/api/communities/",
		"/api/communities//buildings/1",
		"/api/communities/1/buildings/-2",
		"/api/communities/{id}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hit h = match(state, "GET", bad[i]);
		if (h.res != ROUTER_NO_PATH)
			fail_msg("%s gave %d", bad[i], h.res);
	}
}

static void test_trailing_slash_is_another_path(void **state)
{
	assert_int_equal(match(state, "GET", "/healthz/").res, ROUTER_NO_PATH);
	assert_int_equal(match(state, "GET", "/api/communities/").res, ROUTER_NO_PATH);
	assert_int_equal(match(state, "GET", "/api/communities/5/").res, ROUTER_NO_PATH);
	assert_int_equal(match(state, "GET", "//").res, ROUTER_NO_PATH);
	assert_int_equal(match(state, "GET", "/api/communities/5/buildings").res, ROUTER_NO_PATH);
}

static void test_no_method_vs_no_path(void **state)
{
	/* the path exists under GET, POST, DELETE, not PUT */
	assert_int_equal(match(state, "PUT", "/api/session").res, ROUTER_NO_METHOD);
	assert_int_equal(match(state, "POST", "/healthz").res, ROUTER_NO_METHOD);
	assert_int_equal(match(state, "get", "/healthz").res, ROUTER_NO_METHOD);
	assert_int_equal(match(state, "GET", "/api/communities/1/buildings/2/layout").res,
			 ROUTER_NO_METHOD);
	assert_int_equal(match(state, "DELETE", "/api/communities/3").res, ROUTER_NO_METHOD);
	/* a bad id is no path at all, whatever the method */
	assert_int_equal(match(state, "DELETE", "/api/communities/0").res, ROUTER_NO_PATH);
	assert_int_equal(match(state, "PUT", "/nowhere").res, ROUTER_NO_PATH);
	/* NO_METHOD does not stop the scan: a later route with the right
	 * method still wins (POST /api/session after GET /healthz etc.) */
	struct hit h = match(state, "POST", "/api/session");
	assert_int_equal(h.res, ROUTER_FOUND);
	assert_ptr_equal(h.route, &table_a[1]);
}

static void test_path_len_is_respected(void **state)
{
	const char *p = "/api/communities/12/buildings/3";
	struct hit h = { .n = -1 };
	/* only the first 19 bytes: "/api/communities/12" */
	h.res = router_match(*state, "GET", p, 19, &h.route, h.params, &h.n);
	assert_int_equal(h.res, ROUTER_FOUND);
	assert_ptr_equal(h.route, &table_b[1]);
	assert_int_equal(h.params[0], 12);
	/* a NUL inside the path is not the end of it */
	const char nul[] = "/healthz\0/x";
	h.res = router_match(*state, "GET", nul, sizeof(nul) - 1, &h.route, h.params, &h.n);
	assert_int_equal(h.res, ROUTER_NO_PATH);
}

static void test_parse_int64_boundaries(void **state)
{
	(void)state;
	int64_t v = 12345;
	assert_true(parse_int64("0", 1, &v));
	assert_int_equal(v, 0);
	assert_true(parse_int64("-1", 2, &v));
	assert_true(v == -1);
	assert_true(parse_int64("9223372036854775807", 19, &v));
	assert_true(v == INT64_MAX);
	assert_true(parse_int64("-9223372036854775808", 20, &v));
	assert_true(v == INT64_MIN);
	assert_true(parse_int64("-9223372036854775807", 20, &v));
	assert_true(v == -INT64_MAX);

	v = 12345;
	assert_false(parse_int64("9223372036854775808", 19, &v));
	assert_false(parse_int64("-9223372036854775809", 20, &v));
	assert_false(parse_int64("10000000000000000000", 20, &v));
	assert_false(parse_int64("99999999999999999999", 20, &v));
	assert_false(parse_int64("", 0, &v));
	assert_false(parse_int64("-", 1, &v));
	assert_false(parse_int64("-0", 2, &v));
	assert_false(parse_int64("00", 2, &v));
	assert_false(parse_int64("01", 2, &v));
	assert_false(parse_int64("-01", 3, &v));
	assert_false(parse_int64("+1", 2, &v));
	assert_false(parse_int64("--1", 3, &v));
	assert_false(parse_int64(" 1", 2, &v));
	assert_false(parse_int64("1 ", 2, &v));
	assert_false(parse_int64("1e3", 3, &v));
	assert_false(parse_int64("１", strlen("１"), &v)); /* fullwidth digit */
	assert_int_equal(v, 12345); /* untouched by every failure */

	/* exactly len bytes: "123" with len 2 is 12 */
	assert_true(parse_int64("123", 2, &v));
	assert_int_equal(v, 12);
	assert_false(parse_int64("1\0", 2, &v));
}

static void test_parse_id(void **state)
{
	(void)state;
	int64_t v = 77;
	assert_true(parse_id("1", 1, &v));
	assert_int_equal(v, 1);
	assert_true(parse_id("9223372036854775807", 19, &v));
	assert_true(v == INT64_MAX);
	v = 77;
	assert_false(parse_id("0", 1, &v));
	assert_false(parse_id("-1", 2, &v));
	assert_false(parse_id("-9223372036854775808", 20, &v));
	assert_false(parse_id("9223372036854775808", 19, &v));
	assert_false(parse_id("", 0, &v));
	assert_false(parse_id("007", 3, &v));
	assert_int_equal(v, 77);
}

static void test_route_pattern_ok(void **state)
{
	(void)state;
	assert_true(route_pattern_ok("/"));
	assert_true(route_pattern_ok("/api/communities/{id}/buildings/{building}"));
	assert_true(route_pattern_ok("/a/{a}/{b}/{c}/{d}"));
	assert_false(route_pattern_ok("/a/{a}/{b}/{c}/{d}/{e}"));
	assert_false(route_pattern_ok("api/x"));
	assert_false(route_pattern_ok("/a{id}"));
	/* every pattern of the table above is well-formed */
	for (size_t i = 0; i < sizeof(table_b) / sizeof(table_b[0]); i++)
		assert_true(route_pattern_ok(table_b[i].pattern));
}

/* ---- cookies ---- */

static void expect_cookie(const char *header, const char *name, const char *want)
{
	const char *v = NULL;
	size_t n = 999;
	bool found = cookie_find(header, strlen(header), name, &v, &n);
	if (!want) {
		if (found)
			fail_msg("%s found in \"%s\": \"%.*s\"", name, header, (int)n, v);
		return;
	}
	if (!found)
		fail_msg("%s not found in \"%s\"", name, header);
	assert_true(v >= header && v + n <= header + strlen(header));
	if (n != strlen(want) || memcmp(v, want, n))
		fail_msg("%s in \"%s\": got \"%.*s\", want \"%s\"", name, header, (int)n, v, want);
}

static void test_cookie_basic(void **state)
{
	(void)state;
	expect_cookie("linli_session=abc", "linli_session", "abc");
	expect_cookie("a=1; linli_session=abc; b=2", "linli_session", "abc");
	expect_cookie("a=1;linli_session=abc;b=2", "linli_session", "abc");
	expect_cookie("a=1; b=2", "b", "2");
	expect_cookie("linli_session=", "linli_session", "");
	/* the value may hold '=' (base64 padding) */
	expect_cookie("t=ab==; x=1", "t", "ab==");
}

static void test_cookie_spaces_and_quotes(void **state)
{
	(void)state;
	expect_cookie("   linli_session=abc", "linli_session", "abc");
	expect_cookie("a=1;\t linli_session=abc  ;b=2", "linli_session", "abc");
	expect_cookie("linli_session=abc \t", "linli_session", "abc");
	expect_cookie("linli_session=\"abc\"", "linli_session", "abc");
	expect_cookie("linli_session=\"\"", "linli_session", "");
	expect_cookie("linli_session=\"abc", "linli_session", "\"abc");
	expect_cookie("linli_session=\"", "linli_session", "\"");
	/* a space before '=' makes another name */
	expect_cookie("linli_session =abc", "linli_session", NULL);
}

static void test_cookie_missing(void **state)
{
	(void)state;
	expect_cookie("", "linli_session", NULL);
	expect_cookie(";;;", "linli_session", NULL);
	expect_cookie("a=1; b=2", "linli_session", NULL);
	expect_cookie("linli_session", "linli_session", NULL);
	expect_cookie("linli_session; x=1", "linli_session", NULL);
	expect_cookie("LINLI_SESSION=abc", "linli_session", NULL);
	/* the value of another cookie is not a name */
	expect_cookie("x=linli_session=abc", "linli_session", NULL);
}

static void test_cookie_prefix_names(void **state)
{
	(void)state;
	expect_cookie("xlinli_session=evil", "linli_session", NULL);
	expect_cookie("linli_session_old=evil", "linli_session", NULL);
	expect_cookie("linli=evil", "linli_session", NULL);
	expect_cookie("xlinli_session=evil; linli_session=good", "linli_session", "good");
	expect_cookie("linli_session_old=evil; linli_session=good", "linli_session", "good");
	/* the first of two is taken */
	expect_cookie("linli_session=one; linli_session=two", "linli_session", "one");
	/* malformed pairs are skipped */
	expect_cookie("garbage; =x; linli_session=ok", "linli_session", "ok");
}

static void test_cookie_len_is_respected(void **state)
{
	(void)state;
	const char *h = "a=1; linli_session=abcdef";
	const char *v = NULL;
	size_t n = 0;
	/* cut in the middle of the value */
	assert_true(cookie_find(h, 22, "linli_session", &v, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(v, "abc", 3);
	/* cut inside the name */
	assert_false(cookie_find(h, 10, "linli_session", &v, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_flattens_in_order),
		cmocka_unit_test(test_literal_routes),
		cmocka_unit_test(test_params_extracted),
		cmocka_unit_test(test_bad_ids_refused),
		cmocka_unit_test(test_trailing_slash_is_another_path),
		cmocka_unit_test(test_no_method_vs_no_path),
		cmocka_unit_test(test_path_len_is_respected),
		cmocka_unit_test(test_parse_int64_boundaries),
		cmocka_unit_test(test_parse_id),
		cmocka_unit_test(test_route_pattern_ok),
		cmocka_unit_test(test_cookie_basic),
		cmocka_unit_test(test_cookie_spaces_and_quotes),
		cmocka_unit_test(test_cookie_missing),
		cmocka_unit_test(test_cookie_prefix_names),
		cmocka_unit_test(test_cookie_len_is_respected),
	};
	return cmocka_run_group_tests_name("http/router", tests, setup, teardown);
}
