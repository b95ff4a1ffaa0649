"""Pushing drafts as draft pull requests, against a fake GitHub served on loopback (tests/github_fake.py).

The drafts are written by the real converter from the samples; every test looks at the requests the fake
server received: what was forked, which ref and file were written, what the pull request said.
"""

from __future__ import annotations

import base64
import logging
import socket
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from converter.cli import app
from converter.defaults import LEDGER_NAME
from converter.draft import DraftOptions
from converter.errors import PushError
from converter.gpml import parse_gpml
from converter.pipeline import ConvertOptions, convert_record
from converter.push import PushOptions, PushResult, push_drafts, token_from_env
from converter.push.sync import branch_name
from converter.push.text import pull_request_text

from .conftest import SAMPLES
from .github_fake import FakeGitHub, blob_sha

TOKEN = "ghp_SECRETTOKEN123"
TARGET = "wikipathways/wikipathways-database"
FORK = "octo-user/wikipathways-database"
FIGID = "PMC10796104__AD-15-1-186-g1"
BRANCH = f"pfocr-{FIGID}"
REPO_PATH = f"pathways/{FIGID}/{FIGID}.gpml"
MUTATING = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """The JAK2/STAT3 sample, converted into its own folder (where the push ledger will go)."""
    return convert_record(SAMPLES / f"{FIGID}.md", tmp_path / "out").output


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN, fork_delay=2) as server:
        server.add_repo(TARGET, {"README.md": b"WikiPathways\n"})
        yield server


def options(fake: FakeGitHub, **changes: object) -> PushOptions:
    quick = PushOptions(api_url=fake.url, pause=0, retries=3, backoff=0.01, max_wait=5, fork_timeout=5)
    return replace(quick, **changes)  # type: ignore[arg-type]


def push(
    paths: list[Path], opts: PushOptions, token: str | None = TOKEN, lines: list[str] | None = None
) -> list[PushResult]:
    return list(push_drafts(paths, opts, token, on_request=None if lines is None else lines.append))


def writes(fake: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests if r.method in MUTATING]


def test_first_push_forks_branches_commits_and_opens_a_draft_pull_request(
    draft: Path, fake: FakeGitHub
) -> None:
    [result] = push([draft.parent], options(fake))

    assert result.action == "created" and result.pr_url == f"{fake.url}/{TARGET}/pull/1"
    assert writes(fake) == [
        f"POST /repos/{TARGET}/forks",
        f"POST /repos/{FORK}/git/refs",
        f"PUT /repos/{FORK}/contents/{REPO_PATH}",
        f"POST /repos/{TARGET}/pulls",
    ]
    polls = [r.status for r in fake.calls("GET", f"^/repos/{FORK}$")]
    assert polls == [404, 404, 404, 200]  # not there yet, then the fork being made twice, then ready
    [ref] = fake.calls("POST", "/git/refs$")
    assert ref.body == {"ref": f"refs/heads/{BRANCH}", "sha": fake.repos[TARGET].refs["main"]}
    [put] = fake.calls("PUT")
    assert base64.b64decode(put.body["content"]) == draft.read_bytes()
    assert put.body["branch"] == BRANCH and "sha" not in put.body
    assert put.body["message"].startswith(f"Add draft pathway from PFOCR figure {FIGID}")
    [pull] = fake.calls("POST", "/pulls$")
    assert pull.body["draft"] is True and pull.body["base"] == "main"
    assert pull.body["head"] == f"octo-user:{BRANCH}"
    assert pull.body["title"] == parse_gpml(draft).getroot().get("Name")
    body = pull.body["body"]
    assert "JAK2/STAT3 signaling pathway is activated" in body  # the description
    assert f"https://pfocr.wikipathways.org/figures/{FIGID}.html" in body
    assert "https://doi.org/10.14336/AD.2023.0515" in body
    assert "DataNodes with a database identifier: 20 of 20" in body
    assert "Words from the figure not mapped: 1" in body and "TNF-a (keyword)" in body
    assert "- [ ] Datanodes are annotated with database references" in body
    assert fake.file(FORK, BRANCH, REPO_PATH) == draft.read_bytes()
    assert fake.file(TARGET, "main", REPO_PATH) is None  # nothing written to the target itself
    headers = fake.requests[0].headers
    assert headers["authorization"] == f"Bearer {TOKEN}" and headers["x-github-api-version"] == "2022-11-28"
    with sqlite3.connect(draft.parent / LEDGER_NAME) as con:
        row = con.execute(
            "SELECT repo, branch, pr_url, state FROM pushes WHERE figid = ?", (FIGID,)
        ).fetchone()
    assert row == (TARGET, BRANCH, result.pr_url, "pushed")


