"""Receipts for the demo expense claims: one-page PDFs made on the spot (no binary files in the repository)."""
from __future__ import annotations


def receipt_pdf(number: str, amount: float, seller: str) -> bytes:
    """A minimal, valid PDF showing the fapiao's number, seller and amount."""
    lines = [f"Fapiao No. {number}", f"Seller: {seller}", f"Total: CNY {amount:,.2f}"]
    text = " ".join(f"({line}) Tj 0 -24 Td" for line in lines)
    content = f"BT /F1 16 Tf 40 150 Td {text} ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 220] /Contents 4 0 R"
               b" /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number_, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number_, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
