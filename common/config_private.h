/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config_private.h - shared by config.c, config_prescan.c,
 * config_schema.c and config_print.c only; users of the configuration
 * include config.h.
 */
#ifndef MERIDIAN_CONFIG_PRIVATE_H
#define MERIDIAN_CONFIG_PRIVATE_H

#include <libconfig.h>
#include <stddef.h>

#include "config.h"

/*
 * s as a libconfig string literal, quoted and escaped (\" \\ \n \r \t \f
 * \xNN); at most max input characters, then "..." after the closing quote.
 * Like "%.*s", s[max] is never read: s may be a buffer of max characters
 * without a NUL. So "..." follows whenever max characters were shown, and
 * when buf had no room for the rest.
 */
void mconf_quote(const char *s, size_t max, char *buf, size_t len);

/* The struct a scope's items live in: cfg->clock, cfg->ports[port], ... */
void *mconf_scope_base(const struct mconf *cfg, enum mconf_scope scope,
		       int port);

#define QUOTE_MAX	40	/* characters of a value in messages */

/* One load (config.c), shared with the pre-scan (config_prescan.c). */
struct ld {
	const char *name;		/* the file, for messages */
	struct mconf *cfg;
	struct mconf_errors *errs;	/* may be NULL */
	unsigned nerr;			/* all errors, stored or not */
	unsigned bad_line[MCONF_MAX_ERRORS];	/* lines of bad literals */
	unsigned n_bad;
	config_setting_t *clock_seen[MCONF_SCHEMA_MAX];
};

/* Shared for the pre-scan: an error at line (0: none) of the text being
 * loaded (config.c). */
void __attribute__((format(printf, 3, 4)))
mconf_line_err(struct ld *ld, unsigned line, const char *fmt, ...);

/* Shared for mconf_load_string() (config_prescan.c): "@include" at the
 * start of a line refused; then the walk of the text as libconfig's
 * scanner does it. Each returns -EINVAL when the text must not be given
 * to libconfig, with the errors added to ld. */
int mconf_check_include(struct ld *ld, const char *t);
int mconf_prescan(struct ld *ld, const char *p);

#endif
