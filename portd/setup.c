// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * setup.c - portd start-up: refuse what the interface cannot do, then
 * open the transport and the clock, build the clock identity and data
 * sets from the configuration, and create the port core.
 *
 * Every refusal names the interface and the configuration key, with the
 * file and line where the key is written (found again with libconfig,
 * since the parsed struct mconf keeps values, not positions).
 */
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <libconfig.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth_mac.h"
#include "daemon.h"
#include "ds.h"
#include "log.h"
#include "netif.h"
#include "portd.h"
#include "privs.h"
#include "sakey.h"

/* ---- where a key is written -------------------------------------------- */

/* The line of ports[ifname].key in path; the port's own line when the key
 * is not written (its default applies: *is_default), 0 if unknown. */
static unsigned conf_port_line(const char *path, const char *ifname,
			       const char *key, bool *is_default)
{
	config_setting_t *ports, *p, *s;
	const char *name;
	unsigned line = 0;
	config_t c;
	int i, n;

	*is_default = false;
	config_init(&c);
	if (config_read_file(&c, path) != CONFIG_TRUE) {
		goto out;
	}
	ports = config_lookup(&c, "ports");
	if (!ports) {
		goto out;
	}
	n = config_setting_length(ports);
	for (i = 0; i < n; i++) {
		p = config_setting_get_elem(ports, (unsigned)i);
		if (!p ||
		    !config_setting_lookup_string(p, "interface", &name) ||
		    strcmp(name, ifname)) {
			continue;
		}
		s = config_setting_get_member(p, key);
		if (s) {
			line = (unsigned)config_setting_source_line(s);
		} else {
			line = (unsigned)config_setting_source_line(p);
			*is_default = true;
		}
		break;
	}
out:
	config_destroy(&c);
	return line;
}

const char *portd_where(const struct portd *d, const char *key, char *buf,
			size_t len)
{
	bool dflt;
	unsigned line = conf_port_line(d->opts.config_path, d->ifname, key,
				       &dflt);

	if (line) {
		snprintf(buf, len, "%s:%u: ports[%s].%s%s",
			 d->opts.config_path, line, d->ifname, key,
			 dflt ? " (not set: default)" : "");
	} else {
		snprintf(buf, len, "%s: ports[%s].%s", d->opts.config_path,
			 d->ifname, key);
	}
	return buf;
}

/* ---- checks before any I/O --------------------------------------------- */

static int check_combination(struct portd *d)
{
	const struct mconf_port *p = d->port;
	char w[512];

	if (p->clock == MCONF_CLK_PHC &&
	    p->timestamping == MCONF_TSTAMP_SOFTWARE) {
		pr_err("%s: clock \"phc\" with timestamping \"software\": "
		       "software timestamps are CLOCK_REALTIME, not the PHC's "
		       "time; use timestamping = \"hardware\", or clock = "
		       "\"sim\" / \"system\" (%s)",
		       portd_where(d, "clock", w, sizeof(w)), d->ifname);
		return -EINVAL;
	}
	if (p->timestamping == MCONF_TSTAMP_HARDWARE &&
	    p->clock != MCONF_CLK_PHC) {
		pr_err("%s: timestamping \"hardware\" with clock \"%s\": "
		       "hardware timestamps are in the NIC's PHC time base; "
		       "use clock = \"phc\" (%s)",
		       portd_where(d, "timestamping", w, sizeof(w)),
		       p->clock == MCONF_CLK_SIM ? "sim" : "system",
		       d->ifname);
		return -EINVAL;
	}
	if (p->clock == MCONF_CLK_SYSTEM && !d->cfg.clock.free_running) {
		pr_warn("%s: clock \"system\": this port steers "
			"CLOCK_REALTIME, the host's clock",
			portd_where(d, "clock", w, sizeof(w)));
	}
	return 0;
}

