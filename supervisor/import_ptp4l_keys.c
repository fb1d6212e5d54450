// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * import_ptp4l_keys.c - the ptp4l.conf keys `meridian import-ptp4l` knows
 * (linuxptp 3.1 and 4.x), each with where it goes: a meridian key and how
 * its value is converted, meridian's own behaviour for some values, or
 * no meridian equivalent and why; the value tables, and the lookups in
 * them. See import_ptp4l.c.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "import_ptp4l_private.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct val_map dm_map[] = {
	{ "E2E", "e2e" }, { "P2P", "p2p" }, { "Auto", "auto" }, { NULL, NULL },
};
static const struct val_map xport_map[] = {
	{ "UDPv4", "udp4" }, { "UDPv6", "udp6" }, { "L2", "l2" },
	{ NULL, NULL },
};
static const struct val_map servo_map[] = {
	{ "pi", "pi" }, { "linreg", "linreg" }, { NULL, NULL },
};
static const struct val_map filter_map[] = {
	{ "moving_median", "median" }, { "moving_average", "mean" },
	{ NULL, NULL },
};
/* Table 6, the names of meridian's time_source */
const struct val_map imp_tsrc_map[] = {
	{ "0x10", "atomic_clock" }, { "0x20", "gnss" },
	{ "0x30", "terrestrial_radio" }, { "0x39", "serial_time_code" },
	{ "0x40", "ptp" }, { "0x50", "ntp" }, { "0x60", "hand_set" },
	{ "0x90", "other" }, { "0xA0", "internal_oscillator" },
	{ NULL, NULL },
};
const char *const imp_level_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

/* H_SAME: the values meridian has as its fixed behaviour. */
static const struct val_map zero[] = { { "0", NULL }, { NULL, NULL } };
static const struct val_map clock_type_same[] = {
	{ "OC", NULL }, { "BC", NULL }, { NULL, NULL },
};
static const struct val_map dsc_same[] = {
	{ "ieee1588", NULL }, { NULL, NULL },
};
static const struct val_map bmca_same[] = { { "ptp", NULL }, { NULL, NULL } };
static const struct val_map ascap_same[] = {
	{ "auto", NULL }, { NULL, NULL },
};
static const struct val_map ptp_mac_same[] = {
	{ "01:1B:19:00:00:00", NULL }, { NULL, NULL },
};
static const struct val_map p2p_mac_same[] = {
	{ "01:80:C2:00:00:0E", NULL }, { NULL, NULL },
};
static const struct val_map scope_same[] = {
	{ "0x0E", NULL }, { "14", NULL }, { NULL, NULL },
};
static const struct val_map jbod_same[] = {
	{ "0", NULL }, { "1", NULL }, { NULL, NULL },
};


#define MAP(k, h, sc, mk)	{ k, h, sc, mk, NULL, NULL }
#define MAPV(k, sc, mk, m)	{ k, H_ENUM, sc, mk, m, NULL }
#define NONE(k, w)		{ k, H_NONE, C, NULL, NULL, w }
#define SAME(k, m, w)		{ k, H_SAME, C, NULL, m, w }

