// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top_fmt.c - ptp-top's snapshot as JSON (one object, one line) and as a
 * text table (the curses view and --once). Pure, like top_state.c.
 *
 * JSON is valid by construction: strings go through top_buf_json_str(),
 * numbers are integers or finite doubles (a value ptp-top does not have
 * is null, never NaN or a made-up zero).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bmca.h"
#include "top_state.h"

/* A port identity, or NULL when it is all zero (no parent heard). */
static const char *pid_str(const struct port_identity *pid, char buf[26])
{
	static const struct port_identity zero;

	if (!memcmp(&pid->clockIdentity, &zero.clockIdentity,
		    sizeof(zero.clockIdentity)) && !pid->portNumber) {
		return NULL;
	}
	port_identity_str(pid, buf);
	return buf;
}

static int64_t age_ms(int64_t now, int64_t then)
{
	return now > then ? (now - then) / 1000000 : 0;
}

/* ---- JSON ----------------------------------------------------------- */

static void j_key(struct top_buf *b, bool *first, const char *key)
{
	top_buf_printf(b, "%s\"%s\":", *first ? "" : ",", key);
	*first = false;
}

static void j_str(struct top_buf *b, bool *first, const char *key,
		  const char *v)
{
	j_key(b, first, key);
	if (v) {
		top_buf_json_str(b, v);
	} else {
		top_buf_printf(b, "null");
	}
}

static void j_int(struct top_buf *b, bool *first, const char *key,
		  int64_t v)
{
	j_key(b, first, key);
	top_buf_printf(b, "%" PRId64, v);
}

static void j_uint(struct top_buf *b, bool *first, const char *key,
		   uint64_t v)
{
	j_key(b, first, key);
	top_buf_printf(b, "%" PRIu64, v);
}

static void j_dbl(struct top_buf *b, bool *first, const char *key,
		  bool have, double v)
{
	j_key(b, first, key);
	if (have && isfinite(v)) {
		top_buf_printf(b, "%.3f", v);
	} else {
		top_buf_printf(b, "null");
	}
}

static void j_bool(struct top_buf *b, bool *first, const char *key, bool v)
{
	j_key(b, first, key);
	top_buf_printf(b, v ? "true" : "false");
}

static void j_null(struct top_buf *b, bool *first, const char *key)
{
	j_key(b, first, key);
	top_buf_printf(b, "null");
}

static void json_bus(const struct top_state *s, struct top_buf *b)
{
	bool f = true, g = true;
	int i;

	top_buf_printf(b, "{");
	j_uint(b, &f, "messages", s->messages);
	j_uint(b, &f, "decoded", s->decoded);
	j_uint(b, &f, "ignored", s->ignored);
	j_uint(b, &f, "garbage", s->bad);
	j_key(b, &f, "garbage_by");
	top_buf_printf(b, "{");
	for (i = 1; i < TOP_BAD_COUNT; i++) {
		if (s->bad_by[i]) {
			j_uint(b, &g, top_bad_str(i), s->bad_by[i]);
		}
	}
	top_buf_printf(b, "}");
	j_uint(b, &f, "table_full", s->table_full);
	top_buf_printf(b, "}");
}

static void json_clock(const struct top_state *s, int64_t now,
		       struct top_buf *b)
{
	const struct ipc_servo *sv = &s->servo;
	char id[26];
	bool f = true, g;
	unsigned i;

