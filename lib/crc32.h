/* CRC-32 (IEEE 802.3, reflected polynomial 0xedb88320), the one zlib computes:
 * crc32_update(0, "123456789", 9) == 0xcbf43926. */
#ifndef PMULAB_CRC32_H
#define PMULAB_CRC32_H

#include "lib/types.h"

u32 crc32_update(u32 crc, const void *buf, size_t len);

#endif
