// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clocks.c - clockd's clocks: opening them, comparing them, and the loop
 * that keeps every clock but the reference locked to it (see clockd.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clockd.h"
#include "daemon.h"
#include "log.h"
#include "tstamp.h"

static int errno_or(int fallback)
{
	int e = errno;

	return e > 0 ? e : fallback;
}

/* The device of a port's PHC: phc_device, else the NIC's tsinfo. */
static int phc_path(const struct mconf_port *p, char *buf, size_t len)
{
	struct tstamp_caps caps;
	char real[PATH_MAX];
	int rc;

	if (p->phc_device[0]) {
		snprintf(buf, len, "%s", p->phc_device);
	} else {
		rc = tstamp_caps_get(-1, p->interface, &caps);
		if (rc < 0) {
			return rc;
		}
		if (caps.phc_index < 0) {
			return -ENODEV;
		}
		snprintf(buf, len, "/dev/ptp%d", caps.phc_index);
	}
	/* /dev/ptp_nic and /dev/ptp3 may be one clock */
	if (realpath(buf, real) && strlen(real) < len) {
		snprintf(buf, len, "%s", real);
	}
	return 0;
}

/* The key of port i's clock (ports with the same key share it) and the
 * path behind it. */
static int clock_key(const struct clockd *d, const struct mconf_port *p,
		     char *key, size_t klen, char *path, size_t plen)
{
	int rc;

	switch (p->clock) {
	case MCONF_CLK_SIM:
		rc = mconf_port_sim_path(&d->cfg, p, path, plen);
		if (rc < 0) {
			pr_err("%s: sim clock path too long", p->interface);
			return rc;
		}
		return snprintf(key, klen, "sim:%s", path) < (int)klen ? 0 :
		       -ENAMETOOLONG;
	case MCONF_CLK_SYSTEM:
		snprintf(path, plen, "system");
		snprintf(key, klen, "system");
		return 0;
	default:
		rc = phc_path(p, path, plen);
		if (rc < 0) {
			pr_err("%s: no PTP hardware clock (%s); set phc_device",
			       p->interface, strerror(-rc));
			return rc;
		}
		return snprintf(key, klen, "phc:%s", path) < (int)klen ? 0 :
		       -ENAMETOOLONG;
	}
}

static struct clk *open_clock(const struct mconf_port *p, const char *path)
{
	struct clk_sim_params sp;
	bool existed;
	struct clk *c;

	switch (p->clock) {
	case MCONF_CLK_SIM:
		memset(&sp, 0, sizeof(sp));
		sp.freq_error_ppb = p->sim_freq_error_ppb;
		sp.offset_ns = p->sim_offset_ns;
		sp.if_exists = CLK_SIM_ATTACH;
		existed = access(path, F_OK) == 0;
		c = clk_sim_create(path, &sp);
		if (c && existed) {
			pr_info("%s: attached to the existing sim clock %s "
				"(its state is kept)", p->interface, path);
		}
		return c;
	case MCONF_CLK_SYSTEM:
		return clk_system_create();
	default:
		return clk_phc_create(path);
	}
}

int cd_clocks_open(struct clockd *d)
{
	char key[sizeof(d->clocks[0].key)], path[PATH_MAX];
	struct cd_clock *c;
	int i, j, rc, err;
	double f;

	for (i = 0; i < d->cfg.n_ports; i++) {
		const struct mconf_port *p = &d->cfg.ports[i];

		rc = clock_key(d, p, key, sizeof(key), path, sizeof(path));
		if (rc < 0) {
			return rc;
		}
		for (j = 0; j < d->n_clocks; j++) {
			if (!strcmp(d->clocks[j].key, key)) {
				break;
			}
		}
		d->port_clock[i] = j;
		if (j < d->n_clocks) {
			pr_info("%s: shares %s with %s", p->interface,
				clk_name(d->clocks[j].clk),
				d->cfg.ports[d->clocks[j].port].interface);
			continue;
		}
		c = &d->clocks[d->n_clocks];
		memset(c, 0, sizeof(*c));
		snprintf(c->key, sizeof(c->key), "%s", key);
		c->port = i;
		c->sim = p->clock == MCONF_CLK_SIM;
		c->clk = open_clock(p, path);
		if (!c->clk) {
			err = errno_or(ENODEV);
			pr_err("%s: clock %s: %s", p->interface, path,
			       strerror(err));
			return -err;
		}
		d->n_clocks++;
		rc = daemon_sigbus_guard(c->clk, "clockd", p->interface);
		if (rc < 0) {
			pr_err("%s: sigaction SIGBUS: %s", p->interface,
			       strerror(-rc));
			return rc;
		}
		rc = clk_getfreq(c->clk, &f);
		if (rc < 0) {
			pr_warn("%s: %s: cannot read the frequency (%s), "
				"starting from 0 ppb", p->interface,
				clk_name(c->clk), strerror(-rc));
			f = 0.0;
		}
		c->freq0_ppb = f;
		pr_info("%s: clock %s at %.3f ppb", p->interface,
			clk_name(c->clk), f);
	}
	return 0;
}

void cd_clocks_close(struct clockd *d)
{
	int i;

	for (i = 0; i < d->n_clocks; i++) {
		clk_destroy(d->clocks[i].clk);
		d->clocks[i].clk = NULL;
	}
	d->n_clocks = 0;
}

static int realtime_now(struct timespec *ts)
{
	return clock_gettime(CLOCK_REALTIME, ts) < 0 ? -errno : 0;
}

/*
 * a - b, ns, and b's time then (ns). Two sim clocks are both mapped from
 * one CLOCK_REALTIME reading (exact); anything else is two
 * cross-timestamps against CLOCK_REALTIME (PTP_SYS_OFFSET_PRECISE, then
 * _EXTENDED, for a PHC: clock.h), differenced.
 */
int cd_compare(struct cd_clock *a, struct cd_clock *b, int64_t *off_ns,
	       int64_t *b_ns)
{
	struct clk_sysoff sa, sb;
	struct timespec rt;
	tmv_t ta, tb;
	int rc;

	if (a->sim && b->sim) {
		rc = realtime_now(&rt);
		if (rc == 0) {
			rc = clk_from_realtime(a->clk, rt, &ta);
		}
		if (rc == 0) {
			rc = clk_from_realtime(b->clk, rt, &tb);
		}
		if (rc < 0) {
			return rc;
		}
		*off_ns = tmv_to_ns_round(tmv_sub(ta, tb));
		*b_ns = tmv_to_ns(tb);
		return 0;
	}
	rc = clk_sysoff(a->clk, &sa);
	if (rc == 0) {
		rc = clk_sysoff(b->clk, &sb);
	}
	if (rc < 0) {
		return rc;
	}
	*off_ns = tmv_to_ns_round(tmv_sub(tmv_sub(sa.clk_time, sa.realtime),
					  tmv_sub(sb.clk_time, sb.realtime)));
	*b_ns = tmv_to_ns(sb.clk_time);
	return 0;
}

uint64_t cd_steps(const struct clockd *d)
{
	return d->cr_ok ? clkref_steps(&d->cr) : 0;
}

void cd_compare_all(struct clockd *d, struct clkref_cmp *cmp)
{
	struct cd_clock *ref;
	int i;

	memset(cmp, 0, sizeof(*cmp) * CLKREF_MAX_CLOCKS);
	if (d->cr.ref < 0) {
		return;
	}
	ref = &d->clocks[d->cr.ref];
	for (i = 0; i < d->n_clocks; i++) {
		struct cd_clock *c = &d->clocks[i];

		if (!clkref_wants_compare(&d->cr, (unsigned)i)) {
			continue;
		}
		cmp[i].done = true;
		cmp[i].rc = cd_compare(c, ref, &cmp[i].off_ns,
				       &cmp[i].ref_ns);
		if (cmp[i].rc < 0) {
			c->cmp_errors++;
			pl_warn("%s: cannot compare %s with %s: %s",
				d->cfg.ports[c->port].interface,
				clk_name(c->clk), clk_name(ref->clk),
				strerror(-cmp[i].rc));
		}
	}
}
