// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlv.c - TLV framing and bodies (IEEE 1588-2019 14, 16).
 *
 * Framing (14.1): tlvType UInteger16, lengthField UInteger16, then
 * lengthField octets of value. A message's TLV area is a sequence of whole
 * TLVs: 1 to 3 stray octets at its end cannot hold a TLV header and are
 * rejected (-PTP_E_TLV) rather than ignored, because they can only come
 * from a wrong messageLength or a corrupt TLV (linuxptp silently ignores
 * them; nothing legitimate produces them).
 */
#include <string.h>

#include "codec_util.h"
#include "tlv.h"

/* Fixed value lengths (octets after the 4-octet TLV header). */
#define ORG_HDR_LEN		6	/* organizationId, ...SubType */
#define UNICAST_REQUEST_LEN	6
#define UNICAST_GRANT_LEN	8
#define UNICAST_CANCEL_LEN	2
#define ALT_TIME_FIXED_LEN	15	/* up to, not including, displayName */
#define AUTH_FIXED_LEN		6	/* spp, secParamIndicator, keyID */

#define GRANT_R_FLAG		0x01

/* ---- framing ---------------------------------------------------------- */

void tlv_iter_init(struct tlv_iter *it, const struct ptp_msg *m)
{
	it->p = m->tlv;
	it->left = m->tlv ? m->tlv_len : 0;
}

int tlv_iter_next(struct tlv_iter *it, struct tlv_raw *out)
{
	uint16_t len;

	if (!it->left) {
		return 0;
	}
	/* On error the iterator stays put, so it keeps reporting it. */
	if (it->left < TLV_HDR_LEN) {
		return -PTP_E_TLV;
	}
	len = get_be16(it->p + 2);
	if (len > it->left - TLV_HDR_LEN) {
		return -PTP_E_TLV;
	}
	out->type = get_be16(it->p);
	out->length = len;
	out->value = it->p + TLV_HDR_LEN;
	it->p += TLV_HDR_LEN + len;
	it->left -= TLV_HDR_LEN + (size_t)len;
	return 1;
}

int tlv_area_check(const uint8_t *p, size_t len)
{
	struct tlv_iter it = { .p = p, .left = p ? len : 0 };
	struct tlv_raw t;
	int rc;

	if (!p && len) {
		return -PTP_E_TLV;
	}
	while ((rc = tlv_iter_next(&it, &t)) > 0)
		;
	return rc;
}

/* ---- decoding --------------------------------------------------------- */

static int is_org_type(uint16_t type)
{
	return type == TLV_ORGANIZATION_EXTENSION ||
	       type == TLV_ORGANIZATION_EXTENSION_PROPAGATE ||
	       type == TLV_ORGANIZATION_EXTENSION_DO_NOT_PROPAGATE;
}

/*
 * Every getter: -PTP_E_INVAL when t is not of its type (a caller bug), and
 * -PTP_E_TLV_BODY when the value is too short for its layout. Octets
 * after a fixed-length layout are ignored (a later edition may extend it).
 */
int tlv_get_org(const struct tlv_raw *t, struct tlv_org *out)
{
	if (!is_org_type(t->type)) {
		return -PTP_E_INVAL;
	}
	if (t->length < ORG_HDR_LEN) {
		return -PTP_E_TLV_BODY;
	}
	memcpy(out->organizationId, t->value, 3);
	memcpy(out->organizationSubType, t->value + 3, 3);
	out->data_len = (uint16_t)(t->length - ORG_HDR_LEN);
	out->data = out->data_len ? t->value + ORG_HDR_LEN : NULL;
	return 0;
}

int tlv_get_unicast_request(const struct tlv_raw *t,
			    struct tlv_unicast_request *out)
{
	if (t->type != TLV_REQUEST_UNICAST_TRANSMISSION) {
		return -PTP_E_INVAL;
	}
	if (t->length < UNICAST_REQUEST_LEN) {
		return -PTP_E_TLV_BODY;
	}
	out->messageType = t->value[0] >> 4;
	out->logInterMessagePeriod = (int8_t)t->value[1];
	out->durationField = get_be32(t->value + 2);
	return 0;
}

int tlv_get_unicast_grant(const struct tlv_raw *t,
			  struct tlv_unicast_grant *out)
{
	if (t->type != TLV_GRANT_UNICAST_TRANSMISSION) {
		return -PTP_E_INVAL;
	}
	if (t->length < UNICAST_GRANT_LEN) {
		return -PTP_E_TLV_BODY;
	}
	out->messageType = t->value[0] >> 4;
	out->logInterMessagePeriod = (int8_t)t->value[1];
	out->durationField = get_be32(t->value + 2);
	/* value[6] reserved */
	out->renewalInvited = t->value[7] & GRANT_R_FLAG;
	return 0;
}

