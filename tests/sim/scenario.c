// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scenario.c - meridian-sim's scenario files (format in scenario.h).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define MAX_TOK 32

void scn_init(struct sim_scn *sc, const char *name)
{
	memset(sc, 0, sizeof(*sc));
	snprintf(sc->name, sizeof(sc->name), "%s", name);
	sc->duration_s = 600;
	sc->stat_ms = 100;
	sc->wander_ms = 1000;
	sc->seed = 1;
}

static int fail(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int num(const char *v, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	return errno || end == v || *end || !isfinite(*out) ? -1 : 0;
}

static int node_index(const struct sim_scn *sc, const char *name)
{
	unsigned i;

	for (i = 0; i < sc->n_nodes; i++) {
		if (!strcmp(sc->names[i], name)) {
			return (int)i;
		}
	}
	return -1;
}

/* "NAME:PORT" */
static int endpoint(const struct sim_scn *sc, const char *tok, unsigned *node,
		    unsigned *port, char *msg, size_t len)
{
	char name[SIM_NAME_MAX];
	const char *colon = strchr(tok, ':');
	double p;
	int i;

	if (!colon || (size_t)(colon - tok) >= sizeof(name)) {
		return fail(msg, len, "%s: want NODE:PORT", tok);
	}
	memcpy(name, tok, (size_t)(colon - tok));
	name[colon - tok] = 0;
	i = node_index(sc, name);
	if (i < 0) {
		return fail(msg, len, "unknown node %s", name);
	}
	if (num(colon + 1, &p) < 0 || p < 0 || p != floor(p) ||
	    p >= sc->node[i].n_ports) {
		return fail(msg, len, "%s: no such port (%u ports)", tok,
			    sc->node[i].n_ports);
	}
	*node = (unsigned)i;
	*port = (unsigned)p;
	return 0;
}

static int find_link(const struct sim_scn *sc, unsigned a, unsigned ap,
		     unsigned b, unsigned bp)
{
	unsigned i;

	for (i = 0; i < sc->n_links; i++) {
		const struct scn_link *l = &sc->link[i];

		if ((l->a == a && l->ap == ap && l->b == b && l->bp == bp) ||
		    (l->a == b && l->ap == bp && l->b == a && l->bp == ap)) {
			return (int)i;
		}
	}
	return -1;
}

static int run_kv(struct sim_scn *sc, const char *k, double v, char *msg,
		  size_t len)
{
	if (!strcmp(k, "duration")) {
		if (v <= 0) {
			return fail(msg, len, "duration must be > 0");
		}
		sc->duration_s = v;
	} else if (!strcmp(k, "stat_ms")) {
		if (v < 1 || v != floor(v)) {
			return fail(msg, len, "stat_ms must be >= 1");
		}
		sc->stat_ms = (int64_t)v;
	} else if (!strcmp(k, "wander_ms")) {
		if (v < 1 || v != floor(v)) {
			return fail(msg, len, "wander_ms must be >= 1");
		}
		sc->wander_ms = (int64_t)v;
	} else if (!strcmp(k, "judge_s")) {
		if (v < 0) {
			return fail(msg, len, "judge_s must be >= 0");
		}
		sc->judge_s = v;
	} else if (!strcmp(k, "seed")) {
		if (v < 0 || v != floor(v)) {
			return fail(msg, len, "bad seed");
		}
		sc->seed = (uint64_t)v;
	} else {
		return fail(msg, len, "unknown run key %s", k);
	}
	return 0;
}

static int in_range(double v, double lo, double hi)
{
	return v >= lo && v <= hi && v == floor(v);
}

static int node_kv(struct sim_node_cfg *c, const char *k, const char *val,
		   bool *have_dreq, char *msg, size_t len)
{
	double v = 0;
	bool is_num = num(val, &v) == 0;

	if (!strcmp(k, "servo")) {
		if (!strcmp(val, "pi")) {
			c->servo = SERVO_PI;
		} else if (!strcmp(val, "linreg")) {
			c->servo = SERVO_LINREG;
		} else if (!strcmp(val, "kalman")) {
			c->servo = SERVO_KALMAN;
		} else {
			return fail(msg, len, "servo: pi, linreg or kalman");
		}
		return 0;
	}
	if (!strcmp(k, "ts")) {
		if (!strcmp(val, "ideal")) {
			c->ts = SIM_TS_IDEAL;
		} else if (!strcmp(val, "hw")) {
			c->ts = SIM_TS_HW;
			c->ts_quant_ns = 8;
			c->ts_noise_ns = 4;
		} else if (!strcmp(val, "sw")) {
			c->ts = SIM_TS_SW;
			c->ts_noise_ns = 300;
			c->ts_late_p = 0.02;
			c->ts_late_ns = 3000;
		} else {
			return fail(msg, len, "ts: ideal, hw or sw");
		}
		return 0;
	}
	if (!strcmp(k, "delay_filter")) {
		if (!strcmp(val, "median")) {
			c->delay_filter = PORT_DF_MEDIAN;
		} else if (!strcmp(val, "mean")) {
			c->delay_filter = PORT_DF_MEAN;
		} else {
			return fail(msg, len, "delay_filter: median or mean");
		}
		return 0;
	}
	if (!strcmp(k, "e2e_sample")) {
		if (!strcmp(val, "sync")) {
			c->e2e_sample = PORT_ES_SYNC;
		} else if (!strcmp(val, "both")) {
			c->e2e_sample = PORT_ES_BOTH;
		} else {
			return fail(msg, len, "e2e_sample: sync or both");
		}
		return 0;
	}
	if (!strcmp(k, "delay")) {
		if (!strcmp(val, "e2e") || !strcmp(val, "p2p")) {
			c->p2p = !strcmp(val, "p2p");
			return 0;
		}
		return fail(msg, len, "delay: e2e or p2p");
	}
	if (!is_num) {
		return fail(msg, len, "%s: not a number: %s", k, val);
	}
	if (!strcmp(k, "ports")) {
		if (!in_range(v, 1, SIM_MAX_PORTS)) {
			return fail(msg, len, "ports: 1..%d", SIM_MAX_PORTS);
		}
		c->n_ports = (unsigned)v;
	} else if (!strcmp(k, "priority1") || !strcmp(k, "priority2") ||
		   !strcmp(k, "clock_class")) {
		if (!in_range(v, 0, 255)) {
			return fail(msg, len, "%s: 0..255", k);
		}
		if (k[0] == 'c') {
			c->clock_class = (uint8_t)v;
		} else if (k[8] == '1') {
			c->priority1 = (uint8_t)v;
		} else {
			c->priority2 = (uint8_t)v;
		}
	} else if (!strcmp(k, "sync") || !strcmp(k, "delay_req") ||
		   !strcmp(k, "announce")) {
		if (!in_range(v, -7, 4)) {
			return fail(msg, len, "%s: a log2 interval, -7..4",
				    k);
		}
		if (k[0] == 's') {
			c->log_sync = (int8_t)v;
			if (!*have_dreq) {
				c->log_delay_req = (int8_t)v;
			}
		} else if (k[0] == 'd') {
			c->log_delay_req = (int8_t)v;
			*have_dreq = true;
		} else {
			c->log_announce = (int8_t)v;
		}
	} else if (!strcmp(k, "freq_ppb")) {
		if (fabs(v) > 500000) {
			return fail(msg, len, "freq_ppb: within 500 ppm");
		}
		c->freq_ppb = v;
	} else if (!strcmp(k, "phc_spread_ppb")) {
		c->phc_spread_ppb = v;
	} else if (!strcmp(k, "wander")) {
		if (v < 0) {
			return fail(msg, len, "wander must be >= 0");
		}
		c->wander_ppb = v;	/* per sqrt(s): scaled at build */
	} else if (!strcmp(k, "offset_ns")) {
		c->offset_ns = (int64_t)v;
	} else if (!strcmp(k, "ts_noise_ns") || !strcmp(k, "ts_quant_ns") ||
		   !strcmp(k, "ts_late_ns") || !strcmp(k, "xnoise_ns")) {
		if (v < 0) {
			return fail(msg, len, "%s must be >= 0", k);
		}
		if (!strcmp(k, "ts_noise_ns")) {
			c->ts_noise_ns = v;
		} else if (!strcmp(k, "ts_quant_ns")) {
			c->ts_quant_ns = v;
		} else if (!strcmp(k, "ts_late_ns")) {
			c->ts_late_ns = v;
		} else {
			c->xnoise_ns = v;
		}
	} else if (!strcmp(k, "delay_filter_len")) {
		if (!in_range(v, 1, PORT_DF_LEN_MAX)) {
			return fail(msg, len, "delay_filter_len: 1..%d",
				    PORT_DF_LEN_MAX);
		}
		c->delay_filter_len = (uint16_t)v;
	} else if (!strcmp(k, "master_only") || !strcmp(k, "holdover_s")) {
		if (v < 0 || (k[0] == 'm' && v > 1)) {
			return fail(msg, len, "%s: out of range", k);
		}
		if (k[0] == 'm') {
			c->master_only = v > 0;
		} else {
			c->holdover_spec_s = v;
		}
	} else if (!strcmp(k, "ts_late_p")) {
		if (v < 0 || v > 1) {
			return fail(msg, len, "ts_late_p: 0..1");
		}
		c->ts_late_p = v;
	} else {
		return fail(msg, len, "unknown node key %s", k);
	}
	return 0;
}

static int link_kv(struct scn_link *l, const char *k, const char *val,
		   int64_t *delay, int64_t *asym, char *msg, size_t len)
{
	enum sim_jitter j = SIM_JIT_NONE;
	double v;

	if (!strcmp(k, "jitter")) {
		if (!strcmp(val, "none")) {
			l->ab.jitter = l->ba.jitter = SIM_JIT_NONE;
			return 0;
		}
		if (!strncmp(val, "exp:", 4)) {
			j = SIM_JIT_EXP;
		} else if (!strncmp(val, "normal:", 7)) {
			j = SIM_JIT_NORMAL;
		} else {
			return fail(msg, len, "jitter: exp:MEAN, "
				    "normal:SIGMA or none");
		}
		if (num(strchr(val, ':') + 1, &v) < 0 || v < 0) {
			return fail(msg, len, "jitter: bad value %s", val);
		}
		l->ab.jitter = l->ba.jitter = j;
		l->ab.jitter_ns = l->ba.jitter_ns = v;
		return 0;
	}
	if (num(val, &v) < 0) {
		return fail(msg, len, "%s: not a number: %s", k, val);
	}
	if (!strcmp(k, "delay_ns")) {
		if (v < 0) {
			return fail(msg, len, "delay_ns must be >= 0");
		}
		*delay = (int64_t)v;
	} else if (!strcmp(k, "asym_ns")) {
		*asym = (int64_t)v;
	} else if (!strcmp(k, "corr_ns")) {
		l->corr_ns = (int64_t)v;
	} else if (!strcmp(k, "loss")) {
		if (v < 0 || v >= 1) {
			return fail(msg, len, "loss: 0..1");
		}
		l->ab.loss = l->ba.loss = v;
	} else {
		return fail(msg, len, "unknown link key %s", k);
	}
	return 0;
}

static int split_kv(char *tok, char **val, char *msg, size_t len)
{
	char *eq = strchr(tok, '=');

	if (!eq || eq == tok || !eq[1]) {
		return fail(msg, len, "%s: want key=value", tok);
	}
	*eq = 0;
	*val = eq + 1;
	return 0;
}

static int line_node(struct sim_scn *sc, char **tok, int n, char *msg,
		     size_t len)
{
	struct sim_node_cfg *c;
	enum sim_kind kind;
	bool have_dreq = false;
	char *val;
	int i;

	if (n < 3) {
		return fail(msg, len, "node NAME gm|oc|bc [key=value...]");
	}
	if (strlen(tok[1]) >= SIM_NAME_MAX || strchr(tok[1], ':') ||
	    strchr(tok[1], '.')) {
		return fail(msg, len, "bad node name %s", tok[1]);
	}
	if (node_index(sc, tok[1]) >= 0) {
		return fail(msg, len, "node %s defined twice", tok[1]);
	}
	if (sc->n_nodes >= SIM_MAX_NODES) {
		return fail(msg, len, "too many nodes (%d)", SIM_MAX_NODES);
	}
	if (!strcmp(tok[2], "gm")) {
		kind = SIM_GM;
	} else if (!strcmp(tok[2], "oc")) {
		kind = SIM_OC;
	} else if (!strcmp(tok[2], "bc")) {
		kind = SIM_BC;
	} else {
		return fail(msg, len, "node kind: gm, oc or bc, not %s",
			    tok[2]);
	}
	c = &sc->node[sc->n_nodes];
	sim_node_cfg_default(c, kind);
	if (kind == SIM_BC) {
		c->n_ports = 2;
	}
	for (i = 3; i < n; i++) {
		if (split_kv(tok[i], &val, msg, len) < 0 ||
		    node_kv(c, tok[i], val, &have_dreq, msg, len) < 0) {
			return -1;
		}
	}
	if (kind != SIM_BC && c->n_ports != 1) {
		return fail(msg, len, "only a bc has several ports");
	}
	snprintf(sc->names[sc->n_nodes], SIM_NAME_MAX, "%s", tok[1]);
	c->name = sc->names[sc->n_nodes];
	sc->n_nodes++;
	return 0;
}

static int line_link(struct sim_scn *sc, char **tok, int n, char *msg,
		     size_t len)
{
	struct scn_link *l;
	int64_t delay = 0, asym = 0;
	unsigned k;
	char *val;
	int i;

	if (n < 3) {
		return fail(msg, len, "link A:P B:Q [key=value...]");
	}
	if (sc->n_links >= SIM_MAX_LINKS) {
		return fail(msg, len, "too many links (%d)", SIM_MAX_LINKS);
	}
	l = &sc->link[sc->n_links];
	memset(l, 0, sizeof(*l));
	if (endpoint(sc, tok[1], &l->a, &l->ap, msg, len) < 0 ||
	    endpoint(sc, tok[2], &l->b, &l->bp, msg, len) < 0) {
		return -1;
	}
	if (l->a == l->b) {
		return fail(msg, len, "a link between two ports of one node");
	}
	for (k = 0; k < sc->n_links; k++) {
		const struct scn_link *o = &sc->link[k];

		if ((o->a == l->a && o->ap == l->ap) ||
		    (o->b == l->a && o->bp == l->ap)) {
			return fail(msg, len, "%s is already linked", tok[1]);
		}
		if ((o->a == l->b && o->ap == l->bp) ||
		    (o->b == l->b && o->bp == l->bp)) {
			return fail(msg, len, "%s is already linked", tok[2]);
		}
	}
	for (i = 3; i < n; i++) {
		if (split_kv(tok[i], &val, msg, len) < 0 ||
		    link_kv(l, tok[i], val, &delay, &asym, msg, len) < 0) {
			return -1;
		}
	}
	if (delay - llabs(asym) / 2 < 0) {
		return fail(msg, len, "asym_ns larger than twice delay_ns");
	}
	l->ab.delay_ns = delay + asym / 2;
	l->ba.delay_ns = delay - asym / 2;
	sc->n_links++;
	return 0;
}

static int line_at(struct sim_scn *sc, char **tok, int n, char *msg,
		   size_t len)
{
	struct sim_sev *e;
	unsigned a, ap, b, bp;
	double t, v;
	int i, k;

	if (n < 4 || num(tok[1], &t) < 0 || t < 0) {
		return fail(msg, len, "at T kill|link_down|link_up|"
			    "freq_step ...");
	}
	if (sc->n_ev >= SIM_MAX_SEV) {
		return fail(msg, len, "too many events (%d)", SIM_MAX_SEV);
	}
	e = &sc->ev[sc->n_ev];
	memset(e, 0, sizeof(*e));
	e->t = (int64_t)llround(t * 1e9);
	if (!strcmp(tok[2], "kill") || !strcmp(tok[2], "freq_step")) {
		bool fs = tok[2][0] == 'f';

		if (n != (fs ? 5 : 4)) {
			return fail(msg, len, fs ? "at T freq_step NODE PPB" :
				    "at T kill NODE");
		}
		i = node_index(sc, tok[3]);
		if (i < 0) {
			return fail(msg, len, "unknown node %s", tok[3]);
		}
		e->node = (unsigned)i;
		e->kind = fs ? SEV_FREQ_STEP : SEV_KILL;
		if (fs) {
			if (num(tok[4], &v) < 0 || fabs(v) > 100000) {
				return fail(msg, len, "freq_step: ppb, "
					    "within 100 ppm");
			}
			e->ppb = v;
		}
	} else if (!strcmp(tok[2], "link_down") ||
		   !strcmp(tok[2], "link_up")) {
		if (n != 5) {
			return fail(msg, len, "at T %s A:P B:Q", tok[2]);
		}
		if (endpoint(sc, tok[3], &a, &ap, msg, len) < 0 ||
		    endpoint(sc, tok[4], &b, &bp, msg, len) < 0) {
			return -1;
		}
		k = find_link(sc, a, ap, b, bp);
		if (k < 0) {
			return fail(msg, len, "no link %s %s", tok[3], tok[4]);
		}
		e->link = (unsigned)k;
		e->kind = tok[2][5] == 'd' ? SEV_LINK_DOWN : SEV_LINK_UP;
	} else {
		return fail(msg, len, "unknown event %s", tok[2]);
	}
	/* the text for the trace: the line as written, after T */
	e->text[0] = 0;
	for (i = 2; i < n; i++) {
		size_t l = strlen(e->text);

		snprintf(e->text + l, sizeof(e->text) - l, "%s%s",
			 i > 2 ? " " : "", tok[i]);
	}
	sc->n_ev++;
	return 0;
}

int scn_line(struct sim_scn *sc, char *line, char *msg, size_t len)
{
	char *tok[MAX_TOK], *save = NULL, *p, *hash;
	int n = 0, i;
	char *val;

	hash = strchr(line, '#');
	if (hash) {
		*hash = 0;
	}
	for (p = strtok_r(line, " \t\r\n", &save); p;
	     p = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_TOK) {
			return fail(msg, len, "too many words");
		}
		tok[n++] = p;
	}
	if (!n) {
		return 0;
	}
	if (!strcmp(tok[0], "run")) {
		for (i = 1; i < n; i++) {
			double v;

			if (split_kv(tok[i], &val, msg, len) < 0) {
				return -1;
			}
			if (num(val, &v) < 0) {
				return fail(msg, len, "%s: not a number: %s",
					    tok[i], val);
			}
			if (run_kv(sc, tok[i], v, msg, len) < 0) {
				return -1;
			}
		}
		return 0;
	}
	if (!strcmp(tok[0], "node")) {
		return line_node(sc, tok, n, msg, len);
	}
	if (!strcmp(tok[0], "link")) {
		return line_link(sc, tok, n, msg, len);
	}
	if (!strcmp(tok[0], "at")) {
		return line_at(sc, tok, n, msg, len);
	}
	return fail(msg, len, "unknown line %s (run, node, link, at)",
		    tok[0]);
}

