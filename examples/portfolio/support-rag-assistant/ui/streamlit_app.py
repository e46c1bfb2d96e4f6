"""Chat front end for the support assistant.  streamlit run ui/streamlit_app.py"""
import os

import requests
import streamlit as st

API_URL = os.getenv("API_URL", "http://localhost:8000")

st.set_page_config(page_title="Parcelly support", page_icon="📦")
st.title("📦 Parcelly support assistant")
st.caption("Answers come from the help centre. Anything it is unsure about goes to a person.")

with st.sidebar:
    customer_id = st.text_input("Customer ID (optional)", placeholder="C000123")
    show_debug = st.toggle("Show model / latency", value=False)
    if st.button("Clear chat"):
        st.session_state.history = []

if "history" not in st.session_state:
    st.session_state.history = []

for turn in st.session_state.history:
    with st.chat_message(turn["role"]):
        st.markdown(turn["content"])

question = st.chat_input("Ask about orders, returns, delivery…")
if question:
    st.session_state.history.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(question)

    with st.chat_message("assistant"):
        with st.spinner("Looking that up…"):
            try:
                resp = requests.post(
                    f"{API_URL}/ask",
                    json={"question": question, "customer_id": customer_id or None},
                    timeout=30,
                )
                resp.raise_for_status()
                data = resp.json()
            except requests.RequestException:
                data = None

        if data is None:
            st.error("The assistant is unavailable right now. Please try again in a minute.")
        else:
            if data["escalated"]:
                st.warning("Handed to a support agent")
            st.markdown(data["answer"])
            if data["citations"]:
                with st.expander(f"Sources ({len(data['citations'])})"):
                    for c in data["citations"]:
                        st.markdown(f"**{c['source']}** · `{c['chunk_id']}`\n\n> {c['snippet']}…")
            if show_debug:
                st.caption(f"{data['model']} · {data['latency_ms']:.0f} ms · "
                           f"confidence {data['confidence']:.2f} · tokens {data['usage']}")
            col1, col2, _ = st.columns([1, 1, 6])
            idx = len(st.session_state.history)
            col1.button("👍", key=f"up{idx}")
            col2.button("👎", key=f"down{idx}")
            st.session_state.history.append({"role": "assistant", "content": data["answer"]})
