// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmt.c - MANAGEMENT / MANAGEMENT_ERROR_STATUS TLVs and data fields
 * (IEEE 1588-2019 15.5). Layouts cross-checked against linuxptp 3.1
 * (tlv.c, ddt.h) and Wireshark's packet-ptp.c.
 */
#include <string.h>

#include "codec_util.h"
#include "mgmt.h"

#define MGMT_ID_LEN		2	/* managementId before the dataField */
#define MERR_FIXED_LEN		8	/* errorId, managementId, reserved[4] */

/* DEFAULT_DATA_SET (15.5.3.3.1). */
#define DDS_FLAGS		0
#define DDS_NUMBER_PORTS	2
#define DDS_PRIORITY1		4
#define DDS_QUALITY		5
#define DDS_PRIORITY2		9
#define DDS_IDENTITY		10
#define DDS_DOMAIN		18
#define DDS_FLAG_TSC		0x01
#define DDS_FLAG_SO		0x02

/* CURRENT_DATA_SET (15.5.3.4.1). */
#define CDS_STEPS		0
#define CDS_OFFSET		2
#define CDS_DELAY		10

/* PARENT_DATA_SET (15.5.3.5.1). */
#define PDS_PARENT		0
#define PDS_FLAGS		10
#define PDS_VARIANCE		12
#define PDS_RATE		14
#define PDS_GM_PRIORITY1	18
#define PDS_GM_QUALITY		19
#define PDS_GM_PRIORITY2	23
#define PDS_GM_IDENTITY		24
#define PDS_FLAG_PS		0x01

/* TIME_PROPERTIES_DATA_SET (15.5.3.6.1). */
#define TPDS_UTC_OFFSET		0
#define TPDS_FLAGS		2
#define TPDS_TIME_SOURCE	3
#define TPDS_FLAG_LI61		0x01
#define TPDS_FLAG_LI59		0x02
#define TPDS_FLAG_UTCV		0x04
#define TPDS_FLAG_PTP		0x08
#define TPDS_FLAG_TTRA		0x10
#define TPDS_FLAG_FTRA		0x20

/* PORT_DATA_SET (15.5.3.7.1). */
#define PORTDS_IDENTITY		0
#define PORTDS_STATE		10
#define PORTDS_DELAY_REQ	11
#define PORTDS_PEER_DELAY	12
#define PORTDS_ANNOUNCE		20
#define PORTDS_RECEIPT		21
#define PORTDS_SYNC		22
#define PORTDS_MECHANISM	23
#define PORTDS_PDELAY_REQ	24
#define PORTDS_VERSION		25

/* ---- the TLV itself --------------------------------------------------- */

int mgmt_tlv_get(const struct ptp_msg *m, struct mgmt_tlv *out)
{
	struct tlv_iter it;
	struct tlv_raw t;
	const uint8_t *v;
	int rc;

	memset(out, 0, sizeof(*out));
	if (m->hdr.messageType != PTP_MANAGEMENT) {
		return -PTP_E_MGMT;
	}
	tlv_iter_init(&it, m);
	rc = tlv_iter_next(&it, &t);
	if (rc < 0) {
		return rc;
	}
	if (rc == 0) {
		return -PTP_E_MGMT;
	}
	v = t.value;
	out->tlvType = t.type;
	switch (t.type) {
	case TLV_MANAGEMENT:
		if (t.length < MGMT_ID_LEN) {
			return -PTP_E_TLV_BODY;
		}
		out->managementId = get_be16(v);
		out->data_len = (uint16_t)(t.length - MGMT_ID_LEN);
		out->data = out->data_len ? v + MGMT_ID_LEN : NULL;
		return 0;
	case TLV_MANAGEMENT_ERROR_STATUS:
		if (t.length < MERR_FIXED_LEN) {
			return -PTP_E_TLV_BODY;
		}
		out->managementErrorId = get_be16(v);
		out->managementId = get_be16(v + 2);
		/* v[4..7] reserved. displayData is optional (linuxptp
		 * omits it); when present it must fit. */
		if (t.length > MERR_FIXED_LEN) {
			uint8_t n = v[MERR_FIXED_LEN];

			if (MERR_FIXED_LEN + 1 + n > t.length) {
				return -PTP_E_TLV_BODY;
			}
			out->displayData.length = n;
			out->displayData.text = n ? v + MERR_FIXED_LEN + 1 :
						    NULL;
			out->display_present = true;
		}
		return 0;
	default:
		return -PTP_E_MGMT;
	}
}

