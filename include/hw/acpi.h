/*
 * ACPI table layouts: those Hinoki reads to find the machine's processors and
 * those it writes for its guests (ACPI specification, "ACPI Software
 * Programming Model": RSDP, RSDT/XSDT, FADT, FACS and the Multiple APIC
 * Description Table). Fields are unaligned in memory, so the structures are
 * packed and only ever read or written through a copy.
 */
#ifndef HW_ACPI_H
#define HW_ACPI_H

#include <stdint.h>

#define ACPI_RSDP_SIGNATURE   "RSD PTR "
#define ACPI_RSDP_SIGNATURE_LEN 8
#define ACPI_RSDP_V1_LEN      20   /* bytes the first checksum covers */
#define ACPI_RSDP_V2_LEN      36   /* the whole 2.0 structure, which the extended checksum covers */
#define ACPI_RSDP_REVISION_2  2    /* 2.0 and later: length, XSDT, extended checksum */
#define ACPI_SIG_LEN          4
#define ACPI_SIG_RSDT         "RSDT"
#define ACPI_SIG_XSDT         "XSDT"
#define ACPI_SIG_MADT         "APIC"
#define ACPI_SIG_DMAR         "DMAR"     /* VT-d specification, "DMA Remapping Reporting Structure" */
#define ACPI_SIG_FADT         "FACP"
#define ACPI_SIG_DSDT         "DSDT"
#define ACPI_SIG_FACS         "FACS"
#define ACPI_RSDP_REVISION_1  0    /* ACPI 1.0: RSDT only, the first 20 bytes */
#define ACPI_FADT_REVISION_1  1    /* the ACPI 1.0 FADT layout below */
#define ACPI_FADT_REVISION_6  6    /* ACPI 6.x: struct acpi_fadt */
#define ACPI_FACS_ALIGN       64   /* the FACS must be 64-byte aligned */
#define ACPI_RSDP_ALIGN       16   /* RSDP is searched for on 16-byte boundaries */

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

/* RSDT: the header, then 32-bit physical addresses of the other tables. */
struct acpi_rsdt {
	struct acpi_sdt_header hdr;
	uint32_t entry[];
} __attribute__((packed));

/* Fixed ACPI Description Table, revision 1 (ACPI 1.0b): every field up to Flags. */
struct acpi_fadt_v1 {
	struct acpi_sdt_header hdr;
	uint32_t firmware_ctrl;        /* FACS address */
	uint32_t dsdt;
	uint8_t int_model;             /* reserved from ACPI 2.0 */
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;              /* 0: no SMI command port, the machine is always in ACPI mode */
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk, pm2_cnt_blk;
	uint32_t pm_tmr_blk;           /* port of the PM timer */
	uint32_t gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat;
	uint16_t flush_size, flush_stride;
	uint8_t duty_offset, duty_width;
	uint8_t day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved;
	uint32_t flags;
} __attribute__((packed));

/* Generic Address Structure: a register in some address space. */
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));

#define ACPI_GAS_SYSTEM_IO    1
#define ACPI_GAS_ACCESS_BYTE  1

/*
 * Fixed ACPI Description Table, revision 6 (ACPI 6.0 and later): the 1.0
 * fields, then the reset register, the 64-bit addresses, the sleep
 * control and status registers of hardware-reduced platforms and the
 * hypervisor vendor identity.
 */
struct acpi_fadt {
	struct acpi_fadt_v1 v1;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t fadt_minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk, x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg;
	struct acpi_gas sleep_status_reg;
	uint64_t hypervisor_vendor_identity;
} __attribute__((packed));

/* FADT flags */
#define FADT_F_WBINVD             (1u << 0)
#define FADT_F_TMR_VAL_EXT        (1u << 8)   /* set: 32-bit PM timer; clear: 24-bit */
#define FADT_F_PWR_BUTTON         (1u << 4)   /* set: no fixed-feature power button */
#define FADT_F_SLP_BUTTON         (1u << 5)   /* set: no fixed-feature sleep button */
#define FADT_F_FIX_RTC            (1u << 6)   /* set: no RTC wake status in the fixed registers */
#define FADT_F_RESET_REG_SUP      (1u << 10)
#define FADT_F_HW_REDUCED_ACPI    (1u << 20)  /* no SCI, no PM1/GPE blocks: sleep through SLEEP_CONTROL_REG */

