"""The channels page: an admin sets up SMS and WeChat, sees each SMS as the customer gets it
with the number of SMS it takes, and whether each channel is ready; secrets stay in the
environment. And the order a touchpoint invites by."""

import re

import pytest

from app.extensions import db
from app.models import AuditEntry, ChannelSettings, Touchpoint
from tests.app.conftest import row_counts
from tests.conftest import FreshContextClient, csrf_token, login
from tests.factories import PASSWORD, TouchpointFactory, UserFactory

URL = "/admin/channels"
CLOUD = {
    "sms_provider": "cloud",
    "sms_signature": "【翠港银行】",
    "sms_text_zh": "您对{touchpoint}满意吗？{link}",
    "sms_text_en": "How was your {touchpoint}? {link}",
    "sms_opt_out_keyword": "TD",
    "sms_http_method": "POST",
    "sms_cloud_app_id": "1400006666",
    "sms_cloud_template_zh": "101",
    "sms_cloud_template_en": "102",
    "sms_cloud_region": "ap-guangzhou",
    "wechat_app_id": "wx0123456789abcdef",
    "wechat_template_id": "tmpl-Survey_1",
    "receipt_wait_minutes": "30",
}
SECRETS = {
    "TENCENTCLOUD_SECRET_ID": "AKIDsecret-id-value",
    "TENCENTCLOUD_SECRET_KEY": "secret-key-value-42",
    "WECHAT_APP_SECRET": "wechat-app-secret-99",
}


def post(client, **fields):
    token = csrf_token(client.get(URL).get_data(as_text=True))
    return client.post(URL, data={"csrf_token": token, **CLOUD, **fields})


def error_beside(page, field_id):
    """The error shown under a field, or None."""
    found = re.search(rf'id="{field_id}-error"[^>]*>([^<]*)<', page)
    return found and found.group(1)


def stored(session):
    session.expire_all()
    return session.get(ChannelSettings, 1)


def test_before_the_first_save_only_email_is_ready(client, admin):
    page = client.get(URL).get_data(as_text=True)
    assert "Nothing saved yet: invitations go by e-mail only." in page
    assert "SMS is off: choose how it goes out." in page
    assert "The official account&#39;s app ID is not set." in page
    assert 'href="/admin/channels"' in page  # in the navigation


def test_saving_creates_the_settings_and_logs_every_change(client, session, admin):
    answer = post(client)
    assert answer.status_code == 302
    settings = stored(session)
    assert settings.sms_provider == "cloud"
    assert settings.sms_signature == "【翠港银行】"
    assert settings.sms_text_zh == "您对{touchpoint}满意吗？{link}"
    assert settings.wechat_template_id == "tmpl-Survey_1"
    assert settings.receipt_wait_minutes == 30

    post(client, sms_signature="【港湾银行】")
    entries = session.query(AuditEntry).filter_by(subject="channel_settings").all()
    assert len(entries) == 2
    assert entries[-1].detail == {"changes": {"sms_signature": ["【翠港银行】", "【港湾银行】"]}}
    page = client.get(URL).get_data(as_text=True)
    assert "History" in page and "【港湾银行】" in page


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"sms_text_zh": "您好{touchpoint}"}, "sms_text_zh", "Put {link} in the text."),
        (
            {"sms_text_en": "Hi {name}: {link}"},
            "sms_text_en",
            "Unknown placeholder {name}: use only {touchpoint} {link}.",
        ),
        ({"sms_signature": "翠港银行"}, "sms_signature", "The bank's approved signature"),
        (
            {"sms_cloud_app_id": ""},
            "sms_cloud_app_id",
            "Needed for the SMS provider chosen above.",
        ),
        ({"sms_provider": "http"}, "sms_http_url", "Needed for the SMS provider chosen above."),
        (
            {"sms_provider": "http", "sms_http_url": "https://sms.bank/send", "sms_http_body": "x"},
            "sms_http_body",
            "Put {mobile} {text} in the text.",
        ),
        ({"wechat_template_id": ""}, "wechat_template_id", "Needed once the app ID is set."),
        ({"receipt_wait_minutes": "0"}, "receipt_wait_minutes", "Between 1 and 1440 minutes."),
    ],
)
def test_a_wrong_setting_is_explained_beside_its_field_and_nothing_is_saved(
    client, session, admin, fields, field_id, message
):
    before = row_counts(session)
    answer = post(client, **fields)
    assert answer.status_code == 200
    assert message in error_beside(answer.get_data(as_text=True), field_id)
    assert row_counts(session) == before


def test_with_sms_off_its_provider_fields_may_stay_empty(client, session, admin):
    empty = dict.fromkeys(("sms_signature", "sms_text_zh", "sms_text_en", "sms_cloud_app_id"), "")
    answer = post(client, sms_provider="", **empty, wechat_app_id="", wechat_template_id="")
    assert answer.status_code == 302
    assert stored(session).sms_provider == ""


def test_each_text_is_previewed_whole_with_the_sms_it_takes(client, session, admin):
    long_zh = (
        "尊敬的客户，感谢您今天光临{touchpoint}，"
        "请花一分钟告诉我们您的感受，您的意见对我们很重要：{link}"
    )
    answer = post(client, sms_text_zh=long_zh, sms_text_en="Rate us: {link}", preview="1")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and stored(session) is None  # a preview saves nothing
    assert "【翠港银行】尊敬的客户，感谢您今天光临网点到访，" in page
    assert "http://localhost/r/Ab3dE5g 回TD退订" in page
    assert "2 SMS: shorten to 70 characters for one" in page
    english = page[
        page.index("【翠港银行】Rate us: http://localhost/r/Ab3dE5g Reply TD to opt out") :
    ]
    assert "1 SMS" in english and "UCS-2" in english  # the signature's brackets are not GSM-7


