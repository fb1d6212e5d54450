#!/bin/bash
# 59-deb: `make deb` builds a Debian package that lintian accepts.
#   - make deb DEB_OUT=<tmp> builds it with dpkg-buildpackage (debhelper,
#     in a copy of the tree, without running the tests) and leaves the
#     tree as it was: `git status --porcelain` the same before and after
#   - dpkg-deb -c: meridian, portd, bmcad, clockd, meridian-exporter in
#     /usr/sbin, ptp-top in /usr/bin, the seven man pages, the unit under
#     /lib/systemd/system or /usr/lib/systemd/system (ExecStart=
#     /usr/sbin/meridian), the example configurations
#   - dpkg-deb -I: Depends: filled in by dh_shlibdeps (libzmq5, libconfig9,
#     ...) plus adduser; the maintainer scripts create the meridian system
#     user (adduser --system), enable the unit (deb-systemd-helper) and
#     remove the user on purge
#   - lintian: no error (E:) at all; its warnings are printed
#   - dpkg-deb -x into a temporary directory: the unpacked
#     binaries print the package's version for --version (meridian, portd,
#     bmcad, clockd, meridian-exporter, ptp-top), and usr/sbin/meridian
#     --check-config accepts the shipped example configurations; the
#     packaged unit passes systemd-analyze verify (ExecStart pointed at
#     the unpacked binary); the binaries carry Debian's hardening (PIE,
#     RELRO, BIND_NOW, fortified calls)
# The package is never installed here (no dpkg -i). Needs no root and no
# network namespace; takes a couple of minutes (one full build).
. "$(dirname "$0")/lib.sh"

for c in dpkg-buildpackage dh lintian dpkg-deb git make; do
	t_need "$c"
done
t_tmpdir TMP
cd "$TOP" || t_fail "cd $TOP"

# ---- build ------------------------------------------------------------------
before=$(git status --porcelain --ignored=no 2>&1)
start=$(date +%s)
make --no-print-directory deb DEB_OUT="$TMP/out" >"$TMP/build.log" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
tail -n 15 "$TMP/build.log"
echo "make deb: exit $rc after ${secs} s"
t_check "make deb succeeds (exit $rc, ${secs} s)" [ "$rc" -eq 0 ]
after=$(git status --porcelain --ignored=no 2>&1)
[ "$before" = "$after" ] || { echo "git status before:"; echo "$before";
			      echo "git status after:"; echo "$after"; }
t_check "git status is the same after make deb" [ "$before" = "$after" ]
t_check "nothing left in the tree by dpkg-buildpackage" \
	[ ! -e debian/files ] && [ ! -e debian/meridian ] && \
	[ ! -e debian/.debhelper ] && [ -z "$(ls ../meridian_*.deb \
		../meridian_*.changes ../meridian_*.buildinfo 2>/dev/null)" ]
DEB=$(ls "$TMP"/out/meridian_*.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] && [ -f "$DEB" ] || t_fail "no meridian_*.deb in $TMP/out"
echo "package: $DEB ($(stat -c %s "$DEB") bytes)"

# ---- contents ---------------------------------------------------------------
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$TMP/files"
has() { grep -qxF "$1" "$TMP/files"; }
for b in meridian portd bmcad clockd meridian-exporter; do
	t_check "/usr/sbin/$b in the package" has "/usr/sbin/$b"
done
t_check "/usr/bin/ptp-top in the package" has /usr/bin/ptp-top
for p in man8/meridian.8 man8/portd.8 man8/bmcad.8 man8/clockd.8 \
	 man8/meridian-exporter.8 man1/ptp-top.1 man5/meridian.conf.5; do
	t_check "man page /usr/share/man/$p.gz" has "/usr/share/man/$p.gz"
done
UNIT=$(grep -xE '(/usr)?/lib/systemd/system/meridian\.service' "$TMP/files")
t_check "systemd unit under /lib/systemd/system (${UNIT:-none})" \
	[ -n "$UNIT" ]
t_check "example /etc/meridian/meridian.conf.example" \
	has /etc/meridian/meridian.conf.example
for c in conf/*.conf; do
	t_check "example $(basename "$c") under /usr/share/doc/meridian/examples" \
		grep -qE "^/usr/share/doc/meridian/examples/$(basename "$c")(\.gz)?\$" \
		"$TMP/files"
done
t_check "/usr/share/doc/meridian/copyright" \
	has /usr/share/doc/meridian/copyright
t_check "no test helper (tests/tools) or build tool in the package" \
	bash -c "! grep -qE 'gen-man-conf|bus_sub|/tests/' '$TMP/files'"

# ---- control ----------------------------------------------------------------
dpkg-deb -I "$DEB" >"$TMP/info"
sed -n '/Package:/,$p' "$TMP/info"
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
for l in libc6 libzmq5 libconfig9 libnl-3-200 libsystemd0 libmicrohttpd12 \
	 libseccomp2 libcap-ng0 adduser; do
	t_check "Depends: has $l" grep -qE "(^|, )$l( |,|\$)" <<<"$DEPENDS"
done
t_check "Depends: has no unexpanded \${...}" \
	bash -c "! grep -q '\\\${' <<<'$DEPENDS'"
dpkg-deb -e "$DEB" "$TMP/control"
# (continued lines joined)
joined() { sed -e ':a' -e '/\\$/N; s/\\\n[[:space:]]*/ /; ta' "$1"; }
t_check "postinst creates the meridian system user (adduser --system)" \
	bash -c "$(declare -f joined); joined '$TMP/control/postinst' |
		grep -qE 'adduser .*--system.* meridian\$'"
