"""Error pages a person meets: what happened in their words, on the design system, a way on."""

from app.web.availability import unavailable_body
from tests.conftest import login
from tests.factories import PASSWORD, UserFactory


def main_of(page):
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def test_an_unknown_address_says_so_and_leads_back_to_the_start(client):
    answer = client.get("/no/such/page")
    assert answer.status_code == 404
    main = main_of(answer.text)
    assert '<section class="card' in main and "Page not found" in main
    assert "The address may be mistyped" in main and 'href="/"' in main
    assert "Not Found" not in main and "requested URL" not in main  # not Werkzeug's own words
    assert "bootstrap.min.css" in answer.text and "style=" not in answer.text


def test_a_reader_who_tries_to_change_is_told_why_not(app, client, session):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    page = client.get("/admin/bank").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/admin/bank", data={"csrf_token": token, "name": "X"})
    assert answer.status_code == 403
    assert "You cannot do this" in answer.text and "Ask an admin" in answer.text


def test_a_bad_request_keeps_the_reason_the_page_gave(client, session, admin):
    answer = client.get("/admin/activity?start=0001-01-01")
    assert answer.status_code == 400
    main = main_of(answer.text)
    assert "This request could not be understood" in main and "Choose a day from" in main


def test_the_busy_page_is_in_both_languages_without_inline_style(app):
    with app.app_context():
        body, mimetype = unavailable_body(app, "/s/x", 7)
    page = body.decode()
    assert mimetype.startswith("text/html") and "<style" not in page and "style=" not in page
    assert "请在 7 秒后重试" in page and "try again in 7 seconds" in page
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
