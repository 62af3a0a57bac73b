#!/bin/sh
# make bench: boot-to-end wall time of the default TCG run (pmulab run --tcg:
# suite=pmu-check,quick), from starting QEMU to the payload's `end` record,
# over N boots; then one boot of suite=full; then the host reading captures
# of 1, 10 and 100 MB made from the first boot's records (bench-host.sh).
#   scripts/bench.sh build/pmulab [N]
set -eu
pmulab=$1
n=${2:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

i=1
while [ "$i" -le "$n" ]; do
	start=$(date +%s.%N)
	rc=0
	"$pmulab" run --tcg --out "$out/run$i" --format json > "$out/report$i.json" 2>/dev/null || rc=$?
	end=$(date +%s.%N)
	if [ "$rc" -ne 0 ]; then
		echo "bench: run $i failed (exit $rc); see $pmulab run --tcg" >&2
		exit 1
	fi
	b2e=$(sed -n 's/.*"boot_to_end_s":\([0-9.]*\).*/\1/p' "$out/report$i.json")
	echo "$b2e $start $end"
	i=$((i + 1))
done | sort -n | awk -v n="$n" '
	{ b[NR] = $1; w[NR] = $3 - $2 }
	END {
		printf "boot-to-end (QEMU start to end record), suite=pmu-check,quick, %d TCG boots, Skylake-Client, icount shift 5:\n", n
		printf "  min %.2f s  median %.2f s  max %.2f s   (target <= 15 s)\n", b[1], b[int((n + 1) / 2)], b[n]
		tw = 0; for (i = 1; i <= n; i++) tw += w[i]
		printf "  whole pmulab run (image, boot, report): mean %.2f s\n", tw / n
	}'

"$pmulab" run --tcg --set suite=full --timeout 600 --out "$out/full" --format json \
	> "$out/full.json" 2>/dev/null || { echo "bench: suite=full run failed" >&2; exit 1; }
printf "suite=full (chase to 256 MiB, 100 benches), one TCG boot: boot-to-end %s s\n" \
	"$(sed -n 's/.*"boot_to_end_s":\([0-9.]*\).*/\1/p' "$out/full.json")"

"$(dirname "$0")/bench-host.sh" "$pmulab" "$out/run1/records.txt"
