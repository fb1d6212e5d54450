#!/bin/bash
# 02-boundary-clock: the Meridian boundary clock (`meridian` with a portd
# per port, bmcad, clockd, each port on a sim PHC) measured against the
# targets of issue 7, next to linuxptp where linuxptp has the same figure.
# Run by `make bench` (tests/bench/run), root, not by make check. Prints
# figures and a final table with each target and "met" / "not met";
# asserts nothing but that the runs produced data.
#
# UDPv4 E2E, software timestamps on veths in network namespaces; every
# ptp4l free-running (never touches CLOCK_REALTIME). A ptp4l grandmaster's
# time is CLOCK_REALTIME, so a sim PHC's TRUE error is sim - CLOCK_REALTIME.
# Parts, one after the other (each stops everything it started):
#
#   acc-linreg, acc-pi
#       the set-up of tests/integration/44: ptp4l GM (ns gm) -> meridian
#       with 3 ports (b1 up, b2 and b3 down; sim PHCs at +30, -20, +50 ppm)
#       -> free-running ptp4l slaves s1 (on b2) and s2 (on b3), and a
#       free-running ptp4l slave fl on a direct link to the GM: the floor.
#       Sync and delay request at 16 Hz (log -4), announce 4 Hz. After
#       convergence (b1's last 5 offsets within BENCH_ACC_CONV_NS, 2000
#       ns: pi takes a minute to settle from +2 ms and +30 ppm) and
#       BENCH_BC_SETTLE s, a window of BENCH_BC_WINDOW s:
#       s1's and s2's reported offsets (one a second) against fl's (RMS
#       and max ratios; median |offset| ratio too, which one late
#       timestamp does not swing), the true error of each BC PHC (read 10 times a
#       second), the RSS and PSS of every process of the appliance (PSS
#       shares the shared libraries' pages out among their users) and
#       its CPU.
#   acc-ptp4l
#       the same with ptp4l as the boundary clock (`ptp4l -S -i b1 -i b2
#       -i b3`, free-running: with software timestamps its clock is
#       CLOCK_REALTIME, the grandmaster's own clock, so its clock is
#       perfect by construction and only its timestamping and forwarding
#       show): how linuxptp does as a BC on the same veths.
#   failover
#       ptp4l GM A (priority1 10) on b1, GM B (priority1 20) on b2, both
#       masterOnly (a warm standby, heard all along), a ptp4l slave on b3.
#       kill -9 A: time from the kill and from the end of b1's announce
#       receipt timeout (last Announce from A seen on b1 + 3 x 0.25 s) to
#       b2 UNCALIBRATED and SLAVE (portd's state lines, time-stamped as
#       they leave meridian), and the worst PHC true error meanwhile.
#   latency
#       bmcad alone with tests/tools/bus_port stand-ins (as in 40): eth3
#       hears GM B, eth1 hears the better A and then reports it worse;
#       bus_port prints the time from sending the changed Erbest to the
#       new decision. BENCH_LAT_N (50) times; median, p99, max.
#   cpu
#       meridian with b1 up to a GM and b2 a master on Linux bridge br1,
#       next to a ptp4l master (its own GM) on bridge br2, in the same
#       run; N free-running ptp4l slaves on each bridge, N in
#       BENCH_CPU_SLAVES (1 4 8), 16 Hz sync and delay request; CPU time
#       (utime + stime at ns resolution, /proc/PID/task/*/schedstat) of
#       portd b2 and of ptp4l over a
#       window of BENCH_CPU_WINDOW s per N.
#   p16
#       meridian with 16 ports at 128 Hz (log -7): p1 to a ptp4l GM at
#       128 Hz, p2..p16 to a namespace where nobody answers (masters
#       sending Sync, Follow_Up and Announce); CPU of the whole appliance
#       over BENCH_P16_WINDOW s, as % of one CPU.
#
# Environment: BENCH_PARTS (all of the above, in that order),
# BENCH_BC_WINDOW (60), BENCH_BC_SETTLE (10), BENCH_CONV_TIMEOUT (90),
# BENCH_ACC_CONV_NS (2000),
# BENCH_LAT_N (50), BENCH_CPU_SLAVES ("1 4 8"), BENCH_CPU_WINDOW (20),
# BENCH_P16_WINDOW (30). With the defaults it takes about 7 to 8 minutes
# (make bench, 01 included: about 12 to 13).
. "$(dirname "$0")/../integration/portd-lib.sh"
. "$(dirname "$0")/bc-lib.sh"
pl_need ptp4l tshark

