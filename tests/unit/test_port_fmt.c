/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the foreign master table of common/port_fmt.c when it is
 * full (IEEE 1588-2019 9.3.2.4; issue 6 item 1): which entry makes room for
 * a new sender, and a synchronised slave under a stream of Announces from
 * more than a thousand new identities, worse and better than its master,
 * with the BMCA of a one-port clock run on every PACT_ERBEST (port_test.h
 * struct ptl, as portd --standalone does).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "log.h"
#include "port_core_private.h"	/* the table itself, to check it */
#include "port_test.h"

static void pfmt_init(void)
{
	log_set_level(LOG_EMERG);
}

TestSuite(port_fmt, .init = pfmt_init, .timeout = 60);

/* Sender number i of a flood: "02xxxx.fffe.xxxx01" port 1, the x from a
 * bijective mix of i, so that they come in no particular BMCA order
 * (sender 0 is "020000.fffe.000001", the best of all). */
static struct port_identity pfmt_id(unsigned i)
{
	uint32_t x = (uint32_t)i * 0x9e3779b1u;
	struct port_identity p = { { { 0 } }, 1 };

	x ^= x >> 16;
	p.clockIdentity.id[0] = 0x02;
	p.clockIdentity.id[1] = (uint8_t)(x >> 24);
	p.clockIdentity.id[2] = (uint8_t)(x >> 16);
	p.clockIdentity.id[3] = 0xff;
	p.clockIdentity.id[4] = 0xfe;
	p.clockIdentity.id[5] = (uint8_t)(x >> 8);
	p.clockIdentity.id[6] = (uint8_t)x;
	p.clockIdentity.id[7] = 0x01;
	return p;
}

static unsigned pfmt_used(const struct port_core *pc)
{
	unsigned i, j, n = 0;

	for (i = 0; i < FOREIGN_MASTER_MAX; i++) {
		if (!pc->fm[i].used) {
			continue;
		}
		n++;
		for (j = i + 1; j < FOREIGN_MASTER_MAX; j++) {
			cr_assert(!pc->fm[j].used ||
				  port_identity_cmp(&pc->fm[i].sender,
						    &pc->fm[j].sender),
				  "sender twice in the table");
		}
	}
	return n;
}

static const struct fm_entry *pfmt_entry(const struct port_core *pc,
					 const struct port_identity *p)
{
	unsigned i;

	for (i = 0; i < FOREIGN_MASTER_MAX; i++) {
		if (pc->fm[i].used &&
		    !port_identity_cmp(&pc->fm[i].sender, p)) {
			return &pc->fm[i];
		}
	}
	return NULL;
}

static void pfmt_assert_erbest(const struct port_core *pc,
			       const struct port_identity *p)
{
	const struct bmca_ds *e = port_core_erbest(pc);

	cr_assert_not_null(e, "no Erbest");
	cr_assert_eq(port_identity_cmp(&e->sender, p), 0,
		     "Erbest is %02x..%02x, not %02x..%02x",
		     e->sender.clockIdentity.id[0],
		     e->sender.clockIdentity.id[7], p->clockIdentity.id[0],
		     p->clockIdentity.id[7]);
}

/* One Announce each from senders first..first+n-1, priority1 p1 + k. */
static void pfmt_announce_n(struct pt *t, unsigned first, unsigned n,
			    unsigned p1, uint16_t seq)
{
	struct port_identity p;
	struct ptp_msg m;
	unsigned k;

	for (k = 0; k < n; k++) {
		p = pfmt_id(first + k);
		pt_announce(&m, &p, seq, (uint8_t)(p1 + k));
		pt_rx(t, &m);
	}
}

/* ---- the victim rule ---- */

/* Full of qualified entries: a worse newcomer is dropped, a better one
 * takes the place of the worst entry and qualifies as usual. */
