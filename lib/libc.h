/* The few C library string functions the OS-less side uses. Hosted builds (host
 * tool, unit tests) take them from libc; the payload from lib/string.c. GCC
 * also emits calls to memcpy/memset/memmove/memcmp on its own. */
#ifndef PMULAB_LIBC_H
#define PMULAB_LIBC_H

#include <stddef.h>

#if __STDC_HOSTED__
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *haystack, const char *needle);
#endif

#endif
