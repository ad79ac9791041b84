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
 */
#include "registry/resident_index.h"

const struct migration resident_index_migrations[] = {
    {560, "registry: residents search index (list and search at 50,000 residents)",
     "CREATE INDEX residents_search ON residents"
     " (community_id, id, name, phone_tail, dwelling_id, birth_date);"
     "DROP INDEX residents_community;"
     "CREATE INDEX residents_dwelling ON residents (dwelling_id, id);"},
};
const size_t resident_index_migrations_n =
    sizeof(resident_index_migrations) / sizeof(resident_index_migrations[0]);
