#!/bin/bash
# 51-privileges: least privilege of the appliance (issue 9).
#
#   ns bc   `meridian -f bc.conf` with two ports (b1, b2 on sim PHCs) and
#           ipc.user = a system user made here, ipc.group = an operator
#           group made here; ns pr holds the far ends of the veths.
#
# Checked:
#   - every daemon's Uid/Gid, CapEff/CapPrm/CapBnd (every thread's: the
#     capabilities are per thread), NoNewPrivs and Seccomp from
#     /proc/PID/status, printed, equal to the documented set: portd,
#     bmcad, clockd on sim clocks keep no capability at all;
#   - the run directory user:group 0750, the bus sockets group 0660;
#   - ptp-top --once --json works as a non-root member of the group and
#     fails with a clear message for a user outside it;
#   - with MERIDIAN_SECCOMP_TRIP=bmcad, bmcad's forbidden system call
#     kills it (SIGSYS) and the supervisor logs it; with seccomp = false
#     the same call is harmless and bmcad runs (user root: uid 0, and no
#     capability all the same).
. "$(dirname "$0")/portd-lib.sh"
. "$(dirname "$0")/bc-lib.sh"
pl_need python3
command -v useradd >/dev/null && command -v runuser >/dev/null ||
	t_skip "useradd or runuser missing"
PTPTOP=$BIN/ptp-top

DUSER=m51d$T_ID OPS=m51g$T_ID MEMBER=m51m$T_ID OUTSIDER=m51o$T_ID
RUN=/run/meridian-t51-$T_ID
cleanup51() {
	t_cleanup
	# the daemons die with their supervisor (PDEATHSIG): wait for them,
	# userdel refuses a user that still runs a process
	t_wait_for 5 bash -c "! pgrep -u '$DUSER' >/dev/null"
	for u in "$DUSER" "$MEMBER" "$OUTSIDER"; do
		userdel "$u" 2>/dev/null
	done
	groupdel "$OPS" 2>/dev/null
	rm -rf "$RUN"
}
trap cleanup51 EXIT
groupadd --system "$OPS" || t_fail "groupadd"
useradd --system --no-create-home --shell /usr/sbin/nologin "$DUSER" ||
	t_fail "useradd"
useradd --system --no-create-home --shell /usr/sbin/nologin -G "$OPS" \
	"$MEMBER" || t_fail "useradd"
useradd --system --no-create-home --shell /usr/sbin/nologin \
	"$OUTSIDER" || t_fail "useradd"
DUID=$(id -u "$DUSER") OGID=$(getent group "$OPS" | cut -d: -f3)
echo "daemon user $DUSER ($DUID), operator group $OPS ($OGID)"

pl_ns p51bc; BC=$PL_NS
pl_ns p51pr; PR=$PL_NS
pl_link "$BC" b1 "$PR" p1 10.51.1.1 10.51.1.2
pl_link "$BC" b2 "$PR" p2 10.51.2.1 10.51.2.2
chmod 0755 "$PL_DIR"

# conf FILE IPC_EXTRA: two ports, rundir $RUN, the ipc keys given.
conf() {
	bc_conf_text linreg "$RUN" 100 "$(bc_port b1 30000.0 2000000)" \
		"$(bc_port b2 -20000.0 -3000000)" |
		sed "s|^ipc = { rundir = \"$RUN\"; };|ipc = { rundir = \"$RUN\"; $2 };|" \
		>"$1"
	grep -q "rundir = \"$RUN\"; $2" "$1" || t_fail "conf $1"
	"$MERIDIAN" --check-config "$1" >"$1.check" 2>&1 || {
		cat "$1.check"; t_fail "meridian --check-config refuses $1"
	}
}

