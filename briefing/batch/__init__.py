"""Many articles, each its own briefing in one folder: the same job (:func:`run_job`) on a local pool of
processes or, past one machine, on a Dask distributed cluster.

The client reads every input (files, folders, lists, links, a site's feed), names each output, skips what
is unchanged since the last run, and sends the rest as jobs carrying the article's bytes, so workers need
no shared disk. A worker narrates and returns the finished files; the client writes them into the folder
with the same atomic staging as ``briefing generate``, so the folder need not be shared either.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from pathlib import Path

from briefing.article import Loaded
from briefing.batch.pools import run_jobs
from briefing.errors import BriefingError, InputError
from briefing.publishing.sets import held_by_another, output_name, remove_set, sets_by_source, source_key

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
READERS = 8
"""Inputs read at once while planning: a slow link no longer holds up the others."""


@dataclass(frozen=True)
class Job:
    """One article to narrate: its bytes and every option, all plain data that pickles."""

    name: str
    loaded: Loaded
    reading: dict
    narrating: dict
    saving: dict
    key: str
    previous: tuple[str, ...] = ()
    """The manifests of what this input made before (under this name or another): replaced once it is done."""
    spooled: str = ""
    """Where the article's bytes wait on the client's disk (``loaded`` then holds none): a batch of thousands
    of pages keeps none of them in memory, and :meth:`shipped` puts them back for a remote worker."""

    def shipped(self) -> Job:
        """The job with its article's bytes in it, to travel to a worker with no access to the client's
        disk."""
        if not self.spooled:
            return self
        return replace(self, loaded=replace(self.loaded, data=Path(self.spooled).read_bytes()), spooled="")


@dataclass(frozen=True)
class Outcome:
    """What became of one input: ``done`` (with the files made), ``skipped`` or ``failed`` (with why, and
    ``stale``: the briefings it made before, kept and now out of date)."""

    source: str
    name: str
    status: str
    reason: str = ""
    files: dict[str, bytes] = field(default_factory=dict, repr=False)
    seconds: float = 0.0
    stale: tuple[str, ...] = ()


def run_job(
    job: Job,
    cores: int = 1,
    progress: Callable[[int, int, str], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> Outcome:
    """Narrate one article and return its files, encoded on ``cores`` (the pool keeps every core busy with
    articles: a Dask task takes one); never raises for what a user can cause. The one job function of the
    local pool and of the Dask cluster alike; ``progress`` is told of each clip spoken, as by ``narrate``,
    and ``stage`` of each step of saving, as by ``Narration.save``."""
    from briefing.article import from_loaded
    from briefing.narration import narrate
    from briefing.publishing.sets import OutputSet

    started = time.monotonic()
    try:
        article = from_loaded(job.shipped().loaded, **job.reading)
        narration = narrate(article, **job.narrating, progress=progress)
        with tempfile.TemporaryDirectory(prefix="briefing-job-") as folder:
            out = OutputSet.at(Path(folder) / job.name, **job.saving, job=job.key)
            narration.publish(out, cores=cores, stage=stage)
            files = {
                str(p.relative_to(folder)): p.read_bytes()
                for p in sorted(Path(folder).rglob("*"))
                if p.is_file()
            }
    except BriefingError as exc:
        return Outcome(job.loaded.source, job.name, "failed", str(exc))
    return Outcome(job.loaded.source, job.name, "done", files=files, seconds=time.monotonic() - started)


def expand(inputs: list[str], within: tuple[Path, ...] = ()) -> list[str]:
    """Files and links as given; a folder's articles (.txt, .md, .html), sorted; ``@list.txt``'s lines
    (``within``: the lists being read, one of which may not list itself again)."""
    sources: list[str] = []
    for item in inputs:
        if item.startswith("@"):
            listed = Path(item[1:])
            if not listed.is_file():
                raise InputError(f"{listed}: no such list file")
            if listed.resolve() in within:
                raise InputError(f"{listed}: lists itself (through {' -> '.join(map(str, within))})")
            lines = listed.read_text(encoding="utf-8-sig", errors="replace").splitlines()
            sources += expand(
                [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")],
                (*within, listed.resolve()),
            )
        elif Path(item).is_dir():
            sources += sorted(str(p) for p in Path(item).iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES)
        else:
            sources.append(item)
    return sources


def feed_links(feed: str, latest: int | None = None) -> tuple[list[str], list[str]]:
    """The article links of an RSS or Atom feed (a file or a link), newest first (undated items last), the
    ``latest`` N of them; and the items whose link is not an http(s) address, refused: a feed must not
    decide which local file is read and published."""
    import feedparser

    from briefing.article import load

    parsed = feedparser.parse(load(feed, feed=True).data)
    if parsed.bozo and not parsed.entries:
        raise InputError(f"{feed}: is not an RSS or Atom feed")
    entries = [entry for entry in parsed.entries if entry.get("link")]
    if not entries:
        raise InputError(f"{feed}: lists no article links")
    entries.sort(
        key=lambda e: tuple(e.get("published_parsed") or e.get("updated_parsed") or ()), reverse=True
    )
    links = [str(entry["link"]) for entry in entries[:latest]]
    web = [link for link in links if link.split(":", 1)[0].lower() in ("http", "https") and "://" in link]
    return web, [link for link in links if link not in web]


def refused_link(feed: str, link: str) -> str:
    """Why a feed's item is not read: its link is not a web address."""
    return f"{feed}: the item link {link!r} is not an http(s) address; not read"


