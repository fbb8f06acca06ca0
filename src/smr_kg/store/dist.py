"""``dist/`` as one unit: every build is a new directory, switched in by one atomic pointer.

Layout (``paths.dist_dir()`` decides *where* dist/ is; this module owns what is inside)::

    dist/
      .smr-kg-dist             marker: this directory is smr-kg's (written before anything else)
      .smr-kg.lock             flock()ed while a build writes: concurrent builds take turns
      builds/<id>/             one complete build:
        smr-kg.ttl               the built graph (canonical Turtle)
        store/                   the same triples as a pyoxigraph store
        manifest.json            what was built, with the SHA-256 of the Turtle and of every store file
                                 (and each store file's identity as written: see Build.verify_store)
      current -> builds/<id>   THE pointer: a symlink replaced by one rename(2)
      smr-kg.ttl -> current/smr-kg.ttl    stable paths for other tools (never rewritten)
      store -> current/store

Why: the Turtle and the store used to be replaced one after the other, so a kill between the two
left a new store beside an old Turtle and the two engines disagreed silently. Now a reader
resolves ``current`` once and reads both files from that one directory; a build killed at any
moment leaves ``current`` on the old build or the new one, never a mix, and its half-written
directory is removed by the next build. Readers verify the manifest's checksums, so a damaged
store is reported as such (with the fix) instead of answering "no term is named ...".

Nothing smr-kg did not create is deleted: a non-empty directory without the marker is refused
(except a dist/ of the older layout -- ``smr-kg.ttl`` and a RocksDB ``store/`` -- which is
upgraded), and only the names above are ever touched.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import paths
from ..errors import BAD_INPUT, InputError, SmrKgError, warn
from ..outputs import umask

LAYOUT = 1
MARKER = ".smr-kg-dist"
LOCK = ".smr-kg.lock"
CURRENT = "current"
BUILDS = "builds"
MANIFEST = "manifest.json"
_PENDING = ".current."
OWN_NAMES = frozenset({MARKER, LOCK, CURRENT, BUILDS, paths.BUILT_TTL, paths.STORE_DIR})
VERIFY_LIMIT = 256 * 2**20
"""Stores larger than this are checked by file size only on open (hashing costs ~1 s per GB)."""
_UNHASHED = re.compile(r"^(LOCK|LOG(\..*)?)$")
"""RocksDB files that change without the data changing (lock, info log): not checksummed."""
_LEGACY_STORE = re.compile(r"^(\d+\.(sst|log|blob)|CURRENT|IDENTITY|LOCK|LOG(\..*)?|MANIFEST-\d+|OPTIONS-\d+)$")


class BuildMissing(SmrKgError):
    """There is no (usable) build in dist/: the command cannot run (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=BAD_INPUT)


class BuildCorrupted(SmrKgError):
    """A file of the build no longer matches its checksum, or the engine reports damage (exit 2)."""

    def __init__(self, dist: Path, detail: str) -> None:
        super().__init__(f"the build in {dist} is damaged ({detail}): rebuild it with `smr-kg build`",
                         exit_code=BAD_INPUT)


