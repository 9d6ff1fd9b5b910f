/*
 * The management shell's commands (shell.h, docs/mgmt.md): each finds its
 * domain in a fresh HC_DOMCTL_LIST, makes one control call and prints one
 * result line, or an error line naming the problem. Pure code behind struct
 * mgmt_ops, built into the guest and into tests/unit/test_mgmt_parse.c.
 */
#include "shell.h"
#include "parse.h"

#include "hinoki/hypercall.h"
#include "hw/vmx_exit.h"

#ifdef HOST_TEST
#include <string.h>
#else
#include "mem.h"
#endif

#define MAX_DOMS        128     /* entries fetched per list */
#define MAX_STATS       EXIT_REASON_COUNT
#define CONSOLE_CHUNK   512
#define CPUS_TEXT       200     /* "0,2,4,...,62" fits */
#define MIB_SHIFT       20

static struct hinoki_dominfo doms[MAX_DOMS];
static struct hinoki_exit_stat stats[MAX_STATS];
static char console_buf[CONSOLE_CHUNK];

#define EXIT_NAME_(name, num) [num] = #name,
static const char *const exit_names[EXIT_REASON_COUNT] = { EXIT_REASONS(EXIT_NAME_) };
#undef EXIT_NAME_

#define P(...) sh->ops->print(__VA_ARGS__)

/* The rest of an error line: "-EPERM" or the raw number. */
static void print_error(const struct mgmt_shell *sh, long r)
{
	const char *name = mgmt_error_name(r);
	if (name)
		P("%s\n", name);
	else
		P("error %ld\n", r);
}

/* Fetches the domain list into doms; returns the entries kept, or -1. */
static int fetch(const struct mgmt_shell *sh, const char *cmd, size_t *total)
{
	long r = sh->ops->list(doms, MAX_DOMS);
	if (r < 0) {
		P("%s: cannot list domains: ", cmd);
		print_error(sh, r);
		return -1;
	}
	if (total)
		*total = (size_t)r;
	return r > MAX_DOMS ? MAX_DOMS : (int)r;
}

/* The domain `key` names, reporting why when there is none. */
static const struct hinoki_dominfo *lookup(const struct mgmt_shell *sh, const char *cmd,
                                           const char *key, bool need_created)
{
	int n = fetch(sh, cmd, NULL);
	if (n < 0)
		return NULL;
	int i = mgmt_find_domain(doms, (size_t)n, key);
	if (i == DOM_AMBIGUOUS) {
		P("%s: several running domains are named '%s'; give the id\n", cmd, key);
		return NULL;
	}
	if (i < 0) {
		P("%s: no domain '%s'\n", cmd, key);
		return NULL;
	}
	if (need_created && doms[i].state == HINOKI_DOM_CONFIGURED) {
		P("%s: domain '%s' is configured but not created\n", cmd, key);
		return NULL;
	}
	return &doms[i];
}

static int name_len(const struct hinoki_dominfo *d)
{
	int n = 0;
	while (n < HINOKI_NAME_MAX && d->name[n])
		n++;
	return n;
}

static void print_opt_error(const struct mgmt_shell *sh, const char *cmd,
                            enum mgmt_opt_error e, const char *word)
{
	P("%s: %s '%s'\n", cmd, mgmt_opt_error_text(e), word);
}

