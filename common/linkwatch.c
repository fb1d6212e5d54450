// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * linkwatch.c - link up/down from rtnetlink with libnl-3. See linkwatch.h.
 *
 * Notifications are read straight from the ifinfomsg header (index and
 * flags) and IFLA_IFNAME with libnl's nlmsg/nla helpers: no object is
 * allocated per message, and RTM_DELLINK is told apart from RTM_NEWLINK.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkwatch.h"
#include "log.h"

struct linkwatch {
	struct nl_sock *sk;	/* RTNLGRP_LINK notifications */
	struct nl_sock *qsk;	/* queries (rtnl_link_get_kernel) */
	char ifname[IF_NAMESIZE];
	int ifindex;		/* 0 while the interface does not exist */
	bool exists;
	bool up;
	unsigned long transitions;	/* up/down changes seen */
	unsigned long overruns;
};

static void set_up(struct linkwatch *lw, bool up)
{
	if (up != lw->up) {
		lw->transitions++;
	}
	lw->up = up;
}

static bool flags_up(unsigned flags)
{
	return (flags & IFF_UP) && (flags & IFF_RUNNING);
}

/* Read the state from the kernel: by index if known, else by name. */
static int linkwatch_query(struct linkwatch *lw)
{
	struct rtnl_link *link = NULL;
	int rc;

	rc = rtnl_link_get_kernel(lw->qsk, lw->ifindex,
				  lw->ifindex ? NULL : lw->ifname, &link);
	if (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV) {
		lw->exists = false;
		lw->ifindex = 0;
		set_up(lw, false);
		return 0;
	}
	if (rc < 0) {
		pr_err("%s: rtnl_link_get_kernel: %s", lw->ifname,
		       nl_geterror(rc));
		return -EIO;
	}
	lw->exists = true;
	lw->ifindex = rtnl_link_get_ifindex(link);
	set_up(lw, flags_up(rtnl_link_get_flags(link)));
	rtnl_link_put(link);
	return 0;
}

static int on_nl_msg(struct nl_msg *msg, void *arg)
{
	struct linkwatch *lw = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct ifinfomsg *ifi;
	struct nlattr *name;

	if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) {
		return NL_SKIP;
	}
	if (!nlmsg_valid_hdr(h, sizeof(*ifi))) {
		return NL_SKIP;
	}
	ifi = nlmsg_data(h);
	if (!lw->ifindex) {
		/* Waiting for the name to (re)appear. */
		name = nlmsg_find_attr(h, sizeof(*ifi), IFLA_IFNAME);
		if (h->nlmsg_type != RTM_NEWLINK || !name ||
		    strncmp(nla_data(name), lw->ifname,
			    (size_t)nla_len(name)) ||
		    strlen(lw->ifname) + 1 != (size_t)nla_len(name)) {
			return NL_SKIP;
		}
		lw->ifindex = ifi->ifi_index;
	}
	if (ifi->ifi_index != lw->ifindex) {
		return NL_SKIP;
	}
	if (h->nlmsg_type == RTM_DELLINK) {
		lw->exists = false;
		lw->ifindex = 0;
		set_up(lw, false);
	} else {
		lw->exists = true;
		set_up(lw, flags_up(ifi->ifi_flags));
	}
	return NL_OK;
}

void linkwatch_close(struct linkwatch *lw)
{
	if (!lw) {
		return;
	}
	if (lw->sk) {
		nl_socket_free(lw->sk);
	}
	if (lw->qsk) {
		nl_socket_free(lw->qsk);
	}
	free(lw);
}

struct linkwatch *linkwatch_open(const char *ifname)
{
	struct linkwatch *lw;
	int rc;

	if (!ifname || !ifname[0] || strlen(ifname) >= IF_NAMESIZE) {
		errno = EINVAL;
		return NULL;
	}
	lw = calloc(1, sizeof(*lw));
	if (!lw) {
		return NULL;
	}
	memcpy(lw->ifname, ifname, strlen(ifname) + 1);
	lw->sk = nl_socket_alloc();
	lw->qsk = nl_socket_alloc();
	if (!lw->sk || !lw->qsk) {
		linkwatch_close(lw);
		errno = ENOMEM;
		return NULL;
	}
	/* Notifications carry no sequence number of ours. */
	nl_socket_disable_seq_check(lw->sk);
	nl_socket_modify_cb(lw->sk, NL_CB_VALID, NL_CB_CUSTOM, on_nl_msg, lw);
	rc = nl_connect(lw->sk, NETLINK_ROUTE);
	if (!rc) {
		rc = nl_socket_add_memberships(lw->sk, RTNLGRP_LINK, 0);
	}
	if (!rc) {
		rc = nl_socket_set_nonblocking(lw->sk);
	}
	if (!rc) {
		rc = nl_connect(lw->qsk, NETLINK_ROUTE);
	}
	if (rc) {
		pr_err("%s: netlink: %s", ifname, nl_geterror(rc));
		linkwatch_close(lw);
		errno = EIO;
		return NULL;
	}
	/* Subscribed first, then queried: no change can fall in between. */
	if (linkwatch_query(lw)) {
		linkwatch_close(lw);
		errno = EIO;
		return NULL;
	}
	return lw;
}

int linkwatch_fd(const struct linkwatch *lw)
{
	return nl_socket_get_fd(lw->sk);
}

int linkwatch_process(struct linkwatch *lw)
{
	unsigned long seen = lw->transitions;
	struct nl_cb *cb = nl_socket_get_cb(lw->sk);
	int rc = 0, i;

	/* Bounded: a storm of notifications cannot hold the loop. */
	for (i = 0; i < 64; i++) {
		rc = nl_recvmsgs_report(lw->sk, cb);
		if (rc > 0) {
			continue;
		}
		if (rc == 0 || rc == -NLE_AGAIN) {
			rc = 0;
			break;
		}
		if (rc == -NLE_NOMEM) {
			/* Socket overrun (ENOBUFS): events were lost. */
			lw->overruns++;
			pl_warn("%s: netlink overrun, re-reading link state",
				lw->ifname);
			rc = linkwatch_query(lw);
			if (rc) {
				break;
			}
			continue;
		}
		if (rc == -NLE_INTR) {
			continue;
		}
		pl_err("%s: netlink: %s", lw->ifname, nl_geterror(rc));
		rc = -EIO;
		break;
	}
	nl_cb_put(cb);
	if (rc < 0) {
		return rc;
	}
	return lw->transitions != seen;
}

bool linkwatch_up(const struct linkwatch *lw)
{
	return lw->up;
}

bool linkwatch_exists(const struct linkwatch *lw)
{
	return lw->exists;
}

int linkwatch_ifindex(const struct linkwatch *lw)
{
	return lw->ifindex;
}

unsigned long linkwatch_overruns(const struct linkwatch *lw)
{
	return lw->overruns;
}
