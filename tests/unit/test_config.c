/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of common/config.c and config_schema.c: the schema table, the
 * documented example conf/meridian.conf, every class of error (each must
 * name FILE:LINE and the key), parsed values, and print -> load round trips.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "config_private.h"

#define EXAMPLE "conf/meridian.conf"

TestSuite(config, .timeout = 5);

/* ---- helpers --------------------------------------------------------- */

/* Path of a file under the repo root: tests run from there, or find it
 * from this source file's path. */
static const char *cfgt_repo_path(const char *rel, char *buf, size_t len)
{
	const char *slash;

	if (!access(rel, R_OK)) {
		return rel;
	}
	slash = strstr(__FILE__, "tests/unit/");
	if (slash) {
		snprintf(buf, len, "%.*s%s", (int)(slash - __FILE__), __FILE__,
			 rel);
		if (!access(buf, R_OK)) {
			return buf;
		}
	}
	cr_assert_fail("cannot find %s (run from the repository root)", rel);
	return NULL;
}

static char *cfgt_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	cr_assert(f, "open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void cfgt_dump(const struct mconf_errors *e)
{
	unsigned i;

	for (i = 0; i < e->count; i++)
		fprintf(stderr, "  error: %s\n", e->msg[i]);
}

/* Index of the first error containing every needle, or -1. */
static int cfgt_find(const struct mconf_errors *e, const char *a,
		     const char *b)
{
	unsigned i;

	for (i = 0; i < e->count; i++) {
		if (strstr(e->msg[i], a) && (!b || strstr(e->msg[i], b))) {
			return (int)i;
		}
	}
	return -1;
}

/*
 * Load text (named "t.conf") that must be invalid, with an error that
 * contains both at ("t.conf:LINE: key") and what.
 */
static void cfgt_expect_err(const char *text, const char *at,
			    const char *what)
{
	static struct mconf cfg;
	static struct mconf_errors e;
	int rc = mconf_load_string(&cfg, text, "t.conf", &e);

	if (rc != -EINVAL || cfgt_find(&e, at, what) < 0) {
		fprintf(stderr, "text:\n%s\n", text);
		cfgt_dump(&e);
	}
	cr_assert_eq(rc, -EINVAL, "rc %d", rc);
	cr_assert_geq(cfgt_find(&e, at, what), 0, "no error with '%s' and '%s'",
		      at, what ? what : "");
}

/* Load text that must be valid. */
static void cfgt_expect_ok(struct mconf *cfg, const char *text)
{
	static struct mconf_errors e;
	int rc = mconf_load_string(cfg, text, "t.conf", &e);

	if (rc) {
		fprintf(stderr, "text:\n%s\n", text);
		cfgt_dump(&e);
	}
	cr_assert_eq(rc, 0, "rc %d, %u errors", rc, e.count);
	cr_assert_eq(e.count, 0);
}

#define ONE_PORT "ports = ( { interface = \"eth1\"; } );\n"

/* ---- the schema ------------------------------------------------------ */

Test(config, schema_is_sane)
{
	const struct mconf_item *it, *o;
	size_t i, j, n = 0;
	unsigned per_scope[MCONF_SCOPE_COUNT] = { 0 };

	for (i = 0; (it = mconf_schema_item(i)); i++) {
		n++;
		per_scope[it->scope]++;
		cr_assert(it->name && *it->name);
		cr_assert(it->help && strlen(it->help) > 10, "%s", it->name);
		cr_assert_eq(mconf_schema_find(it->scope, it->name), it,
			     "%s is not unique in its scope", it->name);
		for (j = 0; j < i; j++) {
			o = mconf_schema_item(j);
			cr_assert(o->scope != it->scope ||
				  strcmp(o->name, it->name), "%s", it->name);
		}
		switch (it->type) {
		case MCONF_T_INT:
			cr_assert_eq(it->size, sizeof(int), "%s", it->name);
			/* fallthrough */
		case MCONF_T_INT64:
			cr_assert_leq(it->min, it->max, "%s", it->name);
			break;
		case MCONF_T_FLOAT:
			cr_assert_eq(it->size, sizeof(double));
			cr_assert_lt(it->fmin, it->fmax, "%s", it->name);
			break;
		case MCONF_T_ENUM:
			cr_assert(it->names && it->names[0].name, "%s",
				  it->name);
			break;
		case MCONF_T_STRING:
			cr_assert(it->def_str, "%s", it->name);
			cr_assert_lt(strlen(it->def_str), it->size, "%s",
				     it->name);
			break;
		case MCONF_T_BOOL:
			cr_assert_eq(it->size, sizeof(bool));
			break;
		}
	}
	cr_assert_leq(n, MCONF_SCHEMA_MAX);
	cr_assert_eq(n, (size_t)(per_scope[0] + per_scope[1] + per_scope[2] +
				 per_scope[3]));
	/* The brief's key count per scope: drift shows up here. */
	/* (issue 9 auth: +1 clock sa_file, +3 port auth_policy, spp,
	 * active_key_id; hostile: +5 port keys, +2 rx_budget_pps_per_source, rx_cpu_budget;
	 * privs: +3 ipc user, group, seccomp) */
	cr_assert_eq(per_scope[MCONF_SCOPE_CLOCK], 21 + 1);
	cr_assert_eq(per_scope[MCONF_SCOPE_PORT], 22 + 3 + 5 + 2);
	cr_assert_eq(per_scope[MCONF_SCOPE_IPC], 2 + 3);
	cr_assert_eq(per_scope[MCONF_SCOPE_LOGGING], 3);
	cr_assert_null(mconf_schema_find(MCONF_SCOPE_CLOCK, "interface"));
	cr_assert_not_null(mconf_schema_find(MCONF_SCOPE_PORT, "interface"));
}

Test(config, defaults_equal_the_table)
{
	static struct mconf cfg;
	const struct mconf_item *it;
	size_t i;

	mconf_defaults(&cfg);
	mconf_port_defaults(&cfg.ports[0]);
	for (i = 0; (it = mconf_schema_item(i)); i++) {
		const void *p = mconf_item_ptr(it, &cfg, 0);

		switch (it->type) {
		case MCONF_T_INT:
		case MCONF_T_ENUM:
			cr_assert_eq(*(const int *)p, it->def_int, "%s",
				     it->name);
			break;
		case MCONF_T_INT64:
			cr_assert_eq(*(const int64_t *)p, it->def_int, "%s",
				     it->name);
			break;
		case MCONF_T_BOOL:
			cr_assert_eq(*(const bool *)p, it->def_int != 0, "%s",
				     it->name);
			break;
		case MCONF_T_FLOAT:
			cr_assert_eq(*(const double *)p, it->def_float, "%s",
				     it->name);
			break;
		case MCONF_T_STRING:
			cr_assert_str_eq((const char *)p, it->def_str, "%s",
					 it->name);
			break;
		}
		if (it->type == MCONF_T_INT || it->type == MCONF_T_INT64) {
			cr_assert(it->def_int >= it->min &&
				  it->def_int <= it->max, "%s", it->name);
		}
		if (it->type == MCONF_T_FLOAT) {
			cr_assert(it->def_float >= it->fmin &&
				  it->def_float <= it->fmax, "%s", it->name);
		}
		if (it->type == MCONF_T_ENUM) {
			cr_assert_not_null(mconf_enum_str(it, (int)it->def_int),
					   "%s", it->name);
		}
	}
	cr_assert_eq(cfg.n_ports, 0);
}

/* The brief's defaults, written out independently of the table. */
Test(config, defaults_are_the_profile_defaults)
{
	static struct mconf cfg;

	cfgt_expect_ok(&cfg, ONE_PORT);
	cr_assert_eq(cfg.clock.domain_number, 0);
	cr_assert_eq(cfg.clock.priority1, 128);
	cr_assert_eq(cfg.clock.priority2, 128);
	cr_assert_eq(cfg.clock.clock_class, 248);
	cr_assert_eq(cfg.clock.clock_accuracy, 0xFE);
	cr_assert_eq(cfg.clock.offset_scaled_log_variance, 0xFFFF);
	cr_assert_str_eq(cfg.clock.clock_identity, "");
	cr_assert(!cfg.clock.identity_set);
	cr_assert(!cfg.clock.slave_only);
	cr_assert(cfg.clock.two_step);
	cr_assert_eq(cfg.clock.profile, MCONF_PROFILE_DEFAULT_E2E);
	cr_assert_eq(cfg.clock.sdo_id, 0);
	cr_assert_eq(cfg.clock.minor_version, 1);
	cr_assert_eq(cfg.clock.current_utc_offset, 37);
	cr_assert_eq(cfg.clock.time_source, TS_INTERNAL_OSCILLATOR);
	cr_assert_eq(cfg.clock.servo, MCONF_SERVO_PI);
	cr_assert_eq(cfg.clock.pi_kp, 0.0);
	cr_assert_eq(cfg.clock.pi_ki, 0.0);
	cr_assert_eq(cfg.clock.first_step_threshold, 0.00002);
	cr_assert_eq(cfg.clock.step_threshold, 0.0);
	cr_assert_eq(cfg.clock.max_frequency, 900000000);
	cr_assert(!cfg.clock.free_running);

	cr_assert_eq(cfg.n_ports, 1);
	cr_assert_str_eq(cfg.ports[0].interface, "eth1");
	cr_assert_eq(cfg.ports[0].transport, MCONF_TRANSPORT_UDP4);
	cr_assert_eq(cfg.ports[0].delay_mechanism, MCONF_DELAY_E2E);
	cr_assert_eq(cfg.ports[0].timestamping, MCONF_TSTAMP_HARDWARE);
	cr_assert_eq(cfg.ports[0].log_announce_interval, 1);
	cr_assert_eq(cfg.ports[0].announce_receipt_timeout, 3);
	cr_assert_eq(cfg.ports[0].log_sync_interval, 0);
	cr_assert_eq(cfg.ports[0].log_min_delay_req_interval, 0);
	cr_assert_eq(cfg.ports[0].log_min_pdelay_req_interval, 0);
	cr_assert(!cfg.ports[0].master_only);
	cr_assert_eq(cfg.ports[0].delay_asymmetry, 0);
	cr_assert_eq(cfg.ports[0].udp_ttl, 1);
	cr_assert_eq(cfg.ports[0].clock, MCONF_CLK_PHC);
	cr_assert_str_eq(cfg.ports[0].phc_device, "");
	cr_assert_str_eq(cfg.ports[0].sim_path, "");

	cr_assert_str_eq(cfg.ipc.rundir, "/run/meridian");
	cr_assert_str_eq(cfg.ipc.tcp_endpoint, "");
	cr_assert_eq(cfg.logging.level, LOG_NOTICE);
	cr_assert(!cfg.logging.syslog);
	cr_assert_eq(cfg.logging.summary_interval, 0);
}

Test(config, default_and_range_strings)
{
	const struct mconf_item *it;
	char buf[256];

	it = mconf_schema_find(MCONF_SCOPE_CLOCK, "priority1");
	mconf_item_default_str(it, buf, sizeof(buf));
	cr_assert_str_eq(buf, "128");
	mconf_item_range_str(it, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0..255");
	it = mconf_schema_find(MCONF_SCOPE_CLOCK, "clock_accuracy");
	mconf_item_default_str(it, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0xFE");
	it = mconf_schema_find(MCONF_SCOPE_PORT, "transport");
	mconf_item_default_str(it, buf, sizeof(buf));
	cr_assert_str_eq(buf, "\"udp4\"");
	mconf_item_range_str(it, buf, sizeof(buf));
	cr_assert_str_eq(buf, "udp4, udp6, l2");
	it = mconf_schema_find(MCONF_SCOPE_CLOCK, "first_step_threshold");
	mconf_item_default_str(it, buf, sizeof(buf));
	cr_assert_eq(strtod(buf, NULL), 0.00002);
	it = mconf_schema_find(MCONF_SCOPE_CLOCK, "two_step");
	mconf_item_default_str(it, buf, sizeof(buf));
	cr_assert_str_eq(buf, "true");
}

/* ---- the documented example ------------------------------------------ */

Test(config, example_documents_every_key)
{
	char pathbuf[512], pat[80];
	const char *path = cfgt_repo_path(EXAMPLE, pathbuf, sizeof(pathbuf));
	char *text = cfgt_read_file(path);
	const struct mconf_item *it;
	size_t i;

	for (i = 0; (it = mconf_schema_item(i)); i++) {
		/* as a commented default "#key = " or, if required, set */
		snprintf(pat, sizeof(pat), "\t%s%s = ",
			 it->flags & MCONF_F_REQUIRED ? "" : "#", it->name);
		cr_assert(strstr(text, pat), "%s does not document %s.%s",
			  EXAMPLE, mconf_scope_name(it->scope), it->name);
	}
	free(text);
}

Test(config, example_loads)
{
	char pathbuf[512];
	const char *path = cfgt_repo_path(EXAMPLE, pathbuf, sizeof(pathbuf));
	static struct mconf cfg;
	static struct mconf_errors e;
	int rc = mconf_load_file(&cfg, path, &e);

	cfgt_dump(&e);
	cr_assert_eq(rc, 0);
	cr_assert_eq(e.count, 0);
	cr_assert_eq(cfg.n_ports, 2);
	cr_assert_str_eq(cfg.ports[0].interface, "eth1");
	cr_assert_str_eq(cfg.ports[1].interface, "eth2");
}

/*
 * Uncomment every "#key = value;" line of the example: the result must
 * load, and equal the example as it is, so every documented value is the
 * default the table really has.
 */
Test(config, example_documents_the_real_defaults)
{
	char pathbuf[512];
	const char *path = cfgt_repo_path(EXAMPLE, pathbuf, sizeof(pathbuf));
	char *text = cfgt_read_file(path), *p, *line;
	static struct mconf as_is, uncommented;
	static struct mconf_errors e;
	unsigned n_uncommented = 0;
	size_t i, n_keys = 0;

	cr_assert_eq(mconf_load_string(&as_is, text, path, &e), 0);
	for (line = text; line && *line; line = p ? p + 1 : NULL) {
		char *q = line;

		p = strchr(line, '\n');
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '#' && q[1] >= 'a' && q[1] <= 'z' &&
		    strstr(q, " = ") && (!p || p[-1] == ';')) {
			*q = ' ';
			n_uncommented++;
		}
	}
	for (i = 0; mconf_schema_item(i); i++) {
		if (!(mconf_schema_item(i)->flags & MCONF_F_REQUIRED)) {
			n_keys++;
		}
	}
	cr_assert_eq(n_uncommented, n_keys, "%u commented defaults, %zu keys",
		     n_uncommented, n_keys);
	if (mconf_load_string(&uncommented, text, "uncommented", &e)) {
		cfgt_dump(&e);
	}
	cr_assert_eq(e.count, 0);
	cr_assert_eq(memcmp(&as_is, &uncommented, sizeof(as_is)), 0,
		     "a documented default differs from the table");
	free(text);
}

Test(config, every_example_config_loads)
{
	char pathbuf[512], pat[520];
	const char *path = cfgt_repo_path(EXAMPLE, pathbuf, sizeof(pathbuf));
	static struct mconf cfg;
	static struct mconf_errors e;
	glob_t g;
	size_t i;

	snprintf(pat, sizeof(pat), "%.*s*.conf",
		 (int)(strrchr(path, '/') - path + 1), path);
	cr_assert_eq(glob(pat, 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 2);
	for (i = 0; i < g.gl_pathc; i++) {
		int rc = mconf_load_file(&cfg, g.gl_pathv[i], &e);

		if (rc) {
			cfgt_dump(&e);
		}
		cr_assert_eq(rc, 0, "%s", g.gl_pathv[i]);
		cr_assert_geq(cfg.n_ports, 1);
	}
	globfree(&g);
}

/* ---- errors: unknown keys -------------------------------------------- */

Test(config, unknown_key_in_clock)
{
	cfgt_expect_err("clock = {\n\tpriority1 = 1;\n\tpriority3 = 2;\n};\n"
			ONE_PORT, "t.conf:3: clock.priority3: unknown key",
			"priority");
}

Test(config, unknown_key_in_port)
{
	cfgt_expect_err("ports = (\n\t{\n\t\tinterface = \"eth1\";\n"
			"\t\tbogus = true;\n\t}\n);\n",
			"t.conf:4: ports[0].bogus: unknown key", NULL);
}

Test(config, unknown_key_in_ipc)
{
	cfgt_expect_err(ONE_PORT "ipc = {\n\trun_dir = \"/run/x\";\n};\n",
			"t.conf:3: ipc.run_dir: unknown key",
			"did you mean rundir?");
}

Test(config, unknown_key_in_logging)
{
	cfgt_expect_err(ONE_PORT "logging = {\n\tverbose = true;\n};\n",
			"t.conf:3: logging.verbose: unknown key", NULL);
}

Test(config, unknown_top_level_key)
{
	cfgt_expect_err(ONE_PORT "\nport = { };\n", "t.conf:3: port: unknown",
			NULL);
	cfgt_expect_err(ONE_PORT "servo = \"pi\";\n",
			"t.conf:2: servo: unknown key", NULL);
}

Test(config, key_in_the_wrong_group)
{
	cfgt_expect_err("clock = {\n\ttransport = \"l2\";\n};\n" ONE_PORT,
			"t.conf:2: clock.transport: unknown key",
			"a key of ports");
}

/* ---- errors: types, ranges, names ------------------------------------ */

Test(config, wrong_types)
{
	cfgt_expect_err("clock = {\n\tpriority1 = \"high\";\n};\n" ONE_PORT,
			"t.conf:2: clock.priority1: expected an integer 0..255",
			"got a string");
	/* a float where an int is wanted */
	cfgt_expect_err("clock = {\n\n\tpriority1 = 100.0;\n};\n" ONE_PORT,
			"t.conf:3: clock.priority1:", "got a float");
	cfgt_expect_err("clock = {\n\tslave_only = 1;\n};\n" ONE_PORT,
			"t.conf:2: clock.slave_only: expected true or false",
			"integer");
	cfgt_expect_err("ports = (\n\t{\n\t\tinterface = 5;\n\t}\n);\n",
			"t.conf:3: ports[0].interface: expected a string",
			NULL);
	cfgt_expect_err("clock = {\n\tpi_kp = true;\n};\n" ONE_PORT,
			"t.conf:2: clock.pi_kp: expected a number", "boolean");
	cfgt_expect_err(ONE_PORT "logging = {\n\tlevel = 7;\n};\n",
			"t.conf:3: logging.level: expected one of emerg",
			"integer");
	cfgt_expect_err("clock = 5;\n" ONE_PORT, "t.conf:1: clock: expected "
			"a group", NULL);
	cfgt_expect_err("ports = { interface = \"eth1\"; };\n",
			"t.conf:1: ports: expected a list", "got a group");
	cfgt_expect_err("ports = ( \"eth1\" );\n",
			"t.conf:1: ports[0]: expected a group", "string");
}

Test(config, int_accepted_for_float)
{
	static struct mconf cfg;

	cfgt_expect_ok(&cfg, "clock = { pi_kp = 1; pi_ki = 2L; "
		       "step_threshold = 0; };\n" ONE_PORT);
	cr_assert_eq(cfg.clock.pi_kp, 1.0);
	cr_assert_eq(cfg.clock.pi_ki, 2.0);
	cr_assert_eq(cfg.clock.step_threshold, 0.0);
}

Test(config, out_of_range_both_ends)
{
	cfgt_expect_err("clock = {\n\tpriority1 = 300;\n};\n" ONE_PORT,
			"t.conf:2: clock.priority1: 300 is out of range 0..255",
			NULL);
	cfgt_expect_err("clock = {\n\tpriority1 = -1;\n};\n" ONE_PORT,
			"t.conf:2: clock.priority1: -1 is out of range 0..255",
			NULL);
	cfgt_expect_err("clock = {\n\tdomain_number = 240;\n};\n" ONE_PORT,
			"t.conf:2: clock.domain_number: 240 is out of range "
			"0..239", NULL);
	cfgt_expect_err("ports = ({\n\tinterface = \"e\";\n"
			"\tlog_sync_interval = -8;\n});\n",
			"t.conf:3: ports[0].log_sync_interval: -8 is out of "
			"range -7..4", NULL);
	cfgt_expect_err("ports = ({\n\tinterface = \"e\";\n"
			"\tlog_sync_interval = 5;\n});\n",
			"t.conf:3: ports[0].log_sync_interval: 5 is out of "
			"range", NULL);
	cfgt_expect_err("ports = ({\n\tinterface = \"e\";\n"
			"\tannounce_receipt_timeout = 1;\n});\n",
			"t.conf:3: ports[0].announce_receipt_timeout: 1",
			"2..255");
	cfgt_expect_err("ports = ({ interface = \"e\"; clock = \"sim\";\n"
			"\ttimestamping = \"software\";\n"
			"\tsim_freq_error_ppb = 2e6;\n});\n",
			"t.conf:3: ports[0].sim_freq_error_ppb: 2e+06 is out "
			"of range", NULL);
	cfgt_expect_err("ports = ({ interface = \"e\";\n"
			"\tsim_freq_error_ppb = -1000001;\n});\n",
			"t.conf:2: ports[0].sim_freq_error_ppb: -1e+06", NULL);
	cfgt_expect_err("clock = {\n\tstep_threshold = -0.5;\n};\n" ONE_PORT,
			"t.conf:2: clock.step_threshold: -0.5 is out of range",
			NULL);
	cfgt_expect_err("ports = ({ interface = \"e\";\n"
			"\tdelay_asymmetry = 1000000001;\n});\n",
			"t.conf:2: ports[0].delay_asymmetry:", "out of range");
	cfgt_expect_err("clock = {\n\tsdo_id = 0x1000;\n};\n" ONE_PORT,
			"t.conf:2: clock.sdo_id: 4096 is out of range 0..4095",
			NULL);
}

Test(config, range_limits_are_accepted)
{
	static struct mconf cfg;

	cfgt_expect_ok(&cfg, "clock = { priority1 = 0; priority2 = 255; "
		       "domain_number = 239; sdo_id = 0xFFF; };\n"
		       "ports = ({ interface = \"e\"; log_sync_interval = -7; "
		       "log_announce_interval = 4; udp_ttl = 255; });\n"
		       "logging = { summary_interval = -4; };\n");
	cr_assert_eq(cfg.clock.priority1, 0);
	cr_assert_eq(cfg.clock.priority2, 255);
	cr_assert_eq(cfg.clock.domain_number, 239);
	cr_assert_eq(cfg.clock.sdo_id, 0xFFF);
	cr_assert_eq(cfg.ports[0].log_sync_interval, -7);
	cr_assert_eq(cfg.ports[0].log_announce_interval, 4);
	cr_assert_eq(cfg.ports[0].udp_ttl, 255);
	cr_assert_eq(cfg.logging.summary_interval, -4);
}

/* libconfig 1.5 reads 4294967424 as 128: it must not pass as valid. */
Test(config, truncated_integer_literals_are_errors)
{
	cfgt_expect_err("clock = {\n\tpriority1 = 4294967424;\n};\n" ONE_PORT,
			"t.conf:2: integer 4294967424 does not fit in 32 bits",
			"4294967424L");
	cfgt_expect_err("clock = {\n\tpriority1 = 0x100000080;\n};\n"
			ONE_PORT, "t.conf:2: integer 0x100000080", NULL);
	cfgt_expect_err(ONE_PORT "\n\n# 99999999999999999999\n"
			"logging = { summary_interval = -9999999999; };\n",
			"t.conf:5: integer -9999999999", NULL);
	cfgt_expect_err("ports = ({ interface = \"e\";\n"
			"\tsim_offset_ns = 99999999999999999999L;\n});\n",
			"t.conf:2: integer 99999999999999999999L does not fit "
			"in 64 bits", NULL);
}

Test(config, int64_values)
{
	static struct mconf cfg;

	cfgt_expect_ok(&cfg, "ports = ({ interface = \"e\"; clock = \"sim\"; "
		       "timestamping = \"software\";\n"
		       "sim_offset_ns = -5000000000L; "
		       "delay_asymmetry = -250; });\n"
		       "# a string is not a number: \"12345678901234\"\n"
		       "ipc = { rundir = \"/tmp/12345678901234567890\"; };\n");
	cr_assert_eq(cfg.ports[0].sim_offset_ns, -5000000000LL);
	cr_assert_eq(cfg.ports[0].delay_asymmetry, -250);
	cr_assert_str_eq(cfg.ipc.rundir, "/tmp/12345678901234567890");
	/* A 64-bit literal within an int key's range is fine too. */
	cfgt_expect_ok(&cfg, "clock = { priority1 = 7L; };\n" ONE_PORT);
	cr_assert_eq(cfg.clock.priority1, 7);
}

Test(config, bad_enum_name)
{
	cfgt_expect_err("ports = (\n\t{\n\t\tinterface = \"eth1\";\n"
			"\t\ttransport = \"udp5\";\n\t}\n);\n",
			"t.conf:4: ports[0].transport: \"udp5\" is not one of "
			"udp4, udp6, l2", NULL);
	cfgt_expect_err("clock = {\n\tprofile = \"gptp\";\n};\n" ONE_PORT,
			"t.conf:2: clock.profile: \"gptp\" is not one of",
			"default_p2p");
	cfgt_expect_err("clock = {\n\ttime_source = \"GNSS\";\n};\n" ONE_PORT,
			"t.conf:2: clock.time_source:", "internal_oscillator");
	cfgt_expect_err(ONE_PORT "logging = { level = \"loud\"; };\n",
			"t.conf:2: logging.level: \"loud\"", "debug");
}

Test(config, bad_strings)
{
	cfgt_expect_err("ports = ({\n\tinterface = "
			"\"abcdefghijklmnop\";\n});\n",
			"t.conf:2: ports[0].interface:",
			"longer than 15 characters");
	cfgt_expect_err("ports = ({\n\tinterface = \"eth/1\";\n});\n",
			"t.conf:2: ports[0].interface:", "not an interface");
	cfgt_expect_err("ports = ({\n\tinterface = \"\";\n});\n",
			"t.conf:2: ports[0].interface:", "empty");
	cfgt_expect_err(ONE_PORT "ipc = {\n\trundir = \"run/meridian\";\n};\n",
			"t.conf:3: ipc.rundir:", "not an absolute path");
	cfgt_expect_err(ONE_PORT "ipc = {\n\trundir = \"/tmp/"
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaaaaaaaaaaa\";\n};\n",
			"t.conf:3: ipc.rundir:", "longer than 75 characters");
	cfgt_expect_err("ports = ({ interface = \"e\";\n"
			"\tphc_device = \"ptp0\";\n});\n",
			"t.conf:2: ports[0].phc_device:", "absolute");
}

/* ---- errors: ports and cross-key checks ------------------------------ */

Test(config, missing_interface)
{
	cfgt_expect_err("ports = (\n\t{ interface = \"eth1\"; },\n"
			"\t{ transport = \"l2\"; }\n);\n",
			"t.conf:3: ports[1].interface: missing", NULL);
}

Test(config, duplicate_interface)
{
	cfgt_expect_err("ports = (\n\t{ interface = \"eth1\"; },\n"
			"\t{ interface = \"eth2\"; },\n"
			"\t{ interface = \"eth1\"; }\n);\n",
			"t.conf:4: ports[2].interface: \"eth1\" is already "
			"used by ports[0]", NULL);
}

Test(config, no_ports)
{
	cfgt_expect_err("clock = { };\n", "t.conf: ports: missing", NULL);
	cfgt_expect_err("clock = { };\nports = ( );\n",
			"t.conf:2: ports: the list is empty", NULL);
}

Test(config, too_many_ports)
{
	static char text[8192];
	static struct mconf cfg;
	size_t o;
	int i;

	o = (size_t)snprintf(text, sizeof(text), "\nports = (\n");
	for (i = 0; i < MCONF_MAX_PORTS + 1; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
				      "\t{ interface = \"eth%d\"; }%s\n", i,
				      i < MCONF_MAX_PORTS ? "," : "");
	snprintf(text + o, sizeof(text) - o, ");\n");
	cfgt_expect_err(text, "t.conf:2: ports: 33 ports, at most 32", NULL);

	/* and 32 is fine */
	strcpy(strstr(text, ",\n\t{ interface = \"eth32\"; }"), "\n);\n");
	cfgt_expect_ok(&cfg, text);
	cr_assert_eq(cfg.n_ports, 32);
	cr_assert_str_eq(cfg.ports[31].interface, "eth31");
}

Test(config, bad_clock_identity)
{
	cfgt_expect_err("clock = {\n\tclock_identity = \"001122.fffe.33445\";"
			"\n};\n" ONE_PORT, "t.conf:2: clock.clock_identity:",
			"not a clock identity");
	cfgt_expect_err("clock = {\n\tclock_identity = \"0011.22fffe.334455\";"
			"\n};\n" ONE_PORT, "t.conf:2: clock.clock_identity:",
			NULL);
	cfgt_expect_err("clock = {\n\tclock_identity = \"ffffff.ffff.ffffff\";"
			"\n};\n" ONE_PORT, "t.conf:2: clock.clock_identity:",
			NULL);
	cfgt_expect_err("clock = {\n\tclock_identity = "
			"\"00:11:22:ff:fe:33:44:zz\";\n};\n" ONE_PORT,
			"t.conf:2: clock.clock_identity:", NULL);
}

Test(config, clock_identity_parsed)
{
	static const uint8_t want[8] = {
		0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
	};
	static struct mconf cfg;

	cfgt_expect_ok(&cfg, "clock = { clock_identity = "
		       "\"001122.fffe.334455\"; };\n" ONE_PORT);
	cr_assert(cfg.clock.identity_set);
	cr_assert_arr_eq(cfg.clock.identity.id, want, 8);
	cfgt_expect_ok(&cfg, "clock = { clock_identity = "
		       "\"00:11:22:FF:FE:33:44:55\"; };\n" ONE_PORT);
	cr_assert_arr_eq(cfg.clock.identity.id, want, 8);
}

/* Hostile traffic (issue 9): ports[].acceptable_masters. */
Test(config, acceptable_masters)
{
	static const uint8_t id[8] = {
		0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
	};
	static const uint8_t v4[4] = { 10, 52, 0, 1 };
	static const uint8_t mac[6] = { 0x02, 0, 0x5e, 0, 0, 0xab };
	struct mconf_amt a[MCONF_AMT_MAX];
	static struct mconf cfg;
	char why[160], big[MCONF_AMT_LEN];
	unsigned i;

	cfgt_expect_ok(&cfg, "ports = ( { interface = \"eth1\";\n"
		       "acceptable_master_table = true;\n"
		       "acceptable_masters = \"001122.fffe.334455, 10.52.0.1 "
		       "fe80::1,02:00:5e:00:00:ab\"; } );\n");
	cr_assert(cfg.ports[0].acceptable_master_table);
	cr_assert_eq(mconf_amt_parse(cfg.ports[0].acceptable_masters, a,
				     MCONF_AMT_MAX, why, sizeof(why)), 4);
	cr_assert(!a[0].by_addr);
	cr_assert_arr_eq(a[0].id.id, id, 8);
	cr_assert(a[1].by_addr && a[1].addr_len == 4);
	cr_assert_arr_eq(a[1].addr, v4, 4);
	cr_assert(a[2].by_addr && a[2].addr_len == 16);
	cr_assert_eq(a[2].addr[0], 0xfe);
	cr_assert_eq(a[2].addr[15], 1);
	cr_assert(a[3].by_addr && a[3].addr_len == 6);
	cr_assert_arr_eq(a[3].addr, mac, 6);
	cr_assert_eq(mconf_amt_parse("", a, MCONF_AMT_MAX, why,
				     sizeof(why)), 0);
	cr_assert_eq(mconf_amt_parse(" , ,", a, MCONF_AMT_MAX, why,
				     sizeof(why)), 0);

	cfgt_expect_err("ports = (\n{ interface = \"eth1\";\n"
			"acceptable_masters = \"10.0.0.1, 10.0.0.256\"; }"
			"\n);\n",
			"t.conf:3: ports[0].acceptable_masters:",
			"\"10.0.0.256\" is not a clock identity");
	cfgt_expect_err("ports = (\n{ interface = \"eth1\";\n"
			"acceptable_masters = \"ffffff.ffff.ffffff\"; }\n);\n",
			"t.conf:3: ports[0].acceptable_masters:", NULL);
	cfgt_expect_err("ports = (\n{ interface = \"eth1\";\n"
			"acceptable_masters = \"02:00:5e:00:00\"; }\n);\n",
			"t.conf:3: ports[0].acceptable_masters:", NULL);
	/* 17 entries: one too many. */
	big[0] = '\0';
	for (i = 0; i < MCONF_AMT_MAX + 1; i++) {
		snprintf(big + strlen(big), sizeof(big) - strlen(big),
			 "10.0.0.%u,", i + 1);
	}
	cr_assert_lt(mconf_amt_parse(big, a, MCONF_AMT_MAX, why,
				     sizeof(why)), 0);
	cr_assert(strstr(why, "more than 16"), "%s", why);
	cfgt_expect_err("ports = (\n{ interface = \"eth1\";\n"
			"management_set = \"maybe\"; }\n);\n",
			"t.conf:3: ports[0].management_set:", NULL);
	cfgt_expect_err("ports = (\n{ interface = \"eth1\";\n"
			"rx_budget_pps = -1; }\n);\n",
			"t.conf:3: ports[0].rx_budget_pps:", NULL);
	cfgt_expect_err("ports = (\n{ interface = \"eth1\";\n"
			"rx_budget_pps_per_source = 1000001; }\n);\n",
			"t.conf:3: ports[0].rx_budget_pps_per_source:", NULL);
	cfgt_expect_err("ports = (\n{ interface = \"eth1\";\n"
			"rx_cpu_budget = 101; }\n);\n",
			"t.conf:3: ports[0].rx_cpu_budget:", NULL);
}

Test(config, slave_only_with_master_only)
{
	cfgt_expect_err("clock = {\n\tslave_only = true;\n};\nports = (\n"
			"\t{ interface = \"eth1\"; },\n"
			"\t{ interface = \"eth2\";\n\t  master_only = true; }\n"
			");\n", "t.conf:7: ports[1].master_only: contradicts "
			"clock.slave_only", "line 2");
}

Test(config, sim_clock_with_hardware_timestamps)
{
	cfgt_expect_err("ports = (\n\t{\n\t\tinterface = \"veth0\";\n"
			"\t\tclock = \"sim\";\n\t}\n);\n",
			"t.conf:4: ports[0].clock: \"sim\" needs timestamping",
			"software");
	cfgt_expect_err("ports = (\n\t{\n\t\tinterface = \"veth0\";\n"
			"\t\ttimestamping = \"hardware\";\n"
			"\t\tclock = \"system\";\n\t}\n);\n",
			"t.conf:5: ports[0].clock: \"system\"", NULL);
	cfgt_expect_err("ports = (\n\t{\n\t\tinterface = \"veth0\";\n"
			"\t\ttimestamping = \"software\";\n\t}\n);\n",
			"t.conf:4: ports[0].timestamping: \"software\"",
			"clock = \"system\" or \"sim\"");
}

Test(config, tcp_endpoint_loopback_only)
{
	static const char *const good[] = {
		"tcp://127.0.0.1:5555", "tcp://127.1.2.3:1",
		"tcp://[::1]:65535", "",
	};
	static const char *const bad[] = {
		"tcp://10.0.0.1:5555", "tcp://0.0.0.0:5555",
		"tcp://*:5555", "tcp://localhost:5555", "tcp://127.0.0.1:0",
		"tcp://127.0.0.1:65536", "tcp://127.0.0.1:", "tcp://127.0.0.1",
		"tcp://[::]:5555", "tcp://[::1]:x", "ipc:///run/x.sock",
		"tcp://128.0.0.1:5", "tcp://127.0.0.1:+5",
		"tcp://127.0.0.1:5555x",
	};
	static struct mconf cfg;
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), ONE_PORT
			 "ipc = { tcp_endpoint = \"%s\"; };\n", good[i]);
		cfgt_expect_ok(&cfg, text);
		cr_assert_str_eq(cfg.ipc.tcp_endpoint, good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), ONE_PORT
			 "ipc = {\n\ttcp_endpoint = \"%s\";\n};\n", bad[i]);
		cfgt_expect_err(text, "t.conf:3: ipc.tcp_endpoint:",
				"not a loopback endpoint");
	}
}

