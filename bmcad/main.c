// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - bmcad's command line: options, configuration, logging, then
 * bmcad_setup() and bmcad_run().
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmcad.h"
#include "daemon.h"
#include "log.h"
#include "privs.h"

#define DEFAULT_CONFIG "/etc/meridian/meridian.conf"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

static void usage(FILE *out)
{
	fprintf(out,
"NAME\n"
"  bmcad - the best master clock algorithm of a Meridian boundary clock\n"
"\n"
"SYNOPSIS\n"
"  bmcad [-f FILE] [--rundir DIR] [--log-level LEVEL] [--syslog]\n"
"  bmcad --help | --version\n"
"\n"
"DESCRIPTION\n"
"  bmcad runs the best master clock algorithm of IEEE 1588-2019 (9.3) for\n"
"  every port of the clock FILE describes: it takes each port's best\n"
"  foreign master (Erbest) from its portd over the bus, chooses the\n"
"  clock's best (Ebest), decides every port's state (MASTER, SLAVE,\n"
"  PASSIVE, LISTENING: 9.3.3) and updates the clock's data sets (9.3.5).\n"
"  Each portd gets a self-contained decision: its recommendation, the\n"
"  clock's current, parent and time-properties data sets, an epoch.\n"
"  Decisions are re-sent once per announce interval, so a restarted portd\n"
"  or bmcad is back in step within one interval; a port silent for\n"
"  (announce_receipt_timeout + 1) announce intervals is left out until it\n"
"  speaks again. The meridian supervisor starts bmcad; run it by hand\n"
"  only to debug.\n"
"\n"
"  Bus endpoints (DIR/bmca.sock: bound, a ROUTER; DIR/pub.sock: the\n"
"  supervisor's telemetry, connected) live in the run directory.\n"
"  DIR/bmcad.lock keeps a second bmcad off the same run directory.\n"
"\n"
"OPTIONS\n"
"  -f, --config FILE      the configuration file\n"
"                         (default " DEFAULT_CONFIG ")\n"
"      --rundir DIR       run directory (absolute), created (mode 0750)\n"
"                         if missing; default: FILE's ipc.rundir\n"
"  -l, --log-level LEVEL  emerg .. debug (or 0..7); default: FILE's\n"
"                         logging.level\n"
"      --syslog           log to syslog instead of stderr\n"
"  -h, --help             print this text and exit\n"
"  -V, --version          print the version and exit\n"
"\n"
"SIGNALS\n"
"  SIGINT, SIGTERM  stop (exit status 0)\n"
"  SIGHUP           re-read logging.level from FILE (unless --log-level)\n"
"\n"
"EXIT STATUS\n"
"  0  stopped by a signal\n"
"  1  invalid configuration, or bmcad could not start or run\n"
"  2  usage error\n");
}

static int parse_args(int argc, char **argv, struct daemon_opts *o)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "rundir", required_argument, NULL, DAEMON_OPT_RUNDIR },
		{ "log-level", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, DAEMON_OPT_SYSLOG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "f:l:hV", lopts, NULL)) != -1) {
		rc = daemon_opt("bmcad", c, optarg, o);
		if (rc < 0) {
			return rc;
		}
		if (rc) {
			continue;
		}
		switch (c) {
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("bmcad %s\n", MERIDIAN_VERSION);
			exit(EXIT_OK);
		default:
			fprintf(stderr, "Try 'bmcad --help'.\n");
			return -EINVAL;
		}
	}
	return daemon_opt_end("bmcad", argc, argv);
}

int main(int argc, char **argv)
{
	struct daemon_opts o = {
		.config_path = DEFAULT_CONFIG,
		.log_level = -1,
	};
	struct bmcad *b;
	int rc;

	if (parse_args(argc, argv, &o) < 0) {
		return EXIT_USAGE;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		fprintf(stderr, "bmcad: out of memory\n");
		return EXIT_FAIL;
	}
	b->opts = o;
	if (daemon_load_config("bmcad", o.config_path, &b->cfg) < 0) {
		free(b);
		return EXIT_FAIL;
	}
	log_init("bmcad", o.syslog || b->cfg.logging.syslog ?
		 LOG_DEST_SYSLOG : LOG_DEST_STDERR,
		 o.log_level >= 0 ? o.log_level : b->cfg.logging.level);
	rc = bmcad_setup(b);
	if (rc == 0) {
		rc = privs_daemon_seccomp("bmcad", PRIVS_BMCAD, &b->cfg);
	}
	if (rc == 0) {
		rc = bmcad_run(b);
	}
	bmcad_teardown(b);
	free(b);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
