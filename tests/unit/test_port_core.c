/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of common/port_core.c and port_fmt.c: the port state machine
 * (IEEE 1588-2019 9.2.5), its timers, the RX filters, the foreign master
 * table (9.3.2.4) and what a master sends. Pure: events in, actions out.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "port_test.h"

static void pcore_init(void)
{
	log_set_level(LOG_EMERG);
}

TestSuite(port_core, .init = pcore_init, .timeout = 20);

/* ---- state machine ---- */

Test(port_core, start_goes_listening_with_announce_receipt)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_assert_state(&t, PS_INITIALIZING);
	pt_simple(&t, PEV_START);
	pt_assert_state(&t, PS_LISTENING);
	pt_assert_change(&t, PS_INITIALIZING, PS_LISTENING);
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	cr_assert_null(pt_armed(&t, PT_PDELAY_REQ), "no Pdelay in E2E");
	cr_assert_null(pt_armed(&t, PT_SYNC_TX));
	/* A second START does nothing. */
	pt_simple(&t, PEV_START);
	cr_assert_eq(t.out.n, 0);
	pt_destroy(&t);
}

Test(port_core, start_p2p_arms_pdelay)
{
	struct pt t;

	pt_setup(&t, DM_P2P);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	cr_assert_not_null(pt_armed(&t, PT_PDELAY_REQ));
	/* It stays armed in MASTER and comes back every 2^0 s. */
	pt_decide(&t, BMCA_REC_M2);
	cr_assert_null(pt_stopped(&t, PT_PDELAY_REQ));
	pt_timer(&t, PT_PDELAY_REQ);
	cr_assert_not_null(pt_find(&t.out, PACT_SEND, PTP_PDELAY_REQ, -1));
	cr_assert_eq(pt_armed(&t, PT_PDELAY_REQ)->u.timer.ns, NS_PER_SEC);
	pt_destroy(&t);
}

Test(port_core, announce_timeout_from_listening_goes_master)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_timer(&t, PT_ANNOUNCE_RECEIPT);
	pt_assert_state(&t, PS_MASTER);
	pt_assert_change(&t, PS_LISTENING, PS_MASTER);
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_TX));
	cr_assert_not_null(pt_armed(&t, PT_SYNC_TX));
	cr_assert_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	cr_assert_eq(port_core_counters(t.pc)->announce_timeouts, 1);
	pt_destroy(&t);
}

Test(port_core, announce_timeout_slave_only_stays_listening)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.clk.dflt.slaveOnly = true;
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_timer(&t, PT_ANNOUNCE_RECEIPT);
	pt_assert_state(&t, PS_LISTENING);
	cr_assert_eq(pt_count(&t.out, PACT_STATE), 0);
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT), "re-armed");
	pt_destroy(&t);
}

Test(port_core, slave_only_slave_times_out_to_listening)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.clk.dflt.slaveOnly = true;
	pt_create(&t);
	pt_to_slave(&t);
	pt_timer(&t, PT_ANNOUNCE_RECEIPT);
	pt_assert_state(&t, PS_LISTENING);
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	cr_assert_not_null(pt_stopped(&t, PT_DELAY_REQ));
	cr_assert_null(port_core_erbest(t.pc));
	pt_destroy(&t);
}

Test(port_core, decision_m1_m2_master_directly)
{
	enum bmca_rec recs[] = { BMCA_REC_M1, BMCA_REC_M2 };
	unsigned i;

	for (i = 0; i < 2; i++) {
		struct pt t;

		pt_setup(&t, DM_E2E);
		pt_create(&t);
		pt_simple(&t, PEV_START);
		pt_decide(&t, recs[i]);
		pt_assert_state(&t, PS_MASTER);
		pt_assert_change(&t, PS_LISTENING, PS_MASTER);
		cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_TX));
		cr_assert_not_null(pt_armed(&t, PT_SYNC_TX));
		cr_assert_not_null(pt_stopped(&t, PT_ANNOUNCE_RECEIPT));
		/* Again: no change, no action. */
		pt_decide(&t, recs[i]);
		cr_assert_eq(t.out.n, 0);
		pt_destroy(&t);
	}
}

Test(port_core, decision_m3_pre_master_then_qualification)
{
	const struct pact *q;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.clk.cur.stepsRemoved = 2;
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_decide(&t, BMCA_REC_M3);
	pt_assert_state(&t, PS_PRE_MASTER);
	q = pt_armed(&t, PT_QUALIFICATION);
	cr_assert_not_null(q);
	/* (stepsRemoved + 1) * 2^1 s = 6 s (9.2.6.11) */
	cr_assert_eq(q->u.timer.ns, 6 * NS_PER_SEC);
	cr_assert_null(pt_armed(&t, PT_SYNC_TX), "no Sync in PRE_MASTER");
	/* M3 again keeps PRE_MASTER and its timer. */
	pt_decide(&t, BMCA_REC_M3);
	cr_assert_eq(t.out.n, 0);
	pt_timer(&t, PT_QUALIFICATION);
	pt_assert_state(&t, PS_MASTER);
	pt_assert_change(&t, PS_PRE_MASTER, PS_MASTER);
	cr_assert_not_null(pt_armed(&t, PT_SYNC_TX));
	/* M3 in MASTER: stays. */
	pt_decide(&t, BMCA_REC_M3);
	pt_assert_state(&t, PS_MASTER);
	pt_destroy(&t);
}

Test(port_core, decision_m1_from_pre_master_skips_qualification)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_decide(&t, BMCA_REC_M3);
	pt_decide(&t, BMCA_REC_M1);
	pt_assert_state(&t, PS_MASTER);
	cr_assert_not_null(pt_stopped(&t, PT_QUALIFICATION));
	pt_destroy(&t);
}

