/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * srclimit - rate limits per source and in total (issue 9, hostile
 * traffic). Sans-IO: time comes in as a monotonic `now_ns`, a source as a
 * 64-bit key (srclim_key() of its network address, or of its
 * sourcePortIdentity where the address is not known).
 *
 * Two kinds of token bucket, each of `rate` events a second with a burst
 * of `burst_ns` worth of them (a second's worth unless the caller sets
 * burst_ns after srclim_init()):
 *   - one per source, in a table of SRCLIM_SLOTS sources;
 *   - one for all sources together.
 * An event passes when its source's bucket and the total bucket both hold
 * a token; then both give one. So one source can take at most `per_src`
 * of the `total` a second, and a flood from one address leaves the rest
 * to the others (a management client, the downstream slaves).
 *
 * The table: a known source keeps its slot. A new one takes a free slot,
 * else the least recently seen slot that has been quiet for
 * SRCLIM_IDLE_NS; when every slot was seen within that time (a flood
 * from many addresses), the newcomer shares one overflow bucket of
 * `per_src` with every other source that found no slot, so sources that
 * rotate their address get one source's share between them, never a fresh
 * bucket each.
 *
 * Counters say which limit dropped an event. No allocation: the struct is
 * the whole state (about 1 KiB).
 */
#ifndef MERIDIAN_SRCLIMIT_H
#define MERIDIAN_SRCLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SRCLIM_SLOTS	32
#define SRCLIM_IDLE_NS	1000000000LL	/* a slot quiet this long is free */

struct srclim_bucket {
	int64_t tokens_ns;		/* level, in ns of budget */
	int64_t last_ns;		/* refilled up to here */
};

struct srclim_slot {
	uint64_t key;
	int64_t seen_ns;		/* last event of this source */
	struct srclim_bucket b;
	bool used;
};

struct srclim {
	uint32_t per_src;		/* events a second per source; 0 = no
					 * per-source limit */
	uint32_t total;			/* events a second in all; 0 = none */
	int64_t burst_ns;		/* bucket size, ns of rate (1 s) */
	struct srclim_slot slot[SRCLIM_SLOTS];
	struct srclim_bucket overflow;	/* sources without a slot */
	struct srclim_bucket all;
	bool overflow_init, all_init;
	/* counters */
	uint64_t passed;
	uint64_t limited_src;		/* its source's bucket was empty */
	uint64_t limited_total;		/* the total bucket was empty */
	uint64_t overflowed;		/* events that found no slot */
	uint64_t evicted;		/* quiet slots given to a newcomer */
};

/* A table with the given limits (events a second; 0 = that limit off). */
void srclim_init(struct srclim *s, uint32_t per_src, uint32_t total);

/* One event from `key` at `now_ns`: true when it may pass (and the
 * buckets gave their tokens), false when a limit dropped it (counted). */
bool srclim_take(struct srclim *s, uint64_t key, int64_t now_ns);

/* The key of a source given as bytes (an address, a portIdentity):
 * FNV-1a, 64 bits. */
uint64_t srclim_key(const void *bytes, size_t len);

/* Sources with a slot now (for status and tests). */
unsigned srclim_sources(const struct srclim *s);

#endif
