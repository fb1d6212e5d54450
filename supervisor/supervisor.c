// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * supervisor.c - the meridian supervisor's setup, loop, signals and
 * shutdown (see supervisor.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <libconfig.h>
#include <zmq.h>

#include "daemon.h"
#include "log.h"
#include "privs.h"
#include "supervisor.h"

#define MS		1000000LL
#define PUB_PERIOD_NS	(1000 * MS)

/* ---- health on the bus -------------------------------------------------- */

void sup_publish_child(struct sup *s, const struct child *c)
{
	char topic[IPC_TOPIC_MAX];
	struct ipc_health h;

	if (!s->px.xpub || ipc_topic(topic, sizeof(topic), "proc",
				     c->name) < 0) {
		return;
	}
	memset(&h, 0, sizeof(h));
	/* ipc_health names hold 31 characters: a longer name is cut
	 * there, the topic keeps it whole. */
	snprintf(h.name, sizeof(h.name), "%.*s", (int)sizeof(h.name) - 1,
		 c->name);
	h.pid = (uint32_t)c->pid;
	switch (c->state) {
	case CH_RUNNING:
		h.state = IPC_HEALTH_RUNNING;
		h.uptime_ms = (uint64_t)((daemon_mono_ns() - c->started_ns) /
					 MS);
		break;
	case CH_IDLE:
		h.state = IPC_HEALTH_STARTING;	/* pid 0: not started yet */
		break;
	case CH_BACKOFF:
		h.state = IPC_HEALTH_BACKOFF;	/* pid 0: restart pending */
		break;
	case CH_FAILED:
		h.state = IPC_HEALTH_FAILED;	/* pid 0: given up */
		break;
	default:
		h.state = IPC_HEALTH_STOPPING;	/* pid 0: stopped */
		break;
	}
	h.restarts = c->restarts;
	(void)proxy_publish(s, topic, IPC_T_HEALTH, &h);
}

static void publish_all(struct sup *s)
{
	struct ipc_health h;
	uint32_t total = 0;
	int i;

	for (i = 0; i < s->n_ch; i++) {
		sup_publish_child(s, &s->ch[i]);
		total += s->ch[i].restarts;
	}
	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "meridian");
	h.pid = (uint32_t)getpid();
	h.state = s->stopping ? IPC_HEALTH_STOPPING : IPC_HEALTH_RUNNING;
	h.uptime_ms = (uint64_t)((daemon_mono_ns() - s->start_ns) / MS);
	h.restarts = total;		/* of all its children */
	(void)proxy_publish(s, "hb/meridian/", IPC_T_HEALTH, &h);
}

/* ---- setup -------------------------------------------------------------- */

static int find_bindir(struct sup *s)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (s->opts.bindir) {
		if (!realpath(s->opts.bindir, s->bindir)) {
			int err = errno;

			pr_err("meridian: --bindir %s: %s", s->opts.bindir,
			       strerror(err));
			return -err;
		}
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		int err = errno;

		pr_err("meridian: /proc/self/exe: %s; use --bindir",
		       strerror(err));
		return -err;
	}
	exe[n] = '\0';
	snprintf(s->bindir, sizeof(s->bindir), "%s", dirname(exe));
	return 0;
}

static int take_lock(struct sup *s)
{
	snprintf(s->lock_path, sizeof(s->lock_path), "%s/meridian.lock",
		 s->rundir);
	s->lockfd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (s->lockfd < 0) {
		int err = errno;

		pr_err("meridian: %s: %s", s->lock_path, strerror(err));
		return -err;
	}
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) < 0) {
		pr_err("meridian: another meridian supervisor runs on %s (%s "
		       "is locked); stop it first, or use another --rundir",
		       s->rundir, s->lock_path);
		close(s->lockfd);
		s->lockfd = -1;
		return -EBUSY;
	}
	if (ftruncate(s->lockfd, 0) == 0) {
		dprintf(s->lockfd, "%d\n", (int)getpid());
	}
	return 0;
}

