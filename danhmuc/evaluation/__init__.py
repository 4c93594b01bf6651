"""`danhmuc eval`: score the pipeline against gold annotations."""

from danhmuc.evaluation.gold import GoldDocument, GoldError, load_gold_dir
from danhmuc.evaluation.report import render_table, to_json, write_json
from danhmuc.evaluation.runner import EvalResult, Scores, evaluate

__all__ = [
    "EvalResult",
    "GoldDocument",
    "GoldError",
    "Scores",
    "evaluate",
    "load_gold_dir",
    "render_table",
    "to_json",
    "write_json",
]
