/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clock_posix.c - the phc and system backends over a clockid_t.
 *
 * Both are a POSIX clock id: CLOCK_REALTIME, or the dynamic clock id of an
 * open /dev/ptpN (FD_TO_CLOCKID, as linuxptp's phc.c). Frequency and step
 * go through clock_adjtime exactly as linuxptp's clockadj.c does them.
 */
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timex.h>
#include <unistd.h>

#include <linux/ptp_clock.h>

#include "log.h"

/* Dynamic POSIX clock id of an open character device (clock_getres(2)). */
#define CLOCKFD			3
#define FD_TO_CLOCKID(fd)	((clockid_t)((((unsigned int)~(fd)) << 3) | \
					     CLOCKFD))

/* Largest frequency adjustment of CLOCK_REALTIME: the kernel's MAXFREQ,
 * 500 ppm. */
#define SYSTEM_MAX_ADJ_PPB	500000.0

/* Samples per PTP_SYS_OFFSET{,_EXTENDED} request. */
#define SYSOFF_SAMPLES		5

enum sysoff_method {
	SYSOFF_UNKNOWN,		/* not probed yet */
	SYSOFF_PRECISE,
	SYSOFF_EXTENDED,
	SYSOFF_BASIC,
	SYSOFF_NONE,		/* the driver supports none of them */
};

struct clk_posix {
	struct clk base;
	clockid_t id;
	int fd;			/* -1 for CLOCK_REALTIME */
	enum sysoff_method method;
};

#define to_posix(c) \
	((struct clk_posix *)((char *)(c) - offsetof(struct clk_posix, base)))

static int posix_gettime(struct clk *c, struct timespec *ts)
{
	if (clock_gettime(to_posix(c)->id, ts))
		return -errno;
	return 0;
}

static int posix_adjfreq(struct clk *c, double ppb)
{
	struct timex tx;

	if (!isfinite(ppb) || fabs(ppb) > c->max_adj)
		return -ERANGE;
	memset(&tx, 0, sizeof(tx));
	/* timex.freq is ppm with a 16-bit fraction: ppb * 2^16 / 1000 */
	tx.modes = ADJ_FREQUENCY;
	tx.freq = lround(ppb * 65.536);
	if (clock_adjtime(to_posix(c)->id, &tx) < 0) {
		int err = errno;

		pl_err("%s: clock_adjtime ADJ_FREQUENCY: %s", c->name,
		       strerror(err));
		return -err;
	}
	return 0;
}

static int posix_getfreq(struct clk *c, double *ppb)
{
	struct timex tx;

	memset(&tx, 0, sizeof(tx));	/* modes 0: read only */
	if (clock_adjtime(to_posix(c)->id, &tx) < 0)
		return -errno;
	*ppb = tx.freq / 65.536;
	return 0;
}

static int posix_step(struct clk *c, int64_t ns)
{
	struct timex tx;
	int64_t sec = ns / NS_PER_SEC, rem = ns % NS_PER_SEC;

	/* The offset is tv_sec + tv_usec (ns with ADJ_NANO), tv_usec >= 0. */
	if (rem < 0) {
		rem += NS_PER_SEC;
		sec -= 1;
	}
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET | ADJ_NANO;
	tx.time.tv_sec = (time_t)sec;
	tx.time.tv_usec = (suseconds_t)rem;
	if (clock_adjtime(to_posix(c)->id, &tx) < 0) {
		int err = errno;

		pl_err("%s: clock_adjtime ADJ_SETOFFSET: %s", c->name,
		       strerror(err));
		return -err;
	}
	return 0;
}

static int64_t pct_ns(const struct ptp_clock_time *t)
{
	return (int64_t)t->sec * NS_PER_SEC + t->nsec;
}

static tmv_t pct_tmv(const struct ptp_clock_time *t)
{
	return tmv_make(t->sec, (int64_t)t->nsec << SNS_SHIFT);
}

int clk_sysoff_pick(const int64_t (*samples)[3], int n,
		    struct clk_sysoff *out)
{
	int i, best = -1;
	int64_t best_win = INT64_MAX;

