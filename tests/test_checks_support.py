"""Shared makers for the checks' tests: profiles, applications, and media made on the spot."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime
from fractions import Fraction

from PIL import Image, ImageDraw, ImageFilter

from reviewer_app.core.models import (
    Application,
    Education,
    Employment,
    Language,
    MediaKind,
    MediaRef,
    Profile,
    Revision,
)

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)

OVERVIEW = (
    "Hello, I am Priya, a full-stack developer based in India. Over the past six years I have "
    "built online stores and booking platforms with React and Django for clients in several "
    "countries. I write clean, tested code and I care about page speed, accessibility and "
    "search visibility. I have taken projects from the first wireframe to production, "
    "including hosting, monitoring and maintenance after launch. I communicate clearly and "
    "regularly, so you always know where your project stands. Feel free to contact me with "
    "any questions; I usually reply within a few hours."
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def photo_ref(data: bytes, content_type: str = "image/jpeg") -> MediaRef:
    return MediaRef(sha(data), MediaKind.PHOTO, content_type, len(data))


def video_ref(data: bytes, content_type: str = "video/mp4") -> MediaRef:
    return MediaRef(sha(data), MediaKind.VIDEO, content_type, len(data))


def make_profile(**changes: object) -> Profile:
    profile = Profile(
        first_name="Priya",
        last_name="Sharma",
        title="Senior Full-Stack Developer | React, Django & PostgreSQL",
        overview=OVERVIEW,
        skills=("React", "Django", "TypeScript", "PostgreSQL Administration"),
        hourly_rate=35.0,
        employment=(
            Employment(
                "Infosys",
                "Software Engineer",
                2019,
                None,
                "Built and maintained online stores using React and Django for clients in "
                "several countries.",
            ),
        ),
        education=(
            Education(
                "University of Delhi", "Bachelor of Technology", "Computer Science", 2014, 2018
            ),
        ),
        languages=(Language("English", "fluent"), Language("Hindi", "native")),
        country="India",
        date_of_birth=date(1995, 4, 12),
        photo=None,
        video=None,
    )
    return replace(profile, **changes)  # type: ignore[arg-type]


def make_application(profile: Profile | None = None, app_id: str = "APP-000001") -> Application:
    return Application(app_id, (Revision(1, NOW, profile or make_profile()),))


# -- images ---------------------------------------------------------------------------------------


def portrait(width: int = 512, height: int = 512, seed: int = 1) -> Image.Image:
    """A sharp synthetic picture with edges and fine grain."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (rng.randint(120, 200),) * 3)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(10, width // 2), y0 + rng.randrange(10, height // 2)
        color = tuple(rng.randrange(30, 230) for _ in range(3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=color)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=color)
    noise = Image.effect_noise((width, height), 12).convert("RGB")
    return Image.blend(image, noise, 0.08)


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def blurred(image: Image.Image, radius: float = 4.0) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius))


def huge_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid 1-bit PNG of the given size, made without holding its pixels: a few KB."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


# -- video ----------------------------------------------------------------------------------------


def make_video(
    seconds: float = 31, width: int = 640, height: int = 360, fps: int = 2, container: str = "mp4"
) -> bytes:
    import av

    out = io.BytesIO()
    codec = "libx264" if container == "mp4" else "libvpx-vp9"
    with av.open(out, "w", format=container) as muxer:
        stream = muxer.add_stream(codec, rate=fps)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.thread_count = 1
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        else:
            stream.options = {"deadline": "realtime", "cpu-used": "8"}
        frame_image = portrait(width, height)
        frame = av.VideoFrame.from_image(frame_image).reformat(  # type: ignore[no-untyped-call]
            format="yuv420p"
        )
        for index in range(round(seconds * fps)):
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            muxer.mux(stream.encode(frame))
        muxer.mux(stream.encode(None))
    return out.getvalue()


def test_huge_png_is_small_and_claims_its_size() -> None:
    data = huge_png()
    assert len(data) < 100_000
    assert struct.unpack(">II", data[16:24]) == (20_000, 20_000)  # IHDR width, height


def application_document(application: Application) -> dict[str, object]:
    """The application as the service's GET /applications/{id} shows it (`ApplicationOut`)."""
    from reviewer_app.core.sla import SlaPolicy
    from reviewer_app.core.wire import ApplicationOut
    from reviewer_app.service.convert import decision_out, profile_json

    sla = SlaPolicy()
    document = {
        "application_id": application.application_id,
        "status": "pending",
        "current_revision": application.current.number,
        "flags": [],
        "held_by": None,
        "lease_version": 0,
        "lease_expires_at": None,
        "revisions": [
            {
                "revision": revision.number,
                "submitted_at": revision.submitted_at.isoformat(),
                "due_at": sla.due_at(revision.submitted_at).isoformat(),
                "profile": profile_json(revision.profile),
                "decision": None
                if revision.decision is None
                else decision_out(revision.decision).model_dump(mode="json"),
            }
            for revision in application.revisions
        ],
    }
    ApplicationOut.model_validate(document)  # the makers stay true to the contract
    return document