Test(port_fmt, full_table_drops_worse_and_evicts_the_worst)
{
	const struct port_counters *c;
	struct port_identity p;
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	c = port_core_counters(t.pc);
	pt_simple(&t, PEV_START);
	pfmt_announce_n(&t, 0, FOREIGN_MASTER_MAX, 100, 1);
	t.now += NS_PER_SEC;
	pfmt_announce_n(&t, 0, FOREIGN_MASTER_MAX, 100, 2);
	cr_assert_eq(pfmt_used(t.pc), FOREIGN_MASTER_MAX);
	p = pfmt_id(0);
	pfmt_assert_erbest(t.pc, &p);

	/* Worse than all: not stored, nothing evicted. */
	p = pfmt_id(100);
	pt_announce(&m, &p, 1, 200);
	pt_rx(&t, &m);
	cr_assert_null(pfmt_entry(t.pc, &p));
	cr_assert_eq(c->fmt_full, 1);
	cr_assert_eq(c->fmt_evicted, 0);
	cr_assert_eq(pfmt_used(t.pc), FOREIGN_MASTER_MAX);

	/* Better than the worst (p1 107): it goes, the newcomer comes. */
	p = pfmt_id(101);
	pt_announce(&m, &p, 1, 50);
	pt_rx(&t, &m);
	cr_assert_not_null(pfmt_entry(t.pc, &p));
	p = pfmt_id(FOREIGN_MASTER_MAX - 1);
	cr_assert_null(pfmt_entry(t.pc, &p), "the worst stays");
	cr_assert_eq(c->fmt_evicted, 1);
	cr_assert_eq(c->fmt_full, 1);
	/* Not qualified after one Announce, qualified after two. */
	p = pfmt_id(0);
	pfmt_assert_erbest(t.pc, &p);
	t.now += NS_PER_SEC;
	p = pfmt_id(101);
	pt_announce(&m, &p, 2, 50);
	pt_rx(&t, &m);
	cr_assert_not_null(pt_find(&t.out, PACT_ERBEST, -1, -1));
	pfmt_assert_erbest(t.pc, &p);
	cr_assert_eq(pfmt_used(t.pc), FOREIGN_MASTER_MAX);
	pt_destroy(&t);
}

/* Unqualified entries make room first, however good they claim to be. */
Test(port_fmt, full_table_unqualified_go_first)
{
	const struct port_counters *c;
	struct port_identity p;
	struct ptp_msg m;
	unsigned i;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	c = port_core_counters(t.pc);
	pt_simple(&t, PEV_START);
	/* 0..3 qualified with p1 200..203, 4..7 heard once with p1 10..13. */
	pfmt_announce_n(&t, 0, 4, 200, 1);
	t.now += NS_PER_SEC;
	pfmt_announce_n(&t, 0, 4, 200, 2);
	pfmt_announce_n(&t, 4, 4, 10, 1);
	cr_assert_eq(pfmt_used(t.pc), FOREIGN_MASTER_MAX);

	/* p1 150 is worse than every unqualified entry: dropped, although
	 * it is better than the qualified ones. */
	p = pfmt_id(100);
	pt_announce(&m, &p, 1, 150);
	pt_rx(&t, &m);
	cr_assert_null(pfmt_entry(t.pc, &p));
	cr_assert_eq(c->fmt_full, 1);
	/* p1 5 replaces the worst unqualified (sender 7, p1 13). */
	p = pfmt_id(101);
	pt_announce(&m, &p, 1, 5);
	pt_rx(&t, &m);
	cr_assert_not_null(pfmt_entry(t.pc, &p));
	p = pfmt_id(7);
	cr_assert_null(pfmt_entry(t.pc, &p));
	cr_assert_eq(c->fmt_evicted, 1);
	for (i = 0; i < 4; i++) {
		p = pfmt_id(i);
		cr_assert_not_null(pfmt_entry(t.pc, &p), "qualified %u", i);
	}
	p = pfmt_id(0);
	pfmt_assert_erbest(t.pc, &p);
	pt_destroy(&t);
}

/* The parent's entry is never the victim, even when it is the worst (its
 * Erbest has moved on and the BMCA has not yet run). */
