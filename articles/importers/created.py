"""The comments an import created, as its after_load hook gets them: (id, record.triage).

An import keeps these until its end, 100,000s of them. As Python objects, each reading
(`CommentRecord.triage`) took ~400 bytes, ~40 MB for 100,000 comments; pickled a batch
at a time (a reading must pickle anyway: it may come from the parse worker) with the
ids in an array, they take ~100 bytes. The hook unpickles one batch at a time.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterator


class CreatedComments:
    """(comment id, reading) pairs in the order added; iterate it as often as needed."""

    def __init__(self) -> None:
        # (ids, their readings pickled as one list; None: nothing was read for any of them)
        self.batches: list[tuple[array, bytes | None]] = []
        self.count = 0

    def add(self, ids: list[int], readings: list[object | None]) -> None:
        if not ids:
            return
        pickled = None
        if any(reading is not None for reading in readings):
            pickled = pickle.dumps(readings, protocol=pickle.HIGHEST_PROTOCOL)
        self.batches.append((array("q", ids), pickled))
        self.count += len(ids)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[int, object | None]]:
        for ids, pickled in self.batches:
            readings = pickle.loads(pickled) if pickled is not None else [None] * len(ids)  # noqa: S301 - pickled by this process
            yield from zip(ids, readings, strict=True)
