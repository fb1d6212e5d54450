// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipc.c - ZeroMQ endpoints, sockets and framing for the bus (ipc.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <zmq.h>

#include "ipc.h"

int ipc_endpoint(const char *rundir, const char *svc, char *buf,
		 size_t len)
{
	struct sockaddr_un sun;
	int n;

	if (!rundir || rundir[0] != '/' || !svc || !svc[0]) {
		return -EINVAL;
	}
	n = snprintf(buf, len, "ipc://%s/%s.sock", rundir, svc);
	if (n < 0 || (size_t)n >= len ||
	    (size_t)n - strlen("ipc://") >= sizeof(sun.sun_path)) {
		return -ENAMETOOLONG;
	}
	return 0;
}

int ipc_topic(char *buf, size_t len, const char *a, const char *b)
{
	int n;

	if (b && b[0]) {
		n = snprintf(buf, len, "%s/%s/", a, b);
	} else {
		n = snprintf(buf, len, "%s/", a);
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int ipc_topic_port(char *buf, size_t len, const char *iface,
		   const char *what)
{
	int n = snprintf(buf, len, "port/%s/%s/", iface, what);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int set_int(void *s, int opt, int v)
{
	return zmq_setsockopt(s, opt, &v, sizeof(v));
}

void *ipc_socket(void *ctx, int type, const char *endpoint, bool bind,
		 const struct ipc_sock_opts *o)
{
	struct ipc_sock_opts none = { 0 };
	void *s;
	int err;

	if (!o) {
		o = &none;
	}
	s = zmq_socket(ctx, type);
	if (!s) {
		return NULL;
	}
	if (set_int(s, ZMQ_LINGER, 0) < 0 ||
	    set_int(s, ZMQ_SNDHWM, o->sndhwm > 0 ? o->sndhwm :
		    IPC_HWM_DEFAULT) < 0 ||
	    set_int(s, ZMQ_RCVHWM, o->rcvhwm > 0 ? o->rcvhwm :
		    IPC_HWM_DEFAULT) < 0) {
		goto fail;
	}
	if ((type == ZMQ_PUSH || type == ZMQ_DEALER) &&
	    set_int(s, ZMQ_IMMEDIATE, 1) < 0) {
		goto fail;
	}
	if (type == ZMQ_ROUTER &&
	    (set_int(s, ZMQ_ROUTER_MANDATORY, 1) < 0 ||
	     (o->router_handover &&
	      set_int(s, ZMQ_ROUTER_HANDOVER, 1) < 0))) {
		goto fail;
	}
	if (o->routing_id &&
	    zmq_setsockopt(s, ZMQ_ROUTING_ID, o->routing_id,
			   strlen(o->routing_id)) < 0) {
		goto fail;
	}
	if ((bind ? zmq_bind(s, endpoint) : zmq_connect(s, endpoint)) < 0) {
		goto fail;
	}
	/* A bound UNIX socket: its owner's and group's (the operator
	 * group, privs.h), nobody else's. */
	if (bind && !strncmp(endpoint, "ipc://", 6) &&
	    chmod(endpoint + 6, 0660) < 0) {
		goto fail;
	}
	return s;
fail:
	err = errno;
	zmq_close(s);
	errno = err;
	return NULL;
}

void ipc_close(void *sock)
{
	if (sock) {
		zmq_close(sock);
	}
}

static int send_frame(void *sock, const void *p, size_t len, bool more)
{
	int flags = ZMQ_DONTWAIT | (more ? ZMQ_SNDMORE : 0);

	for (;;) {
		if (zmq_send(sock, p, len, flags) >= 0) {
			return 0;
		}
		if (errno != EINTR) {
			return -errno;
		}
	}
}

int ipc_send(void *sock, const char *id, const char *topic,
	     const uint8_t *msg, size_t len)
{
	int rc;

	/*
	 * ZeroMQ sends a multipart message atomically: once the first
	 * frame is accepted the others are too (they only fail on a closed
	 * socket), so a drop never leaves half a message queued.
	 */
	if (id) {
		rc = send_frame(sock, id, strlen(id), true);
		if (rc < 0) {
			return rc;
		}
	}
	rc = send_frame(sock, topic, strlen(topic), true);
	if (rc < 0) {
		return rc;
	}
	return send_frame(sock, msg, len, false);
}

/* Receive one frame into buf (cap octets, NUL-terminated if text). */
static int recv_frame(void *sock, void *buf, size_t cap, size_t *len,
		      bool *more, bool *trunc, int flags)
{
	int64_t m = 0;
	size_t ml = sizeof(m);
	int n;

	for (;;) {
		n = zmq_recv(sock, buf, cap, flags);
		if (n >= 0) {
			break;
		}
		if (errno != EINTR) {
			return -errno;
		}
	}
	if ((size_t)n > cap) {
		*trunc = true;
		*len = cap;
	} else {
		*len = (size_t)n;
	}
	if (zmq_getsockopt(sock, ZMQ_RCVMORE, &m, &ml) < 0) {
		return -errno;
	}
	*more = m != 0;
	return 0;
}

static int recv_text(void *sock, char *buf, size_t cap, bool *more,
		     bool *trunc, int flags)
{
	size_t len;
	int rc;

	rc = recv_frame(sock, buf, cap - 1, &len, more, trunc, flags);
	if (rc < 0) {
		return rc;
	}
	buf[len] = '\0';
	return 0;
}

int ipc_recv(void *sock, bool router, struct ipc_rx *rx)
{
	uint8_t sink[64];
	size_t len;
	bool more = false;
	int rc;

	rx->truncated = false;
	rx->frames = 0;
	rx->id[0] = '\0';
	rx->topic[0] = '\0';
	rx->len = 0;
	if (router) {
		rc = recv_text(sock, rx->id, sizeof(rx->id), &more,
			       &rx->truncated, ZMQ_DONTWAIT);
		if (rc == -EAGAIN) {
			return 0;
		}
		if (rc < 0) {
			return rc;
		}
		rx->frames++;
		if (!more) {
			return -EPROTO;
		}
	}
	rc = recv_text(sock, rx->topic, sizeof(rx->topic), &more,
		       &rx->truncated, router ? 0 : ZMQ_DONTWAIT);
	if (rc == -EAGAIN && !router) {
		return 0;
	}
	if (rc < 0) {
		return rc;
	}
	rx->frames++;
	if (more) {
		rc = recv_frame(sock, rx->msg, sizeof(rx->msg), &rx->len,
				&more, &rx->truncated, 0);
		if (rc < 0) {
			return rc;
		}
		rx->frames++;
	}
	/* Drain what a well-formed message does not have. */
	while (more) {
		rc = recv_frame(sock, sink, sizeof(sink), &len, &more,
				&rx->truncated, 0);
		if (rc < 0) {
			return rc;
		}
		rx->frames++;
	}
	if (rx->frames != (router ? 3u : 2u) || rx->truncated) {
		return -EPROTO;
	}
	return 1;
}

int ipc_block_signals(sigset_t *set)
{
	sigset_t s;
	int rc;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	sigaddset(&s, SIGCHLD);
	sigaddset(&s, SIGPIPE);
	rc = pthread_sigmask(SIG_BLOCK, &s, NULL);
	if (rc) {
		return -rc;
	}
	if (set) {
		*set = s;
	}
	return 0;
}