static enum shell_result cmd_list(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	size_t total;
	int n = fetch(sh, argv[0], &total);
	if (n < 0)
		return SHELL_FAILED;

	unsigned live = 0;
	P("  ID NAME             STATE      VCPUS  MEM(MiB)    CPU(ms)      EXITS WEIGHT CPUS\n");
	for (int i = 0; i < n; i++) {
		const struct hinoki_dominfo *d = &doms[i];
		char cpus[CPUS_TEXT];
		mgmt_format_cpus(d->cpus_mask, cpus, sizeof cpus);
		if (d->state == HINOKI_DOM_CONFIGURED)
			P("   -");
		else
			P("%4u", d->id);
		P(" %-16.*s %-10s %5u %9llu %10llu %10llu %6u %s\n", name_len(d), d->name,
		  mgmt_state_name(d->state), d->vcpus, (unsigned long long)(d->mem_bytes >> MIB_SHIFT),
		  (unsigned long long)(sh->tsc_khz ? d->cpu_tsc / sh->tsc_khz : 0),
		  (unsigned long long)d->exits, d->weight, cpus);
		if (mgmt_state_live(d->state))
			live++;
	}
	P("list: %zu domains, %u running or paused", total, live);
	if (total > (size_t)n)
		P(", %zu not shown", total - (size_t)n);
	P("\n");
	return SHELL_OK;
}

static enum shell_result cmd_create(const struct mgmt_shell *sh, int argc, char **argv)
{
	const char *name = argv[1];
	if (strlen(name) >= HINOKI_NAME_MAX) {
		P("create: name '%s' is too long (at most %d characters)\n", name,
		  HINOKI_NAME_MAX - 1);
		return SHELL_FAILED;
	}
	struct mgmt_opts o;
	int bad;
	enum mgmt_opt_error e = mgmt_parse_opts(argc - 2, argv + 2,
	                                        OPT_MEMORY | OPT_VCPUS | OPT_WEIGHT | OPT_CPUS | OPT_EXTRA,
	                                        &o, &bad);
	if (e != OPT_OK) {
		print_opt_error(sh, "create", e, argv[2 + bad]);
		return SHELL_FAILED;
	}

	static struct hinoki_create req;
	memset(&req, 0, sizeof req);
	memcpy(req.name, name, strlen(name));
	req.memory_mib = o.memory_mib;
	req.vcpus = o.vcpus;
	req.weight = o.weight;
	req.cpus_mask = o.cpus_mask;
	if (o.given & OPT_EXTRA) {
		req.flags |= HINOKI_CREATE_F_EXTRA;
		memcpy(req.extra, o.extra, strlen(o.extra));
	}

	long r = sh->ops->create(&req);
	if (r < 0) {
		P("create: %s failed: ", name);
		print_error(sh, r);
		return SHELL_FAILED;
	}
	P("create: domain %s created with id %ld\n", name, r);
	return SHELL_OK;
}

/* destroy, pause and unpause: one call on one domain. */
static enum shell_result simple_op(const struct mgmt_shell *sh, char **argv,
                                   long (*op)(uint32_t id), const char *done)
{
	const struct hinoki_dominfo *d = lookup(sh, argv[0], argv[1], true);
	if (!d)
		return SHELL_FAILED;
	uint32_t id = d->id;
	int nl = name_len(d);
	long r = op(id);
	if (r < 0) {
		P("%s: %.*s (%u) failed: ", argv[0], nl, d->name, id);
		print_error(sh, r);
		return SHELL_FAILED;
	}
	P("%s: domain %.*s (%u) %s\n", argv[0], nl, d->name, id, done);
	return SHELL_OK;
}

static enum shell_result cmd_destroy(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	return simple_op(sh, argv, sh->ops->destroy, "destroyed");
}

static enum shell_result cmd_pause(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	return simple_op(sh, argv, sh->ops->pause, "paused");
}

static enum shell_result cmd_unpause(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	return simple_op(sh, argv, sh->ops->unpause, "unpaused");
}

/* `trace ID|NAME on|off`: the domain's exit trace ring, printed when it ends. */
static enum shell_result cmd_trace(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	uint32_t on;
	size_t n = strlen(argv[2]);
	if (n == 2 && !memcmp(argv[2], "on", 2)) {
		on = 1;
	} else if (n == 3 && !memcmp(argv[2], "off", 3)) {
		on = 0;
	} else {
		P("trace: say 'on' or 'off', not '%s'\n", argv[2]);
		return SHELL_FAILED;
	}
	const struct hinoki_dominfo *d = lookup(sh, "trace", argv[1], true);
	if (!d)
		return SHELL_FAILED;
	long r = sh->ops->trace(d->id, on);
	if (r < 0) {
		P("trace: %.*s (%u) failed: ", name_len(d), d->name, d->id);
		print_error(sh, r);
		return SHELL_FAILED;
	}
	P("trace: domain %.*s (%u) tracing %s\n", name_len(d), d->name, d->id, on ? "on" : "off");
	return SHELL_OK;
}

