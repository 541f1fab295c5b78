"""The red-flag rules (knowledge/red_flags.yml) on phrasings and on their own examples.

tests/triage/red_flag_phrasings.yml and data/triage/tuning_*.yml were written blind to
the rules, then the rules were widened on their misses: they are regression sets now,
not a measure. The blind measure is tests/nlu/triage_blind_untouched.yml
(assistant/evaluate_triage.py), never tuned on.
"""
import itertools

import pytest
import yaml

from miss_config.paths import PROJECT_ROOT, TRIAGE_PHRASINGS_DIR
from miss_config.yaml_files import read_yaml
from miss_nlp import triage

PHRASINGS = yaml.safe_load(
    (PROJECT_ROOT / "tests" / "triage" / "red_flag_phrasings.yml").read_text("utf-8"))
TUNING = [read_yaml(TRIAGE_PHRASINGS_DIR / f"tuning_{n}.yml") for n in range(1, 44)]
# The rules find every acute message of tunings 1-6; 7 to 15 came in rounds 7 to 12, where
# the triage model (trained on them) took over what no word list holds, so only their
# false alarms are held to here.
RULES_TUNED_ON = TUNING[:6]
# Ordinary questions of the tuning sets the rules still alarm on (strict: a fix must
# move the message out of this list).
STILL_ALARMED = {
    # A husband who "can't walk to the shops anymore" while waiting a year for surgery.
    "My husband and I are pensioners and we've been quoted a price",
    # Long-standing symptoms told in a later sentence than the one that says how long.
    "My 58 year old husband gets numbness and weakness in both legs",
    "I'm 71 and in two minds about surgery.",
    # "checked before (it was fine, just anxiety)": the all-clear comes six words later.
    "I've had saddle numbness checked before",
    # Round 8 (tunings 10 and 11): a fear read about online, a worry about weakness
    # "afterwards" next to "my legs are already not great", weakness "over the past year",
    # and a long letter about a father who "can barely walk" some days.
    "can it cause numbness between the legs? I read about cauda equina",
    "Will I lose less muscle strength if I go the minimally invasive route?",
    "My leg has been slowly getting weaker over the past year",
    "My father is 79 and frankly terrified of operations",
    # Round 9 (tuning 12): hearsay about "his friend" in a verb the past-story rule does
    # not know ("left his friend incontinent").
    "My brother-in-law says back surgery left his friend incontinent",
    # Round 14 (tuning 18): wishing to die or not going on, said loosely beside a
    # question. Left alarmed on purpose: the same words are how many crises are told.
    "my back is killing me, literally can't go on like this",
    "i hate hospitals, the smell alone makes me want to die lol",
    # Round 19 (tuning 30): "I can't go on like this" quoted from bad nights, then "I'm
    # not in any danger". Left alarmed on purpose, as above: a crisis line too many
    # costs one sentence, a crisis read as a figure of speech could cost a life.
    "I've had chronic low back pain for fifteen years. Some nights",
    # Round 20 (tunings 32 and 33): a friend's husband's foot drop (the husband reads as
    # someone the writer may be caring for), and a brother who "couldn't get off the
    # toilet without help for weeks" six years ago, two sentences after "six years ago".
    "my friend's husband had a nerve damaged",
    "My brother had open back surgery six years ago",
    # Round 24 (tuning 42): a cauda equina scare "in 2019" told with "I SUDDENLY couldn't
    # feel my saddle area", and "suddenly" says a symptom is back today more often than it
    # tells how an old one began.
    "Hi there. I'm 46 and have been offered a minimally invasive microdiscectomy",
}
MUST_ALERT = [(kind, text) for kind, texts in PHRASINGS["must_alert"].items() for text in texts]
VOCAB = triage.vocabulary()
NAMED_KINDS = [k.name for k in VOCAB.by_priority() if k.example]


@pytest.fixture(scope="module")
def findings(nlp):
    # Rasa lowercases text before spaCy sees it.
    return lambda text: triage.find(triage.tokens_of(nlp(text.lower())))


