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
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "portd.h"
#include "summary.h"

/* A new master is judged on the median of its first NM_SAMPLES offsets;
 * the servo restarts only beyond max(first_step_threshold, this). */
#define NM_STEP_MIN_NS	1000000		/* 1 ms: 2 s of slewing at 500 ppm */

/* Outlier gate of offsets, applied once the servo has locked. */
#define GATE_LEN	16
#define GATE_K		6.0		/* MADs */
#define GATE_FLOOR_NS	20000		/* never reject within 20 us */
#define GATE_MAX_REJECT	8		/* then the truth moved: refill */

static int sa_init(struct portd *d)
{
	const struct mconf_clock *cc = &d->cfg.clock;
	struct servo_cfg sc;
	double f = 0.0;
	int rc;

	servo_cfg_default(&sc);
	sc.kind = cc->servo == MCONF_SERVO_LINREG ? SERVO_LINREG : SERVO_PI;
	sc.sw_ts = d->sw_ts;
	sc.pi_kp = cc->pi_kp;
	sc.pi_ki = cc->pi_ki;
	sc.first_step_threshold = cc->first_step_threshold;
	sc.step_threshold = cc->step_threshold;
	sc.max_frequency = d->clk->max_adj;
	if (cc->max_frequency > 0 && cc->max_frequency < sc.max_frequency) {
		sc.max_frequency = cc->max_frequency;
	}
	rc = clk_getfreq(d->clk, &f);
	if (rc < 0) {
		pr_warn("%s: %s: cannot read the frequency (%s), starting "
			"from 0 ppb", d->ifname, clk_name(d->clk),
			strerror(-rc));
		f = 0.0;
	}
	sc.initial_freq = f;
	d->freq_ppb = f;
	d->servo_cfg = sc;
	d->servo = servo_create(&sc);
	if (!d->servo) {
		pr_err("%s: cannot create the %s servo", d->ifname,
		       servo_kind_str(sc.kind));
		return -ENOMEM;
	}
	servo_sync_interval(d->servo,
			    ldexp(1.0, d->pcfg.ds.logSyncInterval));
	d->servo_fresh = true;
	gate_init(&d->gate, GATE_LEN, GATE_K, GATE_FLOOR_NS,
		  GATE_MAX_REJECT);
	pr_info("%s: %s servo, start %.3f ppb, limit %.0f ppb%s", d->ifname,
		servo_kind_str(sc.kind), f, sc.max_frequency,
		cc->free_running ? ", free running (the clock is never "
		"adjusted)" : "");
	return 0;
}

static void sa_fini(struct portd *d)
{
	if (d->servo) {
		servo_destroy(d->servo);
		d->servo = NULL;
	}
}

/*
 * A servo as at start-up (first_step_threshold applies again), from the
 * frequency applied now. servo_reset() alone keeps the servo's "first
 * update done", so it would never step.
 */
