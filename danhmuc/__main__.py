"""`python -m danhmuc …` runs the same command line as the `danhmuc` script."""

from danhmuc.cli import app

app(prog_name="danhmuc")
