// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.c - portd's event loop (STYLE 3.7, plain poll() until the bus
 * comes): the transport's sockets, its TX stamps, link notifications and
 * signals in one poll set, the timeout from the timer list; and the
 * executor of the port core's actions.
 *
 * Nothing here blocks: sockets are non-blocking, receives are bounded per
 * wake-up, a failed send is a rate-limited warning and a counted error.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "portd.h"

#define RX_BURST	64	/* messages per socket per wake-up */
#define TXTS_BURST	64	/* TX stamps per wake-up */
#define POLL_MAX_MS	1000	/* sleep at most this long */
#define FEED_MAX	32	/* events handled per dispatch */

/* 2^l seconds in ns, l in -30..30. */
static int64_t log2_ns(int l)
{
	return l >= 0 ? NS_PER_SEC << l : NS_PER_SEC >> -l;
}

int64_t portd_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* ---- actions ------------------------------------------------------------ */

static void txmap_put(struct portd *d, uint32_t id, uint8_t type,
		      uint16_t seq)
{
	struct portd_txid *t = &d->txmap[d->txmap_next];

	/* The ring overwrites the oldest: by then its stamp is long
	 * expired in the transport (100 ms). */
	d->txmap_next = (d->txmap_next + 1) % PORTD_TXMAP;
	t->id = id;
	t->msg_type = type;
	t->seq = seq;
	t->used = true;
}

static struct portd_txid *txmap_take(struct portd *d, uint32_t id)
{
	unsigned i;

	for (i = 0; i < PORTD_TXMAP; i++) {
		if (d->txmap[i].used && d->txmap[i].id == id) {
			d->txmap[i].used = false;
			return &d->txmap[i];
		}
	}
	return NULL;
}

static void exec_send(struct portd *d, const struct pact *a)
{
	enum xport_chan ch = a->u.send.event ? XP_EVENT : XP_GENERAL;
	uint32_t id = 0;
	int rc;

	rc = xport_send(d->x, ch, a->u.send.pdelay, a->u.send.buf,
			a->u.send.len, a->u.send.want_txts ? &id : NULL);
	if (rc < 0) {
		d->tx_errors++;
		pl_warn("%s: send %s seq %u: %s", d->ifname,
			ptp_msg_type_str(a->u.send.msg_type), a->u.send.seq,
			strerror(-rc));
		return;
	}
	pr_debug("%s: sent %s seq %u%s", d->ifname,
		 ptp_msg_type_str(a->u.send.msg_type), a->u.send.seq,
		 a->u.send.pdelay ? " (peer-delay group)" : "");
	if (a->u.send.want_txts) {
		txmap_put(d, id, a->u.send.msg_type, a->u.send.seq);
		if (!timers_armed(&d->tm, PDT_TXTS)) {
			timers_arm(&d->tm, PDT_TXTS,
				   portd_mono_ns() + PORTD_TXTS_PERIOD_NS);
		}
	}
}

static void exec_timer(struct portd *d, const struct pact *a)
{
	unsigned t = a->u.timer.timer;

	if (t >= PT_COUNT) {
		return;
	}
	if (a->u.timer.ns < 0) {
		timers_stop(&d->tm, t);
	} else {
		timers_arm(&d->tm, t, portd_mono_ns() + a->u.timer.ns);
	}
}

static void exec_actions(struct portd *d, const struct pact_list *out)
{
	const struct pact *a;
	unsigned i;

	for (i = 0; i < out->n && i < PACT_MAX; i++) {
		a = &out->a[i];
		switch (a->type) {
		case PACT_SEND:
			exec_send(d, a);
			break;
		case PACT_TIMER:
			exec_timer(d, a);
			break;
		case PACT_STATE:
			pr_notice("%s: %s -> %s", d->ifname,
				  port_state_str(a->u.state.from),
				  port_state_str(a->u.state.to));
			d->mode->state(d, a->u.state.from, a->u.state.to);
			break;
		case PACT_SAMPLE:
			d->mode->sample(d, a);
			break;
		case PACT_ERBEST:
			d->bmca_due = true;
			break;
		case PACT_NEW_MASTER:
			d->mode->new_master(d);
			break;
		}
	}
}

void portd_defer(struct portd *d, const struct pev *ev)
{
	if (d->n_pending >= PORTD_PENDING) {
		pl_warn("%s: event queue full, %s dropped", d->ifname,
			pev_type_str(ev->type));
		return;
	}
	d->pending[d->n_pending++] = *ev;
}

