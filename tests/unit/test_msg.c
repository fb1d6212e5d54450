/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of common/msg.c: every message type packed to bytes written by
 * hand from IEEE 1588-2019 clause 13 (Tables 35, 44-56), unpacked back to
 * its fields, round-tripped, and every way a received buffer can be bad.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>
#include <string.h>

#include "msg.h"
#include "tlv.h"

/* Hand-written header octets 20..29: sourcePortIdentity. */
#define PID_A	0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55, 0x00, 0x01
#define PID_B	0x0a, 0x0b, 0x0c, 0xff, 0xfe, 0x0d, 0x0e, 0x0f, 0x00, 0x02
#define PID_ALL	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
#define ZERO4	0x00, 0x00, 0x00, 0x00
#define ZERO8	ZERO4, ZERO4
#define ZERO10	ZERO8, 0x00, 0x00

static const struct port_identity pid_a = {
	{ { 0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 } }, 1
};
static const struct port_identity pid_b = {
	{ { 0x0a, 0x0b, 0x0c, 0xff, 0xfe, 0x0d, 0x0e, 0x0f } }, 2
};
static const struct port_identity pid_all = {
	{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } }, 0xffff
};

/* Sync, two-step, gPTP majorSdoId 1, domain 24, correction +1.5 ns. */
static const uint8_t v_sync[] = {
	0x10, 0x12, 0x00, 0x2c,	/* majorSdoId 1|SYNC, 2.1, length 44 */
	0x18, 0x00, 0x02, 0x00,	/* domain 24, minorSdoId 0, TWO_STEP */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00,	/* 0x18000 */
	ZERO4,			/* messageTypeSpecific */
	PID_A,
	0x12, 0x34, 0x00, 0xfd,	/* sequenceId, control 0, log -3 */
	0x00, 0x00, 0x65, 0x4f, 0x2a, 0x10,	/* seconds */
	0x3b, 0x9a, 0xc9, 0xff,	/* ns 999999999 */
};

/* Delay_Req, zero originTimestamp (as linuxptp sends). */
static const uint8_t v_delay_req[] = {
	0x01, 0x12, 0x00, 0x2c,
	0x00, 0x00, 0x00, 0x00,
	ZERO8, ZERO4,
	PID_B,
	0x00, 0x07, 0x01, 0x7f,	/* control 1 (Delay_Req), log 0x7F */
	ZERO10,
};

static const uint8_t v_follow_up[] = {
	0x08, 0x12, 0x00, 0x2c,
	0x00, 0x00, 0x00, 0x00,
	ZERO8, ZERO4,
	PID_A,
	0x12, 0x34, 0x02, 0xfd,	/* control 2 (Follow_Up) */
	0x00, 0x00, 0x65, 0x4f, 0x2a, 0x10,
	0x00, 0x00, 0x03, 0xe8,	/* 1000 ns */
};

/* Delay_Resp with correction -1 ns (-65536 scaled). */
static const uint8_t v_delay_resp[] = {
	0x09, 0x12, 0x00, 0x36,	/* length 54 */
	0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00,
	ZERO4,
	PID_A,
	0x00, 0x07, 0x03, 0xfd,	/* control 3 (Delay_Resp) */
	0x00, 0x00, 0x65, 0x4f, 0x2a, 0x11,
	ZERO4,
	PID_B,			/* requestingPortIdentity */
};

static const uint8_t v_pdelay_req[] = {
	0x02, 0x12, 0x00, 0x36,
	0x00, 0x00, 0x00, 0x00,
	ZERO8, ZERO4,
	PID_A,
	0x00, 0x05, 0x05, 0x7f,	/* control 5 (other) */
	ZERO10,			/* originTimestamp */
	ZERO10,			/* reserved */
};

static const uint8_t v_pdelay_resp[] = {
	0x03, 0x12, 0x00, 0x36,
	0x00, 0x00, 0x02, 0x00,	/* TWO_STEP */
	ZERO8, ZERO4,
	PID_B,
	0x00, 0x05, 0x05, 0x7f,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,
	0x1d, 0xcd, 0x65, 0x00,	/* 500000000 ns */
	PID_A,
};

static const uint8_t v_pdelay_fup[] = {
	0x0a, 0x12, 0x00, 0x36,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00,	/* 10 ns */
	ZERO4,
	PID_B,
	0x00, 0x05, 0x05, 0x7f,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,
	0x1d, 0xcd, 0x65, 0x64,	/* 500000100 ns */
	PID_A,
};

/* Announce (Table 44) from a GNSS grandmaster. */
static const uint8_t v_announce[] = {
	0x0b, 0x12, 0x00, 0x40,	/* length 64 */
	0x00, 0x00, 0x00, 0x3c,	/* UTC_VALID|PTP|TTRA|FTRA */
	ZERO8, ZERO4,
	PID_A,
	0x00, 0x09, 0x05, 0x01,	/* log 1 */
	ZERO10,			/* originTimestamp */
	0x00, 0x25,		/* currentUtcOffset 37 */
	0x00,			/* reserved */
	0x80,			/* priority1 128 */
	0x06, 0x21, 0x4e, 0x5d,	/* class 6, accuracy 0x21, var 0x4e5d */
	0x7f,			/* priority2 127 */
	0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
	0x00, 0x02,		/* stepsRemoved 2 */
	0x20,			/* timeSource GNSS */
};