/*
 * A data field of at least len octets for managementId id: -PTP_E_INVAL when
 * t is not a MANAGEMENT TLV for id, -PTP_E_TLV_BODY when it is too short.
 * Extra octets (padding, later editions) are ignored.
 */
static int data_check(const struct mgmt_tlv *t, uint16_t id, uint16_t len)
{
	if (t->tlvType != TLV_MANAGEMENT || t->managementId != id) {
		return -PTP_E_INVAL;
	}
	if (t->data_len < len || !t->data) {
		return -PTP_E_TLV_BODY;
	}
	return 0;
}

/* Start a MANAGEMENT TLV with dlen data octets (padded to even). */
static uint8_t *data_begin(struct tlv_writer *w, uint16_t id, size_t dlen)
{
	uint8_t *v;

	dlen += dlen & 1;
	v = tlv_put_begin(w, TLV_MANAGEMENT, MGMT_ID_LEN + dlen);
	if (!v) {
		return NULL;
	}
	put_be16(v, id);
	return v + MGMT_ID_LEN;
}

/* Record an argument error in the writer (first error wins). */
static int put_inval(struct tlv_writer *w)
{
	if (!w->err) {
		w->err = -PTP_E_INVAL;
	}
	return -PTP_E_INVAL;
}

int mgmt_put_empty(struct tlv_writer *w, uint16_t id)
{
	return data_begin(w, id, 0) ? 0 : w->err;
}

int mgmt_put_error_text(struct tlv_writer *w, uint16_t error_id, uint16_t id,
			const struct ptp_text *display)
{
	size_t vlen = MERR_FIXED_LEN;
	uint8_t *v;

	if (display && display->length && !display->text) {
		return put_inval(w);
	}
	/* displayData, when given, is a PTPText padded to an even length. */
	if (display) {
		vlen += 1 + display->length;
		vlen += vlen & 1;
	}
	v = tlv_put_begin(w, TLV_MANAGEMENT_ERROR_STATUS, vlen);
	if (!v) {
		return w->err;
	}
	put_be16(v, error_id);
	put_be16(v + 2, id);
	if (display) {
		v[MERR_FIXED_LEN] = display->length;
		if (display->length) {
			memcpy(v + MERR_FIXED_LEN + 1, display->text,
			       display->length);
		}
	}
	return 0;
}

int mgmt_put_error(struct tlv_writer *w, uint16_t error_id, uint16_t id,
		   const char *display)
{
	size_t n = display ? strlen(display) : 0;
	struct ptp_text t = { (uint8_t)n, (const uint8_t *)display };

	if (n > UINT8_MAX) {
		return put_inval(w);
	}
	/* No displayData for NULL or "" (as linuxptp sends). */
	return mgmt_put_error_text(w, error_id, id, n ? &t : NULL);
}

/* ---- data sets -------------------------------------------------------- */

int mgmt_get_default_ds(const struct mgmt_tlv *t, struct default_ds *out)
{
	const uint8_t *d = t->data;
	int err = data_check(t, MID_DEFAULT_DATA_SET, MGMT_DEFAULT_DS_LEN);

	if (err) {
		return err;
	}
	memset(out, 0, sizeof(*out));
	out->twoStepFlag = d[DDS_FLAGS] & DDS_FLAG_TSC;
	out->slaveOnly = d[DDS_FLAGS] & DDS_FLAG_SO;
	out->numberPorts = get_be16(d + DDS_NUMBER_PORTS);
	out->priority1 = d[DDS_PRIORITY1];
	codec_get_cq(d + DDS_QUALITY, &out->clockQuality);
	out->priority2 = d[DDS_PRIORITY2];
	codec_get_cid(d + DDS_IDENTITY, &out->clockIdentity);
	out->domainNumber = d[DDS_DOMAIN];
	/* sdoId is not in this data field; left 0. */
	return 0;
}

