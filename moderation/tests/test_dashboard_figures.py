"""Every dashboard figure, computed from the hand-made history and checked exactly."""

from datetime import timedelta

import pytest

from articles.tests.factory import make_comment
from moderation import dashboard, rollup, services
from moderation.models import DailyWaits
from moderation.selectors import matching

from .dashboard_history import NOW, D, build_history

pytestmark = pytest.mark.django_db
WEEK = dashboard.Period.ending(D, 7)
TEN_DAYS_AGO = D - timedelta(days=10)


@pytest.fixture
def history(moderator):
    return build_history(moderator)


def test_pending_queue_now(history):
    queue = dashboard.queue_now(NOW)

    assert (queue.size, queue.older_than_hour, queue.older_than_day) == (4, 3, 1)
    assert queue.oldest == history["c10"].created_at
    assert dashboard.pending_figures(NOW)[0] == queue  # the page's per-article pass agrees


def test_an_undated_pending_comment_is_in_the_queue_but_older_than_nothing(history):
    make_comment(history["c9"].article, created_at=None)

    queue = dashboard.queue_now(NOW)

    assert (queue.size, queue.older_than_hour, queue.older_than_day) == (5, 3, 1)
    assert queue.oldest == history["c10"].created_at


def test_an_empty_queue():
    assert dashboard.pending_figures(NOW) == (dashboard.QueueNow(0, None, 0, 0), [])


def test_decisions_per_day_by_action_reason_and_who(history):
    days = {day.day.day: day for day in dashboard.decision_figures(WEEK).days}

    assert sorted(days) == [4, 5, 6, 7, 8, 9, 10]
    assert days[8].by_action == {"approve": 1, "hide": 1, "restore": 0}
    assert days[9].by_action == {"approve": 1, "hide": 2, "restore": 0}
    assert days[10].by_action == {"approve": 1, "hide": 1, "restore": 1}
    assert (days[8].automatic, days[8].by_people, days[8].reversals) == (0, 2, 0)
    assert (days[9].automatic, days[9].by_people, days[9].reversals) == (1, 2, 1)
    assert (days[10].automatic, days[10].by_people, days[10].reversals) == (0, 3, 1)
    assert {r: n for r, n in days[9].by_reason.items() if n} == {"abuse": 1, "off_topic": 1}
    assert {r: n for r, n in days[10].by_reason.items() if n} == {"spam": 1}
    assert all(day.total == 0 for n, day in days.items() if n < 8)


def test_per_moderator_counts_and_reversals(history, moderator):
    figures = dashboard.decision_figures(WEEK)

    rows = [(m.name, m.by_action, m.total, m.reversals) for m in figures.moderators]
    assert rows == [
        ("Dana Scully", {"approve": 2, "hide": 1, "restore": 1}, 4, 1),
        ("Fox Mulder", {"approve": 1, "hide": 2}, 3, 1),
        ("Automatic", {"hide": 1}, 1, 0),
    ]
    assert (figures.totals.automatic, figures.totals.by_people) == (1, 7)
    assert figures.totals.reversals == 2


def test_a_longer_period_includes_older_decisions(history):
    month = dashboard.decision_figures(dashboard.Period.ending(D, 30))

    assert month.totals.by_action == {"approve": 5, "hide": 4, "restore": 1}


def test_time_to_first_decision_median_and_90th_percentile(history):
    waits = {day.day.day: day for day in dashboard.wait_figures(WEEK)}

    assert (waits[8].decided, waits[8].median_seconds, waits[8].p90_seconds) == (2, 5400, 6840)
    assert (waits[9].decided, waits[9].median_seconds, waits[9].p90_seconds) == (
        2,
        22500,
        39060,
    )
    assert (waits[10].decided, waits[10].median_seconds, waits[10].p90_seconds) == (1, 1800, 1800)
    assert (waits[7].decided, waits[7].median_seconds) == (0, None)


def test_busiest_articles_by_pending(history):
    busiest = [(a.title, a.pending) for a in dashboard.pending_figures(NOW)[1]]

    assert busiest == [("Tram line approved", 3), ("Storm closes the harbour", 1)]


def test_imports_per_day(history):
    days = {day.day.day: day for day in dashboard.import_figures(WEEK)}

    assert (days[9].runs, days[9].failed, days[9].comments_created, days[9].created_pending) == (
        2,
        1,
        5,
        3,
    )
    assert sum(day.runs for day in days.values()) == 2  # the run 20 days ago is outside


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"reversal": "1", "decided_from": D.replace(day=4), "decided_to": D}, {"c2", "c7"}),
        ({"decided_by": "automatic"}, {"c3"}),
        ({"decided_by": "people", "decided_from": D, "decided_to": D}, {"c7", "c8"}),
        ({"decided": "hide", "decided_reason": "spam", "decided_from": D, "decided_to": D}, {"c8"}),
        ({"first_decided": D.replace(day=8)}, {"c1", "c2"}),
        ({"decided": "approve", "decided_from": TEN_DAYS_AGO, "decided_to": TEN_DAYS_AGO}, {"c6"}),
    ],
)
def test_queue_filters_select_what_the_numbers_count(history, filters, expected):
    names = {history[name].pk: name for name in history if name.startswith("c")}

    found = {names[pk] for pk in matching(filters).values_list("pk", flat=True)}

    assert found == expected


def test_queue_filter_by_person_uses_their_id(history):
    fox = history["fox"]

    found = set(matching({"decided_by": str(fox.pk)}).values_list("pk", flat=True))

    assert found == {history["c2"].pk, history["c4"].pk, history["c8"].pk}


def test_percentile_interpolates_like_postgresql():
    assert dashboard.percentile([10, 20, 30, 40], 0.5) == 25
    assert dashboard.percentile([10, 20, 30, 40], 0.9) == pytest.approx(37)
    assert dashboard.percentile([], 0.5) is None


def test_closed_days_waits_are_kept_and_read_back_unchanged(history, django_assert_num_queries):
    first = dashboard.wait_figures(WEEK)
    kept = dict(DailyWaits.objects.values_list("day", "decided"))

    with django_assert_num_queries(1):  # the kept days; no other day is left to compute
        again = dashboard.wait_figures(WEEK)

    assert again == first
    assert kept == {day.day: day.decided for day in first}  # every day, those with none too
    assert kept[D.replace(day=9)] == 2


def test_today_and_yesterday_are_computed_every_time(moderator):
    comment = make_comment()
    services.approve(comment, actor=moderator)
    week = dashboard.period_ending_today(7)

    today = dashboard.wait_figures(week)[-1]

    assert today.decided == 1
    stored = set(DailyWaits.objects.values_list("day", flat=True))
    assert stored == set(week.dates[:-2])
    services.approve(make_comment(), actor=moderator)
    assert dashboard.wait_figures(week)[-1].decided == 2


def test_a_first_decision_dated_in_a_closed_day_replaces_its_kept_waits(history):
    dashboard.wait_figures(WEEK)
    late = make_comment(created_at=NOW - timedelta(days=2, hours=5))

    rollup.add_first_decisions({late.pk: late.created_at}, NOW - timedelta(days=2))

    waits = {day.day.day: day for day in dashboard.wait_figures(WEEK)}
    assert (waits[8].decided, waits[8].median_seconds) == (3, 7200)


def test_a_rebuild_drops_the_kept_waits(history):
    dashboard.wait_figures(WEEK)

    rollup.rebuild()

    assert not DailyWaits.objects.exists()
