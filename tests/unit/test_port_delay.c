/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of common/port_delay.c: Sync/Follow_Up matching, offset and
 * mean path delay (E2E, IEEE 1588-2019 11.3), peer delay with
 * neighborRateRatio (P2P, 11.4) as requester and responder, delay
 * asymmetry and timestamp latencies (11.6). Every expected value is
 * worked out by hand in the comments; times are written as
 * "s.ns + k/65536 ns" where they have sub-ns parts.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "log.h"
#include "port_test.h"

static void pdelay_init(void)
{
	log_set_level(LOG_EMERG);
}

TestSuite(port_delay, .init = pdelay_init, .timeout = 20);

/* Sync from pt_m1, received at rx (RX stamp, before ingress latency). */
static void dl_sync(struct pt *t, uint16_t seq, tmv_t rx, int64_t corr)
{
	struct ptp_msg m;

	pt_msg(&m, PTP_SYNC, &pt_m1, seq);
	m.hdr.correctionField = corr;
	pt_rx_ts(t, &m, true, rx);
}

static void dl_fup(struct pt *t, uint16_t seq, tmv_t pot, int64_t corr)
{
	struct ptp_msg m;

	pt_msg(&m, PTP_FOLLOW_UP, &pt_m1, seq);
	m.hdr.correctionField = corr;
	m.body.follow_up.preciseOriginTimestamp = tmv_to_ts(pot);
	pt_rx(t, &m);
}

/* DELAY_REQ fires; the request's TX stamp is tx. Returns its seq. */
static uint16_t dl_dreq(struct pt *t, tmv_t tx)
{
	const struct pact *a;
	struct ptp_msg m;
	uint16_t seq;

	pt_timer(t, PT_DELAY_REQ);
	a = pt_sent(t, PTP_DELAY_REQ, &m);
	cr_assert(a->u.send.event && a->u.send.want_txts);
	cr_assert_eq(m.hdr.logMessageInterval, PTP_LOG_INTERVAL_UNSPEC);
	cr_assert_eq(m.hdr.correctionField, 0);
	seq = a->u.send.seq;
	pt_txts(t, PTP_DELAY_REQ, seq, tx);
	return seq;
}

static void dl_dresp(struct pt *t, uint16_t seq, tmv_t t4, int64_t corr,
		     int8_t li)
{
	struct ptp_msg m;

	pt_msg(&m, PTP_DELAY_RESP, &pt_m1, seq);
	m.hdr.correctionField = corr;
	m.hdr.logMessageInterval = li;
	m.body.delay_resp.receiveTimestamp = tmv_to_ts(t4);
	m.body.delay_resp.requestingPortIdentity =
		port_core_ds(t->pc)->portIdentity;
	pt_rx(t, &m);
}

static const struct pact *dl_sample(const struct pt *t)
{
	return pt_find(&t->out, PACT_SAMPLE, -1, -1);
}

/*
 * The worked example used by several tests (no latencies, no asymmetry):
 *   Sync 10: RX 1000 s 600 ns, correction 1.5 ns
 *   Follow_Up 10: preciseOriginTimestamp 1000 s 100 ns, correction
 *     0.25 ns  => t1c = 1000 s 101.75 ns, t2 = 1000 s 600 ns
 *   Delay_Req: t3 = 1000 s 700 ns
 *   Delay_Resp: receiveTimestamp 1000 s 1100 ns, correction 0.5 ns
 *     => t4c = 1000 s 1099.5 ns
 *   meanPathDelay = ((600 - 700) + (1099.5 - 101.75)) / 2
 *                 = (-100 + 997.75) / 2 = 448.875 ns
 * Then Sync 11 one second later with the same numbers gives
 *   offset = 600 - 101.75 - 448.875 = 49.375 ns.
 */
static void dl_example_delay(struct pt *t, bool fup_first)
{
	const struct pact *s;
	uint16_t seq;

	if (fup_first) {
		dl_fup(t, 10, pt_t(1000, 100, 0), 0x4000);
		cr_assert_null(dl_sample(t));
		dl_sync(t, 10, pt_t(1000, 600, 0), 0x18000);
	} else {
		dl_sync(t, 10, pt_t(1000, 600, 0), 0x18000);
		dl_fup(t, 10, pt_t(1000, 100, 0), 0x4000);
	}
	/* No delay known yet: the sample uses 0 (t2 - t1c = 498.25 ns), so
	 * a clock far off in frequency, whose first delays are all
	 * negative, still gets samples (linuxptp does the same). */
	s = dl_sample(t);
	cr_assert_not_null(s, "a sample before any delay is known");
	pt_assert_tmv(s->u.sample.delay, tmv_zero(), "delay 0 until measured");
	pt_assert_tmv(s->u.sample.offset, pt_t(0, 498, 0x4000),
		      "offset = t2 - t1c");
	seq = dl_dreq(t, pt_t(1000, 700, 0));
	dl_dresp(t, seq, pt_t(1000, 1100, 0), 0x8000, 0);
	pt_assert_tmv(port_core_delay(t->pc), pt_t(0, 448, 0xE000),
		      "meanPathDelay 448.875 ns");
}

static tmv_t dl_example_offset(bool fup_first)
{
	const struct pact *s;
	struct pt t;
	tmv_t off;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	dl_example_delay(&t, fup_first);
	if (fup_first) {
		dl_fup(&t, 11, pt_t(1001, 100, 0), 0x4000);
		dl_sync(&t, 11, pt_t(1001, 600, 0), 0x18000);
	} else {
		dl_sync(&t, 11, pt_t(1001, 600, 0), 0x18000);
		cr_assert_null(dl_sample(&t));
		dl_fup(&t, 11, pt_t(1001, 100, 0), 0x4000);
	}
	s = dl_sample(&t);
	cr_assert_not_null(s);
	pt_assert_tmv(s->u.sample.delay, pt_t(0, 448, 0xE000), "delay");
	pt_assert_tmv(s->u.sample.t1, pt_t(1001, 101, 0xC000), "t1c");
	pt_assert_tmv(s->u.sample.t2, pt_t(1001, 600, 0), "t2");
	cr_assert(s->u.sample.rate_ratio == 1.0);
	off = s->u.sample.offset;
	cr_assert_eq(port_core_counters(t.pc)->followup_mismatch, 0);
	pt_destroy(&t);
	return off;
}

Test(port_delay, sync_follow_up_either_order_same_exact_offset)
{
	tmv_t a = dl_example_offset(false);
	tmv_t b = dl_example_offset(true);

	/* 49.375 ns = 49 ns + 0x6000 / 65536 */
	pt_assert_tmv(a, pt_t(0, 49, 0x6000), "Sync first");
	pt_assert_tmv(b, pt_t(0, 49, 0x6000), "Follow_Up first");
}