/* ---- errors: the file ------------------------------------------------ */

Test(config, syntax_error)
{
	cfgt_expect_err("clock = {\n\tpriority1 = 1;\n\tpriority2 = ;\n};\n"
			ONE_PORT, "t.conf:3: syntax error", NULL);
	cfgt_expect_err("clock = {\n\tpriority1 = 1;\n\tpriority1 = 2;\n};\n"
			ONE_PORT, "t.conf:3: duplicate setting", NULL);
}

Test(config, unterminated_string)
{
	cfgt_expect_err(ONE_PORT "ipc = {\n\trundir = \"/run/x;\n};\n",
			"t.conf:3: unterminated string", NULL);
}

Test(config, unterminated_comment)
{
	/* libconfig 1.5 takes the rest of the file as the comment */
	cfgt_expect_err(ONE_PORT "/* comment\nclock = { priority1 = 999; };\n",
			"t.conf:2: unterminated /* comment", NULL);
	cfgt_expect_err(ONE_PORT "/* one */\n\n  /* two\n",
			"t.conf:4: unterminated /* comment", NULL);
}

Test(config, comment_openers_that_are_not_comments)
{
	static struct mconf cfg;

	cfgt_expect_ok(&cfg, ONE_PORT "# /* in a hash comment\n"
		       "// /* in a line comment\n"
		       "ipc = { rundir = \"/tmp/*x\"; }; /* closed */\n");
	cr_assert_str_eq(cfg.ipc.rundir, "/tmp/*x");
	cfgt_expect_ok(&cfg, ONE_PORT "/* a // and a # and a \" */\n");
}

