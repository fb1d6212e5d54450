#!/bin/bash
# 50-auth: the AUTHENTICATION TLV (IEEE 1588-2019 16.14, Annex P) between
# Meridian nodes, checked from outside.
#
# Topology: a Linux bridge joins three `portd --standalone` nodes, UDPv4
# E2E, software timestamps, sim clocks:
#   GM     priority1 10, auth_policy required, spp 1 key 1 (SHA256-128)
#   SL     priority1 128, slave_only, the same key file
#   ROGUE  priority1 1 (better than GM), spp 1 key 1 with OTHER key bytes
#
# Checked:
#   - every PTP message GM and SL put on the wire carries the
#     AUTHENTICATION TLV, last, and its ICV equals HMAC-SHA256-128 over
#     the message computed by python3's hmac module from the key file's
#     key (independent of Nettle and of our codec), on a dumpcap capture;
#   - tshark decodes the capture with zero malformed or error frames;
#   - SL follows GM (gm=GM, SLAVE, locked) although ROGUE announces a
#     better clock: ROGUE's messages are dropped at SL ("bad icv") and
#     their count grows; GM never becomes ROGUE's slave;
#   - tampered copies of GM's own Announce (one octet of the body
#     flipped; the TLV stripped; another spp; an unknown key id; the ICV
#     cut short), injected towards SL, are each dropped and counted by
#     reason in SL's log; a replay of a captured Sync of GM is dropped as
#     a replayed sequenceId;
#   - a key file with a fault refuses portd with FILE:LINE, nothing
#     started.
. "$(dirname "$0")/portd-lib.sh"
pl_need python3 tshark dumpcap

LANN=-2
LOCK_TIMEOUT=60
KEY_HEX=F8ADC6B8B8E9AA709106BA42481EC9E29607334DE2C3C737A11A12931DB27F8C
BAD_HEX=0BADC6B8B8E9AA709106BA42481EC9E29607334DE2C3C737A11A12931DB27F8C

pl_ns p50br; BR=$PL_NS
pl_ns p50gm; NG=$PL_NS
pl_ns p50sl; NS=$PL_NS
pl_ns p50ro; NR=$PL_NS
pl_bridge "$BR" br0
pl_bridge_port "$BR" br0 xg "$NG" g50 10.50.0.1
pl_bridge_port "$BR" br0 xs "$NS" s50 10.50.0.2
pl_bridge_port "$BR" br0 xr "$NR" r50 10.50.0.3
GM_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$NG" g50)")")
RO_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$NR" r50)")")
echo "GM $GM_CID (priority1 10), ROGUE $RO_CID (priority1 1, wrong key)"

cat >"$PL_DIR/sa.conf" <<EOF
# security associations (linuxptp sa_file format)
[security_association]
spp 1
seqid_window 3
1 SHA256-128 HEX:$KEY_HEX
EOF
sed "s/$KEY_HEX/$BAD_HEX/" "$PL_DIR/sa.conf" >"$PL_DIR/sa-rogue.conf"
chmod 0600 "$PL_DIR/sa.conf" "$PL_DIR/sa-rogue.conf"

# auth_conf CONF SAFILE POLICY: add the authentication keys to a
# pl_portd_conf file and check it again.
auth_conf() {
	sed -i -e "s|^clock = {|clock = {\n\tsa_file = \"$2\";|" \
		-e "s|^\t\tinterface = \(.*\);|\t\tinterface = \1;\n\t\tauth_policy = \"$3\";\n\t\tspp = 1;\n\t\tactive_key_id = 1;|" \
		"$1"
	"$MERIDIAN" --check-config "$1" >"$1.check" 2>&1 || {
		cat "$1.check"
		t_fail "meridian --check-config refuses $1"
	}
}

# ---- a key file with a fault: portd refuses to start ----------------
printf 'spp 1\n1 AES128 HEX:0011\n' >"$PL_DIR/sa-bad.conf"
pl_portd_conf "$PL_DIR/bad.conf" s50 rundir="$PL_DIR/run-bad"
auth_conf "$PL_DIR/bad.conf" "$PL_DIR/sa-bad.conf" required
ip netns exec "$NS" "$PORTD" --standalone -f "$PL_DIR/bad.conf" -i s50 \
	--rundir "$PL_DIR/run-bad" >"$PL_DIR/bad.out" 2>"$PL_DIR/bad.err"
