"""Deterministic renderer of the seed corpus: TXT seed -> DOCX -> PDF (LibreOffice) -> scan PDF.

Run ``.venv/bin/python -m corpus.render`` from the repository root. The seeds in
``corpus/docs/*.txt`` are never modified; everything else in that folder is regenerated.
"""
