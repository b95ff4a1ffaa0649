"""A fake GitHub REST API on loopback, for testing ``push`` offline.

A real HTTP server (``ThreadingHTTPServer`` on 127.0.0.1, port 0, in a thread) keeps repositories, git refs,
file contents and pull requests in memory, records every request (method, path, query, headers, JSON body)
and can be scripted to fail: ``fake.fail("POST", r"/repos/.*/pulls", 502, after=True)`` answers the next
matching request with 502 -- after doing the work when ``after`` is true, as a lost answer would.

It implements what ``push`` uses, the way GitHub answers it: ``GET /user``, ``GET /repos/{o}/{r}``,
``POST .../forks`` (202; the fork appears only after ``fork_delay`` 404s), ``GET .../git/ref/heads/{b}``,
``POST .../git/refs`` (422 when it exists), ``GET``/``PUT .../contents/{path}`` (422 without ``sha`` for an
existing file, 409 for a stale ``sha``), ``GET``/``POST .../pulls`` (422 for a second open pull request from
the same head) and ``PATCH .../pulls/{n}``. A wrong token gets 401 "Bad credentials".
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["FakeGitHub", "FakeRepo", "Recorded"]

Answer = tuple[int, dict[str, str], Any]


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int


@dataclass
class FakeRepo:
    """A repository: branches point at commits (``FakeGitHub.commits``); pull requests live on the base."""

    full_name: str
    default_branch: str = "main"
    refs: dict[str, str] = field(default_factory=dict)
    parent: str | None = None
    pulls: list[dict[str, Any]] = field(default_factory=list)
    hidden: int = 0  # answers 404 this many more times (a fork still being made)
    push: bool = True

    @property
    def owner(self) -> str:
        return self.full_name.split("/")[0]


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str]
    body: Any
    after: bool


class FakeGitHub:
    """The fake API; use as a context manager (``with FakeGitHub() as fake: fake.url``)."""

    def __init__(
        self, user: str = "octo-user", token: str = "ghp_SECRETTOKEN123", fork_delay: int = 0
    ) -> None:
        self.user, self.token, self.fork_delay = user, token, fork_delay
        self.repos: dict[str, FakeRepo] = {}
        self.commits: dict[str, dict[str, bytes]] = {}
        self.requests: list[Recorded] = []
        self._failures: list[_Failure] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Answer]]] = [
            ("GET", re.compile(r"/user"), self._get_user),
            ("GET", re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)"), self._get_repo),
            ("POST", re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/forks"), self._fork),
            ("GET", re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/git/ref/heads/(?P<branch>.+)"), self._get_ref),
            ("POST", re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/git/refs"), self._create_ref),
            ("GET", re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/contents/(?P<path>.+)"), self._get_file),
            ("PUT", re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/contents/(?P<path>.+)"), self._put_file),
            ("GET", re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/pulls"), self._list_pulls),
            ("POST", re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/pulls"), self._create_pull),
            ("PATCH", re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/pulls/(?P<number>\d+)"), self._update_pull),
        ]

    # -- lifecycle and set-up -------------------------------------------------------------------------

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    @property
    def url(self) -> str:
        """The API root, e.g. ``http://127.0.0.1:54321``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add_repo(self, full_name: str, files: dict[str, bytes] | None = None, **kwargs: Any) -> FakeRepo:
        """A repository whose default branch holds ``files`` in one commit."""
        repo = FakeRepo(full_name, **kwargs)
        repo.refs.setdefault(repo.default_branch, self._commit(None, dict(files or {"README.md": b"hi\n"})))
        self.repos[full_name] = repo
        return repo

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
        after: bool = False,
    ) -> None:
        """Answer the next ``times`` requests matching ``method`` and the regex ``path`` with ``status``."""
        body = body if body is not None else {"message": f"scripted {status}"}
        for _ in range(times):
            self._failures.append(_Failure(method, re.compile(path), status, headers or {}, body, after))

    def calls(self, method: str | None = None, path: str = "") -> list[Recorded]:
        """Recorded requests with this method (any if ``None``) whose path matches the regex ``path``."""
        return [
            r for r in self.requests if (method is None or r.method == method) and re.search(path, r.path)
        ]

    def file(self, repo: str, branch: str, path: str) -> bytes | None:
        """The bytes of ``path`` on ``branch``, or ``None``."""
        sha = self.repos[repo].refs.get(branch)
        return self.commits[sha].get(path) if sha else None

    # -- dispatch ---------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Answer:
        """Answer a request (a scripted failure, 401, a route, or 404) and record it with the status given."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = json.loads(raw) if raw else None
        with self._lock:
            answer = self._answer(method, path, query, headers, body)
            self.requests.append(Recorded(method, path, query, headers, body, answer[0]))
        return answer

    def _answer(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: Any
    ) -> Answer:
        failure = next((f for f in self._failures if f.method == method and f.pattern.fullmatch(path)), None)
        if failure is not None:
            self._failures.remove(failure)
            if failure.after:
                self._route(method, path, query, body)
            return failure.status, failure.headers, failure.body
        if headers.get("authorization") not in (f"Bearer {self.token}", f"token {self.token}"):
            return (
                401,
                {},
                {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
            )
        return self._route(method, path, query, body)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> Answer:
        for verb, pattern, action in self._routes:
            match = pattern.fullmatch(path)
            if verb == method and match:
                return action(query=query, body=body, **match.groupdict())
        return _not_found()

    # -- endpoints --------------------------------------------------------------------------------------

    def _get_user(self, **_: Any) -> Answer:
        return 200, {}, {"login": self.user, "id": 1}

    def _get_repo(self, repo: str, **_: Any) -> Answer:
        found = self.repos.get(repo)
        if found is None:
            return _not_found()
        if found.hidden > 0:
            found.hidden -= 1
            return _not_found()
        return 200, {}, self._repo_json(found)

    def _fork(self, repo: str, **_: Any) -> Answer:
        source = self.repos.get(repo)
        if source is None:
            return _not_found()
        name = f"{self.user}/{repo.split('/')[1]}"
        if name not in self.repos:
            branch = source.default_branch
            self.repos[name] = FakeRepo(
                name, branch, {branch: source.refs[branch]}, parent=repo, hidden=self.fork_delay
            )
        return 202, {}, self._repo_json(self.repos[name])

    def _get_ref(self, repo: str, branch: str, **_: Any) -> Answer:
        found = self.repos.get(repo)
        if found is None or branch not in found.refs:
            return _not_found()
        return 200, {}, _ref_json(branch, found.refs[branch])

    def _create_ref(self, repo: str, body: Any, **_: Any) -> Answer:
        found = self.repos.get(repo)
        if found is None:
            return _not_found()
        branch, sha = str(body["ref"]).removeprefix("refs/heads/"), body["sha"]
        if branch in found.refs:
            return 422, {}, {"message": "Reference already exists"}
        if sha not in self.commits:
            return 422, {}, {"message": "Object does not exist"}
        found.refs[branch] = sha
        return 201, {}, _ref_json(branch, sha)

    def _get_file(self, repo: str, path: str, query: dict[str, str], **_: Any) -> Answer:
        found = self.repos.get(repo)
        if found is None:
            return _not_found()
        sha = found.refs.get(query.get("ref", found.default_branch))
        data = self.commits[sha].get(path) if sha else None
        if data is None:
            return _not_found()
        encoded = base64.b64encode(data).decode()
        content = "\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60)) + "\n"
        name = path.rsplit("/", 1)[-1]
        return 200, {}, {"type": "file", "encoding": "base64", "name": name, "path": path,
                         "sha": blob_sha(data), "size": len(data), "content": content}  # fmt: skip

    def _put_file(self, repo: str, path: str, body: Any, **_: Any) -> Answer:
        found = self.repos.get(repo)
        branch = body.get("branch") or (found.default_branch if found else "")
        if found is None or branch not in found.refs:
            return _not_found()
        files = dict(self.commits[found.refs[branch]])
        old = files.get(path)
        if old is not None and "sha" not in body:
            return 422, {}, {"message": 'Invalid request.\n\n"sha" wasn\'t supplied.'}
        if old is not None and body["sha"] != blob_sha(old):
            return 409, {}, {"message": f"{path} does not match {body['sha']}"}
        files[path] = base64.b64decode(body["content"])
        found.refs[branch] = commit = self._commit(found.refs[branch], files)
        content = {"path": path, "sha": blob_sha(files[path])}
        return (200 if old is not None else 201), {}, {"content": content, "commit": {"sha": commit}}

    def _list_pulls(self, repo: str, query: dict[str, str], **_: Any) -> Answer:
        found = self.repos.get(repo)
        if found is None:
            return _not_found()
        state = query.get("state", "open")
        pulls = [
            p for p in found.pulls
            if (state == "all" or p["state"] == state)
            and query.get("head", p["head"]["label"]) == p["head"]["label"]
            and query.get("base", p["base"]["ref"]) == p["base"]["ref"]
        ]  # fmt: skip
        return 200, {}, pulls

    def _create_pull(self, repo: str, body: Any, **_: Any) -> Answer:
        found = self.repos.get(repo)
        if found is None:
            return _not_found()
        owner, _colon, branch = str(body.get("head", "")).rpartition(":")
        head = self._head_repo(found, owner or found.owner)
        if not body.get("title") or head is None or branch not in head.refs:
            return 422, {}, _invalid("head" if body.get("title") else "title")
        if body.get("base") not in found.refs:
            return 422, {}, _invalid("base")
        label = f"{head.owner}:{branch}"
        if any(p["state"] == "open" and p["head"]["label"] == label for p in found.pulls):
            exists = f"A pull request already exists for {label}."
            error = {"resource": "PullRequest", "code": "custom", "message": exists}
            return 422, {}, {"message": "Validation Failed", "errors": [error]}
        pull = self.add_pull(repo, label, body["base"], title=body["title"], body=body.get("body", ""))
        pull["draft"] = bool(body.get("draft", False))
        return 201, {}, pull

    def _update_pull(self, repo: str, number: str, body: Any, **_: Any) -> Answer:
        found = self.repos.get(repo)
        pull = next((p for p in (found.pulls if found else []) if p["number"] == int(number)), None)
        if pull is None:
            return _not_found()
        pull.update({k: body[k] for k in ("title", "body", "state") if k in body})
        return 200, {}, pull

    # -- helpers ----------------------------------------------------------------------------------------

    def add_pull(
        self, repo: str, label: str, base: str, state: str = "open", **fields: Any
    ) -> dict[str, Any]:
        """A pull request on ``repo`` from ``owner:branch`` ``label`` into ``base``."""
        found = self.repos[repo]
        number = 1 + sum(len(r.pulls) for r in self.repos.values())
        pull = {
            "number": number,
            "html_url": f"{self.url}/{repo}/pull/{number}",
            "state": state,
            "draft": True,
            "merged_at": None,
            "head": {"label": label, "ref": label.split(":", 1)[1]},
            "base": {"ref": base},
            **fields,
        }
        found.pulls.append(pull)
        return pull

    def _head_repo(self, base: FakeRepo, owner: str) -> FakeRepo | None:
        for repo in self.repos.values():
            if repo.owner == owner and base.full_name in (repo.full_name, repo.parent):
                return repo
        return None

    def _commit(self, parent: str | None, files: dict[str, bytes]) -> str:
        seed = f"{parent}:{len(self.commits)}:" + ",".join(
            f"{k}={blob_sha(v)}" for k, v in sorted(files.items())
        )
        sha = hashlib.sha1(seed.encode()).hexdigest()
        self.commits[sha] = files
        return sha

    def _repo_json(self, repo: FakeRepo) -> dict[str, Any]:
        mine = repo.owner == self.user
        return {
            "full_name": repo.full_name,
            "name": repo.full_name.split("/")[1],
            "owner": {"login": repo.owner},
            "fork": repo.parent is not None,
            "parent": {"full_name": repo.parent} if repo.parent else None,
            "default_branch": repo.default_branch,
            "html_url": f"{self.url}/{repo.full_name}",
            "permissions": {"admin": mine, "push": mine or repo.push, "pull": True},
        }


def blob_sha(data: bytes) -> str:
    """Git's blob id, as GitHub reports a file's ``sha``."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _ref_json(branch: str, sha: str) -> dict[str, Any]:
    return {"ref": f"refs/heads/{branch}", "object": {"sha": sha, "type": "commit"}}


def _not_found() -> Answer:
    return 404, {}, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def _invalid(field_name: str) -> dict[str, Any]:
    return {"message": "Validation Failed", "errors": [{"resource": "PullRequest", "field": field_name,
                                                        "code": "invalid"}]}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stalls

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake: FakeGitHub = self.server.fake  # type: ignore[attr-defined]
        status, extra, body = fake.handle(self.command, self.path, headers, raw)
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # the test output stays quiet
        pass
