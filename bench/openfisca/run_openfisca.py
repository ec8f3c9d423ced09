#!/usr/bin/env python3
"""OpenFisca side of the issue-3 benchmark: load persons.csv and enterprises.csv, build one
simulation, compute the three programs for the DAY period `as_of`, write the eligible ids and
amounts (`<out>/<program>.csv`: `id,amount_yuan`, sorted by id) and print timings as JSON.

Usage: run_openfisca.py --data DIR --out DIR [--as-of 2020-06-30]

Timings: `startup` = process start -> OpenFisca imported and the tax-benefit system built;
`load` = CSV files -> numpy arrays; `build` = simulation built and inputs set; per program
`compute` = simulation.calculate of `<program>_eligible` and `<program>_amount_fen` (every
intermediate variable computed from scratch: each program's intermediates are its own);
`write`; `end_to_end` = process start -> outputs written.
"""

import time

T0 = time.perf_counter()
C0 = time.process_time()  # CPU time too: on a shared machine wall clock includes waiting for a core

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openfisca_core.simulations import SimulationBuilder  # noqa: E402

import jiuye_of  # noqa: E402
from jiuye_of import GrantProgram, SizeClass  # noqa: E402


def dates(series, missing):
    d = pd.to_datetime(series, format="%Y-%m-%d").to_numpy(dtype="datetime64[D]")
    return np.where(np.isnat(d), missing, d)


def bools(series):
    # pandas parses a column of true/false as bool; with empty cells it keeps objects.
    if series.dtype == bool:
        return series.to_numpy()
    values = series.to_numpy(dtype=object)
    return (values == True) | (values == "true")  # noqa: E712


def ints(series, missing=0):
    return series.fillna(missing).to_numpy(dtype=np.int64)


def hundredths(series):
    # Two-decimal numbers -> exact integer hundredths (float64 holds them exactly enough to round).
    return np.rint(series.to_numpy(dtype=np.float64) * 100).astype(np.int64)


def enum_index(series, enum, missing):
    codes = series.fillna("").to_numpy(dtype=object)
    out = np.full(len(codes), missing.index, dtype=np.int16)
    for item in enum:
        out[codes == item.name] = item.index
    unknown = (codes != "") & ~np.isin(codes, [i.name for i in enum])
    if enum is GrantProgram:
        out[unknown] = GrantProgram.other.index
    elif unknown.any():
        raise ValueError(f"unknown {enum.__name__} codes: {set(codes[unknown])}")
    return out


def load(data):
    # pandas' C parser infers numbers and booleans; dates and codes stay text.
    text = {"prior_grant.program": str, "prior_grant.date": str, "enterprise.size_class": str}
    p = pd.read_csv(os.path.join(data, "persons.csv"), dtype=text, keep_default_na=False, na_values=[""])
    e = pd.read_csv(os.path.join(data, "enterprises.csv"), dtype=text, keep_default_na=False, na_values=[""])
    persons = {
        "id": ints(p["id"]),
        "enterprise_id": ints(p["enterprise_id"]),
        "registered_unemployed_since": dates(p["person.registered_unemployed_since"], jiuye_of.NEVER64),
        "hire_date": dates(p["hire.date"], jiuye_of.NO_HIRE64),
        "hire_contract_months": ints(p["hire.contract_months"]),
        "hire_social_insurance_paid": bools(p["hire.social_insurance_paid"]),
        "employed": bools(p["person.employed"]),
        "insured_unemployed": bools(p["person.insured_unemployed"]),
        "entitled_to_unemployment_benefit": bools(p["person.entitled_to_unemployment_benefit"]),
        "unemployment_benefit_ended_on": dates(p["person.unemployment_benefit_ended_on"], jiuye_of.NEVER64),
        "person_prior_grant_program": enum_index(p["prior_grant.program"], GrantProgram, GrantProgram.none),
        "person_prior_grant_date": dates(p["prior_grant.date"], jiuye_of.NEVER64),
    }
    enterprises = {
        "id": ints(e["id"]),
        "size_class": enum_index(e["enterprise.size_class"], SizeClass, SizeClass.unknown),
        "unemployment_insured": bools(e["enterprise.unemployment_insured"]),
        "insured_staff": ints(e["enterprise.insured_staff"]),
        "average_insured_staff_hundredths": hundredths(e["enterprise.average_insured_staff"]),
        "staff_total": ints(e["enterprise.staff_total"]),
        "layoffs_in_period": ints(e["enterprise.layoffs_in_period"]),
        "ui_contributions_last_year_fen": hundredths(e["enterprise.ui_contributions_last_year_yuan"]),
        "enterprise_prior_grant_program": enum_index(e["prior_grant.program"], GrantProgram, GrantProgram.none),
        "enterprise_prior_grant_date": dates(e["prior_grant.date"], jiuye_of.NEVER64),
    }
    return persons, enterprises


