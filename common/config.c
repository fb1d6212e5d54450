// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - load and check the appliance configuration.
 *
 * Every check is driven by the schema table (config_schema.c). Errors are
 * collected, not printed: each names FILE:LINE, the key and what is
 * allowed, and the loader goes on to find the next one.
 *
 * libconfig 1.5 pitfalls handled here:
 * - config_lookup_*() cannot tell "missing" from "wrong type", so we walk
 *   each group ourselves and look every member up in the table.
 * - An integer literal outside 32 bits without the L suffix is silently
 *   truncated by its scanner (3000000000 reads as -1294967296, 4294967424
 *   as 128), and one outside 64 bits saturates. A small pre-scan of the
 *   text finds such literals and reports them instead.
 * - "@include" would read any file named in the text (even /dev/zero);
 *   the appliance configuration is one file, so the loader refuses it.
 * - A string token that causes a syntax error leaks its buffer (no bison
 *   %destructor before libconfig 1.7: hyperrealm/libconfig#142). A string
 *   left open at the end of the text is the common case; the pre-scan
 *   reports it without calling libconfig. Other cases leak a few bytes
 *   per rejected file, inside the library.
 * - A comment opened by slash-star and never closed takes the rest of the
 *   file with it, silently; the pre-scan reports where it was opened.
 * - The string escape \x00 is dropped ("eth1\x00zz" reads "eth1zz"); no
 *   value can hold a NUL, so the pre-scan refuses the escape.
 * - A UTF-8 byte-order mark (Windows editors write one) is a syntax error
 *   for it; the loader skips one at the start of the text.
 *
 * The table is in config_schema.c, text output in config_print.c, the
 * pre-scan of the text in config_prescan.c.
 */
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "config_private.h"

#define MCONF_FILE_MAX	(1 << 20)	/* bytes */

/* ---- errors ---------------------------------------------------------- */

static void ld_verr(struct ld *ld, const char *file, unsigned line,
		    const char *fmt, va_list ap)
{
	struct mconf_errors *e = ld->errs;
	char *m;
	int n;

	ld->nerr++;
	if (!e) {
		return;
	}
	if (e->count >= MCONF_MAX_ERRORS) {
		e->dropped++;
		return;
	}
	m = e->msg[e->count];
	if (line) {
		n = snprintf(m, MCONF_ERR_LEN, "%s:%u: ", file, line);
	} else {
		n = snprintf(m, MCONF_ERR_LEN, "%s: ", file);
	}
	if (n >= 0 && n < MCONF_ERR_LEN) {
		vsnprintf(m + n, MCONF_ERR_LEN - (size_t)n, fmt, ap);
	}
	e->line[e->count++] = line;
}

/* An error at line (0: none) of the text being loaded. */
void __attribute__((format(printf, 3, 4)))
mconf_line_err(struct ld *ld, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_verr(ld, ld->name, line, fmt, ap);
	va_end(ap);
}

/* An error at the position of setting s. */
static void __attribute__((format(printf, 3, 4)))
set_err(struct ld *ld, const config_setting_t *s, const char *fmt, ...)
{
	const char *file = config_setting_source_file(s);
	va_list ap;

	va_start(ap, fmt);
	ld_verr(ld, file ? file : ld->name, config_setting_source_line(s),
		fmt, ap);
	va_end(ap);
}

/* Stable sort by line; errors without a line go last. */
static void errors_sort(struct mconf_errors *e)
{
	char tmp[MCONF_ERR_LEN];
	unsigned i, j, l;

	for (i = 1; i < e->count; i++) {
		l = e->line[i];
		memcpy(tmp, e->msg[i], sizeof(tmp));
		for (j = i; j > 0; j--) {
			unsigned a = e->line[j - 1] ? e->line[j - 1] : UINT_MAX;
			unsigned b = l ? l : UINT_MAX;

			if (a <= b) {
				break;
			}
			e->line[j] = e->line[j - 1];
			memcpy(e->msg[j], e->msg[j - 1], sizeof(tmp));
		}
		e->line[j] = l;
		memcpy(e->msg[j], tmp, sizeof(tmp));
	}
}

static const char *type_name(int t)
{
	switch (t) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
		return "an integer";
	case CONFIG_TYPE_INT64:
		return "a 64-bit integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	}
	return "nothing";
}

/* ---- loading --------------------------------------------------------- */

/* A setting on a line whose integer literal was already reported. */
static bool on_bad_line(const struct ld *ld, const config_setting_t *s)
{
	unsigned i, line = config_setting_source_line(s);

	if (config_setting_source_file(s)) {
		return false;
	}
	for (i = 0; i < ld->n_bad; i++) {
		if ((unsigned short)ld->bad_line[i] == line) {
			return true;
		}
	}
	return false;
}

/* Levenshtein distance, for "did you mean"; large for long strings. */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[65], i, j, la = (unsigned)strlen(a),
		 lb = (unsigned)strlen(b);

	if (la > 64 || lb > 64) {
		return UINT_MAX;
	}
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best) {
				best = row[j] + 1;
			}
			if (row[j - 1] + 1 < best) {
				best = row[j - 1] + 1;
			}
			tmp = row[j];
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

