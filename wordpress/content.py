"""WordPress post content to the body HTML our editor writes.

The article model sanitises every body on save (nh3, the editor's allowlist: p br strong em
h2 h3 ul ol li blockquote a). The sanitiser drops what it does not know, so this module first
turns WordPress's own constructs into those tags: block comments, shortcodes, paragraphs
that exist only as blank lines (wpautop), headings outside h2–h3, figures and embeds.
"""

import html
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

# The block-level tags of WordPress's wpautop(): no <p> is opened around them.
_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area"
    r"|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header"
    r"|footer|nav|figure|figcaption|details|menu|summary|iframe)"
)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_SHORTCODE_ATTR = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_URL = re.compile(r"^https?://\S+$")


@dataclass
class Converted:
    html: str
    dropped: list[str] = field(default_factory=list)  # what could not be carried over, for the report


def convert(content: str) -> Converted:
    """Body HTML for a WordPress post's content (before the model's sanitiser)."""
    dropped: list[str] = []
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    # Gutenberg posts are stored with their paragraphs already written out; WordPress runs
    # wpautop() only on classic content, and so does this.
    has_blocks = "<!-- wp:" in text
    text = _BLOCK_COMMENT.sub("", text)
    text = _shortcodes(text, dropped)
    if not has_blocks:
        text = autop(text)
    return Converted(html=_normalise(text, dropped), dropped=dropped)


def _attrs(raw: str) -> dict[str, str]:
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _SHORTCODE_ATTR.finditer(html.unescape(raw))}


def _link_paragraph(url: str) -> str:
    url = html.escape(url.strip(), quote=True)
    return f'\n\n<p><a href="{url}">{url}</a></p>\n\n'


def _shortcodes(text: str, dropped: list[str]) -> str:
    def caption(match):
        attrs, inner = _attrs(match[2]), match[3]
        # The caption is the text after the (linked) image, or the old caption="" attribute.
        words = re.sub(r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>", "", inner).strip()
        words = words or attrs.get("caption", "")
        return f"\n\n<p>{words}</p>\n\n" if words else ""

    def embed(match):
        url = re.sub(r"<[^>]+>", "", match[2]).strip()
        return _link_paragraph(url) if _URL.match(url) else ""

    def media(match):
        attrs = _attrs(match[2])
        sources = [attrs.get(key, "") for key in ("src", "mp4", "mp3", "webm", "ogg")]
        url = next((source for source in sources if source), "")
        if _URL.match(url):
            return _link_paragraph(url)
        dropped.append(f"[{match[1]}]")
        return ""

    def gallery(match):
        dropped.append("[gallery]")
        return ""

    text = re.sub(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", caption, text, flags=re.DOTALL)
    text = re.sub(r"\[(embed)\b[^\]]*\](.*?)\[/embed\]", embed, text, flags=re.DOTALL)
    text = re.sub(r"\[(video|audio)\b([^\]]*)\](?:.*?\[/\1\])?", media, text, flags=re.DOTALL)
    text = re.sub(r"\[(gallery|playlist)\b[^\]]*\]", gallery, text)
    # Other plugins' shortcodes: an enclosing pair keeps what it encloses; a lone one with
    # attributes is dropped. A bracketed word in the prose ("[1]", "[sic]") stays.
    text = re.sub(r"\[([a-zA-Z][\w-]*)\b[^\]]*\](.*?)\[/\1\]", r"\2", text, flags=re.DOTALL)
    return re.sub(r"\[[a-zA-Z][\w-]*\s+[^\]]*=[^\]]*\]", "", text)


def autop(text: str) -> str:
    """WordPress's wpautop(): blank lines make paragraphs, single newlines <br>.

    The same steps as the PHP original, in short, except that <pre> contents are not kept
    apart (the body has no <pre>).
    """
    if not text.strip():
        return ""
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text + "\n")
    text = re.sub(rf"(<{_BLOCKS}[\s/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{_BLOCKS}>)", r"\1\n\n", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    text = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    text = re.sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)", r"\1", text)
    text = re.sub(rf"(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"(?<!<br />)\s*\n(?!$)", "<br />\n", text)
    text = re.sub(rf"(</?{_BLOCKS}[^>]*>)\s*<br />", r"\1", text)
    return re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)


_RENAME = {"h1": "h2", "h4": "h3", "h5": "h3", "h6": "h3", "b": "strong", "i": "em", "figcaption": "p"}
_UNWRAP = {"div", "figure", "section", "article", "span", "font", "center", "header", "footer", "aside"}
_BLOCK_TAGS = {"p", "h2", "h3", "ul", "ol", "blockquote"}


def _normalise(fragment: str, dropped: list[str]) -> str:
    """Rename and unwrap what the sanitiser would otherwise strip with its meaning, and put
    text left at the top level into paragraphs."""
    if not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    images = 0
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str) or root not in element.iterancestors():
            continue  # the root itself, a comment, or inside something already taken out
        tag = element.tag
        if tag in _RENAME:
            element.tag = _RENAME[tag]
        elif tag == "img":
            images += 1
            element.drop_tree()
        elif tag == "iframe":
            # A video or map embedded by URL survives as a link to it.
            src = element.get("src", "")
            if _URL.match(src):
                element.addprevious(lxml_html.fragment_fromstring(_link_paragraph(src).strip()))
            element.drop_tree()
        elif tag == "table":
            # The body has no tables: each row becomes a line of its cells, in order.
            for row in element.iter("tr"):
                cells = [" ".join(cell.text_content().split()) for cell in row if cell.tag in {"td", "th"}]
                if any(cells):
                    line = root.makeelement("p", {})
                    line.text = " | ".join(cells)
                    element.addprevious(line)
            element.drop_tree()
        elif tag in {"script", "style", "noscript", "form"}:
            element.drop_tree()
        elif tag in _UNWRAP:
            element.drop_tag()
    if images:
        dropped.append(f"{images} inline image(s)")
    for paragraph in root.iter("p"):
        # A URL alone on its line is how WordPress embeds: keep it as a link.
        if len(paragraph) == 0 and _URL.match((paragraph.text or "").strip()):
            url = paragraph.text.strip()
            paragraph.text = None
            link = etree.SubElement(paragraph, "a", href=url)
            link.text = url
    return _paragraphs(root)


def _paragraphs(root) -> str:
    """Serialise the children of `root`, wrapping runs of top-level text and inline elements."""
    out, run = [], []

    def flush():
        inline = "".join(run).strip()
        run.clear()
        if _URL.match(inline):
            out.append(_link_paragraph(html.unescape(inline)).strip())
        elif inline:
            out.append(f"<p>{inline}</p>")

    if root.text:
        run.append(html.escape(root.text, quote=False))
    for child in root:
        tail, child.tail = child.tail, None
        markup = etree.tostring(child, encoding="unicode", method="html")
        if child.tag in _BLOCK_TAGS:
            flush()
            if child.tag != "p" or child.text_content().strip():
                out.append(markup)
        else:
            run.append(markup)
        if tail:
            run.append(html.escape(tail, quote=False))
    flush()
    return "\n".join(out)
