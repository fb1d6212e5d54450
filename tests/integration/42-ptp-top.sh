#!/bin/bash
# 42-ptp-top: ptp-top against tests/tools/bus_pub, a stand-in for the
# supervisor's XPUB (DIR/sub.sock) publishing a scripted two-port
# appliance and garbage every 100 ms. No namespaces, no root needed.
#
#   1. --once with nothing running: exit 1 with a message, within its
#      --timeout; usage errors exit 2; --help has the manual's sections.
#   2. --once --json: one valid JSON object whose values python3 checks
#      (port states, offsets, rates, grandmaster, servo, restarts,
#      alive, garbage counted by reason).
#   3. ptp-top started BEFORE the publisher still gets its snapshot.
#   4. The curses view under script(1) (TERM=xterm): draws the ports and
#      processes, survives a terminal resize, quits on 'q' with status 0.
#   5. ptp-top stopped (SIGSTOP) for 5 s while bus_pub floods: bus_pub's
#      send rate during the stop is not below half its rate before (it
#      never blocks); ptp-top resumes, its memory stays bounded, and
#      SIGTERM ends it with status 0. Figures printed. (T42_FLOOD_OPTS=
#      --nodrop makes bus_pub a publisher that waits for its subscribers:
#      then this check fails, as it must.)
. "$(dirname "$0")/lib.sh"
TOP_BIN=$BIN/ptp-top
BUSPUB=$TOOLS/bus_pub
[ -x "$TOP_BIN" ] && [ -x "$BUSPUB" ] || t_fail "ptp-top or bus_pub not built"
t_need python3
t_need script
t_tmpdir D

# pub RUNDIR OUT [bus_pub options]: start a stand-in bus in the background.
pub() {
	local run=$1 out=$2; shift 2
	"$BUSPUB" --rundir "$run" "$@" >"$out" 2>&1 &
	PUB_PID=$!
	T_PIDS+=("$PUB_PID")
}

# jcheck FILE PYTHON-EXPR: the expression, on the JSON object j, is true.
jcheck() {
	python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
ports = {p["iface"]: p for p in j["ports"]}
procs = {p["name"]: p for p in j["processes"]}
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2" 2>>"$D/jcheck.err"
}

echo "== 1. nothing running; usage"
t0=$(date +%s%N)
"$TOP_BIN" --once --json --rundir "$D/none" --timeout 1.5 >"$D/none.out" \
	2>"$D/none.err"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "   --once --timeout 1.5 with nothing running: exit $rc after $ms ms:" \
	"$(cat "$D/none.err")"
t_check "exit status 1" test "$rc" = 1
t_check "within its timeout (< 3 s)" test "$ms" -lt 3000
t_check "a message naming the endpoint" \
	grep -q "nothing heard on ipc://$D/none/sub.sock" "$D/none.err"
t_check "nothing on stdout" test ! -s "$D/none.out"
"$TOP_BIN" --bogus >/dev/null 2>&1
t_check "an unknown option exits 2" test $? = 2
"$TOP_BIN" --rundir relative --once >/dev/null 2>&1
t_check "a relative --rundir exits 2" test $? = 2
"$TOP_BIN" --help >"$D/help.txt"
t_check "--help has NAME..EXAMPLES" bash -c "for s in NAME SYNOPSIS \
	DESCRIPTION OPTIONS OUTPUT 'EXIT STATUS' EXAMPLES; do \
	grep -q \"^\$s\" '$D/help.txt' || exit 1; done"
"$TOP_BIN" --rundir "$D/none" </dev/null >/dev/null 2>"$D/notty.err"
t_check "the live view without a terminal says so (exit 2)" \
	bash -c "test $? = 2 && grep -q 'needs a terminal' '$D/notty.err'"

