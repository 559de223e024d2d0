import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DEFAULT_USERNAME = "demo"
DEFAULT_PASSWORD = "moderato-demo-2026"  # noqa: S105 - printed in the README, local use only
DEFAULT_ADDRESS = "127.0.0.1:8000"


class Command(BaseCommand):
    help = "Create (or reset) a demo moderator and import the seed article(s)."

    def add_arguments(self, parser):
        parser.add_argument("seed", nargs="*", help="Article files to import.")
        parser.add_argument("--username", default=DEFAULT_USERNAME)
        # `make run` passes the address honcho will serve on, so the printed link works.
        parser.add_argument("--address", default=DEFAULT_ADDRESS)

    def handle(self, *args, seed, username, address, **options):
        if not settings.DEBUG:
            raise CommandError(
                "setup_demo only runs with DEBUG on: it makes an account whose password is "
                "public. Create real accounts with `manage.py createsuperuser`."
            )
        if seed:
            call_command("import_articles", *seed, verbosity=options["verbosity"])
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": "Demo", "last_name": "Moderator"}
        )
        user.is_staff = True  # may open /admin/; what they can do there comes from groups
        user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name__in=["Moderators", "Editors"]))
        self.stdout.write(
            self.style.SUCCESS(
                f"\nDemo moderator ready. Log in at http://{address}/accounts/login/\n"
                f"  username: {username}\n  password: {password}\n"
            )
        )
