#!/bin/bash
# 47-bc-bad-input: bad input never takes the boundary clock down.
#
# 1. Bad configs: `meridian -f BAD` (priority1 300; a misspelt key in the
#    third port) exits 1
#    with FILE:LINE (the right line) and starts NOTHING: --bindir points
#    at wrappers of bmcad, clockd and portd that write their name to a
#    file before anything else, and the file stays empty; the run
#    directory holds no socket. (A port on an interface the box does not
#    have is not a bad config: the supervisor starts the appliance and
#    that portd is restarted until the interface appears or meridian
#    gives up on it; test 41 relies on that.)
# 2. The appliance of test 44 (ns gm: ptp4l grandmaster to b1; ns s1: a
#    free-running ptp4l slave on b2; ns x3: a hostile host on b3's link),
#    converged, is fed garbage:
#    - on the network, from x3 to b3: 20 s of Announces from 1000 random
#      identities (tests/tools/announce_flood, priority1 255, so they
#      lose to the grandmaster), and random UDP datagrams to ports 319
#      and 320, multicast and unicast;
#    - on the bus: tests/tools/bus_port --garbage to RUNDIR/bmca.sock
#      (bmcad's ROUTER: random frames, lone frames, Erbests of ports that
#      do not exist), and tests/tools/bus_garbage publishing undecodable
#      `clock/servo/` messages into RUNDIR/pub.sock (every portd and
#      bmcad subscribe to that topic).
#    Checked: every daemon keeps its pid; each one counts what it refused
#    (b3's rx_err in its summary and in ptp-top --once --json; "refused"
#    log lines with their running counts from every portd and bmcad);
#    b3 (rx_budget_pps_per_source 300, half of what x3 sends) drops the
#    excess unparsed, and ptp-top's JSON shows it (dropped_by rate_limit,
#    from the bus's port-status: the drops are there, not only in the
#    log);
#    the BC stays converged (b1 SLAVE LOCKED, b2 b3 MASTER, the same
#    grandmaster), the TRUE error of every PHC stays within 20 us (it is
#    ~1 us when locked; a PHC that lost its lock or was stepped leaves it
#    at once), and s1 keeps the BC as parent with median |offset| within 2 us and at most 1 in 10 beyond 10 us
#    (max printed: the garbage costs CPU on a 2-core machine, and software
#    timestamps see it; at 1200 bad datagrams/s s1 saw single 28 us
#    offsets, at the ~600/s used here a few us).
. "$(dirname "$0")/portd-lib.sh"
. "$(dirname "$0")/bc-lib.sh"
pl_need ptp4l pmc python3 pgrep
AFLOOD=$TOOLS/announce_flood
BUSPORT=$TOOLS/bus_port
BUSGARB=$TOOLS/bus_garbage
for x in "$BIN/clockd" "$BIN/bmcad" "$BIN/ptp-top" "$AFLOOD" "$BUSPORT" \
	 "$BUSGARB"; do
	[ -x "$x" ] || t_fail "$x not built"
done
CONV_TIMEOUT=${CONV_TIMEOUT:-60}

pl_ns p47gm; GM=$PL_NS
pl_ns p47bc; BC=$PL_NS
pl_ns p47s1; S1=$PL_NS
pl_ns p47x3; X3=$PL_NS
pl_link "$GM" gA "$BC" b1 10.47.1.1 10.47.1.2
pl_link "$BC" b2 "$S1" d1 10.47.2.1 10.47.2.2
pl_link "$BC" b3 "$X3" x3 10.47.3.1 10.47.3.2
GM_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$GM" gA)")")
BC_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$BC" b1)")")

RUN=$PL_DIR/run
# conf FILE PRIORITY1 [EXTRA LINE OF b3] [INTERFACE OF b3]
conf() {
	bc_conf_text linreg "$RUN" "$2" "$(bc_port b1 30000.0 2000000)" \
		"$(bc_port b2 -20000.0 -3000000)" \
		"$(bc_port "${4:-b3}" 50000.0 4000000 -3 "" "${3:-}")" >"$1"
}

