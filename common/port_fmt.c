/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port_fmt.c - the foreign master table of a port and its Erbest
 * (IEEE 1588-2019 9.3.2.4, 9.3.2.5).
 *
 * One entry per sender portIdentity keeps the arrival times (ev->now_ns,
 * monotonic) of its latest FOREIGN_MASTER_THRESHOLD Announces and the
 * data set of the latest one. A sender is qualified while all of those
 * arrived within the last FOREIGN_MASTER_TIME_WINDOW of its announce
 * intervals (the Announce's logMessageInterval, or ours when it carries
 * none): an arrival exactly one window old still counts. An entry with no
 * arrival in its window is dropped. Erbest is the best qualified entry by
 * bmca_compare(); PACT_ERBEST is emitted whenever it appears, disappears,
 * or its data set changes.
 *
 * Announces are dropped (counted) when their sender is a port of this
 * clock (rx_own), their stepsRemoved is 255 or more (9.3.2.5), or with
 * cfg.path_trace their PATH_TRACE holds our clockIdentity (16.2.3). A
 * repeated sequenceId from the same sender is a duplicate and not counted
 * twice. The announce receipt timeout restarts on an Announce of our
 * parent (UNCALIBRATED, SLAVE) or of any qualified foreign master
 * (LISTENING, PASSIVE). When the table is full, the entry heard from least
 * recently makes room.
 */
#include <string.h>

#include "port_core_private.h"
#include "tlv.h"

static int64_t fm_window_ns(const struct fm_entry *e)
{
	return FOREIGN_MASTER_TIME_WINDOW * pc_log_ns(e->log_interval);
}

/* Arrivals of e within its window at now_ns (newest first, so a prefix). */
static unsigned fm_in_window(const struct fm_entry *e, int64_t now_ns)
{
	int64_t win = fm_window_ns(e);
	unsigned i;

	for (i = 0; i < e->n_ts; i++) {
		if (now_ns - e->ts[i] > win) {
			break;
		}
	}
	return i;
}

static struct fm_entry *fm_find(struct port_core *pc,
				const struct port_identity *sender)
{
	unsigned i;

	for (i = 0; i < FOREIGN_MASTER_MAX; i++) {
		if (pc->fm[i].used &&
		    !port_identity_cmp(&pc->fm[i].sender, sender)) {
			return &pc->fm[i];
		}
	}
	return NULL;
}

static struct fm_entry *fm_alloc(struct port_core *pc)
{
	struct fm_entry *old = NULL;
	unsigned i;

	for (i = 0; i < FOREIGN_MASTER_MAX; i++) {
		if (!pc->fm[i].used) {
			return &pc->fm[i];
		}
		if (!old || pc->fm[i].ts[0] < old->ts[0]) {
			old = &pc->fm[i];
		}
	}
	return old;
}

static void fm_path(struct fm_entry *e, const struct ptp_msg *m)
{
	struct tlv_path_trace pt;
	struct tlv_iter it;
	struct tlv_raw t;
	unsigned i;

	e->path_len = 0;
	tlv_iter_init(&it, m);
	while (tlv_iter_next(&it, &t) > 0) {
		if (t.type != TLV_PATH_TRACE ||
		    tlv_get_path_trace(&t, &pt) != 0) {
			continue;
		}
		for (i = 0; i < pt.count && i < PATH_TRACE_MAX; i++) {
			memcpy(e->path[i].id, pt.ids + 8 * i, 8);
		}
		e->path_len = i;
		return;
	}
}

static void fm_store(struct port_core *pc, const struct ptp_msg *m,
		     int64_t now_ns)
{
	const struct port_identity *src = &m->hdr.sourcePortIdentity;
	struct fm_entry *e = fm_find(pc, src);
	int8_t li = m->hdr.logMessageInterval;
	unsigned i;

	if (e && e->n_ts && e->last_seq == m->hdr.sequenceId) {
		pc->cnt.rx_unexpected++;	/* duplicate */
		return;
	}
	if (!e) {
		e = fm_alloc(pc);
		memset(e, 0, sizeof(*e));
		e->used = true;
		e->sender = *src;
	}
	for (i = FOREIGN_MASTER_THRESHOLD - 1; i > 0; i--) {
		e->ts[i] = e->ts[i - 1];
	}
	e->ts[0] = now_ns;
	if (e->n_ts < FOREIGN_MASTER_THRESHOLD) {
		e->n_ts++;
	}
	e->last_seq = m->hdr.sequenceId;
	/* 0x7F (unspecified) or a silly value: use our own interval. */
	e->log_interval = (li >= -16 && li <= 16) ? li :
			  pc->ds.logAnnounceInterval;
	bmca_ds_from_announce(&e->ds, m, &pc->ds.portIdentity);
	fm_path(e, m);
}

