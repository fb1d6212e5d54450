// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_privs.c - least privilege (common/privs.c): the capabilities each
 * daemon keeps, as data; the ipc.user / ipc.group / ipc.seccomp keys;
 * the seccomp allow-lists (every name known here, each filter builds,
 * and, loaded in a child process, kills a forbidden call with SIGSYS
 * while the calls a daemon makes go through).
 */
#include <cap-ng.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "privs.h"

static void quiet(void)
{
	log_set_level(LOG_EMERG);
}

TestSuite(privs, .init = quiet);

static void load(struct mconf *cfg, const char *text)
{
	struct mconf_errors errs;
	int rc;

	memset(&errs, 0, sizeof(errs));
	rc = mconf_load_string(cfg, text, "t.conf", &errs);
	cr_assert_eq(rc, 0, "%s", errs.count ? errs.msg[0] : "?");
}

#define PORTS(c1, c2)							\
	"clock = { clock_identity = \"00:11:22:ff:fe:33:44:55\"; };\n"	\
	"ports = ( { interface = \"eth1\"; clock = \"" c1 "\";"	\
	" timestamping = \"software\"; },\n"				\
	"          { interface = \"eth2\"; clock = \"" c2 "\";"	\
	" timestamping = \"software\"; } );\n"

static bool has(const struct privs_caps *c, int cap)
{
	unsigned i;

	for (i = 0; i < c->n; i++) {
		if (c->cap[i] == cap) {
			return true;
		}
	}
	return false;
}

Test(privs, caps_per_daemon)
{
	struct mconf cfg;
	struct privs_caps c;
	char buf[64];

	load(&cfg, PORTS("sim", "sim"));
	privs_caps_for(PRIVS_PORTD, &cfg, 0, false, &c);
	cr_assert_eq(c.n, 0);
	privs_caps_for(PRIVS_PORTD, &cfg, 0, true, &c);
	cr_assert_eq(c.n, 0);
	privs_caps_for(PRIVS_CLOCKD, &cfg, -1, false, &c);
	cr_assert_eq(c.n, 0);
	privs_caps_for(PRIVS_BMCAD, &cfg, -1, false, &c);
	cr_assert_eq(c.n, 0);
	privs_caps_for(PRIVS_TOP, &cfg, -1, false, &c);
	cr_assert_eq(c.n, 0);
	cr_assert_str_eq(privs_caps_str(&c, buf, sizeof(buf)), "none");

	/* a port on the system clock: clockd steers it, a bus portd not */
	load(&cfg, PORTS("sim", "system"));
	privs_caps_for(PRIVS_CLOCKD, &cfg, -1, false, &c);
	cr_assert_eq(c.n, 1);
	cr_assert(has(&c, CAP_SYS_TIME));
	cr_assert_str_eq(privs_caps_str(&c, buf, sizeof(buf)),
			 "cap_sys_time");
	privs_caps_for(PRIVS_PORTD, &cfg, 1, false, &c);
	cr_assert_eq(c.n, 0);
	privs_caps_for(PRIVS_PORTD, &cfg, 1, true, &c);
	cr_assert_eq(c.n, 1);
	cr_assert(has(&c, CAP_SYS_TIME));
	privs_caps_for(PRIVS_PORTD, &cfg, 0, true, &c);
	cr_assert_eq(c.n, 0, "eth1 is on a sim clock");
	privs_caps_for(PRIVS_BMCAD, &cfg, -1, false, &c);
	cr_assert_eq(c.n, 0);

	/* two system ports: the capability once */
	load(&cfg, PORTS("system", "system"));
	privs_caps_for(PRIVS_CLOCKD, &cfg, -1, false, &c);
	cr_assert_eq(c.n, 1);

}

Test(privs, caps_free_running)
{
	struct mconf cfg;
	struct privs_caps c;

	load(&cfg, "clock = { clock_identity = \"00:11:22:ff:fe:33:44:55\";"
	     " free_running = true; };\n"
	     "ports = ( { interface = \"eth1\"; clock = \"system\";"
	     " timestamping = \"software\"; } );\n");
	privs_caps_for(PRIVS_CLOCKD, &cfg, -1, false, &c);
	cr_assert_eq(c.n, 0);
	privs_caps_for(PRIVS_PORTD, &cfg, 0, true, &c);
	cr_assert_eq(c.n, 0);
}

