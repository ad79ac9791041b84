/*
 * tally.c - the exact tally of an owners' decision (see tally.h).
 *
 * Two open-addressing hash tables, keyed by string: dwellings (to refuse the
 * same dwelling twice) and owners (to count an owner once, with the area of
 * all their dwellings and one choice).  Both are sized to a power of two at
 * least twice the entries, so probing stays short; 12,000 dwellings take
 * well under a millisecond.  Sums are checked for overflow although the
 * limits in tally.h keep them far from it; every threshold test is one
 * comparison of two 128-bit products.
 */
#include "voice/tally.h"

#include "core/arena.h"
#include "core/jsonw.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct tally_rule named_rules[] = {
	{ "art278-general", { 2, 3, true }, { 1, 2, false }, true, true },
	{ "art278-major", { 2, 3, true }, { 3, 4, true }, true, true },
	{ "majority", { 1, 2, false }, { 1, 2, false }, false, true },
};

bool tally_rule_named(struct tally_rule *out, const char *name)
{
	for (size_t i = 0; i < sizeof(named_rules) / sizeof(named_rules[0]); i++) {
		if (!strcmp(named_rules[i].name, name)) {
			*out = named_rules[i];
			return true;
		}
	}
	return false;
}

/* ---- string-keyed table ---- */

