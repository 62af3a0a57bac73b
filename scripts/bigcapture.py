#!/usr/bin/python3
"""A valid capture of at least SIZE bytes for `make bench` and the size tests:
the body records of a real run (a records file) repeated with their seqs
renumbered and CRCs recomputed, between the run's hello and a fresh end.
    scripts/bigcapture.py RECORDS SIZE OUT
"""
import sys
import zlib


def record(seq, rest):
    body = "@PL1 %d %s" % (seq, rest)
    return "%s *%08x\r\n" % (body, zlib.crc32(body.encode()))


def main():
    src, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    hello, body = None, []
    with open(src) as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.startswith("@PL1 "):
                continue
            _, _, rtype, rest = line.split(" ", 3)
            rest = rtype + " " + rest[:rest.rindex(" *")]
            if rtype == "hello":
                hello = rest
            elif rtype != "end":
                body.append(rest)
    if hello is None or not body:
        sys.exit("bigcapture: %s: no hello or no body records" % src)
    seq, written = 0, 0
    with open(out, "w", newline="") as f:
        chunk = [record(0, hello)]
        seq = 1
        while written < size:
            for rest in body:
                chunk.append(record(seq, rest))
                seq += 1
            text = "".join(chunk)
            f.write(text)
            written += len(text)
            chunk = []
        f.write(record(seq, "end count=%d status=ok" % seq))


main()
