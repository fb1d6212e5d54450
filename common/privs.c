// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * privs.c - least privilege (see privs.h): capability sets as data,
 * the user and group, the run directory, seccomp allow-lists.
 */
#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "privs.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- capabilities ------------------------------------------------------ */

static void caps_add(struct privs_caps *c, int cap)
{
	unsigned i;

	for (i = 0; i < c->n; i++) {
		if (c->cap[i] == cap) {
			return;
		}
	}
	if (c->n < PRIVS_CAPS_MAX) {
		c->cap[c->n++] = cap;
	}
}

void privs_caps_for(enum privs_who who, const struct mconf *cfg, int port,
		    bool standalone, struct privs_caps *caps)
{
	int i;

	memset(caps, 0, sizeof(*caps));
	if (cfg->clock.free_running) {
		return;		/* no clock is ever adjusted */
	}
	switch (who) {
	case PRIVS_PORTD:
		if (standalone && port >= 0 && port < cfg->n_ports &&
		    cfg->ports[port].clock == MCONF_CLK_SYSTEM) {
			caps_add(caps, CAP_SYS_TIME);
		}
		break;
	case PRIVS_CLOCKD:
		for (i = 0; i < cfg->n_ports; i++) {
			if (cfg->ports[i].clock == MCONF_CLK_SYSTEM) {
				caps_add(caps, CAP_SYS_TIME);
			}
		}
		break;
	case PRIVS_BMCAD:
	case PRIVS_TOP:
		break;
	}
}

const char *privs_caps_str(const struct privs_caps *caps, char *buf,
			   size_t len)
{
	size_t used = 0;
	unsigned i;

	if (!len) {
		return buf;
	}
	buf[0] = '\0';
	if (!caps->n) {
		snprintf(buf, len, "none");
		return buf;
	}
	for (i = 0; i < caps->n && used < len; i++) {
		const char *nm = capng_capability_to_name(
			(unsigned)caps->cap[i]);

		used += (size_t)snprintf(buf + used, len - used, "%scap_%s",
					 i ? "," : "", nm ? nm : "?");
	}
	return buf;
}

/* ---- user and group ---------------------------------------------------- */

int privs_ids(const struct mconf *cfg, struct privs_ids *ids, char *why,
	      size_t len)
{
	const struct mconf_ipc *c = &cfg->ipc;
	struct passwd *pw;
	struct group *gr;

	memset(ids, 0, sizeof(*ids));
	snprintf(ids->user, sizeof(ids->user), "%s", c->user);
	snprintf(ids->group, sizeof(ids->group), "%s", c->group);
	ids->uid = 0;
	ids->gid = 0;
	if (c->user[0] && strcmp(c->user, "root")) {
		pw = getpwnam(c->user);
		if (!pw) {
			snprintf(why, len, "ipc.user \"%s\": no such user",
				 c->user);
			return -ENOENT;
		}
		ids->uid = pw->pw_uid;
		ids->gid = pw->pw_gid;
		ids->set_uid = ids->uid != 0;
		ids->set_gid = ids->set_uid;
	}
	if (c->group[0]) {
		gr = getgrnam(c->group);
		if (!gr) {
			snprintf(why, len, "ipc.group \"%s\": no such group",
				 c->group);
			return -ENOENT;
		}
		ids->gid = gr->gr_gid;
		ids->set_gid = true;
	}
	return 0;
}

/* ---- the run directory and the supervisor's sockets -------------------- */

int privs_rundir(const char *dir, const struct privs_ids *ids, char *why,
		 size_t len)
{
	struct stat st;
	int rc;

	rc = daemon_mkdir_p(dir, 0750);
	if (rc < 0) {
		snprintf(why, len, "%s", strerror(-rc));
		return rc;
	}
	if (geteuid() != 0) {
		return 0;	/* not root: the directory is what it is */
	}
	if (lstat(dir, &st) < 0) {
		rc = -errno;
		snprintf(why, len, "%s", strerror(-rc));
		return rc;
	}
	if ((st.st_mode & S_ISVTX) && (st.st_mode & S_IWOTH)) {
		snprintf(why, len, "a shared directory (sticky, writable by "
			 "all): give Meridian a directory of its own");
		return -EPERM;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, len, "not a directory");
		return -ENOTDIR;
	}
	if (chown(dir, ids->uid, ids->gid) < 0 || chmod(dir, 0750) < 0) {
		rc = -errno;
		snprintf(why, len, "owner %s:%s, mode 0750: %s", ids->user,
			 ids->group[0] ? ids->group : "-", strerror(-rc));
		return rc;
	}
	return 0;
}

int privs_socket(const char *endpoint, const struct privs_ids *ids)
{
	const char *path = endpoint;

	if (!strncmp(path, "ipc://", 6)) {
		path += 6;
	}
	if (chown(path, ids->uid, ids->gid) < 0 || chmod(path, 0660) < 0) {
		return -errno;
	}
	return 0;
}

