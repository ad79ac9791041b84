/*
 * round.c - rules and persistence of micro-fund rounds (see round.h).
 */
#include "voice/round.h"

#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_add[] =
	"INSERT INTO fund_rounds (community_id, title, description, budget, rule, ballot, points,"
	" max_choices, eligible, status, created_by, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposal', ?, ?) RETURNING id";
static const char sql_list[] =
	"SELECT r.id, r.title, r.budget, r.rule, r.ballot, r.status, r.eligible,"
	" (SELECT COUNT(*) FROM fund_projects p WHERE p.round_id = r.id),"
	" (SELECT COUNT(DISTINCT b.user_id) FROM fund_ballots b WHERE b.round_id = r.id)"
	" FROM fund_rounds r WHERE r.community_id = ? ORDER BY r.id DESC";
static const char sql_get[] =
	"SELECT id, community_id, budget, points, max_choices, title, rule, ballot, eligible, status"
	" FROM fund_rounds WHERE id = ? AND community_id = ?";
static const char sql_description[] = "SELECT description FROM fund_rounds WHERE id = ?";
static const char sql_projects[] =
	"SELECT p.id, p.title, p.description, p.cost, p.proposer_kind,"
	" (SELECT COUNT(*) FROM fund_ballots b WHERE b.project_id = p.id),"
	" (SELECT COALESCE(SUM(b.points), 0) FROM fund_ballots b WHERE b.project_id = p.id)"
	" FROM fund_projects p WHERE p.round_id = ? ORDER BY p.id";
static const char sql_my_ballot[] =
	"SELECT project_id, points FROM fund_ballots WHERE round_id = ? AND user_id = ? ORDER BY project_id";
static const char sql_status[] =
	"UPDATE fund_rounds SET status = ? WHERE id = ? AND community_id = ? AND status = ?";
static const char sql_project_add[] =
	"INSERT INTO fund_projects (round_id, community_id, title, description, cost, proposer_kind,"
	" proposer_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_project_count[] = "SELECT COUNT(*) FROM fund_projects WHERE round_id = ?";
static const char sql_project_in[] = "SELECT 1 FROM fund_projects WHERE id = ? AND round_id = ?";
static const char sql_ballot_clear[] = "DELETE FROM fund_ballots WHERE round_id = ? AND user_id = ?";
static const char sql_ballot_add[] =
	"INSERT INTO fund_ballots (round_id, community_id, user_id, project_id, points, cast_at)"
	" VALUES (?, ?, ?, ?, ?, ?)";
static const char sql_ballots_all[] =
	"SELECT user_id, project_id, points FROM fund_ballots WHERE round_id = ?"
	" ORDER BY user_id, project_id";
static const char sql_project_ids[] =
	"SELECT id, cost, title FROM fund_projects WHERE round_id = ? ORDER BY id";

static bool one_of(const char *s, const char *a, const char *b)
{
	return s && (!strcmp(s, a) || !strcmp(s, b));
}

