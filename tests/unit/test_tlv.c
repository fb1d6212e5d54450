/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of common/tlv.c: framing, the iterator, and every TLV body
 * (IEEE 1588-2019 14.3, 16.1.4, 16.2, 16.3, 16.14, 14.4 PAD) encoded to
 * hand-written bytes, decoded back and round-tripped; plus TLVs as
 * linuxptp 3.1.1 sent them (captured on a veth, 2024).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "tlv.h"

TestSuite(tlv, .timeout = 10);

static void tlv_assert_bytes(const char *what, const uint8_t *got,
			     const uint8_t *want, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		cr_assert_eq(got[i], want[i],
			     "%s: octet %zu is 0x%02x, want 0x%02x", what, i,
			     got[i], want[i]);
	}
}

/* Walk a TLV area holding exactly one TLV and return it. */
static struct tlv_raw tlv_only(const uint8_t *p, size_t len)
{
	struct ptp_msg m = { .tlv = p, .tlv_len = (uint16_t)len };
	struct tlv_raw t, extra;
	struct tlv_iter it;

	cr_assert_eq(tlv_area_check(p, len), 0);
	tlv_iter_init(&it, &m);
	cr_assert_eq(tlv_iter_next(&it, &t), 1);
	cr_assert_eq(tlv_iter_next(&it, &extra), 0, "more than one TLV");
	return t;
}

/* A writer whose buffer is pre-filled, to catch writes past len. */
#define WRITER(w, buf)						\
	uint8_t buf[256];					\
	struct tlv_writer w;					\
	memset(buf, 0xa5, sizeof(buf));				\
	tlv_writer_init(&w, buf, sizeof(buf))

static void check_written(struct tlv_writer *w, const uint8_t *want,
			  size_t len, const char *what)
{
	cr_assert_eq(w->err, 0, "%s: err %d", what, w->err);
	cr_assert_eq(w->len, len, "%s: wrote %zu, want %zu", what, w->len,
		     len);
	tlv_assert_bytes(what, w->buf, want, len);
	cr_assert_eq(w->buf[len], 0xa5, "%s: wrote past its TLV", what);
}

Test(tlv, organization_extension_all_three_types)
{
	static const uint16_t types[] = {
		TLV_ORGANIZATION_EXTENSION,
		TLV_ORGANIZATION_EXTENSION_PROPAGATE,
		TLV_ORGANIZATION_EXTENSION_DO_NOT_PROPAGATE,
	};
	uint8_t want[] = {
		0x00, 0x03, 0x00, 0x0a,		/* type (patched), length 10 */
		0x00, 0x80, 0xc2,		/* organizationId: 802.1 */
		0x00, 0x00, 0x01,		/* organizationSubType */
		0xde, 0xad, 0xbe, 0xef,		/* dataField */
	};
	static const uint8_t data[] = { 0xde, 0xad, 0xbe, 0xef };
	struct tlv_org in = {
		{ 0x00, 0x80, 0xc2 }, { 0x00, 0x00, 0x01 }, data, 4
	}, out;
	size_t k;

	for (k = 0; k < 3; k++) {
		WRITER(w, buf);
		struct tlv_raw t;

		put_be16(want, types[k]);
		cr_assert_eq(tlv_put_org(&w, types[k], &in), 0);
		check_written(&w, want, sizeof(want), "org");
		t = tlv_only(buf, w.len);
		cr_assert_eq(t.type, types[k]);
		cr_assert_eq(t.length, 10);
		cr_assert_eq(tlv_get_org(&t, &out), 0);
		cr_assert_arr_eq(out.organizationId, in.organizationId, 3);
		cr_assert_arr_eq(out.organizationSubType,
				 in.organizationSubType, 3);
		cr_assert_eq(out.data_len, 4);
		cr_assert_arr_eq(out.data, data, 4);
		cr_assert_eq(out.data, buf + 10, "points into the message");
	}
	{
		WRITER(w, buf);

		cr_assert_eq(tlv_put_org(&w, TLV_PAD, &in), -PTP_E_INVAL);
		cr_assert_eq(w.len, 0);
	}
}

