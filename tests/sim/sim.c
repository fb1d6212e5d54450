// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim.c - the simulator's engine and nodes: random numbers, the event
 * heap, the models (links, timestamps, oscillators), the executor of the
 * port core's actions as portd's loop.c carries them out, and the clock
 * policies: portd/standalone.c on a grandmaster or an ordinary clock,
 * bmcad and clockd on a boundary clock; on virtual time and simulated
 * PHCs.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* ---- random numbers ------------------------------------------------------- */

uint64_t sim_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	unsigned i;

	for (i = 0; i < 4; i++) {
		r->s[i] = sim_splitmix64(&seed);
	}
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double sim_rng_uniform(struct sim_rng *r)
{
	return ((sim_rng_next(r) >> 11) + 1) * 0x1.0p-53;
}

/* Box-Muller, one value per two draws (no cached second value: a draw is
 * always two numbers, which keeps sequences easy to reason about). */
double sim_rng_normal(struct sim_rng *r)
{
	double u1 = sim_rng_uniform(r);
	double u2 = sim_rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double sim_rng_exp(struct sim_rng *r, double mean)
{
	return -mean * log(sim_rng_uniform(r));
}

/* ---- the event heap ------------------------------------------------------- */

void sim_queue_init(struct sim_queue *q)
{
	memset(q, 0, sizeof(*q));
}

void sim_queue_fini(struct sim_queue *q)
{
	unsigned i;

	for (i = 0; i < q->n; i++) {
		free(q->h[i].pkt);
	}
	free(q->h);
	memset(q, 0, sizeof(*q));
}

static bool ev_less(const struct sim_ev *a, const struct sim_ev *b)
{
	return a->t < b->t || (a->t == b->t && a->order < b->order);
}

void sim_queue_push(struct sim_queue *q, const struct sim_ev *ev)
{
	struct sim_ev tmp;
	unsigned i, p;

	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 64;
		q->h = realloc(q->h, q->cap * sizeof(*q->h));
		if (!q->h) {
			fprintf(stderr, "meridian-sim: out of memory\n");
			exit(2);
		}
	}
	i = q->n++;
	q->h[i] = *ev;
	q->h[i].order = q->next_order++;
	while (i > 0) {
		p = (i - 1) / 2;
		if (!ev_less(&q->h[i], &q->h[p])) {
			break;
		}
		tmp = q->h[p];
		q->h[p] = q->h[i];
		q->h[i] = tmp;
		i = p;
	}
}

bool sim_queue_pop(struct sim_queue *q, struct sim_ev *ev)
{
	struct sim_ev tmp;
	unsigned i = 0, l, r, m;

	if (!q->n) {
		return false;
	}
	*ev = q->h[0];
	q->h[0] = q->h[--q->n];
	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < q->n && ev_less(&q->h[l], &q->h[m])) {
			m = l;
		}
		if (r < q->n && ev_less(&q->h[r], &q->h[m])) {
			m = r;
		}
		if (m == i) {
			break;
		}
		tmp = q->h[m];
		q->h[m] = q->h[i];
		q->h[i] = tmp;
		i = m;
	}
	return true;
}

/* ---- models --------------------------------------------------------------- */

const char *sim_kind_str(enum sim_kind k)
{
	switch (k) {
	case SIM_GM:
		return "gm";
	case SIM_OC:
		return "oc";
	case SIM_BC:
		return "bc";
	}
	return "?";
}

int64_t sim_dir_delay(struct sim_dir *d)
{
	double j = 0.0;

	switch (d->jitter) {
	case SIM_JIT_EXP:
		j = sim_rng_exp(&d->rng, d->jitter_ns);
		break;
	case SIM_JIT_NORMAL:
		j = sim_rng_normal(&d->rng) * d->jitter_ns;
		break;
	case SIM_JIT_NONE:
		break;
	}
	if (d->delay_ns + j < 0.0) {
		j = (double)-d->delay_ns;
	}
	return d->delay_ns + (int64_t)llround(j);
}

/* true if the packet is lost (draws only when loss is configured). */
static bool dir_lost(struct sim_dir *d)
{
	return d->loss > 0.0 && sim_rng_uniform(&d->rng) <= d->loss;
}

tmv_t sim_true_time(int64_t t)
{
	return tmv_add(tmv_make(SIM_T0_SEC, 0), tmv_from_ns(t));
}

tmv_t sim_phc(const struct sim_node *n, unsigned p, int64_t t)
{
	return sim_model_eval(&n->phc[p].m, sim_true_time(t));
}

int64_t sim_te_ns(const struct sim *s, const struct sim_node *n, unsigned p)
{
	return tmv_to_ns_round(tmv_sub(sim_phc(n, p, s->now),
				       sim_true_time(s->now)));
}

unsigned sim_main_phc(const struct sim_node *n)
{
	return n->kind == SIM_BC && n->cr.ref >= 0 ? (unsigned)n->cr.ref : 0;
}

/* A timestamp of port pt of node n now: its PHC plus the timestamper's
 * error (quantisation to the PHC's tick, noise, and on a received packet
 * a late stamp: on veth only RX software stamps come late, the one-way
 * delays measured there are never far below their median). */
