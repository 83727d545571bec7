"""Match diary food text to foods.csv: normalise, aliases, token index, priors, typo layer.

Plain string similarity fails when a two-word diary name meets a long comma-separated SR28
description ("spinach" -> a babyfood, "avocado" -> avocado oil). The matcher therefore:

1. normalises text (case, accents, punctuation, plurals, British/American names, noise words);
2. looks the text up in the user's aliases, then in the curated aliases (nutri/data/aliases.csv),
   also with typos (rapidfuzz ``ratio`` over the alias keys);
3. otherwise retrieves candidates from an IDF-weighted token index over descriptions and
   common names, with unknown tokens corrected to the nearest vocabulary word (rapidfuzz), and
   ranks them by weighted token coverage plus priors: generic over branded, raw fruit and
   vegetables, cooked meat, fish, grains and legumes, the SR28 head noun, cooking words, and
   special groups (babyfood, fast food, restaurant, American Indian/Alaska Native) only on request.

Each distinct normalised text is matched once per run.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from nutri.cache import paused_gc
from nutri.errors import DataFileError
from nutri.quantity import HOUSEHOLD_WORDS, resolve_unit, singular
from nutri.tables.base import SPECIAL_CATEGORIES, FoodTable, data_file

# Below this score a match is shown as needs_review with its alternatives (calibrated on
# tests/data/labelled_entries.csv: matches under 70 were right less than half the time).
REVIEW_THRESHOLD = 70
# Below this share of the query's information found in a description, nothing is claimed.
UNMATCHED_COVERAGE = 0.5
# "NS as to X" leaves one detail open; the detail is a dimension ("NS as to type, baked") or a list of the
# alternatives it could be ("NS as to fresh, smoked or cured", "regular, quick, or instant"), which runs
# over commas to its "or": read only to the first comma, the list's later alternatives were claims
_NS_DIMENSION = (
    r"(?:type|form|cut|part|color|cooking|method|flavor|filling|topping|fat|major|coating|skin|icing|sweetener"
    r"|added|dilution|percent)\b"
)
_NS_AS_TO = rf"NS as to (?:(?!{_NS_DIMENSION})[^,;]+(?:, (?!or\b)[^,;]+?)+,? or [^,;(]+|[^,]*)"
UNSPECIFIED = re.compile(rf"\b(?:{_NS_AS_TO}|NFS)\b")
# "any kind": no detail of the food's identity a text must ask for ("Fish, roe, mixed species")
ANY_KIND = re.compile(rf"\b(?:{_NS_AS_TO}|NFS|mixed species)\b")
SAME_AS_PENALTY = 0.06  # prior of a survey food that is one SR28 food (FoodTable same_as)
SEARCH_TEXT_SHARE = 0.15  # of a word's weight lost when it is only in a food's example names (FNDDS)
# of a word's weight lost when a food leaves it open ("instant" of "Oatmeal, NS as to regular, quick or
# instant"): all of it, as the food says nothing of it; a food stating what the text states ("Oatmeal,
# cooked, instant") fits better (at 0.15 or 0.5 the open food still won on its shorter name)
OPEN_WORD_SHARE = 1.0
HEAD_WEIGHT = 2.0  # words naming the food in "Food, state, detail" texts
# "Broccoli, chopped, boiled": the cook's cut, which SR28 names only for some products ("Broccoli,
# frozen, chopped"); at full weight it would pull that product's form the text does not state
# how a food was cut; "slice" too, as a food's name says it ("Almond Slices", "Pineapple Slice")
CUT_WORDS = frozenset({"chopped", "sliced", "diced", "cubed", "cut", "minced", "slice", "floret", "chunk"})
CUT_WORD_WEIGHT = 0.1
UNKNOWN_WORD_WEIGHT = 1.5  # weight of a text word absent from every description (IDF of common words is 1-9)
ALIAS_TYPO_CUTOFF = 90  # rapidfuzz.fuzz.ratio on normalised text
TOKEN_TYPO_CUTOFF = 85  # rapidfuzz.fuzz.ratio between an unknown word and the vocabulary

# Phrases rewritten before tokenising (British -> American, everyday -> SR28 wording).
PHRASE_SYNONYMS = [
    (r"\bsemi[ -]?skimmed\b", "2%"),
    (r"\bskimmed\b", "skim"),
    (r"\bfull[ -]fat\b", "whole"),
    # the cheese's Italian name, bought as a hard piece unless said grated
    (r"\bgrated parmigiano(?:[ -]reggiano)?\b", "grated parmesan"),
    (r"\bparmigiano(?:[ -]reggiano)?\b", "parmesan hard"),
    # "Yogurt (Greek) 0%", "0% fat": nonfat, as the tables say ("100%" and "10%" are no 0%)
    # (no lookbehind: a branch without a leading word boundary made every text's phrase scan 15 times slower)
    (r"\b0%(?: (?:milk ?)?fat\b)?", "nonfat"),
    (r"\bspring onions?\b", "scallion"),
    (r"\bgreen onions?\b", "scallion"),
    (r"\bbell peppers?\b", "sweet pepper"),
    (r"\bcapsicums?\b", "sweet pepper"),
    (r"\bmince(d)? beef\b", "ground beef"),
    (r"\bbeef mince\b", "ground beef"),
    (r"\bmince\b", "ground beef"),
    (r"\bcrisps\b", "potato chips"),
    (r"\bjacket potato(es)?\b", "baked potato"),
    (r"\bporridge oats\b", "oats"),
    (r"\bwholemeal\b", "whole wheat"),
    (r"\bwholegrain\b", "whole grain"),
    (r"\bwhole-wheat\b", "whole wheat"),
    (r"\bicing sugar\b", "powdered sugar"),
    (r"\bdouble cream\b", "heavy cream"),
    (r"\bsingle cream\b", "light cream"),
    (r"\bcornflour\b", "cornstarch"),
    (r"\bbroad beans?\b", "fava bean"),
    (r"\bharicot beans?\b", "navy bean"),
    (r"\bgarbanzo( beans?)?\b", "chickpea"),
    (r"\bfizzy drinks?\b", "soda"),
    (r"\btomato ketchup\b", "catsup"),
    (r"\bketchup\b", "catsup"),
    (r"\bmangetout\b", "snow pea"),
    (r"\bgreek yoghurt\b", "greek yogurt"),
    (r"\bpak choi\b", "bok choy"),
    (r"\bcheddar cheese\b", "cheddar"),
    (r"\bpeanut butter\b", "peanut butter"),
    (r"\bbaked beans\b", "baked beans"),
    (r"\bfish fingers?\b", "fish sticks"),
    (r"\bminced meat\b", "ground beef"),
    (r"\bsoya\b", "soy"),
    (r"\bsoymilk\b", "soy milk"),
    (r"\bsoy beverage\b", "soy milk"),
    (r"\bcaster sugar\b", "sugar"),
    (r"\bgranulated sugar\b", "sugar"),
    (r"\bstreaky bacon\b", "bacon"),
    (r"\bhot dog sausages?\b", "frankfurter"),
    (r"\bhot ?dogs?\b", "frankfurter"),
    (r"\bkidney beans?\b", "kidney bean"),
    (r"\bred ?fish\b", "redfish"),  # ocean perch (FNDDS's example name), not the "red" of red caviar
    # qualifiers that make a different food, spelt one way on both sides (texts and descriptions)
    (r"\bnon[ -]?alcoholic\b|\balcohol[ -]free\b|\bde[ -]?alcoholi[sz]ed\b", "nonalcoholic"),
    # a beer by its style is beer; a non-alcoholic "brew" is a non-alcoholic beer ("Non-Alcoholic IPA Brew")
    (r"\b(?:ipa|pilsn?er|pilsener|lager|stout|draught|draft beer)\b", "beer"),
    (r"\b(nonalcoholic(?: \w+){0,3}) brew\b", r"\1 beer"),
    (r"\bbrew\b(?=(?: \w+){0,3} nonalcoholic\b)", "beer"),
    # a salt by its source or grain is salt; in a food's name, its seasoning ("Chips, Sea Salt")
    (r"\b(?:sea|kosher|rock|flaky|himalayan(?: pink)?|pink himalayan) salt\b", "salt"),
    (r"\bdecaf(?:feinated)?\b", "decaffeinated"),
    (r"\b(?:not|non)[ -]?fortified\b", "unfortified"),
    (r"\bnot frosted\b|\bwithout icing\b", "unfrosted"),
    (r"\b(?:no|without) meat\b", "meatless"),
    (r"\bcoca[ -]cola\b", "cola"),
    # Cronometer's "Chicken Breast, Skin Removed Before Cooking" is FNDDS's "skin not eaten" and SR28's
    # "meat only"
    (r"\bskin not eaten\b|\bskin removed(?: before cooking)?\b", "without skin"),
    # meat trimmed of its fat, one word on both sides: SR28's "separable lean only", FNDDS's "lean only
    # eaten", Cronometer's "No Visible Fat Eaten"; as two words "lean" was as much "lean and fat"
    (r"\blean only\b|\bno visible fat(?: eaten)?\b", "leanonly"),
    (r"\b(?:no|without) (?:added )?sugar(?: added)?\b|\bnot sweetened\b", "unsweetened"),
    # "unsalted" is "without salt" (a negation the ranking reads), "salted" is "with salt added"
    (r"\bunsalted\b|\bno salt added\b", "without salt"),
    (r"\bsalted\b", "salt"),
    # SR28 names fortification by its nutrients ("Soymilk, chocolate, with added calcium, vitamins
    # A and D"); a text says "fortified": both sides read as fortified
    (r"\bwith added (?=(?:calcium|vitamins?|nutrients)\b)", "fortified "),
    (r"\bwith (?=calcium\b)", "fortified "),  # "orange juice with calcium"
    (r"\benriched\b", "fortified"),
    # a packaged drink's form, one word on both sides: its "drink" does not name a "chocolate drink"
    (r"\bready[ -]to[ -]drink\b", "readytodrink"),
    # a roasting method, one word beside "roasted": "dry" of "dry roasted" is no raw state, "oil" no oil
    (r"\bdry roasted\b", "dryroasted roasted"),
    (r"\boil roasted\b", "oilroasted roasted"),
    # Cronometer's "Oil, Unknown Type" is FNDDS's "not further specified" ("Vegetable oil, NFS")
    (r"\b(?:unknown|unspecified|not specified) (?:type|kind|variety)\b", "nfs"),
    # dishes spelt as one word or two: one word on both sides ("Meat loaf made with beef" is "meatloaf")
    (r"\bmeat ?loaf\b", "meatloaf"),
    (r"\bcole ?slaw\b", "coleslaw"),
    (r"\bmac(?:aroni)? (?:and|n|&|'n'?) cheese\b", "macaroni and cheese"),
    # a fruit or vegetable canned in juice is no juice: "juice" (a different food) is the drink
    (r"\bjuice pack(?:ed)?\b|\b(?:packed |canned )?in (?:its own |tomato |fruit |natural )?juices?\b", "juicepack"),
]
ANY_PHRASE = re.compile("|".join(f"(?:{p})" for p, _ in PHRASE_SYNONYMS))
PHRASE_SYNONYMS = [(re.compile(p), r) for p, r in PHRASE_SYNONYMS]


try:  # the regular-expression parser is private to ``re`` (Python 3.11+): only a shortcut depends on it
    from re import _constants as re_constants
    from re import _parser as re_parser
except ImportError:  # another Python: every phrase is tried on every text, with the same results
    re_constants = re_parser = None


def required_strings(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains ("skimmed" of semi-skimmed), or None
    when the pattern's parse does not tell (case-insensitive, no literal run it must match, or no parser
    of ``re`` to read it with)."""
    if pattern.flags & re.IGNORECASE or re_parser is None:
        return None
    try:
        return _required(re_parser.parse(pattern.pattern))
    except Exception:  # a parse tree of another shape than this reading knows: no shortcut
        return None


def _required(items) -> frozenset[str] | None:
    # each run of literals the sequence must match is required, as is what a group, a branch (one of
    # its alternatives' requirements) or a repeat of at least once requires; the longest is kept
    required: list[frozenset[str]] = []
    run = ""
    for op, value in [*items, (None, None)]:
        if op is re_constants.LITERAL:
            run += chr(value)
            continue
        if run:
            required.append(frozenset([run]))
            run = ""
        inner = None
        if op is re_constants.SUBPATTERN and not value[1] & re.IGNORECASE:
            inner = _required(value[-1])
        elif op is re_constants.BRANCH:
            branches = [_required(branch) for branch in value[1]]
            inner = frozenset().union(*branches) if all(branches) else None
        elif op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT) and value[0] >= 1:
            inner = _required(value[2])
        if inner:
            required.append(inner)
    return max(required, key=lambda strings: min(map(len, strings)), default=None)


# What each phrase needs in the text: a text lacking it cannot match, so its substitution is skipped
# (a description holding one phrase tried all 60; the index build tokenizes 3,600 such texts).
PHRASE_NEEDS = [required_strings(pattern) for pattern, _ in PHRASE_SYNONYMS]


def _phrase_synonyms(text: str) -> str:
    for (pattern, replacement), needs in zip(PHRASE_SYNONYMS, PHRASE_NEEDS, strict=True):
        for needed in needs if needs is not None else ("",):  # "" is in every text
            if needed in text:
                text = pattern.sub(replacement, text)
                break
    return text


# Single words (after singularising): British or everyday -> the word SR28 uses.
WORD_SYNONYMS = {
    "yoghurt": "yogurt",
    "yoghourt": "yogurt",
    "courgette": "zucchini",
    "aubergine": "eggplant",
    "swede": "rutabaga",
    "rocket": "arugula",
    "coriander": "cilantro",
    "prawn": "shrimp",
    "beetroot": "beet",
    "sultana": "raisin",
    "gammon": "ham",
    "porridge": "oatmeal",
    "maize": "corn",
    "biscuit": "cookie",
    "aubergines": "eggplant",
    "chickpeas": "chickpea",
    "garbanzos": "chickpea",
    "grey": "gray",
    "flavour": "flavor",
    "flavoured": "flavored",
    "fibre": "fiber",
    "colour": "color",
    "tinned": "canned",
    "tin": "can",
    "grilled": "grilled",
    "bbq": "barbecued",
    "barbeque": "barbecued",
    "cheddar": "cheddar",
    "ff": "fat free",
    "lowfat": "low fat",
    "nonfat": "nonfat",
    "skim": "nonfat",
    "fatfree": "nonfat",
    "oj": "orange juice",
    "pb": "peanut butter",
    "evoo": "olive oil",
    "tuna": "tuna",
    "wholewheat": "whole wheat",
    "lite": "light",
    "doughnut": "doughnut",
    "donut": "doughnut",
    "catsup": "catsup",
    "mayo": "mayonnaise",
    "veggie": "vegetable",
    "spag": "spaghetti",
    "choc": "chocolate",
    "sarnie": "sandwich",
    "sandwhich": "sandwich",
    "expresso": "espresso",
    "filet": "fillet",
    "fillet": "fillet",
    "almond": "almond",
    "omelette": "omelet",
    "sausage": "sausage",
    "yogourt": "yogurt",
    "chilli": "chili",
    "aubergene": "eggplant",
    "kiwifruit": "kiwifruit",
    "kiwi": "kiwifruit",
    "clementine": "tangerine",
    "mandarin": "tangerine",
    "satsuma": "tangerine",
    "flax": "flaxseed",
    "flaxseeds": "flaxseed",
    "cacao": "cocoa",
    "parmigiano": "parmesan",
    "garbanzo": "chickpea",
    "scallion": "scallion",
    "rasher": "slice",
    "tomatoe": "tomato",
    "potatoe": "potato",
    # SR28 "Beans, snap, green" is FNDDS "Beans, string, green" and the diary's "string beans"
    "string": "snap",
    "shelled": "kernel",
    "unshelled": "whole",
    "brew": "brewed",  # "cold brew coffee" is brewed coffee (a non-alcoholic brew is beer: PHRASE_SYNONYMS)
}

