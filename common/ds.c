// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ds.c - data set defaults (IEEE 1588-2019 8.2, Annex I) and identities.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ds.h"

/* clockQuality of a clock with no external reference (Annex I, 7.6.2). */
#define DEFAULT_CLOCK_CLASS		248
#define DEFAULT_CLOCK_ACCURACY		0xFE	/* unknown */
#define DEFAULT_VARIANCE		0xFFFF
#define DEFAULT_PRIORITY		128
/* Initial observedParent* values (8.2.3.5, 8.2.3.6). */
#define INIT_PARENT_VARIANCE		0xFFFF
#define INIT_PARENT_PHASE_RATE		0x7FFFFFFF
/* TAI - UTC in seconds since 2017-01-01. */
#define DEFAULT_UTC_OFFSET		37

void default_ds_init(struct default_ds *ds, const struct clock_identity *id,
		     uint16_t number_ports)
{
	memset(ds, 0, sizeof(*ds));
	ds->clockIdentity = *id;
	ds->numberPorts = number_ports;
	ds->clockQuality.clockClass = DEFAULT_CLOCK_CLASS;
	ds->clockQuality.clockAccuracy = DEFAULT_CLOCK_ACCURACY;
	ds->clockQuality.offsetScaledLogVariance = DEFAULT_VARIANCE;
	ds->priority1 = DEFAULT_PRIORITY;
	ds->priority2 = DEFAULT_PRIORITY;
	ds->domainNumber = 0;
	ds->twoStepFlag = true;
	ds->slaveOnly = false;
	ds->sdoId = 0;
}

void current_ds_init(struct current_ds *ds)
{
	memset(ds, 0, sizeof(*ds));
}

void parent_ds_init(struct parent_ds *ds, const struct default_ds *dds)
{
	memset(ds, 0, sizeof(*ds));
	/* The clock is its own parent: portNumber 0 (8.2.3.2, Table 30). */
	ds->parentPortIdentity.clockIdentity = dds->clockIdentity;
	ds->parentPortIdentity.portNumber = 0;
	ds->parentStats = false;
	ds->observedParentOffsetScaledLogVariance = INIT_PARENT_VARIANCE;
	ds->observedParentClockPhaseChangeRate = INIT_PARENT_PHASE_RATE;
	ds->grandmasterIdentity = dds->clockIdentity;
	ds->grandmasterClockQuality = dds->clockQuality;
	ds->grandmasterPriority1 = dds->priority1;
	ds->grandmasterPriority2 = dds->priority2;
}

void time_properties_ds_init(struct time_properties_ds *ds)
{
	memset(ds, 0, sizeof(*ds));
	ds->currentUtcOffset = DEFAULT_UTC_OFFSET;
	/* Not traceable to UTC until a grandmaster says so. */
	ds->currentUtcOffsetValid = false;
	ds->ptpTimescale = true;
	ds->timeSource = TS_INTERNAL_OSCILLATOR;
}

void port_ds_init(struct port_ds *ds, const struct clock_identity *id,
		  uint16_t port_number)
{
	memset(ds, 0, sizeof(*ds));
	ds->portIdentity.clockIdentity = *id;
	ds->portIdentity.portNumber = port_number;
	ds->portState = PS_INITIALIZING;
	ds->logMinDelayReqInterval = 0;
	ds->meanLinkDelay = 0;
	ds->logAnnounceInterval = 1;
	ds->announceReceiptTimeout = 3;
	ds->logSyncInterval = 0;
	ds->delayMechanism = DM_E2E;
	ds->logMinPdelayReqInterval = 0;
	ds->versionNumber = 2;
	ds->minorVersionNumber = 1;
	ds->delayAsymmetry = 0;
	ds->portEnable = true;
	ds->masterOnly = false;
}

void clock_identity_from_eui48(struct clock_identity *id, const uint8_t mac[6])
{
	id->id[0] = mac[0];
	id->id[1] = mac[1];
	id->id[2] = mac[2];
	id->id[3] = 0xFF;
	id->id[4] = 0xFE;
	id->id[5] = mac[3];
	id->id[6] = mac[4];
	id->id[7] = mac[5];
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/*
 * Parse s against a pattern where 'x' is a hex digit (two per octet) and
 * any other character must match literally; the whole string must match.
 */
static int parse_pattern(struct clock_identity *id, const char *s,
			 const char *pat)
{
	uint8_t out[8];
	unsigned n = 0;
	int hi, lo;

	for (; *pat; pat++, s++) {
		if (*pat != 'x') {
			if (*s != *pat) {
				return -EINVAL;
			}
			continue;
		}
		hi = hex_val(s[0]);
		lo = hi < 0 ? -1 : hex_val(s[1]);
		if (lo < 0 || n >= sizeof(out)) {
			return -EINVAL;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		s++;
		pat++;
		if (*pat != 'x') {
			return -EINVAL;	/* malformed pattern */
		}
	}
	if (*s || n != sizeof(out)) {
		return -EINVAL;
	}
	memcpy(id->id, out, sizeof(out));
	return 0;
}

int clock_identity_parse(struct clock_identity *id, const char *s)
{
	if (!s) {
		return -EINVAL;
	}
	if (!parse_pattern(id, s, "xxxxxx.xxxx.xxxxxx")) {
		return 0;
	}
	return parse_pattern(id, s, "xx:xx:xx:xx:xx:xx:xx:xx");
}

void clock_identity_str(const struct clock_identity *id, char buf[20])
{
	const uint8_t *c = id->id;

	snprintf(buf, 20, "%02x%02x%02x.%02x%02x.%02x%02x%02x",
		 c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
}

void port_identity_str(const struct port_identity *pid, char buf[26])
{
	char cid[20];

	clock_identity_str(&pid->clockIdentity, cid);
	snprintf(buf, 26, "%s-%u", cid, (unsigned)pid->portNumber);
}

int clock_identity_cmp(const struct clock_identity *a,
		       const struct clock_identity *b)
{
	int r = memcmp(a->id, b->id, sizeof(a->id));

	return (r > 0) - (r < 0);
}

int port_identity_cmp(const struct port_identity *a,
		      const struct port_identity *b)
{
	int r = clock_identity_cmp(&a->clockIdentity, &b->clockIdentity);

	if (r) {
		return r;
	}
	return (a->portNumber > b->portNumber) -
	       (a->portNumber < b->portNumber);
}

const char *port_state_str(int state)
{
	static const char *const names[] = {
		[PS_INITIALIZING] = "INITIALIZING",
		[PS_FAULTY] = "FAULTY",
		[PS_DISABLED] = "DISABLED",
		[PS_LISTENING] = "LISTENING",
		[PS_PRE_MASTER] = "PRE_MASTER",
		[PS_MASTER] = "MASTER",
		[PS_PASSIVE] = "PASSIVE",
		[PS_UNCALIBRATED] = "UNCALIBRATED",
		[PS_SLAVE] = "SLAVE",
	};

	if (state < 0 || state >= (int)(sizeof(names) / sizeof(names[0])) ||
	    !names[state]) {
		return "?";
	}
	return names[state];
}

const char *delay_mechanism_str(int dm)
{
	switch (dm) {
	case DM_E2E:
		return "E2E";
	case DM_P2P:
		return "P2P";
	case DM_COMMON_P2P:
		return "COMMON_P2P";
	case DM_SPECIAL:
		return "SPECIAL";
	case DM_NO_MECHANISM:
		return "NO_MECHANISM";
	default:
		return "?";
	}
}
