// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcap_codec - judge our PTP codec with bytes that other implementations
 * wrote: every PTP message in a capture is decoded with ptp_msg_unpack(),
 * every TLV through its typed decoder and typed encoder where one exists
 * (tlv_get_* / tlv_put_*, mgmt_tlv_get + mgmt_get_* / mgmt_put_* for the
 * data sets, CLOCK_DESCRIPTION and MANAGEMENT_ERROR_STATUS), raw
 * otherwise, and the message is packed again with ptp_msg_pack(). The
 * result must equal the original messageLength octets exactly.
 *
 *   pcap_codec [-s] [-v] FILE.pcap...
 *
 *   -s  strict: reserved octets count too (see below)
 *   -v  list every message, not only the mismatches
 *
 * Prints, per file, the messages by type and the TLVs by type (how many
 * went through a typed decoder/encoder), a hex diff of every mismatch, and
 * last `N messages, N identical, N different, N rejected`. Rejected: our
 * decoder refused the message or one of its TLVs. Different: the
 * re-encoding failed or is not the same bytes. Exit status 0 only when
 * every message is identical and there was at least one; 1 otherwise
 * (2 for usage or unreadable files).
 *
 * Reserved octets of the message bodies (Announce octet 12 of the body,
 * Pdelay_Req's 10 octets after originTimestamp, Management's octet 13 and
 * the upper half of octet 12; 1588-2019 Tables 43, 47, 56) are sent as
 * zero and ignored on receipt (5.3.x, 13.1): our codec drops them on
 * decode and writes zero. A peer that sends them non-zero (ptpd 2.3.1
 * does in Announce) is therefore "identical, reserved octets aside":
 * counted and listed as such, and a mismatch only with -s. Reserved
 * octets inside TLVs are always compared.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgmt.h"
#include "msg.h"
#include "tlv.h"
#include "pcap_util.h"

/* TLV statistics: known types, then "other". */
#define NTLV_SLOTS	16

struct stats {
	unsigned long msgs, same, diff, rejected, frames, not_ptp;
	/* Of same: differ only in reserved octets. */
	unsigned long reserved_only;
	unsigned long by_type[16];
	unsigned long tlv_seen[NTLV_SLOTS], tlv_typed[NTLV_SLOTS];
	unsigned long mgmt_typed, mgmt_raw;
};

static bool verbose;
static bool strict;

/* Offsets (from the message start) of body octets that 1588-2019 marks
 * reserved, with the bits of each that are reserved. */
struct reserved {
	int type;
	int off;
	uint8_t mask;
};

static const struct reserved reserved_octets[] = {
	{ PTP_ANNOUNCE, PTP_HEADER_LEN + 12, 0xff },
	{ PTP_PDELAY_REQ, PTP_HEADER_LEN + 10, 0xff },
	{ PTP_PDELAY_REQ, PTP_HEADER_LEN + 11, 0xff },
	{ PTP_PDELAY_REQ, PTP_HEADER_LEN + 12, 0xff },
	{ PTP_PDELAY_REQ, PTP_HEADER_LEN + 13, 0xff },
	{ PTP_PDELAY_REQ, PTP_HEADER_LEN + 14, 0xff },
	{ PTP_PDELAY_REQ, PTP_HEADER_LEN + 15, 0xff },
	{ PTP_PDELAY_REQ, PTP_HEADER_LEN + 16, 0xff },
	{ PTP_PDELAY_REQ, PTP_HEADER_LEN + 17, 0xff },
	{ PTP_PDELAY_REQ, PTP_HEADER_LEN + 18, 0xff },
	{ PTP_PDELAY_REQ, PTP_HEADER_LEN + 19, 0xff },
	{ PTP_MANAGEMENT, PTP_HEADER_LEN + 12, 0xf0 },
	{ PTP_MANAGEMENT, PTP_HEADER_LEN + 13, 0xff },
};

/* Equal but for reserved octets of this message type? */
static bool same_but_reserved(int type, const uint8_t *a, const uint8_t *b,
			      size_t len)
{
	uint8_t x[PTP_MSG_MAX], y[PTP_MSG_MAX];
	size_t i;

	if (len > sizeof(x)) {
		return false;
	}
	memcpy(x, a, len);
	memcpy(y, b, len);
	for (i = 0; i < sizeof(reserved_octets) / sizeof(reserved_octets[0]);
	     i++) {
		const struct reserved *r = &reserved_octets[i];

		if (r->type == type && (size_t)r->off < len) {
			x[r->off] &= (uint8_t)~r->mask;
			y[r->off] &= (uint8_t)~r->mask;
		}
	}
	return !memcmp(x, y, len);
}

