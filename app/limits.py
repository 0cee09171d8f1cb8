"""The upload limits a student meets, stated next to each upload in their language.

The server refuses files above ``server.maxUploadSize`` (.streamlit/config.toml) before the
app sees them, with Streamlit's own English message; ``model.images`` refuses images above
``MAX_IMAGE_PIXELS`` from the header, before decoding. Saying both up front, in English or
Korean, spares students a failed upload.
"""
from __future__ import annotations

import streamlit as st

from app.ui import tr


def image_upload_help() -> str:
    """Help text for an image upload: the size and pixel limits."""
    from model.images import MAX_IMAGE_PIXELS
    return tr("limits.image_upload", mb=st.get_option("server.maxUploadSize"),
              mp=MAX_IMAGE_PIXELS // 1_000_000)


def checkpoint_upload_help() -> str:
    """Help text for a checkpoint upload: the size limit and that only tensors are read."""
    return tr("limits.checkpoint_upload", mb=st.get_option("server.maxUploadSize"))
