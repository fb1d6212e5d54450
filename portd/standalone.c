// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * standalone.c - what bmcad and clockd do for a boundary clock, done
 * in-process for portd --standalone (an ordinary clock with one port):
 *
 *   - the BMCA (9.3): Ebest is this port's Erbest; the state decision and
 *     the data set updates of bmca.h, then PEV_DECISION to the core, on
 *     every PACT_ERBEST and once per announce interval;
 *   - the servo: each PACT_SAMPLE through an outlier gate (once the servo
 *     has locked) into servo_sample(), whose verdict steps or slews the
 *     port's clock, and PEV_SYNCED / PEV_UNSYNCED back to the core; a
 *     clock that refuses a step or a frequency change puts the servo in
 *     fault and the port in FAULTY (PEV_FAULT), until an adjustment works
 *     again after the core's fault reset;
 *   - the summary line on stdout (format in main.c's --help and the
 *     README; tests parse it).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "portd.h"
#include "summary.h"

static int sa_init(struct portd *d)
{
	const struct mconf_clock *mc = &d->cfg.clock;
	struct clkctl_cfg cfg;
	struct servo_cfg *sc = &cfg.servo;
	double f = 0.0;
	int rc;

	/* The policy clockd uses too (common/clkctl): gate, new master,
	 * step or slew, clock faults; its defaults are portd's. */
	clkctl_cfg_default(&cfg);
	sc->kind = mc->servo == MCONF_SERVO_LINREG ? SERVO_LINREG :
		   mc->servo == MCONF_SERVO_KALMAN ? SERVO_KALMAN : SERVO_PI;
	sc->sw_ts = d->sw_ts;
	sc->pi_kp = mc->pi_kp;
	sc->pi_ki = mc->pi_ki;
	sc->first_step_threshold = mc->first_step_threshold;
	sc->step_threshold = mc->step_threshold;
	sc->max_frequency = d->clk->max_adj;
	if (mc->max_frequency > 0 && mc->max_frequency < sc->max_frequency) {
		sc->max_frequency = mc->max_frequency;
	}
	rc = clk_getfreq(d->clk, &f);
	if (rc < 0) {
		pr_warn("%s: %s: cannot read the frequency (%s), starting "
			"from 0 ppb", d->ifname, clk_name(d->clk),
			strerror(-rc));
		f = 0.0;
	}
	sc->initial_freq = f;
	cfg.sync_interval_s = ldexp(1.0, d->pcfg.ds.logSyncInterval);
	cfg.free_running = mc->free_running;
	d->freq_ppb = f;
	rc = clkctl_init(&d->cc, &cfg);
	if (rc < 0) {
		pr_err("%s: cannot create the %s servo: %s", d->ifname,
		       servo_kind_str(sc->kind), strerror(-rc));
		return rc;
	}
	d->cc_ready = true;
	pr_info("%s: %s servo, start %.3f ppb, limit %.0f ppb%s", d->ifname,
		servo_kind_str(sc->kind), f, sc->max_frequency,
		mc->free_running ? ", free running (the clock is never "
		"adjusted)" : "");
	return 0;
}

static void sa_fini(struct portd *d)
{
	if (d->cc_ready) {
		clkctl_fini(&d->cc);
		d->cc_ready = false;
	}
}

/* ---- BMCA ---------------------------------------------------------------- */

