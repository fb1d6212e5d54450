/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim.h - the deterministic PTP network simulator (issue 8).
 *
 * A discrete-event engine in virtual time (int64 ns from 0, no sleeping,
 * no wall clock) running the sans-IO cores the daemons run: the port core
 * (common/port_core) on every port; the one-port BMCA as portd
 * --standalone runs it (common/bmca) on a grandmaster or an ordinary
 * clock; the whole-clock BMCA as bmcad runs it (common/bmca_clock) on a
 * boundary clock; the clock-control policy and servo (common/clkctl)
 * steering the slave port's simulated PHC (common/sim_model), as portd
 * --standalone or clockd do, and clockd's follower policy
 * (common/clkfollow) on every other PHC of a boundary clock.
 *
 * Every random draw comes from a generator owned by one model (a link
 * direction, a node's timestamper, a node's oscillator, a node's
 * cross-PHC comparisons), each seeded from the run's seed by splitmix64:
 * the same seed gives the same output, byte for byte, and adding a model
 * does not disturb the others' sequences.
 */
#ifndef MERIDIAN_SIM_H
#define MERIDIAN_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "bmca.h"
#include "bmca_clock.h"
#include "clkctl.h"
#include "clkfollow.h"
#include "clkref.h"
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
	SE_FOLLOW,		/* clockd's periodic(): tick, followers */
	SE_SCEN,		/* scheduled scenario event: arg = index */
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
	uint8_t port;
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

enum sim_jitter { SIM_JIT_NONE, SIM_JIT_EXP, SIM_JIT_NORMAL };

/* One direction of a link: constant delay + jitter, loss. */
struct sim_dir {
	int64_t delay_ns;
	enum sim_jitter jitter;
	double jitter_ns;	/* exp: mean; normal: sigma (clipped at 0) */
	double loss;		/* probability a packet is lost */
	struct sim_rng rng;
};

int64_t sim_dir_delay(struct sim_dir *d);

enum sim_ts_kind { SIM_TS_IDEAL, SIM_TS_HW, SIM_TS_SW };

/* A node's timestamper: quantisation, normal noise, late stamps. */
struct sim_ts {
	enum sim_ts_kind kind;
	double quant_ns;	/* 0 = none */
	double noise_ns;	/* normal sigma */
	double late_p;		/* probability of a late stamp */
	double late_ns;		/* its exponential mean */
	struct sim_rng rng;
};

#define SIM_MAX_NODES	16
#define SIM_MAX_PORTS	4
#define SIM_MAX_LINKS	32
#define SIM_MAX_SEV	64
#define SIM_PENDING	16
#define SIM_NAME_MAX	24

enum sim_kind { SIM_GM, SIM_OC, SIM_BC };

const char *sim_kind_str(enum sim_kind k);

struct sim_link {
	unsigned a, ap, b, bp;		/* node, port of each end */
	struct sim_dir ab, ba;
	bool up;
};

/* A simulated PHC: oscillator, wander (a BC's PHCs are steered by its
 * clkref: the reference, or followers). */
struct sim_phc {
	struct sim_model m;
	struct sim_wander w;
	int64_t wander_sppb;		/* 0 = no wander */
	double freq_ppb;		/* adjustment applied */
};

struct sim_port {
	struct port_core_cfg cfg;
	struct port_core *pc;
	uint32_t tgen[PT_COUNT];
	struct pev pending[SIM_PENDING];
	unsigned n_pending;
	int link;			/* index, -1 = unconnected */
	bool link_up;
	unsigned phc;			/* the PHC stamping this port */
	bool dec_s1;			/* bmca_clock's last decision: S1 */
};

struct sim_node {
	unsigned id;
	char name[SIM_NAME_MAX];
	enum sim_kind kind;
	int hops;			/* from the nearest GM, -1 = none */
	bool dead;
	struct clock_ds cds;
	struct time_properties_ds local_tprop;
	unsigned n_ports;
	struct sim_port port[SIM_MAX_PORTS];
	unsigned n_phc;
	struct sim_phc phc[SIM_MAX_PORTS];
	bool bmca_due;
	struct bmca_clock *bmc;		/* BC: bmcad */
	/* clock control: OC portd --standalone's clkctl; BC clockd's
	 * clkref (slave port cr.slave, reference PHC cr.ref, servo cr.cc,
	 * followers cr.fl[]) */
	struct clkctl cc;
	bool cc_ready;
	struct clkref cr;
	bool cr_ready;
	/* clockd's last published status, as portd and bmcad hear it */
	int pub_state;
	int pub_slave;
	uint8_t pub_class;
	uint64_t pub_steps;
	int64_t next_pub_ns;
	int64_t follow_ns;		/* clockd's follow period */
	double xnoise_ns;		/* cross-PHC comparison noise sigma */
	struct sim_rng x_rng;
	struct sim_ts ts;
	uint64_t steps;
	uint64_t samples;
	int64_t last_offset_ns;
	int64_t first_slave_change_ns;	/* after start, -1 = none */
	unsigned slave_changes;
	/* failover, after the first kill: bmcad drops the slave port (its
	 * master's announces timed out: the loss is detectable), the next
	 * slave port's S1 and its SLAVE state; -1 = not yet */
	int64_t lost_ns;
	int lost_port;
	int64_t new_s1_ns;
	int64_t new_slave_ns;
	int new_port;
	/* holdover: the clockClass steps after the first kill (-1: none) */
	int64_t ho_in_ns, ho_out_ns;
	uint8_t ho_in_class, ho_out_class;
	double wander_ppb;		/* W, ppb/sqrt(s) */
	double holdover_spec_s;
	uint8_t last_class;
};

