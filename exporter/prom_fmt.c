// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prom_fmt.c - a ptp-top snapshot as Prometheus metrics (the text
 * exposition format 0.0.4). Pure, like tools/top_fmt.c.
 *
 * Conventions (https://prometheus.io/docs/practices/naming/):
 *   - base units: seconds (offsets, delays, ages, holdover, uptime) and
 *     ratios (frequency: the bus carries ppb, exported as ppb * 1e-9, as
 *     node_exporter's node_timex_frequency_adjustment_ratio does);
 *   - counters end in _total; every family has # HELP and # TYPE, and its
 *     samples follow at once, in one group;
 *   - enums are state sets: one sample per possible state, labelled
 *     state="...", 1 for the current one and 0 for the others, so that
 *     `meridian_port_state{state="SLAVE"} == 1` is a plain query and no
 *     numeric code has to be looked up;
 *   - identities are labels of _info gauges whose value is always 1;
 *   - a value not known (no master measured yet, nothing heard from
 *     clockd) is left out rather than exported as NaN or 0.
 * Nanoseconds become seconds by decimal formatting, not through a double,
 * so an offset of -1234 ns is exactly -0.000001234.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ds.h"
#include "prom_fmt.h"

#define PROM_VAL_MAX	48

void prom_label_value(struct top_buf *b, const char *s)
{
	const unsigned char *p;

	top_buf_printf(b, "\"");
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			top_buf_printf(b, "\\%c", *p);
		} else if (*p == '\n') {
			top_buf_printf(b, "\\n");
		} else if (*p < 0x20 || *p >= 0x7f) {
			top_buf_printf(b, "\xef\xbf\xbd");	/* U+FFFD */
		} else {
			top_buf_printf(b, "%c", *p);
		}
	}
	top_buf_printf(b, "\"");
}

/* "# HELP" and "# TYPE" (help text has no \ or newline: none to escape) */
static void family(struct top_buf *b, const char *name, const char *type,
		   const char *help)
{
	top_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		       type);
}

/*
 * One sample: name, its value (already formatted), then label name and
 * value pairs, NULL-terminated.
 */
static void sample(struct top_buf *b, const char *name, const char *val, ...)
{
	const char *k, *v;
	bool first = true;
	va_list ap;

	top_buf_printf(b, "%s", name);
	va_start(ap, val);
	while ((k = va_arg(ap, const char *))) {
		v = va_arg(ap, const char *);
		top_buf_printf(b, "%s%s=", first ? "{" : ",", k);
		prom_label_value(b, v);
		first = false;
	}
	va_end(ap);
	top_buf_printf(b, "%s %s\n", first ? "" : "}", val);
}

static const char *fmt_u64(char v[PROM_VAL_MAX], uint64_t u)
{
	snprintf(v, PROM_VAL_MAX, "%" PRIu64, u);
	return v;
}

/* mag / 10^digits, exactly, with trailing zeros of the fraction cut */
static const char *fmt_fixed(char v[PROM_VAL_MAX], bool neg, uint64_t mag,
			     int digits)
{
	uint64_t div = 1;
	size_t n;
	int i;

	for (i = 0; i < digits; i++) {
		div *= 10;
	}
	snprintf(v, PROM_VAL_MAX, "%s%" PRIu64 ".%0*" PRIu64,
		 neg && mag ? "-" : "", mag / div, digits, mag % div);
	n = strlen(v);
	while (n && v[n - 1] == '0') {
		v[--n] = '\0';
	}
	if (n && v[n - 1] == '.') {
		v[--n] = '\0';
	}
	return v;
}

static const char *fmt_ns_s(char v[PROM_VAL_MAX], int64_t ns)
{
	return fmt_fixed(v, ns < 0, ns < 0 ? -(uint64_t)ns : (uint64_t)ns,
			 9);
}

static const char *fmt_ms_s(char v[PROM_VAL_MAX], uint64_t ms)
{
	return fmt_fixed(v, false, ms, 3);
}

/* parts per billion as a ratio; NULL when not finite (left out) */
static const char *fmt_ppb_ratio(char v[PROM_VAL_MAX], double ppb)
{
	if (!isfinite(ppb)) {
		return NULL;
	}
	snprintf(v, PROM_VAL_MAX, "%.12g", ppb * 1e-9);
	return v;
}

static const char *fmt_bool(bool on)
{
	return on ? "1" : "0";
}

static int64_t age_ns(int64_t now, int64_t then)
{
	return now > then ? now - then : 0;
}

