"""Strings of the classroom area: {key: (english, korean)}."""
TEXT: dict[str, tuple[str, str]] = {
}
