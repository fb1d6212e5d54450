/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port_test.h - helpers shared by the port core tests (test_port_core.c,
 * test_port_delay.c, test_port_mgmt.c): a port on its own clock, events
 * fed with one call each, messages built and decoded with the codec, and
 * lookups in the action list. All static inline: each test file gets its
 * own copy and Criterion's one binary sees no duplicate symbols.
 */
#ifndef MERIDIAN_PORT_TEST_H
#define MERIDIAN_PORT_TEST_H

#include <criterion/criterion.h>
#include <string.h>

#include "bmca.h"
#include "msg.h"
#include "port_core.h"
#include "tlv.h"

/* Our clock "001122.fffe.334455" (port 1); a master
 * "0a0b0c.fffe.0d0e0f" (port 1) and a second one "0a0b0c.fffe.0d0e10". */
static const struct clock_identity pt_me = {
	{ 0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 }
};
static const struct port_identity pt_m1 = {
	{ { 0x0a, 0x0b, 0x0c, 0xff, 0xfe, 0x0d, 0x0e, 0x0f } }, 1
};
static const struct port_identity pt_m2 = {
	{ { 0x0a, 0x0b, 0x0c, 0xff, 0xfe, 0x0d, 0x0e, 0x10 } }, 1
};

struct pt {
	struct clock_ds clk;
	struct port_core_cfg cfg;
	struct port_core *pc;
	struct pact_list out;
	int64_t now;			/* monotonic ns fed with events */
};

static inline void pt_setup(struct pt *t, uint8_t dm)
{
	memset(t, 0, sizeof(*t));
	default_ds_init(&t->clk.dflt, &pt_me, 1);
	current_ds_init(&t->clk.cur);
	parent_ds_init(&t->clk.parent, &t->clk.dflt);
	time_properties_ds_init(&t->clk.tprop);
	t->cfg.port_number = 1;
	port_ds_init(&t->cfg.ds, &pt_me, 1);
	t->cfg.ds.delayMechanism = dm;
	t->cfg.log_fault_reset = 4;
	t->cfg.seed = 1;
	t->cfg.network_protocol = 1;
	t->now = 1000 * NS_PER_SEC;
}

static inline void pt_create(struct pt *t)
{
	t->pc = port_core_create(&t->cfg, &t->clk);
	cr_assert_not_null(t->pc);
}

static inline void pt_destroy(struct pt *t)
{
	port_core_destroy(t->pc);
	t->pc = NULL;
}

static inline void pt_ev(struct pt *t, struct pev *ev)
{
	ev->now_ns = t->now;
	memset(&t->out, 0xA5, sizeof(t->out));	/* core must reset n */
	port_core_handle(t->pc, ev, &t->out);
	cr_assert_leq(t->out.n, PACT_MAX);
}

static inline void pt_simple(struct pt *t, enum pev_type type)
{
	struct pev ev = { .type = type };

	pt_ev(t, &ev);
}

static inline void pt_timer(struct pt *t, enum port_timer tm)
{
	struct pev ev = { .type = PEV_TIMER };

	ev.u.timer = tm;
	pt_ev(t, &ev);
}

static inline void pt_decide(struct pt *t, enum bmca_rec rec)
{
	struct pev ev = { .type = PEV_DECISION };

	ev.u.decision.rec = rec;
	ev.u.decision.ds = t->clk;	/* the decision carries the data sets */
	pt_ev(t, &ev);
}

static inline void pt_txts(struct pt *t, uint8_t type, uint16_t seq, tmv_t ts)
{
	struct pev ev = { .type = PEV_TXTS };

	ev.u.txts.msg_type = type;
	ev.u.txts.seq = seq;
	ev.u.txts.ts = ts;
	pt_ev(t, &ev);
}