def job_key(loaded: Loaded, reading: dict, narrating: dict, saving: dict) -> str:
    """The hash of what decides an output: the article's bytes and every option."""
    options = json.dumps(
        [reading, {k: v for k, v in narrating.items() if k != "cache"}, saving],
        sort_keys=True,
        default=_plain,
    )
    return hashlib.sha256(loaded.data + b"\0" + options.encode()).hexdigest()


def _plain(value: object) -> object:
    """An option as JSON sees it: a dataclass (Voice, Pronunciation, Pauses, Companions) as its fields."""
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else str(value)


def unchanged(folder: Path, name: str, key: str) -> bool:
    """Whether ``folder`` holds a whole briefing ``name`` made from the same bytes and options."""
    from briefing.publishing.manifest import load_manifest
    from briefing.publishing.sets import torn_files

    manifest_path = (folder / name).with_suffix(".json")
    try:
        manifest = load_manifest(manifest_path)
    except InputError:
        return False
    return (
        manifest.job == key
        and (folder / manifest.audio.file).is_file()
        and not torn_files(manifest_path, False)
    )


def write_outcome(folder: Path, outcome: Outcome) -> None:
    """Put a job's files into ``folder`` all at once, as ``generate`` does (staged, locked, renamed; a
    folder of section files replaces the old one whole; what a killed run left of them removed first)."""
    from briefing.publishing.staging import Staging, locked, remove_leftovers

    stage = Staging()
    staged: dict[str, Path] = {}
    with locked((folder / outcome.name).with_suffix(".json")), stage:
        remove_leftovers(
            [folder / name for name in {name.partition("/")[0] for name in outcome.files}]
        )  # a kill's
        for name in sorted(
            outcome.files, key=lambda n: (n.endswith(".json"), "/" not in n)
        ):  # the manifest last
            top, _, inside = name.partition("/")
            if inside and top not in staged:
                staged[top] = stage.folder(folder / top)
            target = staged[top] / inside if inside else stage.file(folder / name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(outcome.files[name])


def finished_meanwhile(jobs: list[Job], folder: Path, counted: list[Outcome], since: float) -> list[Outcome]:
    """Of ``jobs`` not among ``counted``, those whose briefing was put whole in ``folder`` after ``since``
    (a time.time()): a stop that came after its files were in place and before it was counted. Done all
    the same."""
    seen = {outcome.name for outcome in counted}
    return [
        Outcome(job.loaded.source, job.name, "done")
        for job in jobs
        if job.name not in seen
        and unchanged(folder, job.name, job.key)
        and (folder / job.name).with_suffix(".json").stat().st_mtime >= since
    ]


def summary(outcomes: list[Outcome], sources: list[str] | None = None) -> dict:
    """What ``batch.json`` records: each input's name, status and reason (in the order of ``sources``), and
    the counts."""
    if sources:
        order = {source: index for index, source in enumerate(sources)}
        outcomes = sorted(outcomes, key=lambda o: order.get(o.source, len(order)))
    counts = {status: sum(o.status == status for o in outcomes) for status in ("done", "skipped", "failed")}
    return {
        "counts": counts,
        "articles": [{k: v for k, v in asdict(o).items() if k != "files"} for o in outcomes],
    }


def plan(
    sources: list[str],
    folder: Path,
    reading: dict,
    narrating: dict,
    saving: dict,
    force: bool = False,
    spool: Path | None = None,
) -> tuple[list[Job], list[Outcome]]:
    """The jobs to run, and the outcomes known already: inputs that cannot be read (failed) and outputs
    that are unchanged since the last run (skipped, unless ``force``). With a ``spool`` folder, each job's
    article bytes wait there rather than in memory."""
    from briefing.article import from_loaded, load
    from briefing.formats import audio_format

    suffix = audio_format(saving.get("format") or "mp3").suffix
    jobs: list[Job] = []
    known: list[Outcome] = []
    taken: set[str] = set()
    made = sets_by_source(folder)

    def fetched(source: str) -> Loaded | BriefingError:
        try:
            return load(source)
        except BriefingError as exc:
            return exc

    if any("://" in source for source in sources):
        import httpx  # noqa: F401 - imported once here, not by the threads at once
    with ThreadPoolExecutor(max_workers=READERS) as readers:  # links are fetched side by side, not in turn
        found = list(readers.map(fetched, sources))
    for source, loaded in zip(sources, found):
        previous = tuple(made.get(source_key(source), ()))
        try:
            if isinstance(loaded, BriefingError):
                raise loaded
            article = from_loaded(loaded, **reading)  # parsed here, in turn: its modules import once
        except BriefingError as exc:
            known.append(Outcome(source, "", "failed", str(exc), stale=previous))
            continue
        name = output_name(article.title, source, taken, suffix)
        while held_by_another(folder, name, source):
            name = output_name(article.title, source, taken, suffix)
        key = job_key(loaded, reading, narrating, saving)
        if not force and unchanged(folder, name, key):
            known.append(Outcome(source, name, "skipped", "unchanged since the last run"))
        else:
            job = Job(name, loaded, reading, narrating, saving, key, previous)
            if spool is not None:
                (spool / key).write_bytes(loaded.data)
                job = replace(job, loaded=replace(loaded, data=b""), spooled=str(spool / key))
            jobs.append(job)
    return jobs, known


def run_batch(
    jobs: list[Job],
    folder: Path,
    workers: int = 1,
    cluster: str | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Run ``jobs`` and write each finished one into ``folder`` as it arrives; one that fails is reported
    and the others go on. Ctrl-C stops: finished articles stay, no partial file is left."""
    outcomes = []
    previous = {job.name: job.previous for job in jobs}
    for outcome in run_jobs(run_job, jobs, workers, cluster, ship=Job.shipped):
        if outcome.status == "done":
            try:
                write_outcome(folder, outcome)
                for old in previous[outcome.name]:  # what the input made under another title goes
                    if Path(old).stem != Path(outcome.name).stem:
                        remove_set(folder / old)
            except (BriefingError, OSError) as exc:
                outcome = Outcome(outcome.source, outcome.name, "failed", f"cannot be written: {exc}")
        stale = previous[outcome.name] if outcome.status == "failed" else ()
        outcome = Outcome(
            outcome.source, outcome.name, outcome.status, outcome.reason, seconds=outcome.seconds, stale=stale
        )
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes
