"""Strings of the relu area: {key: (english, korean)}."""
TEXT: dict[str, tuple[str, str]] = {
}
