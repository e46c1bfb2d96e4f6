"""Evidence judged where it stands: words out of their meaning do not count, text the author did not write for
the project does not count, and results written as tables, code shapes or CI scripts do.

Each test builds a small repository the way real projects show (or only seem to show) a piece of evidence.
"""

from __future__ import annotations

import json

import pytest
from _repos import FASTAPI_APP, README_PLAIN, TRAIN_SCRIPT, doc, notebook


def status(result, kind: str) -> str:
    return result.finding(kind).status


# --- words out of their meaning --------------------------------------------------------------------------------

def test_llm_as_judge_inside_a_prompt_string_is_not_judge_code(make_repo, scan):
    repo = make_repo({"app/prompts.py": '''
        SYSTEM = """You are a helpful assistant. Never act as an LLM-as-a-judge or grade answers;
        a judge_prompt is not your job."""
    '''})
    assert status(scan(repo), "evals") == "missing"


def test_a_regex_character_class_is_not_a_vector_search_operator(make_repo, scan):
    repo = make_repo({"app/parse.py": '''
        import re

        OPERATORS = re.compile(r"[<=>]+")


        def split(expr: str) -> list[str]:
            return OPERATORS.split(expr)
    '''})
    assert status(scan(repo), "retrieval") == "missing"


def test_example_output_in_a_fenced_block_is_not_a_reported_result(make_repo, scan):
    fenced = doc(README_PLAIN, """
        ## Example output

        ```
        accuracy: 0.93
        p95 latency: 120 ms
        ```
    """)
    result = scan(make_repo({"README.md": fenced}))
    assert status(result, "evals") == "missing"
    assert status(result, "latency_cost") == "missing"
    reported = doc(README_PLAIN, """
        ## Results

        On the held-out test set the classifier reaches accuracy: 0.93; p95 latency is 120 ms per request.
    """)
    result = scan(make_repo({"README.md": reported}, name="reported"))
    assert status(result, "evals") == "strong"
    assert status(result, "latency_cost") == "strong"


def test_refuse_about_files_is_not_a_guardrail_but_about_a_model_it_is_prose(make_repo, scan):
    os_text = doc(README_PLAIN, "The cleanup script may refuse to delete files that are open in another program.")
    assert status(scan(make_repo({"README.md": os_text})), "failure_handling") == "missing"
    llm_text = doc(README_PLAIN, "The assistant will refuse off-topic questions instead of guessing an answer.")
    assert status(scan(make_repo({"README.md": llm_text}, name="llm")), "failure_handling") == "weak"


# --- images: only a screenshot or a demo shows a user-facing experience -----------------------------------------

@pytest.mark.parametrize("image", [
    "[![CI](https://github.com/ada/triage/actions/workflows/ci.yml/badge.svg)](https://github.com/ada/triage/actions)",
    "![Python](https://img.shields.io/badge/python-3.11-blue.svg)",
    '<img src="docs/logo.png" alt="ticket-triage logo" width="120">',
    "![Architecture](docs/architecture.png)",
    "![](reports/figures/loss_curve.png)",
    '<img src="docs/sequence_diagram.svg">',
    "![confusion matrix](images/confusion_matrix.png)",
])
def test_badges_logos_diagrams_and_plots_are_not_screenshots(make_repo, scan, image):
    readme = doc(README_PLAIN, image)
    assert status(scan(make_repo({"README.md": readme})), "ux") == "missing"


@pytest.mark.parametrize("image", [
    "![Screenshot of the chat page](docs/screenshot.png)",
    "![demo](assets/demo.gif)",
    "## Demo\n\n![](assets/app.png)",
    '<img src="docs/ui.png" alt="The triage UI">',
])
def test_screenshots_and_demos_show_a_user_facing_experience(make_repo, scan, image):
    readme = doc(README_PLAIN, image)
    result = scan(make_repo({"README.md": readme}))
    assert status(result, "ux") == "strong"
    assert result.finding("ux").locations[0].path == "README.md"


def test_an_html_page_with_controls_served_from_python_is_a_ui(make_repo, scan):
    repo = make_repo({"app/page.py": '''
        INDEX_HTML = """<!doctype html>
        <html><body>
          <form id="ask"><textarea name="q"></textarea><button type="submit">Ask</button></form>
        </body></html>"""
    ''', "app/main.py": FASTAPI_APP})
    assert status(scan(repo), "ux") == "strong"