echo "== bad configs start nothing"
WRAP=$PL_DIR/wrap
STARTED=$PL_DIR/started
mkdir -p "$WRAP"
: >"$STARTED"
for p in bmcad clockd portd; do
	printf '#!/bin/sh\necho %s >>%s\nexec %s "$@"\n' "$p" "$STARTED" \
		"$BIN/$p" >"$WRAP/$p"
	chmod +x "$WRAP/$p"
done
conf "$PL_DIR/bad-prio.conf" 300
conf "$PL_DIR/bad-key.conf" 100 'annouce_receipt_timeout = 3;'
bad_run() {	# NAME FILE LINE_REGEX
	local f=$2 rc line
	line=$(grep -nE "$3" "$f" | head -n 1 | cut -d: -f1)
	ip netns exec "$BC" timeout 10 "$MERIDIAN" -f "$f" --bindir "$WRAP" \
		>"$f.out" 2>&1
	rc=$?
	echo "$1: exit $rc: $(head -n 3 "$f.out" | tr '\n' ' ')"
	t_check "$1: meridian exits 1 ($rc)" test "$rc" = 1
	t_check "$1: the message names $f:$line" grep -qF "$f:$line" "$f.out"
	t_check "$1: no child started ($(tr '\n' ' ' <"$STARTED"))" \
		test ! -s "$STARTED"
	t_check "$1: no socket in the run directory" \
		test -z "$(find "$RUN" -name '*.sock' 2>/dev/null)"
}
bad_run "priority1 300" "$PL_DIR/bad-prio.conf" 'priority1 = 300'
bad_run "misspelt key in the third port" "$PL_DIR/bad-key.conf" \
	'annouce_receipt_timeout'
# and the wrappers do work: a good config starts everything through them.
# b3's per-sender budget is below what x3 sends (~400 Announces and ~200
# datagrams a second), so the flood must show in its drop counters.
conf "$PL_DIR/bc.conf" 100 'rx_budget_pps_per_source = 300;'
t_check "the good config passes --check-config" \
	"$MERIDIAN" --check-config "$PL_DIR/bc.conf"

echo "== the appliance"
: >"$STARTED"
pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10
pl_ptp4l "$GM" "$PL_DIR/gm.cfg" gA gm -4
pl_ptp4l_conf "$PL_DIR/s1.cfg" s1 priority1 250 slaveOnly 1
t_bg "$BC" "$MERIDIAN" -f "$PL_DIR/bc.conf" --bindir "$WRAP" \
	>"$PL_DIR/meridian.log" 2>&1
MER_PID=$T_LAST_PID
pl_ptp4l "$S1" "$PL_DIR/s1.cfg" d1 s1 -4

st_of() { bc_state "$1"; }
converged() {
	bc_converged -k 3 b1 b2 b3 &&
		[ "$(pl_cid_norm "$(pl_sum "$(bc_sum b1)" gm)")" = "$GM_CID" ]
}
s1_parent_ok() {
	pl_pmc_uds s1 "$PL_DIR/s1.pmc" 'GET PARENT_DATA_SET'
	local gm par
	gm=$(awk '$1 == "grandmasterIdentity" { print $2 }' "$PL_DIR/s1.pmc")
	par=$(awk '$1 == "parentPortIdentity" { print $2 }' "$PL_DIR/s1.pmc")
	[ "$(pl_cid_norm "$gm")" = "$GM_CID" ] &&
		[ "$(pl_cid_norm "${par%-*}")" = "$BC_CID" ]
}
pids() {
	local p
	local c=$PL_DIR/bc.conf
	for p in "bmcad -f $c" "clockd -f $c" "portd -f $c -i b1" \
		 "portd -f $c -i b2" "portd -f $c -i b3"; do
		echo "$(pgrep -f "/$p( |\$)" | tr '\n' ,)"
	done | tr '\n' ' '
}
top_json() {
	ip netns exec "$BC" "$BIN/ptp-top" --rundir "$RUN" --once --json \
		>"$PL_DIR/top.json" 2>"$PL_DIR/top.err"
}
top_rxerr() {	# IFACE
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print([p.get("rx_err") for p in d["ports"] if p["iface"] == sys.argv[2]][0])' \
		"$PL_DIR/top.json" "$1"
}
# top_dropped IFACE: "RATE_LIMIT SUM OK" of the port's drop counters in the
# JSON (-1 when absent); OK is 1 when dropped is the sum of dropped_by.
top_dropped() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
p = [p for p in d["ports"] if p["iface"] == sys.argv[2]][0]
by = p.get("dropped_by") or {}
print(by.get("rate_limit", -1), p.get("dropped", -1),
      int(p.get("dropped") == sum(by.values())))' "$PL_DIR/top.json" "$1"
}

