"""Every format and encoding reads into the same title and sections."""

import socket

import pytest

from briefing.article import parse_article, read_article
from briefing.cli import cli
from briefing.errors import InputError
from briefing.text import split_sentences

TITLE = "الموسم الزراعي في الشمال"
HEADINGS = [None, "توقعات المحصول", "أسعار الخضار"]
LEAD = [
    "بدأ موسم الحصاد مبكرا هذا العام، بعد شتاء وفير الأمطار.",
    "وقالت الوزارة إن 60 ألف مزارع سجلوا في البرنامج.",
]
CROP = "يتوقع المزارعون محصولا أكبر بنسبة 15 في المئة؛ فهل تنخفض الأسعار؟"
PRICES = "قال التجار إن الأسعار ستبقى مستقرة حتى نهاية الشهر."

PLAIN = "\n".join([TITLE, *LEAD, HEADINGS[1], CROP, HEADINGS[2], PRICES]) + "\n"
MARKDOWN = f"""# {TITLE}

{LEAD[0]}
![صورة الحقل](field.png)

{LEAD[1].replace("الوزارة", "[الوزارة](https://example.org/source)")}

## {HEADINGS[1]}

{CROP}

```
code that is never read
```

**{HEADINGS[2]}**

{PRICES}
"""
HTML = f"""<!doctype html>
<html lang="ar" dir="rtl"><head><title>عنوان الصفحة | الموقع</title>
<style>p {{ color: red }}</style><script src="https://example.org/app.js">var x = "نص";</script>
<link rel="stylesheet" href="https://example.org/site.css"></head>
<body>
<nav><a href="/">الرئيسية</a> <a href="/news">أخبار</a></nav>
<main><article>
  <h1>{TITLE}</h1>
  <!-- تعليق لا يقرأ -->
  <p>{LEAD[0]}</p><p>{LEAD[1].replace("60", "<b>60</b>")}</p>
  <figure><img src="https://example.org/a.jpg"><figcaption>صورة الحقل</figcaption></figure>
  <h2>{HEADINGS[1]}</h2><p>{CROP}</p>
  <aside><p>اقرأ أيضا: خبر آخر</p></aside>
  <h3>{HEADINGS[2]}</h3><p>{PRICES}</p>
  <form><p>اشترك في النشرة</p><input name="email"></form>
</article></main>
<footer><p>جميع الحقوق محفوظة</p></footer>
</body></html>
"""

CASES = [
    ("utf8.txt", PLAIN, "utf-8", "text", "utf-8"),
    ("bom.txt", PLAIN, "utf-8-sig", "text", "utf-8-sig"),
    ("utf16le.txt", PLAIN, "utf-16", "text", "utf-16"),  # Python writes a BOM, little-endian here
    ("utf16be.txt", "\ufeff" + PLAIN, "utf-16-be", "text", "utf-16"),
    ("windows.txt", PLAIN, "cp1256", "text", "cp1256"),
    ("iso.txt", PLAIN, "iso8859-6", "text", "iso8859-6"),
    ("crlf.txt", PLAIN.replace("\n", "\r\n"), "utf-8", "text", "utf-8"),
    ("article.md", MARKDOWN, "utf-8", "markdown", "utf-8"),
    ("article.html", HTML, "utf-8", "html", "utf-8"),
    ("windows.html", HTML, "cp1256", "html", "cp1256"),
]


@pytest.mark.parametrize(
    ("name", "text", "written_as", "format", "encoding"), CASES, ids=[c[0] for c in CASES]
)
def test_every_format_and_encoding_reads_the_same_article(tmp_path, name, text, written_as, format, encoding):
    path = tmp_path / name
    path.write_bytes(text.encode(written_as))
    article = read_article(path)
    assert (article.format, article.encoding) == (format, encoding)
    assert article.title == TITLE
    assert [s.heading for s in article.sections] == HEADINGS
    assert article.sections[0].paragraphs == tuple(LEAD)
    assert article.sections[1].paragraphs == (CROP,)
    assert article.sections[2].paragraphs == (PRICES,)


