// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - meridian-sim: a grandmaster and an ordinary-clock slave on one
 * simulated link, in virtual time, on the real cores.
 *
 * Output (stdout, deterministic for a seed):
 *   once a second of virtual time
 *     t=S te_ns=N freq_ppb=F ferr_ppb=E state=PORTSTATE servo=SERVOSTATE
 *   (te = slave PHC - true time; freq = the adjustment applied; ferr =
 *   the slave clock's remaining rate error, intrinsic + adjustment), then
 *     converged_s=S converged100_s=S te_rms_ns=R te_max_ns=M samples=N
 *     steps=K
 *   where converged_s is the time after which |te| stays below 1 us
 *   (converged100_s: 100 ns) to the end, -1 if never; te_rms_ns and
 *   te_max_ns are over the TE samples (every --stat-ms) after converged_s.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct opts {
	uint64_t seed;
	double duration_s;
	int sync_log;
	double freq_ppb;
	double wander;		/* ppb/sqrt(s) */
	int64_t wander_ms;
	int64_t delay_ns;
	double jitter_ns;
	double ts_noise_ns;
	int64_t offset_ns;
	int64_t stat_ms;
	enum servo_kind servo;
	bool quiet;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: meridian-sim [options]\n"
		"  --seed N          random seed (1)\n"
		"  --duration S      virtual seconds to run (600)\n"
		"  --sync-log L      logSyncInterval and "
		"logMinDelayReqInterval (0)\n"
		"  --servo pi|linreg|kalman  the slave's servo (pi)\n"
		"  --freq-ppb F      slave oscillator's initial error "
		"(100000)\n"
		"  --wander W        random-walk wander, ppb/sqrt(s) (1)\n"
		"  --wander-ms N     wander step period (1000)\n"
		"  --delay-ns N      link delay each way (100)\n"
		"  --jitter-ns N     exponential jitter mean (100)\n"
		"  --ts-noise-ns N   timestamp noise sigma (5)\n"
		"  --offset-ns N     slave PHC - true time at start (0)\n"
		"  --stat-ms N       TE sampling period for the figures "
		"(100)\n"
		"  --quiet           only the summary line\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "sync-log", required_argument, NULL, 'l' },
		{ "servo", required_argument, NULL, 'S' },
		{ "freq-ppb", required_argument, NULL, 'f' },
		{ "wander", required_argument, NULL, 'w' },
		{ "wander-ms", required_argument, NULL, 'W' },
		{ "delay-ns", required_argument, NULL, 'D' },
		{ "jitter-ns", required_argument, NULL, 'j' },
		{ "ts-noise-ns", required_argument, NULL, 'n' },
		{ "offset-ns", required_argument, NULL, 'o' },
		{ "stat-ms", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		end = NULL;
		switch (c) {
		case 's':
			o->seed = strtoull(optarg, &end, 0);
			break;
		case 'd':
			o->duration_s = strtod(optarg, &end);
			break;
		case 'l':
			o->sync_log = (int)strtol(optarg, &end, 0);
			break;
		case 'S':
			if (!strcmp(optarg, "pi")) {
				o->servo = SERVO_PI;
			} else if (!strcmp(optarg, "linreg")) {
				o->servo = SERVO_LINREG;
			} else if (!strcmp(optarg, "kalman")) {
				o->servo = SERVO_KALMAN;
			} else {
				fprintf(stderr, "meridian-sim: unknown servo "
					"%s\n", optarg);
				return -1;
			}
			break;
		case 'f':
			o->freq_ppb = strtod(optarg, &end);
			break;
		case 'w':
			o->wander = strtod(optarg, &end);
			break;
		case 'W':
			o->wander_ms = strtoll(optarg, &end, 0);
			break;
		case 'D':
			o->delay_ns = strtoll(optarg, &end, 0);
			break;
		case 'j':
			o->jitter_ns = strtod(optarg, &end);
			break;
		case 'n':
			o->ts_noise_ns = strtod(optarg, &end);
			break;
		case 'o':
			o->offset_ns = strtoll(optarg, &end, 0);
			break;
		case 'm':
			o->stat_ms = strtoll(optarg, &end, 0);
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
		if (end && (*end || end == optarg)) {
			fprintf(stderr, "meridian-sim: bad value %s\n",
				optarg);
			return -1;
		}
	}
	if (optind < argc || o->duration_s <= 0 || o->sync_log < -7 ||
	    o->sync_log > 4 || o->wander_ms <= 0 || o->stat_ms <= 0 ||
	    o->delay_ns < 0 || o->jitter_ns < 0 || o->ts_noise_ns < 0 ||
	    o->wander < 0) {
		usage(stderr);
		return -1;
	}
	return 0;
}

struct stats {
	int64_t *t;		/* virtual ns */
	int64_t *te;		/* ns */
	size_t n, cap;
};

static void stats_add(struct stats *st, int64_t t, int64_t te)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 4096;
		st->t = realloc(st->t, st->cap * sizeof(*st->t));
		st->te = realloc(st->te, st->cap * sizeof(*st->te));
		if (!st->t || !st->te) {
			fprintf(stderr, "meridian-sim: out of memory\n");
			exit(2);
		}
	}
	st->t[st->n] = t;
	st->te[st->n] = te;
	st->n++;
}

