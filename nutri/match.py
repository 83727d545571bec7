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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from nutri.errors import DataFileError
from nutri.foods import CUSTOM_PREFIX, SPECIAL_GROUPS, FoodTable, data_file
from nutri.quantity import singular


# Below this score a match is shown as needs_review with its alternatives (calibrated on
# tests/data/labelled_entries.csv: matches under 70 were right less than half the time).
REVIEW_THRESHOLD = 70
# Below this share of the query's information found in a description, nothing is claimed.
UNMATCHED_COVERAGE = 0.5
HEAD_WEIGHT = 2.0  # words naming the food in "Food, state, detail" texts
UNKNOWN_WORD_WEIGHT = 1.5  # weight of a text word absent from every description (IDF of common words is 1-9)
ALIAS_TYPO_CUTOFF = 90  # rapidfuzz.fuzz.ratio on normalised text
TOKEN_TYPO_CUTOFF = 85  # rapidfuzz.fuzz.ratio between an unknown word and the vocabulary

# Phrases rewritten before tokenising (British -> American, everyday -> SR28 wording).
PHRASE_SYNONYMS = [
    (r"\bsemi[ -]?skimmed\b", "2%"), (r"\bskimmed\b", "skim"), (r"\bfull[ -]fat\b", "whole"),
    (r"\bspring onions?\b", "scallion"), (r"\bgreen onions?\b", "scallion"), (r"\bbell peppers?\b", "sweet pepper"),
    (r"\bcapsicums?\b", "sweet pepper"), (r"\bmince(d)? beef\b", "ground beef"), (r"\bbeef mince\b", "ground beef"),
    (r"\bmince\b", "ground beef"), (r"\bcrisps\b", "potato chips"), (r"\bjacket potato(es)?\b", "baked potato"),
    (r"\bporridge oats\b", "oats"), (r"\bwholemeal\b", "whole wheat"), (r"\bwholegrain\b", "whole grain"),
    (r"\bwhole-wheat\b", "whole wheat"), (r"\bicing sugar\b", "powdered sugar"), (r"\bdouble cream\b", "heavy cream"),
    (r"\bsingle cream\b", "light cream"), (r"\bcornflour\b", "cornstarch"), (r"\bbroad beans?\b", "fava bean"),
    (r"\bharicot beans?\b", "navy bean"), (r"\bgarbanzo( beans?)?\b", "chickpea"), (r"\bfizzy drinks?\b", "soda"),
    (r"\btomato ketchup\b", "catsup"), (r"\bketchup\b", "catsup"), (r"\bmangetout\b", "snow pea"),
    (r"\bgreek yoghurt\b", "greek yogurt"), (r"\bpak choi\b", "bok choy"), (r"\bcheddar cheese\b", "cheddar"),
    (r"\bpeanut butter\b", "peanut butter"), (r"\bbaked beans\b", "baked beans"), (r"\bfish fingers?\b", "fish sticks"),
    (r"\bminced meat\b", "ground beef"), (r"\bsoya\b", "soy"), (r"\bsoymilk\b", "soy milk"), (r"\bsoy beverage\b", "soy milk"),
    (r"\bcaster sugar\b", "sugar"), (r"\bgranulated sugar\b", "sugar"), (r"\bstreaky bacon\b", "bacon"),
    (r"\bhot dog sausages?\b", "frankfurter"), (r"\bhot ?dogs?\b", "frankfurter"), (r"\bkidney beans?\b", "kidney bean"),
]
ANY_PHRASE = re.compile("|".join(f"(?:{p})" for p, _ in PHRASE_SYNONYMS))
PHRASE_SYNONYMS = [(re.compile(p), r) for p, r in PHRASE_SYNONYMS]

