"""Whether a question is about an operation on another part of the body than the spine
("my gallbladder out by keyhole", "a rotator cuff repair"): the guide is about spine
surgery only, so such a question is out of scope. Pure functions over spaCy tokens;
miss_nlp.coverage_check declines the question."""
import re
from typing import Sequence

from miss_nlp.terms import LEXICON
from miss_nlp.triage.sentences import SENTENCE_END


def about_another_part_of_the_body(tokens: Sequence) -> bool:
    """"my gallbladder out by keyhole", "a rotator cuff repair", "tonsils": a message
    that names an operation or a part of the body other than the spine, and nothing of
    the spine, asks about another operation (the guide is about spine surgery only)."""
    lowers = [t.lower_ for t in tokens]
    if not any(_operated_on(lowers, i) and not _in_the_past(lowers, i)
               for i, w in enumerate(lowers) if w in OTHER_PARTS | OTHER_OPERATIONS):
        return False
    return not any(w in SPINE_WORDS or (w == "back" and _the_back(lowers, i))
                   or set(LEXICON.get(w, "").split()) & {"technique", "fusion"}
                   for i, w in enumerate(lowers))


def _operated_on(lowers: Sequence[str], i: int) -> bool:
    """"KNEE replacement", "my TONSILS out", "carpal tunnel RELEASE", a HYSTERECTOMY: the
    part is what an operation is done on (not "bad knees", "a heart valve", "an eye on")."""
    return lowers[i] in OTHER_OPERATIONS or bool(set(lowers[i + 1:i + 3]) & _OPERATED)


_OPERATED = {"surgery", "surgeries", "operation", "op", "ops", "replacement", "replacements",
             "repair", "removal", "removed", "out", "release", "done", "implant", "implants",
             "transplant", "procedure", "surgeon"}


def _in_the_past(lowers: Sequence[str], i: int) -> bool:
    """"she HAD a hip done years AGO": the other part is history told before the question."""
    start, end = i, i
    while start > 0 and lowers[start - 1] not in _SENTENCE_ENDS:
        start -= 1
    while end < len(lowers) and lowers[end] not in _SENTENCE_ENDS:
        end += 1
    sentence = lowers[start:end]
    return ("ago" in sentence or "had" in lowers[max(start, i - 4):i]
            or any(re.match(r"^(19|20)\d\d$", w) for w in sentence)
            or any(w == "last" and nxt in {"year", "month", "week", "summer", "winter",
                                            "spring", "autumn"}
                   for w, nxt in zip(sentence, sentence[1:])))


_SENTENCE_ENDS = SENTENCE_END | {";"}


def _the_back(lowers: Sequence[str], i: int) -> bool:
    """"my BACK", "BACK surgery" name the back; "BACK to work" does not."""
    before = lowers[i - 1] if i else ""
    after = lowers[i + 1] if i + 1 < len(lowers) else ""
    return before in {"my", "his", "her", "lower", "upper", "bad", "the"} or after in {
        "surgery", "op", "operation", "pain", "problem", "problems", "issues", "trouble",
        "keyhole", "surgeon", "injury"}


# Parts of the body, and operations on them, that are not the spine.
OTHER_PARTS = {"tonsils", "tonsil", "gallbladder", "appendix", "knee", "knees", "hip", "hips",
               "shoulder", "rotator", "elbow", "wrist", "carpal", "bunion", "bunions", "prostate",
               "womb", "uterus", "ovary", "ovaries", "hernia", "inguinal", "valve", "bypass",
               "stent", "eye", "eyes", "sinus", "sinuses", "septum", "thyroid", "hemorrhoid",
               "hemorrhoids", "haemorrhoid", "haemorrhoids", "gastric", "bariatric", "breast",
               "kidney", "liver", "lung", "lungs", "caesarean", "cesarean", "tooth", "teeth",
               "dental", "meniscus", "acl", "varicose", "gums", "cardiac"}
OTHER_OPERATIONS = {"tonsillectomy", "appendectomy", "hysterectomy", "mastectomy", "colonoscopy",
                    "arthroscopy", "lasik", "cataract", "cataracts"}
# Words of the spine and of spine surgery.
SPINE_WORDS = {"spine", "spinal", "disc", "disk", "discs", "disks", "vertebra", "vertebrae",
               "lumbar", "cervical", "thoracic", "sciatica", "stenosis", "herniated",
               "neck", "miss", "mis", "nerve", "nerves", "l4", "l5", "s1", "l3",
               "spondylolisthesis", "scoliosis", "sacrum", "coccyx", "tailbone"}