static void sa_servo_restart(struct portd *d)
{
	struct servo_cfg sc = d->servo_cfg;
	struct servo *s;

	sc.initial_freq = d->freq_ppb;
	s = servo_create(&sc);
	if (!s) {
		pr_warn("%s: cannot create a new servo, resetting the old "
			"one", d->ifname);
		servo_reset(d->servo);
		return;
	}
	servo_destroy(d->servo);
	d->servo = s;
	d->servo_fresh = true;
	servo_sync_interval(d->servo,
			    ldexp(1.0, d->pcfg.ds.logSyncInterval));
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
 * The clock refused what the servo asked (EPERM, EINVAL, a PHC that went
 * away): nothing happened to it. The servo starts over from the frequency
 * the clock really has (it would otherwise believe in a step or a
 * frequency that never were), and the port goes FAULTY: it stops claiming
 * to follow its master, and after the core's fault reset it listens again,
 * and the next sample retries the clock. Logged once per fault; while it
 * lasts the retries' refusals are rate-limited.
 */
static void sa_clock_fault(struct portd *d, bool step, const char *what,
			   int err)
{
	d->clock_faults++;
	if (!d->clock_fault) {
		pr_err("%s: %s refused to %s: %s; servo fault, port FAULTY "
		       "until the clock can be adjusted", d->ifname,
		       clk_name(d->clk), what, strerror(err));
	} else {
		pl_warn("%s: %s still refuses to %s: %s (%" PRIu64 " times)",
			d->ifname, clk_name(d->clk), what, strerror(err),
			d->clock_faults);
	}
	d->clock_fault = err;
	d->clock_fault_step = step;
	sa_servo_restart(d);
	d->locked_once = false;
	d->new_master = false;
	gate_reset(&d->gate);
	queue_simple(d, PEV_FAULT);
}

/* An adjustment worked: a fault of its kind (or any, once the servo
 * locks) is over. */
static void sa_clock_ok(struct portd *d, bool step, bool locked)
{
	if (!d->clock_fault || (d->clock_fault_step && !step && !locked)) {
		return;
	}
	pr_notice("%s: %s accepts adjustments again, servo fault cleared",
		  d->ifname, clk_name(d->clk));
	d->clock_fault = 0;
}

/* 0, or -errno after sa_clock_fault(). */
static int sa_adjfreq(struct portd *d, double ppb, bool locked)
{
	char what[48];
	int rc;

	if (d->cfg.clock.free_running) {
		return 0;	/* freq_ppb stays what the clock has */
	}
	rc = clk_adjfreq(d->clk, ppb);
	if (rc < 0) {
		snprintf(what, sizeof(what), "adjust frequency %.3f ppb", ppb);
		sa_clock_fault(d, false, what, -rc);
		return rc;
	}
	d->freq_ppb = ppb;
	sa_clock_ok(d, false, locked);
	return 0;
}

/* 0, or -errno after sa_clock_fault(). */
static int sa_step(struct portd *d, int64_t offset_ns)
{
	char what[48];
	int rc;

	if (d->cfg.clock.free_running) {
		return 0;
	}
	rc = clk_step(d->clk, -offset_ns);
	if (rc < 0) {
		snprintf(what, sizeof(what), "step %" PRId64 " ns",
			 -offset_ns);
		sa_clock_fault(d, true, what, -rc);
		return rc;
	}
	d->steps++;
	pr_notice("%s: clock stepped by %" PRId64 " ns", d->ifname,
		  -offset_ns);
	sa_clock_ok(d, true, false);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The first offsets from a new master: the servo restarts (and so steps,
 * as at start-up) only if their median is beyond first_step_threshold and
 * NM_STEP_MIN_NS; smaller differences are slewed by the running servo,
 * which is what linuxptp does with any difference. The floor keeps
 * timestamp noise (tens of us through a bridge) from costing a PI servo
 * its 0.016 / ki of relearning. Returns false while the samples are held
 * back.
 */
static bool sa_new_master_sample(struct portd *d, int64_t offset)
{
	double thr = d->cfg.clock.first_step_threshold * 1e9;
	int64_t v[NM_SAMPLES], med;

	if (d->servo_fresh || !(thr > 0.0)) {
		d->new_master = false;	/* nothing to keep or to step */
		return true;
	}
	d->nm_win[d->nm_n++] = offset;
	if (d->nm_n < NM_SAMPLES) {
		return false;
	}
	d->new_master = false;
	memcpy(v, d->nm_win, sizeof(v));
	qsort(v, NM_SAMPLES, sizeof(v[0]), cmp_i64);
	med = v[NM_SAMPLES / 2];
	if (thr < NM_STEP_MIN_NS) {
		thr = NM_STEP_MIN_NS;
	}
	if ((double)llabs(med) > thr) {
		pr_info("%s: new master %" PRId64 " ns away: servo restarts",
			d->ifname, med);
		sa_servo_restart(d);
		d->locked_once = false;
	}
	return true;
}

static void sa_sample(struct portd *d, const struct pact *a)
{
	int64_t offset = tmv_to_ns_round(a->u.sample.offset);
	int64_t delay = tmv_to_ns_round(a->u.sample.delay);
	int64_t t2 = tmv_to_ns(a->u.sample.t2);
	enum servo_state st;
	double ppb;

	d->have_sample = true;
	d->sample_mono_ns = portd_mono_ns();
	d->offset_ns = offset;
	d->delay_ns = delay;
	d->cds.cur.offsetFromMaster = tmv_to_scaled_ns(a->u.sample.offset);
	d->cds.cur.meanDelay = tmv_to_scaled_ns(a->u.sample.delay);

	if (d->new_master && !sa_new_master_sample(d, offset)) {
		return;		/* held back while judging the new master */
	}
	if (d->locked_once && !gate_check(&d->gate, offset)) {
		d->gated++;
		pl_info("%s: offset %" PRId64 " ns rejected as an outlier "
			"(median %" PRId64 " ns)", d->ifname, offset,
			gate_median(&d->gate));
		return;
	}
	ppb = servo_sample(d->servo, offset, t2, &st);
	d->servo_fresh = false;
	pr_debug("%s: offset %" PRId64 " ns delay %" PRId64 " ns freq "
		 "%.3f ppb %s", d->ifname, offset, delay, ppb,
		 servo_state_str(st));
	switch (st) {
	case SERVO_UNLOCKED:
		sa_adjfreq(d, ppb, false);
		break;
	case SERVO_JUMP:
		/* a refused step or frequency: the port goes FAULTY instead
		 * of going on as if the clock had moved */
		if (sa_step(d, offset) < 0 || sa_adjfreq(d, ppb, false) < 0) {
			break;
		}
		gate_reset(&d->gate);
		queue_simple(d, PEV_UNSYNCED);
		break;
	case SERVO_LOCKED:
	case SERVO_LOCKED_STABLE:
		if (sa_adjfreq(d, ppb, true) < 0) {
			break;
		}
		if (!d->locked_once) {
			pr_info("%s: servo locked", d->ifname);
		}
		d->locked_once = true;
		if (port_core_state(d->pc) == PS_UNCALIBRATED) {
			queue_simple(d, PEV_SYNCED);
		}
		break;
	}
}

/*
 * A new master: its offsets may sit elsewhere, so the gate starts over.
 * The servo keeps running, as linuxptp's does: the clock's frequency is
 * still right, and with masters that agree there is nothing to relearn
 * (a restarted PI servo waits 0.016 / ki, tens of seconds with software
 * timestamps, before it locks again). sa_new_master_sample() restarts it
 * only for a master whose time is far from the old one's.
 */
static void sa_new_master(struct portd *d)
{
	gate_reset(&d->gate);
	d->new_master = true;
	d->nm_n = 0;
}

/* ---- summary ------------------------------------------------------------- */

static uint64_t sum64(const uint64_t *v, unsigned n)
{
	uint64_t s = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		s += v[i];
	}
	return s;
}

/*
 * One line to stdout without ever blocking the port: when stdout is a
 * pipe nobody drains, poll() says it has no room (a pipe is writable when
 * PIPE_BUF bytes are free, so a shorter line goes in whole), and the line
 * is dropped and counted instead.
 */
void portd_summary_write(struct portd *d, const char *line, size_t len)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
	ssize_t w;

	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT)) {
		d->summary_dropped++;
		pl_info("%s: stdout is not writable, summary line dropped "
			"(%" PRIu64 " so far)", d->ifname, d->summary_dropped);
		return;
	}
	while (len) {
		w = write(STDOUT_FILENO, line, len);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			d->summary_dropped++;
			return;
		}
		line += w;
		len -= (size_t)w;
	}
}

