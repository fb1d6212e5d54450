/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of ipc/ipc.c with a real libzmq over ipc:// endpoints in a
 * temporary directory (no network): endpoint names, framing both ways,
 * sends that never block (no peer, full queue), ROUTER addressing of an
 * absent peer, and messages with the wrong frames refused and drained.
 * (STYLE.md keeps sockets out of unit tests; ipc:// in a private
 * directory is deterministic and fast, and the framing is worth testing
 * below the daemons.)
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "ipc.h"

static char dir[64];
static void *ctx;

static void setup(void)
{
	strcpy(dir, "/tmp/meridian-ipc.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	ctx = zmq_ctx_new();
	cr_assert_not_null(ctx);
}

static void teardown(void)
{
	char cmd[128];

	zmq_ctx_term(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(ipc_zmq, .init = setup, .fini = teardown, .timeout = 10);

static void ep(const char *svc, char *buf)
{
	cr_assert_eq(ipc_endpoint(dir, svc, buf, IPC_ENDPOINT_MAX), 0);
}

static int health_msg(uint8_t *buf, uint32_t seq)
{
	struct ipc_health h;

	memset(&h, 0, sizeof(h));
	strcpy(h.name, "bmcad");
	h.pid = 7;
	return ipc_msg_pack(IPC_T_HEALTH, &h, seq, 0, buf, IPC_MSG_MAX);
}

/* Poll sock for input up to ms milliseconds. */
static bool readable(void *sock, int ms)
{
	zmq_pollitem_t it = { .socket = sock, .events = ZMQ_POLLIN };

	return zmq_poll(&it, 1, ms) == 1;
}

Test(ipc_zmq, endpoint_names)
{
	char buf[IPC_ENDPOINT_MAX], longdir[120];

	cr_assert_eq(ipc_endpoint("/run/meridian", IPC_SVC_BMCA, buf,
				  sizeof(buf)), 0);
	cr_assert_str_eq(buf, "ipc:///run/meridian/bmca.sock");
	cr_assert_eq(ipc_endpoint("run", "x", buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(ipc_endpoint("", "x", buf, sizeof(buf)), -EINVAL);
	memset(longdir, 'd', sizeof(longdir));
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	cr_assert_eq(ipc_endpoint(longdir, "x", buf, sizeof(buf)),
		     -ENAMETOOLONG, "sun_path holds 107 octets");
	cr_assert_eq(ipc_topic_port(buf, sizeof(buf), "eth1", "erbest"), 0);
	cr_assert_str_eq(buf, "port/eth1/erbest/");
	cr_assert_eq(ipc_topic(buf, sizeof(buf), "hb", "clockd"), 0);
	cr_assert_str_eq(buf, "hb/clockd/");
	cr_assert_eq(ipc_topic(buf, 5, "hb", "clockd"), -ENAMETOOLONG);
}

Test(ipc_zmq, push_pull_round_trip_and_nothing_waiting)
{
	char e[IPC_ENDPOINT_MAX];
	uint8_t msg[IPC_MSG_MAX];
	struct ipc_rx rx;
	struct ipc_health h;
	void *pull, *push;
	int n;

	ep(IPC_SVC_CLOCK, e);
	pull = ipc_socket(ctx, ZMQ_PULL, e, true, NULL);
	cr_assert_not_null(pull, "bind: %s", strerror(errno));
	cr_assert_eq(ipc_recv(pull, false, &rx), 0, "nothing waiting");
	push = ipc_socket(ctx, ZMQ_PUSH, e, false, NULL);
	cr_assert_not_null(push);
	n = health_msg(msg, 42);
	cr_assert_gt(n, 0);
	/* the connection is asynchronous: retry while it comes up */
	for (int i = 0; i < 200 && ipc_send(push, NULL, "hb/bmcad/", msg,
					    (size_t)n) == -EAGAIN; i++) {
		usleep(5000);
	}
	cr_assert(readable(pull, 2000));
	cr_assert_eq(ipc_recv(pull, false, &rx), 1);
	cr_assert_str_eq(rx.topic, "hb/bmcad/");
	cr_assert_eq(rx.len, (size_t)n);
	cr_assert_eq(ipc_msg_unpack(rx.msg, rx.len, IPC_T_HEALTH, &h, NULL),
		     IPC_OK);
	cr_assert_str_eq(h.name, "bmcad");
	ipc_close(push);
	ipc_close(pull);
}

/* ZMQ_IMMEDIATE and ZMQ_DONTWAIT: no peer means a drop, not a wait. */
Test(ipc_zmq, send_without_a_peer_drops_at_once)
{
	char e[IPC_ENDPOINT_MAX];
	uint8_t msg[IPC_MSG_MAX];
	void *push;
	int n;

	ep("nobody", e);
	push = ipc_socket(ctx, ZMQ_PUSH, e, false, NULL);
	cr_assert_not_null(push);
	n = health_msg(msg, 1);
	cr_assert_eq(ipc_send(push, NULL, "x/", msg, (size_t)n), -EAGAIN);
	ipc_close(push);
}

/* A reader that never reads: the sender drops past its high-water
 * marks, and every call returns. */
Test(ipc_zmq, full_queue_drops_and_never_blocks)
{
	struct ipc_sock_opts o = { .sndhwm = 4, .rcvhwm = 4 };
	char e[IPC_ENDPOINT_MAX];
	uint8_t msg[IPC_MSG_MAX];
	void *pull, *push;
	int n, i, sent = 0, dropped = 0, rc;

	ep(IPC_SVC_CLOCK, e);
	pull = ipc_socket(ctx, ZMQ_PULL, e, true, &o);
	push = ipc_socket(ctx, ZMQ_PUSH, e, false, &o);
	cr_assert(pull && push);
	n = health_msg(msg, 1);
	usleep(100000);
	for (i = 0; i < 100000; i++) {
		rc = ipc_send(push, NULL, "s/", msg, (size_t)n);
		if (rc == 0) {
			sent++;
		} else {
			cr_assert_eq(rc, -EAGAIN, "%s", strerror(-rc));
			dropped++;
		}
	}
	cr_assert_gt(sent, 0);
	cr_assert_gt(dropped, 90000, "sent %d dropped %d", sent, dropped);
	ipc_close(push);
	ipc_close(pull);
}

Test(ipc_zmq, router_dealer_addressing)
{
	struct ipc_sock_opts d1 = { .routing_id = "eth1" };
	struct ipc_sock_opts r = { .router_handover = true };
	char e[IPC_ENDPOINT_MAX];
	uint8_t msg[IPC_MSG_MAX];
	struct ipc_rx rx;
	void *router, *dealer;
	int n;

	ep(IPC_SVC_BMCA, e);
	router = ipc_socket(ctx, ZMQ_ROUTER, e, true, &r);
	dealer = ipc_socket(ctx, ZMQ_DEALER, e, false, &d1);
	cr_assert(router && dealer);
	n = health_msg(msg, 3);
	for (int i = 0; i < 200 && ipc_send(dealer, NULL, "erbest/", msg,
					    (size_t)n) == -EAGAIN; i++) {
		usleep(5000);
	}
	cr_assert(readable(router, 2000));
	cr_assert_eq(ipc_recv(router, true, &rx), 1);
	cr_assert_str_eq(rx.id, "eth1");
	cr_assert_str_eq(rx.topic, "erbest/");
	cr_assert_eq(ipc_send(router, "eth1", "decision/", msg, (size_t)n),
		     0);
	cr_assert(readable(dealer, 2000));
	cr_assert_eq(ipc_recv(dealer, false, &rx), 1);
	cr_assert_str_eq(rx.topic, "decision/");
	cr_assert_eq(ipc_send(router, "eth9", "decision/", msg, (size_t)n),
		     -EHOSTUNREACH, "ROUTER_MANDATORY: an absent port");
	ipc_close(dealer);
	ipc_close(router);
}

/* Wrong frame counts are refused, drained, and the next message is
 * read intact. */
Test(ipc_zmq, wrong_frames_are_refused_and_drained)
{
	char e[IPC_ENDPOINT_MAX];
	uint8_t msg[IPC_MSG_MAX];
	struct ipc_rx rx;
	void *pull, *push;
	int n, i;

	ep(IPC_SVC_CLOCK, e);
	pull = ipc_socket(ctx, ZMQ_PULL, e, true, NULL);
	push = ipc_socket(ctx, ZMQ_PUSH, e, false, NULL);
	cr_assert(pull && push);
	n = health_msg(msg, 9);
	for (i = 0; i < 200 && zmq_send(push, "t/", 2, ZMQ_DONTWAIT |
					ZMQ_SNDMORE) < 0; i++) {
		usleep(5000);
	}
	zmq_send(push, "a", 1, ZMQ_SNDMORE);
	zmq_send(push, "b", 1, 0);			/* three frames */
	zmq_send(push, "lonely/", 7, 0);		/* one frame */
	cr_assert_eq(ipc_send(push, NULL, "ok/", msg, (size_t)n), 0);
	cr_assert(readable(pull, 2000));
	cr_assert_eq(ipc_recv(pull, false, &rx), -EPROTO);
	cr_assert_eq(rx.frames, 3);
	cr_assert(readable(pull, 2000));
	cr_assert_eq(ipc_recv(pull, false, &rx), -EPROTO);
	cr_assert_eq(rx.frames, 1);
	cr_assert(readable(pull, 2000));
	cr_assert_eq(ipc_recv(pull, false, &rx), 1);
	cr_assert_str_eq(rx.topic, "ok/");
	cr_assert_eq(rx.len, (size_t)n);
	ipc_close(push);
	ipc_close(pull);
}

Test(ipc_zmq, a_second_ipc_bind_steals_the_endpoint)
{
	/* Documents the libzmq behaviour the supervisor's lock file is
	 * for: a second bind to the same ipc:// path succeeds and steals
	 * the endpoint (zmq_ipc), so single instance needs flock(). */
	char e[IPC_ENDPOINT_MAX];
	void *a, *b;

	ep(IPC_SVC_SUB, e);
	a = ipc_socket(ctx, ZMQ_PUB, e, true, NULL);
	b = ipc_socket(ctx, ZMQ_PUB, e, true, NULL);
	cr_assert_not_null(a);
	cr_assert_not_null(b, "libzmq changed: a second ipc bind failed");
	ipc_close(b);
	ipc_close(a);
}
