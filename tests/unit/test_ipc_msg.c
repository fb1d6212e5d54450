/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of ipc/ipc_msg.c: the header's layout in hand-written
 * octets, a round trip of every message type with every field set, and
 * the decoder's refusals (every truncation, a wrong length, magic,
 * version or type, out-of-range booleans, enums, counts, strings,
 * fractions and floating-point values, trailing octets); the packer's
 * refusals (no room at every capacity, values a receiver would reject).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ipc_msg.h"

TestSuite(ipc_msg, .timeout = 10);

static void fill_cid(struct clock_identity *c, uint8_t seed)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		c->id[i] = (uint8_t)(seed + 17 * i);
	}
}

static void fill_erbest(struct ipc_erbest *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->iface, "eth1");
	fill_cid(&m->port.clockIdentity, 1);
	m->port.portNumber = 2;
	m->state = PS_SLAVE;
	m->link_up = true;
	m->master_only = false;
	m->log_announce_interval = -3;
	m->epoch_applied = 0xDEADBEEF;
	m->has_erbest = true;
	m->erbest.priority1 = 10;
	fill_cid(&m->erbest.identity, 40);
	m->erbest.quality.clockClass = 6;
	m->erbest.quality.clockAccuracy = 0x21;
	m->erbest.quality.offsetScaledLogVariance = 0x4E5D;
	m->erbest.priority2 = 200;
	m->erbest.steps_removed = 3;
	fill_cid(&m->erbest.sender.clockIdentity, 50);
	m->erbest.sender.portNumber = 7;
	m->erbest.receiver = m->port;
	m->erbest.current_utc_offset = -37;
	m->erbest.flags = 0x0208;
	m->erbest.time_source = 0x20;
	m->n_path = 2;
	fill_cid(&m->path[0], 40);
	fill_cid(&m->path[1], 60);
}

static void fill_decision(struct ipc_decision *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->iface, "enp3s0f1");
	m->epoch = 77;
	m->rec = BMCA_REC_S1;
	fill_cid(&m->dflt.clockIdentity, 3);
	m->dflt.numberPorts = 3;
	m->dflt.clockQuality.clockClass = 248;
	m->dflt.clockQuality.clockAccuracy = 0xFE;
	m->dflt.clockQuality.offsetScaledLogVariance = 0xFFFF;
	m->dflt.priority1 = 128;
	m->dflt.priority2 = 127;
	m->dflt.domainNumber = 24;
	m->dflt.twoStepFlag = true;
	m->dflt.sdoId = 0x100;
	m->cur.stepsRemoved = 1;
	m->cur.offsetFromMaster = -123456789;
	m->cur.meanDelay = 987654321;
	fill_cid(&m->parent.parentPortIdentity.clockIdentity, 9);
	m->parent.parentPortIdentity.portNumber = 1;
	m->parent.observedParentOffsetScaledLogVariance = 0xFFFF;
	m->parent.observedParentClockPhaseChangeRate = 0x7FFFFFFF;
	fill_cid(&m->parent.grandmasterIdentity, 9);
	m->parent.grandmasterClockQuality.clockClass = 6;
	m->parent.grandmasterPriority1 = 1;
	m->parent.grandmasterPriority2 = 2;
	m->tprop.currentUtcOffset = 37;
	m->tprop.currentUtcOffsetValid = true;
	m->tprop.leap61 = true;
	m->tprop.ptpTimescale = true;
	m->tprop.timeSource = 0x20;
	m->n_path = IPC_PATH_MAX;
	for (unsigned i = 0; i < IPC_PATH_MAX; i++) {
		fill_cid(&m->path[i], (uint8_t)(100 + i));
	}
}

static void fill_sample(struct ipc_sample *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->iface, "eth2");
	m->epoch = 5;
	fill_cid(&m->master.clockIdentity, 9);
	m->master.portNumber = 1;
	m->offset = tmv_make(-1, 5);		/* just below zero */
	m->delay = tmv_from_ns(12345);
	m->t1 = tmv_make(1700000000, 123);
	m->t2 = tmv_make(1700000000, 999);
	m->rate_ratio = 1.0000123;
	m->log_sync_interval = -7;
}

