"""An exporter describes itself in a real browser: fills its profile (rich-text description in the
editor), adds a product with a photo and publishes a post; the public directory then finds it
with the filters a platform would use. A screenshot of the directory lands in screenshots/."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from accounts.models import MembershipRole, OrganizationKind
from matchmaking.models import Post, PostStatus, Product, Profile
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "li.na@greenwood-furniture.example.cn"


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def exporter(taxonomy):
    organization = OrganizationFactory(
        kind=OrganizationKind.EXPORTER,
        name_zh="北京绿木家具有限公司",
        name_en="Beijing Greenwood Furniture Co., Ltd.",
        district="tongzhou",
    )
    # Another verified exporter with a profile, which the filters must leave out.
    other = OrganizationFactory(kind=OrganizationKind.EXPORTER, name_en="Beijing Tea Export Co.")
    Profile.objects.create(organization=other, summary_en="Green tea for Japan")
    MembershipFactory(
        organization=organization,
        role=MembershipRole.OWNER,
        user=UserFactory(email=EMAIL, full_name="Li Na"),
    )
    return organization


def test_an_exporter_fills_its_profile_and_the_directory_shows_it(
    live_server, page: Page, browser, screenshot_dir, exporter
):
    base = f"{live_server.url}/en"
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("[data-testid=account-entrance] button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # The profile: plain fields, the rich-text editor, HS headings, markets, a certification.
    page.goto(f"{base}/me/profile/")
    page.fill("input[name=summary_zh]", "实木家具工厂，年出口欧洲40个货柜")
    page.fill("input[name=summary_en]", "Solid-wood furniture maker shipping 40 containers a year")
    editor = page.locator(".ProseMirror >> visible=true").nth(1)  # the English description
    editor.click()
    editor.type("We make oak dining tables and chairs for European retailers.")
    page.fill("input[name=hs_headings]", "9403 9401")
    page.select_option("select[name=markets]", ["EU", "GB"])
    page.check("input[name=certifications][value=FSC]")
    page.click("text=Save the profile")
    expect(page.locator(".messages")).to_contain_text("The profile was saved.")
    profile = Profile.objects.get(organization=exporter)
    assert "oak dining tables" in profile.description_en + profile.description_zh

    # A product with a photo.
    page.goto(f"{base}/me/profile/products/new/")
    page.fill("input[name=name_zh]", "橡木餐桌")
    page.fill("input[name=name_en]", "Oak dining table")
    page.fill("input[name=hs_heading]", "9403")
    page.set_input_files(
        "input[name=photo]",
        files=[{"name": "table.png", "mimeType": "image/png", "buffer": _photo()}],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/me/profile/")
    product = Product.objects.get(profile=profile)
    assert product.photo.name.startswith("products/") and product.photo.name.endswith(".png")

    # A supply post, published at once.
    page.goto(f"{base}/me/posts/new/")
    page.check("input[name=kind][value=supply]")
    page.fill("input[name=title_zh]", "橡木餐桌现货供应，可贴牌")
    page.fill("input[name=title_en]", "Oak dining tables in stock, private label available")
    page.fill("input[name=hs_headings]", "9403")
    page.select_option("select[name=markets]", ["DE"])
    page.click("[data-testid=save-and-publish]")
    page.wait_for_url(f"{base}/me/posts/")
    assert Post.objects.get(organization=exporter).status == PostStatus.PUBLISHED

    # A visitor who is not signed in finds the exporter through the directory's filters.
    visitor = browser.new_page()
    visitor.goto(f"{base}/directory/")
    expect(visitor.locator("[data-testid=profile-card]")).to_have_count(2)
    visitor.select_option("select[name=kind]", "exporter")
    visitor.fill("input[name=hs_heading]", "9403")
    visitor.select_option("select[name=market]", "DE")  # Germany lies in the EU it targets
    visitor.select_option("select[name=certification]", "FSC")
    visitor.locator("[data-testid=directory-filters] button[type=submit]").click()
    cards = visitor.locator("[data-testid=profile-card]")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Beijing Greenwood Furniture Co., Ltd.")
    expect(cards.first).to_contain_text("Solid-wood furniture maker")
    visitor.screenshot(path=str(screenshot_dir / "directory-en.png"), full_page=True)

    visitor.select_option("select[name=market]", "JP")
    visitor.locator("[data-testid=directory-filters] button[type=submit]").click()
    expect(visitor.locator("[data-testid=empty-state]")).to_be_visible()

    # The profile page shows the product and the post; the contact block stays private.
    visitor.goto(f"{base}/directory/{exporter.pk}/")
    expect(visitor.locator("main")).to_contain_text("Oak dining table")
    expect(visitor.locator("main")).to_contain_text("Oak dining tables in stock")
    expect(visitor.locator("main")).to_contain_text("oak dining tables and chairs")
    expect(visitor.locator("main")).not_to_contain_text(EMAIL)
    visitor.screenshot(path=str(screenshot_dir / "organization-profile-en.png"), full_page=True)

    visitor.goto(f"{live_server.url}/directory/")
    visitor.screenshot(path=str(screenshot_dir / "directory-zh-hans.png"), full_page=True)
    visitor.close()