def test_pushing_the_same_draft_again_changes_nothing(draft: Path, fake: FakeGitHub) -> None:
    [first] = push([draft], options(fake))
    sent = len(fake.requests)

    [again] = push([draft], options(fake))
    assert (again.action, again.pr_url) == ("unchanged", first.pr_url)
    assert len(fake.requests) == sent  # the ledger knows: not a single request

    (draft.parent / LEDGER_NAME).unlink()
    [without_ledger] = push([draft], options(fake))
    assert (without_ledger.action, without_ledger.pr_url) == ("unchanged", first.pr_url)
    assert all(r.method == "GET" for r in fake.requests[sent:])  # asked, and found everything in place
    assert len(fake.repos[TARGET].pulls) == 1 and len(fake.calls("POST", "/git/refs$")) == 1


def test_a_ledger_that_cannot_be_written_does_not_stop_the_push(
    draft: Path, fake: FakeGitHub, caplog: pytest.LogCaptureFixture
) -> None:
    (draft.parent / LEDGER_NAME).write_bytes(b"not a database at all" * 100)
    [result] = push([draft], options(fake))
    assert result.action == "created" and result.pr_url == f"{fake.url}/{TARGET}/pull/1"
    assert f"{FIGID}: cannot record the push: " in caplog.text and "cannot use the ledger" in caplog.text
    [again] = push([draft], options(fake))  # unrecorded, so asked again: found in place on GitHub
    assert (again.action, again.pr_url) == ("unchanged", result.pr_url)


def test_a_changed_draft_updates_its_branch_and_reuses_the_pull_request(
    draft: Path, fake: FakeGitHub
) -> None:
    [first] = push([draft], options(fake))
    old = draft.read_bytes()
    draft.write_bytes(old.replace(b"The mechanisms of Janus Kinase", b"How Janus Kinase"))

    [second] = push([draft], options(fake))

    assert (second.action, second.pr_url) == ("updated", first.pr_url)
    assert writes(fake)[4:] == [f"PUT /repos/{FORK}/contents/{REPO_PATH}"]  # no new fork, ref or pull request
    update = fake.calls("PUT")[-1].body
    assert update["sha"] == blob_sha(old) and update["message"].startswith("Update draft pathway")
    assert fake.file(FORK, BRANCH, REPO_PATH) == draft.read_bytes()
    assert len(fake.repos[TARGET].pulls) == 1


def test_an_open_pull_request_is_reused(draft: Path, fake: FakeGitHub) -> None:
    fork = fake.add_repo(FORK, parent=TARGET)
    fork.refs[BRANCH] = fork.refs["main"]
    seeded = fake.add_pull(TARGET, f"octo-user:{BRANCH}", "main", title="made by hand")

    [result] = push([draft], options(fake))

    assert (result.action, result.pr_url) == ("updated", seeded["html_url"])
    assert writes(fake) == [f"PUT /repos/{FORK}/contents/{REPO_PATH}"]


def test_a_closed_pull_request_is_not_reopened(draft: Path, fake: FakeGitHub) -> None:
    fake.add_repo(FORK, parent=TARGET)
    closed = fake.add_pull(TARGET, f"octo-user:{BRANCH}", "main", state="closed")

    [result] = push([draft], options(fake))

    assert (result.action, result.pr_url) == ("refused", closed["html_url"])
    assert "was closed; not opening another" in result.message
    assert writes(fake) == []


def test_a_server_error_is_retried(draft: Path, fake: FakeGitHub) -> None:
    fake.fail("PUT", "/repos/.*/contents/.*", 500)
    fake.fail("POST", "/repos/.*/git/refs", 502)

    [result] = push([draft], options(fake))

    assert result.action == "created"
    assert [r.status for r in fake.calls("PUT")] == [500, 201]
    assert [r.status for r in fake.calls("POST", "/git/refs$")] == [502, 201]


