"""A page watcher for the browser tests: console errors, script errors, failed and third-party requests."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import ConsoleMessage, Page, Request, Response


@dataclass
class Watch:
    """Everything that went wrong on a page since it was opened, as readable lines."""

    root: str
    """The site's own address; any request elsewhere is a third-party request."""
    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: script error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("request", self._request)
        page.on("response", self._response)
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text} ({message.location.get('url', '')})")

    def _failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED":  # cancelled because the test moved on (e.g. a late favicon)
            return
        self.problems.append(f"request failed: {request.url}: {request.failure}")

    def _request(self, request: Request) -> None:
        if not (request.url.startswith(self.root) or request.url.startswith("data:")):
            self.problems.append(f"third-party request: {request.url}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")
