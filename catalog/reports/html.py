"""The self-contained HTML report (Vietnamese): summary and what needs attention first, then the
unified catalog with sources and link reasons, the flags grouped by kind, and the source documents.

No external assets: styles and the small filter script are inline, so the file can be mailed or
opened offline. Every value is escaped.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from catalog.reports.concepts_section import html_section
from catalog.reports.model import CatalogReport, DatasetView, MemberView, SourceView, flag_label, where
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
"""

SCRIPT = """
document.getElementById('filter').addEventListener('input',function(){
 var q=this.value.toLowerCase();
 document.querySelectorAll('#catalog tbody tr.ds').forEach(function(r){
  r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def render_html(report: CatalogReport) -> str:
    sources = {s.sha256: s for s in report.sources}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Báo cáo danh mục dữ liệu hợp nhất</title>",
        f"<style>{STYLE}</style></head><body>",
        "<header><h1>Báo cáo danh mục dữ liệu hợp nhất</h1>",
        f"<p>Lập lúc {_e(report.summary.generated_at.strftime('%H:%M %d/%m/%Y'))} (UTC) · "
        f"kho dữ liệu {_e(report.summary.database)}</p></header><main>",
        _summary(report),
        _catalog(report, sources),
        _flags(report.flags, sources),
        _sources(report.sources),
        _extraction_warnings(report.sources),
        _problem_files(report),
        html_section(report.concepts, 7, _e),
        _identity(report),
        f"</main><script>{SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts)


def _card(value: object, label: str) -> str:
    return f'<div class="card"><b>{_e(value)}</b><span>{label}</span></div>'


def _summary(report: CatalogReport) -> str:
    s = report.summary
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
        attention.append(f'<li><a href="#flag-{_e(kind)}">{_e(flag_label(kind))}</a>: <b>{count}</b></li>')
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
    if s.decisions_orphaned:
        attention.append(
            f'<li><a href="#decisions-identity">{s.decisions_orphaned} quyết định rà soát không còn áp dụng</a> '
            "(dòng danh mục không còn trong phiên bản mới của tệp): cần xem lại</li>"
        )
    if s.concepts_with_conflicts:
        attention.append(
            f'<li><a href="#concepts">{s.concepts_with_conflicts} khái niệm dữ liệu do các loại đơn vị khác nhau '
            "quản lý</a> ở các địa bàn khác nhau</li>"
        )
    if s.problem_files:
        attention.append(
            f'<li><a href="#problem-files">{s.problem_files} tệp không nạp được hoặc bị bỏ qua</a></li>'
        )
    if s.last_ingest is not None and s.last_ingest.finished_at is None:
        attention.append(
            "<li>Lần nạp gần nhất <b>chưa hoàn tất</b> (bị dừng giữa chừng) — "
            "hãy chạy lại danhmuc ingest</li>"
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
        f'<p class="small muted">{run_text}. Quyết định của người rà soát đang áp dụng: {s.decisions} '
        f"(trong đó {s.decisions_reanchored} chuyển sang phiên bản mới), không còn áp dụng: "
        f"{s.decisions_orphaned}. Cảnh báo đã bỏ qua: {s.flags_dismissed}. Văn bản: {s.works}, "
        f"trong đó {s.files_as_renderings} tệp là bản khác của văn bản đã có.</p></section>"
    )


def _member_cell(member: MemberView, sources: dict[str, SourceView]) -> str:
    source = sources.get(member.sha256)
    anchor = f"#{source.anchor}" if source else "#sources"
    href = source.file_href(member.provenance.page) if source else ""
    opened = f' · <a href="{_e(href)}" class="small">mở tệp</a>' if href else ""
    number = f"STT {_e(member.number)} · " if member.number else ""
    return (
        f'<a href="{anchor}">{_e(member.document)}</a> <span class="small muted">({_e(member.where)})</span>'
        f"{opened}<br>{number}{_e(member.title)}"
        + (f' <span class="small muted">— {_e(member.unit)}</span>' if member.unit else "")
    )


def _links(dataset: DatasetView) -> str:
    if not dataset.links:
        return ""
    rows = "".join(
        f'<tr><td class="score">{link.score:.2f}</td>'
        f"<td>{'<span class=ok>đã ghép</span>' if link.accepted else '<span class=warn>chưa ghép</span>'}"
        f"{'' if link.decided_by == 'auto' else ' (quyết định của ' + _e(link.decided_by) + ')'}</td>"
        f"<td>{_e(link.left_label)}<br>{_e(link.right_label)}</td>"
        f"<td>{''.join(f'<span class=tag>{_e(r)}</span>' for r in link.reasons)}</td></tr>"
        for link in dataset.links[:50]
    )
    return (
        f"<details><summary>Liên kết ({len(dataset.links)}) và lý do</summary>"
        "<table><tr><th>Điểm</th><th>Trạng thái</th><th>Cặp mục</th><th>Lý do</th></tr>"
        f"{rows}</table></details>"
    )


def _catalog(report: CatalogReport, sources: dict[str, SourceView]) -> str:
    rows = []
    for index, dataset in enumerate(report.datasets, 1):
        members = "".join(f"<li>{_member_cell(m, sources)}</li>" for m in dataset.members)
        rows.append(
            f'<tr class="ds{" multi" if dataset.document_count > 1 else ""}" id="{_e(dataset.id)}">'
            f"<td>{index}</td><td><b>{_e(dataset.title)}</b><br>"
            f"<code class=muted>{_e(dataset.id)}</code></td>"
            f"<td>{_e(dataset.unit)}</td><td>{dataset.document_count}</td>"
            f'<td><a href="#{_e(dataset.concept_id)}">{_e(dataset.concept_title)}</a></td>'
            f"<td><ul>{members}</ul>{_links(dataset)}</td></tr>"
        )
    return (
        '<section id="catalog-section"><h2>2. Danh mục dữ liệu hợp nhất</h2>'
        '<p class="small muted">Mỗi dòng là một tập dữ liệu; các mục giống nhau ở nhiều văn bản được ghép '
        "lại. Viền xanh: có ở nhiều văn bản.</p>"
        '<input id="filter" placeholder="Lọc theo tên, đơn vị, văn bản…">'
        '<table id="catalog"><thead><tr><th>#</th><th>Tên tập dữ liệu</th><th>Đơn vị quản lý</th>'
        "<th>Số văn bản</th><th>Khái niệm</th><th>Nguồn (văn bản, trang, bảng, dòng)</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )


def _flags(flags: list[Flag], sources: dict[str, SourceView]) -> str:
    grouped: dict[str, list[Flag]] = defaultdict(list)
    for flag in flags:
        grouped[flag.kind.value].append(flag)
    blocks = []
    for kind, items in sorted(grouped.items(), key=lambda kv: -sum(1 for f in kv[1] if not f.dismissed)):
        rows = []
        for flag in sorted(items, key=lambda f: bool(f.dismissed)):
            source = sources.get(flag.sha256)
            anchor = f"#{source.anchor}" if source else "#sources"
            places = "<br>".join(
                f"{_e(where(p))}: <span class=small>{_e(p.raw[:200])}</span>" for p in flag.provenance
            )
            status = (
                f"Đã bỏ qua bởi {_e(flag.dismissed_by)}: {_e(flag.dismissed)}"
                if flag.dismissed
                else "Cần xử lý"
            )
            rows.append(
                f'<tr class="{"dismissed" if flag.dismissed else ""}"><td>{_e(flag.message)}</td>'
                f"<td>{''.join(f'<span class=tag>{_e(e)}</span>' for e in flag.evidence)}</td>"
                f'<td><a href="{anchor}">{_e(flag.document)}</a><br>{places}</td>'
                f"<td>{status}<br><code class=muted>{_e(flag.id)}</code></td></tr>"
            )
        blocks.append(
            f'<h3 id="flag-{_e(kind)}">{_e(flag_label(kind))} ({len(items)})</h3>'
            "<table><tr><th>Nội dung</th><th>Bằng chứng</th><th>Văn bản, vị trí</th>"
            "<th>Trạng thái / mã</th></tr>"
            + "".join(rows)
            + "</table>"
        )
    body = "".join(blocks) or "<p>Không có cảnh báo.</p>"
    hint = (
        '<p class="small muted">Bỏ qua một cảnh báo: '
        'danhmuc decide --dismiss-flag MÃ --reason "…" --who TÊN</p>'
    )
    return f'<section id="flags"><h2>3. Cảnh báo</h2>{hint}{body}</section>'


def _sources(sources: list[SourceView]) -> str:
    rows = "".join(
        f'<tr id="{s.anchor}" class="{"" if s.current else "dismissed"}"><td><b>{_e(s.name)}</b><br>'
        f"<span class=small>{'<br>'.join(_e(p) for p in s.paths) or 'phiên bản cũ / superseded'}</span></td>"
        f"<td>{_e(s.kind)} {_e(s.number)}<br><span class=small>{_e(s.issued)}</span></td>"
        f"<td>{_e(s.title)}</td><td>{_e(s.format)}, {s.pages} tr.</td><td>{s.entries}</td><td>{s.tasks}</td>"
        f"<td>{_warning_count(s)}</td><td><code class=muted>{s.sha256[:12]}…</code></td></tr>"
        for s in sources
    )
    return (
        '<section id="sources"><h2>4. Văn bản nguồn</h2><table><tr><th>Tệp</th><th>Loại, số hiệu, ngày</th>'
        "<th>Trích yếu</th><th>Định dạng</th><th>Mục danh mục</th><th>Nhiệm vụ</th>"
        "<th>Cảnh báo trích xuất</th>"
        f"<th>SHA-256</th></tr>{rows}</table></section>"
    )


def _warning_count(source: SourceView) -> str:
    if not source.extraction_warnings:
        return str(source.warnings)
    return f'<a href="#{source.warnings_anchor}">{source.warnings}</a>'


def _extraction_warnings(sources: list[SourceView]) -> str:
    """Per document, every warning the extractor left: what it was unsure of and where to look."""
    blocks = []
    for source in sources:
        if not source.extraction_warnings:
            continue
        rows = "".join(_warning_row(source, w) for w in source.extraction_warnings)
        blocks.append(
            f'<h3 id="{source.warnings_anchor}"><a href="#{source.anchor}">{_e(source.name)}</a> '
            f"({len(source.extraction_warnings)})</h3>"
            f"<table><tr><th>Mã / code</th><th>Nội dung / message</th><th>Vị trí / where</th></tr>{rows}</table>"
        )
    body = "".join(blocks) or "<p>Không có cảnh báo khi trích xuất / no extraction warnings.</p>"
    return (
        '<section id="extraction-warnings"><h2>5. Cảnh báo khi trích xuất / extraction warnings</h2>'
        '<p class="small muted">Những chỗ bộ trích xuất không chắc chắn: cần đối chiếu với tệp gốc trước khi '
        "dùng số liệu / where the extractor was unsure: check against the original.</p>"
        f"{body}</section>"
    )


def _warning_row(source: SourceView, warning: ExtractionWarning) -> str:
    provenance = warning.provenance
    place = _e(where(provenance)) if provenance else "—"
    if provenance and provenance.raw:
        place += f'<br><span class="small muted">{_e(provenance.raw[:200])}</span>'
    href = source.file_href(provenance.page if provenance else None)
    if href:
        place += f' · <a href="{_e(href)}" class="small">mở tệp</a>'
    return f"<tr><td><code>{_e(warning.code)}</code></td><td>{_e(warning.message)}</td><td>{place}</td></tr>"


def _problem_files(report: CatalogReport) -> str:
    if not report.problem_files:
        return ""
    rows = "".join(
        f"<tr><td>{_e(o.path)}</td><td>{'lỗi' if o.status.value == 'failed' else 'bỏ qua'}</td>"
        f"<td><code>{_e(o.code)}</code></td><td>{_e(o.reason)}</td></tr>"
        for o in report.problem_files
    )
    return (
        '<section id="problem-files"><h2>6. Tệp không nạp được (lần nạp gần nhất)</h2>'
        f"<table><tr><th>Tệp</th><th>Kết quả</th><th>Mã</th><th>Lý do</th></tr>{rows}</table></section>"
    )


def _identity(report: CatalogReport) -> str:
    """Documents shown by several files, and decisions that moved to a new version or no longer apply."""
    if not (report.works or report.orphaned_decisions or report.reanchored_decisions):
        return ""
    works = "".join(
        f"<tr><td>{_e(w.kind)} {_e(w.number or '(chưa có số)')}<br><span class=small>{_e(w.issuer)}</span></td>"
        "<td><ul>" + "".join(
            f"<li>{'<b>' if r.primary else ''}{_e(r.document)}{' (bản dùng để cảnh báo)</b>' if r.primary else ''}"
            f"{''.join(f' <span class=tag>{_e(x)}</span>' for x in r.reasons)}</li>"
            for r in w.renderings
        ) + f"</ul></td><td>{_e('; '.join(w.primary_reasons))}</td></tr>"
        for w in report.works
    )
    decisions = "".join(
        f"<tr><td>#{a.id}</td><td>{_e(a.decision.kind)} · {_e(a.decision.who)}</td>"
        f"<td>{'<span class=warn>không còn áp dụng</span>' if a.status.value == 'orphaned' else 'chuyển phiên bản'}"
        f"</td><td>{'<br>'.join(_e(r) for r in a.reasons)}</td></tr>"
        for a in [*report.orphaned_decisions, *report.reanchored_decisions]
    )
    return (
        '<section id="decisions-identity"><h2>8. Văn bản nhiều tệp, quyết định qua các phiên bản</h2>'
        + (f"<table><tr><th>Văn bản</th><th>Các tệp</th><th>Chọn bản</th></tr>{works}</table>" if works else "")
        + (f"<table><tr><th>Quyết định</th><th>Loại</th><th>Trạng thái</th><th>Lý do</th></tr>{decisions}</table>"
           if decisions else "")
        + "</section>"
    )
