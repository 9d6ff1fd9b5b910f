/*
 * The kept log ring's memory: pages at a fixed physical address, taken from
 * the firmware at every boot, so that a warm reboot (which keeps RAM) finds
 * the last boot's ring where it left it. Low, where UEFI's top-down
 * allocations rarely reach, and above the first MiB the hypervisor keeps for
 * itself. The firmware's map gives the pages as loader data, which the
 * hypervisor never hands out (boot/hv_main.c takes conventional memory only).
 */
#include <efi.h>
#include <efilib.h>
#include "boot/kept_log.h"
#include "lib/log.h"
#include "lib/log_ring.h"

#define KEPT_LOG_PA    0x00200000ULL   /* 2 MiB: free in OVMF, which fills memory from the top */
#define KEPT_LOG_PAGES 16
#define KEPT_LOG_BYTES (KEPT_LOG_PAGES * EFI_PAGE_SIZE)
#define PREVIOUS_LINES 12

void kept_log_start(void)
{
	static char tail[PREVIOUS_LINES * 160];
	EFI_PHYSICAL_ADDRESS pa = KEPT_LOG_PA;
	if (EFI_ERROR(BS->AllocatePages(AllocateAddress, EfiLoaderData, KEPT_LOG_PAGES, &pa))) {
		log_info("kept log: 0x%llx is not free memory here; no log is kept across reboots\n", KEPT_LOG_PA);
		return;
	}
	struct log_ring *ring = (struct log_ring *)(uintptr_t)pa;
	size_t n = log_ring_valid(ring, KEPT_LOG_BYTES) ? log_ring_tail(ring, PREVIOUS_LINES, tail, sizeof tail) : 0;
	log_ring_init(ring, KEPT_LOG_BYTES);
	console_set_ring(ring);
	if (!n)
		return;
	log_info("previous boot's log, its last lines:\n");
	for (char *line = tail; *line;) {
		char *end = line;
		while (*end && *end != '\n')
			end++;
		char next = *end;
		*end = 0;
		log_info("| %s\n", line);
		line = next ? end + 1 : end;
	}
	log_info("end of the previous boot's log\n");
}
