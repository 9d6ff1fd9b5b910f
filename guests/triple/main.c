/*
 * triple: a hostile Hinoki ELF64 guest that triple-faults on purpose. It loads
 * an empty IDT (limit 0) and executes UD2: the #UD cannot be delivered, so it
 * becomes #GP, then #DF, then a triple fault, which under VMX is a VM exit.
 * The hypervisor must stop this domain alone; "triple: STILL RUNNING" must
 * never appear.
 */
#include "guest.h"

#define TAG "triple: "

struct __attribute__((packed)) idt_pointer {
	uint16_t limit;
	uint64_t base;
};

int guest_main(const struct hinoki_bootinfo *bi)
{
	static const struct idt_pointer empty_idt = { .limit = 0, .base = 0 };

	(void)bi;
	serial_init();
	gprintf(TAG "about to fault\n");
	__asm__ volatile("lidt %0; ud2" : : "m"(empty_idt) : "memory");
	gprintf(TAG "STILL RUNNING\n");
	return 1;
}
