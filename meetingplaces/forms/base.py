"""The base of every form: what any field accepts at the boundary, whatever its form says.

- Text: no control characters; line breaks only in multi-line fields (TextAreaField), so a
  name or a title can never break a mail header, a feed line or a page; a length limit even
  where the form names none.
- Numbers: integers within what the database stores, decimals finite.
- Dates: years between MIN_YEAR and MAX_YEAR (no 0001 or 9999 reaching date arithmetic).
The message goes next to the field and the form is shown again with what was typed.
"""

import math
import re
from datetime import date, datetime

import wtforms
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeField,
    DecimalField,
    FloatField,
    IntegerField,
    SelectFieldBase,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, StopValidation, ValidationError

MIN_YEAR, MAX_YEAR = 1900, 2199
MAX_ID = 2**31 - 1
SINGLE_LINE_MAX = 1000
MULTI_LINE_MAX = 20000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")

NO_CONTROL = _l("Please remove the control characters (invisible special characters).")
ONE_LINE = _l("Please write this on one line.")
YEAR_RANGE = _l("Please enter a date between the years %(first)d and %(last)d.",
                first=MIN_YEAR, last=MAX_YEAR)
NOT_FINITE = _l("Please enter a number.")


def _text_check(multi_line: bool):
    def check(form, field):
        values = field.data if isinstance(field.data, list | tuple) else [field.data]
        for value in values:
            if not isinstance(value, str):
                continue
            if CONTROL.search(value):
                raise StopValidation(str(NO_CONTROL))
            if not multi_line and LINE_BREAK.search(value):
                raise StopValidation(str(ONE_LINE))

    return check


def _raw_text_check(form, field):
    """Select fields: what was sent, before coercion, must be clean too."""
    for value in field.raw_data or ():
        if isinstance(value, str) and (CONTROL.search(value) or LINE_BREAK.search(value)):
            raise StopValidation(str(NO_CONTROL))


def _year_check(form, field):
    value = field.data
    if isinstance(value, date | datetime) and not MIN_YEAR <= value.year <= MAX_YEAR:
        # The page shows what was typed (raw_data); nothing may compute with the date.
        field.data = None
        raise ValidationError(str(YEAR_RANGE))


def _finite_check(form, field):
    if isinstance(field.data, float) and not math.isfinite(field.data):
        raise ValidationError(str(NOT_FINITE))


def _has(field, kind) -> bool:
    return any(isinstance(v, kind) for v in field.validators)


def add_boundary_checks(field) -> None:
    extra = []
    if isinstance(field, StringField):
        multi_line = isinstance(field, TextAreaField)
        extra.append(_text_check(multi_line))
        if not _has(field, Length):
            extra.append(Length(max=MULTI_LINE_MAX if multi_line else SINGLE_LINE_MAX))
    elif isinstance(field, SelectFieldBase):
        extra.append(_raw_text_check)
    elif isinstance(field, IntegerField):
        extra.append(NumberRange(min=-MAX_ID, max=MAX_ID))
    elif isinstance(field, FloatField | DecimalField):
        extra.append(_finite_check)
    if isinstance(field, DateField | DateTimeField):
        extra.append(_year_check)
    if extra:
        field.validators = [*field.validators, *extra]


class _BoundaryMeta:
    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        add_boundary_checks(field)
        return field


class Form(FlaskForm):
    """The base of every page's form (with its CSRF token)."""

    Meta = _BoundaryMeta


class ConfirmForm(Form):
    """A button that changes something: only the CSRF token."""


class SubForm(wtforms.Form):
    """A group of fields inside a form (FormField, FieldList): the same checks."""

    Meta = _BoundaryMeta
