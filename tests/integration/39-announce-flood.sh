#!/bin/bash
# 39-announce-flood: a hostile host floods the slave's link with Announces
# from 1000 random clockIdentities at 200 a second (issue 6, item 1).
#
# ptp4l (priority1 10, masterOnly) is grandmaster; `portd --standalone`
# (linreg servo, sim clock) is its slave on a direct veth. Once portd is
# SLAVE and LOCKED, tests/tools/announce_flood sends from the grandmaster's
# end of the link (multicast loopback off, so ptp4l never hears it):
#
#   1. worse senders (priority1 255), 30 s: 1000 identities round-robin,
#      each heard every 5 s with logMessageInterval 1 (a foreign-master
#      window of 4 x 2 s = 8 s), so many of them qualify and crowd the
#      foreign-master table. The BMCA must keep the real grandmaster: the
#      port makes no state change at all (printed), every summary line
#      says SLAVE of ptp4l's clockIdentity, portd stays alive.
#   2. better senders (priority1 0), 20 s: the standard (9.3.2, 9.3.3)
#      makes a qualified better foreign master Erbest, so the port follows
#      one of them (the summary's gm= names a flood identity) and, as the
#      flood identities send no Sync, it cannot stay SLAVE of ptp4l. When
#      the flood ends their records age out of the window and the port
#      must come back to SLAVE of ptp4l, LOCKED, and portd never crashes.
#
# Before issue 6's fix, phase 1 kept the port in LISTENING for as long as
# the flood lasted: the table's 8 entries evicted the least recently heard
# one, the parent's included.
. "$(dirname "$0")/portd-lib.sh"
pl_need ptp4l
FLOOD=$TOOLS/announce_flood
[ -x "$FLOOD" ] || t_fail "$FLOOD not built (run make)"

pl_ns p39gm; GM=$PL_NS
pl_ns p39sl; SL=$PL_NS
pl_link "$GM" g39 "$SL" s39 10.39.0.1 10.39.0.2
GM_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$GM" g39)")")
echo "grandmaster clockIdentity $GM_CID"

pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10 masterOnly 1
pl_ptp4l "$GM" "$PL_DIR/gm.cfg" g39 gm -4
t_check "ptp4l grandmaster takes the master role" \
	t_wait_for 10 grep -q "assuming the grand master role" "$PL_DIR/gm.log"

pl_portd_conf "$PL_DIR/sl.conf" s39 servo=linreg freq=20000 offset=200000
pl_portd "$SL" "$PL_DIR/sl.conf" s39 sl
SL_PID=$PL_PID
OUT=$PL_DIR/sl.out
t_check "portd converges to ptp4l" t_wait_for 60 pl_converged "$OUT" 5 10000
t_check "portd follows ptp4l's clockIdentity" \
	test "$(pl_cid_norm "$(pl_sum "$OUT" gm)")" = "$GM_CID"

# state_changes FROM_LINE: the "A -> B" port state lines portd logged
# after line FROM_LINE of its log.
state_changes() {
	tail -n +"$(($1 + 1))" "$PL_DIR/sl.err" | grep -E ': [A-Z_]+ -> [A-Z_]+$'
}

# ---- 1. worse senders -------------------------------------------------
echo "== flood 1: 1000 identities, priority1 255, 200/s, 30 s"
err0=$(wc -l <"$PL_DIR/sl.err")
sum0=$(pl_nsum "$OUT")
rx0=$(pl_sum "$OUT" rx)
ip netns exec "$GM" "$FLOOD" -i g39 --ids 1000 --rate 200 --seconds 30 \
	--priority1 255 --log-interval 1 --seed 39 >"$PL_DIR/flood1.out" 2>&1
cat "$PL_DIR/flood1.out"
sleep 2
changes=$(state_changes "$err0")
echo "port state changes during flood 1: ${changes:-none}"
[ -n "$changes" ] && echo "$changes" | sed 's/^/    /'
t_check "the flood sent 6000 Announces" \
	grep -q "^sent 6000 ids 1000 errors 0" "$PL_DIR/flood1.out"
t_check "portd is alive" kill -0 "$SL_PID"
t_check "portd received the flood (rx grew by >= 5000)" \
	test $(( $(pl_sum "$OUT" rx) - rx0 )) -ge 5000
t_check "no port state change during flood 1" test -z "$changes"
states=$(tail -n +"$((sum0 + 1))" "$OUT" | grep '^summary ' |
	 awk '{ print $3 }' | sort | uniq -c | tr '\n' ' ')
gms=$(pl_sum_col "$OUT" gm | tail -n +"$((sum0 + 1))" | sort -u |
      tr '\n' ' ')
echo "summary states during flood 1: $states"
echo "grandmasters named during flood 1: $gms"
t_check "every summary line during flood 1 says SLAVE" \
	test "$(tail -n +"$((sum0 + 1))" "$OUT" | grep '^summary ' |
		grep -vc ' state=SLAVE ')" -eq 0
t_check "every summary line during flood 1 names ptp4l as grandmaster" \
	test "$(pl_sum_col "$OUT" gm | tail -n +"$((sum0 + 1))" |
		while read -r g; do pl_cid_norm "$g"; done | sort -u)" = \
		"$GM_CID"
if pl_converged "$OUT" 3 10000; then
	t_check "still converged after flood 1" true
else
	t_check "still converged after flood 1" false
	pl_why_not_converged "$OUT" 3
fi

# ---- 2. better senders ------------------------------------------------
echo "== flood 2: 1000 identities, priority1 0, 200/s, 20 s"
err0=$(wc -l <"$PL_DIR/sl.err")
sum0=$(pl_nsum "$OUT")
ip netns exec "$GM" "$FLOOD" -i g39 --ids 1000 --rate 200 --seconds 20 \
	--priority1 0 --log-interval 1 --seed 40 >"$PL_DIR/flood2.out" 2>&1
cat "$PL_DIR/flood2.out"
end2=$(pl_nsum "$OUT")
t_check "portd is alive after flood 2" kill -0 "$SL_PID"
followed=$(pl_sum_col "$OUT" gm | sed -n "$((sum0 + 1)),${end2}p" |
	   while read -r g; do pl_cid_norm "$g"; done | sort -u |
	   grep -vc "^$GM_CID\$")
echo "flood identities named as grandmaster during flood 2: $followed"
t_check "a better qualified foreign master became the grandmaster (9.3)" \
	test "$followed" -ge 1
echo "port state changes during flood 2:"
state_changes "$err0" | head -n 20 | sed 's/^/    /'
# back_to_gm: converged, and the last summary names ptp4l.
back_to_gm() {
	pl_converged "$OUT" 3 10000 &&
		[ "$(pl_cid_norm "$(pl_sum "$OUT" gm)")" = "$GM_CID" ]
}
t0=$SECONDS
if t_wait_for 40 back_to_gm; then
	t_check "back to SLAVE of ptp4l, LOCKED, $((SECONDS - t0)) s after flood 2" true
else
	t_check "back to SLAVE of ptp4l within 40 s after flood 2" false
	tail -n 5 "$OUT"
fi
t_check "portd is alive at the end" kill -0 "$SL_PID"
t_check "portd's log holds no crash or assertion" \
	pl_no_match -E 'Assertion|AddressSanitizer|runtime error' \
	"$PL_DIR/sl.err"
t_done
