// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * auth.c - immediate security processing of the AUTHENTICATION TLV (IEEE
 * 1588-2019 16.14.3), sans-IO: see auth.h.
 *
 * Replay protection. A receiver can only use sequenceId (the TLV's own
 * sequenceNo field is not defined for immediate processing in 2019:
 * linuxptp refuses it, so do we), and sequenceId is per sender and per
 * message type (7.3.7), so a window can only be kept for a stream whose
 * sender we follow. The port core checks the messages of the master it
 * follows that move its clock or its choice of master: Sync, Follow_Up
 * and Announce from the parent (linuxptp 4.4 checks Sync and Follow_Up).
 * The others need none or cannot have one:
 *   Delay_Resp, Pdelay_Resp(_Follow_Up): already matched to the
 *     sequenceId of our own pending request, used once; a replay of an
 *     old one does not match;
 *   Delay_Req, Pdelay_Req, Management, Signaling: from any number of
 *     senders, answered, never acted on; a replay costs one answer;
 *   Announce from others: the foreign master table qualifies senders by
 *     arrival in a window; a replayed Announce of a master that has gone
 *     can at worst make it selected, and once it is the parent its
 *     stream is checked and the stale copies are dropped.
 * The tracking starts afresh for a new parent and when the port stops
 * being a slave (a restarted master starts its sequenceIds again).
 */
#include <string.h>

#include "auth.h"
#include "tlv.h"

#define H_LENGTH	2
#define H_CORRECTION	8
#define CORRECTION_LEN	8

static const char *const err_names[AUTH_E_COUNT] = {
	[AUTH_OK] = "ok",
	[AUTH_E_MISSING] = "no authentication tlv",
	[AUTH_E_NOT_LAST] = "authentication tlv not last",
	[AUTH_E_SPP] = "wrong spp",
	[AUTH_E_PARAM] = "unsupported secParamIndicator",
	[AUTH_E_KEY] = "unknown key id",
	[AUTH_E_LENGTH] = "wrong icv length",
	[AUTH_E_ICV] = "bad icv",
	[AUTH_E_REPLAY] = "replayed sequenceId",
	[AUTH_E_MAC] = "mac failed",
};

const char *auth_err_str(int err)
{
	if (err < 0) {
		err = -err;
	}
	if (err >= AUTH_E_COUNT) {
		return "unknown error";
	}
	return err_names[err];
}

static const struct {
	const char *name;
	uint8_t icv_len;
	uint8_t key_len;
} icv_types[AUTH_ICV_COUNT] = {
	[AUTH_HMAC_SHA256_128] = { "SHA256-128", 16, 0 },
	[AUTH_HMAC_SHA256] = { "SHA256", 32, 0 },
	[AUTH_CMAC_AES128] = { "AES128", 16, 16 },
	[AUTH_CMAC_AES256] = { "AES256", 16, 32 },
};

const char *auth_icv_str(int icv)
{
	if (icv < 0 || icv >= AUTH_ICV_COUNT) {
		return "?";
	}
	return icv_types[icv].name;
}

unsigned auth_icv_len(int icv)
{
	if (icv < 0 || icv >= AUTH_ICV_COUNT) {
		return 0;
	}
	return icv_types[icv].icv_len;
}

unsigned auth_icv_key_len(int icv)
{
	if (icv < 0 || icv >= AUTH_ICV_COUNT) {
		return 0;
	}
	return icv_types[icv].key_len;
}

const struct auth_sa *auth_sad_find(const struct auth_sad *sad, uint8_t spp)
{
	unsigned i;

	for (i = 0; i < sad->n && i < AUTH_SA_MAX; i++) {
		if (sad->sa[i].spp == spp) {
			return &sad->sa[i];
		}
	}
	return NULL;
}

const struct auth_key *auth_sa_key(const struct auth_sa *sa, uint32_t id)
{
	unsigned i;

	for (i = 0; i < sa->n_keys && i < AUTH_KEYS_MAX; i++) {
		if (sa->keys[i].id == id) {
			return &sa->keys[i];
		}
	}
	return NULL;
}

