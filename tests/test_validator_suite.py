"""cBioPortal's validator test suite, loaded through her2lung.

Every whole study of the suite and every single-file case of a file type her2lung reads is
wrapped in a study folder of its own (tests/helpers_studies.py) and all are loaded by ONE dbt
build with ``on_fatal_problem: warn``. Our verdict per case: *invalid* when the case has a fatal
load problem or at least one quarantined row (``stg_cbioportal__*_rejected``) from its files,
else *valid*. It is compared with cBioPortal's (EXPECTED.tsv):

- a case cBioPortal calls invalid must end in a failed build naming the problem, or in
  quarantined rows with a reason; a case it calls valid must load with zero rejected rows;
- cases cBioPortal passes with warnings are reported (docs/validator_suite.md), not forced;
- KNOWN_DISAGREEMENTS lists the cases where we deliberately differ (the verdict needs the
  cBioPortal server's knowledge, or the check is outside what her2lung reads); each must still
  disagree, so the list stays honest;
- OPEN_BUGS lists disagreements that are her2lung bugs: strict xfail until fixed.

Regenerate the outcome table with ``.venv/bin/python -m tests.helpers_studies``.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from helpers_studies import (
    BUILD_BREAKERS,
    DOC_PATH,
    SUITE_DIR,
    SURVEY_SELECT,
    SuiteRun,
    agreement,
    cases_in_scope,
    materialize_suite,
    read_expected,
    read_table_rows,
    run_suite,
)

from her2lung.warehouse import run_dbt

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (SUITE_DIR / "EXPECTED.tsv").exists(), reason=f"validator suite not found: {SUITE_DIR}"
    ),
]

PORTAL = "needs the cBioPortal server's knowledge: "
SCOPE = "outside what her2lung reads or checks: "
CONVENTION = "cBioPortal import convention her2lung does not follow: "

# case path -> why our verdict differs from cBioPortal's, on purpose
KNOWN_DISAGREEMENTS: dict[str, str] = {
    # whole studies
    "studies/study_es_0_inc": CONVENTION
    + "the CNA and SV files name sample 'TCGA-BH-NEW', which cBioPortal resolves to the TCGA "
    "primary sample 'TCGA-BH-NEW-01' of the sample file; her2lung matches sample ids exactly "
    "and quarantines the cells/rows",
    "studies/study_missing_caselists": SCOPE
    + "case lists are optional in her2lung; the missing _all/_sequenced/_cna lists are a "
    "cBioPortal import requirement",
    "studies/study_portal_mismatch": PORTAL
    + "cancer type colour and Entrez ids are checked against the portal's tables",
    "studies/study_cancertype_two_files": SCOPE
    + "cancer type files are not read (and 'luad' unknown to the portal)",
    "studies/meta_study/invalid_show_profile_setting_cna": SCOPE
    + "a meta-file field (show_profile_in_analysis_tab) of log2 CNA, a file type not read",
    # clinical
    "single_files/clinical/data_clin_coldefs_invalid_priority.txt": SCOPE
    + "the four '#' attribute lines are required but their content (priority 'tomato') is "
    "not parsed",
    "single_files/clinical/data_clin_coldefs_hardcoded_attrs.txt": SCOPE
    + "declared attribute datatypes (OS_MONTHS as STRING) are not read: values are typed on "
    "their own; sample-level attributes in a patient file are not checked",
    "single_files/clinical/data_clin_coldefs_banned_attribute.txt": SCOPE
    + "MUTATION_COUNT is banned by cBioPortal (it computes it); her2lung ignores the column",
    "single_files/clinical/data_clin_date_in_nondate_column.txt": SCOPE
    + "Excel date detection in free-text attributes (SOME_SCORE 'Jan-14')",
    # discrete CNA, long format
    "single_files/cna_discrete_long/data_cna_long_genecol_no_namespace.txt": SCOPE
    + "meta-file namespaces are not read",
    "single_files/cna_discrete_long/data_cna_long_two_hugos_same_gene.txt": PORTAL
    + "CENTB5 is an alias of ACAP3 only in the portal's gene alias table",
    # mutations
    "single_files/mutations/data_mutations_absence_custom_annotation_columns_when_custom_values_columns.maf": SCOPE  # noqa: E501
    + "cbp_driver* custom driver annotation columns are not read",
    "single_files/mutations/data_mutations_absence_custom_values_columns_when_custom_annotation_columns.maf": SCOPE  # noqa: E501
    + "cbp_driver* custom driver annotation columns are not read",
    "single_files/mutations/data_mutations_custom_tiers_column_more_than_50_characters.maf": SCOPE
    + "cbp_driver* custom driver annotation columns are not read",
    "single_files/mutations/data_mutations_more_than_80_characters_in_custom_annotation_columns.maf": SCOPE  # noqa: E501
    + "cbp_driver* custom driver annotation columns are not read",
    "single_files/mutations/data_mutations_not_supported_custom_driver_annotation_values.maf": SCOPE
    + "cbp_driver* custom driver annotation columns are not read",
    "single_files/mutations/data_mutations_check_special_cases_allele.maf": SCOPE
    + "invalid only under the validator's strict MAF checks (allele lengths); a warning in "
    "default mode",
    "single_files/mutations/data_mutations_validation_status.maf": SCOPE
    + "invalid only under strict MAF checks (Validation_Status vs alleles); warnings in "
    "default mode",
    "single_files/mutations/data_mutations_invalid_norm_samples.maf": SCOPE
    + "the meta field normal_samples_list and Matched_Norm_Sample_Barcode are not read",
    "single_files/mutations/data_mutations_missing_zygosity_status_column.maf": SCOPE
    + "meta-file namespaces (ZYGOSITY) are not read",
    "single_files/mutations/meta_mutations_invalid_swissprot_idspec.txt": SCOPE
    + "the meta field swissprot_identifier is not read",
    "single_files/mutations/data_mutations_missing_aa_change_column.maf": SCOPE
    + "a protein-change column (HGVSp_Short/Amino_Acid_Change) is optional in her2lung "
    "(seed cbioportal_required_columns); protein_change stays NULL",
    "single_files/mutations/data_mutations_too_long_hgvsp_short.maf": SCOPE
    + "column names are matched case-insensitively, so 'HGVSP_Short' is read as HGVSp_Short; "
    "the over-long value is kept as text",
    "single_files/mutations/data_mutations_wrong_aa_change.maf": SCOPE
    + "protein-change syntax is not validated; the text is kept and the position parsed from "
    "the first 'p.' entry",
    # structural variants
    "single_files/structural_variants/data_structural_variants_missing_columns.txt": SCOPE
    + "her2lung requires only Sample_Id and one gene column (SV_Status is not used; meta "
    "namespaces are not read)",
    # case lists
    "single_files/case_lists/case_lists_invalid_category": SCOPE
    + "case_list_category is not checked against cBioPortal's vocabulary (a list's role comes "
    "from its stable_id suffix)",
}

# case path -> her2lung bug that makes the verdict wrong (strict xfail until fixed)
_CNA_LONG_DUPLICATES = (
    "base_cbioportal__copy_number_alterations: the long format has no duplicate check, so two "
    "rows for the same sample and gene (same Hugo_Symbol or same Entrez_Gene_Id) are both kept"
)
OPEN_BUGS: dict[str, str] = {}

# Bugs seen in the survey that do not change a verdict (strict xfail until fixed).
OTHER_BUGS: dict[str, str] = {}

# Cases whose files must appear in the fatal-build message: (case path, file, column).
FATAL_CASES = (
    (
        "single_files/clinical/data_clin_coldefs_lowercase_attribute.txt",
        "data_clin_coldefs_lowercase_attribute.txt",
        "Sausage",
    ),
    (
        "single_files/cna_discrete_long/data_cna_long_genecol_no_sample_id.txt",
        "data_cna_long_genecol_no_sample_id.txt",
        "Sample_Id",
    ),
    (
        "single_files/cna_discrete/data_cna_genecol_presence_neither.txt",
        "data_cna_genecol_presence_neither.txt",
        "Hugo_Symbol|Entrez_Gene_Id",
    ),
)


def _judged_params() -> list:
    if not (SUITE_DIR / "EXPECTED.tsv").exists():
        return []
    params = []
    for case in cases_in_scope():
        if case.expected not in ("valid", "invalid"):
            continue
        marks = ()
        if case.path in OPEN_BUGS:
            marks = pytest.mark.xfail(strict=True, reason=OPEN_BUGS[case.path])
        params.append(pytest.param(case.path, marks=marks, id=case.path))
    return params


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> SuiteRun:
    return run_suite(tmp_path_factory.mktemp("validator_suite"))


def outcome_of(suite: SuiteRun, path: str):
    [o] = [o for o in suite.outcomes if o.case.path == path]
    return o


# --------------------------------------------------------------------------- the survey itself


def test_survey_build_passes_and_scaffolding_is_clean(suite: SuiteRun) -> None:
    """One build loads every case; its own data tests pass; the wrapping adds no problem."""
    assert suite.build_returncode == 0, suite.build_failures or suite.build_stdout[-3000:]
    assert suite.scaffold_problems == []


def test_every_case_in_scope_is_judged(suite: SuiteRun) -> None:
    in_scope = cases_in_scope()
    assert [o.case.path for o in suite.outcomes] == [c.path for c in in_scope]
    kinds = [c.kind for c in in_scope]
    assert kinds.count("study") == 17
    categories = {c.category for c in in_scope if c.kind == "single_file"}
    assert categories == {
        "clinical",
        "mutations",
        "cna_discrete",
        "cna_discrete_long",
        "structural_variants",
        "gene_panel_matrix",
        "case_lists",
        "rppa",
    }


def test_lists_name_real_judged_cases() -> None:
    judged = {c.path for c in read_expected() if c.expected in ("valid", "invalid")}
    in_scope = {c.path for c in cases_in_scope()}
    for path in [*KNOWN_DISAGREEMENTS, *OPEN_BUGS]:
        assert path in judged and path in in_scope, path
    assert not set(KNOWN_DISAGREEMENTS) & set(OPEN_BUGS)
    assert set(BUILD_BREAKERS) <= in_scope


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize("path", _judged_params())
def test_verdict(suite: SuiteRun, path: str) -> None:
    o = outcome_of(suite, path)
    detail = f"{path}: expected {o.case.expected}, ours {o.ours} ({o.how}: {o.reasons})"
    # whatever the verdict, it must rest on evidence
    if o.ours == "invalid":
        assert o.how in ("fatal", "quarantine", "build error") and o.reasons, detail
    else:
        assert o.n_rejected == 0, detail
        assert o.n_staged > 0, f"{path}: judged valid but nothing of it was staged"
    if path in KNOWN_DISAGREEMENTS:
        assert o.ours != o.case.expected, (
            f"{detail}\nnow agrees with cBioPortal: remove it from KNOWN_DISAGREEMENTS"
        )
    else:
        assert o.ours == o.case.expected, detail


def test_agreement_rate_is_what_the_lists_say(suite: SuiteRun) -> None:
    agree, judged = agreement(suite.outcomes)
    assert judged - agree == len(KNOWN_DISAGREEMENTS) + len(OPEN_BUGS)


def test_warning_cases_are_reported(suite: SuiteRun) -> None:
    """cBioPortal loads these with warnings; ours is reported, not forced, but must be explained."""
    warnings = [o for o in suite.outcomes if o.case.expected == "warning"]
    assert warnings
    for o in warnings:
        assert o.ours in ("valid", "invalid")
        if o.ours == "invalid":
            assert o.reasons, o.case.path
        else:
            assert o.n_rejected == 0 and o.n_staged > 0, o.case.path


# --------------------------------------------------------------------------- fatal path


def test_fatal_cases_fail_a_normal_build_naming_folder_file_and_column(tmp_path) -> None:
    """Without the warn var, a fatal problem stops the build with a message naming the study
    folder, the file and the column."""
    by_path = {c.path: c for c in read_expected()}
    folders = materialize_suite(tmp_path / "studies", [by_path[p] for p, _, _ in FATAL_CASES])
    result = run_dbt(
        ["build", *SURVEY_SELECT],
        studies_dir=tmp_path / "studies",
        db_path=tmp_path / "her2lung.duckdb",
        target_path=tmp_path / "target",
    )
    assert not result.ok
    output = " ".join(result.stdout.split())
    assert "her2lung: cannot load the studies in" in output
    for folder, (_, file, column) in zip(folders, FATAL_CASES, strict=True):
        expected = (
            f"study folder '{folder.folder}', file '{folder.folder}/{file}', column '{column}'"
        )
        assert expected in output, f"{expected!r} not in dbt output"


# --------------------------------------------------------------------------- bugs found


def test_unreadable_file_is_refused_and_judged_invalid(suite: SuiteRun) -> None:
    """A file the reader cannot decode (invalid UTF-8) is refused with a recorded problem, so a
    survey with on_fatal_problem=warn goes on; the case is judged invalid, as cBioPortal does."""
    outcome = outcome_of(suite, "single_files/mutations/data_mutations_invalid_utf8.maf")
    assert outcome.how != "build error"
    assert outcome.ours == "invalid"


def test_variant_classification_unknown_is_not_read_as_missing(suite: SuiteRun) -> None:
    path = "single_files/mutations/data_mutations_test_variant_types.maf"
    header, rows = read_table_rows(SUITE_DIR / path)
    vc = [h.lower() for h in header].index("variant_classification")
    unknown_lines = [line for line, f in rows if f[vc].strip() == "Unknown"]
    assert unknown_lines and all(f[vc].strip() for _, f in rows)  # no empty class in the file
    folder = outcome_of(suite, path).folder
    con = duckdb.connect(str(suite.db_path), read_only=True)
    try:
        reasons = con.execute(
            "select source_line, reject_reason from staging.stg_cbioportal__mutations_rejected "
            "where source_file = ? order by 1",
            [f"{folder}/{path.rsplit('/', 1)[-1]}"],
        ).fetchall()
    finally:
        con.close()
    empty = [line for line, reason in reasons if reason == "empty Variant_Classification"]
    assert empty == []


# --------------------------------------------------------------------------- docs


def test_docs_table_is_current(suite: SuiteRun) -> None:
    """docs/validator_suite.md must show the measured verdicts (regenerate with
    `.venv/bin/python -m tests.helpers_studies`)."""
    assert DOC_PATH.exists(), "run .venv/bin/python -m tests.helpers_studies"
    doc = DOC_PATH.read_text(encoding="utf-8")
    agree, judged = agreement(suite.outcomes)
    assert f"**Agreement: {agree} of {judged} cases" in doc, "agreement rate changed: regenerate"
    for o in suite.outcomes:
        row = re.search(
            rf"^\| `{re.escape(o.case.path)}`[^|]* \| (\w+) \| (\w+) \| ([\w ]+) \|", doc, re.M
        )
        assert row, f"{o.case.path} missing from the docs table: regenerate"
        assert row.groups() == (o.case.expected, o.ours, o.how), f"{o.case.path}: regenerate"
