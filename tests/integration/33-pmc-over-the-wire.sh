#!/bin/bash
# 33-pmc-over-the-wire: linuxptp's pmc, from another namespace, asks
# `portd --standalone` for its data sets over UDPv4, UDPv6 and IEEE 802.3.
#
# udp4: portd is the slave of a ptp4l grandmaster (domain 4, priority1 10,
# priority2 111, clockClass 13, accuracy 0x22, variance 0x4321, UTC offset
# 36, timeSource GNSS) and configured with priority1 200, priority2 77,
# domain 4. pmc -4 -d 4
# from the grandmaster's namespace sends GET DEFAULT_DATA_SET,
# CURRENT_DATA_SET, PARENT_DATA_SET, TIME_PROPERTIES_DATA_SET,
# PORT_DATA_SET and CLOCK_DESCRIPTION: every one must be answered by
# portd's clockIdentity (made from its MAC, as linuxptp makes it) with the
# configured values, the port SLAVE, the parent and grandmaster being
# ptp4l, stepsRemoved 1, and the time properties equal to what ptp4l itself
# answers. A SET PRIORITY1 is answered with MANAGEMENT_ERROR_STATUS and
# changes nothing.
# udp6 and l2: portd alone (so MASTER of itself), asked by pmc -6 / -2;
# every GET answered, portState MASTER, stepsRemoved 0, grandmaster =
# itself, CLOCK_DESCRIPTION naming the transport (networkProtocol 2 / 3).
# pmc 3.1.1 prints PORT_DATA_SET's versionNumber octet whole:
# minorVersionNumber 1 | versionNumber 2 = 0x12 = 18 (mgmt.h).
. "$(dirname "$0")/portd-lib.sh"
pl_need ptp4l pmc

GETS=(DEFAULT_DATA_SET CURRENT_DATA_SET PARENT_DATA_SET
      TIME_PROPERTIES_DATA_SET PORT_DATA_SET CLOCK_DESCRIPTION)

pl_ns p33gm; GM=$PL_NS
pl_ns p33sl; SL=$PL_NS
pl_link "$GM" g33 "$SL" s33 10.33.0.1 10.33.0.2
GM_DOT=$(pl_cid_from_mac "$(pl_mac "$GM" g33)")
GM_CID=$(pl_cid_norm "$GM_DOT")
SL_MAC=$(pl_mac "$SL" s33)
SL_DOT=$(pl_cid_from_mac "$SL_MAC")
SL_CID=$(pl_cid_norm "$SL_DOT")
echo "ptp4l $GM_DOT, portd $SL_DOT ($SL_MAC)"
# the first line of a message from portd in pmc's output
PORTD_MSG="^[[:space:]]+$SL_DOT-1 seq [0-9]+"
RESP="$PORTD_MSG RESPONSE"

# v OUT TLV FIELD: portd's value of FIELD in its TLV response
v() { pl_pmc_val "$1" "$SL_CID" "$2" "$3"; }
# is OUT TLV FIELD WANT: counted check that the value is WANT
is() {
	local got
	got=$(v "$1" "$2" "$3")
	t_check "$TAG: $2 $3 = $4 (got '$got')" [ "$got" = "$4" ]
}
# has_resp OUT TLV: portd's RESPONSE to GET TLV is in OUT
has_resp() { [ -n "$(pl_pmc_block "$1" "$SL_CID" "$2")" ]; }
# answered OUT: every GET got portd's RESPONSE
answered() {
	local t
	for t in "${GETS[@]}"; do
		t_check "$TAG: GET $t answered by portd" has_resp "$1" "$t"
	done
}
# in_range X LO HI: LO < X <= HI
in_range() { pl_lt "$2" "$1" && pl_le "$1" "$3"; }
# same_tp OUT FIELD WANT: portd's TIME_PROPERTIES_DATA_SET FIELD is WANT
same_tp() {
	[ -n "$3" ] && [ "$(v "$1" TIME_PROPERTIES_DATA_SET "$2")" = "$3" ]
}

pmc_gets() {
	local pre=()
	for t in "${GETS[@]}"; do
		pre+=("GET $t")
	done
	pl_pmc "$@" -- "${pre[@]}"
}

# ---- udp4: portd the slave of ptp4l ------------------------------------
TAG=udp4
# Values unlike the defaults, so a copied default cannot pass for the
# grandmaster's.
pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10 domainNumber 4 priority2 111 \
	clockClass 13 clockAccuracy 0x22 offsetScaledLogVariance 0x4321 \
	utc_offset 36 timeSource 0x20