class Build:
    """One complete build directory and its manifest (a plain class: every command reads one, and
    dataclasses cost ~9 ms of import, a fifth of a fast query)."""

    __slots__ = ("dist", "directory", "manifest")

    def __init__(self, dist: Path, directory: Path, manifest: dict) -> None:
        self.dist = dist
        self.directory = directory
        self.manifest = manifest

    @property
    def turtle(self) -> Path:
        return self.directory / paths.BUILT_TTL

    @property
    def store(self) -> Path:
        return self.directory / paths.STORE_DIR

    @property
    def inferences(self) -> str:
        """Where the class hierarchy came from: ``reasoner``, ``snapshot`` or ``none``."""
        return str(self.manifest.get("inferences", "reasoner"))

    def read_turtle(self) -> bytes:
        """The Turtle's bytes, checked against the manifest."""
        data = self.turtle.read_bytes()
        if _sha256(data) != self.manifest["files"].get(paths.BUILT_TTL):
            raise BuildCorrupted(self.dist, f"{paths.BUILT_TTL} does not match its checksum")
        return data

    def verify_store(self) -> None:
        """Every store file listed in the manifest is there, whole and unchanged.

        A file whose size, mtime, ctime, inode and device are still those the build recorded
        after writing it is not hashed again: any write to it, a copy or a replacement changes
        its ctime or inode (and ctime cannot be set back), so only a file whose identity changed
        is hashed. This keeps hashlib and the hashing (80-96 ms of a lookup at 1M triples) off
        every command; damage that changes no metadata (bit rot) is RocksDB's block checksums'
        to report (:func:`smr_kg.store.oxigraph._engine_error`)."""
        listed = {k: v for k, v in self.manifest["files"].items() if k.startswith(paths.STORE_DIR + "/")}
        sizes = self.manifest.get("sizes", {})
        written = self.manifest.get("identities", {})
        full = sum(sizes.get(k, 0) for k in listed) <= VERIFY_LIMIT
        for name, digest in sorted(listed.items()):
            path = self.directory / name
            try:
                info = path.stat()
                if info.st_size != sizes.get(name, info.st_size):
                    raise BuildCorrupted(self.dist, f"{name} has changed size")
                if full and written.get(name) != _identity(info) and _file_sha256(path) != digest:
                    raise BuildCorrupted(self.dist, f"{name} does not match its checksum")
            except FileNotFoundError:
                raise BuildCorrupted(self.dist, f"{name} is missing") from None


def _identity(info: os.stat_result) -> list[int]:
    """What changes when a file is written, replaced or copied (a JSON list, as the manifest keeps it)."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def current(dist: Path | None = None) -> Build:
    """The build ``dist/current`` points at (raises :class:`BuildMissing`), with a warning line
    when it was built without the reasoner's inferences (answers may be incomplete)."""
    dist = Path(dist) if dist else paths.dist_dir()
    pointer = dist / CURRENT
    if not pointer.is_symlink():
        if (dist / paths.BUILT_TTL).is_file() and not (dist / paths.BUILT_TTL).is_symlink():
            raise BuildMissing(f"{dist} holds a build of an older smr-kg: run `smr-kg build` to rebuild it")
        raise BuildMissing(f"no built graph in {dist}: run `smr-kg build` first")
    directory = dist / os.readlink(pointer)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        manifest["files"][paths.BUILT_TTL]
    except (OSError, ValueError, KeyError, TypeError):
        raise BuildCorrupted(dist, f"{CURRENT} -> {os.readlink(pointer)} has no readable {MANIFEST}") from None
    build = Build(dist, directory, manifest)
    if build.inferences == "none":
        warn("this build has no reasoner inferences (built with --no-reasoner from an ontology the "
             "shipped inferred hierarchy does not match): answers that need inferred classes may "
             "be missing; run `smr-kg build` with Java to include them")
    return build


