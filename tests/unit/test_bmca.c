// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of common/bmca.c: every branch of the data set comparison
 * (IEEE 1588-2019 Figures 34 and 35), every state decision outcome
 * (Figure 33, slaveOnly, masterOnly), Ebest selection and the 9.3.5 data
 * set updates.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "bmca.h"

TestSuite(bmca, .timeout = 2);

#define NROWS(t) (sizeof(t) / sizeof((t)[0]))

/* clockIdentity 00:11:22:ff:fe:00:00:x: x orders the identities. */
#define CID(x) { { 0x00, 0x11, 0x22, 0xff, 0xfe, 0x00, 0x00, (x) } }

/*
 * A comparison data set: grandmaster fields, stepsRemoved, sender
 * (clock byte, port) and receiver (clock byte, port).
 */
#define DS(p1, gm, cls, acc, var, p2, sr, sc, sp, rc, rp)		\
	{								\
		.priority1 = (p1), .identity = CID(gm),			\
		.quality = { (cls), (acc), (var) }, .priority2 = (p2),	\
		.steps_removed = (sr),					\
		.sender = { CID(sc), (sp) },				\
		.receiver = { CID(rc), (rp) },				\
	}

/* This clock is 0xaa; grandmasters 0x10 and 0x20. */
#define ME	0xaa

/*
 * Part 1 rows: the deciding field favours the winner, every later field
 * (and gm identity and stepsRemoved) favours the loser, so the row fails
 * if the order of the fields is wrong or a later field is consulted.
 */
/* Good and bad values of each part 1 field. */
#define P1G 100
#define P1B 200
#define CLG 6
#define CLB 248
#define ACG 0x21
#define ACB 0xfe
#define VRG 0x4000
#define VRB 0xffff
#define P2G 100
#define P2B 200

struct cmp_row {
	char name[48];	/* not a pointer: test workers get a copy */
	struct bmca_ds a;
	struct bmca_ds b;
	int expect;
};

