/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * import_ptp4l_private.h - the inside of `meridian import-ptp4l`, shared
 * by its modules:
 *
 *   import_ptp4l.c       the conversion: lines, sections, values; the file
 *                        wrapper
 *   import_ptp4l_keys.c  ptp4l's keys and values, and where each goes
 *   import_ptp4l_emit.c  the meridian.conf text
 *
 * Nothing here is for callers: they use import_ptp4l.h only.
 */
#ifndef MERIDIAN_IMPORT_PTP4L_PRIVATE_H
#define MERIDIAN_IMPORT_PTP4L_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "import_ptp4l.h"

#define IMP_MAX_SETS	64	/* meridian keys of one scope */
#define IMP_VAL_LEN	96	/* a value as written in the output */

enum how {
	H_INT,		/* an integer into an INT, INT64 or hex INT key */
	H_BOOL,		/* 0 or 1 into a BOOL key */
	H_FLOAT,	/* a number into a FLOAT key */
	H_ENUM,		/* one of map[].from, written as map[].to */
	H_STR,		/* a string into a STRING key */
	H_TSRC,		/* timeSource, a number of Table 6 */
	H_SDO,		/* transportSpecific: majorSdoId into sdo_id */
	H_TSTAMP,	/* time_stamping */
	H_LEVEL,	/* logging_level 0..7 */
	H_SAME,		/* map[].from values: meridian does so anyway */
	H_NONE,		/* no meridian equivalent: why */
};

struct val_map {
	const char *from;
	const char *to;
};

struct key {
	const char *ptp4l;
	enum how how;
	enum mconf_scope scope;
	const char *mkey;		/* the meridian key, or NULL */
	const struct val_map *map;	/* H_ENUM, H_SAME */
	const char *why;		/* H_NONE; others: other values */
};

/* The tables' shorthand (import_ptp4l_keys.c), also used by do_key(). */
#define NOEQ		"no meridian equivalent"
#define UNICAST		"unicast not supported"
#define C		MCONF_SCOPE_CLOCK
#define P		MCONF_SCOPE_PORT
#define L		MCONF_SCOPE_LOGGING

/* One meridian key = value, and the ptp4l.conf line it came from. */
struct set {
	const char *mkey;		/* a schema name (static) */
	char val[IMP_VAL_LEN];		/* as written in libconfig */
	struct imp_note from;		/* why unused: the origin */
};

struct setlist {
	struct set s[IMP_MAX_SETS];
	unsigned n;
};

enum { SEC_NONE = -3, SEC_UNICAST = -2, SEC_GLOBAL = -1 };

struct imp {
	const char *name;
	struct imp_result *res;
	unsigned cap_unmapped, cap_same;
	bool oom;
	struct setlist clock, logging, gport;	/* gport: [global]'s */
	struct setlist port[MCONF_MAX_PORTS];
	char ifname[MCONF_MAX_PORTS][MCONF_IFNAME_LEN];
	char ifwhere[MCONF_MAX_PORTS][IMP_NAME_LEN]; /* "-i", "t.cfg:5" */
	int n_ports;
	int sec;			/* SEC_*, or a port index */
	char section[IMP_NAME_LEN];
};

/* The output text, grown as it is written (import_ptp4l_emit.c). */
struct buf {
	char *s;
	size_t len, cap;
	bool oom;
};

/* ---- import_ptp4l_keys.c -------------------------------------------- */

/* Shared for do_key(): Table 6 codes to meridian's time_source names,
 * and the names of logging_level 0..7. */
extern const struct val_map imp_tsrc_map[];
extern const char *const imp_level_names[];

/* Shared for do_key(): a ptp4l key's row, or NULL. */
const struct key *imp_key_find(const char *k);
/* Shared for do_key(): the value v maps to in m (case-insensitive), or
 * NULL. */
const char *imp_map_find(const struct val_map *m, const char *v);

/* ---- import_ptp4l.c ------------------------------------------------- */

/* Shared for imp_emit(): the small helpers of import_ptp4l.c. */
void imp_copy(char *dst, size_t len, const char *src);
void imp_set_put(struct setlist *l, const char *mkey, const char *val,
	     const struct imp_note *from);
struct set *imp_set_get(struct setlist *l, const char *mkey);

/* ---- import_ptp4l_emit.c -------------------------------------------- */

/* Shared for import_ptp4l(): the meridian.conf of im into b (b->oom when
 * out of memory). */
void imp_emit(struct imp *im, struct buf *b);

#endif
