"""Profile text: titles, overviews and work-history descriptions, and injected misspellings.

Templates use American spelling throughout and are proofread, so a clean profile has no
spelling errors; the only errors are the ones `inject_misspellings` puts in and records.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CategoryText:
    nouns: tuple[str, ...]  # job titles, at most three words, title case
    roles: tuple[str, ...]  # positions in the work history
    domains: tuple[str, ...]  # what the work was for, plural noun phrases
    lines: tuple[str, ...]  # overview sentences specific to the category
    duties: tuple[str, ...]  # work-history sentences


CATEGORY_TEXT: dict[str, CategoryText] = {
    "Web Development": CategoryText(
        nouns=(
            "Full-Stack Developer",
            "Front-End Developer",
            "Web Developer",
            "Back-End Engineer",
            "Software Engineer",
        ),
        roles=(
            "Web Developer",
            "Front-End Developer",
            "Software Engineer",
            "Full-Stack Developer",
            "Junior Web Developer",
        ),
        domains=(
            "online stores",
            "booking platforms",
            "SaaS dashboards",
            "company websites",
            "internal business tools",
            "marketplaces",
        ),
        lines=(
            "Most of my recent projects were {domain} built with {s0} and {s1}.",
            "I write clean, tested code and I care about page speed, accessibility and "
            "search visibility.",
            "I have taken projects from the first wireframe to production, including hosting, "
            "monitoring and maintenance after launch.",
            "On the technical side I am comfortable with {s2}, version control and automated "
            "deployment.",
            "I enjoy turning vague requirements into a working product that real users "
            "find easy to use.",
        ),
        duties=(
            "Built and maintained {domain} using {s0} and {s1} for clients in several countries.",
            "Developed new features, fixed bugs and improved page load times by reworking the "
            "front end.",
            "Worked closely with designers and product owners to translate requirements into "
            "responsive pages.",
            "Wrote automated tests and set up a deployment pipeline that cut release time in half.",
            "Integrated payment providers and third-party services through {s2}.",
        ),
    ),
    "Mobile Development": CategoryText(
        nouns=("Mobile App Developer", "iOS Developer", "Android Developer", "Mobile Engineer"),
        roles=("Mobile Developer", "Android Developer", "iOS Developer", "Software Engineer"),
        domains=("fitness apps", "delivery apps", "banking apps", "social apps", "booking apps"),
        lines=(
            "I build native and cross-platform apps with {s0} and {s1}, from the first "
            "prototype to the store release.",
            "Several of my apps have been published on the App Store and Google Play with "
            "ratings above four stars.",
            "I pay close attention to performance, battery use and offline behavior, because "
            "that is what users notice first.",
            "I have integrated push notifications, in-app purchases and analytics using {s2}.",
            "I have worked on {domain} and {domain2}, usually as the only mobile developer on "
            "the team.",
        ),
        duties=(
            "Developed and released {domain} using {s0}, with a focus on smooth performance.",
            "Maintained the {s1} code base, fixed crashes reported by users and shipped weekly "
            "updates.",
            "Worked with the back-end team to design the API and the offline data layer.",
            "Set up automated builds and beta releases for testers on both platforms.",
        ),
    ),
    "Data Science & Analytics": CategoryText(
        nouns=(
            "Data Scientist",
            "Data Analyst",
            "Machine Learning Engineer",
            "Analytics Consultant",
        ),
        roles=(
            "Data Analyst",
            "Data Scientist",
            "Business Intelligence Analyst",
            "Research Assistant",
        ),
        domains=(
            "retail companies",
            "health care providers",
            "logistics firms",
            "online shops",
            "financial services companies",
        ),
        lines=(
            "I help businesses make decisions from their data, using {s0}, {s1} and {s2}.",
            "My work usually starts with cleaning and exploring the data, and ends with a "
            "clear report or a model running in production.",
            "I have built forecasting models, customer segmentation and dashboards for "
            "{domain} and {domain2}.",
            "I explain technical results in plain language, so that the people who need the "
            "answer can act on it.",
            "I am careful with data quality and I document every step of my analysis.",
        ),
        duties=(
            "Built reports and dashboards in {s0} that the management team used every week.",
            "Cleaned and joined data from several sources and automated the monthly analysis.",
            "Developed a forecasting model with {s1} that improved planning accuracy.",
            "Presented findings to stakeholders and wrote technical documentation for the team.",
        ),
    ),
    "DevOps & Cloud": CategoryText(
        nouns=("DevOps Engineer", "Cloud Engineer", "Site Reliability Engineer", "Cloud Architect"),
        roles=(
            "DevOps Engineer",
            "System Administrator",
            "Cloud Engineer",
            "Infrastructure Engineer",
        ),
        domains=("startups", "e-commerce platforms", "software companies", "media companies"),
        lines=(
            "I design and run reliable infrastructure on {s0} with {s1} and {s2}.",
            "I automate everything that runs more than twice, from server setup to deployment "
            "and backups.",
            "I have moved several applications to the cloud without downtime and reduced "
            "hosting costs along the way.",
            "Monitoring and clear alerts are part of every setup I deliver, so problems are "
            "found before users notice them.",
            "I have supported {domain} and {domain2} with security reviews and incident response.",
        ),
        duties=(
            "Managed production infrastructure on {s0} and kept availability above the agreed "
            "target.",
            "Introduced infrastructure as code with {s1} and documented every environment.",
            "Built deployment pipelines and reduced release time from hours to minutes.",
            "Handled maintenance, upgrades and on-call support for {domain}.",
        ),
    ),
    "Design & Creative": CategoryText(
        nouns=(
            "Product Designer",
            "Graphic Designer",
            "UI Designer",
            "Brand Designer",
            "Visual Designer",
        ),
        roles=("Graphic Designer", "Junior Designer", "Product Designer", "Art Director"),
        domains=(
            "mobile apps",
            "consumer brands",
            "startups",
            "restaurants",
            "nonprofit organizations",
        ),
        lines=(
            "I create clean, modern designs with {s0} and {s1}, always starting from the "
            "business goal.",
            "My process includes research, sketches, several rounds of feedback and final "
            "files that are ready for development or print.",
            "I have designed for {domain} and {domain2}, and I enjoy building a consistent "
            "visual language across every product.",
            "I am equally comfortable with {s2} and with presenting my work to stakeholders.",
            "Good design should be simple to use and easy to recognize, and that is what I "
            "aim for in every project.",
        ),
        duties=(
            "Designed brand assets and marketing material for {domain} using {s0}.",
            "Created user interface designs and prototypes and tested them with real users.",
            "Worked with developers to make sure the final product matched the approved design.",
            "Prepared print and digital files and managed feedback from several clients at once.",
        ),
    ),
    "Writing & Translation": CategoryText(
        nouns=(
            "Content Writer",
            "Technical Writer",
            "Copywriter",
            "Translator",
            "Copy Editor",
        ),
        roles=("Content Writer", "Editor", "Technical Writer", "Translator", "Copywriter"),
        domains=(
            "software companies",
            "travel agencies",
            "online magazines",
            "health care brands",
            "marketing agencies",
        ),
        lines=(
            "I write clear, engaging text that people actually read, with a focus on {s0} and "
            "{s1}.",
            "I have written and edited for {domain} and {domain2}, always matching the voice "
            "of the brand.",
            "Every piece I deliver is researched, checked for accuracy and proofread before it "
            "reaches the client.",
            "I also work on {s2}, and I am used to tight deadlines and detailed style guides.",
            "I believe good writing is a service to the reader, so I keep sentences short and "
            "the structure easy to follow.",
        ),
        duties=(
            "Wrote and edited articles, guides and web pages for {domain}.",
            "Produced documentation and release notes with the product and support teams.",
            "Handled {s0} projects from the first brief to the final review.",
            "Managed a content calendar and delivered several pieces every week on schedule.",
        ),
    ),
    "Marketing & Sales": CategoryText(
        nouns=(
            "Digital Marketer",
            "Growth Marketer",
            "Marketing Consultant",
            "Performance Marketer",
        ),
        roles=(
            "Marketing Specialist",
            "Marketing Assistant",
            "Growth Manager",
            "Sales Representative",
        ),
        domains=(
            "online shops",
            "software companies",
            "local businesses",
            "education providers",
            "real estate agencies",
        ),
        lines=(
            "I help businesses find and keep customers through {s0}, {s1} and {s2}.",
            "I have managed campaigns for {domain} and {domain2} with budgets from a few "
            "hundred to tens of thousands of dollars a month.",
            "Every campaign I run is measured, and I report on the numbers that matter to the "
            "business, not on vanity metrics.",
            "I am comfortable with analytics tools, landing page tests and customer research.",
            "My goal is always a steady, profitable growth that the client can keep running "
            "after our project ends.",
        ),
        duties=(
            "Planned and ran {s0} campaigns for {domain} and reported on the results every week.",
            "Improved conversion rates by testing landing pages and email sequences.",
            "Built the lead generation process and trained the sales team to use the CRM.",
            "Managed the marketing budget and worked with designers and writers on new content.",
        ),
    ),
    "Admin & Customer Support": CategoryText(
        nouns=(
            "Virtual Assistant",
            "Customer Support Specialist",
            "Executive Assistant",
            "Support Agent",
        ),
        roles=(
            "Customer Support Agent",
            "Administrative Assistant",
            "Office Assistant",
            "Executive Assistant",
        ),
        domains=(
            "online shops",
            "small businesses",
            "software companies",
            "travel agencies",
            "real estate agencies",
        ),
        lines=(
            "I help busy teams stay organized and keep their customers happy, with a focus on "
            "{s0} and {s1}.",
            "I have supported {domain} and {domain2}, answering customers by email, chat and "
            "phone.",
            "I am reliable, friendly and detail oriented, and I always follow up until a "
            "problem is solved.",
            "I am familiar with {s2} and I learn new tools quickly.",
            "Clients often tell me that working with me gives them back several hours every week.",
        ),
        duties=(
            "Answered customer questions by email and chat and kept the response time under "
            "one hour.",
            "Managed calendars, travel and documents for the management team.",
            "Handled {s0} tasks for {domain} with a very low error rate.",
            "Kept the help center articles up to date and trained new support agents.",
        ),
    ),
    "Finance & Accounting": CategoryText(
        nouns=("Accountant", "Bookkeeper", "Financial Analyst", "Finance Consultant"),
        roles=(
            "Accountant",
            "Junior Accountant",
            "Financial Analyst",
            "Bookkeeper",
            "Accounts Assistant",
        ),
        domains=(
            "small businesses",
            "online shops",
            "startups",
            "property managers",
            "consulting firms",
        ),
        lines=(
            "I keep the books of small and medium businesses accurate and up to date with "
            "{s0} and {s1}.",
            "I have prepared monthly reports, tax filings and cash flow forecasts for {domain} "
            "and {domain2}.",
            "My clients receive clear reports that explain where their money goes and what to "
            "expect next.",
            "I also work with {s2}, and I follow the accounting rules of each country I work with.",
            "I handle financial information with discretion and I am responsible with deadlines.",
        ),
        duties=(
            "Managed the accounts of {domain} using {s0} and closed the books every month.",
            "Prepared tax returns, payroll and financial statements for several clients.",
            "Built budgeting and forecasting models that the owners used to plan their growth.",
            "Reconciled bank accounts and reduced late payments with a new invoicing process.",
        ),
    ),
    "Engineering & Architecture": CategoryText(
        nouns=(
            "Mechanical Engineer",
            "Electrical Engineer",
            "Structural Engineer",
            "CAD Designer",
            "Architectural Designer",
        ),
        roles=("Design Engineer", "Junior Engineer", "Project Engineer", "CAD Technician"),
        domains=(
            "construction companies",
            "manufacturers",
            "architecture firms",
            "hardware startups",
        ),
        lines=(
            "I deliver precise technical drawings and models with {s0} and {s1}.",
            "I have worked for {domain} and {domain2}, from the first concept to the final "
            "documentation.",
            "All of my work follows the relevant standards and is checked before delivery.",
            "I am also experienced with {s2} and with preparing files for manufacturing.",
            "I like practical problems and I explain technical choices so that everyone on the "
            "project can follow them.",
        ),
        duties=(
            "Prepared drawings and models in {s0} for {domain}.",
            "Calculated loads and checked designs against the applicable standards.",
            "Worked with suppliers and site teams to solve technical problems during production.",
            "Documented design changes and kept the project archive up to date.",
        ),
    ),
    "Video & Audio": CategoryText(
        nouns=("Video Editor", "Motion Designer", "Audio Engineer", "Video Producer"),
        roles=("Video Editor", "Assistant Editor", "Audio Engineer", "Content Producer"),
        domains=(
            "YouTube channels",
            "podcasts",
            "marketing agencies",
            "online courses",
            "music artists",
        ),
        lines=(
            "I edit videos and audio that keep the audience watching, using {s0} and {s1}.",
            "I have worked with {domain} and {domain2}, delivering on a weekly schedule.",
            "My work includes cutting, color, sound and captions, so the client receives a "
            "finished product.",
            "I am also experienced with {s2} and I always keep the project files organized.",
            "I listen carefully to feedback and usually need only one round of changes.",
        ),
        duties=(
            "Edited weekly videos for {domain} using {s0} and delivered them on schedule.",
            "Created motion graphics, titles and captions for social media versions.",
            "Cleaned and mixed audio recordings and prepared them for publishing.",
            "Managed footage and project archives for a team of several editors.",
        ),
    ),
    "QA & Security": CategoryText(
        nouns=(
            "QA Engineer",
            "Test Automation Engineer",
            "Security Consultant",
            "Penetration Tester",
        ),
        roles=("QA Engineer", "Software Tester", "Security Analyst", "QA Analyst"),
        domains=("banking apps", "online shops", "software companies", "health care platforms"),
        lines=(
            "I help teams release software with confidence through {s0} and {s1}.",
            "I have tested web and mobile products for {domain} and {domain2}.",
            "My reports are clear and reproducible, with steps, evidence and a suggested "
            "priority for every issue.",
            "I am also experienced with {s2} and with building test suites that developers "
            "actually maintain.",
            "I believe quality is a shared responsibility, so I work closely with developers "
            "from the beginning of a project.",
        ),
        duties=(
            "Designed and ran test plans for {domain} and reported issues to the developers.",
            "Built automated tests with {s0} that run on every change.",
            "Performed security reviews and helped the team fix the most important findings.",
            "Improved the release process by introducing regression tests and clear quality gates.",
        ),
    ),
    "Game Development": CategoryText(
        nouns=("Game Developer", "Gameplay Programmer", "Game Designer", "Indie Game Developer"),
        roles=("Game Developer", "Gameplay Programmer", "Junior Programmer", "Game Designer"),
        domains=("mobile games", "indie studios", "educational games", "puzzle games"),
        lines=(
            "I build games and interactive experiences with {s0} and {s1}.",
            "I have worked on {domain} and {domain2}, from the first prototype to the release.",
            "I care about game feel, performance and clean code that the whole team can work with.",
            "I am also experienced with {s2} and with publishing builds for several platforms.",
            "I enjoy working with artists and designers to turn an idea into something people "
            "want to play again.",
        ),
        duties=(
            "Developed gameplay systems for {domain} using {s0}.",
            "Optimized performance so the game ran smoothly on older devices.",
            "Implemented user interface, saving and analytics for several released titles.",
            "Worked with artists and designers to prototype and test new features.",
        ),
    ),
}

INTROS = (
    "Hello, I am {name}, {a_noun} based in {country}.",
    "Hi! I am {a_noun} with {years_phrase} of professional experience.",
    "I am {a_noun} from {country} and I help clients around the world with {s0}.",
    "Thank you for visiting my profile. I am {a_noun} who enjoys solving real business problems.",
    "My name is {name}, and I have been working as {a_noun} for {years_phrase}.",
)

EXPERIENCE = (
    "In my {years_phrase} of freelancing I have worked with startups, small businesses and "
    "larger companies.",
    "I have successfully completed many projects for clients in different industries, from "
    "small startups to established businesses.",
    "My experience covers both independent freelance work and long-term roles inside product "
    "teams.",
    "I started my career at {company}, where I learned how to deliver quality work in a "
    "fast-paced environment.",
)

ACHIEVEMENTS = (
    "One of my favorite recent projects was for a client who needed results within two weeks, "
    "and we delivered on time.",
    "Many of my clients have hired me again, and most of my work comes from referrals.",
    "I am proud that several of my projects are still in use years after I delivered them.",
    "I have received excellent feedback for the quality of my work and for my communication.",
)

WORKSTYLE = (
    "I communicate clearly and regularly, so you always know where your project stands.",
    "I am committed to meeting deadlines and I will tell you early if anything changes.",
    "I ask the necessary questions at the beginning, which saves time and money later.",
    "I am available for both short tasks and long-term collaboration, and I am flexible with "
    "time zones.",
    "I am responsible, organized and comfortable working independently or as part of a team.",
    "I can accommodate your schedule and I am happy to join regular calls.",
)

CLOSINGS = (
    "If you are looking for someone reliable, send me a message and let us discuss your project.",
    "Feel free to contact me with any questions; I usually reply within a few hours.",
    "I would be happy to hear about your project and recommend the best approach.",
    "Let us work together and turn your idea into a successful result.",
    "Send me a message today, and I will get back to you with a clear plan.",
)

THIN_OVERVIEWS = (
    "I am {a_noun}. I know {s0} and {s1}. Contact me for work.",
    "Hello, I am {name}. I do {s0} and {s1}. I am a hard worker and I learn fast. Please "
    "send me a message if you have a project.",
    "Experienced {noun} available for projects. Skills: {s0}, {s1}, {s2}. Good communication "
    "and fast delivery. Message me.",
    "I am {a_noun} with {years_phrase} of experience. I deliver quality work on time and "
    "I am available now.",
)

THIN_DUTIES = (
    "Freelance work.",
    "Worked on projects.",
    "Did {s0} for clients.",
    "General tasks.",
    "Various client projects.",
    "Helped the team.",
)

TITLE_TEMPLATES = (
    "{level} {noun} | {s0}, {s1} & {s2}",
    "{noun} | {s0} & {s1}",
    "{level} {noun} Specializing in {s0}",
    "{noun} with {years}+ Years of Experience in {s0}",
    "{s0} & {s1} {noun}",
    "{level} {noun} – {s0} and {s1} Expert",
    "Professional {noun} | {s0} | {s1} | {s2}",
)

_NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def years_phrase(years: int) -> str:
    if years <= 1:
        return "one year"
    word = _NUMBER_WORDS[years] if years < len(_NUMBER_WORDS) else str(years)
    return f"{word} years"


def level_for(years: int, rng: random.Random) -> str:
    if years >= 8:
        return rng.choice(("Senior", "Lead", "Experienced", "Senior"))
    if years >= 3:
        return rng.choice(("Experienced", "Certified", "Skilled", ""))
    return rng.choice(("Junior", "Entry-Level", ""))


# Letters whose names begin with a vowel sound: "an SEO audit", "an HTML email", "a UX review".
_AN_LETTERS = frozenset("AEFHILMNORSX")
# Words spelled with a vowel that begin with a consonant sound ("a unique", "a user", "a European",
# "a one-off") …
_CONSONANT_SOUND = (
    "uni",
    "use",
    "usa",
    "usu",
    "uti",
    "ute",
    "uto",
    "ura",
    "uri",
    "uro",
    "uku",
    "ukr",
    "uga",
    "ubi",
    "eu",
    "ewe",
    "one",
    "once",
)
# … except these, which begin with "un-" the prefix: "an uninstaller", "an unimportant".
_UN_PREFIX = ("unin", "unim", "unid", "unac", "unaf", "unan", "unex", "unem")
# Words spelled with an "h" that is not pronounced: "an hour", "an honest".
_SILENT_H = ("hour", "honest", "honor", "honour", "heir")


def article_for(phrase: str) -> str:
    """The indefinite article ("a" or "an") for the sound the phrase begins with."""
    first = phrase.split()[0].strip("\"'(“‘")
    if not first:
        return "a"
    if first[0].isdigit():
        number = "".join(itertools.takewhile(str.isdigit, first))
        # "an 8-hour", "an 11-year", "an 18-month", "an 80"; "a 1", "a 100"
        spoken_an = number.startswith("8") or (len(number) in (2, 5) and number[:2] in ("11", "18"))
        return "an" if spoken_an else "a"
    letters = first.split("-")[0]
    if len(letters) > 1 and letters.isupper():  # an acronym: read letter by letter
        return "an" if letters[0] in _AN_LETTERS else "a"
    if len(letters) == 1:  # a single letter: its name
        return "an" if letters.upper() in _AN_LETTERS else "a"
    lower = letters.lower()
    if lower.startswith(_SILENT_H):
        return "an"
    if lower.startswith(_CONSONANT_SOUND) and not lower.startswith(_UN_PREFIX):
        return "a"
    return "an" if lower[0] in "aeiou" else "a"


def with_article(phrase: str) -> str:
    """The phrase after its indefinite article: "an Indie Game Developer", "a UI Designer",
    "an SEO Specialist", "a Unity Developer", "an Unreal Engine Developer", "an iOS
    Developer", "a User Researcher", "an Upwork Expert"."""
    return f"{article_for(phrase)} {phrase}"


