/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port_core.c - the port state machine of IEEE 1588-2019 9.2.5 (the same
 * transitions as linuxptp's ptp_fsm), its timers and the RX/TX-stamp
 * dispatch. Pure: see port_core.h.
 *
 * Timers are one-shot from the caller's view: every PACT_TIMER arm replaces
 * the previous arming of that timer, and the core re-arms a periodic timer
 * each time it fires. A PEV_TIMER for a timer that is not armed (a late
 * delivery after a stop) is ignored.
 *
 * Not supported: one-step Sync transmission (a master always sends two-step
 * Syncs with a Follow_Up, whatever defaultDS.twoStepFlag says; one-step
 * Syncs and one-step Pdelay responders are understood when received),
 * unicast negotiation, signaling, alternate masters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port_core_private.h"

/* ---- small helpers shared by the modules ---- */

void pc_emit(struct port_core *pc, const struct pact *a)
{
	struct pact_list *out = pc->out;

	/* PACT_MAX is sized for the worst event (see the tests). */
	assert(out && out->n < PACT_MAX);
	if (out->n >= PACT_MAX) {
		return;		/* NDEBUG build: drop rather than overrun */
	}
	out->a[out->n++] = *a;
}

void pc_timer_arm(struct port_core *pc, enum port_timer t, int64_t ns)
{
	struct pact a = { .type = PACT_TIMER };

	if (ns < 0) {
		ns = 0;
	}
	a.u.timer.timer = t;
	a.u.timer.ns = ns;
	pc->armed |= 1u << t;
	pc_emit(pc, &a);
}

void pc_timer_stop(struct port_core *pc, enum port_timer t)
{
	struct pact a = { .type = PACT_TIMER };

	if (!(pc->armed & (1u << t))) {
		return;
	}
	a.u.timer.timer = t;
	a.u.timer.ns = -1;
	pc->armed &= ~(1u << t);
	pc_emit(pc, &a);
}

/* 2^log2_s seconds in ns, for log2_s clamped to [-30, 32]. */
int64_t pc_log_ns(int log2_s)
{
	if (log2_s < -30) {
		log2_s = -30;
	}
	if (log2_s > 32) {
		log2_s = 32;
	}
	if (log2_s >= 0) {
		return NS_PER_SEC << log2_s;
	}
	return NS_PER_SEC >> -log2_s;
}

/* splitmix64 (Steele, Lea, Flood 2014): deterministic from cfg.seed. */
uint64_t pc_rand(struct port_core *pc)
{
	uint64_t z = (pc->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct ptp_timestamp pc_ts_split(tmv_t t, int64_t *frac_sns)
{
	/* sns is normalised to [0, SNS_PER_SEC): its low 16 bits are the
	 * sub-ns part and tmv_to_ts() drops exactly them. */
	*frac_sns = t.sns & ((1 << SNS_SHIFT) - 1);
	return tmv_to_ts(t);
}

bool pc_is_own_port(const struct port_core *pc,
		    const struct port_identity *pid)
{
	return port_identity_cmp(pid, &pc->ds.portIdentity) == 0;
}

static bool state_is_slave(int s)
{
	return s == PS_UNCALIBRATED || s == PS_SLAVE;
}

bool pc_state_is_slave(const struct port_core *pc)
{
	return state_is_slave(pc->ds.portState);
}

bool pc_p2p(const struct port_core *pc)
{
	return pc->ds.delayMechanism == DM_P2P;
}

/* INITIALIZING, FAULTY and DISABLED take no part in the protocol. */
static bool state_is_active(int s)
{
	return s != PS_INITIALIZING && s != PS_FAULTY && s != PS_DISABLED;
}

void pc_hdr_init(struct port_core *pc, struct ptp_header *h, int type,
		 uint16_t seq, int8_t log_interval)
{
	ptp_header_init(h, type);
	h->majorSdoId = (pc->clk.dflt.sdoId >> 8) & 0xF;
	h->minorSdoId = pc->clk.dflt.sdoId & 0xFF;
	h->minorVersionPTP = pc->ds.minorVersionNumber & 0xF;
	h->domainNumber = pc->clk.dflt.domainNumber;
	h->sourcePortIdentity = pc->ds.portIdentity;
	h->sequenceId = seq;
	h->logMessageInterval = log_interval;
}

int pc_send(struct port_core *pc, struct ptp_msg *m, bool pdelay,
	    bool want_txts)
{
	struct pact a = { .type = PACT_SEND };
	uint8_t *buf;
	int len;

	assert(pc->tx_used < PORT_TX_SLOTS);
	if (pc->tx_used >= PORT_TX_SLOTS) {
		return -PTP_E_NOSPACE;
	}
	buf = pc->tx[pc->tx_used];
	len = ptp_msg_pack(m, buf, PTP_MSG_MAX);
	/* auth: the AUTHENTICATION TLV, last (16.14.3) */
	if (len >= 0 && pc->cfg.auth_policy != AUTH_POLICY_OFF) {
		len = auth_sign(&pc->cfg.auth_sa, pc->auth_key,
				pc->cfg.auth_mac, buf, (size_t)len,
				PTP_MSG_MAX);
	}
	if (len < 0) {
		pc->cnt.tx_pack_err++;
		return len;
	}
	pc->tx_used++;
	pc->cnt.tx[m->hdr.messageType & 0xF]++;
	a.u.send.buf = buf;
	a.u.send.len = (uint16_t)len;
	a.u.send.event = PTP_MSG_IS_EVENT(m->hdr.messageType);
	a.u.send.pdelay = pdelay;
	a.u.send.want_txts = want_txts;
	a.u.send.msg_type = m->hdr.messageType;
	a.u.send.seq = m->hdr.sequenceId;
	pc_emit(pc, &a);
	return 0;
}

/* ---- timers ---- */

/* announceReceiptTimeout intervals plus uniform [0, one interval): the
 * random part keeps ports that start together from timing out together
 * (linuxptp adds the same). */
static int64_t announce_receipt_ns(struct port_core *pc)
{
	int64_t ivl = pc_log_ns(pc->ds.logAnnounceInterval);

	return (int64_t)pc->ds.announceReceiptTimeout * ivl +
	       (int64_t)(pc_rand(pc) % (uint64_t)ivl);
}

/* Uniform in [0, 2^(logMinDelayReqInterval + 1)] s (9.5.11.2). */
static int64_t delay_req_ns(struct port_core *pc)
{
	uint64_t span = 2 * (uint64_t)pc_log_ns(pc->dreq_log);

	return (int64_t)(pc_rand(pc) % (span + 1));
}

int64_t pc_timer_ns(struct port_core *pc, enum port_timer t)
{
	switch (t) {
	case PT_ANNOUNCE_TX:
		return pc_log_ns(pc->ds.logAnnounceInterval);
	case PT_ANNOUNCE_RECEIPT:
		return announce_receipt_ns(pc);
	case PT_SYNC_TX:
		return pc_log_ns(pc->ds.logSyncInterval);
	case PT_DELAY_REQ:
		return delay_req_ns(pc);
	case PT_PDELAY_REQ:
		return pc_log_ns(pc->ds.logMinPdelayReqInterval);
	case PT_QUALIFICATION:
		/* (stepsRemoved + 1) announce intervals (9.2.6.11). */
		return ((int64_t)pc->clk.cur.stepsRemoved + 1) *
		       pc_log_ns(pc->ds.logAnnounceInterval);
	case PT_FAULT_RESET:
		return pc_log_ns(pc->cfg.log_fault_reset);
	case PT_COUNT:
		break;
	}
	return 0;
}

#define TB(t)	(1u << (t))

/* Timers that run in a state. */
static uint32_t state_timers(const struct port_core *pc, int s)
{
	uint32_t pd = pc_p2p(pc) ? TB(PT_PDELAY_REQ) : 0;

	switch (s) {
	case PS_FAULTY:
		return TB(PT_FAULT_RESET);
	case PS_LISTENING:
	case PS_PASSIVE:
		return TB(PT_ANNOUNCE_RECEIPT) | pd;
	case PS_PRE_MASTER:
		return TB(PT_QUALIFICATION) | pd;
	case PS_MASTER:
		return TB(PT_ANNOUNCE_TX) | TB(PT_SYNC_TX) | pd;
	case PS_UNCALIBRATED:
	case PS_SLAVE:
		return TB(PT_ANNOUNCE_RECEIPT) |
		       (pc_p2p(pc) ? pd : TB(PT_DELAY_REQ));
	default:
		return 0;
	}
}

/* Stop what the state does not run, arm what it runs and is not armed
 * (first_ns for the first Announce/Sync/Pdelay_Req, the timer's own
 * duration otherwise), re-arm those in `fresh`. */
static void timers_for_state(struct port_core *pc, uint32_t fresh)
{
	uint32_t want = state_timers(pc, pc->ds.portState);
	unsigned t;

	for (t = 0; t < PT_COUNT; t++) {
		if ((pc->armed & TB(t)) && !(want & TB(t))) {
			pc_timer_stop(pc, t);
		}
	}
	for (t = 0; t < PT_COUNT; t++) {
		if (!(want & TB(t))) {
			continue;
		}
		if ((pc->armed & TB(t)) && !(fresh & TB(t))) {
			continue;
		}
		if (t == PT_ANNOUNCE_TX || t == PT_SYNC_TX ||
		    t == PT_PDELAY_REQ) {
			pc_timer_arm(pc, t, PORT_FIRST_TX_NS);
		} else {
			pc_timer_arm(pc, t, pc_timer_ns(pc, t));
		}
	}
}

/* ---- state changes ---- */

static void pc_enter(struct port_core *pc, enum port_state to)
{
	enum port_state from = pc->ds.portState;
	struct pact a = { .type = PACT_STATE };
	uint32_t fresh = 0;

	if (from == to) {
		return;
	}
	pc->ds.portState = to;
	a.u.state.from = from;
	a.u.state.to = to;
	pc_emit(pc, &a);

	if (state_is_slave(from) && !state_is_slave(to)) {
		pc->has_parent = false;
		delay_reset_slave(pc);
	}
	if (from == PS_MASTER) {
		pc->sync_txts_pending = false;
	}
	switch (to) {
	case PS_INITIALIZING:
		/* Data sets and tables start afresh (9.2.6.3). */
		fmt_clear(pc);
		delay_reset_slave(pc);
		delay_reset_p2p(pc);
		pc->presp_txts_pending = false;
		pc->ds.delayMechanism = pc->cfg.ds.delayMechanism;
		break;
	case PS_FAULTY:
	case PS_DISABLED:
		fmt_clear(pc);
		break;
	default:
		break;
	}
	pc->ds.portEnable = to != PS_DISABLED;
	/* A new state gets a whole announce receipt timeout, except between
	 * UNCALIBRATED and SLAVE, which follow the same master. */
	if (!(state_is_slave(from) && state_is_slave(to))) {
		fresh |= TB(PT_ANNOUNCE_RECEIPT);
	}
	fresh |= TB(PT_QUALIFICATION) | TB(PT_FAULT_RESET);
	timers_for_state(pc, fresh);
}

/* INITIALIZING then LISTENING (start, fault cleared, re-enabled). */
static void pc_initialize(struct port_core *pc)
{
	pc_enter(pc, PS_INITIALIZING);
	pc_enter(pc, PS_LISTENING);
}

static void pc_new_parent(struct port_core *pc)
{
	struct pact a = { .type = PACT_NEW_MASTER };
	struct port_identity parent;

	if (pc->has_erbest) {
		parent = pc->erbest.sender;
	} else {
		parent = pc->clk.parent.parentPortIdentity;
	}
	if (pc_state_is_slave(pc) && pc->has_parent &&
	    port_identity_cmp(&parent, &pc->parent) == 0) {
		return;		/* same master: nothing changes */
	}
	delay_reset_slave(pc);
	pc->parent = parent;
	pc->has_parent = true;
	if (pc_state_is_slave(pc)) {
		/* Already following a master: restart the receipt timeout
		 * for the new one. */
		pc_timer_arm(pc, PT_ANNOUNCE_RECEIPT,
			     pc_timer_ns(pc, PT_ANNOUNCE_RECEIPT));
	}
	pc_enter(pc, PS_UNCALIBRATED);
	pc_emit(pc, &a);
}

static void pc_decision(struct port_core *pc, enum bmca_rec rec)
{
	int s = pc->ds.portState;

	if (!state_is_active(s)) {
		return;
	}
	switch (rec) {
	case BMCA_REC_M1:
	case BMCA_REC_M2:
		pc_enter(pc, PS_MASTER);
		break;
	case BMCA_REC_M3:
		if (s != PS_MASTER && s != PS_PRE_MASTER) {
			pc_enter(pc, PS_PRE_MASTER);
		}
		break;
	case BMCA_REC_P1:
	case BMCA_REC_P2:
		pc_enter(pc, PS_PASSIVE);
		break;
	case BMCA_REC_S1:
		pc_new_parent(pc);
		break;
	case BMCA_REC_LISTENING:
		pc_enter(pc, PS_LISTENING);
		break;
	case BMCA_REC_NONE:
		break;
	}
}

/* ---- events ---- */

static void pc_timer(struct port_core *pc, enum port_timer t)
{
	int s = pc->ds.portState;

	if (t >= PT_COUNT || !(pc->armed & TB(t))) {
		return;
	}
	pc->armed &= ~TB(t);
	switch (t) {
	case PT_ANNOUNCE_TX:
		if (s == PS_MASTER) {
			master_send_announce(pc);
			pc_timer_arm(pc, t, pc_timer_ns(pc, t));
		}
		break;
	case PT_SYNC_TX:
		if (s == PS_MASTER) {
			master_send_sync(pc);
			pc_timer_arm(pc, t, pc_timer_ns(pc, t));
		}
		break;
	case PT_ANNOUNCE_RECEIPT:
		if (s != PS_LISTENING && s != PS_PASSIVE &&
		    !state_is_slave(s)) {
			break;
		}
		pc->cnt.announce_timeouts++;
		/* Erbest (our master, if any) has gone quiet: forget it
		 * before anything else looks at the table. */
		if (pc->has_erbest) {
			fmt_forget(pc, &pc->erbest.sender);
		}
		if (pc->has_parent) {
			fmt_forget(pc, &pc->parent);
		}
		if (pc->clk.dflt.slaveOnly) {
			if (s == PS_LISTENING) {
				pc_timer_arm(pc, t, pc_timer_ns(pc, t));
			} else {
				pc_enter(pc, PS_LISTENING);
			}
		} else {
			pc_enter(pc, PS_MASTER);
		}
		break;
	case PT_DELAY_REQ:
		if (state_is_slave(s) && !pc_p2p(pc)) {
			delay_send_delay_req(pc);
			pc_timer_arm(pc, t, pc_timer_ns(pc, t));
		}
		break;
	case PT_PDELAY_REQ:
		if (state_is_active(s) && pc_p2p(pc)) {
			delay_send_pdelay_req(pc);
			pc_timer_arm(pc, t, pc_timer_ns(pc, t));
		}
		break;
	case PT_QUALIFICATION:
		if (s == PS_PRE_MASTER) {
			pc_enter(pc, PS_MASTER);
		}
		break;
	case PT_FAULT_RESET:
		if (s == PS_FAULTY) {
			pc_initialize(pc);
		}
		break;
	case PT_COUNT:
		break;
	}
}

static bool pc_from_parent(const struct port_core *pc,
			   const struct ptp_msg *m)
{
	return pc_state_is_slave(pc) && pc->has_parent &&
	       !port_identity_cmp(&m->hdr.sourcePortIdentity, &pc->parent);
}

/*
 * auth: immediate security processing of a decoded message (16.14.3),
 * before anything else reads it; replay protection on the parent's
 * Announce, Sync and Follow_Up (why those: auth.c). false: dropped.
 */
static bool pc_auth_rx(struct port_core *pc, const uint8_t *buf,
		       const struct ptp_msg *m)
{
	const struct auth_sa *sa = &pc->cfg.auth_sa;
	int type = m->hdr.messageType;
	int rc;

	rc = auth_verify(sa, pc->cfg.auth_mac, buf, m, pc->auth_scratch);
	if (rc == 0 && pc->cfg.auth_policy == AUTH_POLICY_OPTIONAL) {
		pc->cnt.auth_unsigned++;
		return true;
	}
	if (rc == 0) {
		rc = -AUTH_E_MISSING;
	}
	if (rc > 0 && !pc->has_parent) {
		auth_replay_reset(&pc->auth_replay);
	}
	if (rc > 0 && pc_from_parent(pc, m) && (type == PTP_ANNOUNCE ||
	    type == PTP_SYNC || type == PTP_FOLLOW_UP)) {
		rc = auth_replay_check(&pc->auth_replay,
				       &m->hdr.sourcePortIdentity,
				       (uint8_t)type, m->hdr.sequenceId,
				       sa->seqid_window);
	}
	if (rc < 0) {
		pc->cnt.auth_drop[-rc < AUTH_E_COUNT ? -rc : 0]++;
		return false;
	}
	return true;
}

/* cfg.auto_delay: the first Pdelay_Req heard switches E2E to P2P. */
static void pc_auto_p2p(struct port_core *pc)
{
	pc->ds.delayMechanism = DM_P2P;
	delay_reset_slave(pc);
	timers_for_state(pc, 0);
}

static void pc_rx(struct port_core *pc, const struct pev *ev)
{
	struct ptp_msg m;
	int s = pc->ds.portState;
	int err, type;
	tmv_t ts;

	err = ptp_msg_unpack(ev->u.rx.buf, ev->u.rx.len, &m);
	if (err < 0) {
		if (-err < PTP_E_COUNT) {
			pc->cnt.rx_err[-err]++;
		}
		return;
	}
	if (pc->cfg.auth_policy != AUTH_POLICY_OFF &&
	    !pc_auth_rx(pc, ev->u.rx.buf, &m)) {
		return;
	}
	type = m.hdr.messageType;
	pc->cnt.rx[type & 0xF]++;
	if (m.hdr.domainNumber != pc->clk.dflt.domainNumber ||
	    (m.hdr.majorSdoId << 8 | m.hdr.minorSdoId) !=
	    (pc->clk.dflt.sdoId & 0xFFF)) {
		pc->cnt.rx_foreign_domain++;
		return;
	}
	if (pc_is_own_port(pc, &m.hdr.sourcePortIdentity)) {
		pc->cnt.rx_own++;
		return;
	}
	if (PTP_MSG_IS_EVENT(type) && !ev->u.rx.has_ts) {
		pc->cnt.rx_no_ts++;
		return;
	}
	if (type == PTP_MANAGEMENT) {
		/* Answered in every state but INITIALIZING (9.2.5: a
		 * FAULTY or DISABLED port still talks management). */
		if (s != PS_INITIALIZING) {
			mgmt_rx(pc, &m);
		}
		return;
	}
	if (!state_is_active(s)) {
		pc->cnt.rx_unexpected++;
		return;
	}
	ts = tmv_sub(ev->u.rx.ts, tmv_from_ns(pc->cfg.ingress_latency_ns));
	switch (type) {
	case PTP_ANNOUNCE:
		fmt_rx_announce(pc, &m, ev->now_ns);
		return;
	case PTP_SYNC:
		if (pc_from_parent(pc, &m)) {
			delay_rx_sync(pc, &m, ts);
			return;
		}
		break;
	case PTP_FOLLOW_UP:
		if (pc_from_parent(pc, &m)) {
			delay_rx_follow_up(pc, &m);
			return;
		}
		break;
	case PTP_DELAY_REQ:
		if (s == PS_MASTER && !pc_p2p(pc)) {
			delay_rx_delay_req(pc, &m, ts);
			return;
		}
		break;
	case PTP_DELAY_RESP:
		if (pc_from_parent(pc, &m) && !pc_p2p(pc)) {
			delay_rx_delay_resp(pc, &m);
			return;
		}
		break;
	case PTP_PDELAY_REQ:
		if (!pc_p2p(pc) && pc->cfg.auto_delay &&
		    pc->ds.delayMechanism == DM_E2E) {
			pc_auto_p2p(pc);
		}
		if (pc_p2p(pc)) {
			delay_rx_pdelay_req(pc, &m, ts);
			return;
		}
		break;
	case PTP_PDELAY_RESP:
		if (pc_p2p(pc)) {
			delay_rx_pdelay_resp(pc, &m, ts);
			return;
		}
		break;
	case PTP_PDELAY_RESP_FOLLOW_UP:
		if (pc_p2p(pc)) {
			delay_rx_pdelay_fup(pc, &m);
			return;
		}
		break;
	default:
		break;
	}
	pc->cnt.rx_unexpected++;
}

static void pc_txts(struct port_core *pc, const struct pev *ev)
{
	uint8_t type = ev->u.txts.msg_type;
	uint16_t seq = ev->u.txts.seq;

	if (type == PTP_SYNC) {
		if (pc->sync_txts_pending && pc->sync_txts_seq == seq) {
			pc->sync_txts_pending = false;
			master_send_follow_up(pc, seq, ev->u.txts.ts);
		}
		return;
	}
	delay_txts(pc, type, seq, ev->u.txts.ts);
}

void port_core_handle(struct port_core *pc, const struct pev *ev,
		      struct pact_list *out)
{
	int s = pc->ds.portState;

	out->n = 0;
	pc->out = out;
	pc->tx_used = 0;
	pc->now_ns = ev->now_ns;
	pc->rx_src = NULL;
	pc->rx_src_len = 0;
	if (ev->type == PEV_RX && ev->u.rx.src &&
	    ev->u.rx.src_len <= PORT_AMT_ADDR_MAX) {
		/* Hostile traffic (issue 9): for the acceptable masters. */
		pc->rx_src = ev->u.rx.src;
		pc->rx_src_len = ev->u.rx.src_len;
	}
	switch (ev->type) {
	case PEV_START:
		if (s == PS_INITIALIZING) {
			pc_enter(pc, PS_LISTENING);
		}
		break;
	case PEV_RX:
		pc_rx(pc, ev);
		break;
	case PEV_TXTS:
		pc_txts(pc, ev);
		break;
	case PEV_TIMER:
		pc_timer(pc, ev->u.timer);
		break;
	case PEV_DECISION:
		/* The decision carries the clock's data sets it implies
		 * (9.3.5) and the path trace to announce: the core keeps its
		 * own copy, never a pointer into someone else's state. */
		pc->clk = ev->u.decision.ds;
		port_core_set_path_trace(pc, ev->u.decision.path,
					 ev->u.decision.n_path);
		pc_decision(pc, ev->u.decision.rec);
		break;
	case PEV_LINK_UP:
		if (s == PS_FAULTY) {
			pc_initialize(pc);
		}
		break;
	case PEV_LINK_DOWN:
	case PEV_FAULT:
		if (s != PS_FAULTY && s != PS_DISABLED) {
			pc_enter(pc, PS_FAULTY);
		}
		break;
	case PEV_SYNCED:
		if (s == PS_UNCALIBRATED) {
			pc_enter(pc, PS_SLAVE);
		}
		break;
	case PEV_UNSYNCED:
		/* The clock was stepped: Sync, Delay_Req and Pdelay
		 * timestamps taken before are in the old time base, and an
		 * exchange straddling the step is off by half of it. */
		if (s == PS_SLAVE || s == PS_UNCALIBRATED) {
			delay_reset_slave(pc);
			delay_reset_p2p(pc);
		}
		if (s == PS_SLAVE) {
			pc_enter(pc, PS_UNCALIBRATED);
		}
		break;
	case PEV_DISABLE:
		if (s != PS_DISABLED) {
			pc_enter(pc, PS_DISABLED);
		}
		break;
	case PEV_ENABLE:
		if (s == PS_DISABLED) {
			pc_initialize(pc);
		}
		break;
	}
	/* Foreign masters expire with time, whatever the event. */
	if (state_is_active(pc->ds.portState)) {
		fmt_update(pc, ev->now_ns);
	}
	pc->out = NULL;
	pc->rx_src = NULL;
}

/* ---- object and queries ---- */

struct port_core *port_core_create(const struct port_core_cfg *cfg,
				   const struct clock_ds *clk)
{
	struct port_core *pc;

	if (!cfg || !clk) {
		return NULL;
	}
	if (cfg->auth_policy != AUTH_POLICY_OFF &&
	    (!cfg->auth_mac || !auth_sa_key(&cfg->auth_sa, cfg->auth_key_id))) {
		errno = EINVAL;
		return NULL;
	}
	pc = calloc(1, sizeof(*pc));
	if (!pc) {
		return NULL;
	}
	pc->cfg = *cfg;
	srclim_init(&pc->mgmt_lim, PORT_MGMT_ANSWERS_PER_SRC,
		    PORT_MGMT_ANSWERS_PER_S);
	pc->auth_key = auth_sa_key(&pc->cfg.auth_sa, cfg->auth_key_id);
	if (cfg->product) {
		snprintf(pc->product, sizeof(pc->product), "%s",
			 cfg->product);
	}
	pc->cfg.product = pc->product;
	pc->clk = *clk;
	pc->ds = cfg->ds;
	pc->ds.portIdentity.clockIdentity = clk->dflt.clockIdentity;
	if (cfg->port_number) {
		pc->ds.portIdentity.portNumber = cfg->port_number;
	}
	pc->ds.portState = PS_INITIALIZING;
	pc->ds.meanLinkDelay = 0;
	pc->ds.portEnable = true;
	pc->rng = cfg->seed;
	pc->dreq_log = pc->ds.logMinDelayReqInterval;
	pc->nrate = 1.0;
	return pc;
}

void port_core_destroy(struct port_core *pc)
{
	free(pc);
}

enum port_state port_core_state(const struct port_core *pc)
{
	return pc->ds.portState;
}

const struct port_ds *port_core_ds(const struct port_core *pc)
{
	return &pc->ds;
}

const struct bmca_ds *port_core_erbest(const struct port_core *pc)
{
	return pc->has_erbest ? &pc->erbest : NULL;
}

unsigned port_core_erbest_path(const struct port_core *pc,
			       struct clock_identity *out, unsigned max)
{
	unsigned n = pc->has_erbest ? pc->erbest_path_len : 0;

	if (n > max) {
		n = max;
	}
	memcpy(out, pc->erbest_path, n * sizeof(out[0]));
	return n;
}

void port_core_set_path_trace(struct port_core *pc,
			      const struct clock_identity *ids, unsigned n)
{
	if (n > PATH_TRACE_MAX) {
		n = PATH_TRACE_MAX;
	}
	memcpy(pc->path, ids, n * sizeof(ids[0]));
	pc->path_len = n;
}

const struct port_counters *port_core_counters(const struct port_core *pc)
{
	return &pc->cnt;
}

tmv_t port_core_delay(const struct port_core *pc)
{
	if (pc_p2p(pc)) {
		return pc->has_link_delay ? pc->link_delay : tmv_zero();
	}
	return pc->has_delay ? pc->delay : tmv_zero();
}

const struct port_identity *port_core_parent(const struct port_core *pc)
{
	return pc_state_is_slave(pc) && pc->has_parent ? &pc->parent : NULL;
}

double port_core_rate_ratio(const struct port_core *pc)
{
	return pc->nrate;
}

const char *port_timer_str(enum port_timer t)
{
	static const char *const names[PT_COUNT] = {
		[PT_ANNOUNCE_TX] = "ANNOUNCE_TX",
		[PT_ANNOUNCE_RECEIPT] = "ANNOUNCE_RECEIPT",
		[PT_SYNC_TX] = "SYNC_TX",
		[PT_DELAY_REQ] = "DELAY_REQ",
		[PT_PDELAY_REQ] = "PDELAY_REQ",
		[PT_QUALIFICATION] = "QUALIFICATION",
		[PT_FAULT_RESET] = "FAULT_RESET",
	};

	if ((unsigned)t >= PT_COUNT) {
		return "?";
	}
	return names[t];
}

const char *pev_type_str(enum pev_type t)
{
	static const char *const names[] = {
		[PEV_START] = "START",
		[PEV_RX] = "RX",
		[PEV_TXTS] = "TXTS",
		[PEV_TIMER] = "TIMER",
		[PEV_DECISION] = "DECISION",
		[PEV_LINK_UP] = "LINK_UP",
		[PEV_LINK_DOWN] = "LINK_DOWN",
		[PEV_FAULT] = "FAULT",
		[PEV_SYNCED] = "SYNCED",
		[PEV_UNSYNCED] = "UNSYNCED",
		[PEV_DISABLE] = "DISABLE",
		[PEV_ENABLE] = "ENABLE",
	};

	if ((unsigned)t >= sizeof(names) / sizeof(names[0])) {
		return "?";
	}
	return names[t];
}
