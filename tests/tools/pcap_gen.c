// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcap_gen - encode every PTP message type with OUR codec into a pcap, for
 * an independent dissector (tshark) to judge, plus a manifest of the value
 * each field must decode to.
 *
 *   pcap_gen OUT.pcap MANIFEST.tsv
 *
 * Every message is written three times, as Ethernet/IPv4/UDP,
 * Ethernet/IPv6/UDP and Ethernet/0x88F7 (IEEE 1588 Annex C, D, E: standard
 * multicast addresses, event messages to port 319, general to 320,
 * correct IPv4 and UDP checksums), each copy with its own domain,
 * sequenceId, clock identity and majorSdoId, so a swapped or stale field
 * shows. Values are distinctive and non-zero: 48-bit seconds above 2^32,
 * positive and negative corrections with sub-ns parts, flags, intervals.
 *
 * Manifest: one line per check, `FRAME<TAB>FIELD<TAB>VALUE`, FRAME counting
 * from 1 as tshark does, FIELD a tshark field name, VALUE as
 * `tshark -T fields -E occurrence=a -E aggregator=,` prints it (decimal,
 * or 0x-hex padded to the field's width for BASE_HEX fields, strings as
 * is, byte fields as colon-free hex). The expected values and lengths
 * here come from the standard's layouts, not from our codec's tables, so
 * tshark checks our encoder, not our encoder against itself.
 * A `#` line is a comment; `FRAME<TAB>-frames<TAB>N` closes the file with
 * the number of frames written.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt.h"
#include "msg.h"
#include "tlv.h"
#include "pcap_util.h"

/* Fixed body lengths of Tables 44-56 (1588-2019), after the header. */
static const int std_body_len[16] = {
	[PTP_SYNC] = 10, [PTP_DELAY_REQ] = 10, [PTP_PDELAY_REQ] = 20,
	[PTP_PDELAY_RESP] = 20, [PTP_FOLLOW_UP] = 10, [PTP_DELAY_RESP] = 20,
	[PTP_PDELAY_RESP_FOLLOW_UP] = 20, [PTP_ANNOUNCE] = 30,
	[PTP_SIGNALING] = 10, [PTP_MANAGEMENT] = 14,
};

/* controlField per messageType (Table 42): 5 for everything else. */
static const int std_control[16] = {
	[PTP_SYNC] = 0, [PTP_DELAY_REQ] = 1, [PTP_PDELAY_REQ] = 5,
	[PTP_PDELAY_RESP] = 5, [PTP_FOLLOW_UP] = 2, [PTP_DELAY_RESP] = 3,
	[PTP_PDELAY_RESP_FOLLOW_UP] = 5, [PTP_ANNOUNCE] = 5,
	[PTP_SIGNALING] = 5, [PTP_MANAGEMENT] = 4,
};

enum encap { ENC_UDP4, ENC_UDP6, ENC_L2, ENC_COUNT };

struct gen {
	FILE *pcap;
	FILE *mf;
	unsigned frame;		/* number of the frame being built */
	enum encap enc;
	/* Per-encapsulation header values. */
	uint8_t domain;
	uint8_t major_sdo;
	uint8_t minor_sdo;
	struct port_identity src;
	uint16_t seq;
	int msg_idx;		/* index within one encapsulation's set */
	int failed;
};

/* ---- manifest --------------------------------------------------------- */

static void mf(struct gen *g, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void mf(struct gen *g, const char *field, const char *fmt, ...)
{
	va_list ap;

	fprintf(g->mf, "%u\t%s\t", g->frame, field);
	va_start(ap, fmt);
	vfprintf(g->mf, fmt, ap);
	va_end(ap);
	fputc('\n', g->mf);
}

static void mf_u(struct gen *g, const char *field, uint64_t v)
{
	mf(g, field, "%" PRIu64, v);
}

static void mf_d(struct gen *g, const char *field, int64_t v)
{
	mf(g, field, "%" PRId64, v);
}

/* BASE_HEX: 0x and two digits per octet of the field's type. */
static void mf_x(struct gen *g, const char *field, uint64_t v, int octets)
{
	mf(g, field, "0x%0*" PRIx64, octets * 2, v);
}

static uint64_t cid_u64(const struct clock_identity *c)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		v = v << 8 | c->id[i];
	}
	return v;
}

static void mf_cid(struct gen *g, const char *field,
		   const struct clock_identity *c)
{
	mf_x(g, field, cid_u64(c), 8);
}

/* FT_BYTES: lower-case hex, no separators. */
static void mf_bytes(struct gen *g, const char *field, const uint8_t *p,
		     size_t n)
{
	char s[2 * 256 + 1] = "";
	size_t i;

	for (i = 0; i < n && i < 256; i++) {
		sprintf(s + 2 * i, "%02x", p[i]);
	}
	mf(g, field, "%s", s);
}

/* A wire Timestamp as tshark's seconds / nanoseconds field pair. */
static void mf_ts(struct gen *g, const char *prefix,
		  const struct ptp_timestamp *ts)
{
	char f[96];

	snprintf(f, sizeof(f), "%s.seconds", prefix);
	mf_u(g, f, ts->seconds);
	snprintf(f, sizeof(f), "%s.nanoseconds", prefix);
	mf_u(g, f, ts->nanoseconds);
}

/* ---- values ----------------------------------------------------------- */

/* Distinct per message: 48-bit seconds above 2^32, ns below 10^9. */
static struct ptp_timestamp ts_make(struct gen *g, int k)
{
	struct ptp_timestamp ts = {
		.seconds = 0x0001234567A0ULL + (uint64_t)g->msg_idx * 16 + k,
		.nanoseconds = 987654321u - (uint32_t)g->msg_idx * 1000 -
			       (uint32_t)k,
	};

	return ts;
}

static struct port_identity pid_make(uint8_t last, uint16_t port)
{
	struct port_identity p = {
		{ { 0x0a, 0x1b, 0x2c, 0xff, 0xfe, 0x3d, 0x4e, last } }, port
	};

	return p;
}