def fill(template: str, values: dict[str, str]) -> str:
    text = template.format_map(values)
    return " ".join(text.split())


def repeats_a_word(text: str) -> bool:
    """Whether a word follows itself with only spaces or a joining sign between ("Technical
    Support Support Agent", "Senior Senior Developer", "Design & design"; "Content Marketing,
    Marketing Strategy" is fine: a comma separates items)."""
    words = [w.lower() for w in text.split() if w not in ("&", "|", "–", "-", "/", "+")]
    return any(a == b and a[-1:].isalnum() for a, b in itertools.pairwise(words))


def make_title(template: str, values: dict[str, str]) -> str:
    """A title from a template. A word never follows itself: when a skill ends the way the job
    title starts ("Technical Support Support Agent"), or a level repeats the title's first word,
    the next template that reads well is used instead."""
    start = TITLE_TEMPLATES.index(template) if template in TITLE_TEMPLATES else 0
    candidates = [template, *TITLE_TEMPLATES[start + 1 :], *TITLE_TEMPLATES[:start]]
    title = ""
    for candidate in candidates:
        title = fill(candidate, values)
        if not repeats_a_word(title):
            break
    else:
        title = fill("{noun} | {s0}", values)
    if len(title.split()) < 3:  # a template that collapsed: never leave a clean title thin
        title = f"{title} | {values['s0']}"
    return title