children() { pgrep -P "$1" | sort -n; }
field() { awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' \
	"/proc/$1/status" 2>/dev/null; }
pname() { tr '\0' ' ' <"/proc/$1/cmdline" | awk '{ n = $1; sub(/.*\//, "", n);
	for (i = 2; i <= NF; i++) if ($i == "-i") n = n "[" $(i + 1) "]";
	print n }'; }
up() { [ "$(children "$1" | wc -l)" -ge 4 ] && grep -q "b2: clock" "$2"; }

# ---- run 1: an unprivileged user, the operator group, seccomp on --------
conf "$PL_DIR/bc.conf" "user = \"$DUSER\"; group = \"$OPS\";"
t_bg "$BC" "$MERIDIAN" -f "$PL_DIR/bc.conf" >"$PL_DIR/meridian.log" 2>&1
SUP=$T_LAST_PID
sleep 1
SUP=$(pgrep -P "$SUP" -x meridian || echo "$SUP")	# under ip netns exec
t_wait_for 20 up "$SUP" "$PL_DIR/meridian.log"
sleep 3		# every daemon past its set-up and on the bus

echo "process        uid gid   CapEff           CapPrm           CapBnd           NNP seccomp threads"
n=0
for p in $(children "$SUP"); do
	nm=$(pname "$p")
	uid=$(field "$p" Uid | awk '{ print $1 "/" $2 "/" $3 }')
	gid=$(field "$p" Gid | awk '{ print $1 "/" $2 "/" $3 }')
	eff=$(field "$p" CapEff) prm=$(field "$p" CapPrm) bnd=$(field "$p" CapBnd)
	nnp=$(field "$p" NoNewPrivs) sc=$(field "$p" Seccomp)
	nt=$(ls "/proc/$p/task" | wc -l)
	printf '%-14s %s %s %s %s %s %s %s %s\n' "$nm" "$uid" "$gid" "$eff" \
		"$prm" "$bnd" "$nnp" "$sc" "$nt"
	allthr=ok
	for t in /proc/$p/task/*; do
		te=$(awk '$1 == "CapEff:" { print $2 }' "$t/status")
		tb=$(awk '$1 == "CapBnd:" { print $2 }' "$t/status")
		ts=$(awk '$1 == "Seccomp:" { print $2 }' "$t/status")
		[ "$te" = 0000000000000000 ] && [ "$tb" = 0000000000000000 ] &&
			[ "$ts" = 2 ] || allthr="thread ${t##*/}: eff $te bnd $tb seccomp $ts"
	done
	t_check "$nm: uid $DUID (real/effective/saved)" \
		[ "$uid" = "$DUID/$DUID/$DUID" ]
	t_check "$nm: gid $OGID (the operator group)" \
		[ "$gid" = "$OGID/$OGID/$OGID" ]
	t_check "$nm: no supplementary groups" [ -z "$(field "$p" Groups)" ]
	t_check "$nm: CapEff, CapPrm, CapBnd none (documented: none on sim clocks)" \
		[ "$eff/$prm/$bnd" = 0000000000000000/0000000000000000/0000000000000000 ]
	t_check "$nm: every thread the same, seccomp filter on ($allthr)" \
		[ "$allthr" = ok ]
	t_check "$nm: no new privileges, seccomp mode 2" [ "$nnp/$sc" = 1/2 ]
	n=$((n + 1))
done
t_check "bmcad, clockd, 2 portd seen ($n)" [ "$n" = 4 ]
sup_eff=$(field "$SUP" CapEff)
echo "supervisor: uid $(field "$SUP" Uid | awk '{print $1}') CapEff $sup_eff (stays root: it starts the daemons)"

st=$(stat -c '%a %U %G' "$RUN")
echo "run directory $RUN: $st"
t_check "run directory $DUSER:$OPS 0750" [ "$st" = "750 $DUSER $OPS" ]
for s in pub sub bmca clock; do
	st=$(stat -c '%a %G' "$RUN/$s.sock" 2>/dev/null)
	echo "  $s.sock: $(stat -c '%a %U %G' "$RUN/$s.sock" 2>/dev/null)"
	t_check "$s.sock 0660, group $OPS" [ "$st" = "660 $OPS" ]
done

# ptp-top as a member of the group, and as a user outside it
mkdir -p "$PL_DIR/bin" && cp "$PTPTOP" "$PL_DIR/bin/" && chmod 0755 "$PL_DIR/bin"
runuser -u "$MEMBER" -- "$PL_DIR/bin/ptp-top" --once --json --rundir "$RUN" \
	--timeout 10 >"$PL_DIR/top-member.json" 2>"$PL_DIR/top-member.err"
