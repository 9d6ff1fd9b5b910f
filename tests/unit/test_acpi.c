/*
 * acpi_find_cpus() against synthetic firmware tables laid out in a fake
 * physical memory: well-formed ACPI 1.0 and 2.0 trees, x2APIC entries,
 * clamping past MAX_CPUS, and corrupt input of every kind the parser
 * promises to reject (under ASan, an overread fails the test too).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "boot/acpi.h"
#include "hw/acpi.h"
#include "tests/unit/check.h"

#define MEM_BASE 0x10000u
#define MEM_SIZE 0x4000u
#define RSDP_PA  0x10000u
#define XSDT_PA  0x10100u
#define RSDT_PA  0x10200u
#define FACP_PA  0x10300u
#define MADT_PA  0x10400u
#define LAPIC    0xfee00000u

static uint8_t mem[MEM_SIZE];

static const void *fake_map(uint64_t pa, uint64_t len, void *ctx)
{
	(void)ctx;
	if (pa < MEM_BASE || len > MEM_SIZE || pa - MEM_BASE > MEM_SIZE - len)
		return NULL;
	/*
	 * A heap copy of exactly len bytes, so ASan catches any read past what
	 * was asked for; the last few stay valid as the parser holds several.
	 */
	static void *ring[8];
	static unsigned next;
	unsigned slot = next++ % 8;
	free(ring[slot]);
	ring[slot] = malloc(len ? len : 1);
	memcpy(ring[slot], mem + (pa - MEM_BASE), len);
	return ring[slot];
}

static uint8_t *at(uint64_t pa) { return mem + (pa - MEM_BASE); }

static void fix_checksum(uint8_t *p, size_t len, uint8_t *field)
{
	uint8_t s = 0;
	*field = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	*field = (uint8_t)-s;
}

static void put_rsdp(unsigned revision, uint32_t rsdt, uint64_t xsdt)
{
	struct acpi_rsdp r;
	memset(&r, 0, sizeof r);
	memcpy(r.signature, ACPI_RSDP_SIGNATURE, 8);
	memcpy(r.oem_id, "HINOKI", 6);
	r.revision = (uint8_t)revision;
	r.rsdt_address = rsdt;
	r.length = sizeof r;
	r.xsdt_address = xsdt;
	fix_checksum((uint8_t *)&r, ACPI_RSDP_V1_LEN, &r.checksum);
	fix_checksum((uint8_t *)&r, sizeof r, &r.extended_checksum);
	memcpy(at(RSDP_PA), &r, sizeof r);
}

static void seal_table(uint64_t pa)
{
	struct acpi_sdt_header h;
	memcpy(&h, at(pa), sizeof h);
	if (h.length > MEM_BASE + MEM_SIZE - pa)   /* fuzzed lengths: seal what exists */
		h.length = (uint32_t)(MEM_BASE + MEM_SIZE - pa);
	at(pa)[offsetof(struct acpi_sdt_header, checksum)] = 0;
	fix_checksum(at(pa), h.length, at(pa) + offsetof(struct acpi_sdt_header, checksum));
}

static void put_header(uint64_t pa, const char *sig, uint32_t len)
{
	struct acpi_sdt_header h;
	memset(&h, 0, sizeof h);
	memcpy(h.signature, sig, 4);
	h.length = len;
	h.revision = 1;
	memcpy(at(pa), &h, sizeof h);
}

/* Root table naming a FACP and the MADT; entries are 4 (RSDT) or 8 (XSDT) bytes. */
static void put_root(uint64_t pa, int xsdt)
{
	uint64_t entries[2] = { FACP_PA, MADT_PA };
	size_t es = xsdt ? 8 : 4;
	put_header(pa, xsdt ? "XSDT" : "RSDT", (uint32_t)(sizeof(struct acpi_sdt_header) + 2 * es));
	for (int i = 0; i < 2; i++) {
		uint32_t e32 = (uint32_t)entries[i];
		memcpy(at(pa) + sizeof(struct acpi_sdt_header) + i * es, xsdt ? (void *)&entries[i] : (void *)&e32, es);
	}
	seal_table(pa);
	put_header(FACP_PA, "FACP", sizeof(struct acpi_sdt_header));
	seal_table(FACP_PA);
}

