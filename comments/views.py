import ipaddress
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseForbidden, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt

from articles.views import ArticleDetailView

from .forms import CommentForm, ReportForm
from .models import Comment
from .selectors import article_comments_open, comment_section
from .services import comment_post, comment_report, rate_key, rate_limit_consume

TOO_MANY_FROM_YOU = "لقد أرسلت تعليقات كثيرة في وقت قصير، حاول بعد قليل."
TOO_MANY_ON_ARTICLE = "وصلت إلى هذا الخبر تعليقات كثيرة في وقت قصير، حاول بعد قليل."
CROSS_SITE = "رُفض الطلب لأنه أُرسل من موقع آخر."


def client_ip(request) -> str | None:
    """The reader's address, as the server saw the connection.

    Behind a proxy this is the proxy's address: configure the proxy to set REMOTE_ADDR (e.g.
    nginx's real_ip module, or a middleware trusting only the proxy's own header). Never read
    X-Forwarded-For here: any reader can send one, and would pick their own rate limit.
    """
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def cross_site(request) -> bool:
    """Whether a browser says the form was sent from another site.

    These views are exempt from Django's CSRF check, whose token would set a cookie on every
    article page and keep caches from sharing it. There is no account to protect here; what
    the check still stops is another site making its visitors' browsers post for it, each from
    a different address, past the per-IP limits. Browsers say where a POST comes from.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "cross-site"
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin not in settings.CSRF_TRUSTED_ORIGINS and urlsplit(origin).netloc != request.get_host()


@method_decorator(csrf_exempt, name="dispatch")
class ArticlePostView(ArticleDetailView):
    """A form sent from an article page, shown again on that page when it cannot be taken."""

    http_method_names = ["post"]
    template_name = "articles/article_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and cross_site(request):
            return HttpResponseForbidden(CROSS_SITE, content_type="text/plain; charset=utf-8")
        return super().dispatch(request, *args, **kwargs)

    def render_article(self, status: int, params: QueryDict | None = None, **section):
        section = comment_section(article=self.object, params=params or QueryDict(), **section)
        return self.render_to_response(self.get_context_data(comment_section=section), status=status)

    def redirect_to_article(self, notice: str, page: str = "") -> HttpResponseRedirect:
        query = {"cpage": page} if page.isdigit() and page != "1" else {}
        query["comment"] = notice
        url = f"{self.object.get_absolute_url()}?{urlencode(query)}#comments"
        # 303: the browser fetches the article with GET, and a reload does not post again.
        return HttpResponseRedirect(url, status=303)


class CommentPostView(ArticlePostView):
    http_method_names = ["get", "head", "post"]

    def get(self, request, *args, **kwargs):
        # This address is also the article's own with the slug "comments" (the URLconf lists
        # this view first): a GET gets what it always got, the article or a redirect to it.
        return super().get(request, *args, slug="comments", **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = article = self.get_object()
        if not article_comments_open(article=article):
            return self.render_article(403, notice="closed")
        form = CommentForm(request.POST, article=article)
        if not form.is_valid():
            return self.render_article(400, form=form)

        ip = client_ip(request)
        for scope, key, limit, message in (
            ("ip", rate_key(ip), settings.COMMENTS_RATE_LIMIT_IP, TOO_MANY_FROM_YOU),
            ("article", str(article.pk), settings.COMMENTS_RATE_LIMIT_ARTICLE, TOO_MANY_ON_ARTICLE),
        ):
            wait = rate_limit_consume(scope=f"comment-{scope}", key=key, limit=limit)
            if wait is not None:
                form.add_error(None, message)
                response = self.render_article(429, form=form)
                response["Retry-After"] = str(wait)
                return response

        try:
            comment_post(
                article=article,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                text=form.cleaned_data["text"],
                parent=form.cleaned_data["parent"],
                ip_address=ip,
                honeypot=form.caught_in_honeypot,
            )
        except ValidationError as error:
            # What changed since the form was checked (a parent hidden meanwhile), or what only
            # the model knows: shown like the form's own errors.
            form.add_error(None, error.messages)
            return self.render_article(400, form=form)
        # Spam hears the same as everyone else: nothing tells a script which rule caught it.
        return self.redirect_to_article("pending")


class CommentReportView(ArticlePostView):
    def get_object(self, queryset=None):
        # Only approved comments under a published article can be reported; for the rest, a
        # 404 gives nothing away.
        self.comment = get_object_or_404(Comment.objects.public(), pk=self.kwargs["pk"])
        return get_object_or_404(self.get_queryset(), pk=self.comment.article_id)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        page = request.POST.get("cpage", "")
        params = QueryDict(mutable=True)
        params["cpage"] = page
        form = ReportForm(request.POST)
        if not form.is_valid():
            return self.render_article(400, params, report_error_for=self.comment.pk)

        ip = client_ip(request)
        wait = rate_limit_consume(scope="report-ip", key=rate_key(ip), limit=settings.COMMENTS_RATE_LIMIT_IP)
        if wait is not None:
            response = self.render_article(429, params, notice="report-limit")
            response["Retry-After"] = str(wait)
            return response

        # A second report from the same reader is not counted, and they are thanked all the
        # same: telling them so would only invite them to change address.
        try:
            comment_report(comment=self.comment, reason=form.cleaned_data["reason"], ip_address=ip)
        except ValidationError:
            # Hidden or removed between the page and the report: the report has been heard.
            pass
        return self.redirect_to_article("reported", page)
