/*
 * ACPI table layouts Hinoki reads to find the machine's processors (ACPI
 * specification, "ACPI Software Programming Model": RSDP, RSDT/XSDT and the
 * Multiple APIC Description Table). Fields are unaligned in memory, so the
 * structures are packed and only ever read through a copy.
 */
#ifndef HW_ACPI_H
#define HW_ACPI_H

#include <stdint.h>

#define ACPI_RSDP_SIGNATURE   "RSD PTR "
#define ACPI_RSDP_SIGNATURE_LEN 8
#define ACPI_RSDP_V1_LEN      20   /* bytes the first checksum covers */
#define ACPI_RSDP_REVISION_2  2    /* 2.0 and later: length, XSDT, extended checksum */
#define ACPI_SIG_LEN          4
#define ACPI_SIG_RSDT         "RSDT"
#define ACPI_SIG_XSDT         "XSDT"
#define ACPI_SIG_MADT         "APIC"

struct acpi_rsdp {
	char signature[ACPI_RSDP_SIGNATURE_LEN];
	uint8_t checksum;              /* first 20 bytes sum to 0 */
	char oem_id[6];
	uint8_t revision;              /* 0: ACPI 1.0 (RSDT only); 2: 2.0+ */
	uint32_t rsdt_address;
	/* ACPI 2.0+ */
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;     /* the whole `length` bytes sum to 0 */
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_sdt_header {
	char signature[ACPI_SIG_LEN];
	uint32_t length;               /* whole table, header included */
	uint8_t revision;
	uint8_t checksum;              /* the whole table sums to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

/* MADT: the header, then variable-length interrupt controller structures. */
struct acpi_madt {
	struct acpi_sdt_header hdr;
	uint32_t lapic_address;        /* 32-bit local APIC MMIO base */
	uint32_t flags;
} __attribute__((packed));

struct acpi_madt_entry {
	uint8_t type;
	uint8_t length;                /* whole entry, these two bytes included */
} __attribute__((packed));

enum acpi_madt_type {
	MADT_TYPE_LOCAL_APIC          = 0,
	MADT_TYPE_IO_APIC             = 1,
	MADT_TYPE_INTERRUPT_OVERRIDE  = 2,
	MADT_TYPE_LOCAL_APIC_NMI      = 4,
	MADT_TYPE_LOCAL_APIC_OVERRIDE = 5,
	MADT_TYPE_LOCAL_X2APIC        = 9,
};

struct acpi_madt_local_apic {
	struct acpi_madt_entry h;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));

struct acpi_madt_local_x2apic {
	struct acpi_madt_entry h;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t processor_uid;
} __attribute__((packed));

struct acpi_madt_lapic_override {
	struct acpi_madt_entry h;
	uint16_t reserved;
	uint64_t lapic_address;        /* 64-bit local APIC base, replaces the header's */
} __attribute__((packed));

/* Local APIC / x2APIC flags */
#define MADT_LAPIC_ENABLED        (1u << 0)
#define MADT_LAPIC_ONLINE_CAPABLE (1u << 1)

#define ACPI_XAPIC_ID_BROADCAST   0xffu
#define ACPI_X2APIC_ID_BROADCAST  0xffffffffu

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP 2.0 is 36 bytes");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header is 36 bytes");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT fixed part is 44 bytes");
_Static_assert(sizeof(struct acpi_madt_local_apic) == 8, "Processor Local APIC entry is 8 bytes");
_Static_assert(sizeof(struct acpi_madt_local_x2apic) == 16, "Processor Local x2APIC entry is 16 bytes");
_Static_assert(sizeof(struct acpi_madt_lapic_override) == 12, "Local APIC Address Override is 12 bytes");

#endif