Test(privs, config_keys)
{
	struct mconf_errors errs;
	struct mconf cfg;

	load(&cfg, PORTS("sim", "sim"));
	cr_assert_str_eq(cfg.ipc.user, "root");
	cr_assert_str_eq(cfg.ipc.group, "");
	cr_assert(cfg.ipc.seccomp);
	load(&cfg, PORTS("sim", "sim")
	     "ipc = { user = \"meridian\"; group = \"ptp-ops\";"
	     " seccomp = false; };\n");
	cr_assert_str_eq(cfg.ipc.user, "meridian");
	cr_assert_str_eq(cfg.ipc.group, "ptp-ops");
	cr_assert_not(cfg.ipc.seccomp);

	memset(&errs, 0, sizeof(errs));
	cr_assert_neq(mconf_load_string(&cfg, PORTS("sim", "sim")
		"ipc = {\n user = \"Root!\";\n};\n", "t.conf", &errs), 0);
	cr_assert_eq(errs.count, 1);
	cr_assert(strstr(errs.msg[0], "t.conf:5:"), "%s", errs.msg[0]);
	cr_assert(strstr(errs.msg[0], "user"), "%s", errs.msg[0]);
	memset(&errs, 0, sizeof(errs));
	cr_assert_neq(mconf_load_string(&cfg, PORTS("sim", "sim")
		"ipc = { group = \"-ops\"; };\n", "t.conf", &errs), 0);
	cr_assert(strstr(errs.msg[0], "t.conf:4:"), "%s", errs.msg[0]);
	memset(&errs, 0, sizeof(errs));
	cr_assert_neq(mconf_load_string(&cfg, PORTS("sim", "sim")
		"ipc = { group = \"a234567890123456789012345678901234\"; };\n",
		"t.conf", &errs), 0);
	memset(&errs, 0, sizeof(errs));
	cr_assert_neq(mconf_load_string(&cfg, PORTS("sim", "sim")
		"ipc = { seccomp = \"yes\"; };\n", "t.conf", &errs), 0);
}

Test(privs, ids)
{
	struct privs_ids ids;
	struct mconf cfg;
	char why[128];

	load(&cfg, PORTS("sim", "sim"));
	cr_assert_eq(privs_ids(&cfg, &ids, why, sizeof(why)), 0);
	cr_assert_not(ids.set_uid);
	cr_assert_not(ids.set_gid);
	cr_assert_eq(ids.uid, 0);

	load(&cfg, PORTS("sim", "sim") "ipc = { user = \"nobody\"; };\n");
	cr_assert_eq(privs_ids(&cfg, &ids, why, sizeof(why)), 0);
	cr_assert(ids.set_uid);
	cr_assert_eq(ids.uid, 65534);

	load(&cfg, PORTS("sim", "sim")
	     "ipc = { user = \"nobody\"; group = \"nogroup\"; };\n");
	cr_assert_eq(privs_ids(&cfg, &ids, why, sizeof(why)), 0);
	cr_assert(ids.set_gid);
	cr_assert_eq(ids.gid, 65534);

	load(&cfg, PORTS("sim", "sim")
	     "ipc = { user = \"no-such-user-9\"; };\n");
	cr_assert_eq(privs_ids(&cfg, &ids, why, sizeof(why)), -ENOENT);
	cr_assert(strstr(why, "no such user"), "%s", why);
	load(&cfg, PORTS("sim", "sim")
	     "ipc = { group = \"no-such-group-9\"; };\n");
	cr_assert_eq(privs_ids(&cfg, &ids, why, sizeof(why)), -ENOENT);
	cr_assert(strstr(why, "no such group"), "%s", why);
}

Test(privs, allow_list_names)
{
	const char *const *l;
	size_t i, n;

	l = privs_allow_list(PRIVS_BMCAD, &n);
	cr_assert_gt(n, 20);
	for (i = 0; i < n; i++) {
		cr_assert_neq(seccomp_syscall_resolve_name(l[i]),
			      __NR_SCMP_ERROR, "%s: unknown here", l[i]);
	}
	l = privs_allow_list(PRIVS_TOP, &n);
	cr_assert_null(l);
	cr_assert_eq(n, 0);
}

