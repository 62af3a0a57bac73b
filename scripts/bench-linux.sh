#!/bin/sh
# make bench, the Linux side's part (docs/crosscheck.md, docs/profiles.md):
# what pmulab linux costs and gives here that no deterministic run can say --
# its cpu-clock profile's samples and shares (sampled on time), the wall and
# CPU time of its valgrind run, and, as root, what a uprobe hit costs.
#   scripts/bench-linux.sh build/pmulab [PROFILE_RUNS]
set -eu
pmulab=$1
n=${2:-6}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The runs are measurements, not history (docs/db.md).
export PMULAB_DB="$dir/pmulab.db"

# field FILE TYPE KEY: KEY of FILE's first TYPE record.
field() {
	awk -v t="$2" -v k="$3" '$3 == t { for (i = 4; i <= NF; i++)
		if (index($i, k "=") == 1) { print substr($i, length(k) + 2); exit } }' "$1"
}

# Sampling on time: each run is another draw, so the spread is the figure.
i=1
while [ "$i" -le "$n" ]; do
	"$pmulab" linux --profile --out "$dir/p$i" > /dev/null 2>&1 ||
		{ echo "bench: pmulab linux --profile failed" >&2; exit 1; }
	awk '{ n = $NF; sub(/ [0-9]+$/, ""); f = $0; sub(/.*;/, "", f); s[f] += n; t += n }
	     END { print t, 100 * s["hot"] / t, 100 * s["cold"] / t }' \
		"$dir/p$i/profile.folded" >> "$dir/profile.txt"
	i=$((i + 1))
done
echo "linux-profile: pmulab linux --profile, runs $n, event" \
     "$(field "$dir/p1/records.txt" sampling event), load average" \
     "$(cut -d' ' -f1 /proc/loadavg) at the start"
awk 'NR == 1 { for (c = 1; c <= 3; c++) lo[c] = hi[c] = $c }
     { for (c = 1; c <= 3; c++) { if ($c < lo[c]) lo[c] = $c; if ($c > hi[c]) hi[c] = $c } }
     END { printf "  samples %d..%d  hot %.2f..%.2f%%  cold %.2f..%.2f%%\n",
		lo[1], hi[1], lo[2], hi[2], lo[3], hi[3] }' "$dir/profile.txt"

/usr/bin/time -f '%e %U %S' -o "$dir/vg.time" "$pmulab" linux --valgrind --out "$dir/vg" \
	> /dev/null 2>&1 || { echo "bench: pmulab linux --valgrind failed" >&2; exit 1; }
vg=$dir/vg/records.txt
echo "linux-valgrind: pmulab linux --valgrind, suite=quick, one run"
awk -v c="$(field "$vg" valgrind callgrind_s)" -v k="$(field "$vg" valgrind cachegrind_s)" \
    -v p="$(field "$vg" valgrind processes)" '{
	printf "  callgrind %.1f s, cachegrind %.1f s, processes %d; wall %.1f s, cpu %.1f s\n",
		c, k, p, $1, $2 + $3 }' "$dir/vg.time"

# A uprobe needs root and tracefs: elsewhere the block says why it is absent.
echo "linux-uprobe: pmulab linux --probes, tr_leaf"
if "$pmulab" linux --suite none --probes --out "$dir/up" > /dev/null 2> "$dir/up.err"; then
	up=$dir/up/records.txt
	echo "  hit $(field "$up" probe ns_per_hit) ns, unprobed $(field "$up" probe base_ns_per_call)" \
	     "ns a call, ratio $(field "$up" probe ratio)"
else
	echo "  not measured: $(tail -1 "$dir/up.err")"
fi
