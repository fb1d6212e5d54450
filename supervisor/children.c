// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * children.c - the supervisor's children: bmcad, clockd and one portd per
 * port. Spawning (a pipe for stdout+stderr, PR_SET_PDEATHSIG, the signal
 * mask reset), reaping (every exit logged with its status or signal),
 * restarting with exponential back-off, giving up on a child that keeps
 * dying, and re-emitting the children's output line by line, prefixed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "supervisor.h"

#define MS	1000000LL	/* ns */
#define READ_BUDGET	(64 * 1024)	/* octets per child per wake-up */

const char *child_state_str(enum child_state st)
{
	switch (st) {
	case CH_IDLE:
		return "idle";
	case CH_RUNNING:
		return "running";
	case CH_BACKOFF:
		return "waiting to restart";
	case CH_FAILED:
		return "given up";
	case CH_STOPPED:
		return "stopped";
	}
	return "?";
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		pr_err("meridian: out of memory");
		exit(1);
	}
	return p;
}

static void child_setup(struct sup *s, struct child *c, const char *prog,
			const char *iface, int port)
{
	char level[16];
	int n = 0;

	memset(c, 0, sizeof(*c));
	c->out_fd = -1;
	c->port = port;
	c->backoff_ms = SUP_BACKOFF_MIN_MS;
	if (iface) {
		snprintf(c->name, sizeof(c->name), "%s/%s", prog, iface);
		snprintf(c->prefix, sizeof(c->prefix), "%s[%s]: ", prog,
			 iface);
	} else {
		snprintf(c->name, sizeof(c->name), "%s", prog);
		snprintf(c->prefix, sizeof(c->prefix), "%s: ", prog);
	}
	if (snprintf(c->path, sizeof(c->path), "%s/%s", s->bindir, prog) >=
	    (int)sizeof(c->path)) {
		c->path[0] = '\0';	/* refused by children_init() */
	}
	c->argv[n++] = xstrdup(c->path);
	c->argv[n++] = xstrdup("-f");
	c->argv[n++] = xstrdup(s->config_abs);
	if (iface) {
		c->argv[n++] = xstrdup("-i");
		c->argv[n++] = xstrdup(iface);
	}
	c->argv[n++] = xstrdup("--rundir");
	c->argv[n++] = xstrdup(s->rundir);
	if (s->opts.log_level >= 0) {
		snprintf(level, sizeof(level), "%d", s->opts.log_level);
		c->argv[n++] = xstrdup("-l");
		c->argv[n++] = xstrdup(level);
	}
	c->argv[n] = NULL;
}

/* bmcad first, then clockd, then one portd per configured port. Every
 * binary must exist and be executable before anything starts. */
int children_init(struct sup *s)
{
	int i, bad = 0;

	s->n_ch = 0;
	child_setup(s, &s->ch[s->n_ch++], "bmcad", NULL, -1);
	child_setup(s, &s->ch[s->n_ch++], "clockd", NULL, -1);
	for (i = 0; i < s->cfg.n_ports; i++) {
		child_setup(s, &s->ch[s->n_ch++], "portd",
			    s->cfg.ports[i].interface, i);
	}
	for (i = 0; i < s->n_ch; i++) {
		if (i > 2 && !strcmp(s->ch[i].path, s->ch[2].path)) {
			continue;
		}
		if (access(s->ch[i].path, X_OK) < 0) {
			pr_err("meridian: %s: %s (set --bindir DIR to where "
			       "bmcad, clockd and portd are)", s->ch[i].path,
			       strerror(errno));
			bad++;
		}
	}
	return bad ? -ENOENT : 0;
}

void children_free(struct sup *s)
{
	int i, j;

	for (i = 0; i < s->n_ch; i++) {
		for (j = 0; s->ch[i].argv[j]; j++) {
			free(s->ch[i].argv[j]);
			s->ch[i].argv[j] = NULL;
		}
		if (s->ch[i].out_fd >= 0) {
			close(s->ch[i].out_fd);
			s->ch[i].out_fd = -1;
		}
	}
}