/* Signaling with one REQUEST_UNICAST_TRANSMISSION TLV. */
static const uint8_t v_signaling[] = {
	0x0c, 0x12, 0x00, 0x36,
	0x00, 0x00, 0x04, 0x00,	/* UNICAST */
	ZERO8, ZERO4,
	PID_B,
	0x00, 0x01, 0x05, 0x7f,
	PID_ALL,		/* targetPortIdentity */
	0x00, 0x04, 0x00, 0x06, 0xb0, 0x01, 0x00, 0x00, 0x00, 0x3c,
};

/* Management GET CURRENT_DATA_SET (Table 56). */
static const uint8_t v_management[] = {
	0x0d, 0x12, 0x00, 0x36,
	0x00, 0x00, 0x00, 0x00,
	ZERO8, ZERO4,
	PID_B,
	0x00, 0x02, 0x04, 0x7f,	/* control 4 (Management) */
	PID_ALL,
	0x01, 0x01,		/* startingBoundaryHops, boundaryHops */
	0x00, 0x00,		/* reserved|GET, reserved */
	0x00, 0x01, 0x00, 0x02, 0x20, 0x01,
};

static void build_sync(struct ptp_msg *m)
{
	ptp_header_init(&m->hdr, PTP_SYNC);
	m->hdr.majorSdoId = 1;
	m->hdr.domainNumber = 24;
	m->hdr.flagField = PTP_FLAG_TWO_STEP;
	m->hdr.correctionField = 0x18000;
	m->hdr.sourcePortIdentity = pid_a;
	m->hdr.sequenceId = 0x1234;
	m->hdr.logMessageInterval = -3;
	m->body.sync.originTimestamp.seconds = 0x654f2a10;
	m->body.sync.originTimestamp.nanoseconds = 999999999;
}

static void build_delay_req(struct ptp_msg *m)
{
	ptp_header_init(&m->hdr, PTP_DELAY_REQ);
	m->hdr.sourcePortIdentity = pid_b;
	m->hdr.sequenceId = 7;
}

static void build_follow_up(struct ptp_msg *m)
{
	ptp_header_init(&m->hdr, PTP_FOLLOW_UP);
	m->hdr.sourcePortIdentity = pid_a;
	m->hdr.sequenceId = 0x1234;
	m->hdr.logMessageInterval = -3;
	m->body.follow_up.preciseOriginTimestamp.seconds = 0x654f2a10;
	m->body.follow_up.preciseOriginTimestamp.nanoseconds = 1000;
}

static void build_delay_resp(struct ptp_msg *m)
{
	ptp_header_init(&m->hdr, PTP_DELAY_RESP);
	m->hdr.correctionField = -65536;
	m->hdr.sourcePortIdentity = pid_a;
	m->hdr.sequenceId = 7;
	m->hdr.logMessageInterval = -3;
	m->body.delay_resp.receiveTimestamp.seconds = 0x654f2a11;
	m->body.delay_resp.requestingPortIdentity = pid_b;
}

static void build_pdelay_req(struct ptp_msg *m)
{
	ptp_header_init(&m->hdr, PTP_PDELAY_REQ);
	m->hdr.sourcePortIdentity = pid_a;
	m->hdr.sequenceId = 5;
}

static void build_pdelay_resp(struct ptp_msg *m)
{
	ptp_header_init(&m->hdr, PTP_PDELAY_RESP);
	m->hdr.flagField = PTP_FLAG_TWO_STEP;
	m->hdr.sourcePortIdentity = pid_b;
	m->hdr.sequenceId = 5;
	m->body.pdelay_resp.timestamp.seconds = 42;
	m->body.pdelay_resp.timestamp.nanoseconds = 500000000;
	m->body.pdelay_resp.requestingPortIdentity = pid_a;
}

static void build_pdelay_fup(struct ptp_msg *m)
{
	ptp_header_init(&m->hdr, PTP_PDELAY_RESP_FOLLOW_UP);
	m->hdr.correctionField = 10 << 16;
	m->hdr.sourcePortIdentity = pid_b;
	m->hdr.sequenceId = 5;
	m->body.pdelay_resp.timestamp.seconds = 42;
	m->body.pdelay_resp.timestamp.nanoseconds = 500000100;
	m->body.pdelay_resp.requestingPortIdentity = pid_a;
}

static void build_announce(struct ptp_msg *m)
{
	struct ptp_announce *a = &m->body.announce;

	ptp_header_init(&m->hdr, PTP_ANNOUNCE);
	m->hdr.flagField = PTP_FLAG_UTC_OFFSET_VALID | PTP_FLAG_PTP_TIMESCALE |
			   PTP_FLAG_TIME_TRACEABLE | PTP_FLAG_FREQ_TRACEABLE;
	m->hdr.sourcePortIdentity = pid_a;
	m->hdr.sequenceId = 9;
	m->hdr.logMessageInterval = 1;
	a->currentUtcOffset = 37;
	a->grandmasterPriority1 = 128;
	a->grandmasterClockQuality.clockClass = 6;
	a->grandmasterClockQuality.clockAccuracy = 0x21;
	a->grandmasterClockQuality.offsetScaledLogVariance = 0x4e5d;
	a->grandmasterPriority2 = 127;
	a->grandmasterIdentity = pid_a.clockIdentity;
	a->stepsRemoved = 2;
	a->timeSource = TS_GNSS;
}

static void build_signaling(struct ptp_msg *m)
{
	ptp_header_init(&m->hdr, PTP_SIGNALING);
	m->hdr.flagField = PTP_FLAG_UNICAST;
	m->hdr.sourcePortIdentity = pid_b;
	m->hdr.sequenceId = 1;
	m->body.signaling.targetPortIdentity = pid_all;
	m->tlv = v_signaling + 44;
	m->tlv_len = 10;
}

