"""Reading what ``claimtrack extract`` is given: plain text, or JSON Lines of records.

Library functions with typed errors, so that the command only opens files and prints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ..errors import InputError


def decode(data: bytes, name: str) -> str:
    """``data`` as UTF-8 text (a byte-order mark is dropped), or InputError naming ``name``."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 text (byte {exc.start}); convert it, e.g. with iconv"
        ) from None


def jsonl_records(lines: Iterable[str], name: str) -> Iterator[tuple[str, str]]:
    """(id, text) for each line ``{"id": ..., "text": ...}`` of ``lines``; blank lines are
    skipped. A line that is not such an object raises InputError with its line number.

    >>> list(jsonl_records(['{"id": "a1", "text": "Klarna cut 700 jobs."}'], "stdin"))
    [('a1', 'Klarna cut 700 jobs.')]
    """
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name} line {number}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError(
                f'{name} line {number}: expected an object with a "text" string, '
                f'e.g. {{"id": "a1", "text": "..."}}'
            )
        rid = obj.get("id")
        if rid is None:
            rid = f"{name}:{number}"
        elif not isinstance(rid, (str, int)):
            raise InputError(f'{name} line {number}: "id" must be a string or a number')
        yield str(rid), obj["text"]
