/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clock.c - backend-independent helpers of the clock interface.
 */
#include "clock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

void clk_set_name(struct clk *c, const char *prefix, const char *what)
{
	snprintf(c->name, sizeof(c->name), "%s%s", prefix, what);
}

struct clk *clk_open(const char *spec)
{
	if (!spec) {
		errno = EINVAL;
		return NULL;
	}
	if (!strcmp(spec, "system"))
		return clk_system_create();
	if (!strncmp(spec, "phc:", 4))
		return clk_phc_create(spec + 4);
	if (!strncmp(spec, "/dev/", 5))
		return clk_phc_create(spec);
	if (!strncmp(spec, "sim:", 4) && spec[4])
		return clk_sim_create(spec + 4, NULL);
	pr_err("clock '%s': want system, /dev/ptpN, phc:/dev/ptpN or sim:PATH",
	       spec);
	errno = EINVAL;
	return NULL;
}
