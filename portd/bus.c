// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bus.c - portd as one port of a boundary clock (ipc/BUS.md):
 *
 *   - Erbest and state to bmcad (a DEALER at RUNDIR/bmca.sock, routing id
 *     = the interface name) when they change and once per announce
 *     interval; decisions back, each carrying the clock's data sets, fed
 *     to the core as they are (the port keeps no BMCA of its own);
 *   - offset samples to clockd (a PUSH at RUNDIR/clock.sock, never
 *     blocking: a full queue drops the sample and counts it);
 *   - clockd's servo status from the bus (a SUB at RUNDIR/sub.sock,
 *     "clock/servo/"): a clock step it made means PEV_UNSYNCED (timestamps
 *     in the old time base are dropped), a locked servo following this
 *     port means PEV_SYNCED;
 *   - telemetry (a PUB at RUNDIR/pub.sock): port-status and health once
 *     per summary interval, plus the summary line on stdout.
 *
 * portd never adjusts its clock in this mode: clockd owns every clock.
 * Without bmcad the port keeps its last decision; without clockd its clock
 * keeps its last frequency (clockd's holdover, or the PHC's own).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clkref.h"
#include "daemon.h"
#include "ipc.h"
#include "log.h"
#include "portd.h"
#include "summary.h"

struct portd_bus {
	void *ctx;
	void *dealer;			/* to bmcad */
	void *push;			/* samples to clockd */
	void *pub;			/* telemetry */
	void *sub;			/* clockd's servo status */
	uint32_t seq;
	int64_t start_ns;

	uint32_t epoch_applied;		/* last decision carried out */
	bool have_decision;
	bool report_due;		/* state changed: tell bmcad */

	bool have_servo;		/* a servo status was heard */
	struct ipc_servo servo;		/* the last one */
	int64_t servo_mono_ns;
	uint64_t servo_steps;		/* steps seen so far */

	/* Counters. */
	uint64_t samples_sent;
	uint64_t dropped;		/* bus messages dropped: full queue */
	uint64_t bad;			/* bus messages refused */
	uint64_t decisions;		/* applied */
};

static const char *bus_endpoint(struct portd *d, const char *svc,
				char *buf, size_t len)
{
	if (ipc_endpoint(d->cfg.ipc.rundir, svc, buf, len) < 0) {
		return NULL;
	}
	return buf;
}

static int bus_init(struct portd *d)
{
	struct ipc_sock_opts dealer = { .routing_id = d->ifname };
	struct ipc_sock_opts push = { .sndhwm = IPC_HWM_SAMPLES };
	struct ipc_sock_opts sub = { .rcvhwm = 64 };
	char ep[IPC_ENDPOINT_MAX];
	struct portd_bus *b;

	b = calloc(1, sizeof(*b));
	if (!b) {
		return -ENOMEM;
	}
	d->bus = b;
	b->start_ns = daemon_mono_ns();
	/* Signals are blocked already (setup_signals): ZeroMQ's threads,
	 * started now, inherit the mask. */
	b->ctx = zmq_ctx_new();
	if (!b->ctx) {
		pr_err("%s: zmq_ctx_new: %s", d->ifname, zmq_strerror(errno));
		return -ENOMEM;
	}
	if (!bus_endpoint(d, IPC_SVC_BMCA, ep, sizeof(ep)) ||
	    !(b->dealer = ipc_socket(b->ctx, ZMQ_DEALER, ep, false,
				     &dealer)) ||
	    !bus_endpoint(d, IPC_SVC_CLOCK, ep, sizeof(ep)) ||
	    !(b->push = ipc_socket(b->ctx, ZMQ_PUSH, ep, false, &push)) ||
	    !bus_endpoint(d, IPC_SVC_PUB, ep, sizeof(ep)) ||
	    !(b->pub = ipc_socket(b->ctx, ZMQ_PUB, ep, false, NULL)) ||
	    !bus_endpoint(d, IPC_SVC_SUB, ep, sizeof(ep)) ||
	    !(b->sub = ipc_socket(b->ctx, ZMQ_SUB, ep, false, &sub))) {
		pr_err("%s: bus in %s: %s", d->ifname, d->cfg.ipc.rundir,
		       zmq_strerror(errno));
		return -EIO;
	}
	if (zmq_setsockopt(b->sub, ZMQ_SUBSCRIBE, "clock/servo/",
			   strlen("clock/servo/")) < 0) {
		pr_err("%s: subscribe: %s", d->ifname, zmq_strerror(errno));
		return -EIO;
	}
	pr_info("%s: port %u of %d on the bus in %s", d->ifname,
		d->port_index + 1, d->cfg.n_ports, d->cfg.ipc.rundir);
	return 0;
}