static void build_management(struct ptp_msg *m)
{
	ptp_header_init(&m->hdr, PTP_MANAGEMENT);
	m->hdr.sourcePortIdentity = pid_b;
	m->hdr.sequenceId = 2;
	m->body.management.targetPortIdentity = pid_all;
	m->body.management.startingBoundaryHops = 1;
	m->body.management.boundaryHops = 1;
	m->body.management.actionField = PTP_MGMT_GET;
	m->tlv = v_management + 48;
	m->tlv_len = 6;
}

struct vec {
	const char *name;
	int type;
	const uint8_t *bytes;
	size_t len;
	void (*build)(struct ptp_msg *m);
	int ts_off;		/* offset of a Timestamp, or -1 */
};

#define VEC(n, t, b, ts) { #n, t, b, sizeof(b), build_##n, ts }

static const struct vec vecs[] = {
	VEC(sync, PTP_SYNC, v_sync, 34),
	VEC(delay_req, PTP_DELAY_REQ, v_delay_req, 34),
	VEC(follow_up, PTP_FOLLOW_UP, v_follow_up, 34),
	VEC(delay_resp, PTP_DELAY_RESP, v_delay_resp, 34),
	VEC(pdelay_req, PTP_PDELAY_REQ, v_pdelay_req, 34),
	VEC(pdelay_resp, PTP_PDELAY_RESP, v_pdelay_resp, 34),
	VEC(pdelay_fup, PTP_PDELAY_RESP_FOLLOW_UP, v_pdelay_fup, 34),
	VEC(announce, PTP_ANNOUNCE, v_announce, 34),
	VEC(signaling, PTP_SIGNALING, v_signaling, -1),
	VEC(management, PTP_MANAGEMENT, v_management, -1),
};
#define NVEC	(sizeof(vecs) / sizeof(vecs[0]))

/* Lengths of the fixed part, straight from the brief/standard. */
static const size_t fixed_len[16] = {
	[PTP_SYNC] = 44, [PTP_DELAY_REQ] = 44, [PTP_FOLLOW_UP] = 44,
	[PTP_DELAY_RESP] = 54, [PTP_PDELAY_REQ] = 54, [PTP_PDELAY_RESP] = 54,
	[PTP_PDELAY_RESP_FOLLOW_UP] = 54, [PTP_ANNOUNCE] = 64,
	[PTP_SIGNALING] = 44, [PTP_MANAGEMENT] = 48,
};

static void assert_bytes(const char *what, const uint8_t *got,
			 const uint8_t *want, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		cr_assert_eq(got[i], want[i],
			     "%s: octet %zu is 0x%02x, want 0x%02x", what, i,
			     got[i], want[i]);
	}
}

static void assert_pid_eq(const char *what, const struct port_identity *a,
			  const struct port_identity *b)
{
	cr_assert_arr_eq(a->clockIdentity.id, b->clockIdentity.id, 8,
			 "%s: clockIdentity", what);
	cr_assert_eq(a->portNumber, b->portNumber, "%s: portNumber", what);
}

static void assert_ts_eq(const char *what, const struct ptp_timestamp *a,
			 const struct ptp_timestamp *b)
{
	cr_assert_eq(a->seconds, b->seconds, "%s: seconds", what);
	cr_assert_eq(a->nanoseconds, b->nanoseconds, "%s: ns", what);
}

