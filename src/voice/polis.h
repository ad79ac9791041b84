/*
 * polis.h - conversations in the Pol.is open-data format
 * (compdemocracy/openData): a folder with comments.csv, votes.csv and
 * participants-votes.csv, read and written back byte for byte.
 *
 * The files are RFC 4180 CSV: comma-separated, fields quoted with "" when
 * they hold a comma, a quote (doubled) or a line break; lines end in LF or
 * CRLF.  Columns are found by their header name, so their order may vary;
 * on writing, the standard Pol.is order is used.  Parsing is a pure function
 * over (buf, len): bad input of any kind gives an error naming the file, the
 * line and the column (the 1-based field number and its header), never a
 * crash.  Text must be UTF-8.
 *
 * votes.csv is the full history: polis_matrix() keeps the latest vote (by
 * timestamp) per (participant, statement) and leaves out the statements
 * moderated out in comments.csv (moderated = -1).
 */
#ifndef LINLI_VOICE_POLIS_H
#define LINLI_VOICE_POLIS_H

#include "core/arena.h"
#include "core/err.h"
#include "voice/opinion.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	POLIS_FILE_MAX = 1 << 30, /* bytes read from one file */
	POLIS_MODERATED_OUT = -1,
};

/* A row of comments.csv: a statement (comment-body) somebody wrote. */
struct polis_comment {
	int64_t timestamp;    /* milliseconds since 1970 */
	const char *datetime; /* as written, in the conversation's arena */
	int64_t id;           /* comment-id: the statement id */
	int64_t author;       /* author-id */
	int64_t agrees, disagrees;
	int moderated;        /* -1 rejected, 0 unmoderated, 1 accepted */
	const char *body;     /* comment-body, in the arena; may hold newlines */
};

/* A row of votes.csv. */
struct polis_vote {
	int64_t timestamp;
	const char *datetime; /* in the arena */
	int64_t comment;      /* comment-id */
	int64_t voter;        /* voter-id */
	int8_t vote;          /* 1 agree, -1 disagree, 0 pass */
};

/* A row of participants-votes.csv. */
struct polis_participant {
	int64_t id;
	int group;            /* group-id; -1 when blank (not clustered) */
	int64_t n_comments, n_votes, n_agree, n_disagree;
	int8_t *votes;        /* n_columns, in the arena; OPINION_MISSING when blank */
};

/*
 * A conversation.  Arrays are heap-owned by the conversation, strings and
 * participant vote rows live in its arena; polis_release() frees both.
 */
struct polis_conversation {
	struct arena arena;
	struct polis_comment *comments;
	size_t n_comments;
	struct polis_vote *votes;
	size_t n_votes;
	bool has_participants;   /* participants-votes.csv was read or built */
	int64_t *columns;        /* statement ids of the vote columns */
	size_t n_columns;
	struct polis_participant *participants;
	size_t n_participants;
};

#define POLIS_CONVERSATION_INIT { ARENA_INIT, NULL, 0, NULL, 0, false, NULL, 0, NULL, 0 }

/* Frees everything *c owns; *c is empty afterwards.  NULL is fine. */
void polis_release(struct polis_conversation *c);

/*
 * Parsers over buf[0..len) (borrowed), adding to *c; name is the file name
 * used in messages.  Each replaces what *c held of that file.  Return 0, or
 * -1 with e set: ERR_INVALID with a message such as
 * "votes.csv line 12, column 5 (vote): 2 is not -1, 0 or 1" and field set
 * to the header name (or "csv" for a syntax error).
 */
int polis_parse_comments(struct polis_conversation *c, const char *buf, size_t len,
			 const char *name, struct err *e);
int polis_parse_votes(struct polis_conversation *c, const char *buf, size_t len,
		      const char *name, struct err *e);
int polis_parse_participants(struct polis_conversation *c, const char *buf, size_t len,
			     const char *name, struct err *e);

/*
 * Reads dir/comments.csv and dir/votes.csv, and dir/participants-votes.csv
 * when it exists, into *c (which must be empty).  Returns 0, or -1 with e
 * set: ERR_NOT_FOUND naming the missing file, ERR_TOO_LARGE past
 * POLIS_FILE_MAX, ERR_INTERNAL on an I/O error, or a parser's error.
 */
int polis_read_dir(struct polis_conversation *c, const char *dir, struct err *e);

/*
 * Writes dir/comments.csv, dir/votes.csv and, when c->has_participants,
 * dir/participants-votes.csv (dir must exist; files are replaced).  A file
 * read with the standard columns and LF line ends is written back byte for
 * byte.  Returns 0, or -1 with e set (ERR_INTERNAL naming the file).
 */
int polis_write_dir(const struct polis_conversation *c, const char *dir, struct err *e);

/*
 * The vote matrix of c into *out: the latest vote per (voter, comment), the
 * comments moderated out left out.  Returns 0, or -1 with e set (see
 * opinion_matrix_build()).
 */
int polis_matrix(struct opinion_matrix *out, const struct polis_conversation *c,
		 struct err *e);

/*
 * The number of statements moderated out that have at least one vote: what
 * Pol.is keeps as all-pass columns (opinion_params.zeroed_statements).
 */
size_t polis_zeroed_statements(const struct polis_conversation *c);

/*
 * Rebuilds c's participants table from its comments and votes, as Pol.is
 * exports it: one row per voter, in the order of their first row in
 * votes.csv; one column per comment id in order (moderated out or not);
 * each cell the voter's latest vote; the counts over those votes;
 * n-comments from the authors.  The group-id of
 * voter ids[i] is group[i] (both borrowed, n entries, ids ascending); a
 * voter not listed, or ids NULL, gets a blank group-id.  Returns 0, or -1
 * with e set (see opinion_matrix_build()).
 */
int polis_participants_build(struct polis_conversation *c, const int64_t *ids, const int *group,
			     size_t n, struct err *e);

#endif