# Meal words (noise words) that also name a food before its noun ("breakfast sausage", "dinner roll"): kept
# where the tables name a food so. "Snacks, ..." and "X dinner (frozen meal)" are the tables' categories
# and meals, not what a diary's "snack:" or "chicken dinner" means; "lunch" names no food before its noun
MEAL_COMPOUNDING = frozenset({"breakfast", "dinner"})
MEAL_WORDS_RE = re.compile(r"(?i)\b(?:" + "|".join(sorted(MEAL_COMPOUNDING)) + r")\b")
# Removed from the diary text only (SR28 descriptions keep them): they do not change the food.
NOISE_WORDS = frozenset(
    [
        "organic",
        "homemade",
        "home",
        "made",
        "fresh",
        "freshly",
        "store",
        "bought",
        "storebought",
        "natural",
        "delicious",
        "yummy",
        "my",
        "favourite",
        "favorite",
        "tasty",
        "plain-ish",
        "some",
        "of",
        "the",
        "with",
        "a",
        "an",
        "snack",
        "breakfast",
        "lunch",
        "dinner",
        "brunch",
        "bowl",
        "leftover",
        "leftovers",
        "big",
        "little",
        "nice",
        "trader",
        "joe",
        "joes",
        "kirkland",
        "tesco",
        "sainsbury",
        "sainsburys",
        "waitrose",
        "asda",
        "costco",
        "aldi",
        "lidl",
        "great",
        "value",
        "walmart",
        "target",
        "marks",
        "spencer",
        "m&s",
        "kroger",
        "wegmans",
        "bulk",  # "Generic - Bulk Almond Slices": how it was bought
        "365",
        "everyday",
        "value",
        "simple",
        "truth",
        "glass",
        "mug",
        "bottle",
        "serving",
        "portion",
        "piece",
        "handful",
        # a drink's packaged form: every plant milk is; its powder is a form word ranked down anyway
        "readytodrink",
    ]
) - {"a", "an", "with"}
STOP_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "with", "w", "in", "on", "or", "for", "to", "from", "made", "style", "type"}
)

# Cooking words in the text steer to descriptions with any of the listed preparation words.
COOKING_WORDS = {
    "grilled": {"grilled", "broiled", "dry heat"},
    "broiled": {"broiled", "grilled", "dry heat"},
    "baked": {"baked", "roasted", "dry heat"},
    "roasted": {"roasted", "baked", "dry heat"},
    "roast": {"roasted", "baked", "dry heat"},
    "boiled": {"boiled", "cooked", "moist heat", "simmered"},
    "fried": {"fried", "pan-fried"},
    "steamed": {"steamed", "boiled", "cooked"},
    "scrambled": {"scrambled"},
    "poached": {"poached"},
    "stewed": {"stewed", "braised", "simmered"},
    "braised": {"braised", "stewed"},
    "toasted": {"toasted"},
    "toast": {"toasted"},
    "sauteed": {"sauteed", "stir-fried", "pan-fried"},
    "microwaved": {"microwaved"},
    "cooked": {"cooked", "boiled", "roasted", "baked", "dry heat", "braised", "broiled"},
    "raw": {"raw"},
    "uncooked": {"raw", "dry", "uncooked"},
    "dry": {"dry", "dried", "uncooked"},
    "dried": {"dried", "dry", "dehydrated"},
    "canned": {"canned"},
    "frozen": {"frozen"},
    "smoked": {"smoked"},
}
COOKED_STATE = {
    "cooked",
    "roasted",
    "boiled",
    "baked",
    "broiled",
    "braised",
    "dry heat",
    "moist heat",
    "grilled",
    "simmered",
    "stewed",
    "pan-fried",
    "fried",
    "steamed",
    "prepared",
    "brewed",
}
# Our categories (nutri/tables/base.py) whose foods are usually eaten cooked, or raw.
COOKED_BY_DEFAULT = {"meat", "poultry", "fish", "grains", "legumes"}
MEAT_SUBSTITUTES = "legumes"  # the category both tables file meat substitutes in
RAW_BY_DEFAULT = {"fruits", "vegetables"}
# ... and eaten as bought, neither cooked nor raw by default: SR28 names their plain form by no
# state word ("Nuts, almonds") or "dried" (seed kernels), and a preparation ("roasted") is asked for
AS_BOUGHT_BY_DEFAULT = {"nuts_seeds"}
# Words that make a different food: a description with one the text lacks is pushed down.
DIFFERENT_FOOD_WORDS = (
    "meatless",
    "imitation",
    "substitute",
    "analog",
    "honey",
    "chocolate",
    "sweetened",
    "candied",
    "frosted",
    "glazed",
    "coated",
    "breaded",
    "flavored",
    "babyfood",
    "vanilla",
    "strawberry",
    "cinnamon",
    "maple",
    "caramel",
    "mocha",
    "giblet",
    "gizzard",
    "liver",
    "neck",
    "feet",
    "spinach",
    "decaffeinated",
    "presweetened",
    "leanonly",  # meat trimmed of its fat (PHRASE_SYNONYMS): about half the fat of "lean and fat"
    "juice",  # a fruit's juice is not the fruit (watermelon juice: no fibre, another weight per cup)
)
# Of DIFFERENT_FOOD_WORDS, those a text names that make another kind of food, not a flavour or a
# sweetening a food may have without its name saying so ("chocolate truffles" are "Truffles"; chocolate
# soy milk is sweetened): a food without the word is reviewed.
ANOTHER_KIND = frozenset(
    {"juice", "decaffeinated", "leanonly", "babyfood", "imitation", "substitute", "analog", "meatless"}
    | {"giblet", "gizzard", "liver", "neck", "feet", "breaded", "coated"}
)
# Head words that name a category the food belongs to ("Nuts, almonds" is almonds), unlike
# "Oil, olive" or "Soup, tomato", whose first word is the food itself.
CATEGORY_WORDS = frozenset(
    {
        "fish",
        "nut",
        "beverage",
        "cereal",
        "seed",
        "spice",
        "babyfood",
        "alcoholic",
        "snack",
        "candy",
        "candies",
        "mollusk",
        "crustacean",
        "game",
        "meat",
        "fast",
        "food",
        "restaurant",
        "ready",
        "eat",
    }
)
# Heads naming a dish made of the food named after them ("Soup, lentil", "Sauce, cheese")
DISH_HEADS = frozenset({"soup", "sauce"})
# Nouns a text ends on that name a dish: a food without the word is its ingredient, not the dish.
DISH_NOUNS = DISH_HEADS | {"salad", "sandwich", "stew", "casserole", "chowder", "smoothie", "pie", "cake", "curry"}
# Dishes a food's name can end on that a text naming one of its ingredients does not mean
OTHER_DISHES = DISH_NOUNS | {"burger", "pizza", "burrito", "taco", "wrap", "bowl", "bar"}
# FNDDS names a form after its food the same way: "White potato, french fries", "Coffee, latte".
GENERIC_HEADS = {
    "white potato",
    "salty snack",
    "coffee",
    "fish",
    "nuts",
    "nut",
    "beverages",
    "beverage",
    "cereals",
    "cereal",
    "seeds",
    "seed",
    "spices",
    "spice",
    "babyfood",
    "alcoholic beverage",
    "snacks",
    "candies",
    "cookies",
    "crackers",
    "soup",
    "sauce",
    "mollusks",
    "crustaceans",
    "infant formula",
    "cereals ready-to-eat",
    "oil",
    "salad dressing",
    "fast foods",
    "restaurant",
    "game meat",
    "pork",
    "beef",
    "lamb",
    "veal",
    "chicken",
    "turkey",
    "margarine-like spread",
    "cheese",
    "milk",
    "yogurt",
    "fruit juice",
    "egg",
}
CATEGORY_TRIGGERS = {
    "baby_foods": {"baby", "babyfood", "infant", "toddler", "gerber"},
    "fast_foods": {
        "fast",
        "mcdonald",
        "mcdonalds",
        "burger king",
        "wendy",
        "kfc",
        "subway",
        "taco bell",
        "pizza hut",
        "domino",
        "dominos",
        "popeyes",
    },
    "restaurant_foods": {
        "restaurant",
        "applebee",
        "olive garden",
        "denny",
        "tgi",
        "chinese",
        "mexican",
        "italian",
        "takeout",
        "takeaway",
    },
    "frozen_meals": {"meal", "dinner", "entree", "tv"},
    "native_foods": {
        "alaska",
        "native",
        "navajo",
        "apache",
        "hopi",
        "shoshone",
        "yupik",
        "inupiat",
        "caribou",
        "seal",
        "whale",
    },
}


# The chains among them (not "fast"): a food of the chain the text names must have its other words.
FAST_FOOD_CHAINS = tuple(sorted(CATEGORY_TRIGGERS["fast_foods"] - {"fast"}))
# Triggers of more than one word ("burger king") are looked up in the joined text.
TRIGGER_PHRASES = {group: [f" {t} " for t in words if " " in t] for group, words in CATEGORY_TRIGGERS.items()}


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


SPACED_PERCENT = re.compile(r"(\d)\s*%")
WHOLE_PERCENT = re.compile(r"(\d+)\.0+%")  # "1.0%" is 1%, not "1" and "0%"
NOT_A_WORD = re.compile(r"[^\w%]+")


@lru_cache(maxsize=200_000)
def tokenize(text: str, drop_noise: bool = True) -> tuple[str, ...]:
    """Normalised tokens: lower case, no accents or punctuation (keeps '2%'), singular,
    synonyms applied; noise words dropped from diary text (``drop_noise``)."""
    text = _strip_accents(str(text).lower()).replace("&", " and ")
    if "%" in text:  # most texts have none: the substitution's scan is skipped
        text = WHOLE_PERCENT.sub(r"\1%", SPACED_PERCENT.sub(r"\1%", text))
    # a typeset apostrophe is one ("Hal’s" is Hal's, not "hal s")
    text = NOT_A_WORD.sub(" ", text.replace("'", "").replace("\u2019", "").replace("\u2018", ""))
    if ANY_PHRASE.search(text):
        text = _phrase_synonyms(text)
    tokens: list[str] = []
    for word in text.split():
        tokens.extend(_word_tokens(word, drop_noise))
    return tuple(tokens)


@lru_cache(maxsize=100_000)
def _word_tokens(word: str, drop_noise: bool) -> tuple[str, ...]:
    """One word's tokens (synonyms, singular, noise and stop words dropped): texts share their words,
    so each is read once (a cold cohort tokenizes tens of thousands of texts, the index build 40,000)."""
    tokens: list[str] = []
    word = WORD_SYNONYMS.get(word, word)
    for part in word.split():
        part = WORD_SYNONYMS.get(singular(part), singular(part))
        if drop_noise and part in NOISE_WORDS:
            continue
        tokens.extend(t for t in part.split() if t not in STOP_WORDS)
    return tuple(tokens)


def normalise(text: str) -> str:
    return " ".join(tokenize(text))


@dataclass(frozen=True)
class Alias:
    key: str  # normalised text
    written: str  # as in the aliases file
    food_id: str
    reason: str
    source: str  # "curated" or the user's file


@dataclass(frozen=True)
class Match:
    """One explained match. rule: food_code | user_alias | alias | alias_typo | exact | fuzzy | none."""

    query: str
    food_id: str | None
    description: str
    score: float
    rule: str
    status: str  # matched | needs_review | unmatched
    note: str
    alternatives: tuple[tuple[str, str, float], ...] = ()
    # (nutrient column, lowest, highest per 100 g) where the foods this text could mean differ a
    # lot in a tracked nutrient (firm tofu: calcium 201-683 mg by coagulant): a verdict near the
    # line may change with the product
    ranges: tuple[tuple[str, float, float], ...] = ()

    @cached_property  # asked once per diary key (amount, unit, text), the same for every key of a text
    def alternatives_text(self) -> str:
        return "|".join(f"{fid}:{desc}" for fid, desc, _ in self.alternatives)


def read_aliases(path: Path, table: FoodTable, source: str) -> dict[str, Alias]:
    """alias,food_id[,reason] CSV. Every food_id must exist in the table (or custom foods)."""
    aliases: dict[str, Alias] = {}
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read aliases ({exc.strerror}); check the path") from None
    with handle:
        try:
            kept: list[int] = []  # file line number of each line the CSV reader sees (comments are skipped)

            def lines():
                for number, line in enumerate(handle, start=1):
                    if not line.startswith("#"):
                        kept.append(number)
                        yield line

            reader = csv.DictReader(lines())
            if not reader.fieldnames or "alias" not in reader.fieldnames or "food_id" not in reader.fieldnames:
                raise DataFileError(f"{path}: an aliases file needs the header alias,food_id (and optionally reason)")
            for row in reader:
                line_no = kept[reader.line_num - 1]
                text, food_id = (row.get("alias") or "").strip(), (row.get("food_id") or "").strip()
                if not text:
                    continue
                # the table knows its id shapes: "1123" (spreadsheets drop SR28's leading zeros),
                # "27540310" (an FNDDS code without its prefix), "granola-bar" (a custom food)
                resolved = table.resolve_id(food_id)
                if resolved is None:
                    raise DataFileError(
                        f"{path}, line {line_no}: food_id {food_id!r} for {text!r} is not in the food tables or "
                        f"your custom foods; find the id with `nutri foods search {text!r}`"
                    )
                food_id = resolved
                key = normalise(text)
                if key in aliases:
                    continue  # first spelling wins: "semi skimmed milk" and "2% milk" normalise alike
                aliases[key] = Alias(key, text, food_id, (row.get("reason") or "").strip(), source)
        except UnicodeDecodeError:
            raise DataFileError("not UTF-8 text", file=path, fix="save the aliases file as UTF-8 CSV") from None
        except csv.Error as exc:  # a field over the size limit, a NUL byte, broken quoting
            raise DataFileError(
                f"not readable as CSV ({exc})", file=path, fix="save the aliases file as a plain alias,food_id CSV"
            ) from None
    return aliases


