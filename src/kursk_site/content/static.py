"""Static files (the stylesheet, images) copied into the output as they are."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from kursk_site.content.discover import display_path
from kursk_site.errors import BuildFailed, ContentError
from kursk_site.model import OutputFile


def collect_static(folders: tuple[tuple[Path, PurePosixPath], ...], root: Path) -> tuple[OutputFile, ...]:
    """Each (folder, output prefix) in order; for one output path the first folder holding it wins."""
    found: dict[PurePosixPath, OutputFile] = {}
    errors: list[ContentError] = []
    for folder, prefix in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if any(part.startswith(".") for part in rel.parts) or not path.is_file():
                continue
            out = prefix / PurePosixPath(rel.as_posix())
            if out in found:
                continue
            try:
                found[out] = OutputFile(out, path.read_bytes(), display_path(path, root))
            except OSError as e:
                errors.append(ContentError(display_path(path, root), 0, f"cannot read: {e.strerror or e}"))
    if errors:
        raise BuildFailed(errors)
    return tuple(found[key] for key in sorted(found))
