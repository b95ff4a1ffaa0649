"""The GitHub client: content-creation pacing seen from a loopback server, and a token that never leaks."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from converter.push import github
from converter.push.github import AuthError, GitHub, GitHubError, Reply, UnavailableError, redact

TOKEN = "ghp_SECRETTOKEN123"
#: The server sees a request a little after the client's clock says it was sent; this is that slack.
SLACK = 0.03


class _Recorder(BaseHTTPRequestHandler):
    """Answers 201 to writes and 200 to reads; ``/echo-auth`` answers 401 quoting the Authorization header."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no delayed-ACK stalls between a reply's headers and body

    def _serve(self) -> None:
        arrived = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        server: RecordingServer = self.server  # type: ignore[assignment]
        with server.lock:
            server.seen.append((self.command, self.path, arrived))
        body: dict[str, object]
        if self.path == "/echo-auth":
            status, body = 401, {"message": f"Bad credentials: {self.headers.get('Authorization')}"}
        else:
            status, body = (201 if self.command != "GET" else 200), {"ok": True}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


class RecordingServer(ThreadingHTTPServer):
    """A loopback HTTP server that records (method, path, arrival time) for every request."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.seen: list[tuple[str, str, float]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def times(self, method: str) -> list[float]:
        with self.lock:
            return [t for m, _, t in self.seen if m == method]


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    recording = RecordingServer()
    thread = threading.Thread(target=recording.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield recording
    recording.shutdown()
    recording.server_close()
    thread.join(5)


@pytest.fixture
def client(server: RecordingServer) -> Iterator[GitHub]:
    gh = GitHub(server.url, TOKEN, retries=0, backoff=0.01, pause=0.0)
    gh.send("GET", "/user")  # opens the connection, so that no timed request pays for it
    yield gh
    gh.close()


def most_in_a_window(times: list[float], window: float) -> int:
    """The largest number of ``times`` inside any half-open interval of length ``window``."""
    return max((sum(start <= t < start + window for t in times) for start in times), default=0)


def test_content_creation_stays_under_the_window_limit_and_a_pause_apart(
    server: RecordingServer, client: GitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(github, "CONTENT_LIMITS", ((1.0, 3),))
    client.pause = 0.15
    replies = [client.send("POST", f"/repos/o/r/git/refs/{i}", body={"ref": f"b{i}"}) for i in range(5)]
    assert [r.status for r in replies] == [201] * 5
    posts = server.times("POST")
    assert len(posts) == 5
    assert most_in_a_window(posts, 1.0 - SLACK) <= 3
    assert posts[3] - posts[0] >= 1.0 - SLACK  # the fourth waited for the first to leave the window
    gaps = [b - a for a, b in itertools.pairwise(posts)]
    assert min(gaps) >= 0.15 - SLACK


def test_every_limit_applies_at_once(
    server: RecordingServer, client: GitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(github, "CONTENT_LIMITS", ((0.3, 2), (1.0, 3)))
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        client.send(method, "/repos/o/r/contents/a.gpml", body={})
    writes = [t for m, _, t in server.seen if m != "GET"]
    assert len(writes) == 4
    assert most_in_a_window(writes, 0.3 - SLACK) <= 2
    assert most_in_a_window(writes, 1.0 - SLACK) <= 3


def test_reads_are_not_paced(
    server: RecordingServer, client: GitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(github, "CONTENT_LIMITS", ((3.0, 1),))
    client.pause = 3.0
    client.send("POST", "/repos/o/r/forks")  # a write now would wait 3 s
    started = time.monotonic()
    for _ in range(5):
        assert client.send("GET", "/repos/o/r").status == 200
    assert time.monotonic() - started < 1.0
    assert len(server.times("GET")) == 6


def test_redact_hides_every_occurrence_of_the_secret() -> None:
    text = f"Authorization: Bearer {TOKEN}; again {TOKEN}"
    assert redact(text, TOKEN) == "Authorization: Bearer ***; again ***"
    assert TOKEN not in redact(text, TOKEN)


@pytest.mark.parametrize("secret", [None, ""])
def test_redact_without_a_secret_changes_nothing(secret: str | None) -> None:
    assert redact("nothing to hide", secret) == "nothing to hide"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, AuthError),
        (403, GitHubError),
        (404, GitHubError),
        (409, GitHubError),
        (422, GitHubError),
        (500, UnavailableError),
        (418, GitHubError),
    ],
)
def test_errors_never_carry_the_token(status: int, kind: type[GitHubError]) -> None:
    gh = GitHub("https://api.github.com", TOKEN, offline=lambda method, path: Reply(200, None, {}))
    leaky = Reply(status, {"message": f"bad {TOKEN}", "errors": [{"message": f"token {TOKEN}"}]}, {})
    error = gh.error("PUT", f"/repos/o/r/contents/{TOKEN}.gpml", leaky)
    assert type(error) is kind and error.status == status
    assert TOKEN not in str(error)
    assert "***" in str(error)


def test_a_rejected_token_quoted_back_by_the_server_is_not_repeated(
    server: RecordingServer, client: GitHub
) -> None:
    with pytest.raises(AuthError) as caught:
        client.get("/echo-auth")
    assert TOKEN not in str(caught.value)
    assert "Bearer ***" in str(caught.value)


def test_request_lines_never_carry_the_token(server: RecordingServer) -> None:
    lines: list[str] = []
    gh = GitHub(server.url, TOKEN, retries=0, pause=0.0, on_request=lines.append)
    try:
        gh.send("POST", "/repos/o/r/pulls", body={"title": f"draft {TOKEN}", "body": TOKEN})
        gh.send("GET", "/repos/o/r/pulls", params={"head": TOKEN})
    finally:
        gh.close()
    assert len(lines) == 2 and all(line.startswith(("POST ", "GET ")) for line in lines)
    assert not any(TOKEN in line for line in lines)
