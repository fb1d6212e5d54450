// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptp-top.c - the live view of a Meridian appliance: a SUB on the
 * supervisor's XPUB (RUNDIR/sub.sock), the tables of top_state.c, shown
 * with curses (view.c), as JSON lines, or once.
 *
 * It never slows the appliance: the SUB has a bounded receive queue
 * (TOP_RCVHWM) and ZeroMQ's PUB/XPUB drop, for this subscriber only, what
 * does not fit while ptp-top is slow or stopped. It never waits for the
 * appliance either: the SUB connects (and reconnects) by itself, so
 * ptp-top may start first.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "version.h"

#include "daemon.h"
#include "ipc.h"
#include "privs.h"
#include "top_state.h"
#include "view.h"

#define DEFAULT_RUNDIR	"/run/meridian"
/* messages queued for us, at most */
#define TOP_RCVHWM	1000
/* --once: listen this long after the first message */
#define TOP_ROUND_NS	2000000000LL
/* messages read between screen and key checks */
#define TOP_DRAIN_MAX	4096

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

enum {
	OPT_RUNDIR = 0x100,
	OPT_JSON,
	OPT_ONCE,
	OPT_TIMEOUT,
	OPT_INTERVAL,
};

struct top_opts {
	const char *rundir;
	bool json;
	bool once;
	double timeout;			/* < 0: not given */
	double interval;
};

