/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_port - libFuzzer target for the sans-IO port core (port_core.c,
 * port_fmt.c, port_delay.c, port_master.c, port_mgmt.c): events in,
 * actions out, the core's invariants checked after every call.
 *
 * Input: one configuration byte, then events until the input ends (a
 * field read past the end is 0).
 *   byte 0, bit 0    guard mode (below), else free mode
 *           bit 1    P2P (else E2E)        bit 2  slaveOnly
 *           bit 3    cfg.path_trace        bit 4  cfg.auto_delay
 *           bits 5-6 logAnnounceInterval - 1 (-1..2)
 *           bit 7    free mode: the harness runs the BMCA on PACT_ERBEST
 *                    (as portd does) instead of leaving decisions to
 *                    the input
 *   free mode only: byte 1 priority1, byte 2 clockClass, byte 3 bit 0
 *           masterOnly
 *   an event is an opcode byte ((op & 0x7f) % 12, bit 7 a flag) and its
 *   operands:
 *     0 RAW       len, len bytes: received as is (flag: with an RX
 *                 timestamp)
 *     1 ANNOUNCE  sender, seq, priority1, class, accuracy, variance(2),
 *                 priority2, stepsRemoved(2), grandmaster, interval,
 *                 flags, domain/path-trace bits, burst: 1..32 of them
 *                 from consecutive senders (or new identities)
 *     2 SYNC      sender, seq, flags, origin(6), correction(2)
 *     3 FOLLOW_UP sender, seq, origin(6), correction(2)
 *     4 DELAY_RESP sender, seq, receive(6), requester, correction(2)
 *     5 PDELAY    sender, kind (Req/Resp/Resp_Follow_Up), seq, ts(6),
 *                 requester, flags
 *     6 DELAY_REQ sender, seq
 *     7 TXTS      pick, seq, offset(2): the TX stamp of one of the sends
 *                 that asked for one (or any type/seq)
 *     8 TIMER     timer: fired now whether due or not (guard: ADVANCE)
 *     9 DECISION  rec (guard: the harness runs the BMCA)
 *    10 SIMPLE    kind: START, LINK_UP/DOWN, FAULT, SYNCED, UNSYNCED,
 *                 DISABLE, ENABLE (guard: only those that cannot make a
 *                 slave leave SLAVE: START, LINK_UP, SYNCED, ENABLE)
 *    11 ADVANCE   shift, delta(2): time moves on by
 *                 (delta + 1) ms >> (shift & 7); the timers that fall due
 *                 fire in deadline order (guard: and P announces)
 *       with the flag: MGMT  sender/target, action, managementId(2): a
 *                 management GET/SET/... with an empty data field
 * A sender byte names one of 32 foreign ports, the guard's parent P
 * (0xfe), this port (0xff), or (bit 7) a clockIdentity never seen
 * before. Time (ev->now_ns) only moves forward.
 *
 * Invariants, after every port_core_handle():
 *   - the action list holds at most PACT_MAX actions, of known types, at
 *     most PORT_TX_SLOTS sends; every send decodes, with the type,
 *     sequenceId and event flag it claims and our portIdentity;
 *   - PACT_STATE actions chain from the previous state to the current
 *     one, never to the same state, always to a valid enum port_state;
 *     PACT_SAMPLE only while UNCALIBRATED/SLAVE, PACT_NEW_MASTER only
 *     right after entering UNCALIBRATED;
 *   - the timers the core thinks armed are those its actions armed;
 *   - a parent exactly in UNCALIBRATED and SLAVE;
 *   - the foreign master table: in an inactive state empty and no Erbest;
 *     otherwise no sender twice, none of this clock, every entry with 1..
 *     FOREIGN_MASTER_THRESHOLD arrivals in its window, and Erbest present
 *     exactly when an entry is qualified, equal to a qualified entry, and
 *     no qualified entry better than it (checked when no two qualified
 *     entries name the same grandmaster: the comparison is not transitive
 *     across such pairs).
 * Guard mode (issue 6 item 1): a one-port clock (defaultDS priority1 128,
 * class 248) runs the BMCA on every PACT_ERBEST; P, a better master
 * (priority1 1), is heard twice, the port goes UNCALIBRATED, SYNCED makes
 * it SLAVE. From then on the harness injects P's Announce every announce
 * interval while time advances; input Announces whose data set is not
 * worse than P's, and input Announces from P itself, are not delivered.
 * Then the port must stay SLAVE of P with Erbest P after every event:
 * nothing the input can still do may change that.
 *
 * A violation abort()s with the failed check on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmca.h"
