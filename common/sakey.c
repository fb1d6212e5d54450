// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sakey.c - read linuxptp's security association file: see sakey.h.
 */
#include <ctype.h>
#include <inttypes.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sakey.h"

#define TOK_MAX		5

struct sk_parser {
	struct auth_sad *sad;
	struct auth_sa *cur;		/* association being read */
	unsigned cur_line;		/* its spp line */
	const char *name;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int sk_fail(struct sk_parser *p, unsigned line, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen) {
		if (line) {
			snprintf(p->err, p->errlen, "%s:%u: %s", p->name, line,
				 what);
		} else {
			snprintf(p->err, p->errlen, "%s: %s", p->name, what);
		}
	}
	return -EINVAL;
}

/* A decimal number without sign, <= max. 0 or -1. */
static int sk_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || strlen(s) > 20) {
		return -1;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			return -1;
		}
		if (v > (UINT64_MAX - 9) / 10) {
			return -1;
		}
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max) {
		return -1;
	}
	*out = v;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = tolower(c);
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

/* RFC 4648 base64 with padding; the length a multiple of 4. Octets, or
 * -1 (bad character, bad padding, longer than max). */
static int b64_decode(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s), i, o = 0;
	int v[4], k, pad;

	if (!n || n % 4) {
		return -1;
	}
	for (i = 0; i < n; i += 4) {
		pad = 0;
		for (k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad) {
				return -1;	/* "=" then data */
			}
			v[k] = b64val((unsigned char)s[i + k]);
			if (v[k] < 0) {
				return -1;
			}
		}
		if (o + 3 - (size_t)pad > max) {
			return -1;
		}
		out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (pad < 2) {
			out[o++] = (uint8_t)((v[1] & 0xF) << 4 | v[2] >> 2);
		}
		if (pad < 1) {
			out[o++] = (uint8_t)((v[2] & 0x3) << 6 | v[3]);
		}
	}
	return (int)o;
}

/* The key's octets from "ASCII:..", "HEX:..", "B64:.." or bare ASCII. */
static int sk_key_value(struct sk_parser *p, unsigned line, const char *s,
			uint8_t *out)
{
	size_t n, i;
	int hi, lo, len;

	if (!strncmp(s, "HEX:", 4)) {
		s += 4;
		n = strlen(s);
		if (!n || n % 2) {
			return sk_fail(p, line, "hex key: an even number of "
				       "hex digits wanted, got %zu", n);
		}
		if (n / 2 > AUTH_KEY_MAX) {
			return sk_fail(p, line, "key longer than %d octets",
				       AUTH_KEY_MAX);
		}
		for (i = 0; i < n; i += 2) {
			hi = hexval((unsigned char)s[i]);
			lo = hexval((unsigned char)s[i + 1]);
			if (hi < 0 || lo < 0) {
				return sk_fail(p, line, "hex key: \"%c%c\" is "
					       "not a hex octet", s[i],
					       s[i + 1]);
			}
			out[i / 2] = (uint8_t)(hi << 4 | lo);
		}
		return (int)(n / 2);
	}
	if (!strncmp(s, "B64:", 4)) {
		len = b64_decode(s + 4, out, AUTH_KEY_MAX);
		if (len <= 0) {
			return sk_fail(p, line, "base64 key: not base64 "
				       "(RFC 4648, padded) of 1..%d octets",
				       AUTH_KEY_MAX);
		}
		return len;
	}
	if (!strncmp(s, "ASCII:", 6)) {
		s += 6;
	}
	n = strlen(s);
	if (!n) {
		return sk_fail(p, line, "empty key");
	}
	if (n > AUTH_KEY_MAX) {
		return sk_fail(p, line, "key longer than %d octets",
			       AUTH_KEY_MAX);
	}
	memcpy(out, s, n);
	return (int)n;
}

static int sk_icv_type(const char *s)
{
	int i;

	for (i = 0; i < AUTH_ICV_COUNT; i++) {
		if (!strcasecmp(s, auth_icv_str(i))) {
			return i;
		}
	}
	return -1;
}