static void fill_servo(struct ipc_servo *m)
{
	memset(m, 0, sizeof(*m));
	m->state = IPC_SERVO_HOLDOVER;
	strcpy(m->slave_iface, "eth1");
	m->freq_ppb = -12345.678;
	m->offset_ns = -42;
	m->clock_class = 135;
	m->steps = 1;
	m->holdover_ms = 60000;
	m->n_clocks = 3;
	for (unsigned i = 0; i < 3; i++) {
		snprintf(m->clocks[i].iface, IPC_NAME_MAX, "eth%u", i + 1);
		snprintf(m->clocks[i].clock, IPC_CLOCK_MAX, "sim:p%u.clk", i);
		m->clocks[i].is_reference = i == 0;
		m->clocks[i].locked = i != 2;
		m->clocks[i].freq_ppb = 1000.5 * i;
		m->clocks[i].offset_ns = -7 * (int64_t)i;
	}
}

static void fill_port_status(struct ipc_port_status *m)
{
	unsigned i;

	memset(m, 0, sizeof(*m));
	strcpy(m->iface, "eth3");
	fill_cid(&m->ds.portIdentity.clockIdentity, 3);
	m->ds.portIdentity.portNumber = 3;
	m->ds.portState = PS_MASTER;
	m->ds.logMinDelayReqInterval = -4;
	m->ds.meanLinkDelay = 1 << 20;
	m->ds.logAnnounceInterval = 1;
	m->ds.announceReceiptTimeout = 3;
	m->ds.logSyncInterval = -4;
	m->ds.delayMechanism = DM_P2P;
	m->ds.logMinPdelayReqInterval = 0;
	m->ds.versionNumber = 2;
	m->ds.minorVersionNumber = 1;
	m->ds.delayAsymmetry = -(1 << 16);
	m->ds.portEnable = true;
	m->ds.masterOnly = true;
	fill_cid(&m->parent.clockIdentity, 9);
	m->have_sample = true;
	m->offset_ns = INT64_MIN;
	m->delay_ns = INT64_MAX;
	m->rx = 1;
	m->tx = 2;
	m->rx_err = 3;
	m->rx_unexpected = 4;
	m->announce_timeouts = 5;
	m->fmt_evictions = 6;
	m->bus_dropped = UINT64_MAX;
	m->bus_refused = 7;
	for (i = 0; i < IPC_DROP_COUNT; i++) {
		m->dropped[i] = 0x0102030405060700ULL + 0x11 * i;
	}
}

static void fill_health(struct ipc_health *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->name, "portd/eth1");
	m->pid = 4242;
	m->state = IPC_HEALTH_RUNNING;
	m->uptime_ms = 123456789012ULL;
	m->restarts = 2;
}

/* A filled message of each type, in a union big enough for any. */
union any_msg {
	struct ipc_erbest erbest;
	struct ipc_decision decision;
	struct ipc_sample sample;
	struct ipc_servo servo;
	struct ipc_port_status port_status;
	struct ipc_health health;
};

static size_t fill_any(int type, union any_msg *u)
{
	switch (type) {
	case IPC_T_ERBEST:
		fill_erbest(&u->erbest);
		return sizeof(u->erbest);
	case IPC_T_DECISION:
		fill_decision(&u->decision);
		return sizeof(u->decision);
	case IPC_T_SAMPLE:
		fill_sample(&u->sample);
		return sizeof(u->sample);
	case IPC_T_SERVO:
		fill_servo(&u->servo);
		return sizeof(u->servo);
	case IPC_T_PORT_STATUS:
		fill_port_status(&u->port_status);
		return sizeof(u->port_status);
	case IPC_T_HEALTH:
		fill_health(&u->health);
		return sizeof(u->health);
	}
	cr_assert_fail("type %d", type);
	return 0;
}

