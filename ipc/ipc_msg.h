/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipc_msg.h - every message that crosses a Meridian process boundary.
 *
 * Sans-IO: packing and unpacking only; ZeroMQ sockets live in ipc.c. A
 * message is a fixed 24-octet header and a body encoded field by field,
 * little-endian, never a raw struct:
 *
 *   0  magic     u16  0x4D52 ("RM" in memory order: 'R' 'M')
 *   2  version   u8   IPC_VERSION; bumped on any layout change
 *   3  type      u8   enum ipc_type
 *   4  flags     u16  0 (reserved, ignored on receipt)
 *   6  reserved  u16  0
 *   8  length    u32  octets of body after the header
 *  12  seq       u32  per-sender sequence number (gaps show losses)
 *  16  mono_ns   i64  sender's CLOCK_MONOTONIC at sending (staleness)
 *
 * Decoding trusts nothing: the buffer must hold the header and exactly
 * `length` octets of body, and the body must be exactly as long as its
 * type's encoding (variable-length lists carry their count, bounded by
 * the struct's capacity); enums, booleans, strings (fixed fields, NUL
 * padded, printable) and floating-point values (finite) are range
 * checked. Any failure is an enum ipc_err, never a crash.
 *
 * Units: time values are tmv_t (sec, 2^-16 ns); offsets are local -
 * master; frequencies in ppb, positive = faster.
 */
#ifndef MERIDIAN_IPC_MSG_H
#define MERIDIAN_IPC_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmca.h"
#include "ds.h"
#include "ptp_time.h"

#define IPC_MAGIC	0x4D52
#define IPC_VERSION	2	/* 2: port-status carries dropped[] */
#define IPC_HDR_LEN	24
#define IPC_MSG_MAX	4096	/* header + the largest body */

#define IPC_NAME_MAX	16	/* interface names, with NUL */
#define IPC_PROC_MAX	32	/* process names ("portd/eth1"), with NUL */
#define IPC_CLOCK_MAX	32	/* clock names ("sim:/run/x.clk"), with NUL */
#define IPC_PATH_MAX	16	/* path trace entries (16.2) */
#define IPC_CLOCKS_MAX	16	/* clocks in one servo status */

enum ipc_type {
	IPC_T_ERBEST = 1,	/* portd -> bmcad */
	IPC_T_DECISION,		/* bmcad -> portd */
	IPC_T_SAMPLE,		/* portd -> clockd */
	IPC_T_SERVO,		/* clockd -> everyone (telemetry) */
	IPC_T_PORT_STATUS,	/* portd -> everyone (telemetry) */
	IPC_T_HEALTH,		/* every process: heartbeat */
	IPC_T_COUNT
};

enum ipc_err {
	IPC_OK = 0,
	IPC_E_SHORT,		/* shorter than a header */
	IPC_E_MAGIC,		/* not a Meridian message */
	IPC_E_VERSION,		/* another layout version */
	IPC_E_TYPE,		/* unknown type, or not the one asked for */
	IPC_E_LENGTH,		/* length field disagrees with the buffer or
				 * the type's encoding */
	IPC_E_FIELD,		/* a field out of its range */
	IPC_E_SPACE,		/* (pack) the buffer is too small */
	IPC_E_COUNT
};

struct ipc_hdr {
	uint8_t version;
	uint8_t type;		/* enum ipc_type */
	uint16_t flags;
	uint32_t length;
	uint32_t seq;
	int64_t mono_ns;
};

/*
 * A port's Erbest and what bmcad needs to decide for it (9.3.3); sent
 * when it changes and at least once per announce interval.
 */
struct ipc_erbest {
	char iface[IPC_NAME_MAX];
	struct port_identity port;	/* portDS.portIdentity */
	uint8_t state;			/* enum port_state, now */
	bool link_up;
	bool master_only;
	int8_t log_announce_interval;
	uint32_t epoch_applied;		/* last decision epoch carried out */
	bool has_erbest;
	struct bmca_ds erbest;		/* zero when !has_erbest */
	uint8_t n_path;			/* Erbest's path trace (16.2) */
	struct clock_identity path[IPC_PATH_MAX];
};

/*
 * bmcad's state decision for one port: self-contained, it carries the
 * clock's data sets the recommendation implies (9.3.5), so a port never
 * reads anybody else's state. A port ignores an epoch older than the one
 * it applied last.
 */
struct ipc_decision {
	char iface[IPC_NAME_MAX];
	uint32_t epoch;
	uint8_t rec;			/* enum bmca_rec */
	struct default_ds dflt;
	struct current_ds cur;
	struct parent_ds parent;
	struct time_properties_ds tprop;
	uint8_t n_path;			/* pathTraceDS.list to announce */
	struct clock_identity path[IPC_PATH_MAX];
};

/* One offset measurement of a slave port, for clockd's servo. */
struct ipc_sample {
	char iface[IPC_NAME_MAX];
	uint32_t epoch;			/* decision epoch it was taken under */
	struct port_identity master;	/* parentPortIdentity */
	tmv_t offset;			/* offsetFromMaster, local - master */
	tmv_t delay;			/* mean path (E2E) or link (P2P) delay */
	tmv_t t1;			/* master's origin, corrected */
	tmv_t t2;			/* our ingress, in the port's clock */
	double rate_ratio;		/* neighborRateRatio, 1.0 in E2E */
	int8_t log_sync_interval;
};