static int setup_rundir(struct portd *d)
{
	int rc;

	if (d->opts.rundir) {
		if (strlen(d->opts.rundir) > MCONF_RUNDIR_MAX) {
			pr_err("--rundir %s: longer than %d characters",
			       d->opts.rundir, MCONF_RUNDIR_MAX);
			return -ENAMETOOLONG;
		}
		snprintf(d->cfg.ipc.rundir, sizeof(d->cfg.ipc.rundir), "%s",
			 d->opts.rundir);
	}
	rc = daemon_mkdir_p(d->cfg.ipc.rundir, 0750);
	if (rc < 0) {
		pr_err("run directory %s: %s", d->cfg.ipc.rundir,
		       strerror(-rc));
	}
	return rc;
}

/* ---- transport ------------------------------------------------------- */

static int setup_xport(struct portd *d)
{
	const struct mconf_port *p = d->port;
	struct xport_cfg xc = { 0 };
	char err[256], w[512];

	xc.ifname = d->ifname;
	switch (p->transport) {
	case MCONF_TRANSPORT_UDP6:
		xc.kind = XP_UDP6;
		break;
	case MCONF_TRANSPORT_L2:
		xc.kind = XP_L2;
		break;
	default:
		xc.kind = XP_UDP4;
		break;
	}
	xc.ts_mode = p->timestamping == MCONF_TSTAMP_HARDWARE ?
		     TS_HARDWARE : TS_SOFTWARE;
	xc.ttl = p->udp_ttl;
	d->sw_ts = xc.ts_mode == TS_SOFTWARE;
	err[0] = '\0';
	d->x = xport_open(&xc, err, sizeof(err));
	if (!d->x) {
		if (xc.ts_mode == TS_HARDWARE) {
			pr_err("%s: %s; this interface cannot do hardware "
			       "timestamping as configured (timestamping = "
			       "\"software\" with clock = \"sim\" or "
			       "\"system\" works on any interface)",
			       portd_where(d, "timestamping", w, sizeof(w)),
			       err);
		} else {
			pr_err("%s: cannot open the %s transport: %s",
			       portd_where(d, "interface", w, sizeof(w)),
			       xport_kind_str(xc.kind), err);
		}
		return -ENODEV;
	}
	if (xport_warning(d->x)[0]) {
		pr_warn("%s: %s", d->ifname, xport_warning(d->x));
	}
	xport_fds(d->x, d->fds);
	return 0;
}

/* ---- clock ----------------------------------------------------------- */

/*
 * errno as a positive code, read before anything can clobber it (logging
 * does: portd_where() reads the config file, pr_err() writes), and never
 * 0, so that a failure is never returned as success.
 */
static int errno_or(int fallback)
{
	int e = errno;

	return e > 0 ? e : fallback;
}

