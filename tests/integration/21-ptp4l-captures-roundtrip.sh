#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# 21-ptp4l-captures-roundtrip: bytes written by linuxptp (ptp4l, pmc) and
# ptpd, decoded and re-encoded by our codec, must come back identical.
#
# 1. Every capture in tests/fixtures/ (made by scripts/capture-fixtures:
#    UDPv4/UDPv6/802.3, E2E and P2P, unicast negotiation, gPTP-style TLVs,
#    pmc management GETs/RESPONSEs/error statuses, ptpd as master) through
#    build/tests/tools/pcap_codec: every message decoded, every TLV through
#    its typed decoder and encoder (raw where there is none), re-packed,
#    compared octet for octet. The linuxptp-only captures are compared
#    strictly (-s: even reserved octets). The ptpd capture is compared with
#    the body's reserved octets aside, because ptpd 2.3.1 sends Announce's
#    reserved octet non-zero (1588: ignored on receipt, and our codec
#    writes 0); the TLVs are compared strictly there too.
# 2. The fixtures still hold what they were made for (management, error
#    statuses, unicast negotiation, PATH_TRACE, organization extensions,
#    peer delay), each TLV decoded by its typed decoder.
# 3. Live: 10 s of fresh ptp4l traffic (grandmaster and free-running slave
#    in two namespaces, UDPv4 E2E, pmc GETs over the wire) captured with
#    tshark and judged the same way, so the fixtures cannot go stale
#    against the ptp4l installed here.
# 4. Controls: a fixture with one Announce's reserved octet set is
#    "different" under -s and "identical" without it; one with
#    versionPTP 3 is "rejected".
. "$(dirname "$0")/lib.sh"

