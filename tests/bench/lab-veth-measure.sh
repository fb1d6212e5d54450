#!/bin/bash
# lab-veth-measure.sh OUTDIR [SECONDS]: measure the noise of software
# timestamps on the lab link of tests/bench/01-ordinary-clock (a direct
# veth between two namespaces, UDPv4, 8 Hz sync and delay request), for
# scripts/sim-fit. Root. Two runs, one after the other on the same link:
#
#   ptp4l         ptp4l GM -> free-running ptp4l slave (free_running 1:
#                 never touches the host clock), SECONDS (default 120):
#                 OUTDIR/p4.log, its "master offset ... path delay" lines.
#   veth-stamps   tests/bench/veth-stamps at both ends, SECONDS: both ends
#                 read CLOCK_REALTIME, so RX - TX stamp is each direction's
#                 one-way delay: OUTDIR/vs-master.log, OUTDIR/vs-slave.log.
#
# Also OUTDIR/host: CPUs, kernel, load before and after.
. "$(dirname "$0")/../integration/portd-lib.sh"
t_need_root
t_need ptp4l
t_need python3

OUT=${1:?usage: lab-veth-measure.sh OUTDIR [SECONDS]}
SECS=${2:-120}
mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)

echo "before: $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 \
	/proc/loadavg)" >"$OUT/host"

pl_ns blmgm; GM=$PL_NS
pl_ns blmsl; SL=$PL_NS
pl_link "$GM" g03 "$SL" s03 10.103.0.1 10.103.0.2

# ---- ptp4l GM -> free-running ptp4l slave ------------------------------
pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10
pl_ptp4l "$GM" "$PL_DIR/gm.cfg" g03 gm -4
GMPID=$PL_PID
t_wait_for 10 grep -q "assuming the grand master role" "$PL_DIR/gm.log" ||
	t_fail "ptp4l grandmaster did not start: $(cat "$PL_DIR/gm.log")"
pl_ptp4l_conf "$PL_DIR/p4.cfg" p4 slaveOnly 1
pl_ptp4l "$SL" "$PL_DIR/p4.cfg" s03 p4 -4
P4=$PL_PID
sleep "$SECS"
pl_stop "$P4"
pl_stop "$GMPID"
cp "$PL_DIR/p4.log" "$OUT/p4.log"
echo "ptp4l: $(grep -c 'master offset' "$OUT/p4.log") samples"

# ---- raw one-way delays ---------------------------------------------------
VS=$(dirname "$0")/veth-stamps
t_bg "$SL" python3 "$VS" slave 10.103.0.2 10.103.0.1 "$SECS" \
	>"$OUT/vs-slave.log"
VSPID=$T_LAST_PID
ip netns exec "$GM" python3 "$VS" master 10.103.0.1 10.103.0.2 "$SECS" \
	>"$OUT/vs-master.log"
wait "$VSPID"
echo "veth-stamps: $(wc -l <"$OUT/vs-master.log") + \
$(wc -l <"$OUT/vs-slave.log") lines"
echo "after: load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/host"
cat "$OUT/host"