def thin_title(rng: random.Random, noun: str, skills: tuple[str, ...]) -> str:
    words = noun.split()
    choice = rng.randrange(3)
    if choice == 0:
        return words[-1]
    if choice == 1:
        return " ".join(words[-2:])
    return skills[0] if skills and len(skills[0].split()) < 3 else words[-1]


# --- misspellings --------------------------------------------------------------------------

# Correct word -> real misspellings people make (lower case). None of the misspelled forms is an
# English word, and every correct word occurs in the templates above.
MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "experience": ("experiance", "expirience", "experince"),
    "experienced": ("experianced", "expirienced"),
    "professional": ("proffesional", "profesional", "professionnal"),
    "successfully": ("succesfully", "successfuly", "sucessfully"),
    "successful": ("succesful", "successfull", "sucessful"),
    "business": ("buisness", "bussiness", "busines"),
    "businesses": ("buisnesses", "bussinesses"),
    "communication": ("comunication", "communcation"),
    "communicate": ("comunicate", "communcate"),
    "committed": ("commited", "comitted"),
    "necessary": ("neccessary", "necesary", "neccesary"),
    "beginning": ("begining", "beggining"),
    "environment": ("enviroment", "enviornment"),
    "different": ("diffrent", "diferent"),
    "independent": ("independant", "indipendent"),
    "independently": ("independantly", "indipendently"),
    "responsible": ("responsable", "responsibile"),
    "responsibility": ("responsability", "responsibilty"),
    "comfortable": ("comfortible", "confortable", "comftorable"),
    "available": ("availible", "avaliable", "availabe"),
    "accommodate": ("accomodate", "acommodate"),
    "recommend": ("reccomend", "recomend", "reccommend"),
    "received": ("recieved", "receved"),
    "receive": ("recieve", "receve"),
    "excellent": ("excelent", "exellent", "excellant"),
    "requirements": ("requirments", "requirenments"),
    "quality": ("qaulity", "quallity", "qualty"),
    "schedule": ("shedule", "schedual", "scedule"),
    "maintenance": ("maintainance", "maintenence", "mantainance"),
    "technical": ("techincal", "tecnical"),
    "familiar": ("familar", "familliar"),
    "collaboration": ("colaboration", "collabration"),
    "accuracy": ("acuracy", "accurracy"),
    "accurate": ("accurrate", "acurate"),
    "believe": ("beleive", "belive"),
    "several": ("severel", "sevral"),
    "organized": ("organzied", "orgainzed"),
    "regularly": ("regulary", "reguarly"),
    "immediately": ("immediatly", "imediately"),
    "deadlines": ("deadlins", "dealines"),
    "recent": ("recnet", "rescent"),
    "favorite": ("favortie", "favrite"),
    "projects": ("projets", "porjects"),
    "clients": ("cleints", "clinets"),
    "client": ("cleint", "clinet"),
    "questions": ("questons", "quesitons"),
    "management": ("managment", "managemant"),
    "performance": ("perfomance", "preformance"),
    "referrals": ("referals", "refferals"),
    "delivered": ("deliverd", "deliveried"),
    "development": ("developement", "devlopment"),
    "reliable": ("relaible", "reliabe"),
    "research": ("reseach", "reasearch"),
    "documentation": ("documantation", "documentaion"),
    "which": ("wich", "whitch"),
    "their": ("thier",),
    "until": ("untill",),
    "across": ("accross",),
    "careful": ("carefull",),
    "writing": ("writting",),
    "written": ("writen", "writtten"),
    "actually": ("actualy", "acutally"),
    "usually": ("usualy", "ususally"),
    "especially": ("especialy", "expecially"),
    "relevant": ("relevent", "revelant"),
    "consistent": ("consistant", "consitent"),
    "engaging": ("engagin", "enganging"),
    "organizations": ("organizatons", "orginizations"),
    "opportunity": ("oppurtunity", "oportunity"),
    "calendar": ("calender", "calandar"),
    "developer": ("developper", "devloper"),
    "developers": ("developpers", "devlopers"),
    "engineer": ("enginner", "engeneer"),
    "designer": ("desginer", "disigner"),
    "consultant": ("consultent", "consaltant"),
    "analyst": ("analist", "anaylst"),
    "accountant": ("accountent", "acountant"),
    "assistant": ("assistent", "asistant"),
    "writer": ("writter", "wirter"),
    "translator": ("translater", "tranlator"),
    "specialist": ("specalist", "specialsit"),
    "specializing": ("specalizing", "specializng"),
    "architect": ("architech", "arcitect"),
    "marketer": ("marketter", "markter"),
    "bookkeeper": ("bookeeper", "bookkeper"),
    "editor": ("edditor",),
    "programmer": ("programer", "progammer"),
    "producer": ("prodcuer", "porducer"),
    "tester": ("testter",),
    "expert": ("expret", "exeprt"),
    "project": ("projcet", "porject"),
    "message": ("mesage", "messege"),
    "design": ("desing", "dessign"),
    "designers": ("desingers", "designors"),
    "developed": ("developped", "develloped"),
    "integrated": ("intergrated", "integratted"),
    "maintained": ("maintaned", "mantained"),
    "managed": ("manged", "managaed"),
    "prepared": ("prepaired", "perpared"),
    "automated": ("automatted", "autamated"),
    "features": ("feautres", "featuers"),
    "platforms": ("platfroms", "plattforms"),
    "stakeholders": ("stakehoders", "stakeholers"),
    "customer": ("custmer", "cutsomer"),
    "answered": ("answerd", "anwsered"),
    "handled": ("handeled", "handlled"),
    "worked": ("workd", "wroked"),
    "built": ("biult", "bulit"),
    "tasks": ("taks", "tasls"),
    "designed": ("desinged", "dessigned"),
    "designs": ("desings", "dessigns"),
    "created": ("craeted", "creatd"),
    "edited": ("editted", "edditted"),
    "articles": ("artciles", "aritcles"),
    "campaigns": ("campains", "campaings"),
    "results": ("resluts", "reults"),
    "conversion": ("convertion", "converison"),
    "accounts": ("acounts", "accouts"),
    "payments": ("payements", "paymets"),
    "calculated": ("calculted", "calcualted"),
    "standards": ("standarts", "standars"),
    "graphics": ("grafics", "graphcis"),
    "captions": ("captoins", "captons"),
    "security": ("securty", "secuirty"),
    "important": ("importent", "importnat"),
    "contact": ("contcat", "conatct"),
    "scientist": ("scientst", "sceintist"),
    "copywriter": ("copywritter", "copywiter"),
    "agent": ("agnet", "agant"),
    "support": ("suport", "supprot"),
    "years": ("yeras", "yaers"),
}

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


