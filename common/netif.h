/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netif.h - small network-interface helpers: name checks, index, MAC
 * address, MTU. All look-ups happen in the caller's network namespace.
 * Functions return 0 (or a non-negative value) or -errno.
 */
#ifndef MERIDIAN_NETIF_H
#define MERIDIAN_NETIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETIF_MAC_LEN	6
/* "aa:bb:cc:dd:ee:ff" plus NUL. */
#define NETIF_MAC_STRLEN 18

/* true if s is a usable interface name (1..IFNAMSIZ-1 chars, no '/' or
 * whitespace). Pure. */
bool netif_name_ok(const char *s);
/* ifindex (> 0) of ifname, or -ENODEV / -EINVAL. */
int netif_index(const char *ifname);
/* Hardware address of ifname (Ethernet-like interfaces only). */
int netif_mac(const char *ifname, uint8_t mac[NETIF_MAC_LEN]);
/* MTU in bytes (> 0) or -errno. */
int netif_mtu(const char *ifname);
/* Format mac as "aa:bb:cc:dd:ee:ff" into buf (>= NETIF_MAC_STRLEN). Pure;
 * returns buf. */
char *netif_mac_str(const uint8_t mac[NETIF_MAC_LEN], char *buf,
		    size_t len);
/* Parse "aa:bb:cc:dd:ee:ff" or "aa-bb-..."; 0 or -EINVAL. Pure. */
int netif_mac_parse(const char *s, uint8_t mac[NETIF_MAC_LEN]);

#endif
