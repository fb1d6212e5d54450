// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * import_ptp4l.c - `meridian import-ptp4l`: a linuxptp ptp4l.conf turned
 * into a meridian.conf (issue 10, part 4). See import_ptp4l.h.
 *
 * The syntax is ptp4l.conf(5)'s, as linuxptp's config.c reads it: '#'
 * starts a comment anywhere on a line, "[NAME]" starts a section
 * ("global", "unicast_master_table" or an interface), every other line
 * is "key value" (the value is the rest of the line), and a key outside
 * any section is an error. Within a section the last value of a key
 * wins; the keys of [global] that are port settings apply to every port,
 * an interface's section overrides them for its own port.
 *
 * Everything up to import_ptp4l_main() is pure: text in, text out.
 *
 * ptp4l's keys and where each goes are in import_ptp4l_keys.c, the
 * meridian.conf text in import_ptp4l_emit.c.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "import_ptp4l.h"
#include "import_ptp4l_private.h"

#define IMP_LINE_MAX	1024	/* ptp4l reads lines of at most 1024 */

/* ---- small helpers ---------------------------------------------------- */

void imp_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

__attribute__((format(printf, 3, 4)))
static void err_add(struct imp *im, unsigned line, const char *fmt, ...)
{
	struct imp_result *r = im->res;
	char msg[IMP_ERR_LEN];
	va_list ap;
	int n;

	if (r->n_errors >= IMP_MAX_ERRORS) {
		r->n_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* (a long name or message is cut at IMP_ERR_LEN) */
	if (line) {
		n = snprintf(r->errors[r->n_errors], IMP_ERR_LEN, "%s:%u: %s",
			     im->name, line, msg);
	} else {
		n = snprintf(r->errors[r->n_errors], IMP_ERR_LEN, "%s: %s",
			     im->name, msg);
	}
	if (n < 0) {
		r->errors[r->n_errors][0] = '\0';
	}
	r->n_errors++;
}

static void note_push(struct imp *im, struct imp_note **arr, unsigned *n,
		      unsigned *cap, const struct imp_note *note)
{
	struct imp_note *a;

	if (*n == *cap) {
		unsigned c = *cap ? *cap * 2 : 16;

		a = realloc(*arr, c * sizeof(*a));
		if (!a) {
			im->oom = true;
			return;
		}
		*arr = a;
		*cap = c;
	}
	(*arr)[(*n)++] = *note;
}

static void note_make(struct imp_note *n, const struct imp *im,
		      unsigned line, const char *key, const char *val)
{
	memset(n, 0, sizeof(*n));
	n->line = line;
	imp_copy(n->section, sizeof(n->section), im->section);
	imp_copy(n->key, sizeof(n->key), key);
	imp_copy(n->value, sizeof(n->value), val);
}

__attribute__((format(printf, 3, 4)))
static void nomap(struct imp *im, const struct imp_note *from,
		     const char *fmt, ...)
{
	struct imp_note n = *from;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n.why, sizeof(n.why), fmt, ap);
	va_end(ap);
	note_push(im, &im->res->unmapped, &im->res->n_unmapped,
		  &im->cap_unmapped, &n);
}

static void note_same(struct imp *im, const struct imp_note *from)
{
	struct imp_note n = *from;

	imp_copy(n.why, sizeof(n.why), "what meridian does");
	note_push(im, &im->res->same, &im->res->n_same, &im->cap_same, &n);
}

/* Replace mkey in l, or add it. */
void imp_set_put(struct setlist *l, const char *mkey, const char *val,
		    const struct imp_note *from)
{
	unsigned i;

	for (i = 0; i < l->n; i++) {
		if (!strcmp(l->s[i].mkey, mkey)) {
			break;
		}
	}
	if (i == l->n) {
		if (l->n == IMP_MAX_SETS) {
			return;		/* more than the schema has */
		}
		l->n++;
	}
	l->s[i].mkey = mkey;
	imp_copy(l->s[i].val, sizeof(l->s[i].val), val);
	l->s[i].from = *from;
}

struct set *imp_set_get(struct setlist *l, const char *mkey)
{
	unsigned i;

	for (i = 0; i < l->n; i++) {
		if (!strcmp(l->s[i].mkey, mkey)) {
			return &l->s[i];
		}
	}
	return NULL;
}

static void set_del(struct setlist *l, const char *mkey)
{
	struct set *s = imp_set_get(l, mkey);

	if (s) {
		*s = l->s[--l->n];
	}
}