Test(port_fmt, full_table_keeps_the_parent)
{
	const struct port_counters *c;
	struct port_identity p;
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	c = port_core_counters(t.pc);
	pt_to_slave(&t);		/* parent pt_m1, p1 100 */
	pt_simple(&t, PEV_SYNCED);
	pt_assert_state(&t, PS_SLAVE);
	/* Seven better ones qualify. */
	pfmt_announce_n(&t, 0, FOREIGN_MASTER_MAX - 1, 50, 1);
	t.now += NS_PER_SEC;
	pfmt_announce_n(&t, 0, FOREIGN_MASTER_MAX - 1, 50, 2);
	pt_announce(&m, &pt_m1, 102, 100);
	pt_rx(&t, &m);
	cr_assert_eq(pfmt_used(t.pc), FOREIGN_MASTER_MAX);
	p = pfmt_id(0);
	pfmt_assert_erbest(t.pc, &p);

	/* p1 60: better than the parent, worse than the others. */
	p = pfmt_id(100);
	pt_announce(&m, &p, 1, 60);
	pt_rx(&t, &m);
	cr_assert_null(pfmt_entry(t.pc, &p));
	cr_assert_not_null(pfmt_entry(t.pc, &pt_m1), "parent evicted");
	cr_assert_eq(c->fmt_full, 1);
	cr_assert_eq(c->fmt_evicted, 0);
	/* Its next Announce finds it qualified and restarts the receipt
	 * timeout. */
	t.now += NS_PER_SEC;
	pt_announce(&m, &pt_m1, 103, 100);
	pt_rx(&t, &m);
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	cr_assert(fmt_is_qualified(t.pc, &pt_m1, t.now));
	pt_destroy(&t);
}

/* The parent's entry expired (silent for a window, not yet for the
 * announce receipt timeout) and a newcomer took its place: the parent's
 * next Announce gets a place back, however bad its data set. */
Test(port_fmt, full_table_parent_coming_back_gets_a_place)
{
	const struct port_counters *c;
	struct port_identity p;
	struct ptp_msg m;
	int64_t t0;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	c = port_core_counters(t.pc);
	pt_to_slave(&t);		/* pt_m1 at t0 - 2 s and t0 */
	t0 = t.now;
	t.now = t0 + 4 * NS_PER_SEC;
	pfmt_announce_n(&t, 0, FOREIGN_MASTER_MAX - 1, 50, 1);
	t.now = t0 + 7 * NS_PER_SEC;
	pfmt_announce_n(&t, 0, FOREIGN_MASTER_MAX - 1, 50, 2);
	/* t0 + 8.5 s: pt_m1's entry has expired, a newcomer takes it. */
	t.now = t0 + 8 * NS_PER_SEC + NS_PER_SEC / 2;
	p = pfmt_id(100);
	pt_announce(&m, &p, 1, 40);
	pt_rx(&t, &m);
	cr_assert_null(pfmt_entry(t.pc, &pt_m1));
	cr_assert_not_null(pfmt_entry(t.pc, &p));
	pt_assert_state(&t, PS_UNCALIBRATED);
	cr_assert_eq(c->fmt_evicted + c->fmt_full, 0);
	/* pt_m1 again: worse than everything, but it is our parent. */
	t.now += NS_PER_SEC / 2;
	pt_announce(&m, &pt_m1, 102, 100);
	pt_rx(&t, &m);
	cr_assert_not_null(pfmt_entry(t.pc, &pt_m1));
	cr_assert_null(pfmt_entry(t.pc, &p), "the unqualified one goes");
	cr_assert_eq(c->fmt_evicted, 1);
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	pt_destroy(&t);
}

/* ---- floods against a synchronised slave ---- */

#define PFMT_IVL	(2 * NS_PER_SEC)	/* pt_announce's interval */

/* UNCALIBRATED then SLAVE of pt_m1 (p1 100) with the BMCA loop; cfg (if
 * not NULL) adjusts the port's configuration before it is created. */