	top_buf_printf(b, "{");
	if (s->have_decision) {
		clock_identity_str(&s->dec.dflt.clockIdentity, id);
		j_str(b, &f, "clock_identity", id);
		clock_identity_str(&s->dec.parent.grandmasterIdentity, id);
		j_str(b, &f, "grandmaster", id);
		j_uint(b, &f, "grandmaster_priority1",
		       s->dec.parent.grandmasterPriority1);
		j_uint(b, &f, "grandmaster_class",
		       s->dec.parent.grandmasterClockQuality.clockClass);
		j_uint(b, &f, "steps_removed", s->dec.cur.stepsRemoved);
		port_identity_str(&s->dec.parent.parentPortIdentity, id);
		j_str(b, &f, "parent", id);
		j_uint(b, &f, "epoch", s->dec.epoch);
	} else {
		j_null(b, &f, "clock_identity");
		j_null(b, &f, "grandmaster");
		j_null(b, &f, "grandmaster_priority1");
		j_null(b, &f, "grandmaster_class");
		j_null(b, &f, "steps_removed");
		j_null(b, &f, "parent");
		j_null(b, &f, "epoch");
	}
	if (!s->have_servo) {
		if (s->have_decision) {
			j_uint(b, &f, "clock_class",
			       s->dec.dflt.clockQuality.clockClass);
		} else {
			j_null(b, &f, "clock_class");
		}
		j_null(b, &f, "servo_state");
		j_null(b, &f, "slave_iface");
		j_null(b, &f, "freq_ppb");
		j_null(b, &f, "offset_ns");
		j_null(b, &f, "clock_steps");
		j_null(b, &f, "holdover");
		j_null(b, &f, "holdover_ms");
		j_null(b, &f, "servo_age_ms");
		j_bool(b, &f, "stale", true);
		top_buf_printf(b, ",\"clocks\":[]}");
		return;
	}
	j_uint(b, &f, "clock_class", sv->clock_class);
	j_str(b, &f, "servo_state", ipc_servo_state_str(sv->state));
	j_str(b, &f, "slave_iface", sv->slave_iface);
	j_dbl(b, &f, "freq_ppb", true, sv->freq_ppb);
	j_int(b, &f, "offset_ns", sv->offset_ns);
	j_uint(b, &f, "clock_steps", sv->steps);
	j_bool(b, &f, "holdover", sv->state == IPC_SERVO_HOLDOVER);
	j_uint(b, &f, "holdover_ms", sv->holdover_ms);
	j_int(b, &f, "servo_age_ms", age_ms(now, s->servo_ns));
	j_bool(b, &f, "stale", now - s->servo_ns > TOP_STALE_NS);
	j_key(b, &f, "clocks");
	top_buf_printf(b, "[");
	for (i = 0; i < sv->n_clocks && i < IPC_CLOCKS_MAX; i++) {
		const struct ipc_clock_status *c = &sv->clocks[i];

		g = true;
		top_buf_printf(b, "%s{", i ? "," : "");
		j_str(b, &g, "iface", c->iface);
		j_str(b, &g, "clock", c->clock);
		j_bool(b, &g, "reference", c->is_reference);
		j_bool(b, &g, "locked", c->locked);
		j_dbl(b, &g, "freq_ppb", true, c->freq_ppb);
		j_int(b, &g, "offset_ns", c->offset_ns);
		top_buf_printf(b, "}");
	}
	top_buf_printf(b, "]}");
}

/* What the port dropped on purpose (issue 9), over every reason. */
static uint64_t dropped_sum(const struct ipc_port_status *st)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < IPC_DROP_COUNT; i++) {
		n += st->dropped[i];
	}
	return n;
}

static void json_port(const struct top_port *p, int64_t now,
		      struct top_buf *b)
{
	const struct ipc_port_status *st = &p->st;
	char id[26];
	bool f = true, g = true;
	int i;

	top_buf_printf(b, "{");
	j_str(b, &f, "iface", p->iface);
	if (p->have_status) {
		j_str(b, &f, "state", port_state_str(st->ds.portState));
		port_identity_str(&st->ds.portIdentity, id);
		j_str(b, &f, "port_identity", id);
		j_str(b, &f, "parent", pid_str(&st->parent, id));
		j_str(b, &f, "delay_mechanism",
		      delay_mechanism_str(st->ds.delayMechanism));
	} else {
		j_null(b, &f, "state");
		j_null(b, &f, "port_identity");
		j_null(b, &f, "parent");
		j_null(b, &f, "delay_mechanism");
	}
	if (p->have_decision) {
		j_str(b, &f, "decision",
		      bmca_rec_str((enum bmca_rec)p->rec));
		j_uint(b, &f, "epoch", p->epoch);
	} else {
		j_null(b, &f, "decision");
		j_null(b, &f, "epoch");
	}
	if (p->have_status && st->have_sample) {
		j_int(b, &f, "offset_ns", st->offset_ns);
		j_int(b, &f, "delay_ns", st->delay_ns);
	} else {
		j_null(b, &f, "offset_ns");
		j_null(b, &f, "delay_ns");
	}
	j_dbl(b, &f, "rx_rate", p->have_rate, p->rx_rate);
	j_dbl(b, &f, "tx_rate", p->have_rate, p->tx_rate);
	j_uint(b, &f, "rx", st->rx);
	j_uint(b, &f, "tx", st->tx);
	j_uint(b, &f, "rx_err", st->rx_err);
	j_uint(b, &f, "rx_unexpected", st->rx_unexpected);
	j_uint(b, &f, "announce_timeouts", st->announce_timeouts);
	j_uint(b, &f, "fmt_evictions", st->fmt_evictions);
	j_uint(b, &f, "bus_dropped", st->bus_dropped);
	j_uint(b, &f, "bus_refused", st->bus_refused);
	j_uint(b, &f, "dropped", dropped_sum(st));
	j_key(b, &f, "dropped_by");
	top_buf_printf(b, "{");
	for (i = 0; i < IPC_DROP_COUNT; i++) {
		j_uint(b, &g, ipc_drop_str(i), st->dropped[i]);
	}
	top_buf_printf(b, "}");
	if (p->have_status) {
		j_int(b, &f, "age_ms", age_ms(now, p->heard_ns));
	} else {
		j_null(b, &f, "age_ms");
	}
	j_bool(b, &f, "stale", top_port_stale(p, now));
	top_buf_printf(b, "}");
}

