/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * notify.h - the supervisor under systemd (Type=notify), by libsystemd's
 * sd_notify(3): READY=1 once the appliance is up, STATUS= with its state,
 * WATCHDOG=1 at half of WATCHDOG_USEC while it is healthy, STOPPING=1.
 * Nothing at all is sent (or subscribed to) when NOTIFY_SOCKET is unset.
 *
 * "Up" is what the supervisor sees: a child is up when it runs and its
 * heartbeat (hb/<name>/ with its pid) has come through the hub since it
 * was started. The appliance is ready when the hub is bound and bmcad,
 * clockd and every configured port's portd are up; READY=1 is sent once.
 *
 * Healthy (WATCHDOG=1 sent): no child is wedged. Wedged: a running child
 * whose heartbeats stopped for NOTIFY_STALE_MS, or that has not sent one
 * NOTIFY_START_MS after it started; bmcad or clockd given up on (no port
 * can work without them). A child waiting to restart is being handled,
 * not wedged; a portd given up on is reported in STATUS (degraded) but
 * keeps the watchdog fed: restarting the whole appliance for one port
 * would break the other ports' sync.
 *
 * notify_assess() and notify_status_line() are pure (unit-tested).
 */
#ifndef MERIDIAN_NOTIFY_H
#define MERIDIAN_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOTIFY_STALE_MS		5000	/* heartbeats (1/s) stopped: wedged */
#define NOTIFY_START_MS		15000	/* no heartbeat this long after start */
#define NOTIFY_STATUS_MAX	256

enum notify_kind {
	NK_BMCAD,
	NK_CLOCKD,
	NK_PORTD,
};

enum notify_cstate {
	NC_RUNNING,
	NC_WAITING,		/* not started yet, or restart pending */
	NC_FAILED,		/* given up on */
	NC_STOPPED,
};

/* What the supervisor knows of one child, at one instant. */
struct notify_child {
	const char *name;		/* "bmcad", "portd/eth1" */
	enum notify_kind kind;
	enum notify_cstate state;
	bool hb_seen;			/* since it was (re)started */
	int64_t hb_age_ms;		/* hb_seen: since the last one */
	int64_t run_ms;			/* NC_RUNNING: since it started */
};

/* What clockd and bmcad said last on the bus (have_*: heard at all). */
struct notify_clock {
	bool have_servo;
	uint8_t servo_state;		/* enum ipc_servo_state */
	char slave_iface[16];
	uint8_t clock_class;
	bool have_gm;
	char gm[20];			/* clock_identity_str() */
};

struct notify_verdict {
	int ports;
	int ports_up;
	int ports_failed;
	bool daemons_up;		/* bmcad and clockd up */
	bool ready;			/* every child up */
	bool healthy;			/* none wedged */
	char why[96];			/* !healthy: the first wedged child */
};

void notify_assess(const struct notify_child *c, int n,
		   struct notify_verdict *v);
/* The STATUS= text (without "STATUS="); its length. */
int notify_status_line(char *buf, size_t len, const struct notify_verdict *v,
		       const struct notify_clock *clk, bool stopping);

/* The supervisor's side (notify.c, on struct sup). */
struct sup;

struct notify {
	bool on;			/* NOTIFY_SOCKET set */
	bool ready_sent;
	bool wedged;			/* the last verdict, for the log */
	uint64_t wd_usec;		/* 0: no watchdog */
	int64_t next_wd_ns;
	char status[NOTIFY_STATUS_MAX];	/* the last STATUS= sent */
	struct notify_clock clk;
};

/* Read NOTIFY_SOCKET and WATCHDOG_USEC; subscribe to what STATUS= shows
 * (clock/servo/, port/<iface>/decision/) when notifying. After the hub. */
void notify_init(struct sup *s);
/* Every loop pass: READY=1, STATUS= on change, WATCHDOG=1 when due. */
void notify_tick(struct sup *s, int64_t now);
/* The next instant notify_tick() has something to do (INT64_MAX: none). */
int64_t notify_next_event(const struct sup *s);
/* A message on its way through the hub (frame 1 of topic). */
void notify_bus(struct sup *s, const char *topic, size_t tlen,
		const void *body, size_t blen);
/* SIGTERM/SIGINT: STOPPING=1. */
void notify_stopping(struct sup *s);

#endif
