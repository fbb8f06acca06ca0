"""Measurement values in a criterion's UCUM unit, or the reason they cannot be used.

Conversion uses ucumvert (a UCUM grammar and unit table on top of pint, the kept unit library):
it parses real UCUM — case-sensitive, ``mm[Hg]``, ``cm2``, annotations — and refuses what is not
UCUM (``mmHg``) instead of guessing, which is what a clinical comparison needs. ucumate (the
other UCUM-aware package) needs Java 21 and was rejected. Parsing is slow (~0.8 ms a unit), so
the conversion factor of each (from, to) pair is computed once and cached: after the first
patient a conversion is a multiplication.

A value is checked before it is compared:
  impossible   negative, not finite, or a percentage above 100 % — rejected, and reported with
               the patient and the field in the output (``--strict`` stops instead);
  implausible  outside the observable's data-entry guard from the graph (smr:plausibleMinimum /
               smr:plausibleMaximum) — refused as a likely unit slip (LVEF 0.35 written as %,
               LVESD 7 written as mm); a fraction given in unit ``1`` (0.35) is converted, not refused;
  unusable     no number, no unit, a unit that is not UCUM (nor in :data:`ALIASES`), or one that
               cannot express the criterion's quantity (mm for a percentage).

EHR extracts write some units their own way: "mmHg" (UCUM ``mm[Hg]``), "ml" (``mL``). The spellings
in :data:`ALIASES` are accepted because each can mean one UCUM unit only; everything else that is
not UCUM is still refused, with the unit named.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

_ANNOTATION = re.compile(r"\{[^}]*\}")

ALIASES: dict[str, str] = {
    "mmHg": "mm[Hg]", "mm Hg": "mm[Hg]", "mmhg": "mm[Hg]",
    "ml": "mL", "ML": "mL", "ml/m2": "mL/m2", "ml/m²": "mL/m2", "mL/m²": "mL/m2",
    "cm²": "cm2", "mm²": "mm2", "sq cm": "cm2",
}
"""Unambiguous non-UCUM spellings seen in EHR extracts -> their UCUM code (documented in the
README); a unit here is converted as its UCUM code and reported as written."""


@dataclass(frozen=True)
class Reading:
    """A value ready to compare (``value`` in the target unit), or why it is not (``problem``)."""

    value: float | None
    problem: str | None = None
    kind: str = "ok"
    """ok, impossible, implausible or unusable."""


class UnitError(ValueError):
    """A unit that is not UCUM, or two units that measure different quantities."""


@lru_cache(maxsize=None)
def _registry():
    from ucumvert import PintUcumRegistry

    return PintUcumRegistry()


@lru_cache(maxsize=4096)
def factor(source: str, target: str) -> float:
    """How many ``target`` units one ``source`` unit is (UCUM codes); raises :class:`UnitError`."""
    registry = _registry()
    try:
        src, dst = registry.from_ucum(_plain(source)), registry.from_ucum(_plain(target))
    except Exception:  # ucumvert raises lark and its own errors for non-UCUM text
        bad = source if not _parses(source) else target
        raise UnitError(f"unit {bad!r} is not UCUM") from None
    try:
        one = (1 * src).to(dst).magnitude
        zero = (0 * src).to(dst).magnitude
    except Exception:  # pint's DimensionalityError and offset-unit errors
        raise UnitError(f"unit {source!r} cannot be converted to {target!r}") from None
    if zero != 0:
        raise UnitError(f"unit {source!r} is not a multiple of {target!r} (offset scale)")
    return float(one)


def read_value(value: float | None, unit: str | None, target: str,
               guard: tuple[float, float, str] | None = None, raw: str | None = None) -> Reading:
    """``value`` ``unit`` in ``target`` (a UCUM code), checked as the module docstring says."""
    if value is None:
        return Reading(None, f"value {raw!r} is not a number" if raw else "no value", "unusable")
    if not math.isfinite(value):
        return Reading(None, f"value {value} is not a finite number", "impossible")
    if not unit or not unit.strip():
        return Reading(None, f"value {_num(value)} has no unit", "unusable")
    unit = unit.strip()
    unit = ALIASES.get(unit, unit)
    try:
        converted = value * factor(unit, target)
    except UnitError as exc:
        return Reading(None, f"{_num(value)} {unit}: {exc}", "unusable")
    if value < 0:
        return Reading(None, f"{_num(value)} {unit} is negative", "impossible")
    if target == "%" and converted > 100:
        return Reading(None, f"{_num(value)} {unit} is above 100 %", "impossible")
    if guard is not None:
        low, high, guard_unit = guard
        in_guard = value * factor(unit, guard_unit)
        if not low <= in_guard <= high:
            hint = " (a fraction written as a percentage? give 0.35 with unit 1, or 35 %)" if unit == "%" and value <= 1 else \
                   " (a unit error?)"
            return Reading(None, f"{_num(value)} {unit} is outside the plausible range "
                                 f"{_num(low)}-{_num(high)} {guard_unit}{hint}", "implausible")
    return Reading(converted)


def _plain(unit: str) -> str:
    """UCUM with annotations removed; an annotation alone ({ratio}) is the unit 1."""
    stripped = _ANNOTATION.sub("", unit).strip()
    return stripped or "1"


def _parses(unit: str) -> bool:
    try:
        _registry().from_ucum(_plain(unit))
        return True
    except Exception:
        return False


def _num(value: float) -> str:
    return f"{value:g}"


__all__ = ["ALIASES", "Reading", "UnitError", "factor", "read_value"]