/* A value quoted for libconfig. */
static void quote(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (len < 3) {
		return;
	}
	buf[o++] = '"';
	for (; *s && o + 3 < len; s++) {
		if (*s == '"' || *s == '\\') {
			buf[o++] = '\\';
		}
		buf[o++] = *s;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

static bool ifname_ok(const char *s)
{
	const char *p;

	if (!*s || strlen(s) >= MCONF_IFNAME_LEN) {
		return false;
	}
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '/' || c == ':' || c <= ' ' || c == 0x7f) {
			return false;
		}
	}
	return true;
}

/* The port of ifname, added if new (where: "-i" or "NAME:LINE"); -1 when
 * there are MCONF_MAX_PORTS already. */
static int port_get(struct imp *im, const char *ifname, const char *where)
{
	int i;

	for (i = 0; i < im->n_ports; i++) {
		if (!strcmp(im->ifname[i], ifname)) {
			return i;
		}
	}
	if (im->n_ports == MCONF_MAX_PORTS) {
		return -1;
	}
	imp_copy(im->ifname[i], sizeof(im->ifname[i]), ifname);
	imp_copy(im->ifwhere[i], sizeof(im->ifwhere[i]), where);
	return im->n_ports++;
}

/* ---- values ----------------------------------------------------------- */

static bool parse_int(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return !errno && end != s && !*end;
}

static bool parse_num(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return end != s && !*end && isfinite(*v);
}

/* Within the schema's range of mkey? If not, say so in why. */
static bool in_range_int(const struct mconf_item *it, long long v,
			 char *why, size_t len)
{
	long long lo = it->type == MCONF_T_BOOL ? 0 : it->min;
	long long hi = it->type == MCONF_T_BOOL ? 1 : it->max;

	if (v >= lo && v <= hi) {
		return true;
	}
	snprintf(why, len, "out of meridian's range %lld..%lld", lo, hi);
	return false;
}

static void fmt_int(char *buf, size_t len, const struct mconf_item *it,
		    long long v)
{
	if (it->flags & MCONF_F_HEX) {
		snprintf(buf, len, "0x%llX", v);
	} else if (v > INT32_MAX || v < INT32_MIN) {
		snprintf(buf, len, "%lldL", v);
	} else {
		snprintf(buf, len, "%lld", v);
	}
}

/* ---- one line --------------------------------------------------------- */

static struct setlist *scope_list(struct imp *im, enum mconf_scope sc)
{
	if (sc == MCONF_SCOPE_CLOCK) {
		return &im->clock;
	}
	if (sc == MCONF_SCOPE_LOGGING) {
		return &im->logging;
	}
	return im->sec == SEC_GLOBAL ? &im->gport : &im->port[im->sec];
}

static void put(struct imp *im, enum mconf_scope sc, const char *mkey,
		const char *val, const struct imp_note *from)
{
	imp_set_put(scope_list(im, sc), mkey, val, from);
}

/*
 * A key = value line of [global] or an interface's section. Returns 1
 * when mapped, 0 when listed, -1 on an error (a value ptp4l itself would
 * refuse: not a number where it wants one).
 */
