/*
 * Host tests for what the Hinoki ELF64 loader gives the management domain
 * beyond the basic protocol: the boot script at HINOKI_GPA_SCRIPT (present,
 * absent, cut at a command boundary when too long, its page cleared) and the
 * TSC rate in the bootinfo; and that a Multiboot kernel never gets either.
 */
#include "tests/unit/loader_images.h"

static struct hinoki_bootinfo bootinfo(const struct ram *r)
{
	struct hinoki_bootinfo bi;
	memcpy(&bi, r->gm.base + HINOKI_GPA_BOOTINFO, sizeof(bi));
	return bi;
}

static const char *script_at(const struct ram *r)
{
	return (const char *)r->gm.base + HINOKI_GPA_SCRIPT;
}

static void test_script_written(void)
{
	struct elf64_spec s = elf64_default();
	struct load_params p = params(elf64_emit(&s));
	struct ram r;
	struct guest_entry e;

	p.script = "list; wait; shutdown";
	p.tsc_khz = 2995200;
	CHECK_EQ(load(&p, &r, &e), 0);
	struct hinoki_bootinfo bi = bootinfo(&r);
	CHECK_EQ(bi.script_gpa, HINOKI_GPA_SCRIPT);
	CHECK_EQ(bi.tsc_khz, 2995200);
	CHECK_EQ(bi.reserved, 0);
	CHECK(strcmp(script_at(&r), "list; wait; shutdown") == 0);
	/* The rest of the page is cleared, and nothing past it is touched. */
	int bad = 0;
	for (size_t i = strlen(p.script); i < HINOKI_SCRIPT_MAX; i++)
		bad += r.gm.base[HINOKI_GPA_SCRIPT + i] != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(r.gm.base[HINOKI_GPA_SCRIPT + HINOKI_SCRIPT_MAX], FILL);
	/* The other structures are unchanged by it. */
	CHECK(strcmp((char *)r.gm.base + HINOKI_GPA_CMDLINE, "console=ttyS0 quiet") == 0);
	CHECK_EQ(bi.magic, HINOKI_BOOT_MAGIC);
	CHECK(strcmp(bi.domain_name, "hello") == 0);
	CHECK_EQ(rd64(&r, HINOKI_GPA_PD + 2047 * 8), 0xffe00083ULL);
	ram_free(&r);
}

static void test_no_script(void)
{
	struct elf64_spec s = elf64_default();
	struct load_params p = params(elf64_emit(&s));
	struct ram r;
	struct guest_entry e;

	/* NULL and "" both mean none: script_gpa 0, the page still cleared. */
	const char *none[] = { NULL, "" };
	for (int i = 0; i < 2; i++) {
		p.script = none[i];
		p.tsc_khz = 0;
		CHECK_EQ(load(&p, &r, &e), 0);
		struct hinoki_bootinfo bi = bootinfo(&r);
		CHECK_EQ(bi.script_gpa, 0);
		CHECK_EQ(bi.tsc_khz, 0);
		int bad = 0;
		for (size_t k = 0; k < HINOKI_SCRIPT_MAX; k++)
			bad += r.gm.base[HINOKI_GPA_SCRIPT + k] != 0;
		CHECK_EQ(bad, 0);
		ram_free(&r);
	}
}

static void test_script_exact_fit(void)
{
	static char longest[HINOKI_SCRIPT_MAX];
	struct elf64_spec s = elf64_default();
	struct load_params p = params(elf64_emit(&s));
	struct ram r;
	struct guest_entry e;

	memset(longest, 'a', sizeof(longest) - 1);
	longest[100] = ';';
	p.script = longest;
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(bootinfo(&r).script_gpa, HINOKI_GPA_SCRIPT);
	CHECK_EQ(strlen(script_at(&r)), HINOKI_SCRIPT_MAX - 1);
	CHECK(memcmp(script_at(&r), longest, HINOKI_SCRIPT_MAX - 1) == 0);
	ram_free(&r);
}

/* Too long: cut after the last whole command that fits, never inside one. */
static void test_script_cut_at_command(void)
{
	static char big[3 * HINOKI_SCRIPT_MAX];
	struct elf64_spec s = elf64_default();
	struct load_params p = params(elf64_emit(&s));
	struct ram r;
	struct guest_entry e;

	/* "create d;" repeated: 9 bytes a command. */
	size_t n = 0;
	while (n + 9 < sizeof(big)) {
		memcpy(big + n, "create d;", 9);
		n += 9;
	}
	big[n] = 0;
	p.script = big;
	CHECK_EQ(load(&p, &r, &e), 0);
	size_t got = strlen(script_at(&r));
	/* The last ';' below 4095 is at 9k + 8 <= 4094: k = 454, so the cut is at 4094. */
	CHECK_EQ(got, 4094);
	CHECK_EQ(script_at(&r)[got - 1], 'd');
	CHECK(memcmp(script_at(&r), big, got) == 0);
	CHECK_EQ(r.gm.base[HINOKI_GPA_SCRIPT + HINOKI_SCRIPT_MAX], FILL);
	ram_free(&r);

	/* One command longer than the page: nothing can be kept, so there is no script. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(bootinfo(&r).script_gpa, 0);
	CHECK_EQ(script_at(&r)[0], 0);
	ram_free(&r);

	/* A ';' first and then too much: also nothing. */
	big[0] = ';';
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(bootinfo(&r).script_gpa, 0);
	ram_free(&r);

	/* A ';' exactly at the last byte that fits. */
	memset(big, 'y', sizeof(big) - 1);
	big[HINOKI_SCRIPT_MAX - 2] = ';';
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(strlen(script_at(&r)), HINOKI_SCRIPT_MAX - 2);
	ram_free(&r);
}

/* No segment may overlap the script page (it sits in the first MiB, which is refused anyway). */
static void test_segment_over_script_page(void)
{
	struct elf64_spec s = elf64_default();
	struct load_params p;
	struct ram r;
	struct guest_entry e;

	s.ph[0].p_paddr = HINOKI_GPA_SCRIPT + 0x800;
	s.eh.e_entry = s.ph[0].p_paddr;
	p = params(elf64_emit(&s));
	p.script = "list";
	CHECK_EQ(load(&p, &r, &e), -1);
	CHECK(strstr(err, "segment 0") && strstr(err, "overlaps"));
	CHECK_EQ(r.gm.base[HINOKI_GPA_SCRIPT], FILL);     /* failed before writing anything */
	ram_free(&r);
}

/* A Multiboot kernel has no bootinfo: the script and TSC rate leave its memory alone. */
static void test_multiboot_ignores_script(void)
{
	struct aout_spec s = aout_default();
	struct load_params p = params(aout_emit(&s));
	struct ram r, r2;
	struct guest_entry e, e2;

	CHECK_EQ(load(&p, &r, &e), 0);
	p.script = "wait; shutdown";
	p.tsc_khz = 1000000;
	CHECK_EQ(load(&p, &r2, &e2), 0);
	CHECK(memcmp(r.gm.base, r2.gm.base, RAM_SIZE) == 0);
	CHECK(memcmp(&e, &e2, sizeof(e)) == 0);
	ram_free(&r);
	ram_free(&r2);
}

int main(void)
{
	RUN(test_script_written);
	RUN(test_no_script);
	RUN(test_script_exact_fit);
	RUN(test_script_cut_at_command);
	RUN(test_segment_over_script_page);
	RUN(test_multiboot_ignores_script);
	return CHECK_EXIT();
}
