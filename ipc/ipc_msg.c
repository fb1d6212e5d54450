// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipc_msg.c - pack and unpack the bus messages of ipc_msg.h.
 *
 * One walker per message type serves both directions: a cursor in PACK
 * mode writes each field from the struct, in UNPACK mode reads it into
 * the struct, so the two encodings cannot drift apart. The cursor checks
 * every access against the buffer and remembers the first failure; a
 * validator per type then range-checks what was decoded (and what is
 * about to be packed).
 */
#include <math.h>
#include <string.h>

#include "ipc_msg.h"

enum cur_mode { CUR_PACK, CUR_UNPACK };

struct cur {
	enum cur_mode mode;
	uint8_t *p;		/* PACK: output; UNPACK: input (not written) */
	size_t len;
	size_t off;
	int err;		/* first failure, IPC_OK if none */
};

static bool cur_room(struct cur *c, size_t n)
{
	if (c->err) {
		return false;
	}
	if (n > c->len - c->off) {
		c->err = c->mode == CUR_PACK ? IPC_E_SPACE : IPC_E_LENGTH;
		return false;
	}
	return true;
}

/* n octets, little-endian, of the unsigned value at *v (1, 2, 4, 8). */
static void cur_uint(struct cur *c, void *v, unsigned n)
{
	uint64_t x = 0;
	unsigned i;

	if (!cur_room(c, n)) {
		return;
	}
	if (c->mode == CUR_PACK) {
		switch (n) {
		case 1: x = *(uint8_t *)v; break;
		case 2: x = *(uint16_t *)v; break;
		case 4: x = *(uint32_t *)v; break;
		default: x = *(uint64_t *)v; break;
		}
		for (i = 0; i < n; i++) {
			c->p[c->off + i] = (uint8_t)(x >> (8 * i));
		}
	} else {
		for (i = 0; i < n; i++) {
			x |= (uint64_t)c->p[c->off + i] << (8 * i);
		}
		switch (n) {
		case 1: *(uint8_t *)v = (uint8_t)x; break;
		case 2: *(uint16_t *)v = (uint16_t)x; break;
		case 4: *(uint32_t *)v = (uint32_t)x; break;
		default: *(uint64_t *)v = x; break;
		}
	}
	c->off += n;
}

static void cur_u8(struct cur *c, uint8_t *v) { cur_uint(c, v, 1); }
static void cur_u16(struct cur *c, uint16_t *v) { cur_uint(c, v, 2); }
static void cur_u32(struct cur *c, uint32_t *v) { cur_uint(c, v, 4); }
static void cur_u64(struct cur *c, uint64_t *v) { cur_uint(c, v, 8); }

/* Signed values travel as their two's complement bits. */
static void cur_i8(struct cur *c, int8_t *v)
{
	uint8_t u = (uint8_t)*v;

	cur_u8(c, &u);
	*v = (int8_t)u;
}

static void cur_i16(struct cur *c, int16_t *v)
{
	uint16_t u = (uint16_t)*v;

	cur_u16(c, &u);
	*v = (int16_t)u;
}

static void cur_i32(struct cur *c, int32_t *v)
{
	uint32_t u = (uint32_t)*v;

	cur_u32(c, &u);
	*v = (int32_t)u;
}

static void cur_i64(struct cur *c, int64_t *v)
{
	uint64_t u = (uint64_t)*v;

	cur_u64(c, &u);
	*v = (int64_t)u;
}

/* A bool is one octet, 0 or 1; anything else is a bad field. */
static void cur_bool(struct cur *c, bool *v)
{
	uint8_t u = *v ? 1 : 0;

	cur_u8(c, &u);
	if (c->mode == CUR_UNPACK && !c->err) {
		if (u > 1) {
			c->err = IPC_E_FIELD;
		}
		*v = u == 1;
	}
}

