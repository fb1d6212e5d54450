// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-man-conf.c - print meridian.conf(5) from the configuration schema
 * (common/config_schema.c), so the page and the parser cannot drift:
 * every key with its scope, type, range, enum names, default and help.
 *
 *   build/man/gen-man-conf VERSION DATE >man/meridian.conf.5
 *
 * A build tool, never installed: `make man` regenerates the committed page
 * and tests/integration/56-man-pages.sh fails when the committed page and
 * a fresh one differ.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"

/* s escaped for roff: backslash as \e, '-' as \-. */
static void roff_esc(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '-') {
			buf[o++] = '\\';
			buf[o++] = *s == '-' ? '-' : 'e';
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
}

/*
 * s as roff text lines of at most 79 bytes (broken at spaces; mandoc's
 * lint wants 80 at most), each line that starts with '.' or '\'' guarded
 * by \&; then end and a newline.
 */
static void roff(const char *s, const char *end, FILE *out)
{
	char buf[2048];
	const char *p = buf, *brk;
	size_t n;

	roff_esc(s, buf, sizeof(buf));
	while (*p) {
		n = strlen(p);
		if (n > 79) {
			for (brk = p + 79; brk > p && *brk != ' '; brk--) {
			}
			n = brk > p ? (size_t)(brk - p) : n;
		}
		if (*p == '.' || *p == '\'') {
			fputs("\\&", out);
		}
		fwrite(p, 1, n, out);
		p += n;
		if (*p == ' ') {
			p++;
		}
		if (*p) {
			fputc('\n', out);
		}
	}
	fprintf(out, "%s\n", end);
}

static const char *const scope_intro[MCONF_SCOPE_COUNT] = {
	[MCONF_SCOPE_CLOCK] =
		"The group\n.B clock\n"
		"is the one PTP clock the box is: its defaultDS\n"
		"(IEEE 1588\\-2019 8.2.1), profile and servo.\n",
	[MCONF_SCOPE_PORT] =
		"The list\n.B ports\n"
		"holds one group per PTP port (at most %d), in port number\n"
		"order: the first is port 1. Every port needs an\n"
		".BR interface ;\n"
		"each key below is set per port.\n",
	[MCONF_SCOPE_IPC] =
		"The group\n.B ipc\n"
		"is the bus between the daemons, their run directory and their\n"
		"privileges.\n",
	[MCONF_SCOPE_LOGGING] =
		"The group\n.B logging\n"
		"is where and what the daemons log.\n",
};

static const char *key_prefix(enum mconf_scope scope)
{
	return scope == MCONF_SCOPE_PORT ? "ports[]." : NULL;
}

static void print_values(const struct mconf_item *it, FILE *out)
{
	const char *kind = "";
	char range[512], line[600];

	mconf_item_range_str(it, range, sizeof(range));
	switch (it->type) {
	case MCONF_T_INT:
		kind = "an integer, ";
		break;
	case MCONF_T_INT64:
		kind = "a 64-bit integer (L suffix beyond 32 bits), ";
		break;
	case MCONF_T_FLOAT:
		kind = "a number, ";
		break;
	case MCONF_T_ENUM:
		kind = "one of the strings ";
		break;
	case MCONF_T_BOOL:
	case MCONF_T_STRING:
		break;
	}
	snprintf(line, sizeof(line), "Values: %s%s", kind, range);
	roff(line, "", out);
}

static void print_default(const struct mconf_item *it, FILE *out)
{
	char def[512], esc[1024];

	if (it->flags & MCONF_F_REQUIRED) {
		fputs("Required: no default\n", out);
		return;
	}
	mconf_item_default_str(it, def, sizeof(def));
	roff_esc(def, esc, sizeof(esc));
	fprintf(out, "Default: \\fB%s\\fR%s\n", esc,
		(it->flags & MCONF_F_FROM_PROFILE) ?
		", or what\n.B clock.profile\nimplies" : "");
}

static void print_item(const struct mconf_item *it, FILE *out)
{
	const char *pre = key_prefix(it->scope);

	fputs(".TP\n.B ", out);
	if (pre) {
		fputs(pre, out);
	} else {
		fprintf(out, "%s.", mconf_scope_name(it->scope));
	}
	fprintf(out, "%s\n", it->name);
	roff(it->help, ".", out);
	fputs(".br\n", out);
	print_values(it, out);
	fputs(".br\n", out);
	print_default(it, out);
}

