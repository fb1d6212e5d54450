/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of common/mgmt.c: MANAGEMENT and MANAGEMENT_ERROR_STATUS TLVs
 * (IEEE 1588-2019 15.5.2, 15.5.4) and the data fields of 15.5.3, each
 * against hand-written bytes and round-tripped; plus the responses
 * linuxptp 3.1.1's ptp4l sent to its own pmc (captured on a veth).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mgmt.h"
#include "msg.h"
#include "tlv.h"

TestSuite(mgmt, .timeout = 10);

static const struct clock_identity mg_cid_a = {
	{ 0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 }
};
static const struct clock_identity mg_cid_b = {
	{ 0x0a, 0x0b, 0x0c, 0xff, 0xfe, 0x0d, 0x0e, 0x0f }
};

static void mg_assert_bytes(const char *what, const uint8_t *got,
			    const uint8_t *want, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		cr_assert_eq(got[i], want[i],
			     "%s: octet %zu is 0x%02x, want 0x%02x", what, i,
			     got[i], want[i]);
	}
}

/*
 * Check the writer holds exactly want, then wrap it in a management
 * message, pack and unpack that, and return its TLV through mgmt_tlv_get()
 * (so every data field also goes through the message codec).
 */
static struct mgmt_tlv mg_written(const struct tlv_writer *w,
				  const uint8_t *want, size_t len,
				  uint8_t *msgbuf, size_t msgcap)
{
	struct ptp_msg m, got;
	struct mgmt_tlv t;
	int rc;

	cr_assert_eq(w->err, 0, "writer error %d", w->err);
	cr_assert_eq(w->len, len, "wrote %zu, want %zu", w->len, len);
	mg_assert_bytes("tlv", w->buf, want, len);

	memset(&m, 0, sizeof(m));
	ptp_header_init(&m.hdr, PTP_MANAGEMENT);
	m.body.management.actionField = PTP_MGMT_RESPONSE;
	m.tlv = w->buf;
	m.tlv_len = (uint16_t)w->len;
	rc = ptp_msg_pack(&m, msgbuf, msgcap);
	cr_assert_eq(rc, (int)(48 + len));
	cr_assert_eq(ptp_msg_unpack(msgbuf, (size_t)rc, &got), 0);
	cr_assert_eq(mgmt_tlv_get(&got, &t), 0);
	cr_assert_eq(t.tlvType, get_be16(want));
	cr_assert_eq(t.data, t.data_len ? msgbuf + 48 + 6 : NULL);
	return t;
}

#define MG_WRITER(w, buf)					\
	uint8_t buf[512], buf##_msg[600] __attribute__((unused));	\
	struct tlv_writer w;					\
	memset(buf, 0xa5, sizeof(buf));				\
	tlv_writer_init(&w, buf, sizeof(buf))

Test(mgmt, empty_get)
{
	static const uint8_t want[] = { 0x00, 0x01, 0x00, 0x02, 0x20, 0x05 };
	MG_WRITER(w, buf);
	struct mgmt_tlv t;

	cr_assert_eq(mgmt_put_empty(&w, MID_PRIORITY1), 0);
	t = mg_written(&w, want, sizeof(want), buf_msg, sizeof(buf_msg));
	cr_assert_eq(t.managementId, MID_PRIORITY1);
	cr_assert_eq(t.data_len, 0);
	cr_assert_null(t.data);
	cr_assert_eq(buf[6], 0xa5);
}

Test(mgmt, default_data_set)
{
	static const uint8_t want[] = {
		0x00, 0x01, 0x00, 0x16, 0x20, 0x00,
		0x03,				/* TSC | SO */
		0x00,				/* reserved */
		0x00, 0x04,			/* numberPorts */
		0x80,				/* priority1 */
		0xf8, 0xfe, 0xff, 0xff,		/* clockQuality */
		0x7f,				/* priority2 */
		0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
		0x18,				/* domainNumber 24 */
		0x00,				/* reserved */
	};
	struct default_ds in = {
		.clockIdentity = mg_cid_a, .numberPorts = 4,
		.clockQuality = { 248, 0xfe, 0xffff },
		.priority1 = 128, .priority2 = 127, .domainNumber = 24,
		.twoStepFlag = true, .slaveOnly = true,
	}, out;
	MG_WRITER(w, buf);
	struct mgmt_tlv t;

	cr_assert_eq(mgmt_put_default_ds(&w, &in), 0);
	t = mg_written(&w, want, sizeof(want), buf_msg, sizeof(buf_msg));
	cr_assert_eq(t.managementId, MID_DEFAULT_DATA_SET);
	cr_assert_eq(t.data_len, MGMT_DEFAULT_DS_LEN);
	cr_assert_eq(mgmt_get_default_ds(&t, &out), 0);
	cr_assert_arr_eq(out.clockIdentity.id, mg_cid_a.id, 8);
	cr_assert_eq(out.numberPorts, 4);
	cr_assert_eq(out.clockQuality.clockClass, 248);
	cr_assert_eq(out.clockQuality.clockAccuracy, 0xfe);
	cr_assert_eq(out.clockQuality.offsetScaledLogVariance, 0xffff);
	cr_assert_eq(out.priority1, 128);
	cr_assert_eq(out.priority2, 127);
	cr_assert_eq(out.domainNumber, 24);
	cr_assert(out.twoStepFlag);
	cr_assert(out.slaveOnly);
}

