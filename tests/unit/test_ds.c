/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of common/ds.c: defaults, identities, names. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "ds.h"

TestSuite(ds, .timeout = 2);

static const struct clock_identity ds_cid = {
	{ 0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 }
};

Test(ds, default_ds_init_annex_i)
{
	struct default_ds d;

	memset(&d, 0x5a, sizeof(d));
	default_ds_init(&d, &ds_cid, 3);
	cr_assert_arr_eq(d.clockIdentity.id, ds_cid.id, 8);
	cr_assert_eq(d.numberPorts, 3);
	cr_assert_eq(d.clockQuality.clockClass, 248);
	cr_assert_eq(d.clockQuality.clockAccuracy, 0xfe);
	cr_assert_eq(d.clockQuality.offsetScaledLogVariance, 0xffff);
	cr_assert_eq(d.priority1, 128);
	cr_assert_eq(d.priority2, 128);
	cr_assert_eq(d.domainNumber, 0);
	cr_assert_eq(d.twoStepFlag, true);
	cr_assert_eq(d.slaveOnly, false);
	cr_assert_eq(d.sdoId, 0);
}

Test(ds, current_ds_init_zero)
{
	struct current_ds c;

	memset(&c, 0x5a, sizeof(c));
	current_ds_init(&c);
	cr_assert_eq(c.stepsRemoved, 0);
	cr_assert_eq(c.offsetFromMaster, 0);
	cr_assert_eq(c.meanDelay, 0);
}

Test(ds, parent_ds_init_own_grandmaster)
{
	struct default_ds d;
	struct parent_ds p;

	default_ds_init(&d, &ds_cid, 2);
	d.priority1 = 7;
	d.priority2 = 9;
	d.clockQuality.clockClass = 6;
	memset(&p, 0x5a, sizeof(p));
	parent_ds_init(&p, &d);
	cr_assert_arr_eq(p.parentPortIdentity.clockIdentity.id, ds_cid.id, 8);
	cr_assert_eq(p.parentPortIdentity.portNumber, 0);
	cr_assert_eq(p.parentStats, false);
	cr_assert_eq(p.observedParentOffsetScaledLogVariance, 0xffff);
	cr_assert_eq(p.observedParentClockPhaseChangeRate, 0x7fffffff);
	cr_assert_arr_eq(p.grandmasterIdentity.id, ds_cid.id, 8);
	cr_assert_eq(p.grandmasterClockQuality.clockClass, 6);
	cr_assert_eq(p.grandmasterClockQuality.clockAccuracy, 0xfe);
	cr_assert_eq(p.grandmasterClockQuality.offsetScaledLogVariance,
		     0xffff);
	cr_assert_eq(p.grandmasterPriority1, 7);
	cr_assert_eq(p.grandmasterPriority2, 9);
}

Test(ds, time_properties_ds_init)
{
	struct time_properties_ds t;

	memset(&t, 0x5a, sizeof(t));
	time_properties_ds_init(&t);
	cr_assert_eq(t.currentUtcOffset, 37);
	cr_assert_eq(t.currentUtcOffsetValid, false);
	cr_assert_eq(t.leap59, false);
	cr_assert_eq(t.leap61, false);
	cr_assert_eq(t.timeTraceable, false);
	cr_assert_eq(t.frequencyTraceable, false);
	cr_assert_eq(t.ptpTimescale, true);
	cr_assert_eq(t.timeSource, TS_INTERNAL_OSCILLATOR);
}

Test(ds, port_ds_init_annex_i)
{
	struct port_ds p;

	memset(&p, 0x5a, sizeof(p));
	port_ds_init(&p, &ds_cid, 2);
	cr_assert_arr_eq(p.portIdentity.clockIdentity.id, ds_cid.id, 8);
	cr_assert_eq(p.portIdentity.portNumber, 2);
	cr_assert_eq(p.portState, PS_INITIALIZING);
	cr_assert_eq(p.logMinDelayReqInterval, 0);
	cr_assert_eq(p.meanLinkDelay, 0);
	cr_assert_eq(p.logAnnounceInterval, 1);
	cr_assert_eq(p.announceReceiptTimeout, 3);
	cr_assert_eq(p.logSyncInterval, 0);
	cr_assert_eq(p.delayMechanism, DM_E2E);
	cr_assert_eq(p.logMinPdelayReqInterval, 0);
	cr_assert_eq(p.versionNumber, 2);
	cr_assert_eq(p.minorVersionNumber, 1);
	cr_assert_eq(p.delayAsymmetry, 0);
	cr_assert_eq(p.portEnable, true);
	cr_assert_eq(p.masterOnly, false);
}

Test(ds, clock_identity_from_eui48)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	static const uint8_t want[8] = { 0x02, 0x00, 0x5e, 0xff,
					 0xfe, 0x10, 0x00, 0x01 };
	struct clock_identity id;

	clock_identity_from_eui48(&id, mac);
	cr_assert_arr_eq(id.id, want, 8);
}