static void sa_decide(struct portd *d, bool periodic)
{
	const struct bmca_ds *erbest = port_core_erbest(d->pc);
	const struct bmca_ds *list[1] = { erbest };
	bool master_only = d->pcfg.ds.masterOnly;
	const struct bmca_ds *ebest;
	struct bmca_port_in in;
	enum bmca_rec rec;
	struct pev ev;
	char id[20];
	int best;

	(void)periodic;		/* the same BMCA either way */
	best = bmca_select_ebest(list, &master_only, 1);
	ebest = best >= 0 ? list[best] : NULL;
	memset(&in, 0, sizeof(in));
	in.erbest = erbest;
	in.master_only = master_only;
	in.state = port_core_state(d->pc);
	rec = bmca_state_decision(&d->cds.dflt, ebest, ebest != NULL, &in);
	bmca_apply(&d->cds, rec, ebest, &d->local_tprop);

	if (clock_identity_cmp(&d->last_gm,
			       &d->cds.parent.grandmasterIdentity)) {
		d->last_gm = d->cds.parent.grandmasterIdentity;
		clock_identity_str(&d->last_gm, id);
		pr_notice("%s: grandmaster %s%s (%s)", d->ifname, id,
			  clock_identity_cmp(&d->last_gm,
					     &d->cds.dflt.clockIdentity) ?
			  "" : ", this clock", bmca_rec_str(rec));
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = PEV_DECISION;
	ev.now_ns = portd_mono_ns();
	ev.u.decision.rec = rec;
	ev.u.decision.ds = d->cds;
	portd_defer(d, &ev);
}

/* ---- servo --------------------------------------------------------------- */

static void queue_simple(struct portd *d, enum pev_type type)
{
	struct pev ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.now_ns = portd_mono_ns();
	portd_defer(d, &ev);
}

/*
 * How the clock took an action clkctl asked for. A refusal (EPERM,
 * EINVAL, a PHC that went away) means nothing happened to the clock:
 * clkctl restarts the servo from the frequency the clock really has, and
 * the port goes FAULTY: it stops claiming to follow its master, and after
 * the core's fault reset it listens again and the next sample retries.
 * Logged once per fault; while it lasts, refusals are rate-limited.
 */
static int sa_result(struct portd *d, enum clkctl_op op, int rc,
		     const char *what)
{
	switch (clkctl_clock_result(&d->cc, op, rc)) {
	case CLKCTL_FAULT_NEW:
		pr_err("%s: %s refused to %s: %s; servo fault, port FAULTY "
		       "until the clock can be adjusted", d->ifname,
		       clk_name(d->clk), what, strerror(-rc));
		queue_simple(d, PEV_FAULT);
		break;
	case CLKCTL_FAULT_AGAIN:
		pl_warn("%s: %s still refuses to %s: %s (%" PRIu64 " times)",
			d->ifname, clk_name(d->clk), what, strerror(-rc),
			d->cc.faults);
		queue_simple(d, PEV_FAULT);
		break;
	case CLKCTL_CLEARED:
		pr_notice("%s: %s accepts adjustments again, servo fault "
			  "cleared", d->ifname, clk_name(d->clk));
		break;
	case CLKCTL_OK:
		break;
	}
	return rc;
}

/* Carry out what clkctl asked: step, then frequency, stopping at the
 * first refusal; the events hold only if everything worked. */
static void sa_apply(struct portd *d, const struct clkctl_out *o)
{
	char what[48];
	int rc;

	if (o->restarted) {
		pr_info("%s: new master %" PRId64 " ns away: servo restarts",
			d->ifname, o->nm_median_ns);
	}
	if (o->step) {
		rc = clk_step(d->clk, o->step_ns);
		snprintf(what, sizeof(what), "step %" PRId64 " ns", o->step_ns);
		if (sa_result(d, CLKCTL_OP_STEP, rc, what) < 0) {
			return;
		}
		d->steps++;
		pr_notice("%s: clock stepped by %" PRId64 " ns", d->ifname,
			  o->step_ns);
	}
	if (o->adjfreq) {
		rc = clk_adjfreq(d->clk, o->freq_ppb);
		snprintf(what, sizeof(what), "adjust frequency %.3f ppb",
			 o->freq_ppb);
		if (sa_result(d, CLKCTL_OP_ADJFREQ, rc, what) < 0) {
			return;
		}
		d->freq_ppb = o->freq_ppb;
	}
	if (o->unsynced) {
		queue_simple(d, PEV_UNSYNCED);
	}
	if (o->first_lock) {
		pr_info("%s: servo locked", d->ifname);
	}
	if (o->synced && port_core_state(d->pc) == PS_UNCALIBRATED) {
		queue_simple(d, PEV_SYNCED);
	}
}

static void sa_sample(struct portd *d, const struct pact *a)
{
	int64_t offset = tmv_to_ns_round(a->u.sample.offset);
	struct clkctl_out o;

	d->have_sample = true;
	d->sample_mono_ns = portd_mono_ns();
	d->offset_ns = offset;
	d->delay_ns = tmv_to_ns_round(a->u.sample.delay);
	d->cds.cur.offsetFromMaster = tmv_to_scaled_ns(a->u.sample.offset);
	d->cds.cur.meanDelay = tmv_to_scaled_ns(a->u.sample.delay);

	clkctl_sample(&d->cc, offset, tmv_to_ns(a->u.sample.t2),
		      d->sample_mono_ns, &o);
	if (o.gated) {
		pl_info("%s: offset %" PRId64 " ns rejected as an outlier "
			"(median %" PRId64 " ns)", d->ifname, offset,
			gate_median(&d->cc.gate));
		return;
	}
	if (o.held) {
		return;		/* judging a new master's offsets */
	}
	pr_debug("%s: offset %" PRId64 " ns delay %" PRId64 " ns freq "
		 "%.3f ppb %s", d->ifname, offset, d->delay_ns, o.freq_ppb,
		 servo_state_str(o.servo));
	sa_apply(d, &o);
}

/*
 * A new master: its offsets may sit elsewhere, so the gate starts over.
 * The servo keeps running, as linuxptp's does: the clock's frequency is
 * still right, and with masters that agree there is nothing to relearn
 * (a restarted PI servo waits 0.016 / ki, tens of seconds with software
 * timestamps, before it locks again). clkctl restarts it only for a
 * master whose time is far from the old one's.
 */
static void sa_new_master(struct portd *d)
{
	clkctl_new_master(&d->cc);
}

/* ---- summary ------------------------------------------------------------- */

static void sa_summary(struct portd *d)
{
	struct summary_in in;
	struct summary_out so;

	portd_summary_in(d, &in);
	in.servo = d->cc.servo ? servo_state(d->cc.servo) : SERVO_UNLOCKED;
	in.clock_fault = d->cc.fault != 0;
	summary_decide(&in, &so);
	portd_summary_print(d, &so, (int64_t)d->cc.gated);
}

/* ---- the mode ------------------------------------------------------------ */

static void sa_state(struct portd *d, enum port_state from,
		     enum port_state to)
{
	(void)d;
	(void)from;
	(void)to;
}

static unsigned sa_pollset(struct portd *d, zmq_pollitem_t *items,
			   unsigned max)
{
	(void)d;
	(void)items;
	(void)max;
	return 0;
}

static void sa_ready(struct portd *d, const zmq_pollitem_t *items,
		     unsigned n)
{
	(void)d;
	(void)items;
	(void)n;
}

const struct portd_mode portd_mode_standalone = {
	.name = "standalone",
	.init = sa_init,
	.fini = sa_fini,
	.decide = sa_decide,
	.sample = sa_sample,
	.new_master = sa_new_master,
	.state = sa_state,
	.summary = sa_summary,
	.pollset = sa_pollset,
	.ready = sa_ready,
};