t_check "boundary clock converged" t_wait_for "$CONV_TIMEOUT" converged
t_check "the wrappers started bmcad, clockd and 3 portd" \
	test "$(sort "$STARTED" | uniq -c | awk '{ printf "%s%s ", $2, $1 }')" \
	= "bmcad1 clockd1 portd3 "
t_check "s1 parented to the BC" t_wait_for 30 s1_parent_ok
sleep 5
for c in b1 b2 b3; do
	pl_simwatch "$PL_DIR/$c.clk" "$PL_DIR/true-$c" 100
done
w0=$(pl_now)
P0=$(pids)
echo "pids (bmcad clockd portd b1 b2 b3): $P0"
rxe0=$(pl_sum "$(bc_sum b3)" rxerr)
top_json
echo "b3 rx_err before: summary $rxe0, ptp-top $(top_rxerr b3)"
ns1=$(pl_ptp4l_offsets "$PL_DIR/s1.log" | wc -l)

echo "== garbage on the network (x3 -> b3), 20 s"
ip netns exec "$X3" "$AFLOOD" -i x3 --ids 1000 --rate 400 --seconds 20 \
	--priority1 255 >"$PL_DIR/flood.out" 2>&1 &
FLOOD=$!
T_PIDS+=("$FLOOD")
ip netns exec "$X3" python3 - >"$PL_DIR/udp.out" 2>&1 <<'EOF' &
import os, socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
             socket.inet_aton("10.47.3.2"))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
n = 0
end = time.monotonic() + 20
while time.monotonic() < end:
    for dst in ("224.0.1.129", "10.47.3.1"):
        for port in (319, 320):
            # random octets; half of them as a PTP header that lies
            b = os.urandom(1 + n % 120)
            if n % 2:
                b = bytes([n % 16, 0x12]) + struct.pack("!H", 0xffff) + b
            s.sendto(b, (dst, port))
            n += 1
    time.sleep(0.02)
print("sent", n)
EOF
UDPG=$!
T_PIDS+=("$UDPG")
wait "$FLOOD"; wait "$UDPG"
echo "announce_flood: $(cat "$PL_DIR/flood.out")"
echo "random UDP: $(cat "$PL_DIR/udp.out")"
sleep 2

echo "== garbage on the bus"
ip netns exec "$BC" "$BUSPORT" --rundir "$RUN" -i junk0 --garbage 300 \
	--seconds 1 >"$PL_DIR/busport.out" 2>&1
echo "bus_port to bmca.sock: exit $? $(tail -n 1 "$PL_DIR/busport.out")"
ip netns exec "$BC" "$BUSGARB" --rundir "$RUN" --rounds 20 \
	>"$PL_DIR/busgarb.out" 2>&1
echo "bus_garbage to pub.sock: exit $? $(cat "$PL_DIR/busgarb.out")"
sleep 3

echo "== after"
P1=$(pids)
echo "pids (bmcad clockd portd b1 b2 b3): $P1"
t_check "every daemon kept its pid" test "$P0" = "$P1"
t_check "meridian still runs" kill -0 "$MER_PID"
t_check "no restart logged" \
	pl_no_match -E 'meridian: .*restarting in' "$PL_DIR/meridian.log"
rxe1=$(pl_sum "$(bc_sum b3)" rxerr)
top_json
trx=$(top_rxerr b3)
echo "b3 rx_err after: summary $rxe1, ptp-top $trx"
t_check "b3 counted the bad datagrams (rxerr $rxe0 -> $rxe1)" \
	pl_ge "$rxe1" "$((rxe0 + 100))"
