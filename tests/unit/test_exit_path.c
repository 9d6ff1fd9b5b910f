/*
 * Host tests of the exit path (vmx/exit.c and the handlers it dispatches
 * to), over a fake VMCS (fake_vmcs.h): every exit is taken both ways a
 * guest can be re-entered, by the exit stub at once (fast resume) and by the
 * scheduler through vmx_run, in two domains that differ only in that, and
 * must leave the guest the same: its registers as each way reloads them
 * (the stub only those C may change, GPRS_KEPT_BY_C being still the
 * guest's), its VMCS state, its RAM, its devices, its console and the
 * statistics. Each exit's own result is checked on the way (CPUID's answer
 * and its cache, STI blocking and a single step ended as on hardware,
 * hypercalls, port I/O on the UART, MSRs, control registers, MMIO loads
 * into every kind of register).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dev/bus.h"
#include "dev/uart.h"
#include "hinoki/hypercall.h"
#include "hw/apic.h"
#include "hw/cpuid.h"
#include "hw/cr.h"
#include "hw/ept.h"
#include "hw/msr.h"
#include "hw/segment.h"
#include "hw/uart.h"
#include "lib/x86.h"
#include "vmx/apicv.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/fpu.h"
#include "vmx/guest.h"
#include "vmx/guest_cr.h"
#include "vmx/guest_desc.h"
#include "vmx/inject.h"
#include "vmx/vmx.h"
#include "check.h"

struct fake_vmcs fake_vmcs;
struct vmx_caps vmx_caps;

/* ---- what the code under test calls outside it ---- */

#define LOG_TO_STDERR(fmt) do { va_list ap; va_start(ap, fmt); vfprintf(stderr, fmt, ap); va_end(ap); } while (0)
void log_info(const char *fmt, ...) { LOG_TO_STDERR(fmt); }
void log_err(const char *fmt, ...) { LOG_TO_STDERR(fmt); }

static enum exit_action not_under_test(struct vcpu *v)
{
	return exit_stop(v, "a handler these tests do not cover ran");
}

/* The handlers the exit table names from files these tests do not build. */
enum exit_action exit_nmi(struct vcpu *v) { return not_under_test(v); }
enum exit_action exit_external_interrupt(struct vcpu *v) { return not_under_test(v); }
enum exit_action exit_preemption_timer(struct vcpu *v) { return not_under_test(v); }
enum exit_action exit_hlt(struct vcpu *v) { return not_under_test(v); }
enum exit_action exit_apic_access(struct vcpu *v) { return not_under_test(v); }
enum exit_action exit_apic_write(struct vcpu *v) { return not_under_test(v); }
enum exit_action exit_virtualized_eoi(struct vcpu *v) { return not_under_test(v); }
void vmcs_dump(void) {}
unsigned vmx_entry_explain(char *first, size_t size) { (void)size; first[0] = 0; return 0; }
void apicv_apic_base_changed(struct vcpu *v) { (void)v; }
void apicv_sync(struct vcpu *v) { (void)v; abort(); }   /* the domains here have no APIC virtualization */
void vmcs_real_mode_entry(struct guest_entry *e, uint16_t cs, uint16_t ip) { (void)e, (void)cs, (void)ip; abort(); }
void vmcs_reset_guest(struct vcpu *v, const struct guest_entry *e) { (void)v, (void)e; abort(); }
enum exit_action guest_ltr(struct vcpu *v, uint16_t sel, unsigned len) { (void)sel, (void)len; return not_under_test(v); }
enum exit_action guest_far_jmp(struct vcpu *v, uint16_t sel, uint64_t offset, unsigned len)
{
	(void)sel, (void)offset, (void)len;
	return not_under_test(v);
}
enum exit_action guest_mov_sreg(struct vcpu *v, enum seg_reg seg, uint16_t sel, unsigned len)
{
	(void)seg, (void)sel, (void)len;
	return not_under_test(v);
}
void fpu_xmm_read(struct vcpu *v, unsigned n, uint64_t out[2]) { (void)v, (void)n, (void)out; abort(); }
void fpu_xmm_write(struct vcpu *v, unsigned n, const uint64_t in[2]) { (void)v, (void)n, (void)in; abort(); }
uint64_t fpu_mmx_read(struct vcpu *v, unsigned n) { (void)v, (void)n; abort(); }
void fpu_mmx_write(struct vcpu *v, unsigned n, uint64_t val) { (void)v, (void)n, (void)val; abort(); }

