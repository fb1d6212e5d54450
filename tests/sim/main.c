// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - meridian-sim: a simulated PTP network in virtual time on the
 * real cores, from a scenario file (scenario.h), or, without one, a
 * grandmaster and an ordinary-clock slave on one link set up by options.
 *
 * Trace (--trace FILE), one data line per node every stat_ms:
 *   # meridian-sim trace v1 scenario=NAME seed=N stat_ms=N duration_s=S
 *   # node NAME role=gm|oc|bc hops=K
 *   # event T_S TEXT                 (each scheduled scenario event)
 *   # note T_S TEXT                  (a BC's slave port or clockClass
 *                                     changed: "slave NODE port A -> B",
 *                                     "class NODE A -> B (STATE)")
 *   T_S NODE TE_NS FERR_PPB PORTSTATE SERVOSTATE
 * (TE = the node's PHC - true time, ns; a BC's is its reference PHC's,
 * and each of its PHCs has a line of its own as NODE.pN with PORTSTATE
 * "-"; FERR_PPB: the remaining frequency error, intrinsic + adjustment.)
 *
 * stdout: the notes as "t=T_S note TEXT" (not with --quiet); without a
 * scenario, also once a virtual second
 *   t=S te_ns=N freq_ppb=F ferr_ppb=E state=PORTSTATE servo=SERVOSTATE
 * then one summary line per node but grandmasters
 *   node=NAME role=oc|bc hops=K <sim_figures_fmt()> steps=N
 * and "sim: N nodes, S virtual s, E events".
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "scenario.h"
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
	const char *trace;
	const char *scenario;
	bool have_seed, have_duration, have_stat;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: meridian-sim [SCENARIO.scn] [options]\n"
		"  a scenario file (tests/sim/scenarios/) or, without one,\n"
		"  a grandmaster and a slave on one link (the options below)\n"
		"  --trace FILE      write the trace (format in main.c)\n"
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
		{ "trace", required_argument, NULL, 'T' },
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
			o->have_seed = true;
			break;
		case 'd':
			o->duration_s = strtod(optarg, &end);
			o->have_duration = true;
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
			o->have_stat = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'T':
			o->trace = optarg;
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
	if (optind < argc) {
		o->scenario = argv[optind++];
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

struct series {
	double *te, *ferr;
	size_t n, cap;
};

static void series_add(struct series *st, double te, double ferr)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 4096;
		st->te = realloc(st->te, st->cap * sizeof(*st->te));
		st->ferr = realloc(st->ferr, st->cap * sizeof(*st->ferr));
		if (!st->te || !st->ferr) {
			fprintf(stderr, "meridian-sim: out of memory\n");
			exit(2);
		}
	}
	st->te[st->n] = te;
	st->ferr[st->n] = ferr;
	st->n++;
}

/* The options' two-node network, as the first slice ran it. */
static void legacy_scn(const struct opts *o, struct sim_scn *sc)
{
	struct sim_node_cfg *c;
	struct scn_link *l;

	scn_init(sc, "options");
	c = &sc->node[0];
	sim_node_cfg_default(c, SIM_GM);
	snprintf(sc->names[0], SIM_NAME_MAX, "gm");
	c->name = sc->names[0];
	c->priority1 = 1;
	c->ts_noise_ns = o->ts_noise_ns;
	c = &sc->node[1];
	sim_node_cfg_default(c, SIM_OC);
	snprintf(sc->names[1], SIM_NAME_MAX, "slave");
	c->name = sc->names[1];
	c->servo = o->servo;
	c->freq_ppb = o->freq_ppb;
	c->wander_ppb = o->wander;
	c->offset_ns = o->offset_ns;
	c->ts_noise_ns = o->ts_noise_ns;
	sc->node[0].log_sync = sc->node[1].log_sync = (int8_t)o->sync_log;
	sc->node[0].log_delay_req = sc->node[1].log_delay_req =
		(int8_t)o->sync_log;
	sc->n_nodes = 2;
	l = &sc->link[0];
	l->a = 0;
	l->b = 1;
	l->ab.delay_ns = l->ba.delay_ns = o->delay_ns;
	l->ab.jitter = l->ba.jitter = o->jitter_ns > 0 ? SIM_JIT_EXP :
							SIM_JIT_NONE;
	l->ab.jitter_ns = l->ba.jitter_ns = o->jitter_ns;
	sc->n_links = 1;
	sc->wander_ms = o->wander_ms;
}

