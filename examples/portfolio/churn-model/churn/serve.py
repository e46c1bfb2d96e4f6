"""Online scoring API.  uvicorn churn.serve:app --port 8080"""
from __future__ import annotations

import json
import logging
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import joblib
import pandas as pd
from fastapi import FastAPI
from pydantic import BaseModel, Field, model_validator

from churn import FEATURES

log = logging.getLogger("churn.serve")
MODEL_PATH = Path(os.getenv("MODEL_PATH", "models/churn_model.joblib"))
PREDICTION_LOG = Path(os.getenv("PREDICTION_LOG", "logs/predictions.jsonl"))
THRESHOLD = float(os.getenv("CHURN_THRESHOLD", "0.35"))


class CustomerFeatures(BaseModel):
    customer_id: str = Field(..., min_length=1, max_length=40)
    tenure_months: float = Field(..., ge=0, le=600)
    monthly_charges: float = Field(..., ge=0, le=500)
    logins_30d: int = Field(..., ge=0, le=10_000)
    logins_90d: int = Field(..., ge=0, le=30_000)
    tickets_90d: int = Field(0, ge=0, le=500)
    payment_failures_90d: int = Field(0, ge=0, le=100)
    plan_changes_180d: int = Field(0, ge=0, le=100)
    days_since_last_login: float = Field(..., ge=0, le=20_000)
    contract_type: Literal["month_to_month", "one_year", "two_year"]
    payment_method: str = Field("unknown", max_length=40)
    region: str = Field("unknown", max_length=40)

    @model_validator(mode="after")
    def logins_consistent(self):
        if self.logins_30d > self.logins_90d:
            raise ValueError("logins_30d cannot exceed logins_90d")
        return self


class Prediction(BaseModel):
    customer_id: str
    churn_probability: float
    will_churn: bool
    threshold: float
    model: str
    model_trained_at: str


class Bundle:
    def __init__(self, path: Path):
        data = joblib.load(path)
        self.pipeline = data["pipeline"]
        self.name = data["name"]
        self.trained_at = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc).isoformat()


app = FastAPI(title="churn-model", version="1.2.0")
_bundle: Bundle | None = None


def get_bundle() -> Bundle:
    global _bundle
    if _bundle is None:
        _bundle = Bundle(MODEL_PATH)
    return _bundle


@app.get("/health")
def health() -> dict:
    b = get_bundle()
    return {"status": "ok", "model": b.name, "trained_at": b.trained_at}


@app.post("/predict", response_model=Prediction)
def predict(features: CustomerFeatures) -> Prediction:
    bundle = get_bundle()
    start = time.perf_counter()
    row = pd.DataFrame([features.model_dump()])[FEATURES]
    proba = float(bundle.pipeline.predict_proba(row)[0, 1])
    elapsed_ms = (time.perf_counter() - start) * 1000

    # Inputs + score go to a log that churn.drift reads as the "current" window.
    PREDICTION_LOG.parent.mkdir(parents=True, exist_ok=True)
    with PREDICTION_LOG.open("a") as fh:
        fh.write(json.dumps({"ts": datetime.now(timezone.utc).isoformat(), "proba": proba,
                             "latency_ms": round(elapsed_ms, 2), **features.model_dump()}) + "\n")

    return Prediction(
        customer_id=features.customer_id,
        churn_probability=round(proba, 4),
        will_churn=proba >= THRESHOLD,
        threshold=THRESHOLD,
        model=bundle.name,
        model_trained_at=bundle.trained_at,
    )
