"""kill -9 campaign (issue #15: "kill -9 of any process at any moment loses nothing and leaves no process behind").

On SQLite or PostgreSQL: ``danhmuc ingest`` of an archive (the corpus plus real documents, one of them a
scan) is killed with SIGKILL at random moments — during extraction, just after a document is stored,
during the reconciliation that ends the ingest, during ``danhmuc reconcile`` — and then run again to
completion. Only the process group leader is killed, as the kernel's OOM killer or an operator's
``kill -9`` would: its pool workers, OCR processes and LibreOffice must go by themselves. After each
kill, /proc is scanned for any process carrying the run's marker in its environment (every child
inherits it). Each trial's final store is compared with a clean run's through ``canonical_dump``.
The API server (``danhmuc serve``) is killed the same way while an upload job runs; once restarted,
the job must be re-run or failed, with nothing half-stored. It is also killed while its worker process
runs a reconciliation (a generated catalog of thousands of alike rows makes it last seconds): once
restarted the job is re-run or failed, a later reconciliation completes, and the store must equal a
clean run's.

    python benchmarks/kill_campaign.py --database sqlite --kills 20
    python benchmarks/kill_campaign.py --database postgres --kills 20 --server-kills 3
    python benchmarks/kill_campaign.py --database sqlite --kills 0 --server-kills 0 --server-reconcile-kills 3

The fast version is tests/test_kill_campaign.py.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from catalog.blobs import BlobStore  # noqa: E402
from catalog.store import CatalogStore  # noqa: E402
from catalog.testing import postgres_schema_url  # noqa: E402

MARK = "DANHMUC_KILL_CAMPAIGN"
CORPUS = ROOT / "corpus" / "docs"
REALDOCS = Path(os.environ.get("DANHMUC_REALDOCS", ROOT.parent / "shared" / "realdocs"))
# One typed real document and one real scan (3 pages of OCR): the corpus's own scans are the same
# plans again and cost 90-160 s of OCR each on this machine, so the campaign keeps one of them.
REAL_FILES = ("CV-507-UBND-QuangNgai-2025-gopy-VTCI.pdf", "09-2025-QD-TTg.pdf")
ORPHAN_GRACE_SECONDS = 10.0
# in the order a run goes through them; "ocr" and "libreoffice" wait for those processes to be running
# (the .doc is walked before the scan, which comes last): a trial's kills are made in this order.
PHASES = ("libreoffice", "ocr", "extraction", "storing", "reconcile-in-ingest", "reconcile-command")
WAIT_FOR = {"ocr": "spawned", "libreoffice": "soffice"}


# ---------------------------------------------------------------- the archive


def build_archive(target: Path, *, scans: int = 1, realdocs: bool = True, typed_only: bool = False) -> Path:
    """A copy of the corpus (``scans`` of its scans; no PDF, DOC or scan at all with ``typed_only``)."""
    target.mkdir(parents=True, exist_ok=True)
    kept_scans = 0
    for path in sorted(CORPUS.iterdir()):
        if "_scan" in path.stem:
            if typed_only or kept_scans >= scans:
                continue
            kept_scans += 1
        elif typed_only and path.suffix not in (".txt", ".docx"):
            continue
        shutil.copy(path, target / path.name)
    if realdocs and not typed_only:
        (target / "thuc-te").mkdir(exist_ok=True)
        for name in REAL_FILES:
            if (REALDOCS / name).is_file():
                shutil.copy(REALDOCS / name, target / "thuc-te" / name)
    return target


# ---------------------------------------------------------------- the canonical dump


def canonical_dump(store: CatalogStore, blobs: BlobStore | None = None) -> dict[str, object]:
    """What a store holds, independent of ids, timestamps, runs and the order of work.

    Documents by sha256 (their full JSON, hashed), file versions, catalog entries, datasets with their
    members, links, flags, concepts; with ``blobs``, which documents lack their original.
    """
    import hashlib

    with store.snapshot() as session:
        documents = {
            sha: hashlib.sha256(body.encode()).hexdigest()
            for sha, body in session.execute(text("SELECT sha256, document_json FROM documents"))
        }
        versions = sorted(
            tuple(row) for row in session.execute(text("SELECT path, sha256, version, is_current FROM file_versions"))
        )
        entries = sorted(
            tuple(row) for row in session.execute(text("SELECT key, document_sha256 FROM catalog_entries"))
        )
        # the matching index a later incremental run builds on: a half-written one would show here
        index = {table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
                 for table in ("match_documents", "match_entries", "match_postings", "match_terms")}  # fmt: skip
        concept_entries = sorted(
            tuple(row) for row in session.execute(text("SELECT entry_key, concept_id FROM concept_entries"))
        )
        concept_titles = sorted(tuple(row) for row in session.execute(text("SELECT id, title FROM concepts")))
    summary = store.last_reconciliation()
    dump: dict[str, object] = {
        "documents": documents,
        "versions": [[p, s, v, bool(c)] for p, s, v, c in versions],
        "entries": [list(e) for e in entries],
        "datasets": sorted([d.id, d.title, d.unit, sorted(m.key for m in d.members)] for d in store.datasets()),
        "links": sorted([link.left, link.right, round(link.score, 9)] for link in store.links()),
        "flags": sorted(json.dumps(f.model_dump(mode="json"), sort_keys=True) for f in store.flags()),
        "concepts": sorted(store.concept_assignment().items()),
        "concept_entries": [list(row) for row in concept_entries],
        "concept_titles": [list(row) for row in concept_titles],
        # what `danhmuc report` and the ingest summary print, from the last reconciliation's row
        "summary": None
        if summary is None
        else [
            summary.document_count,
            summary.entry_count,
            summary.dataset_count,
            summary.link_count,
            summary.flag_count,
        ],
        "index": index,
        "problems": store.check_consistency(),
    }
    if blobs is not None:
        dump["missing_originals"] = sorted(sha for sha in documents if not blobs.has(sha))
    return dump


def differences(expected: dict[str, object], got: dict[str, object]) -> list[str]:
    """The parts that differ, each with a short sample of what is missing and what is extra."""
    found = []
    for part in sorted(set(expected) | set(got)):
        a, b = expected.get(part), got.get(part)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            a, b = sorted(a.items()), sorted(b.items())
        if isinstance(a, list) and isinstance(b, list):
            left = {json.dumps(x, sort_keys=True, default=str) for x in a}
            right = {json.dumps(x, sort_keys=True, default=str) for x in b}
            found.append(f"{part}: {len(left - right)} missing {sorted(left - right)[:2]}, "
                         f"{len(right - left)} extra {sorted(right - left)[:2]}")  # fmt: skip
        else:
            found.append(f"{part}: {a!r} != {b!r}")
    return found


# ---------------------------------------------------------------- processes


def marked_processes(token: str) -> list[tuple[int, str]]:
    """(pid, command line) of every live process whose environment carries ``MARK=token``."""
    needle = f"{MARK}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # gone meanwhile, or not ours
            continue
        if state not in ("Z", "X"):
            found.append((int(entry.name), command[:160]))
    return found


def processes_of(token: str) -> list[str]:
    """Short names of a run's live processes: the CLI, pool and OCR workers (Python), soffice, tesseract."""
    names = []
    for _, command in marked_processes(token):
        words = command.split()
        name = Path(words[0]).name if words else "?"
        if "spawn_main" in command:
            name = "spawned"  # in `ingest` the OCR page pool (its extraction pool forks); in `serve` also the extractor
        elif "resource_tracker" in command:
            name = "resource-tracker"
        elif name.startswith("python") and "-m" in words:
            name = words[words.index("-m") + 1]
        elif name.startswith("python") and "-c" in words:
            name = "guard"  # extract.processes' guard around an external command
        names.append(name)
    return sorted(names)