struct owner_slot {
	const char *key; /* NULL: empty */
	int64_t area;
	enum tally_choice choice;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static size_t table_size(size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	return cap;
}

/* ---- counting ---- */

static bool threshold_ok(const struct tally_threshold *t, bool approval)
{
	return t->den >= 1 && t->num >= (approval ? 1 : 0) && t->num <= t->den;
}

/* part/whole against t: part*den >= num*whole (or >), in 128 bits. */
static bool meets(int64_t part, int64_t whole, const struct tally_threshold *t)
{
	if (whole <= 0)
		return false;
	__int128 lhs = (__int128)part * t->den;
	__int128 rhs = (__int128)t->num * whole;
	return t->inclusive ? lhs >= rhs : lhs > rhs;
}

static int add(int64_t *acc, int64_t v, struct err *e)
{
	if (__builtin_add_overflow(*acc, v, acc))
		return err_set(e, ERR_INVALID, "area", "the areas add up past what can be counted");
	return 0;
}

static void set_test(struct tally_test *t, bool applies, int64_t part, int64_t whole,
		     struct tally_threshold need)
{
	t->applies = applies;
	t->part = part;
	t->whole = whole;
	t->need = need;
	t->passed = applies && meets(part, whole, &need);
}

void tally_judge(struct tally_result *r, const struct tally_rule *rule)
{
	r->abstain_participates = rule->abstain_participates;
	r->part_owners = r->yes_owners + r->no_owners;
	r->part_area = r->yes_area + r->no_area;
	if (rule->abstain_participates) {
		r->part_owners += r->abstain_owners;
		r->part_area += r->abstain_area;
	}
	set_test(&r->test[TALLY_PART_AREA], rule->count_area, r->part_area, r->area,
		 rule->participation);
	set_test(&r->test[TALLY_PART_OWNERS], true, r->part_owners, r->owners, rule->participation);
	set_test(&r->test[TALLY_YES_AREA], rule->count_area, r->yes_area, r->part_area,
		 rule->approval);
	set_test(&r->test[TALLY_YES_OWNERS], true, r->yes_owners, r->part_owners, rule->approval);
	r->failed = TALLY_TESTS;
	for (int t = 0; t < TALLY_TESTS; t++) {
		if (r->test[t].applies && !r->test[t].passed) {
			r->failed = (enum tally_test_id)t;
			break;
		}
	}
	r->passed = r->failed == TALLY_TESTS;
}

int tally_count(struct tally_result *out, const struct tally_entry *entries, size_t n,
		const struct tally_rule *rule, size_t *bad, struct err *e)
{
	struct tally_result r;
	const char **dwell = NULL;
	struct owner_slot *owner = NULL;
	size_t cap, where = n;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	if (!threshold_ok(&rule->participation, false) || !threshold_ok(&rule->approval, true)) {
		err_set(e, ERR_INVALID, "rule", "a threshold must be a fraction from 0 to 1");
		goto out;
	}
	if (n == 0) {
		err_set(e, ERR_INVALID, "rule", "the electorate is empty");
		goto out;
	}
	if (n > TALLY_ENTRIES_MAX) {
		err_set(e, ERR_INVALID, "rule", "more than %d dwellings", TALLY_ENTRIES_MAX);
		goto out;
	}
	cap = table_size(n);
	dwell = xcalloc(cap, sizeof(*dwell));
	owner = xcalloc(cap, sizeof(*owner));
	for (size_t i = 0; i < n; i++) {
		const struct tally_entry *en = &entries[i];
		where = i;
		if (!en->dwelling || !en->dwelling[0]) {
			err_set(e, ERR_INVALID, "dwelling", "the dwelling is missing");
			goto out;
		}
		if (!en->owner || !en->owner[0]) {
			err_set(e, ERR_INVALID, "owner", "the owner is missing");
			goto out;
		}
		if (en->area < 0 || en->area > TALLY_AREA_MAX) {
			err_set(e, ERR_INVALID, "area", "the area must be 0 to 1000000 m²");
			goto out;
		}
		if (en->choice < TALLY_NONE || en->choice > TALLY_ABSTAIN) {
			err_set(e, ERR_INVALID, "vote", "not a choice");
			goto out;
		}
		size_t h = (size_t)hash_str(en->dwelling) & (cap - 1);
		while (dwell[h] && strcmp(dwell[h], en->dwelling))
			h = (h + 1) & (cap - 1);
		if (dwell[h]) {
			err_set(e, ERR_INVALID, "dwelling", "dwelling %.60s appears twice",
				en->dwelling);
			goto out;
		}
		dwell[h] = en->dwelling;

		h = (size_t)hash_str(en->owner) & (cap - 1);
		while (owner[h].key && strcmp(owner[h].key, en->owner))
			h = (h + 1) & (cap - 1);
		struct owner_slot *o = &owner[h];
		if (!o->key) {
			o->key = en->owner;
			r.owners++;
		}
		o->area += en->area; /* <= n * TALLY_AREA_MAX: fits */
		if (en->choice != TALLY_NONE) {
			if (o->choice != TALLY_NONE && o->choice != en->choice) {
				err_set(e, ERR_INVALID, "vote",
					"owner %.60s has two different votes; one owner votes once",
					en->owner);
				goto out;
			}
			o->choice = en->choice;
		}
		if (add(&r.area, en->area, e))
			goto out;
	}
	where = n;
	if (rule->count_area && r.area == 0) {
		err_set(e, ERR_INVALID, "rule", "the rule counts area and the area is zero");
		goto out;
	}
	for (size_t h = 0; h < cap; h++) {
		const struct owner_slot *o = &owner[h];
		if (!o->key)
			continue;
		switch (o->choice) {
		case TALLY_YES:
			r.yes_owners++;
			r.yes_area += o->area;
			break;
		case TALLY_NO:
			r.no_owners++;
			r.no_area += o->area;
			break;
		case TALLY_ABSTAIN:
			r.abstain_owners++;
			r.abstain_area += o->area;
			break;
		case TALLY_NONE:
			break;
		}
	}
	r.dwellings = n;
	tally_judge(&r, rule);
	*out = r;
	rc = 0;
out:
	if (rc && bad)
		*bad = where;
	free(dwell);
	free(owner);
	return rc;
}

/* ---- parsing and formatting ---- */

bool tally_area_parse(int64_t *out, const char *s, size_t len)
{
	int64_t whole = 0, frac = 0;
	size_t i = 0, digits = 0, decimals = 0;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		whole = whole * 10 + (s[i] - '0');
		if (whole > TALLY_AREA_MAX / 100)
			return false;
	}
	if (digits == 0)
		return false;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, decimals++) {
			if (decimals == 2)
				return false;
			frac = frac * 10 + (s[i] - '0');
		}
		if (decimals == 0)
			return false;
		if (decimals == 1)
			frac *= 10;
	}
	if (i != len)
		return false;
	int64_t v = whole * 100 + frac;
	if (v > TALLY_AREA_MAX)
		return false;
	*out = v;
	return true;
}

void tally_area_format(struct strbuf *sb, int64_t v)
{
	strbuf_addf(sb, "%" PRId64 ".%02" PRId64, v / 100, v % 100);
}

static bool parse_part(int64_t *out, const char **p)
{
	int64_t v = 0;
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > TALLY_FRACTION_MAX)
			return false;
	}
	*out = v;
	*p = s;
	return true;
}

bool tally_fraction_parse(struct tally_threshold *t, const char *s)
{
	int64_t num, den = 1;
	if (!parse_part(&num, &s))
		return false;
	if (*s == '/') {
		s++;
		if (!parse_part(&den, &s))
			return false;
	}
	if (*s || den < 1 || num > den)
		return false;
	t->num = num;
	t->den = den;
	return true;
}

bool tally_choice_parse(enum tally_choice *out, const char *s, size_t len)
{
	static const struct {
		const char *text;
		enum tally_choice choice;
	} names[] = {
		{ "", TALLY_NONE },	    { "yes", TALLY_YES },     { "no", TALLY_NO },
		{ "abstain", TALLY_ABSTAIN }, { "同意", TALLY_YES },	  { "反对", TALLY_NO },
		{ "弃权", TALLY_ABSTAIN },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].text) == len && !strncasecmp(names[i].text, s, len)) {
			*out = names[i].choice;
			return true;
		}
	}
	return false;
}