static int setup_clock(struct portd *d)
{
	const struct mconf_port *p = d->port;
	char path[PATH_MAX], w[512];
	struct clk_sim_params sp;
	bool existed;
	int idx, err;

	switch (p->clock) {
	case MCONF_CLK_SIM:
		if (mconf_port_sim_path(&d->cfg, p, path, sizeof(path)) < 0) {
			pr_err("%s: sim clock path too long",
			       portd_where(d, "sim_path", w, sizeof(w)));
			return -ENAMETOOLONG;
		}
		memset(&sp, 0, sizeof(sp));
		sp.freq_error_ppb = p->sim_freq_error_ppb;
		sp.offset_ns = p->sim_offset_ns;
		sp.if_exists = CLK_SIM_ATTACH;
		existed = access(path, F_OK) == 0;
		d->clk = clk_sim_create(path, &sp);
		if (!d->clk) {
			err = errno_or(EIO);
			pr_err("%s: sim clock %s: %s",
			       portd_where(d, "sim_path", w, sizeof(w)), path,
			       strerror(err));
			return -err;
		}
		if (existed) {
			pr_notice("%s: attached to the existing sim clock %s "
				  "(its state is kept)", d->ifname, path);
		}
		break;
	case MCONF_CLK_SYSTEM:
		d->clk = clk_system_create();
		if (!d->clk) {
			err = errno_or(ENOMEM);
			pr_err("%s: system clock: %s", d->ifname,
			       strerror(err));
			return -err;
		}
		break;
	default:
		if (p->phc_device[0]) {
			snprintf(path, sizeof(path), "%s", p->phc_device);
		} else {
			idx = xport_phc_index(d->x);
			if (idx < 0) {
				pr_err("%s: %s reports no PTP hardware clock "
				       "(tsinfo phc_index -1); set "
				       "phc_device",
				       portd_where(d, "phc_device", w,
						   sizeof(w)), d->ifname);
				return -ENODEV;
			}
			snprintf(path, sizeof(path), "/dev/ptp%d", idx);
		}
		d->clk = clk_phc_create(path);
		if (!d->clk) {
			err = errno_or(ENODEV);
			pr_err("%s: %s: %s",
			       portd_where(d, "phc_device", w, sizeof(w)),
			       path, strerror(err));
			return -err;
		}
		break;
	}
	if (!d->clk) {			/* every branch above returned */
		pr_err("%s: no clock", d->ifname);
		return -ENODEV;
	}
	pr_info("%s: clock %s, %s timestamps", d->ifname, clk_name(d->clk),
		d->sw_ts ? "software" : "hardware");
	return 0;
}

/* SIGBUS at the sim clock's mapping (truncated while in use): a message
 * and exit status 1 (common/daemon.c). */
static int setup_sigbus(struct portd *d)
{
	char who[IFNAMSIZ + 8];
	int rc;

	snprintf(who, sizeof(who), "portd[%s]", d->ifname);
	rc = daemon_sigbus_guard(d->clk, who, d->ifname);
	if (rc < 0) {
		pr_err("%s: sigaction SIGBUS: %s", d->ifname, strerror(-rc));
	}
	return rc;
}

/* ---- identity and data sets -------------------------------------------- */

static int setup_identity(struct portd *d, struct clock_identity *id,
			  uint8_t mac[6])
{
	int rc;

	rc = netif_mac(d->ifname, mac);
	if (!d->opts.standalone && !d->cfg.clock.identity_set) {
		/* One clock, several ports: every portd and bmcad take the
		 * identity from the first port's MAC. */
		if (rc < 0) {
			memset(mac, 0, 6);
		}
		return daemon_clock_identity(&d->cfg, d->ifname, id);
	}
	if (d->cfg.clock.identity_set) {
		*id = d->cfg.clock.identity;
		if (rc < 0) {
			memset(mac, 0, 6);
		}
		return 0;
	}
	if (rc < 0) {
		pr_err("%s: %s has no MAC address to derive the clock "
		       "identity from (%s); set clock.clock_identity",
		       d->opts.config_path, d->ifname, strerror(-rc));
		return rc;
	}
	clock_identity_from_eui48(id, mac);
	return 0;
}

/* The interface's protocol address for CLOCK_DESCRIPTION. */
static void setup_proto_addr(struct portd *d, const uint8_t mac[6])
{
	struct port_core_cfg *c = &d->pcfg;
	struct ifaddrs *ifa, *i;
	int family;

	switch (d->port->transport) {
	case MCONF_TRANSPORT_L2:
		c->network_protocol = 3;
		memcpy(c->proto_addr, mac, 6);
		c->proto_addr_len = 6;
		return;
	case MCONF_TRANSPORT_UDP6:
		c->network_protocol = 2;
		c->proto_addr_len = 16;
		family = AF_INET6;
		break;
	default:
		c->network_protocol = 1;
		c->proto_addr_len = 4;
		family = AF_INET;
		break;
	}
	if (getifaddrs(&ifa) < 0) {
		return;
	}
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family ||
		    strcmp(i->ifa_name, d->ifname)) {
			continue;
		}
		if (family == AF_INET) {
			memcpy(c->proto_addr, &((struct sockaddr_in *)
			       (void *)i->ifa_addr)->sin_addr, 4);
		} else {
			memcpy(c->proto_addr, &((struct sockaddr_in6 *)
			       (void *)i->ifa_addr)->sin6_addr, 16);
		}
		break;
	}
	freeifaddrs(ifa);
}

