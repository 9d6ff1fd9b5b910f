/* Control hypercalls (HC_DOMCTL_*): the management domain's view of the machine. */
#ifndef DOM_CONTROL_H
#define DOM_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include "config/config.h"
#include "vmx/vcpu.h"

/*
 * The config and the files loaded at boot, from which `create` builds
 * domains: kernel[i] and ramdisk[i] belong to config->domains[i]. They must
 * outlive the hypervisor (the boot code's handoff does).
 */
void control_init(const struct hv_config *config, const struct loaded_file *kernel, const struct loaded_file *ramdisk);
/* Create every valid domain whose config section has autostart = 1 (boot time). */
void control_create_boot_domains(void);
/*
 * Create a domain that ended with `restart` set again, from its config
 * section, files and overrides, and drop the old record; refused (with a
 * line) after too many quick restarts in a row. Its resources must be back.
 */
struct domain;
void control_restart(struct domain *old);
/* Run control hypercall nr for v's domain; -HC_EPERM (logged) unless it is the management domain. */
int64_t domctl_call(struct vcpu *v, uint64_t nr);
/* Whether the config has a management domain: someone who can press a domain's power button. */
bool control_has_mgmt(void);

#endif
