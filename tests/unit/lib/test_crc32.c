/* CRC-32 against zlib's check value and the record format's test vectors. */
#include "lib/crc32.h"
#include "tests/unit/unit.h"

static const char hello[] = "@PL1 0 hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu";
static const char counter[] =
	"@PL1 7 counter bench=nop_loop event=instructions value=1024 src=icount";

int main(void)
{
	const char check[] = "123456789";
	u32 crc = 0;

	CHECK_U64(crc32_update(0, check, 9), 0xcbf43926);
	CHECK_U64(crc32_update(0, "", 0), 0);
	CHECK_U64(crc32_update(0x12345678, "", 0), 0x12345678);
	CHECK_U64(crc32_update(0, "a", 1), 0xe8b7be43);

	/* Any split gives the one-shot value. */
	for (size_t cut = 0; cut <= 9; cut++)
		CHECK_U64(crc32_update(crc32_update(0, check, cut), check + cut, 9 - cut),
			  0xcbf43926);
	for (size_t i = 0; i < sizeof(counter) - 1; i++)
		crc = crc32_update(crc, counter + i, 1);
	CHECK_U64(crc, 0x17c67c54);

	/* Long buffers at every alignment: eight bytes a step (hosted) agree
	 * with one byte a step. */
	for (size_t off = 0; off < 8; off++) {
		static u8 big[1000];
		u32 one = 0;

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (u8)(i * 131 + 7);
		for (size_t i = off; i < sizeof(big); i++)
			one = crc32_update(one, big + i, 1);
		CHECK_U64(crc32_update(0, big + off, sizeof(big) - off), one);
	}
	CHECK_U64(crc32_update(0, hello, sizeof(hello) - 1), 0xea15b500);
	CHECK_U64(crc32_update(0, counter, sizeof(counter) - 1), 0x17c67c54);
	return unit_done("crc32");
}
