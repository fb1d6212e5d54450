// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clockd.c - clockd's bus, loop, slave port and reference servo (see
 * clockd.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "clockd.h"
#include "daemon.h"
#include "ipc.h"
#include "log.h"
#include "privs.h"

/* A decision of bmcad counts this long (it re-sends once per announce
 * interval); a port without one is taken at its samples' word. */
#define DECISION_TTL_NS	(4 * NS_PER_SEC)
#define PUB_PERIOD_NS	NS_PER_SEC
/* The good frequency of a follower: an average over this long. */
#define FOLLOW_AVG_S	30.0

static int port_index(const struct clockd *d, const char *iface)
{
	int i;

	for (i = 0; i < d->cfg.n_ports; i++) {
		if (!strcmp(d->cfg.ports[i].interface, iface)) {
			return i;
		}
	}
	return -1;
}

static const char *port_name(const struct clockd *d, int i)
{
	return i >= 0 && i < d->cfg.n_ports ? d->cfg.ports[i].interface : "-";
}

static const char *slave_name(const struct clockd *d)
{
	return port_name(d, d->cr.slave);
}

/* Single instance per run directory (an ipc:// bind steals the
 * endpoint from a running clockd). */
static int take_lock(struct clockd *d)
{
	char path[MCONF_RUNDIR_MAX + 16];

	snprintf(path, sizeof(path), "%s/clockd.lock", d->cfg.ipc.rundir);
	d->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (d->lockfd < 0) {
		int err = errno;

		pr_err("clockd: %s: %s", path, strerror(err));
		return -err;
	}
	if (flock(d->lockfd, LOCK_EX | LOCK_NB) < 0) {
		pr_err("clockd: another clockd runs on %s (%s is locked)",
		       d->cfg.ipc.rundir, path);
		return -EBUSY;
	}
	return 0;
}

static void *connect_to(struct clockd *d, int type, const char *svc)
{
	char ep[IPC_ENDPOINT_MAX];
	void *s = NULL;

	if (ipc_endpoint(d->cfg.ipc.rundir, svc, ep, sizeof(ep)) == 0) {
		s = ipc_socket(d->ctx, type, ep, false, NULL);
	}
	if (!s) {
		pr_err("clockd: connect %s: %s", ep, zmq_strerror(errno));
	}
	return s;
}

static int setup_bus(struct clockd *d)
{
	char ep[IPC_ENDPOINT_MAX], topic[IPC_TOPIC_MAX];
	int i, rc;

	d->ctx = zmq_ctx_new();
	if (!d->ctx) {
		pr_err("clockd: zmq_ctx_new: %s", zmq_strerror(errno));
		return -ENOMEM;
	}
	rc = ipc_endpoint(d->cfg.ipc.rundir, IPC_SVC_CLOCK, ep, sizeof(ep));
	if (rc < 0) {
		pr_err("clockd: run directory %s: %s", d->cfg.ipc.rundir,
		       strerror(-rc));
		return rc;
	}
	d->pull = ipc_socket(d->ctx, ZMQ_PULL, ep, true, NULL);
	if (!d->pull) {
		int err = errno;

		pr_err("clockd: bind %s: %s", ep, zmq_strerror(err));
		return -err;
	}
	d->pub = connect_to(d, ZMQ_PUB, IPC_SVC_PUB);
	d->sub = connect_to(d, ZMQ_SUB, IPC_SVC_SUB);
	if (!d->pub || !d->sub) {
		return -EIO;
	}
	for (i = 0; i < d->cfg.n_ports; i++) {
		if (ipc_topic_port(topic, sizeof(topic),
				   d->cfg.ports[i].interface,
				   "decision") < 0 ||
		    zmq_setsockopt(d->sub, ZMQ_SUBSCRIBE, topic,
				   strlen(topic)) < 0) {
			pr_err("clockd: subscribe %s: %s", topic,
			       zmq_strerror(errno));
			return -EIO;
		}
	}
	return 0;
}

