"""The print house's manifest: one CSV per run (renewals, audits) or per day (the daily
sweep's letters), listing every letter of it whatever its kind.

Columns: letter key, the five recipient address lines, kind, invoice id (empty
when the letter has none), pages. Written to the mail bucket next to the
letters (`runs/<runId>/manifest.csv`, `manifests/<day>.csv`); addresses never
go to logs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MANIFEST_COLUMNS = (
    "letter_key",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "address_line_5",
    "kind",
    "invoice_id",
    "pages",
)


class ManifestRow(BaseModel):
    """One letter for the print-and-mail house."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True, defer_build=True)

    letter_key: str = Field(alias="letterKey")
    address_lines: tuple[str, ...] = Field(alias="addressLines")
    kind: str
    invoice_id: str = Field(default="", alias="invoiceId")
    pages: int


def manifest_csv(letters: Iterable[ManifestRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for letter in letters:
        lines = (list(letter.address_lines) + [""] * 5)[:5]
        writer.writerow([letter.letter_key, *lines, letter.kind, letter.invoice_id, letter.pages])
    return out.getvalue()


def write_manifest(s3: Any, bucket: str, key: str, letters: Iterable[ManifestRow]) -> str:
    s3.put_object(
        Bucket=bucket, Key=key, Body=manifest_csv(letters).encode(), ContentType="text/csv"
    )
    return key


def day_manifest_key(day: str) -> str:
    return f"manifests/{day}.csv"


def run_manifest_key(run_id: str) -> str:
    return f"runs/{run_id}/manifest.csv"


def read_manifest(s3: Any, bucket: str, key: str) -> list[ManifestRow]:
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    except s3.exceptions.NoSuchKey:
        return []
    rows = list(csv.reader(io.StringIO(body)))[1:]
    return [
        ManifestRow(
            letter_key=r[0],
            address_lines=tuple(line for line in r[1:6] if line),
            kind=r[6],
            invoice_id=r[7],
            pages=int(r[8]),
        )
        for r in rows
    ]


def add_to_manifest(s3: Any, bucket: str, key: str, letters: Iterable[ManifestRow]) -> str:
    """Adds letters to the manifest at `key` (a day's), keeping what an earlier run of
    the same day put there; one row per letter key."""
    merged = {row.letter_key: row for row in read_manifest(s3, bucket, key)}
    merged.update((row.letter_key, row) for row in letters)
    return write_manifest(s3, bucket, key, merged.values())
