"""Photos: decoded off the UI thread under an allocation limit, fitted, zoomed, paged, blurred.

The pane shows the current revision's photo first, then the photos of earlier revisions that
differ from it (a resubmission that replaced its photo can be compared). Each photo is decoded
in a `TaskRunner` task:

1. the file's bytes are read and checked against the SHA-256 they are filed under;
2. Pillow decodes the whole image once as a check (TRAPS.md: a truncated JPEG decodes in Qt to a
   non-null image with a grey bottom and only a log line, so `isNull()` cannot be trusted);
3. `QImageReader` decodes it for display with `setAllocationLimit`, so a decompression bomb is
   refused before any pixel is allocated;
4. a wellness copy (grey and heavily blurred) is made at the same time.

A photo that cannot be shown gets a placeholder that says why; nothing here raises into the UI.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, UnidentifiedImageError
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.ui import icons
from reviewer_app.ui.review.widgets import Placeholder, SectionHeader, plain_label
from reviewer_app.ui.signals import emit
from reviewer_app.ui.tasks import TaskHandle, TaskRunner

ALLOCATION_LIMIT_MB = 128  # Qt's default is 256 MB; a 40 MP photo as RGBA is 160 MB
MAX_PIXELS = 40_000_000
MAX_FILE_BYTES = 64 * 1024 * 1024
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
ZOOM_STEP = 1.25
MIN_ZOOM = 0.05
MAX_ZOOM = 16.0


class PhotoError(Exception):
    """A photo that cannot be shown, with a reason for the reviewer."""


@dataclass(frozen=True)
class PhotoEntry:
    sha256: str
    caption: str  # "Current photo", "Photo of revision 1 (since replaced)"
    path: Path | None  # None: the file has not been downloaded


@dataclass(frozen=True)
class DecodedPhoto:
    image: QImage
    wellness: QImage
    format: str
    width: int
    height: int


def decode_photo(path: Path, sha256: str) -> DecodedPhoto:
    """Runs on a worker thread: read, verify, check-decode with Pillow, decode with Qt."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PhotoError(f"The file is {size / 1e6:.0f} MB, over the limit for a photo.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise PhotoError("The photo has not been downloaded.") from None
    except OSError as error:
        raise PhotoError(f"The photo file cannot be read: {error.strerror or error}") from None
    if not data:
        raise PhotoError("The photo file is empty.")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise PhotoError("The file does not match the photo's SHA-256: it was not shown.")
    fmt = _check_with_pillow(data)
    reader = QImageReader()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader.setDevice(buffer)
    reader.setDecideFormatFromContent(True)
    reader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    reader.setAutoTransform(True)
    image = reader.read()
    buffer.close()
    if image.isNull():
        raise PhotoError(f"The photo cannot be decoded: {reader.errorString()}.")
    return DecodedPhoto(image, wellness_image(image), fmt, image.width(), image.height())


