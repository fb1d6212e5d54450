// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim.c - the simulator's engine and nodes: random numbers, the event
 * heap, and the executor of the port core's actions as portd's loop.c and
 * standalone.c carry them out, on virtual time and simulated PHCs.
 */
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

int64_t sim_link_delay(struct sim_link *l)
{
	double j = 0.0;

	if (l->jitter_mean_ns > 0.0) {
		j = sim_rng_exp(&l->rng, l->jitter_mean_ns);
	}
	return l->delay_ns + (int64_t)llround(j);
}

tmv_t sim_true_time(int64_t t)
{
	return tmv_add(tmv_make(SIM_T0_SEC, 0), tmv_from_ns(t));
}

tmv_t sim_phc(const struct sim_node *n, int64_t t)
{
	return sim_model_eval(&n->phc, sim_true_time(t));
}

int64_t sim_te_ns(const struct sim *s, const struct sim_node *n)
{
	return tmv_to_ns_round(tmv_sub(sim_phc(n, s->now),
				       sim_true_time(s->now)));
}

/* A timestamp of node n now: its PHC plus the timestamper's noise. */
static tmv_t stamp(struct sim *s, struct sim_node *n)
{
	tmv_t ts = sim_phc(n, s->now);
	double e;

	if (n->ts_noise_ns > 0.0) {
		e = sim_rng_normal(&n->ts_rng) * n->ts_noise_ns;
		ts = tmv_add(ts, tmv_from_ns((int64_t)llround(e)));
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
}

void sim_fini(struct sim *s)
{
	unsigned i;

	for (i = 0; i < s->n_nodes; i++) {
		if (s->node[i].cc_ready) {
			clkctl_fini(&s->node[i].cc);
		}
		port_core_destroy(s->node[i].pc);
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

static void defer(struct sim_node *n, enum pev_type type)
{
	if (n->n_pending >= SIM_PENDING) {
		fprintf(stderr, "meridian-sim: %s: event queue full\n",
			n->name);
		return;
	}
	memset(&n->pending[n->n_pending], 0, sizeof(n->pending[0]));
	n->pending[n->n_pending++].type = type;
}

int sim_node_add(struct sim *s, const struct sim_node_cfg *cfg)
{
	struct sim_node *n;
	struct clock_identity id;
	struct clkctl_cfg cc;
	uint64_t seed = cfg->seed;
	int64_t sppb;

	if (s->n_nodes >= SIM_MAX_NODES) {
		return -1;
	}
	n = &s->node[s->n_nodes];
	memset(n, 0, sizeof(*n));
	n->id = s->n_nodes;
	n->name = cfg->name;
	n->steered = cfg->steered;

	/* clockIdentity 02:00:00:ff:fe:00:00:NN */
	memset(&id, 0, sizeof(id));
	id.id[0] = 0x02;
	id.id[3] = 0xff;
	id.id[4] = 0xfe;
	id.id[7] = (uint8_t)(n->id + 1);
	default_ds_init(&n->cds.dflt, &id, 1);
	n->cds.dflt.priority1 = cfg->priority1;
	n->cds.dflt.clockQuality.clockClass = cfg->clock_class;
	current_ds_init(&n->cds.cur);
	parent_ds_init(&n->cds.parent, &n->cds.dflt);
	time_properties_ds_init(&n->local_tprop);
	n->cds.tprop = n->local_tprop;

	n->pcfg.port_number = 1;
	port_ds_init(&n->pcfg.ds, &id, 1);
	n->pcfg.ds.logSyncInterval = cfg->log_sync;
	n->pcfg.ds.logMinDelayReqInterval = cfg->log_delay_req;
	n->pcfg.log_fault_reset = 4;
	n->pcfg.seed = sim_splitmix64(&seed);
	n->pcfg.network_protocol = 3;
	n->pcfg.product = "Meridian;meridian-sim;0";
	n->pc = port_core_create(&n->pcfg, &n->cds);
	if (!n->pc) {
		return -1;
	}

	if (sim_ppb_to_sppb(cfg->freq_ppb, &sppb) < 0) {
		return -1;
	}
	sim_model_init(&n->phc, sim_true_time(0),
		       tmv_add(sim_true_time(0), tmv_from_ns(cfg->offset_ns)),
		       sppb);
	if (sim_ppb_to_sppb(cfg->wander_ppb, &n->wander_sppb) < 0) {
		return -1;
	}
	sim_wander_init(&n->wander, sim_splitmix64(&seed), n->wander_sppb);
	sim_rng_seed(&n->ts_rng, sim_splitmix64(&seed));
	n->ts_noise_ns = cfg->ts_noise_ns;

	if (n->steered) {
		/* as portd/standalone.c sa_init, on a clock at 0 ppb */
		clkctl_cfg_default(&cc);
		cc.servo.kind = cfg->servo;
		cc.servo.initial_freq = 0.0;
		cc.sync_interval_s = ldexp(1.0, cfg->log_sync);
		if (clkctl_init(&n->cc, &cc) < 0) {
			return -1;
		}
		n->cc_ready = true;
	}
	s->n_nodes++;
	return (int)n->id;
}

void sim_connect(struct sim *s, unsigned a, unsigned b,
		 struct sim_link *ab, struct sim_link *ba)
{
	s->node[a].peer = b;
	s->node[a].out = ab;
	s->node[b].peer = a;
	s->node[b].out = ba;
}

void sim_wander_step(struct sim *s, struct sim_node *n)
{
	int64_t f;

	if (!n->wander_sppb) {
		return;
	}
	f = n->phc.freq_sppb + sim_wander_next(&n->wander);
	if (f > SIM_SPPB_MAX) {
		f = SIM_SPPB_MAX;
	} else if (f < -SIM_SPPB_MAX) {
		f = -SIM_SPPB_MAX;
	}
	sim_model_set_freq(&n->phc, sim_true_time(s->now), f);
}

/* ---- the clock policy: portd/standalone.c on a simulated PHC ------------- */

/* As sa_decide: Ebest is the port's Erbest. */
static void node_decide(struct sim *s, struct sim_node *n)
{
	const struct bmca_ds *erbest = port_core_erbest(n->pc);
	const struct bmca_ds *list[1] = { erbest };
	bool master_only = n->pcfg.ds.masterOnly;
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
	in.state = port_core_state(n->pc);
	rec = bmca_state_decision(&n->cds.dflt, ebest, ebest != NULL, &in);
	bmca_apply(&n->cds, rec, ebest, &n->local_tprop);
	if (n->n_pending >= SIM_PENDING) {
		return;
	}
	ev = &n->pending[n->n_pending++];
	memset(ev, 0, sizeof(*ev));
	ev->type = PEV_DECISION;
	ev->u.decision.rec = rec;
	ev->u.decision.ds = n->cds;
}

/* As sa_apply: step, then frequency; the simulated clock never refuses. */
static void node_apply(struct sim *s, struct sim_node *n,
		       const struct clkctl_out *o)
{
	int64_t sppb;
	int rc;

	if (o->step) {
		sim_model_step(&n->phc, tmv_from_ns(o->step_ns));
		clkctl_clock_result(&n->cc, CLKCTL_OP_STEP, 0);
		n->steps++;
	}
	if (o->adjfreq) {
		rc = sim_ppb_to_sppb(o->freq_ppb, &sppb);
		if (!rc) {
			rc = sim_model_set_adj(&n->phc, sim_true_time(s->now),
					       sppb);
		}
		if (clkctl_clock_result(&n->cc, CLKCTL_OP_ADJFREQ, rc) ==
		    CLKCTL_FAULT_NEW || rc < 0) {
			defer(n, PEV_FAULT);
			return;
		}
	}
	if (o->unsynced) {
		defer(n, PEV_UNSYNCED);
	}
	if (o->synced && port_core_state(n->pc) == PS_UNCALIBRATED) {
		defer(n, PEV_SYNCED);
	}
}

/* As sa_sample. */
static void node_sample(struct sim *s, struct sim_node *n,
			const struct pact *a)
{
	int64_t offset = tmv_to_ns_round(a->u.sample.offset);
	struct clkctl_out o;

	n->samples++;
	n->last_offset_ns = offset;
	n->cds.cur.offsetFromMaster = tmv_to_scaled_ns(a->u.sample.offset);
	n->cds.cur.meanDelay = tmv_to_scaled_ns(a->u.sample.delay);
	if (!n->cc_ready) {
		return;
	}
	clkctl_sample(&n->cc, offset, tmv_to_ns(a->u.sample.t2), s->now, &o);
	if (o.gated || o.held) {
		return;
	}
	node_apply(s, n, &o);
}

/* ---- the core's actions: portd/loop.c on virtual time --------------------- */

static void exec_send(struct sim *s, struct sim_node *n, const struct pact *a)
{
	struct sim_node *peer = &s->node[n->peer];
	struct sim_pkt *p;
	struct sim_ev ev;
	tmv_t ts;

	if (!n->out || a->u.send.len > PTP_MSG_MAX) {
		return;
	}
	ts = stamp(s, n);
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
		ev.pkt = p;
		sim_queue_push(&s->q, &ev);
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
	ev.t = s->now + sim_link_delay(n->out);
	ev.kind = SE_RX;
	ev.node = peer->id;
	ev.pkt = p;
	sim_queue_push(&s->q, &ev);
}

static void exec_actions(struct sim *s, struct sim_node *n,
			 const struct pact_list *out)
{
	const struct pact *a;
	struct sim_ev ev;
	unsigned i, t;

	for (i = 0; i < out->n && i < PACT_MAX; i++) {
		a = &out->a[i];
		switch (a->type) {
		case PACT_SEND:
			exec_send(s, n, a);
			break;
		case PACT_TIMER:
			t = a->u.timer.timer;
			if (t >= PT_COUNT) {
				break;
			}
			n->tgen[t]++;	/* any older arming is void */
			if (a->u.timer.ns >= 0) {
				memset(&ev, 0, sizeof(ev));
				ev.t = s->now + a->u.timer.ns;
				ev.kind = SE_TIMER;
				ev.node = n->id;
				ev.arg = t;
				ev.gen = n->tgen[t];
				sim_queue_push(&s->q, &ev);
			}
			break;
		case PACT_STATE:
			break;
		case PACT_SAMPLE:
			node_sample(s, n, a);
			break;
		case PACT_ERBEST:
			n->bmca_due = true;
			break;
		case PACT_NEW_MASTER:
			if (n->cc_ready) {
				clkctl_new_master(&n->cc);
			}
			break;
		}
	}
}

static void feed(struct sim *s, struct sim_node *n, struct pev *ev)
{
	struct pact_list out;

	out.n = 0;
	ev->now_ns = s->now;
	port_core_handle(n->pc, ev, &out);
	exec_actions(s, n, &out);
}

/* As portd_drain: queued events, then a BMCA run; bounded. */
static void drain(struct sim *s, struct sim_node *n)
{
	struct pev next;
	unsigned k = 0;

	while (k++ < 32) {
		if (n->n_pending) {
			next = n->pending[0];
			n->n_pending--;
			memmove(n->pending, n->pending + 1,
				n->n_pending * sizeof(n->pending[0]));
			feed(s, n, &next);
		} else if (n->bmca_due) {
			n->bmca_due = false;
			node_decide(s, n);
		} else {
			break;
		}
	}
}

static void dispatch(struct sim *s, struct sim_node *n, struct pev *ev)
{
	feed(s, n, ev);
	drain(s, n);
}

void sim_start(struct sim *s)
{
	struct pev ev;
	unsigned i;

	for (i = 0; i < s->n_nodes; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = PEV_START;
		dispatch(s, &s->node[i], &ev);
		sim_push(s, s->now +
			 log2_ns(s->node[i].pcfg.ds.logAnnounceInterval),
			 SE_BMCA, i, 0);
	}
}

bool sim_step(struct sim *s, int64_t until, struct sim_ev *ret)
{
	struct sim_ev ev;
	struct sim_node *n;
	struct pev pe;

	for (;;) {
		if (!s->q.n || s->q.h[0].t > until) {
			return false;
		}
		sim_queue_pop(&s->q, &ev);
		s->now = ev.t;
		n = &s->node[ev.node];
		memset(&pe, 0, sizeof(pe));
		switch (ev.kind) {
		case SE_TIMER:
			if (ev.gen != n->tgen[ev.arg]) {
				break;		/* stopped or re-armed */
			}
			pe.type = PEV_TIMER;
			pe.u.timer = ev.arg;
			dispatch(s, n, &pe);
			break;
		case SE_RX:
			pe.type = PEV_RX;
			pe.u.rx.buf = ev.pkt->buf;
			pe.u.rx.len = ev.pkt->len;
			pe.u.rx.has_ts = true;
			pe.u.rx.ts = stamp(s, n);
			dispatch(s, n, &pe);
			free(ev.pkt);
			break;
		case SE_TXTS:
			pe.type = PEV_TXTS;
			pe.u.txts.msg_type = ev.pkt->msg_type;
			pe.u.txts.seq = ev.pkt->seq;
			pe.u.txts.ts = ev.pkt->ts;
			dispatch(s, n, &pe);
			free(ev.pkt);
			break;
		case SE_BMCA:
			sim_push(s, s->now +
				 log2_ns(n->pcfg.ds.logAnnounceInterval),
				 SE_BMCA, n->id, 0);
			n->bmca_due = true;
			drain(s, n);
			break;
		default:
			*ret = ev;
			return true;
		}
	}
}