Test(config, nul_escape_in_a_string)
{
	static struct mconf cfg;

	/* libconfig 1.5 drops \x00: "eth1\x00zzz" would read "eth1zzz" */
	cfgt_expect_err("ports = (\n\t{ interface = \"eth1\\x00zzz\"; }\n);\n",
			"t.conf:2: ", "\\x00");
	cfgt_expect_err(ONE_PORT "ipc = {\n\trundir = \"/run/a\"\n"
			"\t\t\"b\\x00\";\n};\n", "t.conf:4: ", "\\x00");
	/* an escaped backslash before x00 is not a NUL, other bytes are ok */
	cfgt_expect_ok(&cfg,
		       ONE_PORT "ipc = { rundir = \"/run/\\\\x00\"; };\n");
	cr_assert_str_eq(cfg.ipc.rundir, "/run/\\x00");
	cfgt_expect_ok(&cfg, ONE_PORT "ipc = { rundir = \"/run/\\x01\"; };\n");
	cr_assert_str_eq(cfg.ipc.rundir, "/run/\x01");
}

Test(config, utf8_byte_order_mark_is_skipped)
{
	static struct mconf cfg;

	/* Notepad and other Windows editors start UTF-8 files with one */
	cfgt_expect_ok(&cfg, "\xEF\xBB\xBF" ONE_PORT);
	cr_assert_str_eq(cfg.ports[0].interface, "eth1");
	/* lines are still counted from the first */
	cfgt_expect_err("\xEF\xBB\xBF" ONE_PORT "clock = {\n"
			"\tpriority1 = 999;\n};\n",
			"t.conf:3: clock.priority1: 999", NULL);
	/* only at the start of the text */
	cfgt_expect_err(ONE_PORT "\xEF\xBB\xBF" "clock = { };\n",
			"t.conf:2: ", NULL);
}

