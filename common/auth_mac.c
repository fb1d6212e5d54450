// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * auth_mac.c - the ICVs of auth.h computed with Nettle (libnettle8, on
 * every Debian system): HMAC-SHA256 (RFC 2104, FIPS 180-4), whole or
 * truncated to 128 bits (RFC 4868's HMAC-SHA-256-128), and AES-CMAC (RFC
 * 4493, NIST SP 800-38B) with 128- and 256-bit keys: the four types of
 * linuxptp's sa_file. The edge of the core's auth_mac_fn.
 */
#include <nettle/cmac.h>
#include <nettle/hmac.h>

#include "auth.h"
#include "auth_mac.h"

int auth_mac_nettle(const struct auth_key *key, const uint8_t *data,
		    size_t len, uint8_t *icv)
{
	struct hmac_sha256_ctx h;
	struct cmac_aes128_ctx c128;
	struct cmac_aes256_ctx c256;
	unsigned n = auth_icv_len(key->icv);

	switch (key->icv) {
	case AUTH_HMAC_SHA256_128:
	case AUTH_HMAC_SHA256:
		hmac_sha256_set_key(&h, key->len, key->key);
		hmac_sha256_update(&h, len, data);
		hmac_sha256_digest(&h, n, icv);
		return 0;
	case AUTH_CMAC_AES128:
		if (key->len != AES128_KEY_SIZE) {
			return -1;
		}
		cmac_aes128_set_key(&c128, key->key);
		cmac_aes128_update(&c128, len, data);
		cmac_aes128_digest(&c128, n, icv);
		return 0;
	case AUTH_CMAC_AES256:
		if (key->len != AES256_KEY_SIZE) {
			return -1;
		}
		cmac_aes256_set_key(&c256, key->key);
		cmac_aes256_update(&c256, len, data);
		cmac_aes256_digest(&c256, n, icv);
		return 0;
	default:
		return -1;
	}
}
