"""Source lines shown next to a use: secrets masked, ordinary code left readable.

The shared redactor (:mod:`nemoctl.redact`) masks ``token=…`` / ``api_key=…`` pairs,
which in a source line is usually code passing a variable on (``f(token=token)``,
``api_key=settings.api_key``), not a credential.  Here a value that is a plain name or a
dotted name without digits is kept; everything else (a literal, a URL, a registered
secret) still goes through the redactor.
"""

from __future__ import annotations

import re

from nemoctl.redact import redact

#: ``name=identifier`` / ``name: identifier`` where the value is a (dotted) name, not a
#: literal: protected from masking.  This reads a line of text, not code structure.
_NAMED_VALUE = re.compile(
    r"(?<![\w.?&-])(?P<lead>(?P<key>[A-Za-z_][\w-]*)\s*=\s*)"
    r"(?P<value>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"(?![\w.'\"(\[/:@-])")


def mask(line: str) -> str:
    """``line`` with credentials masked; names passed as values kept."""
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        value = match["value"]
        # A name with a digit in it may be a token written bare (``KEY=sk_live_4eC39``):
        # only digit-free names, or the key's own name, are kept as code.
        if (any(c.isdigit() for c in value) and value != match["key"]) \
                or redact(value) != value:
            return match[0]  # the name itself is a registered secret: let it be masked
        kept.append(value)
        return f"{match['lead']}<{len(kept) - 1}>"

    masked = redact(_NAMED_VALUE.sub(hold, line))
    for index, value in enumerate(kept):
        masked = masked.replace(f"<{index}>", value, 1)
    return masked