/*
 * The clock's data sets (shared with bmcad: daemon_clock_ds). A PHC keeps
 * the PTP timescale (TAI). The system clock is UTC, and a sim clock is
 * CLOCK_REALTIME plus its offset: announced as the PTP timescale, slaves
 * on CLOCK_REALTIME would add currentUtcOffset (37 s) to what they
 * measure. So, as ptp4l with software timestamps, those announce the ARB
 * timescale (7.2.1). A boundary clock is PTP-timescale only when every
 * port's clock is a PHC (bmcad decides the same).
 */
static void setup_datasets(struct portd *d, const struct clock_identity *id)
{
	unsigned n = d->opts.standalone ? 1 : (unsigned)d->cfg.n_ports;
	bool phc = true;
	int i;

	if (d->opts.standalone) {
		phc = d->port->clock == MCONF_CLK_PHC;
	}
	for (i = 0; !d->opts.standalone && i < d->cfg.n_ports; i++) {
		phc = phc && d->cfg.ports[i].clock == MCONF_CLK_PHC;
	}
	daemon_clock_ds(&d->cfg, id, n, phc, &d->cds.dflt, &d->local_tprop);
	if (d->cfg.clock.slave_only) {
		pr_info("%s: slave_only: clockClass 255", d->ifname);
	}
	current_ds_init(&d->cds.cur);
	parent_ds_init(&d->cds.parent, &d->cds.dflt);
	d->cds.tprop = d->local_tprop;
	d->last_gm = d->cds.parent.grandmasterIdentity;
}


/* Hostile traffic (issue 9): acceptable masters, master lock, management
 * policy. The list was checked by the loader; a failure here cannot
 * happen, and leaves the table empty (accepting nobody if enabled). */
static void setup_hostile(struct portd *d, struct port_core_cfg *c)
{
	const struct mconf_port *p = d->port;
	struct mconf_amt a[MCONF_AMT_MAX];
	char why[160];
	int i, n;

	_Static_assert(MCONF_AMT_MAX == PORT_AMT_MAX, "table sizes differ");
	c->amt_enabled = p->acceptable_master_table;
	n = mconf_amt_parse(p->acceptable_masters, a, MCONF_AMT_MAX, why,
			    sizeof(why));
	for (i = 0; i < n; i++) {
		c->amt[i].by_addr = a[i].by_addr;
		c->amt[i].addr_len = a[i].addr_len;
		memcpy(c->amt[i].addr, a[i].addr, sizeof(c->amt[i].addr));
		c->amt[i].id = a[i].id;
	}
	c->n_amt = n > 0 ? (uint8_t)n : 0;
	c->master_lock = p->master_lock;
	c->mgmt_set_allow = p->management_set == MCONF_MGMT_SET_ALLOW;
}

