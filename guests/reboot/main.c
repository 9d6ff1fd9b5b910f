/*
 * reboot: a Hinoki ELF64 guest that resets its machine as a PC's firmware
 * or Linux does, through the Reset Control Register at 0xCF9 (the FADT's
 * reset register), once it has printed a line naming its domain. Its
 * config's on_reboot decides what follows: `restart` boots it again (one
 * line per boot), `destroy` ends it. `delay_ms=N` on the command line waits
 * that long first, in halts, so that restarts come slower than the
 * hypervisor's quick-restart limit. "reboot: STILL RUNNING" must never
 * appear.
 */
#include "cmdline.h"
#include "guest.h"
#include "hw/reset_control.h"
#include "io.h"
#include "tsc.h"

#define TAG "reboot: "

int guest_main(const struct hinoki_bootinfo *bi)
{
	uint64_t delay_ms = 0;

	serial_init();
	gprintf(TAG "boot of domain %u\n", bi->domain_id);
	if (cmdline_u64(bi, "delay_ms", &delay_ms) && tsc_init(bi))
		tsc_sleep_ms(delay_ms);
	gprintf(TAG "resetting through port 0x%x\n", RST_CNT_PORT);
	outb(RST_CNT_COLD_RESET, RST_CNT_PORT);
	gprintf(TAG "STILL RUNNING\n");
	return 1;
}
