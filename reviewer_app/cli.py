"""The `reviewer-app` command: the workstation, the demo, and the reference queue service."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from reviewer_app import __version__

DEFAULT_DEMO_COUNT = 300


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer-app",
        description="Reviewer Workstation: admit or decline freelancer profile applications.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the queue service in-process with demo data and open the workstation on it",
    )
    parser.add_argument(
        "--demo-count", type=int, default=DEFAULT_DEMO_COUNT, help="demo applicants to generate"
    )
    parser.add_argument("--demo-password", default="demo", help="password of the demo accounts")
    parser.add_argument(
        "--quit-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help=argparse.SUPPRESS,  # for smoke tests of the window: close it after this long
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="run the reference queue service")
    serve.add_argument(
        "--db",
        default="sqlite:///reviewer-queue.sqlite3",
        help="SQLAlchemy URL: sqlite:///PATH (default ./reviewer-queue.sqlite3) or "
        "postgresql+psycopg://USER:PASSWORD@HOST/DB",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8400)
    serve.add_argument(
        "--seed-demo",
        type=int,
        default=0,
        metavar="N",
        help="create the demo accounts and N demo applicants (when the queue is empty)",
    )
    serve.add_argument("--demo-password", default="demo")
    serve.add_argument("--seed", type=int, default=7, help="seed of the demo generator")
    serve.add_argument(
        "--ground-truth",
        type=Path,
        default=None,
        help="write the demo generator's ground truth (JSON Lines) to this file",
    )
    serve.add_argument("--sla-hours", type=float, default=24.0)

    openapi = sub.add_parser("openapi", help="print the service's OpenAPI document")
    openapi.add_argument("--output", type=Path, default=None)

    # These two have their own options, parsed by their own modules (`reviewer-app check
    # --help`): here they are listed, and whatever follows their name is handed over.
    check = sub.add_parser(
        "check",
        add_help=False,
        help="run the automatic checks on one application file and print the findings as "
        "JSON: reviewer-app check APPLICATION.json [--media DIR] [--demand FILE]",
    )
    check.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    accuracy = sub.add_parser(
        "accuracy",
        add_help=False,
        help="print the precision and recall of each check on generated demo applicants "
        "against their ground truth: reviewer-app accuracy [--count 2000]",
    )
    accuracy.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


# The first argument that makes the app run the video probe instead (hidden: the app starts
# itself with it, see `reviewer_app.core.checks.video.default_probe_command`). A frozen build's
# executable is the app, so the probe child cannot be started as `python -m ...` there.
VIDEO_PROBE_FLAG = "--video-probe"


def _dispatch(argv: list[str]) -> int | None:
    """Commands handled before (and without) the main parser: their modules parse their own
    options, and the probe must start without importing more than it needs."""
    if argv[:1] == [VIDEO_PROBE_FLAG]:
        from reviewer_app.core.checks.video_probe import main as probe_main

        return probe_main(argv[1:])
    if argv[:1] == ["check"]:
        from reviewer_app.checks_cli import main_check

        return main_check(argv[1:])
    if argv[:1] == ["accuracy"]:
        from reviewer_app.checks_accuracy import main as accuracy_main

        return accuracy_main(argv[1:])
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    handled = _dispatch(argv)
    if handled is not None:
        return handled
    args = _parser().parse_args(argv)
    if args.command in ("check", "accuracy"):  # after global options: `-v check FILE`
        return _dispatch([args.command, *args.arguments]) or 0
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "serve":
        return _serve(args)
    if args.command == "openapi":
        return _openapi(args.output)
    from reviewer_app.demo import start_demo_service
    from reviewer_app.ui.launch import run_workstation

    return run_workstation(
        demo_backend=start_demo_service,
        demo=args.demo,
        demo_count=args.demo_count,
        demo_password=args.demo_password,
        quit_after=args.quit_after,
    )


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from reviewer_app.core.sla import SlaPolicy
    from reviewer_app.service.app import QueueService, create_app
    from reviewer_app.service.seed import seed_demo
    from reviewer_app.service.settings import ServiceSettings

    try:
        sla = SlaPolicy(hours=args.sla_hours)
    except ValueError as error:
        print(f"reviewer-app serve: {error}", file=sys.stderr)
        return 2
    service = QueueService(ServiceSettings(db_url=args.db, sla=sla))
    if args.seed_demo:
        added = seed_demo(
            service.store,
            service.audit,
            args.seed_demo,
            password=args.demo_password,
            seed=args.seed,
            ground_truth=args.ground_truth,
        )
        print(f"Demo data: {added} applicants added.")
        print(f"Demo accounts: reviewer / {args.demo_password}  and  lead / {args.demo_password}")
    print(
        f"Queue service on http://{args.host}:{args.port}/api/v1 "
        f"(OpenAPI: /api/v1/openapi.json, docs: /api/v1/docs)"
    )
    uvicorn.run(create_app(service=service), host=args.host, port=args.port, log_level="info")
    service.close()
    return 0


def openapi_document() -> dict[str, object]:
    """The OpenAPI document as the service serves it (built on a throwaway in-memory store)."""
    from reviewer_app.service.app import create_app
    from reviewer_app.service.settings import ServiceSettings

    app = create_app(ServiceSettings(db_url="sqlite://"))
    document = app.openapi()
    app.state.service.close()
    return document


def _openapi(output: Path | None) -> int:
    text = json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    return 0