def _check_with_pillow(data: bytes) -> str:
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # process-wide: truncation would go unseen
        raise PhotoError("Image checking is switched off in this process (truncated images).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            width, height = image.size
            if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
                raise PhotoError(
                    f"The photo is {width}×{height} pixels: over the limit of "
                    f"{MAX_PIXELS / 1e6:.0f} megapixels, not decoded."
                )
            fmt = str(image.format)
            image.load()
    except PhotoError:
        raise
    except UnidentifiedImageError:
        raise PhotoError(
            f"The file is not a {', '.join(ALLOWED_FORMATS[:-1])} or {ALLOWED_FORMATS[-1]} image."
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
        raise PhotoError("The photo is too large to decode safely.") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
        text = str(error)
        if "runcat" in text:
            raise PhotoError(
                "The photo file is truncated (the upload did not complete): only part of the "
                "image is there."
            ) from None
        raise PhotoError(f"The photo file is corrupt: {text}") from None
    return fmt


def wellness_image(image: QImage) -> QImage:
    """Grey and blurred beyond recognition, the same size as the photo (wellness mode)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    small = grey.scaled(
        QSize(18, 18),
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    return small.scaled(
        grey.size(),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


class PhotoCanvas(QGraphicsView):
    """The photo in a graphics view: fitted to the view until the reviewer zooms."""

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoCanvas")
        self.setAccessibleName("Photo")
        self.setScene(QGraphicsScene(self))
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.fit = True

    def set_image(self, image: QImage) -> None:
        self.item.setPixmap(QPixmap.fromImage(image))
        self.scene().setSceneRect(QRectF(self.item.boundingRect()))
        if self.fit:
            self.fit_to_view()

    def zoom(self) -> float:
        return float(self.transform().m11())

    def fit_to_view(self) -> None:
        self.fit = True
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        if self.item.pixmap().isNull():
            return
        self.resetTransform()
        self.fitInView(self.item, Qt.AspectRatioMode.KeepAspectRatio)
        emit(self.zoom_changed, self.zoom())

    def zoom_by(self, factor: float) -> None:
        if self.item.pixmap().isNull():
            return
        target = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom() * factor))
        self.fit = False
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.scale(target / self.zoom(), target / self.zoom())
        emit(self.zoom_changed, self.zoom())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fit:
            self.fit_to_view()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)
            event.accept()
            return
        super().wheelEvent(event)


class PhotoView(QFrame):
    """Photos of the application with previous/next, zoom and the wellness toggle."""

    wellness_toggled = Signal(bool)  # the reviewer pressed the wellness button

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoView")
        self._tasks = tasks
        self._entries: list[PhotoEntry] = []
        self._index = 0
        self._decoded: dict[str, DecodedPhoto | str] = {}  # sha256 -> photo or the error text
        self._pending: dict[str, TaskHandle[DecodedPhoto]] = {}
        self._wellness = False
        self._no_photo_text = ""

        self.header = SectionHeader("photo", "Photo", self)
        self.previous_button = self._tool("previous", "Previous photo (Left)", self.previous)
        self.counter = plain_label("", self)
        self.counter.setObjectName("photoCounter")
        self.counter.setAccessibleName("Photo number")
        self.next_button = self._tool("next", "Next photo (Right)", self.next)
        self.zoom_out_button = self._tool("zoom-out", "Zoom out (Ctrl+wheel)", self.zoom_out)
        self.zoom_label = plain_label("", self)
        self.zoom_label.setObjectName("photoZoom")
        self.zoom_label.setMinimumWidth(38)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = self._tool("zoom-in", "Zoom in (Ctrl+wheel)", self.zoom_in)
        self.fit_button = self._tool("zoom-fit", "Fit to view", self.fit_to_view)
        self.wellness_button = self._tool("wellness", "Wellness: blur and grey photos", None)
        self.wellness_button.setCheckable(True)
        self.wellness_button.toggled.connect(self._on_wellness_button)
        for widget in (
            self.previous_button,
            self.counter,
            self.next_button,
            self.zoom_out_button,
            self.zoom_label,
            self.zoom_in_button,
            self.fit_button,
            self.wellness_button,
        ):
            self.header.tools.addWidget(widget)

        self.canvas = PhotoCanvas(self)
        self.canvas.zoom_changed.connect(self._on_zoom)
        self.placeholder = Placeholder(self, icon_size=40)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.canvas)
        self.caption = plain_label("", self)
        self.caption.setObjectName("photoCaption")
        self.caption.setContentsMargins(8, 2, 8, 4)
        self.caption.setAccessibleName("Photo caption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.caption)
        self.set_entries([], "")

    def _tool(self, icon_name: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icons.icon(icon_name))
        button.setAutoRaise(True)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        if callable(slot):
            button.clicked.connect(slot)
        return button

    # -- content -----------------------------------------------------------------------------
    def set_entries(
        self,
        entries: Sequence[PhotoEntry],
        no_photo_text: str,
        decoded: Mapping[str, DecodedPhoto | str] | None = None,
    ) -> None:
        """Show these photos (the first one first); `no_photo_text` explains an empty list.
        `decoded` holds photos already decoded off the UI thread (by `decode_photo`, e.g.
        while prefetching), or the reason one cannot be shown: those are shown at once, the
        others are decoded on a worker."""
        self.clear()
        self._entries = list(entries)
        self._no_photo_text = no_photo_text
        ready = decoded or {}
        for entry in self._entries:
            state = ready.get(entry.sha256)
            if isinstance(state, DecodedPhoto | str) and entry.path is not None:
                self._decoded[entry.sha256] = state
            else:
                self._decode(entry)
        self._show()

    def clear(self) -> None:
        for handle in self._pending.values():
            handle.cancel()
        self._pending.clear()
        self._decoded.clear()
        self._entries = []
        self._index = 0
        self.canvas.item.setPixmap(QPixmap())
        self.canvas.fit = True

    @property
    def entries(self) -> list[PhotoEntry]:
        return list(self._entries)

    @property
    def index(self) -> int:
        return self._index

    @property
    def current(self) -> PhotoEntry | None:
        return self._entries[self._index] if self._entries else None

    def decoded(self, sha256: str) -> DecodedPhoto | str | None:
        """The decoded photo, the error text, or None while it is being decoded."""
        return self._decoded.get(sha256)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def next(self) -> None:
        if len(self._entries) > 1:
            self._index = (self._index + 1) % len(self._entries)
            self.canvas.fit = True
            self._show()

    def previous(self) -> None:
        if len(self._entries) > 1:
            self._index = (self._index - 1) % len(self._entries)
            self.canvas.fit = True
            self._show()

    def zoom_in(self) -> None:
        self.canvas.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.canvas.zoom_by(1 / ZOOM_STEP)

    def fit_to_view(self) -> None:
        self.canvas.fit_to_view()

    def set_wellness(self, on: bool) -> None:
        if on == self._wellness:
            return
        self._wellness = on
        self.wellness_button.blockSignals(True)
        self.wellness_button.setChecked(on)
        self.wellness_button.blockSignals(False)
        self._show()

    @property
    def wellness(self) -> bool:
        return self._wellness

    # -- internals -----------------------------------------------------------------------------
    def _decode(self, entry: PhotoEntry) -> None:
        if entry.path is None:
            self._decoded[entry.sha256] = "The photo has not been downloaded yet."
            return
        sha = entry.sha256
        path = entry.path
        self._pending[sha] = self._tasks.run(
            lambda: decode_photo(path, sha),
            on_success=lambda photo: self._on_decoded(sha, photo),
            on_failure=lambda error: self._on_failed(sha, error),
            name=f"decode photo {sha[:12]}",
        )

    def _on_decoded(self, sha256: str, photo: DecodedPhoto) -> None:
        self._pending.pop(sha256, None)
        self._decoded[sha256] = photo
        if self.current is not None and self.current.sha256 == sha256:
            self._show()

    def _on_failed(self, sha256: str, error: BaseException) -> None:
        self._pending.pop(sha256, None)
        if isinstance(error, PhotoError):
            self._decoded[sha256] = str(error)
        else:  # an unexpected failure still ends in a message, and the task runner logged it
            self._decoded[sha256] = f"The photo cannot be shown: {type(error).__name__}: {error}"
        if self.current is not None and self.current.sha256 == sha256:
            self._show()

    def _show(self) -> None:
        count = len(self._entries)
        self.previous_button.setEnabled(count > 1)
        self.next_button.setEnabled(count > 1)
        self.counter.setText(f"{self._index + 1} / {count}" if count else "")
        self.counter.setVisible(count > 1)
        self.previous_button.setVisible(count > 1)
        self.next_button.setVisible(count > 1)
        entry = self.current
        state: DecodedPhoto | str | None = None
        if entry is None:
            self.placeholder.show_message(
                "No photo", self._no_photo_text or "No photo was uploaded.", "photo-missing"
            )
            self.caption.setText("")
        else:
            state = self._decoded.get(entry.sha256)
            self.caption.setText(entry.caption)
            if state is None:
                self.placeholder.show_message("Loading photo…", "", "photo")
            elif isinstance(state, str):
                self.placeholder.show_message("Photo cannot be shown", state, "photo-broken")
        showing = isinstance(state, DecodedPhoto)
        for button in (self.zoom_in_button, self.zoom_out_button, self.fit_button):
            button.setEnabled(showing)
        if isinstance(state, DecodedPhoto) and entry is not None:
            self.canvas.set_image(state.wellness if self._wellness else state.image)
            self.caption.setText(
                f"{entry.caption} · {state.width}×{state.height} {state.format}"
                + (" · wellness view" if self._wellness else "")
            )
            self.stack.setCurrentWidget(self.canvas)
            self._on_zoom(self.canvas.zoom())
        else:
            self.canvas.item.setPixmap(QPixmap())
            self.stack.setCurrentWidget(self.placeholder)
            self.zoom_label.setText("")

    def _on_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{zoom * 100:.0f}%")

    def _on_wellness_button(self, on: bool) -> None:
        self.set_wellness(on)
        emit(self.wellness_toggled, on)
