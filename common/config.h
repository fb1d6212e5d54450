/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h - the appliance configuration: one libconfig file, a schema
 * table that drives every check, and the parsed struct every daemon reads.
 *
 * The file has four parts, all optional except ports:
 *
 *	clock   = { key = value; ... };		one per appliance
 *	ports   = ( { interface = "eth1"; ... }, ... );	1..MCONF_MAX_PORTS
 *	ipc     = { ... };
 *	logging = { ... };
 *
 * Every key is one row of the schema (config_schema.c): its scope, type,
 * default, range or allowed names, help text and the member of the parsed
 * struct it fills. Unknown keys, wrong types, out-of-range values and bad
 * names are errors; the loader collects up to MCONF_MAX_ERRORS of them,
 * each as "FILE:LINE: key: what is wrong". conf/meridian.conf documents
 * every key.
 *
 * Nothing here prints, exits or keeps global state: errors are returned in
 * a caller-owned struct mconf_errors and main() decides what to do.
 */
#ifndef MERIDIAN_CONFIG_H
#define MERIDIAN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ds.h"

#define MCONF_MAX_PORTS		32
#define MCONF_IFNAME_LEN	16	/* IFNAMSIZ: 15 characters + NUL */
#define MCONF_CLOCK_ID_LEN	24	/* "00:11:22:ff:fe:33:44:55" + NUL */
#define MCONF_DEV_LEN		64	/* phc_device */
#define MCONF_PATH_LEN		128	/* sim_path */
#define MCONF_ENDPOINT_LEN	64	/* tcp_endpoint */
#define MCONF_NAME_LEN		33	/* ipc.user, ipc.group (privs) */

/*
 * ZeroMQ ipc:// paths are limited to 107 characters (sun_path). The run
 * directory may use at most MCONF_RUNDIR_MAX of them, which leaves
 * MCONF_IPC_NAME_MAX for "/<name>.sock" (or "/sim-<iface>.clk") under it.
 */
#define MCONF_IPC_PATH_MAX	107
#define MCONF_IPC_NAME_MAX	32
#define MCONF_RUNDIR_MAX	(MCONF_IPC_PATH_MAX - MCONF_IPC_NAME_MAX)

#define MCONF_SCHEMA_MAX	128	/* rows in the schema, at most */

#define MCONF_MAX_ERRORS	20
#define MCONF_ERR_LEN		256

/* clock.profile */
enum mconf_profile {
	MCONF_PROFILE_DEFAULT_E2E,	/* 1588-2019 J.3, delay req-resp */
	MCONF_PROFILE_DEFAULT_P2P,	/* 1588-2019 J.4, peer-to-peer */
};

/* clock.servo */
enum mconf_servo {
	MCONF_SERVO_PI,
	MCONF_SERVO_LINREG,
	MCONF_SERVO_KALMAN,
};

/* ports[].transport */
enum mconf_transport {
	MCONF_TRANSPORT_UDP4,
	MCONF_TRANSPORT_UDP6,
	MCONF_TRANSPORT_L2,		/* IEEE 802.3, ethertype 0x88F7 */
};

/*
 * ports[].delay_mechanism: E2E and P2P carry the delayMechanism values of
 * ds.h (Table 21); AUTO (start E2E, follow the peer to P2P) is ours and is
 * outside the 8-bit range of the standard's values.
 */
enum mconf_delay {
	MCONF_DELAY_E2E = DM_E2E,
	MCONF_DELAY_P2P = DM_P2P,
	MCONF_DELAY_AUTO = 0x100,
};

/* ports[].delay_filter: values of port_core.h's enum port_delay_filter */
enum mconf_delay_filter {
	MCONF_DELAY_FILTER_MEDIAN,
	MCONF_DELAY_FILTER_MEAN,
};

/* ports[].e2e_sample: values of port_core.h's enum port_e2e_sample */
enum mconf_e2e_sample {
	MCONF_E2E_SAMPLE_SYNC,
	MCONF_E2E_SAMPLE_BOTH,
};

/* ports[].auth_policy: values of auth.h's enum auth_policy */
enum mconf_auth_policy {
	MCONF_AUTH_OFF,
	MCONF_AUTH_OPTIONAL,
	MCONF_AUTH_REQUIRED,
};

