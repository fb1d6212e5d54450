// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exporter.c - meridian-exporter: the appliance's bus as Prometheus
 * metrics over HTTP. A SUB on the supervisor's XPUB (RUNDIR/sub.sock), the
 * tables of ptp-top (tools/top_state.c, linked in), rendered by
 * prom_fmt.c on each GET /metrics, served by libmicrohttpd.
 *
 * One thread: libmicrohttpd runs without a thread of its own (MHD_USE_EPOLL,
 * its epoll descriptor polled next to the SUB and the signalfd, MHD_run()
 * after each wake-up), so a scrape reads the tables with no lock and no
 * copy. Like ptp-top it never slows the appliance (a bounded receive queue;
 * PUB/XPUB drop for this subscriber alone what does not fit) and may start
 * before it (the SUB connects by itself).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "version.h"

#include "daemon.h"
#include "ipc.h"
#include "privs.h"
#include "prom_fmt.h"

#define PROG		"meridian-exporter"
#define DEFAULT_RUNDIR	"/run/meridian"
#define DEFAULT_LISTEN	"127.0.0.1:9713"
/* messages queued for us, at most */
#define EXP_RCVHWM	1000
/* --once: listen this long after the first message */
#define EXP_ROUND_NS	2000000000LL
/* messages read between two HTTP turns */
#define EXP_DRAIN_MAX	4096
/* concurrent HTTP connections, and how long an idle one is kept */
#define EXP_CONN_MAX	16
#define EXP_CONN_TIMEOUT_S	10

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

enum {
	OPT_RUNDIR = 0x100,
	OPT_LISTEN,
	OPT_ONCE,
	OPT_TIMEOUT,
};

struct exp_opts {
	const char *rundir;
	const char *listen;
	bool once;
	double timeout;			/* --once: wait for the first message */
};

