"""Session 20's trial, helper rd20c (docs/realdocs-trial.md, "Session 20 (rd20c)"): metadata and readers on real
documents nobody on the project had read, as real files or real snippets.

Sources (not committed unless said; full paths in the docs section):
- a district document system's attachments:
  hpbaotho/04-quanly-vanban-quanhuyen@50021bc5f7066d9f17af69c5dc7be49cb53bfb86:
  "Ma nguon/Code/qlvb_v1/public/attach-file/…" (DS.doc, 31 KB, committed as tests/data/realdocs20c/DS-password.doc:
  "Security: 5", a Word 97 list whose text is encrypted behind a password)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import CorruptFileError, EncryptedFileError, extract_file
from extract.blocks import BlockStream, Paragraph, RawCell, RawTable
from extract.legacy.doc import check_structure
from extract.model import Metadata, SourceFormat
from extract.pdf.forms import _Char, _join, _lines
from extract.structure import build_document

DATA = Path(__file__).parent / "data" / "realdocs20c"


def test_a_password_protected_doc_is_named_as_such_not_corrupt() -> None:
    """hpbaotho/04-quanly-vanban-quanhuyen@50021bc:…/attach-file/2012/01/03/2012_01_03_1946000000141564!~!DS.doc:
    Word's FIB says its text is encrypted; LibreOffice and antiword could only fail ("corrupt file")."""
    path = DATA / "DS-password.doc"
    with pytest.raises(EncryptedFileError) as caught:
        extract_file(path)
    message = str(caught.value)
    assert "DS-password.doc" in message
    assert "Word (.doc)" in message and "mật khẩu" in message and "password-protected" in message
    assert "PDF" not in message


def test_the_word_stream_head_is_read_through_the_fat_chain() -> None:
    """The same real file: the FIB starts with Word's magic 0xA5EC and its flags carry fEncrypted (0x0100)."""
    from extract.legacy.ole import stream_head, stream_names  # stream_head is new: imported here so main collects

    data = (DATA / "DS-password.doc").read_bytes()
    head = stream_head(data, "WordDocument", 12)
    assert head is not None and head[:2] == b"\xec\xa5" and head[0x0B] & 0x01
    assert stream_head(data, "NoSuchStream", 12) is None
    assert {"WordDocument", "1Table"} <= stream_names(data)
    with pytest.raises(EncryptedFileError):
        check_structure(data, "DS.doc")


def _built(blocks: list[Paragraph | RawTable]) -> Metadata:
    stream = BlockStream(blocks=blocks, page_count=1)
    return build_document(stream, source="x.doc", sha256="0" * 64, fmt=SourceFormat.DOC, size_bytes=1).metadata


def _paragraphs(lines: list[str], start: int = 1) -> list[Paragraph | RawTable]:
    return [Paragraph(text=text, line=start + index, page=None) for index, text in enumerate(lines)]


def _header(left: str, right: str) -> RawTable:
    return RawTable(rows=[[RawCell(left), RawCell(right)]], page=None, line=0, ruled=True, borderless=True)


def test_a_title_opening_with_a_kind_word_is_the_title() -> None:
    """NĐ 86/2011/NĐ-CP (hpbaotho/04-quanly-vanban-quanhuyen@50021bc:…/article/file-upload/2011/11/21/
    2011_11_21_035400000010897!~!Nghi dinh 86 huong dna thi hnah Luat Thanh tra nam 2010.doc): "QUY ĐỊNH CHI TIẾT …"
    under "NGHỊ ĐỊNH" was taken for a second kind line and the title was lost."""
    metadata = _built(
        [
            _header("CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"),
            _header("Số: 86/2011/NĐ-CP", "Hà Nội, ngày 22 tháng 09 năm 2011"),
            *_paragraphs(
                [
                    "NGHỊ ĐỊNH",
                    "QUY ĐỊNH CHI TIẾT VÀ HƯỚNG DẪN THI HÀNH MỘT SỐ ĐIỀU CỦA LUẬT THANH TRA",
                    "CHÍNH PHỦ",
                    "Căn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001;",
                    "Căn cứ Luật Thanh tra ngày 15 tháng 11 năm 2010;",
                ]
            ),
        ]
    )
    assert metadata.kind == "NGHỊ ĐỊNH"
    assert metadata.title == "QUY ĐỊNH CHI TIẾT VÀ HƯỚNG DẪN THI HÀNH MỘT SỐ ĐIỀU CỦA LUẬT THANH TRA"