/* A header as a peer in our domain would send it. */
static inline void pt_msg(struct ptp_msg *m, int type,
			  const struct port_identity *src, uint16_t seq)
{
	memset(m, 0, sizeof(*m));
	ptp_header_init(&m->hdr, type);
	m->hdr.sourcePortIdentity = *src;
	m->hdr.sequenceId = seq;
	if (type == PTP_SYNC || type == PTP_PDELAY_RESP) {
		m->hdr.flagField = PTP_FLAG_TWO_STEP;
	}
	if (type == PTP_ANNOUNCE) {
		m->hdr.logMessageInterval = 1;
	}
}

/* Announce of src for a grandmaster gm with priority1 p1. */
static inline void pt_announce(struct ptp_msg *m,
			       const struct port_identity *src, uint16_t seq,
			       uint8_t p1)
{
	pt_msg(m, PTP_ANNOUNCE, src, seq);
	m->body.announce.grandmasterPriority1 = p1;
	m->body.announce.grandmasterPriority2 = 128;
	m->body.announce.grandmasterClockQuality.clockClass = 248;
	m->body.announce.grandmasterClockQuality.clockAccuracy = 0xFE;
	m->body.announce.grandmasterClockQuality.offsetScaledLogVariance =
		0xFFFF;
	m->body.announce.grandmasterIdentity = src->clockIdentity;
	m->body.announce.currentUtcOffset = 37;
	m->body.announce.timeSource = 0xA0;
}

/* Pack m and hand it in, with an RX stamp when has_ts. */
static inline void pt_rx_ts(struct pt *t, const struct ptp_msg *m,
			    bool has_ts, tmv_t ts)
{
	uint8_t buf[PTP_MSG_MAX];
	struct pev ev = { .type = PEV_RX };
	int len = ptp_msg_pack(m, buf, sizeof(buf));

	cr_assert_gt(len, 0, "pack: %d", len);
	ev.u.rx.buf = buf;
	ev.u.rx.len = (uint16_t)len;
	ev.u.rx.has_ts = has_ts;
	ev.u.rx.ts = ts;
	pt_ev(t, &ev);
}

static inline void pt_rx(struct pt *t, const struct ptp_msg *m)
{
	pt_rx_ts(t, m, !PTP_MSG_IS_EVENT(m->hdr.messageType) ? false : true,
		 tmv_zero());
}

/* The first action of a type; for PACT_TIMER `sub` is the timer and
 * `arm` tells arm (1) from stop (0); for PACT_SEND `sub` is the
 * messageType; -1 matches any. */
static inline const struct pact *pt_find(const struct pact_list *l,
					 enum pact_type type, int sub,
					 int arm)
{
	unsigned i;

	for (i = 0; i < l->n; i++) {
		const struct pact *a = &l->a[i];

		if (a->type != type) {
			continue;
		}
		if (type == PACT_TIMER) {
			if (sub >= 0 && (int)a->u.timer.timer != sub) {
				continue;
			}
			if (arm >= 0 && (a->u.timer.ns >= 0) != (arm == 1)) {
				continue;
			}
		}
		if (type == PACT_SEND && sub >= 0 &&
		    a->u.send.msg_type != sub) {
			continue;
		}
		return a;
	}
	return NULL;
}

static inline unsigned pt_count(const struct pact_list *l,
				enum pact_type type)
{
	unsigned i, n = 0;

	for (i = 0; i < l->n; i++) {
		n += l->a[i].type == type;
	}
	return n;
}

static inline const struct pact *pt_armed(const struct pt *t,
					  enum port_timer tm)
{
	return pt_find(&t->out, PACT_TIMER, tm, 1);
}

static inline const struct pact *pt_stopped(const struct pt *t,
					    enum port_timer tm)
{
	return pt_find(&t->out, PACT_TIMER, tm, 0);
}

/* The message of the first PACT_SEND of `type`, decoded. */
static inline const struct pact *pt_sent(const struct pt *t, int type,
					 struct ptp_msg *m)
{
	const struct pact *a = pt_find(&t->out, PACT_SEND, type, -1);
	int rc;

	cr_assert_not_null(a, "no %s sent", ptp_msg_type_str(type));
	rc = ptp_msg_unpack(a->u.send.buf, a->u.send.len, m);
	cr_assert_eq(rc, 0, "sent %s does not decode: %d",
		     ptp_msg_type_str(type), rc);
	cr_assert_eq(m->hdr.messageType, type);
	return a;
}

