// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bus_sub - subscribe to the Meridian bus (DIR/sub.sock, the supervisor's
 * XPUB) and print every message decoded, one line each, for tests and
 * for a look at a running appliance.
 *
 *   bus_sub --rundir DIR [-t PREFIX]... [--seconds S] [--count N]
 *           [--stall]
 *
 * PREFIX is a topic prefix ("hb/", "proc/bmcad/", "port/eth1/"); the
 * default is everything. --stall subscribes and never reads (a stalled
 * subscriber, to show it costs the appliance nothing). Output, stable
 * key=value fields after the topic and the message type:
 *
 *   TOPIC health name=N pid=N state=RUNNING uptime_ms=N restarts=N
 *   TOPIC decision iface=IF epoch=N rec=S1 gm=ID steps=N prio1=N
 *   TOPIC servo state=LOCKED slave=IF freq_ppb=F offset_ns=N class=N
 *         steps=N holdover_ms=N clocks=N
 *   TOPIC port-status iface=IF state=S parent=ID-N offset_ns=N delay_ns=N
 *         rx=N tx=N rx_err=N bus_dropped=N
 *   TOPIC erbest iface=IF state=S has_erbest=0|1 epoch_applied=N
 *   TOPIC sample iface=IF epoch=N offset_ns=N delay_ns=N
 *   TOPIC bad err=REASON len=N          (undecodable)
 *
 * Every line carries seq=N. At the end: "messages N bad N". Exit status
 * 0, 1 on error, 2 usage.
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

#define MAX_PREFIX 16

static const char *health_str(int st)
{
	static const char *const n[] = { "STARTING", "RUNNING", "STOPPING",
					 "BACKOFF", "FAILED" };

	return st >= 0 && st < IPC_HEALTH_STATE_COUNT ? n[st] : "?";
}

static int64_t tmv_ns(tmv_t t)
{
	return tmv_to_ns(t);
}

