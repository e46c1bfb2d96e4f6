
"""Per-repository signals: notebook_only and the bridge-portfolio artifact role."""

from __future__ import annotations

import pytest
from _repos import (
    CHROMA_RAG,
    CLEAN_MODULE,
    CONFUSION_EVAL,
    DESIGN_MEMO,
    FASTAPI_APP,
    README_PLAIN,
    TOOLS_AGENT,
    TRAIN_SCRIPT,
    WORDCOUNT_LIB,
    notebook,
)

SENTIMENT_NOTEBOOK = notebook(
    ("markdown", "# Review sentiment\n\nTF-IDF features and a logistic regression, trained on 20k product reviews."),
    ("code", """
        import joblib
        import pandas as pd
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import accuracy_score
        from sklearn.model_selection import train_test_split
    """),
    ("code", """
        df = pd.read_csv("data/reviews.csv")
        X_train, X_test, y_train, y_test = train_test_split(df["text"], df["label"], test_size=0.2, random_state=1)
    """),
    ("code", """
        vec = TfidfVectorizer(min_df=2)
        clf = LogisticRegression(max_iter=1000)
        clf.fit(vec.fit_transform(X_train), y_train)
        print(accuracy_score(y_test, clf.predict(vec.transform(X_test))))
    """),
    ("code", 'joblib.dump((vec, clf), "model.joblib")'),
    outputs={3: "0.874\n"},
)

SENTIMENT_TRAIN_PY = '''
    """Train the review sentiment model."""
    import joblib
    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score
    from sklearn.model_selection import train_test_split


    def main() -> None:
        df = pd.read_csv("data/reviews.csv")
        X_train, X_test, y_train, y_test = train_test_split(df["text"], df["label"], test_size=0.2, random_state=1)
        vec = TfidfVectorizer(min_df=2)
        clf = LogisticRegression(max_iter=1000)
        clf.fit(vec.fit_transform(X_train), y_train)
        print(accuracy_score(y_test, clf.predict(vec.transform(X_test))))
        joblib.dump((vec, clf), "model.joblib")


    if __name__ == "__main__":
        main()
'''

PICKLE_APP = '''
    """Serve the saved sentiment model."""
    import pickle

    from flask import Flask, jsonify, request

    app = Flask(__name__)

    with open("model.pkl", "rb") as fh:
        vec, clf = pickle.load(fh)


    @app.post("/predict")
    def predict():
        text = request.get_json()["text"]
        return jsonify(label=str(clf.predict(vec.transform([text]))[0]))
'''

README = "# Review sentiment\n\nPredicts whether a product review is positive.\n"


# --- notebook_only ------------------------------------------------------------------------------------------


def test_training_only_in_a_notebook_is_notebook_only(make_repo, scan):
    result = scan(make_repo({"sentiment.ipynb": SENTIMENT_NOTEBOOK, "app.py": PICKLE_APP, "README.md": README}))
    assert result.notebook_only is True
    # the training itself is still found, in the notebook
    training = result.finding("training")
    assert training.status == "strong"
    assert {loc.path for loc in training.locations} == {"sentiment.ipynb"}


def test_same_training_in_a_module_is_not_notebook_only(make_repo, scan):
    result = scan(make_repo({"sentiment/train.py": SENTIMENT_TRAIN_PY, "app.py": PICKLE_APP, "README.md": README}))
    assert result.notebook_only is False
    assert result.finding("training").status == "strong"


def test_exploration_notebook_next_to_a_training_module_is_not_notebook_only(make_repo, scan):
    result = scan(make_repo({"sentiment/train.py": SENTIMENT_TRAIN_PY, "notebooks/explore.ipynb": SENTIMENT_NOTEBOOK,
                             "app.py": PICKLE_APP}))
    assert result.notebook_only is False


def test_repo_without_ml_code_is_not_notebook_only(make_repo, scan):
    nb = notebook(("markdown", "# Notes"), ("code", "print('hello')"))
    result = scan(make_repo({"scratch.ipynb": nb, "app/main.py": FASTAPI_APP}))
    assert result.notebook_only is False


# --- artifact role ------------------------------------------------------------------------------------------


def test_rag_and_tool_calling_app_is_an_ai_application(make_repo, scan):
    result = scan(make_repo({
        "app/__init__.py": "", "app/agent.py": TOOLS_AGENT, "app/retrieval.py": CHROMA_RAG,
        "app/main.py": FASTAPI_APP, "README.md": README_PLAIN,
    }))
    assert result.finding("retrieval").status == "strong"
    assert result.finding("tool_use").status == "strong"
    assert result.artifact == "ai_application"


def test_training_and_data_pipeline_project_is_a_model_project(make_repo, scan):
    result = scan(make_repo({
        "churn/__init__.py": "", "churn/features.py": CLEAN_MODULE, "churn/train.py": TRAIN_SCRIPT,
        "churn/evaluate.py": CONFUSION_EVAL, "README.md": "# Churn model\n\nPredicts 60-day cancellations.\n",
    }))
    assert result.finding("training").status == "strong"
    assert result.finding("data_pipeline").status == "strong"
    assert result.artifact == "model_project"


@pytest.mark.parametrize("memo_path", ["MEMO.md", "docs/design.md", "REPORT.md"])
def test_docs_only_repo_with_substantial_memo_is_a_tech_memo(make_repo, scan, memo_path):
    result = scan(make_repo({"README.md": "# Design notes\n\nWrite-ups on the support assistant.\n",
                             memo_path: DESIGN_MEMO}))
    assert result.finding("tech_memo").status == "strong"
    assert result.artifact == "tech_memo"


def test_docs_only_repo_with_thin_notes_is_not_a_tech_memo(make_repo, scan):
    result = scan(make_repo({"README.md": "# Notes\n\nSome links I liked.\n",
                             "NOTES.md": "# Notes\n\n- read the RAG paper\n- try FAISS because it is fast\n"}))
    assert result.finding("tech_memo").status != "strong"
    assert result.artifact != "tech_memo"


def test_plain_library_plays_no_artifact(make_repo, scan):
    result = scan(make_repo({"wordcount/__init__.py": "", "wordcount/core.py": WORDCOUNT_LIB,
                             "README.md": README_PLAIN}))
    assert result.artifact == "none"
