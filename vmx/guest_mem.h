/*
 * The running vCPU's view of its memory, from the VMCS: its paging state,
 * its RAM, segment bases and the #PF a failed walk becomes. What the exit
 * handlers that carry out a memory access for the guest (string port I/O,
 * MMIO) share; the walk itself is vmx/guest_walk.c.
 */
#ifndef VMX_GUEST_MEM_H
#define VMX_GUEST_MEM_H

#include "hw/segment.h"
#include "vmx/guest_walk.h"
#include "vmx/vcpu.h"

/*
 * A string instruction (INS/OUTS, MOVS/STOS) stepped as the CPU steps it:
 * the elements it asks for (RCX at the address size under REP, else one),
 * the step of its index registers (down with RFLAGS.DF), and how many one
 * exit carries out (STRING_BATCH at most), RIP staying on the instruction
 * until the count is done, so that interrupts are taken between batches as
 * hardware takes them between iterations.
 */
#define STRING_BATCH 1024
struct string_steps {
	unsigned abytes;       /* the address size: 2, 4 or 8 */
	bool rep, wide;        /* wide: 64-bit mode, linear addresses not wrapped at 4 GiB */
	uint64_t count, step, batch;
};
struct string_steps string_begin(const struct vcpu *v, unsigned abytes, unsigned size, bool rep);
/* Index register r as an offset at the address size, and the next element's. */
uint64_t string_offset(const struct vcpu *v, const struct string_steps *s, unsigned r);
uint64_t string_next(const struct string_steps *s, uint64_t off);
/* The linear address of the element at `off` in the segment at `base`. */
uint64_t string_linear(const struct string_steps *s, uint64_t base, uint64_t off);
/* Index register r left at `off`, written at the address size. */
void string_set_index(struct vcpu *v, const struct string_steps *s, unsigned r, uint64_t off);
/* After `done` elements: RCX under REP counts the rest; the instruction (len bytes) retires once all are done. */
void string_end(struct vcpu *v, const struct string_steps *s, uint64_t done, uint32_t len);

/* The guest's paging mode as the CPU sees it now: CR0.PG and WP, EFER.LMA, CR4.PAE/PSE/LA57. */
struct guest_paging vcpu_paging(void);
struct guest_ram vcpu_ram(const struct vcpu *v);
/* In 64-bit mode (IA-32e and CS.L): segment bases other than FS and GS count as zero. */
bool vcpu_in_64bit_mode(void);
uint64_t vcpu_seg_base(enum seg_reg s);
uint16_t vcpu_seg_selector(enum seg_reg s);
/* An access by the instruction being emulated, at the guest's CPL. */
struct guest_access vcpu_access(bool write);
/*
 * Copy between buf and the guest's linear memory as the instruction would.
 * A not-present or forbidden page becomes the guest's #PF (CR2 the address)
 * and returns false, as does memory outside RAM, which stops the domain
 * naming `what` (*stop is set then).
 */
bool vcpu_copy_linear(struct vcpu *v, uint64_t linear, void *buf, size_t n, bool write, const char *what,
                      bool *stop);
/*
 * The same for an operand of at most 16 bytes whose pages may be RAM or a
 * device's: every page is translated before any byte moves (a #PF on the
 * second page leaves the first one's device untouched, as on hardware),
 * then each page's part goes to RAM or, through vcpu_mmio_copy, to the
 * device. With buf NULL the pages are only translated. False after a #PF,
 * or with *stop when the domain stopped.
 */
bool vcpu_access_linear(struct vcpu *v, uint64_t linear, void *buf, unsigned n, bool write, const char *what,
                        bool *stop);
/*
 * n bytes at guest-physical gpa to or from the devices there, in pieces of
 * 8, 4, 2 and 1 bytes, each going to the device that claims its address.
 * False when the domain stopped: an address no device claims, or a device
 * that ended the domain.
 */
bool vcpu_mmio_copy(struct vcpu *v, uint64_t gpa, void *buf, unsigned n, bool write);

#endif