static void bus_fini(struct portd *d)
{
	struct portd_bus *b = d->bus;

	if (!b) {
		return;
	}
	ipc_close(b->dealer);
	ipc_close(b->push);
	ipc_close(b->pub);
	ipc_close(b->sub);
	if (b->ctx) {
		zmq_ctx_term(b->ctx);
	}
	free(b);
	d->bus = NULL;
}

/* ---- to bmcad ------------------------------------------------------------ */

static void send_erbest(struct portd *d)
{
	struct portd_bus *b = d->bus;
	const struct bmca_ds *e = port_core_erbest(d->pc);
	const struct port_ds *ds = port_core_ds(d->pc);
	uint8_t buf[IPC_MSG_MAX];
	struct ipc_erbest m;
	int n, rc;

	memset(&m, 0, sizeof(m));
	snprintf(m.iface, sizeof(m.iface), "%s", d->ifname);
	m.port = ds->portIdentity;
	m.state = ds->portState;
	m.link_up = d->link_up;
	m.master_only = ds->masterOnly;
	m.log_announce_interval = ds->logAnnounceInterval;
	m.epoch_applied = b->epoch_applied;
	if (e) {
		m.has_erbest = true;
		m.erbest = *e;
		m.n_path = (uint8_t)port_core_erbest_path(d->pc, m.path,
							  IPC_PATH_MAX);
	}
	n = ipc_msg_pack(IPC_T_ERBEST, &m, ++b->seq, daemon_mono_ns(), buf,
			 sizeof(buf));
	if (n < 0) {
		pl_err("%s: erbest: %s", d->ifname, ipc_err_str(n));
		return;
	}
	rc = ipc_send(b->dealer, NULL, "erbest/", buf, (size_t)n);
	if (rc == -EAGAIN) {
		b->dropped++;	/* bmcad not there: the periodic one retries */
	} else if (rc < 0) {
		pl_warn("%s: erbest to bmcad: %s", d->ifname, strerror(-rc));
	}
}

static void bus_decide(struct portd *d, bool periodic)
{
	(void)periodic;		/* on change and on the tick alike */
	d->bus->report_due = false;
	send_erbest(d);
}

static void bus_state(struct portd *d, enum port_state from,
		      enum port_state to)
{
	(void)from;
	(void)to;
	d->bus->report_due = true;
	d->bmca_due = true;	/* drain() reports it after this event */
}

