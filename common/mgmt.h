/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mgmt.h - MANAGEMENT and MANAGEMENT_ERROR_STATUS TLVs (IEEE 1588-2019 15.5)
 * and the data fields for the data sets and CLOCK_DESCRIPTION.
 *
 * A management message carries exactly one of these TLVs after its body.
 * mgmt_tlv_get() reads it (type, managementId, data field bytes); the
 * mgmt_get_*() functions decode a data field into a ds.h struct, and the
 * mgmt_put_*() functions append a complete MANAGEMENT TLV with that data
 * field (padded to an even length, 15.5.3.1) to a struct tlv_writer.
 */
#ifndef MERIDIAN_MGMT_H
#define MERIDIAN_MGMT_H

#include <stdbool.h>
#include <stdint.h>

#include "ds.h"
#include "tlv.h"

/* managementId (Table 59), those we decode plus the common ones. */
enum mgmt_id {
	MID_NULL_PTP_MANAGEMENT = 0x0000,
	MID_CLOCK_DESCRIPTION = 0x0001,
	MID_USER_DESCRIPTION = 0x0002,
	MID_SAVE_IN_NON_VOLATILE_STORAGE = 0x0003,
	MID_RESET_NON_VOLATILE_STORAGE = 0x0004,
	MID_INITIALIZE = 0x0005,
	MID_FAULT_LOG = 0x0006,
	MID_FAULT_LOG_RESET = 0x0007,
	MID_DEFAULT_DATA_SET = 0x2000,
	MID_CURRENT_DATA_SET = 0x2001,
	MID_PARENT_DATA_SET = 0x2002,
	MID_TIME_PROPERTIES_DATA_SET = 0x2003,
	MID_PORT_DATA_SET = 0x2004,
	MID_PRIORITY1 = 0x2005,
	MID_PRIORITY2 = 0x2006,
	MID_DOMAIN = 0x2007,
	MID_SLAVE_ONLY = 0x2008,
	MID_LOG_ANNOUNCE_INTERVAL = 0x2009,
	MID_ANNOUNCE_RECEIPT_TIMEOUT = 0x200A,
	MID_LOG_SYNC_INTERVAL = 0x200B,
	MID_VERSION_NUMBER = 0x200C,
	MID_ENABLE_PORT = 0x200D,
	MID_DISABLE_PORT = 0x200E,
	MID_TIME = 0x200F,
	MID_CLOCK_ACCURACY = 0x2010,
	MID_UTC_PROPERTIES = 0x2011,
	MID_TRACEABILITY_PROPERTIES = 0x2012,
	MID_TIMESCALE_PROPERTIES = 0x2013,
	MID_DELAY_MECHANISM = 0x6000,
	MID_LOG_MIN_PDELAY_REQ_INTERVAL = 0x6001,
};

/* managementErrorId (Table 109). */
enum mgmt_error {
	MERR_RESPONSE_TOO_BIG = 0x0001,
	MERR_NO_SUCH_ID = 0x0002,
	MERR_WRONG_LENGTH = 0x0003,
	MERR_WRONG_VALUE = 0x0004,
	MERR_NOT_SETABLE = 0x0005,
	MERR_NOT_SUPPORTED = 0x0006,
	MERR_GENERAL_ERROR = 0xFFFE,
};

/* Wire lengths of the data fields. */
#define MGMT_DEFAULT_DS_LEN		20
#define MGMT_CURRENT_DS_LEN		18
#define MGMT_PARENT_DS_LEN		32
#define MGMT_TIME_PROPERTIES_DS_LEN	4
#define MGMT_PORT_DS_LEN		26

/* The management TLV of a message, either kind. */
struct mgmt_tlv {
	uint16_t tlvType;		/* TLV_MANAGEMENT or _ERROR_STATUS */
	uint16_t managementId;
	/* TLV_MANAGEMENT: the dataField (may be empty, as in a GET). */
	const uint8_t *data;
	uint16_t data_len;
	/* TLV_MANAGEMENT_ERROR_STATUS only. */
	uint16_t managementErrorId;
	struct ptp_text displayData;
	/* displayData was on the wire (possibly as an empty PTPText, as
	 * ptpd 2.3.1 sends it); false when the TLV ends after the reserved
	 * octets (as linuxptp sends it). */
	bool display_present;
};

