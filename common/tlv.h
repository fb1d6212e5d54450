/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tlv.h - TLV framing and the TLV bodies of IEEE 1588-2019 clause 14/16.
 *
 * Reading: walk a message's TLVs with struct tlv_iter (unknown types are
 * returned raw and can simply be skipped), then decode a known one with its
 * tlv_get_*(). Writing: append TLVs to a struct tlv_writer and hand its
 * bytes to ptp_msg_pack() through m.tlv / m.tlv_len.
 *
 * Every tlv_get_*() checks the body length against its own layout and
 * returns 0 or -PTP_E_TLV_BODY; decoded strings and lists point into the
 * message buffer (lifetime as in msg.h). A tlv_get_*() handed a TLV of
 * another type returns -PTP_E_INVAL (a caller bug, not a wire fault).
 * Octets after a fixed-length layout are ignored.
 *
 * Framing: 1 to 3 octets left at the end of a TLV area (too few for a TLV
 * header) are a framing error (-PTP_E_TLV), not ignored padding.
 */
#ifndef MERIDIAN_TLV_H
#define MERIDIAN_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "msg.h"

/* tlvType (Table 52). */
enum tlv_type {
	TLV_MANAGEMENT = 0x0001,
	TLV_MANAGEMENT_ERROR_STATUS = 0x0002,
	TLV_ORGANIZATION_EXTENSION = 0x0003,
	TLV_REQUEST_UNICAST_TRANSMISSION = 0x0004,
	TLV_GRANT_UNICAST_TRANSMISSION = 0x0005,
	TLV_CANCEL_UNICAST_TRANSMISSION = 0x0006,
	TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION = 0x0007,
	TLV_PATH_TRACE = 0x0008,
	TLV_ALTERNATE_TIME_OFFSET_INDICATOR = 0x0009,
	TLV_ORGANIZATION_EXTENSION_PROPAGATE = 0x4000,
	TLV_ENHANCED_ACCURACY_METRICS = 0x4001,
	TLV_ORGANIZATION_EXTENSION_DO_NOT_PROPAGATE = 0x8000,
	TLV_L1_SYNC = 0x8001,
	TLV_PORT_COMMUNICATION_AVAILABILITY = 0x8002,
	TLV_PROTOCOL_ADDRESS = 0x8003,
	TLV_SLAVE_RX_SYNC_TIMING_DATA = 0x8004,
	TLV_SLAVE_RX_SYNC_COMPUTED_DATA = 0x8005,
	TLV_SLAVE_TX_EVENT_TIMESTAMPS = 0x8006,
	TLV_CUMULATIVE_RATE_RATIO = 0x8007,
	TLV_PAD = 0x8008,
	TLV_AUTHENTICATION = 0x8009,
};

#define TLV_HDR_LEN	4

/* A TLV as found in a message: value points at lengthField bytes. */
struct tlv_raw {
	uint16_t type;
	uint16_t length;
	const uint8_t *value;
};

struct tlv_iter {
	const uint8_t *p;
	size_t left;
};

void tlv_iter_init(struct tlv_iter *it, const struct ptp_msg *m);
/* 1 and *out filled, 0 at the end, -PTP_E_TLV on a framing error. */
int tlv_iter_next(struct tlv_iter *it, struct tlv_raw *out);
/* Check framing of a whole TLV area: 0 or -PTP_E_TLV. Used by unpack. */
int tlv_area_check(const uint8_t *p, size_t len);

/* PTPText (5.3.9): lengthField then that many UTF-8 octets, no NUL. */
struct ptp_text {
	uint8_t length;
	const uint8_t *text;
};

/* ORGANIZATION_EXTENSION(_PROPAGATE/_DO_NOT_PROPAGATE) (14.3). */
struct tlv_org {
	uint8_t organizationId[3];
	uint8_t organizationSubType[3];
	const uint8_t *data;
	uint16_t data_len;
};

/* REQUEST_UNICAST_TRANSMISSION (16.1.4.1). */
struct tlv_unicast_request {
	uint8_t messageType;		/* upper nibble on the wire */
	int8_t logInterMessagePeriod;
	uint32_t durationField;
};