/* ---- the bus, as the exporter hears it ------------------------------ */

static void expose_bus(const struct top_state *s, int64_t now,
		       struct top_buf *b)
{
	char v[PROM_VAL_MAX];
	int i;

	family(b, "meridian_bus_heard", "gauge",
	       "1 once the exporter has heard any message on the appliance's "
	       "bus, 0 before");
	sample(b, "meridian_bus_heard", fmt_bool(top_heard(s)), NULL);
	family(b, "meridian_bus_messages_total", "counter",
	       "Bus messages the exporter received");
	sample(b, "meridian_bus_messages_total", fmt_u64(v, s->messages),
	       NULL);
	family(b, "meridian_bus_garbage_total", "counter",
	       "Bus messages the exporter refused, by reason (the codec's "
	       "refusals, wrong frames, topic and content disagreeing)");
	for (i = 1; i < TOP_BAD_COUNT; i++) {
		sample(b, "meridian_bus_garbage_total",
		       fmt_u64(v, s->bad_by[i]), "reason", top_bad_str(i),
		       NULL);
	}
	family(b, "meridian_bus_last_message_age_seconds", "gauge",
	       "Time since the last bus message the exporter received");
	if (top_heard(s)) {
		sample(b, "meridian_bus_last_message_age_seconds",
		       fmt_ns_s(v, age_ns(now, s->last_ns)), NULL);
	}
}

/* ---- the clock: bmcad's data sets and clockd's servo ---------------- */

static void expose_clock_ds(const struct top_state *s, struct top_buf *b)
{
	const struct ipc_decision *d = &s->dec;
	char id[26], gm[26], par[26], v[PROM_VAL_MAX];
	bool have = s->have_decision;

	if (have) {
		clock_identity_str(&d->dflt.clockIdentity, id);
		clock_identity_str(&d->parent.grandmasterIdentity, gm);
		port_identity_str(&d->parent.parentPortIdentity, par);
	}
	family(b, "meridian_clock_info", "gauge",
	       "The boundary clock's own clockIdentity (label), value 1");
	if (have) {
		sample(b, "meridian_clock_info", "1", "clock_identity", id,
		       NULL);
	}
	family(b, "meridian_clock_grandmaster_info", "gauge",
	       "The grandmaster's clockIdentity and the parent port "
	       "identity the clock follows (labels, from bmcad's newest "
	       "decision), value 1");
	if (have) {
		sample(b, "meridian_clock_grandmaster_info", "1",
		       "grandmaster_identity", gm, "parent_port_identity", par,
		       NULL);
	}
	family(b, "meridian_clock_steps_removed", "gauge",
	       "stepsRemoved of the current data set: boundary clocks "
	       "between the grandmaster and this one, 0 when it is the "
	       "grandmaster");
	if (have) {
		sample(b, "meridian_clock_steps_removed",
		       fmt_u64(v, d->cur.stepsRemoved), NULL);
	}
	family(b, "meridian_clock_grandmaster_priority1", "gauge",
	       "The grandmaster's priority1");
	if (have) {
		sample(b, "meridian_clock_grandmaster_priority1",
		       fmt_u64(v, d->parent.grandmasterPriority1), NULL);
	}
	family(b, "meridian_clock_grandmaster_clock_class", "gauge",
	       "The grandmaster's clockClass");
	if (have) {
		sample(b, "meridian_clock_grandmaster_clock_class",
		       fmt_u64(v, d->parent.grandmasterClockQuality.
			       clockClass), NULL);
	}
}

static void expose_phcs(const struct ipc_servo *sv, struct top_buf *b)
{
	static const char *const fams[][3] = {
		{ "meridian_phc_frequency_adjustment_ratio", "gauge",
		  "Frequency adjustment applied to the clock of a port "
		  "(ratio: 1e-9 is 1 ppb)" },
		{ "meridian_phc_offset_seconds", "gauge",
		  "Last offset of the clock of a port to the reference "
		  "clock (the slave port's)" },
		{ "meridian_phc_locked", "gauge",
		  "1 while the clock of a port is locked to the reference "
		  "clock" },
		{ "meridian_phc_reference", "gauge",
		  "1 for the reference clock (the slave port's), 0 for the "
		  "others" },
	};
	const struct ipc_clock_status *c;
	char v[PROM_VAL_MAX];
	const char *val;
	unsigned f, i, n;

	n = sv ? sv->n_clocks : 0;
	if (n > IPC_CLOCKS_MAX) {
		n = IPC_CLOCKS_MAX;
	}
	for (f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		family(b, fams[f][0], fams[f][1], fams[f][2]);
		for (i = 0; i < n; i++) {
			c = &sv->clocks[i];
			switch (f) {
			case 0:
				val = fmt_ppb_ratio(v, c->freq_ppb);
				break;
			case 1:
				val = fmt_ns_s(v, c->offset_ns);
				break;
			case 2:
				val = fmt_bool(c->locked);
				break;
			default:
				val = fmt_bool(c->is_reference);
				break;
			}
			if (val) {
				sample(b, fams[f][0], val, "interface",
				       c->iface, "clock", c->clock, NULL);
			}
		}
	}
}

