"""PDF reading in parts: page layout (words, lines, paragraphs) and tables."""
