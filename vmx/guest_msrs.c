/* Passing the SYSCALL/SWAPGS MSRs through, and switching them with the vCPU (see the header). */
#include <stdbool.h>
#include "hw/msr.h"
#include "hw/vmx_ctrl.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "vmx/guest_msrs.h"
#include "vmx/caps.h"
#include "vmx/vcpu.h"

static const uint32_t msr_of[GUEST_MSR_COUNT] = {
	[GUEST_MSR_STAR]           = MSR_IA32_STAR,
	[GUEST_MSR_LSTAR]          = MSR_IA32_LSTAR,
	[GUEST_MSR_CSTAR]          = MSR_IA32_CSTAR,
	[GUEST_MSR_FMASK]          = MSR_IA32_FMASK,
	[GUEST_MSR_KERNEL_GS_BASE] = MSR_IA32_KERNEL_GS_BASE,
	[GUEST_MSR_TSC_AUX]        = MSR_IA32_TSC_AUX,
};

/* TSC_AUX exists for the guest only where RDTSCP is enabled for it; elsewhere it stays intercepted (#GP). */
static unsigned count(void)
{
	return vmx_has_rdtscp() ? GUEST_MSR_COUNT : GUEST_MSR_TSC_AUX;
}

static uint64_t bitmap_pa;

int guest_msrs_bitmap_init(void)
{
	bitmap_pa = mem_alloc_pages(1, 1);
	if (!bitmap_pa)
		return -1;
	uint8_t *msr_bitmap = phys_to_virt(bitmap_pa);
	memset(msr_bitmap, 0xff, FRAME_SIZE);
	for (unsigned i = 0; i < count(); i++) {
		uint32_t bit = msr_of[i] & MSR_BITMAP_RANGE_MASK;
		bool high = msr_of[i] >= MSR_BITMAP_HIGH_BASE;
		uint8_t clear = (uint8_t)~(1u << (bit % 8));
		msr_bitmap[(high ? MSR_BITMAP_READ_HIGH : MSR_BITMAP_READ_LOW) + bit / 8] &= clear;
		msr_bitmap[(high ? MSR_BITMAP_WRITE_HIGH : MSR_BITMAP_WRITE_LOW) + bit / 8] &= clear;
	}
	return 0;
}

uint64_t guest_msrs_bitmap_pa(void)
{
	return bitmap_pa;
}

void guest_msrs_save(struct vcpu *v)
{
	for (unsigned i = 0; i < count(); i++)
		v->msrs.val[i] = rdmsr(msr_of[i]);
}

void guest_msrs_restore(const struct vcpu *v)
{
	for (unsigned i = 0; i < count(); i++)
		wrmsr(msr_of[i], v->msrs.val[i]);
}
