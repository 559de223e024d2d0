"""The queue's tabs: one list that the filter form, the read layer and the views share."""

from dataclasses import dataclass

from articles.models import Comment


@dataclass(frozen=True)
class Tab:
    name: str  # in the URL: ?tab=pending
    label: str
    status: str | None  # None: every status


TABS = (
    Tab("pending", "Pending", Comment.Status.PENDING),
    Tab("approved", "Approved", Comment.Status.APPROVED),
    Tab("hidden", "Hidden", Comment.Status.HIDDEN),
    Tab("all", "All", None),
)
TAB_NAMES = [tab.name for tab in TABS]
DEFAULT_TAB = "pending"
_STATUS = {tab.name: tab.status for tab in TABS}


def status_of(tab: str) -> str | None:
    """The status a tab shows; None for "all" and for a name that is no tab."""
    return _STATUS.get(tab)