static struct cmp_row cmp_rows[] = {
	/* Figure 34 (different grandmasters). */
	{ "priority1 A",
	  DS(P1G, 0x20, CLB, ACB, VRB, P2B, 5, 0x20, 1, ME, 2),
	  DS(P1B, 0x10, CLG, ACG, VRG, P2G, 0, 0x10, 1, ME, 1),
	  BMCA_A_BETTER },
	{ "priority1 B",
	  DS(P1B, 0x10, CLG, ACG, VRG, P2G, 0, 0x10, 1, ME, 1),
	  DS(P1G, 0x20, CLB, ACB, VRB, P2B, 5, 0x20, 1, ME, 2),
	  BMCA_B_BETTER },
	{ "clockClass A",
	  DS(128, 0x20, CLG, ACB, VRB, P2B, 5, 0x20, 1, ME, 2),
	  DS(128, 0x10, CLB, ACG, VRG, P2G, 0, 0x10, 1, ME, 1),
	  BMCA_A_BETTER },
	{ "clockClass B",
	  DS(128, 0x10, CLB, ACG, VRG, P2G, 0, 0x10, 1, ME, 1),
	  DS(128, 0x20, CLG, ACB, VRB, P2B, 5, 0x20, 1, ME, 2),
	  BMCA_B_BETTER },
	{ "clockAccuracy A",
	  DS(128, 0x20, 248, ACG, VRB, P2B, 5, 0x20, 1, ME, 2),
	  DS(128, 0x10, 248, ACB, VRG, P2G, 0, 0x10, 1, ME, 1),
	  BMCA_A_BETTER },
	{ "clockAccuracy B",
	  DS(128, 0x10, 248, ACB, VRG, P2G, 0, 0x10, 1, ME, 1),
	  DS(128, 0x20, 248, ACG, VRB, P2B, 5, 0x20, 1, ME, 2),
	  BMCA_B_BETTER },
	{ "offsetScaledLogVariance A",
	  DS(128, 0x20, 248, 0xfe, VRG, P2B, 5, 0x20, 1, ME, 2),
	  DS(128, 0x10, 248, 0xfe, VRB, P2G, 0, 0x10, 1, ME, 1),
	  BMCA_A_BETTER },
	{ "offsetScaledLogVariance B",
	  DS(128, 0x10, 248, 0xfe, VRB, P2G, 0, 0x10, 1, ME, 1),
	  DS(128, 0x20, 248, 0xfe, VRG, P2B, 5, 0x20, 1, ME, 2),
	  BMCA_B_BETTER },
	{ "priority2 A",
	  DS(128, 0x20, 248, 0xfe, 0xffff, P2G, 5, 0x20, 1, ME, 2),
	  DS(128, 0x10, 248, 0xfe, 0xffff, P2B, 0, 0x10, 1, ME, 1),
	  BMCA_A_BETTER },
	{ "priority2 B",
	  DS(128, 0x10, 248, 0xfe, 0xffff, P2B, 0, 0x10, 1, ME, 1),
	  DS(128, 0x20, 248, 0xfe, 0xffff, P2G, 5, 0x20, 1, ME, 2),
	  BMCA_B_BETTER },
	{ "gm identity A",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 5, 0x20, 2, ME, 2),
	  DS(128, 0x20, 248, 0xfe, 0xffff, 128, 0, 0x10, 1, ME, 1),
	  BMCA_A_BETTER },
	{ "gm identity B",
	  DS(128, 0x20, 248, 0xfe, 0xffff, 128, 0, 0x10, 1, ME, 1),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 5, 0x20, 2, ME, 2),
	  BMCA_B_BETTER },

	/*
	 * Figure 35 (same grandmaster 0x10). Part 1 fields differ in favour
	 * of the loser where it matters: they must not be consulted.
	 */
	{ "sr A > B + 1",
	  DS(P1G, 0x10, 248, 0xfe, 0xffff, 128, 3, 0x30, 1, ME, 1),
	  DS(P1B, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x40, 1, ME, 2),
	  BMCA_B_BETTER },
	{ "sr B > A + 1",
	  DS(P1B, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x40, 1, ME, 2),
	  DS(P1G, 0x10, 248, 0xfe, 0xffff, 128, 3, 0x30, 1, ME, 1),
	  BMCA_A_BETTER },
	{ "sr A = B + 1, receiver < sender",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 2, 0xbb, 1, ME, 1),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  BMCA_B_BETTER },
	{ "sr A = B + 1, receiver < sender by port",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 2, ME, 3, ME, 1),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  BMCA_B_BETTER },
	{ "sr A = B + 1, receiver > sender",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 2, 0x99, 1, ME, 1),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  BMCA_B_BETTER_TOPO },
	{ "sr A = B + 1, receiver > sender by port",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 2, ME, 1, ME, 3),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  BMCA_B_BETTER_TOPO },
	{ "sr A = B + 1, receiver = sender",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 2, ME, 1, ME, 1),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  BMCA_SELF },
	{ "sr B = A + 1, receiver < sender",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 2, 0xbb, 1, ME, 1),
	  BMCA_A_BETTER },
	{ "sr B = A + 1, receiver > sender",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 2, 0x99, 1, ME, 1),
	  BMCA_A_BETTER_TOPO },
	{ "sr B = A + 1, receiver = sender",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 2, ME, 1, ME, 1),
	  BMCA_SELF },
	{ "sr equal, sender identity A",
	  DS(P1B, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 9, ME, 2),
	  DS(P1G, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x40, 1, ME, 1),
	  BMCA_A_BETTER_TOPO },
	{ "sr equal, sender identity B",
	  DS(P1G, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x40, 1, ME, 1),
	  DS(P1B, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 9, ME, 2),
	  BMCA_B_BETTER_TOPO },
	{ "sr equal, sender port A",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 2, ME, 1),
	  BMCA_A_BETTER_TOPO },
	{ "sr equal, sender port B",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 2, ME, 1),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  BMCA_B_BETTER_TOPO },
	{ "sr equal, receiver port A",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 1),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  BMCA_A_BETTER_TOPO },
	{ "sr equal, receiver port B",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 2),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 1),
	  BMCA_B_BETTER_TOPO },
	{ "identical",
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 1),
	  DS(128, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 1),
	  BMCA_EQUAL },
};

ParameterizedTestParameters(bmca, compare)
{
	return cr_make_param_array(struct cmp_row, cmp_rows, NROWS(cmp_rows));
}

ParameterizedTest(struct cmp_row *r, bmca, compare)
{
	int got = bmca_compare(&r->a, &r->b);

	cr_assert_eq(got, r->expect, "%s: got %d, want %d", r->name, got,
		     r->expect);
}

ParameterizedTestParameters(bmca, compare_antisymmetric)
{
	return cr_make_param_array(struct cmp_row, cmp_rows, NROWS(cmp_rows));
}