/* The line of ipc.KEY in path (libconfig), 0 when not written. */
static unsigned ipc_key_line(const char *path, const char *key)
{
	config_setting_t *st;
	unsigned line = 0;
	char name[32];
	config_t c;

	config_init(&c);
	snprintf(name, sizeof(name), "ipc.%s", key);
	if (config_read_file(&c, path) == CONFIG_TRUE &&
	    (st = config_lookup(&c, name))) {
		line = (unsigned)config_setting_source_line(st);
	}
	config_destroy(&c);
	return line;
}

/* ipc.user and ipc.group must exist here: FILE:LINE: ... otherwise. */
static int check_ids(struct sup *s)
{
	char why[128];

	if (privs_ids(&s->cfg, &s->ids, why, sizeof(why)) == 0) {
		return 0;
	}
	pr_err("meridian: %s:%u: %s", s->config_abs,
	       ipc_key_line(s->config_abs, strstr(why, "ipc.user") ?
			    "user" : "group"), why);
	return -ENOENT;
}

/*
 * Everything that can be checked is checked before anything starts: the
 * configuration (every error FILE:LINE), the clock identity, the run
 * directory, the children's binaries. Then the lock, the signalfd (before
 * ZeroMQ starts its threads), the hub, and the children in order.
 */
/* pub.sock and sub.sock: the operator group's, 0660 (privs.h). */
static int sup_socket_perms(struct sup *s)
{
	static const char *const svc[] = { IPC_SVC_PUB, IPC_SVC_SUB };
	char ep[IPC_ENDPOINT_MAX];
	unsigned i;
	int rc;

	for (i = 0; i < 2; i++) {
		rc = ipc_endpoint(s->rundir, svc[i], ep, sizeof(ep));
		if (rc == 0) {
			rc = privs_socket(ep, &s->ids);
		}
		if (rc < 0) {
			pr_err("meridian: %s: owner, mode: %s", ep,
			       strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int sup_setup(struct sup *s)
{
	struct clock_identity id;
	char why[160];
	int i, rc;

	s->lockfd = -1;
	s->sigfd = -1;
	if (!realpath(s->opts.config_path, s->config_abs)) {
		snprintf(s->config_abs, sizeof(s->config_abs), "%s",
			 s->opts.config_path);
	}
	snprintf(s->rundir, sizeof(s->rundir), "%s",
		 s->opts.rundir ? s->opts.rundir : s->cfg.ipc.rundir);
	rc = daemon_clock_identity(&s->cfg, "meridian", &id);
	if (rc < 0) {
		return rc;
	}
	rc = find_bindir(s);
	if (rc < 0) {
		return rc;
	}
	rc = children_init(s);
	if (rc < 0) {
		return rc;
	}
	rc = check_ids(s);
	if (rc < 0) {
		return rc;
	}
	rc = privs_rundir(s->rundir, &s->ids, why, sizeof(why));
	if (rc < 0) {
		pr_err("meridian: run directory %s: %s", s->rundir, why);
		return rc;
	}
	rc = take_lock(s);
	if (rc < 0) {
		return rc;
	}
	s->sigfd = daemon_signalfd();
	if (s->sigfd < 0) {
		pr_err("meridian: signalfd: %s", strerror(-s->sigfd));
		return s->sigfd;
	}
	s->ctx = zmq_ctx_new();
	if (!s->ctx) {
		pr_err("meridian: zmq_ctx_new: %s", zmq_strerror(errno));
		return -ENOMEM;
	}
	rc = proxy_open(&s->px, s->ctx, s->rundir);
	if (rc < 0) {
		return rc;
	}
	rc = sup_socket_perms(s);
	if (rc < 0) {
		return rc;
	}
	notify_init(s);
	s->start_ns = daemon_mono_ns();
	s->next_pub_ns = s->start_ns;
	pr_notice("meridian: %d port%s, run directory %s, daemons from %s",
		  s->cfg.n_ports, s->cfg.n_ports == 1 ? "" : "s", s->rundir,
		  s->bindir);
	for (i = 0; i < s->n_ch; i++) {
		if (child_start(s, &s->ch[i]) < 0) {
			s->ch[i].state = CH_BACKOFF;
			s->ch[i].next_start_ns = daemon_mono_ns() +
				SUP_BACKOFF_MIN_MS * MS;
		}
	}
	return 0;
}

static void unlink_in_rundir(const struct sup *s, const char *name)
{
	char path[MCONF_RUNDIR_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", s->rundir, name);
	if (unlink(path) < 0 && errno != ENOENT) {
		pr_warn("meridian: %s: %s", path, strerror(errno));
	}
}

void sup_teardown(struct sup *s)
{
	bool all_gone = children_running(s) == 0;

	proxy_close(&s->px);
	if (s->ctx) {
		zmq_ctx_term(s->ctx);
		s->ctx = NULL;
	}
	children_free(s);
	if (s->sigfd >= 0) {
		close(s->sigfd);
		s->sigfd = -1;
	}
	if (s->lockfd < 0) {
		return;
	}
	/* Our endpoints, and those of children that could not remove
	 * theirs (killed): with every child gone, none is in use. */
	unlink_in_rundir(s, IPC_SVC_PUB ".sock");
	unlink_in_rundir(s, IPC_SVC_SUB ".sock");
	if (all_gone) {
		unlink_in_rundir(s, IPC_SVC_BMCA ".sock");
		unlink_in_rundir(s, IPC_SVC_CLOCK ".sock");
		/* and the lock files of children killed before they could
		 * remove them */
		unlink_in_rundir(s, "bmcad.lock");
		unlink_in_rundir(s, "clockd.lock");
	}
	/* Unlink before unlocking: a supervisor starting now either gets
	 * our lock (and then finds the file gone: it makes a new one) or
	 * waits for nothing. */
	unlink(s->lock_path);
	close(s->lockfd);
	s->lockfd = -1;
}

/* ---- SIGHUP ------------------------------------------------------------- */

/* Names of the keys of scope (port: of ports[pa] and ports[pb]) that
 * differ between a and b, comma separated into buf; how many. */
static int diff_keys(const struct mconf *a, int pa, const struct mconf *b,
		     int pb, enum mconf_scope scope, char *buf, size_t len,
		     bool *clock_keys)
{
	const struct mconf_item *it;
	const void *va, *vb;
	size_t i, used = 0;
	int n = 0;
	bool differ;

	buf[0] = '\0';
	for (i = 0; (it = mconf_schema_item(i)); i++) {
		if (it->scope != scope) {
			continue;
		}
		va = mconf_item_ptr(it, a, pa);
		vb = mconf_item_ptr(it, b, pb);
		if (it->type == MCONF_T_STRING) {
			differ = strncmp(va, vb, it->size) != 0;
		} else {
			differ = memcmp(va, vb, it->size) != 0;
		}
		if (!differ) {
			continue;
		}
		n++;
		if (clock_keys && (!strcmp(it->name, "clock") ||
				   !strncmp(it->name, "phc_", 4) ||
				   !strncmp(it->name, "sim_", 4))) {
			*clock_keys = true;
		}
		if (used < len) {
			used += (size_t)snprintf(buf + used, len - used,
						 "%s%s", n > 1 ? ", " : "",
						 it->name);
		}
	}
	return n;
}

static int port_of(const struct mconf *cfg, const char *iface)
{
	int i;

	for (i = 0; i < cfg->n_ports; i++) {
		if (!strcmp(cfg->ports[i].interface, iface)) {
			return i;
		}
	}
	return -1;
}

/*
 * What SIGHUP applies (documented in the usage text and README):
 * logging.level at once (and SIGHUP to every child, which re-reads its
 * own); a port whose settings changed gets its portd restarted (the
 * operator asked for that port to change, the other ports are not
 * touched); a child given up on is tried again. Everything else (clock
 * group, ports added or removed, ipc) is only reported: applying it
 * means restarting bmcad, clockd and every portd, which would break sync
 * for the whole appliance: the operator chooses when.
 */
static void reload(struct sup *s)
{
	struct mconf *n;
	char keys[512];
	int i, p, k;
	bool clk = false;

	n = calloc(1, sizeof(*n));
	if (!n) {
		pr_err("meridian: SIGHUP: out of memory");
		return;
	}
	if (daemon_load_config("meridian", s->config_abs, n) < 0) {
		pr_err("meridian: SIGHUP: %s is invalid, nothing changed "
		       "(the running configuration stays)", s->config_abs);
		free(n);
		return;
	}
	if (s->opts.log_level < 0) {
		log_set_level(n->logging.level);
	}
	if (diff_keys(&s->cfg, 0, n, 0, MCONF_SCOPE_LOGGING, keys,
		      sizeof(keys), NULL)) {
		pr_notice("meridian: SIGHUP: logging changed (%s): level "
			  "applied%s; the rest applies as processes restart",
			  keys, s->opts.log_level >= 0 ?
			  " (no: -l was given)" : "");
	}
	if (diff_keys(&s->cfg, 0, n, 0, MCONF_SCOPE_CLOCK, keys,
		      sizeof(keys), NULL)) {
		pr_warn("meridian: SIGHUP: clock changed (%s): NOT applied; "
			"restart meridian to apply (bmcad, clockd and every "
			"portd read it)", keys);
	}
	if (diff_keys(&s->cfg, 0, n, 0, MCONF_SCOPE_IPC, keys, sizeof(keys),
		      NULL)) {
		pr_warn("meridian: SIGHUP: ipc changed (%s): NOT applied; "
			"restart meridian to apply", keys);
	}
	for (i = 0; i < s->cfg.n_ports; i++) {
		if (port_of(n, s->cfg.ports[i].interface) < 0) {
			pr_warn("meridian: SIGHUP: port %s removed: NOT "
				"applied; restart meridian to apply (bmcad "
				"and clockd size their tables at start)",
				s->cfg.ports[i].interface);
		}
	}
	for (i = 0; i < n->n_ports; i++) {
		p = port_of(&s->cfg, n->ports[i].interface);
		if (p < 0) {
			pr_warn("meridian: SIGHUP: port %s added: NOT "
				"applied; restart meridian to apply",
				n->ports[i].interface);
			continue;
		}
		k = diff_keys(&s->cfg, p, n, i, MCONF_SCOPE_PORT, keys,
			      sizeof(keys), &clk);
		if (!k) {
			continue;
		}
		for (p = 0; p < s->n_ch; p++) {
			struct child *c = &s->ch[p];

			if (strncmp(c->name, "portd/", 6) ||
			    strcmp(c->name + 6, n->ports[i].interface)) {
				continue;
			}
			pr_notice("meridian: SIGHUP: %s: %s changed: "
				  "restarting %s", n->ports[i].interface,
				  keys, c->name);
			if (c->pid > 0) {
				c->restart_now = true;
				c->kill_at_ns = daemon_mono_ns() +
						SUP_STOP_GRACE_MS * MS;
				kill(c->pid, SIGTERM);
			} else if (c->state != CH_FAILED) {
				c->next_start_ns = daemon_mono_ns();
			}
		}
		if (clk) {
			pr_warn("meridian: SIGHUP: %s: its clock settings "
				"changed: clockd applies them when it "
				"restarts (not done: it would interrupt every "
				"port's clock)", n->ports[i].interface);
		}
	}
	for (i = 0; i < s->n_ch; i++) {
		struct child *c = &s->ch[i];

		if (c->state == CH_FAILED) {
			pr_notice("meridian: SIGHUP: %s: trying again",
				  c->name);
			c->n_restart = 0;
			c->backoff_ms = SUP_BACKOFF_MIN_MS;
			c->state = CH_BACKOFF;
			c->next_start_ns = daemon_mono_ns();
		}
	}
	children_signal(s, SIGHUP);
	memcpy(&s->cfg, n, sizeof(*n));
	free(n);
}

/* ---- the loop ----------------------------------------------------------- */

static void begin_stop(struct sup *s, const char *why)
{
	if (s->stopping) {
		/* The same signal sent twice at once (timeout(1), a
		 * process group) is not an operator insisting. */
		if (daemon_mono_ns() - s->stop_ns < 1000 * MS) {
			return;
		}
		pr_notice("meridian: %s again: killing what remains", why);
		children_signal(s, SIGKILL);
		s->killed_all = true;
		return;
	}
	pr_notice("meridian: %s: stopping %d process%s", why,
		  children_running(s), children_running(s) == 1 ? "" : "es");
	s->stopping = true;
	s->stop_ns = daemon_mono_ns();
	s->kill_at_ns = daemon_mono_ns() + SUP_STOP_GRACE_MS * MS;
	children_signal(s, SIGTERM);
	publish_all(s);
	notify_stopping(s);
}

static void on_signal(struct sup *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGINT:
		case SIGTERM:
			begin_stop(s, strsignal((int)si.ssi_signo));
			break;
		case SIGHUP:
			if (!s->stopping) {
				reload(s);
			}
			break;
		case SIGCHLD:
			break;	/* reaped below, every time */
		default:
			break;
		}
	}
	children_reap(s);
}

int sup_run(struct sup *s)
{
	zmq_pollitem_t it[3 + SUP_CHILDREN_MAX];
	struct child *map[SUP_CHILDREN_MAX];
	int64_t now, next;
	int i, n, nc, rc;
	long ms;

	while (!s->stopping || children_running(s) > 0) {
		memset(it, 0, sizeof(it));
		it[0].fd = s->sigfd;
		it[0].events = ZMQ_POLLIN;
		it[1].socket = s->px.xsub;
		it[1].events = ZMQ_POLLIN;
		it[2].socket = s->px.xpub;
		it[2].events = ZMQ_POLLIN;
		n = 3;
		nc = 0;
		for (i = 0; i < s->n_ch; i++) {
			if (s->ch[i].out_fd < 0) {
				continue;
			}
			it[n].fd = s->ch[i].out_fd;
			it[n].events = ZMQ_POLLIN;
			map[nc++] = &s->ch[i];
			n++;
		}
		now = daemon_mono_ns();
		next = s->next_pub_ns;
		if (children_next_event(s) < next) {
			next = children_next_event(s);
		}
		if (notify_next_event(s) < next) {
			next = notify_next_event(s);
		}
		if (s->stopping && !s->killed_all && s->kill_at_ns < next) {
			next = s->kill_at_ns;
		}
		ms = next > now ? (long)((next - now + MS - 1) / MS) : 0;
		rc = zmq_poll(it, n, ms);
		if (rc < 0) {
			if (errno == EINTR) {
				continue;
			}
			pr_err("meridian: zmq_poll: %s", zmq_strerror(errno));
			return -EIO;
		}
		if (it[0].revents) {
			on_signal(s);
		}
		if (it[1].revents & ZMQ_POLLIN) {
			proxy_forward_up(s);
		}
		if (it[2].revents & ZMQ_POLLIN) {
			proxy_forward_down(&s->px);
		}
		for (i = 0; i < nc; i++) {
			if (it[3 + i].revents) {
				child_read_output(s, map[i], false);
			}
		}
		now = daemon_mono_ns();
		children_tick(s, now);
		if (s->stopping && !s->killed_all && now >= s->kill_at_ns) {
			pr_warn("meridian: %d process%s still running after "
				"%d s: SIGKILL", children_running(s),
				children_running(s) == 1 ? "" : "es",
				SUP_STOP_GRACE_MS / 1000);
			children_signal(s, SIGKILL);
			s->killed_all = true;
		}
		if (now >= s->next_pub_ns) {
			s->next_pub_ns += PUB_PERIOD_NS;
			if (s->next_pub_ns <= now) {
				s->next_pub_ns = now + PUB_PERIOD_NS;
			}
			publish_all(s);
		}
		notify_tick(s, now);
	}
	pr_notice("meridian: stopped (forwarded %" PRIu64 " messages, %"
		  PRIu64 " subscriptions, %" PRIu64 " errors)",
		  s->px.fwd_msgs, s->px.fwd_subs, s->px.fwd_errors);
	return 0;
}
