/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of supervisor/import_ptp4l.c (issue 10, part 4): a
 * ptp4l.conf in, a meridian.conf and the list of keys it could not map
 * out. supervisor/ is not part of libmeridian, so the sources are compiled
 * in here. Every converted text is loaded back with mconf_load_string().
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "../../supervisor/import_ptp4l.c"
#include "../../supervisor/import_ptp4l_emit.c"
#include "../../supervisor/import_ptp4l_keys.c"

TestSuite(import_ptp4l, .timeout = 5);

static const char *const ETH0[] = { "eth0" };

/* Convert text with -i eth0 (unless it names its own), expect success. */
static void conv_ok(const char *text, struct imp_result *r)
{
	int rc = import_ptp4l(text, "t.cfg", ETH0, 1, r);

	if (rc) {
		cr_log_error("rc %d, %u errors, first: %s", rc, r->n_errors,
			     r->n_errors ? r->errors[0] : "-");
	}
	cr_assert_eq(rc, 0);
	cr_assert_not_null(r->text);
}

/* The converted text, loaded as meridian loads it. */
static void load_ok(const struct imp_result *r, struct mconf *cfg)
{
	struct mconf_errors errs = { 0 };
	int rc = mconf_load_string(cfg, r->text, "out.conf", &errs);

	if (rc) {
		cr_log_error("%s\n-- %s", r->text,
			     errs.count ? errs.msg[0] : "?");
	}
	cr_assert_eq(rc, 0, "the converted text does not load");
}

static const struct imp_note *unmapped(const struct imp_result *r,
				       const char *key)
{
	unsigned i;

	for (i = 0; i < r->n_unmapped; i++) {
		if (!strcmp(r->unmapped[i].key, key)) {
			return &r->unmapped[i];
		}
	}
	return NULL;
}

/* ---- the mapping table ------------------------------------------------ */

struct map_case {
	char in[64];		/* "key value" under [global] */
	char want[64];		/* a line of the output, tabs aside */
	char want2[64];		/* another, or "" */
};

