/* A command's FILE|DIR argument parsed (load.h). A run directory's
 * serial.log stands in for its records.txt when the run died before
 * writing the records. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/stream/load.h"

struct stream *load_stream(const char *cmd, const char *arg, char *path, size_t len)
{
	char err[4200];
	struct stream *s;
	struct stat st;

	snprintf(path, len, "%s", arg);
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (cli_path(path, len, arg, "records.txt") < 0 ||
		    (access(path, F_OK) < 0 &&
		     cli_path(path, len, arg, "serial.log") == 0 &&
		     access(path, F_OK) < 0)) {
			fprintf(stderr, "%s %s: %s: no records.txt or serial.log\n",
				pmulab_progname, cmd, arg);
			return NULL;
		}
	}
	s = parse_file(path, err, sizeof(err));
	if (!s)
		fprintf(stderr, "%s %s: %s\n", pmulab_progname, cmd, err);
	return s;
}