static const char *const test_keys[TALLY_TESTS] = {
	"participation_area",
	"participation_owners",
	"approval_area",
	"approval_owners",
};

const char *tally_test_key(enum tally_test_id id)
{
	return id < TALLY_TESTS ? test_keys[id] : "";
}

const char *tally_reason(const struct tally_result *r, const char *lang)
{
	static const char *const zh[TALLY_TESTS + 1] = {
		"参与表决的专有部分面积未达到要求",
		"参与表决的业主人数未达到要求",
		"同意的专有部分面积未达到参与表决面积的要求比例",
		"同意的人数未达到参与表决人数的要求比例",
		"参与表决和同意的面积、人数均达到要求，决定通过",
	};
	static const char *const en[TALLY_TESTS + 1] = {
		"too little of the area took part",
		"too few owners took part",
		"too little of the participating area approved",
		"too few of those who took part approved",
		"participation and approval both met every threshold: the decision passed",
	};
	bool is_zh = lang && !strcmp(lang, "zh");
	return (is_zh ? zh : en)[r->failed];
}

static void put_figure(struct jsonw *w, struct strbuf *tmp, bool area, int64_t v)
{
	strbuf_reset(tmp);
	if (area)
		tally_area_format(tmp, v);
	else
		strbuf_addf(tmp, "%" PRId64, v);
	jw_str(w, tmp->buf, tmp->len);
}

static void put_area(struct jsonw *w, struct strbuf *tmp, int64_t v)
{
	put_figure(w, tmp, true, v);
}

void tally_result_json(struct strbuf *sb, const struct tally_result *r,
		       const struct tally_rule *rule)
{
	struct jsonw w = JSONW_INIT;
	struct strbuf tmp = STRBUF_INIT;

	jw_obj(&w);
	jw_key(&w, "rule");
	jw_cstr(&w, rule->name ? rule->name : "custom");
	jw_key(&w, "passed");
	jw_bool(&w, r->passed);
	jw_key(&w, "reason");
	jw_obj(&w);
	jw_key(&w, "zh");
	jw_cstr(&w, tally_reason(r, "zh"));
	jw_key(&w, "en");
	jw_cstr(&w, tally_reason(r, "en"));
	jw_obj_end(&w);
	jw_key(&w, "abstain_participates");
	jw_bool(&w, r->abstain_participates);
	jw_key(&w, "count_area");
	jw_bool(&w, rule->count_area);
	jw_key(&w, "dwellings");
	jw_int(&w, (int64_t)r->dwellings);
	jw_key(&w, "owners");
	jw_int(&w, r->owners);
	jw_key(&w, "area");
	put_area(&w, &tmp, r->area);
	jw_key(&w, "participating_owners");
	jw_int(&w, r->part_owners);
	jw_key(&w, "participating_area");
	put_area(&w, &tmp, r->part_area);
	jw_key(&w, "yes_owners");
	jw_int(&w, r->yes_owners);
	jw_key(&w, "yes_area");
	put_area(&w, &tmp, r->yes_area);
	jw_key(&w, "no_owners");
	jw_int(&w, r->no_owners);
	jw_key(&w, "no_area");
	put_area(&w, &tmp, r->no_area);
	jw_key(&w, "abstain_owners");
	jw_int(&w, r->abstain_owners);
	jw_key(&w, "abstain_area");
	put_area(&w, &tmp, r->abstain_area);
	jw_key(&w, "tests");
	jw_arr(&w);
	for (int t = 0; t < TALLY_TESTS; t++) {
		const struct tally_test *ts = &r->test[t];
		bool area = t == TALLY_PART_AREA || t == TALLY_YES_AREA;
		jw_obj(&w);
		jw_key(&w, "test");
		jw_cstr(&w, test_keys[t]);
		jw_key(&w, "applies");
		jw_bool(&w, ts->applies);
		jw_key(&w, "part");
		put_figure(&w, &tmp, area, ts->part);
		jw_key(&w, "whole");
		put_figure(&w, &tmp, area, ts->whole);
		jw_key(&w, "threshold");
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%" PRId64 "/%" PRId64, ts->need.num, ts->need.den);
		jw_str(&w, tmp.buf, tmp.len);
		jw_key(&w, "inclusive");
		jw_bool(&w, ts->need.inclusive);
		jw_key(&w, "passed");
		jw_bool(&w, ts->passed);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	strbuf_add(sb, w.sb.buf, w.sb.len);
	jw_release(&w);
	strbuf_release(&tmp);
}
