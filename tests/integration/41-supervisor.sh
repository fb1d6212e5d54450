#!/bin/bash
# 41-supervisor: the meridian supervisor on its own (no namespaces, no
# network: the ports are names that need not exist).
#
# Children come from a --bindir made for the test: the real bmcad, and
# stand-ins for clockd (prints a long line, a line in two writes, then
# idles) and portd (port "dies" exits 2 at once, as portd's bus mode did
# before it existed; port "stubborn" ignores SIGTERM), so the checks do
# not depend on how far the real clockd and portd get.
#
#   0. bad configuration: exit 1, every FILE:LINE, nothing started or
#      created; missing daemon binaries: exit 1, nothing started
#   1. bmcad, clockd, portds started; bmcad's heartbeats and decisions
#      come through the hub (sub.sock); proc/<name>/ for every child;
#      the children's lines prefixed, long lines cut, partial lines joined
#   2. kill -9 bmcad: restarted after the back-off, counted in proc/bmcad/
#  2b. a bmcad stopped with SIGSTOP: no heartbeat for 10 s, killed and
#      restarted
#   3. a child that keeps dying: growing delays (printed), given up after
#      --max-restarts, the supervisor never stalls (health every second)
#   4. a second supervisor on the same run directory: refused
#   5. SIGHUP: an invalid file changes nothing; a changed port restarts
#      its portd only; the given-up child is tried again
#   6. SIGTERM: exit 0, no process left (the one ignoring SIGTERM gets
#      SIGKILL), no socket, no lock
#   7. kill -9 of the supervisor: the children die with it
. "$(dirname "$0")/lib.sh"
M=$BIN/meridian
SUB=$TOOLS/bus_sub
[ -x "$M" ] && [ -x "$SUB" ] && [ -x "$BIN/bmcad" ] ||
	t_fail "meridian, bmcad or bus_sub not built"
t_tmpdir D
RUN=$D/run
mkdir "$D/bin"
ln -s "$BIN/bmcad" "$D/bin/bmcad"

cat >"$D/bin/clockd" <<'EOF'
#!/bin/bash
# stand-in clockd for 41-supervisor
echo "stand-in clockd $*"
printf 'L%.0s' $(seq 3000); echo " END-OF-LONG-LINE"
printf 'part1-'; sleep 0.3; echo 'part2'
trap 'echo "stand-in clockd: SIGTERM"; exit 0' TERM
trap 'echo "stand-in clockd: SIGHUP"' HUP
while :; do sleep 0.1; done
EOF
cat >"$D/bin/portd" <<'EOF'
#!/bin/bash
# stand-in portd for 41-supervisor: behaviour by interface name
while [ $# -gt 0 ]; do [ "$1" = -i ] && IF=$2; shift; done
trap 'echo "stand-in portd: $IF: SIGHUP"' HUP
case $IF in
dies) echo "stand-in portd: $IF: bus mode not implemented" >&2; exit 2 ;;
stubborn) trap '' TERM; echo "stand-in portd: $IF: ignoring SIGTERM";
	  while :; do sleep 0.1; done ;;
*) trap 'exit 0' TERM; while :; do sleep 0.1; done ;;
esac
EOF
chmod +x "$D/bin/clockd" "$D/bin/portd"

ME=aabbcc.fffe.000001
conf() {	# conf FILE SYNC_INTERVAL_OF_STUBBORN
	cat >"$1" <<EOF
clock = { clock_identity = "$ME"; };
ports = (
	{ interface = "dies"; clock = "sim"; timestamping = "software";
	  log_announce_interval = -1; },
	{ interface = "stubborn"; clock = "sim"; timestamping = "software";
	  log_announce_interval = -1; log_sync_interval = $2; }
);
EOF
}
conf "$D/m.conf" 0
has() { grep -qF -- "$2" "$1"; }
# alive PID: running (a zombie is dead: whoever adopted it reaps it)
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) &&
	[ -n "$st" ] && [[ "$st" != Z* ]]; }
# health FILE TOPIC KEY: KEY of the last health line on TOPIC in FILE
health() { grep "^$2 health " "$1" | tail -n 1 | tr ' ' '\n' |
	sed -n "s/^$3=//p"; }
# bus SECONDS OUT [-t PREFIX]...: what the hub forwards
bus() { local s=$1 o=$2; shift 2; "$SUB" --rundir "$RUN" --seconds "$s" "$@" >"$o"; }

echo "== 0. a bad configuration starts nothing"
printf 'clock = { priority1 = 300; };\nports = ( { interface = "e";\n  transport = "udp5"; } );\n' \
	>"$D/bad.conf"