static void hdr_init(struct gen *g, struct ptp_msg *m, int type,
		     uint16_t flags, int64_t corr, int8_t logint)
{
	memset(m, 0, sizeof(*m));
	ptp_header_init(&m->hdr, type);
	m->hdr.majorSdoId = g->major_sdo;
	m->hdr.minorSdoId = g->minor_sdo;
	m->hdr.domainNumber = g->domain;
	m->hdr.flagField = flags;
	m->hdr.correctionField = corr;
	m->hdr.sourcePortIdentity = g->src;
	m->hdr.sequenceId = g->seq;
	m->hdr.logMessageInterval = logint;
}

/*
 * A TimeInterval (correctionField, offsets, delays: signed 2^-16 ns) as
 * Wireshark 4.0 shows it: FIELD.ns is FT_UINT64 holding value >> 16
 * (arithmetic, so rounded toward minus infinity) and printed unsigned,
 * FIELD.subns the fraction (value & 0xffff) / 2^16 >= 0. So -2500.5 ns
 * shows as ns 2^64 - 2501 and subns 0.5: the right value, in two's
 * complement.
 */
static void mf_interval(struct gen *g, const char *prefix, int64_t v)
{
	char f[96];

	snprintf(f, sizeof(f), "%s.ns", prefix);
	mf_u(g, f, (uint64_t)(v >> 16));
	snprintf(f, sizeof(f), "%s.subns", prefix);
	mf(g, f, "%g", (double)(v & 0xffff) / 65536.0);
}

/*
 * A PTPText: Wireshark 4.0 adds the text twice under the same field name
 * (the subtree item and the string inside it), so `-E occurrence=a`
 * prints it twice. The text must not contain a comma.
 */
static void mf_text(struct gen *g, const char *field, const char *text)
{
	mf(g, field, "%s,%s", text, text);
}

/* ---- frames ----------------------------------------------------------- */

static const uint8_t mac_src[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x0a };
static const uint8_t mac_v4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x01, 0x81 };
static const uint8_t mac_v4_p2p[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x6b };
static const uint8_t mac_v6[6] = { 0x33, 0x33, 0x00, 0x00, 0x01, 0x81 };
static const uint8_t mac_v6_p2p[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x6b };
static const uint8_t mac_l2[6] = { 0x01, 0x1b, 0x19, 0x00, 0x00, 0x00 };
static const uint8_t mac_l2_p2p[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
static const uint8_t ip4_src[4] = { 192, 0, 2, 10 };
static const uint8_t ip4_dst[4] = { 224, 0, 1, 129 };
static const uint8_t ip4_dst_p2p[4] = { 224, 0, 0, 107 };
static const uint8_t ip6_src[16] = { 0xfe, 0x80, [8] = 0x00, 0x00, 0x5e,
				     0xff, 0xfe, 0x10, 0x00, 0x0a };
static const uint8_t ip6_dst[16] = { 0xff, 0x0e, [14] = 0x01, 0x81 };
static const uint8_t ip6_dst_p2p[16] = { 0xff, 0x02, [15] = 0x6b };

static int is_p2p(int type)
{
	return type == PTP_PDELAY_REQ || type == PTP_PDELAY_RESP ||
	       type == PTP_PDELAY_RESP_FOLLOW_UP;
}

/* Wrap the packed message in this encapsulation and append the frame. */
static void emit_frame(struct gen *g, int type, const uint8_t *msg, int len)
{
	uint8_t f[PTP_MSG_MAX + 128];
	uint16_t port = type < 8 ? PTP_PORT_EVENT : PTP_PORT_GENERAL;
	int p2p = is_p2p(type);
	size_t flen;

	switch (g->enc) {
	case ENC_UDP4:
		flen = pcap_frame_udp4(f, p2p ? mac_v4_p2p : mac_v4, mac_src,
				       ip4_src, p2p ? ip4_dst_p2p : ip4_dst,
				       port, (uint16_t)(0x4d00 + g->frame),
				       msg, (size_t)len);
		mf_u(g, "udp.dstport", port);
		/* With -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE
		 * tshark verifies them: 1 = good (0 bad, 2 unverified). */
		mf_u(g, "ip.checksum.status", 1);
		mf_u(g, "udp.checksum.status", 1);
		break;
	case ENC_UDP6:
		flen = pcap_frame_udp6(f, p2p ? mac_v6_p2p : mac_v6, mac_src,
				       ip6_src, p2p ? ip6_dst_p2p : ip6_dst,
				       port, msg, (size_t)len);
		mf_u(g, "udp.dstport", port);
		mf_u(g, "udp.checksum.status", 1);
		break;
	default:
		flen = pcap_frame_l2(f, p2p ? mac_l2_p2p : mac_l2, mac_src,
				     msg, (size_t)len);
		mf_x(g, "eth.type", ETHERTYPE_PTP, 2);
		break;
	}
	if (pcap_writer_add(g->pcap, 1700000000u + g->frame / 100,
			    (g->frame % 100) * 10000u, f, flen)) {
		fprintf(stderr, "pcap_gen: write failed\n");
		exit(1);
	}
}

/*
 * Pack m (TLVs from w, if any) with our codec, write the manifest lines of
 * the common header, and emit the frame. tlv_len is the TLV area's length
 * as the standard lays it out, computed by the caller.
 */
static void finish(struct gen *g, struct ptp_msg *m, struct tlv_writer *w,
		   int std_tlv_len, const char *what)
{
	const struct ptp_header *h = &m->hdr;
	uint8_t buf[PTP_MSG_MAX];
	int type = h->messageType, n;

	if (w && w->err) {
		fprintf(stderr, "pcap_gen: %s: TLV encoder: %s\n", what,
			ptp_err_str(w->err));
		g->failed = 1;
		return;
	}
	m->tlv = w && w->len ? w->buf : NULL;
	m->tlv_len = w ? (uint16_t)w->len : 0;
	n = ptp_msg_pack(m, buf, sizeof(buf));
	if (n < 0) {
		fprintf(stderr, "pcap_gen: %s: ptp_msg_pack: %s\n", what,
			ptp_err_str(n));
		g->failed = 1;
		return;
	}
	fprintf(g->mf, "# frame %u is %s over %s\n", g->frame, what,
		g->enc == ENC_UDP4 ? "UDPv4" : g->enc == ENC_UDP6 ? "UDPv6" :
		"802.3");
	mf_x(g, "ptp.v2.majorsdoid", h->majorSdoId, 1);
	mf_x(g, "ptp.v2.messagetype", (uint64_t)type, 1);
	mf_u(g, "ptp.v2.minorversionptp", h->minorVersionPTP);
	mf_u(g, "ptp.v2.versionptp", 2);
	mf_u(g, "ptp.v2.messagelength",
	     34 + (uint64_t)std_body_len[type] + (uint64_t)std_tlv_len);
	mf_u(g, "ptp.v2.domainnumber", h->domainNumber);
	mf_u(g, "ptp.v2.minorsdoid", h->minorSdoId);
	mf_x(g, "ptp.v2.flags", h->flagField, 2);
	mf_interval(g, "ptp.v2.correction", h->correctionField);
	mf_u(g, "ptp.v2.messagetypespecific", h->messageTypeSpecific);
	mf_cid(g, "ptp.v2.clockidentity", &h->sourcePortIdentity.clockIdentity);
	mf_u(g, "ptp.v2.sourceportid", h->sourcePortIdentity.portNumber);
	mf_u(g, "ptp.v2.sequenceid", h->sequenceId);
	mf_u(g, "ptp.v2.controlfield", (uint64_t)std_control[type]);
	mf_d(g, "ptp.v2.logmessageperiod", h->logMessageInterval);
	emit_frame(g, type, buf, n);
	g->frame++;
	g->seq++;
	g->msg_idx++;
}

/* ---- event and timing messages ---------------------------------------- */

static void gen_sync(struct gen *g)
{
	struct ptp_msg m;

	hdr_init(g, &m, PTP_SYNC, PTP_FLAG_TWO_STEP | PTP_FLAG_UNICAST |
		 PTP_FLAG_PROFILE_SPECIFIC_1, (123456LL << 16) | 0x8000, -3);
	m.hdr.messageTypeSpecific = 0x01020304;
	m.body.sync.originTimestamp = ts_make(g, 1);
	mf_ts(g, "ptp.v2.sdr.origintimestamp", &m.body.sync.originTimestamp);
	mf_u(g, "ptp.v2.flags.twostep", 1);
	mf_u(g, "ptp.v2.flags.unicast", 1);
	mf_u(g, "ptp.v2.flags.specific1", 1);
	finish(g, &m, NULL, 0, "Sync");
}

static void gen_delay_req(struct gen *g)
{
	struct ptp_msg m;

	hdr_init(g, &m, PTP_DELAY_REQ, 0, 0, PTP_LOG_INTERVAL_UNSPEC);
	m.body.sync.originTimestamp = ts_make(g, 2);
	mf_ts(g, "ptp.v2.sdr.origintimestamp", &m.body.sync.originTimestamp);
	finish(g, &m, NULL, 0, "Delay_Req");
}

static void gen_pdelay_req(struct gen *g)
{
	struct ptp_msg m;

	hdr_init(g, &m, PTP_PDELAY_REQ, 0, 7LL << 16, -4);
	m.body.pdelay_req.originTimestamp = ts_make(g, 3);
	mf_ts(g, "ptp.v2.pdrq.origintimestamp",
	      &m.body.pdelay_req.originTimestamp);
	finish(g, &m, NULL, 0, "Pdelay_Req");
}

static const struct port_identity *requester(void)
{
	static struct port_identity p;

	p = pid_make(0x99, 0x0203);
	return &p;
}

static void gen_pdelay_resp(struct gen *g, int type)
{
	const struct port_identity *rq = requester();
	int fu = type == PTP_PDELAY_RESP_FOLLOW_UP;
	const char *pre = fu ? "ptp.v2.pdfu" : "ptp.v2.pdrs";
	char f[64];
	struct ptp_msg m;

	/* Two-step responder; the follow-up carries a negative
	 * correction (turnaround time taken off), -0.25 ns sub-ns. */
	hdr_init(g, &m, type, fu ? 0 : PTP_FLAG_TWO_STEP,
		 fu ? -((4321LL << 16) + 0x4000) : 0,
		 PTP_LOG_INTERVAL_UNSPEC);
	m.body.pdelay_resp.timestamp = ts_make(g, 4);
	m.body.pdelay_resp.requestingPortIdentity = *rq;
	snprintf(f, sizeof(f), "%s.%s", pre, fu ? "responseorigintimestamp" :
		 "requestreceipttimestamp");
	mf_ts(g, f, &m.body.pdelay_resp.timestamp);
	snprintf(f, sizeof(f), "%s.requestingportidentity", pre);
	mf_cid(g, f, &rq->clockIdentity);
	snprintf(f, sizeof(f), "%s.requestingsourceportid", pre);
	mf_u(g, f, rq->portNumber);
	finish(g, &m, NULL, 0, fu ? "Pdelay_Resp_Follow_Up" : "Pdelay_Resp");
}

static void gen_follow_up(struct gen *g)
{
	struct ptp_msg m;

	/* A negative correction: -2500.5 ns. */
	hdr_init(g, &m, PTP_FOLLOW_UP, 0, -((2500LL << 16) + 0x8000), -3);
	m.body.follow_up.preciseOriginTimestamp = ts_make(g, 5);
	mf_ts(g, "ptp.v2.fu.preciseorigintimestamp",
	      &m.body.follow_up.preciseOriginTimestamp);
	finish(g, &m, NULL, 0, "Follow_Up");
}

static void gen_delay_resp(struct gen *g)
{
	const struct port_identity *rq = requester();
	struct ptp_msg m;

	hdr_init(g, &m, PTP_DELAY_RESP, PTP_FLAG_UNICAST,
		 (987LL << 16) | 0x4000, -4);
	m.body.delay_resp.receiveTimestamp = ts_make(g, 6);
	m.body.delay_resp.requestingPortIdentity = *rq;
	mf_ts(g, "ptp.v2.dr.receivetimestamp",
	      &m.body.delay_resp.receiveTimestamp);
	mf_cid(g, "ptp.v2.dr.requestingsourceportidentity", &rq->clockIdentity);
	mf_u(g, "ptp.v2.dr.requestingsourceportid", rq->portNumber);
	finish(g, &m, NULL, 0, "Delay_Resp");
}

/* ---- Announce ---------------------------------------------------------- */

static void gen_announce(struct gen *g, int with_atoi)
{
	static const uint8_t name[] = "CET";	/* odd length: padded */
	struct clock_identity path[3] = {
		{ { 0x00, 0x1b, 0x19, 0xff, 0xfe, 0x00, 0x00, 0x01 } },
		{ { 0x0a, 0x1b, 0x2c, 0xff, 0xfe, 0x3d, 0x4e, 0x5f } },
		{ { 0xac, 0xde, 0x48, 0xff, 0xfe, 0x00, 0x11, 0x22 } },
	};
	struct tlv_alt_time_offset a = {
		.keyField = 7, .currentOffset = 3600, .jumpSeconds = -3600,
		.timeOfNextJump = 0x0000654321ABULL,
		.displayName = { 3, name },
	};
	struct ptp_announce *an;
	uint8_t tlv[256];
	struct tlv_writer w;
	struct ptp_msg m;
	char ps[3 * 19 + 3] = "";
	int i, tlv_len = 4 + 3 * 8;

	hdr_init(g, &m, PTP_ANNOUNCE, PTP_FLAG_PTP_TIMESCALE |
		 PTP_FLAG_UTC_OFFSET_VALID | PTP_FLAG_TIME_TRACEABLE |
		 PTP_FLAG_FREQ_TRACEABLE | PTP_FLAG_LEAP61, 0, 1);
	m.hdr.messageTypeSpecific = 0xA5A5A5A5;
	an = &m.body.announce;
	an->originTimestamp = ts_make(g, 7);
	an->currentUtcOffset = 37;
	an->grandmasterPriority1 = 17;
	an->grandmasterClockQuality.clockClass = 6;
	an->grandmasterClockQuality.clockAccuracy = 0x21;
	an->grandmasterClockQuality.offsetScaledLogVariance = 0x4e5d;
	an->grandmasterPriority2 = 233;
	an->grandmasterIdentity = path[0];
	an->stepsRemoved = 2;
	an->timeSource = TS_GNSS;

	tlv_writer_init(&w, tlv, sizeof(tlv));
	tlv_put_path_trace(&w, path, 3);
	if (with_atoi) {
		tlv_put_alt_time_offset(&w, &a);
		/* 15 fixed + 1 + 3 name octets, padded to 20. */
		tlv_len += 4 + 20;
	}

	mf_ts(g, "ptp.v2.an.origintimestamp", &an->originTimestamp);
	mf_d(g, "ptp.v2.an.origincurrentutcoffset", an->currentUtcOffset);
	mf_u(g, "ptp.v2.an.priority1", an->grandmasterPriority1);
	mf_u(g, "ptp.v2.an.grandmasterclockclass", 6);
	mf_x(g, "ptp.v2.an.grandmasterclockaccuracy", 0x21, 1);
	mf_u(g, "ptp.v2.an.grandmasterclockvariance", 0x4e5d);
	mf_u(g, "ptp.v2.an.priority2", an->grandmasterPriority2);
	mf_cid(g, "ptp.v2.an.grandmasterclockidentity", &path[0]);
	mf_u(g, "ptp.v2.an.localstepsremoved", 2);
	mf_x(g, "ptp.v2.timesource", TS_GNSS, 1);
	mf_u(g, "ptp.v2.flags.timescale", 1);
	mf_u(g, "ptp.v2.flags.utcreasonable", 1);
	mf_u(g, "ptp.v2.flags.timetraceable", 1);
	mf_u(g, "ptp.v2.flags.frequencytraceable", 1);
	mf_u(g, "ptp.v2.flags.li61", 1);
	mf_u(g, "ptp.v2.flags.li59", 0);
	for (i = 0; i < 3; i++) {
		sprintf(ps + strlen(ps), "%s0x%016" PRIx64, i ? "," : "",
			cid_u64(&path[i]));
	}
	mf(g, "ptp.v2.an.pathsequence", "%s", ps);
	if (with_atoi) {
		mf(g, "ptp.v2.an.tlvType", "%u,%u", TLV_PATH_TRACE,
		   TLV_ALTERNATE_TIME_OFFSET_INDICATOR);
		mf(g, "ptp.v2.an.lengthField", "%u,%u", 24, 20);
		mf_u(g, "ptp.v2.an.atoi.keyField", 7);
		mf_d(g, "ptp.v2.an.atoi.currentOffset", 3600);
		mf_d(g, "ptp.v2.an.atoi.jumpSeconds", -3600);
		mf(g, "ptp.v2.an.atoi.timeOfNextJump", "0000654321ab");
		mf_u(g, "ptp.v2.an.atoi.displayName.length", 3);
		mf_text(g, "ptp.v2.an.atoi.displayName", "CET");
	} else {
		mf_u(g, "ptp.v2.an.tlvType", TLV_PATH_TRACE);
		mf_u(g, "ptp.v2.an.lengthField", 24);
	}
	finish(g, &m, &w, tlv_len, with_atoi ?
	       "Announce + PATH_TRACE + ALTERNATE_TIME_OFFSET_INDICATOR" :
	       "Announce + PATH_TRACE");
}

/* ---- Signaling --------------------------------------------------------- */

enum sig_kind {
	SIG_REQUEST, SIG_GRANT, SIG_CANCEL, SIG_ACK_CANCEL, SIG_ORG,
	SIG_ATOI, SIG_REQUEST3, SIG_KINDS
};

static void gen_signaling(struct gen *g, enum sig_kind k)
{
	static const uint8_t org_data[] = { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02,
					    0x03, 0x04 };
	static const uint8_t name[] = "TAI-UTC";
	struct port_identity target = pid_make(0x77, 0xffff);
	struct tlv_unicast_request rq = { PTP_ANNOUNCE, 1, 300 };
	struct tlv_unicast_grant gr = { PTP_SYNC, -3, 60, true };
	struct tlv_unicast_cancel cn = { PTP_DELAY_RESP };
	struct tlv_org org = {
		.organizationId = { 0x00, 0x1b, 0x19 },
		.organizationSubType = { 0x00, 0x80, 0x01 },
		.data = org_data, .data_len = sizeof(org_data),
	};
	struct tlv_alt_time_offset a = {
		.keyField = 2, .currentOffset = -37, .jumpSeconds = 1,
		.timeOfNextJump = 0x00008765432fULL,
		.displayName = { 7, name },
	};
	uint8_t tlv[256], v[32];
	struct tlv_writer w;
	struct ptp_msg m;
	const char *what = "";
	int tlv_len = 0;

	hdr_init(g, &m, PTP_SIGNALING, PTP_FLAG_UNICAST, 0,
		 PTP_LOG_INTERVAL_UNSPEC);
	m.body.signaling.targetPortIdentity = target;
	mf_cid(g, "ptp.v2.sig.targetportidentity", &target.clockIdentity);
	mf_u(g, "ptp.v2.sig.targetportid", target.portNumber);
	tlv_writer_init(&w, tlv, sizeof(tlv));
	switch (k) {
	case SIG_REQUEST:
		what = "Signaling + REQUEST_UNICAST_TRANSMISSION";
		tlv_put_unicast_request(&w, &rq);
		tlv_len = 4 + 6;
		mf_u(g, "ptp.v2.sig.tlv.tlvType",
		     TLV_REQUEST_UNICAST_TRANSMISSION);
		mf_u(g, "ptp.v2.sig.tlv.lengthField", 6);
		mf_x(g, "ptp.v2.sig.tlv.messageType", PTP_ANNOUNCE, 1);
		mf_d(g, "ptp.v2.sig.tlv.logInterMessagePeriod", 1);
		mf_u(g, "ptp.v2.sig.tlv.durationField", 300);
		break;
	case SIG_REQUEST3:
		/* As ptp4l's unicast client asks: three in one message. */
		what = "Signaling + 3 REQUEST_UNICAST_TRANSMISSION";
		rq.messageType = PTP_ANNOUNCE;
		tlv_put_unicast_request(&w, &rq);
		rq.messageType = PTP_SYNC;
		rq.logInterMessagePeriod = -4;
		tlv_put_unicast_request(&w, &rq);
		rq.messageType = PTP_DELAY_RESP;
		rq.logInterMessagePeriod = -5;
		rq.durationField = 3600;
		tlv_put_unicast_request(&w, &rq);
		tlv_len = 3 * (4 + 6);
		mf(g, "ptp.v2.sig.tlv.tlvType", "4,4,4");
		mf(g, "ptp.v2.sig.tlv.messageType", "0x0b,0x00,0x09");
		mf(g, "ptp.v2.sig.tlv.logInterMessagePeriod", "1,-4,-5");
		mf(g, "ptp.v2.sig.tlv.durationField", "300,300,3600");
		break;
	case SIG_GRANT:
		what = "Signaling + GRANT_UNICAST_TRANSMISSION";
		tlv_put_unicast_grant(&w, &gr);
		tlv_len = 4 + 8;
		mf_u(g, "ptp.v2.sig.tlv.tlvType",
		     TLV_GRANT_UNICAST_TRANSMISSION);
		mf_u(g, "ptp.v2.sig.tlv.lengthField", 8);
		mf_x(g, "ptp.v2.sig.tlv.messageType", PTP_SYNC, 1);
		mf_d(g, "ptp.v2.sig.tlv.logInterMessagePeriod", -3);
		mf_u(g, "ptp.v2.sig.tlv.durationField", 60);
		mf_u(g, "ptp.v2.sig.tlv.renewalInvited", 1);
		break;
	case SIG_CANCEL:
	case SIG_ACK_CANCEL: {
		uint16_t type = k == SIG_CANCEL ?
			TLV_CANCEL_UNICAST_TRANSMISSION :
			TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION;

		what = k == SIG_CANCEL ?
		       "Signaling + CANCEL_UNICAST_TRANSMISSION" :
		       "Signaling + ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION";
		tlv_put_unicast_cancel(&w, type, &cn);
		tlv_len = 4 + 2;
		mf_u(g, "ptp.v2.sig.tlv.tlvType", type);
		mf_u(g, "ptp.v2.sig.tlv.lengthField", 2);
		mf_x(g, "ptp.v2.sig.tlv.messageType", PTP_DELAY_RESP, 1);
		break;
	}
	case SIG_ORG:
		what = "Signaling + ORGANIZATION_EXTENSION";
		tlv_put_org(&w, TLV_ORGANIZATION_EXTENSION, &org);
		tlv_len = 4 + 6 + (int)sizeof(org_data);
		mf_u(g, "ptp.v2.sig.tlv.tlvType", TLV_ORGANIZATION_EXTENSION);
		mf_u(g, "ptp.v2.sig.tlv.lengthField", 14);
		/* Wireshark 4.0 uses its Announce field names here, shows
		 * the OUI (BASE_OUI) as a decimal number in -T fields, and
		 * does not show dataField for a subtype it does not know. */
		mf_u(g, "ptp.v2.an.oe.organizationId", 0x001b19);
		mf_x(g, "ptp.v2.an.oe.organizationSubType", 0x008001, 3);
		break;
	case SIG_ATOI:
		/*
		 * Wireshark 4.0 dissects this TLV only in Announce
		 * (ptp.v2.an.atoi.*); in Signaling it shows the type, the
		 * length and the value as bytes, which are checked here
		 * against the layout of 16.3 written out by hand.
		 */
		what = "Signaling + ALTERNATE_TIME_OFFSET_INDICATOR";
		tlv_put_alt_time_offset(&w, &a);
		/* 15 + 1 + 7 = 23, padded to 24. */
		tlv_len = 4 + 24;
		memset(v, 0, sizeof(v));
		v[0] = 2;
		put_be32(v + 1, (uint32_t)-37);
		put_be32(v + 5, 1);
		put_be48(v + 9, 0x00008765432fULL);
		v[15] = 7;
		memcpy(v + 16, name, 7);
		mf_u(g, "ptp.v2.sig.tlv.tlvType",
		     TLV_ALTERNATE_TIME_OFFSET_INDICATOR);
		mf_u(g, "ptp.v2.sig.tlv.lengthField", 24);
		mf_bytes(g, "ptp.v2.sig.tlv.data", v, 24);
		break;
	default:
		break;
	}
	finish(g, &m, &w, tlv_len, what);
}

/* ---- Management -------------------------------------------------------- */

static void mgmt_hdr(struct gen *g, struct ptp_msg *m, int action)
{
	struct port_identity target = pid_make(0x5f, 1);

	hdr_init(g, m, PTP_MANAGEMENT, 0, 0, PTP_LOG_INTERVAL_UNSPEC);
	m->body.management.targetPortIdentity = target;
	m->body.management.startingBoundaryHops = 3;
	m->body.management.boundaryHops = 2;
	m->body.management.actionField = (uint8_t)action;
	mf_cid(g, "ptp.v2.mm.targetportidentity", &target.clockIdentity);
	mf_u(g, "ptp.v2.mm.targetportid", 1);
	mf_u(g, "ptp.v2.mm.startingboundaryhops", 3);
	mf_u(g, "ptp.v2.mm.boundaryhops", 2);
	mf_u(g, "ptp.v2.mm.action", (uint64_t)action);
}

static void mf_mgmt_tlv(struct gen *g, int type, int len, int id)
{
	mf_u(g, "ptp.v2.mm.tlvType", (uint64_t)type);
	mf_u(g, "ptp.v2.mm.lengthField", (uint64_t)len);
	mf_u(g, "ptp.v2.mm.managementId", (uint64_t)id);
}

/* The data set ids with a GET and a RESPONSE each. */
static const uint16_t mgmt_ids[] = {
	MID_DEFAULT_DATA_SET, MID_CURRENT_DATA_SET, MID_PARENT_DATA_SET,
	MID_TIME_PROPERTIES_DATA_SET, MID_PORT_DATA_SET, MID_CLOCK_DESCRIPTION,
};

static void gen_mgmt_get(struct gen *g, uint16_t id)
{
	uint8_t tlv[16];
	struct tlv_writer w;
	struct ptp_msg m;
	char what[64];

	mgmt_hdr(g, &m, PTP_MGMT_GET);
	tlv_writer_init(&w, tlv, sizeof(tlv));
	mgmt_put_empty(&w, id);
	mf_mgmt_tlv(g, TLV_MANAGEMENT, 2, id);
	snprintf(what, sizeof(what), "Management GET 0x%04x", id);
	finish(g, &m, &w, 4 + 2, what);
}

static int resp_default(struct gen *g, struct tlv_writer *w)
{
	struct default_ds d = {
		.clockIdentity = { { 0x0a, 0x1b, 0x2c, 0xff, 0xfe, 0x3d, 0x4e,
				     0x5f } },
		.numberPorts = 4,
		.clockQuality = { 7, 0x22, 0x5a5a },
		.priority1 = 99, .priority2 = 111, .domainNumber = 44,
		.twoStepFlag = true, .slaveOnly = false,
	};

	mgmt_put_default_ds(w, &d);
	mf_u(g, "ptp.v2.mm.twoStep", 1);
	mf_u(g, "ptp.v2.mm.SlavOnly", 0);
	mf_u(g, "ptp.v2.mm.numberPorts", 4);
	mf_u(g, "ptp.v2.mm.priority1", 99);
	mf_u(g, "ptp.v2.mm.clockclass", 7);
	mf_x(g, "ptp.v2.mm.clockaccuracy", 0x22, 1);
	mf_u(g, "ptp.v2.mm.clockvariance", 0x5a5a);
	mf_u(g, "ptp.v2.mm.priority2", 111);
	mf_cid(g, "ptp.v2.mm.clockidentity", &d.clockIdentity);
	mf_u(g, "ptp.v2.mm.domainNumber", 44);
	return 20;
}

static int resp_current(struct gen *g, struct tlv_writer *w)
{
	/* offsetFromMaster -1234.5 ns, meanDelay 5678.25 ns. */
	struct current_ds d = {
		.stepsRemoved = 3,
		.offsetFromMaster = -((1234LL << 16) + 0x8000),
		.meanDelay = (5678LL << 16) + 0x4000,
	};

	mgmt_put_current_ds(w, &d);
	mf_u(g, "ptp.v2.mm.stepsRemoved", 3);
	mf_interval(g, "ptp.v2.mm.offset", d.offsetFromMaster);
	mf_interval(g, "ptp.v2.mm.pathDelay", d.meanDelay);
	return 18;
}

static int resp_parent(struct gen *g, struct tlv_writer *w)
{
	struct parent_ds d = {
		.parentPortIdentity = pid_make(0x31, 9),
		.parentStats = true,
		.observedParentOffsetScaledLogVariance = 0x1234,
		.observedParentClockPhaseChangeRate = -56789,
		.grandmasterIdentity = { { 0x00, 0x1b, 0x19, 0xff, 0xfe, 0x00,
					   0x00, 0x01 } },
		.grandmasterClockQuality = { 6, 0x21, 0x4e5d },
		.grandmasterPriority1 = 17, .grandmasterPriority2 = 233,
	};

	mgmt_put_parent_ds(w, &d);
	mf_cid(g, "ptp.v2.mm.parentclockidentity",
	       &d.parentPortIdentity.clockIdentity);
	mf_u(g, "ptp.v2.mm.parentsourceportid", 9);
	mf_u(g, "ptp.v2.mm.parentstats", 1);
	mf_u(g, "ptp.v2.mm.observedParentOffsetScaledLogVariance", 0x1234);
	mf_d(g, "ptp.v2.mm.observedParentClockPhaseChangeRate", -56789);
	mf_u(g, "ptp.v2.mm.grandmasterPriority1", 17);
	mf_u(g, "ptp.v2.mm.grandmasterclockclass", 6);
	mf_x(g, "ptp.v2.mm.grandmasterclockaccuracy", 0x21, 1);
	mf_u(g, "ptp.v2.mm.grandmasterclockvariance", 0x4e5d);
	mf_u(g, "ptp.v2.mm.grandmasterPriority2", 233);
	mf_cid(g, "ptp.v2.mm.grandmasterclockidentity",
	       &d.grandmasterIdentity);
	return 32;
}

static int resp_time_properties(struct gen *g, struct tlv_writer *w)
{
	struct time_properties_ds d = {
		.currentUtcOffset = 37, .currentUtcOffsetValid = true,
		.leap59 = true, .leap61 = false, .timeTraceable = true,
		.frequencyTraceable = false, .ptpTimescale = true,
		.timeSource = TS_ATOMIC_CLOCK,
	};

	mgmt_put_time_properties_ds(w, &d);
	mf_d(g, "ptp.v2.mm.currentutcoffset", 37);
	mf_u(g, "ptp.v2.mm.li61", 0);
	mf_u(g, "ptp.v2.mm.li59", 1);
	mf_u(g, "ptp.v2.mm.CurrentUTCOffsetValid", 1);
	mf_u(g, "ptp.v2.mm.ptptimescale", 1);
	mf_u(g, "ptp.v2.mm.timeTraceable", 1);
	mf_u(g, "ptp.v2.mm.frequencyTraceable", 0);
	mf_x(g, "ptp.v2.mm.timesource", TS_ATOMIC_CLOCK, 1);
	return 4;
}

static int resp_port(struct gen *g, struct tlv_writer *w)
{
	struct port_ds d = {
		.portIdentity = pid_make(0x5f, 3),
		.portState = PS_PASSIVE,
		.logMinDelayReqInterval = -2,
		.meanLinkDelay = (321LL << 16) + 0x2000,	/* 321.125 */
		.logAnnounceInterval = 1,
		.announceReceiptTimeout = 5,
		.logSyncInterval = -4,
		.delayMechanism = DM_P2P,
		.logMinPdelayReqInterval = -1,
		.versionNumber = 2, .minorVersionNumber = 1,
	};

	mgmt_put_port_ds(w, &d);
	mf_cid(g, "ptp.v2.mm.clockidentity", &d.portIdentity.clockIdentity);
	mf_u(g, "ptp.v2.mm.PortNumber", 3);
	mf_u(g, "ptp.v2.mm.portState", PS_PASSIVE);
	mf_d(g, "ptp.v2.mm.logMinDelayReqInterval", -2);
	mf_interval(g, "ptp.v2.mm.peerMeanPathDelay", d.meanLinkDelay);
	mf_d(g, "ptp.v2.mm.logAnnounceInterval", 1);
	mf_u(g, "ptp.v2.mm.announceReceiptTimeout", 5);
	mf_d(g, "ptp.v2.mm.logSyncInterval", -4);
	mf_u(g, "ptp.v2.mm.delayMechanism", DM_P2P);
	mf_d(g, "ptp.v2.mm.logMinPdelayReqInterval", -1);
	/* Wireshark masks the octet with 0x0f: versionNumber only. */
	mf_u(g, "ptp.v2.mm.versionNumber", 2);
	return 26;
}

static int resp_clock_description(struct gen *g, struct tlv_writer *w)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x0a };
	static const uint8_t ip[4] = { 192, 0, 2, 10 };
	struct mgmt_clock_description cd = {
		.clockType = CLOCK_TYPE_BOUNDARY,
		.physicalLayerProtocol = { 10, (const uint8_t *)"IEEE 802.3" },
		.physicalAddressLength = 6, .physicalAddress = mac,
		.networkProtocol = 1,
		.addressLength = 4, .addressField = ip,
		.manufacturerIdentity = { 0x0a, 0x1b, 0x2c },
		.productDescription = { 16,
			(const uint8_t *)"Meridian;BC;1.0a" },
		.revisionData = { 9, (const uint8_t *)"1;2;3.4.5" },
		.userDescription = { 10, (const uint8_t *)"rack 7;lab" },
		.profileIdentity = { 0x00, 0x1b, 0x19, 0x00, 0x01, 0x00 },
	};
	int len;

	mgmt_put_clock_description(w, &cd);
	mf_x(g, "ptp.v2.mm.clockType", CLOCK_TYPE_BOUNDARY, 2);
	mf_u(g, "ptp.v2.mm.physicalLayerProtocol.length", 10);
	mf_text(g, "ptp.v2.mm.physicalLayerProtocol", "IEEE 802.3");
	mf_u(g, "ptp.v2.mm.physicalAddressLength", 6);
	mf_bytes(g, "ptp.v2.mm.physicalAddress", mac, 6);
	mf_u(g, "ptp.v2.mm.networkProtocol", 1);
	mf_u(g, "ptp.v2.mm.protocolAddress.length", 4);
	/* Twice, as the PTPTexts: subtree and item. */
	mf(g, "ptp.v2.mm.protocolAddress", "c000020a,c000020a");
	mf_bytes(g, "ptp.v2.mm.manufacturerIdentity", cd.manufacturerIdentity,
		 3);
	mf_u(g, "ptp.v2.mm.productDescription.length", 16);
	mf_text(g, "ptp.v2.mm.productDescription", "Meridian;BC;1.0a");
	mf_u(g, "ptp.v2.mm.revisionData.length", 9);
	mf_text(g, "ptp.v2.mm.revisionData", "1;2;3.4.5");
	mf_u(g, "ptp.v2.mm.userDescription.length", 10);
	mf_text(g, "ptp.v2.mm.userDescription", "rack 7;lab");
	mf_bytes(g, "ptp.v2.mm.profileIdentity", cd.profileIdentity, 6);
	/* 2 + 1+10 + 2+6 + 2 + 2+4 + 3+1 + 1+16 + 1+9 + 1+10 + 6 = 77:
	 * odd, so the TLV carries one pad octet (the caller adds it). */
	len = 77;
	return len;
}