static void pfmt_slave_cfg(struct ptl *l, void (*cfg)(struct port_core_cfg *))
{
	struct ptp_msg m;

	ptl_setup(l, DM_E2E);
	if (cfg) {
		cfg(&l->t.cfg);
	}
	pt_create(&l->t);
	ptl_simple(l, PEV_START);
	pt_announce(&m, &pt_m1, 0, 100);
	ptl_rx(l, &m);
	ptl_run_until(l, l->t.now + PFMT_IVL);
	pt_announce(&m, &pt_m1, 1, 100);
	ptl_rx(l, &m);
	pt_assert_state(&l->t, PS_UNCALIBRATED);
	ptl_simple(l, PEV_SYNCED);
	pt_assert_state(&l->t, PS_SLAVE);
	pfmt_assert_erbest(l->t.pc, &pt_m1);
	l->n_state = 0;
	l->n_new_master = 0;
	l->left_slave = false;
}

static void pfmt_slave(struct ptl *l)
{
	pfmt_slave_cfg(l, NULL);
}

struct pfmt_flood {
	unsigned intervals;	/* master Announce intervals it lasts */
	unsigned per_ivl;	/* new-sender Announces per interval */
	unsigned n_ids;		/* distinct senders, used in turn */
	unsigned p1;		/* their priority1 */
	/* Optional: a real better master starting at interval better_from
	 * (0: none), announcing every interval with p1 better_p1. */
	unsigned better_from;
	unsigned better_p1;
};

/*
 * pt_m1 announces at the start of every interval (seq 2, 3, ...), the
 * flood's Announces are spread evenly over it. With `strict` the port
 * must stay SLAVE of pt_m1 with Erbest pt_m1 after every event.
 * Returns the number of flood Announces sent.
 */
static unsigned pfmt_run(struct ptl *l, const struct pfmt_flood *f,
			 bool strict)
{
	unsigned k, j, sent = 0;
	struct port_identity p;
	struct ptp_msg m;
	int64_t t0;

	for (k = 0; k < f->intervals; k++) {
		t0 = l->t.now;
		pt_announce(&m, &pt_m1, (uint16_t)(2 + k), 100);
		ptl_rx(l, &m);
		if (f->better_from && k >= f->better_from) {
			pt_announce(&m, &pt_m2, (uint16_t)k,
				    (uint8_t)f->better_p1);
			ptl_rx(l, &m);
		}
		for (j = 0; j < f->per_ivl; j++) {
			ptl_run_until(l, t0 + (int64_t)(j + 1) * PFMT_IVL /
					 (f->per_ivl + 1));
			p = pfmt_id(sent % f->n_ids);
			pt_announce(&m, &p, (uint16_t)(sent / f->n_ids),
				    (uint8_t)f->p1);
			ptl_rx(l, &m);
			sent++;
			cr_assert_leq(pfmt_used(l->t.pc), FOREIGN_MASTER_MAX);
			if (strict) {
				pt_assert_state(&l->t, PS_SLAVE);
				pfmt_assert_erbest(l->t.pc, &pt_m1);
			}
		}
		ptl_run_until(l, t0 + PFMT_IVL);
	}
	return sent;
}

static void pfmt_assert_kept(const struct ptl *l)
{
	cr_assert_eq(l->n_state, 0, "%u state changes", l->n_state);
	cr_assert(!l->left_slave);
	cr_assert_eq(l->n_new_master, 0);
	pt_assert_state(&l->t, PS_SLAVE);
	pfmt_assert_erbest(l->t.pc, &pt_m1);
	cr_assert_eq(port_identity_cmp(&l->t.clk.parent.parentPortIdentity,
				       &pt_m1), 0);
}

/* 1200 new senders with priority1 255, once each, 20/s. */
Test(port_fmt, flood_worse_new_identities_slave_keeps_master)
{
	struct pfmt_flood f = { .intervals = 30, .per_ivl = 40,
				.n_ids = 1200, .p1 = 255 };
	struct ptl l;

	pfmt_slave(&l);
	cr_assert_eq(pfmt_run(&l, &f, true), 1200);
	pfmt_assert_kept(&l);
	cr_assert_gt(port_core_counters(l.t.pc)->fmt_full, 1000);
	pt_destroy(&l.t);
}

