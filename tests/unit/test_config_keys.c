/*
 * Host tests for the config keys of the management domain and the scheduler:
 * autostart, weight and script, their defaults, limits and the rules that
 * span a whole section (script only in the mgmt domain, wherever type is
 * set; the mgmt domain always starts), and that a dropped section's keys do
 * not leak into the next one; the life-cycle keys on_poweroff, on_reboot
 * and on_crash with xl's defaults and only its destroy and restart actions;
 * halt_limit_ms, its default and range.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/config_check.h"

static void test_new_defaults(void)
{
	CHECK_EQ(parse("[domain d]\nkernel = k\n[domain m]\ntype = mgmt\nkernel = m\n"), 0);
	CHECK_EQ(dom("d")->weight, CONFIG_WEIGHT_DEFAULT);
	CHECK_EQ(dom("d")->weight, 256);
	CHECK(dom("d")->autostart);
	CHECK_EQ(dom("d")->script[0], 0);
	CHECK_EQ(dom("m")->script[0], 0);
	CHECK(dom("m")->autostart);
}

static void test_weight(void)
{
	CHECK_EQ(parse("[domain a]\nkernel = k\nweight = 1\n[domain b]\nkernel = k\nweight = 65535\n"
	               "[domain c]\nkernel = k\nweight = \"0x200\"\n"), 0);
	CHECK_EQ(dom("a")->weight, 1);
	CHECK_EQ(dom("b")->weight, 65535);
	CHECK_EQ(dom("c")->weight, 512);
	expect_one("[domain a]\nkernel = k\nweight = 0\n", 3, "weight must be a number from 1 to 65535, got '0'");
	expect_one("[domain a]\nkernel = k\nweight = 65536\n", 3, "got '65536'");
	expect_one("[domain a]\nkernel = k\nweight = heavy\n", 3, "got 'heavy'");
	expect_one("[domain a]\nkernel = k\nweight = -1\n", 3, "weight must be");
	expect_one("[domain a]\nkernel = k\nweight = 2\nweight = 3\n", 4,
	           "duplicate key 'weight' (first set on line 3)");
	/* The duplicate is refused; the first value stays. */
	CHECK_EQ(dom("a")->weight, 2);
	CHECK_EQ(parse("weight = 5\n"), 1);
	expect_report(1, "key 'weight' belongs in a [domain NAME] section");
}

static void test_halt_limit(void)
{
	CHECK_EQ(parse("[domain a]\nkernel = k\n[domain b]\nkernel = k\nhalt_limit_ms = 0\n"
	               "[domain c]\nkernel = k\nhalt_limit_ms = 3600000\n"), 0);
	CHECK_EQ(dom("a")->halt_limit_ms, 1000);
	CHECK_EQ(dom("b")->halt_limit_ms, 0);
	CHECK_EQ(dom("c")->halt_limit_ms, 3600000);
	expect_one("[domain a]\nkernel = k\nhalt_limit_ms = 3600001\n", 3,
	           "halt_limit_ms must be a number of milliseconds from 0 to 3600000, got '3600001'");
	expect_one("[domain a]\nkernel = k\nhalt_limit_ms = soon\n", 3, "got 'soon'");
	CHECK_EQ(parse("halt_limit_ms = 5\n"), 1);
	expect_report(1, "key 'halt_limit_ms' belongs in a [domain NAME] section");
}

static void test_autostart(void)
{
	CHECK_EQ(parse("[domain a]\nkernel = k\nautostart = 0\n[domain b]\nkernel = k\nautostart = 1\n"), 0);
	CHECK(!dom("a")->autostart);
	CHECK(dom("a")->valid);             /* valid: it waits for `create` */
	CHECK(dom("b")->autostart);
	expect_one("[domain a]\nkernel = k\nautostart = 2\n", 3, "autostart must be 0 or 1, got '2'");
	expect_one("[domain a]\nkernel = k\nautostart = yes\n", 3, "autostart must be 0 or 1, got 'yes'");
	expect_one("[domain a]\nkernel = k\nautostart = \"\"\n", 3, "autostart must be 0 or 1, got ''");
	/* Only the mgmt domain could create it later, so it must start by itself. */
	expect_one("[domain m]\nautostart = 0\nkernel = k\ntype = mgmt\n", 2,
	           "autostart = 0 is not allowed in the mgmt domain");
	CHECK_EQ(parse("[domain m]\ntype = mgmt\nkernel = k\nautostart = 1\n"), 0);
	CHECK(dom("m")->valid);
}

