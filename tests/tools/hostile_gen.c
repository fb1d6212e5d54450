// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostile_gen - a hostile host for tests/integration/52-hostile.sh (issue
 * 9): tens of thousands of broken or malicious PTP messages a second over
 * UDPv4 to the PTP event and general ports (224.0.1.129:319/320) on one
 * interface.
 *
 *   hostile_gen -i IF [--rate R] [--seconds S] [--ids N] [--pool P]
 *               [--domain D] [--seed N] [--mgmt-get]
 *
 * Efficient enough for 20,000+ packets/s on a loaded core: every packet
 * is built once, at start, in a pool of P (default 8192); the send loop
 * only patches the Announces' sequenceIds and hands batches of 64 to
 * sendmmsg(), paced on CLOCK_MONOTONIC. The pool, in a shuffled order:
 *
 *   announce    N (default 3000) Announces, one per random identity,
 *               priority1 0, clockClass 6, better than any grandmaster
 *               of the test; logMessageInterval 0 (a 4 s window) and a
 *               new sequenceId each time round the pool, so with
 *               P / R < 2 s every identity qualifies as a foreign master
 *   random      random bytes, 1..300 of them
 *   truncated   valid Sync, Announce, Delay_Req, Management cut short
 *   bad_length  messageLength larger than the datagram, or under 34
 *   bad_version versionPTP 0, 1, 3..15
 *   bad_type    a reserved messageType (4-7, 0xE, 0xF)
 *   bad_tlv     Announce (priority1 255) or Signaling with a TLV running
 *               past the end, an odd or zero-length TLV, TLV garbage
 *   absurd_ts   Sync, Follow_Up, Delay_Resp, Pdelay_Resp from random
 *               identities with nanoseconds >= 10^9, seconds 2^48 - 1,
 *               correctionField +-2^62
 *   mgmt        management GET/SET/COMMAND, to all or to random targets,
 *               with absurd TLVs: wrong type, length 0, 1, odd, past the
 *               end, unknown ids, SETs of every data set with garbage
 *   other_domain valid messages of domain 1..255 (foreign domain)
 *
 * With --mgmt-get the pool is only well-formed GET DEFAULT_DATA_SET
 * requests to all clocks from random identities (kind mgmt_get): a
 * management flood from one host, for the per-sender answer budget.
 *
 * Multicast loopback is off, so a ptp4l on the sending host does not hear
 * it. Prints at the end:
 *   sent N errors N seconds S pps R
 *   kind NAME N (one line per kind)
 * Exit status: 0 done, 1 error, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

#define PTP_GROUP4	"224.0.1.129"
#define BATCH		64
#define PKT_MAX		320

enum kind {
	K_ANNOUNCE,
	K_RANDOM,
	K_TRUNCATED,
	K_BAD_LENGTH,
	K_BAD_VERSION,
	K_BAD_TYPE,
	K_BAD_TLV,
	K_ABSURD_TS,
	K_MGMT,
	K_OTHER_DOMAIN,
	K_MGMT_GET,		/* --mgmt-get only */
	K_COUNT
};
#define K_MIX	K_MGMT_GET	/* the kinds of the ordinary pool */

static const char *const kind_names[K_COUNT] = {
	"announce", "random", "truncated", "bad_length", "bad_version",
	"bad_type", "bad_tlv", "absurd_ts", "mgmt", "other_domain",
	"mgmt_get",
};

struct pkt {
	uint8_t kind;
	bool event;		/* to port 319 */
	bool seq_patch;		/* bump sequenceId each round */
	uint16_t len;
	uint8_t b[PKT_MAX];
};

struct opts {
	const char *ifname;
	double rate;
	double seconds;
	long ids;
	long pool;
	int domain;
	unsigned long long seed;
	const char *dump;
	bool mgmt_get;
};

static unsigned long long rng;

/* splitmix64 */
static unsigned long long rnd(void)
{
	unsigned long long z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rndn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void rnd_bytes(uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		b[i] = (uint8_t)rnd();
	}
}

static struct clock_identity rnd_id(void)
{
	struct clock_identity c;
	unsigned long long r = rnd();
	int j;

	for (j = 0; j < 8; j++) {
		c.id[j] = (uint8_t)(r >> (8 * j));
	}
	/* locally administered, unicast */
	c.id[0] = (uint8_t)((c.id[0] & 0xFC) | 0x02);
	return c;
}