@pytest.fixture(scope="module")
def acute(findings):
    return lambda text: findings(text).kinds(triage.ACUTE)


@pytest.mark.parametrize("kind,text", MUST_ALERT)
def test_red_flag_message_raises_an_alert(acute, kind, text):
    assert acute(text), f"no red flag found in a {kind} message: {text!r}"


@pytest.mark.parametrize("text", PHRASINGS["must_alert"]["crisis"])
def test_thoughts_of_suicide_come_first(acute, text):
    assert acute(text)[0] == triage.CRISIS


@pytest.mark.parametrize("item", [i for part in RULES_TUNED_ON for i in part["acute"]],
                         ids=lambda i: i["text"][:40])
def test_every_acute_message_of_the_tuning_sets_is_acute(acute, item):
    kinds = acute(item["text"])
    assert kinds
    if "crisis" in item["kinds"]:
        assert kinds[0] == triage.CRISIS


@pytest.mark.parametrize("item", [i for part in TUNING for i in part["ordinary"]],
                         ids=lambda i: i["text"][:40])
def test_no_ordinary_question_of_the_tuning_sets_is_acute(acute, item):
    if any(item["text"].startswith(known) for known in STILL_ALARMED):
        pytest.xfail("a known false alarm (STILL_ALARMED)")
    assert acute(item["text"]) == []


@pytest.mark.parametrize("text", PHRASINGS["should_not_alert"])
def test_ordinary_question_raises_no_alert(acute, text):
    assert acute(text) == []


@pytest.mark.parametrize("kind", NAMED_KINDS)
def test_each_kinds_own_example_is_acute(acute, kind):
    assert acute(VOCAB.kinds[kind].example) == [kind]


@pytest.mark.parametrize("first,second", list(itertools.combinations(NAMED_KINDS, 2)))
def test_two_red_flags_get_the_most_urgent_advice_and_name_the_other(acute, first, second):
    for a, b in ((first, second), (second, first)):
        text = f"{VOCAB.kinds[a].example}. Also {VOCAB.kinds[b].example}."
        kinds = acute(text)
        assert kinds[:2] == [first, second], text
        advice = triage.advice_for(kinds)
        assert advice.startswith(VOCAB.kinds[first].advice)
        assert VOCAB.kinds[second].label in advice


@pytest.mark.parametrize("text", [
    "I want to kill myself and my wound is oozing pus",
    "i just want to die, i have a fever since my surgery",
    "my incision is red and hot and honestly I want to end my life",
])
def test_the_crisis_line_is_never_lost_to_a_second_red_flag(acute, text):
    kinds = acute(text)
    assert kinds[0] == triage.CRISIS and len(kinds) >= 2
    assert "{crisis_line}" in triage.advice_for(kinds)


@pytest.mark.parametrize("text,kind", [
    ("What are the chances I will not wake up from the anesthesia?", "crisis"),
    ("Is there a way out of having surgery?", None),
    ("Can MISS help with leg weakness from a herniated disc?", "leg_weakness"),
    ("Can the small cuts get infected after the operation?", None),
    ("is paralysis a risk", None),
    ("do people lose bladder control after this surgery", "bladder_bowel"),
    ("what if I get a fever after surgery?", "fever"),
    ("no fever, no numbness, just stiffness. am I a candidate?", None),
    ("I don't have a fever or any bladder problems, just aching", None),
    ("I'm dying to know how long recovery takes", None),
    ("this back pain is killing me, is MISS an option?", None),
    ("my boss will kill me if I take six weeks off", None),
    ("'; DROP TABLE events; --", None),
    ("could the operation make me lose control of my bowels?", "bladder_bowel"),
    ("will nerve damage leave my foot weaker than it is now?", "leg_weakness"),
    ("I passed out once at the dentist, is the anaesthetic safe for me?", "chest_breathing"),
    ("my aunt is dying of heart failure, can I put my op off a month?", None),
    ("the waiting list has taken over my life, how long is recovery?", None),
    ("my foot has felt dead for the last three years, can keyhole surgery help?",
     "leg_weakness"),
    ("In the event that I got a fever some days after the operation, who should I ring?",
     "fever"),
    ("What temperature counts as a fever after the op? When do I call?", "fever"),
    ("what would an infected incision look like?", "wound"),
    ("how do I tell normal pain from the kind that means an emergency?", None),
])
def test_red_flag_words_in_a_question_are_not_an_emergency(findings, text, kind):
    found = findings(text)
    assert found.kinds(triage.ACUTE) == []
    if kind:
        assert kind in found.kinds(triage.MENTIONED)


