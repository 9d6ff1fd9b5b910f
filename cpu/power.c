/*
 * Power-off. Tried in an order that is harmless where a method is absent:
 * QEMU's isa-debug-exit (port 0xf4: its exit status tells tests success from
 * failure), Bochs' shutdown port (0x8900), then UEFI ResetSystem, which works
 * on real machines after ExitBootServices because runtime services remain
 * and the host page tables identity-map them.
 */
#include <efi.h>
#include "cpu/power.h"
#include "hw/emulator_exit.h"
#include "lib/serial.h"
#include "lib/x86.h"

static EFI_RUNTIME_SERVICES *runtime;

void power_set_runtime(void *rt)
{
	runtime = rt;
}

void power_off(enum power_status status)
{
	static const char bochs_shutdown[] = "Shutdown";

	cli();
	serial_drain();
	outl(ISA_DEBUG_EXIT_PORT, status);
	for (const char *p = bochs_shutdown; *p; p++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
	if (runtime)
		runtime->ResetSystem(EfiResetShutdown, status ? EFI_ABORTED : EFI_SUCCESS, 0, NULL);
	halt_forever();
}