int mgmt_put_default_ds(struct tlv_writer *w, const struct default_ds *ds)
{
	uint8_t *d = data_begin(w, MID_DEFAULT_DATA_SET, MGMT_DEFAULT_DS_LEN);

	if (!d) {
		return w->err;
	}
	d[DDS_FLAGS] = (ds->twoStepFlag ? DDS_FLAG_TSC : 0) |
		       (ds->slaveOnly ? DDS_FLAG_SO : 0);
	put_be16(d + DDS_NUMBER_PORTS, ds->numberPorts);
	d[DDS_PRIORITY1] = ds->priority1;
	codec_put_cq(d + DDS_QUALITY, &ds->clockQuality);
	d[DDS_PRIORITY2] = ds->priority2;
	codec_put_cid(d + DDS_IDENTITY, &ds->clockIdentity);
	d[DDS_DOMAIN] = ds->domainNumber;
	return 0;
}

int mgmt_get_current_ds(const struct mgmt_tlv *t, struct current_ds *out)
{
	const uint8_t *d = t->data;
	int err = data_check(t, MID_CURRENT_DATA_SET, MGMT_CURRENT_DS_LEN);

	if (err) {
		return err;
	}
	out->stepsRemoved = get_be16(d + CDS_STEPS);
	out->offsetFromMaster = (int64_t)get_be64(d + CDS_OFFSET);
	out->meanDelay = (int64_t)get_be64(d + CDS_DELAY);
	return 0;
}

int mgmt_put_current_ds(struct tlv_writer *w, const struct current_ds *ds)
{
	uint8_t *d = data_begin(w, MID_CURRENT_DATA_SET, MGMT_CURRENT_DS_LEN);

	if (!d) {
		return w->err;
	}
	put_be16(d + CDS_STEPS, ds->stepsRemoved);
	put_be64(d + CDS_OFFSET, (uint64_t)ds->offsetFromMaster);
	put_be64(d + CDS_DELAY, (uint64_t)ds->meanDelay);
	return 0;
}

int mgmt_get_parent_ds(const struct mgmt_tlv *t, struct parent_ds *out)
{
	const uint8_t *d = t->data;
	int err = data_check(t, MID_PARENT_DATA_SET, MGMT_PARENT_DS_LEN);

	if (err) {
		return err;
	}
	codec_get_pid(d + PDS_PARENT, &out->parentPortIdentity);
	out->parentStats = d[PDS_FLAGS] & PDS_FLAG_PS;
	out->observedParentOffsetScaledLogVariance =
		get_be16(d + PDS_VARIANCE);
	out->observedParentClockPhaseChangeRate =
		(int32_t)get_be32(d + PDS_RATE);
	out->grandmasterPriority1 = d[PDS_GM_PRIORITY1];
	codec_get_cq(d + PDS_GM_QUALITY, &out->grandmasterClockQuality);
	out->grandmasterPriority2 = d[PDS_GM_PRIORITY2];
	codec_get_cid(d + PDS_GM_IDENTITY, &out->grandmasterIdentity);
	return 0;
}

int mgmt_put_parent_ds(struct tlv_writer *w, const struct parent_ds *ds)
{
	uint8_t *d = data_begin(w, MID_PARENT_DATA_SET, MGMT_PARENT_DS_LEN);

	if (!d) {
		return w->err;
	}
	codec_put_pid(d + PDS_PARENT, &ds->parentPortIdentity);
	d[PDS_FLAGS] = ds->parentStats ? PDS_FLAG_PS : 0;
	put_be16(d + PDS_VARIANCE, ds->observedParentOffsetScaledLogVariance);
	put_be32(d + PDS_RATE,
		 (uint32_t)ds->observedParentClockPhaseChangeRate);
	d[PDS_GM_PRIORITY1] = ds->grandmasterPriority1;
	codec_put_cq(d + PDS_GM_QUALITY, &ds->grandmasterClockQuality);
	d[PDS_GM_PRIORITY2] = ds->grandmasterPriority2;
	codec_put_cid(d + PDS_GM_IDENTITY, &ds->grandmasterIdentity);
	return 0;
}

int mgmt_get_time_properties_ds(const struct mgmt_tlv *t,
				struct time_properties_ds *out)
{
	const uint8_t *d = t->data;
	int err = data_check(t, MID_TIME_PROPERTIES_DATA_SET,
			     MGMT_TIME_PROPERTIES_DS_LEN);
	uint8_t f;

	if (err) {
		return err;
	}
	f = d[TPDS_FLAGS];
	out->currentUtcOffset = (int16_t)get_be16(d + TPDS_UTC_OFFSET);
	out->leap61 = f & TPDS_FLAG_LI61;
	out->leap59 = f & TPDS_FLAG_LI59;
	out->currentUtcOffsetValid = f & TPDS_FLAG_UTCV;
	out->ptpTimescale = f & TPDS_FLAG_PTP;
	out->timeTraceable = f & TPDS_FLAG_TTRA;
	out->frequencyTraceable = f & TPDS_FLAG_FTRA;
	out->timeSource = d[TPDS_TIME_SOURCE];
	return 0;
}