static tmv_t stamp(struct sim *s, struct sim_node *n, struct sim_port *pt,
		   bool rx)
{
	struct sim_ts *m = &n->ts;
	tmv_t ts = sim_phc(n, pt->phc, s->now);
	int64_t ns, q;
	double e = 0.0;

	if (m->kind == SIM_TS_IDEAL && m->noise_ns <= 0.0) {
		return ts;
	}
	if (m->noise_ns > 0.0) {
		e = sim_rng_normal(&m->rng) * m->noise_ns;
	}
	if (rx && m->late_p > 0.0 && sim_rng_uniform(&m->rng) <= m->late_p) {
		e += sim_rng_exp(&m->rng, m->late_ns);
	}
	ts = tmv_add(ts, tmv_from_ns((int64_t)llround(e)));
	q = (int64_t)m->quant_ns;
	if (q > 1) {
		ns = tmv_to_ns(ts);
		ns -= ((ns % q) + q) % q;
		ts = tmv_from_ns(ns);
	}
	return ts;
}

/* ---- the engine ------------------------------------------------------------ */

/* 2^l seconds in ns, l in -30..30. */
static int64_t log2_ns(int l)
{
	return l >= 0 ? NS_PER_SEC << l : NS_PER_SEC >> -l;
}

void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	sim_queue_init(&s->q);
	s->txts_lat_ns = 0;	/* before any answer can come back */
	s->all_gm_dead_ns = -1;
	s->first_kill_ns = -1;
}

void sim_fini(struct sim *s)
{
	unsigned i, p;

	for (i = 0; i < s->n_nodes; i++) {
		struct sim_node *n = &s->node[i];

		if (n->cc_ready) {
			clkctl_fini(&n->cc);
		}
		if (n->cr_ready) {
			clkref_fini(&n->cr);
		}
		for (p = 0; p < n->n_ports; p++) {
			port_core_destroy(n->port[p].pc);
		}
		free(n->bmc);
	}
	sim_queue_fini(&s->q);
}

void sim_push(struct sim *s, int64_t t, enum sim_ev_kind kind,
	      unsigned node, unsigned arg)
{
	struct sim_ev ev;

	memset(&ev, 0, sizeof(ev));
	ev.t = t;
	ev.kind = kind;
	ev.node = node;
	ev.arg = arg;
	sim_queue_push(&s->q, &ev);
}

static void note(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct sim *s, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	if (!s->note) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s->note(s, buf);
}

static struct pev *defer(struct sim_node *n, struct sim_port *pt,
			 enum pev_type type)
{
	struct pev *ev;

	if (pt->n_pending >= SIM_PENDING) {
		fprintf(stderr, "meridian-sim: %s: event queue full\n",
			n->name);
		return NULL;
	}
	ev = &pt->pending[pt->n_pending++];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	return ev;
}

void sim_node_cfg_default(struct sim_node_cfg *cfg, enum sim_kind kind)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->kind = kind;
	cfg->n_ports = 1;
	cfg->priority1 = kind == SIM_GM ? 128 : 128;
	cfg->priority2 = 128;
	cfg->clock_class = kind == SIM_GM ? 6 : 248;
	cfg->servo = SERVO_PI;
	cfg->log_announce = 1;
	cfg->phc_spread_ppb = 1000.0;
	cfg->ts = SIM_TS_IDEAL;
	cfg->xnoise_ns = 10.0;
	cfg->holdover_spec_s = 1000.0;
}

static int phc_init(struct sim_phc *ph, double freq_ppb, double wander_ppb,
		    int64_t offset_ns, uint64_t seed)
{
	int64_t sppb;

	if (sim_ppb_to_sppb(freq_ppb, &sppb) < 0 ||
	    sim_ppb_to_sppb(wander_ppb, &ph->wander_sppb) < 0) {
		return -1;
	}
	sim_model_init(&ph->m, sim_true_time(0),
		       tmv_add(sim_true_time(0), tmv_from_ns(offset_ns)),
		       sppb);
	sim_wander_init(&ph->w, seed, ph->wander_sppb);
	return 0;
}