Test(port_delay, lost_follow_up_and_orphan_follow_up)
{
	const struct pact *s;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	dl_example_delay(&t, false);
	/* Sync 11 loses its Follow_Up; Sync 12 completes. */
	dl_sync(&t, 11, pt_t(1001, 600, 0), 0x18000);
	dl_sync(&t, 12, pt_t(1002, 600, 0), 0x18000);
	cr_assert_null(dl_sample(&t));
	dl_fup(&t, 11, pt_t(1001, 100, 0), 0x4000);	/* too late */
	cr_assert_null(dl_sample(&t));
	dl_fup(&t, 12, pt_t(1002, 100, 0), 0x4000);
	s = dl_sample(&t);
	cr_assert_not_null(s);
	pt_assert_tmv(s->u.sample.offset, pt_t(0, 49, 0x6000), "offset");
	cr_assert_eq(port_core_counters(t.pc)->followup_lost, 1);
	/* A Follow_Up whose Sync never came, then a good pair. */
	dl_fup(&t, 20, pt_t(1003, 100, 0), 0);
	dl_sync(&t, 21, pt_t(1004, 600, 0), 0x18000);
	cr_assert_null(dl_sample(&t));
	dl_fup(&t, 21, pt_t(1004, 100, 0), 0x4000);
	cr_assert_not_null(dl_sample(&t));
	/* Follow_Up 11 (stale) and Follow_Up 20 (orphan). */
	cr_assert_eq(port_core_counters(t.pc)->followup_mismatch, 2);
	pt_destroy(&t);
}

Test(port_delay, lost_delay_resp_no_delay_sample_with_zero)
{
	const struct port_counters *c;
	struct ptp_msg m;
	uint16_t seq;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	c = port_core_counters(t.pc);
	dl_sync(&t, 10, pt_t(1000, 600, 0), 0);
	dl_fup(&t, 10, pt_t(1000, 100, 0), 0);
	seq = dl_dreq(&t, pt_t(1000, 700, 0));
	dl_dreq(&t, pt_t(1001, 700, 0));
	cr_assert_eq(c->delay_resp_lost, 1);
	/* The answer to the first one comes too late: mismatch. */
	dl_dresp(&t, seq, pt_t(1000, 1100, 0), 0, 0);
	cr_assert_eq(c->delay_resp_mismatch, 1);
	/* Another slave's answer is not ours: ignored, not counted. */
	pt_msg(&m, PTP_DELAY_RESP, &pt_m1, (uint16_t)(seq + 1));
	m.body.delay_resp.requestingPortIdentity = pt_m2;
	pt_rx(&t, &m);
	cr_assert_eq(c->delay_resp_mismatch, 1);
	cr_assert(tmv_is_zero(port_core_delay(t.pc)));
	dl_sync(&t, 11, pt_t(1001, 600, 0), 0);
	dl_fup(&t, 11, pt_t(1001, 100, 0), 0);
	/* no delay ever measured: the sample carries delay 0 */
	cr_assert_not_null(dl_sample(&t), "a sample even without a delay");
	pt_assert_tmv(dl_sample(&t)->u.sample.delay, tmv_zero(), "delay 0");
	pt_destroy(&t);
}

Test(port_delay, delay_resp_before_tx_stamp)
{
	const struct pact *a;
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	dl_sync(&t, 10, pt_t(1000, 600, 0), 0x18000);
	dl_fup(&t, 10, pt_t(1000, 100, 0), 0x4000);
	pt_timer(&t, PT_DELAY_REQ);
	a = pt_sent(&t, PTP_DELAY_REQ, &m);
	dl_dresp(&t, a->u.send.seq, pt_t(1000, 1100, 0), 0x8000, 0);
	cr_assert(tmv_is_zero(port_core_delay(t.pc)));
	pt_txts(&t, PTP_DELAY_REQ, m.hdr.sequenceId, pt_t(1000, 700, 0));
	pt_assert_tmv(port_core_delay(t.pc), pt_t(0, 448, 0xE000), "delay");
	pt_destroy(&t);
}

Test(port_delay, sequence_id_wrap)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	dl_example_delay(&t, false);
	dl_sync(&t, 0xFFFF, pt_t(1001, 600, 0), 0x18000);
	dl_fup(&t, 0xFFFF, pt_t(1001, 100, 0), 0x4000);
	cr_assert_not_null(dl_sample(&t));
	dl_fup(&t, 0, pt_t(1002, 100, 0), 0x4000);
	dl_sync(&t, 0, pt_t(1002, 600, 0), 0x18000);
	cr_assert_not_null(dl_sample(&t));
	pt_assert_tmv(dl_sample(&t)->u.sample.offset, pt_t(0, 49, 0x6000),
		      "offset after wrap");
	cr_assert_eq(port_core_counters(t.pc)->followup_mismatch, 0);
	pt_destroy(&t);
}

/*
 * Negative and sub-ns corrections:
 *   Sync corr -2.25 ns, Follow_Up corr +1 ns, preciseOrigin 500 s 10 ns
 *     => t1c = 500 s 8.75 ns; t2 = RX 500 s 1000 ns
 *   t3 = 500 s 2000 ns; Delay_Resp 500 s 2990 ns, corr -0.75 ns
 *     => t4c = 500 s 2990.75 ns
 *   delay = ((1000 - 2000) + (2990.75 - 8.75)) / 2 = (-1000 + 2982) / 2
 *         = 991 ns
 *   next Sync: same numbers one second on => offset = 1000 - 8.75 - 991
 *         = 0.25 ns
 */
Test(port_delay, negative_and_sub_ns_corrections)
{
	const struct pact *s;
	uint16_t seq;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	dl_sync(&t, 1, pt_t(500, 1000, 0), -0x24000);
	dl_fup(&t, 1, pt_t(500, 10, 0), 0x10000);
	seq = dl_dreq(&t, pt_t(500, 2000, 0));
	dl_dresp(&t, seq, pt_t(500, 2990, 0), -0xC000, 0);
	pt_assert_tmv(port_core_delay(t.pc), pt_t(0, 991, 0), "delay");
	dl_sync(&t, 2, pt_t(501, 1000, 0), -0x24000);
	dl_fup(&t, 2, pt_t(501, 10, 0), 0x10000);
	s = dl_sample(&t);
	cr_assert_not_null(s);
	pt_assert_tmv(s->u.sample.t1, pt_t(501, 8, 0xC000), "t1c");
	pt_assert_tmv(s->u.sample.offset, pt_t(0, 0, 0x4000), "offset");
	pt_destroy(&t);
}