/* "id type [length] value" */
static int sk_key(struct sk_parser *p, unsigned line, char **tok, int n)
{
	struct auth_sa *sa = p->cur;
	struct auth_key k;
	uint64_t id, spec = 0;
	int type, len;
	unsigned need;

	if (sk_uint(tok[0], UINT32_MAX, &id) || id < 1) {
		return sk_fail(p, line, "\"%s\" is neither a keyword (spp, "
			       "seqid_window, allow_mutable, seqnum_length, "
			       "res_length) nor a key id (1..4294967295)",
			       tok[0]);
	}
	if (n < 3 || n > 4) {
		return sk_fail(p, line, "key: want \"id type [length] "
			       "value\"");
	}
	if (!sa) {
		return sk_fail(p, line, "key before any spp");
	}
	if (auth_sa_key(sa, (uint32_t)id)) {
		return sk_fail(p, line, "key id %" PRIu64 " already in spp "
			       "%u", id, sa->spp);
	}
	if (sa->n_keys >= AUTH_KEYS_MAX) {
		return sk_fail(p, line, "more than %d keys in spp %u",
			       AUTH_KEYS_MAX, sa->spp);
	}
	type = sk_icv_type(tok[1]);
	if (type < 0) {
		return sk_fail(p, line, "key type \"%s\": want SHA256-128, "
			       "SHA256, AES128 or AES256", tok[1]);
	}
	if (n == 4 && (sk_uint(tok[2], AUTH_KEY_MAX, &spec) || !spec)) {
		return sk_fail(p, line, "key length \"%s\": want 1..%d "
			       "octets", tok[2], AUTH_KEY_MAX);
	}
	memset(&k, 0, sizeof(k));
	len = sk_key_value(p, line, tok[n - 1], k.key);
	if (len < 0) {
		return len;
	}
	if (spec && (uint64_t)len != spec) {
		return sk_fail(p, line, "key is %d octets, not the %" PRIu64
			       " given", len, spec);
	}
	need = auth_icv_key_len(type);
	if (need && (unsigned)len != need) {
		return sk_fail(p, line, "%s key is %d octets, must be %u",
			       auth_icv_str(type), len, need);
	}
	k.id = (uint32_t)id;
	k.icv = (uint8_t)type;
	k.len = (uint8_t)len;
	sa->keys[sa->n_keys++] = k;
	return 0;
}

/* The association being read is complete: it has a key. */
static int sk_close(struct sk_parser *p)
{
	if (p->cur && !p->cur->n_keys) {
		return sk_fail(p, p->cur_line, "spp %u has no key",
			       p->cur->spp);
	}
	p->cur = NULL;
	return 0;
}

static int sk_setting(struct sk_parser *p, unsigned line, char **tok, int n,
		      uint64_t max, uint64_t *v)
{
	if (n != 2) {
		return sk_fail(p, line, "%s: want \"%s NUMBER\"", tok[0],
			       tok[0]);
	}
	if (sk_uint(tok[1], max, v)) {
		return sk_fail(p, line, "%s \"%s\": want 0..%" PRIu64, tok[0],
			       tok[1], max);
	}
	if (!p->cur && strcmp(tok[0], "spp")) {
		return sk_fail(p, line, "%s before any spp", tok[0]);
	}
	return 0;
}

