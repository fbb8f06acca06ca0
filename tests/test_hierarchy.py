"""``smr-kg ancestors`` / ``descendants`` / ``search`` (issue 23): the hierarchy and names of the
built graph as OAK gives them for an OBO ontology."""

from __future__ import annotations

import json


def test_ancestors_of_ischemic_mr_climb_to_mitral_regurgitation(run_cli, dist_env):
    code, out, _ = run_cli("ancestors", "smr:IschemicMitralRegurgitation", "--format", "json")
    ids = [r["id"] for r in json.loads(out)]
    assert code == 0
    assert {"smr:VentricularSecondaryMitralRegurgitation", "smr:SecondaryMitralRegurgitation",
            "smr:MitralRegurgitation"} <= set(ids)
    assert "smr:IschemicMitralRegurgitation" not in ids and "smr:PrimaryMitralRegurgitation" not in ids


def test_descendants_of_smr_are_its_subtypes_only(run_cli, dist_env):
    code, out, _ = run_cli("descendants", "secondary mitral regurgitation", "--format", "tsv")
    rows = [line.split("\t")[0] for line in out.splitlines()[1:]]
    assert code == 0 and out.startswith("id\tlabel\n")
    assert {"smr:AtrialSecondaryMitralRegurgitation", "smr:VentricularSecondaryMitralRegurgitation",
            "smr:IschemicMitralRegurgitation"} <= set(rows)
    assert "smr:PrimaryMitralRegurgitation" not in rows and "smr:SecondaryMitralRegurgitation" not in rows


def test_search_ranks_names_containing_the_text_and_refuses_nothing_found(run_cli, dist_env):
    code, out, _ = run_cli("search", "dilated", "--format", "json", "--limit", "5")
    assert code == 0 and "smr:DilatedCardiomyopathy" in [r["id"] for r in json.loads(out)]
    code, _, err = run_cli("search", "zzzqqq")
    assert code == 2 and "no term" in err
    code, _, err = run_cli("ancestors", "no such thing at all")
    assert code != 0 and err.count("\n") == 1
