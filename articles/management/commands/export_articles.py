import os
import tempfile

from django.core.management.base import BaseCommand, CommandError

from articles.exporters import ExportCounts, export_json
from articles.models import Article


class Command(BaseCommand):
    help = "Export articles and their comments as Moderato JSON (import it with import_articles)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE", help="Write here, not to stdout.")
        parser.add_argument(
            "--article",
            dest="slugs",
            nargs="+",
            action="extend",
            default=[],
            metavar="SLUG",
            help="Only these articles (repeatable).",
        )
        parser.add_argument(
            "--events", action="store_true", help="Include each article's moderation history."
        )

    def handle(self, *args, output, slugs, events, **options):
        articles = Article.objects.all()
        if slugs:
            missing = sorted(
                set(slugs)
                - set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            )
            if missing:
                raise CommandError(f"No article with slug: {', '.join(missing)}")
            articles = articles.filter(slug__in=slugs)
        counts = ExportCounts()
        pieces = export_json(articles, events=events, counts=counts)
        if output:
            write_atomically(output, pieces)
        else:
            for piece in pieces:
                self.stdout.write(piece, ending="")
        self.stderr.write(
            f"Exported {counts.articles} article(s), {counts.comments} comment(s)"
            + (f", {counts.events} moderation event(s)" if events else "")
            + (f" to {output}" if output else "")
            + "."
        )


def write_atomically(path: str, pieces) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written export."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.writelines(pieces)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