/* MADT under construction: entries appended, then sealed. */
static uint32_t madt_len;

static void madt_begin(void)
{
	madt_len = sizeof(struct acpi_madt);
	memset(at(MADT_PA), 0, 0x800);
	put_header(MADT_PA, "APIC", madt_len);
	uint32_t lapic = LAPIC;
	memcpy(at(MADT_PA) + offsetof(struct acpi_madt, lapic_address), &lapic, 4);
}

static void madt_raw(const void *e, uint8_t len)
{
	memcpy(at(MADT_PA) + madt_len, e, len);
	madt_len += len;
}

static void madt_lapic(uint8_t id, uint32_t flags)
{
	struct acpi_madt_local_apic a = { { MADT_TYPE_LOCAL_APIC, sizeof a }, id, id, flags };
	madt_raw(&a, sizeof a);
}

static void madt_x2apic(uint32_t id, uint32_t flags)
{
	struct acpi_madt_local_x2apic x = { { MADT_TYPE_LOCAL_X2APIC, sizeof x }, 0, id, flags, id };
	madt_raw(&x, sizeof x);
}

static void madt_ioapic(void)
{
	uint8_t io[12] = { MADT_TYPE_IO_APIC, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0 };
	madt_raw(io, sizeof io);
}

static void madt_end(void)
{
	memcpy(at(MADT_PA) + offsetof(struct acpi_sdt_header, length), &madt_len, 4);
	seal_table(MADT_PA);
}

/* A standard ACPI 2.0 machine: XSDT and RSDT, BSP 0, APs 1..3, one disabled CPU. */
static void standard_machine(void)
{
	memset(mem, 0, sizeof mem);
	put_rsdp(2, RSDT_PA, XSDT_PA);
	put_root(XSDT_PA, 1);
	put_root(RSDT_PA, 0);
	madt_begin();
	madt_lapic(0, MADT_LAPIC_ENABLED);
	madt_ioapic();
	madt_lapic(2, MADT_LAPIC_ENABLED);
	madt_lapic(5, 0);                          /* disabled, not online-capable */
	madt_lapic(1, MADT_LAPIC_ENABLED);
	madt_lapic(3, MADT_LAPIC_ONLINE_CAPABLE);
	madt_end();
}

static const char *find(uint32_t bsp, struct acpi_cpu_list *l)
{
	return acpi_find_cpus(RSDP_PA, fake_map, NULL, bsp, l);
}

static void test_acpi2_xsdt(void)
{
	struct acpi_cpu_list l;
	standard_machine();
	CHECK(find(0, &l) == NULL);
	CHECK_EQ(l.count, 4);
	CHECK_EQ(l.listed, 4);
	CHECK_EQ(l.apic_id[0], 0);
	CHECK_EQ(l.apic_id[1], 2);
	CHECK_EQ(l.apic_id[2], 1);
	CHECK_EQ(l.apic_id[3], 3);
	CHECK_EQ(l.bsp, 0);
	CHECK_EQ(l.lapic_address, LAPIC);
	CHECK(l.warning == NULL);

	CHECK(find(1, &l) == NULL);
	CHECK_EQ(l.bsp, 2);
	CHECK(find(9, &l) == NULL);           /* caller not listed: reported, not fatal */
	CHECK_EQ(l.bsp, -1);
}

static void test_acpi1_rsdt(void)
{
	struct acpi_cpu_list l;
	standard_machine();
	put_rsdp(0, RSDT_PA, 0);
	memset(at(XSDT_PA), 0xee, 64);            /* revision 0 must not look at an XSDT */
	CHECK(find(0, &l) == NULL);
	CHECK_EQ(l.count, 4);
	CHECK_EQ(l.apic_id[3], 3);
}

static void test_xsdt_broken_falls_back_to_rsdt(void)
{
	struct acpi_cpu_list l;
	standard_machine();
	at(XSDT_PA)[40] ^= 0x55;                  /* checksum now wrong */
	CHECK(find(0, &l) == NULL);
	CHECK_EQ(l.count, 4);

	put_rsdp(2, 0, XSDT_PA);                  /* no RSDT to fall back to */
	const char *err = find(0, &l);
	CHECK(err && strcmp(err, "XSDT checksum mismatch") == 0);
	CHECK_EQ(l.count, 0);
}