/* ---- a domain with one vCPU, a UART, device memory and 64-bit paging ---- */

#define RAM_BYTES   0x10000u
#define CODE_GPA    0x4000u
#define STACK_GPA   0x8000u
#define DEVICE_GPA  0xfed00000u   /* the test's device memory, outside RAM */
#define DEVICE_SIZE 0x1000u
#define UART_PORT   0x3f8u
#define APIC_GPA    0xfee00000u   /* the local APIC's page, where it sits after a reset */

struct world {
	struct vmx_guest g;
	struct vcpu *v;
	struct bus bus;
	struct uart16550 uart;
	uint8_t *ram;
	uint8_t device[DEVICE_SIZE];
	char console[256];             /* the UART's output, then HC_CONSOLE_PUT's */
	unsigned console_len;
	uint64_t regs[GPR_COUNT];      /* the CPU's registers as the guest has them (RSP: in the VMCS) */
	unsigned fast, scheduled;      /* re-entries by the exit stub, by the scheduler */
	struct fake_vmcs vmcs;         /* the VMCS after the last exit */
};

static struct world *now_world;    /* whose console HC_CONSOLE_PUT writes to */

static void console_put(struct world *w, const uint8_t *p, uint64_t len)
{
	for (uint64_t i = 0; i < len && w->console_len < sizeof w->console; i++)
		w->console[w->console_len++] = (char)p[i];
}

static void uart_sink(void *ctx, uint8_t byte)
{
	console_put(ctx, &byte, 1);
}

static void dom_console_write(struct vmx_guest *g, const uint8_t *p, uint64_t len)
{
	(void)g;
	console_put(now_world, p, len);
}

static const struct vmx_dom_ops dom_ops = { .console_write = dom_console_write };

static uint64_t device_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)vcpu;
	uint64_t val = 0;
	memcpy(&val, (uint8_t *)dev + off, size);
	return val;
}

static enum bus_result device_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	(void)vcpu;
	memcpy((uint8_t *)dev + off, &val, size);
	return BUS_OK;
}

static const struct bus_device test_device = { "test memory", device_read, device_write, 0 };

static void *pages_alloc(void *ctx, unsigned pages)
{
	(void)ctx;
	void *p = aligned_alloc(4096, pages * 4096ul);
	return p ? memset(p, 0, pages * 4096ul) : 0;   /* as the frame allocator gives them */
}

static void pages_free(void *ctx, void *p, unsigned pages)
{
	(void)ctx, (void)pages;
	free(p);
}

static const struct page_account host_pages = { pages_alloc, pages_free, 0 };

/* Identity-mapped 1 GiB pages over the low 4 GiB: PML4 at 0, PDPT at 0x1000. */
static void build_page_tables(uint8_t *ram)
{
	uint64_t pml4e = 0x1000 | 0x7, pdpte[4];
	for (unsigned i = 0; i < 4; i++)
		pdpte[i] = (uint64_t)i << 30 | 0x80 | 0x7;   /* PS, user, write, present */
	memcpy(ram, &pml4e, sizeof pml4e);
	memcpy(ram + 0x1000, pdpte, sizeof pdpte);
}