int round_add(struct store *db, int64_t *out, int64_t community_id, const struct round_new *n,
	      int64_t actor, struct err *e)
{
	struct stmt *st;
	int rc;

	if (!one_of(n->rule, "greedy", "mes"))
		return err_set(e, ERR_INVALID, "rule", "rule must be greedy or mes");
	if (!one_of(n->ballot, "approval", "points"))
		return err_set(e, ERR_INVALID, "ballot", "ballot must be approval or points");
	if (!one_of(n->eligible, "members", "residents"))
		return err_set(e, ERR_INVALID, "eligible", "eligible must be members or residents");
	if (!strcmp(n->ballot, "points") && !strcmp(n->rule, "mes"))
		return err_set(e, ERR_INVALID, "rule",
			       "Equal Shares takes approval ballots; use greedy with points");
	if (!strcmp(n->ballot, "points") && n->points < 1)
		return err_set(e, ERR_INVALID, "points", "points ballots need points per voter");
	if (!(st = store_prepare(db, sql_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, n->title, SIZE_MAX);
	stmt_bind_text(st, 3, n->description ? n->description : "", SIZE_MAX);
	stmt_bind_int(st, 4, n->budget);
	stmt_bind_text(st, 5, n->rule, SIZE_MAX);
	stmt_bind_text(st, 6, n->ballot, SIZE_MAX);
	stmt_bind_int(st, 7, !strcmp(n->ballot, "points") ? n->points : 0);
	stmt_bind_int(st, 8, n->max_choices);
	stmt_bind_text(st, 9, n->eligible, SIZE_MAX);
	stmt_bind_int(st, 10, actor);
	stmt_bind_int(st, 11, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

int round_list(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list, e);
	json_t *arr;
	int rc;
	if (!st)
		return -1;
	arr = json_array();
	stmt_bind_int(st, 1, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:I}", "id",
				       (json_int_t)stmt_int(st, 0), "title", stmt_text(st, 1), "budget",
				       (json_int_t)stmt_int(st, 2), "rule", stmt_text(st, 3), "ballot",
				       stmt_text(st, 4), "status", stmt_text(st, 5), "eligible",
				       stmt_text(st, 6), "projects", (json_int_t)stmt_int(st, 7),
				       "voters", (json_int_t)stmt_int(st, 8)));
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int round_get(struct store *db, struct round_info *out, int64_t community_id, int64_t round_id,
	      struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, round_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		out->community_id = stmt_int(st, 1);
		out->budget = stmt_int(st, 2);
		out->points = stmt_int(st, 3);
		out->max_choices = stmt_int(st, 4);
		out->title = arena_strdup(a, stmt_text(st, 5));
		out->rule = arena_strdup(a, stmt_text(st, 6));
		out->ballot = arena_strdup(a, stmt_text(st, 7));
		out->eligible = arena_strdup(a, stmt_text(st, 8));
		out->status = arena_strdup(a, stmt_text(st, 9));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such round");
	return rc < 0 ? -1 : 0;
}

int round_view(struct store *db, json_t **out, const struct round_info *r, int64_t user_id,
	       struct err *e)
{
	json_t *o = NULL, *projects = json_array(), *mine = json_array();
	struct stmt *st;
	int rc;

	if (!(st = store_prepare(db, sql_description, e)))
		goto fail;
	stmt_bind_int(st, 1, r->id);
	rc = stmt_step(st, e);
	o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:s, s:s}", "id", (json_int_t)r->id,
		      "title", r->title, "description", rc == STORE_ROW ? stmt_text(st, 0) : "",
		      "budget", (json_int_t)r->budget, "rule", r->rule, "ballot", r->ballot, "points",
		      (json_int_t)r->points, "max_choices", (json_int_t)r->max_choices, "eligible",
		      r->eligible, "status", r->status);
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_projects, e)))
		goto fail;
	stmt_bind_int(st, 1, r->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
			projects, json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:I}", "id",
					    (json_int_t)stmt_int(st, 0), "title", stmt_text(st, 1),
					    "description", stmt_text(st, 2), "cost",
					    (json_int_t)stmt_int(st, 3), "proposer_kind",
					    stmt_text(st, 4), "supporters", (json_int_t)stmt_int(st, 5),
					    "points", (json_int_t)stmt_int(st, 6)));
	stmt_done(st);
	if (rc < 0)
		goto fail;
	if (user_id) {
		if (!(st = store_prepare(db, sql_my_ballot, e)))
			goto fail;
		stmt_bind_int(st, 1, r->id);
		stmt_bind_int(st, 2, user_id);
		while ((rc = stmt_step(st, e)) == STORE_ROW)
			json_array_append_new(mine, json_pack("{s:I, s:I}", "project",
							      (json_int_t)stmt_int(st, 0), "points",
							      (json_int_t)stmt_int(st, 1)));
		stmt_done(st);
		if (rc < 0)
			goto fail;
	}
	json_object_set_new(o, "projects", projects);
	json_object_set_new(o, "my_ballot", mine);
	*out = o;
	return 0;
fail:
	json_decref(o);
	json_decref(projects);
	json_decref(mine);
	return -1;
}

