/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scenario.h - meridian-sim's scenario files: one small text file per
 * network, parsed into a struct sim_scn, then built into a struct sim.
 *
 *   # comment
 *   run duration=3600 stat_ms=100 seed=1 wander_ms=1000 judge_s=60
 *   node NAME gm|oc|bc [key=value...]
 *   link A:P B:Q [delay_ns=N] [jitter=exp:MEAN|normal:SIGMA|none]
 *        [asym_ns=N] [corr_ns=N] [loss=P]
 *   at T kill NODE | link_down A:P B:Q | link_up A:P B:Q |
 *        freq_step NODE PPB
 *
 * judge_s: the figures' RMS and max|TE| are judged from this virtual
 * time on, or from the convergence if that is later (default 0).
 *
 * Node keys: ports, priority1, priority2, clock_class, servo (pi|linreg),
 * sync (logSyncInterval; also the delay request interval unless given),
 * delay_req, announce, delay (e2e|p2p), freq_ppb, phc_spread_ppb, wander
 * (random walk, ppb/sqrt(s)), offset_ns, ts (ideal|hw|sw), ts_noise_ns,
 * ts_quant_ns, ts_late_p, ts_late_ns, xnoise_ns, delay_filter
 * (median|mean, the ports' path delay filter), delay_filter_len (its
 * window, 1..256; 8), e2e_sample (sync|both: the servo's samples, as
 * port_core.h's cfg.e2e_sample). Link: asym_ns makes A->B
 * longer than B->A by that much (delay_ns is their mean); corr_ns
 * configures the ports' delayAsymmetry for such a link (B +corr/2, A
 * -corr/2).
 */
#ifndef MERIDIAN_SIM_SCENARIO_H
#define MERIDIAN_SIM_SCENARIO_H

#include <stdio.h>

#include "sim.h"

struct scn_link {
	unsigned a, ap, b, bp;
	struct sim_dir ab, ba;	/* rngs seeded by scn_build() */
	int64_t corr_ns;
};

struct sim_scn {
	char name[64];
	double duration_s;
	double judge_s;
	int64_t stat_ms;
	int64_t wander_ms;
	uint64_t seed;
	unsigned n_nodes;
	char names[SIM_MAX_NODES][SIM_NAME_MAX];
	struct sim_node_cfg node[SIM_MAX_NODES];
	unsigned n_links;
	struct scn_link link[SIM_MAX_LINKS];
	unsigned n_ev;
	struct sim_sev ev[SIM_MAX_SEV];
};

/* Defaults: 600 s, 100 ms, 1 s wander, seed 1, no nodes. */
void scn_init(struct sim_scn *sc, const char *name);
/* Parse a file; errors are reported on err as FILE:LINE: message.
 * Returns 0 or -1. */
int scn_load(struct sim_scn *sc, const char *path, FILE *err);
/* Parse one line (exposed for the unit tests); 0 or -1 with msg set. */
int scn_line(struct sim_scn *sc, char *line, char *msg, size_t len);
/* Build the network into s (sim_init'ed), seeding every model from
 * sc->seed. Returns 0 or -1. */
int scn_build(const struct sim_scn *sc, struct sim *s);

#endif