/* 20 worse senders in turn, 20 per interval: each announces every 2 s
 * like a real master, so those that get a place qualify; the master stays
 * Erbest. */
Test(port_fmt, flood_worse_repeating_senders_slave_keeps_master)
{
	struct pfmt_flood f = { .intervals = 60, .per_ivl = 20,
				.n_ids = 20, .p1 = 255 };
	struct ptl l;
	unsigned i, q = 0;

	pfmt_slave(&l);
	pfmt_run(&l, &f, true);
	pfmt_assert_kept(&l);
	for (i = 0; i < f.n_ids; i++) {
		struct port_identity p = pfmt_id(i);

		q += fmt_is_qualified(l.t.pc, &p, l.t.now);
	}
	cr_assert_gt(q, 0, "no flood sender qualified");
	pt_destroy(&l.t);
}

/* 1200 new senders with priority1 0 (better than the master), once each:
 * none qualifies, so none can become Erbest (9.3.2.4.4). */
Test(port_fmt, flood_better_new_identities_never_qualify)
{
	struct pfmt_flood f = { .intervals = 30, .per_ivl = 40,
				.n_ids = 1200, .p1 = 0 };
	const struct port_counters *c;
	struct ptl l;

	pfmt_slave(&l);
	cr_assert_eq(pfmt_run(&l, &f, true), 1200);
	pfmt_assert_kept(&l);
	c = port_core_counters(l.t.pc);
	cr_assert_gt(c->fmt_evicted, 0);
	cr_assert_gt(c->fmt_full, 0);
	cr_assert_gt(c->fmt_evicted + c->fmt_full, 1000);
	pt_destroy(&l.t);
}

/* The same flood (priority1 50) while a real master pt_m2 with
 * priority1 10 starts announcing: it qualifies with its second Announce,
 * becomes Erbest, and the port follows it (S1, UNCALIBRATED, new master),
 * without ever passing through LISTENING or MASTER. */
Test(port_fmt, flood_better_real_better_master_takes_over)
{
	struct pfmt_flood f = { .intervals = 10, .per_ivl = 40,
				.n_ids = 1200, .p1 = 50,
				.better_from = 5, .better_p1 = 10 };
	struct ptl l;

	pfmt_slave(&l);
	pfmt_run(&l, &f, false);
	pfmt_assert_erbest(l.t.pc, &pt_m2);
	cr_assert_eq(port_identity_cmp(&l.t.clk.parent.parentPortIdentity,
				       &pt_m2), 0);
	cr_assert_eq(l.n_new_master, 1);
	cr_assert_eq(l.n_state, 1, "%u state changes", l.n_state);
	cr_assert_eq(l.n_not_slave, 0);
	pt_assert_state(&l.t, PS_UNCALIBRATED);
	ptl_simple(&l, PEV_SYNCED);
	pt_assert_state(&l.t, PS_SLAVE);
	pt_destroy(&l.t);
}

/* 20 better senders (priority1 0) announcing every 2 s: those kept
 * qualify, the best of them becomes Erbest and the port follows it, as the
 * standard says; it never leaves UNCALIBRATED/SLAVE, and the table never
 * overflows. */
Test(port_fmt, flood_better_repeating_senders_followed)
{
	struct pfmt_flood f = { .intervals = 30, .per_ivl = 20,
				.n_ids = 20, .p1 = 0 };
	struct port_identity best = pfmt_id(0);
	enum port_state s;
	struct ptl l;

	pfmt_slave(&l);
	pfmt_run(&l, &f, false);
	s = port_core_state(l.t.pc);
	cr_assert(s == PS_UNCALIBRATED || s == PS_SLAVE, "state %s",
		  port_state_str(s));
	cr_assert_eq(l.n_not_slave, 0, "left UNCALIBRATED/SLAVE");
	pfmt_assert_erbest(l.t.pc, &best);
	cr_assert_eq(port_identity_cmp(&l.t.clk.parent.parentPortIdentity,
				       &best), 0);
	cr_assert_geq(l.n_new_master, 1);
	pt_destroy(&l.t);
}