/* The exit-instrumentation switches: exit_csv is global, trace per domain. */
static void test_instrumentation_keys(void)
{
	CHECK_EQ(parse("[domain a]\nkernel = k\n"), 0);
	CHECK(!cfg.exit_csv);
	CHECK(!dom("a")->trace);
	CHECK_EQ(parse("exit_csv = 1\n[domain a]\nkernel = k\ntrace = 1\n[domain b]\nkernel = k\ntrace = 0\n"), 0);
	CHECK(cfg.exit_csv);
	CHECK(dom("a")->trace);
	CHECK(!dom("b")->trace);
	CHECK_EQ(parse("exit_csv = on\n[domain a]\nkernel = k\n"), 1);
	expect_report(1, "exit_csv must be 0 or 1, got 'on'");
	CHECK(dom("a")->valid);   /* a bad global line does not stop any domain */
	expect_one("[domain a]\nkernel = k\ntrace = 2\n", 3, "trace must be 0 or 1, got '2'");
	CHECK_EQ(parse("trace = 1\n"), 1);
	expect_report(1, "key 'trace' belongs in a [domain NAME] section");
}

/* The test device: off unless a domain asks for it. */
static void test_testdev_key(void)
{
	CHECK_EQ(parse("[domain a]\nkernel = k\n[domain b]\nkernel = k\ntestdev = 1\n"), 0);
	CHECK(!dom("a")->testdev);
	CHECK(dom("b")->testdev);
	expect_one("[domain a]\nkernel = k\ntestdev = yes\n", 3, "testdev must be 0 or 1, got 'yes'");
	CHECK_EQ(parse("testdev = 1\n"), 1);
	expect_report(1, "key 'testdev' belongs in a [domain NAME] section");
}

/* x2apic: on unless a domain says 0 (a CPU model without it). */
static void test_x2apic_key(void)
{
	CHECK_EQ(parse("[domain a]\nkernel = k\n[domain b]\nkernel = k\nx2apic = 0\n"), 0);
	CHECK(dom("a")->x2apic);
	CHECK(!dom("b")->x2apic);
	expect_one("[domain a]\nkernel = k\nx2apic = off\n", 3, "x2apic must be 0 or 1, got 'off'");
}

static void test_lifecycle_actions(void)
{
	CHECK_EQ(parse("[domain a]\nkernel = k\n"), 0);
	CHECK_EQ(dom("a")->on_poweroff, DOMAIN_ACTION_DESTROY);
	CHECK_EQ(dom("a")->on_reboot, DOMAIN_ACTION_RESTART);
	CHECK_EQ(dom("a")->on_crash, DOMAIN_ACTION_DESTROY);
	CHECK_EQ(parse("[domain a]\nkernel = k\non_poweroff = restart\non_reboot = destroy\non_crash = \"restart\"\n"), 0);
	CHECK_EQ(dom("a")->on_poweroff, DOMAIN_ACTION_RESTART);
	CHECK_EQ(dom("a")->on_reboot, DOMAIN_ACTION_DESTROY);
	CHECK_EQ(dom("a")->on_crash, DOMAIN_ACTION_RESTART);
	/* xl's other actions are refused by name, and so is anything else. */
	expect_one("[domain a]\nkernel = k\non_reboot = rename-restart\n", 3,
	           "on_reboot must be 'destroy' or 'restart', got 'rename-restart'");
	expect_one("[domain a]\nkernel = k\non_poweroff = preserve\n", 3,
	           "on_poweroff must be 'destroy' or 'restart', got 'preserve'");
	expect_one("[domain a]\nkernel = k\non_crash = coredump-destroy\n", 3,
	           "on_crash must be 'destroy' or 'restart', got 'coredump-destroy'");
	expect_one("[domain a]\nkernel = k\non_crash = Restart\n", 3, "got 'Restart'");
	expect_one("[domain a]\nkernel = k\non_reboot = restart\non_reboot = destroy\n", 4,
	           "duplicate key 'on_reboot'");
	CHECK_EQ(dom("a")->on_reboot, DOMAIN_ACTION_RESTART);
	CHECK_EQ(parse("on_crash = restart\n"), 1);
	expect_report(1, "key 'on_crash' belongs in a [domain NAME] section");
}

