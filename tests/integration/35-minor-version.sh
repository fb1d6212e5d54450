#!/bin/bash
# 35-minor-version: minorVersionPTP against peers that speak 1588-2008.
#
# Debian's ptp4l 3.1.1 and ptpd 2.3.1 send versionPTP 2 with
# minorVersionPTP 0. portd sends clock.minor_version (default 1 = 1588-2019
# v2.1, or 0). Whatever it sends, it must accept theirs and they must
# accept its. Run twice, with clock.minor_version 1 and 0: portd
# grandmaster (priority1 10, sim clock 500 us ahead, free running) -> ptp4l
# slave and ptpd slave (free running, sharing one namespace and a direct
# veth as in test 31, ptp4l with its own clockIdentity), plus pmc over
# UDPv4. Checked each time, with
# tshark on portd's side: every frame portd sent has versionPTP 2 and the
# configured minorVersionPTP; the peers' frames really are 2.0; ptp4l and
# ptpd both select portd and measure about -500 us; portd answers their
# (2.0) Delay_Req and pmc's (2.0) GET, whose PORT_DATA_SET versionNumber
# octet is minor << 4 | 2 (pmc prints it whole: 2 or 18).
. "$(dirname "$0")/portd-lib.sh"
pl_need ptp4l ptpd pmc tshark

OFFSET=500000

P4_DOT=020000.fffe.000035	# ptp4l's clockIdentity (config)

pl_ns p35gm; GM=$PL_NS
pl_ns p35sl; SL=$PL_NS
pl_link "$GM" g35 "$SL" s35 10.35.0.1 10.35.0.2
GM_MAC=$(pl_mac "$GM" g35)
GM_DOT=$(pl_cid_from_mac "$GM_MAC")
GM_CID=$(pl_cid_norm "$GM_DOT")
SL_MAC=$(pl_mac "$SL" s35)
P4_CID=$(pl_cid_norm "$P4_DOT")
PD_CID=$(pl_cid_norm "$(pl_cid_from_mac "$SL_MAC")")

have_samples() {
	[ "$(pl_ptp4l_offsets "$PL_DIR/p4-$1.log" | wc -l)" -ge 5 ] &&
		[ "$(pl_ptpd_offsets "$PL_DIR/pd-$1.log" | wc -l)" -ge 24 ]
}

# peer_v20 PCAP CID: frames with sourcePortIdentity CID exist, all with
# minorVersionPTP 0
peer_v20() {
	local me="eth.src == $SL_MAC && ptp.v2.clockidentity == 0x$2" n v20
	{ read -r n; read -r v20; } < <(pl_cap_counts "$1" "$me" \
		"$me && ptp.v2.minorversionptp == 0")
	pl_all_of "$v20" "$n"
}

run_minor() {
	local m=$1 d=$PL_DIR tag=minor$1 gmpid p4pid pdpid c med
	echo "======== clock.minor_version = $m"
	pl_portd_conf "$d/gm-$m.conf" g35 prio1=10 offset=$OFFSET \
		free_running=true minor="$m" simpath="$d/gm-$m.clk" \
		rundir="$d/run-$m"
	c=$d/$tag.pcapng
	pl_cap_start "$GM" g35 "$c"
	pl_portd "$GM" "$d/gm-$m.conf" g35 "gm-$m"
	gmpid=$PL_PID
	t_check "$tag: portd becomes MASTER" \
		t_wait_for 15 pl_state_is "$d/gm-$m.out" MASTER
	pl_ptp4l_conf "$d/p4-$m.cfg" "p4-$m" slaveOnly 1 \
		clockIdentity "$P4_DOT"
	pl_ptp4l "$SL" "$d/p4-$m.cfg" s35 "p4-$m" -4
	p4pid=$PL_PID
	pl_ptpd "$SL" s35 "pd-$m"
	pdpid=$PL_PID
	t_check "$tag: ptp4l and ptpd report offsets (within 20 s)" \
		t_wait_for 20 have_samples "$m"
	pl_pmc "$SL" s35 "$d/pmc-$m.out" -4 -- 'GET PORT_DATA_SET' \
		'GET DEFAULT_DATA_SET'
	cat "$d/pmc-$m.out"

	t_check "$tag: ptp4l selected portd" \
		grep -q "selected best master clock $GM_DOT" "$d/p4-$m.log"
	med=$(pl_ptp4l_offsets "$d/p4-$m.log" 5 |
		awk -v o="$OFFSET" '{ print $1 + o }' | pl_median)
	t_check "$tag: ptp4l measures -$OFFSET ns, median within 5 us ($med)" \
		pl_le "$(pl_abs "$med")" 5000
	t_check "$tag: ptpd follows portd as PTP_SLAVE" \
		grep -q "Now in state: PTP_SLAVE, Best master: $GM_CID" \
		"$d/pd-$m.log"
	med=$(pl_ptpd_offsets "$d/pd-$m.log" 24 |
		awk -v o="$OFFSET" '{ print $1 + o }' | pl_median)
	t_check "$tag: ptpd measures -$OFFSET ns, median within 5 us ($med)" \
		pl_le "$(pl_abs "$med")" 5000
	local vn
	vn=$(pl_pmc_val "$d/pmc-$m.out" "$GM_CID" PORT_DATA_SET versionNumber)
	t_check "$tag: pmc's GET PORT_DATA_SET answered, versionNumber $vn" \
		[ "$vn" = $((m * 16 + 2)) ]
	t_check "$tag: pmc's GET DEFAULT_DATA_SET answered" \
		[ "$(pl_pmc_val "$d/pmc-$m.out" "$GM_CID" DEFAULT_DATA_SET \
		     priority1)" = 10 ]
	t_check "$tag: portd rxerr 0" [ "$(pl_sum "$d/gm-$m.out" rxerr)" = 0 ]

	pl_stop "$p4pid"
	pl_stop "$pdpid"
	pl_stop "$gmpid"
	pl_cap_stop
	t_check "$tag: portd logged no error" pl_log_clean "$d/gm-$m.err"

	local me="eth.src == $GM_MAC && ptp" all vok np4 npd
	local rq=ptp.v2.dr.requestingsourceportidentity
	{ read -r all; read -r vok; read -r np4; read -r npd; } < <(
		pl_cap_counts "$c" "$me" \
		"$me && ptp.v2.versionptp == 2 &&
		 ptp.v2.minorversionptp == $m" \
		"$me && $rq == 0x$P4_CID" "$me && $rq == 0x$PD_CID")
	echo "$tag: $all PTP frames from portd, $vok of them 2.$m"
	t_check "$tag: portd sent PTP frames ($all)" pl_ge "$all" 40
	t_check "$tag: every one versionPTP 2, minorVersionPTP $m ($vok)" \
		pl_all_of "$vok" "$all"
	# ptp4l's and ptpd's frames (by sourcePortIdentity): there, and 2.0
	local who cid
	for who in ptp4l:$P4_CID ptpd:$PD_CID; do
		cid=${who#*:}
		t_check "$tag: ${who%%:*} sent PTP, all 2.0 (minor 0)" \
			peer_v20 "$c" "$cid"
	done
	t_check "$tag: portd answered ptp4l's 2.0 Delay_Req ($np4)" \
		pl_ge "$np4" 5
	t_check "$tag: portd answered ptpd's 2.0 Delay_Req ($npd)" \
		pl_ge "$npd" 5
	pl_cap_judge "$c" "$GM_MAC" "$tag" 40
}

run_minor 1
run_minor 0
t_done