/* TLV statistics slots: the types a capture is likely to carry. */
static const uint16_t tlv_slot_type[NTLV_SLOTS - 1] = {
	TLV_MANAGEMENT, TLV_MANAGEMENT_ERROR_STATUS,
	TLV_ORGANIZATION_EXTENSION, TLV_REQUEST_UNICAST_TRANSMISSION,
	TLV_GRANT_UNICAST_TRANSMISSION, TLV_CANCEL_UNICAST_TRANSMISSION,
	TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION, TLV_PATH_TRACE,
	TLV_ALTERNATE_TIME_OFFSET_INDICATOR,
	TLV_ORGANIZATION_EXTENSION_PROPAGATE,
	TLV_ORGANIZATION_EXTENSION_DO_NOT_PROPAGATE, TLV_PAD,
	TLV_AUTHENTICATION, TLV_ENHANCED_ACCURACY_METRICS, TLV_L1_SYNC,
};

static const char *const tlv_slot_name[NTLV_SLOTS] = {
	"MANAGEMENT", "MANAGEMENT_ERROR_STATUS", "ORGANIZATION_EXTENSION",
	"REQUEST_UNICAST", "GRANT_UNICAST", "CANCEL_UNICAST",
	"ACK_CANCEL_UNICAST", "PATH_TRACE", "ALTERNATE_TIME_OFFSET",
	"ORG_EXT_PROPAGATE", "ORG_EXT_DO_NOT_PROPAGATE", "PAD",
	"AUTHENTICATION", "ENHANCED_ACCURACY_METRICS", "L1_SYNC", "other",
};

static int tlv_slot(uint16_t type)
{
	int i;

	for (i = 0; i < NTLV_SLOTS - 1; i++) {
		if (tlv_slot_type[i] == type) {
			return i;
		}
	}
	return NTLV_SLOTS - 1;
}

/*
 * Re-encode one MANAGEMENT or MANAGEMENT_ERROR_STATUS TLV (the first TLV
 * of a management message) through the typed functions. *typed tells
 * whether a typed decoder/encoder pair was used. Returns 0 or -PTP_E_*
 * from a decoder (the caller counts it as a rejection).
 */
static int mgmt_recode(const struct ptp_msg *m, const struct tlv_raw *t,
		       struct tlv_writer *w, bool *typed)
{
	struct mgmt_clock_description cd;
	struct time_properties_ds tp;
	struct default_ds dds;
	struct current_ds cds;
	struct parent_ds pds;
	struct port_ds portds;
	struct mgmt_tlv mt;
	int err;

	err = mgmt_tlv_get(m, &mt);
	if (err) {
		return err;
	}
	*typed = true;
	if (mt.tlvType == TLV_MANAGEMENT_ERROR_STATUS) {
		/* An encoder failure shows in w->err. */
		mgmt_put_error_text(w, mt.managementErrorId, mt.managementId,
				    mt.display_present ? &mt.displayData :
							 NULL);
		return 0;
	}
	if (!mt.data_len) {
		mgmt_put_empty(w, mt.managementId);
		return 0;
	}
	switch (mt.managementId) {
	case MID_DEFAULT_DATA_SET:
		err = mgmt_get_default_ds(&mt, &dds);
		if (!err) {
			mgmt_put_default_ds(w, &dds);
		}
		return err;
	case MID_CURRENT_DATA_SET:
		err = mgmt_get_current_ds(&mt, &cds);
		if (!err) {
			mgmt_put_current_ds(w, &cds);
		}
		return err;
	case MID_PARENT_DATA_SET:
		err = mgmt_get_parent_ds(&mt, &pds);
		if (!err) {
			mgmt_put_parent_ds(w, &pds);
		}
		return err;
	case MID_TIME_PROPERTIES_DATA_SET:
		err = mgmt_get_time_properties_ds(&mt, &tp);
		if (!err) {
			mgmt_put_time_properties_ds(w, &tp);
		}
		return err;
	case MID_PORT_DATA_SET:
		err = mgmt_get_port_ds(&mt, &portds);
		if (!err) {
			mgmt_put_port_ds(w, &portds);
		}
		return err;
	case MID_CLOCK_DESCRIPTION:
		err = mgmt_get_clock_description(&mt, &cd);
		if (!err) {
			mgmt_put_clock_description(w, &cd);
		}
		return err;
	default:
		*typed = false;
		tlv_put_raw(w, t->type, t->value, t->length);
		return 0;
	}
}

