"""Where a command's output goes (``-o FILE``): never half-written, never onto what it must not.

Every command with ``-o`` writes through :class:`Output` (the CLI option is in
``smr_kg.commands._options``), so the rules hold once for all of them:

* ``-`` (or no ``-o``) is standard output; bytes go out unchanged (every format is UTF-8).
* A regular file is replaced atomically: the data goes to a temporary file in the same directory,
  is flushed to disk and renamed over the target, so a reader sees the old file or the whole new
  one. The replacement keeps the old file's permission bits and owner (a file we could not give
  back to its owner is refused, not silently taken over).
* A symlink is followed: its target is replaced, the link stays.
* A file with several hard links is refused: renaming over one name would silently split it from
  the others, and writing in place would break the "never half-written" rule.
* Anything that is not a regular file (a device such as ``/dev/null``, a FIFO, ``/dev/stdout``)
  is written through, never replaced.
* Missing parent directories are created (as ``mkdir -p`` would), so ``-o out/x.ttl`` works.
* Refused with exit code 2 and one line: a directory, the command's own input files, and the
  build and sources smr-kg reads (``dist/``, ``ontology/``, ``shapes/``, ``queries/``) -- writing
  an export over ``dist/smr-kg.ttl`` would silently make the two engines disagree.

The target is checked when the command starts (:class:`Output` is created before the work), so a
bad ``-o`` fails in milliseconds, and again when the data is written.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import paths
from .errors import InputError, SmrKgError, printable

TYPE_CHECKING = False  # typing's constant without importing typing (4 ms of a fast query)
if TYPE_CHECKING:
    from typing import BinaryIO, TextIO

STDOUT = "-"


class OutputError(InputError):
    """The output cannot be written where asked (exit code 2)."""


def protected_paths(inputs: Iterable[Path] = ()) -> list[tuple[Path, str]]:
    """What no output may replace: the command's ``inputs`` and smr-kg's build and sources."""
    found = [(Path(p), "it is an input of this command") for p in inputs]
    found.append((paths.dist_dir(), "it is part of the build (run `smr-kg build` to change it)"))
    for directory, what in ((paths.ontology_dir(), "ontology"), (paths.shapes_dir(), "shapes"),
                            (paths.queries_dir(), "queries")):
        found.append((directory, f"it is one of smr-kg's {what} sources"))
    return found


class Output:
    """A checked destination for one command's output (see the module docstring for the rules)."""

    def __init__(self, target: str | os.PathLike[str] | None, inputs: Iterable[Path] = (),
                 protect: bool = True) -> None:
        """``protect=False`` is for smr-kg's own generated sources (the shipped inferences)."""
        self.name = STDOUT if target is None else os.fspath(target)
        self._protected = protected_paths(inputs) if protect else []
        if not self.is_stdout:
            self._check()

    @property
    def is_stdout(self) -> bool:
        return self.name == STDOUT

    @property
    def suffix(self) -> str:
        """The file name's suffix, lower-cased ('' for standard output)."""
        return "" if self.is_stdout else Path(self.name).suffix.lower()

    def write(self, data: bytes | str) -> None:
        """Write ``data`` (text is encoded as UTF-8) by the rules of this module."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if self.is_stdout:
            sys.stdout.flush()
            sys.stdout.buffer.write(raw)
            sys.stdout.buffer.flush()
            return
        real = self._check()
        info = _stat(self.name)
        if info is not None and not stat.S_ISREG(info.st_mode):
            # the name as given: the kernel follows /proc/self/fd/N links that realpath cannot
            self._write_through(Path(self.name), raw)
        else:
            self._replace(real, raw, info)

    @contextlib.contextmanager
    def stream(self) -> Iterator[TextIO]:
        """A UTF-8 text stream for output written piece by piece (too large to hold in memory),
        by the same rules as :meth:`write`: the target is replaced only when the block ends
        without an error; devices, FIFOs and standard output are written through."""
        if self.is_stdout:
            yield sys.stdout
            sys.stdout.flush()
            return
        real = self._check()
        info = _stat(self.name)
        if info is not None and not stat.S_ISREG(info.st_mode):
            with open(self.name, "w", encoding="utf-8", newline="") as fh:
                yield fh
            return
        with self._replacing(real, info, body_errors=False) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            yield text
            text.flush()
            text.detach()  # _replacing closes the file

    def _check(self) -> Path:
        """The real path to write; raise :class:`OutputError` if it must not or cannot be written."""
        if self.name == "" or self.name.endswith(("/", os.sep)):
            raise OutputError(f"{self._shown()} names a directory: give a file name for -o")
        real = Path(os.path.realpath(self.name))
        if real.is_dir():
            raise OutputError(f"{self._shown()} is a directory: give a file name for -o")
        for path, why in self._protected:
            if _is_within(real, path):
                raise OutputError(f"refusing to write {self._shown()}: {why}")
        try:
            info = _stat(self.name)
        except OSError as exc:
            raise OutputError(f"cannot write {self._shown()}: {exc.strerror}") from None
        if info is None:
            return real
        if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
            raise OutputError(
                f"refusing to replace {self._shown()}: it has {info.st_nlink} hard links, which "
                "a replacement would silently split (remove it first, or write elsewhere)"
            )
        if stat.S_ISSOCK(info.st_mode):
            raise OutputError(f"cannot write {self._shown()}: it is a socket")
        return real

    def _write_through(self, path: Path, data: bytes) -> None:
        """Write into a device or FIFO as it is (opening it must not create or replace anything)."""
        try:
            fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        except OSError as exc:
            raise OutputError(f"cannot write {self._shown()}: {exc.strerror or exc}") from None

    def _replace(self, real: Path, data: bytes, old: os.stat_result | None) -> None:
        """Write a temporary file beside ``real`` and rename it over ``real`` (see module doc)."""
        with self._replacing(real, old) as fh:
            fh.write(data)

    @contextlib.contextmanager
    def _replacing(self, real: Path, old: os.stat_result | None, body_errors: bool = True) -> Iterator[BinaryIO]:
        """A temporary file beside ``real``, renamed over it (with the old file's mode and owner)
        when the block ends without an error, removed otherwise. ``body_errors=False`` leaves an
        OSError raised by the block's own work (not the writing) as it is."""
        import tempfile  # here: the commands that only read (dist.current) never load it

        try:
            real.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
        except OSError as exc:
            raise OutputError(f"cannot write {self._shown()}: {exc.strerror or exc}") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            _copy_ownership(tmp, old, self._shown())
            os.replace(tmp, real)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError) and body_errors:
                raise OutputError(f"cannot write {self._shown()}: {exc.strerror or exc}") from None
            raise

    def _shown(self) -> str:
        return printable(self.name, 300)