Test(port_core, decision_p1_p2_passive)
{
	enum bmca_rec recs[] = { BMCA_REC_P1, BMCA_REC_P2 };
	unsigned i;

	for (i = 0; i < 2; i++) {
		struct pt t;

		pt_setup(&t, DM_E2E);
		pt_create(&t);
		pt_simple(&t, PEV_START);
		pt_decide(&t, BMCA_REC_M2);
		pt_decide(&t, recs[i]);
		pt_assert_state(&t, PS_PASSIVE);
		pt_assert_change(&t, PS_MASTER, PS_PASSIVE);
		cr_assert_not_null(pt_stopped(&t, PT_SYNC_TX));
		cr_assert_not_null(pt_stopped(&t, PT_ANNOUNCE_TX));
		cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
		/* PASSIVE times out to MASTER as well. */
		pt_timer(&t, PT_ANNOUNCE_RECEIPT);
		pt_assert_state(&t, PS_MASTER);
		pt_destroy(&t);
	}
}

Test(port_core, decision_s1_uncalibrated_with_new_master)
{
	const struct pact *d;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_qualify(&t, &pt_m1, 100);
	pt_decide(&t, BMCA_REC_S1);
	pt_assert_state(&t, PS_UNCALIBRATED);
	pt_assert_change(&t, PS_LISTENING, PS_UNCALIBRATED);
	cr_assert_not_null(pt_find(&t.out, PACT_NEW_MASTER, -1, -1));
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	d = pt_armed(&t, PT_DELAY_REQ);
	cr_assert_not_null(d);
	cr_assert_leq(d->u.timer.ns, 2 * NS_PER_SEC);
	pt_destroy(&t);
}

Test(port_core, decision_s1_same_master_changes_nothing)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	pt_decide(&t, BMCA_REC_S1);
	cr_assert_eq(t.out.n, 0, "%u actions", t.out.n);
	pt_simple(&t, PEV_SYNCED);
	pt_decide(&t, BMCA_REC_S1);
	cr_assert_eq(t.out.n, 0);
	pt_assert_state(&t, PS_SLAVE);
	pt_destroy(&t);
}

Test(port_core, decision_s1_other_master_from_slave)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	pt_simple(&t, PEV_SYNCED);
	pt_assert_state(&t, PS_SLAVE);
	/* pt_m2 (priority1 50) becomes Erbest. */
	pt_qualify(&t, &pt_m2, 50);
	cr_assert_not_null(pt_find(&t.out, PACT_ERBEST, -1, -1));
	cr_assert_eq(port_identity_cmp(&port_core_erbest(t.pc)->sender,
				       &pt_m2), 0);
	pt_decide(&t, BMCA_REC_S1);
	pt_assert_state(&t, PS_UNCALIBRATED);
	pt_assert_change(&t, PS_SLAVE, PS_UNCALIBRATED);
	cr_assert_not_null(pt_find(&t.out, PACT_NEW_MASTER, -1, -1));
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	/* And once more from UNCALIBRATED: back to pt_m1. */
	pt_qualify(&t, &pt_m1, 10);
	pt_decide(&t, BMCA_REC_S1);
	pt_assert_state(&t, PS_UNCALIBRATED);
	cr_assert_eq(pt_count(&t.out, PACT_STATE), 0);
	cr_assert_not_null(pt_find(&t.out, PACT_NEW_MASTER, -1, -1));
	pt_destroy(&t);
}

Test(port_core, synced_and_unsynced)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_simple(&t, PEV_SYNCED);	/* not UNCALIBRATED: ignored */
	pt_assert_state(&t, PS_LISTENING);
	pt_qualify(&t, &pt_m1, 100);
	pt_decide(&t, BMCA_REC_S1);
	pt_simple(&t, PEV_SYNCED);
	pt_assert_state(&t, PS_SLAVE);
	pt_assert_change(&t, PS_UNCALIBRATED, PS_SLAVE);
	/* Timers keep running between UNCALIBRATED and SLAVE. */
	cr_assert_eq(pt_count(&t.out, PACT_TIMER), 0);
	pt_simple(&t, PEV_UNSYNCED);
	pt_assert_state(&t, PS_UNCALIBRATED);
	pt_assert_change(&t, PS_SLAVE, PS_UNCALIBRATED);
	cr_assert_eq(pt_count(&t.out, PACT_TIMER), 0);
	pt_destroy(&t);
}

Test(port_core, decision_listening)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	pt_decide(&t, BMCA_REC_LISTENING);
	pt_assert_state(&t, PS_LISTENING);
	cr_assert_not_null(pt_stopped(&t, PT_DELAY_REQ));
	pt_decide(&t, BMCA_REC_NONE);
	cr_assert_eq(t.out.n, 0);
	pt_destroy(&t);
}

