"""The tier of one red-flag match: happening to the patient now, or only mentioned.

A red flag is *acute* unless the words around it show otherwise (see the package doc)."""
from typing import Optional, Sequence, Set

from miss_nlp.triage.sentences import CLAUSE_END, SENTENCE_END, Sentences, contains
from miss_nlp.triage.vocabulary import Vocabulary

ACUTE = "acute"
MENTIONED = "mentioned"
_FEELING = {"feel", "feels", "feeling", "felt", "like"}
_INTENT = {"going", "gonna", "will", "'ll", "ll", "might", "want", "plan"}
_MAY_HAPPEN = {"can", "may", "might", "could"}
_RISK_AFTER = {"risk", "risks", "chance", "chances"}


def tier_of(lowers: Sequence[str], start: int, end: int, vocab: Vocabulary,
            kinds: Sequence[str] = (), members: Sequence[int] = (),
            sentences: Optional[Sentences] = None, even_in_questions: bool = False) -> str:
    """ACUTE or MENTIONED for the red flag at tokens ``start:end`` (see module doc).
    ``even_in_questions``: a phrase that is alarming in a question too ("how many pills
    would it take"); only a negation or the past makes it a mention."""
    specs = [vocab.kinds[k] for k in kinds if k in vocab.kinds]
    about = (sentences or Sentences(lowers, vocab)).features(start)
    first, words, now = about["first"], about["words"], about["now"]
    members = sorted(set(members or range(start, end)))
    clause_start = start
    while clause_start > max(first, start - 12) and lowers[clause_start - 1] not in CLAUSE_END:
        clause_start -= 1
    always_acute = any(k.statement_is_always_acute for k in specs)
    # "if this op fails there's no point going on": a crisis told as a condition is a
    # statement, though "if" can open a question.
    conditional_statement = (always_acute
                             and lowers[first] in vocab.conditionals and not about["general"]
                             and "?" not in lowers[first:about["last"] + 1])
    if about["question"] and not even_in_questions and not conditional_statement:
        if not words & vocab.persons and not about["now_nearby"] and not now:
            return MENTIONED
        if words & vocab.help_verbs and words & vocab.treatments:
            return MENTIONED
        # "I keep thinking, what are the CHANCES I won't wake up?": the "now" of another
        # clause does not make the risk asked about happen.
        now_here = now and (clause_start == first
                            or set(lowers[clause_start:end]) & vocab.happening_now)
        if (about["risk_word_at"] < end or about["sign_word_at"] < end) and not now_here:
            return MENTIONED
        if not now and about["will_happen_at"] < start:
            return MENTIONED
    # "is flying a blood clot RISK?", "infection risks": a red flag named as a risk.
    if (not even_in_questions and not always_acute
            and lowers[end:end + 1] and lowers[end] in _RISK_AFTER):
        return MENTIONED
    # "I had a fever after the op that went away, but NOW I can't feel my legs": what the
    # clause says is happening now is not in the past, whatever came before it.
    now_in_its_clause = "now" in lowers[max(clause_start, start - 4):start]
    # "... in 1994 and NEVER walked properly AGAIN": "again" after "never" is no return.
    back_today = words & vocab.back_today - ({"again"} if "never" in words else set())
    if about["in_the_past"] and not back_today and not now_in_its_clause and not (
            about["only_long_standing"] and always_acute):
        return MENTIONED   # (a crisis lasting "for months" is no less a crisis now)
    if about["general"] and about["risk_word_at"] < start and not even_in_questions:
        return MENTIONED  # "people with chronic pain are more likely to think about suicide"
    if not even_in_questions and _a_fear(lowers, first, start, end, vocab):
        return MENTIONED
    if not now and not even_in_questions and _people_can(lowers, clause_start, start, end, vocab):
        return MENTIONED
    if always_acute or even_in_questions:
        return MENTIONED if _negated(lowers, members, clause_start, vocab, reach=2,
                                     allowed_between=vocab.intent_words) else ACUTE
    if _negated(lowers, members, clause_start, vocab):
        return MENTIONED
    if (_negation_in_another_part(lowers, members, vocab)
            or _negation_after_a_contrast(lowers, members, vocab)
            or _getting_better(lowers, members, vocab)
            or _unchanged(lowers, end, vocab)):
        return MENTIONED
    if "fever" in kinds and any(vocab.normal_reading.match(w) for w in words):
        return MENTIONED
    if (_negated_have(lowers, start, end, vocab) or _negated_member(lowers, start, end, vocab)
            or _no_problems(lowers, members, vocab)):
        return MENTIONED
    if any(k.mild_is_not_acute for k in specs) and any(
            lowers[p] in vocab.mild for m in members for p in range(max(clause_start, m - 6), m)):
        return MENTIONED
    if about["hypothetical_at"] < end and about["now_or_today_at"][0] < start:
        return MENTIONED
    if about["general"] and not now:
        return MENTIONED
    # "so scared of the needles I COULD faint" (but "I feel like I could faint" reports).
    if not now and not words & _FEELING and any(
            lowers[p] in vocab.uncertain_modals for p in range(max(clause_start, start - 2), start)):
        return MENTIONED
    return ACUTE


