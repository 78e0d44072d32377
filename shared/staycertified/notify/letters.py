"""Postal letters as PDF, laid out for a standard #10 window envelope: one layout for every notice.

Layout (US Letter, 8.5 x 11 in, tri-folded into a #10 double-window envelope):

- return address (the organisation profile's postal lines, R43): 0.5 in from
  the left, 0.5 in from the top (upper window);
- recipient block: 0.875 in from the left, 2.125 in from the top, at most
  4 in wide and 1 in high (5 lines of 10 pt), which shows through the
  standard recipient window (4.5 x 1.125 in, 7/8 in from the left and 1/2 in
  from the bottom of the envelope) when the top third is folded in;
- the letter body starts below the first fold (3.67 in): title, then the
  blocks the notice's `letter.txt` template rendered (`notify.render`):
  paragraphs, headings, tables of (label, value).

fpdf2 costs ~0.7 s to import, so it is imported inside `render_letter` only:
a handler module that imports this one stays cheap to load.
Paragraphs are wrapped here (greedy, by the font's own advance widths) rather
than by fpdf's `multi_cell`, never inside a word or at a hyphen (an invoice
number stays on one line).

Fonts are embedded (R43: a letter prints as written at the print house): DejaVu
Sans regular and bold (`notify/fonts/`, the licence beside them), each letter
carrying a subset (the glyphs of printable ASCII and the letter's own), so names
print as written ("Zoë Ł. Nguyễn"). Parsing a font file and subsetting it are
the slow parts (~75 ms and ~45 ms a font): each file is parsed once per process
(`_font_prototypes`) and each subset made once per glyph set (`_SubsetterMemo`),
so a letter renders in ~10 ms more than with the core fonts, at ~19 KB.
"""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from staycertified.notify.render import LetterBlock

INCH = 72.0  # points
RECIPIENT_LEFT = 0.875 * INCH
RECIPIENT_TOP = 2.125 * INCH
RECIPIENT_WIDTH = 4.0 * INCH
RECIPIENT_LINE = 12.0  # 10 pt type
RECIPIENT_MAX_LINES = 5
BODY_TOP = 3.85 * INCH
TEXT_WIDTH = 8.5 * INCH - 2 * 0.875 * INCH  # between the margins
BODY_SIZE = 10.5
FONTS = Path(__file__).with_name("fonts")
FAMILY = "DejaVuSans"
FONT_FILES = {"": FONTS / "DejaVuSans.ttf", "B": FONTS / "DejaVuSans-Bold.ttf"}


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    pages: int


@dataclass(frozen=True)
class _Prototype:
    key: str  # fpdf's fontkey
    font: Any  # fpdf's TTFFont, parsed once
    data: bytes  # the file
    base_glyphs: frozenset[str]  # the glyphs of printable ASCII, in every subset


@functools.cache
def _font_prototypes() -> tuple[_Prototype, ...]:
    """Each font parsed once per process (~75 ms a file; a letter renders in a few ms)."""
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    pdf = FPDF(unit="pt", format="letter")
    for style, path in FONT_FILES.items():
        pdf.add_font(FAMILY, style=style, fname=path)
    _memoise_subsets()
    return tuple(
        _Prototype(
            key=key,
            font=font,
            data=FONT_FILES[font.emphasis.style].read_bytes(),
            base_glyphs=frozenset(font.cmap[c] for c in range(0x20, 0x7F) if c in font.cmap),
        )
        for key, font in pdf.fonts.items()
        if isinstance(font, TTFFont)
    )


