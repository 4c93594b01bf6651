"""Imported by the ingest pool's fork server only (catalog/ingest_pool.py, its preload): the server
dies with the process that started it, then warms the pipeline the workers are forked from."""

from catalog.ingest_pool import warm_up
from extract.processes import die_with_parent

die_with_parent()  # killed with the writer even while still warming (before its loop sees the pipe close)
warm_up()
