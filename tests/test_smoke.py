from django.test import TestCase


class HomePageTests(TestCase):
    def test_home_is_arabic_rtl(self):
        response = self.client.get("/")
        self.assertContains(response, '<html lang="ar" dir="rtl">')
