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