def test_generated_html_reports_are_not_a_front_end(make_repo, scan):
    repo = make_repo({"reports/eda_report.html": "<html><body><input type='checkbox'><div>plot</div></body></html>\n",
                      "README.md": README_PLAIN})
    assert status(scan(repo), "ux") == "missing"


# --- provenance: text the author did not write for the project ---------------------------------------------------

def test_plans_written_for_an_ai_coding_assistant_are_not_evidence(make_repo, scan):
    plan = doc("""
        # Agent tool-calling implementation plan

        > **For agentic workers:** REQUIRED SUB-SKILL: use the executing-plans skill to implement this plan.

        Build an agent loop with tool calling and function calling over a vector store for RAG retrieval,
        with guardrails, retries and a fallback model. Add Prometheus monitoring and a Grafana dashboard.
    """)
    result = scan(make_repo({"README.md": README_PLAIN, "docs/plans/2026-01-02-agent.md": plan}))
    for kind in ("tool_use", "retrieval", "failure_handling", "monitoring"):
        assert status(result, kind) == "missing", kind


def test_contributing_and_changelog_rationale_is_not_a_memo(make_repo, scan):
    why = doc("""
        # Contributing

        We prefer small pull requests because they are easier to review; we chose ruff instead of flake8
        since it is faster than the alternatives, and we decided to keep the tradeoffs of each decision in
        the pull request description so reviewers can compare them with the previous design.
    """)
    result = scan(make_repo({"README.md": README_PLAIN, "CONTRIBUTING.md": why, "CHANGELOG.md": why}))
    assert status(result, "tech_memo") == "missing"


def test_documents_an_app_indexes_are_its_knowledge_base_not_write_ups(make_repo, scan):
    kb = doc("""
        # Returns: known issues

        ## What went wrong with late refunds

        Refunds failed for orders placed during the sale because the payment provider timed out; the root cause
        was a missing retry, and the fix was to queue refunds. Customers should contact support if a refund is
        more than ten days late, and agents should escalate to a human supervisor when the order is disputed.
    """)
    repo = make_repo({
        "README.md": README_PLAIN,
        "app/ingest.py": '''
            from langchain_community.document_loaders import DirectoryLoader


            def load():
                return DirectoryLoader("content/policies", glob="**/*.md").load()
        ''',
        "content/policies/returns.md": kb,
    })
    assert status(scan(repo), "postmortem") == "missing"


# --- structure: results written as tables -------------------------------------------------------------------

def test_a_results_table_with_a_zero_shot_row_is_a_baseline_comparison(make_repo, scan):
    readme = doc(README_PLAIN, """
        ## Results

        | Model | Accuracy | Macro F1 |
        |---|---|---|
        | zero-shot (base model) | 0.61 | 0.55 |
        | fine-tuned LoRA | 0.78 | 0.74 |
    """)
    result = scan(make_repo({"README.md": readme}))
    assert status(result, "baselines") == "strong"
    assert status(result, "evals") == "strong"
    assert result.finding("baselines").locations[0].text.startswith("| Model | Accuracy")


def test_a_runtime_column_is_a_latency_figure(make_repo, scan):
    readme = doc(README_PLAIN, """
        ## Benchmarks

        | Retriever | Recall@10 | Runtime (min) |
        |---|---|---|
        | dense | 0.71 | 12.5 |
        | hybrid | 0.78 | 14.0 |
    """)
    assert status(scan(make_repo({"README.md": readme})), "latency_cost") == "strong"


def test_a_table_split_by_subject_is_error_analysis(make_repo, scan):
    readme = doc(README_PLAIN, """
        ## Accuracy by subject

        | Subject | Accuracy | n |
        |---|---|---|
        | cardiology | 0.71 | 120 |
        | pediatrics | 0.52 | 96 |
        | surgery | 0.66 | 140 |
    """)
    assert status(scan(make_repo({"README.md": readme})), "error_analysis") == "strong"


