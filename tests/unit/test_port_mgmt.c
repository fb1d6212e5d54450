/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of common/port_mgmt.c: a port's answers to management
 * messages (IEEE 1588-2019 clause 15), sent the way linuxptp 3.1.1's pmc
 * sends them (targetPortIdentity all ones, startingBoundaryHops =
 * boundaryHops = -b, GET data field full of zeros) and decoded back with
 * mgmt_get_*().
 */
#include <criterion/criterion.h>
#include <string.h>

#include "log.h"
#include "mgmt.h"
#include "port_test.h"

static void pmgmt_init(void)
{
	log_set_level(LOG_EMERG);
}

TestSuite(port_mgmt, .init = pmgmt_init, .timeout = 20);

static const struct port_identity mg_pmc = {
	{ { 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x10, 0x00, 0x02 } }, 0x4321
};
static const struct port_identity mg_all = {
	{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } }, 0xFFFF
};

/* A management message from pmc; zero_len: bytes of zero data (pmc
 * 3.1.1 sends the data set's size), 0 for an empty TLV. */
/* mg_send from another sender: its identity and (when addr) the network
 * address the transport gives (4 bytes, IPv4). */
static void mg_send_from(struct pt *t, const struct port_identity *from,
			 const uint8_t *addr, uint16_t id)
{
	uint8_t tlv[128], buf[PTP_MSG_MAX];
	struct pev ev = { .type = PEV_RX };
	struct tlv_writer w;
	struct ptp_msg m;
	int len;

	tlv_writer_init(&w, tlv, sizeof(tlv));
	cr_assert_eq(mgmt_put_empty(&w, id), 0);
	pt_msg(&m, PTP_MANAGEMENT, from, 42);
	m.body.management.targetPortIdentity = mg_all;
	m.body.management.startingBoundaryHops = 1;
	m.body.management.boundaryHops = 1;
	m.body.management.actionField = PTP_MGMT_GET;
	m.tlv = tlv;
	m.tlv_len = (uint16_t)w.len;
	len = ptp_msg_pack(&m, buf, sizeof(buf));
	cr_assert_gt(len, 0);
	ev.u.rx.buf = buf;
	ev.u.rx.len = (uint16_t)len;
	ev.u.rx.src = addr;
	ev.u.rx.src_len = addr ? 4 : 0;
	pt_ev(t, &ev);
}

static void mg_send(struct pt *t, uint8_t action, uint16_t id,
		    const struct port_identity *target, uint8_t start,
		    uint8_t hops, uint16_t zero_len)
{
	uint8_t tlv[128], val[64];
	struct tlv_writer w;
	struct ptp_msg m;

	cr_assert_leq(zero_len, sizeof(val) - 2);
	tlv_writer_init(&w, tlv, sizeof(tlv));
	if (zero_len) {
		memset(val, 0, sizeof(val));
		put_be16(val, id);
		cr_assert_eq(tlv_put_raw(&w, TLV_MANAGEMENT, val,
					 (uint16_t)(2 + zero_len)), 0);
	} else {
		cr_assert_eq(mgmt_put_empty(&w, id), 0);
	}
	pt_msg(&m, PTP_MANAGEMENT, &mg_pmc, 42);
	m.hdr.minorVersionPTP = 0;		/* pmc 3.1.1 */
	m.body.management.targetPortIdentity = *target;
	m.body.management.startingBoundaryHops = start;
	m.body.management.boundaryHops = hops;
	m.body.management.actionField = action;
	m.tlv = tlv;
	m.tlv_len = (uint16_t)w.len;
	pt_rx(t, &m);
}