def test_a_kind_line_after_the_title_still_ends_it() -> None:
    """Guard (crafted from the same heading): a kind line once the title has begun is another text's, not the title."""
    metadata = _built(
        [
            _header("CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"),
            _header("Số: 86/2011/NĐ-CP", "Hà Nội, ngày 22 tháng 09 năm 2011"),
            *_paragraphs(["NGHỊ ĐỊNH", "Về thanh tra", "QUY ĐỊNH VỀ THANH TRA VIÊN", "CHÍNH PHỦ"]),
        ]
    )
    assert metadata.title == "Về thanh tra"


def test_a_signer_name_followed_by_the_databases_signed_mark() -> None:
    """TT 2442/2007/TT-TTCP (hpbaotho/04-quanly-vanban-quanhuyen@50021bc:…/article/file-upload/2011/12/09/
    2011_12_09_1351000000163008!~!Thong tu so 2442 cua Thanh tra Chinh phu.doc): the signature cell
    "TỔNG THANH TRA / Trần Văn Truyền – Đã ký", as the DOCX reader joins it; the signer was blank."""
    signature = RawTable(
        rows=[
            [
                RawCell("Nơi nhận: - Ban Bí thư Trung ương Đảng; - Ủy ban Thường vụ Quốc hội; - Chủ tịch nước;"),
                RawCell("TỔNG THANH TRA Trần Văn Truyền – Đã ký"),
            ]
        ],
        page=None,
        line=20,
        ruled=True,
        borderless=True,
    )
    metadata = _built(
        [
            _header("THANH TRA CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"),
            _header("Số: 2442/2007/TT-TTCP", "Hà Nội, ngày 13 tháng 11 năm 2007"),
            *_paragraphs(["THÔNG TƯ", "Hướng dẫn thi hành một số điều của Nghị định số 37/2007/NĐ-CP"]),
            signature,
        ]
    )
    assert metadata.signer == "Trần Văn Truyền"


def test_a_signing_title_then_the_name_with_its_mark_on_the_next_line() -> None:
    """The same block read as lines (a PDF of the database's copy): the mark after the name is no part of it."""
    metadata = _built(
        [
            _header("THANH TRA CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"),
            _header("Số: 2442/2007/TT-TTCP", "Hà Nội, ngày 13 tháng 11 năm 2007"),
            *_paragraphs(
                [
                    "THÔNG TƯ",
                    "Hướng dẫn thi hành",
                    "Nơi nhận:",
                    "- Chủ tịch nước;",
                    "TỔNG THANH TRA",
                    "Trần Văn Truyền (đã ký)",
                ]
            ),  # fmt: skip
        ]
    )
    assert metadata.signer == "Trần Văn Truyền"


def _compound_file(names: list[str]) -> bytes:
    """A minimal OLE2 file whose directory lists empty streams ``names`` (crafted: no real encrypted .docx was found;
    the layout is MS-CFB's: a header, one FAT sector, one directory sector)."""
    import struct

    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 4096)
    struct.pack_into("<IIII", header, 0x3C, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([0xFFFFFFFF] * 108))
    fat = struct.pack("<128I", 0xFFFFFFFD, 0xFFFFFFFE, *([0xFFFFFFFF] * 126))
    directory = bytearray(512)
    for index, (name, kind) in enumerate([("Root Entry", 5), *((name, 2) for name in names)]):
        encoded = name.encode("utf-16-le") + b"\0\0"
        directory[index * 128 : index * 128 + len(encoded)] = encoded
        struct.pack_into("<HB", directory, index * 128 + 0x40, len(encoded), kind)
        struct.pack_into("<II", directory, index * 128 + 0x74, 0xFFFFFFFE, 0)
    return bytes(header) + fat + bytes(directory)


def test_a_password_protected_docx_is_an_encrypted_file() -> None:
    """Word 2007+ with a password is no zip but an OLE file holding EncryptionInfo and EncryptedPackage: it went to the
    .doc reader, which called it a file without a WordDocument stream ("corrupt")."""
    data = _compound_file(["EncryptionInfo", "EncryptedPackage"])
    with pytest.raises(EncryptedFileError, match=r"KH-2026\.docx.*Word/Office"):
        check_structure(data, "KH-2026.docx")


def test_an_ole_file_without_word_text_is_still_corrupt() -> None:
    """Guard (crafted): an OLE file with neither Word's stream nor the encrypted package stays a corrupt file."""
    with pytest.raises(CorruptFileError, match="WordDocument"):
        check_structure(_compound_file(["Data"]), "x.doc")


