"""CSV responses that spreadsheets open safely.

A cell starting with =, +, - or @ would run as a formula in Excel or Sheets
(CSV injection, OWASP): such cells are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io

from flask import Response

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A value as CSV text, neutralised if a spreadsheet would evaluate it."""
    if value is None:
        return ""
    text = value.isoformat(sep=" ", timespec="seconds") if hasattr(value, "isoformat") else str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text
    return "'" + text if text.startswith(DANGEROUS) else text


def csv_response(header: list[str], rows, filename: str) -> Response:
    """A CSV download with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