def test_html_reading_fetches_nothing(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access while reading HTML")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    assert read_article(path).title == TITLE


def test_html_title_falls_back_to_the_title_element_without_the_site_name():
    article = parse_article(HTML.replace(f"<h1>{TITLE}</h1>", ""), "html")
    assert article.title == "عنوان الصفحة"


@pytest.mark.parametrize(("text", "format"), [(PLAIN, "text"), (MARKDOWN, "markdown"), (HTML, "html")])
def test_stdin_is_read_and_its_format_detected(runner, text, format):
    result = runner.invoke(cli, ["sections", "-", "--json"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert f'"format": "{format}"' in result.output and TITLE in result.output


def test_format_option_overrides_the_extension(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(HTML, encoding="utf-8")
    assert read_article(path, format="html").title == TITLE


def test_encoding_option_forces_a_decoding(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(PLAIN.encode("cp1256"))
    assert read_article(path, encoding="cp1256").title == TITLE
    with pytest.raises(InputError, match="is not valid iso8859-6"):
        read_article(path, encoding="iso8859-6")


def test_sections_prints_format_and_encoding(runner, tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(PLAIN.encode("cp1256"))
    result = runner.invoke(cli, ["sections", str(path)])
    assert result.exit_code == 0
    assert f"Source: {path} (text, cp1256)" in result.output


@pytest.mark.parametrize(
    ("text", "headings"),
    [
        (
            "مقدمة الخبر هنا.\n1. الخلفية\nنص الخلفية.\n2. ما الجديد؟\nنص الجديد.",
            [None, "1. الخلفية", "2. ما الجديد؟"],
        ),
        (
            "مقدمة الخبر هنا.\nأولاً: الخلفية\nنص الخلفية.\nثانياً: التوقعات\nنص التوقعات.",
            [None, "أولاً: الخلفية", "ثانياً: التوقعات"],
        ),
        ("مقدمة الخبر هنا.\n٣) السياق\nنص السياق.", [None, "٣) السياق"]),
        ("مقدمة الخبر هنا.\nالخلاصة:\nانتهى الأمر بالاتفاق.", [None, "الخلاصة:"]),
        ("مقدمة الخبر هنا.\nوقال الوزير:\n«سنواصل العمل حتى النهاية.»", [None]),
        ("نص بلا عناوين، من أوله إلى آخره.\nوسطر ثان منه.", [None]),
    ],
)
def test_heading_detection(text, headings):
    assert [s.heading for s in parse_article(text).sections] == headings


def test_a_numbered_list_is_body_text_not_headings():
    # it was refused whole: «heading "وجاء الترتيب كالتالي:" has no body text»
    article = parse_article(
        "صنف التقرير عشر دول.\nوجاء الترتيب كالتالي:\n1. فنلندا\n2. النرويج\n3. أستراليا\n\nوحلت أمريكا أخيرة."
    )
    assert [s.heading for s in article.sections] == [None]
    assert article.sections[0].paragraphs == (
        "صنف التقرير عشر دول.",
        "وجاء الترتيب كالتالي: 1. فنلندا. 2. النرويج. 3. أستراليا.",
        "وحلت أمريكا أخيرة.",
    )
    assert split_sentences(article.sections[0].paragraphs[1]) == [
        "وجاء الترتيب كالتالي:",
        "1. فنلندا.",
        "2. النرويج.",
        "3. أستراليا.",
    ]


def test_quote_after_a_colon_stays_in_the_paragraphs():
    article = parse_article("مقدمة الخبر هنا.\nوقال الوزير:\n«سنواصل العمل حتى النهاية.»")
    assert article.sections[0].paragraphs[-1] == "«سنواصل العمل حتى النهاية.»"


def test_markdown_lists_are_read_as_sentences_and_bold_lines_as_headings():
    article = parse_article("مقدمة.\n\n**أهم النقاط**\n\n- النقطة الأولى\n- النقطة الثانية؟\n", "markdown")
    assert [s.heading for s in article.sections] == [None, "أهم النقاط"]
    assert article.sections[1].paragraphs == ("النقطة الأولى. النقطة الثانية؟",)


def test_ordered_lists_keep_their_numbers_in_markdown_and_html():
    article = parse_article("الترتيب:\n\n3. فنلندا\n4. النرويج\n", "markdown")
    assert article.sections[0].paragraphs[-1] == "3. فنلندا. 4. النرويج."
    page = (
        "<html><body><article><p>صنف التقرير الذي نشر اليوم عشر دول غنية حسب مستويات الفقر والبطالة فيها.</p>"
        '<ol><li>فنلندا</li><li>النرويج</li></ol><ol start="9"><li>إسبانيا</li></ol>'
        "<ul><li>نقطة بلا رقم في القائمة</li></ul></article></body></html>"
    )
    paragraphs = parse_article(page, "html").sections[0].paragraphs
    assert paragraphs[1:] == ("1. فنلندا", "2. النرويج", "9. إسبانيا", "نقطة بلا رقم في القائمة")


def test_a_list_typed_with_line_breaks_in_one_paragraph_says_each_item_apart():
    page = (
        "<html><body><article><p>صنف التقرير الذي نشر اليوم عشر دول غنية حسب مستويات الفقر والبطالة فيها.</p>"
        "<p>وجاء الترتيب كالتالي:<br>1. فنلندا<br>2. النرويج</p>"
        "<p>وقال الوزير<br>إن الخطة جاهزة.</p></article></body></html>"
    )
    paragraphs = parse_article(page, "html").sections[0].paragraphs
    assert paragraphs[1] == "وجاء الترتيب كالتالي: 1. فنلندا. 2. النرويج."
    assert split_sentences(paragraphs[1])[1:] == ["1. فنلندا.", "2. النرويج."]
    assert paragraphs[2] == "وقال الوزير إن الخطة جاهزة."  # a line broken mid-sentence stays one sentence


def test_markdown_skips_code_images_and_reads_link_text():
    article = parse_article(MARKDOWN, "markdown")
    text = " ".join(p for s in article.sections for p in s.paragraphs)
    assert "code that is never read" not in text and "صورة" not in text and "example.org" not in text
    assert "وقالت الوزارة إن" in text


def test_a_front_matter_of_nested_aliases_is_not_expanded():
    from briefing import Article

    layers = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh"):
        layers.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    text = "---\n" + "\n".join(layers) + "\ntitle: *i\n---\n# عنوان الخبر\n\nجملة من الخبر هنا للقراءة.\n"
    article = Article.from_text(text, format="markdown")  # 9**9 items if expanded: this would not return
    assert article.title == "عنوان الخبر" and article.metadata.known() == {}
