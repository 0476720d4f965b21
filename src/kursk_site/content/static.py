"""Static files (the stylesheet, images) copied into the output as they are."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from kursk_site.content.discover import display_path
from kursk_site.errors import BuildFailed, ContentError
from kursk_site.model import OutputFile
from kursk_site.walk import walk_once


def collect_static(folders: tuple[tuple[Path, PurePosixPath], ...], root: Path) -> tuple[OutputFile, ...]:
    """Each (folder, output prefix) in order; for one output path the first folder holding it wins.

    The files are not read here: the writer copies them. A symbolic link is followed only to a file or folder inside
    the site folder or inside the folder it was found in, so that nothing from elsewhere on the machine is published.
    Hidden files and folders are left out.
    """
    found: dict[PurePosixPath, OutputFile] = {}
    errors: list[ContentError] = []
    site = root.resolve()
    for folder, prefix in folders:
        if not folder.is_dir():
            continue
        inside = folder.resolve()
        for dirpath, dirnames, filenames in walk_once(folder, aliases=True):
            here = Path(dirpath)
            dirnames[:] = [name for name in dirnames if not name.startswith(".")]
            if not _within(here.resolve(), site, inside):  # a link to a folder elsewhere
                errors.append(ContentError(display_path(here, root), 0, _outside("folder")))
                dirnames[:] = []
                continue
            for name in filenames:
                path = here / name
                if name.startswith(".") or not path.is_file():
                    continue
                out = prefix / PurePosixPath(path.relative_to(folder).as_posix())
                if out in found:
                    continue
                shown = display_path(path, root)
                if not _within(path.resolve(), site, inside):
                    errors.append(ContentError(shown, 0, _outside("file")))
                    continue
                found[out] = OutputFile(out, b"", shown, source=path)
    if errors:
        raise BuildFailed(errors)
    return tuple(found[key] for key in sorted(found))


def _outside(kind: str) -> str:
    return f"refusing to copy: it links to a {kind} outside the site folder"


def _within(target: Path, site: Path, folder: Path) -> bool:
    return target.is_relative_to(site) or target.is_relative_to(folder)
