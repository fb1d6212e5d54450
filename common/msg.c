// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * msg.c - PTP message header and bodies (IEEE 1588-2019 clause 13).
 *
 * Offsets below are from the start of the message (header) or of the body
 * (PTP_HEADER_LEN onwards), as in Tables 35 and 44-55 of the standard.
 */
#include <string.h>

#include "codec_util.h"
#include "msg.h"
#include "tlv.h"

/* Header field offsets (Table 35). */
#define H_TYPE		0	/* majorSdoId:4 | messageType:4 */
#define H_VERSION	1	/* minorVersionPTP:4 | versionPTP:4 */
#define H_LENGTH	2
#define H_DOMAIN	4
#define H_MINOR_SDO	5
#define H_FLAGS		6
#define H_CORRECTION	8
#define H_TYPE_SPECIFIC	16
#define H_SOURCE_PID	20
#define H_SEQUENCE	30
#define H_CONTROL	32
#define H_LOG_INTERVAL	33

/* Announce body offsets (Table 44), from the end of the header. */
#define A_UTC_OFFSET	10
#define A_RESERVED	12
#define A_PRIORITY1	13
#define A_QUALITY	14
#define A_PRIORITY2	18
#define A_GM_IDENTITY	19
#define A_STEPS		27
#define A_TIME_SOURCE	29

/* Management body offsets (Table 56). */
#define M_STARTING_HOPS	10
#define M_HOPS		11
#define M_ACTION	12	/* reserved:4 | actionField:4 */
#define M_RESERVED	13

#define PTP_VERSION_2	2

static const char *const err_names[PTP_E_COUNT] = {
	[PTP_OK] = "ok",
	[PTP_E_SHORT] = "short buffer",
	[PTP_E_VERSION] = "bad versionPTP",
	[PTP_E_LENGTH] = "bad messageLength",
	[PTP_E_TYPE] = "reserved messageType",
	[PTP_E_TIMESTAMP] = "bad timestamp",
	[PTP_E_TLV] = "bad TLV framing",
	[PTP_E_TLV_BODY] = "bad TLV body",
	[PTP_E_MGMT] = "management TLV missing",
	[PTP_E_NOSPACE] = "no space",
	[PTP_E_INVAL] = "invalid field",
};

const char *ptp_err_str(int err)
{
	if (err < 0) {
		err = -err;
	}
	if (err >= PTP_E_COUNT) {
		return "unknown error";
	}
	return err_names[err];
}

static const char *const type_names[16] = {
	[PTP_SYNC] = "SYNC",
	[PTP_DELAY_REQ] = "DELAY_REQ",
	[PTP_PDELAY_REQ] = "PDELAY_REQ",
	[PTP_PDELAY_RESP] = "PDELAY_RESP",
	[PTP_FOLLOW_UP] = "FOLLOW_UP",
	[PTP_DELAY_RESP] = "DELAY_RESP",
	[PTP_PDELAY_RESP_FOLLOW_UP] = "PDELAY_RESP_FOLLOW_UP",
	[PTP_ANNOUNCE] = "ANNOUNCE",
	[PTP_SIGNALING] = "SIGNALING",
	[PTP_MANAGEMENT] = "MANAGEMENT",
};

const char *ptp_msg_type_str(int type)
{
	if (type < 0 || type > 15 || !type_names[type]) {
		return "?";
	}
	return type_names[type];
}

/* Body octets per messageType; 0 marks a reserved type. */
static const uint8_t body_lens[16] = {
	[PTP_SYNC] = 10,
	[PTP_DELAY_REQ] = 10,
	[PTP_PDELAY_REQ] = 20,
	[PTP_PDELAY_RESP] = 20,
	[PTP_FOLLOW_UP] = 10,
	[PTP_DELAY_RESP] = 20,
	[PTP_PDELAY_RESP_FOLLOW_UP] = 20,
	[PTP_ANNOUNCE] = 30,
	[PTP_SIGNALING] = 10,
	[PTP_MANAGEMENT] = 14,
};

