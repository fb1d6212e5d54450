/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clock_sim.c - a simulated PHC in a shared-memory file.
 *
 * The file holds one struct sim_shm: a header (magic, version, size) and
 * the state of a sim_model (sim_model.h), guarded by a seqlock. Any
 * process that can open the path maps it, so processes in different
 * network namespaces (which share the filesystem) share the clock.
 *
 * Readers never block and never write: they copy the state between two
 * reads of an even sequence number and retry if it changed. Writers
 * (clockd steering, portd, tools) first take flock(LOCK_EX) on the file,
 * which serialises them across processes and is released by the kernel if
 * a writer dies; inside the lock they bump the sequence to odd, store,
 * and bump it to even again. Memory ordering follows the usual C11 seqlock
 * (H. Boehm, "Can seqlocks get along with programming language memory
 * models?", 2012): every shared field is accessed with __atomic builtins,
 * relaxed for the payload, with a release fence after the odd store and
 * an acquire fence before the reader's second sequence load.
 *
 * A checksum over the payload is stored with it; a reader that sees a
 * stable sequence with a bad checksum reports -EIO (a corrupt file, or a
 * writer that died between its stores and was never followed by another).
 *
 * Layout version 2 gave the first reserved word a use: the fault that
 * tests inject (clk_sim_set_fail), outside the seqlock. Version-1 files
 * have 0 there and attach as they are.
 *
 * Someone may truncate the file while it is mapped: an access to the
 * mapping then raises SIGBUS. Writers and clk_sim_read() look at the size
 * first (fstat) and fail with -ENODEV; see clk_sim_check() in clock.h.
 */
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define SIM_SHM_MAGIC	0x4d49534dU	/* "MSIM" in a little-endian file */
#define SIM_SHM_VERSION	2	/* 2: the fail word (was reserved, 0) */
#define SIM_SHM_VERSION_MIN	1	/* attachable: same layout */

/* A reader gives up (-EAGAIN) after this many odd or changed sequences;
 * after SEQ_SPIN of them it yields the CPU to let a preempted writer on. */
#define SEQ_SPIN	64
#define SEQ_MAX_TRIES	200000

struct sim_shm {
	/* header, written once when the file is built */
	uint32_t magic;
	uint32_t version;
	uint32_t size;			/* sizeof(struct sim_shm) */
	uint32_t seq;			/* seqlock, odd during an update */
	/* payload, accessed only with __atomic builtins under the seqlock */
	int64_t real_ref_sec;		/* sim_model.real_ref */
	int64_t real_ref_sns;
	int64_t sim_ref_sec;		/* sim_model.sim_ref */
	int64_t sim_ref_sns;
	int64_t freq_sppb;		/* intrinsic error, 2^-16 ppb */
	int64_t adj_sppb;		/* adjfreq, 2^-16 ppb */
	int64_t max_adj_sppb;		/* largest |adj|, 2^-16 ppb */
	uint64_t gen;			/* updates since creation */
	uint64_t check;			/* shm_check() of the fields above */
	/* Fault injection (clk_sim_set_fail), outside the seqlock and the
	 * checksum: one word, atomic, written and read under the file lock.
	 * Bits 0-31 the errno, 32-33 CLK_SIM_FAIL_*; 0 = none. */
	uint64_t fail;
	uint64_t reserved[4];		/* zero */
};

_Static_assert(sizeof(struct sim_shm) == 128, "sim clock file layout");
_Static_assert(offsetof(struct sim_shm, real_ref_sec) == 16, "header");
_Static_assert(offsetof(struct sim_shm, fail) == 88, "v1's reserved[0]");

struct clk_sim {
	struct clk base;
	struct sim_shm *shm;
	int fd;
	bool ro;			/* opened read-only: no writes */
	char *path;
};

#define to_sim(c) \
	((struct clk_sim *)((char *)(c) - offsetof(struct clk_sim, base)))

static const struct clk_ops sim_ops;

#define LD(p)		__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define ST(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)

/* FNV-1a over the eight payload words: cheap, order-sensitive. */
static uint64_t shm_check(const struct clk_sim_state *st)
{
	const uint64_t w[8] = {
		(uint64_t)st->model.real_ref.sec,
		(uint64_t)st->model.real_ref.sns,
		(uint64_t)st->model.sim_ref.sec,
		(uint64_t)st->model.sim_ref.sns,
		(uint64_t)st->model.freq_sppb,
		(uint64_t)st->model.adj_sppb,
		(uint64_t)st->max_adj_sppb,
		st->gen,
	};
	uint64_t h = 0xcbf29ce484222325ULL;
	int i;

	for (i = 0; i < 8; i++) {
		h ^= w[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Copy the payload out (no ordering of its own); returns its checksum. */
static uint64_t shm_load(const struct sim_shm *shm, struct clk_sim_state *st)
{
	st->model.real_ref.sec = LD(shm->real_ref_sec);
	st->model.real_ref.sns = LD(shm->real_ref_sns);
	st->model.sim_ref.sec = LD(shm->sim_ref_sec);
	st->model.sim_ref.sns = LD(shm->sim_ref_sns);
	st->model.freq_sppb = LD(shm->freq_sppb);
	st->model.adj_sppb = LD(shm->adj_sppb);
	st->max_adj_sppb = LD(shm->max_adj_sppb);
	st->gen = LD(shm->gen);
	return LD(shm->check);
}

static int shm_read(const struct sim_shm *shm, struct clk_sim_state *st)
{
	unsigned tries;

	for (tries = 0; tries < SEQ_MAX_TRIES; tries++) {
		uint32_t s1, s2;
		uint64_t check;

		if (tries >= SEQ_SPIN)
			sched_yield();
		s1 = __atomic_load_n(&shm->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		check = shm_load(shm, st);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&shm->seq, __ATOMIC_RELAXED);
		if (s1 != s2)
			continue;
		if (check != shm_check(st))
			return -EIO;
		return 0;
	}
	return -EAGAIN;
}

/* Caller holds the file lock, so it is the only writer. */
static void shm_store(struct sim_shm *shm, const struct clk_sim_state *st)
{
	uint32_t s = LD(shm->seq);

	if (s & 1)		/* a writer died inside: its lock is gone */
		s++;
	ST(shm->seq, s + 1);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ST(shm->real_ref_sec, st->model.real_ref.sec);
	ST(shm->real_ref_sns, st->model.real_ref.sns);
	ST(shm->sim_ref_sec, st->model.sim_ref.sec);
	ST(shm->sim_ref_sns, st->model.sim_ref.sns);
	ST(shm->freq_sppb, st->model.freq_sppb);
	ST(shm->adj_sppb, st->model.adj_sppb);
	ST(shm->max_adj_sppb, st->max_adj_sppb);
	ST(shm->gen, st->gen);
	ST(shm->check, shm_check(st));
	__atomic_store_n(&shm->seq, s + 2, __ATOMIC_RELEASE);
}

static int realtime_now(tmv_t *now)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts))
		return -errno;
	*now = tmv_from_timespec(ts);
	return 0;
}

static int sim_lock(struct clk_sim *s, int op)
{
	while (flock(s->fd, op)) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

/* The file still holds a whole sim clock (not truncated under us). */
static int sim_size_ok(struct clk_sim *s)
{
	struct stat sb;

	if (fstat(s->fd, &sb))
		return -errno;
	if (sb.st_size < (off_t)sizeof(struct sim_shm))
		return -ENODEV;
	return 0;
}

/* The injected fault for an operation of kind what (CLK_SIM_FAIL_*). */
static int sim_fail_err(const struct sim_shm *shm, unsigned what)
{
	uint64_t f = __atomic_load_n(&shm->fail, __ATOMIC_RELAXED);

	if ((unsigned)(f >> 32) & what)
		return -(int)(uint32_t)f;
	return 0;
}

/* An update: fn changes the state read under the lock, at time now. */
typedef int (*sim_update_fn)(struct clk_sim_state *st, tmv_t now,
			     const void *arg);

/* fail: the CLK_SIM_FAIL_* kind of this update (0: never fails). */
static int sim_update(struct clk_sim *s, sim_update_fn fn, const void *arg,
		      unsigned fail)
{
	struct clk_sim_state st;
	tmv_t now;
	int err;

	if (s->ro)
		return -EPERM;
	err = sim_lock(s, LOCK_EX);
	if (err)
		return err;
	/* A truncated file: touching the mapping would raise SIGBUS. */
	err = sim_size_ok(s);
	if (!err && fail)
		err = sim_fail_err(s->shm, fail);
	if (err) {
		sim_lock(s, LOCK_UN);
		return err;
	}
	/* We are the only writer: no retry loop, but check what is there. */
	if (shm_load(s->shm, &st) != shm_check(&st) || (LD(s->shm->seq) & 1))
		pl_warn("%s: state was torn by a dead writer, rewriting",
			s->base.name);
	err = realtime_now(&now);
	if (!err)
		err = fn(&st, now, arg);
	if (!err) {
		st.gen++;
		shm_store(s->shm, &st);
	}
	sim_lock(s, LOCK_UN);
	return err;
}

/* ---- ops ------------------------------------------------------------ */

static int sim_gettime(struct clk *c, struct timespec *ts)
{
	struct clk_sim_state st;
	tmv_t now;
	int err = shm_read(to_sim(c)->shm, &st);

	if (!err)
		err = realtime_now(&now);
	if (err)
		return err;
	*ts = tmv_to_timespec(sim_model_eval(&st.model, now));
	return 0;
}

static int upd_adj(struct clk_sim_state *st, tmv_t now, const void *arg)
{
	int64_t adj = *(const int64_t *)arg;

	if (adj > st->max_adj_sppb || adj < -st->max_adj_sppb)
		return -ERANGE;
	return sim_model_set_adj(&st->model, now, adj);
}

static int sim_adjfreq(struct clk *c, double ppb)
{
	int64_t adj;
	int err = sim_ppb_to_sppb(ppb, &adj);

	if (err)
		return err;
	return sim_update(to_sim(c), upd_adj, &adj, CLK_SIM_FAIL_FREQ);
}

static int sim_getfreq(struct clk *c, double *ppb)
{
	struct clk_sim_state st;
	int err = shm_read(to_sim(c)->shm, &st);

	if (err)
		return err;
	*ppb = sim_sppb_to_ppb(st.model.adj_sppb);
	return 0;
}

static int upd_step(struct clk_sim_state *st, tmv_t now, const void *arg)
{
	(void)now;
	sim_model_step(&st->model, tmv_from_ns(*(const int64_t *)arg));
	return 0;
}

static int sim_step(struct clk *c, int64_t ns)
{
	return sim_update(to_sim(c), upd_step, &ns, CLK_SIM_FAIL_STEP);
}

static int sim_to_clock(struct clk *c, struct timespec rt, tmv_t *out)
{
	struct clk_sim_state st;
	int err = shm_read(to_sim(c)->shm, &st);

	if (err)
		return err;
	*out = sim_model_eval(&st.model, tmv_from_timespec(rt));
	return 0;
}

static int sim_sysoff(struct clk *c, struct clk_sysoff *out)
{
	struct clk_sim_state st;
	tmv_t now;
	int err = shm_read(to_sim(c)->shm, &st);

	if (!err)
		err = realtime_now(&now);
	if (err)
		return err;
	out->realtime = now;
	out->clk_time = sim_model_eval(&st.model, now);
	out->window_ns = 0;
	return 0;
}

static void sim_destroy(struct clk *c)
{
	struct clk_sim *s = to_sim(c);

	if (s->shm)
		munmap(s->shm, sizeof(*s->shm));
	if (s->fd >= 0)
		close(s->fd);
	free(s->path);
	free(s);
}

static const struct clk_ops sim_ops = {
	.gettime = sim_gettime,
	.adjfreq = sim_adjfreq,
	.getfreq = sim_getfreq,
	.step = sim_step,
	.to_clock = sim_to_clock,
	.sysoff = sim_sysoff,
	.destroy = sim_destroy,
};

/* ---- sim-only API --------------------------------------------------- */

bool clk_is_sim(const struct clk *c)
{
	return c && c->ops == &sim_ops;
}

int clk_sim_read(struct clk *c, struct clk_sim_state *st)
{
	int err;

	if (!clk_is_sim(c))
		return -EINVAL;
	err = sim_size_ok(to_sim(c));
	if (err)
		return err;
	return shm_read(to_sim(c)->shm, st);
}

int clk_sim_check(struct clk *c)
{
	if (!clk_is_sim(c))
		return -EINVAL;
	return sim_size_ok(to_sim(c));
}

int clk_sim_mapping(const struct clk *c, const void **addr, size_t *len)
{
	if (!clk_is_sim(c))
		return -EINVAL;
	*addr = to_sim(c)->shm;
	*len = sizeof(struct sim_shm);
	return 0;
}

const char *clk_sim_path(const struct clk *c)
{
	return clk_is_sim(c) ? to_sim(c)->path : NULL;
}

#define FAIL_ALL	(CLK_SIM_FAIL_STEP | CLK_SIM_FAIL_FREQ)

int clk_sim_set_fail(struct clk *c, unsigned what, int err)
{
	struct clk_sim *s;
	uint64_t f;
	int rc;

	if (!clk_is_sim(c))
		return -EINVAL;
	if (err < 0 || (what & ~(unsigned)FAIL_ALL) ||
	    (err && !what) || (!err && what))
		return -EINVAL;
	s = to_sim(c);
	if (s->ro)
		return -EPERM;
	f = err ? (uint64_t)what << 32 | (uint32_t)err : 0;
	rc = sim_lock(s, LOCK_EX);
	if (rc)
		return rc;
	rc = sim_size_ok(s);
	if (!rc) {
		__atomic_store_n(&s->shm->fail, f, __ATOMIC_RELAXED);
		/* a version-1 reader would not know the fault */
		if (f)
			__atomic_store_n(&s->shm->version, SIM_SHM_VERSION,
					 __ATOMIC_RELAXED);
	}
	sim_lock(s, LOCK_UN);
	return rc;
}

int clk_sim_get_fail(struct clk *c, unsigned *what, int *err)
{
	uint64_t f;
	int rc;

	if (!clk_is_sim(c))
		return -EINVAL;
	rc = sim_size_ok(to_sim(c));
	if (rc)
		return rc;
	f = __atomic_load_n(&to_sim(c)->shm->fail, __ATOMIC_RELAXED);
	*what = (unsigned)(f >> 32);
	*err = (int)(uint32_t)f;
	return 0;
}

static int upd_freq(struct clk_sim_state *st, tmv_t now, const void *arg)
{
	return sim_model_set_freq(&st->model, now, *(const int64_t *)arg);
}

int clk_sim_set_freq_error(struct clk *c, double ppb)
{
	int64_t freq;
	int err;

	if (!clk_is_sim(c))
		return -EINVAL;
	err = sim_ppb_to_sppb(ppb, &freq);
	if (err)
		return err;
	return sim_update(to_sim(c), upd_freq, &freq, 0);
}

static bool model_ok(const struct sim_model *m)
{
	return m->freq_sppb >= -SIM_SPPB_MAX && m->freq_sppb <= SIM_SPPB_MAX &&
	       m->adj_sppb >= -SIM_SPPB_MAX && m->adj_sppb <= SIM_SPPB_MAX &&
	       m->real_ref.sns >= 0 && m->real_ref.sns < SNS_PER_SEC &&
	       m->sim_ref.sns >= 0 && m->sim_ref.sns < SNS_PER_SEC;
}

static int upd_model(struct clk_sim_state *st, tmv_t now, const void *arg)
{
	(void)now;
	st->model = *(const struct sim_model *)arg;
	return 0;
}

int clk_sim_set_model(struct clk *c, const struct sim_model *m)
{
	if (!clk_is_sim(c))
		return -EINVAL;
	if (!model_ok(m))
		return -ERANGE;
	return sim_update(to_sim(c), upd_model, m, 0);
}

/* ---- constructors --------------------------------------------------- */

/* Re-initialise an existing file: everything but the update count. */
static int upd_reset(struct clk_sim_state *st, tmv_t now, const void *arg)
{
	const struct clk_sim_state *n = arg;

	(void)now;
	st->model = n->model;
	st->max_adj_sppb = n->max_adj_sppb;
	return 0;
}

static struct clk_sim *sim_alloc(const char *path)
{
	struct clk_sim *s = calloc(1, sizeof(*s));
	size_t len = strlen(path);

	if (!s)
		return NULL;
	s->fd = -1;
	s->path = strdup(path);
	if (!s->path) {
		free(s);
		return NULL;
	}
	s->base.ops = &sim_ops;
	/* name: "sim:" and the path, or its tail when too long */
	if (len + 4 < sizeof(s->base.name))
		clk_set_name(&s->base, "sim:", path);
	else
		clk_set_name(&s->base, "sim:...",
			     path + len - (sizeof(s->base.name) - 8));
	return s;
}

/* Map fd (already checked to be large enough). */
static int sim_map(struct clk_sim *s)
{
	void *p = mmap(NULL, sizeof(*s->shm),
		       s->ro ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED,
		       s->fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	s->shm = p;
	return 0;
}

/* Open and validate an existing file; a description of the fault on
 * error, errno-style code returned negative. */
static int sim_attach(struct clk_sim *s, const char **why)
{
	struct clk_sim_state st;
	uint32_t hdr[3];
	struct stat sb;
	ssize_t n;
	int err;

	*why = "open";
	s->fd = open(s->path, O_RDWR | O_CLOEXEC);
	if (s->fd < 0 && (errno == EACCES || errno == EROFS)) {
		s->ro = true;
		s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
	}
	if (s->fd < 0)
		return -errno;
	*why = "not a sim clock file";
	if (fstat(s->fd, &sb))
		return -errno;
	if (!S_ISREG(sb.st_mode) || sb.st_size < (off_t)sizeof(hdr))
		return -EINVAL;
	n = pread(s->fd, hdr, sizeof(hdr), 0);
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(hdr) || hdr[0] != SIM_SHM_MAGIC)
		return -EINVAL;
	if (hdr[1] < SIM_SHM_VERSION_MIN || hdr[1] > SIM_SHM_VERSION) {
		*why = "unsupported sim clock version";
		return -EPROTO;
	}
	if (hdr[2] != sizeof(struct sim_shm) ||
	    sb.st_size < (off_t)sizeof(struct sim_shm))
		return -EINVAL;
	*why = "mmap";
	err = sim_map(s);
	if (err)
		return err;
	*why = "corrupt or busy sim clock state";
	err = shm_read(s->shm, &st);
	if (err == -EIO)
		return -EINVAL;
	if (err)
		return err;
	s->base.max_adj = sim_sppb_to_ppb(st.max_adj_sppb);
	return 0;
}

static int sim_params_state(const struct clk_sim_params *p,
			    struct clk_sim_state *st)
{
	double max_adj = p->max_adj_ppb ? p->max_adj_ppb
					: CLK_SIM_MAX_ADJ_DEFAULT;
	int64_t freq;
	tmv_t now;
	int err;

	if (!(max_adj > 0 && max_adj <= CLK_SIM_MAX_ADJ_LIMIT))
		return -ERANGE;
	err = sim_ppb_to_sppb(p->freq_error_ppb, &freq);
	if (err)
		return err;
	err = realtime_now(&now);
	if (err)
		return err;
	memset(st, 0, sizeof(*st));
	err = sim_ppb_to_sppb(max_adj, &st->max_adj_sppb);
	if (!err)
		err = sim_model_init(&st->model, now,
				     tmv_add(now, tmv_from_ns(p->offset_ns)),
				     freq);
	return err;
}

/* Build a complete file under a temporary name and link it to path, so
 * that it appears whole. -EEXIST if path exists. */
static int sim_build(struct clk_sim *s, const struct clk_sim_state *st,
		     const char **why)
{
	size_t len = strlen(s->path);
	char *tmp = malloc(len + 8);
	int err = 0;

	*why = "create";
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, s->path, len);
	memcpy(tmp + len, ".XXXXXX", 8);
	s->fd = mkostemp(tmp, O_CLOEXEC);
	if (s->fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	if (fchmod(s->fd, 0660) ||
	    ftruncate(s->fd, sizeof(struct sim_shm)))
		err = -errno;
	if (!err)
		err = sim_map(s);
	if (!err) {
		s->shm->magic = SIM_SHM_MAGIC;
		s->shm->version = SIM_SHM_VERSION;
		s->shm->size = sizeof(struct sim_shm);
		shm_store(s->shm, st);		/* nobody else sees it yet */
		if (link(tmp, s->path))
			err = -errno;
		/* a filesystem without hard links: same, by rename */
		if ((err == -EPERM || err == -EOPNOTSUPP) &&
		    renameat2(AT_FDCWD, tmp, AT_FDCWD, s->path,
			      RENAME_NOREPLACE) == 0)
			err = 0;
	}
	unlink(tmp);
	free(tmp);
	if (err && s->shm) {
		munmap(s->shm, sizeof(*s->shm));
		s->shm = NULL;
	}
	if (err) {
		close(s->fd);
		s->fd = -1;
	}
	return err;
}

struct clk *clk_sim_create(const char *path, const struct clk_sim_params *p)
{
	struct clk_sim_state st;
	const char *why = "bad parameters";
	struct clk_sim *s;
	int err = 0;

	if (!path || !*path) {
		pr_err("sim clock: empty path");
		errno = EINVAL;
		return NULL;
	}
	s = sim_alloc(path);
	if (!s) {
		pr_err("sim clock %s: out of memory", path);
		errno = ENOMEM;
		return NULL;
	}
	if (!p) {
		err = sim_attach(s, &why);
	} else {
		err = sim_params_state(p, &st);
		if (!err)
			err = sim_build(s, &st, &why);
		if (!err) {
			s->base.max_adj = sim_sppb_to_ppb(st.max_adj_sppb);
		} else if (err == -EEXIST && p->if_exists != CLK_SIM_EXCL) {
			err = sim_attach(s, &why);
			if (!err && p->if_exists == CLK_SIM_OVERWRITE) {
				why = "overwrite";
				err = sim_update(s, upd_reset, &st, 0);
				if (!err)
					err = clk_sim_set_fail(&s->base, 0,
							       0);
				s->base.max_adj =
					sim_sppb_to_ppb(st.max_adj_sppb);
			}
		}
	}
	if (err) {
		pr_err("sim clock %s: %s: %s", path, why, strerror(-err));
		sim_destroy(&s->base);
		errno = -err;
		return NULL;
	}
	return &s->base;
}