/* Re-encode one TLV that is not a management message's own TLV. */
static int tlv_recode(const struct tlv_raw *t, struct tlv_writer *w,
		      bool *typed)
{
	struct tlv_unicast_request req;
	struct tlv_unicast_grant grant;
	struct tlv_unicast_cancel cancel;
	struct tlv_path_trace pt;
	struct tlv_alt_time_offset ato;
	struct tlv_auth auth;
	struct tlv_org org;
	int err;

	*typed = true;
	switch (t->type) {
	case TLV_ORGANIZATION_EXTENSION:
	case TLV_ORGANIZATION_EXTENSION_PROPAGATE:
	case TLV_ORGANIZATION_EXTENSION_DO_NOT_PROPAGATE:
		err = tlv_get_org(t, &org);
		if (!err) {
			tlv_put_org(w, t->type, &org);
		}
		return err;
	case TLV_REQUEST_UNICAST_TRANSMISSION:
		err = tlv_get_unicast_request(t, &req);
		if (!err) {
			tlv_put_unicast_request(w, &req);
		}
		return err;
	case TLV_GRANT_UNICAST_TRANSMISSION:
		err = tlv_get_unicast_grant(t, &grant);
		if (!err) {
			tlv_put_unicast_grant(w, &grant);
		}
		return err;
	case TLV_CANCEL_UNICAST_TRANSMISSION:
	case TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION:
		err = tlv_get_unicast_cancel(t, &cancel);
		if (!err) {
			tlv_put_unicast_cancel(w, t->type, &cancel);
		}
		return err;
	case TLV_PATH_TRACE:
		err = tlv_get_path_trace(t, &pt);
		if (!err) {
			tlv_put_path_trace(w, (const struct clock_identity *)
					   pt.ids, pt.count);
		}
		return err;
	case TLV_ALTERNATE_TIME_OFFSET_INDICATOR:
		err = tlv_get_alt_time_offset(t, &ato);
		if (!err) {
			tlv_put_alt_time_offset(w, &ato);
		}
		return err;
	case TLV_AUTHENTICATION:
		err = tlv_get_auth(t, &auth);
		if (!err) {
			tlv_put_auth(w, &auth);
		}
		return err;
	case TLV_PAD:
		tlv_put_pad(w, t->length);
		return 0;
	default:
		*typed = false;
		tlv_put_raw(w, t->type, t->value, t->length);
		return 0;
	}
}

static void hexdump_diff(const uint8_t *a, size_t alen, const uint8_t *b,
			 size_t blen)
{
	size_t n = alen > blen ? alen : blen, row, i;

	for (row = 0; row < n; row += 16) {
		char ma[16 * 3 + 1] = "", mb[16 * 3 + 1] = "",
		     mk[16 * 3 + 1] = "";
		bool differs = false;

		for (i = row; i < row + 16 && i < n; i++) {
			bool ina = i < alen, inb = i < blen;
			bool d = !ina || !inb || a[i] != b[i];

			if (ina) {
				sprintf(ma + strlen(ma), " %02x", a[i]);
			} else {
				strcat(ma, " --");
			}
			if (inb) {
				sprintf(mb + strlen(mb), " %02x", b[i]);
			} else {
				strcat(mb, " --");
			}
			strcat(mk, d ? " ^^" : "   ");
			differs |= d;
		}
		if (!differs) {
			continue;
		}
		printf("    %04zx theirs%s\n", row, ma);
		printf("    %04zx ours  %s\n", row, mb);
		printf("               %s\n", mk);
	}
}

static void print_reject(const char *file, unsigned long frame, int xport,
			 const char *what, int err, const uint8_t *p,
			 size_t len)
{
	size_t i;

	printf("  REJECTED %s frame %lu (%s): %s: %s\n", file, frame,
	       pcap_xport_str(xport), what, ptp_err_str(err));
	for (i = 0; i < len && i < 128; i++) {
		printf("%s%02x", i % 16 ? " " : "    ", p[i]);
		if (i % 16 == 15 || i + 1 == len || i == 127) {
			printf("\n");
		}
	}
}