PARTS=${BENCH_PARTS:-acc-linreg acc-pi acc-ptp4l failover latency cpu p16}
WINDOW=${BENCH_BC_WINDOW:-60}
SETTLE=${BENCH_BC_SETTLE:-10}
CONV_TIMEOUT=${BENCH_CONV_TIMEOUT:-90}
ACC_CONV_NS=${BENCH_ACC_CONV_NS:-2000}
LAT_N=${BENCH_LAT_N:-50}
CPU_SLAVES=${BENCH_CPU_SLAVES:-1 4 8}
CPU_WINDOW=${BENCH_CPU_WINDOW:-20}
P16_WINDOW=${BENCH_P16_WINDOW:-30}
RAN=0
FAILED=()
declare -A RATIO_RMS RATIO_MAX RATIO_MED

# the slaves' and grandmasters' ptp4l configuration at 16 Hz
p4_16() {	# FILE NAME [KEY VALUE]...
	local f=$1 n=$2
	shift 2
	pl_ptp4l_conf "$f" "$n" logSyncInterval -4 \
		logMinDelayReqInterval -4 "$@"
}

# n_offs LOG N: the ptp4l log has at least N offsets
n_offs() { [ "$(pl_ptp4l_offsets "$1" | wc -l)" -ge "$2" ]; }

# window_offsets NAME N0: a ptp4l log's offsets after its first N0.
window_offsets() {
	pl_ptp4l_offsets "$PL_DIR/$1.log" | tail -n +"$(($2 + 1))"
}

# downstream TAG: s1, s2 against fl over the window just ended (counts in
# N0_s1 N0_s2 N0_fl); prints and records the ratios.
downstream() {
	local tag=$1 s n mean rms max nf mf rf xf rr rx worst_r=0 worst_x=0
	local am af ra worst_a=0
	read -r nf mf rf xf < <(window_offsets "$tag-fl" "$N0_fl" | pl_stats)
	af=$(window_offsets "$tag-fl" "$N0_fl" | pl_abs_median)
	echo "$tag: floor fl (direct): n $nf mean $mf rms $rf max $xf" \
		"median|x| $af ns"
	for s in s1 s2; do
		local v=N0_$s
		read -r n mean rms max < <(window_offsets "$tag-$s" "${!v}" |
					   pl_stats)
		am=$(window_offsets "$tag-$s" "${!v}" | pl_abs_median)
		rr=$(bc_div "$rms" "$rf")
		rx=$(bc_div "$max" "$xf")
		ra=$(bc_div "$am" "$af")
		echo "$tag: $s through the BC: n $n mean $mean rms $rms" \
			"max $max median|x| $am ns; / floor: rms $rr max $rx" \
			"median|x| $ra"
		worst_a=$(bc_max "$worst_a" "$ra")
		worst_r=$(bc_max "$worst_r" "$rr")
		worst_x=$(bc_max "$worst_x" "$rx")
		[ "$n" -ge $((WINDOW / 2)) ] || FAILED+=("$tag: $s had $n samples")
	done
	RATIO_RMS[$tag]=$worst_r
	RATIO_MAX[$tag]=$worst_x
	RATIO_MED[$tag]=$worst_a
	FLOOR_RMS[$tag]=$rf
}
declare -A FLOOR_RMS

