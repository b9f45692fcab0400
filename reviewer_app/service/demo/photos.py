"""Profile photos: a procedural head-and-shoulders portrait, and the ways a photo goes wrong.

A portrait is drawn with Pillow from a random stream named by `PhotoSpec.portrait`, so the same
spec gives the same bytes. Hard-edged shapes, hair strands and a fine sensor-like grain give a
good photo real high-frequency detail: a blur detector sees a clear difference between a good
photo and a blurred one. The grain comes from a noise tile made once per process (from a fixed
seed) and cropped at a per-portrait offset, which keeps rendering to a few milliseconds.
"""

from __future__ import annotations

import functools
import io
import random
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter

JPEG = "image/jpeg"
PNG = "image/png"

MIN_GOOD_SIDE = 400  # the applicant-facing rule: at least 400 by 400 pixels

# Good sizes (width, height) with weights; every side is at least MIN_GOOD_SIDE.
GOOD_SIZES: tuple[tuple[tuple[int, int], int], ...] = (
    ((400, 400), 3),
    ((480, 480), 10),
    ((512, 512), 30),
    ((600, 600), 10),
    ((480, 600), 10),
    ((640, 640), 6),
    ((600, 750), 4),
    ((720, 720), 3),
    ((800, 800), 2),
)

# Parameters of each defect; an applicant draws one variant, the truth records it.
TINY_SIZES: tuple[tuple[int, int], ...] = (
    (96, 96),
    (128, 128),
    (160, 200),
    (200, 200),
    (240, 240),
    (320, 320),
    (300, 375),
    (399, 399),
)
BLUR_RADII: tuple[float, ...] = (2.5, 3.5, 5.0, 7.0)
DARK_FACTORS: tuple[float, ...] = (0.12, 0.18, 0.24, 0.3)
WASHED_ALPHAS: tuple[float, ...] = (0.7, 0.75, 0.8, 0.85)
TRUNCATE_FRACTIONS: tuple[float, ...] = (0.2, 0.35, 0.5, 0.7)
NOT_AN_IMAGE_PAYLOADS: tuple[str, ...] = ("html", "json", "empty", "pdf")
DUPLICATE_TRANSFORMS: tuple[str, ...] = ("jpeg_q70", "resized_90", "png", "jpeg_q80_resized_90")

_NOISE_AMPLITUDE = 8
_NOISE_TILE = 1024

_BACKGROUNDS: tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...] = (
    ((190, 198, 206), (118, 130, 146)),
    ((206, 194, 174), (158, 138, 114)),
    ((168, 188, 166), (90, 110, 94)),
    ((150, 178, 206), (74, 98, 130)),
    ((192, 192, 192), (110, 110, 110)),
    ((162, 196, 194), (84, 120, 122)),
    ((212, 184, 162), (142, 104, 90)),
    ((184, 174, 202), (104, 94, 132)),
)
_HAIR = (
    (28, 22, 18),
    (52, 36, 24),
    (84, 56, 34),
    (120, 84, 50),
    (170, 130, 80),
    (196, 170, 120),
    (60, 60, 64),
    (150, 150, 150),
    (110, 40, 26),
)
_SHIRTS = (
    (40, 62, 120),
    (200, 200, 205),
    (30, 30, 34),
    (122, 30, 40),
    (60, 110, 80),
    (230, 226, 214),
    (90, 120, 170),
    (150, 120, 90),
    (70, 70, 80),
    (180, 90, 60),
)
_EYES = ((70, 45, 25), (40, 28, 18), (60, 90, 120), (80, 110, 70), (100, 80, 50))


@dataclass(frozen=True, slots=True)
class PhotoSpec:
    """Everything that decides a photo's bytes."""

    portrait: str  # name of the random stream that draws the person
    female: bool
    skin: tuple[int, int, int]
    width: int
    height: int
    content_type: str  # JPEG or PNG
    quality: int  # JPEG quality
    defect: str | None = None  # a photo defect kind, None for a good photo
    variant: int = 0  # index into the defect's parameter table
    session: int = 0  # another photo of the same person: new room, framing and grain


