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

/* A decision of bmcad counts this long (it re-sends once per announce
 * interval); a port without one is taken at its samples' word. */
#define DECISION_TTL_NS	(4 * NS_PER_SEC)
#define PUB_PERIOD_NS	NS_PER_SEC

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

static const char *slave_name(const struct clockd *d)
{
	return d->slave >= 0 ? d->cfg.ports[d->slave].interface : "-";
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
	struct clkctl_cfg cfg;
	int rc, i, lsync = 127;

	clkctl_cfg_default(&cfg);
	cfg.servo.kind = mc->servo == MCONF_SERVO_LINREG ? SERVO_LINREG :
			 mc->servo == MCONF_SERVO_KALMAN ? SERVO_KALMAN :
							    SERVO_PI;
	cfg.servo.pi_kp = mc->pi_kp;
	cfg.servo.pi_ki = mc->pi_ki;
	cfg.servo.first_step_threshold = mc->first_step_threshold;
	cfg.servo.step_threshold = mc->step_threshold;
	cfg.free_running = mc->free_running;
	cfg.holdover_spec_ns = (int64_t)(d->opts.holdover_spec_s * 1e9);
	clkctl_class_default(&cfg.cls, (uint8_t)mc->clock_class);
	if (mc->slave_only) {
		cfg.cls = (struct clkctl_class){ 255, 255, 255, 255 };
	}
	for (i = 0; i < d->cfg.n_ports; i++) {
		if (d->cfg.ports[i].log_sync_interval < lsync) {
			lsync = d->cfg.ports[i].log_sync_interval;
		}
	}
	d->log_sync = (int8_t)lsync;
	cfg.sync_interval_s = ldexp(1.0, lsync);
	rc = clkctl_init(&d->cc, &cfg);
	if (rc < 0) {
		pr_err("clockd: cannot create the servo: %s", strerror(-rc));
		return rc;
	}
	d->cc_ok = true;
	/* the follow loop runs at the fastest sync rate, 1/16 .. 1 s */
	lsync = lsync < -4 ? -4 : lsync > 0 ? 0 : lsync;
	d->period_ns = (int64_t)(ldexp(1.0, lsync) * 1e9);
	for (i = 0; i < d->n_clocks; i++) {
		clkfollow_period(&d->clocks[i].fl, d->period_ns * 1e-9);
	}
	return 0;
}

