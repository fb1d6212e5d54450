// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xport.c - transport-independent part: open with timestamp checks, send
 * with per-packet control messages, receive with RX stamps, and the
 * non-blocking TX-stamp reader. See xport.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "netif.h"
#include "xport.h"

#ifndef SCM_TS_OPT_ID
#define SCM_TS_OPT_ID	81	/* asm-generic value, Linux 6.13 */
#endif

/* Room for every control message one receive can carry. */
#define XPORT_CMSG_SPACE	512

int xport_kind_parse(const char *s, enum xport_kind *out)
{
	if (!strcmp(s, "udp4") || !strcmp(s, "udpv4") || !strcmp(s, "ipv4") ||
	    !strcmp(s, "UDPv4")) {
		*out = XP_UDP4;
	} else if (!strcmp(s, "udp6") || !strcmp(s, "udpv6") ||
		   !strcmp(s, "ipv6") || !strcmp(s, "UDPv6")) {
		*out = XP_UDP6;
	} else if (!strcmp(s, "l2") || !strcmp(s, "ieee802.3") ||
		   !strcmp(s, "raw") || !strcmp(s, "L2")) {
		*out = XP_L2;
	} else {
		return -EINVAL;
	}
	return 0;
}

const char *xport_kind_str(enum xport_kind k)
{
	switch (k) {
	case XP_UDP4:
		return "udp4";
	case XP_UDP6:
		return "udp6";
	case XP_L2:
		return "l2";
	}
	return "?";
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- helpers for the transports -------------------------------------- */

void xport_base_init(struct xport *x, const struct xport_cfg *cfg,
		     int ifindex)
{
	int64_t tmo = cfg->txts_timeout_ms > 0 ? cfg->txts_timeout_ms :
			XPORT_TXTS_TIMEOUT_MS;

	snprintf(x->ifname, sizeof(x->ifname), "%s", cfg->ifname);
	x->ifindex = ifindex;
	x->kind = cfg->kind;
	x->ts_mode = cfg->ts_mode;
	x->fd[0] = -1;
	x->fd[1] = -1;
	x->optid_cmsg = cfg->kernel_ids ? 0 : -1;
	/* The kernel's OPT_ID counter starts at 0 when OPT_ID is enabled. */
	tstamp_track_init(&x->track, 0, tmo * 1000000);
}

void xport_base_close(struct xport *x)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (x->fd[i] >= 0) {
			close(x->fd[i]);
		}
		x->fd[i] = -1;
	}
}

int xport_setopt(int fd, int level, int opt, const void *val, socklen_t len,
		 const char *ifname, const char *what, const char *optname,
		 char *err, size_t errlen)
{
	int rc;

	if (setsockopt(fd, level, opt, val, len) == 0) {
		return 0;
	}
	rc = -errno;
	snprintf(err, errlen, "%s: %s: %s: %s", ifname, what, optname,
		 strerror(-rc));
	return rc;
}

int xport_sock_ts(struct xport *x, int fd, bool tx, bool pktinfo,
		  const char *what, char *err, size_t errlen)
{
	int rc = tstamp_sock_enable(fd, x->ts_mode, tx, pktinfo);

	if (rc) {
		snprintf(err, errlen, "%s: %s: SO_TIMESTAMPING (%s): %s",
			 x->ifname, what, tstamp_mode_str(x->ts_mode),
			 strerror(-rc));
	}
	return rc;
}

/* ---- open/close ------------------------------------------------------- */

static const struct xport_ops *ops_of(enum xport_kind k)
{
	switch (k) {
	case XP_UDP4:
		return &xport_udp4_ops;
	case XP_UDP6:
		return &xport_udp6_ops;
	case XP_L2:
		return &xport_l2_ops;
	}
	return NULL;
}

/* Check (and in hardware mode switch on) the interface's timestamping. */
static int ts_setup(const struct xport_cfg *cfg, int *phc_index, char *warn,
		    size_t warnlen, char *err, size_t errlen)
{
	struct tstamp_caps caps;
	int fd, rc;

	warn[0] = '\0';
	*phc_index = -1;
	rc = tstamp_caps_get(-1, cfg->ifname, &caps);
	if (rc) {
		if (cfg->ts_mode == TS_SOFTWARE) {
			/* Software stamps come from the stack; an old driver
			 * that cannot report them still gets them. */
			return 0;
		}
		snprintf(err, errlen, "%s: cannot read timestamping "
			 "capabilities (ETHTOOL_GET_TS_INFO): %s",
			 cfg->ifname, strerror(-rc));
		return rc;
	}
	*phc_index = caps.phc_index;
	rc = tstamp_caps_check(cfg->ifname, &caps, cfg->ts_mode, err, errlen);
	if (rc < 0) {
		return rc;
	}
	if (rc > 0) {
		snprintf(warn, warnlen, "%s", err);
		err[0] = '\0';
	}
	if (cfg->ts_mode != TS_HARDWARE) {
		return 0;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: socket: %s", cfg->ifname,
			 strerror(-rc));
		return rc;
	}
	rc = tstamp_hw_enable(fd, cfg->ifname, cfg->kind == XP_L2, err,
			      errlen);
	close(fd);
	return rc;
}

