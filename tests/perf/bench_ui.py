"""Benchmark of the reviewer's window (not collected by pytest; prints figures, asserts nothing).

    QT_QPA_PLATFORM=offscreen python tests/perf/bench_ui.py [--rows 100000] [--items 40]

With `--rows` pending items in the local store (written straight into a real `LocalStore`) and
`--items` claimed applications with real JPEG photos on the real service on loopback (claimed,
prefetched and checked by the real `Workstation` + `SyncEngine`), it prints:

- queue view ready: the store's queue read on a worker and put in the model (`StoreQueueFeed`
  reload until `loaded`), median of 3;
- sort by each column (the model sorts itself), median of 3 per column;
- one filter keystroke: `set_filter` from "a" to "an"-like one-letter extensions, median;
- next item fully painted: an item prepared by prefetch put on screen (`current_changed` →
  review pane and decision panel) until its text and first photo are painted (`repaint()`),
  p50 / p95 (goal 16.7 ms);
- key press to durable decision and next item shown: `A` through the window's shortcut until
  the decision is committed (synchronous=FULL) and the next item is painted, p50 / p95
  (goal 50 ms);
- cold start to an interactive window (a child process: interpreter start, imports, window
  shown and its first paint done), median of 3;
- resident memory (VmRSS) after loading the queue.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: servicekit

from PIL import Image  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from servicekit import (  # noqa: E402
    PASSWORD,
    REVIEWER,
    T0,
    add_users,
    make_application,
    make_service,
    photo_media,
)

from reviewer_app.core.sla import utc_now  # noqa: E402
from reviewer_app.core.wire import QueueItemOut, QueuePageOut  # noqa: E402
from reviewer_app.net.client import QueueClient  # noqa: E402
from reviewer_app.service.seed import add_applications  # noqa: E402
from reviewer_app.service.server import EmbeddedServer  # noqa: E402
from reviewer_app.sync.engine import SyncSettings  # noqa: E402
from reviewer_app.ui.launch import (  # noqa: E402
    application,
    connect_session,
    make_session,
    open_settings,
)
from reviewer_app.ui.main_window import MainWindow  # noqa: E402
from reviewer_app.ui.queue.model import Column  # noqa: E402
from reviewer_app.ui.queue.store_feed import StoreQueueFeed  # noqa: E402
from reviewer_app.ui.review.photos import DecodedPhoto  # noqa: E402
from reviewer_app.ui.tasks import TaskRunner  # noqa: E402

COUNTRIES = ["Kenya", "Brazil", "India", "Poland", "Viet Nam", "Mexico", "Ireland", "Egypt"]
SKILLS = ["Python", "Go", "Figma", "SEO", "Copywriting", "React", "SQL", "Excel", "Video editing"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def pump_until(condition: object, timeout: float = 30.0) -> None:
    app = QCoreApplication.instance()
    assert app is not None
    deadline = time.perf_counter() + timeout
    while not condition():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def jpeg(i: int, size: int = 900) -> bytes:
    rng = random.Random(i)
    image = Image.effect_noise((size, size), 40 + i % 30).convert("RGB")
    image.paste((rng.randrange(256), 120, 160), (size // 4, size // 4, size // 2, size // 2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def fill_queue(store: object, rows: int) -> float:
    rng = random.Random(5)
    now = utc_now()
    items = [
        QueueItemOut(
            application_id=f"BENCH-{i:07d}",
            applicant=f"{rng.choice(['Ana', 'Bo', 'Chen', 'Dara', 'Eli'])} {i}",
            country=rng.choice(COUNTRIES),
            main_skills=rng.sample(SKILLS, 3),
            revision=1 + (i % 7 == 0),
            submitted_at=now - timedelta(minutes=i % 1400),
            due_at=now + timedelta(hours=24) - timedelta(minutes=i % 1400),
            flags=["incomplete"] if i % 11 == 0 else [],
            held_by=None if i % 9 else "rob",
        )
        for i in range(rows)
    ]
    started = time.perf_counter()
    for at in range(0, rows, 5000):
        page = QueuePageOut(
            items=items[at : at + 5000], removed=[], next_cursor="", has_more=False, server_time=now
        )
        store.queue.apply(page)  # type: ignore[attr-defined]
    return time.perf_counter() - started


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_start(runs: int) -> list[float]:
    script = (
        "import os, time\n"
        "os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
        "from reviewer_app.ui.launch import application, open_settings\n"
        "from reviewer_app.ui.main_window import MainWindow\n"
        "from reviewer_app.ui.tasks import TaskRunner\n"
        "app = application()\n"
        "tasks = TaskRunner()\n"
        "w = MainWindow(open_settings(), tasks)\n"
        "w.show_no_server(); w.show(); w.repaint(); app.processEvents()\n"
        "print('ready', flush=True)\n"
        "w.close(); tasks.shutdown()\n"
    )
    times = []
    for _ in range(runs):
        home = tempfile.mkdtemp(prefix="bench-ui-cold-")
        env = {**os.environ, "REVIEWER_APP_HOME": home, "QT_QPA_PLATFORM": "offscreen"}
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", script],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        times.append(time.perf_counter() - started)
        process.wait(60)
        assert line.strip() == "ready", line
    return times


class GcPauses:
    """Python's cyclic garbage collector's pauses (gc.callbacks), by generation."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._started))

    def report(self) -> str:
        if not self.pauses:
            return "no collections"
        worst = max(p for _, p in self.pauses)
        full = [p for g, p in self.pauses if g == 2]
        return f"{len(self.pauses)} collections, the longest {ms(worst)}; {len(full)} full ones" + (
            f", median {ms(statistics.median(full))}" if full else ""
        )


