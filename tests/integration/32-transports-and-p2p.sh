#!/bin/bash
# 32-transports-and-p2p: test 30's set-up (ptp4l grandmaster -> portd
# slave on a sim clock 1 s ahead and 100 ppm fast, direct veth) over the
# other transports and with the peer-delay mechanism:
#
#   udp6 E2E (ptp4l -6, ff0e::181 from link-local addresses)
#   l2   E2E (ptp4l -2, 01:1B:19:00:00:00, ethertype 0x88F7)
#   udp4 P2P (ptp4l -4 -P, 224.0.0.107)
#   l2   P2P (ptp4l -2 -P, 01:80:C2:00:00:0E)
#
# P2P runs on a direct veth: a Linux bridge rightly drops 01:80:C2:00:00:0E
# (LAB-NOTES). Each case, shorter than test 30 (5 s window, servo linreg,
# which locks in seconds where pi takes 37 s; SERVO=pi to change): portd
# steps and locks (SLAVE, servo LOCKED*, following ptp4l's identity),
# median |reported offset| in the window within 3 us and at most 1 of 5
# beyond 10 us, the TRUE sim-clock error within 20 us at every read and its
# median |error| within 3 us (same bounds and reasons as test 30), and
# on the wire (tshark, slave's namespace) every frame portd sent is PTP on
# the right transport and group, decoded with no Malformed or expert
# warning. E2E: portd sends Delay_Req and no Pdelay_Req. P2P: portd sends
# Pdelay_Req and no Delay_Req, answers ptp4l's Pdelay_Req with Pdelay_Resp
# and Pdelay_Resp_Follow_Up, and ptp4l (asked over its UNIX socket with
# pmc) has measured a plausible peerMeanPathDelay from portd's answers.
. "$(dirname "$0")/portd-lib.sh"
pl_need ptp4l pmc tshark

CONV_TIMEOUT=${CONV_TIMEOUT:-60}
WINDOW=5
# Seconds between "converged" and the measurement window: right after its
# step a servo's frequency is still settling (seen: linreg at -52 ppm of
# -100 ppm 5 s after start on a loaded host, the true error 13 us off).
SETTLE=${SETTLE:-5}
SERVO=${SERVO:-linreg}

pl_ns p32gm; GM=$PL_NS
pl_ns p32sl; SL=$PL_NS
pl_link "$GM" g32 "$SL" s32 10.32.0.1 10.32.0.2
GM_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$GM" g32)")")
SL_MAC=$(pl_mac "$SL" s32)