/* ---- hostile traffic (issue 9): acceptable masters, master lock ---- */

/* An acceptable master table listing pt_m1 by clockIdentity. */
static void pfmt_amt_m1(struct port_core_cfg *c)
{
	c->amt_enabled = true;
	c->n_amt = 1;
	c->amt[0].id = pt_m1.clockIdentity;
}

/* Better senders announcing every 2 s, as in
 * flood_better_repeating_senders_followed, but the port has an acceptable
 * master table with its master only: none of them gets in, the port stays
 * SLAVE of pt_m1 throughout, each of their Announces is counted. */
Test(port_fmt, amt_better_repeating_senders_master_kept)
{
	struct pfmt_flood f = { .intervals = 30, .per_ivl = 20,
				.n_ids = 20, .p1 = 0 };
	const struct port_counters *c;
	struct ptl l;
	unsigned sent;

	pfmt_slave_cfg(&l, pfmt_amt_m1);
	sent = pfmt_run(&l, &f, true);
	pfmt_assert_kept(&l);
	c = port_core_counters(l.t.pc);
	cr_assert_eq(c->rx_not_acceptable, sent, "%llu of %u counted",
		     (unsigned long long)c->rx_not_acceptable, sent);
	cr_assert_eq(pfmt_used(l.t.pc), 1, "only the master in the table");
	cr_assert_eq(c->fmt_full + c->fmt_evicted, 0);
	pt_destroy(&l.t);
}

/* The table disabled: its entries do not matter (the standard's
 * behaviour, the flood's best sender is followed). */
Test(port_fmt, amt_disabled_is_the_standard)
{
	struct pt t;
	struct ptp_msg m;

	pt_setup(&t, DM_E2E);
	pfmt_amt_m1(&t.cfg);
	t.cfg.amt_enabled = false;
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_announce(&m, &pt_m2, 1, 10);
	pt_rx(&t, &m);
	t.now += NS_PER_SEC;
	pt_announce(&m, &pt_m2, 2, 10);
	pt_rx(&t, &m);
	pfmt_assert_erbest(t.pc, &pt_m2);
	cr_assert_eq(port_core_counters(t.pc)->rx_not_acceptable, 0);
	pt_destroy(&t);
}

/* An Announce of src with the sender address addr (NULL: unknown). */
static void pfmt_rx_from(struct pt *t, const struct port_identity *src,
			 uint16_t seq, const uint8_t *addr, uint8_t len)
{
	uint8_t buf[PTP_MSG_MAX];
	struct pev ev = { .type = PEV_RX };
	struct ptp_msg m;
	int n;

	pt_announce(&m, src, seq, 10);
	n = ptp_msg_pack(&m, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	ev.u.rx.buf = buf;
	ev.u.rx.len = (uint16_t)n;
	ev.u.rx.src = addr;
	ev.u.rx.src_len = len;
	pt_ev(t, &ev);
}

/* By address: 10.0.0.1 and a MAC are acceptable; the same identity from
 * 10.0.0.2, or with no address known, is not; an empty enabled table
 * accepts nobody. */
Test(port_fmt, amt_by_address)
{
	static const uint8_t a1[4] = { 10, 0, 0, 1 }, a2[4] = { 10, 0, 0, 2 };
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };
	const struct port_counters *c;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.amt_enabled = true;
	t.cfg.n_amt = 2;
	t.cfg.amt[0].by_addr = true;
	t.cfg.amt[0].addr_len = 4;
	memcpy(t.cfg.amt[0].addr, a1, 4);
	t.cfg.amt[1].by_addr = true;
	t.cfg.amt[1].addr_len = 6;
	memcpy(t.cfg.amt[1].addr, mac, 6);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	c = port_core_counters(t.pc);

	pfmt_rx_from(&t, &pt_m2, 1, a2, 4);
	pfmt_rx_from(&t, &pt_m2, 2, NULL, 0);
	pfmt_rx_from(&t, &pt_m2, 3, a1, 3);	/* a prefix is not it */
	cr_assert_eq(c->rx_not_acceptable, 3);
	cr_assert_null(pfmt_entry(t.pc, &pt_m2));
	pfmt_rx_from(&t, &pt_m2, 4, a1, 4);
	t.now += NS_PER_SEC;
	pfmt_rx_from(&t, &pt_m2, 5, a1, 4);
	pfmt_assert_erbest(t.pc, &pt_m2);
	pfmt_rx_from(&t, &pt_m1, 1, mac, 6);
	t.now += NS_PER_SEC;
	pfmt_rx_from(&t, &pt_m1, 2, mac, 6);
	cr_assert(fmt_is_qualified(t.pc, &pt_m1, t.now));
	cr_assert_eq(c->rx_not_acceptable, 3);
	pt_destroy(&t);

	pt_setup(&t, DM_E2E);
	t.cfg.amt_enabled = true;
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pfmt_rx_from(&t, &pt_m1, 1, a1, 4);
	pfmt_rx_from(&t, &pt_m1, 2, NULL, 0);
	cr_assert_eq(port_core_counters(t.pc)->rx_not_acceptable, 2);
	cr_assert_null(pfmt_entry(t.pc, &pt_m1));
	pt_destroy(&t);
}