/* compare(b, a) == -compare(a, b); BMCA_SELF stays BMCA_SELF both ways. */
ParameterizedTest(struct cmp_row *r, bmca, compare_antisymmetric)
{
	int want = r->expect == BMCA_SELF ? BMCA_SELF : -r->expect;
	int got = bmca_compare(&r->b, &r->a);

	cr_assert_eq(got, want, "%s swapped: got %d, want %d", r->name, got,
		     want);
}

/* Every outcome of the comparison is covered by some row. */
Test(bmca, compare_rows_cover_every_outcome)
{
	static const int outcomes[] = {
		BMCA_B_BETTER_TOPO, BMCA_B_BETTER, BMCA_EQUAL,
		BMCA_A_BETTER, BMCA_A_BETTER_TOPO, BMCA_SELF,
	};
	size_t i, j;

	for (i = 0; i < NROWS(outcomes); i++) {
		int n = 0;

		for (j = 0; j < NROWS(cmp_rows); j++) {
			n += cmp_rows[j].expect == outcomes[i];
		}
		cr_assert_gt(n, 0, "no row expects %d", outcomes[i]);
	}
}

static const struct clock_identity me_cid = CID(ME);

Test(bmca, ds_from_default)
{
	struct default_ds d;
	struct bmca_ds o;

	default_ds_init(&d, &me_cid, 4);
	d.priority1 = 11;
	d.priority2 = 22;
	d.clockQuality.clockClass = 7;
	d.clockQuality.clockAccuracy = 0x23;
	d.clockQuality.offsetScaledLogVariance = 0x4e5d;
	memset(&o, 0x5a, sizeof(o));
	bmca_ds_from_default(&o, &d);
	cr_assert_eq(o.priority1, 11);
	cr_assert_arr_eq(o.identity.id, me_cid.id, 8);
	cr_assert_eq(o.quality.clockClass, 7);
	cr_assert_eq(o.quality.clockAccuracy, 0x23);
	cr_assert_eq(o.quality.offsetScaledLogVariance, 0x4e5d);
	cr_assert_eq(o.priority2, 22);
	cr_assert_eq(o.steps_removed, 0);
	cr_assert_arr_eq(o.sender.clockIdentity.id, me_cid.id, 8);
	cr_assert_eq(o.sender.portNumber, 0);
	cr_assert_arr_eq(o.receiver.clockIdentity.id, me_cid.id, 8);
	cr_assert_eq(o.receiver.portNumber, 0);
	/* D0 against itself is the same data set. */
	cr_assert_eq(bmca_compare(&o, &o), BMCA_EQUAL);
}

Test(bmca, ds_from_announce)
{
	static const struct clock_identity gm = CID(0x10);
	static const struct port_identity src = { CID(0x30), 7 };
	static const struct port_identity rx = { CID(ME), 2 };
	struct ptp_msg m;
	struct bmca_ds o;

	memset(&m, 0, sizeof(m));
	m.hdr.messageType = PTP_ANNOUNCE;
	m.hdr.flagField = PTP_FLAG_UTC_OFFSET_VALID | PTP_FLAG_LEAP61;
	m.hdr.sourcePortIdentity = src;
	m.body.announce.currentUtcOffset = 37;
	m.body.announce.grandmasterPriority1 = 9;
	m.body.announce.grandmasterClockQuality.clockClass = 6;
	m.body.announce.grandmasterClockQuality.clockAccuracy = 0x21;
	m.body.announce.grandmasterClockQuality.offsetScaledLogVariance =
		0x4321;
	m.body.announce.grandmasterPriority2 = 10;
	m.body.announce.grandmasterIdentity = gm;
	m.body.announce.stepsRemoved = 3;
	m.body.announce.timeSource = TS_GNSS;
	memset(&o, 0x5a, sizeof(o));
	bmca_ds_from_announce(&o, &m, &rx);
	cr_assert_eq(o.priority1, 9);
	cr_assert_arr_eq(o.identity.id, gm.id, 8);
	cr_assert_eq(o.quality.clockClass, 6);
	cr_assert_eq(o.quality.clockAccuracy, 0x21);
	cr_assert_eq(o.quality.offsetScaledLogVariance, 0x4321);
	cr_assert_eq(o.priority2, 10);
	cr_assert_eq(o.steps_removed, 3);
	cr_assert_eq(port_identity_cmp(&o.sender, &src), 0);
	cr_assert_eq(port_identity_cmp(&o.receiver, &rx), 0);
	cr_assert_eq(o.current_utc_offset, 37);
	cr_assert_eq(o.flags, PTP_FLAG_UTC_OFFSET_VALID | PTP_FLAG_LEAP61);
	cr_assert_eq(o.time_source, TS_GNSS);
}

