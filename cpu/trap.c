/*
 * Host traps. Exceptions are fatal: print vector, error code, RIP and every
 * register, then power off with a failure status; the hypervisor never
 * continues after one of its own faults. Interrupts (only taken in the idle
 * loop) go to cpu/irq.c.
 *
 * An NMI is not a fault of the hypervisor but a signal from outside (another
 * CPU, a watchdog, the chipset), taken in root mode or raised again by the
 * NMI exit (vmx/exit_event.c): it is counted per CPU and logged later, outside
 * NMI context, where taking the console lock cannot deadlock with the code
 * the NMI interrupted. Nothing in the hypervisor sends NMIs but the
 * diagnostic HC_DOMCTL_DIAG_NMI, so powering off on one would let any stray
 * NMI end every domain; losing one without a word would hide it.
 */
#include "cpu/pcpu.h"
#include "cpu/power.h"
#include "cpu/irq.h"
#include "cpu/trap.h"
#include "hw/vmx_exit.h"
#include "lib/log.h"
#include "lib/x86.h"

#define TRAP_STUB_SIZE 16
extern const char trap_stubs[];

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
	"#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization exception", "#CP control protection",
};

uint64_t trap_entry_address(unsigned vector)
{
	return (uint64_t)(uintptr_t)trap_stubs + (uint64_t)vector * TRAP_STUB_SIZE;
}

static __attribute__((noreturn)) void fatal_exception(struct trap_frame *f)
{
	const char *name = exception_names[f->vector] ? exception_names[f->vector] : "reserved";
	log_panic_begin();
	log_printf("\nhinoki: panic: host exception %lu (%s) error code 0x%lx\n", f->vector, name, f->error_code);
	log_printf("  rip %016lx cs %04lx rflags %016lx rsp %016lx ss %04lx\n", f->rip, f->cs, f->rflags, f->rsp, f->ss);
	log_printf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	log_printf("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	log_printf("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
	log_printf("  r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
	log_printf("  cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx\n", read_cr0(), read_cr2(), read_cr3(), read_cr4());
	power_off(POWER_FAILURE);
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector == VEC_NMI) {
		/* Its IRETQ ends the blocking by NMI the delivery (or the NMI exit) began. */
		struct pcpu *cpu = this_cpu();
		cpu->nmi_rip = f->rip;   /* what a watchdog's NMI asks (sched/watchdog.c) */
		cpu->nmis = cpu->nmis + 1;
		return;
	}
	if (f->vector < TRAP_FIRST_IRQ)
		fatal_exception(f);
	irq_handle((unsigned)f->vector);
}

void trap_report_nmis(const char *during)
{
	struct pcpu *cpu = this_cpu();
	uint64_t n = cpu->nmis;
	if (n == cpu->nmis_reported)
		return;
	if (during)
		log_info("cpu%u: host NMI handled while domain %s ran (%lu so far)\n", cpu->id, during, n);
	else
		log_info("cpu%u: host NMI handled (%lu so far)\n", cpu->id, n);
	cpu->nmis_reported = n;
}
