"""Static files (the stylesheet, images) copied into the output as they are."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from kursk_site.content.discover import display_path
from kursk_site.errors import BuildFailed, ContentError
from kursk_site.model import OutputFile


def collect_static(folders: tuple[tuple[Path, PurePosixPath], ...], root: Path) -> tuple[OutputFile, ...]:
    """Each (folder, output prefix) in order; for one output path the first folder holding it wins.

    The files are not read here: the writer copies them. A symbolic link is followed only to a file inside the
    site folder or inside the folder it was found in, so that nothing from elsewhere on the machine is published.
    """
    found: dict[PurePosixPath, OutputFile] = {}
    errors: list[ContentError] = []
    site = root.resolve()
    for folder, prefix in folders:
        if not folder.is_dir():
            continue
        inside = folder.resolve()
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if any(part.startswith(".") for part in rel.parts) or not path.is_file():
                continue
            out = prefix / PurePosixPath(rel.as_posix())
            if out in found:
                continue
            shown = display_path(path, root)
            target = path.resolve()
            if not (target.is_relative_to(site) or target.is_relative_to(inside)):
                errors.append(ContentError(shown, 0, "refusing to copy: it links to a file outside the site folder"))
                continue
            found[out] = OutputFile(out, b"", shown, source=path)
    if errors:
        raise BuildFailed(errors)
    return tuple(found[key] for key in sorted(found))