static void expose_servo(const struct top_state *s, int64_t now,
			 struct top_buf *b)
{
	const struct ipc_servo *sv = s->have_servo ? &s->servo : NULL;
	char v[PROM_VAL_MAX];
	const char *val;
	int i;

	family(b, "meridian_clock_class", "gauge",
	       "The clockClass the boundary clock announces (holdover "
	       "degrades it)");
	if (sv) {
		sample(b, "meridian_clock_class", fmt_u64(v, sv->clock_class),
		       NULL);
	} else if (s->have_decision) {
		sample(b, "meridian_clock_class",
		       fmt_u64(v, s->dec.dflt.clockQuality.clockClass), NULL);
	}
	family(b, "meridian_clock_servo_state", "gauge",
	       "The servo's state as a state set: 1 for the current state, "
	       "0 for the others (FREE_RUNNING, UNLOCKED, JUMP, LOCKED, "
	       "LOCKED_STABLE, HOLDOVER, FAULT)");
	for (i = 0; sv && i < IPC_SERVO_STATE_COUNT; i++) {
		sample(b, "meridian_clock_servo_state",
		       fmt_bool(sv->state == i), "state",
		       ipc_servo_state_str(i), NULL);
	}
	family(b, "meridian_clock_frequency_adjustment_ratio", "gauge",
	       "Frequency adjustment of the reference clock (ratio: 1e-9 "
	       "is 1 ppb)");
	val = sv ? fmt_ppb_ratio(v, sv->freq_ppb) : NULL;
	if (val) {
		sample(b, "meridian_clock_frequency_adjustment_ratio", val,
		       NULL);
	}
	family(b, "meridian_clock_offset_seconds", "gauge",
	       "The servo's last offsetFromMaster");
	if (sv) {
		sample(b, "meridian_clock_offset_seconds",
		       fmt_ns_s(v, sv->offset_ns), NULL);
	}
	family(b, "meridian_clock_time_steps_total", "counter",
	       "Times the servo stepped the clock");
	if (sv) {
		sample(b, "meridian_clock_time_steps_total",
		       fmt_u64(v, sv->steps), NULL);
	}
	family(b, "meridian_clock_holdover", "gauge",
	       "1 while the clock is in holdover (was locked, no slave "
	       "port now)");
	if (sv) {
		sample(b, "meridian_clock_holdover",
		       fmt_bool(sv->state == IPC_SERVO_HOLDOVER), NULL);
	}
	family(b, "meridian_clock_holdover_seconds", "gauge",
	       "Time in holdover, 0 when not in holdover");
	if (sv) {
		sample(b, "meridian_clock_holdover_seconds",
		       fmt_ms_s(v, sv->holdover_ms), NULL);
	}
	family(b, "meridian_clock_servo_last_report_age_seconds", "gauge",
	       "Time since clockd's last servo report (once a second; "
	       "stale past 3 s)");
	if (sv) {
		sample(b, "meridian_clock_servo_last_report_age_seconds",
		       fmt_ns_s(v, age_ns(now, s->servo_ns)), NULL);
	}
	expose_phcs(sv, b);
}

/* ---- ports ------------------------------------------------------------ */

