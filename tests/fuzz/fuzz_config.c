// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_config - arbitrary bytes as a configuration text.
 *
 * mconf_load_string() must never crash, leak or read out of bounds,
 * whatever the text; a valid result must print and load back unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libconfig 1.5 (Debian 12) leaks the buffer of a string token that is
 * the cause of a syntax error ("x" = 1;): its grammar has no %destructor
 * for TOK_STRING (hyperrealm/libconfig#142, fixed by #155 in 1.7). The
 * leak happens once per rejected file, inside the library; anything our
 * code leaks (settings never freed by config_destroy) is still reported
 * through its other allocations.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\n"		/* the token of "x" */
	       "leak:libconfig_yylex\n";	/* the token of "" */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mconf cfg, again;
	static struct mconf_errors errs;
	char *text = malloc(size + 1), *out = NULL;
	size_t len = 0;
	unsigned i;
	FILE *f;

	if (!text) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	if (mconf_load_string(&cfg, text, "fuzz.conf", &errs)) {
		/* Every message must be a terminated string. */
		for (i = 0; i < errs.count; i++) {
			if (!memchr(errs.msg[i], '\0', MCONF_ERR_LEN)) {
				abort();
			}
		}
		if (errs.count == 0 || errs.count > MCONF_MAX_ERRORS) {
			abort();
		}
		free(text);
		return 0;
	}
	free(text);

	f = open_memstream(&out, &len);
	if (!f) {
		return 0;
	}
	mconf_print(&cfg, f);
	fclose(f);
	if (mconf_load_string(&again, out, "printed", &errs) ||
	    memcmp(&cfg, &again, sizeof(cfg))) {
		abort();
	}
	free(out);
	return 0;
}