Test(config, include_after_a_byte_order_mark)
{
	cfgt_expect_err("\xEF\xBB\xBF@include \"/dev/zero\"\n" ONE_PORT,
			"t.conf:1: @include is not supported", NULL);
}

Test(config, quote_reads_at_most_max_characters)
{
	char *s = malloc(4), out[64];

	/* a buffer of max characters needs no NUL (like "%.*s") */
	cr_assert(s);
	memcpy(s, "ab\"d", 4);
	mconf_quote(s, 4, out, sizeof(out));
	cr_assert_str_eq(out, "\"ab\\\"d\"...");
	mconf_quote("abc", 4, out, sizeof(out));
	cr_assert_str_eq(out, "\"abc\"");
	mconf_quote("abcdef", 4, out, sizeof(out));
	cr_assert_str_eq(out, "\"abcd\"...");
	free(s);
}

Test(config, rundir_check)
{
	char why[128], path[] = "/tmp/meridian-test-rundir-XXXXXX", sub[64];
	int fd;

	cr_assert_eq(mconf_check_rundir("/run/meridian", why, sizeof(why)),
		     0);
	cr_assert_eq(mconf_check_rundir("run/meridian", why, sizeof(why)),
		     -EINVAL);
	cr_assert(strstr(why, "not an absolute path"), "%s", why);
	cr_assert_eq(mconf_check_rundir("", why, sizeof(why)), -EINVAL);
	cr_assert_eq(mconf_check_rundir("/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
					"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
					"aaaaaaaaaa", why, sizeof(why)),
		     -EINVAL);
	cr_assert(strstr(why, "longer than 75 characters"), "%s", why);

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(mconf_check_rundir(path, why, sizeof(why)), -EINVAL);
	cr_assert(strstr(why, "not a directory"), "%s", why);
	snprintf(sub, sizeof(sub), "%s/run", path);
	cr_assert_eq(mconf_check_rundir(sub, why, sizeof(why)), -EINVAL);
	cr_assert(strstr(why, path) && strstr(why, "not a directory"), "%s",
		  why);
	unlink(path);
	cr_assert_eq(mconf_check_rundir(sub, why, sizeof(why)), 0);
}

