"""The words of assignment frames: what ends a subject, what opens an assignment, what closes a document.

Vocabulary only, read by :mod:`nlp.frames` (the frames themselves); split from it to keep each module under the
project's size. Every pattern is a plain regular expression over the printed text.
"""

from __future__ import annotations

import re

from nlp.units import OFFICIAL_HEAD_RE

# Words that end a subject: the frame verbs and the adverbs that open the predicate. A verb
# right after a unit noun ("các Cơ quan chủ trì Dự án", "đơn vị thực hiện") is part of a name.
_FRAME_WORDS = (
    r"chủ\s+trì|phối\s+hợp|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|theo\s+chức\s+năng|căn\s+cứ|"
    r"thực\s+hiện|tham\s+mưu|chủ\s+động|khẩn\s+trương|tiếp\s+tục|kịp\s+thời|là\s+cơ\s+quan|(?:làm|là)\s+đầu\s+mối|"
    r"phụ\s+trách|tập\s+trung|tăng\s+cường|nghiêm\s+túc|(?-i:cần|phải|đã|đang|sẽ|cũng)"
)
# "trình" submits ("Ban Chủ nhiệm trình bài thuyết minh …", the Quy định of QĐ 09/2010/QĐ-UBND Cần Thơ, whose lead
# was an invented "Ban Chủ nhiệm trình bài thuyết minh đề tài"), but it closes many nouns: "chương trình", "quy
# trình", "công trình", "tờ trình", "lộ trình", "tiến trình", "giáo trình", "hành trình", "lập trình", "phương
# trình", "quá trình"; "trình độ" is a level.
_PRESENTS = (
    r"(?i:(?<!chương )(?<!quy )(?<!công )(?<!tờ )(?<!lộ )(?<!tiến )(?<!giáo )(?<!hành )(?<!lập )(?<!phương )"
    r"(?<!quá )trình(?!\s+độ))"
)
# "Ban QLDA Đầu tư xây dựng …", "Ban Quản lý dự án đầu tư xây dựng …": "xây dựng" is part of the project board's
# name (QĐ 2858/QĐ-UBND Hà Nội 2025, whose partner was cut there), not the verb of "Sở Kế hoạch và Đầu tư xây dựng …".
_ACTION_VERBS = (
    r"rà\s+soát|tổ\s+chức|triển\s+khai|(?<!qlda đầu tư )(?<!dự án đầu tư )xây\s+dựng|"
    r"hướng\s+dẫn|chỉ\s+đạo|tuyên\s+truyền|kiểm\s+tra|theo\s+dõi|"
    r"tổng\s+hợp|báo\s+cáo|nghiên\s+cứu|đề\s+xuất|cung\s+cấp|cập\s+nhật|giải\s+quyết|xử\s+lý|tham\s+gia|"
    r"hoàn\s+thành|đôn\s+đốc|đẩy\s+mạnh|bố\s+trí|thông\s+báo|ban\s+hành|quản\s+lý|"
    rf"{_PRESENTS}"
)
_ACTION_WORDS = rf"{_ACTION_VERBS}|để|nhằm|trong|về\s+việc"
# A sentence opening with its units and then one of the verbs that hand out work ("Sở X kiểm tra, …").
OPENS_WITH_ACTION_RE = re.compile(rf"(?:{_ACTION_VERBS})(?![^\W\d_])", re.IGNORECASE)
_NOT_AFTER_UNIT_NOUN = r"(?<!cơ quan )(?<!Cơ quan )(?<!đơn vị )(?<!Đơn vị )"
# After "giao X", an action verb ends the units as surely as a frame word ("giao Công an tỉnh nghiên cứu,
# triển khai …"); a preposition ("để", "trong") does not say that work is handed over.
_ASSIGNED_WORK_RE = re.compile(rf"\s(?:{_FRAME_WORDS}|{_ACTION_VERBS})(?![^\W\d_])", re.IGNORECASE)
# Adverbs no unit name holds, even after a unit noun: "phối hợp với các đơn vị đồng thời rà soát …",
# "yêu cầu các đơn vị khẩn trương triển khai …" (unlike "đơn vị thực hiện", "cơ quan chủ trì").
# "tổ chức" before another verb is the verb "organise", never part of a name: "Các cơ quan, đơn vị, địa
# phương tổ chức quán triệt …" (KH CCHC Lâm Đồng 2026), "các đơn vị tổ chức triển khai …"; as a noun it
# is followed by a name or a list ("các cơ quan, tổ chức chính trị - xã hội", "tổ chức, cá nhân").
_ORGANISE = rf"tổ\s+chức(?=\s+(?:{_ACTION_VERBS}|{_FRAME_WORDS}|quán\s+triệt|thi\s+hành)(?![^\W\d_]))"
# Modal verbs end a subject even after a unit noun: "Người đứng đầu cơ quan, tổ chức, đơn vị phải …" (CT 04/CT-UBND
# Quảng Ngãi 2024); no unit's name holds one, unlike "đơn vị thực hiện".
# In lower case only: "Cần Thơ" is a city ("Sở Khoa học và Công nghệ thành phố Cần Thơ chịu trách nhiệm …" was cut to
# "… thành phố", and the enacting line "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ" of QĐ 09/2010/QĐ-UBND read as a task).
_MODALS = r"(?-i:phải|cần|đã|đang|sẽ)"
# "liên quan" closes a class ("các cơ quan, đơn vị liên quan"): a lower-case word after it opens the predicate
# ("… phối hợp với các cơ quan, đơn vị liên quan duy trì, cập nhật …", KH tuyên truyền CCHC Lâm Đồng 2026; "… các
# sở, ngành liên quan giải đáp, tháo gỡ …", CV chỉ số CCHC Lâm Đồng 2025), unless it goes on with the class's own
# words: another unit ("và UBND …"), an owner or a place ("của tỉnh", "thuộc tỉnh", "trên địa bàn", "cấp xã").
_LOWER_WORD = r"(?-i:[a-zàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ])\S*"
_AFTER_RELATED = (
    r"(?<=liên\squan\s)(?!(?:và|hoặc|của|thuộc|trực|trên|tại|ở|trong|có|cấp|khác|tỉnh|thành|huyện|xã|phường)"
    rf"(?![^\W\d_])){_LOWER_WORD}"
)
# Verbs no unit's name holds, whatever precedes them: a class list is read by the resolver as one collective up to
# the frame word, so "Các Sở, ban, ngành và UBND cấp xã, phường nêu cao trách nhiệm …" (KH Chỉ thị 11, Lào Cai
# 2026) and "… UBND các huyện tiến hành rà soát …" (CT 08/CT-UBND Quảng Ngãi 2018) led with their predicate; "trong
# phạm vi chức năng, nhiệm vụ" qualifies the work as "theo chức năng" does (CT 07/CT-TTg 2012, item 7).
_NEVER_IN_A_NAME = (
    r"nêu\s+cao|tiến\s+hành|phát\s+huy|quán\s+triệt|quan\s+tâm|(?:có|được)\s+quyền|"
    r"trong\s+phạm\s+vi\s+(?:chức\s+năng|nhiệm\s+vụ|quyền\s+hạn|trách\s+nhiệm|quản\s+lý)"
)
_ALWAYS_ENDS = (
    rf"đồng\s+thời|khẩn\s+trương|kịp\s+thời|nghiêm\s+túc|thường\s+xuyên|trực\s+tiếp|{_NEVER_IN_A_NAME}|{_ORGANISE}|"
    rf"{_MODALS}|{_AFTER_RELATED}"
)
_FRAME_RE = re.compile(rf"\s(?:{_NOT_AFTER_UNIT_NOUN}(?:{_FRAME_WORDS})|{_ALWAYS_ENDS})(?![^\W\d_])", re.IGNORECASE)
# Partners are read mid-sentence, where a verb is printed in lower case: a capitalised "Xây dựng" there is a name
# ("phối hợp với Sở Xây dựng, Sở Nông nghiệp và Môi trường …", "… các Sở: Tài chính, Xây dựng và …", TB kết luận
# cao tốc, Lâm Đồng 2026), which the action verb cut to "Sở" or ended the list before.
_LOWER_START = r"(?=(?-i:[a-zàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]))"
_ACTION_RE = re.compile(
    rf"\s(?:{_NOT_AFTER_UNIT_NOUN}(?:{_FRAME_WORDS}|{_LOWER_START}(?:{_ACTION_WORDS}))|{_ALWAYS_ENDS})(?![^\W\d_])",
    re.IGNORECASE,
)
# Public for the prose tasks: a word that makes a unit's name a sentence ("Sở X chủ trì", "Phòng Y tổ chức …").
ACTION_RE = _ACTION_RE
# A line opening with a bullet starts a new item even inside one paragraph: "7.1. Sở Tài chính chủ trì, phối hợp
# các sở, ban, ngành↵- Ưu tiên nguồn lực …" (a Word 97 plan, Lâm Đồng 2026, whose line breaks keep one paragraph).
_NEW_BULLET = r"\n\s*[-+•–](?=\s)"
_HARD_STOP_RE = re.compile(rf"[:;.!?]\s|[:;!?]$|\.$|{_NEW_BULLET}")
_SENTENCE_STOP_RE = re.compile(rf"[:.!?]\s|[:!?]$|\.$|{_NEW_BULLET}")
# What may open an assignment before its subject: the assigning verb, a time adverbial.
_TRIGGER_RE = re.compile(r"^(?:Giao(?:\s+cho)?|Đề\s+nghị|Yêu\s+cầu|Phân\s+công(?:\s+cho)?)\s+", re.IGNORECASE)
# A sentence that tells what its units did or are doing ("Ủy ban nhân dân tỉnh đã ban hành nhiều văn bản chỉ đạo …", a
# report's account, BC quản lý khoáng sản Lào Cai 2025) assigns nothing, unless it goes on to ask for more ("… đã triển
# khai nhưng cần …", "… đang thực hiện, đề nghị tiếp tục …"). "đã được giao", "đang quản lý" describe the subject.
_ACCOUNT_RE = re.compile(r"^(?:cũng\s+)?(?:đã(?!\s+được)|đang(?!\s+(?:quản\s+lý|vận\s+hành|được)))\s", re.IGNORECASE)
_STILL_ASKS_RE = re.compile(
    r"\s(?:cần|phải|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|khẩn\s+trương|tiếp\s+tục|sẽ|đề\s+nghị|yêu\s+cầu|giao)"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)