static inline void pt_assert_state(const struct pt *t, enum port_state s)
{
	cr_assert_eq(port_core_state(t->pc), s, "state %s, want %s",
		     port_state_str(port_core_state(t->pc)),
		     port_state_str(s));
	cr_assert_eq(port_core_ds(t->pc)->portState, s);
}

/* The last PACT_STATE of the list is from -> to. */
static inline void pt_assert_change(const struct pt *t, enum port_state from,
				    enum port_state to)
{
	const struct pact *a = NULL;
	unsigned i;

	for (i = 0; i < t->out.n; i++) {
		if (t->out.a[i].type == PACT_STATE) {
			a = &t->out.a[i];
		}
	}
	cr_assert_not_null(a, "no PACT_STATE");
	cr_assert_eq(a->u.state.from, from, "from %s",
		     port_state_str(a->u.state.from));
	cr_assert_eq(a->u.state.to, to, "to %s",
		     port_state_str(a->u.state.to));
}

/* Two Announces of src 2 s apart (interval 2 s): src qualifies. */
static inline void pt_qualify(struct pt *t, const struct port_identity *src,
			      uint8_t p1)
{
	struct ptp_msg m;

	pt_announce(&m, src, 100, p1);
	pt_rx(t, &m);
	t->now += 2 * NS_PER_SEC;
	pt_announce(&m, src, 101, p1);
	pt_rx(t, &m);
}

/* Start, hear pt_m1 twice and take S1: UNCALIBRATED following pt_m1. */
static inline void pt_to_slave(struct pt *t)
{
	pt_simple(t, PEV_START);
	pt_qualify(t, &pt_m1, 100);
	cr_assert_not_null(port_core_erbest(t->pc));
	pt_decide(t, BMCA_REC_S1);
	pt_assert_state(t, PS_UNCALIBRATED);
}

static inline tmv_t pt_ns(int64_t ns)
{
	return tmv_from_ns(ns);
}

/* sec s + ns n + sub-ns k/65536 */
static inline tmv_t pt_t(int64_t s, int64_t n, int64_t k)
{
	return tmv_make(s, (n << SNS_SHIFT) + k);
}

static inline void pt_assert_tmv(tmv_t got, tmv_t want, const char *what)
{
	char g[48], w[48];

	tmv_format(got, g, sizeof(g));
	tmv_format(want, w, sizeof(w));
	cr_assert(tmv_cmp(got, want) == 0,
		  "%s: %s (%lld sns), want %s (%lld sns)", what, g,
		  (long long)tmv_to_scaled_ns(got), w,
		  (long long)tmv_to_scaled_ns(want));
}

/*
 * ---- a port with its clock around it (portd --standalone in miniature)
 *
 * ptl_feed() hands an event to the core and carries its actions out the
 * way portd's loop does: timers get absolute deadlines, PACT_ERBEST runs
 * the BMCA of a one-port clock (state decision, bmca_apply(), then a
 * PEV_DECISION). ptl_run_until() fires the armed timers that fall due in
 * order. State changes are counted, and whether the port ever left SLAVE
 * (or UNCALIBRATED and SLAVE) once it got there.
 */
struct ptl {
	struct pt t;
	int64_t due[PT_COUNT];		/* deadline, -1: stopped */
	unsigned n_state;		/* PACT_STATE seen */
	unsigned n_erbest;		/* PACT_ERBEST seen */
	unsigned n_new_master;		/* PACT_NEW_MASTER seen */
	unsigned n_not_slave;		/* ... to neither UNCALIBRATED
					 * nor SLAVE after was_slave */
	bool was_slave;
	bool left_slave;
};

