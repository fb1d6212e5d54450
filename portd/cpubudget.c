// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpubudget.c - portd's CPU budget (issue 9, hostile traffic):
 * `rx_cpu_budget` percent of one CPU.
 *
 * portd's CPU time (CLOCK_PROCESS_CPUTIME_ID: everything it does,
 * receive system calls included) is measured over windows of
 * CPUB_WINDOW_NS. Once a window has used more than the budget, for the
 * rest of that window:
 *   - a classic BPF socket filter on the event and general sockets lets
 *     only the followed master's messages (their sourcePortIdentity,
 *     bytes 20..29 of the PTP message) into the socket queue: the kernel
 *     drops the rest before portd would pay a receive call for each (with
 *     no master to follow, it drops everything);
 *   - what was already queued is read and dropped, the master's excepted,
 *     and counted (cpu_dropped).
 * At the window's end the filters go and the next window starts. A flood
 * thus costs portd its budget plus the kernel's work before the filter,
 * which is not portd's to save. The filter never touches the socket's
 * error queue, so TX timestamps still come back.
 *
 * Offsets: a UDP socket's filter sees the packet from its UDP header (the
 * PTP message at 8); an AF_PACKET SOCK_RAW socket's from the Ethernet
 * header (at 14; a VLAN tag the NIC or the kernel stripped is not in the
 * data).
 */
#include <errno.h>
#include <linux/filter.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "portd.h"

#define CPUB_WINDOW_NS	(NS_PER_SEC / 10)

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * The filter program for `parent` (NULL: drop everything) with the PTP
 * message at byte `off`: accept (the whole packet) only when bytes 20..29
 * are the parent's portIdentity. A load beyond the packet ends the program
 * with 0: dropped. Returns the number of instructions written to `prog`.
 */
unsigned cpub_filter(struct sock_filter *prog, unsigned off,
		     const struct port_identity *parent)
{
	unsigned n = 0;

	if (!parent) {
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
		return n;
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 off + 20);
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		be32_at(parent->clockIdentity.id), 0, 4);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 off + 24);
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		be32_at(parent->clockIdentity.id + 4), 0, 2);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS,
						 off + 28);
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		parent->portNumber, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF);
	return n;
}

static void set_filters(struct portd *d, bool on)
{
	const unsigned off = xport_kind_of(d->x) == XP_L2 ? 14 : 8;
	struct sock_filter prog[8];
	struct sock_fprog fp;
	int i, fd, rc, zero = 0;	/* SO_DETACH_FILTER wants an int */

	fp.len = (unsigned short)cpub_filter(prog, off,
					     port_core_parent(d->pc));
	fp.filter = prog;
	for (i = 0; i < 2; i++) {
		fd = d->fds[i];
		if (fd < 0) {
			continue;
		}
		rc = on ? setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
				     sizeof(fp)) :
			  setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &zero,
				     sizeof(zero));
		if (rc < 0 && !(errno == ENOENT && !on) && !d->cpu_filter_err) {
			d->cpu_filter_err = true;
			pr_warn("%s: rx_cpu_budget: socket filter: %s "
				"(messages over the budget are read and "
				"dropped instead)", d->ifname, strerror(errno));
		}
	}
	d->cpu_filtered = on;
}

bool cpub_over(struct portd *d, int64_t now)
{
	int pct = d->port->rx_cpu_budget;
	struct timespec ts;
	int64_t cpu;

	if (pct <= 0 || pct >= 100) {
		return false;
	}
	if (d->cpu_filtered) {
		return true;		/* till the window ends */
	}
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) < 0) {
		return false;
	}
	cpu = (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
	if (!d->cpu_win_ns || now < d->cpu_win_ns ||
	    now - d->cpu_win_ns >= CPUB_WINDOW_NS) {
		d->cpu_win_ns = now;
		d->cpu_win_start = cpu;
		return false;
	}
	if ((cpu - d->cpu_win_start) * 100 <= pct * CPUB_WINDOW_NS) {
		return false;
	}
	d->cpu_windows++;
	set_filters(d, true);
	return true;
}

int cpub_timeout_ms(struct portd *d, int64_t now, int ms)
{
	int64_t left;

	if (!d->cpu_filtered) {
		return ms;
	}
	left = d->cpu_win_ns + CPUB_WINDOW_NS - now;
	if (left <= 0) {
		set_filters(d, false);
		d->cpu_win_ns = 0;	/* a new window at the next look */
		return ms;
	}
	left = (left + 999999) / 1000000;
	return ms < 0 || left < ms ? (int)left : ms;
}
