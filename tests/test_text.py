from django.test import SimpleTestCase

from newsroom.text import LEVANTINE_MONTHS, arabic_slugify, contains_phrase, fold


class FoldTests(SimpleTestCase):
    def test_removes_harakat_and_superscript_alef(self):
        self.assertEqual(fold("مُحَمَّدٌ"), "محمد")
        self.assertEqual(fold("هٰذا"), "هذا")

    def test_removes_tatweel(self):
        self.assertEqual(fold("عاجـــل"), "عاجل")

    def test_alef_forms_become_bare_alef(self):
        self.assertEqual(fold("أحمد إدلب آب ٱلرقة"), "احمد ادلب اب الرقة")

    def test_alef_maqsura_becomes_ya(self):
        self.assertEqual(fold("على مستشفى"), "علي مستشفي")

    def test_persian_letters_become_arabic(self):
        self.assertEqual(fold("کرکوک ی"), "كركوك ي")

    def test_arabic_indic_and_persian_digits_become_ascii(self):
        self.assertEqual(fold("دير الزور ٢٤"), "دير الزور 24")
        self.assertEqual(fold("۱۹۹۸"), "1998")

    def test_removes_invisible_joiners_and_direction_marks(self):
        for mark in ("\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u202b", "\u2067"):
            with self.subTest(mark=f"U+{ord(mark):04X}"):
                self.assertEqual(fold(f"سا{mark}نا"), "سانا")

    def test_presentation_forms_become_plain_letters(self):
        # "ﻻ" (lam-alef ligature) is what some PDFs and old sites paste.
        self.assertEqual(fold("ﻻ"), "لا")

    def test_leaves_plain_text_and_spacing_alone(self):
        self.assertEqual(fold("دير الزور، سوريا."), "دير الزور، سوريا.")

    def test_folded_month_names_are_distinct(self):
        self.assertEqual(len({fold(name) for name in LEVANTINE_MONTHS}), 12)


class ArabicSlugifyTests(SimpleTestCase):
    def test_keeps_arabic_words_joined_by_hyphens(self):
        self.assertEqual(arabic_slugify("التحالف الدولي يرسل تعزيزات"), "التحالف-الدولي-يرسل-تعزيزات")

    def test_keeps_hamza_forms_for_readable_urls(self):
        self.assertEqual(arabic_slugify("أخبار إدلب"), "أخبار-إدلب")

    def test_drops_arabic_punctuation_and_guillemets(self):
        self.assertEqual(
            arabic_slugify("«سانا»: ماذا حدث في هجين؟ الرقة، ودير الزور"),
            "سانا-ماذا-حدث-في-هجين-الرقة-ودير-الزور",
        )

    def test_folds_arabic_indic_digits(self):
        self.assertEqual(arabic_slugify("دير الزور ٢٤"), "دير-الزور-24")

    def test_removes_tatweel_and_harakat(self):
        self.assertEqual(arabic_slugify("خبـــرٌ عاجِل"), "خبر-عاجل")

    def test_removes_invisible_marks_inside_words(self):
        self.assertEqual(arabic_slugify("سا\u200cنا \u200fاليوم"), "سانا-اليوم")

    def test_lowercases_latin(self):
        self.assertEqual(arabic_slugify("قوات SDF"), "قوات-sdf")

    def test_is_empty_for_punctuation_only(self):
        self.assertEqual(arabic_slugify("، ؟ « » ... !"), "")

    def test_cut_at_max_length_falls_between_words(self):
        slug = arabic_slugify("قوات سوريا الديمقراطية تواصل عملياتها", max_length=20)
        self.assertEqual(slug, "قوات-سوريا")

    def test_cut_never_leaves_part_of_a_word(self):
        words = "التحالف الدولي يرسل تعزيزات عسكرية جديدة لقتال تنظيم داعش في دير الزور".split()
        full = "-".join(words)
        for max_length in range(len(words[0]), len(full)):
            with self.subTest(max_length=max_length):
                slug = arabic_slugify(" ".join(words), max_length=max_length)
                self.assertLessEqual(len(slug), max_length)
                self.assertEqual(slug.split("-"), words[: len(slug.split("-"))])

    def test_cut_keeps_a_last_word_that_ends_exactly_at_max_length(self):
        self.assertEqual(arabic_slugify("دير الزور اليوم", max_length=len("دير-الزور")), "دير-الزور")

    def test_short_text_is_not_cut(self):
        self.assertEqual(arabic_slugify("دير الزور", max_length=len("دير-الزور")), "دير-الزور")


class ContainsPhraseTests(SimpleTestCase):
    def test_finds_a_whole_word(self):
        self.assertTrue(contains_phrase("ونقلت وكالة سانا عن مصادر", "سانا"))

    def test_finds_a_name_between_quotes(self):
        self.assertTrue(contains_phrase("ونقلت وكالة “سانا” عن مصادر", "سانا"))
        self.assertTrue(contains_phrase("شبكة “دير الزور 24″، إن", "دير الزور 24"))

    def test_ignores_a_name_inside_another_word(self):
        self.assertFalse(contains_phrase("كان إنسانا طيبا", "سانا"))
        self.assertFalse(contains_phrase("سانام", "سانا"))

    def test_digits_on_either_side_make_another_name(self):
        self.assertFalse(contains_phrase("شبكة دير الزور 245", "دير الزور 24"))

    def test_matches_across_spelling_variants(self):
        self.assertTrue(contains_phrase("وكالة أَعْمَاق التابعة للتنظيم", "اعماق"))
        self.assertTrue(contains_phrase("شبكة دير الزور ٢٤", "دير الزور 24"))
        self.assertTrue(contains_phrase("مصادر في ريف دير الزور", "ريف دير الزور"))

    def test_matches_at_start_and_end(self):
        self.assertTrue(contains_phrase("سانا", "سانا"))
        self.assertTrue(contains_phrase("فرات بوست: قصف على الشعفة", "فرات بوست"))

    def test_phrase_must_appear_whole(self):
        self.assertFalse(contains_phrase("مصادر في فرات اليوم", "فرات بوست"))

    def test_regex_characters_in_the_name_are_literal(self):
        self.assertTrue(contains_phrase("قال موقع (سوريا.نت) إن", "سوريا.نت"))
        self.assertFalse(contains_phrase("قال موقع سورياXنت إن", "سوريا.نت"))

    def test_blank_phrase_matches_nothing(self):
        self.assertFalse(contains_phrase("أي نص", ""))
        self.assertFalse(contains_phrase("أي نص", "  \u200f "))
