/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_bmca_clock - libFuzzer target for the BMCA over all ports of a
 * clock (common/bmca_clock.c, common/bmca.c), as bmcad runs it: reports
 * from up to 32 ports in any order, ports lost and timing out, decisions
 * at any time, with the decisions' invariants checked after each one.
 *
 * Input: three configuration bytes, then events until the input ends (a
 * field read past the end is 0).
 *   byte 0  number of ports: 1 + b % 32
 *   byte 1  bit 0 slaveOnly, bits 1-2 clockClass (248, 6, 135, 52),
 *           bits 3-7 priority1 (<< 3)
 *   byte 2  port timeout: (1 + b) * 100 ms
 *   an event is an opcode byte (op % 4) and its operands:
 *     0 REPORT  port (b % 40: past the ports is refused), state
 *               (1 + b % 9), flags (bit 0 link up, 1 masterOnly,
 *               2 has Erbest, 3 n_path beyond the maximum: refused),
 *               then the Erbest: grandmaster (one of 8 identities, one
 *               of them ours), priority1, clockClass, accuracy,
 *               variance(2), priority2, stepsRemoved, sender (one of 8),
 *               n_path (b % 17)
 *     1 ADVANCE delta(2) ms
 *     2 LOST    port
 *     3 DECIDE  bmca_clock_decide() (events never decide by themselves)
 *
 * Invariants, after every decision:
 *   - every recommendation is a known one; an unusable port gets NONE;
 *   - at most one port is S1, and only the Ebest port; a masterOnly port
 *     is never S1, P1 or P2 and a slaveOnly clock never MASTER;
 *   - Ebest exists exactly when a usable non-masterOnly port has an
 *     Erbest; it is one of them and none is better (checked when no two
 *     share a grandmaster: the comparison is not transitive there);
 *   - S1: parentDS and currentDS follow Ebest (grandmaster, stepsRemoved
 *     + 1, the parent port); M1/M2 without S1: the clock is its own
 *     grandmaster, stepsRemoved 0, no path trace;
 *   - the epoch grows by one exactly when decide() says something
 *     changed, and a second decision at the same time changes nothing.
 * A violation abort()s with the failed check on stderr.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmca_clock.h"
#include "fuzz_util.h"

#define FZ_IDS		8
#define FZ_MAX_STEPS	4000

/* Identity i; identity 0 is the clock's own. */
static void fz_id(struct clock_identity *c, unsigned i)
{
	unsigned k;

	for (k = 0; k < 8; k++) {
		c->id[k] = (uint8_t)(0x10 * (i % FZ_IDS) + k);
	}
}

static void fz_report(struct bmca_clock *bc, struct fz_in *in, int64_t now)
{
	static const uint8_t classes[4] = { 6, 7, 135, 248 };
	struct bmca_clock_report r;
	unsigned port = u8(in) % 40, k;
	uint8_t fl;
	int rc;

	memset(&r, 0, sizeof(r));
	r.state = (enum port_state)(1 + u8(in) % 9);
	fl = u8(in);
	r.link_up = fl & 1;
	r.master_only = fl & 2;
	r.has_erbest = fl & 4;
	fz_id(&r.erbest.identity, u8(in));
	r.erbest.priority1 = u8(in);
	r.erbest.quality.clockClass = classes[u8(in) & 3];
	r.erbest.quality.clockAccuracy = u8(in);
	r.erbest.quality.offsetScaledLogVariance = u16(in);
	r.erbest.priority2 = u8(in);
	r.erbest.steps_removed = u8(in);
	fz_id(&r.erbest.sender.clockIdentity, u8(in));
	r.erbest.sender.portNumber = 1 + (u8(in) & 3);
	fz_id(&r.erbest.receiver.clockIdentity, 0);
	r.erbest.receiver.portNumber = (uint16_t)(port + 1);
	r.n_path = u8(in) % 17;
	if (fl & 8) {
		r.n_path = BMCA_CLOCK_PATH_MAX + 1 + (fl >> 4);
	}
	for (k = 0; k < r.n_path && k < BMCA_CLOCK_PATH_MAX; k++) {
		fz_id(&r.path[k], k);
	}
	rc = bmca_clock_report(bc, port, &r, now);
	CHECK((rc == 0) == (port < bc->n_ports &&
			    r.n_path <= BMCA_CLOCK_PATH_MAX));
}

static bool is_master(enum bmca_rec rec)
{
	return rec == BMCA_REC_M1 || rec == BMCA_REC_M2 ||
	       rec == BMCA_REC_M3;
}