pl_ptp4l "$GM" "$PL_DIR/gm.cfg" g33 gm -4
GM_PID=$PL_PID
pl_portd_conf "$PL_DIR/sl4.conf" s33 transport=udp4 prio1=200 prio2=77 \
	domain=4 freq=20000 offset=300000 servo=linreg
pl_portd "$SL" "$PL_DIR/sl4.conf" s33 sl4
PID=$PL_PID
t_check "udp4: portd becomes SLAVE (within 30 s)" \
	t_wait_for 30 pl_state_is "$PL_DIR/sl4.out" SLAVE
sleep 2
O=$PL_DIR/pmc4.out
pmc_gets "$GM" g33 "$O" -4 -d 4
cat "$O"
answered "$O"
is "$O" DEFAULT_DATA_SET twoStepFlag 1
is "$O" DEFAULT_DATA_SET slaveOnly 0
is "$O" DEFAULT_DATA_SET numberPorts 1
is "$O" DEFAULT_DATA_SET priority1 200
is "$O" DEFAULT_DATA_SET clockClass 248
is "$O" DEFAULT_DATA_SET clockAccuracy 0xfe
is "$O" DEFAULT_DATA_SET offsetScaledLogVariance 0xffff
is "$O" DEFAULT_DATA_SET priority2 77
is "$O" DEFAULT_DATA_SET clockIdentity "$SL_DOT"
is "$O" DEFAULT_DATA_SET domainNumber 4
is "$O" CURRENT_DATA_SET stepsRemoved 1
ofm=$(v "$O" CURRENT_DATA_SET offsetFromMaster)
mpd=$(v "$O" CURRENT_DATA_SET meanPathDelay)
t_check "udp4: CURRENT_DATA_SET offsetFromMaster is small, |x| < 1 ms ($ofm)" \
	pl_le "$(pl_abs "$ofm")" 1000000
t_check "udp4: CURRENT_DATA_SET meanPathDelay plausible, 0..100 us ($mpd)" \
	in_range "$mpd" 0 100000
is "$O" PARENT_DATA_SET parentPortIdentity "$GM_DOT-1"
is "$O" PARENT_DATA_SET grandmasterIdentity "$GM_DOT"
is "$O" PARENT_DATA_SET grandmasterPriority1 10
is "$O" PARENT_DATA_SET grandmasterPriority2 111
is "$O" PARENT_DATA_SET gm.ClockClass 13
is "$O" PARENT_DATA_SET gm.ClockAccuracy 0x22
is "$O" PARENT_DATA_SET gm.OffsetScaledLogVariance 0x4321
# The time properties come from the grandmaster: equal to ptp4l's own
# (asked over its UNIX socket: pmc does not loop its multicast back).
pl_pmc_uds gm "$PL_DIR/pmc-gm.out" -d 4 'GET TIME_PROPERTIES_DATA_SET'
for f in currentUtcOffset leap61 leap59 currentUtcOffsetValid ptpTimescale \
	 timeTraceable frequencyTraceable timeSource; do
	want=$(pl_pmc_val "$PL_DIR/pmc-gm.out" "$GM_CID" \
		TIME_PROPERTIES_DATA_SET "$f")
	case $f in
	currentUtcOffset)
		t_check "udp4: ptp4l says UTC offset 36" [ "$want" = 36 ] ;;
	timeSource)
		t_check "udp4: ptp4l says timeSource GNSS" [ "$want" = 0x20 ] ;;
	esac
	t_check "udp4: TIME_PROPERTIES_DATA_SET $f = ptp4l's '$want'" \
		same_tp "$O" "$f" "$want"
done
is "$O" PORT_DATA_SET portIdentity "$SL_DOT-1"
is "$O" PORT_DATA_SET portState SLAVE
is "$O" PORT_DATA_SET logMinDelayReqInterval -3
is "$O" PORT_DATA_SET logAnnounceInterval -2
is "$O" PORT_DATA_SET announceReceiptTimeout 3
is "$O" PORT_DATA_SET logSyncInterval -3
is "$O" PORT_DATA_SET delayMechanism 1
is "$O" PORT_DATA_SET logMinPdelayReqInterval -3
is "$O" PORT_DATA_SET peerMeanPathDelay 0
is "$O" PORT_DATA_SET versionNumber 18
is "$O" CLOCK_DESCRIPTION clockType 0x8000
is "$O" CLOCK_DESCRIPTION physicalLayerProtocol "IEEE 802.3"
is "$O" CLOCK_DESCRIPTION physicalAddress "$SL_MAC"
is "$O" CLOCK_DESCRIPTION protocolAddress "1 10.33.0.2"
is "$O" CLOCK_DESCRIPTION profileId 00:1b:19:00:01:00

