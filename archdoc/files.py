"""Writing files whole or not at all, and swapping complete folders into place.

Every file archdoc writes goes through here, so that a failure or a kill never leaves a
half-written file where the user looks for one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _current_umask()


def ordinary_permissions(path: Path) -> None:
    """Temporary files and folders are private (0600/0700); outputs are not."""
    path.chmod((0o777 if path.is_dir() else 0o666) & ~UMASK)


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write a file whole or not at all (text as UTF-8): a temporary file beside it,
    renamed over it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)
        ordinary_permissions(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def replace_folder(staged: Path, final: Path) -> None:
    """Put a complete folder in place of the old one, never leaving a mix of the two."""
    if final.exists():
        retired = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.old-"))
        final.rename(retired / final.name)
        staged.rename(final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staged.rename(final)
