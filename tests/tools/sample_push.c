// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sample_push - a stand-in for a slave portd feeding clockd, with no
 * network: PUSHes a `sample` for IFACE to DIR/clock.sock every sync
 * interval, computed from the port's sim clock as if the grandmaster
 * were CLOCK_REALTIME: offset = sim time - CLOCK_REALTIME (one reading,
 * exact) plus optional white noise, t2 = the sim time, t1 = the real
 * time, delay 0. clockd closes the loop through the sim clock file.
 *
 *   sample_push --rundir DIR -i IFACE --clock PATH [--log-sync N]
 *               [--noise-ns NS] [--seconds S] [--seed N] [--master ID]
 *
 * --log-sync N: sync interval 2^N s (default -3). --master ID: the
 * master's clockIdentity (default 001122.fffe.000001). Prints "sent N
 * dropped N" at the end (SIGINT/SIGTERM end it too). Exit status 0, 1 on
 * error, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "clock.h"
#include "daemon.h"
#include "ipc.h"

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sample_push --rundir DIR -i IFACE --clock PATH "
		"[--log-sync N]\n"
		"                   [--noise-ns NS] [--seconds S] [--seed N] "
		"[--master ID]\n");
}

static uint64_t rng;

static double gauss(void)
{
	uint64_t z;
	double u[2];
	int i;

	for (i = 0; i < 2; i++) {
		z = (rng += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		u[i] = ((double)(z >> 11) + 1.0) / 9007199254740993.0;
	}
	return sqrt(-2.0 * log(u[0])) * cos(2.0 * M_PI * u[1]);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'i' },
		{ "clock", required_argument, NULL, 'c' },
		{ "log-sync", required_argument, NULL, 'L' },
		{ "noise-ns", required_argument, NULL, 'N' },
		{ "seconds", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "master", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rundir = NULL, *iface = NULL, *path = NULL;
	struct ipc_sock_opts so = { .sndhwm = IPC_HWM_SAMPLES };
	double noise = 0.0, seconds = 1e9;
	int log_sync = -3, c, n, rc;
	struct clock_identity gm;
	char ep[IPC_ENDPOINT_MAX];
	uint8_t buf[IPC_MSG_MAX];
	unsigned long sent = 0, dropped = 0;
	struct ipc_sample m;
	struct clk_sysoff so_;
	int64_t t0, next, ivl;
	struct clk *clk;
	void *ctx, *s;

	clock_identity_parse(&gm, "001122.fffe.000001");
	rng = (uint64_t)time(NULL);
	while ((c = getopt_long(argc, argv, "r:i:c:", lo, NULL)) != -1) {
		switch (c) {
		case 'r': rundir = optarg; break;
		case 'i': iface = optarg; break;
		case 'c': path = optarg; break;
		case 'L': log_sync = atoi(optarg); break;
		case 'N': noise = atof(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 's': rng = strtoull(optarg, NULL, 0); break;
		case 'm':
			if (clock_identity_parse(&gm, optarg) < 0) {
				usage(stderr);
				return 2;
			}
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!rundir || !iface || !path || log_sync < -7 || log_sync > 4) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	clk = clk_sim_create(path, NULL);
	if (!clk) {
		fprintf(stderr, "sample_push: %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (ipc_endpoint(rundir, IPC_SVC_CLOCK, ep, sizeof(ep)) < 0) {
		fprintf(stderr, "sample_push: bad run directory\n");
		return 1;
	}
	ctx = zmq_ctx_new();
	s = ipc_socket(ctx, ZMQ_PUSH, ep, false, &so);
	if (!s) {
		fprintf(stderr, "sample_push: %s: %s\n", ep,
			zmq_strerror(errno));
		return 1;
	}
	ivl = (int64_t)(ldexp(1.0, log_sync) * 1e9);
	t0 = daemon_mono_ns();
	next = t0;
	while (!stop && daemon_mono_ns() - t0 < (int64_t)(seconds * 1e9)) {
		int64_t now = daemon_mono_ns();

		if (now < next) {
			struct timespec ts = { 0, next - now };

			nanosleep(&ts, NULL);
			continue;
		}
		next += ivl;
		if (clk_sysoff(clk, &so_) < 0) {
			continue;
		}
		memset(&m, 0, sizeof(m));
		snprintf(m.iface, sizeof(m.iface), "%s", iface);
		m.master.clockIdentity = gm;
		m.master.portNumber = 1;
		m.offset = tmv_sub(so_.clk_time, so_.realtime);
		if (noise > 0.0) {
			m.offset = tmv_add(m.offset,
					   tmv_from_ns(llround(noise *
							       gauss())));
		}
		m.t1 = so_.realtime;
		m.t2 = so_.clk_time;
		m.rate_ratio = 1.0;
		m.log_sync_interval = (int8_t)log_sync;
		n = ipc_msg_pack(IPC_T_SAMPLE, &m, (uint32_t)sent,
				 daemon_mono_ns(), buf, sizeof(buf));
		if (n < 0) {
			fprintf(stderr, "sample_push: pack: %s\n",
				ipc_err_str(n));
			return 1;
		}
		rc = ipc_send(s, NULL, "sample/", buf, (size_t)n);
		if (rc == 0) {
			sent++;
		} else {
			dropped++;
		}
	}
	printf("sent %lu dropped %lu\n", sent, dropped);
	ipc_close(s);
	zmq_ctx_term(ctx);
	clk_destroy(clk);
	return 0;
}
