"""The index folder's versions: the format, publishing a finished version, pointing CURRENT, pruning.

Layout of the index folder (``<instance>/index``)::

    CURRENT                 name of the live version folder (replaced atomically)
    v<time>-<hash>/         one complete, immutable version (index/build.py writes it,
                            index/search.py reads it; the files are listed there)
    .tmp-*/                 a version being written

A version folder is written under a temporary name and renamed into place, then
CURRENT is replaced with os.replace. A crash at any point leaves the previous
version live; readers never see a half-written folder.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

#: The on-disk format index/build.py writes and index/search.py reads; an older one is rebuilt.
FORMAT_VERSION = 4
READABLE_FORMATS = (FORMAT_VERSION,)
#: The analyzer (index/analysis.ANALYZERS) a build uses unless told otherwise.
DEFAULT_ANALYZER = "lexicon"
#: Versions kept after publishing (the live one always is).
KEEP_VERSIONS = 3


class ArtifactError(Exception):
    """An index could not be built or loaded; the message says which and why."""


def publish(tmp: Path, index_dir: Path, name: str, activate: bool = True) -> Path:
    """Rename a finished version folder into place and, with ``activate``, make it the live one."""
    _fsync_dir(tmp)
    final = Path(index_dir) / name
    if final.exists():
        shutil.rmtree(final)
    os.rename(tmp, final)
    if activate:
        set_current(index_dir, name)
        prune(index_dir, keep=KEEP_VERSIONS)
    return final


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def set_current(index_dir: Path, name: str) -> None:
    """Point CURRENT at a version, atomically."""
    pointer = Path(index_dir) / "CURRENT"
    tmp = pointer.with_name(f".CURRENT.{os.getpid()}")
    tmp.write_text(name + "\n")
    os.replace(tmp, pointer)
    _fsync_dir(Path(index_dir))


def current_version(index_dir: str | os.PathLike) -> str | None:
    """The live version's folder name, or None when no index was built yet."""
    pointer = Path(index_dir) / "CURRENT"
    try:
        name = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    return name if name and (Path(index_dir) / name / "manifest.json").is_file() else None


def prune(index_dir: Path, keep: int) -> None:
    """Remove old versions beyond the newest ``keep``, never the live one."""
    live = current_version(index_dir)
    versions = sorted(p for p in Path(index_dir).iterdir() if p.is_dir() and p.name.startswith("v"))
    for old in versions[:-keep]:
        if old.name != live:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in Path(index_dir).glob(".tmp-*"):
        if time.time() - tmp.stat().st_mtime > 3600:
            shutil.rmtree(tmp, ignore_errors=True)