static void test_script_in_mgmt(void)
{
	CHECK_EQ(parse("[domain m]\ntype = mgmt\nkernel = m\nscript = \"list; wait; shutdown\"\n"), 0);
	CHECK(strcmp(dom("m")->script, "list; wait; shutdown") == 0);
	CHECK(dom("m")->valid);
	/* type may come after script. */
	CHECK_EQ(parse("[domain m]\nscript = \"create b;wait\"\nkernel = m\ntype = mgmt\n"), 0);
	CHECK(strcmp(dom("m")->script, "create b;wait") == 0);
	/* Empty is allowed: no script. */
	CHECK_EQ(parse("[domain m]\ntype = mgmt\nkernel = m\nscript = \"\"\n"), 0);
	CHECK_EQ(dom("m")->script[0], 0);
	/* # and quotes inside the quoted script are text. */
	CHECK_EQ(parse("[domain m]\ntype = mgmt\nkernel = m\nscript = \"stats # x; console \\\"a\\\"\"\n"), 0);
	CHECK(strcmp(dom("m")->script, "stats # x; console \"a\"") == 0);
}

static void test_script_elsewhere(void)
{
	/* In a guest, whether type is given or not: reported at the script line, naming the key. */
	expect_one("[domain g]\nkernel = k\nscript = \"list\"\n", 3,
	           "key 'script' is only allowed in the mgmt domain");
	expect_one("[domain g]\nscript = \"list\"\nkernel = k\ntype = guest\n", 2, "'script'");
	/* The mgmt domain keeps its script; the guest with one is dropped, alone. */
	CHECK_EQ(parse("[domain m]\ntype = mgmt\nkernel = m\nscript = a\n"
	               "[domain g]\nkernel = k\nscript = b\n[domain h]\nkernel = k\n"), 1);
	expect_report(7, "key 'script' is only allowed in the mgmt domain");
	CHECK(dom("m")->valid);
	CHECK(!dom("g")->valid);
	CHECK(dom("h")->valid);
	CHECK(strcmp(dom("m")->script, "a") == 0);
	/* A second mgmt domain is refused for that; its script is not the problem. */
	CHECK_EQ(parse("[domain m]\ntype = mgmt\nkernel = m\n[domain n]\ntype = mgmt\nkernel = n\nscript = x\n"), 1);
	expect_report(5, "second mgmt domain 'n'");
	/* Global: it is a domain key. */
	CHECK_EQ(parse("script = \"wait\"\n"), 1);
	expect_report(1, "key 'script' belongs in a [domain NAME] section");
	/* In a dropped section it is checked like any other. */
	CHECK_EQ(parse("[domain 1 2]\nkernel = k\nscript = s\n"), 2);
	expect_report(1, "domain name '1 2'");
	expect_report(3, "key 'script' is only allowed in the mgmt domain");
}