/* A 64-bit ring-0 guest at CODE_GPA with distinct values in every register. */
static void world_init(struct world *w, bool fastpath)
{
	memset(w, 0, sizeof *w);
	memset(&fake_vmcs, 0, sizeof fake_vmcs);
	now_world = w;
	w->ram = aligned_alloc(4096, RAM_BYTES);
	memset(w->ram, 0, RAM_BYTES);
	build_page_tables(w->ram);

	bus_init(&w->bus);
	uart_init(&w->uart, uart_sink, w, (struct irq_line){ 0 });
	CHECK_EQ(bus_add(&w->bus.port, UART_PORT, 8, &uart_bus_device, &w->uart, 0), 0);
	CHECK_EQ(bus_add(&w->bus.mmio, DEVICE_GPA, DEVICE_SIZE, &test_device, w->device, 0), 0);

	w->g.id = 7;
	memcpy(w->g.name, "test", 5);
	w->g.ram_hpa = (uintptr_t)w->ram;
	w->g.ram_bytes = RAM_BYTES;
	w->g.bus = &w->bus;
	w->g.tsc_khz = 1000000;
	w->v = aligned_alloc(64, sizeof *w->v);
	memset(w->v, 0, sizeof *w->v);
	struct vcpu *v = w->v;
	v->guest = &w->g;
	v->exit_entry = vmx_exit;
	v->no_fast_resume = !fastpath;
	vlapic_init(&v->vlapic, pages_alloc(0, 1), 0, true);
	v->vlapic.attention = 0;   /* the first entry evaluated the new APIC (vmx_inject_pending) */
	CHECK_EQ(exit_stats_init(&v->stats, &host_pages), 0);
	w->g.nvcpus = 1;
	w->g.vcpus[0] = v;

	uint64_t cr0 = CR0_PE | CR0_PG | CR0_WP | CR0_ET | CR0_NE;
	vmcs_writenat(VMCS_GUEST_CR0, guest_cr0_real(cr0));
	vmcs_writenat(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_writenat(VMCS_CR0_GUEST_HOST_MASK, guest_cr0_mask());
	vmcs_writenat(VMCS_GUEST_CR4, guest_cr4_real(CR4_PAE));
	vmcs_writenat(VMCS_CR4_READ_SHADOW, CR4_PAE);
	vmcs_writenat(VMCS_CR4_GUEST_HOST_MASK, guest_cr4_mask());
	vmcs_writenat(VMCS_GUEST_CR3, 0);
	vmcs_write64(VMCS_GUEST_IA32_EFER, EFER_LME | EFER_LMA);
	vmcs_write32(VMCS_GUEST_CS_AR_BYTES, AR_TYPE(SEG_TYPE_CODE_XR_A) | AR_S | AR_P | AR_L | AR_G);
	vmcs_write32(VMCS_GUEST_SS_AR_BYTES, AR_TYPE(SEG_TYPE_DATA_RW_A) | AR_S | AR_P | AR_DB | AR_G);
	vmcs_write32(VMCS_GUEST_DS_AR_BYTES, AR_TYPE(SEG_TYPE_DATA_RW_A) | AR_S | AR_P | AR_DB | AR_G);
	vmcs_writenat(VMCS_GUEST_RIP, CODE_GPA);
	vmcs_writenat(VMCS_GUEST_RSP, STACK_GPA);
	vmcs_writenat(VMCS_GUEST_RFLAGS, RFLAGS_FIXED);
	for (unsigned r = 0; r < GPR_COUNT; r++)
		w->regs[r] = r == GPR_RSP ? 0 : 0x0101010101010101ull * (r + 1) ^ 0x8000000000000000ull;
}

/* What the resume action of an exit that the guest survives is, in this world. */
static enum exit_action resumed(const struct world *w)
{
	return w->v->no_fast_resume ? EXIT_RESUME : EXIT_RESUME_NOW;
}

/*
 * One exit of `reason` (its instruction `len` bytes, qualification `qual`)
 * with the registers in w->regs, and the re-entry the action asks for: the
 * exit stub's (it saved every register; it reloads the ones C may change,
 * and the rest still hold the guest's values), or, for EXIT_RESUME, the
 * scheduler's (as sched/sched.c: it closes the exit and injects what is
 * pending; vmx_run loads every register and clears gprs_written). Returns
 * the action.
 */
static enum exit_action take_exit(struct world *w, uint32_t reason, uint32_t len, uint64_t qual)
{
	struct vcpu *v = w->v;
	vmcs_write32(VMCS_VM_EXIT_REASON, reason);
	vmcs_write32(VMCS_VM_EXIT_INSTRUCTION_LEN, len);
	vmcs_writenat(VMCS_EXIT_QUALIFICATION, qual);
	memcpy(v->gpr, w->regs, sizeof v->gpr);
	v->exit_tsc = rdtsc();
	enum exit_action act = vmx_exit(v);
	if (act == EXIT_RESUME_NOW) {
		for (unsigned r = 0; r < GPR_COUNT; r++)
			if (r != GPR_RSP && !(GPRS_KEPT_BY_C >> r & 1))
				w->regs[r] = v->gpr[r];
		w->fast++;
	} else if (act == EXIT_RESUME) {
		vmx_exit_close(v, rdtsc());
		CHECK(vmx_inject_pending(v));
		for (unsigned r = 0; r < GPR_COUNT; r++)
			if (r != GPR_RSP)
				w->regs[r] = v->gpr[r];
		v->gprs_written = 0;
		w->scheduled++;
	}
	return act;
}

static uint64_t rip(void)
{
	return vmcs_readnat(VMCS_GUEST_RIP);
}

/*
 * Play the same exits in a domain with fast resume and in one without, and
 * check that the guest cannot tell them apart. `play` checks each exit's
 * own result as it goes.
 */
static void both_ways(void (*play)(struct world *w))
{
	static struct world w[2];
	for (unsigned i = 0; i < 2; i++) {
		world_init(&w[i], i == 0);
		play(&w[i]);
		w[i].vmcs = fake_vmcs;
	}
	struct world *fast = &w[0], *full = &w[1];
	CHECK(fast->fast > 0);
	CHECK_EQ(full->fast, 0);
	for (unsigned r = 0; r < GPR_COUNT; r++)
		if (fast->regs[r] != full->regs[r]) {
			fprintf(stderr, "  register %u: 0x%llx with fast resume, 0x%llx without\n", r,
			        (unsigned long long)fast->regs[r], (unsigned long long)full->regs[r]);
			CHECK(fast->regs[r] == full->regs[r]);
		}
	for (unsigned f = 0; f < FAKE_VMCS_FIELDS; f++)
		if (fast->vmcs.field[f] != full->vmcs.field[f]) {
			fprintf(stderr, "  VMCS field 0x%x: 0x%llx with fast resume, 0x%llx without\n", f,
			        (unsigned long long)fast->vmcs.field[f], (unsigned long long)full->vmcs.field[f]);
			CHECK(fast->vmcs.field[f] == full->vmcs.field[f]);
		}
	CHECK(memcmp(fast->ram, full->ram, RAM_BYTES) == 0);
	CHECK(memcmp(fast->device, full->device, DEVICE_SIZE) == 0);
	CHECK_EQ(fast->console_len, full->console_len);
	CHECK(memcmp(fast->console, full->console, fast->console_len) == 0);
	for (unsigned reg = UART_RBR; reg <= UART_SCR; reg++)
		if (reg != UART_RBR && reg != UART_IIR)   /* reads that change the UART's state */
			CHECK_EQ(uart_read(&fast->uart, reg), uart_read(&full->uart, reg));
	CHECK(memcmp(fast->v->vlapic.regs, full->v->vlapic.regs, LAPIC_MMIO_SIZE) == 0);
	CHECK_EQ(fast->v->misc_enable, full->v->misc_enable);
	uint64_t exits = fast->fast + fast->scheduled;
	CHECK_EQ(exit_stats_exits(&fast->v->stats), exits);
	CHECK_EQ(exit_stats_exits(&full->v->stats), exits);
	for (uint32_t reason = 0; reason < EXIT_STAT_REASONS; reason++) {
		struct exit_stat a, b;
		exit_stats_total(&fast->v->stats, reason, &a);
		exit_stats_total(&full->v->stats, reason, &b);
		CHECK_EQ(a.count, b.count);
	}
	for (unsigned i = 0; i < 2; i++) {
		exit_stats_free(&w[i].v->stats);
		free(w[i].v->vlapic.regs);
		free(w[i].v);
		free(w[i].ram);
	}
}

/* ---- the exits ---- */

static void play_cpuid(struct world *w)
{
	uint32_t a, b, c, d;
	cpuid(0, 0, &a, &b, &c, &d);
	for (unsigned round = 0; round < 2; round++) {   /* the policy's answer, then the cache's */
		uint64_t at = rip();
		w->regs[GPR_RAX] = 0;
		w->regs[GPR_RCX] = 0x1234;
		CHECK_EQ(take_exit(w, EXIT_REASON_CPUID, 2, 0), resumed(w));
		CHECK_EQ(w->regs[GPR_RBX], b);
		CHECK_EQ(w->regs[GPR_RDX], d);
		CHECK_EQ(w->regs[GPR_RCX], c);
		CHECK_EQ(rip(), at + 2);
	}
	/* Leaf 1: the hypervisor bit set, VMX hidden, the vCPU's APIC ID. */
	w->regs[GPR_RAX] = 1;
	CHECK_EQ(take_exit(w, EXIT_REASON_CPUID, 2, 0), resumed(w));
	CHECK(w->regs[GPR_RCX] & CPUID_1_ECX_HYPERVISOR);
	CHECK(!(w->regs[GPR_RCX] & CPUID_1_ECX_VMX));
	CHECK_EQ(w->regs[GPR_RBX] >> 24, 0);
	/* Hinoki's own leaf. */
	w->regs[GPR_RAX] = HINOKI_CPUID_MAX_LEAF;
	CHECK_EQ(take_exit(w, EXIT_REASON_CPUID, 3, 0), resumed(w));   /* a prefix: the exit's length is used */
	CHECK_EQ(w->regs[GPR_RBX], 7);
	CHECK_EQ(rip(), CODE_GPA + 9);
}

/* STI; CPUID under TF: the STI shadow ends and a single-step #DB is pending, as after the real instruction. */
static void play_cpuid_shadow_and_step(struct world *w)
{
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_STI);
	vmcs_writenat(VMCS_GUEST_RFLAGS, RFLAGS_FIXED | RFLAGS_IF | RFLAGS_TF);
	w->regs[GPR_RAX] = 0;
	CHECK_EQ(take_exit(w, EXIT_REASON_CPUID, 2, 0), resumed(w));
	CHECK_EQ(vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO), 0);
	CHECK_EQ(vmcs_readnat(VMCS_GUEST_PENDING_DBG_EXCEPTIONS), PENDING_DBG_BS);
}

