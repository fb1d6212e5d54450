// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_sakey - arbitrary bytes as a security association file, then the
 * keys it gave signing and verifying a message.
 *
 * sakey_parse() must never crash, leak or read out of bounds; it either
 * refuses with "NAME:LINE: ..." and leaves nothing loaded, or every
 * association it returns has 1..AUTH_KEYS_MAX keys of 1..AUTH_KEY_MAX
 * octets, AES keys of their size, distinct spps and key ids; and a
 * message signed with each key verifies, and fails with one octet
 * flipped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "auth_mac.h"
#include "msg.h"
#include "sakey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_key(const struct auth_sa *sa, const struct auth_key *k)
{
	static uint8_t buf[PTP_MSG_MAX], scratch[PTP_MSG_MAX];
	struct ptp_msg m;
	int len;

	if (!k->len || k->len > AUTH_KEY_MAX || k->icv >= AUTH_ICV_COUNT ||
	    (auth_icv_key_len(k->icv) && k->len != auth_icv_key_len(k->icv)) ||
	    auth_sa_key(sa, k->id) != k || !k->id) {
		abort();
	}
	memset(&m, 0, sizeof(m));
	ptp_header_init(&m.hdr, PTP_SYNC);
	m.hdr.sequenceId = (uint16_t)k->id;
	m.hdr.correctionField = 77;
	len = ptp_msg_pack(&m, buf, sizeof(buf));
	len = auth_sign(sa, k, auth_mac_nettle, buf, (size_t)len, sizeof(buf));
	if (len <= 0 || ptp_msg_unpack(buf, (size_t)len, &m) ||
	    auth_verify(sa, auth_mac_nettle, buf, &m, scratch) != 1) {
		abort();
	}
	buf[31] ^= 0x10;		/* sequenceId */
	if (ptp_msg_unpack(buf, (size_t)len, &m) ||
	    auth_verify(sa, auth_mac_nettle, buf, &m, scratch) != -AUTH_E_ICV) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct auth_sad sad;
	char err[256];
	unsigned i, j;
	int rc;

	rc = sakey_parse(&sad, (const char *)data, size, "fuzz", err,
			 sizeof(err));
	if (rc) {
		if (strncmp(err, "fuzz", 4) || sad.n) {
			abort();
		}
		return 0;
	}
	if (!sad.n || sad.n > AUTH_SA_MAX) {
		abort();
	}
	for (i = 0; i < sad.n; i++) {
		const struct auth_sa *sa = &sad.sa[i];

		if (auth_sad_find(&sad, sa->spp) != sa || !sa->n_keys ||
		    sa->n_keys > AUTH_KEYS_MAX || sa->seqid_window > 0x7FFF) {
			abort();
		}
		for (j = 0; j < sa->n_keys; j++) {
			check_key(sa, &sa->keys[j]);
		}
	}
	return 0;
}
