#!/bin/sh
# make crosscheck: the payload and the Linux runner on this machine's PMU,
# then pmulab compare, the kvm-unit-tests parity checks' verdicts (pmulab
# parity) and the whole packed to send back (docs/real-hardware.md).
#   scripts/crosscheck.sh PMULAB [PAYLOAD_RUN]
# PAYLOAD_RUN: a run already made on this machine (pmulab import of a stick
# run from real hardware); without it the payload boots under KVM.
set -eu

pmulab=$1
payload=${2:-}
out=runs/crosscheck-$(date +%Y%m%d-%H%M%S)
# The suites holding the parity checks (pmu-check: PMU and LBR, probes: the
# debug registers, sample: overflow interrupts) and the compared benches.
suites=pmu-check,quick,probes,sample

# perf stat prints "<not supported>" (and exits 0) when the kernel has no
# PMU for it: a PMU is a count, nothing else.
if ! stat=$(perf stat -x, -e instructions:u true 2>&1 >/dev/null); then
	echo "crosscheck: 'perf stat -e instructions true' fails here:" >&2
	echo "$stat" | sed 's/^/  /' >&2
	echo "crosscheck: needs a PMU that Linux perf can use (install linux-perf;" \
		"kernel.perf_event_paranoid <= 2)" >&2
	exit 1
fi
case "$stat" in
[0-9]*,*instructions*) ;;
*)
	echo "crosscheck: no PMU: perf stat -e instructions says: $stat" >&2
	echo "crosscheck: refusing: without a PMU both sides would only be models;" \
		"'make test' already compares TCG icount with valgrind" >&2
	exit 1 ;;
esac

mkdir -p "$out"
if [ -z "$payload" ]; then
	if [ ! -w /dev/kvm ]; then
		echo "crosscheck: no usable /dev/kvm to boot the payload on this CPU." >&2
		echo "crosscheck: on real hardware boot the USB image, then run" \
			"'pmulab import' and 'make crosscheck PAYLOAD=<the imported run>'" >&2
		exit 1
	fi
	payload=$out/payload
	"$pmulab" run --kvm --set suite=$suites --out "$payload" > "$out/payload.txt" || true
fi
"$pmulab" linux --out "$out/linux" > "$out/linux.txt"
echo "crosscheck: $payload against $out/linux"
"$pmulab" compare "$payload" "$out/linux" | tee "$out/compare.txt"
parity=0
"$pmulab" parity "$payload" > "$out/parity.txt" || parity=$?
cat "$out/parity.txt"
# What to send back: the runs, without the firmware's variable store and the
# boot volume the host rebuilds at every run.
set -- "$out"
case $payload in "$out"/*) ;; *) set -- "$@" "$payload" ;; esac
tar -czf "$out.tar.gz" --exclude=ovmf-vars.fd --exclude=esp "$@"
echo "crosscheck: send $out.tar.gz (docs/real-hardware.md, \"What to send back\")"
[ "$parity" -eq 0 ] || { echo "crosscheck: a parity check failed (parity.txt)" >&2; exit 1; }
