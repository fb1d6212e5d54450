// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of common/auth.c (the AUTHENTICATION TLV, IEEE 1588-2019
 * 16.14, Annex P), common/auth_mac.c (the ICVs, against RFC 4231 and RFC
 * 4493 / SP 800-38B vectors) and the port core's RX/TX hooks.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "auth_mac.h"
#include "log.h"
#include "port_test.h"
#include "tlv.h"

static void auth_init(void)
{
	log_set_level(LOG_EMERG);
}

TestSuite(auth, .init = auth_init, .timeout = 20);

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (s[0] && s[1] && sscanf(s, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void key_set(struct auth_key *k, uint32_t id, int icv,
		    const uint8_t *key, size_t len)
{
	memset(k, 0, sizeof(*k));
	k->id = id;
	k->icv = (uint8_t)icv;
	k->len = (uint8_t)len;
	memcpy(k->key, key, len);
}

static void mac_expect(int icv, const uint8_t *key, size_t klen,
		       const void *data, size_t dlen, const char *want_hex)
{
	uint8_t want[AUTH_ICV_MAX], got[AUTH_ICV_MAX];
	struct auth_key k;
	size_t n = unhex(want_hex, want);

	key_set(&k, 1, icv, key, klen);
	cr_assert_eq(n, auth_icv_len(icv), "%s: vector length",
		     auth_icv_str(icv));
	memset(got, 0xEE, sizeof(got));
	cr_assert_eq(auth_mac_nettle(&k, data, dlen, got), 0);
	cr_assert_arr_eq(got, want, n, "%s: ICV differs from the vector",
			 auth_icv_str(icv));
	/* Nothing written past the ICV. */
	if (n < AUTH_ICV_MAX) {
		cr_assert_eq(got[n], 0xEE);
	}
}

/* ---- the MACs against published vectors ---- */

/* RFC 4231 4.2, 4.3, 4.5: HMAC-SHA-256, whole and truncated to 128 bits
 * (SHA256-128 is the leftmost 16 octets, RFC 4868 2.3). */
Test(auth, hmac_sha256_rfc4231)
{
	uint8_t k1[20], k3[20];
	uint8_t d3[50];
	const char *d1 = "Hi There", *d2 = "what do ya want for nothing?";

	memset(k1, 0x0b, sizeof(k1));
	memset(k3, 0xaa, sizeof(k3));
	memset(d3, 0xdd, sizeof(d3));
	mac_expect(AUTH_HMAC_SHA256, k1, 20, d1, strlen(d1),
		   "b0344c61d8db38535ca8afceaf0bf12b"
		   "881dc200c9833da726e9376c2e32cff7");
	mac_expect(AUTH_HMAC_SHA256_128, k1, 20, d1, strlen(d1),
		   "b0344c61d8db38535ca8afceaf0bf12b");
	mac_expect(AUTH_HMAC_SHA256, (const uint8_t *)"Jefe", 4, d2,
		   strlen(d2),
		   "5bdcc146bf60754e6a042426089575c7"
		   "5a003f089d2739839dec58b964ec3843");
	mac_expect(AUTH_HMAC_SHA256_128, (const uint8_t *)"Jefe", 4, d2,
		   strlen(d2), "5bdcc146bf60754e6a042426089575c7");
	mac_expect(AUTH_HMAC_SHA256, k3, 20, d3, sizeof(d3),
		   "773ea91e36800e46854db8ebd09181a7"
		   "2959098b3ef8c122d9635514ced565fe");
}

/* RFC 4231 4.6: the truncation test case (128 bits). */
Test(auth, hmac_sha256_128_rfc4231_truncation)
{
	uint8_t k[20];
	const char *d = "Test With Truncation";

	memset(k, 0x0c, sizeof(k));
	mac_expect(AUTH_HMAC_SHA256_128, k, 20, d, strlen(d),
		   "a3b6167473100ee06e0c796c2955552b");
}

/* RFC 4493 4 (AES-128) and SP 800-38B D.3 (AES-256): AES-CMAC. */
Test(auth, cmac_aes_vectors)
{
	uint8_t k128[16], k256[32], m[16];

	unhex("2b7e151628aed2a6abf7158809cf4f3c", k128);
	unhex("603deb1015ca71be2b73aef0857d7781"
	      "1f352c073b6108d72d9810a30914dff4", k256);
	unhex("6bc1bee22e409f96e93d7e117393172a", m);
	mac_expect(AUTH_CMAC_AES128, k128, 16, "", 0,
		   "bb1d6929e95937287fa37d129b756746");
	mac_expect(AUTH_CMAC_AES128, k128, 16, m, 16,
		   "070a16b46b4d4144f79bdd9dd04a287c");
	mac_expect(AUTH_CMAC_AES256, k256, 32, "", 0,
		   "028962f61b7bf89efc6b551f4667d983");
	mac_expect(AUTH_CMAC_AES256, k256, 32, m, 16,
		   "28a7023f452e8f82bd4bf28d8c37c35c");
}

Test(auth, cmac_wrong_key_size_fails)
{
	struct auth_key k;
	uint8_t icv[AUTH_ICV_MAX];

	key_set(&k, 1, AUTH_CMAC_AES128, (const uint8_t *)"short", 5);
	cr_assert_lt(auth_mac_nettle(&k, (const uint8_t *)"x", 1, icv), 0);
	k.icv = 200;
	cr_assert_lt(auth_mac_nettle(&k, (const uint8_t *)"x", 1, icv), 0);
}

/* ---- the TLV ---- */

/* spp 3, keys 7 (SHA256-128, the RFC 4231 4.6 key), 9 (SHA256). */
static void sa_setup(struct auth_sa *sa)
{
	uint8_t k[20];

	memset(sa, 0, sizeof(*sa));
	sa->spp = 3;
	sa->seqid_window = 3;
	memset(k, 0x0c, sizeof(k));
	key_set(&sa->keys[0], 7, AUTH_HMAC_SHA256_128, k, 20);
	key_set(&sa->keys[1], 9, AUTH_HMAC_SHA256, (const uint8_t *)"Jefe",
		4);
	sa->n_keys = 2;
}

/* A packed Sync of m1 (44 octets) with correctionField set. */
static int sync_packed(uint8_t *buf, uint16_t seq)
{
	struct ptp_msg m;

	pt_msg(&m, PTP_SYNC, &pt_m1, seq);
	m.hdr.correctionField = 0x123456;
	m.body.sync.originTimestamp.seconds = 1700000000;
	m.body.sync.originTimestamp.nanoseconds = 123456789;
	return ptp_msg_pack(&m, buf, PTP_MSG_MAX);
}

static int signed_sync(const struct auth_sa *sa, uint32_t key_id,
		       uint8_t *buf, uint16_t seq)
{
	int len = sync_packed(buf, seq);

	cr_assert_eq(len, 44);
	return auth_sign(sa, auth_sa_key(sa, key_id), auth_mac_nettle, buf,
			 (size_t)len, PTP_MSG_MAX);
}

static int verify(const struct auth_sa *sa, const uint8_t *buf, int len)
{
	static uint8_t scratch[PTP_MSG_MAX];
	struct ptp_msg m;
	int rc = ptp_msg_unpack(buf, (size_t)len, &m);

	cr_assert_eq(rc, 0, "unpack: %s", ptp_err_str(rc));
	return auth_verify(sa, auth_mac_nettle, buf, &m, scratch);
}

/* 16.14.3 / Table 131 with immediate processing: tlvType 0x8009,
 * lengthField 6 + ICV, spp, secParamIndicator 0, keyID, ICV, last; the
 * ICV over everything before it with messageLength counting it. */
Test(auth, tlv_layout_annex_p)
{
	uint8_t buf[PTP_MSG_MAX], icv[AUTH_ICV_MAX];
	struct auth_sa sa;
	struct ptp_msg m;
	struct tlv_iter it;
	struct tlv_raw t;
	struct tlv_auth a;
	int len;

	sa_setup(&sa);
	len = signed_sync(&sa, 7, buf, 10);
	cr_assert_eq(len, 44 + 4 + 6 + 16);
	cr_assert_eq(get_be16(buf + 2), len, "messageLength counts the TLV");
	cr_assert_eq(get_be16(buf + 44), 0x8009);
	cr_assert_eq(get_be16(buf + 46), 22);
	cr_assert_eq(buf[48], 3, "spp");
	cr_assert_eq(buf[49], 0, "secParamIndicator: immediate, no options");
	cr_assert_eq(get_be32(buf + 50), 7, "keyID");
	auth_mac_nettle(&sa.keys[0], buf, 54, icv);
	cr_assert_arr_eq(buf + 54, icv, 16);
	/* The codec reads it back as the last TLV. */
	cr_assert_eq(ptp_msg_unpack(buf, (size_t)len, &m), 0);
	tlv_iter_init(&it, &m);
	cr_assert_eq(tlv_iter_next(&it, &t), 1);
	cr_assert_eq(tlv_get_auth(&t, &a), 0);
	cr_assert_eq(a.keyID, 7);
	cr_assert_eq(a.rest_len, 16);
	cr_assert_eq(tlv_iter_next(&it, &t), 0);
	cr_assert_eq(verify(&sa, buf, len), 1);
	/* SHA256 (key 9): a 32-octet ICV. */
	len = signed_sync(&sa, 9, buf, 11);
	cr_assert_eq(len, 44 + 4 + 6 + 32);
	cr_assert_eq(verify(&sa, buf, len), 1);
}

Test(auth, sign_refuses_no_room)
{
	uint8_t buf[PTP_MSG_MAX];
	struct auth_sa sa;
	int len;

	sa_setup(&sa);
	len = sync_packed(buf, 1);
	cr_assert_eq(auth_sign(&sa, &sa.keys[0], auth_mac_nettle, buf,
			       (size_t)len, 60), -PTP_E_NOSPACE);
	cr_assert_eq(get_be16(buf + 2), 44, "untouched");
	/* messageLength not matching the length given: not a message. */
	cr_assert_eq(auth_sign(&sa, &sa.keys[0], auth_mac_nettle, buf, 40,
			       PTP_MSG_MAX), -PTP_E_INVAL);
}

Test(auth, tampered_octet_bad_icv)
{
	uint8_t buf[PTP_MSG_MAX];
	struct auth_sa sa;
	int len, i;

	sa_setup(&sa);
	/* Any octet covered, header to keyID, and the ICV itself. */
	for (i = 4; i < 70; i++) {
		if (i >= 44 && i < 54) {
			continue;	/* TLV fields: other reasons */
		}
		len = signed_sync(&sa, 7, buf, 10);
		buf[i] ^= 0x01;
		cr_assert_eq(verify(&sa, buf, len), -AUTH_E_ICV,
			     "octet %d flipped", i);
	}
}

Test(auth, wrong_key_id)
{
	uint8_t buf[PTP_MSG_MAX];
	struct auth_sa sa;
	int len;

	sa_setup(&sa);
	len = signed_sync(&sa, 7, buf, 10);
	put_be32(buf + 50, 8);
	cr_assert_eq(verify(&sa, buf, len), -AUTH_E_KEY);
}

/* The right key bytes under another key's id: the ICV does not match. */
Test(auth, other_key_same_id)
{
	uint8_t buf[PTP_MSG_MAX];
	struct auth_sa sa, other;
	int len;

	sa_setup(&sa);
	other = sa;
	other.keys[0].key[0] ^= 1;
	len = signed_sync(&other, 7, buf, 10);
	cr_assert_eq(verify(&sa, buf, len), -AUTH_E_ICV);
}

Test(auth, wrong_spp)
{
	uint8_t buf[PTP_MSG_MAX];
	struct auth_sa sa, other;
	int len;

	sa_setup(&sa);
	other = sa;
	other.spp = 4;
	len = signed_sync(&other, 7, buf, 10);
	cr_assert_eq(verify(&sa, buf, len), -AUTH_E_SPP);
}

Test(auth, sec_param_indicator_refused)
{
	uint8_t buf[PTP_MSG_MAX];
	struct auth_sa sa;
	int len;

	sa_setup(&sa);
	len = signed_sync(&sa, 7, buf, 10);
	buf[49] = AUTH_SPI_DELAYED;
	cr_assert_eq(verify(&sa, buf, len), -AUTH_E_PARAM);
}

/* The ICV cut by 2 octets (TLV and messageLength consistent): refused
 * for its length, never compared as a shorter ICV. */
Test(auth, truncated_icv)
{
	uint8_t buf[PTP_MSG_MAX];
	struct auth_sa sa;
	int len;

	sa_setup(&sa);
	len = signed_sync(&sa, 7, buf, 10);
	len -= 2;
	put_be16(buf + 2, (uint16_t)len);
	put_be16(buf + 46, 20);
	cr_assert_eq(verify(&sa, buf, len), -AUTH_E_LENGTH);
	/* Only the fixed part left. */
	len = signed_sync(&sa, 7, buf, 10);
	len -= 16;
	put_be16(buf + 2, (uint16_t)len);
	put_be16(buf + 46, 6);
	cr_assert_eq(verify(&sa, buf, len), -AUTH_E_LENGTH);
	/* Not even the fixed part. */
	len = signed_sync(&sa, 7, buf, 10);
	len = 44 + 4 + 2;
	put_be16(buf + 2, (uint16_t)len);
	put_be16(buf + 46, 2);
	cr_assert_eq(verify(&sa, buf, len), -AUTH_E_LENGTH);
}

Test(auth, tlv_after_auth_refused)
{
	uint8_t buf[PTP_MSG_MAX];
	struct auth_sa sa;
	int len;

	sa_setup(&sa);
	len = signed_sync(&sa, 7, buf, 10);
	/* A PAD TLV appended after it. */
	put_be16(buf + len, TLV_PAD);
	put_be16(buf + len + 2, 2);
	buf[len + 4] = buf[len + 5] = 0;
	len += 6;
	put_be16(buf + 2, (uint16_t)len);
	cr_assert_eq(verify(&sa, buf, len), -AUTH_E_NOT_LAST);
}

Test(auth, unsigned_is_zero)
{
	uint8_t buf[PTP_MSG_MAX];
	struct auth_sa sa;
	int len;

	sa_setup(&sa);
	len = sync_packed(buf, 1);
	cr_assert_eq(verify(&sa, buf, len), 0);
}

/* allow_mutable: correctionField (a transparent clock's) not covered;
 * without it, a changed correctionField fails. */
Test(auth, allow_mutable_correction)
{
	uint8_t buf[PTP_MSG_MAX];
	struct auth_sa sa;
	int len;

	sa_setup(&sa);
	sa.allow_mutable = true;
	len = signed_sync(&sa, 7, buf, 10);
	cr_assert_eq(get_be64(buf + 8), 0x123456, "sent as it was");
	cr_assert_eq(verify(&sa, buf, len), 1);
	put_be64(buf + 8, 0x999999);
	cr_assert_eq(verify(&sa, buf, len), 1);
	buf[30] ^= 1;			/* sequenceId still covered */
	cr_assert_eq(verify(&sa, buf, len), -AUTH_E_ICV);
	sa.allow_mutable = false;
	len = signed_sync(&sa, 7, buf, 10);
	put_be64(buf + 8, 0x999999);
	cr_assert_eq(verify(&sa, buf, len), -AUTH_E_ICV);
}

/* ---- replay ---- */

Test(auth, replay_window)
{
	struct auth_replay r;
	struct port_identity other = pt_m2;

	auth_replay_reset(&r);
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_SYNC, 100, 3), 0);
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_SYNC, 100, 3),
		     -AUTH_E_REPLAY, "the same one again");
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_SYNC, 99, 3),
		     -AUTH_E_REPLAY, "an older one");
	/* Follow_Up has its own stream (same sequenceId as its Sync). */
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_FOLLOW_UP, 100, 3), 0);
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_SYNC, 103, 3), 0,
		     "two lost: within the window");
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_SYNC, 101, 3),
		     -AUTH_E_REPLAY);
	/* Wrap around 65535. */
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_ANNOUNCE, 65535, 3), 0);
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_ANNOUNCE, 0, 3), 0);
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_ANNOUNCE, 65535, 3),
		     -AUTH_E_REPLAY);
	/* A gap beyond the window: dropped, then re-learnt when the next
	 * follows it; a replay of the old stream stays dropped. */
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_SYNC, 120, 3),
		     -AUTH_E_REPLAY);
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_SYNC, 102, 3),
		     -AUTH_E_REPLAY);
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_SYNC, 121, 3), 0);
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_SYNC, 120, 3),
		     -AUTH_E_REPLAY);
	/* Window 0: no check. */
	cr_assert_eq(auth_replay_check(&r, &pt_m1, PTP_SYNC, 5, 0), 0);
	/* Another sender starts afresh. */
	cr_assert_eq(auth_replay_check(&r, &other, PTP_SYNC, 5, 3), 0);
	cr_assert_eq(auth_replay_check(&r, &other, PTP_SYNC, 5, 3),
		     -AUTH_E_REPLAY);
}