def _add_fonts(pdf: Any) -> None:
    """The fonts of one letter, as `add_font` would make them, without parsing again.

    A shallow copy of the parsed font shares what parsing produced and the letter never
    changes (widths, cmap, glyph ids, descriptor); the per-document state is new: the
    glyphs used (`SubsetMap`), missing glyphs, the biggest size, and a lazily read
    fontTools font that fpdf's output cuts down to the letter's subset in place.
    Added in the prototypes' order, each keeps its number (`i`) in the document."""
    from fontTools.ttLib import TTFont
    from fpdf.fonts import SubsetMap

    for prototype in _font_prototypes():
        font = copy.copy(prototype.font)
        font.ttfont = TTFont(io.BytesIO(prototype.data), recalcTimestamp=False, lazy=True)
        font.ttfont.staycertified_prototype = prototype
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font._hbfont = None
        pdf.fonts[prototype.key] = font


@dataclass(frozen=True)
class _Subset:
    data: bytes  # the subset font file, as fontTools saved it
    glyph_ids: dict[str, int]  # glyph name -> its id in the subset


class _SubsetterMemo:
    """fontTools' `Subsetter` as fpdf's output drives it (`Subsetter(options)`,
    `populate(glyphs=...)`, `subset(ttfont)`, then `ttfont.getGlyphID(name)` and
    `ttfont.save(stream)`), memoised for the letters' fonts.

    Subsetting and saving cost ~45 ms a font and a letter (fontTools decompiles and
    compiles every glyph used); letters share most glyphs, so each subset holds the
    glyphs of printable ASCII as well as the letter's own, and the subset is kept
    per glyph set (every letter whose text is ASCII shares one). After a subset the
    font answers `getGlyphID` and `save` from it. A font that is not one of the
    letters' is subset by fontTools as before."""

    CACHE: ClassVar[dict[tuple[str, frozenset[str]], _Subset]] = {}
    MAX_ENTRIES = 256

    def __init__(self, options: Any) -> None:
        from fontTools import subset

        self._options = options
        self._subsetter = subset.Subsetter(options)
        self._glyphs: frozenset[str] = frozenset()

    def populate(self, *, glyphs: Any = ()) -> None:
        self._glyphs = frozenset(glyphs)

    def subset(self, ttfont: Any) -> None:
        prototype = getattr(ttfont, "staycertified_prototype", None)
        if prototype is None:
            self._subsetter.populate(glyphs=self._glyphs)
            self._subsetter.subset(ttfont)
            return
        glyphs = self._glyphs | prototype.base_glyphs
        key = (prototype.key, glyphs)
        found = self.CACHE.get(key)
        if found is None:
            from fontTools import subset

            options = copy.copy(self._options)
            options.hinting = False  # print-house resolution: hints only add bytes
            subsetter = subset.Subsetter(options)
            subsetter.populate(glyphs=glyphs)
            subsetter.subset(ttfont)
            out = io.BytesIO()
            ttfont.save(out)
            ids = {name: ttfont.getGlyphID(name) for name in ttfont.getGlyphOrder()}
            found = _Subset(data=out.getvalue(), glyph_ids=ids)
            if len(self.CACHE) >= self.MAX_ENTRIES:
                self.CACHE.pop(next(iter(self.CACHE)), None)  # the oldest
            self.CACHE[key] = found
        ttfont.close()
        ttfont.getGlyphID = found.glyph_ids.__getitem__
        ttfont.save = lambda stream, *args, **kwargs: stream.write(found.data)
        ttfont.close = lambda: None


def _memoise_subsets() -> None:
    """fpdf's output reaches fontTools through its module's `ftsubset` name (fpdf2 2.8.9,
    pinned in uv.lock; tests/unit/notify/test_letter_fonts.py fails if that changes)."""
    import types

    from fontTools import subset
    from fpdf import output

    if getattr(output.ftsubset, "Subsetter", None) is not _SubsetterMemo:
        memo = types.SimpleNamespace(Options=subset.Options, Subsetter=_SubsetterMemo)
        output.__dict__["ftsubset"] = memo


