"""Site pages -> sitemap.xml (a sitemap index past 50,000 URLs) and robots.txt (pure)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import PurePosixPath

from kursk_site import urls
from kursk_site.model import OutputFile

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000


def render_sitemap(
    base_url: str, pages: Sequence[tuple[PurePosixPath, datetime | None]], *, max_urls: int = MAX_URLS
) -> tuple[OutputFile, ...]:
    """sitemap.xml listing `pages` (path, last modified), split into numbered files under an index when large.

    Without a base_url the locations are relative to the sitemap, which search engines ignore; robots.txt then
    names no sitemap.
    """
    not_found = str(urls.NOT_FOUND)
    listed = [(path, moment) for path, moment in pages if str(path) != not_found]
    chunks = [listed[i : i + max_urls] for i in range(0, len(listed), max_urls)] or [[]]
    if len(chunks) == 1:
        files = [OutputFile(urls.SITEMAP, _urlset(base_url, chunks[0]), "sitemap")]
    else:
        files = []
        index = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
        for number, chunk in enumerate(chunks, 1):
            path = PurePosixPath(f"sitemap-{number}.xml")
            files.append(OutputFile(path, _urlset(base_url, chunk), "sitemap"))
            entry = ET.SubElement(index, "sitemap")
            ET.SubElement(entry, "loc").text = _loc(base_url, path)
        files.insert(0, OutputFile(urls.SITEMAP, _xml(index), "sitemap"))
    files.append(OutputFile(urls.ROBOTS, _robots(base_url).encode("utf-8"), "robots"))
    return tuple(files)


def _urlset(base_url: str, pages: Sequence[tuple[PurePosixPath, datetime | None]]) -> bytes:
    """The <urlset> as ElementTree writes it, indented, made as text (a sitemap lists every page of the site)."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path, moment in pages:
        lines.append(f"  <url>\n    <loc>{_text(_loc(base_url, path))}</loc>")
        if moment is not None:
            lines.append(f"    <lastmod>{moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>" if pages else "")
    if not pages:  # an empty element closes itself
        lines[1:] = [f'<urlset xmlns="{SITEMAP_NS}" />']
    return ("\n".join(lines) + "\n").encode("utf-8")


def _text(value: str) -> str:
    """XML character data, escaped as ElementTree escapes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _loc(base_url: str, path: PurePosixPath) -> str:
    return urls.absolute_url(base_url, path) or str(path)


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + data + b"\n"


def _robots(base_url: str) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines += ["", f"Sitemap: {urls.absolute_url(base_url, urls.SITEMAP)}"]
    return "\n".join(lines) + "\n"