/* One PTP payload: decode, re-encode, compare; updates s. */
static void judge(const char *file, unsigned long frame, int xport,
		  const uint8_t *p, size_t len, struct stats *s)
{
	uint8_t tlvbuf[PTP_MSG_MAX], out[PTP_MSG_MAX];
	struct tlv_writer w;
	struct tlv_iter it;
	struct tlv_raw t;
	struct ptp_msg m;
	int err, rc, n, idx = 0;
	size_t mlen;

	s->msgs++;
	err = ptp_msg_unpack(p, len, &m);
	if (err) {
		s->rejected++;
		print_reject(file, frame, xport, "ptp_msg_unpack", err, p,
			     len);
		return;
	}
	s->by_type[m.hdr.messageType & 0xF]++;
	mlen = m.hdr.messageLength;

	tlv_writer_init(&w, tlvbuf, sizeof(tlvbuf));
	tlv_iter_init(&it, &m);
	while ((rc = tlv_iter_next(&it, &t)) > 0) {
		int slot = tlv_slot(t.type);
		bool typed = false;

		s->tlv_seen[slot]++;
		if (m.hdr.messageType == PTP_MANAGEMENT && idx == 0) {
			err = mgmt_recode(&m, &t, &w, &typed);
			if (typed) {
				s->mgmt_typed++;
			} else {
				s->mgmt_raw++;
			}
		} else {
			err = tlv_recode(&t, &w, &typed);
		}
		if (err) {
			char what[64];

			s->rejected++;
			snprintf(what, sizeof(what), "TLV %d type 0x%04x",
				 idx, t.type);
			print_reject(file, frame, xport, what, err, p, mlen);
			return;
		}
		if (typed) {
			s->tlv_typed[slot]++;
		}
		idx++;
	}
	if (rc < 0) {
		s->rejected++;
		print_reject(file, frame, xport, "tlv_iter_next", rc, p, mlen);
		return;
	}
	if (w.err) {
		s->diff++;
		printf("  DIFFERENT %s frame %lu (%s %s seq %u): TLV encoder "
		       "failed: %s\n", file, frame, pcap_xport_str(xport),
		       ptp_msg_type_str(m.hdr.messageType), m.hdr.sequenceId,
		       ptp_err_str(w.err));
		return;
	}
	m.tlv = w.len ? tlvbuf : NULL;
	m.tlv_len = (uint16_t)w.len;
	n = ptp_msg_pack(&m, out, sizeof(out));
	if (n < 0) {
		s->diff++;
		printf("  DIFFERENT %s frame %lu (%s %s seq %u): ptp_msg_pack "
		       "failed: %s\n", file, frame, pcap_xport_str(xport),
		       ptp_msg_type_str(m.hdr.messageType), m.hdr.sequenceId,
		       ptp_err_str(n));
		return;
	}
	if ((size_t)n == mlen && !memcmp(out, p, mlen)) {
		s->same++;
		if (verbose) {
			printf("  same %s frame %lu (%s %s seq %u, %zu "
			       "octets)\n", file, frame,
			       pcap_xport_str(xport),
			       ptp_msg_type_str(m.hdr.messageType),
			       m.hdr.sequenceId, mlen);
		}
		return;
	}
	if (!strict && (size_t)n == mlen &&
	    same_but_reserved(m.hdr.messageType, out, p, mlen)) {
		s->same++;
		s->reserved_only++;
		if (verbose || s->reserved_only <= 3) {
			printf("  note: %s frame %lu (%s %s seq %u): same but "
			       "for reserved octets the sender set non-zero\n",
			       file, frame, pcap_xport_str(xport),
			       ptp_msg_type_str(m.hdr.messageType),
			       m.hdr.sequenceId);
			hexdump_diff(p, mlen, out, (size_t)n);
		}
		return;
	}
	s->diff++;
	printf("  DIFFERENT %s frame %lu (%s %s seq %u): theirs %zu octets, "
	       "ours %d\n", file, frame, pcap_xport_str(xport),
	       ptp_msg_type_str(m.hdr.messageType), m.hdr.sequenceId, mlen,
	       n);
	hexdump_diff(p, mlen, out, (size_t)n);
}

