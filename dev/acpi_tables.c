/*
 * Writes a domain's ACPI tables. Each table is assembled in a packed
 * structure, copied into guest RAM and then sealed: its checksum byte is set
 * so the bytes the specification says sum to zero do. The FADT is the ACPI
 * 1.0 layout (revision 1), enough for an RSDT-only RSDP: PM timer at
 * PMTIMER_PORT with PM_TMR_LEN 4 and TMR_VAL_EXT clear (24 bits), no SMI
 * command port (so the machine is always in ACPI mode), no PM1 event or
 * control blocks, C2/C3 marked unsupported. The DSDT holds no AML.
 */
#include <stddef.h>
#include "dev/acpi_tables.h"
#include "dev/ioapic.h"
#include "dev/irq_line.h"
#include "dev/pmtimer.h"
#include "hw/acpi.h"
#include "hw/msr.h"
#include "lib/string.h"

#define TABLE_REVISION_DSDT 1   /* 32-bit AML integers */
#define TABLE_REVISION_MADT 1   /* ACPI 1.0 */
#define TABLE_REVISION_RSDT 1
#define OEM_REVISION        1
#define CREATOR_REVISION    1
#define RSDT_ENTRIES        2   /* FADT, MADT */
#define FADT_INT_MODEL_APIC 1   /* ACPI 1.0's INT_MODEL: multiple APIC */