int ptp_msg_body_len(int type)
{
	if (type < 0 || type > 15 || !body_lens[type]) {
		return -1;
	}
	return body_lens[type];
}

static uint8_t control_field(int type)
{
	switch (type) {
	case PTP_SYNC:
		return PTP_CTL_SYNC;
	case PTP_DELAY_REQ:
		return PTP_CTL_DELAY_REQ;
	case PTP_FOLLOW_UP:
		return PTP_CTL_FOLLOW_UP;
	case PTP_DELAY_RESP:
		return PTP_CTL_DELAY_RESP;
	case PTP_MANAGEMENT:
		return PTP_CTL_MANAGEMENT;
	default:
		return PTP_CTL_OTHER;
	}
}

void ptp_header_init(struct ptp_header *h, int type)
{
	memset(h, 0, sizeof(*h));
	h->messageType = (uint8_t)(type & 0xF);
	h->versionPTP = PTP_VERSION_2;
	h->minorVersionPTP = 1;
	h->controlField = control_field(type);
	h->logMessageInterval = PTP_LOG_INTERVAL_UNSPEC;
}

static void header_get(const uint8_t *p, struct ptp_header *h)
{
	h->majorSdoId = p[H_TYPE] >> 4;
	h->messageType = p[H_TYPE] & 0xF;
	h->minorVersionPTP = p[H_VERSION] >> 4;
	h->versionPTP = p[H_VERSION] & 0xF;
	h->messageLength = get_be16(p + H_LENGTH);
	h->domainNumber = p[H_DOMAIN];
	h->minorSdoId = p[H_MINOR_SDO];
	h->flagField = get_be16(p + H_FLAGS);
	h->correctionField = (int64_t)get_be64(p + H_CORRECTION);
	h->messageTypeSpecific = get_be32(p + H_TYPE_SPECIFIC);
	codec_get_pid(p + H_SOURCE_PID, &h->sourcePortIdentity);
	h->sequenceId = get_be16(p + H_SEQUENCE);
	h->controlField = p[H_CONTROL];
	h->logMessageInterval = (int8_t)p[H_LOG_INTERVAL];
}

static void header_put(uint8_t *p, const struct ptp_header *h, uint16_t len)
{
	p[H_TYPE] = (uint8_t)(h->majorSdoId << 4 | h->messageType);
	p[H_VERSION] = (uint8_t)(h->minorVersionPTP << 4 | h->versionPTP);
	put_be16(p + H_LENGTH, len);
	p[H_DOMAIN] = h->domainNumber;
	p[H_MINOR_SDO] = h->minorSdoId;
	put_be16(p + H_FLAGS, h->flagField);
	put_be64(p + H_CORRECTION, (uint64_t)h->correctionField);
	put_be32(p + H_TYPE_SPECIFIC, h->messageTypeSpecific);
	codec_put_pid(p + H_SOURCE_PID, &h->sourcePortIdentity);
	put_be16(p + H_SEQUENCE, h->sequenceId);
	p[H_CONTROL] = h->controlField;
	p[H_LOG_INTERVAL] = (uint8_t)h->logMessageInterval;
}

/* The timestamp every body except Signaling and Management starts with. */
static struct ptp_timestamp *body_ts(struct ptp_msg *m)
{
	switch (m->hdr.messageType) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
		return &m->body.sync.originTimestamp;
	case PTP_FOLLOW_UP:
		return &m->body.follow_up.preciseOriginTimestamp;
	case PTP_DELAY_RESP:
		return &m->body.delay_resp.receiveTimestamp;
	case PTP_PDELAY_REQ:
		return &m->body.pdelay_req.originTimestamp;
	case PTP_PDELAY_RESP:
	case PTP_PDELAY_RESP_FOLLOW_UP:
		return &m->body.pdelay_resp.timestamp;
	case PTP_ANNOUNCE:
		return &m->body.announce.originTimestamp;
	default:
		return NULL;
	}
}

static const struct ptp_timestamp *body_ts_const(const struct ptp_msg *m)
{
	return body_ts((struct ptp_msg *)m);
}

/* Decode the body at b (its fixed length already checked). Reserved
 * fields are skipped. */
