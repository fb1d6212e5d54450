#!/bin/bash
# 10-transports: common/xport over a veth pair between two namespaces.
#
# For udp4, udp6 (link-local only) and l2, to the E2E and to the peer-delay
# group: a receiver (xport_probe recv) in namespace B, a sender (xport_probe
# send) in namespace A. Checks that every message arrives on the right
# channel and group with a software RX timestamp, that every event message
# gets its TX timestamp (missing 0), and that each TX stamp belongs to its
# message: paired by sequenceId with the RX stamp on the other side (both
# CLOCK_REALTIME), RX - TX must lie in [0, 2.5 ms) while messages are sent
# 5 ms apart, so a stamp given to the wrong message would stand out.
# Repeated with --kernel-ids (the pre-SCM_TS_OPT_ID path). tshark, an
# independent dissector, checks addresses, TTL/hop limit and well-formed
# frames. Hardware mode on a veth must fail with a clear message.
. "$(dirname "$0")/lib.sh"
t_need_root
t_need ip
P=$TOOLS/xport_probe
[ -x "$P" ] || t_skip "$P not built (make)"
N=${XPORT_N:-40}

A=$(t_netns xpa)
B=$(t_netns xpb)
t_veth "$A" xpa0 "$B" xpb0 10.77.0.1 10.77.0.2
t_tmpdir D

has_ll() { ip -n "$1" -6 addr show dev "$2" scope link | grep -q inet6; }
t_wait_for 5 has_ll "$A" xpa0 || t_fail "no IPv6 link-local on xpa0"
t_wait_for 5 has_ll "$B" xpb0 || t_fail "no IPv6 link-local on xpb0"

# Independent capture of everything that reaches B.
CAP=""
if command -v tshark >/dev/null 2>&1; then
	CAP=$D/cap.pcapng
	t_bg "$B" tshark -q -i xpb0 -w "$CAP" \
		-f 'udp port 319 or udp port 320 or ether proto 0x88f7' \
		2>"$D/tshark.err"
	TSHARK_PID=$T_LAST_PID
	t_wait_for 10 grep -q "Capturing on" "$D/tshark.err" ||
		t_fail "tshark did not start: $(cat "$D/tshark.err")"
else
	echo "note: tshark not installed, capture checks skipped"
fi

# field NAME FILE: the number after NAME on the output line.
field() { sed -n "s/.*\\b$1 \\([0-9]*\\).*/\\1/p" "$2" | head -n 1; }
eq() { [ "$1" = "$2" ]; }

# pairs_ok TXDUMP RXDUMP: N pairs, each with 0 <= rx - tx < 2.5 ms.
pairs_ok() {
	join <(sort -k1,1 "$1") <(sort -k1,1 "$2") | awk -v n="$N" '
		{ d = $3 - $2; if (d < 0 || d >= 0.0025) bad++; k++
		  if (d > max) max = d }
		END { printf "  pairs %d bad %d max %.1f us\n", k, bad, max * 1e6
		      exit !(k == n && bad == 0) }'
}

declare -A SENT	# frames sent per transport/group, for the capture check

run_case() {
	local t=$1 grp=$2; shift 2
	local tag=$t-$grp${1:+-kids} popt=""
	[ "$grp" = p2p ] && popt=-p
	rm -f "$D/ready"
	t_bg "$B" "$P" -i xpb0 -t "$t" recv "$N" --timeout 15 \
		--ready "$D/ready" --dump "$D/rx.$tag" >"$D/rx.$tag.out" 2>&1
	local rpid=$T_LAST_PID
	t_wait_for 5 test -e "$D/ready" || {
		t_check "$tag: receiver started" false
		cat "$D/rx.$tag.out"
		return
	}
	ip netns exec "$A" "$P" -i xpa0 -t "$t" $popt "$@" send "$N" \
		--dump "$D/tx.$tag" >"$D/tx.$tag.out" 2>&1
	local src=$?
	wait "$rpid"
	local rrc=$?
	echo "== $tag"
	cat "$D/tx.$tag.out" "$D/rx.$tag.out"
	SENT[$t-$grp]=$(( ${SENT[$t-$grp]:-0} + 2 * N ))

	local tx=$D/tx.$tag.out rx=$D/rx.$tag.out
	t_check "$tag: sender ok" eq "$src" 0
	t_check "$tag: receiver ok" eq "$rrc" 0
	t_check "$tag: sent $N event + $N general" \
		eq "$(field sent_event "$tx") $(field sent_general "$tx")" "$N $N"
	t_check "$tag: TX stamp for every event message" \
		eq "$(field txts "$tx")" "$N"
	t_check "$tag: missing 0, late 0, unmatched 0, bad 0" \
		eq "$(field missing "$tx") $(field late "$tx") $(field unmatched "$tx") $(field txts_bad "$tx")" "0 0 0 0"
	t_check "$tag: received $N event + $N general" \
		eq "$(field rx_event "$rx") $(field rx_general "$rx")" "$N $N"
	t_check "$tag: every RX has a plausible software stamp" \
		eq "$(field rx_ts "$rx") $(field ts_bad "$rx")" "$((2 * N)) 0"
	t_check "$tag: no malformed messages" eq "$(field rx_bad "$rx")" 0
	t_check "$tag: all to the $grp group" \
		eq "$(field "rx_$grp" "$rx")" "$((2 * N))"
	t_check "$tag: TX stamp pairs with its message's RX stamp" \
		pairs_ok "$D/tx.$tag" "$D/rx.$tag"
	if [ "${1:-}" = --kernel-ids ]; then
		t_check "$tag: kernel OPT_ID counter mirrored" \
			grep -q "ids kernel" "$tx"
	fi
}