int mgmt_put_time_properties_ds(struct tlv_writer *w,
				const struct time_properties_ds *ds)
{
	uint8_t *d = data_begin(w, MID_TIME_PROPERTIES_DATA_SET,
				MGMT_TIME_PROPERTIES_DS_LEN);

	if (!d) {
		return w->err;
	}
	put_be16(d + TPDS_UTC_OFFSET, (uint16_t)ds->currentUtcOffset);
	d[TPDS_FLAGS] = (ds->leap61 ? TPDS_FLAG_LI61 : 0) |
			(ds->leap59 ? TPDS_FLAG_LI59 : 0) |
			(ds->currentUtcOffsetValid ? TPDS_FLAG_UTCV : 0) |
			(ds->ptpTimescale ? TPDS_FLAG_PTP : 0) |
			(ds->timeTraceable ? TPDS_FLAG_TTRA : 0) |
			(ds->frequencyTraceable ? TPDS_FLAG_FTRA : 0);
	d[TPDS_TIME_SOURCE] = ds->timeSource;
	return 0;
}

/*
 * The versionNumber octet is minorVersionNumber:4 | versionNumber:4
 * (1588-2019 Table 83). linuxptp 3.1.1 sends 0x02 (minor 0) and its pmc
 * prints the whole octet, so a peer sending 0x12 shows there as 18.
 * Fields not in this data field (delayAsymmetry, portEnable, masterOnly)
 * are left false/0 by the getter.
 */
int mgmt_get_port_ds(const struct mgmt_tlv *t, struct port_ds *out)
{
	const uint8_t *d = t->data;
	int err = data_check(t, MID_PORT_DATA_SET, MGMT_PORT_DS_LEN);

	if (err) {
		return err;
	}
	memset(out, 0, sizeof(*out));
	codec_get_pid(d + PORTDS_IDENTITY, &out->portIdentity);
	out->portState = d[PORTDS_STATE];
	out->logMinDelayReqInterval = (int8_t)d[PORTDS_DELAY_REQ];
	out->meanLinkDelay = (int64_t)get_be64(d + PORTDS_PEER_DELAY);
	out->logAnnounceInterval = (int8_t)d[PORTDS_ANNOUNCE];
	out->announceReceiptTimeout = d[PORTDS_RECEIPT];
	out->logSyncInterval = (int8_t)d[PORTDS_SYNC];
	out->delayMechanism = d[PORTDS_MECHANISM];
	out->logMinPdelayReqInterval = (int8_t)d[PORTDS_PDELAY_REQ];
	out->versionNumber = d[PORTDS_VERSION] & 0xF;
	out->minorVersionNumber = d[PORTDS_VERSION] >> 4;
	return 0;
}

int mgmt_put_port_ds(struct tlv_writer *w, const struct port_ds *ds)
{
	uint8_t *d;

	if (ds->versionNumber > 0xF || ds->minorVersionNumber > 0xF) {
		return put_inval(w);
	}
	d = data_begin(w, MID_PORT_DATA_SET, MGMT_PORT_DS_LEN);
	if (!d) {
		return w->err;
	}
	codec_put_pid(d + PORTDS_IDENTITY, &ds->portIdentity);
	d[PORTDS_STATE] = ds->portState;
	d[PORTDS_DELAY_REQ] = (uint8_t)ds->logMinDelayReqInterval;
	put_be64(d + PORTDS_PEER_DELAY, (uint64_t)ds->meanLinkDelay);
	d[PORTDS_ANNOUNCE] = (uint8_t)ds->logAnnounceInterval;
	d[PORTDS_RECEIPT] = ds->announceReceiptTimeout;
	d[PORTDS_SYNC] = (uint8_t)ds->logSyncInterval;
	d[PORTDS_MECHANISM] = ds->delayMechanism;
	d[PORTDS_PDELAY_REQ] = (uint8_t)ds->logMinPdelayReqInterval;
	d[PORTDS_VERSION] = (uint8_t)(ds->minorVersionNumber << 4 |
				      ds->versionNumber);
	return 0;
}

