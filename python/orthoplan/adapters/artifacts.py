"""Content-addressed artifact store in a local directory.

A file is received chunk by chunk into `incoming/` (never whole in memory), hashed and typed on the
way, synced, then renamed to `objects/<2 hex>/<sha256>`: the rename is atomic, so a reader sees a
whole object or none, and equal content is stored once. Objects are read-only once in place.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import DataLoss
from .content_types import HEAD_BYTES, detect

READ_CHUNK = 256 * 1024


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int
    content_type: str  # "" when the bytes match no known type


class Staged:
    """A received file not yet in the store: `commit()` moves it in, `discard()` drops it."""

    def __init__(self, store: LocalArtifactStore, path: Path, info: BlobInfo):
        self._store, self._path, self.info = store, path, info

    def commit(self) -> None:
        if self._path is None:
            return
        final = self._store.path_of(self.info.sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():  # same content stored before: keep that one, mark it recently used
            self._path.unlink()
            os.utime(final)
        else:
            os.chmod(self._path, 0o444)
            os.replace(self._path, final)
        self._path = None

    def discard(self) -> None:
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            self._path = None


class LocalArtifactStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._incoming = self.root / "incoming"
        self._objects = self.root / "objects"
        self._incoming.mkdir(parents=True, exist_ok=True)
        self._objects.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        return self._objects / sha256[:2] / sha256

    def receive(self, chunks: Iterable[bytes]) -> Staged:
        """Writes the chunks to a new incoming file; any error while reading them removes it."""
        fd, name = tempfile.mkstemp(dir=self._incoming, prefix="up-")
        path = Path(name)
        h, size, head = hashlib.sha256(), 0, bytearray()
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    if len(head) < HEAD_BYTES:
                        head += chunk[:HEAD_BYTES - len(head)]
                    h.update(chunk)
                    f.write(chunk)
                    size += len(chunk)
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Staged(self, path, BlobInfo(h.hexdigest(), size, detect(bytes(head), size)))

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def read(self, sha256: str, chunk_size: int = READ_CHUNK) -> Iterator[bytes]:
        """The object's bytes in chunks, re-hashed on the way: DataLoss at the end if they changed."""
        h = hashlib.sha256()
        try:
            f = open(self.path_of(sha256), "rb")  # noqa: SIM115 - closed in finally, across yields
        except FileNotFoundError:
            raise DataLoss(f"artifact {sha256} is missing from the store") from None
        try:
            while chunk := f.read(chunk_size):
                h.update(chunk)
                yield chunk
        finally:
            f.close()
        if h.hexdigest() != sha256:
            raise DataLoss(f"artifact {sha256} is corrupted in the store")

    def collect_garbage(self, referenced: Callable[[str], bool], older_than_s: float = 3600) -> list[str]:
        """Removes objects nothing references and abandoned incoming files, both only when older than
        `older_than_s`. An upload of equal content refreshes the object's time before its record
        commits, and the time is checked again after `referenced`, which leaves a window of the
        order of a millisecond; run it when the store is quiet or accept that window."""
        cutoff = time.time() - older_than_s
        removed = []
        for p in self._incoming.iterdir():
            if p.stat().st_mtime < cutoff:
                p.unlink(missing_ok=True)
        for p in self._objects.glob("*/*"):
            if p.stat().st_mtime < cutoff and not referenced(p.name) and p.stat().st_mtime < cutoff:
                p.unlink(missing_ok=True)
                removed.append(p.name)
        return removed