def build(tbs, persons, enterprises):
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("person", persons["id"])
    group = builder.declare_entity("enterprise", enterprises["id"])
    # Membership (what join_with_persons does, also when an enterprise has no member).
    order = np.argsort(enterprises["id"])
    group.members_entity_id = order[np.searchsorted(enterprises["id"], persons["enterprise_id"], sorter=order)]
    group.members_role = np.repeat(group.entity.flattened_roles[0], len(persons["id"]))
    sim = builder.build(tbs)
    for table in (persons, enterprises):
        for name, values in table.items():
            if name in ("id", "enterprise_id"):
                continue
            sim.set_input(name, "ETERNITY", values)
    return sim


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--as-of", default="2020-06-30")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    tbs = jiuye_of.JiuyeTaxBenefitSystem()
    t_start = time.perf_counter()
    persons, enterprises = load(a.data)
    t_load = time.perf_counter()
    sim = build(tbs, persons, enterprises)
    t_build = time.perf_counter()

    report = {"engine": "openfisca", "openfisca_core": _version(), "numpy": np.__version__, "as_of": a.as_of,
              "persons": int(len(persons["id"])), "enterprises": int(len(enterprises["id"])),
              "startup_s": t_start - T0, "load_s": t_load - t_start, "build_s": t_build - t_load, "programs": {}}
    results = {}
    for program, (entity, eligible_var, amount_var) in jiuye_of.PROGRAMS.items():
        t, c = time.perf_counter(), time.thread_time()
        eligible = sim.calculate(eligible_var, a.as_of)
        amount = sim.calculate(amount_var, a.as_of)
        dt, dc = time.perf_counter() - t, time.thread_time() - c
        ids = (persons if entity == "person" else enterprises)["id"]
        results[program] = (ids, eligible, amount)
        total_fen = int(amount[eligible].astype(np.int64).sum())
        report["programs"][program] = {"eligible": int(eligible.sum()), "total_yuan": f"{total_fen // 100}.{total_fen % 100:02d}",
                                       "compute_s": dt, "compute_cpu_s": dc}
    t_compute = time.perf_counter()
    for program, (ids, eligible, amount) in results.items():
        write_output(os.path.join(a.out, f"{program}.csv"), ids[eligible], amount[eligible])
    t_end = time.perf_counter()
    report["compute_s"] = t_compute - t_build
    report["write_s"] = t_end - t_compute
    report["end_to_end_s"] = t_end - T0
    report["compute_cpu_s"] = sum(p["compute_cpu_s"] for p in report["programs"].values())
    report["end_to_end_cpu_s"] = time.process_time() - C0
    print(json.dumps(report, ensure_ascii=False))


def write_output(path, ids, fen):
    order = np.argsort(ids, kind="stable")
    ids, fen = ids[order].tolist(), fen[order].astype(np.int64).tolist()
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,amount_yuan\n")
        f.writelines(f"{i},{a // 100}.{a % 100:02d}\n" for i, a in zip(ids, fen))


def _version():
    try:
        from importlib.metadata import version

        return version("OpenFisca-Core")
    except Exception:  # noqa: BLE001
        return "?"


if __name__ == "__main__":
    main()