/* The answer: checks the envelope and returns its TLV. */
static struct mgmt_tlv mg_answer(struct pt *t, struct ptp_msg *m,
				 uint8_t action, uint16_t id)
{
	const struct pact *a = pt_sent(t, PTP_MANAGEMENT, m);
	struct mgmt_tlv tlv;

	cr_assert(!a->u.send.event && !a->u.send.want_txts);
	cr_assert_eq(m->hdr.sequenceId, 42);
	cr_assert_eq(m->hdr.logMessageInterval, PTP_LOG_INTERVAL_UNSPEC);
	cr_assert_eq(port_identity_cmp(&m->hdr.sourcePortIdentity,
				       &port_core_ds(t->pc)->portIdentity), 0);
	cr_assert_eq(port_identity_cmp(&m->body.management.targetPortIdentity,
				       &mg_pmc), 0);
	cr_assert_eq(m->body.management.actionField, action);
	cr_assert_eq(mgmt_tlv_get(m, &tlv), 0);
	cr_assert_eq(tlv.managementId, id);
	return tlv;
}

static void mg_setup_allow(struct pt *t, uint8_t dm, bool allow)
{
	pt_setup(t, dm);
	t->cfg.mgmt_set_allow = allow;
	t->clk.dflt.priority1 = 100;
	t->clk.dflt.domainNumber = 0;
	t->clk.cur.stepsRemoved = 2;
	t->clk.cur.offsetFromMaster = -12345;
	t->clk.cur.meanDelay = 67890;
	t->clk.parent.parentPortIdentity = pt_m1;
	t->clk.parent.grandmasterIdentity = pt_m2.clockIdentity;
	t->clk.parent.grandmasterPriority1 = 3;
	t->clk.parent.grandmasterClockQuality.clockClass = 6;
	t->clk.tprop.currentUtcOffset = 37;
	t->clk.tprop.currentUtcOffsetValid = true;
	t->clk.tprop.timeSource = TS_GNSS;
	t->cfg.phys_addr[0] = 0x02;
	t->cfg.phys_addr[5] = 0x07;
	t->cfg.proto_addr[0] = 10;
	t->cfg.proto_addr[3] = 9;
	t->cfg.proto_addr_len = 4;
	t->cfg.product = "Meridian;portd;0.1";
	pt_create(t);
	pt_simple(t, PEV_START);
}

static void mg_setup(struct pt *t, uint8_t dm)
{
	mg_setup_allow(t, dm, false);
}

Test(port_mgmt, get_default_data_set_like_pmc)
{
	struct default_ds d;
	struct mgmt_tlv tlv;
	struct ptp_msg m;
	struct pt t;

	mg_setup(&t, DM_E2E);
	mg_send(&t, PTP_MGMT_GET, MID_DEFAULT_DATA_SET, &mg_all, 1, 1,
		MGMT_DEFAULT_DS_LEN);
	tlv = mg_answer(&t, &m, PTP_MGMT_RESPONSE, MID_DEFAULT_DATA_SET);
	/* startingBoundaryHops - boundaryHops = 0, both ways. */
	cr_assert_eq(m.body.management.startingBoundaryHops, 0);
	cr_assert_eq(m.body.management.boundaryHops, 0);
	cr_assert_eq(tlv.tlvType, TLV_MANAGEMENT);
	cr_assert_eq(mgmt_get_default_ds(&tlv, &d), 0);
	cr_assert_eq(clock_identity_cmp(&d.clockIdentity, &pt_me), 0);
	cr_assert_eq(d.priority1, 100);
	cr_assert_eq(d.priority2, 128);
	cr_assert_eq(d.numberPorts, 1);
	cr_assert_eq(d.clockQuality.clockClass, 248);
	cr_assert_eq(d.twoStepFlag, true);
	cr_assert_eq(d.slaveOnly, false);
	cr_assert_eq(port_core_counters(t.pc)->mgmt_answered, 1);
	cr_assert_eq(port_core_counters(t.pc)->mgmt_errors, 0);
	pt_destroy(&t);
}

