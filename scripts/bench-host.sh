#!/bin/sh
# make bench, the host's part: pmulab collect and report --format records-csv
# of valid captures of 1, 10 and 100 MB (a run's records repeated with new
# seqs and CRCs, scripts/bigcapture.py): seconds, throughput and peak RSS, so
# the growth with the input shows.
#   scripts/bench-host.sh build/pmulab RECORDS [SIZES_MB...]
set -eu
pmulab=$1
records=$2
shift 2
[ $# -gt 0 ] || set -- 1 10 100
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# "seconds peak_KiB" of a command whose output is not the point.
measure() {
	/usr/bin/time -f '%e %M' -o "$dir/time" "$@" > /dev/null 2>&1 || true
	cat "$dir/time"
}

echo "host reading a valid capture (scripts/bigcapture.py from a run's records):"
printf '  %8s %10s | %8s %8s %9s | %8s %8s %9s %7s\n' size records \
	collect MB/s "peak MiB" report MB/s "peak MiB" "x input"
for mb in "$@"; do
	cap=$dir/capture-$mb.log
	/usr/bin/python3 "$(dirname "$0")/bigcapture.py" "$records" "$((mb * 1000000))" "$cap"
	bytes=$(stat -c %s "$cap")
	n=$(grep -c '^@PL1 ' "$cap")
	set -- $(measure "$pmulab" collect "$cap" --out "$dir/collect-$mb")
	cs=$1 ck=$2
	set -- $(measure "$pmulab" report --format records-csv "$cap")
	rs=$1 rk=$2
	awk -v b="$bytes" -v n="$n" -v cs="$cs" -v ck="$ck" -v rs="$rs" -v rk="$rk" 'BEGIN {
		mbs = b / 1e6
		printf "  %5.0f MB %10d | %7.2fs %8.0f %9.1f | %7.2fs %8.0f %9.1f %7.2f\n",
			mbs, n, cs, (cs > 0 ? mbs / cs : 0), ck / 1024,
			rs, (rs > 0 ? mbs / rs : 0), rk / 1024, rk * 1024 / b }'
	rm -rf "$cap" "$dir/collect-$mb"
done
