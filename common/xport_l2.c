// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xport_l2.c - PTP over IEEE 802.3 (IEEE 1588-2019 Annex E): one AF_PACKET
 * SOCK_RAW socket for ethertype 0x88F7 bound to the interface, with the
 * multicast MACs 01-1B-19-00-00-00 (E2E) and 01-80-C2-00-00-0E (peer
 * delay) added to its filter. Event and general messages share the socket;
 * general ones are sent with TX stamping switched off per packet.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netif.h"
#include "xport.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif

static const uint8_t l2_group[2][6] = {
	{ 0x01, 0x1B, 0x19, 0x00, 0x00, 0x00 },	/* E2E */
	{ 0x01, 0x80, 0xC2, 0x00, 0x00, 0x0E },	/* peer delay */
};

struct xport_l2 {
	struct xport base;
	uint8_t mac[6];
	uint8_t hdr[2][XPORT_L2_HDRLEN];	/* [pdelay_group] */
};

#define to_l2(x)	container_of(x, struct xport_l2, base)

static void l2_destroy(struct xport *x)
{
	xport_base_close(x);
	free(to_l2(x));
}

static int l2_socket(struct xport_l2 *l, char *err, size_t errlen)
{
	struct xport *x = &l->base;
	const char *what = "packet socket";
	struct sockaddr_ll a = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(XPORT_ETHERTYPE),
		.sll_ifindex = x->ifindex,
	};
	struct packet_mreq mr;
	int one = 1, fd, i, rc;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    htons(XPORT_ETHERTYPE));
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s: socket: %s", x->ifname, what,
			 strerror(-rc));
		return rc;
	}
	x->fd[XP_EVENT] = fd;
	x->shared_fd = true;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s: bind: %s", x->ifname, what,
			 strerror(-rc));
		return rc;
	}
	for (i = 0; i < 2; i++) {
		memset(&mr, 0, sizeof(mr));
		mr.mr_ifindex = x->ifindex;
		mr.mr_type = PACKET_MR_MULTICAST;
		mr.mr_alen = 6;
		memcpy(mr.mr_address, l2_group[i], 6);
		rc = xport_setopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
				  sizeof(mr), x->ifname, what,
				  i ? "PACKET_ADD_MEMBERSHIP 01:80:c2:00:00:0e"
				    : "PACKET_ADD_MEMBERSHIP 01:1b:19:00:00:00",
				  err, errlen);
		if (rc) {
			return rc;
		}
	}
	/* Linux 4.20+; rx_finish drops our own frames anyway. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	return xport_sock_ts(x, fd, true, false, what, err, errlen);
}

static struct xport *l2_open(const struct xport_cfg *cfg, int ifindex,
			     char *err, size_t errlen)
{
	struct xport_l2 *l = calloc(1, sizeof(*l));
	uint16_t et = htons(XPORT_ETHERTYPE);
	int g, rc;

	if (!l) {
		snprintf(err, errlen, "%s: out of memory", cfg->ifname);
		return NULL;
	}
	xport_base_init(&l->base, cfg, ifindex);
	rc = netif_mac(cfg->ifname, l->mac);
	if (rc) {
		snprintf(err, errlen, "%s: no Ethernet address: %s",
			 cfg->ifname, strerror(-rc));
		free(l);
		return NULL;
	}
	for (g = 0; g < 2; g++) {
		memcpy(l->hdr[g], l2_group[g], 6);
		memcpy(l->hdr[g] + 6, l->mac, 6);
		memcpy(l->hdr[g] + 12, &et, 2);
	}
	if (l2_socket(l, err, errlen)) {
		l2_destroy(&l->base);
		return NULL;
	}
	return &l->base;
}

static void l2_prep_send(struct xport *x, enum xport_chan ch,
			 bool pdelay_group, struct xport_sendctx *s)
{
	struct xport_l2 *l = to_l2(x);

	(void)ch;
	s->fd = x->fd[XP_EVENT];
	s->name = NULL;		/* the socket is bound to the interface */
	s->namelen = 0;
	memcpy(s->hdr, l->hdr[pdelay_group], XPORT_L2_HDRLEN);
	s->hdrlen = XPORT_L2_HDRLEN;
}

static int l2_rx_finish(struct xport *x, const struct xport_rxctx *c,
			struct xport_rx *rx)
{
	const struct sockaddr_ll *from = c->msg->msg_name;
	uint16_t et;

	if (c->msg->msg_namelen >= sizeof(*from) &&
	    from->sll_pkttype == PACKET_OUTGOING) {
		return -EAGAIN;		/* our own frame */
	}
	memcpy(&et, c->hdr + 12, 2);
	if (ntohs(et) != XPORT_ETHERTYPE || c->len < 1 ||
	    !memcmp(c->hdr + 6, to_l2(x)->mac, 6)) {
		return -EINVAL;
	}
	/* One socket for both: the messageType says which (< 8: event). */
	rx->chan = (c->payload[0] & 0x0F) < 8 ? XP_EVENT : XP_GENERAL;
	rx->multicast = c->hdr[0] & 1;
	rx->pdelay_group = !memcmp(c->hdr, l2_group[1], 6);
	memcpy(rx->src_mac, c->hdr + 6, 6);
	netif_mac_str(rx->src_mac, rx->src, sizeof(rx->src));
	return 0;
}

const struct xport_ops xport_l2_ops = {
	.name = "l2",
	.rx_hdrlen = XPORT_L2_HDRLEN,
	.open = l2_open,
	.destroy = l2_destroy,
	.prep_send = l2_prep_send,
	.rx_finish = l2_rx_finish,
};
