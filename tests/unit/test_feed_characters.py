"""feeds: the characters left out of the XML feed are exactly those XML 1.0 cannot carry."""

from __future__ import annotations

from kursk_site.feeds import NOT_XML_RE


def xml_char(code: int) -> bool:
    """XML 1.0's Char production."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def test_every_character_xml_cannot_carry_is_left_out_and_no_other() -> None:
    every = "".join(map(chr, range(0x110000)))
    assert NOT_XML_RE.sub("", every) == "".join(chr(code) for code in range(0x110000) if xml_char(code))
