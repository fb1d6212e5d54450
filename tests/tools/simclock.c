/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * simclock - create, read and steer a simulated PHC (common/clock_sim.c)
 * from the command line, e.g. from another network namespace.
 *
 *   simclock create PATH [--freq-ppb F] [--offset-ns N] [--max-adj-ppb M]
 *                        [--force | --keep]
 *   simclock read PATH
 *   simclock adj PATH PPB
 *   simclock step PATH NS
 *   simclock freq-error PATH PPB
 *   simclock watch PATH [--interval-ms MS] [--count N]
 *   simclock fail PATH step|freq|both ERRNO | simclock fail PATH none
 *
 * `read` prints one "key value" pair per line, stable for scripts:
 *
 *   sim            1700000001.000100000000   sim time, s (12 decimals)
 *   real           1700000000.000000000000   CLOCK_REALTIME of that read
 *   diff_ns        1000100000.000            sim - real, ns
 *   freq_error_ppb 100.000                   intrinsic error, + = fast
 *   adj_ppb        0.000                     steering (adjfreq)
 *   total_ppb      100.000                   rate of sim against real
 *   max_adj_ppb    500000.000
 *   gen            0                         updates since create
 *   fail           none                      injected fault, or e.g.
 *                                            "step EPERM"
 *
 * sim and real come from one CLOCK_REALTIME reading mapped through the
 * model, so diff_ns is exact. `watch` prints one line per interval with
 * the same keys on one line. Exit status 0 on success, 1 on failure, 2 on
 * a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

static const char usage_text[] =
"usage: simclock COMMAND PATH [ARGS]\n"
"\n"
"  create PATH [--freq-ppb F] [--offset-ns N] [--max-adj-ppb M]\n"
"              [--force | --keep]\n"
"        make a sim clock file: intrinsic frequency error F ppb (+ = fast,\n"
"        default 0), initial offset N ns from CLOCK_REALTIME (default 0),\n"
"        largest |adjfreq| M ppb (default 500000). If PATH exists: fail\n"
"        (default), --force re-initialises the sim clock in place, --keep\n"
"        leaves it as it is\n"
"  read PATH         print sim time, real time, difference and rates\n"
"  adj PATH PPB      set the frequency adjustment (like clock_adjtime\n"
"                    ADJ_FREQUENCY on a PHC), + = faster\n"
"  step PATH NS      step the clock by NS ns, + = forward\n"
"  freq-error PATH PPB\n"
"                    change the intrinsic frequency error (the oscillator)\n"
"  watch PATH [--interval-ms MS] [--count N]\n"
"                    print the state every MS ms (default 1000), N times\n"
"                    (default: until interrupted)\n"
"  fail PATH step|freq|both ERRNO\n"
"  fail PATH none\n"
"                    inject a fault: from now on every process's step\n"
"                    and/or adjfreq of this clock fails with ERRNO (a name\n"
"                    as EPERM, EINVAL, ENODEV, or a number) and changes\n"
"                    nothing; none clears it\n"
"\n"
"Exit status: 0 ok, 1 failure, 2 usage error.\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static int parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (errno || end == s || *end) ? -1 : 0;
}

static const struct {
	const char *name;
	int err;
} errnames[] = {
	{ "EPERM", EPERM }, { "EINVAL", EINVAL }, { "ENODEV", ENODEV },
	{ "EIO", EIO }, { "EBUSY", EBUSY }, { "EACCES", EACCES },
	{ "ENXIO", ENXIO }, { "EOPNOTSUPP", EOPNOTSUPP },
	{ "ERANGE", ERANGE },
};

static const char *errno_name(int err)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "%d", err);
	return buf;
}

static int parse_errno(const char *s, int *out)
{
	size_t i;
	char *end;
	long v;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++) {
		if (!strcmp(s, errnames[i].name)) {
			*out = errnames[i].err;
			return 0;
		}
	}
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < 1 || v > 4095)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_i64(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 0);
	return (errno || end == s || *end) ? -1 : 0;
}

/* Signed ns with three decimals from a tmv_t. */
static void fmt_ns(tmv_t t, char *buf, size_t len)
{
	const char *sign = "";
	int64_t sns;

	if (tmv_is_neg(t)) {
		sign = "-";
		t = tmv_neg(t);
	}
	sns = tmv_to_scaled_ns(t);
	snprintf(buf, len, "%s%" PRId64 ".%03" PRId64, sign, sns >> SNS_SHIFT,
		 ((sns & ((1 << SNS_SHIFT) - 1)) * 1000) >> SNS_SHIFT);
}

