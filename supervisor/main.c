// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - the meridian supervisor's command line: --check-config, or
 * the configuration, logging, then sup_setup() and sup_run().
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "import_ptp4l.h"
#include "log.h"
#include "supervisor.h"

#define DEFAULT_CONFIG "/etc/meridian/meridian.conf"

enum {
	EXIT_OK = 0,
	EXIT_INVALID = 1,
	EXIT_USAGE = 2,
};

enum {
	OPT_RUNDIR = 0x100,
	OPT_SYSLOG,
	OPT_BINDIR,
	OPT_MAX_RESTARTS,
};

static void usage(FILE *out)
{
	fprintf(out,
"NAME\n"
"  meridian - the supervisor of a Meridian boundary clock\n"
"\n"
"SYNOPSIS\n"
"  meridian [-f FILE] [--rundir DIR] [-l LEVEL] [--syslog] [--bindir DIR]\n"
"           [--max-restarts N]\n"
"  meridian --check-config FILE [--print-config]\n"
"  meridian import-ptp4l PTP4L.CONF [-i IFACE]... [-o OUT]\n"
"  meridian --help | --version\n"
"\n"
"DESCRIPTION\n"
"  Meridian is an IEEE 1588-2019 (PTP v2.1) boundary clock for Linux boxes\n"
"  with several NICs. The meridian supervisor runs the appliance: it\n"
"  checks the whole configuration first (a bad one starts nothing), then\n"
"  starts bmcad (the best master clock algorithm), clockd (the clocks'\n"
"  servo) and one portd per configured port, in that order, each with\n"
"  -f FILE --rundir DIR (and -l LEVEL if given). It owns their bus: it\n"
"  binds DIR/pub.sock (XSUB: every daemon publishes there) and\n"
"  DIR/sub.sock (XPUB: ptp-top, exporters and daemons subscribe there) and\n"
"  forwards between them; a subscriber that stops reading loses its own\n"
"  messages beyond 1000 and costs nobody else anything.\n"
"\n"
"  Each child's stdout and stderr come back through a pipe and are\n"
"  written on meridian's stderr (or syslog), line by line, prefixed with\n"
"  the child's name (\"bmcad: \", \"portd[eth1]: \"); lines longer than\n"
"  1024 characters are cut. A child that exits is logged (its status or\n"
"  signal) and started again after a back-off of 0.5 s, doubling up to\n"
"  30 s, back to 0.5 s once it ran for 60 s; any exit status counts the\n"
"  same (2, a usage error, too: the back-off keeps it from looping).\n"
"  After N restarts within 10 minutes (--max-restarts) meridian gives up\n"
"  on that child, says so loudly and keeps the others running. A child\n"
"  that heartbeats on the bus and then stays silent for 10 s is hung: it\n"
"  is killed and restarted. Children die with meridian, even when it is\n"
"  killed with SIGKILL (PR_SET_PDEATHSIG).\n"
"\n"
"  Once a second meridian publishes hb/meridian/ and, for every child,\n"
"  proc/<name>/ (name bmcad, clockd, portd/<iface>): a health message with\n"
"  its pid (0 when not running), state (RUNNING; STARTING while waiting\n"
"  to restart; STOPPING when stopped or given up) and restart count.\n"
"\n"
"OPTIONS\n"
"  -f, --config FILE        the configuration file\n"
"                           (default " DEFAULT_CONFIG ")\n"
"      --rundir DIR         run directory (absolute), created with mode\n"
"                           0750; default: FILE's ipc.rundir\n"
"  -l, --log-level LEVEL    emerg .. debug (or 0..7), for meridian and\n"
"                           every child; default: FILE's logging.level\n"
"      --syslog             log to syslog (the children's lines too)\n"
"      --bindir DIR         where bmcad, clockd and portd are; default:\n"
"                           the directory of the meridian binary\n"
"      --max-restarts N     give up on a child after N restarts within\n"
"                           10 minutes (1..64, default 10)\n"
"  -c, --check-config FILE  check FILE and exit: every key is checked\n"
"                           against its type and range, unknown keys are\n"
"                           errors; prints one summary line per port\n"
"  -p, --print-config       with --check-config: print the effective\n"
"                           configuration (every key, defaults included)\n"
"                           in the same syntax, loadable as it is\n"
"  -h, --help               print this text and exit\n"
"  -V, --version            print the version and exit\n"
"\n"
"IMPORT-PTP4L\n"
"  meridian import-ptp4l turns a linuxptp configuration (ptp4l.conf(5):\n"
"  [global] and per-interface sections) into a meridian.conf, on OUT or\n"
"  stdout. -i IFACE adds a port, as ptp4l -i does (these first, then the\n"
"  file's [IFACE] sections). Every key is converted, or listed with the\n"
"  reason it is not (no meridian equivalent, unicast not supported,\n"
"  value not supported, out of meridian's range) on stderr and as\n"
"  comments at the top of the output. Exit status 0 when a file was\n"
"  written (keys unmapped or not), 1 on a read or parse error (FILE:LINE),\n"
"  2 on a usage error or when no interface is named.\n"
"\n"
"CONFIGURATION\n"
"  One libconfig file for the whole appliance, with the groups clock,\n"
"  ports (a list, one group per port), ipc and logging. conf/meridian.conf\n"
"  (installed as meridian.conf.example) documents every key, its default\n"
"  and range. Errors read FILE:LINE: key: what is wrong.\n"
"\n"
"SIGNALS\n"
"  SIGTERM, SIGINT  stop: SIGTERM to every child, SIGKILL to what is left\n"
"                   after 3 s, remove DIR/*.sock and the lock, exit 0; a\n"
"                   second signal kills the children at once\n"
"  SIGHUP           re-read FILE (an invalid FILE changes nothing). The\n"
"                   log level applies at once (unless -l), and every\n"
"                   child gets SIGHUP to re-read its own. A port whose\n"
"                   settings changed has its portd restarted; a child\n"
"                   given up on is tried again. Changes to clock, ipc or\n"
"                   the list of ports are reported, not applied: they\n"
"                   need every daemon restarted (restart meridian)\n"
"\n"
"FILES\n"
"  DIR/meridian.lock  one supervisor per run directory (flock)\n"
"  DIR/pub.sock       XSUB, bound by meridian\n"
"  DIR/sub.sock       XPUB, bound by meridian\n"
"  DIR/bmca.sock      bmcad's ROUTER; DIR/clock.sock clockd's PULL\n"
"  DIR is ipc.user:ipc.group mode 0750, the sockets 0660: members of the\n"
"  operator group (ipc.group) run ptp-top without root\n"
"\n"
"EXIT STATUS\n"
"  0  stopped by SIGTERM or SIGINT; with --check-config: FILE is valid\n"
"  1  invalid configuration (every error FILE:LINE on stderr, nothing\n"
"     started), a missing daemon binary, the run directory or the lock\n"
"     taken by another supervisor\n"
"  2  usage error\n"
"  (Exit status of --check-config: 0 valid, 1 not, as above.)\n"
"\n"
"EXAMPLES\n"
"  meridian --check-config /etc/meridian/meridian.conf\n"
"  meridian -f /etc/meridian/meridian.conf\n"
"  meridian -f conf/lab-sim.conf --rundir /tmp/lab -l info\n"
"  meridian import-ptp4l /etc/linuxptp/ptp4l.conf -i eth1 -o m.conf\n"
"  kill -HUP $(cat /run/meridian/meridian.lock)   # reload\n");
}