/* Field by field: got (from unpack) against want (built by hand). */
static void assert_msg_eq(const char *n, const struct ptp_msg *got,
			  const struct ptp_msg *want)
{
	const struct ptp_header *g = &got->hdr, *w = &want->hdr;

	cr_assert_eq(g->majorSdoId, w->majorSdoId, "%s majorSdoId", n);
	cr_assert_eq(g->messageType, w->messageType, "%s messageType", n);
	cr_assert_eq(g->minorVersionPTP, w->minorVersionPTP, "%s minor", n);
	cr_assert_eq(g->versionPTP, w->versionPTP, "%s versionPTP", n);
	cr_assert_eq(g->domainNumber, w->domainNumber, "%s domain", n);
	cr_assert_eq(g->minorSdoId, w->minorSdoId, "%s minorSdoId", n);
	cr_assert_eq(g->flagField, w->flagField, "%s flagField", n);
	cr_assert_eq(g->correctionField, w->correctionField, "%s corr", n);
	cr_assert_eq(g->messageTypeSpecific, w->messageTypeSpecific,
		     "%s messageTypeSpecific", n);
	assert_pid_eq(n, &g->sourcePortIdentity, &w->sourcePortIdentity);
	cr_assert_eq(g->sequenceId, w->sequenceId, "%s sequenceId", n);
	cr_assert_eq(g->controlField, w->controlField, "%s control", n);
	cr_assert_eq(g->logMessageInterval, w->logMessageInterval,
		     "%s logMessageInterval", n);

	switch (w->messageType) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
		assert_ts_eq(n, &got->body.sync.originTimestamp,
			     &want->body.sync.originTimestamp);
		break;
	case PTP_FOLLOW_UP:
		assert_ts_eq(n, &got->body.follow_up.preciseOriginTimestamp,
			     &want->body.follow_up.preciseOriginTimestamp);
		break;
	case PTP_DELAY_RESP:
		assert_ts_eq(n, &got->body.delay_resp.receiveTimestamp,
			     &want->body.delay_resp.receiveTimestamp);
		assert_pid_eq(n, &got->body.delay_resp.requestingPortIdentity,
			      &want->body.delay_resp.requestingPortIdentity);
		break;
	case PTP_PDELAY_REQ:
		assert_ts_eq(n, &got->body.pdelay_req.originTimestamp,
			     &want->body.pdelay_req.originTimestamp);
		break;
	case PTP_PDELAY_RESP:
	case PTP_PDELAY_RESP_FOLLOW_UP:
		assert_ts_eq(n, &got->body.pdelay_resp.timestamp,
			     &want->body.pdelay_resp.timestamp);
		assert_pid_eq(n, &got->body.pdelay_resp.requestingPortIdentity,
			      &want->body.pdelay_resp.requestingPortIdentity);
		break;
	case PTP_ANNOUNCE: {
		const struct ptp_announce *ga = &got->body.announce;
		const struct ptp_announce *wa = &want->body.announce;

		assert_ts_eq(n, &ga->originTimestamp, &wa->originTimestamp);
		cr_assert_eq(ga->currentUtcOffset, wa->currentUtcOffset);
		const struct clock_quality *gq = &ga->grandmasterClockQuality;
		const struct clock_quality *wq = &wa->grandmasterClockQuality;

		cr_assert_eq(ga->grandmasterPriority1,
			     wa->grandmasterPriority1);
		cr_assert_eq(gq->clockClass, wq->clockClass);
		cr_assert_eq(gq->clockAccuracy, wq->clockAccuracy);
		cr_assert_eq(gq->offsetScaledLogVariance,
			     wq->offsetScaledLogVariance);
		cr_assert_eq(ga->grandmasterPriority2,
			     wa->grandmasterPriority2);
		cr_assert_arr_eq(ga->grandmasterIdentity.id,
				 wa->grandmasterIdentity.id, 8);
		cr_assert_eq(ga->stepsRemoved, wa->stepsRemoved);
		cr_assert_eq(ga->timeSource, wa->timeSource);
		break;
	}
	case PTP_SIGNALING:
		assert_pid_eq(n, &got->body.signaling.targetPortIdentity,
			      &want->body.signaling.targetPortIdentity);
		break;
	case PTP_MANAGEMENT: {
		const struct ptp_management *gm = &got->body.management;
		const struct ptp_management *wm = &want->body.management;

		assert_pid_eq(n, &gm->targetPortIdentity,
			      &wm->targetPortIdentity);
		cr_assert_eq(gm->startingBoundaryHops,
			     wm->startingBoundaryHops);
		cr_assert_eq(gm->boundaryHops, wm->boundaryHops);
		cr_assert_eq(gm->actionField, wm->actionField);
		break;
	}
	default:
		cr_assert_fail("%s: unexpected type %d", n, w->messageType);
	}
	cr_assert_eq(got->tlv_len, want->tlv_len, "%s tlv_len", n);
	if (want->tlv_len) {
		cr_assert_not_null(got->tlv);
		assert_bytes(n, got->tlv, want->tlv, want->tlv_len);
	}
}

TestSuite(msg, .timeout = 10);

/* Each parameterized test runs once per vector, by index into vecs[]. */
static struct criterion_test_params vec_params(void)
{
	static int idx[NVEC];
	size_t i;

	for (i = 0; i < NVEC; i++) {
		idx[i] = (int)i;
	}
	return cr_make_param_array(int, idx, NVEC);
}

#define PER_VECTOR(name)					\
	ParameterizedTestParameters(msg, name)			\
	{							\
		return vec_params();				\
	}							\
	ParameterizedTest(int *i, msg, name)


/* pack -> the exact hand-written bytes; unpack -> the fields; round trip. */
PER_VECTOR(every_type)
{
	const struct vec *v = &vecs[*i];
	struct ptp_msg want, got, again;
	uint8_t buf[PTP_MSG_MAX];
	int rc;

	cr_assert_eq(v->bytes[0] & 0xF, v->type, "%s: vector type", v->name);
	cr_assert_eq(ptp_msg_body_len(v->type) + PTP_HEADER_LEN,
		     (int)fixed_len[v->type], "%s: body length", v->name);

	memset(&want, 0, sizeof(want));
	v->build(&want);
	memset(buf, 0xa5, sizeof(buf));
	rc = ptp_msg_pack(&want, buf, sizeof(buf));
	cr_assert_eq(rc, (int)v->len, "%s: pack returned %d", v->name, rc);
	assert_bytes(v->name, buf, v->bytes, v->len);
	cr_assert_eq(buf[v->len], 0xa5, "%s: wrote past the end", v->name);

	/* messageLength is computed: whatever the caller left is ignored. */
	want.hdr.messageLength = 999;
	cr_assert_eq(ptp_msg_pack(&want, buf, sizeof(buf)), (int)v->len);
	want.hdr.messageLength = (uint16_t)v->len;
	assert_bytes(v->name, buf, v->bytes, v->len);

	rc = ptp_msg_unpack(v->bytes, v->len, &got);
	cr_assert_eq(rc, 0, "%s: unpack: %s", v->name, ptp_err_str(rc));
	cr_assert_eq(got.hdr.messageLength, v->len);
	assert_msg_eq(v->name, &got, &want);

	memset(buf, 0, sizeof(buf));
	rc = ptp_msg_pack(&got, buf, sizeof(buf));
	cr_assert_eq(rc, (int)v->len);
	assert_bytes(v->name, buf, v->bytes, v->len);
	cr_assert_eq(ptp_msg_unpack(buf, (size_t)rc, &again), 0);
	assert_msg_eq(v->name, &again, &want);
}

/* Truncated at every length: short of the fixed part -> E_SHORT, fixed part
 * present but messageLength beyond the buffer -> E_LENGTH. */
