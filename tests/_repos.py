# ruff: noqa: E501  (fixture files are written the way candidates write them)
"""Small, realistic repositories used as scanner fixtures, and helpers to build them in ``tmp_path``.

Each fixture is a mapping of repo-relative path -> file text (dedented on write). ``EVIDENCE_CASES`` lists, for
each of the 16 evidence kinds, at least one repository where the kind is ``strong``, one where it is ``weak`` and
one where it is ``missing``, written the way a candidate's project would show it.
"""

from __future__ import annotations

import json
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import git

AUTHOR = git.Actor("Test Author", "author@example.com")


# --- builders -----------------------------------------------------------------------------------------------

def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def git_repo(root: Path, *, commit: bool = True, add: list[str] | None = None, force: bool = False) -> git.Repo:
    """Make ``root`` a git work tree; stage ``add`` (default: everything not ignored) and commit it."""
    repo = git.Repo.init(root)
    with repo.config_writer() as cw:
        cw.set_value("user", "name", AUTHOR.name)
        cw.set_value("user", "email", AUTHOR.email)
        cw.set_value("commit", "gpgsign", "false")
    if commit:
        if add is None:
            repo.git.add("-A")
        else:
            repo.git.add(*(["-f"] if force else []), "--", *add)
        repo.index.commit("initial import", author=AUTHOR, committer=AUTHOR)
    return repo


