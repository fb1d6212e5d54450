// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * notify.c - the supervisor under systemd: READY=1, STATUS=, WATCHDOG=1
 * and STOPPING=1 through libsystemd's sd_notify (see notify.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <zmq.h>

#include "daemon.h"
#include "ds.h"
#include "log.h"
#include "notify.h"
#include "supervisor.h"

#define MS	1000000LL	/* ns */

/* ---- pure: the verdict and the status line ------------------------------ */

static bool child_up(const struct notify_child *c)
{
	return c->state == NC_RUNNING && c->hb_seen &&
	       c->hb_age_ms <= NOTIFY_STALE_MS;
}

/* Why c is wedged into buf, or false when it is not. */
static bool child_wedged(const struct notify_child *c, char *buf, size_t len)
{
	switch (c->state) {
	case NC_RUNNING:
		if (c->hb_seen && c->hb_age_ms > NOTIFY_STALE_MS) {
			snprintf(buf, len, "%s: no heartbeat for over %d s",
				 c->name, NOTIFY_STALE_MS / 1000);
			return true;
		}
		if (!c->hb_seen && c->run_ms > NOTIFY_START_MS) {
			snprintf(buf, len, "%s: no heartbeat %d s after its "
				 "start", c->name, NOTIFY_START_MS / 1000);
			return true;
		}
		return false;
	case NC_FAILED:
		if (c->kind == NK_PORTD) {
			return false;	/* degraded, said in STATUS= */
		}
		snprintf(buf, len, "%s: given up on", c->name);
		return true;
	case NC_WAITING:
	case NC_STOPPED:
		return false;
	}
	return false;
}

void notify_assess(const struct notify_child *c, int n,
		   struct notify_verdict *v)
{
	bool bmcad = false, clockd = false;
	int i;

	memset(v, 0, sizeof(*v));
	v->healthy = true;
	for (i = 0; i < n; i++) {
		bool up = child_up(&c[i]);

		switch (c[i].kind) {
		case NK_BMCAD:
			bmcad = up;
			break;
		case NK_CLOCKD:
			clockd = up;
			break;
		case NK_PORTD:
			v->ports++;
			v->ports_up += up;
			v->ports_failed += c[i].state == NC_FAILED;
			break;
		}
		if (v->healthy &&
		    child_wedged(&c[i], v->why, sizeof(v->why))) {
			v->healthy = false;
		}
	}
	v->daemons_up = bmcad && clockd;
	v->ready = v->daemons_up && v->ports_up == v->ports;
}

int notify_status_line(char *buf, size_t len, const struct notify_verdict *v,
		       const struct notify_clock *clk, bool stopping)
{
	static const char *const servo[] = {
		"FREE", "UNLOCKED", "JUMP", "LOCKED", "LOCKED_STABLE",
		"HOLDOVER", "FAULT",
	};
	size_t used;
	int k;

	if (!len) {
		return 0;
	}
	if (stopping) {
		k = snprintf(buf, len, "stopping");
		return k < (int)len ? k : (int)len - 1;
	}
	k = snprintf(buf, len, "%s%d/%d port%s up", v->ready ? "" :
		     "starting: ", v->ports_up, v->ports,
		     v->ports == 1 ? "" : "s");
	used = k < (int)len ? (size_t)k : len - 1;
	if (!v->daemons_up && used < len) {
		used += (size_t)snprintf(buf + used, len - used,
					 " (waiting for bmcad and clockd)");
	}
	if (v->ports_failed && used < len) {
		used += (size_t)snprintf(buf + used, len - used,
					 ", %d given up on (SIGHUP tries "
					 "again)", v->ports_failed);
	}
	if (clk->have_servo && used < len) {
		used += (size_t)snprintf(
			buf + used, len - used, "; servo %s%s%s, clock class "
			"%u", clk->servo_state < sizeof(servo) /
			sizeof(servo[0]) ? servo[clk->servo_state] : "?",
			clk->slave_iface[0] ? " on " : "", clk->slave_iface,
			clk->clock_class);
	}
	if (clk->have_gm && used < len) {
		used += (size_t)snprintf(buf + used, len - used,
					 "; grandmaster %s", clk->gm);
	}
	if (!v->healthy && used < len) {
		used += (size_t)snprintf(buf + used, len - used,
					 "; WEDGED: %s", v->why);
	}
	return used < len ? (int)used : (int)len - 1;
}

/* ---- the supervisor's side ---------------------------------------------- */

static int send_notify(const char *what)
{
	static struct log_rl rl;
	int rc = sd_notify(0, what);

	if (rc < 0) {
		log_msg_rl(&rl, LOG_WARNING, "meridian: sd_notify: %s",
			   strerror(-rc));
	}
	return rc;
}

static void subscribe(struct sup *s, const char *topic)
{
	char frame[IPC_TOPIC_MAX + 1];
	size_t n = strlen(topic);

	if (n >= IPC_TOPIC_MAX) {
		return;
	}
	frame[0] = 1;
	memcpy(frame + 1, topic, n);
	if (zmq_send(s->px.xsub, frame, n + 1, ZMQ_DONTWAIT) < 0) {
		pr_warn("meridian: subscribing to %s: %s", topic,
			zmq_strerror(errno));
	}
}

