/*
 * Port I/O exits. Every port exits (unconditional I/O exiting); the
 * access goes to the domain's device bus (dev/bus.c), which knows the
 * devices and answers for unclaimed ports.
 *
 * String I/O (INS/OUTS, with or without REP) is carried out element by
 * element as the processor would: the memory operand through the guest's
 * page tables (vmx/guest_mem.c), RAM or a device's memory, the index register (RDI for INS, RSI for
 * OUTS) stepped by the element size, down when RFLAGS.DF is set, and both it
 * and RCX wrapped to the instruction's address size. The exit gives the
 * first element's linear address (segment base included) and the address
 * size; later elements lie at that base plus the stepped offset. REP goes
 * in batches (vmx/guest_mem.h, string_begin). A page fault
 * on an element leaves the registers counting the elements done before it,
 * RIP on the instruction, and raises #PF; for INS the page is checked
 * before the port is read, so that no input is lost to the fault.
 */
#include "dev/bus.h"
#include "hw/vmx_exit.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/guest_mem.h"

/* Out of line: the single-port path stays short. */
static __attribute__((noinline)) enum exit_action string_io(struct vcpu *v, uint64_t q, uint16_t port, unsigned size)
{
	bool in = io_qual_in(q);
	if (!vmx_caps.ins_outs_info)
		return exit_stop(v, "string I/O on port 0x%x: the CPU does not report INS/OUTS instruction "
		                 "information (IA32_VMX_BASIC bit 54)", port);
	unsigned abytes = io_info_addr_bytes(vmcs_read32(VMCS_VM_EXIT_INSTRUCTION_INFO));
	struct string_steps s = string_begin(v, abytes, size, io_qual_rep(q));
	uint32_t len = vmcs_read32(VMCS_VM_EXIT_INSTRUCTION_LEN);
	if (s.count == 0) {
		vcpu_retire_insn(len);
		return EXIT_RESUME;
	}
	unsigned idx = in ? GPR_RDI : GPR_RSI;
	uint64_t off = string_offset(v, &s, idx);
	uint64_t base = vmcs_readnat(VMCS_GUEST_LINEAR_ADDRESS) - off;
	const char *what = in ? "INS" : "OUTS";
	uint64_t done = 0;
	bool stop = false;

	for (; done < s.batch; done++, off = string_next(&s, off)) {
		uint64_t la = string_linear(&s, base, off);
		uint32_t val = 0;
		if (in) {
			if (!vcpu_access_linear(v, la, 0, size, true, what, &stop))
				break;
			val = bus_port_in(v->guest->bus, v->id, port, size);
			/* Only another vCPU's change to the tables since the check can fail this: the element is lost. */
			if (!vcpu_access_linear(v, la, &val, size, true, what, &stop))
				break;
		} else {
			if (!vcpu_access_linear(v, la, &val, size, false, what, &stop))
				break;
			if (bus_port_out(v->guest->bus, v->id, port, size, val) != BUS_OK)
				return EXIT_STOPPED;
		}
	}
	if (stop)
		return EXIT_STOPPED;
	string_set_index(v, &s, idx, off);
	string_end(v, &s, done, len);
	return EXIT_RESUME;
}

enum exit_action exit_io(struct vcpu *v)
{
	unsigned long q = exit_qual();
	uint16_t port = (uint16_t)io_qual_port(q);
	unsigned size = io_qual_size(q);
	exit_set_key(v, port);

	if (io_qual_string(q))
		return string_io(v, q, port, size);
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
