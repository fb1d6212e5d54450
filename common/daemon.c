// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon.c - plumbing every Meridian daemon shares (see daemon.h).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "netif.h"
#include "ptp_time.h"

int daemon_opt(const char *prog, int c, const char *arg,
	       struct daemon_opts *o)
{
	char why[128];

	switch (c) {
	case 'f':
		o->config_path = arg;
		return 1;
	case DAEMON_OPT_RUNDIR:
		/* the checks ipc.rundir gets in the configuration */
		if (mconf_check_rundir(arg, why, sizeof(why)) < 0) {
			fprintf(stderr, "%s: --rundir %s: %s\n", prog, arg,
				why);
			return -EINVAL;
		}
		o->rundir = arg;
		return 1;
	case 'l':
		o->log_level = log_level_parse(arg);
		if (o->log_level < 0) {
			fprintf(stderr, "%s: --log-level %s: want emerg..debug "
				"or 0..7\n", prog, arg);
			return -EINVAL;
		}
		return 1;
	case DAEMON_OPT_SYSLOG:
		o->syslog = true;
		return 1;
	}
	return 0;
}

int daemon_opt_end(const char *prog, int argc, char **argv)
{
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\nTry '%s "
			"--help'.\n", prog, argv[optind], prog);
		return -EINVAL;
	}
	return 0;
}

int64_t daemon_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int daemon_mkdir_p(const char *path, mode_t mode)
{
	char buf[MCONF_RUNDIR_MAX + 2];
	struct stat st;
	size_t i, n = strlen(path);

	if (!n || n >= sizeof(buf)) {
		return -ENAMETOOLONG;
	}
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0') {
			continue;
		}
		buf[i] = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST) {
			return -errno;
		}
		if (i < n) {
			buf[i] = '/';
		}
	}
	if (stat(path, &st) < 0) {
		return -errno;
	}
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int daemon_signalfd(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		return -errno;
	}
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int daemon_load_config(const char *prog, const char *path,
		       struct mconf *cfg)
{
	static struct mconf_errors errs;
	unsigned i;
	int rc;

	memset(&errs, 0, sizeof(errs));
	rc = mconf_load_file(cfg, path, &errs);
	if (rc == 0) {
		return 0;
	}
	for (i = 0; i < errs.count; i++) {
		fprintf(stderr, "%s: %s\n", prog, errs.msg[i]);
	}
	if (errs.dropped) {
		fprintf(stderr, "%s: %s: %u more errors not shown\n", prog,
			path, errs.dropped);
	}
	return rc < 0 ? rc : -EINVAL;
}

void daemon_clock_ds(const struct mconf *cfg, const struct clock_identity *id,
		     unsigned n_ports, bool ptp_timescale,
		     struct default_ds *dd,
		     struct time_properties_ds *local)
{
	const struct mconf_clock *cc = &cfg->clock;

	default_ds_init(dd, id, (uint16_t)n_ports);
	dd->priority1 = (uint8_t)cc->priority1;
	dd->priority2 = (uint8_t)cc->priority2;
	dd->clockQuality.clockClass = (uint8_t)cc->clock_class;
	dd->clockQuality.clockAccuracy = (uint8_t)cc->clock_accuracy;
	dd->clockQuality.offsetScaledLogVariance =
		(uint16_t)cc->offset_scaled_log_variance;
	dd->domainNumber = (uint8_t)cc->domain_number;
	dd->slaveOnly = cc->slave_only;
	dd->twoStepFlag = cc->two_step;
	dd->sdoId = (uint16_t)cc->sdo_id;
	if (dd->slaveOnly) {
		/* 9.2.2.1 / Table 4: a slave-only clock has class 255. */
		dd->clockQuality.clockClass = 255;
	}
	time_properties_ds_init(local);
	local->currentUtcOffset = (int16_t)cc->current_utc_offset;
	local->timeSource = (uint8_t)cc->time_source;
	local->ptpTimescale = ptp_timescale;
	if (!ptp_timescale) {
		local->currentUtcOffsetValid = false;
	}
}

int daemon_clock_identity(const struct mconf *cfg, const char *prog,
			  struct clock_identity *id)
{
	uint8_t mac[NETIF_MAC_LEN];
	int rc;

	if (cfg->clock.identity_set) {
		*id = cfg->clock.identity;
		return 0;
	}
	if (cfg->n_ports < 1) {
		pr_err("%s: no ports configured; set clock.clock_identity",
		       prog);
		return -EINVAL;
	}
	rc = netif_mac(cfg->ports[0].interface, mac);
	if (rc < 0) {
		pr_err("%s: %s has no MAC address to derive the clock "
		       "identity from (%s); set clock.clock_identity", prog,
		       cfg->ports[0].interface, strerror(-rc));
		return rc;
	}
	clock_identity_from_eui48(id, mac);
	return 0;
}

/*
 * The guarded ranges and their messages, made before they are counted
 * in (n_guards is written last), so that the handler never reads a half
 * made entry. The one piece of process-wide state here: a signal
 * handler has no other way to its daemon.
 */
static struct sigbus_guard {
	const char *lo, *hi;
	char msg[PATH_MAX + 128];
	size_t len;
} guards[DAEMON_SIGBUS_MAX];
static volatile sig_atomic_t n_guards;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	const char *a = si->si_addr;
	sig_atomic_t i, n = n_guards;
	ssize_t w;

	(void)uc;
	for (i = 0; si->si_code > 0 && i < n; i++) {
		if (a >= guards[i].lo && a < guards[i].hi) {
			w = write(STDERR_FILENO, guards[i].msg,
				  guards[i].len);
			(void)w;
			_exit(1);
		}
	}
	signal(sig, SIG_DFL);
	if (si->si_code <= 0) {
		raise(sig);	/* sent, not a fault: nothing re-raises it */
	}
	/* a fault: returning re-runs the access, now with the default */
}

int daemon_sigbus_guard(const struct clk *c, const char *who,
			const char *iface)
{
	struct sigbus_guard *g;
	struct sigaction sa;
	const void *addr;
	size_t len;
	int n;

	if (clk_sim_mapping(c, &addr, &len) < 0) {
		return 0;		/* not a sim clock: no mapping */
	}
	if (n_guards >= DAEMON_SIGBUS_MAX) {
		return -ENOSPC;
	}
	g = &guards[n_guards];
	n = snprintf(g->msg, sizeof(g->msg),
		     "%s: err: %s: sim clock %s was truncated while in use\n",
		     who, iface, clk_sim_path(c));
	if (n < 0 || (size_t)n >= sizeof(g->msg)) {
		n = snprintf(g->msg, sizeof(g->msg),
			     "%s: err: %s: sim clock was truncated while in "
			     "use\n", who, iface);
	}
	if (n < 0) {
		return -EINVAL;
	}
	g->len = (size_t)n < sizeof(g->msg) ? (size_t)n : sizeof(g->msg) - 1;
	g->lo = addr;
	g->hi = (const char *)addr + len;
	if (n_guards == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGBUS, &sa, NULL) < 0) {
			return errno ? -errno : -EINVAL;
		}
	}
	n_guards = n_guards + 1;
	return 0;
}
