// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of common/bmca_clock.c: the BMCA of a boundary clock with
 * three ports, as bmcad runs it. Expected outcomes come from IEEE
 * 1588-2019 9.3.2.3 (Ebest over the ports, masterOnly excluded), 9.3.3
 * (Figure 33: M1 M2 M3 P1 P2 S1, slaveOnly) and 9.3.5 (the clock's data
 * sets follow the slave port's Ebest, stepsRemoved + 1, or the clock
 * itself as grandmaster), plus what bmcad adds: unusable ports (silent,
 * link down, FAULTY) are left alone and excluded, and the epoch moves
 * exactly when a decision or a data set changes.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "bmca_clock.h"

TestSuite(bmca_clock, .timeout = 2);

#define CID(x) { { 0x00, 0x11, 0x22, 0xff, 0xfe, 0x00, 0x00, (x) } }
#define ME	0xaa
#define GM_A	0x10		/* the better grandmaster (priority1 10) */
#define GM_B	0x20		/* the standby (priority1 20) */
#define SEC	1000000000LL
#define TIMEOUT	(3 * SEC)

static struct bmca_clock bc;

static void setup(void)
{
	struct clock_identity me = CID(ME);
	struct default_ds d0;
	struct time_properties_ds tp;

	default_ds_init(&d0, &me, 3);
	time_properties_ds_init(&tp);
	tp.ptpTimescale = false;
	cr_assert_eq(bmca_clock_init(&bc, &d0, &tp, 3, TIMEOUT, 100), 0);
}

/* A port's report: state, and an Erbest from grandmaster gm (0: none)
 * with priority1 p1, stepsRemoved sr, sent by clock sc port 1. */
static void report(unsigned port, enum port_state st, uint8_t gm,
		   uint8_t p1, uint16_t sr, uint8_t sc, int64_t now)
{
	struct bmca_clock_report r;
	struct clock_identity c = CID(0);

	memset(&r, 0, sizeof(r));
	r.state = st;
	r.link_up = true;
	if (gm) {
		r.has_erbest = true;
		r.erbest.priority1 = p1;
		c.id[7] = gm;
		r.erbest.identity = c;
		r.erbest.quality.clockClass = 6;
		r.erbest.quality.clockAccuracy = 0x21;
		r.erbest.quality.offsetScaledLogVariance = 0x4e5d;
		r.erbest.priority2 = 128;
		r.erbest.steps_removed = sr;
		c.id[7] = sc;
		r.erbest.sender.clockIdentity = c;
		r.erbest.sender.portNumber = 1;
		c.id[7] = ME;
		r.erbest.receiver.clockIdentity = c;
		r.erbest.receiver.portNumber = (uint16_t)(port + 1);
		r.erbest.flags = 0x0008;	/* ptpTimescale */
		r.erbest.current_utc_offset = 37;
		r.n_path = 1;
		c.id[7] = gm;
		r.path[0] = c;
	}
	cr_assert_eq(bmca_clock_report(&bc, port, &r, now), 0);
}

static void expect(enum bmca_rec r0, enum bmca_rec r1, enum bmca_rec r2)
{
	cr_assert_eq(bc.port[0].rec, r0, "port 1: %s, want %s",
		     bmca_rec_str(bc.port[0].rec), bmca_rec_str(r0));
	cr_assert_eq(bc.port[1].rec, r1, "port 2: %s, want %s",
		     bmca_rec_str(bc.port[1].rec), bmca_rec_str(r1));
	cr_assert_eq(bc.port[2].rec, r2, "port 3: %s, want %s",
		     bmca_rec_str(bc.port[2].rec), bmca_rec_str(r2));
}

Test(bmca_clock, nothing_reported_decides_nothing, .init = setup)
{
	cr_assert_not(bmca_clock_decide(&bc, 0));
	expect(BMCA_REC_NONE, BMCA_REC_NONE, BMCA_REC_NONE);
	cr_assert_eq(bc.epoch, 100);
	cr_assert_eq(bc.ebest_port, -1);
}

/* Figure 33: with no Erbest and no Ebest a LISTENING port stays so (its
 * announce receipt timeout, not the BMCA, makes it MASTER); once MASTER,
 * D0 is better than no Ebest: M2 (clockClass 248 > 127). */
Test(bmca_clock, no_foreign_master_makes_every_port_master, .init = setup)
{
	unsigned i;

	for (i = 0; i < 3; i++) {
		report(i, PS_LISTENING, 0, 0, 0, 0, 0);
	}
	cr_assert_not(bmca_clock_decide(&bc, 0));
	expect(BMCA_REC_NONE, BMCA_REC_NONE, BMCA_REC_NONE);
	for (i = 0; i < 3; i++) {
		report(i, PS_MASTER, 0, 0, 0, 0, 0);
	}
	cr_assert(bmca_clock_decide(&bc, 0));
	expect(BMCA_REC_M2, BMCA_REC_M2, BMCA_REC_M2);
	cr_assert_eq(bc.epoch, 101);
	cr_assert_eq(bc.ds.cur.stepsRemoved, 0);
	cr_assert_eq(bc.ds.parent.grandmasterIdentity.id[7], ME);
	cr_assert_not(bc.ds.tprop.ptpTimescale, "local time properties");
	cr_assert_not(bmca_clock_decide(&bc, SEC), "nothing changed");
	cr_assert_eq(bc.epoch, 101);
}

