"""The self-contained HTML report (Vietnamese): summary and what needs attention first, then the
unified catalog with sources and link reasons, the flags grouped by kind, and the source documents.

No external assets: styles and the small filter script are inline, so the files can be mailed or
opened offline. Every value is escaped. A large archive's sections are split into pages
(catalog.reports.pages); rows are rendered one at a time, from the report model or from the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from pathlib import Path

from catalog.concept_facts import ConceptDetail
from catalog.records import FileOutcome
from catalog.reports import concepts_section
from catalog.reports.model import CatalogReport, DatasetView, MemberView, SourceView, Summary, flag_label, where
from catalog.reports.pages import INDEX, Layout, SectionText, SectionWriter, SourceRef
from extract.model import ExtractionWarning
from matching.model import Flag

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1d2733}
body{background:#f5f7fa}
header{background:#8b1d1d;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85;font-size:13px}
main{padding:18px 28px;max-width:1400px}
h2{border-bottom:2px solid #8b1d1d;padding-bottom:4px;margin-top:32px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:150px;box-shadow:0 1px 3px #0002}
.card b{display:block;font-size:26px}.card span{font-size:12px;color:#555}
.attention{background:#fff4e5;border-left:5px solid #e08a00;padding:10px 16px;border-radius:6px}
.attention{margin-top:14px}
.attention.ok{background:#eaf6ea;border-color:#2e7d32}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #d6dbe1;padding:5px 7px;vertical-align:top;text-align:left}
th{background:#eef1f5;position:sticky;top:0}
tr.multi td:first-child{border-left:4px solid #2e7d32}
details summary{cursor:pointer;color:#1a4d8f}
.muted{color:#777}.small{font-size:12px}.score{font-variant-numeric:tabular-nums}
.tag{display:inline-block;background:#eef1f5;border-radius:10px;padding:0 7px;margin:1px;font-size:12px}
.ok{color:#2e7d32}.warn{color:#b35c00}.dismissed{opacity:.6}
input#filter{padding:6px 10px;width:360px;margin:8px 0;border:1px solid #bbb;border-radius:5px}
code{font-size:12px}
nav.pages{margin:10px 0}ol.pages{columns:3}
"""

SCRIPT = """
document.getElementById('filter').addEventListener('input',function(){
 var q=this.value.toLowerCase();
 document.querySelectorAll('#catalog tbody tr.ds').forEach(function(r){
  r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});
"""


def _e(value: object) -> str:
    text = str(value)
    # Most text has nothing to escape: five scans are a third of html.escape's five replacements on
    # Vietnamese (non-ASCII) text, run for every value of half a million rows.
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text, quote=True)
    return text


CATALOG_OPEN = (
    '<table id="catalog"><thead><tr><th>#</th><th>Tên tập dữ liệu</th><th>Đơn vị quản lý</th>'
    "<th>Số văn bản</th><th>Khái niệm</th><th>Nguồn (văn bản, trang, bảng, dòng)</th></tr></thead><tbody>"
)
SOURCES_OPEN = (
    "<table><tr><th>Tệp</th><th>Loại, số hiệu, ngày</th>"
    "<th>Trích yếu</th><th>Định dạng</th><th>Mục danh mục</th><th>Nhiệm vụ</th>"
    "<th>Cảnh báo trích xuất</th><th>SHA-256</th></tr>"
)


def concept_html(concept: ConceptDetail) -> str:
    return concepts_section.html_row(concept, _e)


def flag_html(flag: Flag) -> tuple[str, str]:
    """A flag's HTML row but the href to its document (it depends on the page the row falls on): the
    text before and after it, the same wherever the row falls (catalog.reports.files keeps it)."""
    places = "<br>".join(f"{_e(where(p))}: <span class=small>{_e(p.raw[:200])}</span>" for p in flag.provenance)
    status = f"Đã bỏ qua bởi {_e(flag.dismissed_by)}: {_e(flag.dismissed)}" if flag.dismissed else "Cần xử lý"
    return (
        f'<tr class="{"dismissed" if flag.dismissed else ""}"><td>{_e(flag.message)}</td>'
        f"<td>{''.join(f'<span class=tag>{_e(e)}</span>' for e in flag.evidence)}</td>"
        '<td><a href="',
        f'">{_e(flag.document)}</a><br>{places}</td>'
        f"<td>{status}<br><code class=muted>{_e(flag.id)}</code></td></tr>",
    )