Test(port_core, link_down_faulty_and_link_up)
{
	const struct pact *a;
	struct pt t;

	pt_setup(&t, DM_P2P);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_decide(&t, BMCA_REC_M2);
	pt_simple(&t, PEV_LINK_DOWN);
	pt_assert_state(&t, PS_FAULTY);
	cr_assert_not_null(pt_stopped(&t, PT_ANNOUNCE_TX));
	cr_assert_not_null(pt_stopped(&t, PT_SYNC_TX));
	cr_assert_not_null(pt_stopped(&t, PT_PDELAY_REQ));
	a = pt_armed(&t, PT_FAULT_RESET);
	cr_assert_not_null(a);
	cr_assert_eq(a->u.timer.ns, 16 * NS_PER_SEC, "2^4 s");
	/* Timers that fire late do nothing in FAULTY. */
	pt_timer(&t, PT_SYNC_TX);
	cr_assert_eq(t.out.n, 0);
	pt_simple(&t, PEV_LINK_UP);
	pt_assert_state(&t, PS_LISTENING);
	cr_assert_eq(pt_count(&t.out, PACT_STATE), 2);
	cr_assert_eq(t.out.a[0].u.state.to, PS_INITIALIZING);
	cr_assert_not_null(pt_stopped(&t, PT_FAULT_RESET));
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	cr_assert_not_null(pt_armed(&t, PT_PDELAY_REQ));
	pt_destroy(&t);
}

Test(port_core, fault_then_reset_timer)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	pt_simple(&t, PEV_FAULT);
	pt_assert_state(&t, PS_FAULTY);
	cr_assert_not_null(pt_stopped(&t, PT_DELAY_REQ));
	cr_assert_not_null(pt_stopped(&t, PT_ANNOUNCE_RECEIPT));
	cr_assert_not_null(pt_find(&t.out, PACT_ERBEST, -1, -1),
			   "table cleared");
	cr_assert_null(port_core_erbest(t.pc));
	pt_timer(&t, PT_FAULT_RESET);
	pt_assert_state(&t, PS_LISTENING);
	pt_assert_change(&t, PS_INITIALIZING, PS_LISTENING);
	pt_destroy(&t);
}

Test(port_core, disable_and_enable)
{
	struct pt t;
	struct ptp_msg m;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_decide(&t, BMCA_REC_M1);
	pt_simple(&t, PEV_DISABLE);
	pt_assert_state(&t, PS_DISABLED);
	cr_assert_not_null(pt_stopped(&t, PT_SYNC_TX));
	cr_assert_not_null(pt_stopped(&t, PT_ANNOUNCE_TX));
	cr_assert_null(pt_find(&t.out, PACT_TIMER, -1, 1), "nothing armed");
	cr_assert_eq(port_core_ds(t.pc)->portEnable, false);
	/* Link events and decisions do not wake a disabled port. */
	pt_simple(&t, PEV_LINK_DOWN);
	pt_simple(&t, PEV_LINK_UP);
	pt_decide(&t, BMCA_REC_M1);
	pt_assert_state(&t, PS_DISABLED);
	pt_announce(&m, &pt_m1, 1, 100);
	pt_rx(&t, &m);
	cr_assert_eq(port_core_counters(t.pc)->rx_unexpected, 1);
	pt_simple(&t, PEV_ENABLE);
	pt_assert_state(&t, PS_LISTENING);
	cr_assert_eq(pt_count(&t.out, PACT_STATE), 2);
	cr_assert_eq(port_core_ds(t.pc)->portEnable, true);
	pt_destroy(&t);
}

Test(port_core, slave_announce_timeout_clears_erbest_goes_master)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	pt_timer(&t, PT_ANNOUNCE_RECEIPT);
	pt_assert_state(&t, PS_MASTER);
	cr_assert_not_null(pt_find(&t.out, PACT_ERBEST, -1, -1));
	cr_assert_null(port_core_erbest(t.pc));
	cr_assert_not_null(pt_stopped(&t, PT_DELAY_REQ));
	cr_assert_not_null(pt_armed(&t, PT_SYNC_TX));
	pt_destroy(&t);
}

Test(port_core, parent_announce_rearms_receipt_timeout)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	t.now += 2 * NS_PER_SEC;
	pt_announce(&m, &pt_m1, 102, 100);
	pt_rx(&t, &m);
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	/* Another master's Announce does not. */
	pt_announce(&m, &pt_m2, 7, 200);
	pt_rx(&t, &m);
	cr_assert_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	pt_destroy(&t);
}

Test(port_core, stale_timer_ignored)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_timer(&t, PT_SYNC_TX);
	pt_timer(&t, PT_QUALIFICATION);
	pt_timer(&t, PT_DELAY_REQ);
	cr_assert_eq(t.out.n, 0);
	pt_assert_state(&t, PS_LISTENING);
	pt_destroy(&t);
}

/* ---- foreign masters ---- */

Test(port_core, fmt_one_announce_not_qualified_two_are)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_announce(&m, &pt_m1, 1, 100);
	pt_rx(&t, &m);
	cr_assert_null(pt_find(&t.out, PACT_ERBEST, -1, -1));
	cr_assert_null(port_core_erbest(t.pc));
	/* The same sequenceId again is a duplicate, not a second one. */
	t.now += NS_PER_SEC;
	pt_rx(&t, &m);
	cr_assert_null(port_core_erbest(t.pc));
	t.now += NS_PER_SEC;
	pt_announce(&m, &pt_m1, 2, 100);
	pt_rx(&t, &m);
	cr_assert_not_null(pt_find(&t.out, PACT_ERBEST, -1, -1));
	cr_assert_not_null(port_core_erbest(t.pc));
	cr_assert_eq(port_core_erbest(t.pc)->priority1, 100);
	cr_assert_eq(port_identity_cmp(&port_core_erbest(t.pc)->receiver,
				       &port_core_ds(t.pc)->portIdentity), 0);
	/* Qualified Announces in LISTENING restart the receipt timeout. */
	cr_assert_not_null(pt_armed(&t, PT_ANNOUNCE_RECEIPT));
	pt_destroy(&t);
}

