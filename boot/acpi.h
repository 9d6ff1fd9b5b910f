/*
 * Finding the processors: the ACPI RSDP leads through the XSDT (or RSDT) to
 * the MADT, whose Processor Local APIC and x2APIC entries name every CPU the
 * firmware enabled. Pure code: physical memory is reached through a callback,
 * so host unit tests feed it synthetic (and corrupt) tables.
 */
#ifndef BOOT_ACPI_H
#define BOOT_ACPI_H

#include <stdint.h>
#include "cpu/pcpu.h"

#define ACPI_MAX_CPUS MAX_CPUS
#define ACPI_TABLE_MAX_LEN (1u << 20)   /* larger "tables" are taken as corrupt */

struct acpi_cpu_list {
	uint64_t lapic_address;          /* local APIC MMIO base (override entry applied) */
	unsigned count;                  /* CPUs in apic_id[], MADT order */
	unsigned listed;                 /* usable CPUs the MADT names; > count when clamped */
	int bsp;                         /* index of the caller's APIC id in apic_id[], -1 if absent */
	uint32_t apic_id[ACPI_MAX_CPUS];
	const char *warning;             /* something was skipped or clamped; NULL if not */
};

/*
 * Physical memory for the parser: a pointer to `len` readable bytes at `pa`,
 * or NULL when that range cannot be read. A pointer must stay valid until
 * acpi_find_cpus() returns (identity mapping in the hypervisor).
 */
typedef const void *(*acpi_map_fn)(uint64_t pa, uint64_t len, void *ctx);

/*
 * Validate the RSDP at rsdp_pa, find the MADT and fill `out` with the CPUs
 * whose entries are enabled or online-capable. More than ACPI_MAX_CPUS are
 * clamped (keeping bsp_apic_id when it is listed) with out->warning set.
 * Returns NULL on success, else why the tables cannot be used (out->count 0).
 */
const char *acpi_find_cpus(uint64_t rsdp_pa, acpi_map_fn map, void *ctx, uint32_t bsp_apic_id,
                           struct acpi_cpu_list *out);

#endif
