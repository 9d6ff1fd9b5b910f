/*
 * The table of CPUs online. boot/smp.c fills it as each CPU comes up, BSP
 * first, so indices are dense and equal each pcpu's id; the scheduler,
 * domains and TLB maintenance read it to reach another CPU.
 */
#include "cpu/pcpu.h"
#include "lib/log.h"

static struct pcpu *cpus[MAX_CPUS];
static unsigned ncpus;

unsigned pcpu_count(void)
{
	return ncpus;
}

struct pcpu *pcpu_get(unsigned i)
{
	return i < ncpus ? cpus[i] : 0;
}

void pcpu_add(struct pcpu *cpu)
{
	if (ncpus == MAX_CPUS || cpu->id != ncpus)
		panic("pcpu_add: cpu%u added as CPU index %u of at most %u\n", cpu->id, ncpus, MAX_CPUS);
	cpus[ncpus++] = cpu;
}
