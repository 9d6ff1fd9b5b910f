/* Switching DR0-DR3 and DR6 with the vCPU (see the header). */
#include "lib/x86.h"
#include "vmx/guest_dr.h"
#include "vmx/vcpu.h"

void guest_dr_reset(struct guest_dr *d)
{
	for (unsigned i = 0; i < DR_ADDRESS_COUNT; i++)
		d->addr[i] = 0;
	d->dr6 = DR6_RESET;
}

void guest_dr_save(struct vcpu *v)
{
	v->dr.addr[0] = read_dr0();
	v->dr.addr[1] = read_dr1();
	v->dr.addr[2] = read_dr2();
	v->dr.addr[3] = read_dr3();
	v->dr.dr6 = read_dr6();
}

void guest_dr_restore(const struct vcpu *v)
{
	write_dr0(v->dr.addr[0]);
	write_dr1(v->dr.addr[1]);
	write_dr2(v->dr.addr[2]);
	write_dr3(v->dr.addr[3]);
	write_dr6(v->dr.dr6);
}
