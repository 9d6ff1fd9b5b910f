/*
 * The MADT walk behind acpi_find_cpus(): RSDP -> XSDT (RSDT for ACPI 1.0)
 * -> "APIC" -> processor entries. Firmware tables are input like any other,
 * so every length is checked against what was mapped and every checksum is
 * verified before a byte of the table is believed; a bad table yields an
 * error string, never a read past its end.
 */
#include <stdbool.h>
#include <stddef.h>
#include "boot/acpi.h"
#include "hw/acpi.h"
#include "lib/string.h"

#define STR_(x) #x
#define STR(x) STR_(x)

struct walk {
	acpi_map_fn map;
	void *ctx;
};

static uint8_t sum_bytes(const void *p, uint64_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;
	for (uint64_t i = 0; i < len; i++)
		s = (uint8_t)(s + b[i]);
	return s;
}

enum table_kind { TABLE_RSDT, TABLE_XSDT, TABLE_MADT, TABLE_KINDS };
enum table_problem { BAD_UNMAPPED, BAD_SIGNATURE, BAD_SHORT, BAD_HUGE, BAD_TRUNCATED, BAD_CHECKSUM, BAD_PROBLEMS };

#define TABLE_ERRORS(name) { \
	name " header outside readable memory", \
	name " signature mismatch", \
	name " shorter than its fixed fields (truncated)", \
	name " length implausibly large (over 1 MiB)", \
	name " extends past readable memory (truncated)", \
	name " checksum mismatch" }

static const char *const table_errors[TABLE_KINDS][BAD_PROBLEMS] = {
	[TABLE_RSDT] = TABLE_ERRORS("RSDT"),
	[TABLE_XSDT] = TABLE_ERRORS("XSDT"),
	[TABLE_MADT] = TABLE_ERRORS("MADT"),
};

static const char *const table_sigs[TABLE_KINDS] = {
	[TABLE_RSDT] = ACPI_SIG_RSDT, [TABLE_XSDT] = ACPI_SIG_XSDT, [TABLE_MADT] = ACPI_SIG_MADT,
};

/*
 * Map a whole system description table at pa after checking its header:
 * signature, a length that holds at least `min_len`, and the checksum.
 * *table and *len describe it on success.
 */
static const char *map_table(const struct walk *w, uint64_t pa, enum table_kind kind, uint32_t min_len,
                             const uint8_t **table, uint32_t *len)
{
	const char *const *why = table_errors[kind];
	struct acpi_sdt_header hdr;
	const void *p = pa ? w->map(pa, sizeof hdr, w->ctx) : 0;
	if (!p)
		return why[BAD_UNMAPPED];
	memcpy(&hdr, p, sizeof hdr);
	if (memcmp(hdr.signature, table_sigs[kind], ACPI_SIG_LEN))
		return why[BAD_SIGNATURE];
	if (hdr.length < min_len)
		return why[BAD_SHORT];
	if (hdr.length > ACPI_TABLE_MAX_LEN)
		return why[BAD_HUGE];
	p = w->map(pa, hdr.length, w->ctx);
	if (!p)
		return why[BAD_TRUNCATED];
	if (sum_bytes(p, hdr.length))
		return why[BAD_CHECKSUM];
	*table = p;
	*len = hdr.length;
	return 0;
}

/* The root table's entries are entry_size-byte physical addresses, unaligned. */
static const char *find_in_root(const struct walk *w, uint64_t root_pa, bool xsdt, uint64_t *madt_pa)
{
	const uint8_t *root;
	uint32_t len;
	const char *err = map_table(w, root_pa, xsdt ? TABLE_XSDT : TABLE_RSDT, sizeof(struct acpi_sdt_header),
	                            &root, &len);
	if (err)
		return err;
	size_t esize = xsdt ? sizeof(uint64_t) : sizeof(uint32_t);
	for (uint32_t off = sizeof(struct acpi_sdt_header); off + esize <= len; off += (uint32_t)esize) {
		uint64_t pa = 0;
		if (xsdt) {
			memcpy(&pa, root + off, sizeof pa);
		} else {
			uint32_t pa32;
			memcpy(&pa32, root + off, sizeof pa32);
			pa = pa32;
		}
		const char *sig = pa ? w->map(pa, ACPI_SIG_LEN, w->ctx) : 0;
		if (sig && !memcmp(sig, ACPI_SIG_MADT, ACPI_SIG_LEN)) {
			*madt_pa = pa;
			return 0;
		}
	}
	return "no MADT (\"APIC\" table) in the root table";
}

