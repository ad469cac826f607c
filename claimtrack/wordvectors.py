"""Static word vectors for sentences: WordLlama's ``l2_supercat`` model (256 dimensions, the
token embeddings of a large language model distilled for sentence similarity), shipped inside
the ``wordllama`` package, so nothing is downloaded. A sentence's vector is the mean of its
tokens' vectors, L2-normalised; 10,000 sentences take about 0.1 s on one core.

Loaded once, lazily (numpy, tokenizers and the 16 MB weights cost about 0.3 s). There is no
setting for another model: the ranking weights that use these vectors
(``claimtrack/data/ranking.json``) were fitted for this one. The semantic extra's model is
the one to configure (``CLAIMTRACK_SEMANTIC_MODEL``)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@functools.lru_cache(maxsize=1)
def _model():  # type: ignore[no-untyped-def]  # wordllama ships no types
    from pathlib import Path

    import wordllama
    from wordllama import WordLlama

    # The package holds its weights and tokenizer; read them from its folder and never fetch
    # (WordLlama looks for the tokenizer under ``tokenizer/`` before its cache folder, which
    # is why the package folder is passed as the cache).
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def vectors(texts: list[str]) -> npt.NDArray[np.float32]:
    """One L2-normalised vector (256 float32) per text, in order."""
    import numpy as np

    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    return np.asarray(_model().embed(texts, norm=True), dtype=np.float32)
