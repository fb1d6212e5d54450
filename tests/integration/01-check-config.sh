#!/bin/bash
# 01-check-config: meridian --check-config accepts every shipped example
# configuration, rejects broken ones with exit 1 and FILE:LINE: key
# messages (all errors, not just the first), and --help/--version work.
# Needs no root and no network.
. "$(dirname "$0")/lib.sh"

M=$BIN/meridian
[ -x "$M" ] || t_fail "$M not built (run make)"
t_tmpdir TMP

# run CMD...: stdout in $OUT, stderr in $ERR, exit status in $RC
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}
has() { grep -qF -- "$2" <<<"$1"; }

# --- every shipped example is valid -------------------------------------
n=0
for f in "$TOP"/conf/*.conf; do
	n=$((n + 1))
	run "$M" --check-config "$f"
	t_check "$(basename "$f") is valid (exit 0)" [ "$RC" -eq 0 ]
	t_check "$(basename "$f"): summary names the file" has "$OUT" "$f: valid"
	t_check "$(basename "$f"): nothing on stderr" [ -z "$ERR" ]
done
t_check "at least 2 example configurations" [ "$n" -ge 2 ]

# one summary line per port
run "$M" --check-config "$TOP/conf/meridian.conf"
t_check "meridian.conf: 2 ports in the summary" \
	[ "$(grep -cE '^  eth[12] ' <<<"$OUT")" -eq 2 ]

# --print-config output is itself a valid configuration, with every key
run "$M" --check-config "$TOP/conf/gm-udp4.conf" --print-config
t_check "--print-config exits 0" [ "$RC" -eq 0 ]
printf '%s\n' "$OUT" >"$TMP/printed.conf"
t_check "--print-config shows a default (priority2 = 128)" \
	has "$OUT" "priority2 = 128;"
t_check "--print-config shows a set value (clock_class = 6)" \
	has "$OUT" "clock_class = 6;"
run "$M" --check-config "$TMP/printed.conf"
t_check "printed configuration is valid" [ "$RC" -eq 0 ]

# --- broken files: exit 1, FILE:LINE: key -------------------------------
cat >"$TMP/range.conf" <<'CONF'
clock = {
	domain_number = 0;
	priority1 = 300;
};
ports = ( { interface = "eth1"; } );
CONF
run "$M" --check-config "$TMP/range.conf"
t_check "out of range: exit 1" [ "$RC" -eq 1 ]
t_check "out of range: FILE:LINE: key and range" \
	has "$ERR" "$TMP/range.conf:3: clock.priority1: 300 is out of range 0..255"
t_check "out of range: nothing on stdout" [ -z "$OUT" ]

cat >"$TMP/many.conf" <<'CONF'
clock = {
	priority1 = 1;
	prority2 = 1;
	profile = "gptp";
};
ports = (
	{ interface = "eth1"; transport = "udp5"; },
	{ interface = "eth1"; clock = "sim"; },
	{ transport = "l2"; }
);
ipc = { tcp_endpoint = "tcp://0.0.0.0:5555"; };
CONF
run "$M" --check-config "$TMP/many.conf"
t_check "many errors: exit 1" [ "$RC" -eq 1 ]
t_check "unknown key with suggestion" \
	has "$ERR" "$TMP/many.conf:3: clock.prority2: unknown key (did you mean priority2?)"
t_check "bad profile name" has "$ERR" "$TMP/many.conf:4: clock.profile:"
t_check "bad transport name" \
	has "$ERR" "$TMP/many.conf:7: ports[0].transport: \"udp5\" is not one of udp4, udp6, l2"
t_check "duplicate interface" \
	has "$ERR" "$TMP/many.conf:8: ports[1].interface: \"eth1\" is already used"
t_check "sim clock with hardware timestamps" \
	has "$ERR" "$TMP/many.conf:8: ports[1].clock: \"sim\" needs timestamping"
t_check "missing interface" \
	has "$ERR" "$TMP/many.conf:9: ports[2].interface: missing"
t_check "non-loopback tcp endpoint" \
	has "$ERR" "$TMP/many.conf:11: ipc.tcp_endpoint:"
t_check "all 7 errors reported and counted" has "$ERR" "$TMP/many.conf: 7 errors"

printf 'clock = {\n\tpriority1 = 1;\n\tpriority2 = ;\n};\n' >"$TMP/syntax.conf"
run "$M" --check-config "$TMP/syntax.conf"
t_check "syntax error: exit 1" [ "$RC" -eq 1 ]
t_check "syntax error: FILE:LINE:" has "$ERR" "$TMP/syntax.conf:3: syntax error"

printf 'clock = { priority1 = 4294967424; };\nports = ({ interface = "e"; });\n' \
	>"$TMP/trunc.conf"
run "$M" --check-config "$TMP/trunc.conf"
t_check "32-bit overflow is not silently truncated" [ "$RC" -eq 1 ]
t_check "32-bit overflow: FILE:LINE:" \
	has "$ERR" "$TMP/trunc.conf:1: integer 4294967424 does not fit in 32 bits"

run "$M" --check-config "$TMP/does-not-exist.conf"
t_check "missing file: exit 1" [ "$RC" -eq 1 ]
t_check "missing file: says so" \
	has "$ERR" "$TMP/does-not-exist.conf: No such file or directory"

# an unterminated /* comment used to swallow the rest of the file
printf 'ports = ({ interface = "e"; });\n/* no end\nclock = { priority1 = 999; };\n' \
	>"$TMP/comment.conf"
run "$M" --check-config "$TMP/comment.conf"
t_check "unterminated comment: exit 1" [ "$RC" -eq 1 ]
t_check "unterminated comment: FILE:LINE of the /*" \
	has "$ERR" "$TMP/comment.conf:2: unterminated /* comment"

# a UTF-8 byte-order mark (Windows editors write one) is skipped
printf '\xef\xbb\xbfports = ({ interface = "eth1"; });\n' >"$TMP/bom.conf"
run "$M" --check-config "$TMP/bom.conf"
t_check "UTF-8 byte-order mark: accepted (exit 0)" [ "$RC" -eq 0 ]

# ipc.rundir naming a file (or a path under one): FILE:LINE at load time
: >"$TMP/a-file"
printf 'ports = ({ interface = "e"; });\nipc = { rundir = "%s"; };\n' \
	"$TMP/a-file" >"$TMP/rundir-file.conf"
run "$M" --check-config "$TMP/rundir-file.conf"
t_check "rundir is a file: exit 1" [ "$RC" -eq 1 ]
t_check "rundir is a file: FILE:LINE: ipc.rundir" \
	eval 'has "$ERR" "$TMP/rundir-file.conf:2: ipc.rundir: \"$TMP/a-file\"" &&
	      has "$ERR" "not a directory"'
printf 'ports = ({ interface = "e"; });\nipc = {\n rundir = "%s/x";\n};\n' \
	"$TMP/a-file" >"$TMP/rundir-under.conf"
run "$M" --check-config "$TMP/rundir-under.conf"
t_check "rundir under a file: FILE:LINE names the file" \
	eval '[ "$RC" -eq 1 ] &&
	      has "$ERR" "$TMP/rundir-under.conf:3: ipc.rundir:" &&
	      has "$ERR" "$TMP/a-file, which is not a directory"'

# --- portd --rundir: the checks the configuration gets -------------------
# The interface does not exist and the clock is simulated, so portd stops
# at its transport (exit 1) if a bad --rundir got through: no network is
# touched, no clock is steered.
P=$BIN/portd
printf 'ports = ({ interface = "nosuch%s"; timestamping = "software";\n' $$ \
	>"$TMP/portd.conf"
printf '\tclock = "sim"; sim_path = "%s/sim.clk"; });\n' "$TMP" \
	>>"$TMP/portd.conf"
printf 'ipc = { rundir = "%s/run"; };\nclock = { free_running = true; };\n' \
	"$TMP" >>"$TMP/portd.conf"
# the configuration itself is valid
run "$M" --check-config "$TMP/portd.conf"
t_check "portd.conf is valid" [ "$RC" -eq 0 ]
prun() { (cd "$TMP" && run timeout 10 "$P" --standalone -f "$TMP/portd.conf" \
	-i "nosuch$$" --log-level err "$@"; echo "$RC" >"$TMP/rc"); RC=$(cat "$TMP/rc");
	ERR=$(cat "$TMP/err"); }
prun --rundir rel/dir
t_check "portd --rundir rel/dir: usage error (exit 2)" [ "$RC" -eq 2 ]
t_check "portd --rundir rel/dir: names the option" \
	has "$ERR" "--rundir rel/dir: is not an absolute path"
t_check "portd --rundir rel/dir: nothing created" [ ! -e "$TMP/rel" ]
prun --rundir "$TMP/a-file"
t_check "portd --rundir FILE: usage error (exit 2)" [ "$RC" -eq 2 ]
t_check "portd --rundir FILE: names the option" \
	eval 'has "$ERR" "--rundir $TMP/a-file:" && has "$ERR" "not a directory"'
sed "s|$TMP/run|$TMP/a-file|" "$TMP/portd.conf" >"$TMP/portd-file.conf"
(cd "$TMP" && run timeout 10 "$P" --standalone -f "$TMP/portd-file.conf" \
	-i "nosuch$$"; echo "$RC" >"$TMP/rc")
RC=$(cat "$TMP/rc"); ERR=$(cat "$TMP/err")
t_check "portd, rundir FILE in the config: exit 1, FILE:LINE" \
	eval '[ "$RC" -eq 1 ] &&
	      has "$ERR" "$TMP/portd-file.conf:3: ipc.rundir:"'

# --- the command line ---------------------------------------------------
run "$M" --help
t_check "--help exits 0" [ "$RC" -eq 0 ]
t_check "--help documents --check-config" has "$OUT" "--check-config FILE"
t_check "--help documents the exit status" has "$OUT" "Exit status"
run "$M" -h
t_check "-h exits 0" [ "$RC" -eq 0 ]
run "$M" --version
t_check "--version exits 0 and names meridian" \
	eval '[ "$RC" -eq 0 ] && has "$OUT" "meridian "'
run "$M" --no-such-option
t_check "unknown option: exit 2" [ "$RC" -eq 2 ]
run "$M" --print-config
t_check "--print-config alone: exit 2" [ "$RC" -eq 2 ]
run "$M" -f "$TMP/does-not-exist.conf"
t_check "running the supervisor on a missing file: exit 1, says so" \
	eval '[ "$RC" -eq 1 ] && has "$ERR" "does-not-exist.conf: No such file"'

t_done
