/*
 * Host tests for the config parser: a full valid file, defaults, every value
 * syntax, and each problem the parser reports, checked for its line number and
 * wording, and for which domains it spoils. Ends with random damage to a valid
 * file, which must only ever produce reports.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/config_check.h"

/* ---- valid input ------------------------------------------------------------- */

static void test_full_config(void)
{
	const char *text =
		"# Hinoki demo machine\n"
		"on_error = poweroff\n"
		"slice_us = 5000\n"
		"\n"
		"[domain mgmt]\n"
		"type = mgmt\n"
		"kernel = \"/mgmt.elf\"\n"
		"memory = 64\n"
		"vcpus = 2\n"
		"cpus = \"0-1\"\n"
		"\n"
		"[domain hello-1_a]   # the first guest\n"
		"kernel = hello.elf\n"
		"ramdisk = \"initrd.img\"\n"
		"extra = \"console=ttyS0 loglevel=8\"   # a comment after a value\n"
		"memory = 0x80\n"
		"vcpus = 4\n"
		"cpus = \"2-3,5,7\"\n"
		"type = guest\n";
	CHECK_EQ(parse(text), 0);
	CHECK_EQ(cfg.on_error, ON_ERROR_POWEROFF);
	CHECK_EQ(cfg.slice_us, 5000);
	CHECK_EQ(cfg.ndomains, 2);
	const struct domain_config *m = &cfg.domains[0], *h = &cfg.domains[1];
	CHECK(strcmp(m->name, "mgmt") == 0);
	CHECK_EQ(m->type, DOMAIN_TYPE_MGMT);
	CHECK(strcmp(m->kernel, "/mgmt.elf") == 0);
	CHECK_EQ(m->memory_mib, 64);
	CHECK_EQ(m->vcpus, 2);
	CHECK_EQ(m->cpus_mask, 0x3);
	CHECK(m->valid);
	CHECK_EQ(m->line, 5);
	CHECK(strcmp(h->name, "hello-1_a") == 0);
	CHECK(strcmp(h->kernel, "hello.elf") == 0);
	CHECK(strcmp(h->ramdisk, "initrd.img") == 0);
	CHECK(strcmp(h->extra, "console=ttyS0 loglevel=8") == 0);
	CHECK_EQ(h->memory_mib, 128);
	CHECK_EQ(h->vcpus, 4);
	CHECK_EQ(h->cpus_mask, 0xac);
	CHECK_EQ(h->type, DOMAIN_TYPE_GUEST);
	CHECK(h->valid);
	CHECK_EQ(h->line, 12);
}

static void test_defaults(void)
{
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(cfg.on_error, ON_ERROR_RETURN);
	CHECK_EQ(cfg.slice_us, 10000);
	CHECK_EQ(cfg.ndomains, 0);

	CHECK_EQ(parse("[domain d]\nkernel = k.elf\n"), 0);
	const struct domain_config *d = dom("d");
	CHECK(d != NULL);
	CHECK_EQ(d->memory_mib, 32);
	CHECK_EQ(d->vcpus, 1);
	CHECK_EQ(d->cpus_mask, ~0ULL);
	CHECK_EQ(d->type, DOMAIN_TYPE_GUEST);
	CHECK_EQ(d->ramdisk[0], 0);
	CHECK_EQ(d->extra[0], 0);
	CHECK(d->valid);
	CHECK_EQ(d->line, 1);

	/* A NULL buffer is an empty file; a NULL report callback only counts. */
	CHECK_EQ(config_parse(NULL, 0, "x", &cfg, NULL, NULL), 0);
	CHECK_EQ(config_parse("memory = 1\n", 11, "x", &cfg, NULL, NULL), 1);
}

static void test_hypervisor_section(void)
{
	CHECK_EQ(parse("[hypervisor]\non_error = return\nslice_us = 100\n"
	               "[domain a]\nkernel=a\n[hypervisor]\n"), 0);
	CHECK_EQ(cfg.slice_us, 100);
	CHECK_EQ(cfg.on_error, ON_ERROR_RETURN);
	CHECK_EQ(parse("slice_us = 1000000\n"), 0);
	CHECK_EQ(cfg.slice_us, 1000000);
}

