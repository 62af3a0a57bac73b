/* CRC-32 as zlib computes it, bytewise over a 256-entry table built on first use.
 * Shared by the payload (record writer) and the host (record parser). */
#include "lib/crc32.h"

static u32 crc_table[256];
static bool crc_table_ready;

static void crc32_init(void)
{
	for (u32 n = 0; n < 256; n++) {
		u32 c = n;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
	crc_table_ready = true;
}

u32 crc32_update(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	if (!crc_table_ready)
		crc32_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
