// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clkref.c - the clocks of a boundary clock (see clkref.h).
 *
 * Pure: no clock reads, no I/O, no globals.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "clkref.h"

void clkref_cfg_default(struct clkref_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	clkctl_cfg_default(&cfg->cc);
	clkfollow_cfg_default(&cfg->fl);
	cfg->decision_ttl_ns = 4 * (int64_t)1000000000;
}

static double clock_max(const struct clkref *r, int c, double dflt)
{
	double m = r->cfg.clock_max_ppb[c];

	return m > 0.0 ? m : dflt;
}

int clkref_init(struct clkref *r, const struct clkref_cfg *cfg,
		const double *freq_ppb)
{
	struct clkfollow_cfg fc;
	unsigned c, p;
	int rc;

	memset(r, 0, sizeof(*r));
	if (cfg->n_clocks < 1 || cfg->n_clocks > CLKREF_MAX_CLOCKS ||
	    cfg->n_ports < 1 || cfg->n_ports > CLKREF_MAX_PORTS) {
		return -EINVAL;
	}
	for (p = 0; p < cfg->n_ports; p++) {
		if (cfg->port_clock[p] >= cfg->n_clocks) {
			return -EINVAL;
		}
	}
	r->cfg = *cfg;
	r->slave = -1;
	r->ref = -1;
	r->log_sync = 127;
	rc = clkctl_init(&r->cc, &cfg->cc);
	if (rc < 0) {
		return rc;
	}
	for (c = 0; c < cfg->n_clocks; c++) {
		fc = cfg->fl;
		fc.max_frequency = clock_max(r, (int)c, fc.max_frequency);
		clkfollow_init(&r->fl[c], &fc, freq_ppb ? freq_ppb[c] : 0.0);
	}
	return 0;
}

void clkref_fini(struct clkref *r)
{
	unsigned c;

	for (c = 0; c < r->cfg.n_clocks; c++) {
		clkfollow_fini(&r->fl[c]);
	}
	clkctl_fini(&r->cc);
}

void clkref_period(struct clkref *r, double period_s)
{
	unsigned c;

	r->cfg.fl.period_s = period_s;
	for (c = 0; c < r->cfg.n_clocks; c++) {
		clkfollow_period(&r->fl[c], period_s);
	}
}

/* ---- output -------------------------------------------------------------- */

static struct clkref_ev *ev_add(struct clkref_out *out,
				enum clkref_ev_type type, int port, int clock)
{
	struct clkref_ev *e;

	if (out->n_ev >= CLKREF_EV_MAX) {
		return NULL;
	}
	e = &out->ev[out->n_ev++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->port = port;
	e->clock = clock;
	return e;
}

static struct clkref_act *act_add(struct clkref *r, struct clkref_out *out,
				  enum clkref_op op, enum clkref_why why,
				  int clock)
{
	struct clkref_act *a;

	if (out->n_act >= CLKREF_ACT_MAX) {
		return NULL;
	}
	a = &out->act[out->n_act++];
	memset(a, 0, sizeof(*a));
	a->op = op;
	a->why = why;
	a->clock = clock;
	a->group = r->group;
	return a;
}

static void out_clear(struct clkref_out *out)
{
	out->n_act = 0;
	out->n_ev = 0;
	out->stepped = false;
}

/* ---- the reference ------------------------------------------------------- */

/* The reference servo's events that hold once its actions worked. */
static void ref_done(struct clkref *r, struct clkref_out *out)
{
	if (r->pend.first_lock) {
		ev_add(out, CLKREF_EV_LOCKED, r->slave, r->ref);
	}
	if (r->pend.synced) {
		r->ref_locked = true;
	}
	memset(&r->pend, 0, sizeof(r->pend));
}

/*
 * clkctl's actions on the reference: a step (every follower with a
 * running servo steps with it), then the frequency. The events that need
 * them all to work come at the last one's result.
 */
static void ref_actions(struct clkref *r, const struct clkctl_out *o,
			struct clkref_out *out)
{
	struct clkref_act *a, *last = NULL;
	unsigned c, g;

