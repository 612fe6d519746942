"""``briefing serve``: a self-hosted briefing service a newsroom's CMS calls over HTTP (a JSON API, the files,
a podcast feed, an OpenAI-shaped speech endpoint) with a page at ``/`` to submit and listen.

It needs the ``serve`` extra (FastAPI on uvicorn): ``pip install 'briefing[serve]'``.
"""

from __future__ import annotations

from briefing.serve.service import Service, Settings, Submission

__all__ = ["Service", "Settings", "Submission", "create_app"]


def create_app(service: Service):
    """The ASGI application of ``service`` (FastAPI), for uvicorn or any ASGI server."""
    from briefing.serve.app import create_app as create

    return create(service)