#define DIAG_CPU_MAX 63

/* `diag-nmi CPU`: the hypervisor sends that CPU an NMI and says it handled it. */
static enum shell_result cmd_diag_nmi(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	uint64_t cpu;
	if (!mgmt_parse_u64(argv[1], &cpu) || cpu > DIAG_CPU_MAX) {
		P("diag-nmi: '%s' is not a CPU from 0 to %d\n", argv[1], DIAG_CPU_MAX);
		return SHELL_FAILED;
	}
	long r = sh->ops->diag_nmi((uint32_t)cpu);
	if (r < 0) {
		P("diag-nmi: cpu %u: ", (unsigned)cpu);
		print_error(sh, r);
		return SHELL_FAILED;
	}
	P("diag-nmi: NMI sent to cpu %u\n", (unsigned)cpu);
	return SHELL_OK;
}

/* `diag-hang MS`: the hypervisor keeps this domain's CPU MS milliseconds in root mode, for its watchdog. */
static enum shell_result cmd_diag_hang(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	uint64_t ms;
	if (!mgmt_parse_u64(argv[1], &ms) || ms < 1 || ms > HC_DIAG_HANG_MS_MAX) {
		P("diag-hang: '%s' is not a number of milliseconds from 1 to %d\n", argv[1], HC_DIAG_HANG_MS_MAX);
		return SHELL_FAILED;
	}
	long r = sh->ops->diag_hang((uint32_t)ms);
	if (r < 0) {
		P("diag-hang: ");
		print_error(sh, r);
		return SHELL_FAILED;
	}
	P("diag-hang: %u ms in root mode done\n", (unsigned)ms);
	return SHELL_OK;
}

static void print_sched(const struct mgmt_shell *sh, const struct hinoki_dominfo *d)
{
	char cpus[CPUS_TEXT];
	mgmt_format_cpus(d->cpus_mask, cpus, sizeof cpus);
	P("sched: domain %.*s (%u) weight %u cpus %s\n", name_len(d), d->name, d->id,
	  d->weight, cpus);
}

static enum shell_result cmd_sched(const struct mgmt_shell *sh, int argc, char **argv)
{
	struct mgmt_opts o;
	int bad;
	enum mgmt_opt_error e = mgmt_parse_opts(argc - 2, argv + 2, OPT_WEIGHT | OPT_CPUS, &o, &bad);
	if (e != OPT_OK) {
		print_opt_error(sh, "sched", e, argv[2 + bad]);
		return SHELL_FAILED;
	}
	const struct hinoki_dominfo *d = lookup(sh, "sched", argv[1], true);
	if (!d)
		return SHELL_FAILED;
	if (!o.given) {
		print_sched(sh, d);
		return SHELL_OK;
	}
	uint32_t id = d->id;
	long r = sh->ops->sched(id, o.weight, o.cpus_mask);
	if (r < 0) {
		P("sched: %.*s (%u) failed: ", name_len(d), d->name, id);
		print_error(sh, r);
		return SHELL_FAILED;
	}
	/* Read back what the hypervisor now holds rather than echo the request. */
	char key[12];
	size_t k = sizeof key - 1;
	key[k] = '\0';
	do {
		key[--k] = (char)('0' + id % 10);
		id /= 10;
	} while (id);
	d = lookup(sh, "sched", key + k, true);
	if (!d)
		return SHELL_FAILED;
	print_sched(sh, d);
	return SHELL_OK;
}

