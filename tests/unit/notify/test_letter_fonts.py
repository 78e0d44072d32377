"""Letters carry their fonts (issue 8 item 2, R43): every font of a letter is embedded
(a TrueType subset, /FontFile2), names print as written (the core fonts of ab360fd
were Latin-1 only and not embedded: "Zoë Ł. Nguyễn" printed as "Zoë L. Nguyen"),
paragraph lines fit between the margins, and a letter stays small."""

from __future__ import annotations

import io
import logging
from typing import Any

import pypdf

from staycertified import config
from staycertified.notify import letters
from staycertified.notify.render import LetterBlock

NAME = "Zoë Ł. Nguyễn"
INVOICE = "INV-RMA-100001-2026"


def letter(name: str) -> bytes:
    org = config.organisation()
    blocks = [
        LetterBlock(kind="paragraph", text=f"Dear {name}, your invoice {INVOICE} is past due."),
        LetterBlock(kind="heading", text="Your certification"),
        LetterBlock(kind="table", rows=(("Name", name), ("Invoice", INVOICE))),
        LetterBlock(kind="paragraph", text="Pay online at " + org.pay_link(INVOICE) + " " * 3),
    ]
    return letters.render_letter(
        title="Past due notice",
        address_lines=[name, "1 Main St", "Springfield, IL 62701"],
        letter_date="March 1, 2026",
        blocks=blocks,
        return_address=org.postal_lines,
        creator=org.name,
    ).pdf


def fonts_of(pdf: bytes) -> list[dict[str, Any]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])]
            descriptors = [d["/FontDescriptor"].get_object() for d in descendants] or [
                font.get("/FontDescriptor", {})
            ]
            found.append({"base": str(font["/BaseFont"]), "descriptors": descriptors})
    return found


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_r43_every_font_of_a_letter_is_embedded_as_a_subset() -> None:
    fonts = fonts_of(letter(NAME))
    assert len(fonts) == 2  # regular and bold
    for font in fonts:
        assert font["descriptors"], font["base"]
        for descriptor in font["descriptors"]:
            assert "/FontFile2" in descriptor, f"{font['base']} is not embedded"
        tag, _, family = font["base"].lstrip("/").partition("+")
        assert len(tag) == 6 and tag.isupper() and family.startswith("DejaVuSans"), font["base"]


def test_r43_names_print_as_written() -> None:
    text = text_of(letter(NAME))
    assert text.count(NAME) >= 3  # address block, salutation, table
    assert INVOICE in text


def test_r43_letters_with_other_glyphs_each_print_their_own() -> None:
    """Subsets are kept per glyph set: a letter after another reads its own text."""
    for name in ("Ann Lee", NAME, "Ann Lee", "Þóra Ğül Øster", NAME):
        assert name in text_of(letter(name))


def test_r43_a_paragraph_line_never_passes_the_margin_nor_breaks_a_word() -> None:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.add_font("DejaVuSans", fname=letters.FONT_FILES[""])
    pdf.set_font("DejaVuSans", size=letters.BODY_SIZE)
    text = (f"WWW mmm {INVOICE} {NAME} ") * 12 + "https://pay.example.org/" + "x" * 30
    lines = letters.wrap(text)
    assert len(lines) > 3
    assert " ".join(lines).split() == text.split()
    assert all(pdf.get_string_width(line) <= letters.TEXT_WIDTH for line in lines[:-1])


def test_r43_a_letter_stays_small() -> None:
    assert len(letter(NAME)) < 40_000


def test_a_name_the_font_lacks_glyphs_for_stays_out_of_the_logs(caplog: Any) -> None:
    """fpdf logs the characters a font lacks: for a name, personal data in the logs."""
    name = "山田 花子"  # CJK: not in DejaVu Sans
    with caplog.at_level(logging.DEBUG):
        pdf = letter(name)
    assert pdf.startswith(b"%PDF")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert not set(name) - {" "} & set(logged), logged