Test(ds, clock_identity_str_and_parse)
{
	struct clock_identity id, back;
	struct port_identity pid;
	char s[20], ps[26];

	clock_identity_str(&ds_cid, s);
	cr_assert_str_eq(s, "001122.fffe.334455");
	cr_assert_eq(clock_identity_parse(&back, s), 0);
	cr_assert_arr_eq(back.id, ds_cid.id, 8);

	cr_assert_eq(clock_identity_parse(&id, "00:11:22:FF:fe:33:44:55"), 0);
	cr_assert_arr_eq(id.id, ds_cid.id, 8);
	cr_assert_eq(clock_identity_parse(&id, "A0B1C2.D3E4.F56789"), 0);
	cr_assert_eq(id.id[0], 0xa0);
	cr_assert_eq(id.id[7], 0x89);

	pid.clockIdentity = ds_cid;
	pid.portNumber = 65535;
	port_identity_str(&pid, ps);
	cr_assert_str_eq(ps, "001122.fffe.334455-65535");
	pid.portNumber = 1;
	port_identity_str(&pid, ps);
	cr_assert_str_eq(ps, "001122.fffe.334455-1");
}

Test(ds, clock_identity_parse_rejects)
{
	static const char *const bad[] = {
		"", "001122.fffe.33445", "001122.fffe.3344556",
		"001122.fffe.33445g", "001122-fffe-334455",
		"001122.fffe.334455 ", " 001122.fffe.334455",
		"00:11:22:ff:fe:33:44", "00:11:22:ff:fe:33:44:55:66",
		"00:11:22:ff:fe:33:44:5", "0:11:22:ff:fe:33:44:55",
		"00:11:22:ff:fe:33:44:55:", "00112.2fffe.334455",
		"0011223344556677",
	};
	struct clock_identity id = ds_cid;
	size_t k;

	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		cr_assert_eq(clock_identity_parse(&id, bad[k]), -EINVAL,
			     "accepted \"%s\"", bad[k]);
		cr_assert_arr_eq(id.id, ds_cid.id, 8, "changed by \"%s\"",
				 bad[k]);
	}
	cr_assert_eq(clock_identity_parse(&id, NULL), -EINVAL);
}

Test(ds, identity_compare)
{
	struct clock_identity lo = ds_cid, hi = ds_cid;
	struct port_identity a = { ds_cid, 1 }, b = { ds_cid, 2 };

	hi.id[7]++;
	cr_assert_lt(clock_identity_cmp(&lo, &hi), 0);
	cr_assert_gt(clock_identity_cmp(&hi, &lo), 0);
	cr_assert_eq(clock_identity_cmp(&lo, &lo), 0);
	/* Octet 0 is the most significant. */
	lo.id[0] = 0xff;
	cr_assert_gt(clock_identity_cmp(&lo, &hi), 0);

	cr_assert_lt(port_identity_cmp(&a, &b), 0);
	cr_assert_gt(port_identity_cmp(&b, &a), 0);
	cr_assert_eq(port_identity_cmp(&a, &a), 0);
	/* clockIdentity first, then portNumber (unsigned). */
	b.portNumber = 0xffff;
	a.clockIdentity.id[0] = 0x01;
	cr_assert_gt(port_identity_cmp(&a, &b), 0);
}

Test(ds, names)
{
	cr_assert_str_eq(port_state_str(PS_INITIALIZING), "INITIALIZING");
	cr_assert_str_eq(port_state_str(PS_FAULTY), "FAULTY");
	cr_assert_str_eq(port_state_str(PS_DISABLED), "DISABLED");
	cr_assert_str_eq(port_state_str(PS_LISTENING), "LISTENING");
	cr_assert_str_eq(port_state_str(PS_PRE_MASTER), "PRE_MASTER");
	cr_assert_str_eq(port_state_str(PS_MASTER), "MASTER");
	cr_assert_str_eq(port_state_str(PS_PASSIVE), "PASSIVE");
	cr_assert_str_eq(port_state_str(PS_UNCALIBRATED), "UNCALIBRATED");
	cr_assert_str_eq(port_state_str(PS_SLAVE), "SLAVE");
	cr_assert_str_eq(port_state_str(0), "?");
	cr_assert_str_eq(port_state_str(10), "?");
	cr_assert_str_eq(port_state_str(-1), "?");
	cr_assert_str_eq(delay_mechanism_str(DM_E2E), "E2E");
	cr_assert_str_eq(delay_mechanism_str(DM_P2P), "P2P");
	cr_assert_str_eq(delay_mechanism_str(DM_COMMON_P2P), "COMMON_P2P");
	cr_assert_str_eq(delay_mechanism_str(DM_SPECIAL), "SPECIAL");
	cr_assert_str_eq(delay_mechanism_str(DM_NO_MECHANISM), "NO_MECHANISM");
	cr_assert_str_eq(delay_mechanism_str(0), "?");
}
