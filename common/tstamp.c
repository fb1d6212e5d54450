// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tstamp.c - SO_TIMESTAMPING set-up, capabilities, cmsg parsing and
 * TX-timestamp bookkeeping. See tstamp.h.
 */
#include <errno.h>
#include <time.h>		/* before linux/errqueue.h */
#include <linux/errqueue.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tstamp.h"

#ifndef SO_TIMESTAMPING_OLD
#define SO_TIMESTAMPING_OLD	37
#endif
#ifndef SO_TIMESTAMPING_NEW
#define SO_TIMESTAMPING_NEW	65
#endif
#ifndef SO_SELECT_ERR_QUEUE
#define SO_SELECT_ERR_QUEUE	45
#endif
#ifndef PACKET_TX_TIMESTAMP
#define PACKET_TX_TIMESTAMP	16
#endif

const char *tstamp_mode_str(enum ts_mode m)
{
	return m == TS_HARDWARE ? "hardware" : "software";
}

int tstamp_mode_parse(const char *s, enum ts_mode *out)
{
	if (!strcmp(s, "software") || !strcmp(s, "sw")) {
		*out = TS_SOFTWARE;
		return 0;
	}
	if (!strcmp(s, "hardware") || !strcmp(s, "hw")) {
		*out = TS_HARDWARE;
		return 0;
	}
	return -EINVAL;
}

/* ---- capabilities ---------------------------------------------------- */

int tstamp_caps_get(int fd, const char *ifname, struct tstamp_caps *out)
{
	struct ethtool_ts_info info = { .cmd = ETHTOOL_GET_TS_INFO };
	struct ifreq ifr;
	int own = -1, rc = 0;

	if (strlen(ifname) >= IFNAMSIZ) {
		return -ENAMETOOLONG;
	}
	if (fd < 0) {
		own = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (own < 0) {
			return -errno;
		}
		fd = own;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	ifr.ifr_data = (char *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
		rc = -errno;
	} else {
		out->so_timestamping = info.so_timestamping;
		out->tx_types = info.tx_types;
		out->rx_filters = info.rx_filters;
		out->phc_index = info.phc_index;
	}
	if (own >= 0) {
		close(own);
	}
	return rc;
}

/* Append ", what" (or "what" first) to a bounded list in buf. */
static void list_add(char *buf, size_t cap, const char *what)
{
	size_t n = strlen(buf);

	if (n + 1 >= cap) {
		return;
	}
	snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", what);
}

#define TS_HW_BITS	(SOF_TIMESTAMPING_TX_HARDWARE | \
			 SOF_TIMESTAMPING_RX_HARDWARE | \
			 SOF_TIMESTAMPING_RAW_HARDWARE)
#define TS_SW_BITS	(SOF_TIMESTAMPING_TX_SOFTWARE | \
			 SOF_TIMESTAMPING_RX_SOFTWARE | \
			 SOF_TIMESTAMPING_SOFTWARE)

/* RX filters worth asking for, for either transport. */
static const uint32_t rx_ptp_filters =
	(1u << HWTSTAMP_FILTER_ALL) | (1u << HWTSTAMP_FILTER_SOME) |
	(1u << HWTSTAMP_FILTER_PTP_V2_EVENT) |
	(1u << HWTSTAMP_FILTER_PTP_V2_L2_EVENT) |
	(1u << HWTSTAMP_FILTER_PTP_V2_L4_EVENT);

int tstamp_caps_check(const char *ifname, const struct tstamp_caps *caps,
		      enum ts_mode m, char *err, size_t errlen)
{
	uint32_t so = caps->so_timestamping;
	char lack[160] = "";