/* ---- the drop ---------------------------------------------------------- */

int privs_drop(const char *prog, const struct privs_ids *ids,
	       const struct privs_caps *caps)
{
	char buf[128];
	unsigned i;
	int rc, flags = CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING;

	umask(0007);
	if (geteuid() != 0) {
		/* started by a user: nothing to change, nothing to keep */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
			return -errno;
		}
		return 0;
	}
	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; i < caps->n; i++) {
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				 CAPNG_BOUNDING_SET,
				 (unsigned)caps->cap[i]) < 0) {
			pr_err("%s: capability %d: unknown", prog,
			       caps->cap[i]);
			return -EINVAL;
		}
	}
	if (ids->set_uid) {
		/* setgroups(0), setresgid, setresuid keeping caps, apply */
		rc = capng_change_id((int)ids->uid, (int)ids->gid,
				     (capng_flags_t)flags);
		if (rc < 0) {
			pr_err("%s: cannot change to user %s (uid %u gid %u): "
			       "libcap-ng error %d%s", prog, ids->user,
			       (unsigned)ids->uid, (unsigned)ids->gid, rc,
			       geteuid() ? " (not started as root)" : "");
			return -EPERM;
		}
	} else {
		if (ids->set_gid &&
		    (setgroups(0, NULL) < 0 ||
		     setresgid(ids->gid, ids->gid, ids->gid) < 0)) {
			rc = -errno;
			pr_err("%s: cannot change to group %s: %s", prog,
			       ids->group, strerror(-rc));
			return rc;
		}
		if (geteuid() == 0 || capng_have_capabilities(
			    CAPNG_SELECT_CAPS) != CAPNG_NONE) {
			rc = capng_apply(CAPNG_SELECT_BOTH);
			if (rc < 0) {
				pr_err("%s: cannot drop capabilities: "
				       "libcap-ng error %d", prog, rc);
				return -EPERM;
			}
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		rc = -errno;
		pr_err("%s: no_new_privs: %s", prog, strerror(-rc));
		return rc;
	}
	pr_info("%s: privileges dropped: uid %u gid %u, capabilities %s",
		prog, (unsigned)getuid(), (unsigned)getgid(),
		privs_caps_str(caps, buf, sizeof(buf)));
	return 0;
}

int privs_daemon_drop(const char *prog, enum privs_who who,
		      const struct mconf *cfg, int port, bool standalone)
{
	struct privs_caps caps;
	struct privs_ids ids;
	char why[128];
	int rc;

	rc = privs_ids(cfg, &ids, why, sizeof(why));
	if (rc < 0) {
		pr_err("%s: %s", prog, why);
		return rc;
	}
	rc = privs_rundir(cfg->ipc.rundir, &ids, why, sizeof(why));
	if (rc < 0) {
		pr_err("%s: run directory %s: %s", prog, cfg->ipc.rundir, why);
		return rc;
	}
	privs_caps_for(who, cfg, port, standalone, &caps);
	return privs_drop(prog, &ids, &caps);
}

int privs_daemon_seccomp(const char *prog, enum privs_who who,
			 const struct mconf *cfg)
{
	if (!cfg->ipc.seccomp) {
		pr_info("%s: seccomp off (ipc.seccomp)", prog);
		return 0;
	}
	return privs_seccomp(prog, who);
}

/* ---- seccomp ----------------------------------------------------------- */

/*
 * What a daemon does once set up (measured with strace -f on the
 * integration tests 44 and 46, then read against the code): its loop
 * (poll, read, signalfd), ZeroMQ's I/O and reaper threads (epoll,
 * eventfd, unix sockets, reconnects), logging (stderr, or syslog's
 * socket), malloc, SIGHUP (the configuration re-read), the clocks (the
 * sim file is a mapping; PHCs are ioctls and clock_adjtime) and exit.
 */
static const char *const allow_common[] = {
	"read", "readv", "write", "writev", "pread64", "close", "lseek",
	"fstat", "newfstatat", "statx", "openat", "fcntl", "ioctl",
	"flock", "ftruncate",	/* the sim clock's file, at each access */
	"poll", "ppoll", "epoll_wait", "epoll_pwait", "epoll_ctl",
	"eventfd2", "pipe2",
	"socket", "connect", "accept", "accept4", "bind", "listen",
	"sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg",
	"getsockopt", "setsockopt", "getsockname", "getpeername",
	"shutdown", "unlink",
	"futex", "sched_yield", "clock_gettime", "clock_getres",
	"gettimeofday", "time", "nanosleep", "clock_nanosleep",
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "msync",
	"rt_sigprocmask", "rt_sigreturn", "rt_sigaction",
	"getpid", "gettid", "tgkill", "getuid", "geteuid", "getgid",
	"getegid", "getrandom", "uname", "sysinfo",
	"restart_syscall", "exit", "exit_group",
	/* A thread started just before the filter (ZeroMQ's I/O and
	 * reaper threads) runs its prologue under it: glibc's start_thread
	 * (rseq, set_robust_list, the signal mask), then ZeroMQ's
	 * scheduling parameters and prctl(PR_SET_NAME) (below, alone). */
	"rseq", "set_robust_list", "sigaltstack", "sched_getparam",
	"sched_getscheduler", "sched_setscheduler", "sched_getaffinity",
};

