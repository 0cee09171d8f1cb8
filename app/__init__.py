"""Streamlit pages and widgets of Manifold Lab (UI only; the math lives in manifolds/ and model/)."""