Test(config, rundir_that_is_a_file)
{
	char path[] = "/tmp/meridian-test-rundir-XXXXXX", text[256];
	int fd;

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(text, sizeof(text), ONE_PORT "ipc = {\n\trundir = \"%s\";\n"
		 "};\n", path);
	cfgt_expect_err(text, "t.conf:3: ipc.rundir:", "not a directory");
	unlink(path);
}

Test(config, include_is_refused)
{
	cfgt_expect_err(ONE_PORT "\n  @include \"/dev/zero\"\n",
			"t.conf:3: @include is not supported", NULL);
}

Test(config, all_errors_are_collected_in_line_order)
{
	static struct mconf cfg;
	static struct mconf_errors e;
	int rc;

	rc = mconf_load_string(&cfg,
		"ports = (\n"
		"\t{ interface = \"eth1\"; udp_ttl = 0; },\n"	/* 2 */
		"\t{ interface = \"eth1\"; }\n"			/* 3 */
		");\n"
		"clock = {\n"
		"\tpriority1 = 256;\n"				/* 6 */
		"\tbogus = 1;\n"				/* 7 */
		"};\n", "t.conf", &e);
	cr_assert_eq(rc, -EINVAL);
	if (e.count != 4) {
		cfgt_dump(&e);
	}
	cr_assert_eq(e.count, 4);
	cr_assert_eq(e.dropped, 0);
	cr_assert_eq(e.line[0], 2);
	cr_assert_eq(e.line[1], 3);
	cr_assert_eq(e.line[2], 6);
	cr_assert_eq(e.line[3], 7);
	cr_assert(strstr(e.msg[0], "t.conf:2: ports[0].udp_ttl: 0"));
	cr_assert(strstr(e.msg[1], "t.conf:3: ports[1].interface"));
	cr_assert(strstr(e.msg[2], "t.conf:6: clock.priority1: 256"));
	cr_assert(strstr(e.msg[3], "t.conf:7: clock.bogus"));
}

