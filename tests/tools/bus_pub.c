// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bus_pub - a stand-in for the meridian supervisor's XPUB, to test
 * ptp-top without the appliance (tests/integration/42-ptp-top.sh): binds
 * a PUB at DIR/sub.sock and publishes a scripted appliance every
 * interval (or as fast as it can with --flood):
 *
 *   port/eth1/status/    SLAVE, parent GM-1, offset -12 ns, delay 3456 ns,
 *                        rx 160/s, tx 20/s, rx_err 3, rx_unexpected 1
 *   port/eth2/status/    MASTER, no sample, rx 8/s, tx 48/s
 *   port/eth{1,2}/decision/  S1 / M3, grandmaster GM, stepsRemoved 1
 *   clock/servo/         LOCKED, slave eth1, -12345.678 ppb, class 248,
 *                        2 clock steps
 *   hb/bmcad/ hb/clockd/ hb/portd/eth1/ hb/portd/eth2/   heartbeats
 *   proc/bmcad/ (restarts 2) proc/clockd/ (0) proc/portd/eth1/ (1)
 *                        proc/portd/eth2/ (0)
 *   garbage (--garbage): random octets, a bad magic, a lone frame, a
 *                        truncated message, a status under another
 *                        port's topic
 *
 *   bus_pub --rundir DIR [--seconds S] [--interval MS] [--flood]
 *           [--garbage] [--report] [--nodrop]
 *
 * --report prints one line per second: "second N sent M max_send_us U".
 * --nodrop makes it a publisher that waits for its subscribers
 * (ZMQ_XPUB_NODROP, retrying until each send is taken): the kind of
 * publisher a stopped ptp-top WOULD slow, to show that 42-ptp-top.sh's
 * check can fail.
 *
 * At the end: "sent N garbage G dropped D max_send_us U". Exit status 0,
 * 1 on error, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "daemon.h"
#include "ipc.h"

#define GM	"001122.fffe.00000a"
#define ME	"aabbcc.fffe.000001"

struct bus_pub {
	void *pub;
	bool nodrop;
	uint32_t seq;
	int64_t t0;
	unsigned long sent, garbage, dropped;
	int64_t max_send_ns, sec_max_ns;
	unsigned long sec_sent;
};

static int send_raw(struct bus_pub *b, const char *topic, const void *buf,
		    size_t len, bool one_frame)
{
	int64_t t = daemon_mono_ns(), dt;
	int rc;

	for (;;) {
		if (one_frame) {
			rc = zmq_send(b->pub, buf, len, ZMQ_DONTWAIT) < 0 ?
			     -errno : 0;
		} else {
			rc = ipc_send(b->pub, NULL, topic, buf, len);
		}
		if (rc != -EAGAIN || !b->nodrop) {
			break;
		}
		usleep(1000);
	}
	dt = daemon_mono_ns() - t;
	if (dt > b->max_send_ns) {
		b->max_send_ns = dt;
	}
	if (dt > b->sec_max_ns) {
		b->sec_max_ns = dt;
	}
	if (rc == 0) {
		b->sent++;
		b->sec_sent++;
	} else {
		b->dropped++;
	}
	return rc;
}

static void send_msg(struct bus_pub *b, const char *topic, int type,
		     const void *m)
{
	uint8_t buf[IPC_MSG_MAX];
	int n;

	n = ipc_msg_pack(type, m, ++b->seq, daemon_mono_ns(), buf,
			 sizeof(buf));
	if (n < 0) {
		fprintf(stderr, "bus_pub: pack %s: %s\n", topic,
			ipc_err_str(n));
		exit(1);
	}
	send_raw(b, topic, buf, (size_t)n, false);
}

static void status(struct ipc_port_status *m, const char *iface, int num,
		   int state, double secs)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->iface, sizeof(m->iface), "%s", iface);
	clock_identity_parse(&m->ds.portIdentity.clockIdentity, ME);
	m->ds.portIdentity.portNumber = (uint16_t)num;
	m->ds.portState = (uint8_t)state;
	m->ds.delayMechanism = DM_E2E;
	m->ds.versionNumber = 2;
	m->ds.minorVersionNumber = 1;
	m->ds.announceReceiptTimeout = 3;
	m->ds.portEnable = true;
	if (state == PS_SLAVE) {
		clock_identity_parse(&m->parent.clockIdentity, GM);
		m->parent.portNumber = 1;
		m->have_sample = true;
		m->offset_ns = -12;
		m->delay_ns = 3456;
		m->rx = (uint64_t)(160 * secs);
		m->tx = (uint64_t)(20 * secs);
		m->rx_err = 3;
		m->rx_unexpected = 1;
	} else {
		m->rx = (uint64_t)(8 * secs);
		m->tx = (uint64_t)(48 * secs);
	}
}

