// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xport_probe - exercise common/xport and common/linkwatch on a real
 * interface (for tests/integration/10-transports.sh and 11-linkwatch.sh).
 *
 *   xport_probe -i IF [-t udp4|udp6|l2] [-p] [-H] send N
 *	N event messages (Sync-like, type 0, 44 bytes; Pdelay_Req-like, type
 *	2, 54 bytes, with -p) and N general ones (Follow_Up-like, type 8;
 *	Pdelay_Resp_Follow_Up-like, type 0xA, with -p), sequenceId 0..N-1, to
 *	the E2E group (peer-delay group with -p), 5 ms apart (--interval);
 *	waits for the TX stamp of every event message, then prints
 *	"sent_event N sent_general N txts N missing N late N unmatched N
 *	 txts_bad N ids explicit|kernel".
 *   xport_probe -i IF [-t ...] recv N [--timeout S]
 *	until N event and N general messages came (or the timeout), prints
 *	"rx_event N rx_general N rx_ts N rx_e2e N rx_p2p N rx_bad N
 *	 ts_bad N".
 *   --dump FILE writes one line "SEQ SEC.NSEC" per event message: its TX
 *	stamp (send) or RX stamp (recv), so a test can pair them.
 *   xport_probe -i IF linkwatch [--timeout S] [--count N]
 *	prints "initial up|down", then "link up"/"link down" as they happen.
 *
 * Exit status: 0 done, 1 error (message on stderr), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "linkwatch.h"
#include "log.h"
#include "xport.h"

#define PROBE_MSG_LEN	44	/* header + one timestamp (Sync, Follow_Up) */
#define PROBE_PDELAY_LEN 54	/* Pdelay_Req, Pdelay_Resp_Follow_Up */
#define MAX_N		100000

struct opts {
	const char *ifname;
	struct xport_cfg cfg;
	bool pdelay;
	double timeout_s;
	int interval_ms;
	int count;
	const char *ready;
	const char *dump;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: xport_probe -i IF [options] send N\n"
"       xport_probe -i IF [options] recv N [--timeout S]\n"
"       xport_probe -i IF linkwatch [--timeout S] [--count N]\n"
"options:\n"
"  -i, --interface IF   network interface (required)\n"
"  -t, --transport T    udp4 (default), udp6 or l2\n"
"  -p, --pdelay         peer-delay group and Pdelay_* message types\n"
"  -H, --hardware       hardware timestamps (default software)\n"
"      --ttl N          multicast TTL / hop limit (default 1)\n"
"      --interval MS    pause between sends (default 5)\n"
"      --timeout S      give up after S seconds (default 5)\n"
"      --count N        linkwatch: exit after N changes\n"
"      --ready FILE     create FILE once the sockets are open\n"
"      --dump FILE      write \"SEQ SEC.NSEC\" per event message stamp\n"
"      --kernel-ids     mirror the kernel's OPT_ID counter, no\n"
"                       SCM_TS_OPT_ID (the pre-6.13 path)\n"
"  -v, --verbose        log at debug level\n"
"  -h, --help           this text\n");
}

static double now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void touch_ready(const char *path)
{
	FILE *f;

	if (!path) {
		return;
	}
	f = fopen(path, "w");
	if (f) {
		fclose(f);
	}
}

static size_t msg_len(uint8_t type)
{
	return type == 0x2 || type == 0x3 || type == 0xA ? PROBE_PDELAY_LEN :
							  PROBE_MSG_LEN;
}

/* A PTP v2.1 header (IEEE 1588-2019 13.3) and a zero body of the right
 * length for the type; returns the length. */
static size_t build_msg(uint8_t *b, uint8_t type, uint16_t seq)
{
	size_t len = msg_len(type);

	memset(b, 0, len);
	b[0] = type & 0x0F;			/* majorSdoId 0 */
	b[1] = 0x12;				/* minorVersion 1, version 2 */
	b[2] = 0;
	b[3] = (uint8_t)len;			/* messageLength */
	if (type == 0) {
		b[6] = 0x02;			/* twoStepFlag */
	}
	memcpy(b + 20, "\x02\x00\x00\xff\xfe\x00\x00\x01", 8);
	b[29] = 1;				/* portNumber */
	b[30] = seq >> 8;
	b[31] = seq & 0xff;
	b[32] = type == 0 ? 0 : type == 8 ? 2 : 5;	/* controlField */
	b[33] = 0x7F;				/* logMessageInterval */
	return len;
}

