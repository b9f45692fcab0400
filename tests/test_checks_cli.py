"""`reviewer-app check APPLICATION.json`: findings as JSON, clear messages for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_checks_support import (
    NOW,
    application_document,
    blurred,
    encode,
    make_application,
    make_profile,
    photo_ref,
    portrait,
)

from reviewer_app.checks_cli import main_check
from reviewer_app.core.checks.demand import demand_from_figures

ROOT = Path(__file__).resolve().parent.parent


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def check(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, object] | None, str]:
    status = main_check(argv)
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out.strip() else None), err


def findings_by_check(result: dict[str, object] | None) -> dict[str, dict[str, object]]:
    assert result is not None
    findings = result["findings"]
    assert isinstance(findings, list)
    return {f["check"]: f for f in findings}


def test_an_application_with_media_and_demand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = encode(blurred(portrait(), 4))
    ref = photo_ref(data)
    media = tmp_path / "media"
    media.mkdir()
    (media / ref.sha256).write_bytes(data)
    profile = make_profile(
        photo=ref, skills=("Data Entry", "Copy Typing", "React"), overview="I have experiance."
    )
    app = write(tmp_path / "app.json", application_document(make_application(profile)))
    demand = write(
        tmp_path / "demand.json",
        demand_from_figures(
            {
                "Data Entry": (10, 1000, 0.01),
                "Copy Typing": (5, 500, 0.01),
                "React": (900, 1000, 0.9),
            },
            profile.skills,
            0.25,
        ).model_dump(mode="json"),
    )
    status, result, err = check(
        [str(app), "--media", str(media), "--demand", str(demand), "--now", NOW.isoformat()],
        capsys,
    )
    assert (status, err) == (0, "")
    assert result is not None
    assert result["application_id"] == "APP-000001"
    by_check = findings_by_check(result)
    assert list(by_check) == ["age", "completeness", "text", "photo", "video", "demand"]
    for finding in by_check.values():
        assert {"check", "reason", "suggested", "severity", "evidence", "summary"} <= set(finding)
    assert by_check["photo"]["suggested"] is True
    assert by_check["photo"]["evidence"][0]["kind"] == "blurred"  # type: ignore[index]
    assert by_check["text"]["evidence"][0]["text"] == "experiance"  # type: ignore[index]
    assert by_check["demand"]["suggested"] is True
    assert by_check["video"]["suggested"] is True  # no video uploaded
    assert result["suggested_reasons"] == [
        "incomplete_profile",
        "text_errors",
        "photo_quality",
        "video_quality",
        "low_demand",
    ]


def test_without_media_or_demand_those_checks_say_they_did_not_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = encode(portrait())
    profile = make_profile(photo=photo_ref(data))
    app = write(tmp_path / "app.json", application_document(make_application(profile)))
    status, result, _ = check([str(app), "--now", NOW.isoformat()], capsys)
    assert status == 0
    by_check = findings_by_check(result)
    assert by_check["photo"]["status"] == "not_run"
    assert by_check["demand"]["status"] == "not_run"
    assert by_check["demand"]["suggested"] is False


def test_media_missing_from_the_folder_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = make_profile(photo=photo_ref(b"never written"))
    app = write(tmp_path / "app.json", application_document(make_application(profile)))
    status, result, _ = check([str(app), "--media", str(tmp_path), "--no-video"], capsys)
    assert status == 0
    photo = findings_by_check(result)["photo"]
    assert photo["status"] == "not_run"
    assert photo["evidence"][0]["kind"] == "media_missing"  # type: ignore[index]


def test_corrupt_media_is_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = encode(portrait())[:3000]
    ref = photo_ref(data)
    (tmp_path / ref.sha256).write_bytes(data)
    app = write(
        tmp_path / "app.json", application_document(make_application(make_profile(photo=ref)))
    )
    status, result, _ = check([str(app), "--media", str(tmp_path), "--no-video"], capsys)
    assert status == 0
    assert findings_by_check(result)["photo"]["evidence"][0]["kind"] == "truncated"  # type: ignore[index]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not an application"),
        ('{"application_id": "A"}', "revisions: Field required"),
        ("\udcff", "not UTF-8"),
    ],
)
def test_malformed_documents_give_a_message_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "app.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    status, result, err = check([str(path)], capsys)
    assert (status, result) == (2, None)
    assert message in err
    assert "Traceback" not in err


def test_no_revisions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = application_document(make_application())
    document["revisions"] = []
    status, _, err = check([str(write(tmp_path / "a.json", document))], capsys)
    assert status == 2
    assert "no revisions" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--media", "/nonexistent-folder"], "not a folder"),
        (["--demand", "/nonexistent.json"], "no such file"),
        (["--now", "yesterday"], "not an ISO 8601 time"),
        (["--now", "2026-11-28T10:00:00"], "time zone"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    app = write(tmp_path / "app.json", application_document(make_application()))
    status, _, err = check([str(app), *extra], capsys)
    assert status == 2
    assert message in err


def test_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = check(["/nonexistent/app.json"], capsys)
    assert status == 2
    assert "no such file" in err


def test_bad_demand_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = write(tmp_path / "app.json", application_document(make_application()))
    demand = write(tmp_path / "d.json", {"skills": [{"skill": "React"}]})
    status, _, err = check([str(app), "--demand", str(demand)], capsys)
    assert status == 2
    assert "skills.0.known" in err


def test_as_a_separate_process(tmp_path: Path) -> None:
    app = write(tmp_path / "app.json", application_document(make_application()))
    done = subprocess.run(
        [sys.executable, "-m", "reviewer_app.checks_cli", str(app), "--indent", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1
    assert json.loads(done.stdout)["revision"] == 1


# -- the `reviewer-app` command: check, accuracy and the hidden video probe ---------------------


def reviewer_app_command() -> list[str]:
    """The installed console script next to this interpreter, else the package as a module."""
    script = Path(sys.executable).with_name("reviewer-app")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reviewer_app"]


def run_app(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*reviewer_app_command(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )


def test_the_main_command_lists_check_and_accuracy() -> None:
    done = run_app("--help")
    assert done.returncode == 0, done.stderr
    assert "check" in done.stdout
    assert "APPLICATION.json" in done.stdout
    assert "accuracy" in done.stdout
    assert "--video-probe" not in done.stdout  # hidden: the app starts itself with it


def test_reviewer_app_check_on_a_generated_application_with_its_media(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from reviewer_app.service.demo import DefectRates, generate

    now = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
    rates = DefectRates(photo=1.0, photo_kinds=(("photo_blurred", 1.0),), video=0.0)
    [applicant] = list(generate(1, seed=3, now=now, rates=rates))
    media = tmp_path / "media"
    media.mkdir()
    for sha, (_content_type, data) in applicant.media.items():
        (media / sha).write_bytes(data)
    app = write(tmp_path / "application.json", application_document(applicant.application))

    done = run_app("check", str(app), "--media", str(media), "--now", now.isoformat())
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    result = json.loads(done.stdout)
    assert result["application_id"] == applicant.application.application_id
    assert result["revision"] == applicant.truth["revision"]
    by_check = findings_by_check(result)
    assert set(by_check) == {"age", "completeness", "text", "photo", "video", "demand"}
    assert by_check["photo"]["suggested"] is True  # the truth says: a blurred photo
    assert by_check["video"]["status"] != "not_run"  # probed in a child process
    assert "photo_quality" in result["suggested_reasons"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"application_id": "APP-1", ', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"application_id": "APP-1"}', "not an application"),
        (b"[1, 2, 3]", "not an application"),
    ],
)
def test_reviewer_app_check_on_a_malformed_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    done = run_app("check", str(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert str(bad) in done.stderr
    assert "Traceback" not in done.stderr


def test_reviewer_app_check_after_a_global_option(tmp_path: Path) -> None:
    done = run_app("-v", "check", str(tmp_path / "missing.json"))
    assert done.returncode == 2
    assert "no such file" in done.stderr
    assert "Traceback" not in done.stderr


def test_reviewer_app_accuracy_prints_the_table() -> None:
    done = run_app("accuracy", "--count", "12", "--no-video", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "precision" in done.stdout
    assert "recall" in done.stdout
    for check in ("age", "completeness", "text", "photo", "demand"):
        assert f"\n{check} " in done.stdout


def test_the_app_runs_the_video_probe_when_asked(tmp_path: Path) -> None:
    """What a frozen build does: its executable is the app, started with --video-probe."""
    from reviewer_app.service.demo import videos

    content_type, data = videos.render_video(videos.VideoSpec(0, "mp4"))
    clip = tmp_path / "clip"
    clip.write_bytes(data)
    done = run_app("--video-probe", "--max-cpu-s", "20", str(clip))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["ok"] is True
    assert answer["video"]["frames_decoded"] >= 1
    assert content_type.startswith("video/")


def test_a_frozen_build_starts_the_probe_through_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer_app.core.checks.video import default_probe_command

    assert default_probe_command()[1:] == ["-m", "reviewer_app.core.checks.video_probe"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/reviewer-app/reviewer-app")
    assert default_probe_command() == ["/opt/reviewer-app/reviewer-app", "--video-probe"]


def test_the_build_spec_ships_the_dictionary_and_the_probe() -> None:
    """PyInstaller is not needed to read the spec: what the frozen checks need is named in it,
    and the dictionary file it picks exists where pyspellchecker looks for it."""
    import spellchecker

    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert 'collect_data_files("spellchecker", includes=["resources/en.json.gz"])' in spec
    assert "*SPELLCHECKER_DATA" in spec
    assert '"reviewer_app.core.checks.video_probe"' in spec
    assert 'collect_submodules("av")' in spec
    assert (Path(spellchecker.__file__).parent / "resources" / "en.json.gz").is_file()
    main = (ROOT / "reviewer_app" / "__main__.py").read_text(encoding="utf-8")
    assert "reviewer_app.cli import main" in main  # the frozen entry point dispatches the probe
