from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


class StrictPageSizeMixin:
    """A page_size that is not a whole number in range is refused, not silently replaced."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = int(raw) if raw.isdecimal() else 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [_("عدد صحيح من 1 إلى %(max)s.") % {"max": self.max_page_size}]}
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
            elif parameter["name"] == getattr(self, "page_query_param", None):
                parameter["schema"]["minimum"] = 1
        return parameters


class ArticleCursorPagination(StrictPageSizeMixin, CursorPagination):
    """Newest first, by position rather than page number: a story published while a client
    walks the list does not shift the next page and repeat an article."""

    page_size = 20
    ordering = ("-pub_date", "-id")

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None

    def query_param_names(self) -> set[str]:
        return {self.cursor_query_param, self.page_size_query_param}


class PagePagination(StrictPageSizeMixin, PageNumberPagination):
    page_size = 20

    def query_param_names(self) -> set[str]:
        return {self.page_query_param, self.page_size_query_param}