	if (o->restarted) {
		ev_add(out, CLKREF_EV_RESTARTED, r->slave, r->ref)->ns =
			o->nm_median_ns;
	}
	if (o->holdover_end) {
		ev_add(out, CLKREF_EV_HOLDOVER_END, r->slave, r->ref);
	}
	r->pend = *o;
	if (r->ref < 0) {
		memset(&r->pend, 0, sizeof(r->pend));
		return;
	}
	g = ++r->group;
	if (o->step) {
		a = act_add(r, out, CLKREF_STEP, CLKREF_W_REF, r->ref);
		if (a) {
			a->step_ns = o->step_ns;
			last = a;
		}
		for (c = 0; c < r->cfg.n_clocks; c++) {
			if ((int)c == r->ref ||
			    !clkfollow_steps_with_ref(&r->fl[c])) {
				continue;
			}
			/* depends on the reference's step only */
			r->group++;
			a = act_add(r, out, CLKREF_STEP, CLKREF_W_WITH_REF,
				    (int)c);
			if (a) {
				a->step_ns = o->step_ns;
				a->fo.step = true;
				a->fo.step_ns = o->step_ns;
				a->last = true;
				a->group = g;	/* skipped with it */
			}
		}
		r->group = g;
	}
	if (o->adjfreq) {
		a = act_add(r, out, CLKREF_FREQ, CLKREF_W_REF, r->ref);
		if (a) {
			a->freq_ppb = o->freq_ppb;
			last = a;
		}
	}
	if (last) {
		last->last = true;
	} else {
		ref_done(r, out);
	}
}

static void set_slave(struct clkref *r, int i, struct clkref_out *out)
{
	struct clkref_ev *e;
	int nc, oc = r->ref;
	bool old_locked, new_locked;
	double f, mx;

	if (i == r->slave) {
		return;
	}
	e = ev_add(out, CLKREF_EV_SLAVE, i, -1);
	if (e) {
		e->a = r->slave;
		e->b = i;
	}
	r->slave_changes++;
	r->have_master = false;
	r->slave = i;
	r->ho_pending = i < 0;
	if (i < 0) {
		return;		/* holdover at the tick, unless another
				 * port is slave by then */
	}
	nc = r->cfg.port_clock[i];
	r->cc.cfg.servo.sw_ts = r->cfg.port_sw_ts[i];
	mx = clock_max(r, nc, r->cfg.cc.servo.max_frequency);
	if (mx > r->cfg.cc.servo.max_frequency) {
		mx = r->cfg.cc.servo.max_frequency;
	}
	r->cc.cfg.servo.max_frequency = mx;
	if (oc == nc) {
		clkctl_new_master(&r->cc);	/* same clock, maybe a new
						 * master: judged */
		return;
	}
	new_locked = r->fl[nc].locked;
	old_locked = oc >= 0 && clkref_locked(r);
	f = clkctl_freq(&r->cc);
	clkctl_new_reference(&r->cc, r->fl[nc].freq_ppb, new_locked);
	if (new_locked) {
		r->warm_switches++;
	}
	r->ref_locked = new_locked;
	clkfollow_stop(&r->fl[nc]);
	if (oc >= 0) {
		clkfollow_start(&r->fl[oc], f, old_locked);
	}
	/* every other clock follows the new reference */
	for (int c = 0; c < (int)r->cfg.n_clocks; c++) {
		if (c != nc && c != oc && !r->fl[c].following) {
			clkfollow_start(&r->fl[c], r->fl[c].freq_ppb, false);
		}
	}
	r->ref = nc;
	e = ev_add(out, CLKREF_EV_REFERENCE, i, nc);
	if (e) {
		e->a = new_locked;
		e->ppb = r->fl[nc].freq_ppb;
	}
}

void clkref_decision(struct clkref *r, unsigned port, bool s1,
		     int64_t now_ns, struct clkref_out *out)
{
	out_clear(out);
	if (port >= r->cfg.n_ports) {
		return;
	}
	r->dec_have[port] = true;
	r->dec_s1[port] = s1;
	r->dec_ns[port] = now_ns;
	if (s1) {
		set_slave(r, (int)port, out);
	} else if (r->slave == (int)port) {
		set_slave(r, -1, out);
	}
}

bool clkref_sample(struct clkref *r, unsigned port,
		   const struct port_identity *master, int8_t log_sync,
		   int64_t offset_ns, int64_t t2_ns, int64_t age_ns,
		   int64_t now_ns, struct clkref_out *out)
{
	struct clkctl_out o;
	struct clkref_ev *e;
	double ivl = ldexp(1.0, log_sync);

	out_clear(out);
	if (port >= r->cfg.n_ports) {
		return false;
	}
	if ((double)age_ns > 2.0 * ivl * 1e9) {
		r->rx_stale++;
		e = ev_add(out, CLKREF_EV_STALE, (int)port, -1);
		if (e) {
			e->ns = age_ns;
		}
		return false;
	}
	if (r->dec_have[port] && !r->dec_s1[port] &&
	    now_ns - r->dec_ns[port] < r->cfg.decision_ttl_ns) {
		r->rx_not_slave++;
		ev_add(out, CLKREF_EV_NOT_SLAVE, (int)port, -1);
		return false;
	}
	r->rx_samples++;
	set_slave(r, (int)port, out);
	if (log_sync != r->log_sync) {
		r->log_sync = log_sync;
		clkctl_sync_interval(&r->cc, ivl);
	}
	if (r->have_master && port_identity_cmp(master, &r->master)) {
		ev_add(out, CLKREF_EV_NEW_MASTER, (int)port, r->ref);
		clkctl_new_master(&r->cc);
	}
	r->master = *master;
	r->have_master = true;
	clkctl_sample(&r->cc, offset_ns, t2_ns, now_ns, &o);
	if (o.gated) {
		e = ev_add(out, CLKREF_EV_GATED, (int)port, r->ref);
		if (e) {
			e->ns = offset_ns;
			e->ns2 = gate_median(&r->cc.gate);
		}
	}
	ref_actions(r, &o, out);
	return true;
}

/* ---- the followers ------------------------------------------------------- */

bool clkref_wants_compare(const struct clkref *r, unsigned c)
{
	return c < r->cfg.n_clocks && (int)c != r->ref && r->ref >= 0 &&
	       r->ref_locked;
}

/* A follower's actions (step, then frequency), one group. */
static void follow_actions(struct clkref *r, int c,
			   const struct clkfollow_out *fo, enum clkref_why why,
			   struct clkref_out *out, const struct clkref_ev *done)
{
	struct clkref_act *a, *last = NULL;

