// SPDX-License-Identifier: GPL-2.0-or-later
/* import_ptp4l.c - stub */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "import_ptp4l.h"

int import_ptp4l(const char *text, const char *name,
		 const char *const *ifaces, unsigned n_ifaces,
		 struct imp_result *res)
{
	(void)text; (void)name; (void)ifaces; (void)n_ifaces;
	memset(res, 0, sizeof(*res));
	return -ENOSYS;
}

void import_ptp4l_fini(struct imp_result *res)
{
	(void)res;
}

void import_ptp4l_note_str(const struct imp_note *n, const char *name,
			   char *buf, size_t len)
{
	(void)n; (void)name;
	if (len) {
		buf[0] = '\0';
	}
}

int import_ptp4l_main(const char *in_path, const char *out_path,
		      const char *const *ifaces, unsigned n_ifaces)
{
	(void)in_path; (void)out_path; (void)ifaces; (void)n_ifaces;
	return 1;
}