/* IEEE 754 binary64 bits; must be finite both ways. */
static void cur_double(struct cur *c, double *v)
{
	uint64_t u;

	if (c->mode == CUR_PACK && !isfinite(*v) && !c->err) {
		c->err = IPC_E_FIELD;
		return;
	}
	memcpy(&u, v, sizeof(u));
	cur_u64(c, &u);
	if (c->mode == CUR_UNPACK && !c->err) {
		memcpy(v, &u, sizeof(u));
		if (!isfinite(*v)) {
			c->err = IPC_E_FIELD;
		}
	}
}

/*
 * A fixed field of n octets holding a string: printable ASCII, then NUL
 * padding to the end (so at most n - 1 characters).
 */
static void cur_str(struct cur *c, char *s, size_t n)
{
	size_t i, sl;

	if (c->mode == CUR_PACK) {
		sl = strnlen(s, n);
		if (sl == n && !c->err) {
			c->err = IPC_E_FIELD;
			return;
		}
	}
	if (!cur_room(c, n)) {
		return;
	}
	if (c->mode == CUR_PACK) {
		memset(c->p + c->off, 0, n);
		memcpy(c->p + c->off, s, sl);
	} else {
		memcpy(s, c->p + c->off, n);
	}
	for (i = 0; i < n && s[i]; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e) {
			c->err = IPC_E_FIELD;
		}
	}
	if (i == n) {
		c->err = IPC_E_FIELD;		/* no terminating NUL */
	}
	for (; i < n; i++) {
		if (c->mode == CUR_UNPACK && s[i]) {
			c->err = IPC_E_FIELD;	/* garbage after the NUL */
		}
	}
	c->off += n;
}

static void cur_cid(struct cur *c, struct clock_identity *id)
{
	if (!cur_room(c, sizeof(id->id))) {
		return;
	}
	if (c->mode == CUR_PACK) {
		memcpy(c->p + c->off, id->id, sizeof(id->id));
	} else {
		memcpy(id->id, c->p + c->off, sizeof(id->id));
	}
	c->off += sizeof(id->id);
}

static void cur_pid(struct cur *c, struct port_identity *pid)
{
	cur_cid(c, &pid->clockIdentity);
	cur_u16(c, &pid->portNumber);
}

static void cur_quality(struct cur *c, struct clock_quality *q)
{
	cur_u8(c, &q->clockClass);
	cur_u8(c, &q->clockAccuracy);
	cur_u16(c, &q->offsetScaledLogVariance);
}

/* sec, then the fraction, which must be normalised (0 <= sns < 1 s). */
static void cur_tmv(struct cur *c, tmv_t *t)
{
	cur_i64(c, &t->sec);
	cur_i64(c, &t->sns);
	if (!c->err && (t->sns < 0 || t->sns >= (int64_t)SNS_PER_SEC)) {
		c->err = IPC_E_FIELD;
	}
}

/* A count (u8) then that many clock identities, at most max. */
static void cur_path(struct cur *c, uint8_t *n, struct clock_identity *ids,
		     unsigned max)
{
	unsigned i;

	cur_u8(c, n);
	if (c->err) {
		return;
	}
	if (*n > max) {
		c->err = IPC_E_FIELD;
		return;
	}
	for (i = 0; i < *n; i++) {
		cur_cid(c, &ids[i]);
	}
}

static void cur_range(struct cur *c, unsigned v, unsigned lo, unsigned hi)
{
	if (!c->err && (v < lo || v > hi)) {
		c->err = IPC_E_FIELD;
	}
}

/* ---- data sets ------------------------------------------------------- */

static void io_bmca_ds(struct cur *c, struct bmca_ds *d)
{
	cur_u8(c, &d->priority1);
	cur_cid(c, &d->identity);
	cur_quality(c, &d->quality);
	cur_u8(c, &d->priority2);
	cur_u16(c, &d->steps_removed);
	cur_pid(c, &d->sender);
	cur_pid(c, &d->receiver);
	cur_i16(c, &d->current_utc_offset);
	cur_u16(c, &d->flags);
	cur_u8(c, &d->time_source);
}