/* GRANT_UNICAST_TRANSMISSION (16.1.4.2). */
struct tlv_unicast_grant {
	uint8_t messageType;
	int8_t logInterMessagePeriod;
	uint32_t durationField;
	bool renewalInvited;		/* R flag */
};

/* CANCEL_ and ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION (16.1.4.3/4). */
struct tlv_unicast_cancel {
	uint8_t messageType;
};

/* PATH_TRACE (16.2): pathSequence of clockIdentity. */
struct tlv_path_trace {
	unsigned count;
	const uint8_t *ids;		/* count * 8 octets */
};

/* ALTERNATE_TIME_OFFSET_INDICATOR (16.3). */
struct tlv_alt_time_offset {
	uint8_t keyField;
	int32_t currentOffset;
	int32_t jumpSeconds;
	uint64_t timeOfNextJump;	/* UInteger48 */
	struct ptp_text displayName;
};

/* AUTHENTICATION (16.14), parsed to its fixed part; the rest (disclosed
 * key, sequence number, RES, ICV) depends on the security parameters and
 * is kept opaque. */
struct tlv_auth {
	uint8_t spp;
	uint8_t secParamIndicator;
	uint32_t keyID;
	const uint8_t *rest;
	uint16_t rest_len;
};

int tlv_get_org(const struct tlv_raw *t, struct tlv_org *out);
int tlv_get_unicast_request(const struct tlv_raw *t,
			    struct tlv_unicast_request *out);
int tlv_get_unicast_grant(const struct tlv_raw *t,
			  struct tlv_unicast_grant *out);
int tlv_get_unicast_cancel(const struct tlv_raw *t,
			   struct tlv_unicast_cancel *out);
int tlv_get_path_trace(const struct tlv_raw *t, struct tlv_path_trace *out);
int tlv_get_alt_time_offset(const struct tlv_raw *t,
			    struct tlv_alt_time_offset *out);
int tlv_get_auth(const struct tlv_raw *t, struct tlv_auth *out);
/* PAD: any length, content ignored. */

/* Append-only TLV encoder over a caller buffer. On overflow err is set to
 * -PTP_E_NOSPACE, len stays where it was, and later puts do nothing. An
 * out-of-range argument (e.g. messageType > 15, a NULL pointer with a
 * non-zero length) fails the same way with -PTP_E_INVAL, so a caller may
 * check err once after a series of puts. */
struct tlv_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
};

void tlv_writer_init(struct tlv_writer *w, uint8_t *buf, size_t cap);
/* Generic: type, length and value bytes. Returns 0 or -PTP_E_NOSPACE. */
int tlv_put_raw(struct tlv_writer *w, uint16_t type, const void *value,
		uint16_t len);
int tlv_put_org(struct tlv_writer *w, uint16_t type,
		const struct tlv_org *org);
int tlv_put_unicast_request(struct tlv_writer *w,
			    const struct tlv_unicast_request *r);
int tlv_put_unicast_grant(struct tlv_writer *w,
			  const struct tlv_unicast_grant *g);
/* type is TLV_CANCEL_ or TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION. */
int tlv_put_unicast_cancel(struct tlv_writer *w, uint16_t type,
			   const struct tlv_unicast_cancel *c);
int tlv_put_path_trace(struct tlv_writer *w, const struct clock_identity *ids,
		       unsigned count);
int tlv_put_alt_time_offset(struct tlv_writer *w,
			    const struct tlv_alt_time_offset *a);
int tlv_put_auth(struct tlv_writer *w, const struct tlv_auth *a);
/* PAD with len zero octets of value (lengthField = len). */
int tlv_put_pad(struct tlv_writer *w, uint16_t len);

/*
 * Low level: append a TLV header for a value of vlen octets, zero the value
 * and return a pointer to it for the caller to fill in; NULL (and w->err
 * set) when it does not fit or the writer has already failed. The value
 * stays in place until the writer's buffer is reused.
 */
uint8_t *tlv_put_begin(struct tlv_writer *w, uint16_t type, size_t vlen);

#endif