# run_case TRANSPORT DELAY
run_case() {
	local tr=$1 dm=$2 tag=$1-$2 d=$PL_DIR opt dmopt
	local out=$PL_DIR/sl-$tag.out clk=$PL_DIR/sl-$tag.clk pid gmpid
	local n mean rms max tn tmean trms tmax tmed t0 t1 start
	case $tr in udp4) opt=-4 ;; udp6) opt=-6 ;; l2) opt=-2 ;; esac
	case $dm in e2e) dmopt=-E ;; p2p) dmopt=-P ;; esac
	echo "======== $tag"

	pl_ptp4l_conf "$d/gm-$tag.cfg" "gm-$tag" priority1 10
	pl_ptp4l "$GM" "$d/gm-$tag.cfg" g32 "gm-$tag" "$opt" "$dmopt"
	gmpid=$PL_PID
	t_wait_for 10 grep -q "assuming the grand master role" \
		"$d/gm-$tag.log" ||
		{
			t_check "$tag: ptp4l grandmaster up" false
			pl_show "gm-$tag"
		}

	pl_portd_conf "$d/sl-$tag.conf" s32 transport="$tr" delay="$dm" \
		servo="$SERVO" freq=100000 offset=1000000000 simpath="$clk" \
		rundir="$d/run-$tag"
	pl_cap_start "$SL" s32 "$d/$tag.pcapng"
	start=$SECONDS
	pl_portd "$SL" "$d/sl-$tag.conf" s32 "sl-$tag"
	pid=$PL_PID
	pl_simwatch "$clk" "$d/true-$tag" ||
		t_check "$tag: portd created its sim clock" false

	if t_wait_for "$CONV_TIMEOUT" pl_converged "$out" 5 10000; then
		t_check "$tag: converged (after $((SECONDS - start)) s)" true
	else
		t_check "$tag: converged within $CONV_TIMEOUT s" false
		pl_show "sl-$tag" "gm-$tag"
	fi
	sleep "$SETTLE"
	t0=$(pl_now)
	sleep "$WINDOW"
	t1=$(pl_now)
	grep '^summary ' "$out" | tail -n "$((WINDOW + 1))"

	t_check "$tag: portd still running" kill -0 "$pid"
	t_check "$tag: summary lines well-formed" pl_sum_ok "$out"
	t_check "$tag: state SLAVE" [ "$(pl_sum "$out" state)" = SLAVE ]
	t_check "$tag: servo LOCKED or LOCKED_STABLE" \
		grep -qE '^(LOCKED|LOCKED_STABLE)$' <(pl_sum "$out" servo)
	t_check "$tag: gm= is ptp4l's clockIdentity" \
		[ "$(pl_cid_norm "$(pl_sum "$out" gm)")" = "$GM_CID" ]
	t_check "$tag: stepped the 1 s offset" pl_ge "$(pl_sum "$out" steps)" 1
	t_check "$tag: rxerr 0 (rxerr=$(pl_sum "$out" rxerr))" \
		[ "$(pl_sum "$out" rxerr)" = 0 ]
	local dly
	dly=$(pl_sum "$out" delay_ns)
	t_check "$tag: path/link delay plausible, 0..100 us ($dly ns)" \
		pl_between "$dly" 0 100000
	local offs=$d/offs-$tag amed far
	pl_sum_col "$out" offset_ns "$WINDOW" >"$offs"
	read -r n mean rms max < <(pl_stats <"$offs")
	amed=$(pl_abs_median <"$offs")
	far=$(pl_beyond 10000 <"$offs")
	echo "$tag: portd offset, last $n s: mean $mean rms $rms max $max" \
		"median|x| $amed ns"
	t_check "$tag: reported median |offset| <= 3 us ($amed)" \
		pl_le "$amed" 3000
	t_check "$tag: <= 1 of $WINDOW offsets beyond 10 us ($far, max $max)" \
		pl_le "$far" 1
	read -r tn tmean trms tmax < <(pl_true_col "$d/true-$tag" "$t0" "$t1" |
		pl_stats)
	tmed=$(pl_true_col "$d/true-$tag" "$t0" "$t1" | pl_abs_median)
	echo "$tag: TRUE error, $tn reads: mean $tmean rms $trms max $tmax" \
		"median|x| $tmed ns"
	t_check "$tag: TRUE |sim - realtime| < 20 us ($tmax, $tn reads)" \
		eval 'pl_lt "$tmax" 20000 && pl_ge "$tn" 15'
	t_check "$tag: TRUE median |error| <= 3 us ($tmed, rms $trms)" \
		pl_le "$tmed" 3000

	if [ "$dm" = p2p ]; then
		pl_pmc_uds "gm-$tag" "$d/gm-$tag.pmc" 'GET PORT_DATA_SET'
		local pmd
		pmd=$(awk '$1 == "peerMeanPathDelay" { print $2 }' \
			"$d/gm-$tag.pmc")
		echo "$tag: ptp4l's peerMeanPathDelay to portd: $pmd"
		# pmc prints it in ns (the TimeInterval >> 16)
		t_check "$tag: ptp4l's peer delay to us plausible ($pmd ns)" \
			pl_between "$pmd" 1 100000
	fi

	pl_stop "$pid"
	pl_stop "$PL_WATCH_PID"
	pl_stop "$gmpid"
	pl_cap_stop
	t_check "$tag: portd logged no error" pl_log_clean "$d/sl-$tag.err"
	t_check "$tag: ptp4l never FAULTY" pl_no_match FAULTY "$d/gm-$tag.log"

	local c=$d/$tag.pcapng me="eth.src == $SL_MAC" where
	pl_cap_judge "$c" "$SL_MAC" "$tag" 20
	case $tr in
	udp4) where="ip.src == 10.32.0.2 && udp" ;;
	udp6) where="ipv6.src == fe80::/10 && udp && ipv6.hlim == 1" ;;
	l2) where="eth.type == 0x88f7 && !ip && !ipv6" ;;
	esac
	local grp pd mt=ptp.v2.messagetype
	if [ "$dm" = e2e ]; then
		case $tr in
		udp4) grp="ip.dst == 224.0.1.129 && udp.dstport == 319" ;;
		udp6) grp="ipv6.dst == ff0e::181 && udp.dstport == 319" ;;
		l2) grp="eth.dst == 01:1b:19:00:00:00" ;;
		esac
	else
		case $tr in
		udp4) grp="ip.dst == 224.0.0.107" ;;
		l2) grp="eth.dst == 01:80:c2:00:00:0e" ;;
		esac
	fi
	pd="$mt == 0x02 || $mt == 0x03 || $mt == 0x0a"
	local all on_tr dreq pdel preq presp pfup anydreq
	{ read -r all; read -r on_tr; read -r dreq; read -r pdel
	  read -r preq; read -r presp; read -r pfup; read -r anydreq; } < <(
		pl_cap_counts "$c" \
		"$me" "$me && $where" "$me && $mt == 0x01 && $grp" \
		"$me && ($pd)" "$me && $mt == 0x02 && $grp" \
		"$me && $mt == 0x03 && $grp" "$me && $mt == 0x0a && $grp" \
		"$me && $mt == 0x01")
	t_check "$tag: all of portd's frames on $tr ($on_tr of $all)" \
		pl_all_of "$on_tr" "$all"
	if [ "$dm" = e2e ]; then
		t_check "$tag: portd sent Delay_Req to the E2E group ($dreq)" \
			pl_ge "$dreq" 20
		t_check "$tag: portd sent no Pdelay messages ($pdel)" \
			[ "$pdel" = 0 ]
	else
		t_check "$tag: portd sent Pdelay_Req to the P2P group ($preq)" \
			pl_ge "$preq" 20
		t_check "$tag: portd answered with Pdelay_Resp ($presp)" \
			pl_ge "$presp" 20
		t_check "$tag: ... and Pdelay_Resp_Follow_Up ($pfup)" \
			pl_ge "$pfup" 20
		t_check "$tag: portd sent no Delay_Req ($anydreq)" \
			[ "$anydreq" = 0 ]
	fi
}

run_case udp6 e2e
run_case l2 e2e
run_case udp4 p2p
run_case l2 p2p
t_done
