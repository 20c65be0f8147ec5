"""Branch QR posters in the admin console: made and retired on the audit log, their QR code as
PNG and SVG, the A4 page to print, and who may see and change them."""

import io
import re
from xml.etree import ElementTree

import pytest
import segno
import sqlalchemy as sa

from app.models import AuditEntry, BranchPoster
from app.services.distribution.posters import create_poster
from app.services.governance.bank_profile import save_bank_profile
from tests.app.conftest import row_counts
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, TouchpointFactory, UserFactory

TOKEN = re.compile(r"^[A-Za-z0-9_-]{12,16}$")


@pytest.fixture
def poster(session):
    touchpoint = TouchpointFactory(name="Counter service", name_zh="柜台服务")
    made = create_poster(session, touchpoint.id, "Wanchai branch", actor="user:1")
    session.commit()
    return made


def test_an_admin_makes_a_poster_for_an_active_touchpoint_on_the_audit_log(client, session, admin):
    active = TouchpointFactory(name="Counter service")
    TouchpointFactory(name="Closed desk", active=False)
    session.commit()
    page = client.get("/admin/posters/new").get_data(as_text=True)
    assert "Counter service" in page and "Closed desk" not in page
    sent = {
        "touchpoint_id": str(active.id),
        "branch": " Wanchai branch ",
        "csrf_token": csrf_token(page),
    }
    answer = client.post("/admin/posters/new", data=sent)
    poster = session.scalars(sa.select(BranchPoster)).one()
    assert answer.status_code == 302 and answer.location.endswith(f"/admin/posters/{poster.id}")
    assert poster.branch == "Wanchai branch" and poster.touchpoint_id == active.id
    assert TOKEN.match(poster.token)
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "poster.create")).one()
    assert entry.subject == f"poster:{poster.id}" and entry.actor == f"user:{admin.id}"
    assert entry.detail["changes"]["branch"] == [None, "Wanchai branch"]
    listed = client.get("/admin/posters").get_data(as_text=True)
    assert "Wanchai branch" in listed and "Counter service" in listed and "In use" in listed


def test_a_poster_cannot_ask_about_an_inactive_touchpoint(client, session, admin):
    closed = TouchpointFactory(active=False)
    session.commit()
    page = client.get("/admin/posters/new").get_data(as_text=True)
    before = row_counts(session)
    sent = {"touchpoint_id": str(closed.id), "branch": "Central", "csrf_token": csrf_token(page)}
    answer = client.post("/admin/posters/new", data=sent)
    assert answer.status_code == 200 and "Not a valid choice" in answer.get_data(as_text=True)
    assert row_counts(session) == before


def test_retiring_asks_first_then_the_code_leads_to_a_no_longer_in_use_page(
    client, session, admin, poster
):
    page = client.get(f"/admin/posters/{poster.id}").get_data(as_text=True)
    assert "Danger zone" in page and "btn btn-danger" in page
    assert client.get(f"/q/{poster.token}").status_code == 200
    client.post(f"/admin/posters/{poster.id}/retire", data={"csrf_token": csrf_token(page)})
    session.expire_all()
    assert session.get(BranchPoster, poster.id).retired_at is not None
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "poster.retire")).one()
    assert entry.subject == f"poster:{poster.id}"
    gone = client.get(f"/q/{poster.token}")
    assert gone.status_code == 404 and "no longer in use" in gone.get_data(as_text=True)
    assert "Retired" in client.get("/admin/posters").get_data(as_text=True)
    again = client.get(f"/admin/posters/{poster.id}").get_data(as_text=True)
    assert "btn btn-danger" not in again  # nothing left to retire


def test_the_qr_code_downloads_as_png_and_as_valid_svg(client, admin, poster):
    png = client.get(f"/admin/posters/{poster.id}/qr.png?download=1")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert f"qr-poster-{poster.id}.png" in png.headers["Content-Disposition"]
    svg = client.get(f"/admin/posters/{poster.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(svg.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_the_qr_code_encodes_the_posters_public_address(app, client, admin, poster):
    svg = client.get(f"/admin/posters/{poster.id}/qr.svg").data
    expected = segno.make(f"http://localhost/q/{poster.token}", error="m")
    other = segno.make("http://localhost/q/somethingelse", error="m")
    assert svg == _svg(expected) and svg != _svg(other)


def _svg(code):
    out = io.BytesIO()
    code.save(out, kind="svg", scale=8, border=4, title="QR", xmldecl=True)
    return out.getvalue()


def test_the_a4_page_carries_the_bank_the_touchpoint_in_both_languages_and_the_address(
    client, session, admin, poster
):
    logo = "data:image/png;base64,iVBORw0KGgo="
    save_bank_profile(
        session, {"name": "Harbour Bank", "name_zh": "港湾银行", "logo": logo}, actor="cli"
    )
    session.commit()
    page = client.get(f"/admin/posters/{poster.id}/print").get_data(as_text=True)
    code, url = f'src="/admin/posters/{poster.id}/qr.svg"', f"http://localhost/q/{poster.token}"
    expected = ["港湾银行", "Harbour Bank", "柜台服务", "Counter service", "Wanchai branch",
                "Scan to tell us how we did", "扫码告诉我们您的体验",
                url, code, f'src="{logo}"', "poster.css"]  # fmt: skip
    for shown in expected:
        assert shown in page, shown
    with client.get("/static/poster.css") as stylesheet:
        assert "@page { size: A4;" in stylesheet.get_data(as_text=True)


def test_managers_read_posters_staff_never_see_them(app, client, session, poster):
    manager = UserFactory(role="cx_manager", department=None)
    staff = UserFactory()
    session.commit()
    pages = ["/admin/posters", "/admin/posters/new", f"/admin/posters/{poster.id}",
             f"/admin/posters/{poster.id}/qr.png", f"/admin/posters/{poster.id}/qr.svg",
             f"/admin/posters/{poster.id}/print"]  # fmt: skip
    login(client, staff.email, PASSWORD)
    assert [client.get(url).status_code for url in pages] == [404] * len(pages)
    assert "QR posters" not in client.get("/cases").get_data(as_text=True)
    other = app.test_client()
    login(other, manager.email, PASSWORD)
    assert [other.get(url).status_code for url in pages] == [200] * len(pages)
    detail = other.get(f"/admin/posters/{poster.id}").get_data(as_text=True)
    assert "btn btn-danger" not in detail and "QR posters" in detail
    before = row_counts(session)
    token = csrf_token(other.get("/cases").get_data(as_text=True))
    refused = other.post(f"/admin/posters/{poster.id}/retire", data={"csrf_token": token})
    assert refused.status_code == 403 and row_counts(session) == before
