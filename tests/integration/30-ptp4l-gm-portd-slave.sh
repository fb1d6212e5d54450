#!/bin/bash
# 30-ptp4l-gm-portd-slave: linuxptp's ptp4l as grandmaster, `portd
# --standalone` as an ordinary-clock slave, over UDPv4 E2E on a veth pair
# between two namespaces, once with servo "pi" and once with "linreg".
#
# portd's clock is a sim clock started 1 s ahead and running 100 ppm fast
# (sim_freq_error_ppb 100000, sim_offset_ns 1e9). ptp4l timestamps in
# software, so the grandmaster's time is CLOCK_REALTIME and a synchronised
# sim clock reads CLOCK_REALTIME too. Checked:
#   - portd steps the clock (steps >= 1), reaches SLAVE with the servo
#     LOCKED (or LOCKED_STABLE) following ptp4l's clockIdentity, and its
#     last 5 offsets within 10 us, within 90 s (pi, as linuxptp's with
#     software timestamps, waits 0.016 / ki = 37 s at 8 syncs a second
#     before its first frequency estimate and step; linreg, seconds);
#   - over the next 10 s: median |reported offset| within 3 us and at most
#     2 of the 10 beyond 10 us, no further step, mean path delay plausible
#     (0..100 us);
#   - independently of what portd reports, the TRUE error of the sim clock
#     (`simclock watch`: sim - CLOCK_REALTIME, 4 reads a second) stays
#     within 20 us at every read, and its median |error| within 3 us, over
#     those 10 s (RMS printed);
#   - every frame portd sent (captured in the slave's namespace) is PTP
#     that Wireshark decodes without Malformed or expert warnings.
#
# Bounds: LAB-NOTES measured the noise floor of this path (software
# timestamps on a direct veth, ptp4l GM -> free-running ptp4l slave) at
# 0.3-0.45 us RMS and 1.6-1.8 us max at 16 Hz. A steered clock adds its
# servo's tracking error on top, and this 2-vCPU VM adds scheduling spikes,
# so 10 us / 3 us leave about 5x margin over the floor while an unsteered
# +100 ppm clock would leave them within a tenth of a second (100 us/s).
# On a loaded host a single software timestamp can be late by tens of us:
# that is a measurement spike, not a clock error (the true error does not
# move), hence the median and "at most 2 beyond" for the reported offset,
# while the true error is held to every read. A late stamp that passes the
# servo's outlier gate (20 us floor) moves the clock itself for a few
# seconds: CI once saw it lift the true error RMS of a 10 s window to
# 3.3 us (typically 70-400 ns here), every read within 20 us. The median
# |true error| judges the servo; the 20 us bound still holds every read. It may also carry the
# software-timestamp asymmetry between TX and RX paths (a few us), hence
# 20 us for its max.
. "$(dirname "$0")/portd-lib.sh"
pl_need ptp4l tshark

CONV_TIMEOUT=${CONV_TIMEOUT:-90}
WINDOW=10

pl_ns p30gm; GM=$PL_NS
pl_ns p30sl; SL=$PL_NS
pl_link "$GM" g30 "$SL" s30 10.30.0.1 10.30.0.2
GM_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$GM" g30)")")
SL_MAC=$(pl_mac "$SL" s30)
echo "grandmaster clockIdentity $GM_CID, slave MAC $SL_MAC"

pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10
pl_ptp4l "$GM" "$PL_DIR/gm.cfg" g30 gm -4
GM_PID=$PL_PID
t_check "ptp4l grandmaster takes the master role" \
	t_wait_for 10 grep -q "assuming the grand master role" "$PL_DIR/gm.log"