Test(config, error_count_is_capped)
{
	static char text[4096];
	static struct mconf cfg;
	static struct mconf_errors e;
	size_t o;
	int i;

	o = (size_t)snprintf(text, sizeof(text), "clock = {\n");
	for (i = 0; i < 25; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
				      "\tunknown%d = 1;\n", i);
	snprintf(text + o, sizeof(text) - o, "};\n" ONE_PORT);
	cr_assert_eq(mconf_load_string(&cfg, text, "t.conf", &e), -EINVAL);
	cr_assert_eq(e.count, MCONF_MAX_ERRORS);
	cr_assert_eq(e.dropped, 25 - MCONF_MAX_ERRORS);
	/* and without an error list, still invalid */
	cr_assert_eq(mconf_load_string(&cfg, text, "t.conf", NULL), -EINVAL);
}

Test(config, load_file_errors)
{
	static struct mconf cfg;
	static struct mconf_errors e;
	char path[] = "/tmp/meridian-test-config-XXXXXX";
	int fd;

	cr_assert_eq(mconf_load_file(&cfg, "/nonexistent/meridian.conf", &e),
		     -ENOENT);
	cr_assert_eq(e.count, 1);
	cr_assert(strstr(e.msg[0], "/nonexistent/meridian.conf: "), "%s",
		  e.msg[0]);

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "clock = {\n\tpriority1 = 999;\n};\n", 31), 31);
	close(fd);
	cr_assert_eq(mconf_load_file(&cfg, path, &e), -EINVAL);
	cr_assert_eq(cfgt_find(&e, path, ":2: clock.priority1: 999"), 0);

	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert_eq(write(fd, "ports = ({interface=\"e\";});\n\0x", 30), 30);
	close(fd);
	cr_assert_eq(mconf_load_file(&cfg, path, &e), -EINVAL);
	cr_assert_geq(cfgt_find(&e, ":2: a NUL byte", NULL), 0);
	unlink(path);

	cr_assert_lt(mconf_load_file(&cfg, "/tmp", &e), 0);
	cr_assert_eq(e.count, 1);
}