Test(port_core, fmt_two_announces_beyond_window_not_qualified)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_announce(&m, &pt_m1, 1, 100);
	pt_rx(&t, &m);
	/* Window: 4 intervals of 2^1 s = 8 s. */
	t.now += 8 * NS_PER_SEC + 1;
	pt_announce(&m, &pt_m1, 2, 100);
	pt_rx(&t, &m);
	cr_assert_null(port_core_erbest(t.pc));
	/* Exactly 8 s apart still counts. */
	t.now += 8 * NS_PER_SEC;
	pt_announce(&m, &pt_m1, 3, 100);
	pt_rx(&t, &m);
	cr_assert_not_null(port_core_erbest(t.pc));
	pt_destroy(&t);
}

Test(port_core, fmt_interval_from_announce)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	/* logMessageInterval -2: window 4 * 0.25 s = 1 s. */
	pt_announce(&m, &pt_m1, 1, 100);
	m.hdr.logMessageInterval = -2;
	pt_rx(&t, &m);
	t.now += NS_PER_SEC + 1;
	m.hdr.sequenceId = 2;
	pt_rx(&t, &m);
	cr_assert_null(port_core_erbest(t.pc));
	t.now += NS_PER_SEC / 4;
	m.hdr.sequenceId = 3;
	pt_rx(&t, &m);
	cr_assert_not_null(port_core_erbest(t.pc));
	pt_destroy(&t);
}

Test(port_core, fmt_expiry_after_window)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_qualify(&t, &pt_m1, 100);	/* at T and T + 2 s */
	cr_assert_not_null(port_core_erbest(t.pc));
	/* T + 8 s: the first is exactly one window old, still counts. */
	t.now += 6 * NS_PER_SEC;
	pt_simple(&t, PEV_SYNCED);	/* any event carries the time */
	cr_assert_not_null(port_core_erbest(t.pc));
	cr_assert_eq(t.out.n, 0);
	t.now += 1;
	pt_simple(&t, PEV_SYNCED);
	cr_assert_null(port_core_erbest(t.pc));
	cr_assert_not_null(pt_find(&t.out, PACT_ERBEST, -1, -1));
	/* One more Announce: qualified again (the one at T + 2 s is in). */
	{
		struct ptp_msg m;

		pt_announce(&m, &pt_m1, 102, 100);
		pt_rx(&t, &m);
		cr_assert_not_null(port_core_erbest(t.pc));
	}
	pt_destroy(&t);
}

Test(port_core, fmt_best_of_several_and_content_change)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_qualify(&t, &pt_m1, 100);
	pt_qualify(&t, &pt_m2, 90);
	cr_assert_eq(port_identity_cmp(&port_core_erbest(t.pc)->sender,
				       &pt_m2), 0);
	/* pt_m1 announces a better priority1: Erbest changes. */
	t.now += NS_PER_SEC;
	pt_announce(&m, &pt_m1, 102, 80);
	pt_rx(&t, &m);
	cr_assert_not_null(pt_find(&t.out, PACT_ERBEST, -1, -1));
	cr_assert_eq(port_identity_cmp(&port_core_erbest(t.pc)->sender,
				       &pt_m1), 0);
	/* Same sender, new clockClass: PACT_ERBEST again. */
	t.now += NS_PER_SEC;
	pt_announce(&m, &pt_m1, 103, 80);
	m.body.announce.grandmasterClockQuality.clockClass = 6;
	pt_rx(&t, &m);
	cr_assert_not_null(pt_find(&t.out, PACT_ERBEST, -1, -1));
	cr_assert_eq(port_core_erbest(t.pc)->quality.clockClass, 6);
	/* Nothing new: no PACT_ERBEST. */
	t.now += NS_PER_SEC;
	m.hdr.sequenceId = 104;
	pt_rx(&t, &m);
	cr_assert_null(pt_find(&t.out, PACT_ERBEST, -1, -1));
	pt_destroy(&t);
}

static void pcore_announce_path(struct ptp_msg *m, uint8_t *buf, size_t cap,
				const struct clock_identity *ids, unsigned n)
{
	struct tlv_writer w;

	tlv_writer_init(&w, buf, cap);
	cr_assert_eq(tlv_put_path_trace(&w, ids, n), 0);
	m->tlv = buf;
	m->tlv_len = (uint16_t)w.len;
}

Test(port_core, fmt_path_trace_loop_dropped_and_path_kept)
{
	struct clock_identity ids[2], got[PATH_TRACE_MAX];
	uint8_t buf[64];
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.path_trace = true;
	pt_create(&t);
	pt_simple(&t, PEV_START);
	ids[0] = pt_m2.clockIdentity;
	ids[1] = pt_me;
	pt_announce(&m, &pt_m1, 1, 100);
	pcore_announce_path(&m, buf, sizeof(buf), ids, 2);
	pt_rx(&t, &m);
	t.now += NS_PER_SEC;
	m.hdr.sequenceId = 2;
	pt_rx(&t, &m);
	cr_assert_eq(port_core_counters(t.pc)->path_trace_loop, 2);
	cr_assert_null(port_core_erbest(t.pc));
	/* Without us in it: accepted, and the path is kept. */
	ids[1] = pt_m1.clockIdentity;
	pcore_announce_path(&m, buf, sizeof(buf), ids, 2);
	m.hdr.sequenceId = 3;
	pt_rx(&t, &m);
	t.now += NS_PER_SEC;
	m.hdr.sequenceId = 4;
	pt_rx(&t, &m);
	cr_assert_not_null(port_core_erbest(t.pc));
	cr_assert_eq(port_core_erbest_path(t.pc, got, PATH_TRACE_MAX), 2);
	cr_assert_eq(memcmp(&got[0], &pt_m2.clockIdentity, 8), 0);
	cr_assert_eq(memcmp(&got[1], &pt_m1.clockIdentity, 8), 0);
	cr_assert_eq(port_core_erbest_path(t.pc, got, 1), 1);
	pt_destroy(&t);
}

