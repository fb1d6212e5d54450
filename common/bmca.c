// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bmca.c - the best master clock algorithm of IEEE 1588-2019 9.3 as pure
 * functions: no I/O, no globals, no allocation.
 *
 * Deviations and choices, all local to this file:
 * - Part 2 of the comparison compares whole portIdentities (clockIdentity,
 *   then portNumber, 7.5.2.4) where Figure 35 says "identities", as
 *   linuxptp's bmc.c does.
 * - The error outcomes of Figure 35 are reported, not hidden: a receiver
 *   equal to its sender is BMCA_SELF, two identical data sets are
 *   BMCA_EQUAL (Figure 35's error-1 and error-2, which linuxptp returns
 *   as 0 for both). A caller that asks "is A better" sees neither as
 *   better.
 * - masterOnly (9.2.2.2): the port is never SLAVE nor PASSIVE: M2 when D0
 *   is better (or better by topology) than Ebest or there is no Ebest,
 *   else M3. This is decided before the "stay LISTENING" rule, so a
 *   masterOnly port does not wait for an Announce to become master.
 * - slaveOnly (9.2.2.1): every M1/M2/M3 becomes BMCA_REC_LISTENING, and
 *   the clockClass 1..127 branch (M1/P1) is skipped for such a clock (a
 *   slaveOnly clock has class 255, 8.2.1.4.1; a misconfigured one must
 *   still be able to become SLAVE), so P1 never happens for it.
 */
#include <stddef.h>
#include <string.h>

#include "bmca.h"

static int cmp_u(unsigned int a, unsigned int b)
{
	return (a > b) - (a < b);
}

/* Figure 35: A and B describe the same grandmaster. */
static int bmca_compare_topo(const struct bmca_ds *a, const struct bmca_ds *b)
{
	unsigned int sa = a->steps_removed, sb = b->steps_removed;
	int d;

	if (sa > sb + 1) {
		return BMCA_B_BETTER;
	}
	if (sa + 1 < sb) {
		return BMCA_A_BETTER;
	}
	if (sa > sb) {
		/* A went one hop further: did it pass through us? */
		d = port_identity_cmp(&a->receiver, &a->sender);
		if (d < 0) {
			return BMCA_B_BETTER;
		}
		if (d > 0) {
			return BMCA_B_BETTER_TOPO;
		}
		return BMCA_SELF;
	}
	if (sa < sb) {
		d = port_identity_cmp(&b->receiver, &b->sender);
		if (d < 0) {
			return BMCA_A_BETTER;
		}
		if (d > 0) {
			return BMCA_A_BETTER_TOPO;
		}
		return BMCA_SELF;
	}
	d = port_identity_cmp(&a->sender, &b->sender);
	if (d < 0) {
		return BMCA_A_BETTER_TOPO;
	}
	if (d > 0) {
		return BMCA_B_BETTER_TOPO;
	}
	d = cmp_u(a->receiver.portNumber, b->receiver.portNumber);
	if (d < 0) {
		return BMCA_A_BETTER_TOPO;
	}
	if (d > 0) {
		return BMCA_B_BETTER_TOPO;
	}
	return BMCA_EQUAL;
}

/* Figure 34; lower is better in every field. */
int bmca_compare(const struct bmca_ds *a, const struct bmca_ds *b)
{
	const unsigned int fa[] = {
		a->priority1,
		a->quality.clockClass,
		a->quality.clockAccuracy,
		a->quality.offsetScaledLogVariance,
		a->priority2,
	};
	const unsigned int fb[] = {
		b->priority1,
		b->quality.clockClass,
		b->quality.clockAccuracy,
		b->quality.offsetScaledLogVariance,
		b->priority2,
	};
	int gm = clock_identity_cmp(&a->identity, &b->identity);
	size_t i;
	int d;

	if (!gm) {
		return bmca_compare_topo(a, b);
	}
	for (i = 0; i < sizeof(fa) / sizeof(fa[0]); i++) {
		d = cmp_u(fa[i], fb[i]);
		if (d) {
			return d < 0 ? BMCA_A_BETTER : BMCA_B_BETTER;
		}
	}
	return gm < 0 ? BMCA_A_BETTER : BMCA_B_BETTER;
}

void bmca_ds_from_default(struct bmca_ds *out, const struct default_ds *d)
{
	memset(out, 0, sizeof(*out));
	out->priority1 = d->priority1;
	out->identity = d->clockIdentity;
	out->quality = d->clockQuality;
	out->priority2 = d->priority2;
	out->steps_removed = 0;
	out->sender.clockIdentity = d->clockIdentity;
	out->sender.portNumber = 0;
	out->receiver = out->sender;
}

void bmca_ds_from_announce(struct bmca_ds *out, const struct ptp_msg *m,
			   const struct port_identity *receiver)
{
	const struct ptp_announce *an = &m->body.announce;

	memset(out, 0, sizeof(*out));
	out->priority1 = an->grandmasterPriority1;
	out->identity = an->grandmasterIdentity;
	out->quality = an->grandmasterClockQuality;
	out->priority2 = an->grandmasterPriority2;
	out->steps_removed = an->stepsRemoved;
	out->sender = m->hdr.sourcePortIdentity;
	out->receiver = *receiver;
	out->current_utc_offset = an->currentUtcOffset;
	out->flags = m->hdr.flagField;
	out->time_source = an->timeSource;
}

/* "A better or better by topology than B"; no B at all counts as worse. */
static bool ds_better(const struct bmca_ds *a, const struct bmca_ds *b)
{
	int r;

	if (!b) {
		return true;
	}
	r = bmca_compare(a, b);
	return r == BMCA_A_BETTER || r == BMCA_A_BETTER_TOPO;
}

