// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bus_port - a stand-in for one portd on the Meridian bus, to test bmcad
 * on its own (tests/integration/40-bmcad.sh): a DEALER with routing id
 * IFACE connected to DIR/bmca.sock that reports an Erbest every
 * interval and prints every decision it gets.
 *
 *   bus_port --rundir DIR -i IFACE [--port N] [--clock ID]
 *            [--state STATE] [--gm ID --priority1 P --steps S
 *             --sender ID] [--link-down] [--master-only]
 *            [--interval MS] [--seconds S] [--change-after S
 *             --change-priority1 P] [--garbage N]
 *
 * STATE is LISTENING, MASTER, SLAVE, PASSIVE, UNCALIBRATED, FAULTY, ...;
 * ID a clockIdentity (001122.fffe.334455). Without --gm the port reports
 * no Erbest. --change-after S switches the reported grandmaster's
 * priority1 after S seconds and prints the bus latency until a decision
 * with a newer epoch arrives ("latency_us N"). --garbage N first sends N
 * malformed messages (random bytes, wrong frames, a wrong interface).
 *
 * Output, one line per decision received:
 *   decision iface=IF epoch=N rec=REC state=STATE gm=ID steps=N
 *     parent=ID-PORT prio1=N
 * and at the end "sent N received N". Exit status 0, 1 on error, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "daemon.h"
#include "ipc.h"

struct bp_opts {
	const char *rundir;
	const char *iface;
	int port;
	struct clock_identity clock;
	int state;
	bool has_gm;
	struct clock_identity gm;
	int priority1;
	int steps;
	struct clock_identity sender;
	bool link_down;
	bool master_only;
	int interval_ms;
	double seconds;
	double change_after;
	int change_priority1;
	int garbage;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: bus_port --rundir DIR -i IFACE [--port N] "
		"[--clock ID] [--state STATE]\n"
		"         [--gm ID --priority1 P --steps S --sender ID] "
		"[--link-down] [--master-only]\n"
		"         [--interval MS] [--seconds S] [--change-after S "
		"--change-priority1 P]\n"
		"         [--garbage N]\n");
}

static int parse_state(const char *s)
{
	int i;

	for (i = PS_INITIALIZING; i <= PS_SLAVE; i++) {
		if (!strcmp(s, port_state_str(i))) {
			return i;
		}
	}
	return -1;
}

static int parse(int argc, char **argv, struct bp_opts *o)
{
	static const struct option lo[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'i' },
		{ "port", required_argument, NULL, 'n' },
		{ "clock", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "gm", required_argument, NULL, 'g' },
		{ "priority1", required_argument, NULL, 'p' },
		{ "steps", required_argument, NULL, 'S' },
		{ "sender", required_argument, NULL, 'e' },
		{ "link-down", no_argument, NULL, 'L' },
		{ "master-only", no_argument, NULL, 'M' },
		{ "interval", required_argument, NULL, 'I' },
		{ "seconds", required_argument, NULL, 't' },
		{ "change-after", required_argument, NULL, 'C' },
		{ "change-priority1", required_argument, NULL, 'P' },
		{ "garbage", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "r:i:", lo, NULL)) != -1) {
		switch (c) {
		case 'r': o->rundir = optarg; break;
		case 'i': o->iface = optarg; break;
		case 'n': o->port = atoi(optarg); break;
		case 'c':
			if (clock_identity_parse(&o->clock, optarg) < 0) {
				return -1;
			}
			break;
		case 's':
			o->state = parse_state(optarg);
			if (o->state < 0) {
				return -1;
			}
			break;
		case 'g':
			if (clock_identity_parse(&o->gm, optarg) < 0) {
				return -1;
			}
			o->has_gm = true;
			break;
		case 'p': o->priority1 = atoi(optarg); break;
		case 'S': o->steps = atoi(optarg); break;
		case 'e':
			if (clock_identity_parse(&o->sender, optarg) < 0) {
				return -1;
			}
			break;
		case 'L': o->link_down = true; break;
		case 'M': o->master_only = true; break;
		case 'I': o->interval_ms = atoi(optarg); break;
		case 't': o->seconds = atof(optarg); break;
		case 'C': o->change_after = atof(optarg); break;
		case 'P': o->change_priority1 = atoi(optarg); break;
		case 'G': o->garbage = atoi(optarg); break;
		default: return -1;
		}
	}
	return o->rundir && o->iface && o->interval_ms > 0 ? 0 : -1;
}

static void fill(const struct bp_opts *o, uint32_t epoch,
		 struct ipc_erbest *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->iface, sizeof(m->iface), "%s", o->iface);
	m->port.clockIdentity = o->clock;
	m->port.portNumber = (uint16_t)o->port;
	m->state = (uint8_t)o->state;
	m->link_up = !o->link_down;
	m->master_only = o->master_only;
	m->log_announce_interval = 0;
	m->epoch_applied = epoch;
	if (!o->has_gm) {
		return;
	}
	m->has_erbest = true;
	m->erbest.priority1 = (uint8_t)o->priority1;
	m->erbest.identity = o->gm;
	m->erbest.quality.clockClass = 6;
	m->erbest.quality.clockAccuracy = 0x21;
	m->erbest.quality.offsetScaledLogVariance = 0x4e5d;
	m->erbest.priority2 = 128;
	m->erbest.steps_removed = (uint16_t)o->steps;
	m->erbest.sender.clockIdentity = o->sender;
	m->erbest.sender.portNumber = 1;
	m->erbest.receiver = m->port;
	m->erbest.flags = 0x0008;
	m->erbest.current_utc_offset = 37;
	m->n_path = 1;
	m->path[0] = o->gm;
}