def source_ref(source: SourceView) -> SourceRef:
    return source.ref


class HtmlReport:
    """bao-cao.html and, for sections longer than a page, its pages in ``out``; rows are given one at a
    time (datasets in report order, flags kind by kind, then sources), the index is written last."""

    def __init__(self, summary: Summary, layout: Layout, out: Path | None, *, unlisted_concepts: int) -> None:
        """``summary``: its time and database head every page; the rest is read by ``finish`` (the caller
        may replace it by then with the counts gathered while writing)."""
        self.summary, self.layout, self.out = summary, layout, out
        self._index = 0
        self.finished: dict[str, str] = {}  # section → its text in bao-cao.html, once closed
        self._cells_page = ""  # the catalog page whose members' links are kept below
        self._document_links: dict[str, str] = {}
        self._file_links: dict[tuple[str, int | None], str] = {}
        self.catalog = self._section(SectionText(
            layout.catalog, "catalog-section", "2. Danh mục dữ liệu hợp nhất",
            '<p class="small muted">Mỗi dòng là một tập dữ liệu; các mục giống nhau ở nhiều văn bản được ghép '
            "lại. Viền xanh: có ở nhiều văn bản.</p>"
            '<input id="filter" placeholder="Lọc theo tên, đơn vị, văn bản…">',
            "tập dữ liệu", f"<script>{SCRIPT}</script>",
        ))  # fmt: skip
        self.flags = self._section(SectionText(
            layout.flags, "flags", "3. Cảnh báo",
            '<p class="small muted">Bỏ qua một cảnh báo: danhmuc decide --dismiss-flag MÃ --reason "…" --who TÊN</p>',
            "cảnh báo",
        ))  # fmt: skip
        self.sources = self._section(SectionText(layout.source_pages, "sources", "4. Văn bản nguồn", "", "văn bản"))
        self.warnings = self._section(SectionText(
            layout.warnings, "extraction-warnings", "5. Cảnh báo khi trích xuất / extraction warnings",
            '<p class="small muted">Những chỗ bộ trích xuất không chắc chắn: cần đối chiếu với tệp gốc trước khi '
            "dùng số liệu / where the extractor was unsure: check against the original.</p>",
            "văn bản có cảnh báo",
        ))  # fmt: skip
        self.concepts = self._section(SectionText(
            layout.concepts, "concepts", f"7. {concepts_section.HEADING}",
            concepts_section.html_intro(unlisted_concepts), "khái niệm",
        ))  # fmt: skip

    def _section(self, text: SectionText) -> SectionWriter:
        return SectionWriter(text, self.layout, self.out, self._page)

    def _page(self, title: str, nav: str) -> tuple[str, str]:
        head = "\n".join([
            "<!DOCTYPE html>",
            '<html lang="vi"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title) if title else 'Báo cáo danh mục dữ liệu hợp nhất'}</title>",
            f"<style>{STYLE}</style></head><body>",
            "<header><h1>Báo cáo danh mục dữ liệu hợp nhất</h1>",
            f"<p>Lập lúc {_e(self.summary.generated_at.strftime('%H:%M %d/%m/%Y'))} (UTC) · "
            f"kho dữ liệu {_e(self.summary.database)}</p></header><main>{nav}",
        ])  # fmt: skip
        return head + "\n", f"{nav}</main><!--script--></body></html>"

    def dataset(self, dataset: DatasetView) -> None:
        self._index += 1
        here = self.catalog.file_of_next()
        members = "".join(f"<li>{self._member_cell(m, here)}</li>" for m in dataset.members)
        concept = _e(self.layout.concept_href(dataset.concept_id, here))
        row = (
            f'<tr class="ds{" multi" if dataset.document_count > 1 else ""}" id="{_e(dataset.id)}">'
            f"<td>{self._index}</td><td><b>{_e(dataset.title)}</b><br>"
            f"<code class=muted>{_e(dataset.id)}</code></td>"
            f"<td>{_e(dataset.unit)}</td><td>{dataset.document_count}</td>"
            f'<td><a href="{concept}">{_e(dataset.concept_title)}</a></td>'
            f"<td><ul>{members}</ul>{_links(dataset)}</td></tr>"
        )
        self.catalog.add(row, opener=lambda _: CATALOG_OPEN, closer="</tbody></table>")

    def _member_cell(self, member: MemberView, here: str) -> str:
        # A document's link and its original file's (at a page) are the same for each of its rows on
        # a page: built once per page (half a million rows, ten thousand documents).
        if here != self._cells_page:
            self._cells_page, self._document_links, self._file_links = here, {}, {}
        sha = member.sha256
        link = self._document_links.get(sha)
        if link is None:
            link = f'<a href="{_e(self.layout.source_href(sha, here))}">{_e(member.document)}</a> '
            self._document_links[sha] = link
        page = member.provenance.page
        opened = self._file_links.get((sha, page))
        if opened is None:
            source = self.layout.sources.get(sha)
            href = source.file_href(page) if source else ""
            opened = f' · <a href="{_e(href)}" class="small">mở tệp</a>' if href else ""
            self._file_links[(sha, page)] = opened
        number = f"STT {_e(member.number)} · " if member.number else ""
        return (
            f'{link}<span class="small muted">({_e(member.where)})</span>'
            f"{opened}<br>{number}{_e(member.title)}"
            + (f' <span class="small muted">— {_e(member.unit)}</span>' if member.unit else "")
        )

    def flag(self, flag: Flag, kind_total: int) -> None:
        """Flags come kind by kind, open ones first within a kind."""
        self.flag_row(flag.kind.value, kind_total, flag.sha256, flag_html(flag))

    def flag_row(self, kind: str, kind_total: int, sha256: str, row: tuple[str, str]) -> None:
        """A flag's row from ``flag_html``: the link to its document put in, relative to the page at hand."""
        source = _e(self.layout.source_href(sha256, self.flags.file_of_next()))

        def opener(continued: bool) -> str:
            anchor = "" if continued else f' id="flag-{_e(kind)}"'
            more = " (tiếp / continued)" if continued else ""
            return (
                f"<h3{anchor}>{_e(flag_label(kind))} ({kind_total}){more}</h3>"
                "<table><tr><th>Nội dung</th><th>Bằng chứng</th><th>Văn bản, vị trí</th>"
                "<th>Trạng thái / mã</th></tr>"
            )

        self.flags.add(row[0] + source + row[1], group=kind, opener=opener, closer="</table>")

    def source(self, source: SourceView) -> None:
        ref = self.layout.sources.get(source.sha256) or source_ref(source)
        warnings = _e(self.layout.warnings_href(source.sha256, self.sources.file_of_next()))
        count = f'<a href="{warnings}">{source.warnings}</a>' if source.extraction_warnings else str(source.warnings)
        row = (
            f'<tr id="{source.anchor}" class="{"" if source.current else "dismissed"}"><td><b>{_e(source.name)}</b><br>'
            f"<span class=small>{'<br>'.join(_e(p) for p in source.paths) or 'phiên bản cũ / superseded'}</span></td>"
            f"<td>{_e(source.kind)} {_e(source.number)}<br><span class=small>{_e(source.issued)}</span></td>"
            f"<td>{_e(source.title)}</td><td>{_e(source.format)}, {source.pages} tr.</td><td>{source.entries}</td>"
            f"<td>{source.tasks}</td><td>{count}</td><td><code class=muted>{source.sha256[:12]}…</code></td></tr>"
        )
        self.sources.add(row, opener=lambda _: SOURCES_OPEN, closer="</table>")
        if not source.extraction_warnings:
            return
        back = _e(self.layout.source_href(source.sha256, self.warnings.file_of_next()))

        def opener(continued: bool) -> str:
            return (
                f'<h3 id="{source.warnings_anchor}"><a href="{back}">{_e(source.name)}</a> '
                f"({len(source.extraction_warnings)})</h3>"
                "<table><tr><th>Mã / code</th><th>Nội dung / message</th><th>Vị trí / where</th></tr>"
            )

        for n, warning in enumerate(source.extraction_warnings):
            self.warnings.add(
                _warning_row(ref, warning), group=source.sha256, opener=opener, closer="</table>", new_unit=n == 0
            )

    def concept(self, concept: ConceptDetail) -> None:
        """The listed concepts (concepts_section.shown), in that order."""
        self.concept_row(concept_html(concept))

    def concept_row(self, row: str) -> None:
        self.concepts.add(row, opener=lambda _: concepts_section.TABLE_OPEN, closer=concepts_section.TABLE_CLOSE)

    def finish_section(self, name: str) -> str:
        """One of the sections closed (``name``: catalog, flags, sources, warnings, concepts), as
        bao-cao.html shows it; kept for ``finish``, which may get it from a copy of this object in
        another process instead (catalog.reports.files)."""
        section, empty = {
            "catalog": (self.catalog, CATALOG_OPEN + "</tbody></table>"),
            "flags": (self.flags, "<p>Không có cảnh báo.</p>"),
            "sources": (self.sources, SOURCES_OPEN + "</table>"),
            "warnings": (self.warnings, "<p>Không có cảnh báo khi trích xuất / no extraction warnings.</p>"),
            "concepts": (self.concepts, concepts_section.TABLE_OPEN + concepts_section.TABLE_CLOSE),
        }[name]
        self.finished[name] = section.finish(empty)
        return self.finished[name]

    def datasets_from(self, position: int) -> None:
        """The next dataset is the one at ``position`` in report order, the first of a catalog page:
        the ones before it are written by another copy of this object."""
        self._index = position
        self.catalog.skip_to(position)

    def finish(self, problem_files: Sequence[FileOutcome]) -> str:
        """bao-cao.html's text (written by the caller, or returned whole)."""
        done = self.finished
        sections = [
            *(done[name] if name in done else self.finish_section(name) for name in ("catalog", "flags", "sources",
                                                                                      "warnings")),
            _problem_files(problem_files),
            done["concepts"] if "concepts" in done else self.finish_section("concepts"),
        ]  # fmt: skip
        head, tail = self._page("", "")
        script = f"<script>{SCRIPT}</script>" if not self.layout.catalog.split else ""
        return "\n".join([head + _summary(self.summary, self.layout), *sections, tail.replace("<!--script-->", script)])


