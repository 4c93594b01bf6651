"""Legacy encodings checked against references that are not the project's own tables (issue #16).

TCVN3 (the .VnTime fonts, TCVN 5712:1993 table VN3) against glibc's iconv ``TCVN5712-1`` (table VN1):
VN3 is VN1 without the capital letters VN1 puts at 0x80–0x9F, so every byte from 0xA0 up must read
the same. VNI-Windows against its construction rule rather than a table: a letter is written as its
base letter followed by bytes for the vowel mark and the tone (cp1252 letters: ù ø û õ ï for the five
tones, â for the circumflex and á à å ã ä for it with a tone, ê for the breve and é è ú ü ë with a
tone), with single bytes for the horn letters (ô = ơ, ö = ư), đ (ñ) and the marked i and y.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from extract.legacy.encodings import decode_tcvn3, decode_vni

ACUTE, GRAVE, HOOK, TILDE, DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
TONES = ["", ACUTE, GRAVE, HOOK, TILDE, DOT]
VNI_TONE = {"": "", ACUTE: "ù", GRAVE: "ø", HOOK: "û", TILDE: "õ", DOT: "ï"}
VNI_CIRCUMFLEX = {"": "â", ACUTE: "á", GRAVE: "à", HOOK: "å", TILDE: "ã", DOT: "ä"}
VNI_BREVE = {"": "ê", ACUTE: "é", GRAVE: "è", HOOK: "ú", TILDE: "ü", DOT: "ë"}
VNI_I = {"": "i", ACUTE: "í", GRAVE: "ì", HOOK: "æ", TILDE: "ó", DOT: "ò"}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _vni_cases() -> list[tuple[bytes, str]]:
    cases: list[tuple[bytes, str]] = []
    for tone in TONES:
        for base in "aeouy":
            if base == "y" and tone == DOT:
                cases.append(("î".encode("cp1252"), _nfc("y" + DOT)))  # ỵ has a byte of its own
                continue
            cases.append(((base + VNI_TONE[tone]).encode("cp1252"), _nfc(base + tone)))
        for base in "aeo":
            cases.append(((base + VNI_CIRCUMFLEX[tone]).encode("cp1252"), _nfc(base + "\u0302" + tone)))
        cases.append((("a" + VNI_BREVE[tone]).encode("cp1252"), _nfc("a\u0306" + tone)))
        cases.append((("ô" + VNI_TONE[tone]).encode("cp1252"), _nfc("o\u031b" + tone)))
        cases.append((("ö" + VNI_TONE[tone]).encode("cp1252"), _nfc("u\u031b" + tone)))
        cases.append((VNI_I[tone].encode("cp1252"), _nfc("i" + tone)))
    cases.append(("ñ".encode("cp1252"), "đ"))
    return cases


@pytest.mark.parametrize(("data", "expected"), _vni_cases(), ids=lambda v: repr(v))
def test_vni_lowercase_follows_the_construction_rule(data: bytes, expected: str) -> None:
    # Between "t" and "n", so every letter is read inside a syllable as in real text.
    assert decode_vni(b"t" + data + b"n") == _nfc("t" + expected + "n")


@pytest.mark.parametrize(("data", "expected"), _vni_cases()[:12], ids=lambda v: repr(v))
def test_vni_capitals_follow_the_same_rule(data: bytes, expected: str) -> None:
    upper = data.decode("cp1252").upper().encode("cp1252")
    assert decode_vni(b"T" + upper + b"N") == _nfc("T" + expected.upper() + "N")


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv is not installed")
def test_tcvn3_agrees_with_iconv_tcvn5712_1_from_0xa0() -> None:
    checked = 0
    for byte in range(0xA0, 0x100):
        data = bytes([0x74, byte])  # "t" + the byte
        run = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True, check=False)
        if run.returncode != 0:
            continue
        assert _nfc(decode_tcvn3(data)) == _nfc(run.stdout.decode("utf-8")), hex(byte)
        checked += 1
    assert checked >= 90  # the whole upper half but a few unassigned bytes
