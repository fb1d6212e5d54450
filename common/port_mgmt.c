/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port_mgmt.c - answers to management messages (IEEE 1588-2019 clause 15)
 * addressed to this port.
 *
 * Addressed to us: targetPortIdentity.clockIdentity is all ones or ours,
 * and its portNumber is all ones or ours; boundaryHops is not checked (a
 * node answers whatever hop it is, 15.3.3). The answer is a RESPONSE
 * (ACKNOWLEDGE for a COMMAND) with the request's sequenceId,
 * targetPortIdentity = the requester's sourcePortIdentity and
 * startingBoundaryHops = boundaryHops = the request's startingBoundaryHops
 * minus its boundaryHops (15.4.1.5; as linuxptp's port_management_reply
 * computes it).
 *
 * GET: DEFAULT_, CURRENT_, PARENT_, TIME_PROPERTIES_DATA_SET (from the
 * clock's data sets), PORT_DATA_SET (ours), CLOCK_DESCRIPTION and
 * NULL_PTP_MANAGEMENT (an empty answer). A GET's data field (pmc 3.1.1
 * sends one full of zeros) is ignored.
 *
 * Errors (MANAGEMENT_ERROR_STATUS, Table 109):
 *   an id not in Table 59                        NO_SUCH_ID
 *   SET of a GET-only id (the data sets, CLOCK_DESCRIPTION)
 *                                                NOT_SETABLE
 *   anything else (SET of a settable id, COMMAND, GET of an id we do
 *   not keep)                                    NOT_SUPPORTED
 * RESPONSE and ACKNOWLEDGE messages (answers of other nodes) are ignored.
 *
 * Hostile traffic (issue 9):
 *   - policy: unless cfg.mgmt_set_allow, every SET and COMMAND is refused
 *     before anything else looks at it: answered NOT_SUPPORTED (Table 109
 *     has no "not permitted") and counted in mgmt_refused. No id is
 *     settable yet, so with it allowed they get the errors above.
 *   - budget: at most PORT_MGMT_ANSWERS_PER_S answers a second in all
 *     and PORT_MGMT_ANSWERS_PER_SRC to one sender (srclimit.h: token
 *     buckets on the event's monotonic time, bursts of as many; the
 *     sender is its network address, or its sourcePortIdentity when the
 *     caller gives no address); a request beyond either is dropped
 *     unanswered and counted in mgmt_limited, so a flood of requests
 *     cannot turn the port into a traffic amplifier, nor one host's flood
 *     silence the answers to another (an operator's pmc).
 */
#include <string.h>

#include "mgmt.h"
#include "port_core_private.h"
#include "tlv.h"

static const uint8_t profile_e2e[6] = { 0x00, 0x1B, 0x19, 0x00, 0x01, 0x00 };
static const uint8_t profile_p2p[6] = { 0x00, 0x1B, 0x19, 0x00, 0x02, 0x00 };

static bool mgmt_for_us(const struct port_core *pc,
			const struct port_identity *t)
{
	static const struct clock_identity all = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
	};
	const struct port_identity *me = &pc->ds.portIdentity;

	if (clock_identity_cmp(&t->clockIdentity, &all) &&
	    clock_identity_cmp(&t->clockIdentity, &me->clockIdentity)) {
		return false;
	}
	return t->portNumber == 0xFFFF || t->portNumber == me->portNumber;
}

/* Ids of Table 59 (2019), for telling NO_SUCH_ID from NOT_SUPPORTED. */
static bool mgmt_id_known(uint16_t id)
{
	return id <= 0x0007 ||			/* NULL .. FAULT_LOG_RESET */
	       (id >= 0x2000 && id <= 0x2015) ||	/* clock, data sets */
	       (id >= 0x3000 && id <= 0x3007) ||	/* tables, path trace */
	       (id >= 0x4000 && id <= 0x4003) ||	/* transparent clock */
	       (id >= 0x6000 && id <= 0x6001);		/* delay mechanism */
}

static bool mgmt_id_get_only(uint16_t id)
{
	switch (id) {
	case MID_CLOCK_DESCRIPTION:
	case MID_DEFAULT_DATA_SET:
	case MID_CURRENT_DATA_SET:
	case MID_PARENT_DATA_SET:
	case MID_TIME_PROPERTIES_DATA_SET:
	case MID_PORT_DATA_SET:
		return true;
	default:
		return false;
	}
}

static void ptext(struct ptp_text *t, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	t->length = n > 255 ? 255 : (uint8_t)n;
	t->text = (const uint8_t *)s;
}

static int put_clock_description(struct port_core *pc, struct tlv_writer *w)
{
	struct mgmt_clock_description cd;

	memset(&cd, 0, sizeof(cd));
	cd.clockType = pc->clk.dflt.numberPorts > 1 ? CLOCK_TYPE_BOUNDARY :
		       CLOCK_TYPE_ORDINARY;
	ptext(&cd.physicalLayerProtocol, "IEEE 802.3");
	cd.physicalAddressLength = sizeof(pc->cfg.phys_addr);
	cd.physicalAddress = pc->cfg.phys_addr;
	cd.networkProtocol = pc->cfg.network_protocol;
	cd.addressLength = pc->cfg.proto_addr_len > sizeof(pc->cfg.proto_addr) ?
			   sizeof(pc->cfg.proto_addr) :
			   pc->cfg.proto_addr_len;
	cd.addressField = pc->cfg.proto_addr;
	/* manufacturerIdentity stays 00-00-00 (no OUI). */
	ptext(&cd.productDescription, pc->product[0] ? pc->product : ";;");
	ptext(&cd.revisionData, ";;");
	ptext(&cd.userDescription, "");
	memcpy(cd.profileIdentity, pc_p2p(pc) ? profile_p2p : profile_e2e, 6);
	return mgmt_put_clock_description(w, &cd);
}