static void unknown_key(struct ld *ld, const config_setting_t *s,
			enum mconf_scope scope, const char *prefix)
{
	const char *name = config_setting_name(s);
	const struct mconf_item *it, *best = NULL, *other = NULL;
	unsigned d, best_d = 3;
	size_t i;

	if (!name) {
		name = "?";
	}
	for (i = 0; (it = mconf_schema_item(i)); i++) {
		if (it->scope != scope) {
			if (!strcmp(it->name, name)) {
				other = it;
			}
			continue;
		}
		d = edit_distance(name, it->name);
		if (d < best_d) {
			best_d = d;
			best = it;
		}
	}
	if (best) {
		set_err(ld, s, "%s.%.40s: unknown key (did you mean %s?)",
			prefix, name, best->name);
	} else if (other) {
		set_err(ld, s, "%s.%.40s: unknown key (%s is a key of %s)",
			prefix, name, name, mconf_scope_name(other->scope));
	} else {
		set_err(ld, s, "%s.%.40s: unknown key", prefix, name);
	}
}

static void load_value(struct ld *ld, const struct mconf_item *it,
		       config_setting_t *s, void *base, const char *prefix)
{
	void *p = (char *)base + it->offset;
	int t = config_setting_type(s);
	char key[64], range[128], q[64], why[160];
	const struct mconf_enum_name *n;
	const char *str;
	long long v;
	double f;

	if (on_bad_line(ld, s)) {
		return;
	}
	snprintf(key, sizeof(key), "%s.%s", prefix, it->name);
	mconf_item_range_str(it, range, sizeof(range));

	switch (it->type) {
	case MCONF_T_INT:
	case MCONF_T_INT64:
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
			break;
		}
		v = config_setting_get_int64(s);
		if (v < it->min || v > it->max) {
			set_err(ld, s, "%s: %lld is out of range %s", key, v,
				range);
		} else if (it->type == MCONF_T_INT) {
			*(int *)p = (int)v;
		} else {
			*(int64_t *)p = v;
		}
		return;
	case MCONF_T_BOOL:
		if (t != CONFIG_TYPE_BOOL) {
			break;
		}
		*(bool *)p = config_setting_get_bool(s) != 0;
		return;
	case MCONF_T_FLOAT:
		if (t == CONFIG_TYPE_FLOAT) {
			f = config_setting_get_float(s);
		} else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
			f = (double)config_setting_get_int64(s);
		} else {
			break;
		}
		if (!(f >= it->fmin && f <= it->fmax)) {	/* also NaN */
			set_err(ld, s, "%s: %g is out of range %s", key, f,
				range);
		} else {
			*(double *)p = f;
		}
		return;
	case MCONF_T_STRING:
		if (t != CONFIG_TYPE_STRING) {
			break;
		}
		str = config_setting_get_string(s);
		mconf_quote(str, QUOTE_MAX, q, sizeof(q));
		if (strlen(str) >= it->size) {
			set_err(ld, s, "%s: %s is longer than %zu characters",
				key, q, it->size - 1);
		} else if (it->check && it->check(str, why, sizeof(why))) {
			set_err(ld, s, "%s: %s %s", key, q, why);
		} else {
			memset(p, 0, it->size);
			memcpy(p, str, strlen(str));
		}
		return;
	case MCONF_T_ENUM:
		if (t != CONFIG_TYPE_STRING) {
			break;
		}
		str = config_setting_get_string(s);
		for (n = it->names; n->name; n++) {
			if (!strcmp(n->name, str)) {
				*(int *)p = n->value;
				return;
			}
		}
		mconf_quote(str, QUOTE_MAX, q, sizeof(q));
		set_err(ld, s, "%s: %s is not one of %s", key, q, range);
		return;
	}

	switch (it->type) {
	case MCONF_T_INT:
	case MCONF_T_INT64:
		set_err(ld, s, "%s: expected an integer %s, got %s", key,
			range, type_name(t));
		break;
	case MCONF_T_BOOL:
		set_err(ld, s, "%s: expected true or false, got %s", key,
			type_name(t));
		break;
	case MCONF_T_FLOAT:
		set_err(ld, s, "%s: expected a number %s, got %s", key, range,
			type_name(t));
		break;
	case MCONF_T_STRING:
		set_err(ld, s, "%s: expected a string, got %s", key,
			type_name(t));
		break;
	case MCONF_T_ENUM:
		set_err(ld, s, "%s: expected one of %s (a string), got %s",
			key, range, type_name(t));
		break;
	}
}

