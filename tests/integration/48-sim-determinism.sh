#!/bin/bash
# 48-sim-determinism: the simulator (tests/sim/meridian-sim, issue 8) is
# deterministic for a seed, a different seed draws different samples, and
# on the linuxptp-testsuite default model (delay 100 ns + exponential
# jitter of mean 100 ns, 1 ppb/sqrt(s) wander, 1 Hz sync, timestamp noise
# of 5 ns) the real port core, BMCA and clkctl synchronise the slave with
# the PI and the linreg servo, within generous bounds so that a broken
# servo fails. No root needed: no sockets, no clocks, virtual time only.
#
# Judged at the testsuite's 100 ppm initial frequency error and at 1 ppm.
# (The simulator's first run found that the port core waited for a sane
# path delay before its first sample: a slave 100 ppm off measures only
# negative delays at 1 Hz, so it never synchronised. It now uses delay 0
# until one is measured, as linuxptp does.)
. "$(dirname "$0")/lib.sh"

SIM=$TOP/$BUILD/tests/sim/meridian-sim
if [ ! -x "$SIM" ]; then
	make -C "$TOP" -f Makefile -f tests/sim/sim.mk sim >/dev/null ||
		t_fail "cannot build $SIM"
fi
t_tmpdir TMP

MODEL=(--delay-ns 100 --jitter-ns 100 --wander 1 --sync-log 0
       --ts-noise-ns 5)

# Determinism: the same seed twice, byte for byte.
"$SIM" --seed 7 --duration 300 "${MODEL[@]}" --freq-ppb 1000 >"$TMP/a"
"$SIM" --seed 7 --duration 300 "${MODEL[@]}" --freq-ppb 1000 >"$TMP/b"
"$SIM" --seed 8 --duration 300 "${MODEL[@]}" --freq-ppb 1000 >"$TMP/c"
t_check "same seed, same output ($(wc -l <"$TMP/a") lines)" \
	cmp -s "$TMP/a" "$TMP/b"
t_check "different seed, different samples" \
	bash -c "! cmp -s '$TMP/a' '$TMP/c'"
t_check "the output has a line per virtual second and a summary" \
	bash -c "[ \$(grep -c '^t=' '$TMP/a') -eq 300 ] &&
		 grep -q '^node=slave role=oc hops=1 converged_s=' '$TMP/a'"

# le X Y: X <= Y (floating point)
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

for run in "pi 1000" "linreg 1000" "pi 100000" "linreg 100000"; do
	set -- $run
	servo=$1
	out=$TMP/$servo-$2
	"$SIM" --seed 1 --duration 600 "${MODEL[@]}" --freq-ppb "$2" \
		--servo "$servo" --quiet >"$out"
	servo="$servo, $(($2 / 1000)) ppm"
	echo "  $servo: $(cat "$out")"
	conv=$(grep -o 'converged_s=[^ ]*' "$out" | cut -d= -f2)
	rms=$(grep -o 'te_rms_ns=[^ ]*' "$out" | cut -d= -f2)
	max=$(grep -o 'te_max_ns=[^ ]*' "$out" | cut -d= -f2)
	t_check "$servo: synchronised to 1 us within 60 s ($conv s)" \
		bash -c "$(declare -f le ge); ge '$conv' 0 && le '$conv' 60"
	# (max |TE| after convergence is < 1 us by the definition of
	# converged_s, so the RMS bound is the one that judges the servo:
	# ptp4l measures 100-115 ns on this model.)
	t_check "$servo: TE RMS after convergence <= 300 ns ($rms ns, max $max ns)" \
		bash -c "$(declare -f le ge); ge '$rms' 0 && le '$rms' 300"
done

t_done
