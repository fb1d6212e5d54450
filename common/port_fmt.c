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
 * (LISTENING, PASSIVE).
 *
 * A full table (FOREIGN_MASTER_MAX entries; 9.5.3 asks for room for at
 * least 5 and says nothing about what happens beyond): the standard leaves
 * the choice open, so it follows what the BMCA needs, and never recency,
 * which any sender can refresh at will (issue 6: 8 new senders per master
 * Announce interval used to evict the master's entry and throw a
 * synchronised slave out of SLAVE). The Announce of a new sender, when no
 * entry is free or expired (no arrival left in its window):
 *   1. never replaces a protected entry: the sender the port follows (its
 *      parent in UNCALIBRATED/SLAVE), the clock's parentDS.
 *      parentPortIdentity, and Erbest's sender;
 *   2. the candidate victims are the unprotected unqualified entries, or,
 *      when there are none, the unprotected qualified ones;
 *   3. the victim is the worst candidate by the data set comparison
 *      (bmca_compare(), 9.3.4);
 *   4. the new sender replaces it only if its own data set is better (or
 *      better by topology); otherwise its Announce is dropped.
 * Counted: fmt_evicted (an entry replaced), fmt_full (an Announce
 * dropped). So a flood of new senders, however good they claim to be, can
 * never displace the master, Erbest or a qualified entry while unqualified
 * ones remain to go; senders worse than the whole table never get in; and
 * a better sender that keeps announcing gets in and qualifies as the
 * standard says, unless a flood of even better (never qualifying) senders
 * takes every free place before its second Announce.
 *
 * Hostile traffic (issue 9), before all of the above:
 *   - cfg.amt_enabled: the acceptable master table (17.6): an Announce is
 *     taken only from a sender listed by clockIdentity (its
 *     sourcePortIdentity's) or by address (the source IP or MAC the
 *     caller gives with PEV_RX); others are dropped (rx_not_acceptable),
 *     so they never reach the table, qualify or become Erbest. An empty
 *     enabled table accepts nobody. (alternatePriority1 is not kept.)
 *   - cfg.master_lock: an Announce whose data set is better (or better by
 *     topology) than this clock's own defaultDS (D0) is dropped
 *     (rx_master_lock). Only such a sender can become Ebest and make the
 *     port SLAVE (or, through the clock, move the clock off this port's
 *     mastership); worse senders are kept so the port can still be
 *     PASSIVE/MASTER as 9.3.3 decides. portDS.masterOnly alone keeps a
 *     rogue better clock downstream out of SLAVE, but it still takes the
 *     table and, in a boundary clock, an Erbest the other ports see.
 */
#include <string.h>

#include "port_core_private.h"
#include "tlv.h"

/* 9.5.3's minimum, and at most 3 protected entries leave a victim. */
_Static_assert(FOREIGN_MASTER_MAX >= 5, "foreign master table too small");

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

/* "a better, or better by topology, than b" (9.3.4). */
static bool ds_better(const struct bmca_ds *a, const struct bmca_ds *b)
{
	int r = bmca_compare(a, b);

	return r == BMCA_A_BETTER || r == BMCA_A_BETTER_TOPO;
}

/* A sender whose entry no new sender may replace (rule 1 above). */
static bool fm_protected(const struct port_core *pc,
			 const struct port_identity *sender)
{
	if (pc->has_parent && !port_identity_cmp(sender, &pc->parent)) {
		return true;
	}
	if (pc->has_erbest && !port_identity_cmp(sender, &pc->erbest.sender)) {
		return true;
	}
	return !port_identity_cmp(sender, &pc->clk.parent.parentPortIdentity);
}

/*
 * An entry for a new sender whose Announce has data set nds: a free or
 * expired one, else the victim of the rules above, else NULL (drop it).
 * A protected sender coming back (its entry expired) takes the victim
 * whatever its data set.
 */
static struct fm_entry *fm_alloc(struct port_core *pc,
				 const struct bmca_ds *nds, int64_t now_ns)
{
	struct fm_entry *victim = NULL;
	bool victim_q = false, q;
	unsigned i;

	for (i = 0; i < FOREIGN_MASTER_MAX; i++) {
		struct fm_entry *e = &pc->fm[i];

		if (!e->used || !fm_in_window(e, now_ns)) {
			return e;
		}
	}
	for (i = 0; i < FOREIGN_MASTER_MAX; i++) {
		struct fm_entry *e = &pc->fm[i];

		if (fm_protected(pc, &e->sender)) {
			continue;
		}
		q = fm_in_window(e, now_ns) >= FOREIGN_MASTER_THRESHOLD;
		if (!victim || (victim_q && !q) ||
		    (victim_q == q && ds_better(&victim->ds, &e->ds))) {
			victim = e;
			victim_q = q;
		}
	}
	if (!victim || (!fm_protected(pc, &nds->sender) &&
			!ds_better(nds, &victim->ds))) {
		pc->cnt.fmt_full++;
		return NULL;
	}
	pc->cnt.fmt_evicted++;
	return victim;
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
	struct bmca_ds nds;
	unsigned i;

	if (e && e->n_ts && e->last_seq == m->hdr.sequenceId) {
		pc->cnt.rx_unexpected++;	/* duplicate */
		return;
	}
	if (!e) {
		bmca_ds_from_announce(&nds, m, &pc->ds.portIdentity);
		e = fm_alloc(pc, &nds, now_ns);
		if (!e) {
			return;
		}
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
	const struct clock_identity *me = &pc->clk.dflt.clockIdentity;
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

/* cfg.amt_enabled: the sender is in the acceptable master table. */
static bool fm_acceptable(const struct port_core *pc,
			  const struct ptp_msg *m)
{
	const struct port_amt_entry *a;
	unsigned i;

	for (i = 0; i < pc->cfg.n_amt && i < PORT_AMT_MAX; i++) {
		a = &pc->cfg.amt[i];
		if (!a->by_addr) {
			if (!clock_identity_cmp(&a->id,
				&m->hdr.sourcePortIdentity.clockIdentity)) {
				return true;
			}
		} else if (pc->rx_src && a->addr_len == pc->rx_src_len &&
			   !memcmp(a->addr, pc->rx_src, a->addr_len)) {
			return true;
		}
	}
	return false;
}

/* cfg.master_lock: the Announce's data set beats D0. */
static bool fm_beats_d0(const struct port_core *pc, const struct ptp_msg *m)
{
	struct bmca_ds d0, nds;

	bmca_ds_from_default(&d0, &pc->clk.dflt);
	bmca_ds_from_announce(&nds, m, &pc->ds.portIdentity);
	return ds_better(&nds, &d0);
}

void fmt_rx_announce(struct port_core *pc, const struct ptp_msg *m,
		     int64_t now_ns)
{
	const struct port_identity *src = &m->hdr.sourcePortIdentity;
	int s = pc->ds.portState;

	if (!clock_identity_cmp(&src->clockIdentity,
				&pc->clk.dflt.clockIdentity)) {
		/* Another port of this clock (9.5.2.2). */
		pc->cnt.rx_own++;
		return;
	}
	/* Hostile traffic (issue 9): acceptable masters, master lock. */
	if (pc->cfg.amt_enabled && !fm_acceptable(pc, m)) {
		pc->cnt.rx_not_acceptable++;
		return;
	}
	if (pc->cfg.master_lock && fm_beats_d0(pc, m)) {
		pc->cnt.rx_master_lock++;
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
