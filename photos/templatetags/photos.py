from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def picture(photo, *, sizes: str, alt=None, css_class: str = "", lead: bool = False):
    """{% picture photo sizes="(max-width: 992px) 100vw, 800px" %}: the photo as <picture>,
    WebP with a JPEG fallback, every rendition in srcset, width and height set so the page does
    not move when it arrives. `lead` marks the page's main photo: fetched first, not lazily.
    Renders nothing when the photo has no usable rendition (its file has gone missing)."""
    if photo is None:
        return ""
    jpegs = photo.rendition_list("jpg")
    if not jpegs:
        return ""
    largest = jpegs[-1]
    fallback = next((r for r in jpegs if r.width >= 1024), largest)
    return render_to_string(
        "photos/picture.html",
        {
            "webp": photo.rendition_list("webp"),
            "jpegs": jpegs,
            "fallback": fallback,
            "width": largest.width,
            "height": largest.height,
            "sizes": sizes,
            "alt": photo.alt_text if alt is None else alt,
            "css_class": css_class,
            "lead": lead,
        },
    )