static int do_key(struct imp *im, unsigned line, const char *k,
		  const char *v)
{
	const struct key *key = imp_key_find(k);
	const struct mconf_item *it = NULL;
	struct imp_note from;
	char out[IMP_VAL_LEN], why[IMP_WHY_LEN];
	const char *m;
	long long iv;
	double fv;

	note_make(&from, im, line, k, v);
	if (!key) {
		if (!strncmp(k, "ts2phc.", 7)) {
			nomap(im, &from, "a ts2phc option, not ptp4l's: "
				 NOEQ);
		} else {
			nomap(im, &from, "not a ptp4l key meridian knows");
		}
		return 0;
	}
	if (key->how == H_NONE) {
		nomap(im, &from, "%s", key->why);
		return 0;
	}
	if (key->how == H_SAME) {
		if (imp_map_find(key->map, v)) {
			note_same(im, &from);
		} else if (key->why) {
			nomap(im, &from, "value %s not supported: %s", v,
				 key->why);
		} else {
			nomap(im, &from, "value %s not supported", v);
		}
		return 0;
	}
	it = mconf_schema_find(key->scope, key->mkey);
	if (!it) {
		nomap(im, &from, NOEQ);	/* a table bug: say so */
		return 0;
	}
	if (im->sec >= 0 && key->scope != MCONF_SCOPE_PORT) {
		nomap(im, &from, "a clock-wide setting: meridian takes it "
			 "from [global] only");
		return 0;
	}

	switch (key->how) {
	case H_INT:
	case H_BOOL:
	case H_SDO:
	case H_LEVEL:
		if (!parse_int(v, &iv)) {
			err_add(im, line, "%s: '%s' is not an integer", k, v);
			return -1;
		}
		if (key->how == H_SDO) {
			if (iv < 0 || iv > 0xF) {
				nomap(im, &from, "out of range 0..15 "
					 "(majorSdoId, 4 bits)");
				return 0;
			}
			iv <<= 8;
		}
		if (key->how == H_LEVEL) {
			if (iv < 0 || iv > 7) {
				nomap(im, &from, "out of meridian's range "
					 "0..7");
				return 0;
			}
			quote(out, sizeof(out), imp_level_names[iv]);
			break;
		}
		if (!in_range_int(it, iv, why, sizeof(why))) {
			nomap(im, &from, "%s", why);
			return 0;
		}
		if (key->how == H_BOOL) {
			imp_copy(out, sizeof(out), iv ? "true" : "false");
		} else {
			fmt_int(out, sizeof(out), it, iv);
		}
		break;
	case H_FLOAT:
		if (!parse_num(v, &fv)) {
			err_add(im, line, "%s: '%s' is not a number", k, v);
			return -1;
		}
		if (fv < it->fmin || fv > it->fmax) {
			nomap(im, &from, "out of meridian's range %g..%g",
				 it->fmin, it->fmax);
			return 0;
		}
		snprintf(out, sizeof(out), "%.15g", fv);
		break;
	case H_ENUM:
		m = imp_map_find(key->map, v);
		if (!m) {
			nomap(im, &from, "value %s not supported", v);
			return 0;
		}
		quote(out, sizeof(out), m);
		break;
	case H_TSRC:
		if (!parse_int(v, &iv)) {
			err_add(im, line, "%s: '%s' is not an integer", k, v);
			return -1;
		}
		snprintf(why, sizeof(why), "0x%02llX", iv);
		m = imp_map_find(imp_tsrc_map, why);
		if (!m) {
			nomap(im, &from, "value %s not supported", v);
			return 0;
		}
		quote(out, sizeof(out), m);
		break;
	case H_STR:
		if (strlen(v) >= it->size || strlen(v) + 3 > sizeof(out)) {
			nomap(im, &from, "longer than meridian's %zu "
				 "characters", it->size - 1);
			return 0;
		}
		if (!strcmp(key->mkey, "clock_identity")) {
			struct clock_identity id;

			if (mconf_clock_identity_parse(&id, v)) {
				nomap(im, &from, "value %s not supported "
					 "(all zeros or ones: meridian makes "
					 "it from the MAC)", v);
				return 0;
			}
		}
		if (!strcmp(key->mkey, "sa_file") && v[0] != '/') {
			nomap(im, &from, "value %s not supported: meridian "
				 "wants an absolute path", v);
			return 0;
		}
		quote(out, sizeof(out), v);
		break;
	case H_TSTAMP:
		if (!strcasecmp(v, "hardware") || !strcasecmp(v, "legacy")) {
			put(im, P, "timestamping", "\"hardware\"", &from);
		} else if (!strcasecmp(v, "software")) {
			put(im, P, "timestamping", "\"software\"", &from);
			put(im, P, "clock", "\"system\"", &from);
		} else if (!strcasecmp(v, "onestep") &&
			   im->sec == SEC_GLOBAL) {
			put(im, P, "timestamping", "\"hardware\"", &from);
			put(im, C, "two_step", "false", &from);
		} else {
			nomap(im, &from, "value %s not supported", v);
			return 0;
		}
		return 1;
	default:
		nomap(im, &from, NOEQ);
		return 0;
	}
	put(im, key->scope, key->mkey, out, &from);
	return 1;
}

/* "[ name ]" -> name, or NULL when malformed. */
static char *section_name(char *s)
{
	char *end = strchr(s, ']');
	char *p;

	if (!end) {
		return NULL;
	}
	for (p = end + 1; *p; p++) {
		if (*p != ' ' && *p != '\t') {
			return NULL;
		}
	}
	*end = '\0';
	s++;
	while (*s == ' ' || *s == '\t') {
		s++;
	}
	while (end > s && (end[-1] == ' ' || end[-1] == '\t')) {
		*--end = '\0';
	}
	return *s ? s : NULL;
}

