/*
 * smpboot: a Multiboot 1 kernel that starts its second vCPU the way PC
 * kernels (and kvm-unit-tests' x86 start-up) start processors: it copies a
 * 16-bit trampoline (header.asm) below 1 MiB, sends APIC ID 1 an INIT (with
 * the de-assert old APICs wanted) and a STARTUP IPI through the xAPIC's ICR,
 * polling delivery status after each write, and waits for the trampoline's
 * magic, then for the AP to reach 64-bit mode through protected mode and
 * paging on page tables built here, as kvm-unit-tests' APs do. Then it checks
 * the rules a running processor follows: another SIPI does not restart it;
 * an INIT (here to all but itself) stops it, and a SIPI then starts it
 * again from the trampoline. Last, the AP halts
 * with interrupts on and takes one fixed IPI: its HLT returns once, and the
 * next HLT waits (an interrupt already taken must not cut it short).
 * One "smpboot: ..." line per step; exit code 0 through port 0xf4 when all
 * held, which ends the domain with both vCPUs.
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "exit.h"
#include "fmt.h"
#include "mem.h"
#include "hw/multiboot.h"
#include "serial.h"

#define TAG "smpboot: "

/*
 * The trampoline's page: the Multiboot loader's stack area, unused once
 * mbentry has its own stack (docs/boot-protocol.md), page-aligned as a
 * SIPI vector requires.
 */
#define SIPI_PAGE        0x8000u
#define PAGE_SHIFT       12
#define SIPI_VECTOR      (SIPI_PAGE >> PAGE_SHIFT)

/* xAPIC registers (SDM "Local APIC Register Address Map") and ICR fields. */
#define APIC_BASE        0xfee00000u
#define APIC_ID          0x020
#define APIC_ICR_LO      0x300
#define APIC_ICR_HI      0x310
#define APIC_ID_SHIFT    24
#define ICR_FIXED        0u
#define IPI_VECTOR       0x50u         /* header.asm's gate */
#define ICR_DM_INIT      (5u << 8)
#define ICR_DM_STARTUP   (6u << 8)
#define ICR_PENDING      (1u << 12)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_ALL_BUT_SELF (3u << 18)
#define ICR_INIT_ASSERT   (ICR_DM_INIT | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL)
#define ICR_INIT_DEASSERT (ICR_DM_INIT | ICR_TRIGGER_LEVEL)

#define AP_ID            1u
#define AP_MAGIC         0x50a11e5eu   /* header.asm writes it */
#define LONG_MAGIC       0x10e6a0deu   /* ... and this one in 64-bit mode */
#define EFER_LMA         (1u << 10)