static void test_comments_blanks_whitespace(void)
{
	CHECK_EQ(parse("   # indented comment\n\n\t\n[ domain  w ]\n\tkernel\t=\t\"a # not a comment\"  \n"
	               "   memory=16#comment\n"), 0);
	CHECK(strcmp(dom("w")->kernel, "a # not a comment") == 0);
	CHECK_EQ(dom("w")->memory_mib, 16);
}

static void test_crlf_and_last_line(void)
{
	CHECK_EQ(parse("on_error = poweroff\r\n[domain c]\r\nkernel = \"c.elf\"\r\nmemory = 48"), 0);
	CHECK_EQ(cfg.on_error, ON_ERROR_POWEROFF);
	CHECK(strcmp(dom("c")->kernel, "c.elf") == 0);
	CHECK_EQ(dom("c")->memory_mib, 48);
	/* A bare CR inside a line is a control character, reported with the right line. */
	CHECK_EQ(parse("\r\n\r\nmemory\r= 5\r\n"), 1);
	expect_report(3, "control character (byte 13)");
}

static void test_length_not_nul_terminated(void)
{
	const char text[] = "[domain a]\nkernel = a\nmemory = 12345678";
	unsigned calls = 0;
	/* Stop right after "memory = 1": the rest of the buffer is not part of the file. */
	size_t len = strlen("[domain a]\nkernel = a\nmemory = 1");
	CHECK_EQ(config_parse(text, len, "t", &cfg, collect, &calls), 0);
	CHECK_EQ(cfg.domains[0].memory_mib, 1);
}

static void test_quoting(void)
{
	CHECK_EQ(parse("[domain q]\nkernel = \"a\\\"b\\\\c\"\nextra = \"\"\n"), 0);
	CHECK(strcmp(dom("q")->kernel, "a\"b\\c") == 0);
	CHECK_EQ(dom("q")->extra[0], 0);
	CHECK_EQ(parse("[domain q]\nkernel = \"mem\"\nmemory = \"64\"\ntype = \"mgmt\"\n"), 0);
	CHECK_EQ(dom("q")->memory_mib, 64);
	CHECK_EQ(dom("q")->type, DOMAIN_TYPE_MGMT);
}

static void test_numbers(void)
{
	CHECK_EQ(parse("[domain n]\nkernel=k\nmemory = 0X10\nvcpus = 0x8\n"), 0);
	CHECK_EQ(dom("n")->memory_mib, 16);
	CHECK_EQ(dom("n")->vcpus, HINOKI_MAX_VCPUS);
	/* One more than a domain may have: refused here, with the line, not at creation. */
	expect_one("[domain n]\nkernel=k\nvcpus = 9\n", 3, "vcpus must be a number from 1 to 8, got '9'");
	CHECK_EQ(parse("[domain n]\nkernel=k\nmemory = 65536\nvcpus = 1\n"), 0);
	CHECK_EQ(dom("n")->memory_mib, 65536);
	expect_one("[domain n]\nkernel=k\nmemory = 99999999999999999999999\n", 3,
	           "memory must be a number of MiB from 1 to 65536, got '99999999999999999999999'");
	expect_one("[domain n]\nkernel=k\nmemory = 0x\n", 3, "got '0x'");
	expect_one("[domain n]\nkernel=k\nmemory = -1\n", 3, "got '-1'");
	expect_one("[domain n]\nkernel=k\nmemory = 12abc\n", 3, "got '12abc'");
}

static void test_cpus(void)
{
	static const struct { const char *v; uint64_t mask; } ok[] = {
		{ "all", ~0ULL }, { "3", 0x8 }, { "\"0-3,5\"", 0x2f }, { "0-3,5", 0x2f },
		{ "\" 1 - 2 , 4 \"", 0x16 }, { "0-63", ~0ULL }, { "63", 1ULL << 63 },
		{ "\"7,7,1-1\"", 0x82 }, { "0x3", 0x8 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "[domain c]\nkernel = k\ncpus = %s\n", ok[i].v);
		CHECK_EQ(parse(text), 0);
		CHECK_EQ(dom("c")->cpus_mask, ok[i].mask);
	}
	expect_one("[domain c]\nkernel=k\ncpus = 64\n", 3, "cpus names CPU 64, but CPUs are numbered 0 to 63");
	expect_one("[domain c]\nkernel=k\ncpus = 0-64\n", 3, "CPU 64");
	expect_one("[domain c]\nkernel=k\ncpus = 5-3\n", 3, "cpus range 5-3 runs backwards");
	static const char *bad[] = { "1,,2", "abc", "1-", "-1", "1,", ",1", "1-2-3", "\"1 2\"", "ALL" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "[domain c]\nkernel=k\ncpus = %s\n", bad[i]);
		expect_one(text, 3, "cpus must be 'all', a CPU number or a list like '0-3,5'");
	}
}

