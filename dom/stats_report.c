/*
 * A domain's exit-statistics report, printed when it ends: what it cost the
 * hypervisor besides its RAM, then per vCPU a table of counts and TSC cycles
 * in root mode per exit reason and its most frequent sub-keys (and every key
 * as CSV with `exit_csv = 1`). Inside Bochs with clock sync=none a TSC cycle
 * is one emulated instruction.
 */
#include <stdarg.h>
#include "dom/domain.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "hinoki/hypercall.h"
#include "vmx/exit.h"

/*
 * A guest chooses how many sub-keys (I/O ports, MSRs, hypercalls, EPT pages)
 * it makes, up to the key table's cap, and a report that printed them all
 * kept a CPU at the serial port for seconds. The table prints a reason's
 * EXIT_REPORT_KEYS most frequent and one row for the rest with how many
 * they are; the CSV, which an operator asks for, has them all.
 */
#define EXIT_REPORT_KEYS 8

/*
 * Lines go out under the console lock, taken once per vCPU's table and once
 * per vCPU's CSV: a table is never interleaved with other output, and other
 * CPUs wait for one table at most, not for the domain's whole report.
 */
static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	char line[400];
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	console_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static const char *key_kind(uint32_t reason)
{
	switch (reason) {
	case EXIT_REASON_IO_INSTRUCTION: return "port";
	case EXIT_REASON_MSR_READ:
	case EXIT_REASON_MSR_WRITE:      return "msr";
	case EXIT_REASON_VMCALL:         return "hypercall";
	case EXIT_REASON_EPT_VIOLATION:  return "page";
	default:                         return "key";
	}
}

/* `reason`'s smallest key above prev (the smallest when prev is -1), its figures in *out; -1 when none is left. */
static int64_t next_key(const struct exit_stats *st, uint32_t reason, int64_t prev, struct exit_stat *out)
{
	int best = -1;
	uint64_t best_key = 0;
	for (unsigned k = 0; k < exit_stats_cap(st); k++) {
		uint64_t tag;
		struct exit_stat e;
		if (!exit_stats_entry(st, k, &tag, &e) || exit_tag_reason(tag) != reason ||
		    exit_tag_key(tag) == EXIT_NO_KEY || (int64_t)exit_tag_key(tag) <= prev)
			continue;
		if (best < 0 || exit_tag_key(tag) < best_key) {
			best = (int)k;
			best_key = exit_tag_key(tag);
			*out = e;
		}
	}
	return best < 0 ? -1 : (int64_t)best_key;
}

/* Reason r's figures summed over its keys into *sum; false when r never exited. */
static bool reason_total(const struct exit_stats *st, unsigned r, struct exit_stat *sum)
{
	exit_stats_total(st, r, sum);
	return sum->count != 0;
}

static void print_table(const struct domain *d, const struct vcpu *v)
{
	const struct exit_stats *st = &v->stats;
	uint64_t total = 0, cycles = 0;
	emit("hinoki: exit statistics for domain %s vcpu %u (TSC cycles in root mode)\n", d->guest.name, v->id);
	emit("  %-22s %10s %14s %8s %8s %10s\n", "reason", "count", "cycles", "avg", "min", "max");
	for (unsigned r = 0; r < EXIT_STAT_REASONS; r++) {
		struct exit_stat sum;
		const struct exit_stat *e = &sum;
		if (!reason_total(st, r, &sum))
			continue;
		emit("  %-22s %10lu %14lu %8lu %8lu %10lu\n", exit_reason_name(r), e->count, e->cycles,
		     e->cycles / e->count, e->min == ~0ULL ? 0 : e->min, e->max);
		total += e->count;
		cycles += e->cycles;
		struct exit_key_row row[EXIT_REPORT_KEYS], rest;
		unsigned n = exit_stats_top_keys(st, r, row, EXIT_REPORT_KEYS, &rest);
		uint64_t keyed = rest.count;
		for (unsigned i = 0; i < n; i++) {
			emit("    %-9s 0x%-9x %10lu %14lu %8lu %8lu %10lu\n", key_kind(r), row[i].key, row[i].count,
			     row[i].cycles, row[i].cycles / row[i].count, row[i].min, row[i].max);
			keyed += row[i].count;
		}
		if (rest.count)
			emit("    %4u more %-11s %10lu %14lu %8lu %8lu %10lu\n", rest.key, rest.key == 1 ? "key" : "keys",
			     rest.count, rest.cycles, rest.cycles / rest.count, rest.min, rest.max);
		/* Exits of a keyed reason without an entry of their own: no key set, or the table at its cap. */
		if (keyed && keyed < e->count)
			emit("    %-21s %10lu   (no key set, or key table full)\n", "not by key", e->count - keyed);
	}
	emit("  %-22s %10lu %14lu\n", "total", total, cycles);
	if (st->stub_calls)
		emit("  %-22s %10lu %14s\n", "VMCALL (exit stub)", st->stub_calls, "-");
	if (exit_stats_overflow(st))
		emit("  (%lu exits timed by reason only: the key table was at its cap)\n", exit_stats_overflow(st));
}

