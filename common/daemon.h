/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon.h - plumbing every Meridian daemon shares (the I/O edge, not
 * the sans-IO core): the monotonic clock, the run directory, a signalfd
 * for SIGINT/SIGTERM/SIGHUP/SIGCHLD, loading the configuration with its
 * errors printed, and the clock's data sets from the configuration.
 */
#ifndef MERIDIAN_DAEMON_H
#define MERIDIAN_DAEMON_H

#include <stdint.h>
#include <sys/types.h>

#include "bmca.h"
#include "config.h"

/* The options every daemon takes (getopt_long values). */
enum {
	DAEMON_OPT_RUNDIR = 0x100,	/* --rundir DIR */
	DAEMON_OPT_SYSLOG,		/* --syslog */
	DAEMON_OPT_FIRST_FREE		/* a daemon's own start here */
};

struct daemon_opts {
	const char *config_path;	/* -f, --config FILE */
	const char *rundir;		/* --rundir DIR, or NULL */
	int log_level;			/* -l, --log-level LEVEL, or -1 */
	bool syslog;			/* --syslog */
};

/*
 * One option of getopt_long() (c, arg) if it is one of daemon_opts':
 * 1 when taken, 0 when c is not one of them, -EINVAL for a bad value
 * (said on stderr as "PROG: --option VALUE: why").
 */
int daemon_opt(const char *prog, int c, const char *arg,
	       struct daemon_opts *o);

/*
 * After getopt_long(): -EINVAL (said on stderr, with a hint to --help)
 * when arguments are left over, else 0.
 */
int daemon_opt_end(const char *prog, int argc, char **argv);

/* CLOCK_MONOTONIC in ns. */
int64_t daemon_mono_ns(void);

/* mkdir -p path with mode for the parts it creates; 0, or -ENOTDIR when
 * path exists and is not a directory, or another -errno. */
int daemon_mkdir_p(const char *path, mode_t mode);

/*
 * Block SIGINT, SIGTERM, SIGHUP and SIGCHLD (and ignore SIGPIPE) in the
 * calling thread, before any thread (ZeroMQ's) starts, and return a
 * non-blocking signalfd for them, or -errno.
 */
int daemon_signalfd(void);

/*
 * Load path into cfg; on failure print every error as "PROG: FILE:LINE:
 * ..." on stderr and return -EINVAL (or the load's error).
 */
int daemon_load_config(const char *prog, const char *path,
		       struct mconf *cfg);

/*
 * The clock's own data sets from the configuration: defaultDS with
 * n_ports ports and identity id (slave_only forces clockClass 255,
 * 9.2.2.1), and its time properties as grandmaster. ptp_timescale: the
 * clock keeps TAI (a PHC); sim and system clocks are UTC based and
 * announce the ARB timescale, as ptp4l does with software timestamps.
 */
void daemon_clock_ds(const struct mconf *cfg, const struct clock_identity *id,
		     unsigned n_ports, bool ptp_timescale,
		     struct default_ds *dds,
		     struct time_properties_ds *local);

/*
 * The clockIdentity of the appliance: clock.clock_identity, else from
 * the MAC of the first configured port (EUI-48 -> EUI-64). 0 or -errno
 * (with a message naming the key to set).
 */
int daemon_clock_identity(const struct mconf *cfg, const char *prog,
			  struct clock_identity *id);

/*
 * The file behind a sim clock may be truncated while a daemon has it
 * mapped; the next read of the mapping then raises SIGBUS (clock.h,
 * clk_sim_check). daemon_sigbus_guard() adds c's mapping (nothing for a
 * clock that is not a sim clock) to the ranges a SIGBUS handler knows:
 * a fault there writes "WHO: err: IFACE: sim clock PATH was truncated
 * while in use" to stderr and ends the process with status 1 (the
 * faulting access cannot be resumed; the supervisor restarts the
 * daemon, which then fails to open the clock, with a message). A
 * SIGBUS anywhere else keeps its default action. Up to
 * DAEMON_SIGBUS_MAX clocks; 0 or -errno. Not thread-safe: call it
 * from the main thread at set-up, before the clock is read.
 */
#define DAEMON_SIGBUS_MAX 32

struct clk;
int daemon_sigbus_guard(const struct clk *c, const char *who,
			const char *iface);

#endif
