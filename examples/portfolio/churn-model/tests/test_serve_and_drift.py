import joblib
import pytest
from fastapi.testclient import TestClient

from churn import FEATURES, TARGET
from churn import serve
from churn.drift import decide, drift_table, psi_numeric
from churn.train import candidates

VALID = {
    "customer_id": "A1", "tenure_months": 14, "monthly_charges": 39.5, "logins_30d": 3,
    "logins_90d": 11, "tickets_90d": 2, "payment_failures_90d": 1, "plan_changes_180d": 0,
    "days_since_last_login": 9, "contract_type": "month_to_month", "payment_method": "card",
    "region": "DE",
}


@pytest.fixture
def client(tmp_path, monkeypatch, feature_frame):
    pipe = candidates(seed=0)["logreg"].fit(feature_frame[FEATURES], feature_frame[TARGET])
    path = tmp_path / "model.joblib"
    joblib.dump({"pipeline": pipe, "name": "logreg", "features": FEATURES}, path)
    monkeypatch.setattr(serve, "MODEL_PATH", path)
    monkeypatch.setattr(serve, "PREDICTION_LOG", tmp_path / "preds.jsonl")
    monkeypatch.setattr(serve, "_bundle", None)
    return TestClient(serve.app)


def test_predict_returns_probability(client):
    resp = client.post("/predict", json=VALID)
    assert resp.status_code == 200
    body = resp.json()
    assert 0.0 <= body["churn_probability"] <= 1.0
    assert body["model"] == "logreg"
    assert serve.PREDICTION_LOG.read_text().count("\n") == 1


@pytest.mark.parametrize("field,value", [
    ("tenure_months", -1), ("contract_type", "weekly"), ("logins_30d", 50), ("monthly_charges", 1e6),
])
def test_invalid_inputs_are_rejected(client, field, value):
    assert client.post("/predict", json={**VALID, field: value}).status_code == 422


def test_psi_is_small_for_same_distribution_and_large_for_shift(feature_frame):
    col = feature_frame["tenure_months"]
    assert psi_numeric(col, col.sample(frac=1, random_state=1)) < 0.01
    assert psi_numeric(col, col * 2.5) > 0.2


def test_shifted_contract_mix_triggers_retrain(feature_frame):
    current = feature_frame.copy()
    current["contract_type"] = "month_to_month"
    current["days_since_last_login"] *= 4
    cfg = {"psi_alert": 0.2, "drifted_share_alert": 0.3, "min_live_auc": 0.8}
    reasons = decide(drift_table(feature_frame, current), cfg, live_auc=None)
    assert any("contract_type" in r for r in reasons)


def test_no_retrain_without_drift(feature_frame):
    cfg = {"psi_alert": 0.2, "drifted_share_alert": 0.3, "min_live_auc": 0.8}
    assert decide(drift_table(feature_frame, feature_frame), cfg, live_auc=0.84) == []