Test(tlv, organization_extension_bad)
{
	static const uint8_t v[] = { 0, 0x80, 0xc2, 0, 0, 1 };
	struct tlv_raw t = { TLV_ORGANIZATION_EXTENSION, 5, v };
	struct tlv_org o;

	cr_assert_eq(tlv_get_org(&t, &o), -PTP_E_TLV_BODY);
	t.length = 6;
	cr_assert_eq(tlv_get_org(&t, &o), 0);
	cr_assert_eq(o.data_len, 0);
	cr_assert_null(o.data);
	t.type = TLV_PATH_TRACE;
	cr_assert_eq(tlv_get_org(&t, &o), -PTP_E_INVAL);
}

Test(tlv, request_unicast_transmission)
{
	static const uint8_t want[] = {
		0x00, 0x04, 0x00, 0x06,
		0xb0,			/* messageType ANNOUNCE, upper nibble */
		0xfd,			/* logInterMessagePeriod -3 */
		0x00, 0x00, 0x01, 0x2c,	/* durationField 300 s */
	};
	struct tlv_unicast_request in = { PTP_ANNOUNCE, -3, 300 }, out;
	WRITER(w, buf);
	struct tlv_raw t;

	cr_assert_eq(tlv_put_unicast_request(&w, &in), 0);
	check_written(&w, want, sizeof(want), "request");
	t = tlv_only(buf, w.len);
	cr_assert_eq(tlv_get_unicast_request(&t, &out), 0);
	cr_assert_eq(out.messageType, PTP_ANNOUNCE);
	cr_assert_eq(out.logInterMessagePeriod, -3);
	cr_assert_eq(out.durationField, 300);

	t.length = 5;
	cr_assert_eq(tlv_get_unicast_request(&t, &out), -PTP_E_TLV_BODY);
	t.type = TLV_GRANT_UNICAST_TRANSMISSION;
	t.length = 6;
	cr_assert_eq(tlv_get_unicast_request(&t, &out), -PTP_E_INVAL);
	in.messageType = 16;
	cr_assert_eq(tlv_put_unicast_request(&w, &in), -PTP_E_INVAL);
}

Test(tlv, grant_unicast_transmission)
{
	static const uint8_t want[] = {
		0x00, 0x05, 0x00, 0x08,
		0x90,			/* DELAY_RESP */
		0x00,			/* logInterMessagePeriod 0 */
		0x00, 0x00, 0x00, 0x3c,	/* 60 s */
		0x00,			/* reserved */
		0x01,			/* R: renewalInvited */
	};
	struct tlv_unicast_grant in = { PTP_DELAY_RESP, 0, 60, true }, out;
	WRITER(w, buf);
	struct tlv_raw t;

	cr_assert_eq(tlv_put_unicast_grant(&w, &in), 0);
	check_written(&w, want, sizeof(want), "grant");
	t = tlv_only(buf, w.len);
	cr_assert_eq(tlv_get_unicast_grant(&t, &out), 0);
	cr_assert_eq(out.messageType, PTP_DELAY_RESP);
	cr_assert_eq(out.logInterMessagePeriod, 0);
	cr_assert_eq(out.durationField, 60);
	cr_assert(out.renewalInvited);

	/* R clear; a grant with duration 0 is a denial (16.1.4.2.4). */
	buf[11] = 0x00;
	cr_assert_eq(tlv_get_unicast_grant(&t, &out), 0);
	cr_assert(!out.renewalInvited);
	t.length = 7;
	cr_assert_eq(tlv_get_unicast_grant(&t, &out), -PTP_E_TLV_BODY);
	t.type = TLV_REQUEST_UNICAST_TRANSMISSION;
	cr_assert_eq(tlv_get_unicast_grant(&t, &out), -PTP_E_INVAL);
}

