/*
 * Host tests for the management shell's commands (guests/mgmt/shell.c): each
 * command runs against a fake hypervisor and prints through the guest's own
 * formatter (guests/lib/fmt.c), so the result and error lines checked here
 * are the ones the guest prints. Parsing has its own test_mgmt_parse.c.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../../guests/lib/fmt.c"
#include "../../guests/mgmt/parse.c"
#include "../../guests/mgmt/shell.c"

/* ---- captured output ------------------------------------------------------ */

static char out[16384];
static size_t out_len;

void serial_putc(char c)
{
	if (out_len + 1 < sizeof out)
		out[out_len++] = c;
	out[out_len] = '\0';
}

static void out_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}

static void out_clear(void)
{
	out_len = 0;
	out[0] = '\0';
}

static bool out_has(const char *s)
{
	bool found = strstr(out, s) != NULL;
	if (!found)
		fprintf(stderr, "  output lacks '%s'; output was:\n%s\n", s, out);
	return found;
}

/* ---- the fake hypervisor ---------------------------------------------------- */

#define FAKE_MAX 16
static struct hinoki_dominfo fake[FAKE_MAX];
static size_t nfake;
static long fake_error;                 /* non-zero: every control call returns it */
static long op_error;                   /* non-zero: destroy, pause, unpause and sched return it */
static struct hinoki_create last_create;
static uint32_t last_id, last_weight, last_vcpu;
static uint64_t last_mask;
static int calls_destroy, calls_pause, calls_unpause, calls_sched, calls_shutdown, calls_trigger, sleeps;
static const char *console_text;
static uint64_t console_lost_before;    /* stream bytes already gone from the ring */

static void fake_add(uint32_t id, const char *name, uint32_t state)
{
	if (nfake == FAKE_MAX) {
		CHECK(!"fake domain table full");
		return;
	}
	struct hinoki_dominfo *d = &fake[nfake++];
	memset(d, 0, sizeof *d);
	d->id = state == HINOKI_DOM_CONFIGURED ? 0xffffffffu : id;
	d->state = state;
	strncpy(d->name, name, sizeof d->name);
	d->vcpus = 1;
	d->weight = 256;
	d->mem_bytes = 32ULL << 20;
	d->cpus_mask = UINT64_MAX;
	d->cpu_tsc = 5000000;   /* 5000 ms at 1000 kHz */
	d->exits = 1234;
}

static void fake_reset(void)
{
	nfake = 0;
	fake_error = op_error = 0;
	memset(&last_create, 0, sizeof last_create);
	last_id = last_weight = last_vcpu = 0;
	last_mask = 0;
	calls_destroy = calls_pause = calls_unpause = calls_sched = calls_shutdown = calls_trigger = sleeps = 0;
	console_text = "";
	console_lost_before = 0;
	fake_add(0, "mgmt", HINOKI_DOM_RUNNING);
	fake_add(1, "memcheck", HINOKI_DOM_RUNNING);
	fake_add(2, "hog", HINOKI_DOM_PAUSED);
	fake_add(0, "spare", HINOKI_DOM_CONFIGURED);
	out_clear();
}

static struct hinoki_dominfo *fake_find(uint32_t id)
{
	for (size_t i = 0; i < nfake; i++)
		if (fake[i].state != HINOKI_DOM_CONFIGURED && fake[i].id == id)
			return &fake[i];
	return NULL;
}

static long f_list(struct hinoki_dominfo *buf, uint32_t cap)
{
	if (fake_error)
		return fake_error;
	for (size_t i = 0; i < nfake && i < cap; i++)
		buf[i] = fake[i];
	return (long)nfake;
}

static long f_create(const struct hinoki_create *req)
{
	if (fake_error)
		return fake_error;
	last_create = *req;
	return 7;
}

static long f_op(uint32_t id, int *counter)
{
	last_id = id;
	(*counter)++;
	if (fake_error)
		return fake_error;
	if (op_error)
		return op_error;
	return fake_find(id) ? 0 : -HC_ENOENT;
}