int sim_node_add(struct sim *s, const struct sim_node_cfg *cfg)
{
	struct sim_node *n;
	struct clock_identity id;
	struct clkref_cfg rc;
	struct clkctl_cfg cc;
	uint64_t seed = cfg->seed;
	unsigned p;
	int lsync;

	if (s->n_nodes >= SIM_MAX_NODES || !cfg->n_ports ||
	    cfg->n_ports > SIM_MAX_PORTS ||
	    (cfg->kind != SIM_BC && cfg->n_ports != 1)) {
		return -1;
	}
	n = &s->node[s->n_nodes];
	memset(n, 0, sizeof(*n));
	n->id = s->n_nodes;
	snprintf(n->name, sizeof(n->name), "%s", cfg->name);
	n->kind = cfg->kind;
	n->n_ports = cfg->n_ports;
	n->n_phc = cfg->n_ports;
	n->hops = -1;
	n->first_slave_change_ns = -1;
	n->lost_ns = -1;
	n->lost_port = -1;
	n->new_s1_ns = -1;
	n->new_slave_ns = -1;
	n->new_port = -1;
	n->pub_state = -1;
	n->pub_slave = -1;
	n->ho_in_ns = -1;
	n->ho_out_ns = -1;
	n->wander_ppb = cfg->wander_ppb;
	n->holdover_spec_s = cfg->holdover_spec_s;

	/* clockIdentity 02:00:00:ff:fe:00:00:NN */
	memset(&id, 0, sizeof(id));
	id.id[0] = 0x02;
	id.id[3] = 0xff;
	id.id[4] = 0xfe;
	id.id[7] = (uint8_t)(n->id + 1);
	default_ds_init(&n->cds.dflt, &id, (uint16_t)n->n_ports);
	n->cds.dflt.priority1 = cfg->priority1;
	n->cds.dflt.priority2 = cfg->priority2;
	n->cds.dflt.clockQuality.clockClass = cfg->clock_class;
	current_ds_init(&n->cds.cur);
	parent_ds_init(&n->cds.parent, &n->cds.dflt);
	time_properties_ds_init(&n->local_tprop);
	n->cds.tprop = n->local_tprop;
	n->last_class = cfg->clock_class;

	lsync = cfg->log_sync;
	for (p = 0; p < n->n_ports; p++) {
		struct sim_port *pt = &n->port[p];

		pt->cfg.port_number = (uint16_t)(p + 1);
		port_ds_init(&pt->cfg.ds, &id, (uint16_t)(p + 1));
		pt->cfg.ds.logSyncInterval = cfg->log_sync;
		pt->cfg.ds.logMinDelayReqInterval = cfg->log_delay_req;
		pt->cfg.ds.logMinPdelayReqInterval = cfg->log_delay_req;
		pt->cfg.ds.logAnnounceInterval = cfg->log_announce;
		if (cfg->p2p) {
			pt->cfg.ds.delayMechanism = DM_P2P;
		}
		pt->cfg.ds.masterOnly = cfg->master_only;
		pt->cfg.log_fault_reset = 4;
		pt->cfg.delay_filter = cfg->delay_filter;
		pt->cfg.delay_filter_len = cfg->delay_filter_len;
		pt->cfg.e2e_sample = cfg->e2e_sample;
		pt->cfg.e2e_sample = cfg->e2e_sample;
		pt->cfg.path_trace = true;
		pt->cfg.seed = sim_splitmix64(&seed);
		pt->cfg.network_protocol = 3;
		pt->cfg.product = "Meridian;meridian-sim;0";
		pt->link = -1;
		pt->phc = p;
		/* the port core is created at sim_link_add / sim_start */
	}
	for (p = 0; p < n->n_phc; p++) {
		if (phc_init(&n->phc[p], cfg->freq_ppb +
			     p * cfg->phc_spread_ppb, cfg->wander_ppb,
			     cfg->offset_ns, sim_splitmix64(&seed)) < 0) {
			return -1;
		}
	}
	n->ts.kind = cfg->ts;
	n->ts.quant_ns = cfg->ts_quant_ns;
	n->ts.noise_ns = cfg->ts_noise_ns;
	n->ts.late_p = cfg->ts_late_p;
	n->ts.late_ns = cfg->ts_late_ns;
	sim_rng_seed(&n->ts.rng, sim_splitmix64(&seed));
	n->xnoise_ns = cfg->xnoise_ns;
	sim_rng_seed(&n->x_rng, sim_splitmix64(&seed));

	if (n->kind == SIM_OC) {
		/* portd/standalone.c sa_init: a clock at 0 ppb */
		clkctl_cfg_default(&cc);
		cc.servo.kind = cfg->servo;
		cc.servo.initial_freq = 0.0;
		cc.servo.sw_ts = cfg->ts == SIM_TS_SW;
		cc.sync_interval_s = ldexp(1.0, lsync);
		cc.holdover_spec_ns = (int64_t)(cfg->holdover_spec_s * 1e9);
		clkctl_class_default(&cc.cls, cfg->clock_class);
		if (clkctl_init(&n->cc, &cc) < 0) {
			return -1;
		}
		n->cc_ready = true;
	}
	if (n->kind == SIM_BC) {
		/* bmcad: ports silent 3 announce intervals are forgotten */
		n->bmc = calloc(1, sizeof(*n->bmc));
		if (!n->bmc || bmca_clock_init(n->bmc, &n->cds.dflt,
					       &n->local_tprop, n->n_ports,
					       (int64_t)(cfg->log_announce >= 0
					       ? 4 << cfg->log_announce : 4) *
					       NS_PER_SEC, 0) < 0) {
			return -1;
		}
		/* clockd setup_servo: a PHC per port, at 0 ppb; the follow
		 * loop at the fastest sync rate, 1/16 .. 1 s */
		clkref_cfg_default(&rc);
		rc.cc.servo.kind = cfg->servo;
		rc.cc.servo.initial_freq = 0.0;
		rc.cc.sync_interval_s = ldexp(1.0, lsync);
		rc.cc.holdover_spec_ns = (int64_t)(cfg->holdover_spec_s * 1e9);
		clkctl_class_default(&rc.cc.cls, cfg->clock_class);
		rc.n_ports = n->n_ports;
		rc.n_clocks = n->n_phc;
		for (p = 0; p < n->n_ports; p++) {
			rc.port_clock[p] = (uint8_t)n->port[p].phc;
			rc.port_sw_ts[p] = cfg->ts == SIM_TS_SW;
		}
		lsync = lsync < -4 ? -4 : lsync > 0 ? 0 : lsync;
		n->follow_ns = log2_ns(lsync);
		rc.fl.period_s = n->follow_ns * 1e-9;
		if (clkref_init(&n->cr, &rc, NULL) < 0) {
			return -1;
		}
		n->cr_ready = true;
	}
	s->n_nodes++;
	return (int)n->id;
}

int sim_link_add(struct sim *s, unsigned a, unsigned ap, unsigned b,
		 unsigned bp, const struct sim_dir *ab,
		 const struct sim_dir *ba, int64_t corr_ns)
{
	struct sim_link *l;

	if (s->n_links >= SIM_MAX_LINKS || a >= s->n_nodes ||
	    b >= s->n_nodes || ap >= s->node[a].n_ports ||
	    bp >= s->node[b].n_ports || s->node[a].port[ap].link >= 0 ||
	    s->node[b].port[bp].link >= 0 || (a == b && ap == bp)) {
		return -1;
	}
	l = &s->link[s->n_links];
	l->a = a;
	l->ap = ap;
	l->b = b;
	l->bp = bp;
	l->ab = *ab;
	l->ba = *ba;
	l->up = true;
	s->node[a].port[ap].link = (int)s->n_links;
	s->node[b].port[bp].link = (int)s->n_links;
	/* delayAsymmetry: tms = meanPathDelay + delayAsymmetry (11.6) */
	s->node[b].port[bp].cfg.ds.delayAsymmetry = (corr_ns / 2) * 65536;
	s->node[a].port[ap].cfg.ds.delayAsymmetry = -(corr_ns / 2) * 65536;
	return (int)s->n_links++;
}

