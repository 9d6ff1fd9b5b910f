/*
 * Shared by the config unit tests (test_config.c, test_config_keys.c): parse a
 * text while collecting every report, and look the reports and the parsed
 * domains up. Each test binary includes this once.
 */
#ifndef TESTS_UNIT_CONFIG_CHECK_H
#define TESTS_UNIT_CONFIG_CHECK_H

#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "tests/unit/check.h"

#define MAX_REPORTS 64

static struct { unsigned line; char msg[256]; char file[32]; } reports[MAX_REPORTS];
static unsigned nreports;
static struct hv_config cfg;

__attribute__((unused)) static void collect(void *ctx, const char *file, unsigned line, const char *msg)
{
	unsigned *calls = ctx;
	(*calls)++;
	if (nreports < MAX_REPORTS) {
		reports[nreports].line = line;
		snprintf(reports[nreports].msg, sizeof(reports[0].msg), "%s", msg);
		snprintf(reports[nreports].file, sizeof(reports[0].file), "%s", file);
		nreports++;
	}
}

/* Parse text; returns the problem count, which must equal the number of reports. */
__attribute__((unused)) static int parse(const char *text)
{
	unsigned calls = 0;
	nreports = 0;
	int n = config_parse(text, strlen(text), "test.cfg", &cfg, collect, &calls);
	CHECK_EQ(n, calls);
	return n;
}

/* A report on `line` containing `want`. */
__attribute__((unused)) static void expect_report(unsigned line, const char *want)
{
	for (unsigned i = 0; i < nreports; i++)
		if (reports[i].line == line && strstr(reports[i].msg, want))
			return;
	fprintf(stderr, "  no report on line %u containing \"%s\"; got:\n", line, want);
	for (unsigned i = 0; i < nreports; i++)
		fprintf(stderr, "    %u: %s\n", reports[i].line, reports[i].msg);
	CHECK(0);
}

/* One bad line in a domain: exactly one report on `line`, and the domain spoiled. */
__attribute__((unused)) static void expect_one(const char *text, unsigned line, const char *want)
{
	CHECK_EQ(parse(text), 1);
	expect_report(line, want);
	if (cfg.ndomains == 1)
		CHECK(!cfg.domains[0].valid);
}

__attribute__((unused)) static const struct domain_config *dom(const char *name)
{
	for (unsigned i = 0; i < cfg.ndomains; i++)
		if (strcmp(cfg.domains[i].name, name) == 0)
			return &cfg.domains[i];
	return NULL;
}

#endif
