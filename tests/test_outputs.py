"""`-o FILE` for every command: atomic, never onto what it must not replace, devices written through.

Each test is a reproduction from issue 12 (items 2, 10, 14). Device nodes are made in tmp_path
with mknod (root only), never by writing to /dev itself.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from smr_kg import paths

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="mknod and chown to another user need root")
OUTPUT_COMMANDS = [  # every command with -o, with arguments that make it write something
    ("export", "-f", "nt"),
    ("answer", "causes"),
    ("diagram", "--format", "mermaid"),
    ("validate",),
]


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smr_kg.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **kwargs.pop("env", {})}, timeout=120, **kwargs)


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: c[0])
def test_dash_is_standard_output(run_cli, tmp_path: Path, monkeypatch, command) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(*command, "-o", "-")
    assert code == 0, err
    assert out and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: c[0])
def test_a_directory_as_target_is_exit_2_in_one_line(run_cli, tmp_path: Path, command) -> None:
    code, out, err = run_cli(*command, "-o", str(tmp_path))
    assert code == 2 and "directory" in err and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: c[0])
def test_a_read_only_directory_is_exit_2_in_one_line(run_cli, tmp_path: Path, command) -> None:
    locked = tmp_path / "ro"
    locked.mkdir(mode=0o555)
    code, _, err = run_cli(*command, "-o", str(locked / "x.out"))
    assert code == 2 and "Permission denied" in err and len(err.splitlines()) == 1


def test_a_read_only_directory_is_exit_2_even_for_root(run_cli, tmp_path: Path, monkeypatch) -> None:
    """Root ignores permission bits, so the failure of mkstemp is simulated."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    code, _, err = run_cli("answer", "causes", "-o", str(tmp_path / "a.md"))
    assert code == 2 and "Permission denied" in err and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@ROOT_ONLY
def test_a_device_is_written_through_not_replaced(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    done = _cli("export", "-f", "nt", "-o", str(null))
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(null.stat().st_mode), "the device node was replaced by a regular file"


@ROOT_ONLY
def test_a_full_device_is_exit_2_and_stays_a_device(tmp_path: Path) -> None:
    full = tmp_path / "full"
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    done = _cli("export", "-f", "nt", "-o", str(full))
    assert done.returncode == 2 and "No space left on device" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert stat.S_ISCHR(full.stat().st_mode)


def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = _cli("export", "-f", "nt", "-o", str(fifo))
    reader.join(30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith(b"<")


def test_a_symlink_to_stdout_writes_to_stdout(tmp_path: Path) -> None:
    """Issue: `-o` onto a symlink to /proc/self/fd/1 wrote 0 bytes to stdout and replaced the link."""
    link = tmp_path / "out"
    link.symlink_to("/proc/self/fd/1")
    done = _cli("export", "-f", "nt", "-o", str(link))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<") and link.is_symlink()


def test_a_symlink_is_followed_and_its_target_replaced(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    code, _, err = run_cli("answer", "causes", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("#")


def test_replacing_keeps_the_mode(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "private.nt"
    target.write_text("old")
    target.chmod(0o600)
    assert run_cli("export", "-f", "nt", "-o", str(target))[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("<")


@ROOT_ONLY
def test_replacing_keeps_the_owner(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "theirs.nt"
    target.write_text("old")
    os.chown(target, 1234, 1234)
    target.chmod(0o600)
    assert run_cli("export", "-f", "nt", "-o", str(target))[0] == 0
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 1234, 0o600)


def test_a_hard_link_is_refused_not_broken(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "a.nt"
    target.write_text("old")
    os.link(target, tmp_path / "b.nt")
    code, _, err = run_cli("export", "-f", "nt", "-o", str(target))
    assert code == 2 and "hard link" in err and len(err.splitlines()) == 1
    assert (tmp_path / "b.nt").read_text() == "old" == target.read_text()
    assert os.path.samefile(target, tmp_path / "b.nt")


def test_validate_refuses_to_overwrite_its_input(run_cli, tmp_path: Path) -> None:
    mine = tmp_path / "mine.ttl"
    mine.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n")
    before = mine.read_bytes()
    code, _, err = run_cli("validate", str(mine), "-o", str(mine))
    assert code == 2 and "input" in err and len(err.splitlines()) == 1
    assert mine.read_bytes() == before


def test_export_refuses_to_overwrite_the_build(run_cli, built) -> None:
    dist, _ = built
    before = (dist / paths.BUILT_TTL).read_bytes()
    for target in (dist / paths.BUILT_TTL, dist / "elsewhere.jsonld"):
        code, _, err = run_cli("export", "--format", "jsonld", "-o", str(target))
        assert code == 2 and "build" in err, err
    assert (dist / paths.BUILT_TTL).read_bytes() == before
    assert not (dist / "elsewhere.jsonld").exists()


def test_missing_parent_directories_are_created(run_cli, tmp_path: Path) -> None:
    """Documented in the README: `-o out/x.ttl` creates out/ (like mkdir -p)."""
    target = tmp_path / "a" / "b" / "x.ttl"
    assert run_cli("export", "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(b"@prefix")


def test_answer_format_follows_the_output_suffix(run_cli, tmp_path: Path) -> None:
    """Issue: `answer -o x.html` wrote Markdown."""
    target = tmp_path / "x.html"
    code, _, err = run_cli("answer", "causes", "-o", str(target))
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_format_contradicting_the_suffix_is_refused(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli("answer", "causes", "--format", "md", "-o", str(tmp_path / "x.html"))
    assert code == 2 and "--format" in err and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_export_format_follows_the_output_suffix(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "graph.jsonld"
    assert run_cli("export", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").lstrip().startswith("{")