# A SET is refused, and changes nothing.
S=$PL_DIR/pmc4-set.out
pl_pmc "$GM" g33 "$S" -4 -d 4 -- 'SET PRIORITY1 3' 'GET DEFAULT_DATA_SET'
cat "$S"
t_check "udp4: SET PRIORITY1 answered by portd with MANAGEMENT_ERROR_STATUS" \
	grep -qE "$RESP MANAGEMENT_ERROR_STATUS" "$S"
t_check "udp4: ... and no RESPONSE MANAGEMENT PRIORITY1 from portd" \
	pl_no_match -E "$PORTD_MSG (RESPONSE|ACKNOWLEDGE) MANAGEMENT PRIO" \
	"$S"
is "$S" DEFAULT_DATA_SET priority1 200
t_check "udp4: portd still SLAVE after the management traffic" \
	[ "$(pl_sum "$PL_DIR/sl4.out" state)" = SLAVE ]
t_check "udp4: portd rxerr 0" [ "$(pl_sum "$PL_DIR/sl4.out" rxerr)" = 0 ]
pl_stop "$PID"
pl_stop "$GM_PID"
t_check "udp4: portd logged no error" pl_log_clean "$PL_DIR/sl4.err"

# ---- udp6 and l2: portd alone, MASTER ----------------------------------
for TAG in udp6 l2; do
	case $TAG in udp6) opt=-6 np=2 ;; l2) opt=-2 np=3 ;; esac
	pl_portd_conf "$PL_DIR/sl-$TAG.conf" s33 transport=$TAG prio1=201 \
		prio2=78 simpath="$PL_DIR/sl-$TAG.clk" rundir="$PL_DIR/run-$TAG"
	pl_portd "$SL" "$PL_DIR/sl-$TAG.conf" s33 "sl-$TAG"
	PID=$PL_PID
	t_check "$TAG: portd becomes MASTER (within 15 s)" \
		t_wait_for 15 pl_state_is "$PL_DIR/sl-$TAG.out" MASTER
	O=$PL_DIR/pmc-$TAG.out
	pmc_gets "$GM" g33 "$O" "$opt"
	cat "$O"
	answered "$O"
	is "$O" DEFAULT_DATA_SET priority1 201
	is "$O" DEFAULT_DATA_SET priority2 78
	is "$O" DEFAULT_DATA_SET clockIdentity "$SL_DOT"
	is "$O" DEFAULT_DATA_SET domainNumber 0
	is "$O" CURRENT_DATA_SET stepsRemoved 0
	is "$O" PARENT_DATA_SET grandmasterIdentity "$SL_DOT"
	is "$O" PARENT_DATA_SET parentPortIdentity "$SL_DOT-0"
	is "$O" PARENT_DATA_SET grandmasterPriority1 201
	is "$O" PORT_DATA_SET portIdentity "$SL_DOT-1"
	is "$O" PORT_DATA_SET portState MASTER
	is "$O" PORT_DATA_SET logSyncInterval -3
	is "$O" PORT_DATA_SET versionNumber 18
	is "$O" CLOCK_DESCRIPTION physicalAddress "$SL_MAC"
	t_check "$TAG: CLOCK_DESCRIPTION protocolAddress: networkProtocol $np" \
		grep -q "^$np " <(v "$O" CLOCK_DESCRIPTION protocolAddress)
	pl_pmc "$GM" g33 "$PL_DIR/pmc-$TAG-set.out" "$opt" -- 'SET PRIORITY1 3'
	t_check "$TAG: SET PRIORITY1 answered with MANAGEMENT_ERROR_STATUS" \
		grep -qE "$RESP MANAGEMENT_ERROR_STATUS" \
		"$PL_DIR/pmc-$TAG-set.out"
	pl_stop "$PID"
	t_check "$TAG: portd logged no error" pl_log_clean "$PL_DIR/sl-$TAG.err"
done
t_done