def test_a_signing_title_read_onto_the_recipients_line_warns_that_the_name_is_missing() -> None:
    """CV 390/VP-TH Văn phòng UBND tỉnh Bắc Giang 2012, a scan (vuhung/03-quanly-vanban-dieuhanh-songanh@64d17ff:
    3_Manguon_sanpham/demo.qlvb.dev/sites/default/files/[yyyy]/003_vanbanden/[yyyy]/[mm]/cvvp-390-2012-1.pdf): the OCR
    read the two columns as one line "Nơi nhận: KT.CHÁNH VĂN PHÒNG" and the signature under the seal not at all; the
    signer was blank with no warning."""

    stream = BlockStream(
        blocks=[
            _header(
                "UBND TỈNH BẮC GIANG VĂN PHÒNG Sở: 340/VP-TH V/v Thông báo kết quả nhận chương trình, báo cáo tháng "
                "10/2012.",
                "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Bắc Giang, ngày 0É tháng 11 năm 2012",
            ),
            *_paragraphs(
                [
                    "Kính gửi: - Các Sở, cơ quan thuộc UBND tỉnh;",
                    "Văn phòng UBND tỉnh thông báo kết quả nhận chương trình công tác, báo cáo kết quả công tác tháng "
                    "10/2012 của các cơ quan, đơn vị; cụ thể như sau:",
                    "Nơi nhận: KT.CHÁNH VĂN PHÒNG",
                    "- Như trên;",
                    "- Chủ tịch và các PCT.UBND tỉnh (bíc);",
                    "- Lưu: VT, TH.",
                ]
            ),
        ],
        page_count=1,
    )
    document = build_document(stream, source="x.pdf", sha256="0" * 64, fmt=SourceFormat.PDF, size_bytes=1)
    assert document.metadata.signer == ""
    assert "signer_missing" in {warning.code for warning in document.warnings}


def _stamp_line(text: str, x0: float, top: float, bottom: float, advance: float) -> list[_Char]:
    chars: list[_Char] = []
    x = x0
    for char in text:
        if char != " ":
            chars.append(_Char(char, x, top, x + advance * 0.9, bottom))
        x += advance
    return chars


def test_overlapping_stamps_do_not_interleave_the_signing_time() -> None:
    """QĐ 47/QĐ-UBND Quảng Ngãi 2025, scanned and e-signed (QuangDuyxyz/OCR_LOCAL_VBHC@
    61aa1188242d32d0cec867f653aeab74ff73c76d:"backup/47 QĐ UB.signed (1)_20250510_124908.pdf"): the signature's caption
    lines "Cơ quan: …" (top 10.8, bottom 16.2) and "Thời gian ký: …" (16.8–22.2) lie under the Công báo stamp's
    taller "CÔNG" (13.5–21.2), which overlaps both; grown by its whole extent, one line took all three
    ("CThơờqiugainan: Tkỉýn:h1Q7/u0ả1n/g20N2g5ã1i7:06:30") and the document's date was lost. Positions as PDFium
    gives them, evenly spaced."""
    chars = [
        *_stamp_line("Cơ quan: Tỉnh Quảng Ngãi", 481.0, 10.8, 16.2, 3.4),
        *_stamp_line("CÔNG", 372.8, 13.5, 21.2, 6.0),
        *_stamp_line("Thời gian ký: 17/01/2025 17:06:30", 481.0, 16.8, 22.2, 3.1),
    ]
    texts = [_join(line) for line in _lines(chars)]
    assert any(text.endswith("Thời gian ký: 17/01/2025 17:06:30") for text in texts)
    assert any(text.endswith("Cơ quan: Tỉnh Quảng Ngãi") for text in texts)


def test_the_enacting_authority_under_a_title_ends_it() -> None:
    """QĐ 04/QĐ-BCĐ138 Quảng Ngãi 2025 (same repository and commit, "backup/04 QĐ 138.signed_20250510_131044.pdf", OCR
    lines): "TRƯỞNG BAN CHỈ ĐẠO PHÒNG, CHỐNG TỘI PHẠM, …" was read into the title."""
    metadata = _built(
        [
            _header("UBND TỈNH QUẢNG NGÃI BAN CHỈ ĐẠO 138 Số: 0+ /QĐ-BCĐ138",
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
                    "Quảng Ngãi, ngày0ÿ tháng 02 năm 2025"),
            *_paragraphs(
                [
                    "QUYẾT ĐỊNH",
                    "về việc công nhận địa bàn trọng điểm, phức tạp",
                    "về trật tự, an toàn xã hội chuyên hóa đạt năm 2024",
                    "TRƯỞNG BAN CHỈ ĐẠO PHÒNG, CHỐNG TỘI PHẠM,",
                    "TỆ NẠN XÃ HỘI VÀ XÂY DỰNG PHONG TRÀO TOÀN DÂN",
                    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;",
                ]
            ),
        ]
    )  # fmt: skip
    assert metadata.title == (
        "về việc công nhận địa bàn trọng điểm, phức tạp về trật tự, an toàn xã hội chuyên hóa đạt năm 2024"
    )
