"""The danhmuc HTTP service: upload, jobs, catalog, reviews, exports and OpenRefine reconciliation.

from api import create_app, Settings
app = create_app(Settings.from_env())
"""

from api.app import create_app
from api.settings import Settings

__all__ = ["Settings", "create_app"]
