// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of common/sakey.c: linuxptp's security association file.
 * The good file is the example of ptp4l(8) (linuxptp 4.x); every bad one
 * is refused whole, with the line at fault.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sakey.h"

TestSuite(sakey, .timeout = 20);

/* ptp4l(8), SECURITY ASSOCIATION OPTIONS, "Example". */
static const char man_example[] =
	"[security_association]\n"
	"spp 0\n"
	"allow_mutable 1\n"
	"1 SHA256-128 HEX:F8ADC6B8B8E9AA709106BA42481EC9E29607334DE2C3C737"
	"A11A12931DB27F8C\n"
	"2 SHA256 32 HEX:EE91D469B3A8ADC6AC8EB28E21794C706E08FDE48863828A7B"
	"0281AFCA81B17D\n"
	"\n"
	"[security_association]\n"
	"spp 1\n"
	"seqid_window 20\n"
	"1 AES128 HEX:FAF48EBA01E7C5966A76CB787AED4E7B\n"
	"2 AES256 B64:PKTF9VQz94qPaoAzW4eE3JtFoQ8Ov1OTQSojalWyMbs=\n"
	"3 SHA256 26 abcdefghijklmnopqrstuvwxyz\n";

static int parse(struct auth_sad *sad, const char *text, char *err)
{
	return sakey_parse(sad, text, strlen(text), "sa.conf", err, 256);
}

Test(sakey, ptp4l_man_page_example)
{
	struct auth_sad sad;
	const struct auth_sa *sa;
	const struct auth_key *k;
	char err[256];

	cr_assert_eq(parse(&sad, man_example, err), 0, "%s", err);
	cr_assert_eq(sad.n, 2);
	sa = auth_sad_find(&sad, 0);
	cr_assert_not_null(sa);
	cr_assert(sa->allow_mutable);
	cr_assert_eq(sa->seqid_window, 3, "linuxptp's default");
	cr_assert_eq(sa->n_keys, 2);
	k = auth_sa_key(sa, 1);
	cr_assert_eq(k->icv, AUTH_HMAC_SHA256_128);
	cr_assert_eq(k->len, 32);
	cr_assert_eq(k->key[0], 0xF8);
	cr_assert_eq(k->key[31], 0x8C);
	cr_assert_eq(auth_sa_key(sa, 2)->icv, AUTH_HMAC_SHA256);
	sa = auth_sad_find(&sad, 1);
	cr_assert_not_null(sa);
	cr_assert_not(sa->allow_mutable);
	cr_assert_eq(sa->seqid_window, 20);
	cr_assert_eq(sa->n_keys, 3);
	k = auth_sa_key(sa, 1);
	cr_assert_eq(k->icv, AUTH_CMAC_AES128);
	cr_assert_eq(k->len, 16);
	k = auth_sa_key(sa, 2);
	cr_assert_eq(k->icv, AUTH_CMAC_AES256);
	cr_assert_eq(k->len, 32);
	cr_assert_eq(k->key[0], 0x3C, "base64 \"PKTF\" = 3c a4 c5");
	cr_assert_eq(k->key[1], 0xA4);
	k = auth_sa_key(sa, 3);
	cr_assert_eq(k->len, 26);
	cr_assert_arr_eq(k->key, "abcdefghijklmnopqrstuvwxyz", 26);
	cr_assert_null(auth_sad_find(&sad, 2));
}

Test(sakey, ascii_prefix_comments_and_case)
{
	struct auth_sad sad;
	char err[256];

	cr_assert_eq(parse(&sad, "  # a comment\n\tspp 255  \n"
			   "seqid_window 0\n"
			   "4294967295 sha256-128 ASCII:secret # not a comment\n",
			   err), -EINVAL, "5 fields: refused");
	cr_assert_eq(parse(&sad, "  # a comment\n\tspp 255  \n"
			   "seqid_window 0\n"
			   "4294967295 sha256-128 ASCII:secret\n", err), 0,
		     "%s", err);
	cr_assert_eq(sad.sa[0].spp, 255);
	cr_assert_eq(sad.sa[0].seqid_window, 0);
	cr_assert_eq(sad.sa[0].keys[0].id, 4294967295u);
	cr_assert_eq(sad.sa[0].keys[0].len, 6);
	cr_assert_arr_eq(sad.sa[0].keys[0].key, "secret", 6);
}