static FILE *trace_f;

static void on_note(struct sim *s, const char *line)
{
	bool *quiet = s->note_ctx;

	if (trace_f) {
		fprintf(trace_f, "# note %.3f %s\n", s->now / 1e9, line);
	}
	if (!*quiet) {
		printf("t=%.3f note %s\n", s->now / 1e9, line);
	}
}

static void trace_line(struct sim *s, const struct sim_node *n,
		       const char *name, unsigned p, const char *pstate)
{
	fprintf(trace_f, "%.3f %s %" PRId64 " %.3f %s %s\n", s->now / 1e9,
		name, sim_te_ns(s, n, p),
		sim_sppb_to_ppb(sim_model_rate(&n->phc[p].m)), pstate,
		sim_servo_state(s, n, p));
}

static void stat_tick(struct sim *s, struct series *ser)
{
	char name[SIM_NAME_MAX + 8];
	unsigned i, p, m;

	for (i = 0; i < s->n_nodes; i++) {
		const struct sim_node *n = &s->node[i];

		m = sim_main_phc(n);
		series_add(&ser[i], (double)sim_te_ns(s, n, m),
			   sim_sppb_to_ppb(sim_model_rate(&n->phc[m].m)));
		if (!trace_f) {
			continue;
		}
		trace_line(s, n, n->name, m, sim_port_state(n));
		for (p = 0; n->kind == SIM_BC && p < n->n_phc; p++) {
			snprintf(name, sizeof(name), "%s.p%u", n->name, p);
			trace_line(s, n, name, p, "-");
		}
	}
}

/* max |TE| of a series over [from, to) ns. */
static double te_max(const struct series *st, int64_t stat_ns, int64_t from,
		     int64_t to)
{
	double m = 0.0;
	size_t k;

	for (k = 0; k < st->n; k++) {
		int64_t t = (int64_t)(k + 1) * stat_ns;

		if (t >= from && t < to && fabs(st->te[k]) > m) {
			m = fabs(st->te[k]);
		}
	}
	return m;
}

/*
 * After a kill with a grandmaster left: per BC, the switch (the old
 * slave port's announce receipt timeout: the loss detectable; the next
 * port's S1 and SLAVE after it); per node, max|TE| in the 60 s before
 * the kill and in the 60 s from it (the transient).
 */
static void failover_lines(struct sim *s, const struct series *ser,
			   int64_t stat_ns)
{
	int64_t k = s->first_kill_ns, w = 60 * NS_PER_SEC;
	unsigned i;

	if (s->all_gm_dead_ns >= 0) {
		return;
	}
	for (i = 0; i < s->n_nodes; i++) {
		const struct sim_node *n = &s->node[i];

		if (n->kind != SIM_BC || n->lost_ns < 0) {
			continue;
		}
		printf("failover node=%s lost_s=%.3f lost_port=%d "
		       "new_port=%d s1_after_s=%.3f slave_after_s=%.3f "
		       "announce_s=%g\n", n->name, n->lost_ns / 1e9,
		       n->lost_port, n->new_port,
		       n->new_s1_ns >= 0 ?
		       (n->new_s1_ns - n->lost_ns) / 1e9 : -1.0,
		       n->new_slave_ns >= 0 ?
		       (n->new_slave_ns - n->lost_ns) / 1e9 : -1.0,
		       ldexp(1.0, n->port[0].cfg.ds.logAnnounceInterval));
	}
	for (i = 0; i < s->n_nodes; i++) {
		if (s->node[i].kind == SIM_GM) {
			continue;
		}
		printf("transient node=%s pre_max_ns=%.0f max_ns=%.0f\n",
		       s->node[i].name,
		       te_max(&ser[i], stat_ns, k - w, k),
		       te_max(&ser[i], stat_ns, k, k + w));
	}
}

/*
 * The last grandmaster gone: per BC, the drift at 100 s and 1000 s from
 * the holdover's start next to the oscillator model's (the frequency
 * error held, ferr0 * T, and the random walk of W ppb/sqrt(s): RMS
 * W * sqrt(T^3 / 3) ns; together their root sum of squares), and the
 * clockClass steps with the times the configuration gives (holdover
 * after holdover_intervals sync intervals without a sample, out of its
 * specification holdover_s later).
 */
