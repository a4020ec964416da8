import unicodedata

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

from comments.models import Comment
from comments.services import LINK

register = template.Library()

# Long enough to tell where a link goes, short enough not to push a phone's screen wide.
LINK_TEXT_LIMIT = 60


@register.filter
def comment_text(comment: Comment) -> SafeString:
    """A comment's plain text as HTML: escaped, line breaks kept.

    Links become clickable only once a moderator has approved the comment, and even then carry
    rel="nofollow ugc": a spammer gains nothing from a link nobody vetted, nor search-engine
    credit from one that was.
    """
    if comment.status != Comment.Status.APPROVED:
        return linebreaksbr(escape(comment.text))
    html = urlize(comment.text, trim_url_limit=LINK_TEXT_LIMIT, nofollow=True, autoescape=True)
    # Safe to rewrite as text: the reader's own quotes were escaped to &quot; above, so this
    # attribute can only be one urlize wrote.
    return linebreaksbr(mark_safe(html.replace(' rel="nofollow"', ' rel="nofollow ugc"')))


@register.filter
def text_dir(text: str) -> str:
    """ "rtl" unless most letters are Latin (links aside).

    Not dir="auto", which follows the first strong letter: an Arabic comment opening with
    "BBC" or a link would be laid out left to right.
    """
    letters = [unicodedata.bidirectional(ch) for ch in LINK.sub("", text)]
    return "ltr" if letters.count("L") > letters.count("R") + letters.count("AL") else "rtl"