static void pfmt_lock(struct port_core_cfg *c)
{
	c->master_lock = true;
}

/*
 * master_lock on a port that is MASTER (nothing heard: the announce
 * receipt timeout): a rogue better clock announcing every interval for a
 * minute never gets in and the port never leaves MASTER; a worse clock
 * still qualifies (Erbest, so the BMCA can say M1/M2/M3 or PASSIVE).
 * Without the lock the same rogue makes the port UNCALIBRATED (see
 * master_lock_off_rogue_takes_the_port).
 */
static void pfmt_master(struct ptl *l, bool lock)
{
	ptl_setup(l, DM_E2E);
	if (lock) {
		pfmt_lock(&l->t.cfg);
	}
	pt_create(&l->t);
	ptl_simple(l, PEV_START);
	ptl_run_until(l, l->t.now + 10 * PFMT_IVL);
	pt_assert_state(&l->t, PS_MASTER);
	l->n_state = 0;
}

static void pfmt_rogue(struct ptl *l, unsigned intervals)
{
	struct ptp_msg m;
	unsigned k;

	for (k = 0; k < intervals; k++) {
		pt_announce(&m, &pt_m2, (uint16_t)k, 10);
		ptl_rx(l, &m);
		ptl_run_until(l, l->t.now + PFMT_IVL);
	}
}

Test(port_fmt, master_lock_rogue_better_clock_port_stays_master)
{
	struct ptp_msg m;
	struct ptl l;

	pfmt_master(&l, true);
	pfmt_rogue(&l, 30);
	pt_assert_state(&l.t, PS_MASTER);
	cr_assert_eq(l.n_state, 0, "%u state changes", l.n_state);
	cr_assert_eq(l.n_new_master, 0);
	cr_assert_null(pfmt_entry(l.t.pc, &pt_m2));
	cr_assert_eq(port_core_counters(l.t.pc)->rx_master_lock, 30);
	/* A worse clock (priority1 200 > our 128) is still heard. */
	pt_announce(&m, &pt_m1, 1, 200);
	ptl_rx(&l, &m);
	ptl_run_until(&l, l.t.now + PFMT_IVL);
	pt_announce(&m, &pt_m1, 2, 200);
	ptl_rx(&l, &m);
	pfmt_assert_erbest(l.t.pc, &pt_m1);
	pt_assert_state(&l.t, PS_MASTER);
	cr_assert_eq(port_core_counters(l.t.pc)->rx_master_lock, 30);
	pt_destroy(&l.t);
}

Test(port_fmt, master_lock_off_rogue_takes_the_port)
{
	struct ptl l;

	pfmt_master(&l, false);
	pfmt_rogue(&l, 3);
	pt_assert_state(&l.t, PS_UNCALIBRATED);
	cr_assert_eq(l.n_new_master, 1);
	cr_assert_eq(port_core_counters(l.t.pc)->rx_master_lock, 0);
	pt_destroy(&l.t);
}
