"""Compare recent scoring inputs with the training data and decide whether to retrain.

    python -m churn.drift --current logs/predictions.jsonl [--labels data/raw/recent_labels.csv]

Exit code 0 = fine, 2 = retrain (the weekly CI job then runs `dvc repro`).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.stats import ks_2samp

from churn import CATEGORICAL, FEATURES, NUMERIC

RETRAIN = 2


def psi_numeric(ref: pd.Series, cur: pd.Series, bins: int = 10) -> float:
    """Population stability index over reference-quantile bins."""
    edges = np.unique(np.quantile(ref.dropna(), np.linspace(0, 1, bins + 1)))
    edges[0], edges[-1] = -np.inf, np.inf
    ref_pct = np.histogram(ref, edges)[0] / len(ref)
    cur_pct = np.histogram(cur, edges)[0] / len(cur)
    return _psi(ref_pct, cur_pct)


def psi_categorical(ref: pd.Series, cur: pd.Series) -> float:
    cats = sorted(set(ref.unique()) | set(cur.unique()))
    ref_pct = ref.value_counts(normalize=True).reindex(cats, fill_value=0).to_numpy()
    cur_pct = cur.value_counts(normalize=True).reindex(cats, fill_value=0).to_numpy()
    return _psi(ref_pct, cur_pct)


def _psi(ref_pct: np.ndarray, cur_pct: np.ndarray, eps: float = 1e-4) -> float:
    ref_pct, cur_pct = np.clip(ref_pct, eps, None), np.clip(cur_pct, eps, None)
    return float(np.sum((cur_pct - ref_pct) * np.log(cur_pct / ref_pct)))


def drift_table(reference: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for col in NUMERIC:
        ks = ks_2samp(reference[col], current[col])
        rows.append({"feature": col, "psi": psi_numeric(reference[col], current[col]),
                     "ks_stat": ks.statistic, "ks_p": ks.pvalue})
    for col in CATEGORICAL:
        rows.append({"feature": col, "psi": psi_categorical(reference[col], current[col]),
                     "ks_stat": None, "ks_p": None})
    return pd.DataFrame(rows).sort_values("psi", ascending=False)


def decide(table: pd.DataFrame, cfg: dict, live_auc: float | None) -> list[str]:
    reasons = []
    drifted = table[table["psi"] > cfg["psi_alert"]]
    if len(drifted) / len(table) >= cfg["drifted_share_alert"]:
        reasons.append(f"{len(drifted)}/{len(table)} features with PSI > {cfg['psi_alert']}")
    for key in ("days_since_last_login", "contract_type", "tenure_months"):  # top-3 by importance
        if key in set(drifted["feature"]):
            reasons.append(f"high-importance feature {key} drifted")
    if live_auc is not None and live_auc < cfg["min_live_auc"]:
        reasons.append(f"live AUC {live_auc:.3f} < {cfg['min_live_auc']}")
    return reasons


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", default="data/features/train.parquet")
    ap.add_argument("--current", default="logs/predictions.jsonl")
    ap.add_argument("--labels", help="csv of customer_id,churned_60d once labels mature")
    args = ap.parse_args()

    cfg = yaml.safe_load(open("params.yaml"))["drift"]
    reference = pd.read_parquet(args.reference)
    current = pd.read_json(args.current, lines=True).tail(20_000)
    table = drift_table(reference, current)

    live_auc = None
    if args.labels:
        from sklearn.metrics import roc_auc_score
        labelled = current.merge(pd.read_csv(args.labels), on="customer_id")
        live_auc = roc_auc_score(labelled["churned_60d"], labelled["proba"])

    reasons = decide(table, cfg, live_auc)
    Path("reports/drift.json").write_text(json.dumps(
        {"features": table.to_dict(orient="records"), "live_auc": live_auc, "retrain": reasons}, indent=2))
    print(table.to_string(index=False, float_format="%.3f"))
    if reasons:
        print("RETRAIN:", "; ".join(reasons))
        return RETRAIN
    print("no action")
    return 0


if __name__ == "__main__":
    sys.exit(main())
