/*
 * ratelimit.c - a token bucket per client address.
 *
 * A fixed table of buckets indexed by a hash of the address, each slot under
 * one of a few striped locks: memory stays bounded however many addresses
 * come, at the price that two addresses sharing a slot share a bucket until
 * one of them goes quiet (the newer address takes the slot over).
 * Tokens are counted in millitokens so refill needs no floating point.
 */
#include "http/internal.h"

#include <pthread.h>
#include <string.h>

enum { SLOTS = 4096, STRIPES = 16 };

struct bucket {
	char addr[48];
	int64_t tokens_milli;
	int64_t last_ns;
};

static struct bucket table[SLOTS];
static pthread_mutex_t locks[STRIPES] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER,
};
static unsigned rate;

void ratelimit_init(unsigned r)
{
	rate = r;
	memset(table, 0, sizeof(table));
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

bool ratelimit_take(const char *addr, int64_t now_ns)
{
	if (!rate)
		return true;
	uint32_t h = hash(addr);
	struct bucket *b = &table[h % SLOTS];
	pthread_mutex_t *lock = &locks[h % STRIPES];
	int64_t burst = (int64_t)rate * 2000;
	bool ok;

	pthread_mutex_lock(lock);
	if (strcmp(b->addr, addr)) {
		strncpy(b->addr, addr, sizeof(b->addr) - 1);
		b->addr[sizeof(b->addr) - 1] = '\0';
		b->tokens_milli = burst;
		b->last_ns = now_ns;
	}
	int64_t dt = now_ns - b->last_ns;
	if (dt > 0) {
		int64_t add = dt / 1000 * (int64_t)rate / 1000; /* ms-tokens per ns */
		if (add > 0) {
			b->tokens_milli = b->tokens_milli + add > burst ? burst : b->tokens_milli + add;
			b->last_ns = now_ns;
		}
	}
	ok = b->tokens_milli >= 1000;
	if (ok)
		b->tokens_milli -= 1000;
	pthread_mutex_unlock(lock);
	return ok;
}