#include "mgmt.h"
#include "msg.h"
#include "port_core.h"
#include "port_core_private.h"
#include "tlv.h"
#include "fuzz_util.h"

#define FZ_SENDERS	32
#define FZ_TXQ		8
#define FZ_MAX_STEPS	20000		/* core calls per input */
#define FZ_PORT_BASE_S	1700000000LL	/* port clock = this + now */

struct fz {
	struct clock_ds clk;
	struct port_core_cfg cfg;
	struct port_core *pc;
	struct pact_list out;
	int64_t now;
	int64_t due[PT_COUNT];		/* -1: not armed */
	uint32_t armed;			/* what the actions armed */
	unsigned steps;
	bool guard, guard_on, auto_bmca, bmca_due;
	/* Guard mode: the parent P. */
	struct port_identity p_id;
	struct bmca_ds p_ds;
	uint16_t p_seq;
	int64_t p_next;
	uint32_t fresh;			/* new identities handed out */
	/* Sends that want a TX stamp. */
	struct {
		uint8_t type;
		uint16_t seq;
	} txq[FZ_TXQ];
	unsigned ntx;
};

static const struct clock_identity fz_me = {
	{ 0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 }
};

static bool state_valid(int s)
{
	return s >= PS_INITIALIZING && s <= PS_SLAVE;
}

static bool state_slave(int s)
{
	return s == PS_UNCALIBRATED || s == PS_SLAVE;
}

static bool state_active(int s)
{
	return s != PS_INITIALIZING && s != PS_FAULTY && s != PS_DISABLED;
}

static bool ds_better(const struct bmca_ds *a, const struct bmca_ds *b)
{
	int r = bmca_compare(a, b);

	return r == BMCA_A_BETTER || r == BMCA_A_BETTER_TOPO;
}

static bool ds_worse(const struct bmca_ds *a, const struct bmca_ds *b)
{
	int r = bmca_compare(a, b);

	return r == BMCA_B_BETTER || r == BMCA_B_BETTER_TOPO;
}

static void check_table(const struct fz *f)
{
	const struct port_core *pc = f->pc;
	const struct fm_entry *eb = NULL;
	bool active = state_active(pc->ds.portState);
	bool same_gm = false;
	unsigned i, j, nq = 0;

	for (i = 0; i < FOREIGN_MASTER_MAX; i++) {
		const struct fm_entry *e = &pc->fm[i];

		if (!e->used) {
			continue;
		}
		CHECK(active);
		CHECK(e->n_ts >= 1 && e->n_ts <= FOREIGN_MASTER_THRESHOLD);
		CHECK(e->path_len <= PATH_TRACE_MAX);
		CHECK(clock_identity_cmp(&e->sender.clockIdentity,
					 &f->clk.dflt.clockIdentity) != 0);
		CHECK(f->now - e->ts[0] <=
		      FOREIGN_MASTER_TIME_WINDOW * pc_log_ns(e->log_interval));
		for (j = i + 1; j < FOREIGN_MASTER_MAX; j++) {
			CHECK(!pc->fm[j].used ||
			      port_identity_cmp(&e->sender,
						&pc->fm[j].sender) != 0);
		}
		if (e->n_ts < FOREIGN_MASTER_THRESHOLD) {
			continue;
		}
		nq++;
		for (j = 0; j < FOREIGN_MASTER_MAX; j++) {
			const struct fm_entry *o = &pc->fm[j];

			if (j != i && o->used &&
			    o->n_ts >= FOREIGN_MASTER_THRESHOLD &&
			    !clock_identity_cmp(&o->ds.identity,
						&e->ds.identity)) {
				same_gm = true;
			}
		}
		if (pc->has_erbest &&
		    !port_identity_cmp(&e->sender, &pc->erbest.sender)) {
			eb = e;
		}
	}
	CHECK(pc->has_erbest == (nq > 0));
	if (!pc->has_erbest) {
		CHECK(port_core_erbest(pc) == NULL);
		return;
	}
	CHECK(eb != NULL);
	CHECK(port_core_erbest(pc) == &pc->erbest);
	CHECK(eb->ds.priority1 == pc->erbest.priority1);
	CHECK(eb->ds.priority2 == pc->erbest.priority2);
	CHECK(eb->ds.steps_removed == pc->erbest.steps_removed);
	CHECK(!clock_identity_cmp(&eb->ds.identity, &pc->erbest.identity));
	CHECK(!memcmp(&eb->ds.quality, &pc->erbest.quality,
		      sizeof(eb->ds.quality)));
	CHECK(pc->erbest_path_len == eb->path_len);
	if (same_gm) {
		return;
	}
	for (i = 0; i < FOREIGN_MASTER_MAX; i++) {
		const struct fm_entry *e = &pc->fm[i];

		if (e->used && e->n_ts >= FOREIGN_MASTER_THRESHOLD) {
			CHECK(!ds_better(&e->ds, &pc->erbest));
		}
	}
}

