/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tstamp.h - SO_TIMESTAMPING set-up, timestamp capabilities, control
 * message parsing and TX-timestamp bookkeeping.
 *
 * Three layers, from pure to system-facing:
 *
 *  - pure: tstamp_parse() reads a received struct msghdr (normal or
 *    MSG_ERRQUEUE) and extracts the timestamp, the OPT_ID key and the
 *    destination address; tstamp_flags(), tstamp_caps_check() and
 *    tstamp_rx_filter_ok() decide what to ask of the kernel; struct
 *    tstamp_track matches TX-timestamp keys to sent messages. None of them
 *    touches a socket or reads a clock, so unit tests drive them with
 *    hand-built control messages and explicit times.
 *  - system: tstamp_caps_get() (SIOCETHTOOL / ETHTOOL_GET_TS_INFO),
 *    tstamp_hw_enable() (SIOCSHWTSTAMP), tstamp_sock_enable()
 *    (setsockopt SO_TIMESTAMPING and friends).
 *
 * Timestamps are struct timespec as the kernel gives them: software ones on
 * CLOCK_REALTIME, hardware ones on the NIC's PHC (tstamp_caps.phc_index).
 * The caller converts them (tmv_t, simulated PHC).
 */
#ifndef MERIDIAN_TSTAMP_H
#define MERIDIAN_TSTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

/* Which timestamps a socket asks for. */
enum ts_mode {
	TS_SOFTWARE,	/* kernel stamps, CLOCK_REALTIME */
	TS_HARDWARE,	/* NIC stamps, the interface's PHC */
};

const char *tstamp_mode_str(enum ts_mode m);
/* "software"/"sw" or "hardware"/"hw"; -EINVAL otherwise. */
int tstamp_mode_parse(const char *s, enum ts_mode *out);

/* What ETHTOOL_GET_TS_INFO reports for an interface. */
struct tstamp_caps {
	uint32_t so_timestamping;	/* SOF_TIMESTAMPING_* it can do */
	uint32_t tx_types;		/* bit (1 << HWTSTAMP_TX_*) */
	uint32_t rx_filters;		/* bit (1 << HWTSTAMP_FILTER_*) */
	int phc_index;			/* /dev/ptpN, -1 if none */
};

/*
 * Read the capabilities of ifname with SIOCETHTOOL. fd is any socket in
 * the interface's network namespace, or -1 to use a temporary one.
 * Returns 0 or -errno (-EOPNOTSUPP: the driver does not say).
 */
int tstamp_caps_get(int fd, const char *ifname, struct tstamp_caps *out);

/*
 * Pure: can ifname do mode m, given caps? 0 if so; else -EOPNOTSUPP and a
 * message naming the interface and what it lacks in err, e.g.
 * "veth0: no hardware timestamping (ethtool -T shows software only)".
 * Software mode needs software RX stamps; a missing software TX stamp is
 * not an error here (some drivers omit it from the report) but is named in
 * err with return 1 so the caller can warn.
 */
int tstamp_caps_check(const char *ifname, const struct tstamp_caps *caps,
		      enum ts_mode m, char *err, size_t errlen);

/*
 * Pure: does the RX filter a driver returned stamp the PTP event messages
 * of the transport (l2: IEEE 802.3, else UDP)? Accepts the exact PTP v2
 * filters and any superset (ALL, SOME, PTP_V2_EVENT).
 */
bool tstamp_rx_filter_ok(int filter, bool l2);

/*
 * Turn on hardware stamping on ifname with SIOCSHWTSTAMP through socket
 * fd: TX on, RX HWTSTAMP_FILTER_PTP_V2_EVENT, falling back to ALL. The
 * driver may answer with a superset, which is accepted. Needs
 * CAP_NET_ADMIN. Returns 0 or -errno with a message in err.
 */
int tstamp_hw_enable(int fd, const char *ifname, bool l2, char *err,
		     size_t errlen);

/* SOF_TIMESTAMPING_* for a socket: tx asks for TX stamps (event sockets
 * only), pktinfo adds OPT_CMSG (IPv4). Pure. */
uint32_t tstamp_flags(enum ts_mode m, bool tx, bool pktinfo);

/*
 * setsockopt SO_TIMESTAMPING with tstamp_flags(m, tx, pktinfo), and for tx
 * sockets SO_SELECT_ERR_QUEUE (the error queue then wakes poll with
 * POLLPRI). Returns 0 or -errno.
 */
