// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xport_udp6.c - PTP over UDP/IPv6 (IEEE 1588-2019 Annex D): two sockets,
 * event port 319 and general port 320, bound to one interface, joined to
 * FF0X::181 (E2E, X = cfg.udp6_scope, default E) and FF02::6B (peer delay)
 * on it. Works with link-local addresses only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xport.h"

#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL	29
#endif

struct xport_udp6 {
	struct xport base;
	struct sockaddr_in6 dst[2][2];	/* [chan][pdelay_group] */
	struct in6_addr grp[2];		/* [pdelay_group] */
	char grp_str[2][INET6_ADDRSTRLEN];
};

#define to_udp6(x)	container_of(x, struct xport_udp6, base)

static const char *const chan_name[2] = { "event socket", "general socket" };

static int udp6_socket(struct xport_udp6 *u, const struct xport_cfg *cfg,
		       enum xport_chan ch, char *err, size_t errlen)
{
	struct xport *x = &u->base;
	const char *what = chan_name[ch];
	int port = ch == XP_EVENT ? XPORT_EVENT_PORT : XPORT_GENERAL_PORT;
	int hops = cfg->ttl ? cfg->ttl : 1;
	int one = 1, zero = 0, fd, i, rc;
	struct sockaddr_in6 a = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(port),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned)x->ifindex };
	char optname[64];

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_UDP);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s: socket: %s", x->ifname, what,
			 strerror(-rc));
		return rc;
	}
	x->fd[ch] = fd;
	rc = xport_setopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one),
			  x->ifname, what, "IPV6_V6ONLY", err, errlen);
	if (!rc && cfg->reuse_addr) {
		rc = xport_setopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				  sizeof(one), x->ifname, what,
				  "SO_REUSEADDR", err, errlen);
	}
	if (!rc) {
		rc = xport_setopt(fd, SOL_SOCKET, SO_BINDTODEVICE, x->ifname,
				  (socklen_t)strlen(x->ifname), x->ifname,
				  what, "SO_BINDTODEVICE", err, errlen);
	}
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
		mr.ipv6mr_multiaddr = u->grp[i];
		snprintf(optname, sizeof(optname), "IPV6_ADD_MEMBERSHIP %s",
			 u->grp_str[i]);
		rc = xport_setopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr,
				  sizeof(mr), x->ifname, what, optname, err,
				  errlen);
		if (rc) {
			return rc;
		}
	}
	rc = xport_setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &x->ifindex,
			  sizeof(x->ifindex), x->ifname, what,
			  "IPV6_MULTICAST_IF", err, errlen);
	if (!rc) {
		rc = xport_setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
				  sizeof(hops), x->ifname, what,
				  "IPV6_MULTICAST_HOPS", err, errlen);
	}
	if (!rc) {
		rc = xport_setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero,
				  sizeof(zero), x->ifname, what,
				  "IPV6_MULTICAST_LOOP", err, errlen);
	}
	if (!rc) {
		rc = xport_setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
				  sizeof(one), x->ifname, what,
				  "IPV6_RECVPKTINFO", err, errlen);
	}
	if (!rc) {
		/* Linux 4.20+; older kernels deliver only joined groups on a
		 * device-bound socket anyway, so a failure is harmless. */
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &zero,
			   sizeof(zero));
		rc = xport_sock_ts(x, fd, ch == XP_EVENT, false, what, err,
				   errlen);
	}
	return rc;
}

static void udp6_destroy(struct xport *x)
{
	xport_base_close(x);
	free(to_udp6(x));
}

static struct xport *udp6_open(const struct xport_cfg *cfg, int ifindex,
			       char *err, size_t errlen)
{
	struct xport_udp6 *u = calloc(1, sizeof(*u));
	uint8_t scope = cfg->udp6_scope ? cfg->udp6_scope : 0xE;
	int ch, g;

	if (!u) {
		snprintf(err, errlen, "%s: out of memory", cfg->ifname);
		return NULL;
	}
	xport_base_init(&u->base, cfg, ifindex);
	if (scope > 0xF) {
		snprintf(err, errlen, "%s: udp6 scope %u out of range 1..15",
			 cfg->ifname, scope);
		free(u);
		return NULL;
	}
	inet_pton(AF_INET6, "FF0E::181", &u->grp[0]);
	u->grp[0].s6_addr[1] = scope;
	inet_pton(AF_INET6, "FF02::6B", &u->grp[1]);
	for (g = 0; g < 2; g++) {
		inet_ntop(AF_INET6, &u->grp[g], u->grp_str[g],
			  sizeof(u->grp_str[g]));
	}
	for (ch = 0; ch < 2; ch++) {
		for (g = 0; g < 2; g++) {
			u->dst[ch][g].sin6_family = AF_INET6;
			u->dst[ch][g].sin6_port = htons(ch == XP_EVENT ?
				XPORT_EVENT_PORT : XPORT_GENERAL_PORT);
			u->dst[ch][g].sin6_addr = u->grp[g];
			/* Needed for the link-local group FF02::6B; the
			 * kernel ignores it for wider scopes. */
			u->dst[ch][g].sin6_scope_id = (uint32_t)ifindex;
		}
	}
	for (ch = 0; ch < 2; ch++) {
		if (udp6_socket(u, cfg, (enum xport_chan)ch, err, errlen)) {
			udp6_destroy(&u->base);
			return NULL;
		}
	}
	return &u->base;
}

static void udp6_prep_send(struct xport *x, enum xport_chan ch,
			   bool pdelay_group, struct xport_sendctx *s)
{
	struct xport_udp6 *u = to_udp6(x);

	s->fd = x->fd[ch];
	s->name = &u->dst[ch][pdelay_group];
	s->namelen = sizeof(struct sockaddr_in6);
	s->hdrlen = 0;
}

static int udp6_rx_finish(struct xport *x, const struct xport_rxctx *c,
			  struct xport_rx *rx)
{
	const struct sockaddr_in6 *from = c->msg->msg_name;
	struct in6_addr dst;

	if (c->msg->msg_namelen < sizeof(*from) ||
	    from->sin6_family != AF_INET6) {
		return -EINVAL;
	}
	rx->chan = c->fd == x->fd[XP_EVENT] ? XP_EVENT : XP_GENERAL;
	memcpy(&rx->src_addr, from, sizeof(*from));
	inet_ntop(AF_INET6, &from->sin6_addr, rx->src, sizeof(rx->src));
	if (c->tsp->dst_family == AF_INET6) {
		memcpy(&dst, c->tsp->dst, sizeof(dst));
		rx->multicast = IN6_IS_ADDR_MULTICAST(&dst);
		rx->pdelay_group = !memcmp(&dst, &to_udp6(x)->grp[1],
					   sizeof(dst));
	}
	return 0;
}

const struct xport_ops xport_udp6_ops = {
	.name = "udp6",
	.rx_hdrlen = 0,
	.open = udp6_open,
	.destroy = udp6_destroy,
	.prep_send = udp6_prep_send,
	.rx_finish = udp6_rx_finish,
};