rc=$?
cat "$PL_DIR/bad.err"
t_check "bad key file: portd exits non-zero (rc $rc)" [ "$rc" -ne 0 ]
t_check "bad key file: error names FILE:LINE" \
	grep -q "$PL_DIR/sa-bad.conf:2: AES128 key is 2 octets" "$PL_DIR/bad.err"
t_check "bad key file: no summary line (nothing started)" \
	[ ! -s "$PL_DIR/bad.out" ]
sed -i 's/spp = 1;/spp = 7;/' "$PL_DIR/bad.conf"
sed -i "s|sa-bad.conf|sa.conf|" "$PL_DIR/bad.conf"
ip netns exec "$NS" "$PORTD" --standalone -f "$PL_DIR/bad.conf" -i s50 \
	--rundir "$PL_DIR/run-bad" >/dev/null 2>"$PL_DIR/bad2.err"
t_check "spp not in the key file: refused with the config's FILE:LINE" \
	grep -q "$PL_DIR/bad.conf:[0-9]*: ports\[s50\].spp: spp 7 is not in" \
	"$PL_DIR/bad2.err"

# ---- three nodes --------------------------------------------------------
pl_portd_conf "$PL_DIR/gm.conf" g50 prio1=10 lann=$LANN \
	rundir="$PL_DIR/run-gm"
auth_conf "$PL_DIR/gm.conf" "$PL_DIR/sa.conf" required
pl_portd_conf "$PL_DIR/sl.conf" s50 slave_only=true servo=linreg \
	freq=20000 offset=300000 lann=$LANN simpath="$PL_DIR/sl.clk" \
	rundir="$PL_DIR/run-sl"
auth_conf "$PL_DIR/sl.conf" "$PL_DIR/sa.conf" required
pl_portd_conf "$PL_DIR/ro.conf" r50 prio1=1 lann=$LANN \
	rundir="$PL_DIR/run-ro"
auth_conf "$PL_DIR/ro.conf" "$PL_DIR/sa-rogue.conf" required

ip netns exec "$NS" dumpcap -q -i s50 -P -w "$PL_DIR/cap.pcap" \
	-f "udp port 319 or udp port 320" >"$PL_DIR/dumpcap.log" 2>&1 &
TD_PID=$!
T_PIDS+=("$TD_PID")
sleep 1
pl_portd "$NG" "$PL_DIR/gm.conf" g50 gm
pl_portd "$NR" "$PL_DIR/ro.conf" r50 ro
pl_portd "$NS" "$PL_DIR/sl.conf" s50 sl
grep -h 'authentication' "$PL_DIR/gm.err" "$PL_DIR/sl.err" | head -n 2

gm_is() { [ "$(pl_cid_norm "$(pl_sum "$PL_DIR/sl.out" gm)")" = "$GM_CID" ]; }
locked_gm() { gm_is && pl_converged "$PL_DIR/sl.out" 3 50000; }
t_check "SL follows GM, locked, despite ROGUE's better Announces" \
	t_wait_for "$LOCK_TIMEOUT" locked_gm
grep '^summary ' "$PL_DIR/sl.out" | tail -n 3
t_check "SL's gm= was never ROGUE" \
	bash -c "! grep '^summary ' '$PL_DIR/sl.out' | awk '{print \$8}' |
		tr -d ':.' | grep -qi '$RO_CID'"
t_check "GM stays MASTER (never ROGUE's slave)" \
	pl_state_is "$PL_DIR/gm.out" MASTER
t_check "ROGUE stays MASTER (drops everyone's messages)" \
	pl_state_is "$PL_DIR/ro.out" MASTER

# drops SECTION_FILE REASON: the messages a log says were dropped for
# REASON (sum over the rate-limited lines).
drops() {
	sed -n "s/.*: \([0-9]*\) received messages\{0,1\} dropped by authentication.*: $2\$/\1/p" \
		"$1" | awk '{ s += $1 } END { print s + 0 }'
}
# (the log is rate-limited per reason: a line after a suppressed
# stretch counts it, so look again after more than that stretch)
ro1=$(drops "$PL_DIR/sl.err" "bad icv")
sleep 12
ro2=$(drops "$PL_DIR/sl.err" "bad icv")
echo "SL: ROGUE's messages dropped (bad icv): $ro1, 12 s later $ro2"
t_check "SL drops ROGUE's messages as bad icv, and the count grows" \
	[ "$ro2" -gt "$ro1" -a "$ro1" -gt 0 ]