echo "== 2. --once --json against the stand-in bus"
RUN=$D/run
pub "$RUN" "$D/pub.out" --seconds 20 --garbage
t_wait_for 5 test -S "$RUN/sub.sock" || t_fail "bus_pub did not bind"
"$TOP_BIN" --once --json --rundir "$RUN" >"$D/once.json" 2>"$D/once.err"
t_check "--once --json exits 0" test $? = 0
t_check "exactly one line" test "$(wc -l <"$D/once.json")" = 1
t_check "valid JSON (python3 json.load)" jcheck "$D/once.json" True
head -c 600 "$D/once.json"; echo " ..."
J=$D/once.json
t_check "top-level keys clock, ports, processes" \
	jcheck "$J" '{"clock","ports","processes"} <= set(j)'
t_check "eth1 SLAVE (S1), eth2 MASTER (M3)" jcheck "$J" \
	'ports["eth1"]["state"] == "SLAVE" and ports["eth1"]["decision"] == "S1"
and ports["eth2"]["state"] == "MASTER" and ports["eth2"]["decision"] == "M3"'
t_check "eth1 offset -12 ns, delay 3456 ns; eth2 none (null)" jcheck "$J" \
	'ports["eth1"]["offset_ns"] == -12 and ports["eth1"]["delay_ns"] == 3456
and ports["eth2"]["offset_ns"] is None'
t_check "eth1's parent is the grandmaster's port 1" jcheck "$J" \
	'ports["eth1"]["parent"] == "001122.fffe.00000a-1"'
t_check "rates from counters: eth1 rx 160/s tx 20/s (+-15 %)" jcheck "$J" \
	'abs(ports["eth1"]["rx_rate"] - 160) < 24
and abs(ports["eth1"]["tx_rate"] - 20) < 3'
t_check "error counters: eth1 rx_err 3, rx_unexpected 1" jcheck "$J" \
	'ports["eth1"]["rx_err"] == 3 and ports["eth1"]["rx_unexpected"] == 1'
t_check "grandmaster 001122.fffe.00000a, stepsRemoved 1" jcheck "$J" \
	'j["clock"]["grandmaster"] == "001122.fffe.00000a"
and j["clock"]["steps_removed"] == 1'
t_check "servo LOCKED on eth1, -12345.678 ppb, class 248, no holdover" \
	jcheck "$J" 'j["clock"]["servo_state"] == "LOCKED"
and j["clock"]["slave_iface"] == "eth1"
and abs(j["clock"]["freq_ppb"] + 12345.678) < 0.001
and j["clock"]["clock_class"] == 248 and j["clock"]["holdover"] is False'
t_check "processes alive with the supervisor's restarts (bmcad 2, portd/eth1 1)" \
	jcheck "$J" 'procs["bmcad"]["restarts"] == 2
and procs["portd/eth1"]["restarts"] == 1 and procs["clockd"]["restarts"] == 0
and all(p["alive"] for p in procs.values()) and len(procs) == 4
and procs["bmcad"]["pid"] == 4242'
t_check "garbage counted, by reason (magic, version, length, frames, topic)" \
	jcheck "$J" 'j["bus"]["garbage"] > 0 and set(j["bus"]["garbage_by"]) ==
{"magic", "version", "length", "frames", "topic"}'
t_check "no garbage made a port (only eth1, eth2)" \
	jcheck "$J" 'sorted(ports) == ["eth1", "eth2"]'
"$TOP_BIN" --once --rundir "$RUN" >"$D/once.txt"
t_check "--once (text) exits 0 and shows both ports and the servo" \
	bash -c "grep -q '^eth1 *SLAVE' '$D/once.txt' &&
		 grep -q '^eth2 *MASTER' '$D/once.txt' &&
		 grep -q 'servo LOCKED' '$D/once.txt'"

echo "== 3. ptp-top first, the appliance later"
RUN2=$D/run2
"$TOP_BIN" --once --json --rundir "$RUN2" --timeout 6 >"$D/early.json" \
	2>"$D/early.err" &