/* A port's counters: every one a _total, an offset in the status. */
static const struct {
	const char *name;
	const char *help;
	size_t off;
} port_counters[] = {
	{ "meridian_port_messages_received_total",
	  "PTP messages received on the port",
	  offsetof(struct ipc_port_status, rx) },
	{ "meridian_port_messages_sent_total",
	  "PTP messages sent on the port",
	  offsetof(struct ipc_port_status, tx) },
	{ "meridian_port_receive_errors_total",
	  "PTP messages the port's decoder refused",
	  offsetof(struct ipc_port_status, rx_err) },
	{ "meridian_port_unexpected_messages_total",
	  "PTP messages valid but unexpected in the port's state",
	  offsetof(struct ipc_port_status, rx_unexpected) },
	{ "meridian_port_announce_receipt_timeouts_total",
	  "Announce receipt timeouts of the port",
	  offsetof(struct ipc_port_status, announce_timeouts) },
	{ "meridian_port_foreign_master_evictions_total",
	  "Foreign masters evicted from the port's full table",
	  offsetof(struct ipc_port_status, fmt_evictions) },
	{ "meridian_port_bus_dropped_total",
	  "Bus messages the port dropped (its queue full)",
	  offsetof(struct ipc_port_status, bus_dropped) },
	{ "meridian_port_bus_refused_total",
	  "Bus messages the port refused (did not decode)",
	  offsetof(struct ipc_port_status, bus_refused) },
};

#define N_PORT_COUNTERS	(sizeof(port_counters) / sizeof(port_counters[0]))

static void port_num(const struct top_port *p, char pn[8])
{
	snprintf(pn, 8, "%u", (unsigned)p->st.ds.portIdentity.portNumber);
}

static bool pid_zero(const struct port_identity *pid)
{
	static const struct port_identity zero;

	return !memcmp(&pid->clockIdentity, &zero.clockIdentity,
		       sizeof(zero.clockIdentity)) && !pid->portNumber;
}

static void expose_ports(const struct top_state *s, int64_t now,
			 struct top_buf *b)
{
	const struct top_port *p;
	char pn[8], id[26], v[PROM_VAL_MAX];
	const uint64_t *ctr;
	unsigned i, c;
	int st;

	/* Only ports whose status was heard: a port number is needed for
	 * the port label (bmcad's decision alone does not carry it). */
	family(b, "meridian_port_info", "gauge",
	       "A port's portIdentity and delay mechanism (labels), value 1");
	for (i = 0; i < s->n_ports; i++) {
		p = &s->ports[i];
		if (p->have_status) {
			port_num(p, pn);
			port_identity_str(&p->st.ds.portIdentity, id);
			sample(b, "meridian_port_info", "1", "port", pn,
			       "interface", p->iface, "port_identity", id,
			       "delay_mechanism",
			       delay_mechanism_str(p->st.ds.delayMechanism),
			       NULL);
		}
	}
	family(b, "meridian_port_state", "gauge",
	       "The port's state as a state set: 1 for the current state, 0 "
	       "for the others (INITIALIZING, FAULTY, DISABLED, LISTENING, "
	       "PRE_MASTER, MASTER, PASSIVE, UNCALIBRATED, SLAVE)");
	for (i = 0; i < s->n_ports; i++) {
		p = &s->ports[i];
		if (!p->have_status) {
			continue;
		}
		port_num(p, pn);
		for (st = PS_INITIALIZING; st <= PS_SLAVE; st++) {
			sample(b, "meridian_port_state",
			       fmt_bool(p->st.ds.portState == st), "port", pn,
			       "interface", p->iface, "state",
			       port_state_str(st), NULL);
		}
	}
	family(b, "meridian_port_parent_info", "gauge",
	       "The master port the port hears (label), value 1; absent "
	       "while it hears none");
	for (i = 0; i < s->n_ports; i++) {
		p = &s->ports[i];
		if (p->have_status && !pid_zero(&p->st.parent)) {
			port_num(p, pn);
			port_identity_str(&p->st.parent, id);
			sample(b, "meridian_port_parent_info", "1", "port", pn,
			       "interface", p->iface, "parent_port_identity",
			       id, NULL);
		}
	}
	family(b, "meridian_port_offset_seconds", "gauge",
	       "offsetFromMaster the port measured last; absent while it "
	       "measures no master");
	for (i = 0; i < s->n_ports; i++) {
		p = &s->ports[i];
		if (p->have_status && p->st.have_sample) {
			port_num(p, pn);
			sample(b, "meridian_port_offset_seconds",
			       fmt_ns_s(v, p->st.offset_ns), "port", pn,
			       "interface", p->iface, NULL);
		}
	}
	family(b, "meridian_port_mean_path_delay_seconds", "gauge",
	       "meanPathDelay the port measured last; absent while it "
	       "measures no master");
	for (i = 0; i < s->n_ports; i++) {
		p = &s->ports[i];
		if (p->have_status && p->st.have_sample) {
			port_num(p, pn);
			sample(b, "meridian_port_mean_path_delay_seconds",
			       fmt_ns_s(v, p->st.delay_ns), "port", pn,
			       "interface", p->iface, NULL);
		}
	}
	for (c = 0; c < N_PORT_COUNTERS; c++) {
		family(b, port_counters[c].name, "counter",
		       port_counters[c].help);
		for (i = 0; i < s->n_ports; i++) {
			p = &s->ports[i];
			if (!p->have_status) {
				continue;
			}
			port_num(p, pn);
			ctr = (const uint64_t *)((const char *)&p->st +
						 port_counters[c].off);
			sample(b, port_counters[c].name, fmt_u64(v, *ctr),
			       "port", pn, "interface", p->iface, NULL);
		}
	}
	family(b, "meridian_port_dropped_total", "counter",
	       "Messages the port dropped on purpose because the network is "
	       "hostile or broken, by reason: rate_limit (rx_budget_pps, "
	       "rx_budget_pps_per_source), cpu_budget (rx_cpu_budget), auth "
	       "(failed authentication), not_acceptable (Announce of a "
	       "sender not in acceptable_masters), master_lock (Announce "
	       "refused by master_lock), mgmt_limited (management request "
	       "unanswered: answer budget spent), delay_rejected (path "
	       "delay rejected)");
	for (i = 0; i < s->n_ports; i++) {
		p = &s->ports[i];
		if (!p->have_status) {
			continue;
		}
		port_num(p, pn);
		for (c = 0; c < IPC_DROP_COUNT; c++) {
			sample(b, "meridian_port_dropped_total",
			       fmt_u64(v, p->st.dropped[c]), "port", pn,
			       "interface", p->iface, "reason",
			       ipc_drop_str((int)c), NULL);
		}
	}
	family(b, "meridian_port_last_report_age_seconds", "gauge",
	       "Time since the port's last status report (once a second; "
	       "stale past 3 s)");
	for (i = 0; i < s->n_ports; i++) {
		p = &s->ports[i];
		if (p->have_status) {
			port_num(p, pn);
			sample(b, "meridian_port_last_report_age_seconds",
			       fmt_ns_s(v, age_ns(now, p->heard_ns)), "port",
			       pn, "interface", p->iface, NULL);
		}
	}
}