	if (errlen) {
		err[0] = '\0';
	}
	if (m == TS_SOFTWARE) {
		if (!(so & SOF_TIMESTAMPING_TX_SOFTWARE)) {
			snprintf(err, errlen, "%s: no software transmit "
				 "timestamps reported (ethtool -T lacks "
				 "software-transmit)", ifname);
			return 1;
		}
		return 0;
	}
	if (!(so & TS_HW_BITS)) {
		snprintf(err, errlen,
			 "%s: no hardware timestamping (ethtool -T shows %s)",
			 ifname, so & TS_SW_BITS ? "software only" : "none");
		return -EOPNOTSUPP;
	}
	if (!(so & SOF_TIMESTAMPING_TX_HARDWARE)) {
		list_add(lack, sizeof(lack), "hardware-transmit");
	}
	if (!(so & SOF_TIMESTAMPING_RX_HARDWARE)) {
		list_add(lack, sizeof(lack), "hardware-receive");
	}
	if (!(so & SOF_TIMESTAMPING_RAW_HARDWARE)) {
		list_add(lack, sizeof(lack), "hardware-raw-clock");
	}
	if (!(caps->tx_types & (1u << HWTSTAMP_TX_ON))) {
		list_add(lack, sizeof(lack), "tx type on");
	}
	if (!(caps->rx_filters & rx_ptp_filters)) {
		list_add(lack, sizeof(lack), "a ptpv2 or all rx filter");
	}
	if (caps->phc_index < 0) {
		list_add(lack, sizeof(lack), "a PTP hardware clock");
	}
	if (lack[0]) {
		snprintf(err, errlen,
			 "%s: hardware timestamping incomplete, lacks %s",
			 ifname, lack);
		return -EOPNOTSUPP;
	}
	return 0;
}

bool tstamp_rx_filter_ok(int filter, bool l2)
{
	switch (filter) {
	case HWTSTAMP_FILTER_ALL:
	case HWTSTAMP_FILTER_SOME:
	case HWTSTAMP_FILTER_PTP_V2_EVENT:
		return true;
	case HWTSTAMP_FILTER_PTP_V2_L2_EVENT:
		return l2;
	case HWTSTAMP_FILTER_PTP_V2_L4_EVENT:
		return !l2;
	default:
		return false;
	}
}

int tstamp_hw_enable(int fd, const char *ifname, bool l2, char *err,
		     size_t errlen)
{
	const int want[] = {
		HWTSTAMP_FILTER_PTP_V2_EVENT,
		l2 ? HWTSTAMP_FILTER_PTP_V2_L2_EVENT :
		     HWTSTAMP_FILTER_PTP_V2_L4_EVENT,
		HWTSTAMP_FILTER_ALL,
	};
	struct hwtstamp_config cfg;
	struct ifreq ifr;
	int rc = -EOPNOTSUPP, got = -1;
	size_t i;

	if (strlen(ifname) >= IFNAMSIZ) {
		snprintf(err, errlen, "%s: interface name too long", ifname);
		return -ENAMETOOLONG;
	}
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, ifname, strlen(ifname));
		memset(&cfg, 0, sizeof(cfg));
		cfg.tx_type = HWTSTAMP_TX_ON;
		cfg.rx_filter = want[i];
		ifr.ifr_data = (char *)&cfg;
		if (ioctl(fd, SIOCSHWTSTAMP, &ifr) < 0) {
			rc = -errno;
			if (rc == -EPERM || rc == -ENODEV ||
			    rc == -EOPNOTSUPP) {
				break;
			}
			continue;	/* ERANGE: filter not supported */
		}
		got = cfg.rx_filter;
		if (cfg.tx_type == HWTSTAMP_TX_ON &&
		    tstamp_rx_filter_ok(cfg.rx_filter, l2)) {
			return 0;
		}
		rc = -EOPNOTSUPP;
	}
	if (rc == -EPERM) {
		snprintf(err, errlen, "%s: SIOCSHWTSTAMP: needs CAP_NET_ADMIN",
			 ifname);
	} else if (got >= 0) {
		snprintf(err, errlen, "%s: SIOCSHWTSTAMP: driver gave tx_type "
			 "%d rx_filter %d, no PTP v2 %s event filter", ifname,
			 cfg.tx_type, got, l2 ? "L2" : "UDP");
	} else {
		snprintf(err, errlen, "%s: SIOCSHWTSTAMP: %s", ifname,
			 strerror(-rc));
	}
	return rc;
}

/* ---- socket options -------------------------------------------------- */

uint32_t tstamp_flags(enum ts_mode m, bool tx, bool pktinfo)
{
	uint32_t f;

	if (m == TS_HARDWARE) {
		f = SOF_TIMESTAMPING_RX_HARDWARE |
		    SOF_TIMESTAMPING_RAW_HARDWARE;
		if (tx) {
			f |= SOF_TIMESTAMPING_TX_HARDWARE;
		}
	} else {
		f = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
		if (tx) {
			f |= SOF_TIMESTAMPING_TX_SOFTWARE;
		}
	}
	if (tx) {
		f |= SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	}
	if (pktinfo) {
		f |= SOF_TIMESTAMPING_OPT_CMSG;
	}
	return f;
}

