/* perf's event names, the read_format GROUP layout and multiplex scaling. */
#include <linux/perf_event.h>
#include "host/linux/perf.h"
#include "tests/unit/unit.h"

static void test_names(void)
{
	uint32_t type = 99;
	uint64_t config = 0;

	CHECK(perf_event_config("instructions", 12, &type, &config) == NULL);
	CHECK_U64(type, PERF_TYPE_HARDWARE);
	CHECK_U64(config, PERF_COUNT_HW_INSTRUCTIONS);
	/* cache events: id | op << 8 | result << 16 (perf_event.h). */
	CHECK(perf_event_config("L1-dcache-load-misses", 21, &type, &config) == NULL);
	CHECK_U64(type, PERF_TYPE_HW_CACHE);
	CHECK_U64(config, 0x10000);
	CHECK(perf_event_config("LLC-load-misses", 15, &type, &config) == NULL);
	CHECK_U64(config, 0x10002);
	CHECK(perf_event_config("raw:0x1c4", 9, &type, &config) == NULL);
	CHECK_U64(type, PERF_TYPE_RAW);
	CHECK_U64(config, 0x1c4);
	/* A prefix of a name is not the name. */
	CHECK(perf_event_config("instructionsX", 12, &type, &config) == NULL);
	CHECK_STR(perf_event_config("instruction", 11, &type, &config), "unknown-event");
	CHECK_STR(perf_event_config("raw:0x", 6, &type, &config), "unknown-event");
	CHECK_STR(perf_event_config("raw:0xg1", 8, &type, &config), "bad-raw-encoding");
	CHECK_STR(perf_event_config("raw:0x11112222333344445", 23, &type, &config),
		  "bad-raw-encoding");
}

static void test_group_read(void)
{
	/* { nr, time_enabled, time_running, value[nr] } */
	const uint64_t buf[] = { 3, 1000, 250, 11, 22, 33 };
	uint64_t val[3], en, run;

	CHECK(perf_parse_group(buf, 6, 3, val, &en, &run) == 0);
	CHECK_U64(en, 1000);
	CHECK_U64(run, 250);
	CHECK_U64(val[0], 11);
	CHECK_U64(val[2], 33);
	/* The group the kernel describes must be the one opened. */
	CHECK(perf_parse_group(buf, 6, 2, val, &en, &run) < 0);
	CHECK(perf_parse_group(buf, 5, 3, val, &en, &run) < 0);
	CHECK(perf_parse_group(buf, 2, 0, val, &en, &run) < 0);
}

static void test_scaling(void)
{
	uint64_t s = 0;

	/* Counting a quarter of the time: 4x, as perf stat estimates. */
	CHECK(perf_scale(100, 1000, 250, &s));
	CHECK_U64(s, 400);
	/* Never multiplexed: the count itself. */
	CHECK(perf_scale(12345, 500, 500, &s));
	CHECK_U64(s, 12345);
	/* Never scheduled: nothing was counted, no estimate. */
	CHECK(!perf_scale(0, 1000, 0, &s));
	/* No overflow in value * enabled. */
	CHECK(perf_scale(1ull << 62, 1ull << 40, 1ull << 39, &s));
	CHECK_U64(s, 1ull << 63);
}

int main(void)
{
	test_names();
	test_group_read();
	test_scaling();
	return unit_done("perf");
}