Test(port_mgmt, get_current_parent_time_properties)
{
	struct time_properties_ds tp;
	struct current_ds c;
	struct parent_ds p;
	struct mgmt_tlv tlv;
	struct ptp_msg m;
	struct pt t;

	mg_setup(&t, DM_E2E);
	mg_send(&t, PTP_MGMT_GET, MID_CURRENT_DATA_SET, &mg_all, 5, 3, 0);
	tlv = mg_answer(&t, &m, PTP_MGMT_RESPONSE, MID_CURRENT_DATA_SET);
	cr_assert_eq(m.body.management.startingBoundaryHops, 2);
	cr_assert_eq(m.body.management.boundaryHops, 2);
	cr_assert_eq(mgmt_get_current_ds(&tlv, &c), 0);
	cr_assert_eq(c.stepsRemoved, 2);
	cr_assert_eq(c.offsetFromMaster, -12345);
	cr_assert_eq(c.meanDelay, 67890);

	mg_send(&t, PTP_MGMT_GET, MID_PARENT_DATA_SET, &mg_all, 1, 1,
		MGMT_PARENT_DS_LEN);
	tlv = mg_answer(&t, &m, PTP_MGMT_RESPONSE, MID_PARENT_DATA_SET);
	cr_assert_eq(mgmt_get_parent_ds(&tlv, &p), 0);
	cr_assert_eq(port_identity_cmp(&p.parentPortIdentity, &pt_m1), 0);
	cr_assert_eq(clock_identity_cmp(&p.grandmasterIdentity,
					&pt_m2.clockIdentity), 0);
	cr_assert_eq(p.grandmasterPriority1, 3);
	cr_assert_eq(p.grandmasterClockQuality.clockClass, 6);

	mg_send(&t, PTP_MGMT_GET, MID_TIME_PROPERTIES_DATA_SET, &mg_all, 1, 1,
		MGMT_TIME_PROPERTIES_DS_LEN);
	tlv = mg_answer(&t, &m, PTP_MGMT_RESPONSE,
			MID_TIME_PROPERTIES_DATA_SET);
	cr_assert_eq(mgmt_get_time_properties_ds(&tlv, &tp), 0);
	cr_assert_eq(tp.currentUtcOffset, 37);
	cr_assert_eq(tp.currentUtcOffsetValid, true);
	cr_assert_eq(tp.ptpTimescale, true);
	cr_assert_eq(tp.timeSource, TS_GNSS);
	cr_assert_eq(port_core_counters(t.pc)->mgmt_answered, 3);
	pt_destroy(&t);
}

Test(port_mgmt, get_port_data_set_with_state_and_link_delay)
{
	static const struct port_identity peer = {
		{ { 0x0a, 0x0b, 0x0c, 0xff, 0xfe, 0x0d, 0x0e, 0x0f } }, 2
	};
	struct port_ds p;
	struct mgmt_tlv tlv;
	struct ptp_msg m;
	struct pt t;
	uint16_t seq;

	mg_setup(&t, DM_P2P);
	pt_decide(&t, BMCA_REC_M2);
	/* One peer delay exchange: ((2000 - 0) - (1500 - 500)) / 2 =
	 * 500 ns. */
	pt_timer(&t, PT_PDELAY_REQ);
	seq = pt_find(&t.out, PACT_SEND, PTP_PDELAY_REQ, -1)->u.send.seq;
	pt_txts(&t, PTP_PDELAY_REQ, seq, pt_t(10, 0, 0));
	pt_msg(&m, PTP_PDELAY_RESP, &peer, seq);
	m.body.pdelay_resp.timestamp = tmv_to_ts(pt_t(10, 500, 0));
	m.body.pdelay_resp.requestingPortIdentity =
		port_core_ds(t.pc)->portIdentity;
	pt_rx_ts(&t, &m, true, pt_t(10, 2000, 0));
	pt_msg(&m, PTP_PDELAY_RESP_FOLLOW_UP, &peer, seq);
	m.body.pdelay_resp.timestamp = tmv_to_ts(pt_t(10, 1500, 0));
	m.body.pdelay_resp.requestingPortIdentity =
		port_core_ds(t.pc)->portIdentity;
	pt_rx(&t, &m);

	mg_send(&t, PTP_MGMT_GET, MID_PORT_DATA_SET, &mg_all, 1, 1,
		MGMT_PORT_DS_LEN);
	tlv = mg_answer(&t, &m, PTP_MGMT_RESPONSE, MID_PORT_DATA_SET);
	cr_assert_eq(mgmt_get_port_ds(&tlv, &p), 0);
	cr_assert_eq(port_identity_cmp(&p.portIdentity,
		     &port_core_ds(t.pc)->portIdentity), 0);
	cr_assert_eq(p.portState, PS_MASTER);
	cr_assert_eq(p.meanLinkDelay, 500LL << 16);
	cr_assert_eq(p.delayMechanism, DM_P2P);
	cr_assert_eq(p.logAnnounceInterval, 1);
	cr_assert_eq(p.announceReceiptTimeout, 3);
	cr_assert_eq(p.logSyncInterval, 0);
	cr_assert_eq(p.versionNumber, 2);
	cr_assert_eq(p.minorVersionNumber, 1);
	pt_destroy(&t);
}

