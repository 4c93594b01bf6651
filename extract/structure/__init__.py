"""Genre knowledge: turn a reader's block stream into the typed document model.

The builder runs in a fixed order, each step in its own module:
``tables`` stitches raw table fragments into tables (and hands the national header back as
paragraphs), ``metadata`` reads the document's identity, ``sections`` builds the numbered
section tree, ``tasks`` finds tasks in sections and task tables, ``catalog`` maps catalog
tables to entries.
"""

from extract.structure.builder import Item, build_document

__all__ = ["Item", "build_document"]
