/*
 * Host tests for the guest ACPI tables: found the way guests find them (a
 * 16-byte-step scan of the BIOS area for "RSD PTR "), every checksum right by
 * an independent sum, a revision 2 RSDP whose RSDT and XSDT list the same
 * tables, a revision 6 FADT of fixed ACPI hardware (the PM1a blocks, the
 * PM timer, the SCI, no buttons, the 24-bit flag, FACS, X_DSDT, the reset
 * register at the ports their devices claim, boot flags), the DSDT iasl
 * built from dev/dsdt.asl (\_S3 and \_S5 with the sleep types PM1_CNT
 * acts on, COM1 and the RTC with their resources), and a MADT with one
 * enabled Processor Local APIC per vCPU, ids 0..n-1, then the I/O APIC
 * (ID n), the IRQ 0 to GSI 2 override and the SCI's, level and high;
 * with an IOMMU a DMAR table listed after them, naming the unit with
 * interrupt remapping and the I/O APIC in its scope, and without one
 * none. The hypervisor's own MADT parser (boot/acpi.c) must
 * accept them too. Stale tables in reused RAM are wiped, nothing outside the
 * area is touched, and bad arguments write nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/acpi.h"
#include "dev/acpi_pm.h"
#include "dev/acpi_tables.h"
#include "dev/pmtimer.h"
#include "hw/acpi.h"
#include "hw/reset_control.h"
#include "check.h"

#define RAM_SIZE (2u << 20)

static uint8_t *ram;
static struct guest_mem gm;

static void setup(void)
{
	if (!ram)
		ram = malloc(RAM_SIZE);
	memset(ram, 0xcc, RAM_SIZE);
	gm.base = ram;
	gm.size = RAM_SIZE;
}

/* Independent of the builder: a plain byte sum. */
static unsigned checksum(uint64_t gpa, uint32_t len)
{
	unsigned s = 0;
	for (uint32_t i = 0; i < len; i++)
		s += ram[gpa + i];
	return s & 0xff;
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;
	memcpy(&v, ram + gpa, 4);
	return v;
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;
	memcpy(&v, ram + gpa, 8);
	return v;
}

static uint16_t rd16(uint64_t gpa)
{
	uint16_t v;
	memcpy(&v, ram + gpa, 2);
	return v;
}

/* Every place a guest's scan finds an RSDP signature; returns the count. */
static unsigned scan_rsdp(uint64_t from, uint64_t *first)
{
	unsigned n = 0;
	for (uint64_t a = from; a < 0x100000; a += 16) {
		if (memcmp(ram + a, "RSD PTR ", 8) == 0) {
			if (!n)
				*first = a;
			n++;
		}
	}
	return n;
}

/* The table with signature sig the RSDT lists, or 0; the XSDT must list it at the same place. */
static uint64_t find_table(const char *sig)
{
	uint64_t rsdp = 0, found = 0;
	if (scan_rsdp(0xe0000, &rsdp) != 1)
		return 0;
	uint32_t rsdt = rd32(rsdp + 16);
	uint32_t len = rd32(rsdt + 4);
	for (uint32_t off = 36; off + 4 <= len; off += 4) {
		uint32_t t = rd32(rsdt + off);
		if (memcmp(ram + t, sig, 4) == 0)
			found = t;
	}
	uint64_t xsdt = rd64(rsdp + 24), xfound = 0;
	len = rd32(xsdt + 4);
	for (uint32_t off = 36; off + 8 <= len; off += 8) {
		uint64_t t = rd64(xsdt + off);
		if (t < RAM_SIZE && memcmp(ram + t, sig, 4) == 0)
			xfound = t;
	}
	CHECK_EQ(xfound, found);
	return found;
}

