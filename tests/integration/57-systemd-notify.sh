#!/bin/bash
# 57-systemd-notify: the supervisor under systemd-style supervision.
#
#   0. `systemd-analyze verify` accepts systemd/meridian.service (its
#      ExecStart pointed at the built binary), with no warning at all
#   ns bc   `meridian -f bc.conf` (bmcad, clockd, portd on b1 and b2, sim
#           PHCs; each portd starts 3 s late through a wrapper), with NOTIFY_SOCKET at a datagram socket this test reads
#           (python3, AF_UNIX SOCK_DGRAM, every datagram stamped with
#           CLOCK_MONOTONIC) and WATCHDOG_USEC=2 s; run under setpriv with
#           no_new_privs and the unit's CapabilityBoundingSet (read from
#           the unit file), as systemd would
#   ns pe   the far ends of the veths, nothing running
#
# Checked:
#   - READY=1 exactly once, after a STATUS=starting: line, and not before
#     the first heartbeat of bmcad, clockd, portd/b1 and portd/b2 on the
#     bus (bus_sub started before meridian, its lines stamped as they
#     come; 0.1 s allowed for the two paths' delivery);
#   - STATUS= lines: "2/2 ports up; servo ...; grandmaster ..." once ready;
#   - WATCHDOG=1 every ~1 s (half of WATCHDOG_USEC) while healthy;
#   - bmcad stopped with SIGSTOP (its pid from the supervisor's children):
#     WATCHDOG=1 stops (a gap of 3 s or more beginning after the stop),
#     STATUS= says WEDGED, and pings come back once the supervisor has
#     killed the hung bmcad and started it again;
#   - SIGTERM: STOPPING=1, exit 0.
. "$(dirname "$0")/portd-lib.sh"
. "$(dirname "$0")/bc-lib.sh"
pl_need python3 systemd-analyze setpriv
SRC=$(cd "$(dirname "$0")/../.." && pwd)
UNIT=$SRC/systemd/meridian.service
[ -x "$BIN/bmcad" ] && [ -x "$BIN/clockd" ] && [ -x "$TOOLS/bus_sub" ] ||
	t_fail "bmcad, clockd or bus_sub not built"
[ -f "$UNIT" ] || t_fail "$UNIT missing"

# ---- 0. the unit ---------------------------------------------------------
sed "s|^ExecStart=[^ ]*|ExecStart=$MERIDIAN|" "$UNIT" \
	>"$PL_DIR/meridian.service"
systemd-analyze verify "$PL_DIR/meridian.service" >"$PL_DIR/verify.out" 2>&1
rc=$?
cat "$PL_DIR/verify.out"
t_check "systemd-analyze verify accepts the unit (exit $rc, $(wc -l \
<"$PL_DIR/verify.out") line(s) of complaint)" \
	test "$rc" -eq 0 -a ! -s "$PL_DIR/verify.out"
for k in Type=notify WatchdogSec= Restart=on-failure \
	 RuntimeDirectory=meridian ProtectSystem=strict PrivateTmp=yes \
	 CapabilityBoundingSet=; do
	t_check "unit has $k" grep -q "^$k" "$UNIT"
done
CAPS=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr ' ' '\n' |
	sed -n 's/^CAP_\(.*\)/+\L\1/p' | paste -sd, -)
echo "bounding set from the unit: $CAPS"

# ---- the appliance under a notify socket --------------------------------
pl_ns p57bc; BC=$PL_NS
pl_ns p57pe; PE=$PL_NS
pl_link "$BC" b1 "$PE" e1 10.57.1.1 10.57.1.2
pl_link "$BC" b2 "$PE" e2 10.57.2.1 10.57.2.2
RUN=$PL_DIR/run
bc_conf "$PL_DIR/bc.conf" linreg "$RUN" "$(bc_port b1 30000.0 2000000)" \
	"$(bc_port b2 -20000.0 -3000000)"

NS_SOCK=$PL_DIR/notify.sock
NLOG=$PL_DIR/notify.log
python3 -u - "$NS_SOCK" >"$NLOG" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    d = s.recv(4096).decode(errors="replace")
    print("%.6f %s" % (time.monotonic(), d.replace("\n", "|")), flush=True)
PY
T_PIDS+=("$!")
t_wait_for 5 test -S "$NS_SOCK" || t_fail "notify socket not made"

# bus_sub first: ZeroMQ connects once sub.sock exists, so no heartbeat is
# missed; each line stamped (CLOCK_MONOTONIC) as it comes
mkdir -p "$RUN"
"$TOOLS/bus_sub" --rundir "$RUN" -t hb/ | python3 -u -c '
import sys, time
for l in sys.stdin:
    print("%.6f %s" % (time.monotonic(), l), end="", flush=True)
' >"$PL_DIR/hb.log" 2>&1 &
T_PIDS+=("$!")
sleep 0.5