/* Console bytes as text: keeps newlines and tabs, drops CR, dots other controls. */
static void write_clean(const struct mgmt_shell *sh, char *buf, size_t n, char *last)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\r')
			continue;
		if ((c < ' ' && c != '\n' && c != '\t') || c >= 0x7f)
			c = '.';
		buf[w++] = (char)c;
	}
	if (w) {
		sh->ops->write(buf, w);
		*last = buf[w - 1];
	}
}

static enum shell_result cmd_console(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	const struct hinoki_dominfo *d = lookup(sh, "console", argv[1], true);
	if (!d)
		return SHELL_FAILED;
	uint32_t id = d->id;
	int nl = name_len(d);
	struct hinoki_console_read rd = { .pos = 0 };
	uint64_t shown = 0, lost = 0;
	char last = '\n';

	/* Bounded: a domain printing all the while must not keep us here. */
	for (unsigned round = 0; round < HINOKI_CONSOLE_RING / CONSOLE_CHUNK + 2; round++) {
		rd.buf_gpa = (uintptr_t)console_buf;
		rd.len = sizeof console_buf;
		rd.lost = 0;
		long r = sh->ops->console(id, &rd);
		if (r < 0) {
			if (last != '\n')
				sh->ops->write("\n", 1);
			P("console: %.*s (%u) failed: ", nl, d->name, id);
			print_error(sh, r);
			return SHELL_FAILED;
		}
		lost += rd.lost;
		if (r == 0)
			break;
		size_t n = (size_t)r > sizeof console_buf ? sizeof console_buf : (size_t)r;
		write_clean(sh, console_buf, n, &last);
		shown += n;
	}
	if (last != '\n')
		sh->ops->write("\n", 1);
	P("console: domain %.*s (%u): %llu bytes shown, %llu earlier bytes lost\n", nl, d->name,
	  id, (unsigned long long)shown, (unsigned long long)lost);
	return SHELL_OK;
}

static enum shell_result cmd_stats(const struct mgmt_shell *sh, int argc, char **argv)
{
	uint64_t vcpu = 0;
	if (argc > 2 && (!mgmt_parse_u64(argv[2], &vcpu) || vcpu >= HINOKI_MAX_VCPUS)) {
		P("stats: bad vcpu '%s'\n", argv[2]);
		return SHELL_FAILED;
	}
	const struct hinoki_dominfo *d = lookup(sh, "stats", argv[1], true);
	if (!d)
		return SHELL_FAILED;
	uint32_t id = d->id;
	int nl = name_len(d);
	if (d->vcpus == 0) {
		P("stats: domain %.*s (%u) is %s; its vcpus are gone\n", nl, d->name, id,
		  mgmt_state_name(d->state));
		return SHELL_FAILED;
	}
	if (vcpu >= d->vcpus) {
		P("stats: domain %.*s has %u vcpus, no vcpu %llu\n", nl, d->name, d->vcpus,
		  (unsigned long long)vcpu);
		return SHELL_FAILED;
	}
	long r = sh->ops->stats(id, (uint32_t)vcpu, stats, MAX_STATS);
	if (r < 0) {
		P("stats: %.*s (%u) failed: ", nl, d->name, id);
		print_error(sh, r);
		return SHELL_FAILED;
	}
	size_t n = (size_t)r > MAX_STATS ? MAX_STATS : (size_t)r;
	uint64_t exits = 0;
	P("  REASON                    COUNT           CYCLES        AVG\n");
	for (size_t i = 0; i < n; i++) {
		const struct hinoki_exit_stat *s = &stats[i];
		const char *name = s->reason < EXIT_REASON_COUNT ? exit_names[s->reason] : NULL;
		if (name)
			P("  %-20s", name);
		else
			P("  reason %-13u", s->reason);
		P(" %10llu %16llu %10llu\n", (unsigned long long)s->count,
		  (unsigned long long)s->cycles,
		  (unsigned long long)(s->count ? s->cycles / s->count : 0));
		exits += s->count;
	}
	P("stats: domain %.*s (%u) vcpu %llu: %zu reasons, %llu exits\n", nl, d->name, id,
	  (unsigned long long)vcpu, n, (unsigned long long)exits);
	return SHELL_OK;
}