EARLY=$!
T_PIDS+=("$EARLY")
sleep 1.5
pub "$RUN2" "$D/pub2.out" --seconds 6
wait "$EARLY"
t_check "ptp-top started 1.5 s before the bus exits 0" test $? = 0
t_check "... with a snapshot of both ports" \
	jcheck "$D/early.json" 'sorted(ports) == ["eth1", "eth2"]'

echo "== 4. the curses view"
SHOT=$D/typescript
(sleep 2.5; printf q; sleep 3) |
	timeout 15 script -qfec "env TERM=xterm LINES=40 COLUMNS=150 sh -c \
	'stty rows 40 cols 150; (sleep 1.2; stty -F /dev/tty rows 30 \
	cols 100) & exec $TOP_BIN --rundir $RUN --interval 0.3'" "$SHOT" \
	>/dev/null 2>&1
rc=$?
t_check "quits on 'q' with status 0 (after a resize)" test "$rc" = 0
t_check "drew the ports eth1 and eth2" \
	bash -c "grep -q eth1 '$SHOT' && grep -q eth2 '$SHOT'"
t_check "drew the processes and the servo" \
	bash -c "grep -q portd/eth1 '$SHOT' && grep -q LOCKED '$SHOT'"

echo "== 5. a stopped ptp-top does not slow the bus"
RUN3=$D/run3
pub "$RUN3" "$D/flood.out" --seconds 9 --flood --report ${T42_FLOOD_OPTS:-}
FLOOD=$PUB_PID
t_wait_for 5 test -S "$RUN3/sub.sock" || t_fail "bus_pub did not bind"
"$TOP_BIN" --json --rundir "$RUN3" --interval 0.5 >"$D/stream.json" \
	2>"$D/stream.err" &
TOPPID=$!
T_PIDS+=("$TOPPID")
sleep 2
kill -STOP "$TOPPID"
lines_before=$(wc -l <"$D/stream.json")
sleep 5
kill -CONT "$TOPPID"
wait "$FLOOD"
sleep 1
lines_after=$(wc -l <"$D/stream.json")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$TOPPID/status" 2>/dev/null)
cat "$D/flood.out"
read -r before during < <(python3 -c '
import sys
s = {}
for l in open(sys.argv[1]):
    f = l.split()
    if f[0] == "second":
        s[int(f[1])] = int(f[3])
before = [s[i] for i in (0, 1) if i in s]
during = [s[i] for i in (3, 4, 5) if i in s]
print(min(before) if before else 0, min(during) if during else 0)' \
	"$D/flood.out")
echo "   bus_pub sends/s: before the stop (min of s0..s1) $before," \
	"during it (min of s3..s5) $during; ptp-top RSS ${rss:-?} kB"
t_check "sends went on during the stop (>= half the rate before)" \
	test "$during" -gt 0 -a "$((during * 2))" -ge "$before"
t_check "no send took longer than 50 ms" python3 -c '
import sys
l = open(sys.argv[1]).read().split("\n")
m = [x for x in l if x.startswith("sent ")][0].split()
sys.exit(0 if int(m[m.index("max_send_us") + 1]) < 50000 else 1)' \
	"$D/flood.out"
t_check "ptp-top resumed (new snapshots after SIGCONT)" \
	test "$lines_after" -gt "$lines_before"
lim=65536	# kB; ASan's shadow memory needs more
case $BUILD in *asan*) lim=524288 ;; esac
t_check "ptp-top's memory stayed bounded (RSS < $((lim / 1024)) MiB)" \
	test "${rss:-999999}" -lt "$lim"
kill -TERM "$TOPPID"
wait "$TOPPID"
t_check "SIGTERM ends the JSON stream with status 0" test $? = 0
t_check "every streamed line is valid JSON" python3 -c '
import json, sys
n = 0
for l in open(sys.argv[1]):
    json.loads(l); n += 1
sys.exit(0 if n > 0 else 1)' "$D/stream.json"

t_done
