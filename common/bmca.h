/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bmca.h - the best master clock algorithm of IEEE 1588-2019 9.3, as pure
 * functions of plain data sets (no port, no clock object, no I/O).
 *
 *   bmca_compare()         the data set comparison algorithm, 9.3.4
 *                          (Figures 34 and 35: both parts, including
 *                          stepsRemoved and the topology tie-breaks)
 *   bmca_state_decision()  the state decision algorithm, 9.3.3
 *                          (Figure 33: M1 M2 M3 P1 P2 S1), with
 *                          slaveOnly (9.2.2.1) and masterOnly (9.2.2.2)
 *   bmca_apply()           the data set updates of the decision, 9.3.5
 *                          (Tables 30-33)
 *
 * Used by portd --standalone for its one port and by bmcad for every port
 * of the boundary clock; unit-tested with tables.
 */
#ifndef MERIDIAN_BMCA_H
#define MERIDIAN_BMCA_H

#include <stdbool.h>
#include <stdint.h>

#include "ds.h"
#include "msg.h"

/*
 * The data a comparison looks at (9.3.4, Table 27): from an Announce
 * message and the port that received it, or from defaultDS (D0).
 */
struct bmca_ds {
	uint8_t priority1;			/* grandmasterPriority1 */
	struct clock_identity identity;		/* grandmasterIdentity */
	struct clock_quality quality;		/* grandmasterClockQuality */
	uint8_t priority2;			/* grandmasterPriority2 */
	uint16_t steps_removed;
	struct port_identity sender;		/* sourcePortIdentity */
	struct port_identity receiver;		/* portIdentity of the
						 * receiving port */
	/* Announce-carried values that ride along for 9.3.5 updates: */
	int16_t current_utc_offset;
	uint16_t flags;				/* header flagField */
	uint8_t time_source;
};

/* Outcome of bmca_compare(a, b). */
enum bmca_cmp {
	BMCA_B_BETTER_TOPO = -2,	/* B better by topology */
	BMCA_B_BETTER = -1,
	BMCA_EQUAL = 0,			/* error-2 of Figure 35: the same
					 * data set twice */
	BMCA_A_BETTER = 1,
	BMCA_A_BETTER_TOPO = 2,
	BMCA_SELF = 3,			/* error-1 of Figure 35: receiver
					 * equals sender (our own message) */
};

int bmca_compare(const struct bmca_ds *a, const struct bmca_ds *b);

/* D0 of a clock (9.3.4: sender and receiver are the clock itself,
 * port 0, stepsRemoved 0). */
void bmca_ds_from_default(struct bmca_ds *out, const struct default_ds *d);
/* From a decoded Announce received on the port `receiver`. */
void bmca_ds_from_announce(struct bmca_ds *out, const struct ptp_msg *m,
			   const struct port_identity *receiver);

/* Recommended state of a port (Figure 33). */
enum bmca_rec {
	BMCA_REC_NONE = 0,	/* keep the current state (LISTENING with no
				 * Erbest and no Ebest, or not yet run) */
	BMCA_REC_M1,		/* MASTER: D0 is class 1..127 and better */
	BMCA_REC_M2,		/* MASTER: D0 better than Ebest */
	BMCA_REC_M3,		/* MASTER: Ebest elsewhere, not better by
				 * topology than this port's Erbest */
	BMCA_REC_P1,		/* PASSIVE: class 1..127, D0 not better */
	BMCA_REC_P2,		/* PASSIVE: Ebest elsewhere, better by
				 * topology than this port's Erbest */
	BMCA_REC_S1,		/* SLAVE: Ebest is this port's Erbest */
	BMCA_REC_LISTENING,	/* slaveOnly clock where M* would apply */
};

/* Port state a recommendation leads to (MASTER via PRE_MASTER is the
 * port state machine's business). */
enum port_state bmca_rec_state(enum bmca_rec rec);
const char *bmca_rec_str(enum bmca_rec rec);

/*
 * Inputs of the decision for one port. ebest/erbest are NULL when there
 * is none (no qualified foreign master anywhere / on this port).
 * ebest_here: Ebest is this port's Erbest.
 */
struct bmca_port_in {
	const struct bmca_ds *erbest;
	bool master_only;
	enum port_state state;
};

enum bmca_rec bmca_state_decision(const struct default_ds *d0,
				  const struct bmca_ds *ebest,
				  bool ebest_here,
				  const struct bmca_port_in *port);

/*
 * Ebest: the best of the ports' Erbests (9.3.2.3), ignoring NULL entries
 * and masterOnly ports. Returns the index into erbest[], or -1.
 */
int bmca_select_ebest(const struct bmca_ds *const *erbest,
		      const bool *master_only, unsigned n);

/* The clock's data sets as BMCA maintains them. */
struct clock_ds {
	struct default_ds dflt;
	struct current_ds cur;
	struct parent_ds parent;
	struct time_properties_ds tprop;
};

/*
 * 9.3.5: update currentDS, parentDS and timePropertiesDS for a decision.
 * M1/M2 (the clock is grandmaster): Table 30, time properties from
 * local_tprop (the clock's own, from config); S1: Table 33 from Ebest
 * (stepsRemoved + 1, parent = Ebest's sender, time properties from its
 * Announce); M3/P1/P2 and NONE leave them unchanged.
 */
void bmca_apply(struct clock_ds *c, enum bmca_rec rec,
		const struct bmca_ds *ebest,
		const struct time_properties_ds *local_tprop);

#endif
