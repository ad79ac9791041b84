/*
 * pb.h - participatory-budgeting instances in Pabulib's .pb format.
 *
 * A .pb file (pabulib.org) holds three sections, META, PROJECTS and VOTES,
 * each a section name on its own line followed by a header row and data
 * rows, all semicolon-separated; a field may be double-quoted (and then hold
 * semicolons, doubled quotes and line breaks).  META is key;value and must
 * give `budget`; PROJECTS needs project_id and cost; VOTES needs voter_id
 * and vote, a comma-separated list of project ids, plus `points` (one per
 * listed project) for cumulative or scoring ballots.
 *
 * The parser is a pure function over (buf, len): it never crashes on bad
 * input and names the line and the field of the first thing it refuses.  It
 * keeps every section as read (header and cells, all columns), and also
 * gives the typed view the rules work on: the budget, each project's id,
 * cost and official `selected` value, each ballot as project indices.  Money
 * is an integer count of the file's unit (yuan, or fen, or the file's
 * currency); at most PB_MONEY_MAX, so that sums and exact arithmetic in the
 * rules keep ample headroom.
 *
 * The writer is the parser's inverse: typed fields are written from the
 * typed view, every other column from the tables, so parse -> write -> parse
 * gives the same instance, and an instance built in memory (no tables) is
 * written with the minimal columns.
 */
#ifndef LINLI_VOICE_PB_H
#define LINLI_VOICE_PB_H

#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	PB_MONEY_MAX_DIGITS = 15,
	PB_MAX_PROJECTS = 100000,
	PB_FILE_MAX = 1 << 30, /* bytes pb_read_file accepts */
};
#define PB_MONEY_MAX INT64_C(1000000000000000) /* 10^15 units */

enum pb_section { PB_META, PB_PROJECTS, PB_VOTES, PB_NSECTIONS };

/* One section as read.  All strings are NUL-terminated, in the arena given
 * to the parser. */
struct pb_table {
	size_t ncols;
	const char **col; /* header names */
	size_t nrows;
	const char ***cell; /* cell[row][col]; "" for a field the row left out */
	const size_t *line; /* 1-based line where each row starts */
};

struct pb_project {
	const char *id; /* project_id, trimmed; never contains ',' */
	int64_t cost;   /* 0..PB_MONEY_MAX */
	int selected;   /* the file's `selected`: 1, 0, or -1 when absent */
};

struct pb_voter {
	const char *id;        /* voter_id, trimmed */
	size_t n;              /* projects on the ballot */
	const uint32_t *item;  /* their indices into pb_instance.project, as listed */
	const int64_t *points; /* n points (0..PB_MONEY_MAX), or NULL without points */
};

struct pb_instance {
	struct pb_table table[PB_NSECTIONS]; /* all zero for an instance built in memory */
	int64_t budget;                      /* META budget, 0..PB_MONEY_MAX */
	const char *rule;                    /* META rule, or NULL */
	const char *vote_type;               /* META vote_type; "approval" when absent */
	size_t nprojects;
	struct pb_project *project; /* in file order; ids unique */
	size_t nvoters;
	struct pb_voter *voter; /* in file order; ids unique */
	bool has_points;        /* every voter has points */
	const uint32_t *by_id;  /* project indices sorted by id (strcmp), or NULL */
};

/*
 * Parses buf[0..len) into *out, everything allocated in a (which must outlive
 * *out).  buf need not be NUL-terminated.  On failure returns -1 with e
 * filled: ERR_INVALID, the field set to the column or META key to blame
 * ("budget", "cost", "vote", ...) or "" for the file's shape, and the message
 * beginning "line N: " where a line is known.
 */
int pb_parse(struct pb_instance *out, const char *buf, size_t len, struct arena *a, struct err *e);

/*
 * Reads the file at path and parses it as pb_parse does.  A file that cannot
 * be read fails with ERR_NOT_FOUND (field "file") and the system's reason.
 */
int pb_read_file(struct pb_instance *out, const char *path, struct arena *a, struct err *e);

/* True when a project has this id, its index then in *out.  Uses by_id
 * when present, else looks at every project. */
bool pb_project_find(size_t *out, const struct pb_instance *in, const char *id);

/* The value of META key, or NULL; only for an instance that was read. */
const char *pb_meta(const struct pb_instance *in, const char *key);

/* Appends in as a .pb file (LF line ends, fields quoted only when needed). */
void pb_write(struct strbuf *sb, const struct pb_instance *in);

#endif