static void body_get(const uint8_t *b, struct ptp_msg *m)
{
	struct ptp_announce *a = &m->body.announce;
	struct ptp_management *mg = &m->body.management;
	struct ptp_timestamp *ts = body_ts(m);

	if (ts) {
		codec_get_ts(b, ts);
	}
	switch (m->hdr.messageType) {
	case PTP_DELAY_RESP:
		codec_get_pid(b + CODEC_TS_LEN,
			      &m->body.delay_resp.requestingPortIdentity);
		break;
	case PTP_PDELAY_RESP:
	case PTP_PDELAY_RESP_FOLLOW_UP:
		codec_get_pid(b + CODEC_TS_LEN,
			      &m->body.pdelay_resp.requestingPortIdentity);
		break;
	case PTP_ANNOUNCE:
		a->currentUtcOffset = (int16_t)get_be16(b + A_UTC_OFFSET);
		a->grandmasterPriority1 = b[A_PRIORITY1];
		codec_get_cq(b + A_QUALITY, &a->grandmasterClockQuality);
		a->grandmasterPriority2 = b[A_PRIORITY2];
		codec_get_cid(b + A_GM_IDENTITY, &a->grandmasterIdentity);
		a->stepsRemoved = get_be16(b + A_STEPS);
		a->timeSource = b[A_TIME_SOURCE];
		break;
	case PTP_SIGNALING:
		codec_get_pid(b, &m->body.signaling.targetPortIdentity);
		break;
	case PTP_MANAGEMENT:
		codec_get_pid(b, &mg->targetPortIdentity);
		mg->startingBoundaryHops = b[M_STARTING_HOPS];
		mg->boundaryHops = b[M_HOPS];
		mg->actionField = b[M_ACTION] & 0xF;
		break;
	default:
		break;
	}
}

/* Encode the body at b; reserved octets are written as zero. */
static void body_put(uint8_t *b, const struct ptp_msg *m, int blen)
{
	const struct ptp_announce *a = &m->body.announce;
	const struct ptp_management *mg = &m->body.management;
	const struct ptp_timestamp *ts = body_ts_const(m);

	memset(b, 0, (size_t)blen);
	if (ts) {
		codec_put_ts(b, ts);
	}
	switch (m->hdr.messageType) {
	case PTP_DELAY_RESP:
		codec_put_pid(b + CODEC_TS_LEN,
			      &m->body.delay_resp.requestingPortIdentity);
		break;
	case PTP_PDELAY_RESP:
	case PTP_PDELAY_RESP_FOLLOW_UP:
		codec_put_pid(b + CODEC_TS_LEN,
			      &m->body.pdelay_resp.requestingPortIdentity);
		break;
	case PTP_ANNOUNCE:
		put_be16(b + A_UTC_OFFSET, (uint16_t)a->currentUtcOffset);
		b[A_PRIORITY1] = a->grandmasterPriority1;
		codec_put_cq(b + A_QUALITY, &a->grandmasterClockQuality);
		b[A_PRIORITY2] = a->grandmasterPriority2;
		codec_put_cid(b + A_GM_IDENTITY, &a->grandmasterIdentity);
		put_be16(b + A_STEPS, a->stepsRemoved);
		b[A_TIME_SOURCE] = a->timeSource;
		break;
	case PTP_SIGNALING:
		codec_put_pid(b, &m->body.signaling.targetPortIdentity);
		break;
	case PTP_MANAGEMENT:
		codec_put_pid(b, &mg->targetPortIdentity);
		b[M_STARTING_HOPS] = mg->startingBoundaryHops;
		b[M_HOPS] = mg->boundaryHops;
		b[M_ACTION] = mg->actionField;
		break;
	default:
		break;
	}
}

/* A management message's first TLV must be MANAGEMENT or
 * MANAGEMENT_ERROR_STATUS (15.3.1); its body is checked by mgmt_tlv_get(). */
