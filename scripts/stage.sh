#!/bin/sh
# Time one stage of `make test` and keep its wall time for the summary:
#   scripts/stage.sh LOG NAME CMD...   run CMD, append "NAME SECONDS STATUS" to LOG
#   scripts/stage.sh --summary LOG     print every stage's time and the total
# A failing stage still leaves its line, so a red run shows where time went.
set -u

if [ "${1:-}" = "--summary" ]; then
	awk '{ printf "  %-8s %6.1f s  %s\n", $1, $2, $3; t += $2 }
	     END { printf "  %-8s %6.1f s\n", "total", t }' "$2"
	exit 0
fi
log=$1 name=$2
shift 2
start=$(date +%s.%N)
"$@"
rc=$?
end=$(date +%s.%N)
status=ok
[ $rc -eq 0 ] || status="failed($rc)"
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "$name $secs $status" >> "$log"
echo "stage $name: $secs s, $status"
exit $rc
