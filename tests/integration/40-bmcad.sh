#!/bin/bash
# 40-bmcad: bmcad alone on the bus, with tests/tools/bus_port standing in
# for three portds (eth1..eth3 of one boundary clock, announce 2^-2 s).
#
#   1. eth1 hears grandmaster A (priority1 10), eth3 hears B (priority1
#      20), eth2 hears nobody and is MASTER: eth1 is S1 (SLAVE) with the
#      clock's parent A and stepsRemoved 1, eth2 and eth3 M3 (9.3.3).
#   2. After 2 s eth1's Erbest turns worse (priority1 200): within one
#      announce interval eth3 becomes S1 (grandmaster B), eth1 M3; the
#      bus latency from the changed Erbest to the new decision is printed.
#   3. Garbage on the bus (random bytes, a lone frame, another port's
#      name) is refused and counted; bmcad keeps deciding.
#   4. kill -9 bmcad and start it again: the ports have decisions again
#      within one announce interval of its start; a second bmcad on the
#      same run directory is refused; SIGTERM stops it with status 0.
#   5. A bad configuration: exit 1 with FILE:LINE, nothing bound.
. "$(dirname "$0")/lib.sh"
BMCAD=$BIN/bmcad
BP=$TOOLS/bus_port
[ -x "$BMCAD" ] && [ -x "$BP" ] || t_fail "bmcad or bus_port not built"
t_tmpdir D
RUN=$D/run
GM_A=001122.fffe.00000a
GM_B=001122.fffe.00000b
ME=aabbcc.fffe.000001

cat >"$D/bc.conf" <<EOF
clock = { clock_identity = "$ME"; };
ports = (
	{ interface = "eth1"; clock = "sim"; timestamping = "software";
	  log_announce_interval = -2; },
	{ interface = "eth2"; clock = "sim"; timestamping = "software";
	  log_announce_interval = -2; },
	{ interface = "eth3"; clock = "sim"; timestamping = "software";
	  log_announce_interval = -2; }
);
EOF

start_bmcad() {
	"$BMCAD" -f "$D/bc.conf" --rundir "$RUN" -l info 2>>"$D/bmcad.err" &
	BM_PID=$!
	T_PIDS+=("$BM_PID")
}

# port IFACE NUM SECONDS OUT [bus_port options]: a stand-in port.
port() {
	local ifc=$1 num=$2 secs=$3 out=$4; shift 4
	"$BP" --rundir "$RUN" -i "$ifc" --port "$num" --clock "$ME" \
		--seconds "$secs" "$@" >"$out" 2>&1 &
	T_PIDS+=("$!")
	eval "PID_$ifc=$!"
}

# last FILE KEY: KEY's value in the last decision line of FILE.
last() {
	grep '^decision ' "$1" | tail -n 1 |
		tr ' ' '\n' | sed -n "s/^$2=//p"
}

start_bmcad
t_wait_for 5 test -S "$RUN/bmca.sock" || t_fail "bmcad did not bind"

port eth1 1 9 "$D/eth1.out" --state LISTENING --gm $GM_A --priority1 10 \
	--sender $GM_A --change-after 2 --change-priority1 200
port eth2 2 9 "$D/eth2.out" --state MASTER --garbage 60
port eth3 3 9 "$D/eth3.out" --state MASTER --gm $GM_B --priority1 20 \
	--sender $GM_B
sleep 1.5

echo "== 1. decisions"
t_check "eth1 is S1 (SLAVE)" test "$(last "$D/eth1.out" rec)" = S1
t_check "eth1's parent is grandmaster A" \
	test "$(last "$D/eth1.out" gm)" = $GM_A
t_check "stepsRemoved is 1" test "$(last "$D/eth1.out" steps)" = 1
t_check "eth2 is M3 (MASTER)" test "$(last "$D/eth2.out" rec)" = M3
t_check "eth3 is M3 (A is better than its B)" \
	test "$(last "$D/eth3.out" rec)" = M3
t_check "every port got the same clock data sets (gm A)" \
	test "$(last "$D/eth3.out" gm)" = $GM_A

echo "== 3. garbage on the bus"
t_check "bmcad refused the garbage and said so" \
	grep -q 'refused\|bad frames' "$D/bmcad.err"
t_check "bmcad is alive after the garbage" kill -0 "$BM_PID"

sleep 1.5
echo "== 2. a worse Erbest on the slave port"
lat=$(sed -n 's/^latency_us //p' "$D/eth1.out" | head -n 1)
echo "bus latency, Erbest change -> new decision: ${lat:-none} us"
t_check "a new decision came back (latency printed)" test -n "$lat"
t_check "within one announce interval (250 ms)" \
	test "${lat:-999999}" -le 250000
t_check "eth3 is now S1 (grandmaster B)" \
	test "$(last "$D/eth3.out" rec)" = S1
t_check "eth1 is now M3" test "$(last "$D/eth1.out" rec)" = M3
t_check "the clock follows B" test "$(last "$D/eth1.out" gm)" = $GM_B

echo "== 4. bmcad killed and restarted"
kill -9 "$BM_PID"
wait "$BM_PID" 2>/dev/null
n1=$(grep -c '^decision ' "$D/eth1.out")
sleep 1
n2=$(grep -c '^decision ' "$D/eth1.out")
t_check "no decisions while bmcad is dead ($n1 -> $n2)" test "$n1" = "$n2"
t0=$(date +%s%N)
start_bmcad
got=""
for i in $(seq 100); do
	if [ "$(grep -c '^decision ' "$D/eth1.out")" -gt "$n2" ]; then
		got=$(( ($(date +%s%N) - t0) / 1000000 ))
		break
	fi
	sleep 0.01
done
echo "first decision after the restart: ${got:-none} ms"
t_check "decisions again within 1 s of the restart" test -n "$got"
sleep 0.5
t_check "the restarted bmcad decides the same (eth3 S1)" \
	test "$(last "$D/eth3.out" rec)" = S1
"$BMCAD" -f "$D/bc.conf" --rundir "$RUN" 2>"$D/second.err"
rc=$?
t_check "a second bmcad on the same run directory exits 1 ($rc)" \
	test "$rc" = 1
t_check "... saying why" grep -q 'another bmcad' "$D/second.err"
wait "$PID_eth1" "$PID_eth2" "$PID_eth3"
kill -TERM "$BM_PID"
wait "$BM_PID"
rc=$?
t_check "SIGTERM stops bmcad with status 0 ($rc)" test "$rc" = 0
for f in eth1 eth2 eth3; do
	echo "$f: $(tail -n 1 "$D/$f.out")"
done

echo "== 5. a bad configuration"
printf 'clock = { priority1 = 300; };\nports = ( { interface = "e"; } );\n' \
	>"$D/bad.conf"
"$BMCAD" -f "$D/bad.conf" --rundir "$D/run-bad" 2>"$D/bad.err"
rc=$?
cat "$D/bad.err"
t_check "bad config: exit 1" test "$rc" = 1
t_check "bad config: FILE:LINE named" grep -q "bad.conf:1: clock.priority1" "$D/bad.err"
t_check "bad config: nothing bound" test ! -e "$D/run-bad/bmca.sock"
"$BMCAD" --help | grep -q '^SYNOPSIS' && t_check "bmcad --help" true
t_done