Test(mgmt, default_data_set_flags_one_by_one)
{
	static const struct { bool tsc, so; uint8_t octet; } t[] = {
		{ false, false, 0x00 }, { true, false, 0x01 },
		{ false, true, 0x02 },
	};
	struct default_ds in, out;
	struct mgmt_tlv mt;
	size_t k;

	for (k = 0; k < 3; k++) {
		MG_WRITER(w, buf);

		memset(&in, 0, sizeof(in));
		in.twoStepFlag = t[k].tsc;
		in.slaveOnly = t[k].so;
		cr_assert_eq(mgmt_put_default_ds(&w, &in), 0);
		cr_assert_eq(buf[6], t[k].octet, "case %zu", k);
		mt = (struct mgmt_tlv){ TLV_MANAGEMENT, MID_DEFAULT_DATA_SET,
					buf + 6, MGMT_DEFAULT_DS_LEN };
		cr_assert_eq(mgmt_get_default_ds(&mt, &out), 0);
		cr_assert_eq(out.twoStepFlag, t[k].tsc);
		cr_assert_eq(out.slaveOnly, t[k].so);
	}
}

Test(mgmt, current_data_set)
{
	static const uint8_t want[] = {
		0x00, 0x01, 0x00, 0x14, 0x20, 0x01,
		0x00, 0x03,					/* steps */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x80, 0x00,	/* -1.5 ns */
		0x00, 0x00, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00,	/* 1000 ns */
	};
	struct current_ds in = { 3, -0x18000, 1000LL << 16 }, out;
	MG_WRITER(w, buf);
	struct mgmt_tlv t;

	cr_assert_eq(mgmt_put_current_ds(&w, &in), 0);
	t = mg_written(&w, want, sizeof(want), buf_msg, sizeof(buf_msg));
	cr_assert_eq(mgmt_get_current_ds(&t, &out), 0);
	cr_assert_eq(out.stepsRemoved, 3);
	cr_assert_eq(out.offsetFromMaster, -0x18000);
	cr_assert_eq(out.meanDelay, 1000LL << 16);
}

Test(mgmt, parent_data_set)
{
	static const uint8_t want[] = {
		0x00, 0x01, 0x00, 0x22, 0x20, 0x02,
		0x0a, 0x0b, 0x0c, 0xff, 0xfe, 0x0d, 0x0e, 0x0f, 0x00, 0x02,
		0x01,				/* PS */
		0x00,				/* reserved */
		0x12, 0x34,			/* observed variance */
		0xff, 0xff, 0xff, 0xfe,		/* phase change rate -2 */
		0x01,				/* gm priority1 */
		0x06, 0x21, 0x4e, 0x5d,		/* gm clockQuality */
		0x80,				/* gm priority2 */
		0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
	};
	struct parent_ds in = {
		.parentPortIdentity = { mg_cid_b, 2 },
		.parentStats = true,
		.observedParentOffsetScaledLogVariance = 0x1234,
		.observedParentClockPhaseChangeRate = -2,
		.grandmasterIdentity = mg_cid_a,
		.grandmasterClockQuality = { 6, 0x21, 0x4e5d },
		.grandmasterPriority1 = 1, .grandmasterPriority2 = 128,
	}, out;
	MG_WRITER(w, buf);
	struct mgmt_tlv t;

	cr_assert_eq(mgmt_put_parent_ds(&w, &in), 0);
	t = mg_written(&w, want, sizeof(want), buf_msg, sizeof(buf_msg));
	cr_assert_eq(mgmt_get_parent_ds(&t, &out), 0);
	cr_assert_arr_eq(out.parentPortIdentity.clockIdentity.id,
			 mg_cid_b.id, 8);
	cr_assert_eq(out.parentPortIdentity.portNumber, 2);
	cr_assert(out.parentStats);
	cr_assert_eq(out.observedParentOffsetScaledLogVariance, 0x1234);
	cr_assert_eq(out.observedParentClockPhaseChangeRate, -2);
	cr_assert_eq(out.grandmasterPriority1, 1);
	cr_assert_eq(out.grandmasterClockQuality.clockClass, 6);
	cr_assert_eq(out.grandmasterClockQuality.clockAccuracy, 0x21);
	cr_assert_eq(out.grandmasterClockQuality.offsetScaledLogVariance,
		     0x4e5d);
	cr_assert_eq(out.grandmasterPriority2, 128);
	cr_assert_arr_eq(out.grandmasterIdentity.id, mg_cid_a.id, 8);
}

