// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - the summary line both modes print, one a summary interval:
 *
 *   summary iface=IF state=STATE offset_ns=N freq_ppb=F delay_ns=N
 *     servo=SERVOSTATE gm=CLOCKID steps=N rx=N tx=N rxerr=N outliers=N
 *
 * (one line; format and vocabulary in portd --help and summary.h), written
 * to stdout without ever blocking the port.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "portd.h"
#include "summary.h"

uint64_t portd_sum64(const uint64_t *v, unsigned n)
{
	uint64_t s = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		s += v[i];
	}
	return s;
}

/*
 * One line to stdout without ever blocking the port: when stdout is a
 * pipe nobody drains, poll() says it has no room (a pipe is writable when
 * PIPE_BUF bytes are free, so a shorter line goes in whole), and the line
 * is dropped and counted instead.
 */
void portd_summary_write(struct portd *d, const char *line, size_t len)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
	ssize_t w;

	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT)) {
		d->summary_dropped++;
		pl_info("%s: stdout is not writable, summary line dropped "
			"(%" PRIu64 " so far)", d->ifname, d->summary_dropped);
		return;
	}
	while (len) {
		w = write(STDOUT_FILENO, line, len);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			d->summary_dropped++;
			return;
		}
		line += w;
		len -= (size_t)w;
	}
}

void portd_summary_in(const struct portd *d, struct summary_in *in)
{
	const struct port_ds *ds = port_core_ds(d->pc);

	memset(in, 0, sizeof(*in));
	in->state = port_core_state(d->pc);
	in->servo = SERVO_UNLOCKED;
	in->have_sample = d->have_sample;
	in->sample_age_ns = portd_mono_ns() - d->sample_mono_ns;
	in->sync_interval_ns = (int64_t)(ldexp(1.0, ds->logSyncInterval) *
					 1e9);
}

void portd_summary_print(struct portd *d, const struct summary_out *so,
			 int64_t outliers)
{
	const struct port_counters *pc = port_core_counters(d->pc);
	char gm[20], off[24], del[24], out[24], line[384];
	int n;

	clock_identity_str(&d->cds.parent.grandmasterIdentity, gm);
	snprintf(off, sizeof(off), "-");
	snprintf(del, sizeof(del), "-");
	if (so->fresh) {
		snprintf(off, sizeof(off), "%" PRId64, d->offset_ns);
		snprintf(del, sizeof(del), "%" PRId64, d->delay_ns);
	}
	snprintf(out, sizeof(out), "-");
	if (outliers >= 0) {
		snprintf(out, sizeof(out), "%" PRId64, outliers);
	}
	n = snprintf(line, sizeof(line), "summary iface=%s state=%s "
		     "offset_ns=%s freq_ppb=%.3f delay_ns=%s servo=%s gm=%s "
		     "steps=%" PRIu64 " rx=%" PRIu64 " tx=%" PRIu64
		     " rxerr=%" PRIu64 " outliers=%s\n", d->ifname,
		     port_state_str(port_core_state(d->pc)), off, d->freq_ppb,
		     del, so->servo, gm, d->steps, portd_sum64(pc->rx, 16),
		     portd_sum64(pc->tx, 16),
		     portd_sum64(pc->rx_err, PTP_E_COUNT), out);
	if (n > 0 && (size_t)n < sizeof(line)) {
		portd_summary_write(d, line, (size_t)n);
	}
}