int tstamp_sock_enable(int fd, enum ts_mode m, bool tx, bool pktinfo)
{
	int flags = (int)tstamp_flags(m, tx, pktinfo);
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags,
		       sizeof(flags)) < 0) {
		return -errno;
	}
	if (tx && setsockopt(fd, SOL_SOCKET, SO_SELECT_ERR_QUEUE, &one,
			     sizeof(one)) < 0) {
		return -errno;
	}
	return 0;
}

/* ---- control message parsing (pure) ---------------------------------- */

/* Copy a cmsg payload of at least n bytes into dst; -EBADMSG if short. */
static int cmsg_get(const struct cmsghdr *c, void *dst, size_t n)
{
	if (c->cmsg_len < CMSG_LEN(n)) {
		return -EBADMSG;
	}
	memcpy(dst, CMSG_DATA(c), n);
	return 0;
}

static int parse_tsing(const struct cmsghdr *c, enum ts_mode m,
		       struct tstamp_parsed *out)
{
	struct timespec ts[3];
	int i = m == TS_HARDWARE ? 2 : 0;

	if (c->cmsg_type == SO_TIMESTAMPING_NEW) {
		struct { int64_t sec, nsec; } t64[3];

		if (cmsg_get(c, t64, sizeof(t64))) {
			return -EBADMSG;
		}
		ts[i].tv_sec = (time_t)t64[i].sec;
		ts[i].tv_nsec = (long)t64[i].nsec;
	} else if (cmsg_get(c, ts, sizeof(ts))) {
		return -EBADMSG;
	}
	if (ts[i].tv_sec || ts[i].tv_nsec) {
		out->ts = ts[i];
		out->has_ts = true;
	}
	return 0;
}

static int parse_ee(const struct cmsghdr *c, struct tstamp_parsed *out)
{
	struct sock_extended_err ee;

	if (cmsg_get(c, &ee, sizeof(ee))) {
		return -EBADMSG;
	}
	if (ee.ee_errno == ENOMSG &&
	    ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING) {
		out->has_key = true;
		out->key = ee.ee_data;
		out->tstype = ee.ee_info;
	} else {
		out->other_err = true;
	}
	return 0;
}

int tstamp_parse(const struct msghdr *msg, enum ts_mode m,
		 struct tstamp_parsed *out)
{
	struct cmsghdr *c;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->ctrunc = !!(msg->msg_flags & MSG_CTRUNC);
	if (!msg->msg_control || msg->msg_controllen < sizeof(struct cmsghdr)) {
		return 0;
	}
	for (c = CMSG_FIRSTHDR((struct msghdr *)msg); c;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		int l = c->cmsg_level, t = c->cmsg_type;

		if (c->cmsg_len < sizeof(struct cmsghdr)) {
			return -EBADMSG;
		}
		if (l == SOL_SOCKET && (t == SO_TIMESTAMPING_OLD ||
					t == SO_TIMESTAMPING_NEW)) {
			rc = parse_tsing(c, m, out);
		} else if ((l == SOL_IP && t == IP_RECVERR) ||
			   (l == SOL_IPV6 && t == IPV6_RECVERR) ||
			   (l == SOL_PACKET && t == PACKET_TX_TIMESTAMP)) {
			rc = parse_ee(c, out);
		} else if (l == SOL_IP && t == IP_PKTINFO) {
			struct in_pktinfo pi;

			rc = cmsg_get(c, &pi, sizeof(pi));
			if (!rc) {
				out->ifindex = pi.ipi_ifindex;
				out->dst_family = AF_INET;
				memcpy(out->dst, &pi.ipi_addr, 4);
			}
		} else if (l == SOL_IPV6 && t == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			rc = cmsg_get(c, &pi, sizeof(pi));
			if (!rc) {
				out->ifindex = (int)pi.ipi6_ifindex;
				out->dst_family = AF_INET6;
				memcpy(out->dst, &pi.ipi6_addr, 16);
			}
		}
		if (rc) {
			return rc;
		}
	}
	return 0;
}

/* ---- TX-timestamp bookkeeping (pure) --------------------------------- */

enum { SLOT_FREE, SLOT_PENDING, SLOT_DONE, SLOT_MISSING };

#define SLOT(t, id)	(&(t)->slot[(id) & (TSTAMP_TRACK_SLOTS - 1)])

