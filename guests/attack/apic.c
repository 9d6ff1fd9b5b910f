/*
 * IPIs through the xAPIC's ICR at the domain's other vCPU and at APIC IDs
 * no vCPU has (docs/platform-apic.md): an NMI reaches exactly its target;
 * INIT, STARTUP, NMI and SMI to no one change nothing; INIT never reaches
 * the sender; STARTUP without INIT is ignored; INIT stops vCPU 1 and a
 * STARTUP then starts it in real mode at the vector's page. A flood of
 * INITs at no one must not flood the hypervisor's log either (the test
 * counts its lines). Needs two vCPUs; vCPU 1 counts in a loop so that the
 * cases can see whether it runs.
 */
#include "attack.h"
#include "hc_ctl.h"
#include "hw/apic.h"
#include "hw/segment.h"
#include "tsc.h"

#define NO_SUCH_ID       7         /* the domain has 2 vCPUs: IDs 0 and 1 */
#define FAR_ID           0xfe      /* the highest xAPIC ID */
#define WAIT_MS          20        /* time enough for an IPI to land, in guest TSC */
#define INIT_FLOOD       2000
#define AP_STACK_SIZE    8192
#define SIPI_VECTOR      0x20      /* vCPU 1 restarts at 0x20000, below the stack, above the boot structures */
#define SIPI_COUNTER     0x100     /* its counter, at 0x20100, addressed through CS */

#define NMI_SLOTS        8         /* nmi.asm's counters, by APIC ID */

extern volatile uint64_t nmi_count[NMI_SLOTS];
extern char nmi_stub[];

static uint8_t ap_stack[AP_STACK_SIZE] __attribute__((aligned(16)));
static volatile uint64_t ap_ticks;
static struct desc_ptr idtr;
static bool ap_up;

static void send_ipi(uint32_t dest, uint32_t low)
{
	apic_write(APIC_REG_ICR_HIGH, dest << APIC_ICR_XAPIC_DEST_SHIFT);
	apic_write(APIC_REG_ICR_LOW, low);
}

static bool icr_idle(void)
{
	return !(apic_read(APIC_REG_ICR_LOW) & APIC_ICR_DELIVERY_PENDING);
}

/* vCPU 1: the IDT vCPU 0 loaded, then counts forever with interrupts off. */
static void ap_main(void)
{
	__asm__ volatile("lidt %0" : : "m"(idtr));
	for (;;)
		ap_ticks++;
}

/* Whether vCPU 1 counts during the next WAIT_MS. */
static bool ap_running(void)
{
	uint64_t t = ap_ticks, end = rdtsc() + tsc_from_ms(WAIT_MS);
	while (rdtsc() < end)
		cpu_pause();
	return ap_ticks != t;
}

static const char *running(bool r)
{
	return r ? "running" : "stopped";
}

static void start_ap(const void *arg, struct verdict *v)
{
	(void)arg;
	__asm__ volatile("sidt %0" : "=m"(idtr));
	trap_set_gate(VEC_NMI, (uintptr_t)nmi_stub);
	answer(v->expected, "0, vCPU 1 running");
	if (attack_vcpus() < 2) {
		answer(v->got, "only %u vCPU", attack_vcpus());
		return;
	}
	uintptr_t top = (uintptr_t)&ap_stack[AP_STACK_SIZE] - sizeof(uint64_t);
	long r = hc_vcpu_up(1, (uintptr_t)ap_main, top, 0);
	ap_up = r == 0;
	answer(v->got, "%ld, vCPU 1 %s", r, running(ap_up && ap_running()));
}

/* An IPI, then what each vCPU shows: NMIs taken, vCPU 1 running, the ICR idle. */
struct ipi_row {
	uint32_t dest, low;
	unsigned repeat;
	unsigned nmis0, nmis1;   /* NMIs vCPU 0 and vCPU 1 must take */
	bool ap_runs;            /* whether vCPU 1 runs afterwards */
};

