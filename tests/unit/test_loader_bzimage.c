/*
 * Host tests for the Linux bzImage loader on synthetic images built here:
 * detection, placement at pref_address and relocation, the zero page (setup
 * header copy, loader fields, e820 map), command line, initrd placement, the
 * entry's GDT, CR3, RIP and RSI, and every refusal with its sentence. Guest
 * RAM sits between guard pages (loader_images.h), so a stray write crashes.
 */
#include "tests/unit/loader_images.h"
#include "hw/linux_boot.h"

#define BZ_RAM        (64 * MIB)
#define BZ_SETUP      2                  /* setup sectors after the boot sector */
#define BZ_PM_OFF     ((BZ_SETUP + 1) * 512)
#define BZ_PM_SIZE    0x2000u
#define BZ_INIT_SIZE  0x800000u          /* 8 MiB from the load address */
#define BZ_PREF       0x1000000ULL
#define BZ_ALIGN      0x200000u
#define BZ_HDR_END    0x26c              /* 0x202 + the jump byte of a 6.1 kernel */

struct bz_spec {
	uint8_t setup_sects, jump_disp, relocatable;
	uint16_t version, xloadflags;
	uint32_t syssize, initrd_addr_max, kernel_alignment, cmdline_size, init_size;
	uint64_t pref_address;
};

static uint8_t bz[0x8000];

static struct bz_spec bz_default(void)
{
	return (struct bz_spec){
		.setup_sects = BZ_SETUP, .jump_disp = BZ_HDR_END - 0x202, .relocatable = 1,
		.version = 0x020f, .xloadflags = 0x7f, .syssize = BZ_PM_SIZE / 16,
		.initrd_addr_max = 0x7fffffff, .kernel_alignment = BZ_ALIGN, .cmdline_size = 0x7ff,
		.init_size = BZ_INIT_SIZE, .pref_address = BZ_PREF,
	};
}

static void set16(size_t off, uint16_t v) { memcpy(bz + off, &v, sizeof(v)); }
static void set32(size_t off, uint32_t v) { memcpy(bz + off, &v, sizeof(v)); }
static void set64(size_t off, uint64_t v) { memcpy(bz + off, &v, sizeof(v)); }

static uint32_t bp32(const struct ram *r, size_t off)
{
	uint32_t v;
	memcpy(&v, r->gm.base + LOADER_LX_GPA_BOOT_PARAMS + off, sizeof(v));
	return v;
}

/* Writes the image; returns its length: the setup sectors plus syssize paragraphs. */
static size_t bz_emit(const struct bz_spec *s)
{
	size_t setup = s->setup_sects ? s->setup_sects : 4;
	size_t len = (setup + 1) * 512 + (size_t)s->syssize * 16;

	for (size_t i = 0; i < sizeof(bz); i++)
		bz[i] = pattern(i);
	bz[LINUX_HDR_SETUP_SECTS] = s->setup_sects;
	set32(LINUX_HDR_SYSSIZE, s->syssize);
	set16(LINUX_HDR_BOOT_FLAG, 0xaa55);
	bz[LINUX_HDR_JUMP] = 0xeb;
	bz[LINUX_HDR_JUMP_DISP] = s->jump_disp;
	memcpy(bz + LINUX_HDR_HEADER, "HdrS", 4);
	set16(LINUX_HDR_VERSION, s->version);
	bz[LINUX_HDR_TYPE_OF_LOADER] = 0;
	set32(LINUX_HDR_RAMDISK_IMAGE, 0);
	set32(LINUX_HDR_RAMDISK_SIZE, 0);
	set32(LINUX_HDR_CMD_LINE_PTR, 0);
	set32(LINUX_HDR_INITRD_ADDR_MAX, s->initrd_addr_max);
	set32(LINUX_HDR_KERNEL_ALIGNMENT, s->kernel_alignment);
	bz[LINUX_HDR_RELOCATABLE] = s->relocatable;
	set16(LINUX_HDR_XLOADFLAGS, s->xloadflags);
	set32(LINUX_HDR_CMDLINE_SIZE, s->cmdline_size);
	set64(LINUX_HDR_PREF_ADDRESS, s->pref_address);
	set32(LINUX_HDR_INIT_SIZE, s->init_size);
	return len;
}