static long f_destroy(uint32_t id) { return f_op(id, &calls_destroy); }
static long f_pause(uint32_t id)   { return f_op(id, &calls_pause); }
static uint32_t last_trace_on = 7;
static long f_trace(uint32_t id, uint32_t on) { last_trace_on = on; return f_op(id, &calls_sched); }
static long f_unpause(uint32_t id) { return f_op(id, &calls_unpause); }
static uint32_t last_what = 99;
static long f_trigger(uint32_t id, uint32_t what) { last_what = what; return f_op(id, &calls_trigger); }
static uint32_t last_hang_ms;
static long f_diag_hang(uint32_t ms)
{
	last_hang_ms = ms;
	return fake_error;
}
static uint32_t last_nmi_cpu = 99;
static long f_diag_nmi(uint32_t cpu)
{
	last_nmi_cpu = cpu;
	return fake_error ? fake_error : cpu < 4 ? 0 : -HC_EINVAL;
}

static long f_sched(uint32_t id, uint32_t weight, uint64_t mask)
{
	long r = f_op(id, &calls_sched);
	last_weight = weight;
	last_mask = mask;
	if (r == 0) {
		struct hinoki_dominfo *d = fake_find(id);
		if (weight)
			d->weight = weight;
		if (mask)
			d->cpus_mask = mask;
	}
	return r;
}

/* Serves console_text as the stream from console_lost_before on, 5 bytes a call. */
static long f_console(uint32_t id, struct hinoki_console_read *rd)
{
	last_id = id;
	if (fake_error)
		return fake_error;
	uint64_t end = console_lost_before + strlen(console_text);
	uint64_t from = rd->pos < console_lost_before ? console_lost_before : rd->pos;
	rd->lost = (uint32_t)(from - rd->pos);
	uint64_t n = end > from ? end - from : 0;
	if (n > 5)
		n = 5;
	if (n > rd->len)
		n = rd->len;
	memcpy((void *)(uintptr_t)rd->buf_gpa, console_text + (from - console_lost_before), n);
	rd->pos = from + n;
	return (long)n;
}

static long f_stats(uint32_t id, uint32_t vcpu, struct hinoki_exit_stat *buf, uint32_t cap)
{
	last_id = id;
	last_vcpu = vcpu;
	if (fake_error)
		return fake_error;
	CHECK(cap >= 2);
	buf[0] = (struct hinoki_exit_stat){ .reason = EXIT_REASON_CPUID, .count = 3, .cycles = 474 };
	buf[1] = (struct hinoki_exit_stat){ .reason = 42, .count = 2, .cycles = 10 };
	return 2;
}

static long f_shutdown(void)
{
	calls_shutdown++;
	return fake_error;
}

/* Each sleep ends one more domain, as time passing would. */
static uint32_t last_sleep_ms;

static bool f_sleep(uint32_t ms)
{
	CHECK(ms > 0);
	last_sleep_ms = ms;
	sleeps++;
	for (size_t i = 0; i < nfake; i++) {
		if (fake[i].id != 0 && mgmt_state_live(fake[i].state)) {
			fake[i].state = HINOKI_DOM_ENDED;
			break;
		}
	}
	return false;
}

static bool f_sleep_interrupted(uint32_t ms)
{
	(void)ms;
	sleeps++;
	return true;
}

static struct mgmt_ops ops = {
	.list = f_list, .create = f_create, .destroy = f_destroy, .pause = f_pause,
	.unpause = f_unpause, .sched = f_sched, .console = f_console, .stats = f_stats,
	.shutdown = f_shutdown, .trace = f_trace, .diag_nmi = f_diag_nmi, .diag_hang = f_diag_hang, .trigger = f_trigger, .sleep = f_sleep, .print = gprintf,
	.write = out_write,
};

static const struct mgmt_shell shell = {
	.ops = &ops, .self_id = 0, .tsc_khz = 1000, .wait_poll_ms = 50,
};

static enum shell_result run(const char *cmd)
{
	char line[256];
	snprintf(line, sizeof line, "%s", cmd);
	return mgmt_shell_exec(&shell, line);
}

/* ---- shell commands --------------------------------------------------------- */

static void test_shell_list(void)
{
	fake_reset();
	fake[1].cpus_mask = 0x2f;
	CHECK_EQ(run("list"), SHELL_OK);
	CHECK(out_has("  ID NAME             STATE      VCPUS  MEM(MiB)    CPU(ms)      EXITS WEIGHT CPUS\n"));
	CHECK(out_has("   0 mgmt             running        1        32       5000       1234    256 all\n"));
	CHECK(out_has("   1 memcheck         running        1        32       5000       1234    256 0-3,5\n"));
	CHECK(out_has("   2 hog              paused"));
	CHECK(out_has("   - spare            configured"));
	CHECK(out_has("list: 4 domains, 3 running or paused\n"));

	fake_reset();
	CHECK_EQ(run("list extra"), SHELL_FAILED);
	CHECK(out_has("usage: list\n"));

	fake_reset();
	fake_error = -HC_EPERM;
	CHECK_EQ(run("list"), SHELL_FAILED);
	CHECK(out_has("list: cannot list domains: -EPERM\n"));
}

