"""What a spec file is, from its path: a template, a checklist, notes, tasks or a spec.

The role decides what a file may define: templates define nothing (their ids are
placeholders), checklists and notes cite ids but define none, and a tasks file's
restatements of the spec are not definitions.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_TEMPLATE_NAME = re.compile(r"(?i)(?:^|[-_.])template\.md$")


_NOTES_FILES = frozenset({"research.md", "quickstart.md"})


def file_role(path: str) -> str:
    """What a spec file is, from its path: template, checklist, tasks or spec.

    - ``template``: under a ``templates``/``template`` folder, or named
      ``*-template.md`` (spec-kit ``.specify/templates/spec-template.md``, BMAD
      templates). Its ids are placeholders: it defines nothing.
    - ``checklist``: under a ``checklists`` folder (spec-kit
      ``checklists/requirements.md`` checks the spec's quality). It cites ids
      (``1. **FR-008**: ... - RESOLVED``) but defines none.
    - ``notes``: spec-kit's ``research.md`` (decisions ``R1``/``D1`` and their
      rationale) and ``quickstart.md`` (usage): they define no requirement,
      though the endpoints they name are still declarations.
    - ``tasks``: the file name holds "task" (``tasks.md``). Ids at the start of
      its list items or paragraphs that are not tasks restate the spec
      (``- FR-003: Users MUST ...`` under "From spec.md") and define nothing;
      its headings and tasks still do.
    """
    parts = [p.lower() for p in PurePosixPath(path).parts]
    if any(p in ("templates", "template") for p in parts[:-1]) or _TEMPLATE_NAME.search(parts[-1]):
        return "template"
    if "checklists" in parts[:-1]:
        return "checklist"
    if parts[-1] in _NOTES_FILES:
        return "notes"
    if "task" in PurePosixPath(parts[-1]).stem:
        return "tasks"
    return "spec"
