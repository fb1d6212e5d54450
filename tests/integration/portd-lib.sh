# Shared helpers for the ordinary-clock tests (tests/integration/3N-*.sh)
# and the benchmark (tests/bench/01-ordinary-clock.sh): `portd --standalone`
# against linuxptp's ptp4l/pmc and ptpd in network namespaces.
#
# Source it instead of lib.sh (it sources lib.sh). Files go to $PL_DIR, a
# temporary directory removed at exit. Every process is started through
# t_bg, so lib.sh's EXIT trap stops it by PID.
#
# Peers never touch the host clock: every ptp4l runs with free_running 1
# and kernel_leap 0, ptpd with -n and leap_second_handling=ignore, and
# portd only ever steers a sim clock (a file under $PL_DIR).
#
# Units: offsets and delays in ns everywhere, offset = local - master
# (portd's offset_ns, ptp4l's "master offset", ptpd's "Offset From
# Master"); the TRUE error of a sim clock is `simclock read`'s diff_ns =
# sim time - CLOCK_REALTIME, and a ptp4l grandmaster's time is
# CLOCK_REALTIME (software timestamps).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORTD=$BIN/portd
MERIDIAN=$BIN/meridian
SIMCLOCK=$TOOLS/simclock
PL_FILTER='udp port 319 or udp port 320 or ether proto 0x88f7'
t_tmpdir PL_DIR

# pl_need [COMMAND...]: root, ip, our binaries, and the named peers.
pl_need() {
	local c
	t_need_root
	t_need ip
	for c in "$@"; do
		t_need "$c"
	done
	[ -x "$MERIDIAN" ] || t_fail "$MERIDIAN not built (run make)"
	[ -x "$SIMCLOCK" ] || t_fail "$SIMCLOCK not built (run make)"
	[ -x "$PORTD" ] || t_fail "$PORTD not built (run make)"
}

# ---- arithmetic (awk, floating point) --------------------------------

# pl_le A B / pl_lt A B / pl_ge A B: numeric comparisons; false when A or
# B is not a number (e.g. "-" before the first sample).
pl_cmp() {
	awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN {
		re = "^[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$"
		if (a !~ re || b !~ re) exit 1
		a += 0; b += 0
		if (op == "le") exit !(a <= b)
		if (op == "lt") exit !(a < b)
		if (op == "ge") exit !(a >= b)
		exit 1 }'
}
pl_le() { pl_cmp "$1" "$2" le; }
pl_lt() { pl_cmp "$1" "$2" lt; }
pl_ge() { pl_cmp "$1" "$2" ge; }
# pl_between X LO HI: LO <= X <= HI
pl_between() { pl_le "$2" "$1" && pl_le "$1" "$3"; }
# pl_abs X: |X|
pl_abs() { awk -v a="$1" 'BEGIN { if (a < 0) a = -a; print a }'; }
# pl_within X Y TOL: |X - Y| <= TOL
pl_within() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN {
		re = "^[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$"
		if (a !~ re || b !~ re) exit 1
		d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}

# pl_stats < numbers: "N MEAN RMS MAXABS" of the numbers on stdin (one per
# line; lines that are not numbers, like "-", are counted in N as bad and
# make RMS/MAX "nan"). Use: read -r n mean rms max < <(... | pl_stats)
pl_stats() {
	awk 'BEGIN { re = "^[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$" }
		{ n++; if ($1 !~ re) { bad++; next }
		  x = $1 + 0; s += x; ss += x * x; a = x < 0 ? -x : x
		  if (a > m) m = a }
		END { if (n == 0 || bad) { printf "%d nan nan nan\n", n; exit }
		      printf "%d %.1f %.1f %.1f\n", n, s / n, sqrt(ss / n), m }'
}

# pl_median < numbers: the median of the numbers on stdin ("nan" if none).
pl_median() {
	sort -g | awk '{ v[n++] = $1 }
		END { if (!n) print "nan"
		      else if (n % 2) print v[(n - 1) / 2]
		      else print (v[n / 2 - 1] + v[n / 2]) / 2 }'
}

