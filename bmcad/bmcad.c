// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bmcad.c - bmcad's bus, loop and decisions (see bmcad.h).
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

#include "bmcad.h"
#include "daemon.h"
#include "ipc.h"
#include "log.h"
#include "privs.h"

/* The port index of a configured interface, or -1. */
static int port_index(const struct bmcad *b, const char *iface)
{
	int i;

	for (i = 0; i < b->cfg.n_ports; i++) {
		if (!strcmp(b->cfg.ports[i].interface, iface)) {
			return i;
		}
	}
	return -1;
}

/* Single instance per run directory: an ipc:// bind silently steals the
 * endpoint from a running bmcad, so hold a lock first. */
static int take_lock(struct bmcad *b)
{
	char path[MCONF_RUNDIR_MAX + 16];

	snprintf(path, sizeof(path), "%s/bmcad.lock", b->cfg.ipc.rundir);
	b->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (b->lockfd < 0) {
		int err = errno;

		pr_err("bmcad: %s: %s", path, strerror(err));
		return -err;
	}
	if (flock(b->lockfd, LOCK_EX | LOCK_NB) < 0) {
		pr_err("bmcad: another bmcad runs on %s (%s is locked)",
		       b->cfg.ipc.rundir, path);
		return -EBUSY;
	}
	return 0;
}

static int setup_bus(struct bmcad *b)
{
	struct ipc_sock_opts ro = { .router_handover = true };
	char ep[IPC_ENDPOINT_MAX];
	int rc;

	b->ctx = zmq_ctx_new();
	if (!b->ctx) {
		pr_err("bmcad: zmq_ctx_new: %s", zmq_strerror(errno));
		return -ENOMEM;
	}
	rc = ipc_endpoint(b->cfg.ipc.rundir, IPC_SVC_BMCA, ep, sizeof(ep));
	if (rc < 0) {
		pr_err("bmcad: run directory %s: %s", b->cfg.ipc.rundir,
		       strerror(-rc));
		return rc;
	}
	b->router = ipc_socket(b->ctx, ZMQ_ROUTER, ep, true, &ro);
	if (!b->router) {
		int err = errno;

		pr_err("bmcad: bind %s: %s", ep, zmq_strerror(err));
		return -err;
	}
	rc = ipc_endpoint(b->cfg.ipc.rundir, IPC_SVC_PUB, ep, sizeof(ep));
	if (rc == 0) {
		b->pub = ipc_socket(b->ctx, ZMQ_PUB, ep, false, NULL);
	}
	if (!b->pub) {
		pr_err("bmcad: connect %s: %s", ep, zmq_strerror(errno));
		return -EIO;
	}
	rc = ipc_endpoint(b->cfg.ipc.rundir, IPC_SVC_SUB, ep, sizeof(ep));
	if (rc == 0) {
		b->sub = ipc_socket(b->ctx, ZMQ_SUB, ep, false, NULL);
	}
	if (!b->sub || zmq_setsockopt(b->sub, ZMQ_SUBSCRIBE, "clock/servo/",
				      strlen("clock/servo/")) < 0) {
		pr_err("bmcad: subscribe %s: %s", ep, zmq_strerror(errno));
		return -EIO;
	}
	return 0;
}

int bmcad_setup(struct bmcad *b)
{
	struct clock_identity id;
	struct default_ds dds;
	struct time_properties_ds local;
	bool phc = true;
	int i, lann = 127, timeout_ivl = 0, rc;
	double t;

	b->sigfd = -1;
	b->lockfd = -1;
	if (b->opts.rundir) {
		snprintf(b->cfg.ipc.rundir, sizeof(b->cfg.ipc.rundir), "%s",
			 b->opts.rundir);
	}
	rc = daemon_mkdir_p(b->cfg.ipc.rundir, 0750);
	if (rc < 0) {
		pr_err("bmcad: run directory %s: %s", b->cfg.ipc.rundir,
		       strerror(-rc));
		return rc;
	}
	rc = take_lock(b);
	if (rc < 0) {
		return rc;
	}
	rc = daemon_clock_identity(&b->cfg, "bmcad", &id);
	if (rc < 0) {
		return rc;
	}
	for (i = 0; i < b->cfg.n_ports; i++) {
		const struct mconf_port *p = &b->cfg.ports[i];
		double ivl = ldexp(1.0, p->log_announce_interval);
		int slots = (int)ceil(ivl * (p->announce_receipt_timeout + 1));

		phc = phc && p->clock == MCONF_CLK_PHC;
		if (p->log_announce_interval < lann) {
			lann = p->log_announce_interval;
		}
		if (slots > timeout_ivl) {
			timeout_ivl = slots;
		}
	}
	daemon_clock_ds(&b->cfg, &id, (unsigned)b->cfg.n_ports, phc, &dds,
			&local);
	/* Epochs of a restarted bmcad start above its predecessor's: 16 per
	 * second of real time (ports compare them as serial numbers). */
	rc = bmca_clock_init(&b->bc, &dds, &local, (unsigned)b->cfg.n_ports,
			     (int64_t)timeout_ivl * NS_PER_SEC,
			     (uint32_t)time(NULL) << 4);
	if (rc < 0) {
		pr_err("bmcad: %d ports: at most %d", b->cfg.n_ports,
		       BMCA_CLOCK_PORTS_MAX);
		return rc;
	}
	b->cfg_class = dds.clockQuality.clockClass;
	t = ldexp(1.0, lann) * 1e9;
	b->period_ns = t < 1e6 ? 1000000 : (int64_t)t;
	b->sigfd = daemon_signalfd();
	if (b->sigfd < 0) {
		pr_err("bmcad: signalfd: %s", strerror(-b->sigfd));
		return b->sigfd;
	}
	/* before ZeroMQ's threads: capabilities are per thread */
	rc = privs_daemon_drop("bmcad", PRIVS_BMCAD, &b->cfg, -1, false);
	if (rc < 0) {
		return rc;
	}
	rc = setup_bus(b);
	if (rc < 0) {
		return rc;
	}
	b->start_ns = daemon_mono_ns();
	b->next_ns = b->start_ns + b->period_ns;
	pr_notice("bmcad: %d ports, decisions every %.3f s, a port silent "
		  "for %d s is left out", b->cfg.n_ports, b->period_ns * 1e-9,
		  timeout_ivl);
	return 0;
}

void bmcad_teardown(struct bmcad *b)
{
	ipc_close(b->router);
	ipc_close(b->pub);
	ipc_close(b->sub);
	b->router = b->pub = b->sub = NULL;
	if (b->ctx) {
		zmq_ctx_term(b->ctx);
		b->ctx = NULL;
	}
	if (b->sigfd >= 0) {
		close(b->sigfd);
	}
	if (b->lockfd >= 0) {
		char path[MCONF_RUNDIR_MAX + 16];

		/* Still holding the lock: nobody else owns the file. */
		snprintf(path, sizeof(path), "%s/bmcad.lock",
			 b->cfg.ipc.rundir);
		unlink(path);
		close(b->lockfd);
	}
}

/* ---- decisions ---------------------------------------------------------- */

static void fill_decision(const struct bmcad *b, int i,
			  struct ipc_decision *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->iface, sizeof(m->iface), "%s",
		 b->cfg.ports[i].interface);
	m->epoch = b->bc.epoch;
	m->rec = (uint8_t)b->bc.port[i].rec;
	m->dflt = b->bc.ds.dflt;
	m->cur = b->bc.ds.cur;
	m->parent = b->bc.ds.parent;
	m->tprop = b->bc.ds.tprop;
	m->n_path = b->bc.n_path;
	memcpy(m->path, b->bc.path, sizeof(m->path[0]) * m->n_path);
}