struct xport *xport_open(const struct xport_cfg *cfg, char *err,
			 size_t errlen)
{
	const struct xport_ops *ops = ops_of(cfg->kind);
	char warn[sizeof(((struct xport *)0)->warning)];
	struct xport *x;
	int ifindex, phc, rc;

	if (errlen) {
		err[0] = '\0';
	}
	if (!ops) {
		snprintf(err, errlen, "unknown transport %d", (int)cfg->kind);
		errno = EINVAL;
		return NULL;
	}
	if (!cfg->ifname || !netif_name_ok(cfg->ifname)) {
		snprintf(err, errlen, "bad interface name '%s'",
			 cfg->ifname ? cfg->ifname : "(null)");
		errno = EINVAL;
		return NULL;
	}
	if (cfg->ttl < 0 || cfg->ttl > 255) {
		snprintf(err, errlen, "%s: multicast ttl %d out of range "
			 "1..255", cfg->ifname, cfg->ttl);
		errno = EINVAL;
		return NULL;
	}
	ifindex = netif_index(cfg->ifname);
	if (ifindex < 0) {
		snprintf(err, errlen, "%s: no such interface", cfg->ifname);
		errno = -ifindex;
		return NULL;
	}
	rc = ts_setup(cfg, &phc, warn, sizeof(warn), err, errlen);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	x = ops->open(cfg, ifindex, err, errlen);
	if (!x) {
		return NULL;
	}
	x->ops = ops;
	x->phc_index = phc;
	snprintf(x->warning, sizeof(x->warning), "%s", warn);
	if (warn[0]) {
		pr_warn("%s", warn);
	}
	return x;
}

void xport_close(struct xport *x)
{
	if (x) {
		x->ops->destroy(x);
	}
}

int xport_fds(const struct xport *x, int fds[2])
{
	fds[XP_EVENT] = x->fd[XP_EVENT];
	fds[XP_GENERAL] = x->shared_fd ? -1 : x->fd[XP_GENERAL];
	return x->shared_fd ? 1 : 2;
}

const struct xport_stats *xport_stats(const struct xport *x)
{
	return &x->st;
}

const char *xport_ifname(const struct xport *x)
{
	return x->ifname;
}

int xport_ifindex(const struct xport *x)
{
	return x->ifindex;
}

enum xport_kind xport_kind_of(const struct xport *x)
{
	return x->kind;
}

int xport_phc_index(const struct xport *x)
{
	return x->phc_index;
}

bool xport_explicit_ids(const struct xport *x)
{
	return x->optid_cmsg == 1;
}

const char *xport_warning(const struct xport *x)
{
	return x->warning;
}

/* ---- send ------------------------------------------------------------- */

/* Append one u32 control message to m (whose buffer has room). */
static void cmsg_put_u32(struct msghdr *m, int level, int type, uint32_t v)
{
	struct cmsghdr *c = (struct cmsghdr *)((char *)m->msg_control +
					       m->msg_controllen);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(sizeof(v));
	memcpy(CMSG_DATA(c), &v, sizeof(v));
	m->msg_controllen += CMSG_SPACE(sizeof(v));
}