static int sk_line(struct sk_parser *p, unsigned line, char *s)
{
	char *tok[TOK_MAX + 1], *save = NULL, *t;
	struct auth_sa *sa;
	uint64_t v;
	int n = 0, rc;

	if (!strcasecmp(s, "[security_association]")) {
		return sk_close(p);
	}
	if (*s == '[') {
		return sk_fail(p, line, "unknown section %s", s);
	}
	for (t = strtok_r(s, " \t", &save); t && n <= TOK_MAX;
	     t = strtok_r(NULL, " \t", &save)) {
		tok[n++] = t;
	}
	if (n > TOK_MAX) {
		return sk_fail(p, line, "too many fields");
	}
	if (!strcmp(tok[0], "spp")) {
		rc = sk_setting(p, line, tok, n, UINT8_MAX, &v);
		if (rc || (rc = sk_close(p))) {
			return rc;
		}
		if (auth_sad_find(p->sad, (uint8_t)v)) {
			return sk_fail(p, line, "spp %" PRIu64 " defined "
				       "twice", v);
		}
		if (p->sad->n >= AUTH_SA_MAX) {
			return sk_fail(p, line, "more than %d security "
				       "associations", AUTH_SA_MAX);
		}
		sa = &p->sad->sa[p->sad->n++];
		memset(sa, 0, sizeof(*sa));
		sa->spp = (uint8_t)v;
		sa->seqid_window = 3;		/* linuxptp's default */
		p->cur = sa;
		p->cur_line = line;
		return 0;
	}
	if (!strcmp(tok[0], "seqid_window")) {
		rc = sk_setting(p, line, tok, n, 0x7FFF, &v);
		if (!rc) {
			p->cur->seqid_window = (uint16_t)v;
		}
		return rc;
	}
	if (!strcmp(tok[0], "allow_mutable")) {
		rc = sk_setting(p, line, tok, n, 1, &v);
		if (!rc) {
			p->cur->allow_mutable = v;
		}
		return rc;
	}
	if (!strcmp(tok[0], "seqnum_length") ||
	    !strcmp(tok[0], "res_length")) {
		/* The sequenceNo and RES fields: not defined for immediate
		 * processing, refused by linuxptp too. */
		rc = sk_setting(p, line, tok, n, 0, &v);
		if (rc) {
			return sk_fail(p, line, "%s: only 0 is supported",
				       tok[0]);
		}
		return 0;
	}
	return sk_key(p, line, tok, n);
}

int sakey_parse(struct auth_sad *sad, const char *text, size_t len,
		const char *name, char *err, size_t errlen)
{
	struct sk_parser p = {
		.sad = sad, .name = name ? name : "sa_file", .err = err,
		.errlen = errlen,
	};
	char buf[SAKEY_LINE_MAX + 1];
	size_t pos = 0, n, e;
	unsigned line = 0;
	const char *nl;
	char *s;
	int rc;

	memset(sad, 0, sizeof(*sad));
	if (err && errlen) {
		err[0] = '\0';
	}
	if (!text) {
		return sk_fail(&p, 0, "no text");
	}
	if (memchr(text, '\0', len)) {
		line = 1;
		for (n = 0; text[n]; n++) {
			line += text[n] == '\n';
		}
		return sk_fail(&p, line, "NUL octet: not a text file");
	}
	while (pos < len) {
		line++;
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		if (n > SAKEY_LINE_MAX) {
			rc = sk_fail(&p, line, "line longer than %d "
				     "characters", SAKEY_LINE_MAX);
			goto out;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += n + (nl ? 1 : 0);
		s = buf;
		while (isspace((unsigned char)*s)) {
			s++;
		}
		e = strlen(s);
		while (e && isspace((unsigned char)s[e - 1])) {
			s[--e] = '\0';
		}
		if (!*s || *s == '#') {
			continue;
		}
		rc = sk_line(&p, line, s);
		if (rc) {
			goto out;
		}
	}
	rc = sk_close(&p);
	if (!rc && !sad->n) {
		rc = sk_fail(&p, 0, "no security association (\"spp N\" and "
			     "a key)");
	}
out:
	/* Nothing half-loaded, and no key bytes left behind. */
	memset(buf, 0, sizeof(buf));
	if (rc) {
		memset(sad, 0, sizeof(*sad));
	}
	return rc;
}

int sakey_load(struct auth_sad *sad, const char *path, char *err,
	       size_t errlen)
{
	char *text;
	size_t n;
	FILE *f;
	int rc;

	memset(sad, 0, sizeof(*sad));
	f = fopen(path, "re");
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	text = malloc(SAKEY_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	n = fread(text, 1, SAKEY_FILE_MAX + 1, f);
	if (ferror(f)) {
		rc = -(errno ? errno : EIO);
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	} else if (n > SAKEY_FILE_MAX) {
		rc = -EFBIG;
		snprintf(err, errlen, "%s: larger than %d octets", path,
			 SAKEY_FILE_MAX);
	} else {
		rc = sakey_parse(sad, text, n, path, err, errlen);
	}
	memset(text, 0, n < SAKEY_FILE_MAX ? n : SAKEY_FILE_MAX);
	free(text);
	fclose(f);
	return rc;
}