static void mg_text_eq(const struct ptp_text *t, const char *want)
{
	cr_assert_eq(t->length, strlen(want));
	if (t->length) {	/* an empty text may have no pointer */
		cr_assert_eq(memcmp(t->text, want, t->length), 0,
			     "text %.*s", t->length, (const char *)t->text);
	}
}

Test(port_mgmt, get_clock_description)
{
	static const uint8_t e2e[6] = { 0x00, 0x1B, 0x19, 0x00, 0x01, 0x00 };
	static const uint8_t p2p[6] = { 0x00, 0x1B, 0x19, 0x00, 0x02, 0x00 };
	struct mgmt_clock_description cd;
	struct mgmt_tlv tlv;
	struct ptp_msg m;
	unsigned i;

	for (i = 0; i < 2; i++) {
		struct pt t;

		mg_setup(&t, i ? DM_P2P : DM_E2E);
		mg_send(&t, PTP_MGMT_GET, MID_CLOCK_DESCRIPTION, &mg_all, 1,
			1, 0);
		tlv = mg_answer(&t, &m, PTP_MGMT_RESPONSE,
				MID_CLOCK_DESCRIPTION);
		cr_assert_eq(mgmt_get_clock_description(&tlv, &cd), 0);
		cr_assert_eq(cd.clockType, CLOCK_TYPE_ORDINARY);
		mg_text_eq(&cd.physicalLayerProtocol, "IEEE 802.3");
		cr_assert_eq(cd.physicalAddressLength, 6);
		cr_assert_eq(memcmp(cd.physicalAddress, t.cfg.phys_addr, 6),
			     0);
		cr_assert_eq(cd.networkProtocol, 1);
		cr_assert_eq(cd.addressLength, 4);
		cr_assert_eq(memcmp(cd.addressField, t.cfg.proto_addr, 4), 0);
		cr_assert_eq(cd.manufacturerIdentity[0] |
			     cd.manufacturerIdentity[1] |
			     cd.manufacturerIdentity[2], 0);
		mg_text_eq(&cd.productDescription, "Meridian;portd;0.1");
		mg_text_eq(&cd.revisionData, ";;");
		mg_text_eq(&cd.userDescription, "");
		cr_assert_eq(memcmp(cd.profileIdentity, i ? p2p : e2e, 6), 0);
		pt_destroy(&t);
	}
}

Test(port_mgmt, null_management_empty_answer)
{
	struct mgmt_tlv tlv;
	struct ptp_msg m;
	struct pt t;

	mg_setup(&t, DM_E2E);
	mg_send(&t, PTP_MGMT_GET, MID_NULL_PTP_MANAGEMENT, &mg_all, 1, 1, 0);
	tlv = mg_answer(&t, &m, PTP_MGMT_RESPONSE, MID_NULL_PTP_MANAGEMENT);
	cr_assert_eq(tlv.tlvType, TLV_MANAGEMENT);
	cr_assert_eq(tlv.data_len, 0);
	pt_destroy(&t);
}

struct mg_err_case {
	uint8_t action;
	uint16_t id;
	uint8_t answer_action;
	uint16_t error;
};