def test_a_lost_pull_request_answer_does_not_open_a_second_one(draft: Path, fake: FakeGitHub) -> None:
    fake.fail("POST", "/repos/.*/pulls", 502, after=True)  # GitHub opened it, but the answer was lost

    [result] = push([draft], options(fake))

    assert result.action == "created" and result.pr_url == f"{fake.url}/{TARGET}/pull/1"
    assert len(fake.calls("POST", "/pulls$")) == 1  # looked for it before trying again, and found it
    assert len(fake.repos[TARGET].pulls) == 1


@pytest.mark.parametrize(
    ("status", "headers", "message", "wait"),
    [
        (429, {"Retry-After": "1"}, "too many requests", 1.0),
        (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0"}, "API rate limit exceeded", 1.0),
        (403, {}, "You have exceeded a secondary rate limit.", 0.6),  # a minute, scaled by backoff=0.01
    ],
)
def test_rate_limits_are_waited_out(
    draft: Path, fake: FakeGitHub, status: int, headers: dict[str, str], message: str, wait: float
) -> None:
    fake.fail("POST", "/repos/.*/pulls", status, headers=headers, body={"message": message})
    started = time.monotonic()

    [result] = push([draft], options(fake))

    assert result.action == "created"
    assert time.monotonic() - started >= wait  # Retry-After, X-RateLimit-Reset (+1 s), or GitHub's minute
    assert [r.status for r in fake.calls("POST", "/pulls$")] == [status, 201]


def test_a_secondary_rate_limit_longer_than_allowed_stops_the_run(draft: Path, fake: FakeGitHub) -> None:
    limit = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}
    fake.fail("POST", "/repos/.*/git/refs", 403, headers={"Retry-After": "3600"}, body=limit)
    started = time.monotonic()

    with pytest.raises(
        PushError, match=r"keeps rate-limiting.*secondary rate limit.*run the same push later"
    ):
        push([draft], options(fake))

    assert time.monotonic() - started < 3  # refused to sleep an hour
    with sqlite3.connect(draft.parent / LEDGER_NAME) as con:
        assert con.execute("SELECT state FROM pushes").fetchall() == [("failed",)]


def test_a_bad_token_stops_the_run_with_a_clear_message(draft: Path, fake: FakeGitHub) -> None:
    with pytest.raises(
        PushError, match=r"rejected the token \(401 Bad credentials\).*GITHUB_TOKEN"
    ) as caught:
        push([draft], options(fake), token="ghp_WRONGTOKEN999")

    assert "ghp_WRONGTOKEN999" not in str(caught.value)
    assert len(fake.requests) == 1  # GET /user, and nothing after it


def test_a_missing_token_is_refused_before_any_request(draft: Path, fake: FakeGitHub) -> None:
    with pytest.raises(PushError, match=r"set GITHUB_TOKEN .*GH_TOKEN.*public_repo"):
        push([draft], options(fake), token=None)
    assert fake.requests == []


def test_a_missing_repository_fails_each_draft_once_asked(draft: Path, fake: FakeGitHub) -> None:
    second = convert_record(SAMPLES / "PMC1180554__JCI0525642.f1.md", draft.parent).output

    results = push([draft, second], options(fake, repo="nobody/missing"))

    assert [r.action for r in results] == ["failed", "failed"]
    assert all("no such repository: nobody/missing (404)" in r.message for r in results)
    assert len(fake.calls("GET", "^/repos/nobody/missing$")) == 1