# pl_abs_median < numbers: the median of |x|.
pl_abs_median() {
	awk '{ x = $1; if (x < 0) x = -x; print x }' | pl_median
}

# pl_beyond BOUND < numbers: how many have |x| > BOUND (non-numbers count).
pl_beyond() {
	awk -v b="$1" '{ x = $1; if (x !~ /^[-+]?[0-9]/) { n++; next }
			 if (x < 0) x = -x; if (x > b) n++ }
		END { print n + 0 }'
}

# ---- the network ------------------------------------------------------

# pl_ns NAME: create namespace NAME-<pid> in this shell (registered for
# cleanup here, not in a subshell) and set PL_NS to its name.
pl_ns() {
	t_netns "$1" >/dev/null
	PL_NS=$1-$T_ID
}

# pl_mac NS IF: the interface's MAC address, lower case.
pl_mac() {
	ip -n "$1" -o link show dev "$2" |
		sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# pl_cid_from_mac MAC: the clockIdentity linuxptp (and portd) make from
# it, EUI-48 -> EUI-64: aa:bb:cc:dd:ee:ff -> aabbcc.fffe.ddeeff
pl_cid_from_mac() {
	local m=${1//:/}
	echo "${m:0:6}.fffe.${m:6:6}"
}

# pl_cid_norm ID: a clockIdentity written any way (aabbcc.fffe.ddeeff,
# aa:bb:cc:ff:fe:dd:ee:ff, AABBCCFFFEDDEEFF, 0x...) as 16 lower-case hex
# digits, so identities printed by different tools compare equal.
pl_cid_norm() {
	local s=${1,,}
	s=${s#0x}
	s=${s//[^0-9a-f]/}
	echo "$s"
}

# pl_has_ll NS IF: the interface has its IPv6 link-local address.
pl_has_ll() { ip -n "$1" -6 addr show dev "$2" scope link | grep -q inet6; }

# pl_link NS_A IF_A NS_B IF_B ADDR_A ADDR_B: a veth pair with IPv4 /24
# addresses and usable IPv6 link-local addresses.
pl_link() {
	t_veth "$@"
	t_wait_for 5 pl_has_ll "$1" "$2" || t_fail "no IPv6 link-local on $2"
	t_wait_for 5 pl_has_ll "$3" "$4" || t_fail "no IPv6 link-local on $4"
}

# pl_bridge NS BR: a Linux bridge BR in NS, up, with IGMP/MLD snooping off
# (else 224.0.1.129 and ff0e::181 may be pruned) and STP off.
pl_bridge() {
	ip -n "$1" link add name "$2" type bridge mcast_snooping 0 \
		stp_state 0 ||
		t_fail "bridge $2 in $1"
	ip -n "$1" link set "$2" up
}

# pl_bridge_port NS_BR BR IF_BR NS IF [ADDR]: a veth pair from bridge BR
# (port IF_BR) in NS_BR to IF in NS, with IPv4 ADDR/24 on IF if given and
# a usable IPv6 link-local address.
pl_bridge_port() {
	t_veth "$1" "$3" "$4" "$5"
	ip -n "$1" link set "$3" master "$2" || t_fail "enslave $3 to $2"
	[ -n "${6:-}" ] && ip -n "$4" addr add "$6/24" dev "$5"
	t_wait_for 5 pl_has_ll "$4" "$5" || t_fail "no IPv6 link-local on $5"
}

# ---- portd ------------------------------------------------------------

# pl_portd_conf FILE IFACE [key=value...]: a one-port standalone portd
# config, checked with `meridian --check-config` (a config it refuses
# fails the test). Keys and defaults:
#   transport=udp4 delay=e2e servo=pi freq=0 (sim_freq_error_ppb)
#   offset=0 (sim_offset_ns) simpath=$PL_DIR/IFACE.clk prio1=128
#   prio2=128 domain=0 minor=1 free_running=false slave_only=false
#   lann=-2 lsync=-3 ldelay=-3 lpdelay=-3 art=3 (announce_receipt_timeout)
#   first_step=0.00002 (s) rundir=$PL_DIR/run-IFACE level=info
pl_portd_conf() {
	local out=$1 ifc=$2 kv k; shift 2
	local -A o=([transport]=udp4 [delay]=e2e [servo]=pi [freq]=0
		    [offset]=0 [simpath]=$PL_DIR/$ifc.clk [prio1]=128
		    [prio2]=128 [domain]=0 [minor]=1 [free_running]=false
		    [slave_only]=false [lann]=-2 [lsync]=-3 [ldelay]=-3
		    [lpdelay]=-3 [art]=3 [first_step]=0.00002
		    [rundir]=$PL_DIR/run-$ifc [level]=info)
	for kv in "$@"; do
		k=${kv%%=*}
		[ -n "${o[$k]+set}" ] || t_fail "pl_portd_conf: unknown key $k"
		o[$k]=${kv#*=}
	done
	mkdir -p "${o[rundir]}"
	cat >"$out" <<EOF
# portd --standalone config written by tests/integration/portd-lib.sh
clock = {
	domain_number = ${o[domain]};
	priority1 = ${o[prio1]};
	priority2 = ${o[prio2]};
	slave_only = ${o[slave_only]};
	minor_version = ${o[minor]};
	servo = "${o[servo]}";
	first_step_threshold = ${o[first_step]};
	free_running = ${o[free_running]};
};
ports = (
	{
		interface = "$ifc";
		transport = "${o[transport]}";
		delay_mechanism = "${o[delay]}";
		timestamping = "software";
		clock = "sim";
		sim_freq_error_ppb = ${o[freq]}.0;
		sim_offset_ns = ${o[offset]}L;
		sim_path = "${o[simpath]}";
		log_announce_interval = ${o[lann]};
		announce_receipt_timeout = ${o[art]};
		log_sync_interval = ${o[lsync]};
		log_min_delay_req_interval = ${o[ldelay]};
		log_min_pdelay_req_interval = ${o[lpdelay]};
	}
);
ipc = {
	rundir = "${o[rundir]}";
};
logging = {
	level = "${o[level]}";
};
EOF
	"$MERIDIAN" --check-config "$out" >"$out.check" 2>&1 || {
		cat "$out.check"
		t_fail "meridian --check-config refuses $out"
	}
}

# pl_portd NS CONF IFACE NAME [portd options...]: start portd
# --standalone in NS; stdout (summary lines) to $PL_DIR/NAME.out, stderr
# (log) to $PL_DIR/NAME.err; PID in PL_PID (and registered for cleanup).
# The run directory is the config's ipc.rundir.
pl_portd() {
	local ns=$1 conf=$2 ifc=$3 name=$4 rundir; shift 4
	rundir=$(sed -n 's/^[[:space:]]*rundir = "\(.*\)";/\1/p' "$conf")
	echo "+ portd --standalone -f $conf -i $ifc --rundir $rundir $*" \
		>"$PL_DIR/$name.cmd"
	t_bg "$ns" "$PORTD" --standalone -f "$conf" -i "$ifc" \
		--rundir "$rundir" --log-level info "$@" \
		>"$PL_DIR/$name.out" 2>"$PL_DIR/$name.err"
	PL_PID=$T_LAST_PID
}

# pl_stop PID: stop one process we started (SIGTERM, then wait).
pl_stop() {
	kill "$1" 2>/dev/null
	local i
	for i in $(seq 20); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# pl_state_is FILE STATE: the last summary line says state=STATE.
pl_state_is() { [ "$(pl_sum "$1" state)" = "$2" ]; }

# pl_nsum FILE: number of summary lines so far.
pl_nsum() { grep -c '^summary ' "$1" 2>/dev/null || echo 0; }

# pl_sum_col FILE KEY [N]: KEY's value from each summary line (the last N
# lines if N is given), one per line.
pl_sum_col() {
	local f=$1 k=$2 n=${3:-0}
	grep '^summary ' "$f" 2>/dev/null |
		if [ "$n" -gt 0 ]; then tail -n "$n"; else cat; fi |
		awk -v k="$k" '{ v = "?"
			for (i = 2; i <= NF; i++)
				if (index($i, k "=") == 1) {
					v = substr($i, length(k) + 2); break
				}
			print v }'
}

# pl_sum FILE KEY: KEY's value from the last summary line ("" if none).
pl_sum() { pl_sum_col "$1" "$2" 1; }

# pl_sum_ok FILE: every summary line has the fixed set of fields, in the
# documented order, with values of the documented form.
pl_sum_ok() {
	grep '^summary ' "$1" | awk '
		BEGIN { num = "^-?[0-9]+(\\.[0-9]+)?$" }
		{ ok = NF == 13 &&
			$2 ~ /^iface=[^ ]+$/ && $3 ~ /^state=[A-Z_]+$/ &&
			($4 == "offset_ns=-" || substr($4, 11) ~ num) &&
			$4 ~ /^offset_ns=/ &&
			$5 ~ /^freq_ppb=-?[0-9]+(\.[0-9]+)?$/ &&
			$6 ~ /^delay_ns=/ &&
			($6 == "delay_ns=-" || substr($6, 10) ~ num) &&
			($7 ~ /^servo=(UNLOCKED|JUMP|LOCKED|LOCKED_STABLE)$/ ||
			 $7 ~ /^servo=(HOLDOVER|FAULT)$/) &&
			$8 ~ /^gm=/ && $9 ~ /^steps=[0-9]+$/ &&
			$10 ~ /^rx=[0-9]+$/ && $11 ~ /^tx=[0-9]+$/ &&
			$12 ~ /^rxerr=[0-9]+$/ && $13 ~ /^outliers=[0-9]+$/
		  n++
		  if (!ok) { bad++; if (bad <= 3) print "bad summary: " $0 } }
		END { exit !(n > 0 && bad == 0) }'
}

# pl_converged FILE [K] [BOUND_NS]: the last summary line says SLAVE with
# the servo LOCKED or LOCKED_STABLE, and the last K (3) offsets are numbers
# within BOUND_NS (10000), one of them excepted: a single late software
# timestamp on veth (tens of us, about one stamp in a thousand) shows in
# one summary line without the clock having moved (the tests read the
# clock's true error separately), and must not decide "converged".
pl_converged() {
	local f=$1 k=${2:-3} b=${3:-10000} st sv
	st=$(pl_sum "$f" state)
	sv=$(pl_sum "$f" servo)
	[ "$st" = SLAVE ] || return 1
	[ "$sv" = LOCKED ] || [ "$sv" = LOCKED_STABLE ] || return 1
	[ "$(pl_nsum "$f")" -ge "$k" ] || return 1
	pl_sum_col "$f" offset_ns "$k" | awk -v b="$b" '
		{ x = $1; if (x !~ /^-?[0-9]/) { nan++; next }
		  if (x < 0) x = -x; if (x > b) far++ }
		END { exit nan > 0 || far > 1 }'
}

# pl_why_not_converged FILE [K]: the last K summary lines, indented, for a
# failed convergence check's log.
pl_why_not_converged() {
	grep '^summary ' "$1" | tail -n "${2:-5}" | sed 's/^/    last: /'
}

# pl_conv_time FILE BOUND_NS: index (1-based, = seconds with one summary a
# second) of the first summary line from which every offset is within
# BOUND_NS to the end, an isolated single-sample excursion (both
# neighbours within the bound: a late software timestamp) excepted;
# "never" if there is none.
pl_conv_time() {
	pl_sum_col "$1" offset_ns | pl_conv_index "$2"
}

# pl_conv_index BOUND < values: the same for any series, one per line.
pl_conv_index() {
	awk -v b="$1" '
		{ n++; x = $1; ok = x ~ /^[-+]?[0-9]/
		  if (x < 0) x = -x
		  bad[n] = !ok || x > b }
		END {
			first = 0
			for (i = 1; i <= n; i++) {
				spike = bad[i] && i > 1 && i < n &&
					!bad[i - 1] && !bad[i + 1]
				if (bad[i] && !spike) first = 0
				else if (!first && !bad[i]) first = i
			}
			if (first) print first; else print "never"
		}'
}

# ---- the true error of a sim clock -------------------------------------

# pl_simwatch PATH OUT [INTERVAL_MS]: once PATH exists, `simclock watch`
# it into OUT (one line per interval, default 250 ms) in the background;
# PID in PL_WATCH_PID. Run in the root namespace: the file is shared.
pl_simwatch() {
	local path=$1 out=$2 ms=${3:-250}
	t_wait_for 10 test -s "$path" || return 1
	"$SIMCLOCK" watch "$path" --interval-ms "$ms" >"$out" 2>"$out.err" &
	PL_WATCH_PID=$!
	T_PIDS+=("$PL_WATCH_PID")
}

# pl_true_col FILE SINCE [UNTIL]: diff_ns (sim - real, ns) of the watch
# lines whose real time is >= SINCE (and < UNTIL), epoch seconds.
pl_true_col() {
	awk -v s="$2" -v u="${3:-0}" '
		{ r = ""; d = ""
		  for (i = 1; i < NF; i++) {
			if ($i == "real") r = $(i + 1)
			if ($i == "diff_ns") d = $(i + 1)
		  }
		  if (r >= s && (u == 0 || r < u) && d != "") print d }' "$1"
}

# pl_true_now PATH: sim - real now, ns.
pl_true_now() {
	"$SIMCLOCK" read "$1" 2>/dev/null | awk '$1 == "diff_ns" { print $2 }'
}

# pl_now: epoch seconds with ns (what pl_true_col compares with).
pl_now() { date +%s.%N; }

# ---- linuxptp ---------------------------------------------------------

# pl_ptp4l_conf FILE NAME [KEY VALUE]...: a ptp4l config that never
# touches the host clock (free_running 1, kernel_leap 0), with its own
# uds_address ($PL_DIR/NAME.sock), fast intervals (announce 2^-2 s, sync
# and delay request 2^-3 s) and one "master offset" line per second from
# a free-running slave: with free_running, ptp4l 3.1.1 prints a raw
# sample once per frequency-estimation interval (freq_est_interval 0:
# 1 s) when summary_interval equals logSyncInterval, and "rms/max"
# summaries otherwise. Extra
# KEY VALUE pairs are appended (later keys override earlier ones).
pl_ptp4l_conf() {
	local out=$1 name=$2; shift 2
	{
		echo "[global]"
		echo "free_running 1"
		echo "kernel_leap 0"
		echo "uds_address $PL_DIR/$name.sock"
		echo "logAnnounceInterval -2"
		echo "logSyncInterval -3"
		echo "logMinDelayReqInterval -3"
		echo "logMinPdelayReqInterval -3"
		echo "summary_interval -3"
		echo "freq_est_interval 0"
		while [ $# -ge 2 ]; do
			echo "$1 $2"
			# keep one raw "master offset" line a second
			[ "$1" = logSyncInterval ] && echo "summary_interval $2"
			shift 2
		done
	} >"$out"
}

# pl_ptp4l NS CONF IFACE NAME [ptp4l options...]: start ptp4l (software
# timestamps, log to stdout) in NS; log in $PL_DIR/NAME.log, PID in
# PL_PID. Give the transport (-4/-6/-2) and -P/-E as options.
pl_ptp4l() {
	local ns=$1 conf=$2 ifc=$3 name=$4; shift 4
	t_bg "$ns" ptp4l -S -m -f "$conf" -i "$ifc" "$@" \
		>"$PL_DIR/$name.log" 2>&1
	PL_PID=$T_LAST_PID
}

# pl_ptp4l_offsets LOG [N]: "master offset" values (ns) of a ptp4l log,
# the last N if given.
pl_ptp4l_offsets() {
	awk '/master offset/ { for (i = 1; i < NF; i++)
		if ($i == "offset") { print $(i + 1); break } }' "$1" |
		if [ "${2:-0}" -gt 0 ]; then tail -n "$2"; else cat; fi
}

# pl_ptp4l_delays LOG [N]: "path delay" values (ns), the last N if given.
pl_ptp4l_delays() {
	awk '/master offset/ { for (i = 1; i < NF; i++)
		if ($i == "delay") { print $(i + 1); break } }' "$1" |
		if [ "${2:-0}" -gt 0 ]; then tail -n "$2"; else cat; fi
}

# pl_ptp4l_cid LOG: the clockIdentity ptp4l gave itself (from its
# "selected local clock X as best master" or "assuming the grand master
# role" context), as 16 hex digits.
pl_ptp4l_cid() {
	local id
	id=$(awk '/selected local clock .* as best master/ {
		for (i = 1; i < NF; i++)
			if ($i == "clock") { print $(i + 1); exit } }' "$1")
	pl_cid_norm "$id"
}

# pl_pmc NS IFACE OUT [pmc options...] -- COMMAND...: linuxptp's pmc
# over the wire from NS (-b 1; give -4/-6/-2 and -d DOMAIN as options),
# output to OUT.
pl_pmc() {
	local ns=$1 ifc=$2 out=$3 opts=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	ip netns exec "$ns" timeout 20 pmc -b 1 -i "$ifc" "${opts[@]}" "$@" \
		>"$out" 2>&1
}

# pl_pmc_uds NAME OUT COMMAND...: pmc to the ptp4l started with config
# name NAME, over its own UNIX socket (uds_address $PL_DIR/NAME.sock).
pl_pmc_uds() {
	local name=$1 out=$2; shift 2
	timeout 20 pmc -u -b 0 -s "$PL_DIR/$name.sock" "$@" >"$out" 2>&1
}

# pl_pmc_block OUT CID TLV: the lines of the RESPONSE of clock CID (16 hex
# digits) with management TLV TLV, header line included.
pl_pmc_block() {
	awk -v cid="$2" -v tlv="$3" '
		/^\t[0-9a-f.]+-[0-9]+ seq [0-9]+ / {
			id = $1; sub(/-[0-9]+$/, "", id); gsub(/\./, "", id)
			on = (id == cid && $4 == "RESPONSE" &&
			      $5 == "MANAGEMENT" && $6 == tlv)
		}
		/^sending:/ { on = 0 }
		on' "$1"
}

# pl_pmc_val OUT CID TLV FIELD: FIELD's value in that response.
pl_pmc_val() {
	pl_pmc_block "$1" "$2" "$3" |
		awk -v f="$4" '$1 == f { $1 = ""; sub(/^ /, ""); print; exit }'
}

# ---- ptpd -------------------------------------------------------------

# pl_ptpd NS IFACE NAME [ptpd options...]: ptpd 2.3.1 as a slave-only
# clock that adjusts nothing (-n, leap seconds ignored), in the
# foreground with statistics on stdout (-V) into $PL_DIR/NAME.log, its
# lock and status files in $PL_DIR. PID in PL_PID.
pl_ptpd() {
	local ns=$1 ifc=$2 name=$3; shift 3
	t_bg "$ns" ptpd -C -V -n -s -i "$ifc" \
		--clock:leap_second_handling=ignore \
		--global:lock_directory="$PL_DIR" \
		--global:lock_file="$PL_DIR/$name.lock" \
		--global:status_file="$PL_DIR/$name.status" \
		"$@" >"$PL_DIR/$name.log" 2>&1
	PL_PID=$T_LAST_PID
}

# pl_ptpd_offsets LOG [N]: "Offset From Master" of ptpd's statistics
# lines (slave state, after a Sync), in ns, the last N if given.
pl_ptpd_offsets() {
	awk -F', *' '$2 == "slv" && $9 == "S" && NF >= 12 {
		printf "%.0f\n", $5 * 1e9 }' "$1" |
		if [ "${2:-0}" -gt 0 ]; then tail -n "$2"; else cat; fi
}

# ---- tshark -----------------------------------------------------------

# pl_cap_start NS IFACE FILE: capture PTP frames on IFACE in NS into FILE
# (pcapng); waits until tshark is capturing. PID in PL_CAP_PID.
pl_cap_start() {
	t_bg "$1" tshark -q -i "$2" -f "$PL_FILTER" -w "$3" \
		2>"$3.err"
	PL_CAP_PID=$T_LAST_PID
	t_wait_for 15 grep -q "Capturing on" "$3.err" ||
		t_fail "tshark did not start: $(cat "$3.err")"
}

# pl_cap_stop: stop the capture (SIGINT: tshark flushes its file).
pl_cap_stop() {
	sleep 0.3
	kill -INT "$PL_CAP_PID" 2>/dev/null
	wait "$PL_CAP_PID" 2>/dev/null
}

# pl_cap_count FILE FILTER: frames matching a display filter ("error" if
# tshark refuses the filter).
pl_cap_count() { pl_cap_counts "$@"; }

# pl_cap_counts FILE FILTER...: frames matching each display filter, one
# count a line, from one pass of tshark (io,stat; filters must not hold a
# comma); "error" for each if tshark refuses one.
pl_cap_counts() {
	local f=$1 spec x
	shift
	spec=io,stat,0
	for x in "$@"; do
		spec="$spec,$x"
	done
	tshark -r "$f" -q -z "$spec" 2>"$f.cerr" | awk -F'|' -v n=$# '
		/<>/ { for (i = 1; i <= n; i++) {
			v = $(1 + 2 * i); gsub(/ /, "", v); print v }
		       done = 1; exit }
		END { if (!done) for (i = 1; i <= n; i++) print "error" }'
	[ -s "$f.cerr" ] && grep -v '^Running as user' "$f.cerr" >&2
	return 0
}

# pl_all_of K N: K = N and N is a count > 0 (so two "error"s never pass).
pl_all_of() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] && [ "$1" = "$2" ]; }

# pl_cap_judge FILE MAC LABEL [MIN]: the frames sent from MAC are PTP, at
# least MIN (default 20) of them, each decoded by Wireshark with no
# Malformed, no exception and no expert warning or error (one tshark -V
# pass with the expert tap). Counts checks.
pl_cap_judge() {
	local f=$1 mac=$2 label=$3 min=${4:-20} ours ptp bad
	tshark -r "$f" -Y "eth.src == $mac" -V \
		-z "expert,warn,eth.src == $mac" >"$f.V" 2>/dev/null
	ours=$(grep -c '^Frame [0-9]*:' "$f.V")
	ptp=$(grep -c '^Precision Time Protocol' "$f.V")
	echo "$label: capture: $ours frames from $mac, $ptp PTP"
	sed -n 's/^ *[.01 ]* = messageType: \(.*\)$/\1/p' "$f.V" | sort |
		uniq -c | sed "s/^/$label:   /"
	t_check "$label: tshark sees >= $min PTP frames of ours ($ptp)" \
		pl_ge "$ptp" "$min"
	t_check "$label: every frame of ours is PTP ($ours = $ptp)" \
		[ "$ours" = "$ptp" ]
	t_check "$label: tshark expert: no error or warning in our frames" \
		pl_no_match -E '^(Errors|Warnings) \(' "$f.V"
	bad=$(grep -ciE \
		'malformed|dissector bug|exception|Expert Info \((Error|Warn)' \
		"$f.V")
	t_check "$label: tshark -V: no Malformed / exception in ours ($bad)" \
		[ "$bad" = 0 ]
	grep -E '^(Errors|Warnings) \(' -A 8 "$f.V"
	return 0
}

# pl_no_match GREP_ARGS... FILE: grep finds nothing (and FILE exists).
pl_no_match() {
	local f=${!#}
	[ -e "$f" ] || return 1
	! grep -q "$@"
}

# pl_log_clean FILE: a portd log (common/log.c format "portd[T]: LEVEL:
# ...") has no line at level err or worse.
pl_log_clean() {
	[ -e "$1" ] || return 1
	! grep -E ': (emerg|alert|crit|err): ' "$1"
}

# pl_show NAME...: the tail of each named log, for the test log.
pl_show() {
	local n f
	for n in "$@"; do
		for f in "$PL_DIR/$n".{cmd,out,err,log}; do
			[ -s "$f" ] || continue
			echo "---- $(basename "$f") (last 15 lines)"
			tail -n 15 "$f"
		done
	done
}