# the ports come up late: each portd waits 3 s before it starts (a
# --bindir whose portd is a wrapper that then execs the real one, same
# pid), so READY=1 must wait for them while bmcad and clockd are up, and
# bus_sub has long connected when their first heartbeats come
mkdir -p "$PL_DIR/bin"
ln -s "$BIN/bmcad" "$BIN/clockd" "$PL_DIR/bin/"
printf '#!/bin/sh\nsleep 3\nexec %s "$@"\n' "$BIN/portd" >"$PL_DIR/bin/portd"
chmod +x "$PL_DIR/bin/portd"
t_bg "$BC" env NOTIFY_SOCKET="$NS_SOCK" WATCHDOG_USEC=2000000 \
	setpriv --no-new-privs --inh-caps=-all --bounding-set="-all,$CAPS" \
	"$MERIDIAN" -f "$PL_DIR/bc.conf" --bindir "$PL_DIR/bin" \
	>"$PL_DIR/meridian.log" 2>&1
MER_PID=$T_LAST_PID

ready() { grep -q ' READY=1' "$NLOG"; }
t_wait_for 40 ready
t_check "READY=1 received" ready || { tail -n 30 "$PL_DIR/meridian.log"; }
sleep 6			# watchdog pings while healthy
cat "$NLOG" | head -n 12
t_check "READY=1 exactly once" test "$(grep -c ' READY=1' "$NLOG")" -eq 1
T_READY=$(awk '/ READY=1/ { print $1; exit }' "$NLOG")
first_status=$(grep -m1 'STATUS=' "$NLOG")
t_check "a STATUS=starting: line before READY=1 ($first_status)" \
	awk -v r="$T_READY" '/STATUS=starting: / && $1 < r { f = 1 }
		END { exit !f }' "$NLOG"
for n in bmcad clockd portd/b1 portd/b2; do
	t=$(awk -v n="hb/$n/" '$2 == n { print $1; exit }' "$PL_DIR/hb.log")
	echo "first heartbeat of $n at ${t:-never}, READY=1 at $T_READY"
	t_check "READY=1 not before $n's first heartbeat" \
		pl_le "${t:-x}" "$(awk -v r="${T_READY:-x}" \
			'BEGIN { printf "%.6f", r + 0.1 }')"
done
t_check "STATUS= once ready: 2/2 ports up, servo, grandmaster" \
	grep -qE 'STATUS=2/2 ports up; servo [A-Z_]+.*; grandmaster [0-9a-f.]+' \
	"$NLOG"
# pings over the 6 s since READY: ~1 s apart
gaps() { # gaps FROM TO: the WATCHDOG=1 intervals between FROM and TO
	awk -v a="$1" -v b="$2" '/ WATCHDOG=1$/ && $1 >= a && $1 <= b {
		if (p) printf "%.3f\n", $1 - p; p = $1 }' "$NLOG"
}
n=$(awk -v a="$T_READY" '/ WATCHDOG=1$/ && $1 >= a' "$NLOG" | wc -l)
maxgap=$(gaps "$T_READY" 1e12 | sort -g | tail -n 1)
echo "after READY: $n watchdog pings, longest gap ${maxgap:-none} s"
t_check "WATCHDOG=1 at least 4 times in 6 s" test "$n" -ge 4
t_check "WATCHDOG=1 at most 1.6 s apart (${maxgap:-none} s)" \
	pl_le "${maxgap:-99}" 1.6

# ---- wedged: bmcad stopped ----------------------------------------------
BMCAD=$(ps -o pid=,comm= --ppid "$MER_PID" | awk '$2 == "bmcad" { print $1 }')
t_check "bmcad found among the supervisor's children (pid ${BMCAD:-?})" \
	test -n "$BMCAD"
T_STOP=$(python3 -c 'import time; print("%.6f" % time.monotonic())')
kill -STOP "$BMCAD"
sleep 20
T_END=$(python3 -c 'import time; print("%.6f" % time.monotonic())')
gaps "$T_STOP" "$T_END" | paste -sd' ' | sed 's/^/gaps after SIGSTOP: /'
big=$(awk -v a="$T_STOP" '/ WATCHDOG=1$/ && $1 >= a - 1.5 {
	if (p && $1 - p >= 3) { printf "%.3f %.3f\n", p - a, $1 - a; exit }
	p = $1 }' "$NLOG")
echo "the pause in pings (from, to; s after SIGSTOP): ${big:-none}"
t_check "WATCHDOG=1 paused 3 s or more while bmcad was stopped" \
	test -n "$big"
t_check "the pause began after the stop (not before)" \
	pl_ge "${big%% *}" -1.1
t_check "STATUS= said WEDGED: bmcad" \
	grep -q 'STATUS=.*WEDGED: bmcad: no heartbeat' "$NLOG"
t_check "the supervisor killed the hung bmcad and restarted it" \
	grep -q 'bmcad: no heartbeat for' "$PL_DIR/meridian.log"
after=$(awk -v a="$T_STOP" -v t="${big#* }" \
	'/ WATCHDOG=1$/ && $1 - a >= t' "$NLOG" | wc -l)
t_check "WATCHDOG=1 back once bmcad runs again ($after pings)" \
	test "$after" -ge 2

# ---- stop ----------------------------------------------------------------
kill -TERM "$MER_PID"
wait "$MER_PID"
rc=$?
t_check "SIGTERM: meridian exits 0 (got $rc)" test "$rc" -eq 0
t_check "STOPPING=1 sent" grep -q ' STOPPING=1' "$NLOG"
grep -E 'ready|wedged|watchdog|notifying' "$PL_DIR/meridian.log" | head
t_done