static const char *find_madt(const struct walk *w, uint64_t rsdp_pa, uint64_t *madt_pa)
{
	struct acpi_rsdp rsdp;
	const void *p = rsdp_pa ? w->map(rsdp_pa, ACPI_RSDP_V1_LEN, w->ctx) : 0;
	if (!p)
		return "RSDP outside readable memory";
	memset(&rsdp, 0, sizeof rsdp);
	memcpy(&rsdp, p, ACPI_RSDP_V1_LEN);
	if (memcmp(rsdp.signature, ACPI_RSDP_SIGNATURE, ACPI_RSDP_SIGNATURE_LEN))
		return "RSDP signature is not \"RSD PTR \"";
	if (sum_bytes(p, ACPI_RSDP_V1_LEN))
		return "RSDP checksum mismatch";
	if (rsdp.revision < ACPI_RSDP_REVISION_2)
		return find_in_root(w, rsdp.rsdt_address, false, madt_pa);

	p = w->map(rsdp_pa, sizeof rsdp, w->ctx);
	if (!p)
		return "ACPI 2.0 RSDP truncated";
	memcpy(&rsdp, p, sizeof rsdp);
	if (rsdp.length < sizeof rsdp || rsdp.length > ACPI_TABLE_MAX_LEN)
		return "ACPI 2.0 RSDP length invalid";
	p = w->map(rsdp_pa, rsdp.length, w->ctx);
	if (!p)
		return "ACPI 2.0 RSDP truncated";
	if (sum_bytes(p, rsdp.length))
		return "RSDP extended checksum mismatch";
	if (rsdp.xsdt_address) {
		const char *err = find_in_root(w, rsdp.xsdt_address, true, madt_pa);
		/* A broken XSDT with a usable RSDT beside it still describes the machine. */
		if (!err || !rsdp.rsdt_address)
			return err;
	}
	return find_in_root(w, rsdp.rsdt_address, false, madt_pa);
}

/* Append one usable CPU in MADT order, keeping the BSP when the list is full. */
static void add_cpu(struct acpi_cpu_list *out, uint32_t id, uint32_t bsp_apic_id)
{
	for (unsigned i = 0; i < out->count; i++) {
		if (out->apic_id[i] == id) {
			out->warning = "MADT lists an APIC id twice: the repeat is ignored";
			return;
		}
	}
	out->listed++;
	if (out->count < ACPI_MAX_CPUS) {
		if (id == bsp_apic_id)
			out->bsp = (int)out->count;
		out->apic_id[out->count++] = id;
		return;
	}
	out->warning = "MADT lists more CPUs than MAX_CPUS (" STR(ACPI_MAX_CPUS) "): the rest are left out";
	if (id == bsp_apic_id && out->bsp < 0) {
		/* The CPU running this code is online whatever the table's order: drop the last AP instead. */
		out->apic_id[ACPI_MAX_CPUS - 1] = id;
		out->bsp = ACPI_MAX_CPUS - 1;
	}
}

static bool usable(uint32_t flags)
{
	return (flags & (MADT_LAPIC_ENABLED | MADT_LAPIC_ONLINE_CAPABLE)) != 0;
}

static const char *parse_madt(const uint8_t *t, uint32_t len, uint32_t bsp_apic_id, struct acpi_cpu_list *out)
{
	struct acpi_madt madt;
	memcpy(&madt, t, sizeof madt);
	out->lapic_address = madt.lapic_address;

	for (uint32_t off = sizeof madt; off < len;) {
		struct acpi_madt_entry e;
		if (len - off < sizeof e)
			return "MADT entry header runs past the end of the table";
		memcpy(&e, t + off, sizeof e);
		if (e.length < sizeof e)
			return "MADT entry with length below 2 (would loop forever)";
		if (e.length > len - off)
			return "MADT entry runs past the end of the table";
		if (e.type == MADT_TYPE_LOCAL_APIC) {
			struct acpi_madt_local_apic a;
			if (e.length < sizeof a)
				return "MADT Processor Local APIC entry too short";
			memcpy(&a, t + off, sizeof a);
			if (usable(a.flags)) {
				if (a.apic_id == ACPI_XAPIC_ID_BROADCAST)
					out->warning = "MADT processor with the broadcast APIC id 0xff ignored";
				else
					add_cpu(out, a.apic_id, bsp_apic_id);
			}
		} else if (e.type == MADT_TYPE_LOCAL_X2APIC) {
			struct acpi_madt_local_x2apic x;
			if (e.length < sizeof x)
				return "MADT Processor Local x2APIC entry too short";
			memcpy(&x, t + off, sizeof x);
			if (usable(x.flags)) {
				if (x.x2apic_id == ACPI_X2APIC_ID_BROADCAST)
					out->warning = "MADT x2APIC processor with the broadcast id ignored";
				else
					add_cpu(out, x.x2apic_id, bsp_apic_id);
			}
		} else if (e.type == MADT_TYPE_LOCAL_APIC_OVERRIDE) {
			struct acpi_madt_lapic_override o;
			if (e.length < sizeof o)
				return "MADT Local APIC Address Override entry too short";
			memcpy(&o, t + off, sizeof o);
			out->lapic_address = o.lapic_address;
		}
		off += e.length;
	}
	if (!out->count)
		return "MADT lists no enabled processor";
	return 0;
}

const char *acpi_find_cpus(uint64_t rsdp_pa, acpi_map_fn map, void *ctx, uint32_t bsp_apic_id,
                           struct acpi_cpu_list *out)
{
	struct walk w = { map, ctx };
	uint64_t madt_pa = 0;
	const uint8_t *madt;
	uint32_t len;

	memset(out, 0, sizeof *out);
	out->bsp = -1;
	const char *err = find_madt(&w, rsdp_pa, &madt_pa);
	if (!err)
		err = map_table(&w, madt_pa, TABLE_MADT, sizeof(struct acpi_madt), &madt, &len);
	if (!err)
		err = parse_madt(madt, len, bsp_apic_id, out);
	if (err) {
		const char *keep = out->warning;
		memset(out, 0, sizeof *out);
		out->bsp = -1;
		out->warning = keep;
	}
	return err;
}