Test(tlv, cancel_and_acknowledge_cancel)
{
	static const uint8_t cancel[] = { 0x00, 0x06, 0x00, 0x02, 0x00, 0x00 };
	static const uint8_t ack[] = { 0x00, 0x07, 0x00, 0x02, 0xb0, 0x00 };
	struct tlv_unicast_cancel sync = { PTP_SYNC }, ann = { PTP_ANNOUNCE };
	struct tlv_unicast_cancel out;
	struct tlv_raw t;

	{
		WRITER(w, buf);

		cr_assert_eq(tlv_put_unicast_cancel(&w,
				TLV_CANCEL_UNICAST_TRANSMISSION, &sync), 0);
		check_written(&w, cancel, sizeof(cancel), "cancel");
		t = tlv_only(buf, w.len);
		cr_assert_eq(tlv_get_unicast_cancel(&t, &out), 0);
		cr_assert_eq(out.messageType, PTP_SYNC);
	}
	{
		WRITER(w, buf);

		cr_assert_eq(tlv_put_unicast_cancel(&w,
		     TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION, &ann), 0);
		check_written(&w, ack, sizeof(ack), "ack");
		t = tlv_only(buf, w.len);
		cr_assert_eq(tlv_get_unicast_cancel(&t, &out), 0);
		cr_assert_eq(out.messageType, PTP_ANNOUNCE);
		t.length = 1;
		cr_assert_eq(tlv_get_unicast_cancel(&t, &out),
			     -PTP_E_TLV_BODY);
		cr_assert_eq(tlv_put_unicast_cancel(&w, TLV_PAD, &ann),
			     -PTP_E_INVAL);
	}
}

Test(tlv, path_trace)
{
	static const uint8_t want[] = {
		0x00, 0x08, 0x00, 0x10,
		0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
		0x0a, 0x0b, 0x0c, 0xff, 0xfe, 0x0d, 0x0e, 0x0f,
	};
	static const struct clock_identity ids[2] = {
		{ { 0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 } },
		{ { 0x0a, 0x0b, 0x0c, 0xff, 0xfe, 0x0d, 0x0e, 0x0f } },
	};
	struct tlv_path_trace out;
	WRITER(w, buf);
	struct tlv_raw t;

	cr_assert_eq(tlv_put_path_trace(&w, ids, 2), 0);
	check_written(&w, want, sizeof(want), "path trace");
	t = tlv_only(buf, w.len);
	cr_assert_eq(tlv_get_path_trace(&t, &out), 0);
	cr_assert_eq(out.count, 2);
	cr_assert_arr_eq(out.ids, ids[0].id, 8);
	cr_assert_arr_eq(out.ids + 8, ids[1].id, 8);

	t.length = 15;
	cr_assert_eq(tlv_get_path_trace(&t, &out), -PTP_E_TLV_BODY);
	t.length = 0;
	cr_assert_eq(tlv_get_path_trace(&t, &out), 0);
	cr_assert_eq(out.count, 0);
	cr_assert_eq(tlv_put_path_trace(&w, NULL, 1), -PTP_E_INVAL);
}

