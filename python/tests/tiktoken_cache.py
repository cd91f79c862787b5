"""Point OpenAI's ``tiktoken`` at the BPE files the ``tiktoken-rs`` crate ships, so it needs no
network: tiktoken downloads each encoding on first use unless ``TIKTOKEN_CACHE_DIR`` holds it under
the SHA-1 hex digest of its download URL (it checks each file's SHA-256, so a wrong file fails
loudly). Used by the tests, by ``benches/python/context.py`` and by
``tests/vectors/generate_context.py``."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ENCODINGS = ("o200k_base", "cl100k_base")
BPE_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"


def tiktoken_rs_assets() -> Path:
    """Return the ``assets`` directory of the tiktoken-rs crate (found with ``cargo metadata``)."""
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    for package in meta["packages"]:
        if package["name"] == "tiktoken-rs":
            return Path(package["manifest_path"]).parent / "assets"
    raise AssertionError("tiktoken-rs is not in the dependency graph; run `cargo fetch` first")


@contextmanager
def tiktoken_cache(cache: Path) -> Iterator[Path]:
    """Fill ``cache`` with the crate's BPE files under tiktoken's names and set
    ``TIKTOKEN_CACHE_DIR`` to it for the duration (import tiktoken inside)."""
    assets = tiktoken_rs_assets()
    cache.mkdir(parents=True, exist_ok=True)
    for name in ENCODINGS:
        key = hashlib.sha1(BPE_URL.format(name=name).encode()).hexdigest()
        shutil.copyfile(assets / f"{name}.tiktoken", cache / key)
    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    try:
        yield cache
    finally:
        if previous is None:
            del os.environ["TIKTOKEN_CACHE_DIR"]
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous
