"""Reading client streams that carry several files."""

from __future__ import annotations

from ..domain.errors import InvalidArgument, Violation


class FileChunks:
    """The files of one stream, one after another: `file(i)` yields file i's bytes."""

    def __init__(self, stream):
        self._it = iter(stream)
        self._held = None

    def _next(self):
        if self._held is not None:
            chunk, self._held = self._held, None
            return chunk
        msg = next(self._it, None)
        if msg is None:
            return None
        if msg.WhichOneof("part") != "chunk":
            raise InvalidArgument("one header per request", [Violation("header", "only the first message carries it")])
        return msg.chunk

    def file(self, i: int):
        while (chunk := self._next()) is not None:
            if chunk.file == i:
                yield chunk.data
            elif chunk.file > i:
                self._held = chunk
                return
            else:
                raise InvalidArgument("files out of order", [Violation(
                    "chunk.file", f"file {chunk.file} came after file {i}: send the files in order")])

    def finish(self, count: int) -> None:
        chunk = self._next()
        if chunk is not None:
            raise InvalidArgument("unknown file", [Violation(
                "chunk.file", f"file {chunk.file} is not in the header, which lists {count}")])