ParameterizedTestParameters(import_ptp4l, maps)
{
	static struct map_case c[] = {
		{ "domainNumber 24", "domain_number = 24;", "" },
		{ "priority1 254", "priority1 = 254;", "" },
		{ "priority2 7", "priority2 = 7;", "" },
		{ "clockClass 6", "clock_class = 6;", "" },
		{ "clockAccuracy 0x21", "clock_accuracy = 0x21;", "" },
		{ "offsetScaledLogVariance 0x4E5D",
		  "offset_scaled_log_variance = 0x4E5D;", "" },
		{ "twoStepFlag 0", "two_step = false;", "" },
		{ "slaveOnly 1", "slave_only = true;", "" },
		{ "clientOnly 1", "slave_only = true;", "" },
		{ "masterOnly 1", "master_only = true;", "" },
		{ "serverOnly 1", "master_only = true;", "" },
		{ "free_running 1", "free_running = true;", "" },
		{ "logAnnounceInterval -3", "log_announce_interval = -3;", "" },
		{ "logSyncInterval -4", "log_sync_interval = -4;", "" },
		{ "logMinDelayReqInterval -4",
		  "log_min_delay_req_interval = -4;", "" },
		{ "logMinPdelayReqInterval 2",
		  "log_min_pdelay_req_interval = 2;", "" },
		{ "announceReceiptTimeout 5", "announce_receipt_timeout = 5;",
		  "" },
		{ "delay_mechanism E2E", "delay_mechanism = \"e2e\";", "" },
		{ "delay_mechanism P2P", "delay_mechanism = \"p2p\";", "" },
		{ "delay_mechanism Auto", "delay_mechanism = \"auto\";", "" },
		{ "network_transport UDPv4", "transport = \"udp4\";", "" },
		{ "network_transport UDPv6", "transport = \"udp6\";", "" },
		{ "network_transport L2", "transport = \"l2\";", "" },
		{ "time_stamping hardware", "timestamping = \"hardware\";",
		  "" },
		{ "time_stamping software", "timestamping = \"software\";",
		  "clock = \"system\";" },
		{ "time_stamping onestep", "timestamping = \"hardware\";",
		  "two_step = false;" },
		{ "step_threshold 1.5", "step_threshold = 1.5;", "" },
		{ "first_step_threshold 0.00002",
		  "first_step_threshold = 2e-05;", "" },
		{ "pi_proportional_const 0.7", "pi_kp = 0.7;", "" },
		{ "pi_integral_const 0.3", "pi_ki = 0.3;", "" },
		{ "clock_servo linreg", "servo = \"linreg\";", "" },
		{ "clock_servo pi", "servo = \"pi\";", "" },
		{ "max_frequency 1000", "max_frequency = 1000;", "" },
		{ "delayAsymmetry -150", "delay_asymmetry = -150;", "" },
		{ "egressLatency 80", "egress_latency = 80;", "" },
		{ "ingressLatency 90", "ingress_latency = 90;", "" },
		{ "delay_filter moving_average", "delay_filter = \"mean\";",
		  "" },
		{ "delay_filter moving_median", "delay_filter = \"median\";",
		  "" },
		{ "delay_filter_length 16", "delay_filter_length = 16;", "" },
		{ "udp_ttl 5", "udp_ttl = 5;", "" },
		{ "timeSource 0x20", "time_source = \"gnss\";", "" },
		{ "utc_offset 36", "current_utc_offset = 36;", "" },
		{ "transportSpecific 0x1", "sdo_id = 0x100;", "" },
		{ "ptp_minor_version 0", "minor_version = 0;", "" },
		{ "logging_level 7", "level = \"debug\";", "" },
		{ "use_syslog 0", "syslog = false;", "" },
		{ "summary_interval 2", "summary_interval = 2;", "" },
		{ "clockIdentity 001122.fffe.334455",
		  "clock_identity = \"001122.fffe.334455\";", "" },
	};

	return cr_make_param_array(struct map_case, c,
				   sizeof(c) / sizeof(c[0]));
}

/* The output without tabs, so lines can be matched whatever the indent. */
static char *untab(const char *s)
{
	char *o = malloc(strlen(s) + 1), *p = o;

	cr_assert_not_null(o);
	for (; *s; s++) {
		if (*s != '\t') {
			*p++ = *s;
		}
	}
	*p = '\0';
	return o;
}

ParameterizedTest(struct map_case *c, import_ptp4l, maps)
{
	struct imp_result r = { 0 };
	struct mconf cfg;
	char text[128];
	char *flat;

	snprintf(text, sizeof(text), "[global]\n%s\n", c->in);
	conv_ok(text, &r);
	flat = untab(r.text);
	cr_expect(strstr(flat, c->want), "%s: no \"%s\" in\n%s", c->in,
		  c->want, r.text);
	if (c->want2[0]) {
		cr_expect(strstr(flat, c->want2), "%s: no \"%s\" in\n%s",
			  c->in, c->want2, r.text);
	}
	cr_expect_eq(r.n_unmapped, 0, "%s: %u unmapped, first %s: %s", c->in,
		     r.n_unmapped, r.n_unmapped ? r.unmapped[0].key : "",
		     r.n_unmapped ? r.unmapped[0].why : "");
	cr_expect_eq(r.n_mapped, 1, "%s: %u mapped", c->in, r.n_mapped);
	/* where it came from, next to it */
	cr_expect(strstr(flat, c->in) || strstr(r.text, "t.cfg:2"),
		  "%s: origin not in the output", c->in);
	load_ok(&r, &cfg);
	free(flat);
	import_ptp4l_fini(&r);
}