static void io_default_ds(struct cur *c, struct default_ds *d)
{
	cur_cid(c, &d->clockIdentity);
	cur_u16(c, &d->numberPorts);
	cur_quality(c, &d->clockQuality);
	cur_u8(c, &d->priority1);
	cur_u8(c, &d->priority2);
	cur_u8(c, &d->domainNumber);
	cur_bool(c, &d->twoStepFlag);
	cur_bool(c, &d->slaveOnly);
	cur_u16(c, &d->sdoId);
	cur_range(c, d->sdoId, 0, 0xFFF);
}

static void io_current_ds(struct cur *c, struct current_ds *d)
{
	cur_u16(c, &d->stepsRemoved);
	cur_i64(c, &d->offsetFromMaster);
	cur_i64(c, &d->meanDelay);
}

static void io_parent_ds(struct cur *c, struct parent_ds *d)
{
	cur_pid(c, &d->parentPortIdentity);
	cur_bool(c, &d->parentStats);
	cur_u16(c, &d->observedParentOffsetScaledLogVariance);
	cur_i32(c, &d->observedParentClockPhaseChangeRate);
	cur_cid(c, &d->grandmasterIdentity);
	cur_quality(c, &d->grandmasterClockQuality);
	cur_u8(c, &d->grandmasterPriority1);
	cur_u8(c, &d->grandmasterPriority2);
}

static void io_tprop_ds(struct cur *c, struct time_properties_ds *d)
{
	cur_i16(c, &d->currentUtcOffset);
	cur_bool(c, &d->currentUtcOffsetValid);
	cur_bool(c, &d->leap59);
	cur_bool(c, &d->leap61);
	cur_bool(c, &d->timeTraceable);
	cur_bool(c, &d->frequencyTraceable);
	cur_bool(c, &d->ptpTimescale);
	cur_u8(c, &d->timeSource);
}

static void io_port_ds(struct cur *c, struct port_ds *d)
{
	cur_pid(c, &d->portIdentity);
	cur_u8(c, &d->portState);
	cur_range(c, d->portState, PS_INITIALIZING, PS_SLAVE);
	cur_i8(c, &d->logMinDelayReqInterval);
	cur_i64(c, &d->meanLinkDelay);
	cur_i8(c, &d->logAnnounceInterval);
	cur_u8(c, &d->announceReceiptTimeout);
	cur_i8(c, &d->logSyncInterval);
	cur_u8(c, &d->delayMechanism);
	cur_i8(c, &d->logMinPdelayReqInterval);
	cur_u8(c, &d->versionNumber);
	cur_u8(c, &d->minorVersionNumber);
	cur_i64(c, &d->delayAsymmetry);
	cur_bool(c, &d->portEnable);
	cur_bool(c, &d->masterOnly);
}

/* ---- messages -------------------------------------------------------- */

static void io_erbest(struct cur *c, struct ipc_erbest *m)
{
	cur_str(c, m->iface, sizeof(m->iface));
	cur_pid(c, &m->port);
	cur_u8(c, &m->state);
	cur_range(c, m->state, PS_INITIALIZING, PS_SLAVE);
	cur_bool(c, &m->link_up);
	cur_bool(c, &m->master_only);
	cur_i8(c, &m->log_announce_interval);
	cur_u32(c, &m->epoch_applied);
	cur_bool(c, &m->has_erbest);
	io_bmca_ds(c, &m->erbest);
	cur_path(c, &m->n_path, m->path, IPC_PATH_MAX);
}