"$M" -f "$D/bad.conf" --rundir "$D/run-bad" --bindir "$D/bin" 2>"$D/bad.err"
rc=$?
cat "$D/bad.err"
t_check "bad config: exit 1 ($rc)" test "$rc" = 1
t_check "bad config: first error FILE:LINE" \
	has "$D/bad.err" "$D/bad.conf:1: clock.priority1: 300 is out of range"
t_check "bad config: second error FILE:LINE" \
	has "$D/bad.err" "$D/bad.conf:3: ports[0].transport"
t_check "bad config: no run directory created" test ! -e "$D/run-bad"
t_check "bad config: no child started" \
	eval '! pgrep -f -- "--rundir $D/run-bad" >/dev/null'
mkdir "$D/empty"
"$M" -f "$D/m.conf" --rundir "$D/run-bad" --bindir "$D/empty" 2>"$D/nobin.err"
rc=$?
cat "$D/nobin.err"
t_check "missing binaries: exit 1 ($rc), naming them" \
	eval '[ "$rc" = 1 ] && has "$D/nobin.err" "$D/empty/bmcad" &&
	      has "$D/nobin.err" "$D/empty/portd"'
t_check "missing binaries: nothing created" test ! -e "$D/run-bad"

echo "== 1. the appliance starts"
"$M" -f "$D/m.conf" --rundir "$RUN" --bindir "$D/bin" --max-restarts 4 \
	-l info 2>"$D/sup.err" &
SUP=$!
T_PIDS+=("$SUP")
t_wait_for 5 test -S "$RUN/sub.sock" || t_fail "no sub.sock"
t_check "run directory is mode 0750" test "$(stat -c %a "$RUN")" = 750
t_check "lock file holds the supervisor's pid" \
	test "$(cat "$RUN/meridian.lock")" = "$SUP"
bus 3.2 "$D/bus1.out"
BM=$(health "$D/bus1.out" proc/bmcad/ pid)
CK=$(health "$D/bus1.out" proc/clockd/ pid)
ST=$(health "$D/bus1.out" proc/portd/stubborn/ pid)
echo "pids: bmcad $BM clockd $CK portd/stubborn $ST"
t_check "proc/bmcad/: RUNNING, a live pid" \
	eval '[ "$(health "$D/bus1.out" proc/bmcad/ state)" = RUNNING ] &&
	      kill -0 "$BM"'
t_check "proc/clockd/ and proc/portd/stubborn/: live pids" \
	eval 'kill -0 "$CK" && kill -0 "$ST"'
t_check "hb/meridian/ once a second (>= 3 in 3.2 s)" \
	test "$(grep -c '^hb/meridian/ health' "$D/bus1.out")" -ge 3
t_check "bmcad's own heartbeat forwarded (hb/bmcad/, its pid)" \
	test "$(health "$D/bus1.out" hb/bmcad/ pid)" = "$BM"
t_check "bmcad's decisions forwarded (port/stubborn/decision/)" \
	grep -q '^port/stubborn/decision/ decision .*iface=stubborn' \
	"$D/bus1.out"
t_check "nothing undecodable on the bus" grep -q 'bad 0$' "$D/bus1.out"
t_check "bmcad's lines prefixed \"bmcad: \"" \
	grep -q '^bmcad: bmcad\[.*notice: bmcad:' "$D/sup.err"
t_check "clockd's stdout prefixed, with its command line" \
	has "$D/sup.err" "clockd: stand-in clockd -f $D/m.conf --rundir $RUN -l 6"
t_check "portd's stderr prefixed \"portd[dies]: \"" \
	has "$D/sup.err" "portd[dies]: stand-in portd: dies: bus mode"
