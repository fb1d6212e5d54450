// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - the meridian supervisor's command line.
 *
 * For now it only checks configurations (--check-config); starting the
 * daemons is a later issue, and running without --check-config says so.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#ifndef MERIDIAN_VERSION
#define MERIDIAN_VERSION "0.1.0-dev"
#endif

#define DEFAULT_CONFIG "/etc/meridian/meridian.conf"

enum {
	EXIT_OK = 0,
	EXIT_INVALID = 1,
	EXIT_USAGE = 2,
};

static void usage(FILE *out)
{
	fprintf(out,
"Usage: meridian [-f FILE]\n"
"       meridian --check-config FILE [--print-config]\n"
"       meridian --help | --version\n"
"\n"
"Meridian is an IEEE 1588-2019 (PTP v2.1) boundary clock for Linux boxes\n"
"with several NICs. The meridian supervisor starts one portd per configured\n"
"port, one bmcad and one clockd, restarts any that dies, and owns their\n"
"ZeroMQ bus. (Only --check-config is implemented so far.)\n"
"\n"
"Options:\n"
"  -f, --config FILE        the configuration file\n"
"                           (default " DEFAULT_CONFIG ")\n"
"  -c, --check-config FILE  check FILE and exit: every key is checked\n"
"                           against its type and range, unknown keys are\n"
"                           errors; prints one summary line per port\n"
"  -p, --print-config       with --check-config: print the effective\n"
"                           configuration (every key, defaults included)\n"
"                           in the same syntax, loadable as it is\n"
"  -h, --help               print this text and exit\n"
"  -V, --version            print the version and exit\n"
"\n"
"Configuration:\n"
"  One libconfig file for the whole appliance, with the groups clock,\n"
"  ports (a list, one group per port), ipc and logging. conf/meridian.conf\n"
"  (installed as meridian.conf.example) documents every key, its default\n"
"  and range. Errors read FILE:LINE: key: what is wrong.\n"
"\n"
"Exit status:\n"
"  0  the configuration is valid\n"
"  1  it is not, or cannot be read; every error found is on stderr\n"
"  2  usage error, or the supervisor itself was asked to run\n");
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "check-config", required_argument, NULL, 'c' },
		{ "print-config", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = DEFAULT_CONFIG, *check = NULL;
	bool print = false;
	int c;

	while ((c = getopt_long(argc, argv, "f:c:phV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			config = optarg;
			break;
		case 'c':
			check = optarg;
			break;
		case 'p':
			print = true;
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

	fprintf(stderr, "meridian: the supervisor is not implemented yet (see "
		"README status); use --check-config %s to check the "
		"configuration\n", config);
	return EXIT_USAGE;
}