PER_VECTOR(truncated_everywhere)
{
	const struct vec *v = &vecs[*i];
	size_t fixed = fixed_len[v->type], len;
	struct ptp_msg m;
	int rc, want;

	for (len = 0; len < v->len; len++) {
		rc = ptp_msg_unpack(v->bytes, len, &m);
		want = len < fixed ? -PTP_E_SHORT : -PTP_E_LENGTH;
		cr_assert_eq(rc, want, "%s cut at %zu: %s, want %s", v->name,
			     len, ptp_err_str(rc), ptp_err_str(want));
	}
	cr_assert_eq(ptp_msg_unpack(NULL, 0, &m), -PTP_E_SHORT);
}

/* Ethernet pads short frames: bytes after messageLength are ignored. */
PER_VECTOR(trailing_padding_ignored)
{
	const struct vec *v = &vecs[*i];
	uint8_t buf[128];
	struct ptp_msg m;

	memset(buf, 0xa5, sizeof(buf));
	memcpy(buf, v->bytes, v->len);
	cr_assert_eq(ptp_msg_unpack(buf, v->len + 1, &m), 0, "%s +1", v->name);
	cr_assert_eq(ptp_msg_unpack(buf, v->len + 3, &m), 0, "%s +3", v->name);
	cr_assert_eq(ptp_msg_unpack(buf, sizeof(buf), &m), 0, "%s", v->name);
	cr_assert_eq(m.hdr.messageLength, v->len);
	cr_assert_eq(m.tlv_len, v->len - fixed_len[v->type]);
}

PER_VECTOR(message_length_beyond_buffer)
{
	const struct vec *v = &vecs[*i];
	uint8_t buf[128];
	struct ptp_msg m;

	memcpy(buf, v->bytes, v->len);
	put_be16(buf + 2, (uint16_t)(v->len + 1));
	cr_assert_eq(ptp_msg_unpack(buf, v->len, &m), -PTP_E_LENGTH);
	put_be16(buf + 2, 0xffff);
	cr_assert_eq(ptp_msg_unpack(buf, v->len, &m), -PTP_E_LENGTH);
}

PER_VECTOR(message_length_below_body)
{
	const struct vec *v = &vecs[*i];
	size_t fixed = fixed_len[v->type];
	static const uint16_t bad[] = { 0, 1, 33, 34 };
	uint8_t buf[128];
	struct ptp_msg m;
	size_t k;

	memcpy(buf, v->bytes, v->len);
	put_be16(buf + 2, (uint16_t)(fixed - 1));
	cr_assert_eq(ptp_msg_unpack(buf, v->len, &m), -PTP_E_LENGTH,
		     "%s: length %zu", v->name, fixed - 1);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		put_be16(buf + 2, bad[k]);
		cr_assert_eq(ptp_msg_unpack(buf, v->len, &m), -PTP_E_LENGTH,
			     "%s: length %u", v->name, bad[k]);
	}
}

PER_VECTOR(wrong_version)
{
	const struct vec *v = &vecs[*i];
	static const uint8_t bad[] = { 0x11, 0x13, 0x01, 0x03, 0x00, 0x0f };
	uint8_t buf[128];
	struct ptp_msg m;
	size_t k;

	memcpy(buf, v->bytes, v->len);
	for (k = 0; k < sizeof(bad); k++) {
		buf[1] = bad[k];
		cr_assert_eq(ptp_msg_unpack(buf, v->len, &m), -PTP_E_VERSION,
			     "%s: version octet 0x%02x", v->name, bad[k]);
	}
	/* minorVersionPTP 0 (2008: linuxptp 3.1, ptpd 2.3) is accepted. */
	buf[1] = 0x02;
	cr_assert_eq(ptp_msg_unpack(buf, v->len, &m), 0);
	cr_assert_eq(m.hdr.minorVersionPTP, 0);
	cr_assert_eq(m.hdr.versionPTP, 2);
}

/* nanoseconds = 10^9 (and more) in every message's Timestamp. */
PER_VECTOR(bad_nanoseconds)
{
	const struct vec *v = &vecs[*i];
	uint8_t buf[128];
	struct ptp_msg m;

	if (v->ts_off < 0) {
		cr_assert_eq(ptp_msg_unpack(v->bytes, v->len, &m), 0);
		return;
	}
	memcpy(buf, v->bytes, v->len);
	put_be32(buf + v->ts_off + 6, 1000000000);
	cr_assert_eq(ptp_msg_unpack(buf, v->len, &m), -PTP_E_TIMESTAMP,
		     "%s", v->name);
	put_be32(buf + v->ts_off + 6, 0xffffffff);
	cr_assert_eq(ptp_msg_unpack(buf, v->len, &m), -PTP_E_TIMESTAMP,
		     "%s", v->name);
	put_be32(buf + v->ts_off + 6, 999999999);
	cr_assert_eq(ptp_msg_unpack(buf, v->len, &m), 0, "%s", v->name);
}

