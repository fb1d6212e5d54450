/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of ptp-top's pure part (tools/top_state.c, tools/top_fmt.c):
 * the tables built from bus messages (rates from counters, alive within
 * 3 s, restarts, the clock from decisions and the servo), garbage counted
 * by reason and never a crash, and the JSON (checked by a small parser
 * here: valid, escaped, null instead of NaN) and text renderings. tools/
 * is not part of libmeridian, so the sources are compiled in here.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/top_state.c"
#include "../../tools/top_fmt.c"

TestSuite(top_state, .timeout = 5);

#define S	1000000000LL
#define GM_ID	"001122.fffe.00000a"

static uint8_t mbuf[IPC_MSG_MAX];

static size_t pack(int type, const void *m, int64_t mono)
{
	int n = ipc_msg_pack(type, m, 1, mono, mbuf, sizeof(mbuf));

	cr_assert_gt(n, 0, "pack: %s", ipc_err_str(n));
	return (size_t)n;
}

static void status(struct ipc_port_status *m, const char *iface, int state,
		   uint64_t rx, uint64_t tx)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->iface, sizeof(m->iface), "%s", iface);
	m->ds.portState = (uint8_t)state;
	m->ds.delayMechanism = DM_E2E;
	m->ds.versionNumber = 2;
	m->ds.announceReceiptTimeout = 3;
	m->rx = rx;
	m->tx = tx;
}

static int feed_status(struct top_state *s, const char *iface, int state,
		       uint64_t rx, uint64_t tx, int64_t mono, int64_t now)
{
	struct ipc_port_status m;
	char topic[IPC_TOPIC_MAX];
	size_t n;

	status(&m, iface, state, rx, tx);
	n = pack(IPC_T_PORT_STATUS, &m, mono);
	snprintf(topic, sizeof(topic), "port/%s/status/", iface);
	return top_feed(s, topic, mbuf, n, now);
}

static int feed_health(struct top_state *s, const char *topic,
		       const char *name, uint32_t pid, uint32_t restarts,
		       int64_t t)
{
	struct ipc_health h = { .pid = pid, .restarts = restarts,
				.state = IPC_HEALTH_RUNNING };
	size_t n;

	snprintf(h.name, sizeof(h.name), "%s", name);
	n = pack(IPC_T_HEALTH, &h, t);
	return top_feed(s, topic, mbuf, n, t);
}

/* ---- a strict little JSON parser: 0 when p..end is one valid value --- */

static const char *j_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
		p++;
	}
	return p;
}

static const char *j_value(const char *p);

