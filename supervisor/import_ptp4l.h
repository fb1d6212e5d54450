/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * import_ptp4l.h - `meridian import-ptp4l`: a linuxptp ptp4l.conf turned
 * into a meridian.conf.
 *
 * The conversion is pure: the text of a ptp4l.conf (ptp4l.conf(5): "key
 * value" lines, '#' comments, "[global]" and "[IFACE]" sections) and the
 * interfaces given with -i in; the text of a meridian.conf, the keys that
 * could not be mapped (each with its reason) and the errors out. Nothing
 * here reads files or prints; main.c does.
 *
 * Every line with a key ends up in exactly one place: a meridian key (its
 * origin in a comment next to it), the "same as meridian" list (a value
 * that is meridian's fixed behaviour: clock_type BC, BMCA ptp, ...), or
 * the unmapped list, with the reason ("no meridian equivalent", "unicast
 * not supported", "value X not supported", "out of meridian's range").
 * Both lists are written as '#' comments at the top of the output; a key
 * is never dropped silently.
 */
#ifndef MERIDIAN_IMPORT_PTP4L_H
#define MERIDIAN_IMPORT_PTP4L_H

#include <stddef.h>

#define IMP_NAME_LEN	64	/* a section, key or value as written */
#define IMP_WHY_LEN	160
#define IMP_ERR_LEN	256
#define IMP_MAX_ERRORS	20

/* A ptp4l.conf key the output does not carry, or carries as meridian's
 * own behaviour. */
struct imp_note {
	unsigned line;			/* in the ptp4l.conf */
	char section[IMP_NAME_LEN];	/* "global", "eth0", ... */
	char key[IMP_NAME_LEN];
	char value[IMP_NAME_LEN];
	char why[IMP_WHY_LEN];
};

struct imp_result {
	char *text;			/* the meridian.conf (malloc) */
	struct imp_note *unmapped;	/* in line order (malloc) */
	unsigned n_unmapped;
	struct imp_note *same;		/* meridian's own behaviour */
	unsigned n_same;
	unsigned n_mapped;		/* lines written as meridian keys */
	/* "NAME:LINE: message" (or "NAME: message"), in line order */
	char errors[IMP_MAX_ERRORS][IMP_ERR_LEN];
	unsigned n_errors;		/* <= IMP_MAX_ERRORS */
	unsigned n_dropped;		/* errors beyond IMP_MAX_ERRORS */
};

/*
 * Convert text (NUL-terminated), called name in messages, with the
 * interfaces ifaces[0..n_ifaces) of -i (ptp4l's order: these first, then
 * the file's sections). Returns 0 with res->text set; -EINVAL when the
 * text has errors (res->errors, FILE:LINE; no text); -ENODEV when neither
 * -i nor the file names an interface (res->errors says so); -ENOMEM.
 * The output is checked with the meridian.conf loader before it is
 * returned: what comes back loads. Free res with import_ptp4l_fini().
 */
int import_ptp4l(const char *text, const char *name,
		 const char *const *ifaces, unsigned n_ifaces,
		 struct imp_result *res);
void import_ptp4l_fini(struct imp_result *res);

/* "NAME:LINE: [SECTION] KEY VALUE: WHY" */
void import_ptp4l_note_str(const struct imp_note *n, const char *name,
			   char *buf, size_t len);

/* The file wrapper: read in_path, write out_path ("-" or NULL: stdout),
 * unmapped keys and errors on stderr. Returns the exit status: 0 written,
 * 1 read, parse or write error, 2 no interface. */
int import_ptp4l_main(const char *in_path, const char *out_path,
		      const char *const *ifaces, unsigned n_ifaces);

#endif