static void usage(FILE *out)
{
	fprintf(out,
"NAME\n"
"  ptp-top - live view of a Meridian boundary clock: ports, clock, processes\n"
"\n"
"SYNOPSIS\n"
"  ptp-top [--rundir DIR] [--interval S]\n"
"  ptp-top --json [--rundir DIR] [--interval S] [--timeout S]\n"
"  ptp-top --once [--json] [--rundir DIR] [--timeout S]\n"
"  ptp-top --help | --version\n"
"\n"
"DESCRIPTION\n"
"  ptp-top subscribes to the appliance's bus (a ZeroMQ SUB connected to\n"
"  DIR/sub.sock, the meridian supervisor's XPUB) and shows what the\n"
"  daemons publish there: each port's status (portd, once a second),\n"
"  bmcad's decision for each port, clockd's servo, and every process's\n"
"  heartbeat and the supervisor's restart counts. Without --json or --once\n"
"  it is a full-screen curses view, redrawn every interval: q quits, ^L\n"
"  redraws, the view follows the terminal's size.\n"
"\n"
"  Per port: state, bmcad's recommendation (S1, M3, P1, ...), the parent\n"
"  (SLAVE) or peer port identity, offset from master and mean path delay\n"
"  (ns, while the port measures a master), PTP messages received and sent\n"
"  per second (from the port's counters, over at least 0.8 s), and the\n"
"  error counters: rx_err (refused by the decoder), unexpected messages,\n"
"  announce receipt timeouts, foreign-master table evictions, messages\n"
"  dropped on purpose because the network is hostile or broken (DROPPED,\n"
"  the sum over the reasons of dropped_by below), bus messages the port\n"
"  dropped (BUSDROP). A port not heard for 3 s is STALE. The clock: the\n"
"  grandmaster, stepsRemoved and parent (from bmcad's decisions), the\n"
"  servo state, frequency (ppb), last offset, announced clockClass and\n"
"  holdover (from clockd). Processes: pid, state, alive (its heartbeat\n"
"  heard within 3 s; for a process heard only through the supervisor, the\n"
"  supervisor's report of a running pid within 3 s), restarts (as the\n"
"  supervisor counts them) and uptime.\n"
"\n"
"  ptp-top may start before the appliance: the subscription connects by\n"
"  itself when the socket appears (the view says \"waiting for the\n"
"  appliance\" until a message arrives) and again after a restart. It\n"
"  never slows the appliance: at most %d messages queue for it, and what\n"
"  does not fit while it is slow or stopped is dropped for ptp-top alone.\n"
"  A message that does not decode (or whose topic disagrees with its\n"
"  content) is counted as garbage, by reason, and skipped.\n"
"\n"
"OPTIONS\n"
"      --rundir DIR   the appliance's run directory (absolute; default\n"
"                     " DEFAULT_RUNDIR ")\n"
"      --json         print JSON instead of the curses view: one snapshot\n"
"                     object per line, every interval (not one per\n"
"                     message: the bus carries several hundred a second)\n"
"      --once         listen until a full round is heard (2 s after the\n"
"                     first message: every daemon speaks at least once a\n"
"                     second, and two port reports give the rates), print\n"
"                     one snapshot (a text table, or one JSON object with\n"
"                     --json) and exit\n"
"      --timeout S    with --once: how long to wait for the first message\n"
"                     (default 5); otherwise stop after S seconds (default:\n"
"                     run until q, SIGINT or SIGTERM)\n"
"      --interval S   redraw / print every S seconds (default 1, at least\n"
"                     0.1)\n"
"  -h, --help         print this text and exit\n"
"  -V, --version      print the version and exit\n"
"\n"
"OUTPUT\n"
"  With --json, each line is one object:\n"
"    time       wall-clock time of the snapshot (seconds since the epoch)\n"
"    waiting    true until the first message is heard\n"
"    bus        {messages, decoded, ignored, garbage, garbage_by {REASON:\n"
"               N}, table_full}; REASON is short, magic, version, type,\n"
"               length, field (the codec's refusals), frames (wrong\n"
"               number of frames) or topic (topic and content disagree)\n"
"    clock      {clock_identity, grandmaster, grandmaster_priority1,\n"
"               grandmaster_class, steps_removed, parent, epoch,\n"
"               clock_class, servo_state, slave_iface, freq_ppb,\n"
"               offset_ns, clock_steps, holdover, holdover_ms,\n"
"               servo_age_ms, stale, clocks [{iface, clock, reference,\n"
"               locked, freq_ppb, offset_ns}]}\n"
"    ports      [{iface, state, port_identity, parent, delay_mechanism,\n"
"               decision, epoch, offset_ns, delay_ns, rx_rate, tx_rate,\n"
"               rx, tx, rx_err, rx_unexpected, announce_timeouts,\n"
"               fmt_evictions, bus_dropped, bus_refused, dropped,\n"
"               dropped_by {REASON: N}, age_ms, stale}]; REASON is\n"
"               rate_limit (rx_budget_pps, rx_budget_pps_per_source),\n"
"               cpu_budget (rx_cpu_budget), auth (failed\n"
"               authentication), not_acceptable (Announce of a sender\n"
"               not in acceptable_masters), master_lock (Announce\n"
"               refused by master_lock), mgmt_limited (management\n"
"               request unanswered: answer budget spent) or\n"
"               delay_rejected (path delay rejected: negative or\n"
"               above 1 s); every reason is present, dropped is\n"
"               their sum\n"
"    processes  [{name, pid, state, alive, restarts, uptime_ms, age_ms,\n"
"               heartbeat, supervised}]\n"
"  Identities are \"001122.fffe.334455\" (ports: \"...-N\"); offsets and\n"
"  delays are integer ns; rates messages per second. A value not heard\n"
"  yet is null (offset_ns and delay_ns are null while the port does not\n"
"  measure a master).\n"
"\n"
"EXIT STATUS\n"
"  0  done (q, a signal, --once printed its snapshot, --timeout elapsed)\n"
"  1  nothing heard on the bus within the timeout (the appliance is not\n"
"     running, or DIR is not its run directory), or a setup error\n"
"  2  usage error\n"
"\n"
"EXAMPLES\n"
"  ptp-top                                  the live view\n"
"  ptp-top --once                           one table, e.g. in a bug report\n"
"  ptp-top --once --json | python3 -m json.tool\n"
"  ptp-top --once --json | jq -r '.ports[] | \"\\(.iface) \\(.state)\"'\n"
"  ptp-top --json --interval 10 >>top.log   a record every 10 s\n"
"  ptp-top --rundir /tmp/lab/run            another appliance's bus\n",
		TOP_RCVHWM);
}

