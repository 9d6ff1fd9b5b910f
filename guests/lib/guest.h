/*
 * What a Hinoki ELF64 guest built on guests/lib gets: start64.asm loads the
 * exception IDT (trap.h) and calls guest_main with the boot information, and
 * guest_main's return value becomes the HC_EXIT code.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hinoki/bootinfo.h"

#include "cpu.h"
#include "exit.h"
#include "fmt.h"
#include "fpu.h"
#include "hypercall.h"
#include "io.h"
#include "mem.h"
#include "serial.h"
#include "trap.h"

int guest_main(const struct hinoki_bootinfo *bi);

/* The boot information pointer the guest was entered with. */
extern const struct hinoki_bootinfo *guest_bootinfo;

#endif
