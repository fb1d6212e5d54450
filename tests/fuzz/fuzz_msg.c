/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_msg - libFuzzer target for the PTP codec (msg.c, tlv.c, mgmt.c).
 *
 * Every input is decoded with ptp_msg_unpack(). When it is accepted:
 *   - every TLV is walked (the walk must not fail: unpack checked framing),
 *     decoded with its tlv_get_*(), re-encoded with the matching
 *     tlv_put_*() and decoded again, and both decodings must agree;
 *   - a management message's TLV goes through mgmt_tlv_get() and the
 *     data field through the matching mgmt_get_*(), then the same
 *     put/get agreement check;
 *   - the message is re-packed, and the bytes must equal the input's first
 *     messageLength octets, except reserved fields, which must come out
 *     zero (Announce octet 46, Pdelay_Req 44..53, Management's reserved
 *     nibble and octet 47): unpack drops them, pack writes zero.
 * The input is also walked as a bare TLV area. Any disagreement abort()s.
 *
 * Built with -DFUZZ_MSG_GEN_CORPUS instead, this file is a program that
 * writes the seed corpus (valid messages of every type) into a directory:
 *   clang -DFUZZ_MSG_GEN_CORPUS -Icommon tests/fuzz/fuzz_msg.c \
 *     common/msg.c common/tlv.c common/mgmt.c -o /tmp/gen && \
 *     /tmp/gen tests/fuzz/corpus/fuzz_msg
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt.h"
#include "msg.h"
#include "tlv.h"
#include "fuzz_util.h"

