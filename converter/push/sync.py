"""Push drafts to WikiPathways as GitHub draft pull requests, one GPML file per pull request.

WikiPathways' content lives in ``wikipathways/wikipathways-database``; its pull-request workflow takes one
GPML per pull request, treats a file not named ``WPnnnn.gpml`` as a new pathway and renders it. For each
draft: validate it, commit it on branch ``pfocr-<figid>`` of your fork (or of the target with
``fork=False``) and open a *draft* pull request, or reuse the open one. Pushing again is idempotent.
Progress is kept in the batch ledger (``pfocr2gpml.sqlite`` beside the drafts), so a stopped run resumes.

Example: ``push_drafts([Path("out")], PushOptions(repo="me/sandbox", fork=False), token)``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..batch import ledger
from ..defaults import DEFAULT_API, DEFAULT_BASE, DEFAULT_MAX_PRS, DEFAULT_PATH_TEMPLATE, DEFAULT_REPO
from ..errors import PushError
from ..gpml import ERROR, has_errors, parse_gpml, validate
from ..http import acceptable_url
from ..inputs import find_gpml
from .authors import check_authors
from .github import SCOPES_HINT, AuthError, GitHub, GitHubError, UnavailableError, offline_answers
from .text import pull_request_text

__all__ = [
    "PushOptions",
    "PushResult",
    "branch_name",
    "check_options",
    "push_drafts",
    "token_from_env",
]

log = logging.getLogger(__name__)

NO_TOKEN = f"no GitHub token: set GITHUB_TOKEN (or GH_TOKEN); {SCOPES_HINT}"
_REPO = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class PushOptions:
    """Where and how to push. ``pause``: seconds between content-creating requests; ``max_wait``: the
    longest rate-limit wait accepted; ``max_prs``: new pull requests per run (``None``: no cap);
    ``allow_new_author``: push drafts whose authors ``scripts/author_list.csv`` does not list yet."""

    repo: str = DEFAULT_REPO
    base: str = DEFAULT_BASE
    fork: bool = True
    path_template: str = DEFAULT_PATH_TEMPLATE
    api_url: str = DEFAULT_API
    dry_run: bool = False
    pause: float = 1.0
    retries: int = 5
    backoff: float = 1.0
    max_wait: float = 900.0
    fork_timeout: float = 300.0
    max_prs: int | None = DEFAULT_MAX_PRS
    allow_new_author: bool = False


@dataclass(frozen=True)
class PushResult:
    """What became of one draft: ``action`` is created, updated, unchanged, planned (dry run), refused
    (invalid draft, or its pull request was closed), skipped (over ``max_prs``) or failed."""

    path: Path
    figid: str
    action: str
    pr_url: str = ""
    message: str = ""


@dataclass(frozen=True)
class _Submission:
    path: Path
    figid: str
    data: bytes
    sha256: str
    branch: str
    repo_path: str
    title: str
    body: str


@dataclass(frozen=True)
class _Target:
    repo: str
    head_repo: str
    head_owner: str
    base: str
    base_sha: str
    fork: bool


def token_from_env(environ: Mapping[str, str] = os.environ) -> str | None:
    """The token from ``GITHUB_TOKEN``, else ``GH_TOKEN`` (as ``gh`` reads them); ``None`` if unset."""
    return environ.get("GITHUB_TOKEN", "").strip() or environ.get("GH_TOKEN", "").strip() or None


def branch_name(figid: str) -> str:
    """``pfocr-<figid>`` with only git-ref-safe characters. Example: ``pfocr-PMC10796104__AD-15-1-186-g1``."""
    safe = re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9._-]+", "-", figid)).strip(".-")
    return "pfocr-" + (safe.removesuffix(".lock") or "draft")


def push_drafts(
    paths: Sequence[Path],
    options: PushOptions,
    token: str | None,
    on_request: Callable[[str], None] | None = None,
) -> Iterator[PushResult]:
    """Push each draft found in ``paths`` and yield what became of it, in order.

    ``on_request`` gets one line per request (sent, or in a dry run only described; never the token).
    Raises PushError at once for bad options or a missing token, and during the run when the token is
    rejected (401) or GitHub stays unreachable or rate-limited: results already yielded stand, and the
    ledger lets the next run resume. Other refusals (403, 404, 422) fail that draft only.
    """
    check_options(options)
    if not options.dry_run and not token:
        raise PushError(NO_TOKEN)
    drafts = find_gpml(paths)
    client = GitHub(
        options.api_url,
        token,
        retries=options.retries,
        backoff=options.backoff,
        pause=options.pause,
        max_wait=options.max_wait,
        offline=offline_answers(options.repo, options.base) if options.dry_run else None,
        on_request=on_request,
    )
    return _run(drafts, client, options)


def _run(drafts: list[Path], client: GitHub, options: PushOptions) -> Iterator[PushResult]:
    target = functools.cache(partial(_setup_or_error, client, options, drafts))  # once, when first needed
    opened = 0
    try:
        for path in drafts:
            if options.max_prs is not None and opened >= options.max_prs:
                note = f"not pushed: the cap of {opened} new pull requests is reached; push again to go on"
                yield PushResult(path, path.stem, "skipped", message=note)
                continue
            result = _push_one(path, client, target, options)
            opened += result.action in ("created", "planned")
            yield result
    finally:
        client.close()


def _setup_or_error(client: GitHub, options: PushOptions, drafts: list[Path]) -> _Target | GitHubError:
    """The target, or the refusal every draft will report (401 and an unreachable GitHub stop the run).

    The authors of all drafts are checked first: no pull request is opened when any names an author
    WikiPathways' checks would fail on (a PushError that stops the run).
    """
    try:
        if not options.allow_new_author:
            check_authors(drafts, client, options.repo, options.base, dry_run=options.dry_run)
        return _setup(client, options)
    except (AuthError, UnavailableError):
        raise
    except GitHubError as exc:
        return exc


def _push_one(
    path: Path, client: GitHub, setup: Callable[[], _Target | GitHubError], options: PushOptions
) -> PushResult:
    figid = path.stem
    findings = validate(path, "all")
    if has_errors(findings):
        first = next(f for f in findings if f.severity == ERROR)
        where = f" (line {first.line})" if first.line else ""
        return PushResult(
            path, figid, "refused", message=f"invalid draft: {first.rule}: {first.message}{where}"
        )
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    prior = ledger.push_row(path.parent, figid)
    if prior is not None and (prior.sha256, prior.repo, prior.state) == (digest, options.repo, "pushed"):
        return PushResult(path, figid, "unchanged", prior.pr_url, "already pushed; recorded in the ledger")
    draft = _draft(path, data, digest, options)
    try:
        target = setup()
        if isinstance(target, GitHubError):  # the same refusal for every draft, without asking again
            raise target
        action, url, message = _sync(client, target, draft)
    except GitHubError as exc:
        _ledger_put(draft, options, "", "failed")
        if isinstance(exc, (AuthError, UnavailableError)):  # nothing else can succeed now: stop the run
            raise type(exc)(f"{figid}: {exc}", exc.status) from None
        return PushResult(path, figid, "failed", message=str(exc))
    if options.dry_run:
        return PushResult(path, figid, "planned", message="dry run: nothing was sent")
    _ledger_put(draft, options, url, "closed" if action == "refused" else "pushed")
    return PushResult(path, figid, action, url, message)


def _draft(path: Path, data: bytes, digest: str, options: PushOptions) -> _Submission:
    figid = path.stem
    repo_path = options.path_template.format(figid=figid)
    related = ledger.related_of(path.parent, figid)
    title, body = pull_request_text(parse_gpml(data), figid, repo_path, related)
    return _Submission(path, figid, data, digest, branch_name(figid), repo_path, title, body)


def check_options(options: PushOptions) -> None:
    """PushError for options no push can use: a repository not OWNER/NAME, a path template that is not a
    relative ``.gpml`` path of ``{figid}``, an API URL that is not https (plain http only on loopback)."""
    if not acceptable_url(options.api_url):
        raise PushError(
            f"--api-url must be an https:// URL (plain http only on loopback); got {options.api_url!r}"
        )
    if not _REPO.fullmatch(options.repo):
        raise PushError(f"--repo must look like OWNER/NAME; got {options.repo!r}")
    try:
        sample = options.path_template.format(figid="PMC1__fig1")
    except (KeyError, IndexError, ValueError) as exc:
        raise PushError(f"--path-template may only use {{figid}}: {options.path_template!r} ({exc})") from exc
    parts = PurePosixPath(sample).parts
    if sample.startswith("/") or ".." in parts or not sample.endswith(".gpml"):
        raise PushError(f"--path-template must give a relative path ending in .gpml; got {sample!r}")


def _setup(client: GitHub, options: PushOptions) -> _Target:
    login = client.get("/user")["login"] if options.fork else ""
    info = client.get(f"/repos/{options.repo}")
    if info is None:
        raise GitHubError(f"no such repository: {options.repo} (404), or the token can't see it", 404)
    repo = str(info.get("full_name") or options.repo)
    if options.fork:
        head_repo = _ensure_fork(client, repo, login, options)
    elif (info.get("permissions") or {}).get("push") is False:
        raise GitHubError(f"no permission to push to {repo} (403); push through your fork instead", 403)
    else:
        head_repo = repo
    base = client.get(f"/repos/{repo}/git/ref/heads/{quote(options.base)}")
    if base is None:
        raise GitHubError(f"no branch {options.base!r} in {repo} (404); check --base", 404)
    head_owner = head_repo.split("/")[0]
    return _Target(repo, head_repo, head_owner, options.base, base["object"]["sha"], options.fork)


def _ensure_fork(client: GitHub, repo: str, login: str, options: PushOptions) -> str:
    """Your fork of ``repo``: found, or created and waited for (GitHub forks asynchronously)."""
    mine = client.get(f"/repos/{login}/{repo.split('/')[1]}")
    parent = str(((mine or {}).get("parent") or {}).get("full_name", ""))
    if mine is not None and mine.get("fork") and parent.lower() == repo.lower():
        return str(mine["full_name"])
    created = client.create(f"/repos/{repo}/forks", {"default_branch_only": True}, find=lambda: None)
    fork = str(created.get("full_name") or f"{login}/{repo.split('/')[1]}")
    deadline, delay = time.monotonic() + options.fork_timeout, options.backoff
    while client.get(f"/repos/{fork}") is None:
        if time.monotonic() > deadline:
            raise UnavailableError(f"fork {fork} not ready after {options.fork_timeout:.0f} s; retry later")
        time.sleep(min(delay, 30.0))
        delay *= 2
    log.info("forked %s to %s", repo, fork)
    return fork


def _sync(client: GitHub, target: _Target, draft: _Submission) -> tuple[str, str, str]:
    """Make the branch hold the draft and a pull request show it: (action, pull request URL, message)."""
    label, pulls_url = f"{target.head_owner}:{draft.branch}", f"/repos/{target.repo}/pulls"
    pulls = client.get(pulls_url, {"head": label, "state": "all", "per_page": "100"}) or []
    open_pr = next((p for p in pulls if p.get("state") == "open"), None)
    if open_pr is None and pulls:  # never a second pull request for a figure the editors have closed
        old, verb = pulls[0], "merged" if pulls[0].get("merged_at") else "closed"
        note = (
            f"pull request #{old.get('number')} was {verb}; not opening another (delete {draft.branch} first)"
        )
        return "refused", str(old.get("html_url", "")), note
    _ensure_branch(client, target, draft.branch)
    committed = _commit(client, target, draft)
    if open_pr is not None:
        number, url = open_pr.get("number"), str(open_pr.get("html_url", ""))
        if committed:
            return "updated", url, f"committed the new version; pull request #{number} reused"
        return "unchanged", url, f"no change; pull request #{number}"
    payload: dict[str, Any] = {
        "title": draft.title,
        "head": label if target.fork else draft.branch,
        "base": target.base,
        "body": draft.body,
        "draft": True,
    }
    if target.fork:
        payload["maintainer_can_modify"] = True  # lets WikiPathways' editors fix the draft in place
    pull = client.create(pulls_url, payload, find=lambda: _open_pull(client, pulls_url, label))
    return "created", str(pull.get("html_url", "")), f"opened draft pull request #{pull.get('number')}"


def _open_pull(client: GitHub, pulls_url: str, label: str) -> Any:
    pulls = client.get(pulls_url, {"head": label, "state": "open"}) or []
    return pulls[0] if pulls else None


def _ensure_branch(client: GitHub, target: _Target, branch: str) -> None:
    ref = f"/repos/{target.head_repo}/git/ref/heads/{quote(branch)}"
    if client.get(ref) is None:
        body = {"ref": f"refs/heads/{branch}", "sha": target.base_sha}
        client.create(f"/repos/{target.head_repo}/git/refs", body, find=lambda: client.get(ref))


def _commit(client: GitHub, target: _Target, draft: _Submission) -> bool:
    """Commit the draft on its branch unless the same bytes are there already; True if a commit was made."""
    url = f"/repos/{target.head_repo}/contents/{quote(draft.repo_path)}"
    blob = _blob_sha(draft.data)
    current = client.get(url, {"ref": draft.branch})
    if current is not None and current.get("sha") == blob:
        return False
    verb = "Update" if current is not None else "Add"
    message = f"{verb} draft pathway from PFOCR figure {draft.figid}"
    body = {
        "message": f"{message}\n\nMade by pfocr2gpml {__version__}.",
        "content": base64.b64encode(draft.data).decode("ascii"),
        "branch": draft.branch,
    }
    if current is not None:
        body["sha"] = str(current.get("sha"))
    reply = client.send("PUT", url, body=body)
    if reply.status in (409, 422):  # a retried PUT that had gone through, or another push meanwhile
        again = client.get(url, {"ref": draft.branch})
        if again is not None and again.get("sha") == blob:
            return True
    if reply.status >= 300:
        raise client.error("PUT", url, reply)
    return True


def _blob_sha(data: bytes) -> str:
    """Git's blob id for ``data``: what the contents API reports as a file's ``sha``."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _ledger_put(draft: _Submission, options: PushOptions, pr_url: str, state: str) -> None:
    if options.dry_run:
        return
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    row = (draft.figid, draft.sha256, options.repo, draft.branch, pr_url, state, now)
    try:
        ledger.record_push(draft.path.parent, row)
    except ledger.LedgerError as exc:  # the pull request stands; a later push finds it on GitHub
        log.warning("%s: cannot record the push: %s", draft.figid, exc)