static void test_rsdp(void)
{
	setup();
	CHECK_EQ(acpi_tables_build(&gm, 1, false), 0);
	uint64_t rsdp = 0;
	CHECK_EQ(scan_rsdp(0xe0000, &rsdp), 1);
	CHECK_EQ(rsdp, 0xf0000);          /* kvm-unit-tests scan only from 0xf0000 */
	CHECK_EQ(scan_rsdp(0xf0000, &rsdp), 1);
	CHECK_EQ(checksum(rsdp, 20), 0);
	CHECK_EQ(ram[rsdp + 15], 2);      /* revision 2: XSDT, length, extended checksum */
	CHECK_EQ(rd32(rsdp + 20), 36);
	CHECK_EQ(checksum(rsdp, 36), 0);
	CHECK(memcmp(ram + rsdp + 9, "HINOKI", 6) == 0);
	uint32_t rsdt = rd32(rsdp + 16);
	CHECK(rsdt >= 0xe0000 && rsdt < 0x100000);
	CHECK(memcmp(ram + rsdt, "RSDT", 4) == 0);
	CHECK_EQ(rd32(rsdt + 4), 36 + 2 * 4);
	CHECK_EQ(checksum(rsdt, rd32(rsdt + 4)), 0);
	uint64_t xsdt = rd64(rsdp + 24);
	CHECK(xsdt >= 0xe0000 && xsdt < 0x100000);
	if (xsdt < 0xe0000 || xsdt >= 0x100000)
		return;
	CHECK(memcmp(ram + xsdt, "XSDT", 4) == 0);
	CHECK_EQ(rd32(xsdt + 4), 36 + 2 * 8);
	CHECK_EQ(checksum(xsdt, rd32(xsdt + 4)), 0);
	/* The same tables, in the same order. */
	for (unsigned i = 0; i < 2; i++)
		CHECK_EQ(rd64(xsdt + 36 + 8 * i), rd32(rsdt + 36 + 4 * i));
}

/* A Generic Address Structure at gpa: a byte-wide system I/O port. */
static void check_byte_port(uint64_t gpa, uint16_t port)
{
	CHECK_EQ(ram[gpa], 1);            /* system I/O */
	CHECK_EQ(ram[gpa + 1], 8);        /* bit width */
	CHECK_EQ(ram[gpa + 2], 0);        /* bit offset */
	CHECK_EQ(ram[gpa + 3], 1);        /* byte access */
	CHECK_EQ(rd64(gpa + 4), port);
}

static void test_fadt(void)
{
	setup();
	CHECK_EQ(acpi_tables_build(&gm, 2, false), 0);
	uint64_t fadt = find_table("FACP");
	CHECK(fadt != 0);
	if (!fadt)
		return;
	CHECK_EQ(rd32(fadt + 4), 276);                    /* ACPICA's FADT for revision 6 */
	CHECK_EQ(ram[fadt + 8], 6);                       /* revision */
	CHECK_EQ(ram[fadt + 131], 0);                     /* minor version: ACPI 6.0 */
	CHECK_EQ(checksum(fadt, 276), 0);
	CHECK_EQ(rd32(fadt + 76), 0xb008);                /* PM_TMR_BLK */
	CHECK_EQ(rd32(fadt + 76), PMTIMER_PORT);
	CHECK_EQ(ram[fadt + 91], 4);                      /* PM_TMR_LEN */
	uint32_t flags = rd32(fadt + 112);
	CHECK_EQ(flags & (1u << 8), 0);                   /* TMR_VAL_EXT clear: 24 bits */
	CHECK_EQ(flags & (1u << 20), 0);                  /* HW_REDUCED_ACPI clear: fixed ACPI hardware */
	CHECK_EQ(flags & (1u << 10), 1u << 10);           /* RESET_REG_SUP */
	CHECK_EQ(flags & (3u << 4), 2u << 4);             /* PWR_BUTTON clear: the fixed power button; SLP_BUTTON: no sleep button */
	CHECK_EQ(flags & (1u << 6), 0);                   /* FIX_RTC clear: RTC_STS and RTC_EN in PM1 */
	CHECK_EQ(rd32(fadt + 48), 0);                     /* no SMI_CMD: always in ACPI mode */
	CHECK_EQ(rd16(fadt + 46), 9);                     /* SCI_INT */
	CHECK_EQ(rd32(fadt + 56), 0xb000);                /* PM1a_EVT_BLK */
	CHECK_EQ(rd32(fadt + 60), 0);                     /* no PM1b */
	CHECK_EQ(rd32(fadt + 64), 0xb004);                /* PM1a_CNT_BLK */
	CHECK_EQ(rd32(fadt + 68), 0);
	CHECK_EQ(rd32(fadt + 72), 0);                     /* no PM2 control block */
	CHECK_EQ(ram[fadt + 88], 4);                      /* PM1_EVT_LEN */
	CHECK_EQ(ram[fadt + 89], 2);                      /* PM1_CNT_LEN */
	CHECK_EQ(rd32(fadt + 80), 0);                     /* no GPE0 block */
	CHECK_EQ(ram[fadt + 92], 0);                      /* GPE0_BLK_LEN */
	/* IAPC_BOOT_ARCH: VGA not present, MSI not supported; no 8042 (bit 1 clear), CMOS RTC present (bit 5 clear). */
	CHECK_EQ(rd16(fadt + 109), 0x000c);
	check_byte_port(fadt + 116, 0xcf9);               /* RESET_REG */
	CHECK_EQ(ram[fadt + 128], 0x06);                  /* RESET_VALUE: SYS_RST | RST_CPU */
	CHECK_EQ(rd64(fadt + 116 + 4), RST_CNT_PORT);
	for (unsigned at = 244; at < 268; at++)
		CHECK_EQ(ram[fadt + at], 0);                  /* no hardware-reduced sleep registers */
	CHECK(memcmp(ram + fadt + 268, "HINOKI\0\0", 8) == 0);
	uint32_t facs = rd32(fadt + 36);
	CHECK_EQ(rd64(fadt + 132), 0);                    /* X_FIRMWARE_CTRL: the 32-bit field is set */
	CHECK_EQ(facs % 64, 0);
	CHECK(memcmp(ram + facs, "FACS", 4) == 0);
	CHECK_EQ(rd32(facs + 4), 64);
	CHECK_EQ(rd32(fadt + 40), 0);                     /* DSDT: X_DSDT is set instead */
	uint64_t dsdt = rd64(fadt + 140);
	CHECK(dsdt >= 0xe0000 && dsdt < 0x100000);
	if (dsdt >= 0xe0000 && dsdt < 0x100000)
		CHECK(memcmp(ram + dsdt, "DSDT", 4) == 0);
}

