import pytest

from briefing.article import Episode, parse_article, read_article
from briefing.errors import InputError

EXAMPLE_HEADINGS = [None, "تفاصيل المشروع", "ماذا ينتظر السكان"]
EXAMPLE_TITLE = "افتتاح محطة للطاقة الشمسية في مدينة الواحة"


@pytest.mark.parametrize("name", ["example_txt", "example_md"])
def test_example_articles_parse_into_lead_and_headed_sections(name, request):
    article = read_article(request.getfixturevalue(name))
    assert article.title == EXAMPLE_TITLE
    assert [s.heading for s in article.sections] == EXAMPLE_HEADINGS
    assert [len(s.paragraphs) for s in article.sections] == [2, 2, 2]
    assert Episode.of([article]).sections[0].label == "المقدمة"


def test_markdown_hard_wrapped_lines_join_into_one_paragraph(example_md):
    details = read_article(example_md).sections[1]
    assert details.paragraphs[0].endswith("بعد غروب الشمس.")
    assert "الطاقة يسمح" in details.paragraphs[0]


def test_lead_without_title_and_plain_headings_one_paragraph_per_line():
    text = (
        "قالت الوزارة إن الموسم الزراعي بدأ مبكرا هذا العام.\n"
        "وأضافت أن الأمطار كانت وفيرة في الشمال.\n"
        "توقعات المحصول\n"
        "يتوقع المزارعون محصولا أكبر من العام الماضي.\n"
    )
    article = parse_article(text)
    assert article.title is None
    assert [s.heading for s in article.sections] == [None, "توقعات المحصول"]
    assert len(article.sections[0].paragraphs) == 2


def test_short_line_with_sentence_punctuation_is_body_text():
    article = parse_article("عنوان الخبر\nهذا سطر قصير.\nوهذه جملة أخرى؟\n")
    assert article.title == "عنوان الخبر"
    assert len(article.sections) == 1
    assert article.sections[0].paragraphs == ("هذا سطر قصير.", "وهذه جملة أخرى؟")


def test_title_option_overrides_detected_title(example_txt):
    assert read_article(example_txt, title="عنوان آخر").title == "عنوان آخر"


def test_article_without_headings_is_one_section():
    article = parse_article("هذا خبر من فقرة واحدة لا عناوين فيه، ويستمر حتى نهايته.")
    assert [s.heading for s in article.sections] == [None]


def test_heading_with_no_body_is_an_input_error():
    with pytest.raises(InputError, match="no body text"):
        parse_article("مقدمة الخبر هنا.\nعنوان أول\nعنوان ثان\nنص تحت العنوان الثاني.")


def test_whitespace_only_article_is_an_input_error():
    with pytest.raises(InputError, match="no text"):
        parse_article(" \n\t\n")
