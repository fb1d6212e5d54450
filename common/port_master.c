/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port_master.c - what a port in MASTER sends: Announce (13.5, with the
 * PATH_TRACE TLV of 16.2 when cfg.path_trace), two-step Sync and its
 * Follow_Up (9.5.9, 9.5.10, 11.3). Delay_Resp is in port_delay.c.
 *
 * Announce contents come from the clock's data sets (parentDS for the
 * grandmaster fields, currentDS.stepsRemoved, timePropertiesDS for
 * currentUtcOffset, timeSource and the flags); originTimestamp is 0, as the
 * core reads no clock (13.5.2.1 allows an estimate, a receiver uses none).
 */
#include <string.h>

#include "port_core_private.h"
#include "tlv.h"

static uint16_t announce_flags(const struct time_properties_ds *tp)
{
	uint16_t f = 0;

	if (tp->leap61) {
		f |= PTP_FLAG_LEAP61;
	}
	if (tp->leap59) {
		f |= PTP_FLAG_LEAP59;
	}
	if (tp->currentUtcOffsetValid) {
		f |= PTP_FLAG_UTC_OFFSET_VALID;
	}
	if (tp->ptpTimescale) {
		f |= PTP_FLAG_PTP_TIMESCALE;
	}
	if (tp->timeTraceable) {
		f |= PTP_FLAG_TIME_TRACEABLE;
	}
	if (tp->frequencyTraceable) {
		f |= PTP_FLAG_FREQ_TRACEABLE;
	}
	return f;
}

void master_send_announce(struct port_core *pc)
{
	const struct clock_ds *c = &pc->clk;
	struct clock_identity ids[PATH_TRACE_MAX + 1];
	uint8_t tlvbuf[TLV_HDR_LEN + 8 * (PATH_TRACE_MAX + 1)];
	struct tlv_writer w;
	struct ptp_msg m;
	struct ptp_announce *an = &m.body.announce;

	memset(&m, 0, sizeof(m));
	pc_hdr_init(pc, &m.hdr, PTP_ANNOUNCE, pc->seq_announce++,
		    pc->ds.logAnnounceInterval);
	m.hdr.flagField = announce_flags(&c->tprop);
	an->currentUtcOffset = c->tprop.currentUtcOffset;
	an->grandmasterPriority1 = c->parent.grandmasterPriority1;
	an->grandmasterClockQuality = c->parent.grandmasterClockQuality;
	an->grandmasterPriority2 = c->parent.grandmasterPriority2;
	an->grandmasterIdentity = c->parent.grandmasterIdentity;
	an->stepsRemoved = c->cur.stepsRemoved;
	an->timeSource = c->tprop.timeSource;
	if (pc->cfg.path_trace) {
		/* pathTraceDS.list plus our own identity (16.2.3). */
		memcpy(ids, pc->path, pc->path_len * sizeof(ids[0]));
		ids[pc->path_len] = c->dflt.clockIdentity;
		tlv_writer_init(&w, tlvbuf, sizeof(tlvbuf));
		if (tlv_put_path_trace(&w, ids, pc->path_len + 1) == 0) {
			m.tlv = tlvbuf;
			m.tlv_len = (uint16_t)w.len;
		}
	}
	pc_send(pc, &m, false, false);
}

void master_send_sync(struct port_core *pc)
{
	struct ptp_msg m;

	if (pc->sync_txts_pending) {
		pc->cnt.txts_missing++;
	}
	memset(&m, 0, sizeof(m));
	pc_hdr_init(pc, &m.hdr, PTP_SYNC, pc->seq_sync,
		    pc->ds.logSyncInterval);
	/* Always two-step: one-step transmission is not supported. */
	m.hdr.flagField = PTP_FLAG_TWO_STEP;
	if (pc_send(pc, &m, false, true) == 0) {
		pc->sync_txts_pending = true;
		pc->sync_txts_seq = pc->seq_sync;
	}
	pc->seq_sync++;
}

/* The Sync's TX stamp: Follow_Up with preciseOriginTimestamp = egress
 * time (TX stamp + egress latency), its sub-ns part in correctionField. */
void master_send_follow_up(struct port_core *pc, uint16_t seq, tmv_t ts)
{
	struct ptp_msg m;
	int64_t frac;
	tmv_t t1 = tmv_add(ts, tmv_from_ns(pc->cfg.egress_latency_ns));

	memset(&m, 0, sizeof(m));
	pc_hdr_init(pc, &m.hdr, PTP_FOLLOW_UP, seq, pc->ds.logSyncInterval);
	m.body.follow_up.preciseOriginTimestamp = pc_ts_split(t1, &frac);
	m.hdr.correctionField = frac;
	pc_send(pc, &m, false, false);
}