static void do_section(struct imp *im, unsigned line, char *s)
{
	char *name = section_name(s), where[IMP_NAME_LEN];

	if (!name) {
		err_add(im, line, "bad section header: want [global], "
			"[unicast_master_table] or [INTERFACE]");
		im->sec = SEC_NONE;
		return;
	}
	imp_copy(im->section, sizeof(im->section), name);
	if (!strcmp(name, "global")) {
		im->sec = SEC_GLOBAL;
		return;
	}
	if (!strcmp(name, "unicast_master_table")) {
		im->sec = SEC_UNICAST;
		return;
	}
	if (!ifname_ok(name)) {
		err_add(im, line, "[%s]: not an interface name (at most %d "
			"characters, no '/', ':' or spaces)", name,
			MCONF_IFNAME_LEN - 1);
		im->sec = SEC_NONE;
		return;
	}
	snprintf(where, sizeof(where), "%s:%u", im->name, line);
	im->sec = port_get(im, name, where);
	if (im->sec < 0) {
		err_add(im, line, "[%s]: more than %d interfaces", name,
			MCONF_MAX_PORTS);
		im->sec = SEC_NONE;
	}
}

static void do_line(struct imp *im, unsigned line, char *s)
{
	char *k, *v, *p;
	struct imp_note from;

	p = strchr(s, '#');
	if (p) {
		*p = '\0';
	}
	while (*s == ' ' || *s == '\t' || *s == '\r') {
		s++;
	}
	p = s + strlen(s);
	while (p > s && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r')) {
		*--p = '\0';
	}
	if (!*s) {
		return;
	}
	if (*s == '[') {
		do_section(im, line, s);
		return;
	}
	k = s;
	v = k + strcspn(k, " \t");
	if (*v) {
		*v++ = '\0';
		v += strspn(v, " \t");
	}
	if (im->sec == SEC_NONE && !im->section[0]) {
		err_add(im, line, "not in a section: start with [global]");
		return;
	}
	if (!*v) {
		err_add(im, line, "%s: no value", k);
		return;
	}
	if (im->sec == SEC_NONE) {
		return;		/* under a bad header, reported */
	}
	if (im->sec == SEC_UNICAST) {
		note_make(&from, im, line, k, v);
		nomap(im, &from, UNICAST);
		return;
	}
	if (do_key(im, line, k, v) > 0) {
		im->res->n_mapped++;
	}
}

/* meridian refuses slave_only with a port's master_only: slaveOnly wins
 * (a clock that must never be master), masterOnly is listed. */
static void slave_only_wins(struct imp *im, struct setlist *l)
{
	struct set *s = imp_set_get(l, "master_only");

	if (!s || strcmp(s->val, "true")) {
		return;
	}
	nomap(im, &s->from, "contradicts slaveOnly 1 (meridian refuses "
		 "the pair; the clock stays slave-only)");
	set_del(l, "master_only");
	im->res->n_mapped--;
}

static int self_check(struct imp *im)
{
	struct mconf_errors *errs = calloc(1, sizeof(*errs));
	struct mconf *cfg = calloc(1, sizeof(*cfg));
	int rc = -ENOMEM;
	unsigned i;

	if (cfg && errs) {
		rc = mconf_load_string(cfg, im->res->text, im->name, errs);
		for (i = 0; rc && i < errs->count; i++) {
			err_add(im, 0, "the converted configuration does not "
				"load (an import-ptp4l bug): %s", errs->msg[i]);
		}
		rc = rc ? -EINVAL : 0;
	}
	free(cfg);
	free(errs);
	return rc;
}

int import_ptp4l(const char *text, const char *name,
		 const char *const *ifaces, unsigned n_ifaces,
		 struct imp_result *res)
{
	struct imp *im;
	struct set *so;
	struct buf b = { 0 };
	const char *s, *nl;
	char line[IMP_LINE_MAX + 1];
	unsigned ln = 0, i;
	int p, rc = 0;

