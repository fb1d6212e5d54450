/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xport.h - PTP transports with timestamps: UDP/IPv4, UDP/IPv6 and IEEE
 * 802.3 (ethertype 0x88F7), on one interface.
 *
 * The caller hands in encoded PTP messages and gets encoded messages back
 * with their RX timestamps; TX timestamps of event messages come later,
 * without blocking:
 *
 *	uint32_t id;
 *	xport_send(x, XP_EVENT, false, buf, len, &id);   // remember id
 *	...poll: fds[XP_EVENT] has POLLPRI (or POLLERR)...
 *	while (xport_txts_read(x, &t) > 0)
 *		on_tx_stamp(t.id, &t.ts);
 *
 * Nothing here blocks: every socket is non-blocking and every receive uses
 * MSG_DONTWAIT. An id whose stamp has not come within cfg.txts_timeout_ms
 * (or is overtaken by a newer id's stamp) is counted missing; a stamp that
 * comes after that is counted late and not returned.
 *
 * Addresses (IEEE 1588-2019 Annex C, D, E): event port 319, general 320;
 * E2E group 224.0.1.129 / FF0E::181 / 01-1B-19-00-00-00; peer-delay group
 * 224.0.0.107 / FF02::6B / 01-80-C2-00-00-0E. Pdelay_Req, Pdelay_Resp and
 * Pdelay_Resp_Follow_Up always go to the peer-delay group: the caller says
 * so with pdelay_group. Both groups are joined, so a port receives both.
 *
 * Timestamps are struct timespec: CLOCK_REALTIME for software mode, the
 * interface's PHC for hardware mode.
 *
 * Kernel needs: SO_TIMESTAMPING with OPT_ID/OPT_TSONLY and per-packet
 * SO_TIMESTAMPING control messages (Linux 4.7+), OPT_ID on packet sockets
 * (5.x). SCM_TS_OPT_ID (6.13+) is used when present so the ids can never
 * drift from the kernel's; without it the kernel's own counter is mirrored.
 */
#ifndef MERIDIAN_XPORT_H
#define MERIDIAN_XPORT_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "tstamp.h"

enum xport_kind {
	XP_UDP4,
	XP_UDP6,
	XP_L2,
};

/* Which socket/port a message uses: event messages are timestamped. */
enum xport_chan {
	XP_EVENT,	/* port 319: Sync, Delay_Req, Pdelay_Req, Pdelay_Resp */
	XP_GENERAL,	/* port 320: everything else */
};

#define XPORT_EVENT_PORT	319
#define XPORT_GENERAL_PORT	320
#define XPORT_ETHERTYPE		0x88F7
#define XPORT_TXTS_TIMEOUT_MS	100	/* default TX-stamp wait */

/* "udp4"/"udpv4"/"ipv4", "udp6"/"udpv6"/"ipv6", "l2"/"ieee802.3"/"raw". */
int xport_kind_parse(const char *s, enum xport_kind *out);
const char *xport_kind_str(enum xport_kind k);

struct xport_cfg {
	const char *ifname;
	enum xport_kind kind;
	enum ts_mode ts_mode;
	int ttl;		/* multicast TTL / hop limit 1..255; 0: 1 */
	int txts_timeout_ms;	/* TX stamp given up after; 0: default */
	uint8_t udp6_scope;	/* scope nibble of FF0X::181; 0: 0xE */
	bool reuse_addr;	/* SO_REUSEADDR: share ports with others */
	bool kernel_ids;	/* mirror the kernel's OPT_ID counter even
				 * if SCM_TS_OPT_ID exists (tests) */
};

/* What xport_recv() tells about one received message. */
struct xport_rx {
	bool has_ts;		/* false: the kernel gave no timestamp */
	struct timespec ts;	/* RX timestamp (see ts_mode) */
	enum xport_chan chan;	/* event or general */
	bool pdelay_group;	/* sent to the peer-delay group address */
	bool multicast;		/* sent to a multicast address */
	char src[INET6_ADDRSTRLEN];	/* source IP, or MAC for L2 */
	uint8_t src_mac[6];	/* L2 only */
	struct sockaddr_storage src_addr;	/* UDP only */
};

/* One TX timestamp, for the id xport_send() returned. */
struct xport_txts {
	uint32_t id;
	struct timespec ts;
};

struct xport_stats {
	struct tstamp_track_stats tx;	/* sent/delivered/late/missing/.. */
	uint64_t tx_errors;		/* sends that failed */
	uint64_t rx;			/* messages returned */
	uint64_t rx_no_ts;		/* ... of which without timestamp */
	uint64_t rx_dropped;		/* truncated, malformed, own */
	uint64_t errqueue_other;	/* error-queue entries not a stamp */
};

struct xport;

/*
 * Open the transport on cfg->ifname: sockets bound to the interface,
 * groups joined, timestamping on (hardware mode also checks capabilities
 * and issues SIOCSHWTSTAMP). NULL on failure, with a message naming the
 * interface and step in err.
 */
struct xport *xport_open(const struct xport_cfg *cfg, char *err,
			 size_t errlen);
void xport_close(struct xport *x);

/* Sockets to poll: fds[XP_EVENT] and fds[XP_GENERAL]; returns how many
 * are valid (L2 has one socket for both: 1, fds[1] = -1). Poll the event
 * socket for POLLIN and POLLPRI|POLLERR (TX stamps). */
int xport_fds(const struct xport *x, int fds[2]);

/*
 * Send one encoded PTP message on channel ch to the E2E group, or the
 * peer-delay group if pdelay_group. For XP_EVENT *txid gets the id its TX
 * timestamp will carry (txid may be NULL if the caller does not care).
 * Returns 0 or -errno (-EAGAIN: socket buffer full, nothing sent).
 */
int xport_send(struct xport *x, enum xport_chan ch, bool pdelay_group,
	       const void *buf, size_t len, uint32_t *txid);

/*
 * Receive one message from fd (one of xport_fds()) into buf. Returns the
 * message length, -EAGAIN when nothing is queued, or -errno. Frames that
 * are truncated or malformed are dropped and counted.
 */
ssize_t xport_recv(struct xport *x, int fd, void *buf, size_t cap,
		   struct xport_rx *rx);

/*
 * Read the event socket's error queue without blocking. Returns 1 with a
 * matched stamp in *out, 0 when no (more) stamps are queued, or -errno.
 * Late and unmatched stamps are counted and skipped.
 */
int xport_txts_read(struct xport *x, struct xport_txts *out);
/* Give up on ids pending longer than the timeout; returns how many. Call
 * from a timer; xport_txts_read() does it too. */
unsigned xport_txts_expire(struct xport *x);
/* Ids sent whose stamp is still awaited. */
unsigned xport_txts_pending(const struct xport *x);

const struct xport_stats *xport_stats(const struct xport *x);
const char *xport_ifname(const struct xport *x);
int xport_ifindex(const struct xport *x);
enum xport_kind xport_kind_of(const struct xport *x);
/* /dev/ptpN index of the interface's PHC as ETHTOOL_GET_TS_INFO said, or
 * -1 (none, or the driver does not say). */
int xport_phc_index(const struct xport *x);
/* true once sends carry their id in SCM_TS_OPT_ID; false while the
 * kernel's own OPT_ID counter is mirrored. */
bool xport_explicit_ids(const struct xport *x);
/* The last hardware/software capability warning ("" if none). */
const char *xport_warning(const struct xport *x);

/* ---- for the transport implementations (xport_*.c) only ------------- */

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#define XPORT_L2_HDRLEN	14

/* Where one send goes; filled by xport_ops.prep_send. */
struct xport_sendctx {
	int fd;
	const void *name;	/* destination sockaddr, or NULL */
	socklen_t namelen;
	uint8_t hdr[XPORT_L2_HDRLEN];	/* bytes sent before the message */
	size_t hdrlen;
};

/* What a transport adds to one receive. */
struct xport_rxctx {
	int fd;
	const struct msghdr *msg;	/* as recvmsg() filled it */
	const uint8_t *hdr;		/* the first rx_hdrlen bytes */
	const struct tstamp_parsed *tsp;	/* parsed control messages */
	const uint8_t *payload;
	size_t len;			/* payload bytes */
};

struct xport_ops {
	const char *name;
	size_t rx_hdrlen;	/* link header bytes before the message */
	/* Allocate, open and configure; the common part of *x is set up by
	 * the caller afterwards. */
	struct xport *(*open)(const struct xport_cfg *cfg, int ifindex,
			      char *err, size_t errlen);
	void (*destroy)(struct xport *x);
	void (*prep_send)(struct xport *x, enum xport_chan ch,
			  bool pdelay_group, struct xport_sendctx *s);
	/* Fill rx from a received message; < 0 drops it. */
	int (*rx_finish)(struct xport *x, const struct xport_rxctx *c,
			 struct xport_rx *rx);
};

struct xport {
	const struct xport_ops *ops;
	char ifname[IF_NAMESIZE];
	int ifindex;
	enum xport_kind kind;
	enum ts_mode ts_mode;
	int fd[2];		/* [XP_EVENT], [XP_GENERAL]; L2: fd[1] = -1 */
	bool shared_fd;		/* one socket stamps both channels (L2) */
	int optid_cmsg;		/* SCM_TS_OPT_ID: 1 yes, 0 no, -1 untried */
	struct tstamp_track track;
	struct xport_stats st;
	int phc_index;		/* -1: none */
	char warning[160];
};

extern const struct xport_ops xport_udp4_ops;
extern const struct xport_ops xport_udp6_ops;
extern const struct xport_ops xport_l2_ops;

/* Helpers shared by the transports (xport.c). */
void xport_base_init(struct xport *x, const struct xport_cfg *cfg,
		     int ifindex);
/* Close every fd the base holds. */
void xport_base_close(struct xport *x);
/* Timestamping set-up for one socket, with a message on failure. */
int xport_sock_ts(struct xport *x, int fd, bool tx, bool pktinfo,
		  const char *what, char *err, size_t errlen);
/* setsockopt with a message "IF: WHAT: OPT: error" on failure. */
int xport_setopt(int fd, int level, int opt, const void *val, socklen_t len,
		 const char *ifname, const char *what, const char *optname,
		 char *err, size_t errlen);

#endif
