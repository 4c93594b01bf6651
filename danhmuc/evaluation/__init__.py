"""`danhmuc eval`: score the pipeline against gold annotations."""

from danhmuc.evaluation.gold import GoldDocument, GoldError, load_gold_dir
from danhmuc.evaluation.report import render_sets, render_table, sets_json, to_json, write_json, write_sets_json
from danhmuc.evaluation.runner import EvalResult, Scores, evaluate
from danhmuc.evaluation.sets import EvalSet, SetsResult, evaluate_real, evaluate_sets

__all__ = [
    "EvalResult",
    "EvalSet",
    "SetsResult",
    "evaluate_real",
    "evaluate_sets",
    "render_sets",
    "sets_json",
    "write_sets_json",
    "GoldDocument",
    "GoldError",
    "Scores",
    "evaluate",
    "load_gold_dir",
    "render_table",
    "to_json",
    "write_json",
]