static void json_proc(const struct top_proc *p, int64_t now,
		      struct top_buf *b)
{
	const struct ipc_health *h = p->have_hb ? &p->hb : &p->sup;
	int64_t heard = p->have_hb ? p->hb_ns : p->sup_ns;
	bool f = true;

	if (p->have_hb && p->have_sup && p->sup_ns > p->hb_ns) {
		heard = p->sup_ns;
	}
	top_buf_printf(b, "{");
	j_str(b, &f, "name", p->name);
	j_uint(b, &f, "pid", h->pid);
	j_str(b, &f, "state", ipc_health_state_str(h->state));
	j_bool(b, &f, "alive", top_proc_alive(p, now));
	j_uint(b, &f, "restarts", top_proc_restarts(p));
	j_uint(b, &f, "uptime_ms", h->uptime_ms);
	j_int(b, &f, "age_ms", age_ms(now, heard));
	j_bool(b, &f, "heartbeat", p->have_hb);
	j_bool(b, &f, "supervised", p->have_sup);
	top_buf_printf(b, "}");
}

void top_json(const struct top_state *s, int64_t now, double wall_s,
	      struct top_buf *b)
{
	bool f = true;
	unsigned i;

	top_buf_printf(b, "{");
	j_dbl(b, &f, "time", true, wall_s);
	j_bool(b, &f, "waiting", !top_heard(s));
	j_key(b, &f, "bus");
	json_bus(s, b);
	j_key(b, &f, "clock");
	json_clock(s, now, b);
	j_key(b, &f, "ports");
	top_buf_printf(b, "[");
	for (i = 0; i < s->n_ports; i++) {
		top_buf_printf(b, "%s", i ? "," : "");
		json_port(&s->ports[i], now, b);
	}
	top_buf_printf(b, "]");
	j_key(b, &f, "processes");
	top_buf_printf(b, "[");
	for (i = 0; i < s->n_procs; i++) {
		top_buf_printf(b, "%s", i ? "," : "");
		json_proc(&s->procs[i], now, b);
	}
	top_buf_printf(b, "]}");
}

/* ---- text ----------------------------------------------------------- */

static void fmt_dur(char *buf, size_t len, uint64_t ms)
{
	uint64_t s = ms / 1000;

	if (s < 60) {
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "s", s,
			 ms % 1000 / 100);
	} else if (s < 3600) {
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60,
			 s % 60);
	} else if (s < 86400) {
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", s / 3600,
			 s % 3600 / 60);
	} else {
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h", s / 86400,
			 s % 86400 / 3600);
	}
}

static void text_bus(const struct top_state *s, const char *source,
		     struct top_buf *b)
{
	const char *sep = " (";
	int i;

	top_buf_printf(b, "ptp-top  %s  messages %" PRIu64 "  garbage %"
		       PRIu64, source, s->messages, s->bad);
	for (i = 1; i < TOP_BAD_COUNT; i++) {
		if (s->bad_by[i]) {
			top_buf_printf(b, "%s%s %" PRIu64, sep,
				       top_bad_str(i), s->bad_by[i]);
			sep = ", ";
		}
	}
	top_buf_printf(b, "%s", s->bad ? ")" : "");
	if (s->table_full) {
		top_buf_printf(b, "  left out %" PRIu64, s->table_full);
	}
	top_buf_printf(b, "\n");
}

static void text_clock(const struct top_state *s, int64_t now,
		       struct top_buf *b)
{
	const struct ipc_servo *sv = &s->servo;
	char id[26], dur[24];

