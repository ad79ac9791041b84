/*
 * template.h - the scene templates linli ships (新场景模板), as C data.
 *
 * Five kinds of scene (gate or entrance, building corridor, neighbourhood
 * centre, testing or vaccination point, flood watch), each with points, posts
 * (required skills, default headcount per time band, an ordered checklist),
 * an equipment list and scripts (话术: situation → what to say → what not to
 * say, tagged).  Every text is given in Chinese and English; a scene made
 * from a template copies the texts of one language into its own rows
 * (scene_from_template in scene.c), and from then on they are the
 * community's to edit.  The templates are read-only and live for the whole
 * program: every pointer here is static.
 */
#ifndef LINLI_SCENE_TEMPLATE_H
#define LINLI_SCENE_TEMPLATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A text in both languages. */
struct scene_text {
	const char *zh, *en;
};

/* Weekdays as a mask: bit 0 is Monday ... bit 6 Sunday. */
enum {
	SCENE_EVERY_DAY = 0x7f,
	SCENE_WORKDAYS = 0x1f,
	SCENE_WEEKEND = 0x60,
};

/* A time band of a post: from start_min to end_min (minutes after local
 * midnight, end_min > start_min, at most 1440) on the days of weekdays,
 * headcount people. */
struct scene_tpl_band {
	unsigned weekdays;
	int start_min, end_min, headcount;
};

struct scene_tpl_post {
	struct scene_text name, point;
	const char *skills; /* comma-separated skill codes */
	const struct scene_tpl_band *bands;
	size_t nbands;
	const struct scene_text *checklist; /* in order */
	size_t nchecklist;
};

struct scene_tpl_equipment {
	struct scene_text item, place;
	int quantity;
};

struct scene_tpl_script {
	struct scene_text title, situation, say, avoid;
	struct scene_text tags; /* comma-separated */
};

struct scene_template {
	const char *code; /* "gate", "corridor", "centre", "testing", "flood" */
	struct scene_text name, summary;
	const struct scene_text *points;
	size_t npoints;
	const struct scene_tpl_post *posts;
	size_t nposts;
	const struct scene_tpl_equipment *equipment;
	size_t nequipment;
	const struct scene_tpl_script *scripts;
	size_t nscripts;
};

extern const struct scene_template scene_templates[];
extern const size_t scene_templates_n;

/* The template of that code, or NULL ("blank" and unknown codes). */
const struct scene_template *scene_template_find(const char *code);

/* The text in language lang ("en" gives English, anything else Chinese). */
const char *scene_text_in(const struct scene_text *t, const char *lang);

/* A template as JSON, both languages: {code, name: {zh, en}, summary,
 * points: [{zh, en}], posts: [{name, point, skills, bands: [{weekdays,
 * start, end, headcount}], checklist: [{zh, en}]}], equipment: [{item,
 * place, quantity}], scripts: [{title, situation, say, avoid, tags}]}.
 * The caller owns the reference. */
json_t *scene_template_json(const struct scene_template *t);

#endif
