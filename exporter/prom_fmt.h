/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prom_fmt.h - a ptp-top snapshot (struct top_state, tools/top_state.h)
 * as the Prometheus text exposition format, version 0.0.4. Pure: no
 * sockets, no clocks; the caller passes the time (CLOCK_MONOTONIC ns, as
 * for top_json()) and gets text in a buffer. Unit-tested from
 * tests/unit/test_exporter.c; the metrics are listed in exporter/README.md
 * and meridian-exporter --help.
 */
#ifndef MERIDIAN_PROM_FMT_H
#define MERIDIAN_PROM_FMT_H

#include <stdint.h>

#include "../tools/top_state.h"

/* The Content-Type of what prom_expose() writes. */
#define PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/*
 * A label value between double quotes: \ " and newline escaped as the
 * format wants (\\ \" \n); any other octet outside printable ASCII (the
 * bus codec lets none through) becomes U+FFFD, so the text stays UTF-8.
 */
void prom_label_value(struct top_buf *b, const char *s);

/*
 * Every metric family, each with its # HELP and # TYPE lines (also when
 * it has no sample yet), then its samples. A value the snapshot does not
 * have (no master measured, no servo heard) is left out, never NaN or a
 * made-up zero.
 */
void prom_expose(const struct top_state *s, int64_t now, struct top_buf *b);

#endif
