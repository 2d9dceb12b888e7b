"""The words of learning: kinds of material, who a course is for."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MaterialKind(models.TextChoices):
    DOCUMENT = "document", _("Document (PDF or picture)")
    VIDEO = "video", _("Video (a file or a link)")
    AUDIO = "audio", _("Audio (a file or a link)")
    LINK = "link", _("Web page")
    TEXT = "text", _("Text")


class Audience(models.TextChoices):
    """Who a course is for, always within the course's organisation and those below it."""

    MEMBERS = "members", _("All Party members")
    OFFICERS = "officers", _("Secretaries and committee members")
    PROBATIONARY = "probationary", _("Probationary members")
    ACTIVISTS = "activists", _("Activists and candidates")
    EVERYONE = "everyone", _("Everyone on the organisation's rolls")
    NAMED = "named", _("Named people")


class HoursSource(models.TextChoices):
    MEETING = "meeting", _("Study meeting attended")
    COURSE = "course", _("Course completed")
    EXTERNAL = "external", _("Training elsewhere, with a certificate")
