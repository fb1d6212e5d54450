// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_clkref.c - the boundary clock's policy (common/clkref) on simple
 * simulated clocks: a port's samples are its clock - true time, the
 * followers' comparisons exact.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "clkref.h"

TestSuite(clkref, .timeout = 10);

#define NCLK	2
#define IVL_NS	(1000000000LL / 16)

struct bc_sim {
	struct clkref r;
	double off[NCLK];	/* clock - true time, ns */
	double ferr[NCLK];	/* intrinsic frequency error, ppb */
	double adj[NCLK];	/* applied, ppb */
	int64_t now;
	int refuse_step;	/* clock that refuses steps, -1 */
	unsigned steps[NCLK];
	unsigned n_ev[CLKREF_EV_FOLLOW_HOLDOVER + 1];
	struct port_identity gm;
};

static void bs_init(struct bc_sim *b)
{
	struct clkref_cfg cfg;
	double f[NCLK] = { 0.0, 0.0 };

	memset(b, 0, sizeof(*b));
	clkref_cfg_default(&cfg);
	cfg.cc.sync_interval_s = 1.0 / 16;
	cfg.fl.period_s = 1.0 / 16;
	cfg.n_ports = 2;
	cfg.n_clocks = NCLK;
	cfg.port_clock[0] = 0;
	cfg.port_clock[1] = 1;
	cr_assert_eq(clkref_init(&b->r, &cfg, f), 0);
	b->off[0] = 3000.0;	/* within the 20 us first step */
	b->off[1] = -2000.0;
	b->ferr[0] = 20000.0;
	b->ferr[1] = -10000.0;
	b->refuse_step = -1;
	b->gm.clockIdentity.id[0] = 1;
	b->gm.portNumber = 1;
}

static void bs_do(struct bc_sim *b, struct clkref_out *o)
{
	unsigned i;
	int rc;

	for (i = 0; i < o->n_ev; i++) {
		b->n_ev[o->ev[i].type]++;
	}
	for (i = 0; i < o->n_act; i++) {
		const struct clkref_act *a = &o->act[i];
		unsigned from = o->n_ev, k;

		if (a->skip) {
			continue;
		}
		rc = 0;
		if (a->op == CLKREF_STEP) {
			if (a->clock == b->refuse_step) {
				rc = -EPERM;
			} else {
				b->off[a->clock] += (double)a->step_ns;
				b->steps[a->clock]++;
			}
		} else {
			b->adj[a->clock] = a->freq_ppb;
		}
		clkref_result(&b->r, o, i, rc);
		for (k = from; k < o->n_ev; k++) {
			b->n_ev[o->ev[k].type]++;
		}
	}
}

/* One sync interval: a sample from port p, then the follow tick. */
static void bs_step(struct bc_sim *b, int p)
{
	struct clkref_cmp cmp[CLKREF_MAX_CLOCKS];
	struct clkref_out o;
	unsigned c;

	for (c = 0; c < NCLK; c++) {
		b->off[c] += IVL_NS * 1e-9 * (b->ferr[c] + b->adj[c]);
	}
	b->now += IVL_NS;
	if (p >= 0) {
		clkref_sample(&b->r, (unsigned)p, &b->gm, -4,
			      llround(b->off[b->r.cfg.port_clock[p]]),
			      b->now, 0, b->now, &o);
		bs_do(b, &o);
	}
	memset(cmp, 0, sizeof(cmp));
	for (c = 0; c < NCLK; c++) {
		if (clkref_wants_compare(&b->r, c)) {
			cmp[c].done = true;
			cmp[c].off_ns = llround(b->off[c] -
						b->off[b->r.ref]);
			cmp[c].ref_ns = b->now;
		}
	}
	clkref_tick(&b->r, b->now, cmp, &o);
	bs_do(b, &o);
}

static void bs_decide(struct bc_sim *b, int s1_port)
{
	struct clkref_out o;
	unsigned p;

	for (p = 0; p < 2; p++) {
		clkref_decision(&b->r, p, (int)p == s1_port, b->now, &o);
		bs_do(b, &o);
	}
}

Test(clkref, slave_port_clock_is_the_reference_and_the_other_follows)
{
	struct bc_sim b;
	int i;

	bs_init(&b);
	bs_decide(&b, 0);
	cr_assert_eq(b.r.slave, 0);
	cr_assert_eq(b.r.ref, 0);
	cr_assert_eq(b.n_ev[CLKREF_EV_REFERENCE], 1);
	for (i = 0; i < 16 * 120; i++) {
		bs_step(&b, 0);
	}
	cr_assert(clkref_locked(&b.r));
	cr_assert(fabs(b.off[0]) < 50.0, "reference %.1f ns", b.off[0]);
	cr_assert(b.r.fl[1].locked, "the other clock follows");
	cr_assert(fabs(b.off[1] - b.off[0]) < 50.0, "follower %.1f ns",
		  b.off[1] - b.off[0]);
	clkref_fini(&b.r);
}