	for (i = 0; i < n; i++) {
		int64_t win;

		if (__builtin_sub_overflow(samples[i][2], samples[i][0], &win))
			continue;
		if (win >= 0 && win < best_win) {
			best_win = win;
			best = i;
		}
	}
	if (best < 0)
		return -EINVAL;
	/* middle of the window, without overflowing the sum */
	out->realtime = tmv_from_ns(samples[best][0] + best_win / 2);
	if (best_win & 1) {
		tmv_t half_ns = tmv_from_scaled_ns(1 << (SNS_SHIFT - 1));

		out->realtime = tmv_add(out->realtime, half_ns);
	}
	out->clk_time = tmv_from_ns(samples[best][1]);
	out->window_ns = best_win;
	return 0;
}

static int sysoff_precise(struct clk_posix *p, struct clk_sysoff *out)
{
	struct ptp_sys_offset_precise pso;

	memset(&pso, 0, sizeof(pso));
	if (ioctl(p->fd, PTP_SYS_OFFSET_PRECISE, &pso))
		return -errno;
	out->clk_time = pct_tmv(&pso.device);
	out->realtime = pct_tmv(&pso.sys_realtime);
	out->window_ns = 0;
	return 0;
}

static int sysoff_extended(struct clk_posix *p, struct clk_sysoff *out)
{
	struct ptp_sys_offset_extended pse;
	int64_t s[SYSOFF_SAMPLES][3];
	int i, j;

	memset(&pse, 0, sizeof(pse));
	pse.n_samples = SYSOFF_SAMPLES;
	if (ioctl(p->fd, PTP_SYS_OFFSET_EXTENDED, &pse))
		return -errno;
	for (i = 0; i < SYSOFF_SAMPLES; i++) {
		for (j = 0; j < 3; j++)
			s[i][j] = pct_ns(&pse.ts[i][j]);
	}
	return clk_sysoff_pick((const int64_t (*)[3])s, SYSOFF_SAMPLES, out);
}

static int sysoff_basic(struct clk_posix *p, struct clk_sysoff *out)
{
	struct ptp_sys_offset pso;
	int64_t s[SYSOFF_SAMPLES][3];
	int i;

	/* ts[] = sys, phc, sys, phc, ..., sys (2n + 1 values) */
	memset(&pso, 0, sizeof(pso));
	pso.n_samples = SYSOFF_SAMPLES;
	if (ioctl(p->fd, PTP_SYS_OFFSET, &pso))
		return -errno;
	for (i = 0; i < SYSOFF_SAMPLES; i++) {
		s[i][0] = pct_ns(&pso.ts[2 * i]);
		s[i][1] = pct_ns(&pso.ts[2 * i + 1]);
		s[i][2] = pct_ns(&pso.ts[2 * i + 2]);
	}
	return clk_sysoff_pick((const int64_t (*)[3])s, SYSOFF_SAMPLES, out);
}

/* An ioctl error meaning "this driver does not do that request". */
static bool sysoff_unsupported(int err)
{
	return err == -EOPNOTSUPP || err == -ENOTTY || err == -EINVAL;
}

/*
 * Probe once, best first (as linuxptp's sysoff_probe): PRECISE is a
 * hardware cross-timestamp, EXTENDED brackets each PHC read closely with
 * system reads, BASIC brackets it with the whole ioctl.
 */