int tstamp_sock_enable(int fd, enum ts_mode m, bool tx, bool pktinfo);

/* What tstamp_parse() found in one message's control data. */
struct tstamp_parsed {
	bool has_ts;		/* ts holds a usable stamp for the mode */
	struct timespec ts;
	bool has_key;		/* error-queue timestamp: key is valid */
	uint32_t key;		/* OPT_ID key (ee_data) */
	uint32_t tstype;	/* ee_info: SCM_TSTAMP_SND, _SCHED, _ACK */
	bool other_err;		/* an error-queue message that is no stamp */
	int ifindex;		/* arrival interface (pktinfo), 0 if absent */
	int dst_family;		/* AF_INET/AF_INET6 if dst is set, else 0 */
	uint8_t dst[16];	/* destination address (pktinfo) */
	bool ctrunc;		/* MSG_CTRUNC: control data was cut */
};

/*
 * Pure: parse the control messages of msg, as returned by recvmsg()
 * (normal or MSG_ERRQUEUE) on a socket set up with tstamp_sock_enable(m,
 * ...). SCM_TIMESTAMPING: ts[0] in software mode, ts[2] in hardware mode;
 * an all-zero stamp counts as none. The OPT_ID key comes from a struct
 * sock_extended_err with ee_origin SO_EE_ORIGIN_TIMESTAMPING (IP_RECVERR,
 * IPV6_RECVERR or PACKET_TX_TIMESTAMP). Returns 0 (look at out->has_ts:
 * false is "no timestamp") or -EBADMSG if a control message we read is
 * too short.
 */
int tstamp_parse(const struct msghdr *msg, enum ts_mode m,
		 struct tstamp_parsed *out);

/*
 * TX-timestamp bookkeeping for one event socket (pure; times are
 * CLOCK_MONOTONIC nanoseconds supplied by the caller).
 *
 * Ids are the socket's OPT_ID keys, issued in order: 0, 1, 2, ... (mod
 * 2^32). A pending id is declared missing when it is older than the
 * timeout or when a newer id's stamp arrives first (a NIC stamps in send
 * order). A stamp for an id already declared missing is late; one for an
 * id never sent, already delivered or long forgotten is unmatched.
 */
#define TSTAMP_TRACK_SLOTS	256	/* ids remembered, a power of 2 */

struct tstamp_track_stats {
	uint64_t sent;		/* ids issued */
	uint64_t delivered;	/* stamps matched in time */
	uint64_t late;		/* stamps for ids already declared missing */
	uint64_t missing;	/* ids given up on */
	uint64_t unmatched;	/* stamps matching nothing */
};

struct tstamp_track {
	uint32_t next_id;		/* id of the next send */
	uint32_t oldest;		/* no id before this is pending */
	int64_t timeout_ns;		/* pending longer than this: missing */
	struct {
		uint32_t id;
		uint8_t state;		/* enum in tstamp.c */
		int64_t sent_ns;	/* CLOCK_MONOTONIC at send */
	} slot[TSTAMP_TRACK_SLOTS];
	struct tstamp_track_stats st;
};

/* Results of tstamp_track_match(). */
enum tstamp_match {
	TSM_OK,		/* delivered in time */
	TSM_LATE,	/* already declared missing */
	TSM_UNMATCHED,	/* never sent, duplicate, or forgotten */
};

void tstamp_track_init(struct tstamp_track *t, uint32_t first_id,
		       int64_t timeout_ns);
/* The id the next send will carry. */
static inline uint32_t tstamp_track_next(const struct tstamp_track *t)
{
	return t->next_id;
}
/* Record a send at now_ns; returns its id (then next_id advances). */
uint32_t tstamp_track_sent(struct tstamp_track *t, int64_t now_ns);
/* Consume the next id without expecting a stamp for it (a failed send
 * whose id the kernel may still have seen): a stamp for it is unmatched. */
void tstamp_track_skip(struct tstamp_track *t);
/* A stamp for key arrived at now_ns. Expires old ids first. */
enum tstamp_match tstamp_track_match(struct tstamp_track *t, uint32_t key,
				     int64_t now_ns);
/* Declare ids pending longer than the timeout missing; returns how many. */
unsigned tstamp_track_expire(struct tstamp_track *t, int64_t now_ns);
/* Ids sent and neither delivered nor given up on. */
unsigned tstamp_track_pending(const struct tstamp_track *t);

#endif
