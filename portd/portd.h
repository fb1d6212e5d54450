/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * portd.h - the portd daemon's shell around the sans-IO port core, shared
 * by its files:
 *
 *   main.c        command line, configuration, start and exit
 *   setup.c       clock, transport, identity, data sets, port core
 *   loop.c        the poll() loop: sockets, TX stamps, netlink, signals,
 *                 timers, and the executor of the core's actions
 *   standalone.c  what bmcad and clockd will do on the bus, in-process for
 *                 an ordinary clock: the BMCA, the servo, the summary line
 *   summary.c     what the summary line says of the servo (pure)
 *
 * One struct portd per process; nothing here is global, so every handler
 * takes the daemon it works on.
 */
#ifndef MERIDIAN_PORTD_H
#define MERIDIAN_PORTD_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <zmq.h>

#include "bmca.h"
#include "clkctl.h"
#include "clock.h"
#include "config.h"
#include "linkwatch.h"
#include "port_core.h"
#include "servo.h"
#include "srclimit.h"
#include "timers.h"
#include "xport.h"

#include "version.h"

/* Timers of the loop: the core's PT_* first, then the daemon's own. */
enum portd_timer {
	PDT_BMCA = PT_COUNT,	/* STATE_DECISION_EVENT, every announce
				 * interval */
	PDT_SUMMARY,		/* the summary line */
	PDT_TXTS,		/* give up on TX stamps that never came */
	PDT_COUNT
};

#define PORTD_TXMAP		64	/* TX ids remembered */
#define PORTD_PENDING		8	/* follow-up events queued */
#define PORTD_TXTS_PERIOD_NS	50000000LL	/* TX stamp expiry check */

/* What main() gives the daemon. */
struct portd_opts {
	const char *config_path;
	const char *ifname;
	const char *rundir;		/* NULL: the config's ipc.rundir */
	int log_level;			/* -1: the config's */
	bool syslog;			/* or the config's logging.syslog */
	bool seed_set;
	uint64_t seed;
	bool standalone;		/* else: one port of a boundary clock */
};

struct portd_bus;			/* bus.c */

/* A sent event message whose TX stamp is awaited. */
struct portd_txid {
	uint32_t id;
	uint8_t msg_type;
	uint16_t seq;
	bool used;
};

struct portd {
	struct portd_opts opts;
	const struct portd_mode *mode;
	struct portd_bus *bus;		/* bus mode only */
	struct mconf cfg;
	const struct mconf_port *port;	/* in cfg */
	unsigned port_index;		/* in cfg.ports: portNumber - 1 */
	char ifname[IF_NAMESIZE];

	/* I/O */
	struct xport *x;
	int fds[2];			/* [XP_EVENT], [XP_GENERAL] (-1) */
	struct clk *clk;
	bool sw_ts;			/* timestamps are CLOCK_REALTIME */
	struct linkwatch *lw;		/* NULL: link assumed up */
	bool link_up;			/* as last handed to the core */
	int sigfd;
	struct timers tm;
	bool stop;

	/* The core and the clock's data sets it reads. */
	struct port_core *pc;
	struct port_core_cfg pcfg;
	struct clock_ds cds;
	struct time_properties_ds local_tprop;	/* ours, as grandmaster */
	char product[64];

	/* TX stamps awaited, a ring of ids. */
	struct portd_txid txmap[PORTD_TXMAP];
	unsigned txmap_next;

	/* Events that actions ask for, fed after the current action list
	 * (a SEND's bytes live only until the next port_core_handle). */
	struct pev pending[PORTD_PENDING];
	unsigned n_pending;
	bool bmca_due;
	bool bmca_periodic;		/* ... and it is the periodic tick */

	/* Clock control (standalone: common/clkctl, the policy clockd
	 * runs for a boundary clock; bus: what clockd says). */
	struct clkctl cc;
	bool cc_ready;
	double freq_ppb;		/* last frequency applied to the
					 * clock (ppb, + = faster) */
	uint64_t steps;			/* clock steps done */
	bool have_sample;
	int64_t sample_mono_ns;		/* when it came (CLOCK_MONOTONIC) */
	int64_t offset_ns;		/* last sample, local - master */
	int64_t delay_ns;		/* last sample's path delay */
	struct clock_identity last_gm;	/* for "new grandmaster" notices */

	/* Core counters already reported (peer trouble is logged as the
	 * counters grow, rate-limited). */
	uint64_t seen_rx_err[PTP_E_COUNT];
	uint64_t seen_rx_no_ts;
	uint64_t seen_delay_rejected;
	uint64_t seen_auth_drop[AUTH_E_COUNT];	/* issue 9 auth */