int round_set_status(struct store *db, const struct round_info *r, const char *status,
		     struct err *e)
{
	const char *from = !strcmp(status, "voting") ? "proposal"
			   : !strcmp(status, "closed") ? "voting"
						       : NULL;
	struct stmt *st;
	if (!from)
		return err_set(e, ERR_INVALID, "status", "status must be voting or closed");
	if (!(st = store_prepare(db, sql_status, e)))
		return -1;
	stmt_bind_text(st, 1, status, SIZE_MAX);
	stmt_bind_int(st, 2, r->id);
	stmt_bind_int(st, 3, r->community_id);
	stmt_bind_text(st, 4, from, SIZE_MAX);
	if (stmt_exec(st, e) < 0)
		return -1;
	if (store_changes(db) != 1)
		return err_set(e, ERR_CONFLICT, "status", "a round in %s cannot move to %s",
			       r->status, status);
	return 0;
}

static int count_of(struct store *db, const char *sql, int64_t a, int64_t b, int64_t *out,
		    struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a);
	if (b)
		stmt_bind_int(st, 2, b);
	rc = stmt_step(st, e);
	*out = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int round_project_add(struct store *db, int64_t *out, const struct round_info *r,
		      const char *title, const char *description, int64_t cost,
		      const char *proposer_kind, int64_t proposer, struct err *e)
{
	struct stmt *st;
	int64_t n;
	int rc;

	if (strcmp(r->status, "proposal"))
		return err_set(e, ERR_CONFLICT, NULL, "this round no longer takes proposals");
	if (!proposer_kind)
		proposer_kind = "resident";
	if (strcmp(proposer_kind, "resident") && strcmp(proposer_kind, "organisation") &&
	    strcmp(proposer_kind, "social_enterprise"))
		return err_set(e, ERR_INVALID, "proposer_kind",
			       "proposer_kind must be resident, organisation or social_enterprise");
	if (cost > r->budget)
		return err_set(e, ERR_INVALID, "cost", "the cost is above the round's budget");
	if (store_begin(db, e) < 0)
		return -1;
	if (count_of(db, sql_project_count, r->id, 0, &n, e) < 0)
		goto fail;
	if (n >= ROUND_PROJECTS_MAX) {
		err_set(e, ERR_CONFLICT, NULL, "a round holds at most %d projects", ROUND_PROJECTS_MAX);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_project_add, e)))
		goto fail;
	stmt_bind_int(st, 1, r->id);
	stmt_bind_int(st, 2, r->community_id);
	stmt_bind_text(st, 3, title, SIZE_MAX);
	stmt_bind_text(st, 4, description ? description : "", SIZE_MAX);
	stmt_bind_int(st, 5, cost);
	stmt_bind_text(st, 6, proposer_kind, SIZE_MAX);
	stmt_bind_int(st, 7, proposer);
	stmt_bind_int(st, 8, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int round_ballot(struct store *db, const struct round_info *r, int64_t user_id,
		 const int64_t *projects, const int64_t *points, size_t n, struct err *e)
{
	bool with_points = !strcmp(r->ballot, "points");
	struct stmt *st;
	int64_t sum = 0;

	if (strcmp(r->status, "voting"))
		return err_set(e, ERR_CONFLICT, NULL, "this round is not voting");
	if (r->max_choices && (int64_t)n > r->max_choices)
		return err_set(e, ERR_INVALID, "projects", "choose at most %lld projects",
			       (long long)r->max_choices);
	if (with_points != (points != NULL))
		return err_set(e, ERR_INVALID, "points", with_points
				       ? "this round's ballots give points to each project"
				       : "this round takes approval ballots, without points");
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < i; k++)
			if (projects[k] == projects[i])
				return err_set(e, ERR_INVALID, "projects", "project %lld is listed twice",
					       (long long)projects[i]);
		if (points)
			sum += points[i];
	}
	if (with_points && sum > r->points)
		return err_set(e, ERR_INVALID, "points", "at most %lld points in all",
			       (long long)r->points);
	if (store_begin(db, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t found;
		if (count_of(db, sql_project_in, projects[i], r->id, &found, e) < 0)
			goto fail;
		if (!found) {
			err_set(e, ERR_NOT_FOUND, "projects", "project %lld is not in this round",
				(long long)projects[i]);
			goto fail;
		}
	}
	if (!(st = store_prepare(db, sql_ballot_clear, e)))
		goto fail;
	stmt_bind_int(st, 1, r->id);
	stmt_bind_int(st, 2, user_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (!(st = store_prepare(db, sql_ballot_add, e)))
			goto fail;
		stmt_bind_int(st, 1, r->id);
		stmt_bind_int(st, 2, r->community_id);
		stmt_bind_int(st, 3, user_id);
		stmt_bind_int(st, 4, projects[i]);
		stmt_bind_int(st, 5, points ? points[i] : 1);
		stmt_bind_int(st, 6, time_now());
		if (stmt_exec(st, e) < 0)
			goto fail;
	}
	if (store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int round_instance(struct store *db, struct pb_instance *out, const struct round_info *r,
		   struct arena *a, struct err *e)
{
	struct stmt *st;
	size_t cap = 0, vcap = 0;
	int64_t last_user = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->budget = r->budget;
	out->rule = !strcmp(r->rule, "greedy") ? "greedy" : "equalshares/add1";
	out->vote_type = !strcmp(r->ballot, "points") ? "cumulative" : "approval";
	out->has_points = !strcmp(r->ballot, "points");
	if (!(st = store_prepare(db, sql_project_ids, e)))
		return -1;
	stmt_bind_int(st, 1, r->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (out->nprojects == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct pb_project *p = arena_alloc(a, ncap * sizeof(*p));
			if (cap)
				memcpy(p, out->project, cap * sizeof(*p));
			out->project = p;
			cap = ncap;
		}
		struct pb_project *p = &out->project[out->nprojects++];
		/* zero-padded, so that ties broken by id as text follow the ids */
		p->id = arena_printf(a, "%012lld", (long long)stmt_int(st, 0));
		p->cost = stmt_int(st, 1);
		p->selected = -1;
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_ballots_all, e)))
		return -1;
	stmt_bind_int(st, 1, r->id);
	/* Ballot rows come grouped by user; each group becomes one voter. */
	uint32_t *items = NULL;
	int64_t *pts = NULL;
	size_t nitems = 0;
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int64_t user = stmt_int(st, 0), project = stmt_int(st, 1);
		if (user != last_user) {
			if (out->nvoters == vcap) {
				size_t ncap = vcap ? vcap * 2 : 64;
				struct pb_voter *v = arena_alloc(a, ncap * sizeof(*v));
				if (vcap)
					memcpy(v, out->voter, vcap * sizeof(*v));
				out->voter = v;
				vcap = ncap;
			}
			struct pb_voter *v = &out->voter[out->nvoters++];
			v->id = arena_printf(a, "%lld", (long long)user);
			v->n = 0;
			items = arena_alloc(a, (out->nprojects ? out->nprojects : 1) * sizeof(*items));
			pts = out->has_points
				      ? arena_alloc(a, (out->nprojects ? out->nprojects : 1) * sizeof(*pts))
				      : NULL;
			v->item = items;
			v->points = pts;
			nitems = 0;
			last_user = user;
		}
		struct pb_voter *v = &out->voter[out->nvoters - 1];
		char id[24];
		snprintf(id, sizeof(id), "%012lld", (long long)project);
		for (size_t i = 0; i < out->nprojects && nitems < out->nprojects; i++) {
			if (!strcmp(out->project[i].id, id)) {
				items[nitems] = (uint32_t)i;
				if (pts)
					pts[nitems] = stmt_int(st, 2);
				v->n = ++nitems;
				break;
			}
		}
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

static const char sql_import_round[] =
	"INSERT INTO fund_rounds (community_id, title, description, budget, rule, ballot, points,"
	" max_choices, eligible, status, created_by, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'members', 'closed', ?, ?) RETURNING id";
static const char sql_project_file_id[] =
	"SELECT description FROM fund_projects WHERE id = ? AND round_id = ?";

/* The prefix of an imported project's description, before the file's id. */
static const char file_id_prefix[] = "pabulib project_id ";

int round_import(struct store *db, int64_t *out, int64_t community_id, const char *title,
		 const struct pb_instance *in, int64_t actor, size_t *nvoters, struct err *e)
{
	const char *rule = in->rule && !strncmp(in->rule, "equalshares", 11) ? "mes" : "greedy";
	int64_t now = time_now(), round = 0, points = 0, *ids = NULL;
	size_t *by_text = NULL;
	struct stmt *st;
	int rc;

	*nvoters = 0;
	if (in->rule && strcmp(in->rule, "greedy") && strncmp(in->rule, "equalshares", 11))
		return err_set(e, ERR_INVALID, "rule", "rule %s is not one linli applies", in->rule);
	if (in->nprojects > ROUND_PROJECTS_MAX)
		return err_set(e, ERR_INVALID, "projects", "a round holds at most %d projects",
			       ROUND_PROJECTS_MAX);
	if (in->budget > (int64_t)ROUND_BUDGET_MAX / 100)
		return err_set(e, ERR_INVALID, "budget", "the budget is too large");
	for (size_t v = 0; v < in->nvoters && in->has_points; v++) {
		int64_t sum = 0;
		for (size_t k = 0; k < in->voter[v].n; k++)
			sum += in->voter[v].points[k];
		if (sum > points)
			points = sum;
	}
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_import_round, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, title, SIZE_MAX);
	stmt_bind_text(st, 3, "imported from a Pabulib file", SIZE_MAX);
	stmt_bind_int(st, 4, in->budget * 100);
	stmt_bind_text(st, 5, rule, SIZE_MAX);
	stmt_bind_text(st, 6, in->has_points ? "points" : "approval", SIZE_MAX);
	stmt_bind_int(st, 7, points);
	stmt_bind_int(st, 8, actor);
	stmt_bind_int(st, 9, now);
	rc = stmt_step(st, e);
	round = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_done(st);
	if (rc != STORE_ROW)
		goto fail;
	ids = xmalloc((in->nprojects ? in->nprojects : 1) * sizeof(*ids));
	/* Inserted in the order of the file's ids as text, so that ties broken
	 * by our ids break as Pabulib breaks them (the smaller id as text). */
	by_text = xmalloc((in->nprojects ? in->nprojects : 1) * sizeof(*by_text));
	for (size_t i = 0; i < in->nprojects; i++)
		by_text[i] = i;
	for (size_t i = 1; i < in->nprojects; i++) {
		size_t k = by_text[i], j = i;
		while (j > 0 && strcmp(in->project[by_text[j - 1]].id, in->project[k].id) > 0) {
			by_text[j] = by_text[j - 1];
			j--;
		}
		by_text[j] = k;
	}
	for (size_t n = 0; n < in->nprojects; n++) {
		size_t i = by_text[n];
		char desc[160], name[160];
		snprintf(desc, sizeof(desc), "%s%s", file_id_prefix, in->project[i].id);
		snprintf(name, sizeof(name), "#%s", in->project[i].id);
		if (!(st = store_prepare(db, sql_project_add, e)))
			goto fail;
		stmt_bind_int(st, 1, round);
		stmt_bind_int(st, 2, community_id);
		stmt_bind_text(st, 3, name, SIZE_MAX);
		stmt_bind_text(st, 4, desc, SIZE_MAX);
		stmt_bind_int(st, 5, in->project[i].cost * 100);
		stmt_bind_text(st, 6, "resident", SIZE_MAX);
		stmt_bind_int(st, 7, actor);
		stmt_bind_int(st, 8, now);
		rc = stmt_step(st, e);
		ids[i] = rc == STORE_ROW ? stmt_int(st, 0) : 0;
		stmt_done(st);
		if (rc != STORE_ROW)
			goto fail;
	}
	for (size_t v = 0; v < in->nvoters; v++) {
		for (size_t k = 0; k < in->voter[v].n; k++) {
			if (!(st = store_prepare(db, sql_ballot_add, e)))
				goto fail;
			stmt_bind_int(st, 1, round);
			stmt_bind_int(st, 2, community_id);
			stmt_bind_int(st, 3, -(int64_t)(v + 1));
			stmt_bind_int(st, 4, ids[in->voter[v].item[k]]);
			stmt_bind_int(st, 5, in->voter[v].points ? in->voter[v].points[k] : 1);
			stmt_bind_int(st, 6, now);
			if (stmt_exec(st, e) < 0)
				goto fail;
		}
		(*nvoters)++;
	}
	if (store_commit(db, e) < 0)
		goto fail;
	free(ids);
	free(by_text);
	*out = round;
	return 0;
fail:
	store_rollback(db);
	free(ids);
	free(by_text);
	*nvoters = 0;
	return -1;
}