/* After one port_core_handle(): the invariants, and the actions carried
 * out (timers, the BMCA request, TX-stamp requests). */
static void check(struct fz *f, int before)
{
	const struct port_core *pc = f->pc;
	int s = port_core_state(pc), prev = before;
	unsigned i, nsend = 0;

	CHECK(f->out.n <= PACT_MAX);
	CHECK(state_valid(s));
	CHECK(port_core_ds(pc)->portState == s);
	for (i = 0; i < f->out.n; i++) {
		const struct pact *a = &f->out.a[i];
		struct ptp_msg m;

		switch (a->type) {
		case PACT_SEND:
			nsend++;
			CHECK(a->u.send.len >= PTP_HEADER_LEN &&
			      a->u.send.len <= PTP_MSG_MAX);
			CHECK(ptp_msg_unpack(a->u.send.buf, a->u.send.len,
					     &m) == 0);
			CHECK(m.hdr.messageType == a->u.send.msg_type);
			CHECK(m.hdr.sequenceId == a->u.send.seq);
			CHECK(a->u.send.event ==
			      PTP_MSG_IS_EVENT(m.hdr.messageType));
			CHECK(!port_identity_cmp(&m.hdr.sourcePortIdentity,
						 &pc->ds.portIdentity));
			if (a->u.send.want_txts) {
				f->txq[f->ntx % FZ_TXQ].type =
					a->u.send.msg_type;
				f->txq[f->ntx % FZ_TXQ].seq = a->u.send.seq;
				f->ntx++;
			}
			break;
		case PACT_TIMER:
			CHECK(a->u.timer.timer < PT_COUNT);
			if (a->u.timer.ns >= 0) {
				f->armed |= 1u << a->u.timer.timer;
				f->due[a->u.timer.timer] =
					f->now + a->u.timer.ns;
			} else {
				CHECK(f->armed & (1u << a->u.timer.timer));
				f->armed &= ~(1u << a->u.timer.timer);
				f->due[a->u.timer.timer] = -1;
			}
			break;
		case PACT_STATE:
			CHECK((int)a->u.state.from == prev);
			CHECK(state_valid(a->u.state.to));
			CHECK(a->u.state.to != a->u.state.from);
			prev = (int)a->u.state.to;
			break;
		case PACT_SAMPLE:
			CHECK(state_slave(prev));
			break;
		case PACT_ERBEST:
			f->bmca_due = true;
			break;
		case PACT_NEW_MASTER:
			CHECK(prev == PS_UNCALIBRATED);
			break;
		default:
			CHECK(0);
		}
	}
	CHECK(prev == s);
	CHECK(nsend <= PORT_TX_SLOTS);
	CHECK(pc->armed == f->armed);
	CHECK(pc->has_parent == state_slave(s));
	check_table(f);
	if (f->guard_on) {
		CHECK(s == PS_SLAVE);
		CHECK(!port_identity_cmp(&pc->parent, &f->p_id));
		CHECK(pc->has_erbest);
		CHECK(!port_identity_cmp(&pc->erbest.sender, &f->p_id));
	}
}