static struct load_params bz_params(size_t len)
{
	return (struct load_params){ .kernel = bz, .kernel_len = len, .cmdline = "console=ttyS0",
	                             .domain_name = "linux", .vcpus = 1 };
}

static int bz_load(const struct load_params *p, uint64_t ram, struct ram *r, struct guest_entry *e)
{
	*r = ram_new(ram);
	memset(err, 0, sizeof(err));
	return loader_load(p, &r->gm, e, err, sizeof(err));
}

static void bz_fail(const struct load_params *p, uint64_t ram, const char *want)
{
	struct ram r;
	struct guest_entry e;

	CHECK_EQ(bz_load(p, ram, &r, &e), -1);
	if (!strstr(err, want)) {
		fprintf(stderr, "  error \"%s\" lacks \"%s\"\n", err, want);
		CHECK(0);
	}
	ram_free(&r);
}

static void bz_fail_spec(const struct bz_spec *s, const char *want)
{
	struct load_params p = bz_params(bz_emit(s));
	bz_fail(&p, BZ_RAM, want);
}

/* The kernel was loaded at `at` and entered at its 64-bit entry. */
static void check_loaded_at(const struct ram *r, const struct guest_entry *e, uint64_t at, size_t pm_off)
{
	CHECK_EQ(e->rip, at + 0x200);
	CHECK_EQ(e->kernel_end, at + BZ_INIT_SIZE);
	CHECK(memcmp(r->gm.base + at, bz + pm_off, BZ_PM_SIZE) == 0);
}

/* ---- detection and placement ------------------------------------------------ */

static void test_detect(void)
{
	struct bz_spec s = bz_default();
	size_t n = bz_emit(&s);

	CHECK_EQ(loader_detect(bz, n), KERNEL_LINUX_BZIMAGE);
	CHECK(strcmp(loader_format_name(KERNEL_LINUX_BZIMAGE), "Linux bzImage") == 0);
	CHECK_EQ(loader_detect(bz, LINUX_HDR_HEADER + 3), KERNEL_UNKNOWN);  /* signature cut off */
	bz[LINUX_HDR_HEADER] = 'h';
	CHECK_EQ(loader_detect(bz, n), KERNEL_UNKNOWN);
	struct load_params p = bz_params(n);
	bz_fail(&p, BZ_RAM, "boot sector (0xaa55 at 0x1fe) without the Linux setup header signature");
	bz_emit(&s);
	set16(LINUX_HDR_BOOT_FLAG, 0x55aa);
	CHECK_EQ(loader_detect(bz, n), KERNEL_UNKNOWN);
	bz_fail(&p, BZ_RAM, "not a Hinoki ELF64, Multiboot or Linux bzImage kernel (first bytes");
}

static void test_load_at_pref_address(void)
{
	struct bz_spec s = bz_default();
	struct load_params p = bz_params(bz_emit(&s));
	struct ram r;
	struct guest_entry e;

	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	CHECK_EQ(e.format, KERNEL_LINUX_BZIMAGE);
	check_loaded_at(&r, &e, BZ_PREF, BZ_PM_OFF);
	ram_free(&r);

	/* setup_sects 0 means 4: the kernel starts after five sectors. */
	s.setup_sects = 0;
	p = bz_params(bz_emit(&s));
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	check_loaded_at(&r, &e, BZ_PREF, 5 * 512);
	ram_free(&r);

	/* A non-relocatable kernel that fits at pref_address loads there, even above 16 MiB. */
	s = bz_default();
	s.relocatable = 0;
	s.pref_address = 0x2400000;
	p = bz_params(bz_emit(&s));
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	check_loaded_at(&r, &e, 0x2400000, BZ_PM_OFF);
	ram_free(&r);
}

