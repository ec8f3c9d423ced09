#!/usr/bin/env bash
# Sensitivity of the equality check: apply one small change at a time to a copy of the OpenFisca
# encoding (an off-by-one at a boundary, a forgotten month-end clamp, float arithmetic where jiuye
# is exact), rerun OpenFisca on the same population and compare with jiuye's output.
# Each line should say DIFFERENT (the check sees it) except where noted.
#
#   sensitivity.sh DATA_DIR JIUYE_OUT_DIR PYTHON
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA="$1" JOUT="$2" PY="$3"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cp -r "$HERE/jiuye_of.py" "$HERE/run_openfisca.py" "$HERE/compare.py" "$HERE/parameters" "$TMP/"

variant() {
  local name="$1" from="$2" to="$3"
  cp "$HERE/jiuye_of.py" "$TMP/jiuye_of.py"
  python3 - "$TMP/jiuye_of.py" "$from" "$to" <<'PY'
import sys
path, a, b = sys.argv[1:]
s = open(path, encoding="utf-8").read()
assert s.count(a) == 1, f"pattern found {s.count(a)} times: {a}"
open(path, "w", encoding="utf-8").write(s.replace(a, b))
PY
  "$PY" -W ignore "$TMP/run_openfisca.py" --data "$DATA" --out "$TMP/out" >/dev/null
  echo "## $name"
  python3 "$TMP/compare.py" "$JOUT" "$TMP/out" | grep -v '^  ' | grep -v 'IDENTICAL$' || true
}

variant "registered: > instead of >= 6 months" \
  'hire_person_registered_unemployed_months", period) >= minimum' 'hire_person_registered_unemployed_months", period) > minimum'
variant "months: no month-end clamp (2019-08-31 -> 2020-02-29 counted as 5 months)" \
  'return n - (landed_day > td)' 'return n - (fd > td)'
variant "contract: > instead of >= 12 months" \
  'person("hire_contract_months", period) >= minimum' 'person("hire_contract_months", period) > minimum'
variant "window: parameters at as_of instead of at hire.date" \
  'return param_at_dates(person, "hire_unemployed.in_force", person("hire_date", period), False, bool)' \
  'return param_at_dates(person, "hire_unemployed.in_force", np.full(person.count, as_of(period)), False, bool)'
variant "layoff rate: < instead of <= 5.5%" \
  '<= int(target_ppm) * avg_h' '< int(target_ppm) * avg_h'
variant "small firms: layoffs < instead of <= 20% of staff" \
  'layoffs * 1_000_000 <= enterprise' 'layoffs * 1_000_000 < enterprise'
variant "small firms: insured staff < instead of <= 30" \
  '<= p.stable_post_refund.small_insured_threshold' '< p.stable_post_refund.small_insured_threshold'
variant "zero average insured staff with layoffs counted as within the target" \
  'layoffs == 0,  #' 'True,  #'
variant "enterprise grants of any year block (scope SameYear ignored)" \
  'blocks = (date <= day) & same_year &' 'blocks = (date <= day) &'
variant "person grants dated the day after as_of block" \
  'dated = person("person_prior_grant_date", period) <= as_of(period)' 'dated = person("person_prior_grant_date", period) <= as_of(period) + 1'
variant "benefit ended: < instead of <= as_of" \
  'expired = person("entitled_to_unemployment_benefit", period) & (person("unemployment_benefit_ended_on", period) <= as_of(period))' 'expired = person("entitled_to_unemployment_benefit", period) & (person("unemployment_benefit_ended_on", period) < as_of(period))'
variant "float32 money (OpenFisca value_type = float for yuan) in the refund amount" \
  'fen = enterprise("ui_contributions_last_year_fen", period).astype(np.int64)' \
  'fen = np.rint((enterprise("ui_contributions_last_year_fen", period) / 100).astype(np.float32).astype(np.float64) * 100).astype(np.int64)'
variant "float32 layoff rate (layoffs / average <= float32(target))" \
  'layoffs * 100 * 1_000_000 <= int(target_ppm) * avg_h' '(layoffs.astype(np.float32) / (avg_h / 100).astype(np.float32)) <= np.float32(target)'