rc=$?
ports=$(python3 -c 'import json,sys
d = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(" ".join(sorted(p["iface"] for p in d[-1]["ports"])))' \
	"$PL_DIR/top-member.json" 2>/dev/null)
echo "ptp-top as $MEMBER (in $OPS): exit $rc, ports: $ports"
t_check "ptp-top --once --json as a group member: exit 0, b1 and b2" \
	[ "$rc/$ports" = "0/b1 b2" ]
runuser -u "$OUTSIDER" -- "$PL_DIR/bin/ptp-top" --once --json --rundir "$RUN" \
	--timeout 5 >"$PL_DIR/top-out.json" 2>"$PL_DIR/top-out.err"
rc=$?
echo "ptp-top as $OUTSIDER (not in $OPS): exit $rc: $(cat "$PL_DIR/top-out.err")"
t_check "ptp-top as an outsider: fails" [ "$rc" != 0 ]
t_check "ptp-top as an outsider: says permission and names the group" \
	grep -q "Permission denied.*$OPS" "$PL_DIR/top-out.err"

# SIGHUP: every daemon re-reads the file as its user, under its filter
kill -HUP "$SUP"
sleep 3
t_check "SIGHUP: the daemons re-read the file, still 4 running" \
	[ "$(children "$SUP" | wc -l)" = 4 ]
kill "$SUP"
t_wait_for 10 bash -c "! kill -0 $SUP 2>/dev/null"
t_check "meridian stopped" bash -c "! kill -0 $SUP 2>/dev/null"
grep -E 'meridian: (bmcad|clockd|portd/b[12]): (exited|killed)' \
	"$PL_DIR/meridian.log" | sed 's/^/  /'
t_check "every daemon exited with status 0 (no forbidden call on the way)" \
	[ "$(grep -cE 'meridian: (bmcad|clockd|portd/b[12]): exited with status 0' \
	"$PL_DIR/meridian.log")" = 4 ]
t_check "no daemon killed in run 1 (a thread's start under the filter)" \
	bash -c "! grep -q 'killed by signal' '$PL_DIR/meridian.log'"
t_check "no forbidden system call in run 1" \
	bash -c "! grep -q 'forbidden system call' '$PL_DIR/meridian.log'"
t_check "the supervisor removed every socket and lock" \
	bash -c "[ -z \"\$(ls -A '$RUN')\" ]"
ls -A "$RUN" | sed 's/^/  left: /'

# ---- run 2: a forbidden system call in bmcad, seccomp on ---------------
: >"$PL_DIR/trip.log"
t_bg "$BC" env MERIDIAN_SECCOMP_TRIP=bmcad "$MERIDIAN" -f "$PL_DIR/bc.conf" \
	>"$PL_DIR/trip.log" 2>&1
TRIP=$T_LAST_PID
t_wait_for 15 grep -q 'bmcad: killed by signal 31' "$PL_DIR/trip.log"
grep -E 'bmcad: (crit: seccomp|killed)' "$PL_DIR/trip.log" | head -2
t_check "bmcad says which system call killed it" \
	grep -q 'bmcad: .*seccomp: forbidden system call 103' "$PL_DIR/trip.log"
t_check "the supervisor logs bmcad killed by SIGSYS and restarts it" \
	grep -q 'meridian: bmcad: killed by signal 31 (Bad system call).*restarting' \
	"$PL_DIR/trip.log"
kill "$TRIP" 2>/dev/null; pkill -P "$TRIP" 2>/dev/null
sleep 4

# ---- run 3: the same call with seccomp = false, user root --------------
conf "$PL_DIR/off.conf" "seccomp = false;"
t_bg "$BC" env MERIDIAN_SECCOMP_TRIP=bmcad "$MERIDIAN" -f "$PL_DIR/off.conf" \
	>"$PL_DIR/off.log" 2>&1
OFF=$T_LAST_PID
sleep 1
OFF=$(pgrep -P "$OFF" -x meridian || echo "$OFF")
t_wait_for 20 up "$OFF" "$PL_DIR/off.log"
sleep 3
B=$(pgrep -P "$OFF" -x bmcad)
echo "seccomp off, user root: bmcad pid $B uid $(field "$B" Uid | awk '{print $1}') CapEff $(field "$B" CapEff) CapBnd $(field "$B" CapBnd) Seccomp $(field "$B" Seccomp)"
t_check "seccomp off: bmcad not killed" \
	bash -c "! grep -q 'bmcad: killed' '$PL_DIR/off.log'"
t_check "seccomp off: bmcad runs, no filter" [ "$(field "$B" Seccomp)" = 0 ]
t_check "user root: uid 0, still no capability" \
	[ "$(field "$B" Uid | awk '{print $1}')/$(field "$B" CapEff)/$(field "$B" CapBnd)" = 0/0000000000000000/0000000000000000 ]
kill "$OFF"
t_wait_for 10 bash -c "! kill -0 $OFF 2>/dev/null"
t_done
