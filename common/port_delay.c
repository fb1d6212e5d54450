/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port_delay.c - offset and delay measurement of a port (IEEE 1588-2019
 * 11.2 - 11.4, 11.6): Sync/Follow_Up matching, the delay request-response
 * mechanism on both sides, and the peer delay mechanism as requester and
 * responder.
 *
 * Notation as in the standard. t1: the master's origin time of a Sync;
 * t2: our ingress time of it; t3: our egress time of a Delay_Req (E2E) /
 * the responder's egress time of its Pdelay_Resp (P2P); t4: the master's
 * ingress time of our Delay_Req (E2E) / our ingress time of the Pdelay_Resp
 * (P2P). Ingress times are RX stamps minus cfg.ingress_latency_ns, egress
 * times TX stamps plus cfg.egress_latency_ns. All arithmetic is on tmv_t
 * (2^-16 ns, exact); only neighborRateRatio is a double.
 *
 *   t1c             = preciseOriginTimestamp + Sync.corr + Follow_Up.corr
 *                     (one-step: originTimestamp + Sync.corr)
 *   meanPathDelay   = ((t2 - t3) + (t4 - Delay_Resp.corr - t1c)) / 2
 *   offsetFromMaster= t2 - t1c - delay - delayAsymmetry
 *   meanLinkDelay   = ((t4 - t1) * r - (t3 + Resp.corr + RespFup.corr - t2))
 *                     / 2,  r = neighborRateRatio
 *
 * delayAsymmetry (tms = mean + asymmetry, 11.6) is applied here, on the
 * slave, instead of being sent in the Delay_Req's correctionField and
 * added to the Sync's: the round trip cancels it either way, so the mean
 * delay and the offset are the same, and a master that does not echo
 * the request's correctionField cannot spoil it. Our Delay_Req and
 * Pdelay_Req carry correctionField 0.
 *
 * A path delay that is negative or above 1 s is rejected (counted) and
 * the rest are smoothed over the last cfg.delay_filter_len (8) of them:
 * by their median (the mean of the middle two for an even count), as
 * linuxptp's default delay_filter moving_median does, or by their mean
 * (cfg.delay_filter PORT_DF_MEAN, linuxptp's moving_average). With
 * one-sided link jitter (exponential, as queues give it) the median of
 * the path delay sits below its mean (~16 ns for 100 ns of exponential
 * jitter each way), while a servo that averages offsets takes the mean of
 * the Sync direction's delay: the offsets come out biased by the
 * difference, and a chain of boundary clocks adds it up hop by hop. The
 * mean is consistent with such a servo; the median is more robust to
 * rare late timestamps (software timestamping).
 */
#include <math.h>
#include <string.h>

#include "port_core_private.h"

/* ---- filter ---- */

static void filter_reset(struct delay_filter *f)
{
	memset(f, 0, sizeof(*f));
}

static unsigned filter_len(const struct port_core *pc)
{
	unsigned len = pc->cfg.delay_filter_len;

	if (!len) {
		return PORT_DF_LEN_DEFAULT;
	}
	return len < PORT_DF_LEN_MAX ? len : PORT_DF_LEN_MAX;
}

/* Median of the window (the mean of the middle two for an even count). */
static tmv_t filter_median(const struct delay_filter *f)
{
	tmv_t s[PORT_DF_LEN_MAX], x;
	unsigned i, j;

	memcpy(s, f->v, f->n * sizeof(s[0]));
	for (i = 1; i < f->n; i++) {
		x = s[i];
		for (j = i; j > 0 && tmv_cmp(s[j - 1], x) > 0; j--) {
			s[j] = s[j - 1];
		}
		s[j] = x;
	}
	if (f->n & 1) {
		return s[f->n / 2];
	}
	return tmv_half(tmv_add(s[f->n / 2 - 1], s[f->n / 2]));
}

/* Mean of the window, rounded down at 2^-16 ns. The delays are sane
 * (0..1 s), so their sum in scaled ns fits: 256 * 2^16 * 1e9 < 2^63. */
static tmv_t filter_mean(const struct delay_filter *f)
{
	int64_t sum = 0;
	unsigned i;

	for (i = 0; i < f->n; i++) {
		sum += tmv_to_scaled_ns(f->v[i]);
	}
	return tmv_from_scaled_ns(sum / (int64_t)f->n);
}

static tmv_t filter_add(struct port_core *pc, struct delay_filter *f,
			tmv_t v)
{
	unsigned len = filter_len(pc);

	if (f->next >= len) {
		f->next = 0;
	}
	f->v[f->next] = v;
	f->next = (f->next + 1) % len;
	if (f->n < len) {
		f->n++;
	}
	if (pc->cfg.delay_filter == PORT_DF_MEAN) {
		return filter_mean(f);
	}
	return filter_median(f);
}

/* A raw delay: false (and counted) when negative or above 1 s. */
static bool delay_sane(struct port_core *pc, tmv_t d)
{
	if (tmv_is_neg(d) ||
	    tmv_cmp(d, tmv_from_scaled_ns(PORT_DELAY_MAX_SNS)) > 0) {
		pc->cnt.delay_rejected++;
		return false;
	}
	return true;
}

static tmv_t egress(const struct port_core *pc, tmv_t ts)
{
	return tmv_add(ts, tmv_from_ns(pc->cfg.egress_latency_ns));
}

/* ---- resets ---- */

void delay_reset_slave(struct port_core *pc)
{
	memset(&pc->sync, 0, sizeof(pc->sync));
	memset(&pc->fup, 0, sizeof(pc->fup));
	pc->have_pair = false;
	pc->dreq_pending = false;
	pc->dreq_t3_valid = false;
	pc->dresp_valid = false;
	pc->dreq_log = pc->cfg.ds.logMinDelayReqInterval;
	filter_reset(&pc->e2e_filter);
	pc->has_delay = false;
	pc->delay = tmv_zero();
}

void delay_reset_p2p(struct port_core *pc)
{
	pc->preq_pending = false;
	pc->preq_done = false;
	pc->preq_t1_valid = false;
	pc->presp_valid = false;
	pc->presp_bad = false;
	pc->pfup_valid = false;
	pc->nr_n = 0;
	pc->nr_next = 0;
	pc->nrate = 1.0;
	filter_reset(&pc->p2p_filter);
	pc->has_link_delay = false;
	pc->link_delay = tmv_zero();
	pc->ds.meanLinkDelay = 0;
}

/* ---- Sync / Follow_Up (slave) ---- */

/* A complete Sync: keep (t1c, t2) for the delay and publish a sample once
 * a delay is known. */
static void sync_complete(struct port_core *pc, tmv_t t1c, tmv_t t2)
{
	struct pact a = { .type = PACT_SAMPLE };
	tmv_t delay;

	pc->have_pair = true;
	pc->pair_t1 = t1c;
	pc->pair_t2 = t2;
	if (pc_p2p(pc)) {
		if (!pc->has_link_delay) {
			return;
		}
		delay = pc->link_delay;
		a.u.sample.rate_ratio = pc->nrate;
	} else {
		/*
		 * No path delay measured yet: use 0, as linuxptp does. A
		 * clock far off in frequency (100 ppm: 100 us per second
		 * between a Sync and the next Delay_Req at 1 Hz) measures
		 * only negative delays until its servo has corrected it, so
		 * waiting for a sane delay before the first sample can wait
		 * forever. The offset then carries the path delay until the
		 * first delay is measured, and the servo slews it away.
		 */
		delay = pc->has_delay ? pc->delay : tmv_zero();
		a.u.sample.rate_ratio = 1.0;
	}
	a.u.sample.offset = tmv_sub(tmv_sub(tmv_sub(t2, t1c), delay),
				    tmv_from_scaled_ns(pc->ds.delayAsymmetry));
	a.u.sample.delay = delay;
	a.u.sample.t1 = t1c;
	a.u.sample.t2 = t2;
	/* currentDS as this port measures it (8.2.2.3, 8.2.2.4), for the
	 * management answers until the next decision brings the clock's. */
	pc->clk.cur.offsetFromMaster = tmv_to_scaled_ns(a.u.sample.offset);
	pc->clk.cur.meanDelay = tmv_to_scaled_ns(delay);
	pc_emit(pc, &a);
}

void delay_rx_sync(struct port_core *pc, const struct ptp_msg *m, tmv_t t2)
{
	tmv_t corr = tmv_from_scaled_ns(m->hdr.correctionField);
	uint16_t seq = m->hdr.sequenceId;

	if (!(m->hdr.flagField & PTP_FLAG_TWO_STEP)) {
		sync_complete(pc, tmv_add(tmv_from_ts(
				m->body.sync.originTimestamp), corr), t2);
		return;
	}
	if (pc->fup.valid && pc->fup.seq == seq) {
		pc->fup.valid = false;
		sync_complete(pc, tmv_add(tmv_add(pc->fup.ts, pc->fup.corr),
					  corr), t2);
		return;
	}
	if (pc->fup.valid) {
		/* A Follow_Up whose Sync never came. */
		pc->cnt.followup_mismatch++;
		pc->fup.valid = false;
	}
	if (pc->sync.valid) {
		pc->cnt.followup_lost++;
	}
	pc->sync.valid = true;
	pc->sync.seq = seq;
	pc->sync.ts = t2;
	pc->sync.corr = corr;
}

void delay_rx_follow_up(struct port_core *pc, const struct ptp_msg *m)
{
	tmv_t pot = tmv_from_ts(m->body.follow_up.preciseOriginTimestamp);
	tmv_t corr = tmv_from_scaled_ns(m->hdr.correctionField);
	uint16_t seq = m->hdr.sequenceId;

	if (pc->sync.valid && pc->sync.seq == seq) {
		pc->sync.valid = false;
		sync_complete(pc, tmv_add(tmv_add(pot, pc->sync.corr), corr),
			      pc->sync.ts);
		return;
	}
	if (pc->fup.valid) {
		pc->cnt.followup_mismatch++;
	}
	/* Maybe early: keep it for its Sync. */
	pc->fup.valid = true;
	pc->fup.seq = seq;
	pc->fup.ts = pot;
	pc->fup.corr = corr;
}

/* ---- E2E requester (slave) ---- */

void delay_send_delay_req(struct port_core *pc)
{
	struct ptp_msg m;

	if (pc->dreq_pending) {
		pc->cnt.delay_resp_lost++;
		if (!pc->dreq_t3_valid) {
			pc->cnt.txts_missing++;
		}
	}
	memset(&m, 0, sizeof(m));
	pc_hdr_init(pc, &m.hdr, PTP_DELAY_REQ, pc->seq_delay_req,
		    PTP_LOG_INTERVAL_UNSPEC);
	pc->dreq_pending = false;
	if (pc_send(pc, &m, false, true) == 0) {
		pc->dreq_pending = true;
		pc->dreq_seq = pc->seq_delay_req;
		pc->dreq_t3_valid = false;
		pc->dresp_valid = false;
	}
	pc->seq_delay_req++;
}

/*
 * cfg.e2e_sample PORT_ES_BOTH: the Delay_Req direction's own sample,
 * at t3 (a round trip before the servo answers it):
 *
 *   offsetFromMaster(t3) = t3 - t4c + meanPathDelay - delayAsymmetry
 *
 * as the Sync's is t2 - t1c - meanPathDelay - delayAsymmetry. With the
 * path delay filtered (mean), each direction's jitter enters only its
 * own samples: twice the samples of the Sync direction alone, their
 * errors independent but for the filter's, and no bias when both
 * directions have the same distribution. Each is a
 * measurement at its own time, so no rate enters. (A combined sample
 * ((t2 - t1) - (t4 - t3)) / 2 of one Sync and the next exchange, rate
 * corrected over the gap, was measured worse: it uses each Sync once
 * at most and arrives at irregular times; see tests/sim/README.md.)
 */
static void dreq_sample(struct port_core *pc)
{
	struct pact a = { .type = PACT_SAMPLE };
	tmv_t off;

	off = tmv_sub(tmv_add(tmv_sub(pc->dreq_t3, pc->dresp_t4c), pc->delay),
		      tmv_from_scaled_ns(pc->ds.delayAsymmetry));
	a.u.sample.offset = off;
	a.u.sample.delay = pc->delay;
	a.u.sample.t1 = pc->dresp_t4c;
	a.u.sample.t2 = pc->dreq_t3;
	a.u.sample.rate_ratio = 1.0;
	pc->clk.cur.offsetFromMaster = tmv_to_scaled_ns(off);
	pc->clk.cur.meanDelay = tmv_to_scaled_ns(pc->delay);
	pc_emit(pc, &a);
}

static void e2e_compute(struct port_core *pc)
{
	tmv_t d;

	pc->dreq_pending = false;
	pc->dresp_valid = false;
	if (!pc->have_pair) {
		return;
	}
	/* ((t2 - t3) + (t4c - t1c)) / 2 */
	d = tmv_half(tmv_add(tmv_sub(pc->pair_t2, pc->dreq_t3),
			     tmv_sub(pc->dresp_t4c, pc->pair_t1)));
	if (!delay_sane(pc, d)) {
		return;
	}
	pc->delay = filter_add(pc, &pc->e2e_filter, d);
	pc->has_delay = true;
	if (pc->cfg.e2e_sample == PORT_ES_BOTH) {
		dreq_sample(pc);
	}
}

void delay_rx_delay_resp(struct port_core *pc, const struct ptp_msg *m)
{
	const struct ptp_delay_resp *r = &m->body.delay_resp;
	int8_t li = m->hdr.logMessageInterval;

	if (!pc_is_own_port(pc, &r->requestingPortIdentity)) {
		return;		/* another slave's answer (multicast) */
	}
	if (!pc->dreq_pending || pc->dresp_valid ||
	    m->hdr.sequenceId != pc->dreq_seq) {
		pc->cnt.delay_resp_mismatch++;
		return;
	}
	/* The master sets our Delay_Req rate (7.7.2.4), as linuxptp
	 * follows it; used from the next request on. */
	if (li >= -10 && li <= 10) {
		pc->dreq_log = li;
	}
	pc->dresp_t4c = tmv_sub(tmv_from_ts(r->receiveTimestamp),
				tmv_from_scaled_ns(m->hdr.correctionField));
	pc->dresp_valid = true;
	if (pc->dreq_t3_valid) {
		e2e_compute(pc);
	}
}

/* ---- E2E responder (master) ---- */

/* receiveTimestamp = t4 without its sub-ns part, which goes (negated)
 * into correctionField with the request's own correction (11.3.2), as
 * linuxptp does, so that receiveTimestamp - corr is exact. */
void delay_rx_delay_req(struct port_core *pc, const struct ptp_msg *req,
			tmv_t t4)
{
	struct ptp_msg m;
	int64_t frac;

	memset(&m, 0, sizeof(m));
	pc_hdr_init(pc, &m.hdr, PTP_DELAY_RESP, req->hdr.sequenceId,
		    pc->ds.logMinDelayReqInterval);
	m.body.delay_resp.receiveTimestamp = pc_ts_split(t4, &frac);
	m.body.delay_resp.requestingPortIdentity =
		req->hdr.sourcePortIdentity;
	m.hdr.correctionField = req->hdr.correctionField - frac;
	pc_send(pc, &m, false, false);
}

/* ---- P2P requester ---- */

void delay_send_pdelay_req(struct port_core *pc)
{
	struct ptp_msg m;

	if (pc->preq_pending) {
		if (!pc->preq_done && !pc->presp_bad) {
			pc->cnt.pdelay_resp_lost++;
		}
		if (!pc->preq_t1_valid) {
			pc->cnt.txts_missing++;
		}
	}
	memset(&m, 0, sizeof(m));
	pc_hdr_init(pc, &m.hdr, PTP_PDELAY_REQ, pc->seq_pdelay_req,
		    PTP_LOG_INTERVAL_UNSPEC);
	pc->preq_pending = false;
	pc->preq_done = false;
	pc->preq_t1_valid = false;
	pc->presp_valid = false;
	pc->presp_bad = false;
	pc->pfup_valid = false;
	if (pc_send(pc, &m, true, true) == 0) {
		pc->preq_pending = true;
		pc->preq_seq = pc->seq_pdelay_req;
	}
	pc->seq_pdelay_req++;
}

/* (t3c, t4) history: r = (t3c_n - t3c_k) / (t4_n - t4_k) over the oldest
 * kept pair k (up to PORT_NRATE_LEN - 1 exchanges back). */
static void nrate_update(struct port_core *pc, tmv_t t3c, tmv_t t4)
{
	unsigned old;
	int64_t d3, d4;
	double r;

	pc->nr_t3[pc->nr_next] = t3c;
	pc->nr_t4[pc->nr_next] = t4;
	pc->nr_next = (pc->nr_next + 1) % PORT_NRATE_LEN;
	if (pc->nr_n < PORT_NRATE_LEN) {
		pc->nr_n++;
	}
	if (pc->nr_n < 2) {
		return;
	}
	old = (pc->nr_next + PORT_NRATE_LEN - pc->nr_n) % PORT_NRATE_LEN;
	d3 = tmv_to_scaled_ns(tmv_sub(t3c, pc->nr_t3[old]));
	d4 = tmv_to_scaled_ns(tmv_sub(t4, pc->nr_t4[old]));
	if (d4 <= 0) {
		return;
	}
	r = (double)d3 / (double)d4;
	if (fabs(r - 1.0) > PORT_NRATE_MAX_DEV) {
		/* A step of either clock: start the history again here. */
		pc->cnt.delay_rejected++;
		pc->nr_t3[0] = t3c;
		pc->nr_t4[0] = t4;
		pc->nr_n = 1;
		pc->nr_next = 1;
		return;
	}
	pc->nrate = r;
}

static tmv_t tmv_scale(tmv_t t, double r)
{
	return tmv_from_scaled_ns(llround((double)tmv_to_scaled_ns(t) * r));
}

static void p2p_try(struct port_core *pc)
{
	tmv_t turn, t3c = tmv_zero(), d;

	if (!pc->preq_pending || pc->preq_done || pc->presp_bad ||
	    !pc->preq_t1_valid || !pc->presp_valid) {
		return;
	}
	if (pc->presp_one_step) {
		/* The responder put t3 - t2 into the correction. */
		turn = pc->presp_corr;
	} else {
		if (!pc->pfup_valid) {
			return;
		}
		t3c = tmv_add(tmv_add(pc->pfup_t3, pc->presp_corr),
			      pc->pfup_corr);
		turn = tmv_sub(t3c, pc->presp_t2);
	}
	pc->preq_done = true;
	if (!pc->presp_one_step) {
		nrate_update(pc, t3c, pc->presp_t4);
	}
	d = tmv_half(tmv_sub(tmv_scale(tmv_sub(pc->presp_t4, pc->preq_t1),
				       pc->nrate), turn));
	if (!delay_sane(pc, d)) {
		return;
	}
	pc->link_delay = filter_add(pc, &pc->p2p_filter, d);
	pc->has_link_delay = true;
	pc->ds.meanLinkDelay = tmv_to_scaled_ns(pc->link_delay);
}

/* Is m an answer to our pending request? Counts a foreign seq. */
static bool preq_match(struct port_core *pc, const struct ptp_msg *m)
{
	if (!pc_is_own_port(pc, &m->body.pdelay_resp.requestingPortIdentity)) {
		pc->cnt.rx_unexpected++;
		return false;
	}
	if (!pc->preq_pending || m->hdr.sequenceId != pc->preq_seq) {
		pc->cnt.pdelay_mismatch++;
		return false;
	}
	return true;
}

/* A second responder to the same request (9.5.13 of 802.1AS speaks of
 * it; 1588 11.4 needs a point-to-point link): drop the exchange. */
static bool presp_other(struct port_core *pc, const struct port_identity *src,
			bool valid, const struct port_identity *seen)
{
	if (valid && port_identity_cmp(src, seen)) {
		if (!pc->presp_bad) {
			pc->cnt.pdelay_multi_resp++;
		}
		pc->presp_bad = true;
		return true;
	}
	return false;
}

void delay_rx_pdelay_resp(struct port_core *pc, const struct ptp_msg *m,
			  tmv_t t4)
{
	const struct port_identity *src = &m->hdr.sourcePortIdentity;

	if (!preq_match(pc, m)) {
		return;
	}
	if (presp_other(pc, src, pc->presp_valid, &pc->presp_src) ||
	    presp_other(pc, src, pc->pfup_valid, &pc->pfup_src) ||
	    pc->presp_valid) {
		return;
	}
	pc->presp_valid = true;
	pc->presp_src = *src;
	pc->presp_t2 = tmv_from_ts(m->body.pdelay_resp.timestamp);
	pc->presp_t4 = t4;
	pc->presp_corr = tmv_from_scaled_ns(m->hdr.correctionField);
	pc->presp_one_step = !(m->hdr.flagField & PTP_FLAG_TWO_STEP);
	p2p_try(pc);
}

void delay_rx_pdelay_fup(struct port_core *pc, const struct ptp_msg *m)
{
	const struct port_identity *src = &m->hdr.sourcePortIdentity;

	if (!preq_match(pc, m)) {
		return;
	}
	if (presp_other(pc, src, pc->presp_valid, &pc->presp_src) ||
	    presp_other(pc, src, pc->pfup_valid, &pc->pfup_src) ||
	    pc->pfup_valid) {
		return;
	}
	pc->pfup_valid = true;
	pc->pfup_src = *src;
	pc->pfup_t3 = tmv_from_ts(m->body.pdelay_resp.timestamp);
	pc->pfup_corr = tmv_from_scaled_ns(m->hdr.correctionField);
	p2p_try(pc);
}

/* ---- P2P responder (two-step) ---- */

/* Pdelay_Resp: requestReceiptTimestamp = t2 without its sub-ns part,
 * correctionField = -(that part); the Follow_Up then carries t3 without
 * its sub-ns part and correctionField = the request's + t3's sub-ns part.
 * So t3 + both corrections - t2 = the exact turnaround plus the
 * request's correction (11.4.2 c). */
void delay_rx_pdelay_req(struct port_core *pc, const struct ptp_msg *req,
			 tmv_t t2)
{
	struct ptp_msg m;
	int64_t frac;

	if (pc->presp_txts_pending) {
		pc->cnt.txts_missing++;
	}
	memset(&m, 0, sizeof(m));
	pc_hdr_init(pc, &m.hdr, PTP_PDELAY_RESP, req->hdr.sequenceId,
		    PTP_LOG_INTERVAL_UNSPEC);
	m.hdr.flagField = PTP_FLAG_TWO_STEP;
	m.body.pdelay_resp.timestamp = pc_ts_split(t2, &frac);
	m.body.pdelay_resp.requestingPortIdentity =
		req->hdr.sourcePortIdentity;
	m.hdr.correctionField = -frac;
	pc->presp_txts_pending = false;
	if (pc_send(pc, &m, true, true) == 0) {
		pc->presp_txts_pending = true;
		pc->presp_txts_seq = req->hdr.sequenceId;
		pc->presp_txts_req = req->hdr.sourcePortIdentity;
		pc->presp_txts_corr =
			tmv_from_scaled_ns(req->hdr.correctionField);
	}
}

static void send_pdelay_fup(struct port_core *pc, tmv_t ts)
{
	struct ptp_msg m;
	int64_t frac;

	memset(&m, 0, sizeof(m));
	pc_hdr_init(pc, &m.hdr, PTP_PDELAY_RESP_FOLLOW_UP, pc->presp_txts_seq,
		    PTP_LOG_INTERVAL_UNSPEC);
	m.body.pdelay_resp.timestamp = pc_ts_split(egress(pc, ts), &frac);
	m.body.pdelay_resp.requestingPortIdentity = pc->presp_txts_req;
	m.hdr.correctionField = tmv_to_scaled_ns(pc->presp_txts_corr) + frac;
	pc_send(pc, &m, true, false);
}

/* ---- TX stamps ---- */

void delay_txts(struct port_core *pc, uint8_t type, uint16_t seq, tmv_t ts)
{
	switch (type) {
	case PTP_DELAY_REQ:
		if (pc->dreq_pending && !pc->dreq_t3_valid &&
		    seq == pc->dreq_seq) {
			pc->dreq_t3 = egress(pc, ts);
			pc->dreq_t3_valid = true;
			if (pc->dresp_valid) {
				e2e_compute(pc);
			}
		}
		break;
	case PTP_PDELAY_REQ:
		if (pc->preq_pending && !pc->preq_t1_valid &&
		    seq == pc->preq_seq) {
			pc->preq_t1 = egress(pc, ts);
			pc->preq_t1_valid = true;
			p2p_try(pc);
		}
		break;
	case PTP_PDELAY_RESP:
		if (pc->presp_txts_pending && seq == pc->presp_txts_seq) {
			pc->presp_txts_pending = false;
			send_pdelay_fup(pc, ts);
		}
		break;
	default:
		break;
	}
}