static void feed_one(struct fz *f, struct pev *ev)
{
	int before = port_core_state(f->pc);

	f->steps++;
	ev->now_ns = f->now;
	memset(&f->out, 0xA5, sizeof(f->out));
	port_core_handle(f->pc, ev, &f->out);
	check(f, before);
}

/* The BMCA of a one-port clock, as portd --standalone runs it. */
static void run_bmca(struct fz *f)
{
	const struct bmca_ds *erbest = port_core_erbest(f->pc);
	const struct bmca_ds *list[1] = { erbest };
	bool master_only = f->cfg.ds.masterOnly;
	const struct bmca_ds *ebest;
	struct bmca_port_in in;
	struct pev ev = { .type = PEV_DECISION };
	int best;

	best = bmca_select_ebest(list, &master_only, 1);
	ebest = best >= 0 ? list[best] : NULL;
	memset(&in, 0, sizeof(in));
	in.erbest = erbest;
	in.master_only = master_only;
	in.state = port_core_state(f->pc);
	ev.u.decision.rec = bmca_state_decision(&f->clk.dflt, ebest,
						ebest != NULL, &in);
	bmca_apply(&f->clk, ev.u.decision.rec, ebest, NULL);
	ev.u.decision.ds = f->clk;
	feed_one(f, &ev);
}

/* Run the BMCA as long as the core asks for it (guard, or bit 7). */
static void drain(struct fz *f)
{
	unsigned n = 0;

	while (f->bmca_due && (f->guard || f->auto_bmca)) {
		f->bmca_due = false;
		CHECK(n++ < 8);		/* the BMCA settles */
		run_bmca(f);
	}
	f->bmca_due = false;
}

static void feed(struct fz *f, struct pev *ev)
{
	feed_one(f, ev);
	drain(f);
}

static void fire(struct fz *f, enum port_timer t)
{
	struct pev ev = { .type = PEV_TIMER };

	f->armed &= ~(1u << t);
	f->due[t] = -1;
	ev.u.timer = t;
	feed(f, &ev);
}

static void deliver(struct fz *f, const uint8_t *buf, size_t len,
		    bool has_ts, int64_t ts_off)
{
	struct pev ev = { .type = PEV_RX };

	ev.u.rx.buf = buf;
	ev.u.rx.len = (uint16_t)len;
	ev.u.rx.has_ts = has_ts;
	ev.u.rx.ts = tmv_add(tmv_make(FZ_PORT_BASE_S, 0),
			     tmv_from_ns(f->now + ts_off));
	feed(f, &ev);
}

static void p_announce(struct fz *f)
{
	uint8_t buf[PTP_MSG_MAX];
	struct ptp_msg m;
	int len;

	memset(&m, 0, sizeof(m));
	ptp_header_init(&m.hdr, PTP_ANNOUNCE);
	m.hdr.sourcePortIdentity = f->p_id;
	m.hdr.sequenceId = f->p_seq++;
	m.hdr.logMessageInterval = f->cfg.ds.logAnnounceInterval;
	m.body.announce.grandmasterPriority1 = 1;
	m.body.announce.grandmasterPriority2 = 128;
	m.body.announce.grandmasterClockQuality.clockClass = 6;
	m.body.announce.grandmasterClockQuality.clockAccuracy = 0x21;
	m.body.announce.grandmasterClockQuality.offsetScaledLogVariance =
		0x4E5D;
	m.body.announce.grandmasterIdentity = f->p_id.clockIdentity;
	m.body.announce.currentUtcOffset = 37;
	m.body.announce.timeSource = 0x20;
	len = ptp_msg_pack(&m, buf, sizeof(buf));
	CHECK(len > 0);
	bmca_ds_from_announce(&f->p_ds, &m, &f->pc->ds.portIdentity);
	deliver(f, buf, (size_t)len, false, 0);
	f->p_next = f->now + pc_log_ns(f->cfg.ds.logAnnounceInterval);
}

