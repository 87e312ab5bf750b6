"""Reading a text file a person hands to drill (an answer, an export): UTF-8, or any Unicode
encoding announced by a byte-order mark, as editors on Windows and PowerShell write them."""

from __future__ import annotations

import codecs

from drills.errors import InputError

# UTF-32 first: its little-endian mark begins with UTF-16's
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes, name: str) -> str:
    """The text of a file's bytes, or an InputError naming the file and line."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise InputError(f"{name}: starts with a {encoding.upper()} byte-order mark but is not "
                                 f"{encoding.upper()} text; save it as UTF-8") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{name}:{line}: is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8"
                         ) from None