/* Scheduled scenario events. */
enum sim_sev_kind { SEV_KILL, SEV_LINK_DOWN, SEV_LINK_UP, SEV_FREQ_STEP };

struct sim_sev {
	int64_t t;
	enum sim_sev_kind kind;
	unsigned node;
	unsigned link;
	double ppb;
	char text[80];
};

struct sim {
	int64_t now;			/* virtual ns */
	struct sim_queue q;
	unsigned n_nodes;
	struct sim_node node[SIM_MAX_NODES];
	unsigned n_links;
	struct sim_link link[SIM_MAX_LINKS];
	unsigned n_sev;
	struct sim_sev sev[SIM_MAX_SEV];
	int64_t txts_lat_ns;		/* TX stamp delivered this late */
	int64_t all_gm_dead_ns;		/* -1 while a GM lives */
	int64_t first_kill_ns;		/* the first node killed, -1 */
	/* notable changes (clockClass, slave port), for the trace */
	void (*note)(struct sim *s, const char *line);	/* or NULL */
	void *note_ctx;
};

/* Virtual time 0 is this true (TAI) time: far from zero timestamps. */
#define SIM_T0_SEC	1700000000LL

tmv_t sim_true_time(int64_t t);
/* PHC p of node n at virtual time t. */
tmv_t sim_phc(const struct sim_node *n, unsigned p, int64_t t);
/* PHC p - true time at the current virtual time, rounded ns. */
int64_t sim_te_ns(const struct sim *s, const struct sim_node *n, unsigned p);
/* The node's main PHC: its reference (BC), else 0. */
unsigned sim_main_phc(const struct sim_node *n);

void sim_init(struct sim *s);
void sim_fini(struct sim *s);

struct sim_node_cfg {
	const char *name;
	enum sim_kind kind;
	unsigned n_ports;
	uint8_t priority1, priority2;
	uint8_t clock_class;
	enum servo_kind servo;
	int8_t log_sync;
	int8_t log_delay_req;
	int8_t log_announce;
	bool p2p;
	double freq_ppb;		/* initial intrinsic frequency error */
	double phc_spread_ppb;		/* BC: PHC k at freq + k * spread */
	double wander_ppb;		/* random walk step per wander period */
	int64_t offset_ns;		/* PHC - true time at start */
	enum sim_ts_kind ts;
	double ts_quant_ns, ts_noise_ns, ts_late_p, ts_late_ns;
	double xnoise_ns;		/* BC cross-PHC noise sigma */
	bool master_only;		/* every port portDS.masterOnly */
	double holdover_spec_s;		/* clockd --holdover-spec, s */
	uint64_t seed;			/* the node's models */
	uint8_t delay_filter;		/* port_core_cfg's, every port */
	uint16_t delay_filter_len;
	uint8_t e2e_sample;		/* port_core_cfg's, every port */
};

/* Fill cfg with the defaults of a kind. */
void sim_node_cfg_default(struct sim_node_cfg *cfg, enum sim_kind kind);
/* Add a node; returns its index, or -1. */
int sim_node_add(struct sim *s, const struct sim_node_cfg *cfg);
/* Connect port ap of a to port bp of b; returns the link index or -1.
 * The directions' rngs must be seeded by the caller. corr_ns: the
 * delayAsymmetry the ports are configured with (b gets +corr/2, a
 * -corr/2: a->b longer by corr). */
int sim_link_add(struct sim *s, unsigned a, unsigned ap, unsigned b,
		 unsigned bp, const struct sim_dir *ab,
		 const struct sim_dir *ba, int64_t corr_ns);
/* Schedule a scenario event; -1 if full. */
int sim_sev_add(struct sim *s, const struct sim_sev *ev);
/* Hops from the nearest GM over the links (breadth first). */
void sim_hops(struct sim *s);
/* PEV_START to every port, the periodic events. */
void sim_start(struct sim *s);
void sim_push(struct sim *s, int64_t t, enum sim_ev_kind kind,
	      unsigned node, unsigned arg);
/* Next event: handled, or returned to the caller (SE_STAT, SE_REPORT,
 * SE_WANDER) in *ev with true. false when the queue is empty or the
 * next event is after until. */
bool sim_step(struct sim *s, int64_t until, struct sim_ev *ev);
/* Apply the wander step of every PHC of node n now. */
void sim_wander_step(struct sim *s, struct sim_node *n);
/* clockClass the node announces (defaultDS). */
uint8_t sim_clock_class(const struct sim_node *n);
/* State strings for the trace. */
const char *sim_port_state(const struct sim_node *n);
const char *sim_servo_state(const struct sim *s, const struct sim_node *n,
			    unsigned p);

#endif
