import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@pytest.fixture
def raw():
    """Three customers, a handful of events, one cancellation inside the label window."""
    customers = pd.DataFrame({
        "customer_id": ["A1", "B2", "C3"],
        "signup_date": pd.to_datetime(["2022-01-10", "2022-06-01", "2023-03-15"]),
        "contract_type": ["month_to_month", "one_year", "two_year"],
        "monthly_charges": [29.0, 49.0, 79.0],
        "payment_method": ["card", "sepa", "card"],
        "region": ["DE", "FR", None],
    })
    events = pd.DataFrame({
        "customer_id": ["A1", "A1", "B2", "B2", "A1"],
        "ts": pd.to_datetime(["2023-02-20", "2023-02-27", "2023-01-05", "2023-02-10", "2023-02-25"]),
        "event_type": ["login", "login", "login", "support_ticket", "payment_failed"],
    })
    cancels = pd.DataFrame({
        "customer_id": ["A1"],
        "cancel_date": pd.to_datetime(["2023-04-10"]),
    })
    return customers, events, cancels


@pytest.fixture
def feature_frame():
    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame({
        "tenure_months": rng.gamma(2, 10, n),
        "monthly_charges": rng.uniform(10, 120, n),
        "logins_90d": rng.poisson(20, n).astype(float),
        "tickets_90d": rng.poisson(0.5, n).astype(float),
        "payment_failures_90d": rng.poisson(0.1, n).astype(float),
        "plan_changes_180d": rng.poisson(0.2, n).astype(float),
        "days_since_last_login": rng.exponential(10, n),
        "contract_type": rng.choice(["month_to_month", "one_year", "two_year"], n),
        "payment_method": rng.choice(["card", "sepa"], n),
        "region": rng.choice(["DE", "FR"], n),
    })
    df["logins_30d"] = np.floor(df["logins_90d"] / 3)
    df["churned_60d"] = (rng.random(n) < 0.1 + 0.3 * (df["contract_type"] == "month_to_month")).astype(int)
    return df