def render_html(report: CatalogReport) -> str:
    """The whole report as one file (every section in bao-cao.html), from a report held in memory."""
    sources = [source_ref(s) for s in report.sources]
    kinds = _flag_groups(report.flags)
    listed = concepts_section.shown(report.concepts)
    layout = Layout(split=False, dataset_members=[d.member_count for d in report.datasets], sources=sources,
                    flag_kinds=[(kind, len(items)) for kind, items in kinds],
                    concepts=[c.id for c in listed])  # fmt: skip
    html = HtmlReport(report.summary, layout, None, unlisted_concepts=len(report.concepts) - len(listed))
    for dataset in report.datasets:
        html.dataset(dataset)
    for _, items in kinds:
        for flag in items:
            html.flag(flag, len(items))
    for source in report.sources:
        html.source(source)
    for concept in listed:
        html.concept(concept)
    return html.finish(report.problem_files)


def _flag_groups(flags: Sequence[Flag]) -> list[tuple[str, list[Flag]]]:
    """By kind, most open flags first; within a kind open ones first (the order ReportReader reads)."""
    grouped: dict[str, list[Flag]] = defaultdict(list)
    for flag in flags:
        grouped[flag.kind.value].append(flag)
    ordered = sorted(grouped.items(), key=lambda kv: -sum(1 for f in kv[1] if not f.dismissed))
    return [(kind, sorted(items, key=lambda f: bool(f.dismissed))) for kind, items in ordered]


