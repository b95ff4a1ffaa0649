"""Push drafts to WikiPathways as GitHub draft pull requests, one GPML file per pull request.

:mod:`.sync` makes the fork, branch, commit and pull request (idempotently, recorded in the ledger),
:mod:`.text` writes the pull request's text, :mod:`.authors` checks the drafts' authors against the
target's author list, and :mod:`.github` is the REST client (retries, pacing, rate
limits, a token that never leaks) on the HTTP base it shares with the online lookups (:mod:`converter.http`).
"""

from .sync import PushOptions, PushResult, check_options, push_drafts, token_from_env

__all__ = ["PushOptions", "PushResult", "check_options", "push_drafts", "token_from_env"]