static void test_types_and_mgmt(void)
{
	CHECK_EQ(parse("[domain x]\nkernel=k\ntype = mgmt\n[domain y]\nkernel=k\ntype = mgmt\n"
	               "[domain z]\nkernel=k\n"), 1);
	expect_report(6, "second mgmt domain 'y' (first was 'x')");
	CHECK(dom("x")->valid);
	CHECK(!dom("y")->valid);
	CHECK(dom("z")->valid);
	expect_one("[domain x]\nkernel=k\ntype = hvm\n", 3, "type must be 'guest' or 'mgmt', got 'hvm'");
}

static void test_global_values(void)
{
	CHECK_EQ(parse("on_error = reboot\nslice_us = 99\nslice_us_x = 1\n[domain a]\nkernel=a\n"), 3);
	expect_report(1, "on_error must be 'return' or 'poweroff', got 'reboot'");
	expect_report(2, "slice_us must be a number of microseconds from 100 to 1000000, got '99'");
	expect_report(3, "unknown global key 'slice_us_x'");
	CHECK_EQ(cfg.on_error, ON_ERROR_RETURN);
	CHECK_EQ(cfg.slice_us, 10000);
	CHECK(dom("a")->valid);                       /* bad global lines spoil no domain */
	CHECK_EQ(parse("kernel = a.elf\n"), 1);
	expect_report(1, "key 'kernel' belongs in a [domain NAME] section");
	/* slice_us exists in both places: in a section it is that domain's own slice. */
	CHECK_EQ(parse("slice_us = 2000\n[domain a]\nkernel=a\nslice_us = 500\n[domain b]\nkernel=b\n"), 0);
	CHECK_EQ(cfg.slice_us, 2000);
	CHECK_EQ(dom("a")->slice_us, 500);
	CHECK_EQ(dom("b")->slice_us, 0);
	CHECK_EQ(parse("[domain a]\nkernel=a\nslice_us = 50\n"), 1);
	expect_report(3, "slice_us must be a number of microseconds from 100 to 1000000, got '50'");
	CHECK(!dom("a")->valid);
}

/* ---- problems ------------------------------------------------------------- */

static void test_unknown_key_message(void)
{
	expect_one("[domain hello]\nkernel = h\nmemroy = 64\n", 3, "unknown key 'memroy' in [domain hello]");
	expect_one("[domain hello]\nkernel = h\nmemory = lots\n", 3,
	           "memory must be a number of MiB from 1 to 65536, got 'lots'");
	expect_one("[domain hello]\nkernel = h\nmemory = 0\n", 3, "got '0'");
	expect_one("[domain hello]\nkernel = h\nmemory = 65537\n", 3, "got '65537'");
	expect_one("[domain hello]\nkernel = h\nvcpus = 0\n", 3, "vcpus must be a number from 1 to 8, got '0'");
	expect_one("[domain hello]\nkernel = h\nvcpus = 65\n", 3, "got '65'");
}

static void test_syntax_errors(void)
{
	expect_one("[domain s]\nkernel = k\nmemory 64\n", 3, "missing '=' after 'memory'");
	expect_one("[domain s]\nkernel = k\nmemory\n", 3, "missing '=' after 'memory'");
	expect_one("[domain s]\nkernel = k\nmemory =\n", 3, "missing value for 'memory'");
	expect_one("[domain s]\nkernel = k\nmemory = # none\n", 3, "missing value for 'memory'");
}

static void test_strings_and_escapes(void)
{
	expect_one("[domain s]\nkernel = k\nextra = \"abc\n", 3, "unterminated string in the value of 'extra'");
	expect_one("[domain s]\nkernel = k\nextra = \"abc\\\"\n", 3, "unterminated string");
	expect_one("[domain s]\nkernel = k\nextra = \"a\\nb\"\n", 3, "unknown escape in the value of 'extra'");
	expect_one("[domain s]\nkernel = k\nextra = console=ttyS0 quiet\n", 3,
	           "unexpected text after the value of 'extra' (quote values that contain spaces)");
	expect_one("[domain s]\nkernel = k\nextra = \"a\"b\n", 3, "unexpected text after the value");
}

