"""Text material of the generated Reddit sample: themes, title and body templates, fake names.

Written for the sample only: no sentence comes from a real post, and every name, address and
number in it is made up (phone numbers in the 555-0100 to 555-0199 range reserved for
fiction, e-mail addresses at example.org). Some bodies carry such contact details on purpose,
so the privacy step has something to remove on every run.
"""

from __future__ import annotations

# Theme -> (title templates, body templates). '{x}' takes one of the theme's fillers.
THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "sleep": (
        (
            "Can't sleep again, {x}",
            "Anyone else awake at this hour? {x}",
            "Insomnia is wrecking me ({x})",
            "How do you fall asleep when your mind won't stop",
        ),
        (
            "I lie awake every night and my thoughts just race. It started {x} and I'm "
            "exhausted all day.",
            "I've tried no screens, tea, breathing exercises. Nothing works since {x}. Does "
            "anyone have something that actually helped?",
            "I keep waking up at night with my heart pounding. It has been like this {x}.",
        ),
        ("since the new job", "for three weeks now", "after the move", "since the breakup"),
    ),
    "work_study": (
        (
            "Burned out from {x}",
            "Exams are crushing me, {x}",
            "My job is making me miserable, {x}",
            "How do you cope with deadlines and {x}",
        ),
        (
            "Between work and classes I have no time to breathe. {x} and I feel like I'm "
            "failing at everything.",
            "My manager keeps adding projects and I can't say no. {x}. I dread Mondays.",
            "Finals are in two weeks and I can't focus on anything. {x}.",
        ),
        ("the pressure never stops", "overtime every week", "group projects", "my thesis deadline"),
    ),
    "loneliness": (
        (
            "I feel so alone lately, {x}",
            "Does anyone else have no one to talk to?",
            "Lonely even around people, {x}",
            "Moved to a new city and {x}",
        ),
        (
            "Most days I don't talk to anyone. {x}, and the weekends are the hardest.",
            "I have friends on paper but nobody I can really call. {x}.",
            "I eat dinner alone every night and scroll until I fall asleep. {x}.",
        ),
        (
            "everyone seems busy",
            "my friends drifted away",
            "I know nobody here",
            "I work from home",
        ),
    ),
    "medication": (
        (
            "Starting {x}, what should I expect?",
            "Side effects of {x}?",
            "Coming off {x} slowly",
            "Does {x} get better after the first weeks?",
        ),
        (
            "My doctor put me on {x} and the first week was rough. Nausea, odd dreams. "
            "Did it settle for you?",
            "I've been on {x} for a few months and I feel flat. Is that normal?",
            "Tapering off {x} with my doctor. The dizziness is real.",
        ),
        ("an SSRI", "sertraline", "a new antidepressant", "my meds"),
    ),
    "therapy_access": (
        (
            "Waitlist for therapy is {x}",
            "How do you afford therapy? {x}",
            "Finally got a therapist after {x}",
            "Is online therapy worth it?",
        ),
        (
            "I called six practices and the earliest appointment is {x}. What do people do "
            "in the meantime?",
            "My insurance covers almost nothing and {x}. Are sliding scale clinics real?",
            "First session next week after {x}. I'm nervous, what should I say?",
        ),
        ("months away", "four months of calls", "I can't pay out of pocket", "a year of waiting"),
    ),
    "panic": (
        (
            "Had a panic attack {x}",
            "Panic attacks out of nowhere, {x}",
            "Chest tightness and dread, {x}",
            "How do you ground yourself during panic?",
        ),
        (
            "It came out of nowhere {x}. My hands went numb and I thought I was dying.",
            "I've started avoiding the places where it happened, {x}. The world is shrinking.",
            "Breathing exercises help a little but the fear of the next one is constant, {x}.",
        ),
        ("at the supermarket", "on the train", "in a meeting", "while driving"),
    ),
    "grief": (
        (
            "Lost my {x} and can't function",
            "Grief hits in waves, {x}",
            "It's been a year since I lost my {x}",
            "How do you keep going after a loss?",
        ),
        (
            "My {x} died last month and everyone expects me to be back to normal.",
            "Some days are fine and then a song plays and I'm on the floor. I miss my {x}.",
            "I keep picking up the phone to call my {x} before I remember.",
        ),
        ("mom", "dad", "best friend", "grandmother", "dog"),
    ),
    "holidays": (
        (
            "Dreading the holidays {x}",
            "Holidays make everything worse, {x}",
            "Spending the holidays alone {x}",
            "Family gatherings and my anxiety",
        ),
        (
            "Everyone is posting happy family photos and I feel worse than ever. {x}.",
            "Going home for the holidays means the old arguments again. {x}.",
            "The short days and the forced cheer get to me every year. {x}.",
        ),
        ("this year", "again", "after a hard year", "with my family"),
    ),
}
THEME_NAMES = tuple(THEMES)

# Community -> its share of each theme (same order as THEMES), before seasonal changes.
SUBREDDIT_THEMES: dict[str, tuple[float, ...]] = {
    "mentalhealth": (0.14, 0.16, 0.16, 0.12, 0.18, 0.10, 0.08, 0.06),
    "depression": (0.16, 0.12, 0.24, 0.16, 0.10, 0.04, 0.12, 0.06),
    "Anxiety": (0.14, 0.18, 0.08, 0.14, 0.10, 0.28, 0.04, 0.04),
}
SUBREDDITS = tuple(SUBREDDIT_THEMES)

# Appended to a few bodies: made-up contact details the privacy step must remove.
CONTACT_LINES = (
    " If anyone wants to talk, message u/{name} or write to {name}@example.org.",
    " Text me at 202-555-01{d2} if you're up late too.",
    " I post updates on instagram.com/{name}.",
    " My old account was u/{name}, call (202) 555-01{d2} if you need someone.",
)

# Parts of made-up usernames ('quiet_river_42').
NAME_FIRST = (
    "quiet",
    "blue",
    "tired",
    "lost",
    "little",
    "hopeful",
    "sleepy",
    "grey",
    "brave",
    "gentle",
    "restless",
    "distant",
)
NAME_SECOND = (
    "river",
    "fox",
    "owl",
    "cloud",
    "pine",
    "harbor",
    "moth",
    "comet",
    "lantern",
    "meadow",
    "willow",
    "stone",
)
