/*
 * main.c - the command line: linli serve | init | migrate | user | backup |
 * restore | audit | routes.
 *
 * Settings come from flags, else the environment (LINLI_DB, LINLI_LISTEN,
 * ...), else defaults; `linli CMD --help` says which.  Commands that change
 * data open the database, apply pending migrations, and work through the
 * modules' headers like any handler does.
 */
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "demo.h"
#include "registry/keyrotate.h"
#include "registry/privacy.h"
#include "registry/resident.h"
#include "registry/resident_io.h"
#include "registry/structure.h"
#include "routes.h"
#include "voice/conversation.h"
#include "voice/round.h"
#include "voice/opinion_cli.h"
#include "voice/pb_cli.h"
#include "voice/tally_cli.h"
#include "scene/roster_cli.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* When main() began, for the "ready" figure of `linli serve`. */
static int64_t main_start_ns;

struct opts {
	const char *db, *listen, *web, *access_log, *synchronous;
	const char *display, *community, *title, *from, *to;
	bool merge;
	unsigned threads, rate;
	bool demo, trust_proxy, secure;
	bool dry_run;
};

static const char usage_main[] =
	"linli — community-governance micro-infrastructure (邻里)\n"
	"\n"
	"usage: linli COMMAND [options]\n"
	"\n"
	"  serve [--listen ADDR:PORT] [--db PATH] [--web DIR]   serve the web app and API\n"
	"  init [--demo] [--db PATH]              create a database (and the demo community)\n"
	"  migrate [--db PATH]                    apply pending schema migrations\n"
	"  user add NAME [--display TEXT]         add an account (password read from stdin)\n"
	"  user grant NAME ROLE SCOPE [ID]        grant a role over a scope\n"
	"  user passwd NAME                       set a new password (read from stdin)\n"
	"  backup FILE [--db PATH]                consistent copy, safe while serving\n"
	"  restore FILE [--db PATH]               replace the database with a backup\n"
	"  audit verify [--db PATH]               check the audit log's hash chain\n"
	"  migrate-data --from FILE.db --to URL [--merge]  move a SQLite database to PostgreSQL\n"
	"  routes                                 list every API route\n"
	"  polis import DIR --community ID [--title TEXT]  a Pol.is export as a new conversation\n"
	"  polis export CONVERSATION DIR --community ID    a conversation as a Pol.is export\n"
	"  pb FILE.pb [--rule greedy|mes]         allocate a participatory budget (Pabulib file)\n"
	"  round import FILE.pb --community ID [--title TEXT]  a Pabulib election as a closed round\n"
	"  opinion DIR                            opinion groups of a Pol.is conversation export\n"
	"  import residents FILE --community ID [--dry-run] [--map ...]  residents from CSV\n"
	"  export residents --community ID --format csv|xlsx -o FILE [--unmasked]\n"
	"  tally --rule RULE FILE.csv             exact tally of paper ballots (owners' vote)\n"
	"  roster solve FILE.json [--greedy] [--explain]  fill shifts with volunteers (排班)\n"
	"  retention run [--dry-run]              delete or anonymise what outlived its retention (PIPL)\n"
	"  key rotate|reseal|status|retire ID     rotate the key of sealed fields, re-seal, retire\n"
	"\n"
	"Every command takes --help.  Environment: LINLI_DB (default linli.db),\n"
	"LINLI_LISTEN (127.0.0.1:8080), LINLI_WEB (web), LINLI_RATE_LIMIT (requests\n"
	"per second per address, default 100, 0 = off), LINLI_ACCESS_LOG (- | off |\n"
	"FILE), LINLI_SYNCHRONOUS (full | normal), LINLI_GROUP_COMMIT (1 | 0),\n"
	"LINLI_THREADS, LINLI_TRUST_PROXY=1, LINLI_SECURE_COOKIES=1, LINLI_DEMO_PASSWORD.\n";