static void print_errors(const char *path, const struct mconf_errors *e)
{
	unsigned i;

	for (i = 0; i < e->count; i++)
		fprintf(stderr, "%s\n", e->msg[i]);
	if (e->dropped) {
		fprintf(stderr, "%s: %u more errors not shown\n", path,
			e->dropped);
	}
	fprintf(stderr, "%s: %u error%s\n", path, e->count + e->dropped,
		e->count + e->dropped == 1 ? "" : "s");
}

/* One line per port; prefix "# " keeps --print-config output loadable. */
static void print_summary(const char *path, const struct mconf *cfg,
			  const char *prefix)
{
	const struct mconf_item *it_prof, *it_xp, *it_dm, *it_ts, *it_clk;
	char id[MCONF_CLOCK_ID_LEN + 16];
	int i;

	it_prof = mconf_schema_find(MCONF_SCOPE_CLOCK, "profile");
	it_xp = mconf_schema_find(MCONF_SCOPE_PORT, "transport");
	it_dm = mconf_schema_find(MCONF_SCOPE_PORT, "delay_mechanism");
	it_ts = mconf_schema_find(MCONF_SCOPE_PORT, "timestamping");
	it_clk = mconf_schema_find(MCONF_SCOPE_PORT, "clock");

	if (cfg->clock.identity_set) {
		snprintf(id, sizeof(id), "%s", cfg->clock.clock_identity);
	} else {
		snprintf(id, sizeof(id), "from %s's MAC",
			 cfg->ports[0].interface);
	}
	printf("%s%s: valid: domain %d, profile %s, priority1 %d, "
	       "clock identity %s%s, %d port%s\n", prefix, path,
	       cfg->clock.domain_number,
	       mconf_enum_str(it_prof, cfg->clock.profile),
	       cfg->clock.priority1, id,
	       cfg->clock.slave_only ? ", slave only" : "",
	       cfg->n_ports, cfg->n_ports == 1 ? "" : "s");
	for (i = 0; i < cfg->n_ports; i++) {
		const struct mconf_port *p = &cfg->ports[i];

		printf("%s  %-15s %s %s, %s timestamps, clock %s, "
		       "announce 2^%d s, sync 2^%d s%s\n", prefix,
		       p->interface, mconf_enum_str(it_xp, p->transport),
		       mconf_enum_str(it_dm, p->delay_mechanism),
		       mconf_enum_str(it_ts, p->timestamping),
		       mconf_enum_str(it_clk, p->clock),
		       p->log_announce_interval, p->log_sync_interval,
		       p->master_only ? ", master only" : "");
	}
}

