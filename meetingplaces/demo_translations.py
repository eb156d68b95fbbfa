"""Translations of the demo city's place texts (demo_data.py holds the German originals).

Nordstadt with the Alte Feuerwache and its rooms, Ostersbaum with the Nachbarschaftsheim and its
rooms, and the two organisations at home there are translated into every interface language, so
that a visitor of these pages reads no German paragraph. The other places stay German on purpose:
they show the fallback ("in German").
"""

# (kind, slug) -> {language: {field: text}}
PLACE_TRANSLATIONS: dict[tuple[str, str], dict[str, dict[str, str]]] = {
    ("quarter", "nordstadt"): {
        "en": {"description": (
            "A quarter of Elberfeld close to the city centre, with a quarter management for the "
            "integration of refugees since August 2016. In the Alte Feuerwache a café is being "
            "set up as a meeting place with advice and (psycho-)social support.")},
        "ar": {"description": (
            "حيّ في إلبرفيلد قريب من وسط المدينة، فيه منذ آب/أغسطس 2016 إدارة للحيّ تعمل على "
            "اندماج اللاجئين. في «ألته فويرفاخه» (مركز الإطفاء القديم) يُجهَّز مقهى ليكون مكانًا "
            "للقاء، مع استشارات ورعاية اجتماعية ونفسية.")},
        "fa": {"description": (
            "محله‌ای در البرفلد نزدیک مرکز شهر که از اوت ۲۰۱۶ مدیریت محله برای ادغام پناهجویان "
            "دارد. در «آلته فویرواخه» (ایستگاه آتش‌نشانی قدیمی) کافه‌ای به‌عنوان محل دیدار با "
            "مشاوره و حمایت اجتماعی و روانی راه‌اندازی می‌شود.")},
        "uk": {"description": (
            "Квартал в Ельберфельді поблизу центру міста; з серпня 2016 року тут працює "
            "менеджмент кварталу для інтеграції біженців. У «Альте Фоєрваше» (старій пожежній "
            "частині) облаштовують кафе як місце зустрічей з консультаціями та "
            "(психо)соціальною підтримкою.")},
        "tr": {"description": (
            "Elberfeld'de şehir merkezine yakın bir mahalle; Ağustos 2016'dan beri mültecilerin "
            "uyumu için bir mahalle yönetimi var. Alte Feuerwache'de (eski itfaiye binası) "
            "danışmanlık ve psikososyal destek sunan bir buluşma kafesi kuruluyor.")},
    },
    ("quarter", "ostersbaum"): {
        "en": {"description": (
            "A densely built quarter of Elberfeld, with an additional quarter management for the "
            "integration of refugees since August 2016. For many years the Nachbarschaftsheim "
            "has been the place to go for people with and without a migration background.")},
        "ar": {"description": (
            "حيّ مكتظ بالمباني في إلبرفيلد، فيه منذ آب/أغسطس 2016 إدارة إضافية للحيّ تعمل على "
            "اندماج اللاجئين. بيت الجيرة (ناخبارشافتسهايم) هنا منذ سنوات طويلة مقصدٌ للناس من "
            "أصول مهاجرة وغير مهاجرة.")},
        "fa": {"description": (
            "محله‌ای پرساخت‌وساز در البرفلد که از اوت ۲۰۱۶ یک مدیریت محله‌ی اضافی برای ادغام "
            "پناهجویان دارد. خانه‌ی همسایگی (ناخبارشافتس‌هایم) سال‌هاست که محل مراجعه‌ی مردم با "
            "پیشینه‌ی مهاجرت و بدون آن است.")},
        "uk": {"description": (
            "Щільно забудований квартал в Ельберфельді; з серпня 2016 року тут додатково працює "
            "менеджмент кварталу для інтеграції біженців. Будинок сусідів (Nachbarschaftsheim) "
            "уже багато років є місцем, куди звертаються люди з міграційним досвідом "
            "і без нього.")},
        "tr": {"description": (
            "Elberfeld'de sık yapılaşmış bir mahalle; Ağustos 2016'dan beri mültecilerin uyumu "
            "için ek bir mahalle yönetimi var. Komşuluk evi (Nachbarschaftsheim) uzun yıllardır "
            "göçmen kökenli olan ve olmayan insanların başvurduğu yer.")},
    },
    ("facility", "alte-feuerwache"): {
        "en": {
            "description": (
                "A social centre and a place to go for many people in the quarter. The café is a "
                "meeting place for refugees, their supporters and other social groups, with advice "
                "and (psycho-)social support."),
            "opening_notes": (
                "The café opens Monday to Friday at 2 pm. Times may differ in the school "
                "holidays."),
            "accessibility": (
                "Café and hall on the ground floor without steps, accessible toilet on the ground "
                "floor; seminar rooms on the first floor with a lift."),
        },
        "ar": {
            "description": (
                "مركز اجتماعي ومقصد لكثير من سكان الحيّ. المقهى مكان لقاء للاجئين ولمن يساندهم "
                "ولمجموعات اجتماعية أخرى، مع استشارات ورعاية اجتماعية ونفسية."),
            "opening_notes": (
                "يفتح المقهى من الاثنين إلى الجمعة الساعة 14:00. قد تختلف الأوقات في العطل "
                "المدرسية."),
            "accessibility": (
                "المقهى والقاعة في الطابق الأرضي بدون درج، ودورة مياه مهيأة لذوي الإعاقة في "
                "الطابق الأرضي؛ قاعات الدورات في الطابق الأول ويصل إليها مصعد."),
        },
        "fa": {
            "description": (
                "مرکزی اجتماعی و محل مراجعه‌ی بسیاری از مردم محله. کافه محل دیدار پناهجویان، "
                "حامیانشان و گروه‌های اجتماعی دیگر است، با مشاوره و حمایت اجتماعی و روانی."),
            "opening_notes": (
                "کافه از دوشنبه تا جمعه ساعت ۱۴ باز می‌شود. در تعطیلات مدارس ممکن است ساعت‌ها "
                "فرق کند."),
            "accessibility": (
                "کافه و سالن در طبقه‌ی همکف بدون پله‌اند و سرویس بهداشتی مناسب معلولان در همکف "
                "است؛ کلاس‌ها در طبقه‌ی اول با آسانسور."),
        },
        "uk": {
            "description": (
                "Соціальний центр, куди звертається багато людей з кварталу. Кафе — місце "
                "зустрічей для біженців, тих, хто їх підтримує, та інших соціальних груп, з "
                "консультаціями та (психо)соціальною підтримкою."),
            "opening_notes": (
                "Кафе відчиняється з понеділка по п'ятницю о 14:00. Під час шкільних канікул "
                "години можуть відрізнятися."),
            "accessibility": (
                "Кафе і зала на першому поверсі без сходинок, доступний туалет на першому "
                "поверсі; навчальні кімнати на другому поверсі, є ліфт."),
        },
        "tr": {
            "description": (
                "Mahallede pek çok insanın başvurduğu sosyal bir merkez. Kafe; mülteciler, "
                "onlara destek olanlar ve diğer sosyal gruplar için danışmanlık ve psikososyal "
                "destek sunan bir buluşma yeri."),
            "opening_notes": (
                "Kafe pazartesiden cumaya saat 14.00'te açılır. Okul tatillerinde saatler "
                "değişebilir."),
            "accessibility": (
                "Kafe ve salon zemin katta, basamaksız; zemin katta engelli tuvaleti var. "
                "Seminer odaları birinci katta, asansörle ulaşılır."),
        },
    },
    ("resource", "alte-feuerwache-cafe"): {
        "en": {"description": "Meeting café on the ground floor for language cafés, "
                              "neighbourhood meetings and advice hours."},
        "ar": {"description": "مقهى لقاء في الطابق الأرضي لمقاهي اللغة ولقاءات الجيران "
                              "وساعات الاستشارة."},
        "fa": {"description": "کافه‌ی دیدار در طبقه‌ی همکف برای کافه‌های زبان، دیدارهای "
                              "همسایگی و ساعت‌های مشاوره."},
        "uk": {"description": "Кафе зустрічей на першому поверсі для мовних кафе, сусідських "
                              "зустрічей і годин консультацій."},
        "tr": {"description": "Zemin katta dil kafeleri, komşu buluşmaları ve danışma saatleri "
                              "için buluşma kafesi."},
    },
    ("resource", "alte-feuerwache-seminarraum"): {
        "en": {"description": "Room for language and integration courses on the first floor, "
                              "next door to the children's room."},
        "ar": {"description": "قاعة لدورات اللغة والاندماج في الطابق الأول، بجوار غرفة "
                              "الأطفال مباشرة."},
        "fa": {"description": "اتاق کلاس‌های زبان و ادغام در طبقه‌ی اول، درست کنار اتاق کودکان."},
        "uk": {"description": "Кімната для мовних та інтеграційних курсів на другому поверсі, "
                              "двері в двері з дитячою кімнатою."},
        "tr": {"description": "Birinci katta dil ve uyum kursları için oda, çocuk odasının hemen "
                              "yanında."},
    },
    ("resource", "alte-feuerwache-kinderzimmer"): {
        "en": {"description": "Room next to the seminar room where children are looked after "
                              "during language courses."},
        "ar": {"description": "غرفة بجوار قاعة الدورات لرعاية الأطفال أثناء دورات اللغة."},
        "fa": {"description": "اتاقی کنار کلاس برای نگهداری از کودکان در زمان کلاس‌های زبان."},
        "uk": {"description": "Кімната поруч із навчальною, де доглядають дітей під час "
                              "мовних курсів."},
        "tr": {"description": "Seminer odasının yanında, dil kursları sırasında çocuklara "
                              "bakılan oda."},
    },
    ("resource", "alte-feuerwache-halle"): {
        "en": {"description": "Former vehicle hall for parties, sport and film nights."},
        "ar": {"description": "قاعة المركبات السابقة للاحتفالات والرياضة وأمسيات الأفلام."},
        "fa": {"description": "سالن سابق خودروها برای جشن، ورزش و شب‌های فیلم."},
        "uk": {"description": "Колишній гараж для пожежних машин — для свят, спорту і "
                              "кіновечорів."},
        "tr": {"description": "Şenlikler, spor ve film geceleri için eski araç garajı."},
    },
    ("facility", "nachbarschaftsheim"): {
        "en": {
            "description": (
                "A neighbourhood centre with open activities for families, children and older "
                "people; a place to go for many people in the quarter, and the office of the "
                "quarter management."),
            "opening_notes": "Closed on public holidays.",
            "accessibility": "Entrance without steps, lift to every floor, accessible toilet "
                             "on the ground floor.",
        },
        "ar": {
            "description": (
                "بيت للجيرة فيه أنشطة مفتوحة للعائلات والأطفال وكبار السن؛ مقصد لكثير من سكان "
                "الحيّ ومقرّ عمل إدارة الحيّ."),
            "opening_notes": "مغلق في أيام العطل الرسمية.",
            "accessibility": "المدخل بدون درج، ومصعد إلى كل الطوابق، ودورة مياه مهيأة لذوي "
                             "الإعاقة في الطابق الأرضي.",
        },
        "fa": {
            "description": (
                "خانه‌ی همسایگی با برنامه‌های باز برای خانواده‌ها، کودکان و سالمندان؛ محل "
                "مراجعه‌ی بسیاری از مردم محله و محل کار مدیریت محله."),
            "opening_notes": "در تعطیلات رسمی بسته است.",
            "accessibility": "ورودی بدون پله، آسانسور به همه‌ی طبقه‌ها، سرویس بهداشتی مناسب "
                             "معلولان در همکف.",
        },
        "uk": {
            "description": (
                "Будинок сусідів з відкритими заходами для сімей, дітей і людей похилого віку; "
                "сюди звертається багато людей з кварталу, тут працює менеджмент кварталу."),
            "opening_notes": "У державні свята зачинено.",
            "accessibility": "Вхід без сходинок, ліфт на всі поверхи, доступний туалет на "
                             "першому поверсі.",
        },
        "tr": {
            "description": (
                "Aileler, çocuklar ve yaşlılar için açık etkinlikleri olan komşuluk evi; "
                "mahallede pek çok insanın başvurduğu yer ve mahalle yönetiminin çalışma yeri."),
            "opening_notes": "Resmî tatillerde kapalı.",
            "accessibility": "Giriş basamaksız, her kata asansör, zemin katta engelli tuvaleti.",
        },
    },
    ("resource", "nachbarschaftsheim-saal"): {
        "en": {"description": "Large hall for parties, district conferences and film nights."},
        "ar": {"description": "قاعة كبيرة للاحتفالات ومؤتمرات الحيّ وأمسيات الأفلام."},
        "fa": {"description": "سالن بزرگ برای جشن‌ها، همایش‌های محله و شب‌های فیلم."},
        "uk": {"description": "Велика зала для свят, конференцій району та кіновечорів."},
        "tr": {"description": "Şenlikler, semt konferansları ve film geceleri için büyük salon."},
    },
    ("resource", "nachbarschaftsheim-kursraum"): {
        "en": {"description": "Room for language courses on the first floor, right next to "
                              "the childcare room."},
        "ar": {"description": "قاعة لدورات اللغة في الطابق الأول، بجوار غرفة رعاية الأطفال."},
        "fa": {"description": "اتاق کلاس‌های زبان در طبقه‌ی اول، درست کنار اتاق نگهداری کودکان."},
        "uk": {"description": "Кімната для мовних курсів на другому поверсі, поруч із "
                              "кімнатою для догляду за дітьми."},
        "tr": {"description": "Birinci katta dil kursları için oda, çocuk bakım odasının hemen "
                              "yanında."},
    },
    ("resource", "nachbarschaftsheim-kinderbetreuung"): {
        "en": {"description": "Playroom next to course room 1 where children are looked after "
                              "during language courses."},
        "ar": {"description": "غرفة لعب بجوار قاعة الدورات 1 لرعاية الأطفال أثناء دورات اللغة."},
        "fa": {"description": "اتاق بازی کنار کلاس ۱ برای نگهداری از کودکان در زمان کلاس‌های "
                              "زبان."},
        "uk": {"description": "Ігрова кімната поруч із навчальною кімнатою 1, де доглядають "
                              "дітей під час мовних курсів."},
        "tr": {"description": "1 numaralı kurs odasının yanında, dil kursları sırasında "
                              "çocuklara bakılan oyun odası."},
    },
    ("resource", "nachbarschaftsheim-kueche"): {
        "en": {"description": "Teaching kitchen for cooking together and cookery courses."},
        "ar": {"description": "مطبخ تعليمي للطبخ معًا ولدورات الطبخ."},
        "fa": {"description": "آشپزخانه‌ی آموزشی برای آشپزی گروهی و کلاس‌های آشپزی."},
        "uk": {"description": "Навчальна кухня для спільного приготування їжі та кулінарних "
                              "курсів."},
        "tr": {"description": "Birlikte yemek yapmak ve yemek kursları için eğitim mutfağı."},
    },
    ("organisation", "sprachcafe-nordstadt"): {
        "en": {"description": "Volunteer refugee initiative: a weekly language café to practise "
                              "German, with childcare at the same time."},
        "ar": {"description": "مبادرة تطوعية لدعم اللاجئين: مقهى لغة أسبوعي للتدرّب على "
                              "الألمانية، مع رعاية للأطفال في الوقت نفسه."},
        "fa": {"description": "ابتکار داوطلبانه برای پناهجویان: کافه‌ی زبان هفتگی برای تمرین "
                              "آلمانی، همراه با نگهداری از کودکان در همان زمان."},
        "uk": {"description": "Волонтерська ініціатива допомоги біженцям: щотижневе мовне кафе "
                              "для практики німецької, паралельно — догляд за дітьми."},
        "tr": {"description": "Gönüllü mülteci girişimi: Almanca pratiği için haftalık dil "
                              "kafesi, aynı saatte çocuk bakımı."},
    },
    ("organisation", "kirchengemeinde-ostersbaum"): {
        "en": {"description": "A church parish with afternoon get-togethers, a clothing store "
                              "and mentors for families who have just moved here."},
        "ar": {"description": "أبرشية كنسية فيها لقاءات بعد الظهر ومخزن ملابس ورعاة للعائلات "
                              "التي وصلت حديثًا."},
        "fa": {"description": "کلیسای محله با دیدارهای بعدازظهر، انبار لباس و همراهانی برای "
                              "خانواده‌هایی که تازه به این‌جا آمده‌اند."},
        "uk": {"description": "Церковна громада з пообідніми зустрічами, пунктом видачі одягу "
                              "та наставниками для сімей, які щойно переїхали."},
        "tr": {"description": "Buluşma öğleden sonraları, giysi bağışı deposu ve yeni taşınan "
                              "ailelere destek olan gönüllü rehberleri olan bir kilise cemaati."},
    },
}
