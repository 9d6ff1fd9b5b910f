/*
 * Writes a domain's ACPI tables. Each table is assembled in a packed
 * structure, copied into guest RAM and then sealed: its checksum byte is set
 * so the bytes the specification says sum to zero do. The platform has a
 * PC's fixed ACPI hardware, as the PIIX4 that QEMU, Xen and ACRN give
 * their guests: a revision 6 FADT naming the PM1a event and control
 * blocks (dev/acpi_pm.c), the SCI on ISA IRQ 9, no GPE block and no SMI
 * command port (always in ACPI mode), no fixed power or sleep button;
 * sleep (S3, S5) through PM1_CNT, reset through port 0xCF9
 * (dev/reset_control.c). The register blocks are given in the 32-bit
 * fields only, which every OSPM reads (kvm-unit-tests reads nothing
 * else). The DSDT is dev/dsdt.asl, compiled by iasl at build time. A
 * domain with an IOMMU also finds a DMAR table naming it (dev/vtd.h).
 */
#include <stddef.h>
#include "dev/acpi_pm.h"
#include "dev/acpi_tables.h"
#include "dev/ioapic.h"
#include "dev/irq_line.h"
#include "dev/pmtimer.h"
#include "dev/vtd.h"
#include "hw/acpi.h"
#include "hw/msr.h"
#include "hw/reset_control.h"
#include "lib/string.h"
#include "dsdt_aml.h"   /* dsdt_aml_code[]: build/gen, from dev/dsdt.asl */

#define TABLE_REVISION_MADT 1   /* ACPI 1.0 */
#define TABLE_REVISION_SDT  1   /* RSDT and XSDT */
#define OEM_REVISION        1
#define CREATOR_REVISION    1
#define SDT_ENTRIES_MAX     3   /* FADT, MADT and, with an IOMMU, DMAR: in the RSDT and the XSDT alike */
#define TABLE_REVISION_DMAR 1
#define FADT_MINOR_VERSION  0   /* ACPI 6.0: every field up to the hypervisor vendor identity */
#define RESET_REG_BITS      8
/*
 * The FADT's boot flags: no 8042 (bit clear), no VGA, no MSI; the CMOS RTC
 * is present. The DSDT enumerates the ISA devices, so LEGACY_DEVICES is clear.
 */
#define FADT_IAPC_BOOT_ARCH (FADT_IAPC_VGA_NOT_PRESENT | FADT_IAPC_MSI_NOT_SUPPORTED)

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
	r.revision = ACPI_RSDP_REVISION_2;
	r.rsdt_address = (uint32_t)ACPI_TABLES_GPA_RSDT;
	r.length = ACPI_RSDP_V2_LEN;
	r.xsdt_address = ACPI_TABLES_GPA_XSDT;
	memcpy(ram + ACPI_TABLES_GPA_RSDP, &r, sizeof r);
	/* The first checksum first: the extended one covers it. */
	seal(ram + ACPI_TABLES_GPA_RSDP, ACPI_RSDP_V1_LEN, offsetof(struct acpi_rsdp, checksum));
	seal(ram + ACPI_TABLES_GPA_RSDP, ACPI_RSDP_V2_LEN, offsetof(struct acpi_rsdp, extended_checksum));
}

/*
 * The RSDT (4-byte entries) and the XSDT (8-byte entries) list the same
 * tables; x86 is little-endian, so an entry is the address's low bytes.
 */
static void put_sdt(uint8_t *ram, uint64_t gpa, const char *sig, unsigned entry_size, bool dmar)
{
	static const uint64_t listed[SDT_ENTRIES_MAX] = { ACPI_TABLES_GPA_FADT, ACPI_TABLES_GPA_MADT,
	                                                  ACPI_TABLES_GPA_DMAR };
	unsigned entries = dmar ? SDT_ENTRIES_MAX : SDT_ENTRIES_MAX - 1;
	struct acpi_sdt_header h;
	uint32_t len = (uint32_t)(sizeof h + entries * entry_size);

	fill_header(&h, sig, len, TABLE_REVISION_SDT);
	memcpy(ram + gpa, &h, sizeof h);
	for (unsigned i = 0; i < entries; i++)
		memcpy(ram + gpa + sizeof h + i * entry_size, &listed[i], entry_size);
	seal(ram + gpa, len, offsetof(struct acpi_sdt_header, checksum));
}

