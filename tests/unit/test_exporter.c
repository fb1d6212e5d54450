/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of meridian-exporter's pure part (exporter/prom_fmt.c): a
 * top_state snapshot as the Prometheus text format. Label values escaped
 * (\\ \" \n, other octets as U+FFFD), units (ns and ms as exact decimal
 * seconds, ppb as a ratio), every family with one # HELP and one # TYPE
 * before its samples, in one group, counters and only counters ending in
 * _total, state sets with exactly one 1, the drop counters with a sample
 * per port and reason, unknown values left out (never NaN), the same
 * families when nothing is heard.
 *
 * The snapshot is built by hand (top_state is a plain struct). The
 * top_state/top_buf functions come from tests/unit/test_top_state.c, which
 * compiles tools/top_state.c into this same binary.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../exporter/prom_fmt.c"

TestSuite(exporter, .timeout = 5);

#define S	1000000000LL
#define NOW	(100 * S)

static struct top_state st;
static struct top_buf out;

static void cid(struct clock_identity *c, uint8_t last)
{
	static const uint8_t base[8] = { 0x00, 0x11, 0x22, 0xff, 0xfe, 0x00,
					 0x00, 0x00 };

	memcpy(c->id, base, 8);
	c->id[7] = last;
}

static struct top_port *add_port(const char *iface, unsigned num, int state)
{
	struct top_port *p = &st.ports[st.n_ports++];

	snprintf(p->iface, sizeof(p->iface), "%s", iface);
	p->have_status = true;
	p->heard_ns = NOW - 250000000LL;
	snprintf(p->st.iface, sizeof(p->st.iface), "%s", iface);
	cid(&p->st.ds.portIdentity.clockIdentity, 0x01);
	p->st.ds.portIdentity.portNumber = (uint16_t)num;
	p->st.ds.portState = (uint8_t)state;
	p->st.ds.delayMechanism = DM_E2E;
	return p;
}

/* A boundary clock: eth1 SLAVE (measuring), eth2 MASTER; servo LOCKED;
 * the supervisor's count of portd/eth1's restarts. */
static void full_state(void)
{
	struct top_port *p;
	struct top_proc *pr;

	top_state_init(&st);
	st.messages = 42;
	st.first_ns = NOW - 5 * S;
	st.last_ns = NOW - S / 2;
	st.bad_by[TOP_BAD_TOPIC] = 3;
	st.bad = 3;
	p = add_port("eth1", 1, PS_SLAVE);
	p->st.have_sample = true;
	p->st.offset_ns = -1234;
	p->st.delay_ns = 5000000123LL;
	p->st.rx = 1000;
	p->st.tx = 200;
	p->st.rx_err = 7;
	cid(&p->st.parent.clockIdentity, 0x0a);
	p->st.parent.portNumber = 1;
	add_port("eth2", 2, PS_MASTER);

	st.have_decision = true;
	cid(&st.dec.dflt.clockIdentity, 0x01);
	cid(&st.dec.parent.grandmasterIdentity, 0x0a);
	cid(&st.dec.parent.parentPortIdentity.clockIdentity, 0x0a);
	st.dec.parent.parentPortIdentity.portNumber = 1;
	st.dec.parent.grandmasterPriority1 = 10;
	st.dec.parent.grandmasterClockQuality.clockClass = 6;
	st.dec.cur.stepsRemoved = 1;

	st.have_servo = true;
	st.servo_ns = NOW - S;
	st.servo.state = IPC_SERVO_LOCKED;
	st.servo.freq_ppb = 30000.0;
	st.servo.offset_ns = -12;
	st.servo.clock_class = 248;
	st.servo.steps = 2;
	st.servo.n_clocks = 1;
	snprintf(st.servo.clocks[0].iface, IPC_NAME_MAX, "eth1");
	snprintf(st.servo.clocks[0].clock, IPC_CLOCK_MAX, "/dev/ptp0");
	st.servo.clocks[0].is_reference = true;
	st.servo.clocks[0].locked = true;
	st.servo.clocks[0].freq_ppb = -1.5;

	pr = &st.procs[st.n_procs++];
	snprintf(pr->name, sizeof(pr->name), "portd/eth1");
	pr->have_sup = true;
	pr->sup_ns = NOW - S;
	pr->sup.pid = 99;
	pr->sup.state = IPC_HEALTH_RUNNING;
	pr->sup.restarts = 3;
	pr->sup.uptime_ms = 1500;
}