/* IA32_MISC_ENABLE's CPUID limit, written by WRMSR, drops the kept leaf-0 answer. */
static void play_msrs(struct world *w)
{
	w->regs[GPR_RAX] = 0;
	CHECK_EQ(take_exit(w, EXIT_REASON_CPUID, 2, 0), resumed(w));
	uint32_t max = (uint32_t)w->regs[GPR_RAX];
	w->regs[GPR_RCX] = MSR_IA32_MISC_ENABLE;
	CHECK_EQ(take_exit(w, EXIT_REASON_MSR_READ, 2, 0), resumed(w));
	uint64_t misc = w->regs[GPR_RDX] << 32 | (uint32_t)w->regs[GPR_RAX];
	misc |= MISC_ENABLE_LIMIT_CPUID;
	w->regs[GPR_RAX] = (uint32_t)misc;
	w->regs[GPR_RDX] = misc >> 32;
	CHECK_EQ(take_exit(w, EXIT_REASON_MSR_WRITE, 2, 0), resumed(w));
	w->regs[GPR_RAX] = 0;
	CHECK_EQ(take_exit(w, EXIT_REASON_CPUID, 2, 0), resumed(w));
	CHECK_EQ(w->regs[GPR_RAX], max < CPUID_LIMITED_MAX_LEAF ? max : CPUID_LIMITED_MAX_LEAF);
	/* An MSR that does not exist: #GP injected, RIP left on the instruction. */
	uint64_t at = rip();
	w->regs[GPR_RCX] = 0x12345678;
	CHECK_EQ(take_exit(w, EXIT_REASON_MSR_READ, 2, 0), resumed(w));
	CHECK_EQ(rip(), at);
	CHECK_EQ(vmcs_read32(VMCS_VM_ENTRY_INTR_INFO), INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION |
	                                               INTR_INFO_DELIVER_CODE | VEC_GP);
	vmcs_write32(VMCS_VM_ENTRY_INTR_INFO, 0);   /* delivered by the entry */
}