static void decision(struct ipc_decision *d, const char *iface, int rec)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->iface, sizeof(d->iface), "%s", iface);
	d->epoch = 7;
	d->rec = (uint8_t)rec;
	clock_identity_parse(&d->dflt.clockIdentity, ME);
	d->dflt.numberPorts = 2;
	d->dflt.clockQuality.clockClass = 248;
	d->dflt.clockQuality.clockAccuracy = 0xfe;
	d->dflt.clockQuality.offsetScaledLogVariance = 0xffff;
	d->dflt.priority1 = 128;
	d->dflt.priority2 = 128;
	d->dflt.twoStepFlag = true;
	d->cur.stepsRemoved = 1;
	clock_identity_parse(&d->parent.parentPortIdentity.clockIdentity, GM);
	d->parent.parentPortIdentity.portNumber = 1;
	clock_identity_parse(&d->parent.grandmasterIdentity, GM);
	d->parent.grandmasterClockQuality.clockClass = 6;
	d->parent.grandmasterClockQuality.clockAccuracy = 0x21;
	d->parent.grandmasterClockQuality.offsetScaledLogVariance = 0x4e5d;
	d->parent.grandmasterPriority1 = 10;
	d->parent.grandmasterPriority2 = 128;
	d->parent.observedParentOffsetScaledLogVariance = 0xffff;
	d->parent.observedParentClockPhaseChangeRate = 0x7fffffff;
	d->tprop.currentUtcOffset = 37;
	d->tprop.currentUtcOffsetValid = true;
	d->tprop.ptpTimescale = true;
	d->tprop.timeSource = TS_GNSS;
	d->n_path = 1;
	clock_identity_parse(&d->path[0], GM);
}

static void health(struct bus_pub *b, const char *topic, const char *name,
		   uint32_t pid, uint32_t restarts, double secs)
{
	struct ipc_health h;

	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "%s", name);
	h.pid = pid;
	h.state = IPC_HEALTH_RUNNING;
	h.uptime_ms = (uint64_t)(secs * 1000) + 60000;
	h.restarts = restarts;
	send_msg(b, topic, IPC_T_HEALTH, &h);
}

static void round_msgs(struct bus_pub *b, double secs)
{
	static const struct {
		const char *name;
		uint32_t pid, restarts;
	} procs[] = {
		{ "bmcad", 4242, 2 }, { "clockd", 4243, 0 },
		{ "portd/eth1", 4244, 1 }, { "portd/eth2", 4245, 0 },
	};
	struct ipc_port_status st;
	struct ipc_decision d;
	struct ipc_servo sv;
	char topic[IPC_TOPIC_MAX];
	size_t i;

	status(&st, "eth1", 1, PS_SLAVE, secs);
	send_msg(b, "port/eth1/status/", IPC_T_PORT_STATUS, &st);
	status(&st, "eth2", 2, PS_MASTER, secs);
	send_msg(b, "port/eth2/status/", IPC_T_PORT_STATUS, &st);
	decision(&d, "eth1", BMCA_REC_S1);
	send_msg(b, "port/eth1/decision/", IPC_T_DECISION, &d);
	decision(&d, "eth2", BMCA_REC_M3);
	send_msg(b, "port/eth2/decision/", IPC_T_DECISION, &d);

	memset(&sv, 0, sizeof(sv));
	sv.state = IPC_SERVO_LOCKED;
	snprintf(sv.slave_iface, sizeof(sv.slave_iface), "eth1");
	sv.freq_ppb = -12345.678;
	sv.offset_ns = -12;
	sv.clock_class = 248;
	sv.steps = 2;
	sv.n_clocks = 2;
	snprintf(sv.clocks[0].iface, IPC_NAME_MAX, "eth1");
	snprintf(sv.clocks[0].clock, IPC_CLOCK_MAX, "sim:/run/eth1.clk");
	sv.clocks[0].is_reference = true;
	sv.clocks[0].locked = true;
	sv.clocks[0].freq_ppb = -12345.678;
	snprintf(sv.clocks[1].iface, IPC_NAME_MAX, "eth2");
	snprintf(sv.clocks[1].clock, IPC_CLOCK_MAX, "sim:/run/eth2.clk");
	sv.clocks[1].locked = true;
	sv.clocks[1].freq_ppb = 20000.5;
	sv.clocks[1].offset_ns = 3;
	send_msg(b, "clock/servo/", IPC_T_SERVO, &sv);

	for (i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		snprintf(topic, sizeof(topic), "hb/%s/", procs[i].name);
		health(b, topic, procs[i].name, procs[i].pid, 0, secs);
		snprintf(topic, sizeof(topic), "proc/%s/", procs[i].name);
		health(b, topic, procs[i].name, procs[i].pid,
		       procs[i].restarts, secs);
	}
}

