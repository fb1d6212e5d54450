// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * proxy.c - the bus hub: XSUB bound at pub.sock (every daemon's PUB
 * connects), XPUB bound at sub.sock (ptp-top and the daemons' SUBs
 * connect). Messages flow XSUB -> XPUB, subscriptions XPUB -> XSUB, both
 * forwarded by the supervisor's own loop (not the blocking zmq_proxy()),
 * a bounded number per wake-up so signals and the children's output are
 * never starved.
 *
 * A stalled subscriber costs nothing: the XPUB keeps at most
 * SUP_HWM messages per subscriber and then drops for that one only
 * (ZMQ_XPUB_NODROP stays 0); nothing here ever waits on a peer.
 *
 * The supervisor subscribes to "hb/" itself (a subscription frame sent
 * up the XSUB) so it sees its children's heartbeats on their way through.
 */
#include <errno.h>
#include <string.h>
#include <zmq.h>

#include "daemon.h"
#include "log.h"
#include "supervisor.h"

#define SUP_HWM		1000	/* messages per peer, each direction */
#define FWD_BUDGET	1024	/* messages per wake-up, each direction */

int proxy_open(struct proxy *px, void *ctx, const char *rundir)
{
	struct ipc_sock_opts o = { .sndhwm = SUP_HWM, .rcvhwm = SUP_HWM };
	char ep[IPC_ENDPOINT_MAX];
	static const char hb_sub[] = "\001hb/";
	int rc;

	memset(px, 0, sizeof(*px));
	rc = ipc_endpoint(rundir, IPC_SVC_PUB, ep, sizeof(ep));
	if (rc < 0) {
		pr_err("meridian: run directory %s: %s", rundir,
		       strerror(-rc));
		return rc;
	}
	px->xsub = ipc_socket(ctx, ZMQ_XSUB, ep, true, &o);
	if (!px->xsub) {
		rc = -errno;
		pr_err("meridian: bind %s: %s", ep, zmq_strerror(errno));
		return rc;
	}
	rc = ipc_endpoint(rundir, IPC_SVC_SUB, ep, sizeof(ep));
	if (rc < 0) {
		return rc;
	}
	px->xpub = ipc_socket(ctx, ZMQ_XPUB, ep, true, &o);
	if (!px->xpub) {
		rc = -errno;
		pr_err("meridian: bind %s: %s", ep, zmq_strerror(errno));
		return rc;
	}
	/* Our own subscription, counted apart from the subscribers': an
	 * unsubscribing ptp-top never cancels it. */
	if (zmq_send(px->xsub, hb_sub, sizeof(hb_sub) - 1,
		     ZMQ_DONTWAIT) < 0) {
		pr_warn("meridian: subscribing to heartbeats: %s",
			zmq_strerror(errno));
	}
	return 0;
}

void proxy_close(struct proxy *px)
{
	ipc_close(px->xsub);
	ipc_close(px->xpub);
	px->xsub = px->xpub = NULL;
}

/* A heartbeat on its way through: note it for the child it names. */
static void note_heartbeat(struct sup *s, const char *topic, size_t tlen,
			   const zmq_msg_t *body)
{
	char name[SUP_NAME_MAX];
	struct ipc_health h;
	struct child *c;
	size_t n;

	if (tlen < 4 || tlen - 4 >= sizeof(name) ||
	    memcmp(topic, "hb/", 3) || topic[tlen - 1] != '/') {
		return;
	}
	n = tlen - 4;
	memcpy(name, topic + 3, n);
	name[n] = '\0';
	c = child_by_name(s, name);
	if (!c || c->state != CH_RUNNING ||
	    ipc_msg_unpack(zmq_msg_data((zmq_msg_t *)body),
			   zmq_msg_size((zmq_msg_t *)body), IPC_T_HEALTH,
			   &h, NULL) != IPC_OK ||
	    (pid_t)h.pid != c->pid) {
		return;
	}
	c->last_hb_ns = daemon_mono_ns();
}

/*
 * Move whole messages from one socket to the other. ZeroMQ delivers a
 * multipart message atomically, so once its first frame is here the rest
 * is too; a frame the other side refuses drops the rest of its message.
 */
static unsigned forward(struct sup *s, void *from, void *to, bool up,
			uint64_t *errors)
{
	char topic[IPC_TOPIC_MAX];
	size_t tlen = 0;
	unsigned msgs = 0, frame = 0;
	bool failed = false;
	zmq_msg_t m;
	int rc, more;

	while (msgs < FWD_BUDGET) {
		zmq_msg_init(&m);
		rc = zmq_msg_recv(&m, from, frame ? 0 : ZMQ_DONTWAIT);
		if (rc < 0) {
			zmq_msg_close(&m);
			if (errno == EINTR) {
				continue;
			}
			if (errno != EAGAIN) {
				(*errors)++;
			}
			break;
		}
		more = zmq_msg_more(&m);
		if (up && frame == 0) {
			tlen = zmq_msg_size(&m);
			if (tlen < sizeof(topic)) {
				memcpy(topic, zmq_msg_data(&m), tlen);
			} else {
				tlen = 0;
			}
		} else if (up && frame == 1 && !more && tlen) {
			note_heartbeat(s, topic, tlen, &m);
			notify_bus(s, topic, tlen, zmq_msg_data(&m),
				   zmq_msg_size(&m));
		}
		if (!failed &&
		    zmq_msg_send(&m, to, (more ? ZMQ_SNDMORE : 0) |
				 ZMQ_DONTWAIT) < 0) {
			failed = true;
			(*errors)++;
		}
		if (failed) {
			zmq_msg_close(&m);
		}
		frame++;
		if (!more) {
			msgs++;
			frame = 0;
			failed = false;
		}
	}
	return msgs;
}

void proxy_forward_up(struct sup *s)
{
	s->px.fwd_msgs += forward(s, s->px.xsub, s->px.xpub, true,
				  &s->px.fwd_errors);
}

void proxy_forward_down(struct proxy *px)
{
	px->fwd_subs += forward(NULL, px->xpub, px->xsub, false,
				&px->fwd_errors);
}

int proxy_publish(struct sup *s, const char *topic, int type,
		  const void *msg)
{
	uint8_t buf[IPC_MSG_MAX];
	int n;

	n = ipc_msg_pack(type, msg, ++s->seq, daemon_mono_ns(), buf,
			 sizeof(buf));
	if (n < 0) {
		pr_err("meridian: %s: %s", topic, ipc_err_str(n));
		return -EINVAL;
	}
	return ipc_send(s->px.xpub, NULL, topic, buf, (size_t)n);
}