def test_validation_and_permission_refusals_fail_the_draft_clearly(draft: Path, fake: FakeGitHub) -> None:
    second = convert_record(SAMPLES / "PMC1180554__JCI0525642.f1.md", draft.parent).output
    no_commits = {
        "message": "Validation Failed",
        "errors": [{"message": f"No commits between main and {BRANCH}"}],
    }
    fake.fail("POST", "/repos/.*/pulls", 422, body=no_commits)
    fake.fail(
        "PUT",
        "/repos/.*/contents/.*JCI.*",
        403,
        body={"message": "Resource not accessible by personal access token"},
    )

    results = {r.figid: r for r in push([draft, second], options(fake))}

    assert results[FIGID].action == "failed"
    assert results[FIGID].message == (
        f"GitHub did not accept POST /repos/{TARGET}/pulls "
        f"(422 Validation Failed; No commits between main and {BRANCH})"
    )
    refused = results["PMC1180554__JCI0525642.f1"]
    assert refused.action == "failed" and refused.message.startswith("no permission for PUT /repos/")
    assert "403 Resource not accessible by personal access token" in refused.message
    assert "public_repo" in refused.message


def test_no_fork_pushes_to_the_target_itself(draft: Path, fake: FakeGitHub) -> None:
    fake.add_repo("octo-user/sandbox")

    [result] = push([draft], options(fake, repo="octo-user/sandbox", fork=False))

    assert result.action == "created"
    assert writes(fake) == [
        "POST /repos/octo-user/sandbox/git/refs",
        f"PUT /repos/octo-user/sandbox/contents/{REPO_PATH}",
        "POST /repos/octo-user/sandbox/pulls",
    ]
    assert not fake.calls("GET", "^/user$")
    [pull] = fake.calls("POST", "/pulls$")
    assert pull.body["head"] == BRANCH and pull.body["draft"] is True
    assert fake.file("octo-user/sandbox", BRANCH, REPO_PATH) == draft.read_bytes()


def test_no_fork_without_push_permission_says_so(draft: Path, fake: FakeGitHub) -> None:
    fake.add_repo("someone/else", push=False)

    [refused] = push([draft], options(fake, repo="someone/else", fork=False))

    assert refused.action == "failed"
    assert refused.message.startswith("no permission to push to someone/else (403)")
    assert writes(fake) == []


def test_a_path_template_places_the_file(draft: Path, fake: FakeGitHub) -> None:
    [result] = push([draft], options(fake, path_template="drafts/{figid}.gpml"))
    assert result.action == "created"
    assert fake.calls("PUT")[0].path == f"/repos/{FORK}/contents/drafts/{FIGID}.gpml"


def test_dry_run_sends_nothing_and_describes_every_request(draft: Path, fake: FakeGitHub) -> None:
    lines: list[str] = []

    [result] = push([draft], options(fake, dry_run=True), lines=lines)

    assert result.action == "planned" and fake.requests == []
    assert not (draft.parent / LEDGER_NAME).exists()
    methods = [line.split()[0] for line in lines]
    assert methods == ["GET", "GET", "GET", "GET", "GET", "GET", "GET", "POST", "GET", "PUT", "POST"]
    assert lines[0] == f"GET {fake.url}/repos/{TARGET}/contents/scripts/author_list.csv?ref=main"
    assert lines[-1].startswith(f"POST {fake.url}/repos/{TARGET}/pulls title=")
    assert f"head=<you>:{BRANCH}" in lines[-1] and "base=main" in lines[-1] and "draft=true" in lines[-1]
    assert "content=<" in lines[-2] and "characters of base64>" in lines[-2]
    encoded = base64.b64encode(draft.read_bytes()).decode()
    assert not any(encoded[:40] in line or TOKEN in line for line in lines)


def test_dry_run_needs_no_token_and_no_network(draft: Path) -> None:
    lines: list[str] = []
    [result] = push([draft], PushOptions(dry_run=True), token=None, lines=lines)
    assert result.action == "planned"
    assert lines[1] == "GET https://api.github.com/user"  # after the author list, which a dry run cannot read


