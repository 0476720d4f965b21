"""Where a new site's Pages workflow installs kursk-site from, decided from PEP 610's direct_url.json."""

from __future__ import annotations

import json
from pathlib import Path

from kursk_site.install_spec import GitLookup, InstallSpec, install_spec, public_url

COMMIT = "0123456789abcdef0123456789abcdef01234567"
CHECKOUT = Path("/home/editor/kursk-site")


def git_answers(answers: dict[tuple[str, ...], str | None]) -> tuple[list[tuple[Path, tuple[str, ...]]], GitLookup]:
    calls: list[tuple[Path, tuple[str, ...]]] = []

    def git(folder: Path, args: tuple[str, ...]) -> str | None:
        calls.append((folder, args))
        return answers.get(args)

    return calls, git


def checkout(origin: str | None, commit: str | None = COMMIT, prefix: str | None = "") -> GitLookup:
    return git_answers(
        {("remote", "get-url", "origin"): origin, ("rev-parse", "HEAD"): commit, ("rev-parse", "--show-prefix"): prefix}
    )[1]


def no_git(folder: Path, args: tuple[str, ...]) -> str | None:
    raise AssertionError(f"git should not be asked: {args}")


def local_dir(editable: bool = True) -> str:
    return json.dumps({"url": CHECKOUT.as_uri(), "dir_info": {"editable": editable}})


def test_installed_from_a_git_url_gives_that_url_at_the_exact_commit() -> None:
    direct_url = json.dumps(
        {
            "url": "https://github.com/desk/kursk-site.git",
            "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": COMMIT},
        }
    )
    assert install_spec(direct_url, "0.1.0", no_git) == InstallSpec(
        f"kursk-site @ git+https://github.com/desk/kursk-site.git@{COMMIT}", False
    )


def test_installed_from_an_ssh_git_url_gives_its_https_address() -> None:
    direct_url = json.dumps(
        {"url": "ssh://git@github.com/desk/kursk-site.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}
    )
    assert install_spec(direct_url, "0.1.0", no_git).requirement == (
        f"kursk-site @ git+https://github.com/desk/kursk-site.git@{COMMIT}"
    )


def test_credentials_in_the_git_url_are_never_written() -> None:
    direct_url = json.dumps(
        {"url": "https://editor:secret@github.com/desk/kursk-site", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}
    )
    assert install_spec(direct_url, "0.1.0", no_git).requirement == (
        f"kursk-site @ git+https://github.com/desk/kursk-site@{COMMIT}"
    )


def test_a_subdirectory_is_kept() -> None:
    direct_url = json.dumps(
        {
            "url": "https://github.com/desk/tools",
            "subdirectory": "kursk-site",
            "vcs_info": {"vcs": "git", "commit_id": COMMIT},
        }
    )
    assert install_spec(direct_url, "0.1.0", no_git).requirement == (
        f"kursk-site @ git+https://github.com/desk/tools@{COMMIT}#subdirectory=kursk-site"
    )


def test_a_git_url_without_a_full_commit_falls_back_to_the_index() -> None:
    direct_url = json.dumps(
        {"url": "https://github.com/desk/kursk-site", "vcs_info": {"vcs": "git", "commit_id": "v1"}}
    )
    assert install_spec(direct_url, "0.1.0", no_git) == InstallSpec("kursk-site==0.1.0", True)


def test_another_vcs_falls_back_to_the_index() -> None:
    direct_url = json.dumps({"url": "https://hg.example.org/kursk", "vcs_info": {"vcs": "hg", "commit_id": COMMIT}})
    assert install_spec(direct_url, "0.1.0", no_git) == InstallSpec("kursk-site==0.1.0", True)


def test_a_local_checkout_with_an_https_origin_gives_origin_at_head() -> None:
    calls, git = git_answers(
        {
            ("remote", "get-url", "origin"): "https://github.com/desk/kursk-site.git",
            ("rev-parse", "HEAD"): COMMIT,
            ("rev-parse", "--show-prefix"): "",
        }
    )
    assert install_spec(local_dir(), "0.1.0", git) == InstallSpec(
        f"kursk-site @ git+https://github.com/desk/kursk-site.git@{COMMIT}", False
    )
    assert {folder for folder, _ in calls} == {CHECKOUT}


def test_a_local_checkout_with_an_ssh_origin_gives_its_https_address() -> None:
    git = checkout("git@github.com:desk/kursk-site.git")
    assert install_spec(local_dir(editable=False), "0.1.0", git).requirement == (
        f"kursk-site @ git+https://github.com/desk/kursk-site.git@{COMMIT}"
    )


def test_a_local_checkout_in_a_subfolder_of_its_repository_names_the_subdirectory() -> None:
    git = checkout("https://github.com/desk/tools", prefix="kursk-site/")
    assert install_spec(local_dir(), "0.1.0", git).requirement == (
        f"kursk-site @ git+https://github.com/desk/tools@{COMMIT}#subdirectory=kursk-site"
    )


def test_a_local_folder_that_is_not_a_git_checkout_falls_back_to_the_index() -> None:
    git = checkout(None, None, None)
    assert install_spec(local_dir(), "0.1.0", git) == InstallSpec("kursk-site==0.1.0", True)


def test_a_local_checkout_without_a_public_origin_falls_back_to_the_index() -> None:
    for origin in (None, "/srv/git/kursk-site.git", "http://github.com/desk/kursk-site", "file:///srv/kursk"):
        git = checkout(origin)
        assert install_spec(local_dir(), "0.1.0", git).fallback, origin


def test_a_local_checkout_without_a_head_commit_falls_back_to_the_index() -> None:
    git = checkout("https://github.com/desk/kursk-site", commit=None)
    assert install_spec(local_dir(), "0.1.0", git) == InstallSpec("kursk-site==0.1.0", True)


def test_no_direct_url_means_installed_from_an_index() -> None:
    assert install_spec(None, "0.1.0", no_git) == InstallSpec("kursk-site==0.1.0", True)


def test_an_archive_url_falls_back_to_the_index() -> None:
    direct_url = json.dumps({"url": "https://example.org/kursk_site-0.1.0.tar.gz", "archive_info": {}})
    assert install_spec(direct_url, "0.1.0", no_git) == InstallSpec("kursk-site==0.1.0", True)


def test_malformed_direct_url_json_falls_back_to_the_index() -> None:
    for text in ("{not json", "[]", '{"url": 3, "dir_info": {}}', '"text"', ""):
        assert install_spec(text, "0.2.0", no_git) == InstallSpec("kursk-site==0.2.0", True), text


def test_public_url_turns_ssh_addresses_into_https_and_refuses_others() -> None:
    assert public_url("git@gitlab.com:desk/kursk.git") == "https://gitlab.com/desk/kursk.git"
    assert public_url("ssh://git@github.com:22/desk/kursk") == "https://github.com/desk/kursk"
    assert public_url("https://github.com") is None
    assert public_url("https://localhost/desk/kursk") is None
    assert public_url("git://github.com/desk/kursk") is None
