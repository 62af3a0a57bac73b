"""End-to-end helpers: boot the payload with build/pmulab under QEMU TCG and
read what came back. Records are re-checked here independently of the C
parser (zlib's CRC-32, the grammar of docs/record-format.md)."""
import json
import os
import re
import subprocess
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PMULAB = ROOT / "build" / "pmulab"
RECORD = re.compile(rb"^@PL1 (0|[1-9][0-9]*) ([a-z0-9_]+)((?: [A-Za-z0-9_.-]+=[\x21-\x7e]*)*) \*([0-9a-f]{8})$")


def decode(value):
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)


def parse_line(line):
    """A record line (bytes, no line end) -> dict, after checking grammar and CRC."""
    m = RECORD.match(line)
    assert m, f"malformed record: {line!r}"
    body = line[: line.rindex(b" *")]
    assert zlib.crc32(body) == int(m.group(4), 16), f"bad CRC: {line!r}"
    fields = dict(f.split("=", 1) for f in m.group(3).decode().split())
    return {"seq": int(m.group(1)), "type": m.group(2).decode(),
            "fields": {k: decode(v) for k, v in fields.items()}}


def records_in(data):
    """Every record in a raw stream (serial log, results file), in order."""
    out = []
    for line in data.split(b"\n"):
        line = line.rstrip(b"\r")
        i = line.find(b"@PL1 ")
        if i >= 0:
            out.append(parse_line(line[i:]))
    return out


class Run:
    def __init__(self, out, proc):
        self.dir = out
        self.rc = proc.returncode
        self.stderr = proc.stderr
        self.report = json.loads(proc.stdout) if proc.stdout.strip() else None
        serial = out / "serial.log"
        self.records = records_in(serial.read_bytes()) if serial.exists() else []

    def first(self, rtype, **match):
        for r in self.records:
            if r["type"] == rtype and all(r["fields"].get(k) == v for k, v in match.items()):
                return r["fields"]
        raise AssertionError(f"no {rtype} record matching {match} in {self.dir}")

    def all(self, rtype):
        return [r["fields"] for r in self.records if r["type"] == rtype]


@pytest.fixture(scope="session")
def pmulab():
    assert PMULAB.exists(), "build/pmulab is missing: run 'make' first"
    return PMULAB


@pytest.fixture
def boot(pmulab, tmp_path):
    """boot(*args): one `pmulab run --tcg` into a fresh directory."""
    count = [0]

    def run(*args, timeout=120):
        count[0] += 1
        out = tmp_path / f"run{count[0]}"
        cmd = [str(pmulab), "run", "--tcg", "--out", str(out), "--format", "json", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 60,
                              env={**os.environ, "LC_ALL": "C"})
        return Run(out, proc)

    return run
