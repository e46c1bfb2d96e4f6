"""Raw exports -> validated, point-in-time feature table.

    python -m churn.data --split train   # writes data/features/train.parquet
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pandera import Check, Column, DataFrameSchema

from churn import CATEGORICAL, NUMERIC, TARGET

CONTRACTS = ["month_to_month", "one_year", "two_year"]

RAW_CUSTOMERS = DataFrameSchema(
    {
        "customer_id": Column(str, unique=True),
        "signup_date": Column("datetime64[ns]"),
        "contract_type": Column(str, Check.isin(CONTRACTS)),
        "monthly_charges": Column(float, Check.in_range(0, 500)),
        "payment_method": Column(str),
        "region": Column(str, nullable=True),
    },
    coerce=True,
)

FEATURE_SCHEMA = DataFrameSchema(
    {
        **{c: Column(float, Check.ge(0)) for c in NUMERIC},
        "contract_type": Column(str, Check.isin(CONTRACTS)),
        "payment_method": Column(str),
        "region": Column(str),
        TARGET: Column(int, Check.isin([0, 1])),
        "as_of": Column("datetime64[ns]"),
    },
    checks=[Check(lambda df: df["logins_30d"] <= df["logins_90d"], error="30d logins exceed 90d")],
    coerce=True,
)


def load_raw(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    customers = pd.read_csv(raw_dir / "customers.csv", parse_dates=["signup_date"])
    events = pd.read_csv(raw_dir / "events.csv", parse_dates=["ts"])
    cancels = pd.read_csv(raw_dir / "cancellations.csv", parse_dates=["cancel_date"])
    return clean_customers(customers), clean_events(events), cancels


def clean_customers(df: pd.DataFrame) -> pd.DataFrame:
    df = df.drop_duplicates("customer_id", keep="last").copy()
    df["contract_type"] = df["contract_type"].str.strip().str.lower().str.replace("-", "_")
    df["payment_method"] = df["payment_method"].fillna("unknown").str.lower()
    # Export writes "" for charges of customers on a free trial.
    df["monthly_charges"] = pd.to_numeric(df["monthly_charges"], errors="coerce").fillna(0.0)
    return RAW_CUSTOMERS.validate(df)


def clean_events(df: pd.DataFrame) -> pd.DataFrame:
    df = df.dropna(subset=["customer_id", "ts"])
    # Internal QA accounts generate thousands of synthetic logins.
    return df[~df["customer_id"].str.startswith("QA")]


def build_snapshot(customers, events, cancels, as_of: pd.Timestamp, label_days: int) -> pd.DataFrame:
    """Features from events strictly before `as_of`; label = cancels in (as_of, as_of + label_days]."""
    active = customers[customers["signup_date"] < as_of]
    already_gone = cancels.loc[cancels["cancel_date"] <= as_of, "customer_id"]
    active = active[~active["customer_id"].isin(already_gone)].set_index("customer_id")

    past = events[(events["ts"] < as_of) & events["customer_id"].isin(active.index)]
    age_days = (as_of - past["ts"]).dt.days

    def count(kind: str, days: int) -> pd.Series:
        mask = (past["event_type"] == kind) & (age_days <= days)
        return past[mask].groupby("customer_id").size()

    feats = pd.DataFrame(index=active.index)
    feats["tenure_months"] = (as_of - active["signup_date"]).dt.days / 30.44
    feats["monthly_charges"] = active["monthly_charges"]
    feats["logins_30d"] = count("login", 30)
    feats["logins_90d"] = count("login", 90)
    feats["tickets_90d"] = count("support_ticket", 90)
    feats["payment_failures_90d"] = count("payment_failed", 90)
    feats["plan_changes_180d"] = count("plan_change", 180)
    last_login = past[past["event_type"] == "login"].groupby("customer_id")["ts"].max()
    feats["days_since_last_login"] = (as_of - last_login).dt.days
    feats = feats.fillna({c: 0.0 for c in NUMERIC if c != "days_since_last_login"})
    # never logged in: cap at tenure instead of leaving NaN
    feats["days_since_last_login"] = feats["days_since_last_login"].fillna(feats["tenure_months"] * 30.44)

    for col in CATEGORICAL:
        feats[col] = active[col].fillna("unknown")

    horizon = cancels[(cancels["cancel_date"] > as_of)
                      & (cancels["cancel_date"] <= as_of + pd.Timedelta(days=label_days))]
    feats[TARGET] = feats.index.isin(horizon["customer_id"]).astype(int)
    feats["as_of"] = as_of
    return feats.reset_index()


def build_features(raw_dir: Path, snapshots: list[str], label_days: int) -> pd.DataFrame:
    customers, events, cancels = load_raw(raw_dir)
    frames = [build_snapshot(customers, events, cancels, pd.Timestamp(d), label_days) for d in snapshots]
    table = pd.concat(frames, ignore_index=True)
    table[NUMERIC] = table[NUMERIC].astype(float).clip(lower=0).replace([np.inf], np.nan).fillna(0.0)
    return FEATURE_SCHEMA.validate(table, lazy=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=["train", "test"], required=True)
    args = ap.parse_args()
    params = yaml.safe_load(open("params.yaml"))["data"]
    table = build_features(Path(params["raw_dir"]), params[f"{args.split}_snapshots"], params["label_window_days"])
    out = Path("data/features") / f"{args.split}.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(out, index=False)
    print(f"{args.split}: {len(table):,} rows, churn rate {table[TARGET].mean():.1%}")


if __name__ == "__main__":
    main()
