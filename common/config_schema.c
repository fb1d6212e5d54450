// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config_schema.c - every configuration key: scope, type, default, range,
 * help, and the member of the parsed struct it fills.
 *
 * Defaults are those of the IEEE 1588-2019 default profile (Annex J), and
 * linuxptp's where the standard is silent. A row's name is its member's
 * name, and its C type is checked at compile time against the row's type,
 * so the table and struct mconf cannot drift apart. conf/meridian.conf
 * documents every row (tests/unit/test_config.c checks that it does).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "config_private.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- named values ---------------------------------------------------- */

static const struct mconf_enum_name profile_names[] = {
	{ "default_e2e", MCONF_PROFILE_DEFAULT_E2E },
	{ "default_p2p", MCONF_PROFILE_DEFAULT_P2P },
	{ NULL, 0 },
};

static const struct mconf_enum_name servo_names[] = {
	{ "pi", MCONF_SERVO_PI },
	{ "linreg", MCONF_SERVO_LINREG },
	{ "kalman", MCONF_SERVO_KALMAN },
	{ NULL, 0 },
};

/* timeSource, Table 6, in the standard's order. */
static const struct mconf_enum_name time_source_names[] = {
	{ "atomic_clock", TS_ATOMIC_CLOCK },
	{ "gnss", TS_GNSS },
	{ "terrestrial_radio", TS_TERRESTRIAL_RADIO },
	{ "serial_time_code", TS_SERIAL_TIME_CODE },
	{ "ptp", TS_PTP },
	{ "ntp", TS_NTP },
	{ "hand_set", TS_HAND_SET },
	{ "other", TS_OTHER },
	{ "internal_oscillator", TS_INTERNAL_OSCILLATOR },
	{ NULL, 0 },
};

static const struct mconf_enum_name transport_names[] = {
	{ "udp4", MCONF_TRANSPORT_UDP4 },
	{ "udp6", MCONF_TRANSPORT_UDP6 },
	{ "l2", MCONF_TRANSPORT_L2 },
	{ NULL, 0 },
};

static const struct mconf_enum_name delay_names[] = {
	{ "e2e", MCONF_DELAY_E2E },
	{ "p2p", MCONF_DELAY_P2P },
	{ "auto", MCONF_DELAY_AUTO },
	{ NULL, 0 },
};

static const struct mconf_enum_name delay_filter_names[] = {
	{ "median", MCONF_DELAY_FILTER_MEDIAN },
	{ "mean", MCONF_DELAY_FILTER_MEAN },
	{ NULL, 0 },
};

static const struct mconf_enum_name e2e_sample_names[] = {
	{ "sync", MCONF_E2E_SAMPLE_SYNC },
	{ "both", MCONF_E2E_SAMPLE_BOTH },
	{ NULL, 0 },
};

/* issue 9 auth */
static const struct mconf_enum_name auth_policy_names[] = {
	{ "off", MCONF_AUTH_OFF },
	{ "optional", MCONF_AUTH_OPTIONAL },
	{ "required", MCONF_AUTH_REQUIRED },
	{ NULL, 0 },
};

static const struct mconf_enum_name tstamp_names[] = {
	{ "hardware", MCONF_TSTAMP_HARDWARE },
	{ "software", MCONF_TSTAMP_SOFTWARE },
	{ NULL, 0 },
};

static const struct mconf_enum_name clk_names[] = {
	{ "phc", MCONF_CLK_PHC },
	{ "system", MCONF_CLK_SYSTEM },
	{ "sim", MCONF_CLK_SIM },
	{ NULL, 0 },
};

/* Hostile traffic (issue 9): ports[].management_set. */
static const struct mconf_enum_name mgmt_set_names[] = {
	{ "deny", MCONF_MGMT_SET_DENY },
	{ "allow", MCONF_MGMT_SET_ALLOW },
	{ NULL, 0 },
};