static void test_bad_keys(void)
{
	expect_one("[domain s]\nkernel = k\n= 5\n", 3, "expected 'key = value'");
	expect_one("[domain s]\nkernel = k\n\"kernel\" = 5\n", 3, "expected 'key = value'");
	expect_one("[domain s]\nkernel = k\nmemory = 5\nmemory = 6\n", 4,
	           "duplicate key 'memory' (first set on line 3)");
	expect_one("[domain s]\nkernel = k\nkernel_\x01 = 5\n", 3, "control character (byte 1)");
	expect_one("[domain s]\nkernel = \"\"\n", 2, "kernel must name a file");
	expect_one("[domain s]\nkernel = \"abc\n", 2, "unterminated string in the value of 'kernel'");
	expect_one("[domain s]\nkernel \"abc\"\n", 2, "missing '=' after 'kernel'");
	CHECK_EQ(parse("[domain s]\nkernel = k\nthis_key_name_is_far_too_long_to_be_any_key = 1\n"), 1);
	expect_report(3, "unknown key 'this_key_name_is_far_too_long_to_be_any_");
	CHECK_EQ(parse("slice_us = 200\nslice_us = 300\n"), 1);
	expect_report(2, "duplicate key 'slice_us' (first set on line 1)");
	CHECK_EQ(cfg.slice_us, 200);
}

static void test_nul_byte(void)
{
	const char text[] = "[domain a]\nkernel = a\0b\n[domain b]\nkernel = b\n";
	unsigned calls = 0;
	nreports = 0;
	CHECK_EQ(config_parse(text, sizeof(text) - 1, "t", &cfg, collect, &calls), 2);
	expect_report(2, "control character (byte 0)");
	expect_report(1, "domain 'a' has no kernel");
	CHECK(!dom("a")->valid);
	CHECK(dom("b")->valid);
}

static void test_missing_kernel(void)
{
	CHECK_EQ(parse("[domain x]\nmemory = 5\n\n[domain y]\nkernel = y\n[domain z]\n"), 2);
	expect_report(1, "domain 'x' has no kernel");
	expect_report(6, "domain 'z' has no kernel");
	CHECK(!dom("x")->valid);
	CHECK(dom("y")->valid);
	CHECK(!dom("z")->valid);
	CHECK_EQ(dom("x")->memory_mib, 5);
}

static void test_bad_line_spoils_only_its_domain(void)
{
	CHECK_EQ(parse("[domain a]\nkernel = a\nmemory = lots\nvcpus = 2\n"
	               "[domain b]\nkernel = b\nvcpus = 3\n"), 1);
	expect_report(3, "got 'lots'");
	CHECK(!dom("a")->valid);
	CHECK_EQ(dom("a")->vcpus, 2);                 /* parsing carried on */
	CHECK(dom("b")->valid);
	CHECK_EQ(dom("b")->vcpus, 3);
}

static void test_duplicate_domain(void)
{
	CHECK_EQ(parse("[domain x]\nkernel = a\n[domain x]\nkernel = b\nmemroy = 1\n"), 2);
	expect_report(3, "duplicate domain name 'x' (first on line 1)");
	expect_report(5, "unknown key 'memroy' in a domain section");  /* still checked */
	CHECK_EQ(cfg.ndomains, 1);
	CHECK(dom("x")->valid);
	CHECK(strcmp(dom("x")->kernel, "a") == 0);
}

static void test_nothing_to_run(void)
{
	CHECK_EQ(parse("on_error = poweroff\n# no domain\n"), 0);
	CHECK(strcmp(config_nothing_to_run(&cfg), "the config has no [domain NAME] section: nothing to run") == 0);
	CHECK_EQ(parse("[domain a]\nmemory = 4\n[domain b]\nkernel = b\nvcpus = lots\n"), 2);
	CHECK(strstr(config_nothing_to_run(&cfg), "every [domain] section of the config has errors") != 0);
	CHECK_EQ(parse("[domain a]\nkernel = a\nautostart = 0\n"), 0);
	CHECK(strstr(config_nothing_to_run(&cfg), "autostart = 0 and there is no management domain") != 0);
	/* Something starts: a valid domain beside a spoiled one, or dom0 that creates the rest. */
	CHECK_EQ(parse("[domain a]\nmemory = 4\n[domain b]\nkernel = b\n"), 1);
	CHECK(config_nothing_to_run(&cfg) == 0);
	CHECK_EQ(parse("[domain m]\ntype = mgmt\nkernel = m\n[domain a]\nkernel = a\nautostart = 0\n"), 0);
	CHECK(config_nothing_to_run(&cfg) == 0);
}

