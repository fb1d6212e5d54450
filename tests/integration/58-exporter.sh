#!/bin/bash
# 58-exporter: meridian-exporter against the running appliance.
#
#   ns gm   ptp4l grandmaster (priority1 10) on gA
#   ns bc   `meridian -f bc.conf`: b1 up to the grandmaster, b2 and b3 down
#           to ns dn (nothing runs there: both become MASTER); sim PHCs
#   ns dn   the far ends of b2 and b3
#
# Checked, once the boundary clock has converged:
#   - meridian-exporter (default --listen: 127.0.0.1:9713, checked with ss)
#     started in ns bc serves /metrics over loopback (curl in ns bc) with
#     the Prometheus Content-Type, and `promtool check metrics` reports
#     nothing on it; / is 200, other paths 404, POST 405;
#   - its values agree with `ptp-top --once --json` taken at the same time:
#     each port's state (the state set has one 1, ptp-top's state), the
#     grandmaster identity (a label of meridian_clock_grandmaster_info),
#     stepsRemoved, the servo state; offsets and delays are in seconds
#     (|port offset| < 1 ms on the locked slave port, delay > 0);
#   - process restarts: portd/b3 SIGKILLed, the supervisor restarts it and
#     meridian_process_restarts_total{process="portd/b3"} goes from 0 to 1;
#   - --once prints what promtool accepts too; nothing running: --once
#     exits 1 within its --timeout; a bad --listen exits 2;
#   - SIGTERM: the exporter exits 0.
. "$(dirname "$0")/portd-lib.sh"
. "$(dirname "$0")/bc-lib.sh"
pl_need ptp4l python3 curl promtool ss
EXP=$BIN/meridian-exporter
PTPTOP=$BIN/ptp-top
[ -x "$EXP" ] && [ -x "$PTPTOP" ] && [ -x "$BIN/clockd" ] ||
	t_fail "meridian-exporter, ptp-top or clockd not built"
CONV_TIMEOUT=${CONV_TIMEOUT:-60}

pl_ns p58gm; GM=$PL_NS
pl_ns p58bc; BC=$PL_NS
pl_ns p58dn; DN=$PL_NS
pl_link "$GM" gA "$BC" b1 10.58.1.1 10.58.1.2
pl_link "$BC" b2 "$DN" d1 10.58.2.1 10.58.2.2
pl_link "$BC" b3 "$DN" d2 10.58.3.1 10.58.3.2
GM_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$GM" gA)")")
echo "grandmaster $GM_CID"

echo "== 1. usage, nothing running"
"$EXP" --listen localhost:9713 --rundir /nonexistent >/dev/null 2>&1
t_check "a host name in --listen exits 2 (numeric only)" test $? = 2
"$EXP" --rundir relative >/dev/null 2>&1
t_check "a relative --rundir exits 2" test $? = 2
t0=$(date +%s%N)
"$EXP" --once --timeout 1 --rundir "$PL_DIR/none" >"$PL_DIR/none.out" \
	2>"$PL_DIR/none.err"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
t_check "--once with nothing running: exit 1 ($rc) within 3 s ($ms ms)" \
	eval 'test "$rc" = 1 && test "$ms" -lt 3000'
t_check "... saying what it waited for" grep -q "nothing heard" \
	"$PL_DIR/none.err"

echo "== 2. the appliance"
RUN=$PL_DIR/run
bc_conf3 "$PL_DIR/bc.conf" "$RUN"
pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10
t_bg "$GM" ptp4l -S -m -f "$PL_DIR/gm.cfg" -i gA -4 >"$PL_DIR/gm.log" 2>&1
t_bg "$BC" "$MERIDIAN" -f "$PL_DIR/bc.conf" >"$PL_DIR/meridian.log" 2>&1
t0=$SECONDS
if t_wait_for "$CONV_TIMEOUT" bc_converged b1 b2 b3; then
	t_check "converged: b1 SLAVE LOCKED, b2 b3 MASTER ($((SECONDS - t0)) s)" true
else
	t_check "converged within $CONV_TIMEOUT s" false
	tail -n 30 "$PL_DIR/meridian.log"
fi

echo "== 3. the exporter, default address, in ns bc"
t_bg "$BC" "$EXP" --rundir "$RUN" >"$PL_DIR/exp.log" 2>&1
EXP_PID=$T_LAST_PID
URL=http://127.0.0.1:9713
fetch() {	# fetch PATH OUT: curl in ns bc, the status code on stdout
	ip netns exec "$BC" curl -s -m 5 -o "$2" -w '%{http_code}' "$URL$1"
}
t_wait_for 5 eval 'ip netns exec "$BC" ss -Hltn | grep -q "127.0.0.1:9713 "'
t_check "listening on 127.0.0.1:9713 by default (ss)" \
	eval 'ip netns exec "$BC" ss -Hltn | grep -q "127.0.0.1:9713 "'