Test(tlv, alternate_time_offset_indicator)
{
	static const uint8_t want[] = {
		0x00, 0x09, 0x00, 0x14,		/* 15 + 1 + 3, padded to 20 */
		0x01,				/* keyField */
		0x00, 0x00, 0x0e, 0x10,		/* currentOffset +3600 s */
		0xff, 0xff, 0xf1, 0xf0,		/* jumpSeconds -3600 s */
		0x00, 0x00, 0x65, 0x00, 0x00, 0x00,	/* timeOfNextJump */
		0x03, 'C', 'E', 'T',		/* displayName */
		0x00,				/* pad */
	};
	struct tlv_alt_time_offset in = {
		1, 3600, -3600, 0x65000000ULL,
		{ 3, (const uint8_t *)"CET" }
	}, out;
	WRITER(w, buf);
	struct tlv_raw t;

	cr_assert_eq(tlv_put_alt_time_offset(&w, &in), 0);
	check_written(&w, want, sizeof(want), "alt time");
	t = tlv_only(buf, w.len);
	cr_assert_eq(tlv_get_alt_time_offset(&t, &out), 0);
	cr_assert_eq(out.keyField, 1);
	cr_assert_eq(out.currentOffset, 3600);
	cr_assert_eq(out.jumpSeconds, -3600);
	cr_assert_eq(out.timeOfNextJump, 0x65000000ULL);
	cr_assert_eq(out.displayName.length, 3);
	cr_assert_arr_eq(out.displayName.text, "CET", 3);

	/* displayName longer than the TLV; TLV shorter than the fixed part. */
	t.length = 18;
	cr_assert_eq(tlv_get_alt_time_offset(&t, &out), -PTP_E_TLV_BODY);
	t.length = 15;
	cr_assert_eq(tlv_get_alt_time_offset(&t, &out), -PTP_E_TLV_BODY);
	t.length = 19;
	cr_assert_eq(tlv_get_alt_time_offset(&t, &out), 0);
	in.timeOfNextJump = 1ULL << 48;
	cr_assert_eq(tlv_put_alt_time_offset(&w, &in), -PTP_E_INVAL);
}

Test(tlv, alternate_time_offset_even_name_unpadded)
{
	static const uint8_t want[] = {
		0x00, 0x09, 0x00, 0x10,		/* 15 + 1 + 0: already even */
		0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00,
	};
	struct tlv_alt_time_offset in = { 0 };
	WRITER(w, buf);

	cr_assert_eq(tlv_put_alt_time_offset(&w, &in), 0);
	check_written(&w, want, sizeof(want), "alt time empty");
}

Test(tlv, authentication)
{
	static const uint8_t want[] = {
		0x80, 0x09, 0x00, 0x0a,
		0x01,				/* spp */
		0x00,				/* secParamIndicator */
		0x00, 0x00, 0x00, 0x07,		/* keyID */
		0xa1, 0xa2, 0xa3, 0xa4,		/* ICV (opaque) */
	};
	static const uint8_t icv[] = { 0xa1, 0xa2, 0xa3, 0xa4 };
	struct tlv_auth in = { 1, 0, 7, icv, 4 }, out;
	WRITER(w, buf);
	struct tlv_raw t;

	cr_assert_eq(tlv_put_auth(&w, &in), 0);
	check_written(&w, want, sizeof(want), "auth");
	t = tlv_only(buf, w.len);
	cr_assert_eq(tlv_get_auth(&t, &out), 0);
	cr_assert_eq(out.spp, 1);
	cr_assert_eq(out.secParamIndicator, 0);
	cr_assert_eq(out.keyID, 7);
	cr_assert_eq(out.rest_len, 4);
	cr_assert_arr_eq(out.rest, icv, 4);
	t.length = 5;
	cr_assert_eq(tlv_get_auth(&t, &out), -PTP_E_TLV_BODY);
	t.type = TLV_PAD;
	cr_assert_eq(tlv_get_auth(&t, &out), -PTP_E_INVAL);
}

Test(tlv, pad_and_raw)
{
	static const uint8_t want[] = {
		0x80, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00,
		0x12, 0x34, 0x00, 0x02, 0xab, 0xcd,
		0x80, 0x08, 0x00, 0x00,
	};
	static const uint8_t v[] = { 0xab, 0xcd };
	WRITER(w, buf);

	cr_assert_eq(tlv_put_pad(&w, 3), 0);
	cr_assert_eq(tlv_put_raw(&w, 0x1234, v, 2), 0);
	cr_assert_eq(tlv_put_pad(&w, 0), 0);
	check_written(&w, want, sizeof(want), "pad/raw");
	cr_assert_eq(tlv_area_check(buf, w.len), 0);
	cr_assert_eq(tlv_put_raw(&w, 1, NULL, 1), -PTP_E_INVAL);
}