/*
 * Time moves to `until`: due timers and (guard) P's Announces in order.
 * When the input's budget of core calls runs out first, time stays where
 * it got to (moving on without P's Announces would make the guard fire).
 */
static void advance(struct fz *f, int64_t until)
{
	for (;;) {
		int next = -1;
		int64_t at = until + 1;
		unsigned t;

		if (f->steps >= FZ_MAX_STEPS) {
			return;
		}
		for (t = 0; t < PT_COUNT; t++) {
			if (f->due[t] >= 0 && f->due[t] < at) {
				at = f->due[t];
				next = (int)t;
			}
		}
		if (f->guard && f->p_next <= until && f->p_next <= at) {
			if (f->p_next > f->now) {
				f->now = f->p_next;
			}
			p_announce(f);
			continue;
		}
		if (next < 0) {
			break;
		}
		if (at > f->now) {
			f->now = at;
		}
		fire(f, (enum port_timer)next);
	}
	if (until > f->now) {
		f->now = until;
	}
}

/* Sender byte b: 0xfe P, 0xff this port, bit 7 a clockIdentity never
 * used before (a new one at every use), else one of FZ_SENDERS ports. */
static const struct port_identity *sender(struct fz *f, uint8_t b,
					  struct port_identity *tmp)
{
	unsigned k = b % FZ_SENDERS;

	if (b == 0xfe) {
		return &f->p_id;
	}
	if (b == 0xff) {
		return &f->pc->ds.portIdentity;
	}
	memset(tmp, 0, sizeof(*tmp));
	tmp->clockIdentity.id[0] = 0x0a;
	tmp->clockIdentity.id[3] = 0xff;
	tmp->clockIdentity.id[4] = 0xfe;
	if (b & 0x80) {
		f->fresh++;
		tmp->clockIdentity.id[0] = 0x0e;
		tmp->clockIdentity.id[5] = (uint8_t)(f->fresh >> 16);
		tmp->clockIdentity.id[6] = (uint8_t)(f->fresh >> 8);
		tmp->clockIdentity.id[7] = (uint8_t)f->fresh;
		tmp->portNumber = 1;
		return tmp;
	}
	tmp->clockIdentity.id[7] = (uint8_t)(k & 7);
	tmp->portNumber = (uint16_t)(1 + (k >> 3));
	return tmp;
}

static struct ptp_timestamp ts48(uint64_t v)
{
	struct ptp_timestamp t;

	t.seconds = (uint64_t)FZ_PORT_BASE_S + (v >> 30);
	t.nanoseconds = (uint32_t)(v & 0x3fffffff) % 1000000000u;
	return t;
}

/* Guard mode: may this decoded message reach the core? */
static bool guard_allows(struct fz *f, const uint8_t *buf, size_t len)
{
	struct bmca_ds ds;
	struct ptp_msg m;

	if (ptp_msg_unpack(buf, len, &m) != 0 ||
	    m.hdr.messageType != PTP_ANNOUNCE) {
		return true;
	}
	if (!port_identity_cmp(&m.hdr.sourcePortIdentity, &f->p_id)) {
		return false;
	}
	bmca_ds_from_announce(&ds, &m, &f->pc->ds.portIdentity);
	return ds_worse(&ds, &f->p_ds);
}

static void rx_msg(struct fz *f, struct ptp_msg *m, bool has_ts,
		   int64_t ts_off)
{
	uint8_t buf[PTP_MSG_MAX];
	int len = ptp_msg_pack(m, buf, sizeof(buf));

	if (len <= 0) {
		return;
	}
	if (f->guard_on && !guard_allows(f, buf, (size_t)len)) {
		return;
	}
	deliver(f, buf, (size_t)len, has_ts, ts_off);
}