/* ptp4l.conf(5) of linuxptp 3.1 and 4.x, ptp4l's keys. */
static const struct key keys[] = {
	/* defaultDS and the clock */
	MAP("domainNumber", H_INT, C, "domain_number"),
	MAP("priority1", H_INT, C, "priority1"),
	MAP("priority2", H_INT, C, "priority2"),
	MAP("clockClass", H_INT, C, "clock_class"),
	MAP("clockAccuracy", H_INT, C, "clock_accuracy"),
	MAP("offsetScaledLogVariance", H_INT, C, "offset_scaled_log_variance"),
	MAP("clockIdentity", H_STR, C, "clock_identity"),
	MAP("slaveOnly", H_BOOL, C, "slave_only"),
	MAP("clientOnly", H_BOOL, C, "slave_only"),
	MAP("twoStepFlag", H_BOOL, C, "two_step"),
	MAP("free_running", H_BOOL, C, "free_running"),
	MAP("utc_offset", H_INT, C, "current_utc_offset"),
	MAP("timeSource", H_TSRC, C, "time_source"),
	MAP("transportSpecific", H_SDO, C, "sdo_id"),
	MAP("ptp_minor_version", H_INT, C, "minor_version"),
	MAPV("clock_servo", C, "servo", servo_map),
	MAP("pi_proportional_const", H_FLOAT, C, "pi_kp"),
	MAP("pi_integral_const", H_FLOAT, C, "pi_ki"),
	MAP("step_threshold", H_FLOAT, C, "step_threshold"),
	MAP("first_step_threshold", H_FLOAT, C, "first_step_threshold"),
	MAP("max_frequency", H_INT, C, "max_frequency"),
	MAP("sa_file", H_STR, C, "sa_file"),
	/* portDS and the port */
	MAP("logAnnounceInterval", H_INT, P, "log_announce_interval"),
	MAP("logSyncInterval", H_INT, P, "log_sync_interval"),
	MAP("logMinDelayReqInterval", H_INT, P, "log_min_delay_req_interval"),
	MAP("logMinPdelayReqInterval", H_INT, P,
	    "log_min_pdelay_req_interval"),
	MAP("announceReceiptTimeout", H_INT, P, "announce_receipt_timeout"),
	MAP("masterOnly", H_BOOL, P, "master_only"),
	MAP("serverOnly", H_BOOL, P, "master_only"),
	MAP("delayAsymmetry", H_INT, P, "delay_asymmetry"),
	MAP("egressLatency", H_INT, P, "egress_latency"),
	MAP("ingressLatency", H_INT, P, "ingress_latency"),
	MAPV("delay_mechanism", P, "delay_mechanism", dm_map),
	MAPV("network_transport", P, "transport", xport_map),
	MAP("time_stamping", H_TSTAMP, P, "timestamping"),
	MAPV("delay_filter", P, "delay_filter", filter_map),
	MAP("delay_filter_length", H_INT, P, "delay_filter_length"),
	MAP("udp_ttl", H_INT, P, "udp_ttl"),
	MAP("spp", H_INT, P, "spp"),
	MAP("active_key_id", H_INT, P, "active_key_id"),
	/* logging */
	MAP("logging_level", H_LEVEL, L, "level"),
	MAP("use_syslog", H_BOOL, L, "syslog"),
	MAP("summary_interval", H_INT, L, "summary_interval"),

	/* what meridian does without a key */
	SAME("clock_type", clock_type_same,
	     "transparent clocks not supported"),
	SAME("dataset_comparison", dsc_same,
	     "the G.8275 alternate BMCA is not supported"),
	SAME("BMCA", bmca_same, "only the 1588 BMCA"),
	SAME("asCapable", ascap_same, "802.1AS not supported"),
	SAME("boundary_clock_jbod", jbod_same, NULL),
	SAME("ptp_dst_mac", ptp_mac_same, "meridian sends to "
	     "01:1B:19:00:00:00"),
	SAME("p2p_dst_mac", p2p_mac_same, "meridian sends to "
	     "01:80:C2:00:00:0E"),
	SAME("udp6_scope", scope_same, "meridian sends to ff0e::181"),
	SAME("hybrid_e2e", zero, UNICAST),
	SAME("unicast_listen", zero, UNICAST),
	SAME("unicast_master_table", zero, UNICAST),
	SAME("inhibit_multicast_service", zero, UNICAST),
	SAME("inhibit_announce", zero, NOEQ),
	SAME("inhibit_delay_req", zero, NOEQ),
	SAME("ignore_source_id", zero, NOEQ),
	SAME("path_trace_enabled", zero, NOEQ),
	SAME("follow_up_info", zero, "802.1AS not supported"),
	SAME("net_sync_monitor", zero, NOEQ),
	SAME("tc_spanning_tree", zero, "transparent clocks not supported"),
	SAME("gmCapable", zero, "802.1AS not supported"),
	SAME("msg_interval_request", zero, NOEQ),

	/* unicast */
	NONE("unicast_req_duration", UNICAST),
	/* linuxptp's own: no meridian equivalent */
	NONE("G.8275.defaultDS.localPriority", NOEQ " (G.8275 BMCA)"),
	NONE("G.8275.portDS.localPriority", NOEQ " (G.8275 BMCA)"),
	NONE("maxStepsRemoved", NOEQ),
	NONE("tx_timestamp_timeout", NOEQ),
	NONE("sanity_freq_limit", NOEQ),
	NONE("socket_priority", NOEQ),
	NONE("dscp_event", NOEQ),
	NONE("dscp_general", NOEQ),
	NONE("freq_est_interval", NOEQ),
	NONE("operLogSyncInterval", NOEQ),
	NONE("operLogPdelayReqInterval", NOEQ),
	NONE("syncReceiptTimeout", NOEQ),
	NONE("fault_reset_interval", NOEQ),
	NONE("fault_badpeernet_interval", NOEQ),
	NONE("neighborPropDelayThresh", NOEQ),
	NONE("min_neighbor_prop_delay", NOEQ),
	NONE("assume_two_step", NOEQ),
	NONE("check_fup_sync", NOEQ),
	NONE("kernel_leap", NOEQ),
	NONE("verbose", NOEQ " (meridian logs to stderr unless "
	     "logging.syslog)"),
	NONE("message_tag", NOEQ),
	NONE("pi_proportional_scale", NOEQ),
	NONE("pi_proportional_exponent", NOEQ),
	NONE("pi_proportional_norm_max", NOEQ),
	NONE("pi_integral_scale", NOEQ),
	NONE("pi_integral_exponent", NOEQ),
	NONE("pi_integral_norm_max", NOEQ),
	NONE("step_window", NOEQ),
	NONE("servo_num_offset_values", NOEQ),
	NONE("servo_offset_threshold", NOEQ),
	NONE("ntpshm_segment", NOEQ),
	NONE("refclock_sock_address", NOEQ),
	NONE("write_phase_mode", NOEQ),
	NONE("uds_address", NOEQ " (management: ptp-top and pmc over the "
	     "wire)"),
	NONE("uds_ro_address", NOEQ),
	NONE("uds_file_mode", NOEQ),
	NONE("uds_ro_file_mode", NOEQ),
	NONE("tsproc_mode", NOEQ),
	NONE("hwts_filter", NOEQ),
	NONE("clock_class_threshold", NOEQ),
	NONE("productDescription", NOEQ),
	NONE("revisionData", NOEQ),
	NONE("manufacturerIdentity", NOEQ),
	NONE("userDescription", NOEQ),
	NONE("allow_mutable", NOEQ),
	NONE("phc_index", NOEQ),
	NONE("serverOnly_clock_class", NOEQ),
	NONE("power_profile.version", NOEQ),
	NONE("power_profile.grandmasterID", NOEQ),
	NONE("power_profile.2011.grandmasterTimeInaccuracy", NOEQ),
	NONE("power_profile.2011.networkTimeInaccuracy", NOEQ),
	NONE("power_profile.2017.totalTimeInaccuracy", NOEQ),
};

const struct key *imp_key_find(const char *k)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!strcmp(keys[i].ptp4l, k)) {
			return &keys[i];
		}
	}
	return NULL;
}

const char *imp_map_find(const struct val_map *m, const char *v)
{
	for (; m->from; m++) {
		if (!strcasecmp(m->from, v)) {
			return m->to ? m->to : m->from;
		}
	}
	return NULL;
}
