/*
 * The exit port's write: the code goes to the domain's end function, and
 * BUS_DOMAIN_ENDED makes the exit handler stop the vCPU instead of resuming
 * it. Only the low byte counts, as QEMU's isa-debug-exit keeps it.
 */
#include "dev/exit_port.h"
#include "hinoki/hypercall.h"
#include "hw/emulator_exit.h"

/* A guest's exit then works alike under Hinoki and straight under QEMU. */
_Static_assert(HINOKI_PORT_EXIT == ISA_DEBUG_EXIT_PORT, "the guest exit port is QEMU's isa-debug-exit");

#define EXIT_CODE_MASK 0xffu

static enum bus_result exit_port_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	const struct exit_port *p = dev;
	(void)vcpu, (void)off, (void)size;
	p->end(p->ctx, (int)(val & EXIT_CODE_MASK));
	return BUS_DOMAIN_ENDED;
}

const struct bus_device exit_port_bus_device = { "exit port", bus_read_open, exit_port_write, 0 };