/* ---- processes -------------------------------------------------------- */

static const struct ipc_health *proc_health(const struct top_proc *p)
{
	return p->have_hb ? &p->hb : &p->sup;
}

static void expose_procs(const struct top_state *s, int64_t now,
			 struct top_buf *b)
{
	const struct top_proc *p;
	char v[PROM_VAL_MAX];
	unsigned i;
	int st;

	family(b, "meridian_process_up", "gauge",
	       "1 while the process is alive (its heartbeat, or the "
	       "supervisor's report of a running pid, heard within 3 s)");
	for (i = 0; i < s->n_procs; i++) {
		p = &s->procs[i];
		sample(b, "meridian_process_up",
		       fmt_bool(top_proc_alive(p, now)), "process", p->name,
		       NULL);
	}
	family(b, "meridian_process_restarts_total", "counter",
	       "Times the supervisor restarted the process (the "
	       "supervisor's count: it starts again at 0 when the "
	       "supervisor itself starts)");
	for (i = 0; i < s->n_procs; i++) {
		p = &s->procs[i];
		sample(b, "meridian_process_restarts_total",
		       fmt_u64(v, top_proc_restarts(p)), "process", p->name,
		       NULL);
	}
	family(b, "meridian_process_uptime_seconds", "gauge",
	       "Time since the process started, as it last reported");
	for (i = 0; i < s->n_procs; i++) {
		p = &s->procs[i];
		sample(b, "meridian_process_uptime_seconds",
		       fmt_ms_s(v, proc_health(p)->uptime_ms), "process",
		       p->name, NULL);
	}
	family(b, "meridian_process_state", "gauge",
	       "The process's state as a state set: 1 for the current "
	       "state, 0 for the others (STARTING, RUNNING, STOPPING, "
	       "BACKOFF, FAILED)");
	for (i = 0; i < s->n_procs; i++) {
		p = &s->procs[i];
		for (st = 0; st < IPC_HEALTH_STATE_COUNT; st++) {
			sample(b, "meridian_process_state",
			       fmt_bool(proc_health(p)->state == st),
			       "process", p->name, "state",
			       ipc_health_state_str(st), NULL);
		}
	}
}

void prom_expose(const struct top_state *s, int64_t now, struct top_buf *b)
{
	expose_bus(s, now, b);
	expose_clock_ds(s, b);
	expose_servo(s, now, b);
	expose_ports(s, now, b);
	expose_procs(s, now, b);
}
