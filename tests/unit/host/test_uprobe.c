/* The uprobe cross-check's texts: /proc/self/maps and uprobe_profile. */
#include "tests/unit/unit.h"
#include "host/linux/uprobe.h"

static const char maps[] =
	"5555555a0000-5555555b0000 r--p 00000000 fe:01 123 /opt/pmulab/build/pmulab\n"
	"5555555b0000-5555555d0000 r-xp 00010000 fe:01 123 /opt/pmulab/build/pmulab\n"
	"7ffff7fc0000-7ffff7fc4000 r-xp 00000000 00:00 0 \n"
	"7ffff7fd0000-7ffff7fd2000 r-xp 00001000 fe:01 9 /lib/x86_64-linux-gnu/ld linux.so\n";

static void test_offset(void)
{
	char path[256];
	uint64_t off = 0;

	CHECK(uprobe_file_offset(maps, 0x5555555b1234, path, sizeof(path), &off) == 0);
	CHECK_STR(path, "/opt/pmulab/build/pmulab");
	CHECK_U64(off, 0x11234);
	/* Anonymous code has no file to probe. */
	CHECK(uprobe_file_offset(maps, 0x7ffff7fc0010, path, sizeof(path), &off) < 0);
	CHECK(uprobe_file_offset(maps, 0x1000, path, sizeof(path), &off) < 0);
	CHECK(uprobe_file_offset(maps, 0x7ffff7fd0008, path, sizeof(path), &off) == 0);
	CHECK_STR(path, "/lib/x86_64-linux-gnu/ld linux.so");
	CHECK_U64(off, 0x1008);
}

static void test_profile(void)
{
	static const char prof[] =
		"  /usr/bin/bash tr_other                                          7\n"
		"  /opt/pmulab/build/pmulab tr_leaf_42                                30000\n";

	CHECK(uprobe_profile_hits(prof, "tr_leaf_42") == 30000);
	CHECK(uprobe_profile_hits(prof, "tr_other") == 7);
	CHECK(uprobe_profile_hits(prof, "tr_leaf_4") == -1);
	CHECK(uprobe_profile_hits("", "tr_leaf_42") == -1);
}

int main(void)
{
	test_offset();
	test_profile();
	return unit_done("uprobe");
}
