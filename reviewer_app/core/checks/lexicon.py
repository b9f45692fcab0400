"""Words that are right in a freelancer's profile but missing from a general English dictionary:
technical terms, product and company names, business jargon. Lower case; checked without regard
to case. Multi-word names are split by the text check, so only single words are listed.

Skill names from the marketplace's taxonomy, the applicant's own names, companies, schools,
countries and languages are added per application (see `text.vocabulary_for`).
"""

from __future__ import annotations

_WORDS = """
uptime downtime failover autoscaling loadbalancer hotfixes backups backup dev devs ops
args async await boolean bytecode changelog charset cli codec codecs config coroutine coroutines
cron crontab datatype datetime deque dict dicts filename filenames filesystem filesystems
frontend getter getters hostname hostnames init iterable iterables iterator json kwargs
localhost metadata middleware multipart mutex namespace namespaces newline newlines preload
preprocessing proxied regex runtime scrollbar setter setters stderr stdin stdout struct
subclass subclassed subclasses subclassing subdirectory subfolder substring subtask subtasks
subtest symlink symlinks templating tuple tuples typename unicode uri uris whitespace
gameplay multiplayer esports playtest playtesting worldbuilding tileset tilemap spritesheet
roguelike metaverse
accessibility adwords agile airtable ajax algolia analytics android angular ansible apache api apis
appium app apps arduino asana async atlassian autocad automations aws azure backend backends
backlog backlinks backoffice bash bigquery bitbucket blockchain blog blogger blogging blogs
bluetooth bookkeeper bookkeeping bootstrap bootcamp breakpoints browserstack bugfix bugfixes
builder's canva cloudflare cms codebase codebases codeigniter colab config configs containerization
containerized copywriter copywriters copywriting cpanel crm crms css cybersecurity cypress
dashboard dashboards datadog dataset datasets debian debugging dev devops devs django docker
dockerfile dropshipping drupal dynamodb ebay ebook ebooks ecommerce e-commerce elasticsearch
elementor email emails endpoint endpoints erp etl eslint ethereum excel expressjs facebook fastapi
figma firebase firestore fiverr flask flexbox flutter freelance freelancer freelancers freelancing
frontend frontends fullstack gamification gcp gdpr git github gitlab gmail golang google graphql
hackathon hackathons hashtag hashtags heroku hotjar hubspot html https hyperparameter infographic
infographics instagram integrations intercom ios iot javascript jenkins jira jquery json jupyter
kanban keras keyword keywords kotlin kpi kpis kubernetes lambda laravel leaderboard linkedin linter
linux localization localize localized lookups macos magento mailchimp mailchimp's metadata
microservice microservices middleware miro mockup mockups mongodb monorepo multiplatform
multithreading mvp mysql neo4j netlify nginx nlp nodejs nosql notion npm numpy nuxt oauth
offboarding omnichannel onboarding onboard onboarded opencv openai openstack optimizations
outsourcing pagespeed pandas paypal pdf pdfs performant photoshop php pinterest pipelines pixel
plugin plugins podcast podcasts postgres postgresql postman powerpoint prestashop prototyping
proofreader proofreading pwa pytest python pytorch quickbooks reactjs readme realtime redis redux
refactor refactored refactoring refactors regex repo repos responsive roadmap roadmaps roi rollout
rollouts ruby runtime saas salesforce sass scalability scalable scikit screencast scrum sdk sdks
selenium seo serverless sharepoint shopify sketchup skype slack smartphone smartphones snapchat
snowflake solidity spreadsheet spreadsheets sql sqlite squarespace ssl stakeholder stakeholders
startup startups storyboard storyboards storyboarding stripe subreddit svelte swiftui tableau
tailwind teamwork telegram terraform testbed tiktok timeline timelines todo toolchain toolset
trello troubleshoot troubleshooting twilio twitter typescript typography ubuntu ui uis unity upwork
url urls usability usb ux vba vercel versioning vimeo virtualization visualizations vscode vue
vuejs walkthrough walkthroughs web webflow webhook webhooks webinar webinars webpack website
websites whatsapp wix woocommerce wordpress workflow workflows workspace wireframe wireframes
wireframing xero xml yaml youtube youtuber zapier zendesk zoom analytic benchmarking bestseller
bestsellers biotech brainstorm brainstorming checkout chatbot chatbots cheatsheet clickbait
cofounder co-founder coworkers crowdfunding crowdsourcing cyber datacenter deliverable deliverables
dropdown ecosystem email-marketing fintech geolocation healthcare hiring homepage hotfix inbox
infographic insurtech internship internships landing lifecycle livestream login logins logo logos
marketplace marketplaces martech microcopy midsize mindset monetization monetize multichannel
newsletter newsletters nonprofit nonprofits offline online onsite outsource paywall pitchdeck
podcasting preorder proptech realtor rebrand rebranding reskin retargeting scaleup scaleups signup
sitemap skillset skillsets smartwatch subcontractor subscription subtitle subtitling teleconference
upsell upselling usecase userbase username usernames voiceover vlog vlogs walkthrough webshop
webshops whitepaper whitepapers workload workloads
"""

TECH_TERMS: frozenset[str] = frozenset(_WORDS.split())


# Well-known misspellings (from the usual lists of commonly misspelled English words) that the
# frequency dictionary nevertheless holds as words, with the right spelling. Words not in the
# dictionary need no entry here: they are reported anyway.
_MISSPELLINGS = """
accomodate:accommodate acheive:achieve adress:address agressive:aggressive
arguement:argument basicly:basically begining:beginning beleive:believe calender:calendar
carreer:career cemetary:cemetery collegue:colleague comming:coming commited:committed
concious:conscious definately:definitely desicion:decision
embarass:embarrass enviroment:environment existance:existence experiance:experience
familar:familiar finaly:finally foriegn:foreign freind:friend goverment:government
grammer:grammar gaurd:guard happend:happened harrass:harass independant:independent
knowlege:knowledge liason:liaison libary:library lisence:license maintainance:maintenance
managment:management millenium:millennium neccessary:necessary noticable:noticeable
occured:occurred occurence:occurrence oppurtunity:opportunity persue:pursue posession:possession
prefered:preferred programer:programmer programers:programmers publically:publicly
realy:really recieve:receive recieved:received reccomend:recommend refered:referred
relevent:relevant religous:religious remeber:remember responsable:responsible
seperate:separate seperately:separately sucess:success succesful:successful
suprise:surprise tommorow:tomorrow tounge:tongue truely:truly untill:until wich:which
wierd:weird writting:writing
"""

KNOWN_MISSPELLINGS: dict[str, str] = {
    wrong: right for wrong, _colon, right in (pair.partition(":") for pair in _MISSPELLINGS.split())
}