@dataclass(frozen=True)
class AliasIndex:
    """Curated aliases by normalised key, and by first word (for aliases inside a longer text)."""

    aliases: dict[str, Alias]
    keys: list[str]
    by_first_word: dict[str, list[tuple[set[str], Alias]]]


def build_alias_index(aliases: dict[str, Alias]) -> AliasIndex:
    by_first_word: dict[str, list[tuple[set[str], Alias]]] = {}
    for key, alias in aliases.items():
        parts = key.split()
        if parts:
            by_first_word.setdefault(parts[0], []).append((set(parts), alias))
    return AliasIndex(aliases, list(aliases), by_first_word)


@dataclass(frozen=True)
class WordIndex:
    """The words of every food's description and search text: postings, IDF, heads, brand words."""

    ids: np.ndarray
    descriptions: np.ndarray
    token_sets: list[set[str]]
    description_tokens: list[set[str]]
    heads: list[set[str]]
    head_cores: list[tuple[frozenset[str], ...]]
    lengths: np.ndarray
    same_as: np.ndarray  # row -> the row of the food it is (itself unless FoodTable same_as says)
    # word -> a factor per posting: 1 - SEARCH_TEXT_SHARE where the word is only in the food's
    # example names (FNDDS additional descriptions), 1 - OPEN_WORD_SHARE where the food leaves it open
    # (only in its "NS as to" phrases), else 1
    search_factors: dict[str, np.ndarray]
    brand_only: list[set[str]]
    branded: np.ndarray
    postings: dict[str, np.ndarray]
    idf: dict[str, float]
    vocabulary_by_letter: dict[str, list[str]]
    description_lower: list[str]
    row_of: dict[str, int]
    # words naming what the food is beyond its state ("chinese" of "Broccoli, chinese, cooked",
    # "turtle" of "Turtle and vegetable soup", "mushroom sauce" of "..., with mushroom sauce"):
    # each one the text does not ask for makes the food a little less likely what it means
    identity: list[tuple[frozenset[str], tuple[frozenset[str], ...], frozenset[str], bool]]
    home_recipe: np.ndarray  # "home recipe", "prepared from recipe", "homemade": what "homemade" asks for
    form_words: list[frozenset[str]]  # "frozen", "canned", "dried": forms a text may not have asked for
    negatable: frozenset[str]  # words some description says its food lacks ("salt" of "without salt")
    lacks: list[frozenset[str]]  # per food, the words its description says it lacks
    # per food, the words of the segment naming it ("sunflower seed butter" of "Seeds, sunflower
    # seed butter", "french fries" of "White potato, french fries", "Broccoli" of "Broccoli, chinese")
    name_words: list[frozenset[str]]
    # per food, the words of what it is made or served with, not of its name (_detail_words)
    detail_words: list[frozenset[str]]


def _with_part(description_lower: str) -> frozenset[str]:
    """Words a description adds with "with" ("made with milk") or serves it on after a comma
    ("Hamburger, plain, on bun"; "kernels on cob" is the corn): ingredients and carriers."""
    parts = re.split(r"\swith\s|,\s+on\s", description_lower, maxsplit=1)
    return frozenset(tokenize(parts[1], False)) if len(parts) > 1 else frozenset()


def _detail_words(description: str, cores: tuple[frozenset[str], ...]) -> frozenset[str]:
    """Words of what a food is made or served with ("Fish soup, with potatoes"; "Ham or pork with
    (mushroom) soup (mixture)"), but for its name's core, category words and the dish itself."""
    return _with_part(description.lower()) - frozenset().union(*cores) - CATEGORY_WORDS - DISH_NOUNS


def _head_segments(description: str) -> list[str]:
    """The comma segments naming the food: the first (plus the second after a generic head)."""
    segments = [s.strip() for s in description.split(",")]
    if " ".join(tokenize(segments[0], False)) in GENERIC_HEADS and len(segments) > 1:
        return segments[:2]
    return segments[:1]


def _head(description: str) -> set[str]:
    """Words naming the food: the first comma segment (plus the second after a generic head)."""
    return {t for segment in _head_segments(description) for t in tokenize(segment, False)}


def _head_cores(description: str) -> tuple[frozenset[str], ...]:
    """The head without category words ("Nuts, almonds" -> {almond}), details in parentheses or
    after "with"/"in" ("Caesar salad (with romaine)", "Taco or tostada with beef"), one core per
    "or" alternative ({taco} or {tostada}). A text naming all of one core is about this food, not a
    food made from it ("Olive loaf")."""
    segments = _head_segments(description)
    if not any(c in segment for segment in segments for c in ("(", " with ", " in ", " or ")):
        words = {t for segment in segments for t in tokenize(segment, False)}  # the common case, no details
        return (frozenset(words - CATEGORY_WORDS or words),)
    words: set[str] = set()
    alternatives: list[set[str]] = []
    for segment in segments:
        plain = re.sub(r"\([^)]*\)", " ", segment)
        plain = re.split(r"\s(?:with|in)\s", f" {plain} ")[0] if plain.strip() else segment
        options = [set(tokenize(o, False)) for o in re.split(r"\sor\s", f" {plain} ")]
        if len(options) > 1 and all(options):
            alternatives = options
        else:
            words |= set(tokenize(plain, False))
    cores = [(words | option) - CATEGORY_WORDS or (words | option) for option in (alternatives or [set()])]
    return tuple(frozenset(c) for c in cores if c) or (frozenset(),)


# Words of a description that say how a food is kept, cooked or labelled, not which food it is.
NEUTRAL_WORDS = frozenset(
    {
        *COOKED_STATE,
        "dryroasted",
        "oilroasted",
        "raw",
        "dry",
        "dried",
        "uncooked",
        "powder",
        "canned",
        "evaporated",
        "condensed",
        "frozen",
        "dehydrated",
        "concentrate",
        "all",
        "variety",
        "ns",
        "nfs",
        "nf",  # "NFS" as tokenize leaves it (singular): "Fruit juice, NFS" is fruit juice, nothing unasked
        "as",
        "to",
        "form",
        "type",
        "mature",
        "seed",
        "fluid",
        "regular",
        "plain",
        "drained",
        "solid",
        "liquid",
        "whole",
        "fresh",
        "without",
        "salt",
        "added",
        "fat",
        "not",
        "heat",
        "moist",
        "kernel",
        "meat",
        "only",
        "separable",
        "lean",
        "commercial",
        "commercially",
        "ready",
        "drink",
        "readytodrink",
        "eat",
        "fortified",
        "unfortified",
        "vitamin",
        "recipe",
        "homemade",
        "bottled",
        "purchased",
        "unheated",
        "heated",
        "unprepared",
        "pack",
        "tap",
        "water",
        "original",
        "sweetened",
        "unsweetened",
        "piece",
        "pieces",
        "sliced",
        "chopped",
        "bun",
        "on",
        "from",
        "hot",
        "cold",
        "baby",
        "nonalcoholic",
        "choice",
        "select",
        "grade",
        "trimmed",
    }
)
HOME_RECIPE_RE = re.compile(r"\bhome recipe\b|\bprepared from recipe\b|\bhome[ -]?made\b|\bhome-prepared\b", re.I)
IDENTITY_WORD_PENALTY = 0.03  # per word, at most three
FORM_PENALTY = 0.08  # "frozen", "canned" the text does not say
DETAIL_ONLY_PENALTY = 0.06  # a dish of another food the text's words are only a detail of (_detail_only)
FROZEN_AS_RAW_SHARE = 0.8  # of the word "frozen" a raw fruit covers (_frozen_as_raw)
# The kind survey dishes name a text's food by ("Wrap sandwich, filled with meat, poultry, or fish, and
# vegetables"): a text's "chicken" is covered by their "poultry", a little below a food naming chicken
KIND_NAMES = {
    **dict.fromkeys(("chicken", "turkey", "duck"), "poultry"),
    **dict.fromkeys(("beef", "pork", "lamb", "veal", "ham", "steak"), "meat"),
    **dict.fromkeys(("salmon", "tuna", "cod", "tilapia", "halibut", "trout", "haddock"), "fish"),
}
KIND_NAME_SHARE = 0.8
CLAIM_PENALTY = 0.06  # "reduced fat", "light" the text does not say
PREPARATION_PENALTY = 0.03  # "roasted" of a food eaten as bought, as much as a word naming another variety
MIN_COVERAGE_SHARE = 0.25  # of the best coverage: foods below it are not ranked
RERANKED = 12  # foods the per-food adjustments (head, qualifiers, unasked words) look at
MAX_UNASKED = 3 * IDENTITY_WORD_PENALTY + FORM_PENALTY + CLAIM_PENALTY + PREPARATION_PENALTY
PREPARATION_WORDS = frozenset(
    {"roasted", "dryroasted", "oilroasted", "toasted", "fried", "baked", "boiled", "steamed", "grilled", "broiled"}
)
CLAIM_WORDS = frozenset({"reduced", "low", "lowfat", "nonfat", "light", "lite", "free", "diet", "lower"})


UNASKED_FORMS = frozenset(
    {"frozen", "canned", "dehydrated", "concentrate", "condensed", "evaporated", "powder", "pickled"}
)
# Forms that hold the food's nutrients in a fraction of its weight: a food of another form differs
# several-fold per gram, so a text naming one the food lacks is reviewed ("soup, condensed").
CONCENTRATED_FORMS = frozenset({"condensed", "concentrate", "dehydrated", "powder", "evaporated"})
NEGATION_WORD_RE = re.compile(r"\b(?:without|no|not|non|w/o|unsalted)\b", re.I)


FORTIFIED_WITH = re.compile(
    r"\s+with (?:added )?(?:calcium|vitamins?|nutrients)\b[^,]*(?:,\s*(?:and )?(?:calcium|vitamins?|iron)\b[^,]*)*"
)


def _identity_words(description: str) -> tuple[frozenset[str], tuple[frozenset[str], ...], frozenset[str], bool]:
    """The description's words less state words and details in parentheses: single words, "or"
    alternatives as one group each ("Bread, french or vienna (includes sourdough)": bread, and
    french-or-vienna), the words it adds with "with" or ", and" ("..., with mushroom sauce"), and whether
    that "with" is part of the dish's name ("Taco or tostada with beef, cheese and lettuce") rather
    than a detail after a comma ("Milk chocolate candy, with fruit and nuts")."""
    # "with added calcium, vitamins A and D" says fortified (a claim, read so on both sides), no ingredient
    lower = FORTIFIED_WITH.sub(" fortified", ANY_KIND.sub(" ", description).lower())
    plain, _, added = re.sub(r"\([^)]*\)", " ", lower).partition(" with ")
    if ", and " in plain:  # "Beans, green, and potatoes": the potatoes are added to the green beans
        added = " ".join([added, *re.findall(r", and ([^,]*)", plain)])
        plain = re.sub(r", and [^,]*", " ", plain)

    def kept(text: str) -> set[str]:
        words = set(tokenize(text, False)) - NEUTRAL_WORDS - CATEGORY_WORDS
        return {w for w in words if not w.isdigit() and "%" not in w}

    # (both "or" patterns need " or ": most descriptions have none, and their scans were a quarter of this)
    alternatives = re.findall(r"([a-z][\w-]*) or ([a-z][\w-]*)", plain) if " or " in plain else []
    groups = [kept(f"{a} {b}") for a, b in alternatives]
    # "meatless" names no ingredient: "Burrito with beans, meatless" adds beans only (a meat
    # substitute, "Bacon, meatless", is another food by its category: build_prior_index)
    singles = kept(re.sub(r"[a-z][\w-]* or [a-z][\w-]*", " ", plain) if alternatives else plain) - {"meatless"}
    in_name = "," not in plain
    # what follows "with" and is negated adds nothing: "Nachos with cheese, meatless, no beans" adds cheese
    lacking = negated_words(added) | {w.lower() for w in NEGATION_WORD_RE.findall(added)}
    return (
        frozenset(singles),
        tuple(frozenset(g) for g in groups if g),
        frozenset(kept(added) - {"meatless"} - lacking),
        in_name,
    )


def build_word_index(foods, example_names: np.ndarray) -> WordIndex:
    """``example_names``: rows whose search text lists examples (FNDDS), weaker than their description."""
    descriptions = foods["description"].to_numpy()
    token_sets, heads = [], []
    postings: dict[str, list[int]] = {}
    for i, (description, search_text) in enumerate(
        zip(descriptions, foods["search_text"].fillna("").to_numpy(), strict=False)
    ):
        tokens = set(tokenize(description, False)) | set(tokenize(search_text, False))
        token_sets.append(tokens)
        heads.append(_head(str(description)))
        for token in tokens:
            postings.setdefault(token, []).append(i)
    # words that occur only in a brand or product name (capitals: "BOLTHOUSE FARMS, DAILY GREEN")
    # (FNDDS's "NFS", "not further specified", is no brand: "Fruit juice, NFS" is the survey's juice)
    capitals = re.compile(r"\b[A-Z][A-Z'&.]{2,}\b")
    unbranded = [UNSPECIFIED.sub(" ", str(d)) for d in descriptions]
    branded = np.array([bool(capitals.search(d)) for d in unbranded])
    brand_only = [
        set(tokenize(" ".join(capitals.findall(d)), False)) - set(tokenize(capitals.sub(" ", d), False))
        if has_brand
        else set()
        for d, has_brand in zip(unbranded, branded, strict=False)
    ]
    # words only in the additional names ("McDonald's Big Mac sauce" of Thousand Island dressing):
    # a text matching nothing else of the food is a brand or product name, not the food itself
    for i, (description, search_text) in enumerate(
        zip(descriptions, foods["search_text"].fillna("").to_numpy(), strict=False)
    ):
        if search_text:
            brand_only[i] = brand_only[i] | (set(tokenize(search_text, False)) - set(tokenize(description, False)))
    head_cores = [_head_cores(str(d)) for d in descriptions]
    lacks = [negated_words(d) if NEGATION_WORD_RE.search(d) else frozenset() for d in map(str, descriptions)]
    # priors read the description's words only: additional names ("fried raw" of home fries) are
    # not details of the food; nor is FNDDS's "not specified" ("french fries, NS as to from fresh or
    # frozen", "Milk, NFS"), which marks the food a survey coder picks when details are not given
    description_tokens = [set(tokenize(str(d), False)) for d in descriptions]
    lengths = np.array(
        [len(set(tokenize(UNSPECIFIED.sub(" ", str(d)), False))) for d in descriptions], dtype=np.float64
    )
    n = len(token_sets)
    vocabulary_by_letter: dict[str, list[str]] = {}
    for word in sorted(postings):
        vocabulary_by_letter.setdefault(word[0], []).append(word)
    ids = foods["food_id"].to_numpy()
    row_of = {fid: i for i, fid in enumerate(ids)}
    # a survey food that is one SR28 food ("Peach, frozen, unsweetened" = raw peaches) is another
    # name for it: a text matching that name gets the SR28 food, so a plain ingredient keeps it
    same_as = np.array([row_of.get(other, i) if other else i for i, other in enumerate(foods["same_as"].to_numpy())])
    weaker: dict[str, dict[int, float]] = {}
    for i in np.flatnonzero(example_names):
        for token in token_sets[i] - description_tokens[i]:
            weaker.setdefault(token, {})[int(i)] = 1.0 - SEARCH_TEXT_SHARE
    for i, description in enumerate(map(str, descriptions)):
        if "NS as to" in description:
            stated = set(tokenize(UNSPECIFIED.sub(" ", description), False))
            for token in description_tokens[i] - stated:
                weaker.setdefault(token, {})[i] = 1.0 - OPEN_WORD_SHARE
    return WordIndex(
        ids,
        descriptions,
        token_sets,
        description_tokens,
        heads,
        head_cores,
        lengths,
        same_as,
        {t: np.array([rows.get(int(i), 1.0) for i in postings[t]]) for t, rows in weaker.items()},
        brand_only,
        branded,
        {t: np.asarray(ix, dtype=np.int32) for t, ix in postings.items()},
        {t: math.log(1 + n / len(ix)) for t, ix in postings.items()},
        vocabulary_by_letter,
        [str(d).lower() for d in descriptions],
        row_of,
        [_identity_words(str(d)) for d in descriptions],
        np.array([bool(HOME_RECIPE_RE.search(str(d))) for d in descriptions]),
        # "NS as to from fresh or frozen" says no form
        [frozenset(set(tokenize(UNSPECIFIED.sub(" ", str(d)), False)) & UNASKED_FORMS) for d in descriptions],
        frozenset().union(*lacks),
        lacks,
        [frozenset(tokenize(_head_segments(str(d))[-1], False)) for d in descriptions],
        [_detail_words(str(d), c) for d, c in zip(descriptions, head_cores, strict=True)],
    )


