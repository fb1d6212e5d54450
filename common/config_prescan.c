// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config_prescan.c - the configuration text read as libconfig 1.5's
 * scanner reads it, before libconfig sees it: "@include" refused, integer
 * literals it would truncate, "\x00" escapes it would drop, and strings
 * and comments left open at the end, each reported as an error at its
 * line (see config.c). Pure: text in, errors out.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "config_private.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || is_digit(c) || c == '-' || c == '_';
}

/* Refuse "@include" at the start of any line, wherever libconfig's
 * scanner could see it. */
int mconf_check_include(struct ld *ld, const char *t)
{
	unsigned line = 1;
	const char *p = t;
	int bad = 0;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "@include", 8)) {
			mconf_line_err(ld, line, "@include is not supported: "
				       "keep the whole configuration in one "
				       "file");
			bad = -EINVAL;
		}
		p = strchr(p, '\n');
		if (!p) {
			break;
		}
		p++;
		line++;
	}
	return bad;
}

static void bad_literal(struct ld *ld, unsigned line, const char *s,
			size_t n, bool is64)
{
	int w = n > QUOTE_MAX ? QUOTE_MAX : (int)n;

	if (ld->n_bad < MCONF_MAX_ERRORS) {
		ld->bad_line[ld->n_bad++] = line;
	}
	if (is64) {
		mconf_line_err(ld, line,
			       "integer %.*s%s does not fit in 64 bits", w, s,
			       (size_t)w < n ? "..." : "");
	} else {
		mconf_line_err(ld, line,
			       "integer %.*s%s does not fit in 32 bits: "
			       "write %.*sL for a 64-bit value", w, s,
			       (size_t)w < n ? "..." : "", w, s);
	}
}

/* The rest of a float after its leading digits: ".5", "e-3", ".5E+3". */
static const char *skip_fraction(const char *p)
{
	if (*p == '.') {
		p++;
		while (is_digit(*p))
			p++;
	}
	if ((*p == 'e' || *p == 'E') &&
	    (is_digit(p[1]) ||
	     ((p[1] == '-' || p[1] == '+') && is_digit(p[2])))) {
		p += 2;
		while (is_digit(*p))
			p++;
	}
	return p;
}

/*
 * One number token at p (a digit, or a sign and a digit). Integers that
 * libconfig 1.5 would truncate are reported. Returns the end of the token.
 */
static const char *scan_number(struct ld *ld, const char *p, unsigned line)
{
	const char *start = p;
	bool neg = false, signed_ = false, over = false, is64;
	uint64_t v = 0, lim;

	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		signed_ = true;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && is_xdigit(p[2])) {
		p += 2;
		for (; is_xdigit(*p); p++) {
			if (v >> 60) {
				over = true;
			}
			v = v << 4 | (uint64_t)(is_digit(*p) ? *p - '0' :
						 (*p | 0x20) - 'a' + 10);
		}
		is64 = *p == 'L';
		/* Hex is read as unsigned and stored in a signed int. */
		lim = is64 ? INT64_MAX : INT32_MAX;
		if (signed_) {		/* a syntax error for libconfig */
			over = false;
		}
	} else {
		for (; is_digit(*p); p++) {
			unsigned dig = (unsigned)(*p - '0');

			if (v > (UINT64_MAX - dig) / 10) {
				over = true;
			} else {
				v = v * 10 + dig;
			}
		}
		if (*p == '.' || *p == 'e' || *p == 'E') {	/* a float */
			return skip_fraction(p);
		}
		is64 = *p == 'L';
		lim = is64 ? (uint64_t)INT64_MAX : INT32_MAX;
		lim += neg;
	}
	while (*p == 'L')
		p++;
	if (over || v > lim) {
		bad_literal(ld, line, start, (size_t)(p - start), is64);
	}
	return p;
}

/* A "\x00" escape in a string: libconfig 1.5 drops it silently. */
static void bad_nul(struct ld *ld, unsigned line)
{
	if (ld->n_bad < MCONF_MAX_ERRORS) {
		ld->bad_line[ld->n_bad++] = line;
	}
	mconf_line_err(ld, line, "string with \\x00: a NUL byte cannot be "
		       "part of a value");
}

/*
 * Walk the text as libconfig's scanner does (comments, strings, names,
 * numbers) to find the integer literals it would silently truncate, the
 * \x00 escapes it would drop, and strings and comments left open at the
 * end (libconfig 1.5 leaks the buffer of such a string, and takes the
 * rest of the file as the comment). -EINVAL when the text must not be
 * given to libconfig.
 */
int mconf_prescan(struct ld *ld, const char *p)
{
	unsigned line = 1, start;

	while (*p) {
		if (*p == '\n') {
			line++;
			p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			start = line;
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				line += *p == '\n';
			if (!*p) {
				mconf_line_err(ld, start,
					       "unterminated /* comment: no */ "
					       "before the end of the file");
				return -EINVAL;
			}
			p += 2;
		} else if (*p == '"') {
			start = line;
			for (p++; *p && *p != '"'; p++) {
				if (!strncmp(p, "\\x00", 4)) {
					bad_nul(ld, line);
				}
				if (*p == '\\' && p[1]) {
					p++;
				}
				line += *p == '\n';
			}
			if (!*p) {
				mconf_line_err(ld, start,
					       "unterminated string");
				return -EINVAL;
			}
			p++;
		} else if (is_name_start(*p)) {
			while (is_name_char(*p))
				p++;
		} else if (is_digit(*p) ||
			   ((*p == '-' || *p == '+') && is_digit(p[1]))) {
			p = scan_number(ld, p, line);
		} else if (*p == '.') {			/* ".5", ".5e3" */
			p = skip_fraction(p);
		} else {
			p++;
		}
	}
	return 0;
}
