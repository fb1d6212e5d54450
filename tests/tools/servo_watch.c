// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * servo_watch - print clockd's `clock/servo/` and `hb/clockd/` messages,
 * standing in for the supervisor's XSUB: a SUB bound at DIR/pub.sock
 * (tests/integration/43-clockd.sh, no supervisor).
 *
 *   servo_watch --rundir DIR [--seconds S]
 *
 * One line per message, flushed at once:
 *   servo t=S state=STATE slave=IF class=N steps=N holdover_ms=N
 *     freq=PPB offset=NS clocks=N c0=IF,ref|fol,locked|unlocked,PPB,NS ...
 *   hb name=NAME pid=N state=N uptime_ms=N
 * (slave "-" when none; t in seconds since servo_watch started). Exit
 * status 0, 1 on error, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "daemon.h"
#include "ipc.h"

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_servo(const struct ipc_servo *m, double t)
{
	unsigned i;

	printf("servo t=%.3f state=%s slave=%s class=%u steps=%" PRIu64
	       " holdover_ms=%" PRIu64 " freq=%.3f offset=%" PRId64
	       " clocks=%u", t, ipc_servo_state_str(m->state),
	       m->slave_iface[0] ? m->slave_iface : "-", m->clock_class,
	       m->steps, m->holdover_ms, m->freq_ppb, m->offset_ns,
	       m->n_clocks);
	for (i = 0; i < m->n_clocks; i++) {
		const struct ipc_clock_status *c = &m->clocks[i];

		printf(" c%u=%s,%s,%s,%.3f,%" PRId64, i, c->iface,
		       c->is_reference ? "ref" : "fol",
		       c->locked ? "locked" : "unlocked", c->freq_ppb,
		       c->offset_ns);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rundir = NULL;
	double seconds = 1e9;
	char ep[IPC_ENDPOINT_MAX];
	struct ipc_servo m;
	struct ipc_health h;
	struct ipc_rx rx;
	zmq_pollitem_t it;
	int64_t t0;
	void *ctx, *s;
	int c;

	while ((c = getopt_long(argc, argv, "r:", lo, NULL)) != -1) {
		switch (c) {
		case 'r': rundir = optarg; break;
		case 't': seconds = atof(optarg); break;
		default:
			fprintf(stderr, "usage: servo_watch --rundir DIR "
				"[--seconds S]\n");
			return 2;
		}
	}
	if (!rundir || ipc_endpoint(rundir, IPC_SVC_PUB, ep, sizeof(ep))) {
		fprintf(stderr, "usage: servo_watch --rundir DIR "
			"[--seconds S]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	ctx = zmq_ctx_new();
	s = ipc_socket(ctx, ZMQ_SUB, ep, true, NULL);
	if (!s || zmq_setsockopt(s, ZMQ_SUBSCRIBE, "clock/servo/", 12) ||
	    zmq_setsockopt(s, ZMQ_SUBSCRIBE, "hb/clockd/", 10)) {
		fprintf(stderr, "servo_watch: %s: %s\n", ep,
			zmq_strerror(errno));
		return 1;
	}
	it.socket = s;
	it.fd = -1;
	it.events = ZMQ_POLLIN;
	t0 = daemon_mono_ns();
	while (!stop && daemon_mono_ns() - t0 < (int64_t)(seconds * 1e9)) {
		if (zmq_poll(&it, 1, 100) <= 0) {
			continue;
		}
		while (ipc_recv(s, false, &rx) == 1) {
			double t = (daemon_mono_ns() - t0) * 1e-9;

			if (ipc_msg_unpack(rx.msg, rx.len, IPC_T_SERVO, &m,
					   NULL) == IPC_OK) {
				print_servo(&m, t);
			} else if (ipc_msg_unpack(rx.msg, rx.len,
						  IPC_T_HEALTH, &h,
						  NULL) == IPC_OK) {
				printf("hb name=%s pid=%u state=%u "
				       "uptime_ms=%" PRIu64 "\n", h.name,
				       h.pid, h.state, h.uptime_ms);
			} else {
				printf("bad message on %s\n", rx.topic);
			}
		}
	}
	ipc_close(s);
	zmq_ctx_term(ctx);
	return 0;
}
