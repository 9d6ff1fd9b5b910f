/*
 * mgmt: the management domain (dom0). It runs the boot script the config
 * gives it (bootinfo.script_gpa), echoing each command as "mgmt> CMD", then,
 * unless the script shut the machine down, offers the same shell on its
 * console. The hypervisor routes serial input here while this domain has the
 * console focus. Waiting for input halts the vCPU with a timer armed, so an
 * idle shell costs a few exits per poll interval, not a CPU.
 * The commands live in shell.c; docs/mgmt.md is the manual.
 */
#include "guest.h"
#include "hc_ctl.h"
#include "lineedit.h"
#include "serial_in.h"
#include "tsc.h"

#include "parse.h"
#include "shell.h"

#define TAG              "mgmt: "
#define PROMPT           "mgmt> "
#define LINE_MAX         256
#define INPUT_POLL_MS    5      /* halt this long between looks at the UART */
#define WAIT_POLL_MS     50     /* `wait`: between looks at the domain list */
#define KEY_CTRL_C       0x03

static bool sleep_ms(uint32_t ms)
{
	uint64_t deadline = rdtsc() + tsc_from_ms(ms);
	while (rdtsc() < deadline) {
		/* Input wakes the halt; only Ctrl-C matters while a command runs. */
		int c = serial_getc_nonblock();
		if (c == KEY_CTRL_C)
			return true;
		tsc_halt_until(deadline);
	}
	return false;
}

static void echo(const char *s, size_t n)
{
	serial_write(s, n);
}

static const struct mgmt_ops hc_ops = {
	.list = hc_domctl_list,
	.create = hc_domctl_create,
	.destroy = hc_domctl_destroy,
	.pause = hc_domctl_pause,
	.unpause = hc_domctl_unpause,
	.sched = hc_domctl_sched,
	.console = hc_domctl_console,
	.stats = hc_domctl_stats,
	.trace = hc_domctl_trace,
	.diag_nmi = hc_domctl_diag_nmi,
	.diag_hang = hc_domctl_diag_hang,
	.trigger = hc_domctl_trigger,
	.shutdown = hc_domctl_shutdown,
	.sleep = sleep_ms,
	.print = gprintf,
	.write = serial_write,
};

/* The script, copied out of the boot area and bounded, or NULL. */
static const char *script_text(const struct hinoki_bootinfo *bi)
{
	static char copy[HINOKI_SCRIPT_MAX];
	if (!bi->script_gpa)
		return NULL;
	if (bi->script_gpa + HINOKI_SCRIPT_MAX > bi->mem_bytes) {
		gprintf(TAG "boot script at 0x%llx lies outside RAM; ignored\n",
		        (unsigned long long)bi->script_gpa);
		return NULL;
	}
	const char *src = (const char *)(uintptr_t)bi->script_gpa;
	size_t n = 0;
	while (n < sizeof copy - 1 && src[n])
		n++;
	memcpy(copy, src, n);
	copy[n] = '\0';
	return copy;
}

/* Returns true when the script ended with a successful `shutdown`. */
static bool run_script(const struct mgmt_shell *sh, const char *script)
{
	static char cmd[LINE_MAX];
	unsigned count = 0, failed = 0;
	enum script_status st;

	gprintf(TAG "running boot script\n");
	while ((st = mgmt_script_next(&script, cmd, sizeof cmd)) != SCRIPT_END) {
		count++;
		if (st == SCRIPT_TOO_LONG) {
			gprintf(TAG "script command %u is too long (at most %d characters); skipped\n",
			        count, LINE_MAX - 1);
			failed++;
			continue;
		}
		gprintf(PROMPT "%s\n", cmd);
		enum shell_result r = mgmt_shell_exec(sh, cmd);
		if (r == SHELL_SHUTDOWN)
			return true;
		if (r == SHELL_FAILED)
			failed++;
	}
	gprintf(TAG "boot script done: %u commands, %u failed\n", count, failed);
	return false;
}

static int interactive(const struct mgmt_shell *sh)
{
	static char buf[LINE_MAX];
	struct line_editor le;

	line_init(&le, buf, sizeof buf, echo);
	gprintf(PROMPT);
	for (;;) {
		int c = serial_getc_nonblock();
		if (c < 0) {
			tsc_halt_until(rdtsc() + tsc_from_ms(INPUT_POLL_MS));
			continue;
		}
		enum line_status st = line_feed(&le, c);
		if (st == LINE_PENDING)
			continue;
		if (st == LINE_DONE && mgmt_shell_exec(sh, buf) == SHELL_SHUTDOWN)
			return 0;
		line_reset(&le);
		gprintf(PROMPT);
	}
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	serial_init();
	if (bi->magic != HINOKI_BOOT_MAGIC || bi->version != HINOKI_BOOT_VERSION) {
		gprintf(TAG "bad boot information (magic or version)\n");
		return 1;
	}
	bool khz_known = tsc_init(bi);
	gprintf(TAG "management domain %.*s, id %u, %u vcpus, %llu MiB, TSC %u kHz%s\n",
	        (int)sizeof bi->domain_name, bi->domain_name, bi->domain_id, bi->vcpus,
	        (unsigned long long)(bi->mem_bytes >> 20), tsc_khz(),
	        khz_known ? "" : " (assumed)");
	if (!(bi->flags & HINOKI_BOOT_F_MGMT))
		gprintf(TAG "not started as the management domain: control commands will fail\n");

	const struct mgmt_shell sh = {
		.ops = &hc_ops,
		.self_id = bi->domain_id,
		.tsc_khz = tsc_khz(),
		.wait_poll_ms = WAIT_POLL_MS,
	};

	const char *script = script_text(bi);
	if (script && run_script(&sh, script))
		return 0;
	gprintf(TAG "type 'help' for the commands\n");
	return interactive(&sh);
}