static void setup_port_cfg(struct portd *d, const struct clock_identity *id,
			   const uint8_t mac[6])
{
	const struct mconf_port *p = d->port;
	struct port_core_cfg *c = &d->pcfg;
	struct port_ds *ds = &c->ds;

	memset(c, 0, sizeof(*c));
	c->port_number = (uint16_t)(d->port_index + 1);
	port_ds_init(ds, id, c->port_number);
	ds->logAnnounceInterval = (int8_t)p->log_announce_interval;
	ds->announceReceiptTimeout = (uint8_t)p->announce_receipt_timeout;
	ds->logSyncInterval = (int8_t)p->log_sync_interval;
	ds->logMinDelayReqInterval = (int8_t)p->log_min_delay_req_interval;
	ds->logMinPdelayReqInterval = (int8_t)p->log_min_pdelay_req_interval;
	if (p->delay_mechanism == MCONF_DELAY_AUTO) {
		ds->delayMechanism = DM_E2E;
		c->auto_delay = true;
	} else {
		ds->delayMechanism = (uint8_t)p->delay_mechanism;
	}
	ds->minorVersionNumber = (uint8_t)d->cfg.clock.minor_version;
	/* TimeInterval: scaled ns; the config range (1 s) fits. */
	ds->delayAsymmetry = p->delay_asymmetry * 65536;
	ds->masterOnly = p->master_only;
	c->ingress_latency_ns = p->ingress_latency;
	c->egress_latency_ns = p->egress_latency;
	c->delay_filter = p->delay_filter == MCONF_DELAY_FILTER_MEAN ?
			  PORT_DF_MEAN : PORT_DF_MEDIAN;
	c->delay_filter_len = (uint16_t)p->delay_filter_length;
	c->e2e_sample = p->e2e_sample == MCONF_E2E_SAMPLE_BOTH ?
			PORT_ES_BOTH : PORT_ES_SYNC;
	setup_hostile(d, c);
	c->log_fault_reset = 4;		/* 16 s, linuxptp's default */
	c->seed = d->opts.seed;
	memcpy(c->phys_addr, mac, 6);
	setup_proto_addr(d, mac);
	snprintf(d->product, sizeof(d->product), "Meridian;portd;%s",
		 MERIDIAN_VERSION);
	c->product = d->product;
}

/* ---- authentication (issue 9 auth) ------------------------------------ */

/*
 * The port's security association and signing key from clock.sa_file
 * into the core's cfg. Read once, at start: SIGHUP does not reload keys
 * (restart portd). Every fault refuses to start, with FILE:LINE.
 */
static int setup_auth(struct portd *d)
{
	const struct mconf_port *p = d->port;
	const char *file = d->cfg.clock.sa_file;
	const struct auth_sa *sa;
	const struct auth_key *key;
	struct auth_sad *sad;
	char w[512], err[512];
	int rc = -EINVAL;

	if (p->auth_policy == MCONF_AUTH_OFF) {
		return 0;
	}
	if (p->spp < 0 || !p->active_key_id || !file[0]) {
		pr_err("%s: auth_policy \"%s\" needs spp (0..255), "
		       "active_key_id (1..4294967295) and clock.sa_file",
		       portd_where(d, "auth_policy", w, sizeof(w)),
		       p->auth_policy == MCONF_AUTH_REQUIRED ? "required" :
		       "optional");
		return -EINVAL;
	}
	sad = calloc(1, sizeof(*sad));
	if (!sad) {
		return -ENOMEM;
	}
	rc = sakey_load(sad, file, err, sizeof(err));
	if (rc < 0) {
		pr_err("%s: sa_file %s", d->ifname, err);
		goto out;
	}
	rc = -EINVAL;
	sa = auth_sad_find(sad, (uint8_t)p->spp);
	if (!sa) {
		pr_err("%s: spp %d is not in %s",
		       portd_where(d, "spp", w, sizeof(w)), p->spp, file);
		goto out;
	}
	key = auth_sa_key(sa, (uint32_t)p->active_key_id);
	if (!key) {
		pr_err("%s: key %" PRId64 " is not in spp %d of %s",
		       portd_where(d, "active_key_id", w, sizeof(w)),
		       p->active_key_id, p->spp, file);
		goto out;
	}
	d->pcfg.auth_policy = p->auth_policy == MCONF_AUTH_REQUIRED ?
			      AUTH_POLICY_REQUIRED : AUTH_POLICY_OPTIONAL;
	d->pcfg.auth_sa = *sa;
	d->pcfg.auth_key_id = key->id;
	d->pcfg.auth_mac = auth_mac_nettle;
	pr_notice("%s: authentication %s: spp %u, key %u (%s), "
		  "seqid_window %u%s", d->ifname,
		  p->auth_policy == MCONF_AUTH_REQUIRED ? "required" :
		  "optional", sa->spp, key->id, auth_icv_str(key->icv),
		  sa->seqid_window,
		  sa->allow_mutable ? ", correctionField not covered" : "");
	rc = 0;
out:
	memset(sad, 0, sizeof(*sad));	/* no key bytes left behind */
	free(sad);
	return rc;
}