static void gen_mgmt_resp(struct gen *g, uint16_t id)
{
	uint8_t tlv[256];
	struct tlv_writer w;
	struct ptp_msg m;
	char what[64];
	int dlen = 0;

	mgmt_hdr(g, &m, PTP_MGMT_RESPONSE);
	tlv_writer_init(&w, tlv, sizeof(tlv));
	switch (id) {
	case MID_DEFAULT_DATA_SET:
		dlen = resp_default(g, &w);
		break;
	case MID_CURRENT_DATA_SET:
		dlen = resp_current(g, &w);
		break;
	case MID_PARENT_DATA_SET:
		dlen = resp_parent(g, &w);
		break;
	case MID_TIME_PROPERTIES_DATA_SET:
		dlen = resp_time_properties(g, &w);
		break;
	case MID_PORT_DATA_SET:
		dlen = resp_port(g, &w);
		break;
	case MID_CLOCK_DESCRIPTION:
		dlen = resp_clock_description(g, &w);
		break;
	}
	dlen += dlen & 1;
	mf_mgmt_tlv(g, TLV_MANAGEMENT, 2 + dlen, id);
	snprintf(what, sizeof(what), "Management RESPONSE 0x%04x", id);
	finish(g, &m, &w, 4 + 2 + dlen, what);
}

