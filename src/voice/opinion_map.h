/*
 * opinion_map.h - the opinion map of a stored conversation: its votes read
 * through conversation.c, the map computed by opinion.c, the result as
 * JSON for the browser.
 *
 * The previous map of each conversation is kept in memory (a small table,
 * under a lock) and passed as the warm start of the next computation, so
 * the axes and the group numbers stay where people saw them.
 */
#ifndef LINLI_VOICE_OPINION_MAP_H
#define LINLI_VOICE_OPINION_MAP_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "store/store.h"
#include "voice/conversation.h"

/* The map as docs/api.md describes it; user_id's point is marked "me".
 * *out is a new reference for the caller. */
int opinion_map_json(struct store *db, json_t **out, const struct conversation *c,
		     int64_t user_id, struct arena *a, struct err *e);

#endif
