#!/bin/sh
# make fuzz: each libFuzzer target (tests/fuzz/fuzz_NAME.c) for SECONDS from
# its seeds (tests/fuzz/seeds/NAME/), FUZZ_JOBS (default 2) at a time; a crash
# leaves its input as DIR/crash-NAME-* and fails.
#   scripts/fuzz.sh DIR SECONDS NAME...
set -eu
dir=$1
secs=$2
shift 2
all=$(ls "$dir" | sed -n 's/^fuzz_//p' | tr '\n' ' ')
echo "fuzz targets ($(echo $all | wc -w)): $all"
echo "running $# for $secs s each, ${FUZZ_JOBS:-2} at a time"
for t in "$@"; do
	[ -x "$dir/fuzz_$t" ] || { echo "fuzz: no target '$t' (there are: $all)" >&2; exit 2; }
	rm -rf "$dir/corpus/$t" && mkdir -p "$dir/corpus/$t"
	[ ! -d "tests/fuzz/seeds/$t" ] || cp tests/fuzz/seeds/"$t"/* "$dir/corpus/$t/"
done
printf '%s\n' "$@" | xargs -P "${FUZZ_JOBS:-2}" -I{} sh -c '
	"$1/fuzz_{}" -max_total_time="$2" -timeout=20 -print_final_stats=1 \
		-artifact_prefix="$1/crash-{}-" "$1/corpus/{}" > "$1/{}.log" 2>&1
	echo $? > "$1/{}.rc"' sh "$dir" "$secs"
failed=0
for t in "$@"; do
	rc=$(cat "$dir/$t.rc")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$dir/$t.log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		printf '  %-14s ok     %s s, %s runs, %s\n' "$t" "$secs" "${execs:-?}" "${cov:-cov: ?}"
	else
		printf '  %-14s FAILED (exit %s): %s\n' "$t" "$rc" "$dir/$t.log"
		grep -m3 -E 'ERROR|SUMMARY|Test unit written' "$dir/$t.log" | sed 's/^/      /'
		failed=1
	fi
done
exit "$failed"