Test(port_mgmt, errors_by_id_and_action)
{
	static const struct mg_err_case cases[] = {
		{ PTP_MGMT_GET, 0x1234, PTP_MGMT_RESPONSE, MERR_NO_SUCH_ID },
		{ PTP_MGMT_GET, 0xC000, PTP_MGMT_RESPONSE, MERR_NO_SUCH_ID },
		{ PTP_MGMT_GET, MID_PRIORITY1, PTP_MGMT_RESPONSE,
		  MERR_NOT_SUPPORTED },
		{ PTP_MGMT_SET, MID_DEFAULT_DATA_SET, PTP_MGMT_RESPONSE,
		  MERR_NOT_SETABLE },
		{ PTP_MGMT_SET, MID_PORT_DATA_SET, PTP_MGMT_RESPONSE,
		  MERR_NOT_SETABLE },
		{ PTP_MGMT_SET, MID_PRIORITY1, PTP_MGMT_RESPONSE,
		  MERR_NOT_SUPPORTED },
		{ PTP_MGMT_COMMAND, MID_INITIALIZE, PTP_MGMT_ACKNOWLEDGE,
		  MERR_NOT_SUPPORTED },
		{ PTP_MGMT_COMMAND, 0x1234, PTP_MGMT_ACKNOWLEDGE,
		  MERR_NO_SUCH_ID },
	};
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mg_err_case *c = &cases[i];
		struct mgmt_tlv tlv;
		struct ptp_msg m;
		struct pt t;

		mg_setup_allow(&t, DM_E2E, true);
		mg_send(&t, c->action, c->id, &mg_all, 1, 1,
			c->action == PTP_MGMT_SET ? 2 : 0);
		tlv = mg_answer(&t, &m, c->answer_action, c->id);
		cr_assert_eq(tlv.tlvType, TLV_MANAGEMENT_ERROR_STATUS,
			     "case %u", i);
		cr_assert_eq(tlv.managementErrorId, c->error,
			     "case %u: error 0x%04x, want 0x%04x", i,
			     tlv.managementErrorId, c->error);
		cr_assert_eq(port_core_counters(t.pc)->mgmt_errors, 1);
		cr_assert_eq(port_core_counters(t.pc)->mgmt_answered, 1);
		pt_destroy(&t);
	}
}

Test(port_mgmt, addressing)
{
	struct port_identity target;
	struct ptp_msg m;
	struct pt t;

	mg_setup(&t, DM_E2E);
	/* Another clock: silence. */
	target = mg_all;
	target.clockIdentity = pt_m1.clockIdentity;
	mg_send(&t, PTP_MGMT_GET, MID_DEFAULT_DATA_SET, &target, 1, 1, 0);
	cr_assert_null(pt_find(&t.out, PACT_SEND, -1, -1));
	/* Our clock, another port: silence. */
	target.clockIdentity = pt_me;
	target.portNumber = 2;
	mg_send(&t, PTP_MGMT_GET, MID_DEFAULT_DATA_SET, &target, 1, 1, 0);
	cr_assert_null(pt_find(&t.out, PACT_SEND, -1, -1));
	/* Exactly us; all ones with our port number; any boundaryHops. */
	target.portNumber = 1;
	mg_send(&t, PTP_MGMT_GET, MID_DEFAULT_DATA_SET, &target, 0, 0, 0);
	mg_answer(&t, &m, PTP_MGMT_RESPONSE, MID_DEFAULT_DATA_SET);
	target = mg_all;
	target.portNumber = 1;
	mg_send(&t, PTP_MGMT_GET, MID_DEFAULT_DATA_SET, &target, 7, 2, 0);
	mg_answer(&t, &m, PTP_MGMT_RESPONSE, MID_DEFAULT_DATA_SET);
	cr_assert_eq(m.body.management.startingBoundaryHops, 5);
	/* Someone else's RESPONSE is not answered. */
	mg_send(&t, PTP_MGMT_RESPONSE, MID_DEFAULT_DATA_SET, &mg_all, 1, 1,
		0);
	cr_assert_null(pt_find(&t.out, PACT_SEND, -1, -1));
	cr_assert_eq(port_core_counters(t.pc)->mgmt_answered, 2);
	pt_destroy(&t);
}

