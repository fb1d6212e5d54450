/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * codec_util.h - field helpers shared by msg.c, tlv.c and mgmt.c.
 *
 * Every helper reads or writes a fixed number of octets at p; the caller
 * has already checked that they lie inside the buffer. Wire order is
 * big-endian (IEEE 1588-2019 5.3, 13.3.1).
 */
#ifndef MERIDIAN_CODEC_UTIL_H
#define MERIDIAN_CODEC_UTIL_H

#include <stdint.h>
#include <string.h>

#include "ds.h"
#include "msg.h"
#include "ptp_time.h"

/* Octets of the wire's composite types (5.3). */
#define CODEC_TS_LEN	10	/* Timestamp: UInteger48 s, UInteger32 ns */
#define CODEC_CID_LEN	8	/* ClockIdentity */
#define CODEC_PID_LEN	10	/* PortIdentity */
#define CODEC_CQ_LEN	4	/* ClockQuality */

static inline void codec_get_ts(const uint8_t *p, struct ptp_timestamp *ts)
{
	ts->seconds = get_be48(p);
	ts->nanoseconds = get_be32(p + 6);
}

static inline void codec_put_ts(uint8_t *p, const struct ptp_timestamp *ts)
{
	put_be48(p, ts->seconds);
	put_be32(p + 6, ts->nanoseconds);
}

/* A wire timestamp we accept and emit: 48-bit seconds, ns below 10^9. */
static inline int codec_ts_ok(const struct ptp_timestamp *ts)
{
	return ts->seconds <= PTP_SEC_MAX && ts->nanoseconds < NS_PER_SEC;
}

static inline void codec_get_cid(const uint8_t *p, struct clock_identity *c)
{
	memcpy(c->id, p, CODEC_CID_LEN);
}

static inline void codec_put_cid(uint8_t *p, const struct clock_identity *c)
{
	memcpy(p, c->id, CODEC_CID_LEN);
}

static inline void codec_get_pid(const uint8_t *p, struct port_identity *pid)
{
	codec_get_cid(p, &pid->clockIdentity);
	pid->portNumber = get_be16(p + 8);
}

static inline void codec_put_pid(uint8_t *p, const struct port_identity *pid)
{
	codec_put_cid(p, &pid->clockIdentity);
	put_be16(p + 8, pid->portNumber);
}

static inline void codec_get_cq(const uint8_t *p, struct clock_quality *q)
{
	q->clockClass = p[0];
	q->clockAccuracy = p[1];
	q->offsetScaledLogVariance = get_be16(p + 2);
}

static inline void codec_put_cq(uint8_t *p, const struct clock_quality *q)
{
	p[0] = q->clockClass;
	p[1] = q->clockAccuracy;
	put_be16(p + 2, q->offsetScaledLogVariance);
}

#endif