struct child *child_by_name(struct sup *s, const char *name)
{
	int i;

	for (i = 0; i < s->n_ch; i++) {
		if (!strcmp(s->ch[i].name, name)) {
			return &s->ch[i];
		}
	}
	return NULL;
}

/* ---- output ------------------------------------------------------------- */

static void emit(const struct sup *s, const struct child *c, const char *l,
		 size_t n, bool cut)
{
	/* the child's own level, info for lines without (summaries) */
	int lvl = log_line_level(l, n);

	if (lvl < 0) {
		lvl = LOG_INFO;
	}
	if (s->opts.syslog || s->cfg.logging.syslog) {
		syslog(lvl, "%s%.*s%s", c->prefix, (int)n, l,
		       cut ? " [line cut]" : "");
		return;
	}
	/* never fprintf(stderr): a full pipe nobody reads would block the
	 * supervisor, which then restarts no child and stops on no signal */
	char out[SUP_LINE_MAX + 128];
	int k = snprintf(out, sizeof(out), "%s%.*s%s\n", c->prefix, (int)n, l,
			 cut ? " [line cut]" : "");

	if (k <= 0) {
		return;
	}
	if ((size_t)k >= sizeof(out)) {
		k = (int)sizeof(out) - 1;
		out[k - 1] = '\n';
	}
	log_line_at(lvl, out, (size_t)k);
}

/* Take n octets of a child's output: whole lines out, a partial one kept;
 * a line longer than SUP_LINE_MAX is cut and the rest of it dropped. */
static void take(struct sup *s, struct child *c, const char *p, size_t n)
{
	const char *nl;
	size_t k, room;

	while (n) {
		nl = memchr(p, '\n', n);
		k = nl ? (size_t)(nl - p) : n;
		if (c->cutting) {
			if (nl) {
				c->cutting = false;
			}
		} else {
			room = SUP_LINE_MAX - c->line_len;
			if (k > room) {
				memcpy(c->line + c->line_len, p, room);
				emit(s, c, c->line, SUP_LINE_MAX, true);
				c->line_len = 0;
				c->lines_cut++;
				c->cutting = !nl;
			} else {
				memcpy(c->line + c->line_len, p, k);
				c->line_len += k;
				if (nl) {
					emit(s, c, c->line, c->line_len,
					     false);
					c->line_len = 0;
				}
			}
		}
		if (!nl) {
			break;
		}
		p = nl + 1;
		n -= k + 1;
	}
}

void child_read_output(struct sup *s, struct child *c, bool final)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n;

	while (c->out_fd >= 0 && (final || total < READ_BUDGET)) {
		n = read(c->out_fd, buf, sizeof(buf));
		if (n > 0) {
			take(s, c, buf, (size_t)n);
			total += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN && !final) {
			return;
		}
		/* EOF, an error, or (final) nothing more from a dead child. */
		close(c->out_fd);
		c->out_fd = -1;
	}
	if (c->out_fd < 0 && c->line_len) {
		emit(s, c, c->line, c->line_len, false);
		c->line_len = 0;
	}
	if (c->out_fd < 0) {
		c->cutting = false;
	}
}

/* ---- spawning ----------------------------------------------------------- */

/* In the child, between fork() and exec(): async-signal-safe calls only
 * (ZeroMQ's threads are not copied, their locks may be held). */
static void exec_child(const struct child *c, int wfd, pid_t parent)
{
	sigset_t none;
	int null;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent) {
		_exit(127);	/* the supervisor died already */
	}
	setpgid(0, 0);	/* the terminal's ^C reaches the supervisor only */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	null = open("/dev/null", O_RDONLY);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
	}
	dup2(wfd, STDOUT_FILENO);
	dup2(wfd, STDERR_FILENO);
	close_range(3, ~0U, 0);
	execv(c->path, c->argv);
	/* Only write(2) here: the pipe is the child's stderr. */
	{
		static const char m[] = "exec failed\n";

		(void)!write(STDERR_FILENO, m, sizeof(m) - 1);
	}
	_exit(127);
}

