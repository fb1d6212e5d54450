// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_import_ptp4l - arbitrary bytes as a ptp4l.conf for `meridian
 * import-ptp4l` (supervisor/import_ptp4l.c, a decoder of a file an
 * operator hands us).
 *
 * The first byte picks 0-3 -i interfaces, the rest is the text. Checked
 * after every input: the return is one of the documented ones; 0 comes
 * with a text that meridian's own loader accepts (checked here again,
 * independently of the importer's own check) and no error; -EINVAL with
 * at least one error and no text; every message and note a terminated
 * string; every unmapped or "same" note names a line of the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../supervisor/import_ptp4l.c"
#include "../../supervisor/import_ptp4l_emit.c"
#include "../../supervisor/import_ptp4l_keys.c"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libconfig 1.5's token leak on a syntax error (see fuzz_config.c). */
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

static void check_note(const struct imp_note *n, unsigned lines)
{
	CHECK(memchr(n->section, '\0', sizeof(n->section)));
	CHECK(memchr(n->key, '\0', sizeof(n->key)));
	CHECK(memchr(n->value, '\0', sizeof(n->value)));
	CHECK(memchr(n->why, '\0', sizeof(n->why)) && n->why[0]);
	CHECK(n->line >= 1 && n->line <= lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ifs[] = { "eth0", "eth1", "lan2" };
	static struct mconf cfg;
	static struct mconf_errors errs;
	struct imp_result res;
	unsigned n_if = 0, lines = 1, i;
	char *text;
	size_t k;
	int rc;

	if (size) {
		n_if = data[0] % 4;
		data++;
		size--;
	}
	text = malloc(size + 1);
	if (!text) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	for (k = 0; k < size; k++) {
		lines += data[k] == '\n';
	}
	memset(&res, 0, sizeof(res));
	rc = import_ptp4l(text, "fuzz.cfg", ifs, n_if, &res);
	CHECK(rc == 0 || rc == -EINVAL || rc == -ENODEV || rc == -ENOMEM);
	CHECK(res.n_errors <= IMP_MAX_ERRORS);
	for (i = 0; i < res.n_errors; i++) {
		CHECK(memchr(res.errors[i], '\0', IMP_ERR_LEN));
	}
	if (rc == 0) {
		CHECK(res.text && res.n_errors == 0);
		CHECK(mconf_load_string(&cfg, res.text, "out.conf", &errs) == 0);
		for (i = 0; i < res.n_unmapped; i++) {
			check_note(&res.unmapped[i], lines);
		}
		for (i = 0; i < res.n_same; i++) {
			check_note(&res.same[i], lines);
		}
	} else if (rc == -EINVAL || rc == -ENODEV) {
		CHECK(!res.text && res.n_errors >= 1);
	}
	import_ptp4l_fini(&res);
	free(text);
	return 0;
}
