#!/bin/bash
# 45-bc-failover: the boundary clock changes grandmaster without losing
# its time.
#
#   ns ga   ptp4l grandmaster A, priority1 10, masterOnly, on gA -> b1
#   ns gb   ptp4l grandmaster B, priority1 20, masterOnly, on gB -> b2:
#           a standby grandmaster on another port, as in a plant with two
#           GNSS clocks; both use CLOCK_REALTIME, so the time does not
#           change with the grandmaster
#   ns bc   `meridian -f bc.conf`: b1, b2, b3 on sim PHCs at +30, -20 and
#           +50 ppm; announce 2^-2 s, announceReceiptTimeout 3
#   ns s3   free-running ptp4l slave on d3 (to b3)
#   ns fl   free-running ptp4l slave on fF, straight to B (gF): the noise
#           floor of software timestamps on this machine, same run
#
# 9.3.3 with A the best clock: b1 S1 (SLAVE); b2's Erbest is B, worse than
# Ebest (A) by more than topology, so b2 is M3 (MASTER; B ignores its
# announces, masterOnly); b3 MASTER. Printed, and checked as MASTER.
#
# Kill A (its ptp4l, by PID); measured from the kill (CLOCK_MONOTONIC, the
# time base of the log lines) and printed:
#   (a) b1 leaves SLAVE: announceReceiptTimeout = 0.75 s after A's last
#       announce, so 0.5..1.0 s after the kill (+ a poll), bound 2 s;
#   (b) b2 SLAVE of B ("b2: ... -> SLAVE" in the log, gm=B in the
#       summaries): the issue's target is <= 1 s after (a) (detection);
#       checked: (b) - (a) <= 1.5 s (one announce interval of
#       UNCALIBRATED more);
#   (c) the downstream slave's parent data set names B (pmc -u, polled
#       every 0.2 s): bound 5 s after the kill;
#   the worst TRUE error of each BC PHC in the 20 s from the kill, within
#   20 us (test 44 measures ~130 ns RMS, ~1 us max with the same software
#   timestamps; 20 us is what a step or a lost lock would exceed at once:
#   the PHCs start 2..4 ms off and run 20..50 ppm away), and clockd's
#   steps counter unchanged (no PHC stepped); the downstream slave's
#   reported offsets over the same 20 s: printed with the floor's; the
#   median |offset| within 3x the floor's + 1 us, and at
#   most one more beyond 10 us than the floor has (a loaded 2-core
#   machine gives single late software timestamps of ~13 us now and
#   then, with or without a boundary clock in the path).
# Then A again (a new ptp4l, same identity): b1 SLAVE of A, b2 MASTER,
# the downstream slave's parent names A again; the same figures.
. "$(dirname "$0")/portd-lib.sh"
. "$(dirname "$0")/bc-lib.sh"
pl_need ptp4l pmc python3
[ -x "$BIN/clockd" ] && [ -x "$BIN/bmcad" ] && [ -x "$BIN/ptp-top" ] ||
	t_fail "clockd, bmcad or ptp-top not built"
CONV_TIMEOUT=${CONV_TIMEOUT:-60}
TRUE_BOUND=20000
SWITCH_WINDOW=20

pl_ns p45ga; GA=$PL_NS
pl_ns p45gb; GB=$PL_NS
pl_ns p45bc; BC=$PL_NS
pl_ns p45s3; S3=$PL_NS
pl_ns p45fl; FL=$PL_NS
pl_link "$GA" gA "$BC" b1 10.45.1.1 10.45.1.2
pl_link "$GB" gB "$BC" b2 10.45.2.1 10.45.2.2
pl_link "$BC" b3 "$S3" d3 10.45.3.1 10.45.3.2
pl_link "$GB" gF "$FL" fF 10.45.4.1 10.45.4.2
A_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$GA" gA)")")
B_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$GB" gB)")")
BC_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$BC" b1)")")
echo "grandmaster A $A_CID (priority1 10), B $B_CID (priority1 20)," \
	"boundary clock $BC_CID (priority1 100)"

RUN=$PL_DIR/run
bc_conf3 "$PL_DIR/bc.conf" "$RUN"

for g in a b; do
	p=10; [ $g = b ] && p=20
	pl_ptp4l_conf "$PL_DIR/gm$g.cfg" "gm$g" priority1 $p masterOnly 1 \
		announceReceiptTimeout 3
