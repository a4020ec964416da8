from django import template

from serving.fragments import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, parts: list):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context):
        request = context.get("request")
        # A POST's page shows that reader's form and its errors: never kept, never reused.
        if request is None or request.method not in ("GET", "HEAD"):
            return self.nodelist.render(context)
        key = "|".join(["fragment", self.name, *(str(part.resolve(context)) for part in self.parts)])
        return fragments.get_or_build(key, lambda: self.nodelist.render(context))


@register.tag
def fragment(parser, token):
    """{% fragment "name" part… %}…{% endfragment %}: the content rendered once per content
    generation for each set of parts (serving/fragments.py). The parts must name everything
    the content depends on beyond the published news: a context variable left out of them
    is shown to every reader as the first reader had it."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]])
