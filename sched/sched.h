/* Running vCPUs on a physical CPU. */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdint.h>

struct pcpu;

/* Time slice in TSC cycles, converted once from the config's microseconds. */
void sched_init(uint64_t slice_tsc);
/* Run every runnable vCPU until no domain is left running, then return. */
void sched_run(struct pcpu *cpu);

#endif