static const char *expose(void)
{
	top_buf_reset(&out);
	prom_expose(&st, NOW, &out);
	cr_assert(!out.oom);
	cr_assert(out.s);
	return out.s;
}

static void has_line(const char *text, const char *line)
{
	char *want;

	cr_assert(asprintf(&want, "\n%s\n", line) > 0);
	cr_expect(strstr(text, want) != NULL, "missing line: %s\nin:\n%s",
		  line, text);
	free(want);
}

static void no_prefix(const char *text, const char *prefix)
{
	char *want;

	cr_assert(asprintf(&want, "\n%s", prefix) > 0);
	cr_expect(strstr(text, want) == NULL, "unexpected line: %s...",
		  prefix);
	free(want);
}

static int check_format(const char *t);

static void fini(void)
{
	top_buf_fini(&out);
}

Test(exporter, label_value_escaped, .fini = fini)
{
	top_buf_reset(&out);
	prom_label_value(&out, "a\"b\\c\nd");
	cr_assert_str_eq(out.s, "\"a\\\"b\\\\c\\nd\"");
	top_buf_reset(&out);
	prom_label_value(&out, "x\x01y\xffz\t");
	cr_assert_str_eq(out.s, "\"x\xef\xbf\xbdy\xef\xbf\xbdz\xef\xbf\xbd\"");
	top_buf_reset(&out);
	prom_label_value(&out, "");
	cr_assert_str_eq(out.s, "\"\"");
}

Test(exporter, labels_escaped_in_samples, .fini = fini)
{
	const char *t;

	full_state();
	snprintf(st.ports[1].iface, IPC_NAME_MAX, "e\"2\\");
	snprintf(st.procs[0].name, IPC_PROC_MAX, "portd/\"x\"\n");
	t = expose();
	has_line(t, "meridian_port_messages_sent_total{port=\"2\","
		 "interface=\"e\\\"2\\\\\"} 0");
	has_line(t, "meridian_process_restarts_total{process="
		 "\"portd/\\\"x\\\"\\n\"} 3");
}

Test(exporter, units_seconds_and_ratio, .fini = fini)
{
	const char *t;

	full_state();
	t = expose();
	has_line(t, "meridian_port_offset_seconds{port=\"1\","
		 "interface=\"eth1\"} -0.000001234");
	has_line(t, "meridian_port_mean_path_delay_seconds{port=\"1\","
		 "interface=\"eth1\"} 5.000000123");
	has_line(t, "meridian_port_last_report_age_seconds{port=\"1\","
		 "interface=\"eth1\"} 0.25");
	has_line(t, "meridian_clock_frequency_adjustment_ratio 3e-05");
	has_line(t, "meridian_phc_frequency_adjustment_ratio{"
		 "interface=\"eth1\",clock=\"/dev/ptp0\"} -1.5e-09");
	has_line(t, "meridian_clock_offset_seconds -0.000000012");
	has_line(t, "meridian_clock_servo_last_report_age_seconds 1");
	has_line(t, "meridian_bus_last_message_age_seconds 0.5");
	has_line(t, "meridian_process_uptime_seconds{process="
		 "\"portd/eth1\"} 1.5");
	has_line(t, "meridian_clock_holdover_seconds 0");
	st.servo.state = IPC_SERVO_HOLDOVER;
	st.servo.holdover_ms = 3723004;
	st.ports[0].st.offset_ns = INT64_MIN;
	st.ports[0].st.delay_ns = 0;
	t = expose();
	has_line(t, "meridian_clock_holdover_seconds 3723.004");
	has_line(t, "meridian_clock_holdover 1");
	has_line(t, "meridian_port_offset_seconds{port=\"1\","
		 "interface=\"eth1\"} -9223372036.854775808");
	has_line(t, "meridian_port_mean_path_delay_seconds{port=\"1\","
		 "interface=\"eth1\"} 0");
}