/* Is ts within 60 s of this host's CLOCK_REALTIME (software stamps)? */
static bool ts_plausible(const struct timespec *ts, enum ts_mode m)
{
	double d;

	if (ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000) {
		return false;
	}
	if (m == TS_HARDWARE) {
		return ts->tv_sec || ts->tv_nsec;
	}
	d = now_s(CLOCK_REALTIME) - ((double)ts->tv_sec + ts->tv_nsec * 1e-9);
	return d > -60 && d < 60;
}

static FILE *dump_f;

static bool dump_open(const struct opts *o)
{
	if (!o->dump) {
		return false;
	}
	dump_f = fopen(o->dump, "w");
	if (!dump_f) {
		fprintf(stderr, "xport_probe: %s: %s\n", o->dump,
			strerror(errno));
	}
	return dump_f != NULL;
}

static void dump_line(int seq, const struct timespec *ts)
{
	fprintf(dump_f, "%d %lld.%09ld\n", seq, (long long)ts->tv_sec,
		ts->tv_nsec);
}

static struct xport *open_xport(struct opts *o)
{
	char err[256];
	struct xport *x;

	x = xport_open(&o->cfg, err, sizeof(err));
	if (!x) {
		fprintf(stderr, "xport_probe: %s\n", err);
	}
	return x;
}

/* Drain TX stamps; count (and keep) the ones for ids we sent. */
static void read_txts(struct xport *x, uint8_t *seen, struct timespec *tss,
		      uint32_t first, int n, int *txts, int *bad,
		      enum ts_mode m)
{
	struct xport_txts t;
	int rc;

	while ((rc = xport_txts_read(x, &t)) > 0) {
		uint32_t i = t.id - first;

		if (i >= (uint32_t)n || seen[i] || !ts_plausible(&t.ts, m)) {
			(*bad)++;
			continue;
		}
		seen[i] = 1;
		tss[i] = t.ts;
		(*txts)++;
	}
	if (rc < 0) {
		fprintf(stderr, "xport_probe: error queue: %s\n",
			strerror(-rc));
	}
}

static int cmd_send(struct opts *o, int n)
{
	uint8_t msg[PROBE_PDELAY_LEN], *seen;
	size_t len;
	struct timespec *tss;
	uint8_t ev_type = o->pdelay ? 0x2 : 0x0;
	uint8_t gen_type = o->pdelay ? 0xA : 0x8;
	int fds[2], sent_ev = 0, sent_gen = 0, txts = 0, bad = 0, i, rc;
	const struct xport_stats *st;
	struct pollfd pfd;
	uint32_t first = 0, id;
	struct xport *x;
	double end;

	x = open_xport(o);
	if (!x) {
		return 1;
	}
	seen = calloc((size_t)n + 1, 1);
	tss = calloc((size_t)n + 1, sizeof(*tss));
	if (!seen || !tss) {
		free(seen);
		free(tss);
		xport_close(x);
		return 1;
	}
	xport_fds(x, fds);
	touch_ready(o->ready);
	pfd.fd = fds[XP_EVENT];
	for (i = 0; i < n; i++) {
		len = build_msg(msg, ev_type, (uint16_t)i);
		rc = xport_send(x, XP_EVENT, o->pdelay, msg, len, &id);
		if (rc) {
			fprintf(stderr, "xport_probe: %s: send event: %s\n",
				o->ifname, strerror(-rc));
		} else {
			if (!sent_ev) {
				first = id;
			}
			if (id - first != (uint32_t)sent_ev) {
				fprintf(stderr, "xport_probe: id %u out of "
					"order\n", id);
				bad++;
			}
			sent_ev++;
		}
		len = build_msg(msg, gen_type, (uint16_t)i);
		rc = xport_send(x, XP_GENERAL, o->pdelay, msg, len, NULL);
		if (rc) {
			fprintf(stderr, "xport_probe: %s: send general: %s\n",
				o->ifname, strerror(-rc));
		} else {
			sent_gen++;
		}
		read_txts(x, seen, tss, first, sent_ev, &txts, &bad,
			  o->cfg.ts_mode);
		if (o->interval_ms > 0) {
			usleep((useconds_t)o->interval_ms * 1000);
		}
	}
	/* Wait (without blocking in xport) for the rest of the stamps. */
	end = now_s(CLOCK_MONOTONIC) + o->timeout_s;
	while (xport_txts_pending(x) && now_s(CLOCK_MONOTONIC) < end) {
		pfd.events = POLLPRI;
		pfd.revents = 0;
		poll(&pfd, 1, 50);
		read_txts(x, seen, tss, first, sent_ev, &txts, &bad,
			  o->cfg.ts_mode);
		xport_txts_expire(x);
	}
	st = xport_stats(x);
	printf("sent_event %d sent_general %d txts %d missing %llu late %llu "
	       "unmatched %llu txts_bad %d ids %s\n", sent_ev, sent_gen, txts,
	       (unsigned long long)(st->tx.missing + xport_txts_pending(x)),
	       (unsigned long long)st->tx.late,
	       (unsigned long long)st->tx.unmatched, bad,
	       xport_explicit_ids(x) ? "explicit" : "kernel");
	if (dump_open(o)) {
		/* Sends all succeeded in order: id - first is the seq. */
		for (i = 0; i < sent_ev; i++) {
			if (seen[i]) {
				dump_line(i, &tss[i]);
			}
		}
		fclose(dump_f);
	}
	free(seen);
	free(tss);
	xport_close(x);
	return sent_ev == n && sent_gen == n ? 0 : 1;
}

