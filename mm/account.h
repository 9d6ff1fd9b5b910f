/*
 * Pages taken on an owner's account. A domain counts every page its parts
 * take (its `frames_used`, checked when it is destroyed); the code below
 * dom/ that needs pages for it (a vCPU's VMCS, its statistics table, its
 * trace ring) gets one of these and never edits the count itself.
 */
#ifndef MM_ACCOUNT_H
#define MM_ACCOUNT_H

struct page_account {
	void *(*alloc)(void *ctx, unsigned pages);       /* page-aligned host pointer, or NULL */
	void (*free)(void *ctx, void *p, unsigned pages);
	void *ctx;
};

#endif