@pytest.mark.parametrize("text", [
    "I still feel numbness in my foot since the operation, is that normal?",
    "the pain came back after my surgery, what could be the reason?",
    "Should I go to the ER for unbearable back pain?",
    "I'm three weeks post-op and my back aches at night",
    "had the keyhole one done on tuesday and the skin by the cut feels numb, normal?",
    "since they operated I keep sweating at night, no temperature, is it the meds?",
    "my leg feels heavy after a walk since surgery but it isn't weak, is that healing?",
    "when will the op site stop hurting? the cut aches when i lie on it",
    "I've been in this brace for a week and it rubs, how long do I keep it on?",
    "now that I have screws in my back, is it safe to have dental work done?",
    "I underwent a laminectomy in May, is it acceptable to go swimming now?",
    "my jeans keep rubbing on the scar, should I cover it with something?",
    "I had keyhole surgery in March and want to get back to tennis, any advice?",
    "had a microdiscectomy in june. how long should I avoid sitting at my desk?",
    "me operaron la columna en marzo y todavía siento hormigueo en el pie, es normal?",
    "desde la cirugía me duele la cicatriz al dormir de lado",
    "mi esposo se operó de la columna el mes pasado, ¿ya puede manejar?",
])
def test_own_recovery_is_recognised(nlp, text):
    tokens = triage.tokens_of(nlp(text.lower()))
    assert triage.describes_own_recovery(tokens)
    assert triage.find(tokens).kinds(triage.ACUTE) == []


@pytest.mark.parametrize("text", [
    "how long after surgery can I drive?",
    "what should I do if my wound gets red after I go home?",
    "will I have pain after my surgery?",
    "would I still need my nerve tablets after the op?",
    "I had a cold last week, will they still do my op on friday?",
    "how long does post-op pain last after a discectomy?",
    "i've been off work a few weeks since my disc went. what is keyhole surgery?",
    "post op pain level with keyhole surgery, out of 10?",
    # "is it normal" asked about an operation still ahead asks what to expect
    "is it normal to feel sore for a month afterwards? asking before I agree to the fusion",
    "my wife is having a laminectomy on friday, is it normal for me to be this anxious?",
])
def test_questions_about_the_future_are_not_a_recovery_report(nlp, text):
    assert not triage.describes_own_recovery(triage.tokens_of(nlp(text.lower())))


@pytest.mark.parametrize("text,own", [
    ("My friend said her microdiscectomy was the worst pain of her life, how common is that?",
     False),
    ("my uncle had back surgery and his wound got infected, is that still common?", False),
    ("my grandma's fusion still hurts her a lot, is that normal?", True),
    ("my friend drove me home. my incision is still sore, is that normal?", True),
    ("my brother says he barely needed painkillers after his tubular discectomy. is that "
     "normal?", False),
    ("a colleague says he was groggy for hours after his anaesthetic. is that normal?", False),
    ("my friend had 3 little scars after hers, is that normal", False),
    ("my neighbour had the keyhole op and was home the same day. is that normal??", False),
    ("is it normal for people to still have some pain after MISS?", False),
    ("is it normal in general to still have some back pain after MISS?", False),
])
def test_a_friends_operation_told_as_a_story_is_no_recovery_report(nlp, text, own):
    assert triage.describes_own_recovery(triage.tokens_of(nlp(text.lower()))) == own