# ---- the capture, checked independently -------------------------------
sleep 1
kill "$TD_PID" 2>/dev/null; wait "$TD_PID" 2>/dev/null
cat >"$PL_DIR/icv.py" <<'EOF'
# icv.py PCAP KEYHEX CID...: every PTP message in PCAP from the clock
# identities CID: its last TLV is AUTHENTICATION (0x8009, spp 1,
# secParamIndicator 0, keyID 1, 16-octet ICV) and the ICV is
# HMAC-SHA256 (python's hmac) over the message up to the ICV, leftmost
# 16 octets. Prints per-sender and per-type counts; exit 1 on a mismatch.
# With --dump DIR, writes one GM Announce and one GM Sync there.
import hashlib, hmac, struct, sys, os
args = sys.argv[1:]
dump = None
if args[0] == "--dump":
    dump = args[1]; args = args[2:]
pcap, key = args[0], bytes.fromhex(args[1])
cids = set(c.lower() for c in args[2:])
data = open(pcap, "rb").read()
magic = struct.unpack("<I", data[:4])[0]
assert magic in (0xa1b2c3d4, 0xa1b23c4d), "not a pcap"
off, ok, bad, other, types = 24, 0, 0, 0, {}
names = {0: "Sync", 1: "Delay_Req", 8: "Follow_Up", 9: "Delay_Resp",
         11: "Announce", 13: "Management", 12: "Signaling"}
while off + 16 <= len(data):
    _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
    frame = data[off + 16:off + 16 + incl]
    off += 16 + incl
    if len(frame) < 14 + 20 + 8 or frame[12:14] != b"\x08\x00":
        continue
    ihl = (frame[14] & 0xF) * 4
    if frame[23] != 17:
        continue
    udp = frame[14 + ihl:]
    dport = struct.unpack(">H", udp[2:4])[0]
    if dport not in (319, 320):
        continue
    msg = udp[8:]
    mlen = struct.unpack(">H", msg[2:4])[0]
    msg = msg[:mlen]
    cid = msg[20:28].hex()
    if cid not in cids:
        other += 1
        continue
    t = msg[0] & 0xF
    tlv = msg[-26:]
    good = (len(msg) == mlen and tlv[0:2] == b"\x80\x09" and
            struct.unpack(">H", tlv[2:4])[0] == 22 and tlv[4] == 1 and
            tlv[5] == 0 and struct.unpack(">I", tlv[6:10])[0] == 1)
    icv = hmac.new(key, msg[:-16], hashlib.sha256).digest()[:16]
    if good and hmac.compare_digest(icv, msg[-16:]):
        ok += 1
        k = (cid, names.get(t, str(t)))
        types[k] = types.get(k, 0) + 1
        if dump and t in (0, 11):
            p = os.path.join(dump, "gm-%s.bin" % names[t])
            if not os.path.exists(p) and cid == args[2].lower():
                open(p, "wb").write(msg)
    else:
        bad += 1
        print("MISMATCH %s type %d seq %d" % (cid, t,
              struct.unpack(">H", msg[30:32])[0]))
for (cid, name), n in sorted(types.items()):
    print("verified %-16s %-10s %d" % (cid, name, n))
print("icv verified %d, mismatched %d, from others %d" % (ok, bad, other))
sys.exit(0 if ok > 0 and bad == 0 else 1)
EOF
SL_CID=$(pl_cid_norm "$(pl_cid_from_mac "$(pl_mac "$NS" s50)")")
python3 "$PL_DIR/icv.py" --dump "$PL_DIR" "$PL_DIR/cap.pcap" "$KEY_HEX" \
	"$GM_CID" "$SL_CID" | tee "$PL_DIR/icv.out"
t_check "GM's and SL's messages verify with python's hmac (no mismatch)" \
	grep -q 'mismatched 0,' "$PL_DIR/icv.out"
