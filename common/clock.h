/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clock.h - one interface to the clocks Meridian reads and steers.
 *
 * Three backends share the ops table below:
 *
 *   phc     a PTP hardware clock /dev/ptpN (clock_gettime on the fd's
 *           clockid, clock_adjtime ADJ_FREQUENCY / ADJ_SETOFFSET,
 *           PTP_SYS_OFFSET_{PRECISE,EXTENDED,} for cross-timestamps).
 *   system  CLOCK_REALTIME, for software timestamping on real networks.
 *           Its adjfreq/step change the host clock: never call them in a
 *           test or in the lab (DESIGN.md, LAB-NOTES.md).
 *   sim     a simulated PHC in a small shared-memory file, a linear
 *           function of CLOCK_REALTIME with its own frequency error
 *           (sim_model.h), steerable exactly like a PHC and shared by path
 *           between processes, also across network namespaces.
 *
 * Conventions, for every backend:
 *   - frequencies are in ppb; a positive adjfreq makes the clock run
 *     faster. getfreq returns the last adjustment (not the intrinsic
 *     error of the oscillator, which nobody can read from a real PHC).
 *   - step(ns) adds ns to the clock (positive = forward).
 *   - functions return 0 or -errno; constructors return NULL with errno
 *     set, after logging once with the device or path.
 *   - gettime gives whole nanoseconds (truncated); from_realtime and
 *     sysoff keep the sim clock's sub-ns part.
 *   - a struct clk is used by one thread at a time; several processes may
 *     share a sim clock (its writers serialise on a file lock). The lock
 *     belongs to the open file, so a child of fork() must not steer
 *     through its parent's struct clk: it attaches with its own
 *     clk_sim_create(path, NULL).
 */
#ifndef MERIDIAN_CLOCK_H
#define MERIDIAN_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ptp_time.h"
#include "sim_model.h"

struct clk;

/*
 * A cross-timestamp of a clock against CLOCK_REALTIME: the clock read
 * clk_time at the instant CLOCK_REALTIME read realtime, give or take
 * window_ns / 2 (0 when both come from one reading, as for sim and
 * system; the read window of the best sample for a PHC).
 */
struct clk_sysoff {
	tmv_t clk_time;
	tmv_t realtime;
	int64_t window_ns;
};

struct clk_ops {
	int (*gettime)(struct clk *c, struct timespec *ts);
	/* ppb, + = faster; -ERANGE beyond max_adj */
	int (*adjfreq)(struct clk *c, double ppb);
	int (*getfreq)(struct clk *c, double *ppb);
	/* ns added to the clock, + = forward */
	int (*step)(struct clk *c, int64_t ns);
	/* A CLOCK_REALTIME (software) timestamp in this clock's time base. */
	int (*to_clock)(struct clk *c, struct timespec realtime, tmv_t *out);
	int (*sysoff)(struct clk *c, struct clk_sysoff *out);
	void (*destroy)(struct clk *c);
};

struct clk {
	const struct clk_ops *ops;
	char name[32];		/* "system", "phc:/dev/ptp0", "sim:PATH" */
	double max_adj;		/* ppb, largest |ppb| adjfreq accepts */
};

static inline int clk_gettime(struct clk *c, struct timespec *ts)
{
	return c->ops->gettime(c, ts);
}

static inline int clk_adjfreq(struct clk *c, double ppb)
{
	return c->ops->adjfreq(c, ppb);
}

static inline int clk_getfreq(struct clk *c, double *ppb)
{
	return c->ops->getfreq(c, ppb);
}

static inline int clk_step(struct clk *c, int64_t ns)
{
	return c->ops->step(c, ns);
}

static inline int clk_from_realtime(struct clk *c, struct timespec rt,
				    tmv_t *out)
{
	return c->ops->to_clock(c, rt, out);
}

static inline int clk_sysoff(struct clk *c, struct clk_sysoff *out)
{
	return c->ops->sysoff(c, out);
}

static inline void clk_destroy(struct clk *c)
{
	if (c)
		c->ops->destroy(c);
}

static inline const char *clk_name(const struct clk *c)
{
	return c->name;
}

/* clock_posix.c ------------------------------------------------------- */

/*
 * Open a PTP hardware clock ("/dev/ptp0"). max_adj comes from
 * PTP_CLOCK_GETCAPS. errno: from open(), or ENODEV when dev is not a PHC.
 */
struct clk *clk_phc_create(const char *dev);

/* CLOCK_REALTIME. Never fails except for ENOMEM. */
struct clk *clk_system_create(void);

/*
 * Pick the best of n [system, phc, system] samples (ns since the epoch,
 * as PTP_SYS_OFFSET_EXTENDED returns them): the one with the narrowest
 * system-time window. realtime is the middle of that window. -EINVAL if
 * n < 1 or no window is >= 0. Pure; exposed for the unit tests.
 */
