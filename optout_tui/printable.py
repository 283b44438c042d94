"""Text from users and vendors made safe to print: terminal controls are shown, never obeyed.

A reason, an input line or a company name can hold ESC sequences (recolour, move the cursor, retitle the
window, hide what follows), other C0/C1 controls, or bidi overrides that make text read other than it is.
Printed as they are, they let one line of input rewrite what a support agent sees, so every place that
shows such text to a person passes it through `printable`. Files and data formats keep the exact text.
"""

from __future__ import annotations

import functools
import re

# C0, DEL and C1 controls; bidi marks, embeddings, overrides and isolates; line and paragraph separators.
_CONTROLS = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"


@functools.cache
def _pattern(keep: str) -> re.Pattern[str]:
    return re.compile(f"(?![{re.escape(keep)}])[{_CONTROLS}]" if keep else f"[{_CONTROLS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, keep: str = "") -> str:
    """`text` with every terminal control written as an escape (`\\x1b`, `\\u202e`), as Python's repr writes
    it; the characters in `keep` stay as they are ("\\n" for text of several lines)."""
    return _pattern(keep).sub(_escape, text)