static void send_decisions(struct bmcad *b)
{
	uint8_t buf[IPC_MSG_MAX];
	struct ipc_decision m;
	char topic[IPC_TOPIC_MAX];
	int i, n, rc;

	for (i = 0; i < b->cfg.n_ports; i++) {
		fill_decision(b, i, &m);
		n = ipc_msg_pack(IPC_T_DECISION, &m, ++b->seq,
				 daemon_mono_ns(), buf, sizeof(buf));
		if (n < 0) {
			pl_err("bmcad: decision for %s: %s", m.iface,
			       ipc_err_str(n));
			continue;
		}
		rc = ipc_send(b->router, m.iface, "decision/", buf,
			      (size_t)n);
		if (rc == -EHOSTUNREACH) {
			b->tx_unreachable++;
		} else if (rc == -EAGAIN) {
			b->tx_dropped++;
		} else if (rc < 0) {
			pl_warn("bmcad: send to %s: %s", m.iface,
				strerror(-rc));
		}
		if (ipc_topic_port(topic, sizeof(topic), m.iface,
				   "decision") == 0) {
			(void)ipc_send(b->pub, NULL, topic, buf, (size_t)n);
		}
	}
}

static void log_changes(const struct bmcad *b, const enum bmca_rec *before)
{
	char gm[20];
	int i;

	clock_identity_str(&b->bc.ds.parent.grandmasterIdentity, gm);
	for (i = 0; i < b->cfg.n_ports; i++) {
		if (b->bc.port[i].rec == before[i]) {
			continue;
		}
		pr_notice("bmcad: %s: %s -> %s (epoch %" PRIu32 ", "
			  "grandmaster %s, stepsRemoved %u)",
			  b->cfg.ports[i].interface, bmca_rec_str(before[i]),
			  bmca_rec_str(b->bc.port[i].rec), b->bc.epoch, gm,
			  b->bc.ds.cur.stepsRemoved);
	}
}

static void decide(struct bmcad *b, bool resend)
{
	enum bmca_rec before[BMCA_CLOCK_PORTS_MAX];
	int i;

	for (i = 0; i < b->cfg.n_ports; i++) {
		before[i] = b->bc.port[i].rec;
	}
	if (bmca_clock_decide(&b->bc, daemon_mono_ns())) {
		b->decisions++;
		log_changes(b, before);
		resend = true;
	}
	if (resend) {
		send_decisions(b);
	}
}

static void publish_health(struct bmcad *b)
{
	uint8_t buf[IPC_MSG_MAX];
	struct ipc_health h;
	int n;

	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "bmcad");
	h.pid = (uint32_t)getpid();
	h.state = b->stop ? IPC_HEALTH_STOPPING : IPC_HEALTH_RUNNING;
	h.uptime_ms = (uint64_t)((daemon_mono_ns() - b->start_ns) / 1000000);
	n = ipc_msg_pack(IPC_T_HEALTH, &h, ++b->seq, daemon_mono_ns(), buf,
			 sizeof(buf));
	if (n > 0) {
		(void)ipc_send(b->pub, NULL, "hb/bmcad/", buf, (size_t)n);
	}
}

/* ---- input -------------------------------------------------------------- */