/* The first TLV of a management message: 0, or -PTP_E_MGMT when there is
 * none or it is neither kind, -PTP_E_TLV_BODY when it is too short (or its
 * optional displayData overruns it). */
int mgmt_tlv_get(const struct ptp_msg *m, struct mgmt_tlv *out);

/* CLOCK_DESCRIPTION data field (15.5.3.1.2). */
struct mgmt_clock_description {
	uint16_t clockType;		/* bit mask, Table 60 */
	struct ptp_text physicalLayerProtocol;
	uint16_t physicalAddressLength;
	const uint8_t *physicalAddress;
	uint16_t networkProtocol;	/* 1 UDP/IPv4, 2 UDP/IPv6, 3 802.3 */
	uint16_t addressLength;
	const uint8_t *addressField;
	uint8_t manufacturerIdentity[3];
	struct ptp_text productDescription;
	struct ptp_text revisionData;
	struct ptp_text userDescription;
	uint8_t profileIdentity[6];
};

/* clockType bits (Table 60). */
#define CLOCK_TYPE_ORDINARY	0x8000
#define CLOCK_TYPE_BOUNDARY	0x4000
#define CLOCK_TYPE_P2P_TC	0x2000
#define CLOCK_TYPE_E2E_TC	0x1000
#define CLOCK_TYPE_MANAGEMENT	0x0800

/*
 * Decoders: 0; -PTP_E_INVAL when t is not a MANAGEMENT TLV with the
 * matching managementId (a caller bug); -PTP_E_TLV_BODY when the data
 * field is shorter than its layout. Longer data fields are accepted.
 * Fields a data field does not carry are left 0/false (default_ds.sdoId;
 * port_ds.delayAsymmetry, portEnable, masterOnly). PORT_DATA_SET's
 * versionNumber octet is minorVersionNumber:4 | versionNumber:4 (2019
 * Table 83): linuxptp 3.1.1 sends 0x02 (minor 0); its pmc prints the
 * whole octet, so a 2.1 port (0x12) shows there as "versionNumber 18".
 */
int mgmt_get_default_ds(const struct mgmt_tlv *t, struct default_ds *out);
int mgmt_get_current_ds(const struct mgmt_tlv *t, struct current_ds *out);
int mgmt_get_parent_ds(const struct mgmt_tlv *t, struct parent_ds *out);
int mgmt_get_time_properties_ds(const struct mgmt_tlv *t,
				struct time_properties_ds *out);
int mgmt_get_port_ds(const struct mgmt_tlv *t, struct port_ds *out);
int mgmt_get_clock_description(const struct mgmt_tlv *t,
			       struct mgmt_clock_description *out);

/* An empty MANAGEMENT TLV (a GET, or a COMMAND without data). */
int mgmt_put_empty(struct tlv_writer *w, uint16_t id);
int mgmt_put_default_ds(struct tlv_writer *w, const struct default_ds *ds);
int mgmt_put_current_ds(struct tlv_writer *w, const struct current_ds *ds);
int mgmt_put_parent_ds(struct tlv_writer *w, const struct parent_ds *ds);
int mgmt_put_time_properties_ds(struct tlv_writer *w,
				const struct time_properties_ds *ds);
int mgmt_put_port_ds(struct tlv_writer *w, const struct port_ds *ds);
int mgmt_put_clock_description(struct tlv_writer *w,
			       const struct mgmt_clock_description *cd);
/* display NULL or "" omits displayData (as linuxptp does); longer than 255
 * octets is -PTP_E_INVAL. Padded to an even length. */
int mgmt_put_error(struct tlv_writer *w, uint16_t error_id, uint16_t id,
		   const char *display);
/* The same with an explicit PTPText: display NULL omits displayData, a
 * zero-length one is written as an empty PTPText (length octet 0 and a
 * pad octet), so any received error status re-encodes to its own bytes. */
int mgmt_put_error_text(struct tlv_writer *w, uint16_t error_id, uint16_t id,
			const struct ptp_text *display);

#endif
