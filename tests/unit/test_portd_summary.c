/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of portd/summary.c: what the summary line says about the
 * servo and the last offset (issue 6, item 4: never LOCKED with a stale
 * offset while the port does not measure its master). portd/ is not part
 * of libmeridian, so the pure source is compiled in here.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "../../portd/summary.c"

TestSuite(portd_summary, .timeout = 2);

#define MS	1000000LL

struct sum_case {
	enum port_state state;
	enum servo_state servo;
	bool fault;
	bool have;
	int64_t age_ms;
	int8_t log_sync;
	char want_servo[16];	/* inline: params are copied */
	bool want_fresh;
};

static const char *st_name(enum port_state s)
{
	static const char *n[] = {
		[PS_INITIALIZING] = "INITIALIZING", [PS_FAULTY] = "FAULTY",
		[PS_DISABLED] = "DISABLED", [PS_LISTENING] = "LISTENING",
		[PS_PRE_MASTER] = "PRE_MASTER", [PS_MASTER] = "MASTER",
		[PS_PASSIVE] = "PASSIVE", [PS_UNCALIBRATED] = "UNCALIBRATED",
		[PS_SLAVE] = "SLAVE",
	};

	return s <= PS_SLAVE && n[s] ? n[s] : "?";
}

ParameterizedTestParameters(portd_summary, decide)
{
	static struct sum_case c[] = {
		/* measuring its master: the servo's own word, offset shown */
		{ PS_SLAVE, SERVO_LOCKED, false, true, 100, -3,
		  "LOCKED", true },
		{ PS_SLAVE, SERVO_LOCKED_STABLE, false, true, 100, -3,
		  "LOCKED_STABLE", true },
		{ PS_UNCALIBRATED, SERVO_UNLOCKED, false, true, 100, -3,
		  "UNLOCKED", true },
		{ PS_UNCALIBRATED, SERVO_JUMP, false, true, 100, -3,
		  "JUMP", true },
		/* no measurement yet */
		{ PS_LISTENING, SERVO_UNLOCKED, false, false, 0, -3,
		  "UNLOCKED", false },
		{ PS_SLAVE, SERVO_UNLOCKED, false, false, 0, -3,
		  "UNLOCKED", false },
		/* locked, then the port stopped measuring: HOLDOVER, stale */
		{ PS_LISTENING, SERVO_LOCKED, false, true, 100, -3,
		  "HOLDOVER", false },
		{ PS_FAULTY, SERVO_LOCKED_STABLE, false, true, 100, -3,
		  "HOLDOVER", false },
		{ PS_MASTER, SERVO_LOCKED, false, true, 100, -3,
		  "HOLDOVER", false },
		{ PS_DISABLED, SERVO_LOCKED, false, true, 100, -3,
		  "HOLDOVER", false },
		{ PS_PASSIVE, SERVO_LOCKED, false, true, 100, -3,
		  "HOLDOVER", false },
		{ PS_PRE_MASTER, SERVO_LOCKED, false, true, 100, -3,
		  "HOLDOVER", false },
		/* SLAVE, but no offset for longer than 4 syncs (>= 1 s) */
		{ PS_SLAVE, SERVO_LOCKED, false, true, 1001, -3,
		  "HOLDOVER", false },
		{ PS_SLAVE, SERVO_LOCKED, false, true, 1000, -3,
		  "LOCKED", true },
		{ PS_SLAVE, SERVO_LOCKED, false, true, 3900, 0,
		  "LOCKED", true },
		{ PS_SLAVE, SERVO_LOCKED, false, true, 4100, 0,
		  "HOLDOVER", false },
		{ PS_SLAVE, SERVO_LOCKED, false, true, -5, -3,
		  "HOLDOVER", false },
		/* not locked and not measuring: UNLOCKED, stale */
		{ PS_LISTENING, SERVO_UNLOCKED, false, true, 100, -3,
		  "UNLOCKED", false },
		{ PS_FAULTY, SERVO_JUMP, false, true, 100, -3,
		  "UNLOCKED", false },
		/* a clock fault wins over everything */
		{ PS_FAULTY, SERVO_UNLOCKED, true, true, 100, -3,
		  "FAULT", false },
		{ PS_SLAVE, SERVO_LOCKED, true, true, 100, -3,
		  "FAULT", true },
		{ PS_LISTENING, SERVO_LOCKED, true, false, 0, -3,
		  "FAULT", false },
	};

	return cr_make_param_array(struct sum_case, c,
				   sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct sum_case *c, portd_summary, decide)
{
	struct summary_in in = {
		.state = c->state,
		.servo = c->servo,
		.clock_fault = c->fault,
		.have_sample = c->have,
		.sample_age_ns = c->age_ms * MS,
		.sync_interval_ns = c->log_sync >= 0 ?
				    (1000 * MS) << c->log_sync :
				    (1000 * MS) >> -c->log_sync,
	};
	struct summary_out out;

	summary_decide(&in, &out);
	cr_assert_str_eq(out.servo, c->want_servo,
			 "%s servo %d fault %d age %lld ms: %s, want %s",
			 st_name(c->state), c->servo, c->fault,
			 (long long)c->age_ms, out.servo, c->want_servo);
	cr_assert_eq(out.fresh, c->want_fresh,
		     "%s servo %d age %lld ms: fresh %d, want %d",
		     st_name(c->state), c->servo, (long long)c->age_ms,
		     out.fresh, c->want_fresh);
}

/* Whatever the inputs: LOCKED(_STABLE) only with a fresh offset from a
 * port that measures its master, and never with a clock fault. */
Test(portd_summary, locked_only_when_measuring)
{
	enum servo_state sv;
	int st, f, h, age;
	struct summary_out out;

	for (st = PS_INITIALIZING; st <= PS_SLAVE; st++)
	for (sv = SERVO_UNLOCKED; sv <= SERVO_LOCKED_STABLE; sv++)
	for (f = 0; f < 2; f++)
	for (h = 0; h < 2; h++)
	for (age = -1; age < 6000; age += 500) {
		struct summary_in in = {
			.state = (enum port_state)st, .servo = sv,
			.clock_fault = f, .have_sample = h,
			.sample_age_ns = age * MS,
			.sync_interval_ns = 125 * MS,
		};

		summary_decide(&in, &out);
		if (!strncmp(out.servo, "LOCKED", 6)) {
			cr_assert(out.fresh);
			cr_assert(!f);
			cr_assert(st == PS_SLAVE || st == PS_UNCALIBRATED);
		}
		if (out.fresh) {
			cr_assert(h && age <= 1000);
		}
	}
}
