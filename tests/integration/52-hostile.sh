#!/bin/bash
# 52-hostile: hostile and broken traffic (issue 9, part "hostile").
#
# ptp4l (priority1 10, masterOnly) is grandmaster on a bridge; two
# `portd --standalone` (linreg servo, sim clocks) follow it:
#   A  acceptable_master_table = true, acceptable_masters = ptp4l's
#      clockIdentity, management_set = "deny" (the default),
#      rx_cpu_budget = 4 (% of a CPU: over it, a socket filter lets only
#      ptp4l's messages in for the rest of each 100 ms window)
#   B  no table (the standard's behaviour), management_set = "allow"
# both with the default rx_budget_pps (10000, 1000 per sender). Once both
# are SLAVE and LOCKED:
#   1. pmc SET PRIORITY1 3 over the wire: both answer with
#      MANAGEMENT_ERROR_STATUS and priority1 stays 128 (no data set is
#      settable); A logs the refusal by policy, B does not.
#   2. quiet: the true error of A's sim clock (sim - CLOCK_REALTIME, the
#      grandmaster's time) for QUIET s: RMS and max.
#   3. tests/tools/hostile_gen on a fourth host sends RATE packets/s for
#      FLOOD s: better Announces from IDS identities, random bytes,
#      truncated and corrupted PTP, absurd timestamps, management with
#      absurd TLVs, other domains. A must stay SLAVE of ptp4l in every
#      summary line and its true error RMS must stay within 2x the quiet
#      figure; B does what 9.3 prescribes (a qualified better foreign
#      master becomes its grandmaster), and neither crashes.
#   4. printed: packets sent by kind; each portd's counters line (received,
#      dropped by the budget, rejected by reason, not acceptable,
#      management refused/limited); kernel UDP receive drops; CPU and RSS
#      of each portd over the flood; log lines per second.
#   5. after the flood B comes back to ptp4l.
#   6. a management flood (well-formed GETs from random identities, one
#      host, MRATE/s): the operator's pmc from another host is answered by
#      both (per-sender answer budget), the flood's excess is counted.
. "$(dirname "$0")/portd-lib.sh"
pl_need ptp4l pmc
GEN=$TOOLS/hostile_gen
[ -x "$GEN" ] || t_fail "$GEN not built (run make)"
RATE=${HOSTILE_RATE:-20000}
FLOOD=${HOSTILE_SECONDS:-60}
QUIET=${HOSTILE_QUIET:-20}
IDS=3000
MRATE=${HOSTILE_MGMT_RATE:-3000}
CPU_BUDGET=4	# A's rx_cpu_budget, percent of a CPU

pl_ns p52br; BR=$PL_NS
pl_ns p52gm; GM=$PL_NS
pl_ns p52a; NA=$PL_NS
pl_ns p52b; NB=$PL_NS
pl_ns p52h; NH=$PL_NS
pl_bridge "$BR" br52
pl_bridge_port "$BR" br52 xg52 "$GM" g52 10.52.0.1
pl_bridge_port "$BR" br52 xa52 "$NA" a52 10.52.0.2
pl_bridge_port "$BR" br52 xb52 "$NB" b52 10.52.0.3
pl_bridge_port "$BR" br52 xh52 "$NH" h52 10.52.0.9
# The hostile host cannot reach the grandmaster (bridge port isolation:
# isolated ports talk only to the others): this tests the slaves, not
# ptp4l, which would otherwise take the flood's better Announces too.
bridge -n "$BR" link set dev xg52 isolated on ||
	t_fail "bridge port isolation"
bridge -n "$BR" link set dev xh52 isolated on
GM_DOT=$(pl_cid_from_mac "$(pl_mac "$GM" g52)")
GM_CID=$(pl_cid_norm "$GM_DOT")
A_DOT=$(pl_cid_from_mac "$(pl_mac "$NA" a52)")
B_DOT=$(pl_cid_from_mac "$(pl_mac "$NB" b52)")
echo "grandmaster $GM_DOT, A $A_DOT, B $B_DOT"

pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10 masterOnly 1
pl_ptp4l "$GM" "$PL_DIR/gm.cfg" g52 gm -4
t_check "ptp4l grandmaster takes the master role" \
	t_wait_for 10 grep -q "assuming the grand master role" "$PL_DIR/gm.log"

# conf_port FILE LINE...: add LINEs to the port of a pl_portd_conf file and
# check it again.
conf_port() {
	local f=$1 l; shift
	for l in "$@"; do
		sed -i "/^\t\tsim_path = /a\\\\t\t$l" "$f"
	done
	"$MERIDIAN" --check-config "$f" >"$f.check" 2>&1 || {
		cat "$f.check"
		t_fail "meridian --check-config refuses $f"
	}
}
pl_portd_conf "$PL_DIR/a.conf" a52 servo=linreg freq=20000 offset=200000
conf_port "$PL_DIR/a.conf" "acceptable_master_table = true;" \
	"acceptable_masters = \"$GM_DOT\";" "rx_cpu_budget = $CPU_BUDGET;"
pl_portd_conf "$PL_DIR/b.conf" b52 servo=linreg freq=-15000 offset=-300000
conf_port "$PL_DIR/b.conf" "management_set = \"allow\";"
pl_portd "$NA" "$PL_DIR/a.conf" a52 a; A_PID=$PL_PID
pl_portd "$NB" "$PL_DIR/b.conf" b52 b; B_PID=$PL_PID
t_check "A converges to ptp4l" t_wait_for 60 pl_converged "$PL_DIR/a.out" 5 10000
t_check "B converges to ptp4l" t_wait_for 60 pl_converged "$PL_DIR/b.out" 5 10000
pl_simwatch "$PL_DIR/a52.clk" "$PL_DIR/a.watch" 250 ||
	t_fail "no sim clock file for A"

# ---- 1. management SET from the network -------------------------------
S=$PL_DIR/pmc-set.out
pl_pmc "$GM" g52 "$S" -4 -- 'SET PRIORITY1 3' 'GET DEFAULT_DATA_SET'
grep -E "($A_DOT|$B_DOT)-1 seq" "$S" | sed 's/^/    /'
for who in A B; do
	[ $who = A ] && dot=$A_DOT || dot=$B_DOT
	t_check "$who: SET PRIORITY1 answered with MANAGEMENT_ERROR_STATUS" \
		grep -qE "^[[:space:]]+$dot-1 seq [0-9]+ RESPONSE MANAGEMENT_ERROR_STATUS" "$S"
	t_check "$who: priority1 still 128 (SET not applied)" test \
		"$(pl_pmc_val "$S" "$(pl_cid_norm "$dot")" DEFAULT_DATA_SET priority1)" = 128
done
t_check "A logged the SET refused by policy (management_set deny)" \
	t_wait_for 5 grep -q "refused: management_set is deny" "$PL_DIR/a.err"
t_check "B (management_set allow) did not refuse it by policy" \
	pl_no_match "refused: management_set is deny" "$PL_DIR/b.err"

# ---- 2. quiet -----------------------------------------------------------
echo "== quiet, $QUIET s"
q0=$(pl_now); sleep "$QUIET"; q1=$(pl_now)
read -r qn qmean qrms qmax < <(pl_true_col "$PL_DIR/a.watch" "$q0" "$q1" |
			       pl_stats)
echo "A true error, quiet: n $qn mean $qmean rms $qrms max $qmax ns"

# ---- 3. the flood ------------------------------------------------------
# cpu_ticks PID: utime + stime (clock ticks); rss_kb PID.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ut_st() { awk '{ print "utime " $14 " stime " $15 }' "/proc/$1/stat"; }
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }
udp_drops() {
	ip netns exec "$1" cat /proc/net/snmp | awk '/^Udp:/ {
		if (!h) { for (i = 1; i <= NF; i++)
				if ($i == "RcvbufErrors") c = i; h = 1; next }
		print $c; exit }'
}
echo "== flood: $RATE packets/s for $FLOOD s, $IDS better identities"
a_err0=$(wc -l <"$PL_DIR/a.err"); b_err0=$(wc -l <"$PL_DIR/b.err")
a_sum0=$(pl_nsum "$PL_DIR/a.out"); b_sum0=$(pl_nsum "$PL_DIR/b.out")
a_cpu0=$(cpu_ticks "$A_PID"); b_cpu0=$(cpu_ticks "$B_PID")
a_rss0=$(rss_kb "$A_PID"); b_rss0=$(rss_kb "$B_PID")
a_drop0=$(udp_drops "$NA"); b_drop0=$(udp_drops "$NB")
echo "before: A $(ut_st "$A_PID"), B $(ut_st "$B_PID") (ticks)"
f0=$(pl_now)
ip netns exec "$NH" "$GEN" -i h52 --rate "$RATE" --seconds "$FLOOD" \
	--ids "$IDS" --seed 52 >"$PL_DIR/gen.out" 2>&1
