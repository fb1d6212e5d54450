/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipc.h - the ZeroMQ side of the bus: endpoints, sockets, sending and
 * receiving messages of ipc_msg.h. The I/O edge; the codec stays pure.
 *
 * Endpoints are ipc:// paths under the run directory, one per service:
 *
 *   <rundir>/pub.sock    daemons' PUB connect here (supervisor's XSUB)
 *   <rundir>/sub.sock    SUBs (ptp-top, exporters) connect here (XPUB)
 *   <rundir>/bmca.sock   bmcad's ROUTER; each portd a DEALER whose
 *                        routing id is its interface name
 *   <rundir>/clock.sock  clockd's PULL; each portd a PUSH (samples)
 *
 * Frames: [topic][message] (a ROUTER adds the routing id in front). A
 * topic ends in '/', so "port/eth1/" never prefix-matches "port/eth10/".
 *
 * Every socket gets linger 0 (a process never hangs at exit on a peer
 * that is gone) and a bounded high-water mark; PUSH and DEALER sockets
 * ZMQ_IMMEDIATE (nothing queues for a peer that is not there, to flood
 * it on reconnect). Sends on a hot path are non-blocking: a full queue
 * drops the message and says so (-EAGAIN), the caller counts it.
 */
#ifndef MERIDIAN_IPC_H
#define MERIDIAN_IPC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc_msg.h"

#define IPC_SVC_PUB	"pub"
#define IPC_SVC_SUB	"sub"
#define IPC_SVC_BMCA	"bmca"
#define IPC_SVC_CLOCK	"clock"

#define IPC_TOPIC_MAX	64
#define IPC_ENDPOINT_MAX 128	/* "ipc://" + a 107-octet sun_path + NUL */
#define IPC_HWM_DEFAULT	1000
#define IPC_HWM_SAMPLES	16	/* portd -> clockd: stale samples are
				 * worthless, keep few */

/* "ipc://<rundir>/<svc>.sock" into buf; -ENAMETOOLONG when the path does
 * not fit a UNIX socket address (107 octets), -EINVAL for a relative or
 * empty rundir. */
int ipc_endpoint(const char *rundir, const char *svc, char *buf,
		 size_t len);

/* Topic strings (each ends with '/'); -ENAMETOOLONG if they do not fit. */
int ipc_topic_port(char *buf, size_t len, const char *iface,
		   const char *what);		/* "port/<iface>/<what>/" */
int ipc_topic(char *buf, size_t len, const char *a, const char *b);
						/* "<a>/<b>/" or "<a>/" */

struct ipc_sock_opts {
	int sndhwm;			/* 0: IPC_HWM_DEFAULT */
	int rcvhwm;
	const char *routing_id;		/* DEALER: its identity */
	bool router_handover;		/* ROUTER: a restarted peer takes
					 * its id back */
};

/*
 * A ZeroMQ socket of type (ZMQ_PUB, ...) with the options above, bound
 * (bind true) or connected to endpoint. NULL with errno set on failure
 * (a bind also fails with EADDRINUSE if the endpoint is held: the caller
 * guards single instances with a lock file).
 */
void *ipc_socket(void *ctx, int type, const char *endpoint, bool bind,
		 const struct ipc_sock_opts *o);
/* zmq_close(), NULL-safe. */
void ipc_close(void *sock);

/*
 * Send [id][topic][msg]: id (ROUTER only) may be NULL. Never blocks:
 * returns 0, -EAGAIN when the message was dropped (no peer or full
 * queue), -EHOSTUNREACH for a ROUTER id that is not connected, or
 * another -errno.
 */
int ipc_send(void *sock, const char *id, const char *topic,
	     const uint8_t *msg, size_t len);

/* One received message, its frames copied out. */
struct ipc_rx {
	char id[IPC_TOPIC_MAX];		/* ROUTER: the sender's routing id */
	char topic[IPC_TOPIC_MAX];
	uint8_t msg[IPC_MSG_MAX];
	size_t len;
	bool truncated;			/* a frame was larger than its room */
	unsigned frames;
};

/*
 * Receive one whole message without blocking (router: expect an id frame
 * first). Reads every frame of it, even the ones it drops. Returns 1 with
 * a message, 0 when none was waiting, -EPROTO for a message with the
 * wrong number of frames or an oversized one (read and discarded), or
 * another -errno.
 */
int ipc_recv(void *sock, bool router, struct ipc_rx *rx);

/* Block SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE in the calling thread
 * (before zmq_ctx_new(), so ZeroMQ's threads inherit the mask and the
 * signals reach the main thread's signalfd). Returns 0 or -errno; the
 * set blocked is written to *set if set is not NULL. */
int ipc_block_signals(sigset_t *set);

#endif