/* What clockd says about its servo and the clocks it keeps. */
enum ipc_servo_state {
	IPC_SERVO_FREE = 0,		/* no master ever: free running */
	IPC_SERVO_UNLOCKED,
	IPC_SERVO_JUMP,
	IPC_SERVO_LOCKED,
	IPC_SERVO_LOCKED_STABLE,
	IPC_SERVO_HOLDOVER,		/* was locked; no slave port now */
	IPC_SERVO_FAULT,		/* the clock refused a step/adjust */
	IPC_SERVO_STATE_COUNT
};

struct ipc_clock_status {
	char iface[IPC_NAME_MAX];	/* a port using this clock */
	char clock[IPC_CLOCK_MAX];	/* clk_name() */
	bool is_reference;		/* the slave port's clock */
	bool locked;
	double freq_ppb;		/* frequency applied */
	int64_t offset_ns;		/* to the reference clock, last */
};

struct ipc_servo {
	uint8_t state;			/* enum ipc_servo_state */
	char slave_iface[IPC_NAME_MAX];	/* "" when no port is slave */
	double freq_ppb;		/* reference clock's frequency */
	int64_t offset_ns;		/* last offsetFromMaster */
	uint8_t clock_class;		/* announced (holdover degrades it) */
	uint64_t steps;
	uint64_t holdover_ms;		/* time in holdover, 0 if not */
	uint8_t n_clocks;
	struct ipc_clock_status clocks[IPC_CLOCKS_MAX];
};

/*
 * What a port dropped on purpose because the network is hostile or broken
 * (issue 9), by reason: the index of ipc_port_status.dropped[]. The names
 * (ipc_drop_str) are ptp-top's JSON keys and the exporter's reason labels.
 */
enum ipc_drop {
	/* rx_budget_pps(_per_source) spent (portd budget_dropped) */
	IPC_DROP_RATE_LIMIT = 0,
	/* rx_cpu_budget spent (cpu_dropped) */
	IPC_DROP_CPU_BUDGET,
	/* failed authentication (16.14), all reasons */
	IPC_DROP_AUTH,
	/* Announce of a sender not in the acceptable master table */
	IPC_DROP_NOT_ACCEPTABLE,
	/* Announce refused by master_lock */
	IPC_DROP_MASTER_LOCK,
	/* management answer withheld: the answer budget was spent */
	IPC_DROP_MGMT_LIMITED,
	/* path delay measurement rejected (negative or absurd) */
	IPC_DROP_DELAY_REJECTED,
	IPC_DROP_COUNT
};

/* A port's telemetry for ptp-top and exporters, once a second. */
struct ipc_port_status {
	char iface[IPC_NAME_MAX];
	struct port_ds ds;
	struct port_identity parent;	/* the master heard (SLAVE etc.) */
	bool have_sample;
	int64_t offset_ns;
	int64_t delay_ns;
	uint64_t rx;			/* PTP messages received */
	uint64_t tx;
	uint64_t rx_err;		/* rejected by the decoder */
	uint64_t rx_unexpected;
	uint64_t announce_timeouts;
	uint64_t fmt_evictions;		/* foreign-master table pressure */
	uint64_t bus_dropped;		/* bus messages dropped (full queue) */
	uint64_t bus_refused;		/* bus messages refused (garbage) */
	uint64_t dropped[IPC_DROP_COUNT];	/* by enum ipc_drop */
};

enum ipc_health_state {
	IPC_HEALTH_STARTING = 0,
	IPC_HEALTH_RUNNING,
	IPC_HEALTH_STOPPING,
	IPC_HEALTH_BACKOFF,		/* (supervisor) dead, restart pending */
	IPC_HEALTH_FAILED,		/* (supervisor) given up on it */
	IPC_HEALTH_STATE_COUNT
};

struct ipc_health {
	char name[IPC_PROC_MAX];	/* "portd/eth1", "bmcad", ... */
	uint32_t pid;
	uint8_t state;			/* enum ipc_health_state */
	uint64_t uptime_ms;
	uint32_t restarts;		/* as the supervisor counts them */
};

/*
 * Pack type's body from msg (the struct matching type) after a header
 * with seq and mono_ns into buf. Returns the total length, or
 * -IPC_E_SPACE / -IPC_E_TYPE / -IPC_E_FIELD (a value that would not
 * decode: the packer refuses to send what a receiver must reject).
 */
int ipc_msg_pack(int type, const void *msg, uint32_t seq, int64_t mono_ns,
		 uint8_t *buf, size_t cap);

/* Check and decode the header; IPC_OK or an enum ipc_err. */
int ipc_hdr_unpack(const uint8_t *buf, size_t len, struct ipc_hdr *h);

/*
 * Decode a whole message of the expected type into msg (the matching
 * struct, zeroed first). hdr may be NULL. IPC_OK or an enum ipc_err.
 */
int ipc_msg_unpack(const uint8_t *buf, size_t len, int type, void *msg,
		   struct ipc_hdr *hdr);

const char *ipc_type_str(int type);	/* "erbest", ..., "?" */
const char *ipc_err_str(int err);	/* accepts err or -err */
const char *ipc_servo_state_str(int st);	/* "LOCKED", ... */
const char *ipc_health_state_str(int st);	/* "RUNNING", ... */
const char *ipc_drop_str(int why);	/* "rate_limit", ..., "?" */

#endif