/* Each bad text and the "FILE:LINE: " its error must start with. */
static const struct {
	const char *text;
	const char *where;
} bad[] = {
	{ "", "sa.conf: no security association" },
	{ "# nothing\n\n", "sa.conf: no security association" },
	{ "spp 1\n", "sa.conf:1: spp 1 has no key" },
	{ "spp 1\n1 SHA256 HEX:00\nspp 2\nspp 3\n1 SHA256 x\n",
	  "sa.conf:3: spp 2 has no key" },
	{ "1 SHA256 HEX:00\n", "sa.conf:1: key before any spp" },
	{ "seqid_window 3\n", "sa.conf:1: seqid_window before any spp" },
	{ "spp 256\n1 SHA256 x\n", "sa.conf:1: spp" },
	{ "spp -1\n", "sa.conf:1: spp" },
	{ "spp 1 2\n", "sa.conf:1: spp" },
	{ "spp 1\n1 SHA256 x\nspp 1\n1 SHA256 y\n",
	  "sa.conf:3: spp 1 defined twice" },
	{ "spp 1\n1 SHA256 x\n1 SHA256 y\n",
	  "sa.conf:3: key id 1 already" },
	{ "spp 1\n0 SHA256 x\n", "sa.conf:2:" },
	{ "spp 1\n4294967296 SHA256 x\n", "sa.conf:2:" },
	{ "spp 1\n1 MD5 x\n", "sa.conf:2: key type \"MD5\"" },
	{ "spp 1\n1 SHA256\n", "sa.conf:2: key: want" },
	{ "spp 1\n\n# c\n1 SHA256 HEX:0\n", "sa.conf:4: hex key" },
	{ "spp 1\n1 SHA256 HEX:0g\n", "sa.conf:2: hex key: \"0g\"" },
	{ "spp 1\n1 SHA256 HEX:\n", "sa.conf:2: hex key" },
	{ "spp 1\n1 SHA256 B64:abc\n", "sa.conf:2: base64 key" },
	{ "spp 1\n1 SHA256 B64:a=bc\n", "sa.conf:2: base64 key" },
	{ "spp 1\n1 SHA256 ASCII:\n", "sa.conf:2: empty key" },
	{ "spp 1\n1 AES128 HEX:00112233\n",
	  "sa.conf:2: AES128 key is 4 octets, must be 16" },
	{ "spp 1\n1 AES256 HEX:FAF48EBA01E7C5966A76CB787AED4E7B\n",
	  "sa.conf:2: AES256 key is 16 octets, must be 32" },
	{ "spp 1\n1 SHA256 5 abcd\n",
	  "sa.conf:2: key is 4 octets, not the 5 given" },
	{ "spp 1\n1 SHA256 0 abcd\n", "sa.conf:2: key length" },
	{ "spp 1\n1 SHA256 65 abcd\n", "sa.conf:2: key length" },
	{ "spp 1\n1 SHA256 "
	  "01234567890123456789012345678901234567890123456789012345678901234"
	  "\n", "sa.conf:2: key longer than 64 octets" },
	{ "spp 1\nseqid_window 32768\n", "sa.conf:2: seqid_window" },
	{ "spp 1\nallow_mutable 2\n", "sa.conf:2: allow_mutable" },
	{ "spp 1\nseqnum_length 4\n",
	  "sa.conf:2: seqnum_length: only 0" },
	{ "spp 1\nres_length 1\n", "sa.conf:2: res_length: only 0" },
	{ "spp 1\nfoo bar\n", "sa.conf:2: \"foo\" is neither" },
	{ "[unicast_master_table]\n", "sa.conf:1: unknown section" },
	{ "spp 1\n1 SHA256 x\n1 2 3 4 5 6\n", "sa.conf:3: too many" },
};

Test(sakey, bad_files_refused_with_line)
{
	struct auth_sad sad;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&sad, 0x5A, sizeof(sad));
		cr_assert_eq(parse(&sad, bad[i].text, err), -EINVAL,
			     "[%zu] accepted: %s", i, bad[i].text);
		cr_assert(!strncmp(err, bad[i].where, strlen(bad[i].where)),
			  "[%zu] error \"%s\", want \"%s...\"", i, err,
			  bad[i].where);
		cr_assert_eq(sad.n, 0, "[%zu] nothing half-loaded", i);
	}
}

Test(sakey, limits)
{
	char text[8192], err[256], *p = text;
	struct auth_sad sad;
	int i;

	/* AUTH_KEYS_MAX keys fit, one more does not. */
	p += sprintf(p, "spp 1\n");
	for (i = 1; i <= AUTH_KEYS_MAX + 1; i++) {
		p += sprintf(p, "%d SHA256 key%d\n", i, i);
	}
	cr_assert_eq(parse(&sad, text, err), -EINVAL);
	cr_assert_str_eq(err, "sa.conf:10: more than 8 keys in spp 1");
	/* AUTH_SA_MAX associations fit, one more does not. */
	p = text;
	for (i = 0; i <= AUTH_SA_MAX; i++) {
		p += sprintf(p, "spp %d\n1 SHA256 k\n", i);
	}
	cr_assert_eq(parse(&sad, text, err), -EINVAL);
	cr_assert_str_eq(err, "sa.conf:33: more than 16 security "
			 "associations");
	/* A line too long; a NUL octet. */
	memset(text, 'a', 2000);
	text[2000] = '\0';
	cr_assert_eq(parse(&sad, text, err), -EINVAL);
	cr_assert_str_eq(err, "sa.conf:1: line longer than 1024 characters");
	cr_assert_eq(sakey_parse(&sad, "spp 1\n1 SHA256 a\0b\n", 19,
				 "sa.conf", err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "sa.conf:2: NUL octet: not a text file");
}

Test(sakey, load_file_errors)
{
	char path[] = "/tmp/sakey-test-XXXXXX", err[256];
	struct auth_sad sad;
	int fd;

	cr_assert_eq(sakey_load(&sad, "/nonexistent/sa.conf", err,
				sizeof(err)), -ENOENT);
	cr_assert_str_eq(err, "/nonexistent/sa.conf: No such file or "
			 "directory");
	cr_assert_lt(sakey_load(&sad, "/tmp", err, sizeof(err)), 0,
		     "a directory");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, man_example, strlen(man_example)),
		     (ssize_t)strlen(man_example));
	close(fd);
	cr_assert_eq(sakey_load(&sad, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sad.n, 2);
	unlink(path);
}