static struct clk *attach(const char *path)
{
	/* clk_sim_create() logs the reason with the path */
	return clk_sim_create(path, NULL);
}

static int fail(const char *what, const char *path, int err)
{
	fprintf(stderr, "simclock: %s %s: %s\n", what, path, strerror(-err));
	return 1;
}

/* One consistent snapshot: state, and sim/real from one reading. */
static int snapshot(struct clk *c, struct clk_sim_state *st,
		    struct clk_sysoff *so)
{
	int err = clk_sim_read(c, st);

	if (!err)
		err = clk_sysoff(c, so);
	/* the state may have changed in between: map real through st */
	if (!err)
		so->clk_time = sim_model_eval(&st->model, so->realtime);
	return err;
}

static int cmd_read(const char *path)
{
	struct clk_sim_state st;
	struct clk_sysoff so;
	char sim[48], real[48], diff[48];
	struct clk *c = attach(path);
	unsigned what = 0;
	int err, ferr = 0;

	if (!c)
		return 1;
	err = snapshot(c, &st, &so);
	if (!err)
		err = clk_sim_get_fail(c, &what, &ferr);
	clk_destroy(c);
	if (err)
		return fail("read", path, err);
	tmv_format(so.clk_time, sim, sizeof(sim));
	tmv_format(so.realtime, real, sizeof(real));
	fmt_ns(tmv_sub(so.clk_time, so.realtime), diff, sizeof(diff));
	printf("sim            %s\n", sim);
	printf("real           %s\n", real);
	printf("diff_ns        %s\n", diff);
	printf("freq_error_ppb %.3f\n", sim_sppb_to_ppb(st.model.freq_sppb));
	printf("adj_ppb        %.3f\n", sim_sppb_to_ppb(st.model.adj_sppb));
	printf("total_ppb      %.3f\n",
	       sim_sppb_to_ppb(sim_model_rate(&st.model)));
	printf("max_adj_ppb    %.3f\n", sim_sppb_to_ppb(st.max_adj_sppb));
	printf("gen            %" PRIu64 "\n", st.gen);
	if (!what)
		printf("fail           none\n");
	else
		printf("fail           %s %s\n",
		       what == (CLK_SIM_FAIL_STEP | CLK_SIM_FAIL_FREQ) ? "both" :
		       what == CLK_SIM_FAIL_STEP ? "step" : "freq",
		       errno_name(ferr));
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int cmd_watch(const char *path, int64_t interval_ms, int64_t count)
{
	struct clk *c = attach(path);
	struct sigaction sa;
	int64_t n;

	if (!c)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (n = 0; !stop && (count <= 0 || n < count); n++) {
		struct timespec pause = {
			.tv_sec = interval_ms / 1000,
			.tv_nsec = (interval_ms % 1000) * 1000000,
		};
		struct clk_sim_state st;
		struct clk_sysoff so;
		char sim[48], real[48], diff[48];
		int err;

		if (n > 0)
			nanosleep(&pause, NULL);
		if (stop)
			break;
		err = snapshot(c, &st, &so);
		if (err) {
			clk_destroy(c);
			return fail("read", path, err);
		}
		tmv_format(so.clk_time, sim, sizeof(sim));
		tmv_format(so.realtime, real, sizeof(real));
		fmt_ns(tmv_sub(so.clk_time, so.realtime), diff, sizeof(diff));
		printf("real %s sim %s diff_ns %s freq_error_ppb %.3f "
		       "adj_ppb %.3f gen %" PRIu64 "\n", real, sim, diff,
		       sim_sppb_to_ppb(st.model.freq_sppb),
		       sim_sppb_to_ppb(st.model.adj_sppb), st.gen);
	}
	clk_destroy(c);
	return 0;
}

static int cmd_create(const char *path, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "freq-ppb", required_argument, NULL, 'f' },
		{ "offset-ns", required_argument, NULL, 'o' },
		{ "max-adj-ppb", required_argument, NULL, 'm' },
		{ "force", no_argument, NULL, 'F' },
		{ "keep", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct clk_sim_params p = { 0 };
	struct clk *c;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (parse_double(optarg, &p.freq_error_ppb))
				goto bad;
			break;
		case 'o':
			if (parse_i64(optarg, &p.offset_ns))
				goto bad;
			break;
		case 'm':
			if (parse_double(optarg, &p.max_adj_ppb))
				goto bad;
			break;
		case 'F':
			p.if_exists = CLK_SIM_OVERWRITE;
			break;
		case 'k':
			p.if_exists = CLK_SIM_ATTACH;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "simclock: create: unexpected '%s'\n",
			argv[optind]);
		return 2;
	}
	c = clk_sim_create(path, &p);
	if (!c)
		return 1;	/* logged with the path */
	clk_destroy(c);
	return 0;