/*
 * Latencies and asymmetry: ingress 10 ns, egress 20 ns,
 * delayAsymmetry +5 ns (master-to-slave 5 ns longer than the mean).
 *   Sync RX 700 s 1510 ns => t2 = 700 s 1500 ns; origin 700 s 0 ns
 *     => t1c = 700 s 0 ns
 *   Delay_Req TX 700 s 3000 ns => t3 = 700 s 3020 ns
 *   Delay_Resp 700 s 4000 ns, corr 0 => t4c = 700 s 4000 ns
 *   delay = ((1500 - 3020) + (4000 - 0)) / 2 = 2480 / 2 = 1240 ns
 *   offset = 1500 - 0 - 1240 - 5 = 255 ns
 * Check: with a true offset o, 1500 = o + 1240 + 5 and
 *   4000 - 3020 = 1240 - 5 - o => o = 255 both ways.
 */
Test(port_delay, latencies_and_asymmetry)
{
	const struct pact *s;
	uint16_t seq;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.ingress_latency_ns = 10;
	t.cfg.egress_latency_ns = 20;
	t.cfg.ds.delayAsymmetry = 5LL << 16;
	pt_create(&t);
	pt_to_slave(&t);
	dl_sync(&t, 1, pt_t(700, 1510, 0), 0);
	dl_fup(&t, 1, pt_t(700, 0, 0), 0);
	seq = dl_dreq(&t, pt_t(700, 3000, 0));
	dl_dresp(&t, seq, pt_t(700, 4000, 0), 0, 0);
	pt_assert_tmv(port_core_delay(t.pc), pt_ns(1240), "delay");
	dl_sync(&t, 2, pt_t(701, 1510, 0), 0);
	dl_fup(&t, 2, pt_t(701, 0, 0), 0);
	s = dl_sample(&t);
	cr_assert_not_null(s);
	pt_assert_tmv(s->u.sample.t2, pt_t(701, 1500, 0), "t2");
	pt_assert_tmv(s->u.sample.offset, pt_ns(255), "offset");
	pt_destroy(&t);
}

Test(port_delay, one_step_sync)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	dl_example_delay(&t, false);
	/* originTimestamp 1001 s 100 ns + corr 1.75 ns, no Follow_Up:
	 * offset = 600 - 101.75 - 448.875 = 49.375 ns */
	pt_msg(&m, PTP_SYNC, &pt_m1, 11);
	m.hdr.flagField = 0;
	m.hdr.correctionField = 0x1C000;
	m.body.sync.originTimestamp = tmv_to_ts(pt_t(1001, 100, 0));
	pt_rx_ts(&t, &m, true, pt_t(1001, 600, 0));
	cr_assert_not_null(dl_sample(&t));
	pt_assert_tmv(dl_sample(&t)->u.sample.offset, pt_t(0, 49, 0x6000),
		      "one-step offset");
	pt_destroy(&t);
}

Test(port_delay, delay_filter_rejects_and_median)
{
	const struct port_counters *c;
	uint16_t seq;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	c = port_core_counters(t.pc);
	/* t1c = 0 s... use t2 - t1c = 1000 ns */
	dl_sync(&t, 1, pt_t(10, 1000, 0), 0);
	dl_fup(&t, 1, pt_t(10, 0, 0), 0);
	/* (t2 - t3) + (t4 - t1) = (1000 - 5000) + (3000 - 0) < 0 */
	seq = dl_dreq(&t, pt_t(10, 5000, 0));
	dl_dresp(&t, seq, pt_t(10, 3000, 0), 0, 0);
	cr_assert_eq(c->delay_rejected, 1);
	/* 2.2 s: absurd */
	seq = dl_dreq(&t, pt_t(10, 2000, 0));
	dl_dresp(&t, seq, pt_t(14, 4000, 0), 0, 0);
	cr_assert_eq(c->delay_rejected, 2);
	cr_assert(tmv_is_zero(port_core_delay(t.pc)));
	/* Delays 100, 300, 200 ns => medians 100, 200, 200; then 1000,
	 * 1000 => median of {100 200 300 1000 1000} = 300. With t2 - t3
	 * = -1000 (t3 = 10 s 2000 ns) a delay d needs t4 = 1000 + 2d. */
	{
		int64_t d[] = { 100, 300, 200, 1000, 1000 };
		int64_t want[] = { 100, 200, 200, 250, 300 };
		unsigned i;

		for (i = 0; i < 5; i++) {
			seq = dl_dreq(&t, pt_t(10, 2000, 0));
			dl_dresp(&t, seq, pt_t(10, 1000 + 2 * d[i], 0), 0, 0);
			pt_assert_tmv(port_core_delay(t.pc), pt_ns(want[i]),
				      "median");
		}
	}
	pt_destroy(&t);
}

/* delay_filter mean over a window of 4: the running mean of the last 4
 * delays, the oldest dropped; the default window is 8. */
Test(port_delay, delay_filter_mean_window)
{
	static const int64_t d[] = { 100, 300, 200, 1000, 1000, 0, 0, 0, 0 };
	static const int64_t want4[] = { 100, 200, 200, 400, 625, 550, 500,
					 250, 0 };
	static const int64_t want8[] = { 100, 200, 200, 400, 520, 433, 371,
					 325, 312 };
	const int64_t *want[] = { want4, want8 };
	unsigned i, k;
	uint16_t seq;
	struct pt t;

	for (k = 0; k < 2; k++) {
		pt_setup(&t, DM_E2E);
		t.cfg.delay_filter = PORT_DF_MEAN;
		t.cfg.delay_filter_len = k ? 0 : 4;
		pt_create(&t);
		pt_to_slave(&t);
		dl_sync(&t, 1, pt_t(10, 1000, 0), 0);
		dl_fup(&t, 1, pt_t(10, 0, 0), 0);
		for (i = 0; i < 9; i++) {
			/* t2 - t3 = -1000: t4 = 1000 + 2d gives delay d */
			seq = dl_dreq(&t, pt_t(10, 2000, 0));
			dl_dresp(&t, seq, pt_t(10, 1000 + 2 * d[i], 0), 0,
				 0);
			cr_assert_eq(tmv_to_ns(port_core_delay(t.pc)),
				     want[k][i], "len %u delay %u: %" PRId64,
				     k ? 8 : 4, i,
				     tmv_to_ns(port_core_delay(t.pc)));
		}
		pt_destroy(&t);
	}
}