static const char usage_serve[] =
	"usage: linli serve [--listen ADDR:PORT] [--db PATH] [--web DIR] [--threads N]\n"
	"                   [--rate-limit N] [--access-log -|off|FILE] [--synchronous full|normal]\n"
	"                   [--trust-proxy] [--secure-cookies]\n"
	"\n"
	"Serves http://ADDR:PORT (default 127.0.0.1:8080, env LINLI_LISTEN) from the\n"
	"database PATH (default linli.db, env LINLI_DB), creating and migrating it if\n"
	"needed.  Stops cleanly on SIGTERM or SIGINT, finishing requests in flight.\n"
	"--trust-proxy takes the client address from X-Forwarded-For (only behind a\n"
	"proxy you run); --secure-cookies marks cookies Secure (behind TLS).\n";

static const char usage_init[] =
	"usage: linli init [--demo] [--db PATH]\n"
	"\n"
	"Creates the database.  Without --demo it adds the first platform admin,\n"
	"`admin`, with a random password printed once (or LINLI_ADMIN_PASSWORD).\n"
	"With --demo it builds the demo community and one account per role, with\n"
	"random passwords printed once (or LINLI_DEMO_PASSWORD for all of them).\n"
	"Refuses a database that already has accounts.\n";

static const char usage_user[] =
	"usage: linli user add NAME [--display TEXT] [--db PATH]\n"
	"       linli user grant NAME ROLE SCOPE [ID] [--db PATH]\n"
	"       linli user passwd NAME [--db PATH]\n"
	"\n"
	"Passwords are read from standard input (asked twice on a terminal), 8-128\n"
	"characters.  Roles and the scope each takes:\n"
	"  admin platform | street street ID | worker community ID | grid grid ID |\n"
	"  lead building ID | volunteer, resident: street/community/grid/building ID |\n"
	"  expert: any scope\n";

static const char usage_backup[] =
	"usage: linli backup FILE [--db PATH]\n"
	"       linli restore FILE [--db PATH]\n"
	"\n"
	"backup writes a consistent copy of the live database to a new FILE with\n"
	"SQLite's online backup (safe while linli serves).  restore checks that FILE\n"
	"is a sound linli database and copies it over the database: stop the server\n"
	"first.\n";

static const char usage_misc[] =
	"usage: linli migrate [--db PATH]     apply pending migrations\n"
	"       linli audit verify [--db PATH] check the audit log's hash chain\n"
	"       linli routes                  list every API route\n";

static const char usage_polis[] =
	"usage: linli polis import DIR --community ID [--title TEXT] [--db PATH]\n"
	"       linli polis export CONVERSATION DIR --community ID [--db PATH]\n"
	"\n"
	"import reads comments.csv and votes.csv (Pol.is open-data format) from DIR\n"
	"and creates a conversation in the community, with the file's participants\n"
	"kept apart from accounts; all or nothing.  export writes the conversation's\n"
	"comments.csv, votes.csv and participants-votes.csv into DIR (which must\n"
	"exist), participants numbered in the order they first voted.\n";

static const char usage_migrate_data[] =
	"usage: linli migrate-data --from FILE.db --to postgres://... [--merge]\n"
	"\n"
	"Copies every table of a SQLite database into a PostgreSQL database (migrated\n"
	"first), in one transaction, and checks row counts and checksums per table on\n"
	"both sides before committing.  Refuses a target that already holds data\n"
	"unless --merge is given.  A failure leaves the target as it was.  Give the\n"
	"password in ~/.pgpass or PGPASSWORD rather than in the URL.\n";

static const char usage_round[] =
	"usage: linli round import FILE.pb --community ID [--title TEXT] [--db PATH]\n"
	"\n"
	"Creates a closed micro-fund round from a Pabulib file: its budget, projects,\n"
	"ballots (kept apart from accounts) and rule, all or nothing; then computes\n"
	"the outcome from what was stored and prints the funded projects' ids, one\n"
	"per line, as the file names them (compare with its `selected` column).  The\n"
	"round can be read, printed and exported like any other.\n";