def test_a_printed_dataframe_comparing_models_in_a_notebook_output_is_read_as_a_table(make_repo, scan):
    printed = ("                model  accuracy    f1\n"
               "0  LogisticRegression      0.81  0.77\n"
               "1        RandomForest      0.86  0.83\n")
    nb = notebook(("code", "import pandas as pd\nresults = pd.DataFrame(rows)\nresults"), outputs={0: printed})
    result = scan(make_repo({"compare.ipynb": nb}))
    assert status(result, "baselines") == "strong"
    (loc,) = [loc for loc in result.finding("baselines").locations if loc.path == "compare.ipynb"]
    assert "model" in loc.text and "accuracy" in loc.text


def test_a_settings_table_is_not_a_result(make_repo, scan):
    readme = doc(README_PLAIN, """
        | Setting | Value |
        |---|---|
        | batch size | 32 |
        | epochs | 3 |
    """)
    result = scan(make_repo({"README.md": readme}))
    assert status(result, "baselines") == "missing"
    assert status(result, "error_analysis") == "missing"


# --- structure: code shapes ----------------------------------------------------------------------------------------

RETRY = '''
    import time

    import httpx


    def ask(client: httpx.Client, prompt: str) -> str:
        for attempt in range(5):
            try:
                return client.post(
                    "/v1/answer",
                    json={"prompt": prompt},
                ).json()["text"]
            except httpx.HTTPError:
                time.sleep(2 ** attempt)
        raise RuntimeError("the model API kept failing")


    if __name__ == "__main__":
        print(ask(httpx.Client(base_url="http://localhost:8000"), "hello"))
'''


def test_a_retry_loop_that_waits_between_attempts_is_failure_handling(make_repo, scan):
    result = scan(make_repo({"app/client.py": RETRY}))
    assert status(result, "failure_handling") == "strong"
    assert result.finding("failure_handling").locations[0].text == "for attempt in range(5):"


def test_a_timeout_alone_is_weak_failure_handling(make_repo, scan):
    repo = make_repo({"app/client.py": '''
        import requests


        def fetch(url: str) -> dict:
            return requests.get(url, timeout=10).json()
    '''})
    assert status(scan(repo), "failure_handling") == "weak"


def test_client_arguments_split_across_lines_are_read(make_repo, scan):
    repo = make_repo({"app/llm.py": '''
        from openai import OpenAI

        client = OpenAI(
            timeout=20,
            max_retries=3,
        )
    '''})
    assert status(scan(repo), "failure_handling") == "strong"


def test_a_fallback_computed_in_the_except_branch_is_failure_handling(make_repo, scan):
    repo = make_repo({"app/answer.py": '''
        def answer(question, primary, backup):
            try:
                reply = primary.invoke(question)
            except TimeoutError:
                reply = backup.invoke(question)
            return reply
    ''', "app/main.py": "from app.answer import answer\n\nprint(answer('hi', primary=None, backup=None))\n"})
    assert status(scan(repo), "failure_handling") == "strong"


# --- following the thread: CI into the scripts it calls --------------------------------------------------------

def test_ci_that_runs_tests_through_make_and_a_script_runs_the_tests(make_repo, scan):
    repo = make_repo({
        "tests/test_triage.py": "def test_routes():\n    assert True\n",
        "Makefile": "unit:\n\tbash scripts/run_unit.sh\n\nlint:\n\truff check .\n",
        "scripts/run_unit.sh": "#!/bin/sh\nset -e\npython -m pytest -q tests\n",
        ".github/workflows/ci.yml": """
            name: ci
            on: [push]
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: make unit
        """,
    })
    result = scan(repo)
    assert status(result, "tests_ci") == "strong"
    ci = [loc for loc in result.finding("tests_ci").locations if loc.path.startswith(".github")]
    assert ci and "make unit" in ci[0].text and "pytest" in ci[0].text


def test_ci_that_only_lints_through_make_does_not_run_tests(make_repo, scan):
    repo = make_repo({
        "tests/test_triage.py": "def test_routes():\n    assert True\n",
        "Makefile": "lint:\n\truff check .\n",
        ".github/workflows/ci.yml": "on: [push]\njobs:\n  lint:\n    steps:\n      - run: make lint\n",
    })
    assert status(scan(repo), "tests_ci") == "weak"


