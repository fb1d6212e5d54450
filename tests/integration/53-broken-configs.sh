#!/bin/bash
# 53-broken-configs: at least 50 broken configuration files (types, ranges,
# unknown keys, duplicates, missing parts, empty, binary garbage,
# unreadable, a directory, huge values), each refused by
#   meridian --check-config FILE   exit 1, "FILE:LINE: ..." on stderr
#   meridian -f FILE               exit 1 at once, the same message,
#                                  "invalid, nothing started": no process
#                                  left in its session, no socket made
# A file with no line to blame (empty, missing parts, a directory,
# unreadable, too large) is named as "FILE: ...". 01-check-config covers
# the messages in detail (priority1 300, an unknown key with a
# suggestion, transport udp5, a duplicate interface, sim with hardware
# stamps, a missing interface, a non-loopback endpoint, a syntax error,
# 32-bit overflow, an unterminated comment, rundir a file): none of those
# is repeated here. Needs root only for "unreadable" (run as nobody).
. "$(dirname "$0")/lib.sh"

M=$BIN/meridian
[ -x "$M" ] || t_fail "$M not built (run make)"
t_tmpdir TMP
chmod 755 "$TMP"
RUN=$TMP/run			# the rundir of every file that gets that far
mkdir -p "$RUN"
: >"$TMP/marker"
sleep 1				# sockets made from now on are newer

P='ports = ({ interface = "e"; });'	# a valid ports list, one line
n=0