static int mgmt_tlv_present(const uint8_t *tlv, size_t len)
{
	uint16_t type;

	if (len < TLV_HDR_LEN) {
		return 0;
	}
	type = get_be16(tlv);
	return type == TLV_MANAGEMENT || type == TLV_MANAGEMENT_ERROR_STATUS;
}

int ptp_msg_unpack(const uint8_t *buf, size_t len, struct ptp_msg *m)
{
	const struct ptp_timestamp *ts;
	size_t fixed, mlen;
	int blen, err;

	if (!buf || len < PTP_HEADER_LEN) {
		return -PTP_E_SHORT;
	}
	memset(m, 0, sizeof(*m));
	header_get(buf, &m->hdr);
	/* Any minorVersionPTP is accepted: 2008 senders (linuxptp 3.1,
	 * ptpd 2.3) put 0 there, 2019 senders 1 (13.3.2.3). */
	if (m->hdr.versionPTP != PTP_VERSION_2) {
		return -PTP_E_VERSION;
	}
	blen = ptp_msg_body_len(m->hdr.messageType);
	if (blen < 0) {
		return -PTP_E_TYPE;
	}
	fixed = PTP_HEADER_LEN + (size_t)blen;
	/* The buffer cannot even hold this type's fixed part. */
	if (len < fixed) {
		return -PTP_E_SHORT;
	}
	/* messageLength must fit in what was received, and cover the fixed
	 * part; anything received after it is padding and ignored. */
	mlen = m->hdr.messageLength;
	if (mlen > len || mlen > PTP_MSG_MAX || mlen < fixed) {
		return -PTP_E_LENGTH;
	}
	body_get(buf + PTP_HEADER_LEN, m);
	ts = body_ts(m);
	if (ts && !codec_ts_ok(ts)) {
		return -PTP_E_TIMESTAMP;
	}
	m->tlv = buf + fixed;
	m->tlv_len = (uint16_t)(mlen - fixed);
	err = tlv_area_check(m->tlv, m->tlv_len);
	if (err) {
		return err;
	}
	if (m->hdr.messageType == PTP_MANAGEMENT &&
	    !mgmt_tlv_present(m->tlv, m->tlv_len)) {
		return -PTP_E_MGMT;
	}
	if (!m->tlv_len) {
		m->tlv = NULL;
	}
	return 0;
}

static int header_fields_ok(const struct ptp_header *h)
{
	return h->majorSdoId <= 0xF && h->minorVersionPTP <= 0xF &&
	       h->versionPTP <= 0xF;
}

int ptp_msg_pack(const struct ptp_msg *m, uint8_t *buf, size_t cap)
{
	const struct ptp_timestamp *ts;
	size_t total;
	int blen;

	blen = ptp_msg_body_len(m->hdr.messageType);
	if (blen < 0 || !header_fields_ok(&m->hdr)) {
		return -PTP_E_INVAL;
	}
	ts = body_ts_const(m);
	if (ts && !codec_ts_ok(ts)) {
		return -PTP_E_INVAL;
	}
	if (m->hdr.messageType == PTP_MANAGEMENT &&
	    m->body.management.actionField > 0xF) {
		return -PTP_E_INVAL;
	}
	if (m->tlv_len && !m->tlv) {
		return -PTP_E_INVAL;
	}
	/* Never emit what our own decoder would reject. */
	if (m->tlv_len && tlv_area_check(m->tlv, m->tlv_len)) {
		return -PTP_E_INVAL;
	}
	if (m->hdr.messageType == PTP_MANAGEMENT &&
	    !mgmt_tlv_present(m->tlv, m->tlv_len)) {
		return -PTP_E_MGMT;
	}
	total = PTP_HEADER_LEN + (size_t)blen + m->tlv_len;
	if (total > PTP_MSG_MAX) {
		return -PTP_E_INVAL;
	}
	if (!buf || cap < total) {
		return -PTP_E_NOSPACE;
	}
	header_put(buf, &m->hdr, (uint16_t)total);
	body_put(buf + PTP_HEADER_LEN, m, blen);
	if (m->tlv_len) {
		memmove(buf + PTP_HEADER_LEN + blen, m->tlv, m->tlv_len);
	}
	return (int)total;
}