int tlv_get_unicast_cancel(const struct tlv_raw *t,
			   struct tlv_unicast_cancel *out)
{
	if (t->type != TLV_CANCEL_UNICAST_TRANSMISSION &&
	    t->type != TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION) {
		return -PTP_E_INVAL;
	}
	if (t->length < UNICAST_CANCEL_LEN) {
		return -PTP_E_TLV_BODY;
	}
	out->messageType = t->value[0] >> 4;
	return 0;
}

int tlv_get_path_trace(const struct tlv_raw *t, struct tlv_path_trace *out)
{
	if (t->type != TLV_PATH_TRACE) {
		return -PTP_E_INVAL;
	}
	/* pathSequence is a whole number of ClockIdentity (16.2.5). */
	if (t->length % CODEC_CID_LEN) {
		return -PTP_E_TLV_BODY;
	}
	out->count = t->length / CODEC_CID_LEN;
	out->ids = out->count ? t->value : NULL;
	return 0;
}

int tlv_get_alt_time_offset(const struct tlv_raw *t,
			    struct tlv_alt_time_offset *out)
{
	const uint8_t *v = t->value;
	uint8_t tlen;

	if (t->type != TLV_ALTERNATE_TIME_OFFSET_INDICATOR) {
		return -PTP_E_INVAL;
	}
	if (t->length < ALT_TIME_FIXED_LEN + 1) {
		return -PTP_E_TLV_BODY;
	}
	tlen = v[ALT_TIME_FIXED_LEN];
	if (ALT_TIME_FIXED_LEN + 1 + tlen > t->length) {
		return -PTP_E_TLV_BODY;
	}
	out->keyField = v[0];
	out->currentOffset = (int32_t)get_be32(v + 1);
	out->jumpSeconds = (int32_t)get_be32(v + 5);
	out->timeOfNextJump = get_be48(v + 9);
	out->displayName.length = tlen;
	out->displayName.text = tlen ? v + ALT_TIME_FIXED_LEN + 1 : NULL;
	return 0;
}

int tlv_get_auth(const struct tlv_raw *t, struct tlv_auth *out)
{
	if (t->type != TLV_AUTHENTICATION) {
		return -PTP_E_INVAL;
	}
	if (t->length < AUTH_FIXED_LEN) {
		return -PTP_E_TLV_BODY;
	}
	out->spp = t->value[0];
	out->secParamIndicator = t->value[1];
	out->keyID = get_be32(t->value + 2);
	out->rest_len = (uint16_t)(t->length - AUTH_FIXED_LEN);
	out->rest = out->rest_len ? t->value + AUTH_FIXED_LEN : NULL;
	return 0;
}

/* ---- encoding --------------------------------------------------------- */

void tlv_writer_init(struct tlv_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
	w->err = 0;
}

/* Record the first error; later puts then do nothing. */
static int writer_fail(struct tlv_writer *w, int err)
{
	if (!w->err) {
		w->err = err;
	}
	return err;
}

uint8_t *tlv_put_begin(struct tlv_writer *w, uint16_t type, size_t vlen)
{
	uint8_t *p;

	if (w->err) {
		return NULL;
	}
	if (vlen > UINT16_MAX) {
		writer_fail(w, -PTP_E_INVAL);
		return NULL;
	}
	if (w->len > w->cap || w->cap - w->len < TLV_HDR_LEN + vlen) {
		writer_fail(w, -PTP_E_NOSPACE);
		return NULL;
	}
	p = w->buf + w->len;
	put_be16(p, type);
	put_be16(p + 2, (uint16_t)vlen);
	memset(p + TLV_HDR_LEN, 0, vlen);
	w->len += TLV_HDR_LEN + vlen;
	return p + TLV_HDR_LEN;
}

int tlv_put_raw(struct tlv_writer *w, uint16_t type, const void *value,
		uint16_t len)
{
	uint8_t *v;

	if (len && !value) {
		return writer_fail(w, -PTP_E_INVAL);
	}
	v = tlv_put_begin(w, type, len);
	if (!v) {
		return w->err;
	}
	if (len) {
		memcpy(v, value, len);
	}
	return 0;
}

int tlv_put_org(struct tlv_writer *w, uint16_t type,
		const struct tlv_org *org)
{
	uint8_t *v;

	if (!is_org_type(type) || (org->data_len && !org->data)) {
		return writer_fail(w, -PTP_E_INVAL);
	}
	v = tlv_put_begin(w, type, ORG_HDR_LEN + (size_t)org->data_len);
	if (!v) {
		return w->err;
	}
	memcpy(v, org->organizationId, 3);
	memcpy(v + 3, org->organizationSubType, 3);
	if (org->data_len) {
		memcpy(v + ORG_HDR_LEN, org->data, org->data_len);
	}
	return 0;
}

