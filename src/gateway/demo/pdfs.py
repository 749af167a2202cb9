"""Small, real PDF documents for the demo (policies, attachments, newsletters, invoices)."""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF


def simple_pdf(title: str, lines: Sequence[str], *, footer: str = "") -> bytes:
    """A one-page A4 PDF with a title and paragraphs (Latin-1 text: the core fonts' range)."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("Ouderportaal demo")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    if footer:
        pdf.set_y(-25)
        pdf.set_font("Helvetica", style="I", size=9)
        pdf.cell(0, 6, footer)
    return bytes(pdf.output())