static void garbage(struct bus_pub *b, double secs)
{
	struct ipc_port_status st;
	uint8_t buf[IPC_MSG_MAX];
	int i, n;

	for (i = 0; i < 64; i++) {
		buf[i] = (uint8_t)rand();
	}
	send_raw(b, "port/eth1/status/", buf, 64, false);	/* magic */
	status(&st, "eth1", 1, PS_SLAVE, secs);
	n = ipc_msg_pack(IPC_T_PORT_STATUS, &st, ++b->seq, daemon_mono_ns(),
			 buf, sizeof(buf));
	send_raw(b, "port/eth1/status/", buf, (size_t)n - 5, false);
	send_raw(b, "port/eth2/status/", buf, (size_t)n, false); /* topic */
	send_raw(b, NULL, buf, 10, true);			/* frames */
	buf[2] = 99;					/* version */
	send_raw(b, "port/eth1/status/", buf, (size_t)n, false);
	b->garbage += 5;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'I' },
		{ "flood", no_argument, NULL, 'F' },
		{ "garbage", no_argument, NULL, 'G' },
		{ "report", no_argument, NULL, 'R' },
		{ "nodrop", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rundir = NULL;
	double seconds = 5, secs;
	int interval_ms = 100, c, one = 1;
	bool flood = false, with_garbage = false, report = false;
	struct bus_pub b = { 0 };
	char ep[IPC_ENDPOINT_MAX];
	int64_t now, next, next_sec;
	long sec = 0;
	void *ctx;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r': rundir = optarg; break;
		case 't': seconds = atof(optarg); break;
		case 'I': interval_ms = atoi(optarg); break;
		case 'F': flood = true; break;
		case 'G': with_garbage = true; break;
		case 'R': report = true; break;
		case 'N': b.nodrop = true; break;
		default:
			fprintf(stderr, "usage: bus_pub --rundir DIR "
				"[--seconds S] [--interval MS] [--flood] "
				"[--garbage] [--report] [--nodrop]\n");
			return 2;
		}
	}
	if (!rundir || interval_ms <= 0) {
		fprintf(stderr, "bus_pub: --rundir DIR is required\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (daemon_mkdir_p(rundir, 0750) < 0 ||
	    ipc_endpoint(rundir, IPC_SVC_SUB, ep, sizeof(ep)) < 0) {
		fprintf(stderr, "bus_pub: bad run directory %s\n", rundir);
		return 1;
	}
	ctx = zmq_ctx_new();
	b.pub = ipc_socket(ctx, ZMQ_PUB, ep, true, NULL);
	if (!b.pub || (b.nodrop && zmq_setsockopt(b.pub, ZMQ_XPUB_NODROP,
						  &one, sizeof(one)) < 0)) {
		fprintf(stderr, "bus_pub: %s: %s\n", ep, zmq_strerror(errno));
		return 1;
	}
	srand(42);
	b.t0 = daemon_mono_ns();
	next = b.t0;
	next_sec = b.t0 + 1000000000LL;
	while ((now = daemon_mono_ns()) - b.t0 < (int64_t)(seconds * 1e9)) {
		if (report && now >= next_sec) {
			printf("second %ld sent %lu max_send_us %" PRId64 "\n",
			       sec++, b.sec_sent, b.sec_max_ns / 1000);
			b.sec_sent = 0;
			b.sec_max_ns = 0;
			next_sec += 1000000000LL;
		}
		if (!flood && now < next) {
			usleep((useconds_t)((next - now) / 1000));
			continue;
		}
		secs = (double)(now - b.t0) / 1e9;
		round_msgs(&b, secs);
		if (with_garbage) {
			garbage(&b, secs);
		}
		next += (int64_t)interval_ms * 1000000;
	}
	printf("sent %lu garbage %lu dropped %lu max_send_us %" PRId64 "\n",
	       b.sent, b.garbage, b.dropped, b.max_send_ns / 1000);
	ipc_close(b.pub);
	zmq_ctx_term(ctx);
	unlink(ep + strlen("ipc://"));
	return 0;
}