Test(privs, filters_build)
{
	unsigned n_bmcad = 0, n_clockd = 0, n_portd = 0;
	void *f;

	f = privs_filter(PRIVS_BMCAD, &n_bmcad);
	cr_assert_not_null(f);
	privs_filter_free(f);
	f = privs_filter(PRIVS_CLOCKD, &n_clockd);
	cr_assert_not_null(f);
	privs_filter_free(f);
	f = privs_filter(PRIVS_PORTD, &n_portd);
	cr_assert_not_null(f);
	privs_filter_free(f);
	cr_assert_gt(n_bmcad, 50);
	cr_assert_eq(n_clockd, n_bmcad + 3, "clock_adjtime, clock_settime, "
		     "adjtimex");
	cr_assert_eq(n_portd, n_clockd);
	cr_assert_null(privs_filter(PRIVS_TOP, NULL));
}

static int run_child(void (*fn)(void))
{
	pid_t pid;
	int st;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

static void child_allowed(void)
{
	struct timespec ts;
	char buf[8];
	int p[2];

	if (privs_seccomp("bmcad", PRIVS_BMCAD) < 0) {
		_exit(3);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	(void)getpid();
	if (pipe2(p, 0) < 0 || write(p[1], "x", 1) != 1 ||
	    read(p[0], buf, 1) != 1) {
		_exit(4);
	}
	free(malloc(1 << 20));
	/* the sim clock locks its file at each access (clock_sim.c) */
	if (flock(p[0], LOCK_SH) < 0 || flock(p[0], LOCK_UN) < 0) {
		_exit(5);
	}
	_exit(0);
}

static void child_forbidden(void)
{
	if (privs_seccomp("bmcad", PRIVS_BMCAD) < 0) {
		_exit(3);
	}
	(void)syscall(SYS_syslog, 10, NULL, 0);
	_exit(0);
}

static void child_trip(void)
{
	setenv("MERIDIAN_SECCOMP_TRIP", "clockd", 1);
	if (privs_seccomp("clockd", PRIVS_CLOCKD) < 0) {
		_exit(3);
	}
	_exit(0);
}

static void child_bmcad_adjtime(void)
{
	struct timex tx;

	if (privs_seccomp("bmcad", PRIVS_BMCAD) < 0) {
		_exit(3);
	}
	memset(&tx, 0, sizeof(tx));	/* modes 0: reads, changes nothing */
	(void)clock_adjtime(CLOCK_REALTIME, &tx);
	_exit(0);
}

static void child_clockd_adjtime(void)
{
	struct timex tx;

	if (privs_seccomp("clockd", PRIVS_CLOCKD) < 0) {
		_exit(3);
	}
	memset(&tx, 0, sizeof(tx));
	(void)clock_adjtime(CLOCK_REALTIME, &tx);
	_exit(0);
}

/*
 * A thread started just before the filter (as ZeroMQ's are) runs its
 * prologue under it, every signal blocked: with SIGSYS blocked the
 * kernel kills the whole process at once, without the handler.
 */
static int gate[2];

static void *late_thread(void *arg)
{
	struct sched_param sp;
	sigset_t all;
	char c;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (read(gate[0], &c, 1) != 1) {
		return NULL;
	}
	sched_getparam(0, &sp);
	sched_getscheduler(0);
	prctl(PR_SET_NAME, "ZMQbg/Reaper");
	if (c == 'x') {
		(void)syscall(SYS_syslog, 10, NULL, 0);
	}
	return NULL;
}

static void child_late_thread(char what)
{
	pthread_t t;

	if (pipe(gate) < 0 || pthread_create(&t, NULL, late_thread, NULL)) {
		_exit(5);
	}
	if (privs_seccomp("portd", PRIVS_PORTD) < 0) {
		_exit(3);
	}
	if (write(gate[1], &what, 1) != 1 || pthread_join(t, NULL)) {
		_exit(4);
	}
	_exit(0);
}

static void child_late_ok(void)
{
	child_late_thread('o');
}

static void child_late_forbidden(void)
{
	child_late_thread('x');
}

Test(privs, seccomp_threads)
{
	int st;

	st = run_child(child_late_ok);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "a thread's prologue under the filter: status 0x%x", st);
	st = run_child(child_late_forbidden);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		  "a forbidden call in a thread: status 0x%x", st);
}

Test(privs, seccomp_in_a_child)
{
	int st;

	st = run_child(child_allowed);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "allowed calls: status 0x%x", st);
	st = run_child(child_forbidden);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		  "forbidden call: status 0x%x", st);
	st = run_child(child_trip);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		  "MERIDIAN_SECCOMP_TRIP: status 0x%x", st);
	st = run_child(child_bmcad_adjtime);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		  "bmcad never steers a clock: status 0x%x", st);
	st = run_child(child_clockd_adjtime);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "clockd may: status 0x%x", st);
}
