#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# 20-tshark-judges-codec: Wireshark's PTP dissector (tshark, not our code)
# judges what our encoder writes.
#
# build/tests/tools/pcap_gen encodes every message type with our codec
# (Sync, Delay_Req, Pdelay_Req, Pdelay_Resp, Follow_Up, Delay_Resp,
# Pdelay_Resp_Follow_Up, Announce with PATH_TRACE and with PATH_TRACE +
# ALTERNATE_TIME_OFFSET_INDICATOR, Signaling with each unicast negotiation
# TLV, ORGANIZATION_EXTENSION and ALTERNATE_TIME_OFFSET_INDICATOR, a
# Management GET and RESPONSE for each data set and CLOCK_DESCRIPTION, two
# MANAGEMENT_ERROR_STATUS) over UDPv4, UDPv6 and 802.3, and a manifest of
# the value each tshark field must show. Checked here:
#   - every frame is dissected as PTPv2 (count == frames written);
#   - every manifest field exists in this tshark and shows the expected
#     value (one check per frame, each naming its mismatches);
#   - no expert Error or Warning (Malformed, bad IPv4/UDP checksum with
#     checksum validation on) and no dissector exception in -V output;
#   - two controls, so the checks above cannot pass vacuously: a frame
#     whose messageLength was corrupted is reported Malformed, and a
#     manifest value that was changed is reported as a mismatch.
#
# What Debian 12's Wireshark 4.0.17 makes of 1588-2019 (found here, and
# relied on by pcap_gen's manifest):
#   - The v2 header is dissected with the 2019 names: ptp.v2.majorsdoid
#     (upper nibble of octet 0; there is no transportSpecific field for v2
#     any more), ptp.v2.minorversionptp (shows our 1), ptp.v2.minorsdoid
#     (octet 5), ptp.v2.messagetypespecific (octets 16-19). minorVersionPTP
#     1 is accepted as PTPv2 without any expert note.
#   - majorSdoId values: 0 shows as "Unknown (0x0)", 1 as "gPTP Domain";
#     over 802.3, majorSdoId 1 switches the dissector to IEEE 802.1AS
#     rules (Sync, Pdelay_Req and Announce originTimestamp are not shown,
#     Signaling TLVs are read as 802.1AS message interval requests), so
#     pcap_gen uses 0, 3 and 2, never 1.
#   - TimeInterval fields (correction, offsetFromMaster, meanPathDelay,
#     peerMeanPathDelay) are FT_UINT64 "ns" = value >> 16 (so negative
#     values show as 2^64 - n) plus a double "subns" in [0, 1).
#   - PTPText fields (displayName, displayData, the CLOCK_DESCRIPTION texts)
#     and CLOCK_DESCRIPTION's protocolAddress appear twice under one name.
#   - ALTERNATE_TIME_OFFSET_INDICATOR is dissected field by field only in
#     Announce; in Signaling tshark shows tlvType, lengthField and the value
#     as bytes, which the manifest checks against the 16.3 layout.
#   - ORGANIZATION_EXTENSION in Signaling: organizationId and SubType are
#     shown (under ptp.v2.an.oe.*), the dataField of an unknown subtype is
#     not; that data is not checked by tshark.
#   - The version octet of PORT_DATA_SET is masked with 0x0f
#     (ptp.v2.mm.versionNumber): minorVersionNumber is not shown.
#   - Management GETs with an empty data field, error statuses with and
#     without displayData: dissected without complaint.
. "$(dirname "$0")/lib.sh"

t_need tshark
GEN=$TOOLS/pcap_gen
[ -x "$GEN" ] || t_fail "$GEN not built (make tools)"

t_tmpdir D
PCAP=$D/gen.pcap
MF=$D/gen.tsv
TSH_OPTS=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE)

t_check "pcap_gen encodes every message with our codec" \
	"$GEN" "$PCAP" "$MF"
N=$(awk -F'\t' '$2 == "-frames" { print $3 }' "$MF")
[ -n "$N" ] && [ "$N" -gt 0 ] || t_fail "manifest has no frame count"
echo "pcap_gen wrote $N frames, $(grep -vc '^#' "$MF") manifest lines"

tshark_n() { tshark -r "$@" 2>/dev/null | wc -l; }
# not_grep ARGS... FILE: FILE is readable and has no match.
not_grep() { [ -r "${!#}" ] && ! grep -q "$@"; }
t_check "tshark reads all $N frames" \
	test "$(tshark_n "$PCAP")" -eq "$N"
t_check "tshark dissects all $N frames as PTPv2" \
	test "$(tshark_n "$PCAP" -Y 'ptp.v2.versionptp == 2')" -eq "$N"