static void send_garbage(void *s, const struct bp_opts *o, int n)
{
	uint8_t buf[IPC_MSG_MAX];
	struct ipc_erbest m;
	int i, len;

	srand(7);
	for (i = 0; i < n; i++) {
		len = 1 + rand() % 200;
		for (int k = 0; k < len; k++) {
			buf[k] = (uint8_t)rand();
		}
		switch (i % 3) {
		case 0:		/* random bytes as a message */
			ipc_send(s, NULL, "erbest/", buf, (size_t)len);
			break;
		case 1:		/* one frame only */
			zmq_send(s, buf, (size_t)len, ZMQ_DONTWAIT);
			break;
		default:	/* a valid message for another interface */
			fill(o, 0, &m);
			snprintf(m.iface, sizeof(m.iface), "nosuch%d", i % 1000);
			len = ipc_msg_pack(IPC_T_ERBEST, &m, 0, 0, buf,
					   sizeof(buf));
			ipc_send(s, NULL, "erbest/", buf, (size_t)len);
			break;
		}
	}
}

int main(int argc, char **argv)
{
	struct bp_opts o = { .state = PS_LISTENING, .priority1 = 128,
			     .interval_ms = 250, .seconds = 5, .port = 1,
			     .change_after = -1 };
	struct ipc_sock_opts so = { 0 };
	char ep[IPC_ENDPOINT_MAX], gm[20], par[26];
	uint8_t buf[IPC_MSG_MAX];
	struct ipc_decision d;
	struct ipc_erbest m;
	struct ipc_rx rx;
	int64_t t0, next, now, changed_at = -1;
	uint32_t epoch = 0, epoch_at_change = 0;
	unsigned long sent = 0, recvd = 0;
	zmq_pollitem_t it;
	void *ctx, *s;
	int n, rc;

	if (parse(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ipc_endpoint(o.rundir, IPC_SVC_BMCA, ep, sizeof(ep)) < 0) {
		fprintf(stderr, "bus_port: bad run directory\n");
		return 1;
	}
	ctx = zmq_ctx_new();
	so.routing_id = o.iface;
	s = ipc_socket(ctx, ZMQ_DEALER, ep, false, &so);
	if (!s) {
		fprintf(stderr, "bus_port: %s: %s\n", ep, zmq_strerror(errno));
		return 1;
	}
	t0 = daemon_mono_ns();
	next = t0;
	if (o.garbage > 0) {
		usleep(200000);		/* let the connection come up */
		send_garbage(s, &o, o.garbage);
	}
	it.socket = s;
	it.fd = -1;
	it.events = ZMQ_POLLIN;
	while ((now = daemon_mono_ns()) - t0 < (int64_t)(o.seconds * 1e9)) {
		if (o.change_after >= 0 && changed_at < 0 &&
		    now - t0 >= (int64_t)(o.change_after * 1e9)) {
			o.priority1 = o.change_priority1;
			changed_at = now;
			epoch_at_change = epoch;
			next = now;
		}
		if (now >= next) {
			fill(&o, epoch, &m);
			n = ipc_msg_pack(IPC_T_ERBEST, &m, (uint32_t)sent,
					 now, buf, sizeof(buf));
			if (n > 0 && ipc_send(s, NULL, "erbest/", buf,
					      (size_t)n) == 0) {
				sent++;
			}
			next += (int64_t)o.interval_ms * 1000000;
		}
		rc = zmq_poll(&it, 1, 10);
		if (rc <= 0 || !(it.revents & ZMQ_POLLIN)) {
			continue;
		}
		while (ipc_recv(s, false, &rx) == 1) {
			if (ipc_msg_unpack(rx.msg, rx.len, IPC_T_DECISION,
					   &d, NULL) != IPC_OK) {
				printf("bad decision\n");
				continue;
			}
			recvd++;
			if (changed_at >= 0 && epoch_at_change &&
			    d.epoch != epoch_at_change) {
				printf("latency_us %" PRId64 "\n",
				       (daemon_mono_ns() - changed_at) / 1000);
				epoch_at_change = 0;
			}
			epoch = d.epoch;
			clock_identity_str(&d.parent.grandmasterIdentity, gm);
			port_identity_str(&d.parent.parentPortIdentity, par);
			printf("decision iface=%s epoch=%u rec=%s state=%s "
			       "gm=%s steps=%u parent=%s prio1=%u\n", d.iface,
			       d.epoch, bmca_rec_str((enum bmca_rec)d.rec),
			       port_state_str(bmca_rec_state(
				       (enum bmca_rec)d.rec)), gm,
			       d.cur.stepsRemoved, par,
			       d.parent.grandmasterPriority1);
		}
	}
	printf("sent %lu received %lu\n", sent, recvd);
	ipc_close(s);
	zmq_ctx_term(ctx);
	return 0;
}
