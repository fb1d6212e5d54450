// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - portd's command line: parse options, load the configuration,
 * set up logging, then portd_setup() and portd_run().
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "netif.h"
#include "portd.h"
#include "privs.h"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* configuration, start-up or run error */
	EXIT_USAGE = 2,
};

enum {
	OPT_STANDALONE = 0x100,
	OPT_RUNDIR,
	OPT_SYSLOG,
	OPT_SEED,
};

static void usage(FILE *out)
{
	fprintf(out,
"NAME\n"
"  portd - one PTP (IEEE 1588-2019) port of a Meridian clock\n"
"\n"
"SYNOPSIS\n"
"  portd --standalone -f FILE -i IFACE [--rundir DIR] [--log-level LEVEL]\n"
"        [--syslog] [--seed N]\n"
"  portd -f FILE -i IFACE [--rundir DIR] [--log-level LEVEL] [--syslog]\n"
"        [--seed N]\n"
"  portd --help | --version\n"
"\n"
"DESCRIPTION\n"
"  portd runs one PTP port on the network interface IFACE: its sockets\n"
"  and timestamps, the port state machine, delay measurement, answers to\n"
"  management GETs, and link state.\n"
"\n"
"  With --standalone it is a complete ordinary clock with one port: it\n"
"  runs the best master clock algorithm and the clock servo itself, so it\n"
"  becomes the grandmaster of its network or a slave that steers its\n"
"  clock to the best master it hears (linuxptp's ptp4l in the same role).\n"
"  Without --standalone, portd is one port of a Meridian boundary clock,\n"
"  as the meridian supervisor starts it: it reports its best foreign\n"
"  master (Erbest) to bmcad and carries out bmcad's decisions, sends its\n"
"  offset samples to clockd and never adjusts its clock itself (clockd\n"
"  owns every clock of the box), and publishes its status on the bus in\n"
"  DIR (ptp-top shows it). Its port number is its place in FILE's ports\n"
"  list; the clock identity comes from clock.clock_identity or the first\n"
"  port's MAC, the same for every port. Without bmcad the port keeps its\n"
"  last decision; without clockd its clock keeps its frequency.\n"
"\n"
"  The clock group of FILE and the element of its ports list whose\n"
"  interface is IFACE configure it. portd refuses to start, naming the\n"
"  file, line and key, when the configuration asks for what the interface\n"
"  cannot do: hardware timestamps on an interface without them (a veth),\n"
"  clock \"phc\" with software timestamps, a PHC that does not exist.\n"
"  The port's clock (ports[].clock) is \"sim\" (a simulated PHC file, by\n"
"  default DIR/sim-IFACE.clk, kept across restarts), \"phc\" (phc_device,\n"
"  or the NIC's own PHC) or \"system\" (CLOCK_REALTIME: only for real\n"
"  deployments with software timestamps; it steers the host's clock).\n"
"\n"
"OPTIONS\n"
"      --standalone       run as an ordinary clock (BMCA and servo in\n"
"                         this process)\n"
"  -f, --config FILE      the configuration file (required)\n"
"  -i, --interface IFACE  the port's network interface (required; must\n"
"                         be one of FILE's ports)\n"
"      --rundir DIR       run directory, created (mode 0750) if missing;\n"
"                         default: FILE's ipc.rundir (/run/meridian)\n"
"  -l, --log-level LEVEL  emerg, alert, crit, err, warning, notice, info\n"
"                         or debug (or 0..7); default: FILE's\n"
"                         logging.level (notice)\n"
"      --syslog           log to syslog (daemon facility) instead of\n"
"                         stderr; also FILE's logging.syslog\n"
"      --seed N           seed of the port's random timer parts (delay\n"
"                         requests, announce receipt), for reproducible\n"
"                         runs; default: random\n"
"  -h, --help             print this text and exit\n"
"  -V, --version          print the version and exit\n"
"\n"
"SUMMARY LINE\n"
"  Every 2^logging.summary_interval seconds (default 1 s) portd writes one\n"
"  line to standard output (one write each), in this stable format:\n"
"\n"
"    summary iface=IF state=STATE offset_ns=N freq_ppb=F delay_ns=N\n"
"      servo=SERVOSTATE gm=CLOCKID steps=N rx=N tx=N rxerr=N outliers=N\n"
"\n"
"  (one line; wrapped here). STATE is the port state (INITIALIZING,\n"
"  FAULTY, DISABLED, LISTENING, PRE_MASTER, MASTER, PASSIVE, UNCALIBRATED,\n"
"  SLAVE); offset_ns is the last offsetFromMaster (local - master, ns,\n"
"  rounded) and delay_ns the last mean path delay (ns), both \"-\" until\n"
"  the first measurement; freq_ppb the frequency adjustment last applied\n"
"  to the clock (ppb, 3 decimals, positive = faster); SERVOSTATE the\n"
"  servo's state: UNLOCKED, JUMP, LOCKED or LOCKED_STABLE while the port\n"
"  measures its master (SLAVE or UNCALIBRATED, an offset within the last\n"
"  4 sync intervals and 1 s); otherwise HOLDOVER (it was locked: the\n"
"  clock keeps its last frequency) or UNLOCKED, and offset_ns and\n"
"  delay_ns are \"-\" (stale); FAULT when the clock refused a step or a\n"
"  frequency change (the port goes FAULTY and retries after its fault\n"
"  reset); gm the\n"
"  grandmasterIdentity of parentDS (this clock's own identity when it is\n"
"  the grandmaster), as 001122.fffe.334455; steps the clock steps done;\n"
"  rx and tx the PTP messages received and sent; rxerr the received\n"
"  messages the decoder rejected; outliers the offsets the outlier gate\n"
"  kept from the servo (offset_ns shows the last one measured, even when\n"
"  the gate then rejected it). portd never waits for stdout: when it\n"
"  has no room (a pipe nobody reads) the line is dropped.\n"
"\n"
"SIGNALS\n"
"  SIGINT, SIGTERM  stop cleanly (exit status 0)\n"
"  SIGHUP           re-read logging.level from FILE (unless --log-level)\n"
"\n"
"EXIT STATUS\n"
"  0  stopped by SIGINT or SIGTERM\n"
"  1  the configuration is invalid, or portd could not start or run\n"
"     (also: its sim clock file was truncated while in use)\n"
"  2  usage error\n"
"\n"
"EXAMPLES\n"
"  portd --standalone -f conf/lab-sim.conf -i veth-up --rundir /tmp/lab\n"
"  pmc -4 -b 1 -i eth1 'GET DEFAULT_DATA_SET'    # ask it over the wire\n");
}