done
for s in s3 fl; do
	pl_ptp4l_conf "$PL_DIR/$s.cfg" $s priority1 250 slaveOnly 1
done
pl_ptp4l "$GA" "$PL_DIR/gma.cfg" gA gma -4
A_PID=$PL_PID
pl_ptp4l "$GB" "$PL_DIR/gmb.cfg" gB gmb -4 -i gF
t_bg "$BC" "$MERIDIAN" -f "$PL_DIR/bc.conf" >"$PL_DIR/meridian.log" 2>&1
MER_PID=$T_LAST_PID
pl_ptp4l "$S3" "$PL_DIR/s3.cfg" d3 s3 -4
pl_ptp4l "$FL" "$PL_DIR/fl.cfg" fF fl -4

gm_of() { pl_cid_norm "$(pl_sum "$(bc_sum "$1")" gm)"; }
st_of() { bc_state "$1"; }
steps_of() { bc_steps "$1"; }
# the slave's parent data set: "GM_CID PARENT_CID"
s3_parent() {
	pl_pmc_uds s3 "$PL_DIR/s3.pmc" 'GET PARENT_DATA_SET'
	local gm par
	gm=$(awk '$1 == "grandmasterIdentity" { print $2 }' "$PL_DIR/s3.pmc")
	par=$(awk '$1 == "parentPortIdentity" { print $2 }' "$PL_DIR/s3.pmc")
	echo "$(pl_cid_norm "$gm") $(pl_cid_norm "${par%-*}")"
}
converged_on() {	# GM_CID
	pl_converged "$(bc_sum b1)" 5 10000 &&
		[ "$(gm_of b1)" = "$1" ] &&
		[ "$(st_of b3)" = MASTER ] &&
		{ [ "$(st_of b2)" = MASTER ] || [ "$(st_of b2)" = PASSIVE ]; }
}
s3_sees() { [ "$(s3_parent)" = "$1 $BC_CID" ]; }

t0=$SECONDS
t_check "converged on A: b1 SLAVE LOCKED of A, b3 MASTER, b2 MASTER or PASSIVE" \
	t_wait_for "$CONV_TIMEOUT" converged_on "$A_CID"
echo "converged after $((SECONDS - t0)) s"
for i in b1 b2 b3; do
	echo "$i: $(tail -n 1 "$(bc_sum $i)")"
done
echo "b2 with B heard and A the best clock: $(st_of b2) (9.3.3: M3, MASTER)"
t_check "b2 is MASTER (9.3.3 M3: Ebest A better than b2's Erbest B)" \
	test "$(st_of b2)" = MASTER
t_check "the downstream slave's parent is the BC, grandmaster A" \
	t_wait_for 30 s3_sees "$A_CID"
for c in b1 b2 b3; do
	pl_simwatch "$PL_DIR/$c.clk" "$PL_DIR/true-$c" 100
done
sleep 10	# the downstream slave settles

# log_after IFACE REGEX T: monotonic time of the first line of portd IFACE
# after T whose message matches REGEX ("" if none)
log_after() {
	grep "portd\[$1\]: " "$PL_DIR/meridian.log" |
		sed -n 's/^portd\[[^]]*\]: portd\[[^]]*\]\[\([0-9.]*\)\]: [a-z]*: \(.*\)$/\1 \2/p' |
		awk -v re="$2" -v t="$3" '$1 >= t {
			m = $0; sub(/^[^ ]* /, "", m)
			if (m ~ re) { print $1; exit } }'
}
sub3() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "-"
	else printf "%.3f\n", a - b }'; }
# "MONO WALL": CLOCK_MONOTONIC (the log lines' time base) and the epoch
mono_wall() {
	python3 -c 'import time; print("%.3f %.3f" % (time.monotonic(), time.time()))'
}

