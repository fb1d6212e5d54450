#!/bin/bash
# 56-man-pages: the man pages are one source of truth with the code.
#   - man/gen-pages regenerates every page (meridian.conf.5 from the config
#     schema by build/man/gen-man-conf, the others from each binary's
#     --help by man/help2man.py): the committed pages must be the same,
#     byte for byte (a new key, default or option without `make man` fails)
#   - mandoc -T lint says nothing about any page
#   - every key of `meridian --check-config --print-config` (the defaults
#     the parser really fills in) is in meridian.conf(5) with that default,
#     and the page documents no key the parser does not know
#   - make install DESTDIR=... installs the binaries, the six pages under
#     PREFIX/share/man/man{1,5,8} and the example configuration
# Needs no root and no network namespace.
. "$(dirname "$0")/lib.sh"

t_need mandoc
t_need python3
M=$BIN/meridian
GEN=$TOP/$BUILD/man/gen-man-conf
[ -x "$M" ] || t_fail "$M not built (run make)"
[ -x "$GEN" ] || t_fail "$GEN not built (run make)"
t_tmpdir TMP
PAGES="meridian.8 portd.8 bmcad.8 clockd.8 ptp-top.1 meridian.conf.5
	meridian-exporter.8"

# ---- regenerate and compare ---------------------------------------------
"$TOP/man/gen-pages" "$TOP/$BUILD" "$TMP/regen" 2>"$TMP/regen.err"
t_check "man/gen-pages runs" [ $? -eq 0 ]
for p in $PAGES; do
	if ! diff -u "$TOP/man/$p" "$TMP/regen/$p" >"$TMP/diff.$p" 2>&1; then
		echo "man/$p differs from a regenerated one (run make man):"
		head -n 30 "$TMP/diff.$p"
	fi
	t_check "man/$p is what man/gen-pages makes now" \
		[ ! -s "$TMP/diff.$p" ]
done

# ---- mandoc -T lint ---------------------------------------------------------
for p in $PAGES; do
	mandoc -T lint "$TOP/man/$p" >"$TMP/lint.$p" 2>&1
	rc=$?
	cat "$TMP/lint.$p"
	t_check "mandoc -T lint man/$p: clean (rc $rc)" \
		[ $rc -eq 0 -a ! -s "$TMP/lint.$p" ]
done

# ---- every key with its default ---------------------------------------------
echo 'ports = ({ interface = "e"; });' >"$TMP/min.conf"
"$M" --check-config "$TMP/min.conf" --print-config >"$TMP/print" 2>&1
t_check "meridian --check-config --print-config on a minimal file" \
	[ $? -eq 0 ]
# scope.key<TAB>value, the effective configuration of a minimal file
awk '
	/^clock = \{/ { s = "clock." } /^ports = \(/ { s = "ports[]." }
	/^ipc = \{/ { s = "ipc." } /^logging = \{/ { s = "logging." }
	/^\t+[a-z0-9_]+ = .*;$/ {
		sub(/^\t+/, ""); k = $1; sub(/^[^=]*= /, ""); sub(/;$/, "")
		print s k "\t" $0
	}' "$TMP/print" | sort >"$TMP/want"
# scope.key<TAB>default (or <TAB>REQUIRED), as meridian.conf(5) says
awk '
	/^\.TP$/ { tp = 1; next }
	tp && /^\.B / { key = substr($0, 4); tp = 0; next }
	{ tp = 0 }
	key != "" && /^Required:/ { print key "\tREQUIRED"; key = ""; next }
	key != "" && /^Default: \\fB/ {
		v = $0; sub(/^Default: \\fB/, "", v); sub(/\\fR.*$/, "", v)
		gsub(/\\-/, "-", v); gsub(/\\e/, "\\", v)
		print key "\t" v; key = ""
	}' "$TOP/man/meridian.conf.5" | sort >"$TMP/page"
nwant=$(wc -l <"$TMP/want")
npage=$(wc -l <"$TMP/page")
echo "keys: $nwant from --print-config, $npage in meridian.conf(5)"
t_check "--print-config lists keys ($nwant)" [ "$nwant" -gt 50 ]
missing=0 wrong=0 extra=0
while IFS=$'\t' read -r key val; do
	doc=$(awk -F'\t' -v k="$key" '$1 == k { print $2 }' "$TMP/page")
	if [ -z "$doc" ]; then
		echo "missing from meridian.conf(5): $key (default $val)"
		missing=$((missing + 1))
	elif [ "$doc" != REQUIRED ] && [ "$doc" != "$val" ]; then
		echo "wrong default in meridian.conf(5): $key: page says" \
		     "$doc, the parser $val"
		wrong=$((wrong + 1))
	fi
done <"$TMP/want"
while IFS=$'\t' read -r key val; do
	if ! awk -F'\t' -v k="$key" '$1 == k { f = 1 } END { exit !f }' \
		"$TMP/want"; then
		echo "in meridian.conf(5) but unknown to the parser: $key"
		extra=$((extra + 1))
	fi
done <"$TMP/page"
t_check "every key is in meridian.conf(5) ($missing missing)" \
	[ $missing -eq 0 ]
t_check "every default in meridian.conf(5) is the parser's ($wrong wrong)" \
	[ $wrong -eq 0 ]
t_check "meridian.conf(5) names no unknown key ($extra)" [ $extra -eq 0 ]

# same_644 INSTALLED SOURCE: mode 644 and the same bytes
same_644() {
	[ "$(stat -c %a "$1" 2>/dev/null)" = 644 ] && cmp -s "$1" "$2"
}

# ---- make install into a DESTDIR --------------------------------------------
D=$TMP/dest
make -C "$TOP" --no-print-directory install DESTDIR="$D" PREFIX=/usr \
	SYSCONFDIR=/etc >"$TMP/install.log" 2>&1
rc=$?
tail -n 5 "$TMP/install.log"
t_check "make install DESTDIR=... PREFIX=/usr: exit 0 (rc $rc)" [ $rc -eq 0 ]
for f in sbin/meridian sbin/portd sbin/bmcad sbin/clockd bin/ptp-top \
	sbin/meridian-exporter; do
	t_check "installed /usr/$f, executable" [ -x "$D/usr/$f" ]
done
for p in $PAGES; do
	f=$D/usr/share/man/man${p##*.}/$p
	t_check "installed /usr/share/man/man${p##*.}/$p, mode 644, the same" \
		same_644 "$f" "$TOP/man/$p"
done
t_check "installed /etc/meridian/meridian.conf.example" \
	cmp -s "$D/etc/meridian/meridian.conf.example" "$TOP/conf/meridian.conf"
n=$(find "$D" -type f | wc -l)
t_check "nothing else installed ($n files, want 14)" [ "$n" -eq 14 ]
# man(1) finds the installed pages by path
MANWIDTH=80 man --warnings -l "$D/usr/share/man/man5/meridian.conf.5" \
	>"$TMP/rendered" 2>"$TMP/man.err"
t_check "man -l renders meridian.conf(5) without warnings" \
	[ ! -s "$TMP/man.err" -a -s "$TMP/rendered" ]
t_check "the rendered page has clock.priority1" \
	grep -q "clock.priority1" "$TMP/rendered"
cat "$TMP/man.err"

t_done
