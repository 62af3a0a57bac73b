/* A small vsnprintf for the freestanding payload: %d %i %u %x %X %s %c %p %%,
 * flags '-' and '0', a field width, and the l/ll/z length modifiers. */
#ifndef PMULAB_FMT_H
#define PMULAB_FMT_H

#include <stdarg.h>
#include "lib/types.h"

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