/* One Announce, or a burst of them from consecutive senders. */
static void op_announce(struct fz *f, struct fz_in *in)
{
	struct clock_identity ids[3];
	struct port_identity tmp;
	struct tlv_writer w;
	uint8_t tlvbuf[64];
	struct ptp_msg m;
	uint8_t sb, gm, bits, burst, i;

	memset(&m, 0, sizeof(m));
	ptp_header_init(&m.hdr, PTP_ANNOUNCE);
	sb = u8(in);
	m.hdr.sequenceId = u8(in);
	m.body.announce.grandmasterPriority1 = u8(in);
	m.body.announce.grandmasterClockQuality.clockClass = u8(in);
	m.body.announce.grandmasterClockQuality.clockAccuracy = u8(in);
	m.body.announce.grandmasterClockQuality.offsetScaledLogVariance =
		u16(in);
	m.body.announce.grandmasterPriority2 = u8(in);
	m.body.announce.stepsRemoved = u16(in);
	gm = u8(in);
	m.hdr.logMessageInterval = (int8_t)u8(in);
	m.hdr.flagField = u8(in);
	bits = u8(in);
	burst = 1 + (u8(in) & 31);
	m.hdr.domainNumber = (bits & 0x80) ? bits & 3 : 0;
	for (i = 0; i < burst; i++) {
		m.hdr.sourcePortIdentity = *sender(f, sb, &tmp);
		if (sb < 0x80) {
			sb = (uint8_t)((sb + 1) & 0x7f);
		}
		/* The sender's own clock, P's, ours, or one of 8 others. */
		if (gm & 0x80) {
			m.body.announce.grandmasterIdentity =
				m.hdr.sourcePortIdentity.clockIdentity;
		} else if (gm & 0x40) {
			m.body.announce.grandmasterIdentity =
				f->p_id.clockIdentity;
		} else if (gm & 0x20) {
			m.body.announce.grandmasterIdentity = fz_me;
		} else {
			memset(&m.body.announce.grandmasterIdentity,
			       0xc0 | (gm & 7), 8);
		}
		m.tlv = NULL;
		m.tlv_len = 0;
		if (bits & 0x40) {
			ids[0] = m.body.announce.grandmasterIdentity;
			ids[1] = (bits & 0x20) ? fz_me : f->p_id.clockIdentity;
			ids[2] = m.hdr.sourcePortIdentity.clockIdentity;
			tlv_writer_init(&w, tlvbuf, sizeof(tlvbuf));
			if (tlv_put_path_trace(&w, ids, 2 + (bits & 1)) == 0) {
				m.tlv = tlvbuf;
				m.tlv_len = (uint16_t)w.len;
			}
		}
		rx_msg(f, &m, false, 0);
	}
}

static void op_event_msg(struct fz *f, struct fz_in *in, uint8_t op)
{
	static const int pdelay[3] = {
		PTP_PDELAY_REQ, PTP_PDELAY_RESP, PTP_PDELAY_RESP_FOLLOW_UP
	};
	static const int types[5] = {
		PTP_SYNC, PTP_FOLLOW_UP, PTP_DELAY_RESP, 0, PTP_DELAY_REQ
	};
	const struct port_identity *src;
	struct port_identity tmp;
	struct ptp_msg m;
	int type = types[op - 2];

	src = sender(f, u8(in), &tmp);
	if (op == 5) {
		type = pdelay[u8(in) % 3];
	}
	memset(&m, 0, sizeof(m));
	ptp_header_init(&m.hdr, type);
	m.hdr.sourcePortIdentity = *src;
	m.hdr.sequenceId = u8(in);
	switch (type) {
	case PTP_SYNC:
		m.hdr.flagField = (u8(in) & 1) ? PTP_FLAG_TWO_STEP : 0;
		m.body.sync.originTimestamp = ts48(u48(in));
		m.hdr.correctionField = (int16_t)u16(in);
		break;
	case PTP_FOLLOW_UP:
		m.body.follow_up.preciseOriginTimestamp = ts48(u48(in));
		m.hdr.correctionField = (int16_t)u16(in);
		break;
	case PTP_DELAY_RESP:
		m.body.delay_resp.receiveTimestamp = ts48(u48(in));
		m.body.delay_resp.requestingPortIdentity =
			(u8(in) & 1) ? f->p_id : f->pc->ds.portIdentity;
		m.hdr.correctionField = (int16_t)u16(in);
		break;
	case PTP_PDELAY_REQ:
		m.body.pdelay_req.originTimestamp = ts48(u48(in));
		break;
	case PTP_PDELAY_RESP:
	case PTP_PDELAY_RESP_FOLLOW_UP:
		m.body.pdelay_resp.timestamp = ts48(u48(in));
		m.body.pdelay_resp.requestingPortIdentity =
			(u8(in) & 1) ? f->p_id : f->pc->ds.portIdentity;
		m.hdr.flagField = (u8(in) & 1) ? PTP_FLAG_TWO_STEP : 0;
		break;
	default:
		break;
	}
	/* RX stamp: now minus up to 255 us. */
	rx_msg(f, &m, PTP_MSG_IS_EVENT(type), -(int64_t)u8(in) * 1000);
}