Test(mgmt, time_properties_data_set)
{
	static const uint8_t want[] = {
		0x00, 0x01, 0x00, 0x06, 0x20, 0x03,
		0xff, 0xff,			/* currentUtcOffset -1 */
		0x3f,				/* every flag */
		0xa0,				/* INTERNAL_OSCILLATOR */
	};
	struct time_properties_ds in = {
		-1, true, true, true, true, true, true, TS_INTERNAL_OSCILLATOR
	}, out;
	MG_WRITER(w, buf);
	struct mgmt_tlv t;

	cr_assert_eq(mgmt_put_time_properties_ds(&w, &in), 0);
	t = mg_written(&w, want, sizeof(want), buf_msg, sizeof(buf_msg));
	cr_assert_eq(mgmt_get_time_properties_ds(&t, &out), 0);
	cr_assert_eq(out.currentUtcOffset, -1);
	cr_assert(out.currentUtcOffsetValid && out.leap59 && out.leap61);
	cr_assert(out.timeTraceable && out.frequencyTraceable);
	cr_assert(out.ptpTimescale);
	cr_assert_eq(out.timeSource, TS_INTERNAL_OSCILLATOR);
}

/* Each flag on its own, at the bit 15.5.3.6.1 gives it. */
Test(mgmt, time_properties_flags_one_by_one)
{
	struct time_properties_ds in, out;
	struct mgmt_tlv mt;
	int bit;

	for (bit = 0; bit < 6; bit++) {
		MG_WRITER(w, buf);

		bool *flag[6] = {
			&in.leap61, &in.leap59, &in.currentUtcOffsetValid,
			&in.ptpTimescale, &in.timeTraceable,
			&in.frequencyTraceable,
		};

		memset(&in, 0, sizeof(in));
		in.currentUtcOffset = 37;
		*flag[bit] = true;
		cr_assert_eq(mgmt_put_time_properties_ds(&w, &in), 0);
		cr_assert_eq(buf[8], 1u << bit, "bit %d", bit);
		cr_assert_eq(get_be16(buf + 6), 37);
		mt = (struct mgmt_tlv){ TLV_MANAGEMENT,
					MID_TIME_PROPERTIES_DATA_SET,
					buf + 6, 4 };
		cr_assert_eq(mgmt_get_time_properties_ds(&mt, &out), 0);
		cr_assert_eq(out.leap61, in.leap61);
		cr_assert_eq(out.leap59, in.leap59);
		cr_assert_eq(out.currentUtcOffsetValid,
			     in.currentUtcOffsetValid);
		cr_assert_eq(out.ptpTimescale, in.ptpTimescale);
		cr_assert_eq(out.timeTraceable, in.timeTraceable);
		cr_assert_eq(out.frequencyTraceable, in.frequencyTraceable);
	}
}

