/*
 * routes.c - every module's route table, in one place: the whole API can be
 * read from here, and docs/api.md documents each route (a test checks it).
 */
#include "routes.h"
#include "scene/scene.h"
#include "scene/incident.h"
#include "scene/volunteer.h"
#include "scene/roster.h"

#include "auth/auth_http.h"
#include "registry/structure_http.h"
#include "registry/org.h"
#include "registry/ownership.h"
#include "registry/resident.h"
#include "registry/resident_io.h"
#include "registry/resident_index.h"
#include "registry/visit.h"
#include "registry/invite.h"
#include "registry/care.h"
#include "registry/privacy.h"
#include "registry/person.h"
#include "voice/voice_http.h"
#include "field/emergency.h"
#include "field/prep_http.h"

const struct route_table *const all_route_tables[] = {
	&http_platform_routes,
	&auth_routes,
	&structure_routes,
	&org_routes,
	&visit_routes,
	&round_routes,
	&conversation_routes,
	&resident_routes,
	&scene_routes,
	&ownervote_routes,
	&notice_routes,
	&ownership_routes,
	&invite_routes,
	&topic_routes,
	&care_routes,
	&resident_io_routes,
	&survey_routes,
	&privacy_routes,
	&incident_routes,
	&volunteer_routes,
	&roster_routes,
	&emergency_routes,
	&plan_routes,
	&contact_routes,
	&supply_routes,
	&drill_routes,
};
const size_t all_route_tables_n = sizeof(all_route_tables) / sizeof(all_route_tables[0]);

/* The schema: every module's migrations, in the order they apply. */
#include "auth/auth.h"
#include "registry/structure.h"
#include "voice/conversation.h"
#include "voice/round.h"
#include "voice/ownervote.h"
#include "voice/notice.h"
#include "registry/account.h"
#include "voice/topic.h"
#include "voice/survey.h"
#include "field/doorcard.h"
#include "field/plan.h"
#include "field/contact.h"
#include "field/supply.h"
#include "field/drill.h"

static struct migration *all;
static size_t nall;

const struct migration *all_migrations(size_t *n)
{
	if (!all) {
		const struct {
			const struct migration *m;
			size_t n;
		} parts[] = {
			{ auth_migrations, auth_migrations_n },
			{ structure_migrations, structure_migrations_n },
			{ org_migrations, org_migrations_n },
			{ visit_migrations, visit_migrations_n },
			{ round_migrations, round_migrations_n },
			{ conversation_migrations, conversation_migrations_n },
			{ resident_migrations, resident_migrations_n },
			{ scene_migrations, scene_migrations_n },
			{ ownervote_migrations, ownervote_migrations_n },
			{ notice_migrations, notice_migrations_n },
			{ ownership_migrations, ownership_migrations_n },
			{ account_migrations, account_migrations_n },
			{ invite_migrations, invite_migrations_n },
			{ topic_migrations, topic_migrations_n },
			{ care_migrations, care_migrations_n },
			{ survey_migrations, survey_migrations_n },
			{ privacy_migrations, privacy_migrations_n },
			{ resident_index_migrations, resident_index_migrations_n },
			{ volunteer_migrations, volunteer_migrations_n },
			{ doorcard_migrations, doorcard_migrations_n },
			{ emergency_migrations, emergency_migrations_n },
			{ plan_migrations, plan_migrations_n },
			{ contact_migrations, contact_migrations_n },
			{ supply_migrations, supply_migrations_n },
			{ drill_migrations, drill_migrations_n },
		};
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
			nall += parts[i].n;
		all = xcalloc(nall, sizeof(*all));
		size_t k = 0;
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
			for (size_t j = 0; j < parts[i].n; j++)
				all[k++] = parts[i].m[j];
	}
	*n = nall;
	return all;
}

/* PIPL: every module's part of a person's export (person.h), in order. */
const person_export_fn all_person_exports[] = {
	privacy_resident_part,
	privacy_consent_part,
	ownership_person_export,
	care_person_export,
	account_person_export,
	volunteer_person_export,
	privacy_audit_part,
};
const size_t all_person_exports_n = sizeof(all_person_exports) / sizeof(all_person_exports[0]);