static void on_decision(struct portd *d, const struct ipc_rx *rx)
{
	struct portd_bus *b = d->bus;
	struct ipc_decision m;
	struct pev ev;
	char id[20];
	int rc;

	rc = ipc_msg_unpack(rx->msg, rx->len, IPC_T_DECISION, &m, NULL);
	if (rc != IPC_OK || strcmp(m.iface, d->ifname) ||
	    clock_identity_cmp(&m.dflt.clockIdentity,
			       &d->cds.dflt.clockIdentity)) {
		b->bad++;
		pl_warn("%s: decision refused: %s (%" PRIu64 " so far)",
			d->ifname, rc != IPC_OK ? ipc_err_str(rc) :
			strcmp(m.iface, d->ifname) ? "for another port" :
			"another clock identity", b->bad);
		return;
	}
	d->cds.dflt = m.dflt;
	d->cds.cur = m.cur;
	d->cds.parent = m.parent;
	d->cds.tprop = m.tprop;
	if (clock_identity_cmp(&d->last_gm,
			       &d->cds.parent.grandmasterIdentity)) {
		d->last_gm = d->cds.parent.grandmasterIdentity;
		clock_identity_str(&d->last_gm, id);
		pr_notice("%s: grandmaster %s, stepsRemoved %u (%s, epoch "
			  "%" PRIu32 ")", d->ifname, id,
			  d->cds.cur.stepsRemoved,
			  bmca_rec_str((enum bmca_rec)m.rec), m.epoch);
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = PEV_DECISION;
	ev.now_ns = portd_mono_ns();
	ev.u.decision.rec = (enum bmca_rec)m.rec;
	ev.u.decision.ds = d->cds;
	ev.u.decision.n_path = m.n_path;
	memcpy(ev.u.decision.path, m.path, sizeof(m.path[0]) * m.n_path);
	portd_defer(d, &ev);
	if (!b->have_decision || m.epoch != b->epoch_applied) {
		b->decisions++;
		b->report_due = true;	/* tell bmcad it is carried out */
		d->bmca_due = true;
	}
	b->have_decision = true;
	b->epoch_applied = m.epoch;
}

/* ---- to and from clockd --------------------------------------------------- */

static void bus_sample(struct portd *d, const struct pact *a)
{
	struct portd_bus *b = d->bus;
	const struct port_ds *ds = port_core_ds(d->pc);
	uint8_t buf[IPC_MSG_MAX];
	struct ipc_sample m;
	int n, rc;

	d->have_sample = true;
	d->sample_mono_ns = portd_mono_ns();
	d->offset_ns = tmv_to_ns_round(a->u.sample.offset);
	d->delay_ns = tmv_to_ns_round(a->u.sample.delay);
	memset(&m, 0, sizeof(m));
	snprintf(m.iface, sizeof(m.iface), "%s", d->ifname);
	m.epoch = b->epoch_applied;
	m.master = d->cds.parent.parentPortIdentity;
	m.offset = a->u.sample.offset;
	m.delay = a->u.sample.delay;
	m.t1 = a->u.sample.t1;
	m.t2 = a->u.sample.t2;
	m.rate_ratio = isfinite(a->u.sample.rate_ratio) ?
		       a->u.sample.rate_ratio : 1.0;
	m.log_sync_interval = ds->logSyncInterval;
	n = ipc_msg_pack(IPC_T_SAMPLE, &m, ++b->seq, d->sample_mono_ns, buf,
			 sizeof(buf));
	if (n < 0) {
		pl_err("%s: sample: %s", d->ifname, ipc_err_str(n));
		return;
	}
	rc = ipc_send(b->push, NULL, "sample/", buf, (size_t)n);
	if (rc == 0) {
		b->samples_sent++;
	} else if (rc == -EAGAIN) {
		b->dropped++;
		pl_info("%s: clockd is not taking samples: dropped (%" PRIu64
			" so far)", d->ifname, b->dropped);
	} else {
		pl_warn("%s: sample to clockd: %s", d->ifname, strerror(-rc));
	}
}

static void bus_new_master(struct portd *d)
{
	/* clockd sees the new master in the samples' master identity. */
	(void)d;
}

static void queue_simple(struct portd *d, enum pev_type type)
{
	struct pev ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.now_ns = portd_mono_ns();
	portd_defer(d, &ev);
}

static void on_servo(struct portd *d, const struct ipc_rx *rx)
{
	struct portd_bus *b = d->bus;
	enum port_state st = port_core_state(d->pc);
	struct ipc_servo m;
	bool mine, locked;

	if (ipc_msg_unpack(rx->msg, rx->len, IPC_T_SERVO, &m, NULL) !=
	    IPC_OK) {
		b->bad++;
		pl_warn("%s: servo status refused (%" PRIu64 " so far)",
			d->ifname, b->bad);
		return;
	}
	mine = !strcmp(m.slave_iface, d->ifname);
	locked = m.state == IPC_SERVO_LOCKED ||
		 m.state == IPC_SERVO_LOCKED_STABLE;
	/* common/clkref: clockd stepped the clock (our timestamps are in
	 * the old time base), or its servo follows this port, locked */
	switch (clkref_port_status(b->have_servo &&
				   m.steps > b->servo_steps, mine, locked,
				   st == PS_SLAVE, st == PS_UNCALIBRATED)) {
	case CLKREF_PORT_UNSYNCED:
		queue_simple(d, PEV_UNSYNCED);
		break;
	case CLKREF_PORT_SYNCED:
		queue_simple(d, PEV_SYNCED);
		break;
	case CLKREF_PORT_NONE:
		break;
	}
	b->servo_steps = m.steps;
	b->servo = m;
	b->have_servo = true;
	b->servo_mono_ns = portd_mono_ns();
	d->steps = m.steps;
	d->freq_ppb = m.freq_ppb;
	for (unsigned i = 0; i < m.n_clocks; i++) {
		if (!strcmp(m.clocks[i].iface, d->ifname)) {
			d->freq_ppb = m.clocks[i].freq_ppb;
		}
	}
}

/* ---- the loop's sockets ---------------------------------------------------- */

enum { B_DEALER, B_SUB, B_COUNT };

static unsigned bus_pollset(struct portd *d, zmq_pollitem_t *items,
			    unsigned max)
{
	if (max < B_COUNT) {
		return 0;
	}
	items[B_DEALER].socket = d->bus->dealer;
	items[B_DEALER].events = ZMQ_POLLIN;
	items[B_SUB].socket = d->bus->sub;
	items[B_SUB].events = ZMQ_POLLIN;
	return B_COUNT;
}

static void drain_socket(struct portd *d, void *sock,
			 void (*fn)(struct portd *, const struct ipc_rx *))
{
	struct ipc_rx rx;
	int i, rc;

	for (i = 0; i < 64; i++) {
		rc = ipc_recv(sock, false, &rx);
		if (rc == 0) {
			return;
		}
		if (rc < 0) {
			d->bus->bad++;
			pl_warn("%s: bus: %s", d->ifname, strerror(-rc));
			continue;
		}
		fn(d, &rx);
	}
}

static void bus_ready(struct portd *d, const zmq_pollitem_t *items,
		      unsigned n)
{
	if (n < B_COUNT) {
		return;
	}
	if (items[B_DEALER].revents & ZMQ_POLLIN) {
		drain_socket(d, d->bus->dealer, on_decision);
	}
	if (items[B_SUB].revents & ZMQ_POLLIN) {
		drain_socket(d, d->bus->sub, on_servo);
	}
	portd_drain(d);
}

/* ---- telemetry ------------------------------------------------------------ */

static void publish(struct portd *d, const char *topic, int type,
		    const void *msg)
{
	struct portd_bus *b = d->bus;
	uint8_t buf[IPC_MSG_MAX];
	int n;

	n = ipc_msg_pack(type, msg, ++b->seq, daemon_mono_ns(), buf,
			 sizeof(buf));
	if (n > 0) {
		(void)ipc_send(b->pub, NULL, topic, buf, (size_t)n);
	}
}

/* The servo word for this port, from clockd's status (a port whose own
 * offset is stale shows HOLDOVER/UNLOCKED as in standalone). */
static enum servo_state servo_of(const struct portd_bus *b)
{
	switch (b->have_servo ? b->servo.state : IPC_SERVO_FREE) {
	case IPC_SERVO_JUMP:
		return SERVO_JUMP;
	case IPC_SERVO_LOCKED:
	case IPC_SERVO_HOLDOVER:
		return SERVO_LOCKED;
	case IPC_SERVO_LOCKED_STABLE:
		return SERVO_LOCKED_STABLE;
	default:
		return SERVO_UNLOCKED;
	}
}

/* clockd's word for this port's clock: the servo's state when the clock
 * is locked to the reference (or is it), else UNLOCKED. */
static const char *bus_clock_word(const struct portd_bus *b,
				  const char *iface)
{
	unsigned i;

	if (!b->have_servo) {
		return "UNLOCKED";
	}
	for (i = 0; i < b->servo.n_clocks; i++) {
		const struct ipc_clock_status *c = &b->servo.clocks[i];

		if (strcmp(c->iface, iface)) {
			continue;
		}
		if (!c->locked) {
			return "UNLOCKED";
		}
		switch (b->servo.state) {
		case IPC_SERVO_LOCKED:
		case IPC_SERVO_LOCKED_STABLE:
		case IPC_SERVO_HOLDOVER:
			return ipc_servo_state_str(b->servo.state);
		default:
			return "UNLOCKED";
		}
	}
	return "UNLOCKED";
}

static void bus_summary(struct portd *d)
{
	struct portd_bus *b = d->bus;
	const struct port_counters *pc = port_core_counters(d->pc);
	const struct port_ds *ds = port_core_ds(d->pc);
	char topic[IPC_TOPIC_MAX];
	struct ipc_port_status ps;
	struct ipc_health h;
	struct summary_in in;
	struct summary_out so;

	portd_summary_in(d, &in);
	in.servo = servo_of(b);
	in.clock_fault = b->have_servo && b->servo.state == IPC_SERVO_FAULT;
	summary_decide(&in, &so);
	if ((!so.fresh || (b->have_servo &&
			   b->servo.state == IPC_SERVO_HOLDOVER)) &&
	    !in.clock_fault) {
		/* Not measuring (a master port), or clockd holding over
		 * while this port still measures: what clockd says of this
		 * port's clock, never LOCKED while clockd is not. */
		so.servo = bus_clock_word(b, d->ifname);
	}
	portd_summary_print(d, &so, -1);	/* outliers: clockd's */

	memset(&ps, 0, sizeof(ps));
	snprintf(ps.iface, sizeof(ps.iface), "%s", d->ifname);
	ps.ds = *ds;
	ps.parent = d->cds.parent.parentPortIdentity;
	ps.have_sample = so.fresh;
	ps.offset_ns = so.fresh ? d->offset_ns : 0;
	ps.delay_ns = so.fresh ? d->delay_ns : 0;
	ps.rx = portd_sum64(pc->rx, 16);
	ps.tx = portd_sum64(pc->tx, 16);
	ps.rx_err = portd_sum64(pc->rx_err, PTP_E_COUNT);
	ps.rx_unexpected = pc->rx_unexpected;
	ps.announce_timeouts = pc->announce_timeouts;
	ps.fmt_evictions = pc->fmt_evicted + pc->fmt_full;
	ps.bus_dropped = b->dropped;
	ps.bus_refused = b->bad;
	ps.dropped[IPC_DROP_RATE_LIMIT] = d->budget_dropped;
	ps.dropped[IPC_DROP_CPU_BUDGET] = d->cpu_dropped;
	ps.dropped[IPC_DROP_AUTH] = portd_sum64(pc->auth_drop, AUTH_E_COUNT);
	ps.dropped[IPC_DROP_NOT_ACCEPTABLE] = pc->rx_not_acceptable;
	ps.dropped[IPC_DROP_MASTER_LOCK] = pc->rx_master_lock;
	ps.dropped[IPC_DROP_MGMT_LIMITED] = pc->mgmt_limited;
	ps.dropped[IPC_DROP_DELAY_REJECTED] = pc->delay_rejected;
	if (ipc_topic_port(topic, sizeof(topic), d->ifname, "status") == 0) {
		publish(d, topic, IPC_T_PORT_STATUS, &ps);
	}
	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "portd/%s", d->ifname);
	h.pid = (uint32_t)getpid();
	h.state = IPC_HEALTH_RUNNING;
	h.uptime_ms = (uint64_t)((daemon_mono_ns() - b->start_ns) / 1000000);
	if (ipc_topic(topic, sizeof(topic), "hb/portd", d->ifname) == 0) {
		publish(d, topic, IPC_T_HEALTH, &h);
	}
}

const struct portd_mode portd_mode_bus = {
	.name = "bus",
	.init = bus_init,
	.fini = bus_fini,
	.decide = bus_decide,
	.sample = bus_sample,
	.new_master = bus_new_master,
	.state = bus_state,
	.summary = bus_summary,
	.pollset = bus_pollset,
	.ready = bus_ready,
};