int sim_sev_add(struct sim *s, const struct sim_sev *ev)
{
	if (s->n_sev >= SIM_MAX_SEV) {
		return -1;
	}
	s->sev[s->n_sev] = *ev;
	return (int)s->n_sev++;
}

void sim_hops(struct sim *s)
{
	unsigned queue[SIM_MAX_NODES], head = 0, tail = 0, i, k;

	for (i = 0; i < s->n_nodes; i++) {
		s->node[i].hops = -1;
	}
	for (i = 0; i < s->n_nodes; i++) {
		if (s->node[i].kind == SIM_GM) {
			s->node[i].hops = 0;
			queue[tail++] = i;
		}
	}
	while (head < tail) {
		i = queue[head++];
		for (k = 0; k < s->n_links; k++) {
			const struct sim_link *l = &s->link[k];
			unsigned o;

			if (l->a == i) {
				o = l->b;
			} else if (l->b == i) {
				o = l->a;
			} else {
				continue;
			}
			if (s->node[o].hops < 0) {
				s->node[o].hops = s->node[i].hops + 1;
				queue[tail++] = o;
			}
		}
	}
}

void sim_wander_step(struct sim *s, struct sim_node *n)
{
	unsigned p;
	int64_t f;

	for (p = 0; p < n->n_phc; p++) {
		struct sim_phc *ph = &n->phc[p];

		if (!ph->wander_sppb) {
			continue;
		}
		f = ph->m.freq_sppb + sim_wander_next(&ph->w);
		if (f > SIM_SPPB_MAX) {
			f = SIM_SPPB_MAX;
		} else if (f < -SIM_SPPB_MAX) {
			f = -SIM_SPPB_MAX;
		}
		sim_model_set_freq(&ph->m, sim_true_time(s->now), f);
	}
}

static void freq_step(struct sim *s, struct sim_node *n, double ppb)
{
	unsigned p;
	int64_t d, f;

	if (sim_ppb_to_sppb(ppb, &d) < 0) {
		return;
	}
	for (p = 0; p < n->n_phc; p++) {
		f = n->phc[p].m.freq_sppb + d;
		if (f > SIM_SPPB_MAX) {
			f = SIM_SPPB_MAX;
		} else if (f < -SIM_SPPB_MAX) {
			f = -SIM_SPPB_MAX;
		}
		sim_model_set_freq(&n->phc[p].m, sim_true_time(s->now), f);
	}
}

uint8_t sim_clock_class(const struct sim_node *n)
{
	return n->bmc ? n->bmc->ds.dflt.clockQuality.clockClass :
			n->cds.dflt.clockQuality.clockClass;
}

/* ---- PHCs: steering -------------------------------------------------------- */

static int phc_adjfreq(struct sim *s, struct sim_phc *ph, double ppb)
{
	int64_t sppb;
	int rc;

	rc = sim_ppb_to_sppb(ppb, &sppb);
	if (!rc) {
		rc = sim_model_set_adj(&ph->m, sim_true_time(s->now), sppb);
	}
	if (!rc) {
		ph->freq_ppb = ppb;
	}
	return rc;
}

/* ---- the ordinary clock's policy: portd/standalone.c ---------------------- */

/* As sa_decide: Ebest is the port's Erbest. */
static void sa_decide(struct sim *s, struct sim_node *n)
{
	struct sim_port *pt = &n->port[0];
	const struct bmca_ds *erbest = port_core_erbest(pt->pc);
	const struct bmca_ds *list[1] = { erbest };
	bool master_only = pt->cfg.ds.masterOnly;
	const struct bmca_ds *ebest;
	struct bmca_port_in in;
	enum bmca_rec rec;
	struct pev *ev;
	int best;

	(void)s;
	best = bmca_select_ebest(list, &master_only, 1);
	ebest = best >= 0 ? list[best] : NULL;
	memset(&in, 0, sizeof(in));
	in.erbest = erbest;
	in.master_only = master_only;
	in.state = port_core_state(pt->pc);
	rec = bmca_state_decision(&n->cds.dflt, ebest, ebest != NULL, &in);
	bmca_apply(&n->cds, rec, ebest, &n->local_tprop);
	ev = defer(n, pt, PEV_DECISION);
	if (ev) {
		ev->u.decision.rec = rec;
		ev->u.decision.ds = n->cds;
	}
}

/* As sa_apply: step, then frequency; the simulated clock never refuses
 * a step. */
static void cc_apply(struct sim *s, struct sim_node *n, unsigned phc,
		     struct sim_port *pt, const struct clkctl_out *o)
{
	struct sim_phc *ph = &n->phc[phc];
	int rc;

	if (o->step) {
		sim_model_step(&ph->m, tmv_from_ns(o->step_ns));
		clkctl_clock_result(&n->cc, CLKCTL_OP_STEP, 0);
		n->steps++;
	}
	if (o->adjfreq) {
		rc = phc_adjfreq(s, ph, o->freq_ppb);
		if (clkctl_clock_result(&n->cc, CLKCTL_OP_ADJFREQ, rc) ==
		    CLKCTL_FAULT_NEW || rc < 0) {
			defer(n, pt, PEV_FAULT);
			return;
		}
	}
	/* portd/standalone.c: a step voids the timestamps, a locked servo
	 * calibrates the port */
	if (o->unsynced) {
		defer(n, pt, PEV_UNSYNCED);
	}
	if (o->synced && port_core_state(pt->pc) == PS_UNCALIBRATED) {
		defer(n, pt, PEV_SYNCED);
	}
}

