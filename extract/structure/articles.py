"""Which articles and chapters of a decision or a regulation may assign work, and which only describe.

Read by :mod:`extract.structure.prose_tasks` before it looks for assignments in the section tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from extract.structure.numbering import LabelKind
from extract.structure.sections import SectionNode
from nlp.frames import Context, subject_of

# A regulation (Quy chế, Quy định, and a decree's or circular's body) opens with "Chương I. (NHỮNG) QUY ĐỊNH CHUNG". Its
# articles describe and prescribe ("Bộ phận tiếp nhận và trả kết quả … đặt tại …", QĐ 93/2007/QĐ-TTg; "Sở Công Thương
# chủ trì, phối hợp … xây dựng phương án …" as a procedure step, QĐ 16/2026/QĐ-UBND Lào Cai); only its part on
# carrying it out, or an article on a unit's duties, assigns work.
_REGULATION_OPENING = re.compile(r"^(?:NHỮNG\s+)?QUY\s+ĐỊNH\s+CHUNG\b", re.IGNORECASE)
_ASSIGNING_PART = re.compile(
    r"^(?:TỔ\s+CHỨC\s+(?:THỰC\s+HIỆN|TRIỂN\s+KHAI)|ĐIỀU\s+KHOẢN\s+THI\s+HÀNH|TRÁCH\s+NHIỆM|NHIỆM\s+VỤ|"
    r"(?:HIỆU\s+LỰC\s+)?THI\s+HÀNH)",
    re.IGNORECASE,
)
# "Điều 16. Trách nhiệm Sở Công Thương", "Điều 5. Trách nhiệm của Chủ tịch Ủy ban nhân dân cấp tỉnh", "Điều 30. Quyền
# hạn, trách nhiệm của Bộ Công Thương" (Nghị định 32/2024/NĐ-CP): the article's clauses are the duties of its units.
_DUTY = r"(?:trách\s+nhiệm|nhiệm\s+vụ|quyền\s+hạn|chức\s+năng)"
DUTIES_OF = re.compile(rf"^{_DUTY}(?:\s*(?:,|và)\s*{_DUTY})*\s+(?:của\s+)?(?=\S)", re.IGNORECASE)

# Articles that describe a body or the document's reach and hand no work to anyone. A decision "quy định chức năng,
# nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở …" (QĐ 10-24/2025/QĐ-UBND Hà Nội) lists the body's standing competences
# under "Điều 2. Nhiệm vụ và quyền hạn" ("10. d) Đề nghị Ủy ban nhân dân Thành phố quyết định thu hồi …" is the Sở's
# power, not the committee's task), its units under "Điều 3. Cơ cấu tổ chức" ("1. Các phòng …: a) Văn phòng; b)
# Thanh tra; …") and its heads under "Điều 4. Giám đốc Sở, Phó Giám đốc Sở …"; a regulation's opening articles say
# whom it binds ("Điều 2. Đối tượng áp dụng / 1. Các cơ quan, tổ chức, cá nhân có liên quan …"). Duties named for a
# unit ("Nhiệm vụ, quyền hạn của Bộ Công Thương") are not these: the words stand alone or name the body described.
_POSITION = r"vị\s+trí(?:\s+pháp\s+lý)?(?:\s*(?:,|và)\s*chức\s+năng)?"
# Competences in pairs: a bare "Nhiệm vụ" may be a working group's own ("Điều 2. Nhiệm vụ / Tổ công tác có nhiệm vụ …").
_COMPETENCE = (
    r"chức\s+năng(?:\s*(?:,|và)\s*nhiệm\s+vụ)?(?:\s*(?:,|và)\s*quyền\s+hạn)?|nhiệm\s+vụ\s*(?:,|và)\s*quyền\s+hạn"
)
_STRUCTURE = (
    r"cơ\s+cấu\s+tổ\s+chức|tổ\s+chức\s+bộ\s+máy|biên\s+chế|"
    r"lãnh\s+đạo\s+(?:sở|ban|văn\s+phòng|cục|chi\s+cục|trung\s+tâm|thanh\s+tra|viện)"
)
# "Giám đốc Sở, Phó Giám đốc Sở và số lượng cấp phó …", "Chánh Thanh tra, Phó Chánh Thanh tra, …", "Trưởng ban, Phó
# Trưởng ban …": the body's head and deputies.
_HEADS = r"[^,.;:]{2,40},\s*phó\s"
# "Điều 10. Thẩm quyền quyết định điều chuyển tài sản công / 1. Chủ tịch Ủy ban nhân dân Thành phố quyết định điều
# chuyển …" (NQ 12/2025/NQ-HĐND Hà Nội, restating NQ 35/2024's articles): who may decide, a grant of power, no work.
_POWERS = r"thẩm\s+quyền\s+(?:quyết\s+định|phê\s+duyệt)(?:\s|$)"
_DESCRIBES = re.compile(
    rf"^(?:phạm\s+vi\s+(?:điều\s+chỉnh|áp\s+dụng)|đối\s+tượng\s+(?:áp\s+dụng|điều\s+chỉnh)|giải\s+thích\s+từ\s+ngữ"
    rf"|(?:{_POSITION})(?:\s+của\s.*)?$|(?:{_COMPETENCE})\s*\.?$|(?:{_STRUCTURE})(?:\s|$)|{_HEADS}|{_POWERS})",
    re.IGNORECASE,
)


def describes(node: SectionNode) -> bool:
    """An article on the document's reach, on a body's position, competences, structure or heads, or on who may
    decide what (powers granted)."""
    return node.label.kind is LabelKind.ARTICLE and bool(_DESCRIBES.match(node.title.strip()))


def _no_duty(node: SectionNode) -> bool:
    return False


# An amending clause ("4. Sửa đổi, bổ sung Điều 10 như sau:") and the article it restates in quotes, whose heading the
# numbering does not read as an article ('"Điều 10. Thẩm quyền quyết định điều chuyển tài sản công'): the restated
# clauses follow as the amending clause's siblings, up to the next amending clause.
_AMENDS = re.compile(r"^(?:sửa\s+đổi|bổ\s+sung|bãi\s+bỏ|thay\s+th[ếể])", re.IGNORECASE)
_RESTATED_ARTICLE = re.compile(r"^[\"“]\s*Điều\s+\d+[a-zđ]?\s*\.\s*(?P<title>.+?)[\"”]?$", re.IGNORECASE)


def without_restated_descriptions(nodes: list[SectionNode]) -> list[SectionNode]:
    """``nodes`` without the clauses of a restated article that describes (a grant of powers, a regulation's reach):
    NQ 12/2025/NQ-HĐND Hà Nội restates NQ 35/2024's "Điều 10. Thẩm quyền quyết định điều chuyển tài sản công / 1. Chủ
    tịch Ủy ban nhân dân Thành phố quyết định điều chuyển …", read as twelve tasks before."""
    kept: list[SectionNode] = []
    skipping = False
    for node in nodes:
        if _AMENDS.match(node.title):
            heading = _RESTATED_ARTICLE.match(node.body[0].text.strip()) if node.body else None
            skipping = heading is not None and bool(_DESCRIBES.match(heading.group("title").strip()))
            kept.append(node)
        elif not skipping:
            kept.append(node)
    return kept


def regulation_parts(nodes: list[SectionNode], duty: Callable[[SectionNode], bool] = _no_duty) -> list[SectionNode]:
    """The nodes of a regulation's chapters that may assign: its parts on carrying it out whole, and elsewhere only
    its articles on duties ("Trách nhiệm …", "Tổ chức thực hiện"); ``nodes`` as they are when no regulation opens.

    In the other articles (topical: "Điều 7. Kê khai giá"), the clauses and points for which ``duty`` holds: the
    caller's test for a named unit given a duty ("b) Sở Tài chính có trách nhiệm tổng hợp, thông báo …", QĐ
    70/2024/QĐ-UBND Hà Nội, whose duties all sit in such articles)."""
    chapters = [node for node in nodes if node.label.kind is LabelKind.CHAPTER]
    if not chapters or not _REGULATION_OPENING.match(chapters[0].title):
        return nodes
    kept: list[SectionNode] = []
    for node in nodes:
        if node.label.kind is not LabelKind.CHAPTER or _ASSIGNING_PART.match(node.title):
            kept.append(node)
            continue
        for article in node.children:
            if article.label.kind is not LabelKind.ARTICLE:
                continue
            if DUTIES_OF.match(article.title) or _ASSIGNING_PART.match(article.title):
                kept.append(article)
            elif not describes(article):
                kept += _duties_within(article, duty)
    return kept


def _duties_within(node: SectionNode, duty: Callable[[SectionNode], bool]) -> list[SectionNode]:
    found: list[SectionNode] = []
    for child in node.children:
        found += [child] if duty(child) else _duties_within(child, duty)
    return found


# "Sở Tài chính có trách nhiệm …", "… chịu trách nhiệm …": a clause of a regulation that gives its unit a duty.
_RESPONSIBLE = re.compile(r"\s*(?:có|chịu)\s+trách\s+nhiệm(?![^\W\d_])", re.IGNORECASE)


def states_a_duty(node: SectionNode, opening: list[str], context: Context) -> bool:
    """A clause or point that opens with named units and "có/chịu trách nhiệm" ("b) Sở Tài chính có trách nhiệm tổng
    hợp, thông báo danh sách …", QĐ 70/2024/QĐ-UBND Hà Nội, Điều 7.3), in its title or, after a title closed by a colon,
    its first paragraph ("1. Quản lý, vận hành Cơ sở dữ liệu về giá của Thành phố: / Sở Tài chính có trách nhiệm chủ
    trì …", Điều 8.1); ``opening`` holds those texts as the prose reader joins them. Named units only, every one
    resolved exactly: a class or a role ("Sở quản lý ngành, lĩnh vực", "Cơ quan tiếp nhận kê khai giá", "Cơ quan có
    thẩm quyền") is the regulation's general rule, and a procedure step without "trách nhiệm" ("Sở Công Thương chủ trì,
    phối hợp …", QĐ 16/2026/QĐ-UBND Lào Cai) prescribes, as before."""
    if node.label.kind not in (LabelKind.DOTTED, LabelKind.LETTER):
        return False
    for text in opening:
        subject = subject_of(text, context)
        if subject is None or subject.triggered or subject.units.start != 0:
            continue
        named = all(m.unit_id and not m.collective and m.score >= 1.0 for m in subject.units.mentions)
        if named and _RESPONSIBLE.match(text[subject.units.end :]):
            return True
    return False