Test(exporter, identities_and_counters, .fini = fini)
{
	const char *t;

	full_state();
	t = expose();
	has_line(t, "meridian_clock_grandmaster_info{grandmaster_identity="
		 "\"001122.fffe.00000a\",parent_port_identity="
		 "\"001122.fffe.00000a-1\"} 1");
	has_line(t, "meridian_clock_info{clock_identity="
		 "\"001122.fffe.000001\"} 1");
	has_line(t, "meridian_clock_steps_removed 1");
	has_line(t, "meridian_clock_grandmaster_priority1 10");
	has_line(t, "meridian_clock_class 248");
	has_line(t, "meridian_port_info{port=\"1\",interface=\"eth1\","
		 "port_identity=\"001122.fffe.000001-1\","
		 "delay_mechanism=\"E2E\"} 1");
	has_line(t, "meridian_port_parent_info{port=\"1\",interface=\"eth1\","
		 "parent_port_identity=\"001122.fffe.00000a-1\"} 1");
	has_line(t, "meridian_port_messages_received_total{port=\"1\","
		 "interface=\"eth1\"} 1000");
	has_line(t, "meridian_port_receive_errors_total{port=\"1\","
		 "interface=\"eth1\"} 7");
	has_line(t, "meridian_bus_messages_total 42");
	has_line(t, "meridian_bus_garbage_total{reason=\"topic\"} 3");
	has_line(t, "meridian_bus_garbage_total{reason=\"magic\"} 0");
	has_line(t, "meridian_clock_time_steps_total 2");
	has_line(t, "meridian_process_up{process=\"portd/eth1\"} 1");
	/* eth2 hears no master: no parent, no offset */
	no_prefix(t, "meridian_port_parent_info{port=\"2\"");
	no_prefix(t, "meridian_port_offset_seconds{port=\"2\"");
}

/* the hostile-traffic drops: one counter family, a sample per port and
 * reason, every reason present (0 when nothing was dropped for it) */
Test(exporter, drops_by_reason, .fini = fini)
{
	const char *t, *p;
	int n = 0;

	full_state();
	st.ports[0].st.dropped[IPC_DROP_RATE_LIMIT] = 5891;
	st.ports[0].st.dropped[IPC_DROP_AUTH] = 12;
	st.ports[1].st.dropped[IPC_DROP_DELAY_REJECTED] = UINT64_MAX;
	t = expose();
	has_line(t, "# TYPE meridian_port_dropped_total counter");
	has_line(t, "meridian_port_dropped_total{port=\"1\",interface=\"eth1\","
		 "reason=\"rate_limit\"} 5891");
	has_line(t, "meridian_port_dropped_total{port=\"1\",interface=\"eth1\","
		 "reason=\"cpu_budget\"} 0");
	has_line(t, "meridian_port_dropped_total{port=\"1\",interface=\"eth1\","
		 "reason=\"auth\"} 12");
	has_line(t, "meridian_port_dropped_total{port=\"1\",interface=\"eth1\","
		 "reason=\"not_acceptable\"} 0");
	has_line(t, "meridian_port_dropped_total{port=\"1\",interface=\"eth1\","
		 "reason=\"master_lock\"} 0");
	has_line(t, "meridian_port_dropped_total{port=\"1\",interface=\"eth1\","
		 "reason=\"mgmt_limited\"} 0");
	has_line(t, "meridian_port_dropped_total{port=\"2\",interface=\"eth2\","
		 "reason=\"delay_rejected\"} 18446744073709551615");
	for (p = t; (p = strstr(p, "\nmeridian_port_dropped_total{")); p++) {
		n++;
	}
	cr_expect_eq(n, 2 * IPC_DROP_COUNT, "samples: %d", n);
	check_format(t);
}

/* one 1 per port (or servo, process), for the state it is in */
Test(exporter, state_sets, .fini = fini)
{
	const char *t;

	full_state();
	t = expose();
	has_line(t, "meridian_port_state{port=\"1\",interface=\"eth1\","
		 "state=\"SLAVE\"} 1");
	has_line(t, "meridian_port_state{port=\"1\",interface=\"eth1\","
		 "state=\"MASTER\"} 0");
	has_line(t, "meridian_port_state{port=\"2\",interface=\"eth2\","
		 "state=\"MASTER\"} 1");
	has_line(t, "meridian_clock_servo_state{state=\"LOCKED\"} 1");
	has_line(t, "meridian_process_state{process=\"portd/eth1\","
		 "state=\"RUNNING\"} 1");
	{
		const char *p = t;
		int ones = 0, zeros = 0;

		while ((p = strstr(p, "\nmeridian_port_state{"))) {
			p = strchr(p, '}');
			if (!strncmp(p, "} 1\n", 4)) {
				ones++;
			} else if (!strncmp(p, "} 0\n", 4)) {
				zeros++;
			}
		}
		cr_expect_eq(ones, 2, "ports in a state: %d", ones);
		cr_expect_eq(zeros, 2 * 8, "ports not in a state: %d", zeros);
	}
}

