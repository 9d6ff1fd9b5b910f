/*
 * A domain's port I/O space: the emulated devices that claim port ranges.
 * Everything unclaimed behaves like an empty bus (reads all ones, writes
 * ignored), so a guest never reaches a real port.
 */
#ifndef DEV_PORTS_H
#define DEV_PORTS_H

#include <stdint.h>

struct domain;

enum port_result { PORT_OK, PORT_DOMAIN_ENDED };

uint32_t dev_port_in(struct domain *d, uint16_t port, unsigned size);
enum port_result dev_port_out(struct domain *d, uint16_t port, unsigned size, uint32_t val);

#endif
