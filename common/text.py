"""Unicode hygiene for text that NLP or people will read.

Invisible format characters (zero-width spaces, soft hyphens, byte-order marks, bidi marks) split
words without showing it, so "Russian\u200b forces" stops being a known actor; NUL and other
control characters break downstream tools. `clean_text` removes them and normalises to NFC.
"""

from __future__ import annotations

import re
import unicodedata

# Cf (format) characters, plus C0/C1 controls other than tab and line breaks.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f"
                        r"\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
# Non-breaking and other typographic spaces read as plain spaces.
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def clean_text(text: str) -> str:
    """NFC text without format characters, NUL or stray controls; CRLF and CR become LF."""
    if not text:
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        text = _SPACES.sub(" ", text)
        text = _INVISIBLE.sub("", text)
        # anything else Unicode calls a format character (new ones appear with new Unicode versions)
        if any(unicodedata.category(c) == "Cf" for c in text if ord(c) > 0x7F):
            text = "".join(c for c in text if ord(c) < 0x80 or unicodedata.category(c) != "Cf")
    else:
        text = _INVISIBLE.sub("", text)
    return text.replace("\t", " ")
