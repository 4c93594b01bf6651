"""Errors of the nlp layer.

Normalisation is lenient: public functions return "unresolved" results instead of raising on bad
text. The only error a caller can see is a broken unit registry (bad JSON, wrong shape), because
that is a configuration mistake a person must fix, not a property of a document.
"""

from __future__ import annotations


class NlpError(Exception):
    """Base class of the nlp layer's errors."""


class RegistryError(NlpError):
    """The unit registry (nlp/data/units.json or DANHMUC_UNITS_EXTRA) cannot be read.

    The message is Vietnamese first, English after " / ".
    """


class OptionalDependencyError(NlpError):
    """An optional adapter was called without its library installed. Vietnamese first, English after " / "."""