class PaintWatch(QObject):
    """Notes paint events on the watched widgets: "painted" means Qt's own frame (the dirty
    regions it paints when the event loop runs) has reached each of them since `reset()`."""

    def __init__(self, *widgets: QWidget) -> None:
        super().__init__()
        self._widgets = widgets
        self._painted: set[int] = set()
        for widget in widgets:
            widget.installEventFilter(self)

    def reset(self) -> None:
        self._painted.clear()

    @property
    def all_painted(self) -> bool:
        return len(self._painted) == len(self._widgets)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._painted.add(id(watched))
        return False


def profile_painting(window: MainWindow, items: list[object]) -> None:
    """BENCH_PROFILE=1: where showing an item and painting the window go."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for item in items:
        window._show_item(item)  # type: ignore[arg-type]
        window.repaint()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    widgets = {
        "queue table": window.queue_view.table.viewport(),
        "review pane": window.review,
        "review: profile": window.review.profile,
        "review: photos": window.review.photos,
        "review: video": window.review.video,
        "review: findings": window.review.findings,
        "decision panel": window.panel,
        "panel: sla": window.panel.sla,
        "panel: reasons": window.panel.reason_list,
        "panel: note": window.panel.note,
        "panel: preview": window.panel.preview,
        "panel: accept": window.panel.accept_button,
        "status bar": window.statusBar(),
    }
    for name, widget in widgets.items():
        spent = []
        for item in items:
            window._show_item(item)  # type: ignore[arg-type]
            window.repaint()
            started = time.perf_counter()
            widget.repaint()
            spent.append(time.perf_counter() - started)
        print(f"repaint of {name} alone: median {ms(statistics.median(spent))}")
    for name in ("queue table", "decision panel", "review: findings"):
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            widgets[name].repaint()
        profiler.disable()
        print(f"--- repaint of {name}, 5 times")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(8)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    os.environ["REVIEWER_APP_HOME"] = str(folder / "home")

    print(f"cold start to an interactive window: {', '.join(ms(t) for t in cold_start(3))}")

    app = application()  # as the workstation makes it (names, icon)
    service = make_service(f"sqlite:///{folder / 'queue.sqlite3'}", undo_grace_seconds=2.0)
    add_users(service, [(REVIEWER, "reviewer")])
    apps = []
    for i in range(1, args.items + 1):
        ref, data = photo_media(jpeg(i))
        apps.append((make_application(i, photo=ref), {ref.sha256: (ref.content_type, data)}))
    add_applications(service.store, apps, service.audit, T0)
    server = EmbeddedServer(service).start()

    client = QueueClient(server.url)
    client.login(REVIEWER, PASSWORD)
    parts = connect_session(client, folder / "ws")
    filled = fill_queue(parts.store, args.rows)
    print(f"local store filled with {args.rows:,} queue rows in {filled:.1f} s (setup)")

    tasks = TaskRunner(name="bench")
    window = MainWindow(open_settings(), tasks)
    window.resize(1440, 880)
    window.show()
    sync = SyncSettings(pull_interval=1.0, prefetch_ahead=args.items, send_idle_interval=1.0)
    session = make_session(window, tasks, parts, sync=sync)
    session._prepare_ahead = args.items  # prepare every claimed item before measuring
    feed = window.feed
    assert feed is not None
    pump_until(lambda: feed.has_loaded and window.model.rowCount() >= args.rows, 120)
    model = window.model
    rows = model.rowCount()
    loaded_rss = rss_mb()

    # -- queue view ready -----------------------------------------------------------------------
    ready = []
    for _ in range(3):
        other = StoreQueueFeed(parts.store.queue, model, tasks)
        started = time.perf_counter()
        other.reload()
        pump_until(lambda other=other: other.has_loaded, 120)
        ready.append(time.perf_counter() - started)
        other.stop()
        other.deleteLater()
    median = ms(statistics.median(ready))
    print(f"queue view ready ({rows:,} rows, store read + model reset): median {median}")
    print(
        f"resident memory after loading the queue: {loaded_rss:.0f} MB "
        f"(process, with Qt, the embedded service and {rows:,} rows in the model)"
    )

    # -- sort -----------------------------------------------------------------------------------
    table = window.queue_view.table
    for column in Column:
        times = []
        for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder) * 2:
            started = time.perf_counter()
            table.sortByColumn(column, order)
            table.viewport().repaint()
            times.append(time.perf_counter() - started)
        print(f"sort by {column.name.lower():9s}: median {ms(statistics.median(times[1:]))}")
    table.sortByColumn(Column.SLA, Qt.SortOrder.AscendingOrder)

    # -- one filter keystroke -------------------------------------------------------------------
    first = time.perf_counter()
    model.set_filter("e")
    first = time.perf_counter() - first
    keystrokes = []
    for word in ("ke", "ken", "keny", "kenya", "po", "pol", "bo", "bo 1", "bo 12"):
        started = time.perf_counter()
        model.set_filter(word)
        table.viewport().repaint()
        keystrokes.append(time.perf_counter() - started)
    model.set_filter("")
    print(
        f"one filter keystroke: median {ms(statistics.median(keystrokes))} "
        f"(first filter, building the search text: {ms(first)})"
    )

    # -- next item painted from prefetch ----------------------------------------------------------
    window.start_reviewing()
    pump_until(lambda: session.current is not None and len(session.leases) >= 5, 60)
    session.claim(args.items)
    pump_until(lambda: len(session.leases) >= args.items - 1, 60)
    pump_until(lambda: all(session.prepared(lease.application_id) for lease in session.leases), 300)
    prepared = [session.prepared(lease.application_id) for lease in session.leases]
    photos = window.review.photos
    watch = PaintWatch(window.review.profile.editor.viewport(), photos.canvas.viewport())
    if os.environ.get("BENCH_PROFILE"):
        profile_painting(window, [item for item in prepared[:5] if item is not None])
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        for item in prepared[:8]:
            watch.reset()
            profiler.enable()
            window._show_item(item)
            pump_until(lambda: watch.all_painted)
            profiler.disable()
        print("--- Qt's own frame after showing an item, 8 times")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)

    def first_photo(item: object) -> str:
        return str(item.application.revisions[-1].profile.photo.sha256)  # type: ignore[attr-defined]

    pauses = GcPauses()
    frames, forced = [], []
    for item in prepared:
        assert item is not None
        sha = first_photo(item)
        watch.reset()
        started = time.perf_counter()
        window._show_item(item)
        pump_until(
            lambda sha=sha: watch.all_painted and isinstance(photos.decoded(sha), DecodedPhoto)
        )
        frames.append(time.perf_counter() - started)
    for item in prepared:
        assert item is not None
        sha = first_photo(item)
        started = time.perf_counter()
        window._show_item(item)
        pump_until(lambda sha=sha: isinstance(photos.decoded(sha), DecodedPhoto), 10)
        window.repaint()
        forced.append(time.perf_counter() - started)
    print(
        f"next item fully painted from prefetch (n={len(frames)}): "
        f"p50 {ms(pct(frames, 0.5))}, p95 {ms(pct(frames, 0.95))} (goal 16.7 ms); "
        f"with a forced repaint of the whole window instead of Qt's own frame: "
        f"p50 {ms(pct(forced, 0.5))}, p95 {ms(pct(forced, 0.95))}"
    )

    # -- key press to durable decision and next item shown ----------------------------------------
    window._show_item(session.current) if session.current else None
    decisions = []
    phases: list[float] = []
    marks: dict[str, float] = {}
    session.current_changed.connect(lambda _item: marks.__setitem__("shown", time.perf_counter()))
    store = parts.store
    for _ in range(min(25, len(session.leases) - 2)):
        pump_until(lambda: session.current is not None and not window.panel.busy, 10)
        current = session.current
        assert current is not None
        pump_until(
            lambda: len(session.leases) > 1 and session.prepared(session.leases[1].application_id),
            30,
        )
        app.processEvents()  # the frame before this one is finished
        target = QApplication.focusWidget() or window
        watch.reset()
        started = time.perf_counter()
        QTest.keyClick(target, Qt.Key.Key_A)
        pump_until(
            lambda current=current: (
                session.current is not None
                and session.current is not current
                and not window.panel.busy
            ),
            10,
        )
        nxt = session.current
        assert nxt is not None
        sha = first_photo(nxt)
        pump_until(
            lambda sha=sha: watch.all_painted and isinstance(photos.decoded(sha), DecodedPhoto)
        )
        decisions.append(time.perf_counter() - started)
        phases.append(marks.get("shown", started) - started)
    recorded = sum(store.outbox.counts().values())
    assert recorded >= len(decisions), recorded
    print(
        f"key press to durable decision and next item shown (n={len(decisions)}): "
        f"p50 {ms(pct(decisions, 0.5))}, p95 {ms(pct(decisions, 0.95))} (goal 50 ms); "
        f"of which key to committed and next item handed to the window: p50 "
        f"{ms(pct(phases, 0.5))}"
    )
    print(f"garbage collector while showing items and deciding: {pauses.report()}")

    window.close()
    session.close()
    tasks.shutdown(30_000)
    parts.store.close()
    client.close()
    server.stop()
    service.close()
    app.processEvents()
    sys.stdout.flush()
    # Skip the interpreter's teardown of Qt objects (PySide6 6.12 refcount fault at exit).
    os._exit(0)


if __name__ == "__main__":
    main()