@dataclass(frozen=True, slots=True)
class Misspelling:
    section: str  # "title", "overview" or "employment"
    index: int | None  # position in the work history for "employment", else None
    offset: int  # character offset of the misspelled word in the final text
    word: str  # as it appears in the text
    correct: str

    def as_details(self) -> dict[str, object]:
        details: dict[str, object] = {
            "section": self.section,
            "word": self.word,
            "correct": self.correct,
            "offset": self.offset,
        }
        if self.index is not None:
            details["index"] = self.index
        return details


def _match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def candidates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, correct word) of every word that has a known misspelling."""
    return [
        (m.start(), m.end(), m.group())
        for m in _WORD.finditer(text)
        if m.group().lower() in MISSPELLINGS
    ]


def inject_misspellings(
    rng: random.Random,
    sections: dict[tuple[str, int | None], str],
    count: int,
    title_share: float = 0.25,
) -> tuple[dict[tuple[str, int | None], str], list[Misspelling]]:
    """Replace `count` words (at least one) with real misspellings.

    `sections` maps (section, index) to text; returns the new texts and what was changed, with
    offsets into the new texts. Raises ValueError when the texts offer no word to misspell.
    """
    found = {key: candidates(text) for key, text in sections.items()}
    pool = [(key, c) for key, cands in found.items() for c in cands]
    if not pool:
        raise ValueError("no word to misspell")
    chosen: list[tuple[tuple[str, int | None], tuple[int, int, str]]] = []
    title_pool = [p for p in pool if p[0][0] == "title"]
    if title_pool and rng.random() < title_share:
        chosen.append(rng.choice(title_pool))
    rest = [p for p in pool if p not in chosen]
    rng.shuffle(rest)
    for item in rest:
        if len(chosen) >= max(1, count):
            break
        # Keep errors apart: at most one per word of text.
        if all(item[0] != c[0] or abs(item[1][0] - c[1][0]) > 40 for c in chosen):
            chosen.append(item)
    if not chosen:
        chosen.append(pool[0])

    result = dict(sections)
    errors: list[Misspelling] = []
    for key in sections:
        picks = sorted((c for k, c in chosen if k == key), key=lambda c: c[0])
        if not picks:
            continue
        text = sections[key]
        parts: list[str] = []
        cursor = 0
        length = 0
        for start, end, correct in picks:
            parts.append(text[cursor:start])
            length += start - cursor
            wrong = _match_case(correct, rng.choice(MISSPELLINGS[correct.lower()]))
            errors.append(Misspelling(key[0], key[1], length, wrong, correct))
            parts.append(wrong)
            length += len(wrong)
            cursor = end
        parts.append(text[cursor:])
        result[key] = "".join(parts)
    return result, errors
