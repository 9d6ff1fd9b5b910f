/*
 * The machine-wide side of domain lifecycles: releasing a domain that left
 * the running state (on whichever CPU notices first), destruction and pause
 * on request, the console input poll, and power-off when nothing is left.
 */
#ifndef DOM_LIFECYCLE_H
#define DOM_LIFECYCLE_H

#include "sched/sched.h"

struct domain;

/* What the CPU loops report (sched/sched.h), for sched_init. */
extern const struct sched_dom_ops lifecycle_sched_ops;

/* Also gives the exit handlers their way up (struct vmx_dom_ops, vmx/vmx.h). */
void lifecycle_init(void);
/* d has left the running state: wait for its vCPUs to leave every CPU, print its statistics, free it. */
void lifecycle_finish(struct domain *d);
/* Destroy a domain (management request). */
void lifecycle_destroy(struct domain *d);
void lifecycle_pause(struct domain *d);
void lifecycle_unpause(struct domain *d);
/* True while some domain is running or paused. */
int lifecycle_any_live(void);
/* Summary of every domain, then power off. */
void lifecycle_shutdown(void) __attribute__((noreturn));
/*
 * A new domain takes serial input in its turn (the management domain gets
 * the focus at once); a restarted one (`replaces`, else NULL) takes its
 * predecessor's turn, and the focus if it had it.
 */
void lifecycle_console_join(struct domain *d, const struct domain *replaces);
/* Whether serial input goes to d now (its prompt should then show before a newline). */
int lifecycle_console_focused(const struct domain *d);
/* CPU 0: take bytes from the real serial line and route them (hypervisor or a domain's UART). */
void lifecycle_poll_console(void);

#endif
