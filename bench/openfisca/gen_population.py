#!/usr/bin/env python3
"""Deterministic population for the issue-3 benchmark (jiuye-rules vs OpenFisca).

Writes two CSV files that both engines read:

  persons.csv      one row per person (and its one hire, if any): the facts that
                   `hire_unemployed` and `unemployment_supplement` read, plus one optional
                   earlier grant (exclusivity) and `enterprise_id` (the employer; OpenFisca
                   needs every person in a group entity, jiuye ignores it).
  enterprises.csv  one row per enterprise: the facts `stable_post_refund` reads, plus one
                   optional earlier grant.

Format: comma-separated, a header of jiuye fact names, no quoting; an empty cell is a missing
fact; booleans `true`/`false`; dates ISO; money and decimals with two decimals.

Values are spread around every boundary the programs test (as of 2020-06-30 by default):
exactly 5/6/7 full months registered before the hire (month ends clamped), contracts of 11/12/13
months, hire dates on the window edges 2019-12-31/2020-01-01/2020-12-31/2021-01-01, benefit end
dates the day before/of/after as_of, insured staff 29..32, layoff rates of exactly 5.5% (and one
fen of staff either side), layoffs of exactly 20% of all staff, zero average insured staff, grants
dated on and after as_of and in the previous year.

Deterministic: numpy PCG64 seeded with --seed; the same numpy gives the same files (the run
records their sha256).

Usage: gen_population.py --persons 1000000 --enterprises 50000 --out DIR [--seed 2020]
"""

import argparse
import os
import sys

import numpy as np

AS_OF = np.datetime64("2020-06-30")


def month_parts(d):
    """datetime64[D] -> (year, month 1..12, day 1..31) int64 arrays."""
    m = d.astype("datetime64[M]")
    y = m.astype("datetime64[Y]").astype(np.int64) + 1970
    mo = (m.astype(np.int64) % 12) + 1
    day = (d - m.astype("datetime64[D]")).astype(np.int64) + 1
    return y, mo, day


def add_months(d, n):
    """d + n months, the day clamped to the month end (same rule as jiuye_rules::dates)."""
    y, mo, day = month_parts(d)
    idx = y * 12 + (mo - 1) + n
    first = (idx - 1970 * 12).astype("datetime64[M]")
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
    return first.astype("datetime64[D]") + (np.minimum(day, length) - 1)


def uniform_dates(rng, n, lo, hi):
    lo, hi = np.datetime64(lo), np.datetime64(hi)
    return lo + rng.integers(0, (hi - lo).astype(np.int64) + 1, n)


def fmt_dates(d, present):
    s = np.datetime_as_string(d, unit="D").astype(object)
    s[~present] = ""
    return s


def fmt_bool(b, present):
    s = np.where(b, "true", "false").astype(object)
    s[~present] = ""
    return s


def fmt_int(i, present):
    s = i.astype(str).astype(object)
    s[~present] = ""
    return s