for t in udp4 udp6 l2; do
	for grp in e2e p2p; do
		run_case "$t" "$grp"
	done
	run_case "$t" e2e --kernel-ids
done
grep -h "ids " "$D"/tx.*.out | sed 's/.*ids /ids used: /' | sort | uniq -c

# Hardware timestamps on a veth: a clear refusal naming the interface.
for t in udp4 l2; do
	ip netns exec "$A" "$P" -i xpa0 -t "$t" -H send 1 >"$D/hw.$t" 2>&1
	rc=$?
	cat "$D/hw.$t"
	t_check "$t: hardware mode on veth fails" eq "$rc" 1
	t_check "$t: ...saying why" grep -q \
		"xpa0: no hardware timestamping (ethtool -T shows software only)" \
		"$D/hw.$t"
done
ip netns exec "$A" "$P" -i nosuch0 send 1 >"$D/nodev" 2>&1
t_check "unknown interface is named" grep -q "nosuch0: no such interface" \
	"$D/nodev"

# The capture, read by Wireshark's dissectors.
if [ -n "$CAP" ]; then
	sleep 0.5
	kill -INT "$TSHARK_PID" 2>/dev/null
	wait "$TSHARK_PID" 2>/dev/null
	# Frames matching a display filter; "error" if tshark rejects it.
	count() {
		local out
		out=$(tshark -r "$CAP" -Y "$1" 2>"$D/tshark.r.err") || {
			cat "$D/tshark.r.err" >&2
			echo error
			return
		}
		[ -z "$out" ] && echo 0 || echo "$out" | wc -l
	}
	echo "capture: $(count ptp) PTP frames"
	E2E_UDP4=$((${SENT[udp4-e2e]}))
	P2P_UDP4=$((${SENT[udp4-p2p]}))
	E2E_UDP6=$((${SENT[udp6-e2e]}))
	P2P_UDP6=$((${SENT[udp6-p2p]}))
	E2E_L2=$((${SENT[l2-e2e]}))
	P2P_L2=$((${SENT[l2-p2p]}))
	t_check "tshark: udp4 E2E to 224.0.1.129, ttl 1" eq "$(count \
		'ptp && ip.dst == 224.0.1.129 && ip.ttl == 1')" "$E2E_UDP4"
	t_check "tshark: udp4 P2P to 224.0.0.107, ttl 1" eq "$(count \
		'ptp && ip.dst == 224.0.0.107 && ip.ttl == 1')" "$P2P_UDP4"
	t_check "tshark: udp6 E2E to ff0e::181, hop limit 1" eq "$(count \
		'ptp && ipv6.dst == ff0e::181 && ipv6.hlim == 1')" "$E2E_UDP6"
	t_check "tshark: udp6 P2P to ff02::6b, hop limit 1" eq "$(count \
		'ptp && ipv6.dst == ff02::6b && ipv6.hlim == 1')" "$P2P_UDP6"
	t_check "tshark: l2 E2E to 01:1b:19:00:00:00" eq "$(count \
		'ptp && eth.type == 0x88f7 && eth.dst == 01:1b:19:00:00:00')" \
		"$E2E_L2"
	t_check "tshark: l2 P2P to 01:80:c2:00:00:0e" eq "$(count \
		'ptp && eth.type == 0x88f7 && eth.dst == 01:80:c2:00:00:0e')" \
		"$P2P_L2"
	UDP_ALL=$((E2E_UDP4 + P2P_UDP4 + E2E_UDP6 + P2P_UDP6))
	t_check "tshark: half the UDP messages are events on port 319" \
		eq "$(count 'ptp && ptp.v2.messagetype < 8 && udp.dstport == 319')" \
		"$((UDP_ALL / 2))"
	t_check "tshark: event messages on port 319 only" eq "$(count \
		'ptp && ptp.v2.messagetype < 8 && udp && udp.dstport != 319')" 0
	t_check "tshark: general messages on port 320 only" eq "$(count \
		'ptp && ptp.v2.messagetype >= 8 && udp && udp.dstport != 320')" 0
	t_check "tshark: no malformed frames" eq "$(count '_ws.malformed')" 0
fi
t_done
