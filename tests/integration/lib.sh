# Shared helpers for tests/integration/NN-*.sh. Source it first.
#
# Every namespace, veth and process a test makes is registered here and
# removed by the EXIT trap, whatever way the test ends. Names carry this
# shell's PID so parallel or leftover runs never collide.

set -u
TOP=${MERIDIAN_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-build}
BIN=$TOP/$BUILD/bin
TOOLS=$TOP/$BUILD/tests/tools
T_ID=$$
T_NETNS=()
T_PIDS=()
T_DIRS=()
T_CHECKS_PASSED=0
T_CHECKS_FAILED=0

t_cleanup() {
	local p ns d
	for p in "${T_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	sleep 0.2
	for p in "${T_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	# Namespaces are named NAME-<pid of the test shell>; t_netns may have
	# run in a command substitution (a subshell), so find them by name.
	for ns in "${T_NETNS[@]}" $(ip netns list 2>/dev/null |
				   awk '{print $1}' | grep -- "-$T_ID\$"); do
		ip netns del "$ns" 2>/dev/null
	done
	for d in "${T_DIRS[@]}"; do
		rm -rf "$d"
	done
}
trap t_cleanup EXIT

t_skip() { echo "skip: $*"; exit 77; }
t_fail() { echo "FAIL: $*"; exit 1; }
t_need_root() { [ "$(id -u)" -eq 0 ] || t_skip "needs root for network namespaces"; }
t_need() { command -v "$1" >/dev/null 2>&1 || t_skip "$1 not installed"; }

# A check inside a test: counted, printed, never exits.
t_check() {
	local what=$1; shift
	if "$@"; then
		echo "ok: $what"; T_CHECKS_PASSED=$((T_CHECKS_PASSED + 1))
	else
		echo "not ok: $what"; T_CHECKS_FAILED=$((T_CHECKS_FAILED + 1))
	fi
}
# End of a test: exit status from the checks.
t_done() {
	echo "$T_CHECKS_PASSED passed, $T_CHECKS_FAILED failed"
	[ "$T_CHECKS_FAILED" -eq 0 ] && [ "$T_CHECKS_PASSED" -gt 0 ]
	exit $?
}

# t_tmpdir VAR: a temporary directory removed at exit.
t_tmpdir() {
	local d
	d=$(mktemp -d /tmp/meridian-test.XXXXXX)
	T_DIRS+=("$d")
	printf -v "$1" '%s' "$d"
}

# t_netns NAME: create namespace NAME-<pid> with lo up; echoes its name.
# Safe inside $(...): cleanup finds it by its -<pid> suffix.
t_netns() {
	local ns=$1-$T_ID
	ip netns add "$ns" || t_fail "ip netns add $ns"
	T_NETNS+=("$ns")
	ip -n "$ns" link set lo up
	echo "$ns"
}

# t_veth NS_A IF_A NS_B IF_B [ADDR_A ADDR_B]: a veth pair between two
# namespaces, up, with optional IPv4 /24 addresses; IPv6 link-local comes
# by itself (DAD is disabled so it is usable at once).
t_veth() {
	local nsa=$1 ifa=$2 nsb=$3 ifb=$4
	ip link add "$ifa" netns "$nsa" type veth peer name "$ifb" netns "$nsb" ||
		t_fail "veth $ifa/$ifb"
	local ns ifc
	for ns in "$nsa:$ifa" "$nsb:$ifb"; do
		ifc=${ns#*:}; ns=${ns%%:*}
		ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.accept_dad=0"
		ip -n "$ns" link set "$ifc" up
	done
	if [ $# -ge 6 ]; then
		ip -n "$nsa" addr add "$5/24" dev "$ifa"
		ip -n "$nsb" addr add "$6/24" dev "$ifb"
	fi
}

# t_bg NS CMD...: start CMD in namespace NS in the background, remember
# its PID for cleanup, and put it in $T_LAST_PID.
t_bg() {
	local ns=$1; shift
	ip netns exec "$ns" "$@" &
	T_LAST_PID=$!
	T_PIDS+=("$T_LAST_PID")
}

# t_wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
t_wait_for() {
	local deadline=$(( $(date +%s) + $1 )); shift
	while [ "$(date +%s)" -lt "$deadline" ]; do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}