static void play_hypercalls(struct world *w)
{
	w->regs[GPR_RAX] = HC_NULL;
	CHECK_EQ(take_exit(w, EXIT_REASON_VMCALL, 3, 0), resumed(w));
	CHECK_EQ(w->regs[GPR_RAX], 0);
	w->regs[GPR_RAX] = HC_VERSION;
	CHECK_EQ(take_exit(w, EXIT_REASON_VMCALL, 3, 0), resumed(w));
	CHECK_EQ(w->regs[GPR_RAX], HINOKI_VERSION);
	w->regs[GPR_RAX] = HC_DOMAIN_ID;
	CHECK_EQ(take_exit(w, EXIT_REASON_VMCALL, 3, 0), resumed(w));
	CHECK_EQ(w->regs[GPR_RAX], 7);
	memcpy(w->ram + 0x3000, "hello", 5);
	w->regs[GPR_RAX] = HC_CONSOLE_PUT;
	w->regs[GPR_RDI] = 0x3000;
	w->regs[GPR_RSI] = 5;
	CHECK_EQ(take_exit(w, EXIT_REASON_VMCALL, 3, 0), resumed(w));
	CHECK_EQ(w->regs[GPR_RAX], 5);
	CHECK(w->console_len == 5 && memcmp(w->console, "hello", 5) == 0);
	/* From ring 3: refused. */
	vmcs_write32(VMCS_GUEST_SS_AR_BYTES, vmcs_read32(VMCS_GUEST_SS_AR_BYTES) | AR_DPL(3));
	w->regs[GPR_RAX] = HC_VERSION;
	CHECK_EQ(take_exit(w, EXIT_REASON_VMCALL, 3, 0), resumed(w));
	CHECK_EQ(w->regs[GPR_RAX], (uint64_t)-HC_EPERM);
	CHECK_EQ(rip(), CODE_GPA + 15);
}