static void test_shell_create(void)
{
	fake_reset();
	CHECK_EQ(run("create spare memory=64 vcpus=2 weight=3 cpus=1-2 extra=\"rounds=5 x\""), SHELL_OK);
	CHECK(out_has("create: domain spare created with id 7\n"));
	CHECK(strcmp(last_create.name, "spare") == 0);
	CHECK_EQ(last_create.memory_mib, 64);
	CHECK_EQ(last_create.vcpus, 2);
	CHECK_EQ(last_create.weight, 3);
	CHECK_EQ(last_create.cpus_mask, 6);
	CHECK_EQ(last_create.flags, HINOKI_CREATE_F_EXTRA);
	CHECK(strcmp(last_create.extra, "rounds=5 x") == 0);

	/* Nothing given: zero fields, no extra flag. */
	fake_reset();
	CHECK_EQ(run("create spare"), SHELL_OK);
	CHECK_EQ(last_create.memory_mib, 0);
	CHECK_EQ(last_create.flags, 0);
	CHECK_EQ(last_create.cpus_mask, 0);

	fake_reset();
	fake_error = -HC_EPERM;
	CHECK_EQ(run("create spare"), SHELL_FAILED);
	CHECK(out_has("create: spare failed: -EPERM\n"));

	fake_reset();
	fake_error = -1000;
	CHECK_EQ(run("create spare"), SHELL_FAILED);
	CHECK(out_has("create: spare failed: error -1000\n"));

	fake_reset();
	CHECK_EQ(run("create spare colour=red"), SHELL_FAILED);
	CHECK(out_has("create: unknown option 'colour=red'\n"));
	fake_reset();
	CHECK_EQ(run("create spare vcpus=100"), SHELL_FAILED);
	CHECK(out_has("create: bad value 'vcpus=100'\n"));
	fake_reset();
	CHECK_EQ(run("create spare extra=\"unclosed"), SHELL_FAILED);
	CHECK(out_has("mgmt: unterminated quote\n"));
	fake_reset();
	CHECK_EQ(run("create a234567890123456789012345678901"), SHELL_OK);
	CHECK_EQ(run("create a2345678901234567890123456789012"), SHELL_FAILED);
	CHECK(out_has("create: name 'a2345678901234567890123456789012' is too long (at most 31 characters)\n"));
	fake_reset();
	CHECK_EQ(run("create"), SHELL_FAILED);
	CHECK(out_has("usage: create NAME"));
}

static void test_shell_trace(void)
{
	fake_reset();
	CHECK_EQ(run("trace hog on"), SHELL_OK);
	CHECK_EQ(last_id, 2);
	CHECK_EQ(last_trace_on, 1);
	CHECK(out_has("trace: domain hog (2) tracing on\n"));
	fake_reset();
	CHECK_EQ(run("trace 1 off"), SHELL_OK);
	CHECK_EQ(last_trace_on, 0);
	fake_reset();
	CHECK_EQ(run("trace hog maybe"), SHELL_FAILED);
	CHECK(out_has("trace: say 'on' or 'off', not 'maybe'\n"));
	CHECK_EQ(calls_sched, 0);
	fake_reset();
	op_error = -HC_ENOMEM;
	CHECK_EQ(run("trace hog on"), SHELL_FAILED);
	CHECK(out_has("trace: hog (2) failed: -ENOMEM\n"));
}