static enum shell_result cmd_wait(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (;;) {
		int n = fetch(sh, "wait", NULL);
		if (n < 0)
			return SHELL_FAILED;
		unsigned live = 0;
		for (int i = 0; i < n; i++)
			if (doms[i].id != sh->self_id && mgmt_state_live(doms[i].state))
				live++;
		if (live == 0) {
			P("wait: no other domain running\n");
			return SHELL_OK;
		}
		if (sh->ops->sleep(sh->wait_poll_ms)) {
			P("wait: interrupted, %u domains still running or paused\n", live);
			return SHELL_FAILED;
		}
	}
}

/* `trigger ID|NAME power`: press the domain's ACPI power button, as `xl trigger` does. */
static enum shell_result cmd_trigger(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	if (strlen(argv[2]) != 5 || memcmp(argv[2], "power", 5) != 0) {
		P("trigger: the one trigger is 'power' (the ACPI power button), not '%s'\n", argv[2]);
		return SHELL_FAILED;
	}
	const struct hinoki_dominfo *d = lookup(sh, "trigger", argv[1], true);
	if (!d)
		return SHELL_FAILED;
	long r = sh->ops->trigger(d->id, HINOKI_TRIGGER_POWER);
	if (r < 0) {
		P("trigger: %.*s (%u) failed: ", name_len(d), d->name, d->id);
		print_error(sh, r);
		return SHELL_FAILED;
	}
	P("trigger: domain %.*s (%u): power button pressed\n", name_len(d), d->name, d->id);
	return SHELL_OK;
}

/* Whether `text` occurs in the console output of domain `id` (read from its start, as far as the ring keeps it). */
static long console_has(const struct mgmt_shell *sh, uint32_t id, const char *text)
{
	size_t tn = strlen(text), have = 0;
	struct hinoki_console_read rd = { .pos = 0 };
	/* Bounded: a domain printing all the while must not keep us here. */
	for (unsigned round = 0; round < HINOKI_CONSOLE_RING / CONSOLE_CHUNK + 2; round++) {
		/* Keep the last tn - 1 bytes of the previous chunk: a match may straddle two reads. */
		size_t keep = have < tn ? have : tn - 1;
		memmove(console_buf, console_buf + have - keep, keep);
		rd.buf_gpa = (uintptr_t)(console_buf + keep);
		rd.len = (uint32_t)(sizeof console_buf - keep);
		rd.lost = 0;
		long r = sh->ops->console(id, &rd);
		if (r <= 0)
			return r;
		have = keep + ((size_t)r > rd.len ? rd.len : (size_t)r);
		for (size_t i = 0; i + tn <= have; i++)
			if (!memcmp(console_buf + i, text, tn))
				return 1;
	}
	return 0;
}

/*
 * `waitfor ID|NAME STATE` (asleep, ended, ...) or `waitfor ID|NAME console
 * TEXT`: until the domain is in that state, or has printed TEXT; fails if
 * it stops being alive first.
 */
