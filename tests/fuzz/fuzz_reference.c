/* libFuzzer target for the reference plugin's output file (host/plugin/
 * reference.c reads what pmulab-plugin.so wrote for run --reference): the
 * regions' counts merged into a stream of bench records. Input: the plugin
 * file, "\n--\n", the records. */
#include <fcntl.h>
#include <unistd.h>
#include "host/report/report.h"
#include "host/plugin/reference.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;
	char *s = fuzz_str(data, size), err[512];
	struct reference r;
	struct parser *p;
	struct stream *st, *merged;
	const char *recs;
	size_t alen, rlen;

	if (fd < 0) {
		snprintf(path, sizeof(path), "/tmp/pmulab-fuzz-reference-%d", (int)getpid());
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		unlink(path);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	fuzz_split(s, size, &alen, &recs, &rlen);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, s, alen, 0) != (ssize_t)alen)
		abort();
	p = parser_new(NULL, NULL);
	parser_feed(p, recs, rlen);
	st = parser_finish(p);
	reference_defaults(&r);
	/* The stream is the caller's again when the merge fails. */
	merged = reference_merge(st, path, &r, err, sizeof(err));
	if (merged)
		report_print(fuzz_null(), merged, REPORT_TEXT, NULL);
	stream_free(merged ? merged : st);
	free(s);
	return 0;
}
