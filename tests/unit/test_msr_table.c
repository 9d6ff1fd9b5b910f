/*
 * Host tests for the MSR table: every row at its slot and found by its
 * number (the lookup is one probe), nothing else found, the MSRs CPUID
 * hides absent (MTRRs, thermal, APERF/MPERF, speculation control,
 * MCG_CTL and the machine-check banks, PLATFORM_INFO), rows that need a VMX
 * capability and TSC_DEADLINE, which needs none, the constant answers
 * (FEATURE_CONTROL locked with VMX off, the microcode revision, platform
 * 0 read-only, machine check with no bank), and every write rule:
 * read-only, ignored, same-value, MISC_ENABLE's writable, read-only and reserved bits, PAT's
 * reserved types, EFER's bits (NXE only with NX, LME fixed while paging), canonical addresses at 48
 * and 57 bits.
 */
#include "vmx/msr_table.h"
#include "check.h"

#define ALL_CAPS (MSR_CAP_PAT_LOAD | MSR_CAP_TSC_OFFSETTING | MSR_CAP_NX)

static const struct msr_rule *find(uint32_t msr) { return msr_rule_find(msr, ALL_CAPS); }

/*
 * Every row is found at its own number, and only there: at its slot or
 * past it with no empty slot between; some slot is empty, so probes end.
 */
static void test_rows_found(void)
{
	unsigned rows = 0;
	for (unsigned i = 0; i < MSR_TABLE_SLOTS; i++) {
		const struct msr_rule *r = &msr_table[i];
		if (r->write == MSR_WRITE_NONE)
			continue;
		rows++;
		for (unsigned j = MSR_SLOT(r->msr); j != i; j = (j + 1) % MSR_TABLE_SLOTS)
			CHECK(msr_table[j].write != MSR_WRITE_NONE && msr_table[j].msr != r->msr);
		CHECK(find(r->msr) == r);
		CHECK(find(r->msr + MSR_TABLE_SLOTS) == 0);
	}
	CHECK_EQ(rows, 18);
	CHECK(rows < MSR_TABLE_SLOTS);
	/* Probes past rows not their own: IA32_DEBUGCTL and IA32_PLATFORM_ID share IA32_TSC_DEADLINE's slot. */
	CHECK_EQ(MSR_SLOT(MSR_IA32_DEBUGCTL), MSR_SLOT(MSR_IA32_TSC_DEADLINE));
	CHECK_EQ(MSR_SLOT(MSR_IA32_PLATFORM_ID), MSR_SLOT(MSR_IA32_TSC_DEADLINE));
	CHECK(find(MSR_IA32_DEBUGCTL) != find(MSR_IA32_TSC_DEADLINE));
	CHECK(find(MSR_IA32_PLATFORM_ID) != find(MSR_IA32_DEBUGCTL));
	/* An empty slot's zero row is no MSR 0; a number hashing onto a row's slot is not that row. */
	CHECK(find(0) == 0);
	CHECK(find(0xffffffffu) == 0);
	CHECK_EQ(MSR_SLOT(MSR_IA32_EFER ^ 0x1000u), MSR_SLOT(MSR_IA32_EFER));
	CHECK(find(MSR_IA32_EFER ^ 0x1000u) == 0);
}

static void test_hidden_features_absent(void)
{
	static const uint32_t absent[] = {
		0xfe, 0x2ff, 0x200, 0x20f, 0x250, 0x258, 0x259, 0x268, 0x26f,   /* MTRRCAP, DEF_TYPE, variable, fixed */
		0x19a, 0x19b, 0x19c, 0x1b1, 0x1b2, 0x1b0,                       /* thermal, package thermal, EPB */
		0xe7, 0xe8,                                                     /* MPERF, APERF */
		0x48, 0x49, 0x10a, 0x10b, 0xcf,                                 /* SPEC_CTRL, PRED_CMD, ARCH_CAP, FLUSH_CMD, CORE_CAP */
		0x17b, 0x400, 0x401, 0x47f,                                     /* MCG_CTL, the banks */
		0xce, 0x140, 0x33,                                              /* PLATFORM_INFO, MISC_FEATURES_ENABLES, TEST_CTRL */
		0xc1, 0x186, 0x38f,                                             /* performance counters */
		0xd90, 0x802,                                                   /* BNDCFGS, x2APIC */
		0x6e1,                                                          /* PKRS (PKS is hidden) */
		MSR_IA32_STAR, MSR_IA32_LSTAR, MSR_IA32_KERNEL_GS_BASE,         /* passed through: never exit */
	};
	for (unsigned i = 0; i < sizeof absent / sizeof absent[0]; i++)
		CHECK(find(absent[i]) == 0);
}