/* ---- the port core's hooks ---- */

static struct auth_sa port_sa;

static void pt_auth_setup(struct pt *t, int policy)
{
	pt_setup(t, DM_E2E);
	sa_setup(&port_sa);
	t->cfg.auth_policy = (uint8_t)policy;
	t->cfg.auth_sa = port_sa;
	t->cfg.auth_key_id = 7;
	t->cfg.auth_mac = auth_mac_nettle;
	pt_create(t);
	pt_simple(t, PEV_START);
}

/* Pack m, sign it with key_id of sa (0: leave unsigned), hand it in. */
static void pt_rx_auth(struct pt *t, const struct ptp_msg *m,
		       const struct auth_sa *sa, uint32_t key_id)
{
	uint8_t buf[PTP_MSG_MAX];
	struct pev ev = { .type = PEV_RX };
	int len = ptp_msg_pack(m, buf, sizeof(buf));

	cr_assert_gt(len, 0);
	if (key_id) {
		len = auth_sign(sa, auth_sa_key(sa, key_id), auth_mac_nettle,
				buf, (size_t)len, sizeof(buf));
		cr_assert_gt(len, 0);
	}
	ev.u.rx.buf = buf;
	ev.u.rx.len = (uint16_t)len;
	ev.u.rx.has_ts = PTP_MSG_IS_EVENT(m->hdr.messageType);
	pt_ev(t, &ev);
}