int clk_sysoff_pick(const int64_t (*samples)[3], int n,
		    struct clk_sysoff *out);

/* clock_sim.c --------------------------------------------------------- */

/* Default and largest max_adj of a sim clock, ppb. */
#define CLK_SIM_MAX_ADJ_DEFAULT	500000.0
#define CLK_SIM_MAX_ADJ_LIMIT	((double)SIM_PPB_MAX)

/* What clk_sim_create() does when the path already exists. */
enum clk_sim_exist {
	CLK_SIM_EXCL,		/* fail with EEXIST */
	CLK_SIM_ATTACH,		/* attach to it as it is, parameters unused
				 * (a restarted daemon keeps the clock) */
	CLK_SIM_OVERWRITE,	/* re-initialise it in place; attached
				 * processes see the new state through the
				 * seqlock */
};

struct clk_sim_params {
	double freq_error_ppb;	/* intrinsic error, + = fast, |..| <= 1e8 */
	int64_t offset_ns;	/* initial sim time - CLOCK_REALTIME */
	double max_adj_ppb;	/* 0 = CLK_SIM_MAX_ADJ_DEFAULT */
	enum clk_sim_exist if_exists;
};

/*
 * Create (p != NULL) or attach to (p == NULL) the sim clock at path.
 * A new file appears atomically (built under a temporary name, then
 * linked), so an attacher never sees a half-written one. An existing path
 * is handled as p->if_exists says; ATTACH and OVERWRITE refuse (EINVAL) a
 * file that is not a sim clock. errno on attach: ENOENT, EINVAL (not a
 * sim clock: short, wrong magic or size, bad checksum), EPROTO (other
 * layout version), or from open/mmap; ERANGE for bad parameters.
 */
struct clk *clk_sim_create(const char *path, const struct clk_sim_params *p);

/* Everything in the shared file, read consistently. */
struct clk_sim_state {
	struct sim_model model;
	int64_t max_adj_sppb;
	uint64_t gen;		/* count of updates since creation */
};

bool clk_is_sim(const struct clk *c);
/* -EINVAL if c is not a sim clock; -EAGAIN if a writer died mid-update. */
int clk_sim_read(struct clk *c, struct clk_sim_state *st);
/* Rebase now and set the intrinsic error (wander, temperature steps). */
int clk_sim_set_freq_error(struct clk *c, double ppb);
/* Replace the whole model (the simulator and tests); -ERANGE if a rate is
 * out of range. */
int clk_sim_set_model(struct clk *c, const struct sim_model *m);

/*
 * The file behind a sim clock is shared: someone may truncate it while it
 * is mapped, and the next access to the mapping then raises SIGBUS.
 * clk_sim_check() is the cheap look (one fstat): 0, or -ENODEV when the
 * file is now shorter than a sim clock (the mapping is gone). Writers
 * (adjfreq, step, the setters) check under their lock and fail with
 * -ENODEV; clk_sim_read() checks too. The other reads (gettime,
 * from_realtime, sysoff, getfreq) do not, to stay one memory read, so a
 * process that reads a sim clock should catch SIGBUS at the mapping:
 * clk_sim_mapping() gives its address range and clk_sim_path() the path,
 * for an async-signal-safe handler (portd's, setup.c).
 */
int clk_sim_check(struct clk *c);
int clk_sim_mapping(const struct clk *c, const void **addr, size_t *len);
const char *clk_sim_path(const struct clk *c);

/*
 * Fault injection, for tests of what a daemon does with a clock that
 * refuses to be steered: while set, adjfreq and/or step of every process
 * attached to the file fail with -err (a positive errno, e.g. EPERM) and
 * change nothing. Stored in the file (layout version 2; version-1 files
 * have 0 there: no fault). err 0 clears it. -EINVAL for a bad err or what.
 */
enum clk_sim_fail {
	CLK_SIM_FAIL_STEP = 1,		/* step fails */
	CLK_SIM_FAIL_FREQ = 2,		/* adjfreq fails */
};
int clk_sim_set_fail(struct clk *c, unsigned what, int err);
/* The fault set now: *what (CLK_SIM_FAIL_* bits) and *err. */
int clk_sim_get_fail(struct clk *c, unsigned *what, int *err);

/* clock.c ------------------------------------------------------------- */

/*
 * Open a clock from a config-style spec: "system", "/dev/ptpN" or
 * "phc:/dev/ptpN", or "sim:PATH" (attach to an existing sim clock).
 * NULL with errno EINVAL for anything else.
 */
struct clk *clk_open(const char *spec);

/* Set name to "<prefix><what>", truncated to fit. */
void clk_set_name(struct clk *c, const char *prefix, const char *what);

#endif