static void print_errors(const char *path, const struct mconf_errors *e)
{
	unsigned i;

	for (i = 0; i < e->count; i++) {
		fprintf(stderr, "portd: %s\n", e->msg[i]);
	}
	if (e->dropped) {
		fprintf(stderr, "portd: %s: %u more errors not shown\n", path,
			e->dropped);
	}
}

static uint64_t random_seed(void)
{
	uint64_t s;
	struct timespec ts;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == sizeof(s)) {
		return s;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
	       (uint64_t)getpid();
}

static int parse_args(int argc, char **argv, struct portd_opts *o,
		      bool *standalone)
{
	static const struct option lopts[] = {
		{ "standalone", no_argument, NULL, OPT_STANDALONE },
		{ "config", required_argument, NULL, 'f' },
		{ "interface", required_argument, NULL, 'i' },
		{ "rundir", required_argument, NULL, OPT_RUNDIR },
		{ "log-level", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "f:i:l:hV", lopts, NULL)) != -1) {
		switch (c) {
		case OPT_STANDALONE:
			*standalone = true;
			break;
		case 'f':
			o->config_path = optarg;
			break;
		case 'i':
			o->ifname = optarg;
			break;
		case OPT_RUNDIR:
			o->rundir = optarg;
			break;
		case 'l':
			o->log_level = log_level_parse(optarg);
			if (o->log_level < 0) {
				fprintf(stderr, "portd: --log-level %s: want "
					"emerg..debug or 0..7\n", optarg);
				return -EINVAL;
			}
			break;
		case OPT_SYSLOG:
			o->syslog = true;
			break;
		case OPT_SEED:
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end ||
			    optarg[0] == '-') {
				fprintf(stderr, "portd: --seed %s: want an "
					"unsigned integer\n", optarg);
				return -EINVAL;
			}
			o->seed_set = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("portd %s\n", MERIDIAN_VERSION);
			exit(EXIT_OK);
		default:
			fprintf(stderr, "Try 'portd --help'.\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "portd: unexpected argument '%s'\n"
			"Try 'portd --help'.\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct portd_opts o = { .log_level = -1 };
	struct mconf_errors errs;
	bool standalone = false;
	char ident[IF_NAMESIZE + 8];
	struct portd *d;
	int rc, level;

	if (parse_args(argc, argv, &o, &standalone) < 0) {
		return EXIT_USAGE;
	}
	o.standalone = standalone;
	if (!o.config_path || !o.ifname) {
		fprintf(stderr, "portd: needs -f FILE and -i IFACE\n"
			"Try 'portd --help'.\n");
		return EXIT_USAGE;
	}
	if (!netif_name_ok(o.ifname)) {
		fprintf(stderr, "portd: -i %s: not an interface name\n",
			o.ifname);
		return EXIT_USAGE;
	}
	if (o.rundir) {
		char why[128];

		/* the checks ipc.rundir gets in the configuration */
		if (mconf_check_rundir(o.rundir, why, sizeof(why)) < 0) {
			fprintf(stderr, "portd: --rundir %s: %s\n", o.rundir,
				why);
			return EXIT_USAGE;
		}
	}
	if (!o.seed_set) {
		o.seed = random_seed();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	d = calloc(1, sizeof(*d));
	if (!d) {
		fprintf(stderr, "portd: out of memory\n");
		return EXIT_FAIL;
	}
	d->opts = o;
	d->mode = standalone ? &portd_mode_standalone : &portd_mode_bus;
	snprintf(d->ifname, sizeof(d->ifname), "%s", o.ifname);
	memset(&errs, 0, sizeof(errs));
	rc = mconf_load_file(&d->cfg, o.config_path, &errs);
	if (rc < 0) {
		print_errors(o.config_path, &errs);
		free(d);
		return EXIT_FAIL;
	}
	d->port = mconf_port_find(&d->cfg, o.ifname);
	if (!d->port) {
		fprintf(stderr, "portd: %s: no port with interface = \"%s\" "
			"in the ports list\n", o.config_path, o.ifname);
		free(d);
		return EXIT_FAIL;
	}
	d->port_index = (unsigned)(d->port - d->cfg.ports);
	level = o.log_level >= 0 ? o.log_level : d->cfg.logging.level;
	snprintf(ident, sizeof(ident), "portd[%s]", o.ifname);
	log_init(ident, o.syslog || d->cfg.logging.syslog ?
		 LOG_DEST_SYSLOG : LOG_DEST_STDERR, level);

	rc = portd_setup(d);
	if (rc == 0) {
		rc = privs_daemon_seccomp(d->ifname, PRIVS_PORTD, &d->cfg);
	}
	if (rc == 0) {
		pr_info("%s: seed %" PRIu64, d->ifname, o.seed);
		rc = portd_run(d);
	}
	portd_teardown(d);
	free(d);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