def test_a_text_with_an_error_has_no_preview_until_corrected(client, admin):
    page = post(client, sms_text_en="{oops}", preview="1").get_data(as_text=True)
    assert "Correct the text above to see its preview." in page


def test_secrets_show_only_whether_they_are_set(app, client, admin, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setitem(app.config, name, value)
    post(client)
    page = client.get(URL).get_data(as_text=True)
    for value in SECRETS.values():
        assert value not in page
    rows = dict(
        re.findall(r"<code>(\w+)</code></th>.*?<span class=\"badge[^>]*>([^<]+)<", page, re.S)
    )
    assert rows["TENCENTCLOUD_SECRET_KEY"] == "set"
    assert rows["SMS_CALLBACK_SECRET"] == "not set in the environment"
    assert page.count("Not ready") == 0  # e-mail, SMS and WeChat all ready


def test_a_missing_secret_says_which_variable_to_set(app, client, admin, monkeypatch):
    monkeypatch.setitem(app.config, "TENCENTCLOUD_SECRET_ID", "id")
    monkeypatch.setitem(app.config, "TENCENTCLOUD_SECRET_KEY", None)
    post(client)
    page = client.get(URL).get_data(as_text=True)
    assert "TENCENTCLOUD_SECRET_KEY is not set in the environment." in page
    assert "WECHAT_APP_SECRET is not set in the environment." in page


def test_the_providers_callback_addresses_are_shown(client, admin):
    page = client.get(URL).get_data(as_text=True)
    for path in ("sms/http/receipts", "sms/http/replies", "sms/cloud/receipts", "wechat"):
        assert f"http://localhost/hooks/{path}</code>" in page


def test_a_cx_manager_reads_the_settings_and_cannot_change_them(app, session):
    app.test_client_class = FreshContextClient
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    client = app.test_client()
    login(client, manager.email, PASSWORD)
    page = client.get(URL).get_data(as_text=True)
    assert "only an admin can change them" in page
    assert '<fieldset class="border-0 p-0 m-0" disabled>' in page
    assert "Show preview without saving" not in page
    token = csrf_token(client.get("/cases").get_data(as_text=True))
    assert client.post(URL, data={"csrf_token": token, **CLOUD}).status_code == 403
    assert stored(session) is None


def test_staff_never_see_the_page(app, session):
    app.test_client_class = FreshContextClient
    staff = UserFactory()
    session.commit()
    client = app.test_client()
    login(client, staff.email, PASSWORD)
    assert client.get(URL).status_code == 404
    token = csrf_token(client.get("/cases").get_data(as_text=True))
    assert client.post(URL, data={"csrf_token": token, **CLOUD}).status_code == 404


def edit_touchpoint(client, code, **fields):
    url = f"/admin/touchpoints/{code}"
    page = client.get(url).get_data(as_text=True)
    form = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    for name in re.findall(r'<select[^>]*name="(\w+)"', page):
        chosen = re.search(rf'name="{name}".*?<option selected value="([^"]*)"', page, re.S)
        form[name] = chosen.group(1) if chosen else ""
    form.pop("overrides_fatigue", None)
    return client.post(url, data={**form, "csrf_token": csrf_token(page), **fields})


def test_a_touchpoint_invites_by_its_channels_in_order(client, session, admin):
    TouchpointFactory(code="loan_approved", name="Loan approved")
    session.commit()
    page = client.get("/admin/touchpoints/loan_approved").get_data(as_text=True)
    assert re.search(r'name="first_channel".*?<option selected value="email"', page, re.S)
    answer = edit_touchpoint(
        client, "loan_approved", first_channel="sms", second_channel="email", third_channel=""
    )
    assert answer.status_code == 302
    session.expire_all()
    touchpoint = session.query(Touchpoint).filter_by(code="loan_approved").one()
    assert touchpoint.channels == ["sms", "email"]
    entry = session.query(AuditEntry).filter_by(subject="touchpoint:loan_approved").one()
    assert entry.detail["changes"]["channels"] == [["email"], ["sms", "email"]]
    listed = client.get("/admin/touchpoints").get_data(as_text=True)
    assert "SMS → E-mail" in listed


@pytest.mark.parametrize(
    ("order", "field_id", "message"),
    [
        (("sms", "wechat", "sms"), "third_channel", "Already chosen above"),
        (("", "sms", ""), "first_channel", "Not a valid choice."),  # none at all
    ],
)
def test_a_touchpoint_invites_by_at_least_one_channel_each_once(
    client, session, admin, order, field_id, message
):
    TouchpointFactory(code="card_issued")
    session.commit()
    first, second, third = order
    answer = edit_touchpoint(
        client, "card_issued", first_channel=first, second_channel=second, third_channel=third
    )
    assert answer.status_code == 200
    assert message in error_beside(answer.get_data(as_text=True), field_id)
    db.session.expire_all()
    assert session.query(Touchpoint).filter_by(code="card_issued").one().channels == ["email"]
