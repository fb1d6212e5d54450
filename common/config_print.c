// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config_print.c - configuration values as libconfig text: defaults and
 * ranges for messages and documentation, and the effective configuration
 * (mconf_print), which loads back to the same struct.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_private.h"

void mconf_quote(const char *s, size_t max, char *buf, size_t len)
{
	size_t o = 0, i;

	if (len < 8) {
		if (len) {
			*buf = '\0';
		}
		return;
	}
	buf[o++] = '"';
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[5];
		size_t n;

		switch (c) {
		case '"':
			memcpy(esc, "\\\"", 3);
			break;
		case '\\':
			memcpy(esc, "\\\\", 3);
			break;
		case '\n':
			memcpy(esc, "\\n", 3);
			break;
		case '\r':
			memcpy(esc, "\\r", 3);
			break;
		case '\t':
			memcpy(esc, "\\t", 3);
			break;
		case '\f':
			memcpy(esc, "\\f", 3);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				snprintf(esc, sizeof(esc), "\\x%02x", c);
			} else {
				esc[0] = (char)c;
				esc[1] = '\0';
			}
		}
		n = strlen(esc);
		if (o + n + 5 > len) {
			break;
		}
		memcpy(buf + o, esc, n);
		o += n;
	}
	buf[o++] = '"';
	/* Cut short: by max (s[max] is never read), or by len. */
	if ((i == max || s[i]) && o + 4 <= len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/* ---- values as text -------------------------------------------------- */

static void fmt_int(const struct mconf_item *it, int64_t v, char *buf,
		    size_t len)
{
	if ((it->flags & MCONF_F_HEX) && v >= 0) {
		snprintf(buf, len, "0x%llX", (unsigned long long)v);
	} else if (v < INT32_MIN || v > INT32_MAX) {
		snprintf(buf, len, "%lldL", (long long)v);
	} else {
		snprintf(buf, len, "%lld", (long long)v);
	}
}

/* Shortest text that reads back as v, and that libconfig sees as a float. */
static void fmt_float(double v, char *buf, size_t len)
{
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v) {
			break;
		}
	}
	if (!strpbrk(buf, ".eEn") && strlen(buf) + 3 <= len) {
		strcat(buf, ".0");
	}
}

const char *mconf_enum_str(const struct mconf_item *it, int value)
{
	const struct mconf_enum_name *n;

	if (it->type != MCONF_T_ENUM) {
		return NULL;
	}
	for (n = it->names; n->name; n++) {
		if (n->value == value) {
			return n->name;
		}
	}
	return NULL;
}

static void fmt_enum(const struct mconf_item *it, int v, char *buf,
		     size_t len)
{
	const char *name = mconf_enum_str(it, v);

	snprintf(buf, len, "\"%s\"", name ? name : "?");
}

void mconf_item_default_str(const struct mconf_item *it, char *buf,
			    size_t len)
{
	switch (it->type) {
	case MCONF_T_INT:
	case MCONF_T_INT64:
		fmt_int(it, it->def_int, buf, len);
		break;
	case MCONF_T_BOOL:
		snprintf(buf, len, "%s", it->def_int ? "true" : "false");
		break;
	case MCONF_T_FLOAT:
		fmt_float(it->def_float, buf, len);
		break;
	case MCONF_T_STRING:
		if (it->flags & MCONF_F_REQUIRED) {
			snprintf(buf, len, "%s", "");
		} else {
			mconf_quote(it->def_str, SIZE_MAX, buf, len);
		}
		break;
	case MCONF_T_ENUM:
		fmt_enum(it, (int)it->def_int, buf, len);
		break;
	}
}

void mconf_item_range_str(const struct mconf_item *it, char *buf, size_t len)
{
	const struct mconf_enum_name *n;
	size_t o = 0;

	switch (it->type) {
	case MCONF_T_INT:
	case MCONF_T_INT64:
		snprintf(buf, len, "%lld..%lld", (long long)it->min,
			 (long long)it->max);
		break;
	case MCONF_T_BOOL:
		snprintf(buf, len, "true or false");
		break;
	case MCONF_T_FLOAT:
		snprintf(buf, len, "%g..%g", it->fmin, it->fmax);
		break;
	case MCONF_T_STRING:
		snprintf(buf, len, "a string of at most %zu characters",
			 it->size - 1);
		break;
	case MCONF_T_ENUM:
		if (len) {
			buf[0] = '\0';
		}
		for (n = it->names; n->name && o < len; n++) {
			int w = snprintf(buf + o, len - o, "%s%s",
					 n == it->names ? "" : ", ", n->name);
			if (w < 0) {
				break;
			}
			o += (size_t)w;
		}
		break;
	}
}

/* ---- the effective configuration ------------------------------------- */

static void print_value(const struct mconf_item *it, const void *p,
			char *buf, size_t len)
{
	switch (it->type) {
	case MCONF_T_INT:
		fmt_int(it, *(const int *)p, buf, len);
		break;
	case MCONF_T_INT64:
		fmt_int(it, *(const int64_t *)p, buf, len);
		break;
	case MCONF_T_BOOL:
		snprintf(buf, len, "%s", *(const bool *)p ? "true" : "false");
		break;
	case MCONF_T_FLOAT:
		fmt_float(*(const double *)p, buf, len);
		break;
	case MCONF_T_STRING:
		mconf_quote(p, SIZE_MAX, buf, len);
		break;
	case MCONF_T_ENUM:
		fmt_enum(it, *(const int *)p, buf, len);
		break;
	}
}

static void print_items(const struct mconf *cfg, enum mconf_scope scope,
			int port, const char *indent, FILE *out)
{
	const struct mconf_item *it;
	char val[4 * MCONF_PATH_LEN + 8];
	size_t i;

	for (i = 0; (it = mconf_schema_item(i)); i++) {
		if (it->scope != scope) {
			continue;
		}
		print_value(it, mconf_item_ptr(it, cfg, port), val,
			    sizeof(val));
		fprintf(out, "%s%s = %s;\n", indent, it->name, val);
	}
}

void mconf_print(const struct mconf *cfg, FILE *out)
{
	int i;

	fprintf(out, "clock = {\n");
	print_items(cfg, MCONF_SCOPE_CLOCK, 0, "\t", out);
	fprintf(out, "};\n\nports = (\n");
	for (i = 0; i < cfg->n_ports && i < MCONF_MAX_PORTS; i++) {
		fprintf(out, "\t{\n");
		print_items(cfg, MCONF_SCOPE_PORT, i, "\t\t", out);
		fprintf(out, "\t}%s\n", i + 1 < cfg->n_ports ? "," : "");
	}
	fprintf(out, ");\n\nipc = {\n");
	print_items(cfg, MCONF_SCOPE_IPC, 0, "\t", out);
	fprintf(out, "};\n\nlogging = {\n");
	print_items(cfg, MCONF_SCOPE_LOGGING, 0, "\t", out);
	fprintf(out, "};\n");
}
