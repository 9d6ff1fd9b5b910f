/*
 * The few C string functions the guest kernels use. GCC may also emit calls
 * to memcpy/memset/memmove/memcmp for struct copies even when freestanding,
 * so they exist under their standard names.
 */
#ifndef GUEST_MEM_H
#define GUEST_MEM_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