int round_funded_file_ids(struct store *db, struct strbuf *sb, const struct round_info *r,
			  struct arena *a, struct err *e)
{
	json_t *res, *id;
	size_t i;
	if (round_result(db, &res, r, a, e) < 0)
		return -1;
	json_array_foreach(json_object_get(res, "funded"), i, id) {
		struct stmt *st = store_prepare(db, sql_project_file_id, e);
		int rc;
		if (!st)
			break;
		stmt_bind_int(st, 1, json_integer_value(id));
		stmt_bind_int(st, 2, r->id);
		rc = stmt_step(st, e);
		if (rc == STORE_ROW) {
			const char *d = stmt_text(st, 0);
			size_t n = strlen(file_id_prefix);
			strbuf_addstr(sb, strncmp(d, file_id_prefix, n) ? d : d + n);
			strbuf_addch(sb, '\n');
		}
		stmt_done(st);
		if (rc < 0)
			break;
	}
	json_decref(res);
	return err_is_set(e) ? -1 : 0;
}

static const char *reason_name(enum budget_reason r)
{
	switch (r) {
	case BUDGET_FITS: return "fits";
	case BUDGET_NO_FIT: return "no_fit";
	case BUDGET_BOUGHT: return "bought";
	case BUDGET_UNAFFORDABLE: return "unaffordable";
	case BUDGET_NO_SUPPORT: return "no_support";
	case BUDGET_FREE: return "free";
	}
	return "?";
}

