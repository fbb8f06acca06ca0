"""The Spark engine (pyspark, local mode) gives the embedded engine's results on every test input.

Skipped with a reason when pyspark or Java is missing; ``.ci/run`` installs both and sets
``SMR_KG_REQUIRE=spark`` so that in CI a missing Spark fails instead of skipping.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest

from test_patients_io import BUNDLES, bundles_to_ndjson


def spark_available() -> str | None:
    """Why Spark cannot run here, or None."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'smr-kg[spark]')"
    if shutil.which("java") is None:
        return "Java is not installed (pyspark needs Java 17)"
    return None


@pytest.fixture(scope="module")
def spark_ready():
    reason = spark_available()
    if reason:
        if "spark" in os.environ.get("SMR_KG_REQUIRE", "").split(","):
            pytest.fail(f"SMR_KG_REQUIRE=spark but {reason}")
        pytest.skip(reason)


def patients(run_cli, *args: str) -> dict:
    code, out, err = run_cli("patients", *args, "--format", "json", "--quiet")
    assert code == 0, err
    return {p["patient"]: p for p in json.loads(out)["patients"]}


def test_spark_gives_the_embedded_verdicts_on_every_test_bundle_ndjson_and_csv(spark_ready, run_cli, tmp_path):
    ndjson = tmp_path / "ndjson"
    ndjson.mkdir()
    bundles_to_ndjson(ndjson)
    (tmp_path / "extract.csv").write_text(
        "patient,system,code,value,unit,date\n"
        "c1,SNOMED,401303003,,,2019-03-01\nc1,LOINC,10230-1,35,%,2023-05-10\nc1,LOINC,29438-9,7.0,cm,2023-05-10\n"
        "c2,ICD10CM,I48.0,,,2020-01-01\nc2,LOINC,10230-1,0.6,1,2023-01-01\n")
    for inputs in ([str(BUNDLES)], [str(ndjson), str(tmp_path / "extract.csv")]):
        embedded = patients(run_cli, *inputs)
        spark = patients(run_cli, *inputs, "--engine", "spark")
        assert spark.keys() == embedded.keys() and len(spark) >= 2
        for patient, data in embedded.items():
            assert spark[patient] == data, patient


def test_spark_refuses_a_patient_id_in_two_inputs_as_the_embedded_engine_does(spark_ready, run_cli, tmp_path):
    header = "patient,system,code,value,unit,date\n"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(header + "dup-7,http://snomed.info/sct,399020009,,,2020-01-01\n")
    second.write_text(header + "dup-7,http://snomed.info/sct,48724000,,,2021-01-01\n")
    code, out, err = run_cli("patients", str(first), str(second), "--engine", "spark", "--quiet")
    assert code == 2 and str(first) in err and str(second) in err and "dup-7" not in err
    merged = patients(run_cli, str(first), str(second), "--engine", "spark", "--merge-duplicates")
    assert merged["dup-7"]["mitral_regurgitation"]["kind"] == "secondary"