/* ---- CLOCK_DESCRIPTION (15.5.3.1.2) ----------------------------------- */

/* A bounds-checked reader over a data field. */
struct rd {
	const uint8_t *p;
	size_t left;
	int bad;
};

static const uint8_t *rd_take(struct rd *r, size_t n)
{
	const uint8_t *p = r->p;

	if (r->bad || n > r->left) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return n ? p : NULL;
}

static uint16_t rd_u16(struct rd *r)
{
	const uint8_t *p = rd_take(r, 2);

	return p ? get_be16(p) : 0;
}

static void rd_text(struct rd *r, struct ptp_text *t)
{
	const uint8_t *p = rd_take(r, 1);

	t->length = p ? *p : 0;
	t->text = rd_take(r, t->length);
	if (r->bad) {
		t->length = 0;
	}
}

static void rd_copy(struct rd *r, uint8_t *dst, size_t n)
{
	const uint8_t *p = rd_take(r, n);

	if (p) {
		memcpy(dst, p, n);
	}
}

int mgmt_get_clock_description(const struct mgmt_tlv *t,
			       struct mgmt_clock_description *out)
{
	struct rd r = { .p = t->data, .left = t->data_len };
	int err = data_check(t, MID_CLOCK_DESCRIPTION, 0);

	if (err) {
		return err;
	}
	memset(out, 0, sizeof(*out));
	out->clockType = rd_u16(&r);
	rd_text(&r, &out->physicalLayerProtocol);
	out->physicalAddressLength = rd_u16(&r);
	out->physicalAddress = rd_take(&r, out->physicalAddressLength);
	out->networkProtocol = rd_u16(&r);
	out->addressLength = rd_u16(&r);
	out->addressField = rd_take(&r, out->addressLength);
	rd_copy(&r, out->manufacturerIdentity, 3);
	rd_take(&r, 1);			/* reserved */
	rd_text(&r, &out->productDescription);
	rd_text(&r, &out->revisionData);
	rd_text(&r, &out->userDescription);
	rd_copy(&r, out->profileIdentity, 6);
	if (r.bad) {
		memset(out, 0, sizeof(*out));
		return -PTP_E_TLV_BODY;
	}
	return 0;
}

static int text_ok(const struct ptp_text *t)
{
	return !t->length || t->text;
}

static uint8_t *put_text(uint8_t *p, const struct ptp_text *t)
{
	*p++ = t->length;
	if (t->length) {
		memcpy(p, t->text, t->length);
	}
	return p + t->length;
}

static uint8_t *put_bytes16(uint8_t *p, const uint8_t *b, uint16_t n)
{
	put_be16(p, n);
	if (n) {
		memcpy(p + 2, b, n);
	}
	return p + 2 + n;
}

int mgmt_put_clock_description(struct tlv_writer *w,
			       const struct mgmt_clock_description *cd)
{
	size_t dlen;
	uint8_t *p;

	if (!text_ok(&cd->physicalLayerProtocol) ||
	    !text_ok(&cd->productDescription) ||
	    !text_ok(&cd->revisionData) || !text_ok(&cd->userDescription) ||
	    (cd->physicalAddressLength && !cd->physicalAddress) ||
	    (cd->addressLength && !cd->addressField)) {
		return put_inval(w);
	}
	dlen = 2 + 1 + (size_t)cd->physicalLayerProtocol.length +
	       2 + cd->physicalAddressLength +
	       2 + 2 + cd->addressLength +
	       3 + 1 +
	       1 + (size_t)cd->productDescription.length +
	       1 + (size_t)cd->revisionData.length +
	       1 + (size_t)cd->userDescription.length +
	       6;
	p = data_begin(w, MID_CLOCK_DESCRIPTION, dlen);
	if (!p) {
		return w->err;
	}
	put_be16(p, cd->clockType);
	p = put_text(p + 2, &cd->physicalLayerProtocol);
	p = put_bytes16(p, cd->physicalAddress, cd->physicalAddressLength);
	put_be16(p, cd->networkProtocol);
	p = put_bytes16(p + 2, cd->addressField, cd->addressLength);
	memcpy(p, cd->manufacturerIdentity, 3);
	p += 4;				/* and the reserved octet */
	p = put_text(p, &cd->productDescription);
	p = put_text(p, &cd->revisionData);
	p = put_text(p, &cd->userDescription);
	memcpy(p, cd->profileIdentity, 6);
	return 0;
}