/* ---- valid files ----------------------------------------------------- */

static const char cfgt_rich[] =
	"# every kind of value, most not the default\n"
	"clock = {\n"
	"\tdomain_number = 24;\n"
	"\tpriority1 = 100;\n"
	"\tpriority2 = 1;\n"
	"\tclock_class = 6;\n"
	"\tclock_accuracy = 0x21;\n"
	"\toffset_scaled_log_variance = 0x4E5D;\n"
	"\tclock_identity = \"001122.fffe.334455\";\n"
	"\ttwo_step = false;\n"
	"\tprofile = \"default_p2p\";\n"
	"\tsdo_id = 0x100;\n"
	"\tminor_version = 0;\n"
	"\tcurrent_utc_offset = 36;\n"
	"\ttime_source = \"gnss\";\n"
	"\tservo = \"linreg\";\n"
	"\tpi_kp = 0.1;\n"
	"\tpi_ki = 3;\n"
	"\tfirst_step_threshold = 1e-7;\n"
	"\tstep_threshold = 0.001;\n"
	"\tmax_frequency = 500000;\n"
	"\tfree_running = true;\n"
	"};\n"
	"ports = (\n"
	"\t{\n"
	"\t\tinterface = \"eth1\";\n"
	"\t\ttransport = \"l2\";\n"
	"\t\ttimestamping = \"software\";\n"
	"\t\tclock = \"sim\";\n"
	"\t\tlog_announce_interval = -3;\n"
	"\t\tannounce_receipt_timeout = 255;\n"
	"\t\tlog_sync_interval = -7;\n"
	"\t\tlog_min_delay_req_interval = 5;\n"
	"\t\tlog_min_pdelay_req_interval = -7;\n"
	"\t\tdelay_asymmetry = -1000000000;\n"
	"\t\tingress_latency = 250;\n"
	"\t\tegress_latency = -15;\n"
	"\t\tsim_freq_error_ppb = -12.345678901234567;\n"
	"\t\tsim_offset_ns = 1000000000000000000L;\n"
	"\t\tsim_path = \"/tmp/odd \\\"name\\\\ \\x01.clk\";\n"
	"\t},\n"
	"\t{\n"
	"\t\tinterface = \"eth2.100\";\n"
	"\t\ttransport = \"udp6\";\n"
	"\t\tdelay_mechanism = \"e2e\";\n"
	"\t\tmaster_only = true;\n"
	"\t\tudp_ttl = 64;\n"
	"\t\tphc_device = \"/dev/ptp3\";\n"
	"\t},\n"
	"\t{ interface = \"eth3\"; delay_mechanism = \"auto\"; clock = "
	"\"system\"; timestamping = \"software\"; }\n"
	");\n"
	"ipc = {\n"
	"\trundir = \"/tmp/meridian-x\";\n"
	"\ttcp_endpoint = \"tcp://[::1]:7777\";\n"
	"};\n"
	"logging = {\n"
	"\tlevel = \"debug\";\n"
	"\tsyslog = true;\n"
	"\tsummary_interval = 6;\n"
	"};\n";