Test(mgmt, port_data_set)
{
	static const uint8_t want[] = {
		0x00, 0x01, 0x00, 0x1c, 0x20, 0x04,
		0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55, 0x00, 0x01,
		0x09,				/* SLAVE */
		0xff,				/* logMinDelayReqInterval -1 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x7b, 0x00, 0x00,	/* 123 ns */
		0x01,				/* logAnnounceInterval */
		0x03,				/* announceReceiptTimeout */
		0xfd,				/* logSyncInterval -3 */
		0x02,				/* P2P */
		0x00,				/* logMinPdelayReqInterval */
		0x12,				/* minor 1 | version 2 */
	};
	struct port_ds in = {
		.portIdentity = { mg_cid_a, 1 }, .portState = PS_SLAVE,
		.logMinDelayReqInterval = -1, .meanLinkDelay = 123 << 16,
		.logAnnounceInterval = 1, .announceReceiptTimeout = 3,
		.logSyncInterval = -3, .delayMechanism = DM_P2P,
		.logMinPdelayReqInterval = 0, .versionNumber = 2,
		.minorVersionNumber = 1,
	}, out;
	MG_WRITER(w, buf);
	struct mgmt_tlv t;

	cr_assert_eq(mgmt_put_port_ds(&w, &in), 0);
	t = mg_written(&w, want, sizeof(want), buf_msg, sizeof(buf_msg));
	cr_assert_eq(mgmt_get_port_ds(&t, &out), 0);
	cr_assert_arr_eq(out.portIdentity.clockIdentity.id, mg_cid_a.id, 8);
	cr_assert_eq(out.portIdentity.portNumber, 1);
	cr_assert_eq(out.portState, PS_SLAVE);
	cr_assert_eq(out.logMinDelayReqInterval, -1);
	cr_assert_eq(out.meanLinkDelay, 123 << 16);
	cr_assert_eq(out.logAnnounceInterval, 1);
	cr_assert_eq(out.announceReceiptTimeout, 3);
	cr_assert_eq(out.logSyncInterval, -3);
	cr_assert_eq(out.delayMechanism, DM_P2P);
	cr_assert_eq(out.logMinPdelayReqInterval, 0);
	cr_assert_eq(out.versionNumber, 2);
	cr_assert_eq(out.minorVersionNumber, 1);

	/* A 2008 peer (linuxptp 3.1.1) sends 0x02: version 2, minor 0. */
	buf[31] = 0x02;
	t.data = buf + 6;
	cr_assert_eq(mgmt_get_port_ds(&t, &out), 0);
	cr_assert_eq(out.versionNumber, 2);
	cr_assert_eq(out.minorVersionNumber, 0);

	in.minorVersionNumber = 16;
	cr_assert_eq(mgmt_put_port_ds(&w, &in), -PTP_E_INVAL);
}

/* 15.5.3.1.2: PTPTexts, addresses, padding to an even length. */
static const uint8_t cd_want[] = {
	0x00, 0x01, 0x00, 0x38, 0x00, 0x01,
	0x40, 0x00,				/* clockType: boundary */
	0x0a, 'I', 'E', 'E', 'E', ' ', '8', '0', '2', '.', '3',
	0x00, 0x06, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,	/* MAC */
	0x00, 0x01,				/* UDP/IPv4 */
	0x00, 0x04, 0xc0, 0x00, 0x02, 0x01,	/* 192.0.2.1 */
	0x12, 0x34, 0x56,			/* manufacturerIdentity */
	0x00,					/* reserved */
	0x08, 'M', 'e', 'r', 'i', 'd', 'i', 'a', 'n',
	0x03, '1', '.', '0',
	0x00,					/* userDescription "" */
	0x00, 0x1b, 0x19, 0x00, 0x01, 0x00,	/* profileIdentity */
	0x00,					/* pad: 53 -> 54 */
};

Test(mgmt, clock_description)
{
	static const uint8_t mac[] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	static const uint8_t ip[] = { 192, 0, 2, 1 };
	struct mgmt_clock_description in = {
		.clockType = CLOCK_TYPE_BOUNDARY,
		.physicalLayerProtocol = { 10, (const uint8_t *)"IEEE 802.3" },
		.physicalAddressLength = 6, .physicalAddress = mac,
		.networkProtocol = 1, .addressLength = 4, .addressField = ip,
		.manufacturerIdentity = { 0x12, 0x34, 0x56 },
		.productDescription = { 8, (const uint8_t *)"Meridian" },
		.revisionData = { 3, (const uint8_t *)"1.0" },
		.userDescription = { 0, NULL },
		.profileIdentity = { 0x00, 0x1b, 0x19, 0x00, 0x01, 0x00 },
	}, out;
	MG_WRITER(w, buf);
	struct mgmt_tlv t;

	cr_assert_eq(mgmt_put_clock_description(&w, &in), 0);
	t = mg_written(&w, cd_want, sizeof(cd_want), buf_msg,
		       sizeof(buf_msg));
	cr_assert_eq(t.data_len, 54);
	cr_assert_eq(mgmt_get_clock_description(&t, &out), 0);
	cr_assert_eq(out.clockType, CLOCK_TYPE_BOUNDARY);
	cr_assert_eq(out.physicalLayerProtocol.length, 10);
	cr_assert_arr_eq(out.physicalLayerProtocol.text, "IEEE 802.3", 10);
	cr_assert_eq(out.physicalAddressLength, 6);
	cr_assert_arr_eq(out.physicalAddress, mac, 6);
	cr_assert_eq(out.networkProtocol, 1);
	cr_assert_eq(out.addressLength, 4);
	cr_assert_arr_eq(out.addressField, ip, 4);
	cr_assert_arr_eq(out.manufacturerIdentity, in.manufacturerIdentity, 3);
	cr_assert_eq(out.productDescription.length, 8);
	cr_assert_arr_eq(out.productDescription.text, "Meridian", 8);
	cr_assert_eq(out.revisionData.length, 3);
	cr_assert_arr_eq(out.revisionData.text, "1.0", 3);
	cr_assert_eq(out.userDescription.length, 0);
	cr_assert_arr_eq(out.profileIdentity, in.profileIdentity, 6);

	in.productDescription.text = NULL;
	cr_assert_eq(mgmt_put_clock_description(&w, &in), -PTP_E_INVAL);
}

