"""Request bodies over the limit are refused with 413 before Django reads them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LIMIT = 1000


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.MAX_REQUEST_BODY_BYTES = LIMIT


class UnreadableBody:
    """A wsgi.input that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/moderation/bulk/", "/moderation/import/", "/admin/login/", "/"],
)
def test_a_body_over_the_limit_is_refused_unread_on_every_url(client, url):
    response = client.generic(
        "POST",
        url,
        CONTENT_LENGTH=str(LIMIT + 1),
        CONTENT_TYPE="application/x-www-form-urlencoded",
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 413
    assert "the limit is 1000" in response.content.decode()
    assert "Nothing was read or saved" in response.content.decode()


def test_a_body_over_the_limit_is_refused_before_the_csrf_check(client):
    client_with_csrf = client.__class__(enforce_csrf_checks=True)

    response = client_with_csrf.post(reverse("login"), {"username": "x" * LIMIT})

    assert response.status_code == 413


def test_a_chunked_body_without_a_length_is_refused(client):
    response = client.generic(
        "POST",
        "/accounts/login/",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()


def test_a_body_within_the_limit_reaches_the_view(client):
    response = client.post(reverse("login"), {"username": "dana", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
