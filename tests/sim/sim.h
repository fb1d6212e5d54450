/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim.h - the deterministic PTP network simulator (issue 8, first slice).
 *
 * A discrete-event engine in virtual time (int64 ns from 0, no sleeping,
 * no wall clock) running the sans-IO cores the daemons run: the port core
 * (common/port_core), the one-port BMCA as portd --standalone runs it
 * (common/bmca), and the clock-control policy and servo (common/clkctl)
 * steering a simulated PHC (common/sim_model).
 *
 * Every random draw comes from a generator owned by one model (a link
 * direction, a node's timestamper, a node's oscillator), each seeded from
 * the run's seed by splitmix64: the same seed gives the same output, byte
 * for byte, and adding a model does not disturb the others' sequences.
 */
#ifndef MERIDIAN_SIM_H
#define MERIDIAN_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "bmca.h"
#include "clkctl.h"
#include "msg.h"
#include "port_core.h"
#include "sim_model.h"

/* ---- random numbers: xoshiro256**, seeded with splitmix64 ---------------- */

struct sim_rng {
	uint64_t s[4];
};

uint64_t sim_splitmix64(uint64_t *state);
void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
double sim_rng_uniform(struct sim_rng *r);	/* (0, 1] */
double sim_rng_normal(struct sim_rng *r);	/* mean 0, sigma 1 */
double sim_rng_exp(struct sim_rng *r, double mean);

/* ---- the event queue ------------------------------------------------------ */

enum sim_ev_kind {
	SE_TIMER,		/* a port core timer: arg = enum port_timer */
	SE_RX,			/* a packet arrives at node */
	SE_TXTS,		/* the TX stamp of a packet node sent */
	SE_BMCA,		/* periodic BMCA (each announce interval) */
	SE_WANDER,		/* oscillator wander step */
	SE_STAT,		/* time error sample */
	SE_REPORT,		/* the once-a-second line */
};

struct sim_pkt {
	uint16_t len;
	uint8_t msg_type;
	uint16_t seq;
	tmv_t ts;		/* SE_TXTS: egress stamp */
	uint8_t buf[PTP_MSG_MAX];
};

struct sim_ev {
	int64_t t;		/* virtual ns */
	uint64_t order;		/* FIFO among equal times */
	uint8_t kind;
	uint8_t node;
	uint16_t arg;
	uint32_t gen;		/* SE_TIMER: stale if not the node's */
	struct sim_pkt *pkt;	/* SE_RX, SE_TXTS: owned by the event */
};

struct sim_queue {
	struct sim_ev *h;	/* binary min-heap on (t, order) */
	unsigned n, cap;
	uint64_t next_order;
};

void sim_queue_init(struct sim_queue *q);
void sim_queue_fini(struct sim_queue *q);
void sim_queue_push(struct sim_queue *q, const struct sim_ev *ev);
bool sim_queue_pop(struct sim_queue *q, struct sim_ev *ev);

/* ---- models --------------------------------------------------------------- */

/* One direction of a link: constant delay + exponential jitter. */
struct sim_link {
	int64_t delay_ns;
	double jitter_mean_ns;	/* 0 = none */
	struct sim_rng rng;
};

int64_t sim_link_delay(struct sim_link *l);

#define SIM_MAX_NODES	8
#define SIM_PENDING	16

struct sim;

struct sim_node {
	unsigned id;
	const char *name;
	bool steered;			/* slave: clkctl steers the PHC */
	struct clock_ds cds;
	struct time_properties_ds local_tprop;
	struct port_core_cfg pcfg;
	struct port_core *pc;
	uint32_t tgen[PT_COUNT];
	/* the PHC */
	struct sim_model phc;
	struct sim_wander wander;
	int64_t wander_sppb;		/* 0 = no wander */
	/* timestamping */
	struct sim_rng ts_rng;
	double ts_noise_ns;		/* normal sigma */
	/* clock control (steered nodes) */
	struct clkctl cc;
	bool cc_ready;
	uint64_t steps;
	/* what the core asked for, fed back after the current event */
	struct pev pending[SIM_PENDING];
	unsigned n_pending;
	bool bmca_due;
	/* the other end of this node's one port */
	unsigned peer;
	struct sim_link *out;		/* towards the peer */
	uint64_t samples;
	int64_t last_offset_ns;
};

struct sim {
	int64_t now;			/* virtual ns */
	struct sim_queue q;
	unsigned n_nodes;
	struct sim_node node[SIM_MAX_NODES];
	int64_t txts_lat_ns;		/* TX stamp delivered this late */
};

/* Virtual time 0 is this true (TAI) time: far from zero timestamps. */
#define SIM_T0_SEC	1700000000LL

tmv_t sim_true_time(int64_t t);
/* The node's PHC at virtual time t. */
tmv_t sim_phc(const struct sim_node *n, int64_t t);
/* PHC - true time at the current virtual time, rounded ns. */
int64_t sim_te_ns(const struct sim *s, const struct sim_node *n);

void sim_init(struct sim *s);
void sim_fini(struct sim *s);

struct sim_node_cfg {
	const char *name;
	uint8_t priority1;
	uint8_t clock_class;
	bool steered;
	enum servo_kind servo;
	int8_t log_sync;
	int8_t log_delay_req;
	double freq_ppb;		/* initial intrinsic frequency error */
	double wander_ppb;		/* random walk step per wander period */
	int64_t offset_ns;		/* PHC - true time at start */
	double ts_noise_ns;
	uint64_t seed;			/* the node's models */
};

/* Add a node; returns its index, or -1. */
int sim_node_add(struct sim *s, const struct sim_node_cfg *cfg);
/* Connect a's port to b's port with a link in each direction. */
void sim_connect(struct sim *s, unsigned a, unsigned b,
		 struct sim_link *ab, struct sim_link *ba);
/* PEV_START to every node. */
void sim_start(struct sim *s);
void sim_push(struct sim *s, int64_t t, enum sim_ev_kind kind,
	      unsigned node, unsigned arg);
/* Next event: handled, or returned to the caller (SE_STAT, SE_REPORT,
 * SE_WANDER...) in *ev with true. false when the queue is empty or the
 * next event is after until. */
bool sim_step(struct sim *s, int64_t until, struct sim_ev *ev);
/* Apply the wander step of node n now. */
void sim_wander_step(struct sim *s, struct sim_node *n);

#endif
