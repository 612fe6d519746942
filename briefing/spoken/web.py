"""What online news carries that no reader says in full: a link is said by its site's name, a hashtag by its
words. Shared by every language's steps."""

from __future__ import annotations

import re

_LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>\"«»]+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?:(?<![\w&#])|(?<=(?<!\w)و))#(?=[^\W\d_])(\w+)")  # و#غزة: «and» before it


def links(text: str) -> str:
    """https://www.example.com/news/a?id=1 «example.com», a hashtag #غزة «غزة» (#Gaza_Now «Gaza Now»); a
    sign before a number (#5) is left to the language's rules."""

    def site(m: re.Match) -> str:
        link = m[0].rstrip(".,;:!?،؛)")
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", link, flags=re.IGNORECASE).split("/")[0]
        host = host.split("?")[0].split("#")[0].split("@")[-1].split(":")[0]
        return host + m[0][len(link) :]

    text = _LINK.sub(site, text)
    return _HASHTAG.sub(lambda m: m[1].replace("_", " "), text)
