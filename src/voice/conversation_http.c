/*
 * conversation_http.c - handlers of conversations and the opinion map.
 *
 * Members of the community write statements and vote; workers (admin,
 * street officer, community worker) open and close conversations and
 * moderate.  The map is computed from the stored votes on each request
 * (voice/opinion.c); participants appear in it under their index, never
 * their user id, and each caller is told which point is theirs.
 */
#include "voice/voice_http.h"

#include "auth/auth.h"
#include "registry/structure.h"
#include "voice/conversation.h"
#include "voice/opinion_map.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_conversation(struct req *r, struct community *c, struct conversation *cv,
                             enum voice_access need, struct err *e)
{
	if (voice_open_community(r, c, need, e) < 0)
		return -1;
	return conversation_get(r->db, cv, c->id, r->param[1], &r->arena, e);
}

static void get_conversations(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *list;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    conversation_list(r->db, &list, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:o, s:{s:I, s:s}, s:b}", "conversations", list, "community",
	                          "id", (json_int_t)c.id, "name", c.name, "can_manage",
	                          auth_changes_community(r->user, c.id, c.street_id)));
}

static void post_conversation(struct req *r)
{
	const char *title = NULL, *description = NULL, *moderation = "strict";
	const struct jfield f[] = {
	    {"title", JF_STRING, true, 1, CONVERSATION_TITLE_MAX, &title},
	    {"description", JF_STRING, false, 0, CONVERSATION_TEXT_MAX, &description},
	    {"moderation", JF_STRING, false, 1, 16, &moderation},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    conversation_add(r->db, &id, c.id, title, description, moderation, r->user->user_id,
	                     &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", title));
}

static void get_conversation(struct req *r)
{
	struct community c;
	struct conversation cv;
	struct err e = ERR_INIT;
	json_t *v;
	if (open_conversation(r, &c, &cv, VOICE_MEMBER, &e) < 0 ||
	    conversation_view(r->db, &v, &cv, r->user->user_id,
	                      auth_changes_community(r->user, c.id, c.street_id), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, v);
}

static void patch_conversation(struct req *r)
{
	const char *status = NULL;
	const struct jfield f[] = {{"status", JF_STRING, true, 1, 16, &status}};
	struct community c;
	struct conversation cv;
	struct err e = ERR_INIT;
	if (open_conversation(r, &c, &cv, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0)
		return http_reply_err(r, &e);
	if (strcmp(status, "closed"))
		err_set(&e, ERR_INVALID, "status", "status can only become closed");
	if (err_is_set(&e) || conversation_close(r->db, &cv, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)cv.id, "status", status));
}

static void post_statement(struct req *r)
{
	const char *text = NULL, *status;
	const struct jfield f[] = {{"text", JF_STRING, true, 1, STATEMENT_MAX, &text}};
	struct community c;
	struct conversation cv;
	struct err e = ERR_INIT;
	int64_t id;
	if (open_conversation(r, &c, &cv, VOICE_MEMBER, &e) < 0 ||
	    http_body_take(r, f, 1, &e) < 0 ||
	    statement_add(r->db, &id, &status, &cv, r->user->user_id, text, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", status));
}

static void patch_statement(struct req *r)
{
	const char *status = NULL, *reason = NULL;
	const struct jfield f[] = {
	    {"status", JF_STRING, true, 1, 16, &status},
	    {"reason", JF_STRING, true, 1, 200, &reason},
	};
	struct community c;
	struct conversation cv;
	struct err e = ERR_INIT;
	if (open_conversation(r, &c, &cv, VOICE_CHANGER, &e) < 0 ||
	    http_body_take(r, f, 2, &e) < 0 ||
	    statement_moderate(r->db, &cv, r->param[2], status, reason, r->user->user_id,
	                       r->user->username, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:s}", "id", (json_int_t)r->param[2], "status", status));
}

static void put_vote(struct req *r)
{
	int64_t vote = 0;
	const struct jfield f[] = {{"vote", JF_INT, true, -1, 1, &vote}};
	struct community c;
	struct conversation cv;
	struct err e = ERR_INIT;
	if (open_conversation(r, &c, &cv, VOICE_MEMBER, &e) < 0 ||
	    http_body_take(r, f, 1, &e) < 0 ||
	    statement_vote(r->db, &cv, r->param[2], r->user->user_id, (int)vote, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:I}", "statement", (json_int_t)r->param[2], "vote",
	                          (json_int_t)vote));
}

static void get_next(struct req *r)
{
	struct community c;
	struct conversation cv;
	struct err e = ERR_INIT;
	json_t *v;
	if (open_conversation(r, &c, &cv, VOICE_MEMBER, &e) < 0 ||
	    statement_next(r->db, &v, &cv, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, v);
}

static void get_map(struct req *r)
{
	struct community c;
	struct conversation cv;
	struct err e = ERR_INIT;
	json_t *v;
	if (open_conversation(r, &c, &cv, VOICE_MEMBER, &e) < 0 ||
	    opinion_map_json(r->db, &v, &cv, r->user->user_id, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, v);
}

/* Reads a whole small file into the arena; NULL when it cannot. */
static char *slurp(const char *path, size_t *len, struct arena *a)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size < (1 << 28)) {
		buf = arena_alloc(a, (size_t)st.st_size + 1);
		*len = 0;
		ssize_t n;
		while (*len < (size_t)st.st_size &&
		       (n = read(fd, buf + *len, (size_t)st.st_size - *len)) > 0)
			*len += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	return buf;
}

static void get_export(struct req *r)
{
	static const char *const files[] = {"comments", "votes", "participants"};
	static const char *const names[] = {"comments.csv", "votes.csv", "participants-votes.csv"};
	const char *file = http_query(r, "file");
	struct polis_conversation pc = POLIS_CONVERSATION_INIT;
	struct community c;
	struct conversation cv;
	struct err e = ERR_INIT;
	char dir[] = "/tmp/linli-export-XXXXXX", path[96];
	size_t which = 3, len = 0;
	char *text = NULL;

	for (size_t i = 0; file && i < 3; i++)
		if (!strcmp(file, files[i]))
			which = i;
	if (which == 3)
		err_set(&e, ERR_INVALID, "file", "file must be comments, votes or participants");
	if (err_is_set(&e) || open_conversation(r, &c, &cv, VOICE_CHANGER, &e) < 0 ||
	    conversation_export(r->db, &pc, &cv, &e) < 0)
		return http_reply_err(r, &e);
	/* polis.c writes folders; the export is written to a private temporary
	 * one and the asked-for file sent. */
	if (!mkdtemp(dir)) {
		err_set(&e, ERR_UNAVAILABLE, NULL, "cannot write the export now");
	} else {
		if (polis_write_dir(&pc, dir, &e) == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[which]);
			if (!(text = slurp(path, &len, &r->arena)))
				err_set(&e, ERR_UNAVAILABLE, NULL, "cannot read the export back");
		}
		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	polis_release(&pc);
	if (!text)
		return http_reply_err(r, &e);
	http_reply_text(r, 200, "text/csv; charset=utf-8", text, len);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/conversations", get_conversations, 0},
    {"POST", "/api/communities/{id}/conversations", post_conversation, 0},
    {"GET", "/api/communities/{id}/conversations/{conv}", get_conversation, 0},
    {"PATCH", "/api/communities/{id}/conversations/{conv}", patch_conversation, 0},
    {"POST", "/api/communities/{id}/conversations/{conv}/statements", post_statement, 0},
    {"PATCH", "/api/communities/{id}/conversations/{conv}/statements/{statement}", patch_statement,
     0},
    {"PUT", "/api/communities/{id}/conversations/{conv}/statements/{statement}/vote", put_vote, 0},
    {"GET", "/api/communities/{id}/conversations/{conv}/next", get_next, 0},
    {"GET", "/api/communities/{id}/conversations/{conv}/map", get_map, 0},
    {"GET", "/api/communities/{id}/conversations/{conv}/export", get_export, 0},
};
const struct route_table conversation_routes = {routes, sizeof(routes) / sizeof(routes[0])};
