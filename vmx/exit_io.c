/*
 * Port I/O exits. Every port exits (unconditional I/O exiting); the
 * access goes to the domain's device bus (dev/bus.c), which knows the
 * devices and answers for unclaimed ports. String I/O (INS/OUTS) is not
 * emulated yet and stops the domain with that reason.
 */
#include "dev/bus.h"
#include "hw/vmx_exit.h"
#include "vmx/exit.h"
#include "vmx/guest.h"

enum exit_action exit_io(struct vcpu *v)
{
	unsigned long q = exit_qual();
	uint16_t port = (uint16_t)io_qual_port(q);
	unsigned size = io_qual_size(q);
	exit_set_key(v, port);

	if (io_qual_string(q)) {
		return exit_stop(v, "string I/O (%s) on port 0x%x is not emulated",
		                 io_qual_in(q) ? "INS" : "OUTS", port);
	}
	if (io_qual_in(q)) {
		uint32_t val = bus_port_in(v->guest->bus, v->id, port, size);
		uint64_t *rax = &v->gpr[GPR_RAX];
		if (size == 1)
			*rax = (*rax & ~0xffULL) | (val & 0xff);
		else if (size == 2)
			*rax = (*rax & ~0xffffULL) | (val & 0xffff);
		else
			*rax = val;   /* a 32-bit destination zero-extends in 64-bit mode */
	} else {
		uint32_t val = (uint32_t)(v->gpr[GPR_RAX] & bus_open(size));
		if (bus_port_out(v->guest->bus, v->id, port, size, val) != BUS_OK)
			return EXIT_STOPPED;
	}
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