/* syslog(3) levels, the names log_level_parse() knows. */
static const struct mconf_enum_name level_names[] = {
	{ "emerg", LOG_EMERG },
	{ "alert", LOG_ALERT },
	{ "crit", LOG_CRIT },
	{ "err", LOG_ERR },
	{ "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE },
	{ "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
	{ NULL, 0 },
};

/* ---- string checks --------------------------------------------------- */

int mconf_clock_identity_parse(struct clock_identity *id, const char *s)
{
	static const uint8_t zeros[8], ones[8] = {
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	};
	struct clock_identity out;

	if (clock_identity_parse(&out, s)) {
		return -EINVAL;
	}
	/* All ones is the wildcard of 7.5.2.4; all zeros names nobody. */
	if (!memcmp(out.id, zeros, 8) || !memcmp(out.id, ones, 8)) {
		return -EINVAL;
	}
	*id = out;
	return 0;
}

static int check_clock_identity(const char *s, char *why, size_t len)
{
	struct clock_identity id;

	if (!*s || !mconf_clock_identity_parse(&id, s)) {
		return 0;
	}
	snprintf(why, len, "is not a clock identity like \"001122.fffe.334455\""
		 " or \"00:11:22:ff:fe:33:44:55\" (not all zeros or ones)");
	return -EINVAL;
}

/* ---- hostile traffic (issue 9): acceptable_masters ---- */

static int amt_parse_one(const char *w, struct mconf_amt *a)
{
	unsigned m[6];
	char end;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, w, a->addr) == 1) {
		a->by_addr = true;
		a->addr_len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, w, a->addr) == 1) {
		a->by_addr = true;
		a->addr_len = 16;
		return 0;
	}
	if (strlen(w) == 17 &&
	    sscanf(w, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5], &end) == 6) {
		unsigned i;

		for (i = 0; i < 6; i++) {
			a->addr[i] = (uint8_t)m[i];
		}
		a->by_addr = true;
		a->addr_len = 6;
		return 0;
	}
	return mconf_clock_identity_parse(&a->id, w);
}

int mconf_amt_parse(const char *s, struct mconf_amt *out, unsigned max,
		    char *why, size_t why_len)
{
	char w[64];
	unsigned n = 0;
	size_t l;

	for (;;) {
		s += strspn(s, ", \t");
		if (!*s) {
			return (int)n;
		}
		l = strcspn(s, ", \t");
		if (l >= sizeof(w)) {
			snprintf(why, why_len, "has an entry too long to be a "
				 "clock identity or an address");
			return -EINVAL;
		}
		memcpy(w, s, l);
		w[l] = '\0';
		s += l;
		if (n >= max) {
			snprintf(why, why_len, "has more than %u entries", max);
			return -EINVAL;
		}
		if (amt_parse_one(w, &out[n])) {
			snprintf(why, why_len, "entry \"%.40s\" is not a "
				 "clock identity (\"001122.fffe.334455\"), an "
				 "IPv4 or IPv6 address, or a MAC address", w);
			return -EINVAL;
		}
		n++;
	}
}

static int check_amt(const char *s, char *why, size_t len)
{
	struct mconf_amt a[MCONF_AMT_MAX];

	return mconf_amt_parse(s, a, MCONF_AMT_MAX, why, len) < 0 ?
	       -EINVAL : 0;
}

/* Linux dev_valid_name(): not "." or "..", no '/', ':' or white space. */
static int check_ifname(const char *s, char *why, size_t len)
{
	const char *p;

	if (!*s) {
		snprintf(why, len, "is empty");
		return -EINVAL;
	}
	if (!strcmp(s, ".") || !strcmp(s, "..")) {
		snprintf(why, len, "is not an interface name");
		return -EINVAL;
	}
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '/' || c == ':' || c <= ' ' || c == 0x7f) {
			snprintf(why, len, "is not an interface name "
				 "(no '/', ':', spaces or control characters)");
			return -EINVAL;
		}
	}
	return 0;
}