static const char *j_string(const char *p)
{
	if (*p++ != '"') {
		return NULL;
	}
	while (*p != '"') {
		if ((unsigned char)*p < 0x20) {
			return NULL;	/* raw control octet, or end */
		}
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++) {
					if (!strchr("0123456789abcdefABCDEF",
						    p[i]) || !p[i]) {
						return NULL;
					}
				}
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *j_number(const char *p)
{
	const char *q = p;

	if (*q == '-') {
		q++;
	}
	if (*q == '0') {
		q++;
	} else if (*q >= '1' && *q <= '9') {
		while (*q >= '0' && *q <= '9') {
			q++;
		}
	} else {
		return NULL;
	}
	if (*q == '.') {
		q++;
		if (!(*q >= '0' && *q <= '9')) {
			return NULL;
		}
		while (*q >= '0' && *q <= '9') {
			q++;
		}
	}
	return q;
}

static const char *j_seq(const char *p, char close, bool keys)
{
	p = j_ws(p + 1);
	if (*p == close) {
		return p + 1;
	}
	for (;;) {
		if (keys) {
			p = j_string(j_ws(p));
			if (!p || *(p = j_ws(p)) != ':') {
				return NULL;
			}
			p++;
		}
		p = j_value(p);
		if (!p) {
			return NULL;
		}
		p = j_ws(p);
		if (*p == close) {
			return p + 1;
		}
		if (*p++ != ',') {
			return NULL;
		}
	}
}

static const char *j_value(const char *p)
{
	p = j_ws(p);
	switch (*p) {
	case '{': return j_seq(p, '}', true);
	case '[': return j_seq(p, ']', false);
	case '"': return j_string(p);
	case 't': return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f': return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n': return strncmp(p, "null", 4) ? NULL : p + 4;
	default: return j_number(p);
	}
}

static bool json_valid(const char *s)
{
	const char *e = j_value(s);

	return e && !*j_ws(e);
}

static char *json_of(const struct top_state *s, int64_t now)
{
	static struct top_buf b;

	top_buf_reset(&b);
	top_json(s, now, 1700000000.25, &b);
	cr_assert(!b.oom);
	cr_assert(json_valid(b.s), "invalid JSON: %s", b.s);
	return b.s;
}

Test(top_state, json_parser_refuses_what_is_not_json)
{
	cr_assert(json_valid("{\"a\":[1,-2.5,null,true,\"x\\u0001\"]}"));
	cr_assert(!json_valid("{\"a\":nan}"));
	cr_assert(!json_valid("{\"a\":1,}"));
	cr_assert(!json_valid("{\"a\":\"\x01\"}"));
	cr_assert(!json_valid("{\"a\":\"\\x\"}"));
	cr_assert(!json_valid("{\"a\":1"));
}

Test(top_state, nothing_heard_is_waiting)
{
	struct top_state s;
	struct top_buf b = { 0 };

	top_state_init(&s);
	cr_assert(!top_heard(&s));
	cr_assert(strstr(json_of(&s, 5 * S), "\"waiting\":true"));
	cr_assert(strstr(json_of(&s, 5 * S), "\"grandmaster\":null"));
	top_text(&s, 5 * S, "ipc:///x/sub.sock", &b);
	cr_assert(strstr(b.s, "waiting for the appliance"), "%s", b.s);
	top_buf_fini(&b);
}

Test(top_state, port_status_and_rates)
{
	struct top_state s;
	struct top_port *p;
	char *j;

	top_state_init(&s);
	cr_assert_eq(feed_status(&s, "eth1", PS_SLAVE, 100, 10, 10 * S,
				 10 * S), 0);
	cr_assert_eq(s.n_ports, 1);
	p = &s.ports[0];
	cr_assert_str_eq(p->iface, "eth1");
	cr_assert(!p->have_rate, "one sample gives no rate");
	/* 0.5 s later: too soon for a rate */
	feed_status(&s, "eth1", PS_SLAVE, 150, 15, 10 * S + S / 2,
		    10 * S + S / 2);
	cr_assert(!p->have_rate);
	/* the sender's time counts, not the (late) receive time */
	feed_status(&s, "eth1", PS_SLAVE, 300, 30, 12 * S, 15 * S);
	cr_assert(p->have_rate);
	cr_assert_float_eq(p->rx_rate, 100.0, 1e-9);
	cr_assert_float_eq(p->tx_rate, 10.0, 1e-9);
	/* counters going back: portd restarted, no rate until two more */
	feed_status(&s, "eth1", PS_LISTENING, 5, 1, 13 * S, 15 * S);
	cr_assert(!p->have_rate);
	feed_status(&s, "eth1", PS_LISTENING, 25, 3, 14 * S, 15 * S);
	cr_assert(p->have_rate);
	cr_assert_float_eq(p->rx_rate, 20.0, 1e-9);
	/* a sender time in the future is not believed: receive time used */
	feed_status(&s, "eth1", PS_LISTENING, 25, 3, 99 * S, 15 * S);
	cr_assert_eq(p->heard_ns, 15 * S);
	j = json_of(&s, 15 * S);
	cr_assert(strstr(j, "\"state\":\"LISTENING\""), "%s", j);
	cr_assert(strstr(j, "\"offset_ns\":null"), "no sample: null, %s", j);
	cr_assert(strstr(j, "\"parent\":null"), "%s", j);
	cr_assert(strstr(j, "\"stale\":false"), "%s", j);
	cr_assert(strstr(json_of(&s, 19 * S), "\"stale\":true"));
}

/* The hostile-traffic drop counters: every reason in the JSON, the sum
 * in the JSON and in the text table's DROPPED column. */
Test(top_state, drop_counters_json_and_text)
{
	struct ipc_port_status m;
	struct top_state s;
	struct top_buf b = { 0 };
	const char *row;
	size_t n;
	char *j;
	int i;

	top_state_init(&s);
	status(&m, "eth3", PS_MASTER, 10, 10);
	for (i = 0; i < IPC_DROP_COUNT; i++) {
		m.dropped[i] = 1000u << i;
	}
	m.bus_dropped = 3;
	n = pack(IPC_T_PORT_STATUS, &m, S);
	cr_assert_eq(top_feed(&s, "port/eth3/status/", mbuf, n, S), 0);
	j = json_of(&s, S);
	cr_assert(strstr(j, "\"bus_refused\":0,\"dropped\":127000,"
			 "\"dropped_by\":{\"rate_limit\":1000,"
			 "\"cpu_budget\":2000,\"auth\":4000,"
			 "\"not_acceptable\":8000,\"master_lock\":16000,"
			 "\"mgmt_limited\":32000,\"delay_rejected\":64000},"),
		  "%s", j);
	top_text(&s, S, "src", &b);
	cr_assert(strstr(b.s, " EVICT DROPPED BUSDROP "), "%s", b.s);
	row = strstr(b.s, "\neth3 ");
	cr_assert(row, "%s", b.s);
	cr_assert(strstr(row, " 0  127000       3 "), "%s", b.s);
	top_buf_fini(&b);
	/* a port that dropped nothing says so: every reason, 0 */
	status(&m, "eth4", PS_MASTER, 10, 10);
	n = pack(IPC_T_PORT_STATUS, &m, S);
	cr_assert_eq(top_feed(&s, "port/eth4/status/", mbuf, n, S), 0);
	j = json_of(&s, S);
	cr_assert(strstr(j, "\"dropped\":0,\"dropped_by\":{\"rate_limit\":0,"
			 "\"cpu_budget\":0,\"auth\":0,\"not_acceptable\":0,"
			 "\"master_lock\":0,\"mgmt_limited\":0,"
			 "\"delay_rejected\":0}"), "%s", j);
}

Test(top_state, clock_from_decision_and_servo)
{
	struct ipc_decision d = { .iface = "eth1", .epoch = 9,
				  .rec = BMCA_REC_S1 };
	struct ipc_servo sv = { .state = IPC_SERVO_HOLDOVER,
				.slave_iface = "", .freq_ppb = -1.5,
				.clock_class = 135, .holdover_ms = 4000 };
	struct top_state s;
	struct top_buf b = { 0 };
	size_t n;
	char *j;

	top_state_init(&s);
	clock_identity_parse(&d.parent.grandmasterIdentity, GM_ID);
	d.cur.stepsRemoved = 2;
	d.dflt.clockQuality.clockClass = 248;
	d.parent.grandmasterPriority1 = 10;
	n = pack(IPC_T_DECISION, &d, S);
	cr_assert_eq(top_feed(&s, "port/eth1/decision/", mbuf, n, S), 0);
	j = json_of(&s, S);
	cr_assert(strstr(j, "\"grandmaster\":\"" GM_ID "\""), "%s", j);
	cr_assert(strstr(j, "\"steps_removed\":2"), "%s", j);
	cr_assert(strstr(j, "\"decision\":\"S1\""), "%s", j);
	cr_assert(strstr(j, "\"clock_class\":248"), "decision's: %s", j);
	cr_assert(strstr(j, "\"servo_state\":null"), "%s", j);
	n = pack(IPC_T_SERVO, &sv, S);
	cr_assert_eq(top_feed(&s, "clock/servo/", mbuf, n, S), 0);
	j = json_of(&s, S);
	cr_assert(strstr(j, "\"servo_state\":\"HOLDOVER\""), "%s", j);
	cr_assert(strstr(j, "\"holdover\":true"), "%s", j);
	cr_assert(strstr(j, "\"clock_class\":135"), "servo's: %s", j);
	cr_assert(strstr(j, "\"freq_ppb\":-1.500"), "%s", j);
	/* a value that is not finite is null, never NaN */
	s.servo.freq_ppb = NAN;
	j = json_of(&s, S);
	cr_assert(strstr(j, "\"freq_ppb\":null"), "%s", j);
	top_text(&s, S, "src", &b);
	cr_assert(strstr(b.s, "grandmaster " GM_ID), "%s", b.s);
	cr_assert(strstr(b.s, "servo HOLDOVER"), "%s", b.s);
	cr_assert(strstr(b.s, "eth1"), "%s", b.s);
	top_buf_fini(&b);
}

Test(top_state, processes_alive_and_restarts)
{
	struct top_state s;
	struct top_proc *p;

	top_state_init(&s);
	feed_health(&s, "hb/bmcad/", "bmcad", 10, 0, 1 * S);
	feed_health(&s, "proc/bmcad/", "bmcad", 10, 3, 1 * S);
	feed_health(&s, "proc/clockd/", "clockd", 0, 5, 1 * S);
	feed_health(&s, "proc/portd/eth1/", "portd/eth1", 12, 1, 1 * S);
	cr_assert_eq(s.n_procs, 3);
	p = &s.procs[0];
	cr_assert_str_eq(p->name, "bmcad");
	cr_assert_eq(top_proc_restarts(p), 3, "the supervisor's count");
	cr_assert(top_proc_alive(p, 1 * S + TOP_ALIVE_NS));
	cr_assert(!top_proc_alive(p, 1 * S + TOP_ALIVE_NS + 1));
	/* the supervisor's word keeps bmcad's silence from looking alive */
	feed_health(&s, "proc/bmcad/", "bmcad", 10, 3, 5 * S);
	cr_assert(!top_proc_alive(p, 5 * S));
	cr_assert(!top_proc_alive(&s.procs[1], 1 * S), "pid 0: not running");
	cr_assert(top_proc_alive(&s.procs[2], 2 * S));
	cr_assert(strstr(json_of(&s, 5 * S), "\"restarts\":5"));
	/* a health message with another topic is refused */
	cr_assert_eq(feed_health(&s, "port/x/status/", "x", 1, 0, S),
		     TOP_BAD_TOPIC);
	cr_assert_eq(s.n_procs, 3);
}

Test(top_state, garbage_counted_by_reason)
{
	struct ipc_port_status m;
	struct top_state s;
	size_t n;
	char *j;

	top_state_init(&s);
	cr_assert_eq(top_feed(&s, "t/", (const uint8_t *)"ab", 2, S),
		     IPC_E_SHORT);
	memset(mbuf, 0x5a, 64);
	cr_assert_eq(top_feed(&s, "t/", mbuf, 64, S), IPC_E_MAGIC);
	status(&m, "eth1", PS_MASTER, 0, 0);
	n = pack(IPC_T_PORT_STATUS, &m, S);
	cr_assert_eq(top_feed(&s, "port/eth1/status/", mbuf, n - 1, S),
		     IPC_E_LENGTH);
	cr_assert_eq(top_feed(&s, "port/eth2/status/", mbuf, n, S),
		     TOP_BAD_TOPIC);
	cr_assert_eq(top_feed(&s, "port/eth1/decision/", mbuf, n, S),
		     TOP_BAD_TOPIC, "a status is not a decision");
	top_count_bad(&s, -EPROTO);	/* anything else: frames */
	top_count_bad(&s, TOP_BAD_FRAMES);
	cr_assert_eq(s.bad, 7);
	cr_assert_eq(s.bad_by[TOP_BAD_FRAMES], 2);
	cr_assert_eq(s.bad_by[TOP_BAD_TOPIC], 2);
	cr_assert_eq(s.n_ports, 0, "nothing refused made a port");
	j = json_of(&s, S);
	cr_assert(strstr(j, "\"garbage\":7"), "%s", j);
	cr_assert(strstr(j, "\"garbage_by\":{\"short\":1,\"magic\":1,"
			 "\"length\":1,\"frames\":2,\"topic\":2}"), "%s", j);
}

Test(top_state, random_input_never_crashes)
{
	static struct top_state s;
	struct ipc_port_status m;
	char topic[IPC_TOPIC_MAX];
	uint8_t buf[IPC_MSG_MAX];
	size_t n, len;
	int i, k;

	top_state_init(&s);
	status(&m, "eth1", PS_SLAVE, 1, 1);
	n = pack(IPC_T_PORT_STATUS, &m, S);
	srand(1);
	for (i = 0; i < 20000; i++) {
		/* a valid message with a few octets flipped, or noise */
		memcpy(buf, mbuf, n);
		len = i % 2 ? n : (size_t)(rand() % (int)sizeof(buf));
		for (k = 0; k < 1 + i % 4; k++) {
			buf[rand() % (int)(len ? len : 1)] = (uint8_t)rand();
		}
		snprintf(topic, sizeof(topic), "port/%s/status/",
			 i % 3 ? "eth1" : "eth\x7f");
		top_feed(&s, topic, buf, len, S + i);
	}
	cr_assert_eq(s.messages, 20000);
	cr_assert_eq(s.messages, s.decoded + s.ignored + s.bad);
	json_of(&s, 2 * S);
}

Test(top_state, tables_are_bounded)
{
	static struct top_state s;
	char name[16];
	int i;

	top_state_init(&s);
	for (i = 0; i < TOP_PORTS_MAX + 5; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		cr_assert_eq(feed_status(&s, name, PS_MASTER, 0, 0, S, S), 0);
	}
	cr_assert_eq(s.n_ports, TOP_PORTS_MAX);
	cr_assert_eq(s.table_full, 5);
	json_of(&s, S);
}

Test(top_state, json_strings_are_escaped)
{
	struct top_buf b = { 0 };

	top_buf_json_str(&b, "a\"b\\c\n\x01\xc3");
	cr_assert_str_eq(b.s, "\"a\\\"b\\\\c\\u000a\\u0001\\u00c3\"");
	cr_assert(json_valid(b.s));
	top_buf_fini(&b);
}