/*
 * State decision. Data sets by name, all received on this clock's port 1
 * unless noted.
 */
enum dsi {
	DSI_NONE,
	DSI_GOOD,	/* gm 0x10 priority1 100: better than D0 */
	DSI_GOOD_FAR,	/* gm 0x10 from another sender: GOOD is better by
			 * topology */
	DSI_WORSE,	/* gm 0x20 priority1 200: worse than D0 */
	DSI_LOOP,	/* D0's own grandmastership seen back on port 2 from
			 * port 1: D0 better by topology */
};

static const struct bmca_ds dsi_tab[] = {
	[DSI_GOOD] = DS(100, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x30, 1, ME, 1),
	[DSI_GOOD_FAR] =
		DS(100, 0x10, 248, 0xfe, 0xffff, 128, 1, 0x40, 1, ME, 1),
	[DSI_WORSE] = DS(200, 0x20, 248, 0xfe, 0xffff, 128, 1, 0x31, 1, ME, 1),
	[DSI_LOOP] = DS(128, ME, 248, 0xfe, 0xffff, 128, 1, ME, 1, ME, 2),
};

static const struct bmca_ds *dsi(enum dsi i)
{
	return i == DSI_NONE ? NULL : &dsi_tab[i];
}

struct sd_row {
	char name[48];
	uint8_t clock_class;
	bool slave_only;
	enum dsi ebest;
	bool ebest_here;
	enum dsi erbest;
	bool master_only;
	enum port_state state;
	enum bmca_rec expect;
};

static struct sd_row sd_rows[] = {
	/* clockClass 1..127: D0 against this port's Erbest. */
	{ "M1 no Erbest", 6, false, DSI_GOOD, false, DSI_NONE, false,
	  PS_MASTER, BMCA_REC_M1 },
	{ "M1 D0 better", 6, false, DSI_GOOD, false, DSI_WORSE, false,
	  PS_LISTENING, BMCA_REC_M1 },
	{ "M1 D0 better by topology", 6, false, DSI_LOOP, true, DSI_LOOP,
	  false, PS_MASTER, BMCA_REC_M1 },
	{ "P1", 6, false, DSI_GOOD, true, DSI_GOOD, false, PS_SLAVE,
	  BMCA_REC_P1 },
	{ "class 127 is still M1/P1", 127, false, DSI_GOOD, true, DSI_GOOD,
	  false, PS_SLAVE, BMCA_REC_P1 },
	/* clockClass 128..255: D0 against Ebest. */
	{ "M2 no Ebest", 248, false, DSI_NONE, false, DSI_NONE, false,
	  PS_SLAVE, BMCA_REC_M2 },
	{ "M2 class 128", 128, false, DSI_WORSE, true, DSI_WORSE, false,
	  PS_SLAVE, BMCA_REC_M2 },
	{ "M2 D0 better by topology", 248, false, DSI_LOOP, true, DSI_LOOP,
	  false, PS_MASTER, BMCA_REC_M2 },
	{ "S1", 248, false, DSI_GOOD, true, DSI_GOOD, false, PS_LISTENING,
	  BMCA_REC_S1 },
	{ "P2", 248, false, DSI_GOOD, false, DSI_GOOD_FAR, false, PS_MASTER,
	  BMCA_REC_P2 },
	{ "M3 Ebest better, not by topology", 248, false, DSI_GOOD, false,
	  DSI_WORSE, false, PS_MASTER, BMCA_REC_M3 },
	{ "M3 no Erbest", 248, false, DSI_GOOD, false, DSI_NONE, false,
	  PS_MASTER, BMCA_REC_M3 },
	{ "M3 listening, Ebest elsewhere", 248, false, DSI_GOOD, false,
	  DSI_NONE, false, PS_LISTENING, BMCA_REC_M3 },
	{ "NONE listening, nothing known", 248, false, DSI_NONE, false,
	  DSI_NONE, false, PS_LISTENING, BMCA_REC_NONE },
	{ "NONE listening, class 6", 6, false, DSI_NONE, false, DSI_NONE,
	  false, PS_LISTENING, BMCA_REC_NONE },
	/* slaveOnly: never master, never P1. */
	{ "slaveOnly M2 -> LISTENING", 255, true, DSI_NONE, false, DSI_NONE,
	  false, PS_SLAVE, BMCA_REC_LISTENING },
	{ "slaveOnly M3 -> LISTENING", 255, true, DSI_GOOD, false, DSI_WORSE,
	  false, PS_MASTER, BMCA_REC_LISTENING },
	{ "slaveOnly S1", 255, true, DSI_GOOD, true, DSI_GOOD, false,
	  PS_LISTENING, BMCA_REC_S1 },
	{ "slaveOnly P2", 255, true, DSI_GOOD, false, DSI_GOOD_FAR, false,
	  PS_SLAVE, BMCA_REC_P2 },
	{ "slaveOnly class 6: S1, not P1", 6, true, DSI_GOOD, true, DSI_GOOD,
	  false, PS_LISTENING, BMCA_REC_S1 },
	{ "slaveOnly class 6: master -> LISTENING", 6, true, DSI_NONE, false,
	  DSI_NONE, false, PS_SLAVE, BMCA_REC_LISTENING },
	{ "slaveOnly NONE listening", 255, true, DSI_NONE, false, DSI_NONE,
	  false, PS_LISTENING, BMCA_REC_NONE },
	/* masterOnly: never slave, never passive. */
	{ "masterOnly M2", 248, false, DSI_WORSE, false, DSI_GOOD, true,
	  PS_MASTER, BMCA_REC_M2 },
	{ "masterOnly M3", 248, false, DSI_GOOD, false, DSI_GOOD_FAR, true,
	  PS_MASTER, BMCA_REC_M3 },
	{ "masterOnly M3 class 6", 6, false, DSI_GOOD, false, DSI_GOOD, true,
	  PS_MASTER, BMCA_REC_M3 },
	{ "masterOnly listening, nothing known", 248, false, DSI_NONE, false,
	  DSI_NONE, true, PS_LISTENING, BMCA_REC_M2 },
	{ "masterOnly on slaveOnly clock", 255, true, DSI_NONE, false,
	  DSI_NONE, true, PS_MASTER, BMCA_REC_LISTENING },
};

