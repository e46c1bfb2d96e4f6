"""Train a baseline and two models, track them in MLflow, save the best.

    python -m churn.train
"""
from __future__ import annotations

import json
from pathlib import Path

import joblib
import mlflow
import mlflow.sklearn
import pandas as pd
import yaml
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from churn import CATEGORICAL, FEATURES, NUMERIC, TARGET

MODEL_PATH = Path("models/churn_model.joblib")
CANDIDATE_DIR = Path("models/candidates")
SCORING = {"roc_auc": "roc_auc", "average_precision": "average_precision", "f1": "f1"}


class LeakageSuspected(RuntimeError):
    pass


def preprocessor() -> ColumnTransformer:
    return ColumnTransformer([
        ("num", StandardScaler(), NUMERIC),
        ("cat", OneHotEncoder(handle_unknown="ignore", min_frequency=20), CATEGORICAL),
    ])


def candidates(seed: int) -> dict[str, Pipeline]:
    return {
        "dummy_stratified": Pipeline([("prep", preprocessor()),
                                      ("clf", DummyClassifier(strategy="stratified", random_state=seed))]),
        "logreg": Pipeline([("prep", preprocessor()),
                            ("clf", LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000))]),
        "gbm": Pipeline([("prep", preprocessor()),
                         ("clf", GradientBoostingClassifier(random_state=seed))]),
    }


def main() -> None:
    params = yaml.safe_load(open("params.yaml"))["train"]
    train = pd.read_parquet("data/features/train.parquet")
    X, y = train[FEATURES], train[TARGET]
    # One customer appears in several monthly snapshots; keep all of a customer's rows in one fold.
    groups = train["customer_id"]
    cv = StratifiedGroupKFold(n_splits=params["cv_folds"], shuffle=True, random_state=params["seed"])

    mlflow.set_experiment("churn")
    results = {}
    for name, pipe in candidates(params["seed"]).items():
        with mlflow.start_run(run_name=name):
            if name == "gbm":
                search = GridSearchCV(pipe, params["gbm_grid"], scoring="roc_auc", cv=cv, n_jobs=-1)
                search.fit(X, y, groups=groups)
                pipe = search.best_estimator_
                mlflow.log_params(search.best_params_)
            scores = cross_validate(pipe, X, y, groups=groups, cv=cv, scoring=SCORING, n_jobs=-1)
            summary = {m: float(scores[f"test_{m}"].mean()) for m in SCORING}
            summary["roc_auc_std"] = float(scores["test_roc_auc"].std())
            mlflow.log_params({"model": name, "n_rows": len(X), "churn_rate": round(y.mean(), 4)})
            mlflow.log_metrics({f"cv_{k}": v for k, v in summary.items()})
            print(f"{name:18s} AUC {summary['roc_auc']:.3f} ± {summary['roc_auc_std']:.3f} "
                  f"AP {summary['average_precision']:.3f}  F1 {summary['f1']:.3f}")

            if summary["roc_auc"] > params["max_plausible_auc"]:
                raise LeakageSuspected(
                    f"{name} CV AUC {summary['roc_auc']:.3f} > {params['max_plausible_auc']}: "
                    "check features for post-snapshot information before trusting this (POSTMORTEM.md)")
            pipe.fit(X, y)
            mlflow.sklearn.log_model(pipe, artifact_path="model")
            CANDIDATE_DIR.mkdir(parents=True, exist_ok=True)
            joblib.dump(pipe, CANDIDATE_DIR / f"{name}.joblib")  # evaluate.py compares all of them
            results[name] = (summary, pipe)

    best = max((n for n in results if n != "dummy_stratified"), key=lambda n: results[n][0]["roc_auc"])
    MODEL_PATH.parent.mkdir(exist_ok=True)
    joblib.dump({"pipeline": results[best][1], "name": best, "features": FEATURES}, MODEL_PATH)
    Path("reports").mkdir(exist_ok=True)
    Path("reports/cv_metrics.json").write_text(
        json.dumps({n: s for n, (s, _) in results.items()} | {"selected": best}, indent=2))
    print(f"saved {best} to {MODEL_PATH}")


if __name__ == "__main__":
    main()