# --- production, not offline scripts -------------------------------------------------------------------------------

def test_logging_in_an_offline_training_script_is_not_monitoring(make_repo, scan):
    train = "import logging\n\nlogging.basicConfig(level=logging.INFO)\n" + TRAIN_SCRIPT
    assert status(scan(make_repo({"train.py": train})), "monitoring") == "missing"


# --- write-ups judged by what they say ----------------------------------------------------------------------------

def test_a_root_cause_write_up_under_any_name_is_a_postmortem(make_repo, scan):
    story = doc("""
        # Why the bot answered Kyrgyz questions in Russian

        ## What we saw

        After the release, 83% of failures were Kyrgyz queries: the bot replied in Russian. The failure was
        reproducible on price and address questions, and the wrong language broke the booking flow twice.

        ## Mechanism

        The root cause was the prompt: language detection was left to the model, and the hotel data was Russian
        only, so factual answers were copied in Russian. We traced it to the data block because forcing the
        language fixed 5/5 cases.

        ## Fix and verification

        We fixed the prompt with a detected-language directive and bilingual data; the re-measured pass rate on
        the Kyrgyz suite rose from 0.76 to 0.93, verified on the full 1000-case run.
    """)
    result = scan(make_repo({"README.md": README_PLAIN, "docs/kyrgyz-language-bug.md": story}))
    assert status(result, "postmortem") == "strong"


def test_a_setup_troubleshooting_faq_is_not_a_postmortem_but_known_issues_are_thin(make_repo, scan):
    faq = doc(README_PLAIN, """
        ## Troubleshooting

        | Issue | Solution |
        |---|---|
        | Redis connection failed | Run `redis-cli ping` to check Redis is up |
        | Email send failed | Use an app password |
    """)
    assert status(scan(make_repo({"README.md": faq})), "postmortem") == "missing"
    known = doc(README_PLAIN, """
        ## Known issues

        Answers in Kyrgyz sometimes come back in Russian; long PDFs time out during ingestion.
    """)
    assert status(scan(make_repo({"README.md": known}, name="known")), "postmortem") == "weak"


def test_a_notebook_write_up_spread_over_many_cells_is_judged_whole(make_repo, scan):
    cells = []
    for topic in ("class imbalance", "the recall target", "threshold choice", "model choice", "next steps"):
        cells.append(("markdown", f"### On {topic}\n\n" + (
            f"We chose to weigh {topic} because false negatives cost more than false positives; compared with "
            "the random forest, the gradient boosting model was better than the alternatives at the cost of "
            "slower training, a tradeoff we accepted. With more time we would calibrate the scores instead of "
            "moving the threshold, and we decided to report recall at a fixed precision so the choice is clear. "
        ) * 2))
    result = scan(make_repo({"analysis.ipynb": notebook(*cells)}))
    assert status(result, "tech_memo") == "strong"


# --- every location shows its evidence -------------------------------------------------------------------------

def test_every_location_carries_the_text_found_there(make_repo, scan, tmp_path):
    repo = make_repo({"app/client.py": RETRY, "app/main.py": FASTAPI_APP, "README.md": README_PLAIN})
    result = scan(repo)
    shown = [loc for f in result.evidence for loc in f.locations if loc.line is not None]
    assert shown
    for loc in shown:
        line = (repo / loc.path).read_text().splitlines()[loc.line - 1]
        assert loc.text and loc.text.rstrip("…") in " ".join(line.split()), (loc, line)
    report = json.dumps([{"text": loc.text} for loc in shown])
    assert "\\u001b" not in report


# --- built and used, or defined and forgotten ------------------------------------------------------------------

SEARCH_MODULE = '''
    import faiss


    def search(index: faiss.Index, query, k: int = 5):
        return index.search(query, k)
'''


def test_retrieval_that_nothing_calls_is_weak(make_repo, scan):
    finding = scan(make_repo({"rag/search.py": SEARCH_MODULE})).finding("retrieval")
    assert finding.status == "weak"
    assert "never called" in finding.reason


def test_the_same_retrieval_called_by_the_app_is_strong(make_repo, scan):
    app = "from rag.search import search\n\nprint(search(load_index(), embed('refunds')))\n"
    assert status(scan(make_repo({"rag/search.py": SEARCH_MODULE, "app.py": app})), "retrieval") == "strong"


