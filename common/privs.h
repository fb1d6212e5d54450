/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privs.h - least privilege for Meridian's processes (issue 9): which
 * capabilities each daemon keeps after its set-up (as data, unit-tested),
 * the user and group it runs as (ipc.user, ipc.group), the run
 * directory's owner and mode, and a seccomp allow-list per daemon
 * (ipc.seccomp) built with libseccomp.
 *
 * Order in a daemon: everything that needs root (sockets, SIOCSHWTSTAMP,
 * clocks, locks) is opened first, as root; then privs_drop() (groups,
 * gid, uid, capabilities, before ZeroMQ starts its threads: capabilities
 * are per thread); then the bus; then privs_seccomp() (synchronised to
 * every thread) just before the main loop.
 */
#ifndef MERIDIAN_PRIVS_H
#define MERIDIAN_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

enum privs_who {
	PRIVS_PORTD,
	PRIVS_CLOCKD,
	PRIVS_BMCAD,
	PRIVS_TOP,		/* ptp-top: no capabilities, no filter */
};

#define PRIVS_CAPS_MAX	4

/* Capabilities (CAP_* numbers), kept effective, permitted and bounding. */
struct privs_caps {
	unsigned n;
	int cap[PRIVS_CAPS_MAX];
};

/*
 * The capabilities `who` keeps after set-up, from the configuration:
 * port is portd's index in cfg->ports (ignored otherwise), standalone
 * whether portd steers its own clock. Pure: no system call.
 *
 *   portd   none; CAP_SYS_TIME when it steers CLOCK_REALTIME itself
 *           (--standalone, clock "system", not clock.free_running).
 *           Its sockets (raw for L2, 319/320 for UDP), SIOCSHWTSTAMP and
 *           its PHC (opened read-write) are all set up before the drop
 *           and never opened again.
 *   clockd  none; CAP_SYS_TIME when a port's clock is "system" (and
 *           not free_running). A PHC is adjusted through its fd, opened
 *           read-write before the drop: no capability needed.
 *   bmcad, ptp-top  none.
 */
void privs_caps_for(enum privs_who who, const struct mconf *cfg, int port,
		    bool standalone, struct privs_caps *caps);

/* "cap_sys_time,cap_net_raw" or "none" into buf. */
const char *privs_caps_str(const struct privs_caps *caps, char *buf,
			   size_t len);

/* The identity the daemons run as (ipc.user, ipc.group). */
struct privs_ids {
	uid_t uid;
	gid_t gid;
	bool set_uid;		/* user is not root */
	bool set_gid;		/* a group was named, or set_uid */
	char user[MCONF_NAME_LEN];
	char group[MCONF_NAME_LEN];	/* "" = none */
};

/* getpwnam/getgrnam of ipc.user and ipc.group: 0, or -ENOENT with why. */
int privs_ids(const struct mconf *cfg, struct privs_ids *ids, char *why,
	      size_t len);

/*
 * The run directory, as the supervisor (or a daemon started alone)
 * prepares it: created if missing (mkdir -p), then its last component
 * owned by ids (user, group) with mode 0750. A shared directory (sticky
 * and world-writable, as /tmp) is refused: -EPERM. 0 or -errno.
 */
int privs_rundir(const char *dir, const struct privs_ids *ids, char *why,
		 size_t len);

/* A bus socket the supervisor bound: group ids->gid, mode 0660. */
int privs_socket(const char *endpoint, const struct privs_ids *ids);

/*
 * Drop to ids and caps: umask 0007, supplementary groups cleared, gid and
 * uid changed (when set), every capability but caps cleared from the
 * effective, permitted, inheritable and bounding sets, and no new
 * privileges. Call before any thread starts. 0 or -errno (logged).
 */
int privs_drop(const char *prog, const struct privs_ids *ids,
	       const struct privs_caps *caps);

/* privs_ids() and privs_caps_for() of cfg, privs_rundir() of its
 * ipc.rundir (the supervisor did it already: the same again), then
 * privs_drop(). */
int privs_daemon_drop(const char *prog, enum privs_who who,
		      const struct mconf *cfg, int port, bool standalone);

/*
 * The allow-list of `who` (PRIVS_PORTD, PRIVS_CLOCKD, PRIVS_BMCAD) as a
 * libseccomp context (scmp_filter_ctx), default action SIGSYS, or NULL
 * (errno set). Loaded by nobody: privs_seccomp() loads it. Exposed for
 * the unit tests; free with privs_filter_free().
 */
void *privs_filter(enum privs_who who, unsigned *n_rules);
void privs_filter_free(void *filter);

/* The syscall names of who's list (and its length), for the tests. */
const char *const *privs_allow_list(enum privs_who who, size_t *n);

/*
 * Load who's allow-list in every thread of the process (TSYNC). A
 * forbidden system call then writes "PROG: seccomp: forbidden system
 * call N" on stderr and kills the process with SIGSYS (the supervisor
 * logs the signal and restarts it). Test hook: with the environment
 * variable MERIDIAN_SECCOMP_TRIP=PROG, PROG makes one forbidden (and
 * harmless: syslog(2) SIZE_BUFFER) call right after loading the filter.
 */
int privs_seccomp(const char *prog, enum privs_who who);

/* privs_seccomp() unless ipc.seccomp is false. */
int privs_daemon_seccomp(const char *prog, enum privs_who who,
			 const struct mconf *cfg);

#endif
