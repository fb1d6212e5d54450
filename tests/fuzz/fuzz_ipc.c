/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_ipc - libFuzzer target for the bus codec (ipc/ipc_msg.c).
 *
 * Every input is offered to ipc_hdr_unpack() and to ipc_msg_unpack() as
 * each message type. When a type accepts it, the decoded struct is
 * packed again with the header's seq and mono_ns, and the bytes must
 * equal the input, except the header's flags and reserved octets (4..7),
 * which a receiver ignores and a sender writes as zero: the encoding is
 * canonical, so anything else means pack and unpack disagree. A message
 * accepted as one type must be refused as every other. Any disagreement
 * abort()s.
 *
 * Built with -DFUZZ_IPC_GEN_CORPUS instead, this file is a program that
 * writes a seed corpus (one valid message of every type) into a
 * directory:
 *   clang -DFUZZ_IPC_GEN_CORPUS -Icommon -Iipc tests/fuzz/fuzz_ipc.c \
 *     ipc/ipc_msg.c common/ptp_time.c -lm -o /tmp/gen && \
 *     /tmp/gen tests/fuzz/corpus/fuzz_ipc
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc_msg.h"

union any_msg {
	struct ipc_erbest erbest;
	struct ipc_decision decision;
	struct ipc_sample sample;
	struct ipc_servo servo;
	struct ipc_port_status port_status;
	struct ipc_health health;
};

#ifndef FUZZ_IPC_GEN_CORPUS

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[IPC_MSG_MAX];
	static union any_msg m;
	struct ipc_hdr h;
	int t, n, accepted = 0;

	(void)ipc_hdr_unpack(data, size, &h);
	for (t = 0; t <= IPC_T_COUNT; t++) {
		if (ipc_msg_unpack(data, size, t, &m, &h) != IPC_OK) {
			continue;
		}
		accepted++;
		n = ipc_msg_pack(t, &m, h.seq, h.mono_ns, again,
				 sizeof(again));
		if (n < 0 || (size_t)n != size ||
		    memcmp(again, data, 4) != 0 ||
		    memcmp(again + 8, data + 8, size - 8) != 0) {
			fprintf(stderr, "fuzz_ipc: %s: re-pack %d of %zu "
				"octets differs\n", ipc_type_str(t), n, size);
			abort();
		}
	}
	if (accepted > 1) {
		fprintf(stderr, "fuzz_ipc: accepted as %d types\n", accepted);
		abort();
	}
	return 0;
}

#else

static void fill_cid(struct clock_identity *c, uint8_t seed)
{
	for (unsigned i = 0; i < 8; i++) {
		c->id[i] = (uint8_t)(seed + 31 * i);
	}
}

int main(int argc, char **argv)
{
	uint8_t buf[IPC_MSG_MAX];
	union any_msg m;
	char path[4096];
	int t, n;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (t = IPC_T_ERBEST; t < IPC_T_COUNT; t++) {
		memset(&m, 0, sizeof(m));
		switch (t) {
		case IPC_T_ERBEST:
			strcpy(m.erbest.iface, "eth1");
			m.erbest.state = PS_SLAVE;
			m.erbest.has_erbest = true;
			fill_cid(&m.erbest.erbest.identity, 1);
			m.erbest.n_path = 1;
			fill_cid(&m.erbest.path[0], 1);
			break;
		case IPC_T_DECISION:
			strcpy(m.decision.iface, "eth2");
			m.decision.epoch = 3;
			m.decision.rec = BMCA_REC_M3;
			m.decision.dflt.twoStepFlag = true;
			m.decision.n_path = 2;
			break;
		case IPC_T_SAMPLE:
			strcpy(m.sample.iface, "eth1");
			m.sample.offset = tmv_from_ns(-250);
			m.sample.rate_ratio = 1.0;
			break;
		case IPC_T_SERVO:
			m.servo.state = IPC_SERVO_LOCKED;
			strcpy(m.servo.slave_iface, "eth1");
			m.servo.clock_class = 248;
			m.servo.n_clocks = 2;
			strcpy(m.servo.clocks[0].iface, "eth1");
			strcpy(m.servo.clocks[0].clock, "sim:a.clk");
			strcpy(m.servo.clocks[1].iface, "eth2");
			break;
		case IPC_T_PORT_STATUS:
			strcpy(m.port_status.iface, "eth3");
			m.port_status.ds.portState = PS_MASTER;
			break;
		case IPC_T_HEALTH:
			strcpy(m.health.name, "bmcad");
			m.health.state = IPC_HEALTH_RUNNING;
			break;
		}
		n = ipc_msg_pack(t, &m, 1, 2, buf, sizeof(buf));
		if (n < 0) {
			fprintf(stderr, "pack %s: %s\n", ipc_type_str(t),
				ipc_err_str(n));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/%s.bin", argv[1],
			 ipc_type_str(t));
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, (size_t)n, f) != (size_t)n) {
			perror(path);
			return 1;
		}
		fclose(f);
	}
	return 0;
}

#endif