static bool fm_path_has_us(struct port_core *pc, const struct ptp_msg *m)
{
	const struct clock_identity *me = &pc->clk->dflt.clockIdentity;
	struct tlv_path_trace pt;
	struct tlv_iter it;
	struct tlv_raw t;
	unsigned i;

	tlv_iter_init(&it, m);
	while (tlv_iter_next(&it, &t) > 0) {
		if (t.type != TLV_PATH_TRACE ||
		    tlv_get_path_trace(&t, &pt) != 0) {
			continue;
		}
		for (i = 0; i < pt.count; i++) {
			if (!memcmp(pt.ids + 8 * i, me->id, 8)) {
				return true;
			}
		}
	}
	return false;
}

void fmt_rx_announce(struct port_core *pc, const struct ptp_msg *m,
		     int64_t now_ns)
{
	const struct port_identity *src = &m->hdr.sourcePortIdentity;
	int s = pc->ds.portState;

	if (!clock_identity_cmp(&src->clockIdentity,
				&pc->clk->dflt.clockIdentity)) {
		/* Another port of this clock (9.5.2.2). */
		pc->cnt.rx_own++;
		return;
	}
	if (m->body.announce.stepsRemoved >= 255) {
		pc->cnt.rx_unexpected++;
		return;
	}
	if (pc->cfg.path_trace && fm_path_has_us(pc, m)) {
		pc->cnt.path_trace_loop++;
		return;
	}
	fm_store(pc, m, now_ns);
	if (pc_state_is_slave(pc)) {
		if (pc->has_parent && !port_identity_cmp(src, &pc->parent)) {
			pc_timer_arm(pc, PT_ANNOUNCE_RECEIPT,
				     pc_timer_ns(pc, PT_ANNOUNCE_RECEIPT));
		}
	} else if (s == PS_LISTENING || s == PS_PASSIVE) {
		if (fmt_is_qualified(pc, src, now_ns)) {
			pc_timer_arm(pc, PT_ANNOUNCE_RECEIPT,
				     pc_timer_ns(pc, PT_ANNOUNCE_RECEIPT));
		}
	}
}

bool fmt_is_qualified(const struct port_core *pc,
		      const struct port_identity *sender, int64_t now_ns)
{
	unsigned i;

	for (i = 0; i < FOREIGN_MASTER_MAX; i++) {
		const struct fm_entry *e = &pc->fm[i];

		if (e->used && !port_identity_cmp(&e->sender, sender)) {
			return fm_in_window(e, now_ns) >=
			       FOREIGN_MASTER_THRESHOLD;
		}
	}
	return false;
}

static bool ds_equal(const struct bmca_ds *a, const struct bmca_ds *b)
{
	return a->priority1 == b->priority1 &&
	       !clock_identity_cmp(&a->identity, &b->identity) &&
	       a->quality.clockClass == b->quality.clockClass &&
	       a->quality.clockAccuracy == b->quality.clockAccuracy &&
	       a->quality.offsetScaledLogVariance ==
	       b->quality.offsetScaledLogVariance &&
	       a->priority2 == b->priority2 &&
	       a->steps_removed == b->steps_removed &&
	       !port_identity_cmp(&a->sender, &b->sender) &&
	       !port_identity_cmp(&a->receiver, &b->receiver) &&
	       a->current_utc_offset == b->current_utc_offset &&
	       a->flags == b->flags &&
	       a->time_source == b->time_source;
}

static void fmt_set_erbest(struct port_core *pc, const struct fm_entry *best)
{
	struct pact a = { .type = PACT_ERBEST };
	bool changed;

	if (!best) {
		changed = pc->has_erbest;
		pc->has_erbest = false;
		pc->erbest_path_len = 0;
	} else {
		changed = !pc->has_erbest || !ds_equal(&pc->erbest, &best->ds);
		pc->has_erbest = true;
		pc->erbest = best->ds;
		memcpy(pc->erbest_path, best->path, sizeof(best->path));
		pc->erbest_path_len = best->path_len;
	}
	if (changed) {
		pc_emit(pc, &a);
	}
}

void fmt_update(struct port_core *pc, int64_t now_ns)
{
	const struct fm_entry *best = NULL;
	unsigned i;
	int r;

	for (i = 0; i < FOREIGN_MASTER_MAX; i++) {
		struct fm_entry *e = &pc->fm[i];

		if (!e->used) {
			continue;
		}
		e->n_ts = fm_in_window(e, now_ns);
		if (!e->n_ts) {
			e->used = false;
			continue;
		}
		if (e->n_ts < FOREIGN_MASTER_THRESHOLD) {
			continue;
		}
		if (!best) {
			best = e;
			continue;
		}
		r = bmca_compare(&e->ds, &best->ds);
		if (r == BMCA_A_BETTER || r == BMCA_A_BETTER_TOPO) {
			best = e;
		}
	}
	fmt_set_erbest(pc, best);
}

void fmt_forget(struct port_core *pc, const struct port_identity *sender)
{
	struct fm_entry *e = fm_find(pc, sender);

	if (e) {
		e->used = false;
	}
}

void fmt_clear(struct port_core *pc)
{
	memset(pc->fm, 0, sizeof(pc->fm));
	fmt_set_erbest(pc, NULL);
}