/* ports[].timestamping */
enum mconf_tstamp {
	MCONF_TSTAMP_HARDWARE,
	MCONF_TSTAMP_SOFTWARE,
};

/* Hostile traffic (issue 9, part "hostile"): ports[].acceptable_masters,
 * a list of clockIdentities or addresses, and ports[].management_set. */
#define MCONF_AMT_LEN		512	/* the list as written */
#define MCONF_AMT_MAX		16	/* entries, = PORT_AMT_MAX */

enum mconf_mgmt_set {
	MCONF_MGMT_SET_DENY,
	MCONF_MGMT_SET_ALLOW,
};

/* One parsed acceptable_masters entry. */
struct mconf_amt {
	bool by_addr;			/* else a clockIdentity */
	uint8_t addr_len;		/* 4 (IPv4), 16 (IPv6), 6 (MAC) */
	uint8_t addr[16];
	struct clock_identity id;
};

/* ports[].clock: the clock this port's timestamps are taken from. */
enum mconf_clk {
	MCONF_CLK_PHC,		/* the NIC's PTP hardware clock */
	MCONF_CLK_SYSTEM,	/* CLOCK_REALTIME */
	MCONF_CLK_SIM,		/* simulated PHC in shared memory (tests) */
};

/* The clock group: defaultDS, profile and servo. */
struct mconf_clock {
	int domain_number;
	int priority1;
	int priority2;
	int clock_class;
	int clock_accuracy;
	int offset_scaled_log_variance;
	char clock_identity[MCONF_CLOCK_ID_LEN]; /* as written; "" = MAC */
	bool slave_only;
	bool two_step;
	int profile;			/* enum mconf_profile */
	int sdo_id;			/* 12 bits */
	int minor_version;		/* minorVersionPTP we send: 0 or 1 */
	int current_utc_offset;		/* TAI - UTC, seconds */
	int time_source;		/* enum time_source (ds.h) */
	int servo;			/* enum mconf_servo */
	double pi_kp;			/* 0 = linuxptp default for the rate */
	double pi_ki;			/* 0 = linuxptp default for the rate */
	double first_step_threshold;	/* seconds; 0 = never step */
	double step_threshold;		/* seconds; 0 = never after the first */
	int max_frequency;		/* ppb; 0 = the clock's own limit */
	bool free_running;		/* measure, never steer */
	/* issue 9 auth: security associations (linuxptp's sa_file) */
	char sa_file[MCONF_PATH_LEN];	/* "" = none */

	/* Derived by the loader from clock_identity (not schema keys). */
	bool identity_set;		/* false: from the first port's MAC */
	struct clock_identity identity;
};

/* One element of the ports list. */
struct mconf_port {
	char interface[MCONF_IFNAME_LEN];
	int transport;			/* enum mconf_transport */
	int delay_mechanism;		/* enum mconf_delay */
	int timestamping;		/* enum mconf_tstamp */
	int log_announce_interval;	/* log2 seconds */
	int announce_receipt_timeout;	/* announce intervals */
	int log_sync_interval;		/* log2 seconds */
	int log_min_delay_req_interval;	/* log2 seconds */
	int log_min_pdelay_req_interval; /* log2 seconds */
	bool master_only;
	int64_t delay_asymmetry;	/* ns; + = master->slave is longer */
	int ingress_latency;		/* ns, subtracted from RX timestamps */
	int egress_latency;		/* ns, added to TX timestamps */
	int delay_filter;		/* enum mconf_delay_filter */
	int delay_filter_length;	/* path delays in its window */
	int e2e_sample;			/* enum mconf_e2e_sample */
	int udp_ttl;
	int clock;			/* enum mconf_clk */
	char phc_device[MCONF_DEV_LEN];	/* "" = from the NIC's tsinfo */
	double sim_freq_error_ppb;	/* + = simulated clock runs fast */
	int64_t sim_offset_ns;		/* ns, sim - CLOCK_REALTIME at start */
	char sim_path[MCONF_PATH_LEN];	/* "" = <rundir>/sim-<iface>.clk */
	/* issue 9 auth: AUTHENTICATION TLV (16.14) */
	int auth_policy;		/* enum mconf_auth_policy */
	int spp;			/* -1 = none, else 0..255 */
	int64_t active_key_id;		/* 0 = none, else 1..2^32-1 */
	/* Hostile traffic (issue 9, part "hostile"): */
	bool acceptable_master_table;	/* Announces of acceptable_masters
					 * only */
	char acceptable_masters[MCONF_AMT_LEN];	/* "ID, ADDR, ..." */
	bool master_lock;		/* drop Announces better than us */
	int management_set;		/* enum mconf_mgmt_set */
	int rx_budget_pps;		/* messages a second; 0 = no limit */
	int rx_budget_pps_per_source;	/* of them, from one address */
	int rx_cpu_budget;		/* percent of a CPU; 0 = no limit */
};