/* Delays 100, 300, 200 into a window of 2 (median of 2 = their mean). */
Test(port_delay, delay_filter_median_window)
{
	static const int64_t d[] = { 100, 300, 200, 1000 };
	static const int64_t want[] = { 100, 200, 250, 600 };
	uint16_t seq;
	unsigned i;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.delay_filter_len = 2;
	pt_create(&t);
	pt_to_slave(&t);
	dl_sync(&t, 1, pt_t(10, 1000, 0), 0);
	dl_fup(&t, 1, pt_t(10, 0, 0), 0);
	for (i = 0; i < 4; i++) {
		seq = dl_dreq(&t, pt_t(10, 2000, 0));
		dl_dresp(&t, seq, pt_t(10, 1000 + 2 * d[i], 0), 0, 0);
		cr_assert_eq(tmv_to_ns(port_core_delay(t.pc)), want[i]);
	}
	pt_destroy(&t);
}

/* Exponential jitter of mean `mean` ns from a fixed splitmix64 stream. */
static double dl_exp(uint64_t *st, double mean)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return -mean * log(((double)(z >> 11) + 1.0) / 9007199254740993.0);
}

/*
 * The linuxptp-testsuite link (100 ns + exponential jitter of mean
 * 100 ns each way), a slave exactly on time: the mean of the offsets the
 * port hands out is the bias a servo that averages them is left with.
 * With the mean filter it is 0 (within the noise of 20000 samples, ~1
 * ns); the median of ((t2 - t1) + (t4 - t3)) / 2 sits ~16 ns below its
 * mean and leaves the offsets ~16 ns too large.
 */
static double dl_mean_offset(uint8_t filter)
{
	const unsigned n = 20000;
	uint64_t rng = 12345;
	double sum = 0.0;
	uint16_t seq;
	unsigned i, got = 0;
	struct pt t;
	int64_t base;

	pt_setup(&t, DM_E2E);
	t.cfg.delay_filter = filter;
	pt_create(&t);
	pt_to_slave(&t);
	for (i = 0; i < n; i++) {
		/* Sync at 1000 + i ms (master = slave time) */
		base = 1000000 + 1000 * (int64_t)i;	/* us */
		dl_sync(&t, (uint16_t)i, tmv_add(pt_t(base / 1000000,
			(base % 1000000) * 1000, 0),
			tmv_from_ns(llround(100 + dl_exp(&rng, 100)))), 0);
		dl_fup(&t, (uint16_t)i, pt_t(base / 1000000,
		       (base % 1000000) * 1000, 0), 0);
		if (dl_sample(&t) && i >= 16) {
			sum += (double)tmv_to_ns_round(
				dl_sample(&t)->u.sample.offset);
			got++;
		}
		/* Delay_Req 500 us later */
		base += 500;
		seq = dl_dreq(&t, pt_t(base / 1000000,
			      (base % 1000000) * 1000, 0));
		dl_dresp(&t, seq, tmv_add(pt_t(base / 1000000,
			 (base % 1000000) * 1000, 0),
			 tmv_from_ns(llround(100 + dl_exp(&rng, 100)))), 0, 0);
	}
	pt_destroy(&t);
	cr_assert_gt(got, n - 20);
	return sum / got;
}

Test(port_delay, delay_filter_mean_unbiased_one_sided_jitter)
{
	double mean = dl_mean_offset(PORT_DF_MEAN);
	double median = dl_mean_offset(PORT_DF_MEDIAN);

	cr_log_info("mean offset: delay_filter mean %.2f ns, median %.2f ns",
		    mean, median);
	cr_assert_lt(fabs(mean), 4.0, "mean filter: offsets biased by %f ns",
		     mean);
	/* the median's bias, documented (the reason for the mean) */
	cr_assert_gt(median, 8.0, "median filter: bias %f ns", median);
}

/* A new master empties the mean filter's window as the median's: the
 * first delay measured from it is taken whole. */
Test(port_delay, delay_filter_mean_reset_on_new_master)
{
	struct ptp_msg m;
	uint16_t seq;
	unsigned i;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.delay_filter = PORT_DF_MEAN;
	pt_create(&t);
	pt_to_slave(&t);
	dl_sync(&t, 1, pt_t(10, 1000, 0), 0);
	dl_fup(&t, 1, pt_t(10, 0, 0), 0);
	for (i = 0; i < 8; i++) {
		seq = dl_dreq(&t, pt_t(10, 2000, 0));
		dl_dresp(&t, seq, pt_t(10, 1000 + 2 * 5000, 0), 0, 0);
	}
	cr_assert_eq(tmv_to_ns(port_core_delay(t.pc)), 5000);
	pt_qualify(&t, &pt_m2, 10);
	pt_decide(&t, BMCA_REC_S1);
	cr_assert(tmv_is_zero(port_core_delay(t.pc)));
	/* pt_m2's Sync pair and one exchange: delay 100 ns, not the mean
	 * of it and the old 5000s */
	pt_msg(&m, PTP_SYNC, &pt_m2, 1);
	pt_rx_ts(&t, &m, true, pt_t(20, 1000, 0));
	pt_msg(&m, PTP_FOLLOW_UP, &pt_m2, 1);
	m.body.follow_up.preciseOriginTimestamp = tmv_to_ts(pt_t(20, 0, 0));
	pt_rx(&t, &m);
	seq = dl_dreq(&t, pt_t(20, 2000, 0));
	pt_msg(&m, PTP_DELAY_RESP, &pt_m2, seq);
	m.body.delay_resp.receiveTimestamp = tmv_to_ts(pt_t(20, 1200, 0));
	m.body.delay_resp.requestingPortIdentity =
		port_core_ds(t.pc)->portIdentity;
	pt_rx(&t, &m);
	cr_assert_eq(tmv_to_ns(port_core_delay(t.pc)), 100, "delay %" PRId64,
		     tmv_to_ns(port_core_delay(t.pc)));
	pt_destroy(&t);
}

Test(port_delay, delay_resp_interval_adopted)
{
	uint16_t seq;
	unsigned i;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	seq = dl_dreq(&t, pt_t(1, 0, 0));
	dl_dresp(&t, seq, pt_t(1, 0, 0), 0, -4);
	for (i = 0; i < 50; i++) {
		pt_timer(&t, PT_DELAY_REQ);
		cr_assert_leq(pt_armed(&t, PT_DELAY_REQ)->u.timer.ns,
			      NS_PER_SEC / 8, "2^(-4+1) s");
	}
	pt_destroy(&t);
}

