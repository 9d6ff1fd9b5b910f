/*
 * The exit port (0xf4, QEMU's isa-debug-exit, HINOKI_PORT_EXIT): a write of
 * any width ends the domain with the low byte as its exit code. Ending a
 * domain is the domain's business, so the port only calls the function the
 * domain gave it and tells the bus the domain ended. Reads see the empty bus.
 */
#ifndef DEV_EXIT_PORT_H
#define DEV_EXIT_PORT_H

#include "dev/bus.h"

struct exit_port {
	void (*end)(void *ctx, int code);
	void *ctx;
};

/* On a bus at HINOKI_PORT_EXIT, one port; dev is its struct exit_port. */
extern const struct bus_device exit_port_bus_device;

#endif
