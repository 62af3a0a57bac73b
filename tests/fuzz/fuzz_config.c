/* libFuzzer target for config.txt (lib/config.c), the parser the payload
 * runs at boot and the host runs for pmulab image --config and --set:
 * every error is reported through the callback, and the settings read back. */
#include "lib/config.h"
#include "tests/fuzz/fuzz.h"

static void on_error(void *ctx, unsigned line, const char *key, const char *reason,
		     const char *detail)
{
	fprintf(fuzz_null(), "%u %s %s %s\n", line, key, reason, detail ? detail : "");
}

static void on_value(void *ctx, const char *key, const char *val)
{
	fprintf(fuzz_null(), "%s=%s\n", key, val);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;

	config_defaults(&c);
	config_parse(&c, (const char *)data, size, on_error, NULL);
	config_foreach(&c, on_value, NULL);
	return 0;
}
