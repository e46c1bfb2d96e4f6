"""Result types shared by the scanner, the checklists and the renderers (frozen, so results never mutate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["missing", "weak", "strong"]
STATUS_RANK: dict[str, int] = {"missing": 0, "weak": 1, "strong": 2}
Artifact = Literal["ai_application", "model_project", "tech_memo", "none"]


@dataclass(frozen=True, order=True)
class Location:
    """A place a reader can open: a repo-relative POSIX path, a 1-based line (None: the whole file) and the text
    that matched there (one trimmed line, safe to print; empty for a file named by its path)."""

    path: str
    line: int | None = None
    text: str = field(default="", compare=False)
    #: a notebook's cell (1-based) and the line within it: what a reader can find (``line`` is the JSON's)
    cell: int | None = field(default=None, compare=False)
    cell_line: int | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int]:
        return (self.path, self.line or 0)


@dataclass(frozen=True)
class Finding:
    """The status of one evidence kind in one repository, with where it was seen and why."""

    id: str
    status: Status
    locations: tuple[Location, ...]
    reason: str


@dataclass(frozen=True)
class StackItem:
    """A technology of the repository's stack: ``used`` (imported or configured, at ``location``) or ``listed`` (a
    dependency nothing imports)."""

    name: str
    group: str
    status: str  # used | listed
    location: Location


@dataclass(frozen=True)
class RepoResult:
    """Everything the scan concluded about one repository."""

    path: str
    name: str
    commit: str | None
    artifact: Artifact
    notebook_only: bool
    evidence: tuple[Finding, ...]
    warnings: tuple[str, ...]
    stats: dict[str, int] = field(default_factory=dict)
    #: the repository's page on its host (https://github.com/owner/name), for links at ``commit``; None: unknown
    web: str | None = None
    stack: tuple[StackItem, ...] = ()

    def finding(self, evidence_id: str) -> Finding:
        for f in self.evidence:
            if f.id == evidence_id:
                return f
        raise KeyError(evidence_id)