# bad NAME EXPECT: the file $TMP/NAME.conf (written by the caller) is
# refused; EXPECT is the message start, "@" standing for the file's path
# (e.g. "@:3: clock.priority2:").
bad() {
	local name=$1 f=$TMP/$1.conf want err rc sid left socks
	want=${2//@/$f}
	n=$((n + 1))
	"$M" --check-config "$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	err=$(cat "$TMP/err")
	t_check "$name: --check-config exit 1 and '$2'" \
		eval '[ $rc -eq 1 ] && grep -qF -- "$want" "$TMP/err"'
	[ $rc -eq 1 ] && grep -qF -- "$want" "$TMP/err" ||
		echo "    got rc $rc: $(head -c 400 <<<"$err")"
	# the supervisor, in a session of its own: nothing may outlive it
	setsid bash -c 'echo $$ >"$1"; exec "$2" -f "$3"' _ "$TMP/sid" "$M" \
		"$f" >"$TMP/out" 2>"$TMP/err" </dev/null &
	local job=$! i=0
	while kill -0 $job 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05; i=$((i + 1))
	done
	kill -0 $job 2>/dev/null && kill -9 "$(cat "$TMP/sid")" 2>/dev/null
	wait $job
	rc=$?
	sid=$(cat "$TMP/sid")
	left=$(ps -e -o sid=,pid=,comm= | awk -v s="$sid" '$1 == s')
	socks=$(find "$TMP" /run/meridian -newer "$TMP/marker" -type s \
		2>/dev/null)
	t_check "$name: meridian -f exit 1, '$2', nothing started" \
		eval '[ $rc -eq 1 ] && grep -qF -- "$want" "$TMP/err" &&
		      grep -qF "invalid, nothing started" "$TMP/err" &&
		      [ -z "$left" ] && [ -z "$socks" ]'
	[ -n "$left$socks" ] && echo "    left: $left $socks"
}

# w NAME LINE...: write $TMP/NAME.conf, one argument a line
w() {
	local name=$1; shift
	printf '%s\n' "$@" >"$TMP/$name.conf"
}

# ---- types --------------------------------------------------------------
w type-int-string "$P" 'clock = { priority2 = "one"; };'
bad type-int-string "@:2: clock.priority2: expected an integer"
w type-bool-int "$P" 'clock = { slave_only = 3; };'
bad type-bool-int "@:2: clock.slave_only: expected true or false"
w type-int-float "$P" 'clock = { domain_number = 1.5; };'
bad type-int-float "@:2: clock.domain_number: expected an integer"
w type-float-string "$P" 'clock = { pi_kp = "fast"; };'
bad type-float-string "@:2: clock.pi_kp:"
w type-string-int 'ports = ({ interface = 7; });'
bad type-string-int "@:1: ports[0].interface:"
w type-enum-int "$P" 'clock = { servo = 1; };'
bad type-enum-int "@:2: clock.servo:"
w type-group-scalar "$P" 'clock = 5;'
bad type-group-scalar "@:2: clock:"
w type-ports-group 'ports = { interface = "e"; };'
bad type-ports-group "@:1: ports:"
w type-port-scalar 'ports = ( "e" );'
bad type-port-scalar "@:1: ports[0]:"
w type-ipc-list "$P" 'ipc = ( "x" );'
bad type-ipc-list "@:2: ipc:"
w type-array 'ports = ({ interface = "e"; udp_ttl = [1, 2]; });'
bad type-array "@:1: ports[0].udp_ttl:"
w type-int64-string 'ports = ({ interface = "e"; delay_asymmetry = "5ns"; });'
bad type-int64-string "@:1: ports[0].delay_asymmetry:"

# ---- ranges ---------------------------------------------------------------
w range-domain "$P" 'clock = { domain_number = 240; };'
bad range-domain "@:2: clock.domain_number: 240 is out of range 0..239"
w range-negative "$P" 'clock = { priority2 = -1; };'
bad range-negative "@:2: clock.priority2: -1 is out of range"
w range-sdo "$P" 'clock = { sdo_id = 0x1000; };'
bad range-sdo "@:2: clock.sdo_id:"
w range-minor "$P" 'clock = { minor_version = 2; };'
bad range-minor "@:2: clock.minor_version:"
w range-announce 'ports = ({ interface = "e";' ' log_announce_interval = 5; });'
bad range-announce "@:2: ports[0].log_announce_interval:"
w range-timeout 'ports = ({ interface = "e"; announce_receipt_timeout = 1; });'
bad range-timeout "@:1: ports[0].announce_receipt_timeout:"
w range-sync 'ports = ({ interface = "e"; log_sync_interval = -8; });'
bad range-sync "@:1: ports[0].log_sync_interval:"
w range-ttl 'ports = ({ interface = "e"; udp_ttl = 0; });'
bad range-ttl "@:1: ports[0].udp_ttl:"
w range-filter 'ports = ({ interface = "e"; delay_filter_length = 257; });'
bad range-filter "@:1: ports[0].delay_filter_length:"
w range-float "$P" 'clock = { first_step_threshold = -0.5; };'
bad range-float "@:2: clock.first_step_threshold:"
w range-summary "$P" 'logging = { summary_interval = 7; };'
bad range-summary "@:2: logging.summary_interval:"
w range-sim-freq 'ports = ({ interface = "e"; sim_freq_error_ppb = 2e6; });'
bad range-sim-freq "@:1: ports[0].sim_freq_error_ppb:"

# ---- huge values --------------------------------------------------------
w huge-int64 'ports = ({ interface = "e";' \
	' sim_offset_ns = 9223372036854775807L; });'
bad huge-int64 "@:2: ports[0].sim_offset_ns:"
w huge-int64-neg 'ports = ({ interface = "e";' \
	' delay_asymmetry = -9223372036854775807L; });'
bad huge-int64-neg "@:2: ports[0].delay_asymmetry:"
w huge-float "$P" 'clock = { pi_kp = 1e308; };'
bad huge-float "@:2: clock.pi_kp:"
w huge-digits "$P" 'clock = { priority1 = 99999999999999999999999; };'
bad huge-digits "@:2:"
w huge-maxfreq "$P" 'clock = { max_frequency = 2147483648; };'
bad huge-maxfreq "@:2: integer 2147483648 does not fit in 32 bits"
w huge-latency 'ports = ({ interface = "e"; ingress_latency = 1000000001; });'
bad huge-latency "@:1: ports[0].ingress_latency:"
python3 -c 'print("ports = ({ interface = \"" + "e" * 100000 + "\"; });")' \
	>"$TMP/huge-string.conf"
bad huge-string "@:1: ports[0].interface:"
{ printf '%s\n' "$P"; printf 'ipc = { rundir = "/%s"; };\n' \
	"$(head -c 5000 /dev/zero | tr '\0' r)"; } >"$TMP/huge-rundir.conf"
bad huge-rundir "@:2: ipc.rundir:"
python3 -c 'print("x = " + "(" * 50000 + ")" * 50000 + ";")' \
	>"$TMP/huge-nesting.conf"
bad huge-nesting "@:1:"
{ yes '# padding' | head -n 200000; printf '%s\n' "$P"; } \
	>"$TMP/huge-file.conf"
bad huge-file "@: larger than 1 MiB"

# ---- unknown keys ---------------------------------------------------------
w unknown-top "$P" 'servo = { kp = 1; };'
bad unknown-top "@:2: servo: unknown"
w unknown-port 'ports = ({ interface = "e"; priority1 = 3; });'
bad unknown-port "@:1: ports[0].priority1: unknown key"
w unknown-ipc "$P" 'ipc = { socket = "/tmp/x"; };'
bad unknown-ipc "@:2: ipc.socket: unknown key"
w unknown-logging "$P" 'logging = { file = "/var/log/m"; };'
bad unknown-logging "@:2: logging.file: unknown key"
w unknown-case "$P" 'clock = { Priority1 = 3; };'
bad unknown-case "@:2: clock.Priority1: unknown key"

# ---- bad names (enumerations, strings) ------------------------------------
w enum-servo "$P" 'clock = { servo = "pid"; };'
bad enum-servo "@:2: clock.servo:"
w enum-delay 'ports = ({ interface = "e"; delay_mechanism = "e3e"; });'
bad enum-delay "@:1: ports[0].delay_mechanism:"
w enum-tstamp 'ports = ({ interface = "e"; timestamping = "hw"; });'
bad enum-tstamp "@:1: ports[0].timestamping:"
w enum-level "$P" 'logging = { level = "loud"; };'
bad enum-level "@:2: logging.level:"
w enum-empty "$P" 'clock = { time_source = ""; };'
bad enum-empty "@:2: clock.time_source:"
w str-identity "$P" 'clock = { clock_identity = "00:11:22:33"; };'
bad str-identity "@:2: clock.clock_identity:"
w str-phc 'ports = ({ interface = "e"; phc_device = "ptp0"; });'
bad str-phc "@:1: ports[0].phc_device:"
w str-rundir-rel "$P" 'ipc = { rundir = "run/meridian"; };'
bad str-rundir-rel "@:2: ipc.rundir:"
w str-ifname-slash 'ports = ({ interface = "eth/0"; });'
bad str-ifname-slash "@:1: ports[0].interface:"

# ---- duplicates -------------------------------------------------------------
w dup-key "$P" 'clock = { priority1 = 1;' ' priority1 = 2; };'
bad dup-key "@:3: duplicate setting name"
w dup-group "$P" 'clock = { priority1 = 1; };' 'clock = { priority2 = 1; };'
bad dup-group "@:3: duplicate setting name"
w dup-ports "$P" "$P"
bad dup-ports "@:2: duplicate setting name"
w dup-port-key 'ports = ({ interface = "e"; udp_ttl = 2; udp_ttl = 3; });'
bad dup-port-key "@:1: duplicate setting name"

# ---- missing parts, syntax ------------------------------------------------
: >"$TMP/empty.conf"
bad empty "@: ports: missing"
w comments-only '# nothing but comments' '// and more' '/* here */'
bad comments-only "@: ports: missing"
w no-ports 'clock = { priority1 = 1; };'
bad no-ports "@: ports: missing"
w empty-ports 'ports = ();'
bad empty-ports "@:1: ports: the list is empty"
w empty-port 'ports = ({ });'
bad empty-port "@:1: ports[0].interface: missing"
w no-equals "$P" 'clock = { priority1 1; };'
bad no-equals "@:2: syntax error"
# the parser notices at the end of the file: the line after the last
w unclosed 'ports = ({ interface = "e"; });' 'clock = { priority1 = 1;'
bad unclosed "@:3: syntax error"
w unquoted 'ports = ({ interface = e; });'
bad unquoted "@:1: syntax error"
w bad-string 'ports = ({ interface = "e; });'
bad bad-string "@:1:"

# ---- not a configuration file at all ---------------------------------------
printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00' >"$TMP/binary-elf.conf"
bad binary-elf "@:1:"
head -c 4096 /dev/urandom >"$TMP/binary-random.conf"
printf '\x00' >>"$TMP/binary-random.conf"	# at least one NUL
bad binary-random "@:"
{ printf '%s\n' "$P"; printf 'clock = { priority1 = 1; };\0\n'; } \
	>"$TMP/binary-nul.conf"
bad binary-nul "@:2: a NUL byte"
printf '\xff\xfep\x00o\x00r\x00t\x00s\x00' >"$TMP/utf16.conf"
bad utf16 "@:1:"
mkdir "$TMP/a-directory.conf"
bad a-directory "@: Is a directory"

# unreadable: as root every file is readable, so run as nobody
w unreadable "$P"
chmod 000 "$TMP/unreadable.conf"
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
	n=$((n + 1))
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$M" --check-config "$TMP/unreadable.conf" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	t_check "unreadable: --check-config as nobody: exit 1, Permission denied" \
		eval '[ $rc -eq 1 ] && grep -qF "$TMP/unreadable.conf: Permission denied" "$TMP/err"'
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$M" -f "$TMP/unreadable.conf" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	t_check "unreadable: meridian -f as nobody: exit 1, nothing started" \
		eval '[ $rc -eq 1 ] && grep -qF "Permission denied" "$TMP/err" &&
		      grep -qF "invalid, nothing started" "$TMP/err"'
else
	echo "note: unreadable case needs root and setpriv"
fi

echo "$n broken configuration files"
t_check "at least 50 broken files" [ "$n" -ge 50 ]
t_check "nothing made in the rundir" [ -z "$(ls -A "$RUN")" ]
t_done
