"""Terms the entity ruler tags in patient messages.

Lower case on purpose: Rasa lowercases text before spaCy sees it, and the ruler
matches on LOWER as well.
"""

CONDITIONS = [
    "herniated disc", "herniated disk", "herniated discs", "herniated disks",
    "slipped disc", "slipped disk", "bulging disc", "bulging disk",
    "ruptured disc", "ruptured disk", "disc herniation", "disk herniation",
    "spinal stenosis", "lumbar stenosis", "cervical stenosis", "stenosis",
    "degenerative disc disease", "degenerative disk disease", "ddd",
    "sciatica", "pinched nerve", "chronic back pain",
    "spondylolisthesis", "scoliosis", "bone spurs", "arthritis",
]

PROCEDURES = [
    "minimally invasive spine surgery", "minimally invasive spinal surgery",
    "minimally invasive back surgery", "minimally invasive surgery",
    "miss", "mis", "keyhole surgery", "keyhole back surgery",
    "keyhole spine surgery", "laser spine surgery", "laser back surgery",
    "endoscopic surgery", "endoscopic spine surgery", "endoscopy",
    "tubular retractor", "tubular retractors", "open surgery",
    "open spine surgery", "traditional surgery", "spinal fusion", "fusion",
    "discectomy", "microdiscectomy", "laminectomy", "robotic surgery",
    "robotic assistance", "physical therapy", "physiotherapy",
    "rehabilitation", "rehab", "injections", "epidural",
]

SYMPTOMS = [
    "numbness", "tingling", "weakness", "leg weakness", "leg pain",
    "back pain", "neck pain", "fever", "chills", "incontinence",
    "saddle numbness", "foot drop", "muscle spasms", "stiffness",
]

LABELS = {"condition": CONDITIONS, "procedure": PROCEDURES, "symptom": SYMPTOMS}