static enum shell_result cmd_waitfor(const struct mgmt_shell *sh, int argc, char **argv)
{
	bool console = argc == 4;
	const char *want = console ? argv[3] : argv[2];
	if (console && (strlen(argv[2]) != 7 || memcmp(argv[2], "console", 7) != 0)) {
		P("usage: waitfor ID|NAME STATE, or waitfor ID|NAME console TEXT\n");
		return SHELL_FAILED;
	}
	size_t wn = strlen(want);
	if (console && (wn == 0 || wn >= sizeof console_buf / 2)) {
		P("waitfor: the text must have 1 to %zu characters\n", sizeof console_buf / 2 - 1);
		return SHELL_FAILED;
	}
	uint32_t state = 0;
	if (!console) {
		while (state <= HINOKI_DOM_ASLEEP && (strlen(mgmt_state_name(state)) != wn ||
		                                      memcmp(mgmt_state_name(state), want, wn) != 0))
			state++;
		if (state > HINOKI_DOM_ASLEEP) {
			P("waitfor: no state '%s' (running, paused, asleep, ended, stopped, destroyed)\n", want);
			return SHELL_FAILED;
		}
	}
	for (;;) {
		const struct hinoki_dominfo *d = lookup(sh, "waitfor", argv[1], true);
		if (!d)
			return SHELL_FAILED;
		uint32_t id = d->id, now = d->state;
		int nl = name_len(d);
		long found = console ? console_has(sh, id, want) : now == state;
		if (found < 0) {
			P("waitfor: %.*s (%u) failed: ", nl, d->name, id);
			print_error(sh, found);
			return SHELL_FAILED;
		}
		if (found) {
			P("waitfor: domain %.*s (%u) %s%s\n", nl, d->name, id, console ? "printed " : "is ", want);
			return SHELL_OK;
		}
		if (!mgmt_state_live(now)) {
			P("waitfor: domain %.*s (%u) is %s and %s %s\n", nl, d->name, id, mgmt_state_name(now),
			  console ? "did not print" : "will not be", want);
			return SHELL_FAILED;
		}
		if (sh->ops->sleep(sh->wait_poll_ms)) {
			P("waitfor: interrupted\n");
			return SHELL_FAILED;
		}
	}
}

#define SLEEP_MAX_MS 3600000u   /* an hour */

/* A pause in a script: let the other domains run for a while before the next command. */
static enum shell_result cmd_sleep(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	uint64_t ms;
	if (!mgmt_parse_u64(argv[1], &ms) || ms < 1 || ms > SLEEP_MAX_MS) {
		P("sleep: '%s' is not a time from 1 to %u ms\n", argv[1], SLEEP_MAX_MS);
		return SHELL_FAILED;
	}
	if (sh->ops->sleep((uint32_t)ms)) {
		P("sleep: interrupted\n");
		return SHELL_FAILED;
	}
	return SHELL_OK;
}

static enum shell_result cmd_shutdown(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	long r = sh->ops->shutdown();
	if (r < 0) {
		P("shutdown: failed: ");
		print_error(sh, r);
		return SHELL_FAILED;
	}
	P("shutdown: ending every domain and powering off\n");
	return SHELL_SHUTDOWN;
}

#define REPEAT_MAX 1000000
#define REPEAT_LINE 256

/*
 * The shell's one loop: the body is split into commands as a boot script is,
 * and a command may itself be `repeat`, each level on its own line buffer.
 */
static enum shell_result cmd_repeat(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	uint64_t rounds;
	if (!mgmt_parse_u64(argv[1], &rounds) || rounds < 1 || rounds > REPEAT_MAX) {
		P("repeat: '%s' is not a count from 1 to %d\n", argv[1], REPEAT_MAX);
		return SHELL_FAILED;
	}
	unsigned commands = 0, failed = 0;
	for (uint64_t r = 0; r < rounds; r++) {
		const char *cursor = argv[2];
		char cmd[REPEAT_LINE];
		enum script_status st;
		while ((st = mgmt_script_next(&cursor, cmd, sizeof cmd)) != SCRIPT_END) {
			commands++;
			enum shell_result res = st == SCRIPT_TOO_LONG ? SHELL_FAILED : mgmt_shell_exec(sh, cmd);
			if (res == SHELL_SHUTDOWN)
				return res;
			failed += res == SHELL_FAILED;
		}
	}
	P("repeat: %llu rounds, %u commands, %u failed\n", (unsigned long long)rounds, commands, failed);
	return failed ? SHELL_FAILED : SHELL_OK;
}

static enum shell_result cmd_help(const struct mgmt_shell *sh, int argc, char **argv);

