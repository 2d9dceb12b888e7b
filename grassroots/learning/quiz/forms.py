"""Forms of the quiz: an author's question, and a learner's answers (each question a
radio group in a fieldset with the question as its legend)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.learning.models import CHOICE_MAX, EXPLANATION_MAX, QUESTION_MAX, QuizQuestion
from grassroots.learning.quiz.services import CHOICES_MAX


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=QUESTION_MAX
    )
    right = forms.TypedChoiceField(
        label=_("Which choice is right?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (number, _("Choice %(number)d") % {"number": number + 1})
            for number in range(CHOICES_MAX)
        ],
        error_messages={"required": _("Say which one choice is right.")},
    )
    explanation = forms.CharField(
        label=_("Explanation (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=EXPLANATION_MAX,
        required=False,
        help_text=_("Shown to the learner after they answer: why the right answer is right."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(CHOICES_MAX):
            self.fields[f"choice_{number}"] = forms.CharField(
                label=_("Choice %(number)d") % {"number": number + 1},
                max_length=CHOICE_MAX,
                required=False,
                help_text=_("Give two to five choices.") if number == 0 else "",
            )
        # the question, then its choices, then which is right, then the explanation
        self.order_fields(
            ["text", *(f"choice_{n}" for n in range(CHOICES_MAX)), "right", "explanation"]
        )

    def choices(self) -> list[str]:
        """The choices written, in order, without empty boxes after the last one."""
        given = [self.cleaned_data.get(f"choice_{n}", "") for n in range(CHOICES_MAX)]
        while given and not given[-1].strip():
            given.pop()
        return given


class AnswerForm(forms.Form):
    def __init__(self, *args: Any, questions: list[QuizQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=f"{number}. {question.text}",
                coerce=int,
                widget=forms.RadioSelect,
                choices=[(choice.pk, choice.text) for choice in question.choices.all()],
                error_messages={"required": _("Choose an answer.")},
            )

    def answers(self) -> dict[int, int | None]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}