static void io_decision(struct cur *c, struct ipc_decision *m)
{
	cur_str(c, m->iface, sizeof(m->iface));
	cur_u32(c, &m->epoch);
	cur_u8(c, &m->rec);
	cur_range(c, m->rec, BMCA_REC_NONE, BMCA_REC_LISTENING);
	io_default_ds(c, &m->dflt);
	io_current_ds(c, &m->cur);
	io_parent_ds(c, &m->parent);
	io_tprop_ds(c, &m->tprop);
	cur_path(c, &m->n_path, m->path, IPC_PATH_MAX);
}

static void io_sample(struct cur *c, struct ipc_sample *m)
{
	cur_str(c, m->iface, sizeof(m->iface));
	cur_u32(c, &m->epoch);
	cur_pid(c, &m->master);
	cur_tmv(c, &m->offset);
	cur_tmv(c, &m->delay);
	cur_tmv(c, &m->t1);
	cur_tmv(c, &m->t2);
	cur_double(c, &m->rate_ratio);
	cur_i8(c, &m->log_sync_interval);
}

static void io_clock_status(struct cur *c, struct ipc_clock_status *s)
{
	cur_str(c, s->iface, sizeof(s->iface));
	cur_str(c, s->clock, sizeof(s->clock));
	cur_bool(c, &s->is_reference);
	cur_bool(c, &s->locked);
	cur_double(c, &s->freq_ppb);
	cur_i64(c, &s->offset_ns);
}

static void io_servo(struct cur *c, struct ipc_servo *m)
{
	unsigned i;

	cur_u8(c, &m->state);
	cur_range(c, m->state, 0, IPC_SERVO_STATE_COUNT - 1);
	cur_str(c, m->slave_iface, sizeof(m->slave_iface));
	cur_double(c, &m->freq_ppb);
	cur_i64(c, &m->offset_ns);
	cur_u8(c, &m->clock_class);
	cur_u64(c, &m->steps);
	cur_u64(c, &m->holdover_ms);
	cur_u8(c, &m->n_clocks);
	cur_range(c, m->n_clocks, 0, IPC_CLOCKS_MAX);
	for (i = 0; !c->err && i < m->n_clocks; i++) {
		io_clock_status(c, &m->clocks[i]);
	}
}

static void io_port_status(struct cur *c, struct ipc_port_status *m)
{
	unsigned i;

	cur_str(c, m->iface, sizeof(m->iface));
	io_port_ds(c, &m->ds);
	cur_pid(c, &m->parent);
	cur_bool(c, &m->have_sample);
	cur_i64(c, &m->offset_ns);
	cur_i64(c, &m->delay_ns);
	cur_u64(c, &m->rx);
	cur_u64(c, &m->tx);
	cur_u64(c, &m->rx_err);
	cur_u64(c, &m->rx_unexpected);
	cur_u64(c, &m->announce_timeouts);
	cur_u64(c, &m->fmt_evictions);
	cur_u64(c, &m->bus_dropped);
	cur_u64(c, &m->bus_refused);
	for (i = 0; i < IPC_DROP_COUNT; i++) {
		cur_u64(c, &m->dropped[i]);
	}
}

static void io_health(struct cur *c, struct ipc_health *m)
{
	cur_str(c, m->name, sizeof(m->name));
	cur_u32(c, &m->pid);
	cur_u8(c, &m->state);
	cur_range(c, m->state, 0, IPC_HEALTH_STATE_COUNT - 1);
	cur_u64(c, &m->uptime_ms);
	cur_u32(c, &m->restarts);
}

static void io_body(struct cur *c, int type, void *msg)
{
	switch (type) {
	case IPC_T_ERBEST:
		io_erbest(c, msg);
		break;
	case IPC_T_DECISION:
		io_decision(c, msg);
		break;
	case IPC_T_SAMPLE:
		io_sample(c, msg);
		break;
	case IPC_T_SERVO:
		io_servo(c, msg);
		break;
	case IPC_T_PORT_STATUS:
		io_port_status(c, msg);
		break;
	case IPC_T_HEALTH:
		io_health(c, msg);
		break;
	default:
		c->err = IPC_E_TYPE;
		break;
	}
}

