"""Build one client's static world: the practice, its staff and locations, and new patients."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from pipelines.synth import catalog
from pipelines.synth.catalog import PAYERS, PracticeTemplate
from pipelines.synth.events import Coverage, Location, Patient, Person, Practice, Provider

OT_TAXONOMY = "225X00000X"
OTA_TAXONOMY = "224Z00000X"
REFERRER_TAXONOMY = {  # NUCC taxonomy of the physicians who refer to each kind of practice
    "hand": ("207X00000X", "207XS0106X", "207Q00000X"),  # orthopaedics, hand surgery, family
    "pediatric": ("208000000X", "2080P0008X", "207Q00000X"),  # pediatrics, developmental
    "neuro": ("2084N0400X", "208M00000X", "207R00000X"),  # neurology, hospitalist, internal
}
MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"
MBI_ALNUM = MBI_LETTERS + "0123456789"


def npi(rng: random.Random) -> str:
    """A 10-digit NPI-shaped number with a valid Luhn check digit (prefix 80840)."""
    body = str(rng.randint(1, 2)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
    total = 24
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return body + str((10 - total % 10) % 10)


def _mbi(rng: random.Random) -> str:
    c = rng.choice
    return (str(rng.randint(1, 9)) + c(MBI_LETTERS) + c(MBI_ALNUM) + str(rng.randint(0, 9))
            + c(MBI_LETTERS) + c(MBI_ALNUM) + str(rng.randint(0, 9)) + c(MBI_LETTERS)
            + c(MBI_LETTERS) + str(rng.randint(0, 9)) + str(rng.randint(0, 9)))


def member_id(rng: random.Random, style: str) -> str:
    if style == "mbi":
        return _mbi(rng)
    if style == "medicaid":
        return "M" + "".join(str(rng.randint(0, 9)) for _ in range(10))
    if style == "claimno":
        return "WC" + str(rng.randint(20, 26)) + "".join(str(rng.randint(0, 9)) for _ in range(6))
    return ("".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
            + "".join(str(rng.randint(0, 9)) for _ in range(9)))


def build_practice(template: PracticeTemplate, ordinal: int, rng: random.Random,
                   window_start: date, window_end: date) -> Practice:
    """A practice from its template; ``ordinal`` > 0 makes distinct copies for large runs."""
    suffix = "" if ordinal == 0 else f"-{ordinal + 1}"
    client_id = template.slug + suffix
    therapists = []
    for _ in range(template.therapists):
        therapists.append(Provider(npi(rng), rng.choice(catalog.THERAPIST_LAST),
                                   rng.choice(catalog.THERAPIST_FIRST), "OT", OT_TAXONOMY))
    assistants = []
    for i in range(template.assistants):
        assistants.append(Provider(npi(rng), rng.choice(catalog.LAST_NAMES),
                                   rng.choice(catalog.THERAPIST_FIRST), "OTA", OTA_TAXONOMY,
                                   supervisor_npi=therapists[i % len(therapists)].npi))
    locations = []
    for i, name in enumerate(template.locations):
        street = (template.street if i == 0
                  else f"{rng.randint(10, 990)} {rng.choice(catalog.STREETS)} ST")
        locations.append(Location(f"L{i + 1}", name, npi(rng), street, template.city,
                                  template.state, template.zip_code))
    referrers = [Provider(npi(rng), rng.choice(catalog.LAST_NAMES),
                          rng.choice(catalog.FIRST_NAMES), "MD", taxonomy)
                 for taxonomy in REFERRER_TAXONOMY[template.specialty]]
    prefix = "".join(part[0] for part in template.slug.split("-")[:2]).upper()
    return Practice(
        client_id=client_id, template=template,
        name=template.name if ordinal == 0 else f"{template.name} {ordinal + 1}",
        npi=npi(rng), tin=str(rng.randint(10, 99)) + str(rng.randint(1000000, 9999999)),
        street=template.street, city=template.city, state=template.state,
        zip_code=template.zip_code, providers=therapists + assistants, locations=locations,
        claim_prefix=f"{prefix}{ordinal % 100:02d}", window_start=window_start,
        window_end=window_end, submitter_id=f"SUB{rng.randint(100000, 999999)}",
        modifier_59=("59", "XU")[ordinal % 2 if template.slug != "summit-neuro-ot" else 1],
        referrers=referrers,
    )


def _person(rng: random.Random, practice: Practice, age_range: tuple[int, int],
            today: date, last_name: str | None = None) -> Person:
    age_days = rng.randint(age_range[0] * 365, age_range[1] * 365)
    return Person(
        last_name=last_name or rng.choice(catalog.LAST_NAMES),
        first_name=rng.choice(catalog.FIRST_NAMES),
        birth_date=today - timedelta(days=age_days),
        sex=rng.choice("FM"),
        street=f"{rng.randint(1, 9999)} {rng.choice(catalog.STREETS)} "
               f"{rng.choice(catalog.STREET_KINDS)}",
        city=practice.city, state=practice.state, zip_code=practice.zip_code,
    )


def _weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    pick = rng.random() * total
    for value, weight in pairs:
        pick -= weight
        if pick < 0:
            return value
    return pairs[-1][0]


def _coverage(rng: random.Random, payer_key: str, subscriber: Person, relationship: str,
              crossover: bool = False) -> Coverage:
    payer = PAYERS[payer_key]
    plan = _weighted(rng, [(p, p.weight) for p in payer.plans])
    group = "" if payer.kind in ("medicare", "medicaid") else f"G{rng.randint(10000, 99999)}"
    return Coverage(payer, member_id(rng, payer.member_id_style), group, plan, subscriber,
                    relationship, crossover)


def new_patient(rng: random.Random, practice: Practice, patient_id: str, today: date) -> Patient:
    """A new patient with coverage drawn from the practice's payer mix."""
    template = practice.template
    payer_key = _weighted(rng, list(template.payer_mix))
    kind = PAYERS[payer_key].kind if payer_key in PAYERS else "self_pay"
    if template.pediatric:
        ages = (2, 14)
    elif kind in ("medicare", "medicare_advantage"):
        ages = (65, 92)
    elif kind == "workers_comp":
        ages = (22, 63)
    else:
        ages = (19, 64)
    person = _person(rng, practice, ages, today)
    primary = secondary = None
    if payer_key in PAYERS:
        dependent = template.pediatric and kind == "commercial"
        subscriber = (_person(rng, practice, (28, 50), today, person.last_name) if dependent
                      else person)
        primary = _coverage(rng, payer_key, subscriber, "19" if dependent else "18")
        options = catalog.SECONDARY_BY_PRIMARY.get("medicare" if kind == "medicare" else kind)
        if options and rng.random() < float(template.secondary_rate):
            choices = [(o, o[2]) for o in options if o[0] != payer_key]
            sec_key, crossover, _ = _weighted(rng, choices)
            secondary = _coverage(rng, sec_key, subscriber, primary.relationship, crossover)
    n_dx = rng.choice((1, 2, 2, 3))
    diagnoses = rng.sample(list(template.diagnoses), n_dx)
    return Patient(patient_id, person, primary, secondary, diagnoses,
                   referrer=rng.choice(practice.referrers))


def prior_year_therapy(rng: random.Random, start: date) -> dict[int, Decimal]:
    """OT allowed already used this year by a patient in care before the window opens."""
    into_year = (start - date(start.year, 1, 1)).days / 365
    return {start.year: Decimal(rng.randint(0, int(2600 * into_year)))}
