/*
 * resident_index.h - the indexes that keep the residents register's list
 * and search fast at 50,000 residents (issue 4; bench/residents.sh).
 */
#ifndef LINLI_REGISTRY_RESIDENT_INDEX_H
#define LINLI_REGISTRY_RESIDENT_INDEX_H

#include "store/store.h"

#include <stddef.h>

extern const struct migration resident_index_migrations[];
extern const size_t resident_index_migrations_n;

#endif