struct mconf_ipc {
	char rundir[MCONF_RUNDIR_MAX + 1];
	char tcp_endpoint[MCONF_ENDPOINT_LEN];	/* "" = none */
	/* privs (issue 9): who the daemons run as, their filter */
	char user[MCONF_NAME_LEN];	/* "root" = no change of user */
	char group[MCONF_NAME_LEN];	/* operator group; "" = none */
	bool seccomp;
};

struct mconf_logging {
	int level;			/* syslog level LOG_EMERG..LOG_DEBUG */
	bool syslog;			/* false: stderr */
	int summary_interval;		/* log2 seconds */
};

/*
 * The parsed configuration. Plain data: it may be copied, compared with
 * memcmp (the loader zero-fills padding and unused string bytes), and
 * freed with its container.
 */
struct mconf {
	struct mconf_clock clock;
	int n_ports;
	struct mconf_port ports[MCONF_MAX_PORTS];
	struct mconf_ipc ipc;
	struct mconf_logging logging;
};

/* Errors found by one load, in line order. */
struct mconf_errors {
	unsigned count;			/* in msg[], <= MCONF_MAX_ERRORS */
	unsigned dropped;		/* found beyond MCONF_MAX_ERRORS */
	unsigned line[MCONF_MAX_ERRORS];	/* 0 when there is none */
	/* "FILE:LINE: key: what is wrong" */
	char msg[MCONF_MAX_ERRORS][MCONF_ERR_LEN];
};

/* ---- the schema ------------------------------------------------------ */

enum mconf_scope {
	MCONF_SCOPE_CLOCK,
	MCONF_SCOPE_PORT,
	MCONF_SCOPE_IPC,
	MCONF_SCOPE_LOGGING,
	MCONF_SCOPE_COUNT,
};

enum mconf_type {
	MCONF_T_INT,		/* int member; libconfig int, or int64 (L) */
	MCONF_T_INT64,		/* int64_t member; libconfig int or int64 (L) */
	MCONF_T_BOOL,		/* bool member; true/false */
	MCONF_T_FLOAT,		/* double member; float or int, finite */
	MCONF_T_STRING,		/* char[size] member */
	MCONF_T_ENUM,		/* int member; a string among names[] */
};

/* Item flags. */
#define MCONF_F_HEX		0x1	/* print in hex */
#define MCONF_F_REQUIRED	0x2	/* no default: must be given */
#define MCONF_F_FROM_PROFILE	0x4	/* default follows clock.profile */

struct mconf_enum_name {
	const char *name;
	int value;
};

/*
 * A string check: 0 if s is acceptable, else -EINVAL with a reason ("is
 * not an absolute path") written to why.
 */
typedef int (*mconf_str_check)(const char *s, char *why, size_t why_len);

struct mconf_item {
	const char *name;
	enum mconf_scope scope;
	enum mconf_type type;
	unsigned flags;			/* MCONF_F_* */
	size_t offset;			/* of the member in its struct */
	size_t size;			/* of the member (string: buffer) */
	int64_t def_int;		/* INT, INT64, BOOL (0/1), ENUM value */
	double def_float;		/* FLOAT */
	const char *def_str;		/* STRING */
	int64_t min, max;		/* INT, INT64 */
	double fmin, fmax;		/* FLOAT */
	const struct mconf_enum_name *names;	/* ENUM: ends with {NULL} */
	mconf_str_check check;		/* STRING: extra check, or NULL */
	const char *help;		/* one line, lower case, no period */
};

