"""Errors of the nlp layer, in the project's one family (:class:`extract.errors.DanhmucError`).

Normalisation is lenient: public functions return "unresolved" results instead of raising on bad
text. A caller sees an error only for a mistake a person must fix, not a property of a document: a
broken unit registry (bad JSON, wrong shape) or an optional library that is not installed. Being
DanhmucErrors, both reach the CLI and the API's one error mapping like any other layer's.
"""

from __future__ import annotations

from extract.errors import DanhmucError


class NlpError(DanhmucError):
    """Base of the nlp layer's errors."""

    code = "nlp_error"


class RegistryError(NlpError):
    """The unit registry (nlp/data/units.json or the DANHMUC_UNITS_EXTRA file) cannot be used."""

    code = "unit_registry_invalid"

    def __init__(self, source: str, problem_vi: str, problem_en: str) -> None:
        super().__init__(
            f"Danh mục đơn vị {source} không dùng được: {problem_vi}. Hãy sửa tệp theo mẫu nlp/data/units.json "
            "(hoặc bỏ biến DANHMUC_UNITS_EXTRA) rồi chạy lại.",
            f"The unit registry {source} cannot be used: {problem_en}. Fix the file following "
            "nlp/data/units.json (or unset DANHMUC_UNITS_EXTRA) and run again.",
        )


class OptionalDependencyError(NlpError):
    """An optional adapter was called without its library installed."""

    code = "optional_dependency_missing"

    def __init__(self, library: str, extra: str, feature: str) -> None:
        super().__init__(
            f"Chưa cài {library}: cài bằng 'pip install danhmuc[{extra}]' để dùng {feature}.",
            f"{library} is not installed: run 'pip install danhmuc[{extra}]' to use {feature}.",
        )