/* The values arrive in the parsed configuration, not only in the text. */
Test(import_ptp4l, values_load)
{
	struct imp_result r = { 0 };
	struct mconf cfg;

	conv_ok("[global]\n"
		"domainNumber 24\n"
		"clockAccuracy 0x21\n"
		"logSyncInterval -4\n"
		"delay_mechanism P2P\n"
		"network_transport L2\n"
		"step_threshold 0.5\n"
		"clock_servo linreg\n"
		"transportSpecific 0x1\n"
		"timeSource 0x20\n", &r);
	load_ok(&r, &cfg);
	cr_expect_eq(cfg.clock.domain_number, 24);
	cr_expect_eq(cfg.clock.clock_accuracy, 0x21);
	cr_expect_eq(cfg.clock.servo, MCONF_SERVO_LINREG);
	cr_expect_eq(cfg.clock.sdo_id, 0x100);
	cr_expect_eq(cfg.clock.time_source, TS_GNSS);
	cr_expect(cfg.clock.step_threshold == 0.5);
	cr_assert_eq(cfg.n_ports, 1);
	cr_expect_str_eq(cfg.ports[0].interface, "eth0");
	cr_expect_eq(cfg.ports[0].log_sync_interval, -4);
	cr_expect_eq(cfg.ports[0].delay_mechanism, MCONF_DELAY_P2P);
	cr_expect_eq(cfg.ports[0].transport, MCONF_TRANSPORT_L2);
	import_ptp4l_fini(&r);
}

/* linuxptp's default where it differs from meridian's: a ptp4l.conf that
 * does not name delay_filter_length gets 10, not meridian's 8. */
Test(import_ptp4l, linuxptp_defaults)
{
	struct imp_result r = { 0 };
	struct mconf cfg;

	conv_ok("[global]\npriority1 100\n", &r);
	load_ok(&r, &cfg);
	cr_expect_eq(cfg.ports[0].delay_filter_length, 10);
	import_ptp4l_fini(&r);
}

/* ---- keys that cannot be mapped ---------------------------------------- */

struct unm_case {
	char in[64];
	char key[40];
	char why[48];		/* a part of the reason */
};

