#!/bin/bash
# 55-import-ptp4l: `meridian import-ptp4l` (issue 10, part 4) on linuxptp's
# own example configurations, then one converted config running the
# appliance against a ptp4l grandmaster.
#
#   1. Every example config Debian's linuxptp ships
#      (/usr/share/doc/linuxptp/configs/*.cfg) converts (exit 0; -i eth0
#      for those that name no interface, as ptp4l -i would), to a file
#      `meridian --check-config` accepts; its unmapped keys are printed,
#      each of them is also a '#' comment at the top of the output, and
#      every key line of the input is accounted for (converted + as
#      meridian does + not converted = key lines: nothing dropped).
#   2. Errors: no interface -> 2, a bad line -> 1 with FILE:LINE, a
#      missing file -> 1, no argument -> 2.
#   3. default.cfg converted with -i b1 runs `meridian -f` in namespace bc
#      against `ptp4l -S` (priority1 10) in namespace gm; b1 reaches SLAVE
#      (portd summaries and ptp-top --once --json). The lab needs three
#      edits of the converted file, made by sed and printed: software
#      timestamps on a sim PHC (veth has no PHC, and the host clock must
#      not move), and stderr instead of default.cfg's use_syslog 1.
. "$(dirname "$0")/portd-lib.sh"
. "$(dirname "$0")/bc-lib.sh"
pl_need ptp4l python3
PTPTOP=$BIN/ptp-top
CONFIGS=${CONFIGS:-/usr/share/doc/linuxptp/configs}
CONV_TIMEOUT=${CONV_TIMEOUT:-90}
ls "$CONFIGS"/*.cfg >/dev/null 2>&1 || t_skip "no $CONFIGS/*.cfg (linuxptp)"

# key lines of a ptp4l.conf: not blank, not a comment, not a [section]
key_lines() {
	sed 's/#.*//' "$1" | awk 'NF && $1 !~ /^\[/' | wc -l
}

echo "== 1. linuxptp's example configs"
for f in "$CONFIGS"/*.cfg; do
	b=$(basename "$f" .cfg)
	out=$PL_DIR/$b.conf
	ifs=()
	grep -E '^\[' "$f" |
		grep -Evq '^\[(global|unicast_master_table)\]' ||
		ifs=(-i eth0)
	"$MERIDIAN" import-ptp4l "$f" "${ifs[@]}" -o "$out" \
		2>"$PL_DIR/$b.err"
	rc=$?
	t_check "$b: converted${ifs:+ (-i eth0)}, exit 0 ($rc)" test "$rc" = 0
	"$MERIDIAN" --check-config "$out" >"$PL_DIR/$b.chk" 2>&1
	rc=$?
	t_check "$b: meridian --check-config accepts it ($rc)" test "$rc" = 0
	[ "$rc" = 0 ] || cat "$PL_DIR/$b.chk"
	echo "-- $b: not converted:"
	grep -v '^meridian: import-ptp4l: ' "$PL_DIR/$b.err" | sed 's/^/   /'
	summary=$(tail -n 1 "$PL_DIR/$b.err")
	echo "   $summary"
	# "...: N keys converted, N as meridian does anyway, N not converted"
	read -r conv same unm < <(echo "$summary" |
		sed -E 's/.*: ([0-9]+) keys conv.*, ([0-9]+) as mer.*, ([0-9]+) not conv.*/\1 \2 \3/')
	n=$(key_lines "$f")
	t_check "$b: $n key lines = $conv converted + $same as meridian + $unm listed" \
		test "$n" = "$((conv + same + unm))"
	listed=$(grep -vc '^meridian: import-ptp4l: ' "$PL_DIR/$b.err")
	t_check "$b: stderr lists the $unm unmapped keys ($listed)" \
		test "$listed" = "$unm"
	miss=0
	while IFS= read -r l; do
		grep -qxF "#   $l" "$out" || miss=$((miss + 1))
	done < <(grep -v '^meridian: import-ptp4l: ' "$PL_DIR/$b.err")
	t_check "$b: each is a comment at the top of the output ($miss missing)" \
		test "$miss" = 0
done
# the values that matter, as check-config's summary reads them
grep -q 'domain 0, profile default_e2e, priority1 128' "$PL_DIR/default.chk"
t_check "default.cfg: domain 0, priority1 128 ($(head -n 1 "$PL_DIR/default.chk"))" \
	test $? = 0
t_check "E2E-TC.cfg: priority1 254, l2 ($(sed -n 1,2p "$PL_DIR/E2E-TC.chk" | tr -s ' \n' ' '))" \
	eval 'grep -q "priority1 254" "$PL_DIR/E2E-TC.chk" &&
	      grep -q "eth0 *l2 e2e" "$PL_DIR/E2E-TC.chk"'
t_check "P2P-TC.cfg: l2 p2p" grep -q "eth0 *l2 p2p" "$PL_DIR/P2P-TC.chk"
t_check "G.8275.1.cfg: sync 2^-4, announce 2^-3" \
	grep -q "announce 2^-3 s, sync 2^-4 s" "$PL_DIR/G.8275.1.chk"
t_check "UNICAST-SLAVE.cfg: ports eth0 (udp4) and eth1 (l2)" \
	eval 'grep -q "eth0 *udp4" "$PL_DIR/UNICAST-SLAVE.chk" &&
	      grep -q "eth1 *l2" "$PL_DIR/UNICAST-SLAVE.chk"'
