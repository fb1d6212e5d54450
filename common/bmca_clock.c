// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bmca_clock.c - the BMCA over all ports of a clock (see bmca_clock.h).
 */
#include <errno.h>
#include <string.h>

#include "bmca_clock.h"

int bmca_clock_init(struct bmca_clock *bc, const struct default_ds *d0,
		    const struct time_properties_ds *local, unsigned n_ports,
		    int64_t port_timeout_ns, uint32_t epoch_base)
{
	unsigned i;

	if (n_ports == 0 || n_ports > BMCA_CLOCK_PORTS_MAX) {
		return -EINVAL;
	}
	memset(bc, 0, sizeof(*bc));
	bc->ds.dflt = *d0;
	current_ds_init(&bc->ds.cur);
	parent_ds_init(&bc->ds.parent, d0);
	bc->ds.tprop = *local;
	bc->local_tprop = *local;
	bc->n_ports = n_ports;
	bc->port_timeout_ns = port_timeout_ns;
	bc->epoch = epoch_base;
	bc->ebest_port = -1;
	for (i = 0; i < n_ports; i++) {
		bc->port[i].rec = BMCA_REC_NONE;
	}
	return 0;
}

int bmca_clock_report(struct bmca_clock *bc, unsigned port,
		      const struct bmca_clock_report *r, int64_t now_ns)
{
	if (port >= bc->n_ports || r->n_path > BMCA_CLOCK_PATH_MAX) {
		return -EINVAL;
	}
	bc->port[port].reported = true;
	bc->port[port].last_ns = now_ns;
	bc->port[port].r = *r;
	if (!r->has_erbest) {
		memset(&bc->port[port].r.erbest, 0, sizeof(r->erbest));
	}
	return 0;
}

void bmca_clock_port_lost(struct bmca_clock *bc, unsigned port)
{
	if (port < bc->n_ports) {
		bc->port[port].reported = false;
	}
}

bool bmca_clock_port_usable(const struct bmca_clock *bc, unsigned port,
			    int64_t now_ns)
{
	const struct bmca_clock_port *p;

	if (port >= bc->n_ports) {
		return false;
	}
	p = &bc->port[port];
	if (!p->reported || now_ns - p->last_ns > bc->port_timeout_ns) {
		return false;
	}
	switch (p->r.state) {
	case PS_FAULTY:
	case PS_DISABLED:
	case PS_INITIALIZING:
		return false;
	default:
		return p->r.link_up;
	}
}

static bool ds_changed(const struct clock_ds *a, const struct clock_ds *b)
{
	/* Compare field by field: the structs have padding. */
	return memcmp(&a->dflt.clockQuality, &b->dflt.clockQuality,
		      sizeof(a->dflt.clockQuality)) ||
	       a->cur.stepsRemoved != b->cur.stepsRemoved ||
	       port_identity_cmp(&a->parent.parentPortIdentity,
				 &b->parent.parentPortIdentity) ||
	       clock_identity_cmp(&a->parent.grandmasterIdentity,
				  &b->parent.grandmasterIdentity) ||
	       memcmp(&a->parent.grandmasterClockQuality,
		      &b->parent.grandmasterClockQuality,
		      sizeof(a->parent.grandmasterClockQuality)) ||
	       a->parent.grandmasterPriority1 !=
	       b->parent.grandmasterPriority1 ||
	       a->parent.grandmasterPriority2 !=
	       b->parent.grandmasterPriority2 ||
	       a->tprop.currentUtcOffset != b->tprop.currentUtcOffset ||
	       a->tprop.currentUtcOffsetValid !=
	       b->tprop.currentUtcOffsetValid ||
	       a->tprop.leap59 != b->tprop.leap59 ||
	       a->tprop.leap61 != b->tprop.leap61 ||
	       a->tprop.timeTraceable != b->tprop.timeTraceable ||
	       a->tprop.frequencyTraceable != b->tprop.frequencyTraceable ||
	       a->tprop.ptpTimescale != b->tprop.ptpTimescale ||
	       a->tprop.timeSource != b->tprop.timeSource;
}

bool bmca_clock_decide(struct bmca_clock *bc, int64_t now_ns)
{
	const struct bmca_ds *erbest[BMCA_CLOCK_PORTS_MAX];
	bool master_only[BMCA_CLOCK_PORTS_MAX];
	struct clock_ds before = bc->ds;
	const struct bmca_ds *ebest;
	enum bmca_rec rec, clock_rec = BMCA_REC_NONE;
	struct bmca_port_in in;
	bool changed = false;
	unsigned i;
	int best;

	for (i = 0; i < bc->n_ports; i++) {
		struct bmca_clock_port *p = &bc->port[i];

		if (p->reported && now_ns - p->last_ns > bc->port_timeout_ns) {
			p->reported = false;	/* the port went silent */
		}
		erbest[i] = bmca_clock_port_usable(bc, i, now_ns) &&
			    p->r.has_erbest ? &p->r.erbest : NULL;
		master_only[i] = p->r.master_only;
	}
	best = bmca_select_ebest(erbest, master_only, bc->n_ports);
	ebest = best >= 0 ? erbest[best] : NULL;

	for (i = 0; i < bc->n_ports; i++) {
		struct bmca_clock_port *p = &bc->port[i];

		if (!bmca_clock_port_usable(bc, i, now_ns)) {
			rec = BMCA_REC_NONE;
		} else {
			memset(&in, 0, sizeof(in));
			in.erbest = erbest[i];
			in.master_only = p->r.master_only;
			in.state = p->r.state;
			rec = bmca_state_decision(&bc->ds.dflt, ebest,
						  best == (int)i, &in);
		}
		if (rec == BMCA_REC_S1) {
			clock_rec = BMCA_REC_S1;
		} else if ((rec == BMCA_REC_M1 || rec == BMCA_REC_M2) &&
			   clock_rec != BMCA_REC_S1) {
			clock_rec = rec;
		}
		if (rec != p->rec) {
			changed = true;
		}
		p->rec = rec;
	}

	/* 9.3.5: the clock's data sets follow its one slave port (S1), or
	 * the clock itself when a port found it best (M1/M2). */
	bmca_apply(&bc->ds, clock_rec, ebest, &bc->local_tprop);
	if (clock_rec == BMCA_REC_S1 && best >= 0) {
		bc->n_path = bc->port[best].r.n_path;
		memcpy(bc->path, bc->port[best].r.path,
		       sizeof(bc->path[0]) * bc->n_path);
	} else if (clock_rec == BMCA_REC_M1 || clock_rec == BMCA_REC_M2) {
		bc->n_path = 0;
	}
	if (best != bc->ebest_port) {
		changed = true;
	}
	bc->ebest_port = best;
	if (ds_changed(&before, &bc->ds)) {
		changed = true;
	}
	if (changed) {
		bc->epoch++;
	}
	return changed;
}
