// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - clockd's command line: options, configuration, logging, then
 * clockd_setup() and clockd_run().
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clockd.h"
#include "daemon.h"
#include "log.h"
#include "privs.h"

#define DEFAULT_CONFIG "/etc/meridian/meridian.conf"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

enum {
	OPT_HOLDOVER_SPEC = DAEMON_OPT_FIRST_FREE,
};

static void usage(FILE *out)
{
	fprintf(out,
"NAME\n"
"  clockd - the clocks of a Meridian boundary clock\n"
"\n"
"SYNOPSIS\n"
"  clockd [-f FILE] [--rundir DIR] [--log-level LEVEL] [--syslog]\n"
"         [--holdover-spec SECONDS]\n"
"  clockd --help | --version\n"
"\n"
"DESCRIPTION\n"
"  clockd opens the clock of every port of the clock FILE describes\n"
"  (ports[].clock: a PHC, a sim clock, or the system clock; ports on the\n"
"  same PHC device or sim file share one clock) and is the only process\n"
"  that steps or adjusts them. It steers the slave port's clock (the\n"
"  reference) from that port's offset samples, with the servo of\n"
"  clock.servo behind an outlier gate, a new master judged on the median\n"
"  of its first offsets, and steps only where the servo asks for them.\n"
"  Every other clock follows the reference with its own PI servo on\n"
"  direct comparisons (sim clocks: both read at one CLOCK_REALTIME\n"
"  instant; PHCs: PTP_SYS_OFFSET_PRECISE or _EXTENDED against\n"
"  CLOCK_REALTIME), stepped at most once when far at start. When the\n"
"  slave port moves to another clock, no clock that is locked is reset\n"
"  or stepped: the new reference continues from its frequency.\n"
"\n"
"  The slave port is the one clockd's decisions (port/IFACE/decision/)\n"
"  name S1, or else the one whose fresh samples arrive; a sample older\n"
"  than 2 sync intervals is dropped. With no slave port, or no sample\n"
"  for 8 sync intervals, every clock keeps its last good frequency\n"
"  (HOLDOVER) and the clockClass degrades: a boundary clock announces\n"
"  clock.clock_class when locked, 135 in holdover within its\n"
"  specification, 165 beyond it, 248 free running; a grandmaster class\n"
"  (6, 7) becomes 7, then 140. clock.free_running: measure, never adjust.\n"
"  A restarted clockd starts warm from the clocks' current frequencies.\n"
"  The meridian supervisor starts clockd; run it by hand only to debug.\n"
"\n"
"  Bus endpoints in the run directory: DIR/clock.sock (bound, a PULL:\n"
"  samples from the ports), DIR/pub.sock (connected, a PUB: clock/servo/\n"
"  at every state change and once a second, hb/clockd/), DIR/sub.sock\n"
"  (connected, a SUB: decisions). DIR/clockd.lock keeps a second clockd\n"
"  off the same run directory.\n"
"\n"
"OPTIONS\n"
"  -f, --config FILE      the configuration file\n"
"                         (default " DEFAULT_CONFIG ")\n"
"      --rundir DIR       run directory (absolute), created (mode 0750)\n"
"                         if missing; default: FILE's ipc.rundir\n"
"  -l, --log-level LEVEL  emerg .. debug (or 0..7); default: FILE's\n"
"                         logging.level\n"
"      --syslog           log to syslog instead of stderr\n"
"      --holdover-spec SECONDS\n"
"                         holdover within specification (clockClass 135)\n"
"                         this long, then out of it (165); default 1000\n"
"  -h, --help             print this text and exit\n"
"  -V, --version          print the version and exit\n"
"\n"
"SIGNALS\n"
"  SIGINT, SIGTERM  stop (exit status 0); the clocks keep their frequency\n"
"  SIGHUP           re-read logging.level from FILE (unless --log-level)\n"
"\n"
"EXIT STATUS\n"
"  0  stopped by a signal\n"
"  1  invalid configuration, or clockd could not start or run\n"
"  2  usage error\n");
}

static int parse_args(int argc, char **argv, struct clockd_opts *o)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "rundir", required_argument, NULL, DAEMON_OPT_RUNDIR },
		{ "log-level", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, DAEMON_OPT_SYSLOG },
		{ "holdover-spec", required_argument, NULL,
		  OPT_HOLDOVER_SPEC },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c, rc;

	while ((c = getopt_long(argc, argv, "f:l:hV", lopts, NULL)) != -1) {
		rc = daemon_opt("clockd", c, optarg, &o->d);
		if (rc < 0) {
			return rc;
		}
		if (rc) {
			continue;
		}
		switch (c) {
		case OPT_HOLDOVER_SPEC:
			o->holdover_spec_s = strtod(optarg, &end);
			if (*end || !(o->holdover_spec_s >= 0.0) ||
			    o->holdover_spec_s > 1e9) {
				fprintf(stderr, "clockd: --holdover-spec %s: "
					"want seconds, 0..1e9\n", optarg);
				return -EINVAL;
			}
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("clockd %s\n", MERIDIAN_VERSION);
			exit(EXIT_OK);
		default:
			fprintf(stderr, "Try 'clockd --help'.\n");
			return -EINVAL;
		}
	}
	return daemon_opt_end("clockd", argc, argv);
}

int main(int argc, char **argv)
{
	struct clockd_opts o = {
		.d.config_path = DEFAULT_CONFIG,
		.d.log_level = -1,
		.holdover_spec_s = 1000.0,
	};
	struct clockd *d;
	int rc;

	if (parse_args(argc, argv, &o) < 0) {
		return EXIT_USAGE;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		fprintf(stderr, "clockd: out of memory\n");
		return EXIT_FAIL;
	}
	d->opts = o;
	if (daemon_load_config("clockd", o.d.config_path, &d->cfg) < 0) {
		free(d);
		return EXIT_FAIL;
	}
	log_init("clockd", o.d.syslog || d->cfg.logging.syslog ?
		 LOG_DEST_SYSLOG : LOG_DEST_STDERR,
		 o.d.log_level >= 0 ? o.d.log_level : d->cfg.logging.level);
	rc = clockd_setup(d);
	if (rc == 0) {
		rc = privs_daemon_seccomp("clockd", PRIVS_CLOCKD, &d->cfg);
	}
	if (rc == 0) {
		rc = clockd_run(d);
	}
	clockd_teardown(d);
	free(d);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