t_check "verified: GM Announce, Sync, Follow_Up, Delay_Resp; SL Delay_Req" \
	bash -c "for w in '$GM_CID Announce' '$GM_CID Sync' \
		'$GM_CID Follow_Up' '$GM_CID Delay_Resp' '$SL_CID Delay_Req'; do
		grep -q \"verified \$w\" '$PL_DIR/icv.out' || exit 1; done"
python3 "$PL_DIR/icv.py" "$PL_DIR/cap.pcap" "$KEY_HEX" "$RO_CID" \
	>"$PL_DIR/icv-ro.out"
t_check "ROGUE's messages do not verify with our key" \
	grep -q 'icv verified 0, mismatched [1-9]' "$PL_DIR/icv-ro.out"
nptp=$(tshark -r "$PL_DIR/cap.pcap" -Y ptp 2>/dev/null | wc -l)
nmal=$(tshark -r "$PL_DIR/cap.pcap" \
	-Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null |
	wc -l)
echo "tshark: $nptp PTP frames, $nmal malformed or error"
tshark -r "$PL_DIR/cap.pcap" -Y 'ptp.v2.messageid == 0xb' -V -c 1 \
	2>/dev/null | grep -iE 'tlvType|authentication|lengthField' | head -n 4
t_check "tshark decodes $nptp PTP frames, none malformed" \
	[ "$nptp" -gt 50 -a "$nmal" -eq 0 ]

# ---- tampered copies of GM's own messages, towards SL -----------------
cat >"$PL_DIR/inject.py" <<'EOF'
# inject.py DIR: send to 224.0.1.129 (from this namespace) variants of
# GM's captured Announce: body octet flipped, TLV stripped, spp 2,
# keyID 9, ICV cut to 14 octets; and GM's captured Sync as it was.
import socket, struct, sys, os
d = sys.argv[1]
ann = bytearray(open(os.path.join(d, "gm-Announce.bin"), "rb").read())
syn = bytes(open(os.path.join(d, "gm-Sync.bin"), "rb").read())
def setlen(m):
    m[2:4] = struct.pack(">H", len(m)); return m
flip = bytearray(ann); flip[47] ^= 0x01          # grandmasterPriority1
strip = setlen(bytearray(ann[:-26]))
spp = bytearray(ann); spp[-26 + 4] = 2
kid = bytearray(ann); kid[-26 + 6:-26 + 10] = struct.pack(">I", 9)
cut = bytearray(ann[:-2]); cut[-24 + 2:-24 + 4] = struct.pack(">H", 20)
cut = setlen(cut)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
for m, port in ((flip, 320), (strip, 320), (spp, 320), (kid, 320),
                (cut, 320), (syn, 319)):
    for _ in range(5):
        s.sendto(bytes(m), ("224.0.1.129", port))
print("sent 5 each: flipped, stripped, spp 2, keyID 9, icv cut, replay")
EOF
before_icv=$(drops "$PL_DIR/sl.err" "bad icv")
t_check "no replay drops of GM's genuine stream before the injection" \
	[ "$(drops "$PL_DIR/sl.err" "replayed sequenceId")" -eq 0 ]
ip -n "$NR" route add 224.0.0.0/4 dev r50 2>/dev/null
ip netns exec "$NR" python3 "$PL_DIR/inject.py" "$PL_DIR"
sleep 3
for r in "no authentication tlv" "wrong spp" "unknown key id" \
	"wrong icv length" "replayed sequenceId"; do
	n=$(drops "$PL_DIR/sl.err" "$r")
	echo "SL dropped ($r): $n"
	t_check "tampered ($r): 5 dropped and counted" [ "$n" -ge 5 ]
done
after_icv=$(drops "$PL_DIR/sl.err" "bad icv")
t_check "flipped octet: counted as bad icv ($before_icv -> $after_icv)" \
	[ "$after_icv" -ge $((before_icv + 5)) ]
t_check "SL still follows GM after the injection" locked_gm
grep 'dropped by authentication' "$PL_DIR/sl.err" | tail -n 6
t_check "SL's log has no error" bash -c "! grep -qi 'err\b\|assert' '$PL_DIR/sl.err'"
t_done
