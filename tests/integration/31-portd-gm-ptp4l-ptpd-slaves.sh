#!/bin/bash
# 31-portd-gm-ptp4l-ptpd-slaves: `portd --standalone` as grandmaster,
# linuxptp's ptp4l and ptpd 2.3.1 as its slaves at the same time, UDPv4
# E2E.
#
# portd (priority1 10, free_running) keeps a sim clock that reads
# CLOCK_REALTIME + 500 us with no frequency error, so any slave whose
# clock is CLOCK_REALTIME must measure offsetFromMaster = realtime - sim =
# -500 us. Both slaves run free (ptp4l free_running 1, ptpd -n) and only
# measure. They share one namespace and one direct veth to portd (a bridge
# would add tens of us of noise and bias, LAB-NOTES): ptpd makes its
# clockIdentity from the MAC, ptp4l gets another one from its config, so
# portd sees two distinct slaves.
#
# Checked: both accept portd as their best master (ptp4l: "new foreign
# master"/"selected best master clock" with portd's identity, port
# UNCALIBRATED or SLAVE; ptpd: "New best master selected", state
# PTP_SLAVE, status file "Best master ID"); portd answers each one's
# Delay_Req (Delay_Resp to its requestingPortIdentity, seen by tshark);
# ptp4l's "master offset" and ptpd's "Offset From Master" agree with the
# sim clock's true offset: -500 us, median within 5 us (noise floor on a
# direct veth ~0.5 us RMS, 2 us max, LAB-NOTES), and at most 1 in 8 of
# ptp4l's raw samples and 1 in 8 of ptpd's beyond 20 us (a loaded 2-vCPU
# host delays single software timestamps by tens of us); the sim clock was
# not steered (free_running); every frame portd sent decodes in Wireshark
# without Malformed or expert warning.
. "$(dirname "$0")/portd-lib.sh"
pl_need ptp4l ptpd tshark

OFFSET=500000		# sim - realtime of portd's clock, ns

P4_DOT=020000.fffe.000031	# ptp4l's clockIdentity (config)

pl_ns p31gm; GM=$PL_NS
pl_ns p31sl; SL=$PL_NS
pl_link "$GM" g31 "$SL" s31 10.31.0.1 10.31.0.2
GM_MAC=$(pl_mac "$GM" g31)
GM_DOT=$(pl_cid_from_mac "$GM_MAC")
GM_CID=$(pl_cid_norm "$GM_DOT")
P4_CID=$(pl_cid_norm "$P4_DOT")
PD_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$SL" s31)")")
echo "portd $GM_DOT ($GM_MAC), ptp4l $P4_CID, ptpd $PD_CID"

CLK=$PL_DIR/gm.clk
pl_portd_conf "$PL_DIR/gm.conf" g31 prio1=10 offset=$OFFSET freq=0 \
	free_running=true simpath="$CLK"
pl_cap_start "$GM" g31 "$PL_DIR/gm.pcapng"
pl_portd "$GM" "$PL_DIR/gm.conf" g31 gm
GM_PID=$PL_PID
t_check "portd becomes MASTER" \
	t_wait_for 15 pl_state_is "$PL_DIR/gm.out" MASTER

pl_ptp4l_conf "$PL_DIR/p4.cfg" p4 slaveOnly 1 clockIdentity "$P4_DOT"
pl_ptp4l "$SL" "$PL_DIR/p4.cfg" s31 p4 -4
P4_PID=$PL_PID
pl_ptpd "$SL" s31 pd
PD_PID=$PL_PID

# Long enough for ~10 one-a-second ptp4l samples after it selects us.
have_samples() {
	[ "$(pl_ptp4l_offsets "$PL_DIR/p4.log" | wc -l)" -ge 10 ] &&
		[ "$(pl_ptpd_offsets "$PL_DIR/pd.log" | wc -l)" -ge 40 ]
}
t_check "ptp4l and ptpd report offsets (within 25 s)" t_wait_for 25 have_samples
TRUE=$(pl_true_now "$CLK")
sleep 1

echo "== portd"; grep '^summary ' "$PL_DIR/gm.out" | tail -n 3
echo "== ptp4l"; head -n 12 "$PL_DIR/p4.log"; tail -n 4 "$PL_DIR/p4.log"
echo "== ptpd"; grep -E 'notice|warning|error' "$PL_DIR/pd.log" | head -n 12
echo "== ptpd status"; cat "$PL_DIR/pd.status"

# ---- portd itself -----------------------------------------------------
t_check "portd still running" kill -0 "$GM_PID"
t_check "portd summary lines well-formed" pl_sum_ok "$PL_DIR/gm.out"
t_check "portd: state MASTER" [ "$(pl_sum "$PL_DIR/gm.out" state)" = MASTER ]
t_check "portd: gm= is its own clockIdentity" \
	[ "$(pl_cid_norm "$(pl_sum "$PL_DIR/gm.out" gm)")" = "$GM_CID" ]
# stayed STATE FILE: once in STATE, every later summary line says STATE
stayed() {
	pl_sum_col "$2" state | awk -v s="$1" '
		$1 == s { in_s = 1 } in_s && $1 != s { bad = 1 }
		END { exit !(in_s && !bad) }'
}
t_check "portd: never left MASTER once there" stayed MASTER "$PL_DIR/gm.out"
t_check "portd: no step (free_running grandmaster)" \
	[ "$(pl_sum "$PL_DIR/gm.out" steps)" = 0 ]