static const char usage_privacy[] =
	"usage: linli retention run [--dry-run] [--db PATH]\n"
	"       linli key rotate [--db PATH]    add a new key and re-seal every value under it\n"
	"       linli key reseal [--db PATH]    re-seal what is not under the newest key yet\n"
	"       linli key status [--db PATH]    how many sealed values use each key\n"
	"       linli key retire ID [--db PATH] remove an old key no value uses any more\n"
	"\n"
	"retention applies each community's retention per data category (docs/privacy.md):\n"
	"deletes residents who moved out longer ago than allowed, clears expired phones\n"
	"and dwellings, anonymises old visit notes, deletes old withdrawn consents; each\n"
	"action is audited.  --dry-run prints what would be done and changes nothing.\n"
	"`linli serve` runs it at start and every 24 hours.  Stop the server before\n"
	"`key rotate` or `key reseal` (it keeps the keys it loaded); both are safe to\n"
	"run again after an interruption.  The key file is LINLI_KEY_FILE or <db>.key.\n";

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static bool env_flag(const char *name)
{
	const char *v = getenv(name);
	return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

static unsigned env_uint(const char *name, unsigned def)
{
	const char *v = getenv(name);
	return v && *v ? (unsigned)strtoul(v, NULL, 10) : def;
}

/* Reads --flags into o; positional arguments are moved to the front of
 * argv and counted in *npos.  Returns -1 (after a message) on a bad flag,
 * 1 when --help was asked. */
static int parse_opts(int argc, char **argv, struct opts *o, int *npos)
{
	int k = 0;
	o->db = env_or("LINLI_DB", "linli.db");
	o->listen = env_or("LINLI_LISTEN", "127.0.0.1:8080");
	o->web = env_or("LINLI_WEB", "web");
	o->access_log = env_or("LINLI_ACCESS_LOG", "-");
	o->synchronous = env_or("LINLI_SYNCHRONOUS", "full");
	o->threads = env_uint("LINLI_THREADS", 0);
	o->rate = env_uint("LINLI_RATE_LIMIT", 100);
	o->trust_proxy = env_flag("LINLI_TRUST_PROXY");
	o->secure = env_flag("LINLI_SECURE_COOKIES");
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define VALUE(flag, field)                                                   \
	if (!strcmp(a, flag)) {                                              \
		if (!next) {                                                 \
			fprintf(stderr, "linli: %s needs a value\n", flag); \
			return -1;                                           \
		}                                                            \
		o->field = next;                                             \
		i++;                                                         \
		continue;                                                    \
	}
		VALUE("--db", db)
		VALUE("--listen", listen)
		VALUE("--web", web)
		VALUE("--access-log", access_log)
		VALUE("--synchronous", synchronous)
		VALUE("--display", display)
		VALUE("--community", community)
		VALUE("--title", title)
		VALUE("--from", from)
		VALUE("--to", to)
#undef VALUE
		if (!strcmp(a, "--threads") && next) {
			o->threads = (unsigned)strtoul(next, NULL, 10);
			i++;
		} else if (!strcmp(a, "--rate-limit") && next) {
			o->rate = (unsigned)strtoul(next, NULL, 10);
			i++;
		} else if (!strcmp(a, "--merge")) {
			o->merge = true;
		} else if (!strcmp(a, "--dry-run")) {
			o->dry_run = true;
		} else if (!strcmp(a, "--demo")) {
			o->demo = true;
		} else if (!strcmp(a, "--trust-proxy")) {
			o->trust_proxy = true;
		} else if (!strcmp(a, "--secure-cookies")) {
			o->secure = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			return 1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "linli: unknown option %s (see --help)\n", a);
			return -1;
		} else {
			argv[k++] = argv[i];
		}
	}
	*npos = k;
	return 0;
}

