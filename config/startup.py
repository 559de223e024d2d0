"""Checks a production process makes once it can reach the database, before serving."""

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


def refuse_demo_account() -> None:
    """Stop start-up while the demo moderator still has the password the README prints."""
    from django.contrib.auth import get_user_model

    from moderation.management.commands.setup_demo import DEFAULT_PASSWORD, DEFAULT_USERNAME

    try:
        demo = get_user_model().objects.filter(username=DEFAULT_USERNAME, is_active=True).first()
    except DatabaseError:
        return  # not migrated yet: there is no demo account to worry about
    if demo is not None and demo.check_password(DEFAULT_PASSWORD):
        raise ImproperlyConfigured(
            f"The {DEFAULT_USERNAME!r} account still has the published demo password: set a "
            f"new one (manage.py changepassword {DEFAULT_USERNAME}) or deactivate it."
        )
