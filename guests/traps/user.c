/*
 * Hypercalls from CPL 3: a hypercall is a VMCALL at CPL 0, so each made by
 * guest user code must come back -HC_EPERM, whether the exit stub's fast
 * path or C would answer it at CPL 0 (HC_NULL, HC_VERSION), and however
 * unknown the number. HC_NULL_STUB alone answers at any level: it has no
 * effect to refuse (docs/hypercalls.md).
 */
#include <stddef.h>
#include "cpu.h"
#include "fmt.h"
#include "hinoki/hypercall.h"
#include "traps.h"

void user_vmcalls(const uint64_t *nrs, uint64_t *results, uint64_t n);
extern char user_stack[];

static const uint64_t user_nrs[] = { HC_NULL, HC_VERSION, HC_DOMCTL_LIST, 999, HC_NULL_STUB };
static const int64_t user_want[] = { -HC_EPERM, -HC_EPERM, -HC_EPERM, -HC_EPERM, 0 };
static const char *const user_names[] = { "HC_NULL", "HC_VERSION", "HC_DOMCTL_LIST", "999", "HC_NULL_STUB" };
static uint64_t user_results[sizeof user_nrs / sizeof user_nrs[0]];

/* The identity map's entries down to the 2 MiB page of `addr` (the boot protocol's tables). */
static uint64_t *pde_of(uintptr_t addr, uint64_t **pml4e, uint64_t **pdpte)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR_MASK);
	*pml4e = &pml4[(addr >> 39) & 511];
	uint64_t *pdpt = (uint64_t *)(uintptr_t)(**pml4e & PTE_ADDR_MASK);
	*pdpte = &pdpt[(addr >> 30) & 511];
	uint64_t *pd = (uint64_t *)(uintptr_t)(**pdpte & PTE_ADDR_MASK);
	return &pd[(addr >> 21) & 511];
}

/* Open the 2 MiB page of addr to CPL 3, or close it again (the upper levels stay open: the PD entry decides). */
static void user_page(uintptr_t addr, bool open)
{
	uint64_t *pml4e, *pdpte;
	uint64_t *pde = pde_of(addr, &pml4e, &pdpte);
	*pml4e |= PTE_U;
	*pdpte |= PTE_U;
	*pde = open ? *pde | PTE_U : *pde & ~(uint64_t)PTE_U;
	write_cr3(read_cr3());
}

void check_user_hypercalls(void)
{
	const uintptr_t pages[] = { (uintptr_t)user_vmcalls, (uintptr_t)user_nrs, (uintptr_t)user_results,
	                            (uintptr_t)user_stack };
	const size_t n = sizeof user_nrs / sizeof user_nrs[0];
	uint64_t cr4 = read_cr4(), efer = rdmsr(MSR_IA32_EFER);
	uint64_t star = rdmsr(MSR_IA32_STAR), lstar = rdmsr(MSR_IA32_LSTAR), fmask = rdmsr(MSR_IA32_FMASK);

	/* This kernel's own code shares the pages opened to CPL 3: no SMEP/SMAP while it runs there. */
	write_cr4(cr4 & ~(uint64_t)(CR4_SMEP | CR4_SMAP));
	wrmsr(MSR_IA32_EFER, efer | EFER_SCE);
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
		user_page(pages[i], true);
	user_vmcalls(user_nrs, user_results, n);
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
		user_page(pages[i], false);
	wrmsr(MSR_IA32_STAR, star);
	wrmsr(MSR_IA32_LSTAR, lstar);
	wrmsr(MSR_IA32_FMASK, fmask);
	wrmsr(MSR_IA32_EFER, efer);
	write_cr4(cr4);

	for (size_t i = 0; i < n; i++) {
		int64_t got = (int64_t)user_results[i];
		gprintf(TAG "cpl3 vmcall %s -> %ld\n", user_names[i], got);
		if (got != user_want[i])
			fail("VMCALL %s at CPL 3 returned %ld, expected %ld", user_names[i], got, user_want[i]);
	}
}