# Single words (after singularising): British or everyday -> the word SR28 uses.
WORD_SYNONYMS = {
    "yoghurt": "yogurt", "yoghourt": "yogurt", "courgette": "zucchini", "aubergine": "eggplant", "swede": "rutabaga",
    "rocket": "arugula", "coriander": "cilantro", "prawn": "shrimp", "beetroot": "beet", "sultana": "raisin",
    "gammon": "ham", "porridge": "oatmeal", "maize": "corn", "biscuit": "cookie", "aubergines": "eggplant",
    "chickpeas": "chickpea", "garbanzos": "chickpea", "grey": "gray", "flavour": "flavor", "flavoured": "flavored",
    "fibre": "fiber", "colour": "color", "tinned": "canned", "tin": "can", "grilled": "grilled", "bbq": "barbecued",
    "barbeque": "barbecued", "cheddar": "cheddar", "ff": "fat free", "lowfat": "low fat", "nonfat": "nonfat",
    "skim": "nonfat", "fatfree": "nonfat", "oj": "orange juice", "pb": "peanut butter", "evoo": "olive oil",
    "tuna": "tuna", "wholewheat": "whole wheat", "lite": "light", "doughnut": "doughnut", "donut": "doughnut",
    "catsup": "catsup", "mayo": "mayonnaise", "veggie": "vegetable", "spag": "spaghetti", "choc": "chocolate",
    "sarnie": "sandwich", "sandwhich": "sandwich", "expresso": "espresso", "filet": "fillet", "fillet": "fillet",
    "almond": "almond", "omelette": "omelet", "sausage": "sausage", "yogourt": "yogurt", "chilli": "chili",
    "aubergene": "eggplant", "kiwifruit": "kiwifruit", "kiwi": "kiwifruit", "clementine": "tangerine", "mandarin": "tangerine",
    "satsuma": "tangerine", "flax": "flaxseed", "flaxseeds": "flaxseed", "cacao": "cocoa", "parmigiano": "parmesan", "garbanzo": "chickpea", "scallion": "scallion", "rasher": "slice", "tomatoe": "tomato", "potatoe": "potato",
}

# Removed from the diary text only (SR28 descriptions keep them): they do not change the food.
NOISE_WORDS = frozenset(
    """organic homemade home made fresh freshly store bought storebought natural delicious yummy my favourite favorite
    tasty plain-ish some of the with a an snack breakfast lunch dinner brunch bowl leftover leftovers big little nice
    trader joe joes kirkland tesco sainsbury sainsburys waitrose asda costco aldi lidl great value walmart target
    marks spencer m&s kroger wegmans 365 everyday value simple truth glass mug bottle serving portion piece handful""".split()
) - {"a", "an", "with"}
STOP_WORDS = frozenset({"a", "an", "the", "of", "and", "with", "w", "in", "on", "or", "for", "to", "from", "made", "style", "type"})

# Cooking words in the text steer to descriptions with any of the listed preparation words.
COOKING_WORDS = {
    "grilled": {"grilled", "broiled", "dry heat"}, "broiled": {"broiled", "grilled", "dry heat"},
    "baked": {"baked", "roasted", "dry heat"}, "roasted": {"roasted", "baked", "dry heat"}, "roast": {"roasted", "baked", "dry heat"},
    "boiled": {"boiled", "cooked", "moist heat", "simmered"}, "fried": {"fried", "pan-fried"}, "steamed": {"steamed", "boiled", "cooked"},
    "scrambled": {"scrambled"}, "poached": {"poached"}, "stewed": {"stewed", "braised", "simmered"}, "braised": {"braised", "stewed"},
    "toasted": {"toasted"}, "toast": {"toasted"}, "sauteed": {"sauteed", "stir-fried", "pan-fried"}, "microwaved": {"microwaved"},
    "cooked": {"cooked", "boiled", "roasted", "baked", "dry heat", "braised", "broiled"}, "raw": {"raw"}, "uncooked": {"raw", "dry", "uncooked"}, "dry": {"dry", "dried", "uncooked"},
    "dried": {"dried", "dry", "dehydrated"}, "canned": {"canned"}, "frozen": {"frozen"}, "smoked": {"smoked"},
}
COOKED_STATE = {"cooked", "roasted", "boiled", "baked", "broiled", "braised", "dry heat", "moist heat", "grilled", "simmered", "stewed", "pan-fried", "fried", "steamed", "prepared", "brewed"}
COOKED_BY_DEFAULT_GROUPS = {"Beef Products", "Pork Products", "Poultry Products", "Lamb, Veal, and Game Products", "Finfish and Shellfish Products", "Cereal Grains and Pasta", "Legumes and Legume Products"}
RAW_BY_DEFAULT_GROUPS = {"Fruits and Fruit Juices", "Vegetables and Vegetable Products"}
# Words that make a different food: a description with one the text lacks is pushed down.
DIFFERENT_FOOD_WORDS = ("meatless", "imitation", "substitute", "analog", "honey", "chocolate", "sweetened", "candied", "frosted", "glazed", "coated", "breaded", "flavored", "babyfood",
                        "vanilla", "strawberry", "cinnamon", "maple", "caramel", "mocha", "giblet", "gizzard", "neck", "feet")