@functools.cache
def _noise_tile() -> Image.Image:
    rng = random.Random("reviewer-demo-noise")  # noqa: S311 - seeded demo data
    raw = rng.randbytes(_NOISE_TILE * _NOISE_TILE * 3)
    levels = 2 * _NOISE_AMPLITUDE + 1
    return Image.frombytes("RGB", (_NOISE_TILE, _NOISE_TILE), raw).point(
        lambda v: v * levels // 256
    )


def _shade(color: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    r, g, b = color
    return (min(255, int(r * factor)), min(255, int(g * factor)), min(255, int(b * factor)))


def _jitter(rng: random.Random, color: tuple[int, int, int], spread: int) -> tuple[int, int, int]:
    return tuple(max(0, min(255, c + rng.randint(-spread, spread))) for c in color)  # type: ignore[return-value]


def draw_portrait(spec: PhotoSpec, width: int, height: int, *, grain: bool = True) -> Image.Image:
    """The portrait itself, without any defect, at the given size."""
    person = random.Random(spec.portrait)  # noqa: S311 - seeded demo data
    rng = random.Random(f"{spec.portrait}/{spec.session}")  # noqa: S311 - the scene
    w, h = width, height
    top, bottom = rng.choice(_BACKGROUNDS)
    # A gradient, vertical or horizontal: stretch two pixels into a line, then widen the line
    # (one bilinear resize straight to the full size costs ten times more).
    first, second = _jitter(rng, top, 12), _jitter(rng, bottom, 12)
    if rng.random() < 0.3:
        first, second = second, first
    if rng.random() < 0.6:
        ends = Image.new("RGB", (1, 2))
        ends.putpixel((0, 0), first)
        ends.putpixel((0, 1), second)
        line = ends.resize((1, h), Image.Resampling.BILINEAR)
    else:
        ends = Image.new("RGB", (2, 1))
        ends.putpixel((0, 0), first)
        ends.putpixel((1, 0), second)
        line = ends.resize((w, 1), Image.Resampling.BILINEAR)
    image = line.resize((w, h), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(image)

    # One large feature of the room (a door, a wall, a bookcase) sets the picture apart from
    # other portraits even at thumbnail size, where duplicate detectors look.
    x0 = rng.uniform(-0.2, 0.7) * w
    y0 = rng.uniform(-0.2, 0.3) * h
    draw.rectangle(
        (x0, y0, x0 + rng.uniform(0.25, 0.55) * w, y0 + rng.uniform(0.6, 1.2) * h),
        fill=_shade(rng.choice((top, bottom)), rng.choice((0.72, 0.82, 1.1, 1.18))),
    )

    # The room behind: shelves, a window, picture frames, out-of-focus lights.
    for _ in range(rng.randint(3, 8)):
        x0 = rng.uniform(-0.1, 0.95) * w
        y0 = rng.uniform(-0.1, 0.7) * h
        x1 = x0 + rng.uniform(0.05, 0.35) * w
        y1 = y0 + rng.uniform(0.05, 0.45) * h
        kind = rng.random()
        if kind < 0.45:
            draw.rectangle((x0, y0, x1, y1), fill=_jitter(rng, top, 30))
        elif kind < 0.7:
            draw.rectangle(
                (x0, y0, x1, y1),
                fill=_shade(top, 1.12),
                outline=_shade(top, 0.7),
                width=max(2, w // 120),
            )
            draw.line(
                ((x0 + x1) / 2, y0, (x0 + x1) / 2, y1),
                fill=_shade(top, 0.7),
                width=max(2, w // 160),
            )
        else:
            r = rng.uniform(0.02, 0.07) * w
            draw.ellipse((x0 - r, y0 - r, x0 + r, y0 + r), fill=_shade(top, 1.15))

    cx = w * rng.uniform(0.4, 0.6)
    head_rx = w * rng.uniform(0.13, 0.19)
    head_ry = head_rx * person.uniform(1.22, 1.38)
    head_cy = h * rng.uniform(0.37, 0.45)
    skin = _jitter(person, spec.skin, 6)
    hair = person.choice(_HAIR)
    shirt = _jitter(rng, rng.choice(_SHIRTS), 10)

    # Long hair falls behind the shoulders.
    long_hair = spec.female and person.random() < 0.7
    if long_hair:
        draw.rounded_rectangle(
            (
                cx - head_rx * 1.35,
                head_cy - head_ry * 0.9,
                cx + head_rx * 1.35,
                head_cy + head_ry * 1.75,
            ),
            radius=int(head_rx * 0.8),
            fill=hair,
        )

    # Shoulders and neck.
    shoulder_top = head_cy + head_ry * 1.15
    draw.ellipse((cx - w * 0.46, shoulder_top, cx + w * 0.46, shoulder_top + h * 0.75), fill=shirt)
    neck_w = head_rx * 0.55
    draw.rectangle(
        (cx - neck_w, head_cy + head_ry * 0.6, cx + neck_w, shoulder_top + h * 0.05),
        fill=_shade(skin, 0.86),
    )
    draw.polygon(
        (
            (cx - neck_w * 1.6, shoulder_top + h * 0.01),
            (cx, shoulder_top + h * 0.11),
            (cx + neck_w * 1.6, shoulder_top + h * 0.01),
        ),
        fill=_shade(skin, 0.86),
    )
    if rng.random() < 0.35:  # a striped shirt
        step = max(4, w // rng.randint(30, 60))
        stripe = _shade(shirt, 0.75)
        for sx in range(int(cx - w * 0.46), int(cx + w * 0.46), step):
            if abs(sx - cx) > neck_w * 1.7:
                draw.line((sx, shoulder_top + h * 0.08, sx, h), fill=stripe, width=1)

    # Ears, head.
    for side in (-1, 1):
        ex = cx + side * head_rx * 0.98
        draw.ellipse(
            (
                ex - head_rx * 0.16,
                head_cy - head_ry * 0.12,
                ex + head_rx * 0.16,
                head_cy + head_ry * 0.22,
            ),
            fill=_shade(skin, 0.92),
        )
    draw.ellipse((cx - head_rx, head_cy - head_ry, cx + head_rx, head_cy + head_ry), fill=skin)

    # Hair on top.
    style = person.random()
    if long_hair or style < 0.75:
        draw.pieslice(
            (
                cx - head_rx * 1.06,
                head_cy - head_ry * 1.1,
                cx + head_rx * 1.06,
                head_cy + head_ry * 0.35,
            ),
            180,
            360,
            fill=hair,
        )
        strand = _shade(hair, 1.5) if sum(hair) < 200 else _shade(hair, 0.7)
        for _ in range(person.randint(40, 90)):
            x = cx + rng.uniform(-0.95, 0.95) * head_rx
            y = head_cy - head_ry * rng.uniform(0.55, 1.0)
            draw.line(
                (
                    x,
                    y,
                    x + rng.uniform(-0.15, 0.15) * head_rx,
                    y + rng.uniform(0.1, 0.35) * head_ry,
                ),
                fill=strand,
                width=1,
            )
        if style < 0.2 and not long_hair:  # curls
            for _ in range(person.randint(20, 40)):
                x = cx + rng.uniform(-1.0, 1.0) * head_rx
                y = head_cy - head_ry * rng.uniform(0.6, 1.05)
                r = head_rx * rng.uniform(0.06, 0.12)
                draw.ellipse((x - r, y - r, x + r, y + r), fill=hair, outline=strand)
    elif style < 0.9:  # very short
        draw.chord(
            (cx - head_rx, head_cy - head_ry * 1.02, cx + head_rx, head_cy + head_ry * 0.1),
            180,
            360,
            fill=hair,
        )

    # Face.
    eye_y = head_cy - head_ry * person.uniform(0.02, 0.1)
    eye_dx = head_rx * person.uniform(0.36, 0.44)
    eye_rx = head_rx * 0.16
    iris = person.choice(_EYES)
    for side in (-1, 1):
        ex = cx + side * eye_dx
        draw.ellipse(
            (ex - eye_rx, eye_y - eye_rx * 0.55, ex + eye_rx, eye_y + eye_rx * 0.55),
            fill=(242, 240, 236),
        )
        draw.ellipse(
            (ex - eye_rx * 0.5, eye_y - eye_rx * 0.5, ex + eye_rx * 0.5, eye_y + eye_rx * 0.5),
            fill=iris,
        )
        draw.ellipse(
            (ex - eye_rx * 0.22, eye_y - eye_rx * 0.22, ex + eye_rx * 0.22, eye_y + eye_rx * 0.22),
            fill=(10, 10, 10),
        )
        brow_y = eye_y - eye_rx * person.uniform(1.1, 1.5)
        draw.line(
            (ex - eye_rx * 1.1, brow_y + eye_rx * 0.2, ex + eye_rx * 1.1, brow_y),
            fill=_shade(hair, 0.9),
            width=max(2, int(eye_rx * 0.3)),
        )
    nose_y = head_cy + head_ry * 0.22
    draw.line(
        (cx, eye_y + eye_rx, cx - head_rx * 0.06, nose_y),
        fill=_shade(skin, 0.75),
        width=max(1, w // 200),
    )
    draw.line(
        (cx - head_rx * 0.12, nose_y, cx + head_rx * 0.08, nose_y),
        fill=_shade(skin, 0.75),
        width=max(1, w // 200),
    )
    mouth_y = head_cy + head_ry * 0.48
    mouth_w = head_rx * person.uniform(0.32, 0.46)
    lips = _shade(skin, 0.68) if not spec.female else (_shade((170, 70, 80), 1.0))
    if rng.random() < 0.6:  # smile
        draw.chord(
            (cx - mouth_w, mouth_y - head_ry * 0.1, cx + mouth_w, mouth_y + head_ry * 0.1),
            0,
            180,
            fill=(250, 248, 244),
            outline=lips,
            width=max(2, w // 180),
        )
    else:
        draw.arc(
            (cx - mouth_w, mouth_y - head_ry * 0.06, cx + mouth_w, mouth_y + head_ry * 0.06),
            10,
            170,
            fill=lips,
            width=max(2, w // 150),
        )
    beard = not spec.female and person.random() < 0.3
    glasses = person.random() < 0.3
    earrings = spec.female and person.random() < 0.35
    if beard:
        draw.chord(
            (
                cx - head_rx * 0.92,
                head_cy - head_ry * 0.1,
                cx + head_rx * 0.92,
                head_cy + head_ry * 1.02,
            ),
            20,
            160,
            fill=_shade(hair, 1.0),
        )
        draw.chord(
            (cx - mouth_w, mouth_y - head_ry * 0.08, cx + mouth_w, mouth_y + head_ry * 0.08),
            0,
            180,
            fill=_shade(skin, 0.7),
        )
    if glasses:
        frame = person.choice(((20, 20, 20), (90, 60, 40), (160, 160, 170)))
        for side in (-1, 1):
            ex = cx + side * eye_dx
            draw.rounded_rectangle(
                (ex - eye_rx * 1.5, eye_y - eye_rx * 1.1, ex + eye_rx * 1.5, eye_y + eye_rx * 1.1),
                radius=int(eye_rx * 0.5),
                outline=frame,
                width=max(2, w // 160),
            )
        draw.line(
            (cx - eye_dx + eye_rx * 1.5, eye_y, cx + eye_dx - eye_rx * 1.5, eye_y),
            fill=frame,
            width=max(2, w // 160),
        )
    if earrings:
        for side in (-1, 1):
            ex = cx + side * head_rx * 1.0
            ey = head_cy + head_ry * 0.3
            r = max(1.5, w / 120)
            draw.ellipse((ex - r, ey - r, ex + r, ey + r), fill=(220, 190, 90))

    if not grain:
        return image
    # Sensor grain: what makes a sharp photo measurably sharp.
    tile = _noise_tile()
    ox = rng.randrange(_NOISE_TILE - w + 1) if w < _NOISE_TILE else 0
    oy = rng.randrange(_NOISE_TILE - h + 1) if h < _NOISE_TILE else 0
    noise = tile.crop((ox, oy, ox + w, oy + h))
    return ImageChops.add(image, noise, 1.0, -_NOISE_AMPLITUDE)


def _encode(image: Image.Image, content_type: str, quality: int) -> bytes:
    out = io.BytesIO()
    if content_type == PNG:
        image.save(out, "PNG", compress_level=1, compress_type=2)  # Huffman only: grain is noise
    else:
        image.save(out, "JPEG", quality=quality)
    return out.getvalue()


_NOT_AN_IMAGE = {
    "html": b"<!DOCTYPE html>\n<html><head><title>413 Request Entity Too Large</title></head>"
    b"<body><h1>Request Entity Too Large</h1><p>The upload was rejected by the proxy.</p>"
    b"</body></html>\n",
    "json": b'{"error": "upload_failed", "message": "The file could not be stored."}\n',
    "empty": b"",
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n",
}


def defect_details(spec: PhotoSpec) -> dict[str, object]:
    """What the truth records about a photo defect (the same with and without media)."""
    match spec.defect:
        case "photo_tiny":
            return {"width": spec.width, "height": spec.height, "min_side": MIN_GOOD_SIDE}
        case "photo_blurred":
            return {"blur_radius": BLUR_RADII[spec.variant]}
        case "photo_dark":
            return {"brightness_factor": DARK_FACTORS[spec.variant]}
        case "photo_washed_out":
            return {"white_blend": WASHED_ALPHAS[spec.variant]}
        case "photo_corrupt_truncated":
            return {"kept_fraction": TRUNCATE_FRACTIONS[spec.variant]}
        case "photo_not_an_image":
            return {"payload": NOT_AN_IMAGE_PAYLOADS[spec.variant]}
        case "photo_duplicate":
            return {"transform": DUPLICATE_TRANSFORMS[spec.variant]}
        case _:
            return {}


def render_photo(spec: PhotoSpec, original: PhotoSpec | None = None) -> tuple[str, bytes]:
    """(content type, bytes) of the photo. `original` is the copied photo of a duplicate."""
    defect = spec.defect
    if defect == "photo_not_an_image":
        return spec.content_type, _NOT_AN_IMAGE[NOT_AN_IMAGE_PAYLOADS[spec.variant]]
    if defect == "photo_duplicate":
        if original is None:
            raise ValueError("a duplicate photo needs the original's spec")
        image = draw_portrait(original, original.width, original.height)
        transform = DUPLICATE_TRANSFORMS[spec.variant]
        if "resized_90" in transform:
            size = (round(original.width * 0.9), round(original.height * 0.9))
            image = image.resize(size, Image.Resampling.LANCZOS)
        if transform == "png":
            return PNG, _encode(image, PNG, 0)
        quality = 80 if "q80" in transform else 70 if "q70" in transform else spec.quality
        return JPEG, _encode(image, JPEG, quality)
    if defect == "photo_tiny":
        base = draw_portrait(spec, 512, round(512 * spec.height / spec.width))
        image = base.resize((spec.width, spec.height), Image.Resampling.LANCZOS)
    else:
        image = draw_portrait(spec, spec.width, spec.height)
    if defect == "photo_blurred":
        image = image.filter(ImageFilter.GaussianBlur(BLUR_RADII[spec.variant]))
    elif defect == "photo_dark":
        image = ImageEnhance.Brightness(image).enhance(DARK_FACTORS[spec.variant])
    elif defect == "photo_washed_out":
        white = Image.new("RGB", image.size, (255, 255, 255))
        image = Image.blend(image, white, WASHED_ALPHAS[spec.variant])
    data = _encode(image, spec.content_type, spec.quality)
    if defect == "photo_corrupt_truncated":
        data = data[: max(700, int(len(data) * TRUNCATE_FRACTIONS[spec.variant]))]
    return spec.content_type, data


# Pooled photos (generate(media=False)) are the same renders, shared and cached per spec.
render_pooled = functools.lru_cache(maxsize=4096)(render_photo)
