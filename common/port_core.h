/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port_core.h - one PTP port as a pure state machine (IEEE 1588-2019
 * clause 9.2 and 11), sans-IO.
 *
 *     port_core_handle(pc, event, &actions)
 *
 * Events in: start, a received message with its RX timestamp, the TX
 * timestamp of a message we sent, a timer that fired, a BMCA state
 * decision, link up/down, a fault, the servo's "synchronised" verdict.
 * Actions out: send these bytes, arm/stop a timer, the state changed, a new
 * offset/delay sample, Erbest changed. The caller (portd, the simulator, a
 * unit test) carries the actions out; the core never reads a clock, never
 * touches a socket and keeps no global state, so every rule is unit-tested
 * by feeding events.
 *
 * Time: all timestamps are tmv_t in the port's clock time base (the PHC,
 * or the sim clock, or CLOCK_REALTIME), already converted by the caller.
 * ev->now_ns is a monotonic time in ns used only for windows (the foreign
 * master time window); timers are armed as durations.
 *
 * Lifetime: the bytes of a PACT_SEND action live in the core's own TX
 * slots and stay valid until the next port_core_handle() call on the same
 * core. A PEV_RX buffer is only read during the call.
 */
#ifndef MERIDIAN_PORT_CORE_H
#define MERIDIAN_PORT_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "bmca.h"
#include "ds.h"
#include "msg.h"
#include "ptp_time.h"

enum port_timer {
	PT_ANNOUNCE_TX,		/* master: every 2^logAnnounceInterval */
	PT_ANNOUNCE_RECEIPT,	/* announceReceiptTimeout intervals plus a
				 * random part of up to one interval */
	PT_SYNC_TX,		/* master: every 2^logSyncInterval */
	PT_DELAY_REQ,		/* E2E slave: uniform in
				 * [0, 2^(logMinDelayReqInterval+1)] s */
	PT_PDELAY_REQ,		/* P2P: every 2^logMinPdelayReqInterval */
	PT_QUALIFICATION,	/* PRE_MASTER -> MASTER (9.2.6.11) */
	PT_FAULT_RESET,		/* FAULTY -> INITIALIZING retry */
	PT_COUNT
};

enum pev_type {
	PEV_START,		/* INITIALIZING done: -> LISTENING */
	PEV_RX,			/* a received PTP message */
	PEV_TXTS,		/* TX timestamp of an event message we sent */
	PEV_TIMER,
	PEV_DECISION,		/* STATE_DECISION_EVENT result for this port */
	PEV_LINK_UP,
	PEV_LINK_DOWN,		/* -> FAULTY */
	PEV_FAULT,		/* FAULT_DETECTED (socket error...) */
	PEV_SYNCED,		/* MASTER_CLOCK_SELECTED: servo locked,
				 * UNCALIBRATED -> SLAVE */
	PEV_UNSYNCED,		/* SYNCHRONIZATION_FAULT: SLAVE ->
				 * UNCALIBRATED (servo unlocked, clock
				 * stepped) */
	PEV_DISABLE,		/* DESIGNATED_DISABLED */
	PEV_ENABLE,		/* DESIGNATED_ENABLED */
};

struct pev {
	enum pev_type type;
	int64_t now_ns;			/* monotonic */
	union {
		struct {
			const uint8_t *buf;
			uint16_t len;
			bool has_ts;
			tmv_t ts;		/* ingress, port clock */
			/* Sender's address (IPv4 4 bytes, IPv6 16, MAC
			 * 6) for the acceptable master table; NULL or
			 * 0: unknown (issue 9, hostile). */
			const uint8_t *src;
			uint8_t src_len;
		} rx;
		struct {
			uint8_t msg_type;	/* as given in the send */
			uint16_t seq;
			tmv_t ts;		/* egress, port clock */
		} txts;
		enum port_timer timer;
		struct {			/* PEV_DECISION */
			enum bmca_rec rec;
			/* The clock's data sets after the decision (9.3.5):
			 * the core copies them (Announce contents, management
			 * answers, filters). The clock identity must not
			 * change. */
			struct clock_ds ds;
			/* pathTraceDS.list to announce (16.2), without our
			 * own identity; PATH_TRACE_MAX at most. */
			uint8_t n_path;
			struct clock_identity path[16];
		} decision;
	} u;
};

enum pact_type {
	PACT_SEND,
	PACT_TIMER,		/* arm (ns >= 0) or stop (ns < 0) */
	PACT_STATE,		/* port state changed */
	PACT_SAMPLE,		/* a new offset measurement (slave) */
	PACT_ERBEST,		/* Erbest changed or expired: run BMCA */
	PACT_NEW_MASTER,	/* the slave follows another master now:
				 * reset the servo */
};