Test(port_delay, only_the_parent_is_followed)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	dl_example_delay(&t, false);
	pt_msg(&m, PTP_SYNC, &pt_m2, 11);
	pt_rx_ts(&t, &m, true, pt_t(1001, 600, 0));
	pt_msg(&m, PTP_FOLLOW_UP, &pt_m2, 11);
	pt_rx(&t, &m);
	cr_assert_null(dl_sample(&t));
	cr_assert_eq(port_core_counters(t.pc)->rx_unexpected, 2);
	/* New master: the delay starts again. */
	pt_qualify(&t, &pt_m2, 10);
	pt_decide(&t, BMCA_REC_S1);
	cr_assert(tmv_is_zero(port_core_delay(t.pc)));
	pt_destroy(&t);
}

/* ---- P2P ---- */

static const struct port_identity dl_peer = {
	{ { 0x0a, 0x0b, 0x0c, 0xff, 0xfe, 0x0d, 0x0e, 0x0f } }, 2
};

/* PDELAY_REQ fires, its TX stamp is t1: returns the seq. */
static uint16_t dl_preq(struct pt *t, tmv_t t1)
{
	const struct pact *a;
	struct ptp_msg m;
	uint16_t seq;

	pt_timer(t, PT_PDELAY_REQ);
	a = pt_sent(t, PTP_PDELAY_REQ, &m);
	cr_assert(a->u.send.event && a->u.send.pdelay && a->u.send.want_txts);
	cr_assert_eq(m.hdr.correctionField, 0);
	cr_assert_eq(m.hdr.logMessageInterval, PTP_LOG_INTERVAL_UNSPEC);
	seq = a->u.send.seq;	/* the list is reused by the next event */
	pt_txts(t, PTP_PDELAY_REQ, seq, t1);
	return seq;
}

static void dl_presp(struct pt *t, const struct port_identity *src,
		     uint16_t seq, tmv_t t2, tmv_t t4, int64_t corr)
{
	struct ptp_msg m;

	pt_msg(&m, PTP_PDELAY_RESP, src, seq);
	m.hdr.correctionField = corr;
	m.body.pdelay_resp.timestamp = tmv_to_ts(t2);
	m.body.pdelay_resp.requestingPortIdentity =
		port_core_ds(t->pc)->portIdentity;
	pt_rx_ts(t, &m, true, t4);
}

static void dl_pfup(struct pt *t, const struct port_identity *src,
		    uint16_t seq, tmv_t t3, int64_t corr)
{
	struct ptp_msg m;

	pt_msg(&m, PTP_PDELAY_RESP_FOLLOW_UP, src, seq);
	m.hdr.correctionField = corr;
	m.body.pdelay_resp.timestamp = tmv_to_ts(t3);
	m.body.pdelay_resp.requestingPortIdentity =
		port_core_ds(t->pc)->portIdentity;
	pt_rx(t, &m);
}

/*
 * Equal clocks: t1 10 s 0, t2 10 s 500, t3 10 s 1500, t4 10 s 2000 ns:
 * meanLinkDelay = ((2000 - 0) - (1500 - 500)) / 2 = 500 ns, with the
 * Resp and its Follow_Up in either order.
 */
Test(port_delay, p2p_requester_either_order)
{
	unsigned order;

	for (order = 0; order < 2; order++) {
		struct pt t;
		uint16_t seq;

		pt_setup(&t, DM_P2P);
		pt_create(&t);
		pt_simple(&t, PEV_START);
		seq = dl_preq(&t, pt_t(10, 0, 0));
		if (order) {
			dl_pfup(&t, &dl_peer, seq, pt_t(10, 1500, 0), 0);
			cr_assert(tmv_is_zero(port_core_delay(t.pc)));
			dl_presp(&t, &dl_peer, seq, pt_t(10, 500, 0),
				 pt_t(10, 2000, 0), 0);
		} else {
			dl_presp(&t, &dl_peer, seq, pt_t(10, 500, 0),
				 pt_t(10, 2000, 0), 0);
			cr_assert(tmv_is_zero(port_core_delay(t.pc)));
			dl_pfup(&t, &dl_peer, seq, pt_t(10, 1500, 0), 0);
		}
		pt_assert_tmv(port_core_delay(t.pc), pt_ns(500), "link");
		cr_assert_eq(port_core_ds(t.pc)->meanLinkDelay, 500LL << 16);
		cr_assert(port_core_rate_ratio(t.pc) == 1.0);
		pt_destroy(&t);
	}
}

/*
 * Peer clock 100 ppm fast: peer(x) = 1.0001 x (ns). Exchange n at local
 * t1 = (100 + n) s; link delay 10000 ns local (10001 ns peer); the peer
 * turns round in 100010 ns of its time (100000 ns local):
 *   t2 = (100 + n) * 1000100000 + 10001          (peer)
 *   t3 = t2 + 100010                             (peer)
 *   t4 = t1 + 120000                             (local)
 * r = (t3_n - t3_0) / (t4_n - t4_0) = 1.0001
 * meanLinkDelay = (120000 * r - 100010) / 2 = (120012 - 100010) / 2
 *               = 10001 ns (in the peer's time base, as 11.4 has it).
 * The first exchange has no r yet: (120000 - 100010) / 2 = 9995 ns; the
 * median filter then gives 9998 (mean of 9995 and 10001) and, once the
 * first has left its 8 places, exactly 10001.
 */
Test(port_delay, p2p_rate_ratio_100ppm)
{
	const struct pact *s;
	unsigned n;
	struct pt t;

	pt_setup(&t, DM_P2P);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	for (n = 0; n < 9; n++) {
		int64_t t2 = (100 + (int64_t)n) * 1000100000LL + 10001;
		tmv_t t1 = pt_t(100 + n, 0, 0);
		uint16_t seq = dl_preq(&t, t1);

		dl_presp(&t, &dl_peer, seq, pt_ns(t2),
			 tmv_add(t1, pt_ns(120000)), 0);
		dl_pfup(&t, &dl_peer, seq, pt_ns(t2 + 100010), 0);
		if (n == 0) {
			pt_assert_tmv(port_core_delay(t.pc), pt_ns(9995),
				      "first");
		}
		if (n == 1) {
			pt_assert_tmv(port_core_delay(t.pc), pt_ns(9998),
				      "second");
		}
	}
	cr_assert(fabs(port_core_rate_ratio(t.pc) - 1.0001) < 1e-12,
		  "r = %.15f", port_core_rate_ratio(t.pc));
	pt_assert_tmv(port_core_delay(t.pc), pt_ns(10001), "meanLinkDelay");
	cr_assert_eq(port_core_counters(t.pc)->pdelay_resp_lost, 0);

	/* A slave on this link uses it: offset = t2 - t1c - 10001 ns. */
	pt_qualify(&t, &pt_m1, 100);
	pt_decide(&t, BMCA_REC_S1);
	cr_assert_null(pt_armed(&t, PT_DELAY_REQ), "no Delay_Req in P2P");
	dl_sync(&t, 5, pt_t(2000, 50000, 0), 0);
	dl_fup(&t, 5, pt_t(2000, 30000, 0), 0);
	s = dl_sample(&t);
	cr_assert_not_null(s);
	pt_assert_tmv(s->u.sample.offset, pt_ns(20000 - 10001), "offset");
	pt_assert_tmv(s->u.sample.delay, pt_ns(10001), "delay");
	cr_assert(fabs(s->u.sample.rate_ratio - 1.0001) < 1e-12);
	pt_destroy(&t);
}

