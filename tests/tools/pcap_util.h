/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap_util.h - a tiny classic-pcap reader/writer and the Ethernet, 802.1Q,
 * IPv4, IPv6 and UDP framing PTP travels in, for the test tools pcap_gen
 * and pcap_codec. Header-only (static inline): each tool is one .c file.
 *
 * Format: the classic libpcap file (24-octet global header, 16-octet
 * record headers), either byte order, micro- or nanosecond timestamps, as
 * `tshark -F pcap` writes it. Only LINKTYPE_ETHERNET (1) is understood.
 */
#ifndef MERIDIAN_PCAP_UTIL_H
#define MERIDIAN_PCAP_UTIL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Global header magic: microsecond or nanosecond record timestamps. */
#define PCAP_MAGIC_US		0xa1b2c3d4u
#define PCAP_MAGIC_NS		0xa1b23c4du
#define PCAP_LINKTYPE_ETHERNET	1
#define PCAP_SNAPLEN		65535
#define PCAP_FRAME_MAX		65535

#define ETH_HLEN_		14
/* Shortest Ethernet frame without FCS: shorter ones are padded. */
#define ETH_MIN_FRAME		60
#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86DD
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88A8
#define ETHERTYPE_PTP		0x88F7
#define IPPROTO_UDP_		17
#define PTP_PORT_EVENT		319
#define PTP_PORT_GENERAL	320

static inline uint16_t pu_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void pu_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t pu_swap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

/* ---- reading ---------------------------------------------------------- */

struct pcap_reader {
	FILE *f;
	int swap;		/* file byte order differs from ours */
	int nsec;		/* record timestamps in ns, not us */
	uint32_t linktype;
};

/* Open path and read its global header: 0, or -errno (-EPROTO: not a
 * classic pcap file). */
static inline int pcap_reader_open(struct pcap_reader *r, const char *path)
{
	uint32_t h[6];

	memset(r, 0, sizeof(*r));
	r->f = fopen(path, "rb");
	if (!r->f) {
		return -errno;
	}
	if (fread(h, sizeof(h), 1, r->f) != 1) {
		fclose(r->f);
		r->f = NULL;
		return -EPROTO;
	}
	if (h[0] == PCAP_MAGIC_US || h[0] == PCAP_MAGIC_NS) {
		r->nsec = h[0] == PCAP_MAGIC_NS;
	} else if (pu_swap32(h[0]) == PCAP_MAGIC_US ||
		   pu_swap32(h[0]) == PCAP_MAGIC_NS) {
		r->swap = 1;
		r->nsec = pu_swap32(h[0]) == PCAP_MAGIC_NS;
	} else {
		fclose(r->f);
		r->f = NULL;
		return -EPROTO;
	}
	r->linktype = r->swap ? pu_swap32(h[5]) : h[5];
	return 0;
}

/*
 * Next record into buf[0..cap): 1 and *len (octets captured, at most cap;
 * a longer record is truncated to cap), 0 at the end of the file, -EPROTO
 * on a truncated or corrupt record.
 */
static inline int pcap_reader_next(struct pcap_reader *r, uint8_t *buf,
				   size_t cap, size_t *len)
{
	uint32_t h[4], incl;
	size_t take;

	if (fread(h, sizeof(h), 1, r->f) != 1) {
		return feof(r->f) ? 0 : -EPROTO;
	}
	incl = r->swap ? pu_swap32(h[2]) : h[2];
	if (incl > PCAP_FRAME_MAX) {
		return -EPROTO;
	}
	take = incl < cap ? incl : cap;
	if (take && fread(buf, take, 1, r->f) != 1) {
		return -EPROTO;
	}
	if (incl > take && fseek(r->f, (long)(incl - take), SEEK_CUR)) {
		return -EPROTO;
	}
	*len = take;
	return 1;
}

static inline void pcap_reader_close(struct pcap_reader *r)
{
	if (r->f) {
		fclose(r->f);
	}
	r->f = NULL;
}

/* ---- writing ---------------------------------------------------------- */

/* Create path with a microsecond, Ethernet global header (host byte
 * order, as libpcap writes it); NULL on error. */
static inline FILE *pcap_writer_open(const char *path)
{
	struct {
		uint32_t magic;
		uint16_t version_major, version_minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, linktype;
	} h = { PCAP_MAGIC_US, 2, 4, 0, 0, PCAP_SNAPLEN,
		PCAP_LINKTYPE_ETHERNET };
	FILE *f = fopen(path, "wb");

	_Static_assert(sizeof(h) == 24, "pcap global header");
	if (!f) {
		return NULL;
	}
	if (fwrite(&h, sizeof(h), 1, f) != 1) {
		fclose(f);
		return NULL;
	}
	return f;
}

