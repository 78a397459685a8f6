"""The console's forms. Each is a FlaskForm, so each carries and checks a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class ActionForm(FlaskForm):
    """A button that changes something (logout, mark done): only the CSRF token."""


class DeskForm(FlaskForm):
    """An inquiry pasted by staff, with optional corrections."""

    inquiry = TextAreaField("Inquiry (phone note or email)", validators=[DataRequired(), Length(max=4000)])
    region = SelectField("Body region", validators=[Optional()], validate_choice=False)
    sections = SelectMultipleField("Sections for the reply", validators=[Optional()], validate_choice=False)
    channel = HiddenField(default="desk")