static void feed(struct portd *d, const struct pev *ev)
{
	struct pact_list out;

	out.n = 0;
	port_core_handle(d->pc, ev, &out);
	exec_actions(d, &out);
}

/*
 * After one event, hand the core whatever its actions asked for: queued
 * events (PEV_SYNCED, PEV_UNSYNCED, ...) and a BMCA run. Bounded, so a
 * core that keeps asking cannot hold the loop.
 */
void portd_drain(struct portd *d)
{
	struct pev next;
	unsigned n = 0;

	while (n++ < FEED_MAX) {
		if (d->n_pending) {
			next = d->pending[0];
			d->n_pending--;
			memmove(d->pending, d->pending + 1,
				d->n_pending * sizeof(d->pending[0]));
			next.now_ns = portd_mono_ns();
			feed(d, &next);
		} else if (d->bmca_due) {
			bool periodic = d->bmca_periodic;

			d->bmca_due = false;
			d->bmca_periodic = false;
			/* standalone: BMCA, queues PEV_DECISION; bus: Erbest
			 * to bmcad */
			d->mode->decide(d, periodic);
		} else {
			break;
		}
	}
}

static void dispatch(struct portd *d, const struct pev *ev)
{
	feed(d, ev);
	portd_drain(d);
}

static void dispatch_simple(struct portd *d, enum pev_type type)
{
	struct pev ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.now_ns = portd_mono_ns();
	dispatch(d, &ev);
}

/* ---- inputs ------------------------------------------------------------- */

/* A kernel timestamp in the port clock's time base. */
static int to_port_time(struct portd *d, struct timespec ts, tmv_t *out)
{
	if (d->sw_ts) {
		return clk_from_realtime(d->clk, ts, out);
	}
	*out = tmv_from_timespec(ts);
	return 0;
}

/*
 * "eth1: N <what>s <verb>: <why>" (why may be NULL), with " in the last
 * T s" after the verb when lines of this kind were suppressed: N then
 * counts their events too.
 */
static void report_count(struct portd *d, int level, struct log_count *lc,
			 uint64_t n, const char *what, const char *verb,
			 const char *why)
{
	char span_str[32] = "";
	int64_t span;

	if (level > log_level_ || !log_count_add(lc, n, &n, &span)) {
		return;
	}
	if (span) {
		snprintf(span_str, sizeof(span_str), " in the last %.1f s",
			 (double)span / 1e9);
	}
	log_msg(level, "%s: %" PRIu64 " %s%s %s%s%s%s", d->ifname, n, what,
		n == 1 ? "" : "s", verb, span_str, why ? ": " : "",
		why ? why : "");
}

/* Hostile traffic (issue 9): one counter grew; say so, rate-limited. */
static void report_grew(struct portd *d, struct log_count *lc, uint64_t now,
			uint64_t *seen, const char *what, const char *verb,
			const char *why)
{
	if (now > *seen) {
		report_count(d, LOG_WARNING, lc, now - *seen, what, verb, why);
		*seen = now;
	}
}

static void report_hostile(struct portd *d)
{
	static struct log_count amt_lc, lock_lc, refused_lc, limited_lc,
				budget_lc, cpu_lc;
	const struct port_counters *c = port_core_counters(d->pc);

	report_grew(d, &amt_lc, c->rx_not_acceptable, &d->seen_not_acceptable,
		    "announce", "dropped", "sender not an acceptable master");
	report_grew(d, &lock_lc, c->rx_master_lock, &d->seen_master_lock,
		    "announce", "dropped", "better than this clock "
		    "(master_lock)");
	report_grew(d, &refused_lc, c->mgmt_refused, &d->seen_mgmt_refused,
		    "management set or command", "refused",
		    "management_set is deny");
	report_grew(d, &limited_lc, c->mgmt_limited, &d->seen_mgmt_limited,
		    "management request", "dropped", "answer budget spent");
	report_grew(d, &cpu_lc, d->cpu_dropped, &d->seen_cpu_dropped,
		    "received message", "dropped", "rx_cpu_budget exceeded");
	report_grew(d, &budget_lc, d->budget_dropped, &d->seen_budget_dropped,
		    "received message", "dropped",
		    "rx_budget_pps or rx_budget_pps_per_source exceeded");
}

/*
 * Say what the received messages did to the core's error counters since
 * the last look: trouble a peer causes, so rate-limited, with a budget and
 * a count per reason (log.h log_count_add): a flood of one kind neither
 * hides nor inflates another, and the line after a suppressed stretch
 * counts the messages of that stretch too.
 */