f1=$(pl_now)
a_cpu1=$(cpu_ticks "$A_PID"); b_cpu1=$(cpu_ticks "$B_PID")
echo "after:  A $(ut_st "$A_PID"), B $(ut_st "$B_PID") (ticks)"
a_rss1=$(rss_kb "$A_PID"); b_rss1=$(rss_kb "$B_PID")
a_drop1=$(udp_drops "$NA"); b_drop1=$(udp_drops "$NB")
a_sum1=$(pl_nsum "$PL_DIR/a.out"); b_sum1=$(pl_nsum "$PL_DIR/b.out")
a_err1=$(wc -l <"$PL_DIR/a.err"); b_err1=$(wc -l <"$PL_DIR/b.err")
cat "$PL_DIR/gen.out"
sent=$(awk '$1 == "sent" { print $2 }' "$PL_DIR/gen.out")
pps=$(awk '$1 == "sent" { print $8 }' "$PL_DIR/gen.out")
el=$(awk -v a="$f0" -v b="$f1" 'BEGIN { printf "%.1f", b - a }')
hz=$(getconf CLK_TCK)
cpu() { awk -v a="$1" -v b="$2" -v hz="$hz" -v s="$el" \
	'BEGIN { printf "%.1f", 100 * (b - a) / hz / s }'; }
a_cpu=$(cpu "$a_cpu0" "$a_cpu1")
echo "A: cpu $a_cpu % over the flood (rx_cpu_budget $CPU_BUDGET), rss $a_rss0 -> $a_rss1 kB, kernel UDP receive drops $((a_drop1 - a_drop0))"
echo "B: cpu $(cpu "$b_cpu0" "$b_cpu1") % over the flood, rss $b_rss0 -> $b_rss1 kB, kernel UDP receive drops $((b_drop1 - b_drop0))"
a_lps=$(awk -v n=$((a_err1 - a_err0)) -v s="$el" 'BEGIN { printf "%.2f", n / s }')
b_lps=$(awk -v n=$((b_err1 - b_err0)) -v s="$el" 'BEGIN { printf "%.2f", n / s }')
echo "log lines/s during the flood: A $a_lps ($((a_err1 - a_err0)) lines), B $b_lps ($((b_err1 - b_err0)) lines)"
echo "A's log lines during the flood, by message:"
tail -n +"$((a_err0 + 1))" "$PL_DIR/a.err" | head -n $((a_err1 - a_err0)) |
	sed -E 's/[0-9]+(\.[0-9]+)?/N/g' | sort | uniq -c | sort -rn |
	head -n 15 | sed 's/^/    /'

t_check "the generator sent >= 20,000 packets/s for $FLOOD s ($pps/s)" \
	pl_ge "$pps" 19800
t_check "the generator sent >= $((RATE * FLOOD * 99 / 100)) packets" \
	test "${sent:-0}" -ge $((RATE * FLOOD * 99 / 100))
t_check "A alive after the flood" kill -0 "$A_PID"
t_check "B alive after the flood" kill -0 "$B_PID"

# A: SLAVE of ptp4l in every summary line of the flood.
a_states=$(sed -n "$((a_sum0 + 1)),${a_sum1}p" \
	<(grep '^summary ' "$PL_DIR/a.out") | awk '{ print $3 }' | sort |
	uniq -c | tr '\n' ' ')
