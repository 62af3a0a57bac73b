/* Fixed-width types for the OS-less side. Built freestanding in the payload and
 * hosted in the host tool and unit tests; <stdint.h> is valid in both. */
#ifndef PMULAB_TYPES_H
#define PMULAB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define BIT(n) (1u << (n))
#define BIT_ULL(n) (1ull << (n))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