static void print_csv(const struct domain *d, const struct vcpu *v)
{
	const struct exit_stats *st = &v->stats;
	for (unsigned r = 0; r < EXIT_STAT_REASONS; r++) {
		struct exit_stat sum;
		const struct exit_stat *e = &sum;
		if (!reason_total(st, r, &sum))
			continue;
		emit("hinoki: csv,exit,%s,%u,%s,-,%lu,%lu,%lu,%lu,", d->guest.name, v->id, exit_reason_name(r),
		     e->count, e->cycles, e->min == ~0ULL ? 0 : e->min, e->max);
		for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++)
			emit(b + 1 < EXIT_HIST_BUCKETS ? "%lu;" : "%lu\n", e->hist[b]);
		struct exit_stat x;
		for (int64_t k = next_key(st, r, -1, &x); k >= 0; k = next_key(st, r, k, &x))
			emit("hinoki: csv,exit,%s,%u,%s,0x%lx,%lu,%lu,%lu,%lu,-\n", d->guest.name, v->id,
			     exit_reason_name(r), (uint64_t)k, x.count, x.cycles, x.min, x.max);
	}
	if (st->stub_calls)
		emit("hinoki: csv,exit,%s,%u,VMCALL_STUB,-,%lu,-,-,-,-\n", d->guest.name, v->id, st->stub_calls);
}

/*
 * What the domain costs the hypervisor besides its RAM and its vCPUs' VMCS
 * pages: its structure, vCPU structures, statistics tables, EPT tables,
 * bitmaps and trace rings (all but the first counted in frames_used).
 */
static void print_memory(const struct domain *d)
{
	const struct vmx_guest *g = &d->guest;
	uint64_t pages = d->frames_used + DOMAIN_PAGES - g->ram_bytes / FRAME_SIZE;
	uint64_t vcpu_pages = 0;
	for (unsigned i = 0; i < g->nvcpus; i++) {
		const struct vcpu *v = g->vcpus[i];
		pages -= v->vmcs_pa ? 1 : 0;
		vcpu_pages += VCPU_PAGES + VCPU_APIC_PAGES + exit_stats_pages(&v->stats) + (v->trace.ring ? EXIT_TRACE_PAGES : 0);
	}
	uint64_t kib = pages * FRAME_SIZE / 1024, vcpu_kib = g->nvcpus ? vcpu_pages * FRAME_SIZE / 1024 / g->nvcpus : 0;
	emit("hinoki: domain %s: %lu KiB of hypervisor memory besides its RAM (%lu KiB per vCPU)\n", d->guest.name, kib,
	     vcpu_kib);
	if (guest_logs_dropped(g))
		emit("hinoki: domain %s: %u more messages its actions caused were not logged (%u logged)\n", d->guest.name,
		     guest_logs_dropped(g), GUEST_LOG_LIMIT);
}

static bool csv_on;

void domain_report_csv(bool on)
{
	csv_on = on;
}

void domain_print_stats(const struct domain *d)
{
	console_lock_acquire();
	print_memory(d);
	if (d->guest.nvcpus && d->guest.vcpus[0]->first_entry_tsc)
		emit("hinoki: domain %s vcpu 0 first entered the guest at TSC %lu\n", d->guest.name,
		     d->guest.vcpus[0]->first_entry_tsc);
	console_lock_release();
	for (unsigned i = 0; i < d->guest.nvcpus; i++) {
		console_lock_acquire();
		print_table(d, d->guest.vcpus[i]);
		console_lock_release();
		if (!csv_on)
			continue;
		console_lock_acquire();
		print_csv(d, d->guest.vcpus[i]);
		console_lock_release();
	}
}