def tells_what_was_done(predicate: str) -> bool:
    """Whether the words after a sentence's units tell what they did, up to the clause's end, asking nothing."""
    predicate = predicate.lstrip(" ,")
    return bool(_ACCOUNT_RE.match(predicate)) and not _STILL_ASKS_RE.search(_HARD_STOP_RE.split(predicate, 1)[0])


# A heading on a subject, "Về …", names a field, never its units: "16. Về tiêu chuẩn, đo lường, chất lượng:" (QĐ
# 23/2025/QĐ-UBND Hà Nội) resolved to the Chi cục of that name; "Về bố trí ngân sách" led a report's item.
_ABOUT_RE = re.compile(r"^Về\s", re.IGNORECASE)
ABOUT_RE = _ABOUT_RE  # public for the prose tasks' unit labels
_ADVERBIAL_RE = re.compile(r"^Trong\s+quá\s+trình(?:\s+triển\s+khai)?\s+thực\s+hiện\s*,?\s*", re.IGNORECASE)
# The head of a unit stands for the unit ("Thủ trưởng các cơ quan, đơn vị", "Giám đốc Công an tỉnh", "Chủ tịch
# UBND cấp xã"); a named person does not. The titles are the resolver's (nlp.units.OFFICIAL_HEAD_RE).
_HEAD_RE = OFFICIAL_HEAD_RE
# "… giao Sở X chủ trì": the assigning verb inside a sentence (not "được giao", "giao dịch").
# Nor a hand-over told as done: "Ủy ban nhân dân tỉnh đã giao Sở Tài chính chủ trì …" (a report's account).
_MID_TRIGGER_RE = re.compile(r"(?<![^\W\d_])(?<!được )(?<!đã )(?:giao|đề\s+nghị|yêu\s+cầu)\s+(?=\S)", re.IGNORECASE)
# "với" is often left out ("chủ trì, phối hợp Sở Nội vụ, Văn phòng …"): what follows is a partner only if it
# resolves ("phối hợp thực hiện", "phối hợp tổ chức" name no unit).
_PARTNER_RE = re.compile(r"phối\s+hợp(?:\s+chặt\s+chẽ)?\s+(?:(?:với|cùng)\s+)?", re.IGNORECASE)
# A class of units: a plural or generic unit noun, never persons or documents. The first unit of
# a subject must be plural ("các cơ quan, đơn vị"): "Tổ chức tuyên truyền …" opens with a verb.
_PLURAL = r"(?:các|những|tất\s+cả\s+các|toàn\s+bộ\s+các|mọi)\s+"
_UNIT_CLASS_RE = re.compile(
    rf"^(?:{_PLURAL})?(?:cơ\s+quan|đơn\s+vị|sở|ban|ngành|phòng|"
    r"địa\s+phương|ủy\s+ban|uỷ\s+ban|ubnd|chủ\s+đầu\s+tư|tổ\s+chức|hội|đoàn\s+thể|trường|xã|phường|huyện|"
    r"bộ(?!\s+(?:dữ\s+liệu|hồ\s+sơ|tiêu\s+chí|chỉ\s+số|công\s+cụ|mẫu|tài\s+liệu))|cục|chi\s+cục|trung\s+tâm|"
    r"doanh\s+nghiệp|ngân\s+hàng|cơ\s+sở)(?![^\W\d_])",
    re.IGNORECASE,
)
# Persons and their posts are not units: "Ông Nguyễn Văn Sang", "Công chức Văn phòng", "Chủ tịch UBND".
# The head of a unit ("Thủ trưởng", "Trưởng phòng, ban") stands for the unit and is kept.
_PERSON_RE = re.compile(
    r"(?<![^\W\d_])(?:ông|bà|đồng\s+chí|đ/c|công\s+chức|cán\s+bộ|chuyên\s+viên|chủ\s+tịch|phó\s+chủ\s+tịch|"
    r"cá\s+nhân)(?![^\W\d_])",
    re.IGNORECASE,
)
# The execution clause of every decision ("… chịu trách nhiệm thi hành Quyết định này"), the closing
# formulas ("Trên đây là Kế hoạch …", "Nay thông báo …") and the standing request to report problems
# ("… kịp thời báo cáo các vướng mắc, khó khăn về Sở") assign no task.
_EXECUTION_CLAUSE_RE = re.compile(
    # "theo dõi, đôn đốc, kiểm tra việc thực hiện Chỉ thị này" is the task of monitoring it (CT 04/CT-UBND
    # Quảng Ngãi 2024, "Giao Chánh Thanh tra tỉnh chủ trì …"), not the clause that closes it; "Cục Thi hành
    # án dân sự" is a unit, not "thi hành". Guiding or monitoring the implementation of other texts is work:
    # "Các bộ, cơ quan ngang bộ khẩn trương triển khai, hướng dẫn thi hành các Nghị quyết …" (CV 464/TTg-CĐS 2026).
    r"(?<!hướng dẫn )(?<!theo dõi )(?<!tình hình )thi\s+hành(?!\s+án)|"
    r"(?<!việc\s)(?:thực\s+hiện|triển\s+khai)(?:\s+nghiêm\s+túc)?\s+(?:Chỉ\s+thị|Quyết\s+định|Kế\s+hoạch|"
    r"Công\s+văn|Thông\s+báo|Nghị\s+quyết|văn\s+bản|Quy\s+định|Quy\s+chế)\s+này|Nay\s+thông\s+báo|"
    r"(?:^|[.;]\s+)Trên\s+đây\s+là|"
    # "… có trách nhiệm triển khai thực hiện các quy định tại Điều 1 và …" (QĐ 36/2025/QĐ-UBND Hà Nội, Điều 2): the
    # decision's own article, not an article of another text ("… tại Điều 5 của Nghị định …").
    r"(?:thực\s+hiện|triển\s+khai)\s+(?:thực\s+hiện\s+)?(?:các\s+)?quy\s+định\s+tại\s+Điều\s+\d+"
    r"(?!\s*(?:của|Nghị|Thông|Luật|Quyết|Bộ)\b)(?![\d,])|"
    r"báo\s+cáo\s+(?:các\s+)?(?:vướng|khó\s+khăn)|"
    # "Yêu cầu các sở, ngành … tổ chức thực hiện tốt các nội dung trên" closes a letter (CV 298, Lâm Đồng 2025).
    # "Đề nghị Lãnh đạo các đơn vị thuộc Trường quan tâm thực hiện đúng nội dung văn bản này./." (TB 1145/TB-ĐHTĐ 2025).
    r"thực\s+hiện(?:\s+tốt|\s+đúng|\s+nghiêm(?:\s+túc)?)?\s+(?:các\s+)?nội\s+dung\s+(?:trên|nêu\s+trên|"
    r"(?:của\s+)?(?:văn\s+bản|Thông\s+báo|Công\s+văn|Kế\s+hoạch|Chỉ\s+thị|Quyết\s+định)\s+này)",
    re.IGNORECASE,
)
_BASED_ON_THIS_RE = re.compile(
    r"căn\s+cứ\s+(?:Chỉ\s+thị|Quyết\s+định|Kế\s+hoạch|Công\s+văn|Thông\s+báo|Nghị\s+quyết|văn\s+bản)\s+này",
    re.IGNORECASE,
)
_FORMULA_WORDS = 20
_MAX_SUBJECT_WORDS = 60
_MAX_PLAIN_WORDS = 14  # a subject found without a frame word is short: a name or two
# A right is no duty: "Các tổ chức có tư cách pháp nhân, … có quyền tham gia tuyển chọn …" (the Quy định annexed to QĐ
# 09/2010/QĐ-UBND Cần Thơ) and "Tổ chức, cá nhân có quyền khiếu nại …" assign nothing.
RIGHT_RE = re.compile(r"(?:có|được)\s+quyền(?![^\W\d_])", re.IGNORECASE)
# Overseeing others' implementation is a duty: "Giao Phòng Khoáng sản thuộc Sở chịu trách nhiệm tham mưu …; đôn đốc các
# doanh nghiệp thực hiện nghiêm các nội dung trên; …" (CV 5141/SNNMT-KS Lào Cai 2025, item 3) was read as a letter's
# closing request and assigned nothing, its lead then taken from the item's last paragraph.
# Only over someone ("đôn đốc các doanh nghiệp …"): "Đề nghị các đơn vị kiểm tra, thực hiện nghiêm các nội dung
# trên" still closes.
_OVERSEES_RE = re.compile(
    r"(?<![^\W\d_])(?:đôn\s+đốc|theo\s+dõi|giám\s+sát|kiểm\s+tra)\s+(?:các|những|mọi)\s", re.IGNORECASE
)
