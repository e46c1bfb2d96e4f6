"""Held-out evaluation on the later snapshots (Oct-Nov 2023), with error analysis.

    python -m churn.evaluate
Writes reports/metrics.json, reports/slices.csv, reports/calibration.png,
reports/top_false_negatives.csv (for manual review).
"""
from __future__ import annotations

import json
from pathlib import Path

import joblib
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from sklearn.calibration import calibration_curve  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

from churn import FEATURES, TARGET  # noqa: E402

REPORTS = Path("reports")


def recall_at_top(y_true: np.ndarray, proba: np.ndarray, share: float = 0.10) -> float:
    """Retention can call ~10% of customers a month; how many churners land in that list?"""
    k = max(1, int(len(proba) * share))
    top = np.argsort(-proba)[:k]
    return float(y_true[top].sum() / max(y_true.sum(), 1))


def metrics(y_true, proba, threshold: float) -> dict:
    pred = (proba >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y_true, pred, labels=[0, 1]).ravel()
    return {
        "n": int(len(y_true)),
        "churn_rate": round(float(y_true.mean()), 3),
        "roc_auc": round(roc_auc_score(y_true, proba), 3) if len(set(y_true)) > 1 else None,
        "pr_auc": round(average_precision_score(y_true, proba), 3),
        "f1": round(f1_score(y_true, pred, zero_division=0), 3),
        "precision": round(precision_score(y_true, pred, zero_division=0), 3),
        "recall": round(recall_score(y_true, pred, zero_division=0), 3),
        "recall_at_top10pct": round(recall_at_top(np.asarray(y_true), proba), 3),
        "brier": round(brier_score_loss(y_true, proba), 4),
        "confusion_matrix": {"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)},
    }


def slice_metrics(df: pd.DataFrame, proba: np.ndarray, column: str, threshold: float) -> pd.DataFrame:
    rows = []
    for value, idx in df.groupby(column).indices.items():
        m = metrics(df[TARGET].to_numpy()[idx], proba[idx], threshold)
        rows.append({column: value, **{k: v for k, v in m.items() if k != "confusion_matrix"}})
    return pd.DataFrame(rows).sort_values("n", ascending=False)


def plot_calibration(y_true, proba, path: Path) -> list[dict]:
    frac_pos, mean_pred = calibration_curve(y_true, proba, n_bins=10, strategy="quantile")
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfect")
    ax.plot(mean_pred, frac_pos, "o-", label="model")
    ax.set_xlabel("mean predicted churn probability")
    ax.set_ylabel("observed churn rate")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return [{"predicted": round(float(p), 3), "observed": round(float(o), 3)} for p, o in zip(mean_pred, frac_pos)]


def main() -> None:
    params = yaml.safe_load(open("params.yaml"))["evaluate"]
    bundle = joblib.load("models/churn_model.joblib")
    test = pd.read_parquet("data/features/test.parquet")
    y = test[TARGET].to_numpy()
    proba = bundle["pipeline"].predict_proba(test[FEATURES])[:, 1]

    REPORTS.mkdir(exist_ok=True)
    overall = metrics(y, proba, params["threshold"])
    slices = slice_metrics(test, proba, params["slice_column"], params["threshold"])
    slices.to_csv(REPORTS / "slices.csv", index=False)
    calib = plot_calibration(y, proba, REPORTS / "calibration.png")

    # Confident misses are the most useful thing to read by hand.
    test = test.assign(proba=proba)
    misses = test[(test[TARGET] == 1) & (test["proba"] < params["threshold"])]
    misses.sort_values("proba").head(50).to_csv(REPORTS / "top_false_negatives.csv", index=False)

    # Same test rows and threshold for the baseline and the other candidate.
    comparison = {
        path.stem: metrics(y, joblib.load(path).predict_proba(test[FEATURES])[:, 1], params["threshold"])
        for path in sorted(Path("models/candidates").glob("*.joblib"))
    }

    out = {"model": bundle["name"], "threshold": params["threshold"], "test": overall,
           "comparison": comparison, "slices": slices.to_dict(orient="records"), "calibration": calib}
    (REPORTS / "metrics.json").write_text(json.dumps(out, indent=2))
    for name, m in comparison.items():
        print(f"{name:18s} AUC {m['roc_auc']}  PR-AUC {m['pr_auc']}  F1 {m['f1']}  "
              f"recall@10% {m['recall_at_top10pct']}")
    print(slices.to_string(index=False))


if __name__ == "__main__":
    main()
