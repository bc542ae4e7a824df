"""Each event page type can be created in the Wagtail admin, and the editor refuses events
that contradict themselves or would take back places already given."""

from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Locale, Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accounts.models import OrganizationKind
from events.models import (
    EventIndexPage,
    ExpoCallPage,
    MatchmakingSessionPage,
    PlaceCounter,
    ResponsibleUnit,
    TrainingPage,
)
from events.services.registrations import registration_create
from taxonomy.services import taxonomy_load
from tests.factories.events import event_index, event_publish, registrant
from tests.factories.two_factor import sign_in_superuser


def places(*rows: tuple[str, int]) -> dict:
    return inline_formset(
        [{"organization_kind": kind, "places": str(count)} for kind, count in rows], min=1
    )


def event_fields(**overrides) -> dict:
    fields = {
        "title": "跨境电商平台资源对接会",
        "slug": "docking",
        "title_en": "Platform resource-docking meeting",
        "summary_zh": "家居企业与平台对接。",
        "summary_en": "Home goods makers meet platforms.",
        "starts_at": "2027-03-12 14:00",
        "ends_at": "2027-03-12 17:00",
        "time_zone": "Asia/Shanghai",
        "venue_zh": "北京市朝阳区",
        "venue_en": "Chaoyang, Beijing",
        "online_url": "",
        "registration_opens_at": "",
        "registration_closes_at": "2027-03-10 18:00",
        "places": places((OrganizationKind.EXPORTER, 30), (OrganizationKind.PLATFORM, 10)),
        "questions": streamfield(
            [
                (
                    "text",
                    {
                        "label_zh": "拟展示的产品",
                        "label_en": "Products to show",
                        "help_zh": "",
                        "help_en": "",
                        "required": "on",
                        "long": "on",
                    },
                ),
                (
                    "document",
                    {
                        "label_zh": "企业介绍",
                        "label_en": "Company brochure",
                        "help_zh": "",
                        "help_en": "",
                        "required": "",
                        "file_types": "pdf",
                        "max_megabytes": "10",
                    },
                ),
            ]
        ),
        "body_zh": streamfield([("paragraph", rich_text("<p>欢迎参加。</p>"))]),
        "body_en": streamfield([]),
    }
    fields.update(overrides)
    return fields


def form_data(fields: dict) -> dict:
    """Form data for the page editor. Many-to-many choices are added after nesting:
    nested_form_data would spread a list over numbered keys."""
    data = nested_form_data(fields)
    data.update(
        hs_chapters=["94"],
        market_regions=["EU"],
        market_countries=["DE"],
        organizers=[str(ResponsibleUnit.objects.get(name_zh="北京市商务局").pk)],
    )
    return data


class EventPageTypeTests(WagtailPageTestCase):
    def setUp(self):
        taxonomy_load()
        sign_in_superuser(self.client, "editor@example.com")
        self.home = Page.objects.get(depth=2, locale=Locale.get_default())

    def test_parent_and_subpage_rules(self):
        self.assertAllowedParentPageTypes(EventIndexPage, {self.home.specific_class})
        for page_type in (MatchmakingSessionPage, ExpoCallPage, TrainingPage):
            self.assertAllowedParentPageTypes(page_type, {EventIndexPage})
        self.assertAllowedSubpageTypes(
            EventIndexPage, {MatchmakingSessionPage, ExpoCallPage, TrainingPage}
        )

    def test_event_index_under_home(self):
        self.assertCanCreate(
            self.home,
            EventIndexPage,
            nested_form_data(
                {"title": "活动", "slug": "events", "intro_zh": "对接会与培训", "intro_en": ""}
            ),
        )

    def test_matchmaking_session(self):
        data = event_fields(
            session_format="resource_docking",
            agenda=streamfield(
                [
                    (
                        "item",
                        {
                            "starts": "14:00",
                            "ends": "14:30",
                            "title_zh": "平台政策介绍",
                            "title_en": "Platform policies",
                            "speaker": "",
                        },
                    )
                ]
            ),
        )
        self.assertCanCreate(event_index(), MatchmakingSessionPage, form_data(data))
        session = MatchmakingSessionPage.objects.get(slug="docking")
        self.assertEqual(session.eligible_kinds(), ["exporter", "platform"])
        self.assertEqual([block.block_type for block in session.questions], ["text", "document"])
        self.assertEqual(list(session.market_regions.values_list("code", flat=True)), ["EU"])

    def test_expo_call(self):
        data = event_fields(
            slug="ciftis",
            expo="ciftis",
            expo_name_zh="",
            expo_name_en="",
            place_type="booth",
            places=places((OrganizationKind.EXPORTER, 20)),
        )
        self.assertCanCreate(event_index(), ExpoCallPage, form_data(data))
        self.assertTrue(ExpoCallPage.objects.get(slug="ciftis").requires_review)

    def test_training(self):
        data = event_fields(
            slug="eu-training",
            topics_zh="欧盟产品安全\n增值税",
            topics_en="EU product safety\nVAT",
            speakers=streamfield(
                [
                    (
                        "speaker",
                        {
                            "name_zh": "王律师",
                            "name_en": "Ms Wang",
                            "affiliation_zh": "律师事务所",
                            "affiliation_en": "Law firm",
                        },
                    )
                ]
            ),
            materials=streamfield([]),
        )
        self.assertCanCreate(event_index(), TrainingPage, form_data(data))
        self.assertEqual(
            TrainingPage.objects.get(slug="eu-training").topics,
            ["欧盟产品安全", "增值税"],
        )