int round_result(struct store *db, json_t **out, const struct round_info *r, struct arena *a,
		 struct err *e)
{
	struct pb_instance in;
	struct budget_result res;
	struct budget_options opt = { .rule = !strcmp(r->rule, "greedy") ? BUDGET_GREEDY
									: BUDGET_MES_ADD1,
				      .add1_step = 100 };
	struct stmt *st;
	json_t *projects, *funded;
	int rc;

	if (round_instance(db, &in, r, a, e) < 0)
		return -1;
	if (in.nvoters == 0) {
		/* nobody voted: every project is listed, unfunded for want of support */
		res = (struct budget_result){ .budget = r->budget, .nprojects = in.nprojects,
					      .exhaustive = true };
		res.decision = arena_zalloc(a, (in.nprojects ? in.nprojects : 1) *
						       sizeof(*res.decision));
		for (size_t k = 0; k < in.nprojects; k++)
			res.decision[k].reason = BUDGET_NO_SUPPORT;
	} else if (budget_allocate(&res, &in, &opt, a, e) < 0) {
		return -1;
	}
	projects = json_array();
	funded = json_array();
	for (size_t k = 0; k < res.nfunded; k++)
		json_array_append_new(funded, json_integer(strtoll(in.project[res.funded[k]].id, NULL, 10)));
	if (!(st = store_prepare(db, sql_project_ids, e))) {
		json_decref(projects);
		json_decref(funded);
		return -1;
	}
	stmt_bind_int(st, 1, r->id);
	size_t i = 0;
	while ((rc = stmt_step(st, e)) == STORE_ROW && i < res.nprojects) {
		const struct budget_decision *d = &res.decision[i];
		struct strbuf why = STRBUF_INIT;
		if (in.nvoters)
			budget_explain(&why, &res, &in, i);
		else
			strbuf_addstr(&why, "not funded: nobody has voted yet");
		json_t *p = json_pack("{s:I, s:s, s:I, s:b, s:s, s:I, s:I, s:s}", "id",
				      (json_int_t)stmt_int(st, 0), "title", stmt_text(st, 2), "cost",
				      (json_int_t)stmt_int(st, 1), "funded", d->funded, "reason",
				      reason_name(d->reason), "votes", (json_int_t)d->score, "rank",
				      (json_int_t)d->rank, "explain", why.buf);
		strbuf_release(&why);
		if (d->reason == BUDGET_FITS || d->reason == BUDGET_NO_FIT)
			json_object_set_new(p, "left", json_integer(d->left));
		if (d->reason == BUDGET_BOUGHT) {
			json_object_set_new(p, "price", json_integer(d->price.cents));
			json_object_set_new(p, "price_exact", json_boolean(d->price.exact));
			json_object_set_new(p, "paid_price", json_integer(d->paid_price));
			json_object_set_new(p, "paid_all", json_integer(d->paid_all));
			json_object_set_new(p, "paid_all_total", json_integer(d->paid_all_total.cents));
		}
		if (d->reason == BUDGET_UNAFFORDABLE) {
			json_object_set_new(p, "money", json_integer(d->money.cents));
			json_object_set_new(p, "money_exact", json_boolean(d->money.exact));
		}
		json_array_append_new(projects, p);
		i++;
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(projects);
		json_decref(funded);
		return -1;
	}
	*out = json_pack("{s:s, s:I, s:I, s:I, s:o, s:o, s:b, s:I}", "rule", r->rule, "budget",
			 (json_int_t)r->budget, "cost", (json_int_t)res.cost, "voters",
			 (json_int_t)in.nvoters, "funded", funded, "projects", projects, "exhaustive",
			 res.exhaustive, "steps", (json_int_t)res.steps);
	/* Equal Shares: each voter's share of the run whose outcome this is,
	 * floor(share * 100) in 1/100 fen */
	if (in.nvoters && res.rule != BUDGET_GREEDY) {
		__int128 hundred = (__int128)res.voter_budget.num * 100;
		int64_t den = res.voter_budget.den ? res.voter_budget.den : 1;
		json_object_set_new(*out, "voter_share", json_integer((json_int_t)(hundred / den)));
		json_object_set_new(*out, "voter_share_exact", json_boolean(hundred % den == 0));
	}
	return 0;
}