static uint64_t io_qual(uint16_t port, unsigned size, bool in)
{
	return (uint64_t)port << 16 | (in ? 1u << 3 : 0) | (size - 1);
}

static void play_uart(struct world *w)
{
	uint64_t rax = w->regs[GPR_RAX];
	CHECK_EQ(take_exit(w, EXIT_REASON_IO_INSTRUCTION, 1, io_qual(UART_PORT + UART_LSR, 1, true)), resumed(w));
	CHECK_EQ(w->regs[GPR_RAX], (rax & ~0xffull) | 0x60);   /* AL only: transmitter empty */
	w->regs[GPR_RAX] = 0xa5;
	CHECK_EQ(take_exit(w, EXIT_REASON_IO_INSTRUCTION, 1, io_qual(UART_PORT + UART_SCR, 1, false)), resumed(w));
	w->regs[GPR_RAX] = 0;
	/* A prefixed IN (3e ec) runs once, its length the exit's. */
	CHECK_EQ(take_exit(w, EXIT_REASON_IO_INSTRUCTION, 2, io_qual(UART_PORT + UART_SCR, 1, true)), resumed(w));
	CHECK_EQ(w->regs[GPR_RAX], 0xa5);
	w->regs[GPR_RAX] = 'H';
	CHECK_EQ(take_exit(w, EXIT_REASON_IO_INSTRUCTION, 1, io_qual(UART_PORT + UART_THR, 1, false)), resumed(w));
	CHECK(w->console_len == 1 && w->console[0] == 'H');
	/* A port nobody claims reads all ones in the access's width (EAX zero-extended into RAX). */
	w->regs[GPR_RAX] = ~0ull << 40;
	CHECK_EQ(take_exit(w, EXIT_REASON_IO_INSTRUCTION, 1, io_qual(0x1234, 4, true)), resumed(w));
	CHECK_EQ(w->regs[GPR_RAX], 0xffffffffull);
	CHECK_EQ(rip(), CODE_GPA + 6);
}

/*
 * The instruction `insn` at RIP accessing guest-physical `gpa` (through RBX,
 * its address register) outside RAM: an EPT violation.
 */
static enum exit_action mmio_access(struct world *w, const uint8_t *insn, unsigned len, uint64_t gpa, bool write)
{
	memcpy(w->ram + rip(), insn, len);
	w->regs[GPR_RBX] = gpa;
	vmcs_write64(VMCS_GUEST_PHYSICAL_ADDRESS, gpa);
	vmcs_writenat(VMCS_GUEST_LINEAR_ADDRESS, gpa);
	return take_exit(w, EXIT_REASON_EPT_VIOLATION, 0,
	                 (write ? EPT_QUAL_WRITE : EPT_QUAL_READ) | EPT_QUAL_GLA_VALID | EPT_QUAL_GLA_TRANSLATED);
}