static int setup_servo(struct clockd *d)
{
	const struct mconf_clock *mc = &d->cfg.clock;
	struct clkref_cfg cfg;
	double freq[CLKREF_MAX_CLOCKS];
	int64_t period_ns;
	int rc, i, lsync = 127;

	clkref_cfg_default(&cfg);
	cfg.cc.servo.kind = mc->servo == MCONF_SERVO_LINREG ? SERVO_LINREG :
			    mc->servo == MCONF_SERVO_KALMAN ? SERVO_KALMAN :
							      SERVO_PI;
	cfg.cc.servo.pi_kp = mc->pi_kp;
	cfg.cc.servo.pi_ki = mc->pi_ki;
	cfg.cc.servo.first_step_threshold = mc->first_step_threshold;
	cfg.cc.servo.step_threshold = mc->step_threshold;
	cfg.cc.free_running = mc->free_running;
	cfg.cc.holdover_spec_ns = (int64_t)(d->opts.holdover_spec_s * 1e9);
	clkctl_class_default(&cfg.cc.cls, (uint8_t)mc->clock_class);
	if (mc->slave_only) {
		cfg.cc.cls = (struct clkctl_class){ 255, 255, 255, 255 };
	}
	for (i = 0; i < d->cfg.n_ports; i++) {
		if (d->cfg.ports[i].log_sync_interval < lsync) {
			lsync = d->cfg.ports[i].log_sync_interval;
		}
		cfg.port_clock[i] = (uint8_t)d->port_clock[i];
		cfg.port_sw_ts[i] = d->cfg.ports[i].timestamping ==
				    MCONF_TSTAMP_SOFTWARE;
	}
	cfg.n_ports = (unsigned)d->cfg.n_ports;
	cfg.n_clocks = (unsigned)d->n_clocks;
	cfg.cc.sync_interval_s = ldexp(1.0, lsync);
	cfg.decision_ttl_ns = DECISION_TTL_NS;
	/* followers: first step as the reference, a 30 s good frequency,
	 * each clock's own frequency range (and the configured one) */
	cfg.fl.first_step_threshold = mc->first_step_threshold;
	cfg.fl.avg_s = FOLLOW_AVG_S;
	cfg.fl.free_running = mc->free_running;
	for (i = 0; i < d->n_clocks; i++) {
		double mx = d->clocks[i].clk->max_adj;

		if (mc->max_frequency > 0 && mc->max_frequency < mx) {
			mx = mc->max_frequency;
		}
		cfg.clock_max_ppb[i] = mx;
		freq[i] = d->clocks[i].freq0_ppb;
	}
	/* the follow loop runs at the fastest sync rate, 1/16 .. 1 s */
	lsync = lsync < -4 ? -4 : lsync > 0 ? 0 : lsync;
	period_ns = (int64_t)(ldexp(1.0, lsync) * 1e9);
	cfg.fl.period_s = period_ns * 1e-9;
	rc = clkref_init(&d->cr, &cfg, freq);
	if (rc < 0) {
		pr_err("clockd: cannot create the servo: %s", strerror(-rc));
		return rc;
	}
	d->cr_ok = true;
	d->period_ns = period_ns;
	return 0;
}

int clockd_setup(struct clockd *d)
{
	int rc;

	d->sigfd = -1;
	d->lockfd = -1;
	d->last_state = -1;
	d->last_slave = -1;
	if (d->opts.d.rundir) {
		snprintf(d->cfg.ipc.rundir, sizeof(d->cfg.ipc.rundir), "%s",
			 d->opts.d.rundir);
	}
	rc = daemon_mkdir_p(d->cfg.ipc.rundir, 0750);
	if (rc < 0) {
		pr_err("clockd: run directory %s: %s", d->cfg.ipc.rundir,
		       strerror(-rc));
		return rc;
	}
	rc = take_lock(d);
	if (rc == 0) {
		rc = cd_clocks_open(d);
	}
	if (rc == 0) {
		rc = setup_servo(d);
	}
	if (rc < 0) {
		return rc;
	}
	d->sigfd = daemon_signalfd();
	if (d->sigfd < 0) {
		pr_err("clockd: signalfd: %s", strerror(-d->sigfd));
		return d->sigfd;
	}
	/* before ZeroMQ's threads: capabilities are per thread */
	rc = privs_daemon_drop("clockd", PRIVS_CLOCKD, &d->cfg, -1, false);
	if (rc < 0) {
		return rc;
	}
	rc = setup_bus(d);
	if (rc < 0) {
		return rc;
	}
	d->start_ns = daemon_mono_ns();
	d->next_ns = d->start_ns + d->period_ns;
	d->next_pub_ns = d->start_ns;
	pr_notice("clockd: %d ports on %d clocks, %s servo, follow loop "
		  "every %.3f s%s", d->cfg.n_ports, d->n_clocks,
		  servo_kind_str(d->cr.cc.cfg.servo.kind), d->period_ns * 1e-9,
		  d->cfg.clock.free_running ? ", free running (the clocks "
		  "are never adjusted)" : "");
	return 0;
}