int clockd_setup(struct clockd *d)
{
	int rc;

	d->sigfd = -1;
	d->lockfd = -1;
	d->slave = -1;
	d->ref = -1;
	d->last_state = -1;
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
	rc = setup_bus(d);
	if (rc < 0) {
		return rc;
	}
	d->start_ns = daemon_mono_ns();
	d->next_ns = d->start_ns + d->period_ns;
	d->next_pub_ns = d->start_ns;
	pr_notice("clockd: %d ports on %d clocks, %s servo, follow loop "
		  "every %.3f s%s", d->cfg.n_ports, d->n_clocks,
		  servo_kind_str(d->cc.cfg.servo.kind), d->period_ns * 1e-9,
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
	if (d->cc_ok) {
		clkctl_fini(&d->cc);
		d->cc_ok = false;
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

/* ---- the reference clock --------------------------------------------- */

static void log_verdict(struct clockd *d, enum clkctl_verdict v,
			const char *what, int rc)
{
	struct cd_clock *c = &d->clocks[d->ref];

	switch (v) {
	case CLKCTL_FAULT_NEW:
		pr_err("%s: %s refused to %s: %s; servo fault until the "
		       "clock can be adjusted", slave_name(d),
		       clk_name(c->clk), what, strerror(-rc));
		break;
	case CLKCTL_FAULT_AGAIN:
		pl_warn("%s: %s still refuses to %s: %s (%" PRIu64 " times)",
			slave_name(d), clk_name(c->clk), what, strerror(-rc),
			d->cc.faults);
		break;
	case CLKCTL_CLEARED:
		pr_notice("%s: %s accepts adjustments again, servo fault "
			  "cleared", slave_name(d), clk_name(c->clk));
		break;
	default:
		break;
	}
}

/* Carry out clkctl's actions on the reference clock. */
static void apply(struct clockd *d, const struct clkctl_out *o)
{
	struct cd_clock *c;
	char what[48];
	int rc;

	if (d->ref < 0) {
		return;
	}
	c = &d->clocks[d->ref];
	if (o->restarted) {
		pr_info("%s: new master %" PRId64 " ns away: servo restarts",
			slave_name(d), o->nm_median_ns);
	}
	if (o->holdover_end) {
		pr_notice("%s: samples are back, holdover ends",
			  slave_name(d));
	}
	if (o->step) {
		rc = clk_step(c->clk, o->step_ns);
		snprintf(what, sizeof(what), "step %" PRId64 " ns",
			 o->step_ns);
		log_verdict(d, clkctl_clock_result(&d->cc, CLKCTL_OP_STEP,
						   rc), what, rc);
		if (rc < 0) {
			return;
		}
		pr_notice("%s: %s stepped by %" PRId64 " ns", slave_name(d),
			  clk_name(c->clk), o->step_ns);
		cd_follow_step(d, o->step_ns);
	}
	if (o->adjfreq) {
		rc = clk_adjfreq(c->clk, o->freq_ppb);
		snprintf(what, sizeof(what), "adjust frequency %.3f ppb",
			 o->freq_ppb);
		log_verdict(d, clkctl_clock_result(&d->cc, CLKCTL_OP_ADJFREQ,
						   rc), what, rc);
		if (rc < 0) {
			return;
		}
		c->fl.freq_ppb = o->freq_ppb;
	}
	if (o->first_lock) {
		pr_info("%s: servo locked", slave_name(d));
	}
	if (o->synced) {
		d->ref_locked = true;
	}
}

static bool clkctl_locked(const struct clockd *d)
{
	enum clkctl_state st = clkctl_state(&d->cc);

	return st == CLKCTL_LOCKED || st == CLKCTL_LOCKED_STABLE ||
	       st == CLKCTL_HOLDOVER;
}

/*
 * Port i (or none: -1) is the slave port now. Its clock becomes the
 * reference; the reference servo starts from that clock's frequency and
 * never steps it if it was locked, and the old reference follows it.
 */
static void set_slave(struct clockd *d, int i)
{
	struct clkctl_out o;
	int nc, oc = d->ref;
	bool old_locked, new_locked;
	double f;

	if (i == d->slave) {
		return;
	}
	pr_notice("clockd: slave port %s -> %s", slave_name(d),
		  i >= 0 ? d->cfg.ports[i].interface : "none");
	d->have_master = false;
	d->slave = i;
	if (i < 0) {
		if (clkctl_holdover(&d->cc, daemon_mono_ns(), &o)) {
			pr_notice("clockd: no slave port: holdover at %.3f "
				  "ppb", o.freq_ppb);
			apply(d, &o);
		}
		return;
	}
	nc = d->port_clock[i];
	d->cc.cfg.servo.sw_ts =
		d->cfg.ports[i].timestamping == MCONF_TSTAMP_SOFTWARE;
	d->cc.cfg.servo.max_frequency = d->clocks[nc].clk->max_adj;
	if (d->cfg.clock.max_frequency > 0 &&
	    d->cfg.clock.max_frequency < d->cc.cfg.servo.max_frequency) {
		d->cc.cfg.servo.max_frequency = d->cfg.clock.max_frequency;
	}
	if (oc == nc) {
		clkctl_new_master(&d->cc);	/* same clock, maybe a new
						 * master: judged */
		return;
	}
	new_locked = d->clocks[nc].fl.locked;
	old_locked = oc >= 0 && clkctl_locked(d);
	f = clkctl_freq(&d->cc);
	clkctl_new_reference(&d->cc, d->clocks[nc].fl.freq_ppb, new_locked);
	d->ref_locked = new_locked;
	cd_follow_stop(&d->clocks[nc]);
	if (oc >= 0) {
		cd_follow_start(&d->clocks[oc], f, old_locked);
	}
	d->ref = nc;
	pr_notice("clockd: reference clock %s%s (%.3f ppb)",
		  clk_name(d->clocks[nc].clk), new_locked ?
		  ", locked: never stepped for the change" : "",
		  d->clocks[nc].fl.freq_ppb);
}

/* ---- publishing ------------------------------------------------------ */

static int cur_state(const struct clockd *d)
{
	return (int)clkctl_state(&d->cc);
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
	if (d->slave >= 0 && st != CLKCTL_HOLDOVER) {
		snprintf(m.slave_iface, sizeof(m.slave_iface), "%s",
			 d->cfg.ports[d->slave].interface);
	}
	m.freq_ppb = clkctl_freq(&d->cc);
	m.offset_ns = d->cc.offset_ns;
	m.clock_class = clkctl_clock_class(&d->cc, now);
	m.steps = cd_steps(d);
	m.holdover_ms = (uint64_t)(clkctl_holdover_ns(&d->cc, now) / 1000000);
	for (i = 0; i < d->n_clocks && i < IPC_CLOCKS_MAX; i++) {
		struct ipc_clock_status *s = &m.clocks[i];
		const struct cd_clock *c = &d->clocks[i];

		snprintf(s->iface, sizeof(s->iface), "%s",
			 d->cfg.ports[c->port].interface);
		snprintf(s->clock, sizeof(s->clock), "%s", clk_name(c->clk));
		s->is_reference = i == d->ref;
		if (s->is_reference) {
			s->locked = st == CLKCTL_LOCKED ||
				    st == CLKCTL_LOCKED_STABLE;
			s->freq_ppb = clkctl_freq(&d->cc);
		} else {
			s->locked = c->fl.locked && !c->fl.holdover;
			s->freq_ppb = c->fl.freq_ppb;
			s->offset_ns = c->fl.have_offset ? c->fl.offset_ns : 0;
		}
	}
	m.n_clocks = (uint8_t)i;
	publish(d, "clock/servo/", IPC_T_SERVO, &m);
	d->last_state = st;
	d->last_class = m.clock_class;
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

/* Publish at once when the state or the class changed. */
static void publish_if_changed(struct clockd *d)
{
	int64_t now = daemon_mono_ns();

	if (cur_state(d) != d->last_state ||
	    clkctl_clock_class(&d->cc, now) != d->last_class) {
		pr_info("clockd: servo %s, clockClass %u",
			clkctl_state_str(clkctl_state(&d->cc)),
			clkctl_clock_class(&d->cc, now));
		publish_servo(d, now);
	}
}

/* ---- input ----------------------------------------------------------- */

static void on_sample(struct clockd *d, const struct ipc_rx *rx)
{
	struct ipc_sample m;
	struct ipc_hdr h;
	struct clkctl_out o;
	int64_t now = daemon_mono_ns(), age;
	double ivl;
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
	ivl = ldexp(1.0, m.log_sync_interval);
	age = now - h.mono_ns;
	if ((double)age > 2.0 * ivl * 1e9) {
		d->rx_stale++;
		pl_info("%s: stale sample (%" PRId64 " ms old) dropped "
			"(%" PRIu64 " so far)", m.iface, age / 1000000,
			d->rx_stale);
		return;
	}
	if (d->dec_have[i] && !d->dec_s1[i] &&
	    now - d->dec_ns[i] < DECISION_TTL_NS) {
		d->rx_not_slave++;
		pl_info("%s: sample dropped: bmcad says the port is not "
			"slave", m.iface);
		return;
	}
	d->rx_samples++;
	set_slave(d, i);
	if (m.log_sync_interval != d->log_sync) {
		d->log_sync = m.log_sync_interval;
		clkctl_sync_interval(&d->cc, ivl);
	}
	if (d->have_master && port_identity_cmp(&m.master, &d->master)) {
		pr_info("%s: new master: its offsets are judged",
			m.iface);
		clkctl_new_master(&d->cc);
	}
	d->master = m.master;
	d->have_master = true;
	clkctl_sample(&d->cc, tmv_to_ns_round(m.offset), tmv_to_ns(m.t2),
		      now, &o);
	if (o.gated) {
		pl_info("%s: offset %" PRId64 " ns rejected as an outlier "
			"(median %" PRId64 " ns)", m.iface, d->cc.offset_ns,
			gate_median(&d->cc.gate));
	}
	pr_debug("%s: offset %" PRId64 " ns freq %.3f ppb %s", m.iface,
		 d->cc.offset_ns, o.freq_ppb, servo_state_str(o.servo));
	apply(d, &o);
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
	int i, rc;

	rc = ipc_msg_unpack(rx->msg, rx->len, IPC_T_DECISION, &m, NULL);
	i = rc == IPC_OK ? port_index(d, m.iface) : -1;
	if (i < 0) {
		d->rx_bad++;
		return;
	}
	d->dec_have[i] = true;
	d->dec_s1[i] = m.rec == BMCA_REC_S1;
	d->dec_ns[i] = daemon_mono_ns();
	if (d->dec_s1[i]) {
		set_slave(d, i);
	} else if (d->slave == i) {
		set_slave(d, -1);
	}
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
	struct clkctl_out o;
	bool ho;

	if (clkctl_tick(&d->cc, now, &o)) {
		pr_notice("%s: no sample for %u sync intervals: holdover at "
			  "%.3f ppb", slave_name(d),
			  d->cc.cfg.holdover_intervals, o.freq_ppb);
		apply(d, &o);
	}
	ho = d->slave < 0 || clkctl_state(&d->cc) == CLKCTL_HOLDOVER;
	cd_follow(d, ho);
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
		  " steps", d->rx_samples, d->rx_stale, d->rx_bad,
		  d->rx_not_slave, cd_steps(d));
	return 0;
}