/* Load the members of group grp; seen[i] gets the setting of item i. */
static void load_group(struct ld *ld, config_setting_t *grp,
		       enum mconf_scope scope, void *base, const char *prefix,
		       config_setting_t **seen)
{
	const struct mconf_item *first = mconf_schema_item(0), *it;
	int i, n = config_setting_length(grp);

	for (i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(s);

		it = name ? mconf_schema_find(scope, name) : NULL;
		if (!it) {
			unknown_key(ld, s, scope, prefix);
			continue;
		}
		seen[it - first] = s;
		load_value(ld, it, s, base, prefix);
	}
}

static config_setting_t *seen_of(config_setting_t **seen,
				 enum mconf_scope scope, const char *name)
{
	const struct mconf_item *it = mconf_schema_find(scope, name);

	return it ? seen[it - mconf_schema_item(0)] : NULL;
}

/* Cross-key checks of port i, and what it inherits from the clock. */
static void port_check(struct ld *ld, int i, config_setting_t *grp,
		       config_setting_t **seen, const char *prefix)
{
	struct mconf *cfg = ld->cfg;
	struct mconf_port *p = &cfg->ports[i];
	config_setting_t *s, *so;
	int j;

	s = seen_of(seen, MCONF_SCOPE_PORT, "interface");
	if (!s) {
		set_err(ld, grp, "%s.interface: missing: every port needs one",
			prefix);
	} else if (p->interface[0]) {
		for (j = 0; j < i; j++) {
			if (strcmp(cfg->ports[j].interface, p->interface)) {
				continue;
			}
			set_err(ld, s, "%s.interface: \"%s\" is already used "
				"by ports[%d]", prefix, p->interface, j);
			break;
		}
	}

	if (!seen_of(seen, MCONF_SCOPE_PORT, "delay_mechanism")) {
		p->delay_mechanism =
			cfg->clock.profile == MCONF_PROFILE_DEFAULT_P2P ?
			MCONF_DELAY_P2P : MCONF_DELAY_E2E;
	}

	so = seen_of(ld->clock_seen, MCONF_SCOPE_CLOCK, "slave_only");
	if (cfg->clock.slave_only && p->master_only && so) {
		s = seen_of(seen, MCONF_SCOPE_PORT, "master_only");
		set_err(ld, s ? s : grp, "%s.master_only: contradicts "
			"clock.slave_only = true (line %u)", prefix,
			config_setting_source_line(so));
	}

	if (p->clock != MCONF_CLK_PHC &&
	    p->timestamping == MCONF_TSTAMP_HARDWARE) {
		s = seen_of(seen, MCONF_SCOPE_PORT, "clock");
		if (!s) {
			s = seen_of(seen, MCONF_SCOPE_PORT, "timestamping");
		}
		set_err(ld, s ? s : grp, "%s.clock: \"%s\" needs timestamping "
			"= \"software\" (hardware timestamps come from the "
			"NIC's PHC)", prefix,
			p->clock == MCONF_CLK_SIM ? "sim" : "system");
	} else if (p->clock == MCONF_CLK_PHC &&
		   p->timestamping == MCONF_TSTAMP_SOFTWARE) {
		s = seen_of(seen, MCONF_SCOPE_PORT, "timestamping");
		if (!s) {
			s = seen_of(seen, MCONF_SCOPE_PORT, "clock");
		}
		set_err(ld, s ? s : grp, "%s.timestamping: \"software\" "
			"timestamps are taken by the system clock: set "
			"clock = \"system\" or \"sim\"", prefix);
	}
}