static void gen_mgmt_error(struct gen *g, int with_text)
{
	uint8_t tlv[64];
	struct tlv_writer w;
	struct ptp_msg m;
	/* 8 fixed + 1 + 14 text = 23, padded to 24. */
	int len = with_text ? 24 : 8;

	mgmt_hdr(g, &m, PTP_MGMT_RESPONSE);
	tlv_writer_init(&w, tlv, sizeof(tlv));
	mgmt_put_error(&w, with_text ? MERR_NOT_SUPPORTED : MERR_WRONG_VALUE,
		       MID_TIME, with_text ? "no such thing!" : NULL);
	mf_u(g, "ptp.v2.mm.tlvType", TLV_MANAGEMENT_ERROR_STATUS);
	mf_u(g, "ptp.v2.mm.lengthField", (uint64_t)len);
	mf_u(g, "ptp.v2.mm.managementErrorId", with_text ?
	     MERR_NOT_SUPPORTED : MERR_WRONG_VALUE);
	mf_u(g, "ptp.v2.mm.managementId", MID_TIME);
	if (with_text) {
		mf_u(g, "ptp.v2.mm.displayData.length", 14);
		mf_text(g, "ptp.v2.mm.displayData", "no such thing!");
	}
	finish(g, &m, &w, 4 + len, with_text ?
	       "MANAGEMENT_ERROR_STATUS with displayData" :
	       "MANAGEMENT_ERROR_STATUS");
}