static void hdr(struct ptp_msg *m, int type, int domain)
{
	memset(m, 0, sizeof(*m));
	ptp_header_init(&m->hdr, type);
	m->hdr.domainNumber = (uint8_t)domain;
	m->hdr.sourcePortIdentity.clockIdentity = rnd_id();
	m->hdr.sourcePortIdentity.portNumber = (uint16_t)(1 + rndn(4));
	m->hdr.sequenceId = (uint16_t)rnd();
	m->hdr.logMessageInterval = 0;
}

static int pack(struct pkt *p, struct ptp_msg *m)
{
	int n = ptp_msg_pack(m, p->b, sizeof(p->b));

	if (n < 0) {
		return -1;
	}
	p->len = (uint16_t)n;
	p->event = PTP_MSG_IS_EVENT(m->hdr.messageType);
	return 0;
}

static void make_announce(struct pkt *p, int domain)
{
	struct ptp_msg m;

	hdr(&m, PTP_ANNOUNCE, domain);
	m.hdr.sequenceId = 0;
	m.body.announce.currentUtcOffset = 37;
	m.body.announce.grandmasterPriority1 = 0;
	m.body.announce.grandmasterClockQuality.clockClass = 6;
	m.body.announce.grandmasterClockQuality.clockAccuracy = 0x20;
	m.body.announce.grandmasterClockQuality.offsetScaledLogVariance =
		0x4000;
	m.body.announce.grandmasterPriority2 = 0;
	m.body.announce.grandmasterIdentity =
		m.hdr.sourcePortIdentity.clockIdentity;
	m.body.announce.stepsRemoved = 0;
	m.body.announce.timeSource = 0x20;	/* GNSS */
	pack(p, &m);
	p->seq_patch = true;
}

/* A valid message of a random type (for truncation and the like). */
static void make_valid(struct pkt *p, int domain)
{
	static const int types[] = {
		PTP_SYNC, PTP_DELAY_REQ, PTP_FOLLOW_UP, PTP_DELAY_RESP,
		PTP_ANNOUNCE, PTP_PDELAY_REQ, PTP_PDELAY_RESP,
		PTP_PDELAY_RESP_FOLLOW_UP, PTP_SIGNALING, PTP_MANAGEMENT,
	};
	static uint8_t tlv[8] = { 0x00, 0x01, 0x00, 0x02, 0x20, 0x00 };
	struct ptp_msg m;

	hdr(&m, types[rndn(sizeof(types) / sizeof(types[0]))], domain);
	if (m.hdr.messageType == PTP_MANAGEMENT) {
		memset(&m.body.management.targetPortIdentity, 0xFF, 10);
		m.body.management.startingBoundaryHops = 1;
		m.body.management.boundaryHops = 1;
		m.tlv = tlv;		/* GET DEFAULT_DATA_SET */
		m.tlv_len = 6;
	}
	if (m.hdr.messageType == PTP_ANNOUNCE) {
		m.body.announce.grandmasterPriority1 = (uint8_t)rnd();
		m.body.announce.grandmasterIdentity = rnd_id();
	}
	if (pack(p, &m) < 0) {
		p->len = 0;
	}
}

static void make_absurd_ts(struct pkt *p)
{
	static const int types[] = {
		PTP_SYNC, PTP_FOLLOW_UP, PTP_DELAY_RESP, PTP_PDELAY_RESP,
	};
	struct ptp_msg m;
	struct ptp_timestamp ts;
	int v = (int)rndn(3);

	hdr(&m, types[rndn(4)], 0);
	ts.seconds = v == 0 ? 0xFFFFFFFFFFFFULL : rnd() & 0xFFFFFFFFFFFFULL;
	ts.nanoseconds = v == 1 ? 999999999u + 1 + rndn(1000) :
			 (uint32_t)rndn(1000000000);
	m.hdr.correctionField = v == 2 ? (rnd() & 1 ? (1LL << 62) :
					  -(1LL << 62)) : 0;
	m.body.sync.originTimestamp = ts;	/* first field of each */
	if (pack(p, &m) < 0) {
		/* The codec refuses nanoseconds >= 10^9: write them in. */
		ts.nanoseconds = 0;
		m.body.sync.originTimestamp = ts;
		pack(p, &m);
		p->b[40] = 0xFF;		/* nanoseconds high byte */
	}
}

