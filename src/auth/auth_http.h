/* auth_http.h - the session routes and the session hook of the server. */
#ifndef LINLI_AUTH_AUTH_HTTP_H
#define LINLI_AUTH_AUTH_HTTP_H

#include "http/http.h"

extern const struct route_table auth_routes;

/* The http_hooks.load_session of the server: sets r->user and r->csrf from
 * r->session_token; see struct http_hooks. */
int auth_http_load_session(struct req *r, struct err *e);

#endif