class EventEditorValidationTests(WagtailPageTestCase):
    """What the editor refuses, with a message on the field."""

    def setUp(self):
        taxonomy_load()
        sign_in_superuser(self.client, "editor@example.com")
        self.index = event_index()

    def post_new(self, page_type, data):
        url = f"/admin/pages/add/events/{page_type._meta.model_name}/{self.index.pk}/"
        return self.client.post(url, form_data({**data, "action-publish": "publish"}))

    def test_end_before_start_and_late_deadline(self):
        response = self.post_new(
            MatchmakingSessionPage,
            event_fields(
                session_format="resource_docking",
                agenda=streamfield([]),
                ends_at="2027-03-12 13:00",
                registration_closes_at="2027-03-13 09:00",
            ),
        )
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("ends_at", form.errors)
        self.assertFalse(MatchmakingSessionPage.objects.filter(slug="docking").exists())

    def test_other_expo_needs_a_name(self):
        response = self.post_new(
            ExpoCallPage,
            event_fields(
                slug="other-expo",
                expo="other",
                expo_name_zh="",
                expo_name_en="",
                place_type="booth",
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("expo_name_zh", response.context["form"].errors)

    def test_a_kind_listed_twice_is_refused(self):
        response = self.post_new(
            MatchmakingSessionPage,
            event_fields(
                session_format="resource_docking",
                agenda=streamfield([]),
                places=places((OrganizationKind.EXPORTER, 3), (OrganizationKind.EXPORTER, 5)),
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(MatchmakingSessionPage.objects.filter(slug="docking").exists())

    def test_places_cannot_drop_below_those_taken(self):
        event = event_publish(places={OrganizationKind.EXPORTER: 3})
        for _ in range(2):
            user, organization = registrant()
            registration_create(
                event=event, organization=organization, user=user, attendees=[{"name": "张三"}]
            )
        place_row = event.places.get()
        data = nested_form_data(
            {
                "title": event.title,
                "slug": event.slug,
                "title_en": event.title_en,
                "summary_zh": "",
                "summary_en": "",
                "session_format": "resource_docking",
                "starts_at": event.starts_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                "ends_at": event.ends_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                "time_zone": "Asia/Shanghai",
                "venue_zh": "",
                "venue_en": "",
                "online_url": "",
                "registration_opens_at": "",
                "registration_closes_at": event.registration_closes_at.astimezone().strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "places": inline_formset(
                    [{"id": str(place_row.pk), "organization_kind": "exporter", "places": "1"}],
                    initial=1,
                    min=1,
                ),
                "questions": streamfield([]),
                "agenda": streamfield([]),
                "body_zh": streamfield([]),
                "body_en": streamfield([]),
                "action-publish": "publish",
            }
        )
        response = self.client.post(f"/admin/pages/{event.pk}/edit/", data)
        self.assertEqual(response.status_code, 200)
        # The editor reads the admin in its own language (Chinese, the default).
        with translation.override(response.wsgi_request.LANGUAGE_CODE):
            refusal = gettext("%(taken)d places are already taken: offer at least that many.")
        self.assertContains(response, refusal % {"taken": 2})
        self.assertEqual(PlaceCounter.objects.get(event=event).capacity, 3)

        # Raising the places is accepted, and the counter follows on publishing.
        data["places-0-places"] = "5"
        response = self.client.post(f"/admin/pages/{event.pk}/edit/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(PlaceCounter.objects.get(event=event).capacity, 5)