def _card(value: object, label: str) -> str:
    return f'<div class="card"><b>{_e(value)}</b><span>{label}</span></div>'


def _summary(s: Summary, layout: Layout) -> str:
    cards = "".join(
        [
            _card(s.documents, "văn bản nguồn"),
            _card(s.entries, "mục danh mục"),
            _card(s.datasets, "tập dữ liệu hợp nhất"),
            _card(s.multi_source_datasets, "tập dữ liệu có ở nhiều văn bản"),
            _card(s.links_accepted, "liên kết đã ghép"),
            _card(s.flags_open, "cảnh báo cần xử lý"),
            _card(s.concepts_shared, "khái niệm có ở nhiều tập dữ liệu"),
        ]
    )
    attention = []
    for kind, count in s.flags_by_kind.items():
        href = layout.flag_kind_href(kind, INDEX)
        attention.append(f'<li><a href="{_e(href)}">{_e(flag_label(kind))}</a>: <b>{count}</b></li>')
    if s.links_near_miss:
        attention.append(
            f"<li>{s.links_near_miss} cặp mục <b>gần giống nhưng chưa ghép</b> (điểm dưới ngưỡng "
            f"{s.threshold if s.threshold is not None else '—'}): "
            "xem mục “Liên kết” của từng tập dữ liệu</li>"
        )
    if s.extraction_warnings:
        attention.append(
            f'<li><a href="#extraction-warnings">{s.extraction_warnings} cảnh báo khi trích xuất</a> ở '
            f"{s.documents_with_warnings} văn bản (bảng không dựng được, ô nhận dạng kém…): "
            "cần đối chiếu với tệp gốc</li>"
        )
    if s.concepts_with_conflicts:
        attention.append(
            f'<li><a href="#concepts">{s.concepts_with_conflicts} khái niệm dữ liệu do các loại đơn vị khác nhau '
            "quản lý</a> ở các địa bàn khác nhau</li>"
        )
    if s.problem_files:
        attention.append(f'<li><a href="#problem-files">{s.problem_files} tệp không nạp được hoặc bị bỏ qua</a></li>')
    if s.last_ingest is not None and s.last_ingest.finished_at is None:
        attention.append(
            "<li>Lần nạp gần nhất <b>chưa hoàn tất</b> (bị dừng giữa chừng) — hãy chạy lại danhmuc ingest</li>"
        )
    block = (
        '<div class="attention"><b>Cần chú ý</b><ul>' + "".join(attention) + "</ul></div>"
        if attention
        else '<div class="attention ok"><b>Không có cảnh báo nào cần xử lý.</b></div>'
    )
    run = s.last_ingest
    run_text = (
        f"Lần nạp gần nhất: #{run.id}, thư mục <code>{_e(run.root)}</code>, "
        + ", ".join(f"{_e(k)} {v}" for k, v in sorted(run.counts.items()))
        if run
        else "Chưa có lần nạp thư mục nào."
    )
    return (
        '<section id="summary"><h2>1. Tóm tắt</h2>'
        f'<div class="cards">{cards}</div>{block}'
        f'<p class="small muted">{run_text}. Quyết định của người rà soát đang áp dụng: {s.decisions}. '
        f"Cảnh báo đã bỏ qua: {s.flags_dismissed}.</p></section>"
    )