static void on_erbest(struct bmcad *b, const struct ipc_rx *rx)
{
	struct bmca_clock_report r;
	struct ipc_erbest m;
	int i, rc;

	rc = ipc_msg_unpack(rx->msg, rx->len, IPC_T_ERBEST, &m, NULL);
	i = port_index(b, rx->id);
	if (rc != IPC_OK || i < 0 || strcmp(m.iface, rx->id)) {
		b->rx_bad++;
		pl_warn("bmcad: message from \"%s\" refused: %s (%" PRIu64
			" so far)", rx->id, rc != IPC_OK ? ipc_err_str(rc) :
			i < 0 ? "not a configured port" :
			"interface name differs from the routing id",
			b->rx_bad);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.state = (enum port_state)m.state;
	r.link_up = m.link_up;
	r.master_only = m.master_only;
	r.has_erbest = m.has_erbest;
	r.erbest = m.erbest;
	r.n_path = m.n_path;
	memcpy(r.path, m.path, sizeof(r.path[0]) * m.n_path);
	if (bmca_clock_report(&b->bc, (unsigned)i, &r,
			      daemon_mono_ns()) < 0) {
		b->rx_bad++;
		return;
	}
	/* A port that has not applied the current epoch yet (it just
	 * (re)started) gets its decision now, not an interval later. */
	decide(b, m.epoch_applied != b->bc.epoch);
}

static void on_router(struct bmcad *b)
{
	struct ipc_rx rx;
	int rc, n;

	for (n = 0; n < 256; n++) {
		rc = ipc_recv(b->router, true, &rx);
		if (rc == 0) {
			return;
		}
		if (rc < 0) {
			b->rx_bad++;
			pl_warn("bmcad: bad frames from \"%s\": %s", rx.id,
				strerror(-rc));
			continue;
		}
		b->rx_msgs++;
		on_erbest(b, &rx);
	}
}

/* clockd's servo status: the clockClass it says the clock has now. */
static void on_servo(struct bmcad *b)
{
	struct ipc_servo m;
	struct ipc_rx rx;
	uint8_t cls;
	int rc, n;

	for (n = 0; n < 64; n++) {
		rc = ipc_recv(b->sub, false, &rx);
		if (rc == 0) {
			return;
		}
		if (rc < 0 || ipc_msg_unpack(rx.msg, rx.len, IPC_T_SERVO, &m,
					     NULL) != IPC_OK) {
			b->rx_bad++;
			pl_warn("bmcad: bad servo status refused (%" PRIu64
				" so far)", b->rx_bad);
			continue;
		}
		/* A slave-only clock stays 255 whatever clockd says. */
		cls = b->bc.ds.dflt.slaveOnly ? 255 : m.clock_class;
		if (cls && cls != b->bc.ds.dflt.clockQuality.clockClass) {
			pr_notice("bmcad: clockClass %u -> %u (servo %s)",
				  b->bc.ds.dflt.clockQuality.clockClass, cls,
				  ipc_servo_state_str(m.state));
			b->bc.ds.dflt.clockQuality.clockClass = cls;
			b->bc.epoch++;	/* defaultDS changed */
			decide(b, true);
		}
	}
}

static void on_signal(struct bmcad *b)
{
	struct signalfd_siginfo si;
	int level;

	while (read(b->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGINT:
		case SIGTERM:
			pr_notice("bmcad: %s, stopping",
				  strsignal((int)si.ssi_signo));
			b->stop = true;
			break;
		case SIGHUP:
			if (b->opts.log_level < 0 &&
			    daemon_load_config("bmcad", b->opts.config_path,
					       &b->cfg) == 0) {
				level = b->cfg.logging.level;
				log_set_level(level);
				pr_notice("bmcad: SIGHUP: log level %d", level);
			}
			break;
		default:
			break;
		}
	}
}

int bmcad_run(struct bmcad *b)
{
	zmq_pollitem_t it[3];
	int64_t now;
	long ms;
	int rc;

	memset(it, 0, sizeof(it));
	it[0].socket = b->router;
	it[0].events = ZMQ_POLLIN;
	it[1].fd = b->sigfd;
	it[1].events = ZMQ_POLLIN;
	it[2].socket = b->sub;
	it[2].events = ZMQ_POLLIN;
	publish_health(b);
	while (!b->stop) {
		now = daemon_mono_ns();
		ms = b->next_ns > now ? (long)((b->next_ns - now) / 1000000) +
					1 : 0;
		if (ms > 250) {
			ms = 250;	/* heartbeats once a second */
		}
		rc = zmq_poll(it, 3, ms);
		if (rc < 0) {
			if (errno == EINTR) {
				continue;
			}
			pr_err("bmcad: zmq_poll: %s", zmq_strerror(errno));
			return -EIO;
		}
		if (it[1].revents & ZMQ_POLLIN) {
			on_signal(b);
		}
		if (it[0].revents & ZMQ_POLLIN) {
			on_router(b);
		}
		if (it[2].revents & ZMQ_POLLIN) {
			on_servo(b);
		}
		now = daemon_mono_ns();
		if (now >= b->next_ns) {
			b->next_ns += b->period_ns;
			if (b->next_ns <= now) {
				b->next_ns = now + b->period_ns;
			}
			decide(b, true);
		}
		if (now - b->health_ns >= NS_PER_SEC) {
			b->health_ns = now;
			publish_health(b);	/* once a second (BUS.md) */
		}
	}
	publish_health(b);
	return 0;
}