# Every field the manifest names must exist in this tshark.
tshark -G fields 2>/dev/null | awk -F'\t' '$1 == "F" { print $3 }' |
	sort -u >"$D/known"
awk -F'\t' '!/^#/ && $2 != "-frames" { print $2 }' "$MF" | sort -u \
	>"$D/fields"
comm -23 "$D/fields" "$D/known" >"$D/unknown"
t_check "all $(wc -l <"$D/fields") manifest fields exist in tshark" \
	test ! -s "$D/unknown"
sed 's/^/    unknown field: /' "$D/unknown"

# One tshark pass for all fields: a header line, then one row per frame.
args=(-e frame.number)
while read -r f; do
	grep -qx "$f" "$D/unknown" || args+=(-e "$f")
done <"$D/fields"
tshark -r "$PCAP" "${TSH_OPTS[@]}" -T fields -E header=y \
	-E separator=/t -E occurrence=a -E aggregator=, "${args[@]}" \
	>"$D/tshark.tsv" 2>"$D/tshark.err" ||
	{ cat "$D/tshark.err"; t_fail "tshark -T fields failed"; }

# compare TSHARK_TSV MANIFEST: per frame "FRAME<TAB>GOOD<TAB>BAD<TAB>WHAT",
# mismatches as "  FRAME FIELD: tshark X, expected Y" lines before.
compare() {
	awk -F'\t' '
	FNR == NR {
		if (FNR == 1) {
			for (i = 1; i <= NF; i++)
				col[$i] = i
			next
		}
		for (i = 1; i <= NF; i++)
			val[$1, i] = $i
		next
	}
	/^# frame / {
		split($0, w, " ")
		what[w[3]] = substr($0, length("# frame " w[3] " is ") + 1)
		next
	}
	/^#/ || $2 == "-frames" { next }
	{
		frames[$1] = 1
		got = ($2 in col) ? val[$1, col[$2]] : "(no such field)"
		if (got == $3) {
			good[$1]++
		} else {
			bad[$1]++
			printf "  frame %s %s: tshark \"%s\", " \
			       "expected \"%s\"\n", $1, $2, got, $3
		}
	}
	END {
		for (f in frames)
			printf "%s\t%d\t%d\t%s\n", f, good[f], bad[f], what[f]
	}' "$1" "$2"
}

compare "$D/tshark.tsv" "$MF" >"$D/result"
grep '^  ' "$D/result"
fields_ok=0
while IFS=$'\t' read -r frame good bad what; do
	t_check "frame $frame, $what: $good fields as expected" \
		test "$bad" -eq 0 -a "$good" -gt 0
	fields_ok=$((fields_ok + good))
done < <(grep -v '^  ' "$D/result" | sort -n)
t_check "a check for every frame" \
	test "$(grep -vc '^  ' "$D/result")" -eq "$N"
echo "$fields_ok field values as expected"

# Expert info: nothing Malformed, no bad checksum, no warning at all.
tshark -r "$PCAP" "${TSH_OPTS[@]}" -q -z expert >"$D/expert" 2>/dev/null
cat "$D/expert"
t_check "tshark expert info: no Errors, no Warnings" \
	not_grep -E '^(Errors|Warnings) \(' "$D/expert"
BAD_V='malformed|dissector bug|exception|Expert Info \((Error|Warn)'
tshark -r "$PCAP" "${TSH_OPTS[@]}" -V >"$D/verbose" 2>&1
t_check "tshark -V: no Malformed, no dissector exception" \
	not_grep -iE "$BAD_V" "$D/verbose"

# Controls. 1: messageLength of frame 1 (UDPv4: 16 + 14 + 20 + 8 octets
# into the record, +2 into the PTP header) set past the packet's end.
perl -e 'local $/; open(F, "<", $ARGV[0]) or die; binmode F; $d = <F>;
	substr($d, 24 + 16 + 14 + 20 + 8 + 2, 2) = pack("n", 400);
	open(O, ">", $ARGV[1]) or die; binmode O; print O $d' \
	"$PCAP" "$D/bad.pcap"
t_check "control: tshark reports a corrupted messageLength as Malformed" \
	grep -q 'Malformed' <(tshark -r "$D/bad.pcap" -q -z expert 2>/dev/null)
# 2: one expected value changed.
awk -F'\t' -v OFS='\t' '!done && $1 == 1 && $2 == "ptp.v2.sequenceid" {
	$3 = $3 + 1; done = 1 } { print }' "$MF" >"$D/bad.tsv"
t_check "control: a changed expected value is reported as a mismatch" \
	test "$(compare "$D/tshark.tsv" "$D/bad.tsv" | grep -c '^  frame 1 ')" \
	-eq 1

t_done
