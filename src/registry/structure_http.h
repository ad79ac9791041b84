/* structure_http.h - the routes of the community structure. */
#ifndef LINLI_REGISTRY_STRUCTURE_HTTP_H
#define LINLI_REGISTRY_STRUCTURE_HTTP_H

#include "http/http.h"

extern const struct route_table structure_routes;

#endif
