// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * import_ptp4l_emit.c - the output of `meridian import-ptp4l`: the
 * meridian.conf text, with every key's origin in a comment and the lists
 * of keys not converted or meridian's own behaviour at the top, and the
 * one-line form of such a note. See import_ptp4l.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "import_ptp4l_private.h"

/* linuxptp's defaults that differ from meridian's, written when the
 * ptp4l.conf does not set them. */
#define PTP4L_DELAY_FILTER_LENGTH	10

__attribute__((format(printf, 2, 3)))
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *ns;
	int n;

	if (b->oom) {
		return;
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL,
			      b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		ns = realloc(b->s, b->cap + (size_t)n + 4096);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap += (size_t)n + 4096;
	}
}

void import_ptp4l_note_str(const struct imp_note *n, const char *name,
			   char *buf, size_t len)
{
	/* cut, like every message here, at the buffer's end */
	if (snprintf(buf, len, "%s:%u: [%s] %s %s: %s", name, n->line,
		     n->section, n->key, n->value, n->why) < 0 && len) {
		buf[0] = '\0';
	}
}

static void emit_set(struct buf *b, const char *ind, const struct set *s,
		     const char *name)
{
	if (s->from.line) {
		bprintf(b, "%s%s = %s;\t# %s:%u: %s %s\n", ind, s->mkey,
			s->val, name, s->from.line, s->from.key,
			s->from.value);
	} else {
		bprintf(b, "%s%s = %s;\t# %s\n", ind, s->mkey, s->val,
			s->from.why);
	}
}

static void emit_notes(struct buf *b, const char *title,
		       const struct imp_note *n, unsigned count,
		       const char *name)
{
	char line[IMP_WHY_LEN + 4 * IMP_NAME_LEN];
	unsigned i;

	bprintf(b, "#\n# %s (%u):\n", title, count);
	for (i = 0; i < count; i++) {
		import_ptp4l_note_str(&n[i], name, line, sizeof(line));
		bprintf(b, "#   %s\n", line);
	}
}

void imp_emit(struct imp *im, struct buf *b)
{
	struct imp_result *r = im->res;
	struct setlist merged;
	unsigned i;
	int p;

	bprintf(b, "# meridian.conf converted from %s (a linuxptp ptp4l.conf)"
		"\n# by meridian import-ptp4l: %u keys converted. Check it "
		"with\n#\tmeridian --check-config FILE\n", im->name,
		r->n_mapped);
	emit_notes(b, "not converted, with the reason", r->unmapped,
		   r->n_unmapped, im->name);
	emit_notes(b, "what meridian does without a key of its own", r->same,
		   r->n_same, im->name);
	bprintf(b, "\n");
	if (im->clock.n) {
		bprintf(b, "clock = {\n");
		for (i = 0; i < im->clock.n; i++) {
			emit_set(b, "\t", &im->clock.s[i], im->name);
		}
		bprintf(b, "};\n\n");
	}
	bprintf(b, "ports = (\n");
	for (p = 0; p < im->n_ports; p++) {
		merged = im->gport;
		for (i = 0; i < im->port[p].n; i++) {
			imp_set_put(&merged, im->port[p].s[i].mkey,
				im->port[p].s[i].val, &im->port[p].s[i].from);
		}
		if (!imp_set_get(&merged, "delay_filter_length")) {
			struct imp_note d = { 0 };
			char v[16];

			snprintf(v, sizeof(v), "%d", PTP4L_DELAY_FILTER_LENGTH);
			imp_copy(d.why, sizeof(d.why), "linuxptp's default "
			     "(meridian's is 8)");
			imp_set_put(&merged, "delay_filter_length", v, &d);
		}
		bprintf(b, "\t{\n\t\tinterface = \"%s\";\t# %s\n",
			im->ifname[p], im->ifwhere[p]);
		for (i = 0; i < merged.n; i++) {
			emit_set(b, "\t\t", &merged.s[i], im->name);
		}
		bprintf(b, "\t}%s\n", p + 1 < im->n_ports ? "," : "");
	}
	bprintf(b, ");\n");
	if (im->logging.n) {
		bprintf(b, "\nlogging = {\n");
		for (i = 0; i < im->logging.n; i++) {
			emit_set(b, "\t", &im->logging.s[i], im->name);
		}
		bprintf(b, "};\n");
	}
}