/* Append one frame stamped sec.usec: 0 or -EIO. */
static inline int pcap_writer_add(FILE *f, uint32_t sec, uint32_t usec,
				  const uint8_t *frame, size_t len)
{
	uint32_t h[4] = { sec, usec, (uint32_t)len, (uint32_t)len };

	if (len > PCAP_FRAME_MAX || fwrite(h, sizeof(h), 1, f) != 1 ||
	    (len && fwrite(frame, len, 1, f) != 1)) {
		return -EIO;
	}
	return 0;
}

/* ---- parsing frames --------------------------------------------------- */

enum pcap_ptp_xport {
	PCAP_NOT_PTP = 0,
	PCAP_UDP4,
	PCAP_UDP6,
	PCAP_L2,
};

static inline const char *pcap_xport_str(int x)
{
	switch (x) {
	case PCAP_UDP4:
		return "udp4";
	case PCAP_UDP6:
		return "udp6";
	case PCAP_L2:
		return "l2";
	default:
		return "-";
	}
}

/* UDP to or from the PTP ports: the payload within the datagram. */
static inline int pcap_udp_payload(const uint8_t *u, size_t len,
				   const uint8_t **pl, size_t *plen)
{
	uint16_t sport, dport, ulen;

	if (len < 8) {
		return 0;
	}
	sport = pu_be16(u);
	dport = pu_be16(u + 2);
	ulen = pu_be16(u + 4);
	if (sport != PTP_PORT_EVENT && sport != PTP_PORT_GENERAL &&
	    dport != PTP_PORT_EVENT && dport != PTP_PORT_GENERAL) {
		return 0;
	}
	if (ulen < 8 || ulen > len) {
		return 0;
	}
	*pl = u + 8;
	*plen = (size_t)ulen - 8;
	return 1;
}

/*
 * Find the PTP message in an Ethernet frame (optionally behind 802.1Q/ad
 * tags): UDP over IPv4 or IPv6 to or from port 319/320, or ethertype
 * 0x88F7. Returns enum pcap_ptp_xport (PCAP_NOT_PTP for anything else,
 * including IPv4 fragments). For L2 the payload runs to the end of the
 * frame, so it includes any Ethernet padding.
 */
static inline int pcap_find_ptp(const uint8_t *f, size_t len,
				const uint8_t **pl, size_t *plen)
{
	size_t off = 12;
	uint16_t type;

	if (len < ETH_HLEN_) {
		return PCAP_NOT_PTP;
	}
	type = pu_be16(f + off);
	off += 2;
	while ((type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) &&
	       len >= off + 4) {
		type = pu_be16(f + off + 2);
		off += 4;
	}
	if (type == ETHERTYPE_PTP) {
		*pl = f + off;
		*plen = len - off;
		return PCAP_L2;
	}
	if (type == ETHERTYPE_IPV4) {
		const uint8_t *ip = f + off;
		size_t ihl, tot;

		if (len < off + 20 || ip[0] >> 4 != 4) {
			return PCAP_NOT_PTP;
		}
		ihl = (size_t)(ip[0] & 0xf) * 4;
		tot = pu_be16(ip + 2);
		/* Fragment offset or more-fragments set: not a whole
		 * datagram. */
		if (ihl < 20 || tot < ihl || len < off + tot ||
		    ip[9] != IPPROTO_UDP_ || (pu_be16(ip + 6) & 0x3fff)) {
			return PCAP_NOT_PTP;
		}
		return pcap_udp_payload(ip + ihl, tot - ihl, pl, plen) ?
		       PCAP_UDP4 : PCAP_NOT_PTP;
	}
	if (type == ETHERTYPE_IPV6) {
		const uint8_t *ip = f + off;
		size_t plen6, p = 40;
		uint8_t nh;

		if (len < off + 40 || ip[0] >> 4 != 6) {
			return PCAP_NOT_PTP;
		}
		plen6 = pu_be16(ip + 4);
		if (len < off + 40 + plen6) {
			return PCAP_NOT_PTP;
		}
		nh = ip[6];
		/* Skip hop-by-hop, routing and destination options. */
		while ((nh == 0 || nh == 43 || nh == 60) &&
		       p + 8 <= 40 + plen6) {
			nh = ip[p];
			p += 8 + (size_t)ip[p + 1] * 8;
		}
		if (nh != IPPROTO_UDP_ || p > 40 + plen6) {
			return PCAP_NOT_PTP;
		}
		return pcap_udp_payload(ip + p, 40 + plen6 - p, pl, plen) ?
		       PCAP_UDP6 : PCAP_NOT_PTP;
	}
	return PCAP_NOT_PTP;
}

/* ---- building frames -------------------------------------------------- */

/* Ones' complement sum of len octets, added to sum (RFC 1071). */
static inline uint32_t pcap_csum_add(uint32_t sum, const uint8_t *p,
				     size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += pu_be16(p + i);
	}
	if (len & 1) {
		sum += (uint32_t)p[len - 1] << 8;
	}
	return sum;
}