Test(port_core, rx_filters_domain_own_steps_no_ts_decode)
{
	struct port_identity own_other = { pt_me, 2 };
	struct port_identity own = { pt_me, 1 };
	const struct port_counters *c;
	struct ptp_msg m;
	uint8_t buf[8] = { 0 };
	struct pev ev = { .type = PEV_RX };
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_to_slave(&t);
	c = port_core_counters(t.pc);

	pt_announce(&m, &pt_m2, 1, 1);
	m.hdr.domainNumber = 5;
	pt_rx(&t, &m);
	pt_announce(&m, &pt_m2, 2, 1);
	m.hdr.majorSdoId = 1;		/* 802.1AS */
	pt_rx(&t, &m);
	cr_assert_eq(c->rx_foreign_domain, 2);

	pt_msg(&m, PTP_DELAY_REQ, &own, 1);
	pt_rx(&t, &m);
	pt_announce(&m, &own_other, 1, 1);
	pt_rx(&t, &m);
	cr_assert_eq(c->rx_own, 2);

	pt_announce(&m, &pt_m2, 3, 1);
	m.body.announce.stepsRemoved = 255;
	pt_rx(&t, &m);
	t.now += NS_PER_SEC;
	m.hdr.sequenceId = 4;
	pt_rx(&t, &m);
	cr_assert_eq(c->rx_unexpected, 2);
	cr_assert_eq(port_identity_cmp(&port_core_erbest(t.pc)->sender,
				       &pt_m1), 0, "pt_m2 never entered");

	pt_msg(&m, PTP_SYNC, &pt_m1, 9);
	pt_rx_ts(&t, &m, false, tmv_zero());
	cr_assert_eq(c->rx_no_ts, 1);

	ev.u.rx.buf = buf;
	ev.u.rx.len = sizeof(buf);
	pt_ev(&t, &ev);
	cr_assert_eq(c->rx_err[PTP_E_SHORT], 1);
	cr_assert_eq(c->rx[PTP_ANNOUNCE], 2 + 2 + 1 + 2,
		     "counted by type: %llu",
		     (unsigned long long)c->rx[PTP_ANNOUNCE]);
	pt_destroy(&t);
}

Test(port_core, rx_minor_version_zero_accepted)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_announce(&m, &pt_m1, 1, 100);
	m.hdr.minorVersionPTP = 0;
	pt_rx(&t, &m);
	t.now += NS_PER_SEC;
	m.hdr.sequenceId = 2;
	pt_rx(&t, &m);
	cr_assert_not_null(port_core_erbest(t.pc));
	pt_destroy(&t);
}

/* ---- master ---- */

Test(port_core, master_announce_contents)
{
	struct clock_identity up = pt_m2.clockIdentity;
	struct tlv_path_trace pt;
	const struct pact *a;
	struct tlv_iter it;
	struct tlv_raw tr;
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.path_trace = true;
	t.cfg.ds.minorVersionNumber = 0;
	t.clk.dflt.domainNumber = 4;
	t.clk.parent.grandmasterPriority1 = 7;
	t.clk.parent.grandmasterPriority2 = 9;
	t.clk.parent.grandmasterIdentity = pt_m1.clockIdentity;
	t.clk.parent.grandmasterClockQuality.clockClass = 6;
	t.clk.parent.grandmasterClockQuality.clockAccuracy = 0x21;
	t.clk.parent.grandmasterClockQuality.offsetScaledLogVariance = 0x4e5d;
	t.clk.cur.stepsRemoved = 3;
	t.clk.tprop.currentUtcOffset = 37;
	t.clk.tprop.currentUtcOffsetValid = true;
	t.clk.tprop.leap61 = true;
	t.clk.tprop.timeTraceable = true;
	t.clk.tprop.timeSource = TS_GNSS;
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_decide(&t, BMCA_REC_M1);
	cr_assert_lt(pt_armed(&t, PT_ANNOUNCE_TX)->u.timer.ns, NS_PER_SEC);
	pt_timer(&t, PT_ANNOUNCE_TX);
	a = pt_sent(&t, PTP_ANNOUNCE, &m);
	cr_assert(!a->u.send.event && !a->u.send.want_txts);
	cr_assert_eq(pt_armed(&t, PT_ANNOUNCE_TX)->u.timer.ns,
		     2 * NS_PER_SEC);
	cr_assert_eq(m.hdr.minorVersionPTP, 0);
	cr_assert_eq(m.hdr.domainNumber, 4);
	cr_assert_eq(m.hdr.logMessageInterval, 1);
	cr_assert_eq(m.hdr.sequenceId, 0);
	cr_assert_eq(m.hdr.flagField, PTP_FLAG_UTC_OFFSET_VALID |
		     PTP_FLAG_LEAP61 | PTP_FLAG_TIME_TRACEABLE |
		     PTP_FLAG_PTP_TIMESCALE);
	cr_assert_eq(port_identity_cmp(&m.hdr.sourcePortIdentity,
		     &port_core_ds(t.pc)->portIdentity), 0);
	cr_assert_eq(m.body.announce.grandmasterPriority1, 7);
	cr_assert_eq(m.body.announce.grandmasterPriority2, 9);
	cr_assert_eq(m.body.announce.grandmasterClockQuality.clockClass, 6);
	cr_assert_eq(m.body.announce.grandmasterClockQuality.clockAccuracy,
		     0x21);
	cr_assert_eq(m.body.announce.grandmasterClockQuality
		     .offsetScaledLogVariance, 0x4e5d);
	cr_assert_eq(clock_identity_cmp(&m.body.announce.grandmasterIdentity,
					&pt_m1.clockIdentity), 0);
	cr_assert_eq(m.body.announce.stepsRemoved, 3);
	cr_assert_eq(m.body.announce.currentUtcOffset, 37);
	cr_assert_eq(m.body.announce.timeSource, TS_GNSS);
	tlv_iter_init(&it, &m);
	cr_assert_eq(tlv_iter_next(&it, &tr), 1);
	cr_assert_eq(tlv_get_path_trace(&tr, &pt), 0);
	cr_assert_eq(pt.count, 1);
	cr_assert_eq(memcmp(pt.ids, pt_me.id, 8), 0);

	/* A boundary clock's path: upstream, then us; seq 1 next. */
	port_core_set_path_trace(t.pc, &up, 1);
	pt_timer(&t, PT_ANNOUNCE_TX);
	pt_sent(&t, PTP_ANNOUNCE, &m);
	cr_assert_eq(m.hdr.sequenceId, 1);
	tlv_iter_init(&it, &m);
	cr_assert_eq(tlv_iter_next(&it, &tr), 1);
	cr_assert_eq(tlv_get_path_trace(&tr, &pt), 0);
	cr_assert_eq(pt.count, 2);
	cr_assert_eq(memcmp(pt.ids, up.id, 8), 0);
	cr_assert_eq(memcmp(pt.ids + 8, pt_me.id, 8), 0);
	pt_destroy(&t);
}