Test(port_delay, p2p_multiple_responders_ignored)
{
	struct port_identity other = dl_peer;
	struct pt t;
	uint16_t seq;

	other.portNumber = 9;
	pt_setup(&t, DM_P2P);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	seq = dl_preq(&t, pt_t(10, 0, 0));
	dl_presp(&t, &dl_peer, seq, pt_t(10, 500, 0), pt_t(10, 2000, 0), 0);
	dl_presp(&t, &other, seq, pt_t(10, 600, 0), pt_t(10, 2100, 0), 0);
	dl_pfup(&t, &dl_peer, seq, pt_t(10, 1500, 0), 0);
	dl_pfup(&t, &other, seq, pt_t(10, 1600, 0), 0);
	cr_assert_eq(port_core_counters(t.pc)->pdelay_multi_resp, 1);
	cr_assert(tmv_is_zero(port_core_delay(t.pc)));
	/* The next exchange with one responder works. */
	seq = dl_preq(&t, pt_t(11, 0, 0));
	cr_assert_eq(port_core_counters(t.pc)->pdelay_resp_lost, 0);
	dl_presp(&t, &dl_peer, seq, pt_t(11, 500, 0), pt_t(11, 2000, 0), 0);
	dl_pfup(&t, &dl_peer, seq, pt_t(11, 1500, 0), 0);
	pt_assert_tmv(port_core_delay(t.pc), pt_ns(500), "link");
	pt_destroy(&t);
}

Test(port_delay, p2p_lost_response_and_mismatch)
{
	const struct port_counters *c;
	struct pt t;
	uint16_t seq;

	pt_setup(&t, DM_P2P);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	c = port_core_counters(t.pc);
	seq = dl_preq(&t, pt_t(10, 0, 0));
	dl_preq(&t, pt_t(11, 0, 0));
	cr_assert_eq(c->pdelay_resp_lost, 1);
	dl_presp(&t, &dl_peer, seq, pt_t(10, 500, 0), pt_t(10, 2000, 0), 0);
	cr_assert_eq(c->pdelay_mismatch, 1);
	cr_assert(tmv_is_zero(port_core_delay(t.pc)));
	pt_destroy(&t);
}

/* One-step responder: turnaround in the correction, no Follow_Up:
 * ((2000 - 0) - 1000) / 2 = 500 ns. */
Test(port_delay, p2p_one_step_responder)
{
	struct ptp_msg m;
	struct pt t;
	uint16_t seq;

	pt_setup(&t, DM_P2P);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	seq = dl_preq(&t, pt_t(10, 0, 0));
	pt_msg(&m, PTP_PDELAY_RESP, &dl_peer, seq);
	m.hdr.flagField = 0;
	m.hdr.correctionField = 1000LL << 16;
	m.body.pdelay_resp.requestingPortIdentity =
		port_core_ds(t.pc)->portIdentity;
	pt_rx_ts(&t, &m, true, pt_t(10, 2000, 0));
	pt_assert_tmv(port_core_delay(t.pc), pt_ns(500), "link");
	pt_destroy(&t);
}

/*
 * Responder: Pdelay_Req (corr 0.25 ns) received at 50 s 1000.5 ns:
 *   Pdelay_Resp: requestReceiptTimestamp 50 s 1000 ns, corr -0.5 ns
 * its TX stamp 50 s 4980.25 ns + egress 20 ns = 50 s 5000.25 ns:
 *   Follow_Up: responseOriginTimestamp 50 s 5000 ns,
 *              corr 0.25 + 0.25 = 0.5 ns
 * so t3 + corrections - t2 = 5000 - 0.5 + 0.5 - 1000 = 4000 ns
 *   = true turnaround 3999.75 ns + the request's 0.25 ns.
 */
Test(port_delay, p2p_responder)
{
	const struct pact *a;
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_P2P);
	t.cfg.egress_latency_ns = 20;
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_msg(&m, PTP_PDELAY_REQ, &dl_peer, 77);
	m.hdr.correctionField = 0x4000;
	pt_rx_ts(&t, &m, true, pt_t(50, 1000, 0x8000));
	a = pt_sent(&t, PTP_PDELAY_RESP, &m);
	cr_assert(a->u.send.event && a->u.send.pdelay && a->u.send.want_txts);
	cr_assert_eq(m.hdr.sequenceId, 77);
	cr_assert_eq(m.hdr.flagField & PTP_FLAG_TWO_STEP, PTP_FLAG_TWO_STEP);
	cr_assert_eq(m.hdr.correctionField, -0x8000);
	cr_assert_eq(m.hdr.logMessageInterval, PTP_LOG_INTERVAL_UNSPEC);
	cr_assert_eq(m.body.pdelay_resp.timestamp.seconds, 50);
	cr_assert_eq(m.body.pdelay_resp.timestamp.nanoseconds, 1000);
	cr_assert_eq(port_identity_cmp(
		&m.body.pdelay_resp.requestingPortIdentity, &dl_peer), 0);
	pt_txts(&t, PTP_PDELAY_RESP, 77, pt_t(50, 4980, 0x4000));
	a = pt_sent(&t, PTP_PDELAY_RESP_FOLLOW_UP, &m);
	cr_assert(!a->u.send.event && a->u.send.pdelay);
	cr_assert_eq(m.hdr.sequenceId, 77);
	cr_assert_eq(m.hdr.correctionField, 0x8000);
	cr_assert_eq(m.body.pdelay_resp.timestamp.seconds, 50);
	cr_assert_eq(m.body.pdelay_resp.timestamp.nanoseconds, 5000);
	cr_assert_eq(port_identity_cmp(
		&m.body.pdelay_resp.requestingPortIdentity, &dl_peer), 0);
	/* Stamp again: no second Follow_Up. */
	pt_txts(&t, PTP_PDELAY_RESP, 77, pt_t(50, 4980, 0));
	cr_assert_eq(t.out.n, 0);
	pt_destroy(&t);
}