t_check "portd: rxerr 0 (ptp4l's and ptpd's messages all understood)" \
	[ "$(pl_sum "$PL_DIR/gm.out" rxerr)" = 0 ]
t_check "portd logged no error" pl_log_clean "$PL_DIR/gm.err"
t_check "sim clock not steered: sim - realtime still $OFFSET ns ($TRUE)" \
	pl_within "$TRUE" "$OFFSET" 100

# ---- ptp4l ------------------------------------------------------------
t_check "ptp4l: portd is a new foreign master" \
	grep -q "new foreign master $GM_DOT-1" "$PL_DIR/p4.log"
t_check "ptp4l: selected portd as best master clock" \
	grep -q "selected best master clock $GM_DOT" "$PL_DIR/p4.log"
t_check "ptp4l: port UNCALIBRATED or SLAVE" \
	grep -qE "LISTENING to (UNCALIBRATED|SLAVE)" "$PL_DIR/p4.log"
t_check "ptp4l: never a FAULTY port" pl_no_match FAULTY "$PL_DIR/p4.log"
pl_ptp4l_offsets "$PL_DIR/p4.log" 8 | awk -v o="$OFFSET" '{ print $1 + o }' \
	>"$PL_DIR/p4.offs"
read -r n mean rms max < <(pl_stats <"$PL_DIR/p4.offs")
med=$(pl_median <"$PL_DIR/p4.offs")
far=$(pl_beyond 20000 <"$PL_DIR/p4.offs")
echo "ptp4l master offset + $OFFSET over $n samples:" \
	"median $med mean $mean rms $rms max $max ns"
t_check "ptp4l: master offset ~ -$OFFSET ns, median within 5 us ($med)" \
	pl_le "$(pl_abs "$med")" 5000
t_check "ptp4l: at most 1 of the last 8 beyond 20 us ($far, max $max)" \
	pl_le "$far" 1
read -r n dmean drms dmax < <(pl_ptp4l_delays "$PL_DIR/p4.log" 8 | pl_stats)
t_check "ptp4l: path delay to portd plausible, 0..100 us ($dmean ns)" \
	pl_between "$dmean" 0 100000

# ---- ptpd -------------------------------------------------------------
t_check "ptpd: selected portd as best master" \
	grep -q "New best master selected: $GM_CID" "$PL_DIR/pd.log"
t_check "ptpd: state PTP_SLAVE following portd" \
	grep -q "Now in state: PTP_SLAVE, Best master: $GM_CID" "$PL_DIR/pd.log"
t_check "ptpd: status file says PTP_SLAVE" \
	grep -qE '^Port state +: +PTP_SLAVE' "$PL_DIR/pd.status"
t_check "ptpd: status file names portd as best master" \
	grep -qE "^Best master ID +: +$GM_CID" "$PL_DIR/pd.status"
t_check "ptpd: got Delay_Resp from portd" \
	grep -q "Received first Delay Response from Master" "$PL_DIR/pd.log"
pl_ptpd_offsets "$PL_DIR/pd.log" 40 | awk -v o="$OFFSET" '{ print $1 + o }' \
	>"$PL_DIR/pd.offs"
read -r n mean rms max < <(pl_stats <"$PL_DIR/pd.offs")
med=$(pl_median <"$PL_DIR/pd.offs")
far=$(pl_beyond 20000 <"$PL_DIR/pd.offs")
echo "ptpd offset from master + $OFFSET over $n samples:" \
	"median $med mean $mean rms $rms max $max ns"
t_check "ptpd: offset from master ~ -$OFFSET ns, median within 5 us ($med)" \
	pl_le "$(pl_abs "$med")" 5000
t_check "ptpd: at most 5 of the last 40 beyond 20 us ($far, max $max)" \
	pl_le "$far" 5

pl_stop "$P4_PID"
pl_stop "$PD_PID"
pl_stop "$GM_PID"
pl_cap_stop

# ---- the wire ---------------------------------------------------------
C=$PL_DIR/gm.pcapng
pl_cap_judge "$C" "$GM_MAC" portd 40
ME="eth.src == $GM_MAC"
MT=ptp.v2.messagetype
RQ=ptp.v2.dr.requestingsourceportidentity
{ read -r n_sync; read -r n_fup; read -r n_ann; read -r n_dresp
  read -r n_p4; read -r n_pd; read -r n_ann10; } < <(pl_cap_counts "$C" \
	"$ME && $MT == 0x00" "$ME && $MT == 0x08" "$ME && $MT == 0x0b" \
	"$ME && $MT == 0x09" "$ME && $RQ == 0x$P4_CID" \
	"$ME && $RQ == 0x$PD_CID" \
	"$ME && $MT == 0x0b && ptp.v2.an.priority1 == 10")
t_check "portd sent Sync ($n_sync)" pl_ge "$n_sync" 5
t_check "portd sent Follow_Up, one per Sync ($n_fup)" \
	pl_all_of "$n_fup" "$n_sync"
t_check "portd sent Announce ($n_ann)" pl_ge "$n_ann" 5
t_check "portd sent Delay_Resp ($n_dresp)" pl_ge "$n_dresp" 20
t_check "portd answered ptp4l's Delay_Req ($n_p4)" pl_ge "$n_p4" 10
t_check "portd answered ptpd's Delay_Req ($n_pd)" pl_ge "$n_pd" 10
t_check "portd announces priority1 10 in every Announce ($n_ann10)" \
	pl_all_of "$n_ann10" "$n_ann"
t_done