/* an unknown value is absent, never NaN */
Test(exporter, unknown_left_out, .fini = fini)
{
	const char *t;

	full_state();
	st.ports[0].st.have_sample = false;
	st.servo.freq_ppb = NAN;
	st.servo.clocks[0].freq_ppb = INFINITY;
	t = expose();
	no_prefix(t, "meridian_port_offset_seconds{");
	no_prefix(t, "meridian_port_mean_path_delay_seconds{");
	no_prefix(t, "meridian_clock_frequency_adjustment_ratio ");
	no_prefix(t, "meridian_phc_frequency_adjustment_ratio{");
	cr_expect(!strstr(t, "NaN\n") && !strstr(t, "nan\n") &&
		  !strstr(t, "Inf\n") && !strstr(t, "inf\n"),
		  "a NaN or infinite value in:\n%s", t);
}

/*
 * The format's rules, checked on a text: every line ends in \n; each
 * sample's family has had exactly one # HELP and one # TYPE (HELP first),
 * before its first sample; a family's samples are one group; a counter's
 * name ends in _total and a gauge's does not; values parse as numbers.
 * Returns the number of families.
 */
static int check_format(const char *t)
{
	char fams[128][80], cur[80] = "", type[16] = "";
	int nf = 0, i, samples = 0;
	const char *l = t, *nl;

	cr_assert(*t && t[strlen(t) - 1] == '\n');
	for (; *l; l = nl + 1) {
		char line[512], name[80], ty[16], *end;
		size_t n;

		nl = strchr(l, '\n');
		cr_assert(nl);
		n = (size_t)(nl - l);
		cr_assert_lt(n, sizeof(line));
		memcpy(line, l, n);
		line[n] = '\0';
		if (sscanf(line, "# HELP %79s", name) == 1) {
			for (i = 0; i < nf; i++) {
				cr_assert_str_neq(fams[i], name,
						  "HELP twice for %s", name);
			}
			cr_assert_lt(nf, 128);
			snprintf(fams[nf++], 80, "%s", name);
			snprintf(cur, sizeof(cur), "%s", name);
			type[0] = '\0';
			continue;
		}
		if (sscanf(line, "# TYPE %79s %15s", name, ty) == 2) {
			cr_assert_str_eq(name, cur, "TYPE %s without HELP",
					 name);
			cr_assert_eq(type[0], '\0', "TYPE twice: %s", name);
			snprintf(type, sizeof(type), "%s", ty);
			n = strlen(name);
			if (!strcmp(ty, "counter")) {
				cr_expect(n > 6 && !strcmp(name + n - 6,
							   "_total"),
					  "counter %s without _total", name);
			} else {
				cr_expect_str_eq(ty, "gauge");
				cr_expect(n <= 6 || strcmp(name + n - 6,
							   "_total"),
					  "gauge %s ending in _total", name);
			}
			continue;
		}
		cr_assert_neq(line[0], '#', "stray comment: %s", line);
		n = strcspn(line, "{ ");
		cr_assert_lt(n, sizeof(name));
		memcpy(name, line, n);
		name[n] = '\0';
		cr_assert_str_eq(name, cur, "sample %s outside its family "
				 "(current %s)", line, cur);
		cr_assert_neq(type[0], '\0', "sample before TYPE: %s", line);
		end = strrchr(line, ' ');
		cr_assert(end);
		strtod(end + 1, &end);
		cr_expect_eq(*end, '\0', "value of: %s", line);
		samples++;
	}
	cr_assert_gt(samples, 0);
	return nf;
}

Test(exporter, format_rules, .fini = fini)
{
	full_state();
	check_format(expose());
}

/* nothing heard: the same families (HELP and TYPE), bus samples only */
Test(exporter, nothing_heard, .fini = fini)
{
	const char *t;
	int full, empty;

	full_state();
	full = check_format(expose());
	top_state_init(&st);
	t = expose();
	empty = check_format(t);
	cr_expect_eq(empty, full, "families: %d when empty, %d full", empty,
		     full);
	has_line(t, "meridian_bus_heard 0");
	has_line(t, "meridian_bus_messages_total 0");
	no_prefix(t, "meridian_bus_last_message_age_seconds ");
	no_prefix(t, "meridian_clock_");
	no_prefix(t, "meridian_port_");
	no_prefix(t, "meridian_process_");
	no_prefix(t, "meridian_phc_");
}