Test(msg, reserved_message_types)
{
	static const uint8_t reserved[] = { 4, 5, 6, 7, 0xe, 0xf };
	uint8_t buf[64];
	struct ptp_msg m;
	size_t k;

	/* A buffer big enough for any body, so only the type can fail. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, v_announce, sizeof(v_announce));
	for (k = 0; k < sizeof(reserved); k++) {
		buf[0] = reserved[k];
		cr_assert_eq(ptp_msg_unpack(buf, sizeof(buf), &m),
			     -PTP_E_TYPE, "type %u", reserved[k]);
		cr_assert_eq(ptp_msg_body_len(reserved[k]), -1);
		cr_assert_str_eq(ptp_msg_type_str(reserved[k]), "?");
	}
	cr_assert_eq(ptp_msg_body_len(16), -1);
	cr_assert_eq(ptp_msg_body_len(-1), -1);
}

Test(msg, tlv_framing_errors)
{
	uint8_t buf[128];
	struct ptp_msg m;
	size_t stray;

	/* TLV lengthField one more than what is there. */
	memcpy(buf, v_signaling, sizeof(v_signaling));
	put_be16(buf + 46, 7);
	cr_assert_eq(ptp_msg_unpack(buf, sizeof(v_signaling), &m),
		     -PTP_E_TLV);
	put_be16(buf + 46, 0xffff);
	cr_assert_eq(ptp_msg_unpack(buf, sizeof(v_signaling), &m),
		     -PTP_E_TLV);

	/* 1..3 octets after the body: a truncated TLV header. */
	for (stray = 1; stray < 4; stray++) {
		memcpy(buf, v_signaling, sizeof(v_signaling));
		put_be16(buf + 2, (uint16_t)(44 + stray));
		cr_assert_eq(ptp_msg_unpack(buf, sizeof(v_signaling), &m),
			     -PTP_E_TLV, "%zu stray octets", stray);
	}
	/* ... and after a whole TLV. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, v_signaling, sizeof(v_signaling));
	put_be16(buf + 2, sizeof(v_signaling) + 2);
	cr_assert_eq(ptp_msg_unpack(buf, sizeof(v_signaling) + 2, &m),
		     -PTP_E_TLV);

	/* A Sync may carry TLVs too: header of 4 zero octets is fine. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, v_sync, sizeof(v_sync));
	put_be16(buf + 2, 48);
	cr_assert_eq(ptp_msg_unpack(buf, 48, &m), 0);
	cr_assert_eq(m.tlv_len, 4);
	put_be16(buf + 46, 1);
	cr_assert_eq(ptp_msg_unpack(buf, 48, &m), -PTP_E_TLV);
}

Test(msg, management_without_tlv)
{
	static const uint8_t pad_tlv[] = { 0x80, 0x08, 0x00, 0x02, 0, 0 };
	uint8_t buf[128];
	struct ptp_msg m;

	memcpy(buf, v_management, 48);
	put_be16(buf + 2, 48);
	cr_assert_eq(ptp_msg_unpack(buf, 48, &m), -PTP_E_MGMT);

	/* First TLV neither MANAGEMENT nor MANAGEMENT_ERROR_STATUS. */
	memcpy(buf + 48, pad_tlv, sizeof(pad_tlv));
	put_be16(buf + 2, 54);
	cr_assert_eq(ptp_msg_unpack(buf, 54, &m), -PTP_E_MGMT);

	/* MANAGEMENT_ERROR_STATUS is accepted at this level. */
	put_be16(buf + 48, TLV_MANAGEMENT_ERROR_STATUS);
	cr_assert_eq(ptp_msg_unpack(buf, 54, &m), 0);
	cr_assert_eq(m.tlv_len, 6);
}

/* Every flagField bit lands where Table 37 puts it and comes back. */
Test(msg, every_flag_bit)
{
	uint8_t buf[64];
	struct ptp_msg m, got;
	int bit;

	for (bit = 0; bit < 16; bit++) {
		memset(&m, 0, sizeof(m));
		build_sync(&m);
		m.hdr.flagField = (uint16_t)(1u << bit);
		cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), 44);
		cr_assert_eq(buf[6], bit >= 8 ? 1u << (bit - 8) : 0,
			     "bit %d octet 0", bit);
		cr_assert_eq(buf[7], bit < 8 ? 1u << bit : 0,
			     "bit %d octet 1", bit);
		cr_assert_eq(ptp_msg_unpack(buf, 44, &got), 0);
		cr_assert_eq(got.hdr.flagField, 1u << bit, "bit %d", bit);
	}
}

/* The named flags against Table 37 (octet, bit). */
Test(msg, flag_names_match_table_37)
{
	static const struct { uint16_t flag; int octet, bit; } t[] = {
		{ PTP_FLAG_ALTERNATE_MASTER, 0, 0 },
		{ PTP_FLAG_TWO_STEP, 0, 1 },
		{ PTP_FLAG_UNICAST, 0, 2 },
		{ PTP_FLAG_PROFILE_SPECIFIC_1, 0, 5 },
		{ PTP_FLAG_PROFILE_SPECIFIC_2, 0, 6 },
		{ PTP_FLAG_LEAP61, 1, 0 },
		{ PTP_FLAG_LEAP59, 1, 1 },
		{ PTP_FLAG_UTC_OFFSET_VALID, 1, 2 },
		{ PTP_FLAG_PTP_TIMESCALE, 1, 3 },
		{ PTP_FLAG_TIME_TRACEABLE, 1, 4 },
		{ PTP_FLAG_FREQ_TRACEABLE, 1, 5 },
		{ PTP_FLAG_SYNC_UNCERTAIN, 1, 6 },
	};
	uint8_t buf[64];
	struct ptp_msg m;
	size_t k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		memset(&m, 0, sizeof(m));
		build_sync(&m);
		m.hdr.flagField = t[k].flag;
		cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), 44);
		cr_assert_eq(buf[6 + t[k].octet], 1u << t[k].bit, "flag %zu",
			     k);
		cr_assert_eq(buf[6 + !t[k].octet], 0, "flag %zu", k);
	}
}

