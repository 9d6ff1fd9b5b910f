/*
 * Ending a guest without hypercalls: write the exit code to port 0xf4 (the
 * isa-debug-exit convention Hinoki also traps), then halt with interrupts off
 * in case nothing was listening on the port.
 */
#ifndef GUEST_EXIT_H
#define GUEST_EXIT_H

#include <stdint.h>

__attribute__((noreturn)) void guest_exit(uint8_t code);
__attribute__((noreturn)) void guest_halt(void);

#endif