	memset(res, 0, sizeof(*res));
	im = calloc(1, sizeof(*im));
	if (!im) {
		return -ENOMEM;
	}
	im->name = name;
	im->res = res;
	im->sec = SEC_NONE;
	for (i = 0; i < n_ifaces; i++) {
		if (!ifname_ok(ifaces[i])) {
			err_add(im, 0, "-i %s: not an interface name",
				ifaces[i]);
		} else if (port_get(im, ifaces[i], "-i") < 0) {
			err_add(im, 0, "-i %s: more than %d interfaces",
				ifaces[i], MCONF_MAX_PORTS);
		}
	}
	for (s = text; *s; s = *nl ? nl + 1 : nl) {
		size_t n;

		nl = strchrnul(s, '\n');
		n = (size_t)(nl - s);
		ln++;
		if (n > IMP_LINE_MAX) {
			err_add(im, ln, "longer than %d characters",
				IMP_LINE_MAX);
			continue;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		do_line(im, ln, line);
	}

	so = imp_set_get(&im->clock, "slave_only");
	if (so && !strcmp(so->val, "true")) {
		slave_only_wins(im, &im->gport);
		for (p = 0; p < im->n_ports; p++) {
			slave_only_wins(im, &im->port[p]);
		}
	}

	if (im->oom) {
		rc = -ENOMEM;
	} else if (res->n_errors) {
		rc = -EINVAL;
	} else if (!im->n_ports) {
		err_add(im, 0, "no interface: name one with -i IFACE (as "
			"ptp4l -i) or an [IFACE] section");
		rc = -ENODEV;
	}
	if (!rc) {
		imp_emit(im, &b);
		if (b.oom) {
			free(b.s);
			rc = -ENOMEM;
		} else {
			res->text = b.s;
			rc = self_check(im);
		}
	}
	if (rc) {
		free(res->text);
		res->text = NULL;
	}
	free(im);
	return rc;
}

void import_ptp4l_fini(struct imp_result *res)
{
	free(res->text);
	free(res->unmapped);
	free(res->same);
	memset(res, 0, sizeof(*res));
}

/* ---- the file wrapper --------------------------------------------------- */

static char *read_all(const char *path)
{
	size_t len = 0, cap = 0, n;
	char *s = NULL, *ns;
	FILE *f = fopen(path, "r");

	if (!f) {
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			ns = realloc(s, cap + 65536);
			if (!ns) {
				free(s);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			s = ns;
			cap += 65536;
		}
		n = fread(s + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	if (ferror(f) || memchr(s, '\0', len)) {
		int e = ferror(f) ? EIO : EINVAL;

		free(s);
		fclose(f);
		errno = e;
		return NULL;
	}
	fclose(f);
	s[len] = '\0';
	return s;
}

int import_ptp4l_main(const char *in_path, const char *out_path,
		      const char *const *ifaces, unsigned n_ifaces)
{
	struct imp_result r;
	char line[IMP_WHY_LEN + 4 * IMP_NAME_LEN];
	bool to_stdout = !out_path || !strcmp(out_path, "-");
	char *text;
	unsigned i;
	FILE *out;
	int rc;

	text = read_all(in_path);
	if (!text) {
		fprintf(stderr, "meridian: import-ptp4l: %s: %s\n", in_path,
			errno == EINVAL ? "a NUL byte in a text file" :
			strerror(errno));
		return 1;
	}
	rc = import_ptp4l(text, in_path, ifaces, n_ifaces, &r);
	free(text);
	for (i = 0; i < r.n_errors; i++) {
		fprintf(stderr, "%s\n", r.errors[i]);
	}
	if (r.n_dropped) {
		fprintf(stderr, "%s: %u more errors not shown\n", in_path,
			r.n_dropped);
	}
	if (rc == -ENOMEM) {
		fprintf(stderr, "meridian: import-ptp4l: %s\n",
			strerror(ENOMEM));
	}
	if (rc) {
		import_ptp4l_fini(&r);
		return rc == -ENODEV ? 2 : 1;
	}
	for (i = 0; i < r.n_unmapped; i++) {
		import_ptp4l_note_str(&r.unmapped[i], in_path, line,
				      sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	out = to_stdout ? stdout : fopen(out_path, "w");
	if (!out) {
		fprintf(stderr, "meridian: import-ptp4l: %s: %s\n", out_path,
			strerror(errno));
		import_ptp4l_fini(&r);
		return 1;
	}
	fputs(r.text, out);
	if (to_stdout ? fflush(out) : fclose(out)) {
		fprintf(stderr, "meridian: import-ptp4l: %s: %s\n",
			to_stdout ? "stdout" : out_path, strerror(errno));
		import_ptp4l_fini(&r);
		return 1;
	}
	fprintf(stderr, "meridian: import-ptp4l: %s: %u keys converted, %u "
		"as meridian does anyway, %u not converted (listed above)\n",
		to_stdout ? "stdout" : out_path, r.n_mapped, r.n_same,
		r.n_unmapped);
	import_ptp4l_fini(&r);
	return 0;
}