static int pack_any(int type, uint8_t *buf, size_t cap, union any_msg *u)
{
	fill_any(type, u);
	return ipc_msg_pack(type, u, 1000 + (uint32_t)type, -5, buf, cap);
}

Test(ipc_msg, header_layout_in_octets)
{
	struct ipc_health h;
	struct ipc_hdr hdr;
	uint8_t buf[IPC_MSG_MAX];
	int n;

	fill_health(&h);
	n = ipc_msg_pack(IPC_T_HEALTH, &h, 0x01020304, 0x1122334455667788LL,
			 buf, sizeof(buf));
	cr_assert_gt(n, IPC_HDR_LEN);
	cr_assert_eq(buf[0], 'R');
	cr_assert_eq(buf[1], 'M');
	cr_assert_eq(buf[2], IPC_VERSION);
	cr_assert_eq(buf[3], IPC_T_HEALTH);
	cr_assert_eq(buf[4] | buf[5] | buf[6] | buf[7], 0);
	cr_assert_eq(buf[8] | buf[9] << 8 | buf[10] << 16 | buf[11] << 24,
		     n - IPC_HDR_LEN);
	cr_assert_eq(buf[12], 0x04);
	cr_assert_eq(buf[15], 0x01);
	cr_assert_eq(buf[16], 0x88);
	cr_assert_eq(buf[23], 0x11);
	/* name: 32 octets NUL padded, then pid little-endian */
	cr_assert_eq(memcmp(buf + 24, "portd/eth1\0\0\0\0\0\0", 16), 0);
	cr_assert_eq(buf[24 + 31], 0);
	cr_assert_eq(buf[56] | buf[57] << 8, 4242);
	cr_assert_eq(n, IPC_HDR_LEN + 32 + 4 + 1 + 8 + 4);
	cr_assert_eq(ipc_hdr_unpack(buf, (size_t)n, &hdr), IPC_OK);
	cr_assert_eq(hdr.seq, 0x01020304u);
	cr_assert_eq(hdr.mono_ns, 0x1122334455667788LL);
	cr_assert_eq(hdr.type, IPC_T_HEALTH);
}

Test(ipc_msg, every_type_round_trips)
{
	union any_msg in, out;
	struct ipc_hdr hdr;
	uint8_t buf[IPC_MSG_MAX];
	size_t sz;
	int t, n;

	for (t = IPC_T_ERBEST; t < IPC_T_COUNT; t++) {
		memset(&out, 0xA5, sizeof(out));
		n = pack_any(t, buf, sizeof(buf), &in);
		sz = fill_any(t, &in);
		cr_assert_gt(n, IPC_HDR_LEN, "%s: pack %d", ipc_type_str(t), n);
		cr_assert_eq(ipc_msg_unpack(buf, (size_t)n, t, &out, &hdr),
			     IPC_OK, "%s", ipc_type_str(t));
		cr_assert_eq(hdr.seq, 1000u + (unsigned)t);
		cr_assert_eq(hdr.mono_ns, -5);
		cr_assert_eq(memcmp(&in, &out, sz), 0, "%s differs",
			     ipc_type_str(t));
	}
}

Test(ipc_msg, every_truncation_is_refused)
{
	union any_msg in, out;
	uint8_t buf[IPC_MSG_MAX];
	int t, n, rc;
	size_t len;

	for (t = IPC_T_ERBEST; t < IPC_T_COUNT; t++) {
		n = pack_any(t, buf, sizeof(buf), &in);
		for (len = 0; len < (size_t)n; len++) {
			rc = ipc_msg_unpack(buf, len, t, &out, NULL);
			cr_assert_neq(rc, IPC_OK, "%s: %zu of %d octets",
				      ipc_type_str(t), len, n);
			cr_assert(rc == IPC_E_SHORT || rc == IPC_E_LENGTH,
				  "%s: %zu octets: %s", ipc_type_str(t), len,
				  ipc_err_str(rc));
		}
	}
}