# ---- acc-linreg / acc-pi / acc-ptp4l -----------------------------------------
acc() {
	local what=$1 tag=a${1:0:2} c n mean rms max run=$PL_DIR/run-$1
	local gm bc s1 s2 fl w0
	bc_part_begin "acc-$what"
	pl_ns "${tag}gm"; gm=$PL_NS
	pl_ns "${tag}bc"; bc=$PL_NS
	pl_ns "${tag}s1"; s1=$PL_NS
	pl_ns "${tag}s2"; s2=$PL_NS
	pl_ns "${tag}fl"; fl=$PL_NS
	pl_link "$gm" gA "$bc" b1 10.102.1.1 10.102.1.2
	pl_link "$bc" b2 "$s1" d1 10.102.2.1 10.102.2.2
	pl_link "$bc" b3 "$s2" d2 10.102.3.1 10.102.3.2
	pl_link "$gm" gF "$fl" fF 10.102.4.1 10.102.4.2
	p4_16 "$PL_DIR/$tag-gm.cfg" "$tag-gm" priority1 10
	t_bg "$gm" ptp4l -S -m -f "$PL_DIR/$tag-gm.cfg" -i gA -i gF -4 \
		>"$PL_DIR/$tag-gm.log" 2>&1
	for c in s1 s2 fl; do
		p4_16 "$PL_DIR/$tag-$c.cfg" "$tag-$c" priority1 250 slaveOnly 1
	done
	if [ "$what" = ptp4l ]; then
		p4_16 "$PL_DIR/$tag-bc.cfg" "$tag-bc" priority1 100
		t_bg "$bc" ptp4l -S -m -f "$PL_DIR/$tag-bc.cfg" -i b1 -i b2 \
			-i b3 -4 >"$PL_DIR/$tag-bc.log" 2>&1
		P4BC_PID=$T_LAST_PID
	else
		bc_conf "$PL_DIR/$tag.conf" "$what" "$run" \
			"$(bc_port b1 30000.0 2000000 -4 "$tag-")" \
			"$(bc_port b2 -20000.0 -3000000 -4 "$tag-")" \
			"$(bc_port b3 50000.0 4000000 -4 "$tag-")"
		bc_start "$bc" "$PL_DIR/$tag.conf" "$PL_DIR/$tag-meridian.log"
	fi
	pl_ptp4l "$s1" "$PL_DIR/$tag-s1.cfg" d1 "$tag-s1" -4
	pl_ptp4l "$s2" "$PL_DIR/$tag-s2.cfg" d2 "$tag-s2" -4
	pl_ptp4l "$fl" "$PL_DIR/$tag-fl.cfg" fF "$tag-fl" -4
	if [ "$what" = ptp4l ]; then
		# its clock needs no convergence; its ports and the slaves' path
		# delay filters do
		t_wait_for 30 n_offs "$PL_DIR/$tag-s1.log" 3
		t_wait_for 30 n_offs "$PL_DIR/$tag-s2.log" 3
		echo "ptp4l BC: $(grep -c 'to SLAVE\|to MASTER' \
			"$PL_DIR/$tag-bc.log") state changes to SLAVE/MASTER"
	else
		BC_CONV_NS=$ACC_CONV_NS bc_wait_converged "$CONV_TIMEOUT" \
			b1 b2 b3
		echo "converged (last 5 offsets of b1 within $ACC_CONV_NS ns)" \
			"after $BC_CONV s"
		for c in b1 b2 b3; do
			echo "$c: $(tail -n 1 "$(bc_sum $c)")"
		done
		for c in b1 b2 b3; do
			pl_simwatch "$PL_DIR/$tag-$c.clk" \
				"$PL_DIR/$tag-true-$c" 100
		done
	fi
	sleep "$SETTLE"
	N0_s1=$(pl_ptp4l_offsets "$PL_DIR/$tag-s1.log" | wc -l)
	N0_s2=$(pl_ptp4l_offsets "$PL_DIR/$tag-s2.log" | wc -l)
	N0_fl=$(pl_ptp4l_offsets "$PL_DIR/$tag-fl.log" | wc -l)
	w0=$(pl_now)
	local procs=()
	if [ "$what" = ptp4l ]; then
		procs=("ptp4l-bc=$P4BC_PID")
	else
		while read -r c n; do
			procs+=("$c=$n")
		done < <(bc_procs)
	fi
	bc_cpu_window "$WINDOW" "${procs[@]}"
	downstream "$tag"
	local tot=0 kv
	for kv in "${procs[@]}"; do
		echo "  ${kv%%=*}: CPU ${BC_CPU[${kv%%=*}]} ms/s," \
			"RSS $(bc_rss_kib "${kv#*=}") KiB" \
			"($(bc_rss_split "${kv#*=}") KiB)"
		tot=$(awk -v a="$tot" -v b="${BC_CPU[${kv%%=*}]}" \
			'BEGIN { print a + b }')
	done
	echo "$what BC, 3 ports at 16 Hz, 2 downstream slaves: CPU $tot ms/s"
	CPU_BC[$what]=$tot
	if [ "$what" = ptp4l ]; then
		RSS_P4BC=$(bc_rss_kib "$P4BC_PID")
	else
		for c in b1 b2 b3; do
			read -r n mean rms max < <(pl_true_col \
				"$PL_DIR/$tag-true-$c" "$w0" | pl_stats)
			echo "$what: true error $c: n $n mean $mean rms $rms" \
				"max $max ns"
			TRUE_RMS[$what-$c]=$rms
			TRUE_MAX[$what-$c]=$max
		done
		if [ "$what" = linreg ]; then
			local maxp=0 sum=0 k p r pss=0 pssp=0 q
			while read -r k p; do
				r=$(bc_rss_kib "$p")
				q=$(bc_pss_kib "$p")
				sum=$((sum + r))
				pss=$((pss + q))
				case $k in portd/*)
					[ "$r" -gt "$maxp" ] && maxp=$r
					[ "$q" -gt "$pssp" ] && pssp=$q ;;
				esac
			done < <(bc_procs)
			RSS_PORTD_MAX=$maxp
			RSS_TOTAL=$sum
			PSS_PORTD_MAX=$pssp
			PSS_TOTAL=$pss
			echo "RSS: largest portd $maxp KiB, appliance $sum KiB;" \
				"PSS: largest portd $pssp KiB, appliance $pss KiB"
		fi
	fi
	RAN=$((RAN + 1))
	bc_part_end
}
declare -A TRUE_RMS TRUE_MAX CPU_BC

# ---- failover ------------------------------------------------------------------
failover() {
	local ga gb bc s1 run=$PL_DIR/run-fo tag=fo c t_kill last exp
	local t_b1 t_unc t_sl w
	bc_part_begin failover
	pl_ns fo-ga; ga=$PL_NS
	pl_ns fo-gb; gb=$PL_NS
	pl_ns fo-bc; bc=$PL_NS
	pl_ns fo-s1; s1=$PL_NS
	pl_link "$ga" gA "$bc" b1 10.103.1.1 10.103.1.2
	pl_link "$gb" gB "$bc" b2 10.103.2.1 10.103.2.2
	pl_link "$bc" b3 "$s1" d1 10.103.3.1 10.103.3.2
	p4_16 "$PL_DIR/fo-ga.cfg" fo-ga priority1 10 masterOnly 1
	p4_16 "$PL_DIR/fo-gb.cfg" fo-gb priority1 20 masterOnly 1
	p4_16 "$PL_DIR/fo-s1.cfg" fo-s1 priority1 250 slaveOnly 1
	pl_ptp4l "$ga" "$PL_DIR/fo-ga.cfg" gA fo-ga -4
	local gapid=$PL_PID
	pl_ptp4l "$gb" "$PL_DIR/fo-gb.cfg" gB fo-gb -4
	bc_conf "$PL_DIR/fo.conf" linreg "$run" \
		"$(bc_port b1 30000.0 2000000 -4 fo-)" \
		"$(bc_port b2 -20000.0 -3000000 -4 fo-)" \
		"$(bc_port b3 50000.0 4000000 -4 fo-)"
	bc_start "$bc" "$PL_DIR/fo.conf" "$PL_DIR/fo-meridian.log"
	pl_ptp4l "$s1" "$PL_DIR/fo-s1.cfg" d1 fo-s1 -4
	bc_wait_converged "$CONV_TIMEOUT" b1 b3
	echo "converged after $BC_CONV s; b2: $(pl_sum "$(bc_sum b2)" state)"
	for c in b1 b2 b3; do
		pl_simwatch "$PL_DIR/fo-$c.clk" "$PL_DIR/fo-true-$c" 100
	done
	pl_cap_start "$bc" b1 "$PL_DIR/fo-b1.pcapng"
	sleep 3
	t_kill=$EPOCHREALTIME
	{ kill -9 "$gapid"; wait "$gapid"; } 2>/dev/null
	t_wait_for 20 grep -q 'b2: .* -> SLAVE' "$PL_DIR/fo-meridian.log"
	sleep 3
	pl_cap_stop
	last=$(tshark -r "$PL_DIR/fo-b1.pcapng" -Y \
		'ip.src == 10.103.1.1 && ptp.v2.messagetype == 0xb' \
		-T fields -e frame.time_epoch 2>/dev/null | tail -n 1)
	exp=$(awk -v l="$last" 'BEGIN { if (l == "") print ""; else
		printf "%.6f", l + 3 * 0.25 }')
	# first state line of each after the kill: "EPOCH ... IF: A -> B"
	st() {
		awk -v t="$t_kill" -v re="$1" '$1 >= t && $0 ~ re {
			print $1; exit }' "$PL_DIR/fo-meridian.log"
	}
	t_b1=$(st 'b1: SLAVE -> ')
	t_unc=$(st 'b2: [A-Z]+ -> UNCALIBRATED')
	t_sl=$(st 'b2: [A-Z]+ -> SLAVE')
	echo "state lines after the kill:"
	awk -v t="$t_kill" '$1 >= t && / -> / { print "  " $0 }' \
		"$PL_DIR/fo-meridian.log" | head -n 12
	ms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "")
		print "-"; else printf "%.0f", (b - a) * 1000 }'; }
	FO_KILL_SL=$(ms "$t_kill" "$t_sl")
	FO_EXP_SL=$(ms "$exp" "$t_sl")
	echo "kill -9 GM A at $t_kill; last Announce from A on b1 at" \
		"${last:-?} ($(ms "$last" "$t_kill") ms before the kill)"
	echo "  b1 leaves SLAVE:      $(ms "$t_kill" "$t_b1") ms after the kill" \
		"($(ms "$exp" "$t_b1") ms after the receipt timeout)"
	echo "  b2 UNCALIBRATED:      $(ms "$t_kill" "$t_unc") ms after the kill" \
		"($(ms "$exp" "$t_unc") ms after the receipt timeout)"
	echo "  b2 SLAVE:             $FO_KILL_SL ms after the kill" \
		"($FO_EXP_SL ms after the receipt timeout)"
	w=0
	for c in b1 b2 b3; do
		read -r n mean rms max < <(pl_true_col "$PL_DIR/fo-true-$c" \
			"$t_kill" | pl_stats)
		echo "  true error $c from the kill on: rms $rms max $max ns"
		w=$(awk -v a="$w" -v b="$max" 'BEGIN { print (b > a ? b : a) }')
	done
	FO_WORST=$w
	c=$(pl_ptp4l_offsets "$PL_DIR/fo-s1.log" | tail -n 5 | tr '\n' ' ')
	echo "  downstream slave's last offsets: $c"
	[ -n "$t_sl" ] && RAN=$((RAN + 1)) || FAILED+=("failover: b2 never SLAVE")
	bc_part_end
}

# ---- latency ---------------------------------------------------------------------
latency() {
	local d=$PL_DIR/lat run=$PL_DIR/lat/run i bm
	local A=001122.fffe.00000a B=001122.fffe.00000b ME=aabbcc.fffe.000001
	bc_part_begin latency
	mkdir -p "$d"
	cat >"$d/bc.conf" <<EOF
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
	"$BIN/bmcad" -f "$d/bc.conf" --rundir "$run" -l notice \
		2>"$d/bmcad.err" &
	bm=$!
	T_PIDS+=("$bm")
	t_wait_for 5 test -S "$run/bmca.sock" || {
		FAILED+=("latency: bmcad did not bind")
		bc_part_end
		return
	}
	local secs=$(awk -v n="$LAT_N" 'BEGIN { print n * 0.6 + 10 }')
	"$TOOLS/bus_port" --rundir "$run" -i eth2 --port 2 --clock $ME \
		--state MASTER --seconds "$secs" >"$d/eth2.out" 2>&1 &
	T_PIDS+=("$!")
	"$TOOLS/bus_port" --rundir "$run" -i eth3 --port 3 --clock $ME \
		--state MASTER --gm $B --priority1 20 --sender $B \
		--seconds "$secs" >"$d/eth3.out" 2>&1 &
	T_PIDS+=("$!")
	sleep 0.5
	for i in $(seq "$LAT_N"); do
		"$TOOLS/bus_port" --rundir "$run" -i eth1 --port 1 --clock $ME \
			--state LISTENING --gm $A --priority1 10 --sender $A \
			--seconds 0.5 --change-after 0.3 \
			--change-priority1 200 >"$d/eth1-$i.out" 2>&1
	done
	cat "$d"/eth1-*.out | sed -n 's/^latency_us //p' >"$d/lat"
	read -r n LAT_MED LAT_P99 LAT_MAX < <(bc_pct_stats <"$d/lat")
	echo "bus latency, Erbest change -> new decision, $n of $LAT_N runs:" \
		"median $LAT_MED us, p99 $LAT_P99 us, max $LAT_MAX us"
	echo "  all (us): $(sort -n "$d/lat" | tr '\n' ' ')"
	[ "$n" -ge $((LAT_N / 2)) ] && RAN=$((RAN + 1)) ||
		FAILED+=("latency: $n of $LAT_N runs")
	bc_part_end
}

# ---- cpu ---------------------------------------------------------------------------
cpu() {
	local gm bc sw pm run=$PL_DIR/run-cpu n i have=0 p2 pp pb1
	bc_part_begin cpu
	pl_ns cp-gm; gm=$PL_NS
	pl_ns cp-bc; bc=$PL_NS
	pl_ns cp-sw; sw=$PL_NS
	pl_ns cp-pm; pm=$PL_NS
	pl_link "$gm" gA "$bc" b1 10.105.1.1 10.105.1.2
	pl_bridge "$sw" br1
	pl_bridge "$sw" br2
	pl_bridge_port "$sw" br1 w-b2 "$bc" b2 10.105.2.1
	pl_bridge_port "$sw" br2 w-m0 "$pm" m0 10.105.3.1
	p4_16 "$PL_DIR/cp-gm.cfg" cp-gm priority1 10
	pl_ptp4l "$gm" "$PL_DIR/cp-gm.cfg" gA cp-gm -4
	p4_16 "$PL_DIR/cp-pm.cfg" cp-pm priority1 10
	pl_ptp4l "$pm" "$PL_DIR/cp-pm.cfg" m0 cp-pm -4
	pp=$PL_PID
	bc_conf "$PL_DIR/cp.conf" linreg "$run" \
		"$(bc_port b1 30000.0 2000000 -4 cp-)" \
		"$(bc_port b2 -20000.0 -3000000 -4 cp-)"
	bc_start "$bc" "$PL_DIR/cp.conf" "$PL_DIR/cp-meridian.log"
	bc_wait_converged "$CONV_TIMEOUT" b1 b2
	echo "converged after $BC_CONV s"
	while read -r i n; do
		[ "$i" = portd/b2 ] && p2=$n
		[ "$i" = portd/b1 ] && pb1=$n
	done < <(bc_procs)
	for n in $CPU_SLAVES; do
		while [ "$have" -lt "$n" ]; do
			have=$((have + 1))
			pl_ns "cp-q$have"
			pl_bridge_port "$sw" br1 "w-q$have" "$PL_NS" q \
				"10.105.2.$((10 + have))"
			p4_16 "$PL_DIR/cp-q$have.cfg" "cp-q$have" \
				priority1 250 slaveOnly 1
			pl_ptp4l "$PL_NS" "$PL_DIR/cp-q$have.cfg" q "cp-q$have" -4
			pl_ns "cp-r$have"
			pl_bridge_port "$sw" br2 "w-r$have" "$PL_NS" r \
				"10.105.3.$((10 + have))"
			p4_16 "$PL_DIR/cp-r$have.cfg" "cp-r$have" \
				priority1 250 slaveOnly 1
			pl_ptp4l "$PL_NS" "$PL_DIR/cp-r$have.cfg" r "cp-r$have" -4
		done
		sleep 5
		local q0 r0 q1 r1
		q0=$(cat "$PL_DIR"/cp-q*.log | grep -c 'master offset')
		r0=$(cat "$PL_DIR"/cp-r*.log | grep -c 'master offset')
		bc_cpu_window "$CPU_WINDOW" "portd=$p2" "ptp4l=$pp" "b1=$pb1"
		q1=$(cat "$PL_DIR"/cp-q*.log | grep -c 'master offset')
		r1=$(cat "$PL_DIR"/cp-r*.log | grep -c 'master offset')
		CPU_PORTD[$n]=${BC_CPU[portd]}
		CPU_P4[$n]=${BC_CPU[ptp4l]}
		echo "$n slave(s): portd b2 (master) ${BC_CPU[portd]} ms/s," \
			"ptp4l master ${BC_CPU[ptp4l]} ms/s, ratio" \
			"$(bc_div "${BC_CPU[portd]}" "${BC_CPU[ptp4l]}");" \
			"(portd b1, slave port: ${BC_CPU[b1]} ms/s);" \
			"slave offset lines in the window: portd side" \
			"$((q1 - q0)), ptp4l side $((r1 - r0))"
		[ $((q1 - q0)) -gt 0 ] && [ $((r1 - r0)) -gt 0 ] ||
			FAILED+=("cpu: $n slaves: a side's slaves not synced")
	done
	echo "RSS: portd b2 $(bc_rss_kib "$p2") KiB, ptp4l master" \
		"$(bc_rss_kib "$pp") KiB"
	RAN=$((RAN + 1))
	bc_part_end
}
declare -A CPU_PORTD CPU_P4

# ---- p16 ------------------------------------------------------------------------------
p16() {
	local gm bc vo run=$PL_DIR/run-p16 i groups=() k p
	bc_part_begin p16
	pl_ns p16gm; gm=$PL_NS
	pl_ns p16bc; bc=$PL_NS
	pl_ns p16vo; vo=$PL_NS
	pl_link "$gm" gA "$bc" p1 10.106.1.1 10.106.1.2
	for i in $(seq 2 16); do
		t_veth "$bc" "p$i" "$vo" "v$i" "10.106.$i.1" "10.106.$i.2"
	done
	pl_ptp4l_conf "$PL_DIR/p16-gm.cfg" p16-gm priority1 10 \
		logSyncInterval -7 logMinDelayReqInterval -7
	pl_ptp4l "$gm" "$PL_DIR/p16-gm.cfg" gA p16-gm -4
	for i in $(seq 1 16); do
		groups+=("$(bc_port "p$i" "$(( (i * 37 % 100 - 50) * 1000 )).0" \
			"$((i * 100000))" -7 p16-)")
	done
	bc_conf "$PL_DIR/p16.conf" linreg "$run" "${groups[@]}"
	bc_start "$bc" "$PL_DIR/p16.conf" "$PL_DIR/p16-meridian.log"
	bc_wait_converged "$CONV_TIMEOUT" p1 $(seq -f 'p%g' 2 16)
	echo "converged after $BC_CONV s (p1 SLAVE, p2..p16 MASTER)"
	sleep 5
	local procs=()
	while read -r k p; do
		procs+=("$k=$p")
	done < <(bc_procs)
	bc_cpu_window "$P16_WINDOW" "${procs[@]}"
	local tot=0 rss=0 mx=0 kv
	for kv in "${procs[@]}"; do
		k=${kv%%=*}
		tot=$(awk -v a="$tot" -v b="${BC_CPU[$k]}" 'BEGIN { print a + b }')
		rss=$((rss + $(bc_rss_kib "${kv#*=}")))
		case $k in portd/p1|meridian|bmcad|clockd)
			echo "  $k: ${BC_CPU[$k]} ms/s" ;;
		portd/*)
			mx=$(awk -v a="$mx" -v b="${BC_CPU[$k]}" \
				'BEGIN { print (b > a ? b : a) }') ;;
		esac
	done
	echo "  portd p2..p16 (masters): max ${mx} ms/s each"
	P16_PCT=$(awk -v t="$tot" 'BEGIN { printf "%.1f", t / 10 }')
	echo "16 ports at 128 Hz: ${#procs[@]} processes, CPU $tot ms/s" \
		"= $P16_PCT % of one CPU" \
		"($(awk -v t="$tot" -v n="$(nproc)" \
			'BEGIN { printf "%.1f", t / 10 / n }') % of $(nproc));" \
		"RSS $rss KiB"
	tail -n 1 "$(bc_sum p1)"
	[ "${#procs[@]}" -ge 19 ] && RAN=$((RAN + 1)) ||
		FAILED+=("p16: only ${#procs[@]} processes")
	bc_part_end
}

for p in $PARTS; do
	case $p in
	acc-linreg) acc linreg ;;
	acc-pi) acc pi ;;
	acc-ptp4l) acc ptp4l ;;
	failover) failover ;;
	latency) latency ;;
	cpu) cpu ;;
	p16) p16 ;;
	*) echo "unknown part $p" ;;
	esac
done

# ---- the table ----------------------------------------------------------------------
v() { local x=${!1:-}; echo "${x:--}"; }
echo
echo "Boundary clock, UDPv4 E2E, software timestamps, veths; sync and delay"
echo "request 16 Hz, announce 4 Hz unless said; windows of $WINDOW s after"
echo "convergence; ns unless said. Host: $(nproc) CPUs, $(uname -r), load" \
	"$(cut -d' ' -f1-3 /proc/loadavg) (shared machine: expect noise)."
for s in linreg pi ptp4l; do
	t=a${s:0:2}
	[ -n "${RATIO_RMS[$t]:-}" ] || continue
	lab="downstream/floor, $s BC (floor rms ${FLOOR_RMS[$t]})"
	bc_res "$lab: RMS" "${RATIO_RMS[$t]}" "<= 1.1" \
		"$(bc_met "${RATIO_RMS[$t]}" 1.1)"
	bc_res "$lab: max" "${RATIO_MAX[$t]}" "<= 1.1" \
		"$(bc_met "${RATIO_MAX[$t]}" 1.1)"
	bc_res "$lab: median abs (robust)" "${RATIO_MED[$t]}" "(info)" "-"
done
for s in linreg pi; do
	for c in b1 b2 b3; do
		[ -n "${TRUE_RMS[$s-$c]:-}" ] || continue
		bc_res "PHC true error, $s, $c: RMS (max)" \
			"${TRUE_RMS[$s-$c]} (${TRUE_MAX[$s-$c]})" "<= 100 RMS" \
			"$(bc_met "${TRUE_RMS[$s-$c]}" 100)"
	done
done
if [ -n "${FO_KILL_SL:-}" ]; then
	bc_res "failover: GM kill -> b2 SLAVE (ms)" "$FO_KILL_SL" \
		"(info)" "-"
	bc_res "failover: receipt timeout -> b2 SLAVE (ms)" "$FO_EXP_SL" \
		"<= 1000" "$(bc_met "$FO_EXP_SL" 1000)"
	bc_res "failover: worst PHC true error meanwhile" "$FO_WORST" \
		"(info)" "-"
fi
if [ -n "${LAT_MED:-}" ]; then
	bc_res "bus latency Erbest -> decision, median/p99/max (us)" \
		"$LAT_MED/$LAT_P99/$LAT_MAX" "<= 1000" \
		"$(bc_met "$LAT_MAX" 1000)"
fi
for n in $CPU_SLAVES; do
	[ -n "${CPU_PORTD[$n]:-}" ] || continue
	r=$(bc_div "${CPU_PORTD[$n]}" "${CPU_P4[$n]}")
	bc_res "CPU master port, $n slave(s): portd/ptp4l ms/s" \
		"${CPU_PORTD[$n]}/${CPU_P4[$n]} = $r" "<= 0.5" \
		"$(bc_met "$r" 0.5)"
done
if [ -n "${CPU_BC[linreg]:-}" ] && [ -n "${CPU_BC[ptp4l]:-}" ]; then
	bc_res "CPU whole 3-port BC: meridian/ptp4l ms/s" \
		"${CPU_BC[linreg]}/${CPU_BC[ptp4l]}" "(info)" "-"
fi
if [ -n "${RSS_TOTAL:-}" ]; then
	bc_res "RSS per portd, largest (KiB)" "$RSS_PORTD_MAX" "<= 4096" \
		"$(bc_met "$RSS_PORTD_MAX" 4096)"
	bc_res "RSS 3-port appliance, 6 processes (KiB)" "$RSS_TOTAL" \
		"<= 24576" "$(bc_met "$RSS_TOTAL" 24576)"
	bc_res "PSS per portd, largest (KiB)" "$PSS_PORTD_MAX" "(info)" "-"
	bc_res "PSS 3-port appliance, 6 processes (KiB)" "$PSS_TOTAL" \
		"(info)" "-"
fi
[ -n "${RSS_P4BC:-}" ] && bc_res "RSS ptp4l as the 3-port BC (KiB)" \
	"$RSS_P4BC" "(info)" "-"
[ -n "${P16_PCT:-}" ] && bc_res "16 ports at 128 Hz: appliance CPU (% of 1 CPU)" \
	"$P16_PCT" "< 20" "$(bc_met "$P16_PCT" 19.999)"
echo
bc_table
if [ "${#FAILED[@]}" -gt 0 ]; then
	printf 'incomplete: %s\n' "${FAILED[@]}"
	exit 1
fi
exit 0
