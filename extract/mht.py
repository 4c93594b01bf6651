"""Word's "Single File Web Page" (.mht/.mhtml, MIME HTML): the HTML page inside, for the HTML reader.

Old office archives keep Word documents saved as one-file web pages: a MIME message ("MIME-Version: 1.0",
"Content-Type: multipart/related") whose first text/html part is the page, quoted-printable or base64, in the
charset its part header names, followed by its images. Read as text, it gave the page's markup and encoded lines
as sections. The message is parsed by the standard library's ``email`` package (RFC 2045–2557 decoding, not a
rewrite of it), and the page handed to the HTML reader with its part's charset, which that reader's charset rules
(extract.html_reader.decode_html) put before any ``<meta charset>`` the page itself carries.
"""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from extract.errors import CorruptFileError

# Header lines first ("From: <Saved by Windows Internet Explorer 8>", "Subject:", "Date:" …), one of them
# MIME-Version, and a multipart/related body: the shape of every MHT Word or a browser writes.
_HEADERS = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:[!-9;-~]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*){1,40}", re.DOTALL)
_MIME_VERSION = re.compile(rb"^MIME-Version:\s*1\.0", re.IGNORECASE | re.MULTILINE)
_RELATED = re.compile(rb"^Content-Type:\s*multipart/related", re.IGNORECASE | re.MULTILINE)


def looks_like_mht(data: bytes) -> bool:
    """Whether ``data`` opens as a MIME HTML archive (a one-file web page)."""
    headers = _HEADERS.match(data[:8192])
    if headers is None:
        return False
    block = headers.group(0)
    return bool(_MIME_VERSION.search(block) and _RELATED.search(block))


def html_of_mht(data: bytes, source: str) -> tuple[bytes, str]:
    """The archive's page and the charset its part header names ("" when none: the page's own rules decide);
    :class:`CorruptFileError` naming ``source`` when the archive holds no HTML part."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    page = next((part for part in message.walk() if part.get_content_type() == "text/html"), None)
    payload = page.get_payload(decode=True) if isinstance(page, EmailMessage) else None
    if not isinstance(payload, bytes) or not payload.strip():
        raise CorruptFileError(
            source, "tệp MHT không chứa trang HTML nào / an MHT archive with no HTML page in it"
        )  # fmt: skip
    assert isinstance(page, EmailMessage)
    return payload, page.get_content_charset() or ""