/* Section i's `which` file named before: in which section, as which file; -1 when not. */
static int named_before(unsigned i, enum domain_file which, enum domain_file *as)
{
	unsigned j = 99;
	return config_file_named_before(&cfg, i, which, &j, as) ? (int)j : -1;
}

static void test_file_named_before(void)
{
	enum domain_file as = DOMAIN_FILE_RAMDISK;
	CHECK_EQ(parse("[domain a]\nkernel = big.elf\nramdisk = rd\n"
	               "[domain b]\nkernel = \"BIG.ELF\"\nramdisk = other\n"
	               "[domain c]\nkernel = sub/k\n"
	               "[domain d]\nkernel = sub\\k\nramdisk = Rd\n"
	               "[domain e]\nkernel = rd\n"
	               "[domain f]\nkernel = big.elf2\nramdisk = big.elf\n"
	               "[domain g]\nkernel = g\nmemory = lots\n"
	               "[domain h]\nkernel = g\n"), 1);
	CHECK(strcmp(dom("d")->kernel, "sub\\k") == 0);
	CHECK_EQ(named_before(0, DOMAIN_FILE_KERNEL, &as), -1);     /* the first reads it */
	CHECK_EQ(named_before(0, DOMAIN_FILE_RAMDISK, &as), -1);
	CHECK_EQ(named_before(1, DOMAIN_FILE_KERNEL, &as), 0);      /* FAT folds case */
	CHECK_EQ(as, DOMAIN_FILE_KERNEL);
	CHECK_EQ(named_before(1, DOMAIN_FILE_RAMDISK, &as), -1);
	CHECK_EQ(named_before(3, DOMAIN_FILE_KERNEL, &as), 2);      /* '/' and '\\' alike */
	CHECK_EQ(named_before(3, DOMAIN_FILE_RAMDISK, &as), 0);
	CHECK_EQ(as, DOMAIN_FILE_RAMDISK);
	CHECK_EQ(named_before(4, DOMAIN_FILE_KERNEL, &as), 0);      /* a's ramdisk as e's kernel */
	CHECK_EQ(as, DOMAIN_FILE_RAMDISK);
	CHECK_EQ(named_before(5, DOMAIN_FILE_KERNEL, &as), -1);     /* a longer name is another file */
	CHECK_EQ(named_before(5, DOMAIN_FILE_RAMDISK, &as), 0);
	CHECK_EQ(as, DOMAIN_FILE_KERNEL);
	CHECK_EQ(named_before(7, DOMAIN_FILE_KERNEL, &as), -1);     /* g is spoiled: nothing read for it */
	CHECK_EQ(parse("[domain a]\nkernel = k\n[domain b]\nkernel = k\n[domain c]\nkernel = k\n"), 0);
	CHECK_EQ(named_before(2, DOMAIN_FILE_KERNEL, &as), 0);      /* the first reader, not the last sharer */
	CHECK_EQ(named_before(1, DOMAIN_FILE_RAMDISK, &as), -1);    /* no ramdisk: nothing to share */
}

static void test_too_many_domains(void)
{
	char text[4096];
	size_t n = 0;
	for (int i = 0; i < 18; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "[domain d%d]\nkernel = k\n", i);
	CHECK_EQ(parse(text), 2);
	expect_report(33, "too many domains (max 16)");
	expect_report(35, "too many domains (max 16)");
	CHECK_EQ(cfg.ndomains, 16);
	for (unsigned i = 0; i < 16; i++)
		CHECK(cfg.domains[i].valid);
	CHECK(dom("d16") == NULL);
}