Test(port_mgmt, answered_when_faulty_or_disabled)
{
	struct ptp_msg m;
	struct port_ds p;
	struct mgmt_tlv tlv;
	struct pt t;

	mg_setup(&t, DM_E2E);
	pt_simple(&t, PEV_LINK_DOWN);
	mg_send(&t, PTP_MGMT_GET, MID_PORT_DATA_SET, &mg_all, 1, 1, 0);
	tlv = mg_answer(&t, &m, PTP_MGMT_RESPONSE, MID_PORT_DATA_SET);
	cr_assert_eq(mgmt_get_port_ds(&tlv, &p), 0);
	cr_assert_eq(p.portState, PS_FAULTY);
	pt_simple(&t, PEV_DISABLE);
	mg_send(&t, PTP_MGMT_GET, MID_PORT_DATA_SET, &mg_all, 1, 1, 0);
	tlv = mg_answer(&t, &m, PTP_MGMT_RESPONSE, MID_PORT_DATA_SET);
	cr_assert_eq(mgmt_get_port_ds(&tlv, &p), 0);
	cr_assert_eq(p.portState, PS_DISABLED);
	pt_destroy(&t);
}

Test(port_mgmt, not_answered_while_initializing)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	pt_create(&t);
	mg_send(&t, PTP_MGMT_GET, MID_DEFAULT_DATA_SET, &mg_all, 1, 1, 0);
	cr_assert_null(pt_find(&t.out, PACT_SEND, -1, -1));
	pt_destroy(&t);
}

/* ---- hostile traffic (issue 9): policy and budget ---- */

/* The default policy (management_set deny): every SET and COMMAND is
 * answered NOT_SUPPORTED whatever its id, and counted; GETs still work. */
Test(port_mgmt, set_and_command_refused_by_default)
{
	static const struct { uint8_t action; uint16_t id; } cases[] = {
		{ PTP_MGMT_SET, MID_DEFAULT_DATA_SET },
		{ PTP_MGMT_SET, MID_PORT_DATA_SET },
		{ PTP_MGMT_SET, MID_PRIORITY1 },
		{ PTP_MGMT_SET, 0x1234 },
		{ PTP_MGMT_COMMAND, MID_INITIALIZE },
		{ PTP_MGMT_COMMAND, 0x1234 },
	};
	const struct port_counters *c;
	struct mgmt_tlv tlv;
	struct ptp_msg m;
	struct pt t;
	unsigned i;

	mg_setup(&t, DM_E2E);
	c = port_core_counters(t.pc);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mg_send(&t, cases[i].action, cases[i].id, &mg_all, 1, 1,
			cases[i].action == PTP_MGMT_SET ? 2 : 0);
		tlv = mg_answer(&t, &m, cases[i].action == PTP_MGMT_SET ?
				PTP_MGMT_RESPONSE : PTP_MGMT_ACKNOWLEDGE,
				cases[i].id);
		cr_assert_eq(tlv.tlvType, TLV_MANAGEMENT_ERROR_STATUS,
			     "case %u", i);
		cr_assert_eq(tlv.managementErrorId, MERR_NOT_SUPPORTED,
			     "case %u: error 0x%04x", i,
			     tlv.managementErrorId);
		cr_assert_eq(c->mgmt_refused, i + 1, "case %u", i);
	}
	mg_send(&t, PTP_MGMT_GET, MID_DEFAULT_DATA_SET, &mg_all, 1, 1, 20);
	tlv = mg_answer(&t, &m, PTP_MGMT_RESPONSE, MID_DEFAULT_DATA_SET);
	cr_assert_eq(tlv.tlvType, TLV_MANAGEMENT);
	cr_assert_eq(c->mgmt_refused, 6);
	pt_destroy(&t);
}