static void ipi_case(const void *arg, struct verdict *v)
{
	const struct ipi_row *row = arg;
	answer(v->expected, "NMIs %u/%u, vCPU 1 %s, ICR idle", row->nmis0, row->nmis1, running(row->ap_runs));
	uint64_t n0 = nmi_count[0], n1 = nmi_count[1];
	for (unsigned i = 0; i < (row->repeat ? row->repeat : 1); i++)
		send_ipi(row->dest, row->low);
	bool idle = icr_idle();
	ap_running();               /* the time for the IPIs to land */
	bool runs = ap_running();
	uint64_t elsewhere = 0;
	for (unsigned i = 2; i < NMI_SLOTS; i++)
		elsewhere += nmi_count[i];
	answer(v->got, "NMIs %lu/%lu, vCPU 1 %s, ICR %s", nmi_count[0] - n0, nmi_count[1] - n1,
	       running(runs), idle ? "idle" : "busy");
	if (elsewhere)   /* taken by a vCPU whose APIC ID is neither 0 nor 1: a wrong ID */
		answer(v->got, "%lu NMIs counted under other APIC IDs", elsewhere);
}

/* STARTUP after the INIT: vCPU 1 restarts in real mode at SIPI_VECTOR << 12 and counts there. */
static void sipi_restart(const void *arg, struct verdict *v)
{
	(void)arg;
	/* inc word cs:[SIPI_COUNTER]; jmp back */
	static const uint8_t code[] = { 0x2e, 0xff, 0x06, SIPI_COUNTER & 0xff, SIPI_COUNTER >> 8, 0xeb, 0xf9 };
	uint8_t *page = (uint8_t *)(uintptr_t)(SIPI_VECTOR << 12);
	volatile uint16_t *counter = (volatile uint16_t *)(page + SIPI_COUNTER);
	memcpy(page, code, sizeof code);
	*counter = 0;
	answer(v->expected, "vCPU 1 counting at 0x%x", SIPI_VECTOR << 12);
	send_ipi(1, APIC_ICR_DM_STARTUP | SIPI_VECTOR);
	uint64_t end = rdtsc() + tsc_from_ms(WAIT_MS);
	while (*counter == 0 && rdtsc() < end)
		cpu_pause();
	answer(v->got, *counter ? "vCPU 1 counting at 0x%x" : "vCPU 1 not counting at 0x%x", SIPI_VECTOR << 12);
}

#define INIT (APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT)
#define IPI(name, dest, low, rep, n0, n1, runs) \
	{ name, ipi_case, &(const struct ipi_row){ dest, low, rep, n0, n1, runs }, 0 }

const struct attack_case apic_cases[] = {
	{ "start vCPU 1", start_ap, 0, 0 },
	IPI("NMI to vCPU 1", 1, APIC_ICR_DM_NMI, 0, 0, 1, true),
	IPI("NMI to self", 0, APIC_ICR_DM_NMI | APIC_ICR_DEST_SELF, 0, 1, 0, true),
	IPI("NMI to APIC ID 7 (no such vCPU)", NO_SUCH_ID, APIC_ICR_DM_NMI, 0, 0, 0, true),
	IPI("NMI to APIC ID 0xfe (no such vCPU)", FAR_ID, APIC_ICR_DM_NMI, 0, 0, 0, true),
	IPI("SMI to all", 0xff, APIC_ICR_DM_SMI, 0, 0, 0, true),
	IPI("INIT to APIC ID 7 (no such vCPU)", NO_SUCH_ID, INIT, 0, 0, 0, true),
	IPI("STARTUP to APIC ID 7", NO_SUCH_ID, APIC_ICR_DM_STARTUP | SIPI_VECTOR, 0, 0, 0, true),
	IPI("INIT to self (never the sender)", 0, INIT | APIC_ICR_DEST_SELF, 0, 0, 0, true),
	IPI("STARTUP to running vCPU 1 without INIT", 1, APIC_ICR_DM_STARTUP | SIPI_VECTOR, 0, 0, 0, true),
	IPI("2000 INITs to APIC ID 7", NO_SUCH_ID, INIT, INIT_FLOOD, 0, 0, true),
	IPI("2000 INIT de-asserts to vCPU 1", 1, APIC_ICR_DM_INIT | APIC_ICR_TRIGGER_LEVEL, INIT_FLOOD, 0, 0, true),
	IPI("INIT to vCPU 1", 1, INIT, 0, 0, 0, false),
	{ "STARTUP to vCPU 1 after INIT", sipi_restart, 0, 0 },
};
const unsigned apic_case_count = sizeof apic_cases / sizeof apic_cases[0];
