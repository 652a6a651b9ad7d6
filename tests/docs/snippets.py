"""The README's code blocks, as a reader sees them: fenced blocks with their language,
the line they start on, the section they are in, and an opt-out marker
``<!-- not-run: reason -->`` on the line right before the fence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```(\w*)\s*$")
NOT_RUN = re.compile(r"^<!--\s*not-run:\s*(.+?)\s*-->\s*$")
SHELL = {"sh", "bash", "shell", "console"}
PYTHON = {"python", "py"}


@dataclass
class Snippet:
    language: str
    line: int  # 1-based line of the opening fence
    section: str
    code: str
    not_run: str | None

    @property
    def kind(self) -> str | None:
        return "shell" if self.language in SHELL else "python" if self.language in PYTHON else None

    def __str__(self) -> str:
        return f"README.md:{self.line} ({self.section})"


def snippets(text: str | None = None) -> list[Snippet]:
    lines = (README.read_text() if text is None else text).splitlines()
    found, section, i = [], "", 0
    while i < len(lines):
        if lines[i].startswith("#") and not lines[i].startswith("#!"):
            section = lines[i].lstrip("#").strip()
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), None)
        if end is None:
            raise ValueError(f"README.md:{i + 1}: unclosed code block")
        marker = NOT_RUN.match(lines[i - 1]) if i else None
        found.append(Snippet(fence.group(1).lower(), i + 1, section, "\n".join(lines[i + 1:end]) + "\n",
                             marker.group(1) if marker else None))
        i = end + 1
    return found


def in_section(title: str) -> list[Snippet]:
    return [s for s in snippets() if s.section == title]