run_servo() {
	local servo=$1 d=$PL_DIR name=sl-$1 out clk pid t0 t1 conv
	local n mean rms max tn tmean trms tmax tmed
	out=$d/$name.out
	clk=$d/$name.clk
	pl_portd_conf "$d/$name.conf" s30 servo="$servo" freq=100000 \
		offset=1000000000 simpath="$clk" rundir="$d/run-$servo"
	pl_cap_start "$SL" s30 "$d/$servo.pcapng"
	local start=$SECONDS
	pl_portd "$SL" "$d/$name.conf" s30 "$name"
	pid=$PL_PID
	pl_simwatch "$clk" "$d/true-$servo" ||
		t_check "$servo: portd created its sim clock $clk" false

	if t_wait_for "$CONV_TIMEOUT" pl_converged "$out" 5 10000; then
		conv=$((SECONDS - start))
		t_check "$servo: converged (after $conv s)" true
	else
		t_check "$servo: converged within $CONV_TIMEOUT s" false
		pl_show "$name"
	fi
	local steps0
	steps0=$(pl_sum "$out" steps)
	t0=$(pl_now)
	sleep "$WINDOW"
	t1=$(pl_now)
	local nsum
	nsum=$(pl_nsum "$out")
	echo "== $servo: last summary lines"
	grep '^summary ' "$out" | tail -n "$((WINDOW + 2))"

	t_check "$servo: portd still running" kill -0 "$pid"
	t_check "$servo: a summary a second ($nsum in $((SECONDS - start)) s)" \
		pl_within "$nsum" "$((SECONDS - start))" 4
	t_check "$servo: every summary line well-formed" pl_sum_ok "$out"
	t_check "$servo: summary names the interface" \
		[ "$(pl_sum "$out" iface)" = s30 ]
	t_check "$servo: state SLAVE" [ "$(pl_sum "$out" state)" = SLAVE ]
	t_check "$servo: servo LOCKED or LOCKED_STABLE" \
		grep -qE '^(LOCKED|LOCKED_STABLE)$' <(pl_sum "$out" servo)
	t_check "$servo: gm= is ptp4l's clockIdentity" \
		[ "$(pl_cid_norm "$(pl_sum "$out" gm)")" = "$GM_CID" ]
	t_check "$servo: stepped the 1 s offset ($(pl_sum "$out" steps))" \
		pl_ge "$(pl_sum "$out" steps)" 1
	local steps1
	steps1=$(pl_sum "$out" steps)
	t_check "$servo: no step when locked ($steps0 -> $steps1)" \
		[ "$steps0" = "$steps1" ]
	t_check "$servo: servo never reported UNLOCKED in the window" \
		pl_no_match -E '^UNLOCKED$' <(pl_sum_col "$out" servo "$WINDOW")
	local rx tx
	rx=$(pl_sum "$out" rx)
	tx=$(pl_sum "$out" tx)
	t_check "$servo: rx, tx count ($rx, $tx)" \
		eval 'pl_ge "$rx" 100 && pl_ge "$tx" 20'
	t_check "$servo: rxerr 0 with ptp4l ($(pl_sum "$out" rxerr))" \
		[ "$(pl_sum "$out" rxerr)" = 0 ]
	local dly
	dly=$(pl_sum "$out" delay_ns)
	t_check "$servo: mean path delay plausible, 0..100 us ($dly ns)" \
		pl_between "$dly" 0 100000

	local offs=$d/offs-$servo amed far
	pl_sum_col "$out" offset_ns "$WINDOW" >"$offs"
	read -r n mean rms max < <(pl_stats <"$offs")
	amed=$(pl_abs_median <"$offs")
	far=$(pl_beyond 10000 <"$offs")
	echo "$servo: portd offset over the last $n s: mean $mean rms $rms" \
		"max $max median|x| $amed ns"
	t_check "$servo: reported median |offset| <= 3 us ($amed ns)" \
		pl_le "$amed" 3000
	t_check "$servo: <= 2 of $WINDOW beyond 10 us ($far, max $max)" \
		pl_le "$far" 2

	read -r tn tmean trms tmax < <(
		pl_true_col "$d/true-$servo" "$t0" "$t1" | pl_stats)
	tmed=$(pl_true_col "$d/true-$servo" "$t0" "$t1" | pl_abs_median)
	echo "$servo: TRUE error (sim - realtime) over $tn reads:" \
		"mean $tmean rms $trms max $tmax median|x| $tmed ns"
	t_check "$servo: true error read >= 30 times in the window ($tn)" \
		pl_ge "$tn" 30
	t_check "$servo: TRUE |sim - realtime| < 20 us ($tmax ns)" \
		pl_lt "$tmax" 20000
	t_check "$servo: TRUE median |error| <= 3 us ($tmed ns, rms $trms)" \
		pl_le "$tmed" 3000

	pl_stop "$pid"
	pl_stop "$PL_WATCH_PID"
	pl_cap_stop
	t_check "$servo: portd logged no error" pl_log_clean "$d/$name.err"
	pl_cap_judge "$d/$servo.pcapng" "$SL_MAC" "$servo"
	t_check "$servo: portd sent Delay_Req (messageId 1)" \
		pl_ge "$(pl_cap_count "$d/$servo.pcapng" \
			"eth.src == $SL_MAC && ptp.v2.messagetype == 1")" 20
	echo "== $servo: portd log (head)"
	head -n 30 "$d/$name.err"
}

run_servo pi
run_servo linreg

t_check "ptp4l grandmaster still running" kill -0 "$GM_PID"
t_check "ptp4l grandmaster stayed master" \
	pl_no_match -E 'MASTER to|FAULTY' "$PL_DIR/gm.log"
t_done
