// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * portd's CPU budget filter (portd/cpubudget.c, issue 9): the classic BPF
 * program that lets only the followed master's messages in, run by a
 * small interpreter here and by the kernel on a loopback UDP socket (which
 * proves the offset: a UDP socket's filter sees the UDP header first).
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../portd/cpubudget.c"

static const struct port_identity parent = {
	{ { 0x00, 0x1b, 0x19, 0xff, 0xfe, 0x00, 0x00, 0x01 } }, 3
};

/* The opcodes cpub_filter uses; anything else fails the test. */
static uint32_t run(const struct sock_filter *p, unsigned n,
		    const uint8_t *pkt, unsigned len)
{
	uint32_t a = 0;
	unsigned pc = 0;

	while (pc < n) {
		const struct sock_filter *f = &p[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k + 4 > len) {
				return 0;
			}
			a = (uint32_t)pkt[f->k] << 24 |
			    (uint32_t)pkt[f->k + 1] << 16 |
			    (uint32_t)pkt[f->k + 2] << 8 | pkt[f->k + 3];
			pc++;
			break;
		case BPF_LD | BPF_H | BPF_ABS:
			if (f->k + 2 > len) {
				return 0;
			}
			a = (uint32_t)pkt[f->k] << 8 | pkt[f->k + 1];
			pc++;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += 1 + (a == f->k ? f->jt : f->jf);
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			cr_assert_fail("opcode 0x%x", f->code);
		}
	}
	cr_assert_fail("ran off the end");
	return 0;
}

/* A 44-byte PTP message (a Sync) from `src` at byte `off` of pkt. */
static unsigned msg_at(uint8_t *pkt, unsigned off,
		       const struct port_identity *src)
{
	memset(pkt, 0xA5, off + 44);
	pkt[off] = 0x00;
	pkt[off + 1] = 0x02;
	memcpy(pkt + off + 20, src->clockIdentity.id, 8);
	pkt[off + 28] = (uint8_t)(src->portNumber >> 8);
	pkt[off + 29] = (uint8_t)src->portNumber;
	return off + 44;
}

Test(cpubudget, only_the_parent_passes)
{
	static const unsigned offs[] = { 0, 8, 14 };
	struct sock_filter prog[8];
	struct port_identity o;
	uint8_t pkt[128];
	unsigned n, i, len, b;

	for (i = 0; i < 3; i++) {
		n = cpub_filter(prog, offs[i], &parent);
		cr_assert_leq(n, 8);
		len = msg_at(pkt, offs[i], &parent);
		cr_assert_neq(run(prog, n, pkt, len), 0, "off %u", offs[i]);
		/* one byte of the identity or the port number off: out */
		for (b = 0; b < 10; b++) {
			o = parent;
			if (b < 8) {
				o.clockIdentity.id[b] ^= 0x40;
			} else {
				o.portNumber ^= b == 8 ? 0x100 : 1;
			}
			len = msg_at(pkt, offs[i], &o);
			cr_assert_eq(run(prog, n, pkt, len), 0,
				     "off %u byte %u", offs[i], b);
		}
		/* too short to hold a portIdentity: out */
		len = msg_at(pkt, offs[i], &parent);
		cr_assert_eq(run(prog, n, pkt, offs[i] + 29), 0);
	}
}

Test(cpubudget, no_parent_drops_everything)
{
	struct sock_filter prog[8];
	uint8_t pkt[128];
	unsigned n, len;

	n = cpub_filter(prog, 8, NULL);
	len = msg_at(pkt, 8, &parent);
	cr_assert_eq(run(prog, n, pkt, len), 0);
}

/* The kernel runs the same program on a UDP socket: the parent's datagram
 * arrives, another's does not (loopback only). */
Test(cpubudget, kernel_udp_filter_offset)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct port_identity other = parent;
	struct sock_filter prog[8];
	struct sock_fprog fp;
	socklen_t al = sizeof(a);
	uint8_t pkt[64], got[64];
	int rx, tx, zero = 0;
	ssize_t r;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	cr_assert(rx >= 0 && tx >= 0);
	cr_assert_eq(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(rx, (struct sockaddr *)&a, &al), 0);
	fp.len = (unsigned short)cpub_filter(prog, 8, &parent);
	fp.filter = prog;
	cr_assert_eq(setsockopt(rx, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
				sizeof(fp)), 0, "%s", strerror(errno));
	other.portNumber = 4;
	msg_at(pkt, 0, &other);
	pkt[0] = 0x0B;			/* tells the two apart */
	cr_assert_eq(sendto(tx, pkt, 44, 0, (struct sockaddr *)&a,
			    sizeof(a)), 44);
	msg_at(pkt, 0, &parent);
	pkt[0] = 0x0A;
	cr_assert_eq(sendto(tx, pkt, 44, 0, (struct sockaddr *)&a,
			    sizeof(a)), 44);
	usleep(20000);
	r = recv(rx, got, sizeof(got), MSG_DONTWAIT);
	cr_assert_eq(r, 44, "the parent's datagram: %zd", r);
	cr_assert_eq(got[0], 0x0A);
	r = recv(rx, got, sizeof(got), MSG_DONTWAIT);
	cr_assert_eq(r, -1, "another's datagram passed the filter");
	/* detached: everything passes again */
	cr_assert_eq(setsockopt(rx, SOL_SOCKET, SO_DETACH_FILTER, &zero,
				sizeof(zero)), 0, "%s", strerror(errno));
	msg_at(pkt, 0, &other);
	cr_assert_eq(sendto(tx, pkt, 44, 0, (struct sockaddr *)&a,
			    sizeof(a)), 44);
	usleep(20000);
	cr_assert_eq(recv(rx, got, sizeof(got), MSG_DONTWAIT), 44);
	close(rx);
	close(tx);
}
