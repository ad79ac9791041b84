/*
 * tally.h - the exact tally of an owners' decision (业主共同决定) or a
 * residents' meeting (居民会议).
 *
 * A pure function, no database: the caller hands over the electorate, one
 * entry per dwelling (专有部分), each with its owner's key, its area and the
 * choice recorded on it, and a rule; the tally says whether the decision
 * passed, with the four figures and every threshold test.  The owner votes
 * module builds on this; `linli tally` (tally_cli.h) runs it on a CSV sheet
 * of paper ballots.  docs/votes.md explains the law behind it.
 *
 * Counting (SPC interpretation on building division ownership, arts. 8-9):
 *   - the area of a dwelling is the one the caller found (register, else
 *     survey, else contract: the caller's business), in 0.01 m^2;
 *   - one dwelling counts as one owner; one owner of several dwellings counts
 *     once, with the area of all of them: the entries share one owner key;
 *   - all unsold dwellings of the developer count as one owner: give them one
 *     agreed key (TALLY_DEVELOPER by convention; any shared key works).
 * An owner has one choice.  Entries of one owner must agree: either the same
 * choice or TALLY_NONE (a paper sheet may mark the vote on one row of the
 * owner only); two different choices are an error naming the entry.
 *
 * Thresholds (Civil Code art. 1259): 以上 / 以下 include the number itself
 * ("at least": inclusive), 过半数 / 超过 do not ("more than": exclusive).  A
 * test compares part/whole with num/den by cross-multiplying 64-bit integers
 * in 128 bits: never floating point, never rounded.  A test with nothing to
 * count in its whole (no one took part) fails.
 *
 * Whether an abstention counts as participation is a setting of the vote
 * (rule.abstain_participates) and is part of the result.  When it does, an
 * abstention weighs like a "no" in the approval tests; when it does not, an
 * abstaining owner counts neither in participation nor in approval.
 */
#ifndef LINLI_VOICE_TALLY_H
#define LINLI_VOICE_TALLY_H

#include "core/err.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TALLY_DEVELOPER "developer"

enum {
	/* One dwelling's area is at most 1,000,000 m^2 (0.01 m^2 units), so
	 * sums of any electorate that fits in memory stay far inside int64. */
	TALLY_AREA_MAX = 100000000,
	/* Parts of a custom fraction. */
	TALLY_FRACTION_MAX = 1000000,
	/* Entries of one electorate. */
	TALLY_ENTRIES_MAX = 10000000,
};

enum tally_choice {
	TALLY_NONE = 0, /* not voted */
	TALLY_YES,
	TALLY_NO,
	TALLY_ABSTAIN,
};

/* One dwelling of the electorate.  The strings are borrowed for the call. */
struct tally_entry {
	const char *dwelling; /* unique key of the dwelling, non-empty */
	const char *owner;    /* owner key, non-empty; shared by one owner's dwellings */
	int64_t area;         /* 0.01 m^2, 0..TALLY_AREA_MAX */
	enum tally_choice choice;
};

/* part/whole must be >= num/den (inclusive, 以上) or > num/den (过半数). */
struct tally_threshold {
	int64_t num; /* 0 <= num <= den */
	int64_t den; /* >= 1 */
	bool inclusive;
};

struct tally_rule {
	const char *name;                     /* "art278-general", ...; borrowed */
	struct tally_threshold participation; /* of the whole electorate */
	struct tally_threshold approval;      /* of those who took part */
	bool count_area;                      /* false: heads only (居民会议) */
	bool abstain_participates;
};

/*
 * Sets *out to the named rule: "art278-general" (2/3 以上 participation of
 * area and owners, 过半数 approval of both), "art278-major" (art. 278 items
 * 6-8: the same participation, 3/4 以上 approval of both), "majority"
 * (residents' meeting: more than half present, decided by more than half of
 * those present, heads only).  Abstentions participate.  Returns false for
 * any other name ("custom" too: the caller builds that rule).
 */
bool tally_rule_named(struct tally_rule *out, const char *name);

/* The four tests, in the order they are printed. */
enum tally_test_id {
	TALLY_PART_AREA,   /* participating area / total area */
	TALLY_PART_OWNERS, /* participating owners / total owners */
	TALLY_YES_AREA,    /* approving area / participating area */
	TALLY_YES_OWNERS,  /* approving owners / participating owners */
	TALLY_TESTS
};