	r->group++;
	if (fo->step) {
		a = act_add(r, out, CLKREF_STEP, why, c);
		if (a) {
			a->step_ns = fo->step_ns;
			a->fo = *fo;
			last = a;
		}
	}
	if (fo->adjfreq) {
		a = act_add(r, out, CLKREF_FREQ, why, c);
		if (a) {
			a->freq_ppb = fo->freq_ppb;
			a->fo = *fo;
			last = a;
		}
	}
	if (!last) {
		if (done && out->n_ev < CLKREF_EV_MAX) {
			out->ev[out->n_ev++] = *done;
		}
		return;
	}
	last->last = true;
	if (done) {
		last->has_done_ev = true;
		last->done_ev = *done;
	}
}

static void follow_hold(struct clkref *r, int c, struct clkref_out *out)
{
	struct clkfollow_out fo;
	struct clkref_ev e;

	memset(&fo, 0, sizeof(fo));
	if (!clkfollow_holdover(&r->fl[c], &fo)) {
		return;
	}
	memset(&e, 0, sizeof(e));
	e.type = CLKREF_EV_FOLLOW_HOLDOVER;
	e.port = -1;
	e.clock = c;
	e.ppb = fo.freq_ppb;
	follow_actions(r, c, &fo, CLKREF_W_HOLD, out, &e);
}

static void follow_one(struct clkref *r, int c, const struct clkref_cmp *cmp,
		       struct clkref_out *out)
{
	struct clkfollow_out fo;
	struct clkref_ev e, *ep = NULL;