static void sa_summary(struct portd *d)
{
	const struct port_counters *pc = port_core_counters(d->pc);
	char gm[20], off[24], del[24], line[384];
	struct summary_in in;
	struct summary_out so;
	int n;

	memset(&in, 0, sizeof(in));
	in.state = port_core_state(d->pc);
	in.servo = servo_state(d->servo);
	in.clock_fault = d->clock_fault != 0;
	in.have_sample = d->have_sample;
	in.sample_age_ns = portd_mono_ns() - d->sample_mono_ns;
	in.sync_interval_ns = (int64_t)(ldexp(1.0,
					      d->pcfg.ds.logSyncInterval) *
					1e9);
	summary_decide(&in, &so);
	clock_identity_str(&d->cds.parent.grandmasterIdentity, gm);
	if (so.fresh) {
		snprintf(off, sizeof(off), "%" PRId64, d->offset_ns);
		snprintf(del, sizeof(del), "%" PRId64, d->delay_ns);
	} else {
		snprintf(off, sizeof(off), "-");
		snprintf(del, sizeof(del), "-");
	}
	n = snprintf(line, sizeof(line), "summary iface=%s state=%s "
		     "offset_ns=%s freq_ppb=%.3f delay_ns=%s servo=%s gm=%s "
		     "steps=%" PRIu64 " rx=%" PRIu64 " tx=%" PRIu64
		     " rxerr=%" PRIu64 " outliers=%" PRIu64 "\n",
		     d->ifname, port_state_str(in.state), off, d->freq_ppb, del,
		     so.servo, gm, d->steps,
		     sum64(pc->rx, 16), sum64(pc->tx, 16),
		     sum64(pc->rx_err, PTP_E_COUNT), d->gated);
	if (n <= 0 || (size_t)n >= sizeof(line)) {
		return;
	}
	portd_summary_write(d, line, (size_t)n);
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