long=$(grep '^clockd: LLL' "$D/sup.err")
t_check "a 3000-character line cut at 1024 and marked" \
	eval '[ "$(grep -c "^clockd: LLL" "$D/sup.err")" = 1 ] &&
	      [ ${#long} -eq $((8 + 1024 + 11)) ] &&
	      [[ "$long" == *"[line cut]" ]]'
t_check "... its rest dropped, not a line of its own" \
	eval '! grep -q "END-OF-LONG-LINE" "$D/sup.err"'
t_check "a line written in two parts comes out whole" \
	has "$D/sup.err" "clockd: part1-part2"

echo "== 2. kill -9 bmcad"
t0=$(date +%s%N)
kill -9 "$BM"
BM2=""
for i in $(seq 50); do
	sleep 0.1
	BM2=$(pgrep -f -- "$D/bin/bmcad .*--rundir $RUN" | grep -vx "$BM" | head -n 1)
	[ -n "$BM2" ] && break
done
dt=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "bmcad back after ${dt} ms (pid $BM2)"
t_check "bmcad restarted (new pid $BM2) after >= 0.4 s, < 2 s ($dt ms)" \
	eval '[ -n "$BM2" ] && [ "$dt" -ge 400 ] && [ "$dt" -lt 2000 ]'
t_check "the exit was logged with its signal" \
	has "$D/sup.err" "meridian: bmcad: killed by signal 9 (Killed)"
bus 1.5 "$D/bus2.out" -t proc/bmcad/ -t hb/bmcad/
t_check "proc/bmcad/ counts the restart (restarts=1, pid $BM2)" \
	eval '[ "$(health "$D/bus2.out" proc/bmcad/ restarts)" = 1 ] &&
	      [ "$(health "$D/bus2.out" proc/bmcad/ pid)" = "$BM2" ]'
t_check "the new bmcad's heartbeats come through" \
	test "$(health "$D/bus2.out" hb/bmcad/ pid)" = "$BM2"

echo "== 2b. a hung bmcad (SIGSTOP): no heartbeat for 10 s -> killed, restarted"
kill -STOP "$BM2"
t0=$(date +%s%N)
BM3=""
for i in $(seq 160); do
	sleep 0.1
	BM3=$(pgrep -f -- "$D/bin/bmcad .*--rundir $RUN" | grep -vx "$BM2" | head -n 1)
	[ -n "$BM3" ] && break
done
dt=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "hung bmcad replaced after ${dt} ms (pid $BM3)"
t_check "the hung bmcad was killed and replaced (${dt} ms, 10..13 s)" \
	eval '[ -n "$BM3" ] && [ "$dt" -ge 9500 ] && [ "$dt" -lt 13000 ] &&
	      has "$D/sup.err" "bmcad: no heartbeat for 10 s: hung, killing pid $BM2"'
BM2=$BM3

echo "== 3. a child that keeps dying"
# portd[dies] exits 2 at once: restarts after 0.5, 1, 2, 4 s, then
# --max-restarts 4 gives up. Meanwhile the hub keeps publishing.
bus 8 "$D/bus3.out" -t hb/meridian/ -t proc/portd/dies/
t_wait_for 5 has "$D/sup.err" "GIVING UP" || true
echo "restart delays of portd/dies (from the supervisor's log):"
# "meridian[SEC.MS]: ... portd/dies: exited" -> next "portd/dies: started"
awk -F'[][]' '/portd\/dies: exited/ { t = $2 }
	/portd\/dies: started/ && t { printf "%.3f\n", $2 - t; t = 0 }' \
	"$D/sup.err" >"$D/delays"
sed 's/^/  /; s/$/ s/' "$D/delays"
t_check "4 restarts measured" test "$(wc -l <"$D/delays")" -eq 4
t_check "delays 0.5, 1, 2, 4 s (+-0.3 s, + up to 0.1 s late)" \
	awk 'BEGIN { e[1] = 0.5; e[2] = 1; e[3] = 2; e[4] = 4; ok = 1 }
	     { if ($1 < e[NR] - 0.3 || $1 > e[NR] + 0.4) ok = 0 }
	     END { exit !(ok && NR == 4) }' "$D/delays"
t_check "exit status 2 logged as such" \
	has "$D/sup.err" "portd/dies: exited with status 2 (usage error"
t_check "given up after 4 restarts, loudly" \
	grep -q 'emerg: meridian: portd/dies: .*GIVING UP' "$D/sup.err"
t_check "proc/portd/dies/: pid 0, FAILED, restarts=4" \
	eval '[ "$(health "$D/bus3.out" proc/portd/dies/ pid)" = 0 ] &&
	      [ "$(health "$D/bus3.out" proc/portd/dies/ state)" = FAILED ] &&
	      [ "$(health "$D/bus3.out" proc/portd/dies/ restarts)" = 4 ]'
n=$(grep -c '^hb/meridian/' "$D/bus3.out")
t_check "the supervisor never stalled: hb/meridian/ every second ($n in 8 s)" \
	test "$n" -ge 7
t_check "the others kept running" eval 'kill -0 "$BM2" && kill -0 "$CK"'

echo "== 4. a second supervisor on the same run directory"
"$M" -f "$D/m.conf" --rundir "$RUN" --bindir "$D/bin" 2>"$D/second.err"
rc=$?
cat "$D/second.err"
t_check "refused: exit 1 ($rc), saying why" \
	eval '[ "$rc" = 1 ] && has "$D/second.err" "another meridian supervisor runs on $RUN"'
t_check "it started nothing (one bmcad on $RUN)" \
	test "$(pgrep -fc -- "$D/bin/bmcad .*--rundir $RUN")" = 1
t_check "the first one's sockets are still there" \
	eval 'test -S "$RUN/pub.sock" && test -S "$RUN/sub.sock"'

echo "== 5. SIGHUP"
cp "$D/m.conf" "$D/m.good"
printf 'clock = { priority1 = 999; };\n' >"$D/m.conf"
kill -HUP "$SUP"
sleep 0.5
t_check "an invalid file: FILE:LINE, nothing changed" \
	eval 'has "$D/sup.err" "$D/m.conf:1: clock.priority1" &&
	      has "$D/sup.err" "is invalid, nothing changed" && kill -0 "$ST"'
conf "$D/m.conf" -1
kill -HUP "$SUP"
ST2=""
for i in $(seq 60); do
	sleep 0.1
	ST2=$(pgrep -f -- "$D/bin/portd .*-i stubborn --rundir $RUN" |
	      grep -vx "$ST" | head -n 1)
	[ -n "$ST2" ] && break
done
t_check "the changed port's portd restarted (pid $ST -> ${ST2:-none})" \
	eval '[ -n "$ST2" ] && has "$D/sup.err" "stubborn: log_sync_interval changed: restarting portd/stubborn"'
t_check "bmcad and clockd untouched" eval 'kill -0 "$BM2" && kill -0 "$CK"'
t_check "the given-up child is tried again" \
	has "$D/sup.err" "SIGHUP: portd/dies: trying again"
t_check "the children got the SIGHUP (to re-read their log level)" \
	t_wait_for 3 grep -q 'clockd: stand-in clockd: SIGHUP' "$D/sup.err"
t_check "the SIGTERM-ignoring portd was killed to restart it" \
	has "$D/sup.err" "portd/stubborn: still running 3 s after SIGTERM: SIGKILL"

echo "== 6. SIGTERM"
PIDS="$BM2 $CK $ST2 $(pgrep -f -- "--rundir $RUN" | tr '\n' ' ')"
t0=$(date +%s%N)
kill -TERM "$SUP"
wait "$SUP"
rc=$?
dt=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "stopped in $dt ms (rc $rc)"
t_check "exit status 0 ($rc)" test "$rc" = 0
t_check "within the 3 s grace + 1 s ($dt ms)" test "$dt" -lt 4500
left=""
for p in $PIDS; do alive "$p" && left="$left $p"; done
t_check "no child left (checked pids:$PIDS; left:${left:-none})" test -z "$left"
t_check "no process with --rundir $RUN" \
	eval '! pgrep -f -- "--rundir $RUN" >/dev/null'
t_check "the SIGTERM-ignoring child got SIGKILL" \
	has "$D/sup.err" "portd/stubborn: killed by signal 9"
t_check "clockd stopped on SIGTERM (its goodbye line)" \
	has "$D/sup.err" "clockd: stand-in clockd: SIGTERM"
t_check "no socket left in $RUN ($(ls "$RUN" | tr '\n' ' '))" \
	eval '[ -z "$(find "$RUN" -type s)" ]'
t_check "no meridian.lock left" test ! -e "$RUN/meridian.lock"

echo "== 7. kill -9 of the supervisor"
cat >"$D/m9.conf" <<EOF
clock = { clock_identity = "$ME"; };
ports = ( { interface = "quiet"; clock = "sim"; timestamping = "software"; } );
EOF
"$M" -f "$D/m9.conf" --rundir "$RUN" --bindir "$D/bin" 2>"$D/sup9.err" &
SUP=$!
T_PIDS+=("$SUP")
t_wait_for 5 pgrep -f -- "$D/bin/bmcad .*--rundir $RUN" >/dev/null
sleep 0.5
PIDS=$(pgrep -f -- "--rundir $RUN" | tr '\n' ' ')
kill -9 "$SUP"
wait "$SUP" 2>/dev/null
left=""
for i in $(seq 30); do
	left=""
	for p in $PIDS; do alive "$p" && left="$left $p"; done
	[ -z "$left" ] && break
	sleep 0.1
done
[ -n "$left" ] && ps -o pid,ppid,stat,cmd -p "${left# }"
t_check "children die with the supervisor (pids $PIDS; left: ${left:-none})" \
	test -z "$left"
"$M" -f "$D/m9.conf" --rundir "$RUN" --bindir "$D/bin" 2>"$D/sup10.err" &
SUP=$!
T_PIDS+=("$SUP")
sleep 1
t_check "a new supervisor starts on the stale run directory" \
	eval 'kill -0 "$SUP" && pgrep -f -- "$D/bin/bmcad .*--rundir $RUN" >/dev/null'
kill -TERM "$SUP"
wait "$SUP"
t_check "... and stops cleanly" test ! -e "$RUN/meridian.lock"

echo "== the supervisor's log"
sed 's/^/  /' "$D/sup.err" | grep -v LLLL | head -n 80
t_done