/* The database name as it may be shown: a password in a URL is hidden. */
static const char *shown(const char *url)
{
	static char buf[512];
	const char *scheme = strstr(url, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (!at || !colon || colon > at)
		return url;
	snprintf(buf, sizeof(buf), "%.*s:***%s", (int)(colon - url), url, at);
	return buf;
}

static int fail(const struct err *e)
{
	fprintf(stderr, "linli: %s%s%s\n", e->message, e->field[0] ? " — " : "", e->field);
	return 1;
}

/* LINLI_GROUP_COMMIT=0: SQLite syncs every commit itself (see
 * store_sqlite.c), for comparison. */
static bool group_commit_off(void)
{
	const char *v = getenv("LINLI_GROUP_COMMIT");
	return v && !strcmp(v, "0");
}

/* Opens the database and applies pending migrations. */
static struct store *open_db(const struct opts *o, struct err *e)
{
	struct store_options so = { .synchronous = o->synchronous,
				       .no_group_commit = group_commit_off() };
	struct store *db;
	size_t n;
	int applied;
	const struct migration *m = all_migrations(&n);

	if (store_open(&db, o->db, &so, e) < 0)
		return NULL;
	if (store_migrate(db, m, n, &applied, e) < 0) {
		store_close(db);
		return NULL;
	}
	if (applied)
		log_info("applied %d migration(s) to %s", applied, shown(o->db));
	return db;
}

/* Reads a password: asked twice on a terminal, else the first line of stdin. */
static int read_password(char *buf, size_t n, struct err *e)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	char again[256];

	if (tty) {
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
		fprintf(stderr, "password: ");
	}
	bool ok = fgets(buf, (int)n, stdin) != NULL;
	if (ok && tty) {
		fprintf(stderr, "\nagain: ");
		ok = fgets(again, sizeof(again), stdin) != NULL;
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fprintf(stderr, "\n");
	}
	if (!ok)
		return err_set(e, ERR_INVALID, "password", "no password given on standard input");
	buf[strcspn(buf, "\r\n")] = '\0';
	if (tty) {
		again[strcspn(again, "\r\n")] = '\0';
		if (strcmp(buf, again))
			return err_set(e, ERR_INVALID, "password", "the two passwords differ");
	}
	return auth_check_password(buf, e);
}

/* The key file of sensitive fields (seal.h): LINLI_KEY_FILE, else next to a
 * SQLite database (<db>.key), else ./linli.key. */
static const char *key_path(const struct opts *o)
{
	static char buf[4096];
	const char *env = getenv("LINLI_KEY_FILE");
	if (env && *env)
		return env;
	if (!strncmp(o->db, "postgres://", 11) || !strncmp(o->db, "postgresql://", 13))
		return "linli.key";
	snprintf(buf, sizeof(buf), "%s.key", o->db);
	return buf;
}

/* Loads the key file, or creates it when it is missing and the register is
 * empty (create: also when asked to).  *out is freed by the caller. */
static int keyring_open(struct seal_keyring **out, struct store *db, const struct opts *o,
			struct err *e)
{
	const char *path = key_path(o);
	bool any;
	if (access(path, F_OK) == 0)
		return seal_keyring_load(out, path, e);
	if (resident_any(db, &any, e) < 0)
		return -1;
	if (any)
		return err_set(e, ERR_UNAVAILABLE, "key_file",
			       "the key file %s is missing and the database holds residents: "
			       "restore it from its backup (or set LINLI_KEY_FILE to where it is)",
			       path);
	if (seal_keyring_create(out, path, e) < 0)
		return -1;
	log_info("created the key file %s: back it up, apart from the database", path);
	return 0;
}

/* For `linli import|export residents` (resident_io.h): the database, migrated,
 * and the key file, loaded for the register. */
static struct seal_keyring *io_keyring;

static struct store *io_open_db(const char *path, struct err *e)
{
	struct opts o = { 0 };
	struct store *db;
	o.db = path ? path : env_or("LINLI_DB", "linli.db");
	o.synchronous = env_or("LINLI_SYNCHRONOUS", "full");
	if (!(db = open_db(&o, e)))
		return NULL;
	if (keyring_open(&io_keyring, db, &o, e) < 0) {
		store_close(db);
		return NULL;
	}
	resident_set_keyring(io_keyring);
	return db;
}

static void io_close_db(struct store *db)
{
	store_close(db);
	resident_set_keyring(NULL);
	seal_keyring_free(io_keyring);
	io_keyring = NULL;
}

static int has_accounts(struct store *db, struct err *e)
{
	int64_t id;
	if (auth_user_find(db, &id, "admin", e) == 0)
		return 1;
	if (e->code == ERR_NOT_FOUND) {
		err_clear(e);
		return 0;
	}
	return -1;
}

