// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bus_garbage - a broken publisher on a running appliance's bus, for
 * tests/integration/47-bc-bad-input.sh: a PUB connected to DIR/pub.sock
 * (the supervisor's XSUB, like any daemon's PUB) that sends, under TOPIC
 * (default "clock/servo/", what every portd and bmcad subscribe to),
 * ROUNDS rounds of five malformed messages, none of which decodes as a
 * servo status:
 *
 *   random octets (bad magic), a servo status cut short (length), a
 *   servo status with another layout version, a health message (valid,
 *   of the wrong type), and a lone frame (no topic/message pair)
 *
 *   bus_garbage --rundir DIR [--topic TOPIC] [--rounds N] [--interval MS]
 *
 * Prints "sent N dropped N" at the end. Exit status 0, 1 on error, 2
 * usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "daemon.h"
#include "ipc.h"

static unsigned long sent, dropped;

static void count(int rc)
{
	if (rc == 0) {
		sent++;
	} else {
		dropped++;
	}
}

static void round_of_garbage(void *pub, const char *topic, uint32_t *seq)
{
	uint8_t buf[IPC_MSG_MAX];
	struct ipc_servo sv;
	struct ipc_health h;
	int i, n;

	for (i = 0; i < 64; i++) {
		buf[i] = (uint8_t)rand();
	}
	count(ipc_send(pub, NULL, topic, buf, 64));

	memset(&sv, 0, sizeof(sv));
	sv.state = 0;
	sv.clock_class = 248;
	n = ipc_msg_pack(IPC_T_SERVO, &sv, ++*seq, daemon_mono_ns(), buf,
			 sizeof(buf));
	if (n > 8) {
		count(ipc_send(pub, NULL, topic, buf, (size_t)n - 5));
		buf[2] ^= 0x5a;			/* the version octet */
		count(ipc_send(pub, NULL, topic, buf, (size_t)n));
	}

	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "garbage");
	h.pid = (uint32_t)getpid();
	n = ipc_msg_pack(IPC_T_HEALTH, &h, ++*seq, daemon_mono_ns(), buf,
			 sizeof(buf));
	if (n > 0) {
		count(ipc_send(pub, NULL, topic, buf, (size_t)n));
	}

	/* one frame only: the topic, no message */
	count(zmq_send(pub, topic, strlen(topic), ZMQ_DONTWAIT) < 0 ?
	      -errno : 0);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rundir", required_argument, NULL, 'd' },
		{ "topic", required_argument, NULL, 't' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rundir = NULL, *topic = "clock/servo/";
	int rounds = 10, interval_ms = 100, c, i;
	char ep[IPC_ENDPOINT_MAX];
	uint32_t seq = 0;
	void *ctx, *pub;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': rundir = optarg; break;
		case 't': topic = optarg; break;
		case 'n': rounds = atoi(optarg); break;
		case 'i': interval_ms = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bus_garbage --rundir DIR "
				"[--topic TOPIC] [--rounds N] "
				"[--interval MS]\n");
			return 2;
		}
	}
	if (!rundir || rounds < 0 || interval_ms < 0) {
		fprintf(stderr, "bus_garbage: --rundir DIR is needed\n");
		return 2;
	}
	srand((unsigned)getpid());
	if (ipc_endpoint(rundir, IPC_SVC_PUB, ep, sizeof(ep)) < 0) {
		fprintf(stderr, "bus_garbage: bad run directory %s\n", rundir);
		return 1;
	}
	ctx = zmq_ctx_new();
	pub = ctx ? ipc_socket(ctx, ZMQ_PUB, ep, false, NULL) : NULL;
	if (!pub) {
		fprintf(stderr, "bus_garbage: %s: %s\n", ep,
			zmq_strerror(errno));
		return 1;
	}
	usleep(500000);		/* the connection and subscriptions */
	for (i = 0; i < rounds; i++) {
		round_of_garbage(pub, topic, &seq);
		usleep((useconds_t)interval_ms * 1000);
	}
	usleep(200000);		/* let the queue drain before closing */
	printf("sent %lu dropped %lu\n", sent, dropped);
	ipc_close(pub);
	zmq_ctx_term(ctx);
	return 0;
}
