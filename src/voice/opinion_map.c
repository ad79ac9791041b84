/*
 * opinion_map.c - see opinion_map.h.
 */
#include "voice/opinion_map.h"

#include "voice/opinion.h"

#include <pthread.h>
#include <string.h>

enum { CACHE = 64 };

/* The last map of each recently mapped conversation, for warm starts. */
static struct {
	int64_t conversation;
	struct opinion_map map;
} cache[CACHE];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *text_of(int64_t id, const int64_t *sids, const char **texts, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sids[lo] == id ? texts[lo] : "";
}

static json_t *statement_json(const struct opinion_map *m, const struct opinion_matrix *mx,
			      uint32_t s, const char *direction, const int64_t *sids,
			      const char **texts, size_t nsids)
{
	int64_t id = mx->statement_ids[s];
	json_t *o = json_pack("{s:I, s:s, s:I, s:I, s:I}", "id", (json_int_t)id, "text",
			      text_of(id, sids, texts, nsids), "agree", (json_int_t)m->n_agree[s],
			      "disagree", (json_int_t)m->n_disagree[s], "votes",
			      (json_int_t)m->n_seen[s]);
	if (direction)
		json_object_set_new(o, "direction", json_string(direction));
	return o;
}

static json_t *empty_map(size_t participants)
{
	return json_pack("{s:I, s:I, s:I, s:[], s:[], s:[], s:[]}", "participants",
			 (json_int_t)participants, "clustered", (json_int_t)0, "k", (json_int_t)0,
			 "points", "groups", "consensus", "divisive");
}

int opinion_map_json(struct store *db, json_t **out, const struct conversation *c,
		     int64_t user_id, struct arena *a, struct err *e)
{
	struct opinion_matrix mx = OPINION_MATRIX_INIT;
	struct opinion_map map = OPINION_MAP_INIT;
	int64_t *sids, *uids;
	const char **texts;
	size_t nsids, nuids, nvotes, slot = CACHE;
	struct vote_triple *votes;
	int rc = -1;

	if (conversation_matrix(db, c, &sids, &texts, &nsids, &uids, &nuids, &votes, &nvotes, a,
				e) < 0)
		return -1;
	struct opinion_vote *ov = arena_alloc(a, (nvotes ? nvotes : 1) * sizeof(*ov));
	for (size_t i = 0; i < nvotes; i++) {
		ov[i].participant = uids[votes[i].participant];
		ov[i].statement = sids[votes[i].statement];
		ov[i].time = 0;
		ov[i].value = votes[i].vote;
	}
	if (opinion_matrix_build(&mx, ov, nvotes, e) < 0)
		return -1;
	if (mx.n_participants < 2 || mx.n_statements < 1) {
		*out = empty_map(mx.n_participants);
		opinion_matrix_release(&mx);
		return 0;
	}

	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < CACHE; i++)
		if (cache[i].conversation == c->id)
			slot = i;
	const struct opinion_map *prev = slot < CACHE ? &cache[slot].map : NULL;
	rc = opinion_map_compute(&map, &mx, NULL, prev, e);
	if (rc == 0) {
		if (slot == CACHE) /* a new conversation takes the slot its id names */
			slot = (size_t)c->id % CACHE;
		opinion_map_release(&cache[slot].map);
		cache[slot].conversation = c->id;
		/* the cache keeps the map; the reply is built from it under the lock */
	}
	if (rc < 0) {
		pthread_mutex_unlock(&cache_lock);
		opinion_matrix_release(&mx);
		return -1;
	}

	json_t *points = json_array(), *groups = json_array(), *consensus = json_array(),
	       *divisive = json_array();
	for (size_t i = 0; i < map.n_participants; i++)
		json_array_append_new(
			points, json_pack("{s:f, s:f, s:o, s:b}", "x", map.proj[2 * i], "y",
					  map.proj[2 * i + 1], "group",
					  map.group[i] >= 0 ? json_integer(map.group[i]) : json_null(),
					  "me", mx.participant_ids[i] == user_id));
	for (int g = 0; map.k >= 2 && g < map.k; g++) {
		json_t *rep = json_array();
		for (size_t j = 0; j < map.groups[g].n_rep; j++) {
			const struct opinion_repness *r = &map.groups[g].rep[j];
			json_t *s = statement_json(&map, &mx, r->statement, r->agree ? "agree" : "disagree",
						   sids, texts, nsids);
			size_t at = (size_t)g * map.n_statements + r->statement;
			json_object_set_new(s, "agree", json_integer(map.group_agree[at]));
			json_object_set_new(s, "disagree", json_integer(map.group_disagree[at]));
			json_object_set_new(s, "votes", json_integer(map.group_seen[at]));
			json_array_append_new(rep, s);
		}
		json_array_append_new(groups, json_pack("{s:i, s:I, s:o}", "id", g, "size",
							(json_int_t)map.groups[g].n_members,
							"representative", rep));
	}
	for (size_t j = 0; j < map.n_consensus_agree; j++)
		json_array_append_new(consensus,
				      statement_json(&map, &mx, map.consensus_agree[j].statement,
						     "agree", sids, texts, nsids));
	for (size_t j = 0; j < map.n_consensus_disagree; j++)
		json_array_append_new(consensus,
				      statement_json(&map, &mx, map.consensus_disagree[j].statement,
						     "disagree", sids, texts, nsids));
	for (size_t j = 0; j < map.n_statements && json_array_size(divisive) < 5; j++) {
		uint32_t s = map.divisive_order[j];
		/* divisive means both sides are there, not groups of unequal size */
		if (map.divisiveness[s] > 0 && map.n_agree[s] > 0 && map.n_disagree[s] > 0)
			json_array_append_new(divisive,
					      statement_json(&map, &mx, s, NULL, sids, texts, nsids));
	}
	*out = json_pack("{s:I, s:I, s:i, s:o, s:o, s:o, s:o}", "participants",
			 (json_int_t)map.n_participants, "clustered", (json_int_t)map.n_clustered,
			 "k", map.k >= 2 ? map.k : 0, "points", points, "groups", groups,
			 "consensus", consensus, "divisive", divisive);
	cache[slot].map = map; /* owned by the cache from here on */
	pthread_mutex_unlock(&cache_lock);
	opinion_matrix_release(&mx);
	return 0;
}