static uint8_t sum_bytes(const uint8_t *p, size_t len)
{
	uint8_t s = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* Make len bytes at p sum to 0 by setting the byte at p[at]. */
static void seal(uint8_t *p, size_t len, size_t at)
{
	p[at] = 0;
	p[at] = (uint8_t)(0x100 - sum_bytes(p, len));
}

static void fill_header(struct acpi_sdt_header *h, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(h->signature, sig, ACPI_SIG_LEN);
	h->length = len;
	h->revision = rev;
	h->checksum = 0;
	memcpy(h->oem_id, ACPI_TABLES_OEM_ID, sizeof h->oem_id);
	memcpy(h->oem_table_id, ACPI_TABLES_OEM_TABLE_ID, sizeof h->oem_table_id);
	h->oem_revision = OEM_REVISION;
	memcpy(&h->creator_id, ACPI_TABLES_CREATOR_ID, sizeof h->creator_id);
	h->creator_revision = CREATOR_REVISION;
}

/* Copy a table built in `t` to gpa and seal its header checksum over `len` bytes. */
static void put_table(uint8_t *ram, uint64_t gpa, const void *t, size_t len)
{
	memcpy(ram + gpa, t, len);
	seal(ram + gpa, len, offsetof(struct acpi_sdt_header, checksum));
}

static void put_rsdp(uint8_t *ram)
{
	struct acpi_rsdp r;

	memset(&r, 0, sizeof r);
	memcpy(r.signature, ACPI_RSDP_SIGNATURE, ACPI_RSDP_SIGNATURE_LEN);
	memcpy(r.oem_id, ACPI_TABLES_OEM_ID, sizeof r.oem_id);
	r.revision = ACPI_RSDP_REVISION_1;
	r.rsdt_address = (uint32_t)ACPI_TABLES_GPA_RSDT;
	/* Revision 0 ends after the RSDT address: only the first 20 bytes are the RSDP. */
	memcpy(ram + ACPI_TABLES_GPA_RSDP, &r, ACPI_RSDP_V1_LEN);
	seal(ram + ACPI_TABLES_GPA_RSDP, ACPI_RSDP_V1_LEN, offsetof(struct acpi_rsdp, checksum));
}

static void put_rsdt(uint8_t *ram)
{
	struct {
		struct acpi_sdt_header hdr;
		uint32_t entry[RSDT_ENTRIES];
	} __attribute__((packed)) t;

	fill_header(&t.hdr, ACPI_SIG_RSDT, sizeof t, TABLE_REVISION_RSDT);
	t.entry[0] = (uint32_t)ACPI_TABLES_GPA_FADT;
	t.entry[1] = (uint32_t)ACPI_TABLES_GPA_MADT;
	put_table(ram, ACPI_TABLES_GPA_RSDT, &t, sizeof t);
}

static void put_facs(uint8_t *ram)
{
	struct acpi_facs_v1 f;

	memset(&f, 0, sizeof f);
	memcpy(f.signature, ACPI_SIG_FACS, ACPI_SIG_LEN);
	f.length = sizeof f;
	memcpy(ram + ACPI_TABLES_GPA_FACS, &f, sizeof f);
}

static void put_dsdt(uint8_t *ram)
{
	struct acpi_sdt_header h;

	fill_header(&h, ACPI_SIG_DSDT, sizeof h, TABLE_REVISION_DSDT);
	put_table(ram, ACPI_TABLES_GPA_DSDT, &h, sizeof h);
}

static void put_fadt(uint8_t *ram)
{
	struct acpi_fadt_v1 f;

	memset(&f, 0, sizeof f);
	fill_header(&f.hdr, ACPI_SIG_FADT, sizeof f, ACPI_FADT_REVISION_1);
	f.firmware_ctrl = (uint32_t)ACPI_TABLES_GPA_FACS;
	f.dsdt = (uint32_t)ACPI_TABLES_GPA_DSDT;
	f.int_model = FADT_INT_MODEL_APIC;
	f.sci_int = ACPI_TABLES_SCI_IRQ;
	f.pm_tmr_blk = PMTIMER_PORT;
	f.pm_tmr_len = FADT_PM_TMR_LEN;
	f.p_lvl2_lat = FADT_P_LVL2_LAT_NONE;
	f.p_lvl3_lat = FADT_P_LVL3_LAT_NONE;
	f.flags = FADT_F_WBINVD;          /* TMR_VAL_EXT clear: the timer has 24 bits */
	put_table(ram, ACPI_TABLES_GPA_FADT, &f, sizeof f);
}

/* The MADT's entries after the Processor Local APICs: the I/O APIC and the PIT's override. */
struct madt_io {
	struct acpi_madt_io_apic io_apic;
	struct acpi_madt_interrupt_override pit;
} __attribute__((packed));

/*
 * One Processor Local APIC per vCPU, then the I/O APIC with the ID after
 * theirs, its inputs GSI 0-23, and ISA IRQ 0 overridden to the GSI the
 * platform wires it to (dev/irq_line.h), as a PC's MADT has.
 */
static void put_madt(uint8_t *ram, unsigned ncpus)
{
	struct acpi_madt m;
	size_t lapics = (size_t)ncpus * sizeof(struct acpi_madt_local_apic);
	size_t len = sizeof m + lapics + sizeof(struct madt_io);
	uint8_t *at = ram + ACPI_TABLES_GPA_MADT;

	memset(&m, 0, sizeof m);
	fill_header(&m.hdr, ACPI_SIG_MADT, (uint32_t)len, TABLE_REVISION_MADT);
	m.lapic_address = (uint32_t)APIC_DEFAULT_PHYS_BASE;
	m.flags = MADT_F_PCAT_COMPAT;
	memcpy(at, &m, sizeof m);
	for (unsigned i = 0; i < ncpus; i++) {
		struct acpi_madt_local_apic e = {
			.h = { MADT_TYPE_LOCAL_APIC, sizeof e },
			.processor_uid = (uint8_t)i,
			.apic_id = (uint8_t)i,
			.flags = MADT_LAPIC_ENABLED,
		};
		memcpy(at + sizeof m + (size_t)i * sizeof e, &e, sizeof e);
	}
	struct madt_io io = {
		.io_apic = {
			.h = { MADT_TYPE_IO_APIC, sizeof io.io_apic },
			.io_apic_id = ioapic_id_after(ncpus),
			.io_apic_address = (uint32_t)IOAPIC_DEFAULT_BASE,
			.gsi_base = 0,
		},
		.pit = {
			.h = { MADT_TYPE_INTERRUPT_OVERRIDE, sizeof io.pit },
			.bus = MADT_ISO_BUS_ISA,
			.source = ISA_IRQ_PIT,
			.gsi = isa_irq_gsi(ISA_IRQ_PIT),
			.flags = MADT_INTI_CONFORMING,
		},
	};
	memcpy(at + sizeof m + lapics, &io, sizeof io);
	seal(at, len, offsetof(struct acpi_sdt_header, checksum));
}

_Static_assert(ACPI_TABLES_GPA_FACS % ACPI_FACS_ALIGN == 0, "FACS alignment");
_Static_assert(ACPI_TABLES_GPA_RSDP % ACPI_RSDP_ALIGN == 0, "RSDP alignment");
_Static_assert(ACPI_TABLES_GPA_RSDT + sizeof(struct acpi_sdt_header) + RSDT_ENTRIES * 4 <= ACPI_TABLES_GPA_FACS,
               "RSDT overlaps the FACS");
_Static_assert(ACPI_TABLES_GPA_FACS + sizeof(struct acpi_facs_v1) <= ACPI_TABLES_GPA_FADT, "FACS overlaps the FADT");
_Static_assert(ACPI_TABLES_GPA_FADT + sizeof(struct acpi_fadt_v1) <= ACPI_TABLES_GPA_DSDT, "FADT overlaps the DSDT");
_Static_assert(ACPI_TABLES_GPA_DSDT + sizeof(struct acpi_sdt_header) <= ACPI_TABLES_GPA_MADT, "DSDT overlaps the MADT");
_Static_assert(ACPI_TABLES_GPA_MADT + sizeof(struct acpi_madt) +
               ACPI_TABLES_MAX_CPUS * sizeof(struct acpi_madt_local_apic) + sizeof(struct madt_io) <=
               ACPI_TABLES_GPA_RSDP,
               "MADT overlaps the RSDP");

int acpi_tables_build(struct guest_mem *mem, unsigned ncpus)
{
	if (!mem || !mem->base || mem->size < ACPI_TABLES_AREA_END || ncpus == 0 || ncpus > ACPI_TABLES_MAX_CPUS)
		return -1;
	/* Nothing of an earlier owner of these frames may look like a table. */
	memset(mem->base + ACPI_TABLES_AREA, 0, ACPI_TABLES_AREA_END - ACPI_TABLES_AREA);
	put_rsdt(mem->base);
	put_facs(mem->base);
	put_fadt(mem->base);
	put_dsdt(mem->base);
	put_madt(mem->base, ncpus);
	put_rsdp(mem->base);
	return 0;
}