# Patients' words for what the article covers, mapped to the article's own words: the
# topic classifier sees both ("disadvantages" also reads as "risk"), and the "not
# covered" check (miss_nlp.coverage) counts them as words the guide knows.
LEXICON = {
    # The article's techniques, by the names clinics and patients use.
    "tlif": "fusion technique", "xlif": "fusion technique", "olif": "fusion technique",
    "alif": "fusion technique", "llif": "fusion technique", "dlif": "fusion technique",
    "plif": "fusion technique", "acdf": "fusion technique",
    "microdiscectomy": "technique", "microdiscectomies": "technique", "microd": "technique",
    "discectomy": "technique", "laminectomy": "technique", "laminotomy": "technique",
    "foraminotomy": "technique", "decompression": "technique", "endoscope": "endoscopic",
    "endoscopy": "endoscopic", "laser": "technique", "lasers": "technique",
    "microscope": "technique", "tube": "tubular", "tubes": "tubular", "keyhole": "minimally invasive",
    "percutaneous": "minimally invasive", "robot": "robotic", "robots": "robotic",
    "navigation": "imaging", "lateral": "technique", "fusion": "technique",
    # Risks and what can go wrong.
    "disadvantage": "risk", "disadvantages": "risk", "downside": "risk", "downsides": "risk",
    "drawback": "risk", "drawbacks": "risk", "cons": "risk", "dangerous": "risk",
    "danger": "risk", "dangers": "risk", "safe": "risk", "safety": "risk", "catch": "risk",
    "complication": "complications", "fail": "risk", "failure": "risk",
    # Good points and results.
    "advantage": "advantages", "pros": "advantages", "upside": "advantages",
    "success": "outcomes", "successful": "outcomes", "last": "long term",
    # Money.
    "price": "costs", "prices": "costs", "expensive": "costs", "cheap": "costs",
    "insurance": "costs", "insurer": "costs", "medicare": "costs", "afford": "costs",
    "pay": "costs", "fee": "costs", "fees": "costs", "affordable": "costs",
    "unaffordable": "costs", "pricey": "costs",
    # Cuts and scars.
    "scar": "incisions", "scars": "incisions", "scarring": "incisions", "cut": "incisions",
    "cuts": "incisions", "incision": "incisions", "wound": "incisions",
    # Time in hospital and off work.
    "overnight": "hospital stay", "discharge": "home", "discharged": "home",
    "outpatient": "same day", "job": "work",
    # Other words for the article's subjects.
    "convalescence": "recovery", "recuperation": "recovery", "recuperate": "recovery",
    "recover": "recovery", "recovering": "recovery", "heal": "recovery", "healing": "recovery",
    "hazard": "risk", "hazards": "risk", "pitfall": "risk", "pitfalls": "risk",
    "peril": "risk", "perils": "risk", "setback": "risk", "harm": "risk",
    "innovation": "technology", "innovations": "technology", "breakthrough": "technology",
    "breakthroughs": "technology", "advances": "technology", "latest": "technology",
    "ailment": "conditions", "ailments": "conditions", "disorder": "conditions",
    "disorders": "conditions", "diagnosis": "conditions", "problems": "conditions",
    "admission": "hospital stay", "admitted": "hospital stay", "released": "home",
    "ward": "hospital stay", "tab": "costs", "bill": "costs", "billed": "costs",
    "charge": "costs", "coverage": "costs", "covered": "costs", "funding": "costs",
    "record": "outcomes", "outcome": "outcomes", "permanent": "long term",
    "benefit": "benefits", "perks": "advantages", "pluses": "advantages",
    "knife": "surgery", "nonsurgical": "alternative", "injections": "alternative",
    "candidate": "candidates", "eligible": "candidates", "qualify": "candidates",
    "suitable": "candidates", "recommend": "candidates", "criteria": "candidates",
    "suitability": "candidates", "eligibility": "candidates",
    "convalescence": "recovery", "convalescing": "recovery", "riskier": "risks",
    "bearable": "pain",
    "discomfort": "pain", "manageable": "pain",
    # The article's "return to normal activities", and its future and results.
    "routine": "activities", "routines": "activities", "activity": "activities",
    "hobby": "activities", "hobbies": "activities", "errands": "activities",
    "developments": "technology", "horizon": "future", "odds": "outcomes",
    "chance": "outcomes", "chances": "outcomes",
    # Patients' everyday words for the same subjects.
    "positives": "advantages", "positive": "advantages", "plus": "advantages",
    "negatives": "risk", "bankrupt": "costs", "ballpark": "costs", "quote": "costs",
    "lucky": "outcomes", "typical": "outcomes", "miracle": "outcomes",
    "scifi": "future", "sci-fi": "future", "augmented": "technology",
    "classroom": "work", "hr": "work", "shift": "work", "shifts": "work",
    "employment": "work", "employer": "work", "employers": "work", "wages": "work",
    "costly": "costs", "costing": "costs", "cuesta": "costs", "precio": "costs",
    "hospitalised": "hospital stay", "hospitalized": "hospital stay",
    "hospitalisation": "hospital stay", "hospitalization": "hospital stay",
    "confinement": "hospital stay", "confined": "hospital stay",
    "openings": "incisions", "holes": "incisions", "performed": "technique",
    "agony": "pain", "agonising": "pain", "agonizing": "pain", "upsides": "advantages",
    "income": "work", "bounce": "recovery", "lakh": "costs",
    "rupees": "costs", "deductible": "costs", "copay": "costs", "auth": "costs",
    "painful": "pain", "soreness": "pain", "excess": "costs",
    "pto": "work",
    # Health cover by name, other ways of paying, other treatments, the imaging screen.
    "medicaid": "costs", "bupa": "costs", "aetna": "costs", "cigna": "costs",
    "payment": "costs", "payments": "costs", "instalments": "costs", "installments": "costs",
    "earnings": "work", "earning": "work", "ayurveda": "alternative",
    "ayurvedic": "alternative", "homeopathy": "alternative", "tens": "alternative",
    "screen": "imaging", "goggles": "technology",
}