a_gms=$(pl_sum_col "$PL_DIR/a.out" gm | sed -n "$((a_sum0 + 1)),${a_sum1}p" |
	while read -r g; do pl_cid_norm "$g"; done | sort -u | tr '\n' ' ')
echo "A during the flood: states $a_states; grandmasters $a_gms"
t_check "A: >= $((FLOOD * 9 / 10)) summary lines during the flood" \
	test $((a_sum1 - a_sum0)) -ge $((FLOOD * 9 / 10))
t_check "A: every summary line during the flood says SLAVE" \
	test -z "$(sed -n "$((a_sum0 + 1)),${a_sum1}p" \
		<(grep '^summary ' "$PL_DIR/a.out") | grep -v ' state=SLAVE ')"
t_check "A: every summary line during the flood names ptp4l" \
	test "$a_gms" = "$GM_CID "
read -r fn fmean frms fmax < <(pl_true_col "$PL_DIR/a.watch" "$f0" "$f1" |
			       pl_stats)
echo "A true error, flood: n $fn mean $fmean rms $frms max $fmax ns (quiet rms $qrms)"
bound=$(awk -v q="$qrms" 'BEGIN { printf "%.1f", 2 * q }')
t_check "A: true error RMS under the flood ($frms ns) <= 2 x quiet ($bound ns)" \
	pl_le "$frms" "$bound"

# B: the standard's behaviour.
b_gms=$(pl_sum_col "$PL_DIR/b.out" gm | sed -n "$((b_sum0 + 1)),${b_sum1}p" |
	while read -r g; do pl_cid_norm "$g"; done | sort -u | grep -vc "^$GM_CID\$")
echo "B: flood identities named as grandmaster during the flood: $b_gms"
echo "B: port state changes during the flood (first 10):"
tail -n +"$((b_err0 + 1))" "$PL_DIR/b.err" | grep -E ': [A-Z_]+ -> [A-Z_]+$' |
	head -n 10 | sed 's/^/    /'
t_check "B: a better qualified foreign master became its grandmaster (9.3)" \
	test "$b_gms" -ge 1

# ---- 5. after the flood --------------------------------------------------
back_b() {
	pl_converged "$PL_DIR/b.out" 3 10000 &&
		[ "$(pl_cid_norm "$(pl_sum "$PL_DIR/b.out" gm)")" = "$GM_CID" ]
}
t0=$SECONDS
t_check "B back to SLAVE of ptp4l, LOCKED, after the flood" t_wait_for 60 back_b
echo "B back after $((SECONDS - t0)) s"
# (waited for: one late software timestamp can put an offset past 10 us)
t_check "A converged after the flood (last 3 offsets within 10 us)" \
	t_wait_for 20 pl_converged "$PL_DIR/a.out" 3 10000
echo "A's last offsets: $(pl_sum_col "$PL_DIR/a.out" offset_ns 5 | tr '\n' ' ')"

# ---- 6. a management flood from one host ----------------------------------
# Well-formed GET DEFAULT_DATA_SET to all clocks, each from a random
# identity, MRATE/s from the hostile host; meanwhile the operator's pmc
# (the grandmaster's host) asks 5 times. Each portd answers one address
# 20 times a second at most and 100 in all (port_core.h), so the flood
# gets its 20 and the operator its answers; a port-wide budget alone
# would leave pmc about 1 answer in 30.
echo "== management flood: GETs from one host, $MRATE/s"
ip netns exec "$NH" "$GEN" -i h52 --mgmt-get --ids 0 --rate "$MRATE" \
	--seconds 60 --seed 53 >"$PL_DIR/gen-mgmt.out" 2>&1 &
MG_PID=$!
T_PIDS+=("$MG_PID")
sleep 2
# pmc's first request has sequenceId 0; the flood's answers (multicast,
# as every management answer, so pmc prints them too: 20 a second from
# each port) carry the flood's random sequenceIds. pmc in batch mode
# exits after 100 ms without a message, which those answers never leave
# it: it is stopped after 3 s (it flushes every message it prints).
a_ok=0 b_ok=0
for i in 1 2 3 4 5; do
	o=$PL_DIR/pmc-flood-$i.out
	ip netns exec "$GM" timeout 3 pmc -b 1 -i g52 -4 \
		'GET DEFAULT_DATA_SET' >"$o" 2>&1
	grep -qE "^[[:space:]]+$A_DOT-1 seq 0 RESPONSE MANAGEMENT DEFAULT_DATA_SET" \
		"$o" && a_ok=$((a_ok + 1))
	grep -qE "^[[:space:]]+$B_DOT-1 seq 0 RESPONSE MANAGEMENT DEFAULT_DATA_SET" \
		"$o" && b_ok=$((b_ok + 1))