static void report_rx_trouble(struct portd *d)
{
	static struct log_count rx_err_lc[PTP_E_COUNT], no_ts_lc, delay_lc;
	static struct log_count auth_lc[AUTH_E_COUNT];
	const struct port_counters *c = port_core_counters(d->pc);
	uint64_t n;
	unsigned i;

	for (i = 0; i < PTP_E_COUNT; i++) {
		if (c->rx_err[i] <= d->seen_rx_err[i]) {
			continue;
		}
		n = c->rx_err[i] - d->seen_rx_err[i];
		d->seen_rx_err[i] = c->rx_err[i];
		report_count(d, LOG_WARNING, &rx_err_lc[i], n,
			     "received message", "rejected",
			     ptp_err_str((int)i));
	}
	/* issue 9 auth: dropped by security processing, by reason */
	for (i = 0; i < AUTH_E_COUNT; i++) {
		if (c->auth_drop[i] <= d->seen_auth_drop[i]) {
			continue;
		}
		n = c->auth_drop[i] - d->seen_auth_drop[i];
		d->seen_auth_drop[i] = c->auth_drop[i];
		report_count(d, LOG_WARNING, &auth_lc[i], n,
			     "received message", "dropped by authentication",
			     auth_err_str((int)i));
	}
	if (c->rx_no_ts > d->seen_rx_no_ts) {
		n = c->rx_no_ts - d->seen_rx_no_ts;
		d->seen_rx_no_ts = c->rx_no_ts;
		report_count(d, LOG_WARNING, &no_ts_lc, n, "event message",
			     "without an RX timestamp", NULL);
	}
	report_hostile(d);
	if (c->delay_rejected > d->seen_delay_rejected) {
		n = c->delay_rejected - d->seen_delay_rejected;
		d->seen_delay_rejected = c->delay_rejected;
		report_count(d, LOG_INFO, &delay_lc, n,
			     "path delay measurement",
			     "rejected (negative or above 1 s)", NULL);
	}
}

/*
 * Hostile traffic (issue 9): the per-port RX budget (srclimit.h). Token
 * buckets of rx_budget_pps messages a second for the port and
 * rx_budget_pps_per_source for each sender (its network address: IP, or
 * MAC on L2), holding a tenth of a second's worth: a message beyond
 * either is read (so the socket drains) but never parsed, and counted in
 * budget_dropped. One flooding host thus gets its own share, not the
 * port's, and the downstream slaves' Delay_Req keep theirs. Messages from
 * the master the port follows pass whatever the budget (their
 * sourcePortIdentity, bytes 20..29, is looked at before anything else),
 * so a flood can take the budget but not the port's time.
 */
static bool from_parent(struct portd *d, const uint8_t *buf, ssize_t n)
{
	const struct port_identity *parent = port_core_parent(d->pc);

	return parent && n >= 30 &&
	       !memcmp(buf + 20, parent->clockIdentity.id, 8) &&
	       (buf[28] << 8 | buf[29]) == parent->portNumber;
}

static bool rx_budget_take(struct portd *d, const uint8_t *buf, ssize_t n,
			   const uint8_t *src, uint8_t src_len, int64_t now)
{
	int pps = d->port->rx_budget_pps;
	int per = d->port->rx_budget_pps_per_source;

	if (pps <= 0 && per <= 0) {
		return true;
	}
	if (from_parent(d, buf, n)) {
		return true;
	}
	if (!d->rx_lim_init) {
		d->rx_lim_init = true;
		srclim_init(&d->rx_lim, per > 0 ? (uint32_t)per : 0,
			    pps > 0 ? (uint32_t)pps : 0);
		d->rx_lim.burst_ns = NS_PER_SEC / 10;
	}
	if (!srclim_take(&d->rx_lim, srclim_key(src, src ? src_len : 0),
			 now)) {
		d->budget_dropped++;
		return false;
	}
	return true;
}

/* The sender's address for the acceptable master table: IPv4 (4 bytes),
 * IPv6 (16) or the MAC (6, L2); NULL when unknown. */
