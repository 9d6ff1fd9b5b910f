/*
 * Generates build/hv/asm_offsets.inc: struct offsets for vmx/entry.asm, taken
 * from the compiler so the assembly never holds a hand-written offset.
 * Compiled to assembly only; the Makefile extracts the @@OFFSET lines.
 */
#include <stddef.h>
#include "hw/vmcs_fields.h"
#include "dom/domain.h"
#include "hinoki/hypercall.h"
#include "hw/segment.h"
#include "hw/uart.h"
#include "vmx/caps.h"
#include "vmx/vcpu.h"

#define OFFSET(sym, type, member) \
	__asm__ volatile("\n@@OFFSET " #sym " %c0" :: "i"(offsetof(type, member)))
#define CONST(sym, val) __asm__ volatile("\n@@OFFSET " #sym " %c0" :: "i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(VCPU_RAX, struct vcpu, gpr[GPR_RAX]);
	OFFSET(VCPU_RCX, struct vcpu, gpr[GPR_RCX]);
	OFFSET(VCPU_RDX, struct vcpu, gpr[GPR_RDX]);
	OFFSET(VCPU_RBX, struct vcpu, gpr[GPR_RBX]);
	OFFSET(VCPU_RBP, struct vcpu, gpr[GPR_RBP]);
	OFFSET(VCPU_RSI, struct vcpu, gpr[GPR_RSI]);
	OFFSET(VCPU_RDI, struct vcpu, gpr[GPR_RDI]);
	OFFSET(VCPU_R8, struct vcpu, gpr[GPR_R8]);
	OFFSET(VCPU_R9, struct vcpu, gpr[GPR_R9]);
	OFFSET(VCPU_R10, struct vcpu, gpr[GPR_R10]);
	OFFSET(VCPU_R11, struct vcpu, gpr[GPR_R11]);
	OFFSET(VCPU_R12, struct vcpu, gpr[GPR_R12]);
	OFFSET(VCPU_R13, struct vcpu, gpr[GPR_R13]);
	OFFSET(VCPU_R14, struct vcpu, gpr[GPR_R14]);
	OFFSET(VCPU_R15, struct vcpu, gpr[GPR_R15]);
	OFFSET(VCPU_EXIT_TSC, struct vcpu, exit_tsc);
	OFFSET(VCPU_LAUNCHED, struct vcpu, launched);
	OFFSET(VCPU_STUB_CALLS, struct vcpu, stats.stub_calls);
	OFFSET(VCPU_FASTPATH, struct vcpu, fastpath);
	OFFSET(VCPU_IRQ_PENDING, struct vcpu, irq_pending);
	OFFSET(VCPU_STAT_CPUID, struct vcpu, stats.reason[EXIT_REASON_CPUID]);
	OFFSET(VCPU_STAT_VMCALL, struct vcpu, stats.reason[EXIT_REASON_VMCALL]);
	OFFSET(VCPU_STAT_IO, struct vcpu, stats.reason[EXIT_REASON_IO_INSTRUCTION]);
	OFFSET(VCPU_DOM, struct vcpu, dom);
	OFFSET(DOMAIN_UART, struct domain, uart);
	OFFSET(DOMAIN_PMT_ORIGIN, struct domain, pmtimer.tsc_origin);
	OFFSET(DOMAIN_PMT_HZ, struct domain, pmtimer.tsc_hz);
	CONST(PMTIMER_RATE, PMTIMER_HZ);
	CONST(PMTIMER_VALUE_MASK, PMTIMER_MASK);
	CONST(PMTIMER_PORT_NR, PMTIMER_PORT);
	CONST(IO_QUAL_SIZE4, 3);
	OFFSET(UART_OFF_SCR, struct uart16550, scr);
	OFFSET(UART_OFF_RX_COUNT, struct uart16550, rx_count);
	OFFSET(UART_OFF_LSR_ERRORS, struct uart16550, lsr_errors);
	CONST(UART_PORT_LSR, UART_COM1_BASE + UART_LSR);
	CONST(UART_PORT_SCR, UART_COM1_BASE + UART_SCR);
	CONST(UART_LSR_IDLE, UART_LSR_THRE | UART_LSR_TEMT);
	CONST(UART_LSR_DATA_READY, UART_LSR_DR);
	CONST(EXIT_REASON_IO_NR, EXIT_REASON_IO_INSTRUCTION);
	CONST(VMCS_FIELD_EXIT_QUALIFICATION, VMCS_EXIT_QUALIFICATION);
	/* I/O qualification: size bits 2:0 (0 = one byte) and string bit 4 must be clear for the fast path. */
	CONST(IO_QUAL_SIZE_STRING, 0x17);
	CONST(IO_QUAL_IN, 1 << 3);
	CONST(IO_QUAL_IMM_SHIFT, 6);
	OFFSET(STAT_COUNT, struct exit_stat, count);
	OFFSET(STAT_CYCLES, struct exit_stat, cycles);
	OFFSET(STAT_MIN, struct exit_stat, min);
	OFFSET(STAT_MAX, struct exit_stat, max);
	OFFSET(STAT_HIST, struct exit_stat, hist);
	CONST(FASTPATH_TRACED, VCPU_FASTPATH_TRACED);
	OFFSET(VCPU_TRACE_RING, struct vcpu, trace.ring);
	OFFSET(VCPU_TRACE_OFFSET, struct vcpu, trace.offset);
	CONST(TRACE_OFFSET_MASK, EXIT_TRACE_BYTES - 1);
	CONST(TRACE_ENTRY_SIZE, sizeof(struct trace_entry));
	OFFSET(TE_EXIT_TSC, struct trace_entry, exit_tsc);
	OFFSET(TE_ENTRY_TSC, struct trace_entry, entry_tsc);
	OFFSET(TE_QUAL, struct trace_entry, qual);
	OFFSET(TE_RIP, struct trace_entry, rip);
	OFFSET(TE_REASON, struct trace_entry, reason);
	CONST(VMCS_FIELD_EXIT_INSTRUCTION_LEN, VMCS_VM_EXIT_INSTRUCTION_LEN);
#ifdef HINOKI_NO_EXIT_STATS
	CONST(EXIT_STATS_FULL, 0);
#else
	CONST(EXIT_STATS_FULL, 1);
#endif
	CONST(EXIT_REASON_CPUID_NR, EXIT_REASON_CPUID);
	CONST(HC_NULL_NR, HC_NULL);
	CONST(HC_VERSION_NR, HC_VERSION);
	CONST(HC_VERSION_VALUE, HINOKI_VERSION);
	CONST(VMCS_FIELD_GUEST_SS_AR, VMCS_GUEST_SS_AR_BYTES);
	CONST(AR_DPL_MASK, AR_DPL(3));
	CONST(CPUID_INSN_LEN, 2);
	CONST(CPUID_FAST_LEAVES, CPUID_FAST_LEAVES);
	CONST(CPUID_HYPERVISOR_LEAVES, 0x40000000);
	OFFSET(CAPS_CPUID_HIGH_FAST, struct vmx_caps, cpuid_high_fast);
	CONST(VMCS_FIELD_HOST_RSP, VMCS_HOST_RSP);
	CONST(VMCS_FIELD_EXIT_REASON, VMCS_VM_EXIT_REASON);
	CONST(VMCS_FIELD_GUEST_RIP, VMCS_GUEST_RIP);
	CONST(EXIT_REASON_VMCALL_NR, EXIT_REASON_VMCALL);
	CONST(HC_NULL_STUB_NR, HC_NULL_STUB);
	CONST(VMCALL_INSN_LEN, 3);
}
