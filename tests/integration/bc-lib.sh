# Shared helpers for the boundary-clock tests (tests/integration/44-47)
# and benchmark (tests/bench/02): the appliance's configuration and its
# portd summaries. Source it after portd-lib.sh.

# bc_port IFACE FREQ_PPB OFFSET_NS [LOG_SYNC] [SIMPREFIX] [EXTRA_LINE]: one
# port group of a meridian.conf on a sim PHC at $PL_DIR/SIMPREFIXIFACE.clk
# (announce 2^-2 s, receipt timeout 3, Sync and Delay_Req 2^LOG_SYNC s,
# default -3); EXTRA_LINE is added to the group as it is.
bc_port() {
	local ls=${4:--3}
	cat <<EOF
	{
		interface = "$1";
		timestamping = "software";
		clock = "sim";
		sim_freq_error_ppb = $2;
		sim_offset_ns = $3L;
		sim_path = "$PL_DIR/${5:-}$1.clk";
		log_announce_interval = -2;
		announce_receipt_timeout = 3;
		log_sync_interval = $ls;
		log_min_delay_req_interval = $ls;${6:+
		$6}
	}
EOF
}

# bc_conf_text SERVO RUNDIR PRIORITY1 PORT_GROUP...: a whole meridian.conf
# on stdout.
bc_conf_text() {
	local servo=$1 run=$2 p1=$3 g sep=""
	shift 3
	echo "clock = { priority1 = $p1; servo = \"$servo\"; };"
	echo "ports = ("
	for g in "$@"; do
		printf '%s%s' "$sep" "$g"
		sep=$',\n'
	done
	echo
	echo ");"
	echo "ipc = { rundir = \"$run\"; };"
	echo "logging = { level = \"info\"; };"
}

# bc_conf FILE SERVO RUNDIR PORT_GROUP...: the same into FILE (priority1
# 100), checked with meridian --check-config (a refusal fails the test).
bc_conf() {
	local f=$1; shift
	bc_conf_text "$1" "$2" 100 "${@:3}" >"$f"
	"$MERIDIAN" --check-config "$f" >"$f.check" 2>&1 || {
		cat "$f.check"
		t_fail "meridian --check-config refuses $f"
	}
}

# bc_conf3 FILE RUNDIR [LOG_SYNC]: the tests' three ports b1 b2 b3, sim
# PHCs at +30, -20 and +50 ppm starting 2, -3 and 4 ms off, linreg.
bc_conf3() {
	bc_conf "$1" linreg "$2" "$(bc_port b1 30000.0 2000000 "${3:-}")" \
		"$(bc_port b2 -20000.0 -3000000 "${3:-}")" \
		"$(bc_port b3 50000.0 4000000 "${3:-}")"
}

# bc_sum IFACE: the summary lines of portd IFACE, out of the supervisor's
# prefixed log (BC_LOG, default $PL_DIR/meridian.log), in a file; echoes
# its name.
bc_sum() {
	local log=${BC_LOG:-$PL_DIR/meridian.log}
	grep "portd\[$1\].*summary " "$log" |
		sed 's/.*summary /summary /' >"$log.$1.sum"
	echo "$log.$1.sum"
}

# bc_state IFACE / bc_steps IFACE: from the last summary line.
bc_state() { pl_sum "$(bc_sum "$1")" state; }
bc_steps() { pl_sum "$(bc_sum "$1")" steps; }

# bc_converged [-k K] SLAVE_IF MASTER_IF...: the slave port is SLAVE with
# the servo locked and its last K (5) offsets within BC_CONV_NS (10 us),
# the others MASTER.
bc_converged() {
	local k=5 s m
	if [ "$1" = -k ]; then
		k=$2
		shift 2
	fi
	s=$1
	shift
	pl_converged "$(bc_sum "$s")" "$k" "${BC_CONV_NS:-10000}" ||
		return 1
	for m in "$@"; do
		[ "$(bc_state "$m")" = MASTER ] || return 1
	done
}
