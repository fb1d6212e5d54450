/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msg.h - PTP message wire format (IEEE 1588-2019 clause 13), sans-IO.
 *
 * ptp_msg_unpack() decodes a received buffer into a struct ptp_msg without
 * ever trusting a length field: every field is read only after checking it
 * lies inside both the buffer and messageLength. Bytes after messageLength
 * (Ethernet padding) are ignored, as 13.3.2.4 requires. Every rejection is a
 * negative enum ptp_err that a caller can count (ptp_err_str() names it).
 *
 * ptp_msg_pack() encodes the header and body from struct ptp_msg and appends
 * the TLV bytes in m->tlv (already encoded, e.g. by a struct tlv_writer from
 * tlv.h), and sets messageLength to the total.
 *
 * Lifetime: after ptp_msg_unpack(), m->tlv points into the caller's buffer;
 * it is valid only while that buffer is.
 */
#ifndef MERIDIAN_MSG_H
#define MERIDIAN_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "ptp_time.h"

/* messageType (Table 36). */
enum ptp_msg_type {
	PTP_SYNC = 0x0,
	PTP_DELAY_REQ = 0x1,
	PTP_PDELAY_REQ = 0x2,
	PTP_PDELAY_RESP = 0x3,
	PTP_FOLLOW_UP = 0x8,
	PTP_DELAY_RESP = 0x9,
	PTP_PDELAY_RESP_FOLLOW_UP = 0xA,
	PTP_ANNOUNCE = 0xB,
	PTP_SIGNALING = 0xC,
	PTP_MANAGEMENT = 0xD,
};

/* Event messages (timestamped, port 319) have messageType < 8. */
#define PTP_MSG_IS_EVENT(t)	((t) < 8)

/* flagField (Table 37) as the big-endian 16-bit value: octet 0 is the high
 * byte. */
#define PTP_FLAG_ALTERNATE_MASTER	0x0100
#define PTP_FLAG_TWO_STEP		0x0200
#define PTP_FLAG_UNICAST		0x0400
#define PTP_FLAG_PROFILE_SPECIFIC_1	0x2000
#define PTP_FLAG_PROFILE_SPECIFIC_2	0x4000
#define PTP_FLAG_LEAP61			0x0001
#define PTP_FLAG_LEAP59			0x0002
#define PTP_FLAG_UTC_OFFSET_VALID	0x0004
#define PTP_FLAG_PTP_TIMESCALE		0x0008
#define PTP_FLAG_TIME_TRACEABLE		0x0010
#define PTP_FLAG_FREQ_TRACEABLE		0x0020
#define PTP_FLAG_SYNC_UNCERTAIN		0x0040

/* controlField (Table 42), for senders talking to version 1 receivers. */
enum ptp_control {
	PTP_CTL_SYNC = 0,
	PTP_CTL_DELAY_REQ = 1,
	PTP_CTL_FOLLOW_UP = 2,
	PTP_CTL_DELAY_RESP = 3,
	PTP_CTL_MANAGEMENT = 4,
	PTP_CTL_OTHER = 5,
};

/* logMessageInterval value for "not applicable" (13.3.2.14). */
#define PTP_LOG_INTERVAL_UNSPEC	0x7F

#define PTP_HEADER_LEN		34
/* Largest message we build or accept: fits any Ethernet MTU. */
#define PTP_MSG_MAX		1500

/* Common header (13.3). */
struct ptp_header {
	uint8_t majorSdoId;		/* 4 bits (transportSpecific in 2008) */
	uint8_t messageType;		/* 4 bits, enum ptp_msg_type */
	uint8_t minorVersionPTP;	/* 4 bits: 1 (2019) or 0 (2008) */
	uint8_t versionPTP;		/* 4 bits: 2 */
	uint16_t messageLength;
	uint8_t domainNumber;
	uint8_t minorSdoId;
	uint16_t flagField;
	int64_t correctionField;	/* scaled ns */
	uint32_t messageTypeSpecific;
	struct port_identity sourcePortIdentity;
	uint16_t sequenceId;
	uint8_t controlField;
	int8_t logMessageInterval;
};

/* Sync, Delay_Req (13.6, 13.7). */
struct ptp_sync {
	struct ptp_timestamp originTimestamp;
};

/* Follow_Up (13.8). */
struct ptp_follow_up {
	struct ptp_timestamp preciseOriginTimestamp;
};

/* Delay_Resp (13.9). */
struct ptp_delay_resp {
	struct ptp_timestamp receiveTimestamp;
	struct port_identity requestingPortIdentity;
};

/* Pdelay_Req (13.10): 10 reserved octets follow, sent as zero. */
struct ptp_pdelay_req {
	struct ptp_timestamp originTimestamp;
};

/* Pdelay_Resp (13.11) and Pdelay_Resp_Follow_Up (13.12). */
struct ptp_pdelay_resp {
	/* requestReceiptTimestamp, or responseOriginTimestamp in the
	 * follow-up */
	struct ptp_timestamp timestamp;
	struct port_identity requestingPortIdentity;
};