static const uint8_t *rx_src(const struct xport_rx *rx, enum xport_kind k,
			     uint8_t *len)
{
	const struct sockaddr_storage *a = &rx->src_addr;

	if (k == XP_L2) {
		*len = 6;
		return rx->src_mac;
	}
	if (a->ss_family == AF_INET) {
		*len = 4;
		return (const uint8_t *)
			&((const struct sockaddr_in *)a)->sin_addr;
	}
	if (a->ss_family == AF_INET6) {
		*len = 16;
		return (const uint8_t *)
			&((const struct sockaddr_in6 *)a)->sin6_addr;
	}
	*len = 0;
	return NULL;
}

static void on_rx(struct portd *d, int fd)
{
	uint8_t buf[PTP_MSG_MAX];
	struct xport_rx rx;
	struct pev ev;
	bool over = false;
	ssize_t n;
	int i, rc;

	for (i = 0; i < RX_BURST; i++) {
		n = xport_recv(d->x, fd, buf, sizeof(buf), &rx);
		if (n == -EAGAIN || n == -EWOULDBLOCK) {
			break;
		}
		if (n < 0) {
			pl_warn("%s: receive: %s", d->ifname,
				strerror((int)-n));
			break;
		}
		memset(&ev, 0, sizeof(ev));
		ev.type = PEV_RX;
		ev.now_ns = portd_mono_ns();
		if (i % 16 == 0) {
			over = cpub_over(d, ev.now_ns);
		}
		if (over && !from_parent(d, buf, n)) {
			d->cpu_dropped++;
			continue;
		}
		ev.u.rx.src = rx_src(&rx, xport_kind_of(d->x),
				     &ev.u.rx.src_len);
		if (!rx_budget_take(d, buf, n, ev.u.rx.src, ev.u.rx.src_len,
				    ev.now_ns)) {
			continue;
		}
		ev.u.rx.buf = buf;
		ev.u.rx.len = (uint16_t)n;
		ev.u.rx.has_ts = rx.has_ts;
		if (rx.has_ts) {
			rc = to_port_time(d, rx.ts, &ev.u.rx.ts);
			if (rc < 0) {
				pl_warn("%s: RX timestamp conversion: %s",
					d->ifname, strerror(-rc));
				ev.u.rx.has_ts = false;
			}
		}
		dispatch(d, &ev);
	}
	report_rx_trouble(d);
}

/* A pending socket error (POLLERR with an empty error queue): read it so
 * poll stops reporting it, and say what it was. */
static void clear_sock_error(struct portd *d, int fd)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err) {
		pl_warn("%s: socket error: %s", d->ifname, strerror(err));
	}
}

static void on_txts(struct portd *d, bool pollerr)
{
	struct portd_txid *t;
	struct xport_txts ts;
	struct pev ev;
	int i, rc = 0, got = 0;

	for (i = 0; i < TXTS_BURST; i++) {
		rc = xport_txts_read(d->x, &ts);
		if (rc <= 0) {
			break;
		}
		got++;
		t = txmap_take(d, ts.id);
		if (!t) {
			d->txts_unknown++;
			pl_debug("%s: TX stamp for unknown id %u", d->ifname,
				 ts.id);
			continue;
		}
		memset(&ev, 0, sizeof(ev));
		ev.type = PEV_TXTS;
		ev.now_ns = portd_mono_ns();
		ev.u.txts.msg_type = t->msg_type;
		ev.u.txts.seq = t->seq;
		if (to_port_time(d, ts.ts, &ev.u.txts.ts) < 0) {
			continue;
		}
		pr_debug("%s: TX stamp of %s seq %u", d->ifname,
			 ptp_msg_type_str(t->msg_type), t->seq);
		dispatch(d, &ev);
	}
	if (rc < 0) {
		pl_warn("%s: TX timestamps: %s", d->ifname, strerror(-rc));
	}
	if (pollerr && !got) {
		clear_sock_error(d, d->fds[XP_EVENT]);
	}
}

static void on_link(struct portd *d)
{
	int rc = linkwatch_process(d->lw);
	bool up;

	if (rc < 0) {
		pl_warn("%s: link notifications: %s", d->ifname,
			strerror(-rc));
		return;
	}
	if (rc == 0) {
		return;
	}
	up = linkwatch_up(d->lw);
	if (up && d->link_up) {
		/* Down and up again within one read: the port still has
		 * to see the fault (its peers may have changed). */
		pr_notice("%s: link down and up again", d->ifname);
		dispatch_simple(d, PEV_LINK_DOWN);
	} else {
		pr_notice("%s: link %s", d->ifname, up ? "up" : "down");
	}
	d->link_up = up;
	dispatch_simple(d, up ? PEV_LINK_UP : PEV_LINK_DOWN);
}