static void put_facs(uint8_t *ram)
{
	struct acpi_facs_v1 f;

	memset(&f, 0, sizeof f);
	memcpy(f.signature, ACPI_SIG_FACS, ACPI_SIG_LEN);
	f.length = sizeof f;
	memcpy(ram + ACPI_TABLES_GPA_FACS, &f, sizeof f);
}

/* iasl wrote the whole table, header and checksum included. */
static void put_dsdt(uint8_t *ram)
{
	put_table(ram, ACPI_TABLES_GPA_DSDT, dsdt_aml_code, sizeof dsdt_aml_code);
}

static struct acpi_gas byte_port(uint16_t port)
{
	return (struct acpi_gas){ ACPI_GAS_SYSTEM_IO, RESET_REG_BITS, 0, ACPI_GAS_ACCESS_BYTE, port };
}

static void put_fadt(uint8_t *ram)
{
	struct acpi_fadt f;

	memset(&f, 0, sizeof f);
	fill_header(&f.v1.hdr, ACPI_SIG_FADT, sizeof f, ACPI_FADT_REVISION_6);
	/* The 32-bit FACS address and X_DSDT: the spec wants one of each pair zero. */
	f.v1.firmware_ctrl = (uint32_t)ACPI_TABLES_GPA_FACS;
	f.x_dsdt = ACPI_TABLES_GPA_DSDT;
	f.v1.sci_int = ACPI_PM_SCI_IRQ;
	f.v1.pm1a_evt_blk = ACPI_PM_PORT;
	f.v1.pm1_evt_len = PM1_EVT_LEN;
	f.v1.pm1a_cnt_blk = ACPI_PM_CNT_PORT;
	f.v1.pm1_cnt_len = PM1_CNT_LEN;
	f.v1.pm_tmr_blk = PMTIMER_PORT;
	f.v1.pm_tmr_len = FADT_PM_TMR_LEN;
	f.v1.p_lvl2_lat = FADT_P_LVL2_LAT_NONE;
	f.v1.p_lvl3_lat = FADT_P_LVL3_LAT_NONE;
	f.v1.iapc_boot_arch = FADT_IAPC_BOOT_ARCH;
	/*
	 * TMR_VAL_EXT clear: the timer has 24 bits. FIX_RTC clear: RTC_STS and
	 * RTC_EN are there. PWR_BUTTON clear: the power button is the fixed
	 * one, PWRBTN_STS; there is no sleep button.
	 */
	f.v1.flags = FADT_F_WBINVD | FADT_F_SLP_BUTTON | FADT_F_RESET_REG_SUP;
	f.reset_reg = byte_port(RST_CNT_PORT);
	f.reset_value = RST_CNT_COLD_RESET;
	f.fadt_minor_version = FADT_MINOR_VERSION;
	memcpy(&f.hypervisor_vendor_identity, ACPI_TABLES_HYPERVISOR_ID, sizeof f.hypervisor_vendor_identity);
	put_table(ram, ACPI_TABLES_GPA_FADT, &f, sizeof f);
}

/* The MADT's entries after the Processor Local APICs: the I/O APIC, the PIT's and the SCI's overrides. */
struct madt_io {
	struct acpi_madt_io_apic io_apic;
	struct acpi_madt_interrupt_override pit;
	struct acpi_madt_interrupt_override sci;
} __attribute__((packed));

/*
 * One Processor Local APIC per vCPU, then the I/O APIC with the ID after
 * theirs, its inputs GSI 0-23, ISA IRQ 0 overridden to the GSI the
 * platform wires it to (dev/irq_line.h), as a PC's MADT has, and the SCI
 * level-triggered and active high (an ISA IRQ would be edge-triggered).
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
		.sci = {
			.h = { MADT_TYPE_INTERRUPT_OVERRIDE, sizeof io.sci },
			.bus = MADT_ISO_BUS_ISA,
			.source = ACPI_PM_SCI_IRQ,
			.gsi = isa_irq_gsi(ACPI_PM_SCI_IRQ),
			.flags = MADT_INTI_ACTIVE_HIGH | MADT_INTI_LEVEL,
		},
	};
	memcpy(at + sizeof m + lapics, &io, sizeof io);
	seal(at, len, offsetof(struct acpi_sdt_header, checksum));
}

/*
 * The remapping unit at VTD_DEFAULT_BASE covering every PCI device and,
 * for interrupt remapping, the I/O APIC (by the ID the MADT gives it and
 * the source ID its messages would carry). The unit has x2APIC mode, so
 * the OS may use x2APIC with it.
 */