def _people_can(lowers: Sequence[str], clause_start: int, start: int, end: int,
                vocab: Vocabulary) -> bool:
    """"people CAN get depressed or even suicidal after a failed operation": what may
    happen to people in general, with nobody named from the modal to the end of the red
    flag (but "everyone WOULD be better off without ME" is about the writer)."""
    for m in range(start - 1, max(clause_start, start - 6) - 1, -1):
        if lowers[m] in _MAY_HAPPEN:
            return (m > clause_start and not set(lowers[m:end]) & vocab.persons
                    and lowers[m - 1] in vocab.general_subjects - {"heard", "read"})
    return False


def _a_fear(lowers: Sequence[str], first: int, start: int, end: int, vocab: Vocabulary) -> bool:
    """"worried about the pain and being a burden": a worry word, then "about" or "of",
    before the red flag, with no word of intent or of the patient's self between."""
    for w in range(start - 1, first - 1, -1):  # the nearest worry word
        if lowers[w] not in vocab.worry_words:
            continue
        between = set(lowers[w + 1:end])
        return bool(between & {"about", "of"}) and not between & (
            _INTENT | vocab.persons | vocab.intent_words - {"of", "about", "to"})
    return False


def _negated(lowers: Sequence[str], members: Sequence[int], clause_start: int,
             vocab: Vocabulary, reach: int = 6, allowed_between: Set[str] = frozenset()) -> bool:
    """A negation word shortly before a red-flag word ("no fever", "I don't have a
    fever"), but not one that says the patient cannot do something ("I can't pass
    water", "haven't been able to", "won't stop crying"). Farther than ``reach``, a
    negation still counts when only ``allowed_between`` words separate them ("not
    thinking of hurting myself")."""
    if any(lowers[m] in vocab.negations for m in members):
        return False
    for m in members:
        for p in range(max(clause_start, m - reach - 4), m):
            if lowers[p] not in vocab.negations or p in members:
                continue
            before = lowers[p - 1] if p else ""
            between = lowers[p + 1:m]
            if before in vocab.modals or "able" in between:
                continue
            if m - p <= reach or all(w in allowed_between for w in between):
                return True
    return False


def _negation_in_another_part(lowers: Sequence[str], members: Sequence[int],
                              vocab: Vocabulary) -> bool:
    """A pair whose negation belongs to an earlier part of the sentence: "no numbness
    anywhere, peeing fine" is not "no peeing"."""
    return _negation_set_apart(lowers, members, vocab.next_part_negations, CLAUSE_END,
                               negation_first=True)


def _negation_after_a_contrast(lowers: Sequence[str], members: Sequence[int],
                               vocab: Vocabulary) -> bool:
    """"my leg is heavy after a walk BUT it isn't weak": a negation after "but" (or
    "though") belongs to what follows, not to the red-flag word before it."""
    return _negation_set_apart(lowers, members, vocab.negations, _CONTRASTS,
                               negation_first=False)


