/* The root-mode watchdog (watchdog.c). */
#ifndef SCHED_WATCHDOG_H
#define SCHED_WATCHDOG_H

#include <stdint.h>
#include "cpu/pcpu.h"

#define WATCHDOG_NONE 0xffffffffu   /* serving_dom / serving_vcpu: no vCPU */

/* A CPU that spends limit_tsc TSC cycles in root mode without its scheduler going round is reported; 0: never. */
void watchdog_init(uint64_t limit_tsc, uint64_t tsc_per_ms);
/* This CPU goes round (or enters a guest, serving domain dom's vCPU vcpu). */
static inline void watchdog_alive(struct pcpu *cpu, uint64_t now, uint32_t dom, uint32_t vcpu)
{
	cpu->alive_tsc = now;
	cpu->serving_dom = dom;
	cpu->serving_vcpu = vcpu;
}
/* Look at the other CPUs (at most every few milliseconds); called each time round the scheduler's loop. */
void watchdog_check(struct pcpu *self, uint64_t now);

#endif
