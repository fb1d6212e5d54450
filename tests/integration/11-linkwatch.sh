#!/bin/bash
# 11-linkwatch: common/linkwatch (libnl RTNLGRP_LINK) on a veth end.
#
# A watcher (xport_probe linkwatch) on namespace A's end; namespace B sets
# its peer end down and up. Losing the peer drops carrier (IFF_RUNNING) on
# A's end, so the watcher must print "link down" then "link up", in that
# order, each soon after the change. A second watcher starts before its
# interface exists and must report it once it is created, and "link down"
# when it is deleted.
. "$(dirname "$0")/lib.sh"
t_need_root
t_need ip
P=$TOOLS/xport_probe
[ -x "$P" ] || t_skip "$P not built (make)"

A=$(t_netns lwa)
B=$(t_netns lwb)
t_veth "$A" lwa0 "$B" lwb0
t_tmpdir D

running() { ip -n "$1" link show dev "$2" | grep -q 'LOWER_UP'; }
t_wait_for 5 running "$A" lwa0 || t_fail "lwa0 never got carrier"

# lines FILE: the watcher's output on one line, for comparing.
lines() { tr '\n' '|' <"$1"; }
eq() { [ "$1" = "$2" ]; }

# --- carrier loss through the peer --------------------------------------
t_bg "$A" "$P" -i lwa0 linkwatch --timeout 20 --count 2 \
	--ready "$D/ready1" >"$D/lw1" 2>&1
W1=$T_LAST_PID
t_wait_for 5 test -e "$D/ready1" || t_fail "watcher did not start"
t_check "initial state is up" grep -qx "initial up" "$D/lw1"

ip -n "$B" link set lwb0 down
t_check "link down reported within 3 s" \
	t_wait_for 3 grep -qx "link down" "$D/lw1"
ip -n "$B" link set lwb0 up
t_check "link up reported within 3 s" \
	t_wait_for 3 grep -qx "link up" "$D/lw1"
wait "$W1"
rc=$?
cat "$D/lw1"
t_check "watcher exits 0 after two changes" eq "$rc" 0
t_check "exactly: initial up, link down, link up" \
	eq "$(lines "$D/lw1")" "initial up|link down|link up|"

# --- admin down on the watched end itself --------------------------------
t_bg "$A" "$P" -i lwa0 linkwatch --timeout 20 --count 2 \
	--ready "$D/ready2" >"$D/lw2" 2>&1
W2=$T_LAST_PID
t_wait_for 5 test -e "$D/ready2" || t_fail "watcher 2 did not start"
ip -n "$A" link set lwa0 down
t_wait_for 3 grep -qx "link down" "$D/lw2"
ip -n "$A" link set lwa0 up
wait "$W2"
cat "$D/lw2"
t_check "own end down/up: initial up, link down, link up" \
	eq "$(lines "$D/lw2")" "initial up|link down|link up|"

# --- an interface that appears later, then goes away --------------------
t_bg "$A" "$P" -i lwlate0 linkwatch --timeout 20 --count 2 \
	--ready "$D/ready3" >"$D/lw3" 2>&1
W3=$T_LAST_PID
t_wait_for 5 test -e "$D/ready3" || t_fail "watcher 3 did not start"
ip link add lwlate0 netns "$A" type veth peer name lwlate1 netns "$B"
ip -n "$A" link set lwlate0 up
ip -n "$B" link set lwlate1 up
t_check "late interface: link up reported" \
	t_wait_for 5 grep -qx "link up" "$D/lw3"
ip -n "$A" link del lwlate0
wait "$W3"
cat "$D/lw3"
t_check "late interface: initial down, link up, link down" \
	eq "$(lines "$D/lw3")" \
	"initial down (no such interface)|link up|link down|"

# --- usage errors are clear ---------------------------------------------
"$P" linkwatch >"$D/usage" 2>&1
rc=$?
t_check "no interface: usage, exit 2" eq "$rc" 2
t_check "usage text printed" grep -q "usage: xport_probe" "$D/usage"
t_done