def _negation_set_apart(lowers: Sequence[str], members: Sequence[int], negation_words: Set[str],
                        boundaries: Set[str], negation_first: bool) -> bool:
    """Every negation among a match's words stands on its side of a boundary word, every
    other word on the other side."""
    negations = [m for m in members if lowers[m] in negation_words]
    others = [m for m in members if m not in negations]
    pairs = [(n, o) if negation_first else (o, n) for n in negations for o in others]
    return bool(pairs) and all(a < b and any(w in boundaries for w in lowers[a + 1:b])
                               for a, b in pairs)


_CONTRASTS = {"but", "though", "although"}


# "going down MY ARM" is where a pain spreads, not a swelling going down.
_WHERE_IT_SPREADS = {"my", "his", "her", "their", "your", "the", "into", "to", "both", "one", "a"}


def _getting_better(lowers: Sequence[str], members: Sequence[int], vocab: Vocabulary) -> bool:
    """"my leg weakness is improving", "peeing fine", "the swelling is going down" (but
    not "not fine")."""
    last = max(members)
    for p in range(last + 1, min(len(lowers), last + 4)):
        if lowers[p] in CLAUSE_END or lowers[p] in SENTENCE_END:
            return False
        if lowers[p] in vocab.getting_better or (
                " ".join(lowers[p:p + 2]) in vocab.getting_better
                and not set(lowers[p + 2:p + 3]) & _WHERE_IT_SPREADS):
            return not set(lowers[max(last + 1, p - 2):p]) & vocab.negations
    return False


def _unchanged(lowers: Sequence[str], end: int, vocab: Vocabulary) -> bool:
    """"my leg still feels weak, like before surgery, it hasn't got any worse": later in
    the sentence, the patient says it is as it was, so it is not new (unless the sentence
    says it came back today or suddenly)."""
    stop = end
    while stop < len(lowers) and lowers[stop] not in SENTENCE_END:
        stop += 1
    rest = lowers[end:stop]
    return contains(rest, vocab.unchanged) and not set(rest) & vocab.back_today


def _negated_have(lowers: Sequence[str], start: int, end: int, vocab: Vocabulary) -> bool:
    """"I don't have bladder problems" (but not "I don't have control of my bladder"),
    also at the end of a list ("I don't have any numbness, weakness, or bladder
    problems")."""
    for i in range(max(1, start - 14), min(end, len(lowers) - 1)):
        if (lowers[i] in vocab.negations and lowers[i - 1] in {"do", "does", "did"}
                and lowers[i + 1] in vocab.negated_have
                and (i >= start - 6 or _a_list(lowers[i + 2:start], vocab))):
            return not set(lowers[i:end]) & vocab.control_words
    return False


_STATEMENT = {"is", "are", "am", "was", "were", "'s", "'m", "feel", "feels", "felt", "can",
              "ca", "will", "wo"}


def _a_list(between: Sequence[str], vocab: Vocabulary) -> bool:
    """Words that only list things, each after a comma or "or", with no one named and
    nothing said of them ("any numbness, weakness, or")."""
    words = set(between)
    return (bool(words & {",", "or", "nor"})
            and not words & (vocab.persons | vocab.negations | _STATEMENT | SENTENCE_END
                             | (CLAUSE_END - {","})))


def _negated_member(lowers: Sequence[str], start: int, end: int, vocab: Vocabulary) -> bool:
    """A negation that belongs to another part of the sentence ("I'm peeing fine, no
    fever"): the span crosses a clause boundary right after its negation word."""
    if lowers[end - 1] in vocab.next_part_negations:
        return any(w in CLAUSE_END for w in lowers[start + 1:end - 1])
    return False


def _no_problems(lowers: Sequence[str], members: Sequence[int], vocab: Vocabulary) -> bool:
    """"no bladder problems", "without any bowel issues", "never had any trouble with my
    bowels"."""
    for m in members:
        before = lowers[max(0, m - 4):m]
        after = lowers[m + 1:m + 5]
        if set(before) & vocab.next_part_negations and set(after) & vocab.problem_words:
            return True
        for p in range(max(0, m - 6), m):
            if lowers[p] in vocab.problem_words and set(
                    lowers[max(0, p - 3):p]) & vocab.next_part_negations:
                return True
    return False
