"""Stand-ins for the tools the replay CronJob runs, for running its scripts in a real
``/bin/sh``: ``kubectl`` over a JSON file of objects (merge patches, annotations, deletes,
the jsonpath forms the scripts use), ``date`` at an injected instant and
``kafka-get-offsets.sh`` over a JSON description of partitions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

KUBECTL = r"""
import json, re, sys
path = sys.argv[1]; args = sys.argv[2:]
world = json.load(open(path))
world.setdefault("calls", []).append(" ".join(args))
args = args[2:] if args[:1] == ["-n"] else args
verb, kind, name = args[0], args[1], args[2]
objects = world.setdefault(kind, {})
def save(): json.dump(world, open(path, "w"))
def merge(into, patch):
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        elif value is None:
            into.pop(key, None)
        else:
            into[key] = value
if verb == "get":
    if name not in objects:
        save(); print(f'Error from server (NotFound): {kind} "{name}" not found', file=sys.stderr)
        sys.exit(1)
    template = args[args.index("-o") + 1].split("=", 1)[1]
    def lookup(match):
        values = [objects[name]]
        for part in re.split(r"(?<!\\)\.", match.group(1))[1:]:
            part = part.replace("\\.", ".")
            star = part.endswith("[*]")
            part = part[:-3] if star else part
            values = [v.get(part) for v in values if isinstance(v, dict)]
            values = [x for v in values if v is not None for x in (v if star else [v])]
        return " ".join(str(v) for v in values)
    save(); print(re.sub(r"\{([^}]*)\}", lookup, template), end="")
elif verb == "patch":
    merge(objects.setdefault(name, {}), json.loads(args[args.index("-p") + 1])); save()
elif verb == "annotate":
    key, value = args[3].split("=", 1)
    meta = objects.setdefault(name, {}).setdefault("metadata", {})
    meta.setdefault("annotations", {})[key] = value
    save()
elif verb == "delete":
    objects.pop(name, None); save()
else:
    sys.exit(f"unexpected kubectl call {args}")
"""

DATE = r"""
import os, sys, time
now = time.gmtime(int(os.environ["FAKE_NOW"]))
fmt = sys.argv[-1].lstrip("+")
print(int(os.environ["FAKE_NOW"]) if fmt == "%s" else time.strftime(fmt, now))
"""

GET_OFFSETS = r"""
import json, os, re, sys
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
config = open(args["--command-config"]).read()
assert "sasl.jaas.config=" + os.environ["FAKE_JAAS"] in config, config
assert os.environ["BOOTSTRAP"] == args["--bootstrap-server"]
partitions = json.load(open(os.environ["FAKE_TOPICS"]))
patterns = args["--topic-partitions"].split(",")
time = int(args["--time"])
for key, p in sorted(partitions.items()):
    topic, partition = key.rsplit(":", 1)
    if not any(re.fullmatch(pattern.strip("^$"), topic) for pattern in patterns):
        continue
    stamps = p["timestamps"]  # of offsets start .. end - 1
    if time == -1:
        offset = p["start"] + len(stamps)
    elif time == -2:
        offset = p["start"]
    else:
        offset = next((p["start"] + i for i, t in enumerate(stamps) if t >= time), None)
        if offset is None:  # no record that recent: left out
            continue
    print(f"{topic}:{partition}:{offset}")
"""


def install(bin_dir: Path, world: Path) -> None:
    """Writes ``kubectl``, ``date`` and ``kafka-get-offsets.sh`` into ``bin_dir``."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name, body, argv in (
        ("kubectl", KUBECTL, f'"{world}" "$@"'),
        ("date", DATE, '"$@"'),
        ("kafka-get-offsets.sh", GET_OFFSETS, '"$@"'),
    ):
        program = bin_dir / f"{name}.py"
        program.write_text(body)
        tool = bin_dir / name
        tool.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{program}" {argv}\n')
        tool.chmod(0o755)


def load(world: Path) -> dict:  # type: ignore[type-arg]
    """The fake cluster's objects and the kubectl calls made so far."""
    return json.loads(world.read_text())
