/*
 * IA32_DEBUGCTL and single-stepping on branches: the MSR reads 0 at first,
 * keeps BTF, drops LBR (no last-branch records are offered) and refuses the
 * other bits with #GP. With TF and BTF set a #DB comes after the first taken
 * branch only, not after an instruction that exits (CPUID here), which the
 * hypervisor completes and must not step as it would without BTF.
 */
#include "guest.h"
#include "hw/msr.h"
#include "trap.h"
#include "traps.h"

extern const uint8_t step_after_cpuid[], step_after_nop[], step_target[], step_db_entry[];
extern volatile uint64_t step_db_rip;
extern volatile uint32_t step_db_count;
void step_run(void);

/* One run of step_run under the #DB gate; the #DBs taken, the first one's RIP in *rip. */
static uint32_t stepped(uint64_t *rip)
{
	step_db_count = 0;
	step_db_rip = 0;
	trap_set_gate(VEC_DB, (uintptr_t)step_db_entry);
	step_run();
	trap_reset_gate(VEC_DB);
	*rip = step_db_rip;
	return step_db_count;
}

static const char *place(uint64_t rip)
{
	return rip == (uintptr_t)step_after_cpuid ? "after CPUID" :
	       rip == (uintptr_t)step_after_nop   ? "after the NOP after CPUID" :
	       rip == (uintptr_t)step_target      ? "at the branch target" : "elsewhere";
}

/* The first #DB must be at one of want[0..n): the places hardware (or an emulator) may give. */
static void check_step(const char *what, const uint8_t *const *want, unsigned n)
{
	uint64_t rip;
	uint32_t count = stepped(&rip);
	gprintf(TAG "single step %s: %u #DB, %s\n", what, count, place(rip));
	bool ok = false;
	for (unsigned i = 0; i < n; i++)
		ok |= rip == (uintptr_t)want[i];
	if (count != 1 || !ok)
		fail("single step %s: %u #DB, the first %s (0x%lx)", what, count, place(rip), rip);
}

void check_debugctl(void)
{
	uint64_t first = rdmsr(MSR_IA32_DEBUGCTL);
	wrmsr(MSR_IA32_DEBUGCTL, DEBUGCTL_BTF | DEBUGCTL_LBR);
	uint64_t kept = rdmsr(MSR_IA32_DEBUGCTL);
	gprintf(TAG "debugctl 0x%lx, with BTF|LBR written 0x%lx\n", first, kept);
	if (first != 0)
		fail("IA32_DEBUGCTL reads 0x%lx at first, expected 0", first);
	if (kept != DEBUGCTL_BTF)
		fail("IA32_DEBUGCTL reads 0x%lx after BTF|LBR, expected BTF (0x2)", kept);
	expect_wrmsr_gp(MSR_IA32_DEBUGCTL, DEBUGCTL_BTF | BIT(7), "wrmsr debugctl BTF|BTS");
	expect_wrmsr_gp(MSR_IA32_DEBUGCTL, BIT(16), "wrmsr debugctl bit 16");

	wrmsr(MSR_IA32_DEBUGCTL, 0);
	check_step("without BTF", (const uint8_t *const[]){ step_after_cpuid }, 1);
	/* Bochs 2.7 keeps BTF but steps every instruction: the NOP's #DB. */
	wrmsr(MSR_IA32_DEBUGCTL, DEBUGCTL_BTF);
	check_step("with BTF", (const uint8_t *const[]){ step_target, step_after_nop }, 2);
	wrmsr(MSR_IA32_DEBUGCTL, 0);
}
