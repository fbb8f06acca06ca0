"""SNOMED CT identifiers (SCTIDs): the rules of SNOMED International's own specification.

A mistyped SCTID still looks like a number, and a mapping to the wrong concept is worse than no
mapping, so every SCTID the graph carries is checked the way SNOMED CT's Release File
Specification (section 6, "SNOMED CT Identifiers") defines it:

* a string of 6 to 18 decimal digits that does not start with 0;
* the second and third digits from the right are the partition identifier: 00 (concept), 01
  (description), 02 (relationship) in the short format of the International Release; 10, 11,
  12 and 16 (postcoordinated expression) in the long format of extensions, which carry a 7-digit
  namespace identifier before the partition, so a long-format SCTID has at least 11 digits;
* the last digit is a Verhoeff (dihedral group D5) check digit over the whole string.

>>> check_sctid("48724000")  # Mitral valve regurgitation
>>> check_sctid("48724001")
'check digit 1 is wrong (Verhoeff check digit for 4872400 is 0)'
>>> check_sctid("100014")  # the lowest description id: valid, but not a concept
'partition 01 identifies a description, not a concept'
>>> is_valid_sctid("100014", component="description")
True
"""

from __future__ import annotations

import re

# Verhoeff's tables as printed in the SNOMED CT specification (6.4.2 Check-digit Computation).
_DIHEDRAL = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_F0 = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
_F1 = (1, 5, 7, 6, 2, 8, 3, 0, 9, 4)


def _function_f() -> tuple[tuple[int, ...], ...]:
    """Rows 2-7 of the F array follow from row 1: F(i, j) = F(i - 1, F(1, j))."""
    rows: list[tuple[int, ...]] = [_F0, _F1]
    for _ in range(2, 8):
        rows.append(tuple(rows[-1][_F1[j]] for j in range(10)))
    return tuple(rows)


_F = _function_f()
_INVERSE = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)

PARTITIONS: dict[str, tuple[str, bool]] = {
    "00": ("concept", False),
    "01": ("description", False),
    "02": ("relationship", False),
    "10": ("concept", True),
    "11": ("description", True),
    "12": ("relationship", True),
    "16": ("postcoordinated expression", True),
}
"""Partition identifier -> (component type, long format?); all other values are reserved."""

SNOMED_NAMESPACE = "http://snomed.info/id/"
"""SNOMED International's URI space for SNOMED CT components (the SNOMED CT URI Standard)."""

_DIGITS = re.compile(r"[0-9]+")


def verhoeff_check_digit(digits: str) -> int:
    """The check digit to append to ``digits`` (a string of decimal digits).

    >>> verhoeff_check_digit("4872400"), verhoeff_check_digit("4943600")
    (0, 4)
    >>> verhoeff_check_digit("10000")  # 100005, the lowest concept id
    5
    """
    check = 0
    for position, digit in enumerate(reversed(digits), start=1):
        check = _DIHEDRAL[check][_F[position % 8][int(digit)]]
    return _INVERSE[check]


def verhoeff_valid(digits: str) -> bool:
    """Whether the last digit of ``digits`` is its Verhoeff check digit.

    >>> verhoeff_valid("49436004"), verhoeff_valid("49436040")  # an adjacent transposition
    (True, False)
    """
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _DIHEDRAL[check][_F[position % 8][int(digit)]]
    return check == 0


def check_sctid(value: str, component: str = "concept") -> str | None:
    """Why ``value`` is not a valid SCTID of ``component`` type, or None when it is.

    >>> check_sctid("67741000119109")  # long format: US extension namespace 1000119
    >>> check_sctid("999999990989121104")  # the largest concept id of namespace 0989121
    >>> check_sctid("048724000")
    'an SCTID does not start with 0'
    >>> check_sctid("12345")
    'an SCTID has 6 to 18 digits, not 5'
    >>> check_sctid("100031")
    'partition 03 is reserved (SNOMED CT uses 00, 01, 02, 10, 11, 12, 16)'
    >>> check_sctid("1234106")
    'partition 10 (long format) needs a 7-digit namespace, so at least 11 digits, not 7'
    >>> check_sctid("SCTID:48724000")
    'an SCTID is decimal digits only'
    """
    if not _DIGITS.fullmatch(value):
        return "an SCTID is decimal digits only"
    if value.startswith("0"):
        return "an SCTID does not start with 0"
    if not 6 <= len(value) <= 18:
        return f"an SCTID has 6 to 18 digits, not {len(value)}"
    partition = value[-3:-1]
    if partition not in PARTITIONS:
        return f"partition {partition} is reserved (SNOMED CT uses {', '.join(PARTITIONS)})"
    kind, long_format = PARTITIONS[partition]
    if kind != component:
        return f"partition {partition} identifies a {kind}, not a {component}"
    if long_format and len(value) < 11:
        return f"partition {partition} (long format) needs a 7-digit namespace, so at least 11 digits, not {len(value)}"
    if not verhoeff_valid(value):
        expected = verhoeff_check_digit(value[:-1])
        return f"check digit {value[-1]} is wrong (Verhoeff check digit for {value[:-1]} is {expected})"
    return None


def is_valid_sctid(value: str, component: str = "concept") -> bool:
    """True when ``value`` is a valid SCTID of ``component`` type (see :func:`check_sctid`)."""
    return check_sctid(value, component) is None


__all__ = ["PARTITIONS", "SNOMED_NAMESPACE", "check_sctid", "is_valid_sctid", "verhoeff_check_digit", "verhoeff_valid"]
