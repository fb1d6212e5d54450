#!/bin/bash
# 02-sim-clock: a sim clock file is one clock for processes in different
# network namespaces. Created in namespace A with a +1 s offset and a
# +100 ppm frequency error, read and steered from namespace B (and the
# other way round), watched live by a long-running process in A while B
# steps it. Never touches CLOCK_REALTIME.
. "$(dirname "$0")/lib.sh"

t_need_root
SC=$TOOLS/simclock
[ -x "$SC" ] || t_fail "$SC not built (run make)"
t_tmpdir TMP
CLK=$TMP/phc0
A=$(t_netns sca)
B=$(t_netns scb)

# nsx NS CMD...: run in a namespace
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
# rd NS NAME: `simclock read` from NS into $TMP/NAME
rd() { nsx "$1" "$SC" read "$CLK" >"$TMP/$2" 2>"$TMP/$2.err"; }
# val NAME KEY: a value from a saved read
val() { awk -v k="$2" '$1 == k { print $2 }' "$TMP/$1"; }
# within X Y TOL: |X - Y| <= TOL (floating point, awk)
within() {
	awk -v a="$1" -v b="$2" -v t="$3" \
		'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}
# expr EXPR: evaluate with awk, 3 decimals
expr3() { awk "BEGIN { printf \"%.3f\", $* }"; }

t_check "namespaces A and B are distinct network namespaces" \
	[ "$(nsx "$A" readlink /proc/self/ns/net)" != \
	  "$(nsx "$B" readlink /proc/self/ns/net)" ]

# --- create in A, read in B ------------------------------------------------
t_check "create in A" nsx "$A" "$SC" create "$CLK" \
	--offset-ns 1000000000 --freq-ppb 100000
t_check "the clock file exists" [ -f "$CLK" ]
t_check "read in B" rd "$B" r1
cat "$TMP/r1"
d1=$(val r1 diff_ns)
t_check "B reads sim - real ~ +1 s (got $d1 ns)" \
	within "$d1" 1000000000 1000000
t_check "B sees the +100 ppm error" [ "$(val r1 freq_error_ppb)" = 100000.000 ]
t_check "no adjustment yet" [ "$(val r1 adj_ppb)" = 0.000 ]

# --- frequency drift is visible and exactly the model -----------------------
sleep 1
t_check "read in A" rd "$A" r2
d2=$(val r2 diff_ns)
dreal=$(expr3 "($(val r2 real) - $(val r1 real)) * 1e9")
drift=$(expr3 "$d2 - $d1")
want=$(expr3 "$dreal * 100000 / 1e9")
echo "real elapsed $dreal ns, drift $drift ns, model says $want ns"
# elapsed >= 1 s (sleep 1), plus however long two `ip netns exec` took
t_check "drift over >= 1 s is >= 100 us and < 1 ms (got $drift ns)" \
	within "$drift" 550000 450000
t_check "drift is elapsed * 100 ppm to 1 ns" within "$drift" "$want" 1

# --- B cancels the error, A sees it ----------------------------------------
t_check "adj -100000 ppb from B" nsx "$B" "$SC" adj "$CLK" -100000
t_check "read in A" rd "$A" r3
t_check "A sees adj_ppb -100000" [ "$(val r3 adj_ppb)" = -100000.000 ]
t_check "total rate is 0" [ "$(val r3 total_ppb)" = 0.000 ]
# no jump: the offset kept growing at 100 ppm until the adj, somewhere
# between the two reads, and then stopped: d2 <= d3 <= d2 + gap * 1e-4
d3=$(val r3 diff_ns)
gap=$(expr3 "($(val r3 real) - $(val r2 real)) * 1e9")
t_check "adjfreq did not jump the clock ($d3 after $d2, gap $gap ns)" \
	within "$d3" "$(expr3 "$d2 + $gap * 0.5e-4")" \
	"$(expr3 "$gap * 0.5e-4 + 1")"
sleep 0.5
t_check "read in B" rd "$B" r4
t_check "with the error cancelled the offset holds to 1 ns" \
	within "$(val r4 diff_ns)" "$(val r3 diff_ns)" 1

# --- steps in both directions ------------------------------------------------
t_check "step +0.5 s from B" nsx "$B" "$SC" step "$CLK" 500000000
t_check "read in A" rd "$A" r5
t_check "A sees the +0.5 s step exactly" \
	within "$(val r5 diff_ns)" "$(expr3 "$(val r4 diff_ns) + 500000000")" 1
t_check "step -1.5 s from A" nsx "$A" "$SC" step "$CLK" -1500000000
t_check "read in B" rd "$B" r6
t_check "B sees the -1.5 s step exactly" \
	within "$(val r6 diff_ns)" "$(expr3 "$(val r5 diff_ns) - 1500000000")" 1
t_check "update count is 3" [ "$(val r6 gen)" = 3 ]

# --- a long-lived reader in A sees B's change live ----------------------------
t_bg "$A" "$SC" watch "$CLK" --interval-ms 100 --count 40 >"$TMP/watch"
WATCH=$T_LAST_PID
t_check "watch in A is running" \
	t_wait_for 5 bash -c "[ \$(wc -l <'$TMP/watch') -ge 3 ]"
t_check "adj +250000 ppb from B while A watches" \
	nsx "$B" "$SC" adj "$CLK" 250000
wait "$WATCH"
t_check "watch exited 0" [ $? -eq 0 ]
head -n 2 "$TMP/watch"; tail -n 1 "$TMP/watch"
# diff_ns is field 6, adj_ppb field 10, gen field 12
first_adj=$(awk 'NR == 1 { print $10 }' "$TMP/watch")
last_adj=$(awk 'END { print $10 }' "$TMP/watch")
last_gen=$(awk 'END { print $12 }' "$TMP/watch")
t_check "watch saw 40 samples" [ "$(wc -l <"$TMP/watch")" -eq 40 ]
t_check "watch saw adj -100000 before" [ "$first_adj" = -100000.000 ]
t_check "watch saw adj 250000 after, in the same mapping" \
	[ "$last_adj" = 250000.000 ]
t_check "watch saw gen 4" [ "$last_gen" = 4 ]
# after the change the clock runs at +100 ppm (oscillator) + 250 ppm
# (adj): between the last two samples, about 100 ms apart, the offset
# grows by 350e-6 of the real time between them
growth=$(awk '{ pd = d; d = $6; pr = r; r = $2 } END { print d - pd }' \
	"$TMP/watch")
gap=$(awk '{ pr = r; r = $2 } END { printf "%.3f", (r - pr) * 1e9 }' \
	"$TMP/watch")
t_check "offset grows at +350 ppm between samples ($growth ns in $gap ns)" \
	within "$growth" "$(expr3 "$gap * 350e-6")" 1
t_check "samples are about 100 ms apart" within "$gap" 150000000 100000000

# --- errors are clean ------------------------------------------------------
nsx "$B" "$SC" read "$TMP/missing" >/dev/null 2>&1
t_check "read of a missing path exits 1" [ $? -eq 1 ]
head -c 128 /dev/urandom >"$TMP/garbage"
nsx "$B" "$SC" read "$TMP/garbage" >/dev/null 2>&1
t_check "read of a garbage file exits 1" [ $? -eq 1 ]
nsx "$A" "$SC" create "$CLK" >/dev/null 2>&1
t_check "create over an existing clock exits 1" [ $? -eq 1 ]
nsx "$B" "$SC" adj "$CLK" 600000 >/dev/null 2>&1
t_check "adj beyond max_adj (500 ppm) exits 1" [ $? -eq 1 ]
nsx "$B" "$SC" adj "$CLK" 12x >/dev/null 2>&1
t_check "a bad number exits 2" [ $? -eq 2 ]
t_check "read in A still works" rd "$A" r7
t_check "rejected updates changed nothing" [ "$(val r7 gen)" = 4 ]

# --- an existing clock: keep it (daemon restart) or re-initialise it ------
t_check "create --keep on an existing clock exits 0" \
	nsx "$B" "$SC" create "$CLK" --keep --freq-ppb 7
t_check "read in A" rd "$A" r8
t_check "--keep left the update count" [ "$(val r8 gen)" = 4 ]
t_check "--keep left the adjustment" [ "$(val r8 adj_ppb)" = 250000.000 ]
t_check "--keep left the oscillator" \
	[ "$(val r8 freq_error_ppb)" = 100000.000 ]
t_check "create --force from B" nsx "$B" "$SC" create "$CLK" --force \
	--freq-ppb -20 --offset-ns -2000000000
t_check "read in A" rd "$A" r9
t_check "--force: offset -2 s" within "$(val r9 diff_ns)" -2000000000 1000
t_check "--force: oscillator -20 ppb" [ "$(val r9 freq_error_ppb)" = -20.000 ]
t_check "--force: no adjustment" [ "$(val r9 adj_ppb)" = 0.000 ]
t_check "--force: one more update" [ "$(val r9 gen)" = 5 ]

t_done
