"""Backup of a whole data directory to one archive file, and restore from it, checked by SHA-256.

The archive is a gzip tar holding the files and ``MANIFEST.json`` (path -> size, sha256).
Backup reads each file once (hashing exactly the bytes archived; store files are replaced
atomically, so each is a consistent day) and writes the archive atomically. Restore extracts
into a staging directory beside the target, verifies every file against the manifest, and
only then swaps it into place (the previous directory is kept as ``DIR.before-restore-N``).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
from pathlib import Path, PurePosixPath
from typing import Callable

from firmware.store.durable import TMP_SUFFIX, fsync_dir, write_atomic

MANIFEST = "MANIFEST.json"
Progress = Callable[[int, int], None]      # (files done, files total)


class BackupError(Exception):
    """The archive is unusable or does not match its manifest (message says which file)."""


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and p.name != ".lock" and not p.name.endswith(TMP_SUFFIX))


def backup(data_dir: Path | str, archive: Path | str, progress: Progress | None = None) -> dict:
    """Write ``archive``; returns {"files": N, "bytes": N}."""
    root = Path(data_dir)
    if not root.is_dir():
        raise BackupError(f"{root}: no such data directory")
    files = _files(root)
    manifest, buffer, total = {}, io.BytesIO(), 0
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for i, path in enumerate(files):
            data = path.read_bytes()
            name = path.relative_to(root).as_posix()
            manifest[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), int(path.stat().st_mtime), 0o640
            tar.addfile(info, io.BytesIO(data))
            total += len(data)
            if progress:
                progress(i + 1, len(files))
        blob = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(blob)
        tar.addfile(info, io.BytesIO(blob))
    write_atomic(archive, buffer.getvalue())
    return {"files": len(files), "bytes": total}


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def verify(archive: Path | str, extract_to: Path | None = None, progress: Progress | None = None) -> dict:
    """Check every file of ``archive`` against its manifest (optionally extracting them)."""
    try:
        tar = tarfile.open(archive, mode="r:gz")
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{archive}: not a readable backup archive ({exc})") from None
    with tar:
        try:
            members = {m.name: m for m in tar.getmembers()}
            if MANIFEST not in members:
                raise BackupError(f"{archive}: no {MANIFEST} (not an e1desk backup)")
            manifest = json.loads(tar.extractfile(members[MANIFEST]).read())
            names = sorted(n for n in members if n != MANIFEST)
            if set(names) != set(manifest):
                missing = sorted(set(manifest) - set(names))
                extra = sorted(set(names) - set(manifest))
                raise BackupError(f"{archive}: files do not match the manifest (missing {missing[:5]}, extra {extra[:5]})")
            for i, name in enumerate(names):
                member = members[name]
                if not member.isfile() or not _safe_name(name):
                    raise BackupError(f"{archive}: {name}: not a plain file inside the data directory")
                data = tar.extractfile(member).read()
                if hashlib.sha256(data).hexdigest() != manifest[name]["sha256"] or len(data) != manifest[name]["size"]:
                    raise BackupError(f"{archive}: {name}: checksum mismatch (archive damaged)")
                if extract_to is not None:
                    target = extract_to / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    write_atomic(target, data)
                if progress:
                    progress(i + 1, len(names))
        except (OSError, tarfile.TarError, EOFError, ValueError) as exc:
            raise BackupError(f"{archive}: damaged archive ({exc})") from None
    return {"files": len(names), "bytes": sum(m["size"] for m in manifest.values())}


def restore(archive: Path | str, data_dir: Path | str, progress: Progress | None = None) -> dict:
    """Replace ``data_dir`` by the archive's content once every file has been verified."""
    target = Path(data_dir)
    staging = target.with_name(target.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        result = verify(archive, extract_to=staging, progress=progress)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    kept = None
    if target.exists():
        n = 1
        while target.with_name(f"{target.name}.before-restore-{n}").exists():
            n += 1
        kept = target.with_name(f"{target.name}.before-restore-{n}")
        os.replace(target, kept)
    os.replace(staging, target)
    fsync_dir(target.parent)
    result["previous"] = str(kept) if kept else None
    return result