void clockd_teardown(struct clockd *d)
{
	ipc_close(d->pull);
	ipc_close(d->pub);
	ipc_close(d->sub);
	d->pull = d->pub = d->sub = NULL;
	if (d->ctx) {
		zmq_ctx_term(d->ctx);
		d->ctx = NULL;
	}
	if (d->cr_ok) {
		clkref_fini(&d->cr);
		d->cr_ok = false;
	}
	cd_clocks_close(d);
	if (d->sigfd >= 0) {
		close(d->sigfd);
	}
	if (d->lockfd >= 0) {
		char path[MCONF_RUNDIR_MAX + 16];

		/* Still holding the lock: nobody else owns the file. */
		snprintf(path, sizeof(path), "%s/clockd.lock",
			 d->cfg.ipc.rundir);
		unlink(path);
		close(d->lockfd);
	}
}

/* ---- the policy's actions and events (common/clkref) ------------------ */

static const char *clock_name(const struct clockd *d, int c)
{
	return c >= 0 && c < d->n_clocks ? clk_name(d->clocks[c].clk) : "-";
}

/* The interface a clock is known by in the log: its first port's. */
static const char *clock_iface(const struct clockd *d, int c)
{
	return c >= 0 && c < d->n_clocks ?
	       d->cfg.ports[d->clocks[c].port].interface : "-";
}

static void log_event(struct clockd *d, const struct clkref_ev *e)
{
	const char *ifc = clock_iface(d, e->clock);
	const char *clk = clock_name(d, e->clock);
	const char *ref = clock_name(d, d->cr.ref);
	char what[48];

	if (e->op == CLKREF_STEP) {
		snprintf(what, sizeof(what), "step %" PRId64 " ns", e->ns);
	} else {
		snprintf(what, sizeof(what), "adjust frequency %.3f ppb",
			 e->ppb);
	}
	switch (e->type) {
	case CLKREF_EV_SLAVE:
		pr_notice("clockd: slave port %s -> %s", port_name(d, e->a),
			  e->b >= 0 ? port_name(d, e->b) : "none");
		break;
	case CLKREF_EV_REFERENCE:
		pr_notice("clockd: reference clock %s%s (%.3f ppb)", clk,
			  e->a ? ", locked: never stepped for the change" : "",
			  e->ppb);
		break;
	case CLKREF_EV_HOLDOVER_NO_SLAVE:
		pr_notice("clockd: no slave port: holdover at %.3f ppb",
			  e->ppb);
		break;
	case CLKREF_EV_HOLDOVER_NO_SAMPLE:
		pr_notice("%s: no sample for %d sync intervals: holdover at "
			  "%.3f ppb", slave_name(d), e->a, e->ppb);
		break;
	case CLKREF_EV_NEW_MASTER:
		pr_info("%s: new master: its offsets are judged",
			port_name(d, e->port));
		break;
	case CLKREF_EV_RESTARTED:
		pr_info("%s: new master %" PRId64 " ns away: servo restarts",
			slave_name(d), e->ns);
		break;
	case CLKREF_EV_HOLDOVER_END:
		pr_notice("%s: samples are back, holdover ends",
			  slave_name(d));
		break;
	case CLKREF_EV_GATED:
		pl_info("%s: offset %" PRId64 " ns rejected as an outlier "
			"(median %" PRId64 " ns)", port_name(d, e->port),
			e->ns, e->ns2);
		break;
	case CLKREF_EV_STALE:
		pl_info("%s: stale sample (%" PRId64 " ms old) dropped "
			"(%" PRIu64 " so far)", port_name(d, e->port),
			e->ns / 1000000, d->cr.rx_stale);
		break;
	case CLKREF_EV_NOT_SLAVE:
		pl_info("%s: sample dropped: bmcad says the port is not "
			"slave", port_name(d, e->port));
		break;
	case CLKREF_EV_STEPPED:
		if (e->why == CLKREF_W_REF) {
			pr_notice("%s: %s stepped by %" PRId64 " ns",
				  slave_name(d), clk, e->ns);
		} else if (e->why == CLKREF_W_WITH_REF) {
			pr_notice("%s: %s stepped by %" PRId64 " ns with the "
				  "reference", ifc, clk, e->ns);
		} else {
			pr_notice("%s: %s stepped by %" PRId64 " ns to %s",
				  ifc, clk, e->ns, ref);
		}
		break;
	case CLKREF_EV_LOCKED:
		pr_info("%s: servo locked", slave_name(d));
		break;
	case CLKREF_EV_FAULT_NEW:
		pr_err("%s: %s refused to %s: %s; servo fault until the "
		       "clock can be adjusted", slave_name(d), clk, what,
		       strerror(-e->rc));
		break;
	case CLKREF_EV_FAULT_AGAIN:
		pl_warn("%s: %s still refuses to %s: %s (%" PRIu64 " times)",
			slave_name(d), clk, what, strerror(-e->rc),
			d->cr.cc.faults);
		break;
	case CLKREF_EV_FAULT_CLEARED:
		pr_notice("%s: %s accepts adjustments again, servo fault "
			  "cleared", slave_name(d), clk);
		break;
	case CLKREF_EV_FOLLOW_REFUSED:
		if (e->op == CLKREF_STEP) {
			pl_err("%s: %s refused to step %" PRId64 " ns%s: %s",
			       ifc, clk, e->ns, e->why == CLKREF_W_WITH_REF ?
			       " with the reference" : "", strerror(-e->rc));
		} else {
			pl_err("%s: %s refused to %s %.3f ppb: %s", ifc, clk,
			       e->why == CLKREF_W_HOLD ? "keep" :
			       "adjust frequency", e->ppb, strerror(-e->rc));
		}
		break;
	case CLKREF_EV_FOLLOW_AGAIN:
		pr_info("%s: %s follows %s again", ifc, clk, ref);
		break;
	case CLKREF_EV_FOLLOW_LOCKED:
	case CLKREF_EV_FOLLOW_LOST:
		pr_info("%s: %s %s %s (%" PRId64 " ns, %.3f ppb)", ifc, clk,
			e->type == CLKREF_EV_FOLLOW_LOCKED ? "locked to" :
			"lost its lock to", ref, e->ns, e->ppb);
		break;
	case CLKREF_EV_FOLLOW_HOLDOVER:
		pr_info("%s: %s in holdover at %.3f ppb", ifc, clk, e->ppb);
		break;
	}
}