static void test_shell_domain_ops(void)
{
	fake_reset();
	CHECK_EQ(run("destroy memcheck"), SHELL_OK);
	CHECK_EQ(calls_destroy, 1);
	CHECK_EQ(last_id, 1);
	CHECK(out_has("destroy: domain memcheck (1) destroyed\n"));

	fake_reset();
	CHECK_EQ(run("pause 1"), SHELL_OK);
	CHECK(out_has("pause: domain memcheck (1) paused\n"));
	CHECK_EQ(run("unpause hog"), SHELL_OK);
	CHECK_EQ(last_id, 2);
	CHECK(out_has("unpause: domain hog (2) unpaused\n"));

	fake_reset();
	CHECK_EQ(run("destroy x"), SHELL_FAILED);
	CHECK(out_has("destroy: no domain 'x'\n"));
	CHECK_EQ(calls_destroy, 0);

	fake_reset();
	CHECK_EQ(run("pause spare"), SHELL_FAILED);
	CHECK(out_has("pause: domain 'spare' is configured but not created\n"));
	CHECK_EQ(calls_pause, 0);

	fake_reset();
	fake_add(8, "hog", HINOKI_DOM_RUNNING);
	CHECK_EQ(run("destroy hog"), SHELL_FAILED);
	CHECK(out_has("destroy: several running domains are named 'hog'; give the id\n"));

	/* The hypervisor's refusal is passed on by name. */
	fake_reset();
	op_error = -HC_EBUSY;
	CHECK_EQ(run("pause 1"), SHELL_FAILED);
	CHECK(out_has("pause: memcheck (1) failed: -EBUSY\n"));
	/* A name whose live domain ended picks the ended one. */
	fake_reset();
	fake[1].state = HINOKI_DOM_ENDED;
	CHECK_EQ(run("destroy memcheck"), SHELL_OK);
	CHECK_EQ(last_id, 1);
	fake_reset();
	CHECK_EQ(run("destroy 1 2"), SHELL_FAILED);
	CHECK(out_has("usage: destroy ID|NAME\n"));
}

static void test_shell_sched(void)
{
	fake_reset();
	CHECK_EQ(run("sched hog"), SHELL_OK);
	CHECK_EQ(calls_sched, 0);
	CHECK(out_has("sched: domain hog (2) weight 256 cpus all\n"));

	fake_reset();
	CHECK_EQ(run("sched hog weight=512 cpus=1,3"), SHELL_OK);
	CHECK_EQ(calls_sched, 1);
	CHECK_EQ(last_weight, 512);
	CHECK_EQ(last_mask, 0xa);
	CHECK(out_has("sched: domain hog (2) weight 512 cpus 1,3\n"));

	fake_reset();
	CHECK_EQ(run("sched 1 cpus=0"), SHELL_OK);
	CHECK_EQ(last_weight, 0);   /* kept */
	CHECK(out_has("sched: domain memcheck (1) weight 256 cpus 0\n"));

	fake_reset();
	CHECK_EQ(run("sched hog memory=4"), SHELL_FAILED);
	CHECK(out_has("sched: option not taken here 'memory=4'\n"));
	CHECK_EQ(calls_sched, 0);

	fake_reset();
	op_error = -HC_EINVAL;
	CHECK_EQ(run("sched hog weight=9"), SHELL_FAILED);
	CHECK(out_has("sched: hog (2) failed: -EINVAL\n"));

	fake_reset();
	CHECK_EQ(run("sched hog weight=0"), SHELL_FAILED);
	CHECK(out_has("sched: bad value 'weight=0'\n"));
}

static void test_shell_console(void)
{
	fake_reset();
	console_text = "hello: started\r\nhello: \x01odd\nno newline";
	CHECK_EQ(run("console memcheck"), SHELL_OK);
	CHECK(out_has("hello: started\nhello: .odd\nno newline\n"
	              "console: domain memcheck (1): 38 bytes shown, 0 earlier bytes lost\n"));

	fake_reset();
	console_text = "tail\n";
	console_lost_before = 100;
	CHECK_EQ(run("console 2"), SHELL_OK);
	CHECK(out_has("tail\nconsole: domain hog (2): 5 bytes shown, 100 earlier bytes lost\n"));

	fake_reset();
	CHECK_EQ(run("console hog"), SHELL_OK);
	CHECK(out_has("console: domain hog (2): 0 bytes shown, 0 earlier bytes lost\n"));
}