Test(msg, correction_field_values)
{
	static const struct { int64_t v; uint8_t b[8]; } t[] = {
		{ -1, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ -65536, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 } },
		{ -0x123456789abLL,
		  { 0xff, 0xff, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x55 } },
		{ INT64_MIN, { 0x80, 0, 0, 0, 0, 0, 0, 0 } },
		{ INT64_MAX,
		  { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ 0x0102030405060708LL, { 1, 2, 3, 4, 5, 6, 7, 8 } },
	};
	uint8_t buf[64];
	struct ptp_msg m, got;
	size_t k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		memset(&m, 0, sizeof(m));
		build_follow_up(&m);
		m.hdr.correctionField = t[k].v;
		cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), 44);
		assert_bytes("correction", buf + 8, t[k].b, 8);
		cr_assert_eq(ptp_msg_unpack(buf, 44, &got), 0);
		cr_assert_eq(got.hdr.correctionField, t[k].v, "case %zu", k);
	}
}

Test(msg, seconds_48_bit_max)
{
	static const uint8_t max[10] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0x3b, 0x9a, 0xc9, 0xff };
	uint8_t buf[64];
	struct ptp_msg m, got;

	memset(&m, 0, sizeof(m));
	build_sync(&m);
	m.body.sync.originTimestamp.seconds = 0xffffffffffffULL;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), 44);
	assert_bytes("seconds", buf + 34, max, 10);
	cr_assert_eq(ptp_msg_unpack(buf, 44, &got), 0);
	cr_assert_eq(got.body.sync.originTimestamp.seconds, 0xffffffffffffULL);
	cr_assert_eq(got.body.sync.originTimestamp.nanoseconds, 999999999);

	m.body.sync.originTimestamp.seconds = 1ULL << 48;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), -PTP_E_INVAL);
}

Test(msg, other_header_extremes)
{
	uint8_t buf[64];
	struct ptp_msg m, got;

	memset(&m, 0, sizeof(m));
	build_sync(&m);
	m.hdr.sequenceId = 0xffff;
	m.hdr.majorSdoId = 0xf;
	m.hdr.minorVersionPTP = 0;
	m.hdr.minorSdoId = 0xab;
	m.hdr.domainNumber = 255;
	m.hdr.messageTypeSpecific = 0xdeadbeef;
	m.hdr.logMessageInterval = -128;
	m.hdr.sourcePortIdentity.portNumber = 0xffff;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), 44);
	cr_assert_eq(buf[0], 0xf0);
	cr_assert_eq(buf[1], 0x02);
	cr_assert_eq(buf[4], 255);
	cr_assert_eq(buf[5], 0xab);
	cr_assert_eq(get_be32(buf + 16), 0xdeadbeef);
	cr_assert_eq(buf[28], 0xff);
	cr_assert_eq(buf[29], 0xff);
	cr_assert_eq(buf[30], 0xff);
	cr_assert_eq(buf[31], 0xff);
	cr_assert_eq(buf[33], 0x80);
	cr_assert_eq(ptp_msg_unpack(buf, 44, &got), 0);
	assert_msg_eq("extremes", &got, &m);
}

/* Reserved octets are sent as zero even if the received ones were not,
 * and the reserved nibble of actionField is dropped. */
Test(msg, reserved_fields_zero_on_pack)
{
	uint8_t buf[128], out[128];
	struct ptp_msg m;

	memcpy(buf, v_announce, sizeof(v_announce));
	buf[34 + 12] = 0x5a;	/* Announce reserved */
	cr_assert_eq(ptp_msg_unpack(buf, sizeof(v_announce), &m), 0);
	cr_assert_eq(ptp_msg_pack(&m, out, sizeof(out)), 64);
	assert_bytes("announce", out, v_announce, sizeof(v_announce));

	memcpy(buf, v_pdelay_req, sizeof(v_pdelay_req));
	memset(buf + 44, 0x77, 10);
	cr_assert_eq(ptp_msg_unpack(buf, sizeof(v_pdelay_req), &m), 0);
	cr_assert_eq(ptp_msg_pack(&m, out, sizeof(out)), 54);
	assert_bytes("pdelay_req", out, v_pdelay_req, sizeof(v_pdelay_req));

	memcpy(buf, v_management, sizeof(v_management));
	buf[46] = 0xf3;		/* reserved nibble | COMMAND */
	buf[47] = 0x99;
	cr_assert_eq(ptp_msg_unpack(buf, sizeof(v_management), &m), 0);
	cr_assert_eq(m.body.management.actionField, PTP_MGMT_COMMAND);
	cr_assert_eq(ptp_msg_pack(&m, out, sizeof(out)), 54);
	cr_assert_eq(out[46], 0x03);
	cr_assert_eq(out[47], 0x00);
}

/* Re-packing into the buffer the message was decoded from. */
Test(msg, pack_in_place)
{
	uint8_t buf[64];
	struct ptp_msg m;

	memcpy(buf, v_signaling, sizeof(v_signaling));
	cr_assert_eq(ptp_msg_unpack(buf, sizeof(v_signaling), &m), 0);
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), 54);
	assert_bytes("in place", buf, v_signaling, sizeof(v_signaling));
}