static void load_ports(struct ld *ld, config_setting_t *list)
{
	config_setting_t *seen[MCONF_SCHEMA_MAX];
	char prefix[16];
	int i, n;

	if (!list) {
		mconf_line_err(ld, 0, "ports: missing: configure at least one "
			       "port, ports = ( { interface = \"eth1\"; } );");
		return;
	}
	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		set_err(ld, list, "ports: expected a list ( { interface = "
			"\"eth1\"; ... }, ... ), got %s",
			type_name(config_setting_type(list)));
		return;
	}
	n = config_setting_length(list);
	if (n == 0) {
		set_err(ld, list, "ports: the list is empty: configure at "
			"least one port");
	}
	if (n > MCONF_MAX_PORTS) {
		set_err(ld, list, "ports: %d ports, at most %d", n,
			MCONF_MAX_PORTS);
	}
	for (i = 0; i < n && i < MCONF_MAX_PORTS; i++) {
		config_setting_t *e;
		struct mconf_port *p = &ld->cfg->ports[i];

		e = config_setting_get_elem(list, (unsigned)i);

		mconf_port_defaults(p);
		ld->cfg->n_ports = i + 1;
		snprintf(prefix, sizeof(prefix), "ports[%d]", i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			set_err(ld, e, "%s: expected a group { interface = "
				"\"eth1\"; ... }, got %s", prefix,
				type_name(config_setting_type(e)));
			continue;
		}
		memset(seen, 0, sizeof(seen));
		load_group(ld, e, MCONF_SCOPE_PORT, p, prefix, seen);
		port_check(ld, i, e, seen, prefix);
	}
}

static void load_root(struct ld *ld, config_t *c)
{
	config_setting_t *root = config_root_setting(c);
	config_setting_t *grp[MCONF_SCOPE_COUNT] = { NULL };
	config_setting_t *seen[MCONF_SCHEMA_MAX];
	struct mconf *cfg = ld->cfg;
	int i, n = config_setting_length(root);
	enum mconf_scope k;

	for (i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(root,
							      (unsigned)i);
		const char *name = config_setting_name(s);
		unsigned d, best_d = 3;
		const char *best = NULL;

		for (k = 0; k < MCONF_SCOPE_COUNT; k++) {
			if (name && !strcmp(name, mconf_scope_name(k))) {
				break;
			}
			d = name ? edit_distance(name, mconf_scope_name(k)) :
				UINT_MAX;
			if (d < best_d) {
				best_d = d;
				best = mconf_scope_name(k);
			}
		}
		if (k < MCONF_SCOPE_COUNT) {
			grp[k] = s;
		} else if (best) {
			set_err(ld, s, "%.40s: unknown key (did you mean %s?)",
				name, best);
		} else {
			set_err(ld, s, "%.40s: unknown key: the file has "
				"clock, ports, ipc and logging",
				name ? name : "?");
		}
	}

	for (k = 0; k < MCONF_SCOPE_COUNT; k++) {
		const char *sn = mconf_scope_name(k);

		if (k == MCONF_SCOPE_PORT || !grp[k]) {
			continue;
		}
		if (config_setting_type(grp[k]) != CONFIG_TYPE_GROUP) {
			set_err(ld, grp[k], "%s: expected a group %s = { ... };"
				", got %s", sn, sn,
				type_name(config_setting_type(grp[k])));
			continue;
		}
		memset(seen, 0, sizeof(seen));
		load_group(ld, grp[k], k, mconf_scope_base(cfg, k, 0), sn,
			   seen);
		if (k == MCONF_SCOPE_CLOCK) {
			memcpy(ld->clock_seen, seen, sizeof(seen));
		}
	}
	if (cfg->clock.clock_identity[0] &&
	    !mconf_clock_identity_parse(&cfg->clock.identity,
					cfg->clock.clock_identity)) {
		cfg->clock.identity_set = true;
	}

	load_ports(ld, grp[MCONF_SCOPE_PORT]);
}