static void holdover_lines(struct sim *s, const struct series *ser,
			   int64_t stat_ns)
{
	static const double T[2] = { 100.0, 1000.0 };
	unsigned i, j;

	if (s->all_gm_dead_ns < 0) {
		return;
	}
	for (i = 0; i < s->n_nodes; i++) {
		const struct sim_node *n = &s->node[i];
		const struct clkctl_cfg *cc = &n->cr.cc.cfg;
		int64_t h0, exp_in;
		size_t k0;
		double f0;

		if (n->kind != SIM_BC) {
			continue;
		}
		exp_in = s->all_gm_dead_ns + (int64_t)llround(
			cc->holdover_intervals * cc->sync_interval_s * 1e9);
		h0 = n->ho_in_ns >= 0 ? n->ho_in_ns : exp_in;
		k0 = (size_t)(h0 / stat_ns);
		/* the frequency held: a second into the holdover */
		f0 = k0 + 10 < ser[i].n ? ser[i].ferr[k0 + 10] : 0.0;
		printf("holdover node=%s start_s=%.3f ferr0_ppb=%.3f "
		       "wander_ppb=%g", n->name, h0 / 1e9, f0, n->wander_ppb);
		for (j = 0; j < 2; j++) {
			size_t k = k0 + (size_t)llround(T[j] * 1e9 / stat_ns);
			double lin = f0 * T[j];
			double rw = n->wander_ppb * sqrt(T[j] * T[j] * T[j] /
							 3.0);

			printf(" drift%g_ns=%.0f theory%g_ns=%.0f "
			       "lin%g_ns=%.0f rw%g_rms_ns=%.0f", T[j],
			       k < ser[i].n && k0 < ser[i].n ?
			       fabs(ser[i].te[k] - ser[i].te[k0]) : -1.0, T[j],
			       sqrt(lin * lin + rw * rw), T[j], lin, T[j], rw);
		}
		printf("\n");
		printf("classes node=%s locked=%u holdover_in=%u at_s=%.3f "
		       "expect_s=%.3f holdover_out=%u at_s=%.3f "
		       "expect_s=%.3f\n", n->name, cc->cls.locked,
		       cc->cls.holdover_in,
		       n->ho_in_ns >= 0 ? n->ho_in_ns / 1e9 : -1.0,
		       exp_in / 1e9, cc->cls.holdover_out,
		       n->ho_out_ns >= 0 ? n->ho_out_ns / 1e9 : -1.0,
		       (exp_in + cc->holdover_spec_ns) / 1e9);
	}
}

