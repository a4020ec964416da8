"""A small judged query set over the demo content (articles/management/commands/load_demo.py).

Each query is typed as a reader would (no hamza, ه for ة, with or without ال), and judged by
hand: the forms listed are the words of the demo's text that answer it. An article is relevant
when its title, lead or body holds one of those forms. bench/search_judged.py measures the
configurations against it; tests/test_search.py checks the site's search finds them.
"""

# (query, the forms in the text that answer it)
JUDGED = [
    ("المشفى", ["مشفى", "مشافي", "المشافي"]),
    ("عسكريه", ["عسكرية", "العسكري"]),
    ("الغارات", ["غارات"]),
    ("مدني", ["مدنيون", "المدنيين", "مدنيين", "مدنيا", "والمدنيين"]),
    ("التحالف", ["التحالف", "للتحالف"]),
    ("الطيران", ["طيران"]),
    ("اطفال", ["الأطفال", "والأطفال"]),
    ("الفصائل", ["فصائل"]),
    ("اسلحه", ["أسلحة"]),
    ("قصف", ["قصف", "قصفه"]),
    ("العراق", ["العراقي", "عراقي"]),
    ("مجزره", ["مجزرة"]),
    ("المعارك", ["معاركها", "المعارك"]),
    ("شاحنة", ["شاحنات"]),
    ("سيطره", ["سيطرة", "لسيطرة"]),
    ("المعارضه", ["المعارضة"]),
    ("استهداف", ["استهداف", "باستهداف", "استهدافه"]),
    ("هجمات", ["هجماته", "الهجمات"]),
    ("الجيش", ["جيش", "الجيش"]),
    ("مصادر محليه", ["مصادر محلية"]),
    ('"دير الزور"', ["دير الزور"]),
    ("ناشطين", ["لنشطاء"]),
    ("قتلى", ["قتل", "قتلوا"]),
]
