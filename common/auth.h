/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auth.h - the AUTHENTICATION TLV's immediate security processing (IEEE
 * 1588-2019 16.14, Annex P), sans-IO.
 *
 * A security association (SA, 16.14.2) is what linuxptp's sa_file holds
 * for one Security Parameters Pointer (spp): its keys (key id, ICV type,
 * key bytes), the replay window and whether correctionField is left out
 * of the ICV (allow_mutable). common/sakey.c reads them from the file.
 *
 * The core never calls a crypto library: the MAC is a function handed in
 * (common/auth_mac.c computes it with Nettle; the unit tests may pass a
 * fake). Layout of the TLV we send and accept (16.14.3, immediate
 * processing, no sequenceNo, no RES, no disclosedKey):
 *
 *	tlvType 0x8009 | lengthField | spp | secParamIndicator 0 |
 *	keyID (4 octets) | ICV (16 or 32 octets)
 *
 * The ICV covers the whole message, header to keyID, with messageLength
 * already counting the ICV (and, with allow_mutable, correctionField taken
 * as zero); the TLV is the last one of the message (16.14.3.1).
 */
#ifndef MERIDIAN_AUTH_H
#define MERIDIAN_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "msg.h"

#define AUTH_SA_MAX		16	/* security associations in a file */
#define AUTH_KEYS_MAX		8	/* keys per association */
#define AUTH_KEY_MAX		64	/* key octets (a SHA-256 block) */
#define AUTH_ICV_MAX		32
#define AUTH_TLV_FIXED		6	/* spp, secParamIndicator, keyID */
/* secParamIndicator (16.14.3.4): the optional fields we refuse. */
#define AUTH_SPI_RES		0x01
#define AUTH_SPI_SEQNUM		0x02
#define AUTH_SPI_DELAYED	0x04

/* ICV types, linuxptp's names: SHA256-128, SHA256, AES128, AES256. */
enum auth_icv {
	AUTH_HMAC_SHA256_128,	/* HMAC-SHA256 truncated to 128 bits */
	AUTH_HMAC_SHA256,	/* HMAC-SHA256, 256 bits */
	AUTH_CMAC_AES128,	/* AES-CMAC, 16-octet key, 128 bits */
	AUTH_CMAC_AES256,	/* AES-CMAC, 32-octet key, 128 bits */
	AUTH_ICV_COUNT
};

/* Port policy (config ports[].auth_policy). */
enum auth_policy {
	AUTH_POLICY_OFF,	/* no TLV sent, none checked */
	AUTH_POLICY_OPTIONAL,	/* sign all; accept unsigned, but a TLV
				 * present must verify */
	AUTH_POLICY_REQUIRED,	/* sign all; drop what does not verify */
};

struct auth_key {
	uint32_t id;			/* 1..2^32-1 */
	uint8_t icv;			/* enum auth_icv */
	uint8_t len;			/* key octets */
	uint8_t key[AUTH_KEY_MAX];
};

struct auth_sa {
	uint8_t spp;
	bool allow_mutable;		/* correctionField not covered */
	uint16_t seqid_window;		/* 0: no replay check */
	unsigned n_keys;
	struct auth_key keys[AUTH_KEYS_MAX];
};

/* The security association database: what one sa_file holds. */
struct auth_sad {
	unsigned n;
	struct auth_sa sa[AUTH_SA_MAX];
};

/*
 * The MAC: the ICV of key->icv's type over data[0..len) with key, its
 * auth_icv_len() octets written to icv. 0, or -1 when it cannot be
 * computed (the message is then neither sent nor accepted).
 */
typedef int (*auth_mac_fn)(const struct auth_key *key, const uint8_t *data,
			   size_t len, uint8_t *icv);

/* Why a received message was dropped (counted per reason). */
enum auth_err {
	AUTH_OK = 0,
	AUTH_E_MISSING,		/* no AUTHENTICATION TLV (policy required) */
	AUTH_E_NOT_LAST,	/* a TLV follows the AUTHENTICATION TLV */
	AUTH_E_SPP,		/* spp is not the port's */
	AUTH_E_PARAM,		/* secParamIndicator: delayed, RES or
				 * sequenceNo (not supported) */
	AUTH_E_KEY,		/* keyID not in the association */
	AUTH_E_LENGTH,		/* TLV length not that of the key's ICV
				 * (truncated or padded) */
	AUTH_E_ICV,		/* ICV does not match */
	AUTH_E_REPLAY,		/* sequenceId not newer than the last one
				 * accepted from the parent (or too far) */
	AUTH_E_MAC,		/* the MAC could not be computed */
	AUTH_E_COUNT
};

const char *auth_err_str(int err);	/* accepts err or -err */
const char *auth_icv_str(int icv);	/* "SHA256-128", ... */
/* ICV octets of a type (16 or 32), 0 for an unknown one. */
unsigned auth_icv_len(int icv);
/* Key octets a type needs, 0 when any length will do (HMAC). */
unsigned auth_icv_key_len(int icv);

const struct auth_sa *auth_sad_find(const struct auth_sad *sad, uint8_t spp);
const struct auth_key *auth_sa_key(const struct auth_sa *sa, uint32_t id);

/*
 * Sign a packed message in place: append the AUTHENTICATION TLV for key
 * of sa after buf[0..len), fix messageLength and compute the ICV. The TLV
 * ends up last. Returns the new length, or -PTP_E_NOSPACE (cap too small
 * or above PTP_MSG_MAX), -PTP_E_INVAL (not a message, or the MAC
 * failed).
 */
int auth_sign(const struct auth_sa *sa, const struct auth_key *key,
	      auth_mac_fn mac, uint8_t *buf, size_t len, size_t cap);

/*
 * Check the AUTHENTICATION TLV of a message that ptp_msg_unpack()
 * accepted into m (buf is what it decoded, m->tlv points into it).
 * Returns 1 when a TLV was found and verifies, 0 when the message has no
 * AUTHENTICATION TLV at all (the policy decides), or -AUTH_E_*.
 * scratch (PTP_MSG_MAX octets) holds a copy when allow_mutable zeroes
 * correctionField. ICVs are compared in constant time.
 */
int auth_verify(const struct auth_sa *sa, auth_mac_fn mac,
		const uint8_t *buf, const struct ptp_msg *m, uint8_t *scratch);

/*
 * Replay protection by sequenceId (see auth.c for which messages and
 * why): one stream per message type from one sender.
 */
struct auth_stream {
	bool valid;
	uint16_t last;			/* last sequenceId accepted */
	bool has_cand;			/* a gap: re-learn from here if the */
	uint16_t cand;			/* next one follows it closely */
};

struct auth_replay {
	struct port_identity owner;	/* the sender tracked */
	bool has_owner;
	struct auth_stream s[16];	/* by messageType */
};

void auth_replay_reset(struct auth_replay *r);
/*
 * seq of a message of type from sender: 0 if accepted (and remembered),
 * -AUTH_E_REPLAY if it is not newer than the last one accepted or more
 * than window ahead of it (a gap larger than the window is re-learnt when
 * the next message follows the gap's within the window). A new sender
 * starts afresh. window 0 accepts all.
 */
int auth_replay_check(struct auth_replay *r, const struct port_identity *from,
		      uint8_t type, uint16_t seq, uint16_t window);

#endif