const struct migration round_migrations[] = {
	{ 700, "voice: micro-fund rounds, projects, ballots",
	  "CREATE TABLE fund_rounds ("
	  " id @id, community_id BIGINT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,"
	  " budget BIGINT NOT NULL, rule TEXT NOT NULL, ballot TEXT NOT NULL,"
	  " points BIGINT NOT NULL, max_choices BIGINT NOT NULL, eligible TEXT NOT NULL,"
	  " status TEXT NOT NULL, created_by BIGINT NOT NULL, created_at BIGINT NOT NULL);"
	  "CREATE INDEX fund_rounds_community ON fund_rounds (community_id, id);"
	  "CREATE TABLE fund_projects ("
	  " id @id, round_id BIGINT NOT NULL REFERENCES fund_rounds(id),"
	  " community_id BIGINT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,"
	  " cost BIGINT NOT NULL, proposer_kind TEXT NOT NULL, proposer_id BIGINT NOT NULL,"
	  " created_at BIGINT NOT NULL);"
	  "CREATE INDEX fund_projects_round ON fund_projects (round_id, id);"
	  "CREATE TABLE fund_ballots ("
	  " round_id BIGINT NOT NULL REFERENCES fund_rounds(id),"
	  " community_id BIGINT NOT NULL, user_id BIGINT NOT NULL,"
	  " project_id BIGINT NOT NULL REFERENCES fund_projects(id),"
	  " points BIGINT NOT NULL, cast_at BIGINT NOT NULL,"
	  " PRIMARY KEY (round_id, user_id, project_id));"
	  "CREATE INDEX fund_ballots_project ON fund_ballots (project_id);" },
};
const size_t round_migrations_n = sizeof(round_migrations) / sizeof(round_migrations[0]);