void notify_init(struct sup *s)
{
	struct notify *nt = &s->nt;
	char topic[IPC_TOPIC_MAX];
	uint64_t usec = 0;
	int i;

	memset(nt, 0, sizeof(*nt));
	/* sd_booted() is no test: a container's or a test's socket counts */
	if (!getenv("NOTIFY_SOCKET")) {
		return;
	}
	nt->on = true;
	if (sd_watchdog_enabled(0, &usec) > 0 && usec >= 2) {
		nt->wd_usec = usec;
		nt->next_wd_ns = daemon_mono_ns();
	}
	subscribe(s, "clock/servo/");
	for (i = 0; i < s->cfg.n_ports; i++) {
		if (ipc_topic(topic, sizeof(topic), "port",
			      s->cfg.ports[i].interface) == 0 &&
		    strlen(topic) + sizeof("decision/") <= sizeof(topic)) {
			strcat(topic, "decision/");
			subscribe(s, topic);
		}
	}
	if (nt->wd_usec) {
		pr_info("meridian: notifying systemd, watchdog pings every "
			"%.3f s while healthy", (double)nt->wd_usec / 2e6);
	} else {
		pr_info("meridian: notifying systemd, no watchdog");
	}
}

void notify_bus(struct sup *s, const char *topic, size_t tlen,
		const void *body, size_t blen)
{
	struct notify_clock *clk = &s->nt.clk;
	struct ipc_decision d;
	struct ipc_servo sv;

	if (!s->nt.on) {
		return;
	}
	if (tlen == sizeof("clock/servo/") - 1 &&
	    !memcmp(topic, "clock/servo/", tlen)) {
		if (ipc_msg_unpack(body, blen, IPC_T_SERVO, &sv, NULL) !=
		    IPC_OK) {
			return;
		}
		clk->have_servo = true;
		clk->servo_state = sv.state;
		snprintf(clk->slave_iface, sizeof(clk->slave_iface), "%.*s",
			 (int)sizeof(clk->slave_iface) - 1, sv.slave_iface);
		clk->clock_class = sv.clock_class;
		return;
	}
	if (tlen > sizeof("decision/") && tlen > 5 &&
	    !memcmp(topic, "port/", 5) &&
	    !memcmp(topic + tlen - (sizeof("decision/") - 1), "decision/",
		    sizeof("decision/") - 1) &&
	    ipc_msg_unpack(body, blen, IPC_T_DECISION, &d, NULL) == IPC_OK) {
		/* every port's decision carries the clock's parentDS */
		clock_identity_str(&d.parent.grandmasterIdentity, clk->gm);
		clk->have_gm = true;
	}
}

static int snapshot(const struct sup *s, int64_t now,
		    struct notify_child *nc)
{
	int i;

	for (i = 0; i < s->n_ch; i++) {
		const struct child *c = &s->ch[i];

		nc[i].name = c->name;
		nc[i].kind = c->port >= 0 ? NK_PORTD :
			     !strcmp(c->name, "bmcad") ? NK_BMCAD : NK_CLOCKD;
		switch (c->state) {
		case CH_RUNNING:
			nc[i].state = NC_RUNNING;
			break;
		case CH_FAILED:
			nc[i].state = NC_FAILED;
			break;
		case CH_STOPPED:
			nc[i].state = NC_STOPPED;
			break;
		default:
			nc[i].state = NC_WAITING;
			break;
		}
		nc[i].hb_seen = c->last_hb_ns != 0;
		nc[i].hb_age_ms = c->last_hb_ns ? (now - c->last_hb_ns) / MS :
				  0;
		nc[i].run_ms = (now - c->started_ns) / MS;
	}
	return s->n_ch;
}

void notify_tick(struct sup *s, int64_t now)
{
	struct notify_child nc[SUP_CHILDREN_MAX];
	struct notify *nt = &s->nt;
	struct notify_verdict v;
	char status[NOTIFY_STATUS_MAX];
	char msg[NOTIFY_STATUS_MAX + 32];
	bool ready_now;

	if (!nt->on) {
		return;
	}
	notify_assess(nc, snapshot(s, now, nc), &v);
	if (s->stopping) {
		v.healthy = true;	/* stopping is no wedge */
	}
	notify_status_line(status, sizeof(status), &v, &nt->clk, s->stopping);
	ready_now = !nt->ready_sent && v.ready && !s->stopping;
	if (ready_now || strcmp(status, nt->status)) {
		snprintf(msg, sizeof(msg), "%sSTATUS=%s",
			 ready_now ? "READY=1\n" : "", status);
		if (send_notify(msg) >= 0) {
			snprintf(nt->status, sizeof(nt->status), "%s",
				 status);
			if (ready_now) {
				nt->ready_sent = true;
				pr_notice("meridian: ready: %s", status);
			}
		}
	}
	if (!v.healthy != nt->wedged) {
		nt->wedged = !v.healthy;
		if (nt->wedged) {
			pr_err("meridian: wedged (%s): %s", v.why,
			       nt->wd_usec ? "watchdog pings withheld" :
			       "no watchdog set");
		} else {
			pr_notice("meridian: no longer wedged%s",
				  nt->wd_usec ? ": watchdog pings again" : "");
		}
	}
	if (nt->wd_usec && now >= nt->next_wd_ns) {
		nt->next_wd_ns += (int64_t)nt->wd_usec * 1000 / 2;
		if (nt->next_wd_ns <= now) {
			nt->next_wd_ns = now + (int64_t)nt->wd_usec * 1000 / 2;
		}
		if (v.healthy) {
			(void)send_notify("WATCHDOG=1");
		}
	}
}

int64_t notify_next_event(const struct sup *s)
{
	if (!s->nt.on || !s->nt.wd_usec) {
		return INT64_MAX;
	}
	return s->nt.next_wd_ns;
}

void notify_stopping(struct sup *s)
{
	if (s->nt.on) {
		(void)send_notify("STOPPING=1\nSTATUS=stopping");
		snprintf(s->nt.status, sizeof(s->nt.status), "stopping");
	}
}