@pytest.mark.parametrize("text,kind", [
    ("slipped on the stairs, went down hard and heard a crack in my back", "trauma"),
    ("I had a fall in the garden about an hour ago and my back is very painful", "trauma"),
    ("the dressing keeps soaking through with fresh blood", "wound"),
    ("coughin blood since this morning", "chest_breathing"),
    ("since lunch I've been numb between my legs", "saddle_numbness"),
    ("gonna OD on my pills tonight", "crisis"),
    ("cancel my follow-up, I won't be alive for it", "crisis"),
    # Round 14: an overdose counted in words, farewells by text, a hose in the car,
    # staring over a ledge, and water not passed.
    ("I've swallowed about thirty of my sleeping tablets", "crisis"),
    ("drafted goodbye messages to my kids last night, they're ready to send", "crisis"),
    ("I'm sat in the car in the garage with the hose", "crisis"),
    ("I keep going up the multi storey car park and staring over the edge", "crisis"),
    ("haven't passed any water since last night and my belly is tight", "bladder_bowel"),
    # Round 15: goodbyes made by giving things away beside despair, an overdose asked as a
    # dose "before it stops their heart" or counted in weeks' worth, sudden pain worse
    # than ever, a swollen warm leg, breathing that hurts.
    ("I've given the dog to my brother and written my will. So tired of fighting.", "crisis"),
    ("whats the most tramadol a person can swallow before it stops their heart", "crisis"),
    ("took a week's worth of my pain tablets about an hour ago", "crisis"),
    ("the worst pain of my life hit my lower back out of nowhere", "severe_pain"),
    ("left leg swollen and warm since yesterday, 10 days after my fusion", "chest_breathing"),
    ("it hurts to breathe in since I woke up", "chest_breathing"),
])
def test_red_flags_in_everyday_words_are_acute(acute, text, kind):
    assert kind in acute(text)


def test_a_farewell_beside_despair_is_a_crisis_but_not_one_that_thanks_us(acute):
    assert acute("no hope for my back anymore. goodbye") == [triage.CRISIS]
    assert acute("right, I'm done, thanks for the help. goodbye!") == []
    assert acute("goodbye for now, see you at my appointment") == []


def test_window_keeps_far_apart_words_from_alerting(acute):
    far = ("my bladder surgery years ago went fine and the nurses were lovely and kind "
           "and helpful and I never had any trouble")
    assert acute(far) == []
    assert acute("bladder trouble since this morning")


def test_a_red_flag_at_the_end_of_a_long_story_is_found(acute):
    story = ("I have had back pain for years, tried physio, injections and rest, and my "
             "surgeon talked about keyhole surgery. ") * 12
    assert len(story) > 1000
    assert acute(story + "Since this morning I can't control my bladder.") == ["bladder_bowel"]


def _work(nlp, text):
    return triage.find(triage.tokens_of(nlp(text.lower()))).work


@pytest.mark.parametrize("unit", [
    "My surgeon talks about keyhole surgery and I would like to know more. ",
    "bladder leg fever wound chest breathe kill pain numb groin fall cut blood not weak hot ",
    "no fever, no bladder trouble, no weak legs, no chest pain, no numb groin. ",
])
def test_the_check_does_linear_work_with_a_small_constant(nlp, unit):
    one, four = _work(nlp, unit * 12), _work(nlp, unit * 48)
    tokens = len(triage.tokens_of(nlp((unit * 48).lower())))
    assert four <= 4.5 * one
    assert four <= 25 * tokens


def test_every_word_in_the_red_flag_file_is_read_as_written():
    """YAML reads a bare off, on, yes or no as true or false: a word the matcher would
    never find ("jump off" a bridge was lost that way)."""
    data = yaml.safe_load(triage.RED_FLAGS_FILE.read_text("utf-8"))
    flags = {"statement_is_always_acute", "mild_is_not_acute", "conditional_is_acute"}

    def not_text(node, key=None):
        if isinstance(node, dict):
            return [bad for k, v in node.items() for bad in not_text(v, k)]
        if isinstance(node, list):
            return [bad for item in node for bad in not_text(item, key)]
        return [] if isinstance(node, str) or key in flags or key in ("priority", "window") \
            else [(key, node)]

    assert not_text(data) == []


