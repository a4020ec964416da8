from django.shortcuts import get_object_or_404

from articles.views import ArticleListView

from .models import Section


class SectionDetailView(ArticleListView):
    """A section's articles, with those of its sub-sections.

    A hidden section leaves the menu and the home page, not the archive: its page and its
    articles stay reachable, so old links and breadcrumbs never break.
    """

    template_name = "sections/section_detail.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section.objects.select_related("parent"), slug=self.kwargs["slug"])
        self.children = list(self.section.children.all())
        return super().get_queryset().filter(section__in=[self.section, *self.children])

    def get_context_data(self, **kwargs):
        visible = [child for child in self.children if child.is_active]
        return super().get_context_data(section=self.section, children=visible, **kwargs)
