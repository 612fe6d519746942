"""``briefing serve``: the briefing service over HTTP, for a newsroom's CMS and its editors."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import click

from briefing.cli.batch import where_options
from briefing.speech.engines import CHOICES

DEFAULT_PORT = 8080
TOKEN_VARIABLE = "BRIEFING_TOKEN"


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every one)."
)
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("audio_out"),
    show_default=True,
    help="Folder of the briefings and of the service's record of them (.briefing-serve.sqlite).",
)
@where_options
@click.option(
    "--token-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help=f"File holding the bearer token that creating and deleting need.  [default: ${TOKEN_VARIABLE}]",
)
@click.option("--private-reads", is_flag=True, help="Ask the token of API reads (status, list) too.")
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Fetch links to loopback and private addresses (refused by default).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    metavar="MB",
    help="Largest request body.",
)
@click.option(
    "--queue-size",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Briefings waiting or running at most; past it a request is answered 429.",
)
@click.option(
    "--public-url",
    metavar="URL",
    callback=lambda ctx, param, value: _web_address(value),
    help="The address listeners reach the service at, for the feed's links.  [default: the address each "
    "request for the feed names]",
)
@click.option(
    "--drain",
    "drain_seconds",
    type=click.FloatRange(min=0),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="On SIGTERM, how long briefings under way may take to finish; the rest wait for the next start.",
)
@click.option(
    "--engine",
    type=click.Choice([c for c in CHOICES if c != "piper"]),
    default="auto",
    show_default=True,
    help="Engine of the requests that name none.",
)
def serve(
    host, port, out_dir, workers, cluster, token_file, private_reads, allow_private_urls, max_body, **options
):
    """Run the briefing service: a JSON API, a page to submit and listen, the files and a podcast feed.

    A CMS posts an article (a link, or its text, Markdown or HTML) to /v1/briefings and gets an id at
    once; GET /v1/briefings/ID says how far it is and, when done, where the audio, captions, manifest
    and listening page are. The same article with the same options is never narrated twice. /feed.xml
    is the podcast feed of every done briefing; POST /v1/audio/speech takes OpenAI's speech request.
    The API is described at /openapi.json. Creating and deleting need the bearer token of
    $BRIEFING_TOKEN or --token-file (without one the service listens on loopback only). Queued and
    running briefings survive a restart; SIGTERM drains and exits 0.

    \b
    Examples:
      BRIEFING_TOKEN=s3cret briefing serve --port 8080 --workers 2
      curl -H "Authorization: Bearer s3cret" -H "Content-Type: application/json" \\
           -d '{"url": "https://example.org/news/story.html"}' http://127.0.0.1:8080/v1/briefings
    """
    try:
        import uvicorn

        from briefing.serve import Service, Settings, create_app
    except ImportError as missing:
        raise click.ClickException(
            f"briefing serve needs the serve extra ({missing.name} is missing): pip install 'briefing[serve]'"
        ) from None
    token = _token(token_file) if token_file else os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token and not _loopback(host):
        raise click.UsageError(
            f"--host {host} lets other machines in: set ${TOKEN_VARIABLE} or --token-file so that they "
            "cannot create or delete briefings"
        )
    if not token:
        click.echo(
            f"Warning: no token (${TOKEN_VARIABLE}): anyone on this machine can create and delete", err=True
        )
    settings = Settings(
        out_dir=out_dir,
        workers=workers,
        cluster=cluster,
        token=token or None,
        private_reads=private_reads,
        allow_private_urls=allow_private_urls,
        max_body=max_body * 1_000_000,
        queue_size=options["queue_size"],
        public_url=options["public_url"],
        drain_seconds=options["drain_seconds"],
        engine=options["engine"],
    )
    app = create_app(Service(settings))
    # uvicorn drains on SIGTERM and Ctrl-C, then raises the signal again: here that ends the process with 0.
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, lambda signum, frame: None)
    import copy

    logging = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)  # the service's lines as uvicorn's own
    logging["loggers"]["briefing.serve"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_config=logging, log_level="info", access_log=True)
    )
    server.run()
    if not server.started:
        raise SystemExit(1)


def _web_address(value: str | None) -> str | None:
    from urllib.parse import urlsplit

    if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc):
        raise click.BadParameter(f"{value!r} is not an absolute http(s) address", param_hint="'--public-url'")
    return value


def _token(path: Path) -> str:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"{path}: cannot be read ({exc})", param_hint="'--token-file'") from None
    if not token:
        raise click.BadParameter(f"{path}: is empty", param_hint="'--token-file'")
    return token


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
