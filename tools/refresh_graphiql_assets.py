#!/usr/bin/env python3
"""Fetch the pinned GraphiQL page assets from the npm registry into the gateway's package.

    python3 tools/refresh_graphiql_assets.py                 # the versions pinned below
    python3 tools/refresh_graphiql_assets.py graphiql=3.8.3  # move one pin

Uses `npm pack` (the ordinary npm client, so its registry settings apply), checks each tarball
against the registry's `dist.integrity`, copies the browser builds the page loads and writes
`manifest.json` with each file's sha384 for the page's `integrity` attributes. graphql-ws needs
no file of its own: GraphiQL's UMD build bundles it for `subscriptionUrl`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "src/gateway/web/graphiql_assets"

# package -> (version, files inside the package tarball the page loads)
PINS: dict[str, tuple[str, list[str]]] = {
    "react": ("18.3.1", ["umd/react.production.min.js"]),
    "react-dom": ("18.3.1", ["umd/react-dom.production.min.js"]),
    "graphiql": ("3.8.3", ["graphiql.min.js", "graphiql.min.css"]),
}


def sri(data: bytes, algorithm: str = "sha384") -> str:
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def fetch(package: str, version: str, folder: Path) -> Path:
    spec = f"{package}@{version}"
    expected = subprocess.run(
        ["npm", "view", spec, "dist.integrity"], check=True, capture_output=True, text=True
    ).stdout.strip()
    name = subprocess.run(
        ["npm", "pack", "--silent", spec], cwd=folder, check=True, capture_output=True, text=True
    ).stdout.strip()
    tarball = folder / name
    algorithm = expected.split("-", 1)[0]
    if sri(tarball.read_bytes(), algorithm) != expected:
        sys.exit(f"{spec}: the tarball does not match the registry's integrity {expected}")
    return tarball


def main(arguments: list[str]) -> None:
    pins = dict(PINS)
    for argument in arguments:
        package, _, version = argument.partition("=")
        if package not in pins or not version:
            sys.exit(f"usage: {sys.argv[0]} [PACKAGE=VERSION ...] with PACKAGE one of {list(pins)}")
        pins[package] = (version, pins[package][1])
    manifest = []
    for old in ASSETS.glob("*.js"):
        old.unlink()
    for old in ASSETS.glob("*.css"):
        old.unlink()
    with tempfile.TemporaryDirectory() as temporary:
        for package, (version, files) in pins.items():
            with tarfile.open(fetch(package, version, Path(temporary))) as archive:
                for member in files:
                    extracted = archive.extractfile(f"package/{member}")
                    assert extracted is not None, member
                    data = extracted.read()
                    base = Path(member).name
                    stem, suffix = base.split(".", 1)
                    target = f"{stem}-{version}.{suffix}"  # versioned: cacheable for ever
                    (ASSETS / target).write_bytes(data)
                    manifest.append(
                        {
                            "file": target,
                            "package": package,
                            "version": version,
                            "source": member,
                            "integrity": sri(data),
                        }
                    )
                    print(f"{target}: {len(data):,} bytes from {package}@{version}")
    (ASSETS / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