int child_start(struct sup *s, struct child *c)
{
	int fds[2], err;
	pid_t pid, me = getpid();

	if (c->out_fd >= 0) {
		child_read_output(s, c, true);
	}
	/* Both ends non-blocking: the supervisor never waits on a child,
	 * and a child's logging never waits on the supervisor (a full pipe
	 * drops its line instead). */
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		err = errno;
		pr_err("meridian: %s: pipe: %s", c->name, strerror(err));
		return -err;
	}
	(void)fcntl(fds[0], F_SETPIPE_SZ, 256 * 1024);
	pid = fork();
	if (pid < 0) {
		err = errno;
		pr_err("meridian: %s: fork: %s", c->name, strerror(err));
		close(fds[0]);
		close(fds[1]);
		return -err;
	}
	if (pid == 0) {
		exec_child(c, fds[1], me);
	}
	close(fds[1]);
	c->out_fd = fds[0];
	c->pid = pid;
	c->state = CH_RUNNING;
	c->started_ns = daemon_mono_ns();
	c->last_hb_ns = 0;
	c->killed_hung = false;
	pr_notice("meridian: %s: started, pid %d", c->name, (int)pid);
	sup_publish_child(s, c);
	return 0;
}

/* ---- exits and restarts ------------------------------------------------- */

static unsigned restarts_in_window(struct child *c, int64_t now)
{
	unsigned i, n = 0;

	for (i = 0; i < c->n_restart; i++) {
		if (now - c->restart_ns[i] < SUP_WINDOW_MS * MS) {
			c->restart_ns[n++] = c->restart_ns[i];
		}
	}
	c->n_restart = n;
	return n;
}

static void describe_exit(int status, char *buf,
			  size_t len)
{
	if (WIFEXITED(status)) {
		int st = WEXITSTATUS(status);

		snprintf(buf, len, "exited with status %d%s", st,
			 st == 2 ? " (usage error, or not implemented: "
			 "check its command line)" :
			 st == 127 ? " (could not be executed)" : "");
	} else if (WIFSIGNALED(status)) {
		snprintf(buf, len, "killed by signal %d (%s)%s%s",
			 WTERMSIG(status), strsignal(WTERMSIG(status)),
			 WCOREDUMP(status) ? ", core dumped" : "",
			 WTERMSIG(status) == SIGSYS ? " (a system call "
			 "outside its seccomp allow-list; ipc.seccomp = "
			 "false turns the lists off)" : "");
	} else {
		snprintf(buf, len, "ended (wait status 0x%x)", status);
	}
}

static void on_exit_status(struct sup *s, struct child *c, int status)
{
	int64_t now = daemon_mono_ns(), ran = now - c->started_ns;
	unsigned n;
	char what[160];

	child_read_output(s, c, true);
	describe_exit(status, what, sizeof(what));
	c->pid = 0;
	if (s->stopping || c->state == CH_STOPPED) {
		c->state = CH_STOPPED;
		pr_notice("meridian: %s: %s", c->name, what);
		sup_publish_child(s, c);
		return;
	}
	if (c->restart_now) {
		c->restart_now = false;
		pr_notice("meridian: %s: %s; starting it again (SIGHUP)",
			  c->name, what);
		c->state = CH_BACKOFF;
		c->next_start_ns = now;
		sup_publish_child(s, c);
		return;
	}
	if (ran >= SUP_HEALTHY_MS * MS) {
		c->backoff_ms = SUP_BACKOFF_MIN_MS;
	}
	n = restarts_in_window(c, now);
	if ((int)n >= s->opts.max_restarts) {
		c->state = CH_FAILED;
		pr_emerg("meridian: %s: %s after %.1f s; it was restarted %u "
			 "times in %d minutes: GIVING UP on it (the other "
			 "processes keep running; fix it and restart "
			 "meridian, or send SIGHUP to try again)", c->name,
			 what, ran * 1e-9, n, SUP_WINDOW_MS / 60000);
		sup_publish_child(s, c);
		return;
	}
	c->state = CH_BACKOFF;
	c->next_start_ns = now + (int64_t)c->backoff_ms * MS;
	pr_err("meridian: %s: %s after %.1f s; restarting in %.1f s "
	       "(restart %u, %u in the last %d minutes)", c->name, what,
	       ran * 1e-9, c->backoff_ms / 1000.0, c->restarts + 1, n + 1,
	       SUP_WINDOW_MS / 60000);
	c->backoff_ms *= 2;
	if (c->backoff_ms > SUP_BACKOFF_MAX_MS) {
		c->backoff_ms = SUP_BACKOFF_MAX_MS;
	}
	sup_publish_child(s, c);
}