static const struct command {
	const char *name;
	int min_args, max_args;     /* words after the command name */
	enum shell_result (*run)(const struct mgmt_shell *sh, int argc, char **argv);
	const char *usage;
	const char *what;
} commands[] = {
	{ "list", 0, 0, cmd_list, "list", "every domain: id, state, vcpus, memory, cpu time, exits" },
	{ "create", 1, 6, cmd_create,
	  "create NAME [memory=M] [vcpus=N] [weight=W] [cpus=LIST] [extra=\"...\"]",
	  "start the configured domain NAME" },
	{ "destroy", 1, 1, cmd_destroy, "destroy ID|NAME", "end a domain, freeing its memory" },
	{ "pause", 1, 1, cmd_pause, "pause ID|NAME", "stop running a domain's vcpus" },
	{ "unpause", 1, 1, cmd_unpause, "unpause ID|NAME", "let a paused domain run again" },
	{ "sched", 1, 3, cmd_sched, "sched ID|NAME [weight=W] [cpus=LIST]",
	  "show or set a domain's weight and cpus" },
	{ "console", 1, 1, cmd_console, "console ID|NAME", "print a domain's console output" },
	{ "stats", 1, 2, cmd_stats, "stats ID|NAME [VCPU]", "VM exits of one vcpu by reason" },
	{ "trace", 2, 2, cmd_trace, "trace ID|NAME on|off", "record every exit; printed when it ends" },
	{ "trigger", 2, 2, cmd_trigger, "trigger ID|NAME power", "press a domain's ACPI power button" },
	{ "wait", 0, 0, cmd_wait, "wait", "until no other domain is running, paused or asleep" },
	{ "waitfor", 2, 3, cmd_waitfor, "waitfor ID|NAME STATE|console TEXT",
	  "until a domain is in STATE (asleep, ended, ...) or has printed TEXT" },
	{ "sleep", 1, 1, cmd_sleep, "sleep MS", "let the other domains run MS milliseconds" },
	{ "repeat", 2, 2, cmd_repeat, "repeat N \"CMD; CMD...\"", "run the commands N times" },
	{ "diag-nmi", 1, 1, cmd_diag_nmi, "diag-nmi CPU", "diagnostic: send a CPU a host NMI" },
	{ "diag-hang", 1, 1, cmd_diag_hang, "diag-hang MS", "diagnostic: hold this CPU in the hypervisor MS ms" },
	{ "shutdown", 0, 0, cmd_shutdown, "shutdown", "end every domain and power off" },
	{ "help", 0, 0, cmd_help, "help", "this list" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static enum shell_result cmd_help(const struct mgmt_shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < NCOMMANDS; i++)
		P("  %s\n      %s\n", commands[i].usage, commands[i].what);
	P("help: %zu commands; Ctrl-A three times moves the console to the next domain\n",
	  NCOMMANDS);
	return SHELL_OK;
}

enum shell_result mgmt_shell_exec(const struct mgmt_shell *sh, char *line)
{
	struct mgmt_args a;
	int argc = mgmt_split_args(line, &a);
	if (argc == ARGS_ERR_QUOTE) {
		P("mgmt: unterminated quote\n");
		return SHELL_FAILED;
	}
	if (argc == ARGS_ERR_TOO_MANY) {
		P("mgmt: too many words (at most %d)\n", MGMT_MAX_ARGS);
		return SHELL_FAILED;
	}
	if (argc == 0)
		return SHELL_OK;

	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *c = &commands[i];
		if (strlen(c->name) != strlen(a.argv[0]) ||
		    memcmp(c->name, a.argv[0], strlen(c->name)) != 0)
			continue;
		if (argc - 1 < c->min_args || argc - 1 > c->max_args) {
			P("usage: %s\n", c->usage);
			return SHELL_FAILED;
		}
		return c->run(sh, argc, a.argv);
	}
	P("mgmt: unknown command '%s'; 'help' lists the commands\n", a.argv[0]);
	return SHELL_FAILED;
}