# Head words that name a category the food belongs to ("Nuts, almonds" is almonds), unlike
# "Oil, olive" or "Soup, tomato", whose first word is the food itself.
CATEGORY_WORDS = frozenset({"fish", "nut", "beverage", "cereal", "seed", "spice", "babyfood", "alcoholic", "snack", "candy", "candies", "mollusk", "crustacean", "game", "meat", "fast", "food", "restaurant", "ready", "eat"})
GENERIC_HEADS = {"fish", "nuts", "nut", "beverages", "beverage", "cereals", "cereal", "seeds", "seed", "spices", "spice", "babyfood", "alcoholic beverage", "snacks", "candies", "cookies", "crackers", "soup", "sauce", "mollusks", "crustaceans", "infant formula", "cereals ready-to-eat", "oil", "salad dressing", "fast foods", "restaurant", "game meat", "pork", "beef", "lamb", "veal", "chicken", "turkey", "margarine-like spread", "cheese", "milk", "yogurt", "fruit juice", "egg"}
GROUP_TRIGGERS = {
    "Baby Foods": {"baby", "babyfood", "infant", "toddler", "gerber"},
    "Fast Foods": {"fast", "mcdonald", "mcdonalds", "burger king", "wendy", "kfc", "subway", "taco bell", "pizza hut", "domino", "dominos", "popeyes"},
    "Restaurant Foods": {"restaurant", "applebee", "olive garden", "denny", "tgi", "chinese", "mexican", "italian", "takeout", "takeaway"},
    "American Indian/Alaska Native Foods": {"alaska", "native", "navajo", "apache", "hopi", "shoshone", "yupik", "inupiat", "caribou", "seal", "whale"},
}


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def tokenize(text: str, drop_noise: bool = True) -> tuple[str, ...]:
    """Normalised tokens: lower case, no accents or punctuation (keeps '2%'), singular,
    synonyms applied; noise words dropped from diary text (``drop_noise``)."""
    text = _strip_accents(str(text).lower()).replace("&", " and ")
    text = re.sub(r"(\d)\s*%", r"\1%", text)
    text = re.sub(r"[^\w%]+", " ", text.replace("'", ""))
    if ANY_PHRASE.search(text):
        for pattern, replacement in PHRASE_SYNONYMS:
            text = pattern.sub(replacement, text)
    tokens = []
    for word in text.split():
        word = WORD_SYNONYMS.get(word, word)
        for part in word.split():
            part = WORD_SYNONYMS.get(singular(part), singular(part))
            if drop_noise and part in NOISE_WORDS:
                continue
            tokens.extend(part.split())
    return tuple(t for t in tokens if t not in STOP_WORDS)


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
    """One explained match. rule: user_alias | alias | alias_typo | exact | fuzzy | none."""

    query: str
    food_id: str | None
    description: str
    score: float
    rule: str
    status: str  # matched | needs_review | unmatched
    note: str
    alternatives: tuple[tuple[str, str, float], ...] = ()

    @property
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
            if food_id.isdigit() and len(food_id) < 5:
                food_id = food_id.zfill(5)  # spreadsheets drop leading zeros
            if not table.has(food_id) and table.has(CUSTOM_PREFIX + food_id):
                food_id = CUSTOM_PREFIX + food_id
            if not table.has(food_id):
                raise DataFileError(f"{path}, line {line_no}: food_id {food_id!r} for {text!r} is not in foods.csv or your custom foods; find the id with `nutri foods search {text!r}`")
            key = normalise(text)
            if key in aliases:
                continue  # first spelling wins: "semi skimmed milk" and "2% milk" normalise alike
            aliases[key] = Alias(key, text, food_id, (row.get("reason") or "").strip(), source)
    return aliases