static int check_abs_path(const char *s, char *why, size_t len)
{
	if (!*s || *s == '/') {
		return 0;
	}
	snprintf(why, len, "is not an absolute path");
	return -EINVAL;
}

/* privs: a user or group name as useradd(8) takes it (NAME_REGEX). */
static int check_name(const char *s, char *why, size_t len)
{
	const char *p;

	if (!*s) {
		return 0;
	}
	for (p = s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || *p == '_' ||
		    (p > s && ((*p >= '0' && *p <= '9') || *p == '-' ||
			       (*p == '$' && !p[1])))) {
			continue;
		}
		snprintf(why, len, "is not a user or group name (a-z, _, "
			 "then a-z, 0-9, _, -; at most %d characters)",
			 MCONF_NAME_LEN - 1);
		return -EINVAL;
	}
	return 0;
}

/* tcp://127.x.x.x:PORT or tcp://[::1]:PORT, PORT 1..65535. */
static int check_tcp_endpoint(const char *s, char *why, size_t len)
{
	char host[INET_ADDRSTRLEN];
	const char *colon, *p;
	struct in_addr a4;
	unsigned long port;
	size_t hl;

	if (!*s) {
		return 0;
	}
	if (strncmp(s, "tcp://", 6)) {
		goto bad;
	}
	s += 6;
	if (!strncmp(s, "[::1]:", 6)) {
		colon = s + 5;
	} else {
		colon = strrchr(s, ':');
		if (!colon) {
			goto bad;
		}
		hl = (size_t)(colon - s);
		if (hl >= sizeof(host)) {
			goto bad;
		}
		memcpy(host, s, hl);
		host[hl] = '\0';
		if (inet_pton(AF_INET, host, &a4) != 1) {
			goto bad;
		}
		if ((ntohl(a4.s_addr) >> 24) != 127) {
			goto bad;
		}
	}
	p = colon + 1;
	if (!*p || strlen(p) > 5 || strspn(p, "0123456789") != strlen(p)) {
		goto bad;
	}
	port = strtoul(p, NULL, 10);
	if (port < 1 || port > 65535) {
		goto bad;
	}
	return 0;
bad:
	snprintf(why, len, "is not a loopback endpoint: want "
		 "\"tcp://127.0.0.1:PORT\" or \"tcp://[::1]:PORT\", "
		 "PORT 1..65535");
	return -EINVAL;
}

/* ---- the table ------------------------------------------------------- */

#define S_CLOCK		struct mconf_clock
#define S_PORT		struct mconf_port
#define S_IPC		struct mconf_ipc
#define S_LOGGING	struct mconf_logging

/* 0, or a compile error when member f of S is not of type T. */
#define TYPE_IS(S, f, T)						\
	(0 * sizeof(char[1 - 2 * !__builtin_types_compatible_p(		\
		__typeof__(((S *)0)->f), T)]))