/* The length field agrees with the buffer but not with the encoding. */
Test(ipc_msg, length_field_must_match_the_body)
{
	union any_msg in, out;
	uint8_t buf[IPC_MSG_MAX];
	int n;

	n = pack_any(IPC_T_SAMPLE, buf, sizeof(buf), &in);
	buf[n] = 0;		/* an undeclared octet after the body */
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n + 1, IPC_T_SAMPLE, &out,
				    NULL), IPC_E_LENGTH);
	buf[8]++;		/* one octet more than the buffer */
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n, IPC_T_SAMPLE, &out, NULL),
		     IPC_E_LENGTH);
	buf[n] = 0;		/* a trailing octet, declared */
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n + 1, IPC_T_SAMPLE, &out,
				    NULL), IPC_E_LENGTH);
	buf[8] -= 2;		/* one short of the body */
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n - 1, IPC_T_SAMPLE, &out,
				    NULL), IPC_E_LENGTH);
}

Test(ipc_msg, magic_version_and_type)
{
	union any_msg in, out;
	uint8_t buf[IPC_MSG_MAX];
	int n;

	n = pack_any(IPC_T_HEALTH, buf, sizeof(buf), &in);
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n, IPC_T_SERVO, &out, NULL),
		     IPC_E_TYPE);
	buf[2] = IPC_VERSION + 1;
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n, IPC_T_HEALTH, &out, NULL),
		     IPC_E_VERSION);
	buf[2] = IPC_VERSION;
	buf[3] = IPC_T_COUNT;
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n, IPC_T_HEALTH, &out, NULL),
		     IPC_E_TYPE);
	buf[3] = IPC_T_HEALTH;
	buf[0] ^= 1;
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n, IPC_T_HEALTH, &out, NULL),
		     IPC_E_MAGIC);
	cr_assert_eq(ipc_msg_unpack(NULL, 0, IPC_T_HEALTH, &out, NULL),
		     IPC_E_SHORT);
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n, 0, &out, NULL),
		     IPC_E_TYPE);
}

/*
 * Version 2: port-status ends in the drop counters (issue 9), u64 each,
 * little-endian, in enum ipc_drop order, after bus_refused. A version-1
 * frame (the layout without them) is refused, not read half.
 */
#define PS_V1_BODY	(16 + 37 + 10 + 1 + 8 + 8 + 8 * 8)

Test(ipc_msg, port_status_carries_the_drop_counters)
{
	struct ipc_port_status in, out;
	uint8_t buf[IPC_MSG_MAX];
	const uint8_t *d;
	unsigned i, k;
	int n;

	fill_port_status(&in);
	n = ipc_msg_pack(IPC_T_PORT_STATUS, &in, 0, 0, buf, sizeof(buf));
	cr_assert_eq(n, IPC_HDR_LEN + PS_V1_BODY + 8 * IPC_DROP_COUNT,
		     "layout: %d", n);
	d = buf + IPC_HDR_LEN + PS_V1_BODY;
	for (i = 0; i < IPC_DROP_COUNT; i++) {
		for (k = 0; k < 8; k++) {
			cr_assert_eq(d[8 * i + k],
				     (uint8_t)(in.dropped[i] >> (8 * k)),
				     "%s, octet %u", ipc_drop_str((int)i), k);
		}
	}
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n, IPC_T_PORT_STATUS, &out,
				    NULL), IPC_OK);
	for (i = 0; i < IPC_DROP_COUNT; i++) {
		cr_assert_eq(out.dropped[i], in.dropped[i], "%s",
			     ipc_drop_str((int)i));
	}
	/* the same frame as version 1 would send it: refused by version */
	buf[2] = 1;
	buf[8] = (uint8_t)PS_V1_BODY;
	buf[9] = 0;
	cr_assert_eq(ipc_msg_unpack(buf, IPC_HDR_LEN + PS_V1_BODY,
				    IPC_T_PORT_STATUS, &out, NULL),
		     IPC_E_VERSION);
	/* ... and with this version's number, by length */
	buf[2] = IPC_VERSION;
	cr_assert_eq(ipc_msg_unpack(buf, IPC_HDR_LEN + PS_V1_BODY,
				    IPC_T_PORT_STATUS, &out, NULL),
		     IPC_E_LENGTH);
	cr_assert_eq(out.iface[0], 0, "nothing half-decoded");
}