/* Our responder and our requester agree: two cores back to back. */
Test(port_delay, p2p_two_cores_back_to_back)
{
	struct pt a, b;
	const struct pact *s;
	uint8_t buf[PTP_MSG_MAX];
	struct ptp_msg m;
	uint16_t seq, len;

	pt_setup(&a, DM_P2P);
	pt_setup(&b, DM_P2P);
	b.clk.dflt.clockIdentity = pt_m2.clockIdentity;
	b.cfg.ds.portIdentity.clockIdentity = pt_m2.clockIdentity;
	pt_create(&a);
	pt_create(&b);
	pt_simple(&a, PEV_START);
	pt_simple(&b, PEV_START);
	/* a asks at 5 s 100.25 ns; b receives at 5 s 900.5 ns, answers at
	 * 5 s 1900.75 ns; a receives at 5 s 2700.5 ns:
	 * ((2700.5 - 100.25) - (1900.75 - 900.5)) / 2 = (2600.25 -
	 * 1000.25) / 2 = 800 ns */
	pt_timer(&a, PT_PDELAY_REQ);
	s = pt_sent(&a, PTP_PDELAY_REQ, &m);
	seq = s->u.send.seq;
	len = s->u.send.len;
	memcpy(buf, s->u.send.buf, len);
	pt_txts(&a, PTP_PDELAY_REQ, seq, pt_t(5, 100, 0x4000));
	{
		struct pev ev = { .type = PEV_RX };

		ev.u.rx.buf = buf;
		ev.u.rx.len = len;
		ev.u.rx.has_ts = true;
		ev.u.rx.ts = pt_t(5, 900, 0x8000);
		pt_ev(&b, &ev);
	}
	s = pt_sent(&b, PTP_PDELAY_RESP, &m);
	len = s->u.send.len;
	memcpy(buf, s->u.send.buf, len);
	pt_txts(&b, PTP_PDELAY_RESP, seq, pt_t(5, 1900, 0xC000));
	pt_sent(&b, PTP_PDELAY_RESP_FOLLOW_UP, &m);
	{
		struct pev ev = { .type = PEV_RX };

		ev.u.rx.buf = buf;
		ev.u.rx.len = len;
		ev.u.rx.has_ts = true;
		ev.u.rx.ts = pt_t(5, 2700, 0x8000);
		pt_ev(&a, &ev);
	}
	pt_rx(&a, &m);
	pt_assert_tmv(port_core_delay(a.pc), pt_ns(800), "link delay");
	pt_destroy(&a);
	pt_destroy(&b);
}

Test(port_delay, p2p_slave_ignores_delay_resp)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_P2P);
	pt_create(&t);
	pt_to_slave(&t);
	cr_assert_null(pt_armed(&t, PT_DELAY_REQ));
	pt_msg(&m, PTP_DELAY_RESP, &pt_m1, 0);
	m.body.delay_resp.requestingPortIdentity =
		port_core_ds(t.pc)->portIdentity;
	pt_rx(&t, &m);
	cr_assert_eq(port_core_counters(t.pc)->rx_unexpected, 1);
	pt_destroy(&t);
}

Test(port_delay, e2e_port_ignores_pdelay_req)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_msg(&m, PTP_PDELAY_REQ, &dl_peer, 1);
	pt_rx(&t, &m);
	cr_assert_null(pt_find(&t.out, PACT_SEND, -1, -1));
	cr_assert_eq(port_core_counters(t.pc)->rx_unexpected, 1);
	pt_destroy(&t);
}

Test(port_delay, auto_delay_switches_to_p2p)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.auto_delay = true;
	pt_create(&t);
	pt_to_slave(&t);
	cr_assert_not_null(pt_armed(&t, PT_DELAY_REQ));
	pt_msg(&m, PTP_PDELAY_REQ, &dl_peer, 1);
	pt_rx(&t, &m);
	cr_assert_eq(port_core_ds(t.pc)->delayMechanism, DM_P2P);
	cr_assert_not_null(pt_stopped(&t, PT_DELAY_REQ));
	cr_assert_not_null(pt_armed(&t, PT_PDELAY_REQ));
	cr_assert_not_null(pt_find(&t.out, PACT_SEND, PTP_PDELAY_RESP, -1));
	/* Re-initialisation goes back to the configured E2E. */
	pt_simple(&t, PEV_FAULT);
	pt_simple(&t, PEV_LINK_UP);
	cr_assert_eq(port_core_ds(t.pc)->delayMechanism, DM_E2E);
	cr_assert_null(pt_armed(&t, PT_PDELAY_REQ));
	pt_destroy(&t);
}

/* ---- e2e_sample both: each direction its own sample ---- */

/*
 * The worked example with e2e_sample both: at the Delay_Resp a second
 * sample, the Delay_Req direction's, at t3:
 *   t3 - t4c + meanPathDelay = 700 - 1099.5 + 448.875 = 49.375 ns
 * (the example's master and slave agree, so the Sync's is the same).
 * With e2e_sample sync the Delay_Resp brings no sample.
 */
Test(port_delay, both_dreq_sample_worked_example)
{
	const struct pact *s;
	uint8_t mode;
	struct pt t;

	for (mode = PORT_ES_SYNC; mode <= PORT_ES_BOTH; mode++) {
		pt_setup(&t, DM_E2E);
		t.cfg.e2e_sample = mode;
		pt_create(&t);
		pt_to_slave(&t);
		dl_example_delay(&t, false);
		s = dl_sample(&t);
		if (mode == PORT_ES_SYNC) {
			cr_assert_null(s, "sync: no sample at the Delay_Resp");
			pt_destroy(&t);
			continue;
		}
		cr_assert_not_null(s, "both: a sample at the Delay_Resp");
		pt_assert_tmv(s->u.sample.offset, pt_t(0, 49, 0x6000),
			      "t3 - t4c + delay = 49.375 ns");
		pt_assert_tmv(s->u.sample.t2, pt_t(1000, 700, 0), "at t3");
		pt_assert_tmv(s->u.sample.delay, pt_t(0, 448, 0xE000),
			      "meanPathDelay");
		pt_destroy(&t);
	}
}

/*
 * The linuxptp-testsuite link (100 ns + exponential jitter of mean
 * 100 ns each way), the slave exactly on time, mean filter: with both,
 * the Delay_Req direction's samples are unbiased as the Sync's, there
 * are two per Sync, and the average of a Sync's sample and the next
 * exchange's has about half the variance of the Sync sample alone
 * (one-sided jitter of sd 100 ns each way: ~100^2 against ~50^2 + the
 * filter's share).
 */
