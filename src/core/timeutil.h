/* timeutil.h - clocks: wall time in UTC seconds, monotonic time for durations. */
#ifndef LINLI_CORE_TIMEUTIL_H
#define LINLI_CORE_TIMEUTIL_H

#include <stdint.h>

/* Seconds since the Unix epoch, UTC. */
int64_t time_now(void);

/* Monotonic nanoseconds, for durations only. */
int64_t time_mono_ns(void);

#endif