/* Where the bytes `want` first occur in [from, from + len), or 0. */
static uint64_t find_bytes(uint64_t from, uint32_t len, const void *want, size_t n)
{
	for (uint64_t a = from; a + n <= from + len; a++)
		if (memcmp(ram + a, want, n) == 0)
			return a;
	return 0;
}

static void test_dsdt(void)
{
	setup();
	CHECK_EQ(acpi_tables_build(&gm, 1, false), 0);
	uint64_t fadt = find_table("FACP");
	CHECK(fadt != 0);
	if (!fadt)
		return;
	uint64_t dsdt = rd64(fadt + 140);
	CHECK(memcmp(ram + dsdt, "DSDT", 4) == 0);
	uint32_t len = rd32(dsdt + 4);
	CHECK(len > 36 && len < 0x1000);
	if (len <= 36 || len >= 0x1000)
		return;
	CHECK_EQ(checksum(dsdt, len), 0);
	CHECK_EQ(ram[dsdt + 8], 2);                       /* 64-bit AML integers */
	CHECK(memcmp(ram + dsdt + 10, "HINOKI", 6) == 0);
	/* The AML ends where the header says: the next table is past it. */
	CHECK(dsdt + len <= find_table("APIC"));
	/*
	 * \_S3 and \_S5: packages of four whose first two elements (PM1a's and
	 * PM1b's SLP_TYP, ZeroOp or OneOp) are the types PM1_CNT acts on.
	 */
	static const uint8_t s3[] = { '_', 'S', '3', '_', 0x12, 0x06, 0x04 };
	static const uint8_t s5[] = { '_', 'S', '5', '_', 0x12, 0x06, 0x04 };
	uint64_t at = find_bytes(dsdt + 36, len - 36, s3, sizeof s3);
	CHECK(at != 0);
	if (at) {
		CHECK_EQ(ram[at + 7], ACPI_PM_SLP_TYP_S3);    /* OneOp */
		CHECK_EQ(ram[at + 8], ACPI_PM_SLP_TYP_S3);
	}
	at = find_bytes(dsdt + 36, len - 36, s5, sizeof s5);
	CHECK(at != 0);
	if (at) {
		CHECK_EQ(ram[at + 7], ACPI_PM_SLP_TYP_S5);    /* ZeroOp */
		CHECK_EQ(ram[at + 8], ACPI_PM_SLP_TYP_S5);
	}
	/* COM1: PNP0501 (compressed EISA id), I/O 0x3f8-0x3ff, IRQ 4; the RTC: PNP0B00, 0x70-0x71, IRQ 8. */
	static const uint8_t com1_hid[] = { 0x0c, 0x41, 0xd0, 0x05, 0x01 };
	static const uint8_t com1_res[] = { 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08, 0x22, 0x10, 0x00 };
	static const uint8_t rtc_hid[] = { 0x0c, 0x41, 0xd0, 0x0b, 0x00 };
	static const uint8_t rtc_res[] = { 0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01, 0x02, 0x22, 0x00, 0x01 };
	CHECK(find_bytes(dsdt + 36, len - 36, "COM1", 4) != 0);
	CHECK(find_bytes(dsdt + 36, len - 36, com1_hid, sizeof com1_hid) != 0);
	CHECK(find_bytes(dsdt + 36, len - 36, com1_res, sizeof com1_res) != 0);
	CHECK(find_bytes(dsdt + 36, len - 36, "RTC_", 4) != 0);
	CHECK(find_bytes(dsdt + 36, len - 36, rtc_hid, sizeof rtc_hid) != 0);
	CHECK(find_bytes(dsdt + 36, len - 36, rtc_res, sizeof rtc_res) != 0);
}

