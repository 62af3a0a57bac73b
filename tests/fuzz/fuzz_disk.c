/* libFuzzer target for the ESP finder of pmulab import and flash
 * (host/stick/disk.c): GPT, MBR and bare FAT detection over a disk's first
 * sectors, as read from an image or a device. */
#include "host/stick/disk.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t offset;
	char err[256];

	if (disk_esp_offset_buf(data, size, &offset, err, sizeof(err)) == 0 &&
	    offset >= UINT64_MAX / 2)
		fprintf(fuzz_null(), "%llu\n", (unsigned long long)offset);
	return 0;
}
