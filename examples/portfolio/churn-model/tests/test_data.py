import pandas as pd
import pandera as pa
import pytest

from churn.data import FEATURE_SCHEMA, build_snapshot, clean_customers

AS_OF = pd.Timestamp("2023-03-01")


def snapshot(raw, as_of=AS_OF):
    customers, events, cancels = raw
    return build_snapshot(customers, events, cancels, as_of, label_days=60).set_index("customer_id")


def test_label_uses_only_the_window_after_as_of(raw):
    snap = snapshot(raw)
    assert snap.loc["A1", "churned_60d"] == 1          # cancels 2023-04-10, inside 60 days
    assert snap.loc["B2", "churned_60d"] == 0


def test_customers_signed_up_after_as_of_are_excluded(raw):
    assert "C3" not in snapshot(raw).index


def test_future_events_do_not_change_features(raw):
    """Regression test for the leak in POSTMORTEM.md."""
    customers, events, cancels = raw
    future = pd.DataFrame({
        "customer_id": ["A1"] * 3,
        "ts": pd.to_datetime(["2023-03-02", "2023-03-20", "2023-04-09"]),
        "event_type": ["support_ticket", "support_ticket", "login"],
    })
    before = build_snapshot(customers, events, cancels, AS_OF, 60)
    after = build_snapshot(customers, pd.concat([events, future]), cancels, AS_OF, 60)
    pd.testing.assert_frame_equal(before, after)


def test_recency_is_measured_from_as_of(raw):
    assert snapshot(raw).loc["A1", "days_since_last_login"] == 2   # last login 2023-02-27


def test_already_cancelled_customers_are_dropped(raw):
    customers, events, cancels = raw
    snap = build_snapshot(customers, events, cancels, pd.Timestamp("2023-05-01"), 60)
    assert "A1" not in set(snap["customer_id"])


def test_contract_type_is_normalised():
    df = pd.DataFrame({"customer_id": ["X"], "signup_date": ["2022-01-01"], "contract_type": [" Month-to-Month"],
                       "monthly_charges": [""], "payment_method": [None], "region": ["DE"]})
    out = clean_customers(df)
    assert out.loc[0, "contract_type"] == "month_to_month"
    assert out.loc[0, "monthly_charges"] == 0.0


def test_schema_rejects_inconsistent_login_counts(raw):
    snap = snapshot(raw).reset_index()
    snap.loc[0, "logins_30d"] = 99
    with pytest.raises(pa.errors.SchemaErrors):
        FEATURE_SCHEMA.validate(snap, lazy=True)