struct pact {
	enum pact_type type;
	union {
		struct {
			const uint8_t *buf;	/* see Lifetime above */
			uint16_t len;
			bool event;		/* port 319 / TX-stamped */
			bool pdelay;		/* to the peer-delay group */
			bool want_txts;		/* feed back a PEV_TXTS */
			uint8_t msg_type;
			uint16_t seq;
		} send;
		struct {
			enum port_timer timer;
			int64_t ns;		/* < 0: stop */
		} timer;
		struct {
			enum port_state from, to;
		} state;
		struct {
			tmv_t offset;		/* offsetFromMaster:
						 * local - master */
			tmv_t delay;		/* meanPathDelay (E2E) or
						 * meanLinkDelay (P2P) */
			tmv_t t1;		/* master's origin, corrected */
			tmv_t t2;		/* our ingress */
			double rate_ratio;	/* neighborRateRatio (P2P),
						 * 1.0 otherwise */
		} sample;
	} u;
};

#define PACT_MAX 16

struct pact_list {
	unsigned n;
	struct pact a[PACT_MAX];
};

/* How the path delay measurements are smoothed (cfg.delay_filter). */
enum port_delay_filter {
	PORT_DF_MEDIAN,		/* moving median, linuxptp's default */
	PORT_DF_MEAN,		/* moving mean: consistent with a servo
				 * that averages offsets under one-sided
				 * (exponential) delay jitter */
};

/* The samples an E2E slave port hands the servo (cfg.e2e_sample). */
enum port_e2e_sample {
	PORT_ES_SYNC,		/* at each Sync: t2 - t1 - meanPathDelay,
				 * linuxptp's */
	PORT_ES_BOTH,		/* that, and at each Delay_Resp
				 * t3 - t4 + meanPathDelay: each direction
				 * its own sample (P2P: as sync) */
};

/* ---- hostile traffic (issue 9): acceptable masters (17.6) ---- */
#define PORT_AMT_MAX		16
#define PORT_AMT_ADDR_MAX	16

/* One acceptableMasterTable entry: a clockIdentity, or an address (the
 * standard's PortAddress: IPv4, IPv6 or a MAC). */
struct port_amt_entry {
	bool by_addr;
	uint8_t addr_len;		/* by_addr: 4, 16 or 6 */
	uint8_t addr[PORT_AMT_ADDR_MAX];
	struct clock_identity id;	/* !by_addr */
};

/* Management answers a port sends, at most (token buckets: this many a
 * second, bursts of as many): in all, and to one requester (by its
 * network address, or its sourcePortIdentity where the address is not
 * given), so one host's flood of requests leaves the others their
 * answers; beyond, requests are dropped and counted (mgmt_limited). */
#define PORT_MGMT_ANSWERS_PER_S		100
#define PORT_MGMT_ANSWERS_PER_SRC	20

/* cfg.delay_filter_len: 0 = PORT_DF_LEN_DEFAULT, at most PORT_DF_LEN_MAX */
#define PORT_DF_LEN_DEFAULT	8
#define PORT_DF_LEN_MAX		256

/* Static configuration of a port (from config and the interface). */
struct port_core_cfg {
	uint16_t port_number;		/* 1.. */
	struct port_ds ds;		/* intervals, delay mechanism, version,
					 * asymmetry, masterOnly (port_ds_init
					 * gives the standard's defaults) */
	int64_t ingress_latency_ns;	/* subtracted from RX timestamps */
	int64_t egress_latency_ns;	/* added to TX timestamps */
	bool auto_delay;		/* E2E until a Pdelay_Req is seen */
	uint8_t delay_filter;		/* enum port_delay_filter */
	uint16_t delay_filter_len;	/* window, delays; 0 = default */
	uint8_t e2e_sample;		/* enum port_e2e_sample */
	bool path_trace;		/* send and check PATH_TRACE */
	uint8_t log_fault_reset;	/* FAULTY retry after 2^N s */
	uint64_t seed;			/* PRNG for the randomised timers */
	/* For CLOCK_DESCRIPTION: */
	uint16_t network_protocol;	/* 1 UDP/IPv4, 2 UDP/IPv6, 3 802.3 */
	uint8_t phys_addr[6];
	uint8_t proto_addr[16];
	uint8_t proto_addr_len;
	const char *product;		/* "Meridian;portd;VERSION" style */
	/* Authentication (16.14, auth.h; issue 9 auth): with a policy,
	 * every message sent carries the AUTHENTICATION TLV of auth_sa's
	 * key auth_key_id, last, and every message received is verified
	 * before anything else reads it. auth_mac computes the ICVs (the
	 * core calls no crypto library). port_core_create() fails
	 * (EINVAL) when the key is not in auth_sa or auth_mac is NULL. */
	uint8_t auth_policy;		/* enum auth_policy */
	uint32_t auth_key_id;
	struct auth_sa auth_sa;
	auth_mac_fn auth_mac;
	/* Hostile traffic (issue 9): */
	bool amt_enabled;		/* acceptableMasterTableEnabled:
					 * Announces of senders not in amt[]
					 * are dropped */
	uint8_t n_amt;
	struct port_amt_entry amt[PORT_AMT_MAX];
	bool master_lock;		/* drop Announces better than this
					 * clock's defaultDS (D0) */
	bool mgmt_set_allow;		/* SET and COMMAND from the network;
					 * false: refused (NOT_SUPPORTED) */
};