static void test_x2apic_and_override(void)
{
	struct acpi_cpu_list l;
	memset(mem, 0, sizeof mem);
	put_rsdp(2, 0, XSDT_PA);
	put_root(XSDT_PA, 1);
	madt_begin();
	madt_x2apic(0x100, MADT_LAPIC_ENABLED);
	madt_lapic(4, MADT_LAPIC_ENABLED);
	madt_x2apic(4, MADT_LAPIC_ENABLED);       /* same CPU again: listed once */
	madt_x2apic(0x101, 0);                    /* disabled */
	madt_x2apic(ACPI_X2APIC_ID_BROADCAST, MADT_LAPIC_ENABLED);
	struct acpi_madt_lapic_override o = { { MADT_TYPE_LOCAL_APIC_OVERRIDE, sizeof o }, 0, 0x1fee00000ull };
	madt_raw(&o, sizeof o);
	madt_end();
	CHECK(find(4, &l) == NULL);
	CHECK_EQ(l.count, 2);
	CHECK_EQ(l.apic_id[0], 0x100);
	CHECK_EQ(l.apic_id[1], 4);
	CHECK_EQ(l.bsp, 1);
	CHECK_EQ(l.lapic_address, 0x1fee00000ull);
	CHECK(l.warning != NULL);
}

static void test_clamp_keeps_bsp(void)
{
	struct acpi_cpu_list l;
	memset(mem, 0, sizeof mem);
	put_rsdp(2, 0, XSDT_PA);
	put_root(XSDT_PA, 1);
	madt_begin();
	for (unsigned i = 0; i < ACPI_MAX_CPUS + 4; i++)
		madt_lapic((uint8_t)(i + 1), MADT_LAPIC_ENABLED);
	madt_end();

	CHECK(find(1, &l) == NULL);
	CHECK_EQ(l.count, ACPI_MAX_CPUS);
	CHECK_EQ(l.listed, ACPI_MAX_CPUS + 4);
	CHECK_EQ(l.bsp, 0);
	CHECK(l.warning && strstr(l.warning, "MAX_CPUS"));

	/* BSP listed after the first MAX_CPUS: it takes the last slot. */
	CHECK(find(ACPI_MAX_CPUS + 3, &l) == NULL);
	CHECK_EQ(l.count, ACPI_MAX_CPUS);
	CHECK_EQ(l.bsp, ACPI_MAX_CPUS - 1);
	CHECK_EQ(l.apic_id[ACPI_MAX_CPUS - 1], ACPI_MAX_CPUS + 3);
	CHECK_EQ(l.apic_id[0], 1);
}

static void expect_error(const char *want)
{
	struct acpi_cpu_list l;
	const char *err = find(0, &l);
	if (!err || !strstr(err, want))
		fprintf(stderr, "  wanted an error containing '%s', got '%s'\n", want, err ? err : "(none)");
	CHECK(err && strstr(err, want));
	CHECK_EQ(l.count, 0);
	CHECK_EQ(l.bsp, -1);
}

static void test_rsdp_errors(void)
{
	struct acpi_cpu_list l;
	standard_machine();
	CHECK(acpi_find_cpus(0, fake_map, NULL, 0, &l) != NULL);
	CHECK(acpi_find_cpus(MEM_BASE + MEM_SIZE - 8, fake_map, NULL, 0, &l) != NULL);

	standard_machine();
	at(RSDP_PA)[0] = 'X';
	expect_error("RSDP signature");

	standard_machine();
	at(RSDP_PA)[offsetof(struct acpi_rsdp, oem_id)] ^= 1;
	expect_error("RSDP checksum");

	standard_machine();
	at(RSDP_PA)[offsetof(struct acpi_rsdp, reserved)] ^= 1;
	expect_error("RSDP extended checksum");

	standard_machine();
	struct acpi_rsdp r;
	memcpy(&r, at(RSDP_PA), sizeof r);
	r.length = 0x7fffffff;
	fix_checksum((uint8_t *)&r, ACPI_RSDP_V1_LEN, &r.checksum);
	memcpy(at(RSDP_PA), &r, sizeof r);
	expect_error("RSDP length");

	standard_machine();
	put_rsdp(2, 0, 0x7000);                   /* XSDT outside memory, no RSDT */
	expect_error("XSDT header outside readable memory");
}

