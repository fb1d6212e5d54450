#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""help2man.py - a man(7) page from a Meridian binary's --help text.

    man/help2man.py NAME SECTION VERSION DATE <HELP >PAGE

Each binary's --help is its manual (NAME .. EXAMPLES, sections in capitals
at column 0, text indented 2), so the page is made from it and cannot
drift from it: tests/integration/56-man-pages.sh regenerates every page
and fails on any difference. The layout rules:

  a capitals line at column 0        .SH
  NAME                               "name \\- what"
  SYNOPSIS, EXAMPLES                 kept as they are (no fill)
  "  TAG  text", more lines indented  a tagged paragraph (.TP): options,
   past the tag's column                signals, exit statuses, files
  "  --opt ARG" alone, text below    a tagged paragraph too
  other lines at the tag's indent    prose (filled); a blank line: .PP
  lines indented past the prose      kept as they are (no fill)
"""
import re
import sys

SEE_ALSO = {
    "meridian": ["portd(8)", "bmcad(8)", "clockd(8)", "ptp-top(1)",
                 "meridian.conf(5)"],
    "portd": ["meridian(8)", "bmcad(8)", "clockd(8)", "ptp-top(1)",
              "meridian.conf(5)", "ptp4l(8)", "pmc(8)"],
    "bmcad": ["meridian(8)", "portd(8)", "clockd(8)", "ptp-top(1)",
              "meridian.conf(5)"],
    "clockd": ["meridian(8)", "portd(8)", "bmcad(8)", "ptp-top(1)",
               "meridian.conf(5)", "phc2sys(8)"],
    "ptp-top": ["meridian(8)", "portd(8)", "bmcad(8)", "clockd(8)",
                "meridian.conf(5)", "jq(1)"],
    "meridian-exporter": ["meridian(8)", "ptp-top(1)", "meridian.conf(5)",
                          "prometheus(1)", "promtool(1)"],
}
TITLE = {"1": "User Commands", "8": "System Manager's Manual"}
VERBATIM = {"SYNOPSIS", "EXAMPLES"}
TAG = re.compile(r"^( +)(\S+(?: \S+)*)  +(\S.*)$")
TAG_ALONE = re.compile(r"^( +)(-\S.*)$")


def esc(s):
    """Text for a roff line: \\ as \\e, a dash starting a word as \\-."""
    s = s.replace("\\", "\\e")
    s = re.sub(r"(^|(?<=[\s(\[|'\"=,]))-", r"\\-", s)
    s = re.sub(r"(?<=\\-)-", r"\\-", s)
    if s.startswith(".") or s.startswith("'"):
        s = "\\&" + s
    return s


def tag_roff(tag):
    """An option tag in bold, its arguments in italics; other tags bold."""
    if not tag.startswith("-"):
        return "\\fB" + esc(tag) + "\\fR"
    out = []
    for w in tag.split(" "):
        comma = w.endswith(",")
        w = w.rstrip(",")
        if w.startswith("-"):
            out.append("\\fB" + esc(w) + "\\fR")
        else:
            out.append("\\fI" + esc(w) + "\\fR")
        if comma:
            out[-1] += ","
    return " ".join(out)


def indent(line):
    return len(line) - len(line.lstrip(" "))


def section(name, lines, out):
    """The body of one section: lines as printed, indent included."""
    if name == "NAME":
        text = " ".join(l.strip() for l in lines if l.strip())
        prog, _, what = text.partition(" - ")
        out.append(esc(prog) + " \\- " + esc(what))
        return
    if name in VERBATIM:
        while lines and not lines[-1].strip():
            lines.pop()
        out.append(".nf")
        for l in lines:
            out.append(esc(l[2:]) if l.strip() else "")
        out.append(".fi")
        return
    mode = None		# None, "prose", "tag", "verbatim"
    base = None		# the indent of prose and tags
    col = 0			# a tag's text column
    pending_pp = False
    for l in lines:
        if not l.strip():
            if mode == "verbatim":
                out.append(".fi")
            if mode is not None:
                pending_pp = True
            mode = None
            continue
        ind = indent(l)
        if base is None:
            base = ind
        m = TAG.match(l)
        ma = TAG_ALONE.match(l)
        if mode == "tag" and ind > base and not ((m or ma) and ind < col):
            out.append(esc(l.strip()))
            col = min(col, ind)
            continue
        if mode == "verbatim" and ind > base:
            out.append(esc(l[base:]))
            continue
        if mode == "verbatim":
            out.append(".fi")
            pending_pp = True
            mode = None
        if (m or ma) and ind >= base and (mode != "prose" or ind > base):
            tag = (m or ma).group(2)
            out.append(".TP")
            out.append(tag_roff(tag))
            col = 999	# a tag alone: its text's column is the next line's
            if m:
                out.append(esc(m.group(3)))
                col = len(l) - len(m.group(3))
            mode = "tag"
            pending_pp = False
            if base is None or ind < base:
                base = ind
            continue
        if ind > base:
            if pending_pp or mode == "prose":
                out.append(".PP")
            out.append(".nf")
            out.append(esc(l[base:]))
            mode = "verbatim"
            pending_pp = False
            continue
        if pending_pp or mode == "tag":
            out.append(".PP")
        pending_pp = False
        mode = "prose"
        out.append(esc(l.strip()))
    if mode == "verbatim":
        out.append(".fi")


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: help2man.py NAME SECTION VERSION DATE <HELP >PAGE")
    prog, sect, version, date = sys.argv[1:]
    text = sys.stdin.read().split("\n")
    out = [
        '.\\" Generated from "%s \\-\\-help" by man/help2man.py: do not'
        ' edit.' % prog,
        '.\\" Regenerate with: make man',
        '.TH %s %s %s "Meridian %s" "%s"'
        % (esc(prog.upper()), sect, date, version, TITLE[sect]),
    ]
    name, body = None, []
    for l in text + ["END"]:
        if re.match(r"^[A-Z][A-Z ]*$", l):
            if name:
                out.append('.SH "%s"' % name if " " in name
                           else ".SH " + name)
                section(name, body, out)
            name, body = l, []
        else:
            body.append(l)
    out.append(".SH \"SEE ALSO\"")
    refs = SEE_ALSO[prog]
    for i, r in enumerate(refs):
        page, _, s = r.partition("(")
        out.append(".BR %s (%s%s" % (esc(page), s,
                                     "," if i + 1 < len(refs) else ""))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
