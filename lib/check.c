/* Check records and their tally (check.h). */
#include "lib/check.h"
#include "lib/crc32.h"
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/suites.h"

/* A name, a dot, a section's (a bench's at most) and a ".N" to tell it apart. */
#define NAME_BUF (CHECK_NAME_MAX + 1 + SUITE_NAME_MAX + 8)

static u64 counts[3];			/* by enum check_result */
static char failed[CHECK_FAILED_KEPT][CHECK_NAME_MAX];
static char section[SUITE_NAME_MAX];	/* "": names are not kept apart */
/* The CRC-32 of each name written since check_section(): the same names
 * give the same CRCs, so a (rare) clash renames a check the same way in
 * every run. */
static u32 seen[CHECK_RUN_MAX];
static unsigned nseen;

void check_section(const char *name)
{
	fmt_snprintf(section, sizeof(section), "%s", name);
}

static bool was_seen(const char *name)
{
	u32 crc = crc32_update(0, name, strlen(name));

	for (unsigned i = 0; i < nseen; i++)
		if (seen[i] == crc)
			return true;
	if (nseen < CHECK_RUN_MAX)
		seen[nseen++] = crc;
	return false;
}

/* name, or the first of name.SECTION, name.SECTION.2, ... not yet written. */
static const char *unique(const char *name, char *buf)
{
	if (!section[0] || !was_seen(name))
		return name;
	fmt_snprintf(buf, NAME_BUF, "%s.%s", name, section);
	for (unsigned n = 2; was_seen(buf); n++)
		fmt_snprintf(buf, NAME_BUF, "%s.%s.%u", name, section, n);
	return buf;
}

/* The record of check name in section sec ("": none). */
static void begin(struct rec *r, const char *name, const char *sec, enum check_result result)
{
	static const char *const names[] = { "pass", "fail", "skip" };
	char buf[NAME_BUF];

	name = unique(name, buf);
	rec_begin(r, "check");
	rec_str(r, "name", name);
	rec_str(r, "result", names[result]);
	if (sec[0])
		rec_str(r, "section", sec);
	if (result == CHECK_FAIL && counts[CHECK_FAIL] < CHECK_FAILED_KEPT) {
		char *dst = failed[counts[CHECK_FAIL]];
		size_t n = strlen(name);

		if (n >= CHECK_NAME_MAX)
			n = CHECK_NAME_MAX - 1;
		memcpy(dst, name, n);
		dst[n] = '\0';
	}
	counts[result]++;
}

void check_begin(struct rec *r, const char *name, enum check_result result)
{
	begin(r, name, section, result);
}

void check_begin_each(struct rec *r, const char *name, const char *sec,
		      enum check_result result)
{
	char buf[NAME_BUF];

	fmt_snprintf(buf, sizeof(buf), "%s.%s", name, sec);
	begin(r, buf, sec, result);
}

bool check_range_begin(struct rec *r, const char *name, u64 value, u64 lo, u64 hi)
{
	bool ok = value >= lo && value <= hi;

	check_begin(r, name, ok ? CHECK_PASS : CHECK_FAIL);
	rec_u64(r, "value", value);
	if (lo == hi) {
		rec_u64(r, "expect", lo);
	} else {
		rec_u64(r, "lo", lo);
		rec_u64(r, "hi", hi);
	}
	return ok;
}

bool check_range(const char *name, u64 value, u64 lo, u64 hi)
{
	struct rec r;
	bool ok = check_range_begin(&r, name, value, lo, hi);

	rec_end(&r);
	return ok;
}

bool check_u64(const char *name, u64 value, u64 expect)
{
	return check_range(name, value, expect, expect);
}

bool check_counter(const char *name, u64 value, u64 lo, u64 hi, const char *counter)
{
	struct rec r;
	bool ok = check_range_begin(&r, name, value, lo, hi);

	rec_str(&r, "counter", counter);
	rec_end(&r);
	return ok;
}

bool check_str(const char *name, const char *value, const char *expect)
{
	struct rec r;
	bool ok = !strcmp(value, expect);

	check_begin(&r, name, ok ? CHECK_PASS : CHECK_FAIL);
	rec_str(&r, "value", value);
	rec_str(&r, "expect", expect);
	rec_end(&r);
	return ok;
}

void check_skip(const char *name, const char *reason)
{
	struct rec r;

	check_begin(&r, name, CHECK_SKIP);
	rec_str(&r, "reason", reason);
	rec_end(&r);
}

void check_fail(const char *name, const char *key, const char *what)
{
	struct rec r;

	check_begin(&r, name, CHECK_FAIL);
	rec_str(&r, key, what);
	rec_end(&r);
}

u64 check_count(enum check_result result)
{
	return counts[result];
}

const char *check_failed(unsigned i)
{
	return i < counts[CHECK_FAIL] && i < CHECK_FAILED_KEPT ? failed[i] : NULL;
}