def _links(dataset: DatasetView) -> str:
    if not dataset.links:
        return ""
    rows = "".join(
        f'<tr><td class="score">{link.score:.2f}</td>'
        f"<td>{'<span class=ok>đã ghép</span>' if link.accepted else '<span class=warn>chưa ghép</span>'}"
        f"{'' if link.decided_by == 'auto' else ' (quyết định của ' + _e(link.decided_by) + ')'}</td>"
        f"<td>{_e(link.left_label)}<br>{_e(link.right_label)}</td>"
        f"<td>{_reason_tags(tuple(link.reasons))}</td></tr>"
        for link in dataset.links[:50]
    )
    return (
        f"<details><summary>Liên kết ({len(dataset.links)}) và lý do</summary>"
        "<table><tr><th>Điểm</th><th>Trạng thái</th><th>Cặp mục</th><th>Lý do</th></tr>"
        f"{rows}</table></details>"
    )


@lru_cache(maxsize=8192)
def _reason_tags(reasons: tuple[str, ...]) -> str:
    # A few thousand distinct lists of reasons for the catalog's 300,000 shown links: rendered once each.
    return "".join(f"<span class=tag>{_e(r)}</span>" for r in reasons)


def _warning_row(source: SourceRef, warning: ExtractionWarning) -> str:
    provenance = warning.provenance
    place = _e(where(provenance)) if provenance else "—"
    if provenance and provenance.raw:
        place += f'<br><span class="small muted">{_e(provenance.raw[:200])}</span>'
    href = source.file_href(provenance.page if provenance else None)
    if href:
        place += f' · <a href="{_e(href)}" class="small">mở tệp</a>'
    return f"<tr><td><code>{_e(warning.code)}</code></td><td>{_e(warning.message)}</td><td>{place}</td></tr>"


def _problem_files(problem_files: Sequence[FileOutcome]) -> str:
    if not problem_files:
        return ""
    rows = "".join(
        f"<tr><td>{_e(o.path)}</td><td>{'lỗi' if o.status.value == 'failed' else 'bỏ qua'}</td>"
        f"<td><code>{_e(o.code)}</code></td><td>{_e(o.reason)}</td></tr>"
        for o in problem_files
    )
    return (
        '<section id="problem-files"><h2>6. Tệp không nạp được (lần nạp gần nhất)</h2>'
        f"<table><tr><th>Tệp</th><th>Kết quả</th><th>Mã</th><th>Lý do</th></tr>{rows}</table></section>"
    )
