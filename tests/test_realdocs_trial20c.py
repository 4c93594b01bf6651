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

from extract import EncryptedFileError, extract_file
from extract.legacy.doc import check_structure
from extract.legacy.ole import stream_head, stream_names

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
    data = (DATA / "DS-password.doc").read_bytes()
    head = stream_head(data, "WordDocument", 12)
    assert head is not None and head[:2] == b"\xec\xa5" and head[0x0B] & 0x01
    assert stream_head(data, "NoSuchStream", 12) is None
    assert {"WordDocument", "1Table"} <= stream_names(data)
    with pytest.raises(EncryptedFileError):
        check_structure(data, "DS.doc")