static inline void ptl_bmca(struct ptl *l)
{
	const struct bmca_ds *erbest = port_core_erbest(l->t.pc);
	bool master_only = l->t.cfg.ds.masterOnly;
	const struct bmca_ds *list[1] = { erbest };
	const struct bmca_ds *ebest;
	struct bmca_port_in in;
	enum bmca_rec rec;
	int best;

	best = bmca_select_ebest(list, &master_only, 1);
	ebest = best >= 0 ? list[best] : NULL;
	memset(&in, 0, sizeof(in));
	in.erbest = erbest;
	in.master_only = master_only;
	in.state = port_core_state(l->t.pc);
	rec = bmca_state_decision(&l->t.clk.dflt, ebest, ebest != NULL, &in);
	bmca_apply(&l->t.clk, rec, ebest, NULL);
	pt_decide(&l->t, rec);
}

/* Carry out t.out; true when it asked for a BMCA run. */
static inline bool ptl_actions(struct ptl *l)
{
	enum port_state s = port_core_state(l->t.pc);
	bool bmca = false;
	unsigned i;

	for (i = 0; i < l->t.out.n; i++) {
		const struct pact *a = &l->t.out.a[i];

		switch (a->type) {
		case PACT_TIMER:
			cr_assert_lt(a->u.timer.timer, PT_COUNT);
			l->due[a->u.timer.timer] = a->u.timer.ns < 0 ? -1 :
						   l->t.now + a->u.timer.ns;
			break;
		case PACT_STATE:
			l->n_state++;
			if (a->u.state.from == PS_SLAVE) {
				l->left_slave = true;
			}
			if (l->was_slave &&
			    a->u.state.to != PS_UNCALIBRATED &&
			    a->u.state.to != PS_SLAVE) {
				l->n_not_slave++;
			}
			if (a->u.state.to == PS_SLAVE) {
				l->was_slave = true;
			}
			break;
		case PACT_ERBEST:
			l->n_erbest++;
			bmca = true;
			break;
		case PACT_NEW_MASTER:
			l->n_new_master++;
			break;
		default:
			break;
		}
	}
	if (s == PS_SLAVE) {
		l->was_slave = true;
	}
	return bmca;
}

static inline void ptl_feed(struct ptl *l, struct pev *ev)
{
	unsigned n = 0;

	pt_ev(&l->t, ev);
	while (ptl_actions(l)) {
		cr_assert_lt(n++, 8, "BMCA does not settle");
		ptl_bmca(l);
	}
}

static inline void ptl_setup(struct ptl *l, uint8_t dm)
{
	unsigned i;

	memset(l, 0, sizeof(*l));
	pt_setup(&l->t, dm);
	for (i = 0; i < PT_COUNT; i++) {
		l->due[i] = -1;
	}
}

static inline void ptl_simple(struct ptl *l, enum pev_type type)
{
	struct pev ev = { .type = type };

	ptl_feed(l, &ev);
}

static inline void ptl_rx(struct ptl *l, const struct ptp_msg *m)
{
	uint8_t buf[PTP_MSG_MAX];
	struct pev ev = { .type = PEV_RX };
	int len = ptp_msg_pack(m, buf, sizeof(buf));

	cr_assert_gt(len, 0, "pack: %d", len);
	ev.u.rx.buf = buf;
	ev.u.rx.len = (uint16_t)len;
	ev.u.rx.has_ts = PTP_MSG_IS_EVENT(m->hdr.messageType);
	ptl_feed(l, &ev);
}

/* Fire the timers due up to `until` in deadline order, then move there. */
static inline void ptl_run_until(struct ptl *l, int64_t until)
{
	for (;;) {
		struct pev ev = { .type = PEV_TIMER };
		int next = -1;
		unsigned i;

		for (i = 0; i < PT_COUNT; i++) {
			if (l->due[i] >= 0 && l->due[i] <= until &&
			    (next < 0 || l->due[i] < l->due[next])) {
				next = (int)i;
			}
		}
		if (next < 0) {
			break;
		}
		if (l->due[next] > l->t.now) {
			l->t.now = l->due[next];
		}
		l->due[next] = -1;
		ev.u.timer = (enum port_timer)next;
		ptl_feed(l, &ev);
	}
	if (until > l->t.now) {
		l->t.now = until;
	}
}

#endif