static void check_madt(unsigned n)
{
	setup();
	CHECK_EQ(acpi_tables_build(&gm, n, false), 0);
	uint64_t madt = find_table("APIC");
	CHECK(madt != 0);
	if (!madt)
		return;
	uint32_t len = rd32(madt + 4);
	CHECK_EQ(len, 44 + 8 * n + 12 + 10 + 10);
	CHECK_EQ(checksum(madt, len), 0);
	CHECK_EQ(rd32(madt + 36), 0xfee00000u);
	CHECK_EQ(rd32(madt + 40) & 1, 1);                 /* PCAT_COMPAT */
	unsigned count = 0, ioapics = 0, overrides = 0;
	for (uint32_t off = 44; off + 2 <= len; off += ram[madt + off + 1]) {
		uint64_t e = madt + off;
		switch (ram[e]) {
		case 0:                                       /* Processor Local APIC */
			CHECK_EQ(ram[e + 1], 8);
			CHECK_EQ(ram[e + 2], count);              /* processor UID */
			CHECK_EQ(ram[e + 3], count);              /* APIC id */
			CHECK_EQ(rd32(e + 4), 1);                 /* enabled */
			count++;
			break;
		case 1:                                       /* I/O APIC, after every CPU */
			CHECK_EQ(count, n);
			CHECK_EQ(ram[e + 1], 12);
			CHECK_EQ(ram[e + 2], n & 0xf);            /* the ID after the CPUs', in four bits */
			CHECK_EQ(rd32(e + 4), 0xfec00000u);
			CHECK_EQ(rd32(e + 8), 0);                 /* GSI base */
			ioapics++;
			break;
		case 2:                                       /* Interrupt Source Override */
			CHECK_EQ(ram[e + 1], 10);
			CHECK_EQ(ram[e + 2], 0);                  /* ISA */
			if (overrides++ == 0) {
				CHECK_EQ(ram[e + 3], 0);              /* IRQ 0 */
				CHECK_EQ(rd32(e + 4), 2);             /* GSI 2 */
				CHECK_EQ(rd16(e + 8), 0);             /* conforming polarity and trigger */
			} else {
				CHECK_EQ(ram[e + 3], 9);              /* the SCI, IRQ 9 */
				CHECK_EQ(rd32(e + 4), 9);             /* GSI 9 */
				CHECK_EQ(rd16(e + 8), 0x000d);        /* active high, level-triggered */
			}
			break;
		default:
			CHECK(!"unexpected MADT entry");
			break;
		}
		if (ram[e + 1] == 0)
			break;
	}
	CHECK_EQ(count, n);
	CHECK_EQ(ioapics, 1);
	CHECK_EQ(overrides, 2);
}

static void test_madt(void)
{
	check_madt(1);
	check_madt(2);
	check_madt(8);
	check_madt(255);
}

