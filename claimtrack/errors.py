"""The exceptions claimtrack raises.

Library code raises these; only ``claimtrack.cli`` turns them into one-line messages and exit
codes. Every message is written for the journalist reading it, as one sentence.
"""

from __future__ import annotations


class ClaimtrackError(Exception):
    """Base class: anything the user can fix by changing their input or workspace."""


class WorkspaceError(ClaimtrackError):
    """The workspace is missing, of an unknown format version, or cannot be written."""


class NotFound(ClaimtrackError):
    """No record has that id or id prefix."""


class AmbiguousId(ClaimtrackError):
    """An id prefix matches more than one record."""

    def __init__(self, prefix: str, candidates: list[str]):
        self.prefix = prefix
        self.candidates = candidates
        shown = ", ".join(candidates[:8]) + (" ..." if len(candidates) > 8 else "")
        super().__init__(f"id prefix {prefix!r} is ambiguous: it matches {shown}")


class CorruptRecord(ClaimtrackError):
    """A record file is not valid JSON or does not match its schema."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class FetchError(ClaimtrackError):
    """A URL could not be fetched, or what came back is not a document we can read."""


class InputError(ClaimtrackError):
    """A file or note given as input cannot be read or parsed."""


class QuoteNotFound(ClaimtrackError):
    """A quote given as evidence does not occur in the source's archived text."""

    def __init__(self, message: str, closest: str | None = None):
        self.closest = closest
        super().__init__(message)