/* Index of the first sample after the last one with |te| >= bound:
 * st->n if the last sample is out of bounds. */
static size_t converged_at(const struct stats *st, int64_t bound)
{
	size_t i = st->n;

	while (i > 0 && llabs(st->te[i - 1]) < bound) {
		i--;
	}
	return i;
}

static void summary(const struct stats *st, const struct sim_node *n)
{
	size_t c = converged_at(st, 1000), c100 = converged_at(st, 100);
	double sum2 = 0.0, conv_s = -1.0, conv100_s = -1.0;
	int64_t max = 0;
	size_t i;

	if (c < st->n) {
		conv_s = st->t[c] / 1e9;
		for (i = c; i < st->n; i++) {
			sum2 += (double)st->te[i] * (double)st->te[i];
			if (llabs(st->te[i]) > max) {
				max = llabs(st->te[i]);
			}
		}
	}
	if (c100 < st->n) {
		conv100_s = st->t[c100] / 1e9;
	}
	printf("converged_s=%.1f converged100_s=%.1f te_rms_ns=%.1f "
	       "te_max_ns=%" PRId64 " samples=%zu steps=%" PRIu64 "\n",
	       conv_s, conv100_s,
	       c < st->n ? sqrt(sum2 / (double)(st->n - c)) : -1.0,
	       c < st->n ? max : (int64_t)-1, st->n - c, n->steps);
}