static void make_mgmt(struct pkt *p)
{
	static const uint16_t ids[] = {
		0x0000, 0x0001, 0x0005, 0x0007, 0x2000, 0x2001, 0x2002,
		0x2003, 0x2004, 0x2005, 0x2006, 0x2008, 0x2015, 0x3000,
		0x4000, 0x6000, 0xC000, 0xDFFF, 0xFFFF, 0x1234,
	};
	uint8_t tlv[256];
	struct ptp_msg m;
	unsigned tl = 2 + 2 * rndn(60), v = rndn(8);
	uint16_t tlv_type = 0x0001, tlv_len_field;

	hdr(&m, PTP_MANAGEMENT, 0);
	m.hdr.logMessageInterval = 0x7F;
	if (rnd() & 1) {
		memset(&m.body.management.targetPortIdentity, 0xFF, 10);
	} else {
		m.body.management.targetPortIdentity.clockIdentity =
			rnd_id();
	}
	m.body.management.startingBoundaryHops = (uint8_t)rnd();
	m.body.management.boundaryHops = (uint8_t)rnd();
	m.body.management.actionField = (uint8_t)(v < 5 ? v :
						  (v == 5 ? 1 : rndn(16)));
	rnd_bytes(tlv, sizeof(tlv));
	tlv_len_field = (uint16_t)tl;
	switch (rndn(6)) {
	case 0:
		tlv_len_field = (uint16_t)(tl + 2 + rndn(2000));  /* past end */
		break;
	case 1:
		tlv_len_field = (uint16_t)rndn(2);	/* 0 or 1 */
		break;
	case 2:
		tlv_type = (uint16_t)rnd();		/* not MANAGEMENT */
		break;
	case 3:
		tlv_len_field = (uint16_t)(tl | 1);	/* odd */
		break;
	default:
		break;
	}
	tlv[0] = (uint8_t)(tlv_type >> 8);
	tlv[1] = (uint8_t)tlv_type;
	tlv[2] = (uint8_t)(tlv_len_field >> 8);
	tlv[3] = (uint8_t)tlv_len_field;
	tlv[4] = (uint8_t)(ids[rndn(sizeof(ids) / sizeof(ids[0]))] >> 8);
	tlv[5] = (uint8_t)ids[rndn(sizeof(ids) / sizeof(ids[0]))];
	m.tlv = tlv;
	m.tlv_len = (uint16_t)(4 + tl);
	if (pack(p, &m) < 0) {
		p->len = 0;
	}
}

/* A well-formed GET DEFAULT_DATA_SET to every clock and port, as pmc asks
 * it, from a random identity: the request a management flood is made
 * of (--mgmt-get). */
static void make_mgmt_get(struct pkt *p)
{
	static const uint8_t tlv[6] = { 0x00, 0x01, 0x00, 0x02, 0x20, 0x00 };
	struct ptp_msg m;

	hdr(&m, PTP_MANAGEMENT, 0);
	m.hdr.logMessageInterval = 0x7F;
	memset(&m.body.management.targetPortIdentity, 0xFF, 10);
	m.body.management.startingBoundaryHops = 1;
	m.body.management.boundaryHops = 1;
	m.body.management.actionField = PTP_MGMT_GET;
	m.tlv = tlv;
	m.tlv_len = sizeof(tlv);
	if (pack(p, &m) < 0) {
		p->len = 0;
	}
}

static void make_bad_tlv(struct pkt *p)
{
	uint8_t tlv[128];
	struct ptp_msg m;
	unsigned tl = 4 + rndn(60);

	hdr(&m, rnd() & 1 ? PTP_ANNOUNCE : PTP_SIGNALING, 0);
	if (m.hdr.messageType == PTP_ANNOUNCE) {
		/* Worse than every grandmaster: these repeat their
		 * sequenceId, never qualify, and being better would hold
		 * the foreign master table's places against the qualifying
		 * flood above (port_fmt.c keeps the better entries). */
		m.body.announce.grandmasterPriority1 = 255;
		m.body.announce.grandmasterClockQuality.clockClass = 248;
		m.body.announce.grandmasterIdentity =
			m.hdr.sourcePortIdentity.clockIdentity;
	}
	rnd_bytes(tlv, sizeof(tlv));
	tlv[0] = 0;
	/* PATH_TRACE or any type */
	tlv[1] = (uint8_t)(rnd() & 1 ? 0x08 : rnd());
	switch (rndn(3)) {
	case 0:		/* runs past the end */
		tlv[2] = (uint8_t)(0x80 | rndn(128));
		tlv[3] = (uint8_t)rnd();
		break;
	case 1:		/* odd, or zero */
		tlv[2] = 0;
		tlv[3] = (uint8_t)(rnd() & 1 ? (tl - 4) | 1 : 0);
		break;
	default:	/* consistent length, garbage body */
		tlv[2] = 0;
		tlv[3] = (uint8_t)(tl - 4);
		break;
	}
	m.tlv = tlv;
	m.tlv_len = (uint16_t)tl;
	if (pack(p, &m) < 0) {
		p->len = 0;
	}
}