/* Announce (13.5). */
struct ptp_announce {
	struct ptp_timestamp originTimestamp;
	int16_t currentUtcOffset;
	uint8_t grandmasterPriority1;
	struct clock_quality grandmasterClockQuality;
	uint8_t grandmasterPriority2;
	struct clock_identity grandmasterIdentity;
	uint16_t stepsRemoved;
	uint8_t timeSource;
};

/* Signaling (13.10 in 2008, 13.12 in 2019): TLVs follow. */
struct ptp_signaling {
	struct port_identity targetPortIdentity;
};

/* actionField (Table 57). */
enum ptp_mgmt_action {
	PTP_MGMT_GET = 0,
	PTP_MGMT_SET = 1,
	PTP_MGMT_RESPONSE = 2,
	PTP_MGMT_COMMAND = 3,
	PTP_MGMT_ACKNOWLEDGE = 4,
};

/* Management (15.4.1): one management TLV follows. */
struct ptp_management {
	struct port_identity targetPortIdentity;
	uint8_t startingBoundaryHops;
	uint8_t boundaryHops;
	uint8_t actionField;		/* 4 bits, enum ptp_mgmt_action */
};

struct ptp_msg {
	struct ptp_header hdr;
	union {
		struct ptp_sync sync;		/* also Delay_Req */
		struct ptp_follow_up follow_up;
		struct ptp_delay_resp delay_resp;
		struct ptp_pdelay_req pdelay_req;
		struct ptp_pdelay_resp pdelay_resp;	/* also _Follow_Up */
		struct ptp_announce announce;
		struct ptp_signaling signaling;
		struct ptp_management management;
	} body;
	/* Encoded TLVs after the body (tlv.h walks them). On unpack: points
	 * into the received buffer, framing already validated. On pack: the
	 * caller's encoded TLV bytes, copied verbatim. */
	const uint8_t *tlv;
	uint16_t tlv_len;
};

/*
 * Reasons a received buffer is rejected. Each is counted by the caller;
 * none is ever fatal.
 */
enum ptp_err {
	PTP_OK = 0,
	PTP_E_SHORT,		/* shorter than the header or its type's body */
	PTP_E_VERSION,		/* versionPTP is not 2 */
	PTP_E_LENGTH,		/* messageLength beyond the buffer or too small */
	PTP_E_TYPE,		/* reserved messageType */
	PTP_E_TIMESTAMP,	/* nanoseconds >= 10^9 */
	PTP_E_TLV,		/* TLV header or length runs past the message */
	PTP_E_TLV_BODY,		/* a known TLV whose body is malformed */
	PTP_E_MGMT,		/* management message without its TLV */
	PTP_E_NOSPACE,		/* pack: output buffer too small */
	PTP_E_INVAL,		/* pack: a field out of its range */
	PTP_E_COUNT
};

const char *ptp_err_str(int err);	/* accepts err or -err */
const char *ptp_msg_type_str(int type);	/* "SYNC", "ANNOUNCE", ... */

/* Body length (without header and TLVs) of each message type, or -1. */
int ptp_msg_body_len(int type);

/*
 * Decode buf[0..len). Returns 0, or -PTP_E_* without touching anything but
 * *m. Trailing bytes after messageLength are ignored. Checks, in order:
 * len < header: E_SHORT; versionPTP != 2 (any minorVersionPTP is
 * accepted): E_VERSION; reserved type: E_TYPE; len < header + the type's
 * body: E_SHORT; messageLength > len, > PTP_MSG_MAX or < header + body:
 * E_LENGTH; a Timestamp with ns >= 10^9: E_TIMESTAMP; TLV framing
 * (tlv_area_check): E_TLV; a Management message whose first TLV is not
 * MANAGEMENT or MANAGEMENT_ERROR_STATUS: E_MGMT (its body is checked by
 * mgmt_tlv_get()). Reserved fields are not kept.
 */
int ptp_msg_unpack(const uint8_t *buf, size_t len, struct ptp_msg *m);

/*
 * Encode m into buf[0..cap): header, body for m->hdr.messageType, then the
 * m->tlv_len bytes at m->tlv. messageLength is computed (the value in m is
 * ignored). Returns the number of bytes written or -PTP_E_*: E_INVAL for a
 * reserved type, a nibble field > 15, an invalid Timestamp, TLV bytes
 * that would not pass tlv_area_check() or a total above PTP_MSG_MAX;
 * E_MGMT for a Management message without its TLV; E_NOSPACE when cap is
 * too small. Reserved fields are written as zero. m->tlv may point into
 * buf (re-packing in place).
 */
int ptp_msg_pack(const struct ptp_msg *m, uint8_t *buf, size_t cap);

/* Fill a header with the standard's values for type: versionPTP 2,
 * minorVersionPTP 1, controlField from the type, logMessageInterval
 * 0x7F. */
void ptp_header_init(struct ptp_header *h, int type);

/* Big-endian field access shared by the codec's modules. */
static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t get_be48(const uint8_t *p)
{
	return (uint64_t)get_be16(p) << 32 | get_be32(p + 2);
}

static inline uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static inline void put_be48(uint8_t *p, uint64_t v)
{
	put_be16(p, (uint16_t)(v >> 32));
	put_be32(p + 2, (uint32_t)v);
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

#endif