Test(ipc_msg, drop_reason_names)
{
	cr_assert_str_eq(ipc_drop_str(IPC_DROP_RATE_LIMIT), "rate_limit");
	cr_assert_str_eq(ipc_drop_str(IPC_DROP_CPU_BUDGET), "cpu_budget");
	cr_assert_str_eq(ipc_drop_str(IPC_DROP_AUTH), "auth");
	cr_assert_str_eq(ipc_drop_str(IPC_DROP_NOT_ACCEPTABLE),
			 "not_acceptable");
	cr_assert_str_eq(ipc_drop_str(IPC_DROP_MASTER_LOCK), "master_lock");
	cr_assert_str_eq(ipc_drop_str(IPC_DROP_MGMT_LIMITED), "mgmt_limited");
	cr_assert_str_eq(ipc_drop_str(IPC_DROP_DELAY_REJECTED),
			 "delay_rejected");
	cr_assert_str_eq(ipc_drop_str(IPC_DROP_COUNT), "?");
	cr_assert_str_eq(ipc_drop_str(-1), "?");
}

/* Offsets of fields in a packed ipc_erbest (see io_erbest). */
#define EB_IFACE	(IPC_HDR_LEN)
#define EB_STATE	(EB_IFACE + 16 + 10)
#define EB_LINK_UP	(EB_STATE + 1)
#define EB_HAS		(EB_LINK_UP + 7)
#define EB_NPATH	(EB_HAS + 1 + 41)

Test(ipc_msg, fields_out_of_range_are_refused)
{
	struct ipc_erbest in, out;
	uint8_t buf[IPC_MSG_MAX], bad[IPC_MSG_MAX];
	int n;

	fill_erbest(&in);
	n = ipc_msg_pack(IPC_T_ERBEST, &in, 0, 0, buf, sizeof(buf));
	cr_assert_eq(n, EB_NPATH + 1 + 2 * 8, "layout: %d", n);
	cr_assert_eq(buf[EB_STATE], PS_SLAVE);
	cr_assert_eq(buf[EB_LINK_UP], 1);
	cr_assert_eq(buf[EB_HAS], 1);
	cr_assert_eq(buf[EB_NPATH], 2);

#define REFUSE(off, val, what) do {					\
	memcpy(bad, buf, (size_t)n);					\
	bad[(off)] = (val);						\
	cr_assert_eq(ipc_msg_unpack(bad, (size_t)n, IPC_T_ERBEST, &out,	\
				    NULL), IPC_E_FIELD, what);		\
} while (0)
	REFUSE(EB_LINK_UP, 2, "a bool of 2");
	REFUSE(EB_HAS, 0xFF, "a bool of 255");
	REFUSE(EB_STATE, 0, "port state 0");
	REFUSE(EB_STATE, PS_SLAVE + 1, "port state 10");
	REFUSE(EB_IFACE + 1, 0x07, "a control character in a name");
	REFUSE(EB_IFACE + 1, 0x80, "a non-ASCII octet in a name");
	REFUSE(EB_IFACE + 10, 'x', "garbage after the NUL");
	REFUSE(EB_IFACE + 15, 'x', "no NUL in the field");