ParameterizedTestParameters(bmca, state_decision)
{
	return cr_make_param_array(struct sd_row, sd_rows, NROWS(sd_rows));
}

ParameterizedTest(struct sd_row *r, bmca, state_decision)
{
	struct default_ds d0;
	struct bmca_port_in in = {
		.erbest = dsi(r->erbest),
		.master_only = r->master_only,
		.state = r->state,
	};
	enum bmca_rec got;

	default_ds_init(&d0, &me_cid, 2);
	d0.clockQuality.clockClass = r->clock_class;
	d0.slaveOnly = r->slave_only;
	got = bmca_state_decision(&d0, dsi(r->ebest), r->ebest_here, &in);
	cr_assert_eq(got, r->expect, "%s: got %s, want %s", r->name,
		     bmca_rec_str(got), bmca_rec_str(r->expect));
}

/* The state decision table reaches every recommendation. */
Test(bmca, state_rows_cover_every_outcome)
{
	enum bmca_rec rec;
	size_t j;

	for (rec = BMCA_REC_NONE; rec <= BMCA_REC_LISTENING; rec++) {
		int n = 0;

		for (j = 0; j < NROWS(sd_rows); j++) {
			n += sd_rows[j].expect == rec;
		}
		cr_assert_gt(n, 0, "no row expects %s", bmca_rec_str(rec));
	}
}