static void test_domain_names(void)
{
	CHECK_EQ(parse("[domain]\nkernel = k\n"), 1);
	expect_report(1, "missing domain name");
	CHECK_EQ(cfg.ndomains, 0);
	CHECK_EQ(parse("[domain a b]\nkernel = k\n"), 1);
	expect_report(1, "domain name 'a b' may contain only letters, digits, '-' and '_'");
	CHECK_EQ(parse("[domain a.b]\nkernel = k\n"), 1);
	expect_report(1, "domain name 'a.b'");
	CHECK_EQ(parse("[domain abcdefghijabcdefghijabcdefghij12]\nkernel = k\n"), 1);
	expect_report(1, "is longer than 31 characters");
	CHECK_EQ(parse("[domain abcdefghijabcdefghijabcdefghij1]\nkernel = k\n"), 0);
	CHECK(dom("abcdefghijabcdefghijabcdefghij1") != NULL);
	CHECK_EQ(parse("[domainx]\nkernel = k\n"), 1);
	expect_report(1, "unknown section '[domainx]' (expected [hypervisor] or [domain NAME])");
}

static void test_section_errors(void)
{
	CHECK_EQ(parse("[domain a\nkernel = k\n"), 1);
	expect_report(1, "missing ']' in section header");
	CHECK_EQ(cfg.ndomains, 0);
	CHECK_EQ(parse("[domain a] extra\nkernel = k\n[domain b]\nkernel = k\n"), 1);
	expect_report(1, "unexpected text after the section header");
	CHECK(!dom("a")->valid);
	CHECK(dom("b")->valid);
	CHECK_EQ(parse("[hypervisor] # fine\n[domain a] # fine\nkernel=k\n"), 0);
	CHECK_EQ(parse("[xen]\nfoo = 1\n[domain b]\nkernel = k\n"), 2);
	expect_report(1, "unknown section '[xen]'");
	expect_report(2, "unknown key 'foo' in a domain section");
	CHECK(dom("b")->valid);
}

static void test_value_lengths(void)
{
	char text[4096], v[1024];

	memset(v, 'k', 127); v[127] = 0;
	snprintf(text, sizeof(text), "[domain a]\nkernel = %s\nramdisk = %s\n", v, v);
	CHECK_EQ(parse(text), 0);
	CHECK_EQ(strlen(dom("a")->kernel), 127);
	memset(v, 'k', 128); v[128] = 0;
	snprintf(text, sizeof(text), "[domain a]\nkernel = k\nramdisk = %s\n", v);
	expect_one(text, 3, "value too long for 'ramdisk' (at most 127 characters)");
	memset(v, 'e', 511); v[511] = 0;
	snprintf(text, sizeof(text), "[domain a]\nkernel = k\nextra = \"%s\"\n", v);
	CHECK_EQ(parse(text), 0);
	CHECK_EQ(strlen(dom("a")->extra), 511);
	memset(v, 'e', 512); v[512] = 0;
	snprintf(text, sizeof(text), "[domain a]\nkernel = k\nextra = \"%s\"\n", v);
	expect_one(text, 3, "value too long for 'extra'");
	snprintf(text, sizeof(text), "[domain a]\nkernel = k\nextra = %s\n", v);
	expect_one(text, 3, "value too long for 'extra'");
	/* A long bad value is echoed cut short. */
	memset(v, '9', 100); v[100] = 0;
	snprintf(text, sizeof(text), "[domain a]\nkernel = k\nmemory = %s\n", v);
	expect_one(text, 3, "got '9999999999999999999999999999999999999999...'");
}

/* Buffers that end exactly where the text does (ASan checks every read stays inside). */
static void test_unterminated_buffers(void)
{
	static const char *texts[] = {
		"[ ]", "[", "[domain", "[domain ", "[domain a", "[domain a]", "[domain a] x", "[xen",
		"k", "k ", "k =", "k = ", "k = \"", "k = \"\\", "kernel = \"a", "memory = 1", "#", "\r",
		"[domain a]\nkernel = k\ncpus = 1-", "[domain a]\ncpus = 0x", "slice_us = 0x1",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t len = strlen(texts[i]);
		char *buf = malloc(len ? len : 1);
		memcpy(buf, texts[i], len);
		unsigned calls = 0;
		nreports = 0;
		int n = config_parse(buf, len, "t", &cfg, collect, &calls);
		CHECK_EQ(n, calls);
		free(buf);
	}
	CHECK_EQ(parse("[ ]\n"), 1);
	expect_report(1, "unknown section '[]'");
}

