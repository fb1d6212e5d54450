/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sakey.h - the security association file (config clock.sa_file) in
 * linuxptp 4.x's format (ptp4l(8), SECURITY ASSOCIATION OPTIONS):
 *
 *	# comment
 *	[security_association]
 *	spp 0				0..255, starts an association
 *	seqid_window 3			0..32767 (default 3; 0 = no check)
 *	allow_mutable 0			1: correctionField not covered
 *	seqnum_length 0			only 0 (as linuxptp)
 *	res_length 0			only 0 (as linuxptp)
 *	1 SHA256-128 HEX:F8ADC6...	id type [length] value
 *	2 AES128 16 B64:+vSOugHnxZZqdst4et1Oew==
 *
 * Key ids 1..2^32-1, types SHA256-128, SHA256, AES128, AES256 (case
 * ignored), values "ASCII:text", "HEX:digits", "B64:base64" or bare ASCII;
 * the optional length must equal the decoded key's, AES keys must be 16
 * or 32 octets, any key at most AUTH_KEY_MAX. Unlike linuxptp, which logs
 * a bad line and drops its association, every fault refuses the whole
 * file ("FILE:LINE: what is wrong"): a key file that half loads would
 * make a port fail later, on the wire, for a reason nobody sees.
 */
#ifndef MERIDIAN_SAKEY_H
#define MERIDIAN_SAKEY_H

#include <stddef.h>

#include "auth.h"

#define SAKEY_LINE_MAX		1024
#define SAKEY_FILE_MAX		(1024 * 1024)

/*
 * Parse text[0..len) (NUL octets are an error) into *sad; name stands
 * for the file in messages. 0, or -EINVAL with "NAME:LINE: what" in err.
 */
int sakey_parse(struct auth_sad *sad, const char *text, size_t len,
		const char *name, char *err, size_t errlen);
/* The same from a file: also -errno when it cannot be read. */
int sakey_load(struct auth_sad *sad, const char *path, char *err,
	       size_t errlen);

#endif