Test(port_core, master_announce_without_path_trace)
{
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_decide(&t, BMCA_REC_M1);
	pt_timer(&t, PT_ANNOUNCE_TX);
	pt_sent(&t, PTP_ANNOUNCE, &m);
	cr_assert_eq(m.tlv_len, 0);
	cr_assert_eq(m.hdr.minorVersionPTP, 1);
	pt_destroy(&t);
}

Test(port_core, master_sync_then_follow_up_exact)
{
	const struct pact *a;
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.egress_latency_ns = 7;
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_decide(&t, BMCA_REC_M2);
	pt_timer(&t, PT_SYNC_TX);
	a = pt_sent(&t, PTP_SYNC, &m);
	cr_assert(a->u.send.event && a->u.send.want_txts);
	cr_assert(!a->u.send.pdelay);
	cr_assert_eq(a->u.send.msg_type, PTP_SYNC);
	cr_assert_eq(a->u.send.seq, 0);
	cr_assert_eq(m.hdr.flagField & PTP_FLAG_TWO_STEP, PTP_FLAG_TWO_STEP);
	cr_assert_eq(m.hdr.logMessageInterval, 0);
	cr_assert_eq(m.hdr.correctionField, 0);
	cr_assert_eq(pt_armed(&t, PT_SYNC_TX)->u.timer.ns, NS_PER_SEC);

	/* TX stamp 100 s 500 ns + 0x1234 / 65536 ns; egress + 7 ns:
	 * preciseOriginTimestamp 100 s 507 ns, correction 0x1234. */
	pt_txts(&t, PTP_SYNC, 0, pt_t(100, 500, 0x1234));
	a = pt_sent(&t, PTP_FOLLOW_UP, &m);
	cr_assert(!a->u.send.event && !a->u.send.want_txts);
	cr_assert_eq(m.hdr.sequenceId, 0);
	cr_assert_eq(m.body.follow_up.preciseOriginTimestamp.seconds, 100);
	cr_assert_eq(m.body.follow_up.preciseOriginTimestamp.nanoseconds,
		     507);
	cr_assert_eq(m.hdr.correctionField, 0x1234);
	cr_assert_eq(m.hdr.logMessageInterval, 0);
	/* A duplicate or stale stamp sends nothing more. */
	pt_txts(&t, PTP_SYNC, 0, pt_t(100, 500, 0));
	cr_assert_eq(t.out.n, 0);
	/* A Sync whose stamp never came is counted at the next one. */
	pt_timer(&t, PT_SYNC_TX);
	pt_timer(&t, PT_SYNC_TX);
	cr_assert_eq(port_core_counters(t.pc)->txts_missing, 1);
	cr_assert_eq(port_core_counters(t.pc)->tx[PTP_SYNC], 3);
	pt_destroy(&t);
}

Test(port_core, master_delay_req_gets_delay_resp)
{
	struct port_identity slave = { pt_m2.clockIdentity, 3 };
	const struct pact *a;
	struct ptp_msg m;
	struct pt t;

	pt_setup(&t, DM_E2E);
	t.cfg.ingress_latency_ns = 3;
	t.cfg.ds.logMinDelayReqInterval = -3;
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_decide(&t, BMCA_REC_M2);
	pt_msg(&m, PTP_DELAY_REQ, &slave, 0xBEEF);
	m.hdr.correctionField = 5 << 16;		/* 5 ns */
	/* RX 200 s 1000.5 ns; t4 = that - 3 ns = 200 s 997.5 ns:
	 * receiveTimestamp 200 s 997 ns, correction 5 ns - 0.5 ns. */
	pt_rx_ts(&t, &m, true, pt_t(200, 1000, 0x8000));
	a = pt_sent(&t, PTP_DELAY_RESP, &m);
	cr_assert(!a->u.send.event);
	cr_assert_eq(m.hdr.sequenceId, 0xBEEF);
	cr_assert_eq(m.hdr.logMessageInterval, -3);
	cr_assert_eq(m.body.delay_resp.receiveTimestamp.seconds, 200);
	cr_assert_eq(m.body.delay_resp.receiveTimestamp.nanoseconds, 997);
	cr_assert_eq(m.hdr.correctionField, (5 << 16) - 0x8000);
	cr_assert_eq(port_identity_cmp(
			&m.body.delay_resp.requestingPortIdentity, &slave), 0);
	/* Not answered by a listening port. */
	pt_simple(&t, PEV_DISABLE);
	pt_simple(&t, PEV_ENABLE);
	pt_msg(&m, PTP_DELAY_REQ, &slave, 1);
	pt_rx(&t, &m);
	cr_assert_null(pt_find(&t.out, PACT_SEND, -1, -1));
	pt_destroy(&t);
}

