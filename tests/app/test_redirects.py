"""After sign-in, `next` leads only to a path on this site, however the target is disguised."""

from urllib.parse import quote, urljoin, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from app.web.redirects import local_path
from tests.conftest import csrf_token
from tests.factories import PASSWORD, UserFactory

SITE = "http://localhost/"
PIECES = [
    "/", "//", "///", "////", "\\", "/\\", "\\/", "%2F", "%2f", "%5C", "%252F", "%25252F",
    "\t", "\n", "\r", " ", "\x00", "\x7f", "http:", "https:", "HTTPS:", "javascript:",
    "data:", "mailto:", "evil.example", "@evil.example", ":443", "?next=//x", "#", "..",
    "．", "／", "%E3%80%82", "cases", "/cases?view=mine",
]  # fmt: skip
targets = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join) | st.text(
    max_size=20
)


def as_a_browser_reads(location: str) -> str:
    """Where a browser goes: backslashes are slashes, tabs and newlines are dropped."""
    cleaned = location.replace("\\", "/")
    for dropped in "\t\n\r":
        cleaned = cleaned.replace(dropped, "")
    return urljoin(SITE, cleaned.strip())


def stays_on_the_site(location: str) -> bool:
    reached = urlsplit(as_a_browser_reads(location))
    return (reached.scheme, reached.netloc) == ("http", "localhost")


@settings(max_examples=500, database=None)
@given(targets)
def test_whatever_the_target_the_result_is_a_path_on_this_site_or_nothing(target):
    path = local_path(target)
    assert path is None or (path.startswith("/") and stays_on_the_site(path))


def test_known_disguises_are_refused_and_plain_paths_kept():
    hostile = [
        "////evil.example/phish", "//evil.example", "/\\evil.example", "\\\\evil.example",
        "/%2F/evil.example", "/%252F%252Fevil.example", "%2F%2Fevil.example", "/\t/evil.example",
        "https://evil.example/", "javascript:alert(1)", " //evil.example", "http:/evil.example",
        "http://／", "http://evil．example／x",
    ]  # fmt: skip
    assert [t for t in hostile if local_path(t) is not None] == []
    assert local_path("/cases/12?view=mine#top") == "/cases/12?view=mine"
    assert local_path("/dashboard?start=2026-11-01") == "/dashboard?start=2026-11-01"


def test_sign_in_never_sends_staff_off_the_site(client, session):
    user = UserFactory()
    session.commit()

    @settings(max_examples=60, database=None, deadline=None)
    @given(targets)
    def check(target):
        page = client.get("/auth/login").get_data(as_text=True)
        answer = client.post(
            f"/auth/login?next={quote(target, safe='')}",
            data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(page)},
        )
        if "\x00" in target:  # no query string may carry a NUL: refused before sign-in
            assert answer.status_code == 400
            return
        assert answer.status_code == 302
        assert stays_on_the_site(answer.headers["Location"])
        client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/cases").text)})

    check()