static int check_config(const char *path, bool print)
{
	struct mconf_errors *errs;
	struct mconf *cfg;
	int rc;

	/* Both are a few tens of kilobytes: keep them off the stack. */
	cfg = calloc(1, sizeof(*cfg));
	errs = calloc(1, sizeof(*errs));
	if (!cfg || !errs) {
		fprintf(stderr, "meridian: %s\n", strerror(ENOMEM));
		free(cfg);
		free(errs);
		return EXIT_INVALID;
	}
	rc = mconf_load_file(cfg, path, errs);
	if (rc) {
		print_errors(path, errs);
		rc = EXIT_INVALID;
	} else {
		print_summary(path, cfg, print ? "# " : "");
		if (print) {
			printf("\n");
			mconf_print(cfg, stdout);
		}
		rc = EXIT_OK;
	}
	free(cfg);
	free(errs);
	return rc;
}

static int run(const struct sup_opts *o)
{
	struct sup *s;
	int rc;

	s = calloc(1, sizeof(*s));
	if (!s) {
		fprintf(stderr, "meridian: out of memory\n");
		return EXIT_INVALID;
	}
	s->opts = *o;
	if (daemon_load_config("meridian", o->config_path, &s->cfg) < 0) {
		fprintf(stderr, "meridian: %s: invalid, nothing started\n",
			o->config_path);
		free(s);
		return EXIT_INVALID;
	}
	log_init("meridian", o->syslog || s->cfg.logging.syslog ?
		 LOG_DEST_SYSLOG : LOG_DEST_STDERR,
		 o->log_level >= 0 ? o->log_level : s->cfg.logging.level);
	rc = sup_setup(s);
	if (rc == 0) {
		rc = sup_run(s);
	}
	sup_teardown(s);
	free(s);
	return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

/* meridian import-ptp4l FILE [-i IFACE]... [-o OUT] */
static int import_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifaces[MCONF_MAX_PORTS + 1], *out = NULL;
	unsigned n = 0;
	int c;

	while ((c = getopt_long(argc, argv, "i:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (n == MCONF_MAX_PORTS) {
				fprintf(stderr, "meridian: import-ptp4l: at "
					"most %d interfaces\n",
					MCONF_MAX_PORTS);
				return EXIT_USAGE;
			}
			ifaces[n++] = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try 'meridian --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "meridian: import-ptp4l: want one ptp4l.conf\n"
			"Try 'meridian --help'.\n");
		return EXIT_USAGE;
	}
	return import_ptp4l_main(argv[optind], out, ifaces, n);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "check-config", required_argument, NULL, 'c' },
		{ "print-config", no_argument, NULL, 'p' },
		{ "rundir", required_argument, NULL, OPT_RUNDIR },
		{ "log-level", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "bindir", required_argument, NULL, OPT_BINDIR },
		{ "max-restarts", required_argument, NULL, OPT_MAX_RESTARTS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct sup_opts o = {
		.config_path = DEFAULT_CONFIG,
		.log_level = -1,
		.max_restarts = SUP_MAX_RESTARTS,
	};
	const char *check = NULL;
	char why[128], *end;
	bool print = false;
	long v;
	int c;

	if (argc > 1 && !strcmp(argv[1], "import-ptp4l")) {
		return import_main(argc - 1, argv + 1);
	}
	while ((c = getopt_long(argc, argv, "f:c:pl:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.config_path = optarg;
			break;
		case 'c':
			check = optarg;
			break;
		case 'p':
			print = true;
			break;
		case OPT_RUNDIR:
			if (strlen(optarg) > MCONF_RUNDIR_MAX ||
			    mconf_check_rundir(optarg, why, sizeof(why)) < 0) {
				fprintf(stderr, "meridian: --rundir %s: %s\n",
					optarg, strlen(optarg) >
					MCONF_RUNDIR_MAX ? "too long" : why);
				return EXIT_USAGE;
			}
			o.rundir = optarg;
			break;
		case 'l':
			o.log_level = log_level_parse(optarg);
			if (o.log_level < 0) {
				fprintf(stderr, "meridian: --log-level %s: want "
					"emerg..debug or 0..7\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_SYSLOG:
			o.syslog = true;
			break;
		case OPT_BINDIR:
			o.bindir = optarg;
			break;
		case OPT_MAX_RESTARTS:
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 64) {
				fprintf(stderr, "meridian: --max-restarts %s: "
					"want 1..64\n", optarg);
				return EXIT_USAGE;
			}
			o.max_restarts = (int)v;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("meridian %s\n", MERIDIAN_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try 'meridian --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "meridian: unexpected argument '%s'\n"
			"Try 'meridian --help'.\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (print && !check) {
		fprintf(stderr, "meridian: --print-config needs --check-config "
			"FILE\n");
		return EXIT_USAGE;
	}
	if (check) {
		return check_config(check, print);
	}
	return run(&o);
}