static void test_relocation(void)
{
	struct bz_spec s = bz_default();
	struct load_params p;
	struct ram r;
	struct guest_entry e;

	s.pref_address = BZ_PREF + 0x1000;                 /* not aligned */
	p = bz_params(bz_emit(&s));
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	check_loaded_at(&r, &e, 16 * MIB, BZ_PM_OFF);
	ram_free(&r);

	s.pref_address = BZ_RAM - BZ_INIT_SIZE + BZ_ALIGN;  /* init_size would run past RAM */
	p = bz_params(bz_emit(&s));
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	check_loaded_at(&r, &e, 16 * MIB, BZ_PM_OFF);
	ram_free(&r);

	s.pref_address = 0x100000;                          /* below 16 MiB is fine when aligned */
	s.kernel_alignment = 0x100000;
	p = bz_params(bz_emit(&s));
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	check_loaded_at(&r, &e, 0x100000, BZ_PM_OFF);
	ram_free(&r);

	s.pref_address = 0x1100000;                         /* lowest 32 MiB-aligned address from 16 MiB */
	s.kernel_alignment = 0x2000000;
	p = bz_params(bz_emit(&s));
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	check_loaded_at(&r, &e, 32 * MIB, BZ_PM_OFF);
	ram_free(&r);
}

/* ---- the zero page and the entry ------------------------------------------- */

static void test_boot_params(void)
{
	struct bz_spec s = bz_default();
	struct load_params p = bz_params(bz_emit(&s));
	struct ram r;
	struct guest_entry e;
	const uint8_t *bp;
	struct linux_e820_entry map[3];

	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	bp = r.gm.base + LOADER_LX_GPA_BOOT_PARAMS;
	/* The header as the image has it, but for the fields the loader owns. */
	for (size_t i = LINUX_HDR_SETUP_SECTS; i < BZ_HDR_END; i++) {
		if (i == LINUX_HDR_TYPE_OF_LOADER ||
		    (i >= LINUX_HDR_CMD_LINE_PTR && i < LINUX_HDR_CMD_LINE_PTR + 4))
			continue;
		if (bp[i] != bz[i]) {
			fprintf(stderr, "  boot_params byte %zx is 0x%x, image has 0x%x\n", i, bp[i], bz[i]);
			CHECK(0);
			break;
		}
	}
	CHECK_EQ(bp[LINUX_HDR_TYPE_OF_LOADER], 0xff);
	CHECK_EQ(bp32(&r, LINUX_HDR_CMD_LINE_PTR), LOADER_LX_GPA_CMDLINE);
	CHECK_EQ(bp32(&r, LINUX_BP_EXT_CMD_LINE_PTR), 0);
	CHECK_EQ(bp32(&r, LINUX_HDR_RAMDISK_IMAGE), 0);
	CHECK_EQ(bp32(&r, LINUX_HDR_RAMDISK_SIZE), 0);
	CHECK(strcmp((const char *)r.gm.base + LOADER_LX_GPA_CMDLINE, "console=ttyS0") == 0);

	/* Nothing claimed beyond the header and the map: the rest of the page is zero. */
	int stray = 0;
	for (size_t i = 0; i < LINUX_BP_SIZE; i++) {
		bool owned = (i >= LINUX_HDR_SETUP_SECTS && i < BZ_HDR_END) || i == LINUX_BP_E820_ENTRIES ||
		             (i >= LINUX_BP_E820_TABLE && i < LINUX_BP_E820_TABLE + sizeof(map));
		stray += !owned && bp[i] != 0;
	}
	CHECK_EQ(stray, 0);

	CHECK_EQ(bp[LINUX_BP_E820_ENTRIES], 3);
	memcpy(map, bp + LINUX_BP_E820_TABLE, sizeof(map));
	CHECK_EQ(map[0].addr, 0);
	CHECK_EQ(map[0].size, 0x9f000);
	CHECK_EQ(map[0].type, E820_TYPE_RAM);
	CHECK_EQ(map[1].addr, 0x9f000);
	CHECK_EQ(map[1].size, 0x61000);
	CHECK_EQ(map[1].type, E820_TYPE_RESERVED);
	CHECK_EQ(map[2].addr, 0x100000);
	CHECK_EQ(map[2].size, BZ_RAM - 0x100000);
	CHECK_EQ(map[2].type, E820_TYPE_RAM);
	ram_free(&r);
}

