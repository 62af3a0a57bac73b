#!/bin/sh
# make bench: boot-to-end wall time of TCG runs (pmulab run --tcg), from
# starting QEMU to the payload's `end` record, over N boots of the default
# suites (pmu-check,quick) and one of suite=full, then the host reading
# captures of 1, 10 and 100 MB made from the first boot's records
# (bench-host.sh). Each boot is also given as a
# ratio to the same boot's firmware part (QEMU start to the payload's hello),
# which holds on a machine faster, slower or busier than this one.
#   scripts/bench.sh build/pmulab [N]
set -eu
pmulab=$1
n=${2:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# boot NAME ARGS...: one run; prints "boot_to_end boot_to_hello wall".
boot() {
	name=$1
	shift
	start=$(date +%s.%N)
	"$pmulab" run --tcg --out "$out/$name" --format json "$@" > "$out/$name.json" \
		2>/dev/null || { echo "bench: run $name failed; see $pmulab run --tcg $*" >&2; exit 1; }
	end=$(date +%s.%N)
	echo "$(sed -n 's/.*"boot_to_end_s":\([0-9.]*\).*/\1/p' "$out/$name.json")" \
	     "$(sed -n 's/.*"boot_to_hello_s":\([0-9.]*\).*/\1/p' "$out/$name.json")" \
	     "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
}

i=1
while [ "$i" -le "$n" ]; do
	boot "run$i" >> "$out/default.txt"
	i=$((i + 1))
done
sort -n "$out/default.txt" | awk -v n="$n" '
	{ e[NR] = $1; r[NR] = $1 / $2; w += $3 }
	END {
		m = int((n + 1) / 2)
		printf "boot-to-end (QEMU start to end record), suite=pmu-check,quick, %d TCG boots, Skylake-Client, icount shift 5:\n", n
		printf "  min %.2f s  median %.2f s  max %.2f s   (target <= 15 s)\n", e[1], e[m], e[n]
		printf "  median %.2f times the firmware boot (QEMU start to hello)\n", r[m]
		printf "  whole pmulab run (image, boot, report): mean %.2f s\n", w / n
	}'

boot full --set suite=full > "$out/full.txt"
awk '{
	printf "suite=full (chase to 256 MiB, 100 benches), one TCG boot:\n"
	printf "  boot-to-end %.2f s, %.2f times the firmware boot (%.2f s)   (target <= 30 s)\n", $1, $1 / $2, $2
}' "$out/full.txt"

"$(dirname "$0")/bench-host.sh" "$pmulab" "$out/run1/records.txt"