static uint64_t drops(const struct pt *t, int why)
{
	return port_core_counters(t->pc)->auth_drop[why];
}

Test(auth, port_rejects_policy_without_key)
{
	struct pt t;

	pt_setup(&t, DM_E2E);
	sa_setup(&port_sa);
	t.cfg.auth_policy = AUTH_POLICY_REQUIRED;
	t.cfg.auth_sa = port_sa;
	t.cfg.auth_key_id = 8;
	t.cfg.auth_mac = auth_mac_nettle;
	cr_assert_null(port_core_create(&t.cfg, &t.clk), "no key 8");
	t.cfg.auth_key_id = 7;
	t.cfg.auth_mac = NULL;
	cr_assert_null(port_core_create(&t.cfg, &t.clk), "no MAC");
}

/* Every message a master sends carries the TLV, last, and verifies. */
Test(auth, port_signs_what_it_sends)
{
	const struct pact *a;
	struct pt t;
	unsigned i, n = 0;

	pt_auth_setup(&t, AUTH_POLICY_REQUIRED);
	pt_decide(&t, BMCA_REC_M1);
	pt_timer(&t, PT_ANNOUNCE_TX);
	pt_timer(&t, PT_SYNC_TX);
	for (i = 0; i < t.out.n; i++) {
		a = &t.out.a[i];
		if (a->type != PACT_SEND) {
			continue;
		}
		n++;
		cr_assert_eq(get_be16(a->u.send.buf + 2), a->u.send.len);
		cr_assert_eq(get_be16(a->u.send.buf + a->u.send.len - 26),
			     TLV_AUTHENTICATION);
		cr_assert_eq(verify(&port_sa, a->u.send.buf, a->u.send.len),
			     1);
	}
	cr_assert_eq(n, 1, "the Sync of the last handle()");
	pt_timer(&t, PT_ANNOUNCE_TX);
	a = pt_find(&t.out, PACT_SEND, PTP_ANNOUNCE, -1);
	cr_assert_not_null(a);
	cr_assert_eq(a->u.send.len, 64 + 26);
	cr_assert_eq(verify(&port_sa, a->u.send.buf, a->u.send.len), 1);
	pt_destroy(&t);
}