static int parse_secs(const char *opt, const char *arg, double min,
		      double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < min ||
	    v > 86400.0 * 365) {
		fprintf(stderr, "ptp-top: %s %s: want a number of seconds "
			">= %g\n", opt, arg, min);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct top_opts *o)
{
	static const struct option lopts[] = {
		{ "rundir", required_argument, NULL, OPT_RUNDIR },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "hV", lopts, NULL)) != -1) {
		switch (c) {
		case OPT_RUNDIR:
			if (optarg[0] != '/') {
				fprintf(stderr, "ptp-top: --rundir %s: want "
					"an absolute path\n", optarg);
				return -EINVAL;
			}
			o->rundir = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ONCE:
			o->once = true;
			break;
		case OPT_TIMEOUT:
			if (parse_secs("--timeout", optarg, 0.1,
				       &o->timeout) < 0) {
				return -EINVAL;
			}
			break;
		case OPT_INTERVAL:
			if (parse_secs("--interval", optarg, 0.1,
				       &o->interval) < 0) {
				return -EINVAL;
			}
			break;
		case 'V':
			printf("ptp-top %s\n", MERIDIAN_VERSION);
			exit(EXIT_OK);
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			fprintf(stderr, "Try 'ptp-top --help'.\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ptp-top: unexpected argument '%s'\n"
			"Try 'ptp-top --help'.\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * SIGINT, SIGTERM, SIGHUP and SIGWINCH go to a signalfd, blocked before
 * ZeroMQ starts its threads (so none of them takes one); SIGPIPE is
 * ignored (stdout may be a pipe that closes).
 */
static int signals_setup(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		return -errno;
	}
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Read every message waiting (at most TOP_DRAIN_MAX). */
static void drain(void *sub, struct top_state *st, struct ipc_rx *rx)
{
	int i, rc;

	for (i = 0; i < TOP_DRAIN_MAX; i++) {
		rc = ipc_recv(sub, false, rx);
		if (rc == 0) {
			return;
		}
		if (rc == 1) {
			top_feed(st, rx->topic, rx->msg, rx->len,
				 daemon_mono_ns());
		} else if (rc == -EPROTO) {
			st->messages++;
			top_count_bad(st, TOP_BAD_FRAMES);
		} else if (rc != -EINTR) {
			return;
		}
	}
}

struct top_run {
	struct top_opts o;
	char ep[IPC_ENDPOINT_MAX];
	void *sub;
	int sfd;
	bool curses;
	struct top_state st;
	struct ipc_rx rx;
	struct top_buf out;
};

static int emit(struct top_run *r, FILE *f)
{
	int64_t now = daemon_mono_ns();

	top_buf_reset(&r->out);
	if (r->o.json) {
		top_json(&r->st, now, wall_s(), &r->out);
		top_buf_printf(&r->out, "\n");
	} else {
		top_text(&r->st, now, r->ep, &r->out);
	}
	if (r->out.oom) {
		fprintf(stderr, "ptp-top: out of memory\n");
		return -ENOMEM;
	}
	fputs(r->out.s, f);
	fflush(f);
	return 0;
}

static void draw(struct top_run *r)
{
	char foot[160];

	top_buf_reset(&r->out);
	top_text(&r->st, daemon_mono_ns(), r->ep, &r->out);
	snprintf(foot, sizeof(foot), " q quit   ^L redraw   every %.1f s   "
		 "alive = heard within 3 s ", r->o.interval);
	view_draw(r->out.oom ? "out of memory\n" : r->out.s, foot);
}

static void nothing_heard(const struct top_run *r, double secs)
{
	fprintf(stderr, "ptp-top: nothing heard on %s within %.1f s: is the "
		"appliance (meridian) running with run directory %s?\n",
		r->ep, secs, r->o.rundir);
}

/* The loop of every mode; returns the exit status. */
static int run(struct top_run *r)
{
	int64_t start = daemon_mono_ns(), next, end = -1, now, wait_ns;
	zmq_pollitem_t it[3];
	struct signalfd_siginfo si;
	int n_it = 2, rc, k;

	if (!r->o.once && r->o.timeout > 0) {
		end = start + (int64_t)(r->o.timeout * 1e9);
	}
	next = start;
	for (;;) {
		now = daemon_mono_ns();
		if (r->o.once) {
			if (top_heard(&r->st) &&
			    now >= r->st.first_ns + TOP_ROUND_NS) {
				return emit(r, stdout) ? EXIT_FAIL : EXIT_OK;
			}
			if (!top_heard(&r->st) && now >= start +
			    (int64_t)(r->o.timeout * 1e9)) {
				nothing_heard(r, r->o.timeout);
				return EXIT_FAIL;
			}
		} else if (now >= next) {
			if (r->curses) {
				draw(r);
			} else if (emit(r, stdout) < 0) {
				return EXIT_FAIL;
			}
			next += (int64_t)(r->o.interval * 1e9);
			if (next <= now) {
				next = now + (int64_t)(r->o.interval * 1e9);
			}
		}
		if (end >= 0 && now >= end) {
			if (!top_heard(&r->st)) {
				nothing_heard(r, r->o.timeout);
				return EXIT_FAIL;
			}
			return EXIT_OK;
		}
		wait_ns = r->o.once ? 50000000LL : next - now;
		if (end >= 0 && end - now < wait_ns) {
			wait_ns = end - now;
		}
		it[0] = (zmq_pollitem_t){ .socket = r->sub,
					  .events = ZMQ_POLLIN };
		it[1] = (zmq_pollitem_t){ .fd = r->sfd,
					  .events = ZMQ_POLLIN };
		if (r->curses) {
			it[2] = (zmq_pollitem_t){ .fd = STDIN_FILENO,
						  .events = ZMQ_POLLIN };
			n_it = 3;
		}
		rc = zmq_poll(it, n_it, wait_ns > 0 ? wait_ns / 1000000 + 1
			      : 0);
		if (rc < 0 && errno != EINTR) {
			fprintf(stderr, "ptp-top: poll: %s\n",
				zmq_strerror(errno));
			return EXIT_FAIL;
		}
		if (rc <= 0) {
			continue;
		}
		if (it[0].revents & ZMQ_POLLIN) {
			drain(r->sub, &r->st, &r->rx);
		}
		while (read(r->sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGWINCH) {
				if (r->curses) {
					view_resize();
					draw(r);
				}
				continue;
			}
			return r->o.once ? EXIT_FAIL : EXIT_OK;
		}
		if (r->curses && (it[2].revents & ZMQ_POLLIN)) {
			k = view_keys();
			if (k == 1) {
				return EXIT_OK;
			}
			if (k == 2) {
				draw(r);
			}
		}
	}
}

/*
 * The SUB would retry a socket it may not open, silently, for ever: say
 * so at once. The run directory is 0750 and the sockets 0660, both the
 * operator group's (ipc.group): its members need no root.
 */
static int check_access(const struct top_run *r)
{
	const char *path = r->ep + strlen("ipc://");
	struct group *g = NULL;
	struct stat st;

	if (access(path, R_OK | W_OK) == 0 || errno != EACCES) {
		return 0;	/* allowed, or not there yet (reconnects) */
	}
	if (stat(r->o.rundir, &st) == 0) {
		g = getgrgid(st.st_gid);
	}
	if (g && st.st_gid != 0) {
		fprintf(stderr, "ptp-top: %s: %s: run it as root or as a "
			"member of the group %s (the run directory's)\n",
			path, strerror(EACCES), g->gr_name);
	} else {
		fprintf(stderr, "ptp-top: %s: %s: run it as root, or set "
			"ipc.group (an operator group) in the appliance's "
			"configuration\n", path, strerror(EACCES));
	}
	return -EACCES;
}

int main(int argc, char **argv)
{
	struct privs_caps none_caps = { 0 };
	struct privs_ids none_ids = { 0 };
	struct ipc_sock_opts so = { .rcvhwm = TOP_RCVHWM };
	struct top_run *r;
	void *ctx;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "ptp-top: out of memory\n");
		return EXIT_FAIL;
	}
	r->o = (struct top_opts){ .rundir = DEFAULT_RUNDIR, .timeout = -1,
				  .interval = 1.0 };
	if (parse_args(argc, argv, &r->o) < 0) {
		free(r);
		return EXIT_USAGE;
	}
	if (r->o.once && r->o.timeout < 0) {
		r->o.timeout = 5.0;
	}
	r->curses = !r->o.json && !r->o.once;
	if (r->curses && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "ptp-top: the live view needs a terminal; "
			"use --once or --json\n");
		free(r);
		return EXIT_USAGE;
	}
	if (ipc_endpoint(r->o.rundir, IPC_SVC_SUB, r->ep, sizeof(r->ep)) < 0) {
		fprintf(stderr, "ptp-top: --rundir %s: too long for a UNIX "
			"socket path\n", r->o.rundir);
		free(r);
		return EXIT_USAGE;
	}
	/* ptp-top needs no capability: none kept, even as root */
	if (privs_drop("ptp-top", &none_ids, &none_caps) < 0 ||
	    check_access(r) < 0) {
		free(r);
		return EXIT_FAIL;
	}
	r->sfd = signals_setup();
	if (r->sfd < 0) {
		fprintf(stderr, "ptp-top: signals: %s\n", strerror(-r->sfd));
		free(r);
		return EXIT_FAIL;
	}
	top_state_init(&r->st);
	ctx = zmq_ctx_new();
	r->sub = ctx ? ipc_socket(ctx, ZMQ_SUB, r->ep, false, &so) : NULL;
	if (!r->sub || zmq_setsockopt(r->sub, ZMQ_SUBSCRIBE, "", 0) < 0) {
		fprintf(stderr, "ptp-top: %s: %s\n", r->ep,
			zmq_strerror(errno));
		rc = EXIT_FAIL;
		goto out;
	}
	if (r->curses && view_start() < 0) {
		fprintf(stderr, "ptp-top: cannot start the terminal view\n");
		rc = EXIT_FAIL;
		goto out;
	}
	rc = run(r);
	if (r->curses) {
		view_stop();
	}
out:
	ipc_close(r->sub);
	if (ctx) {
		zmq_ctx_term(ctx);
	}
	close(r->sfd);
	top_buf_fini(&r->out);
	free(r);
	return rc;
}