/* A flood of requests from one sender at one instant:
 * PORT_MGMT_ANSWERS_PER_SRC answered, the rest dropped unanswered and
 * counted; half a second later half as many again. */
Test(port_mgmt, answers_bounded_per_sender)
{
	const struct port_counters *c;
	unsigned i, sent = 0;
	struct pt t;

	mg_setup(&t, DM_E2E);
	c = port_core_counters(t.pc);
	for (i = 0; i < 1000; i++) {
		mg_send(&t, PTP_MGMT_GET, MID_NULL_PTP_MANAGEMENT, &mg_all,
			1, 1, 0);
		sent += pt_count(&t.out, PACT_SEND);
	}
	cr_assert_eq(sent, PORT_MGMT_ANSWERS_PER_SRC);
	cr_assert_eq(c->mgmt_answered, PORT_MGMT_ANSWERS_PER_SRC);
	cr_assert_eq(c->mgmt_limited, 1000 - PORT_MGMT_ANSWERS_PER_SRC);
	t.now += NS_PER_SEC / 2;
	for (i = 0, sent = 0; i < 1000; i++) {
		mg_send(&t, PTP_MGMT_GET, MID_NULL_PTP_MANAGEMENT, &mg_all,
			1, 1, 0);
		sent += pt_count(&t.out, PACT_SEND);
	}
	cr_assert_eq(sent, PORT_MGMT_ANSWERS_PER_SRC / 2);
	pt_destroy(&t);
}

/* Many senders (by identity, no address given): the port's total. */
Test(port_mgmt, answers_bounded_per_second)
{
	const struct port_counters *c;
	struct port_identity from = mg_pmc;
	unsigned i, j, sent = 0;
	struct pt t;

	mg_setup(&t, DM_E2E);
	c = port_core_counters(t.pc);
	for (i = 0; i < 30; i++) {
		from.portNumber = (uint16_t)(100 + i);
		for (j = 0; j < PORT_MGMT_ANSWERS_PER_SRC; j++) {
			mg_send_from(&t, &from, NULL, MID_NULL_PTP_MANAGEMENT);
			sent += pt_count(&t.out, PACT_SEND);
		}
	}
	cr_assert_eq(sent, PORT_MGMT_ANSWERS_PER_S);
	cr_assert_eq(c->mgmt_limited,
		     30 * PORT_MGMT_ANSWERS_PER_SRC - PORT_MGMT_ANSWERS_PER_S);
	pt_destroy(&t);
}

/* A flood from one address (every request from another identity, as a
 * forger sends them) leaves another host its answers: 1000 requests a
 * second for 5 s from 10.0.0.66, and an operator's pmc at 10.0.0.7 asks
 * once a second, answered each time (one port-wide bucket answered it
 * about 1 time in 10). */
Test(port_mgmt, flood_from_one_address_leaves_the_operator_answered)
{
	static const uint8_t flood_ip[4] = { 10, 0, 0, 66 };
	static const uint8_t pmc_ip[4] = { 10, 0, 0, 7 };
	struct port_identity from = mg_pmc;
	unsigned i, flood = 0, op = 0;
	struct pt t;

	mg_setup(&t, DM_E2E);
	for (i = 0; i < 5000; i++) {
		t.now += NS_PER_SEC / 1000;
		from.clockIdentity.id[7] = (uint8_t)i;
		from.portNumber = (uint16_t)i;
		mg_send_from(&t, &from, flood_ip, MID_NULL_PTP_MANAGEMENT);
		flood += pt_count(&t.out, PACT_SEND);
		if (i % 1000 == 999) {
			mg_send_from(&t, &mg_pmc, pmc_ip,
				     MID_DEFAULT_DATA_SET);
			op += pt_count(&t.out, PACT_SEND);
		}
	}
	cr_assert_eq(op, 5, "the operator got %u answers of 5", op);
	cr_assert_leq(flood, PORT_MGMT_ANSWERS_PER_SRC * 6,
		      "the flood got %u answers", flood);
	pt_destroy(&t);
}
