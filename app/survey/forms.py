"""Survey forms built from a definition: one WTForms field per question, skip logic enforced.

A form class is built once per survey version and cached; hidden questions (skip logic, judged
on the submitted answers) lose their errors and their data, so they are neither required nor
stored, whatever the browser sent.
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.web.forms import Form
from surveys.schema import OTHER_MAX_LENGTH, Question, SurveyDefinition
from surveys.skip_logic import visible_questions

YES_NO = {"yes": True, "no": False}


class ChoiceInput(NamedTuple):
    html: Markup
    value: str
    label: str


class SurveyForm(Form):
    definition: ClassVar[SurveyDefinition]

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        shown = {q.id for q in visible_questions(self.definition, self._values())}
        for question in self.definition.questions:
            names = [question.id, question.other_id] if question.other else [question.id]
            if question.id not in shown:
                for name in names:
                    self[name].errors = []
            elif question.other and "other" in _as_list(self[question.id].data):
                other = self[question.other_id]
                if not (other.data or "").strip() and not other.errors:
                    other.errors = [str(_l("Please tell us what you mean by other."))]
        return not self.errors

    def choice_inputs(self, question_id: str) -> list[ChoiceInput]:
        """A choice question's inputs, written here: WTForms' widgets cost a third of the page.

        Only radios carry `required`: one checkbox of a group is not required.
        """
        field = self[question_id]
        radio = isinstance(field, RadioField)
        required = " required" if radio and field.flags.required else ""
        chosen = field.data if radio else set(field.data or [])
        inputs = []
        for index, choice in enumerate(field.choices):
            value, label = choice.value, choice.label
            coerced = field.coerce(value)
            checked = coerced == chosen if radio else coerced in chosen
            html = (
                f'<input id="{escape(field.id)}-{index}" name="{escape(field.name)}" '
                f'type="{"radio" if radio else "checkbox"}" value="{escape(value)}"'
                f"{required}{' checked' if checked else ''}>"
            )
            inputs.append(ChoiceInput(Markup(html), value, str(label)))
        return inputs

    def answers(self) -> dict[str, Any]:
        """The visible questions' answers as plain values, empty answers left out."""
        values = self._values()
        shown = visible_questions(self.definition, values)
        answers = {q.id: values[q.id] for q in shown if values.get(q.id) not in (None, "", [])}
        for question in shown:
            other = (self[question.other_id].data or "").strip() if question.other else ""
            if other and "other" in _as_list(answers.get(question.id)):
                answers[question.other_id] = other
        return answers

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for question in self.definition.questions:
            data = self[question.id].data
            if question.type == "yes_no":
                data = YES_NO.get(data) if isinstance(data, str) else None
            elif question.type == "text":
                data = (data or "").strip()
            values[question.id] = data
        return values


_FORMS: dict[tuple[str, int], type[SurveyForm]] = {}


def form_class(definition: SurveyDefinition) -> type[SurveyForm]:
    """The form for one survey version; a version never changes, so it is built once."""
    key = (definition.id, definition.version)
    if key not in _FORMS:
        _FORMS[key] = _build(definition)
    return _FORMS[key]


def _build(definition: SurveyDefinition) -> type[SurveyForm]:
    fields: dict[str, Any] = {"definition": definition}
    for question in definition.questions:
        fields[question.id] = _field(question)
        if question.other:
            fields[question.other_id] = StringField(
                validators=[
                    Optional(),
                    Length(
                        max=OTHER_MAX_LENGTH, message=_l("Please keep this under 200 characters.")
                    ),
                ]
            )
    return type(f"{definition.id}_v{definition.version}_form", (SurveyForm,), fields)


def _field(question: Question) -> Field:
    required = (
        InputRequired(message=_l("Please answer this question.")) if question.required else None
    )
    presence = [required] if required else [Optional()]
    bounds = question.bounds()
    if bounds is not None:
        low, high = bounds
        choices = [SelectChoice(str(value), str(value)) for value in range(low, high + 1)]
        return RadioField(choices=choices, coerce=_int_or_none, validators=presence)
    if question.type == "yes_no":
        choices = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
        return RadioField(choices=choices, validators=presence)
    if question.type == "text":
        too_long = _l("Please keep this under %(max)d characters.", max=question.max_length)
        return TextAreaField(
            validators=[*presence, Length(max=question.max_length, message=too_long)]
        )
    choices = [SelectChoice(choice_id, choice_id) for choice_id in question.choice_ids()]
    if question.type == "single_choice":
        return RadioField(choices=choices, validators=presence)
    return SelectMultipleField(
        choices=choices,
        validators=presence,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


def _int_or_none(value: Any) -> int | None:
    """Scores arrive as text; anything else becomes "no valid choice", not a crash."""
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