def wrap(text: str, width: float = TEXT_WIDTH, size: float = BODY_SIZE) -> list[str]:
    """Greedy wrap at spaces by the regular font's advance widths: a word (an invoice
    number, a URL) is never broken, and a word wider than the line stands alone."""
    [regular] = [p.font for p in _font_prototypes() if p.font.emphasis.style == ""]
    advance = regular.cw  # per 1000 em; a character the font lacks gets its missing width

    def measure(word: str) -> float:
        return sum(advance[ord(c)] for c in word) * size / 1000

    space = measure(" ")
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split():
        needed = measure(word)
        if current and used + space + needed > width:
            lines.append(" ".join(current))
            current, used = [], 0.0
        used += (space if current else 0.0) + needed
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _paragraph(pdf: object, text: str) -> None:
    for line in wrap(text) or [""]:
        pdf.cell(w=0, h=14, text=line, new_x="LMARGIN", new_y="NEXT")  # type: ignore[attr-defined]


def _block(pdf: object, block: LetterBlock) -> None:
    cell = pdf.cell  # type: ignore[attr-defined]
    font = pdf.set_font  # type: ignore[attr-defined]
    if block.kind == "heading":
        font(FAMILY, style="B", size=BODY_SIZE)
        cell(w=0, h=16, text=block.text, new_x="LMARGIN", new_y="NEXT")
        font(FAMILY, size=BODY_SIZE)
        return
    if block.kind == "table":
        for label, value in block.rows:
            font(FAMILY, style="B", size=BODY_SIZE)
            cell(w=1.6 * INCH, h=16, text=label)
            font(FAMILY, size=BODY_SIZE)
            cell(w=0, h=16, text=value, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)  # type: ignore[attr-defined]
        return
    _paragraph(pdf, block.text)
    pdf.ln(6)  # type: ignore[attr-defined]


@functools.cache
def _quiet_fpdf() -> None:
    """fpdf logs, at WARNING, the characters a font lacks ("missing the following
    glyphs: ..."): those of a member's name are personal data, kept out of the logs.
    Its DEBUG lines (sizes) say nothing worth shipping either; errors still raise."""
    import logging

    logging.getLogger("fpdf").setLevel(logging.ERROR)


def render_letter(
    *,
    title: str,
    address_lines: Sequence[str],
    letter_date: str,
    blocks: Sequence[LetterBlock],
    return_address: Sequence[str],
    creator: str,
) -> RenderedLetter:
    """One letter as PDF bytes, with its page count."""
    from fpdf import FPDF  # lazy: ~0.7 s import, paid only by the functions that print

    _quiet_fpdf()
    pdf = FPDF(orientation="portrait", unit="pt", format="letter")
    pdf.set_auto_page_break(auto=True, margin=0.75 * INCH)
    pdf.set_margins(left=0.875 * INCH, top=0.5 * INCH, right=0.875 * INCH)
    pdf.set_creator(creator)
    pdf.set_title(title)
    _add_fonts(pdf)
    pdf.add_page()

    pdf.set_font(FAMILY, size=8)
    pdf.set_xy(0.5 * INCH, 0.5 * INCH)
    for line in return_address:
        pdf.cell(w=3 * INCH, h=10, text=line, new_x="LEFT", new_y="NEXT")

    pdf.set_font(FAMILY, size=10)
    pdf.set_xy(RECIPIENT_LEFT, RECIPIENT_TOP)
    for line in list(address_lines)[:RECIPIENT_MAX_LINES]:
        pdf.cell(w=RECIPIENT_WIDTH, h=RECIPIENT_LINE, text=line, new_x="LEFT", new_y="NEXT")
    pdf.set_xy(5.5 * INCH, RECIPIENT_TOP)
    pdf.cell(w=2.125 * INCH, h=RECIPIENT_LINE, text=letter_date, align="R")

    pdf.set_xy(0.875 * INCH, BODY_TOP)
    pdf.set_font(FAMILY, style="B", size=14)
    pdf.cell(w=0, h=18, text=title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FAMILY, size=BODY_SIZE)
    for block in blocks:
        _block(pdf, block)
    return RenderedLetter(pdf=bytes(pdf.output()), pages=pdf.pages_count)