/*
 * Loads of the device's 64-bit words: those into RBP or R12-R15 must come
 * back whichever way the guest is re-entered, though the exit stub does not
 * reload those registers itself: such an exit is re-entered by the scheduler.
 */
static void play_mmio_loads(struct world *w)
{
	static const struct { uint8_t insn[3]; enum gpr dst; bool kept; } load[] = {
		{ { 0x48, 0x8b, 0x03 }, GPR_RAX, false },   /* mov rax, [rbx] */
		{ { 0x48, 0x8b, 0x2b }, GPR_RBP, true },    /* mov rbp, [rbx] */
		{ { 0x4c, 0x8b, 0x23 }, GPR_R12, true },    /* mov r12, [rbx] */
		{ { 0x4c, 0x8b, 0x3b }, GPR_R15, true },    /* mov r15, [rbx] */
		{ { 0x4c, 0x8b, 0x03 }, GPR_R8, false },    /* mov r8, [rbx] */
	};
	for (unsigned i = 0; i < sizeof load / sizeof load[0]; i++) {
		uint64_t val = 0x5a5a000000000000ull | i << 8 | 0x11;
		memcpy(w->device + 8 * i, &val, 8);
		uint64_t at = rip();
		enum exit_action act = mmio_access(w, load[i].insn, 3, DEVICE_GPA + 8 * i, false);
		CHECK_EQ(act, load[i].kept ? EXIT_RESUME : resumed(w));
		CHECK_EQ(w->regs[load[i].dst], val);
		CHECK_EQ(rip(), at + 3);
	}
	/* A store, for the device's side. */
	static const uint8_t store[] = { 0x4c, 0x89, 0x33 };   /* mov [rbx], r14 */
	CHECK_EQ(mmio_access(w, store, sizeof store, DEVICE_GPA + 0x100, true), resumed(w));
	uint64_t stored;
	memcpy(&stored, w->device + 0x100, 8);
	CHECK_EQ(stored, w->regs[GPR_R14]);
}

static uint64_t cr_qual(unsigned cr, enum cr_access_type type, enum gpr gpr)
{
	return cr | (unsigned)type << 4 | (unsigned)gpr << 8;
}

/*
 * CR8 is the virtual APIC's TPR: a write makes what may be delivered change,
 * so the scheduler re-enters the guest after it, to inject; a read into R13
 * must come back like the MMIO loads above.
 */
static void play_control_registers(struct world *w)
{
	w->regs[GPR_RAX] = 5;
	CHECK_EQ(take_exit(w, EXIT_REASON_CR_ACCESS, 4, cr_qual(8, CR_ACCESS_MOV_TO, GPR_RAX)), EXIT_RESUME);
	CHECK_EQ(take_exit(w, EXIT_REASON_CR_ACCESS, 4, cr_qual(8, CR_ACCESS_MOV_FROM, GPR_R13)), EXIT_RESUME);
	CHECK_EQ(w->regs[GPR_R13], 5);
	CHECK_EQ(take_exit(w, EXIT_REASON_CR_ACCESS, 4, cr_qual(8, CR_ACCESS_MOV_FROM, GPR_RSI)), resumed(w));
	CHECK_EQ(w->regs[GPR_RSI], 5);
	/* TS set by MOV to CR0, cleared by CLTS; CR0.PG cleared in 64-bit mode is #GP, RIP left. */
	w->regs[GPR_RDX] = guest_cr0() | CR0_TS;
	CHECK_EQ(take_exit(w, EXIT_REASON_CR_ACCESS, 3, cr_qual(0, CR_ACCESS_MOV_TO, GPR_RDX)), resumed(w));
	CHECK(guest_cr0() & CR0_TS);
	CHECK_EQ(take_exit(w, EXIT_REASON_CR_ACCESS, 2, cr_qual(0, CR_ACCESS_CLTS, 0)), resumed(w));
	CHECK(!(guest_cr0() & CR0_TS));
	uint64_t at = rip();
	w->regs[GPR_RDX] = guest_cr0() & ~CR0_PG;
	CHECK_EQ(take_exit(w, EXIT_REASON_CR_ACCESS, 3, cr_qual(0, CR_ACCESS_MOV_TO, GPR_RDX)), resumed(w));
	CHECK_EQ(rip(), at);
	CHECK_EQ(vmcs_read32(VMCS_VM_ENTRY_INTR_INFO), INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION |
	                                               INTR_INFO_DELIVER_CODE | VEC_GP);
	CHECK(guest_cr0() & CR0_PG);
}

