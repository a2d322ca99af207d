"""Writers: the composed blocks as tab-separated text, HTML, PDF or DOCX.

The text form prints tables as tab-separated grid lines (blank cells kept, a merged header
cell's text in its first position), the layout yusuan's parser reads exactly; HTML and PDF
are in ``html_writer``, DOCX in ``docx_writer``.
"""

from __future__ import annotations

from pathlib import Path

from yusuan.render.document import Block, Cover, Heading, Paragraph, TableView, Toc

FORMATS = ("txt", "html", "docx", "pdf")


def format_of(path: str | Path) -> str | None:
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"htm": "html", "text": "txt"}.get(suffix, suffix) if suffix else None


def to_text(blocks: tuple[Block, ...]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Cover):
            out += [b.unit_name, "", b.title, "", b.date, ""]
        elif isinstance(b, Toc):
            out += ["目录", ""] + [x for e in b.entries for x in (e.text, "")]
        elif isinstance(b, Heading | Paragraph):
            out += [b.text, ""]
        elif isinstance(b, TableView):
            if b.number:
                out += [b.number, ""]
            out += [b.title, ""]
            out += [x for line in (b.org_line, b.unit_line) if line for x in (line, "")]
            out += ["\t".join(r) for r in (*b.header, *b.body)]
            out.append("")
            if b.empty_note:
                out += [b.empty_note, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def write(blocks: tuple[Block, ...], path: str | Path, fmt: str, title: str = "") -> None:
    if fmt == "txt":
        Path(path).write_text(to_text(blocks), encoding="utf-8")
    elif fmt == "html":
        from yusuan.render.html_writer import write_html

        write_html(blocks, path, title)
    elif fmt == "pdf":
        from yusuan.render.html_writer import write_pdf

        write_pdf(blocks, path, title)
    elif fmt == "docx":
        from yusuan.render.docx_writer import write_docx

        write_docx(blocks, path, title)
    else:
        raise ValueError(fmt)