Test(clkref, samples_of_a_port_bmcad_says_is_not_slave_are_dropped)
{
	struct clkref_out o;
	struct bc_sim b;

	bs_init(&b);
	bs_decide(&b, 0);
	cr_assert_not(clkref_sample(&b.r, 1, &b.gm, -4, 100, 0, 0, b.now,
				    &o));
	cr_assert_eq(o.n_ev, 1);
	cr_assert_eq(o.ev[0].type, CLKREF_EV_NOT_SLAVE);
	cr_assert_eq(b.r.slave, 0);
	/* a decision counts decision_ttl_ns */
	b.now += b.r.cfg.decision_ttl_ns;
	cr_assert(clkref_sample(&b.r, 1, &b.gm, -4, 100, 0, 0, b.now, &o));
	cr_assert_eq(b.r.slave, 1);
	/* older than two sync intervals: stale */
	cr_assert_not(clkref_sample(&b.r, 1, &b.gm, -4, 100, 0,
				    3 * IVL_NS, b.now, &o));
	cr_assert_eq(o.ev[0].type, CLKREF_EV_STALE);
	clkref_fini(&b.r);
}

/* The warm switch (issue 8): both clocks locked; port 1 becomes slave:
 * no step of any clock, the state LOCKED throughout, no UNLOCKED. */
Test(clkref, locked_switch_is_warm)
{
	struct bc_sim b;
	enum clkctl_state st;
	int i, bad = 0;

	bs_init(&b);
	bs_decide(&b, 0);
	for (i = 0; i < 16 * 120; i++) {
		bs_step(&b, 0);
	}
	cr_assert(b.r.fl[1].locked);
	memset(b.steps, 0, sizeof(b.steps));
	bs_decide(&b, 1);
	cr_assert_eq(b.r.ref, 1);
	cr_assert_eq(b.r.warm_switches, 1);
	for (i = 0; i < 16 * 60; i++) {
		bs_step(&b, 1);
		st = clkref_state(&b.r);
		bad += st != CLKCTL_LOCKED && st != CLKCTL_LOCKED_STABLE;
	}
	cr_assert_eq(b.steps[0] + b.steps[1], 0, "a clock was stepped");
	cr_assert_eq(bad, 0, "%d intervals not locked", bad);
	cr_assert(b.r.fl[0].locked, "the old reference follows, locked");
	cr_assert(fabs(b.off[1]) < 50.0, "reference %.1f ns", b.off[1]);
	clkref_fini(&b.r);
}

Test(clkref, no_slave_port_is_holdover_for_every_clock)
{
	struct bc_sim b;
	int i;

	bs_init(&b);
	bs_decide(&b, 0);
	for (i = 0; i < 16 * 120; i++) {
		bs_step(&b, 0);
	}
	bs_decide(&b, -1);
	cr_assert_eq(b.r.slave, -1);
	/* at the next tick, if no port is slave by then */
	cr_assert_eq(b.n_ev[CLKREF_EV_HOLDOVER_NO_SLAVE], 0);
	bs_step(&b, -1);
	cr_assert_eq(clkref_state(&b.r), CLKCTL_HOLDOVER);
	cr_assert_eq(b.n_ev[CLKREF_EV_HOLDOVER_NO_SLAVE], 1);
	cr_assert(b.r.fl[1].holdover);
	cr_assert_eq(b.n_ev[CLKREF_EV_FOLLOW_HOLDOVER], 1);
	clkref_fini(&b.r);
}

/* A step of the reference: the running followers take it too; when the
 * reference refuses it, they do not. */
Test(clkref, followers_step_with_the_reference_only_if_it_stepped)
{
	struct clkctl_out co;
	struct clkref_out o;
	struct bc_sim b;
	unsigned i, with = 0;

	bs_init(&b);
	bs_decide(&b, 0);
	for (i = 0; i < 16 * 120; i++) {
		bs_step(&b, 0);
	}
	cr_assert(clkfollow_steps_with_ref(&b.r.fl[1]));
	/* a servo that jumps: a far new master */
	clkctl_new_reference(&b.r.cc, b.adj[0], false);
	memset(&co, 0, sizeof(co));
	b.off[0] += 5e6;
	b.refuse_step = 0;
	for (i = 0; i < 4 && !b.steps[0]; i++) {
		clkref_sample(&b.r, 0, &b.gm, -4, llround(b.off[0]), b.now,
			      0, b.now, &o);
		bs_do(&b, &o);
		for (unsigned k = 0; k < o.n_act; k++) {
			if (o.act[k].why == CLKREF_W_WITH_REF) {
				with++;
				cr_assert(o.act[k].skip);
			}
		}
		b.now += IVL_NS;
	}
	cr_assert(with > 0, "no follower step planned");
	cr_assert_eq(b.steps[1], 0, "a follower stepped alone");
	cr_assert(b.n_ev[CLKREF_EV_FAULT_NEW] >= 1);
	clkref_fini(&b.r);
}

Test(clkref, port_status_as_portd_hears_it)
{
	cr_assert_eq(clkref_port_status(true, true, true, true, false),
		     CLKREF_PORT_UNSYNCED);
	cr_assert_eq(clkref_port_status(true, false, false, false, true),
		     CLKREF_PORT_UNSYNCED);
	cr_assert_eq(clkref_port_status(true, false, false, false, false),
		     CLKREF_PORT_NONE);
	cr_assert_eq(clkref_port_status(false, true, true, false, true),
		     CLKREF_PORT_SYNCED);
	cr_assert_eq(clkref_port_status(false, false, true, false, true),
		     CLKREF_PORT_NONE);
	cr_assert_eq(clkref_port_status(false, true, false, false, true),
		     CLKREF_PORT_NONE);
}
