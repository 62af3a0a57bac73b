#!/bin/sh
# make bench: boot-to-end wall time of TCG runs (pmulab run --tcg), from
# starting QEMU to the payload's `end` record, over N boots of the default
# suites (pmu-check,quick) and one of suite=full, each with the reference
# model and without, then what pmulab linux gives and costs here
# (bench-linux.sh), then the host reading captures of 1, 10 and 100 MB made
# from the first boot's records (bench-host.sh). Each boot is also given as a
# ratio to the same boot's firmware part (QEMU start to the payload's hello),
# which holds on a machine faster, slower or busier than this one.
# make bench writes it to build/bench.txt too; docs/bench/ keeps the one the
# docs quote (scripts/docs.sh).
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

# What the figures were measured on: they hold for that kind of machine.
echo "machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
     "$(nproc) cores, QEMU $(qemu-system-x86_64 --version | awk 'NR == 1 { print $4 }')," \
     "load average $(cut -d' ' -f1 /proc/loadavg) at the start"

# boots LABEL WHAT ARGS...: N boots, their boot-to-end summed up.
boots() {
	label=$1
	what=$2
	shift 2
	i=1
	while [ "$i" -le "$n" ]; do
		boot "$label$i" "$@" >> "$out/$label.txt"
		i=$((i + 1))
	done
	sort -n "$out/$label.txt" | awk -v n="$n" -v l="$label" -v w="$what" '
		{ e[NR] = $1; r[NR] = $1 / $2; w_s += $3 }
		END {
			m = int((n + 1) / 2)
			printf "%s: suite=pmu-check,quick %s, %d TCG boots, Skylake-Client, icount shift 5\n", l, w, n
			printf "  boot-to-end min %.2f s  median %.2f s  max %.2f s   (target <= 15 s)\n", e[1], e[m], e[n]
			printf "  median %.2f times the firmware boot (QEMU start to hello)\n", r[m]
			printf "  whole pmulab run (image, boot, report): mean %.2f s\n", w_s / n
		}'
}

# full LABEL WHAT ARGS...: one boot of suite=full.
full() {
	label=$1
	what=$2
	shift 2
	boot "$label" --set suite=full "$@" > "$out/$label.txt"
	awk -v l="$label" -v w="$what" '{
		printf "%s: suite=full (chase to 256 MiB, 100 benches) %s, one TCG boot\n", l, w
		printf "  boot-to-end %.2f s, %.2f times the firmware boot (%.2f s)   (target <= 30 s)\n", $1, $1 / $2, $2
	}' "$out/$label.txt"
}

boots quick "with the reference model"
boots quick-noref "with --no-reference" --no-reference
full full "with the reference model"
full full-noref "with --no-reference" --no-reference

"$(dirname "$0")/bench-linux.sh" "$pmulab"

"$(dirname "$0")/bench-host.sh" "$pmulab" "$out/quick1/records.txt"
