/*
 * The ACPI tables every domain finds in its BIOS area, as on a PC: an RSDP
 * (revision 2) in [0xF0000, 0x100000), where guests search for it, leading to
 * an RSDT and an XSDT that both list a FADT of the PC's fixed ACPI hardware
 * (with its FACS and the DSDT of dev/dsdt.asl) and a MADT with one Processor
 * Local APIC per vCPU, the I/O APIC and the overrides of IRQ 0 and the SCI,
 * and for a domain with an IOMMU a DMAR table naming it. Fixed addresses,
 * so a guest and docs/platform.md agree on them. Pure code over a byte view
 * of guest RAM; unit-tested on the host.
 */
#ifndef DEV_ACPI_TABLES_H
#define DEV_ACPI_TABLES_H

#include <stdbool.h>
#include <stdint.h>
#include "loader/loader.h"

/* Guest-physical layout: the whole BIOS area [0xE0000, 0x100000) belongs to the tables. */
#define ACPI_TABLES_AREA     0xE0000ULL
#define ACPI_TABLES_AREA_END 0x100000ULL
#define ACPI_TABLES_GPA_RSDT 0xE0000ULL
#define ACPI_TABLES_GPA_FACS 0xE0040ULL   /* 64-byte aligned, as the FACS must be */
#define ACPI_TABLES_GPA_XSDT 0xE0080ULL
#define ACPI_TABLES_GPA_FADT 0xE0100ULL
#define ACPI_TABLES_GPA_DSDT 0xE0240ULL
#define ACPI_TABLES_GPA_DMAR 0xE0800ULL
#define ACPI_TABLES_GPA_MADT 0xE1000ULL   /* the rest of the area: room for the MADT to grow */
#define ACPI_TABLES_GPA_RSDP 0xF0000ULL   /* the first place kvm-unit-tests and others look */

/* xAPIC ids are 8 bits and 0xff is the broadcast destination. */
#define ACPI_TABLES_MAX_CPUS 255u

#define ACPI_TABLES_OEM_ID       "HINOKI"
#define ACPI_TABLES_OEM_TABLE_ID "HINOKIVM"
#define ACPI_TABLES_CREATOR_ID   "HNKI"
#define ACPI_TABLES_HYPERVISOR_ID "HINOKI\0\0"   /* the FADT's 8-byte hypervisor vendor identity */

/*
 * Zero [0xE0000, 0x100000) of mem and write the tables for ncpus vCPUs with
 * APIC ids 0..ncpus-1 (the ids CPUID gives them), the DMAR table with
 * `iommu` (config viommu). Returns 0, or -1 when mem
 * does not reach 1 MiB or ncpus is 0 or above ACPI_TABLES_MAX_CPUS (then
 * nothing is written).
 */
int acpi_tables_build(struct guest_mem *mem, unsigned ncpus, bool iommu);

#endif
