/* libFuzzer target for the texts pmulab linux --probes reads from the
 * kernel: /proc/self/maps (the file and offset of the probed code) and
 * tracefs's uprobe_profile (the hits). Input: the maps text, "\n--\n",
 * the profile text; the first line of the maps names the address. */
#include "host/linux/uprobe.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), path[4096], *prof;
	const char *b;
	size_t alen, blen;
	uint64_t offset;

	fuzz_split(s, size, &alen, &b, &blen);
	prof = fuzz_str((const uint8_t *)b, blen);
	s[alen] = '\0';
	uprobe_file_offset(s, (uintptr_t)strtoull(s, NULL, 16), path, sizeof(path), &offset);
	uprobe_profile_hits(prof, "pmulab_tr_leaf");
	uprobe_profile_hits(prof, s);
	free(prof);
	free(s);
	return 0;
}