/* SIGINT/SIGTERM: stop. SIGHUP: re-read the log level from the file. */
static void on_signal(struct portd *d)
{
	struct signalfd_siginfo si;
	struct mconf *cfg;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGINT:
		case SIGTERM:
			pr_notice("%s: %s, exiting", d->ifname,
				  strsignal((int)si.ssi_signo));
			d->stop = true;
			break;
		case SIGHUP:
			if (d->opts.log_level >= 0) {
				pr_notice("%s: SIGHUP: log level set on the "
					  "command line, kept", d->ifname);
				break;
			}
			cfg = calloc(1, sizeof(*cfg));
			if (cfg && mconf_load_file(cfg, d->opts.config_path,
						   NULL) == 0) {
				log_set_level(cfg->logging.level);
				pr_notice("%s: SIGHUP: log level %d from %s",
					  d->ifname, cfg->logging.level,
					  d->opts.config_path);
			} else {
				pr_warn("%s: SIGHUP: %s does not load, log "
					"level kept", d->ifname,
					d->opts.config_path);
			}
			free(cfg);
			break;
		}
	}
}

static void on_timer(void *arg, unsigned id)
{
	struct portd *d = arg;
	int64_t now = portd_mono_ns();
	struct pev ev;

	if (id < PT_COUNT) {
		memset(&ev, 0, sizeof(ev));
		ev.type = PEV_TIMER;
		ev.now_ns = now;
		ev.u.timer = (enum port_timer)id;
		dispatch(d, &ev);
		return;
	}
	switch (id) {
	case PDT_BMCA:
		timers_arm(&d->tm, PDT_BMCA, now +
			   log2_ns(d->pcfg.ds.logAnnounceInterval));
		d->bmca_due = true;
		d->bmca_periodic = true;
		portd_drain(d);
		break;
	case PDT_SUMMARY:
		timers_arm(&d->tm, PDT_SUMMARY, now +
			   log2_ns(d->cfg.logging.summary_interval));
		d->mode->summary(d);
		break;
	case PDT_TXTS:
		xport_txts_expire(d->x);
		if (xport_txts_pending(d->x)) {
			timers_arm(&d->tm, PDT_TXTS,
				   now + PORTD_TXTS_PERIOD_NS);
		}
		break;
	}
}

/*
 * Hostile traffic (issue 9): at exit, one line on stdout with what the
 * port received and what it did with it, by reason:
 *   counters iface=IF rx=N budget_dropped=N cpu_windows=N cpu_dropped=N
 *   rx_err_short=N ... mgmt_...
 */
static void print_counters(struct portd *d)
{
	static const char *const err_names[PTP_E_COUNT] = {
		[PTP_E_SHORT] = "short", [PTP_E_VERSION] = "version",
		[PTP_E_LENGTH] = "length", [PTP_E_TYPE] = "type",
		[PTP_E_TIMESTAMP] = "timestamp", [PTP_E_TLV] = "tlv",
		[PTP_E_TLV_BODY] = "tlv_body", [PTP_E_MGMT] = "mgmt",
		[PTP_E_NOSPACE] = "nospace", [PTP_E_INVAL] = "inval",
	};
	const struct port_counters *c = port_core_counters(d->pc);
	char line[1024];
	size_t o = 0;
	unsigned i;

#define PUT(...)							\
	do {								\
		int w_ = snprintf(line + o, sizeof(line) - o, __VA_ARGS__); \
		if (w_ > 0 && (size_t)w_ < sizeof(line) - o) {		\
			o += (size_t)w_;				\
		}							\
	} while (0)

	PUT("counters iface=%s rx=%" PRIu64 " budget_dropped=%" PRIu64
	    " cpu_windows=%" PRIu64 " cpu_dropped=%" PRIu64, d->ifname,
	    portd_sum64(c->rx, 16), d->budget_dropped, d->cpu_windows,
	    d->cpu_dropped);
	for (i = 1; i < PTP_E_COUNT; i++) {
		PUT(" rx_err_%s=%" PRIu64, err_names[i] ? err_names[i] : "?",
		    c->rx_err[i]);
	}
	PUT(" foreign_domain=%" PRIu64 " own=%" PRIu64 " unexpected=%" PRIu64
	    " no_ts=%" PRIu64, c->rx_foreign_domain, c->rx_own,
	    c->rx_unexpected, c->rx_no_ts);
	PUT(" not_acceptable=%" PRIu64 " master_lock=%" PRIu64
	    " fmt_full=%" PRIu64 " fmt_evicted=%" PRIu64,
	    c->rx_not_acceptable, c->rx_master_lock, c->fmt_full,
	    c->fmt_evicted);
	PUT(" mgmt_answered=%" PRIu64 " mgmt_errors=%" PRIu64
	    " mgmt_refused=%" PRIu64 " mgmt_limited=%" PRIu64
	    " delay_rejected=%" PRIu64 "\n", c->mgmt_answered, c->mgmt_errors,
	    c->mgmt_refused, c->mgmt_limited, c->delay_rejected);
#undef PUT
	portd_summary_write(d, line, o);
}

