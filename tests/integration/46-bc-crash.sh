#!/bin/bash
# 46-bc-crash: the boundary clock of test 44 loses a process, a link,
# then is stopped; its downstream slaves keep their time throughout.
#
#   ns gm   ptp4l grandmaster (priority1 10) on gA (to b1) and gF (floor)
#   ns bc   `meridian -f bc.conf`: b1 (slave port), b2, b3 (masters) on
#           sim PHCs at +30, -20, +50 ppm
#   ns s1   free-running ptp4l slave on d1 (to b2)
#   ns s2   free-running ptp4l slave on d2 (to b3)
#   ns fl   free-running ptp4l slave on fF (to gF): the noise floor
#
# Converged as in 44, then `kill -9`, in turn, portd b1 (the slave port),
# portd b2 (a master port), bmcad and clockd. Each time: the supervisor
# starts a new one (a new pid, `pgrep -f` with the config path; the time
# printed), ptp-top --once --json names the new pid and counts the
# restart, the appliance is converged again (b1 SLAVE LOCKED, b2 b3
# MASTER), and over the 20 s from the kill, printed: the worst offset each
# downstream slave reports next to the floor's, and the worst TRUE error
# of each PHC (simclock watch). Bounds, from what this machine gives
# (test 44, the floor in this run): the TRUE error of every PHC within
# 20 us (a PHC reset, stepped or left to run free at 20..50 ppm for the
# outage would exceed it within a second; locked, it stays under ~1 us);
# the slaves' median |offset| within 3x the floor's + 1 us, and no more samples beyond 10 us
# than the floor has + 1 (single ~13 us late software timestamps happen
# on this loaded 2-core machine with or without a BC in the path).
# Then b3's link down and up: b3 FAULTY, then MASTER, s2 parented to the
# BC again with median |offset| within 2 us and at most one beyond 10 us (an
# isolated late software timestamp: 14 us seen once). Finally SIGTERM to meridian: no
# process of the appliance, no socket, no lock file left, and (after the
# test's own cleanup) no namespace of this test.
. "$(dirname "$0")/portd-lib.sh"
. "$(dirname "$0")/bc-lib.sh"
pl_need ptp4l pmc python3 pgrep
[ -x "$BIN/clockd" ] && [ -x "$BIN/bmcad" ] && [ -x "$BIN/ptp-top" ] ||
	t_fail "clockd, bmcad or ptp-top not built"
CONV_TIMEOUT=${CONV_TIMEOUT:-60}
TRUE_BOUND=20000
WINDOW=20

pl_ns p46gm; GM=$PL_NS
pl_ns p46bc; BC=$PL_NS
pl_ns p46s1; S1=$PL_NS
pl_ns p46s2; S2=$PL_NS
pl_ns p46fl; FL=$PL_NS
pl_link "$GM" gA "$BC" b1 10.46.1.1 10.46.1.2
pl_link "$BC" b2 "$S1" d1 10.46.2.1 10.46.2.2
pl_link "$BC" b3 "$S2" d2 10.46.3.1 10.46.3.2
pl_link "$GM" gF "$FL" fF 10.46.4.1 10.46.4.2
GM_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$GM" gA)")")
BC_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$BC" b1)")")
echo "grandmaster $GM_CID, boundary clock $BC_CID"

RUN=$PL_DIR/run
CONF=$PL_DIR/bc.conf
bc_conf3 "$CONF" "$RUN"

pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10
t_bg "$GM" ptp4l -S -m -f "$PL_DIR/gm.cfg" -i gA -i gF -4 \
	>"$PL_DIR/gm.log" 2>&1
for s in s1 s2 fl; do
	pl_ptp4l_conf "$PL_DIR/$s.cfg" "$s" priority1 250 slaveOnly 1
done
t_bg "$BC" "$MERIDIAN" -f "$CONF" >"$PL_DIR/meridian.log" 2>&1
MER_PID=$T_LAST_PID
pl_ptp4l "$S1" "$PL_DIR/s1.cfg" d1 s1 -4
pl_ptp4l "$S2" "$PL_DIR/s2.cfg" d2 s2 -4
pl_ptp4l "$FL" "$PL_DIR/fl.cfg" fF fl -4

