/* voice_http.h - the routes of the New networks pillar (src/voice/). */
#ifndef LINLI_VOICE_VOICE_HTTP_H
#define LINLI_VOICE_VOICE_HTTP_H

#include "http/http.h"

extern const struct route_table round_routes;
extern const struct route_table conversation_routes;

#endif