/* Unsigned, badly signed and other-key Announces never reach the foreign
 * master table; a signed one does. Counted by reason. */
Test(auth, port_drops_unauthenticated)
{
	struct auth_sa wrong;
	struct ptp_msg m;
	struct pt t;

	pt_auth_setup(&t, AUTH_POLICY_REQUIRED);
	wrong = port_sa;
	wrong.keys[0].key[3] ^= 0x40;
	pt_announce(&m, &pt_m1, 1, 10);
	pt_rx_auth(&t, &m, NULL, 0);
	pt_announce(&m, &pt_m1, 2, 10);
	pt_rx_auth(&t, &m, &wrong, 7);
	pt_announce(&m, &pt_m1, 3, 10);
	pt_rx_auth(&t, &m, &wrong, 9);
	cr_assert_eq(drops(&t, AUTH_E_MISSING), 1);
	cr_assert_eq(drops(&t, AUTH_E_ICV), 1, "wrong key bytes");
	cr_assert_eq(drops(&t, AUTH_E_KEY), 0);
	cr_assert_eq(port_core_counters(t.pc)->rx[PTP_ANNOUNCE], 1,
		     "only the one with the right key 9 bytes got through");
	/* Two signed ones qualify m1: Erbest. */
	cr_assert_null(port_core_erbest(t.pc));
	pt_announce(&m, &pt_m1, 4, 10);
	pt_rx_auth(&t, &m, &port_sa, 7);
	cr_assert_not_null(port_core_erbest(t.pc));
	pt_destroy(&t);
}