Test(port_core, master_sync_sequence_wraps)
{
	struct ptp_msg m;
	struct pt t;
	unsigned i;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	pt_simple(&t, PEV_START);
	pt_decide(&t, BMCA_REC_M2);
	for (i = 0; i < 0x10000; i++) {
		pt_timer(&t, PT_SYNC_TX);
		pt_txts(&t, PTP_SYNC, (uint16_t)i, pt_t(1, i, 0));
	}
	pt_sent(&t, PTP_FOLLOW_UP, &m);
	cr_assert_eq(m.hdr.sequenceId, 0xFFFF);
	pt_timer(&t, PT_SYNC_TX);
	pt_sent(&t, PTP_SYNC, &m);
	cr_assert_eq(m.hdr.sequenceId, 0);
	pt_txts(&t, PTP_SYNC, 0, pt_t(2, 0, 0));
	pt_sent(&t, PTP_FOLLOW_UP, &m);
	cr_assert_eq(m.hdr.sequenceId, 0);
	cr_assert_eq(port_core_counters(t.pc)->txts_missing, 0);
	pt_destroy(&t);
}

/* ---- randomised timers ---- */

Test(port_core, random_timers_within_bounds)
{
	const char *env = getenv("PORT_CORE_SEED");
	uint64_t base = env ? strtoull(env, NULL, 0) : 0x5eed;
	unsigned i, k;

	for (i = 0; i < 200; i++) {
		uint64_t seed = base + i;
		const struct pact *a;
		struct pt t;

		pt_setup(&t, DM_E2E);
		t.cfg.seed = seed;
		t.cfg.ds.logMinDelayReqInterval = -2;
		pt_create(&t);
		pt_simple(&t, PEV_START);
		a = pt_armed(&t, PT_ANNOUNCE_RECEIPT);
		cr_assert_not_null(a);
		/* 3 * 2 s + [0, 2 s) */
		cr_assert(a->u.timer.ns >= 6 * NS_PER_SEC &&
			  a->u.timer.ns < 8 * NS_PER_SEC,
			  "seed %llu: receipt %lld ns",
			  (unsigned long long)seed,
			  (long long)a->u.timer.ns);
		pt_qualify(&t, &pt_m1, 100);
		pt_decide(&t, BMCA_REC_S1);
		for (k = 0; k < 20; k++) {
			a = pt_armed(&t, PT_DELAY_REQ);
			cr_assert_not_null(a);
			/* [0, 2^(-2+1)] s = [0, 0.5 s] */
			cr_assert(a->u.timer.ns >= 0 &&
				  a->u.timer.ns <= NS_PER_SEC / 2,
				  "seed %llu: delay req %lld ns",
				  (unsigned long long)seed,
				  (long long)a->u.timer.ns);
			pt_timer(&t, PT_DELAY_REQ);
		}
		pt_destroy(&t);
	}
}

Test(port_core, random_timers_deterministic_and_spread)
{
	int64_t first[2];
	int64_t lo = INT64_MAX, hi = 0;
	unsigned i;

	for (i = 0; i < 64; i++) {
		struct pt t;
		int64_t ns;

		pt_setup(&t, DM_E2E);
		t.cfg.seed = i < 2 ? 42 : i;
		pt_create(&t);
		pt_simple(&t, PEV_START);
		ns = pt_armed(&t, PT_ANNOUNCE_RECEIPT)->u.timer.ns;
		if (i < 2) {
			first[i] = ns;
		}
		lo = ns < lo ? ns : lo;
		hi = ns > hi ? ns : hi;
		pt_destroy(&t);
	}
	cr_assert_eq(first[0], first[1], "same seed, same timer");
	/* 64 draws from a 2 s span: far more than 1 s apart. */
	cr_assert_gt(hi - lo, NS_PER_SEC);
}

Test(port_core, names)
{
	cr_assert_str_eq(port_timer_str(PT_QUALIFICATION), "QUALIFICATION");
	cr_assert_str_eq(port_timer_str(PT_COUNT), "?");
	cr_assert_str_eq(pev_type_str(PEV_LINK_DOWN), "LINK_DOWN");
	cr_assert_str_eq(pev_type_str((enum pev_type)99), "?");
}

/* ---- robustness ---- */

static uint64_t pcore_rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Random events: valid messages of every type from two masters and a
 * peer, with random bytes flipped or cut, random timers (armed or not),
 * decisions, TX stamps, link and servo events, in E2E and P2P. The core
 * must never crash (ASan/UBSan in `make SANITIZE=1 unit`), never emit
 * more than PACT_MAX actions, and always be in a valid state; every SEND
 * it makes must decode.
 */
