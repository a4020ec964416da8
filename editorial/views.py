"""The editorial calendar, inside the admin (urls.py wraps each view in admin_view)."""

import calendar as pycalendar
from datetime import date, datetime, timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from articles.workflow import PUBLISH
from newsroom.dates import format_date, format_month

from .forms import ReplanForm, RescheduleForm
from .selectors import WEEKDAY_NAMES, calendar_days, week_start
from .services import article_replan, article_reschedule

MONTH, WEEK = "month", "week"
# Dates outside these years are typing mistakes, and a week around year 1 or 9999 would
# overflow date arithmetic; such a request falls back to today like any malformed one.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _parse(value: str | None, fmt: str) -> date | None:
    try:
        parsed = datetime.strptime(value or "", fmt).date()
    except ValueError:
        return None
    return parsed if FIRST_YEAR <= parsed.year <= LAST_YEAR else None


def _calendar_url(**params) -> str:
    return f"{reverse('editorial:calendar')}?{urlencode(params)}"


def _month_url(day: date) -> str | None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return _calendar_url(view=MONTH, month=f"{day:%Y-%m}")


def _week_url(day: date) -> str | None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return _calendar_url(view=WEEK, date=day.isoformat())


@require_GET
def calendar(request):
    """Month (?view=month&month=2026-05) or week (?view=week&date=2026-05-14); anything
    malformed shows the period around today."""
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    today = timezone.localdate()
    view = request.GET.get("view")
    if view not in (MONTH, WEEK):
        view = MONTH

    if view == WEEK:
        anchor = _parse(request.GET.get("date"), "%Y-%m-%d") or today
        start = week_start(anchor)
        end = start + timedelta(days=6)
        month = None
        heading = _("الأسبوع من %(start)s إلى %(end)s") % {
            "start": format_date(start),
            "end": format_date(end),
        }
        previous_url, next_url = _week_url(start - timedelta(days=7)), _week_url(end + timedelta(days=1))
        other_view_url = _month_url(anchor)
    else:
        anchor = (
            _parse(request.GET.get("month"), "%Y-%m") or _parse(request.GET.get("date"), "%Y-%m-%d") or today
        )
        first = anchor.replace(day=1)
        last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
        start = week_start(first)
        end = week_start(last) + timedelta(days=6)
        month = first.month
        heading = format_month(first)
        previous_url = _month_url(first - timedelta(days=1))
        next_url = _month_url(last + timedelta(days=1))
        # The week worth opening: this week when it is in the month, else the month's first.
        other_view_url = _week_url(today if first <= today <= last else first)

    days = calendar_days(start=start, end=end, user=request.user, month=month)
    context = {
        **admin.site.each_context(request),
        "title": _("تقويم التحرير"),
        "heading": heading,
        "view": view,
        "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
        "weekday_names": WEEKDAY_NAMES,
        "previous_url": previous_url,
        "next_url": next_url,
        "today_url": _calendar_url(view=view),
        "other_view_url": other_view_url,
        "can_reschedule": request.user.has_perm(PUBLISH),
        # Browsers keep the pickers from offering a past moment; the service refuses one anyway.
        "min_when": f"{timezone.localtime():%Y-%m-%dT%H:%M}",
        "min_day": today.isoformat(),
        "article_opts": Article._meta,
    }
    return TemplateResponse(request, "editorial/calendar.html", context)


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("editorial:calendar")


def _report(request, errors: list[str]) -> None:
    messages.error(request, "؛ ".join(errors))


@require_POST
def reschedule(request, pk: int):
    # Checked before the form is read, so a writer's crafted request is a 403 whatever it holds.
    if not request.user.has_perm(PUBLISH):
        raise PermissionDenied
    article = get_object_or_404(Article, pk=pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        _report(request, form.errors["when"])
        return _back(request)
    when = form.cleaned_data["when"]
    try:
        article_reschedule(article=article, user=request.user, when=when)
    except ValidationError as error:
        _report(request, error.messages)
    else:
        messages.success(
            request,
            _("«%(title)s»: موعد نشره الآن %(day)s الساعة %(time)s.")
            % {
                "title": article.title,
                "day": format_date(when),
                "time": f"{timezone.localtime(when):%H:%M}",
            },
        )
    return _back(request)


@require_POST
def replan(request, pk: int):
    if not request.user.has_perm(PUBLISH):
        raise PermissionDenied
    article = get_object_or_404(Article, pk=pk)
    form = ReplanForm(request.POST)
    if not form.is_valid():
        _report(request, form.errors["day"])
        return _back(request)
    day = form.cleaned_data["day"]
    try:
        article_replan(article=article, user=request.user, day=day)
    except ValidationError as error:
        _report(request, error.messages)
    else:
        messages.success(
            request,
            _("«%(title)s»: مخطط الآن ليوم %(day)s.") % {"title": article.title, "day": format_date(day)},
        )
    return _back(request)