/* IAPC_BOOT_ARCH: what the PC's legacy side has; a clear bit 1 means no 8042. */
#define FADT_IAPC_LEGACY_DEVICES      (1u << 0)
#define FADT_IAPC_8042                (1u << 1)
#define FADT_IAPC_VGA_NOT_PRESENT     (1u << 2)
#define FADT_IAPC_MSI_NOT_SUPPORTED   (1u << 3)
#define FADT_IAPC_CMOS_RTC_NOT_PRESENT (1u << 5)

/*
 * The PM1 event and control registers (ACPI, "PM1 Event Grouping" and "PM1
 * Control Grouping"), 16 bits each: PM1_STS then PM1_EN in PM1a_EVT_BLK,
 * PM1_CNT in PM1a_CNT_BLK. Status bits are cleared by writing 1.
 */
#define PM1_EVT_LEN               4
#define PM1_CNT_LEN               2
#define PM1_STS_TMR               (1u << 0)
#define PM1_STS_BM                (1u << 4)
#define PM1_STS_GBL               (1u << 5)
#define PM1_STS_PWRBTN            (1u << 8)
#define PM1_STS_SLPBTN            (1u << 9)
#define PM1_STS_RTC               (1u << 10)
#define PM1_STS_PCIEXP_WAKE       (1u << 14)
#define PM1_STS_WAK               (1u << 15)
#define PM1_EN_TMR                (1u << 0)
#define PM1_EN_GBL                (1u << 5)
#define PM1_EN_PWRBTN             (1u << 8)
#define PM1_EN_SLPBTN             (1u << 9)
#define PM1_EN_RTC                (1u << 10)
#define PM1_EN_PCIEXP_WAKE_DIS    (1u << 14)
#define PM1_CNT_SCI_EN            (1u << 0)   /* set: ACPI mode, power events raise the SCI */
#define PM1_CNT_BM_RLD            (1u << 1)
#define PM1_CNT_GBL_RLS           (1u << 2)   /* write-only */
#define PM1_CNT_SLP_TYP_SHIFT     10
#define PM1_CNT_SLP_TYP_MASK      (7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN            (1u << 13)  /* write-only: enter the sleep state SLP_TYP names */
/* Latencies above these say the C2 / C3 states are not supported. */
#define FADT_P_LVL2_LAT_NONE      101
#define FADT_P_LVL3_LAT_NONE      1001
#define FADT_PM_TMR_LEN           4