int auth_sign(const struct auth_sa *sa, const struct auth_key *key,
	      auth_mac_fn mac, uint8_t *buf, size_t len, size_t cap)
{
	uint8_t corr[CORRECTION_LEN] = { 0 };
	unsigned ilen = key ? auth_icv_len(key->icv) : 0;
	size_t total, dlen;
	uint8_t *t;
	int rc;

	if (!sa || !ilen || !mac || !buf || len < PTP_HEADER_LEN ||
	    get_be16(buf + H_LENGTH) != len) {
		return -PTP_E_INVAL;
	}
	total = len + TLV_HDR_LEN + AUTH_TLV_FIXED + ilen;
	if (total > cap || total > PTP_MSG_MAX) {
		return -PTP_E_NOSPACE;
	}
	t = buf + len;
	put_be16(t, TLV_AUTHENTICATION);
	put_be16(t + 2, (uint16_t)(AUTH_TLV_FIXED + ilen));
	t[4] = sa->spp;
	t[5] = 0;			/* immediate, no RES, no sequenceNo */
	put_be32(t + 6, key->id);
	put_be16(buf + H_LENGTH, (uint16_t)total);
	dlen = len + TLV_HDR_LEN + AUTH_TLV_FIXED;
	if (sa->allow_mutable) {
		memcpy(corr, buf + H_CORRECTION, CORRECTION_LEN);
		memset(buf + H_CORRECTION, 0, CORRECTION_LEN);
	}
	rc = mac(key, buf, dlen, buf + dlen);
	if (sa->allow_mutable) {
		memcpy(buf + H_CORRECTION, corr, CORRECTION_LEN);
	}
	if (rc < 0) {
		put_be16(buf + H_LENGTH, (uint16_t)len);
		return -PTP_E_INVAL;
	}
	return (int)total;
}

/* Constant time: as long for a first-octet mismatch as for none. */
static bool icv_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		d |= a[i] ^ b[i];
	}
	return d == 0;
}

int auth_verify(const struct auth_sa *sa, auth_mac_fn mac,
		const uint8_t *buf, const struct ptp_msg *m, uint8_t *scratch)
{
	uint8_t icv[AUTH_ICV_MAX];
	const struct auth_key *key;
	struct tlv_raw t, last = { 0 };
	struct tlv_auth a;
	const uint8_t *data = buf;
	struct tlv_iter it;
	bool any = false, have_last = false;
	size_t dlen;
	unsigned ilen;

	tlv_iter_init(&it, m);
	while (tlv_iter_next(&it, &t) > 0) {
		any |= t.type == TLV_AUTHENTICATION;
		last = t;
		have_last = true;
	}
	if (!any) {
		return 0;
	}
	if (!have_last || last.type != TLV_AUTHENTICATION) {
		return -AUTH_E_NOT_LAST;
	}
	if (tlv_get_auth(&last, &a)) {
		return -AUTH_E_LENGTH;
	}
	if (a.spp != sa->spp) {
		return -AUTH_E_SPP;
	}
	if (a.secParamIndicator) {
		return -AUTH_E_PARAM;
	}
	key = auth_sa_key(sa, a.keyID);
	if (!key) {
		return -AUTH_E_KEY;
	}
	ilen = auth_icv_len(key->icv);
	if (!ilen || a.rest_len != ilen) {
		return -AUTH_E_LENGTH;
	}
	/* Everything before the ICV, messageLength as received. */
	dlen = (size_t)(a.rest - buf);
	if (sa->allow_mutable) {
		memcpy(scratch, buf, dlen);
		memset(scratch + H_CORRECTION, 0, CORRECTION_LEN);
		data = scratch;
	}
	if (!mac || mac(key, data, dlen, icv) < 0) {
		return -AUTH_E_MAC;
	}
	if (!icv_equal(icv, a.rest, ilen)) {
		return -AUTH_E_ICV;
	}
	return 1;
}

void auth_replay_reset(struct auth_replay *r)
{
	memset(r, 0, sizeof(*r));
}

int auth_replay_check(struct auth_replay *r, const struct port_identity *from,
		      uint8_t type, uint16_t seq, uint16_t window)
{
	struct auth_stream *s;
	uint16_t d;

	if (!window) {
		return 0;
	}
	if (!r->has_owner || port_identity_cmp(from, &r->owner)) {
		auth_replay_reset(r);
		r->owner = *from;
		r->has_owner = true;
	}
	s = &r->s[type & 0xF];
	if (!s->valid) {
		s->valid = true;
		s->last = seq;
		return 0;
	}
	d = (uint16_t)(seq - s->last);
	if (d >= 1 && d <= window) {
		s->last = seq;
		s->has_cand = false;
		return 0;
	}
	/* Not newer (RFC 1982 serial arithmetic): a replay. */
	if (d == 0 || d >= 0x8000) {
		return -AUTH_E_REPLAY;
	}
	/* Ahead by more than the window: lost messages, or a copy from more
	 * than half a sequence space ago. Dropped; a second one that follows
	 * it within the window is taken as the stream going on. */
	if (s->has_cand) {
		d = (uint16_t)(seq - s->cand);
		if (d >= 1 && d <= window) {
			s->last = seq;
			s->has_cand = false;
			return 0;
		}
	}
	s->has_cand = true;
	s->cand = seq;
	return -AUTH_E_REPLAY;
}
