"""Article bytes into text.

Why this is its own module: every later stage trusts that an article's text is what its
author wrote. A wrong codec does not fail loudly, it "succeeds" with mojibake (cp949 maps
most byte pairs to some Hangul or Hanja), and mojibake builds a graph of nonsense; so
`decode_bytes` accepts a decoding only when it is certain (a BOM, strict UTF-8) or when the
result reads as Korean/English prose, and otherwise raises `InputError`.

Guarantees:

* `decode_bytes` never returns text for a binary file (images, archives, PDFs, HWP/DOC,
  executables, databases: named by magic number in the error), honours a byte-order mark,
  recognises BOM-less UTF-16 by its NUL bytes, and only accepts a CP949 (EUC-KR) or guessed
  decoding that is mostly Hangul/ASCII. It raises `InputError` (with a hint) instead.
* `decode_text` is `decode_bytes` with every line break (CR LF, CR, VT, FF, NEL, U+2028,
  U+2029) made "\n", the one line break later stages know (`LINE_BREAKS`).

Nothing here reads files (but `is_streamable_utf8`, which only looks) or knows about articles.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from kg.errors import InputError

__all__ = ["LINE_BREAKS", "SAMPLE_BYTES", "decode_bytes", "decode_text", "is_streamable_utf8"]


# --------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "zip archive"),
    (b"%PDF-", "PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document (HWP/DOC/XLS)"),
    (b"\x7fELF", "ELF executable"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"SQLite format 3\x00", "SQLite database"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# bytes that never occur in text files (tab, LF, VT, FF, CR and ESC are allowed)
_CONTROL_BYTES = frozenset(set(range(0x09)) | {0x0E, 0x0F} | set(range(0x10, 0x1B)) | {0x1C, 0x1D, 0x1E, 0x1F, 0x7F})
SAMPLE_BYTES = 65536
"""How much of a file (or text) the content sniffers look at: enough to judge, bounded on huge input."""
LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x85\u2028\u2029]")
"""Every line break but "\\n"; `decode_text` and the cleaners replace them with "\\n"."""


def _binary_kind(data: bytes) -> str | None:
    """Name the binary format from its magic number, so the Problem tells the user what it is."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "RIFF media file"
    if re.match(rb"BZh[1-9]1AY&SY", data[:10]):
        return "bzip2 archive"
    return None


def _is_hangul(ch: str) -> bool:
    """Hangul syllables and compatibility jamo (ㄱ, ㅋ used alone in informal copy)."""
    return "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e"


def _is_expected_non_ascii(ch: str) -> bool:
    """Non-ASCII characters Korean news really uses: Hangul, Hanja, Latin accents, punctuation."""
    return (_is_hangul(ch) or "\u4e00" <= ch <= "\u9fff" or "\u00a0" <= ch <= "\u024f"
            or "\u2000" <= ch <= "\u27bf" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
            or "\u3200" <= ch <= "\u33ff")


def _is_plausible_text(text: str) -> bool:
    """True if `text` looks like Korean/English prose rather than mojibake.

    A wrong codec still "succeeds" on many byte strings (cp949 maps most byte pairs to some
    Hangul or Hanja; single-byte code pages map anything to anything), so a guessed decoding
    is only accepted when at least 80% of its visible characters are Hangul or ASCII
    printable, at least 70% of the non-ASCII ones are of a kind Korean news uses (no Arabic
    presentation forms or Cyrillic out of nowhere), and there is almost no replacement junk.
    """
    visible = [c for c in text[:SAMPLE_BYTES] if not c.isspace()]
    if not visible:
        return True
    ascii_count = sum(1 for c in visible if " " < c < "\x7f")
    non_ascii = [c for c in visible if not " " < c < "\x7f"]
    hangul = sum(1 for c in non_ascii if _is_hangul(c))
    expected = sum(1 for c in non_ascii if _is_expected_non_ascii(c))
    junk = sum(1 for c in non_ascii if c == "\ufffd" or unicodedata.category(c) in ("Cc", "Cn", "Co", "Cs"))
    return (ascii_count + hangul >= 0.8 * len(visible) and expected >= 0.7 * len(non_ascii)
            and junk <= 0.01 * len(visible))


def _decode_with_bom(data: bytes) -> str | None:
    """Decode by byte-order mark; a BOM is the one encoding declaration plain text has."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()}",
                                 hint="re-save the file as UTF-8") from exc
    return None


def _decode_utf16_by_nuls(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by where its NUL bytes sit.

    ASCII characters (spaces, digits, newlines) in UTF-16 have a zero high byte: at odd
    offsets in little-endian, even offsets in big-endian. Binary files have NULs everywhere.
    """
    if len(data) % 2:
        return None
    sample = data[:SAMPLE_BYTES]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    total = even + odd
    if total == 0:
        return None
    codec = "utf-16-le" if odd >= 0.9 * total else "utf-16-be" if even >= 0.9 * total else None
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return text if _is_plausible_text(text) else None


def _decode_by_guess(data: bytes) -> str | None:
    """Last resort: charset-normalizer's best few guesses, the first that reads as Hangul/ASCII."""
    from charset_normalizer import from_bytes

    for match in list(from_bytes(data))[:5]:
        text = str(match)
        if _is_plausible_text(text):
            return text
    return None


def decode_bytes(data: bytes) -> str:
    """Decode an article file's bytes, never guessing wrong on Korean text.

    Order: binary magic numbers → BOM → BOM-less UTF-16 (when NUL bytes are present; NULs are
    valid UTF-8 so this must come before UTF-8) → strict UTF-8 → strict CP949 (covers EUC-KR)
    → charset-normalizer. CP949 and the guess are only accepted when the result is mostly
    Hangul/ASCII. Raises `InputError` for binary or undecodable data; `b""` decodes to `""`.
    """
    kind = _binary_kind(data)
    if kind:
        raise InputError(f"binary file ({kind}) — not an article")
    text = _decode_with_bom(data)
    if text is not None:
        return text
    if b"\x00" in data:
        text = _decode_utf16_by_nuls(data)
        if text is not None:
            return text
        raise InputError("binary file (NUL bytes) — not an article")
    sample = data[:SAMPLE_BYTES]
    if sample and sum(b in _CONTROL_BYTES for b in sample) > 0.01 * len(sample):
        raise InputError("binary file (many control bytes) — not an article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp949")
        if _is_plausible_text(text):
            return text
    except UnicodeDecodeError:
        pass
    text = _decode_by_guess(data)
    if text is not None:
        return text
    raise InputError("cannot decode: not UTF-8, UTF-16 or CP949/EUC-KR text", hint="re-save the file as UTF-8")


def decode_text(data: bytes) -> str:
    """Decode a file's bytes (`decode_bytes`) and normalise its line breaks to `\\n`."""
    return LINE_BREAKS.sub("\n", decode_bytes(data))


def is_streamable_utf8(path: Path) -> bool:
    """True if the file is UTF-8 (BOM optional) with no NUL byte: `decode_bytes` would return
    `data.decode("utf-8")` for it, so it can be decoded line by line without holding it whole.

    Reads the file once in blocks (nothing kept); any doubt (binary magic, another BOM, NULs,
    many control bytes, invalid UTF-8) answers False and the file is decoded whole.
    """
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        if _binary_kind(head) or any(head.startswith(bom) for bom, codec in _BOMS if codec != "utf-8"):
            return False
        if head and sum(b in _CONTROL_BYTES for b in head) > 0.01 * len(head):
            return False
        block = head
        try:
            while block:
                if b"\x00" in block:
                    return False
                decoder.decode(block)
                block = handle.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True