static int cmd_init(const struct opts *o)
{
	struct err e = ERR_INIT;
	struct store *db = open_db(o, &e);
	int rc = 1, have;

	if (!db)
		return fail(&e);
	if ((have = has_accounts(db, &e)) < 0)
		goto out;
	if (have) {
		fprintf(stderr, "linli: %s already has accounts; nothing to do\n", shown(o->db));
		goto out;
	}
	{
		struct seal_keyring *kr = NULL;
		if (keyring_open(&kr, db, o, &e) < 0)
			goto out;
		/* the demo registers residents, whose sensitive fields are sealed */
		resident_set_keyring(kr);
		if (o->demo) {
			const char *pw = getenv("LINLI_DEMO_PASSWORD");
			int built = demo_build(db, pw && *pw ? pw : NULL, &e);
			resident_set_keyring(NULL);
			seal_keyring_free(kr);
			if (built < 0)
				goto out;
		} else {
			resident_set_keyring(NULL);
			seal_keyring_free(kr);
		}
	}
	if (o->demo) {
		printf("Demo community created in %s.\n", shown(o->db));
	} else {
		const char *pw = getenv("LINLI_ADMIN_PASSWORD");
		char buf[17];
		int64_t id;
		struct grant g = { .role = ROLE_ADMIN, .scope = SCOPE_PLATFORM };
		if (!pw || !*pw) {
			static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
			for (int i = 0; i < 16; i++)
				buf[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
			buf[16] = '\0';
			pw = buf;
		}
		if (auth_user_add(db, &id, "admin", "系统管理员", pw, "init", &e) < 0 ||
		    auth_grant(db, id, &g, "init", &e) < 0)
			goto out;
		printf("Created %s. Platform admin: admin / %s (shown only now)\n", shown(o->db),
		       getenv("LINLI_ADMIN_PASSWORD") && *getenv("LINLI_ADMIN_PASSWORD")
			       ? "(LINLI_ADMIN_PASSWORD)" : buf);
	}
	rc = 0;
out:
	store_close(db);
	return rc ? (err_is_set(&e) ? fail(&e) : rc) : 0;
}

static int cmd_user(const struct opts *o, int n, char **pos)
{
	struct err e = ERR_INIT;
	struct store *db = NULL;
	char pw[256];
	int rc = 1;

	if (n < 2) {
		fputs(usage_user, stderr);
		return 2;
	}
	if (!(db = open_db(o, &e)))
		return fail(&e);
	if (!strcmp(pos[0], "add") && n == 2) {
		int64_t id;
		if (read_password(pw, sizeof(pw), &e) < 0 ||
		    auth_user_add(db, &id, pos[1], o->display, pw, "cli", &e) < 0)
			goto out;
		printf("added %s (id %lld)\n", pos[1], (long long)id);
	} else if (!strcmp(pos[0], "passwd") && n == 2) {
		if (read_password(pw, sizeof(pw), &e) < 0 ||
		    auth_user_passwd(db, pos[1], pw, "cli", &e) < 0)
			goto out;
		printf("password of %s changed; their sessions ended\n", pos[1]);
	} else if (!strcmp(pos[0], "grant") && (n == 4 || n == 5)) {
		struct grant g = { 0 };
		int64_t uid;
		int role = role_parse(pos[2]), scope = scope_parse(pos[3]);
		if (role < 0 || scope < 0) {
			err_set(&e, ERR_INVALID, role < 0 ? "role" : "scope", "unknown %s: %s",
				role < 0 ? "role" : "scope", role < 0 ? pos[2] : pos[3]);
			goto out;
		}
		g.role = (enum role)role;
		g.scope = (enum scope)scope;
		if (scope != SCOPE_PLATFORM) {
			if (n != 5 || (g.scope_id = strtoll(pos[4], NULL, 10)) <= 0) {
				err_set(&e, ERR_INVALID, "id", "scope %s needs a positive id", pos[3]);
				goto out;
			}
			if (structure_locate(db, pos[3], g.scope_id, &g.community_id, &g.street_id,
					     &e) < 0)
				goto out;
		}
		if (auth_user_find(db, &uid, pos[1], &e) < 0 || auth_grant(db, uid, &g, "cli", &e) < 0)
			goto out;
		printf("granted %s to %s over %s %lld\n", pos[2], pos[1], pos[3], (long long)g.scope_id);
	} else {
		fputs(usage_user, stderr);
		rc = 2;
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
	store_close(db);
	return rc == 1 && err_is_set(&e) ? fail(&e) : rc;
}

static int cmd_serve(const struct opts *o)
{
	struct err e = ERR_INIT;
	struct store *db = open_db(o, &e);
	struct store_options so = { .synchronous = o->synchronous,
				       .no_group_commit = group_commit_off() };
	struct seal_keyring *kr = NULL;
	int rc;

	if (!db)
		return fail(&e);
	if (keyring_open(&kr, db, o, &e) < 0) {
		store_close(db);
		return fail(&e);
	}
	resident_set_keyring(kr);
	store_close(db);
	store_thread_setup(o->db, &so);
	struct http_config cfg = {
		.listen = o->listen,
		.web_dir = o->web && access(o->web, R_OK) == 0 ? o->web : NULL,
		.access_log = o->access_log,
		.threads = o->threads,
		.rate_per_sec = o->rate,
		.trust_proxy = o->trust_proxy,
		.secure_cookies = o->secure,
		.tables = all_route_tables,
		.ntables = all_route_tables_n,
		.hooks = { .load_session = auth_http_load_session },
		.start_ns = main_start_ns,
	};
	if (!cfg.web_dir)
		log_warn("no web folder at %s; serving the API only", o->web);
	if (privacy_retention_start(&e) < 0)
		return fail(&e);
	rc = http_serve(&cfg, &e);
	privacy_retention_stop();
	store_thread_shutdown();
	resident_set_keyring(NULL);
	seal_keyring_free(kr);
	return rc < 0 ? fail(&e) : 0;
}

static int cmd_polis(const struct opts *o, int n, char **pos)
{
	struct polis_conversation pc = POLIS_CONVERSATION_INIT;
	struct err e = ERR_INIT;
	struct store *db = NULL;
	int64_t community = o->community ? strtoll(o->community, NULL, 10) : 0;
	int rc = 1;

	if (n < 2 || community <= 0 || (strcmp(pos[0], "import") && strcmp(pos[0], "export")) ||
	    (!strcmp(pos[0], "import") && n != 2) || (!strcmp(pos[0], "export") && n != 3)) {
		fputs(usage_polis, stderr);
		return 2;
	}
	if (!(db = open_db(o, &e)))
		return fail(&e);
	if (!strcmp(pos[0], "import")) {
		int64_t id;
		size_t ns, nv;
		if (polis_read_dir(&pc, pos[1], &e) < 0 ||
		    conversation_import(db, &id, community, o->title ? o->title : "Pol.is", &pc, 0,
					&ns, &nv, &e) < 0)
			goto out;
		printf("imported conversation %lld: %zu statements, %zu votes\n", (long long)id, ns,
		       nv);
	} else {
		struct conversation c;
		struct arena a = ARENA_INIT;
		int got = conversation_get(db, &c, community, strtoll(pos[1], NULL, 10), &a, &e);
		if (got == 0)
			got = conversation_export(db, &pc, &c, &e);
		if (got == 0)
			got = polis_write_dir(&pc, pos[2], &e);
		arena_release(&a);
		if (got < 0)
			goto out;
		printf("exported %zu statements and %zu votes to %s\n", pc.n_comments, pc.n_votes,
		       pos[2]);
	}
	rc = 0;
out:
	polis_release(&pc);
	store_close(db);
	return rc ? fail(&e) : 0;
}

static int cmd_migrate_data(const struct opts *o)
{
	struct err e = ERR_INIT;
	struct store *from = NULL, *to = NULL;
	struct opts src = *o, dst = *o;
	int rc = 1;

	if (!o->from || !o->to) {
		fputs(usage_migrate_data, stderr);
		return 2;
	}
	if (access(o->from, R_OK) != 0) { /* store_open would create an empty file */
		fprintf(stderr, "linli: cannot read %s\n", o->from);
		return 1;
	}
	src.db = o->from;
	dst.db = o->to;
	if (!(from = open_db(&src, &e)) || !(to = open_db(&dst, &e)))
		goto out;
	if (store_copy(from, to, o->merge, stdout, &e) < 0)
		goto out;
	printf("moved %s to %s\n", o->from, shown(o->to));
	rc = 0;
out:
	store_close(from);
	store_close(to);
	return rc ? fail(&e) : 0;
}

static int cmd_round(const struct opts *o, int n, char **pos)
{
	struct err e = ERR_INIT;
	struct arena a = ARENA_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct pb_instance in;
	struct round_info r;
	struct store *db = NULL;
	int64_t community = o->community ? strtoll(o->community, NULL, 10) : 0, id;
	size_t voters;
	int rc = 1;

	if (n != 2 || strcmp(pos[0], "import") || community <= 0) {
		fputs(usage_round, stderr);
		return 2;
	}
	if (pb_read_file(&in, pos[1], &a, &e) < 0)
		goto out;
	if (!(db = open_db(o, &e)) ||
	    round_import(db, &id, community, o->title ? o->title : "Pabulib", &in, 0, &voters,
			 &e) < 0 ||
	    round_get(db, &r, community, id, &a, &e) < 0 ||
	    round_funded_file_ids(db, &sb, &r, &a, &e) < 0)
		goto out;
	fprintf(stderr, "imported round %lld: %zu projects, %zu ballots\n", (long long)id,
		in.nprojects, voters);
	fputs(sb.buf, stdout);
	rc = 0;
out:
	strbuf_release(&sb);
	arena_release(&a);
	store_close(db);
	return rc ? fail(&e) : 0;
}

/* linli retention run | key rotate|reseal|status|retire (PIPL). */
static int cmd_privacy(const char *cmd, const struct opts *o, int n, char **pos)
{
	struct err e = ERR_INIT;
	struct store *db = NULL;
	struct seal_keyring *kr = NULL;
	int rc = 1;
	bool retention = !strcmp(cmd, "retention");

	if (retention ? n != 1 || strcmp(pos[0], "run")
		      : n < 1 || (!strcmp(pos[0], "retire") ? n != 2 : n != 1) ||
				(strcmp(pos[0], "rotate") && strcmp(pos[0], "reseal") &&
				 strcmp(pos[0], "status") && strcmp(pos[0], "retire"))) {
		fputs(usage_privacy, stderr);
		return 2;
	}
	if (!(db = open_db(o, &e)))
		return fail(&e);
	if (retention) {
		struct retention_counts c;
		if (privacy_retention_run(db, &c, time_now(), o->dry_run, stdout, &e) < 0)
			goto out;
		printf("%s%lld residents deleted, %lld phones cleared, %lld dwellings cleared, "
		       "%lld visits anonymised, %lld consents deleted\n",
		       o->dry_run ? "dry run (nothing changed): " : "", (long long)c.residents_deleted,
		       (long long)c.phones_cleared, (long long)c.dwellings_cleared,
		       (long long)c.visits_anonymised, (long long)c.consents_deleted);
	} else if (!strcmp(pos[0], "retire")) {
		char *end;
		long id = strtol(pos[1], &end, 10);
		if (*end || id < 1 || id > 255) {
			err_set(&e, ERR_INVALID, "key", "a key id is 1 to 255");
			goto out;
		}
		if (keyrotate_retire(db, key_path(o), (int)id, &e) < 0)
			goto out;
		printf("key %ld retired from %s\n", id, key_path(o));
	} else {
		int64_t counts[256], done;
		if (keyring_open(&kr, db, o, &e) < 0)
			goto out;
		if (!strcmp(pos[0], "rotate")) {
			if (seal_rotate(kr, &e) < 0)
				goto out;
			printf("added key %d to %s\n", seal_current_key(kr), key_path(o));
		}
		if (strcmp(pos[0], "status")) {
			if (keyrotate_reseal(db, kr, stdout, &done, &e) < 0)
				goto out;
			printf("%lld values re-sealed under key %d\n", (long long)done,
			       seal_current_key(kr));
		}
		if (keyrotate_status(db, counts, &e) < 0)
			goto out;
		printf("current key %d\n", seal_current_key(kr));
		for (int k = 1; k < 256; k++)
			if (counts[k])
				printf("key %d: %lld values\n", k, (long long)counts[k]);
	}
	rc = 0;
out:
	seal_keyring_free(kr);
	store_close(db);
	return rc ? fail(&e) : 0;
}

static int cmd_simple(const char *cmd, const struct opts *o, int n, char **pos)
{
	struct err e = ERR_INIT;
	struct store *db;
	int rc = 0;

	if (!strcmp(cmd, "routes")) {
		for (size_t t = 0; t < all_route_tables_n; t++)
			for (size_t i = 0; i < all_route_tables[t]->n; i++)
				printf("%s %s\n", all_route_tables[t]->routes[i].method,
				       all_route_tables[t]->routes[i].pattern);
		return 0;
	}
	if ((!strcmp(cmd, "backup") || !strcmp(cmd, "restore")) && n != 1) {
		fputs(usage_backup, stderr);
		return 2;
	}
	if (!strcmp(cmd, "audit") && (n != 1 || strcmp(pos[0], "verify"))) {
		fputs(usage_misc, stderr);
		return 2;
	}
	if (!(db = open_db(o, &e)))
		return fail(&e);
	if (!strcmp(cmd, "migrate")) {
		printf("%s is at schema version %d\n", shown(o->db), store_version(db, &e));
	} else if (!strcmp(cmd, "backup")) {
		int64_t t0 = time_mono_ns();
		if ((rc = store_backup(db, pos[0], &e)) == 0)
			printf("backed up %s to %s in %.0f ms\n", shown(o->db), pos[0],
			       (double)(time_mono_ns() - t0) / 1e6);
	} else if (!strcmp(cmd, "restore")) {
		if ((rc = store_restore(db, pos[0], &e)) == 0)
			printf("restored %s from %s\n", shown(o->db), pos[0]);
	} else if (!strcmp(cmd, "audit")) {
		int64_t count, bad;
		if ((rc = audit_verify(db, &count, &bad, &e)) == 0) {
			if (bad) {
				printf("audit log BROKEN at entry %lld (%lld entries checked)\n",
				       (long long)bad, (long long)count);
				rc = 1;
			} else {
				printf("audit log intact: %lld entries\n", (long long)count);
			}
		}
	}
	store_close(db);
	if (rc < 0)
		return fail(&e);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	main_start_ns = time_mono_ns();
	int npos = 0, h;

	if (sodium_init() < 0) {
		fputs("linli: libsodium failed to initialise\n", stderr);
		return 1;
	}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	/* Commands that work on files, not on the database, parse their own
	 * arguments. */
	if (!strcmp(cmd, "pb"))
		return pb_cli_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "opinion"))
		return opinion_cli_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "import") || !strcmp(cmd, "export")) {
		static const struct rio_cli_env env = { io_open_db, io_close_db };
		return resident_io_cli(argc - 1, argv + 1, &env);
	}
	if (!strcmp(cmd, "tally"))
		return tally_cli_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "roster"))
		return roster_cli_main(argc - 1, argv + 1);
	const char *help = !strcmp(cmd, "serve")                              ? usage_serve
			   : !strcmp(cmd, "init")                             ? usage_init
			   : !strcmp(cmd, "user")                             ? usage_user
			   : !strcmp(cmd, "polis")                            ? usage_polis
			   : !strcmp(cmd, "round")                            ? usage_round
			   : !strcmp(cmd, "migrate-data")                     ? usage_migrate_data
			   : !strcmp(cmd, "retention") || !strcmp(cmd, "key") ? usage_privacy
			   : !strcmp(cmd, "backup") || !strcmp(cmd, "restore") ? usage_backup
			   : !strcmp(cmd, "migrate") || !strcmp(cmd, "audit") ||
					   !strcmp(cmd, "routes")
				   ? usage_misc
				   : NULL;
	if (!help) {
		fprintf(stderr, "linli: unknown command %s\n\n%s", cmd, usage_main);
		return 2;
	}
	if ((h = parse_opts(argc - 2, argv + 2, &o, &npos)) != 0) {
		if (h > 0)
			fputs(help, stdout);
		return h > 0 ? 0 : 2;
	}
	char **pos = argv + 2;
	if (!strcmp(cmd, "serve"))
		return cmd_serve(&o);
	if (!strcmp(cmd, "init"))
		return cmd_init(&o);
	if (!strcmp(cmd, "user"))
		return cmd_user(&o, npos, pos);
	if (!strcmp(cmd, "polis"))
		return cmd_polis(&o, npos, pos);
	if (!strcmp(cmd, "round"))
		return cmd_round(&o, npos, pos);
	if (!strcmp(cmd, "migrate-data"))
		return cmd_migrate_data(&o);
	if (!strcmp(cmd, "retention") || !strcmp(cmd, "key"))
		return cmd_privacy(cmd, &o, npos, pos);
	return cmd_simple(cmd, &o, npos, pos);
}
