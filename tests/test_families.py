"""Constraint families: one registry, one independent check each, one table in MODEL.md; a new
family is picked up by the frontier, prices, explanations and binding report without edits."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from mcdm.examples import element, member, tiny_instance
from mcdm.milp import REGISTRY, ConstraintFamily, PriceOption, Relax, families
from mcdm.milp.family import Family
from mcdm.model import Archetype, Measure
from mcdm.packages import generate_packages
from tests.checker import CHECKS, check_allocation
from tests.conftest import DATA


def test_every_family_is_registered_once_and_checked_independently():
    registered = [f.family for f in REGISTRY]
    assert sorted(registered) == sorted(ConstraintFamily)
    assert set(CHECKS) == set(ConstraintFamily)


def test_model_md_lists_the_registry_in_order():
    text = (DATA / "MODEL.md").read_text(encoding="utf-8")
    table = text[text.index("### Constraints") : text.index("**Burden-sharing band, exactly.**")]
    listed = re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.M)
    assert listed == [f.family.value for f in REGISTRY]


class _AtMostTwoInf(Family):
    """A family as a user of the code would add one: at most two infantry units in all, with a
    label, a price option and a requirement (so that it can be explained)."""

    family = "at_most_two_inf"  # type: ignore[assignment]
    label = "the two-infantry rule"
    section = 11

    def add(self, ctx):
        if ctx.relax.covers(self.family):
            return
        inf = [p for p in ctx.pairs if p[1] == "inf"]
        ctx.row(self, "at most two infantry units", ctx.lin(inf, lambda e: 1.0) <= 2, "two_inf")
        ctx.need(
            self,
            "one_obs",
            "Test package needs an observer",
            ctx.lin([p for p in ctx.pairs if p[1] == "obs"], lambda e: 1.0),
            1,
            "units",
        )

    def price_options(self, instance, archetype_id):
        return [PriceOption("two_inf", self.label, Relax.of(self.family))]


def test_a_new_family_is_priced_reported_and_explained_without_other_edits(monkeypatch):
    monkeypatch.setattr(families, "REGISTRY", (*REGISTRY, _AtMostTwoInf()))
    inst = tiny_instance(budget_eur_bn=1.0)
    pset = generate_packages(inst, prices=True)
    top = max(pset.packages, key=lambda p: p.objective)
    assert sum(a.units for a in top.allocation if a.element_id == "inf") == 2
    assert "at most two infantry units" in top.binding
    (price,) = [c for c in pset.prices if c.family == "two_inf"]
    assert price.label == "the two-infantry rule" and price.gain_pct > 0
    # an archetype that cannot meet the new requirement is explained in its words
    none = tiny_instance(
        [member("A")],
        [element("inf")],
        {("A", "inf"): 3},
        Archetype("test", "Test package", "", Measure.DETERRENCE, min_nations=0),
        budget_eur_bn=1.0,
    )
    (o,) = generate_packages(none, prices=False).outcomes
    assert not o.status.has_solution
    assert [s.message for s in o.shortfalls] == [
        "Test package needs an observer; at best 0 within the members' caps"
    ]


def _broken(which: ConstraintFamily):
    """An instance and a mix that break the given family (and that family's check says so)."""
    from mcdm.model import (
        BurdenSharing,
        Category,
        GroupRule,
        LeadNations,
        Location,
        Restriction,
        RestrictionKind,
        USBackstop,
        Zone,
    )
    from mcdm.resilience import ResilienceSettings
    from mcdm.results import Allocation

    a = Archetype("test", "Test", "", Measure.DETERRENCE, min_nations=0)
    inf = [Allocation("A", "inf", 1)]
    cases = {
        ConstraintFamily.SCOPE: (
            {"archetype": replace(a, allowed_categories=(Category.ISR,))},
            inf,
        ),
        ConstraintFamily.US_BACKSTOP: (
            {"members": [member("USA")], "us_backstop": USBackstop.NONE},
            [Allocation("USA", "inf", 1)],
        ),
        ConstraintFamily.REFUSALS: ({"members": [member("A", ground=False)]}, inf),
        ConstraintFamily.RESTRICTIONS: (
            {
                "stated_restrictions": [
                    Restriction("A-FAR", "A", (Zone.LINE_OF_CONTACT,), (), RestrictionKind.FIRM)
                ]
            },
            inf,
        ),
        ConstraintFamily.STRAITS: (
            {
                "elements": [
                    element(
                        "mcm",
                        Category.NAVAL,
                        location=Location.OUTSIDE_UKRAINE,
                        zone=Zone.BLACK_SEA,
                    )
                ]
            },
            [Allocation("A", "mcm", 1)],
        ),
        ConstraintFamily.AVAILABILITY: ({}, [Allocation("A", "inf", 4)]),
        ConstraintFamily.BUDGET: ({"budget_eur_bn": 0.005}, inf),
        ConstraintFamily.MONEY_CAPS: ({"members": [member("A", money=5.0)]}, inf),
        ConstraintFamily.TROOP_POOLS: ({"members": [member("A", pool=200)]}, inf),
        ConstraintFamily.TROOP_WINDOW: ({"archetype": replace(a, troops_min=500)}, inf),
        ConstraintFamily.CAPABILITIES: (
            {"archetype": replace(a, required={Category.OBSERVER: 1})},
            inf,
        ),
        ConstraintFamily.COVERAGE: ({"archetype": replace(a, min_coverage=0.5)}, inf),
        ConstraintFamily.NATIONS: ({"archetype": replace(a, min_nations=2)}, inf),
        ConstraintFamily.ENABLERS: ({"archetype": replace(a, enablers={"medical": 1.0})}, inf),
        ConstraintFamily.AIR_SUPPORT: (
            {
                "elements": [
                    element(
                        "jet", Category.AIR, location=Location.OUTSIDE_UKRAINE, patrol_hours=750
                    ),
                    element("tanker", Category.TANKER, location=Location.OUTSIDE_UKRAINE),
                ],
                "parameters": {"tanker_patrol_hours": 1000.0},
            },
            [Allocation("A", "jet", 2), Allocation("A", "tanker", 1)],
        ),
        ConstraintFamily.BURDEN_SHARING: (
            {"burden_sharing": BurdenSharing(band=0.1, exclude=())},
            [Allocation("A", "inf", 3), Allocation("B", "obs", 1)],
        ),
        ConstraintFamily.LEAD_NATIONS: (
            {"lead_nations": LeadNations(members=("B",), min_troop_share=0.5)},
            inf,
        ),
        ConstraintFamily.RULES: (
            {"rules": (GroupRule(name="no inf", sense="<=", value=0, elements=("inf",)),)},
            inf,
        ),
        ConstraintFamily.RESILIENCE: (
            {
                "archetype": replace(a, required={Category.GROUND_COMBAT: 1}),
                "resilience": ResilienceSettings(withdrawals=1),
            },
            inf,  # A's one unit is gone with A
        ),
    }
    changes, mix = cases[which]
    members = changes.pop("members", None)
    archetype = changes.pop("archetype", a)
    params = changes.pop("parameters", None)
    inst = tiny_instance(members, archetype=archetype, **{"budget_eur_bn": 1.0, **changes})
    if params:
        from mcdm.instance import instantiate

        data = replace(inst.data, parameters=replace(inst.data.parameters, **params))
        inst = instantiate(inst.scenario, data)
    return inst, mix


@pytest.mark.parametrize("which", list(ConstraintFamily))
def test_each_check_finds_what_its_family_forbids(which):
    """A check that cannot fail is none: each family's check rejects a mix that breaks it, and
    the same mix passes every other family's check where that family is not involved."""
    from tests.checker import _mix

    inst, mix = _broken(which)
    summed, bad = _mix(inst, "test", mix, None)
    assert not bad
    assert CHECKS[which](summed), which
    assert check_allocation(inst, "test", mix)