void children_reap(struct sup *s)
{
	int i, status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0) {
			return;
		}
		for (i = 0; i < s->n_ch; i++) {
			if (s->ch[i].pid == pid) {
				on_exit_status(s, &s->ch[i], status);
				break;
			}
		}
	}
}

/* Start what is due; kill a child whose heartbeats stopped. */
void children_tick(struct sup *s, int64_t now)
{
	struct child *c;
	int i;

	if (s->stopping) {
		return;
	}
	for (i = 0; i < s->n_ch; i++) {
		c = &s->ch[i];
		if (c->state == CH_BACKOFF && now >= c->next_start_ns) {
			restarts_in_window(c, now);
			if (c->n_restart < sizeof(c->restart_ns) /
			    sizeof(c->restart_ns[0])) {
				c->restart_ns[c->n_restart++] = now;
			}
			c->restarts++;
			if (child_start(s, c) < 0) {
				c->state = CH_BACKOFF;
				c->next_start_ns = now + (int64_t)c->backoff_ms *
						   MS;
			}
		} else if (c->state == CH_RUNNING && c->restart_now &&
			   now >= c->kill_at_ns) {
			pr_warn("meridian: %s: still running %d s after "
				"SIGTERM: SIGKILL", c->name,
				SUP_STOP_GRACE_MS / 1000);
			c->kill_at_ns = INT64_MAX;
			kill(c->pid, SIGKILL);
		} else if (c->state == CH_RUNNING && c->last_hb_ns &&
			   !c->killed_hung &&
			   now - c->last_hb_ns > SUP_HUNG_MS * MS) {
			pr_err("meridian: %s: no heartbeat for %d s: hung, "
			       "killing pid %d", c->name, SUP_HUNG_MS / 1000,
			       (int)c->pid);
			c->killed_hung = true;
			kill(c->pid, SIGKILL);
		}
	}
}

void children_signal(struct sup *s, int sig)
{
	int i;

	for (i = 0; i < s->n_ch; i++) {
		if (s->ch[i].pid > 0) {
			kill(s->ch[i].pid, sig);
		}
	}
}

int children_running(const struct sup *s)
{
	int i, n = 0;

	for (i = 0; i < s->n_ch; i++) {
		n += s->ch[i].pid > 0;
	}
	return n;
}

/* The earliest restart or SIGKILL due, or INT64_MAX. */
int64_t children_next_event(const struct sup *s)
{
	int64_t t = INT64_MAX;
	int i;

	for (i = 0; i < s->n_ch; i++) {
		if (s->ch[i].state == CH_BACKOFF &&
		    s->ch[i].next_start_ns < t) {
			t = s->ch[i].next_start_ns;
		}
		if (s->ch[i].state == CH_RUNNING && s->ch[i].restart_now &&
		    s->ch[i].kill_at_ns < t) {
			t = s->ch[i].kill_at_ns;
		}
	}
	return t;
}