/* Firmware ACPI Control Structure, ACPI 1.0 layout (no checksum). */
struct acpi_facs_v1 {
	char signature[ACPI_SIG_LEN];
	uint32_t length;
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;   /* real mode, segment = vector >> 4, offset = vector & 0xf */
	uint32_t global_lock;
	uint32_t flags;
	uint8_t reserved[40];
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

struct acpi_madt_io_apic {
	struct acpi_madt_entry h;
	uint8_t io_apic_id;
	uint8_t reserved;
	uint32_t io_apic_address;
	uint32_t gsi_base;             /* the first global system interrupt of its inputs */
} __attribute__((packed));

struct acpi_madt_interrupt_override {
	struct acpi_madt_entry h;
	uint8_t bus;                   /* MADT_ISO_BUS_ISA */
	uint8_t source;                /* the bus-relative IRQ */
	uint32_t gsi;
	uint16_t flags;                /* MPS INTI flags: polarity, trigger mode */
} __attribute__((packed));

#define MADT_ISO_BUS_ISA          0
#define MADT_INTI_CONFORMING      0u          /* polarity and trigger mode of the bus */
#define MADT_INTI_ACTIVE_HIGH     0x1u        /* bits 1:0, polarity */
#define MADT_INTI_LEVEL           0xcu        /* bits 3:2, trigger mode */

/* MADT header flags */
#define MADT_F_PCAT_COMPAT        (1u << 0)   /* dual 8259s are present too */

/* Local APIC / x2APIC flags */
#define MADT_LAPIC_ENABLED        (1u << 0)
#define MADT_LAPIC_ONLINE_CAPABLE (1u << 1)

/*
 * The DMAR table (VT-d specification, "BIOS Considerations"): the fixed
 * part, then remapping structures; a DRHD names one remapping unit and,
 * by device scopes, what it covers besides every PCI device (INCLUDE_ALL).
 */
struct acpi_dmar {
	struct acpi_sdt_header hdr;
	uint8_t host_address_width;    /* the width - 1 */
	uint8_t flags;
	uint8_t reserved[10];
} __attribute__((packed));

#define DMAR_F_INTR_REMAP         (1u << 0)
#define DMAR_F_X2APIC_OPT_OUT     (1u << 1)   /* do not use x2APIC mode with interrupt remapping */
#define DMAR_TYPE_DRHD            0u
#define DRHD_F_INCLUDE_PCI_ALL    (1u << 0)
#define DMAR_SCOPE_IOAPIC         3u

struct acpi_dmar_drhd {
	uint16_t type;
	uint16_t length;               /* with its device scopes */
	uint8_t flags;
	uint8_t size;                  /* the register set: 2^size pages */
	uint16_t segment;
	uint64_t register_base;
} __attribute__((packed));

/* A device scope with a one-element path: the device's bus, device and function. */
struct acpi_dmar_scope {
	uint8_t type;
	uint8_t length;
	uint16_t reserved;
	uint8_t enumeration_id;        /* for an I/O APIC: its ID, as the MADT gives it */
	uint8_t start_bus;
	uint8_t path_device;
	uint8_t path_function;
} __attribute__((packed));

#define ACPI_XAPIC_ID_BROADCAST   0xffu
#define ACPI_X2APIC_ID_BROADCAST  0xffffffffu

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP 2.0 is 36 bytes");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header is 36 bytes");
_Static_assert(sizeof(struct acpi_rsdt) == 36, "RSDT fixed part is its header");
_Static_assert(sizeof(struct acpi_fadt_v1) == 116, "FADT revision 1 is 116 bytes");
_Static_assert(sizeof(struct acpi_gas) == 12, "Generic Address Structure is 12 bytes");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6 is 276 bytes");
_Static_assert(__builtin_offsetof(struct acpi_fadt, reset_reg) == 116, "RESET_REG at offset 116");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_dsdt) == 140, "X_DSDT at offset 140");
_Static_assert(__builtin_offsetof(struct acpi_fadt, sleep_control_reg) == 244, "SLEEP_CONTROL_REG at offset 244");
_Static_assert(__builtin_offsetof(struct acpi_fadt, hypervisor_vendor_identity) == 268, "hypervisor id at offset 268");
_Static_assert(sizeof(struct acpi_facs_v1) == 64, "FACS is 64 bytes");
_Static_assert(__builtin_offsetof(struct acpi_fadt_v1, pm_tmr_blk) == 76, "PM_TMR_BLK at offset 76");
_Static_assert(__builtin_offsetof(struct acpi_fadt_v1, pm_tmr_len) == 91, "PM_TMR_LEN at offset 91");
_Static_assert(__builtin_offsetof(struct acpi_fadt_v1, flags) == 112, "FADT Flags at offset 112");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT fixed part is 44 bytes");
_Static_assert(sizeof(struct acpi_madt_local_apic) == 8, "Processor Local APIC entry is 8 bytes");
_Static_assert(sizeof(struct acpi_madt_local_x2apic) == 16, "Processor Local x2APIC entry is 16 bytes");
_Static_assert(sizeof(struct acpi_madt_io_apic) == 12, "I/O APIC entry is 12 bytes");
_Static_assert(sizeof(struct acpi_madt_interrupt_override) == 10, "Interrupt Source Override entry is 10 bytes");
_Static_assert(sizeof(struct acpi_madt_lapic_override) == 12, "Local APIC Address Override is 12 bytes");
_Static_assert(sizeof(struct acpi_dmar) == 48, "DMAR fixed part is 48 bytes");
_Static_assert(sizeof(struct acpi_dmar_drhd) == 16, "DRHD fixed part is 16 bytes");
_Static_assert(sizeof(struct acpi_dmar_scope) == 8, "a one-element device scope is 8 bytes");

#endif