Test(bmca_clock, one_slave_port_the_others_m3, .init = setup)
{
	report(0, PS_LISTENING, GM_A, 10, 0, GM_A, 0);
	report(1, PS_LISTENING, 0, 0, 0, 0, 0);
	report(2, PS_LISTENING, 0, 0, 0, 0, 0);
	cr_assert(bmca_clock_decide(&bc, 0));
	expect(BMCA_REC_S1, BMCA_REC_M3, BMCA_REC_M3);
	cr_assert_eq(bc.ebest_port, 0);
	/* Table 33: stepsRemoved + 1, the parent is Ebest's sender */
	cr_assert_eq(bc.ds.cur.stepsRemoved, 1);
	cr_assert_eq(bc.ds.parent.grandmasterIdentity.id[7], GM_A);
	cr_assert_eq(bc.ds.parent.parentPortIdentity.clockIdentity.id[7],
		     GM_A);
	cr_assert_eq(bc.ds.parent.grandmasterPriority1, 10);
	cr_assert(bc.ds.tprop.ptpTimescale, "from the Announce");
	cr_assert_eq(bc.n_path, 1);
	cr_assert_eq(bc.path[0].id[7], GM_A);
}

/* The same Announce heard on two ports (one LAN): the port with the
 * lower receiver identity is Ebest (9.3.4 part 2), the other PASSIVE
 * (P2: Ebest better by topology than its Erbest). */
Test(bmca_clock, same_master_on_two_ports_one_passive, .init = setup)
{
	report(0, PS_LISTENING, 0, 0, 0, 0, 0);
	report(1, PS_LISTENING, GM_A, 10, 0, GM_A, 0);
	report(2, PS_LISTENING, GM_A, 10, 0, GM_A, 0);
	cr_assert(bmca_clock_decide(&bc, 0));
	expect(BMCA_REC_M3, BMCA_REC_S1, BMCA_REC_P2);
}

/* A masterOnly port never becomes slave, nor is its Erbest Ebest. */
Test(bmca_clock, master_only_port_is_not_ebest, .init = setup)
{
	report(0, PS_LISTENING, GM_B, 20, 0, GM_B, 0);
	report(1, PS_LISTENING, GM_A, 10, 0, GM_A, 0);
	bc.port[1].r.master_only = true;
	report(2, PS_LISTENING, 0, 0, 0, 0, 0);
	cr_assert(bmca_clock_decide(&bc, 0));
	cr_assert_eq(bc.ebest_port, 0);
	cr_assert_eq(bc.port[0].rec, BMCA_REC_S1);
	cr_assert_neq(bc.port[1].rec, BMCA_REC_S1);
	cr_assert_eq(bmca_rec_state(bc.port[1].rec), PS_MASTER);
	cr_assert_eq(bc.ds.parent.grandmasterIdentity.id[7], GM_B);
}

/* A slaveOnly clock (9.2.2.1): the port that hears the grandmaster is
 * slave, the others listen where they would be masters. */
Test(bmca_clock, slave_only_clock_listens, .init = setup)
{
	bc.ds.dflt.slaveOnly = true;
	report(0, PS_MASTER, 0, 0, 0, 0, 0);
	report(1, PS_LISTENING, GM_A, 10, 0, GM_A, 0);
	report(2, PS_MASTER, 0, 0, 0, 0, 0);
	bmca_clock_decide(&bc, 0);
	expect(BMCA_REC_LISTENING, BMCA_REC_S1, BMCA_REC_LISTENING);
}

/* Failover: the slave port's link goes down; the standby grandmaster
 * heard on another port takes over at once, data sets follow it. */
Test(bmca_clock, link_down_fails_over_to_the_standby, .init = setup)
{
	struct bmca_clock_report r;
	uint32_t e;

	report(0, PS_SLAVE, GM_A, 10, 0, GM_A, 0);
	report(1, PS_LISTENING, GM_B, 20, 0, GM_B, 0);
	report(2, PS_MASTER, 0, 0, 0, 0, 0);
	bmca_clock_decide(&bc, 0);
	expect(BMCA_REC_S1, BMCA_REC_M3, BMCA_REC_M3);
	e = bc.epoch;

	r = bc.port[0].r;
	r.link_up = false;
	cr_assert_eq(bmca_clock_report(&bc, 0, &r, SEC), 0);
	cr_assert(bmca_clock_decide(&bc, SEC));
	expect(BMCA_REC_NONE, BMCA_REC_S1, BMCA_REC_M3);
	cr_assert_eq(bc.epoch, e + 1);
	cr_assert_eq(bc.ebest_port, 1);
	cr_assert_eq(bc.ds.parent.grandmasterIdentity.id[7], GM_B);
	cr_assert_eq(bc.ds.parent.grandmasterPriority1, 20);
}

