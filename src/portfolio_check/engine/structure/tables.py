"""Tables read as rows and columns, and what a table of results shows.

Results are often written as tables without the words a keyword search looks for: methods against metrics (a
comparison), a reference row such as zero-shot, default or "without reranking" (a baseline), a runtime or cost
column (latency and cost figures), or one row per class, segment or subject (error analysis). Tables come from
markdown pipes, HTML ``<table>`` (pandas' notebook outputs) and whitespace-aligned text (a printed DataFrame or a
classification report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COLUMNS = 40
MAX_ROWS = 400
MAX_CELL = 200

_NUMBER = re.compile(
    r"^[\s*_`(~≈<>≤≥]*[-+−]?(?:\$|€|£)?\s?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:e[-+]?\d+)?\s*"
    r"(?:%|pp|x|×|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?|ms/\w+|tok/s|tokens?/s|it/s|req/s|rps|qps|"
    r"k|m|b|gb|mb|usd|\$)?\s*(?:[±(][^)]{0,20}\)?)?[\s*_`)]*$",
    re.I,
)
_HAS_DIGIT = re.compile(r"\d")
METRIC = re.compile(
    r"(?i)\b(?:acc(?:uracy)?|f1|f-?score|auc|roc|pr-?auc|ap|map|precision|recall|prec|rec|rmse|rmsle|mse|mae|mape|"
    r"smape|wape|r2|r²|r\^2|loss|ndcg|mrr|hit(?:s|[ _-]?rate)?|recall@\d+|p@\d+|bleu|rouge\S*|meteor|em|"
    r"exact[ _-]?match|"
    r"(?:f1|bleu|rouge|r2|accuracy|eval|test|val|mteb|quality|similarity|relevance)[ _-]?score|error|err|wer|cer|"
    r"perplexity|ppl|win[ _-]?rate|pass(?:@\d+| rate)?|faithfulness|relevan\w*|correctness|groundedness|"
    r"hallucination\w*|kappa|κ|mcc|brier|log[ _-]?loss|iou|dice|top-?\d|silhouette|agreement|success rate|"
    r"val(?:idation)?[ _-]?(?:acc\w*|loss|f1|auc|rmse|mae|score)|test[ _-]?(?:acc\w*|loss|f1|auc|rmse|mae|score)|"
    r"(?:mean |avg |average |episode |total |final )?(?:reward|return)s?)\b"
)
TIMING = re.compile(
    r"(?i)(?:\b(?:latency|runtime|run[ _-]?time|duration|time|elapsed|p50|p90|p95|p99|ttft|throughput|"
    r"tokens?/s|tok/s|qps|rps|cost|usd|seconds|ms)\b|\$|\((?:ms|s|sec|min|h|\$)\))"
)
COMPARED = re.compile(
    r"(?i)\b(?:model|method|approach|system|config(?:uration)?|variant|setup|pipeline|experiment|run|strategy|"
    r"retriever|retrieval|algorithm|classifier|regressor|estimator|technique|prompt|llm|embedding|architecture|"
    r"name|condition|arm|version)s?\b"
)
SEGMENT = re.compile(
    r"(?i)\b(?:class(?:es)?|label|category|categories|segment|group|subject|slice|cohort|region|machine|type|bucket|"
    r"tier|gender|sex|age|language|domain|topic|intent|source|device|country|city|store|product|channel|"
    r"difficulty|length|entity|genre|user[ _-]?group|subset|split|fold|dataset|task|question[ _-]?type)s?\b"
)
REFERENCE = re.compile(
    r"(?i)(?<![\w-])(?:baseline|dummy\w*|majority\w*|most[ _-]frequent|naive|random|zero[ -]?shot|few[ -]?shot|"
    r"base(?: model)?|"
    r"vanilla|default|untuned|un-?tuned|before|without|w/o|no[ _-]\w+|original|reference|pre-?trained|"
    r"off[ -]the[ -]shelf|bm25|tf-?idf|keyword|logistic[ _-]?regression|linear[ _-]?regression|logreg|ridge|lasso|"
    r"elastic[ _-]?net|(?:gaussian|multinomial)?[ _-]?nb|naive[ _-]?bayes|mean|median|"
    r"persistence|seasonal naive|previous|prior|old|v0|control|heuristic|rule[ -]based|long[ -]context|"
    r"floor|ceiling|stock|untrained|frozen)(?![\w-])"
)
_CHANGE_HEADER = re.compile(r"(?i)(?:\bvs\.?\s|\bbaseline\b|\bbefore\b|\bafter\b|(?:Δ|\bdelta\b|\bimprovement\b|"
                            r"\blift\b|\bgain\b|\buplift\b)\s*(?:vs\.?|over|from)\b)")
_TRAINING_LOG = re.compile(r"(?i)^\s*(?:epoch|epochs|step|steps|iter|iteration|global[ _]step|batch)\s*$")
_SUPPORT = re.compile(r"(?i)^\s*support\s*$")
_CLASS_REPORT_ROWS = re.compile(r"(?i)^\s*(?:macro avg|weighted avg|micro avg|accuracy)\s*$")


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    line: int  # the header's line (1-based) in the file


def is_number(cell: str) -> bool:
    c = cell.strip()
    return bool(c) and len(c) <= 40 and bool(_HAS_DIGIT.search(c)) and bool(_NUMBER.match(c))


def _numeric_columns(t: Table) -> list[int]:
    cols = []
    for j in range(1, len(t.header)):
        cells = [r[j] for r in t.rows if j < len(r) and r[j].strip() not in ("", "-", "—", "n/a", "N/A")]
        if cells and sum(is_number(c) for c in cells) >= max(1, (len(cells) * 3 + 3) // 4):
            cols.append(j)
    return cols


def _numeric_rows(t: Table, cols: list[int]) -> int:
    return sum(1 for r in t.rows if any(j < len(r) and is_number(r[j]) for j in cols))


def _words(t: Table) -> Table:
    """Names written with underscores (``baseline_majority``, ``avg_latency``) read as words."""
    return Table(tuple(h.replace("_", " ") for h in t.header),
                 tuple((r[0].replace("_", " "), *r[1:]) if r else r for r in t.rows), t.line)


def _label_first(t: Table) -> Table:
    """Long-format results (``fold, store, model, mae``) name what is compared in a column of their own: make it
    the label column."""
    if COMPARED.search(t.header[0]) or len(t.header) < 3:
        return t
    for j in range(1, len(t.header)):
        if re.fullmatch(r"(?i)\s*(?:model|method|approach|system|config(?:uration)?|variant|strategy|retriever|"
                        r"algorithm|model[ _]name|run|experiment)s?\s*", t.header[j]) \
                and not any(j < len(r) and is_number(r[j]) for r in t.rows):
            order = [j, *(k for k in range(len(t.header)) if k != j)]
            return Table(tuple(t.header[k] for k in order),
                         tuple(tuple(r[k] if k < len(r) else "" for k in order) for r in t.rows), t.line)
    return t


def _drop_index(t: Table) -> Table:
    """A printed DataFrame's first column is its integer index: the labels are in the next column."""
    if len(t.header) > 2 and t.rows and all(r and r[0].strip().isdigit() for r in t.rows) \
            and not any(len(r) > 1 and is_number(r[1]) for r in t.rows):
        return Table(t.header[1:], tuple(r[1:] for r in t.rows), t.line)
    return t


def judge(t: Table) -> list[str]:
    """What a table shows, as tags: ``results_table``, ``comparison_table``, ``baseline_table``,
    ``timing_table``, ``segment_table``."""
    if len(t.header) < 2 or not t.rows:
        return []
    if _TRAINING_LOG.match(t.header[0]):  # epoch-by-epoch training output: curves, not a reported result
        return []
    t = _words(_label_first(_drop_index(t)))
    cols = _numeric_columns(t)
    if not cols:
        return []
    first = t.header[0]
    headers = [t.header[j] for j in cols]
    metric_cols = [j for j in cols if METRIC.search(t.header[j]) and not TIMING.search(t.header[j])]
    timing_cols = [j for j in cols if TIMING.search(t.header[j])]
    labels = [r[0] for r in t.rows if r]
    numeric_rows = _numeric_rows(t, cols)
    tags: list[str] = []
    if metric_cols and numeric_rows >= 1:
        tags.append("results_table")
    if timing_cols and numeric_rows >= 1 and (metric_cols or COMPARED.search(first) or len(t.header) <= 4):
        tags.append("timing_table")
    per_class = any(_SUPPORT.match(h) for h in t.header) or sum(bool(_CLASS_REPORT_ROWS.match(x)) for x in labels) >= 2
    segment = per_class or (bool(SEGMENT.search(first)) and not COMPARED.search(first))
    compared = not segment and (bool(COMPARED.search(first)) or not first.strip() or metric_cols != [])
    if metric_cols and numeric_rows >= 2 and len(set(labels)) >= 2:
        if segment:
            tags.append("segment_table")
        elif compared:
            tags.append("comparison_table")
            if any(REFERENCE.search(x) for x in labels):
                tags.append("baseline_table")
    if metric_cols and any(_CHANGE_HEADER.search(h) for h in [*headers, first]) and numeric_rows >= 1:
        tags.append("baseline_table")
    if numeric_rows >= 1 and _split_columns(t, metric_cols):
        tags.append("segment_table")
    return list(dict.fromkeys(tags))


_NOT_A_SEGMENT = frozenset({"val", "valid", "validation", "test", "train", "training", "dev", "mean", "std", "avg",
                            "average", "ci", "min", "max", "median", "k", "at", "score", "macro", "micro", "weighted",
                            "top", "overall", "all", "total", "sd", "se", "err", "delta", "diff", "change", "vs"})


def _split_columns(t: Table, metric_cols: list[int]) -> bool:
    """One metric reported in several columns for different groups ("nDCG low-overlap", "nDCG high-overlap";
    "accuracy (RU)", "accuracy (KY)"): results split by segment."""
    groups: dict[str, set[str]] = {}
    for j in metric_cols:
        h = t.header[j]
        m = METRIC.search(h)
        if m is None or m.group().lower() in ("loss", "error", "err"):  # loss components are not segments
            continue
        rest = (h[: m.start()] + " " + h[m.end() :]).lower()
        words = [w for w in re.split(r"[^a-z]+", rest) if w]
        if words and not all(w in _NOT_A_SEGMENT or len(w) == 1 for w in words):
            groups.setdefault(m.group().lower(), set()).add(" ".join(words))
    return any(len(v) >= 2 for v in groups.values())


# --- readers of tables ------------------------------------------------------------------------------------------

_PIPE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def split_pipe_row(line: str) -> tuple[str, ...]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells = re.split(r"(?<!\\)\|", s, maxsplit=MAX_COLUMNS)
    return tuple(c.strip()[:MAX_CELL] for c in cells[:MAX_COLUMNS])


def pipe_tables(lines: list[str], first_line: int = 1) -> list[Table]:
    """Markdown pipe tables: a header row, a ``---`` separator row, then body rows."""
    out: list[Table] = []
    i, n = 0, len(lines)
    while i < n - 1:
        if "|" in lines[i] and _PIPE_SEP.match(lines[i + 1]) and "-" in lines[i + 1]:
            header = split_pipe_row(lines[i])
            rows: list[tuple[str, ...]] = []
            j = i + 2
            while j < n and "|" in lines[j] and lines[j].strip() and len(rows) < MAX_ROWS:
                rows.append(split_pipe_row(lines[j]))
                j += 1
            out.append(Table(header, tuple(rows), first_line + i))
            i = j
        else:
            i += 1
    return out


_TR_OPEN = re.compile(r"(?i)<tr\b")
_TR_CLOSE = re.compile(r"(?i)</tr\s*>")
_CELL_OPEN = re.compile(r"(?i)<t([hd])\b[^>]{0,500}>")
_CELL_CLOSE = re.compile(r"(?i)</t[hd]\s*>")
_TAG = re.compile(r"<[^>]{0,200}>")


def _cells(row: str) -> list[tuple[str, str]]:
    out = []
    parts = _CELL_OPEN.split(row)  # [before, kind, cell, kind, cell, ...]
    for k in range(1, len(parts) - 1, 2):
        out.append((parts[k], _CELL_CLOSE.split(parts[k + 1], maxsplit=1)[0]))
        if len(out) >= MAX_COLUMNS:
            break
    return out


def html_tables(html: str, line: int = 1) -> list[Table]:
    """Tables in HTML (pandas' ``DataFrame._repr_html_`` and hand-written ``<table>``)."""
    out: list[Table] = []
    for chunk in re.split(r"(?i)<table\b", html)[1:]:
        body = re.split(r"(?i)</table\s*>", chunk, maxsplit=1)[0]
        rows: list[tuple[str, ...]] = []
        header: tuple[str, ...] | None = None
        for piece in _TR_OPEN.split(body)[1:]:
            cells = _cells(_TR_CLOSE.split(piece, maxsplit=1)[0])
            texts = tuple(_TAG.sub("", c[1]).strip()[:MAX_CELL] for c in cells)
            if header is None and texts:  # the first row is the header (th cells or not)
                header = texts
            elif header is not None and texts:
                if len(rows) >= MAX_ROWS:
                    break
                rows.append(texts)
        if header is not None:
            if rows and len(header) == len(rows[0]) - 1:  # pandas: the index column has no header cell
                header = ("", *header)
            out.append(Table(header, tuple(rows), line))
    return out


def text_tables(text: str, first_line: int = 1) -> list[Table]:
    """Whitespace-aligned tables (a printed DataFrame, a classification report, a results printout): a header
    line of names, then at least two lines that each end in as many numbers as the header has numeric names."""
    out: list[Table] = []
    lines = text.split("\n")
    i, n = 0, len(lines)
    while i < n - 2:
        head = [c for c in re.split(r"\s{2,}", lines[i].strip()) if c]
        if 2 <= len(head) <= MAX_COLUMNS and not any(is_number(h) for h in head):
            rows: list[tuple[str, ...]] = []
            j = i + 1
            while j < n and len(rows) < MAX_ROWS:
                if not lines[j].strip():  # one blank line may separate the header or a block of rows
                    if j + 1 < n and lines[j + 1].strip():
                        j += 1
                        continue
                    break
                cells = [c for c in re.split(r"\s{2,}", lines[j].strip()) if c]
                if len(cells) >= 2 and sum(is_number(c) for c in cells[1:]) >= max(1, len(cells) - 2):
                    rows.append(tuple(cells))
                    j += 1
                else:
                    break
            if len(rows) >= 2:
                width = max(len(r) for r in rows)
                hdr = tuple(head) if len(head) >= width else ("", *head)
                out.append(Table(hdr[:MAX_COLUMNS], tuple(rows), first_line + i))
                i = j
                continue
        i += 1
    return out
