"""The photo upload form: the file, a short note, and whether to keep where the photo was taken."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from danvan.evidence.images import NO_FILE
from danvan.forms import FlaskForm, TextField, required

NOTE_MAX = 300
ACCEPT = "image/jpeg,image/png,image/webp"


class EvidenceForm(FlaskForm):
    # The browser's type and the file's name are never trusted: images.process opens the bytes.
    photo = FileField("Ảnh", [FileRequired(NO_FILE)])
    note = TextField("Ghi chú cho ảnh", required(NOTE_MAX))
    keep_place = BooleanField("Giữ vị trí chụp ảnh")
