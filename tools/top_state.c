// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top_state.c - ptp-top's tables, built from decoded bus messages (pure:
 * the caller gives the receive time; nothing here reads a clock or a
 * socket). Every message is checked by the ipc_msg codec first; what does
 * not decode, or whose topic disagrees with its content, is counted by
 * reason and skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "top_state.h"

void top_state_init(struct top_state *s)
{
	memset(s, 0, sizeof(*s));
}

const char *top_bad_str(int reason)
{
	static const char *const names[TOP_BAD_COUNT] = {
		[IPC_OK] = "ok",
		[IPC_E_SHORT] = "short",
		[IPC_E_MAGIC] = "magic",
		[IPC_E_VERSION] = "version",
		[IPC_E_TYPE] = "type",
		[IPC_E_LENGTH] = "length",
		[IPC_E_FIELD] = "field",
		[IPC_E_SPACE] = "space",
		[TOP_BAD_FRAMES] = "frames",
		[TOP_BAD_TOPIC] = "topic",
	};

	if (reason < 0) {
		reason = -reason;
	}
	return reason < TOP_BAD_COUNT && names[reason] ? names[reason] : "?";
}

void top_count_bad(struct top_state *s, int reason)
{
	if (reason < 0) {
		reason = -reason;
	}
	if (reason <= 0 || reason >= TOP_BAD_COUNT) {
		reason = TOP_BAD_FRAMES;
	}
	s->bad++;
	s->bad_by[reason]++;
}

static int refuse(struct top_state *s, int reason)
{
	top_count_bad(s, reason);
	return reason;
}

static struct top_port *port_get(struct top_state *s, const char *iface)
{
	struct top_port *p;
	unsigned i;

	for (i = 0; i < s->n_ports; i++) {
		if (!strcmp(s->ports[i].iface, iface)) {
			return &s->ports[i];
		}
	}
	if (s->n_ports == TOP_PORTS_MAX) {
		s->table_full++;
		return NULL;
	}
	p = &s->ports[s->n_ports++];
	memset(p, 0, sizeof(*p));
	snprintf(p->iface, sizeof(p->iface), "%s", iface);
	return p;
}

static struct top_proc *proc_get(struct top_state *s, const char *name)
{
	struct top_proc *p;
	unsigned i;