static ssize_t send_once(struct xport *x, const struct xport_sendctx *s,
			 const void *buf, size_t len, bool stamp,
			 bool use_optid, uint32_t id)
{
	union {
		char buf[2 * CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov[2] = {
		{ .iov_base = (void *)s->hdr, .iov_len = s->hdrlen },
		{ .iov_base = (void *)buf, .iov_len = len },
	};
	struct msghdr m = {
		.msg_name = (void *)s->name,
		.msg_namelen = s->namelen,
		.msg_iov = s->hdrlen ? iov : iov + 1,
		.msg_iovlen = s->hdrlen ? 2 : 1,
		.msg_control = ctl.buf,
		.msg_controllen = 0,
	};
	ssize_t n;

	memset(&ctl, 0, sizeof(ctl));
	if (stamp && use_optid) {
		cmsg_put_u32(&m, SOL_SOCKET, SCM_TS_OPT_ID, id);
	}
	if (!stamp && x->shared_fd) {
		/* General message on the stamping socket: no TX stamp, so
		 * it takes no OPT_ID key either. */
		cmsg_put_u32(&m, SOL_SOCKET, SO_TIMESTAMPING, 0);
	}
	if (!m.msg_controllen) {
		m.msg_control = NULL;
	}
	n = sendmsg(s->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0) {
		return -errno;
	}
	if ((size_t)n != s->hdrlen + len) {
		return -EMSGSIZE;
	}
	return n;
}

int xport_send(struct xport *x, enum xport_chan ch, bool pdelay_group,
	       const void *buf, size_t len, uint32_t *txid)
{
	struct xport_sendctx s = { .fd = -1 };
	bool stamp = ch == XP_EVENT;
	uint32_t id = tstamp_track_next(&x->track);
	ssize_t rc;

	x->ops->prep_send(x, ch, pdelay_group, &s);
	rc = send_once(x, &s, buf, len, stamp, stamp && x->optid_cmsg != 0,
		       id);
	if (rc == -EINVAL && stamp && x->optid_cmsg < 0) {
		/* No SCM_TS_OPT_ID in this kernel: mirror its counter. */
		rc = send_once(x, &s, buf, len, stamp, false, id);
		if (rc >= 0) {
			x->optid_cmsg = 0;
			pr_info("%s: no SCM_TS_OPT_ID, tracking the kernel's "
				"OPT_ID counter", x->ifname);
		}
	}
	if (rc < 0) {
		x->st.tx_errors++;
		/* An id given explicitly may still reach the kernel's
		 * queue; never hand it out again. Without SCM_TS_OPT_ID the
		 * kernel undoes its increment on a failed send. */
		if (stamp && x->optid_cmsg == 1) {
			tstamp_track_skip(&x->track);
		}
		x->st.tx = x->track.st;
		return (int)rc;
	}
	if (stamp) {
		if (x->optid_cmsg < 0) {
			x->optid_cmsg = 1;
		}
		id = tstamp_track_sent(&x->track, mono_ns());
		if (txid) {
			*txid = id;
		}
		x->st.tx = x->track.st;
	}
	return 0;
}

/* ---- receive ---------------------------------------------------------- */

ssize_t xport_recv(struct xport *x, int fd, void *buf, size_t cap,
		   struct xport_rx *rx)
{
	union {
		char buf[XPORT_CMSG_SPACE];
		struct cmsghdr align;
	} ctl;
	uint8_t hdr[XPORT_L2_HDRLEN];
	size_t hlen = x->ops->rx_hdrlen;
	struct sockaddr_storage from;
	struct tstamp_parsed tsp;
	struct xport_rxctx c;
	struct iovec iov[2];
	struct msghdr m;
	ssize_t n;
	int tries;

	/* Bounded: a flood of bad frames cannot keep us here. */
	for (tries = 0; tries < 16; tries++) {
		iov[0].iov_base = hdr;
		iov[0].iov_len = hlen;
		iov[1].iov_base = buf;
		iov[1].iov_len = cap;
		memset(&m, 0, sizeof(m));
		m.msg_name = &from;
		m.msg_namelen = sizeof(from);
		m.msg_iov = hlen ? iov : iov + 1;
		m.msg_iovlen = hlen ? 2 : 1;
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(fd, &m, MSG_DONTWAIT);
		if (n < 0) {
			return -errno;
		}
		if ((m.msg_flags & MSG_TRUNC) || (size_t)n < hlen ||
		    tstamp_parse(&m, x->ts_mode, &tsp) < 0) {
			x->st.rx_dropped++;
			continue;
		}
		memset(rx, 0, sizeof(*rx));
		c.fd = fd;
		c.msg = &m;
		c.hdr = hdr;
		c.tsp = &tsp;
		c.payload = buf;
		c.len = (size_t)n - hlen;
		if (x->ops->rx_finish(x, &c, rx) < 0) {
			x->st.rx_dropped++;
			continue;
		}
		rx->has_ts = tsp.has_ts;
		rx->ts = tsp.ts;
		x->st.rx++;
		if (!tsp.has_ts) {
			x->st.rx_no_ts++;
		}
		return (ssize_t)c.len;
	}
	return -EAGAIN;
}

/* ---- TX timestamps ---------------------------------------------------- */

unsigned xport_txts_expire(struct xport *x)
{
	unsigned n = tstamp_track_expire(&x->track, mono_ns());

	x->st.tx = x->track.st;
	return n;
}

unsigned xport_txts_pending(const struct xport *x)
{
	return tstamp_track_pending(&x->track);
}

int xport_txts_read(struct xport *x, struct xport_txts *out)
{
	union {
		char buf[XPORT_CMSG_SPACE];
		struct cmsghdr align;
	} ctl;
	struct tstamp_parsed tsp;
	uint8_t data[256];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr m;
	int rc = 0;

	for (;;) {
		memset(&m, 0, sizeof(m));
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		if (recvmsg(x->fd[XP_EVENT], &m,
			    MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			rc = errno == EAGAIN || errno == EWOULDBLOCK ?
				0 : -errno;
			break;
		}
		if (tstamp_parse(&m, x->ts_mode, &tsp) < 0 || !tsp.has_key) {
			x->st.errqueue_other++;
			continue;
		}
		if (!tsp.has_ts) {
			/* A stamp of the other kind (e.g. software in
			 * hardware mode): not ours. */
			x->st.errqueue_other++;
			continue;
		}
		if (tstamp_track_match(&x->track, tsp.key, mono_ns()) ==
		    TSM_OK) {
			out->id = tsp.key;
			out->ts = tsp.ts;
			rc = 1;
			break;
		}
	}
	if (rc == 0) {
		tstamp_track_expire(&x->track, mono_ns());
	}
	x->st.tx = x->track.st;
	return rc;
}
