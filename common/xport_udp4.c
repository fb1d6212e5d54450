// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xport_udp4.c - PTP over UDP/IPv4 (IEEE 1588-2019 Annex C): two sockets,
 * event port 319 and general port 320, bound to one interface, joined to
 * 224.0.1.129 (E2E) and 224.0.0.107 (peer delay) on it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xport.h"

#define UDP4_E2E_GROUP	"224.0.1.129"
#define UDP4_P2P_GROUP	"224.0.0.107"

struct xport_udp4 {
	struct xport base;
	struct sockaddr_in dst[2][2];	/* [chan][pdelay_group] */
	struct in_addr grp[2];		/* [pdelay_group] */
};

#define to_udp4(x)	container_of(x, struct xport_udp4, base)

static const char *const chan_name[2] = { "event socket", "general socket" };

static int udp4_socket(struct xport_udp4 *u, const struct xport_cfg *cfg,
		       enum xport_chan ch, char *err, size_t errlen)
{
	struct xport *x = &u->base;
	const char *what = chan_name[ch];
	int port = ch == XP_EVENT ? XPORT_EVENT_PORT : XPORT_GENERAL_PORT;
	int ttl = cfg->ttl ? cfg->ttl : 1;
	int one = 1, zero = 0, fd, i, rc;
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	struct ip_mreqn mr = { .imr_ifindex = x->ifindex };

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_UDP);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s: socket: %s", x->ifname, what,
			 strerror(-rc));
		return rc;
	}
	x->fd[ch] = fd;
	if (cfg->reuse_addr) {
		rc = xport_setopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				  sizeof(one), x->ifname, what,
				  "SO_REUSEADDR", err, errlen);
		if (rc) {
			return rc;
		}
	}
	/* Before bind: sockets on other interfaces may hold the same port. */
	rc = xport_setopt(fd, SOL_SOCKET, SO_BINDTODEVICE, x->ifname,
			  (socklen_t)strlen(x->ifname), x->ifname, what,
			  "SO_BINDTODEVICE", err, errlen);
	if (rc) {
		return rc;
	}
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s: bind port %d: %s", x->ifname,
			 what, port, strerror(-rc));
		return rc;
	}
	for (i = 0; i < 2; i++) {
		mr.imr_multiaddr = u->grp[i];
		rc = xport_setopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
				  sizeof(mr), x->ifname, what,
				  i ? "IP_ADD_MEMBERSHIP " UDP4_P2P_GROUP :
				      "IP_ADD_MEMBERSHIP " UDP4_E2E_GROUP,
				  err, errlen);
		if (rc) {
			return rc;
		}
	}
	mr.imr_multiaddr.s_addr = htonl(INADDR_ANY);
	rc = xport_setopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr),
			  x->ifname, what, "IP_MULTICAST_IF", err, errlen);
	if (!rc) {
		rc = xport_setopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
				  sizeof(ttl), x->ifname, what,
				  "IP_MULTICAST_TTL", err, errlen);
	}
	if (!rc) {
		rc = xport_setopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero,
				  sizeof(zero), x->ifname, what,
				  "IP_MULTICAST_LOOP", err, errlen);
	}
	if (!rc) {
		/* Only the groups joined on this socket, not every group
		 * some other socket joined. */
		rc = xport_setopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero,
				  sizeof(zero), x->ifname, what,
				  "IP_MULTICAST_ALL", err, errlen);
	}
	if (!rc) {
		rc = xport_setopt(fd, IPPROTO_IP, IP_PKTINFO, &one,
				  sizeof(one), x->ifname, what, "IP_PKTINFO",
				  err, errlen);
	}
	if (!rc) {
		rc = xport_sock_ts(x, fd, ch == XP_EVENT, true, what, err,
				   errlen);
	}
	return rc;
}

static void udp4_destroy(struct xport *x)
{
	xport_base_close(x);
	free(to_udp4(x));
}

static struct xport *udp4_open(const struct xport_cfg *cfg, int ifindex,
			       char *err, size_t errlen)
{
	struct xport_udp4 *u = calloc(1, sizeof(*u));
	int ch, g;

	if (!u) {
		snprintf(err, errlen, "%s: out of memory", cfg->ifname);
		return NULL;
	}
	xport_base_init(&u->base, cfg, ifindex);
	inet_pton(AF_INET, UDP4_E2E_GROUP, &u->grp[0]);
	inet_pton(AF_INET, UDP4_P2P_GROUP, &u->grp[1]);
	for (ch = 0; ch < 2; ch++) {
		for (g = 0; g < 2; g++) {
			u->dst[ch][g].sin_family = AF_INET;
			u->dst[ch][g].sin_port = htons(ch == XP_EVENT ?
				XPORT_EVENT_PORT : XPORT_GENERAL_PORT);
			u->dst[ch][g].sin_addr = u->grp[g];
		}
	}
	for (ch = 0; ch < 2; ch++) {
		if (udp4_socket(u, cfg, (enum xport_chan)ch, err, errlen)) {
			udp4_destroy(&u->base);
			return NULL;
		}
	}
	return &u->base;
}

static void udp4_prep_send(struct xport *x, enum xport_chan ch,
			   bool pdelay_group, struct xport_sendctx *s)
{
	struct xport_udp4 *u = to_udp4(x);

	s->fd = x->fd[ch];
	s->name = &u->dst[ch][pdelay_group];
	s->namelen = sizeof(struct sockaddr_in);
	s->hdrlen = 0;
}

static int udp4_rx_finish(struct xport *x, const struct xport_rxctx *c,
			  struct xport_rx *rx)
{
	const struct sockaddr_in *from = c->msg->msg_name;
	struct in_addr dst;

	if (c->msg->msg_namelen < sizeof(*from) ||
	    from->sin_family != AF_INET) {
		return -EINVAL;
	}
	rx->chan = c->fd == x->fd[XP_EVENT] ? XP_EVENT : XP_GENERAL;
	memcpy(&rx->src_addr, from, sizeof(*from));
	inet_ntop(AF_INET, &from->sin_addr, rx->src, sizeof(rx->src));
	if (c->tsp->dst_family == AF_INET) {
		memcpy(&dst, c->tsp->dst, sizeof(dst));
		rx->multicast = IN_MULTICAST(ntohl(dst.s_addr));
		rx->pdelay_group = dst.s_addr == to_udp4(x)->grp[1].s_addr;
	}
	return 0;
}

const struct xport_ops xport_udp4_ops = {
	.name = "udp4",
	.rx_hdrlen = 0,
	.open = udp4_open,
	.destroy = udp4_destroy,
	.prep_send = udp4_prep_send,
	.rx_finish = udp4_rx_finish,
};