static void test_dmar(void)
{
	setup();
	CHECK_EQ(acpi_tables_build(&gm, 2, false), 0);
	CHECK_EQ(find_table("DMAR"), 0);
	setup();
	CHECK_EQ(acpi_tables_build(&gm, 2, true), 0);
	uint64_t rsdt = rd32(0xf0000 + 16), xsdt = rd64(0xf0000 + 24);
	CHECK_EQ(rd32(rsdt + 4), 36 + 3 * 4);
	CHECK_EQ(rd32(xsdt + 4), 36 + 3 * 8);
	CHECK_EQ(checksum(rsdt, rd32(rsdt + 4)), 0);
	CHECK_EQ(checksum(xsdt, rd32(xsdt + 4)), 0);
	CHECK(find_table("FACP") != 0);
	CHECK(find_table("APIC") != 0);
	uint64_t d = find_table("DMAR");
	CHECK(d != 0);
	if (!d)
		return;
	CHECK_EQ(rd32(d + 4), 48 + 16 + 8);
	CHECK_EQ(checksum(d, rd32(d + 4)), 0);
	CHECK_EQ(ram[d + 36], 38);                  /* host address width 39 */
	CHECK_EQ(ram[d + 37], 1);                   /* INTR_REMAP; x2APIC mode allowed */
	/* One DRHD: every PCI device, registers at 0xfed90000, the I/O APIC (ID 2, after two vCPUs) at ff:00.0. */
	CHECK_EQ(rd16(d + 48), 0);
	CHECK_EQ(rd16(d + 50), 24);
	CHECK_EQ(ram[d + 52], 1);
	CHECK_EQ(rd16(d + 54), 0);
	CHECK_EQ(rd64(d + 56), 0xfed90000);
	static const uint8_t scope[8] = { 3, 8, 0, 0, 2, 0xff, 0, 0 };
	CHECK(memcmp(ram + d + 64, scope, sizeof scope) == 0);
	CHECK_EQ(ram[0xe0000 + rd32(0xe0000 + 4)], 0);   /* nothing past the RSDT */
}

static const void *map(uint64_t pa, uint64_t len, void *ctx)
{
	(void)ctx;
	if (pa > RAM_SIZE || len > RAM_SIZE - pa)
		return NULL;
	return ram + pa;
}

static void test_hypervisor_parser_agrees(void)
{
	struct acpi_cpu_list list;
	setup();
	CHECK_EQ(acpi_tables_build(&gm, 4, false), 0);
	CHECK(acpi_find_cpus(0xf0000, map, NULL, 0, &list) == NULL);
	CHECK_EQ(list.count, 4);
	CHECK_EQ(list.lapic_address, 0xfee00000u);
	CHECK_EQ(list.bsp, 0);
	for (unsigned i = 0; i < list.count; i++)
		CHECK_EQ(list.apic_id[i], i);
}

static void test_area_wiped_and_bounded(void)
{
	setup();
	/* A previous owner's RSDP and table remains in the frames. */
	memcpy(ram + 0xe8000, "RSD PTR ", 8);
	memcpy(ram + 0xffff0, "RSD PTR ", 8);
	memcpy(ram + 0xe4000, "APIC", 4);
	CHECK_EQ(acpi_tables_build(&gm, 1, false), 0);
	uint64_t rsdp = 0;
	CHECK_EQ(scan_rsdp(0xe0000, &rsdp), 1);
	CHECK_EQ(ram[0xe4000], 0);
	CHECK_EQ(ram[0xfffff], 0);
	CHECK_EQ(ram[0xdffff], 0xcc);     /* below the area: untouched */
	CHECK_EQ(ram[0x100000], 0xcc);    /* the kernel's first MiB: untouched */
}

static void test_bad_arguments(void)
{
	setup();
	CHECK_EQ(acpi_tables_build(&gm, 0, false), -1);
	CHECK_EQ(acpi_tables_build(&gm, 256, false), -1);
	CHECK_EQ(acpi_tables_build(NULL, 1, false), -1);
	struct guest_mem small = { ram, 0xfffff };
	CHECK_EQ(acpi_tables_build(&small, 1, false), -1);
	struct guest_mem none = { NULL, RAM_SIZE };
	CHECK_EQ(acpi_tables_build(&none, 1, false), -1);
	for (uint32_t a = 0xe0000; a < 0x100000; a++)
		if (ram[a] != 0xcc) {
			CHECK(!"a refused build wrote into the area");
			break;
		}
	/* Exactly 1 MiB of RAM is enough. */
	struct guest_mem mib = { ram, 0x100000 };
	CHECK_EQ(acpi_tables_build(&mib, 1, false), 0);
}

int main(void)
{
	RUN(test_rsdp);
	RUN(test_fadt);
	RUN(test_dsdt);
	RUN(test_madt);
	RUN(test_dmar);
	RUN(test_hypervisor_parser_agrees);
	RUN(test_area_wiped_and_bounded);
	RUN(test_bad_arguments);
	free(ram);
	return CHECK_EXIT();
}