static void test_shell_stats(void)
{
	fake_reset();
	CHECK_EQ(run("stats memcheck"), SHELL_OK);
	CHECK_EQ(last_vcpu, 0);
	CHECK(out_has("  CPUID                         3              474        158\n"));
	CHECK(out_has("  reason 42                     2               10          5\n"));
	CHECK(out_has("stats: domain memcheck (1) vcpu 0: 2 reasons, 5 exits\n"));

	fake_reset();
	fake[1].vcpus = 2;
	CHECK_EQ(run("stats 1 1"), SHELL_OK);
	CHECK_EQ(last_vcpu, 1);

	fake_reset();
	CHECK_EQ(run("stats 1 1"), SHELL_FAILED);
	CHECK(out_has("stats: domain memcheck has 1 vcpus, no vcpu 1\n"));
	CHECK_EQ(run("stats 1 x"), SHELL_FAILED);
	CHECK(out_has("stats: bad vcpu 'x'\n"));

	/* An ended domain's vCPUs are freed: say so rather than ask. */
	fake_reset();
	fake[1].state = HINOKI_DOM_ENDED;
	fake[1].vcpus = 0;
	last_id = 99;
	CHECK_EQ(run("stats memcheck"), SHELL_FAILED);
	CHECK(out_has("stats: domain memcheck (1) is ended; its vcpus are gone\n"));
	CHECK_EQ(last_id, 99);
}

static void test_shell_wait_shutdown(void)
{
	fake_reset();
	CHECK_EQ(run("wait"), SHELL_OK);
	CHECK_EQ(sleeps, 2);        /* memcheck, then hog; mgmt itself never counts */
	CHECK(out_has("wait: no other domain running\n"));

	fake_reset();
	ops.sleep = f_sleep_interrupted;
	CHECK_EQ(run("wait"), SHELL_FAILED);
	ops.sleep = f_sleep;
	CHECK(out_has("wait: interrupted, 2 domains still running or paused\n"));

	fake_reset();
	CHECK_EQ(run("sleep 2500"), SHELL_OK);
	CHECK_EQ(sleeps, 1);
	CHECK_EQ(last_sleep_ms, 2500);
	CHECK_EQ(run("sleep 0"), SHELL_FAILED);
	CHECK(out_has("sleep: '0' is not a time from 1 to 3600000 ms\n"));
	CHECK_EQ(run("sleep 3600001"), SHELL_FAILED);
	CHECK_EQ(run("sleep soon"), SHELL_FAILED);
	CHECK_EQ(sleeps, 1);
	ops.sleep = f_sleep_interrupted;
	CHECK_EQ(run("sleep 10"), SHELL_FAILED);
	ops.sleep = f_sleep;
	CHECK(out_has("sleep: interrupted\n"));

	fake_reset();
	CHECK_EQ(run("shutdown"), SHELL_SHUTDOWN);
	CHECK_EQ(calls_shutdown, 1);
	CHECK(out_has("shutdown: ending every domain and powering off\n"));

	fake_reset();
	fake_error = -HC_EPERM;
	CHECK_EQ(run("shutdown"), SHELL_FAILED);
	CHECK(out_has("shutdown: failed: -EPERM\n"));
}

static void test_shell_repeat(void)
{
	fake_reset();
	CHECK_EQ(run("repeat 3 \"destroy 1; pause memcheck;; list\""), SHELL_OK);
	CHECK_EQ(calls_destroy, 3);
	CHECK_EQ(calls_pause, 3);
	CHECK(out_has("list: 4 domains, 3 running or paused\n"));
	CHECK(out_has("repeat: 3 rounds, 9 commands, 0 failed\n"));

	/* A failed command is counted and the rounds go on. */
	fake_reset();
	CHECK_EQ(run("repeat 2 \"destroy x; destroy 2\""), SHELL_FAILED);
	CHECK_EQ(calls_destroy, 2);
	CHECK(out_has("repeat: 2 rounds, 4 commands, 2 failed\n"));

	/* Nested: the inner body is one word, unquoted. */
	fake_reset();
	CHECK_EQ(run("repeat 2 \"unpause 2; repeat 3 list\""), SHELL_OK);
	CHECK_EQ(calls_unpause, 2);
	CHECK(out_has("repeat: 3 rounds, 3 commands, 0 failed\n"));
	CHECK(out_has("repeat: 2 rounds, 4 commands, 0 failed\n"));

	/* shutdown ends the loop and the shell. */
	fake_reset();
	CHECK_EQ(run("repeat 5 \"shutdown; destroy 1\""), SHELL_SHUTDOWN);
	CHECK_EQ(calls_shutdown, 1);
	CHECK_EQ(calls_destroy, 0);
	CHECK(!strstr(out, "repeat:"));

	const char *bad[] = { "repeat 0 list", "repeat x list", "repeat 1000001 list", "repeat -1 list" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		fake_reset();
		CHECK_EQ(run(bad[i]), SHELL_FAILED);
		CHECK(out_has("repeat: '"));
		CHECK(out_has("' is not a count from 1 to 1000000\n"));
		CHECK(!strstr(out, "list:"));
	}
	fake_reset();
	CHECK_EQ(run("repeat 3"), SHELL_FAILED);
	CHECK(out_has("usage: repeat N \"CMD; CMD...\"\n"));
	fake_reset();
	CHECK_EQ(run("repeat 3 \"destroy 1"), SHELL_FAILED);
	CHECK(out_has("mgmt: unterminated quote\n"));
	CHECK_EQ(calls_destroy, 0);
}