t_check "UNICAST-SLAVE.cfg: its unicast master table listed as unicast" \
	grep -q '\[unicast_master_table\] UDPv4 192.168.1.11: unicast not supported' \
	"$PL_DIR/UNICAST-SLAVE.err"
t_check "automotive-slave.cfg: slave only" \
	grep -q "slave only" "$PL_DIR/automotive-slave.chk"

echo "== 2. errors"
"$MERIDIAN" import-ptp4l "$CONFIGS/default.cfg" >/dev/null 2>"$PL_DIR/e1"
rc=$?
t_check "no interface: exit 2 ($rc): $(cat "$PL_DIR/e1")" test "$rc" = 2
printf '[global]\npriority1 10\npriority2\n' >"$PL_DIR/bad.cfg"
"$MERIDIAN" import-ptp4l "$PL_DIR/bad.cfg" -i eth0 -o "$PL_DIR/bad.conf" \
	2>"$PL_DIR/e2"
rc=$?
t_check "a bad line: exit 1 ($rc): $(head -n 1 "$PL_DIR/e2")" \
	eval '[ "$rc" = 1 ] &&
	      grep -q "^$PL_DIR/bad.cfg:3: priority2: no value" "$PL_DIR/e2"'
t_check "... and no output written" test ! -e "$PL_DIR/bad.conf"
"$MERIDIAN" import-ptp4l "$PL_DIR/none.cfg" -i eth0 >/dev/null 2>"$PL_DIR/e3"
rc=$?
t_check "a missing file: exit 1 ($rc): $(cat "$PL_DIR/e3")" test "$rc" = 1
"$MERIDIAN" import-ptp4l >/dev/null 2>&1
t_check "no argument: exit 2 ($?)" test "$?" = 2
"$MERIDIAN" --help | grep -q 'meridian import-ptp4l PTP4L.CONF'
t_check "--help names import-ptp4l" test $? = 0

echo "== 3. default.cfg runs the appliance against a ptp4l grandmaster"
pl_ns p55gm; GM=$PL_NS
pl_ns p55bc; BC=$PL_NS
pl_link "$GM" gA "$BC" b1 10.55.1.1 10.55.1.2
GM_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$GM" gA)")")
RUN=$PL_DIR/run
CONF=$PL_DIR/bc.conf
"$MERIDIAN" import-ptp4l "$CONFIGS/default.cfg" -i b1 -o "$CONF" \
	2>"$PL_DIR/bc.import"
t_check "default.cfg -i b1 converted ($?)" test "$?" = 0
cp "$CONF" "$CONF.orig"
lab='\1timestamping = "software";\n\1clock = "sim";\n'
lab+="\\1sim_path = \"$PL_DIR/b1.clk\";\n\\1sim_offset_ns = 2000000L;"
sed -i -e "s|^\(\t*\)timestamping = \"hardware\";.*|$lab|" \
	-e 's|^\(\t*\)syslog = true;.*|\1syslog = false;|' "$CONF"
echo "-- the lab's edits of the converted file:"
diff "$CONF.orig" "$CONF" | sed 's/^/   /'
t_check "the edited file is valid" "$MERIDIAN" --check-config "$CONF"

pl_ptp4l_conf "$PL_DIR/gm.cfg" gm priority1 10
t_bg "$GM" ptp4l -S -m -f "$PL_DIR/gm.cfg" -i gA -4 \
	>"$PL_DIR/gm.log" 2>&1
t_bg "$BC" "$MERIDIAN" -f "$CONF" --rundir "$RUN" \
	>"$PL_DIR/meridian.log" 2>&1
MER_PID=$T_LAST_PID

slave() { [ "$(bc_state b1)" = SLAVE ]; }
t0=$SECONDS
if t_wait_for "$CONV_TIMEOUT" slave; then
	t_check "b1 SLAVE after $((SECONDS - t0)) s (portd summaries)" true
else
	t_check "b1 SLAVE within $CONV_TIMEOUT s" false
	tail -n 30 "$PL_DIR/meridian.log"
fi
echo "b1: $(tail -n 1 "$(bc_sum b1)")"
ip netns exec "$BC" "$PTPTOP" --rundir "$RUN" --once --json \
	>"$PL_DIR/top.json" 2>"$PL_DIR/top.err"
t_check "ptp-top --once --json exits 0" test $? = 0
python3 - "$PL_DIR/top.json" "$GM_CID" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ports = {p["iface"]: p for p in d["ports"]}
norm = lambda s: "".join(c for c in s.lower() if c in "0123456789abcdef")
st = ports.get("b1", {}).get("state")
gm = norm(str(d.get("clock", {}).get("grandmaster", "")))
print("ptp-top: b1 %s, grandmaster %s" % (st, gm))
sys.exit(0 if st == "SLAVE" and gm == sys.argv[2] else 1)
EOF
t_check "ptp-top: b1 SLAVE, the grandmaster is ptp4l ($GM_CID)" test $? = 0

kill -TERM "$MER_PID"
wait "$MER_PID"
t_check "meridian stopped by SIGTERM, status 0 ($?)" test "$?" = 0
t_done