static enum bmca_rec no_master(const struct default_ds *d0,
			       enum bmca_rec rec)
{
	if (d0->slaveOnly && (rec == BMCA_REC_M1 || rec == BMCA_REC_M2 ||
			      rec == BMCA_REC_M3)) {
		return BMCA_REC_LISTENING;
	}
	return rec;
}

enum bmca_rec bmca_state_decision(const struct default_ds *d0,
				  const struct bmca_ds *ebest,
				  bool ebest_here,
				  const struct bmca_port_in *port)
{
	const struct bmca_ds *erbest = port->erbest;
	struct bmca_ds d;

	bmca_ds_from_default(&d, d0);
	if (!ebest) {
		ebest_here = false;
	}

	if (port->master_only) {
		return no_master(d0, ds_better(&d, ebest) ? BMCA_REC_M2 :
							    BMCA_REC_M3);
	}
	if (!ebest && !erbest && port->state == PS_LISTENING) {
		return BMCA_REC_NONE;
	}
	if (d0->clockQuality.clockClass <= 127 && !d0->slaveOnly) {
		return ds_better(&d, erbest) ? BMCA_REC_M1 : BMCA_REC_P1;
	}
	if (ds_better(&d, ebest)) {
		return no_master(d0, BMCA_REC_M2);
	}
	if (ebest_here) {
		return BMCA_REC_S1;
	}
	if (erbest && bmca_compare(ebest, erbest) == BMCA_A_BETTER_TOPO) {
		return BMCA_REC_P2;
	}
	return no_master(d0, BMCA_REC_M3);
}

int bmca_select_ebest(const struct bmca_ds *const *erbest,
		      const bool *master_only, unsigned n)
{
	int best = -1;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!erbest[i] || (master_only && master_only[i])) {
			continue;
		}
		if (best < 0 || ds_better(erbest[i], erbest[best])) {
			best = (int)i;
		}
	}
	return best;
}

enum port_state bmca_rec_state(enum bmca_rec rec)
{
	switch (rec) {
	case BMCA_REC_M1:
	case BMCA_REC_M2:
	case BMCA_REC_M3:
		return PS_MASTER;
	case BMCA_REC_P1:
	case BMCA_REC_P2:
		return PS_PASSIVE;
	case BMCA_REC_S1:
		return PS_SLAVE;
	case BMCA_REC_LISTENING:
		return PS_LISTENING;
	case BMCA_REC_NONE:
	default:
		/* 0 is no port state: keep the current one. */
		return (enum port_state)0;
	}
}

const char *bmca_rec_str(enum bmca_rec rec)
{
	static const char *const names[] = {
		[BMCA_REC_NONE] = "NONE",
		[BMCA_REC_M1] = "M1",
		[BMCA_REC_M2] = "M2",
		[BMCA_REC_M3] = "M3",
		[BMCA_REC_P1] = "P1",
		[BMCA_REC_P2] = "P2",
		[BMCA_REC_S1] = "S1",
		[BMCA_REC_LISTENING] = "LISTENING",
	};

	if ((unsigned int)rec >= sizeof(names) / sizeof(names[0])) {
		return "?";
	}
	return names[rec];
}

/* Table 30: the clock is the grandmaster. */
static void apply_grandmaster(struct clock_ds *c,
			      const struct time_properties_ds *local_tprop)
{
	c->cur.stepsRemoved = 0;
	c->cur.offsetFromMaster = 0;
	c->cur.meanDelay = 0;
	parent_ds_init(&c->parent, &c->dflt);
	if (local_tprop) {
		c->tprop = *local_tprop;
	}
}

/* Table 33: the clock follows Ebest. */
static void apply_slave(struct clock_ds *c, const struct bmca_ds *e)
{
	struct time_properties_ds *tp = &c->tprop;

	c->cur.stepsRemoved = e->steps_removed < UINT16_MAX ?
			      e->steps_removed + 1 : UINT16_MAX;
	c->parent.parentPortIdentity = e->sender;
	c->parent.grandmasterIdentity = e->identity;
	c->parent.grandmasterClockQuality = e->quality;
	c->parent.grandmasterPriority1 = e->priority1;
	c->parent.grandmasterPriority2 = e->priority2;

	tp->currentUtcOffset = e->current_utc_offset;
	tp->currentUtcOffsetValid = e->flags & PTP_FLAG_UTC_OFFSET_VALID;
	tp->leap59 = e->flags & PTP_FLAG_LEAP59;
	tp->leap61 = e->flags & PTP_FLAG_LEAP61;
	tp->timeTraceable = e->flags & PTP_FLAG_TIME_TRACEABLE;
	tp->frequencyTraceable = e->flags & PTP_FLAG_FREQ_TRACEABLE;
	tp->ptpTimescale = e->flags & PTP_FLAG_PTP_TIMESCALE;
	tp->timeSource = e->time_source;
}

/*
 * M1/M2 with local_tprop NULL keep timePropertiesDS; S1 with ebest NULL
 * changes nothing (no data to follow). parentStats and the observed
 * parent values are reset to their initial values on M1/M2 and left alone
 * on S1 (nothing here measures them).
 */
void bmca_apply(struct clock_ds *c, enum bmca_rec rec,
		const struct bmca_ds *ebest,
		const struct time_properties_ds *local_tprop)
{
	switch (rec) {
	case BMCA_REC_M1:
	case BMCA_REC_M2:
		apply_grandmaster(c, local_tprop);
		break;
	case BMCA_REC_S1:
		if (ebest) {
			apply_slave(c, ebest);
		}
		break;
	default:
		break;
	}
}
