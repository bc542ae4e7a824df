"""An exporter and a platform talk in two browsers, each on its own ASGI server process (daphne,
as in production) joined by a Redis channel layer: messages, typing, presence and read receipts
cross in real time; the exporter's server goes down and comes back, and the exporter's page
reconnects by itself and fills the gap. A third browser without working WebSockets falls back
to refreshing over HTTP and still talks. Screenshots of each side land in screenshots/.
"""

import contextlib
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.models import OrganizationKind
from chat.models import ConversationKind, Message
from chat.services import conversation_open
from tests.chat.servers import asgi_servers, redis_server, redis_server_binary
from tests.factories.accounts import PASSWORD, MembershipFactory, OrganizationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(redis_server_binary() is None, reason="redis-server is not installed"),
]

LIVE = 15_000  # ms: how long a real-time frame may take on a loaded CI machine
# What a browser whose WebSockets never open looks like to the page (a proxy that refuses the
# upgrade): every socket closes before it opened.
BLOCKED_WEBSOCKETS = """
window.WebSocket = function () {
  var socket = this;
  socket.readyState = 3;
  setTimeout(function () { if (socket.onclose) socket.onclose({ code: 1006 }); }, 20);
};
window.WebSocket.OPEN = 1;
"""


def _sign_in(context: BrowserContext, origin: str, email: str) -> Page:
    page = context.new_page()
    page.goto(f"{origin}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.locator("main").inner_text()
    return page


def _errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _send(page: Page, text: str) -> None:
    page.get_by_test_id("chat-input").fill(text)
    page.get_by_test_id("chat-input").press("Enter")


def _message(page: Page, text: str):
    return page.get_by_test_id("chat-message").filter(has_text=text)


@pytest.fixture
def companies(migrated_data):
    exporter = OrganizationFactory(
        kind=OrganizationKind.EXPORTER, name_zh="北京京南实木家具有限公司"
    )
    platform = OrganizationFactory(kind=OrganizationKind.PLATFORM, name_zh="欧家优选跨境电商平台")
    exporter_user = MembershipFactory(
        organization=exporter, role="owner", user__full_name="王建国"
    ).user
    platform_user = MembershipFactory(
        organization=platform, role="owner", user__full_name="陈思远"
    ).user
    # The servers check passwords with the project's hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    for user in (exporter_user, platform_user):
        user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])
    conversation = conversation_open(
        kind=ConversationKind.PAIR, organizations=[exporter, platform], source="test.pair"
    )
    return conversation, exporter_user, platform_user