/* Steering clocks: frequency, steps, PHC offsets (ioctl, above). */
static const char *const allow_clocks[] = {
	"clock_adjtime", "clock_settime", "adjtimex",
};

/* A missing name here is a build of this list on another architecture:
 * tests/unit/test_privs.c resolves every name on this one. */
const char *const *privs_allow_list(enum privs_who who, size_t *n)
{
	if (who == PRIVS_TOP) {
		*n = 0;
		return NULL;
	}
	*n = ARRAY_SIZE(allow_common);
	return allow_common;
}

static int add_list(scmp_filter_ctx f, const char *const *l, size_t n,
		    unsigned *count)
{
	size_t i;
	int nr, rc;

	for (i = 0; i < n; i++) {
		nr = seccomp_syscall_resolve_name(l[i]);
		if (nr == __NR_SCMP_ERROR) {
			continue;	/* not on this architecture */
		}
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
		if (rc < 0) {
			return rc;
		}
		(*count)++;
	}
	return 0;
}

void *privs_filter(enum privs_who who, unsigned *n_rules)
{
	scmp_filter_ctx f;
	unsigned count = 0;
	int rc;

	if (who == PRIVS_TOP) {
		errno = EINVAL;
		return NULL;
	}
	f = seccomp_init(SCMP_ACT_TRAP);
	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	rc = seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc == 0) {
		rc = add_list(f, allow_common, ARRAY_SIZE(allow_common),
			      &count);
	}
	if (rc == 0) {
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
				      SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME));
		count++;
	}
	if (rc == 0 && who != PRIVS_BMCAD) {
		/* portd (standalone) and clockd steer clocks; bmcad never */
		rc = add_list(f, allow_clocks, ARRAY_SIZE(allow_clocks),
			      &count);
	}
	if (rc < 0) {
		seccomp_release(f);
		errno = -rc;
		return NULL;
	}
	if (n_rules) {
		*n_rules = count;
	}
	return f;
}

void privs_filter_free(void *filter)
{
	if (filter) {
		seccomp_release(filter);
	}
}

/* The one piece of process-wide state: what the SIGSYS handler says. */
static struct {
	char prefix[48];
	size_t len;
} sigsys_msg;

/* Async-signal-safe: write(2) the number, then die of SIGSYS. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char buf[128], num[16];
	size_t n = 0, k = 0;
	unsigned v = (unsigned)si->si_syscall;
	ssize_t w;

	(void)uc;
	do {
		num[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && k < sizeof(num));
	memcpy(buf, sigsys_msg.prefix, sigsys_msg.len);
	n = sigsys_msg.len;
	while (k) {
		buf[n++] = num[--k];
	}
	memcpy(buf + n, " (killed)\n", 10);
	n += 10;
	w = write(STDERR_FILENO, buf, n);
	(void)w;
	signal(sig, SIG_DFL);
	raise(sig);
}

int privs_seccomp(const char *prog, enum privs_who who)
{
	struct sigaction sa;
	const char *trip;
	unsigned n = 0;
	void *f;
	int rc;

	snprintf(sigsys_msg.prefix, sizeof(sigsys_msg.prefix),
		 "%s: crit: seccomp: forbidden system call ", prog);
	sigsys_msg.len = strlen(sigsys_msg.prefix);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		rc = -errno;
		pr_err("%s: sigaction SIGSYS: %s", prog, strerror(-rc));
		return rc;
	}
	f = privs_filter(who, &n);
	if (!f) {
		rc = -errno;
		pr_err("%s: seccomp filter: %s", prog, strerror(-rc));
		return rc;
	}
	rc = seccomp_load(f);
	seccomp_release(f);
	if (rc < 0) {
		pr_err("%s: seccomp: cannot load the filter: %s", prog,
		       strerror(-rc));
		return rc;
	}
	pr_info("%s: seccomp: %u system calls allowed, others kill", prog,
		n);
	trip = getenv("MERIDIAN_SECCOMP_TRIP");
	if (trip && !strcmp(trip, prog)) {
		pr_notice("%s: MERIDIAN_SECCOMP_TRIP: a forbidden system "
			  "call (test)", prog);
		/* SYSLOG_ACTION_SIZE_BUFFER: reads nothing, changes nothing */
		(void)syscall(SYS_syslog, 10, NULL, 0);
	}
	return 0;
}
