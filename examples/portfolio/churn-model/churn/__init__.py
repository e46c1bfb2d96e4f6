"""Churn prediction for a subscription product: data, training, evaluation, serving, drift."""

NUMERIC = [
    "tenure_months",
    "monthly_charges",
    "logins_30d",
    "logins_90d",
    "tickets_90d",
    "payment_failures_90d",
    "plan_changes_180d",
    "days_since_last_login",
]
CATEGORICAL = ["contract_type", "payment_method", "region"]
FEATURES = NUMERIC + CATEGORICAL
TARGET = "churned_60d"