static void stats_add(struct stats *sum, const struct stats *s)
{
	int i;

	sum->msgs += s->msgs;
	sum->same += s->same;
	sum->reserved_only += s->reserved_only;
	sum->diff += s->diff;
	sum->rejected += s->rejected;
	sum->frames += s->frames;
	sum->not_ptp += s->not_ptp;
	sum->mgmt_typed += s->mgmt_typed;
	sum->mgmt_raw += s->mgmt_raw;
	for (i = 0; i < 16; i++) {
		sum->by_type[i] += s->by_type[i];
	}
	for (i = 0; i < NTLV_SLOTS; i++) {
		sum->tlv_seen[i] += s->tlv_seen[i];
		sum->tlv_typed[i] += s->tlv_typed[i];
	}
}

static void stats_print(const char *name, const struct stats *s)
{
	int i;

	printf("%s: %lu frames, %lu PTP messages:", name, s->frames, s->msgs);
	for (i = 0; i < 16; i++) {
		if (s->by_type[i]) {
			printf(" %s %lu", ptp_msg_type_str(i), s->by_type[i]);
		}
	}
	printf("\n");
	for (i = 0; i < NTLV_SLOTS; i++) {
		if (s->tlv_seen[i]) {
			printf("  TLV %s: %lu (%lu typed)\n", tlv_slot_name[i],
			       s->tlv_seen[i], s->tlv_typed[i]);
		}
	}
	if (s->mgmt_typed + s->mgmt_raw) {
		printf("  management TLVs: %lu typed decode+encode, %lu raw "
		       "(managementId without a typed codec)\n",
		       s->mgmt_typed, s->mgmt_raw);
	}
	if (s->not_ptp) {
		printf("  %lu frames skipped (not PTP)\n", s->not_ptp);
	}
	if (s->reserved_only) {
		printf("  %lu identical but for reserved octets the sender set "
		       "non-zero (1588: ignored on receipt; -s counts them "
		       "as different)\n", s->reserved_only);
	}
	printf("  %lu identical, %lu different, %lu rejected\n", s->same,
	       s->diff, s->rejected);
}

static int judge_file(const char *path, struct stats *s)
{
	static uint8_t frame[PCAP_FRAME_MAX];
	struct pcap_reader r;
	const uint8_t *pl;
	size_t len, plen;
	int rc, x;

	rc = pcap_reader_open(&r, path);
	if (rc) {
		fprintf(stderr, "pcap_codec: %s: %s\n", path,
			rc == -EPROTO ? "not a pcap file" : strerror(-rc));
		return -1;
	}
	if (r.linktype != PCAP_LINKTYPE_ETHERNET) {
		fprintf(stderr, "pcap_codec: %s: linktype %u, want Ethernet\n",
			path, r.linktype);
		pcap_reader_close(&r);
		return -1;
	}
	while ((rc = pcap_reader_next(&r, frame, sizeof(frame), &len)) > 0) {
		s->frames++;
		x = pcap_find_ptp(frame, len, &pl, &plen);
		if (x == PCAP_NOT_PTP) {
			s->not_ptp++;
			continue;
		}
		judge(path, s->frames, x, pl, plen, s);
	}
	pcap_reader_close(&r);
	if (rc < 0) {
		fprintf(stderr, "pcap_codec: %s: truncated record after frame "
			"%lu\n", path, s->frames);
		return -1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: pcap_codec [-s] [-v] FILE.pcap...\n");
}

int main(int argc, char **argv)
{
	struct stats sum = { 0 };
	int opt, i, bad = 0;

	while ((opt = getopt(argc, argv, "svh")) != -1) {
		switch (opt) {
		case 's':
			strict = true;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (optind >= argc) {
		usage();
		return 2;
	}
	for (i = optind; i < argc; i++) {
		struct stats s = { 0 };

		if (judge_file(argv[i], &s)) {
			bad = 1;
		}
		stats_print(argv[i], &s);
		stats_add(&sum, &s);
	}
	if (argc - optind > 1) {
		stats_print("all files", &sum);
	}
	printf("%lu messages, %lu identical, %lu different, %lu rejected\n",
	       sum.msgs, sum.same, sum.diff, sum.rejected);
	if (bad) {
		return 2;
	}
	return sum.msgs && sum.same == sum.msgs ? 0 : 1;
}