/* Unknown types come back raw and are skipped by their length. */
Test(tlv, unknown_tlv_skipped_by_length)
{
	static const uint8_t area[] = {
		0x7f, 0xf0, 0x00, 0x05, 1, 2, 3, 4, 5,	/* unknown, odd */
		0x00, 0x08, 0x00, 0x08,			/* PATH_TRACE */
		0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
		0x00, 0x00, 0x00, 0x00,			/* type 0, empty */
	};
	struct ptp_msg m = { .tlv = area, .tlv_len = sizeof(area) };
	struct tlv_path_trace pt;
	struct tlv_iter it;
	struct tlv_raw t;

	cr_assert_eq(tlv_area_check(area, sizeof(area)), 0);
	tlv_iter_init(&it, &m);
	cr_assert_eq(tlv_iter_next(&it, &t), 1);
	cr_assert_eq(t.type, 0x7ff0);
	cr_assert_eq(t.length, 5);
	cr_assert_eq(t.value, area + 4);
	cr_assert_eq(tlv_iter_next(&it, &t), 1);
	cr_assert_eq(t.type, TLV_PATH_TRACE);
	cr_assert_eq(t.value, area + 13);
	cr_assert_eq(tlv_get_path_trace(&t, &pt), 0);
	cr_assert_eq(pt.count, 1);
	cr_assert_eq(tlv_iter_next(&it, &t), 1);
	cr_assert_eq(t.type, 0);
	cr_assert_eq(t.length, 0);
	cr_assert_eq(tlv_iter_next(&it, &t), 0);
	cr_assert_eq(tlv_iter_next(&it, &t), 0);
}

Test(tlv, framing_errors)
{
	static const uint8_t area[] = {
		0x00, 0x08, 0x00, 0x08,
		0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
		0x80, 0x08, 0x00,
	};
	struct ptp_msg m = { .tlv = area, .tlv_len = sizeof(area) };
	struct tlv_iter it;
	struct tlv_raw t;
	size_t n;

	cr_assert_eq(tlv_area_check(NULL, 0), 0);
	cr_assert_eq(tlv_area_check(area, 0), 0);
	cr_assert_eq(tlv_area_check(NULL, 4), -PTP_E_TLV);
	/* A whole TLV, then 1..3 stray octets: never a TLV header. */
	cr_assert_eq(tlv_area_check(area, 12), 0);
	for (n = 13; n <= 15; n++) {
		cr_assert_eq(tlv_area_check(area, n), -PTP_E_TLV, "%zu", n);
	}
	/* Length running past the area, by one and by a lot. */
	for (n = 4; n < 12; n++) {
		cr_assert_eq(tlv_area_check(area, n), -PTP_E_TLV, "%zu", n);
	}
	for (n = 1; n < 4; n++) {
		cr_assert_eq(tlv_area_check(area, n), -PTP_E_TLV, "%zu", n);
	}

	/* The iterator delivers the good TLV, then keeps failing. */
	tlv_iter_init(&it, &m);
	cr_assert_eq(tlv_iter_next(&it, &t), 1);
	cr_assert_eq(tlv_iter_next(&it, &t), -PTP_E_TLV);
	cr_assert_eq(tlv_iter_next(&it, &t), -PTP_E_TLV);
}

