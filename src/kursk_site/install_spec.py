"""Where a new site's Pages workflow installs kursk-site from: the Git commit this copy came from, else the index."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import url2pathname

from kursk_site import __version__
from kursk_site.values import Value

DISTRIBUTION = "kursk-site"
COMMIT_RE = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
"""A full Git commit id (SHA-1, or SHA-256)."""
SCP_RE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+\.[a-z]{2,}):(?P<path>[\w.-]+/[\w./-]+)$", re.IGNORECASE)
"""`git@github.com:owner/repo.git`, Git's short form of an SSH address."""
GIT_TIMEOUT = 5.0
"""Seconds a `git` look-up may take before it counts as failed."""

GitLookup = Callable[[Path, tuple[str, ...]], str | None]
"""Runs `git -C FOLDER ARGS...`: its output without the line end, or None when it fails."""


@dataclass(frozen=True, slots=True, repr=False)
class InstallSpec(Value):
    """One pip requirement line for kursk-site."""

    requirement: str
    """`kursk-site @ git+https://HOST/OWNER/REPO@COMMIT`, or `kursk-site==VERSION`."""
    fallback: bool
    """True when no Git address was found, so the requirement is a version pin on the package index."""


def install_spec(direct_url: str | None, version: str, git: GitLookup) -> InstallSpec:
    """The requirement that installs this same kursk-site, from PEP 610's direct_url.json (None: from an index)."""
    source = _git_source(direct_url, git)
    if source is None:
        return InstallSpec(f"{DISTRIBUTION}=={version}", True)
    url, commit, subdirectory = source
    fragment = f"#subdirectory={subdirectory}" if subdirectory else ""
    return InstallSpec(f"{DISTRIBUTION} @ git+{url}@{commit}{fragment}", False)


def running_install_spec() -> InstallSpec:
    """The requirement for the kursk-site that is running now."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
        direct_url, version = dist.read_text("direct_url.json"), dist.version
    except metadata.PackageNotFoundError:  # run from a source folder that was never installed
        direct_url, version = None, __version__
    return install_spec(direct_url, version, run_git)


def run_git(folder: Path, args: tuple[str, ...]) -> str | None:
    """`git -C folder args...` with a time limit; None when git is missing, fails or takes too long."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def public_url(url: str) -> str | None:
    """An https address others can clone from for `url` (https, ssh:// or git@host:path), without credentials."""
    url = url.strip()
    if match := SCP_RE.match(url):
        return f"https://{match['host']}/{match['path']}"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("https", "ssh") or not host or "." not in host or not parts.path.strip("/") or parts.query:
        return None
    if parts.scheme == "https" and parts.port and parts.port != 443:
        host = f"{host}:{parts.port}"
    return urlunsplit(("https", host, parts.path, "", ""))


def _git_source(direct_url: str | None, git: GitLookup) -> tuple[str, str, str] | None:
    """(https address, commit, subdirectory) this copy was installed from, or None."""
    if direct_url is None:
        return None
    try:
        data = json.loads(direct_url)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    given = data.get("subdirectory")
    subdirectory = given.strip("/") if isinstance(given, str) else ""
    vcs, folder = data.get("vcs_info"), data.get("dir_info")
    if isinstance(vcs, dict):
        commit = vcs.get("commit_id")
        url = public_url(data["url"])
        if vcs.get("vcs") != "git" or not isinstance(commit, str) or not COMMIT_RE.match(commit) or url is None:
            return None
        return url, commit, subdirectory
    if isinstance(folder, dict):
        return _checkout_source(data["url"], git)
    return None


def _checkout_source(file_url: str, git: GitLookup) -> tuple[str, str, str] | None:
    """The origin address and HEAD commit of the Git checkout kursk-site was installed from (a `file://` URL)."""
    parts = urlsplit(file_url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    folder = Path(url2pathname(parts.path))
    origin = git(folder, ("remote", "get-url", "origin"))
    commit = git(folder, ("rev-parse", "HEAD"))
    prefix = git(folder, ("rev-parse", "--show-prefix"))
    url = public_url(origin) if origin else None
    if url is None or commit is None or not COMMIT_RE.match(commit) or prefix is None:
        return None
    return url, commit, prefix.strip("/")