static void test_capabilities(void)
{
	CHECK(msr_rule_find(MSR_IA32_PAT, 0) == 0);
	CHECK(msr_rule_find(MSR_IA32_PAT, MSR_CAP_PAT_LOAD) != 0);
	/* Without TSC offsetting the TSC MSRs read but refuse writes. */
	const struct msr_rule *tsc = msr_rule_find(MSR_IA32_TSC, 0), *adj = msr_rule_find(MSR_IA32_TSC_ADJUST, 0);
	CHECK(tsc && adj);
	if (!tsc || !adj)
		return;
	CHECK(!msr_write_ok(tsc, 5, 0, 0));
	CHECK(!msr_write_ok(adj, 5, 0, 0));
	CHECK(msr_write_ok(tsc, 5, 0, MSR_CAP_TSC_OFFSETTING));
	CHECK(msr_write_ok(adj, 5, 0, MSR_CAP_TSC_OFFSETTING));
	/* TSC-deadline needs no capability: any value is kept, on any CPU (the APIC ignores it outside the mode). */
	const struct msr_rule *dl = msr_rule_find(MSR_IA32_TSC_DEADLINE, 0);
	CHECK(dl != 0);
	if (!dl)
		return;
	CHECK_EQ(dl->store, MSR_STORE_TSC_DEADLINE);
	CHECK_EQ(dl->write, MSR_WRITE_KEEP);
	CHECK(msr_write_ok(dl, 0, 0, 0));
	CHECK(msr_write_ok(dl, ~0ULL, 0, 0));
}

static void test_constants(void)
{
	const struct msr_rule *fc = find(MSR_IA32_FEATURE_CONTROL);
	const struct msr_rule *misc = find(MSR_IA32_MISC_ENABLE);
	const struct msr_rule *sign = find(MSR_IA32_BIOS_SIGN_ID);
	CHECK(fc && misc && sign);
	if (!fc || !misc || !sign)
		return;
	CHECK_EQ(fc->store, MSR_STORE_CONST);
	CHECK_EQ(fc->value, FEATURE_CONTROL_LOCK);   /* locked; VMX off inside and outside SMX */
	CHECK(!msr_write_ok(fc, FEATURE_CONTROL_LOCK, FEATURE_CONTROL_LOCK, ALL_CAPS));
	CHECK(!msr_write_ok(fc, FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX, FEATURE_CONTROL_LOCK, ALL_CAPS));
	/* The bits software may write are taken, read-only ones as they read; reserved ones and changed read-only ones are not. */
	const uint64_t reset = MSR_MISC_ENABLE_RESET;
	CHECK_EQ(reset, MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAILABLE | MISC_ENABLE_PEBS_UNAVAILABLE);
	CHECK_EQ(misc->store, MSR_STORE_MISC_ENABLE);
	CHECK(msr_write_needs_cur(misc));
	CHECK(msr_write_ok(misc, reset, reset, ALL_CAPS));
	CHECK(msr_write_ok(misc, reset | MISC_ENABLE_XD_BIT_DISABLE | MISC_ENABLE_LIMIT_CPUID, reset, ALL_CAPS));
	CHECK(msr_write_ok(misc, 0x400c50809ULL | MISC_ENABLE_BTS_UNAVAILABLE | MISC_ENABLE_PEBS_UNAVAILABLE, reset, ALL_CAPS));
	CHECK(msr_write_ok(misc, reset & ~MISC_ENABLE_FAST_STRINGS, reset, ALL_CAPS));
	CHECK(!msr_write_ok(misc, 0, reset, ALL_CAPS));                        /* read-only bits cleared */
	CHECK(!msr_write_ok(misc, reset | MISC_ENABLE_PERF_MON, reset, ALL_CAPS));
	CHECK(!msr_write_ok(misc, reset | BIT(1), reset, ALL_CAPS));           /* reserved */
	CHECK(!msr_write_ok(misc, reset | BIT(35), reset, ALL_CAPS));
	const struct msr_rule *cap = find(MSR_IA32_MCG_CAP), *status = find(MSR_IA32_MCG_STATUS);
	CHECK(cap && status);
	if (cap && status) {
		CHECK_EQ(cap->value, 0);                   /* no bank, no MCG_CTL */
		CHECK(!msr_write_ok(cap, 0, 0, ALL_CAPS));
		CHECK_EQ(status->value, 0);
		CHECK(msr_write_ok(status, 0, 0, ALL_CAPS));
		CHECK(!msr_write_ok(status, 1, 0, ALL_CAPS));
	}
	CHECK_EQ(sign->value, 1ULL << 32);
	const struct msr_rule *platform = find(MSR_IA32_PLATFORM_ID);
	CHECK(platform != 0);
	if (platform) {
		CHECK_EQ(platform->store, MSR_STORE_CONST);
		CHECK_EQ(platform->value, 0);              /* platform 0 */
		CHECK(!msr_write_ok(platform, 0, 0, ALL_CAPS));   /* read-only */
	}
	CHECK_EQ(sign->write, MSR_WRITE_IGNORE);
	CHECK(msr_write_ok(sign, 0, sign->value, ALL_CAPS));
}