Test(msg, pack_errors)
{
	static const uint8_t bad_tlv[] = { 0x00, 0x08, 0x00, 0x09, 0 };
	uint8_t buf[PTP_MSG_MAX + 64];
	static uint8_t big[PTP_MSG_MAX];
	struct ptp_msg m;

	memset(&m, 0, sizeof(m));
	build_delay_resp(&m);
	cr_assert_eq(ptp_msg_pack(&m, buf, 53), -PTP_E_NOSPACE);
	cr_assert_eq(ptp_msg_pack(&m, buf, 0), -PTP_E_NOSPACE);
	cr_assert_eq(ptp_msg_pack(&m, NULL, 0), -PTP_E_NOSPACE);
	cr_assert_eq(ptp_msg_pack(&m, buf, 54), 54);

	m.hdr.messageType = 4;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), -PTP_E_INVAL);
	m.hdr.messageType = PTP_DELAY_RESP;
	m.hdr.majorSdoId = 16;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), -PTP_E_INVAL);
	m.hdr.majorSdoId = 0;
	m.hdr.versionPTP = 16;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), -PTP_E_INVAL);
	m.hdr.versionPTP = 2;
	m.body.delay_resp.receiveTimestamp.nanoseconds = 1000000000;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), -PTP_E_INVAL);
	m.body.delay_resp.receiveTimestamp.nanoseconds = 0;

	m.tlv = NULL;
	m.tlv_len = 4;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), -PTP_E_INVAL);
	m.tlv = bad_tlv;
	m.tlv_len = sizeof(bad_tlv);
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), -PTP_E_INVAL);
	/* One PAD TLV that makes the message exceed PTP_MSG_MAX. */
	put_be16(big, TLV_PAD);
	put_be16(big + 2, PTP_MSG_MAX - 54 - 4 + 1);
	m.tlv = big;
	m.tlv_len = PTP_MSG_MAX - 54 + 1;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), -PTP_E_INVAL);
	put_be16(big + 2, PTP_MSG_MAX - 54 - 4);
	m.tlv_len = PTP_MSG_MAX - 54;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), PTP_MSG_MAX);

	memset(&m, 0, sizeof(m));
	build_management(&m);
	m.body.management.actionField = 16;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), -PTP_E_INVAL);
	m.body.management.actionField = PTP_MGMT_GET;
	m.tlv = NULL;
	m.tlv_len = 0;
	cr_assert_eq(ptp_msg_pack(&m, buf, sizeof(buf)), -PTP_E_MGMT);
}

Test(msg, message_length_above_max)
{
	static uint8_t buf[PTP_MSG_MAX + 8];
	struct ptp_msg m;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, v_sync, sizeof(v_sync));
	put_be16(buf + 2, PTP_MSG_MAX);
	put_be16(buf + 44, TLV_PAD);
	put_be16(buf + 46, PTP_MSG_MAX - 48);
	cr_assert_eq(ptp_msg_unpack(buf, sizeof(buf), &m), 0);
	cr_assert_eq(m.tlv_len, PTP_MSG_MAX - 44);
	put_be16(buf + 2, PTP_MSG_MAX + 4);
	put_be16(buf + 46, PTP_MSG_MAX - 44);
	cr_assert_eq(ptp_msg_unpack(buf, sizeof(buf), &m), -PTP_E_LENGTH);
}

Test(msg, header_init_defaults)
{
	static const struct { int type; uint8_t ctl; } t[] = {
		{ PTP_SYNC, 0 }, { PTP_DELAY_REQ, 1 }, { PTP_FOLLOW_UP, 2 },
		{ PTP_DELAY_RESP, 3 }, { PTP_MANAGEMENT, 4 },
		{ PTP_PDELAY_REQ, 5 }, { PTP_PDELAY_RESP, 5 },
		{ PTP_PDELAY_RESP_FOLLOW_UP, 5 }, { PTP_ANNOUNCE, 5 },
		{ PTP_SIGNALING, 5 },
	};
	struct ptp_header h;
	size_t k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		memset(&h, 0x5a, sizeof(h));
		ptp_header_init(&h, t[k].type);
		cr_assert_eq(h.messageType, t[k].type);
		cr_assert_eq(h.controlField, t[k].ctl, "type %d", t[k].type);
		cr_assert_eq(h.versionPTP, 2);
		cr_assert_eq(h.minorVersionPTP, 1);
		cr_assert_eq(h.logMessageInterval, 0x7f);
		cr_assert_eq(h.flagField, 0);
		cr_assert_eq(h.correctionField, 0);
		cr_assert_eq(h.majorSdoId, 0);
		cr_assert_eq(h.sequenceId, 0);
	}
}

Test(msg, names)
{
	const char *seen[PTP_E_COUNT];
	int e, k;

	for (e = 0; e < PTP_E_COUNT; e++) {
		seen[e] = ptp_err_str(-e);
		cr_assert_not_null(seen[e]);
		cr_assert_str_eq(seen[e], ptp_err_str(e));
		for (k = 0; k < e; k++) {
			cr_assert_str_neq(seen[k], seen[e], "%d and %d", k, e);
		}
	}
	cr_assert_str_eq(ptp_err_str(PTP_E_COUNT), "unknown error");
	cr_assert_str_eq(ptp_err_str(-1000), "unknown error");
	cr_assert_str_eq(ptp_msg_type_str(PTP_SYNC), "SYNC");
	cr_assert_str_eq(ptp_msg_type_str(PTP_ANNOUNCE), "ANNOUNCE");
	cr_assert_str_eq(ptp_msg_type_str(PTP_PDELAY_RESP_FOLLOW_UP),
			 "PDELAY_RESP_FOLLOW_UP");
	cr_assert_str_eq(ptp_msg_type_str(PTP_MANAGEMENT), "MANAGEMENT");
	cr_assert_str_eq(ptp_msg_type_str(-1), "?");
	cr_assert_str_eq(ptp_msg_type_str(99), "?");
	cr_assert(PTP_MSG_IS_EVENT(PTP_PDELAY_RESP));
	cr_assert(!PTP_MSG_IS_EVENT(PTP_FOLLOW_UP));
}
