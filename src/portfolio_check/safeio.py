"""Opening files that an attacker may have planted: no special files, no unbounded reads, no links out of a root.

Every file the tool itself reads (configuration, checklists, manifests, ``--compare`` reports, ``.gitignore`` and
git metadata) goes through :func:`read_capped`; every report it writes goes through :func:`write_text`.

* A FIFO, a device, a socket or a folder is refused, and opening one never blocks (``O_NONBLOCK``).
* At most ``cap + 1`` bytes are read: a larger file is refused, whatever its size.
* With ``inside=ROOT`` a file whose real path leaves ROOT is refused before it is opened.
* A report is never written through a symbolic link (``O_NOFOLLOW``), into a special file or a file with other
  hard links, nor below a link planted inside a scanned folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

KIB, MIB = 1024, 1024 * 1024
#: size limits of the files the tool reads (a larger one is a one-line error or warning)
CONFIG_LIMIT = MIB
CHECKLIST_LIMIT = MIB
MANIFEST_LIMIT = 4 * MIB
COMPARE_LIMIT = 16 * MIB
IGNORE_LIMIT = MIB

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class UnsafeFile(Exception):
    """A file that is refused: special, too large, or leading out of its root. The message is one short clause."""


def human_size(n: int) -> str:
    return f"{n // MIB} MiB" if n >= MIB and n % MIB == 0 else f"{n // KIB} KiB" if n >= KIB else f"{n} bytes"


def kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def is_inside(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """True when the real path of ``path`` is ``root`` or below it (both resolved)."""
    p, r = os.path.realpath(path), os.path.realpath(root)
    return p == r or p.startswith(r.rstrip(os.sep) + os.sep)


def read_capped(path: str | os.PathLike[str], cap: int, *, inside: str | os.PathLike[str] | None = None) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes; UnsafeFile otherwise (OSError when it cannot be opened).

    ``inside``: the file's real path must lie under this folder, and the file is opened by that real path with
    ``O_NOFOLLOW``, so a link cannot be swapped in between the check and the open.
    """
    target = os.fspath(path)
    flags = os.O_RDONLY | _NONBLOCK | _NOCTTY | _CLOEXEC
    if inside is not None:
        real = os.path.realpath(target)
        if not is_inside(real, inside):
            raise UnsafeFile("a link leading outside the folder")
        target, flags = real, flags | _NOFOLLOW
    fd = os.open(target, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(kind(st.st_mode))
        if st.st_size > cap:
            raise UnsafeFile(f"larger than the {human_size(cap)} limit")
        chunks, total = [], 0
        while total <= cap:
            chunk = os.read(fd, min(MIB, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > cap:
        raise UnsafeFile(f"larger than the {human_size(cap)} limit")
    return b"".join(chunks)


def read_text_capped(path: str | os.PathLike[str], cap: int, *, inside: str | os.PathLike[str] | None = None) -> str:
    """:func:`read_capped` decoded as UTF-8 (UnicodeDecodeError when it is not)."""
    return read_capped(path, cap, inside=inside).decode("utf-8")


def _absolute(path: str | os.PathLike[str]) -> str:
    """The absolute path with '..' removed as text (the path later opened is this one, checked)."""
    return os.path.normpath(Path.cwd() / path)


def check_parents(path: str | os.PathLike[str], roots: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse ``path`` when a folder on the way to it is a symbolic link planted inside one of ``roots``.

    Links above a root (a home folder reached through a link, the root given as a link) are the user's own and
    are followed; links below a root were put there by whoever controls the scanned folder.
    """
    real_roots = [os.path.realpath(r) for r in roots]
    current = str(Path(os.sep).resolve())
    for part in Path(_absolute(path)).parent.parts[1:]:
        step = str(Path(current, part))
        try:
            st = os.lstat(step)
        except FileNotFoundError:
            return  # the rest does not exist yet: it will be created as plain folders
        if stat.S_ISLNK(st.st_mode):
            if any(is_inside(current, r) for r in real_roots):
                raise UnsafeFile(f"{step} is a symbolic link inside a scanned folder")
            step = os.path.realpath(step)
        current = step


def write_text(path: str | os.PathLike[str], text: str, *, roots: Iterable[str | os.PathLike[str]] = (),
               append: bool = False) -> None:
    """Write (or append) ``text`` as UTF-8, never through a link or into a special file; UnsafeFile or OSError."""
    target = _absolute(path)
    check_parents(target, roots)
    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _NOCTTY | _CLOEXEC | (os.O_APPEND if append else 0)
    try:
        fd = os.open(target, flags, 0o666)
    except OSError:
        try:
            mode = os.lstat(target).st_mode
        except OSError:
            mode = stat.S_IFREG
        if stat.S_ISLNK(mode):
            raise UnsafeFile("a symbolic link; refusing to write through it") from None
        if not stat.S_ISREG(mode):
            raise UnsafeFile(kind(mode)) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(kind(st.st_mode))
        if st.st_nlink > 1:
            raise UnsafeFile("a file with other hard links; refusing to overwrite it")
        if not append:
            os.ftruncate(fd, 0)
        data = text.encode("utf-8")
        while data:
            written = os.write(fd, data)
            data = data[written:]
    finally:
        os.close(fd)