static void usage(FILE *out)
{
	fprintf(out,
"NAME\n"
"  meridian-exporter - Prometheus metrics of a Meridian boundary clock\n"
"\n"
"SYNOPSIS\n"
"  meridian-exporter [--listen ADDR:PORT] [--rundir DIR]\n"
"  meridian-exporter --once [--rundir DIR] [--timeout S]\n"
"  meridian-exporter --help | --version\n"
"\n"
"DESCRIPTION\n"
"  meridian-exporter subscribes to the appliance's bus (a ZeroMQ SUB\n"
"  connected to DIR/sub.sock, the meridian supervisor's XPUB), keeps the\n"
"  same tables as ptp-top(1) (each port's status from portd, bmcad's\n"
"  decisions, clockd's servo, every process's heartbeat and the\n"
"  supervisor's restart counts) and serves them as Prometheus metrics,\n"
"  in the text exposition format 0.0.4, on GET /metrics. It listens on\n"
"  the loopback interface unless told otherwise: the metrics name the\n"
"  network's clocks and ports, and the server has no authentication.\n"
"\n"
"  A scrape renders the newest values heard; the exporter itself polls\n"
"  nothing. It may start before the appliance (the subscription connects\n"
"  by itself, and again after a restart; until a message arrives,\n"
"  meridian_bus_heard is 0 and only the bus metrics have samples) and\n"
"  never slows it: at most %d messages queue for it, and what does not\n"
"  fit is dropped for the exporter alone. It needs no privilege and\n"
"  keeps no capability, even when started as root; it needs read and\n"
"  write access to DIR/sub.sock (root, or the group of ipc.group).\n"
"\n"
"  Paths: /metrics the metrics; / a short page pointing there; anything\n"
"  else 404. Methods other than GET and HEAD: 405.\n"
"\n"
"OPTIONS\n"
"  --listen ADDR:PORT   the address to serve on: an IPv4 address, or an\n"
"                       IPv6 one in brackets ([::1]:9713); numeric only\n"
"                       (default " DEFAULT_LISTEN ")\n"
"  --rundir DIR         the appliance's run directory (absolute; default\n"
"                       " DEFAULT_RUNDIR ")\n"
"  --once               serve nothing: listen until a full round is heard\n"
"                       (2 s after the first message), print the metrics\n"
"                       once on standard output and exit, for tests and\n"
"                       scripts (e.g. node_exporter's textfile collector)\n"
"  --timeout S          with --once: how long to wait for the first\n"
"                       message (default 5)\n"
"  -h, --help           print this text and exit\n"
"  -V, --version        print the version and exit\n"
"\n"
"METRICS\n"
"  Names and units follow the Prometheus conventions: seconds, ratios,\n"
"  counters ending in _total. Port metrics have the labels port (the\n"
"  portNumber) and interface; process metrics the label process\n"
"  (\"portd/eth1\", \"bmcad\", ...). An enumeration is a state set: one\n"
"  sample per possible state, labelled state, 1 for the current state and\n"
"  0 for the others. Identities are labels of _info gauges (value 1), in\n"
"  ptp-top's form (\"001122.fffe.334455\", ports \"...-N\"). The\n"
"  frequency is a ratio (1e-9 is 1 ppb; the bus carries ppb), as\n"
"  node_exporter's node_timex_frequency_adjustment_ratio. A value not\n"
"  known yet is absent, never NaN or 0. Name{labels}, type, values:\n"
"    meridian_bus_heard gauge 0/1\n"
"    meridian_bus_messages_total counter\n"
"    meridian_bus_garbage_total{reason} counter\n"
"    meridian_bus_last_message_age_seconds gauge\n"
"    meridian_clock_info{clock_identity} gauge 1\n"
"    meridian_clock_grandmaster_info{grandmaster_identity,\n"
"        parent_port_identity} gauge 1\n"
"    meridian_clock_steps_removed gauge\n"
"    meridian_clock_grandmaster_priority1 gauge\n"
"    meridian_clock_grandmaster_clock_class gauge\n"
"    meridian_clock_class gauge announced\n"
"    meridian_clock_servo_state{state} gauge state set:\n"
"        FREE_RUNNING UNLOCKED JUMP LOCKED LOCKED_STABLE HOLDOVER FAULT\n"
"    meridian_clock_frequency_adjustment_ratio gauge\n"
"    meridian_clock_offset_seconds gauge\n"
"    meridian_clock_time_steps_total counter\n"
"    meridian_clock_holdover gauge 0/1\n"
"    meridian_clock_holdover_seconds gauge\n"
"    meridian_clock_servo_last_report_age_seconds gauge\n"
"    meridian_phc_frequency_adjustment_ratio{interface,clock} gauge\n"
"    meridian_phc_offset_seconds{interface,clock} gauge\n"
"    meridian_phc_locked{interface,clock} gauge 0/1\n"
"    meridian_phc_reference{interface,clock} gauge 0/1\n"
"    meridian_port_info{port,interface,port_identity,\n"
"        delay_mechanism} gauge 1\n"
"    meridian_port_state{port,interface,state} gauge state set:\n"
"        INITIALIZING FAULTY DISABLED LISTENING PRE_MASTER MASTER\n"
"        PASSIVE UNCALIBRATED SLAVE\n"
"    meridian_port_parent_info{port,interface,parent_port_identity}\n"
"        gauge 1\n"
"    meridian_port_offset_seconds{port,interface} gauge\n"
"    meridian_port_mean_path_delay_seconds{port,interface} gauge\n"
"    meridian_port_messages_received_total counter\n"
"    meridian_port_messages_sent_total counter\n"
"    meridian_port_receive_errors_total counter\n"
"    meridian_port_unexpected_messages_total counter\n"
"    meridian_port_announce_receipt_timeouts_total counter\n"
"    meridian_port_foreign_master_evictions_total counter\n"
"    meridian_port_bus_dropped_total counter\n"
"    meridian_port_bus_refused_total counter\n"
"    meridian_port_dropped_total{port,interface,reason} counter, what\n"
"        the port dropped on purpose (hostile or broken network), every\n"
"        reason present: rate_limit (rx_budget_pps,\n"
"        rx_budget_pps_per_source), cpu_budget (rx_cpu_budget), auth\n"
"        (failed authentication), not_acceptable (Announce of a sender\n"
"        not in acceptable_masters), master_lock (Announce refused by\n"
"        master_lock), mgmt_limited (management request unanswered:\n"
"        answer budget spent), delay_rejected (path delay rejected)\n"
"    meridian_port_last_report_age_seconds gauge\n"
"    meridian_process_up{process} gauge 0/1\n"
"    meridian_process_restarts_total{process} counter\n"
"    meridian_process_uptime_seconds{process} gauge\n"
"    meridian_process_state{process,state} gauge state set:\n"
"        STARTING RUNNING STOPPING BACKOFF FAILED\n"
"\n"
"  meridian_process_restarts_total is the supervisor's count: it starts\n"
"  again at 0 when the supervisor does (a counter reset, which rate()\n"
"  handles).\n"
"\n"
"EXIT STATUS\n"
"  0  stopped by SIGINT or SIGTERM; --once printed the metrics\n"
"  1  --once heard nothing within the timeout, or a setup error (the\n"
"     address is in use, the run directory is not accessible)\n"
"  2  usage error\n"
"\n"
"EXAMPLES\n"
"  meridian-exporter                          serve 127.0.0.1:9713\n"
"  curl -s http://127.0.0.1:9713/metrics | grep meridian_port_state\n"
"  meridian-exporter --listen [::1]:9713 --rundir /tmp/lab/run\n"
"  meridian-exporter --once | promtool check metrics\n"
"  # prometheus.yml\n"
"  scrape_configs:\n"
"    - job_name: meridian\n"
"      static_configs: [{ targets: [\"127.0.0.1:9713\"] }]\n",
		EXP_RCVHWM);
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
		fprintf(stderr, PROG ": %s %s: want a number of seconds "
			">= %g\n", opt, arg, min);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* "A.B.C.D:PORT" or "[V6]:PORT", numeric, into sa; 0 or -EINVAL. */
static int parse_listen(const char *arg, struct sockaddr_storage *sa)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *h = arg;
	unsigned long port;
	size_t hlen;
	char *end;

	colon = strrchr(arg, ':');
	if (!colon || colon == arg) {
		return -EINVAL;
	}
	hlen = (size_t)(colon - arg);
	if (arg[0] == '[') {
		if (colon[-1] != ']' || hlen < 3) {
			return -EINVAL;
		}
		h = arg + 1;
		hlen -= 2;
	}
	if (hlen >= sizeof(host)) {
		return -EINVAL;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port < 1 || port > 65535) {
		return -EINVAL;
	}
	memset(sa, 0, sizeof(*sa));
	if (arg[0] == '[') {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host, &s6->sin6_addr) == 1 ?
			0 : -EINVAL;
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -EINVAL;
}