# switch_report NAME GM_CID MONO WALL STEPS_BEFORE: after a change of
# grandmaster at MONO/WALL, wait for the downstream slave to name the new
# grandmaster ((c), in CUR_TC), then print and check the true error of
# every PHC over SWITCH_WINDOW s from the change and the steps counter
switch_report() {
	local name=$1 gm=$2 km=$3 kw=$4 steps0=$5 tc="" i c n mean rms max
	local d
	for i in $(seq 150); do		# (c): 30 s at most
		if s3_sees "$gm"; then
			tc=$(awk -v a="$(pl_now)" -v b="$kw" \
				'BEGIN { printf "%.3f", a - b }')
			break
		fi
		sleep 0.2
	done
	echo "$name: (c) the downstream slave's parent data set names the new grandmaster after ${tc:-never} s"
	CUR_TC=$tc
	d=$(awk -v a="$(pl_now)" -v b="$kw" -v w=$SWITCH_WINDOW \
		'BEGIN { d = w - (a - b); if (d > 0) printf "%.1f", d; else print 0 }')
	sleep "$d"
	for c in b1 b2 b3; do
		read -r n mean rms max < <(pl_true_col "$PL_DIR/true-$c" \
			"$(awk -v k="$kw" 'BEGIN { printf "%.3f", k - 1 }')" \
			"$(awk -v k="$kw" -v w=$SWITCH_WINDOW \
				'BEGIN { printf "%.3f", k + w }')" | pl_stats)
		echo "$name: true error $c over ${SWITCH_WINDOW} s from the switch: n $n mean $mean rms $rms max $max ns"
		t_check "$name: $c true error within $TRUE_BOUND ns throughout ($max)" \
			pl_le "$max" "$TRUE_BOUND"
		t_check "$name: $c watched ($n samples)" pl_ge "$n" 100
	done
	for c in b1 b2 b3; do
		echo "$name: $c now: $(tail -n 1 "$(bc_sum $c)")"
	done
	t_check "$name: no PHC stepped (steps $steps0 -> $(steps_of b1))" \
		test "$(steps_of b1)" = "$steps0"
}

# s3_offsets_since N: the slave's offsets after its first N
offsets_since() { pl_ptp4l_offsets "$PL_DIR/$1.log" | tail -n +"$(($2 + 1))"; }
# offsets_report NAME N0_S3 N0_FL: the downstream slave's offsets and the
# floor's since then, printed and compared
offsets_report() {
	local n mean rms max nf mf rf xf b bf
	read -r n mean rms max < <(offsets_since s3 "$2" | pl_stats)
	read -r nf mf rf xf < <(offsets_since fl "$3" | pl_stats)
	b=$(offsets_since s3 "$2" | pl_beyond 10000)
	bf=$(offsets_since fl "$3" | pl_beyond 10000)
	echo "$1: downstream slave offsets over the switch: n $n mean $mean rms $rms max $max ns, $b beyond 10 us"
	echo "$1: floor (ptp4l straight to B) same time:    n $nf mean $mf rms $rf max $xf ns, $bf beyond 10 us"
	t_check "$1: downstream slave offsets beyond 10 us: at most the floor's + 1 ($b <= $bf + 1)" \
		pl_le "$b" "$((bf + 1))"
	# the median |offset| against the floor's, not the RMS: one late
	# software timestamp (60 us seen in CI) decides an RMS over 20 samples
	local m mf lim
	m=$(offsets_since s3 "$2" | pl_abs_median)
	mf=$(offsets_since fl "$3" | pl_abs_median)
	lim=$(awk -v f="$mf" 'BEGIN { printf "%.0f", 3 * f + 1000 }')
	t_check "$1: downstream slave median |offset| within 3x the floor's + 1 us ($m <= $lim)" \
		pl_le "$m" "$lim"
}

echo "== kill grandmaster A"
steps0=$(steps_of b1)
n0=$(pl_ptp4l_offsets "$PL_DIR/s3.log" | wc -l)
n0f=$(pl_ptp4l_offsets "$PL_DIR/fl.log" | wc -l)
read -r km kw < <(mono_wall)
kill -9 "$A_PID"
wait "$A_PID" 2>/dev/null
ta=""; tb=""
for i in $(seq 100); do		# 10 s
	[ -z "$ta" ] && ta=$(log_after b1 '^b1: SLAVE -> ' "$km")
	[ -z "$tb" ] && tb=$(log_after b2 '^b2: [A-Z_]+ -> SLAVE' "$km")
	[ -n "$ta" ] && [ -n "$tb" ] && break
	sleep 0.1
done
da=$(sub3 "$ta" "$km"); db=$(sub3 "$tb" "$km"); dab=$(sub3 "$tb" "$ta")
grep -E 'portd\[b[12]\].*(-> |grandmaster )' "$PL_DIR/meridian.log" |
	tail -n 6 | sed 's/^/failover: log: /'
