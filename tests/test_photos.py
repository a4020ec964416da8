"""The photo library: what is refused at upload, what is kept of a photo, renditions, pages."""

import io
import struct
import zlib
from unittest import mock

from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles.models import Article
from photos import models as photo_models
from photos.body import keep_library_photos
from photos.models import Photo

from .factories import (
    image_upload,
    inline_management_data,
    make_article,
    make_photo,
    make_section,
    make_user,
)

ADD_URL = reverse("admin:photos_photo_add")
CHANGELIST_URL = reverse("admin:photos_photo_changelist")
PICKER_URL = reverse("admin:photos_photo_picker")

SERIAL = "CAMERA-SERIAL-4242"
GPS_IFD = 0x8825
BODY_SERIAL = 0xA431
ORIENTATION = 0x0112
MAKE = 0x010F


def photo_with_metadata(*, size=(200, 100), orientation: int | None = None, fmt="JPEG") -> bytes:
    """A picture as a phone leaves it: GPS position, camera serial, XMP, and maybe an
    orientation tag. Left half red, right half blue, so a rotation shows."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[BODY_SERIAL] = SERIAL
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (33.0, 30.0, 0.0), 3: "E", 4: (36.0, 18.0, 0.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description GPSLatitude="33,30N"/></x:xmpmeta>'
    image.save(buffer, format=fmt, exif=exif, xmp=xmp)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header claims `width` × `height`: a decompression bomb's
    calling card, without the gigabytes."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def assert_no_metadata(test, data: bytes):
    image = Image.open(io.BytesIO(data))
    test.assertEqual(dict(image.getexif()), {})
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
        test.assertNotIn(key, image.info)
    for trace in (SERIAL.encode(), b"PhoneMaker", b"Exif\x00\x00", b"xmpmeta", b"GPSLatitude"):
        test.assertNotIn(trace, data)


class StaffTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(is_superuser=True)

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, content: bytes, name="photo.jpg", **fields):
        data = {"caption": "", "credit": "", "alt_text": "", "taken_on": "", **fields}
        data["image"] = SimpleUploadedFile(name, content, content_type="image/jpeg")
        return self.client.post(ADD_URL, data)

    def assertRefused(self, response, message):
        # The form again, with the reason in Arabic: never a 500, never a half-saved photo.
        self.assertEqual(response.status_code, 200)
        errors = response.context["adminform"].form.errors
        self.assertEqual(list(errors), ["image"])
        self.assertIn(message, errors["image"][0])
        self.assertContains(response, message)
        self.assertFalse(Photo.objects.exists())


class UploadValidationTests(StaffTestCase):
    def test_text_named_jpg_is_refused(self):
        self.assertRefused(self.upload(b"this is not an image at all"), "الملف ليس صورة يمكن قراءتها")

    def test_html_named_jpg_is_refused(self):
        self.assertRefused(self.upload(b"<svg onload=alert(1)></svg>"), "الملف ليس صورة")

    def test_gif_is_refused_by_content_even_named_jpg(self):
        self.assertRefused(self.upload(image_upload(fmt="GIF").read()), "الملف ليس صورة")

    @override_settings(PHOTO_MAX_BYTES=1024 * 1024)
    def test_file_over_the_byte_limit_is_refused(self):
        big = image_upload(size=(3000, 3000)).read() + b"\0" * (1024 * 1024)
        self.assertRefused(self.upload(big), "حجم الملف أكبر من 1 ميغابايت")

    def test_picture_over_the_pixel_limit_is_refused_before_decoding(self):
        # 8000 × 6000 = 48 megapixels, over our 40, under Pillow's own warning threshold.
        bomb = png_declaring(8000, 6000)
        with mock.patch.object(Image.Image, "load", side_effect=AssertionError("decoded")):
            response = self.upload(bomb, name="bomb.jpg")
        self.assertRefused(response, "أبعاد الصورة كبيرة جداً: الحد 40 ميغابكسل")

    def test_decompression_bomb_pillow_itself_refuses_is_a_form_error_too(self):
        self.assertRefused(self.upload(png_declaring(100_000, 100_000)), "أبعاد الصورة كبيرة جداً")

    def test_truncated_file_is_refused(self):
        data = photo_with_metadata(size=(800, 600))
        self.assertRefused(self.upload(data[: len(data) // 2]), "الصورة تالفة أو ناقصة")

    def test_good_photo_is_saved_with_who_uploaded_it(self):
        response = self.upload(image_upload(size=(1200, 800)).read(), caption="أطفال في مخيم")
        self.assertRedirects(response, CHANGELIST_URL)
        photo = Photo.objects.get()
        self.assertEqual(photo.uploaded_by, self.editor)
        self.assertEqual((photo.width, photo.height), (1200, 800))
        self.assertEqual(photo.caption, "أطفال في مخيم")


class MetadataTests(StaffTestCase):
    def test_exif_gps_serial_and_xmp_are_gone_from_every_stored_file(self):
        self.assertRedirects(self.upload(photo_with_metadata(size=(700, 400))), CHANGELIST_URL)
        photo = Photo.objects.get()
        names = [photo.image.name, *(r["name"] for r in photo.renditions)]
        self.assertEqual(len(names), 1 + 6)  # original, then 320, 640, 700 in WebP and JPEG
        for name in names:
            with self.subTest(name=name), default_storage.open(name) as stored:
                assert_no_metadata(self, stored.read())

    def test_png_text_chunks_are_gone(self):
        self.assertRedirects(self.upload(photo_with_metadata(fmt="PNG"), name="graphic.png"), CHANGELIST_URL)
        photo = Photo.objects.get()
        self.assertTrue(photo.image.name.endswith(".png"))
        with default_storage.open(photo.image.name) as stored:
            assert_no_metadata(self, stored.read())

    def test_orientation_is_applied_before_stripping(self):
        # Orientation 6: the camera was turned; shown upright, the picture is 100 wide, 200 high
        # and what was the left (red) half is now on top.
        self.assertRedirects(self.upload(photo_with_metadata(orientation=6)), CHANGELIST_URL)
        photo = Photo.objects.get()
        self.assertEqual((photo.width, photo.height), (100, 200))
        with default_storage.open(photo.image.name) as stored:
            image = Image.open(stored)
            image.load()
        self.assertEqual(image.size, (100, 200))
        top, bottom = image.getpixel((50, 20)), image.getpixel((50, 180))
        self.assertGreater(top[0], 200)
        self.assertLess(top[2], 60)
        self.assertGreater(bottom[2], 200)
        self.assertLess(bottom[0], 60)

    def test_photo_saved_outside_the_admin_is_cleaned_too(self):
        photo = make_photo(SimpleUploadedFile("x.jpg", photo_with_metadata()))
        with default_storage.open(photo.image.name) as stored:
            assert_no_metadata(self, stored.read())


class RenditionTests(TestCase):
    def test_widths_stop_at_the_original_never_upscaled(self):
        cases = [
            ((2400, 1600), [320, 640, 1024, 1600]),
            ((1600, 900), [320, 640, 1024, 1600]),
            ((900, 600), [320, 640, 900]),
            ((200, 100), [200]),
        ]
        for size, widths in cases:
            with self.subTest(size=size):
                photo = make_photo(image_upload(size=size))
                self.assertEqual([r.width for r in photo.rendition_list("webp")], widths)
                self.assertEqual([r.width for r in photo.rendition_list("jpg")], widths)
                for rendition in photo.renditions:
                    with default_storage.open(rendition["name"]) as stored:
                        image = Image.open(stored)
                        self.assertEqual(image.size, (rendition["width"], rendition["height"]))
                        self.assertEqual(image.format, {"webp": "WEBP", "jpg": "JPEG"}[rendition["ext"]])

    def test_aspect_ratio_is_kept(self):
        photo = make_photo(image_upload(size=(2000, 1000)))
        self.assertEqual(
            [(r.width, r.height) for r in photo.rendition_list("jpg")][:2], [(320, 160), (640, 320)]
        )

    def test_renditions_are_made_once_not_on_each_page_view(self):
        article = make_article(photo=image_upload(size=(1200, 800)))
        files = sorted(default_storage.listdir(f"photos/renditions/{article.featured_photo_id}")[1])
        with mock.patch.object(
            photo_models, "encode_rendition", wraps=photo_models.encode_rendition
        ) as encode:
            for _ in range(2):
                self.assertContains(self.client.get(article.get_absolute_url()), "<picture>")
                self.assertContains(self.client.get(article.section.get_absolute_url()), "<picture>")
        encode.assert_not_called()
        self.assertEqual(
            sorted(default_storage.listdir(f"photos/renditions/{article.featured_photo_id}")[1]), files
        )

    def test_a_photo_without_renditions_gets_them_on_first_view_only(self):
        # As the data migration leaves the photos it moved into the library.
        article = make_article(photo=image_upload(size=(700, 400)))
        Photo.objects.filter(pk=article.featured_photo_id).update(renditions=[])
        with mock.patch.object(
            photo_models, "encode_rendition", wraps=photo_models.encode_rendition
        ) as encode:
            self.client.get(article.get_absolute_url())
            self.assertEqual(encode.call_count, 6)
            self.client.get(article.get_absolute_url())
            self.assertEqual(encode.call_count, 6)
        self.assertEqual(len(Photo.objects.get(pk=article.featured_photo_id).renditions), 6)


class PictureMarkupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("المنطقة الشرقية")
        cls.older = make_article(
            "خبر أقدم", section=cls.section, photo=image_upload(size=(1600, 900)), photo_alt="شاحنات على طريق"
        )
        cls.lead = make_article("الخبر الأحدث", section=cls.section, photo=image_upload(size=(1000, 500)))

    def test_article_lead_photo_has_srcset_size_and_high_priority(self):
        response = self.client.get(self.lead.get_absolute_url())
        photo = self.lead.featured_photo
        jpegs = ", ".join(f"{r.url} {r.width}w" for r in photo.rendition_list("jpg"))
        self.assertContains(
            response,
            f'<img src="{photo.url(1024)}" srcset="{jpegs}" sizes="(max-width: 992px) 100vw, 800px" alt=""'
            ' width="1000" height="500" fetchpriority="high" decoding="async">',
        )
        # Nothing above the fold waits for lazy loading.
        main_photo = (
            response.content.decode().split('<figure class="article-photo">')[1].split("</figure>")[0]
        )
        self.assertNotIn('loading="lazy"', main_photo)

    def test_list_cards_are_lazy_with_width_and_height(self):
        response = self.client.get(self.section.get_absolute_url())
        photo = self.older.featured_photo
        webp = ", ".join(f"{r.url} {r.width}w" for r in photo.rendition_list("webp"))
        self.assertContains(response, f'<source type="image/webp" srcset="{webp}"')
        self.assertContains(
            response,
            'alt="شاحنات على طريق" width="1600" height="900" loading="lazy" decoding="async"></picture>',
        )

    def test_home_lead_story_is_fetched_first_and_cards_lazily(self):
        response = self.client.get(reverse("home"))
        self.assertContains(response, 'class="lead-story-photo"')
        self.assertContains(response, 'width="1000" height="500" fetchpriority="high"')
        self.assertContains(response, 'width="1600" height="900" loading="lazy"')

    def test_graphic_photo_stays_blurred_behind_its_warning(self):
        article = make_article(photo=image_upload(), photo_is_graphic=True)
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, '<div class="photo-frame is-graphic" data-graphic-photo tabindex="-1">')
        frame = response.content.decode().split("is-graphic")[1].split("</figure>")[0]
        self.assertIn("<picture>", frame)


class BodyPhotoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.photo = make_photo(
            image_upload(size=(1200, 800)), caption="مخيم الهول", credit="وكالة محلية", alt_text="خيام"
        )

    def figure(self, photo_id, src="https://evil.example/x.jpg", alt="خيام بيضاء"):
        return (
            f'<p>قبل</p><figure class="figure"><img src="{src}" alt="{alt}" data-file="{photo_id}">'
            f"<figcaption>تعليق المحرر</figcaption></figure><p>بعد</p>"
        )

    def test_library_photo_is_kept_with_our_own_url(self):
        article = make_article(body=self.figure(self.photo.pk))
        self.assertIn(
            f'<img src="{self.photo.url(1024)}" alt="خيام بيضاء" data-file="{self.photo.pk}">', article.body
        )
        self.assertNotIn("evil.example", article.body)

    def test_external_images_never_survive(self):
        for body in (
            '<p>x</p><img src="https://evil.example/track.gif">',
            '<figure><img src="https://evil.example/a.jpg" alt="a"><figcaption>c</figcaption></figure>',
            self.figure(999999),  # a photo id that is not in the library
            self.figure("1 onerror=alert(1)"),
        ):
            with self.subTest(body=body):
                article = make_article(body=body)
                self.assertNotIn("<img", article.body)
                self.assertNotIn("evil.example", article.body)
                self.assertNotIn("<figure", article.body)

    def test_src_is_always_rewritten_from_the_photo(self):
        article = make_article(body=f'<img src="javascript:alert(1)" data-file="{self.photo.pk}">')
        expected = f'<img src="{self.photo.url(1024)}" alt="" data-file="{self.photo.pk}">'
        self.assertEqual(article.body, expected)

    def test_sanitiser_still_strips_scripts_and_event_handlers(self):
        body = self.figure(self.photo.pk, alt='x" onerror="alert(1)') + "<script>alert(1)</script>"
        article = make_article(body=body)
        self.assertNotIn("<script", article.body)
        self.assertNotIn('onerror="', article.body)

    def test_reader_gets_a_picture_with_caption_and_credit(self):
        article = make_article(body=self.figure(self.photo.pk))
        response = self.client.get(article.get_absolute_url())
        jpegs = ", ".join(f"{r.url} {r.width}w" for r in self.photo.rendition_list("jpg"))
        self.assertContains(response, '<figure class="body-photo"><picture>')
        self.assertContains(
            response,
            f'srcset="{jpegs}" sizes="(max-width: 992px) 100vw, 800px" alt="خيام بيضاء" width="1200"',
        )
        self.assertContains(response, 'height="800" loading="lazy" decoding="async"></picture>')
        self.assertContains(
            response,
            '<figcaption><span dir="auto">تعليق المحرر</span> '
            '<span class="photo-credit">تصوير: <bdi>وكالة محلية</bdi></span></figcaption>',
        )
        self.assertContains(response, "<p>قبل</p>")
        self.assertContains(response, "<p>بعد</p>")

    def test_photo_deleted_since_leaves_no_broken_image(self):
        other = make_photo()
        article = make_article(body=self.figure(other.pk))
        other.delete()
        response = self.client.get(article.get_absolute_url())
        self.assertNotContains(response, "body-photo")
        self.assertContains(response, "<p>بعد</p>")

    def test_body_photos_cost_one_query_however_many(self):
        def page_queries(article):
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)
            return len(queries)

        photos = [make_photo() for _ in range(4)]
        one = make_article(body=self.figure(photos[0].pk))
        many = make_article(body="".join(self.figure(photo.pk) for photo in photos))
        self.assertEqual(page_queries(many), page_queries(one))

    def test_keep_library_photos_leaves_a_body_without_images_alone(self):
        with self.assertNumQueries(0):
            self.assertEqual(keep_library_photos("<p>نص</p>"), "<p>نص</p>")

    def test_admin_form_saves_a_picked_photo(self):
        editor = make_user(is_superuser=True)
        self.client.force_login(editor)
        section = make_section()
        response = self.client.post(
            reverse("admin:articles_article_add"),
            {
                "title": "خبر بصورة في النص",
                "slug": "",
                "lead": "مقدمة",
                "body": self.figure(self.photo.pk, src="/media/anything.jpg"),
                "section": section.pk,
                "new_tags": "",
                "featured_photo": "",
                "pub_date_0": "2025-03-01",
                "pub_date_1": "10:30:00",
                "_save": "حفظ",
                **inline_management_data(),
            },
        )
        self.assertEqual(response.status_code, 302)
        article = Article.objects.get(title="خبر بصورة في النص")
        self.assertIn(f'data-file="{self.photo.pk}"', article.body)
        self.assertIn(f'src="{self.photo.url(1024)}"', article.body)

    def test_editor_offers_the_library_picker(self):
        self.client.force_login(make_user(is_superuser=True))
        response = self.client.get(reverse("admin:articles_article_add"))
        self.assertContains(response, "pickerUrl")
        self.assertContains(response, PICKER_URL)


class PhotoAdminTests(StaffTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.children = make_photo(caption="أطفال في مخيم الهول", credit="مراسلنا", alt_text="أطفال")
        cls.trucks = make_photo(caption="شاحنات على طريق دير الزور", credit="وكالة")

    def test_changelist_shows_thumbnails(self):
        response = self.client.get(CHANGELIST_URL)
        self.assertContains(
            response,
            f'<img src="{self.children.thumbnail_url}" alt="أطفال" width="96" height="54" loading="lazy"',
        )
        self.assertTrue(self.children.thumbnail_url.endswith(".jpg"))

    def test_search_matches_arabic_spelled_either_way(self):
        for query in ("اطفال", "أطفال", "أَطْفال", "مخيم الهول", "مراسلنا"):
            with self.subTest(query=query):
                response = self.client.get(CHANGELIST_URL, {"q": query})
                self.assertEqual(list(response.context["cl"].result_list), [self.children])

    def test_change_page_shows_preview_and_size(self):
        response = self.client.get(reverse("admin:photos_photo_change", args=[self.trucks.pk]))
        self.assertContains(response, f'<img src="{self.trucks.thumbnail_url}"')
        self.assertContains(response, "800 × 450")

    def test_picker_lists_and_searches_the_library(self):
        response = self.client.get(PICKER_URL, {"CKEditorFuncNum": "-1"})
        self.assertContains(response, 'data-callback="-1"')
        self.assertContains(response, f'data-id="{self.children.pk}"')
        self.assertContains(response, f'data-id="{self.trucks.pk}"')
        response = self.client.get(PICKER_URL, {"CKEditorFuncNum": "-1", "q": "شاحنات"})
        self.assertNotContains(response, f'data-id="{self.children.pk}"')
        self.assertContains(response, f'data-id="{self.trucks.pk}"')
        self.assertContains(response, f'data-url="{self.trucks.thumbnail_url}"')

    def test_picker_is_for_staff_with_permission_only(self):
        self.client.logout()
        self.assertEqual(self.client.get(PICKER_URL).status_code, 302)
        self.client.force_login(make_user())
        self.assertEqual(self.client.get(PICKER_URL).status_code, 403)
        viewer = make_user()
        viewer.user_permissions.add(Permission.objects.get(codename="view_photo"))
        self.client.force_login(viewer)
        self.assertEqual(self.client.get(PICKER_URL).status_code, 200)

    def test_article_picks_its_photo_from_a_popup_with_search(self):
        response = self.client.get(reverse("admin:articles_article_add"))
        self.assertContains(response, 'id="id_featured_photo" class="vForeignKeyRawIdAdminField"')
        popup = self.client.get(CHANGELIST_URL, {"_to_field": "id", "_popup": "1", "q": "اطفال"})
        self.assertContains(popup, self.children.thumbnail_url)
        self.assertNotContains(popup, self.trucks.thumbnail_url)


class PhotoDeletionTests(TestCase):
    def files_of(self, photo) -> list[str]:
        return [photo.image.name, *(rendition["name"] for rendition in photo.renditions)]

    def test_deleting_a_photo_removes_its_original_and_renditions(self):
        photo = make_photo()
        names = self.files_of(photo)
        self.assertGreater(len(names), 2)
        self.assertTrue(all(default_storage.exists(name) for name in names))
        with self.captureOnCommitCallbacks(execute=True):
            photo.delete()
        self.assertEqual([name for name in names if default_storage.exists(name)], [])

    def test_files_stay_until_the_deletion_commits(self):
        photo = make_photo()
        names = self.files_of(photo)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            photo.delete()
        self.assertTrue(all(default_storage.exists(name) for name in names))
        # The commit is what removes them.
        for callback in callbacks:
            callback()
        self.assertFalse(any(default_storage.exists(name) for name in names))

    def test_an_original_another_photo_names_is_kept(self):
        photo = make_photo()
        twin = Photo.objects.create(image=photo.image.name, width=photo.width, height=photo.height)
        with self.captureOnCommitCallbacks(execute=True):
            photo.delete()
        self.assertTrue(default_storage.exists(twin.image.name))
        self.assertFalse(any(default_storage.exists(r["name"]) for r in photo.renditions))
