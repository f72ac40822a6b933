"""Practice messages to patients: templates with a fixed set of placeholders, checked when saved."""

from __future__ import annotations

from string import Formatter

PLACEHOLDERS = ("patient_first_name", "practice", "provider", "booking_link")
CHANNELS = ("email", "sms")
MAX_SMS = 480  # three SMS segments once rendered, roughly


def placeholders(text: str) -> list[str]:
    """The placeholders `{name}` a text uses; ValueError naming the first unknown or malformed one
    (no attribute access, indexing, format specs or conversions: only the plain names)."""
    used = []
    try:
        parts = list(Formatter().parse(text))
    except ValueError as e:
        raise ValueError(f"malformed braces ({e}); write {{{{ and }}}} for literal braces") from None
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise ValueError(f"unknown placeholder {{{name}}}; known: " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS))
        used.append(name)
    return used


def render(text: str, values: dict[str, str]) -> str:
    return "".join(literal + (values[name] if name is not None else "")
                   for literal, name, _, _ in Formatter().parse(text))