static void test_shell_diag_nmi(void)
{
	fake_reset();
	CHECK_EQ(run("diag-nmi 3"), SHELL_OK);
	CHECK_EQ(last_nmi_cpu, 3);
	CHECK(out_has("diag-nmi: NMI sent to cpu 3\n"));

	fake_reset();
	CHECK_EQ(run("diag-nmi 5"), SHELL_FAILED);
	CHECK_EQ(last_nmi_cpu, 5);
	CHECK(out_has("diag-nmi: cpu 5: -EINVAL\n"));

	const char *bad[] = { "diag-nmi 64", "diag-nmi one", "diag-nmi -1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		fake_reset();
		last_nmi_cpu = 99;
		CHECK_EQ(run(bad[i]), SHELL_FAILED);
		CHECK(out_has("' is not a CPU from 0 to 63\n"));
		CHECK_EQ(last_nmi_cpu, 99);
	}
	fake_reset();
	CHECK_EQ(run("diag-nmi"), SHELL_FAILED);
	CHECK(out_has("usage: diag-nmi CPU\n"));
}

static void test_shell_diag_hang(void)
{
	fake_reset();
	last_hang_ms = 0;
	CHECK_EQ(run("diag-hang 3000"), SHELL_OK);
	CHECK_EQ(last_hang_ms, 3000);
	CHECK(out_has("diag-hang: 3000 ms in root mode done\n"));
	const char *bad[] = { "diag-hang 0", "diag-hang 60001", "diag-hang soon" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		fake_reset();
		last_hang_ms = 0;
		CHECK_EQ(run(bad[i]), SHELL_FAILED);
		CHECK(out_has("' is not a number of milliseconds from 1 to 60000\n"));
		CHECK_EQ(last_hang_ms, 0);
	}
	fake_reset();
	fake_error = -HC_EPERM;
	CHECK_EQ(run("diag-hang 5"), SHELL_FAILED);
	CHECK(out_has("diag-hang: -EPERM"));
}

