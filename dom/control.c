/*
 * Control hypercalls. Only the management domain may make them; any other
 * domain gets -HC_EPERM and the attempt is logged (the first few per domain:
 * a hostile guest must not be able to flood the console). Arguments are
 * guest-physical addresses in the caller's RAM, checked before any use.
 * They run one at a time under domctl_lock, so two of them never change one
 * domain at once (a destroy and a pause or a create of the same name); every
 * domain they use they found in the table, referenced (dom/domain.c), as the
 * scheduler loops and lifecycle code on other CPUs finish and free domains
 * whatever control call runs.
 */
#include "cpu/irq.h"
#include "cpu/pcpu.h"
#include "dom/control.h"
#include "dom/domain.h"
#include "dom/lifecycle.h"
#include "hinoki/domctl.h"
#include "hinoki/hypercall.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "sched/sched.h"
#include "vmx/inject.h"

/*
 * A domain that restarts within a second of its creation, more than this
 * many times in a row, is left ended: a guest that resets at once would
 * otherwise fill the log and keep a CPU creating domains.
 */
#define RESTART_QUICK_MAX 4
#define RESTART_QUICK_MS  1000

static const struct hv_config *config;
static const struct loaded_file *kernels, *ramdisks;   /* by config section */
static struct spinlock domctl_lock = SPINLOCK_INIT;   /* one control call at a time; taken before any other */
/* Set by dom0's shutdown, under domctl_lock: from then on no domain is created, at boot, by dom0 or as a restart. */
static bool shutting_down;
static volatile uint32_t next_id = 1;

void control_init(const struct hv_config *c, const struct loaded_file *kernel, const struct loaded_file *ramdisk)
{
	config = c;
	kernels = kernel;
	ramdisks = ramdisk;
}

static int config_index(const char *name)
{
	for (unsigned i = 0; i < config->ndomains; i++)
		if (!strcmp(config->domains[i].name, name))
			return (int)i;
	return -1;
}

bool control_has_mgmt(void)
{
	for (unsigned i = 0; i < config->ndomains; i++)
		if (config->domains[i].type == DOMAIN_TYPE_MGMT)
			return true;
	return false;
}

static bool named_in(struct domain *const *ds, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(ds[i]->guest.name, name))
			return true;
	return false;
}

/* Create the domain of config section i, the successor of `replaces` if not NULL; returns it or NULL (reason in *why). */
static struct domain *create_from_config(unsigned i, const struct domain_overrides *ov,
                                         const struct domain *replaces, uint32_t *id_out, const char **why)
{
	const struct domain_config *dc = &config->domains[i];
	const struct loaded_file *k = &kernels[i], *r = &ramdisks[i];
	uint32_t id = dc->type == DOMAIN_TYPE_MGMT ? 0 : __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	*id_out = id;
	if (!dc->valid) {
		domain_record_failure(id, dc->name, "its config section has errors (reported above)");
		*why = "its config section has errors";
		return 0;
	}
	if (!k->data) {
		domain_record_failure(id, dc->name, "kernel: %s", k->error);
		*why = "its kernel could not be read";
		return 0;
	}
	if (dc->ramdisk[0] && !r->data) {
		domain_record_failure(id, dc->name, "ramdisk: %s", r->error);
		*why = "its ramdisk could not be read";
		return 0;
	}
	struct domain *d = domain_create(id, dc, ov, k->data, k->len, r->data, r->len, why);
	if (d)
		lifecycle_console_join(d, replaces);
	return d;
}

/*
 * dom0 runs on another CPU while the boot domains are created here, without
 * domctl_lock (a big kernel's copy would hold dom0's calls that long). A
 * domain created just as dom0's shutdown took its list of domains may be
 * missing from it: ended here then, found by id, as that shutdown may have
 * ended and freed it already.
 */
static void end_if_shutting_down(uint32_t id)
{
	spin_lock(&domctl_lock);
	struct domain *d = shutting_down ? domain_by_id(id) : 0;
	if (d) {
		if (d->guest.state == DOMAIN_RUNNING)
			lifecycle_destroy(d);
		domain_put(d);
	}
	spin_unlock(&domctl_lock);
}