/* Log the events from *from on. */
static void log_events(struct clockd *d, const struct clkref_out *o,
		       unsigned *from)
{
	for (; *from < o->n_ev; (*from)++) {
		log_event(d, &o->ev[*from]);
	}
}

/* Carry out the policy's actions on the clocks, logging its events. */
static void carry_out(struct clockd *d, struct clkref_out *o)
{
	unsigned i, logged = 0;
	struct cd_clock *c;
	int rc;

	log_events(d, o, &logged);
	for (i = 0; i < o->n_act; i++) {
		const struct clkref_act *a = &o->act[i];

		if (a->skip || a->clock < 0 || a->clock >= d->n_clocks) {
			continue;
		}
		c = &d->clocks[a->clock];
		rc = a->op == CLKREF_STEP ? clk_step(c->clk, a->step_ns) :
		     clk_adjfreq(c->clk, a->freq_ppb);
		clkref_result(&d->cr, o, i, rc);
		log_events(d, o, &logged);
	}
}

/* ---- publishing ------------------------------------------------------ */

static int cur_state(const struct clockd *d)
{
	return (int)clkctl_state(&d->cr.cc);
}

static void publish(struct clockd *d, const char *topic, int type,
		    const void *m)
{
	uint8_t buf[IPC_MSG_MAX];
	int n;

	n = ipc_msg_pack(type, m, ++d->seq, daemon_mono_ns(), buf,
			 sizeof(buf));
	if (n < 0) {
		pl_err("clockd: %s: %s", ipc_type_str(type), ipc_err_str(n));
		return;
	}
	if (ipc_send(d->pub, NULL, topic, buf, (size_t)n) == -EAGAIN) {
		d->tx_dropped++;
	}
}