/* ---- the boundary clock's policy: bmcad and clockd ------------------------ */

static void bc_decide(struct sim *s, struct sim_node *n, bool resend);

/* bmcad on_servo: the clockClass clockd says the clock has. */
static void bc_class(struct sim *s, struct sim_node *n, uint8_t cls)
{
	if (cls && cls != n->bmc->ds.dflt.clockQuality.clockClass) {
		note(s, "class %s %u -> %u (%s)", n->name,
		     n->bmc->ds.dflt.clockQuality.clockClass, cls,
		     clkctl_state_str(clkref_state(&n->cr)));
		n->bmc->ds.dflt.clockQuality.clockClass = cls;
		n->bmc->epoch++;
		if (s->first_kill_ns >= 0 &&
		    cls == n->cr.cc.cfg.cls.holdover_in && n->ho_in_ns < 0) {
			n->ho_in_ns = s->now;
			n->ho_in_class = cls;
		}
		if (s->first_kill_ns >= 0 &&
		    cls == n->cr.cc.cfg.cls.holdover_out && n->ho_out_ns < 0) {
			n->ho_out_ns = s->now;
			n->ho_out_class = cls;
		}
		bc_decide(s, n, true);
	}
}

/*
 * clockd publish_servo, as portd (bus.c on_servo: clkref_port_status)
 * and bmcad (on_servo: the clockClass) hear it: at once when the state,
 * the class or the slave port changed, else once a second (periodic).
 */
static void bc_publish(struct sim *s, struct sim_node *n, bool periodic)
{
	enum clkctl_state st = clkref_state(&n->cr);
	uint8_t cls = clkctl_clock_class(&n->cr.cc, s->now);
	uint64_t steps = clkref_steps(&n->cr);
	bool locked = st == CLKCTL_LOCKED || st == CLKCTL_LOCKED_STABLE;
	int mine = st != CLKCTL_HOLDOVER ? n->cr.slave : -1;
	enum clkref_port_ev pe;
	enum port_state ps;
	unsigned p;

	if (!(periodic && s->now >= n->next_pub_ns) &&
	    (int)st == n->pub_state && cls == n->pub_class &&
	    n->cr.slave == n->pub_slave) {
		return;
	}
	if (periodic && s->now >= n->next_pub_ns) {
		n->next_pub_ns = s->now + NS_PER_SEC;
	}
	for (p = 0; p < n->n_ports; p++) {
		ps = port_core_state(n->port[p].pc);
		pe = clkref_port_status(n->pub_state >= 0 &&
					steps > n->pub_steps, (int)p == mine,
					locked, ps == PS_SLAVE,
					ps == PS_UNCALIBRATED);
		if (pe == CLKREF_PORT_UNSYNCED) {
			defer(n, &n->port[p], PEV_UNSYNCED);
		} else if (pe == CLKREF_PORT_SYNCED) {
			defer(n, &n->port[p], PEV_SYNCED);
		}
	}
	n->pub_state = (int)st;
	n->pub_class = cls;
	n->pub_slave = n->cr.slave;
	n->pub_steps = steps;
	bc_class(s, n, cls);
}

/* clockd carry_out: clkref's actions on the PHCs (a simulated PHC never
 * refuses a step), its events as the trace's notes; then the status. */
static void bc_carry_out(struct sim *s, struct sim_node *n,
			 struct clkref_out *o)
{
	const struct clkref_ev *e;
	struct sim_phc *ph;
	unsigned i;
	int rc;

	for (i = 0; i < o->n_act; i++) {
		const struct clkref_act *a = &o->act[i];

		if (a->skip || a->clock < 0 || a->clock >= (int)n->n_phc) {
			continue;
		}
		ph = &n->phc[a->clock];
		if (a->op == CLKREF_STEP) {
			sim_model_step(&ph->m, tmv_from_ns(a->step_ns));
			rc = 0;
			n->steps++;
		} else {
			rc = phc_adjfreq(s, ph, a->freq_ppb);
		}
		clkref_result(&n->cr, o, i, rc);
	}
	for (i = 0; i < o->n_ev; i++) {
		e = &o->ev[i];
		if (e->type != CLKREF_EV_SLAVE) {
			continue;
		}
		note(s, "slave %s port %d -> %d", n->name, e->a, e->b);
		if (e->a >= 0 && e->b >= 0 && n->first_slave_change_ns < 0) {
			n->first_slave_change_ns = s->now;
		}
		if (s->first_kill_ns >= 0 && n->lost_ns < 0 && e->a >= 0) {
			/* the failover figures: the slave port's master
			 * is gone (its announce receipt timeout) */
			n->lost_ns = s->now;
			n->lost_port = e->a;
		}
		if (e->b >= 0 && e->b != n->lost_port && n->lost_ns >= 0 &&
		    n->new_s1_ns < 0) {
			n->new_s1_ns = s->now;
			n->new_port = e->b;
		}
		n->slave_changes++;
	}
	bc_publish(s, n, false);
}

/* bmcad: every port reports, the clock decides, the ports (and clockd's
 * on_decision) get the decision. */