/* The management domain first (it is dom0 and takes the console), then the rest in config order. */
void control_create_boot_domains(void)
{
	for (int mgmt = 1; mgmt >= 0; mgmt--) {
		for (unsigned i = 0; i < config->ndomains; i++) {
			const struct domain_config *dc = &config->domains[i];
			const char *why;
			uint32_t id;
			if ((dc->type == DOMAIN_TYPE_MGMT) != mgmt)
				continue;
			if (__atomic_load_n(&shutting_down, __ATOMIC_ACQUIRE))
				return;
			if ((dc->autostart || !dc->valid) && create_from_config(i, 0, 0, &id, &why))
				end_if_shutting_down(id);
		}
	}
}

/* Under domctl_lock, with old finished. */
static void restart(struct domain *old)
{
	uint64_t quick_tsc = (uint64_t)old->guest.tsc_khz * RESTART_QUICK_MS;
	uint32_t quick = rdtsc() - old->created_tsc < quick_tsc ? old->quick_restarts + 1 : 0;
	if (quick > RESTART_QUICK_MAX) {
		log_info("domain %s (%u) not restarted: it restarted %u times in a row, each within %u ms of its start\n",
		         old->guest.name, old->guest.id, RESTART_QUICK_MAX, RESTART_QUICK_MS);
		return;
	}
	log_info("domain %s (%u) restarting\n", old->guest.name, old->guest.id);
	const char *why;
	uint32_t id;
	struct domain *d = create_from_config((unsigned)(old->cfg - config->domains), &old->ov, old, &id, &why);
	if (d)
		d->quick_restarts = quick;
	domain_discard(old);
}

void control_restart(struct domain *old)
{
	spin_lock(&domctl_lock);
	/* A destroy, which holds this lock, cancels it by clearing `restart`; so does a shutdown. */
	if (__atomic_load_n(&old->restart, __ATOMIC_ACQUIRE) && !shutting_down)
		restart(old);
	/* Cleared only now: the machine must not see no domain live before the new one is in the table. */
	__atomic_store_n(&old->restart, 0, __ATOMIC_RELEASE);
	spin_unlock(&domctl_lock);
}

static void *guest_buf(struct domain *d, uint64_t gpa, uint64_t len)
{
	if (gpa >= d->guest.ram_bytes || len > d->guest.ram_bytes - gpa)
		return 0;
	return phys_to_virt(d->guest.ram_hpa + gpa);
}

static uint32_t public_state(const struct domain *d)
{
	/* Ended, and about to be created again: to `wait` and `list` it has not gone. */
	if (__atomic_load_n(&d->restart, __ATOMIC_ACQUIRE))
		return HINOKI_DOM_RUNNING;
	switch (d->guest.state) {
	case DOMAIN_RUNNING:
		if (d->guest.paused)
			return HINOKI_DOM_PAUSED;
		return vcpu_asleep(&d->guest) ? HINOKI_DOM_ASLEEP : HINOKI_DOM_RUNNING;
	case DOMAIN_ENDED:     return HINOKI_DOM_ENDED;
	case DOMAIN_STOPPED:   return HINOKI_DOM_STOPPED;
	case DOMAIN_DESTROYED: return HINOKI_DOM_DESTROYED;
	default:               return HINOKI_DOM_FAILED;
	}
}

static void fill_info(struct hinoki_dominfo *o, const struct domain *d)
{
	memset(o, 0, sizeof *o);
	o->id = d->guest.id;
	o->state = public_state(d);
	memcpy(o->name, d->guest.name, sizeof o->name);
	o->vcpus = d->guest.nvcpus;
	o->weight = d->guest.weight;
	o->mem_bytes = d->guest.ram_bytes;
	o->cpus_mask = d->guest.cpus_mask;
	o->exit_code = d->exit_code;
	o->flags = d->type == DOMAIN_TYPE_MGMT ? HINOKI_DOM_F_MGMT : 0;
	for (unsigned i = 0; i < d->guest.nvcpus; i++) {
		o->cpu_tsc += d->guest.vcpus[i]->guest_tsc;
		o->exits += exit_stats_exits(&d->guest.vcpus[i]->stats);
	}
}

