"""claimtrack: track news claims as a graph of sources, evidence and open questions.

The library does the work; the ``claimtrack`` command is a thin layer over it::

    from claimtrack import Workspace, extract
    ws = Workspace.open("claims")
    for sentence in extract("Klarna says its assistant does the work of 700 agents."):
        print(sentence.claimant, [f.value for f in sentence.figures])

Names are imported lazily so that ``import claimtrack`` (and the CLI's start-up) stays quick.
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "Workspace": ("claimtrack.workspace", "Workspace"),
    "Records": ("claimtrack.workspace", "Records"),
    "extract": ("claimtrack.extract", "extract"),
    "build_graph": ("claimtrack.graph", "build"),
    "assess": ("claimtrack.flags", "assess"),
    "ClaimtrackError": ("claimtrack.errors", "ClaimtrackError"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'claimtrack' has no attribute {name!r}")