def _copy_ownership(tmp: str, old: os.stat_result | None, shown: str) -> None:
    """Give the new file the old one's mode and owner (new files: the umask's default mode)."""
    if old is None:
        os.chmod(tmp, 0o666 & ~umask())
        return
    os.chmod(tmp, stat.S_IMODE(old.st_mode))
    mine = os.stat(tmp)
    if (mine.st_uid, mine.st_gid) != (old.st_uid, old.st_gid):
        try:
            os.chown(tmp, old.st_uid, old.st_gid)
        except PermissionError:
            raise SmrKgError(
                f"refusing to replace {shown}: it belongs to another user (uid {old.st_uid}) and the "
                "replacement would be yours; write elsewhere",
                exit_code=2,
            ) from None
        os.chmod(tmp, stat.S_IMODE(old.st_mode))  # chown clears set-id bits; restore the mode


def _stat(name: str) -> os.stat_result | None:
    """``os.stat`` following symlinks; None when nothing is there (yet)."""
    try:
        return os.stat(name)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _is_within(path: Path, protected: Path) -> bool:
    """Is ``path`` (already resolved) the protected file or inside the protected directory?"""
    target = Path(os.path.realpath(protected))
    if path == target or target in path.parents:
        return True
    try:
        return path.exists() and os.path.samefile(path, target)
    except OSError:
        return False


def umask() -> int:
    """The process umask (mkstemp/mkdtemp create private files; outputs should not be)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["Output", "OutputError", "STDOUT", "protected_paths"]