static void test_entry_state(void)
{
	struct bz_spec s = bz_default();
	struct load_params p = bz_params(bz_emit(&s));
	struct ram r;
	struct guest_entry e;

	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	CHECK_EQ(e.mode, ENTRY_LONG64);
	CHECK_EQ(e.rip, BZ_PREF + 0x200);
	CHECK_EQ(e.rsi, LOADER_LX_GPA_BOOT_PARAMS);
	CHECK_EQ(e.rdi, 0);
	CHECK_EQ(e.code_sel, 0x10);
	CHECK_EQ(e.data_sel, 0x18);
	CHECK_EQ(e.gdt_base, LOADER_LX_GPA_GDT);
	CHECK_EQ(e.gdt_limit, 0x1f);
	CHECK_EQ(rd64(&r, LOADER_LX_GPA_GDT + 0x00), 0);
	CHECK_EQ(rd64(&r, LOADER_LX_GPA_GDT + 0x08), 0);
	CHECK_EQ(rd64(&r, LOADER_LX_GPA_GDT + 0x10), 0x00af9b000000ffffULL);
	CHECK_EQ(rd64(&r, LOADER_LX_GPA_GDT + 0x18), 0x00cf93000000ffffULL);
	/* The ELF64 loader's identity map of [0, 4 GiB). */
	CHECK_EQ(e.cr3, HINOKI_GPA_PML4);
	CHECK_EQ(rd64(&r, HINOKI_GPA_PML4), HINOKI_GPA_PDPT | 3);
	CHECK_EQ(rd64(&r, HINOKI_GPA_PDPT + 3 * 8), (HINOKI_GPA_PD + 3 * 0x1000) | 3);
	CHECK_EQ(rd64(&r, HINOKI_GPA_PD + 8 * 8), (8ULL << 21) | 0x83);
	CHECK_EQ(rd64(&r, HINOKI_GPA_PD + 2047 * 8), 0xffe00083ULL);
	/* Boot structures below the kernel, clear of the page tables. */
	CHECK(e.rsp > HINOKI_GPA_PD + 4 * 0x1000 && e.rsp <= 0x9f000);
	ram_free(&r);
}

static void test_cmdline(void)
{
	struct bz_spec s = bz_default();
	struct load_params p;
	static char longest[0x1000 + 1];

	s.cmdline_size = 13;                               /* "console=ttyS0" exactly */
	p = bz_params(bz_emit(&s));
	struct ram r;
	struct guest_entry e;
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	ram_free(&r);
	s.cmdline_size = 12;
	bz_fail_spec(&s, "command line of 13 characters is longer than the kernel's cmdline_size of 12");

	s.cmdline_size = 0x100000;
	p = bz_params(bz_emit(&s));
	memset(longest, 'x', sizeof(longest) - 1);
	p.cmdline = longest;
	bz_fail(&p, BZ_RAM, "command line of 4096 characters is longer than the 4095 Hinoki passes");
	p.cmdline = NULL;
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	CHECK_EQ(r.gm.base[LOADER_LX_GPA_CMDLINE], 0);
	ram_free(&r);
}

/* ---- the initrd ---------------------------------------------------------------- */