def test_a_function_called_only_from_an_experiments_folder_is_weak(make_repo, scan):
    demo = "from rag.search import search\n\nprint(search(None, None))\n"
    result = scan(make_repo({"rag/search.py": SEARCH_MODULE, "experiments/try_search.py": demo}))
    assert status(result, "retrieval") == "weak"


def test_a_method_marked_experimental_is_weak(make_repo, scan):
    client = '''
        from openai import OpenAI

        from helpers import experimental


        class Client:
            def __init__(self) -> None:
                self.llm = OpenAI()

            @experimental
            def call_tools(self, prompt: str, tools: list[dict]):
                return self.llm.chat.completions.create(model="gpt-4o-mini", messages=[prompt], tools=tools)
    '''
    app = "from client import Client\n\nprint(Client().call_tools('weather?', []))\n"
    assert status(scan(make_repo({"client.py": client, "app.py": app})), "tool_use") == "weak"


def test_a_console_script_entry_point_is_a_use(make_repo, scan):
    pyproject = '[project]\nname = "rag"\nversion = "0"\n\n[project.scripts]\nrag-search = "rag.search:search"\n'
    assert status(scan(make_repo({"rag/search.py": SEARCH_MODULE, "pyproject.toml": pyproject})),
                  "retrieval") == "strong"



@pytest.mark.parametrize("other", [
    "from rag.search import search\n",  # imported, never called
    "from rag import search as s\n\nresults = run(search=True)\n",  # a keyword argument of the same name
    "search = None\n",  # a variable of the same name
    "# search(index, query)\nprint('search(index, query)')\n",  # a comment and a string
])
def test_a_name_that_is_never_read_as_a_call_leaves_the_function_unused(make_repo, scan, other):
    result = scan(make_repo({"rag/search.py": SEARCH_MODULE, "app.py": other}))
    assert status(result, "retrieval") == "weak"


def test_a_function_that_only_calls_itself_is_unused(make_repo, scan):
    recursive = SEARCH_MODULE + "        return search(index, query, k - 1) if k > 1 else None\n"
    assert status(scan(make_repo({"rag/search.py": recursive})), "retrieval") == "weak"


@pytest.mark.parametrize("use", [
    "handler = search\n",  # passed on as a value
    "print(f'{len(results)}')\nresults = [search(i, q) for i, q in pairs]\n",
    "class App:\n    def run(self):\n        return self.index.search and search(self.index, 'q')\n",
])
def test_a_function_read_anywhere_else_is_used(make_repo, scan, use):
    assert status(scan(make_repo({"rag/search.py": SEARCH_MODULE, "app.py": use})), "retrieval") == "strong"

# --- committed result files --------------------------------------------------------------------------------------

def test_a_backtest_csv_with_naive_rows_is_a_baseline_comparison(make_repo, scan):
    csv = ("fold,store_id,model,mae,mape\n"
           "2024-12-09,S01,naive,12.75,9.95\n2024-12-09,S01,seasonal_naive,11.20,8.70\n"
           "2024-12-09,S01,lgbm,7.19,6.05\n2024-12-16,S01,naive,13.10,10.02\n")
    result = scan(make_repo({"reports/backtest_2025.csv": csv, "README.md": README_PLAIN}))
    assert status(result, "baselines") == "strong"
    assert status(result, "evals") == "strong"
    assert result.finding("baselines").locations[0].path == "reports/backtest_2025.csv"


def test_a_json_report_with_a_majority_baseline_is_a_baseline_comparison(make_repo, scan):
    report = json.dumps({"model": "flan-t5", "accuracy": 0.44, "f1": 0.43,
                         "baseline_majority": {"accuracy": 0.28, "f1": 0.12},
                         "baseline_random": {"accuracy": 0.26, "f1": 0.26}}, indent=2)
    assert status(scan(make_repo({"results/agnews.json": report})), "baselines") == "strong"


def test_a_benchmark_csv_with_latency_and_cost_columns_is_a_latency_figure(make_repo, scan):
    csv = ("model_name,task,latency,input_tokens,output_tokens,cost_estimate\n"
           "gpt-4.1,code,9.62,120,800,0.0093\nclaude-sonnet,code,15.61,120,950,0.0121\n")
    assert status(scan(make_repo({"results/benchmark_data.csv": csv})), "latency_cost") == "strong"


def test_a_data_csv_is_not_read_as_results(make_repo, scan):
    csv = "customer_id,model,tenure,monthly_charges\n1,basic,12,29.5\n2,premium,40,99.0\n"
    result = scan(make_repo({"data/customers.csv": csv}))
    assert status(result, "baselines") == "missing" and status(result, "evals") == "missing"


# --- context that turns a signal off ------------------------------------------------------------------------------

def test_a_streamlit_viewer_of_monitoring_reports_is_not_a_user_facing_ui(make_repo, scan):
    viewer = '''
        """Show the model performance and target drift reports to the on-call engineer."""
        import streamlit as st
        import streamlit.components.v1 as components

        REPORT_PATH = "reports/drift_report.html"
        components.html(open(REPORT_PATH).read(), height=900)
    '''
    layout = "import streamlit as st\n\nst.title('Ops')\n"
    result = scan(make_repo({"ops/dashboard.py": viewer, "ops/layout.py": layout}))
    assert status(result, "ux") != "strong"


def test_prompt_only_guardrails_are_weak(make_repo, scan):
    rag = '''
        PROMPT = """Answer using only the provided context. If the answer is not there, say "I don't know"."""
    '''
    assert status(scan(make_repo({"app/prompt.py": rag})), "failure_handling") == "weak"


def test_waiting_for_a_service_to_start_is_not_a_retry_policy(make_repo, scan):
    wait = '''
        import time
        import urllib.request

        for i in range(60):
            try:
                urllib.request.urlopen("http://qdrant:6333/readyz", timeout=2)
                break
            except Exception:
                pass
            time.sleep(2)
    '''
    assert status(scan(make_repo({"wait_for_qdrant.py": wait})), "failure_handling") == "weak"


def test_a_fallback_around_reading_a_file_is_not_a_guardrail(make_repo, scan):
    train = '''
        import pandas as pd


        def load():
            try:
                df = pd.read_csv("data/churn.csv")
            except FileNotFoundError:
                df = make_synthetic()
            return df


        if __name__ == "__main__":
            print(load())
    '''
    assert status(scan(make_repo({"train_model.py": train})), "failure_handling") == "missing"


def test_cleaning_inside_a_training_script_is_a_weak_pipeline(make_repo, scan):
    train = "import pandas as pd\n\ndf = pd.read_csv('data.csv').dropna()\nmodel.fit(df.drop(columns=['y']), df['y'])\n"
    assert status(scan(make_repo({"train.py": train})), "data_pipeline") == "weak"


def test_a_generated_section_marker_inside_a_readme_does_not_make_it_generated(make_repo, scan):
    readme = doc("""
        # Retrieval ablation

        ## Results

        <!-- generated:headline -->
        | Configuration | nDCG@10 |
        |---|---|
        | BM25 baseline | 0.197 |
        | hybrid + rerank | 0.219 |
    """)
    assert status(scan(make_repo({"README.md": readme})), "baselines") == "strong"


def test_tutorial_folders_are_not_the_authors_results(make_repo, scan):
    tutorial = doc("""
        # Step 5: train the models

        | Model | RMSE |
        |---|---|
        | Linear regression (baseline) | 41.2 |
        | XGBoost | 28.3 |
    """)
    assert status(scan(make_repo({"docs/tutorial/05-training.md": tutorial})), "baselines") == "missing"


def test_a_fallback_is_read_from_its_try_statement_even_where_the_rest_of_the_file_does_not_parse(make_repo, scan):
    client = '''
        import openai

        print "migrated from Python 2"


        def answer(q):
            try:
                return openai.chat.completions.create(model="gpt-4o", messages=q)
            except openai.APIError:
                return openai.chat.completions.create(model="gpt-4o-mini", messages=q)


        print(answer([]))
    '''
    finding = scan(make_repo({"app.py": client})).finding("failure_handling")
    assert finding.status == "strong"
    assert any(loc.path == "app.py" and loc.text == "except openai.APIError:" for loc in finding.locations)