Test(bmca, select_ebest)
{
	const struct bmca_ds *none[3] = { NULL, NULL, NULL };
	const struct bmca_ds *mix[4] = {
		NULL, dsi(DSI_WORSE), dsi(DSI_GOOD), NULL,
	};
	const struct bmca_ds *topo[3] = {
		dsi(DSI_GOOD_FAR), dsi(DSI_WORSE), dsi(DSI_GOOD),
	};
	const struct bmca_ds *tie[2] = { dsi(DSI_GOOD), dsi(DSI_GOOD) };
	const bool mo_none[4] = { false, false, false, false };
	const bool mo_good[4] = { false, false, true, false };
	const bool mo_all[4] = { true, true, true, true };

	cr_assert_eq(bmca_select_ebest(none, NULL, 0), -1);
	cr_assert_eq(bmca_select_ebest(none, NULL, 3), -1);
	cr_assert_eq(bmca_select_ebest(mix, NULL, 4), 2);
	cr_assert_eq(bmca_select_ebest(mix, mo_none, 4), 2);
	/* The best is on a masterOnly port: the next best wins. */
	cr_assert_eq(bmca_select_ebest(mix, mo_good, 4), 1);
	cr_assert_eq(bmca_select_ebest(mix, mo_all, 4), -1);
	/* Only part of the array counts. */
	cr_assert_eq(bmca_select_ebest(mix, NULL, 2), 1);
	/* Better by topology wins too, wherever it is. */
	cr_assert_eq(bmca_select_ebest(topo, NULL, 3), 2);
	cr_assert_eq(bmca_select_ebest(topo, NULL, 2), 0);
	/* Equal data sets: the first stays. */
	cr_assert_eq(bmca_select_ebest(tie, NULL, 2), 0);
}

Test(bmca, rec_state_and_str)
{
	static const struct {
		enum bmca_rec rec;
		int state;
		const char *name;
	} t[] = {
		{ BMCA_REC_NONE, 0, "NONE" },
		{ BMCA_REC_M1, PS_MASTER, "M1" },
		{ BMCA_REC_M2, PS_MASTER, "M2" },
		{ BMCA_REC_M3, PS_MASTER, "M3" },
		{ BMCA_REC_P1, PS_PASSIVE, "P1" },
		{ BMCA_REC_P2, PS_PASSIVE, "P2" },
		{ BMCA_REC_S1, PS_SLAVE, "S1" },
		{ BMCA_REC_LISTENING, PS_LISTENING, "LISTENING" },
	};
	size_t i;

	for (i = 0; i < NROWS(t); i++) {
		cr_assert_eq((int)bmca_rec_state(t[i].rec), t[i].state,
			     "%s", t[i].name);
		cr_assert_str_eq(bmca_rec_str(t[i].rec), t[i].name);
	}
	cr_assert_str_eq(bmca_rec_str((enum bmca_rec)99), "?");
	cr_assert_str_eq(bmca_rec_str((enum bmca_rec)-1), "?");
	cr_assert_eq((int)bmca_rec_state((enum bmca_rec)99), 0);
}

/* A clock_ds full of garbage, with a real defaultDS. */
static void apply_setup(struct clock_ds *c)
{
	memset(c, 0x5a, sizeof(*c));
	/* bool garbage must still be a bool (UBSan): true, which every
	 * update under test either overwrites or must keep. */
	c->parent.parentStats = true;
	c->tprop.currentUtcOffsetValid = true;
	c->tprop.leap59 = true;
	c->tprop.leap61 = true;
	c->tprop.timeTraceable = true;
	c->tprop.frequencyTraceable = true;
	c->tprop.ptpTimescale = true;
	default_ds_init(&c->dflt, &me_cid, 3);
	c->dflt.priority1 = 11;
	c->dflt.priority2 = 22;
	c->dflt.clockQuality.clockClass = 13;
	c->dflt.clockQuality.clockAccuracy = 0x25;
	c->dflt.clockQuality.offsetScaledLogVariance = 0x5678;
}

static const struct time_properties_ds local_tp = {
	.currentUtcOffset = 36,
	.currentUtcOffsetValid = true,
	.leap59 = true,
	.leap61 = false,
	.timeTraceable = true,
	.frequencyTraceable = false,
	.ptpTimescale = true,
	.timeSource = TS_HAND_SET,
};

