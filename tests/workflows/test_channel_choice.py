"""The channel an invitation goes by: the touchpoint's order, the customer's addresses, wish."""

from workflows.channel_choice import Addresses, choose_channel

ALL = {"email", "sms", "wechat"}
EVERYWHERE = Addresses(email="a@x.cn", mobile="+8613800138000", wechat_openid="o-abc")


def test_the_first_channel_of_the_touchpoint_that_reaches_the_customer_wins():
    assert choose_channel(["sms", "email"], EVERYWHERE, ready=ALL).channel == "sms"
    no_mobile = Addresses(email="a@x.cn")
    assert choose_channel(["sms", "email"], no_mobile, ready=ALL).channel == "email"


def test_a_channel_the_bank_has_not_set_up_is_passed_over():
    assert choose_channel(["wechat", "sms", "email"], EVERYWHERE, ready={"email"}).channel == (
        "email"
    )


def test_the_customers_preferred_channel_goes_first_when_the_touchpoint_lists_it():
    prefers_wechat = Addresses(email="a@x.cn", wechat_openid="o-abc", preferred="wechat")
    assert choose_channel(["email", "wechat"], prefers_wechat, ready=ALL).channel == "wechat"
    assert choose_channel(["email"], prefers_wechat, ready=ALL).channel == "email"


def test_a_fallback_walks_down_the_list_once():
    order = ["sms", "wechat", "email"]
    assert choose_channel(order, EVERYWHERE, ready=ALL, tried=["sms"]).channel == "wechat"
    assert choose_channel(order, EVERYWHERE, ready=ALL, tried=["sms", "wechat"]).channel == "email"
    spent = choose_channel(order, EVERYWHERE, ready=ALL, tried=["sms", "wechat", "email"])
    assert (spent.channel, spent.reason) == (None, "no channel left to try")


def test_without_an_address_the_reason_names_the_missing_ones():
    nothing = choose_channel(["sms", "email"], Addresses(), ready=ALL)
    assert nothing.channel is None
    assert nothing.reason == "customer has no mobile number or e-mail address"


def test_link_is_never_chosen_for_a_message():
    assert choose_channel(["link", "email"], EVERYWHERE, ready=ALL | {"link"}).channel == "email"
    assert choose_channel(["link"], EVERYWHERE, ready=ALL | {"link"}).channel is None