@dataclass(frozen=True)
class PriorIndex:
    """Priors known before any text is seen; _rank lifts the penalties the text asks for."""

    is_raw: np.ndarray
    is_cooked: np.ndarray
    different: dict[str, np.ndarray]
    different_words: list[frozenset[str]]  # per food, its DIFFERENT_FOOD_WORDS
    special: dict[str, np.ndarray]
    prior_static: np.ndarray
    prior_default_state: np.ndarray
    preparation: dict[str, np.ndarray]  # cooking word -> foods described with a matching preparation
    alcoholic: np.ndarray  # foods with alcohol (>= 1 g/100 g): "cola" is not "Rum and cola"
    alcohol_words: frozenset[str]  # words mostly found in alcoholic foods ("rum", "beer"): they lift it
    as_sold: np.ndarray  # soups, sauces and gravies as sold to be made up ("Gravy, brown, dry")
    frozen_as_raw: np.ndarray  # raw fruits, which a text's "frozen" also means (FROZEN_AS_RAW_SHARE)


def _alcohol_words(token_sets: list[set[str]], alcoholic: np.ndarray) -> frozenset[str]:
    counts: dict[str, list[int]] = {}
    for tokens, has_alcohol in zip(token_sets, alcoholic, strict=False):
        for token in tokens:
            counts.setdefault(token, [0, 0])[bool(has_alcohol)] += 1
    return frozenset(t for t, (without, with_) in counts.items() if with_ >= without and with_ > 0)


def build_prior_index(table: FoodTable, words: WordIndex) -> PriorIndex:
    foods = table.foods
    categories = foods["category"].to_numpy()
    prior_base = -0.012 * np.minimum(words.lengths, 15) - 0.15 * words.branded
    is_raw = np.array(["raw" in t for t in words.description_tokens])
    # a survey food of a cooked cut whose method it leaves open is cooked ("Chicken, breast, NS as to
    # cooking method"): without it, any method the text did not ask for beat it ("Skin Removed Before
    # Cooking" was stewed chicken)
    is_cooked = np.array(
        [any(w in d for w in COOKED_STATE) or "ns as to cooking method" in d for d in words.description_lower]
    )
    different = {w: np.array([w in t for t in words.description_tokens]) for w in DIFFERENT_FOOD_WORDS}
    # "meatless" makes another food of a meat substitute ("Bacon, meatless"; both tables file them
    # with the legumes), not of a dish that is its plain self without meat ("Burrito with beans,
    # meatless", "Lasagna, meatless", "Spaghetti sauce, meatless")
    different["meatless"] &= categories == MEAT_SUBSTITUTES
    special = {c: categories == c for c in SPECIAL_CATEGORIES}
    cooked_default = np.isin(categories, list(COOKED_BY_DEFAULT))
    raw_default = np.isin(categories, list(RAW_BY_DEFAULT))
    prior_static = (
        prior_base
        - 0.35 * np.logical_or.reduce(list(special.values()))
        - 0.1 * np.sum(list(different.values()), axis=0)
    )
    # between tables, ties go to the measured one; a survey food that is one SR28 food ("Almonds,
    # roasted" = raw almonds) gives way to an SR28 food the text fits as well ("dry roasted")
    prior_static = prior_static + table.rank_priors() - SAME_AS_PENALTY * (foods["same_as"].to_numpy() != "")
    prior_default_state = (
        0.08 * (raw_default & is_raw)
        - 0.06 * (raw_default & ~is_raw)
        + 0.08 * (cooked_default & is_cooked)
        - 0.08 * (cooked_default & is_raw)
    )
    # (a dish counts as not raw: "orange juice" keeps SR28 juice over a reconstituted survey juice)
    # a mask per preparation word (as a substring: "dry" is in "dry heat"), then per cooking word
    every = sorted({w for wanted in COOKING_WORDS.values() for w in wanted})
    has = {w: np.array([w in d for d in words.description_lower]) for w in every}
    preparation = {
        word: np.logical_or.reduce([has[w] for w in sorted(wanted)]) for word, wanted in COOKING_WORDS.items()
    }
    alcoholic = foods["alcohol_g"].fillna(0).to_numpy() >= 1.0
    prior_static = prior_static - 0.1 * alcoholic  # lifted in _rank when the text names a drink with alcohol
    as_sold = _as_sold(words.description_lower, categories)
    prior_static = prior_static - 0.1 * as_sold  # lifted in _rank when the text names such a form
    return PriorIndex(
        is_raw,
        is_cooked,
        different,
        [frozenset(w for w in DIFFERENT_FOOD_WORDS if different[w][i]) for i in range(len(categories))],
        special,
        prior_static,
        prior_default_state,
        preparation,
        alcoholic,
        _alcohol_words(words.token_sets, alcoholic),
        as_sold,
        _frozen_as_raw(words, categories, is_raw),
    )


def _frozen_as_raw(words: WordIndex, categories: np.ndarray, is_raw: np.ndarray) -> np.ndarray:
    """Raw fruits that are not juice: FNDDS codes a fruit eaten frozen without sugar as the raw fruit
    (it has "Mango, raw" and no frozen mango), and SR28 has a frozen form of few fruits, often only
    sweetened ("Cherries, sweet, frozen, sweetened"), so a text's "frozen" is covered by the raw fruit."""
    return (
        (categories == "fruits")
        & is_raw
        & np.array([not ({"frozen", "juice", "nectar"} & t) for t in words.description_tokens])
    )


# A soup, sauce or gravy in the form it is sold to be made up: eaten made up, so not what a text naming
# none of these words means ("gravy" was SR28's "Gravy, brown, dry", ten times the energy of gravy).
AS_SOLD_FORMS = frozenset(
    {"dry", "mix", "powder", "instant", "concentrate", "condensed", "undiluted", "dehydrated", "paste"}
    | {"cube", "cubes", "cubed"}  # descriptions are read word for word here, texts as singular tokens
)
AS_SOLD_CATEGORY = "soups_sauces"
MADE_UP = re.compile(r"\b(?:prepared|reconstituted|water added|made with|diluted|ready-to-serve)\b")


def _as_sold(descriptions: list[str], categories: np.ndarray) -> np.ndarray:
    """Foods of AS_SOLD_CATEGORY with a comma segment of AS_SOLD_FORMS words ("dry, mix", "condensed"),
    not made up."""

    def sold(description: str) -> bool:
        segments = [set(re.findall(r"[a-z]+", s)) for s in description.split(",")[1:]]
        return any(seg and seg <= AS_SOLD_FORMS for seg in segments) and not MADE_UP.search(description)

    return np.array(
        [c == AS_SOLD_CATEGORY and sold(d) for d, c in zip(descriptions, categories, strict=True)], dtype=bool
    )