/* MOV [RBX], EAX with RBX at one of the local APIC's registers. */
static enum exit_action apic_store(struct world *w, uint32_t reg, uint32_t val)
{
	static const uint8_t store[] = { 0x89, 0x03 };
	w->regs[GPR_RAX] = val;
	return mmio_access(w, store, sizeof store, APIC_GPA + reg, true);
}

/*
 * A self-IPI: the vector the exit made pending keeps the guest from being
 * re-entered at once, and the scheduler's entry injects it; then exits go
 * back to the fast way.
 */
static void play_self_ipi(struct world *w)
{
	vmcs_writenat(VMCS_GUEST_RFLAGS, RFLAGS_FIXED | RFLAGS_IF);
	CHECK_EQ(apic_store(w, APIC_REG_SVR, APIC_SVR_ENABLE | 0xff), EXIT_RESUME);   /* the enable: looked at again */
	CHECK_EQ(vmcs_read32(VMCS_VM_ENTRY_INTR_INFO), 0);
	CHECK_EQ(apic_store(w, APIC_REG_ICR_LOW, APIC_ICR_DEST_SELF | 0x40), EXIT_RESUME);
	CHECK_EQ(vmcs_read32(VMCS_VM_ENTRY_INTR_INFO), INTR_INFO_VALID | INTR_TYPE_EXT_INTR | 0x40);
	CHECK_EQ(rip(), CODE_GPA + 4);
	/* The guest took it (the CPU clears the field at the entry); no more is pending. */
	vmcs_write32(VMCS_VM_ENTRY_INTR_INFO, 0);
	w->regs[GPR_RAX] = 0;
	CHECK_EQ(take_exit(w, EXIT_REASON_CPUID, 2, 0), EXIT_RESUME);   /* the entry's injection is checked first */
	CHECK_EQ(take_exit(w, EXIT_REASON_CPUID, 2, 0), resumed(w));
}

static void test_cpuid(void) { both_ways(play_cpuid); }
static void test_cpuid_shadow_and_step(void) { both_ways(play_cpuid_shadow_and_step); }
static void test_msrs(void) { both_ways(play_msrs); }
static void test_hypercalls(void) { both_ways(play_hypercalls); }
static void test_uart(void) { both_ways(play_uart); }
static void test_control_registers(void) { both_ways(play_control_registers); }
static void test_mmio_loads(void) { both_ways(play_mmio_loads); }
static void test_self_ipi(void) { both_ways(play_self_ipi); }

int main(void)
{
	uint32_t a, b, c, d;
	cpuid(0, 0, &a, &b, &c, &d);
	vmx_caps.cpuid_max_basic = a;
	cpuid(CPUID_LEAF_EXT_MAX, 0, &a, &b, &c, &d);
	vmx_caps.cpuid_max_ext = a;
	vmx_caps.ins_outs_info = true;
	/* IA32_VMX_CR0_FIXED0/1 and CR4_FIXED0/1 as a Skylake reports them. */
	vmx_caps.cr0_fixed0 = CR0_PE | CR0_NE | CR0_PG;
	vmx_caps.cr0_fixed1 = 0xffffffff;
	vmx_caps.cr4_fixed0 = CR4_VMXE;
	vmx_caps.cr4_fixed1 = 0x3767ff;
	vmx_set_dom_ops(&dom_ops);

	RUN(test_cpuid);
	RUN(test_cpuid_shadow_and_step);
	RUN(test_msrs);
	RUN(test_hypercalls);
	RUN(test_uart);
	RUN(test_control_registers);
	RUN(test_mmio_loads);
	RUN(test_self_ipi);
	return CHECK_EXIT();
}