Test(tlv, writer_overflow_is_sticky)
{
	uint8_t buf[16];
	struct tlv_writer w;

	memset(buf, 0xa5, sizeof(buf));
	tlv_writer_init(&w, buf, 12);
	cr_assert_eq(tlv_put_pad(&w, 2), 0);		/* 6 octets */
	cr_assert_eq(tlv_put_pad(&w, 3), -PTP_E_NOSPACE);	/* 7 > 6 left */
	cr_assert_eq(w.err, -PTP_E_NOSPACE);
	cr_assert_eq(w.len, 6);
	cr_assert_eq(buf[6], 0xa5);
	/* A later put that would fit does nothing either. */
	cr_assert_eq(tlv_put_pad(&w, 0), -PTP_E_NOSPACE);
	cr_assert_eq(w.len, 6);
	cr_assert_eq(buf[6], 0xa5);

	tlv_writer_init(&w, buf, 12);
	cr_assert_eq(tlv_put_pad(&w, 8), 0);		/* exactly full */
	cr_assert_eq(w.len, 12);
	cr_assert_eq(tlv_put_pad(&w, 0), -PTP_E_NOSPACE);

	tlv_writer_init(&w, NULL, 100);
	cr_assert_eq(tlv_put_pad(&w, 0), -PTP_E_NOSPACE);

	/* An argument error is sticky too. */
	tlv_writer_init(&w, buf, sizeof(buf));
	cr_assert_eq(tlv_put_path_trace(&w, NULL, 3), -PTP_E_INVAL);
	cr_assert_eq(w.err, -PTP_E_INVAL);
	cr_assert_eq(tlv_put_pad(&w, 0), -PTP_E_INVAL);
	cr_assert_eq(w.len, 0);
}

/* A writer's output as the TLV area of a packed message, read back. */
Test(tlv, announce_with_path_trace_through_pack)
{
	static const struct clock_identity id = {
		{ 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x10, 0x00, 0x01 }
	};
	uint8_t tlvbuf[64], out[128];
	struct tlv_writer w;
	struct ptp_msg m, got;
	struct tlv_path_trace pt;
	struct tlv_iter it;
	struct tlv_raw t;

	tlv_writer_init(&w, tlvbuf, sizeof(tlvbuf));
	cr_assert_eq(tlv_put_path_trace(&w, &id, 1), 0);
	memset(&m, 0, sizeof(m));
	ptp_header_init(&m.hdr, PTP_ANNOUNCE);
	m.tlv = tlvbuf;
	m.tlv_len = (uint16_t)w.len;
	cr_assert_eq(ptp_msg_pack(&m, out, sizeof(out)), 76);
	cr_assert_eq(get_be16(out + 2), 76);
	cr_assert_eq(ptp_msg_unpack(out, 76, &got), 0);
	cr_assert_eq(got.tlv, out + 64);
	tlv_iter_init(&it, &got);
	cr_assert_eq(tlv_iter_next(&it, &t), 1);
	cr_assert_eq(tlv_get_path_trace(&t, &pt), 0);
	cr_assert_eq(pt.count, 1);
	cr_assert_arr_eq(pt.ids, id.id, 8);
}