static void check_grandmaster(enum bmca_rec rec)
{
	struct clock_ds c, before;

	apply_setup(&c);
	before = c;
	bmca_apply(&c, rec, dsi(DSI_GOOD), &local_tp);
	/* currentDS: Table 30. */
	cr_assert_eq(c.cur.stepsRemoved, 0);
	cr_assert_eq(c.cur.offsetFromMaster, 0);
	cr_assert_eq(c.cur.meanDelay, 0);
	/* parentDS: the clock itself, port 0. */
	cr_assert_arr_eq(c.parent.parentPortIdentity.clockIdentity.id,
			 me_cid.id, 8);
	cr_assert_eq(c.parent.parentPortIdentity.portNumber, 0);
	cr_assert_eq(c.parent.parentStats, false);
	cr_assert_eq(c.parent.observedParentOffsetScaledLogVariance, 0xffff);
	cr_assert_eq(c.parent.observedParentClockPhaseChangeRate, 0x7fffffff);
	cr_assert_arr_eq(c.parent.grandmasterIdentity.id, me_cid.id, 8);
	cr_assert_eq(c.parent.grandmasterClockQuality.clockClass, 13);
	cr_assert_eq(c.parent.grandmasterClockQuality.clockAccuracy, 0x25);
	cr_assert_eq(c.parent.grandmasterClockQuality.offsetScaledLogVariance,
		     0x5678);
	cr_assert_eq(c.parent.grandmasterPriority1, 11);
	cr_assert_eq(c.parent.grandmasterPriority2, 22);
	/* timePropertiesDS: the clock's own. */
	cr_assert_eq(c.tprop.currentUtcOffset, 36);
	cr_assert_eq(c.tprop.currentUtcOffsetValid, true);
	cr_assert_eq(c.tprop.leap59, true);
	cr_assert_eq(c.tprop.leap61, false);
	cr_assert_eq(c.tprop.timeTraceable, true);
	cr_assert_eq(c.tprop.frequencyTraceable, false);
	cr_assert_eq(c.tprop.ptpTimescale, true);
	cr_assert_eq(c.tprop.timeSource, TS_HAND_SET);
	/* defaultDS is an input only. */
	cr_assert_eq(memcmp(&c.dflt, &before.dflt, sizeof(c.dflt)), 0);

	/* Without local time properties, timePropertiesDS stays. */
	apply_setup(&c);
	before = c;
	bmca_apply(&c, rec, NULL, NULL);
	cr_assert_eq(c.cur.stepsRemoved, 0);
	cr_assert_eq(memcmp(&c.tprop, &before.tprop, sizeof(c.tprop)), 0);
}

Test(bmca, apply_m1)
{
	check_grandmaster(BMCA_REC_M1);
}

Test(bmca, apply_m2)
{
	check_grandmaster(BMCA_REC_M2);
}

Test(bmca, apply_s1)
{
	struct bmca_ds e = DS(9, 0x10, 6, 0x21, 0x4321, 10, 3, 0x30, 7, ME, 2);
	struct clock_ds c, before;

	e.current_utc_offset = 37;
	e.flags = PTP_FLAG_UTC_OFFSET_VALID | PTP_FLAG_PTP_TIMESCALE |
		  PTP_FLAG_TIME_TRACEABLE | PTP_FLAG_TWO_STEP;
	e.time_source = TS_GNSS;
	apply_setup(&c);
	before = c;
	bmca_apply(&c, BMCA_REC_S1, &e, &local_tp);
	/* currentDS: Table 33; offsets are the servo's, left alone. */
	cr_assert_eq(c.cur.stepsRemoved, 4);
	cr_assert_eq(c.cur.offsetFromMaster, before.cur.offsetFromMaster);
	cr_assert_eq(c.cur.meanDelay, before.cur.meanDelay);
	/* parentDS: Ebest's sender and grandmaster. */
	cr_assert_eq(port_identity_cmp(&c.parent.parentPortIdentity,
				       &e.sender), 0);
	cr_assert_eq(c.parent.parentPortIdentity.portNumber, 7);
	cr_assert_eq(c.parent.parentStats, before.parent.parentStats);
	cr_assert_eq(c.parent.observedParentOffsetScaledLogVariance,
		     before.parent.observedParentOffsetScaledLogVariance);
	cr_assert_eq(c.parent.observedParentClockPhaseChangeRate,
		     before.parent.observedParentClockPhaseChangeRate);
	cr_assert_arr_eq(c.parent.grandmasterIdentity.id, e.identity.id, 8);
	cr_assert_eq(c.parent.grandmasterClockQuality.clockClass, 6);
	cr_assert_eq(c.parent.grandmasterClockQuality.clockAccuracy, 0x21);
	cr_assert_eq(c.parent.grandmasterClockQuality.offsetScaledLogVariance,
		     0x4321);
	cr_assert_eq(c.parent.grandmasterPriority1, 9);
	cr_assert_eq(c.parent.grandmasterPriority2, 10);
	/* timePropertiesDS: from Ebest's Announce, not local_tp. */
	cr_assert_eq(c.tprop.currentUtcOffset, 37);
	cr_assert_eq(c.tprop.currentUtcOffsetValid, true);
	cr_assert_eq(c.tprop.leap59, false);
	cr_assert_eq(c.tprop.leap61, false);
	cr_assert_eq(c.tprop.timeTraceable, true);
	cr_assert_eq(c.tprop.frequencyTraceable, false);
	cr_assert_eq(c.tprop.ptpTimescale, true);
	cr_assert_eq(c.tprop.timeSource, TS_GNSS);
	cr_assert_eq(memcmp(&c.dflt, &before.dflt, sizeof(c.dflt)), 0);
}