def _off_the_loop(function, *args):
    """Run `function` in another thread: Playwright's sync API keeps an event loop running in
    this one, and the servers' readiness check runs a loop of its own."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function, *args).result()


@pytest.fixture
def servers():
    with contextlib.ExitStack() as stack:
        redis = _off_the_loop(stack.enter_context, redis_server())
        yield _off_the_loop(stack.enter_context, asgi_servers(redis.url, count=2))


def test_two_companies_talk_in_real_time_across_two_servers_and_without_websockets(
    companies, servers, browser: Browser, screenshot_dir
):
    conversation, exporter_user, platform_user = companies
    first, second = servers
    exporter_origin = f"http://127.0.0.1:{first.port}"
    platform_origin = f"http://127.0.0.1:{second.port}"
    exporter_context = browser.new_context(viewport={"width": 1100, "height": 900})
    platform_context = browser.new_context(viewport={"width": 1100, "height": 900})
    exporter = _sign_in(exporter_context, exporter_origin, exporter_user.email)
    platform = _sign_in(platform_context, platform_origin, platform_user.email)
    exporter_errors, platform_errors = _errors(exporter), _errors(platform)

    # The exporter finds the conversation in its list; the platform opens it directly.
    exporter.goto(f"{exporter_origin}/me/chat/")
    exporter.get_by_test_id("conversation").get_by_role("link").click()
    platform.goto(f"{platform_origin}/me/chat/{conversation.pk}/")
    for page in (exporter, platform):
        expect(page.get_by_test_id("chat-connection")).to_have_attribute(
            "data-state", "live", timeout=LIVE
        )
    # Presence: each sees the other side online.
    expect(exporter.get_by_test_id("chat-presence")).to_contain_text("陈思远", timeout=LIVE)
    expect(platform.get_by_test_id("chat-presence")).to_contain_text("王建国", timeout=LIVE)

    # Enter sends; the platform sees it at once, reads it, and the exporter sees "read".
    _send(exporter, "您好，我们是京南家具，样品目录见 https://example.com/catalogue")
    received = _message(platform, "我们是京南家具")
    expect(received).to_be_visible(timeout=LIVE)
    expect(received.get_by_role("link", name="https://example.com/catalogue")).to_be_visible()
    sent = _message(exporter, "我们是京南家具")
    expect(sent).to_have_attribute("data-state", "read", timeout=LIVE)

    # Typing shows on the other side; Shift+Enter makes a new line, Enter sends.
    platform.get_by_test_id("chat-input").press_sequentially("收到", delay=30)
    expect(exporter.get_by_test_id("chat-typing")).to_contain_text("陈思远", timeout=LIVE)
    platform.get_by_test_id("chat-input").press("Shift+Enter")
    platform.get_by_test_id("chat-input").press_sequentially("请报价", delay=10)
    platform.get_by_test_id("chat-input").press("Enter")
    reply = _message(exporter, "请报价")
    expect(reply).to_be_visible(timeout=LIVE)
    assert "收到\n请报价" in reply.locator(".chat-text").inner_text()

    exporter.screenshot(path=str(screenshot_dir / "chat-exporter.png"), full_page=True)
    platform.screenshot(path=str(screenshot_dir / "chat-platform.png"), full_page=True)

    # The exporter's server goes down: its page says so and retries; meanwhile the platform
    # (on the other server) writes twice. When the server is back the page reconnects by
    # itself and shows both, once each, in order.
    first.stop()
    expect(exporter.get_by_test_id("chat-connection")).to_have_attribute(
        "data-state", re.compile("reconnecting|connecting"), timeout=LIVE
    )
    _send(platform, "第一条：离线期间")
    _send(platform, "第二条：离线期间")
    expect(_message(platform, "第二条")).to_have_attribute("data-state", "sent", timeout=LIVE)
    first.launch()
    _off_the_loop(first.wait_ready)
    assert first.port == int(exporter_origin.rsplit(":", 1)[1]), "the server moved port"
    expect(exporter.get_by_test_id("chat-connection")).to_have_attribute(
        "data-state",
        "live",
        timeout=40_000,  # the backoff may be waiting several seconds
    )
    expect(_message(exporter, "第二条：离线期间")).to_be_visible(timeout=LIVE)
    texts = exporter.locator("[data-testid=chat-message] .chat-text").all_inner_texts()
    assert [t for t in texts if "离线期间" in t] == ["第一条：离线期间", "第二条：离线期间"]
    exporter.screenshot(path=str(screenshot_dir / "chat-exporter-reconnected.png"), full_page=True)

    assert Message.objects.filter(conversation=conversation).count() == 4

    # A browser of the exporter's where WebSockets never open (a proxy refusing them): after a
    # few tries the page refreshes over HTTP, and sends over HTTP, and still talks.
    blocked_context = browser.new_context(viewport={"width": 1100, "height": 900})
    blocked_context.add_init_script(BLOCKED_WEBSOCKETS)
    blocked = _sign_in(blocked_context, exporter_origin, exporter_user.email)
    blocked_errors = _errors(blocked)
    blocked.goto(f"{exporter_origin}/me/chat/{conversation.pk}/")
    expect(blocked.get_by_test_id("chat-connection")).to_have_attribute(
        "data-state", "polling", timeout=LIVE
    )
    live = platform

    _send(blocked, "没有 WebSocket 也能发")  # sent over HTTP
    expect(_message(blocked, "也能发")).to_have_attribute("data-state", "sent", timeout=LIVE)
    expect(_message(live, "也能发")).to_be_visible(timeout=LIVE)
    _send(live, "收到，回复你")
    expect(_message(blocked, "收到，回复你")).to_be_visible(timeout=LIVE)  # the next refresh
    blocked.screenshot(path=str(screenshot_dir / "chat-refresh-mode.png"), full_page=True)
    assert exporter_errors == [] and platform_errors == [] and blocked_errors == []
    for context in (exporter_context, platform_context, blocked_context):
        context.close()
