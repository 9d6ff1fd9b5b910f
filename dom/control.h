/* Control hypercalls (HC_DOMCTL_*): the management domain's view of the machine. */
#ifndef DOM_CONTROL_H
#define DOM_CONTROL_H

#include <stdint.h>
#include "vmx/exit.h"

struct boot_handoff;

/* The config and the files loaded at boot, from which `create` builds domains. */
void control_init(const struct boot_handoff *h);
/* Create every valid domain whose config section has autostart = 1 (boot time). */
void control_create_boot_domains(void);
/* Run control hypercall nr for v's domain; -HC_EPERM (logged) unless it is the management domain. */
int64_t domctl_call(struct vcpu *v, uint64_t nr, enum exit_action *act);

#endif