static void print_msg(const struct ipc_rx *rx, uint64_t *bad)
{
	union {
		struct ipc_health h;
		struct ipc_decision d;
		struct ipc_servo s;
		struct ipc_port_status p;
		struct ipc_erbest e;
		struct ipc_sample x;
	} u;
	struct ipc_hdr h;
	char id[24];
	int rc;

	rc = ipc_hdr_unpack(rx->msg, rx->len, &h);
	if (rc == IPC_OK) {
		rc = ipc_msg_unpack(rx->msg, rx->len, h.type, &u, &h);
	}
	if (rc != IPC_OK) {
		(*bad)++;
		printf("%s bad err=%s len=%zu\n", rx->topic, ipc_err_str(rc),
		       rx->len);
		return;
	}
	printf("%s %s seq=%" PRIu32, rx->topic, ipc_type_str(h.type), h.seq);
	switch (h.type) {
	case IPC_T_HEALTH:
		printf(" name=%s pid=%" PRIu32 " state=%s uptime_ms=%" PRIu64
		       " restarts=%" PRIu32, u.h.name, u.h.pid,
		       health_str(u.h.state), u.h.uptime_ms, u.h.restarts);
		break;
	case IPC_T_DECISION:
		clock_identity_str(&u.d.parent.grandmasterIdentity, id);
		printf(" iface=%s epoch=%" PRIu32 " rec=%s gm=%s steps=%u "
		       "prio1=%u", u.d.iface, u.d.epoch, bmca_rec_str(u.d.rec),
		       id, u.d.cur.stepsRemoved,
		       u.d.parent.grandmasterPriority1);
		break;
	case IPC_T_SERVO:
		printf(" state=%s slave=%s freq_ppb=%.3f offset_ns=%" PRId64
		       " class=%u steps=%" PRIu64 " holdover_ms=%" PRIu64
		       " clocks=%u", ipc_servo_state_str(u.s.state),
		       u.s.slave_iface[0] ? u.s.slave_iface : "-",
		       u.s.freq_ppb, u.s.offset_ns, u.s.clock_class,
		       u.s.steps, u.s.holdover_ms, u.s.n_clocks);
		break;
	case IPC_T_PORT_STATUS:
		clock_identity_str(&u.p.parent.clockIdentity, id);
		printf(" iface=%s state=%s parent=%s-%u offset_ns=%" PRId64
		       " delay_ns=%" PRId64 " rx=%" PRIu64 " tx=%" PRIu64
		       " rx_err=%" PRIu64 " bus_dropped=%" PRIu64, u.p.iface,
		       port_state_str(u.p.ds.portState), id,
		       u.p.parent.portNumber, u.p.offset_ns, u.p.delay_ns,
		       u.p.rx, u.p.tx, u.p.rx_err, u.p.bus_dropped);
		break;
	case IPC_T_ERBEST:
		printf(" iface=%s state=%s has_erbest=%d epoch_applied=%" PRIu32,
		       u.e.iface, port_state_str(u.e.state), u.e.has_erbest,
		       u.e.epoch_applied);
		break;
	case IPC_T_SAMPLE:
		printf(" iface=%s epoch=%" PRIu32 " offset_ns=%" PRId64
		       " delay_ns=%" PRId64, u.x.iface, u.x.epoch,
		       tmv_ns(u.x.offset), tmv_ns(u.x.delay));
		break;
	default:
		break;
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "topic", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "stall", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	const char *rundir = NULL, *prefix[MAX_PREFIX];
	char ep[IPC_ENDPOINT_MAX];
	int n_prefix = 0, c, i, rc;
	long count = -1;
	double seconds = 5;
	bool stall = false;
	uint64_t msgs = 0, bad = 0;
	int64_t end;
	zmq_pollitem_t it;
	struct ipc_rx *rx;
	void *ctx, *sub;

	while ((c = getopt_long(argc, argv, "r:t:s:n:S", lopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rundir = optarg;
			break;
		case 't':
			if (n_prefix < MAX_PREFIX) {
				prefix[n_prefix++] = optarg;
			}
			break;
		case 's':
			seconds = atof(optarg);
			break;
		case 'n':
			count = atol(optarg);
			break;
		case 'S':
			stall = true;
			break;
		default:
			fprintf(stderr, "usage: bus_sub --rundir DIR "
				"[-t PREFIX]... [--seconds S] [--count N] "
				"[--stall]\n");
			return 2;
		}
	}
	if (!rundir || ipc_endpoint(rundir, IPC_SVC_SUB, ep, sizeof(ep))) {
		fprintf(stderr, "bus_sub: --rundir DIR (absolute) needed\n");
		return 2;
	}
	rx = malloc(sizeof(*rx));
	if (ipc_block_signals(NULL) < 0 || !rx) {
		return 1;
	}
	ctx = zmq_ctx_new();
	sub = ctx ? ipc_socket(ctx, ZMQ_SUB, ep, false, NULL) : NULL;
	if (!sub) {
		fprintf(stderr, "bus_sub: %s: %s\n", ep, zmq_strerror(errno));
		return 1;
	}
	if (!n_prefix) {
		prefix[n_prefix++] = "";
	}
	for (i = 0; i < n_prefix; i++) {
		zmq_setsockopt(sub, ZMQ_SUBSCRIBE, prefix[i],
			       strlen(prefix[i]));
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	end = daemon_mono_ns() + (int64_t)(seconds * 1e9);
	while (daemon_mono_ns() < end && (count < 0 || (long)msgs < count)) {
		if (stall) {
			usleep(100000);
			continue;
		}
		it.socket = sub;
		it.fd = -1;
		it.events = ZMQ_POLLIN;
		it.revents = 0;
		rc = zmq_poll(&it, 1, 100);
		if (rc <= 0) {
			continue;
		}
		while ((rc = ipc_recv(sub, false, rx)) != 0) {
			if (rc < 0) {
				bad++;
				printf("? bad err=%s\n", strerror(-rc));
				continue;
			}
			msgs++;
			print_msg(rx, &bad);
			if (count >= 0 && (long)msgs >= count) {
				break;
			}
		}
	}
	printf("messages %" PRIu64 " bad %" PRIu64 "\n", msgs, bad);
	ipc_close(sub);
	zmq_ctx_term(ctx);
	free(rx);
	return 0;
}
