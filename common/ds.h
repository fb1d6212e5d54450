/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ds.h - identities and data sets of IEEE 1588-2019 clause 8, as plain structs.
 *
 * IEEE field names (camelCase) are used here and in msg.h only, so a reader
 * can hold the code against the standard. TimeInterval fields are signed
 * scaled nanoseconds (2^-16 ns), as on the wire.
 */
#ifndef MERIDIAN_DS_H
#define MERIDIAN_DS_H

#include <stdbool.h>
#include <stdint.h>

struct clock_identity {
	uint8_t id[8];
};

struct port_identity {
	struct clock_identity clockIdentity;
	uint16_t portNumber;
};

struct clock_quality {
	uint8_t clockClass;
	uint8_t clockAccuracy;
	uint16_t offsetScaledLogVariance;
};

/* portState values (Table 20). */
enum port_state {
	PS_INITIALIZING = 1,
	PS_FAULTY = 2,
	PS_DISABLED = 3,
	PS_LISTENING = 4,
	PS_PRE_MASTER = 5,
	PS_MASTER = 6,
	PS_PASSIVE = 7,
	PS_UNCALIBRATED = 8,
	PS_SLAVE = 9,
};

/* delayMechanism values (Table 21). */
enum delay_mechanism {
	DM_E2E = 0x01,
	DM_P2P = 0x02,
	DM_COMMON_P2P = 0x03,
	DM_SPECIAL = 0x04,
	DM_NO_MECHANISM = 0xFE,
};

/* timeSource values (Table 6). */
enum time_source {
	TS_ATOMIC_CLOCK = 0x10,
	TS_GNSS = 0x20,
	TS_TERRESTRIAL_RADIO = 0x30,
	TS_SERIAL_TIME_CODE = 0x39,
	TS_PTP = 0x40,
	TS_NTP = 0x50,
	TS_HAND_SET = 0x60,
	TS_OTHER = 0x90,
	TS_INTERNAL_OSCILLATOR = 0xA0,
};

/* defaultDS (8.2.1). */
struct default_ds {
	struct clock_identity clockIdentity;
	uint16_t numberPorts;
	struct clock_quality clockQuality;
	uint8_t priority1;
	uint8_t priority2;
	uint8_t domainNumber;
	bool twoStepFlag;
	bool slaveOnly;
	uint16_t sdoId;			/* 12 bits: majorSdoId << 8 | minorSdoId */
};

/* currentDS (8.2.2). */
struct current_ds {
	uint16_t stepsRemoved;
	int64_t offsetFromMaster;	/* TimeInterval */
	int64_t meanDelay;		/* TimeInterval (meanPathDelay in 2008) */
};

/* parentDS (8.2.3). */
struct parent_ds {
	struct port_identity parentPortIdentity;
	bool parentStats;
	uint16_t observedParentOffsetScaledLogVariance;
	int32_t observedParentClockPhaseChangeRate;
	struct clock_identity grandmasterIdentity;
	struct clock_quality grandmasterClockQuality;
	uint8_t grandmasterPriority1;
	uint8_t grandmasterPriority2;
};

/* timePropertiesDS (8.2.4). */
struct time_properties_ds {
	int16_t currentUtcOffset;
	bool currentUtcOffsetValid;
	bool leap59;
	bool leap61;
	bool timeTraceable;
	bool frequencyTraceable;
	bool ptpTimescale;
	uint8_t timeSource;
};

/* portDS (8.2.15). */
struct port_ds {
	struct port_identity portIdentity;
	uint8_t portState;		/* enum port_state */
	int8_t logMinDelayReqInterval;
	int64_t meanLinkDelay;		/* TimeInterval (peerMeanPathDelay) */
	int8_t logAnnounceInterval;
	uint8_t announceReceiptTimeout;
	int8_t logSyncInterval;
	uint8_t delayMechanism;		/* enum delay_mechanism */
	int8_t logMinPdelayReqInterval;
	uint8_t versionNumber;		/* 2 */
	uint8_t minorVersionNumber;	/* 1 for 1588-2019, 0 for 2008 */
	int64_t delayAsymmetry;		/* TimeInterval */
	bool portEnable;
	bool masterOnly;
};

/*
 * Defaults of the standard (Annex I default PTP profile, delay
 * request-response): priority1/2 128, domain 0, clockClass 248, accuracy
 * 0xFE (unknown), variance 0xFFFF, two-step, not slave-only.
 */
void default_ds_init(struct default_ds *ds, const struct clock_identity *id,
		     uint16_t number_ports);
/* A clock that is its own grandmaster: stepsRemoved 0, zero offsets. */
void current_ds_init(struct current_ds *ds);
/* parentDS of a clock that is its own grandmaster (8.2.3, 9.3.5 M1/M2). */
void parent_ds_init(struct parent_ds *ds, const struct default_ds *dds);
/* currentUtcOffset 37 (since 2017), PTP timescale, internal oscillator. */
void time_properties_ds_init(struct time_properties_ds *ds);
/* Annex I: announce interval 1 (2 s), receipt timeout 3, sync 0 (1 s),
 * delay request 0, pdelay 0, E2E, version 2.1, state INITIALIZING. */
void port_ds_init(struct port_ds *ds, const struct clock_identity *id,
		  uint16_t port_number);

/*
 * clockIdentity from an EUI-48 MAC address, as linuxptp does:
 * mac[0..2] FF FE mac[3..5].
 */
void clock_identity_from_eui48(struct clock_identity *id, const uint8_t mac[6]);
/* Parse "001122.fffe.334455" (linuxptp's form) or "00:11:22:ff:fe:33:44:55";
 * returns 0 or -EINVAL. */
int clock_identity_parse(struct clock_identity *id, const char *s);
/* Writes "001122.fffe.334455" (19 bytes with NUL). */
void clock_identity_str(const struct clock_identity *id, char buf[20]);
/* "001122.fffe.334455-1" (25 bytes with NUL). */
void port_identity_str(const struct port_identity *pid, char buf[26]);
int clock_identity_cmp(const struct clock_identity *a,
		       const struct clock_identity *b);
int port_identity_cmp(const struct port_identity *a,
		      const struct port_identity *b);

const char *port_state_str(int state);		/* "SLAVE", "?" if unknown */
const char *delay_mechanism_str(int dm);	/* "E2E", "P2P", ... */

#endif