static void put_dmar(uint8_t *ram, unsigned ncpus)
{
	struct {
		struct acpi_dmar d;
		struct acpi_dmar_drhd drhd;
		struct acpi_dmar_scope ioapic;
	} __attribute__((packed)) t;

	memset(&t, 0, sizeof t);
	fill_header(&t.d.hdr, ACPI_SIG_DMAR, sizeof t, TABLE_REVISION_DMAR);
	t.d.host_address_width = VTD_HAW - 1;
	t.d.flags = DMAR_F_INTR_REMAP;
	t.drhd = (struct acpi_dmar_drhd){ DMAR_TYPE_DRHD, sizeof t.drhd + sizeof t.ioapic, DRHD_F_INCLUDE_PCI_ALL, 0,
	                                  0, VTD_DEFAULT_BASE };
	t.ioapic = (struct acpi_dmar_scope){ DMAR_SCOPE_IOAPIC, sizeof t.ioapic, 0, ioapic_id_after(ncpus),
	                                     VTD_IOAPIC_BUS, VTD_IOAPIC_DEVFN >> 3, VTD_IOAPIC_DEVFN & 7 };
	put_table(ram, ACPI_TABLES_GPA_DMAR, &t, sizeof t);
}

#define DMAR_BYTES (sizeof(struct acpi_dmar) + sizeof(struct acpi_dmar_drhd) + sizeof(struct acpi_dmar_scope))

_Static_assert(ACPI_TABLES_GPA_FACS % ACPI_FACS_ALIGN == 0, "FACS alignment");
_Static_assert(ACPI_TABLES_GPA_RSDP % ACPI_RSDP_ALIGN == 0, "RSDP alignment");
_Static_assert(ACPI_TABLES_GPA_RSDT + sizeof(struct acpi_sdt_header) + SDT_ENTRIES_MAX * 4 <= ACPI_TABLES_GPA_FACS,
               "RSDT overlaps the FACS");
_Static_assert(ACPI_TABLES_GPA_FACS + sizeof(struct acpi_facs_v1) <= ACPI_TABLES_GPA_XSDT, "FACS overlaps the XSDT");
_Static_assert(ACPI_TABLES_GPA_XSDT + sizeof(struct acpi_sdt_header) + SDT_ENTRIES_MAX * 8 <= ACPI_TABLES_GPA_FADT,
               "XSDT overlaps the FADT");
_Static_assert(ACPI_TABLES_GPA_FADT + sizeof(struct acpi_fadt) <= ACPI_TABLES_GPA_DSDT, "FADT overlaps the DSDT");
_Static_assert(ACPI_TABLES_GPA_DSDT + sizeof dsdt_aml_code <= ACPI_TABLES_GPA_DMAR, "DSDT overlaps the DMAR");
_Static_assert(ACPI_TABLES_GPA_DMAR + DMAR_BYTES <= ACPI_TABLES_GPA_MADT, "DMAR overlaps the MADT");
_Static_assert(ACPI_TABLES_GPA_MADT + sizeof(struct acpi_madt) +
               ACPI_TABLES_MAX_CPUS * sizeof(struct acpi_madt_local_apic) + sizeof(struct madt_io) <=
               ACPI_TABLES_GPA_RSDP,
               "MADT overlaps the RSDP");

int acpi_tables_build(struct guest_mem *mem, unsigned ncpus, bool iommu)
{
	if (!mem || !mem->base || mem->size < ACPI_TABLES_AREA_END || ncpus == 0 || ncpus > ACPI_TABLES_MAX_CPUS)
		return -1;
	/* Nothing of an earlier owner of these frames may look like a table. */
	memset(mem->base + ACPI_TABLES_AREA, 0, ACPI_TABLES_AREA_END - ACPI_TABLES_AREA);
	put_sdt(mem->base, ACPI_TABLES_GPA_RSDT, ACPI_SIG_RSDT, sizeof(uint32_t), iommu);
	put_sdt(mem->base, ACPI_TABLES_GPA_XSDT, ACPI_SIG_XSDT, sizeof(uint64_t), iommu);
	put_facs(mem->base);
	put_fadt(mem->base);
	put_dsdt(mem->base);
	put_madt(mem->base, ncpus);
	if (iommu)
		put_dmar(mem->base, ncpus);
	put_rsdp(mem->base);
	return 0;
}