/* Counters a port keeps (published on telemetry, printed by portd). */
struct port_counters {
	uint64_t rx[16];		/* by messageType */
	uint64_t tx[16];
	uint64_t rx_err[PTP_E_COUNT];	/* rejected by the decoder, by reason */
	uint64_t rx_foreign_domain;	/* other domain or sdoId */
	uint64_t rx_own;		/* our own messages looped back */
	uint64_t rx_unexpected;		/* valid but not for this state */
	uint64_t rx_no_ts;		/* event message without timestamp */
	uint64_t path_trace_loop;	/* Announce with our identity in it */
	uint64_t followup_mismatch;	/* Follow_Up without its Sync */
	uint64_t delay_resp_mismatch;
	uint64_t delay_rejected;	/* negative or absurd path delay */
	uint64_t txts_missing;		/* a send whose TX stamp never came */
	uint64_t mgmt_answered;
	uint64_t mgmt_errors;		/* answered with an error status */
	uint64_t announce_timeouts;
	/* Added with port_core.c: */
	uint64_t followup_lost;		/* two-step Sync whose Follow_Up
					 * never came */
	uint64_t delay_resp_lost;	/* Delay_Req never answered */
	uint64_t pdelay_resp_lost;	/* Pdelay_Req never answered */
	uint64_t pdelay_mismatch;	/* Pdelay_Resp(_Follow_Up) for our
					 * port but not our request */
	uint64_t pdelay_multi_resp;	/* several responders to one
					 * Pdelay_Req: exchange ignored */
	uint64_t tx_pack_err;		/* a message we could not encode */
	/* Foreign master table full (port_fmt.c): */
	uint64_t fmt_full;		/* Announce of a new sender not
					 * stored: no entry it may replace */
	uint64_t fmt_evicted;		/* entry dropped for a new sender */
	/* Authentication (auth.h): dropped by security processing, by
	 * reason, and unsigned messages let through by policy optional. */
	uint64_t auth_drop[AUTH_E_COUNT];
	uint64_t auth_unsigned;
	/* Hostile traffic (issue 9): */
	uint64_t rx_not_acceptable;	/* Announce of a sender not in the
					 * acceptable master table */
	uint64_t rx_master_lock;	/* Announce better than D0 dropped
					 * by cfg.master_lock */
	uint64_t mgmt_refused;		/* SET, COMMAND refused: policy */
	uint64_t mgmt_limited;		/* request dropped: answer budget
					 * (PORT_MGMT_ANSWERS_PER_S, or
					 * _PER_SRC of its sender) spent */
};

#define FOREIGN_MASTER_MAX		8
#define FOREIGN_MASTER_THRESHOLD	2	/* announces, 9.3.2.4.4 */
#define FOREIGN_MASTER_TIME_WINDOW	4	/* announce intervals */
#define PATH_TRACE_MAX			16

struct port_core;

/* clk: the clock's data sets at start (Announce contents, management
 * answers), copied; each PEV_DECISION brings the current ones. */
struct port_core *port_core_create(const struct port_core_cfg *cfg,
				   const struct clock_ds *clk);
void port_core_destroy(struct port_core *pc);

void port_core_handle(struct port_core *pc, const struct pev *ev,
		      struct pact_list *out);

enum port_state port_core_state(const struct port_core *pc);
const struct port_ds *port_core_ds(const struct port_core *pc);
/* Best qualified foreign master of this port, NULL if none. */
const struct bmca_ds *port_core_erbest(const struct port_core *pc);
/* PATH_TRACE list of Erbest's Announce (0 entries if none). */
unsigned port_core_erbest_path(const struct port_core *pc,
			       struct clock_identity *out, unsigned max);
const struct port_counters *port_core_counters(const struct port_core *pc);
/*
 * pathTraceDS.list (16.2) without our own identity: the path of the
 * Announce of the master this clock follows (a boundary clock's slave
 * port's port_core_erbest_path()). Announces sent with cfg.path_trace
 * carry this list plus our clockIdentity. Empty by default (as a
 * grandmaster or an ordinary clock). At most PATH_TRACE_MAX are kept.
 */
void port_core_set_path_trace(struct port_core *pc,
			      const struct clock_identity *ids, unsigned n);
/* The master the port follows (UNCALIBRATED, SLAVE), else NULL. */
const struct port_identity *port_core_parent(const struct port_core *pc);
/* neighborRateRatio of the P2P link (1.0 until measured or in E2E). */
double port_core_rate_ratio(const struct port_core *pc);
/* Current mean path delay (E2E) or link delay (P2P), zero if unknown. */
tmv_t port_core_delay(const struct port_core *pc);

const char *port_timer_str(enum port_timer t);
const char *pev_type_str(enum pev_type t);

#endif