def test_the_token_appears_in_no_output(
    draft: Path, fake: FakeGitHub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    second = convert_record(SAMPLES / "PMC1180554__JCI0525642.f1.md", draft.parent).output
    fake.fail("PUT", "/repos/.*/contents/.*", 500)
    echo = {"message": f"Validation Failed: bad header Bearer {TOKEN}"}  # a server that echoes the token
    fake.fail("POST", "/repos/.*/pulls", 422, body=echo)
    lines: list[str] = []

    results = push([draft, second], options(fake), lines=lines)
    with pytest.raises(PushError) as caught:
        push([draft], options(fake, repo="a/b", api_url=f"{fake.url}/"), token=f"x{TOKEN}x")

    assert [r.action for r in results] == ["failed", "created"]
    assert "Bearer ***" in results[0].message
    texts = [r.message for r in results] + [r.pr_url for r in results] + lines + [str(caught.value)]
    texts += [record.getMessage() for record in caplog.records]
    assert lines and caplog.records
    assert not [text for text in texts if TOKEN in text]


def test_an_invalid_draft_is_refused_before_any_request(draft: Path, fake: FakeGitHub) -> None:
    draft.write_bytes(draft.read_bytes().replace(b' Organism="Homo sapiens"', b""))

    [result] = push([draft], options(fake))

    assert result.action == "refused" and result.message.startswith("invalid draft: organism: ")
    assert fake.requests == []


def test_the_cap_stops_new_pull_requests_and_the_next_run_resumes(draft: Path, fake: FakeGitHub) -> None:
    second = convert_record(SAMPLES / "PMC1180554__JCI0525642.f1.md", draft.parent).output

    first_run = push([draft.parent], options(fake, max_prs=1))
    assert [(r.figid, r.action) for r in first_run] == [(FIGID, "created"), (second.stem, "skipped")]
    sent = len(fake.requests)

    second_run = push([draft.parent], options(fake, max_prs=1))
    assert [(r.figid, r.action) for r in second_run] == [(FIGID, "unchanged"), (second.stem, "created")]
    assert not [r for r in fake.requests[sent:] if FIGID in r.path or FIGID in str(r.query)]
    assert len(fake.repos[TARGET].pulls) == 2


def test_a_fork_that_never_appears_stops_the_run(draft: Path) -> None:
    with FakeGitHub(token=TOKEN, fork_delay=1000) as slow:
        slow.add_repo(TARGET)
        with pytest.raises(PushError, match="fork octo-user/wikipathways-database not ready"):
            push([draft], options(slow, fork_timeout=0.2))


def test_an_unreachable_api_stops_the_run(draft: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the push: nothing listens there
    opts = PushOptions(api_url=f"http://127.0.0.1:{port}", pause=0, retries=1, backoff=0.01)
    with pytest.raises(PushError, match=f"cannot reach 127.0.0.1:{port}") as caught:
        push([draft], opts)
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"repo": "no-slash"}, "OWNER/NAME"),
        ({"path_template": "{figid}/{name}.gpml"}, "may only use"),
        ({"path_template": "../{figid}.gpml"}, "relative path"),
        ({"path_template": "{figid}.txt"}, "ending in .gpml"),
        ({"api_url": "http://10.0.0.1/api"}, "https://"),
    ],
)
def test_bad_options_are_refused(draft: Path, changes: dict[str, str], problem: str) -> None:
    with pytest.raises(PushError, match=problem):
        push([draft], replace(PushOptions(), **changes))  # type: ignore[arg-type]


def test_token_from_env_prefers_github_token() -> None:
    assert token_from_env({"GITHUB_TOKEN": "a", "GH_TOKEN": "b"}) == "a"
    assert token_from_env({"GITHUB_TOKEN": " ", "GH_TOKEN": "b"}) == "b"
    assert token_from_env({}) is None


def test_branch_names_are_git_ref_safe() -> None:
    assert branch_name(FIGID) == BRANCH
    assert branch_name("PMC1__a b~c^d:e..f.lock") == "pfocr-PMC1__a-b-c-d-e.f"
    assert branch_name("...") == "pfocr-draft"


def test_pull_request_text_counts_unannotated_nodes(draft: Path) -> None:
    gpml = draft.read_bytes().replace(
        b'<Xref Database="Entrez Gene" ID="3717"/>', b'<Xref Database="" ID=""/>'
    )
    title, body = pull_request_text(parse_gpml(gpml), FIGID, REPO_PATH)
    assert title.startswith("Mechanisms of Janus Kinase 2")
    assert "with a database identifier: 19 of 20" in body and "without one: 1" in body
    assert f"**File:** `{REPO_PATH}`" in body


AUTHORS_CSV = (
    b"username,realname,orcid,wikidata,github\nEgonw,Egon Willighagen,,,egonw\nKhanspers,Kristina,,,\n"
)


def test_an_author_not_in_the_author_list_is_refused_before_any_pull_request(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    fake.add_repo(TARGET, {"scripts/author_list.csv": AUTHORS_CSV})
    listed = DraftOptions(authors=("Egonw",), last_modified="20240101000000")
    good = convert_record(SAMPLES / f"{FIGID}.md", tmp_path, ConvertOptions(draft=listed)).output
    unlisted = replace(listed, authors=("Egonw", "NewCurator"))
    other = convert_record(SAMPLES / "PMC1180554__JCI0525642.f1.md", tmp_path, ConvertOptions(draft=unlisted))
    with pytest.raises(PushError, match=r"'NewCurator' \(in 1 draft\).*--allow-new-author") as refused:
        push([good, other.output], options(fake))
    assert "author_list.csv" in str(refused.value) and "Egonw'" not in str(refused.value)
    assert writes(fake) == []  # not even the draft whose authors are listed
    assert len(fake.calls("GET", "/contents/scripts/author_list.csv$")) == 1

    results = push([good, other.output], options(fake, allow_new_author=True))
    assert [r.action for r in results] == ["created", "created"]
    assert len(fake.calls("GET", "/contents/scripts/author_list.csv$")) == 1  # not asked when allowed


def test_an_author_list_that_cannot_be_read_fails_every_draft_once_asked(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    fake.fail("GET", ".*/contents/scripts/author_list.csv", 403, times=5)
    drafts = [convert_record(SAMPLES / f"{name}.md", tmp_path).output
              for name in (FIGID, "PMC1180554__JCI0525642.f1")]  # fmt: skip
    results = push(drafts, options(fake))
    assert [r.action for r in results] == ["failed", "failed"] and "403" in results[1].message
    assert len(fake.calls("GET", "/contents/scripts/author_list.csv$")) == 1 and writes(fake) == []


def test_listed_authors_pass_with_one_request_for_the_list(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_repo(TARGET, {"scripts/author_list.csv": AUTHORS_CSV})
    listed = ConvertOptions(draft=DraftOptions(authors=("Egonw", "Khanspers")))
    drafts = [convert_record(SAMPLES / f"{name}.md", tmp_path, listed).output
              for name in (FIGID, "PMC1180554__JCI0525642.f1")]  # fmt: skip
    assert [r.action for r in push(drafts, options(fake))] == ["created", "created"]
    assert len(fake.calls("GET", "/contents/scripts/author_list.csv$")) == 1


def test_cli_refuses_an_unlisted_author_in_one_line(draft: Path, fake: FakeGitHub) -> None:
    fake.add_repo(TARGET, {"scripts/author_list.csv": AUTHORS_CSV})
    result = CliRunner().invoke(
        app, ["push", str(draft), "--api-url", fake.url], env={"GITHUB_TOKEN": TOKEN, "GH_TOKEN": ""}
    )
    assert result.exit_code == 1 and writes(fake) == []
    refused, summary = result.stderr.splitlines()
    assert refused.startswith("error: not in scripts/author_list.csv") and "'PFOCR' (in 1 draft)" in refused
    assert summary == "1 draft: none pushed; 1 not attempted (the run stopped: run push again to go on)"


def test_a_run_that_stops_says_which_drafts_were_not_attempted(draft: Path, fake: FakeGitHub) -> None:
    names = ("PMC1180554__JCI0525642.f1", "PMC10034247__11064_2023_3912_Fig1_HTML")
    others = [convert_record(SAMPLES / f"{name}.md", draft.parent).output for name in names]
    result = CliRunner().invoke(
        app,
        ["push", str(draft.parent), "--api-url", fake.url, "--yes", "--allow-new-author"],
        env={"GITHUB_TOKEN": "ghp_WRONG", "GH_TOKEN": ""},
    )
    assert result.exit_code == 1 and len(others) == 2
    stopped, summary = result.stderr.strip().splitlines()
    assert stopped.startswith("error: ") and "401" in stopped
    assert summary == "3 drafts: none pushed; 3 not attempted (the run stopped: run push again to go on)"
    assert "ghp_WRONG" not in result.stderr + result.stdout
