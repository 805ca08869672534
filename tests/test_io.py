"""Loading and validation: one test per kind of input error, with the message checked."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mcdm.errors import InputError
from mcdm.instance import instantiate
from mcdm.io.data import load_dataset
from mcdm.io.load import load_scenario
from mcdm.io.scenario import dump_scenario_toml, read_scenario, scenario_from_mapping
from tests.conftest import DATA, replace_in

GBR_ROW = "GBR,United Kingdom,committed,ground+air+naval (co-lead),3588,81.76,138100,24000,10000"


def problems_of(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def load_broken(folder: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_dataset(folder)
    return problems_of(exc)


def test_default_dataset_loads(dataset):
    assert len(dataset.members) >= 30
    assert len(dataset.elements) >= 14
    assert set(dataset.archetypes) == {
        "reassurance",
        "tripwire",
        "observer",
        "technical_monitoring",
        "air_shield",
        "hybrid",
        "training_mission",
        "black_sea",
        "steel_porcupine",
    }


def test_negative_quantity_names_file_row_column_value(data_copy):
    replace_in(data_copy / "members.csv", GBR_ROW, GBR_ROW.replace(",24000,", ",-24000,"))
    (msg,) = load_broken(data_copy)
    assert msg.endswith(
        "members.csv, row 2, column troop_pool: found '-24000'; expected a whole number >= 0"
    )


def test_non_numeric_quantity(data_copy):
    replace_in(data_copy / "members.csv", GBR_ROW, GBR_ROW.replace(",3588,", ",lots,"))
    (msg,) = load_broken(data_copy)
    assert "row 2, column gdp_usd_bn: found 'lots'; expected a number >= 0" in msg


def test_fractional_where_whole_number_expected(data_copy):
    replace_in(
        data_copy / "elements.csv",
        "armoured_bg,Armoured battlegroup (tanks and IFVs),ground_combat,in_ukraine,"
        "line_of_contact,1000,",
        "armoured_bg,Armoured battlegroup (tanks and IFVs),ground_combat,in_ukraine,"
        "line_of_contact,999.5,",
    )
    (msg,) = load_broken(data_copy)
    assert (
        "elements.csv, row 2, column troops_per_unit: found '999.5'; expected a whole number" in msg
    )


def test_empty_required_cell(data_copy):
    replace_in(data_copy / "members.csv", GBR_ROW, GBR_ROW.replace(",United Kingdom,", ",,"))
    (msg,) = load_broken(data_copy)
    assert msg.endswith("members.csv, row 2, column name: found nothing; expected some text")


def test_bad_boolean_and_bad_choice_in_one_report(data_copy):
    text = (data_copy / "members.csv").read_text()
    lines = text.splitlines()
    lines[2] = lines[2].replace(",committed,", ",keen,", 1)  # FRA, row 3
    lines[3] = lines[3].replace(",false,true,true,true,false,", ",nein,true,true,true,false,", 1)
    (data_copy / "members.csv").write_text("\n".join(lines) + "\n")
    msgs = load_broken(data_copy)
    assert len(msgs) == 2
    assert (
        "row 3, column position: found 'keen'; expected one of committed, in_principle" in msgs[0]
    )
    assert "row 4, column ground_in_ukraine: found 'nein'; expected true or false" in msgs[1]


def test_duplicate_member_id(data_copy):
    path = data_copy / "members.csv"
    lines = path.read_text().splitlines()
    lines.append(lines[1])
    path.write_text("\n".join(lines) + "\n")
    (msg,) = load_broken(data_copy)
    assert (
        f"row {len(lines)}, column member_id: found 'GBR'; expected a unique member_id "
        "(row 2 has the same)" in msg
    )


def test_duplicate_availability_pair(data_copy):
    path = data_copy / "availability.csv"
    lines = path.read_text().splitlines()
    lines.append(lines[1])
    path.write_text("\n".join(lines) + "\n")
    (msg,) = load_broken(data_copy)
    assert "availability.csv" in msg and "expected a unique member_id and element_id pair" in msg


def test_unknown_member_and_element_in_availability(data_copy):
    with (data_copy / "availability.csv").open("a") as f:
        f.write("XXX,mech_battalion,1,,A-AVAIL-SHARE,A\nGBR,death_star,1,,A-AVAIL-SHARE,A\n")
    msgs = load_broken(data_copy)
    assert len(msgs) == 2
    assert "column member_id: found 'XXX'; expected a member_id listed in members.csv" in msgs[0]
    assert (
        "column element_id: found 'death_star'; expected an element_id listed in "
        "elements.csv" in msgs[1]
    )


def test_missing_required_column(data_copy):
    replace_in(data_copy / "members.csv", "troop_pool", "troops")
    (msg,) = load_broken(data_copy)
    assert (
        "members.csv, row 1, column troop_pool: found nothing; expected a column named "
        "'troop_pool'" in msg
    )


def test_misspelt_optional_column_is_not_silently_ignored(data_copy):
    replace_in(data_copy / "members.csv", "max_troops_deployed", "max_troops_deploid")
    (msg,) = load_broken(data_copy)
    assert (
        "column max_troops_deploid: found 'max_troops_deploid'; expected a known column "
        "name (did you mean 'max_troops_deployed'?)" in msg
    )


def test_extra_columns_are_welcome(data_copy):
    path = data_copy / "elements.csv"
    lines = path.read_text().splitlines()
    path.write_text(
        "\n".join([lines[0] + ",my_comment"] + [line + ",x" for line in lines[1:]]) + "\n"
    )
    assert len(load_dataset(data_copy).elements) == len(lines) - 1


def test_missing_file(data_copy):
    (data_copy / "elements.csv").unlink()
    msgs = load_broken(data_copy)
    assert any(m.endswith("elements.csv: found nothing; expected the file to exist") for m in msgs)


def test_not_utf8(data_copy):
    (data_copy / "members.csv").write_bytes(b"member_id,name\n\xff\xfe,x\n")
    msgs = load_broken(data_copy)
    assert any("members.csv: found" in m and "expected UTF-8 text" in m for m in msgs)


def test_excel_byte_order_mark_is_accepted(data_copy):
    path = data_copy / "members.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert "GBR" in load_dataset(data_copy).members


def test_cost_range_must_bracket_the_cost(data_copy):
    replace_in(data_copy / "elements.csv", ",300,210,425,", ",300,310,425,")
    (msg,) = load_broken(data_copy)
    assert (
        "row 2, column cost_low_eur_m: found 310.0; expected a value <= cost_eur_m (300.0)" in msg
    )


def test_problems_of_several_files_reported_together(data_copy):
    replace_in(data_copy / "members.csv", GBR_ROW, GBR_ROW.replace(",24000,", ",x,"))
    replace_in(data_copy / "archetypes.toml", "troops_min = 10000", "troops_minimum = 10000")
    msgs = load_broken(data_copy)
    assert any("members.csv, row 2, column troop_pool" in m for m in msgs)
    assert any(
        "archetypes.toml, key reassurance.troops_minimum: found 'troops_minimum'; "
        "expected a known key (did you mean 'troops_min'?)" in m
        for m in msgs
    )


def test_toml_syntax_error(data_copy):
    replace_in(data_copy / "archetypes.toml", 'primary = "deterrence"', "primary = deterrence")
    (msg,) = load_broken(data_copy)
    assert "archetypes.toml: found" in msg and "expected valid TOML" in msg


def test_archetype_inconsistent_troop_range(data_copy):
    replace_in(data_copy / "archetypes.toml", "troops_max = 100000", "troops_max = 5000")
    (msg,) = load_broken(data_copy)
    assert "key reassurance.troops_max: found 5000; expected a number >= troops_min (10000)" in msg


# --- scenarios ---------------------------------------------------------------------------------


def write_scenario(folder: Path, body: str) -> Path:
    path = folder / "scenarios" / "test.toml"
    path.write_text(body, encoding="utf-8")
    return path


BASE = 'name = "t"\nbudget_eur_bn = 5\n'


def scenario_problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_scenario(path)
    return problems_of(exc)


def test_misspelt_scenario_key_is_an_error(data_copy):
    path = write_scenario(data_copy, BASE + "rotaton_factor = 3\n")
    (msg,) = scenario_problems(path)
    assert (
        "test.toml, key rotaton_factor: found 'rotaton_factor'; expected a known key "
        "(did you mean 'rotation_factor'?)" in msg
    )


def test_misspelt_nested_key_lists_valid_keys(data_copy):
    path = write_scenario(data_copy, BASE + "[frontier]\nlevls = 3\n")
    (msg,) = scenario_problems(path)
    assert "key frontier.levls" in msg and "valid keys: levels, alternatives, troop_levels" in msg


def test_scenario_names_unknown_member_and_archetype(data_copy):
    path = write_scenario(
        data_copy, BASE + 'members = ["GBR", "XYZ"]\narchetypes = ["tripwire", "moon_base"]\n'
    )
    msgs = scenario_problems(path)
    assert any(
        "key members[2]: found 'XYZ'; expected a member_id listed in members.csv" in m for m in msgs
    )
    assert any(
        "key archetypes[2]: found 'moon_base'; expected an archetype in archetypes.toml" in m
        for m in msgs
    )


def test_member_override_unknown_column_and_bad_value(data_copy):
    path = write_scenario(
        data_copy, BASE + "[member_overrides.DEU]\nground_in_ukraine = 'maybe'\ntroop_pol = 5\n"
    )
    msgs = scenario_problems(path)
    assert any(
        "key member_overrides.DEU.ground_in_ukraine: found 'maybe'; expected true or false" in m
        for m in msgs
    )
    assert any(
        "key member_overrides.DEU.troop_pol: found 'troop_pol'; expected a member column "
        "(did you mean 'troop_pool'?)" in m
        for m in msgs
    )


def test_archetype_override_checked_like_the_archetype(data_copy):
    path = write_scenario(data_copy, BASE + "[archetype_overrides.tripwire]\ntroops_min = 9000\n")
    (msg,) = scenario_problems(path)
    assert (
        "key archetype_overrides.tripwire.troops_max: found 5000; expected a number >= "
        "troops_min (9000)" in msg
    )


def test_weight_for_unknown_criterion(data_copy):
    path = write_scenario(data_copy, BASE + "[weights]\ndeterence = 1\n")
    (msg,) = scenario_problems(path)
    assert (
        "key weights.deterence: found 'deterence'; expected a criterion (did you mean "
        "'deterrence'?)" in msg
    )


def test_out_of_range_settings_all_reported(data_copy):
    path = write_scenario(
        data_copy,
        'name = "t"\nbudget_eur_bn = -2\nrotation_factor = 0.5\n[burden_sharing]\nband = 1.5\n',
    )
    msgs = scenario_problems(path)
    assert len(msgs) == 3
    assert "key budget_eur_bn: found -2.0; expected an annual budget > 0 (EUR bn)" in msgs[0]
    assert "key rotation_factor: found 0.5" in msgs[1]
    assert "key burden_sharing.band: found 1.5" in msgs[2]


def test_wrong_type(data_copy):
    path = write_scenario(data_copy, 'name = "t"\nbudget_eur_bn = "a lot"\n')
    (msg,) = scenario_problems(path)
    assert "key budget_eur_bn: found 'a lot'; expected a valid number" in msg


def test_rule_with_unknown_element(data_copy):
    path = write_scenario(
        data_copy,
        BASE + '[[rules]]\nname = "r"\nsense = ">="\nvalue = 1\n'
        'elements = ["mech_battalion", "hovertank"]\n',
    )
    (msg,) = scenario_problems(path)
    assert "key rules[1].elements[2]: found 'hovertank'" in msg


def test_every_bundled_scenario_loads(dataset):
    files = sorted((DATA / "scenarios").glob("*.toml"))
    assert len(files) >= 4
    for f in files:
        scenario, _ = load_scenario(f, dataset)
        instance = instantiate(scenario, dataset)
        assert instance.data.archetypes


def test_overrides_are_applied(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "germany_in.toml", dataset)
    instance = instantiate(scenario, dataset)
    assert dataset.members["DEU"].ground_in_ukraine is False
    assert instance.data.members["DEU"].ground_in_ukraine is True
    iiss, _ = load_scenario(DATA / "scenarios" / "iiss_medium.toml", dataset)
    assert instantiate(iiss, dataset).data.archetypes["reassurance"].troops_min == 25000


def test_scenario_round_trips_through_toml(tmp_path, dataset):
    scenario = read_scenario(DATA / "scenarios" / "paris_2026.toml")
    path = tmp_path / "copy.toml"
    path.write_text(dump_scenario_toml(scenario))
    again = read_scenario(path)
    assert dataclasses.replace(again, source_path="") == dataclasses.replace(
        scenario, source_path=""
    )


def test_scenario_from_mapping_rejects_reserved_key():
    with pytest.raises(InputError, match="key source_path"):
        scenario_from_mapping({"name": "x", "budget_eur_bn": 1, "source_path": "/etc"})


# --- one digest, one list of keys --------------------------------------------------------------


def test_one_digest_for_a_folder_its_upload_and_the_app(dataset, tmp_path):
    from mcdm.io.data import DATA_FILES, dataset_from_texts, folder_digest

    assert folder_digest(DATA) == dataset.digest
    texts = {name: (DATA / name).read_text(encoding="utf-8") for name in DATA_FILES}
    assert dataset_from_texts(texts, tmp_path).digest == dataset.digest
    assert dataset_from_texts({}, DATA).digest == dataset.digest
    changed = dict(texts, **{"members.csv": texts["members.csv"].replace("3588", "3589", 1)})
    assert dataset_from_texts(changed, tmp_path).digest != dataset.digest


def test_scenario_keys_come_from_the_model_dataclasses(dataset):
    from mcdm import model
    from mcdm.io.scenario import scenario_keys

    def names(cls):
        return tuple(f.name for f in dataclasses.fields(cls))

    assert scenario_keys() == tuple(n for n in names(model.Scenario) if n != "source_path")
    tables = {
        "frontier": model.FrontierSettings,
        "solver": model.SolverSettings,
        "burden_sharing": model.BurdenSharing,
        "lead_nations": model.LeadNations,
        "rules": model.GroupRule,
        "ranking": model.RankingSettings,
        "robustness": model.RobustnessSettings,
    }
    for key, cls in tables.items():
        assert scenario_keys((key,)) == names(cls), key
    observer = ("archetype_overrides", "observer")
    assert scenario_keys(observer, dataset) == tuple(
        n for n in names(model.Archetype) if n != "archetype_id"
    )
    assert scenario_keys((*observer, "enablers"), dataset) == ("logistics", "medical", "hq")
    assert scenario_keys((*observer, "required"), dataset) == tuple(c.value for c in model.Category)
    assert scenario_keys(("member_overrides",), dataset) == tuple(dataset.members)
    assert scenario_keys(("frontier", "levels")) == ()  # a single setting
    assert scenario_keys(("frontier", "levls")) is None  # nothing


def test_a_misspelt_key_gets_the_same_choices_in_a_file_and_in_a_sweep(tmp_path, dataset):
    from mcdm.batch import check_key

    path = tmp_path / "s.toml"
    path.write_text('name = "s"\nbudget_eur_bn = 5\n[robustness]\nsmaa_drws = 10\n')
    with pytest.raises(InputError) as exc:
        read_scenario(path)
    (in_file,) = exc.value.problems
    with pytest.raises(InputError) as exc:
        check_key("robustness.smaa_drws", dataset)
    (in_option,) = exc.value.problems
    choices = "smaa_draws, method, weight_band, cost_uncertainty"
    assert in_file.expected == f"a known key (did you mean 'smaa_draws'?); valid keys: {choices}"
    assert in_option.expected == f"a key of robustness: {choices}"


def test_a_misspelt_key_in_a_backstop_table_gets_a_hint(data_copy):
    """The keys of nested tables come from the dataclasses too: before, only the top level of
    parameters.toml had a "did you mean"."""
    before = "deterrence_multiplier = 1.15"
    replace_in(data_copy / "parameters.toml", before, before.replace("deterrence", "deterence"))
    missing, misspelt = load_broken(data_copy)
    assert missing.endswith(
        "key backstop.air_isr.deterrence_multiplier: found nothing; expected "
        "this key (it is required)"
    )
    assert misspelt.endswith(
        "parameters.toml, key backstop.air_isr.deterence_multiplier: found "
        "'deterence_multiplier'; expected a known key (did you mean 'deterrence_multiplier'?); "
        "valid keys: deterrence_multiplier, us_categories, us_locations, escalation_multiplier, "
        "deterrence_multiplier_low, deterrence_multiplier_high, legal_form, duration_years, "
        "covers, source, confidence"
    )