/* ---- main -------------------------------------------------------------- */

static void gen_all(struct gen *g)
{
	unsigned i;
	int k;

	gen_sync(g);
	gen_delay_req(g);
	gen_pdelay_req(g);
	gen_pdelay_resp(g, PTP_PDELAY_RESP);
	gen_follow_up(g);
	gen_delay_resp(g);
	gen_pdelay_resp(g, PTP_PDELAY_RESP_FOLLOW_UP);
	gen_announce(g, 0);
	gen_announce(g, 1);
	for (k = 0; k < SIG_KINDS; k++) {
		gen_signaling(g, (enum sig_kind)k);
	}
	for (i = 0; i < sizeof(mgmt_ids) / sizeof(mgmt_ids[0]); i++) {
		gen_mgmt_get(g, mgmt_ids[i]);
		gen_mgmt_resp(g, mgmt_ids[i]);
	}
	gen_mgmt_error(g, 0);
	gen_mgmt_error(g, 1);
}

int main(int argc, char **argv)
{
	struct gen g = { .frame = 1 };
	int e;

	if (argc != 3) {
		fprintf(stderr, "usage: pcap_gen OUT.pcap MANIFEST.tsv\n");
		return 2;
	}
	g.pcap = pcap_writer_open(argv[1]);
	g.mf = fopen(argv[2], "w");
	if (!g.pcap || !g.mf) {
		perror("pcap_gen");
		return 2;
	}
	fprintf(g.mf, "# pcap_gen manifest: frame, tshark field, expected\n");
	for (e = 0; e < ENC_COUNT; e++) {
		g.enc = (enum encap)e;
		/* Each copy distinct: domain, sdo ids, identity, sequence. */
		g.domain = (uint8_t)(42 + e);
		/*
		 * 0 (default profiles), 3 and 2. Not 1: Wireshark 4.0 takes
		 * majorSdoId 1 over 802.3 as 802.1AS (gPTP) and dissects
		 * with its rules (no originTimestamp in Sync, Pdelay_Req
		 * and Announce; Signaling as 802.1AS interval requests).
		 */
		g.major_sdo = (uint8_t)(e == ENC_UDP4 ? 0x0 :
					e == ENC_UDP6 ? 0x3 : 0x2);
		g.minor_sdo = (uint8_t)(0x5a + e);
		g.src = pid_make((uint8_t)(0x5f + e), (uint16_t)(0x0102 + e));
		g.seq = (uint16_t)(0x1000 * (e + 1) + 0x0a0);
		g.msg_idx = 0;
		gen_all(&g);
	}
	fprintf(g.mf, "0\t-frames\t%u\n", g.frame - 1);
	if (fclose(g.pcap) || fclose(g.mf)) {
		perror("pcap_gen");
		return 2;
	}
	if (g.failed) {
		return 1;
	}
	printf("pcap_gen: %u frames to %s, manifest %s\n", g.frame - 1,
	       argv[1], argv[2]);
	return 0;
}