static int parse_args(int argc, char **argv, struct exp_opts *o)
{
	struct sockaddr_storage sa;
	static const struct option lopts[] = {
		{ "rundir", required_argument, NULL, OPT_RUNDIR },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "hV", lopts, NULL)) != -1) {
		switch (c) {
		case OPT_RUNDIR:
			if (optarg[0] != '/') {
				fprintf(stderr, PROG ": --rundir %s: want an "
					"absolute path\n", optarg);
				return -EINVAL;
			}
			o->rundir = optarg;
			break;
		case OPT_LISTEN:
			if (parse_listen(optarg, &sa) < 0) {
				fprintf(stderr, PROG ": --listen %s: want "
					"ADDR:PORT, ADDR a numeric IPv4 "
					"address or an IPv6 one in brackets\n",
					optarg);
				return -EINVAL;
			}
			o->listen = optarg;
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
		case 'V':
			printf(PROG " %s\n", MERIDIAN_VERSION);
			exit(EXIT_OK);
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			fprintf(stderr, "Try '" PROG " --help'.\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n"
			"Try '" PROG " --help'.\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

struct exp_run {
	struct exp_opts o;
	char ep[IPC_ENDPOINT_MAX];
	void *sub;
	int sfd;
	struct MHD_Daemon *httpd;
	struct top_state st;
	struct ipc_rx rx;
	struct top_buf out;
	uint64_t scrapes;
};

/* Read every message waiting (at most EXP_DRAIN_MAX). */
static void drain(struct exp_run *r)
{
	int i, rc;

	for (i = 0; i < EXP_DRAIN_MAX; i++) {
		rc = ipc_recv(r->sub, false, &r->rx);
		if (rc == 0) {
			return;
		}
		if (rc == 1) {
			top_feed(&r->st, r->rx.topic, r->rx.msg, r->rx.len,
				 daemon_mono_ns());
		} else if (rc == -EPROTO) {
			r->st.messages++;
			top_count_bad(&r->st, TOP_BAD_FRAMES);
		} else if (rc != -EINTR) {
			return;
		}
	}
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status,
			     const char *type, const char *body, size_t len)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, (void *)body,
					       MHD_RESPMEM_MUST_COPY);
	if (!resp) {
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
					"GET, HEAD");
	}
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_len, void **req_cls)
{
	static const char index_page[] =
		"meridian-exporter: Prometheus metrics of a Meridian "
		"boundary clock at /metrics\n";
	static const char not_found[] = "not found: try /metrics\n";
	static const char not_allowed[] = "only GET and HEAD\n";
	struct exp_run *r = cls;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)req_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     not_allowed, sizeof(not_allowed) - 1);
	}
	if (!strcmp(url, "/")) {
		return reply(conn, MHD_HTTP_OK, "text/plain", index_page,
			     sizeof(index_page) - 1);
	}
	if (strcmp(url, "/metrics")) {
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain",
			     not_found, sizeof(not_found) - 1);
	}
	r->scrapes++;
	top_buf_reset(&r->out);
	prom_expose(&r->st, daemon_mono_ns(), &r->out);
	if (r->out.oom) {
		r->out.oom = false;
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
			     "text/plain", "out of memory\n", 14);
	}
	return reply(conn, MHD_HTTP_OK, PROM_CONTENT_TYPE, r->out.s,
		     r->out.len);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '.')) {
		line[--n] = '\0';
	}
	fprintf(stderr, PROG ": http: %s\n", line);
}