def survivors(token: str, grace: float = ORPHAN_GRACE_SECONDS) -> list[str]:
    """Processes of a killed run still alive ``grace`` seconds later (then killed, so the campaign goes on)."""
    deadline = time.monotonic() + grace
    while (alive := marked_processes(token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid, _ in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return [f"{pid} {command}" for pid, command in alive]


@dataclass
class Launch:
    process: subprocess.Popen[bytes]
    token: str
    log: Path
    started: float = field(default_factory=time.monotonic)


def cli(args: list[str], url: str, work: Path, *, extra_env: dict[str, str] | None = None) -> Launch:
    """``danhmuc ARGS`` as its own process group, marked with a fresh token."""
    token = uuid.uuid4().hex[:12]
    env = {**os.environ, "DATABASE_URL": url, "DANHMUC_DATA_DIR": str(work / "data"), MARK: token,
           "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **(extra_env or {})}  # fmt: skip
    log = work / f"{args[0]}-{token}.log"
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would stall the run
        process = subprocess.Popen([sys.executable, "-m", "danhmuc.cli", *args], env=env, cwd=work,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    return Launch(process, token, log)


def ingest_args(archive: Path, work: Path, *, reconcile: bool = True) -> list[str]:
    flag = "--reconcile" if reconcile else "--no-reconcile"
    return ["ingest", str(archive), "--workers", "2", "--errors", str(work / "errors.csv"), flag]


def finish(launch: Launch, timeout: float = 1800) -> float:
    """Wait for a run that must succeed; its wall time."""
    code = launch.process.wait(timeout=timeout)
    if code != 0:
        raise RuntimeError(f"{launch.log.name} exited {code}: {launch.log.read_text(errors='replace')[-1500:]}")
    return time.monotonic() - launch.started


# ---------------------------------------------------------------- store state, read from outside


def _state(url: str) -> tuple[int, str, int]:
    """(documents stored, last ingest run's status, reconciliation runs) as another process sees them."""
    engine = create_engine(url, connect_args={"timeout": 1} if url.startswith("sqlite") else {})
    try:
        with engine.connect() as connection:
            documents = connection.execute(text("SELECT count(*) FROM documents")).scalar_one()
            status = connection.execute(text("SELECT status FROM ingest_runs ORDER BY id DESC LIMIT 1")).scalar()
            runs = connection.execute(text("SELECT count(*) FROM reconcile_runs")).scalar_one()
            return int(documents), str(status or ""), int(runs)
    except Exception:  # noqa: BLE001 - not created yet, or locked for a moment: "nothing yet"
        return 0, "", 0
    finally:
        engine.dispose()


@dataclass
class Kill:
    database: str
    aimed: str  # the phase the moment was drawn for
    phase: str  # where the run was when killed, read from the store
    seconds: float  # after the start of the killed process
    running: list[str]  # the run's processes at that moment (processes_of)
    orphans: list[str]


def kill_leader(launch: Launch, url: str, aimed: str, database: str) -> Kill | None:
    """SIGKILL to the group leader only; None when it had already exited (a missed moment)."""
    documents, status, reconciled = _state(url)
    phase = aimed if aimed == "reconcile-command" else "reconcile-in-ingest" if status == "finished" else aimed
    running = processes_of(launch.token)
    if launch.process.poll() is not None:
        return None
    os.kill(launch.process.pid, signal.SIGKILL)
    launch.process.wait(timeout=60)
    seconds = time.monotonic() - launch.started
    return Kill(database, aimed, phase, round(seconds, 2), running, survivors(launch.token))


def wait_for(condition: object, launch: Launch, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while launch.process.poll() is None and time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


# ---------------------------------------------------------------- one trial


@dataclass
class Timings:
    extraction: float  # clean ingest until its run is finished
    reconcile: float  # clean `danhmuc reconcile` of the full store
    documents: int


@dataclass
class Trial:
    kills: list[Kill] = field(default_factory=list)
    missed: int = 0
    differences: list[str] = field(default_factory=list)


def run_trial(plan: list[str], archive: Path, url: str, work: Path, timings: Timings,
              expected: dict[str, object], rng: random.Random, database: str) -> Trial:  # fmt: skip
    """Kill at each planned phase in turn (each restart resumes), then run to completion and compare."""
    trial = Trial()
    for aimed in plan:
        if aimed == "reconcile-command":
            finish(cli(ingest_args(archive, work, reconcile=False), url, work))
            # a store an earlier step of the trial left reconciled has nothing to do: rebuild it then
            launch = cli(["reconcile", "--rebuild"] if _state(url)[2] else ["reconcile"], url, work)
            time.sleep(rng.uniform(0, timings.reconcile))
        elif aimed == "reconcile-in-ingest":
            launch = cli(ingest_args(archive, work), url, work)
            wait_for(lambda: _state(url)[1] == "finished", launch, 1800)
            time.sleep(rng.uniform(0, max(0.5, timings.reconcile - 2)))  # less the command's start-up
        elif aimed in WAIT_FOR:
            launch = cli(ingest_args(archive, work), url, work)
            wanted = WAIT_FOR[aimed]
            wait_for(lambda w=wanted, t=launch.token: any(n.startswith(w) for n in processes_of(t)), launch, 1800)
            time.sleep(rng.uniform(0, 1.0))
        elif aimed == "storing":  # just after a document's transaction commits: the writer is mid-stream
            launch = cli(ingest_args(archive, work), url, work)
            before = _state(url)[0]
            wait_for(lambda before=before: _state(url)[0] > before, launch, 1800)
            time.sleep(rng.uniform(0, 0.05))
        else:  # a random point of the extraction still to do (a time drawn from the clean run would
            # often fall after the end of a resumed run, whose speed also follows the machine's load)
            launch = cli(ingest_args(archive, work), url, work)
            before = _state(url)[0]
            target = before + rng.randint(0, max(0, timings.documents - before - 2))
            wait_for(lambda target=target: _state(url)[0] >= target, launch, 1800)
            time.sleep(rng.uniform(0, 1.5))
        killed = kill_leader(launch, url, aimed, database)
        if killed is None:
            trial.missed += 1
        else:
            trial.kills.append(killed)
    finish(cli(ingest_args(archive, work), url, work))
    trial.differences = differences(expected, canonical_dump(CatalogStore(url), BlobStore(work / "data" / "blobs")))
    return trial


@contextmanager
def fresh_url(database: str, work: Path) -> Iterator[str]:
    work.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        yield f"sqlite:///{work / 'catalog.db'}"
    else:
        with postgres_schema_url() as url:
            yield url


def clean_run(archive: Path, database: str, work: Path) -> tuple[dict[str, object], Timings]:
    """The reference store, and how long extraction and reconciliation take here."""
    with fresh_url(database, work) as url:
        launch = cli(ingest_args(archive, work, reconcile=False), url, work)
        extraction = finish(launch)
        reconcile = finish(cli(["reconcile"], url, work))
        store = CatalogStore(url)
        try:
            dump = canonical_dump(store, BlobStore(work / "data" / "blobs"))
        finally:
            store.close()
    return dump, Timings(extraction, reconcile, len(dump["documents"]))  # type: ignore[arg-type]


def plans(kills: int, per_trial: int, rng: random.Random) -> list[list[str]]:
    """Phases to kill in, trial by trial, in the order a run goes through them."""
    drawn = [PHASES[i % len(PHASES)] for i in range(kills)]
    rng.shuffle(drawn)
    chunks = [drawn[i : i + per_trial] for i in range(0, len(drawn), per_trial)]
    return [sorted(chunk, key=PHASES.index) for chunk in chunks]


# ---------------------------------------------------------------- the server


@dataclass
class ServerKill:
    database: str
    stage: str  # the upload job's stage when the server was killed
    seconds: float
    running: list[str]  # the server's processes at that moment
    orphans: list[str]
    final_status: str  # the job's status after the restart
    outcome: str
    problems: list[str]


# A killed server's jobs are taken over once their lease lapses: 10 s rather than the default 30 s keeps each
# restart's wait short, and still outlasts two missed renewals (every 3.3 s) of a server whose writes wait on SQLite.
LEASE_SECONDS = 10


def serve(url: str, work: Path, port: int) -> Launch:
    return cli(["serve", "--port", str(port), "--workers", "1", "--extractors", "1"], url, work,
               # every upload queued (none answered at once), its reconciliation soon after
               extra_env={"DANHMUC_RECONCILE_DEBOUNCE_SECONDS": "0.5", "DANHMUC_SYNC_UPLOAD_BYTES": "0",
                          "DANHMUC_JOB_LEASE_SECONDS": str(LEASE_SECONDS)})  # fmt: skip


def _wait_healthy(client: object, launch: Launch, seconds: float = 90) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if launch.process.poll() is not None:
            raise RuntimeError(launch.log.read_text(errors="replace")[-1500:])
        try:
            if client.get("/health").status_code == 200:  # type: ignore[attr-defined]
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start")


def _job_at(client: object, job_id: str, stage: str) -> bool:
    """The upload job (or, for ``reconciling``, a reconciliation job) has reached ``stage``."""
    if stage == "reconciling":
        jobs = client.get("/v1/jobs").json()  # type: ignore[attr-defined]
        return any(j["kind"] == "reconcile" and j["stage"] == stage for j in jobs)
    return bool(client.get(f"/v1/jobs/{job_id}").json()["stage"] == stage)  # type: ignore[attr-defined]


def _stop(launch: Launch, kill: bool) -> None:
    if launch.process.poll() is None:
        launch.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    try:
        launch.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(launch.process.pid, signal.SIGKILL)
        launch.process.wait()


def server_kill(url: str, work: Path, upload: Path, rng: random.Random, database: str, window: float,
                stage: str = "", patience: float = 900) -> ServerKill:  # fmt: skip
    """Upload ``upload``, kill -9 the server at a random moment of the job (once it reaches ``stage``,
    if given: ``extracting``, or ``reconciling`` for the reconciliation the upload queues), restart
    it, and wait (at most ``patience`` seconds) for the job and its reconciliation to end."""
    import httpx

    from api.keys import Role, create_key
    from tests.live_server import free_port

    store = CatalogStore(url)
    key = create_key(store.engine, "kill-campaign", Role.UPLOADER)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    launch = serve(url, work, port)
    try:
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            _wait_healthy(client, launch)
            with upload.open("rb") as handle:
                answer = client.post("/v1/documents", files={"file": (upload.name, handle)},
                                     data={"path": upload.name})  # fmt: skip
            job_id = answer.json()["id"] if answer.status_code == 202 else answer.headers["X-Job-Id"]
            deadline = time.monotonic() + patience
            while stage and not _job_at(client, job_id, stage) and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0, window))
            seen = client.get(f"/v1/jobs/{job_id}").json()["stage"]
            if stage == "reconciling" and _job_at(client, job_id, stage):
                seen = stage
            running = processes_of(launch.token)
    finally:
        _stop(launch, kill=True)
    seconds = time.monotonic() - launch.started
    orphans = survivors(launch.token)
    problems = store.check_consistency()
    launch = serve(url, work, port)
    try:
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            _wait_healthy(client, launch)
            deadline = time.monotonic() + patience
            while (job := client.get(f"/v1/jobs/{job_id}").json())["status"] not in ("succeeded", "failed"):
                if time.monotonic() > deadline:
                    problems.append(f"job still {job['status']} after {patience:g} s")
                    break
                time.sleep(0.5)
            while any(j["status"] in ("queued", "running") for j in client.get("/v1/jobs").json()):
                if time.monotonic() > deadline:
                    problems.append(f"jobs still active after {patience:g} s")
                    break
                time.sleep(0.5)  # the reconciliation the upload queued
    finally:
        _stop(launch, kill=False)
        orphans += survivors(launch.token)
    problems += store.check_consistency()
    stored = {d.sha256 for d in store.list_documents(current_only=False)}
    if job["status"] == "succeeded" and job["document_id"] not in stored:
        problems.append("job succeeded but its document is not stored")
    if job["status"] == "failed" and job["document_id"] in stored:
        problems.append("job failed but its document is stored")
    if job["status"] == "succeeded" and store.last_reconciliation() is None:
        problems.append("the upload's reconciliation never ran")
    store.close()
    return ServerKill(database, seen, round(seconds, 2), running, orphans, job["status"],
                      job.get("outcome") or job.get("error_code", ""), problems)  # fmt: skip


def reconcile_archive(work: Path, rows: int) -> tuple[Path, Path]:
    """A catalog of ``rows`` alike rows (tests/live_server.catalog_text: ~90 ms a row to reconcile) in
    ``work/archive``, and a small plan in ``work/upload`` whose upload queues the server's reconciliation."""
    from tests.live_server import catalog_text

    archive, uploads = work / "archive", work / "upload"
    archive.mkdir(parents=True, exist_ok=True)
    uploads.mkdir(parents=True, exist_ok=True)
    (archive / f"danh-muc-{rows}.txt").write_text(catalog_text(rows, "K"), encoding="utf-8")
    upload = Path(shutil.copy(CORPUS / "bac_ninh_ke_hoach_2026.txt", uploads / "ke-hoach.txt"))
    return archive, upload


def clean_reconcile_run(archive: Path, upload: Path, database: str, work: Path) -> tuple[dict[str, object], float]:
    """What the store holds when the archive and the upload are ingested and reconciled without a kill.

    The upload is ingested from its own folder, so its document has the name the server gives it (the
    file name). Its path is the one thing told apart: the CLI records the absolute path, the API the
    path it is given without its leading "/" (api/routes/documents.py); the dump shows the API's.
    Also how long `danhmuc reconcile` took, start-up included."""
    with fresh_url(database, work) as url:
        finish(cli(ingest_args(archive, work, reconcile=False), url, work))
        finish(cli(ingest_args(upload.parent, work, reconcile=False), url, work))
        seconds = finish(cli(["reconcile"], url, work))
        store = CatalogStore(url)
        try:
            dump = canonical_dump(store, BlobStore(work / "data" / "blobs"))
        finally:
            store.close()
    absolute = upload.resolve().as_posix()
    dump["versions"] = sorted([p.lstrip("/") if p == absolute else p, *rest]
                              for p, *rest in dump["versions"])  # type: ignore[attr-defined]  # fmt: skip
    return dump, seconds


@dataclass
class ServerReconcileKill:
    database: str
    seconds: float  # after the reconciliation job was seen running
    running: list[str]  # the server's processes at that moment
    landed: bool  # no reconciliation had completed when the server died: the kill hit the running one
    orphans: list[str]
    final_status: str  # the killed reconciliation job's status after the restart
    outcome: str
    later_reconciliation: str  # what completed the store: the re-run job, or `danhmuc reconcile` after a failure
    problems: list[str]
    differences: list[str]  # from the clean run's canonical_dump


def _reconcile_running(client: object) -> dict[str, object] | None:
    jobs = client.get("/v1/jobs").json()  # type: ignore[attr-defined]
    return next((j for j in jobs if j["kind"] == "reconcile" and j["status"] == "running"
                 and j["stage"] == "reconciling"), None)  # fmt: skip


def server_reconcile_kill(url: str, work: Path, archive: Path, upload: Path, expected: dict[str, object],
                          rng: random.Random, database: str, window: tuple[float, float] = (0.3, 3.0),
                          patience: float = 900) -> ServerReconcileKill:  # fmt: skip
    """``danhmuc serve`` killed (SIGKILL to its leader) while its worker process reconciles the store.

    The archive is ingested without reconciliation, the upload of one more document queues the
    server's reconciliation; once GET /v1/jobs shows it running, the server dies ``window`` seconds
    later. Restarted, the job must be re-run (its lease lapses LEASE_SECONDS after the last renewal) or failed;
    a failed one is followed by `danhmuc reconcile`. The final store is compared with ``expected``."""
    import httpx

    from api.keys import Role, create_key
    from tests.live_server import free_port, wait_for_job

    finish(cli(ingest_args(archive, work, reconcile=False), url, work))
    store = CatalogStore(url)
    key = create_key(store.engine, "kill-campaign", Role.UPLOADER)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    problems: list[str] = []
    launch = serve(url, work, port)
    job: dict[str, object] | None = None
    try:
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            _wait_healthy(client, launch)
            answer = client.post("/v1/documents", files={"file": (upload.name, upload.read_bytes())},
                                 data={"path": upload.resolve().as_posix()})  # fmt: skip
            upload_id = answer.json()["id"] if answer.status_code == 202 else answer.headers["X-Job-Id"]
            if (uploaded := wait_for_job(client, upload_id, seconds=patience))["status"] != "succeeded":
                problems.append(f"upload job {uploaded}")
            deadline = time.monotonic() + patience
            while (job := _reconcile_running(client)) is None and time.monotonic() < deadline:
                time.sleep(0.02)
            seen = time.monotonic()
            time.sleep(rng.uniform(*window))
            running = processes_of(launch.token)
    finally:
        _stop(launch, kill=True)
    seconds = time.monotonic() - seen
    landed = job is not None and store.last_reconciliation() is None
    orphans = survivors(launch.token)
    problems += store.check_consistency()
    final: dict[str, object] = {"status": "missing", "outcome": ""}
    launch = serve(url, work, port)
    try:
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            _wait_healthy(client, launch)
            if job is not None:
                final = wait_for_job(client, str(job["id"]), seconds=patience)
                if final["status"] not in ("succeeded", "failed"):
                    problems.append(f"reconciliation job still {final['status']} after {patience:g} s")
            deadline = time.monotonic() + patience
            while any(j["status"] in ("queued", "running") for j in client.get("/v1/jobs").json()):
                if time.monotonic() > deadline:
                    problems.append(f"jobs still active after {patience:g} s")
                    break
                time.sleep(0.5)
    finally:
        _stop(launch, kill=False)
        orphans += survivors(launch.token)
    later = "re-run job"
    if final["status"] != "succeeded":  # a failed job leaves the store to the next reconciliation
        finish(cli(["reconcile"], url, work))
        later = "danhmuc reconcile"
    problems += store.check_consistency()
    found = differences(expected, canonical_dump(store, BlobStore(work / "data" / "blobs")))
    store.close()
    return ServerReconcileKill(database, round(seconds, 2), running, landed, orphans, str(final["status"]),
                               str(final.get("outcome") or final.get("error_code", "")), later, problems,
                               found)  # fmt: skip


# ---------------------------------------------------------------- the campaign


@dataclass
class Campaign:
    database: str
    documents: int
    clean_seconds: dict[str, float]
    kills: list[Kill] = field(default_factory=list)
    missed: int = 0
    trials: int = 0
    differing_trials: list[list[str]] = field(default_factory=list)
    server: list[ServerKill] = field(default_factory=list)
    server_reconcile: list[ServerReconcileKill] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {
            "database": self.database,
            "documents": self.documents,
            "clean_seconds": self.clean_seconds,
            "kills": len(self.kills),
            "by_phase": dict(Counter(k.phase for k in self.kills)),
            "missed_moments": self.missed,
            "trials": self.trials,
            "trials_differing_from_clean": len(self.differing_trials),
            "differences": self.differing_trials,
            "kills_leaving_processes": sum(1 for k in self.kills if k.orphans),
            # how many kills found each kind of process running (what could have been orphaned)
            "kills_with_running": dict(Counter(name for k in self.kills for name in set(k.running))),
            "orphans": [o for k in self.kills for o in k.orphans],
            "server_kills": [asdict(s) for s in self.server],
            "server_reconcile_kills": [asdict(s) for s in self.server_reconcile],
        }


def campaign(database: str, archive: Path, work: Path, *, kills: int, per_trial: int, server_kills: int,
             seed: int, server_window: float = 3.0, server_reconcile_kills: int = 0, reconcile_rows: int = 2000,
             log: object = print) -> Campaign:  # fmt: skip
    rng = random.Random(seed)
    result = Campaign(database, 0, {})
    if kills:
        expected, timings = clean_run(archive, database, work / "clean")
        result.documents = timings.documents
        result.clean_seconds = {"extraction": round(timings.extraction, 1), "reconcile": round(timings.reconcile, 1)}
        log(f"[{database}] clean: {timings.documents} documents, {result.clean_seconds}")  # type: ignore[operator]
    for index, plan in enumerate(plans(kills, per_trial, rng)):
        with fresh_url(database, work / f"trial-{index}") as url:
            trial = run_trial(plan, archive, url, work / f"trial-{index}", timings, expected, rng, database)
        result.trials += 1
        result.kills += trial.kills
        result.missed += trial.missed
        if trial.differences:
            result.differing_trials.append(trial.differences)
        kills_seen = [(k.phase, k.seconds, len(k.orphans)) for k in trial.kills]
        log(f"[{database}] trial {index}: {kills_seen} missed {trial.missed}, differences {trial.differences}")  # type: ignore[operator]
    files = sorted(p for p in archive.rglob("*") if p.is_file())
    scan = next((p for p in files if p.name == REAL_FILES[1]), next((p for p in files if "_scan" in p.name), None))
    for index in range(server_kills):
        upload = scan or files[0]
        with fresh_url(database, work / f"server-{index}") as url:
            stage = ("extracting", "reconciling")[index % 2]  # the upload's extraction, then its reconciliation
            result.server.append(server_kill(url, work / f"server-{index}", upload, rng, database,
                                             window=server_window, stage=stage))  # fmt: skip
        log(f"[{database}] server kill {index}: {result.server[-1]}")  # type: ignore[operator]
    if server_reconcile_kills:
        base = work / "server-reconcile"
        archive, upload = reconcile_archive(base, reconcile_rows)
        expected, seconds = clean_reconcile_run(archive, upload, database, base / "clean")
        log(f"[{database}] clean reconciliation of {reconcile_rows} rows: {seconds:.1f} s")  # type: ignore[operator]
        # a random point of the matching, less the command's start-up the server's warm worker does not pay
        window = (0.3, max(1.0, 0.8 * (seconds - 2)))
    for index in range(server_reconcile_kills):
        with fresh_url(database, base / f"kill-{index}") as url:
            result.server_reconcile.append(server_reconcile_kill(url, base / f"kill-{index}", archive, upload,
                                                                 expected, rng, database, window=window))  # fmt: skip
        log(f"[{database}] server kill while reconciling {index}: {result.server_reconcile[-1]}")  # type: ignore[operator]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--per-trial", type=int, default=4, help="kills in one trial before it runs to completion")
    parser.add_argument("--server-kills", type=int, default=2)
    parser.add_argument("--server-reconcile-kills", type=int, default=1,
                        help="kills of the server while its worker reconciles")  # fmt: skip
    parser.add_argument("--reconcile-rows", type=int, default=2000,
                        help="alike rows of the catalog the server reconciles (~15 ms each)")  # fmt: skip
    parser.add_argument("--scans", type=int, default=1, help="how many of the corpus's scans to include")
    parser.add_argument("--typed-only", action="store_true", help="text and DOCX only (no OCR, no LibreOffice)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write the summary here")
    args = parser.parse_args()
    work = args.work or Path(f"/tmp/kill-campaign-{args.database}-{os.getpid()}")
    archive = build_archive(work / "archive", scans=args.scans, typed_only=args.typed_only)
    result = campaign(
        args.database,
        archive,
        work,
        kills=args.kills,
        per_trial=args.per_trial,
        server_kills=args.server_kills,
        server_reconcile_kills=args.server_reconcile_kills,
        reconcile_rows=args.reconcile_rows,
        seed=args.seed,
        log=lambda line: print(line, flush=True),
    )  # noqa: T201
    summary = json.dumps(result.summary(), ensure_ascii=False, indent=1)
    print(summary)  # noqa: T201
    if args.json:
        args.json.write_text(summary, encoding="utf-8")


if __name__ == "__main__":
    main()
