"""The skill taxonomy of the demo marketplace and its client demand.

Demand figures are fixed (they do not depend on the generator's seed): every skill has a number
of open client jobs and of active freelancers, derived from the SHA-256 of its name, so the
service, the generator and the tests agree on them without sharing state.

A skill is in *low demand* when open jobs per active freelancer is below `LOW_DEMAND_RATIO`.
The low-demand skills are chosen on purpose (over-supplied entry-level work and fading
technologies); every other skill sits well above the threshold, so there are no borderline cases.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

# Open client jobs per active freelancer below which a skill counts as low demand.
LOW_DEMAND_RATIO = 0.25

# A skill set is low demand when more than this share of its skills is below the ratio.
LOW_DEMAND_SHARE = 0.5

# category -> skills. The low-demand ones are listed in _LOW_DEMAND below.
SKILL_TAXONOMY: dict[str, tuple[str, ...]] = {
    "Web Development": (
        "React",
        "Angular",
        "Vue.js",
        "Next.js",
        "Node.js",
        "TypeScript",
        "JavaScript",
        "PHP",
        "Laravel",
        "Django",
        "Ruby on Rails",
        "GraphQL",
        "REST API Design",
        "Shopify",
        "jQuery",
        "Joomla",
        "Adobe Dreamweaver",
        "Wix Site Building",
        "WordPress Theme Setup",
    ),
    "Mobile Development": (
        "Swift",
        "SwiftUI",
        "Kotlin",
        "Android SDK",
        "Flutter",
        "React Native",
        "Dart",
        "Firebase",
        "Jetpack Compose",
        "App Store Optimization",
        "Objective-C",
        "Xamarin",
        "Apache Cordova",
        "Ionic Framework",
    ),
    "Data Science & Analytics": (
        "Python",
        "pandas",
        "SQL",
        "Machine Learning",
        "Deep Learning",
        "PyTorch",
        "TensorFlow",
        "Power BI",
        "Tableau",
        "Data Visualization",
        "Statistics",
        "R",
        "Natural Language Processing",
        "Computer Vision",
        "SPSS",
        "Excel Data Cleaning",
        "Google Data Studio",
        "Weka",
    ),
    "DevOps & Cloud": (
        "AWS",
        "Microsoft Azure",
        "Google Cloud Platform",
        "Docker",
        "Kubernetes",
        "Terraform",
        "Ansible",
        "CI/CD",
        "Linux System Administration",
        "GitHub Actions",
        "Prometheus",
        "PostgreSQL Administration",
        "cPanel Administration",
        "Puppet",
        "OpenStack",
        "Windows Server 2008",
    ),
    "Design & Creative": (
        "UI Design",
        "UX Research",
        "Figma",
        "Adobe Illustrator",
        "Brand Identity",
        "Motion Graphics",
        "3D Modeling",
        "Blender",
        "Packaging Design",
        "Illustration",
        "Design Systems",
        "Logo Design",
        "Business Card Design",
        "Flyer Design",
        "Photo Retouching",
    ),
    "Writing & Translation": (
        "Copywriting",
        "Technical Writing",
        "Content Strategy",
        "Editing",
        "Grant Writing",
        "UX Writing",
        "English to Spanish Translation",
        "English to German Translation",
        "English to Japanese Translation",
        "Medical Writing",
        "Proofreading",
        "Transcription",
        "Article Rewriting",
        "Product Descriptions",
    ),
    "Marketing & Sales": (
        "SEO",
        "Google Ads",
        "Meta Ads",
        "Email Marketing",
        "Marketing Strategy",
        "Content Marketing",
        "HubSpot",
        "Salesforce",
        "Lead Generation",
        "Conversion Rate Optimization",
        "Market Research",
        "Social Media Posting",
        "Cold Calling",
        "Instagram Follower Growth",
        "Affiliate Marketing",
    ),
    "Admin & Customer Support": (
        "Customer Service",
        "Zendesk",
        "Intercom",
        "Technical Support",
        "Project Coordination",
        "Email Support",
        "Executive Assistance",
        "Notion",
        "Virtual Assistance",
        "Data Entry",
        "Copy Typing",
        "Web Research",
        "Calendar Management",
    ),
    "Finance & Accounting": (
        "Bookkeeping",
        "QuickBooks",
        "Xero",
        "Financial Modeling",
        "Financial Analysis",
        "Tax Preparation",
        "Payroll",
        "Budgeting & Forecasting",
        "IFRS",
        "Excel VBA",
        "Invoice Processing",
        "Forex Trading",
        "Cryptocurrency Trading",
        "Receipt Scanning",
    ),
    "Engineering & Architecture": (
        "AutoCAD",
        "SolidWorks",
        "Revit",
        "PCB Design",
        "Embedded C",
        "MATLAB",
        "Structural Engineering",
        "HVAC Design",
        "Civil 3D",
        "Finite Element Analysis",
        "Arduino",
        "SketchUp",
        "3D Printing",
        "Floor Plan Drafting",
    ),
    "Video & Audio": (
        "Video Editing",
        "Adobe Premiere Pro",
        "Adobe After Effects",
        "DaVinci Resolve",
        "Color Grading",
        "Podcast Production",
        "Voice Over",
        "Sound Design",
        "Music Production",
        "2D Animation",
        "Explainer Videos",
        "YouTube Thumbnails",
        "Slideshow Videos",
        "Audio Transcription",
        "Ringtone Making",
    ),
    "QA & Security": (
        "Penetration Testing",
        "Security Auditing",
        "ISO 27001",
        "Selenium",
        "Cypress",
        "Playwright",
        "Test Automation",
        "Load Testing",
        "Appium",
        "API Testing",
        "Manual Testing",
        "Bug Reporting",
        "Website Speed Reports",
        "Captcha Solving",
    ),
    "Game Development": (
        "Unity",
        "Unreal Engine",
        "C#",
        "C++",
        "Godot",
        "Game Design",
        "Level Design",
        "Multiplayer Networking",
        "Shader Programming",
        "Roblox Scripting",
        "Minecraft Modding",
        "Flash Games",
        "GameMaker",
    ),
}

_LOW_DEMAND: frozenset[str] = frozenset(
    {
        "jQuery",
        "Joomla",
        "Adobe Dreamweaver",
        "Wix Site Building",
        "WordPress Theme Setup",
        "Objective-C",
        "Xamarin",
        "Apache Cordova",
        "Ionic Framework",
        "SPSS",
        "Excel Data Cleaning",
        "Google Data Studio",
        "Weka",
        "cPanel Administration",
        "Puppet",
        "OpenStack",
        "Windows Server 2008",
        "Logo Design",
        "Business Card Design",
        "Flyer Design",
        "Photo Retouching",
        "Proofreading",
        "Transcription",
        "Article Rewriting",
        "Product Descriptions",
        "Social Media Posting",
        "Cold Calling",
        "Instagram Follower Growth",
        "Affiliate Marketing",
        "Virtual Assistance",
        "Data Entry",
        "Copy Typing",
        "Web Research",
        "Calendar Management",
        "Invoice Processing",
        "Forex Trading",
        "Cryptocurrency Trading",
        "Receipt Scanning",
        "Arduino",
        "SketchUp",
        "3D Printing",
        "Floor Plan Drafting",
        "YouTube Thumbnails",
        "Slideshow Videos",
        "Audio Transcription",
        "Ringtone Making",
        "Manual Testing",
        "Bug Reporting",
        "Website Speed Reports",
        "Captcha Solving",
        "Roblox Scripting",
        "Minecraft Modding",
        "Flash Games",
        "GameMaker",
    }
)

CATEGORY_OF: dict[str, str] = {
    skill: category for category, skills in SKILL_TAXONOMY.items() for skill in skills
}
_BY_FOLDED_NAME: dict[str, str] = {skill.casefold(): skill for skill in CATEGORY_OF}


def _unit(skill: str, salt: str) -> float:
    """A number in [0, 1) fixed by the skill's name."""
    digest = hashlib.sha256(f"{salt}:{skill}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _figures(skill: str) -> tuple[int, int]:
    # Active freelancers: 400 .. 40,000, log-uniform.
    active = round(400 * 100 ** _unit(skill, "active"))
    if skill in _LOW_DEMAND:
        ratio = 0.03 + 0.15 * _unit(skill, "ratio")  # 0.03 .. 0.18
    else:
        ratio = 0.35 * (8 ** _unit(skill, "ratio"))  # 0.35 .. 2.8
    return max(1, round(active * ratio)), active


# skill -> (open client jobs, active freelancers, open jobs per freelancer)
DEMAND: dict[str, tuple[int, int, float]] = {}
for _skill in CATEGORY_OF:
    _open, _active = _figures(_skill)
    DEMAND[_skill] = (_open, _active, round(_open / _active, 4))
del _skill, _open, _active


def canonical_skill(name: str) -> str | None:
    """The taxonomy's spelling of a skill name, matched without regard to case."""
    return _BY_FOLDED_NAME.get(name.strip().casefold())


def demand_for(skills: Iterable[str]) -> dict[str, tuple[int, int, float]]:
    """Demand figures for each known skill, keyed by the name as given.

    Matching ignores case and surrounding blanks; unknown skills are left out of the result.
    Values are (open client jobs, active freelancers, open jobs per active freelancer).
    """
    result: dict[str, tuple[int, int, float]] = {}
    for name in skills:
        canonical = canonical_skill(name)
        if canonical is not None:
            result[name] = DEMAND[canonical]
    return result


def is_low_demand_skill(skill: str) -> bool:
    canonical = canonical_skill(skill)
    return canonical is not None and DEMAND[canonical][2] < LOW_DEMAND_RATIO


def low_demand_share(skills: Iterable[str]) -> float:
    """The share of the given skills (known or not) that is below `LOW_DEMAND_RATIO`."""
    names = [s for s in skills if s.strip()]
    if not names:
        return 0.0
    return sum(is_low_demand_skill(s) for s in names) / len(names)


def skills_by_demand(category: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(skills above the threshold, skills below it) of one category, in taxonomy order."""
    skills = SKILL_TAXONOMY[category]
    high = tuple(s for s in skills if DEMAND[s][2] >= LOW_DEMAND_RATIO)
    low = tuple(s for s in skills if DEMAND[s][2] < LOW_DEMAND_RATIO)
    return high, low