int mconf_load_string(struct mconf *cfg, const char *text, const char *name,
		      struct mconf_errors *errs)
{
	struct ld ld = {
		.name = name ? name : "<string>",
		.cfg = cfg,
		.errs = errs,
	};
	config_t c;

	if (errs) {
		memset(errs, 0, sizeof(*errs));
	}
	mconf_defaults(cfg);
	/* A UTF-8 byte-order mark: it is on line 1, so lines do not move. */
	if (!strncmp(text, "\xEF\xBB\xBF", 3)) {
		text += 3;
	}
	if (!mconf_check_include(&ld, text) && !mconf_prescan(&ld, text)) {
		config_init(&c);
		if (config_read_string(&c, text)) {
			load_root(&ld, &c);
		} else {
			const char *what = config_error_text(&c);
			int line = config_error_line(&c);

			mconf_line_err(&ld, line > 0 ? (unsigned)line : 0, "%s",
				 what ? what : "parse error");
		}
		config_destroy(&c);
	}
	if (errs) {
		errors_sort(errs);
	}
	return ld.nerr ? -EINVAL : 0;
}

int mconf_check_rundir(const char *dir, char *why, size_t len)
{
	char buf[MCONF_RUNDIR_MAX + 1];
	struct stat st;
	size_t i, n = strlen(dir);

	if (*dir != '/') {
		snprintf(why, len, "is not an absolute path");
		return -EINVAL;
	}
	if (n > MCONF_RUNDIR_MAX) {
		snprintf(why, len, "is longer than %d characters",
			 MCONF_RUNDIR_MAX);
		return -EINVAL;
	}
	/* Each existing prefix must be a directory; stop at the first
	 * missing one (it will be created) or one we may not look at. */
	memcpy(buf, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0') {
			continue;
		}
		buf[i] = '\0';
		if (stat(buf, &st) < 0) {
			return 0;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (i == n) {
				snprintf(why, len, "exists and is not a "
					 "directory");
			} else {
				snprintf(why, len, "is under %s, which is not "
					 "a directory", buf);
			}
			return -EINVAL;
		}
		if (i < n) {
			buf[i] = '/';
		}
	}
	return 0;
}

/* One error about the file as a whole. */
static int file_err(struct mconf_errors *errs, const char *path, int err,
		    const char *what)
{
	struct mconf dummy_cfg;
	struct ld ld = { .name = path, .cfg = &dummy_cfg, .errs = errs };

	mconf_line_err(&ld, 0, "%s", what ? what : strerror(err));
	return -err;
}

int mconf_load_file(struct mconf *cfg, const char *path,
		    struct mconf_errors *errs)
{
	size_t len;
	char *buf, *nul;
	FILE *f;
	int rc;

	if (errs) {
		memset(errs, 0, sizeof(*errs));
	}
	mconf_defaults(cfg);
	f = fopen(path, "re");
	if (!f) {
		return file_err(errs, path, errno, NULL);
	}
	buf = malloc(MCONF_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return file_err(errs, path, ENOMEM, NULL);
	}
	len = fread(buf, 1, MCONF_FILE_MAX + 1, f);
	if (ferror(f)) {
		rc = errno ? errno : EIO;
		fclose(f);
		free(buf);
		return file_err(errs, path, rc, NULL);
	}
	fclose(f);
	if (len > MCONF_FILE_MAX) {
		free(buf);
		return file_err(errs, path, EFBIG, "larger than 1 MiB: not a "
				"configuration file");
	}
	buf[len] = '\0';
	nul = memchr(buf, '\0', len);
	if (nul) {
		struct mconf dummy_cfg;
		struct ld ld = {
			.name = path, .cfg = &dummy_cfg, .errs = errs,
		};
		unsigned line = 1;
		char *p;

		for (p = buf; p < nul; p++)
			line += *p == '\n';
		mconf_line_err(&ld, line, "a NUL byte: not a text file");
		free(buf);
		return -EINVAL;
	}
	rc = mconf_load_string(cfg, buf, path, errs);
	free(buf);
	return rc;
}