static int same(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

static int text_eq(const struct ptp_text *a, const struct ptp_text *b)
{
	return a->length == b->length && same(a->text, b->text, a->length);
}

/* Decode the single TLV a writer holds. */
static struct tlv_raw reread(const struct tlv_writer *w)
{
	struct ptp_msg m = { .tlv = w->buf, .tlv_len = (uint16_t)w->len };
	struct tlv_iter it;
	struct tlv_raw t;

	CHECK(w->err == 0);
	CHECK(tlv_area_check(w->buf, w->len) == 0);
	tlv_iter_init(&it, &m);
	CHECK(tlv_iter_next(&it, &t) == 1);
	return t;
}

/* get -> put -> get must give the same fields. */
static void tlv_roundtrip(const struct tlv_raw *t)
{
	/* Any TLV of the input fits, even in a bare area of 64 KiB. */
	static uint8_t buf[UINT16_MAX + 2 * TLV_HDR_LEN];
	struct tlv_writer w;
	struct tlv_raw r;

	tlv_writer_init(&w, buf, sizeof(buf));
	switch (t->type) {
	case TLV_ORGANIZATION_EXTENSION:
	case TLV_ORGANIZATION_EXTENSION_PROPAGATE:
	case TLV_ORGANIZATION_EXTENSION_DO_NOT_PROPAGATE: {
		struct tlv_org a, b;

		if (tlv_get_org(t, &a)) {
			return;
		}
		CHECK(tlv_put_org(&w, t->type, &a) == 0);
		r = reread(&w);
		CHECK(r.type == t->type && r.length == t->length);
		CHECK(same(r.value, t->value, t->length));
		CHECK(tlv_get_org(&r, &b) == 0);
		CHECK(same(a.organizationId, b.organizationId, 3));
		CHECK(same(a.organizationSubType, b.organizationSubType, 3));
		CHECK(a.data_len == b.data_len);
		CHECK(same(a.data, b.data, a.data_len));
		break;
	}
	case TLV_REQUEST_UNICAST_TRANSMISSION: {
		struct tlv_unicast_request a, b;

		if (tlv_get_unicast_request(t, &a)) {
			return;
		}
		CHECK(tlv_put_unicast_request(&w, &a) == 0);
		r = reread(&w);
		CHECK(tlv_get_unicast_request(&r, &b) == 0);
		CHECK(a.messageType == b.messageType);
		CHECK(a.logInterMessagePeriod == b.logInterMessagePeriod);
		CHECK(a.durationField == b.durationField);
		break;
	}
	case TLV_GRANT_UNICAST_TRANSMISSION: {
		struct tlv_unicast_grant a, b;

		if (tlv_get_unicast_grant(t, &a)) {
			return;
		}
		CHECK(tlv_put_unicast_grant(&w, &a) == 0);
		r = reread(&w);
		CHECK(tlv_get_unicast_grant(&r, &b) == 0);
		CHECK(a.messageType == b.messageType);
		CHECK(a.logInterMessagePeriod == b.logInterMessagePeriod);
		CHECK(a.durationField == b.durationField);
		CHECK(a.renewalInvited == b.renewalInvited);
		break;
	}
	case TLV_CANCEL_UNICAST_TRANSMISSION:
	case TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION: {
		struct tlv_unicast_cancel a, b;

		if (tlv_get_unicast_cancel(t, &a)) {
			return;
		}
		CHECK(tlv_put_unicast_cancel(&w, t->type, &a) == 0);
		r = reread(&w);
		CHECK(r.type == t->type);
		CHECK(tlv_get_unicast_cancel(&r, &b) == 0);
		CHECK(a.messageType == b.messageType);
		break;
	}
	case TLV_PATH_TRACE: {
		struct tlv_path_trace a, b;

		if (tlv_get_path_trace(t, &a)) {
			return;
		}
		CHECK(a.count * 8 == t->length);
		CHECK(tlv_put_path_trace(&w,
			(const struct clock_identity *)a.ids, a.count) == 0);
		r = reread(&w);
		CHECK(r.length == t->length && same(r.value, t->value,
						    t->length));
		CHECK(tlv_get_path_trace(&r, &b) == 0);
		CHECK(a.count == b.count);
		break;
	}
	case TLV_ALTERNATE_TIME_OFFSET_INDICATOR: {
		struct tlv_alt_time_offset a, b;

		if (tlv_get_alt_time_offset(t, &a)) {
			return;
		}
		CHECK(tlv_put_alt_time_offset(&w, &a) == 0);
		r = reread(&w);
		CHECK(tlv_get_alt_time_offset(&r, &b) == 0);
		CHECK(a.keyField == b.keyField);
		CHECK(a.currentOffset == b.currentOffset);
		CHECK(a.jumpSeconds == b.jumpSeconds);
		CHECK(a.timeOfNextJump == b.timeOfNextJump);
		CHECK(text_eq(&a.displayName, &b.displayName));
		break;
	}
	case TLV_AUTHENTICATION: {
		struct tlv_auth a, b;

		if (tlv_get_auth(t, &a)) {
			return;
		}
		CHECK(tlv_put_auth(&w, &a) == 0);
		r = reread(&w);
		CHECK(r.length == t->length && same(r.value, t->value,
						    t->length));
		CHECK(tlv_get_auth(&r, &b) == 0);
		CHECK(a.spp == b.spp && a.keyID == b.keyID);
		CHECK(a.secParamIndicator == b.secParamIndicator);
		CHECK(a.rest_len == b.rest_len);
		break;
	}
	default:
		/* Unknown (or PAD): returned raw, skipped by length. */
		break;
	}
}

static void walk_tlvs(const struct ptp_msg *m, int must_frame)
{
	struct tlv_iter it;
	struct tlv_raw t;
	int rc;

	tlv_iter_init(&it, m);
	while ((rc = tlv_iter_next(&it, &t)) > 0) {
		CHECK(t.value >= m->tlv &&
		      t.value + t.length <= m->tlv + m->tlv_len);
		tlv_roundtrip(&t);
	}
	CHECK(rc == 0 || (!must_frame && rc == -PTP_E_TLV));
}

/* A MANAGEMENT TLV re-read from a writer. */
static struct mgmt_tlv mgmt_reread(const struct tlv_writer *w)
{
	struct ptp_msg m;
	struct mgmt_tlv t;

	memset(&m, 0, sizeof(m));
	ptp_header_init(&m.hdr, PTP_MANAGEMENT);
	m.tlv = w->buf;
	m.tlv_len = (uint16_t)w->len;
	CHECK(w->err == 0);
	CHECK(mgmt_tlv_get(&m, &t) == 0);
	CHECK(t.data_len % 2 == 0);
	return t;
}

static void mgmt_roundtrip(const struct mgmt_tlv *t)
{
	/* Any TLV of the input fits, even in a bare area of 64 KiB. */
	static uint8_t buf[UINT16_MAX + 2 * TLV_HDR_LEN];
	struct tlv_writer w;
	struct mgmt_tlv r;

	tlv_writer_init(&w, buf, sizeof(buf));
	switch (t->managementId) {
	case MID_DEFAULT_DATA_SET: {
		struct default_ds a, b;

		if (mgmt_get_default_ds(t, &a)) {
			return;
		}
		CHECK(mgmt_put_default_ds(&w, &a) == 0);
		r = mgmt_reread(&w);
		CHECK(mgmt_get_default_ds(&r, &b) == 0);
		CHECK(same(&a.clockIdentity, &b.clockIdentity, 8));
		CHECK(a.numberPorts == b.numberPorts);
		CHECK(a.priority1 == b.priority1 && a.priority2 == b.priority2);
		CHECK(a.clockQuality.clockClass == b.clockQuality.clockClass);
		CHECK(a.clockQuality.clockAccuracy ==
		      b.clockQuality.clockAccuracy);
		CHECK(a.clockQuality.offsetScaledLogVariance ==
		      b.clockQuality.offsetScaledLogVariance);
		CHECK(a.domainNumber == b.domainNumber);
		CHECK(a.twoStepFlag == b.twoStepFlag);
		CHECK(a.slaveOnly == b.slaveOnly);
		break;
	}
	case MID_CURRENT_DATA_SET: {
		struct current_ds a, b;

		if (mgmt_get_current_ds(t, &a)) {
			return;
		}
		CHECK(mgmt_put_current_ds(&w, &a) == 0);
		r = mgmt_reread(&w);
		CHECK(same(r.data, t->data, MGMT_CURRENT_DS_LEN));
		CHECK(mgmt_get_current_ds(&r, &b) == 0);
		CHECK(a.stepsRemoved == b.stepsRemoved);
		CHECK(a.offsetFromMaster == b.offsetFromMaster);
		CHECK(a.meanDelay == b.meanDelay);
		break;
	}
	case MID_PARENT_DATA_SET: {
		struct parent_ds a, b;

		if (mgmt_get_parent_ds(t, &a)) {
			return;
		}
		CHECK(mgmt_put_parent_ds(&w, &a) == 0);
		r = mgmt_reread(&w);
		CHECK(mgmt_get_parent_ds(&r, &b) == 0);
		CHECK(same(&a.parentPortIdentity.clockIdentity,
			   &b.parentPortIdentity.clockIdentity, 8));
		CHECK(a.parentPortIdentity.portNumber ==
		      b.parentPortIdentity.portNumber);
		CHECK(a.parentStats == b.parentStats);
		CHECK(a.observedParentOffsetScaledLogVariance ==
		      b.observedParentOffsetScaledLogVariance);
		CHECK(a.observedParentClockPhaseChangeRate ==
		      b.observedParentClockPhaseChangeRate);
		CHECK(same(&a.grandmasterIdentity, &b.grandmasterIdentity, 8));
		CHECK(a.grandmasterPriority1 == b.grandmasterPriority1);
		CHECK(a.grandmasterPriority2 == b.grandmasterPriority2);
		CHECK(a.grandmasterClockQuality.clockClass ==
		      b.grandmasterClockQuality.clockClass);
		break;
	}
	case MID_TIME_PROPERTIES_DATA_SET: {
		struct time_properties_ds a, b;

		if (mgmt_get_time_properties_ds(t, &a)) {
			return;
		}
		CHECK(mgmt_put_time_properties_ds(&w, &a) == 0);
		r = mgmt_reread(&w);
		CHECK(mgmt_get_time_properties_ds(&r, &b) == 0);
		CHECK(a.currentUtcOffset == b.currentUtcOffset);
		CHECK(a.currentUtcOffsetValid == b.currentUtcOffsetValid);
		CHECK(a.leap59 == b.leap59 && a.leap61 == b.leap61);
		CHECK(a.timeTraceable == b.timeTraceable);
		CHECK(a.frequencyTraceable == b.frequencyTraceable);
		CHECK(a.ptpTimescale == b.ptpTimescale);
		CHECK(a.timeSource == b.timeSource);
		break;
	}
	case MID_PORT_DATA_SET: {
		struct port_ds a, b;

		if (mgmt_get_port_ds(t, &a)) {
			return;
		}
		CHECK(mgmt_put_port_ds(&w, &a) == 0);
		r = mgmt_reread(&w);
		CHECK(same(r.data, t->data, MGMT_PORT_DS_LEN));
		CHECK(mgmt_get_port_ds(&r, &b) == 0);
		CHECK(a.portState == b.portState);
		CHECK(a.meanLinkDelay == b.meanLinkDelay);
		CHECK(a.versionNumber == b.versionNumber);
		CHECK(a.minorVersionNumber == b.minorVersionNumber);
		break;
	}
	case MID_CLOCK_DESCRIPTION: {
		struct mgmt_clock_description a, b;

		if (mgmt_get_clock_description(t, &a)) {
			return;
		}
		CHECK(mgmt_put_clock_description(&w, &a) == 0);
		r = mgmt_reread(&w);
		CHECK(mgmt_get_clock_description(&r, &b) == 0);
		CHECK(a.clockType == b.clockType);
		CHECK(text_eq(&a.physicalLayerProtocol,
			      &b.physicalLayerProtocol));
		CHECK(a.physicalAddressLength == b.physicalAddressLength);
		CHECK(same(a.physicalAddress, b.physicalAddress,
			   a.physicalAddressLength));
		CHECK(a.networkProtocol == b.networkProtocol);
		CHECK(a.addressLength == b.addressLength);
		CHECK(same(a.addressField, b.addressField, a.addressLength));
		CHECK(same(a.manufacturerIdentity, b.manufacturerIdentity, 3));
		CHECK(text_eq(&a.productDescription, &b.productDescription));
		CHECK(text_eq(&a.revisionData, &b.revisionData));
		CHECK(text_eq(&a.userDescription, &b.userDescription));
		CHECK(same(a.profileIdentity, b.profileIdentity, 6));
		break;
	}
	default:
		break;
	}
}

/* An error status re-encodes to the same fields, displayData included
 * (absent, empty or text). */
static void mgmt_error_roundtrip(const struct mgmt_tlv *t)
{
	static uint8_t tbuf[PTP_MSG_MAX], mbuf[PTP_MSG_MAX];
	struct ptp_msg m, got;
	struct tlv_writer w;
	struct mgmt_tlv t2;
	int n;

	tlv_writer_init(&w, tbuf, sizeof(tbuf));
	CHECK(mgmt_put_error_text(&w, t->managementErrorId, t->managementId,
				  t->display_present ? &t->displayData :
						       NULL) == 0);
	memset(&m, 0, sizeof(m));
	ptp_header_init(&m.hdr, PTP_MANAGEMENT);
	m.tlv = tbuf;
	m.tlv_len = (uint16_t)w.len;
	n = ptp_msg_pack(&m, mbuf, sizeof(mbuf));
	CHECK(n > 0);
	CHECK(ptp_msg_unpack(mbuf, (size_t)n, &got) == 0);
	CHECK(mgmt_tlv_get(&got, &t2) == 0);
	CHECK(t2.managementErrorId == t->managementErrorId);
	CHECK(t2.managementId == t->managementId);
	CHECK(t2.display_present == t->display_present);
	CHECK(text_eq(&t2.displayData, &t->displayData));
}

static void check_mgmt(const struct ptp_msg *m)
{
	struct mgmt_tlv t;
	int rc = mgmt_tlv_get(m, &t);

	/* unpack guaranteed the TLV is there and of the right kind. */
	CHECK(rc == 0 || rc == -PTP_E_TLV_BODY);
	if (rc) {
		return;
	}
	CHECK(t.tlvType == TLV_MANAGEMENT ||
	      t.tlvType == TLV_MANAGEMENT_ERROR_STATUS);
	if (t.tlvType == TLV_MANAGEMENT) {
		CHECK(t.data_len == 0 || t.data >= m->tlv);
		mgmt_roundtrip(&t);
	} else {
		mgmt_error_roundtrip(&t);
	}
}

/* The input with its reserved fields cleared: what pack must produce. */
static void clear_reserved(uint8_t *p, int type)
{
	switch (type) {
	case PTP_ANNOUNCE:
		p[46] = 0;
		break;
	case PTP_PDELAY_REQ:
		memset(p + 44, 0, 10);
		break;
	case PTP_MANAGEMENT:
		p[46] &= 0x0f;
		p[47] = 0;
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[PTP_MSG_MAX], want[PTP_MSG_MAX];
	struct ptp_msg m, again, raw;
	int rc;

	/* The input as a bare TLV area: framing errors are allowed. */
	memset(&raw, 0, sizeof(raw));
	raw.tlv = data;
	raw.tlv_len = (uint16_t)(size > UINT16_MAX ? UINT16_MAX : size);
	CHECK(tlv_area_check(raw.tlv, raw.tlv_len) == 0 ||
	      tlv_area_check(raw.tlv, raw.tlv_len) == -PTP_E_TLV);
	walk_tlvs(&raw, 0);

	rc = ptp_msg_unpack(data, size, &m);
	CHECK(rc <= 0 && rc > -PTP_E_COUNT && rc != -PTP_E_NOSPACE &&
	      rc != -PTP_E_INVAL && rc != -PTP_E_TLV_BODY);
	CHECK(ptp_err_str(rc) != NULL);
	if (rc) {
		return 0;
	}
	CHECK(m.hdr.messageLength <= size);
	CHECK(m.hdr.messageLength ==
	      PTP_HEADER_LEN + ptp_msg_body_len(m.hdr.messageType) +
	      m.tlv_len);
	CHECK(ptp_msg_type_str(m.hdr.messageType)[0] != '?');

	walk_tlvs(&m, 1);
	if (m.hdr.messageType == PTP_MANAGEMENT) {
		check_mgmt(&m);
	}

	rc = ptp_msg_pack(&m, out, sizeof(out));
	CHECK(rc == m.hdr.messageLength);
	memcpy(want, data, (size_t)rc);
	clear_reserved(want, m.hdr.messageType);
	CHECK(memcmp(out, want, (size_t)rc) == 0);

	/* And what we packed decodes and packs to itself. */
	CHECK(ptp_msg_unpack(out, (size_t)rc, &again) == 0);
	CHECK(ptp_msg_pack(&again, want, sizeof(want)) == rc);
	CHECK(memcmp(out, want, (size_t)rc) == 0);
	return 0;
}

#ifdef FUZZ_MSG_GEN_CORPUS
/* ---- seed corpus generator (run once, output committed) --------------- */

static const char *gen_dir;
static int gen_count;

static void gen_write(const char *name, const struct ptp_msg *m)
{
	uint8_t buf[PTP_MSG_MAX];
	char path[512];
	int len = ptp_msg_pack(m, buf, sizeof(buf));
	FILE *f;

	CHECK(len > 0);
	LLVMFuzzerTestOneInput(buf, (size_t)len);	/* must pass itself */
	snprintf(path, sizeof(path), "%s/%s", gen_dir, name);
	f = fopen(path, "wb");
	CHECK(f && fwrite(buf, 1, (size_t)len, f) == (size_t)len);
	fclose(f);
	gen_count++;
}

static void gen_hdr(struct ptp_msg *m, int type, uint16_t seq)
{
	static const struct port_identity src = {
		{ { 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x10, 0x00, 0x01 } }, 1
	};

	memset(m, 0, sizeof(*m));
	ptp_header_init(&m->hdr, type);
	m->hdr.sourcePortIdentity = src;
	m->hdr.sequenceId = seq;
}

int main(int argc, char **argv)
{
	static const struct clock_identity ids[3] = {
		{ { 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x10, 0x00, 0x01 } },
		{ { 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x10, 0x00, 0x02 } },
		{ { 0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 } },
	};
	static const uint8_t org_data[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0 };
	static const uint8_t icv[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t tbuf[PTP_MSG_MAX];
	struct tlv_writer w;
	struct ptp_msg m;
	int t;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	gen_dir = argv[1];

	/* Event and general messages without TLVs. */
	for (t = 0; t < 16; t++) {
		char name[64];

		if (ptp_msg_body_len(t) < 0 || t == PTP_MANAGEMENT) {
			continue;
		}
		gen_hdr(&m, t, (uint16_t)(100 + t));
		m.hdr.logMessageInterval = 0;
		switch (t) {
		case PTP_SYNC:
			m.hdr.flagField = PTP_FLAG_TWO_STEP;
			break;
		case PTP_FOLLOW_UP:
			m.body.follow_up.preciseOriginTimestamp.seconds =
				1700000000;
			m.body.follow_up.preciseOriginTimestamp.nanoseconds =
				123456789;
			m.hdr.correctionField = -0x18000;
			break;
		case PTP_DELAY_RESP:
			m.body.delay_resp.receiveTimestamp.seconds = 17;
			m.body.delay_resp.requestingPortIdentity.portNumber = 2;
			break;
		case PTP_PDELAY_RESP:
		case PTP_PDELAY_RESP_FOLLOW_UP:
			m.body.pdelay_resp.timestamp.nanoseconds = 999999999;
			break;
		case PTP_ANNOUNCE:
			m.body.announce.currentUtcOffset = 37;
			m.body.announce.grandmasterPriority1 = 128;
			m.body.announce.grandmasterClockQuality.clockClass = 6;
			m.body.announce.grandmasterIdentity = ids[0];
			m.body.announce.timeSource = 0x20;
			m.hdr.flagField = PTP_FLAG_PTP_TIMESCALE |
					  PTP_FLAG_UTC_OFFSET_VALID;
			break;
		default:
			break;
		}
		snprintf(name, sizeof(name), "%02x-%s", t,
			 ptp_msg_type_str(t));
		gen_write(name, &m);
	}

	/* Announce with PATH_TRACE; gPTP Follow_Up with an org TLV. */
	gen_hdr(&m, PTP_ANNOUNCE, 7);
	tlv_writer_init(&w, tbuf, sizeof(tbuf));
	tlv_put_path_trace(&w, ids, 3);
	m.tlv = tbuf;
	m.tlv_len = (uint16_t)w.len;
	gen_write("0b-announce-path-trace", &m);

	gen_hdr(&m, PTP_FOLLOW_UP, 8);
	m.hdr.majorSdoId = 1;
	tlv_writer_init(&w, tbuf, sizeof(tbuf));
	tlv_put_org(&w, TLV_ORGANIZATION_EXTENSION, &(struct tlv_org){
		{ 0x00, 0x80, 0xc2 }, { 0, 0, 1 }, org_data,
		sizeof(org_data) });
	m.tlv = tbuf;
	m.tlv_len = (uint16_t)w.len;
	gen_write("08-follow-up-org", &m);

	/* Signaling: unicast negotiation, and the other TLV types. */
	gen_hdr(&m, PTP_SIGNALING, 9);
	memset(&m.body.signaling.targetPortIdentity, 0xff, 10);
	tlv_writer_init(&w, tbuf, sizeof(tbuf));
	tlv_put_unicast_request(&w, &(struct tlv_unicast_request){
		PTP_ANNOUNCE, -2, 60 });
	tlv_put_unicast_request(&w, &(struct tlv_unicast_request){
		PTP_SYNC, -3, 60 });
	tlv_put_unicast_grant(&w, &(struct tlv_unicast_grant){
		PTP_DELAY_RESP, -3, 60, true });
	tlv_put_unicast_cancel(&w, TLV_CANCEL_UNICAST_TRANSMISSION,
			       &(struct tlv_unicast_cancel){ PTP_SYNC });
	tlv_put_unicast_cancel(&w, TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION,
			       &(struct tlv_unicast_cancel){ PTP_ANNOUNCE });
	m.tlv = tbuf;
	m.tlv_len = (uint16_t)w.len;
	gen_write("0c-signaling-unicast", &m);

	tlv_writer_init(&w, tbuf, sizeof(tbuf));
	tlv_put_alt_time_offset(&w, &(struct tlv_alt_time_offset){
		1, 3600, -3600, 1700000000,
		{ 3, (const uint8_t *)"CET" } });
	tlv_put_auth(&w, &(struct tlv_auth){ 1, 0, 7, icv, sizeof(icv) });
	tlv_put_org(&w, TLV_ORGANIZATION_EXTENSION_PROPAGATE,
		    &(struct tlv_org){ { 1, 2, 3 }, { 4, 5, 6 }, NULL, 0 });
	tlv_put_org(&w, TLV_ORGANIZATION_EXTENSION_DO_NOT_PROPAGATE,
		    &(struct tlv_org){ { 1, 2, 3 }, { 4, 5, 6 }, icv, 3 });
	tlv_put_raw(&w, 0x7ff0, "xyz", 3);
	tlv_put_pad(&w, 6);
	m.tlv = tbuf;
	m.tlv_len = (uint16_t)w.len;
	gen_write("0c-signaling-misc", &m);

	/* Management: GET, responses with each data field, error status. */
	{
		struct default_ds dds = { ids[0], 1, { 248, 0xfe, 0xffff },
					  128, 128, 0, true, false, 0 };
		struct current_ds cds = { 1, -(1000 << 16), 50000LL << 16 };
		struct parent_ds pds = { { ids[1], 1 }, false, 0xffff,
					 0x7fffffff, ids[1],
					 { 6, 0x21, 0x4e5d }, 1, 128 };
		struct time_properties_ds tp = { 37, true, false, false, true,
						 true, true, 0x20 };
		struct port_ds pd = { .portIdentity = { ids[0], 1 },
				      .portState = PS_SLAVE,
				      .logAnnounceInterval = 1,
				      .announceReceiptTimeout = 3,
				      .delayMechanism = DM_E2E,
				      .versionNumber = 2,
				      .minorVersionNumber = 1 };
		static const uint8_t mac[6] = { 2, 0, 0x5e, 0x10, 0, 1 };
		static const uint8_t ip[4] = { 192, 0, 2, 1 };
		struct mgmt_clock_description cd = {
			CLOCK_TYPE_BOUNDARY,
			{ 10, (const uint8_t *)"IEEE 802.3" }, 6, mac, 1, 4,
			ip, { 0, 0, 0 }, { 8, (const uint8_t *)"Meridian" },
			{ 3, (const uint8_t *)"0.1" }, { 0, NULL },
			{ 0x00, 0x1b, 0x19, 0x00, 0x01, 0x00 } };
		static const char *const names[] = {
			"0d-mgmt-get", "0d-mgmt-default-ds",
			"0d-mgmt-current-ds", "0d-mgmt-parent-ds",
			"0d-mgmt-time-properties-ds", "0d-mgmt-port-ds",
			"0d-mgmt-clock-description", "0d-mgmt-error",
		};
		int k;

		for (k = 0; k < 8; k++) {
			gen_hdr(&m, PTP_MANAGEMENT, (uint16_t)(200 + k));
			memset(&m.body.management.targetPortIdentity, 0xff,
			       10);
			m.body.management.startingBoundaryHops = 1;
			m.body.management.boundaryHops = 1;
			m.body.management.actionField = k ? PTP_MGMT_RESPONSE :
							    PTP_MGMT_GET;
			tlv_writer_init(&w, tbuf, sizeof(tbuf));
			if (k == 0) {
				mgmt_put_empty(&w, MID_DEFAULT_DATA_SET);
			} else if (k == 1) {
				mgmt_put_default_ds(&w, &dds);
			} else if (k == 2) {
				mgmt_put_current_ds(&w, &cds);
			} else if (k == 3) {
				mgmt_put_parent_ds(&w, &pds);
			} else if (k == 4) {
				mgmt_put_time_properties_ds(&w, &tp);
			} else if (k == 5) {
				mgmt_put_port_ds(&w, &pd);
			} else if (k == 6) {
				mgmt_put_clock_description(&w, &cd);
			} else {
				mgmt_put_error(&w, MERR_NOT_SUPPORTED,
					       MID_FAULT_LOG, "no log");
			}
			CHECK(w.err == 0);
			m.tlv = tbuf;
			m.tlv_len = (uint16_t)w.len;
			gen_write(names[k], &m);
		}
	}
	printf("%d seeds written to %s\n", gen_count, gen_dir);
	return 0;
}
#endif
