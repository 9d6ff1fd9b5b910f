/*
 * badmem: a hostile Hinoki ELF64 guest that writes just past the end of its
 * RAM. The hypervisor's identity page tables map 0-4 GiB, so the write gets
 * through the guest's own paging and reaches EPT, where nothing is mapped:
 * the hypervisor must stop the domain with an EPT-violation report.
 * "badmem: STILL RUNNING" must never appear.
 */
#include "guest.h"

#define TAG "badmem: "

#define IDENTITY_MAP_END  0x100000000ULL   /* the entry page tables cover 0-4 GiB */
#define POISON            0xbadbadbadbadbadULL

int guest_main(const struct hinoki_bootinfo *bi)
{
	serial_init();
	if (bi->magic != HINOKI_BOOT_MAGIC || bi->version != HINOKI_BOOT_VERSION) {
		gprintf(TAG "CHECK FAILED: bad bootinfo magic or version\n");
		return 1;
	}
	uint64_t target = bi->mem_bytes;
	if (target + sizeof(uint64_t) > IDENTITY_MAP_END) {
		gprintf(TAG "CHECK FAILED: RAM end 0x%llx is beyond the identity map\n",
		        (unsigned long long)target);
		return 1;
	}
	gprintf(TAG "writing past end of RAM at 0x%llx\n", (unsigned long long)target);
	*(volatile uint64_t *)(uintptr_t)target = POISON;
	gprintf(TAG "STILL RUNNING\n");
	return 1;
}