Test(port_core, random_events_never_break_the_core)
{
	const char *env = getenv("PORT_CORE_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 0xC0FFEE;
	static const int types[] = {
		PTP_SYNC, PTP_DELAY_REQ, PTP_PDELAY_REQ, PTP_PDELAY_RESP,
		PTP_FOLLOW_UP, PTP_DELAY_RESP, PTP_PDELAY_RESP_FOLLOW_UP,
		PTP_ANNOUNCE, PTP_SIGNALING, PTP_MANAGEMENT,
	};
	unsigned run, i, k, seen = 0, sent = 0;

	for (run = 0; run < 4; run++) {
		uint64_t s = seed + run;
		uint8_t last_type = 0;
		uint16_t last_seq = 0;
		struct pt t;

		pt_setup(&t, run & 1 ? DM_P2P : DM_E2E);
		t.cfg.path_trace = run & 2;
		t.cfg.auto_delay = run == 2;
		t.cfg.seed = s;
		pt_create(&t);
		for (i = 0; i < 20000; i++) {
			uint64_t r = pcore_rng(&s);
			struct pev ev = { 0 };
			uint8_t buf[PTP_MSG_MAX], tlv[32];
			struct ptp_msg m;
			int len, st;

			t.now += (int64_t)(r % 300000000);
			switch (r >> 60) {
			case 0:
				ev.type = (enum pev_type)((r >> 8) % 12);
				if (ev.type == PEV_RX || ev.type == PEV_TXTS ||
				    ev.type == PEV_TIMER ||
				    ev.type == PEV_DECISION) {
					ev.type = PEV_START;
				}
				break;
			case 1:
				ev.type = PEV_DECISION;
				ev.u.decision.rec =
					(enum bmca_rec)((r >> 8) % 8);
				ev.u.decision.ds = t.clk;
				break;
			case 2:
			case 3:
				ev.type = PEV_TIMER;
				ev.u.timer = (enum port_timer)((r >> 8) %
							       PT_COUNT);
				break;
			case 4:
				ev.type = PEV_TXTS;
				/* mostly the stamp of the last send */
				ev.u.txts.msg_type = (r >> 8) % 4 ?
						     last_type : (r >> 10) % 4;
				ev.u.txts.seq = (r >> 16) % 4 ? last_seq :
						(r >> 18) % 4;
				ev.u.txts.ts = pt_t(10 + (r >> 20) % 4, r % 999,
						    (r >> 24) & 0xFFFF);
				break;
			default:
				k = (r >> 8) % (sizeof(types) /
						sizeof(types[0]));
				if (types[k] == PTP_ANNOUNCE) {
					pt_announce(&m, (r >> 20) & 1 ? &pt_m1 :
						    &pt_m2, (r >> 24) % 8,
						    (r >> 30) & 0xFF);
				} else {
					pt_msg(&m, types[k], (r >> 20) & 1 ?
					       &pt_m1 : &pt_m2, (r >> 24) % 4);
				}
				m.body.delay_resp.requestingPortIdentity =
					port_core_ds(t.pc)->portIdentity;
				if (types[k] == PTP_MANAGEMENT) {
					struct tlv_writer w;

					tlv_writer_init(&w, tlv, sizeof(tlv));
					tlv_put_raw(&w, TLV_MANAGEMENT, "\x20",
						    2);
					m.tlv = tlv;
					m.tlv_len = (uint16_t)w.len;
					memset(&m.body.management
					       .targetPortIdentity, 0xff, 10);
				}
				len = ptp_msg_pack(&m, buf, sizeof(buf));
				cr_assert_gt(len, 0);
				if ((r >> 34) % 3 == 0) {
					buf[(r >> 40) % len] ^=
						(uint8_t)(1 << ((r >> 50) % 8));
				}
				if ((r >> 36) % 5 == 0) {
					len = (int)((r >> 44) % (len + 1));
				}
				ev.type = PEV_RX;
				ev.u.rx.buf = buf;
				ev.u.rx.len = (uint16_t)len;
				ev.u.rx.has_ts = (r >> 52) % 8 != 0;
				ev.u.rx.ts = pt_t(10 + (r >> 53) % 3, r % 5000,
						  0);
				break;
			}
			pt_ev(&t, &ev);
			st = port_core_state(t.pc);
			seen |= 1u << st;
			cr_assert(st >= PS_INITIALIZING && st <= PS_SLAVE,
				  "seed %llu step %u: state %d",
				  (unsigned long long)seed, i, st);
			for (k = 0; k < t.out.n; k++) {
				const struct pact *a = &t.out.a[k];

				if (a->type != PACT_SEND) {
					continue;
				}
				sent |= 1u << a->u.send.msg_type;
				if (a->u.send.want_txts) {
					last_type = a->u.send.msg_type;
					last_seq = a->u.send.seq;
				}
				cr_assert_eq(ptp_msg_unpack(a->u.send.buf,
							    a->u.send.len,
							    &m), 0,
					     "seed %llu step %u",
					     (unsigned long long)seed, i);
			}
		}
		cr_assert_eq(port_core_counters(t.pc)->tx_pack_err, 0);
		pt_destroy(&t);
	}
	/* The walk went everywhere: all nine states, every kind of send. */
	cr_assert_eq(seen, 0x3FE, "states seen 0x%x", seen);
	cr_assert_eq(sent, 1u << PTP_SYNC | 1u << PTP_DELAY_REQ |
		     1u << PTP_PDELAY_REQ | 1u << PTP_PDELAY_RESP |
		     1u << PTP_FOLLOW_UP | 1u << PTP_DELAY_RESP |
		     1u << PTP_PDELAY_RESP_FOLLOW_UP | 1u << PTP_ANNOUNCE |
		     1u << PTP_MANAGEMENT, "sent 0x%x", sent);
}
