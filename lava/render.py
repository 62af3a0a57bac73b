#!/usr/bin/python3
"""Renders pmulab's LAVA files as lava-server would, for lava-run:
  render.py device DICT STOCK_DIR [key=value]...   a device dictionary into
      the device YAML, against lava/device-types and the stock device-type
      templates in STOCK_DIR (lava-server's usr/share/lava-server/device-types)
  render.py job TEMPLATE [key=value]...            a job template into a job
The YAML goes to stdout; key=value pairs are the template's variables (a
device dictionary's also take the job's context, as lava-server's do)."""
import sys
from pathlib import Path

import jinja2

HERE = Path(__file__).resolve().parent


def main(argv):
    if len(argv) < 3 or argv[1] not in ("device", "job"):
        sys.exit(__doc__)
    kind, path = argv[1], Path(argv[2])
    rest = argv[4:] if kind == "device" else argv[3:]
    bad = [a for a in rest if "=" not in a]
    if bad:
        sys.exit(f"render.py: '{bad[0]}' is not key=value")
    ctx = dict(a.split("=", 1) for a in rest)
    if kind == "device":
        if len(argv) < 4:
            sys.exit(__doc__)
        dirs = [str(HERE / "device-types"), argv[3]]
    else:
        dirs = [str(path.parent)]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(dirs), trim_blocks=True,
                             autoescape=False, undefined=jinja2.Undefined)
    sys.stdout.write(env.from_string(path.read_text()).render(**ctx))


if __name__ == "__main__":
    main(sys.argv)