	/* Hostile traffic (issue 9): the RX budget (port->rx_budget_pps
	 * messages a second, rx_budget_pps_per_source of them from one
	 * address) and the core's hostile counters already reported. */
	struct srclim rx_lim;
	bool rx_lim_init;
	uint64_t budget_dropped;	/* messages read and dropped */
	/* The CPU budget (cpubudget.c): */
	int64_t cpu_win_ns;		/* window start (mono); 0: none */
	int64_t cpu_win_start;		/* process CPU time then, ns */
	bool cpu_filtered;		/* socket filters on till its end */
	bool cpu_filter_err;		/* said once */
	uint64_t cpu_windows;		/* windows that ran over budget */
	uint64_t cpu_dropped;		/* queued messages dropped over the
					 * budget (the filter's drops are
					 * the kernel's, not counted) */
	uint64_t seen_cpu_dropped;
	uint64_t seen_budget_dropped;
	uint64_t seen_not_acceptable;
	uint64_t seen_master_lock;
	uint64_t seen_mgmt_refused;
	uint64_t seen_mgmt_limited;

	/* Counters of the shell. */
	uint64_t summary_dropped;	/* stdout had no room */
	uint64_t tx_errors;
	uint64_t txts_unknown;		/* stamps for ids we did not keep */
};

/*
 * The mode: what portd does with what only the whole clock can decide. The
 * loop and the core are the same in both; only these differ.
 *
 *   standalone  an ordinary clock with one port: the BMCA and the servo
 *               run in this process (standalone.c), as ptp4l does
 *   bus         one port of a boundary clock: Erbest to bmcad, decisions
 *               from it, samples to clockd, telemetry on the bus (bus.c)
 */
struct portd_mode {
	const char *name;
	/* After the core exists, before the loop; 0 or -errno. */
	int (*init)(struct portd *d);
	void (*fini)(struct portd *d);
	/* STATE_DECISION_EVENT is due: Erbest changed (PACT_ERBEST), the
	 * port state changed, or the periodic tick (every announce
	 * interval). */
	void (*decide)(struct portd *d, bool periodic);
	/* The core measured an offset (PACT_SAMPLE). */
	void (*sample)(struct portd *d, const struct pact *a);
	/* The slave follows another master now (PACT_NEW_MASTER). */
	void (*new_master)(struct portd *d);
	/* The port state changed (PACT_STATE). */
	void (*state)(struct portd *d, enum port_state from,
		      enum port_state to);
	/* Once per summary interval: the summary line (and telemetry). */
	void (*summary)(struct portd *d);
	/* Sockets of the mode to poll, after the loop's own items: the
	 * number added (at most max). */
	unsigned (*pollset)(struct portd *d, zmq_pollitem_t *items,
			    unsigned max);
	/* Some of those items are ready (items as pollset filled them). */
	void (*ready)(struct portd *d, const zmq_pollitem_t *items,
		      unsigned n);
};

extern const struct portd_mode portd_mode_standalone;
extern const struct portd_mode portd_mode_bus;

/* setup.c */
int portd_setup(struct portd *d);
void portd_teardown(struct portd *d);
/* "FILE:LINE: ports[IF].KEY" (or without LINE when unknown) into buf. */
const char *portd_where(const struct portd *d, const char *key, char *buf,
			size_t len);

/* loop.c */
int portd_run(struct portd *d);

/* The CPU budget, rx_cpu_budget (cpubudget.c): cpub_over() says whether
 * the current window ran over it (and from then on filters the sockets
 * till the window ends); cpub_timeout_ms() ends a filtered window when
 * its time has come and shortens a poll timeout `ms` (-1: none) to it. */
struct sock_filter;		/* <linux/filter.h>; prog holds 8 */
bool cpub_over(struct portd *d, int64_t now);
int cpub_timeout_ms(struct portd *d, int64_t now, int ms);
unsigned cpub_filter(struct sock_filter *prog, unsigned off,
		     const struct port_identity *parent);
int64_t portd_mono_ns(void);
/* Queue an event for the core, handled after the current action list. */
void portd_defer(struct portd *d, const struct pev *ev);
/* Feed the core what is queued (events, a due STATE_DECISION_EVENT). */
void portd_drain(struct portd *d);

/* report.c: the summary line. */
struct summary_in;
struct summary_out;
uint64_t portd_sum64(const uint64_t *v, unsigned n);
/* One line (with its newline) to stdout, never blocking: counted in
 * summary_dropped when stdout has no room. */
void portd_summary_write(struct portd *d, const char *line, size_t len);
/* The mode-independent inputs of summary_decide() (servo and fault are
 * the mode's to fill). */
void portd_summary_in(const struct portd *d, struct summary_in *in);
/* The summary line from summary_decide()'s verdict; outliers < 0: "-". */
void portd_summary_print(struct portd *d, const struct summary_out *so,
			 int64_t outliers);

#endif