bad:
	fprintf(stderr, "simclock: create: bad number '%s'\n", optarg);
	return 2;
}

static int cmd_watch_args(const char *path, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval-ms", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t interval = 1000, count = 0;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (parse_i64(optarg, &interval) || interval < 1 ||
			    interval > 3600000)
				goto bad;
			break;
		case 'n':
			if (parse_i64(optarg, &count) || count < 0)
				goto bad;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "simclock: watch: unexpected '%s'\n",
			argv[optind]);
		return 2;
	}
	return cmd_watch(path, interval, count);
bad:
	fprintf(stderr, "simclock: watch: bad value '%s'\n", optarg);
	return 2;
}

/* adj, step, freq-error: PATH VALUE. */
static int cmd_set(const char *cmd, const char *path, const char *arg)
{
	struct clk *c;
	double ppb = 0;
	int64_t ns = 0;
	int err;

	if (strcmp(cmd, "step") ? parse_double(arg, &ppb)
				: parse_i64(arg, &ns)) {
		fprintf(stderr, "simclock: %s: bad number '%s'\n", cmd, arg);
		return 2;
	}
	c = attach(path);
	if (!c)
		return 1;
	if (!strcmp(cmd, "adj"))
		err = clk_adjfreq(c, ppb);
	else if (!strcmp(cmd, "step"))
		err = clk_step(c, ns);
	else
		err = clk_sim_set_freq_error(c, ppb);
	clk_destroy(c);
	if (err)
		return fail(cmd, path, err);
	return 0;
}

/* fail PATH step|freq|both ERRNO, fail PATH none */
static int cmd_fail(const char *path, int argc, char **argv)
{
	unsigned what;
	struct clk *c;
	int err = 0;

	if (argc == 1 && !strcmp(argv[0], "none")) {
		what = 0;
	} else if (argc == 2) {
		if (!strcmp(argv[0], "step"))
			what = CLK_SIM_FAIL_STEP;
		else if (!strcmp(argv[0], "freq"))
			what = CLK_SIM_FAIL_FREQ;
		else if (!strcmp(argv[0], "both"))
			what = CLK_SIM_FAIL_STEP | CLK_SIM_FAIL_FREQ;
		else
			goto bad;
		if (parse_errno(argv[1], &err)) {
			fprintf(stderr, "simclock: fail: bad errno '%s'\n",
				argv[1]);
			return 2;
		}
	} else {
		goto bad;
	}
	c = attach(path);
	if (!c)
		return 1;
	err = clk_sim_set_fail(c, what, err);
	clk_destroy(c);
	if (err)
		return fail("fail", path, err);
	return 0;
bad:
	fprintf(stderr, "simclock: fail: want step|freq|both ERRNO, or none\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd, *path;

	log_init("simclock", LOG_DEST_STDERR, LOG_WARNING);
	if (argc >= 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 3) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	path = argv[2];
	/* options of the command follow PATH: argv[2] acts as argv[0] */
	if (!strcmp(cmd, "create"))
		return cmd_create(path, argc - 2, argv + 2);
	if (!strcmp(cmd, "watch"))
		return cmd_watch_args(path, argc - 2, argv + 2);
	if (!strcmp(cmd, "fail"))
		return cmd_fail(path, argc - 3, argv + 3);
	if (!strcmp(cmd, "read") && argc == 3)
		return cmd_read(path);
	if ((!strcmp(cmd, "adj") || !strcmp(cmd, "step") ||
	     !strcmp(cmd, "freq-error")) && argc == 4)
		return cmd_set(cmd, path, argv[3]);
	usage(stderr);
	return 2;
}
