/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * supervisor.h - the meridian supervisor: starts and restarts the
 * appliance's daemons and owns the bus hub.
 *
 *   main.c        command line, --check-config, usage text
 *   supervisor.c  setup (config, run directory, lock, signalfd, bus),
 *                 the zmq_poll loop, signals, SIGHUP, shutdown, health
 *   children.c    spawning, reaping, back-off and give-up, the children's
 *                 output (pipes, line buffering, prefixes)
 *   proxy.c       the XSUB (pub.sock) / XPUB (sub.sock) hub, forwarded
 *                 both ways inside the loop
 */
#ifndef MERIDIAN_SUPERVISOR_H
#define MERIDIAN_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "ipc.h"
#include "notify.h"
#include "privs.h"

#include "version.h"

#define SUP_CHILDREN_MAX	(MCONF_MAX_PORTS + 2)
#define SUP_NAME_MAX		32	/* "portd/<15-character ifname>" */
#define SUP_LINE_MAX		1024	/* a child's line is cut beyond this */
#define SUP_ARGV_MAX		12

/* Restart policy (defaults; --max-restarts changes the limit). */
#define SUP_BACKOFF_MIN_MS	500
#define SUP_BACKOFF_MAX_MS	30000
#define SUP_HEALTHY_MS		60000	/* running this long resets back-off */
#define SUP_WINDOW_MS		600000	/* restarts counted over 10 minutes */
#define SUP_MAX_RESTARTS	10
#define SUP_HUNG_MS		10000	/* heartbeats stopped this long: hung */
#define SUP_STOP_GRACE_MS	3000	/* SIGTERM, then SIGKILL */

enum child_state {
	CH_IDLE = 0,		/* not started yet */
	CH_RUNNING,
	CH_BACKOFF,		/* died; waiting to start again */
	CH_FAILED,		/* gave up: too many restarts */
	CH_STOPPED,		/* exited during shutdown, or removed */
};

struct child {
	char name[SUP_NAME_MAX];	/* "bmcad", "portd/eth1" (bus name) */
	char prefix[SUP_NAME_MAX + 4];	/* "bmcad: ", "portd[eth1]: " */
	char path[4096];		/* the binary */
	char *argv[SUP_ARGV_MAX];	/* argv[0] = path; owned strings */
	int port;			/* index in cfg.ports, -1 for daemons */

	enum child_state state;
	pid_t pid;			/* 0 when not running */
	int out_fd;			/* read end of its stdout+stderr pipe */
	int64_t started_ns;
	int64_t next_start_ns;		/* CH_BACKOFF: when */
	int backoff_ms;			/* the next delay */
	uint32_t restarts;		/* total, as published */
	int64_t restart_ns[SUP_MAX_RESTARTS + 64]; /* recent, ring */
	unsigned n_restart;		/* entries in the ring */
	bool restart_now;		/* SIGHUP: stop it and start again */
	int64_t kill_at_ns;		/* restart_now: SIGKILL if still here */
	bool killed_hung;
	int64_t last_hb_ns;		/* 0: no heartbeat seen since start */

	/* Output: a partial line, or the rest of a line being cut. */
	char line[SUP_LINE_MAX + 1];
	size_t line_len;
	bool cutting;
	uint64_t lines_cut;
};

struct sup_opts {
	const char *config_path;	/* absolute after setup */
	const char *rundir;		/* NULL: the config's */
	const char *bindir;		/* NULL: next to /proc/self/exe */
	int log_level;			/* -1: the config's */
	bool syslog;
	int max_restarts;		/* in SUP_WINDOW_MS */
};

struct proxy {
	void *xsub;			/* pub.sock: daemons' PUBs connect */
	void *xpub;			/* sub.sock: SUBs connect */
	uint64_t fwd_msgs;		/* XSUB -> XPUB */
	uint64_t fwd_subs;		/* XPUB -> XSUB (subscriptions) */
	uint64_t fwd_errors;
};

struct sup {
	struct sup_opts opts;
	struct mconf cfg;
	char config_abs[4096];
	char bindir[4096];
	char rundir[MCONF_RUNDIR_MAX + 1];
	char lock_path[MCONF_RUNDIR_MAX + 32];
	struct privs_ids ids;		/* ipc.user, ipc.group */
	int lockfd;
	int sigfd;
	void *ctx;
	struct proxy px;
	uint32_t seq;
	int64_t start_ns;
	int64_t next_pub_ns;

	struct child ch[SUP_CHILDREN_MAX];
	int n_ch;

	bool stopping;
	int64_t stop_ns;
	int64_t kill_at_ns;		/* stopping: SIGKILL what remains */
	bool killed_all;

	struct notify nt;		/* systemd (notify.c) */
};

/* supervisor.c */
int sup_setup(struct sup *s);
int sup_run(struct sup *s);
void sup_teardown(struct sup *s);
void sup_publish_child(struct sup *s, const struct child *c);

/* children.c */
int children_init(struct sup *s);
void children_free(struct sup *s);
int child_start(struct sup *s, struct child *c);
void children_reap(struct sup *s);
void children_tick(struct sup *s, int64_t now);
void child_read_output(struct sup *s, struct child *c, bool final);
void children_signal(struct sup *s, int sig);
int children_running(const struct sup *s);
int64_t children_next_event(const struct sup *s);
struct child *child_by_name(struct sup *s, const char *name);
const char *child_state_str(enum child_state st);

/* proxy.c */
int proxy_open(struct proxy *px, void *ctx, const char *rundir);
void proxy_close(struct proxy *px);
/* Forward waiting messages (at most a budget each way). */
void proxy_forward_up(struct sup *s);	/* XSUB -> XPUB */
void proxy_forward_down(struct proxy *px);	/* XPUB -> XSUB */
int proxy_publish(struct sup *s, const char *topic, int type,
		  const void *msg);

#endif