static size_t body_struct_size(int type)
{
	switch (type) {
	case IPC_T_ERBEST:
		return sizeof(struct ipc_erbest);
	case IPC_T_DECISION:
		return sizeof(struct ipc_decision);
	case IPC_T_SAMPLE:
		return sizeof(struct ipc_sample);
	case IPC_T_SERVO:
		return sizeof(struct ipc_servo);
	case IPC_T_PORT_STATUS:
		return sizeof(struct ipc_port_status);
	case IPC_T_HEALTH:
		return sizeof(struct ipc_health);
	}
	return 0;
}

/* ---- public ---------------------------------------------------------- */

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

int ipc_msg_pack(int type, const void *msg, uint32_t seq, int64_t mono_ns,
		 uint8_t *buf, size_t cap)
{
	uint8_t copy[sizeof(struct ipc_servo) > sizeof(struct ipc_decision) ?
		     sizeof(struct ipc_servo) : sizeof(struct ipc_decision)];
	struct cur c;
	size_t sz = body_struct_size(type);

	_Static_assert(sizeof(struct ipc_servo) >= sizeof(struct ipc_erbest) &&
		       sizeof(struct ipc_servo) >= sizeof(struct ipc_sample) &&
		       sizeof(struct ipc_servo) >=
		       sizeof(struct ipc_port_status) &&
		       sizeof(struct ipc_servo) >= sizeof(struct ipc_health),
		       "copy buffer holds every message struct");
	if (!sz) {
		return -IPC_E_TYPE;
	}
	if (cap < IPC_HDR_LEN) {
		return -IPC_E_SPACE;
	}
	/* The walkers take a mutable struct (they also decode): pack from a
	 * copy so the caller's const is honoured. */
	memcpy(copy, msg, sz);
	memset(&c, 0, sizeof(c));
	c.mode = CUR_PACK;
	c.p = buf + IPC_HDR_LEN;
	c.len = cap - IPC_HDR_LEN;
	io_body(&c, type, copy);
	if (c.err) {
		return -c.err;
	}
	put_le(buf, IPC_MAGIC, 2);
	buf[2] = IPC_VERSION;
	buf[3] = (uint8_t)type;
	put_le(buf + 4, 0, 2);
	put_le(buf + 6, 0, 2);
	put_le(buf + 8, c.off, 4);
	put_le(buf + 12, seq, 4);
	put_le(buf + 16, (uint64_t)mono_ns, 8);
	return (int)(IPC_HDR_LEN + c.off);
}

int ipc_hdr_unpack(const uint8_t *buf, size_t len, struct ipc_hdr *h)
{
	if (!buf || len < IPC_HDR_LEN) {
		return IPC_E_SHORT;
	}
	if (get_le(buf, 2) != IPC_MAGIC) {
		return IPC_E_MAGIC;
	}
	h->version = buf[2];
	h->type = buf[3];
	h->flags = (uint16_t)get_le(buf + 4, 2);
	h->length = (uint32_t)get_le(buf + 8, 4);
	h->seq = (uint32_t)get_le(buf + 12, 4);
	h->mono_ns = (int64_t)get_le(buf + 16, 8);
	if (h->version != IPC_VERSION) {
		return IPC_E_VERSION;
	}
	if (!body_struct_size(h->type)) {
		return IPC_E_TYPE;
	}
	if (h->length != len - IPC_HDR_LEN) {
		return IPC_E_LENGTH;
	}
	return IPC_OK;
}

int ipc_msg_unpack(const uint8_t *buf, size_t len, int type, void *msg,
		   struct ipc_hdr *hdr)
{
	struct ipc_hdr h;
	struct cur c;
	size_t sz = body_struct_size(type);
	int rc;

