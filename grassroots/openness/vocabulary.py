"""The kinds of value openness stores: audiences, kinds of notice, how often a catalogue
item is due, what became of a comment."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Audience(models.TextChoices):
    """Who may read a notice or take part in a consultation."""

    PUBLIC = "public", _("Everyone, without signing in")
    ENTERPRISE = "enterprise", _("Every employee of the enterprise")
    DEPARTMENTS = "departments", _("Employees of the departments the organisation covers")
    MEMBERS = "members", _("Party members of the organisation and those under it")
    OFFICERS = "officers", _("Officers of the organisation and those under it")


class NoticeKind(models.TextChoices):
    WORK_PLAN = "work_plan", _("Work plan for the year")
    WORK_SUMMARY = "work_summary", _("Work summary of the year")
    DUES = "dues", _("Dues collected and used")
    DEVELOPMENT = "development", _("Member development")
    COMMENDATION = "commendation", _("Commendations")
    EVALUATION = "evaluation", _("Appraisal and evaluation results")
    DEEDS = "deeds", _("Practical-deed list")
    MEETINGS = "meetings", _("Organisational life")
    ADOPTION = "adoption", _("Adoption report of a consultation")
    OTHER = "other", pgettext_lazy("notice kind", "Other")


class Frequency(models.TextChoices):
    """How often a catalogue item is due."""

    YEAR = "year", _("Every year")
    QUARTER = "quarter", _("Every quarter")
    EVENT = "event", _("Whenever it happens")


class Timing(models.TextChoices):
    """Whether an item is published during the period it covers (a work plan) or after it
    has ended (a summary, the dues used)."""

    WITHIN = "within", _("During the period")
    AFTER = "after", _("After the period ends")


class Matter(models.TextChoices):
    """三重一大: what a consultation is about."""

    DECISION = "decision", _("Major decision")
    APPOINTMENT = "appointment", _("Important appointment")
    PROJECT = "project", _("Major project")
    FUNDS = "funds", _("Use of a large sum")
    OTHER = "other", pgettext_lazy("consultation matter", "Other")


class Outcome(models.TextChoices):
    """What became of a comment (采纳情况)."""

    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not", _("Not adopted")


class CommenterGroup(models.TextChoices):
    """Who took part, as the adoption report counts them: taken from the person's member
    record when they comment, kept for anonymous comments too (counted, never shown
    beside a comment)."""

    EMPLOYEE = "employee", _("Employees")
    ACTIVIST = "activist", _("Applicants, activists and candidates")
    PROBATIONARY = "probationary", _("Probationary members")
    MEMBER = "member", _("Full members")


KIND_NOTES: dict[str, Promise] = {
    NoticeKind.WORK_PLAN: _("The year's work plan: meetings, learning, service, practical deeds."),
    NoticeKind.WORK_SUMMARY: _("What was done last year, measured against the plan."),
    NoticeKind.DUES: _("Dues collected and how they were used, last year."),
    NoticeKind.MEETINGS: _("Organisational life last year: meetings held against the rules."),
    NoticeKind.DEEDS: _("The practical-deed list of the year: who is responsible, by when."),
    NoticeKind.EVALUATION: _("Democratic appraisal and evaluation results, to those concerned."),
    NoticeKind.DEVELOPMENT: _("Development steps that need a public notice."),
    NoticeKind.COMMENDATION: _("Commendations, before they are decided."),
    NoticeKind.ADOPTION: _("Every consultation's adoption report, to those who were asked."),
    NoticeKind.OTHER: _("Anything else the organisation makes known."),
}
