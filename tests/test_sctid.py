"""SNOMED CT identifiers: SNOMED International's own examples pass, and typing errors are caught."""

from __future__ import annotations

import doctest

import pytest

from smr_kg.rdf import sctid
from smr_kg.rdf.sctid import check_sctid, is_valid_sctid, verhoeff_check_digit, verhoeff_valid

# SNOMED CT Release File Specification, 6.8 "Example SNOMED CT identifiers": (id, component)
SPECIFICATION_EXAMPLES = [
    ("100005", "concept"),  # the lowest concept id
    ("100014", "description"),
    ("100022", "relationship"),
    ("1290023401004", "concept"),
    ("1290023401015", "description"),
    ("9940000001029", "relationship"),
    ("11000001102", "concept"),  # long format, namespace 1000001
    ("10989121108", "concept"),
    ("1290989121103", "concept"),
    ("1290000001117", "description"),
    ("9940000001126", "relationship"),
    ("999999990989121104", "concept"),  # the largest concept id of namespace 0989121
]

# Concepts confirmed in two or more public sources (C2).
DOMAIN_CONCEPTS = [
    "48724000",  # Mitral valve regurgitation
    "49436004",  # Atrial fibrillation
    "22298006",  # Myocardial infarction
    "84114007",  # Heart failure
    "399020009",  # Congestive (dilated) cardiomyopathy
    "703326006",  # Mitral regurgitation due to acute myocardial infarction
    "414545008",  # Ischemic heart disease
    "53741008",  # Coronary arteriosclerosis
    "64715009",  # Hypertensive heart disease
    "250908004",  # Left ventricular ejection fraction (observable entity)
    "67741000119109",  # Left atrial enlargement, US extension (long format)
]


def test_doctests() -> None:
    assert doctest.testmod(sctid).failed == 0


@pytest.mark.parametrize("value,component", SPECIFICATION_EXAMPLES)
def test_specification_examples_are_valid(value: str, component: str) -> None:
    assert check_sctid(value, component) is None
    assert verhoeff_check_digit(value[:-1]) == int(value[-1])


@pytest.mark.parametrize("value", DOMAIN_CONCEPTS)
def test_domain_concepts_are_valid_concept_ids(value: str) -> None:
    assert is_valid_sctid(value)


@pytest.mark.parametrize("value", ["48724000", "49436004", "67741000119109"])
def test_every_single_digit_error_and_adjacent_transposition_is_caught(value: str) -> None:
    for i, digit in enumerate(value):
        for other in "0123456789":
            if other != digit:
                assert not verhoeff_valid(value[:i] + other + value[i + 1:]), (value, i, other)
    for i in range(len(value) - 1):
        if value[i] != value[i + 1]:
            swapped = value[:i] + value[i + 1] + value[i] + value[i + 2:]
            assert not verhoeff_valid(swapped), (value, i)


@pytest.mark.parametrize("value,reason", [
    ("48724001", "check digit 1 is wrong (Verhoeff check digit for 4872400 is 0)"),
    ("100014", "partition 01 identifies a description, not a concept"),
    ("100022", "partition 02 identifies a relationship, not a concept"),
    ("100031", "partition 03 is reserved"),
    ("1234106", "needs a 7-digit namespace"),
    ("0100005", "does not start with 0"),
    ("12345", "6 to 18 digits, not 5"),
    ("1" * 19, "6 to 18 digits, not 19"),
    ("", "decimal digits only"),
    ("48724000 ", "decimal digits only"),
    ("４８７２４０００", "decimal digits only"),  # full-width digits are not SNOMED digits
])
def test_invalid_ids_say_why(value: str, reason: str) -> None:
    assert reason in (check_sctid(value) or "")
