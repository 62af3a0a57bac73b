#!/bin/sh
# make bench, the host's part: pmulab collect and report --format records-csv
# of valid captures of 1, 10 and 100 MB (a run's records repeated with new
# seqs and CRCs, scripts/bigcapture.py): seconds, throughput and peak RSS, so
# the growth with the input shows. CPU seconds (user + system) beside the
# wall time: on a shared machine the wall time also counts waiting for a core.
#   scripts/bench-host.sh build/pmulab RECORDS [SIZES_MB...]
set -eu
pmulab=$1
records=$2
shift 2
[ $# -gt 0 ] || set -- 1 10 100
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# "wall_s peak_KiB cpu_s" of a command whose output is not the point.
measure() {
	/usr/bin/time -f '%e %M %U %S' -o "$dir/time" "$@" > /dev/null 2>&1 || true
	awk '{ print $1, $2, $3 + $4 }' "$dir/time"
}

echo "host reading a valid capture (scripts/bigcapture.py from a run's records):"
echo "  (s: wall, cpu: user + system; MB/s of cpu time)"
printf '  %8s %8s | %7s %6s %6s %8s | %7s %6s %6s %8s %7s\n' size records \
	collect cpu MB/s "peak MiB" report cpu MB/s "peak MiB" "x input"
for mb in "$@"; do
	cap=$dir/capture-$mb.log
	/usr/bin/python3 "$(dirname "$0")/bigcapture.py" "$records" "$((mb * 1000000))" "$cap"
	bytes=$(stat -c %s "$cap")
	n=$(grep -c '^@PL1 ' "$cap")
	set -- $(measure "$pmulab" collect "$cap" --out "$dir/collect-$mb")
	cs=$1 ck=$2 cc=$3
	set -- $(measure "$pmulab" report --format records-csv "$cap")
	rs=$1 rk=$2 rc=$3
	awk -v b="$bytes" -v n="$n" -v cs="$cs" -v ck="$ck" -v cc="$cc" -v rs="$rs" \
	    -v rk="$rk" -v rc="$rc" 'BEGIN {
		mbs = b / 1e6
		printf "  %5.0f MB %8d | %6.2fs %5.2fs %6.0f %8.1f | %6.2fs %5.2fs %6.0f %8.1f %7.2f\n",
			mbs, n, cs, cc, (cc > 0 ? mbs / cc : 0), ck / 1024,
			rs, rc, (rc > 0 ? mbs / rc : 0), rk / 1024, rk * 1024 / b }'
	rm -rf "$cap" "$dir/collect-$mb"
done