static void publish_servo(struct clockd *d, int64_t now)
{
	struct ipc_servo m;
	int i, st = cur_state(d);

	memset(&m, 0, sizeof(m));
	m.state = (uint8_t)st;
	if (d->cr.slave >= 0 && st != CLKCTL_HOLDOVER) {
		snprintf(m.slave_iface, sizeof(m.slave_iface), "%s",
			 d->cfg.ports[d->cr.slave].interface);
	}
	m.freq_ppb = clkctl_freq(&d->cr.cc);
	m.offset_ns = d->cr.cc.offset_ns;
	m.clock_class = clkctl_clock_class(&d->cr.cc, now);
	m.steps = cd_steps(d);
	m.holdover_ms = (uint64_t)(clkctl_holdover_ns(&d->cr.cc, now) /
				   1000000);
	for (i = 0; i < d->n_clocks && i < IPC_CLOCKS_MAX; i++) {
		struct ipc_clock_status *s = &m.clocks[i];
		const struct cd_clock *c = &d->clocks[i];

		snprintf(s->iface, sizeof(s->iface), "%s",
			 d->cfg.ports[c->port].interface);
		snprintf(s->clock, sizeof(s->clock), "%s", clk_name(c->clk));
		const struct clkfollow *fl = &d->cr.fl[i];

		s->is_reference = i == d->cr.ref;
		if (s->is_reference) {
			s->locked = st == CLKCTL_LOCKED ||
				    st == CLKCTL_LOCKED_STABLE;
			s->freq_ppb = clkctl_freq(&d->cr.cc);
		} else {
			s->locked = fl->locked && !fl->holdover;
			s->freq_ppb = fl->freq_ppb;
			s->offset_ns = fl->have_offset ? fl->offset_ns : 0;
		}
	}
	m.n_clocks = (uint8_t)i;
	publish(d, "clock/servo/", IPC_T_SERVO, &m);
	d->last_state = st;
	d->last_class = m.clock_class;
	d->last_slave = d->cr.slave;
}

static void publish_health(struct clockd *d)
{
	struct ipc_health h;

	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "clockd");
	h.pid = (uint32_t)getpid();
	h.state = d->stop ? IPC_HEALTH_STOPPING : IPC_HEALTH_RUNNING;
	h.uptime_ms = (uint64_t)((daemon_mono_ns() - d->start_ns) / 1000000);
	publish(d, "hb/clockd/", IPC_T_HEALTH, &h);
}

/* Publish at once when the state, the class or the slave port changed
 * (portd's slave port waits for it to leave UNCALIBRATED). */
static void publish_if_changed(struct clockd *d)
{
	int64_t now = daemon_mono_ns();

	if (cur_state(d) != d->last_state ||
	    clkctl_clock_class(&d->cr.cc, now) != d->last_class ||
	    d->cr.slave != d->last_slave) {
		pr_info("clockd: servo %s, clockClass %u",
			clkctl_state_str(clkctl_state(&d->cr.cc)),
			clkctl_clock_class(&d->cr.cc, now));
		publish_servo(d, now);
	}
}

/* ---- input ----------------------------------------------------------- */

static void on_sample(struct clockd *d, const struct ipc_rx *rx)
{
	struct ipc_sample m;
	struct ipc_hdr h;
	struct clkref_out o;
	int64_t now = daemon_mono_ns();
	int i, rc;

	rc = ipc_msg_unpack(rx->msg, rx->len, IPC_T_SAMPLE, &m, &h);
	i = rc == IPC_OK ? port_index(d, m.iface) : -1;
	if (i < 0) {
		d->rx_bad++;
		pl_warn("clockd: sample refused: %s (%" PRIu64 " so far)",
			rc != IPC_OK ? ipc_err_str(rc) :
			"not a configured port", d->rx_bad);
		return;
	}
	clkref_sample(&d->cr, (unsigned)i, &m.master, m.log_sync_interval,
		      tmv_to_ns_round(m.offset), tmv_to_ns(m.t2),
		      now - h.mono_ns, now, &o);
	pr_debug("%s: offset %" PRId64 " ns freq %.3f ppb %s", m.iface,
		 d->cr.cc.offset_ns, clkctl_freq(&d->cr.cc),
		 clkctl_state_str(clkctl_state(&d->cr.cc)));
	carry_out(d, &o);
	publish_if_changed(d);
}