	memset(&fo, 0, sizeof(fo));
	if (!clkfollow_sample(&r->fl[c], cmp->off_ns, cmp->ref_ns, &fo)) {
		return;			/* free running: measured only */
	}
	if (fo.event == CLKFOLLOW_EV_AGAIN) {
		ev_add(out, CLKREF_EV_FOLLOW_AGAIN, -1, c);
	}
	if (fo.event == CLKFOLLOW_EV_LOCKED || fo.event == CLKFOLLOW_EV_LOST) {
		memset(&e, 0, sizeof(e));
		e.type = fo.event == CLKFOLLOW_EV_LOCKED ?
			 CLKREF_EV_FOLLOW_LOCKED : CLKREF_EV_FOLLOW_LOST;
		e.port = -1;
		e.clock = c;
		e.ns = cmp->off_ns;
		e.ppb = fo.freq_ppb;
		ep = &e;
	}
	follow_actions(r, c, &fo, CLKREF_W_FOLLOW, out, ep);
}

void clkref_tick(struct clkref *r, int64_t now_ns,
		 const struct clkref_cmp *cmp, struct clkref_out *out)
{
	struct clkctl_out o;
	struct clkref_ev *e;
	bool ho;
	int c;

	out_clear(out);
	if (r->slave < 0 && r->ho_pending) {
		r->ho_pending = false;
		if (clkctl_holdover(&r->cc, now_ns, &o)) {
			e = ev_add(out, CLKREF_EV_HOLDOVER_NO_SLAVE, -1,
				   r->ref);
			if (e) {
				e->ppb = o.freq_ppb;
			}
			ref_actions(r, &o, out);
		}
	}
	if (clkctl_tick(&r->cc, now_ns, &o)) {
		e = ev_add(out, CLKREF_EV_HOLDOVER_NO_SAMPLE, r->slave, r->ref);
		if (e) {
			e->a = (int)r->cc.cfg.holdover_intervals;
			e->ppb = o.freq_ppb;
		}
		ref_actions(r, &o, out);
	}
	ho = r->slave < 0 || clkctl_state(&r->cc) == CLKCTL_HOLDOVER;
	for (c = 0; c < (int)r->cfg.n_clocks; c++) {
		if (c == r->ref) {
			continue;
		}
		if (r->ref < 0) {
			follow_hold(r, c, out);
			continue;
		}
		if (!r->ref_locked) {
			continue;	/* nothing worth following yet */
		}
		if (ho) {
			follow_hold(r, c, out);
			if (cmp && cmp[c].done && cmp[c].rc == 0) {
				clkfollow_observe(&r->fl[c], cmp[c].off_ns);
			}
			continue;
		}
		if (!cmp || !cmp[c].done || cmp[c].rc < 0) {
			continue;	/* the caller counts and logs */
		}
		follow_one(r, c, &cmp[c], out);
	}
}

/* ---- results ------------------------------------------------------------- */

/* Action i failed: the later actions that depend on it are skipped (a
 * failed reference action, its whole group; a follower's, its own). */
static void skip_rest(struct clkref_out *out, unsigned i)
{
	const struct clkref_act *a = &out->act[i];
	unsigned j;

	for (j = i + 1; j < out->n_act; j++) {
		if (out->act[j].group == a->group &&
		    (a->why == CLKREF_W_REF || out->act[j].clock == a->clock)) {
			out->act[j].skip = true;
		}
	}
}

static void ref_result(struct clkref *r, struct clkref_out *out, unsigned i,
		       int rc)
{
	struct clkref_act *a = &out->act[i];
	enum clkctl_verdict v;
	struct clkref_ev *e;

	v = clkctl_clock_result(&r->cc, a->op == CLKREF_STEP ?
				CLKCTL_OP_STEP : CLKCTL_OP_ADJFREQ, rc);
	if (v == CLKCTL_FAULT_NEW || v == CLKCTL_FAULT_AGAIN ||
	    v == CLKCTL_CLEARED) {
		e = ev_add(out, v == CLKCTL_FAULT_NEW ? CLKREF_EV_FAULT_NEW :
			   v == CLKCTL_FAULT_AGAIN ? CLKREF_EV_FAULT_AGAIN :
			   CLKREF_EV_FAULT_CLEARED, r->slave, a->clock);
		if (e) {
			e->op = a->op;
			e->ns = a->step_ns;
			e->ppb = a->freq_ppb;
			e->rc = rc;
		}
	}
	if (rc < 0) {
		skip_rest(out, i);
		memset(&r->pend, 0, sizeof(r->pend));
		return;
	}
	if (a->op == CLKREF_STEP) {
		out->stepped = true;
		e = ev_add(out, CLKREF_EV_STEPPED, r->slave, a->clock);
		if (e) {
			e->ns = a->step_ns;
			e->why = a->why;
		}
	}
	if (a->last) {
		ref_done(r, out);
	}
}

void clkref_result(struct clkref *r, struct clkref_out *out, unsigned i,
		   int rc)
{
	struct clkref_act *a;
	struct clkfollow *f;
	struct clkref_ev *e;

	if (i >= out->n_act || out->act[i].skip) {
		return;
	}
	a = &out->act[i];
	if (a->why == CLKREF_W_REF) {
		ref_result(r, out, i, rc);
		return;
	}
	f = &r->fl[a->clock];
	clkfollow_result(f, a->op == CLKREF_STEP ? CLKFOLLOW_STEP :
			 CLKFOLLOW_FREQ, &a->fo, rc);
	if (rc < 0) {
		e = ev_add(out, CLKREF_EV_FOLLOW_REFUSED, -1, a->clock);
		if (e) {
			e->op = a->op;
			e->why = a->why;
			e->ns = a->step_ns;
			e->ppb = a->freq_ppb;
			e->rc = rc;
		}
		skip_rest(out, i);
		return;
	}
	if (a->op == CLKREF_STEP) {
		out->stepped = true;
		e = ev_add(out, CLKREF_EV_STEPPED, -1, a->clock);
		if (e) {
			e->ns = a->step_ns;
			e->why = a->why;
		}
	}
	if (a->last && a->has_done_ev && out->n_ev < CLKREF_EV_MAX) {
		out->ev[out->n_ev++] = a->done_ev;
	}
}

/* ---- state --------------------------------------------------------------- */

enum clkctl_state clkref_state(const struct clkref *r)
{
	return clkctl_state(&r->cc);
}

bool clkref_locked(const struct clkref *r)
{
	enum clkctl_state st = clkctl_state(&r->cc);

	return st == CLKCTL_LOCKED || st == CLKCTL_LOCKED_STABLE ||
	       st == CLKCTL_HOLDOVER;
}

uint64_t clkref_steps(const struct clkref *r)
{
	uint64_t n = r->cc.steps;
	unsigned c;

	for (c = 0; c < r->cfg.n_clocks; c++) {
		n += r->fl[c].steps;
	}
	return n;
}

enum clkref_port_ev clkref_port_status(bool stepped, bool mine, bool locked,
				       bool slave, bool uncalibrated)
{
	if (stepped && (slave || uncalibrated)) {
		/* the clock was stepped: the port's timestamps are in the
		 * old time base */
		return CLKREF_PORT_UNSYNCED;
	}
	if (mine && locked && uncalibrated) {
		return CLKREF_PORT_SYNCED;
	}
	return CLKREF_PORT_NONE;
}