/* A port process that stops reporting is forgotten after the timeout,
 * and decided again when it comes back. */
Test(bmca_clock, silent_port_times_out_and_returns, .init = setup)
{
	report(0, PS_SLAVE, GM_A, 10, 0, GM_A, 0);
	report(1, PS_MASTER, 0, 0, 0, 0, 0);
	report(2, PS_MASTER, 0, 0, 0, 0, 0);
	bmca_clock_decide(&bc, 0);
	expect(BMCA_REC_S1, BMCA_REC_M3, BMCA_REC_M3);

	/* ports 2 and 3 keep reporting, port 1 does not */
	report(1, PS_MASTER, 0, 0, 0, 0, TIMEOUT);
	report(2, PS_MASTER, 0, 0, 0, 0, TIMEOUT);
	cr_assert_not(bmca_clock_decide(&bc, TIMEOUT), "not yet silent");
	report(1, PS_MASTER, 0, 0, 0, 0, TIMEOUT + SEC);
	report(2, PS_MASTER, 0, 0, 0, 0, TIMEOUT + SEC);
	cr_assert(bmca_clock_decide(&bc, TIMEOUT + SEC));
	expect(BMCA_REC_NONE, BMCA_REC_M2, BMCA_REC_M2);
	cr_assert_not(bmca_clock_port_usable(&bc, 0, TIMEOUT + SEC));
	cr_assert_eq(bc.ds.parent.grandmasterIdentity.id[7], ME);
	cr_assert_eq(bc.ds.cur.stepsRemoved, 0);

	report(0, PS_LISTENING, GM_A, 10, 0, GM_A, TIMEOUT + 2 * SEC);
	cr_assert(bmca_clock_decide(&bc, TIMEOUT + 2 * SEC));
	expect(BMCA_REC_S1, BMCA_REC_M3, BMCA_REC_M3);
}

Test(bmca_clock, faulty_and_lost_ports_are_left_alone, .init = setup)
{
	report(0, PS_FAULTY, GM_A, 10, 0, GM_A, 0);
	report(1, PS_LISTENING, GM_B, 20, 0, GM_B, 0);
	report(2, PS_MASTER, 0, 0, 0, 0, 0);
	bmca_clock_decide(&bc, 0);
	expect(BMCA_REC_NONE, BMCA_REC_S1, BMCA_REC_M3);
	bmca_clock_port_lost(&bc, 1);
	bmca_clock_decide(&bc, 0);
	expect(BMCA_REC_NONE, BMCA_REC_NONE, BMCA_REC_M2);
}

/* A better grandmaster appearing on a master port: that port becomes
 * the slave port, the old slave port master (M3). */
Test(bmca_clock, better_master_elsewhere_moves_the_slave_port, .init = setup)
{
	report(0, PS_SLAVE, GM_B, 20, 0, GM_B, 0);
	report(1, PS_MASTER, 0, 0, 0, 0, 0);
	report(2, PS_MASTER, 0, 0, 0, 0, 0);
	bmca_clock_decide(&bc, 0);
	expect(BMCA_REC_S1, BMCA_REC_M3, BMCA_REC_M3);
	report(2, PS_MASTER, GM_A, 10, 0, GM_A, SEC);
	cr_assert(bmca_clock_decide(&bc, SEC));
	expect(BMCA_REC_M3, BMCA_REC_M3, BMCA_REC_S1);
	cr_assert_eq(bc.ds.parent.grandmasterIdentity.id[7], GM_A);
}

Test(bmca_clock, bad_arguments)
{
	struct clock_identity me = CID(ME);
	struct bmca_clock_report r;
	struct default_ds d0;
	struct time_properties_ds tp;

	default_ds_init(&d0, &me, 1);
	time_properties_ds_init(&tp);
	cr_assert_eq(bmca_clock_init(&bc, &d0, &tp, 0, SEC, 0), -EINVAL);
	cr_assert_eq(bmca_clock_init(&bc, &d0, &tp, BMCA_CLOCK_PORTS_MAX + 1,
				     SEC, 0), -EINVAL);
	cr_assert_eq(bmca_clock_init(&bc, &d0, &tp, 1, SEC, 0), 0);
	memset(&r, 0, sizeof(r));
	cr_assert_eq(bmca_clock_report(&bc, 1, &r, 0), -EINVAL);
	r.n_path = BMCA_CLOCK_PATH_MAX + 1;
	cr_assert_eq(bmca_clock_report(&bc, 0, &r, 0), -EINVAL);
}