int tlv_put_unicast_request(struct tlv_writer *w,
			    const struct tlv_unicast_request *r)
{
	uint8_t *v;

	if (r->messageType > 0xF) {
		return writer_fail(w, -PTP_E_INVAL);
	}
	v = tlv_put_begin(w, TLV_REQUEST_UNICAST_TRANSMISSION,
			 UNICAST_REQUEST_LEN);
	if (!v) {
		return w->err;
	}
	v[0] = (uint8_t)(r->messageType << 4);
	v[1] = (uint8_t)r->logInterMessagePeriod;
	put_be32(v + 2, r->durationField);
	return 0;
}

int tlv_put_unicast_grant(struct tlv_writer *w,
			  const struct tlv_unicast_grant *g)
{
	uint8_t *v;

	if (g->messageType > 0xF) {
		return writer_fail(w, -PTP_E_INVAL);
	}
	v = tlv_put_begin(w, TLV_GRANT_UNICAST_TRANSMISSION, UNICAST_GRANT_LEN);
	if (!v) {
		return w->err;
	}
	v[0] = (uint8_t)(g->messageType << 4);
	v[1] = (uint8_t)g->logInterMessagePeriod;
	put_be32(v + 2, g->durationField);
	v[7] = g->renewalInvited ? GRANT_R_FLAG : 0;
	return 0;
}

int tlv_put_unicast_cancel(struct tlv_writer *w, uint16_t type,
			   const struct tlv_unicast_cancel *c)
{
	uint8_t *v;

	if ((type != TLV_CANCEL_UNICAST_TRANSMISSION &&
	     type != TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION) ||
	    c->messageType > 0xF) {
		return writer_fail(w, -PTP_E_INVAL);
	}
	v = tlv_put_begin(w, type, UNICAST_CANCEL_LEN);
	if (!v) {
		return w->err;
	}
	v[0] = (uint8_t)(c->messageType << 4);
	return 0;
}

int tlv_put_path_trace(struct tlv_writer *w, const struct clock_identity *ids,
		       unsigned count)
{
	uint8_t *v;
	unsigned i;

	if ((count && !ids) || count > UINT16_MAX / CODEC_CID_LEN) {
		return writer_fail(w, -PTP_E_INVAL);
	}
	v = tlv_put_begin(w, TLV_PATH_TRACE, (size_t)count * CODEC_CID_LEN);
	if (!v) {
		return w->err;
	}
	for (i = 0; i < count; i++) {
		codec_put_cid(v + i * CODEC_CID_LEN, &ids[i]);
	}
	return 0;
}

int tlv_put_alt_time_offset(struct tlv_writer *w,
			    const struct tlv_alt_time_offset *a)
{
	size_t vlen;
	uint8_t *v;

	if (a->timeOfNextJump > PTP_SEC_MAX ||
	    (a->displayName.length && !a->displayName.text)) {
		return writer_fail(w, -PTP_E_INVAL);
	}
	/* Padded to an even length, as linuxptp does. */
	vlen = ALT_TIME_FIXED_LEN + 1 + (size_t)a->displayName.length;
	vlen += vlen & 1;
	v = tlv_put_begin(w, TLV_ALTERNATE_TIME_OFFSET_INDICATOR, vlen);
	if (!v) {
		return w->err;
	}
	v[0] = a->keyField;
	put_be32(v + 1, (uint32_t)a->currentOffset);
	put_be32(v + 5, (uint32_t)a->jumpSeconds);
	put_be48(v + 9, a->timeOfNextJump);
	v[ALT_TIME_FIXED_LEN] = a->displayName.length;
	if (a->displayName.length) {
		memcpy(v + ALT_TIME_FIXED_LEN + 1, a->displayName.text,
		       a->displayName.length);
	}
	return 0;
}

int tlv_put_auth(struct tlv_writer *w, const struct tlv_auth *a)
{
	uint8_t *v;

	if (a->rest_len && !a->rest) {
		return writer_fail(w, -PTP_E_INVAL);
	}
	v = tlv_put_begin(w, TLV_AUTHENTICATION,
			 AUTH_FIXED_LEN + (size_t)a->rest_len);
	if (!v) {
		return w->err;
	}
	v[0] = a->spp;
	v[1] = a->secParamIndicator;
	put_be32(v + 2, a->keyID);
	if (a->rest_len) {
		memcpy(v + AUTH_FIXED_LEN, a->rest, a->rest_len);
	}
	return 0;
}

int tlv_put_pad(struct tlv_writer *w, uint16_t len)
{
	return tlv_put_begin(w, TLV_PAD, len) ? 0 : w->err;
}
