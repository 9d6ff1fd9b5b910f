/*
 * The port-0xf4 exit shared by 32-bit and 64-bit guests: the one way out that
 * needs nothing from the platform but a trapped or emulated port.
 */
#include "exit.h"
#include "io.h"
#include "hinoki/hypercall.h"

void guest_halt(void)
{
	/* An NMI can still wake HLT, hence the loop. */
	for (;;)
		__asm__ volatile("cli; hlt");
}

void guest_exit(uint8_t code)
{
	outb(code, HINOKI_PORT_EXIT);
	guest_halt();
}