/* ---- the loop ----------------------------------------------------------- */

enum {
	I_SIG,
	I_EVENT,
	I_GENERAL,
	I_LINK,
	I_COUNT,
	I_MAX = I_COUNT + 8	/* and the mode's sockets */
};

/*
 * One zmq_poll over the transport's sockets, the netlink socket, the
 * signalfd and the mode's ZeroMQ sockets (zmq_poll takes plain fds too;
 * TX stamps: POLLPRI with SO_SELECT_ERR_QUEUE, else POLLERR, both passed
 * through, STYLE 4), with the timeout from the timer list.
 */
int portd_run(struct portd *d)
{
	zmq_pollitem_t it[I_MAX];
	unsigned extra;
	int64_t now;
	int i, rc;

	timers_init(&d->tm, PDT_COUNT);
	dispatch_simple(d, PEV_START);
	d->link_up = !d->lw || linkwatch_up(d->lw);
	if (!d->link_up) {
		pr_notice("%s: link down at start", d->ifname);
		dispatch_simple(d, PEV_LINK_DOWN);
	}
	now = portd_mono_ns();
	timers_arm(&d->tm, PDT_BMCA,
		   now + log2_ns(d->pcfg.ds.logAnnounceInterval));
	timers_arm(&d->tm, PDT_SUMMARY,
		   now + log2_ns(d->cfg.logging.summary_interval));
	while (!d->stop) {
		memset(it, 0, sizeof(it));
		it[I_SIG].fd = d->sigfd;
		it[I_SIG].events = ZMQ_POLLIN;
		it[I_EVENT].fd = d->fds[XP_EVENT];
		it[I_EVENT].events = ZMQ_POLLIN | ZMQ_POLLPRI;
		it[I_GENERAL].fd = d->fds[XP_GENERAL];	/* -1 for L2 */
		it[I_GENERAL].events = ZMQ_POLLIN;
		it[I_LINK].fd = d->lw ? linkwatch_fd(d->lw) : -1;
		it[I_LINK].events = ZMQ_POLLIN;
		for (i = 0; i < I_COUNT; i++) {
			if (it[i].fd < 0) {
				it[i].events = 0;	/* nothing to poll */
			}
		}
		extra = d->mode->pollset(d, it + I_COUNT, I_MAX - I_COUNT);
		now = portd_mono_ns();
		rc = zmq_poll(it, I_COUNT + (int)extra,
			      cpub_timeout_ms(d, now,
					      timers_timeout_ms(&d->tm, now,
								POLL_MAX_MS)));
		if (rc < 0) {
			if (errno == EINTR) {
				continue;
			}
			rc = errno;
			pr_err("%s: poll: %s", d->ifname, zmq_strerror(rc));
			return -rc;
		}
		if (it[I_SIG].revents & ZMQ_POLLIN) {
			on_signal(d);
			if (d->stop) {
				break;
			}
		}
		if (it[I_EVENT].revents & (ZMQ_POLLPRI | ZMQ_POLLERR)) {
			on_txts(d, it[I_EVENT].revents & ZMQ_POLLERR);
		}
		if (it[I_EVENT].revents & ZMQ_POLLIN) {
			on_rx(d, d->fds[XP_EVENT]);
		}
		if (it[I_GENERAL].revents & ZMQ_POLLIN) {
			on_rx(d, d->fds[XP_GENERAL]);
		}
		if (it[I_GENERAL].revents & ZMQ_POLLERR) {
			clear_sock_error(d, d->fds[XP_GENERAL]);
		}
		if (it[I_LINK].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) {
			on_link(d);
		}
		if (extra) {
			d->mode->ready(d, it + I_COUNT, extra);
		}
		timers_expire(&d->tm, portd_mono_ns(), on_timer, d);
	}
	print_counters(d);
	return 0;
}