	if (s->have_decision) {
		clock_identity_str(&s->dec.parent.grandmasterIdentity, id);
		top_buf_printf(b, "CLOCK  grandmaster %s  steps removed %u",
			       id, s->dec.cur.stepsRemoved);
		port_identity_str(&s->dec.parent.parentPortIdentity, id);
		top_buf_printf(b, "  parent %s  gm class %u\n", id,
			       s->dec.parent.grandmasterClockQuality.
			       clockClass);
	} else {
		top_buf_printf(b, "CLOCK  grandmaster -  (no decision "
			       "heard from bmcad)\n");
	}
	if (!s->have_servo) {
		top_buf_printf(b, "       servo -  (nothing heard from "
			       "clockd)\n");
		return;
	}
	fmt_dur(dur, sizeof(dur), sv->holdover_ms);
	top_buf_printf(b, "       servo %s%s%s%s  freq %.3f ppb  offset %"
		       PRId64 " ns  class %u  holdover %s  steps %" PRIu64
		       "%s\n", ipc_servo_state_str(sv->state),
		       sv->slave_iface[0] ? " (slave " : "",
		       sv->slave_iface, sv->slave_iface[0] ? ")" : "",
		       isfinite(sv->freq_ppb) ? sv->freq_ppb : 0.0,
		       sv->offset_ns, sv->clock_class,
		       sv->state == IPC_SERVO_HOLDOVER ? dur : "no",
		       sv->steps,
		       now - s->servo_ns > TOP_STALE_NS ? "  STALE" : "");
}

static void text_port(const struct top_port *p, int64_t now,
		      struct top_buf *b)
{
	const struct ipc_port_status *st = &p->st;
	char par[26] = "-", off[24] = "-", dly[24] = "-";
	char rx[24] = "-", tx[24] = "-", age[24] = "-";

	if (p->have_status) {
		if (!pid_str(&st->parent, par)) {
			snprintf(par, sizeof(par), "-");
		}
		fmt_dur(age, sizeof(age), (uint64_t)age_ms(now, p->heard_ns));
	}
	if (p->have_status && st->have_sample) {
		snprintf(off, sizeof(off), "%" PRId64, st->offset_ns);
		snprintf(dly, sizeof(dly), "%" PRId64, st->delay_ns);
	}
	if (p->have_rate) {
		snprintf(rx, sizeof(rx), "%.1f", p->rx_rate);
		snprintf(tx, sizeof(tx), "%.1f", p->tx_rate);
	}
	top_buf_printf(b, "%-10s %-12s %-3s %-20s %10s %9s %8s %8s %6" PRIu64
		       " %6" PRIu64 " %5" PRIu64 " %5" PRIu64 " %7" PRIu64
		       " %7" PRIu64 " %6s%s\n", p->iface,
		       p->have_status ? port_state_str(st->ds.portState) : "-",
		       p->have_decision ?
		       bmca_rec_str((enum bmca_rec)p->rec) : "-",
		       par, off, dly, rx, tx, st->rx_err, st->rx_unexpected,
		       st->announce_timeouts, st->fmt_evictions,
		       dropped_sum(st), st->bus_dropped, age,
		       p->have_status && top_port_stale(p, now) ?
		       " STALE" : "");
}

static void text_proc(const struct top_proc *p, int64_t now,
		      struct top_buf *b)
{
	const struct ipc_health *h = p->have_hb ? &p->hb : &p->sup;
	char up[24];

	fmt_dur(up, sizeof(up), h->uptime_ms);
	top_buf_printf(b, "%-16s %8" PRIu32 " %-9s %-5s %8" PRIu32 " %8s\n",
		       p->name, h->pid, ipc_health_state_str(h->state),
		       top_proc_alive(p, now) ? "yes" : "NO",
		       top_proc_restarts(p), up);
}

void top_text(const struct top_state *s, int64_t now, const char *source,
	      struct top_buf *b)
{
	unsigned i;

	text_bus(s, source, b);
	if (!top_heard(s)) {
		top_buf_printf(b, "\nwaiting for the appliance (nothing "
			       "heard yet on %s)\n", source);
		return;
	}
	top_buf_printf(b, "\n");
	text_clock(s, now, b);
	top_buf_printf(b, "\n%-10s %-12s %-3s %-20s %10s %9s %8s %8s %6s %6s "
		       "%5s %5s %7s %7s %6s\n", "PORT", "STATE", "BMC",
		       "PARENT/PEER", "OFFSET ns", "DELAY ns", "RX/s", "TX/s",
		       "RX_ERR", "UNEXP", "A_TO", "EVICT", "DROPPED", "BUSDROP",
		       "AGE");
	for (i = 0; i < s->n_ports; i++) {
		text_port(&s->ports[i], now, b);
	}
	if (!s->n_ports) {
		top_buf_printf(b, "(no port heard)\n");
	}
	top_buf_printf(b, "\n%-16s %8s %-9s %-5s %8s %8s\n", "PROCESS", "PID",
		       "STATE", "ALIVE", "RESTARTS", "UPTIME");
	for (i = 0; i < s->n_procs; i++) {
		text_proc(&s->procs[i], now, b);
	}
	if (!s->n_procs) {
		top_buf_printf(b, "(no process heard)\n");
	}
}
