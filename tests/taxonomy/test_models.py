from django.utils import translation

from taxonomy.models import Country, HSChapter, HSHeading, Region


def test_names_follow_the_active_language():
    chapter = HSChapter(code="01", section="I", name_zh="活动物", name_en="Animals; live")
    country = Country(code="DE", alpha3="DEU", name_zh="德国", name_en="Germany")
    region = Region(code="EU", name_zh="欧盟", name_en="European Union")
    with translation.override("zh-hans"):
        assert [chapter.name, country.name, region.name] == ["活动物", "德国", "欧盟"]
        assert str(chapter) == "01 活动物"
    with translation.override("en"):
        assert [chapter.name, country.name, region.name] == [
            "Animals; live",
            "Germany",
            "European Union",
        ]
        assert str(country) == "DE Germany"


def test_heading_without_chinese_name_falls_back_to_english():
    heading = HSHeading(code="0101", chapter_id="01", name_en="Horses, asses, mules and hinnies")
    with translation.override("zh-hans"):
        assert str(heading) == "0101 Horses, asses, mules and hinnies"
    heading.name_zh = "马、驴、骡"
    with translation.override("zh-hans"):
        assert heading.name == "马、驴、骡"
    with translation.override("en"):
        assert heading.name == "Horses, asses, mules and hinnies"


def test_without_an_active_language_names_are_chinese():
    country = Country(code="JP", alpha3="JPN", name_zh="日本", name_en="Japan")
    with translation.override(None):
        assert country.name == "日本"