static int64_t dom_list(struct domain *self, uint64_t gpa, uint64_t cap)
{
	if (cap > 1024)
		return -HC_EINVAL;
	struct hinoki_dominfo *out = guest_buf(self, gpa, cap * sizeof *out);
	if (!out && cap)
		return -HC_EFAULT;
	struct domain *ds[HINOKI_MAX_DOMAINS];
	unsigned nds = domain_snapshot(ds);
	uint64_t n = 0;
	for (unsigned i = 0; i < nds; i++, n++)
		if (n < cap)
			fill_info(&out[n], ds[i]);
	for (unsigned i = 0; i < config->ndomains; i++) {
		const struct domain_config *dc = &config->domains[i];
		if (!dc->valid || named_in(ds, nds, dc->name))
			continue;
		if (n < cap) {
			memset(&out[n], 0, sizeof out[n]);
			out[n].id = 0xffffffffu;
			out[n].state = HINOKI_DOM_CONFIGURED;
			memcpy(out[n].name, dc->name, sizeof out[n].name);
			out[n].vcpus = dc->vcpus;
			out[n].weight = dc->weight;
			out[n].mem_bytes = (uint64_t)dc->memory_mib << 20;
			out[n].cpus_mask = dc->cpus_mask;
		}
		n++;
	}
	domain_put_all(ds, nds);
	return (int64_t)n;
}

static int64_t dom_create(struct domain *self, uint64_t gpa)
{
	struct hinoki_create *a = guest_buf(self, gpa, sizeof *a);
	if (!a)
		return -HC_EFAULT;
	struct hinoki_create args = *a;   /* the guest may change its copy meanwhile */
	args.name[sizeof args.name - 1] = 0;
	args.extra[sizeof args.extra - 1] = 0;
	int i = config_index(args.name);
	if (i < 0)
		return -HC_ENOENT;
	struct domain *old = domain_by_name(args.name);
	if (old) {
		domain_put(old);
		return -HC_EEXIST;
	}
	if (config->domains[i].type == DOMAIN_TYPE_MGMT)
		return -HC_EPERM;
	struct domain_overrides ov = { args.memory_mib, args.vcpus, args.weight, args.cpus_mask,
	                               (args.flags & HINOKI_CREATE_F_EXTRA) ? args.extra : 0 };
	if (ov.weight > 65535 || ov.memory_mib > 65536)
		return -HC_EINVAL;
	const char *why = 0;
	uint32_t id;
	struct domain *d = create_from_config((unsigned)i, &ov, 0, &id, &why);
	if (!d) {
		struct domain *failed = domain_by_name(args.name);
		if (failed) {
			domain_discard(failed);   /* the reason was printed; keep no record */
			domain_put(failed);
		}
		return -HC_ENOMEM;
	}
	return d->guest.id;
}

static int64_t dom_console(struct domain *self, struct domain *d, uint64_t gpa)
{
	struct hinoki_console_read *r = guest_buf(self, gpa, sizeof *r);
	if (!r)
		return -HC_EFAULT;
	struct hinoki_console_read req = *r;
	uint8_t *buf = guest_buf(self, req.buf_gpa, req.len);
	if (!buf && req.len)
		return -HC_EFAULT;
	int64_t n = domain_console_read(d, &req, buf);
	r->pos = req.pos;
	r->lost = req.lost;
	return n;
}

static int64_t dom_stats(struct domain *self, struct domain *d, uint64_t vcpu, uint64_t gpa, uint64_t cap)
{
	if (vcpu >= d->guest.nvcpus)
		return -HC_EINVAL;
	if (cap > EXIT_STAT_REASONS)
		cap = EXIT_STAT_REASONS;
	struct hinoki_exit_stat *out = guest_buf(self, gpa, cap * sizeof *out);
	if (!out && cap)
		return -HC_EFAULT;
	const struct vcpu *v = d->guest.vcpus[vcpu];
	uint64_t n = 0;
	for (unsigned r = 0; r < EXIT_STAT_REASONS && n < cap; r++) {
		struct exit_stat e;
		exit_stats_total(&v->stats, r, &e);
		if (!e.count)
			continue;
		out[n] = (struct hinoki_exit_stat){ r, 0, e.count, e.cycles };
		n++;
	}
	return (int64_t)n;
}

static int64_t dom_shutdown(struct domain *self)
{
	struct domain *ds[HINOKI_MAX_DOMAINS];
	__atomic_store_n(&shutting_down, true, __ATOMIC_RELEASE);
	unsigned n = domain_snapshot(ds);
	for (unsigned i = 0; i < n; i++)
		if (ds[i] != self && (ds[i]->guest.state == DOMAIN_RUNNING || __atomic_load_n(&ds[i]->restart, __ATOMIC_ACQUIRE)))
			lifecycle_destroy(ds[i]);
	domain_put_all(ds, n);
	return 0;
}

/*
 * A diagnostic: this CPU sends CPU `cpu` an NMI, which that CPU's handler
 * reports (cpu/trap.c), whether it ran a guest (an NMI exit) or not.
 */
