"""Strings of the block area: {key: (english, korean)}."""
TEXT: dict[str, tuple[str, str]] = {
}
