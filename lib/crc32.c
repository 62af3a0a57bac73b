/* CRC-32 as zlib computes it, over tables built on first use. Shared by the
 * payload (record writer) and the host (record parser). */
#include "lib/crc32.h"

#if __STDC_HOSTED__
/* The host checks every record of captures up to PARSE_FILE_MAX: eight bytes
 * a step (slicing-by-8, 8 KiB of tables). The payload writes a few hundred
 * records and keeps its image small: a byte a step, over crc_table[0]. */
#define CRC_SLICES 8
#else
#define CRC_SLICES 1
#endif

static u32 crc_table[CRC_SLICES][256];
static bool crc_table_ready;

static void crc32_init(void)
{
	for (u32 n = 0; n < 256; n++) {
		u32 c = n;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][n] = c;
	}
	/* Table k: a byte followed by k zero bytes. */
	for (int k = 1; k < CRC_SLICES; k++)
		for (u32 n = 0; n < 256; n++)
			crc_table[k][n] = (crc_table[k - 1][n] >> 8) ^
					  crc_table[0][crc_table[k - 1][n] & 0xff];
	crc_table_ready = true;
}

u32 crc32_update(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	if (!crc_table_ready)
		crc32_init();
	crc = ~crc;
#if CRC_SLICES == 8
	for (; len >= 8; len -= 8, p += 8) {
		u32 lo = crc ^ ((u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24);
		u32 hi = (u32)p[4] | (u32)p[5] << 8 | (u32)p[6] << 16 | (u32)p[7] << 24;

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
	}
#endif
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