	for (i = 0; i < s->n_procs; i++) {
		if (!strcmp(s->procs[i].name, name)) {
			return &s->procs[i];
		}
	}
	if (s->n_procs == TOP_PROCS_MAX) {
		s->table_full++;
		return NULL;
	}
	p = &s->procs[s->n_procs++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

/* Does topic say "port/<iface>/<what>/"? */
static bool port_topic_is(const char *topic, const char *iface,
			  const char *what)
{
	char want[IPC_TOPIC_MAX];

	return ipc_topic_port(want, sizeof(want), iface, what) == 0 &&
	       !strcmp(topic, want);
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static void on_status(struct top_port *p, const struct ipc_port_status *m,
		      int64_t t)
{
	bool reset = p->ref_ns && (m->rx < p->ref_rx || m->tx < p->ref_tx ||
				   t < p->ref_ns);
	double dt;

	p->st = *m;
	p->have_status = true;
	p->heard_ns = t;
	if (reset) {		/* portd restarted: counters began again */
		p->ref_ns = 0;
		p->have_rate = false;
	}
	if (!p->ref_ns) {
		p->ref_rx = m->rx;
		p->ref_tx = m->tx;
		p->ref_ns = t;
		return;
	}
	if (t - p->ref_ns < TOP_RATE_MIN_NS) {
		return;
	}
	dt = (double)(t - p->ref_ns) / 1e9;
	p->rx_rate = (double)(m->rx - p->ref_rx) / dt;
	p->tx_rate = (double)(m->tx - p->ref_tx) / dt;
	p->have_rate = true;
	p->ref_rx = m->rx;
	p->ref_tx = m->tx;
	p->ref_ns = t;
}

static void on_decision(struct top_state *s, struct top_port *p,
			const struct ipc_decision *m, int64_t t)
{
	p->have_decision = true;
	p->epoch = m->epoch;
	p->rec = m->rec;
	p->decision_ns = t;
	s->have_decision = true;
	s->dec = *m;
	s->dec_ns = t;
}

int top_feed(struct top_state *s, const char *topic, const uint8_t *msg,
	     size_t len, int64_t now)
{
	union {
		struct ipc_port_status st;
		struct ipc_decision dec;
		struct ipc_servo servo;
		struct ipc_health hb;
	} u;
	struct top_port *port;
	struct top_proc *proc;
	struct ipc_hdr h;
	int64_t t;
	int rc;

	s->messages++;
	if (!s->first_ns) {
		s->first_ns = now;
	}
	s->last_ns = now;
	rc = ipc_hdr_unpack(msg, len, &h);
	if (rc != IPC_OK) {
		return refuse(s, rc);
	}
	if (h.type == IPC_T_ERBEST || h.type == IPC_T_SAMPLE) {
		/* not telemetry: decoded for the count, then ignored */
		rc = ipc_msg_unpack(msg, len, h.type, &u, NULL);
		if (rc != IPC_OK) {
			return refuse(s, rc);
		}
		s->ignored++;
		return 0;
	}
	rc = ipc_msg_unpack(msg, len, h.type, &u, NULL);
	if (rc != IPC_OK) {
		return refuse(s, rc);
	}
	t = h.mono_ns > 0 && h.mono_ns <= now ? h.mono_ns : now;
	switch (h.type) {
	case IPC_T_PORT_STATUS:
		if (!port_topic_is(topic, u.st.iface, "status")) {
			return refuse(s, TOP_BAD_TOPIC);
		}
		port = port_get(s, u.st.iface);
		if (port) {
			on_status(port, &u.st, t);
		}
		break;
	case IPC_T_DECISION:
		if (!port_topic_is(topic, u.dec.iface, "decision")) {
			return refuse(s, TOP_BAD_TOPIC);
		}
		port = port_get(s, u.dec.iface);
		if (port) {
			on_decision(s, port, &u.dec, t);
		}
		break;
	case IPC_T_SERVO:
		if (strcmp(topic, "clock/servo/")) {
			return refuse(s, TOP_BAD_TOPIC);
		}
		s->have_servo = true;
		s->servo = u.servo;
		s->servo_ns = t;
		break;
	case IPC_T_HEALTH:
		if (!has_prefix(topic, "hb/") && !has_prefix(topic, "proc/")) {
			return refuse(s, TOP_BAD_TOPIC);
		}
		if (!u.hb.name[0]) {
			return refuse(s, IPC_E_FIELD);
		}
		proc = proc_get(s, u.hb.name);
		if (!proc) {
			break;
		}
		if (topic[0] == 'h') {
			proc->have_hb = true;
			proc->hb = u.hb;
			proc->hb_ns = t;
		} else {
			proc->have_sup = true;
			proc->sup = u.hb;
			proc->sup_ns = t;
		}
		break;
	default:
		return refuse(s, IPC_E_TYPE);
	}
	s->decoded++;
	return 0;
}

bool top_proc_alive(const struct top_proc *p, int64_t now)
{
	if (p->have_hb) {
		return now - p->hb_ns <= TOP_ALIVE_NS;
	}
	return p->have_sup && p->sup.pid && now - p->sup_ns <= TOP_ALIVE_NS;
}

uint32_t top_proc_restarts(const struct top_proc *p)
{
	return p->have_sup ? p->sup.restarts : p->hb.restarts;
}

bool top_port_stale(const struct top_port *p, int64_t now)
{
	return !p->have_status || now - p->heard_ns > TOP_STALE_NS;
}

bool top_heard(const struct top_state *s)
{
	return s->messages > 0;
}

/* ---- text buffer ---------------------------------------------------- */

void top_buf_fini(struct top_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void top_buf_reset(struct top_buf *b)
{
	b->len = 0;
	if (b->s) {
		b->s[0] = '\0';
	}
}

static bool buf_room(struct top_buf *b, size_t more)
{
	size_t cap;
	char *n;

	if (b->len + more + 1 <= b->cap) {
		return true;
	}
	cap = b->cap ? b->cap : 1024;
	while (cap < b->len + more + 1) {
		cap *= 2;
	}
	n = realloc(b->s, cap);
	if (!n) {
		b->oom = true;
		return false;
	}
	b->s = n;
	b->cap = cap;
	return true;
}

void top_buf_printf(struct top_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_room(b, (size_t)n)) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void top_buf_json_str(struct top_buf *b, const char *s)
{
	const unsigned char *p;

	top_buf_printf(b, "\"");
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			top_buf_printf(b, "\\%c", *p);
		} else if (*p < 0x20 || *p >= 0x7f) {
			/* the codec lets only printable ASCII through; any
			 * other octet is escaped, never emitted raw */
			top_buf_printf(b, "\\u%04x", *p);
		} else {
			top_buf_printf(b, "%c", *p);
		}
	}
	top_buf_printf(b, "\"");
}
