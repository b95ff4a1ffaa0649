"""Authors as WikiPathways checks them: the user names a draft's ``Author="[a, b]"`` gives, each of which
must be listed in the target repository's ``scripts/author_list.csv``."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from ..errors import PushError, SchemaError
from ..gpml import parse_authors, parse_gpml
from ..wikipathways import AUTHOR_LIST
from .github import GitHub

__all__ = ["check_authors", "draft_authors", "known_authors"]

log = logging.getLogger(__name__)


def known_authors(client: GitHub, repo: str, base: str) -> frozenset[str] | None:
    """The user names listed in ``repo``'s ``scripts/author_list.csv`` on ``base`` (one request), None when
    the repository has no such file. Read as WikiPathways' authors job reads it: the first comma-separated
    field of each line after the header."""
    found = client.get(f"/repos/{repo}/contents/{quote(AUTHOR_LIST)}", {"ref": base})
    if found is None:
        return None
    if not isinstance(found, dict) or found.get("encoding") != "base64":
        raise PushError(f"cannot read {AUTHOR_LIST} of {repo}: GitHub sent no base64 content for it")
    text = base64.b64decode(str(found.get("content", ""))).decode("utf-8", "replace")
    return frozenset(
        name for line in text.splitlines()[1:] if (name := line.split(",", 1)[0].strip().strip("\ufeff"))
    )


def draft_authors(path: Path) -> tuple[str, ...]:
    """The user names in a draft's ``Author="[a, b]"``; () when it has none or cannot be read."""
    try:
        author = parse_gpml(path).getroot().get("Author") or ""
    except SchemaError:
        return ()  # push refuses the draft itself when it comes to it
    return parse_authors(author) or ()


def check_authors(
    drafts: Iterable[Path], client: GitHub, repo: str, base: str, dry_run: bool = False
) -> None:
    """Raise PushError, before any pull request, when a draft names an author ``repo`` does not list:
    WikiPathways' pull-request authors job fails on such an author. One request."""
    listed = known_authors(client, repo, base)
    if listed is None:
        where = "in a dry run" if dry_run else f"{repo} ({base}) has no {AUTHOR_LIST}"
        log.warning("authors not checked: %s", where)
        return
    unknown: dict[str, int] = {}
    for path in drafts:
        for name in draft_authors(path):
            if name not in listed:
                unknown[name] = unknown.get(name, 0) + 1
    if unknown:
        names = ", ".join(
            f"{name!r} (in {count} draft{'s' * (count != 1)})" for name, count in unknown.items()
        )
        raise PushError(
            f"not in {AUTHOR_LIST} of {repo}: {names}; WikiPathways' pull-request checks fail for "
            "an author not listed there. Convert the drafts again with --author YOUR_WIKIPATHWAYS_USER_NAME, "
            "or, if you are a new contributor adding yourself to that file, push with --allow-new-author"
        )