/* Identity map of the first GiB in 2-MiB pages for the AP's IA-32e mode (SDM "4-Level Paging"). */
#define PTE_P            (1ull << 0)
#define PTE_RW           (1ull << 1)
#define PTE_PS           (1ull << 7)
#define PT_ENTRIES       512
#define LARGE_PAGE       (2ull << 20)
static uint64_t pml4[PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t pdpt[PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t pd[PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t pd_apic[PT_ENTRIES] __attribute__((aligned(4096)));   /* the GiB holding 0xFEE00000 */
#define GIB_SHIFT        30
#define LARGE_PAGE_SHIFT 21
#define WAIT_SPINS       50000000u     /* give up on the AP after this many polls */
#define QUIET_SPINS      200000u       /* how long a wrong restart has to show */
#define ICR_POLLS        1000000u

extern const char sipi_start[], sipi_end[], sipi_apic_id[], sipi_magic[], sipi_spins[], sipi_cr3[],
	sipi_long_magic[], sipi_efer[], sipi_halt[], sipi_hlt_returns[], sipi_irqs[];

int mb_main(uint32_t magic, const struct mb_info *mbi);

static volatile uint32_t *apic(uint32_t off) { return (volatile uint32_t *)(uintptr_t)(APIC_BASE + off); }

/* A trampoline variable where the AP sees it: in the copy, not the image. */
static volatile uint32_t *ap_var(const char *sym)
{
	return (volatile uint32_t *)(uintptr_t)(SIPI_PAGE + (uint32_t)(sym - sipi_start));
}

static void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

/* Send an IPI and wait, as kvm-unit-tests does, for the ICR to read idle. */
static void send_ipi(uint32_t dest, uint32_t icr)
{
	*apic(APIC_ICR_HI) = dest << APIC_ID_SHIFT;
	*apic(APIC_ICR_LO) = icr;
	for (uint32_t i = 0; *apic(APIC_ICR_LO) & ICR_PENDING; i++) {
		if (i == ICR_POLLS) {
			fail("ICR 0x%x still pending", icr);
			return;
		}
		cpu_relax();
	}
}

static bool wait_value(const char *var, uint32_t want, uint32_t spins)
{
	for (uint32_t i = 0; i < spins; i++) {
		if (*ap_var(var) == want)
			return true;
		cpu_relax();
	}
	return false;
}

static bool wait_magic(uint32_t spins) { return wait_value(sipi_magic, AP_MAGIC, spins); }

static uint32_t build_page_tables(void)
{
	for (uint32_t i = 0; i < PT_ENTRIES; i++)
		pd[i] = i * LARGE_PAGE | PTE_PS | PTE_RW | PTE_P;
	pdpt[0] = (uint32_t)(uintptr_t)pd | PTE_RW | PTE_P;
	pd_apic[(APIC_BASE >> LARGE_PAGE_SHIFT) % PT_ENTRIES] = (APIC_BASE & ~(LARGE_PAGE - 1)) | PTE_PS | PTE_RW | PTE_P;
	pdpt[APIC_BASE >> GIB_SHIFT] = (uint32_t)(uintptr_t)pd_apic | PTE_RW | PTE_P;
	pml4[0] = (uint32_t)(uintptr_t)pdpt | PTE_RW | PTE_P;
	return (uint32_t)(uintptr_t)pml4;
}

/* The AP's spin count moves on: it is running, not reset or halted. */
static bool ap_spinning(void)
{
	uint32_t before = *ap_var(sipi_spins);
	for (uint32_t i = 0; i < WAIT_SPINS; i++) {
		if (*ap_var(sipi_spins) != before)
			return true;
		cpu_relax();
	}
	return false;
}

/* The AP halted with IF=1 takes one IPI: one HLT return, one interrupt, and the next HLT holds. */
static void check_halt_and_ipi(void)
{
	*ap_var(sipi_halt) = 1;
	wait_value(sipi_hlt_returns, 1, QUIET_SPINS);   /* halted by now: nothing wakes it */
	uint32_t early = *ap_var(sipi_hlt_returns);
	send_ipi(AP_ID, ICR_FIXED | IPI_VECTOR);
	if (!wait_value(sipi_irqs, 1, WAIT_SPINS)) {
		fail("the halted AP took no IPI (HLT returns %u)", *ap_var(sipi_hlt_returns));
		return;
	}
	wait_value(sipi_hlt_returns, 2, QUIET_SPINS);   /* a second return would be the bug */
	uint32_t returns = *ap_var(sipi_hlt_returns), irqs = *ap_var(sipi_irqs);
	gprintf(TAG "halted AP: %u HLT return(s) before the IPI, %u interrupt(s), %u HLT return(s)\n", early, irqs,
	        returns);
	if (early != 0 || irqs != 1 || returns != 1)
		fail("the halted AP should return from HLT once, for its one IPI");
}

int mb_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)mbi;
	serial_init();
	if (magic != MB_BOOTLOADER_MAGIC)
		fail("boot magic 0x%x", magic);
	gprintf(TAG "bsp apic id %u\n", *apic(APIC_ID) >> APIC_ID_SHIFT);

	memcpy((void *)(uintptr_t)SIPI_PAGE, sipi_start, (size_t)(sipi_end - sipi_start));
	*ap_var(sipi_cr3) = build_page_tables();
	send_ipi(AP_ID, ICR_INIT_ASSERT);
	send_ipi(AP_ID, ICR_INIT_DEASSERT);
	if (wait_magic(QUIET_SPINS))
		fail("the AP ran after INIT alone");
	gprintf(TAG "INIT sent, AP waits\n");

	send_ipi(AP_ID, ICR_DM_STARTUP | SIPI_VECTOR);
	if (!wait_magic(WAIT_SPINS)) {
		fail("no AP after INIT and SIPI with vector 0x%x", SIPI_VECTOR);
		return 1;
	}
	uint32_t id = *ap_var(sipi_apic_id);
	if (id != AP_ID)
		fail("the AP's CPUID APIC ID is %u, not %u", id, AP_ID);
	gprintf(TAG "AP %u alive\n", id);
	if (!wait_value(sipi_long_magic, LONG_MAGIC, WAIT_SPINS))
		fail("the AP did not reach 64-bit mode");
	else if (!(*ap_var(sipi_efer) & EFER_LMA))
		fail("the AP runs 64-bit code with EFER 0x%x (no LMA)", *ap_var(sipi_efer));
	else
		gprintf(TAG "AP %u in 64-bit mode, EFER 0x%x\n", id, *ap_var(sipi_efer));

	/* A second SIPI, as the MP start-up algorithm sends: ignored by a running processor. */
	*ap_var(sipi_magic) = 0;
	send_ipi(AP_ID, ICR_DM_STARTUP | SIPI_VECTOR);
	if (wait_magic(QUIET_SPINS))
		fail("a SIPI restarted the running AP");
	else if (!ap_spinning())
		fail("the AP stopped after a second SIPI");
	else
		gprintf(TAG "second SIPI ignored, AP runs on\n");

	/*
	 * INIT to all but self reaches the running AP and resets it: it stops
	 * (give its CPU a moment to take the INIT), and a SIPI starts it again
	 * from the trampoline, as when Linux brings a CPU back online.
	 */
	*ap_var(sipi_long_magic) = 0;
	send_ipi(0, ICR_INIT_ASSERT | ICR_ALL_BUT_SELF);
	wait_magic(QUIET_SPINS);
	if (ap_spinning())
		fail("the AP ran on after INIT");
	else
		gprintf(TAG "INIT stopped the running AP\n");
	send_ipi(AP_ID, ICR_DM_STARTUP | SIPI_VECTOR);
	if (!wait_magic(WAIT_SPINS) || !wait_value(sipi_long_magic, LONG_MAGIC, WAIT_SPINS))
		fail("the AP did not start again after INIT and SIPI");
	else if (!ap_spinning())
		fail("the restarted AP does not run");
	else
		gprintf(TAG "AP %u restarted by SIPI after INIT, in 64-bit mode again\n", *ap_var(sipi_apic_id));

	check_halt_and_ipi();
	return check_summary(TAG);
}