static int phc_sysoff(struct clk *c, struct clk_sysoff *out)
{
	struct clk_posix *p = to_posix(c);
	int err;

	switch (p->method) {
	case SYSOFF_PRECISE:
		return sysoff_precise(p, out);
	case SYSOFF_EXTENDED:
		return sysoff_extended(p, out);
	case SYSOFF_BASIC:
		return sysoff_basic(p, out);
	case SYSOFF_NONE:
		return -EOPNOTSUPP;
	case SYSOFF_UNKNOWN:
		break;
	}
	err = sysoff_precise(p, out);
	if (!err) {
		p->method = SYSOFF_PRECISE;
		return 0;
	}
	if (!sysoff_unsupported(err))
		return err;
	err = sysoff_extended(p, out);
	if (!err) {
		p->method = SYSOFF_EXTENDED;
		return 0;
	}
	if (!sysoff_unsupported(err))
		return err;
	err = sysoff_basic(p, out);
	if (!err) {
		p->method = SYSOFF_BASIC;
		return 0;
	}
	if (sysoff_unsupported(err)) {
		p->method = SYSOFF_NONE;
		pr_warn("%s: no PTP_SYS_OFFSET method works", c->name);
	}
	return err;
}

/*
 * A realtime stamp in PHC time: rt + (phc - realtime) from a fresh
 * cross-timestamp. One ioctl per call; over the microseconds between the
 * two the PHC's rate error against CLOCK_REALTIME is negligible.
 */
static int phc_to_clock(struct clk *c, struct timespec rt, tmv_t *out)
{
	struct clk_sysoff so;
	int err = phc_sysoff(c, &so);

	if (err)
		return err;
	*out = tmv_add(tmv_from_timespec(rt),
		       tmv_sub(so.clk_time, so.realtime));
	return 0;
}

static int system_to_clock(struct clk *c, struct timespec rt, tmv_t *out)
{
	(void)c;
	*out = tmv_from_timespec(rt);
	return 0;
}

static int system_sysoff(struct clk *c, struct clk_sysoff *out)
{
	struct timespec ts;
	int err = posix_gettime(c, &ts);

	if (err)
		return err;
	out->clk_time = out->realtime = tmv_from_timespec(ts);
	out->window_ns = 0;
	return 0;
}

static void posix_destroy(struct clk *c)
{
	struct clk_posix *p = to_posix(c);

	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

static const struct clk_ops phc_ops = {
	.gettime = posix_gettime,
	.adjfreq = posix_adjfreq,
	.getfreq = posix_getfreq,
	.step = posix_step,
	.to_clock = phc_to_clock,
	.sysoff = phc_sysoff,
	.destroy = posix_destroy,
};

static const struct clk_ops system_ops = {
	.gettime = posix_gettime,
	.adjfreq = posix_adjfreq,
	.getfreq = posix_getfreq,
	.step = posix_step,
	.to_clock = system_to_clock,
	.sysoff = system_sysoff,
	.destroy = posix_destroy,
};

struct clk *clk_phc_create(const char *dev)
{
	struct ptp_clock_caps caps;
	struct clk_posix *p;
	struct timespec ts;
	int fd, err;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		pr_err("phc %s: open: %s", dev, strerror(err));
		errno = err;
		return NULL;
	}
	memset(&caps, 0, sizeof(caps));
	if (ioctl(fd, PTP_CLOCK_GETCAPS, &caps) ||
	    clock_gettime(FD_TO_CLOCKID(fd), &ts)) {
		pr_err("phc %s: not a PTP hardware clock: %s", dev,
		       strerror(errno));
		close(fd);
		errno = ENODEV;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		close(fd);
		pr_err("phc %s: out of memory", dev);
		errno = ENOMEM;
		return NULL;
	}
	p->base.ops = &phc_ops;
	clk_set_name(&p->base, "phc:", dev);
	p->base.max_adj = caps.max_adj;
	p->fd = fd;
	p->id = FD_TO_CLOCKID(fd);
	p->method = SYSOFF_UNKNOWN;
	if (caps.max_adj <= 0)
		pr_warn("phc %s: driver reports max_adj %d ppb", dev,
			caps.max_adj);
	return &p->base;
}

struct clk *clk_system_create(void)
{
	struct clk_posix *p = calloc(1, sizeof(*p));

	if (!p) {
		pr_err("system clock: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	p->base.ops = &system_ops;
	clk_set_name(&p->base, "system", "");
	p->base.max_adj = SYSTEM_MAX_ADJ_PPB;
	p->fd = -1;
	p->id = CLOCK_REALTIME;
	return &p->base;
}