static void op_mgmt(struct fz *f, struct fz_in *in)
{
	static const struct port_identity all = {
		{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } }, 0xffff
	};
	struct port_identity tmp;
	struct tlv_writer w;
	uint8_t tlvbuf[64];
	struct ptp_msg m;
	uint8_t b = u8(in);

	memset(&m, 0, sizeof(m));
	ptp_header_init(&m.hdr, PTP_MANAGEMENT);
	m.hdr.sourcePortIdentity = *sender(f, b, &tmp);
	m.body.management.targetPortIdentity = (b & 0x80) ?
		f->pc->ds.portIdentity : all;
	m.body.management.startingBoundaryHops = 1;
	m.body.management.actionField = u8(in) % 5;
	tlv_writer_init(&w, tlvbuf, sizeof(tlvbuf));
	if (mgmt_put_empty(&w, u16(in)) != 0) {
		return;
	}
	m.tlv = tlvbuf;
	m.tlv_len = (uint16_t)w.len;
	rx_msg(f, &m, false, 0);
}

static void op_txts(struct fz *f, struct fz_in *in)
{
	struct pev ev = { .type = PEV_TXTS };
	uint8_t pick = u8(in);
	uint16_t seq = u16(in);

	if (f->ntx && !(pick & 0x80)) {
		unsigned cnt = f->ntx < FZ_TXQ ? f->ntx : FZ_TXQ;
		unsigned k = (f->ntx - 1 - pick % cnt) % FZ_TXQ;

		ev.u.txts.msg_type = f->txq[k].type;
		ev.u.txts.seq = f->txq[k].seq;
	} else {
		ev.u.txts.msg_type = pick & 0xF;
		ev.u.txts.seq = seq;
	}
	ev.u.txts.ts = tmv_add(tmv_make(FZ_PORT_BASE_S, 0),
			       tmv_from_ns(f->now + (u16(in) & 0x3fff)));
	feed(f, &ev);
}

static void op_simple(struct fz *f, uint8_t kind)
{
	static const enum pev_type all[] = {
		PEV_START, PEV_LINK_UP, PEV_SYNCED, PEV_ENABLE,
		PEV_LINK_DOWN, PEV_FAULT, PEV_UNSYNCED, PEV_DISABLE,
	};
	struct pev ev;
	unsigned n = f->guard ? 4 : 8;

	memset(&ev, 0, sizeof(ev));
	ev.type = all[kind % n];
	feed(f, &ev);
}

static int64_t delta_ns(struct fz_in *in)
{
	uint8_t sh = u8(in);

	return ((int64_t)(u16(in) + 1) * 1000000) >> (sh & 7);
}

