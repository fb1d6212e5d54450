// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netif.c - network-interface helpers. See netif.h.
 */
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netif.h"

bool netif_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	size_t i;

	if (n == 0 || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, "..")) {
		return false;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '/' || s[i] == ':' ||
		    isspace((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

int netif_index(const char *ifname)
{
	unsigned idx;

	if (!netif_name_ok(ifname)) {
		return -EINVAL;
	}
	idx = if_nametoindex(ifname);
	if (!idx) {
		return errno ? -errno : -ENODEV;
	}
	return (int)idx;
}

/* One SIOCGIF* ioctl on a throw-away socket. */
static int ifreq_get(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd, rc = 0;

	if (!netif_name_ok(ifname)) {
		return -EINVAL;
	}
	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, ifname, strlen(ifname));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	if (ioctl(fd, req, ifr) < 0) {
		rc = -errno;
	}
	close(fd);
	return rc;
}

int netif_mac(const char *ifname, uint8_t mac[NETIF_MAC_LEN])
{
	struct ifreq ifr;
	int rc = ifreq_get(ifname, SIOCGIFHWADDR, &ifr);

	if (rc) {
		return rc;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		return -EPFNOSUPPORT;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, NETIF_MAC_LEN);
	return 0;
}

int netif_mtu(const char *ifname)
{
	struct ifreq ifr;
	int rc = ifreq_get(ifname, SIOCGIFMTU, &ifr);

	return rc ? rc : ifr.ifr_mtu;
}

char *netif_mac_str(const uint8_t mac[NETIF_MAC_LEN], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = tolower(c);
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

int netif_mac_parse(const char *s, uint8_t mac[NETIF_MAC_LEN])
{
	int i, hi, lo;

	for (i = 0; i < NETIF_MAC_LEN; i++) {
		hi = hexval((unsigned char)s[0]);
		lo = hi < 0 ? -1 : hexval((unsigned char)s[1]);
		if (lo < 0) {
			return -EINVAL;
		}
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < NETIF_MAC_LEN - 1) {
			if (*s != ':' && *s != '-') {
				return -EINVAL;
			}
			s++;
		}
	}
	return *s ? -EINVAL : 0;
}