def last_manifest(dist: Path) -> dict:
    """The manifest of the build ``dist/current`` points at, unchecked, or ``{}``: what a new build
    may reuse (never trusted for reading the build: :func:`current` checks that)."""
    try:
        manifest = json.loads((Path(dist) / CURRENT / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def publish(dist: Path, turtle: bytes, write_store: Callable[[Path], None], info: dict) -> Build:
    """Write a complete new build into ``dist`` and switch ``current`` to it in one step.

    ``write_store(directory)`` creates the pyoxigraph store; ``info`` goes into the manifest.
    Concurrent calls on the same ``dist`` run one after the other.
    """
    dist = Path(dist)
    with locked(dist):
        builds = dist / BUILDS
        builds.mkdir(exist_ok=True)
        import tempfile  # writing only: the commands that read a build never load it

        directory = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=builds))
        os.chmod(directory, 0o777 & ~umask())
        _write_synced(directory / paths.BUILT_TTL, turtle)
        write_store(directory / paths.STORE_DIR)
        files = {paths.BUILT_TTL: _sha256(turtle)}
        sizes = {paths.BUILT_TTL: len(turtle)}
        identities = {}
        for path in sorted((directory / paths.STORE_DIR).iterdir()):
            if path.is_file() and not _UNHASHED.match(path.name):
                key, written = f"{paths.STORE_DIR}/{path.name}", path.stat()
                files[key], sizes[key], identities[key] = _file_sha256(path), written.st_size, _identity(written)
        manifest = {"layout": LAYOUT, **info, "files": files, "sizes": sizes, "identities": identities}
        _write_synced(directory / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
        _fsync_dir(directory)
        pending = dist / f"{_PENDING}{os.getpid()}"
        pending.unlink(missing_ok=True)
        os.symlink(os.path.relpath(directory, dist), pending)
        os.replace(pending, dist / CURRENT)  # the switch: one atomic rename
        _fsync_dir(dist)
        for name in (paths.BUILT_TTL, paths.STORE_DIR):
            if not (dist / name).is_symlink():
                os.symlink(f"{CURRENT}/{name}", dist / name)
        return Build(dist, directory, manifest)


@contextmanager
def locked(dist: Path) -> Iterator[None]:
    """Claim ``dist`` for a build: refuse a directory that is not smr-kg's, take the lock, tidy up
    what interrupted builds left behind."""
    refuse_foreign(dist)
    try:
        dist.mkdir(parents=True, exist_ok=True)
        fd = os.open(dist / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise InputError(f"cannot write the build to {dist}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"smr-kg: waiting for another build of {dist} to finish ...", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        refuse_foreign(dist)
        if not (dist / MARKER).is_file():
            _write_synced(dist / MARKER, json.dumps({"smr-kg dist layout": LAYOUT}).encode() + b"\n")
        _tidy(dist)
        yield
    finally:
        os.close(fd)  # releases the lock


def refuse_foreign(dist: Path) -> None:
    """Raise unless ``dist`` is missing, empty, marked as smr-kg's, or an older smr-kg build
    (the build calls it before its work too, so a wrong --dist fails at once)."""
    if dist.exists() and not dist.is_dir():
        raise InputError(f"{dist} is not a directory: give --dist a directory (new or an smr-kg build)")
    if not dist.is_dir() or (dist / MARKER).is_file():
        return
    foreign = [name for name in os.listdir(dist) if name not in (LOCK, MARKER)]
    if foreign and not _is_legacy(dist, foreign):
        raise InputError(
            f"{dist} is not empty and is not an smr-kg build (it has {len(foreign)} other entries, "
            f"e.g. {sorted(foreign)[0]!r}): choose a new or empty directory for --dist"
        )


def _is_legacy(dist: Path, names: list[str]) -> bool:
    """A dist/ written by smr-kg before this layout: smr-kg.ttl, a RocksDB store/, temp leftovers."""
    if not (dist / paths.BUILT_TTL).is_file() or (dist / paths.BUILT_TTL).is_symlink():
        return False
    if not all(n in (paths.BUILT_TTL, paths.STORE_DIR) or n.startswith((".store.", ".smr-kg.ttl.")) for n in names):
        return False
    store = dist / paths.STORE_DIR
    return not store.exists() or (
        store.is_dir() and (store / "CURRENT").is_file()
        and all(_LEGACY_STORE.match(p.name) for p in store.iterdir())
    )


def _tidy(dist: Path) -> None:
    """Remove leftovers (called under the lock): older-layout files, interrupted and superseded
    builds, pending pointers. Only names of this module's layout are touched."""
    import shutil
    for name in (paths.BUILT_TTL, paths.STORE_DIR):
        path = dist / name
        if path.is_symlink():
            continue
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for path in dist.iterdir():
        if path.name.startswith((_PENDING, ".store.", ".smr-kg.ttl.")) and path.name not in OWN_NAMES:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    builds = dist / BUILDS
    if not builds.is_dir():
        return
    keep = Path(os.readlink(dist / CURRENT)).name if (dist / CURRENT).is_symlink() else None
    for path in builds.iterdir():
        if path.name != keep and re.fullmatch(r"\d{8}T\d{6}-\w+", path.name):
            shutil.rmtree(path, ignore_errors=True)


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o666 & ~umask())


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(data: bytes) -> str:
    import hashlib  # only when something is hashed (2.7 ms of OpenSSL loading otherwise)

    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
