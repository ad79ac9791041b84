/* routes.h - the lists of all route tables and all migrations. */
#ifndef LINLI_ROUTES_H
#define LINLI_ROUTES_H

#include "http/http.h"
#include "store/store.h"

extern const struct route_table *const all_route_tables[];
extern const size_t all_route_tables_n;

/* Every module's migrations, in order; built once, owned by routes.c. */
const struct migration *all_migrations(size_t *n);

#endif