def fmt_cents(cents):
    """Integer fen -> 'yuan.ff' strings (exact)."""
    cents = cents.astype(np.int64)
    if cents.size == 0:
        return np.array([], dtype=object)
    return np.char.add(np.char.add((cents // 100).astype(str), "."), np.char.zfill((cents % 100).astype(str), 2)).astype(object)


def write_csv(path, columns):
    names = list(columns)
    n = len(columns[names[0]]) if names else 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(",".join(names) + "\n")
        chunk = 100_000
        for start in range(0, n, chunk):
            parts = [np.asarray(columns[c][start:start + chunk], dtype=object).astype(str) for c in names]
            rows = parts[0]
            for p in parts[1:]:
                rows = np.char.add(np.char.add(rows, ","), p)
            f.write("\n".join(rows.tolist()))
            f.write("\n")


def persons(rng, n, n_enterprises):
    ids = np.arange(1, n + 1)
    has_hire = rng.random(n) < 0.70

    # hire.date: 15% on window edges and month ends, the rest uniform over 2019-07..2021-06.
    edges = np.array(["2019-12-31", "2020-01-01", "2020-12-31", "2021-01-01", "2020-02-29", "2020-06-30",
                      "2020-07-01", "2020-08-31", "2020-03-31", "2020-05-31"], dtype="datetime64[D]")
    hire = uniform_dates(rng, n, "2019-07-01", "2021-06-30")
    on_edge = rng.random(n) < 0.15
    hire[on_edge] = edges[rng.integers(0, len(edges), on_edge.sum())]

    # person.registered_unemployed_since: 15% not registered; 60% exactly 5/6/7 months before the
    # hire (or as_of when there is no hire) give or take a day; the rest anywhere in 2017..2021.
    base = np.where(has_hire, hire, AS_OF)
    k = rng.choice(np.array([5, 6, 6, 6, 7]), n)
    delta = rng.choice(np.array([-1, 0, 0, 0, 1]), n)
    since = add_months(base, -k) + delta
    far = rng.random(n) < 0.25
    since[far] = uniform_dates(rng, far.sum(), "2017-01-01", "2021-06-30")
    since_present = rng.random(n) >= 0.15

    contract = rng.choice(np.array([0, 3, 6, 11, 11, 12, 12, 12, 13, 24, 36]), n)
    contract_present = has_hire & (rng.random(n) >= 0.03)
    si = rng.random(n) < 0.87
    si_present = has_hire & (rng.random(n) >= 0.03)

    employed = rng.random(n) < 0.5
    insured_unemployed = rng.random(n) < 0.3
    entitled = rng.random(n) < 0.5
    ended = uniform_dates(rng, n, "2018-01-01", "2021-12-31")
    ended_edge = rng.random(n) < 0.2
    ended_edges = np.array(["2020-06-29", "2020-06-30", "2020-07-01", "2019-12-31", "2020-01-01"], dtype="datetime64[D]")
    ended[ended_edge] = ended_edges[rng.integers(0, len(ended_edges), ended_edge.sum())]
    ended_present = rng.random(n) >= 0.55  # never received the benefit: left empty

    grant_present = rng.random(n) < 0.04
    grant_programs = np.array(["hire_unemployed", "hire_graduate", "unemployment_supplement", "benefit_to_retirement",
                               "startup_returnee"], dtype=object)
    grant_program = grant_programs[rng.integers(0, len(grant_programs), n)]
    grant_date = uniform_dates(rng, n, "2019-01-01", "2021-06-30")
    g_edge = rng.random(n) < 0.3
    grant_date[g_edge] = np.where(rng.random(g_edge.sum()) < 0.5, AS_OF, AS_OF + 1)
    grant_program = grant_program.copy()
    grant_program[~grant_present] = ""

    employer = rng.integers(1, max(n_enterprises, 1) + 1, n)

    return {
        "id": ids.astype(str),
        "enterprise_id": employer.astype(str),
        "person.registered_unemployed_since": fmt_dates(since, since_present),
        "hire.date": fmt_dates(hire, has_hire),
        "hire.contract_months": fmt_int(contract, contract_present),
        "hire.social_insurance_paid": fmt_bool(si, si_present),
        "person.employed": fmt_bool(employed, np.ones(n, bool)),
        "person.insured_unemployed": fmt_bool(insured_unemployed, np.ones(n, bool)),
        "person.entitled_to_unemployment_benefit": fmt_bool(entitled, np.ones(n, bool)),
        "person.unemployment_benefit_ended_on": fmt_dates(ended, ended_present),
        "prior_grant.program": grant_program,
        "prior_grant.date": fmt_dates(grant_date, grant_present),
    }


def enterprises(rng, n):
    ids = np.arange(1, n + 1)
    size = rng.choice(np.array(["large", "medium", "small", "micro"], dtype=object), n, p=[0.08, 0.21, 0.35, 0.36])
    size_present = rng.random(n) >= 0.01
    size = size.copy()
    size[~size_present] = ""
    insured = rng.random(n) < 0.87
    insured_present = rng.random(n) >= 0.02

    insured_staff = np.maximum(1, np.exp(rng.normal(3.5, 1.3, n)).astype(np.int64))
    near30 = rng.random(n) < 0.40
    insured_staff[near30] = rng.choice(np.array([29, 30, 31, 32]), near30.sum())
    staff_total = insured_staff + rng.integers(0, insured_staff // 2 + 4)

    # average insured staff in fen-of-a-person (two decimals), layoffs in the period.
    avg_c = np.maximum(0, insured_staff * 100 + rng.integers(-300, 301, n))
    layoffs = (rng.random(n) * 0.12 * avg_c / 100).astype(np.int64)

    kind = rng.random(n)
    # exactly 5.5%: 11m of 200m; one hundredth of a person either side.
    exact = kind < 0.20
    m = rng.integers(1, 6, n)
    layoffs[exact] = 11 * m[exact]
    avg_c[exact] = 20000 * m[exact] + rng.choice(np.array([-1, 0, 0, 1]), exact.sum())
    # exactly 20% of all staff for small firms (rate far above 5.5%, so only that branch decides).
    twenty = (kind >= 0.20) & (kind < 0.38)
    q = rng.integers(1, 8, n)
    insured_staff[twenty] = rng.choice(np.array([29, 30, 30, 31]), twenty.sum())
    staff_total[twenty] = 5 * q[twenty] + rng.choice(np.array([0, 0, 5, 10]), twenty.sum()) + 25
    layoffs[twenty] = staff_total[twenty] // 5 + rng.choice(np.array([-1, 0, 0, 1]), twenty.sum())
    avg_c[twenty] = staff_total[twenty] * 100
    # no insured staff on average: 0 of 0 is a rate of 0, layoffs of 0 are undefined.
    zero = (kind >= 0.38) & (kind < 0.42)
    avg_c[zero] = 0
    layoffs[zero] = rng.choice(np.array([0, 0, 1, 2]), zero.sum())

    contrib = np.minimum(np.exp(rng.normal(9.5, 1.6, n)) * 100, 999_999_999).astype(np.int64)
    contrib[rng.random(n) < 0.01] = 0

    grant_present = rng.random(n) < 0.05
    grant_programs = np.array(["stable_post_refund", "stable_post_refund_hardship", "hire_graduate"], dtype=object)
    grant_program = grant_programs[rng.integers(0, len(grant_programs), n)].copy()
    grant_program[~grant_present] = ""
    grant_date = uniform_dates(rng, n, "2019-01-01", "2021-06-30")
    g_edge = rng.random(n) < 0.4
    g_edges = np.array(["2019-12-31", "2020-01-01", "2020-06-30", "2020-07-01"], dtype="datetime64[D]")
    grant_date[g_edge] = g_edges[rng.integers(0, len(g_edges), g_edge.sum())]

    all_ = np.ones(n, bool)
    return {
        "id": ids.astype(str),
        "enterprise.size_class": size,
        "enterprise.unemployment_insured": fmt_bool(insured, insured_present),
        "enterprise.insured_staff": fmt_int(insured_staff, all_),
        "enterprise.average_insured_staff": fmt_cents(avg_c),
        "enterprise.staff_total": fmt_int(staff_total, all_),
        "enterprise.layoffs_in_period": fmt_int(layoffs, all_),
        "enterprise.ui_contributions_last_year_yuan": fmt_cents(contrib),
        "prior_grant.program": grant_program,
        "prior_grant.date": fmt_dates(grant_date, grant_present),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--enterprises", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.Generator(np.random.PCG64(a.seed))
    write_csv(os.path.join(a.out, "persons.csv"), persons(rng, a.persons, a.enterprises))
    write_csv(os.path.join(a.out, "enterprises.csv"), enterprises(rng, a.enterprises))
    print(f"wrote {a.persons} persons and {a.enterprises} enterprises to {a.out} (seed {a.seed}, numpy {np.__version__})",
          file=sys.stderr)


if __name__ == "__main__":
    main()