static void test_initrd(void)
{
	static uint8_t rd[10000];
	struct bz_spec s = bz_default();
	struct load_params p;
	struct ram r;
	struct guest_entry e;
	uint64_t at;

	for (size_t i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(i ^ 0x5a);
	/* As high as RAM allows, on a page boundary. */
	p = bz_params(bz_emit(&s));
	p.ramdisk = rd;
	p.ramdisk_len = sizeof(rd);
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	at = (BZ_RAM - sizeof(rd)) & ~0xfffULL;
	CHECK_EQ(bp32(&r, LINUX_HDR_RAMDISK_IMAGE), at);
	CHECK_EQ(bp32(&r, LINUX_HDR_RAMDISK_SIZE), sizeof(rd));
	CHECK_EQ(bp32(&r, LINUX_BP_EXT_RAMDISK_IMAGE), 0);
	CHECK(memcmp(r.gm.base + at, rd, sizeof(rd)) == 0);
	ram_free(&r);

	/* As high as initrd_addr_max allows: its last byte may be at initrd_addr_max. */
	s.initrd_addr_max = 0x2ffffff;
	p.kernel_len = bz_emit(&s);
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	CHECK_EQ(bp32(&r, LINUX_HDR_RAMDISK_IMAGE), (0x3000000 - sizeof(rd)) & ~0xfffULL);
	ram_free(&r);

	/* No room between the kernel and that limit: below the kernel. */
	s.pref_address = 0x2800000;                        /* kernel at [40, 48) MiB */
	p.kernel_len = bz_emit(&s);
	CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), 0);
	check_loaded_at(&r, &e, 0x2800000, BZ_PM_OFF);
	at = (0x2800000 - sizeof(rd)) & ~0xfffULL;
	CHECK_EQ(bp32(&r, LINUX_HDR_RAMDISK_IMAGE), at);
	CHECK(memcmp(r.gm.base + at, rd, sizeof(rd)) == 0);
	ram_free(&r);

	/* Nowhere: a limit below 1 MiB, or an initrd larger than the RAM left. */
	s = bz_default();
	s.initrd_addr_max = 0xfffff;
	p.kernel_len = bz_emit(&s);
	bz_fail(&p, BZ_RAM, "initrd of 10000 bytes does not fit in guest RAM below 0x100000");
	s = bz_default();
	p.kernel_len = bz_emit(&s);
	p.ramdisk_len = 16 * MIB;
	p.ramdisk = calloc(1, p.ramdisk_len);
	CHECK(p.ramdisk != NULL);
	bz_fail(&p, 32 * MIB, "initrd of 16777216 bytes does not fit in guest RAM below 0x2000000 "
	        "(the lower of initrd_addr_max + 1 and RAM) beside the kernel at [0x1000000, 0x1800000)");
	free((void *)p.ramdisk);
}

/* RAM beyond 4 GiB: the e820 map has all of it, but nothing goes past the identity map. */
static void test_ram_above_4g(void)
{
	static uint8_t rd[0x3000];
	struct bz_spec s = bz_default();
	struct load_params p;
	struct ram r;
	struct guest_entry e;
	struct linux_e820_entry top;
	const uint64_t ram = 0x140000000ULL;               /* 5 GiB */

	s.initrd_addr_max = 0xffffffff;
	s.pref_address = 0x100000000ULL;                   /* aligned, in RAM, but past 4 GiB */
	p = bz_params(bz_emit(&s));
	p.ramdisk = rd;
	p.ramdisk_len = sizeof(rd);
	CHECK_EQ(bz_load(&p, ram, &r, &e), 0);
	check_loaded_at(&r, &e, 16 * MIB, BZ_PM_OFF);
	CHECK_EQ(bp32(&r, LINUX_HDR_RAMDISK_IMAGE), 0x100000000ULL - sizeof(rd));
	CHECK_EQ(bp32(&r, LINUX_BP_EXT_RAMDISK_IMAGE), 0);
	memcpy(&top, r.gm.base + LOADER_LX_GPA_BOOT_PARAMS + LINUX_BP_E820_TABLE + 2 * sizeof(top), sizeof(top));
	CHECK_EQ(top.addr + top.size, ram);
	ram_free(&r);

	s.relocatable = 0;
	p.kernel_len = bz_emit(&s);
	bz_fail(&p, ram, "at its pref_address is not aligned to 0x200000 or not inside guest RAM "
	        "below 0x100000000");
}

