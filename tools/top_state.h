/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * top_state.h - what ptp-top knows about the appliance, built from the
 * messages heard on the bus, and its two renderings (JSON and a text
 * table). Pure: no sockets, no clocks, no terminal; the caller passes the
 * receive time and gets text in a buffer. Unit-tested from
 * tests/unit/test_top_state.c.
 *
 * Times are CLOCK_MONOTONIC nanoseconds. A message's time is its header's
 * mono_ns (the sender's CLOCK_MONOTONIC on the same host) when that is
 * plausible (0 < mono_ns <= now), so rates and ages stay true even when
 * ptp-top reads a backlog late; otherwise the receive time.
 */
#ifndef MERIDIAN_TOP_STATE_H
#define MERIDIAN_TOP_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc_msg.h"

#define TOP_PORTS_MAX	64
#define TOP_PROCS_MAX	64
#define TOP_ALIVE_NS	3000000000LL	/* a process is alive when heard
					 * within 3 s */
#define TOP_STALE_NS	3000000000LL	/* a port or the servo is stale
					 * when not heard for 3 s */
/* rates over at least 0.8 s */
#define TOP_RATE_MIN_NS	800000000LL

/* Why a received message was refused (counted, shown, skipped). */
enum top_bad {
	TOP_BAD_FRAMES = IPC_E_COUNT,	/* wrong number of frames, or a
					 * frame too large (ipc_recv
					 * -EPROTO) */
	TOP_BAD_TOPIC,			/* topic and message disagree */
	TOP_BAD_COUNT
};

struct top_port {
	char iface[IPC_NAME_MAX];
	bool have_status;
	struct ipc_port_status st;
	int64_t heard_ns;		/* last port-status */
	/* message rates from the counters */
	uint64_t ref_rx, ref_tx;
	int64_t ref_ns;			/* 0: no reference sample yet */
	bool have_rate;
	double rx_rate, tx_rate;	/* messages per second */
	/* bmcad's last decision for this port */
	bool have_decision;
	uint32_t epoch;
	uint8_t rec;			/* enum bmca_rec */
	int64_t decision_ns;
};

struct top_proc {
	char name[IPC_PROC_MAX];
	bool have_hb;			/* the process's own heartbeat */
	struct ipc_health hb;
	int64_t hb_ns;
	bool have_sup;			/* what the supervisor says */
	struct ipc_health sup;
	int64_t sup_ns;
};

struct top_state {
	uint64_t messages;		/* every message received */
	uint64_t decoded;		/* ... and understood */
	uint64_t ignored;		/* valid, of a type ptp-top ignores */
	uint64_t bad;			/* refused: sum of bad_by[] */
	uint64_t bad_by[TOP_BAD_COUNT];
	uint64_t table_full;		/* a port or process left out */
	int64_t first_ns, last_ns;	/* receive times; 0: nothing yet */

	bool have_servo;
	struct ipc_servo servo;
	int64_t servo_ns;

	bool have_decision;		/* the clock's data sets, from the
					 * newest decision of any port */
	struct ipc_decision dec;
	int64_t dec_ns;

	unsigned n_ports;
	struct top_port ports[TOP_PORTS_MAX];
	unsigned n_procs;
	struct top_proc procs[TOP_PROCS_MAX];
};

void top_state_init(struct top_state *s);

/*
 * One received message: topic and octets as they came off the bus, now
 * the receive time. Decodes it and updates the tables; returns 0, or the
 * enum top_bad / enum ipc_err reason it was refused (counted).
 */
int top_feed(struct top_state *s, const char *topic, const uint8_t *msg,
	     size_t len, int64_t now);
/* A message refused before decoding (ipc_recv said -EPROTO). */
void top_count_bad(struct top_state *s, int reason);
const char *top_bad_str(int reason);	/* short key: "magic", "frames" */

/* Derived facts, for both renderings. */
bool top_proc_alive(const struct top_proc *p, int64_t now);
uint32_t top_proc_restarts(const struct top_proc *p);
bool top_port_stale(const struct top_port *p, int64_t now);
bool top_heard(const struct top_state *s);

/* A growing text buffer; on allocation failure it keeps what it had and
 * sets oom. */
struct top_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

void top_buf_fini(struct top_buf *b);
void top_buf_reset(struct top_buf *b);
void top_buf_printf(struct top_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void top_buf_json_str(struct top_buf *b, const char *s);

/*
 * The snapshot as one JSON object on one line (no newline): keys in
 * tools/README.md and ptp-top --help. wall_s is the wall-clock time to
 * print as "time" (seconds since the epoch).
 */
void top_json(const struct top_state *s, int64_t now, double wall_s,
	      struct top_buf *b);
/*
 * The snapshot as text lines (each ending in '\n'), what the curses view
 * shows and --once prints. source names the bus endpoint.
 */
void top_text(const struct top_state *s, int64_t now, const char *source,
	      struct top_buf *b);

#endif