#undef REFUSE
	/* more path entries than the struct holds, with the octets there */
	in.n_path = IPC_PATH_MAX;
	n = ipc_msg_pack(IPC_T_ERBEST, &in, 0, 0, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	buf[EB_NPATH] = IPC_PATH_MAX + 1;
	memset(buf + n, 0, 8);
	buf[8] += 8;
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n + 8, IPC_T_ERBEST, &out,
				    NULL), IPC_E_FIELD);
	/* a refused message leaves nothing half-decoded behind */
	cr_assert_eq(out.iface[0], 0);
}

Test(ipc_msg, fractions_and_doubles_are_checked)
{
	struct ipc_sample in, out;
	uint8_t buf[IPC_MSG_MAX];
	size_t frac;
	double nan = NAN;
	int n;

	fill_sample(&in);
	n = ipc_msg_pack(IPC_T_SAMPLE, &in, 0, 0, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	/* offset.sns: after iface(16) epoch(4) master(10) offset.sec(8) */
	frac = IPC_HDR_LEN + 16 + 4 + 10 + 8;
	buf[frac + 7] = 0x80;		/* negative fraction */
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n, IPC_T_SAMPLE, &out, NULL),
		     IPC_E_FIELD);
	/* rate_ratio NaN, refused by the packer and by the decoder */
	in.rate_ratio = nan;
	cr_assert_eq(ipc_msg_pack(IPC_T_SAMPLE, &in, 0, 0, buf, sizeof(buf)),
		     -IPC_E_FIELD);
	fill_sample(&in);
	n = ipc_msg_pack(IPC_T_SAMPLE, &in, 0, 0, buf, sizeof(buf));
	memcpy(buf + n - 1 - 8, &nan, 8);	/* host order is LE here */
	cr_assert_eq(ipc_msg_unpack(buf, (size_t)n, IPC_T_SAMPLE, &out, NULL),
		     IPC_E_FIELD);
}

Test(ipc_msg, packer_refuses_what_would_not_decode)
{
	union any_msg u;
	uint8_t buf[IPC_MSG_MAX];
	int t, n, full;
	size_t cap;

	for (t = IPC_T_ERBEST; t < IPC_T_COUNT; t++) {
		full = pack_any(t, buf, sizeof(buf), &u);
		for (cap = 0; cap < (size_t)full; cap++) {
			n = pack_any(t, buf, cap, &u);
			cr_assert_eq(n, -IPC_E_SPACE, "%s: cap %zu: %d",
				     ipc_type_str(t), cap, n);
		}
	}
	fill_health(&u.health);
	memset(u.health.name, 'a', sizeof(u.health.name));
	cr_assert_eq(ipc_msg_pack(IPC_T_HEALTH, &u, 0, 0, buf, sizeof(buf)),
		     -IPC_E_FIELD, "a name without room for its NUL");
	fill_servo(&u.servo);
	u.servo.n_clocks = IPC_CLOCKS_MAX + 1;
	cr_assert_eq(ipc_msg_pack(IPC_T_SERVO, &u, 0, 0, buf, sizeof(buf)),
		     -IPC_E_FIELD, "more clocks than the message holds");
	cr_assert_eq(ipc_msg_pack(99, &u, 0, 0, buf, sizeof(buf)),
		     -IPC_E_TYPE);
}

Test(ipc_msg, names)
{
	cr_assert_str_eq(ipc_type_str(IPC_T_DECISION), "decision");
	cr_assert_str_eq(ipc_type_str(0), "?");
	cr_assert_str_eq(ipc_err_str(-IPC_E_LENGTH), "length mismatch");
	cr_assert_str_eq(ipc_servo_state_str(IPC_SERVO_HOLDOVER), "HOLDOVER");
	cr_assert_str_eq(ipc_servo_state_str(IPC_SERVO_STATE_COUNT), "?");
	cr_assert_str_eq(ipc_health_state_str(IPC_HEALTH_BACKOFF), "BACKOFF");
	cr_assert_str_eq(ipc_health_state_str(IPC_HEALTH_STATE_COUNT), "?");
	cr_assert_str_eq(ipc_health_state_str(-1), "?");
}
