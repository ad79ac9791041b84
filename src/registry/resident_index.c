/*
 * resident_index.c - indexes of the residents register (migration 560).
 *
 * The list walks a community's residents by id and filters each row on the
 * name, the phone tail, the dwelling and the birth date (resident.c,
 * sql_list); a search with few matches walks the whole community.  Walking
 * the table means reading every row with its sealed ID number and phone
 * (about 400 bytes each, 20 MB at 50,000 residents, ten times SQLite's page
 * cache); walking an index that carries the filtered columns reads about a
 * tenth of that, and SQLite reads a table row only for a row that matched
 * (a deferred seek).  So residents_search replaces residents_community
 * (community_id, id), which it extends, and the planner has one choice.
 *
 * residents_dwelling serves the households of a dwelling (and deleting a
 * dwelling, whose foreign key is checked against residents).
 *
 * The walk stays for a search that matches many (it stops at a page), but
 * a search that matches few must not walk: resident_list chooses a
 * statement by the filters given (resident.c), one an index serves:
 *   - a dwelling: residents_dwelling (dwelling_id, id);
 *   - a phone tail: residents_tail_id (community_id, phone_tail, id), 571
 *     (the id is explicit for PostgreSQL; SQLite has it as the rowid);
 *   - a name of two characters or more: the bigram index
 *     resident_name_grams (community_id, gram, resident_id), 570, kept by
 *     resident_grams.c; the migration fills it for the residents already
 *     registered with a recursive query both backends run (length() and
 *     substr() count characters in both).
 * 572 adds the residents' languages or dialect (resident.h).  573 serves
 * the list's filters by care tag (care_resident_tags in resident order, so a
 * page stops early) and by room number (the dwellings with that number in
 * the community); they are indexes on the care and structure tables, made
 * here because only the residents list asks for them.
 */
#include "registry/resident_index.h"

const struct migration resident_index_migrations[] = {
    {560, "registry: residents search index (list and search at 50,000 residents)",
     "CREATE INDEX residents_search ON residents"
     " (community_id, id, name, phone_tail, dwelling_id, birth_date);"
     "DROP INDEX residents_community;"
     "CREATE INDEX residents_dwelling ON residents (dwelling_id, id);"},
    {570, "registry: residents' name bigrams (search by name at 50,000 residents)",
     "CREATE TABLE resident_name_grams ("
     " community_id BIGINT NOT NULL REFERENCES communities(id),"
     " gram TEXT NOT NULL,"
     " resident_id BIGINT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,"
     " PRIMARY KEY (community_id, gram, resident_id));"
     "CREATE INDEX resident_name_grams_resident ON resident_name_grams (resident_id);"
     "WITH RECURSIVE g (resident_id, community_id, name, i) AS ("
     " SELECT id, community_id, name, 1 FROM residents WHERE length(name) >= 2"
     " UNION ALL SELECT resident_id, community_id, name, i + 1 FROM g"
     "  WHERE i + 2 <= length(name))"
     " INSERT INTO resident_name_grams (community_id, gram, resident_id)"
     " SELECT DISTINCT community_id, substr(name, i, 2), resident_id FROM g;"},
    {571, "registry: residents by phone tail in id order",
     "CREATE INDEX residents_tail_id ON residents (community_id, phone_tail, id);"
     "DROP INDEX residents_tail;"},
    {572, "registry: residents' languages or dialect",
     "ALTER TABLE residents ADD COLUMN languages TEXT;"},
    {573, "registry: residents by care tag and by room number (the residents list)",
     "CREATE INDEX care_resident_tags_by_tag ON care_resident_tags (tag_id, resident_id);"
     "CREATE INDEX dwellings_room ON dwellings (community_id, room);"},
};
const size_t resident_index_migrations_n =
    sizeof(resident_index_migrations) / sizeof(resident_index_migrations[0]);