def _top_stable(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest values, ties in index order: np.argsort(-values, kind="stable")[:k]
    without sorting every candidate."""
    if len(values) <= k:
        return np.argsort(-values, kind="stable")
    part = np.argpartition(-values, k - 1)[:k]
    threshold = values[part].min()
    above = part[values[part] > threshold]  # every value above the k-th largest is in the partition
    chosen = np.concatenate([above, np.flatnonzero(values == threshold)[: k - len(above)]])
    return chosen[np.lexsort((chosen, -values[chosen]))]


# "without added vitamin A and vitamin D", "no mayo", "No Skin": the words after a negation name
# what the food does not have (read up to the next comma).
NEGATION_RE = re.compile(r"\b(?:without|no|not|non|w/o)[\s-]+((?:added\s+)?[a-z][a-z0-9 &-]*)", re.IGNORECASE)
NEGATION_HINT = re.compile(r"\b(?:without|no|not|non|w/o|unsalted)\b")
NEGATION_FILLER = frozenset({"added", "a", "and", "or", "with"})


BLACK_COFFEE_RE = re.compile(r"\bblack coffee\b|\bcoffee\b.*\bblack\b", re.IGNORECASE)
NOT_BLACK = frozenset({"milk", "cream", "creamer", "whitener", "lightened"})
# "homemade" says what the food is not: canned, condensed, from a mix, commercial or frozen.
HOMEMADE_RE = re.compile(r"\bhome[ -]?made\b|\bhome[ -]prepared\b|\bhome recipe\b", re.IGNORECASE)
NOT_HOMEMADE = frozenset({"canned", "condensed", "mix", "commercially", "commercial", "frozen"})
# "cooked from fresh" (Cronometer's and FNDDS's wording) says what the food is not: frozen or canned
# ("fresh" alone is noise: "Grapefruit, fresh" is raw grapefruit, "Pork, fresh" uncured)
FROM_FRESH_RE = re.compile(r"\bfrom fresh\b", re.IGNORECASE)
# a food that is a part alone: a description's segment that starts with "skin", "peel" or "shell"
# ("Potatoes, boiled, cooked in skin, skin, with salt"; "Chicken, skin (drumsticks and thighs)"); a text
# with that part after "with" ("Potato, Boiled with Skin") means the whole food eaten with it
PART_ALONE_RE = re.compile(r"(?:^|,\s*)(?:skin|peel|shell)s?\b")
WITH_PART_RE = re.compile(r"\b(?:with|w/)\s*(?:the\s+|its\s+)?(?:skin|peel|shell)s?\b", re.IGNORECASE)
NOT_FRESH = frozenset({"frozen", "canned"})


RAW_STATES = frozenset({"raw", "dry", "uncooked", "dried"})
QUALIFYING_STATES = RAW_STATES | (frozenset(COOKED_STATE) - {"prepared"})
# any word saying how a food was kept or cooked: with one, the text has asked for a state
STATE_WORDS = QUALIFYING_STATES | frozenset(COOKING_WORDS) | PREPARATION_WORDS
# parts of a food a text may add with "with" ("Danish pastry, with fruit filling"): no second food
FOOD_PARTS = frozenset(
    {"filling", "topping", "icing", "frosting", "glaze", "coating", "crust", "skin", "peel", "shell"}
)
# a kind of food, not one ("Sandwich with Veggies": the vegetables it has)
KINDS_OF_FOOD = frozenset({"vegetable", "veggie", "fruit", "meat", "fish", "nut", "seed", "spice", "herb", "green"})
# how a food was kept, cooked or cut, and its seasoning ("with salt"): no second food
# ("toast" and "roast" read as preparations too, but "on toast" adds a slice of bread)
NOT_ADDED_FOODS = (STATE_WORDS | CUT_WORDS | UNASKED_FORMS | {"salt"}) - {"toast", "roast"}
# "with", "w/" or "on" adding a second food, unless it says what the food is made of ("made with",
# "sweetened with")
ADDED_FOOD_RE = re.compile(r"(?<!made)(?<!prepared)(?<!cooked)(?<!sweetened)(?<!packed)\s(?:with|w/|on)\s")


# Foods whose products differ in a tracked nutrient by how they are made (coagulant, fortification):
# only their matches look for the range among equally fitting foods.
AMBIGUOUS_FOODS = re.compile(r"\b(?:tofu|milk|soymilk|cereals ready-to-eat|juice|yogurt)\b", re.IGNORECASE)
FORM_WORDS = frozenset(
    {"dry", "dried", "powder", "canned", "evaporated", "condensed", "fried", "frozen", "dehydrated", "concentrate"}
)
# (column, unit, smallest difference per 100 g worth telling)
AMBIGUITY_LIMITS = (
    ("calcium_mg", "mg", 100.0),
    ("vitamin_d_ug", "µg", 0.5),
    ("vitamin_b12_ug", "µg", 0.3),
    ("magnesium_mg", "mg", 50.0),
)


def negated_words(text: str) -> frozenset[str]:
    """Food words a text says are absent ("vitamin", "d" of "without added vitamin A and vitamin D")."""
    text = str(text).lower()
    words: set[str] = set(NOT_HOMEMADE) if "home" in text and HOMEMADE_RE.search(text) else set()
    if "black" in text and BLACK_COFFEE_RE.search(text):  # black coffee: no milk, cream or whitener
        words |= NOT_BLACK
    if "fresh" in text and FROM_FRESH_RE.search(text):
        words |= NOT_FRESH
    # first: "non-alcoholic", "not fortified" are qualifiers of their own; "unsalted", "skin removed" negations
    if ANY_PHRASE.search(text):
        text = _phrase_synonyms(text)
    if not NEGATION_HINT.search(text):
        return frozenset(words)
    for found in NEGATION_RE.finditer(text):
        words |= set(tokenize(found.group(1), False)) - NEGATION_FILLER
    return frozenset(words)


def split_brand(text: str) -> tuple[str, str]:
    """MyFitnessPal's "Brand - Food" cell (also "Generic - Chicken Breast - Roasted"): (brand, food).
    ("", text) when there is no such prefix."""
    if " - " not in str(text):
        return "", str(text)
    parts = [p.strip() for p in re.split(r"\s+-\s+", str(text))]
    if len(parts) < 2 or not any(parts[1:]):
        return "", str(text)
    return parts[0].strip("() "), ", ".join(p for p in parts[1:] if p)


def _indexes(table: FoodTable) -> tuple[AliasIndex, WordIndex, PriorIndex]:
    """The three indexes of a table, from the user's cache when the tables, aliases and this code are
    unchanged (nutri/cache.py); building them is most of a small diary's run."""
    import pandas as pd

    from nutri.cache import cached, key_of

    aliases_path = data_file("aliases.csv")
    parts = [
        pd.util.hash_pandas_object(table.foods, index=True).to_numpy().tobytes(),
        pd.util.hash_pandas_object(table.portions, index=False).to_numpy().tobytes(),
        aliases_path.read_bytes(),
        Path(__file__).read_bytes(),
    ]

    def build() -> tuple[AliasIndex, WordIndex, PriorIndex]:
        alias_index = build_alias_index(read_aliases(aliases_path, table, "curated"))
        words = build_word_index(table.foods, table.example_names())
        return alias_index, words, build_prior_index(table, words)

    return cached("match-index", key_of(parts), build)


class _Memo(dict):
    """A memo of results that are pure functions of their key, which starts again once it holds
    ``LIMIT`` entries: a program matching millions of different texts with one Matcher (a long-lived
    service) keeps its memory bounded, and pays only the recomputation. A diary or cohort stays far
    below (the 50M-row cohort: 36,500 texts)."""

    LIMIT = 100_000

    def __setitem__(self, key, value) -> None:
        if len(self) >= self.LIMIT:
            self.clear()
        super().__setitem__(key, value)


def food_code_text(code: str) -> str:
    """A food code as written, a spreadsheet's number ("11111000.0") as its digits."""
    written = str(code).strip()
    digits = re.fullmatch(r"(\d+)\.0*", written)
    return digits.group(1) if digits else written


class Matcher:
    """Matches text to foods of one FoodTable (all its tables). Build once per run; ``match`` is
    cached per text. The index is a function of (table, aliases) only: build_*_index above."""

    @paused_gc()  # the index and the lists below are some hundred thousand objects (cache.paused_gc)
    def __init__(self, table: FoodTable, user_aliases: dict[str, Alias] | None = None) -> None:
        self.table = table
        self.user_aliases = user_aliases or {}
        alias_index, words, priors = _indexes(table)
        self.aliases, self._alias_keys = alias_index.aliases, alias_index.keys
        self._alias_by_first_word = alias_index.by_first_word
        self._vocabulary_by_length: dict[str, dict[int, list[str]]] = {}
        for letter, vocabulary in words.vocabulary_by_letter.items():
            for word in vocabulary:
                self._vocabulary_by_length.setdefault(letter, {}).setdefault(len(word), []).append(word)
        self._typo_lists: dict[tuple[str, int], list[str]] = {}
        self._alias_keys_by_length: dict[int, list[str]] = {}
        self._alias_keys_by_word: dict[str, set[str]] = {}
        for alias_key in self._alias_keys:
            for word in alias_key.split():
                self._alias_keys_by_word.setdefault(word, set()).add(alias_key)
        self.ids, self.descriptions, self.token_sets = words.ids, words.descriptions, words.token_sets
        self.heads, self.head_cores, self.brand_only = words.heads, words.head_cores, words.brand_only
        self.detail_words = words.detail_words
        self.postings, self.idf, self.vocabulary_by_letter = words.postings, words.idf, words.vocabulary_by_letter
        self.description_lower, self.row_of = words.description_lower, words.row_of
        self.same_as, self.search_factors = words.same_as, words.search_factors
        self.identity, self.home_recipe = words.identity, words.home_recipe
        self.form_words, self.negatable, self._lacks = words.form_words, words.negatable, words.lacks
        self.name_words = words.name_words
        self.claims = [t & CLAIM_WORDS for t in words.description_tokens]
        # a preparation in the name of a food eaten as bought ("Seeds, pumpkin and squash seed
        # kernels, roasted"): a form the text may not have asked for, like "frozen"
        as_bought = np.isin(table.foods["category"].to_numpy(), list(AS_BOUGHT_BY_DEFAULT))
        self.preparations = [
            t & PREPARATION_WORDS if plain else frozenset()
            for t, plain in zip(words.description_tokens, as_bought, strict=True)
        ]
        self.is_raw, self.is_cooked = priors.is_raw, priors.is_cooked
        self.different, self.special = priors.different, priors.special
        self.different_words = priors.different_words
        self.prior_static, self.prior_default_state = priors.prior_static, priors.prior_default_state
        self.alcoholic, self.alcohol_words = priors.alcoholic, priors.alcohol_words
        self.as_sold = priors.as_sold
        self.frozen_as_raw = priors.frozen_as_raw
        self._spices = table.foods["category"].to_numpy() == "spices"
        self._cache: dict[tuple[str, frozenset[str], frozenset[str], tuple[str, ...]], Match] = _Memo()
        self._negated: dict[int, frozenset[str]] = {}  # description row -> words it says are absent
        self._nutrients: np.ndarray | None = None  # for nutrient ranges, built on first use
        self._last_ranked: tuple = ((), [])
        self._corrections: dict[str, str | None] = _Memo()
        self._added: dict[int, frozenset[str]] = {}
        self._naming: dict[tuple[str, bool], bool] = {}  # _names_foods, per (word, in_brands)
        self._preparation_masks = priors.preparation
        self._alike: dict[tuple, tuple[str, ...]] = _Memo()
        self._searched: dict[tuple[str, int], list[tuple[str, str, float]]] = _Memo()
        self._ranked: dict[tuple, list[tuple[str, str, float]]] = _Memo()  # _rank per corrected words
        self._example_names = table.example_names()  # rows whose additional names are examples (FNDDS)

    # -- typo layer -------------------------------------------------------------------------
    def _correct(self, token: str) -> str | None:
        """The vocabulary word for ``token``: itself, its nearest typo-free spelling, or None."""
        if token in self.postings:
            return token
        if token not in self._corrections:
            self._corrections[token] = self._nearest_word(token)
        return self._corrections[token]

    def _nearest_word(self, token: str) -> str | None:
        if len(token) < 4 or token.isdigit():
            return None
        # Typos rarely change the first letter: compare with that letter's words only (20x fewer),
        # and only those of a length that can reach the cutoff (ratio <= 1 - |a - b| / (a + b))
        found = process.extractOne(
            token,
            self._typo_vocabulary(token[0], len(token)),
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=TOKEN_TYPO_CUTOFF,
        )
        if not found:
            return None
        # a word that adds an ending to a known word is another word, not a typo: "brandy" is no
        # "brand", "wholey" no "whole" (better left unknown than made into a food); a dropped
        # last letter ("spinac") is still a typo
        if token.startswith(found[0]):
            return None
        return found[0]

    def _typo_alias_pool(self, key: str) -> list[str] | tuple[()]:
        """Alias keys a typo of ``key`` could be. A text of known words only is a typo of an alias
        holding all of them, never of one that differs by a real word ("oat milk" is not "goat milk")."""
        words = key.split()
        if any(w not in self.postings for w in words):
            # only aliases of a length fuzz.ratio can bring to ALIAS_TYPO_CUTOFF, in their own order
            n = len(key)
            if n not in self._alias_keys_by_length:
                share = 1 - ALIAS_TYPO_CUTOFF / 100
                self._alias_keys_by_length[n] = [
                    a for a in self._alias_keys if abs(len(a) - n) <= share * (len(a) + n) + 1e-9
                ]
            return self._alias_keys_by_length[n]
        pool = set.intersection(*(self._alias_keys_by_word.get(w, set()) for w in words))
        return sorted(pool) if pool else ()

    def _typo_vocabulary(self, letter: str, n: int) -> list[str]:
        """The words starting with ``letter`` whose length lets fuzz.ratio with a word of length ``n``
        reach TOKEN_TYPO_CUTOFF (ratio <= 1 - |a - b| / (a + b)), in vocabulary order."""
        if (letter, n) not in self._typo_lists:
            share = 1 - TOKEN_TYPO_CUTOFF / 100
            by_length = self._vocabulary_by_length.get(letter, {})
            near = [length for length in by_length if abs(length - n) <= share * (length + n) + 1e-9]
            self._typo_lists[(letter, n)] = sorted(w for length in near for w in by_length[length])
        return self._typo_lists[(letter, n)]

    # -- public -----------------------------------------------------------------------------
    def match(self, text: str) -> Match:
        key, head, excluded, brand_words = self._read(text)
        cache_key = (key, head, excluded, brand_words)
        if cache_key not in self._cache:
            found = self._match(text, key, head, excluded)
            if brand_words and found.status != "matched":
                # the food part alone is not clear: the brand's food words may say what it is
                with_brand = self._match(text, " ".join(brand_words + tuple(key.split())), head, excluded)
                found = with_brand if with_brand.score > found.score else found
            if found.status != "matched":
                found = self._as_brand_and_product(text, key, head, excluded, found) or found
            self._cache[cache_key] = self._with_ranges(self._as_same_food(found), key, head, excluded)
        found = self._cache[cache_key]
        return found if found.query == text else replace(found, query=text)

    def _as_brand_and_product(
        self, text: str, key: str, head: frozenset[str], excluded: frozenset[str], found: Match
    ) -> Match | None:
        """Cronometer's "Brand, Product": a first comma segment with a word no description has, or has
        only in a brand or product name ("Michaels of Brooklyn, Marinara Sauce"; SR28 has "MICHAEL
        ANGELO'S"), is a brand, and its words left the product too little covered. The product is the
        text without the brand's words, but for those that name a food ("Dunkin' Donuts, doughnut":
        doughnut; "Shiloh Farms": "farm" names none; "Cheese, cheddar" has no brand word). Its match is
        the guess, for review: the brand may make it another food. None when it matches nothing either,
        or when the text's own guess (``found``, not matched) shares more with it than the brand's words
        ("Google Figs" is figs as ranked; "Diamond Crystal, Kosher Salt" was "CRYSTAL GEYSER" water)."""
        segments = [seg for seg in str(text).split(",") if seg.strip()]
        if len(segments) > 1:
            brand = tokenize(segments[0])
        else:  # one segment: its leading words that name no food ("Diamond Crystal Kosher Salt")
            words = key.split()
            leading = next((i for i, w in enumerate(words) if not self._brand_word(w)), len(words))
            brand = tuple(words[:leading]) if leading < len(words) else ()
        if not any(self._brand_word(w) for w in brand):
            return None
        if found.food_id is not None and not {self._correct(w) for w in key.split()} & self.token_sets[
            self.row_of[found.food_id]
        ] <= set(brand):
            return None
        # a brand named after its food keeps the food's word ("Dunkin' Donuts, doughnut": doughnut); a
        # brand of other words is dropped whole ("Shiloh Farms")
        food_words = {w for w in brand if self._names_foods(self._correct(w), in_brands=False)}
        dropped = {w for w in brand if self._brand_word(w)} if food_words else set(brand)
        product = " ".join(dict.fromkeys(w for w in key.split() if w not in dropped))
        # a word no description has is no help in finding the product ("Heirloom Multicolor Popcorn"):
        # the guess is for review already, and says so
        product = " ".join(w for w in product.split() if self._correct(w) is not None)
        if not re.search(r"[a-z]", product):  # "Heineken 0.0": a number is no product
            return None
        # the product's first segment names the food, as in ``_read`` for a brand no description has
        head = frozenset(tokenize(segments[1])) if len(segments) > 2 else frozenset()
        guess = self._match(text, product, head, excluded) if product else None
        words = product.split()
        named = len(words) > 1 or self._names_foods(self._correct(words[0]), in_brands=False)
        if guess is None or guess.status != "matched" or not (named or guess.rule in ("alias", "exact")):
            return None  # nothing confident, or one detail's match ("Kuli Kuli Moringa Powder": "powder")
        row = self.row_of[guess.food_id]
        if {self._correct(w) for w in product.split()} & self.token_sets[row] <= self.brand_only[row]:
            return None  # the product's words are only another brand's product name ("SMART SOUP, Indian Bean Masala")
        brand_name = segments[0].strip() if len(segments) > 1 else " ".join(str(text).split()[: len(brand)])
        note = f"check: {brand_name!r} read as a brand; {guess.note}"
        return replace(guess, status="needs_review", note=note)

    def _added_foods(self, text: str, row: int, excluded: frozenset[str]) -> list[str]:
        """Words naming a food that a text adds after "with", "w/" or "on" ("granola with yogurt",
        "peanut butter on toast") and the food at ``row`` lacks; a dish's recipe may hold it (FNDDS's
        "Cheese sandwich" has its margarine, "Caesar salad" may have chicken), so none for a dish."""
        lower = f" {str(text).lower()} "
        if " with " not in lower and " on " not in lower and " w/ " not in lower:
            return []
        if not self._single_foods[row] and set().union(*self.head_cores[row]) & OTHER_DISHES:
            return []
        parts = ADDED_FOOD_RE.split(lower, maxsplit=1)
        if len(parts) < 2 or not parts[0].strip():  # "with salt, ..." adds to no food named before it
            return []
        # to the next comma ("with Veggies, no mayo"); a part of the food ("with fruit filling") or a kind
        # of food is no second food
        words = {self._correct(w) for w in tokenize(parts[1].split(",")[0])} - {None} - excluded
        words = words - FOOD_PARTS - HOUSEHOLD_WORDS - KINDS_OF_FOOD - NOT_ADDED_FOODS
        return sorted(
            w
            for w in words
            if w not in self.token_sets[row] and w in self._head_words and resolve_unit(w)[1] == "unknown"
        )

    @cached_property
    def _single_foods(self) -> np.ndarray:
        """Per row: a single food, not a dish of several (``FoodTable.single_foods``)."""
        return self.table.single_foods()

    @cached_property
    def _head_words(self) -> frozenset[str]:
        """Words of some food's name, its first segment(s) less details ("cheese" of "Cheese, cheddar",
        "toast" of FNDDS "Toast, NFS"); "with" details and descriptions' later words are not names."""
        return frozenset().union(*(core for cores in self.head_cores for core in cores))

    def _noun_before_with(self, text: str) -> str | None:
        """The last word of a text before "with", "in" or "w/" ("turkey sandwich with veggies": sandwich)."""
        before = re.split(r"\s(?:with|in|w/)\s", f" {str(text).lower()} ", maxsplit=1)[0]
        words = tokenize(before)
        return self._correct(words[-1]) if words else None

    def _dish_of(self, row: int) -> tuple[str, ...]:
        """The dish a food's name ends on ("MORNINGSTAR FARMS Roasted Garlic & Quinoa Burger": burger), if
        its first segment, before any "with", "in" or parentheses, ends on one of OTHER_DISHES, then the
        other names it gives the dish ("Salmon cake or patty": cake, patty); () if none."""
        first = re.sub(r"\([^)]*\)", " ", str(self.descriptions[row]).split(",")[0])
        named = re.split(r"\s(?:with|in)\s", f" {first} ")[0]
        ends = [words[-1] for part in re.split(r"\sor\s", f" {named} ") if (words := tokenize(part, False))]
        return tuple(ends) if ends and ends[0] in OTHER_DISHES else ()

    def _implies(self, word: str, dish: str) -> bool:
        """Whether most descriptions with ``word`` are of the dish ("minestrone": soup; "garlic": no burger)."""
        rows = self.postings.get(word)
        if rows is None or len(rows) == 0:
            return False
        return sum(dish in self.token_sets[r] for r in rows.tolist()) >= 0.5 * len(rows)

    def _names_foods(self, word: str | None, in_brands: bool = True) -> bool:
        """Whether a word is mostly a food's name where descriptions have it: the first segment of at
        least half of them ("chicken": "Chicken, broilers or fryers, ..."), not a detail ("black").
        ``in_brands=False`` reads only the descriptions that have it outside a brand name: "farm" is
        first in 60 names, all "MORNINGSTAR FARMS ...", and names no food."""
        if word is None or word in CUT_WORDS or word in COOKING_WORDS:
            return False
        if (word, in_brands) not in self._naming:
            rows = self.postings.get(word)
            rows = [] if rows is None else [r for r in rows.tolist() if in_brands or word not in self.brand_only[r]]
            named = sum(word in self.heads[row] for row in rows)
            self._naming[word, in_brands] = len(rows) >= 3 and named >= 0.5 * len(rows)
        return self._naming[word, in_brands]

    def _brand_word(self, word: str) -> bool:
        """Whether a word names no food: no description has it (a typo's correction aside), or every
        description that has it has it in a brand or product name ("CRYSTAL GEYSER", "TERRA CHIPS")."""
        rows = self.postings.get(word)
        return rows is None or len(rows) == 0 or all(word in self.brand_only[row] for row in rows.tolist())

    def match_code(self, code: str, text: str) -> Match | None:
        """The food a row's food code names, or None when no table of this matcher has it: a survey's USDA
        food code (ASA24's FoodCode, NHANES's DR1IFDCD: an FNDDS food of its 8 digits), an SR28 NDB number,
        any food id of the tables ("fndds:11111000"), read by ``food_code_text``. The code says which food
        was eaten; its name in the row is not read."""
        written = food_code_text(code)
        food_id = self.table.resolve_id(written) if written else None
        if food_id is None:
            return None
        edition = self.table.edition(food_id).short
        return Match(
            text,
            food_id,
            self.table.description(food_id),
            100.0,
            "food_code",
            "matched",
            f"food code {written} ({edition})",
        )

    def nearby(self, found: Match) -> tuple[str, ...]:
        """The foods of the same kind (the same head: "Nuts, cashew nuts, dry roasted" for "Nuts,
        cashew nuts, raw", not "Nuts, cashew butter") that ``found``'s text could mean after it, best
        first: its alternatives, or for an alias (which has none) the ranking of its text."""
        if found.food_id not in self.row_of:
            return ()
        kind = self.head_cores[self.row_of[found.food_id]]
        ranked = found.alternatives or self.search(found.query, 4)
        return tuple(
            food_id
            for food_id, _description, _score in ranked
            if food_id != found.food_id and food_id in self.row_of and self.head_cores[self.row_of[food_id]] == kind
        )

    def alike(self, found: Match) -> tuple[str, ...]:
        """The other foods ``found``'s text could equally mean (all its words, the same form, no
        variety it does not ask for): their portions may weigh the same measure differently. None
        for an alias, which names its food."""
        if found.status != "matched" or found.rule not in ("exact", "fuzzy") or found.food_id not in self.row_of:
            return ()
        key, head, excluded, _brand_words = self._read(found.query)
        cache_key = (key, head, excluded, found.food_id)
        if cache_key not in self._alike:
            # ranked as _match ranked the text (limit 4), whether or not it was the last text
            # matched: a fresh, longer list made the answer depend on the texts matched before
            rows = self._alike_rows(self.row_of[found.food_id], key, head, excluded, limit=4)
            # not a food naming more the text did not ask for ("Egg, white, raw" for "raw egg")
            words = {self._correct(w) or w for w in key.split()}
            most = self._unasked_words(rows[0], words)
            self._alike[cache_key] = tuple(str(self.ids[r]) for r in rows[1:] if self._unasked_words(r, words) <= most)
        return self._alike[cache_key]

    def _unasked_words(self, row: int, words: set[str]) -> int:
        """How many words naming the food, or added to it, the text does not have."""
        singles, groups, added, _in_name = self.identity[row]
        return len(singles - words) + sum(1 for g in groups if not g & words) + len(added - words)

    def _read(self, text: str) -> tuple[str, frozenset[str], frozenset[str], tuple[str, ...]]:
        """What a text is matched and cached under: (key, head, excluded, brand_words)."""
        brand, food_part = split_brand(text)
        excluded = negated_words(food_part)
        # "Thompson Raisins - Raisin": the food part names the food; the brand's words that are
        # food words may help ("Sweet Potato - Roasted Slices"), a store or brand name is dropped
        food_words = [w for w in tokenize(food_part) if w not in excluded]
        if MEAL_WORDS_RE.search(food_part):
            food_words = self._with_meal_compounds(food_part, excluded) or food_words
        key = " ".join(food_words)
        # "Peach, Frozen, Unsweetened": as in SR28, the first comma segment names the food
        segments = [seg for seg in food_part.split(",") if seg.strip()]
        head = frozenset(tokenize(segments[0])) if len(segments) > 1 or brand else frozenset()
        if len(segments) > 1 and not brand and all(self._correct(w) is None for w in tokenize(segments[0])):
            # "Seggiano, Fresh Basil Pesto", "365, Pea Protein": Cronometer's "Brand, Product", a
            # first segment with no word any description has, is a brand, not the food's name; its
            # words stay in the text (unknown, so the row is reviewed)
            head = frozenset(tokenize(segments[1]))
        if brand:
            known = [w for w in tokenize(brand) if self._correct(w) is not None and w not in food_words]
            if not any(w not in COOKING_WORDS and w not in HOUSEHOLD_WORDS for w in food_words):
                # "Sweet Potato - Roasted Slices": the food part only says how; the "brand" is the food
                key, head = " ".join(known + food_words), frozenset(known)
            else:  # "Organics roasted cashews - Cashews": how it was cooked still counts
                key = " ".join([w for w in known if w in COOKING_WORDS and w != "frozen"] + food_words)
        if not head:
            # "tuna in olive oil", "oats with milk": the food comes before "in"/"with"
            before = re.split(r"\s(?:in|with|w/)\s", food_part.lower(), maxsplit=1)
            head = frozenset(tokenize(before[0])) if len(before) > 1 and before[0].strip() else frozenset()
        # the brand's food words can decide the match, so they are part of what it is cached under
        # (else "Organic Pasta - Unch" became the apple of an earlier "Fuji Apple - Unch")
        brand_words = tuple(w for w in tokenize(brand) if self._correct(w) is not None and w not in key.split())
        return key, head, excluded, brand_words

    def _with_meal_compounds(self, food_part: str, excluded: frozenset[str]) -> list[str]:
        """The text's words, noise dropped but for a meal word that is part of a food's name as the
        tables write it ("breakfast burrito", FNDDS's "Breakfast Burrito"; "breakfast sausage"):
        "Breakfast: oatmeal" is oatmeal, a breakfast burrito is no plain burrito."""
        every = [w for w in tokenize(food_part, False) if w not in excluded]
        pairs = self._meal_compounds
        return [
            w
            for i, w in enumerate(every)
            if w not in NOISE_WORDS or (i + 1 < len(every) and (w, every[i + 1]) in pairs)
        ]

    @cached_property
    def _meal_compounds(self) -> frozenset[tuple[str, str]]:
        """Adjacent word pairs of the tables' names (descriptions and additional names) whose first word
        is one of MEAL_COMPOUNDING ("breakfast burrito", "dinner roll")."""
        pairs = set()
        texts = [*map(str, self.descriptions), *map(str, self.table.foods["search_text"].fillna(""))]
        for text in texts:
            if MEAL_WORDS_RE.search(text) and not text.startswith("Babyfood"):  # "Babyfood, dinner, ..."
                words = tokenize(text, False)
                pairs |= {(a, b) for a, b in pairwise(words) if a in MEAL_COMPOUNDING}
        return frozenset(pairs)

    def _with_ranges(self, found: Match, key: str, head: frozenset[str], excluded: frozenset[str]) -> Match:
        """The match with the range of each tracked nutrient over the foods the text could equally
        mean (all its words, no flavour it does not ask for), when they differ a lot."""
        if found.status != "matched" or not found.food_id or not AMBIGUOUS_FOODS.search(found.description):
            return found
        same = self._alike_rows(self.row_of[found.food_id], key, head, excluded)
        if len(same) < 2:
            return found
        ranges, told = [], []
        for j, (column, unit, least) in enumerate(AMBIGUITY_LIMITS, start=1):
            known = self._nutrients[same, j][~np.isnan(self._nutrients[same, j])]
            low, high = (float(known.min()), float(known.max())) if len(known) else (0.0, 0.0)
            if high - low >= least and high >= 2 * low:
                ranges.append((column, low, high))
                told.append(f"{column.rsplit('_', 1)[0].replace('_', ' ')} {low:.3g}-{high:.3g} {unit}")
        if not ranges:
            return found
        note = (
            f"{found.note}; the foods this text could mean differ: {', '.join(told)} per 100 g "
            f"({len(same)} foods, e.g. {', '.join(str(self.ids[r]) for r in same[1:3])}); "
            "the most common product taken, name it to be sure"
        )
        return replace(found, note=note, ranges=tuple(ranges))

    def _alike_rows(
        self, best: int, key: str, head: frozenset[str], excluded: frozenset[str], limit: int = 10
    ) -> list[int]:
        """``best`` and the ranked foods the text could equally mean: all its words, no form
        ("dry", "fried") or different-food word it does not say, about the same water."""
        if self._nutrients is None:  # water, then the AMBIGUITY_LIMITS columns, by matcher row
            self._nutrients = self.table.foods[["water_g", *(c for c, _u, _l in AMBIGUITY_LIMITS)]].to_numpy(
                dtype=float
            )
        words = {self._correct(w) or w for w in key.split()}
        same = [best]
        last_key, ranked = self._last_ranked
        if last_key != (key, head, excluded):
            ranked = self._rank(tuple(key.split()), limit, head, excluded)
        for food_id, _description, _score in self._same_foods(ranked):
            row = self.row_of[food_id]
            if row == best or not words <= self.token_sets[row] or (self.token_sets[row] & FORM_WORDS) - words:
                continue
            # the same form of the food: dry milk or fried tofu differ in water, not in how they are made
            mine, theirs = self._nutrients[best, 0], self._nutrients[row, 0]
            if abs(mine - theirs) <= 0.2 * max(mine, theirs) and not any(
                self.different[w][row] for w in self.different if w not in words
            ):
                same.append(row)
        return same

    def search(self, text: str, limit: int = 10) -> list[tuple[str, str, float]]:
        """Ranked (food_id, description, score) candidates from the index (no aliases); once per (text,
        limit): ``nearby`` asks again for every amount and unit of a text (a cohort: each of its keys)."""
        if (text, limit) not in self._searched:
            self._searched[(text, limit)] = self._same_foods(self._rank(tuple(tokenize(text)), limit))
        return list(self._searched[(text, limit)])

    # -- internals --------------------------------------------------------------------------
    def _match(  # noqa: C901 - the matcher's decision: aliases, ranking, then each review reason in turn
        self, text: str, key: str, head: frozenset[str] = frozenset(), excluded: frozenset[str] = frozenset()
    ) -> Match:
        if not key:
            return Match(
                text, None, "", 0.0, "none", "unmatched", "no food words left after removing amounts and noise words"
            )
        # a cut is no food word: "diced tomatoes" is the alias "tomatoes"
        uncut = " ".join(w for w in key.split() if w not in CUT_WORDS)
        for aliases, rule in ((self.user_aliases, "user_alias"), (self.aliases, "alias")):
            alias = aliases.get(key) or (aliases.get(uncut) if uncut != key else None)
            if alias:
                note = f"{'your' if rule == 'user_alias' else 'curated'} alias {alias.written!r}" + (
                    f": {alias.reason}" if alias.reason else ""
                )
                return Match(text, alias.food_id, self.table.description(alias.food_id), 100.0, rule, "matched", note)
        pool = self._typo_alias_pool(key) if len(key) >= 5 else ()
        if pool:
            found = process.extractOne(key, pool, scorer=fuzz.ratio, processor=None, score_cutoff=ALIAS_TYPO_CUTOFF)
            # a differing word that is itself a food word is no typo ("oat milk" is not "goat milk")
            real_words = found and any(w in self.postings for w in set(key.split()) - set(found[0].split()))
            if found and not real_words and re.findall(r"\d+%?", found[0]) == re.findall(r"\d+%?", key):
                alias = self.aliases[found[0]]
                return Match(
                    text,
                    alias.food_id,
                    self.table.description(alias.food_id),
                    round(found[1], 1),
                    "alias_typo",
                    "matched",
                    f"read as {alias.written!r} (curated alias)",
                )
        ranked = self._rank(tuple(key.split()), 4, head, excluded)
        if ranked and WITH_PART_RE.search(text) and self._part_alone(ranked[0][0]):
            # the whole food before its part alone: "Potato, Boiled with Skin" was the boiled potato's skin
            ranked = sorted(ranked, key=lambda r: self._part_alone(r[0]))
        self._last_ranked = ((key, head, excluded), ranked)  # reused for the nutrient ranges
        if not ranked:
            return Match(text, None, "", 0.0, "none", "unmatched", "no food in foods.csv shares a word with this text")
        best_id, best_desc, best_score = ranked[0]
        alternatives = tuple(ranked[1:4])
        if best_score < UNMATCHED_COVERAGE * 100:
            return Match(
                text,
                None,
                "",
                best_score,
                "none",
                "unmatched",
                f"best candidate {best_id} {best_desc!r} covers too little of the text",
                tuple(ranked[:3]),
            )
        exact = set(key.split()) == self.token_sets[self.row_of[best_id]]
        # the text is one of the food's other names, whole ("samosa", "pot stickers", "baba ganoush" of
        # FNDDS's foods): as sure as its description, though such names weigh less in the ranking
        named = not exact and self._is_other_name(self.row_of[best_id], key)
        exact = exact or named
        rule = "exact" if exact else "fuzzy"
        # Doubts that lower confidence whatever the score: a word no description has (the text
        # may name a food SR28 lacks, "rooibos"), or a named head food the candidate lacks.
        # (a cut no description names, "florets", says how the food was cut: no unknown food)
        unknown = [w for w in key.split() if self._correct(w) is None and w not in CUT_WORDS]
        head_words = {self._correct(w) for w in head} - {None}
        best_row = self.row_of[best_id]
        missing_head = bool(head_words) and not (head_words & self.token_sets[best_row])
        # the noun a text's name ends on names the food: the last word, or of a comma-separated
        # text the last word of its first segment ("Taco Chips, Salted" names chips)
        named_by = [w for w in key.split() if w in head] if head else key.split()
        last = self._correct(named_by[-1]) if named_by else None
        if last and last not in self.heads[best_row] and last in self._with_words(best_row):
            # "oat milk" names milk; "Oat bran cereal, cooked, made with milk" only adds it
            head_words, missing_head = {last}, True
        elif (
            last not in self.token_sets[best_row]
            and not (last == "salad" and self.is_raw[best_row])  # a salad of raw kale is raw kale
            and (last in DISH_NOUNS or (not head and self._names_foods(self._noun_before_with(text))))
        ):
            # "Sweet Potato Soup" names a soup, "orange chicken" chicken: "Sweet potato, raw" and "Oranges,
            # raw" are what the first words name, not the food (a comma text's first segment is its name
            # and is read as such above)
            head_words, missing_head = {last}, True
        elif last and last not in self.heads[best_row] and self._named_by_other_name_only(best_row, last):
            # the noun the text ends on is in the food's other names only, naming no food there: "chicken
            # burger" is no "Chicken or turkey garden salad" for its "Burger King Chicken Salad"
            head_words, missing_head = {last}, True
        # the food is a dish the text neither names nor implies: "roasted garlic" is no "Roasted Garlic &
        # Quinoa Burger"; "minestrone" is the soup (its descriptions mostly are)
        # (a text whose name is all of it too: "Bjorn Qorn - Spicy" is no "Spicy Indian Veggie Burger")
        whole_name = not head or set(key.split()) <= head
        dishes = self._dish_of(best_row) if last and whole_name and not (exact or missing_head) else ()
        dish = dishes[0] if dishes else None
        other_dish = (
            dish and not {self._correct(w) for w in key.split()} & set(dishes) and not self._implies(last, dish)
        )
        shared = {self._correct(w) for w in key.split()} & self.token_sets[best_row]
        brand_only = bool(shared) and shared <= self.brand_only[best_row]
        text_words = {self._correct(w) or w for w in key.split()}
        unasked = sorted(self.different_words[best_row] - text_words)
        other_name = self._part_of_example(best_row, shared, text_words)
        chain_gap = self._chain_gap(best_row, key, text_words)
        # a form or kind the text names that makes another food ("concentrate", "juice", "decaffeinated")
        # and the food lacks: "beet juice" is not raw beets, however close the rest
        lost_form = sorted(text_words & (CONCENTRATED_FORMS | ANOTHER_KIND) - self.token_sets[best_row])
        # a second food the text adds ("peanut butter on toast", "granola with yogurt") and the food lacks:
        # committed, its nutrients would be lost unsaid
        added = self._added_foods(text, best_row, excluded)
        swapped = self._swapped_food(best_row, text_words, last, {self._correct(w) or w for w in named_by})
        doubts = (
            unknown,
            missing_head,
            other_dish,
            brand_only,
            unasked,
            other_name,
            chain_gap,
            lost_form,
            added,
            swapped,
        )
        if not exact and any(doubts):
            written = re.findall(r"[\w%]+", str(text).lower())
            shown = [next((w for w in written if w.startswith(u)), u) for u in unknown]  # as the user wrote it
            if unknown:
                why = f"{', '.join(repr(w) for w in shown)} not in any food description"
            elif missing_head:
                why = f"{best_desc!r} is not {' '.join(sorted(head_words))}"
            elif other_dish:
                why = f"{best_desc!r} is a {dish}, which the text does not name"
            elif brand_only:
                why = f"only the brand name in {best_desc!r} matches"
            elif chain_gap:
                why = f"{best_desc!r} is not {' '.join(chain_gap)}, which the text names"
            elif lost_form:
                why = f"{best_desc!r} is not {', '.join(lost_form)}, which the text names"
            elif added:
                why = f"{best_desc!r} has no {', '.join(added)}, which the text adds (a row of its own?)"
            elif swapped:
                why = f"{best_desc!r} is {', '.join(swapped[1])}, where the text names {', '.join(swapped[0])}"
            elif other_name:
                why = f"{', '.join(other_name)} only in another name of {best_desc!r}, which the text does not name"
            else:
                why = f"{best_desc!r} is {', '.join(unasked)}; the text does not say so"
            return Match(
                text,
                best_id,
                best_desc,
                min(best_score, REVIEW_THRESHOLD - 1),
                rule,
                "needs_review",
                f"check: {why}; see the alternatives",
                alternatives,
            )
        if exact or best_score >= REVIEW_THRESHOLD:
            how = "exact match on another name of the food" if named else f"{rule} match on the description"
            return Match(
                text,
                best_id,
                best_desc,
                100.0 if named else best_score,
                rule,
                "matched",
                how,
                alternatives,
            )
        return Match(
            text,
            best_id,
            best_desc,
            best_score,
            rule,
            "needs_review",
            f"low confidence ({best_score:.0f} < {REVIEW_THRESHOLD}); check the alternatives",
            alternatives,
        )

    def _is_other_name(self, row: int, key: str) -> bool:
        """Whether the text's words are exactly those of one of the food's other names (FNDDS's additional
        names, SR28's common names), "NFS" aside."""
        if not self._example_names[row]:
            return False
        words = {self._correct(w) or w for w in key.split()} - {"nf", "ns"}
        return any(name - {"nf", "ns"} == words for name in self._other_names(row))

    def _other_names(self, row: int) -> list[set[str]]:
        """The words of each of the food's other names (its ';'-separated search text)."""
        return [set(words) for words in self._other_name_words(row)]

    def _other_name_words(self, row: int) -> list[list[str]]:
        """Each of the food's other names as its words in order."""
        return [tokenize(name, False) for name in str(self.table.foods["search_text"].iat[row]).split(";")]

    def _part_of_example(self, row: int, shared: set[str], text_words: set[str]) -> list[str]:
        """The text's words found only in the food's example names when the text is part of an
        example that names the food, and does not name it itself: "side salad" in "Wendy's Caesar
        Side Salad" of "Caesar salad". An example that is another name of the food ("crab rangoon"
        of fried crab puffs, "sparkling water" of carbonated water) counts in full, as do SR28's
        common names ("brazil nuts" of "Nuts, brazilnuts")."""
        other = shared & self.brand_only[row]
        if not other or not self._example_names[row] or any(core <= text_words for core in self.head_cores[row]):
            return []
        missing = frozenset().union(*self.head_cores[row]) - text_words
        holding = [e for e in self._other_names(row) if other <= e]
        return sorted(other) if holding and all(e & missing for e in holding) else []

    def _named_by_other_name_only(self, row: int, word: str) -> bool:
        """Whether ``word`` is in the food's other names only (``brand_only``), and ends none of them: a
        part of a brand or of a longer name ("Burger King Chicken Salad"), not another name of the food
        ("pot stickers" of fried dumplings), where the word names foods of its own."""
        if word not in self.brand_only[row] or not self._example_names[row] or not self._names_foods(word, False):
            return False  # a brand the text starts on ("Wasa, Crispbread") names no food of its own
        return not any(words and words[-1] == word for words in self._other_name_words(row))

    def _swapped_food(
        self, row: int, text_words: set[str], last: str | None, modifiers: set[str]
    ) -> tuple[list[str], ...]:
        """(the foods the text names before its last word and the food lacks, the foods the food's name has
        instead) when the food is what the text's name ends on: "vegetable curry" is no "Beef curry", however
        well "curry" covers the text, nor "turkey burger" a beef one. Only words that mostly name foods where
        descriptions have them outside brand names count (``_names_foods``: a detail such as "black" is
        none, nor "KFC"), and not a category the text's food is of ("Fish, salmon" for "salmon") nor one of
        the food's other names."""
        if last is None or last not in self.token_sets[row]:
            return ()
        other_names = set().union(*self._other_names(row)) if self._example_names[row] else set()
        named = sorted(
            w
            for w in modifiers - {last} - self.token_sets[row] - other_names
            if w not in STATE_WORDS and self._names_foods(w, in_brands=False)
        )
        if not named:
            return ()
        instead = sorted(
            w
            for w in self.heads[row] - text_words - CATEGORY_WORDS
            if self._names_foods(w, in_brands=False) and not any(self._implies(t, w) for t in text_words)
        )
        return (named, instead) if instead else ()

    def _chain_gap(self, row: int, key: str, text_words: set[str]) -> list[str]:
        """The text's words a chain's food lacks when the text names the chain: the chain name lifts
        its foods ("Burger King Double Hamburger"), which must then be what the text says
        ("BURGER KING, Hamburger" is no double hamburger)."""
        if not self.special["fast_foods"][row]:
            return []
        named = [name for name in FAST_FOOD_CHAINS if f" {name} " in f" {key} "]
        if not named:
            return []
        chain_words = {w for name in named for w in name.split()}
        return sorted(text_words - self.token_sets[row] - chain_words)

    def _rank(
        self,
        tokens: tuple[str, ...],
        limit: int,
        head: frozenset[str] = frozenset(),
        excluded: frozenset[str] = frozenset(),
    ) -> list[tuple[str, str, float]]:
        """Score only the foods sharing a word with the text: IDF coverage plus priors.
        Words of a comma-separated text's first segment (``head``) weigh double; foods having a
        word the text negates (``excluded``) go down, foods saying they lack it go up.

        The ranking reads the text's words only as corrected (``_correct``: a word, its typo-free
        spelling, or None when unknown), so it is kept per corrected words: "raw baana", "raw bnana"
        and "raw banana" are ranked once (a cold cohort's 8,600 rankings are 3,500)."""
        words = [t for t in tokens if t]
        if not words:
            return []
        corrections = tuple(self._correct(w) for w in words)
        emphasis = frozenset({self._correct(w) for w in head} - {None})
        key = (corrections, emphasis, limit, excluded)
        if key not in self._ranked:
            self._ranked[key] = self._ranked_foods(corrections, emphasis, limit, excluded)
        return list(self._ranked[key])

    def _ranked_foods(  # noqa: C901 - the ranking's priors, one adjustment each
        self,
        corrections: tuple[str | None, ...],
        emphasis: frozenset[str],
        limit: int,
        excluded: frozenset[str],
    ) -> list[tuple[str, str, float]]:
        """``_rank`` of a text's corrected words (None for a word no description has)."""
        corrected = [c for c in corrections if c is not None]

        def weight(token: str | None) -> float:
            # A word SR28 has never seen (a brand, a product line) counts less than a food word;
            # so does a cut, which says how the food was cut, not which product it is
            base = self.idf.get(token or "", UNKNOWN_WORD_WEIGHT) * (CUT_WORD_WEIGHT if token in CUT_WORDS else 1.0)
            return base * (HEAD_WEIGHT if token in emphasis else 1.0)

        query_weight = sum(weight(c) for c in corrections) or 1.0
        unique_tokens = list(dict.fromkeys(corrected))
        if not unique_tokens:
            return []
        candidates, coverage = self._coverage(unique_tokens, [weight(t) / query_weight for t in unique_tokens])
        word_set = set(corrected)
        if len(candidates) > 4 * RERANKED:
            # a food with a small part of the best food's words never wins, whatever its priors
            # ("raw" alone of "grilled chicken breast raw"): the priors below skip it
            near = coverage >= MIN_COVERAGE_SHARE * coverage.max()
            candidates, coverage = candidates[near], coverage[near]
        total = coverage + self.prior_static[candidates]
        # what the text asks for lifts penalties that prior_static holds
        joined = f" {' '.join(corrected)} "
        groups = [
            mask
            for group, mask in self.special.items()
            if word_set & CATEGORY_TRIGGERS[group] or any(t in joined for t in TRIGGER_PHRASES[group])
        ]
        homemade = excluded >= NOT_HOMEMADE
        different = word_set & self.different.keys()
        alcohol = bool(word_set & self.alcohol_words)
        cooking = [w for w in word_set if w in COOKING_WORDS]
        aliases = self._aliases_within(word_set)
        asked_forms = word_set & UNASKED_FORMS
        keep = max(limit * 3, RERANKED)
        for mask in groups:
            total += 0.35 * mask[candidates]
        if homemade:  # the text says homemade: a home recipe is what it means
            total += 0.1 * self.home_recipe[candidates]
        for word in different:
            total += 0.1 * self.different[word][candidates]
        if "unsweetened" in word_set:  # "Sweet Cherries, Frozen, Unsweetened" is no sweetened food
            total -= 0.1 * self.different["sweetened"][candidates]
        if alcohol:
            total += 0.1 * self.alcoholic[candidates]
        if word_set & AS_SOLD_FORMS:  # "onion soup mix", "bouillon cube": the form as sold is asked
            total += 0.1 * self.as_sold[candidates]
        if cooking:
            total += 0.12 * np.logical_or.reduce([self._preparation_mask(w)[candidates] for w in cooking])
            # a spice is not what a text naming how a food was cooked means ("roasted red peppers")
            total -= 0.1 * self._spices[candidates]
        else:
            total += self.prior_default_state[candidates]
        last = corrected[-1] if corrected and not emphasis else None  # the noun a one-segment text ends on
        # the text ends on a dish some food is, with all its words ("black bean soup"; no food is a
        # "lentil curry", whose alias "lentils" stays the best guess)
        dish_named = last in DISH_NOUNS and bool(aliases) and coverage.max() >= 0.999
        for alias in aliases:
            row = self.row_of[alias.food_id]
            if different - self.different_words[row]:
                continue  # the default food of its words is not the "lean only" or "decaffeinated" one asked
            if asked_forms - self.form_words[row] and self._in_form(alias.key, asked_forms):
                continue  # nor the frozen one asked, where a table has it: "artichoke hearts, cooked from frozen"
            if homemade and not self.home_recipe[row]:
                continue  # nor a text asking it homemade: "Pasta, homemade, made without egg" is no dry pasta
            if last and last not in self.heads[row] and last in self._with_words(row):
                # "coleslaw dressing" names a dressing, which the alias "coleslaw" (the salad, "with
                # dressing") only adds: as in ``_match``'s head check, the alias is not lifted
                continue
            if dish_named and last not in alias.key.split() and last not in self.token_sets[row]:
                continue  # "black bean soup" names a soup the tables have, not the alias "black beans" it holds
            k = int(np.searchsorted(candidates, row))  # candidates come sorted from np.unique
            if k < len(candidates) and candidates[k] == row:
                total[k] += 0.1
        # a dish of another food the words naming the text's food (before any "with") are only a
        # detail of ("Ham or pork with (mushroom) soup (mixture)" for "mushroom soup"; "Fish soup,
        # with potatoes" for "potato soup"): dozens of such survey mixtures otherwise crowd the dish
        # the text names out of the foods the head bonus below looks at
        total = self._less_details(total, candidates, set(emphasis or corrected), keep)
        top = _top_stable(total, keep)

        asks = word_set & self.negatable  # words some food says it lacks ("salt")
        qualify = bool(excluded or asks or word_set & QUALIFYING_STATES)
        # plain floats and ints from here: a dozen foods, where numpy scalars only cost
        rows, totals, covered = candidates[top].tolist(), total[top].tolist(), coverage[top].tolist()
        scored = []
        for j, i in enumerate(rows):
            cores = self.head_cores[i]
            named = cores[0] <= word_set if len(cores) == 1 else any(core <= word_set for core in cores)
            final = totals[j] + self._head_bonus(i, word_set, named)
            if qualify:
                final += self._qualifier_bonus(i, word_set, excluded, asks)
            scored.append((final, j, i, named))
        # the order-only penalties, computed for the foods they could still reorder
        floor = max(f for f, *_ in scored) - MAX_UNASKED
        stated = bool(word_set & STATE_WORDS)  # the text says how its food was kept or cooked
        reranked = sorted(
            (
                (
                    f
                    - (
                        self._unasked(i, self._asked(i, word_set, excluded), named, stated)
                        if f > floor
                        else MAX_UNASKED
                    ),
                    f,
                    j,
                )
                for f, j, i, named in scored
            ),
            key=lambda x: -x[0],
        )
        out = []
        for _order, final, j in reranked[:limit]:
            i, share = rows[j], covered[j]
            score = min(max(share * 100 + (final - share) * 60, 0.0), 100.0)
            out.append((str(self.ids[i]), str(self.descriptions[i]), round(score, 1)))
        return out

    @cached_property
    def _ingredient_names(self) -> frozenset[str]:
        """Words that name a food by themselves, which is no dish of DISH_HEADS: "lentil" ("Lentils,
        raw"), "tomato", not "ramen" or "pesto" (only in "KASHI Pesto Pasta Primavera")."""
        return frozenset(
            word
            for cores in self.head_cores
            for core in cores
            if len(core) == 1 and not core & DISH_HEADS
            for word in core
        )

    def _head_bonus(self, i: int, word_set: set[str], named: bool) -> float:
        shared_head = word_set & self.heads[i]
        if (
            shared_head
            and not named
            and all(core & DISH_HEADS - word_set for core in self.head_cores[i])
            and shared_head <= self._ingredient_names
        ):
            # "Soup, lentil with ham" is soup: a text naming lentils and not soup names the soup's
            # ingredient, a food of its own ("Lentils, ..."), not the soup; a soup also named by
            # what no other food is ("Soup, ramen noodle") is what "ramen noodles" means
            return -0.1
        if not word_set & self.heads[i]:
            # matched through brand or additional names only ("pork fries" of fried pork)
            shared = word_set & self.token_sets[i]
            return -0.2 if shared and shared <= self.brand_only[i] else -0.1
        return 0.2 if named else 0.12

    def _unasked(self, i: int, word_set: set[str], named: bool, stated: bool) -> float:
        """Order among foods that fit alike, not confidence: words naming another variety
        ("chinese"), a form ("frozen"), a preparation (unless the text ``stated`` one) or a nutrient
        claim ("reduced fat") the text does not ask for."""
        singles, groups, added, in_name = self.identity[i]
        unasked = singles - word_set
        extra = len(unasked)
        if unasked:
            # a word of the food's own name counts twice: "Seeds, sunflower seed butter" is another
            # food than sunflower seeds, more than "dry roasted" ones are
            extra += len(unasked & self.name_words[i])
        if groups:
            extra += sum(1 for g in groups if not g & word_set)
        # ... but a text saying more than the dish's name ("bean burrito", "chicken tacos") says which
        # of the dish it is, and the fillings it does not name count ("Burrito with beef, beans, ...")
        if added and not (named and in_name and not word_set - singles.union(*groups)):
            # an ingredient added with "with" ("Milk chocolate candy, with fruit and nuts") is
            # another product, unless the text names the dish itself and the dish's name holds
            # them ("tacos": "Taco or tostada with beef, cheese and lettuce" is the usual taco)
            more = len(added - word_set)
            extra += more + (more > 0)
        penalty = IDENTITY_WORD_PENALTY * min(extra, 3)
        if self.form_words[i] and self.form_words[i] - word_set:
            penalty += FORM_PENALTY
        if self.claims[i] and self.claims[i] - word_set:
            penalty += CLAIM_PENALTY
        if not stated and self.preparations[i]:
            penalty += PREPARATION_PENALTY
        return penalty

    def _qualifier_bonus(self, row: int, word_set: set[str], excluded: frozenset[str], asks: set[str]) -> float:
        """Qualifiers that change the food: a negated word ("without added vitamin D", "no mayo")
        the food has, or says it lacks; a state the text names (", cooked", "dry") the food
        contradicts ("Chard, swiss, raw" for "swiss chard, cooked")."""
        bonus = 0.0
        if excluded or asks:
            lacks = self._negated_words(row)
            if excluded:
                bonus += 0.05 * bool(excluded & lacks) - 0.3 * bool(excluded & (self.token_sets[row] - lacks))
            # "Potato chips, salted" is not "Potato chips, without salt"
            if lacks and (asks - excluded) & lacks:
                bonus -= 0.3
        if word_set & RAW_STATES and self.is_cooked[row] and not word_set & COOKED_STATE:
            bonus -= 0.25
        if word_set & (COOKED_STATE - {"prepared"}) and self.is_raw[row] and not word_set & {"raw"}:
            bonus -= 0.25
        return bonus

    def _negated_words(self, row: int) -> frozenset[str]:
        return self._lacks[row]

    def _coverage(self, tokens: list[str], shares: list[float]) -> tuple[np.ndarray, np.ndarray]:
        """Foods sharing a word with the text (sorted rows) and the share of the text's weight each
        covers (``shares``: each token's weight over the text's)."""
        # Light words ("raw", "with salt" of a longer text) whose weights together stay under
        # MIN_COVERAGE_SHARE of the heaviest word's cannot make a food worth ranking on their own:
        # they add to the foods the heavier words find, and the foods having only them are skipped.
        floor, light = MIN_COVERAGE_SHARE * max(shares), []
        for j in sorted(range(len(tokens)), key=lambda j: (shares[j], j)):
            if sum(shares[i] for i in light) + shares[j] >= floor:
                break
            light.append(j)
        heavy = [j for j in range(len(tokens)) if j not in light]
        postings = [self.postings[tokens[j]] for j in heavy]
        weights = [self._posting_weights(tokens[j], shares[j]) for j in heavy]
        if len(postings) == 1:  # one word: its postings are the sorted candidates already
            candidates, coverage = postings[0], weights[0]
        else:
            candidates, coverage = self._summed(postings, np.concatenate(weights))
        for j in light:
            has_word = self.postings[tokens[j]]
            at = np.minimum(np.searchsorted(has_word, candidates), len(has_word) - 1)
            coverage = coverage + np.where(
                has_word[at] == candidates, self._posting_weights(tokens[j], shares[j])[at], 0.0
            )
        return self._adjust_coverage(tokens, shares, candidates, coverage)

    def _posting_weights(self, token: str, share: float) -> np.ndarray:
        """``share`` for each food having ``token``, a little less where the word is only in the food's
        additional names ("rum with cola-type drinks such as Coke, Coca Cola"): weaker evidence than the
        description; none where the food leaves it open ("NS as to from fresh or frozen")."""
        factors = self.search_factors.get(token)
        if factors is None:
            return np.full(len(self.postings[token]), float(share))
        return factors * share

    def _summed(self, postings: list[np.ndarray], weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The foods of several words' postings (sorted) and the sum of each food's ``weights``
        (one per posting entry)."""
        rows = np.concatenate(postings)
        if len(rows) * 8 < len(self.ids):
            # sort once and sum runs: cheaper than np.unique's inverse plus a bincount
            order = np.argsort(rows, kind="stable")
            ordered = rows[order]
            first = np.empty(len(ordered), dtype=bool)  # where a run of one food starts
            first[0] = True
            np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
            starts = np.flatnonzero(first)
            candidates, coverage = ordered[starts], np.add.reduceat(weights[order], starts)
        else:  # many rows: sum per food over the whole table (every IDF is > 0), keep the non-zero
            summed = np.bincount(rows, weights=weights, minlength=len(self.ids))
            candidates = np.flatnonzero(summed)
            coverage = summed[candidates]
        return candidates, coverage

    def _adjust_coverage(
        self, tokens: list[str], shares: list[float], candidates: np.ndarray, coverage: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        for token, share in zip(tokens, shares, strict=True):
            # a state other than frozen makes another food of a fruit ("unsweetened dried mango")
            if token == "unsweetened" and not set(tokens) & (STATE_WORDS | UNASKED_FORMS) - {"frozen", "raw"}:
                # a raw fruit is unsweetened, which its description need not say ("Pineapple, frozen,
                # unsweetened" was the juice concentrate, the one food with all three words)
                coverage = coverage + (self.frozen_as_raw[candidates] & ~self._has(token, candidates)) * share
            kind = KIND_NAMES.get(token)
            if kind is not None and kind in self.postings:
                coverage = coverage + (self._has(kind, candidates) & ~self._has(token, candidates)) * (
                    KIND_NAME_SHARE * share
                )
            if token not in COOKING_WORDS:
                continue
            # "baked" is covered by "dry heat": tables word a preparation differently (SR28 "cooked,
            # dry heat", FNDDS "baked or broiled"), and only one of them would otherwise get credit
            found = self._has(token, candidates)
            coverage = coverage + (self._preparation_mask(token)[candidates] & ~found) * share
            if token == "frozen":
                # a raw fruit is what "frozen mango" means where no unsweetened frozen one is in the
                # tables, never a frozen meal of mango ("KASHI Black Bean Mango, frozen"): covered,
                # a little below a frozen form the tables have ("Blueberries, frozen, unsweetened")
                coverage = coverage + (self.frozen_as_raw[candidates] & ~found) * (FROZEN_AS_RAW_SHARE * share)
        return candidates, coverage

    def _has(self, token: str, candidates: np.ndarray) -> np.ndarray:
        """Per candidate (sorted rows): whether its search words hold ``token``."""
        has_word = self.postings[token]
        return has_word[np.minimum(np.searchsorted(has_word, candidates), len(has_word) - 1)] == candidates

    def _asked(self, i: int, word_set: set[str], excluded: frozenset[str]) -> set[str]:
        """The text's words, with those it negates as the food does: "made without egg" asks for the
        food's "egg" ("Pasta, homemade, made without egg, cooked" lost to plain pasta for not being asked
        its egg)."""
        return word_set | (excluded & self._lacks[i]) if excluded else word_set

    def _part_alone(self, food_id: str) -> bool:
        """Whether the food is a part of one alone: its skin, peel or shell (``PART_ALONE_RE``)."""
        return PART_ALONE_RE.search(self.description_lower[self.row_of[food_id]]) is not None

    def _less_details(self, total: np.ndarray, candidates: np.ndarray, tokens: set[str], keep: int) -> np.ndarray:
        """``total`` less DETAIL_ONLY_PENALTY for each food ``_detail_only`` finds, judged for the best
        foods only, as many as make the ``keep`` best exact (a penalty only lowers): a common word's
        thousands of candidates cost their lookups otherwise."""
        judged = 4 * keep
        while True:
            if len(total) <= judged:
                return total - DETAIL_ONLY_PENALTY * self._detail_only(tokens, candidates)
            best = np.argpartition(-total, judged - 1)[:judged]
            lowered = total.copy()
            lowered[best] -= DETAIL_ONLY_PENALTY * self._detail_only(tokens, candidates[best])
            rest = np.ones(len(total), dtype=bool)
            rest[best] = False
            if np.partition(lowered[best], judged - keep)[judged - keep] >= total[rest].max():
                return lowered  # no food left unjudged can reach the best ``keep``
            judged *= 4

    def _detail_only(self, tokens: set[str], rows: np.ndarray) -> np.ndarray:
        """Per food: a word naming the text's food is only in what the food is made or served with
        ("potato" of "Fish soup, with potatoes"), and the text does not name the food itself ("bean
        burrito" is "Burrito with beans"; with its category words: "Fish soup, with potatoes" is a
        fish soup, not "potato soup"). A few dozen foods: plain sets beat numpy's per-call cost."""
        out = np.zeros(len(rows), dtype=bool)
        for k, row in enumerate(rows.tolist()):
            detail = self.detail_words[row]
            if detail and not detail.isdisjoint(tokens):
                named = any(core <= tokens for core in self.head_cores[row])
                out[k] = not (named and (self.heads[row] & CATEGORY_WORDS) - detail <= tokens)
        return out

    def _with_words(self, row: int) -> frozenset[str]:
        """Words a description adds with "with" ("made with milk") or serves it on after a comma
        ("Hamburger, plain, on bun"; "kernels on cob" is the corn): ingredients and carriers, not the
        food's name ("hamburger bun" is no hamburger)."""
        if row not in self._added:
            self._added[row] = _with_part(self.description_lower[row])
        return self._added[row]

    def _same_foods(self, ranked: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
        """Candidates with another name of a food replaced by that food ("Peach, frozen,
        unsweetened" of FNDDS is SR28's raw peaches), each food once."""
        out, seen = [], set()
        for food_id, _description, score in ranked:
            row = self.same_as[self.row_of[food_id]]
            if row not in seen:
                seen.add(row)
                out.append((str(self.ids[row]), str(self.descriptions[row]), score))
        return out

    def _as_same_food(self, found: Match) -> Match:
        """The match with its food replaced by the food it is another name of (doubts and score
        were judged on the name that matched), so a plain ingredient keeps its SR28 food."""
        if not found.food_id or found.food_id not in self.row_of:
            return found
        row = self.same_as[self.row_of[found.food_id]]
        if self.ids[row] == found.food_id:
            return found
        food_id, description = str(self.ids[row]), str(self.descriptions[row])
        alternatives = tuple(a for a in self._same_foods(list(found.alternatives)) if a[0] != food_id)
        note = f"{found.note} ({self.table.edition(found.food_id).short} {found.description!r} is this food)"
        return replace(found, food_id=food_id, description=description, note=note, alternatives=alternatives)

    def _preparation_mask(self, cooking_word: str) -> np.ndarray:
        """Foods whose description has a preparation word matching ``cooking_word``."""
        return self._preparation_masks[cooking_word]

    def _in_form(self, words: str, forms: set[str]) -> bool:
        """Whether some food named by ``words`` is of all ``forms`` ("frozen"): lentils are not canned
        in either table (a lentil soup is), so "lentils, canned" keeps the cooked lentils of the alias."""
        named = set(tokenize(words, False))
        rows = None
        for word in [*named, *forms]:
            has = self.postings.get(word)
            if has is None:
                return False
            rows = has if rows is None else np.intersect1d(rows, has, assume_unique=True)
        return rows is not None and any(
            forms <= self.form_words[i] and named <= set(tokenize(self.description_lower[i].split(",")[0], False))
            for i in rows.tolist()
        )

    def _aliases_within(self, word_set: set[str]) -> list[Alias]:
        """Curated aliases all of whose words are in the text (looked up by their first word)."""
        found = []
        for word in word_set:
            for parts, alias in self._alias_by_first_word.get(word, ()):
                if parts <= word_set:
                    found.append(alias)
        return found