static void test_script_length(void)
{
	static char text[3 * HINOKI_SCRIPT_MAX], v[2 * HINOKI_SCRIPT_MAX];

	CHECK_EQ(CONFIG_SCRIPT_MAX, HINOKI_SCRIPT_MAX);
	memset(v, 0, sizeof(v));
	for (size_t i = 0; i < HINOKI_SCRIPT_MAX - 1; i++)
		v[i] = i % 5 == 4 ? ';' : 'w';
	snprintf(text, sizeof(text), "[domain m]\ntype = mgmt\nkernel = m\nscript = \"%s\"\n", v);
	CHECK_EQ(parse(text), 0);
	CHECK_EQ(strlen(dom("m")->script), HINOKI_SCRIPT_MAX - 1);
	CHECK(strcmp(dom("m")->script, v) == 0);
	v[HINOKI_SCRIPT_MAX - 1] = 'w';
	snprintf(text, sizeof(text), "[domain m]\ntype = mgmt\nkernel = m\nscript = \"%s\"\n", v);
	expect_one(text, 4, "value too long for 'script' (at most 4095 characters)");
	CHECK_EQ(dom("m")->script[0], 0);
	/* Bare, and far too long: one report, and the buffer is not overrun. */
	memset(v, 'x', sizeof(v) - 1);
	snprintf(text, sizeof(text), "[domain m]\ntype = mgmt\nkernel = m\nscript = %s\n", v);
	expect_one(text, 4, "value too long for 'script' (at most 4095 characters)");
	/* Other keys keep their own limits even though the value buffer is larger. */
	memset(v, 'e', 600); v[600] = 0;
	snprintf(text, sizeof(text), "[domain a]\nkernel = k\nextra = \"%s\"\n", v);
	expect_one(text, 3, "value too long for 'extra' (at most 511 characters)");
	snprintf(text, sizeof(text), "[domain a]\nkernel = k\nfoo = \"%s\"\n", v);
	expect_one(text, 3, "value too long for 'foo' (at most 511 characters)");
	snprintf(text, sizeof(text), "[domain a]\nkernel = k\nmemory = \"%s\"\n", v);
	expect_one(text, 3, "value too long for 'memory' (at most 511 characters)");
}

/* A section dropped for a bad header starts afresh: the keys of the one before it do not count. */
static void test_dropped_section_is_fresh(void)
{
	CHECK_EQ(parse("[domain a]\nkernel = k\nweight = 3\n[domain a\nkernel = x\nweight = 4\n"), 1);
	expect_report(4, "missing ']' in section header");
	CHECK_EQ(dom("a")->weight, 3);
	CHECK(dom("a")->valid);
	CHECK_EQ(parse("[domain a]\nkernel = k\n[xen]\nkernel = x\n"), 1);
	expect_report(3, "unknown section '[xen]'");
	CHECK_EQ(cfg.ndomains, 1);
}

/* Everything in one file, as a management machine would have it. */
static void test_mgmt_machine(void)
{
	const char *text =
		"[domain dom0]\n"
		"type   = mgmt\n"
		"kernel = mgmt.elf\n"
		"weight = 1024\n"
		"script = \"create late; list; wait; shutdown\"\n"
		"[domain busy]\n"
		"kernel = spin.elf\n"
		"weight = 2\n"
		"[domain late]\n"
		"kernel = hello.elf\n"
		"autostart = 0\n";
	CHECK_EQ(parse(text), 0);
	CHECK_EQ(cfg.ndomains, 3);
	CHECK_EQ(dom("dom0")->weight, 1024);
	CHECK(strcmp(dom("dom0")->script, "create late; list; wait; shutdown") == 0);
	CHECK_EQ(dom("busy")->weight, 2);
	CHECK(dom("busy")->autostart);
	CHECK(!dom("late")->autostart);
	CHECK_EQ(dom("late")->weight, 256);
	for (unsigned i = 0; i < cfg.ndomains; i++)
		CHECK(cfg.domains[i].valid);
}

int main(void)
{
	RUN(test_new_defaults);
	RUN(test_weight);
	RUN(test_halt_limit);
	RUN(test_autostart);
	RUN(test_instrumentation_keys);
	RUN(test_testdev_key);
	RUN(test_x2apic_key);
	RUN(test_lifecycle_actions);
	RUN(test_script_in_mgmt);
	RUN(test_script_elsewhere);
	RUN(test_script_length);
	RUN(test_dropped_section_is_fresh);
	RUN(test_mgmt_machine);
	return CHECK_EXIT();
}