static bool msg_ok(const uint8_t *b, ssize_t len, enum xport_chan ch)
{
	int type;

	if (len < PROBE_MSG_LEN || b[1] != 0x12) {
		return false;
	}
	type = b[0] & 0x0F;
	if ((size_t)len != msg_len((uint8_t)type) || b[2] != 0 ||
	    b[3] != len) {
		return false;
	}
	return (type < 8) == (ch == XP_EVENT);
}

static int cmd_recv(struct opts *o, int n)
{
	int rx_ev = 0, rx_gen = 0, rx_ts = 0, rx_e2e = 0, rx_p2p = 0;
	int rx_bad = 0, ts_bad = 0, fds[2], nfd, i;
	uint8_t buf[1600];
	struct pollfd pfd[2];
	struct xport_rx rx;
	struct xport *x;
	double end;
	ssize_t len;

	x = open_xport(o);
	if (!x) {
		return 1;
	}
	nfd = xport_fds(x, fds);
	for (i = 0; i < nfd; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	dump_open(o);
	touch_ready(o->ready);
	end = now_s(CLOCK_MONOTONIC) + o->timeout_s;
	while ((rx_ev < n || rx_gen < n) && now_s(CLOCK_MONOTONIC) < end) {
		if (poll(pfd, (nfds_t)nfd, 50) <= 0) {
			continue;
		}
		for (i = 0; i < nfd; i++) {
			if (!(pfd[i].revents & POLLIN)) {
				continue;
			}
			while ((len = xport_recv(x, pfd[i].fd, buf,
						 sizeof(buf), &rx)) >= 0) {
				if (!msg_ok(buf, len, rx.chan)) {
					rx_bad++;
					continue;
				}
				rx.chan == XP_EVENT ? rx_ev++ : rx_gen++;
				rx.pdelay_group ? rx_p2p++ : rx_e2e++;
				if (rx.has_ts) {
					rx_ts++;
					if (dump_f && rx.chan == XP_EVENT) {
						dump_line(buf[30] << 8 |
							  buf[31], &rx.ts);
					}
					if (!ts_plausible(&rx.ts,
							  o->cfg.ts_mode)) {
						ts_bad++;
					}
				}
				if (o->cfg.ts_mode == TS_SOFTWARE &&
				    log_get_level() >= LOG_DEBUG) {
					fprintf(stderr, "rx %s type %d from %s "
						"ts %lld.%09ld\n",
						rx.chan == XP_EVENT ? "event" :
						"general", buf[0] & 0xF, rx.src,
						(long long)rx.ts.tv_sec,
						rx.ts.tv_nsec);
				}
			}
			if (len != -EAGAIN) {
				fprintf(stderr, "xport_probe: %s: recv: %s\n",
					o->ifname, strerror((int)-len));
			}
		}
	}
	printf("rx_event %d rx_general %d rx_ts %d rx_e2e %d rx_p2p %d "
	       "rx_bad %d ts_bad %d\n", rx_ev, rx_gen, rx_ts, rx_e2e, rx_p2p,
	       rx_bad, ts_bad);
	if (dump_f) {
		fclose(dump_f);
	}
	xport_close(x);
	return 0;
}

static int cmd_linkwatch(struct opts *o)
{
	struct linkwatch *lw = linkwatch_open(o->ifname);
	struct pollfd pfd;
	int changes = 0, rc = 0;
	bool shown;
	double end;

	if (!lw) {
		fprintf(stderr, "xport_probe: %s: linkwatch: %s\n", o->ifname,
			strerror(errno));
		return 1;
	}
	shown = linkwatch_up(lw);
	printf("initial %s%s\n", shown ? "up" : "down",
	       linkwatch_exists(lw) ? "" : " (no such interface)");
	fflush(stdout);
	touch_ready(o->ready);
	pfd.fd = linkwatch_fd(lw);
	pfd.events = POLLIN;
	end = now_s(CLOCK_MONOTONIC) + o->timeout_s;
	while (now_s(CLOCK_MONOTONIC) < end &&
	       (!o->count || changes < o->count)) {
		if (poll(&pfd, 1, 50) <= 0) {
			continue;
		}
		rc = linkwatch_process(lw);
		if (rc < 0) {
			fprintf(stderr, "xport_probe: %s: linkwatch: %s\n",
				o->ifname, strerror(-rc));
			break;
		}
		if (rc == 0) {
			continue;
		}
		if (linkwatch_up(lw) == shown) {
			/* A flap inside one read: show both edges. */
			printf("link %s\n", shown ? "down" : "up");
			changes++;
		}
		shown = linkwatch_up(lw);
		printf("link %s\n", shown ? "up" : "down");
		fflush(stdout);
		changes++;
	}
	linkwatch_close(lw);
	return rc < 0 ? 1 : 0;
}

static int parse_n(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > MAX_N) {
		return -1;
	}
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	enum {
		O_TTL = 256, O_INTERVAL, O_TIMEOUT, O_COUNT, O_READY, O_DUMP,
		O_KIDS,
	};
	static const struct option lopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "transport", required_argument, NULL, 't' },
		{ "pdelay", no_argument, NULL, 'p' },
		{ "hardware", no_argument, NULL, 'H' },
		{ "ttl", required_argument, NULL, O_TTL },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "count", required_argument, NULL, O_COUNT },
		{ "ready", required_argument, NULL, O_READY },
		{ "dump", required_argument, NULL, O_DUMP },
		{ "kernel-ids", no_argument, NULL, O_KIDS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.cfg = { .kind = XP_UDP4, .ts_mode = TS_SOFTWARE, .ttl = 1 },
		.timeout_s = 5,
		.interval_ms = 5,
	};
	const char *cmd;
	char *end;
	int c, n = 0;

	log_init("xport_probe", LOG_DEST_STDERR, LOG_WARNING);
	while ((c = getopt_long(argc, argv, "i:t:pHvh", lopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o.ifname = optarg;
			break;
		case 't':
			if (xport_kind_parse(optarg, &o.cfg.kind)) {
				fprintf(stderr, "xport_probe: unknown "
					"transport '%s' (udp4, udp6, l2)\n",
					optarg);
				return 2;
			}
			break;
		case 'p':
			o.pdelay = true;
			break;
		case 'H':
			o.cfg.ts_mode = TS_HARDWARE;
			break;
		case O_TTL:
			o.cfg.ttl = atoi(optarg);
			if (o.cfg.ttl < 1 || o.cfg.ttl > 255) {
				fprintf(stderr, "xport_probe: --ttl 1..255\n");
				return 2;
			}
			break;
		case O_INTERVAL:
			o.interval_ms = atoi(optarg);
			break;
		case O_TIMEOUT:
			o.timeout_s = strtod(optarg, &end);
			if (*end || o.timeout_s <= 0) {
				fprintf(stderr, "xport_probe: bad --timeout "
					"'%s'\n", optarg);
				return 2;
			}
			break;
		case O_COUNT:
			if (parse_n(optarg, &o.count)) {
				fprintf(stderr, "xport_probe: bad --count\n");
				return 2;
			}
			break;
		case O_READY:
			o.ready = optarg;
			break;
		case O_DUMP:
			o.dump = optarg;
			break;
		case O_KIDS:
			o.cfg.kernel_ids = true;
			break;
		case 'v':
			log_set_level(LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o.ifname || optind >= argc) {
		usage(stderr);
		return 2;
	}
	o.cfg.ifname = o.ifname;
	cmd = argv[optind];
	if (!strcmp(cmd, "linkwatch") && optind + 1 == argc) {
		return cmd_linkwatch(&o);
	}
	if (optind + 2 != argc || parse_n(argv[optind + 1], &n)) {
		fprintf(stderr, "xport_probe: '%s' needs a count 1..%d\n", cmd,
			MAX_N);
		return 2;
	}
	if (!strcmp(cmd, "send")) {
		return cmd_send(&o, n);
	}
	if (!strcmp(cmd, "recv")) {
		return cmd_recv(&o, n);
	}
	fprintf(stderr, "xport_probe: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