t_check "... and on no other address" \
	test "$(ip netns exec "$BC" ss -Hltnp | grep -c meridian-export)" = 1
# a round of every daemon heard (as ptp-top --once waits for)
sleep 3
( ip netns exec "$BC" "$PTPTOP" --rundir "$RUN" --once --json \
	>"$PL_DIR/top.json" 2>"$PL_DIR/top.err"; echo $? >"$PL_DIR/top.rc" ) &
TOP_PID=$!
# the same moment, near enough: both after ptp-top's 2 s round
sleep 2.2
code=$(fetch /metrics "$PL_DIR/metrics.txt")
wait "$TOP_PID"
t_check "GET /metrics: 200 ($code)" test "$code" = 200
t_check "ptp-top --once --json exits 0" test "$(cat "$PL_DIR/top.rc")" = 0
ctype=$(ip netns exec "$BC" curl -s -m 5 -o /dev/null \
	-w '%{content_type}' "$URL/metrics")
t_check "Content-Type text/plain; version=0.0.4 ($ctype)" \
	test "$ctype" = "text/plain; version=0.0.4; charset=utf-8"
echo "   $(grep -vc '^#' "$PL_DIR/metrics.txt") samples," \
	"$(grep -c '^# TYPE' "$PL_DIR/metrics.txt") families," \
	"$(wc -c <"$PL_DIR/metrics.txt") bytes"
promtool check metrics <"$PL_DIR/metrics.txt" >"$PL_DIR/promtool.out" 2>&1
rc=$?
cat "$PL_DIR/promtool.out"
t_check "promtool check metrics: exit 0 ($rc), no problem reported" \
	eval 'test "$rc" = 0 && test ! -s "$PL_DIR/promtool.out"'
t_check "GET /: 200" test "$(fetch / /dev/null)" = 200
t_check "GET /nope: 404" test "$(fetch /nope /dev/null)" = 404
code=$(ip netns exec "$BC" curl -s -m 5 -o /dev/null -w '%{http_code}' \
	-X POST -d x "$URL/metrics")
t_check "POST /metrics: 405 ($code)" test "$code" = 405

echo "== 4. the exporter's values against ptp-top's JSON"
python3 - "$PL_DIR/metrics.txt" "$PL_DIR/top.json" "$GM_CID" \
	>"$PL_DIR/cmp.out" 2>&1 <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
top = json.load(open(sys.argv[2]))
gm = sys.argv[3]
norm = lambda s: "".join(c for c in s.lower() if c in "0123456789abcdef")
line = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
lab = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
samples = []
for l in text.splitlines():
    if l.startswith("#") or not l:
        continue
    m = line.match(l)
    if not m:
        print("not ok: unparsed line", l)
        sys.exit(1)
    samples.append((m.group(1), dict(lab.findall(m.group(2) or "")),
                    float(m.group(3))))
def get(name, **labels):
    return [v for n, l, v in samples
            if n == name and all(l.get(k) == w for k, w in labels.items())]
def info(name):
    return [l for n, l, v in samples if n == name and v == 1]
ok = True
def check(what, cond):
    global ok
    print(("ok: " if cond else "not ok: ") + what)
    ok = ok and bool(cond)
ports = {p["iface"]: p for p in top["ports"]}
clk = top["clock"]
check("three ports in both", sorted(ports) == ["b1", "b2", "b3"] and
      sorted({l["interface"] for l in info("meridian_port_info")}) ==
      ["b1", "b2", "b3"])
for i, p in sorted(ports.items()):
    ones = [l["state"] for n, l, v in samples
            if n == "meridian_port_state" and l["interface"] == i and v == 1]
    check("%s: one state, ptp-top's (%s, %s)" % (i, ones, p["state"]),
          ones == [p["state"]])
    num = p["port_identity"].rsplit("-", 1)[1]
    check("%s: label port=%s (ptp-top's port identity)" % (i, num),
          get("meridian_port_state", interface=i, port=num))
    pi = [l for l in info("meridian_port_info") if l["interface"] == i]
    check("%s: port_identity %s" % (i, p["port_identity"]),
          len(pi) == 1 and pi[0]["port_identity"] == p["port_identity"])
