"""Strings of the live area: {key: (english, korean)}."""
TEXT: dict[str, tuple[str, str]] = {
}