	if (!sz) {
		return IPC_E_TYPE;
	}
	rc = ipc_hdr_unpack(buf, len, &h);
	if (rc) {
		return rc;
	}
	if (h.type != type) {
		return IPC_E_TYPE;
	}
	memset(msg, 0, sz);
	memset(&c, 0, sizeof(c));
	c.mode = CUR_UNPACK;
	c.p = (uint8_t *)(uintptr_t)(buf + IPC_HDR_LEN);
	c.len = h.length;
	io_body(&c, type, msg);
	if (!c.err && c.off != c.len) {
		c.err = IPC_E_LENGTH;		/* trailing octets */
	}
	if (c.err) {
		memset(msg, 0, sz);
		return c.err;
	}
	if (hdr) {
		*hdr = h;
	}
	return IPC_OK;
}

const char *ipc_type_str(int type)
{
	static const char *const names[IPC_T_COUNT] = {
		[IPC_T_ERBEST] = "erbest",
		[IPC_T_DECISION] = "decision",
		[IPC_T_SAMPLE] = "sample",
		[IPC_T_SERVO] = "servo",
		[IPC_T_PORT_STATUS] = "port-status",
		[IPC_T_HEALTH] = "health",
	};

	if (type <= 0 || type >= IPC_T_COUNT) {
		return "?";
	}
	return names[type];
}

const char *ipc_err_str(int err)
{
	static const char *const names[IPC_E_COUNT] = {
		[IPC_OK] = "ok",
		[IPC_E_SHORT] = "shorter than a header",
		[IPC_E_MAGIC] = "bad magic",
		[IPC_E_VERSION] = "unknown version",
		[IPC_E_TYPE] = "unexpected type",
		[IPC_E_LENGTH] = "length mismatch",
		[IPC_E_FIELD] = "field out of range",
		[IPC_E_SPACE] = "buffer too small",
	};

	if (err < 0) {
		err = -err;
	}
	if (err >= IPC_E_COUNT) {
		return "?";
	}
	return names[err];
}

const char *ipc_servo_state_str(int st)
{
	static const char *const names[IPC_SERVO_STATE_COUNT] = {
		[IPC_SERVO_FREE] = "FREE_RUNNING",
		[IPC_SERVO_UNLOCKED] = "UNLOCKED",
		[IPC_SERVO_JUMP] = "JUMP",
		[IPC_SERVO_LOCKED] = "LOCKED",
		[IPC_SERVO_LOCKED_STABLE] = "LOCKED_STABLE",
		[IPC_SERVO_HOLDOVER] = "HOLDOVER",
		[IPC_SERVO_FAULT] = "FAULT",
	};

	if (st < 0 || st >= IPC_SERVO_STATE_COUNT) {
		return "?";
	}
	return names[st];
}

const char *ipc_health_state_str(int st)
{
	static const char *const names[IPC_HEALTH_STATE_COUNT] = {
		[IPC_HEALTH_STARTING] = "STARTING",
		[IPC_HEALTH_RUNNING] = "RUNNING",
		[IPC_HEALTH_STOPPING] = "STOPPING",
		[IPC_HEALTH_BACKOFF] = "BACKOFF",
		[IPC_HEALTH_FAILED] = "FAILED",
	};

	if (st < 0 || st >= IPC_HEALTH_STATE_COUNT) {
		return "?";
	}
	return names[st];
}

const char *ipc_drop_str(int why)
{
	static const char *const names[IPC_DROP_COUNT] = {
		[IPC_DROP_RATE_LIMIT] = "rate_limit",
		[IPC_DROP_CPU_BUDGET] = "cpu_budget",
		[IPC_DROP_AUTH] = "auth",
		[IPC_DROP_NOT_ACCEPTABLE] = "not_acceptable",
		[IPC_DROP_MASTER_LOCK] = "master_lock",
		[IPC_DROP_MGMT_LIMITED] = "mgmt_limited",
		[IPC_DROP_DELAY_REJECTED] = "delay_rejected",
	};

	if (why < 0 || why >= IPC_DROP_COUNT) {
		return "?";
	}
	return names[why];
}