echo "failover: (a) b1 left SLAVE after $da s"
echo "failover: (b) b2 SLAVE after $db s ($dab s after b1 left SLAVE)"
t_check "failover: (a) b1 left SLAVE within 2 s of the kill ($da s)" \
	pl_le "$da" 2
t_check "failover: (b) b2 SLAVE within 1.5 s of (a) ($dab s)" \
	pl_le "$dab" 1.5
t_check "failover: b2 follows B" \
	t_wait_for 5 eval '[ "$(gm_of b2)" = "$B_CID" ]'
switch_report failover "$B_CID" "$km" "$kw" "$steps0"
t_check "failover: (c) the downstream slave names B within 5 s (${CUR_TC:-never} s)" \
	pl_le "${CUR_TC:-x}" 5
offsets_report failover "$n0" "$n0f"
t_check "failover: b2 SLAVE ($(st_of b2)), b1 not ($(st_of b1)), b3 MASTER ($(st_of b3))" \
	test "$(st_of b2):$(st_of b3)" = SLAVE:MASTER -a "$(st_of b1)" != SLAVE

echo "== grandmaster A back"
steps0=$(steps_of b1)
n0=$(pl_ptp4l_offsets "$PL_DIR/s3.log" | wc -l)
n0f=$(pl_ptp4l_offsets "$PL_DIR/fl.log" | wc -l)
read -r km kw < <(mono_wall)
pl_ptp4l "$GA" "$PL_DIR/gma.cfg" gA gma2 -4
ta=""; tb=""
for i in $(seq 150); do
	[ -z "$ta" ] && ta=$(log_after b1 '^b1: [A-Z_]+ -> SLAVE' "$km")
	[ -z "$tb" ] && tb=$(log_after b2 '^b2: SLAVE -> ' "$km")
	[ -n "$ta" ] && [ -n "$tb" ] && break
	sleep 0.1
done
da=$(sub3 "$ta" "$km"); db=$(sub3 "$tb" "$km")
echo "return: b2 left SLAVE $db s after A started, b1 SLAVE after $da s"
t_check "return: b1 SLAVE again within 5 s of A's start ($da s)" \
	pl_le "$da" 5
t_check "return: b1 follows A" \
	t_wait_for 5 eval '[ "$(gm_of b1)" = "$A_CID" ]'
switch_report return "$A_CID" "$km" "$kw" "$steps0"
t_check "return: (c) the downstream slave names A within 7 s (${CUR_TC:-never} s)" \
	pl_le "${CUR_TC:-x}" 7
offsets_report return "$n0" "$n0f"
t_check "return: b2 MASTER again ($(st_of b2)), b3 MASTER ($(st_of b3))" \
	test "$(st_of b2):$(st_of b3)" = MASTER:MASTER

echo "== ptp-top --once --json"
ip netns exec "$BC" "$BIN/ptp-top" --rundir "$RUN" --once --json \
	>"$PL_DIR/top.json" 2>"$PL_DIR/top.err"
python3 - "$PL_DIR/top.json" "$A_CID" >"$PL_DIR/top.check" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
norm = lambda s: "".join(c for c in s.lower() if c in "0123456789abcdef")
ports = {p["iface"]: p for p in d["ports"]}
clk = d.get("clock", {})
print("ptp-top: b1", ports.get("b1", {}).get("state"), "b2",
      ports.get("b2", {}).get("state"), "grandmaster", clk.get("grandmaster"))
ok = ports.get("b1", {}).get("state") == "SLAVE" and \
     norm(str(clk.get("grandmaster", ""))) == sys.argv[2]
sys.exit(0 if ok else 1)
EOF
rc=$?
cat "$PL_DIR/top.check"
t_check "ptp-top --once --json: b1 SLAVE, grandmaster A" test "$rc" = 0
t_check "no error in the appliance's log" \
	pl_no_match -E ': (emerg|alert|crit|err): ' "$PL_DIR/meridian.log"
kill -TERM "$MER_PID"
wait "$MER_PID"
rc=$?
# the logs, for a look after the run
mkdir -p "$TOP/$BUILD/tests/integration/45-bc-failover.files"
cp "$PL_DIR"/*.log "$TOP/$BUILD/tests/integration/45-bc-failover.files/"
t_check "meridian exits 0 on SIGTERM ($rc)" test "$rc" = 0
t_done
