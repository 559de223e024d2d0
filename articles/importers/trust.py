"""What an import may decide, chosen by whoever starts it (never by the file).

The command line is run by whoever runs the site, with full trust, as always.
From the web, the statuses and decision times a file carries stand only when the
importing user may moderate; anyone else's new comments arrive pending, the
file's statuses held on the ImportRun for a moderator to accept. No file makes
anyone a staff author: a staff reply links to a local user only when the
importing user is that user, or through an admin's StaffAlias (the command line
also matches usernames, so a site's own export restores whole).
"""

from __future__ import annotations

from dataclasses import dataclass

MODERATE_PERM = "moderation.moderate_comments"  # declared by the moderation app


@dataclass(frozen=True)
class ImportTrust:
    keep_statuses: bool  # the file's statuses and decision times stand
    link_staff_by_username: bool  # a staff reply's username in the file names a local user
    importing_username: str = ""  # a staff reply signed with this username is the importer's


COMMAND_LINE = ImportTrust(keep_statuses=True, link_staff_by_username=True)


def web_trust(user) -> ImportTrust:
    """A web import: statuses stand only when this user may moderate."""
    return ImportTrust(
        keep_statuses=bool(user is not None and user.has_perm(MODERATE_PERM)),
        link_staff_by_username=False,
        importing_username=user.get_username() if user is not None else "",
    )
