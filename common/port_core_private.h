/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port_core_private.h - the inside of struct port_core, shared by its
 * modules:
 *
 *   port_core.c   state machine, timers, RX dispatch, TX helpers
 *   port_master.c Announce, Sync and Follow_Up of a master
 *   port_fmt.c    Announce reception, foreign master table and Erbest
 *                 (9.3.2.4, 9.3.2.5)
 *   port_delay.c  Sync/Follow_Up matching, offset, E2E and P2P delay
 *                 (11.2 - 11.4, 11.6), Delay_Resp and Pdelay responder
 *   port_mgmt.c   management GET answers (15)
 *
 * Nothing here is for callers: they use port_core.h only.
 */
#ifndef MERIDIAN_PORT_CORE_PRIVATE_H
#define MERIDIAN_PORT_CORE_PRIVATE_H

#include <assert.h>

#include "port_core.h"
#include "srclimit.h"

/* Sends one handle() call can make (each has its own TX slot). */
#define PORT_TX_SLOTS		4
/* (t3, t4) pairs kept for neighborRateRatio: r over the last N-1 gaps. */
#define PORT_NRATE_LEN		8
/* Largest path/link delay taken as real: 1 s in scaled ns. */
#define PORT_DELAY_MAX_SNS	SNS_PER_SEC
/* neighborRateRatio outside 1 +- 1e-3 is taken as a measurement error. */
#define PORT_NRATE_MAX_DEV	1e-3
/* First Announce and Sync after entering MASTER: 1 ms, like linuxptp's
 * 2^-10 s (a zero duration could mean "disarm" to a timerfd shell). */
#define PORT_FIRST_TX_NS	1000000LL

struct fm_entry {
	bool used;
	struct port_identity sender;
	struct bmca_ds ds;		/* from its latest Announce */
	int8_t log_interval;		/* its logMessageInterval or ours */
	uint16_t last_seq;
	/* Monotonic arrival times (ns) of its latest Announces, newest at
	 * [0]; n_ts of them valid. */
	int64_t ts[FOREIGN_MASTER_THRESHOLD];
	unsigned n_ts;
	struct clock_identity path[PATH_TRACE_MAX];
	unsigned path_len;
};

/* One received Sync or Follow_Up waiting for its partner. */
struct sync_half {
	bool valid;
	uint16_t seq;
	tmv_t ts;			/* Sync: t2 (ingress latency removed);
					 * Follow_Up: preciseOriginTimestamp */
	tmv_t corr;			/* its correctionField */
};

/* Path delay window (port_delay.c): cfg.delay_filter over the last
 * cfg.delay_filter_len delays. */
struct delay_filter {
	tmv_t v[PORT_DF_LEN_MAX];
	unsigned n;			/* valid entries */
	unsigned next;			/* ring write index */
};

struct port_core {
	struct port_core_cfg cfg;	/* cfg.product points at product */
	char product[128];
	struct clock_ds clk;		/* the clock's data sets, as the last
					 * decision carried them */
	struct port_ds ds;		/* portState, meanLinkDelay here */
	struct port_counters cnt;
	uint64_t rng;			/* splitmix64 state */
	uint32_t armed;			/* bit per enum port_timer */

	/* Outputs of the current handle() call. */
	struct pact_list *out;
	unsigned tx_used;
	uint8_t tx[PORT_TX_SLOTS][PTP_MSG_MAX];

	/* Foreign master table and Erbest. */
	struct fm_entry fm[FOREIGN_MASTER_MAX];
	bool has_erbest;
	struct bmca_ds erbest;
	struct clock_identity erbest_path[PATH_TRACE_MAX];
	unsigned erbest_path_len;
	/* pathTraceDS.list without our own identity (16.2). */
	struct clock_identity path[PATH_TRACE_MAX];
	unsigned path_len;

	/* The master we follow in UNCALIBRATED/SLAVE. */
	bool has_parent;
	struct port_identity parent;

	/* sequenceIds of what we send, per type. */
	uint16_t seq_announce, seq_sync, seq_delay_req, seq_pdelay_req;
	uint16_t seq_signaling;

	/* Master: the Sync whose TX stamp we wait for. */
	bool sync_txts_pending;
	uint16_t sync_txts_seq;

	/* Slave: Sync/Follow_Up matching and the last complete pair. */
	struct sync_half sync, fup;
	bool have_pair;
	tmv_t pair_t1;			/* origin + Sync + Follow_Up corr */
	tmv_t pair_t2;			/* ingress - ingress latency */

	/* E2E requester. */
	int8_t dreq_log;		/* logMinDelayReqInterval in use */
	bool dreq_pending;		/* sent, response not yet used */
	uint16_t dreq_seq;
	bool dreq_t3_valid;
	tmv_t dreq_t3;
	bool dresp_valid;		/* response held until t3 is known */
	tmv_t dresp_t4c;		/* receiveTimestamp - its corr */
	struct delay_filter e2e_filter;
	bool has_delay;
	tmv_t delay;			/* meanPathDelay, filtered */