/* ---- signals ----------------------------------------------------------- */

static int setup_signals(struct portd *d)
{
	sigset_t set;
	int err;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		err = errno_or(EINVAL);
		pr_err("sigprocmask: %s", strerror(err));
		return -err;
	}
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sigfd < 0) {
		err = errno_or(EMFILE);
		pr_err("signalfd: %s", strerror(err));
		return -err;
	}
	return 0;
}

/* ---- all of it ------------------------------------------------------- */

int portd_setup(struct portd *d)
{
	struct clock_identity id;
	uint8_t mac[6];
	char idstr[20];
	int rc;

	d->sigfd = -1;
	d->fds[0] = d->fds[1] = -1;
	rc = check_combination(d);
	if (rc < 0) {
		return rc;
	}
	rc = setup_rundir(d);
	if (rc < 0) {
		return rc;
	}
	rc = setup_xport(d);
	if (rc < 0) {
		return rc;
	}
	rc = setup_clock(d);
	if (rc < 0) {
		return rc;
	}
	rc = setup_sigbus(d);
	if (rc < 0) {
		return rc;
	}
	rc = setup_identity(d, &id, mac);
	if (rc < 0) {
		return rc;
	}
	setup_datasets(d, &id);
	setup_port_cfg(d, &id, mac);
	rc = setup_auth(d);
	if (rc < 0) {
		return rc;
	}
	d->pc = port_core_create(&d->pcfg, &d->cds);
	if (!d->pc) {
		pr_err("%s: cannot create the port core", d->ifname);
		return -ENOMEM;
	}
	d->lw = linkwatch_open(d->ifname);
	if (!d->lw) {
		pr_warn("%s: no link notifications (%s): link assumed up",
			d->ifname, strerror(errno));
	}
	rc = setup_signals(d);
	if (rc < 0) {
		return rc;
	}
	/* Everything that needs root is open (sockets, SIOCSHWTSTAMP, the
	 * clock): drop, before ZeroMQ's threads (capabilities are per
	 * thread). */
	rc = privs_daemon_drop(d->ifname, PRIVS_PORTD, &d->cfg,
			       (int)d->port_index, d->opts.standalone);
	if (rc < 0) {
		return rc;
	}
	rc = d->mode->init(d);
	if (rc < 0) {
		return rc;
	}
	clock_identity_str(&id, idstr);
	pr_notice("%s: clock %s, %s, %s, %s timestamps, domain %u, "
		  "priority1 %u", d->ifname, idstr,
		  xport_kind_str(xport_kind_of(d->x)),
		  d->pcfg.auto_delay ? "auto" :
		  delay_mechanism_str(d->pcfg.ds.delayMechanism),
		  d->sw_ts ? "software" : "hardware",
		  d->cds.dflt.domainNumber, d->cds.dflt.priority1);
	return 0;
}

void portd_teardown(struct portd *d)
{
	if (d->mode) {
		d->mode->fini(d);
	}
	if (d->pc) {
		port_core_destroy(d->pc);
		d->pc = NULL;
	}
	if (d->lw) {
		linkwatch_close(d->lw);
		d->lw = NULL;
	}
	if (d->x) {
		xport_close(d->x);
		d->x = NULL;
	}
	if (d->clk) {
		clk_destroy(d->clk);
		d->clk = NULL;
	}
	if (d->sigfd >= 0) {
		close(d->sigfd);
		d->sigfd = -1;
	}
}
