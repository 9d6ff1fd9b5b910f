/*
 * evil: a hostile Hinoki ELF64 guest. It first tries every control
 * hypercall, aimed at the management domain (id 0) where an id is taken;
 * each must fail with -HC_EPERM, and it prints "evil: HC_DOMCTL_X -> R"
 * for each, then "evil: all control hypercalls refused" if all were. With
 * `write=1` on its command line it then writes just past the end of its RAM
 * and at far addresses (1 GiB, 4 GiB - 4 KiB, 64 GiB, mapping the last in
 * its own page tables); the hypervisor must stop it at the first write
 * outside its RAM. `from=K` starts at the K-th of those targets (0 to 3), so
 * that each far address can be probed by a domain of its own; `delay=MS`
 * first sleeps that long, so that other domains have filled their RAM with
 * what they will check before the writes come. "evil: STILL RUNNING after
 * write to 0x..." must never appear. With `badrip=1` (and two vCPUs) it
 * asks HC_VCPU_UP to start vCPU 1 at a non-canonical RIP, which no VM entry
 * takes: the call must fail with -HC_EINVAL, and the domain must live on.
 * `flood=N` then repeats HC_DOMCTL_LIST N more times, each refused: the
 * hypervisor's log must not grow with it (it logs a domain's first few such
 * messages and counts the rest).
 */
#include "guest.h"
#include "cmdline.h"
#include "ctl_attempts.h"
#include "hc_ctl.h"
#include "tsc.h"

#define TAG "evil: "

#define GIB               (1024ULL * 1024ULL * 1024ULL)
#define PAGE_SIZE         4096ULL
#define IDENTITY_MAP_END  (4 * GIB)     /* the entry page tables map 0-4 GiB */
#define FAR_TARGET        (64 * GIB)
#define POISON            0xe7170e7170e7170eULL

/* Paging entry bits PTE_* come from hw/cr.h (through guest.h). */
#define PML4_SHIFT        39
#define PDPT_SHIFT        30
#define PD_SHIFT          21
#define TABLE_INDEX_MASK  0x1ffULL

static uint64_t far_pd[512] __attribute__((aligned(4096)));

static unsigned try_control_calls(void)
{
	unsigned allowed = 0;
	for (size_t i = 0; i < ctl_attempts_count; i++) {
		long r = ctl_attempts[i].call();
		gprintf(TAG "%s -> %ld\n", ctl_attempts[i].name, r);
		if (r != -HC_EPERM) {
			gprintf(TAG "CHECK FAILED: %s returned %ld, expected %d\n", ctl_attempts[i].name, r,
			        -HC_EPERM);
			allowed++;
		}
	}
	if (allowed == 0)
		gprintf(TAG "all control hypercalls refused\n");
	return allowed;
}

/* Bit 63 set and the bits below it clear: canonical at neither 48 nor 57 linear-address bits. */
#define NONCANONICAL_RIP  0x8000000000000000ULL
#define SECONDARY_VCPU    1

static unsigned try_bad_rip(const struct hinoki_bootinfo *bi)
{
	long r = hc_vcpu_up(SECONDARY_VCPU, (uintptr_t)NONCANONICAL_RIP, HINOKI_GPA_STACK_TOP, 0);
	gprintf(TAG "HC_VCPU_UP at RIP 0x%llx -> %ld\n", NONCANONICAL_RIP, r);
	/* Had it started, the vCPU's failed entry would stop this domain within this sleep. */
	tsc_init(bi);
	tsc_sleep_ms(20);
	if (r != -HC_EINVAL) {
		gprintf(TAG "CHECK FAILED: HC_VCPU_UP returned %ld, expected %d\n", r, -HC_EINVAL);
		return 1;
	}
	gprintf(TAG "non-canonical vCPU entry refused\n");
	return 0;
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/*
 * Maps FAR_TARGET to itself with one 2 MiB page, through a page directory
 * of ours hung in the entry PDPT. Guest paging is the guest's business: it
 * only turns the write into a guest-physical access that EPT must refuse.
 */
static bool map_far_target(void)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR_MASK);
	uint64_t pml4e = pml4[(FAR_TARGET >> PML4_SHIFT) & TABLE_INDEX_MASK];
	if (!(pml4e & PTE_P))
		return false;
	uint64_t *pdpt = (uint64_t *)(uintptr_t)(pml4e & PTE_ADDR_MASK);
	far_pd[(FAR_TARGET >> PD_SHIFT) & TABLE_INDEX_MASK] = FAR_TARGET | PTE_P | PTE_W | PTE_PS;
	pdpt[(FAR_TARGET >> PDPT_SHIFT) & TABLE_INDEX_MASK] = (uintptr_t)far_pd | PTE_P | PTE_W;
	invlpg(FAR_TARGET);
	return true;
}

static void write_at(uint64_t gpa)
{
	gprintf(TAG "writing to 0x%llx\n", (unsigned long long)gpa);
	*(volatile uint64_t *)(uintptr_t)gpa = POISON;
	gprintf(TAG "STILL RUNNING after write to 0x%llx\n", (unsigned long long)gpa);
}

static void try_writes(const struct hinoki_bootinfo *bi, uint64_t from)
{
	const uint64_t targets[] = { bi->mem_bytes, 1 * GIB, IDENTITY_MAP_END - PAGE_SIZE,
	                             FAR_TARGET };
	const size_t ntargets = sizeof targets / sizeof targets[0];
	if (from >= ntargets) {
		gprintf(TAG "from=%llu: there are only %zu targets\n", (unsigned long long)from,
		        ntargets);
		return;
	}
	for (size_t i = (size_t)from; i < ntargets; i++) {
		uint64_t t = targets[i];
		if (t < bi->mem_bytes) {
			gprintf(TAG "0x%llx is inside this domain's RAM; skipped\n",
			        (unsigned long long)t);
			continue;
		}
		if (t >= IDENTITY_MAP_END && !map_far_target()) {
			gprintf(TAG "cannot map 0x%llx in the page tables; skipped\n",
			        (unsigned long long)t);
			continue;
		}
		write_at(t);
	}
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	serial_init();
	if (bi->magic != HINOKI_BOOT_MAGIC || bi->version != HINOKI_BOOT_VERSION) {
		gprintf(TAG "CHECK FAILED: bad boot information\n");
		return 1;
	}
	gprintf(TAG "domain %u trying the control hypercalls\n", bi->domain_id);
	unsigned allowed = try_control_calls();

	uint64_t write = 0, badrip = 0, flood = 0;
	if (cmdline_u64(bi, "badrip", &badrip) && badrip)
		allowed += try_bad_rip(bi);
	if (cmdline_u64(bi, "flood", &flood)) {
		for (uint64_t i = 0; i < flood; i++)
			allowed += ctl_attempts[0].call() != -HC_EPERM;   /* HC_DOMCTL_LIST */
		gprintf(TAG "flood: %llu more refused control hypercalls\n", (unsigned long long)flood);
	}
	uint64_t from = 0, delay_ms = 0;
	cmdline_u64(bi, "from", &from);
	cmdline_u64(bi, "delay", &delay_ms);
	if (cmdline_u64(bi, "write", &write) && write) {
		if (delay_ms) {
			tsc_init(bi);
			gprintf(TAG "waiting %llu ms before writing\n", (unsigned long long)delay_ms);
			tsc_sleep_ms(delay_ms);
		}
		try_writes(bi, from);
		gprintf(TAG "every write went through\n");
		return 1;
	}
	gprintf(TAG "exit code %d\n", allowed ? 1 : 0);
	return allowed ? 1 : 0;
}
