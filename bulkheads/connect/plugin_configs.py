"""Ask a running worker which config keys of its connector plugins are ``PASSWORD``s.

``python -m bulkheads.connect.plugin_configs URL`` validates an empty config of every
connector class in ``bulkheads.spec.password_keys``'s probed table (and any given with
``--class``) on the worker at ``URL`` and writes the table again.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from urllib.parse import quote

from bulkheads.connect import rest
from bulkheads.spec.password_keys import TABLE, probed_table


def password_keys_of(rest_url: str, connector_class: str) -> list[str]:
    """The keys the worker's definition of ``connector_class`` types ``PASSWORD``, sorted."""
    answer = rest.call(
        rest_url,
        "PUT",
        f"/connector-plugins/{quote(connector_class, safe='')}/config/validate",
        {"connector.class": connector_class},
    )
    return sorted(
        item["definition"]["name"]
        for item in answer.get("configs", [])
        if item.get("definition", {}).get("type") == "PASSWORD"
    )


def probe(rest_url: str, classes: Iterable[str]) -> dict[str, list[str]]:
    """``password_keys_of`` every class, by class name."""
    return {name: password_keys_of(rest_url, name) for name in sorted(set(classes))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rest_url", help="a worker's REST URL, e.g. http://127.0.0.1:18083")
    parser.add_argument("--class", dest="classes", action="append", default=[])
    args = parser.parse_args(argv)
    table = probe(args.rest_url, [*probed_table(), *args.classes])
    TABLE.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{TABLE}: {sum(map(len, table.values()))} PASSWORD keys of {len(table)} classes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
