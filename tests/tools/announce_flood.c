// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * announce_flood - a hostile host for tests/integration/39-announce-flood.sh:
 * Announce messages from many random clockIdentities, at a steady rate,
 * over UDPv4 to the PTP general port (224.0.1.129:320) on one interface.
 *
 *   announce_flood -i IF [--ids N] [--rate R] [--seconds S]
 *                  [--priority1 P] [--log-interval L] [--domain D]
 *                  [--seed N]
 *
 * Identity k (0 <= k < N) is a random EUI-64 drawn once from the seed; the
 * messages go round-robin over the N identities, R a second, R x S in
 * all (paced on CLOCK_MONOTONIC), each one a well-formed Announce (grandmasterIdentity = the
 * sender's clockIdentity, stepsRemoved 0, clockClass 248, accuracy 0xFE,
 * variance 0xFFFF, priority2 128) with priority1 P and logMessageInterval
 * L, so with N/R < 4 * 2^L seconds each identity is heard often enough to
 * qualify as a foreign master (1588-2019 9.3.2.4.5). Multicast loopback
 * is off, so a ptp4l on the same interface does not hear them.
 *
 * Prints "sent N ids N errors N" at the end. Exit status: 0 done, 1 error,
 * 2 usage.
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

#define FLOOD_MAX_IDS	1000000
#define PTP_GROUP4	"224.0.1.129"
#define PTP_GENERAL_PORT 320

struct flood_opts {
	const char *ifname;
	long ids;
	double rate;
	double seconds;
	int priority1;
	int log_interval;
	int domain;
	unsigned long long seed;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: announce_flood -i IF [options]\n"
"  -i, --interface IF    send on IF (required)\n"
"  -n, --ids N           distinct random clockIdentities (default 1000)\n"
"  -r, --rate R          Announces a second (default 200)\n"
"  -t, --seconds S       how long (default 10)\n"
"  -p, --priority1 P     grandmasterPriority1 0..255 (default 255)\n"
"  -l, --log-interval L  logMessageInterval -7..7 (default 1)\n"
"  -d, --domain D        domainNumber 0..255 (default 0)\n"
"  -s, --seed N          random seed (default 1)\n"
"  -h, --help            this text\n");
}

/* splitmix64: a small, good, reproducible generator. */
static unsigned long long next_rand(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int parse_opts(int argc, char **argv, struct flood_opts *o)
{
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "ids", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 't' },
		{ "priority1", required_argument, NULL, 'p' },
		{ "log-interval", required_argument, NULL, 'l' },
		{ "domain", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "i:n:r:t:p:l:d:s:h", lo,
				NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'n':
			o->ids = strtol(optarg, NULL, 0);
			break;
		case 'r':
			o->rate = strtod(optarg, NULL);
			break;
		case 't':
			o->seconds = strtod(optarg, NULL);
			break;
		case 'p':
			o->priority1 = atoi(optarg);
			break;
		case 'l':
			o->log_interval = atoi(optarg);
			break;
		case 'd':
			o->domain = atoi(optarg);
			break;
		case 's':
			o->seed = strtoull(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (!o->ifname || optind != argc || o->ids < 1 ||
	    o->ids > FLOOD_MAX_IDS || !(o->rate > 0.0) ||
	    o->rate > 1e6 || !(o->seconds >= 0.0) || o->priority1 < 0 ||
	    o->priority1 > 255 || o->log_interval < -7 ||
	    o->log_interval > 7 || o->domain < 0 || o->domain > 255) {
		return -1;
	}
	return 0;
}

static int open_socket(const char *ifname)
{
	struct ip_mreqn mr;
	unsigned char off = 0, ttl = 1;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		return -1;
	}
	memset(&mr, 0, sizeof(mr));
	mr.imr_ifindex = (int)if_nametoindex(ifname);
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

static void fill_announce(struct ptp_msg *m, const struct flood_opts *o,
			  const struct clock_identity *id, uint16_t seq)
{
	struct timespec now;

	memset(m, 0, sizeof(*m));
	ptp_header_init(&m->hdr, PTP_ANNOUNCE);
	m->hdr.domainNumber = (uint8_t)o->domain;
	m->hdr.logMessageInterval = (int8_t)o->log_interval;
	m->hdr.sourcePortIdentity.clockIdentity = *id;
	m->hdr.sourcePortIdentity.portNumber = 1;
	m->hdr.sequenceId = seq;
	clock_gettime(CLOCK_REALTIME, &now);
	m->body.announce.originTimestamp.seconds = (uint64_t)now.tv_sec;
	m->body.announce.originTimestamp.nanoseconds = (uint32_t)now.tv_nsec;
	m->body.announce.grandmasterPriority1 = (uint8_t)o->priority1;
	m->body.announce.grandmasterClockQuality.clockClass = 248;
	m->body.announce.grandmasterClockQuality.clockAccuracy = 0xFE;
	m->body.announce.grandmasterClockQuality.offsetScaledLogVariance =
		0xFFFF;
	m->body.announce.grandmasterPriority2 = 128;
	m->body.announce.grandmasterIdentity = *id;
	m->body.announce.stepsRemoved = 0;
	m->body.announce.timeSource = 0xA0;	/* INTERNAL_OSCILLATOR */
}

int main(int argc, char **argv)
{
	struct flood_opts o = {
		.ids = 1000, .rate = 200.0, .seconds = 10.0,
		.priority1 = 255, .log_interval = 1, .seed = 1,
	};
	struct clock_identity *ids;
	struct sockaddr_in dst;
	uint8_t buf[PTP_MSG_MAX];
	unsigned long long rnd, r;
	unsigned long sent = 0, errors = 0, total, i;
	uint16_t *seqs;
	double t0, next, now;	/* CLOCK_MONOTONIC, s */
	struct ptp_msg m;
	int fd, len, j;
	long k;

	if (parse_opts(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	ids = calloc((size_t)o.ids, sizeof(*ids));
	seqs = calloc((size_t)o.ids, sizeof(*seqs));
	if (!ids || !seqs) {
		fprintf(stderr, "announce_flood: out of memory\n");
		return 1;
	}
	rnd = o.seed;
	for (k = 0; k < o.ids; k++) {
		r = next_rand(&rnd);
		for (j = 0; j < 8; j++) {
			ids[k].id[j] = (uint8_t)(r >> (8 * j));
		}
	}
	fd = open_socket(o.ifname);
	if (fd < 0) {
		fprintf(stderr, "announce_flood: %s: %s\n", o.ifname,
			strerror(errno));
		return 1;
	}
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_port = htons(PTP_GENERAL_PORT);
	inet_pton(AF_INET, PTP_GROUP4, &dst.sin_addr);

	total = (unsigned long)(o.rate * o.seconds + 0.5);
	t0 = mono_s();
	next = t0;
	for (i = 0, k = 0; i < total; i++, k = (k + 1) % o.ids) {
		now = mono_s();
		if (next > now) {
			struct timespec ts = {
				.tv_sec = 0,
				.tv_nsec = (long)((next - now) * 1e9),
			};
			nanosleep(&ts, NULL);
		}
		next += 1.0 / o.rate;
		fill_announce(&m, &o, &ids[k], seqs[k]++);
		len = ptp_msg_pack(&m, buf, sizeof(buf));
		if (len < 0 ||
		    sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&dst,
			   sizeof(dst)) != len) {
			errors++;
			continue;
		}
		sent++;
	}
	printf("sent %lu ids %ld errors %lu\n", sent, o.ids, errors);
	close(fd);
	free(ids);
	free(seqs);
	return 0;
}