t_check "postinst enables the unit (deb-systemd-helper)" \
	grep -q 'deb-systemd-helper.*meridian.service' "$TMP/control/postinst"
t_check "postinst enables the exporter's unit too" \
	grep -q 'deb-systemd-helper.*meridian-exporter.service' \
	"$TMP/control/postinst"
t_check "postrm removes the meridian user on purge" \
	grep -qE 'deluser .*meridian' "$TMP/control/postrm"
t_check "the example is a conffile" \
	grep -qx /etc/meridian/meridian.conf.example "$TMP/control/conffiles"

# ---- lintian -------------------------------------------------------------------
lintian --tag-display-limit 0 -I "$DEB" >"$TMP/lintian" 2>&1
lrc=$?
cat "$TMP/lintian"
errs=$(grep -c '^E: ' "$TMP/lintian")
infos=$(grep -c '^I: ' "$TMP/lintian")
warns=$(grep -c '^W: ' "$TMP/lintian")
echo "lintian: exit $lrc, $errs error(s), $warns warning(s), $infos info(s)"
t_check "lintian: no error (E:)" [ "$errs" -eq 0 ]
# (a failing exit without an E: line: lintian itself failed)
t_check "lintian ran (exit $lrc)" \
	bash -c "[ '$lrc' -eq 0 ] || [ '$errs' -gt 0 ]"

# ---- unpacked ------------------------------------------------------------------
dpkg-deb -x "$DEB" "$TMP/root"
M=$TMP/root/usr/sbin/meridian
VERSION=$(dpkg-deb -f "$DEB" Version)
out=$("$M" --version 2>&1)
echo "unpacked meridian --version: $out (package $VERSION)"
# (upstream 0.1.0-dev is Debian 0.1.0~dev: "~" sorts before the release)
t_check "unpacked meridian --version prints ${VERSION//\~/-}" \
	[ "$out" = "meridian ${VERSION//\~/-}" ]
"$M" --check-config "$TMP/root/etc/meridian/meridian.conf.example" \
	>"$TMP/check.out" 2>&1
rc=$?
cat "$TMP/check.out"
t_check "unpacked meridian --check-config accepts the shipped example" \
	[ "$rc" -eq 0 ]
for c in "$TMP"/root/usr/share/doc/meridian/examples/*.conf; do
	[ -f "$c" ] || continue
	"$M" --check-config "$c" >"$TMP/check.out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || cat "$TMP/check.out"
	t_check "--check-config accepts examples/$(basename "$c")" [ "$rc" -eq 0 ]
done
U=$TMP/root$UNIT
t_check "the unit starts /usr/sbin/meridian, which the package has" \
	grep -qx 'ExecStart=/usr/sbin/meridian -f /etc/meridian/meridian.conf' \
	"$U"
if command -v systemd-analyze >/dev/null; then
	sed "s|^ExecStart=/usr/sbin/meridian|ExecStart=$M|" "$U" \
		>"$TMP/meridian.service"
	systemd-analyze verify "$TMP/meridian.service" >"$TMP/verify" 2>&1
	rc=$?
	cat "$TMP/verify"
	t_check "systemd-analyze verify: the packaged unit (exit $rc)" \
		[ "$rc" -eq 0 -a ! -s "$TMP/verify" ]
	XU=$TMP/root${UNIT%/meridian.service}/meridian-exporter.service
	t_check "the exporter's unit is in the package" [ -f "$XU" ]
	t_check "the exporter's unit starts /usr/sbin/meridian-exporter as meridian" \
		bash -c "grep -qx 'ExecStart=/usr/sbin/meridian-exporter' '$XU' &&
			 grep -qx 'User=meridian' '$XU'"
	sed "s|^ExecStart=/usr/sbin/meridian-exporter|ExecStart=$TMP/root/usr/sbin/meridian-exporter|" \
		"$XU" >"$TMP/meridian-exporter.service"
	systemd-analyze verify "$TMP/meridian-exporter.service" \
		>"$TMP/verify-x" 2>&1
	rc=$?
	cat "$TMP/verify-x"
	t_check "systemd-analyze verify: the exporter's unit (exit $rc)" \
		[ "$rc" -eq 0 -a ! -s "$TMP/verify-x" ]
fi
# Debian's build flags (hardening=+all) reached the compiler and linker
for b in usr/sbin/meridian usr/sbin/portd usr/sbin/bmcad usr/sbin/clockd \
	 usr/sbin/meridian-exporter usr/bin/ptp-top; do
	f=$TMP/root/$b
	t_check "$b hardened: PIE, RELRO, BIND_NOW, _FORTIFY_SOURCE" \
		bash -c "readelf -h '$f' | grep -q 'Type: *DYN' &&
			readelf -lW '$f' | grep -q GNU_RELRO &&
			readelf -d '$f' | grep -q BIND_NOW &&
			nm -D '$f' | grep -q ' __[a-z]*_chk@'"
done
# every packaged binary prints the package's version (common/version.h is
# the one place it is written; debian/changelog must agree with it)
for b in usr/sbin/portd usr/sbin/bmcad usr/sbin/clockd \
	 usr/sbin/meridian-exporter usr/bin/ptp-top; do
	out=$("$TMP/root/$b" --version 2>&1)
	t_check "unpacked ${b##*/} --version prints ${VERSION//\~/-} ($out)" \
		[ "$out" = "${b##*/} ${VERSION//\~/-}" ]
done
t_done