static void test_pat(void)
{
	const struct msr_rule *pat = find(MSR_IA32_PAT);
	CHECK(pat != 0);
	if (!pat)
		return;
	CHECK(msr_write_ok(pat, PAT_POWER_ON, 0, ALL_CAPS));
	CHECK(msr_write_ok(pat, 0x0007010600070106ULL, 0, ALL_CAPS));   /* Linux's: WB WC UC- UC, twice */
	CHECK(msr_write_ok(pat, 0x0505050505050505ULL, 0, ALL_CAPS));   /* all WP */
	for (unsigned byte = 0; byte < 8; byte++) {
		for (unsigned type = 0; type < 256; type += (type < 16 ? 1 : 37)) {
			uint64_t v = (PAT_POWER_ON & ~(0xffULL << (8 * byte))) | (uint64_t)type << (8 * byte);
			bool ok = type == PAT_UC || type == PAT_WC || type == PAT_WT || type == PAT_WP || type == PAT_WB ||
			          type == PAT_UC_MINUS;
			CHECK_EQ(msr_write_ok(pat, v, 0, ALL_CAPS), ok);
		}
	}
}

static void test_efer_and_canonical(void)
{
	const struct msr_rule *efer = find(MSR_IA32_EFER), *fs = find(MSR_IA32_FS_BASE);
	const struct msr_rule *gs = find(MSR_IA32_GS_BASE), *eip = find(MSR_IA32_SYSENTER_EIP);
	CHECK(efer && fs && gs && eip);
	if (!efer || !fs || !gs || !eip)
		return;
	CHECK(msr_write_ok(efer, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE, 0, ALL_CAPS));
	CHECK(!msr_write_ok(efer, EFER_SCE | EFER_NXE, 0, ALL_CAPS & ~MSR_CAP_NX));   /* XD disabled: no NXE */
	CHECK(msr_write_ok(efer, EFER_SCE, 0, ALL_CAPS & ~MSR_CAP_NX));
	CHECK(!msr_write_ok(efer, EFER_SCE | BIT(12), 0, ALL_CAPS));   /* SVME: reserved on Intel */
	CHECK(!msr_write_ok(efer, BIT(1), 0, ALL_CAPS));
	/* LME is fixed while CR0.PG is set, either way; the other bits still change. */
	const uint64_t long_mode = EFER_LME | EFER_LMA;
	CHECK(!msr_write_ok(efer, EFER_LMA, long_mode, ALL_CAPS | MSR_CAP_PAGING));
	CHECK(!msr_write_ok(efer, EFER_LME, 0, ALL_CAPS | MSR_CAP_PAGING));
	CHECK(msr_write_ok(efer, long_mode | EFER_SCE, long_mode, ALL_CAPS | MSR_CAP_PAGING));
	CHECK(msr_write_ok(efer, EFER_LME, 0, ALL_CAPS));
	CHECK(msr_write_ok(efer, 0, EFER_LME, ALL_CAPS));
	const struct msr_rule *addr[] = { fs, gs, eip };
	for (unsigned i = 0; i < 3; i++) {
		CHECK(msr_write_ok(addr[i], 0x00007fffffffffffULL, 0, ALL_CAPS));
		CHECK(msr_write_ok(addr[i], 0xffff800000000000ULL, 0, ALL_CAPS));
		CHECK(msr_write_ok(addr[i], 0xffffffff81000000ULL, 0, ALL_CAPS));
		CHECK(!msr_write_ok(addr[i], 0x0000800000000000ULL, 0, ALL_CAPS));
		CHECK(!msr_write_ok(addr[i], 0x8000000000000000ULL, 0, ALL_CAPS));
		CHECK(msr_write_ok(addr[i], 0x00ffffffffffffffULL, 0, ALL_CAPS | MSR_CAP_LA57));
		CHECK(!msr_write_ok(addr[i], 0x0100000000000000ULL, 0, ALL_CAPS | MSR_CAP_LA57));
	}
	/* SYSENTER_CS is a selector, not an address: any value is kept. */
	const struct msr_rule *cs = find(MSR_IA32_SYSENTER_CS);
	CHECK(cs && msr_write_ok(cs, 0x8000000000000010ULL, 0, ALL_CAPS));
}

/* DEBUGCTL: BTF kept, LBR accepted (the store drops it), every other bit #GP. */
static void test_debugctl(void)
{
	const struct msr_rule *d = find(MSR_IA32_DEBUGCTL);
	CHECK(d != 0);
	if (!d)
		return;
	CHECK_EQ(d->store, MSR_STORE_DEBUGCTL);
	CHECK(msr_write_ok(d, 0, 0, 0));
	CHECK(msr_write_ok(d, DEBUGCTL_BTF, 0, ALL_CAPS));
	CHECK(msr_write_ok(d, DEBUGCTL_BTF | DEBUGCTL_LBR, 0, ALL_CAPS));
	CHECK_EQ(DEBUGCTL_GUEST_WRITABLE & DEBUGCTL_LBR, 0);
	for (unsigned b = 2; b < 64; b++)
		CHECK(!msr_write_ok(d, BIT(b), 0, ALL_CAPS));
}

int main(void)
{
	RUN(test_rows_found);
	RUN(test_hidden_features_absent);
	RUN(test_capabilities);
	RUN(test_constants);
	RUN(test_pat);
	RUN(test_efer_and_canonical);
	RUN(test_debugctl);
	return CHECK_EXIT();
}
