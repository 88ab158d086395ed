"""Root URL matching for private signatures, as Grafana does it.

A manifest's `rootUrls` entry matches Grafana's `root_url` when scheme, host and the cleaned request URI are equal;
for `private-glob` signatures an entry may also be a glob over the whole URL, with `/` and `.` as separators
(`*` stays within one label or segment, `**` crosses them, `?`, `[a-z]`, `[!a]`, `{a,b}`, `\\` escapes).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

__all__ = ["is_valid_root_url", "normalize_root_url", "root_url_matches"]

_SEPARATORS = "/."


def is_valid_root_url(value: str) -> bool:
    """Tell whether `value` is an absolute URL (a scheme and a host), as the signer requires."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


def normalize_root_url(value: str) -> str:
    """Return `value` with a trailing `/`, as Grafana stores its `root_url` setting."""
    return value if value.endswith("/") else value + "/"


def _request_uri(value: str) -> tuple[str, str, str]:
    parts = urlsplit(value)
    uri = parts.path or "/"
    if parts.query:
        uri += "?" + parts.query
    cleaned = posixpath.normpath(uri)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return parts.scheme.lower(), parts.netloc, cleaned


def root_url_matches(specs: Sequence[str], root_url: str, signature_type: str) -> bool:
    """Tell whether Grafana running at `root_url` accepts a signature restricted to `specs`.

    Raises:
        ValueError: an entry or `root_url` cannot be parsed, or a glob is malformed.
    """
    target = normalize_root_url(root_url)
    wanted = _request_uri(target)
    for spec in specs:
        try:
            exact = _request_uri(spec) == wanted
        except ValueError:  # Go's url.Parse accepts glob characters such as `[` in hosts; Python's does not
            exact = False
        if exact:
            return True
        if signature_type == "private-glob" and glob_to_regex(spec).fullmatch(target):
            return True
    return False


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a gobwas/glob-style pattern with `/` and `.` as separators."""
    regex, index = _translate(pattern, 0, inside_braces=False)
    if index != len(pattern):
        raise ValueError(f"unexpected `{pattern[index]}` in glob `{pattern}`")
    return re.compile(regex, re.DOTALL)


def _translate(pattern: str, index: int, *, inside_braces: bool) -> tuple[str, int]:
    out: list[str] = []
    no_sep = "[^" + re.escape(_SEPARATORS) + "]"
    while index < len(pattern):
        char = pattern[index]
        if inside_braces and char in ",}":
            return "".join(out), index
        if char == "\\":
            if index + 1 >= len(pattern):
                raise ValueError(f"glob `{pattern}` ends with an escape")
            out.append(re.escape(pattern[index + 1]))
            index += 2
        elif char == "*":
            if pattern.startswith("**", index):
                out.append(".*")
                index += 2
            else:
                out.append(no_sep + "*")
                index += 1
        elif char == "?":
            out.append(no_sep)
            index += 1
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end < 0:
                raise ValueError(f"unclosed `[` in glob `{pattern}`")
            body = pattern[index + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            if not body:
                raise ValueError(f"empty `[]` in glob `{pattern}`")
            out.append("[" + ("^" if negate else "") + _char_class(body) + "]")
            index = end + 1
        elif char == "{":
            options: list[str] = []
            index += 1
            while True:
                option, index = _translate(pattern, index, inside_braces=True)
                options.append(option)
                if index >= len(pattern):
                    raise ValueError(f"unclosed `{{` in glob `{pattern}`")
                index += 1
                if pattern[index - 1] == "}":
                    break
            out.append("(?:" + "|".join(options) + ")")
        else:
            out.append(re.escape(char))
            index += 1
    return "".join(out), index


def _char_class(body: str) -> str:
    parts: list[str] = []
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            parts.append(re.escape(body[index]) + "-" + re.escape(body[index + 2]))
            index += 3
        else:
            parts.append(re.escape(body[index]))
            index += 1
    return "".join(parts)