class Matcher:
    """Matches text to foods of one FoodTable. Build once per run; ``match`` is cached per text."""

    def __init__(self, table: FoodTable, user_aliases: dict[str, Alias] | None = None) -> None:
        self.table = table
        foods = table.foods
        self.ids = foods["food_id"].to_numpy()
        self.descriptions = foods["description"].to_numpy()
        groups = foods["food_group"].to_numpy()
        self.user_aliases = user_aliases or {}
        self.aliases = read_aliases(data_file("aliases.csv"), table, "curated")
        self._alias_keys = list(self.aliases)
        self._alias_by_first_word: dict[str, list[tuple[set[str], Alias]]] = {}
        for key, alias in self.aliases.items():
            parts = key.split()
            if parts:
                self._alias_by_first_word.setdefault(parts[0], []).append((set(parts), alias))
        self._cache: dict[tuple[str, frozenset[str]], Match] = {}
        self._corrections: dict[str, str | None] = {}
        self._preparation_masks: dict[str, np.ndarray] = {}

        token_sets, heads = [], []
        postings: dict[str, list[int]] = {}
        for i, (description, common) in enumerate(zip(self.descriptions, foods["common_name"].fillna("").to_numpy())):
            segments = [s.strip() for s in str(description).split(",")]
            head = set(tokenize(segments[0], False))
            if " ".join(tokenize(segments[0], False)) in GENERIC_HEADS and len(segments) > 1:
                head |= set(tokenize(segments[1], False))
            tokens = set(tokenize(description, False)) | set(tokenize(common, False))
            token_sets.append(tokens)
            heads.append(head)
            for token in tokens:
                postings.setdefault(token, []).append(i)
        n = len(token_sets)
        self.token_sets, self.heads = token_sets, heads
        # words that occur only in a brand or product name (capitals: "BOLTHOUSE FARMS, DAILY GREEN")
        capitals = re.compile(r"\b[A-Z][A-Z'&.]{2,}\b")
        branded = np.array([bool(capitals.search(str(d))) for d in self.descriptions])
        self.brand_only = [set(tokenize(" ".join(capitals.findall(d)), False)) - set(tokenize(capitals.sub(" ", d), False)) if has_brand else set()
                           for d, has_brand in zip(map(str, self.descriptions), branded)]
        # the head without category words ("Nuts, almonds" -> {almond}): when the text names all of
        # it, the description is about the text's food, not a food made from it ("Olive loaf")
        self.head_cores = [frozenset(h - CATEGORY_WORDS) or frozenset(h) for h in heads]
        self.postings = {t: np.asarray(ix, dtype=np.int32) for t, ix in postings.items()}
        self.idf = {t: math.log(1 + n / len(ix)) for t, ix in postings.items()}
        self.vocabulary_by_letter: dict[str, list[str]] = {}
        for word in sorted(self.postings):
            self.vocabulary_by_letter.setdefault(word[0], []).append(word)
        self.description_lower = [str(d).lower() for d in self.descriptions]
        lengths = np.array([len(t) for t in token_sets], dtype=np.float64)
        self.prior_base = -0.012 * np.minimum(lengths, 15) - 0.15 * branded
        self.is_raw = np.array(["raw" in t for t in token_sets])
        self.is_cooked = np.array([any(w in d for w in COOKED_STATE) for d in self.description_lower])
        self.different = {w: np.array([w in t for t in token_sets]) for w in DIFFERENT_FOOD_WORDS}
        self.special = {g: groups == g for g in SPECIAL_GROUPS}
        self.cooked_default = np.isin(groups, list(COOKED_BY_DEFAULT_GROUPS))
        self.raw_default = np.isin(groups, list(RAW_BY_DEFAULT_GROUPS))
        self.row_of = {fid: i for i, fid in enumerate(self.ids)}
        # Priors known before any text is seen; _rank lifts the penalties the text asks for.
        self.prior_static = self.prior_base - 0.35 * np.logical_or.reduce(list(self.special.values())) - 0.1 * np.sum(list(self.different.values()), axis=0)
        self.prior_default_state = (0.08 * (self.raw_default & self.is_raw) - 0.06 * (self.raw_default & ~self.is_raw)
                                    + 0.08 * (self.cooked_default & self.is_cooked) - 0.08 * (self.cooked_default & self.is_raw))

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
        # Typos rarely change the first letter: compare with that letter's words only (20x fewer).
        found = process.extractOne(token, self.vocabulary_by_letter.get(token[0], ()), scorer=fuzz.ratio, processor=None, score_cutoff=TOKEN_TYPO_CUTOFF)
        return found[0] if found else None

    # -- public -----------------------------------------------------------------------------
    def match(self, text: str) -> Match:
        key = normalise(text)
        # "Peach, Frozen, Unsweetened": as in SR28, the first comma segment names the food
        segments = [seg for seg in str(text).split(",") if seg.strip()]
        head = frozenset(tokenize(segments[0])) if len(segments) > 1 else frozenset()
        if not head:
            # "tuna in olive oil", "oats with milk": the food comes before "in"/"with"
            before = re.split(r"\s(?:in|with|w/)\s", str(text).lower(), maxsplit=1)
            head = frozenset(tokenize(before[0])) if len(before) > 1 and before[0].strip() else frozenset()
        if (key, head) not in self._cache:
            self._cache[(key, head)] = self._match(text, key, head)
        found = self._cache[(key, head)]
        return found if found.query == text else Match(text, found.food_id, found.description, found.score, found.rule, found.status, found.note, found.alternatives)

    def search(self, text: str, limit: int = 10) -> list[tuple[str, str, float]]:
        """Ranked (food_id, description, score) candidates from the index (no aliases)."""
        return self._rank(tuple(tokenize(text)), limit)

    # -- internals --------------------------------------------------------------------------
    def _match(self, text: str, key: str, head: frozenset[str] = frozenset()) -> Match:
        if not key:
            return Match(text, None, "", 0.0, "none", "unmatched", "no food words left after removing amounts and noise words")
        for aliases, rule in ((self.user_aliases, "user_alias"), (self.aliases, "alias")):
            alias = aliases.get(key)
            if alias:
                note = f"{'your' if rule == 'user_alias' else 'curated'} alias {alias.written!r}" + (f": {alias.reason}" if alias.reason else "")
                return Match(text, alias.food_id, self.table.description(alias.food_id), 100.0, rule, "matched", note)
        if len(key) >= 5 and self._alias_keys:
            found = process.extractOne(key, self._alias_keys, scorer=fuzz.ratio, processor=None, score_cutoff=ALIAS_TYPO_CUTOFF)
            if found and re.findall(r"\d+%?", found[0]) == re.findall(r"\d+%?", key):
                alias = self.aliases[found[0]]
                return Match(text, alias.food_id, self.table.description(alias.food_id), round(found[1], 1), "alias_typo", "matched", f"read as {alias.written!r} (curated alias)")
        ranked = self._rank(tuple(key.split()), 4, head)
        if not ranked:
            return Match(text, None, "", 0.0, "none", "unmatched", "no food in foods.csv shares a word with this text")
        best_id, best_desc, best_score = ranked[0]
        alternatives = tuple(ranked[1:4])
        if best_score < UNMATCHED_COVERAGE * 100:
            return Match(text, None, "", best_score, "none", "unmatched", f"best candidate {best_id} {best_desc!r} covers too little of the text", tuple(ranked[:3]))
        exact = set(key.split()) == self.token_sets[self.row_of[best_id]]
        rule = "exact" if exact else "fuzzy"
        # Doubts that lower confidence whatever the score: a word no description has (the text
        # may name a food SR28 lacks, "rooibos"), or a named head food the candidate lacks.
        unknown = [w for w in key.split() if self._correct(w) is None]
        head_words = {self._correct(w) for w in head} - {None}
        best_row = self.row_of[best_id]
        missing_head = bool(head_words) and not (head_words & self.token_sets[best_row])
        shared = {self._correct(w) for w in key.split()} & self.token_sets[best_row]
        brand_only = bool(shared) and shared <= self.brand_only[best_row]
        text_words = {self._correct(w) or w for w in key.split()}
        unasked = sorted(w for w in DIFFERENT_FOOD_WORDS if self.different[w][best_row] and w not in text_words)
        if not exact and (unknown or missing_head or brand_only or unasked):
            written = re.findall(r"[\w%]+", str(text).lower())
            shown = [next((w for w in written if w.startswith(u)), u) for u in unknown]  # as the user wrote it
            if unknown:
                why = f"{', '.join(repr(w) for w in shown)} not in any SR28 description"
            elif missing_head:
                why = f"{best_desc!r} is not {' '.join(sorted(head_words))}"
            elif brand_only:
                why = f"only the brand name in {best_desc!r} matches"
            else:
                why = f"{best_desc!r} is {', '.join(unasked)}; the text does not say so"
            return Match(text, best_id, best_desc, min(best_score, REVIEW_THRESHOLD - 1), rule, "needs_review", f"check: {why}; see the alternatives", alternatives)
        if exact or best_score >= REVIEW_THRESHOLD:
            return Match(text, best_id, best_desc, best_score, rule, "matched", f"{rule} match on the description", alternatives)
        return Match(text, best_id, best_desc, best_score, rule, "needs_review", f"low confidence ({best_score:.0f} < {REVIEW_THRESHOLD}); check the alternatives", alternatives)

    def _rank(self, tokens: tuple[str, ...], limit: int, head: frozenset[str] = frozenset()) -> list[tuple[str, str, float]]:
        """Score only the foods sharing a word with the text: IDF coverage plus priors.
        Words of a comma-separated text's first segment (``head``) weigh double."""
        words = [t for t in tokens if t]
        if not words:
            return []
        corrected = [c for c in (self._correct(w) for w in words) if c is not None]
        emphasis = {self._correct(w) for w in head} - {None}

        def weight(token: str | None) -> float:
            # A word SR28 has never seen (a brand, a product line) counts less than a food word
            base = self.idf.get(token or "", UNKNOWN_WORD_WEIGHT)
            return base * (HEAD_WEIGHT if token in emphasis else 1.0)

        query_weight = sum(weight(self._correct(w)) for w in words) or 1.0
        unique_tokens = list(dict.fromkeys(corrected))
        if not unique_tokens:
            return []
        postings = [self.postings[t] for t in unique_tokens]
        candidates, inverse = np.unique(np.concatenate(postings), return_inverse=True)
        weights = np.repeat([weight(t) for t in unique_tokens], [len(p) for p in postings])
        coverage = np.bincount(inverse, weights=weights) / query_weight
        word_set = set(corrected)
        total = coverage + self.prior_static[candidates]
        # penalties in prior_static are lifted for what the text asks for
        for group, mask in self.special.items():
            if word_set & GROUP_TRIGGERS[group]:
                total += 0.35 * mask[candidates]
        for word in word_set & self.different.keys():
            total += 0.1 * self.different[word][candidates]
        cooking = [w for w in word_set if w in COOKING_WORDS]
        if cooking:
            total += 0.12 * np.logical_or.reduce([self._preparation_mask(w)[candidates] for w in cooking])
        else:
            total += self.prior_default_state[candidates]
        for alias in self._aliases_within(word_set):
            row = self.row_of[alias.food_id]
            k = int(np.searchsorted(candidates, row))  # candidates come sorted from np.unique
            if k < len(candidates) and candidates[k] == row:
                total[k] += 0.1
        top = np.argsort(-total, kind="stable")[: max(limit * 4, 20)]
        def head_bonus(i: int) -> float:
            if not word_set & self.heads[i]:
                return -0.1
            return 0.12 + (0.08 if self.head_cores[i] <= word_set else 0.0)

        reranked = sorted(((total[k] + head_bonus(candidates[k]), k) for k in top), key=lambda x: -x[0])
        out = []
        for final, k in reranked[:limit]:
            i = candidates[k]
            score = min(max(coverage[k] * 100 + (final - coverage[k]) * 60, 0.0), 100.0)
            out.append((str(self.ids[i]), str(self.descriptions[i]), round(float(score), 1)))
        return out

    def _preparation_mask(self, cooking_word: str) -> np.ndarray:
        """Foods whose description has a preparation word matching ``cooking_word`` (once per word)."""
        if cooking_word not in self._preparation_masks:
            wanted = COOKING_WORDS[cooking_word]
            self._preparation_masks[cooking_word] = np.array([any(w in d for w in wanted) for d in self.description_lower])
        return self._preparation_masks[cooking_word]

    def _aliases_within(self, word_set: set[str]) -> list[Alias]:
        """Curated aliases all of whose words are in the text (looked up by their first word)."""
        found = []
        for word in word_set:
            for parts, alias in self._alias_by_first_word.get(word, ()):
                if parts <= word_set:
                    found.append(alias)
        return found