static inline uint16_t pcap_csum_fold(uint32_t sum)
{
	while (sum >> 16) {
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

/* Ethernet header at f: dst, src, ethertype. Returns 14. */
static inline size_t pcap_put_eth(uint8_t *f, const uint8_t dst[6],
				  const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	pu_put_be16(f + 12, type);
	return ETH_HLEN_;
}

/* UDP header at u for a payload of plen octets already at u + 8; the
 * checksum is filled in from the pseudo-header sum psum. */
static inline void pcap_put_udp(uint8_t *u, uint16_t sport, uint16_t dport,
				size_t plen, uint32_t psum)
{
	uint16_t ulen = (uint16_t)(plen + 8);
	uint16_t c;

	pu_put_be16(u, sport);
	pu_put_be16(u + 2, dport);
	pu_put_be16(u + 4, ulen);
	pu_put_be16(u + 6, 0);
	c = pcap_csum_fold(pcap_csum_add(psum, u, ulen));
	/* A computed zero is sent as all ones (RFC 768). */
	pu_put_be16(u + 6, c ? c : 0xffff);
}

/*
 * A complete frame around a PTP message msg[0..mlen) into f (room for
 * mlen + 62 octets plus padding to 60): Ethernet + IPv4 + UDP (TTL 1, as
 * PTP multicast is link-local), Ethernet + IPv6 + UDP (hop limit 1), or
 * Ethernet 0x88F7 padded to the 60-octet minimum. Addresses are those of
 * the arguments; returns the frame length.
 */
static inline size_t pcap_frame_udp4(uint8_t *f, const uint8_t dmac[6],
				     const uint8_t smac[6],
				     const uint8_t sip[4], const uint8_t dip[4],
				     uint16_t port, uint16_t ip_id,
				     const uint8_t *msg, size_t mlen)
{
	uint8_t *ip = f + pcap_put_eth(f, dmac, smac, ETHERTYPE_IPV4);
	uint8_t *u = ip + 20;
	uint32_t psum = 0;
	size_t len;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	pu_put_be16(ip + 2, (uint16_t)(20 + 8 + mlen));
	pu_put_be16(ip + 4, ip_id);
	pu_put_be16(ip + 6, 0x4000);	/* don't fragment */
	ip[8] = 1;
	ip[9] = IPPROTO_UDP_;
	memcpy(ip + 12, sip, 4);
	memcpy(ip + 16, dip, 4);
	pu_put_be16(ip + 10, pcap_csum_fold(pcap_csum_add(0, ip, 20)));
	memcpy(u + 8, msg, mlen);
	psum = pcap_csum_add(psum, sip, 4);
	psum = pcap_csum_add(psum, dip, 4);
	psum += IPPROTO_UDP_ + (uint32_t)(mlen + 8);
	pcap_put_udp(u, port, port, mlen, psum);
	len = ETH_HLEN_ + 20 + 8 + mlen;
	if (len < ETH_MIN_FRAME) {
		memset(f + len, 0, ETH_MIN_FRAME - len);
		len = ETH_MIN_FRAME;
	}
	return len;
}

static inline size_t pcap_frame_udp6(uint8_t *f, const uint8_t dmac[6],
				     const uint8_t smac[6],
				     const uint8_t sip[16],
				     const uint8_t dip[16], uint16_t port,
				     const uint8_t *msg, size_t mlen)
{
	uint8_t *ip = f + pcap_put_eth(f, dmac, smac, ETHERTYPE_IPV6);
	uint8_t *u = ip + 40;
	uint32_t psum = 0;

	memset(ip, 0, 40);
	ip[0] = 0x60;
	pu_put_be16(ip + 4, (uint16_t)(8 + mlen));
	ip[6] = IPPROTO_UDP_;
	ip[7] = 1;
	memcpy(ip + 8, sip, 16);
	memcpy(ip + 24, dip, 16);
	memcpy(u + 8, msg, mlen);
	psum = pcap_csum_add(psum, sip, 16);
	psum = pcap_csum_add(psum, dip, 16);
	psum += IPPROTO_UDP_ + (uint32_t)(mlen + 8);
	pcap_put_udp(u, port, port, mlen, psum);
	return ETH_HLEN_ + 40 + 8 + mlen;
}

static inline size_t pcap_frame_l2(uint8_t *f, const uint8_t dmac[6],
				   const uint8_t smac[6], const uint8_t *msg,
				   size_t mlen)
{
	size_t len = pcap_put_eth(f, dmac, smac, ETHERTYPE_PTP);

	memcpy(f + len, msg, mlen);
	len += mlen;
	if (len < ETH_MIN_FRAME) {
		memset(f + len, 0, ETH_MIN_FRAME - len);
		len = ETH_MIN_FRAME;
	}
	return len;
}

#endif