static void test_file_name_passed(void)
{
	unsigned calls = 0;
	nreports = 0;
	config_parse("bogus = 1\n", 10, "hinoki.cfg", &cfg, collect, &calls);
	CHECK_EQ(nreports, 1);
	CHECK(strcmp(reports[0].file, "hinoki.cfg") == 0);
	nreports = 0;
	config_parse("bogus = 1\n", 10, NULL, &cfg, collect, &calls);
	CHECK(strcmp(reports[0].file, "config") == 0);
}

static void test_many_problems_counted(void)
{
	CHECK_EQ(parse("a\nb\nc = \n[domain q]\nd = 1\ne = \"x\n"), 6);
	expect_report(1, "missing '='");
	expect_report(2, "missing '='");
	expect_report(3, "missing value");
	expect_report(5, "unknown key 'd'");
	expect_report(6, "unterminated string");
	expect_report(4, "domain 'q' has no kernel");
}

/* Damage a valid file at random: reports only, fields always NUL-terminated. */
static void test_fuzz(void)
{
	static const char base[] =
		"on_error = poweroff\nslice_us = 5000\n[domain mgmt]\ntype = mgmt\nkernel = \"/m.elf\"\n"
		"memory = 64\ncpus = \"0-1\"\nscript = \"list; wait\"\nweight = 512\n[domain h]\nkernel = h\nextra = \"a \\\" b\"\nvcpus = 4\n";
	char text[sizeof(base)];
	int bad = 0;
	srand(777);
	for (int iter = 0; iter < 20000; iter++) {
		memcpy(text, base, sizeof(base));
		int flips = 1 + rand() % 4;
		for (int f = 0; f < flips; f++) {
			static const char alphabet[] = "[]=\"\\#\n\r \t,-0x9az\x01\xff";
			text[rand() % (sizeof(base) - 1)] = alphabet[rand() % (sizeof(alphabet) - 1)];
		}
		size_t len = (size_t)rand() % sizeof(base);
		char *exact = malloc(len + 1);             /* ends where the text does, for ASan */
		memcpy(exact, text, len);
		int n = config_parse(exact, len, "f", &cfg, NULL, NULL);
		free(exact);
		if (n < 0 || cfg.ndomains > HINOKI_MAX_CONFIG_DOMAINS)
			bad++;
		for (unsigned i = 0; i < cfg.ndomains && i < HINOKI_MAX_CONFIG_DOMAINS; i++) {
			const struct domain_config *d = &cfg.domains[i];
			if (!memchr(d->name, 0, sizeof(d->name)) || !memchr(d->kernel, 0, sizeof(d->kernel)) ||
			    !memchr(d->extra, 0, sizeof(d->extra)) || !memchr(d->ramdisk, 0, sizeof(d->ramdisk)) ||
			    !memchr(d->script, 0, sizeof(d->script)))
				bad++;
			if (d->valid && (!d->kernel[0] || d->memory_mib == 0 || d->vcpus == 0 || !d->cpus_mask ||
			                 d->weight == 0 || d->weight > 65535))
				bad++;
			if (d->valid && d->script[0] && d->type != DOMAIN_TYPE_MGMT)
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
}

int main(void)
{
	RUN(test_full_config);
	RUN(test_defaults);
	RUN(test_hypervisor_section);
	RUN(test_comments_blanks_whitespace);
	RUN(test_crlf_and_last_line);
	RUN(test_length_not_nul_terminated);
	RUN(test_quoting);
	RUN(test_numbers);
	RUN(test_cpus);
	RUN(test_types_and_mgmt);
	RUN(test_global_values);
	RUN(test_unknown_key_message);
	RUN(test_syntax_errors);
	RUN(test_strings_and_escapes);
	RUN(test_bad_keys);
	RUN(test_nul_byte);
	RUN(test_missing_kernel);
	RUN(test_bad_line_spoils_only_its_domain);
	RUN(test_duplicate_domain);
	RUN(test_nothing_to_run);
	RUN(test_file_named_before);
	RUN(test_too_many_domains);
	RUN(test_domain_names);
	RUN(test_section_errors);
	RUN(test_value_lengths);
	RUN(test_unterminated_buffers);
	RUN(test_file_name_passed);
	RUN(test_many_problems_counted);
	RUN(test_fuzz);
	return CHECK_EXIT();
}