static size_t tlv_unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (sscanf(s + 2 * n, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* linuxptp 3.1.1 over IEEE 802.3 with 802.1AS options: Follow_Up with the
 * follow-up information TLV, Announce with PATH_TRACE. */
Test(tlv, linuxptp_gptp_captures)
{
	static const char fup[] =
		"1802004c0000000000000000000000000000000002005efffe100001"
		"0001000002fd00006b07294a3536f65b0003001c0080c20000010000"
		"0000000000000000000000000000000000000000";
	static const char ann[] =
		"1b02004c0000000000000000000000000000000002005efffe100001"
		"0001000005fe00000000000000000000002500010621ffff8002005e"
		"fffe1000010000200008000802005efffe100001";
	static const uint8_t gm[8] = { 0x02, 0x00, 0x5e, 0xff,
				       0xfe, 0x10, 0x00, 0x01 };
	uint8_t b[128], out[128];
	struct tlv_path_trace pt;
	struct ptp_msg m;
	struct tlv_org o;
	struct tlv_iter it;
	struct tlv_raw t;
	size_t n;

	n = tlv_unhex(fup, b);
	cr_assert_eq(n, 76);
	cr_assert_eq(ptp_msg_unpack(b, n, &m), 0);
	cr_assert_eq(m.hdr.majorSdoId, 1);
	cr_assert_eq(m.hdr.minorVersionPTP, 0);
	tlv_iter_init(&it, &m);
	cr_assert_eq(tlv_iter_next(&it, &t), 1);
	cr_assert_eq(t.type, TLV_ORGANIZATION_EXTENSION);
	cr_assert_eq(tlv_get_org(&t, &o), 0);
	cr_assert_eq(o.organizationId[2], 0xc2);
	cr_assert_eq(o.organizationSubType[2], 1);
	cr_assert_eq(o.data_len, 22);
	cr_assert_eq(tlv_iter_next(&it, &t), 0);
	cr_assert_eq(ptp_msg_pack(&m, out, sizeof(out)), (int)n);
	tlv_assert_bytes("gPTP follow-up", out, b, n);

	n = tlv_unhex(ann, b);
	cr_assert_eq(n, 76);
	cr_assert_eq(ptp_msg_unpack(b, n, &m), 0);
	cr_assert_eq(m.body.announce.grandmasterPriority1, 1);
	cr_assert_eq(m.body.announce.grandmasterClockQuality.clockClass, 6);
	tlv_iter_init(&it, &m);
	cr_assert_eq(tlv_iter_next(&it, &t), 1);
	cr_assert_eq(tlv_get_path_trace(&t, &pt), 0);
	cr_assert_eq(pt.count, 1);
	cr_assert_arr_eq(pt.ids, gm, 8);
	cr_assert_eq(ptp_msg_pack(&m, out, sizeof(out)), (int)n);
	tlv_assert_bytes("gPTP announce", out, b, n);
}

/* linuxptp 3.1.1 unicast negotiation: a slave requesting three message
 * types in one Signaling, and the grandmaster's grant. */
Test(tlv, linuxptp_unicast_captures)
{
	static const char req[] =
		"0c02004a1800040000000000000000000000000002005efffe100002"
		"00010002057f02005efffe100001000100040006b0fe0000000a0004"
		"000600fd0000000a0004000690fd0000000a";
	static const char grant[] =
		"0c0200381800040000000000000000000000000002005efffe100001"
		"00010005057f02005efffe10000200010005000890fd0000000a0001";
	static const struct { uint8_t type; int8_t log; } want[] = {
		{ PTP_ANNOUNCE, -2 }, { PTP_SYNC, -3 }, { PTP_DELAY_RESP, -3 },
	};
	struct tlv_unicast_request r;
	struct tlv_unicast_grant g;
	uint8_t b[128];
	struct ptp_msg m;
	struct tlv_iter it;
	struct tlv_raw t;
	size_t n, k = 0;

	n = tlv_unhex(req, b);
	cr_assert_eq(n, 74);
	cr_assert_eq(ptp_msg_unpack(b, n, &m), 0);
	cr_assert_eq(m.hdr.domainNumber, 24);
	cr_assert_eq(m.hdr.flagField, PTP_FLAG_UNICAST);
	cr_assert_eq(m.body.signaling.targetPortIdentity.portNumber, 1);
	tlv_iter_init(&it, &m);
	while (tlv_iter_next(&it, &t) == 1) {
		cr_assert_lt(k, 3);
		cr_assert_eq(tlv_get_unicast_request(&t, &r), 0);
		cr_assert_eq(r.messageType, want[k].type);
		cr_assert_eq(r.logInterMessagePeriod, want[k].log);
		cr_assert_eq(r.durationField, 10);
		k++;
	}
	cr_assert_eq(k, 3);

	n = tlv_unhex(grant, b);
	cr_assert_eq(n, 56);
	cr_assert_eq(ptp_msg_unpack(b, n, &m), 0);
	tlv_iter_init(&it, &m);
	cr_assert_eq(tlv_iter_next(&it, &t), 1);
	cr_assert_eq(tlv_get_unicast_grant(&t, &g), 0);
	cr_assert_eq(g.messageType, PTP_DELAY_RESP);
	cr_assert_eq(g.logInterMessagePeriod, -3);
	cr_assert_eq(g.durationField, 10);
	cr_assert(g.renewalInvited);
}