static void fz_check(const struct bmca_clock *bc, int64_t now)
{
	const struct bmca_ds *cand[BMCA_CLOCK_PORTS_MAX];
	const struct bmca_ds *eb = NULL;
	unsigned i, j, n_s1 = 0, n_cand = 0;
	bool m12 = false, distinct = true;

	for (i = 0; i < bc->n_ports; i++) {
		const struct bmca_clock_port *p = &bc->port[i];
		bool usable = bmca_clock_port_usable(bc, i, now);

		CHECK(p->rec >= BMCA_REC_NONE &&
		      p->rec <= BMCA_REC_LISTENING);
		CHECK(strcmp(bmca_rec_str(p->rec), "?") != 0);
		if (!usable) {
			CHECK(p->rec == BMCA_REC_NONE);
			continue;
		}
		if (p->rec == BMCA_REC_S1) {
			n_s1++;
			CHECK((int)i == bc->ebest_port);
		}
		if (p->rec == BMCA_REC_M1 || p->rec == BMCA_REC_M2) {
			m12 = true;
		}
		if (p->r.master_only) {
			CHECK(p->rec != BMCA_REC_S1 && p->rec != BMCA_REC_P1 &&
			      p->rec != BMCA_REC_P2);
		}
		if (bc->ds.dflt.slaveOnly) {
			CHECK(!is_master(p->rec));
		}
		if (p->r.has_erbest && !p->r.master_only) {
			cand[n_cand++] = &p->r.erbest;
		}
	}
	CHECK(n_s1 <= 1);
	CHECK((bc->ebest_port >= 0) == (n_cand > 0));
	if (bc->ebest_port >= 0) {
		const struct bmca_clock_port *p = &bc->port[bc->ebest_port];

		CHECK((unsigned)bc->ebest_port < bc->n_ports);
		CHECK(bmca_clock_port_usable(bc, bc->ebest_port, now));
		CHECK(p->r.has_erbest && !p->r.master_only);
		eb = &p->r.erbest;
	}
	for (i = 0; i < n_cand; i++) {
		for (j = i + 1; j < n_cand; j++) {
			if (!clock_identity_cmp(&cand[i]->identity,
						&cand[j]->identity)) {
				distinct = false;
			}
		}
	}
	for (i = 0; distinct && i < n_cand; i++) {
		int c = bmca_compare(cand[i], eb);

		CHECK(c != BMCA_A_BETTER && c != BMCA_A_BETTER_TOPO);
	}
	CHECK(bc->n_path <= BMCA_CLOCK_PATH_MAX);
	if (n_s1) {
		CHECK(!clock_identity_cmp(&bc->ds.parent.grandmasterIdentity,
					  &eb->identity));
		CHECK(!port_identity_cmp(&bc->ds.parent.parentPortIdentity,
					 &eb->sender));
		CHECK(bc->ds.cur.stepsRemoved ==
		      (uint16_t)(eb->steps_removed + 1));
		CHECK(bc->ds.parent.grandmasterPriority1 == eb->priority1);
	} else if (m12) {
		CHECK(!clock_identity_cmp(&bc->ds.parent.grandmasterIdentity,
					  &bc->ds.dflt.clockIdentity));
		CHECK(bc->ds.cur.stepsRemoved == 0);
		CHECK(bc->n_path == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t classes[4] = { 248, 6, 135, 52 };
	static struct bmca_clock bc;
	struct fz_in in = { data, size };
	struct time_properties_ds local;
	struct clock_identity me;
	struct default_ds d0;
	unsigned n, steps = 0;
	int64_t now = 1000000000, timeout;
	uint8_t b;

	n = 1 + u8(&in) % BMCA_CLOCK_PORTS_MAX;
	fz_id(&me, 0);
	default_ds_init(&d0, &me, (uint16_t)n);
	b = u8(&in);
	d0.slaveOnly = b & 1;
	d0.clockQuality.clockClass = classes[(b >> 1) & 3];
	d0.priority1 = (uint8_t)(b & 0xf8);
	timeout = (1 + (int64_t)u8(&in)) * 100000000;
	memset(&local, 0, sizeof(local));
	local.currentUtcOffset = 37;
	local.timeSource = 0xa0;
	CHECK(bmca_clock_init(&bc, &d0, &local, 0, timeout, 0) == -EINVAL);
	CHECK(bmca_clock_init(&bc, &d0, &local, BMCA_CLOCK_PORTS_MAX + 1,
			      timeout, 0) == -EINVAL);
	CHECK(bmca_clock_init(&bc, &d0, &local, n, timeout, 7) == 0);
	while (in.n && steps++ < FZ_MAX_STEPS) {
		uint32_t epoch;
		bool changed;

		switch (u8(&in) & 3) {
		case 0:
			fz_report(&bc, &in, now);
			break;
		case 1:
			now += (int64_t)u16(&in) * 1000000;
			break;
		case 2:
			bmca_clock_port_lost(&bc, u8(&in) % 40);
			break;
		case 3:
			epoch = bc.epoch;
			changed = bmca_clock_decide(&bc, now);
			CHECK(bc.epoch == epoch + (changed ? 1 : 0));
			fz_check(&bc, now);
			epoch = bc.epoch;
			CHECK(!bmca_clock_decide(&bc, now));
			CHECK(bc.epoch == epoch);
			fz_check(&bc, now);
			break;
		}
	}
	return 0;
}