done
echo "flood answers pmc printed (not its own): $(cat "$PL_DIR"/pmc-flood-*.out |
	grep -cE 'seq [1-9][0-9]* RESPONSE') in 5 x 3 s"

t_check "management flood still running during pmc's questions" \
	kill -0 "$MG_PID"
pl_stop "$MG_PID"
cat "$PL_DIR/gen-mgmt.out"
echo "operator's pmc during the management flood: A answered $a_ok of 5, B $b_ok of 5"
t_check "A answered the operator during the management flood ($a_ok of 5)" \
	test "$a_ok" -ge 4
t_check "B answered the operator during the management flood ($b_ok of 5)" \
	test "$b_ok" -ge 4

# ---- 4. the counters ----------------------------------------------------
pl_stop "$A_PID"
pl_stop "$B_PID"
for who in a b; do
	echo "${who^^}: $(grep '^counters ' "$PL_DIR/$who.out")"
done
ctr() { grep '^counters ' "$PL_DIR/$1.out" | tr ' ' '\n' |
	awk -F= -v k="$2" '$1 == k { print $2 }'; }
t_check "A counted Announces of senders not acceptable (> $((FLOOD * 50)))" \
	test "$(ctr a not_acceptable)" -gt $((FLOOD * 50))
t_check "B has no acceptable master table (nothing counted)" \
	test "$(ctr b not_acceptable)" -eq 0
t_check "A dropped beyond its budget (rx_budget_pps 10000)" \
	test "$(ctr a budget_dropped)" -gt 0
t_check "B dropped beyond its per-sender budget (1000/s of $RATE/s from one host)" \
	test "$(ctr b budget_dropped)" -gt $((FLOOD * (RATE - 1000) * 9 / 10))
t_check "A dropped beyond its CPU budget ($(ctr a cpu_dropped))" \
	test "$(ctr a cpu_dropped)" -gt 0
t_check "A's CPU over the flood ($a_cpu %) <= its budget $CPU_BUDGET + 1" \
	pl_le "$a_cpu" $((CPU_BUDGET + 1))
t_check "A counted rejected messages by reason (short, version, length, type, timestamp)" \
	test "$(ctr a rx_err_short)" -gt 0 -a "$(ctr a rx_err_version)" -gt 0 \
	-a "$(ctr a rx_err_length)" -gt 0 -a "$(ctr a rx_err_type)" -gt 0 \
	-a "$(ctr a rx_err_timestamp)" -gt 0
t_check "A refused management SET/COMMAND by policy" \
	test "$(ctr a mgmt_refused)" -gt 0
t_check "B refused none by policy" test "$(ctr b mgmt_refused)" -eq 0
for who in a b; do
	t_check "${who^^}: the management flood was limited ($(ctr $who mgmt_limited) dropped)" \
		test "$(ctr $who mgmt_limited)" -gt 1000
done
t_check "management answers bounded: A <= 100/s over the flood" \
	test "$(ctr a mgmt_answered)" -le $((100 * (FLOOD + QUIET + 120)))
t_check "A: log lines/s during the flood bounded ($a_lps <= 10)" \
	pl_le "$a_lps" 10
t_check "B: log lines/s during the flood bounded ($b_lps <= 10)" \
	pl_le "$b_lps" 10
for who in a b; do
	t_check "${who^^}: no crash, assertion or sanitizer report" \
		pl_no_match -E 'Assertion|AddressSanitizer|runtime error' \
		"$PL_DIR/$who.err"
done
[ -n "${HOSTILE_KEEP:-}" ] && cp -r "$PL_DIR" "$HOSTILE_KEEP"
t_done