/* ---- refusals ------------------------------------------------------------------ */

static void test_refusals(void)
{
	struct bz_spec s = bz_default();
	struct load_params p;
	size_t n = bz_emit(&s);

	p = bz_params(n - 1);
	bz_fail(&p, BZ_RAM, "truncated Linux bzImage: the image is 9727 bytes, its setup sectors and "
	        "syssize say 9728");
	p = bz_params(0x210);
	bz_fail(&p, BZ_RAM, "truncated Linux bzImage: the image is 528 bytes, its setup header ends at 0x26c");
	p = bz_params(LINUX_HDR_VERSION + 1);
	bz_fail(&p, BZ_RAM, "truncated Linux bzImage: the image is 519 bytes, shorter than its setup header");

	s.version = 0x020b;
	bz_fail_spec(&s, "Linux bzImage boot protocol 0x20b is older than 2.12 (0x20c)");
	s = bz_default();
	s.jump_disp = 0x50;
	bz_fail_spec(&s, "Linux bzImage setup header ends at 0x252, before init_size");
	s = bz_default();
	s.xloadflags = 0x7e;
	bz_fail_spec(&s, "Linux bzImage has no 64-bit entry (XLF_KERNEL_64 clear in xloadflags 0x7e)");
	s = bz_default();
	s.syssize = 0;
	bz_fail_spec(&s, "Linux bzImage has no protected-mode kernel (syssize is 0)");
	s = bz_default();
	s.kernel_alignment = 0x300000;
	bz_fail_spec(&s, "Linux bzImage kernel_alignment 0x300000 is not a power of two");
	s.kernel_alignment = 0;
	bz_fail_spec(&s, "Linux bzImage kernel_alignment 0x0 is not a power of two");

	/* Too big for the domain: at pref_address and at the lowest relocation address. */
	s = bz_default();
	s.init_size = BZ_RAM - 16 * MIB + 0x1000;
	bz_fail_spec(&s, "Linux bzImage needs init_size 0x3001000 bytes of guest RAM from 0x1000000, "
	             "but guest RAM is 0x4000000 bytes");
	s = bz_default();
	s.relocatable = 0;
	s.pref_address = BZ_PREF + 0x1000;
	bz_fail_spec(&s, "Linux bzImage is not relocatable and [0x1001000, +init_size 0x800000) at its "
	             "pref_address is not aligned to 0x200000 or not inside guest RAM below 0x4000000");
	s.pref_address = BZ_RAM - BZ_ALIGN;
	bz_fail_spec(&s, "Linux bzImage is not relocatable");
	s.pref_address = 0;                                /* the boot structures' place */
	bz_fail_spec(&s, "Linux bzImage is not relocatable");
}

/* Every cut of a valid image fails cleanly, and never writes outside RAM. */
static void test_truncated_everywhere(void)
{
	struct bz_spec s = bz_default();
	size_t n = bz_emit(&s);

	for (size_t len = 0; len < n; len += len < 0x300 ? 1 : 0x100) {
		struct load_params p = bz_params(len);
		struct ram r;
		struct guest_entry e;
		CHECK_EQ(bz_load(&p, BZ_RAM, &r, &e), -1);
		CHECK(err[0] != '\0');
		ram_free(&r);
	}
}

int main(void)
{
	RUN(test_detect);
	RUN(test_load_at_pref_address);
	RUN(test_relocation);
	RUN(test_boot_params);
	RUN(test_entry_state);
	RUN(test_cmdline);
	RUN(test_initrd);
	RUN(test_ram_above_4g);
	RUN(test_refusals);
	RUN(test_truncated_everywhere);
	return CHECK_EXIT();
}