/* Bind and listen, as root if started so (a port below 1024). */
static int http_start(struct exp_run *r)
{
	struct sockaddr_storage sa;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (parse_listen(r->o.listen, &sa) < 0) {
		return -EINVAL;		/* checked by parse_args() */
	}
	if (sa.ss_family == AF_INET6) {
		flags |= MHD_USE_IPv6;
	}
	r->httpd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, r,
			MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			MHD_OPTION_CONNECTION_LIMIT, (unsigned)EXP_CONN_MAX,
			MHD_OPTION_CONNECTION_TIMEOUT,
			(unsigned)EXP_CONN_TIMEOUT_S,
			MHD_OPTION_END);
	if (!r->httpd) {
		fprintf(stderr, PROG ": cannot serve on %s (in use, or not "
			"an address of this host?)\n", r->o.listen);
		return -EADDRNOTAVAIL;
	}
	fprintf(stderr, PROG ": serving http://%s/metrics, bus %s\n",
		r->o.listen, r->ep);
	return 0;
}

static void nothing_heard(const struct exp_run *r)
{
	fprintf(stderr, PROG ": nothing heard on %s within %.1f s: is the "
		"appliance (meridian) running with run directory %s?\n",
		r->ep, r->o.timeout, r->o.rundir);
}

/* --once: the first message, a round, the metrics on stdout. */
static int run_once(struct exp_run *r)
{
	int64_t start = daemon_mono_ns(), now;
	struct signalfd_siginfo si;
	zmq_pollitem_t it[2];

	for (;;) {
		now = daemon_mono_ns();
		if (top_heard(&r->st) && now >= r->st.first_ns +
		    EXP_ROUND_NS) {
			top_buf_reset(&r->out);
			prom_expose(&r->st, now, &r->out);
			if (r->out.oom) {
				fprintf(stderr, PROG ": out of memory\n");
				return EXIT_FAIL;
			}
			fputs(r->out.s, stdout);
			return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
		}
		if (!top_heard(&r->st) &&
		    now >= start + (int64_t)(r->o.timeout * 1e9)) {
			nothing_heard(r);
			return EXIT_FAIL;
		}
		it[0] = (zmq_pollitem_t){ .socket = r->sub,
					  .events = ZMQ_POLLIN };
		it[1] = (zmq_pollitem_t){ .fd = r->sfd,
					  .events = ZMQ_POLLIN };
		if (zmq_poll(it, 2, 50) < 0 && errno != EINTR) {
			fprintf(stderr, PROG ": poll: %s\n",
				zmq_strerror(errno));
			return EXIT_FAIL;
		}
		if (it[0].revents & ZMQ_POLLIN) {
			drain(r);
		}
		if (read(r->sfd, &si, sizeof(si)) == sizeof(si)) {
			return EXIT_FAIL;
		}
	}
}

