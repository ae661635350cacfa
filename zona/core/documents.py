"""The documents people download and edit: a DOCX (python-docx) started in the house style
and saved to bytes, and a PDF (WeasyPrint) rendered from a template. Shared by the national
stage's proposal package, insight's LHE, profile and SKM report, and the surveys' posters."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string


def docx_new(*, font_size: int) -> Any:
    """An empty DOCX whose body text is Arial at `font_size` points."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(font_size)
    return document


def docx_bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_from_template(
    template: str,
    context: dict[str, Any],
    *,
    request: Any = None,
    stylesheets: Sequence[str] = (),
) -> bytes:
    """The template rendered (in the active language) as a PDF; `stylesheets` are static
    file paths added to the template's own styles."""
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    html = render_to_string(template, context, request=request)
    sheets = [CSS(filename=finders.find(path)) for path in stylesheets]
    return bytes(HTML(string=html).write_pdf(stylesheets=sheets or None))