int main(int argc, char **argv)
{
	struct opts o = {
		.seed = 1, .duration_s = 600, .sync_log = 0,
		.freq_ppb = 100000, .wander = 1.0, .wander_ms = 1000,
		.delay_ns = 100, .jitter_ns = 100, .ts_noise_ns = 5,
		.offset_ns = 0, .stat_ms = 100, .servo = SERVO_PI,
	};
	struct series ser[SIM_MAX_NODES];
	struct sim_figures fig;
	struct sim_fig_in fin;
	struct sim_scn *sc;
	struct sim_node *sl = NULL;
	char buf[512];
	struct sim_ev ev;
	struct sim *s;
	int64_t end, stat_ns, wander_ns;
	unsigned i;

	if (parse(argc, argv, &o) < 0) {
		return 2;
	}
	s = malloc(sizeof(*s));
	sc = malloc(sizeof(*sc));
	if (!s || !sc) {
		return 2;
	}
	if (o.scenario) {
		if (scn_load(sc, o.scenario, stderr) < 0) {
			return 2;
		}
		if (o.have_seed) {
			sc->seed = o.seed;
		}
		if (o.have_duration) {
			sc->duration_s = o.duration_s;
		}
		if (o.have_stat) {
			sc->stat_ms = o.stat_ms;
		}
	} else {
		legacy_scn(&o, sc);
		sc->seed = o.seed;
		sc->duration_s = o.duration_s;
		sc->stat_ms = o.stat_ms;
	}
	sim_init(s);
	if (scn_build(sc, s) < 0) {
		return 2;
	}
	if (!o.scenario) {
		sl = &s->node[1];
	}
	if (o.trace) {
		trace_f = fopen(o.trace, "w");
		if (!trace_f) {
			perror(o.trace);
			return 2;
		}
		fprintf(trace_f, "# meridian-sim trace v1 scenario=%s "
			"seed=%" PRIu64 " stat_ms=%" PRId64 " duration_s=%g\n",
			sc->name, sc->seed, sc->stat_ms, sc->duration_s);
		for (i = 0; i < s->n_nodes; i++) {
			fprintf(trace_f, "# node %s role=%s hops=%d\n",
				s->node[i].name,
				sim_kind_str(s->node[i].kind),
				s->node[i].hops);
		}
		for (i = 0; i < s->n_sev; i++) {
			fprintf(trace_f, "# event %.3f %s\n",
				s->sev[i].t / 1e9, s->sev[i].text);
		}
	}
	s->note = on_note;
	s->note_ctx = &o.quiet;
	memset(ser, 0, sizeof(ser));

	end = (int64_t)llround(sc->duration_s * 1e9);
	stat_ns = sc->stat_ms * 1000000;
	wander_ns = sc->wander_ms * 1000000;
	sim_start(s);
	sim_push(s, wander_ns, SE_WANDER, 0, 0);
	sim_push(s, stat_ns, SE_STAT, 0, 0);
	if (sl) {
		sim_push(s, NS_PER_SEC, SE_REPORT, sl->id, 0);
	}
	while (sim_step(s, end, &ev)) {
		switch (ev.kind) {
		case SE_WANDER:
			for (i = 0; i < s->n_nodes; i++) {
				sim_wander_step(s, &s->node[i]);
			}
			sim_push(s, s->now + wander_ns, SE_WANDER, 0, 0);
			break;
		case SE_STAT:
			stat_tick(s, ser);
			sim_push(s, s->now + stat_ns, SE_STAT, 0, 0);
			break;
		case SE_REPORT:
			if (!o.quiet) {
				printf("t=%" PRId64 " te_ns=%" PRId64
				       " freq_ppb=%.3f ferr_ppb=%.3f state=%s"
				       " servo=%s\n", (int64_t)(s->now / NS_PER_SEC),
				       sim_te_ns(s, sl, 0),
				       sim_sppb_to_ppb(sl->phc[0].m.adj_sppb),
				       sim_sppb_to_ppb(sim_model_rate(
						       &sl->phc[0].m)),
				       sim_port_state(sl),
				       sim_servo_state(s, sl, 0));
			}
			sim_push(s, s->now + NS_PER_SEC, SE_REPORT, ev.node,
				 0);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < s->n_nodes; i++) {
		const struct sim_node *n = &s->node[i];

		if (n->kind == SIM_GM) {
			continue;
		}
		memset(&fin, 0, sizeof(fin));
		fin.te_ns = ser[i].te;
		fin.ferr_ppb = ser[i].ferr;
		fin.n = ser[i].n;
		fin.period_ns = stat_ns;
		fin.end_ns = s->all_gm_dead_ns > 0 ? s->all_gm_dead_ns : 0;
		fin.holdover_start_ns = s->all_gm_dead_ns;
		fin.judge_from_ns = (int64_t)llround(sc->judge_s * 1e9);
		if (!fin.n || sim_figures(&fin, &fig) < 0) {
			memset(&fig, 0, sizeof(fig));
		}
		sim_figures_fmt(&fig, buf, sizeof(buf));
		printf("node=%s role=%s hops=%d %s steps=%" PRIu64 "\n",
		       n->name, sim_kind_str(n->kind), n->hops, buf,
		       n->steps);
	}
	if (s->first_kill_ns >= 0) {
		failover_lines(s, ser, stat_ns);
		holdover_lines(s, ser, stat_ns);
	}
	printf("sim: %u nodes, %g virtual s, %" PRIu64 " events\n",
	       s->n_nodes, sc->duration_s, s->q.next_order);
	if (trace_f) {
		fclose(trace_f);
	}
	for (i = 0; i < s->n_nodes; i++) {
		free(ser[i].te);
		free(ser[i].ferr);
	}
	sim_fini(s);
	free(s);
	free(sc);
	return 0;
}