Test(auth, port_optional_accepts_unsigned_not_bad)
{
	struct auth_sa wrong;
	struct ptp_msg m;
	struct pt t;

	pt_auth_setup(&t, AUTH_POLICY_OPTIONAL);
	wrong = port_sa;
	wrong.keys[0].key[0] ^= 1;
	pt_announce(&m, &pt_m1, 1, 10);
	pt_rx_auth(&t, &m, NULL, 0);
	pt_announce(&m, &pt_m1, 2, 10);
	pt_rx_auth(&t, &m, &wrong, 7);
	cr_assert_eq(port_core_counters(t.pc)->auth_unsigned, 1);
	cr_assert_eq(drops(&t, AUTH_E_ICV), 1);
	cr_assert_eq(port_core_counters(t.pc)->rx[PTP_ANNOUNCE], 1);
	pt_destroy(&t);
}

/* A Sync of the parent replayed (same sequenceId, valid ICV) is dropped;
 * a Sync of the same sequenceId from a non-parent is not checked. */
Test(auth, port_drops_replayed_sync)
{
	struct ptp_msg m;
	struct pt t;

	pt_auth_setup(&t, AUTH_POLICY_REQUIRED);
	pt_announce(&m, &pt_m1, 1, 10);
	pt_rx_auth(&t, &m, &port_sa, 7);
	pt_announce(&m, &pt_m1, 2, 10);
	pt_rx_auth(&t, &m, &port_sa, 7);
	cr_assert_not_null(port_core_erbest(t.pc));
	t.clk.parent.parentPortIdentity = pt_m1;
	pt_decide(&t, BMCA_REC_S1);
	pt_assert_state(&t, PS_UNCALIBRATED);
	pt_msg(&m, PTP_SYNC, &pt_m1, 50);
	pt_rx_auth(&t, &m, &port_sa, 7);
	cr_assert_eq(drops(&t, AUTH_E_REPLAY), 0);
	pt_rx_auth(&t, &m, &port_sa, 7);
	cr_assert_eq(drops(&t, AUTH_E_REPLAY), 1, "the same Sync again");
	pt_msg(&m, PTP_SYNC, &pt_m1, 49);
	pt_rx_auth(&t, &m, &port_sa, 7);
	cr_assert_eq(drops(&t, AUTH_E_REPLAY), 2, "an older Sync");
	pt_msg(&m, PTP_SYNC, &pt_m1, 51);
	pt_rx_auth(&t, &m, &port_sa, 7);
	cr_assert_eq(drops(&t, AUTH_E_REPLAY), 2, "the next one");
	/* The parent's Announce stream too. */
	pt_announce(&m, &pt_m1, 2, 10);
	pt_rx_auth(&t, &m, &port_sa, 7);
	pt_announce(&m, &pt_m1, 2, 10);
	pt_rx_auth(&t, &m, &port_sa, 7);
	cr_assert_eq(drops(&t, AUTH_E_REPLAY), 3);
	pt_destroy(&t);
}

/* A port without a policy neither signs nor checks. */
Test(auth, port_off_is_unchanged)
{
	struct ptp_msg m;
	struct pt t;
	const struct pact *a;

	pt_auth_setup(&t, AUTH_POLICY_OFF);
	pt_announce(&m, &pt_m1, 1, 10);
	pt_rx_auth(&t, &m, NULL, 0);
	cr_assert_eq(port_core_counters(t.pc)->rx[PTP_ANNOUNCE], 1);
	pt_decide(&t, BMCA_REC_M1);
	pt_timer(&t, PT_ANNOUNCE_TX);
	a = pt_find(&t.out, PACT_SEND, PTP_ANNOUNCE, -1);
	cr_assert_not_null(a);
	cr_assert_eq(a->u.send.len, 64);
	pt_destroy(&t);
}