int main(int argc, char **argv)
{
	struct opts o = {
		.seed = 1, .duration_s = 600, .sync_log = 0,
		.freq_ppb = 100000, .wander = 1.0, .wander_ms = 1000,
		.delay_ns = 100, .jitter_ns = 100, .ts_noise_ns = 5,
		.offset_ns = 0, .stat_ms = 100, .servo = SERVO_PI,
	};
	struct sim_link up, down;
	struct sim_node_cfg nc;
	struct stats st = { 0 };
	struct sim_node *sl;
	struct sim_ev ev;
	uint64_t seed;
	struct sim *s;
	int64_t end, te;
	int gm, slave;

	if (parse(argc, argv, &o) < 0) {
		return 2;
	}
	s = malloc(sizeof(*s));
	if (!s) {
		return 2;
	}
	sim_init(s);
	seed = o.seed;

	memset(&nc, 0, sizeof(nc));
	nc.name = "gm";
	nc.priority1 = 1;
	nc.clock_class = 6;
	nc.log_sync = (int8_t)o.sync_log;
	nc.log_delay_req = (int8_t)o.sync_log;
	nc.seed = sim_splitmix64(&seed);
	gm = sim_node_add(s, &nc);

	memset(&nc, 0, sizeof(nc));
	nc.name = "slave";
	nc.priority1 = 128;
	nc.clock_class = 248;
	nc.steered = true;
	nc.servo = o.servo;
	nc.log_sync = (int8_t)o.sync_log;
	nc.log_delay_req = (int8_t)o.sync_log;
	nc.freq_ppb = o.freq_ppb;
	/* a random walk: sigma of one step = W * sqrt(step) */
	nc.wander_ppb = o.wander * sqrt(o.wander_ms / 1000.0);
	nc.offset_ns = o.offset_ns;
	nc.ts_noise_ns = o.ts_noise_ns;
	nc.seed = sim_splitmix64(&seed);
	slave = sim_node_add(s, &nc);
	if (gm < 0 || slave < 0) {
		fprintf(stderr, "meridian-sim: cannot create the nodes\n");
		return 2;
	}
	/* the grandmaster's timestamps carry the same noise */
	s->node[gm].ts_noise_ns = o.ts_noise_ns;

	memset(&up, 0, sizeof(up));
	up.delay_ns = o.delay_ns;
	up.jitter_mean_ns = o.jitter_ns;
	sim_rng_seed(&up.rng, sim_splitmix64(&seed));
	down = up;
	sim_rng_seed(&down.rng, sim_splitmix64(&seed));
	sim_connect(s, (unsigned)gm, (unsigned)slave, &down, &up);

	sl = &s->node[slave];
	end = (int64_t)llround(o.duration_s * 1e9);
	sim_start(s);
	sim_push(s, o.wander_ms * 1000000, SE_WANDER, (unsigned)slave, 0);
	sim_push(s, o.stat_ms * 1000000, SE_STAT, (unsigned)slave, 0);
	sim_push(s, NS_PER_SEC, SE_REPORT, (unsigned)slave, 0);

	while (sim_step(s, end, &ev)) {
		switch (ev.kind) {
		case SE_WANDER:
			sim_wander_step(s, sl);
			sim_push(s, s->now + o.wander_ms * 1000000, SE_WANDER,
				 ev.node, 0);
			break;
		case SE_STAT:
			stats_add(&st, s->now, sim_te_ns(s, sl));
			sim_push(s, s->now + o.stat_ms * 1000000, SE_STAT,
				 ev.node, 0);
			break;
		case SE_REPORT:
			te = sim_te_ns(s, sl);
			if (!o.quiet) {
				printf("t=%" PRId64 " te_ns=%" PRId64
				       " freq_ppb=%.3f ferr_ppb=%.3f state=%s"
				       " servo=%s\n", (int64_t)(s->now / NS_PER_SEC), te,
				       sim_sppb_to_ppb(sl->phc.adj_sppb),
				       sim_sppb_to_ppb(sim_model_rate(
						       &sl->phc)),
				       port_state_str(port_core_state(sl->pc)),
				       clkctl_state_str(clkctl_state(
						       &sl->cc)));
			}
			sim_push(s, s->now + NS_PER_SEC, SE_REPORT, ev.node,
				 0);
			break;
		}
	}
	summary(&st, sl);
	if (getenv("SIM_DEBUG")) {
		for (int k = 0; k < 2; k++) {
			const struct port_counters *c =
				port_core_counters(s->node[k].pc);
			fprintf(stderr, "node %d state %s:", k,
				port_state_str(port_core_state(s->node[k].pc)));
			for (int m = 0; m < 16; m++) {
				fprintf(stderr, " %d:%llu/%llu", m,
					(unsigned long long)c->rx[m],
					(unsigned long long)c->tx[m]);
			}
			fprintf(stderr, " unexp %llu nots %llu fu %llu dr %llu rej %llu own %llu txmiss %llu\n",
				(unsigned long long)c->rx_unexpected,
				(unsigned long long)c->rx_no_ts,
				(unsigned long long)c->followup_mismatch,
				(unsigned long long)c->delay_resp_mismatch,
				(unsigned long long)c->delay_rejected,
				(unsigned long long)c->rx_own,
				(unsigned long long)c->txts_missing);
		}
	}
	free(st.t);
	free(st.te);
	sim_fini(s);
	free(s);
	return 0;
}