static void bc_decide(struct sim *s, struct sim_node *n, bool resend)
{
	struct bmca_clock *bc = n->bmc;
	struct bmca_clock_report r;
	struct clkref_out o;
	unsigned p;
	struct pev *ev;

	for (p = 0; p < n->n_ports; p++) {
		struct sim_port *pt = &n->port[p];
		const struct bmca_ds *e = port_core_erbest(pt->pc);

		memset(&r, 0, sizeof(r));
		r.state = port_core_state(pt->pc);
		r.link_up = pt->link_up;
		r.master_only = pt->cfg.ds.masterOnly;
		if (e) {
			r.has_erbest = true;
			r.erbest = *e;
			r.n_path = (uint8_t)port_core_erbest_path(pt->pc,
					r.path, BMCA_CLOCK_PATH_MAX);
		}
		bmca_clock_report(bc, p, &r, s->now);
	}
	if (bmca_clock_decide(bc, s->now)) {
		resend = true;
	}
	if (!resend) {
		return;
	}
	n->cds = bc->ds;
	for (p = 0; p < n->n_ports; p++) {
		struct sim_port *pt = &n->port[p];

		ev = defer(n, pt, PEV_DECISION);
		if (ev) {
			ev->u.decision.rec = bc->port[p].rec;
			ev->u.decision.ds = bc->ds;
			ev->u.decision.n_path = bc->n_path;
			memcpy(ev->u.decision.path, bc->path,
			       sizeof(bc->path[0]) * bc->n_path);
		}
		pt->dec_s1 = bc->port[p].rec == BMCA_REC_S1;
	}
	/* clockd on_decision, port by port */
	for (p = 0; p < n->n_ports; p++) {
		clkref_decision(&n->cr, p, n->port[p].dec_s1, s->now, &o);
		bc_carry_out(s, n, &o);
	}
}

/* A follower's comparison: this PHC - the reference, with the noise of
 * a PTP_SYS_OFFSET_EXTENDED cross-timestamp. */
static int64_t bc_compare(struct sim *s, struct sim_node *n, unsigned p,
			  unsigned ref, int64_t *ref_ns)
{
	tmv_t a = sim_phc(n, p, s->now), b = sim_phc(n, ref, s->now);
	double e = 0.0;

	if (n->xnoise_ns > 0.0) {
		e = sim_rng_normal(&n->x_rng) * n->xnoise_ns;
	}
	*ref_ns = tmv_to_ns(b);
	return tmv_to_ns_round(tmv_sub(a, b)) + (int64_t)llround(e);
}

/* clockd periodic(): the comparisons, the tick, the status. */
static void bc_periodic(struct sim *s, struct sim_node *n)
{
	struct clkref_cmp cmp[CLKREF_MAX_CLOCKS];
	struct clkref_out o;
	unsigned p;

	memset(cmp, 0, sizeof(cmp));
	for (p = 0; p < n->n_phc; p++) {
		if (!clkref_wants_compare(&n->cr, p)) {
			continue;
		}
		cmp[p].done = true;
		cmp[p].off_ns = bc_compare(s, n, p, (unsigned)n->cr.ref,
					   &cmp[p].ref_ns);
	}
	clkref_tick(&n->cr, s->now, cmp, &o);
	bc_carry_out(s, n, &o);
	bc_publish(s, n, true);
}

/* ---- samples --------------------------------------------------------------- */

static void on_sample(struct sim *s, struct sim_node *n, struct sim_port *pt,
		      const struct pact *a)
{
	int64_t offset = tmv_to_ns_round(a->u.sample.offset);
	unsigned i = (unsigned)(pt - n->port);
	struct clkref_out ro;
	struct clkctl_out o;

	n->samples++;
	n->last_offset_ns = offset;
	if (n->kind == SIM_BC && n->cr_ready) {
		/* portd bus.c: the sample to clockd (on_sample), at once */
		clkref_sample(&n->cr, i, &n->cds.parent.parentPortIdentity,
			      pt->cfg.ds.logSyncInterval, offset,
			      tmv_to_ns(a->u.sample.t2), 0, s->now, &ro);
		bc_carry_out(s, n, &ro);
		return;
	}
	if (!n->cc_ready) {
		return;
	}
	n->cds.cur.offsetFromMaster = tmv_to_scaled_ns(a->u.sample.offset);
	n->cds.cur.meanDelay = tmv_to_scaled_ns(a->u.sample.delay);
	clkctl_sample(&n->cc, offset, tmv_to_ns(a->u.sample.t2), s->now, &o);
	if (o.gated || o.held) {
		return;
	}
	cc_apply(s, n, pt->phc, pt, &o);
}

/* ---- the core's actions: portd/loop.c on virtual time --------------------- */

static void exec_send(struct sim *s, struct sim_node *n, struct sim_port *pt,
		      const struct pact *a)
{
	struct sim_link *l;
	struct sim_dir *d;
	struct sim_pkt *p;
	struct sim_ev ev;
	unsigned to, top;
	tmv_t ts;

	if (pt->link < 0 || a->u.send.len > PTP_MSG_MAX) {
		return;
	}
	l = &s->link[pt->link];
	if (l->a == n->id && &s->node[l->a].port[l->ap] == pt) {
		d = &l->ab;
		to = l->b;
		top = l->bp;
	} else {
		d = &l->ba;
		to = l->a;
		top = l->ap;
	}
	ts = stamp(s, n, pt, false);
	if (a->u.send.want_txts) {
		p = calloc(1, sizeof(*p));
		if (!p) {
			exit(2);
		}
		p->msg_type = a->u.send.msg_type;
		p->seq = a->u.send.seq;
		p->ts = ts;
		memset(&ev, 0, sizeof(ev));
		ev.t = s->now + s->txts_lat_ns;
		ev.kind = SE_TXTS;
		ev.node = n->id;
		ev.port = (uint8_t)(pt - n->port);
		ev.pkt = p;
		sim_queue_push(&s->q, &ev);
	}
	if (!l->up || dir_lost(d)) {
		return;
	}
	p = malloc(sizeof(*p));
	if (!p) {
		exit(2);
	}
	p->len = a->u.send.len;
	p->msg_type = a->u.send.msg_type;
	p->seq = a->u.send.seq;
	memcpy(p->buf, a->u.send.buf, a->u.send.len);
	memset(&ev, 0, sizeof(ev));
	ev.t = s->now + sim_dir_delay(d);
	ev.kind = SE_RX;
	ev.node = (uint8_t)to;
	ev.port = (uint8_t)top;
	ev.pkt = p;
	sim_queue_push(&s->q, &ev);
}

