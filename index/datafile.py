"""Reading the project's TOML data files, with errors that name the file.

Lexicons, red-flag rules, regions, answers, the clinic's own wording: all are TOML that
people edit, and a typo must stop the start with the file's name and the line at fault,
not a bare ``TOMLDecodeError``. Here rather than in ``bot/`` or ``web/`` because ``index/``
is the lowest layer both of them read (it imports neither, nor Flask).
"""

from __future__ import annotations

import os
import tomllib


class DataFileError(ValueError):
    """A data file that cannot be read, for callers without an error class of their own."""


def read_toml(path: str | os.PathLike, error_class: type[Exception] = DataFileError, what: str = "file") -> dict:
    """The parsed file; ``error_class("cannot read <what> <path>: <why>")`` when it is missing,
    unreadable or not valid TOML (the decoder's message gives the line and column)."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise error_class(f"cannot read {what} {os.fspath(path)}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise error_class(f"cannot read {what} {os.fspath(path)}: not valid TOML ({exc})") from exc
