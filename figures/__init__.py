"""Plotly figure builders (data in, ``go.Figure`` out), shared by the pages and ``app.export``."""