/* Guard mode: START, P heard twice, S1, SYNCED: SLAVE of P. */
static void guard_setup(struct fz *f)
{
	op_simple(f, 0);
	p_announce(f);
	advance(f, f->p_next);
	CHECK(port_core_state(f->pc) == PS_SLAVE ||
	      port_core_state(f->pc) == PS_UNCALIBRATED);
	op_simple(f, 2);
	CHECK(port_core_state(f->pc) == PS_SLAVE);
	CHECK(!port_identity_cmp(&f->pc->parent, &f->p_id));
	CHECK(f->pc->has_erbest &&
	      !port_identity_cmp(&f->pc->erbest.sender, &f->p_id));
	f->guard_on = true;
}

static void setup(struct fz *f, struct fz_in *in)
{
	uint8_t c = u8(in);
	unsigned t;

	memset(f, 0, sizeof(*f));
	for (t = 0; t < PT_COUNT; t++) {
		f->due[t] = -1;
	}
	f->guard = c & 1;
	f->auto_bmca = c & 0x80;
	default_ds_init(&f->clk.dflt, &fz_me, 1);
	f->clk.dflt.slaveOnly = (c & 4) != 0;
	current_ds_init(&f->clk.cur);
	port_ds_init(&f->cfg.ds, &fz_me, 1);
	f->cfg.port_number = 1;
	f->cfg.ds.delayMechanism = (c & 2) ? DM_P2P : DM_E2E;
	f->cfg.ds.logAnnounceInterval = (int8_t)(((c >> 5) & 3) - 1);
	f->cfg.path_trace = (c & 8) != 0;
	f->cfg.auto_delay = (c & 16) != 0;
	f->cfg.log_fault_reset = 2;
	f->cfg.seed = c;
	f->cfg.network_protocol = 1;
	if (!f->guard) {
		f->clk.dflt.priority1 = u8(in);
		f->clk.dflt.clockQuality.clockClass = u8(in);
		f->cfg.ds.masterOnly = u8(in) & 1;
	}
	parent_ds_init(&f->clk.parent, &f->clk.dflt);
	time_properties_ds_init(&f->clk.tprop);
	f->p_id.clockIdentity = (struct clock_identity){
		{ 0x0a, 0, 0, 0xff, 0xfe, 0, 0, 0x50 } };
	f->p_id.portNumber = 1;
	f->now = 1000 * NS_PER_SEC;
	f->pc = port_core_create(&f->cfg, &f->clk);
	CHECK(f->pc != NULL);
	f->armed = 0;
	if (f->guard) {
		guard_setup(f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;
	struct fz_in in = { data, size };
	uint8_t raw[256];

	setup(&f, &in);
	while (in.n && f.steps < FZ_MAX_STEPS) {
		uint8_t op = u8(&in);
		bool flag = op & 0x80;
		struct pev ev;
		unsigned n, i;

		memset(&ev, 0, sizeof(ev));
		op = (op & 0x7f) % 12;
		switch (op) {
		case 0:
			n = u8(&in);
			for (i = 0; i < n; i++) {
				raw[i] = u8(&in);
			}
			if (!f.guard_on || guard_allows(&f, raw, n)) {
				deliver(&f, raw, n, flag, 0);
			}
			break;
		case 1:
			op_announce(&f, &in);
			break;
		case 2:
		case 3:
		case 4:
		case 5:
		case 6:
			op_event_msg(&f, &in, op);
			break;
		case 7:
			op_txts(&f, &in);
			break;
		case 8:
			if (f.guard) {
				advance(&f, f.now + delta_ns(&in));
				break;
			}
			fire(&f, (enum port_timer)(u8(&in) % PT_COUNT));
			break;
		case 9:
			if (f.guard) {
				f.bmca_due = true;	/* a periodic run */
				drain(&f);
				break;
			}
			ev.type = PEV_DECISION;
			ev.u.decision.rec = (enum bmca_rec)(u8(&in) % 8);
			ev.u.decision.ds = f.clk;
			feed(&f, &ev);
			break;
		case 10:
			op_simple(&f, u8(&in));
			break;
		case 11:
			if (flag) {
				op_mgmt(&f, &in);
				break;
			}
			advance(&f, f.now + delta_ns(&in));
			break;
		}
	}
	port_core_destroy(f.pc);
	f.pc = NULL;
	return 0;
}
