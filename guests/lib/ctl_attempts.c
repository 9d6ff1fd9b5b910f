/* The attempts of ctl_attempts.h, with buffers of their own inside the caller's RAM. */
#include "ctl_attempts.h"
#include "hc_ctl.h"

#define VICTIM_ID 0   /* the management domain */

static struct hinoki_dominfo info[4];
static struct hinoki_create req = { .name = "evil", .memory_mib = 4 };
static char console_buf[64];
static struct hinoki_console_read rd;
static struct hinoki_exit_stat stat_buf[4];

static long try_list(void)      { return hc_domctl_list(info, 4); }
static long try_create(void)    { return hc_domctl_create(&req); }
static long try_destroy(void)   { return hc_domctl_destroy(VICTIM_ID); }
static long try_pause(void)     { return hc_domctl_pause(VICTIM_ID); }
static long try_unpause(void)   { return hc_domctl_unpause(VICTIM_ID); }
static long try_sched(void)     { return hc_domctl_sched(VICTIM_ID, 1, 1); }
static long try_stats(void)     { return hc_domctl_stats(VICTIM_ID, 0, stat_buf, 4); }
static long try_shutdown(void)  { return hc_domctl_shutdown(); }
static long try_trace(void)     { return hc_domctl_trace(VICTIM_ID, 1); }
static long try_diag_nmi(void)  { return hc_domctl_diag_nmi(0); }
static long try_diag_hang(void) { return hc_domctl_diag_hang(1); }
static long try_trigger(void)   { return hc_domctl_trigger(VICTIM_ID, HINOKI_TRIGGER_POWER); }

static long try_console(void)
{
	rd = (struct hinoki_console_read){ .buf_gpa = (uintptr_t)console_buf,
	                                   .len = sizeof console_buf };
	return hc_domctl_console(VICTIM_ID, &rd);
}

const struct ctl_attempt ctl_attempts[] = {
	{ "HC_DOMCTL_LIST", try_list },
	{ "HC_DOMCTL_CREATE", try_create },
	{ "HC_DOMCTL_DESTROY", try_destroy },
	{ "HC_DOMCTL_PAUSE", try_pause },
	{ "HC_DOMCTL_UNPAUSE", try_unpause },
	{ "HC_DOMCTL_SCHED", try_sched },
	{ "HC_DOMCTL_CONSOLE", try_console },
	{ "HC_DOMCTL_STATS", try_stats },
	{ "HC_DOMCTL_SHUTDOWN", try_shutdown },
	{ "HC_DOMCTL_TRACE", try_trace },
	{ "HC_DOMCTL_DIAG_NMI", try_diag_nmi },
	{ "HC_DOMCTL_DIAG_HANG", try_diag_hang },
	{ "HC_DOMCTL_TRIGGER", try_trigger },
};
const size_t ctl_attempts_count = sizeof ctl_attempts / sizeof ctl_attempts[0];