/* A BC port's state change: a note, and the failover figure (the next
 * slave port SLAVE). */
static void port_state_note(struct sim *s, struct sim_node *n,
			    struct sim_port *pt, const struct pact *a)
{
	int p = (int)(pt - n->port);
	enum port_state from = a->u.state.from, to = a->u.state.to;

	if (n->kind != SIM_BC) {
		return;
	}
	note(s, "port %s %d %s -> %s", n->name, p, port_state_str(from),
	     port_state_str(to));
	if (to == PS_SLAVE && n->lost_ns >= 0 && p != n->lost_port &&
	    n->new_slave_ns < 0) {
		n->new_slave_ns = s->now;
		n->new_port = p;
	}
}

static void exec_actions(struct sim *s, struct sim_node *n,
			 struct sim_port *pt, const struct pact_list *out)
{
	const struct pact *a;
	struct sim_ev ev;
	unsigned i, t;

	for (i = 0; i < out->n && i < PACT_MAX; i++) {
		a = &out->a[i];
		switch (a->type) {
		case PACT_SEND:
			exec_send(s, n, pt, a);
			break;
		case PACT_TIMER:
			t = a->u.timer.timer;
			if (t >= PT_COUNT) {
				break;
			}
			pt->tgen[t]++;	/* any older arming is void */
			if (a->u.timer.ns >= 0) {
				memset(&ev, 0, sizeof(ev));
				ev.t = s->now + a->u.timer.ns;
				ev.kind = SE_TIMER;
				ev.node = n->id;
				ev.port = (uint8_t)(pt - n->port);
				ev.arg = t;
				ev.gen = pt->tgen[t];
				sim_queue_push(&s->q, &ev);
			}
			break;
		case PACT_STATE:
			/* portd bus_state: report to bmcad after this */
			n->bmca_due = true;
			port_state_note(s, n, pt, a);
			break;
		case PACT_SAMPLE:
			on_sample(s, n, pt, a);
			break;
		case PACT_ERBEST:
			n->bmca_due = true;
			break;
		case PACT_NEW_MASTER:
			if (n->cc_ready && n->kind != SIM_BC) {
				clkctl_new_master(&n->cc);
			}
			break;
		}
	}
}

static void feed(struct sim *s, struct sim_node *n, struct sim_port *pt,
		 struct pev *ev)
{
	struct pact_list out;

	out.n = 0;
	ev->now_ns = s->now;
	port_core_handle(pt->pc, ev, &out);
	exec_actions(s, n, pt, &out);
}

static void run_bmca(struct sim *s, struct sim_node *n)
{
	if (n->kind == SIM_BC) {
		bc_decide(s, n, false);
	} else {
		sa_decide(s, n);
	}
}

/* As portd_drain: queued events, then a BMCA run; bounded. */
static void drain(struct sim *s, struct sim_node *n)
{
	struct pev next;
	unsigned k = 0, p;
	bool any;

	while (k++ < 64) {
		any = false;
		for (p = 0; p < n->n_ports; p++) {
			struct sim_port *pt = &n->port[p];

			if (!pt->n_pending) {
				continue;
			}
			next = pt->pending[0];
			pt->n_pending--;
			memmove(pt->pending, pt->pending + 1,
				pt->n_pending * sizeof(pt->pending[0]));
			feed(s, n, pt, &next);
			any = true;
		}
		if (any) {
			continue;
		}
		if (!n->bmca_due) {
			break;
		}
		n->bmca_due = false;
		run_bmca(s, n);
	}
}

static void dispatch(struct sim *s, struct sim_node *n, struct sim_port *pt,
		     struct pev *ev)
{
	feed(s, n, pt, ev);
	drain(s, n);
}

static void dispatch_simple(struct sim *s, struct sim_node *n,
			    struct sim_port *pt, enum pev_type type)
{
	struct pev ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	dispatch(s, n, pt, &ev);
}

static int node_start(struct sim_node *n)
{
	unsigned p;

	for (p = 0; p < n->n_ports; p++) {
		n->port[p].pc = port_core_create(&n->port[p].cfg, &n->cds);
		if (!n->port[p].pc) {
			return -1;
		}
		n->port[p].link_up = n->port[p].link >= 0;
	}
	return 0;
}