/* Cut anywhere before profileIdentity's end, or a PTPText overrunning. */
Test(mgmt, clock_description_truncated)
{
	uint8_t d[64];
	struct mgmt_tlv t = { TLV_MANAGEMENT, MID_CLOCK_DESCRIPTION, d, 0 };
	struct mgmt_clock_description out;
	uint16_t len;

	memcpy(d, cd_want + 6, 54);
	for (len = 0; len < 53; len++) {
		t.data_len = len;
		cr_assert_eq(mgmt_get_clock_description(&t, &out),
			     -PTP_E_TLV_BODY, "cut at %u", len);
	}
	t.data_len = 53;		/* without the pad octet */
	cr_assert_eq(mgmt_get_clock_description(&t, &out), 0);
	t.data_len = 54;
	d[2] = 0xff;			/* physicalLayerProtocol length */
	cr_assert_eq(mgmt_get_clock_description(&t, &out), -PTP_E_TLV_BODY);
	d[2] = 10;
	d[14] = 0x40;			/* physicalAddressLength 6 -> 64 */
	cr_assert_eq(mgmt_get_clock_description(&t, &out), -PTP_E_TLV_BODY);
}

Test(mgmt, error_status_with_and_without_display)
{
	static const uint8_t with[] = {
		0x00, 0x02, 0x00, 0x0e,
		0x00, 0x06,			/* NOT_SUPPORTED */
		0x20, 0x00,			/* DEFAULT_DATA_SET */
		0x00, 0x00, 0x00, 0x00,		/* reserved */
		0x04, 'o', 'o', 'p', 's',
		0x00,				/* pad */
	};
	static const uint8_t without[] = {
		0x00, 0x02, 0x00, 0x08,
		0x00, 0x02,			/* NO_SUCH_ID */
		0xc0, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	char longtext[300];
	struct default_ds dds;
	struct mgmt_tlv t;

	{
		MG_WRITER(w, buf);

		cr_assert_eq(mgmt_put_error(&w, MERR_NOT_SUPPORTED,
					    MID_DEFAULT_DATA_SET, "oops"), 0);
		t = mg_written(&w, with, sizeof(with), buf_msg,
			       sizeof(buf_msg));
		cr_assert_eq(t.tlvType, TLV_MANAGEMENT_ERROR_STATUS);
		cr_assert_eq(t.managementErrorId, MERR_NOT_SUPPORTED);
		cr_assert_eq(t.managementId, MID_DEFAULT_DATA_SET);
		cr_assert_eq(t.displayData.length, 4);
		cr_assert_arr_eq(t.displayData.text, "oops", 4);
		cr_assert_null(t.data);
		cr_assert_eq(t.data_len, 0);
		/* A data-set getter refuses an error status. */
		cr_assert_eq(mgmt_get_default_ds(&t, &dds), -PTP_E_INVAL);
	}
	{
		MG_WRITER(w, buf);

		cr_assert_eq(mgmt_put_error(&w, MERR_NO_SUCH_ID, 0xc000,
					    NULL), 0);
		t = mg_written(&w, without, sizeof(without), buf_msg,
			       sizeof(buf_msg));
		cr_assert_eq(t.managementErrorId, MERR_NO_SUCH_ID);
		cr_assert_eq(t.managementId, 0xc000);
		cr_assert_eq(t.displayData.length, 0);
		cr_assert_null(t.displayData.text);
	}
	{
		MG_WRITER(w, buf);

		cr_assert_eq(mgmt_put_error(&w, MERR_NO_SUCH_ID, 0xc000, ""),
			     0);
		cr_assert_eq(w.len, sizeof(without));
		t = mg_written(&w, without, sizeof(without), buf_msg,
			       sizeof(buf_msg));
		cr_assert(!t.display_present);
		memset(longtext, 'x', sizeof(longtext) - 1);
		longtext[sizeof(longtext) - 1] = 0;
		cr_assert_eq(mgmt_put_error(&w, 1, 1, longtext),
			     -PTP_E_INVAL);
	}
}

/* ptpd 2.3.1 sends an empty displayData (length 0 plus a pad octet): it
 * must decode as present-but-empty and re-encode to the same 10 octets. */
Test(mgmt, error_status_empty_display_round_trip)
{
	static const uint8_t ptpd[] = {
		0x00, 0x02, 0x00, 0x0a,
		0x00, 0x02,			/* NO_SUCH_ID */
		0xc0, 0x00,
		0x00, 0x00, 0x00, 0x00,		/* reserved */
		0x00,				/* displayData: empty */
		0x00,				/* pad */
	};
	struct ptp_text empty = { 0, NULL };
	struct mgmt_tlv t;
	MG_WRITER(w, buf);

	cr_assert_eq(mgmt_put_error_text(&w, MERR_NO_SUCH_ID, 0xc000, &empty),
		     0);
	t = mg_written(&w, ptpd, sizeof(ptpd), buf_msg, sizeof(buf_msg));
	cr_assert(t.display_present);
	cr_assert_eq(t.displayData.length, 0);
	cr_assert_eq(t.managementId, 0xc000);
}

/* Management messages whose TLV is there but malformed. */
Test(mgmt, tlv_get_errors)
{
	uint8_t buf[80];
	struct ptp_msg m;
	struct mgmt_tlv t;
	static const uint8_t hdr[48] = {
		0x0d, 0x12, 0x00, 0x00,
		[32] = 0x04, [33] = 0x7f,
	};

	/* MANAGEMENT with lengthField 0: no managementId. */
	memcpy(buf, hdr, 48);
	memcpy(buf + 48, "\x00\x01\x00\x00", 4);
	put_be16(buf + 2, 52);
	cr_assert_eq(ptp_msg_unpack(buf, 52, &m), 0);
	cr_assert_eq(mgmt_tlv_get(&m, &t), -PTP_E_TLV_BODY);

	/* MANAGEMENT_ERROR_STATUS shorter than its fixed 8 octets. */
	memcpy(buf + 48, "\x00\x02\x00\x06\x00\x01\x20\x00\x00\x00", 10);
	put_be16(buf + 2, 58);
	cr_assert_eq(ptp_msg_unpack(buf, 58, &m), 0);
	cr_assert_eq(mgmt_tlv_get(&m, &t), -PTP_E_TLV_BODY);

	/* displayData length running past the TLV. */
	memcpy(buf + 48, "\x00\x02\x00\x0a\x00\x01\x20\x00\0\0\0\0\x05x", 14);
	put_be16(buf + 2, 62);
	cr_assert_eq(ptp_msg_unpack(buf, 62, &m), 0);
	cr_assert_eq(mgmt_tlv_get(&m, &t), -PTP_E_TLV_BODY);
	buf[60] = 1;			/* displayData length */
	cr_assert_eq(ptp_msg_unpack(buf, 62, &m), 0);
	cr_assert_eq(mgmt_tlv_get(&m, &t), 0);
	cr_assert_eq(t.displayData.length, 1);

	/* Not a management message at all. */
	memset(&m, 0, sizeof(m));
	ptp_header_init(&m.hdr, PTP_SIGNALING);
	cr_assert_eq(mgmt_tlv_get(&m, &t), -PTP_E_MGMT);
	ptp_header_init(&m.hdr, PTP_MANAGEMENT);
	cr_assert_eq(mgmt_tlv_get(&m, &t), -PTP_E_MGMT);
}

Test(mgmt, data_getters_check_id_and_length)
{
	uint8_t d[32] = { 0 };
	struct mgmt_tlv t = { TLV_MANAGEMENT, MID_PORT_DATA_SET, d, 26 };
	struct default_ds dds;
	struct current_ds cds;
	struct parent_ds pds;
	struct time_properties_ds tp;
	struct port_ds pd;

	cr_assert_eq(mgmt_get_port_ds(&t, &pd), 0);
	cr_assert_eq(mgmt_get_default_ds(&t, &dds), -PTP_E_INVAL);
	cr_assert_eq(mgmt_get_current_ds(&t, &cds), -PTP_E_INVAL);
	cr_assert_eq(mgmt_get_parent_ds(&t, &pds), -PTP_E_INVAL);
	cr_assert_eq(mgmt_get_time_properties_ds(&t, &tp), -PTP_E_INVAL);

	t.data_len = MGMT_PORT_DS_LEN - 1;
	cr_assert_eq(mgmt_get_port_ds(&t, &pd), -PTP_E_TLV_BODY);
	t.managementId = MID_DEFAULT_DATA_SET;
	t.data_len = MGMT_DEFAULT_DS_LEN - 1;
	cr_assert_eq(mgmt_get_default_ds(&t, &dds), -PTP_E_TLV_BODY);
	t.managementId = MID_CURRENT_DATA_SET;
	t.data_len = MGMT_CURRENT_DS_LEN - 1;
	cr_assert_eq(mgmt_get_current_ds(&t, &cds), -PTP_E_TLV_BODY);
	t.managementId = MID_PARENT_DATA_SET;
	t.data_len = MGMT_PARENT_DS_LEN - 1;
	cr_assert_eq(mgmt_get_parent_ds(&t, &pds), -PTP_E_TLV_BODY);
	t.managementId = MID_TIME_PROPERTIES_DATA_SET;
	t.data_len = MGMT_TIME_PROPERTIES_DS_LEN - 1;
	cr_assert_eq(mgmt_get_time_properties_ds(&t, &tp), -PTP_E_TLV_BODY);
	/* A longer field (a later edition) is read up to what we know. */
	t.data_len = 32;
	cr_assert_eq(mgmt_get_time_properties_ds(&t, &tp), 0);
}

Test(mgmt, writer_full)
{
	uint8_t buf[30];
	struct tlv_writer w;
	struct default_ds dds = { 0 };

	tlv_writer_init(&w, buf, sizeof(buf));
	cr_assert_eq(mgmt_put_default_ds(&w, &dds), 0);		/* 26 */
	cr_assert_eq(mgmt_put_empty(&w, MID_PRIORITY1), -PTP_E_NOSPACE);
	cr_assert_eq(w.len, 26);
	cr_assert_eq(w.err, -PTP_E_NOSPACE);
}

static size_t mg_unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (sscanf(s + 2 * n, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* Decode a captured ptp4l RESPONSE and re-pack it bit for bit. */
static struct mgmt_tlv mg_peer(const char *hex, size_t want_len,
			       uint16_t id, uint8_t *b)
{
	uint8_t out[256];
	struct ptp_msg m;
	struct mgmt_tlv t;
	size_t n = mg_unhex(hex, b);

	cr_assert_eq(n, want_len);
	cr_assert_eq(ptp_msg_unpack(b, n, &m), 0);
	cr_assert_eq(m.body.management.actionField, PTP_MGMT_RESPONSE);
	cr_assert_eq(mgmt_tlv_get(&m, &t), 0);
	cr_assert_eq(t.tlvType, TLV_MANAGEMENT);
	cr_assert_eq(t.managementId, id);
	cr_assert_eq(ptp_msg_pack(&m, out, sizeof(out)), (int)n);
	mg_assert_bytes("ptp4l response", out, b, n);
	return t;
}

/* ptp4l 3.1.1 grandmaster: priority1 1, clockClass 6, accuracy 0x21,
 * timeSource 0x20, intervals announce -2, sync -3, delay_req -3. */
Test(mgmt, linuxptp_responses)
{
	static const uint8_t gm[8] = { 0x02, 0x00, 0x5e, 0xff,
				       0xfe, 0x10, 0x00, 0x01 };
	uint8_t b[256];
	struct mgmt_tlv t;
	struct default_ds dds;
	struct current_ds cds;
	struct parent_ds pds;
	struct time_properties_ds tp;
	struct port_ds pd;
	struct mgmt_clock_description cd;

	t = mg_peer("0d02004a0000000000000000000000000000000002005efffe100001"
		    "00010000047f02005efffe1000020001010102000001001620000100"
		    "0001010621ffff8002005efffe1000010000", 74,
		    MID_DEFAULT_DATA_SET, b);
	cr_assert_eq(mgmt_get_default_ds(&t, &dds), 0);
	cr_assert(dds.twoStepFlag);
	cr_assert(!dds.slaveOnly);
	cr_assert_eq(dds.numberPorts, 1);
	cr_assert_eq(dds.priority1, 1);
	cr_assert_eq(dds.clockQuality.clockClass, 6);
	cr_assert_eq(dds.clockQuality.clockAccuracy, 0x21);
	cr_assert_eq(dds.clockQuality.offsetScaledLogVariance, 0xffff);
	cr_assert_eq(dds.priority2, 128);
	cr_assert_arr_eq(dds.clockIdentity.id, gm, 8);
	cr_assert_eq(dds.domainNumber, 0);

	t = mg_peer("0d0200480000000000000000000000000000000002005efffe100001"
		    "00010001047f02005efffe1000020001010102000001001420010000"
		    "00000000000000000000000000000000", 72,
		    MID_CURRENT_DATA_SET, b);
	cr_assert_eq(mgmt_get_current_ds(&t, &cds), 0);
	cr_assert_eq(cds.stepsRemoved, 0);

	t = mg_peer("0d0200560000000000000000000000000000000002005efffe100001"
		    "00010002047f02005efffe1000020001010102000001002220020200"
		    "5efffe10000100000000ffff7fffffff010621ffff8002005efffe10"
		    "0001", 86, MID_PARENT_DATA_SET, b);
	cr_assert_eq(mgmt_get_parent_ds(&t, &pds), 0);
	cr_assert_arr_eq(pds.parentPortIdentity.clockIdentity.id, gm, 8);
	cr_assert_eq(pds.parentPortIdentity.portNumber, 0);
	cr_assert_eq(pds.observedParentOffsetScaledLogVariance, 0xffff);
	cr_assert_eq(pds.observedParentClockPhaseChangeRate, 0x7fffffff);
	cr_assert_eq(pds.grandmasterPriority1, 1);
	cr_assert_eq(pds.grandmasterClockQuality.clockClass, 6);
	cr_assert_arr_eq(pds.grandmasterIdentity.id, gm, 8);

	t = mg_peer("0d02003a0000000000000000000000000000000002005efffe100001"
		    "00010003047f02005efffe1000020001010102000001000620030025"
		    "0020", 58, MID_TIME_PROPERTIES_DATA_SET, b);
	cr_assert_eq(mgmt_get_time_properties_ds(&t, &tp), 0);
	cr_assert_eq(tp.currentUtcOffset, 37);
	cr_assert(!tp.currentUtcOffsetValid && !tp.ptpTimescale);
	cr_assert_eq(tp.timeSource, TS_GNSS);

	t = mg_peer("0d0200500000000000000000000000000000000002005efffe100001"
		    "00010004047f02005efffe1000020001010102000001001c20040200"
		    "5efffe100001000106fd0000000000000000fe03fd01fd02", 80,
		    MID_PORT_DATA_SET, b);
	cr_assert_eq(mgmt_get_port_ds(&t, &pd), 0);
	cr_assert_eq(pd.portIdentity.portNumber, 1);
	cr_assert_eq(pd.portState, PS_MASTER);
	cr_assert_eq(pd.logMinDelayReqInterval, -3);
	cr_assert_eq(pd.logAnnounceInterval, -2);
	cr_assert_eq(pd.announceReceiptTimeout, 3);
	cr_assert_eq(pd.logSyncInterval, -3);
	cr_assert_eq(pd.delayMechanism, DM_E2E);
	cr_assert_eq(pd.logMinPdelayReqInterval, -3);
	cr_assert_eq(pd.versionNumber, 2);
	cr_assert_eq(pd.minorVersionNumber, 0);

	t = mg_peer("0d0200640000000000000000000000000000000002005efffe100001"
		    "00010005047f02005efffe1000020001010102000001003000018000"
		    "0a49454545203830322e33000602005e10000100010004c000020100"
		    "000000023b3b023b3b00001b19000100", 100,
		    MID_CLOCK_DESCRIPTION, b);
	cr_assert_eq(mgmt_get_clock_description(&t, &cd), 0);
	cr_assert_eq(cd.clockType, CLOCK_TYPE_ORDINARY);
	cr_assert_eq(cd.physicalLayerProtocol.length, 10);
	cr_assert_arr_eq(cd.physicalLayerProtocol.text, "IEEE 802.3", 10);
	cr_assert_eq(cd.physicalAddressLength, 6);
	cr_assert_eq(cd.networkProtocol, 1);
	cr_assert_eq(cd.addressLength, 4);
	cr_assert_eq(cd.addressField[0], 192);
	cr_assert_eq(cd.productDescription.length, 2);
	cr_assert_arr_eq(cd.productDescription.text, ";;", 2);
	cr_assert_eq(cd.revisionData.length, 2);
	cr_assert_eq(cd.userDescription.length, 0);
	cr_assert_eq(cd.profileIdentity[2], 0x19);
}