static void print_scope(enum mconf_scope scope, FILE *out)
{
	const struct mconf_item *it;
	size_t i;

	fprintf(out, ".SS %s\n", mconf_scope_name(scope));
	fprintf(out, scope_intro[scope], MCONF_MAX_PORTS);
	for (i = 0; (it = mconf_schema_item(i)); i++) {
		if (it->scope == scope) {
			print_item(it, out);
		}
	}
}

static const char head[] =
".SH NAME\n"
"meridian.conf \\- configuration of a Meridian PTP boundary clock\n"
".SH SYNOPSIS\n"
".I /etc/meridian/meridian.conf\n"
".SH DESCRIPTION\n"
"One file configures the whole appliance. The\n"
".BR meridian (8)\n"
"supervisor checks all of it before it starts anything, and every\n"
"daemon reads it:\n"
".BR bmcad (8)\n"
"and\n"
".BR clockd (8)\n"
"the clock and every port,\n"
".BR portd (8)\n"
"the clock group and its own port.\n"
".PP\n"
"The syntax is libconfig's:\n"
".B key = value;\n"
"groups in braces, lists in parentheses, strings in double quotes,\n"
".B true\n"
"and\n"
".BR false ,\n"
"comments with\n"
".BR # ,\n"
".B //\n"
"or\n"
".BR \"/* */\" .\n"
"Integers beyond 32 bits need an L suffix (5000000000L); numbers may\n"
"be written as integers (1 for 1.0), integers may not be written as\n"
"numbers. Enumerations are strings, as in\n"
".BR \"transport = \\(dqudp4\\(dq;\" .\n"
".PP\n"
"Every key has a default: only\n"
".B ports[].interface\n"
"is required. Unknown keys, duplicate keys, wrong types and values\n"
"out of range are errors, each reported as\n"
".IR FILE : LINE :\n"
".IR key :\n"
"what is wrong;\n"
".B meridian \\-\\-check\\-config\n"
".I FILE\n"
"checks a file, and with\n"
".B \\-\\-print\\-config\n"
"prints the effective configuration, defaults included.\n"
".PP\n"
"Intervals named log_*_interval are log2 seconds: \\-3 = 1/8 s,\n"
"0 = 1 s, 1 = 2 s. Times are in nanoseconds unless the key says\n"
"otherwise. Defaults are those of the IEEE 1588\\-2019 default profile\n"
"(Annex J), and linuxptp's where the standard is silent.\n"
".PP\n"
"On SIGHUP the supervisor re-reads the file: the log level and the\n"
"settings of each port apply (a changed port has its portd restarted);\n"
"changes to the clock and ipc groups or to the list of ports need\n"
"meridian restarted.\n"
".SH KEYS\n"
"This list is generated from the configuration schema the daemons\n"
"use, so it names every key the parser accepts.\n";

static const char tail[] =
".SH EXAMPLES\n"
"A boundary clock between two networks, hardware timestamps:\n"
".PP\n"
".RS 4\n"
".EX\n"
"clock = {\n"
"\tdomain_number = 0;\n"
"\tservo = \"kalman\";\n"
"};\n"
"ports = (\n"
"\t{ interface = \"eth1\"; },\n"
"\t{ interface = \"eth2\"; log_sync_interval = \\-3; }\n"
");\n"
"logging = { level = \"info\"; };\n"
".EE\n"
".RE\n"
".SH FILES\n"
".TP\n"
".I /etc/meridian/meridian.conf\n"
"the configuration the daemons read by default\n"
".TP\n"
".I /etc/meridian/meridian.conf.example\n"
"every key, commented out, with its default\n"
".SH SEE ALSO\n"
".BR meridian (8),\n"
".BR portd (8),\n"
".BR bmcad (8),\n"
".BR clockd (8),\n"
".BR ptp\\-top (1)\n";

int main(int argc, char **argv)
{
	enum mconf_scope scope;

	if (argc != 3) {
		fprintf(stderr, "usage: gen-man-conf VERSION DATE\n");
		return 2;
	}
	printf(".\\\" Generated by gen-man-conf from common/config_schema.c:"
	       " do not edit.\n.\\\" Regenerate with: make man\n");
	printf(".TH MERIDIAN.CONF 5 %s \"Meridian %s\" \"File Formats\"\n",
	       argv[2], argv[1]);
	fputs(head, stdout);
	for (scope = 0; scope < MCONF_SCOPE_COUNT; scope++) {
		print_scope(scope, stdout);
	}
	fputs(tail, stdout);
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
