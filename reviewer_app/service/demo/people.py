"""Who applies: names from several regions, countries, languages, schools and employers."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    languages: tuple[str, ...]  # spoken natively there, the first one most often
    universities: tuple[str, ...]
    rate_factor: float  # how local hourly rates compare with the marketplace median


@dataclass(frozen=True, slots=True)
class Region:
    name: str
    weight: int
    countries: tuple[Country, ...]
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    skin: tuple[tuple[int, int, int], ...]  # portrait palette


_LIGHT = ((241, 205, 178), (232, 190, 160), (224, 178, 146))
_MEDIUM = ((214, 163, 122), (198, 145, 104), (186, 132, 94))
_BROWN = ((164, 112, 78), (141, 94, 63), (120, 79, 52))
_DEEP = ((104, 68, 46), (88, 57, 39), (74, 48, 33))

REGIONS: tuple[Region, ...] = (
    Region(
        "South Asia",
        24,
        (
            Country(
                "India",
                ("Hindi", "Tamil", "Bengali", "Marathi"),
                (
                    "University of Delhi",
                    "Anna University",
                    "University of Mumbai",
                    "Jadavpur University",
                    "Amity University",
                ),
                0.45,
            ),
            Country(
                "Pakistan",
                ("Urdu", "Punjabi"),
                ("University of the Punjab", "NUST Islamabad", "FAST-NUCES Lahore"),
                0.4,
            ),
            Country(
                "Bangladesh",
                ("Bengali",),
                ("University of Dhaka", "BRAC University", "North South University"),
                0.35,
            ),
            Country(
                "Sri Lanka",
                ("Sinhala", "Tamil"),
                ("University of Moratuwa", "University of Colombo"),
                0.4,
            ),
            Country("Nepal", ("Nepali",), ("Tribhuvan University", "Kathmandu University"), 0.35),
        ),
        (
            "Priya",
            "Ananya",
            "Sana",
            "Ayesha",
            "Nusrat",
            "Kavya",
            "Fatima",
            "Ishita",
            "Dilani",
            "Meera",
            "Shreya",
            "Rabia",
            "Sadia",
            "Pooja",
            "Anjali",
            "Zainab",
        ),
        (
            "Arjun",
            "Rahul",
            "Imran",
            "Vikram",
            "Rohan",
            "Ahmed",
            "Tanvir",
            "Karthik",
            "Bilal",
            "Suresh",
            "Aditya",
            "Hassan",
            "Nuwan",
            "Sandeep",
            "Farhan",
            "Rajesh",
        ),
        (
            "Sharma",
            "Patel",
            "Khan",
            "Iyer",
            "Chowdhury",
            "Reddy",
            "Gupta",
            "Hossain",
            "Nair",
            "Perera",
            "Malik",
            "Das",
            "Verma",
            "Qureshi",
            "Fernando",
            "Shrestha",
            "Menon",
            "Bhatt",
        ),
        _MEDIUM + _BROWN,
    ),
    Region(
        "Southeast Asia",
        14,
        (
            Country(
                "Philippines",
                ("Filipino", "Cebuano"),
                (
                    "University of the Philippines Diliman",
                    "Ateneo de Manila University",
                    "De La Salle University",
                    "University of Santo Tomas",
                ),
                0.4,
            ),
            Country(
                "Indonesia",
                ("Indonesian", "Javanese"),
                (
                    "Universitas Indonesia",
                    "Bandung Institute of Technology",
                    "Gadjah Mada University",
                ),
                0.4,
            ),
            Country(
                "Vietnam",
                ("Vietnamese",),
                ("Hanoi University of Science and Technology", "Vietnam National University"),
                0.4,
            ),
            Country(
                "Malaysia",
                ("Malay", "Mandarin Chinese"),
                ("University of Malaya", "Universiti Teknologi Malaysia"),
                0.55,
            ),
            Country("Thailand", ("Thai",), ("Chulalongkorn University", "Mahidol University"), 0.5),
        ),
        (
            "Maria",
            "Angelica",
            "Siti",
            "Lan",
            "Putri",
            "Kristine",
            "Ploy",
            "Nur",
            "Joanna",
            "Thảo",
            "Dewi",
            "Camille",
            "Mai",
            "Aisyah",
        ),
        (
            "Jose",
            "Mark",
            "Budi",
            "Minh",
            "Rizal",
            "Paolo",
            "Anan",
            "Hafiz",
            "Christian",
            "Quang",
            "Agus",
            "Jericho",
            "Tuan",
            "Arif",
        ),
        (
            "Santos",
            "Reyes",
            "Cruz",
            "Nguyen",
            "Tran",
            "Wijaya",
            "Pratama",
            "Garcia",
            "Lim",
            "Tan",
            "Bautista",
            "Saputra",
            "Pham",
            "Rahman",
            "Srisai",
            "Mendoza",
        ),
        _LIGHT[2:] + _MEDIUM,
    ),
    Region(
        "Eastern Europe",
        16,
        (
            Country(
                "Ukraine",
                ("Ukrainian", "Russian"),
                (
                    "Kyiv Polytechnic Institute",
                    "Lviv Polytechnic National University",
                    "Taras Shevchenko National University of Kyiv",
                ),
                0.7,
            ),
            Country(
                "Poland",
                ("Polish",),
                (
                    "Warsaw University of Technology",
                    "Jagiellonian University",
                    "AGH University of Krakow",
                ),
                0.85,
            ),
            Country(
                "Romania",
                ("Romanian",),
                ("Politehnica University of Bucharest", "Babeș-Bolyai University"),
                0.75,
            ),
            Country(
                "Serbia", ("Serbian",), ("University of Belgrade", "University of Novi Sad"), 0.7
            ),
            Country(
                "Bulgaria",
                ("Bulgarian",),
                ("Sofia University", "Technical University of Sofia"),
                0.7,
            ),
            Country("Georgia", ("Georgian",), ("Tbilisi State University",), 0.6),
        ),
        (
            "Olena",
            "Kateryna",
            "Agnieszka",
            "Ioana",
            "Milica",
            "Natalia",
            "Zofia",
            "Elena",
            "Iryna",
            "Ana",
            "Magdalena",
            "Nino",
            "Yana",
            "Teodora",
        ),
        (
            "Oleksandr",
            "Dmytro",
            "Łukasz",
            "Andrei",
            "Nikola",
            "Piotr",
            "Mihai",
            "Bogdan",
            "Stefan",
            "Giorgi",
            "Marko",
            "Tomasz",
            "Ivan",
            "Vlad",
        ),
        (
            "Kovalenko",
            "Shevchenko",
            "Nowak",
            "Kowalski",
            "Popescu",
            "Ionescu",
            "Petrović",
            "Jovanović",
            "Wiśniewska",
            "Bondarenko",
            "Dimitrov",
            "Beridze",
            "Lewandowski",
            "Marin",
            "Horvat",
            "Melnyk",
        ),
        _LIGHT,
    ),
    Region(
        "Latin America",
        16,
        (
            Country(
                "Brazil",
                ("Portuguese",),
                (
                    "Universidade de São Paulo",
                    "Universidade Estadual de Campinas",
                    "Universidade Federal do Rio de Janeiro",
                ),
                0.6,
            ),
            Country(
                "Argentina",
                ("Spanish",),
                ("Universidad de Buenos Aires", "Universidad Nacional de Córdoba"),
                0.6,
            ),
            Country(
                "Mexico",
                ("Spanish",),
                ("Universidad Nacional Autónoma de México", "Tecnológico de Monterrey"),
                0.6,
            ),
            Country(
                "Colombia",
                ("Spanish",),
                ("Universidad de los Andes", "Universidad Nacional de Colombia"),
                0.55,
            ),
            Country(
                "Chile",
                ("Spanish",),
                ("Pontificia Universidad Católica de Chile", "Universidad de Chile"),
                0.65,
            ),
            Country(
                "Peru", ("Spanish", "Quechua"), ("Pontificia Universidad Católica del Perú",), 0.5
            ),
        ),
        (
            "Camila",
            "Valentina",
            "Ana Paula",
            "Lucía",
            "Mariana",
            "Sofía",
            "Juliana",
            "Gabriela",
            "Isabela",
            "Daniela",
            "Fernanda",
            "Carolina",
            "Renata",
            "Paula",
        ),
        (
            "Mateo",
            "João",
            "Santiago",
            "Diego",
            "Felipe",
            "Lucas",
            "Andrés",
            "Rafael",
            "Sebastián",
            "Gustavo",
            "Tomás",
            "Bruno",
            "Alejandro",
            "Thiago",
        ),
        (
            "Silva",
            "Santos",
            "González",
            "Rodríguez",
            "Oliveira",
            "Pérez",
            "Fernández",
            "Souza",
            "Gómez",
            "Martínez",
            "Costa",
            "Ramírez",
            "Almeida",
            "Torres",
            "Herrera",
            "Castro",
        ),
        _LIGHT[1:] + _MEDIUM + _BROWN[:1],
    ),
    Region(
        "Africa",
        14,
        (
            Country(
                "Nigeria",
                ("Yoruba", "Igbo", "Hausa"),
                (
                    "University of Lagos",
                    "Obafemi Awolowo University",
                    "University of Nigeria, Nsukka",
                    "Covenant University",
                ),
                0.45,
            ),
            Country(
                "Kenya",
                ("Swahili",),
                (
                    "University of Nairobi",
                    "Jomo Kenyatta University of Agriculture and Technology",
                    "Strathmore University",
                ),
                0.45,
            ),
            Country(
                "Egypt",
                ("Arabic",),
                ("Cairo University", "Ain Shams University", "The American University in Cairo"),
                0.45,
            ),
            Country(
                "Ghana",
                ("Twi",),
                ("University of Ghana", "Kwame Nkrumah University of Science and Technology"),
                0.45,
            ),
            Country(
                "South Africa",
                ("Afrikaans", "Zulu", "Xhosa"),
                (
                    "University of Cape Town",
                    "University of the Witwatersrand",
                    "Stellenbosch University",
                ),
                0.7,
            ),
            Country(
                "Morocco",
                ("Arabic", "French"),
                ("Mohammed V University", "Al Akhawayn University"),
                0.5,
            ),
        ),
        (
            "Chiamaka",
            "Amina",
            "Wanjiru",
            "Nour",
            "Ama",
            "Thandiwe",
            "Folake",
            "Salma",
            "Akosua",
            "Zanele",
            "Ngozi",
            "Yasmine",
            "Achieng",
            "Adaeze",
        ),
        (
            "Chinedu",
            "Oluwaseun",
            "Kwame",
            "Omar",
            "Brian",
            "Sipho",
            "Emeka",
            "Youssef",
            "Kofi",
            "Tunde",
            "Mohamed",
            "Otieno",
            "Thabo",
            "Yaw",
        ),
        (
            "Okafor",
            "Adeyemi",
            "Mwangi",
            "Hassan",
            "Mensah",
            "Nkosi",
            "Okonkwo",
            "El-Sayed",
            "Boateng",
            "Abubakar",
            "Ochieng",
            "Dlamini",
            "Eze",
            "Benali",
            "Asante",
            "Kamau",
        ),
        _BROWN + _DEEP,
    ),
    Region(
        "Western Europe and North America",
        16,
        (
            Country(
                "United States",
                ("English",),
                (
                    "University of Michigan",
                    "Arizona State University",
                    "University of Texas at Austin",
                    "Georgia Institute of Technology",
                ),
                1.6,
            ),
            Country(
                "United Kingdom",
                ("English",),
                ("University of Manchester", "University of Leeds", "King's College London"),
                1.4,
            ),
            Country(
                "Canada",
                ("English", "French"),
                ("University of Toronto", "University of British Columbia", "McGill University"),
                1.4,
            ),
            Country(
                "Germany",
                ("German",),
                (
                    "Technical University of Munich",
                    "RWTH Aachen University",
                    "Humboldt University of Berlin",
                ),
                1.4,
            ),
            Country("France", ("French",), ("Sorbonne University", "Université de Lyon"), 1.3),
            Country(
                "Spain",
                ("Spanish", "Catalan"),
                ("Universidad Complutense de Madrid", "Universitat de Barcelona"),
                1.0,
            ),
            Country(
                "Portugal", ("Portuguese",), ("University of Lisbon", "University of Porto"), 0.9
            ),
            Country(
                "Ireland", ("English",), ("Trinity College Dublin", "University College Cork"), 1.4
            ),
        ),
        (
            "Emily",
            "Sarah",
            "Hannah",
            "Chloé",
            "Laura",
            "Sophie",
            "Lena",
            "Olivia",
            "Clara",
            "Marta",
            "Aoife",
            "Jessica",
            "Inês",
            "Charlotte",
        ),
        (
            "James",
            "Michael",
            "Lukas",
            "Thomas",
            "Daniel",
            "Pierre",
            "Jonas",
            "Ryan",
            "Pablo",
            "Liam",
            "Benjamin",
            "Matthew",
            "Sean",
            "Miguel",
        ),
        (
            "Smith",
            "Johnson",
            "Müller",
            "Schmidt",
            "Martin",
            "Dubois",
            "Williams",
            "Brown",
            "García",
            "Murphy",
            "Wilson",
            "Fischer",
            "Moreau",
            "Taylor",
            "O'Brien",
            "Ferreira",
        ),
        _LIGHT + _MEDIUM[:1] + _BROWN[:1],
    ),
)

_REGION_WEIGHTS = tuple(region.weight for region in REGIONS)

LANGUAGE_LEVELS = ("basic", "conversational", "fluent", "native")

SECOND_LANGUAGES = (
    "Spanish",
    "French",
    "German",
    "Arabic",
    "Portuguese",
    "Mandarin Chinese",
    "Russian",
    "Italian",
    "Japanese",
)

SECONDARY_SCHOOLS = (
    "Riverside High School",
    "St. Joseph's Secondary School",
    "Central Academy",
    "Greenfield Public School",
    "Lakeview High School",
)

DEGREES = (
    ("Bachelor of Science", 4),
    ("Bachelor of Arts", 4),
    ("Bachelor of Engineering", 4),
    ("Bachelor of Commerce", 3),
    ("Master of Science", 2),
    ("Master of Arts", 2),
    ("Master of Business Administration", 2),
    ("Associate Degree", 2),
    ("Diploma", 2),
)

_COMPANY_FIRST = (
    "Blue",
    "North",
    "Bright",
    "Silver",
    "Green",
    "Rapid",
    "Clear",
    "Open",
    "Summit",
    "Harbor",
    "Pixel",
    "Cedar",
    "Nova",
    "Iron",
    "Coral",
    "Atlas",
    "Lumen",
    "Maple",
    "Vertex",
    "Orbit",
)
_COMPANY_SECOND = (
    "path",
    "wave",
    "stone",
    "field",
    "light",
    "bridge",
    "works",
    "point",
    "line",
    "forge",
    "leaf",
    "gate",
    "scale",
    "shore",
)
_COMPANY_SUFFIX = (
    "Digital",
    "Labs",
    "Solutions",
    "Studio",
    "Technologies",
    "Media",
    "Consulting",
    "Group",
    "Systems",
    "Agency",
)


@dataclass(frozen=True, slots=True)
class Person:
    female: bool
    region: Region
    country: Country
    first_name: str
    last_name: str


def pick_region(rng: random.Random) -> Region:
    return rng.choices(REGIONS, weights=_REGION_WEIGHTS)[0]


def make_person(rng: random.Random, region: Region, female: bool) -> Person:
    country = rng.choice(region.countries)
    first = rng.choice(region.female if female else region.male)
    last = rng.choice(region.last)
    return Person(female, region, country, first, last)


def company_name(rng: random.Random) -> str:
    first, second = rng.sample(_COMPANY_FIRST, 2)
    suffix = rng.choice(_COMPANY_SUFFIX)
    if rng.random() < 0.5:
        return f"{first}{rng.choice(_COMPANY_SECOND)} {suffix}"
    return f"{first} {second} {suffix}"
