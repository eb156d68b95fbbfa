"""Demo data drawn from the seed papers (places and quarters only; no people from them)."""

# Notes on sources and guesses
# ----------------------------
# * Quarters and facility names come from the seed papers
#   (wuppertal-quartiersmanagement-2016.txt, goettingen-antrag-2018.txt).
# * The seeds name facilities but never say which quarter each one is in, nor give
#   addresses, opening hours, rooms or coordinates. Placements below are the most
#   plausible ones; addresses, coordinates, hours and rooms are plausible demo values,
#   not facts from the seeds.
# * All contact data is invented (example.org, 0202/0551 000000-x).
# * Aachen and Essen are left out: their seeds name quarters/actors but no facility.

_WEEKDAYS_9_21_SAT = {
    0: [("09:00", "21:00")],
    1: [("09:00", "21:00")],
    2: [("09:00", "21:00")],
    3: [("09:00", "21:00")],
    4: [("09:00", "21:00")],
    5: [("10:00", "18:00")],
}

CITIES = [
    {
        "city": "Wuppertal",
        "holiday_region": "NW",
        "quarters": [
            {
                "slug": "hoehe",
                "name": "Höhe",
                "description": (
                    "Eines der Quartiere, für die seit August 2016 eine Quartiersmanagerin für die "
                    "Integration von Geflüchteten zuständig ist. Anlaufstelle im Quartier ist die "
                    "Offene Tür (OT) Höhe."
                ),
                "facilities": [
                    {
                        # Placement: obvious from the name. Address and coordinates invented.
                        "slug": "ot-hoehe",
                        "name": "Offene Tür (OT) Höhe",
                        "address": "Höhenweg 12, 42111 Wuppertal",
                        "latitude": None,
                        "longitude": None,
                        "description": (
                            "Offene Tür für Kinder, Jugendliche und Familien, seit vielen Jahren fester "
                            "Bestandteil der sozialen Infrastruktur im Quartier. Arbeitsort des "
                            "Quartiersmanagements für die Integration von Geflüchteten."
                        ),
                        "accessibility": (
                            "Eingang stufenlos über Rampe, Gruppenraum im EG, "
                            "Jugendraum im Untergeschoss nur über Treppe."
                        ),
                        "contact_email": "kontakt@ot-hoehe.example.org",
                        "contact_phone": "0202 000000-1",
                        "opening_hours": {
                            0: [("13:00", "21:00")],
                            1: [("13:00", "21:00")],
                            2: [("13:00", "21:00")],
                            3: [("13:00", "21:00")],
                            4: [("13:00", "21:00")],
                        },
                        "rooms": [
                            {
                                "slug": "ot-hoehe-gruppenraum",
                                "name": "Gruppenraum",
                                "capacity": 20,
                                "equipment": ["beamer", "wifi", "tables", "chairs", "whiteboard"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 15,
                                "cleanup_minutes": 15,
                                "description": "Heller Gruppenraum im Erdgeschoss für Treffen und Kurse.",
                            },
                            {
                                "slug": "ot-hoehe-jugendraum",
                                "name": "Jugendraum",
                                "capacity": 30,
                                "equipment": ["sound", "wifi", "sports", "chairs"],
                                "step_free": False,
                                "approval_required": True,
                                "setup_minutes": 15,
                                "cleanup_minutes": 30,
                                "description": "Offener Treff mit Kicker und Musikanlage im Untergeschoss.",
                            },
                        ],
                    },
                ],
            },
            {
                "slug": "ostersbaum",
                "name": "Ostersbaum",
                "description": (
                    "Dicht bebautes Quartier in Elberfeld, seit August 2016 mit zusätzlichem "
                    "Quartiersmanagement für die Integration von Geflüchteten. Das Nachbarschaftsheim "
                    "ist hier seit vielen Jahren Anlaufstelle für Menschen mit und ohne Migrationshintergrund."
                ),
                "facilities": [
                    {
                        # Placement: the seeds only list the Nachbarschaftsheim among the four
                        # facilities; placed in Ostersbaum (Platz der Republik) as most plausible.
                        "slug": "nachbarschaftsheim",
                        "name": "Nachbarschaftsheim",
                        "address": "Platz der Republik 24, 42107 Wuppertal",
                        "latitude": 51.2652,
                        "longitude": 7.1535,
                        "description": (
                            "Nachbarschaftsheim mit offenen Angeboten für Familien, Kinder und "
                            "Senior/innen; Anlaufstelle für viele Menschen im Quartier und Arbeitsort "
                            "des Quartiersmanagements."
                        ),
                        "accessibility": (
                            "Eingang stufenlos, Aufzug in alle Etagen, barrierefreies WC im EG."
                        ),
                        "opening_notes": "An gesetzlichen Feiertagen geschlossen.",
                        "contact_email": "kontakt@nachbarschaftsheim.example.org",
                        "contact_phone": "0202 000000-2",
                        "opening_hours": dict(_WEEKDAYS_9_21_SAT),
                        "rooms": [
                            {
                                "slug": "nachbarschaftsheim-saal",
                                "name": "Saal",
                                "capacity": 80,
                                "equipment": [
                                    "beamer",
                                    "sound",
                                    "wifi",
                                    "piano",
                                    "tables",
                                    "chairs",
                                ],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 30,
                                "cleanup_minutes": 30,
                                "description": "Großer Saal für Feste, Stadtteilkonferenzen und Filmabende.",
                            },
                            {
                                "slug": "nachbarschaftsheim-kursraum",
                                "name": "Kursraum 1",
                                "capacity": 16,
                                "equipment": ["whiteboard", "wifi", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 10,
                                "cleanup_minutes": 10,
                                "description": (
                                    "Kursraum für Sprachkurse im 1. OG, direkt neben dem "
                                    "Kinderbetreuungsraum."
                                ),
                            },
                            {
                                "slug": "nachbarschaftsheim-kinderbetreuung",
                                "name": "Kinderbetreuungsraum",
                                "capacity": 12,
                                "equipment": ["childcare", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 10,
                                "cleanup_minutes": 15,
                                "description": (
                                    "Spielzimmer neben Kursraum 1 für Kinderbetreuung parallel "
                                    "zu Sprachkursen."
                                ),
                            },
                            {
                                "slug": "nachbarschaftsheim-kueche",
                                "name": "Küche",
                                "capacity": 14,
                                "equipment": ["kitchen", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 15,
                                "cleanup_minutes": 30,
                                "description": "Lehrküche für gemeinsames Kochen und Kochkurse.",
                            },
                        ],
                    },
                ],
            },
            {
                "slug": "nordstadt",
                "name": "Nordstadt",
                "description": (
                    "Innenstadtnahes Quartier in Elberfeld, seit August 2016 mit Quartiersmanagement "
                    "für die Integration von Geflüchteten. In der Alten Feuerwache entsteht ein Café "
                    "als Begegnungsstätte mit Beratung und (psycho-)sozialer Betreuung."
                ),
                "facilities": [
                    {
                        # Placement: the seeds do not say the quarter. The Alte Feuerwache (Gathe)
                        # lies at the edge of Nordstadt/Ostersbaum; placed in Nordstadt as a guess.
                        "slug": "alte-feuerwache",
                        "name": "Alte Feuerwache",
                        "address": "Gathe 6, 42107 Wuppertal",
                        "latitude": 51.2604,
                        "longitude": 7.1405,
                        "description": (
                            "Soziales Zentrum und Anlaufstelle für viele Menschen im Quartier. Das Café "
                            "ist Begegnungsstätte für Geflüchtete, Flüchtlingsunterstützer/innen und "
                            "andere soziale Gruppen, mit Beratung und (psycho-)sozialer Betreuung."
                        ),
                        "accessibility": (
                            "Café und Saal im EG stufenlos erreichbar, barrierefreies WC im EG; "
                            "Seminarräume im 1. OG mit Aufzug."
                        ),
                        "opening_notes": (
                            "Das Café öffnet montags bis freitags um 14 Uhr. In den Schulferien "
                            "können die Zeiten abweichen."
                        ),
                        "contact_email": "kontakt@feuerwache.example.org",
                        "contact_phone": "0202 000000-3",
                        "opening_hours": {
                            0: [("09:00", "21:00")],
                            1: [("09:00", "21:00")],
                            2: [("09:00", "21:00")],
                            3: [("09:00", "21:00")],
                            4: [("09:00", "22:00")],
                            5: [("10:00", "18:00")],
                        },
                        "rooms": [
                            {
                                "slug": "alte-feuerwache-cafe",
                                "name": "Café",
                                "capacity": 40,
                                "equipment": ["kitchen", "wifi", "tables", "chairs", "sound"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 15,
                                "cleanup_minutes": 30,
                                "description": (
                                    "Begegnungscafé im Erdgeschoss für Sprachcafés, Nachbarschaftstreffen "
                                    "und Beratungssprechstunden."
                                ),
                            },
                            {
                                "slug": "alte-feuerwache-seminarraum",
                                "name": "Seminarraum",
                                "capacity": 18,
                                "equipment": ["beamer", "whiteboard", "wifi", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 10,
                                "cleanup_minutes": 10,
                                "description": (
                                    "Kursraum für Sprach- und Integrationskurse im 1. OG, Tür an Tür mit "
                                    "dem Kinderzimmer."
                                ),
                            },
                            {
                                "slug": "alte-feuerwache-kinderzimmer",
                                "name": "Kinderzimmer",
                                "capacity": 10,
                                "equipment": ["childcare", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 10,
                                "cleanup_minutes": 15,
                                "description": (
                                    "Betreuungsraum neben dem Seminarraum für Kinderbetreuung parallel "
                                    "zu Sprachkursen."
                                ),
                            },
                            {
                                "slug": "alte-feuerwache-halle",
                                "name": "Wagenhalle",
                                "capacity": 100,
                                "equipment": ["sound", "beamer", "sports", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 45,
                                "cleanup_minutes": 45,
                                "description": "Ehemalige Fahrzeughalle für Feste, Sport und Filmabende.",
                            },
                        ],
                    },
                ],
            },
            {
                "slug": "uellendahl",
                "name": "Uellendahl",
                "description": (
                    "Quartier Uellendahl Ost und West, seit August 2016 mit Quartiersmanagement für die "
                    "Integration von Geflüchteten. Anlaufstelle ist das Zentrum für Kinder und "
                    "Jugendliche Röttgen."
                ),
                "facilities": [
                    {
                        # Placement: Röttgen is a residential area in Uellendahl(-West); the seeds
                        # list it with the Höhe/Ostersbaum/Nordstadt/Uellendahl facilities.
                        "slug": "zentrum-roettgen",
                        "name": "Zentrum für Kinder und Jugendliche Röttgen",
                        "address": "Röttgen 102, 42109 Wuppertal",
                        "latitude": 51.2855,
                        "longitude": 7.1600,
                        "description": (
                            "Kinder- und Jugendzentrum, seit vielen Jahren Anlaufstelle im Quartier "
                            "und Arbeitsort des Quartiersmanagements für Uellendahl Ost und West."
                        ),
                        "accessibility": "Eingang stufenlos, barrierefreies WC im EG, Turnhalle ebenerdig.",
                        "contact_email": "kontakt@zentrum-roettgen.example.org",
                        "contact_phone": "0202 000000-4",
                        "opening_hours": {
                            0: [("10:00", "20:00")],
                            1: [("10:00", "20:00")],
                            2: [("10:00", "20:00")],
                            3: [("10:00", "20:00")],
                            4: [("10:00", "20:00")],
                            5: [("11:00", "16:00")],
                        },
                        "rooms": [
                            {
                                "slug": "zentrum-roettgen-gruppenraum",
                                "name": "Gruppenraum",
                                "capacity": 25,
                                "equipment": ["wifi", "whiteboard", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 15,
                                "cleanup_minutes": 15,
                                "description": "Gruppenraum für Elterntreffs, Kurse und Hausaufgabenhilfe.",
                            },
                            {
                                "slug": "zentrum-roettgen-turnhalle",
                                "name": "Turnhalle",
                                "capacity": 40,
                                "equipment": ["sports", "sound"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 15,
                                "cleanup_minutes": 15,
                                "description": "Kleine Turnhalle für Bewegungsangebote und Sportgruppen.",
                            },
                            {
                                "slug": "zentrum-roettgen-kueche",
                                "name": "Küche",
                                "capacity": 12,
                                "equipment": ["kitchen", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": False,
                                "setup_minutes": 10,
                                "cleanup_minutes": 20,
                                "description": "Offene Küche für Kochgruppen und Feste.",
                            },
                        ],
                    },
                ],
            },
            {
                "slug": "wichlinghausen-oberbarmen",
                "name": "Wichlinghausen/Oberbarmen",
                "description": (
                    "Soziale-Stadt-Gebiet im Wuppertaler Osten mit bestehendem Quartiersmanagement, "
                    "ab Januar 2017 ergänzt um eine halbe Stelle für die Integration von Geflüchteten. "
                    "Das neue Spielmobil unterstützt hier die Arbeit mit Flüchtlingskindern."
                ),
                "facilities": [
                    {
                        # Not named in the seeds: the seeds only mention the existing
                        # Quartiersmanagement here; name, address and rooms invented.
                        "slug": "stadtteilbuero-wichlinghausen",
                        "name": "Stadtteilbüro Wichlinghausen/Oberbarmen",
                        "address": "Wichlinghauser Markt 5, 42277 Wuppertal",
                        "latitude": 51.2830,
                        "longitude": 7.2340,
                        "description": (
                            "Stadtteilbüro des Quartiersmanagements im Soziale-Stadt-Gebiet; Treffpunkt "
                            "für Bewohner/innen, Initiativen und Geflüchtete und Standort des Spielmobils."
                        ),
                        "accessibility": "Ladenlokal mit stufenlosem Eingang, kein barrierefreies WC.",
                        "contact_email": "kontakt@stadtteilbuero-wichlinghausen.example.org",
                        "contact_phone": "0202 000000-5",
                        "opening_hours": {
                            0: [("09:00", "13:00"), ("14:00", "18:00")],
                            1: [("09:00", "13:00"), ("14:00", "18:00")],
                            2: [("09:00", "13:00")],
                            3: [("09:00", "13:00"), ("14:00", "20:00")],
                            4: [("09:00", "13:00")],
                        },
                        "rooms": [
                            {
                                "slug": "stadtteilbuero-wichlinghausen-treffraum",
                                "name": "Treffraum",
                                "capacity": 25,
                                "equipment": ["wifi", "beamer", "tables", "chairs", "kitchen"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 15,
                                "cleanup_minutes": 15,
                                "description": "Treffraum mit Teeküche für Runde Tische und Initiativen.",
                            },
                            {
                                "slug": "stadtteilbuero-wichlinghausen-besprechung",
                                "name": "Besprechungsraum",
                                "capacity": 8,
                                "equipment": ["whiteboard", "wifi", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": False,
                                "setup_minutes": 5,
                                "cleanup_minutes": 5,
                                "description": "Kleiner Raum für Beratung und Arbeitsgruppen.",
                            },
                        ],
                    },
                ],
            },
            {
                "slug": "heckinghausen",
                "name": "Heckinghausen",
                "description": (
                    "Soziale-Stadt-Gebiet im Wuppertaler Osten mit bestehendem Quartiersmanagement, "
                    "ab Januar 2017 ergänzt um eine halbe Stelle für die Integration von Geflüchteten. "
                    "Das Spielmobil ist auch hier für Flüchtlingskinder unterwegs."
                ),
                "facilities": [
                    {
                        # Not named in the seeds: name, address and rooms invented.
                        "slug": "stadtteilbuero-heckinghausen",
                        "name": "Stadtteilbüro Heckinghausen",
                        "address": "Heckinghauser Straße 180, 42289 Wuppertal",
                        "latitude": 51.2660,
                        "longitude": 7.2290,
                        "description": (
                            "Stadtteilbüro des Quartiersmanagements im Soziale-Stadt-Gebiet mit "
                            "Räumen für Nachbarschaftsgruppen und Initiativen."
                        ),
                        "accessibility": "Eingang mit einer Stufe (mobile Rampe vorhanden), WC nicht barrierefrei.",
                        "contact_email": "kontakt@stadtteilbuero-heckinghausen.example.org",
                        "contact_phone": "0202 000000-6",
                        "opening_hours": {
                            0: [("09:00", "17:00")],
                            1: [("09:00", "17:00")],
                            2: [("09:00", "19:00")],
                            3: [("09:00", "17:00")],
                            4: [("09:00", "14:00")],
                        },
                        "rooms": [
                            {
                                "slug": "stadtteilbuero-heckinghausen-gruppenraum",
                                "name": "Gruppenraum",
                                "capacity": 20,
                                "equipment": ["wifi", "whiteboard", "tables", "chairs"],
                                "step_free": False,
                                "approval_required": True,
                                "setup_minutes": 10,
                                "cleanup_minutes": 10,
                                "description": "Gruppenraum für Kurse, Elterncafé und Initiativentreffen.",
                            },
                            {
                                "slug": "stadtteilbuero-heckinghausen-werkstatt",
                                "name": "Werkstatt",
                                "capacity": 10,
                                "equipment": ["tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 15,
                                "cleanup_minutes": 30,
                                "description": "Ebenerdiger Werkraum, z. B. für eine Fahrradwerkstatt.",
                            },
                        ],
                    },
                ],
            },
        ],
    },
    {
        "city": "Göttingen",
        "holiday_region": "NI",
        "quarters": [
            {
                "slug": "grone",
                "name": "Grone",
                "description": (
                    "Stadtteil im Westen Göttingens. Das Nachbarschaftszentrum Grone ist einer der Orte "
                    "der Begegnung, an denen Integrationsarbeit im Quartier gestärkt werden soll."
                ),
                "facilities": [
                    {
                        # Address and coordinates plausible, not from the seeds.
                        "slug": "nachbarschaftszentrum-grone",
                        "name": "Nachbarschaftszentrum Grone",
                        "address": "Deisterstraße 10, 37081 Göttingen",
                        "latitude": 51.5300,
                        "longitude": 9.9080,
                        "description": (
                            "Ort der Begegnung für Nachbarschaft und Geflüchtete, auch nach dem Auszug "
                            "aus Gemeinschaftsunterkünften; gemeinsame Aktivitäten mit Peer-Gruppen und "
                            "Nachbar/innen stärken die Selbsthilfe."
                        ),
                        "accessibility": "Eingang stufenlos, barrierefreies WC im EG, Saal ebenerdig.",
                        "contact_email": "kontakt@nbz-grone.example.org",
                        "contact_phone": "0551 000000-1",
                        "opening_hours": dict(_WEEKDAYS_9_21_SAT),
                        "rooms": [
                            {
                                "slug": "nachbarschaftszentrum-grone-saal",
                                "name": "Saal",
                                "capacity": 70,
                                "equipment": ["beamer", "sound", "wifi", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 30,
                                "cleanup_minutes": 30,
                                "description": "Saal für Nachbarschaftsfeste, Versammlungen und Filmabende.",
                            },
                            {
                                "slug": "nachbarschaftszentrum-grone-kursraum",
                                "name": "Kursraum",
                                "capacity": 15,
                                "equipment": ["whiteboard", "wifi", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 10,
                                "cleanup_minutes": 10,
                                "description": "Raum für Sprachkurse, direkt neben dem Kinderraum.",
                            },
                            {
                                "slug": "nachbarschaftszentrum-grone-kinderraum",
                                "name": "Kinderraum",
                                "capacity": 12,
                                "equipment": ["childcare"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 10,
                                "cleanup_minutes": 15,
                                "description": "Kinderraum neben dem Kursraum für Betreuung während der Kurse.",
                            },
                            {
                                "slug": "nachbarschaftszentrum-grone-kueche",
                                "name": "Küche",
                                "capacity": 12,
                                "equipment": ["kitchen", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": False,
                                "setup_minutes": 15,
                                "cleanup_minutes": 30,
                                "description": "Gemeinschaftsküche für internationale Kochabende.",
                            },
                        ],
                    },
                ],
            },
            {
                "slug": "leineberg",
                "name": "Leineberg",
                "description": (
                    "Quartier im Süden Göttingens. Im Stadtteilbüro Leineberg soll eine halbe Stelle "
                    "für Integrationsarbeit Begegnung und Kooperation vor Ort unterstützen."
                ),
                "facilities": [
                    {
                        # Address and coordinates invented.
                        "slug": "stadtteilbuero-leineberg",
                        "name": "Stadtteilbüro Leineberg",
                        "address": "Am Leineberg 4, 37083 Göttingen",
                        "latitude": 51.5160,
                        "longitude": 9.9200,
                        "description": (
                            "Stadtteilbüro als Anlaufstelle und Treffpunkt für Bewohner/innen und "
                            "Geflüchtete in dezentraler Unterbringung."
                        ),
                        "accessibility": "Eingang stufenlos, WC nicht barrierefrei.",
                        "contact_email": "kontakt@stadtteilbuero-leineberg.example.org",
                        "contact_phone": "0551 000000-2",
                        "opening_hours": {
                            0: [("10:00", "18:00")],
                            1: [("10:00", "18:00")],
                            2: [("10:00", "18:00")],
                            3: [("10:00", "20:00")],
                            4: [("10:00", "14:00")],
                        },
                        "rooms": [
                            {
                                "slug": "stadtteilbuero-leineberg-treffraum",
                                "name": "Treffraum",
                                "capacity": 20,
                                "equipment": ["wifi", "kitchen", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 10,
                                "cleanup_minutes": 15,
                                "description": "Treffraum mit Teeküche für Nachbarschaftscafé und Gruppen.",
                            },
                            {
                                "slug": "stadtteilbuero-leineberg-beratung",
                                "name": "Beratungsraum",
                                "capacity": 6,
                                "equipment": ["tables", "chairs"],
                                "step_free": True,
                                "approval_required": False,
                                "setup_minutes": 5,
                                "cleanup_minutes": 5,
                                "description": "Kleiner Raum für Sprechstunden und Lotsengespräche.",
                            },
                        ],
                    },
                ],
            },
            {
                "slug": "weststadt",
                "name": "Weststadt",
                "description": (
                    "Göttinger Weststadt mit dem Weststadtzentrum als Ort der Begegnung, an dem "
                    "Integrationsarbeit im Quartier gestärkt werden soll."
                ),
                "facilities": [
                    {
                        # Address and coordinates invented.
                        "slug": "weststadtzentrum",
                        "name": "Weststadtzentrum",
                        "address": "Petrikirchstraße 2, 37077 Göttingen",
                        "latitude": 51.5390,
                        "longitude": 9.9150,
                        "description": (
                            "Stadtteilzentrum mit offenen Treffs, Kursen und Beratung für alle "
                            "Generationen und Herkunftsländer."
                        ),
                        "accessibility": "Eingang stufenlos, Aufzug ins 1. OG, barrierefreies WC.",
                        "contact_email": "kontakt@weststadtzentrum.example.org",
                        "contact_phone": "0551 000000-3",
                        "opening_hours": {
                            0: [("09:00", "20:00")],
                            1: [("09:00", "20:00")],
                            2: [("09:00", "20:00")],
                            3: [("09:00", "20:00")],
                            4: [("09:00", "18:00")],
                            5: [("10:00", "14:00")],
                        },
                        "rooms": [
                            {
                                "slug": "weststadtzentrum-mehrzweckraum",
                                "name": "Mehrzweckraum",
                                "capacity": 50,
                                "equipment": [
                                    "beamer",
                                    "sound",
                                    "wifi",
                                    "piano",
                                    "chairs",
                                    "tables",
                                ],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 20,
                                "cleanup_minutes": 20,
                                "description": "Mehrzweckraum für Veranstaltungen, Chor und Runde Tische.",
                            },
                            {
                                "slug": "weststadtzentrum-cafe",
                                "name": "Café",
                                "capacity": 30,
                                "equipment": ["kitchen", "wifi", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 15,
                                "cleanup_minutes": 20,
                                "description": "Stadtteilcafé für Sprachcafés und Nachbarschaftstreffen.",
                            },
                        ],
                    },
                ],
            },
            {
                "slug": "holtenser-berg",
                "name": "Holtenser Berg",
                "description": (
                    "Stadtteil im Nordwesten Göttingens. Das Nachbarschaftszentrum Holtenser Berg ist "
                    "einer der Begegnungsorte, an denen Integrationsarbeit gefördert werden soll."
                ),
                "facilities": [
                    {
                        # Address and coordinates invented.
                        "slug": "nachbarschaftszentrum-holtenser-berg",
                        "name": "Nachbarschaftszentrum Holtenser Berg",
                        "address": "Hagenweg 2, 37079 Göttingen",
                        "latitude": 51.5560,
                        "longitude": 9.8990,
                        "description": (
                            "Nachbarschaftszentrum mit Treffpunkt, Kursen und Beratung; Ort der "
                            "Begegnung für Alteingesessene und neu Zugezogene."
                        ),
                        "accessibility": "Eingang stufenlos, barrierefreies WC im EG.",
                        "contact_email": "kontakt@nbz-holtenser-berg.example.org",
                        "contact_phone": "0551 000000-4",
                        "opening_hours": {
                            0: [("09:00", "18:00")],
                            1: [("09:00", "18:00")],
                            2: [("09:00", "21:00")],
                            3: [("09:00", "18:00")],
                            4: [("09:00", "16:00")],
                        },
                        "rooms": [
                            {
                                "slug": "nachbarschaftszentrum-holtenser-berg-gruppenraum",
                                "name": "Gruppenraum",
                                "capacity": 25,
                                "equipment": ["beamer", "wifi", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": True,
                                "setup_minutes": 15,
                                "cleanup_minutes": 15,
                                "description": "Gruppenraum für Kurse und Treffen von Initiativen.",
                            },
                            {
                                "slug": "nachbarschaftszentrum-holtenser-berg-kueche",
                                "name": "Küche",
                                "capacity": 12,
                                "equipment": ["kitchen", "tables", "chairs"],
                                "step_free": True,
                                "approval_required": False,
                                "setup_minutes": 10,
                                "cleanup_minutes": 20,
                                "description": "Küche für gemeinsames Kochen und Feste.",
                            },
                        ],
                    },
                ],
            },
        ],
    },
]

MOBILE_RESOURCES = [
    {
        "slug": "spielmobil",
        "name": "Spielmobil",
        "city": "Wuppertal",
        "home_quarter": "wichlinghausen-oberbarmen",
        "description": (
            "Neues Spielmobil, gefördert aus dem Landessonderprogramm „Hilfen im Städtebau für "
            "Kommunen zur Integration von Flüchtlingen“. Es unterstützt in den Soziale-Stadt-Gebieten "
            "Wichlinghausen/Oberbarmen und Heckinghausen die Arbeit mit Flüchtlingskindern."
        ),
        "capacity": 40,
        "equipment": ["sports", "sound", "tables", "chairs"],
        "approval_required": True,
        "setup_minutes": 30,
        "cleanup_minutes": 30,
    },
]

# All organisation names are invented and generic (the seeds only name kinds of actors:
# Flüchtlingsinitiativen, Kirchengemeinden, Migrantenselbstorganisationen, Verbände der
# freien Wohlfahrtspflege, Träger, Vereine).
ORGANISATIONS = [
    {
        "slug": "sprachcafe-nordstadt",
        "name": "Sprachcafé Nordstadt",
        "kind": "initiative",
        "quarter": "nordstadt",
        "description": (
            "Ehrenamtliche Flüchtlingsinitiative: wöchentliches Sprachcafé zum Deutschüben "
            "mit Kinderbetreuung parallel."
        ),
        "languages": ["de", "ar", "fa", "en"],
        "public_contact": "sprachcafe@nordstadt-initiative.example.org",
        "private_contact": "orga@nordstadt-initiative.example.org",
    },
    {
        "slug": "kirchengemeinde-ostersbaum",
        "name": "Evangelische Gemeinde am Ostersbaum",
        "kind": "church",
        "quarter": "ostersbaum",
        "description": (
            "Kirchengemeinde mit Begegnungsnachmittagen, Kleiderkammer und Patenschaften "
            "für neu zugezogene Familien."
        ),
        "languages": ["de", "en"],
        "public_contact": "gemeindebuero@gemeinde-ostersbaum.example.org",
        "private_contact": "begegnung@gemeinde-ostersbaum.example.org",
    },
    {
        "slug": "kulturverein-wichlinghausen",
        "name": "Deutsch-Arabischer Kulturverein Wichlinghausen",
        "kind": "migrant_organisation",
        "quarter": "wichlinghausen-oberbarmen",
        "description": (
            "Migrantenselbstorganisation: Hausaufgabenhilfe, Elterntreff und Feste; "
            "Lotsen für neu angekommene Familien."
        ),
        "languages": ["de", "ar", "ku", "tr"],
        "public_contact": "info@kulturverein-wichlinghausen.example.org",
        "private_contact": "vorstand@kulturverein-wichlinghausen.example.org",
    },
    {
        "slug": "sportverein-heckinghausen",
        "name": "Sportfreunde Heckinghausen",
        "kind": "association",
        "quarter": "heckinghausen",
        "description": "Sportverein mit offenem Fußball- und Bewegungsangebot für Kinder und Jugendliche.",
        "languages": ["de", "tr"],
        "public_contact": "training@sportfreunde-heckinghausen.example.org",
        "private_contact": "vorstand@sportfreunde-heckinghausen.example.org",
    },
    {
        "slug": "foerderverein-nbz-grone",
        "name": "Förderverein Nachbarschaftszentrum Grone",
        "kind": "association",
        "quarter": "grone",
        "description": (
            "Förderverein des Nachbarschaftszentrums: Fahrradwerkstatt, Filmabende und "
            "Nachbarschaftsfeste."
        ),
        "languages": ["de", "ar", "ti"],
        "public_contact": "info@foerderverein-grone.example.org",
        "private_contact": "kasse@foerderverein-grone.example.org",
    },
    {
        "slug": "migrationsberatung-weststadt",
        "name": "Migrationsberatung Weststadt",
        "kind": "welfare",
        "quarter": "weststadt",
        "description": (
            "Beratungsstelle eines Wohlfahrtsverbands: offene Sprechstunde für Geflüchtete, "
            "Begleitung beim Umzug in die eigene Wohnung."
        ),
        "languages": ["de", "ar", "fa", "fr", "en"],
        "public_contact": "beratung@migrationsberatung-weststadt.example.org",
        "private_contact": "leitung@migrationsberatung-weststadt.example.org",
    },
]
