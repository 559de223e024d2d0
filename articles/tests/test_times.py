"""The one way pages write a moment (articles.times), for the desk and the public pages."""

from datetime import UTC, datetime, timedelta

import pytest

from articles.times import machine_time, readable_time, time_ago, time_element

MOMENT = datetime(2026, 3, 4, 17, 5, 9, 123456, tzinfo=UTC)


def test_machine_time_has_whole_seconds_in_the_local_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"

    assert machine_time(MOMENT) == "2026-03-04T18:05:09+01:00"


@pytest.mark.parametrize(
    "style, shown",
    [
        ("date", "4 March 2026"),
        ("second", "4 Mar 2026, 17:05:09"),
        ("minute", "4 Mar 2026, 17:05"),
        ("zone", "4 Mar 2026, 17:05 UTC"),
    ],
)
def test_readable_styles(style, shown):
    assert readable_time(MOMENT, style) == shown


def test_an_unknown_style_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="minutes"):
        readable_time(MOMENT, "minutes")


def test_time_element_wraps_both_forms():
    assert time_element(MOMENT, "zone", css_class="comment-time") == (
        '<time class="comment-time" datetime="2026-03-04T17:05:09+00:00">'
        "4 Mar 2026, 17:05 UTC</time>"
    )
    assert time_element(None) == ""


def test_time_ago_element_keeps_the_exact_time_as_a_title():
    html = time_element(datetime.now(UTC) - timedelta(minutes=2), "ago")

    assert ">2 minutes ago</time>" in html and 'title="' in html


def test_time_ago_says_the_coarsest_unit():
    assert time_ago(MOMENT, MOMENT + timedelta(seconds=59)) == "just now"
    assert time_ago(MOMENT, MOMENT + timedelta(days=3, hours=5)) == "3 days ago"