Test(config, valid_file_values)
{
	static struct mconf cfg;
	const struct mconf_port *p;

	cfgt_expect_ok(&cfg, cfgt_rich);
	cr_assert_eq(cfg.clock.domain_number, 24);
	cr_assert_eq(cfg.clock.priority1, 100);
	cr_assert_eq(cfg.clock.clock_accuracy, 0x21);
	cr_assert_eq(cfg.clock.offset_scaled_log_variance, 0x4E5D);
	cr_assert(!cfg.clock.two_step);
	cr_assert_eq(cfg.clock.profile, MCONF_PROFILE_DEFAULT_P2P);
	cr_assert_eq(cfg.clock.sdo_id, 0x100);
	cr_assert_eq(cfg.clock.minor_version, 0);
	cr_assert_eq(cfg.clock.time_source, TS_GNSS);
	cr_assert_eq(cfg.clock.servo, MCONF_SERVO_LINREG);
	cr_assert_eq(cfg.clock.pi_kp, 0.1);
	cr_assert_eq(cfg.clock.pi_ki, 3.0);
	cr_assert_eq(cfg.clock.first_step_threshold, 1e-7);
	cr_assert(cfg.clock.free_running);
	cr_assert_eq(cfg.n_ports, 3);

	p = mconf_port_find(&cfg, "eth1");
	cr_assert_eq(p, &cfg.ports[0]);
	cr_assert_eq(p->transport, MCONF_TRANSPORT_L2);
	/* not given: from the P2P profile */
	cr_assert_eq(p->delay_mechanism, MCONF_DELAY_P2P);
	cr_assert_eq(p->clock, MCONF_CLK_SIM);
	cr_assert_eq(p->log_sync_interval, -7);
	cr_assert_eq(p->delay_asymmetry, -1000000000);
	cr_assert_eq(p->ingress_latency, 250);
	cr_assert_eq(p->egress_latency, -15);
	cr_assert_eq(p->sim_freq_error_ppb, -12.345678901234567);
	cr_assert_eq(p->sim_offset_ns, 1000000000000000000LL);
	cr_assert_str_eq(p->sim_path, "/tmp/odd \"name\\ \x01.clk");

	p = mconf_port_find(&cfg, "eth2.100");
	cr_assert_eq(p, &cfg.ports[1]);
	cr_assert_eq(p->transport, MCONF_TRANSPORT_UDP6);
	cr_assert_eq(p->delay_mechanism, MCONF_DELAY_E2E);	/* given */
	cr_assert(p->master_only);
	cr_assert_str_eq(p->phc_device, "/dev/ptp3");
	cr_assert_eq(cfg.ports[2].delay_mechanism, MCONF_DELAY_AUTO);
	cr_assert_eq(cfg.ports[2].clock, MCONF_CLK_SYSTEM);
	cr_assert_null(mconf_port_find(&cfg, "eth4"));
	cr_assert_null(mconf_port_find(&cfg, "eth"));

	cr_assert_str_eq(cfg.ipc.rundir, "/tmp/meridian-x");
	cr_assert_eq(cfg.logging.level, LOG_DEBUG);
	cr_assert(cfg.logging.syslog);
	cr_assert_eq(cfg.logging.summary_interval, 6);
}

Test(config, sim_path)
{
	static struct mconf cfg;
	char buf[MCONF_PATH_LEN];

	cfgt_expect_ok(&cfg, cfgt_rich);
	cr_assert_eq(mconf_port_sim_path(&cfg, &cfg.ports[1], buf,
					 sizeof(buf)), 0);
	cr_assert_str_eq(buf, "/tmp/meridian-x/sim-eth2.100.clk");
	cr_assert_eq(mconf_port_sim_path(&cfg, &cfg.ports[0], buf,
					 sizeof(buf)), 0);
	cr_assert_str_eq(buf, cfg.ports[0].sim_path);
	cr_assert_eq(mconf_port_sim_path(&cfg, &cfg.ports[1], buf, 10),
		     -ENAMETOOLONG);
}

/* ---- print -> load --------------------------------------------------- */

static void cfgt_round_trip(const char *text)
{
	static struct mconf a, b;
	static struct mconf_errors e;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	cfgt_expect_ok(&a, text);
	f = open_memstream(&out, &len);
	cr_assert(f);
	mconf_print(&a, f);
	fclose(f);
	if (mconf_load_string(&b, out, "printed", &e)) {
		fprintf(stderr, "%s", out);
		cfgt_dump(&e);
	}
	cr_assert_eq(e.count, 0);
	cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0, "printed:\n%s", out);
	free(out);
}

Test(config, print_reloads_identically)
{
	char pathbuf[512];
	char *text = cfgt_read_file(cfgt_repo_path(EXAMPLE, pathbuf,
						   sizeof(pathbuf)));

	cfgt_round_trip(cfgt_rich);
	cfgt_round_trip(ONE_PORT);
	cfgt_round_trip(text);
	free(text);
}

Test(config, print_writes_every_key)
{
	static struct mconf cfg;
	const struct mconf_item *it;
	char *out = NULL, pat[64];
	size_t len = 0, i;
	FILE *f;

	cfgt_expect_ok(&cfg, cfgt_rich);
	f = open_memstream(&out, &len);
	mconf_print(&cfg, f);
	fclose(f);
	for (i = 0; (it = mconf_schema_item(i)); i++) {
		snprintf(pat, sizeof(pat), "\t%s = ", it->name);
		cr_assert(strstr(out, pat), "%s missing", it->name);
	}
	cr_assert(strstr(out, "\tsim_offset_ns = 1000000000000000000L;\n"));
	cr_assert(strstr(out, "\tclock_accuracy = 0x21;\n"));
	cr_assert(strstr(out, "\ttransport = \"udp6\";\n"));
	free(out);
}