/* The i-th schema item (in file order: clock, port, ipc, logging), or NULL
 * past the end. */
const struct mconf_item *mconf_schema_item(size_t i);
/* The item called name in scope, or NULL. */
const struct mconf_item *mconf_schema_find(enum mconf_scope scope,
					   const char *name);
/* "clock", "ports", "ipc", "logging" */
const char *mconf_scope_name(enum mconf_scope scope);

/*
 * The member of cfg an item describes: for MCONF_SCOPE_PORT, that of
 * cfg->ports[port] (port < MCONF_MAX_PORTS); port is ignored otherwise.
 * Like strchr(), it drops const: write through it only if cfg is yours.
 */
void *mconf_item_ptr(const struct mconf_item *it, const struct mconf *cfg,
		     int port);

/* Writes the default the way mconf_print() writes a value ("128", "0xFE",
 * "\"udp4\"", "true", "2e-05"); "" for a required key. */
void mconf_item_default_str(const struct mconf_item *it, char *buf,
			    size_t len);
/* Writes the allowed values: "0..255", "udp4, udp6, l2", "true, false",
 * "at most 15 characters". */
void mconf_item_range_str(const struct mconf_item *it, char *buf, size_t len);
/*
 * Parse a clockIdentity written "001122.fffe.334455" or
 * "00:11:22:ff:fe:33:44:55"; all zeros and all ones (the wildcard) are
 * refused. 0 or -EINVAL.
 */
int mconf_clock_identity_parse(struct clock_identity *id, const char *s);
/*
 * Parse an acceptable_masters list: entries separated by commas and/or
 * spaces, each a clockIdentity (as above), an IPv4 or IPv6 address, or a
 * MAC "aa:bb:cc:dd:ee:ff"; at most max (MCONF_AMT_MAX). Returns the
 * number of entries, or -EINVAL with the reason in why.
 */
int mconf_amt_parse(const char *s, struct mconf_amt *out, unsigned max,
		    char *why, size_t why_len);
/* Name of an enum value, or NULL. */
const char *mconf_enum_str(const struct mconf_item *it, int value);

/* ---- loading --------------------------------------------------------- */

/* Every key at its default, no ports. */
void mconf_defaults(struct mconf *cfg);
/* A port with every key at its default and the interface empty. */
void mconf_port_defaults(struct mconf_port *port);

/*
 * Load a configuration file. Returns 0 when it is valid, -EINVAL when not
 * (errs holds why), or -errno when it cannot be read (errs says so too).
 * On error *cfg is defaults overlaid with whatever was valid: do not use
 * it. errs may be NULL.
 */
int mconf_load_file(struct mconf *cfg, const char *path,
		    struct mconf_errors *errs);
/*
 * The same from a NUL-terminated text; name stands for the file in
 * messages. "@include" is refused: the whole configuration is one file.
 */
int mconf_load_string(struct mconf *cfg, const char *text, const char *name,
		      struct mconf_errors *errs);

/*
 * The checks of ipc.rundir, for the loader and for a --rundir given on a
 * command line: an absolute path of at most MCONF_RUNDIR_MAX characters,
 * and what of it exists is a directory (stat(2): the one check of the
 * configuration that looks at the file system). 0, or -EINVAL with the
 * reason ("is not an absolute path") written to why.
 */
int mconf_check_rundir(const char *dir, char *why, size_t len);

/* The port configured for ifname, or NULL. */
const struct mconf_port *mconf_port_find(const struct mconf *cfg,
					 const char *ifname);
/* The simulated clock file of a port: its sim_path, or
 * "<rundir>/sim-<iface>.clk". 0, or -ENAMETOOLONG. */
int mconf_port_sim_path(const struct mconf *cfg, const struct mconf_port *port,
			char *buf, size_t len);

/*
 * Write the effective configuration, every key, in libconfig syntax;
 * loading the output gives back an identical struct.
 */
void mconf_print(const struct mconf *cfg, FILE *out);

#endif