def notebook(*cells: tuple[str, str], outputs: dict[int, str] | None = None) -> str:
    """An nbformat 4 notebook; each cell is (cell_type, source). ``outputs`` maps a cell index to stream text."""
    nb_cells = []
    for i, (ctype, src) in enumerate(cells):
        src = textwrap.dedent(src).strip("\n")
        cell: dict[str, object] = {"cell_type": ctype, "metadata": {}, "source": src.splitlines(keepends=True)}
        if ctype == "code":
            cell["execution_count"] = i + 1
            cell["outputs"] = []
            if outputs and i in outputs:
                cell["outputs"] = [{"name": "stdout", "output_type": "stream",
                                    "text": outputs[i].splitlines(keepends=True)}]
        nb_cells.append(cell)
    nb = {"cells": nb_cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                          "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    # json.dumps(indent=1) is how Jupyter writes notebooks; the dedent in write_tree leaves it unchanged
    return json.dumps(nb, indent=1) + "\n"


def doc(*parts: str) -> str:
    """Markdown made of separately indented parts (each is dedented on its own)."""
    return "\n\n".join(textwrap.dedent(p).strip("\n") for p in parts) + "\n"


# --- building blocks ----------------------------------------------------------------------------------------

README_PLAIN = """
    # ticket-triage

    Routes incoming support tickets to the right queue.

    ## Install

    ```bash
    pip install -r requirements.txt
    ```

    ## Usage

    Start the service and send a ticket to `/classify`.
"""

FASTAPI_APP = '''
    from fastapi import FastAPI

    app = FastAPI(title="ticket-triage")

    QUEUES = {"invoice": "billing", "refund": "billing", "password": "account"}


    @app.post("/classify")
    def classify(payload: dict) -> dict:
        text = payload.get("text", "").lower()
        for word, queue in QUEUES.items():
            if word in text:
                return {"queue": queue}
        return {"queue": "general"}
'''

DOCKERFILE = """
    FROM python:3.11-slim
    WORKDIR /srv
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY app ./app
    EXPOSE 8000
    CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
"""

TRAIN_SCRIPT = '''
    """Train the churn classifier and save it next to the service."""
    import joblib
    import pandas as pd
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.model_selection import train_test_split


    def main() -> None:
        df = pd.read_csv("data/customers.csv")
        X = df.drop(columns=["churned"])
        y = df["churned"]
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7)
        model = GradientBoostingClassifier(n_estimators=200, max_depth=3)
        model.fit(X_train, y_train)
        print("held-out accuracy", model.score(X_test, y_test))
        joblib.dump(model, "models/churn.joblib")


    if __name__ == "__main__":
        main()
'''

CHAT_WRAPPER = '''
    """Answer a customer question with a hosted model."""
    from openai import OpenAI

    client = OpenAI()


    def answer(question: str) -> str:
        response = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[
                {"role": "system", "content": "You are a helpful support agent for Parcelly."},
                {"role": "user", "content": question},
            ],
        )
        return response.choices[0].message.content
'''

WORDCOUNT_LIB = '''
    """Count words in text files."""
    from collections import Counter
    from pathlib import Path


    def count_words(path: Path) -> Counter:
        words = Path(path).read_text(encoding="utf-8").lower().split()
        return Counter(words)


    def top_words(path: Path, n: int = 10) -> list[tuple[str, int]]:
        return count_words(path).most_common(n)
'''

PYTEST_FILE = '''
    from app.main import classify


    def test_invoice_goes_to_billing():
        assert classify({"text": "Where is my invoice?"}) == {"queue": "billing"}


    def test_unknown_goes_to_general():
        assert classify({"text": "hello"}) == {"queue": "general"}
'''

CI_PYTEST = """
    name: ci
    on: [push, pull_request]
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: actions/setup-python@v5
            with:
              python-version: "3.11"
          - run: pip install -r requirements.txt pytest
          - run: pytest -q
"""

DESIGN_MEMO = """
    # Design memo: retrieval for the support assistant

    ## Context

    The assistant answers customer questions from about ninety help-centre articles that change
    every week. Every answer has to cite the article it came from, because the support team
    checks citations before they trust a reply, and the legal team asked for it after a refund dispute.

    ## Decision: retrieval instead of fine-tuning

    We chose retrieval instead of fine-tuning because the articles change weekly and a tuned
    model would freeze last week's policy into its weights. The tradeoff is latency: each request
    now pays for an embedding call and a vector search, roughly 120 ms at p50. We decided that
    was acceptable because the model call itself takes more than a second. We also compared
    dense retrieval with BM25 keyword search; BM25 was cheaper but missed paraphrases, so the
    dense index won on recall at five documents (0.88 against 0.71).

    ## Chunking

    Articles are split on headings and then into chunks of about 350 tokens with a small overlap.
    Smaller chunks improved precision but hurt answers that need a whole procedure, so we
    preferred the larger size. The tradeoff here is cost: longer context means more tokens per
    request, about 1,900 on average, which is why we cap retrieval at five chunks.

    ## Model choice

    A larger model was two points more accurate on our evaluation set but cost twenty times as
    much per thousand requests. We opted for the small model with a fallback to the large one
    when the output fails schema validation, which happens on about two percent of requests.
    The downside is a slower tail for those requests, which we accept because they are rare.

    ## What went well and what did not

    Evaluation on a golden set of fifty-eight questions caught two regressions before release.
    We found that most wrong answers came from a missing passage rather than a misread one,
    so improving the index matters more than changing the prompt. Prompt injection through
    pasted text is still the weakest point.

    ## Next steps

    With more time we would add hybrid search, because keyword search still wins on order
    numbers and product codes. We would also build a feedback loop from the support team,
    compare rerankers against the current ranking, and track cost per conversation instead
    of cost per request, since that is the number the business actually pays for.
"""

PROMETHEUS_APP = '''
    import time

    from fastapi import FastAPI
    from prometheus_client import Counter, Histogram, make_asgi_app

    app = FastAPI()
    app.mount("/metrics", make_asgi_app())

    REQUESTS = Counter("triage_requests_total", "Tickets classified", ["queue"])
    LATENCY = Histogram("triage_latency_seconds", "Time to classify a ticket")


    @app.post("/classify")
    def classify(payload: dict) -> dict:
        start = time.perf_counter()
        queue = "billing" if "invoice" in payload.get("text", "") else "general"
        REQUESTS.labels(queue=queue).inc()
        LATENCY.observe(time.perf_counter() - start)
        return {"queue": queue}
'''

LOGGING_APP = '''
    import logging

    logging.basicConfig(level=logging.INFO)
    logger = logging.getLogger(__name__)


    def classify(text: str) -> str:
        queue = "billing" if "invoice" in text.lower() else "general"
        logger.info("ticket routed to %s", queue)
        return queue
'''

CHROMA_RAG = '''
    """Index the help centre in Chroma and retrieve passages for a question."""
    from pathlib import Path

    import chromadb

    client = chromadb.PersistentClient(path="index")
    collection = client.get_or_create_collection("help_centre")


    def build_index(folder: str) -> None:
        for i, path in enumerate(sorted(Path(folder).glob("*.md"))):
            collection.add(ids=[str(i)], documents=[path.read_text()], metadatas=[{"source": path.name}])


    def retrieve(question: str, k: int = 4) -> list[str]:
        result = collection.query(query_texts=[question], n_results=k)
        return result["documents"][0]


    if __name__ == "__main__":
        build_index("help_centre")
        print(retrieve("How do I return an item?"))
'''

TOOLS_AGENT = '''
    """A support agent that can look up orders through a tool call."""
    import json

    from openai import OpenAI

    client = OpenAI()

    TOOLS = [
        {
            "type": "function",
            "function": {
                "name": "get_order_status",
                "description": "Look up the delivery status of an order",
                "parameters": {
                    "type": "object",
                    "properties": {"order_id": {"type": "string"}},
                    "required": ["order_id"],
                },
            },
        }
    ]

    ORDERS = {"A-1001": "shipped", "A-1002": "delayed"}


    def get_order_status(order_id: str) -> str:
        return ORDERS.get(order_id, "unknown")


    def run(question: str) -> str:
        messages = [{"role": "user", "content": question}]
        response = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        message = response.choices[0].message
        for call in message.tool_calls or []:
            args = json.loads(call.function.arguments)
            messages.append(message)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": get_order_status(**args)})
        final = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        return final.choices[0].message.content
'''

NEXT_ROUTE_TS = """
    import { openai } from "@ai-sdk/openai";
    import { streamText, tool } from "ai";
    import { z } from "zod";

    export async function POST(req: Request) {
      const { messages } = await req.json();
      const result = streamText({
        model: openai("gpt-4o-mini"),
        messages,
        tools: {
          weather: tool({
            description: "Get the weather for a city",
            parameters: z.object({ city: z.string() }),
            execute: async ({ city }) => ({ city, forecast: "sunny" }),
          }),
        },
      });
      return result.toDataStreamResponse();
    }
"""

NEXT_ROUTE_PLAIN_TS = """
    import { openai } from "@ai-sdk/openai";
    import { streamText } from "ai";

    export async function POST(req: Request) {
      const { messages } = await req.json();
      const result = streamText({ model: openai("gpt-4o-mini"), messages });
      return result.toDataStreamResponse();
    }
"""

VERCEL_JSON = """
    {
      "framework": "nextjs",
      "buildCommand": "next build",
      "regions": ["iad1"]
    }
"""

PACKAGE_JSON_NEXT = """
    {
      "name": "chat-app",
      "private": true,
      "scripts": {"dev": "next dev", "build": "next build", "start": "next start", "test": "jest"},
      "dependencies": {"next": "14.2.3", "react": "18.3.1", "ai": "3.1.0", "@ai-sdk/openai": "0.0.9", "zod": "3.23.8"},
      "devDependencies": {"jest": "29.7.0"}
    }
"""

STREAMLIT_APP = '''
    import streamlit as st

    from triage import classify

    st.title("Ticket triage")
    text = st.text_area("Paste a support ticket")
    if st.button("Route it") and text:
        st.success(f"Queue: {classify(text)}")
'''

ARGPARSE_CLI = '''
    import argparse

    from triage import classify


    def main() -> None:
        parser = argparse.ArgumentParser(description="Route a support ticket")
        parser.add_argument("text")
        args = parser.parse_args()
        print(classify(args.text))


    if __name__ == "__main__":
        main()
'''

TRIAGE_MODULE = '''
    def classify(text: str) -> str:
        return "billing" if "invoice" in text.lower() else "general"
'''

CLEAN_MODULE = '''
    """Clean the raw transactions export and build model features."""
    import pandas as pd


    def clean_transactions(df: pd.DataFrame) -> pd.DataFrame:
        df = df.drop_duplicates(subset="transaction_id")
        df = df.dropna(subset=["amount", "customer_id"])
        df["amount"] = df["amount"].clip(lower=0)
        return df


    def build_features(df: pd.DataFrame) -> pd.DataFrame:
        per_customer = df.groupby("customer_id")["amount"].agg(["sum", "mean", "count"])
        per_customer.columns = ["total_spend", "avg_spend", "n_orders"]
        return per_customer.reset_index()


    if __name__ == "__main__":
        raw = pd.read_csv("data/raw/transactions.csv")
        build_features(clean_transactions(raw)).to_parquet("data/processed/features.parquet")
'''

EMBED_SEARCH = '''
    """Find similar product descriptions with a local embedding model."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer("all-MiniLM-L6-v2")


    def embed(texts: list[str]):
        return model.encode(texts, normalize_embeddings=True)
'''

CONFUSION_EVAL = '''
    """Evaluate the saved classifier on the held-out split and inspect its errors."""
    import joblib
    import pandas as pd
    from sklearn.metrics import classification_report, confusion_matrix

    model = joblib.load("models/churn.joblib")
    test = pd.read_parquet("data/processed/test.parquet")
    X, y = test.drop(columns=["churned"]), test["churned"]
    pred = model.predict(X)
    print(confusion_matrix(y, pred))
    print(classification_report(y, pred))
'''

DRIFT_JOB = '''
    """Nightly job: compare this week's inputs with the training data."""
    import pandas as pd
    from scipy.stats import ks_2samp

    FEATURES = ["total_spend", "avg_spend", "n_orders"]


    def drifted_features(reference: pd.DataFrame, current: pd.DataFrame, alpha: float = 0.01) -> list[str]:
        drifted = []
        for col in FEATURES:
            stat, p_value = ks_2samp(reference[col], current[col])
            if p_value < alpha:
                drifted.append(col)
        return drifted
'''

EVIDENTLY_JOB = '''
    import pandas as pd
    from evidently.metric_preset import DataDriftPreset
    from evidently.report import Report

    reference = pd.read_parquet("data/reference.parquet")
    current = pd.read_parquet("data/last_week.parquet")
    report = Report(metrics=[DataDriftPreset()])
    report.run(reference_data=reference, current_data=current)
    report.save_html("reports/drift.html")
'''

RETRY_CLIENT = '''
    """Call the hosted model with retries and a timeout."""
    import httpx
    from tenacity import retry, stop_after_attempt, wait_exponential


    @retry(stop=stop_after_attempt(3), wait=wait_exponential(multiplier=0.5, max=8))
    def summarize(text: str) -> str:
        response = httpx.post("https://api.example.com/v1/summarize", json={"text": text}, timeout=20)
        response.raise_for_status()
        return response.json()["summary"]
'''

HTTP_ERROR_APP = '''
    from fastapi import FastAPI, HTTPException

    from summarizer import summarize

    app = FastAPI()


    @app.post("/summarize")
    def summarize_endpoint(payload: dict) -> dict:
        text = payload.get("text")
        if not text:
            raise HTTPException(status_code=400, detail="text is required")
        return {"summary": summarize(text)}
'''

GOLDEN_EVAL = '''
    """Run the assistant over the golden set and report exact-match accuracy."""
    import json
    from pathlib import Path

    from app.answer import answer


    def load_cases(path: str = "evals/golden_set.jsonl") -> list[dict]:
        return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


    def main() -> None:
        cases = load_cases()
        correct = 0
        for case in cases:
            if answer(case["question"]).strip().lower() == case["expected"].strip().lower():
                correct += 1
        print(f"exact match: {correct / len(cases):.2f} over {len(cases)} cases")


    if __name__ == "__main__":
        main()
'''

GOLDEN_SET = (
    '{"question": "How long does standard delivery take?", "expected": "3-5 business days"}\n'
    '{"question": "Can I return a sale item?", "expected": "yes, within 14 days"}\n'
)

DUMMY_BASELINE = '''
    """Compare the model with a majority-class baseline on the same split."""
    import pandas as pd
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    df = pd.read_csv("data/customers.csv")
    X, y = df.drop(columns=["churned"]), df["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)

    majority = DummyClassifier(strategy="most_frequent").fit(X_train, y_train)
    logreg = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    print("majority class:", majority.score(X_test, y_test))
    print("logistic regression:", logreg.score(X_test, y_test))
'''

LATENCY_BENCH = '''
    """Send N requests to the local service and print latency percentiles."""
    import statistics
    import time

    import httpx

    N = 200


    def main() -> None:
        timings = []
        with httpx.Client(base_url="http://localhost:8000") as client:
            for _ in range(N):
                start = time.perf_counter()
                client.post("/classify", json={"text": "where is my invoice"})
                timings.append((time.perf_counter() - start) * 1000)
        q = statistics.quantiles(timings, n=100)
        print(f"p50={q[49]:.1f} ms  p95={q[94]:.1f} ms")


    if __name__ == "__main__":
        main()
'''

JEST_TEST = """
    import { formatPrice } from "./format";

    describe("formatPrice", () => {
      it("formats cents as euros", () => {
        expect(formatPrice(1999)).toBe("19,99 €");
      });
    });
"""

FORMAT_TS = """
    export function formatPrice(cents: number): string {
      return (cents / 100).toFixed(2).replace(".", ",") + " €";
    }
"""

CI_NPM = """
    name: test
    on: push
    jobs:
      jest:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: actions/setup-node@v4
            with:
              node-version: 20
          - run: npm ci
          - run: npm test
"""

CI_LINT_ONLY = """
    name: lint
    on: push
    jobs:
      ruff:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: pip install ruff
          - run: ruff check .
"""


# --- the evidence catalog at every level --------------------------------------------------------------------
# (kind, level, variant, files)

EVIDENCE_CASES: list[tuple[str, str, str, dict[str, str]]] = [
    # evals
    ("evals", "strong", "golden set loop", {
        "README.md": README_PLAIN, "app/__init__.py": "", "app/answer.py": CHAT_WRAPPER,
        "evals/run_eval.py": GOLDEN_EVAL, "evals/golden_set.jsonl": GOLDEN_SET}),
    ("evals", "strong", "sklearn metrics on held-out split", {
        "train.py": TRAIN_SCRIPT,
        "evaluate.py": '''
            import joblib
            import pandas as pd
            from sklearn.metrics import f1_score, roc_auc_score

            model = joblib.load("models/churn.joblib")
            test = pd.read_parquet("data/test.parquet")
            X, y = test.drop(columns=["churned"]), test["churned"]
            print("f1", f1_score(y, model.predict(X)))
            print("auc", roc_auc_score(y, model.predict_proba(X)[:, 1]))
        '''}),
    ("evals", "weak", "prose only", {
        "README.md": doc(README_PLAIN, """
            ## Quality

            We evaluated the answers by hand on a few questions from the team and they looked right.
        """), "app/answer.py": CHAT_WRAPPER}),
    ("evals", "missing", "chat wrapper", {"README.md": README_PLAIN, "app/answer.py": CHAT_WRAPPER}),

    # latency_cost
    ("latency_cost", "strong", "README figures", {
        "README.md": doc(README_PLAIN, """
            ## Performance

            Measured with 200 requests against the container on a laptop: p95 latency: 420 ms.
        """), "app/main.py": FASTAPI_APP}),
    ("latency_cost", "strong", "benchmark script", {
        "app/main.py": FASTAPI_APP, "bench/latency_bench.py": LATENCY_BENCH}),
    ("latency_cost", "weak", "the word latency", {
        "README.md": doc(README_PLAIN, """
            ## Notes

            Latency matters for a chat assistant, so answers are streamed token by token.
        """), "app/main.py": FASTAPI_APP}),
    ("latency_cost", "missing", "plain service", {"README.md": README_PLAIN, "app/main.py": FASTAPI_APP}),

    # monitoring
    ("monitoring", "strong", "prometheus counter", {
        "app/main.py": PROMETHEUS_APP, "requirements.txt": "fastapi\nprometheus-client\n"}),
    ("monitoring", "weak", "plain logging in the served app", {"triage.py": LOGGING_APP, "app.py": '''
        import logging

        from fastapi import FastAPI

        from triage import classify

        logger = logging.getLogger(__name__)
        app = FastAPI()


        @app.post("/route")
        def route(text: str) -> dict:
            queue = classify(text)
            logger.info("routed a ticket to %s", queue)
            return {"queue": queue}
    '''}),
    ("monitoring", "missing", "logging only in an offline script", {"triage.py": LOGGING_APP}),
    ("monitoring", "weak", "loguru logging", {
        "triage.py": '''
            from loguru import logger


            def classify(text: str) -> str:
                queue = "billing" if "invoice" in text.lower() else "general"
                logger.info("ticket routed to {}", queue)
                return queue
        '''}),
    ("monitoring", "missing", "plain service", {"README.md": README_PLAIN, "app/main.py": FASTAPI_APP}),

    # baselines
    ("baselines", "strong", "dummy classifier", {"compare.py": DUMMY_BASELINE}),
    ("baselines", "strong", "results table", {
        "train.py": TRAIN_SCRIPT,
        "README.md": """
            # Churn model

            ## Results (ROC-AUC on the held-out 20 %)

            | model | ROC-AUC | recall@10% |
            |---|---|---|
            | Majority-class baseline | 0.50 | 0.10 |
            | Logistic regression | 0.81 | 0.36 |
            | Gradient boosting | 0.84 | 0.41 |
        """}),
    ("baselines", "weak", "word only", {
        "train.py": TRAIN_SCRIPT,
        "README.md": """
            # Churn model

            TODO: compare the model with a simple baseline.
        """}),
    ("baselines", "missing", "training without comparison", {"train.py": TRAIN_SCRIPT}),

    # serving
    ("serving", "strong", "fastapi + Dockerfile", {
        "app/__init__.py": "", "app/main.py": FASTAPI_APP, "Dockerfile": DOCKERFILE,
        "requirements.txt": "fastapi==0.111.0\nuvicorn==0.30.1\n"}),
    ("serving", "strong", "next.js api route + vercel.json", {
        "app/api/chat/route.ts": NEXT_ROUTE_PLAIN_TS, "vercel.json": VERCEL_JSON, "package.json": PACKAGE_JSON_NEXT}),
    ("serving", "weak", "fastapi without deploy config", {
        "app/__init__.py": "", "app/main.py": FASTAPI_APP, "requirements.txt": "fastapi\nuvicorn\n"}),
    ("serving", "weak", "predict function only", {
        "predict.py": '''
            import joblib

            model = joblib.load("models/churn.joblib")


            def predict(features: dict) -> float:
                return float(model.predict_proba([list(features.values())])[0, 1])
        '''}),
    ("serving", "missing", "word counting library", {"wordcount/__init__.py": "", "wordcount/core.py": WORDCOUNT_LIB}),

    # postmortem
    ("postmortem", "strong", "POSTMORTEM.md", {
        "README.md": README_PLAIN,
        "POSTMORTEM.md": """
            # Postmortem: wrong queue for refund tickets (March 2024)

            ## What happened

            For two days every refund ticket was routed to the general queue.

            ## Root cause

            A cleaning step lower-cased the text after the keyword lookup instead of before it.

            ## Fix

            The lookup now runs on normalised text, and a regression test covers refunds.
        """}),
    ("postmortem", "strong", "what went wrong section", {
        "README.md": doc(README_PLAIN, """
            ## What went wrong

            The first version of the model scored 0.93 accuracy offline and was useless in production.
            The training data had been split randomly, so tickets from the same customer thread ended up
            in both the train and the test set and the model memorised thread-specific wording. The cause
            was leakage through the split, not the model. The fix was to split by thread id; honest
            accuracy dropped to 0.78, and that is the number reported above. A test now checks that no
            thread appears on both sides of the split.
        """)}),
    ("postmortem", "weak", "known issues list", {
        "README.md": doc(README_PLAIN, """
            ## Known issues

            - Long tickets are truncated.
        """)}),
    ("postmortem", "missing", "readme only", {"README.md": README_PLAIN, "app/main.py": FASTAPI_APP}),

    # retrieval
    ("retrieval", "strong", "chroma index", {"rag/index.py": CHROMA_RAG, "requirements.txt": "chromadb\n"}),
    ("retrieval", "strong", "faiss index", {
        "search.py": '''
            import faiss
            import numpy as np


            def build(vectors: np.ndarray) -> faiss.IndexFlatIP:
                index = faiss.IndexFlatIP(vectors.shape[1])
                index.add(vectors.astype("float32"))
                return index


            def top_k(index: faiss.IndexFlatIP, query: np.ndarray, k: int = 5):
                scores, ids = index.search(query.astype("float32").reshape(1, -1), k)
                return list(zip(ids[0], scores[0]))


            if __name__ == "__main__":
                vectors = np.load("embeddings.npy")
                print(top_k(build(vectors), vectors[0]))
        '''}),
    ("retrieval", "weak", "RAG in prose", {
        "README.md": doc(README_PLAIN, """
            ## Roadmap

            Next I want to turn this into a RAG assistant over the help centre articles.
        """), "app/answer.py": CHAT_WRAPPER}),
    ("retrieval", "missing", "plain chat wrapper", {"README.md": README_PLAIN, "app/answer.py": CHAT_WRAPPER}),

    # tool_use
    ("tool_use", "strong", "openai tools", {"agent.py": TOOLS_AGENT}),
    ("tool_use", "strong", "ai-sdk tools in TS", {"app/api/chat/route.ts": NEXT_ROUTE_TS, "package.json": PACKAGE_JSON_NEXT}),
    ("tool_use", "weak", "agents in prose", {
        "README.md": doc(README_PLAIN, """
            ## Ideas

            Later the assistant could become an agentic workflow that files refunds itself.
        """), "app/answer.py": CHAT_WRAPPER}),
    ("tool_use", "missing", "plain chat completion", {"app/answer.py": CHAT_WRAPPER}),

    # failure_handling
    ("failure_handling", "strong", "tenacity retries + timeout", {"summarizer.py": RETRY_CLIENT}),
    ("failure_handling", "weak", "error responses only", {
        "app.py": HTTP_ERROR_APP,
        "summarizer.py": '''
            import httpx


            def summarize(text: str) -> str:
                return httpx.post("https://api.example.com/v1/summarize", json={"text": text}).json()["summary"]
        '''}),
    ("failure_handling", "missing", "word counting library", {"wordcount/core.py": WORDCOUNT_LIB}),

    # ux
    ("ux", "strong", "streamlit app", {"streamlit_app.py": STREAMLIT_APP, "triage.py": TRIAGE_MODULE}),
    ("ux", "strong", "react page", {
        "web/src/ChatBox.tsx": """
            import { useState } from "react";

            export function ChatBox({ onSend }: { onSend: (text: string) => void }) {
              const [text, setText] = useState("");
              return (
                <form onSubmit={(e) => { e.preventDefault(); onSend(text); setText(""); }}>
                  <input value={text} onChange={(e) => setText(e.target.value)} />
                  <button type="submit">Send</button>
                </form>
              );
            }
        """}),
    ("ux", "weak", "argparse CLI only", {"cli.py": ARGPARSE_CLI, "triage.py": TRIAGE_MODULE}),
    ("ux", "missing", "library only", {"wordcount/core.py": WORDCOUNT_LIB}),

    # data_pipeline
    ("data_pipeline", "strong", "cleaning and feature module", {"pipeline/clean.py": CLEAN_MODULE}),
    ("data_pipeline", "weak", "one loading cell in a notebook", {
        "explore.ipynb": notebook(
            ("markdown", "# First look at the transactions"),
            ("code", 'import pandas as pd\ndf = pd.read_csv("data/transactions.csv")\ndf.head()'),
        )}),
    ("data_pipeline", "missing", "chat wrapper", {"app/answer.py": CHAT_WRAPPER}),

    # training
    ("training", "strong", "fit + dump in a script", {"train.py": TRAIN_SCRIPT}),
    ("training", "weak", "pretrained embeddings only", {"similar.py": EMBED_SEARCH}),
    ("training", "missing", "hosted model API only", {"app/answer.py": CHAT_WRAPPER}),

    # error_analysis
    ("error_analysis", "strong", "confusion matrix", {"evaluate.py": CONFUSION_EVAL}),
    ("error_analysis", "weak", "errors in prose", {
        "README.md": doc(README_PLAIN, """
            ## Results

            We looked at some false positives and they were mostly short tickets.
        """)}),
    ("error_analysis", "missing", "training only", {"train.py": TRAIN_SCRIPT}),

    # drift_checks
    ("drift_checks", "strong", "KS test job", {"monitoring/drift.py": DRIFT_JOB}),
    ("drift_checks", "strong", "evidently report", {"jobs/drift_report.py": EVIDENTLY_JOB}),
    ("drift_checks", "weak", "drift in prose", {
        "README.md": doc(README_PLAIN, """
            ## Future work

            Add data drift detection so we know when to retrain.
        """)}),
    ("drift_checks", "missing", "training only", {"train.py": TRAIN_SCRIPT}),

    # tech_memo
    ("tech_memo", "strong", "design doc", {"README.md": README_PLAIN, "docs/design.md": DESIGN_MEMO}),
    ("tech_memo", "weak", "short design section", {
        "README.md": doc(README_PLAIN, """
            ## Design decisions

            I used keyword rules instead of a model because there were only forty labelled tickets.
        """), "app/main.py": FASTAPI_APP}),
    ("tech_memo", "missing", "setup-only README", {"README.md": README_PLAIN, "app/main.py": FASTAPI_APP}),

    # tests_ci
    ("tests_ci", "strong", "pytest + github actions", {
        "app/__init__.py": "", "app/main.py": FASTAPI_APP, "tests/test_main.py": PYTEST_FILE,
        ".github/workflows/ci.yml": CI_PYTEST}),
    ("tests_ci", "strong", "jest + github actions", {
        "package.json": PACKAGE_JSON_NEXT, "src/format.ts": FORMAT_TS, "src/format.test.ts": JEST_TEST,
        ".github/workflows/test.yml": CI_NPM}),
    ("tests_ci", "weak", "tests without CI", {
        "app/__init__.py": "", "app/main.py": FASTAPI_APP, "tests/test_main.py": PYTEST_FILE}),
    ("tests_ci", "weak", "CI that only lints", {"app/main.py": FASTAPI_APP, ".github/workflows/lint.yml": CI_LINT_ONLY}),
    ("tests_ci", "missing", "no tests", {"app/main.py": FASTAPI_APP}),
]


class Tags(HTMLParser):
    """Every start tag (with its attributes) and every text run of an HTML document, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)
