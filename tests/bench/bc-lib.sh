# Helpers for the boundary-clock benchmark (tests/bench/02-boundary-
# clock.sh): the appliance's configuration, a time-stamped log, the
# processes of a part and their CPU time and RSS, and the results table.
# Source it after tests/integration/portd-lib.sh. The configuration and
# summary helpers (bc_port, bc_conf, bc_sum, bc_converged) are the
# integration tests' (tests/integration/bc-lib.sh).

. "$(dirname "${BASH_SOURCE[0]}")/../integration/bc-lib.sh"

BC_RES=()

# ---- parts: everything a part starts is stopped at its end ---------------

# bc_part_begin NAME: remember where this part's processes and namespaces
# start in lib.sh's lists.
bc_part_begin() {
	BC_PART=$1
	BC_P0=${#T_PIDS[@]}
	BC_N0=${#T_NETNS[@]}
	echo
	echo "==== $1 ($(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
}

# bc_part_end: stop this part's processes (SIGTERM, 2 s, SIGKILL; the
# appliance first, so its supervisor stops its children) and delete its
# namespaces; drop them from lib.sh's lists.
bc_part_end() {
	local i p
	[ -n "${BC_PID:-}" ] && pl_stop "$BC_PID"
	BC_PID=
	for ((i = ${#T_PIDS[@]} - 1; i >= BC_P0; i--)); do
		p=${T_PIDS[$i]}
		kill "$p" 2>/dev/null
	done
	sleep 0.3
	for ((i = ${#T_PIDS[@]} - 1; i >= BC_P0; i--)); do
		p=${T_PIDS[$i]}
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	T_PIDS=("${T_PIDS[@]:0:$BC_P0}")
	for ((i = BC_N0; i < ${#T_NETNS[@]}; i++)); do
		ip netns del "${T_NETNS[$i]}" 2>/dev/null
	done
	T_NETNS=("${T_NETNS[@]:0:$BC_N0}")
}

# ---- the appliance ---------------------------------------------------------

# bc_stamp: copy stdin to stdout, each line prefixed with the epoch time
# of its arrival (s.us).
bc_stamp() {
	local l
	while IFS= read -r l; do
		printf '%s %s\n' "$EPOCHREALTIME" "$l"
	done
}

# bc_start NS CONF LOG: `meridian -f CONF` in NS, its output time-stamped
# line by line into LOG (through a FIFO, so meridian's PID is ours: BC_PID).
bc_start() {
	local fifo=$3.fifo
	rm -f "$fifo"
	mkfifo "$fifo"
	# (not t_bg: a redirection of a function call opens the FIFO in this
	# shell, which would block until a reader comes)
	ip netns exec "$1" "$MERIDIAN" -f "$2" >"$fifo" 2>&1 &
	BC_PID=$!
	T_PIDS+=("$BC_PID")
	bc_stamp <"$fifo" >"$3" &
	T_PIDS+=("$!")
	BC_LOG=$3
}

# bc_wait_converged TIMEOUT SLAVE_IF MASTER_IF...: wait; sets BC_CONV
# (seconds, or "never").
bc_wait_converged() {
	local to=$1 t0=$SECONDS
	shift
	if t_wait_for "$to" bc_converged "$@"; then
		BC_CONV=$((SECONDS - t0))
	else
		BC_CONV=never
		echo "not converged within $to s; the appliance's log ends:"
		tail -n 20 "$BC_LOG"
	fi
}

# bc_procs: "NAME PID" for meridian (BC_PID) and each of its children
# (portd/IFACE for a portd).
bc_procs() {
	local c comm ifc
	echo "meridian $BC_PID"
	for c in $(pgrep -P "$BC_PID"); do
		comm=$(cat "/proc/$c/comm" 2>/dev/null) || continue
		if [ "$comm" = portd ]; then
			ifc=$(tr '\0' '\n' <"/proc/$c/cmdline" |
				awk 'p { print; exit } $0 == "-i" { p = 1 }')
			comm=portd/$ifc
		fi
		echo "$comm $c"
	done
}

# ---- CPU time and memory ---------------------------------------------------

# bc_cpu_ns PID: CPU time of the whole process so far (every thread's
# sum_exec_runtime from /proc/PID/task/*/schedstat: the utime + stime of
# /proc/PID/stat at ns resolution instead of 10 ms ticks), ns.
bc_cpu_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null |
		awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# bc_rss_kib PID: VmRSS in KiB.
bc_rss_kib() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null ||
		echo 0
}

# bc_rss_split PID: "RssAnon+RssFile" in KiB (private heap and stacks,
# and pages of mapped files: shared libraries' text, mostly).
bc_rss_split() {
	awk '$1 == "RssAnon:" { a = $2 } $1 == "RssFile:" { f = $2 }
	     END { print "anon " a " + file " f }' "/proc/$1/status" 2>/dev/null
}

# bc_pss_kib PID: Pss in KiB (RSS with each shared page divided among the
# processes that map it: what the process really adds).
bc_pss_kib() {
	awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null ||
		echo 0
}

# bc_cpu_window SECONDS NAME=PID...: CPU time of each process over a window
# of SECONDS; sets BC_CPU[NAME] in ms of CPU per second of wall time.
declare -A BC_CPU
bc_cpu_window() {
	local secs=$1 kv t0 t1 w0 w1
	local -A a
	shift
	BC_CPU=()
	w0=$EPOCHREALTIME
	for kv in "$@"; do
		a[$kv]=$(bc_cpu_ns "${kv#*=}")
	done
	sleep "$secs"
	w1=$EPOCHREALTIME
	for kv in "$@"; do
		t1=$(bc_cpu_ns "${kv#*=}")
		BC_CPU[${kv%%=*}]=$(awk -v a="${a[$kv]}" -v b="$t1" \
			-v w0="$w0" -v w1="$w1" 'BEGIN {
			printf "%.2f", (b - a) / 1e6 / (w1 - w0) }')
	done
}

# ---- results -----------------------------------------------------------------

# bc_res FIGURE VALUE TARGET MET: one row of the final table; MET is
# "met", "not met" or "-" (no data).
bc_res() { BC_RES+=("$1|$2|$3|$4"); }

# bc_met VALUE LIMIT: "met" if VALUE <= LIMIT, "not met", "-" if no number.
bc_met() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		re = "^[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$"
		if (a !~ re) print "-"; else if (a + 0 <= b + 0) print "met";
		else print "not met" }'
}

# bc_div A B [FMT]: A / B (FMT %.2f); "-" if either is not a number.
bc_div() {
	awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN {
		re = "^[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$"
		if (a !~ re || b !~ re || b + 0 == 0) print "-";
		else printf f "\n", a / b }'
}

# bc_max A B: the larger; "-" if either is not a number.
bc_max() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		re = "^[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$"
		if (a !~ re || b !~ re) r = "-"; else r = (b + 0 > a + 0) ? b : a
		print r }'
}

# bc_pct_stats < numbers: "N MEDIAN P99 MAX".
bc_pct_stats() {
	sort -g | awk '{ v[n++] = $1 }
		END { if (!n) { print "0 nan nan nan"; exit }
		      m = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
		      i = int(0.99 * n + 0.999999) - 1; if (i < 0) i = 0
		      print n, m, v[i], v[n - 1] }'
}

# bc_table: the final table.
bc_table() {
	local r f v t m
	printf '%-58s %-24s %-14s %s\n' "figure" "value" "target" "met?"
	for r in "${BC_RES[@]}"; do
		IFS='|' read -r f v t m <<<"$r"
		printf '%-58s %-24s %-14s %s\n' "$f" "$v" "$t" "$m"
	done
}