/* Signed distance from a to b in id space (b - a). */
static inline int32_t id_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a);
}

void tstamp_track_init(struct tstamp_track *t, uint32_t first_id,
		       int64_t timeout_ns)
{
	memset(t, 0, sizeof(*t));
	t->next_id = first_id;
	t->oldest = first_id;
	t->timeout_ns = timeout_ns;
}

static bool slot_pending(const struct tstamp_track *t, uint32_t id)
{
	return t->slot[id & (TSTAMP_TRACK_SLOTS - 1)].id == id &&
	       t->slot[id & (TSTAMP_TRACK_SLOTS - 1)].state == SLOT_PENDING;
}

/* Move oldest up to the first id still pending (or next_id). */
static void advance_oldest(struct tstamp_track *t)
{
	while (t->oldest != t->next_id && !slot_pending(t, t->oldest)) {
		t->oldest++;
	}
}

static void give_up(struct tstamp_track *t, uint32_t id)
{
	SLOT(t, id)->state = SLOT_MISSING;
	t->st.missing++;
}

uint32_t tstamp_track_sent(struct tstamp_track *t, int64_t now_ns)
{
	uint32_t id = t->next_id;

	/* The ring is full: the id a lap ago is given up on. */
	if (slot_pending(t, id - TSTAMP_TRACK_SLOTS)) {
		give_up(t, id - TSTAMP_TRACK_SLOTS);
	}
	SLOT(t, id)->id = id;
	SLOT(t, id)->state = SLOT_PENDING;
	SLOT(t, id)->sent_ns = now_ns;
	t->next_id = id + 1;
	t->st.sent++;
	if (id_diff(t->oldest, t->next_id) > TSTAMP_TRACK_SLOTS) {
		t->oldest = t->next_id - TSTAMP_TRACK_SLOTS;
	}
	advance_oldest(t);
	return id;
}

void tstamp_track_skip(struct tstamp_track *t)
{
	uint32_t id = tstamp_track_sent(t, 0);

	SLOT(t, id)->state = SLOT_DONE;
	t->st.sent--;
	advance_oldest(t);
}

unsigned tstamp_track_expire(struct tstamp_track *t, int64_t now_ns)
{
	unsigned n = 0;
	uint32_t id;

	/* Send times rise with the id: stop at the first one still young. */
	for (id = t->oldest; id != t->next_id; id++) {
		if (!slot_pending(t, id)) {
			continue;
		}
		if (now_ns - SLOT(t, id)->sent_ns <= t->timeout_ns) {
			break;
		}
		give_up(t, id);
		n++;
	}
	advance_oldest(t);
	return n;
}

enum tstamp_match tstamp_track_match(struct tstamp_track *t, uint32_t key,
				     int64_t now_ns)
{
	uint32_t id;

	if (SLOT(t, key)->id != key ||
	    id_diff(key, t->next_id) <= 0 ||
	    id_diff(key, t->next_id) > TSTAMP_TRACK_SLOTS) {
		t->st.unmatched++;
		return TSM_UNMATCHED;
	}
	switch (SLOT(t, key)->state) {
	case SLOT_MISSING:
		SLOT(t, key)->state = SLOT_DONE;
		t->st.late++;
		return TSM_LATE;
	case SLOT_PENDING:
		break;
	default:
		t->st.unmatched++;
		return TSM_UNMATCHED;
	}
	/* A stamp that waited past the timeout is late even if nobody called
	 * tstamp_track_expire() in between. */
	tstamp_track_expire(t, now_ns);
	if (SLOT(t, key)->state == SLOT_MISSING) {
		SLOT(t, key)->state = SLOT_DONE;
		t->st.late++;
		return TSM_LATE;
	}
	/* Older ids still pending were skipped over: the NIC stamps in order,
	 * so theirs are not coming. */
	for (id = t->oldest; id != key; id++) {
		if (slot_pending(t, id)) {
			give_up(t, id);
		}
	}
	SLOT(t, key)->state = SLOT_DONE;
	t->st.delivered++;
	advance_oldest(t);
	return TSM_OK;
}

unsigned tstamp_track_pending(const struct tstamp_track *t)
{
	unsigned n = 0;
	uint32_t id;

	for (id = t->oldest; id != t->next_id; id++) {
		n += slot_pending(t, id);
	}
	return n;
}