t_check "ptp-top's JSON shows b3's rx_err ($trx)" pl_ge "$trx" "$rxe1"
read -r drl dsum dok < <(top_dropped b3)
echo "b3 dropped after: rate_limit $drl, all reasons $dsum" \
	"(b1: $(top_dropped b1))"
t_check "ptp-top's JSON shows b3's rate-limit drops ($drl)" pl_ge "$drl" 500
t_check "b3's dropped is the sum of its dropped_by ($dsum)" \
	test "$dok" = 1
for i in b1 b2 b3; do
	l=$(grep "portd\[$i\].*servo status refused" "$PL_DIR/meridian.log" |
		tail -n 1)
	echo "portd $i: ${l:-no refused line}"
	t_check "portd $i refused the bad servo status and counts it" \
		test -n "$l"
	n=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print([p.get("bus_refused") for p in d["ports"] if p["iface"] == sys.argv[2]][0])' \
		"$PL_DIR/top.json" "$i")
	t_check "ptp-top's JSON shows portd $i's refused bus messages ($n)" \
		pl_ge "$n" 1
done
l=$(grep 'bmcad: .*refused' "$PL_DIR/meridian.log" | tail -n 1)
echo "bmcad: ${l:-no refused line}"
t_check "bmcad refused the garbage and counts it" test -n "$l"
grep -E 'refused|bad frames|bus: ' "$PL_DIR/meridian.log" |
	sed 's/^[^:]*: //' | sed -E 's/[0-9]+ so far/N so far/' | sort |
	uniq -c | sort -rn | head -n 12
t_check "still converged (b1 SLAVE LOCKED of the GM, b2 b3 MASTER)" \
	t_wait_for 5 converged
for i in b1 b2 b3; do
	echo "$i: $(tail -n 1 "$(bc_sum $i)")"
done
t_check "s1 still parented to the BC, the GM's identity" s1_parent_ok
read -r n mean rms max < <(pl_ptp4l_offsets "$PL_DIR/s1.log" |
	tail -n +"$((ns1 + 1))" | pl_stats)
echo "s1 offsets during the garbage: n $n mean $mean rms $rms max $max ns"
# the median |offset|, not the RMS: one late software timestamp (tens of
# us, seen in CI on the other tests) decides an RMS over 20 samples
m=$(pl_ptp4l_offsets "$PL_DIR/s1.log" | tail -n +"$((ns1 + 1))" |
	pl_abs_median)
b=$(pl_ptp4l_offsets "$PL_DIR/s1.log" | tail -n +"$((ns1 + 1))" |
	pl_beyond 10000)
echo "s1 during the garbage: median |offset| $m ns, $b beyond 10 us"
t_check "s1 median |offset| within 2 us ($m)" pl_le "$m" 2000
t_check "s1 offsets beyond 10 us: at most 1 in 10 ($b of $n)" \
	test "$((b * 10))" -le "$n"
for c in b1 b2 b3; do
	read -r n mean rms max < <(pl_true_col "$PL_DIR/true-$c" "$w0" |
		pl_stats)
	echo "true error $c during the garbage: n $n mean $mean rms $rms max $max ns"
	t_check "$c true error within 20 us throughout ($max)" \
		pl_le "$max" 20000
done
t_check "s1 reported offsets ($n)" pl_ge "$n" 20

kill -TERM "$MER_PID"
wait "$MER_PID"
rc=$?
t_check "meridian exits 0 on SIGTERM ($rc)" test "$rc" = 0
# portd's own count at exit (its counters line) is what the bus carried
bd=$(sed -n 's/.*portd\[b3\]: counters .* budget_dropped=\([0-9]*\) .*/\1/p' \
	"$PL_DIR/meridian.log" | tail -n 1)
echo "b3 budget_dropped at exit: ${bd:-none}"
t_check "portd's budget_dropped at exit (${bd:-none}) >= ptp-top's ($drl)" \
	pl_ge "${bd:-0}" "$drl"
mkdir -p "$TOP/$BUILD/tests/integration/47-bc-bad-input.files"
cp "$PL_DIR"/*.log "$TOP/$BUILD/tests/integration/47-bc-bad-input.files/"
t_done