struct tally_test {
	bool applies; /* false for the area tests of a heads-only rule */
	int64_t part, whole;
	struct tally_threshold need;
	bool passed; /* meaningful when applies */
};

struct tally_result {
	size_t dwellings;
	int64_t owners, area;           /* the electorate */
	int64_t part_owners, part_area; /* took part (see abstain_participates) */
	int64_t yes_owners, yes_area;
	int64_t no_owners, no_area;
	int64_t abstain_owners, abstain_area; /* abstained, whether or not that counts */
	struct tally_test test[TALLY_TESTS];
	bool abstain_participates;
	bool passed;
	/* The first failed test, or TALLY_TESTS when passed. */
	enum tally_test_id failed;
};

/*
 * Tallies n entries under rule.  Returns 0 with *out filled, or -1 with e
 * set (ERR_INVALID) and *bad (when not NULL) the index of the entry to blame:
 *   field "dwelling": empty, or the same dwelling twice (the later entry);
 *   field "owner": empty;
 *   field "area": outside 0..TALLY_AREA_MAX;
 *   field "vote": a choice that contradicts an earlier entry of the owner;
 *   field "rule": the rule's fractions are not 0 <= num <= den, den >= 1
 *     (approval num >= 1), or there are no entries, or a rule that counts
 *     area over an electorate of zero area (*bad is then n).
 * Allocates only temporarily (freed before returning).
 */
int tally_count(struct tally_result *out, const struct tally_entry *entries, size_t n,
		const struct tally_rule *rule, size_t *bad, struct err *e);

/*
 * Judges a result whose sums are already known: given owners, area and the
 * yes / no / abstain owners and areas of r (an online vote keeps running
 * sums instead of entries), fills the participation, the four tests, passed
 * and failed under rule.  tally_count() ends with it.  Sums must come from
 * one electorate (each within 0..owners / 0..area).
 */
void tally_judge(struct tally_result *r, const struct tally_rule *rule);

/*
 * Parses an area in m^2 with up to two decimals ("85", "85.5", "85.50") into
 * 0.01 m^2.  No sign, no exponent, no spaces (trim first).  Returns false when
 * s[0..len) is not such a number or exceeds TALLY_AREA_MAX.
 */
bool tally_area_parse(int64_t *out, const char *s, size_t len);

/* Appends the area v (0.01 m^2, v >= 0) as an exact decimal: "1234.56". */
void tally_area_format(struct strbuf *sb, int64_t v);

/*
 * Parses a fraction "N/D", or "0" or "1", with 0 <= N <= D <= TALLY_FRACTION_MAX
 * and D >= 1, into t->num and t->den (t->inclusive is left alone).
 */
bool tally_fraction_parse(struct tally_threshold *t, const char *s);

/* Maps "yes" / "no" / "abstain" / "" (and 同意 / 反对 / 弃权) to a choice. */
bool tally_choice_parse(enum tally_choice *out, const char *s, size_t len);

/* The test's name as a key ("participation_area", ...). */
const char *tally_test_key(enum tally_test_id id);

/* Why the decision passed or failed, one sentence; lang "zh" or "en". */
const char *tally_reason(const struct tally_result *r, const char *lang);

/*
 * Appends the result as one JSON object:
 *   {"rule": "art278-general", "passed": true, "reason": {"zh":..., "en":...},
 *    "abstain_participates": true, "dwellings": 12,
 *    "owners": 10, "area": "1234.56", "participating_owners": ..,
 *    "participating_area": "..", "yes_owners", "yes_area", "no_owners",
 *    "no_area", "abstain_owners", "abstain_area",
 *    "tests": [{"test": "participation_area", "applies": true,
 *               "part": "800.00", "whole": "1200.00",
 *               "threshold": "2/3", "inclusive": true, "passed": true}, ...]}
 * Areas are strings (exact decimals); owner counts are integers, written as
 * strings in "part"/"whole" of the owner tests too, for one shape.
 */
void tally_result_json(struct strbuf *sb, const struct tally_result *r,
		       const struct tally_rule *rule);

#endif