static void on_pull(struct clockd *d)
{
	struct ipc_rx rx;
	int n, rc;

	for (n = 0; n < 256; n++) {
		rc = ipc_recv(d->pull, false, &rx);
		if (rc == 0) {
			return;
		}
		if (rc < 0) {
			d->rx_bad++;
			pl_warn("clockd: bad frames on %s.sock: %s",
				IPC_SVC_CLOCK, strerror(-rc));
			continue;
		}
		on_sample(d, &rx);
	}
}

static void on_decision(struct clockd *d, const struct ipc_rx *rx)
{
	struct ipc_decision m;
	struct clkref_out o;
	int i, rc;

	rc = ipc_msg_unpack(rx->msg, rx->len, IPC_T_DECISION, &m, NULL);
	i = rc == IPC_OK ? port_index(d, m.iface) : -1;
	if (i < 0) {
		d->rx_bad++;
		return;
	}
	clkref_decision(&d->cr, (unsigned)i, m.rec == BMCA_REC_S1,
			daemon_mono_ns(), &o);
	carry_out(d, &o);
	publish_if_changed(d);
}

static void on_sub(struct clockd *d)
{
	struct ipc_rx rx;
	int n, rc;

	for (n = 0; n < 256; n++) {
		rc = ipc_recv(d->sub, false, &rx);
		if (rc == 0) {
			return;
		}
		if (rc > 0) {
			on_decision(d, &rx);
		} else {
			d->rx_bad++;
		}
	}
}

static void on_signal(struct clockd *d)
{
	struct signalfd_siginfo si;
	int level;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGINT:
		case SIGTERM:
			pr_notice("clockd: %s, stopping",
				  strsignal((int)si.ssi_signo));
			d->stop = true;
			break;
		case SIGHUP:
			if (d->opts.d.log_level < 0 &&
			    daemon_load_config("clockd", d->opts.d.config_path,
					       &d->cfg) == 0) {
				level = d->cfg.logging.level;
				log_set_level(level);
				pr_notice("clockd: SIGHUP: log level %d", level);
			}
			break;
		default:
			break;
		}
	}
}

static void periodic(struct clockd *d, int64_t now)
{
	struct clkref_cmp cmp[CLKREF_MAX_CLOCKS];
	struct clkref_out o;

	cd_compare_all(d, cmp);
	clkref_tick(&d->cr, now, cmp, &o);
	carry_out(d, &o);
	publish_if_changed(d);
	if (now >= d->next_pub_ns) {
		d->next_pub_ns = now + PUB_PERIOD_NS;
		publish_servo(d, now);
		publish_health(d);
	}
}

int clockd_run(struct clockd *d)
{
	zmq_pollitem_t it[3];
	int64_t now;
	long ms;
	int rc;

	memset(it, 0, sizeof(it));
	it[0].socket = d->pull;
	it[0].events = ZMQ_POLLIN;
	it[1].socket = d->sub;
	it[1].events = ZMQ_POLLIN;
	it[2].fd = d->sigfd;
	it[2].events = ZMQ_POLLIN;
	while (!d->stop) {
		now = daemon_mono_ns();
		ms = d->next_ns > now ? (long)((d->next_ns - now) / 1000000) +
					1 : 0;
		rc = zmq_poll(it, 3, ms);
		if (rc < 0) {
			if (errno == EINTR) {
				continue;
			}
			pr_err("clockd: zmq_poll: %s", zmq_strerror(errno));
			return -EIO;
		}
		if (it[2].revents & ZMQ_POLLIN) {
			on_signal(d);
		}
		if (it[0].revents & ZMQ_POLLIN) {
			on_pull(d);
		}
		if (it[1].revents & ZMQ_POLLIN) {
			on_sub(d);
		}
		now = daemon_mono_ns();
		if (now >= d->next_ns) {
			d->next_ns += d->period_ns;
			if (d->next_ns <= now) {
				d->next_ns = now + d->period_ns;
			}
			periodic(d, now);
		}
	}
	publish_health(d);
	pr_notice("clockd: %" PRIu64 " samples, %" PRIu64 " stale, %" PRIu64
		  " refused, %" PRIu64 " from ports not slave, %" PRIu64
		  " steps", d->cr.rx_samples, d->cr.rx_stale, d->rx_bad,
		  d->cr.rx_not_slave, cd_steps(d));
	return 0;
}
