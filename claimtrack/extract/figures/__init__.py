"""The figure reader: ``parse(text)`` returns the figures of a text (see :mod:`.reader`).

- :mod:`.scan`: where numbers are (digits, dates, times, number words): the candidates;
- :mod:`.currency`: money (symbols, codes, names);
- :mod:`.kinds`: percent, scale words, multipliers, ratios, fractions, ranges, qualifiers;
- :mod:`.units`: measures, durations and counted nouns;
- :mod:`.names`: numbers that are names, codes, phone numbers or years rather than amounts;
- :mod:`.build`: building :class:`claimtrack.models.Figure` objects;
- :mod:`.reader`: ``parse``, which reads each candidate's context with the modules above.

Spelled-out numbers are read by :mod:`claimtrack.extract.numbers`.
"""

from .reader import parse
from .scan import NUMBER_TRIGGERS

__all__ = ["NUMBER_TRIGGERS", "parse"]
