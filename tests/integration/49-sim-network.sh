#!/bin/bash
# 49-sim-network: the simulator's network scenarios (tests/sim/scenarios,
# issue 8) on the real cores, within generous bounds so that a broken
# boundary clock (bmca_clock, clkctl as clockd runs it, the followers)
# fails `make check`. No root needed: virtual time only.
#  - determinism: chain-3 twice with one seed gives byte-identical stdout
#    and traces; another seed differs;
#  - chain-3 (16 Hz, hw stamps): every node converges to 1 us within 60 s
#    and its TE RMS after convergence is under 300 ns;
#  - bc-failover: gm1 dies at 300 s, the BC's slave port moves to the
#    other port within 15 s, and no node's |TE| exceeds 1 us from 290 s
#    to 400 s;
#  - a scenario error is reported as FILE:LINE: and exits 2.
. "$(dirname "$0")/lib.sh"

SIM=$TOP/$BUILD/tests/sim/meridian-sim
SCN=$TOP/tests/sim/scenarios
if [ ! -x "$SIM" ]; then
	make -C "$TOP" sim >/dev/null || t_fail "cannot build $SIM"
fi
t_tmpdir TMP

le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
field() { grep "^node=$2 " "$1" | grep -o " $3=[^ ]*" | cut -d= -f2; }

"$SIM" "$SCN/chain-3.scn" --seed 5 --duration 300 --trace "$TMP/a.tr" \
	>"$TMP/a"
"$SIM" "$SCN/chain-3.scn" --seed 5 --duration 300 --trace "$TMP/b.tr" \
	>"$TMP/b"
"$SIM" "$SCN/chain-3.scn" --seed 6 --duration 300 --trace "$TMP/c.tr" \
	>"$TMP/c"
t_check "chain-3: same seed, same stdout" cmp -s "$TMP/a" "$TMP/b"
t_check "chain-3: same seed, same trace ($(wc -l <"$TMP/a.tr") lines)" \
	cmp -s "$TMP/a.tr" "$TMP/b.tr"
t_check "chain-3: another seed, another trace" \
	bash -c "! cmp -s '$TMP/a.tr' '$TMP/c.tr'"
t_check "chain-3: a summary line per node but the GM" \
	bash -c "[ \$(grep -c '^node=' '$TMP/a') -eq 4 ] &&
		 grep -q '^sim: 5 nodes' '$TMP/a'"

for n in bc1 bc2 bc3 s1; do
	conv=$(field "$TMP/a" $n converged_s)
	rms=$(field "$TMP/a" $n te_rms_ns)
	max=$(field "$TMP/a" $n te_max_ns)
	t_check "chain-3 $n: converged to 1 us within 60 s ($conv s)" \
		bash -c "$(declare -f le ge); ge '$conv' 0 && le '$conv' 60"
	t_check "chain-3 $n: TE RMS <= 300 ns ($rms ns, max $max ns)" \
		bash -c "$(declare -f le ge); ge '$rms' 0 && le '$rms' 300"
done

"$SIM" "$SCN/bc-failover.scn" --duration 400 --trace "$TMP/f.tr" >"$TMP/f"
sw=$(awk '$2 == "note" && $3 == "slave" && $4 == "bc1" && $8 >= 0 {
	  t = substr($1, 3) + 0; if (t > 300) { print t, $6, $8; exit } }' \
	"$TMP/f")
echo "  failover: slave port change after the kill at 300 s (t from to): $sw"
t_check "bc-failover: the slave port moves to port 1 within 15 s ($sw)" \
	bash -c "$(declare -f le); set -- $sw; [ \"\$3\" = 1 ] &&
		 le \"\$1\" 315"
worst=$(awk '!/^#/ && $1 >= 290 && $1 <= 400 && $2 !~ /^gm/ {
	     a = $3 < 0 ? -$3 : $3; if (a > m) { m = a; w = $1 " " $2 } }
	     END { print m + 0, w }' "$TMP/f.tr")
echo "  failover: worst |TE| from 290 to 400 s: $worst ns"
t_check "bc-failover: no node beyond 1 us around the switch ($worst)" \
	bash -c "$(declare -f le); le ${worst%% *} 1000"

printf 'run duration=10\nnode a gm\nlink a:0 b:0\n' >"$TMP/bad.scn"
"$SIM" "$TMP/bad.scn" >/dev/null 2>"$TMP/err"
rc=$?
t_check "a bad scenario: exit 2 and FILE:LINE: message ($(cat "$TMP/err"))" \
	bash -c "[ $rc -eq 2 ] && grep -q 'bad.scn:3: unknown node b' \
		 '$TMP/err'"

t_done