static int64_t dom_diag_nmi(uint64_t cpu)
{
	if (cpu >= pcpu_count())
		return -HC_EINVAL;
	log_info("diagnostic: cpu%u sends an NMI to cpu%lu\n", this_cpu()->id, cpu);
	return irq_send_nmi(pcpu_get((unsigned)cpu)) ? -HC_EBUSY : 0;
}

/*
 * A diagnostic: this CPU stays `ms` milliseconds in root mode, with
 * interrupts off, as a handler that does not return would: the watchdog of
 * another CPU must report it (sched/watchdog.c).
 */
static int64_t dom_diag_hang(const struct domain *self, uint64_t ms)
{
	if (ms < 1 || ms > HC_DIAG_HANG_MS_MAX)
		return -HC_EINVAL;
	log_info("diagnostic: cpu%u stays %lu ms in root mode\n", this_cpu()->id, ms);
	uint64_t start = rdtsc(), span = ms * self->guest.tsc_khz;
	while (rdtsc() - start < span)
		__builtin_ia32_pause();
	return 0;
}

static int64_t refuse(struct vcpu *v, uint64_t nr)
{
	struct domain *d = domain_of(v->guest);
	if (guest_log_ok(&d->guest))
		log_warn("domain %s (%u) is not the management domain: control hypercall %lu refused\n",
		         d->guest.name, d->guest.id, nr);
	return -HC_EPERM;
}

/* The calls on one domain, d, which the caller holds a reference to. */
static int64_t domctl_on(struct domain *self, struct domain *d, uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	switch (nr) {
	case HC_DOMCTL_DESTROY:
		if (d == self)
			return -HC_EINVAL;
		lifecycle_destroy(d);
		return 0;
	case HC_DOMCTL_PAUSE:
		if (d == self || d->guest.state != DOMAIN_RUNNING)
			return -HC_EINVAL;
		lifecycle_pause(d);
		return 0;
	case HC_DOMCTL_UNPAUSE:
		if (d->guest.state != DOMAIN_RUNNING)
			return -HC_EINVAL;
		lifecycle_unpause(d);
		return 0;
	case HC_DOMCTL_SCHED:
		if (a1 > 65535)
			return -HC_EINVAL;
		if (a1)
			d->guest.weight = (uint32_t)a1;
		if (a2) {
			d->guest.cpus_mask = a2;
			sched_apply_affinity(&d->guest);
		}
		return 0;
	case HC_DOMCTL_CONSOLE:
		return dom_console(self, d, a1);
	case HC_DOMCTL_STATS:
		return dom_stats(self, d, a1, a2, a3);
	case HC_DOMCTL_TRACE:
		if (a1 > 1)
			return -HC_EINVAL;
		return exit_trace_enable(&d->guest, (int)a1) ? -HC_ENOMEM : 0;
	case HC_DOMCTL_TRIGGER:
		if (d == self || d->guest.state != DOMAIN_RUNNING || a1 != HINOKI_TRIGGER_POWER)
			return -HC_EINVAL;
		if (guest_log_ok(&d->guest))
			log_info("domain %s (%u): its power button pressed by the management domain\n", d->guest.name,
			         d->guest.id);
		platform_power_button(&d->platform);
		return 0;
	}
	return -HC_ENOSYS;
}

static int64_t domctl(struct domain *self, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	switch (nr) {
	case HC_DOMCTL_LIST:     return dom_list(self, a0, a1);
	case HC_DOMCTL_CREATE:   return dom_create(self, a0);
	case HC_DOMCTL_SHUTDOWN: return dom_shutdown(self);
	case HC_DOMCTL_DIAG_NMI: return dom_diag_nmi(a0);
	case HC_DOMCTL_DIAG_HANG: return dom_diag_hang(self, a0);
	}
	if (a0 > UINT32_MAX)
		return -HC_ENOENT;
	struct domain *d = domain_by_id((uint32_t)a0);
	if (!d)
		return -HC_ENOENT;
	int64_t ret = domctl_on(self, d, nr, a1, a2, a3);
	domain_put(d);
	return ret;
}

int64_t domctl_call(struct vcpu *v, uint64_t nr)
{
	struct domain *self = domain_of(v->guest);
	if (self->type != DOMAIN_TYPE_MGMT)
		return refuse(v, nr);
	spin_lock(&domctl_lock);
	int64_t ret = domctl(self, nr, v->gpr[GPR_RDI], v->gpr[GPR_RSI], v->gpr[GPR_RDX], v->gpr[GPR_R10]);
	spin_unlock(&domctl_lock);
	return ret;
}