ParameterizedTestParameters(import_ptp4l, unmapped)
{
	static struct unm_case c[] = {
		{ "tx_timestamp_timeout 10", "tx_timestamp_timeout",
		  "no meridian equivalent" },
		{ "sanity_freq_limit 200000000", "sanity_freq_limit",
		  "no meridian equivalent" },
		{ "G.8275.defaultDS.localPriority 128",
		  "G.8275.defaultDS.localPriority", "no meridian equivalent" },
		{ "unicast_listen 1", "unicast_listen",
		  "unicast not supported" },
		{ "hybrid_e2e 1", "hybrid_e2e", "unicast not supported" },
		{ "clock_servo ntpshm", "clock_servo",
		  "value ntpshm not supported" },
		{ "dataset_comparison G.8275.x", "dataset_comparison",
		  "value G.8275.x not supported" },
		{ "delay_mechanism NONE", "delay_mechanism",
		  "value NONE not supported" },
		{ "time_stamping p2p1step", "time_stamping",
		  "value p2p1step not supported" },
		{ "clock_type E2E_TC", "clock_type",
		  "value E2E_TC not supported" },
		{ "BMCA noop", "BMCA", "value noop not supported" },
		{ "timeSource 0x33", "timeSource", "value 0x33 not supported" },
		{ "frobnicate 3", "frobnicate", "not a ptp4l key" },
		/* in the syntax, out of meridian's range: reported, not
		 * written */
		{ "priority1 300", "priority1",
		  "out of meridian's range 0..255" },
		{ "domainNumber 240", "domainNumber",
		  "out of meridian's range 0..239" },
		{ "logSyncInterval -8", "logSyncInterval",
		  "out of meridian's range -7..4" },
		{ "delay_filter_length 1000", "delay_filter_length",
		  "out of meridian's range 1..256" },
		{ "announceReceiptTimeout 1", "announceReceiptTimeout",
		  "out of meridian's range 2..255" },
		{ "step_threshold 2e6", "step_threshold",
		  "out of meridian's range" },
		{ "slaveOnly 2", "slaveOnly", "out of meridian's range" },
	};

	return cr_make_param_array(struct unm_case, c,
				   sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct unm_case *c, import_ptp4l, unmapped)
{
	struct imp_result r = { 0 };
	const struct imp_note *n;
	struct mconf cfg;
	char text[128], line[IMP_WHY_LEN + 200];

	snprintf(text, sizeof(text), "[global]\n%s\n", c->in);
	conv_ok(text, &r);
	n = unmapped(&r, c->key);
	cr_assert_not_null(n, "%s: not listed as unmapped", c->in);
	cr_expect(strstr(n->why, c->why), "%s: reason \"%s\", want \"%s\"",
		  c->in, n->why, c->why);
	cr_expect_eq(n->line, 2);
	cr_expect_str_eq(n->section, "global");
	cr_expect_eq(r.n_mapped, 0, "%s: written anyway", c->in);
	/* listed as a comment at the top, and nothing else in the clock */
	import_ptp4l_note_str(n, "t.cfg", line, sizeof(line));
	cr_expect(!strncmp(line, "t.cfg:2: [global] ", 18), "%s", line);
	cr_expect(strstr(r.text, line), "no \"# ... %s\" in\n%s", line,
		  r.text);
	cr_expect(strstr(r.text, line) > r.text &&
		  strstr(r.text, line) < strstr(r.text, "ports"),
		  "the note is not at the top");
	load_ok(&r, &cfg);
	import_ptp4l_fini(&r);
}

/* Values meridian has as its fixed behaviour are listed as such, and are
 * neither written nor reported as unmapped. */
Test(import_ptp4l, same_as_meridian)
{
	struct imp_result r = { 0 };

	conv_ok("[global]\n"
		"clock_type BC\n"
		"dataset_comparison ieee1588\n"
		"BMCA ptp\n"
		"unicast_listen 0\n"
		"ptp_dst_mac 01:1B:19:00:00:00\n", &r);
	cr_expect_eq(r.n_unmapped, 0, "first: %s",
		     r.n_unmapped ? r.unmapped[0].key : "");
	cr_expect_eq(r.n_same, 5);
	cr_expect(strstr(r.text, "clock_type BC"), "%s", r.text);
	import_ptp4l_fini(&r);
}

/* slaveOnly and masterOnly together: meridian refuses the pair, so the
 * port's master_only is reported, and the output still loads. */
Test(import_ptp4l, slave_only_wins)
{
	struct imp_result r = { 0 };
	const struct imp_note *n;
	struct mconf cfg;

	conv_ok("[global]\nslaveOnly 1\nmasterOnly 1\n", &r);
	n = unmapped(&r, "masterOnly");
	cr_assert_not_null(n);
	cr_expect(strstr(n->why, "slaveOnly"), "%s", n->why);
	load_ok(&r, &cfg);
	cr_expect(cfg.clock.slave_only);
	cr_expect(!cfg.ports[0].master_only);
	import_ptp4l_fini(&r);
}

/* ---- sections ----------------------------------------------------------- */

Test(import_ptp4l, sections)
{
	struct imp_result r = { 0 };
	const struct imp_note *n;
	struct mconf cfg;
	int rc;

	rc = import_ptp4l("# a comment\n"
			  "[global]\n"
			  "  logSyncInterval -3   # trailing comment\n"
			  "priority1 90\n"
			  "\n"
			  "[eth1]\n"
			  "logSyncInterval -2\n"
			  "priority2 9\n"
			  "[eth2]\n"
			  "masterOnly 1\n"
			  "network_transport L2\n"
			  "[unicast_master_table]\n"
			  "table_id 1\n"
			  "UDPv4 192.168.1.11\n"
			  "[global]\n"
			  "priority1 80\n", "t.cfg", NULL, 0, &r);
	cr_assert_eq(rc, 0, "%s", r.n_errors ? r.errors[0] : "");
	load_ok(&r, &cfg);
	cr_expect_eq(cfg.clock.priority1, 80, "the last one wins");
	cr_expect_eq(cfg.clock.priority2, 128);
	cr_assert_eq(cfg.n_ports, 2);
	cr_expect_str_eq(cfg.ports[0].interface, "eth1");
	cr_expect_eq(cfg.ports[0].log_sync_interval, -2);
	cr_expect(!cfg.ports[0].master_only);
	cr_expect_eq(cfg.ports[0].transport, MCONF_TRANSPORT_UDP4);
	cr_expect_str_eq(cfg.ports[1].interface, "eth2");
	cr_expect_eq(cfg.ports[1].log_sync_interval, -3, "from [global]");
	cr_expect(cfg.ports[1].master_only);
	cr_expect_eq(cfg.ports[1].transport, MCONF_TRANSPORT_L2);
	/* a clock-wide key in an interface section */
	n = unmapped(&r, "priority2");
	cr_assert_not_null(n);
	cr_expect_str_eq(n->section, "eth1");
	cr_expect(strstr(n->why, "[global]"), "%s", n->why);
	/* the unicast master table */
	n = unmapped(&r, "UDPv4");
	cr_assert_not_null(n);
	cr_expect_str_eq(n->section, "unicast_master_table");
	cr_expect(strstr(n->why, "unicast not supported"), "%s", n->why);
	cr_expect_not_null(unmapped(&r, "table_id"));
	cr_expect_eq(r.n_unmapped, 3);
	import_ptp4l_fini(&r);
}

/* ---- -i ----------------------------------------------------------------- */

Test(import_ptp4l, dash_i)
{
	static const char *const ifs[] = { "eth3", "eth5", "eth4" };
	struct imp_result r = { 0 };
	struct mconf cfg;
	int rc;

	/* -i first, then the file's sections; eth5 in both is one port */
	rc = import_ptp4l("[global]\nlogSyncInterval -1\n"
			  "[eth6]\n[eth5]\nlogSyncInterval 1\n", "t.cfg",
			  ifs, 3, &r);
	cr_assert_eq(rc, 0, "%s", r.n_errors ? r.errors[0] : "");
	load_ok(&r, &cfg);
	cr_assert_eq(cfg.n_ports, 4);
	cr_expect_str_eq(cfg.ports[0].interface, "eth3");
	cr_expect_str_eq(cfg.ports[1].interface, "eth5");
	cr_expect_str_eq(cfg.ports[2].interface, "eth4");
	cr_expect_str_eq(cfg.ports[3].interface, "eth6");
	cr_expect_eq(cfg.ports[0].log_sync_interval, -1);
	cr_expect_eq(cfg.ports[1].log_sync_interval, 1);
	cr_expect_eq(cfg.ports[3].log_sync_interval, -1);
	import_ptp4l_fini(&r);
}

Test(import_ptp4l, no_interface)
{
	struct imp_result r = { 0 };
	int rc;

	rc = import_ptp4l("[global]\npriority1 1\n", "t.cfg", NULL, 0, &r);
	cr_expect_eq(rc, -ENODEV);
	cr_expect_null(r.text);
	cr_assert_eq(r.n_errors, 1);
	cr_expect(strstr(r.errors[0], "-i"), "%s", r.errors[0]);
	import_ptp4l_fini(&r);
}

Test(import_ptp4l, too_many_interfaces)
{
	struct imp_result r = { 0 };
	char text[4096] = "[global]\n", s[32];
	int i, rc;

	for (i = 0; i < MCONF_MAX_PORTS + 1; i++) {
		snprintf(s, sizeof(s), "[eth%d]\n", i);
		strcat(text, s);
	}
	rc = import_ptp4l(text, "t.cfg", NULL, 0, &r);
	cr_expect_eq(rc, -EINVAL);
	cr_assert_geq(r.n_errors, 1);
	cr_expect(strstr(r.errors[0], "t.cfg:34:"), "%s", r.errors[0]);
	import_ptp4l_fini(&r);
}

/* ---- bad lines ---------------------------------------------------------- */

struct bad_case {
	char text[96];
	char want[96];		/* the start of errors[0] */
};

ParameterizedTestParameters(import_ptp4l, bad_lines)
{
	static struct bad_case c[] = {
		{ "priority1 10\n", "t.cfg:1: not in a section" },
		{ "[global]\npriority1\n", "t.cfg:2: priority1: no value" },
		{ "[global]\n\n[eth0\n", "t.cfg:3: bad section header" },
		{ "[global]\n[]\n", "t.cfg:2: bad section header" },
		{ "[global]\n[eth0] x\n", "t.cfg:2: bad section header" },
		{ "[global]\npriority1 abc\n",
		  "t.cfg:2: priority1: 'abc' is not an integer" },
		{ "[global]\npriority1 10 20\n",
		  "t.cfg:2: priority1: '10 20' is not an integer" },
		{ "[global]\nstep_threshold x1\n",
		  "t.cfg:2: step_threshold: 'x1' is not a number" },
		{ "[global]\n[this-name-is-far-too-long]\n",
		  "t.cfg:2: [this-name-is-far-too-long]: not an interface" },
	};

	return cr_make_param_array(struct bad_case, c,
				   sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct bad_case *c, import_ptp4l, bad_lines)
{
	struct imp_result r = { 0 };
	int rc;

	rc = import_ptp4l(c->text, "t.cfg", ETH0, 1, &r);
	cr_expect_eq(rc, -EINVAL, "rc %d for %s", rc, c->text);
	cr_expect_null(r.text);
	cr_assert_geq(r.n_errors, 1, "no error for %s", c->text);
	cr_expect(!strncmp(r.errors[0], c->want, strlen(c->want)),
		  "got \"%s\", want \"%s...\"", r.errors[0], c->want);
	import_ptp4l_fini(&r);
}

/* Every bad line is reported, not just the first. */
Test(import_ptp4l, every_error)
{
	struct imp_result r = { 0 };
	int rc;

	rc = import_ptp4l("[global]\npriority1\npriority2 x\n[eth0\n",
			  "t.cfg", ETH0, 1, &r);
	cr_expect_eq(rc, -EINVAL);
	cr_assert_eq(r.n_errors, 3);
	cr_expect(!strncmp(r.errors[0], "t.cfg:2:", 8), "%s", r.errors[0]);
	cr_expect(!strncmp(r.errors[1], "t.cfg:3:", 8), "%s", r.errors[1]);
	cr_expect(!strncmp(r.errors[2], "t.cfg:4:", 8), "%s", r.errors[2]);
	import_ptp4l_fini(&r);
}

/* linuxptp's default.cfg, the keys that matter: what it says is what
 * meridian would do, and what it cannot say is listed. */
Test(import_ptp4l, default_cfg_excerpt)
{
	struct imp_result r = { 0 };
	struct mconf cfg;

	conv_ok("[global]\n"
		"twoStepFlag\t\t1\n"
		"slaveOnly\t\t0\n"
		"priority1\t\t128\n"
		"clockAccuracy\t\t0xFE\n"
		"dscp_event\t\t0\n"
		"productDescription\t;;\n"
		"userDescription\t\t;\n"
		"uds_address\t\t/var/run/ptp4l\n"
		"timeSource\t\t0xA0\n", &r);
	load_ok(&r, &cfg);
	cr_expect(cfg.clock.two_step);
	cr_expect_eq(cfg.clock.time_source, TS_INTERNAL_OSCILLATOR);
	cr_expect_not_null(unmapped(&r, "dscp_event"));
	cr_expect_not_null(unmapped(&r, "productDescription"));
	cr_expect_not_null(unmapped(&r, "userDescription"));
	cr_expect_not_null(unmapped(&r, "uds_address"));
	cr_expect_eq(r.n_mapped + r.n_same + r.n_unmapped, 9);
	import_ptp4l_fini(&r);
}