#define ROW(sc, f, t, T, fl)						\
	.name = #f, .scope = MCONF_SCOPE_##sc, .type = t, .flags = fl,	\
	.offset = offsetof(S_##sc, f) + TYPE_IS(S_##sc, f, T),		\
	.size = sizeof(((S_##sc *)0)->f)

#define INT(sc, f, d, lo, hi, fl, h)					\
	{ ROW(sc, f, MCONF_T_INT, int, fl), .def_int = d, .min = lo,	\
	  .max = hi, .help = h }
#define INT64(sc, f, d, lo, hi, h)					\
	{ ROW(sc, f, MCONF_T_INT64, int64_t, 0), .def_int = d,		\
	  .min = lo, .max = hi, .help = h }
#define BOOL(sc, f, d, h)						\
	{ ROW(sc, f, MCONF_T_BOOL, bool, 0), .def_int = d, .min = 0,	\
	  .max = 1, .help = h }
#define FLOAT(sc, f, d, lo, hi, h)					\
	{ ROW(sc, f, MCONF_T_FLOAT, double, 0), .def_float = d,	\
	  .fmin = lo, .fmax = hi, .help = h }
#define STRING(sc, f, d, chk, fl, h)					\
	{ ROW(sc, f, MCONF_T_STRING, char[sizeof(((S_##sc *)0)->f)], fl), \
	  .def_str = d, .check = chk, .help = h }
#define ENUM(sc, f, d, nm, fl, h)					\
	{ ROW(sc, f, MCONF_T_ENUM, int, fl), .def_int = d, .names = nm,	\
	  .help = h }

static const struct mconf_item items[] = {
	/* clock: defaultDS (1588-2019 8.2.1), profile, servo */
	INT(CLOCK, domain_number, 0, 0, 239, 0,
	    "domainNumber: the PTP domain this clock and all its ports are in"),
	INT(CLOCK, priority1, 128, 0, 255, 0,
	    "priority1 in the BMCA, compared first; lower wins"),
	INT(CLOCK, priority2, 128, 0, 255, 0,
	    "priority2 in the BMCA, compared after the clock quality; lower "
	    "wins"),
	INT(CLOCK, clock_class, 248, 0, 255, 0,
	    "clockClass (Table 4); 248 = default, 6 = locked to a primary "
	    "source"),
	INT(CLOCK, clock_accuracy, 0xFE, 0, 255, MCONF_F_HEX,
	    "clockAccuracy (Table 5); 0xFE = unknown, 0x21 = within 100 ns"),
	INT(CLOCK, offset_scaled_log_variance, 0xFFFF, 0, 0xFFFF, MCONF_F_HEX,
	    "offsetScaledLogVariance (7.6.3); 0xFFFF = not computed"),
	STRING(CLOCK, clock_identity, "", check_clock_identity, 0,
	       "clockIdentity, \"001122.fffe.334455\"; empty = from the first "
	       "port's MAC"),
	BOOL(CLOCK, slave_only, 0,
	     "defaultDS.slaveOnly: never become master on any port"),
	BOOL(CLOCK, two_step, 1,
	     "twoStepFlag: send Follow_Up with the precise Sync time"),
	ENUM(CLOCK, profile, MCONF_PROFILE_DEFAULT_E2E, profile_names, 0,
	     "PTP profile: default_e2e (J.3) or default_p2p (J.4); sets the "
	     "ports' delay_mechanism"),
	INT(CLOCK, sdo_id, 0, 0, 0xFFF, MCONF_F_HEX,
	    "sdoId, 12 bits: majorSdoId << 8 | minorSdoId; 0 = default "
	    "profile"),
	INT(CLOCK, minor_version, 1, 0, 1, 0,
	    "minorVersionPTP sent: 1 = 1588-2019, 0 for strict 1588-2008 "
	    "peers"),
	INT(CLOCK, current_utc_offset, 37, 0, 32767, 0,
	    "currentUtcOffset (TAI - UTC, s) announced when this clock is the "
	    "grandmaster"),
	ENUM(CLOCK, time_source, TS_INTERNAL_OSCILLATOR, time_source_names, 0,
	     "timeSource (Table 6) announced when this clock is the "
	     "grandmaster"),
	ENUM(CLOCK, servo, MCONF_SERVO_PI, servo_names, 0,
	     "clock servo: pi (linuxptp-compatible), linreg (linear "
	     "regression) or kalman (Kalman filter on offset and frequency: "
	     "the lowest time error)"),
	FLOAT(CLOCK, pi_kp, 0.0, 0.0, 1000.0,
	      "PI proportional constant; 0 = linuxptp's default scaled by the "
	      "sync interval"),
	FLOAT(CLOCK, pi_ki, 0.0, 0.0, 1000.0,
	      "PI integral constant; 0 = linuxptp's default scaled by the sync "
	      "interval"),
	FLOAT(CLOCK, first_step_threshold, 0.00002, 0.0, 1e6,
	      "step (not slew) on the first update if the offset is larger, s; "
	      "0 = never"),
	FLOAT(CLOCK, step_threshold, 0.0, 0.0, 1e6,
	      "step on later updates if the offset is larger, s; 0 = never "
	      "step after the first"),
	INT(CLOCK, max_frequency, 900000000, 0, INT32_MAX, 0,
	    "largest frequency adjustment, ppb; also capped by the clock's own "
	    "limit; 0 = that limit"),
	BOOL(CLOCK, free_running, 0,
	     "measure only: never adjust any clock"),
	/* issue 9 auth */
	STRING(CLOCK, sa_file, "", check_abs_path, 0,
	       "security associations for the AUTHENTICATION TLV, linuxptp's "
	       "sa_file format; empty = none"),

	/* ports[]: portDS (8.2.15), transport, timestamps, clock backend */
	STRING(PORT, interface, "", check_ifname, MCONF_F_REQUIRED,
	       "network interface of this port (required, unique)"),
	ENUM(PORT, transport, MCONF_TRANSPORT_UDP4, transport_names, 0,
	     "transport: udp4, udp6 or l2 (IEEE 802.3, ethertype 0x88F7)"),
	ENUM(PORT, delay_mechanism, MCONF_DELAY_E2E, delay_names,
	     MCONF_F_FROM_PROFILE,
	     "delay mechanism: e2e, p2p or auto (e2e until a peer asks p2p); "
	     "default from clock.profile"),
	ENUM(PORT, timestamping, MCONF_TSTAMP_HARDWARE, tstamp_names, 0,
	     "timestamps from the NIC (hardware) or the kernel (software)"),
	INT(PORT, log_announce_interval, 1, -3, 4, 0,
	    "logAnnounceInterval, log2 s: 1 = every 2 s"),
	INT(PORT, announce_receipt_timeout, 3, 2, 255, 0,
	    "announceReceiptTimeout: announce intervals without Announce "
	    "before the master is lost"),
	INT(PORT, log_sync_interval, 0, -7, 4, 0,
	    "logSyncInterval, log2 s: 0 = every second, -4 = 16 per second"),
	INT(PORT, log_min_delay_req_interval, 0, -7, 5, 0,
	    "logMinDelayReqInterval, log2 s (e2e)"),
	INT(PORT, log_min_pdelay_req_interval, 0, -7, 5, 0,
	    "logMinPdelayReqInterval, log2 s (p2p)"),
	BOOL(PORT, master_only, 0,
	     "portDS.masterOnly: never a slave on this port"),
	INT64(PORT, delay_asymmetry, 0, -1000000000, 1000000000,
	      "delayAsymmetry, ns; positive when master-to-slave is the longer "
	      "direction"),
	INT(PORT, ingress_latency, 0, -1000000000, 1000000000, 0,
	    "ns from the wire to the RX timestamp point; subtracted from RX "
	    "timestamps"),
	INT(PORT, egress_latency, 0, -1000000000, 1000000000, 0,
	    "ns from the TX timestamp point to the wire; added to TX "
	    "timestamps"),
	ENUM(PORT, delay_filter, MCONF_DELAY_FILTER_MEDIAN, delay_filter_names,
	     0, "path delay filter: median (linuxptp's moving_median) or "
	     "mean (moving_average: no bias under one-sided jitter)"),
	INT(PORT, delay_filter_length, 8, 1, 256, 0,
	    "path delays in the delay filter's window"),
	ENUM(PORT, e2e_sample, MCONF_E2E_SAMPLE_SYNC, e2e_sample_names,
	     0, "servo samples of an e2e slave: sync (at each Sync, "
	     "linuxptp's) or both (also at each Delay_Resp)"),
	INT(PORT, udp_ttl, 1, 1, 255, 0,
	    "TTL / hop limit of UDP PTP messages"),
	ENUM(PORT, clock, MCONF_CLK_PHC, clk_names, 0,
	     "clock of this port's timestamps: phc (the NIC's), system or sim"),
	STRING(PORT, phc_device, "", check_abs_path, 0,
	       "PHC device (\"/dev/ptp0\"); empty = the NIC's, from its "
	       "timestamping info"),
	FLOAT(PORT, sim_freq_error_ppb, 0.0, -1e6, 1e6,
	      "sim clock: frequency error, ppb; positive = runs fast"),
	INT64(PORT, sim_offset_ns, 0, -1000000000000000000LL,
	      1000000000000000000LL,
	      "sim clock: its time minus CLOCK_REALTIME at start, ns"),
	STRING(PORT, sim_path, "", check_abs_path, 0,
	       "sim clock: shared file; empty = <rundir>/sim-<interface>.clk"),
	/* issue 9 auth */
	ENUM(PORT, auth_policy, MCONF_AUTH_OFF, auth_policy_names, 0,
	     "AUTHENTICATION TLV: off, optional (sign all, accept unsigned) "
	     "or required (sign all, drop what does not verify)"),
	INT(PORT, spp, -1, -1, 255, 0,
	    "security association (spp in clock.sa_file) of this port; -1 = "
	    "none"),
	INT64(PORT, active_key_id, 0, 0, 4294967295LL,
	      "key id (in the spp's association) signing what this port "
	      "sends; 0 = none"),
	/* ports[]: hostile traffic (issue 9, part "hostile") */
	BOOL(PORT, acceptable_master_table, 0,
	     "acceptableMasterTableEnabled (17.6): take Announces only from "
	     "acceptable_masters"),
	STRING(PORT, acceptable_masters, "", check_amt, 0,
	       "acceptable masters: clock identities or IPv4/IPv6/MAC "
	       "addresses, comma separated, at most 16"),
	BOOL(PORT, master_lock, 0,
	     "drop Announces better than this clock (they could make this "
	     "port a slave)"),
	ENUM(PORT, management_set, MCONF_MGMT_SET_DENY, mgmt_set_names, 0,
	     "management SET and COMMAND from the network: deny (answered "
	     "NOT_SUPPORTED) or allow"),
	INT(PORT, rx_budget_pps, 10000, 0, 1000000, 0,
	    "messages a second this port handles (its master's always); "
	    "beyond, dropped and counted; 0 = no limit"),
	INT(PORT, rx_budget_pps_per_source, 1000, 0, 1000000, 0,
	    "messages a second this port handles from one sender (by "
	    "network address) within rx_budget_pps; 0 = no per-sender "
	    "limit"),
	INT(PORT, rx_cpu_budget, 0, 0, 100, 0,
	    "percent of one CPU portd may use (over 100 ms windows) before "
	    "it drops received messages other than its master's; 0 or 100 "
	    "= no limit"),

	/* ipc */
	STRING(IPC, rundir, "/run/meridian", mconf_check_rundir, 0,
	       "directory of the bus sockets and lock (absolute, at most 75 "
	       "characters)"),
	STRING(IPC, tcp_endpoint, "", check_tcp_endpoint, 0,
	       "extra loopback-only bus endpoint for ptp-top, "
	       "\"tcp://127.0.0.1:PORT\"; empty = none"),
	/* privs (issue 9, least privilege) */
	STRING(IPC, user, "root", check_name, 0,
	       "user the daemons run as after their set-up; \"root\" = "
	       "no change (capabilities are dropped all the same)"),
	STRING(IPC, group, "", check_name, 0,
	       "operator group: owns the run directory (0750) and the bus "
	       "sockets (0660), so its members run ptp-top; \"\" = none"),
	BOOL(IPC, seccomp, 1,
	     "each daemon installs its system-call allow-list after set-up"),

	/* logging */
	ENUM(LOGGING, level, LOG_NOTICE, level_names, 0,
	     "lowest syslog level logged"),
	BOOL(LOGGING, syslog, 0,
	     "log to syslog instead of stderr"),
	INT(LOGGING, summary_interval, 0, -4, 6, 0,
	    "log2 s between offset/delay summary lines"),
};

_Static_assert(ARRAY_SIZE(items) <= MCONF_SCHEMA_MAX, "grow MCONF_SCHEMA_MAX");

const struct mconf_item *mconf_schema_item(size_t i)
{
	return i < ARRAY_SIZE(items) ? &items[i] : NULL;
}

const struct mconf_item *mconf_schema_find(enum mconf_scope scope,
					   const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		if (items[i].scope == scope && !strcmp(items[i].name, name)) {
			return &items[i];
		}
	}
	return NULL;
}

const char *mconf_scope_name(enum mconf_scope scope)
{
	static const char *const names[MCONF_SCOPE_COUNT] = {
		[MCONF_SCOPE_CLOCK] = "clock",
		[MCONF_SCOPE_PORT] = "ports",
		[MCONF_SCOPE_IPC] = "ipc",
		[MCONF_SCOPE_LOGGING] = "logging",
	};

	return (unsigned)scope < MCONF_SCOPE_COUNT ? names[scope] : "?";
}

/* ---- the struct ------------------------------------------------------ */

void *mconf_scope_base(const struct mconf *cfg, enum mconf_scope scope,
		       int port)
{
	switch (scope) {
	case MCONF_SCOPE_CLOCK:
		return (void *)&cfg->clock;
	case MCONF_SCOPE_PORT:
		return (void *)&cfg->ports[port];
	case MCONF_SCOPE_IPC:
		return (void *)&cfg->ipc;
	case MCONF_SCOPE_LOGGING:
	default:
		return (void *)&cfg->logging;
	}
}

void *mconf_item_ptr(const struct mconf_item *it, const struct mconf *cfg,
		     int port)
{
	return (char *)mconf_scope_base(cfg, it->scope, port) + it->offset;
}

static void set_default(const struct mconf_item *it, void *base)
{
	void *p = (char *)base + it->offset;

	switch (it->type) {
	case MCONF_T_INT:
	case MCONF_T_ENUM:
		*(int *)p = (int)it->def_int;
		break;
	case MCONF_T_INT64:
		*(int64_t *)p = it->def_int;
		break;
	case MCONF_T_BOOL:
		*(bool *)p = it->def_int != 0;
		break;
	case MCONF_T_FLOAT:
		*(double *)p = it->def_float;
		break;
	case MCONF_T_STRING:
		memset(p, 0, it->size);
		strncpy(p, it->def_str, it->size - 1);
		break;
	}
}

void mconf_port_defaults(struct mconf_port *port)
{
	const struct mconf_item *it;
	size_t i;

	memset(port, 0, sizeof(*port));
	for (i = 0; (it = mconf_schema_item(i)); i++) {
		if (it->scope == MCONF_SCOPE_PORT) {
			set_default(it, port);
		}
	}
}

void mconf_defaults(struct mconf *cfg)
{
	const struct mconf_item *it;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; (it = mconf_schema_item(i)); i++) {
		if (it->scope != MCONF_SCOPE_PORT) {
			set_default(it, mconf_scope_base(cfg, it->scope, 0));
		}
	}
}

/* ---- queries --------------------------------------------------------- */

const struct mconf_port *mconf_port_find(const struct mconf *cfg,
					 const char *ifname)
{
	int i;

	for (i = 0; i < cfg->n_ports && i < MCONF_MAX_PORTS; i++) {
		if (!strcmp(cfg->ports[i].interface, ifname)) {
			return &cfg->ports[i];
		}
	}
	return NULL;
}

int mconf_port_sim_path(const struct mconf *cfg, const struct mconf_port *port,
			char *buf, size_t len)
{
	int n;

	if (port->sim_path[0]) {
		n = snprintf(buf, len, "%s", port->sim_path);
	} else {
		n = snprintf(buf, len, "%s/sim-%s.clk", cfg->ipc.rundir,
			     port->interface);
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