static void test_shell_misc(void)
{
	fake_reset();
	CHECK_EQ(run("frobnicate 1"), SHELL_FAILED);
	CHECK(out_has("mgmt: unknown command 'frobnicate'; 'help' lists the commands\n"));
	fake_reset();
	CHECK_EQ(run("   "), SHELL_OK);
	CHECK_EQ(out_len, 0);
	CHECK_EQ(run("help"), SHELL_OK);
	const char *names[] = { "list", "create NAME", "destroy ID|NAME", "pause", "unpause",
	                        "sched ID|NAME", "console", "stats", "wait", "repeat N", "diag-nmi CPU", "diag-hang MS", "shutdown" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		CHECK(out_has(names[i]));
	CHECK(out_has("help: 18 commands"));
	fake_reset();
	CHECK_EQ(run("list 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"), SHELL_FAILED);
	CHECK(out_has("mgmt: too many words (at most 16)\n"));
}

static void test_shell_trigger(void)
{
	fake_reset();
	CHECK_EQ(run("trigger memcheck power"), SHELL_OK);
	CHECK(out_has("trigger: domain memcheck (1): power button pressed\n"));
	CHECK_EQ(last_id, 1);
	CHECK_EQ(last_what, HINOKI_TRIGGER_POWER);
	CHECK_EQ(calls_trigger, 1);

	fake_reset();
	CHECK_EQ(run("trigger memcheck reset"), SHELL_FAILED);
	CHECK(out_has("trigger: the one trigger is 'power' (the ACPI power button), not 'reset'\n"));
	CHECK_EQ(run("trigger nobody power"), SHELL_FAILED);
	CHECK(out_has("trigger: no domain 'nobody'\n"));
	CHECK_EQ(run("trigger memcheck"), SHELL_FAILED);
	CHECK(out_has("usage: trigger ID|NAME power\n"));
	CHECK_EQ(calls_trigger, 0);

	fake_reset();
	op_error = -HC_EINVAL;
	CHECK_EQ(run("trigger 1 power"), SHELL_FAILED);
	CHECK(out_has("trigger: memcheck (1) failed: -EINVAL\n"));
}

static void test_shell_waitfor(void)
{
	/* Asleep counts as alive: list and wait count it, and its name shows. */
	fake_reset();
	fake[1].state = HINOKI_DOM_ASLEEP;
	CHECK_EQ(run("list"), SHELL_OK);
	CHECK(out_has("   1 memcheck         asleep"));
	CHECK(out_has("list: 4 domains, 3 running or paused\n"));
	CHECK_EQ(run("waitfor memcheck asleep"), SHELL_OK);
	CHECK(out_has("waitfor: domain memcheck (1) is asleep\n"));
	CHECK_EQ(sleeps, 0);
	CHECK_EQ(run("wait"), SHELL_OK);
	CHECK_EQ(sleeps, 2);

	/* Each poll's sleep ends one domain: memcheck ends before it sleeps. */
	fake_reset();
	CHECK_EQ(run("waitfor memcheck asleep"), SHELL_FAILED);
	CHECK(out_has("waitfor: domain memcheck (1) is ended and will not be asleep\n"));
	CHECK_EQ(sleeps, 1);
	fake_reset();
	CHECK_EQ(run("waitfor hog ended"), SHELL_OK);
	CHECK_EQ(sleeps, 2);
	CHECK(out_has("waitfor: domain hog (2) is ended\n"));
	fake_reset();
	CHECK_EQ(run("waitfor hog dozing"), SHELL_FAILED);
	CHECK(out_has("waitfor: no state 'dozing' (running, paused, asleep, ended, stopped, destroyed)\n"));
	CHECK_EQ(run("waitfor spare running"), SHELL_FAILED);
	CHECK(out_has("waitfor: domain 'spare' is configured but not created\n"));
	ops.sleep = f_sleep_interrupted;
	CHECK_EQ(run("waitfor hog ended"), SHELL_FAILED);
	ops.sleep = f_sleep;
	CHECK(out_has("waitfor: interrupted\n"));

	/* Console text, read five bytes a call: a match across reads, and one the ring still keeps. */
	fake_reset();
	console_text = "boot\nhinoki-init: waiting for the power button\n";
	console_lost_before = 9000;
	CHECK_EQ(run("waitfor memcheck console \"the power button\""), SHELL_OK);
	CHECK(out_has("waitfor: domain memcheck (1) printed the power button\n"));
	CHECK_EQ(sleeps, 0);
	CHECK_EQ(run("waitfor hog console butto"), SHELL_OK);
	fake_reset();
	console_text = "boot\n";
	CHECK_EQ(run("waitfor memcheck console ready"), SHELL_FAILED);
	CHECK(out_has("waitfor: domain memcheck (1) is ended and did not print ready\n"));
	CHECK_EQ(run("waitfor memcheck consol ready"), SHELL_FAILED);
	CHECK(out_has("usage: waitfor ID|NAME STATE, or waitfor ID|NAME console TEXT\n"));
	CHECK_EQ(run("waitfor memcheck console \"\""), SHELL_FAILED);
	CHECK(out_has("waitfor: the text must have 1 to 255 characters\n"));
	fake_error = -HC_EPERM;
	CHECK_EQ(run("waitfor memcheck console ready"), SHELL_FAILED);
	CHECK(out_has("waitfor: cannot list domains: -EPERM\n"));
}

int main(void)
{
	RUN(test_shell_list);
	RUN(test_shell_create);
	RUN(test_shell_domain_ops);
	RUN(test_shell_trace);
	RUN(test_shell_sched);
	RUN(test_shell_console);
	RUN(test_shell_stats);
	RUN(test_shell_wait_shutdown);
	RUN(test_shell_trigger);
	RUN(test_shell_waitfor);
	RUN(test_shell_repeat);
	RUN(test_shell_diag_nmi);
	RUN(test_shell_diag_hang);
	RUN(test_shell_misc);
	return CHECK_EXIT();
}