static void make_pkt(struct pkt *p, enum kind k, int domain)
{
	static const uint8_t reserved[] = { 4, 5, 6, 7, 0xE, 0xF };
	uint16_t l;

	memset(p, 0, sizeof(*p));
	p->kind = (uint8_t)k;
	switch (k) {
	case K_ANNOUNCE:
		make_announce(p, domain);
		break;
	case K_RANDOM:
		p->len = (uint16_t)(1 + rndn(300));
		rnd_bytes(p->b, p->len);
		p->event = rnd() & 1;
		break;
	case K_TRUNCATED:
		make_valid(p, domain);
		if (p->len > 1) {
			p->len = (uint16_t)(1 + rndn(p->len - 1));
		}
		break;
	case K_BAD_LENGTH:
		make_valid(p, domain);
		l = rnd() & 1 ? (uint16_t)(p->len + 1 + rndn(1000)) :
				(uint16_t)rndn(34);
		p->b[2] = (uint8_t)(l >> 8);
		p->b[3] = (uint8_t)l;
		break;
	case K_BAD_VERSION:
		make_valid(p, domain);
		do {
			p->b[1] = (uint8_t)(rnd() & 0xFF);
		} while ((p->b[1] & 0x0F) == 2);
		break;
	case K_BAD_TYPE:
		make_valid(p, domain);
		p->b[0] = (uint8_t)((p->b[0] & 0xF0) |
				    reserved[rndn(sizeof(reserved))]);
		break;
	case K_BAD_TLV:
		make_bad_tlv(p);
		break;
	case K_ABSURD_TS:
		make_absurd_ts(p);
		break;
	case K_MGMT:
		make_mgmt(p);
		break;
	case K_OTHER_DOMAIN:
		make_valid(p, 1 + (int)rndn(255));
		break;
	case K_MGMT_GET:
		make_mgmt_get(p);
		break;
	case K_COUNT:
		break;
	}
	if (!p->len) {		/* the codec refused: send random bytes */
		p->len = (uint16_t)(1 + rndn(100));
		rnd_bytes(p->b, p->len);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: hostile_gen -i IF [options]\n"
"  -i, --interface IF  send on IF (required)\n"
"  -r, --rate R        packets a second (default 20000)\n"
"  -t, --seconds S     how long (default 10)\n"
"  -n, --ids N         better-Announce identities (default 3000)\n"
"  -p, --pool P        packets in the pool (default 8192, > N)\n"
"  -d, --domain D      domain of the Announces (default 0)\n"
"  -s, --seed N        random seed (default 1)\n"
"  -D, --dump FILE     write the pool to FILE (each packet: 2 bytes of\n"
"                      length, big endian, then the packet) and exit\n"
"  -M, --mgmt-get      send only well-formed GET DEFAULT_DATA_SET\n"
"                      requests to all clocks, each from a random\n"
"                      identity (a management flood); --ids 0\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 't' },
		{ "ids", required_argument, NULL, 'n' },
		{ "pool", required_argument, NULL, 'p' },
		{ "domain", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "dump", required_argument, NULL, 'D' },
		{ "mgmt-get", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "i:r:t:n:p:d:s:D:Mh", lo,
				NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'r':
			o->rate = strtod(optarg, NULL);
			break;
		case 't':
			o->seconds = strtod(optarg, NULL);
			break;
		case 'n':
			o->ids = strtol(optarg, NULL, 0);
			break;
		case 'p':
			o->pool = strtol(optarg, NULL, 0);
			break;
		case 'd':
			o->domain = atoi(optarg);
			break;
		case 's':
			o->seed = strtoull(optarg, NULL, 0);
			break;
		case 'D':
			o->dump = optarg;
			break;
		case 'M':
			o->mgmt_get = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if ((!o->ifname && !o->dump) || optind != argc || !(o->rate > 0) ||
	    o->rate > 1e7 || !(o->seconds >= 0) || o->ids < 0 ||
	    o->pool < 16 || o->pool > 1000000 || o->ids >= o->pool ||
	    o->domain < 0 || o->domain > 255) {
		return -1;
	}
	return 0;
}

static int open_socket(const char *ifname)
{
	unsigned char off = 0, ttl = 1;
	struct ip_mreqn mr;
	int fd, sz = 4 << 20;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		return -1;
	}
	memset(&mr, 0, sizeof(mr));
	mr.imr_ifindex = (int)if_nametoindex(ifname);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (mr.imr_ifindex == 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr,
		       sizeof(mr)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off,
		       sizeof(off)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
		       sizeof(ttl)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.rate = 20000, .seconds = 10, .ids = 3000, .pool = 8192,
		.seed = 1,
	};
	static struct mmsghdr mm[BATCH];
	static struct iovec iov[BATCH];
	unsigned long long by_kind[K_COUNT] = { 0 };
	unsigned long long sent = 0, errors = 0, total, i;
	struct sockaddr_in dst[2];
	double t0, now, next, el;
	struct pkt *pool, tmp;
	long k, j, pos = 0;
	int fd, n, b, r;

	if (parse(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	rng = o.seed;
	pool = calloc((size_t)o.pool, sizeof(*pool));
	if (!pool) {
		fprintf(stderr, "hostile_gen: out of memory\n");
		return 1;
	}
	for (k = 0; k < o.pool; k++) {
		make_pkt(&pool[k], k < o.ids ? K_ANNOUNCE :
			 o.mgmt_get ? K_MGMT_GET :
			 (enum kind)(1 + (k - o.ids) % (K_MIX - 1)),
			 o.domain);
	}
	for (k = o.pool - 1; k > 0; k--) {	/* Fisher-Yates */
		j = (long)(rnd() % (unsigned long long)(k + 1));
		tmp = pool[k];
		pool[k] = pool[j];
		pool[j] = tmp;
	}
	if (o.dump) {
		FILE *f = fopen(o.dump, "wb");

		for (k = 0; f && k < o.pool; k++) {
			uint8_t l2[2] = { (uint8_t)(pool[k].len >> 8),
					  (uint8_t)pool[k].len };

			fwrite(l2, 1, 2, f);
			fwrite(pool[k].b, 1, pool[k].len, f);
		}
		if (!f || fclose(f)) {
			fprintf(stderr, "hostile_gen: %s: %s\n", o.dump,
				strerror(errno));
			return 1;
		}
		free(pool);
		return 0;
	}
	fd = open_socket(o.ifname);
	if (fd < 0) {
		fprintf(stderr, "hostile_gen: %s: %s\n", o.ifname,
			strerror(errno));
		return 1;
	}
	for (b = 0; b < 2; b++) {
		memset(&dst[b], 0, sizeof(dst[b]));
		dst[b].sin_family = AF_INET;
		dst[b].sin_port = htons(b ? 319 : 320);
		inet_pton(AF_INET, PTP_GROUP4, &dst[b].sin_addr);
	}
	total = (unsigned long long)(o.rate * o.seconds + 0.5);
	t0 = mono_s();
	next = t0;
	for (i = 0; i < total; i += (unsigned long long)n) {
		n = (int)(total - i < BATCH ? total - i : BATCH);
		for (b = 0; b < n; b++) {
			struct pkt *p = &pool[pos];

			if (p->seq_patch) {	/* sequenceId, big endian */
				uint16_t s = (uint16_t)(p->b[30] << 8 |
							p->b[31]);

				s++;
				p->b[30] = (uint8_t)(s >> 8);
				p->b[31] = (uint8_t)s;
			}
			iov[b].iov_base = p->b;
			iov[b].iov_len = p->len;
			memset(&mm[b].msg_hdr, 0, sizeof(mm[b].msg_hdr));
			mm[b].msg_hdr.msg_iov = &iov[b];
			mm[b].msg_hdr.msg_iovlen = 1;
			mm[b].msg_hdr.msg_name = &dst[p->event];
			mm[b].msg_hdr.msg_namelen = sizeof(dst[0]);
			by_kind[p->kind]++;
			pos = (pos + 1) % o.pool;
		}
		now = mono_s();
		if (next > now) {
			struct timespec ts = {
				.tv_sec = (time_t)(next - now),
				.tv_nsec = (long)(((next - now) -
					(double)(time_t)(next - now)) * 1e9),
			};
			nanosleep(&ts, NULL);
		}
		next += n / o.rate;
		for (b = 0; b < n; b += r) {
			r = sendmmsg(fd, mm + b, (unsigned)(n - b), 0);
			if (r <= 0) {
				errors += (unsigned long long)(n - b);
				break;
			}
			sent += (unsigned long long)r;
		}
	}
	el = mono_s() - t0;
	printf("sent %llu errors %llu seconds %.1f pps %.0f\n", sent, errors,
	       el, el > 0 ? sent / el : 0.0);
	for (k = 0; k < K_COUNT; k++) {
		printf("kind %s %llu\n", kind_names[k], by_kind[k]);
	}
	close(fd);
	free(pool);
	return 0;
}