/* Serve until SIGINT, SIGTERM or SIGHUP. */
static int run_serve(struct exp_run *r)
{
	const union MHD_DaemonInfo *info;
	struct signalfd_siginfo si;
	MHD_UNSIGNED_LONG_LONG to;
	zmq_pollitem_t it[3];
	long wait_ms;

	info = MHD_get_daemon_info(r->httpd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info) {
		fprintf(stderr, PROG ": http: no epoll descriptor\n");
		return EXIT_FAIL;
	}
	for (;;) {
		wait_ms = 1000;
		if (MHD_get_timeout(r->httpd, &to) == MHD_YES &&
		    to < (MHD_UNSIGNED_LONG_LONG)wait_ms) {
			wait_ms = (long)to;
		}
		it[0] = (zmq_pollitem_t){ .socket = r->sub,
					  .events = ZMQ_POLLIN };
		it[1] = (zmq_pollitem_t){ .fd = r->sfd,
					  .events = ZMQ_POLLIN };
		it[2] = (zmq_pollitem_t){ .fd = info->epoll_fd,
					  .events = ZMQ_POLLIN };
		if (zmq_poll(it, 3, wait_ms) < 0 && errno != EINTR) {
			fprintf(stderr, PROG ": poll: %s\n",
				zmq_strerror(errno));
			return EXIT_FAIL;
		}
		if (it[0].revents & ZMQ_POLLIN) {
			drain(r);
		}
		if (read(r->sfd, &si, sizeof(si)) == sizeof(si)) {
			fprintf(stderr, PROG ": signal %u: stopping after %llu "
				"scrapes\n", si.ssi_signo,
				(unsigned long long)r->scrapes);
			return EXIT_OK;
		}
		/* the listening socket, connections and their timeouts */
		MHD_run(r->httpd);
	}
}

/*
 * The SUB would retry a socket it may not open, silently, for ever: say
 * so at once (the run directory is 0750 and the sockets 0660, both the
 * operator group's, ipc.group).
 */
static int check_access(const struct exp_run *r)
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
	fprintf(stderr, PROG ": %s: %s: run it as root or as a member of "
		"the group %s\n", path, strerror(EACCES),
		g && st.st_gid != 0 ? g->gr_name :
		"of ipc.group (set one in the appliance's configuration)");
	return -EACCES;
}

int main(int argc, char **argv)
{
	struct privs_caps none_caps = { 0 };
	struct privs_ids none_ids = { 0 };
	struct ipc_sock_opts so = { .rcvhwm = EXP_RCVHWM };
	struct exp_run *r;
	void *ctx = NULL;
	int rc = EXIT_FAIL;

	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_FAIL;
	}
	r->sfd = -1;
	r->o = (struct exp_opts){ .rundir = DEFAULT_RUNDIR,
				  .listen = DEFAULT_LISTEN, .timeout = 5.0 };
	if (parse_args(argc, argv, &r->o) < 0) {
		free(r);
		return EXIT_USAGE;
	}
	if (ipc_endpoint(r->o.rundir, IPC_SVC_SUB, r->ep, sizeof(r->ep)) < 0) {
		fprintf(stderr, PROG ": --rundir %s: too long for a UNIX "
			"socket path\n", r->o.rundir);
		free(r);
		return EXIT_USAGE;
	}
	/* SIGINT, SIGTERM, SIGHUP to a signalfd before ZeroMQ's threads;
	 * SIGPIPE ignored (a scraper may hang up) */
	r->sfd = daemon_signalfd();
	if (r->sfd < 0) {
		fprintf(stderr, PROG ": signals: %s\n", strerror(-r->sfd));
		goto out;
	}
	/* bind first (a port below 1024 needs root), then keep nothing */
	if (!r->o.once && http_start(r) < 0) {
		goto out;
	}
	if (privs_drop(PROG, &none_ids, &none_caps) < 0 ||
	    check_access(r) < 0) {
		goto out;
	}
	top_state_init(&r->st);
	ctx = zmq_ctx_new();
	r->sub = ctx ? ipc_socket(ctx, ZMQ_SUB, r->ep, false, &so) : NULL;
	if (!r->sub || zmq_setsockopt(r->sub, ZMQ_SUBSCRIBE, "", 0) < 0) {
		fprintf(stderr, PROG ": %s: %s\n", r->ep,
			zmq_strerror(errno));
		goto out;
	}
	rc = r->o.once ? run_once(r) : run_serve(r);
out:
	if (r->httpd) {
		MHD_stop_daemon(r->httpd);
	}
	ipc_close(r->sub);
	if (ctx) {
		zmq_ctx_term(ctx);
	}
	if (r->sfd >= 0) {
		close(r->sfd);
	}
	top_buf_fini(&r->out);
	free(r);
	return rc;
}