void sim_start(struct sim *s)
{
	unsigned i, p;

	for (i = 0; i < s->n_nodes; i++) {
		struct sim_node *n = &s->node[i];

		if (node_start(n) < 0) {
			fprintf(stderr, "meridian-sim: %s: cannot create "
				"its ports\n", n->name);
			exit(2);
		}
	}
	for (i = 0; i < s->n_nodes; i++) {
		struct sim_node *n = &s->node[i];

		for (p = 0; p < n->n_ports; p++) {
			dispatch_simple(s, n, &n->port[p], PEV_START);
			if (!n->port[p].link_up) {
				dispatch_simple(s, n, &n->port[p],
						PEV_LINK_DOWN);
			}
		}
		sim_push(s, s->now +
			 log2_ns(n->port[0].cfg.ds.logAnnounceInterval),
			 SE_BMCA, i, 0);
		if (n->kind == SIM_BC) {
			sim_push(s, s->now + n->follow_ns, SE_FOLLOW, i, 0);
		}
	}
	for (i = 0; i < s->n_sev; i++) {
		sim_push(s, s->sev[i].t, SE_SCEN, 0, i);
	}
}

static void kill_node(struct sim *s, struct sim_node *n)
{
	unsigned i;

	n->dead = true;
	if (s->first_kill_ns < 0) {
		s->first_kill_ns = s->now;
	}
	if (n->kind != SIM_GM) {
		return;
	}
	for (i = 0; i < s->n_nodes; i++) {
		if (s->node[i].kind == SIM_GM && !s->node[i].dead) {
			return;
		}
	}
	s->all_gm_dead_ns = s->now;
}

static void link_set(struct sim *s, struct sim_link *l, bool up)
{
	struct sim_node *a = &s->node[l->a], *b = &s->node[l->b];

	if (l->up == up) {
		return;
	}
	l->up = up;
	/* portd on_link: linkwatch says so, the port core hears it */
	a->port[l->ap].link_up = up;
	b->port[l->bp].link_up = up;
	if (!a->dead) {
		dispatch_simple(s, a, &a->port[l->ap],
				up ? PEV_LINK_UP : PEV_LINK_DOWN);
	}
	if (!b->dead) {
		dispatch_simple(s, b, &b->port[l->bp],
				up ? PEV_LINK_UP : PEV_LINK_DOWN);
	}
}

static void scen_event(struct sim *s, const struct sim_sev *e)
{
	switch (e->kind) {
	case SEV_KILL:
		kill_node(s, &s->node[e->node]);
		break;
	case SEV_LINK_DOWN:
		link_set(s, &s->link[e->link], false);
		break;
	case SEV_LINK_UP:
		link_set(s, &s->link[e->link], true);
		break;
	case SEV_FREQ_STEP:
		freq_step(s, &s->node[e->node], e->ppb);
		break;
	}
}

bool sim_step(struct sim *s, int64_t until, struct sim_ev *ret)
{
	struct sim_port *pt;
	struct sim_node *n;
	struct sim_ev ev;
	struct pev pe;

	for (;;) {
		if (!s->q.n || s->q.h[0].t > until) {
			return false;
		}
		sim_queue_pop(&s->q, &ev);
		s->now = ev.t;
		n = &s->node[ev.node];
		pt = &n->port[ev.port];
		memset(&pe, 0, sizeof(pe));
		if (n->dead && ev.kind != SE_SCEN && ev.kind != SE_STAT &&
		    ev.kind != SE_REPORT && ev.kind != SE_WANDER) {
			free(ev.pkt);	/* a dead node does nothing */
			continue;
		}
		switch (ev.kind) {
		case SE_TIMER:
			if (ev.gen != pt->tgen[ev.arg]) {
				break;		/* stopped or re-armed */
			}
			pe.type = PEV_TIMER;
			pe.u.timer = ev.arg;
			dispatch(s, n, pt, &pe);
			break;
		case SE_RX:
			if (pt->link_up) {
				pe.type = PEV_RX;
				pe.u.rx.buf = ev.pkt->buf;
				pe.u.rx.len = ev.pkt->len;
				pe.u.rx.has_ts = true;
				pe.u.rx.ts = stamp(s, n, pt, true);
				dispatch(s, n, pt, &pe);
			}
			free(ev.pkt);
			break;
		case SE_TXTS:
			pe.type = PEV_TXTS;
			pe.u.txts.msg_type = ev.pkt->msg_type;
			pe.u.txts.seq = ev.pkt->seq;
			pe.u.txts.ts = ev.pkt->ts;
			dispatch(s, n, pt, &pe);
			free(ev.pkt);
			break;
		case SE_BMCA:
			sim_push(s, s->now + log2_ns(
				 n->port[0].cfg.ds.logAnnounceInterval),
				 SE_BMCA, n->id, 0);
			n->bmca_due = true;
			drain(s, n);
			break;
		case SE_FOLLOW:
			sim_push(s, s->now + n->follow_ns, SE_FOLLOW, n->id,
				 0);
			bc_periodic(s, n);
			drain(s, n);
			break;
		case SE_SCEN:
			scen_event(s, &s->sev[ev.arg]);
			break;
		default:
			*ret = ev;
			return true;
		}
	}
}

const char *sim_port_state(const struct sim_node *n)
{
	unsigned p = 0;

	if (n->kind == SIM_BC && n->cr.slave >= 0) {
		p = (unsigned)n->cr.slave;
	}
	if (n->dead) {
		return "DEAD";
	}
	return port_state_str(port_core_state(n->port[p].pc));
}

const char *sim_servo_state(const struct sim *s, const struct sim_node *n,
			    unsigned p)
{
	const struct clkfollow *f = &n->cr.fl[p];

	(void)s;
	if (n->kind == SIM_GM) {
		return "FREE";
	}
	if (n->kind == SIM_OC) {
		return clkctl_state_str(clkctl_state(&n->cc));
	}
	if ((int)p == n->cr.ref) {
		return clkctl_state_str(clkref_state(&n->cr));
	}
	if (!f->following) {
		return "FREE";
	}
	if (f->holdover) {
		return "HOLDOVER";
	}
	return f->locked ? "LOCKED" : "UNLOCKED";
}