int scn_load(struct sim_scn *sc, const char *path, FILE *err)
{
	char line[512], msg[160];
	const char *base, *dot;
	unsigned lineno = 0;
	size_t l;
	FILE *f;

	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	l = dot ? (size_t)(dot - base) : strlen(base);
	scn_init(sc, "");
	snprintf(sc->name, sizeof(sc->name), "%.*s", (int)l, base);
	f = fopen(path, "r");
	if (!f) {
		fprintf(err, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(err, "%s:%u: line too long\n", path, lineno);
			fclose(f);
			return -1;
		}
		if (scn_line(sc, line, msg, sizeof(msg)) < 0) {
			fprintf(err, "%s:%u: %s\n", path, lineno, msg);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (!sc->n_nodes) {
		fprintf(err, "%s:%u: no nodes\n", path, lineno);
		return -1;
	}
	return 0;
}

int scn_build(const struct sim_scn *sc, struct sim *s)
{
	struct sim_node_cfg nc;
	struct sim_dir ab, ba;
	uint64_t seed = sc->seed;
	unsigned i;

	for (i = 0; i < sc->n_nodes; i++) {
		nc = sc->node[i];
		/* a random walk: sigma of one step = W * sqrt(step) */
		nc.wander_ppb = nc.wander_ppb * sqrt(sc->wander_ms / 1000.0);
		nc.seed = sim_splitmix64(&seed);
		if (sim_node_add(s, &nc) < 0) {
			fprintf(stderr, "meridian-sim: cannot create node "
				"%s\n", nc.name);
			return -1;
		}
	}
	for (i = 0; i < sc->n_links; i++) {
		const struct scn_link *l = &sc->link[i];

		ab = l->ab;
		ba = l->ba;
		sim_rng_seed(&ab.rng, sim_splitmix64(&seed));
		sim_rng_seed(&ba.rng, sim_splitmix64(&seed));
		if (sim_link_add(s, l->a, l->ap, l->b, l->bp, &ab, &ba,
				 l->corr_ns) < 0) {
			fprintf(stderr, "meridian-sim: cannot create link "
				"%u\n", i);
			return -1;
		}
	}
	for (i = 0; i < sc->n_ev; i++) {
		sim_sev_add(s, &sc->ev[i]);
	}
	sim_hops(s);
	return 0;
}
