"""Login throttling (django-axes): wrong passwords lock a username at an address for a while."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.tests.factory import make_user

pytestmark = pytest.mark.django_db

LOGIN_URLS = ["/accounts/login/", "/admin/login/"]


def fail_logins(client, url: str, times: int, username: str = "dana"):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "wrong"})
    return response


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_too_many_wrong_passwords_lock_the_login_with_words(client, settings, url):
    make_user("dana", is_staff=True)

    response = fail_logins(client, url, settings.AXES_FAILURE_LIMIT)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many log-in attempts" in page
    assert "for “dana”" in page and "15 minutes" in page


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_a_locked_login_refuses_even_the_right_password(client, settings, url):
    make_user("dana", is_staff=True)
    fail_logins(client, url, settings.AXES_FAILURE_LIMIT)

    response = client.post(url, {"username": "dana", "password": "pw"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_fewer_failures_then_the_right_password_log_in(client, settings):
    make_user("dana", groups=["Moderators"], is_staff=True)
    fail_logins(client, "/accounts/login/", settings.AXES_FAILURE_LIMIT - 1)

    response = client.post("/accounts/login/", {"username": "dana", "password": "pw"})

    assert response.status_code == 302
    assert response.url == reverse("moderation:queue")


def test_the_lock_holds_only_for_that_username(client, settings):
    make_user("dana", is_staff=True)
    make_user("fox", is_staff=True)
    fail_logins(client, "/accounts/login/", settings.AXES_FAILURE_LIMIT)

    response = client.post("/accounts/login/", {"username": "fox", "password": "pw"})

    assert response.status_code == 302


def test_an_admin_lifts_the_lock_with_the_reset_command(client, settings):
    make_user("dana", is_staff=True)
    fail_logins(client, "/accounts/login/", settings.AXES_FAILURE_LIMIT)

    call_command("axes_reset_username", "dana")
    response = client.post("/accounts/login/", {"username": "dana", "password": "pw"})

    assert response.status_code == 302


def test_the_password_reset_views_are_gone(client):
    for path in ("/accounts/password_reset/", "/accounts/reset/MQ/set-password/"):
        assert client.get(path).status_code == 404


def test_behind_a_proxy_the_forwarded_address_is_throttled(client, settings):
    """With nginx in front every request comes from nginx: count the client's address."""
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("dana", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "dana", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )

    other_reader = client.post(
        "/accounts/login/",
        {"username": "dana", "password": "pw"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert other_reader.status_code == 302


def test_signed_in_staff_can_still_change_their_password(client):
    dana = make_user("dana", is_staff=True)
    client.force_login(dana)

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "pw",
            "new_password1": "a-long-new-phrase",
            "new_password2": "a-long-new-phrase",
        },
    )

    assert response.status_code == 302
    dana.refresh_from_db()
    assert dana.check_password("a-long-new-phrase")