@pytest.mark.parametrize("text", [
    "Is paracetamol strong enough for the pain after a discectomy?",
    "I can't stand for more than ten minutes at a time, am I a candidate?",
    "My mum can barely walk to the corner shop with her stenosis, would MISS help her?",
    "I passed out getting a blood test as a teenager, how painful is the operation?",
    "I fell off my bike two summers ago and my back was never right, is MISS for that?",
    # Figures of speech and everyday words round red-flag words.
    "My stitches came out on Monday, when can I go swimming?",
    "Is a slipped disc something keyhole surgery can fix?",
    "The quote made me feel faint, is there a payment plan?",
    "I shot myself in the foot by skipping physio, is surgery the answer now?",
    "I had a small stroke 3 yrs ago, can I still have the operation?",
    "When do I stop the stool softener they gave me?",
    # Round 15: a danger sign quoted from a leaflet, a scare that turned out to be nothing,
    # constipation, and a will written as life admin.
    "The leaflet talks about 'blood clots in the legs', how common are they?",
    "Had chest pain last month, turned out to be indigestion. Can I still have keyhole surgery?",
    "My wife hasn't opened her bowels for three days since her fusion, is that the painkillers?",
    "I wrote my will before the operation like the nurse suggested, what else should I sort out?",
    # Round 18: a decision beside "no more options", a month off work at once, an old jump,
    # the benefits' "less blood loss", a wallet's heart attack.
    "The surgeon says there are no more options so I have decided to go ahead with the fusion.",
    "I have decided to have MISS but haven't told my wife yet, how long is recovery?",
    "Could I take the whole month off at once after my fusion, or split it?",
    "Long story short, I jumped off a wall as a kid, is MISS for old injuries?",
    "less blood loss, smaller scar... what else is good about it",
    "My wallet is going to have a heart attack. Ballpark price for a MISS fusion?",
])
def test_long_standing_limits_and_past_faints_are_not_emergencies(acute, text):
    assert acute(text) == []


# Round 16: a text that quotes the clinic's question about a red flag and answers it.
@pytest.mark.parametrize("reply", ["yes still bad. worse actually", "no better at all",
                                   "nope, bigger than yesterday"])
def test_a_quoted_question_about_a_red_flag_answered_yes_is_an_emergency(acute, reply):
    asked = "> Clinic: Is the numbness in your groin still there?"
    assert acute(f"{asked}\n{reply}") == ["saddle_numbness"]


@pytest.mark.parametrize("reply", ["no, it's gone, much better", "all better thanks"])
def test_a_quoted_question_answered_with_better_is_only_a_mention(findings, reply):
    found = findings(f"> Clinic: Is the numbness in your groin still there?\n{reply}")
    assert found.kinds(triage.ACUTE) == []
    assert found.kinds(triage.MENTIONED) == ["saddle_numbness"]


def test_thoughts_of_suicide_that_have_lasted_for_months_are_a_crisis_now(acute):
    assert acute("I've been hoarding my pain meds for a month. I think I have enough now.") == [
        triage.CRISIS]
    # ... while a symptom that has lasted for months is a question about treatment.
    assert acute("I've had numbness in my foot for months, can MISS help?") == []


def test_so_am_i_at_the_end_of_a_sentence_is_read_as_two_words(acute):
    # spaCy reads "I." as an initial; the plan beside the despair makes a crisis.
    assert acute("My back is finished and so am I. I've put the cat with the neighbour.") == [
        triage.CRISIS]


def test_a_new_red_flag_in_the_answer_is_found_although_the_quoted_question_names_it(acute):
    # The quoted question's own words must not stop the search for the same red flag.
    assert acute("> Clinic: Is the numbness in your groin still there?\n"
                 "that is better. new problem: since lunch my groin feels numb again") == [
        "saddle_numbness"]
