/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * srclimit.c - rate limits per source and in total (srclimit.h).
 */
#include <string.h>

#include "ptp_time.h"
#include "srclimit.h"

void srclim_init(struct srclim *s, uint32_t per_src, uint32_t total)
{
	memset(s, 0, sizeof(*s));
	s->per_src = per_src;
	s->total = total;
	s->burst_ns = NS_PER_SEC;
}

/* One event's token, in ns of budget (at least 1). */
static int64_t cost_ns(uint32_t rate)
{
	int64_t c = NS_PER_SEC / (rate ? rate : 1);

	return c > 0 ? c : 1;
}

/*
 * Refill `b` for `rate` events a second up to now (a second's worth at
 * most; a bucket seen for the first time starts full) and say whether it
 * holds one event's token. Time that runs backwards refills nothing.
 */
static bool bucket_has(const struct srclim *s, struct srclim_bucket *b,
		       bool *init, uint32_t rate, int64_t now)
{
	const int64_t cap = s->burst_ns > cost_ns(rate) ? s->burst_ns :
			    cost_ns(rate);
	int64_t dt;

	if (!*init) {
		*init = true;
		b->tokens_ns = cap;
		b->last_ns = now;
	}
	dt = now - b->last_ns;
	if (dt > 0) {
		b->tokens_ns = dt >= cap ? cap : b->tokens_ns + dt;
		if (b->tokens_ns > cap) {
			b->tokens_ns = cap;
		}
		b->last_ns = now;
	}
	return b->tokens_ns >= cost_ns(rate);
}

static void bucket_take(struct srclim_bucket *b, uint32_t rate)
{
	b->tokens_ns -= cost_ns(rate);
}

/* The slot of `key`, or a new one for it (free, or the least recently
 * seen if idle; its bucket full), or NULL: no room, the overflow bucket
 * applies. */
static struct srclim_slot *slot_for(struct srclim *s, uint64_t key,
				    int64_t now)
{
	struct srclim_slot *free_slot = NULL, *oldest = NULL, *e;
	unsigned i;

	for (i = 0; i < SRCLIM_SLOTS; i++) {
		e = &s->slot[i];
		if (!e->used) {
			if (!free_slot) {
				free_slot = e;
			}
			continue;
		}
		if (e->key == key) {
			return e;
		}
		if (!oldest || e->seen_ns < oldest->seen_ns) {
			oldest = e;
		}
	}
	if (!free_slot) {
		if (!oldest || now - oldest->seen_ns < SRCLIM_IDLE_NS) {
			return NULL;
		}
		free_slot = oldest;
		s->evicted++;
	}
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->key = key;
	free_slot->b.tokens_ns = s->burst_ns > cost_ns(s->per_src) ?
				 s->burst_ns : cost_ns(s->per_src);
	free_slot->b.last_ns = now;
	return free_slot;
}

bool srclim_take(struct srclim *s, uint64_t key, int64_t now_ns)
{
	struct srclim_bucket *b = NULL;
	struct srclim_slot *e;
	bool slot_init = true, *init;

	if (s->per_src) {
		e = slot_for(s, key, now_ns);
		if (e) {
			/* set up with its slot: a fresh one starts full */
			e->seen_ns = now_ns;
			b = &e->b;
			init = &slot_init;
		} else {
			s->overflowed++;
			b = &s->overflow;
			init = &s->overflow_init;
		}
		if (!bucket_has(s, b, init, s->per_src, now_ns)) {
			s->limited_src++;
			return false;
		}
	}
	if (s->total && !bucket_has(s, &s->all, &s->all_init, s->total, now_ns)) {
		s->limited_total++;
		return false;
	}
	if (b) {
		bucket_take(b, s->per_src);
	}
	if (s->total) {
		bucket_take(&s->all, s->total);
	}
	s->passed++;
	return true;
}

uint64_t srclim_key(const void *bytes, size_t len)
{
	const uint8_t *p = bytes;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

unsigned srclim_sources(const struct srclim *s)
{
	unsigned i, n = 0;

	for (i = 0; i < SRCLIM_SLOTS; i++) {
		n += s->slot[i].used;
	}
	return n;
}
