/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config_private.h - shared by config.c, config_schema.c and
 * config_print.c only; users of the configuration include config.h.
 */
#ifndef MERIDIAN_CONFIG_PRIVATE_H
#define MERIDIAN_CONFIG_PRIVATE_H

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

#endif