static void dl_both_stats(uint8_t mode, double *mean, double *var_sync,
			  double *var_pair, unsigned *got)
{
	const unsigned n = 20000;
	uint64_t rng = 777;
	double sum = 0.0, s2 = 0.0, p2 = 0.0, xs = 0.0;
	unsigned i, ns = 0, np = 0;
	uint16_t seq;
	struct pt t;
	int64_t base;

	pt_setup(&t, DM_E2E);
	t.cfg.delay_filter = PORT_DF_MEAN;
	t.cfg.delay_filter_len = 32;
	t.cfg.e2e_sample = mode;
	pt_create(&t);
	pt_to_slave(&t);
	*got = 0;
	for (i = 0; i < n; i++) {
		double x;

		base = 1000000 + 1000 * (int64_t)i;	/* us */
		dl_sync(&t, (uint16_t)i, tmv_add(pt_t(base / 1000000,
			(base % 1000000) * 1000, 0),
			tmv_from_ns(llround(100 + dl_exp(&rng, 100)))), 0);
		dl_fup(&t, (uint16_t)i, pt_t(base / 1000000,
		       (base % 1000000) * 1000, 0), 0);
		if (dl_sample(&t) && i >= 64) {
			xs = (double)tmv_to_ns_round(
				dl_sample(&t)->u.sample.offset);
			sum += xs;
			s2 += xs * xs;
			ns++;
			(*got)++;
		}
		base += 500;
		seq = dl_dreq(&t, pt_t(base / 1000000,
			      (base % 1000000) * 1000, 0));
		dl_dresp(&t, seq, tmv_add(pt_t(base / 1000000,
			 (base % 1000000) * 1000, 0),
			 tmv_from_ns(llround(100 + dl_exp(&rng, 100)))), 0, 0);
		if (dl_sample(&t) && i >= 64) {
			x = (double)tmv_to_ns_round(
				dl_sample(&t)->u.sample.offset);
			sum += x;
			(*got)++;
			p2 += (x + xs) * (x + xs) / 4.0;
			np++;
		}
	}
	pt_destroy(&t);
	*mean = sum / *got;
	*var_sync = s2 / ns;
	*var_pair = np ? p2 / np : *var_sync;
}

Test(port_delay, both_unbiased_and_half_the_variance)
{
	double m_sync, v_sync, m_both, v_both_sync, v_pair;
	unsigned n_sync, n_both;

	dl_both_stats(PORT_ES_SYNC, &m_sync, &v_sync, &v_pair, &n_sync);
	dl_both_stats(PORT_ES_BOTH, &m_both, &v_both_sync, &v_pair,
		      &n_both);
	cr_log_info("sync: %u samples, mean %.2f sd %.1f; both: %u, mean "
		    "%.2f, pair sd %.1f", n_sync, m_sync, sqrt(v_sync),
		    n_both, m_both, sqrt(v_pair));
	cr_assert_lt(fabs(m_both), 4.0, "both: biased by %f ns", m_both);
	cr_assert_gt(n_both, 2 * n_sync - 10, "both: two samples a Sync");
	cr_assert_lt(v_pair, 0.6 * v_sync, "pair variance %f, sync %f",
		     v_pair, v_sync);
}

/* A lost Delay_Resp: no sample from its direction (nor a 0-delay one),
 * the next exchange brings one. */
Test(port_delay, both_lost_delay_resp)
{
	uint16_t seq;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.e2e_sample = PORT_ES_BOTH;
	pt_create(&t);
	pt_to_slave(&t);
	dl_example_delay(&t, false);
	cr_assert_not_null(dl_sample(&t));
	dl_dreq(&t, pt_t(1001, 700, 0));	/* never answered */
	cr_assert_null(dl_sample(&t));
	seq = dl_dreq(&t, pt_t(1002, 700, 0));
	cr_assert_eq(port_core_counters(t.pc)->delay_resp_lost, 1);
	dl_dresp(&t, seq, pt_t(1002, 1100, 0), 0x8000, 0);
	cr_assert_not_null(dl_sample(&t), "the next exchange's sample");
	pt_destroy(&t);
}

/* A new master: the Delay_Req direction's first sample from it uses the
 * delay measured from it alone (100 ns: offset 2000 - 1200 + 100 = 900,
 * the same as its Sync's 1000 - 0 - 100), not the old master's 5000. */
Test(port_delay, both_new_master_resets)
{
	const struct pact *s;
	struct ptp_msg m;
	uint16_t seq;
	unsigned i;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.delay_filter = PORT_DF_MEAN;
	t.cfg.e2e_sample = PORT_ES_BOTH;
	pt_create(&t);
	pt_to_slave(&t);
	dl_sync(&t, 1, pt_t(10, 1000, 0), 0);
	dl_fup(&t, 1, pt_t(10, 0, 0), 0);
	for (i = 0; i < 8; i++) {
		seq = dl_dreq(&t, pt_t(10, 2000, 0));
		dl_dresp(&t, seq, pt_t(10, 1000 + 2 * 5000, 0), 0, 0);
	}
	pt_qualify(&t, &pt_m2, 10);
	pt_decide(&t, BMCA_REC_S1);
	seq = dl_dreq(&t, pt_t(19, 2000, 0));
	pt_msg(&m, PTP_DELAY_RESP, &pt_m2, seq);
	m.body.delay_resp.receiveTimestamp = tmv_to_ts(pt_t(19, 1200, 0));
	m.body.delay_resp.requestingPortIdentity =
		port_core_ds(t.pc)->portIdentity;
	pt_rx(&t, &m);
	cr_assert_null(dl_sample(&t), "no Sync of the new master yet");
	pt_msg(&m, PTP_SYNC, &pt_m2, 1);
	pt_rx_ts(&t, &m, true, pt_t(20, 1000, 0));
	pt_msg(&m, PTP_FOLLOW_UP, &pt_m2, 1);
	m.body.follow_up.preciseOriginTimestamp = tmv_to_ts(pt_t(20, 0, 0));
	pt_rx(&t, &m);
	seq = dl_dreq(&t, pt_t(20, 2000, 0));
	pt_msg(&m, PTP_DELAY_RESP, &pt_m2, seq);
	m.body.delay_resp.receiveTimestamp = tmv_to_ts(pt_t(20, 1200, 0));
	m.body.delay_resp.requestingPortIdentity =
		port_core_ds(t.pc)->portIdentity;
	pt_rx(&t, &m);
	s = dl_sample(&t);
	cr_assert_not_null(s);
	cr_assert_eq(tmv_to_ns(s->u.sample.offset), 900, "offset %" PRId64,
		     tmv_to_ns(s->u.sample.offset));
	pt_destroy(&t);
}