static void test_madt_errors(void)
{
	standard_machine();
	at(MADT_PA)[50] ^= 0x10;
	expect_error("MADT checksum mismatch");

	/* Length larger than readable memory: truncated, not read. */
	standard_machine();
	uint32_t huge = MEM_SIZE;
	memcpy(at(MADT_PA) + 4, &huge, 4);
	expect_error("MADT extends past readable memory");

	standard_machine();
	uint32_t big = 0x40000000;
	memcpy(at(MADT_PA) + 4, &big, 4);
	expect_error("MADT length implausibly large");

	standard_machine();
	uint32_t tiny = 20;
	memcpy(at(MADT_PA) + 4, &tiny, 4);
	seal_table(MADT_PA);
	expect_error("MADT shorter than its fixed fields");

	/* An entry of length 0 would never advance. */
	memset(mem, 0, sizeof mem);
	put_rsdp(2, 0, XSDT_PA);
	put_root(XSDT_PA, 1);
	madt_begin();
	madt_lapic(0, MADT_LAPIC_ENABLED);
	uint8_t zero[8] = { MADT_TYPE_IO_APIC, 0 };
	madt_raw(zero, sizeof zero);
	madt_end();
	expect_error("length below 2");

	/* An entry claiming more bytes than the table holds. */
	madt_begin();
	madt_lapic(0, MADT_LAPIC_ENABLED);
	uint8_t longer[8] = { MADT_TYPE_IO_APIC, 40 };
	madt_raw(longer, sizeof longer);
	madt_end();
	expect_error("runs past the end");

	/* A single byte left over after the last entry. */
	madt_begin();
	madt_lapic(0, MADT_LAPIC_ENABLED);
	uint8_t odd = MADT_TYPE_LOCAL_APIC;
	madt_raw(&odd, 1);
	madt_end();
	expect_error("entry header runs past");

	/* A processor entry too short for its fields. */
	madt_begin();
	uint8_t shortcpu[4] = { MADT_TYPE_LOCAL_APIC, 4, 0, 0 };
	madt_raw(shortcpu, sizeof shortcpu);
	madt_end();
	expect_error("Local APIC entry too short");

	madt_begin();
	uint8_t shortx2[8] = { MADT_TYPE_LOCAL_X2APIC, 8 };
	madt_raw(shortx2, sizeof shortx2);
	madt_end();
	expect_error("x2APIC entry too short");

	/* Nothing enabled. */
	madt_begin();
	madt_lapic(0, 0);
	madt_lapic(ACPI_XAPIC_ID_BROADCAST, MADT_LAPIC_ENABLED);
	madt_end();
	expect_error("no enabled processor");

	/* No MADT at all in the root table. */
	standard_machine();
	memcpy(at(MADT_PA), "FACS", 4);
	expect_error("no MADT");
}

/* Random damage to a valid tree, checksums repaired half the time: never a crash or overread. */
static void test_fuzz(void)
{
	srand(1234);
	unsigned ok = 0, rejected = 0;
	for (int round = 0; round < 3000; round++) {
		standard_machine();
		int flips = 1 + rand() % 6;
		for (int i = 0; i < flips; i++) {
			uint32_t off = (uint32_t)(rand() % 0x500);
			mem[off] = (uint8_t)rand();
		}
		if (rand() & 1) {
			seal_table(MADT_PA);
			seal_table(XSDT_PA);
		}
		struct acpi_cpu_list l;
		const char *err = find(0, &l);
		if (err) {
			rejected++;
			CHECK_EQ(l.count, 0);
		} else {
			ok++;
			CHECK(l.count >= 1 && l.count <= ACPI_MAX_CPUS);
			CHECK(l.bsp >= -1 && l.bsp < (int)l.count);
		}
	}
	CHECK(ok > 0);
	CHECK(rejected > 0);
}

int main(void)
{
	RUN(test_acpi2_xsdt);
	RUN(test_acpi1_rsdt);
	RUN(test_xsdt_broken_falls_back_to_rsdt);
	RUN(test_x2apic_and_override);
	RUN(test_clamp_keeps_bsp);
	RUN(test_rsdp_errors);
	RUN(test_madt_errors);
	RUN(test_fuzz);
	return CHECK_EXIT();
}