g = info("meridian_clock_grandmaster_info")
check("grandmaster identity label %s = ptp-top's %s = ptp4l's" %
      (g[0]["grandmaster_identity"] if g else None, clk["grandmaster"]),
      len(g) == 1 and g[0]["grandmaster_identity"] == clk["grandmaster"]
      and norm(clk["grandmaster"]) == gm)
sr = get("meridian_clock_steps_removed")
check("steps removed %s = ptp-top's %s = 1" % (sr, clk["steps_removed"]),
      sr == [clk["steps_removed"]] and sr == [1])
ss = [l["state"] for n, l, v in samples
      if n == "meridian_clock_servo_state" and v == 1]
check("servo state %s = ptp-top's %s" % (ss, clk["servo_state"]),
      ss == [clk["servo_state"]])
off = get("meridian_port_offset_seconds", interface="b1")
dly = get("meridian_port_mean_path_delay_seconds", interface="b1")
check("b1 offset in seconds, |%s| < 1e-3" % off,
      len(off) == 1 and abs(off[0]) < 1e-3)
check("b1 delay in seconds, 0 < %s < 1e-2" % dly,
      len(dly) == 1 and 0 < dly[0] < 1e-2)
check("no offset on the MASTER ports (they measure no master)",
      not get("meridian_port_offset_seconds", interface="b2") and
      not get("meridian_port_offset_seconds", interface="b3"))
fr = get("meridian_clock_frequency_adjustment_ratio")
check("frequency as a ratio: %s, ptp-top %s ppb" % (fr, clk["freq_ppb"]),
      len(fr) == 1 and abs(fr[0]) < 1e-3 and
      abs(fr[0] * 1e9 - clk["freq_ppb"]) < 20000)
rx = get("meridian_port_messages_received_total", interface="b1")
check("b1 messages received %s, ptp-top %s (no fewer: later)" %
      (rx, ports["b1"]["rx"]), len(rx) == 1 and rx[0] >= ports["b1"]["rx"]
      * 0.5 and rx[0] > 0)
procs = {l["process"] for l in info("meridian_process_up")}
check("bmcad, clockd, 3 portd up",
      {"bmcad", "clockd", "portd/b1", "portd/b2", "portd/b3"} <= procs)
check("no restart yet", get("meridian_process_restarts_total",
                            process="portd/b3") == [0])
sys.exit(0 if ok else 1)
EOF
rc=$?
cat "$PL_DIR/cmp.out"
t_check "the exporter's metrics agree with ptp-top's JSON" test "$rc" = 0

echo "== 5. a restart, counted"
# portd/b3's pid as ptp-top saw it, if it is this test's (its command
# line names this test's configuration)
P3=$(python3 -c 'import json, sys
print([p["pid"] for p in json.load(open(sys.argv[1]))["processes"]
       if p["name"] == "portd/b3"][0])' "$PL_DIR/top.json" 2>/dev/null)
tr '\0' ' ' <"/proc/${P3:-0}/cmdline" 2>/dev/null | grep -q "$PL_DIR" || P3=
restarts() {
	fetch /metrics "$PL_DIR/m.txt" >/dev/null
	awk '$1 == "meridian_process_restarts_total{process=\"portd/b3\"}" {
		print $2 }' "$PL_DIR/m.txt"
}
if [ -n "$P3" ]; then
	kill -KILL "$P3"
	t_wait_for 20 eval '[ "$(restarts)" = 1 ]'
fi
n=$(restarts)
t_check "portd/b3 SIGKILLed (pid ${P3:-none}): restarts_total 0 -> 1 ($n)" \
	test "$n" = 1

echo "== 6. --once"
ip netns exec "$BC" "$EXP" --once --rundir "$RUN" >"$PL_DIR/once.txt" \
	2>"$PL_DIR/once.err"
t_check "--once exits 0" test $? = 0
promtool check metrics <"$PL_DIR/once.txt" >"$PL_DIR/promtool2.out" 2>&1
rc=$?
t_check "promtool check metrics on --once: exit 0 ($rc), nothing reported" \
	eval 'test "$rc" = 0 && test ! -s "$PL_DIR/promtool2.out"'
t_check "--once names the grandmaster" grep -q \
	"^meridian_clock_grandmaster_info{grandmaster_identity=" \
	"$PL_DIR/once.txt"

echo "== 7. SIGTERM"
kill -TERM "$EXP_PID"
for i in $(seq 50); do
	kill -0 "$EXP_PID" 2>/dev/null || break
	sleep 0.1
done
wait "$EXP_PID"
rc=$?
t_check "the exporter exits 0 on SIGTERM ($rc)" test "$rc" = 0
tail -n 2 "$PL_DIR/exp.log"
t_done