/* One answer from the budgets at pc->now_ns, for the request's sender:
 * false when its own or the port's is spent. */
static bool mgmt_budget_take(struct port_core *pc, const struct ptp_msg *req)
{
	const struct port_identity *src = &req->hdr.sourcePortIdentity;
	uint8_t id[10];
	uint64_t key;

	if (pc->rx_src && pc->rx_src_len) {
		key = srclim_key(pc->rx_src, pc->rx_src_len);
	} else {
		memcpy(id, src->clockIdentity.id, 8);
		id[8] = (uint8_t)(src->portNumber >> 8);
		id[9] = (uint8_t)src->portNumber;
		key = srclim_key(id, sizeof(id));
	}
	return srclim_take(&pc->mgmt_lim, key, pc->now_ns);
}

/* Fill w with the answer's TLV; returns true for an error status. */
static bool mgmt_answer(struct port_core *pc, uint8_t action, uint16_t id,
			struct tlv_writer *w)
{
	uint16_t err = 0;

	if (action != PTP_MGMT_GET && !pc->cfg.mgmt_set_allow) {
		/* Hostile traffic (issue 9): refused by policy. */
		pc->cnt.mgmt_refused++;
		err = MERR_NOT_SUPPORTED;
	} else if (!mgmt_id_known(id)) {
		err = MERR_NO_SUCH_ID;
	} else if (action == PTP_MGMT_SET && mgmt_id_get_only(id)) {
		err = MERR_NOT_SETABLE;
	} else if (action != PTP_MGMT_GET) {
		err = MERR_NOT_SUPPORTED;
	} else {
		switch (id) {
		case MID_NULL_PTP_MANAGEMENT:
			mgmt_put_empty(w, id);
			break;
		case MID_CLOCK_DESCRIPTION:
			put_clock_description(pc, w);
			break;
		case MID_DEFAULT_DATA_SET:
			mgmt_put_default_ds(w, &pc->clk.dflt);
			break;
		case MID_CURRENT_DATA_SET:
			mgmt_put_current_ds(w, &pc->clk.cur);
			break;
		case MID_PARENT_DATA_SET:
			mgmt_put_parent_ds(w, &pc->clk.parent);
			break;
		case MID_TIME_PROPERTIES_DATA_SET:
			mgmt_put_time_properties_ds(w, &pc->clk.tprop);
			break;
		case MID_PORT_DATA_SET:
			mgmt_put_port_ds(w, &pc->ds);
			break;
		default:
			err = MERR_NOT_SUPPORTED;
			break;
		}
		if (!err && w->err) {
			/* Too big for a message: cannot happen with these. */
			w->len = 0;
			w->err = 0;
			err = MERR_GENERAL_ERROR;
		}
	}
	if (err) {
		mgmt_put_error(w, err, id, NULL);
		return true;
	}
	return false;
}

void mgmt_rx(struct port_core *pc, const struct ptp_msg *req)
{
	const struct ptp_management *rm = &req->body.management;
	uint8_t tlvbuf[512];
	struct tlv_writer w;
	struct mgmt_tlv t;
	struct ptp_msg m;
	bool error;
	int rc;

	if (rm->actionField != PTP_MGMT_GET &&
	    rm->actionField != PTP_MGMT_SET &&
	    rm->actionField != PTP_MGMT_COMMAND) {
		return;		/* someone's answer */
	}
	if (!mgmt_for_us(pc, &rm->targetPortIdentity)) {
		return;
	}
	rc = mgmt_tlv_get(req, &t);
	if (rc < 0) {
		pc->cnt.rx_err[-rc < PTP_E_COUNT ? -rc : PTP_E_MGMT]++;
		return;
	}
	if (t.tlvType != TLV_MANAGEMENT) {
		pc->cnt.rx_unexpected++;
		return;
	}
	if (!mgmt_budget_take(pc, req)) {
		pc->cnt.mgmt_limited++;
		return;
	}
	tlv_writer_init(&w, tlvbuf, sizeof(tlvbuf));
	error = mgmt_answer(pc, rm->actionField, t.managementId, &w);

	memset(&m, 0, sizeof(m));
	pc_hdr_init(pc, &m.hdr, PTP_MANAGEMENT, req->hdr.sequenceId,
		    PTP_LOG_INTERVAL_UNSPEC);
	m.body.management.targetPortIdentity = req->hdr.sourcePortIdentity;
	m.body.management.startingBoundaryHops =
		rm->startingBoundaryHops >= rm->boundaryHops ?
		rm->startingBoundaryHops - rm->boundaryHops : 0;
	m.body.management.boundaryHops =
		m.body.management.startingBoundaryHops;
	m.body.management.actionField =
		rm->actionField == PTP_MGMT_COMMAND ? PTP_MGMT_ACKNOWLEDGE :
						      PTP_MGMT_RESPONSE;
	m.tlv = tlvbuf;
	m.tlv_len = (uint16_t)w.len;
	if (pc_send(pc, &m, false, false) < 0) {
		return;
	}
	pc->cnt.mgmt_answered++;
	if (error) {
		pc->cnt.mgmt_errors++;
	}
}