st_of() { bc_state "$1"; }
steps_of() { bc_steps "$1"; }
converged() { bc_converged -k 3 b1 b2 b3; }
# pid of a child: pid_of bmcad | clockd | portd IFACE
pid_of() {
	if [ "$1" = portd ]; then
		pgrep -f "/portd -f $CONF -i $2( |\$)"
	else
		pgrep -f "/$1 -f $CONF( |\$)"
	fi
}
mono_wall() {
	python3 -c 'import time; print("%.3f %.3f" % (time.monotonic(), time.time()))'
}
# ptp4l offsets of log NAME with CLOCK_MONOTONIC time in [FROM, TO)
offsets_between() {
	awk -v a="$2" -v b="$3" '/master offset/ {
		t = $1; sub(/^[^[]*\[/, "", t); t += 0
		if (t < a || t >= b) next
		for (i = 1; i < NF; i++)
			if ($i == "offset") { print $(i + 1); break } }' \
		"$PL_DIR/$1.log"
}
s_parent_ok() {		# NAME: parent is the BC, grandmaster the GM
	pl_pmc_uds "$1" "$PL_DIR/$1.pmc" 'GET PARENT_DATA_SET'
	local gm par
	gm=$(awk '$1 == "grandmasterIdentity" { print $2 }' "$PL_DIR/$1.pmc")
	par=$(awk '$1 == "parentPortIdentity" { print $2 }' "$PL_DIR/$1.pmc")
	[ "$(pl_cid_norm "$gm")" = "$GM_CID" ] &&
		[ "$(pl_cid_norm "${par%-*}")" = "$BC_CID" ]
}
top_json() {
	ip netns exec "$BC" "$BIN/ptp-top" --rundir "$RUN" --once --json \
		>"$PL_DIR/top.json" 2>"$PL_DIR/top.err"
}
# top_proc NAME FIELD: a field of a process in ptp-top's JSON
top_proc() {
	python3 - "$PL_DIR/top.json" "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for p in d.get("processes", []):
    if p.get("name") == sys.argv[2]:
        v = p.get(sys.argv[3])
        print(str(v).lower() if isinstance(v, bool) else v)
EOF
}

t0=$SECONDS
t_check "boundary clock converged" t_wait_for "$CONV_TIMEOUT" converged
echo "converged after $((SECONDS - t0)) s"
t_check "s1 and s2 parented to the BC, grandmaster the GM" \
	t_wait_for 30 eval 's_parent_ok s1 && s_parent_ok s2'
for c in b1 b2 b3; do
	pl_simwatch "$PL_DIR/$c.clk" "$PL_DIR/true-$c" 100
done
sleep 10	# the downstream slaves settle

# the quiet reference: the 20 s before any kill
read -r km0 kw0 < <(mono_wall)
sleep "$WINDOW"
read -r km1 kw1 < <(mono_wall)
for s in fl s1 s2; do
	read -r n mean rms max < <(offsets_between $s "$km0" "$km1" | pl_stats)
	echo "quiet: $s offsets n $n mean $mean rms $rms max $max ns"
done

# crash NAME PROG [IFACE]: kill -9 a child, watch it come back
crash() {
	local name=$1 prog=$2 ifc=${3:-} old new km kw i tn tc c n mean rms
	local max b bf nst0 nst1 pname m mf lim
	pname=$prog${ifc:+/$ifc}
	old=$(pid_of "$prog" "$ifc")
	nst0=$(grep -c "clockd.* stepped by" "$PL_DIR/meridian.log")
	echo "== kill -9 $pname (pid $old)"
	t_check "$name: one $pname running (${old:-none})" \
		test -n "$old" -a "$(echo "$old" | wc -w)" = 1
	[ -n "$old" ] || return
	read -r km kw < <(mono_wall)
	kill -9 "$old"
	tn=""
	for i in $(seq 100); do
		new=$(pid_of "$prog" "$ifc")
		if [ -n "$new" ] && [ "$new" != "$old" ]; then
			tn=$(awk -v a="$(pl_now)" -v b="$kw" \
				'BEGIN { printf "%.2f", a - b }')
			break
		fi
		sleep 0.1
	done
	echo "$name: new $pname pid ${new:-none} after ${tn:-never} s"
	t_check "$name: the supervisor started a new $pname (${tn:-never} s)" \
		test -n "$tn"
	# converged again, on summaries written after the kill
	sleep 1.5
	tc=""
	for i in $(seq 150); do
		if converged && s_parent_ok s1 && s_parent_ok s2; then
			tc=$(awk -v a="$(pl_now)" -v b="$kw" \
				'BEGIN { printf "%.2f", a - b }')
			break
		fi
		sleep 0.2
	done
	echo "$name: converged again (b1 SLAVE LOCKED, b2 b3 MASTER, s1 s2 parented to the BC) $tc s after the kill (looked for from 1.5 s)"
	t_check "$name: converged again within 20 s (${tc:-never} s)" \
		test -n "$tc"
	sleep "$(awk -v a="$(pl_now)" -v b="$kw" -v w=$WINDOW \
		'BEGIN { d = w - (a - b); if (d > 0) printf "%.1f", d; else print 0 }')"
	for c in b1 b2 b3; do
		read -r n mean rms max < <(pl_true_col "$PL_DIR/true-$c" \
			"$kw" "$(awk -v k="$kw" -v w=$WINDOW \
				'BEGIN { printf "%.3f", k + w }')" | pl_stats)
		echo "$name: true error $c over $WINDOW s from the kill: n $n rms $rms max $max ns"
		t_check "$name: $c true error within $TRUE_BOUND ns ($max)" \
			pl_le "$max" "$TRUE_BOUND"
	done
	bf=$(offsets_between fl "$km" "$(awk -v k="$km" -v w=$WINDOW \
		'BEGIN { print k + w }')" | pl_beyond 10000)
	read -r n mean rms max < <(offsets_between fl "$km" \
		"$(awk -v k="$km" -v w=$WINDOW 'BEGIN { print k + w }')" |
		pl_stats)
	mf=$(offsets_between fl "$km" "$(awk -v k="$km" -v w=$WINDOW \
		'BEGIN { print k + w }')" | pl_abs_median)
	echo "$name: floor offsets over the outage: n $n rms $rms max $max ns, median |offset| $mf ns, $bf beyond 10 us"
	for c in s1 s2; do
		read -r n mean rms max < <(offsets_between $c "$km" \
			"$(awk -v k="$km" -v w=$WINDOW 'BEGIN { print k + w }')" |
			pl_stats)
		b=$(offsets_between $c "$km" "$(awk -v k="$km" -v w=$WINDOW \
			'BEGIN { print k + w }')" | pl_beyond 10000)
		echo "$name: $c offsets over the outage: n $n mean $mean rms $rms max $max ns, $b beyond 10 us"
		t_check "$name: $c reported offsets ($n)" pl_ge "$n" 15
		# median |offset| against the floor's, not the RMS: one late
		# software timestamp (60 us seen in CI) decides an RMS
		m=$(offsets_between $c "$km" "$(awk -v k="$km" -v w=$WINDOW \
			'BEGIN { print k + w }')" | pl_abs_median)
		lim=$(awk -v f="$mf" 'BEGIN { printf "%.0f", 3 * f + 1000 }')
		t_check "$name: $c median |offset| within 3x the floor's + 1 us ($m <= $lim)" \
			pl_le "$m" "$lim"
		t_check "$name: $c offsets beyond 10 us at most the floor's + 1 ($b <= $bf + 1)" \
			pl_le "$b" "$((bf + 1))"
	done
	# (a restarted clockd counts its steps from 0: its log says it all)
	nst1=$(grep -c "clockd.* stepped by" "$PL_DIR/meridian.log")
	t_check "$name: no PHC stepped (clockd's step lines $nst0 -> $nst1)" \
		test "$nst1" = "$nst0"
	top_json
	local tpid tal trs
	tpid=$(top_proc "$pname" pid)
	tal=$(top_proc "$pname" alive)
	trs=$(top_proc "$pname" restarts)
	echo "$name: ptp-top: $pname pid $tpid alive $tal restarts $trs"
	t_check "$name: ptp-top names the new pid, alive, restarted once ($tpid $tal $trs)" \
		test "$tpid:$tal:$trs" = "$new:true:1"
}

crash "portd b1 (slave port)" portd b1
crash "portd b2 (master port)" portd b2
crash bmcad bmcad
crash clockd clockd

echo "== b3's link down and up"
n0=$(pl_nsum "$(bc_sum b3)")
read -r km kw < <(mono_wall)
ip -n "$BC" link set b3 down
t_check "b3 FAULTY with its link down" \
	t_wait_for 5 eval '[ "$(st_of b3)" = FAULTY ]'
echo "b3 down: $(tail -n 1 "$(bc_sum b3)")"
t_check "the other ports carry on (b1 SLAVE, b2 MASTER)" \
	test "$(st_of b1):$(st_of b2)" = SLAVE:MASTER
sleep 3
read -r km kw < <(mono_wall)
ip -n "$BC" link set b3 up
tm=""
for i in $(seq 100); do
	if [ "$(st_of b3)" = MASTER ]; then
		tm=$(awk -v a="$(pl_now)" -v b="$kw" \
			'BEGIN { printf "%.2f", a - b }')
		break
	fi
	sleep 0.1
done
echo "b3 MASTER again $tm s after the link came up"
t_check "b3 MASTER again within 5 s (${tm:-never} s)" test -n "$tm"
t_check "s2 parented to the BC again" t_wait_for 20 s_parent_ok s2
sleep 10
read -r km1 kw1 < <(mono_wall)
read -r n mean rms max < <(offsets_between s2 "$(awk -v k="$km1" \
	'BEGIN { print k - 8 }')" "$km1" | pl_stats)
echo "s2 after the link came back (8 s, from 2 s after re-sync): n $n mean $mean rms $rms max $max ns"
b=$(offsets_between s2 "$(awk -v k="$km1" 'BEGIN { print k - 8 }')" \
	"$km1" | pl_beyond 10000)
m=$(offsets_between s2 "$(awk -v k="$km1" 'BEGIN { print k - 8 }')" \
	"$km1" | pl_abs_median)
t_check "s2 re-synced: median |offset| within 2 us ($m)" pl_le "$m" 2000
t_check "s2 re-synced: at most one offset beyond 10 us, a late software timestamp ($b)" \
	pl_le "$b" 1
t_check "s2 re-synced: reported offsets ($n)" pl_ge "$n" 5

echo "== ptp-top --once --json"
top_json
python3 - "$PL_DIR/top.json" >"$PL_DIR/top.check" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ports = {p["iface"]: p for p in d["ports"]}
procs = {p["name"]: p for p in d.get("processes", [])}
ok = True
def check(what, cond):
    global ok
    print(("ok: " if cond else "not ok: ") + what)
    ok = ok and cond
check("b1 SLAVE, b2 b3 MASTER",
      [ports.get(i, {}).get("state") for i in ("b1", "b2", "b3")] ==
      ["SLAVE", "MASTER", "MASTER"])
for n in ("bmcad", "clockd", "portd/b1", "portd/b2"):
    check(n + " alive, restarted once",
          procs.get(n, {}).get("alive") is True and
          procs.get(n, {}).get("restarts") == 1)
check("portd/b3 alive, never restarted",
      procs.get("portd/b3", {}).get("alive") is True and
      procs.get("portd/b3", {}).get("restarts") == 0)
sys.exit(0 if ok else 1)
EOF
rc=$?
cat "$PL_DIR/top.check"
t_check "ptp-top's JSON: states, processes alive, restarts counted" \
	test "$rc" = 0

echo "== SIGTERM"
t_check "no error besides the kills in the appliance's log" \
	pl_no_match -E ': (emerg|alert|crit|err): ' \
	<(grep -vE 'killed by signal 9|restarting in' "$PL_DIR/meridian.log")
kill -TERM "$MER_PID"
wait "$MER_PID"
rc=$?
t_check "meridian exits 0 ($rc)" test "$rc" = 0
left=$(pgrep -f "$CONF" | tr '\n' ' ')
t_check "no process of the appliance left (${left:-none})" test -z "$left"
t_check "no socket left in the run directory" \
	test -z "$(find "$RUN" -name '*.sock' 2>/dev/null)"
locks=$(find "$RUN" -name '*.lock' 2>/dev/null | xargs -r -n1 basename |
	tr '\n' ' ')
t_check "no lock file left in the run directory (${locks:-none})" \
	test -z "$locks"
mkdir -p "$TOP/$BUILD/tests/integration/46-bc-crash.files"
cp "$PL_DIR"/*.log "$TOP/$BUILD/tests/integration/46-bc-crash.files/"
t_cleanup
trap - EXIT
t_check "no namespace of this test left" \
	test -z "$(ip netns list | awk '{ print $1 }' | grep -- "-$T_ID\$")"
t_done
