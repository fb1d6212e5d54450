/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auth_mac.h - the MAC the daemons hand the port core (auth.h's
 * auth_mac_fn), computed with Nettle.
 */
#ifndef MERIDIAN_AUTH_MAC_H
#define MERIDIAN_AUTH_MAC_H

#include <stddef.h>
#include <stdint.h>

struct auth_key;

/* auth_mac_fn: 0, or -1 for an unknown type or a wrong AES key size. */
int auth_mac_nettle(const struct auth_key *key, const uint8_t *data,
		    size_t len, uint8_t *icv);

#endif
