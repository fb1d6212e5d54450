/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linkwatch.h - link up/down of one interface from rtnetlink (libnl-3,
 * RTNLGRP_LINK), for a poll loop.
 *
 *	struct linkwatch *lw = linkwatch_open("eth1");
 *	items[I_NL].fd = linkwatch_fd(lw);             // poll for POLLIN
 *	...
 *	if (linkwatch_process(lw) > 0)
 *		on_link(linkwatch_up(lw));
 *
 * "Up" means IFF_UP and IFF_RUNNING (operationally up: carrier present),
 * as linuxptp's rtnl.c uses. The interface is followed by index; if it is
 * deleted the watch reports down and waits for an interface of the same
 * name to appear. The initial state is read with rtnl_link_get_kernel();
 * a notification overrun (ENOBUFS, -NLE_NOMEM) re-reads it.
 */
#ifndef MERIDIAN_LINKWATCH_H
#define MERIDIAN_LINKWATCH_H

#include <stdbool.h>

struct linkwatch;

/* NULL with errno set on failure (a missing interface is not a failure:
 * it reads as down until it appears). */
struct linkwatch *linkwatch_open(const char *ifname);
void linkwatch_close(struct linkwatch *lw);
/* The notification socket, non-blocking; poll it for POLLIN. */
int linkwatch_fd(const struct linkwatch *lw);
/* Read every queued notification without blocking. Returns 1 if the
 * up/down state changed at least once (a down-up flap inside one call
 * also returns 1 while linkwatch_up() stays true), 0 if not, -errno on a
 * socket error. */
int linkwatch_process(struct linkwatch *lw);
bool linkwatch_up(const struct linkwatch *lw);
/* false while no interface of that name exists. */
bool linkwatch_exists(const struct linkwatch *lw);
/* Current ifindex, 0 while the interface does not exist. */
int linkwatch_ifindex(const struct linkwatch *lw);
/* Number of notification overruns recovered by re-querying. */
unsigned long linkwatch_overruns(const struct linkwatch *lw);

#endif