CODEC=$TOOLS/pcap_codec
FIX=$TOP/tests/fixtures
[ -x "$CODEC" ] || t_fail "$CODEC not built (make tools)"
ls "$FIX"/*.pcap >/dev/null 2>&1 || t_fail "no captures in $FIX"
t_tmpdir D

# The closing line of pcap_codec.
SUMMARY='^([0-9]+) messages, ([0-9]+) identical, ([0-9]+) different, ([0-9]+) rejected$'
# summary_is FILE DIFFERENT REJECTED: its closing line says so.
summary_is() {
	[[ "$(tail -n 1 "$1")" =~ $SUMMARY ]] &&
		[ "${BASH_REMATCH[3]}" = "$2" ] && [ "${BASH_REMATCH[4]}" = "$3" ]
}

# judge NAME [pcap_codec options] FILE...: all identical, none rejected.
judge() {
	local name=$1 out=$D/$1.out last; shift
	"$CODEC" "$@" >"$out" 2>&1
	local rc=$?
	# Everything, hex diffs included, when it fails; the summary if not.
	if [ $rc -ne 0 ]; then
		head -n 120 "$out"
	else
		grep -vE '^    ' "$out" | head -n 40
	fi
	last=$(tail -n 1 "$out")
	[ $rc -eq 0 ] &&
		[[ "$last" =~ $SUMMARY ]] &&
		[ "${BASH_REMATCH[1]}" -gt 0 ] &&
		[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
}

# ---- 1. fixtures ------------------------------------------------------
for f in "$FIX"/*.pcap; do
	n=$(basename "$f" .pcap)
	case $n in
	ptpd-*) opt=() ;;
	*) opt=(-s) ;;
	esac
	t_check "$n: every message re-encodes identically ${opt[*]}" \
		judge "$n" "${opt[@]}" "$f"
done

# ---- 2. what the fixtures cover ---------------------------------------
"$CODEC" "$FIX"/*.pcap >"$D/all.out" 2>&1
sed -n '/^all files:/,$p' "$D/all.out"
# covered LABEL: "TLV LABEL: N (N typed)" with N > 0 and all typed.
covered() {
	local l
	l=$(sed -n '/^all files:/,$p' "$D/all.out" | grep "^  TLV $1: ")
	[[ "$l" =~ :\ ([0-9]+)\ \(([0-9]+)\ typed\) ]] &&
		[ "${BASH_REMATCH[1]}" -gt 0 ] &&
		[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
}
for tlv in MANAGEMENT_ERROR_STATUS REQUEST_UNICAST GRANT_UNICAST PATH_TRACE \
	   ORGANIZATION_EXTENSION; do
	t_check "fixtures hold $tlv TLVs, all through the typed codec" \
		covered "$tlv"
done
t_check "fixtures hold management data sets through the typed codec" \
	grep -qE '^  management TLVs: [1-9][0-9]* typed' "$D/all.out"
for type in PDELAY_REQ PDELAY_RESP PDELAY_RESP_FOLLOW_UP DELAY_RESP \
	    SIGNALING MANAGEMENT; do
	t_check "fixtures hold $type messages" \
		grep -qE "^all files: .* $type [1-9]" "$D/all.out"
done

# ---- 4. controls ------------------------------------------------------
# Patch the first message of type TYPE in IN: octet OFF of the PTP message
# gets VALUE. Ethernet + IPv4/UDP or 0x88F7 frames, as the fixtures are.
patch_first() {
	perl -e '
	my ($in, $out, $type, $off, $val) = @ARGV;
	local $/; open(F, "<", $in) or die; binmode F; my $d = <F>;
	my $p = 24;
	while ($p + 16 <= length($d)) {
		my $incl = unpack("V", substr($d, $p + 8, 4));
		my $f = $p + 16;
		my $et = unpack("n", substr($d, $f + 12, 2));
		my $m = $et == 0x88f7 ? $f + 14 :
			$et == 0x0800 ? $f + 14 + 20 + 8 : -1;
		if ($m > 0 && (ord(substr($d, $m, 1)) & 0xf) == $type) {
			substr($d, $m + $off, 1) = chr($val);
			open(O, ">", $out) or die; binmode O; print O $d;
			exit 0;
		}
		$p = $f + $incl;
	}
	exit 1;' "$@"
}
if patch_first "$FIX/udp4-e2e.pcap" "$D/resv.pcap" 11 46 94 &&
   patch_first "$FIX/udp4-e2e.pcap" "$D/ver.pcap" 0 1 3; then
	"$CODEC" -s "$D/resv.pcap" >"$D/resv-s.out" 2>&1
	t_check "control: a set reserved octet is different with -s" \
		summary_is "$D/resv-s.out" 1 0
	"$CODEC" "$D/resv.pcap" >"$D/resv.out" 2>&1
	t_check "control: ... and identical but noted without -s" \
		grep -q '^  1 identical but for reserved octets' "$D/resv.out"
	"$CODEC" -s "$D/ver.pcap" >"$D/ver.out" 2>&1
	t_check "control: versionPTP 3 is rejected" \
		summary_is "$D/ver.out" 0 1
else
	t_check "controls: could patch the fixture" false
fi

# ---- 3. live ----------------------------------------------------------
live() {
	local gm sl cfg
	local c
	for c in ptp4l pmc ip; do
		command -v $c >/dev/null || { echo "live: no $c"; return 2; }
	done
	[ "$(id -u)" -eq 0 ] || { echo "live: needs root"; return 2; }
	# Not $(t_netns ...): the namespace must be registered for cleanup
	# in this shell, not in a command substitution's subshell.
	t_netns rtgm >/dev/null && t_netns rtsl >/dev/null || return 1
	gm=rtgm-$T_ID
	sl=rtsl-$T_ID
	t_veth "$gm" "rtg$T_ID" "$sl" "rts$T_ID" 192.0.2.1 192.0.2.2
	for role in gm sl; do
		cfg=$D/$role.cfg
		{
			printf '[global]\nfree_running 1\nkernel_leap 0\n'
			printf 'logAnnounceInterval -2\nlogSyncInterval -3\n'
			printf 'logMinDelayReqInterval -3\n'
			printf 'uds_address %s/ptp4l-%s.sock\n' "$D" "$role"
			if [ $role = gm ]; then
				printf 'priority1 1\n'
			else
				printf 'slaveOnly 1\n'
			fi
		} >"$cfg"
	done
	t_bg "$gm" tshark -q -i "rtg$T_ID" -F pcap -w "$D/live.pcap" \
		-f 'udp port 319 or udp port 320 or ether proto 0x88f7' \
		2>"$D/tshark.err"
	local tshark_pid=$T_LAST_PID
	t_wait_for 15 grep -q "Capturing on" "$D/tshark.err" ||
		{ cat "$D/tshark.err"; return 1; }
	t_bg "$gm" ptp4l -S -4 -i "rtg$T_ID" -f "$D/gm.cfg" -m \
		>"$D/gm.log" 2>&1
	local gm_pid=$T_LAST_PID
	t_bg "$sl" ptp4l -S -4 -i "rts$T_ID" -f "$D/sl.cfg" -m \
		>"$D/sl.log" 2>&1
	local sl_pid=$T_LAST_PID
	sleep 5
	ip netns exec "$sl" pmc -4 -b 1 -i "rts$T_ID" \
		'GET DEFAULT_DATA_SET' 'GET CURRENT_DATA_SET' \
		'GET PARENT_DATA_SET' 'GET TIME_PROPERTIES_DATA_SET' \
		'GET PORT_DATA_SET' 'GET CLOCK_DESCRIPTION' \
		'GET PORT_PROPERTIES_NP' >"$D/pmc.log" 2>&1
	sleep 5
	kill "$gm_pid" "$sl_pid" 2>/dev/null
	sleep 0.5
	kill -INT "$tshark_pid" 2>/dev/null
	wait "$tshark_pid" 2>/dev/null
	grep -c 'RESPONSE MANAGEMENT' "$D/pmc.log" |
		sed 's/^/live: pmc responses: /'
	return 0
}
live
rc=$?
if [ $rc -eq 2 ]; then
	echo "live capture skipped"
else
	t_check "live: ptp4l traffic captured" \
		test $rc -eq 0 -a -s "$D/live.pcap"
	t_check "live: fresh ptp4l and pmc traffic re-encodes identically -s" \
		judge live -s "$D/live.pcap"
	t_check "live: capture holds management responses" \
		grep -qE '^  TLV MANAGEMENT: [1-9]' "$D/live.out"
fi

t_done