	/* P2P requester. */
	bool preq_pending;		/* sent, not yet completed */
	bool preq_done;			/* completed (delay computed) */
	uint16_t preq_seq;
	bool preq_t1_valid;
	tmv_t preq_t1;
	bool presp_valid;
	bool presp_bad;			/* several responders: ignore */
	bool presp_one_step;
	struct port_identity presp_src;
	tmv_t presp_t2;			/* requestReceiptTimestamp */
	tmv_t presp_t4;			/* ingress - ingress latency */
	tmv_t presp_corr;
	bool pfup_valid;
	struct port_identity pfup_src;
	tmv_t pfup_t3;			/* responseOriginTimestamp */
	tmv_t pfup_corr;
	tmv_t nr_t3[PORT_NRATE_LEN];	/* corrected t3 history */
	tmv_t nr_t4[PORT_NRATE_LEN];
	unsigned nr_n, nr_next;
	double nrate;			/* neighborRateRatio */
	struct delay_filter p2p_filter;
	bool has_link_delay;
	tmv_t link_delay;		/* meanLinkDelay, filtered */

	/* Management answer budget (issue 9): per requester and in all. */
	int64_t now_ns;			/* of the event being handled */
	const uint8_t *rx_src;		/* PEV_RX's sender address, during
					 * the call only */
	uint8_t rx_src_len;
	struct srclim mgmt_lim;		/* answers per requester, in all */

	/* P2P responder: the Pdelay_Resp whose TX stamp we wait for. */
	bool presp_txts_pending;
	uint16_t presp_txts_seq;
	struct port_identity presp_txts_req;	/* requester */
	tmv_t presp_txts_corr;			/* Pdelay_Req's corr */

	/* Authentication (auth.h): the key we sign with (in cfg.auth_sa),
	 * the parent's sequenceIds, a copy for allow_mutable. */
	const struct auth_key *auth_key;
	struct auth_replay auth_replay;
	uint8_t auth_scratch[PTP_MSG_MAX];
};

/* port_core.c */
void pc_emit(struct port_core *pc, const struct pact *a);
void pc_timer_arm(struct port_core *pc, enum port_timer t, int64_t ns);
void pc_timer_stop(struct port_core *pc, enum port_timer t);
int64_t pc_log_ns(int log2_s);
/* The duration to arm timer t with now (random ones draw anew). */
int64_t pc_timer_ns(struct port_core *pc, enum port_timer t);
uint64_t pc_rand(struct port_core *pc);
void pc_hdr_init(struct port_core *pc, struct ptp_header *h, int type,
		 uint16_t seq, int8_t log_interval);
/* Pack m into a TX slot and emit PACT_SEND; returns 0 or -PTP_E_*. */
int pc_send(struct port_core *pc, struct ptp_msg *m, bool pdelay,
	    bool want_txts);
bool pc_is_own_port(const struct port_core *pc,
		    const struct port_identity *pid);
bool pc_state_is_slave(const struct port_core *pc);
bool pc_p2p(const struct port_core *pc);
/* Split t into a wire Timestamp and its sub-ns remainder (0..65535,
 * scaled ns), so that t == ts + frac exactly. */
struct ptp_timestamp pc_ts_split(tmv_t t, int64_t *frac_sns);

/* port_master.c */
void master_send_announce(struct port_core *pc);
void master_send_sync(struct port_core *pc);
/* The TX stamp ts of Sync seq came: send its Follow_Up. */
void master_send_follow_up(struct port_core *pc, uint16_t seq, tmv_t ts);

/* port_fmt.c */
void fmt_clear(struct port_core *pc);
/* An Announce in an active state that passed the domain checks: the
 * own-clock, stepsRemoved and PATH_TRACE filters, the table, and the
 * announce receipt timeout. */
void fmt_rx_announce(struct port_core *pc, const struct ptp_msg *m,
		     int64_t now_ns);
/* Recompute Erbest at now_ns (expiry); emits PACT_ERBEST on a change. */
void fmt_update(struct port_core *pc, int64_t now_ns);
/* Drop the entry of sender (announce receipt timeout of Erbest). */
void fmt_forget(struct port_core *pc, const struct port_identity *sender);
bool fmt_is_qualified(const struct port_core *pc,
		      const struct port_identity *sender, int64_t now_ns);

/* port_delay.c */
void delay_reset_slave(struct port_core *pc);
void delay_reset_p2p(struct port_core *pc);
void delay_rx_sync(struct port_core *pc, const struct ptp_msg *m, tmv_t ts);
void delay_rx_follow_up(struct port_core *pc, const struct ptp_msg *m);
void delay_rx_delay_req(struct port_core *pc, const struct ptp_msg *m,
			tmv_t ts);
void delay_rx_delay_resp(struct port_core *pc, const struct ptp_msg *m);
void delay_rx_pdelay_req(struct port_core *pc, const struct ptp_msg *m,
			 tmv_t ts);
void delay_rx_pdelay_resp(struct port_core *pc, const struct ptp_msg *m,
			  tmv_t ts);
void delay_rx_pdelay_fup(struct port_core *pc, const struct ptp_msg *m);
void delay_send_delay_req(struct port_core *pc);
void delay_send_pdelay_req(struct port_core *pc);
void delay_txts(struct port_core *pc, uint8_t type, uint16_t seq, tmv_t ts);

/* port_mgmt.c */
void mgmt_rx(struct port_core *pc, const struct ptp_msg *m);

#endif
