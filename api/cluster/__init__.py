"""Extraction and reconciliation past one machine: Celery workers, a broker, and the shared database.

With ``DANHMUC_BROKER_URL`` set, ``danhmuc serve`` and ``danhmuc ingest`` queue their work as
Celery tasks and ``danhmuc worker`` processes, on any host that reaches the broker and the
database, run them. The jobs table stays the record of every job (status, attempts, lease); the
broker only carries job ids; file bytes travel through the database (catalog.blob_table).
Without a broker nothing here is imported and everything runs on one host as before.
"""