/* Each flagField bit lands in its own timePropertiesDS member only. */
Test(bmca, apply_s1_each_flag)
{
	static const uint16_t bits[] = {
		PTP_FLAG_UTC_OFFSET_VALID, PTP_FLAG_LEAP59, PTP_FLAG_LEAP61,
		PTP_FLAG_TIME_TRACEABLE, PTP_FLAG_FREQ_TRACEABLE,
		PTP_FLAG_PTP_TIMESCALE, 0,
	};
	struct bmca_ds e = DS(9, 0x10, 6, 0x21, 0x4321, 10, 3, 0x30, 7, ME, 2);
	struct clock_ds c;
	size_t i;

	for (i = 0; i < NROWS(bits); i++) {
		uint16_t f = bits[i];

		/* All the other flag bits set must not leak in. */
		e.flags = f | PTP_FLAG_ALTERNATE_MASTER | PTP_FLAG_TWO_STEP |
			  PTP_FLAG_UNICAST | PTP_FLAG_PROFILE_SPECIFIC_1 |
			  PTP_FLAG_PROFILE_SPECIFIC_2 |
			  PTP_FLAG_SYNC_UNCERTAIN;
		apply_setup(&c);
		bmca_apply(&c, BMCA_REC_S1, &e, NULL);
		cr_assert_eq(c.tprop.currentUtcOffsetValid,
			     f == PTP_FLAG_UTC_OFFSET_VALID, "bit %#x", f);
		cr_assert_eq(c.tprop.leap59, f == PTP_FLAG_LEAP59, "bit %#x",
			     f);
		cr_assert_eq(c.tprop.leap61, f == PTP_FLAG_LEAP61, "bit %#x",
			     f);
		cr_assert_eq(c.tprop.timeTraceable,
			     f == PTP_FLAG_TIME_TRACEABLE, "bit %#x", f);
		cr_assert_eq(c.tprop.frequencyTraceable,
			     f == PTP_FLAG_FREQ_TRACEABLE, "bit %#x", f);
		cr_assert_eq(c.tprop.ptpTimescale,
			     f == PTP_FLAG_PTP_TIMESCALE, "bit %#x", f);
	}
}

Test(bmca, apply_s1_steps_removed_saturates)
{
	struct bmca_ds e = DS(9, 0x10, 6, 0x21, 0x4321, 10, 0, 0x30, 7, ME, 2);
	struct clock_ds c;

	e.steps_removed = UINT16_MAX;
	apply_setup(&c);
	bmca_apply(&c, BMCA_REC_S1, &e, NULL);
	cr_assert_eq(c.cur.stepsRemoved, UINT16_MAX);
	e.steps_removed = 0;
	bmca_apply(&c, BMCA_REC_S1, &e, NULL);
	cr_assert_eq(c.cur.stepsRemoved, 1);
}

/* M3, P1, P2, LISTENING, NONE, and S1 without Ebest change nothing. */
Test(bmca, apply_others_unchanged)
{
	static const enum bmca_rec recs[] = {
		BMCA_REC_M3, BMCA_REC_P1, BMCA_REC_P2, BMCA_REC_LISTENING,
		BMCA_REC_NONE,
	};
	struct clock_ds c, before;
	size_t i;

	for (i = 0; i < NROWS(recs); i++) {
		apply_setup(&c);
		before = c;
		bmca_apply(&c, recs[i], dsi(DSI_GOOD), &local_tp);
		cr_assert_eq(memcmp(&c, &before, sizeof(c)), 0, "%s",
			     bmca_rec_str(recs[i]));
	}
	apply_setup(&c);
	before = c;
	bmca_apply(&c, BMCA_REC_S1, NULL, &local_tp);
	cr_assert_eq(memcmp(&c, &before, sizeof(c)), 0, "S1 without Ebest");
}
