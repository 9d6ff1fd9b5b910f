/*
 * What a domain shows the world: its console lines (prefixed "[name] "), the
 * report when it ends or is stopped, and its exit-statistics table. The
 * statistics are counts and TSC cycles in root mode per exit reason; inside
 * Bochs with clock sync=none a TSC cycle is one emulated instruction.
 */
#include <stdarg.h>
#include "dom/domain.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "hinoki/hypercall.h"
#include "vmx/exit.h"
#include "vmx/vmx_ops.h"

/*
 * Write the buffered bytes. A whole line ends with a newline; a partial one
 * (a prompt, typed characters echoed back) is written when the guest waits
 * for input, and the rest of its line follows later without a second prefix.
 */
static void console_emit(struct domain *d, int end_of_line)
{
	if (!d->con_len && !end_of_line)
		return;
	if (!d->con_len && end_of_line && !d->con_open)
		return;
	console_lock_acquire();
	if (!d->con_open) {
		console_write("[", 1);
		console_write(d->name, strlen(d->name));
		console_write("] ", 2);
	}
	console_write(d->con_line, d->con_len);
	if (end_of_line)
		console_write("\n", 1);
	console_lock_release();
	d->con_len = 0;
	d->con_open = !end_of_line;
}

static void console_flush(struct domain *d)
{
	console_emit(d, 1);
}

void domain_console_partial(struct domain *d)
{
	spin_lock(&d->uart_lock);
	console_emit(d, 0);
	spin_unlock(&d->uart_lock);
}

void domain_console_put(struct domain *d, uint8_t byte)
{
	console_ring_put(&d->console_ring, byte);
	if (byte == '\n') {
		console_flush(d);
		return;
	}
	if (byte == '\r')
		return;
	/* Control bytes would let a guest forge the hypervisor's lines or drive the terminal. */
	if (byte < 0x20 && byte != '\t' && byte != '\b')
		byte = '?';
	d->con_line[d->con_len++] = (char)byte;
	if (d->con_len == sizeof d->con_line)
		console_flush(d);
}

int64_t domain_console_read(struct domain *d, struct hinoki_console_read *req, uint8_t *buf)
{
	uint32_t lost = 0;
	spin_lock(&d->uart_lock);
	int n = console_ring_read(&d->console_ring, &req->pos, buf, req->len, &lost);
	spin_unlock(&d->uart_lock);
	if (n < 0)
		return -HC_EINVAL;
	req->lost = lost;
	return n;
}

int domain_leave_running(struct domain *d, enum domain_state to)
{
	enum domain_state running = DOMAIN_RUNNING;
	return __atomic_compare_exchange_n(&d->state, &running, to, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void domain_exit(struct domain *d, int code)
{
	spin_lock(&d->uart_lock);
	console_flush(d);
	spin_unlock(&d->uart_lock);
	d->exit_code = code;
	if (domain_leave_running(d, DOMAIN_ENDED))
		log_info("domain %s (%u) ended: exit code %d\n", d->name, d->id, code);
}

static void dump_vcpu(struct vcpu *v)
{
	const uint64_t *r = v->gpr;
	log_printf("  vcpu %u: exit %s (%u) qualification 0x%lx\n", v->id, exit_reason_name(v->exit.reason),
	           v->exit.reason, v->exit.qual);
	log_printf("  rip %016lx rsp %016lx rflags %016lx\n", vmcs_readnat(VMCS_GUEST_RIP),
	           vmcs_readnat(VMCS_GUEST_RSP), vmcs_readnat(VMCS_GUEST_RFLAGS));
	log_printf("  cr0 %016lx cr3 %016lx cr4 %016lx efer %016lx\n", vmcs_readnat(VMCS_CR0_READ_SHADOW),
	           vmcs_readnat(VMCS_GUEST_CR3), vmcs_readnat(VMCS_CR4_READ_SHADOW), vmcs_read64(VMCS_GUEST_IA32_EFER));
	log_printf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r[GPR_RAX], r[GPR_RBX], r[GPR_RCX], r[GPR_RDX]);
	log_printf("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", r[GPR_RSI], r[GPR_RDI], r[GPR_RBP], r[GPR_R8]);
	log_printf("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", r[GPR_R9], r[GPR_R10], r[GPR_R11], r[GPR_R12]);
	log_printf("  r13 %016lx r14 %016lx r15 %016lx\n", r[GPR_R13], r[GPR_R14], r[GPR_R15]);
}

void domain_stop(struct domain *d, struct vcpu *v, const char *fmt, ...)
{
	va_list ap;
	spin_lock(&d->uart_lock);
	console_flush(d);
	spin_unlock(&d->uart_lock);
	va_start(ap, fmt);
	char reason[sizeof d->stop_reason];
	fmt_vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	if (!domain_leave_running(d, DOMAIN_STOPPED))
		return;   /* it had already ended: the first reason stands */
	memcpy(d->stop_reason, reason, sizeof reason);
	log_info("domain %s (%u) stopped: %s\n", d->name, d->id, d->stop_reason);
	if (v)
		dump_vcpu(v);
}

/* One vCPU's table, formatted whole and written under the console lock so CPUs do not interleave. */
#define STATS_TABLE_MAX 6144

static void print_vcpu_stats(const struct domain *d, const struct vcpu *v)
{
	char buf[STATS_TABLE_MAX];
	size_t n = 0;
	uint64_t total = 0, cycles = 0;
#define EMIT(...) do { if (n < sizeof buf) n += (size_t)fmt_snprintf(buf + n, sizeof buf - n, __VA_ARGS__); } while (0)
	EMIT("hinoki: exit statistics for domain %s vcpu %u (TSC cycles in root mode)\n", d->name, v->id);
	EMIT("  %-22s %10s %14s %10s\n", "reason", "count", "cycles", "avg");
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++) {
		const struct exit_stat *s = &v->stats[r];
		if (!s->count)
			continue;
		EMIT("  %-22s %10lu %14lu %10lu\n", exit_reason_name(r), s->count, s->cycles, s->cycles / s->count);
		total += s->count;
		cycles += s->cycles;
	}
	EMIT("  %-22s %10lu %14lu\n", "total", total, cycles);
#undef EMIT
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	console_lock_acquire();
	console_write(buf, n);
	console_lock_release();
}

void domain_print_stats(const struct domain *d)
{
	for (unsigned i = 0; i < d->nvcpus; i++)
		print_vcpu_stats(d, d->vcpus[i]);
}
