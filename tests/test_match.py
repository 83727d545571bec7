import csv
import datetime as dt
import re

import pytest
from conftest import DATA, ROOT


def test_labelled_set_accuracy(table, matcher):
    from nutri.evaluate import evaluate

    scores = evaluate(DATA / "labelled_entries.csv", table, matcher)
    assert scores.entries >= 250
    assert scores.top1 >= 0.95, scores.misses
    assert scores.grams_right >= 0.90, scores.misses


def test_curated_aliases_are_sound(table):
    from nutri.match import WORD_SYNONYMS, tokenize

    rows = list(
        csv.DictReader(
            line for line in open(ROOT / "nutri" / "data" / "aliases.csv", encoding="utf-8") if not line.startswith("#")
        )
    )
    assert len(rows) >= 400
    synonyms = {
        "coke": "cola",
        "soda": "cola",
        "oj": "orange",
        "porridge": "oat",
        "oatmeal": "oat",
        "mince": "beef",
        "courgette": "zucchini",
        "aubergine": "eggplant",
        "rocket": "arugula",
        "swede": "rutabaga",
        "crisps": "potato",
        "chips": "potato",
        "prawn": "shrimp",
        "beetroot": "beet",
        "coriander": "cilantro",
        "weetabix": "wheat",
        "cheerios": "cheerio",
        "steak": "beef",
        "liver": "liver",
        "hamburger": "beef",
        "burger": "hamburger",
        "pepitas": "pumpkin",
        "sultana": "raisin",
        "clementine": "tangerine",
        "kiwi": "kiwifruit",
        "spirits": "distilled",
        "lager": "beer",
        "champagne": "wine",
        "prosecco": "wine",
        "decaf": "coffee",
        "espresso": "espresso",
        "porridge oats": "oat",
        "cereal": "cereal",
        "toast": "bread",
        "sourdough": "bread",
        "pita": "bread",
        "soup": "soup",
        "biscuit": "cookie",
        "jam": "jam",
        "cream": "cream",
        "omelette": "omelet",
        "ketchup": "catsup",
        "bagel": "bagel",
        "tahini": "tahini",
        "chicken": "chicken",
        "beans": "bean",
        "sweetcorn": "corn",
        "mayonnaise": "mayonnaise",
        "hot": "frankfurter",
        "fish": "fish",
        "cornflakes": "corn",
        "sparkling": "soda",
        "bottled": "water",
        "yam": "yam",
        "fortified": "cereal",
        "red": "bull",
        "energy": "energy",
        "sports": "gatorade",
        "canned": "canned",
        "cold": "coffee",
        "whisky": "whiskey",
        "spaghetti": "pasta",
        "chocolate": "cocoa",
        "tinned": "canned",
        "edamame": "edamame",
        "pepsi": "cola",
        "fanta": "orange",
        "up": "lime",  # 7 Up, 7-Up
        "7up": "lime",
        "7-up": "lime",
        "ramen": "noodle",  # FNDDS's "Soup, mostly noodles" names Top Ramen
    }
    for row in rows:
        assert table.has(row["food_id"]), row
        assert row["reason"], row
        description_words = set(tokenize(table.description(row["food_id"]), False))
        alias_words = tokenize(row["alias"])
        head = alias_words[-1] if alias_words else row["alias"]
        known = {head, WORD_SYNONYMS.get(head, head)} | {synonyms.get(w, w) for w in row["alias"].split()}
        assert known & description_words or any(w in description_words for w in alias_words), (
            row["alias"],
            table.description(row["food_id"]),
        )


@pytest.mark.parametrize(
    "text, food_id",
    [
        ("spinach", "11457"),
        ("avocado", "09037"),
        ("2% milk", "01079"),
        ("coffee", "14209"),
        ("bananna", "09040"),
        ("Kirkland almonds", "12061"),
        ("Turmeric, Ground", "02043"),
    ],
)
def test_everyday_words(matcher, text, food_id):
    assert matcher.match(text).food_id == food_id


def test_matches_explain_themselves(matcher):
    alias = matcher.match("greek yoghurt")
    assert (alias.rule, alias.score, alias.status) == ("alias", 100.0, "matched") and "curated alias" in alias.note
    typo = matcher.match("brocoli")
    assert typo.rule == "alias_typo" and typo.food_id == "11090"
    fuzzy = matcher.match("cashew nuts")
    assert fuzzy.rule in ("fuzzy", "exact") and fuzzy.food_id.startswith("120")
    review = matcher.match("lentil curry")
    assert review.status == "needs_review" and len(review.alternatives) == 3
    assert re.fullmatch(r"((?:\d{5}|fndds:\d{8}):[^|]+\|){2}(?:\d{5}|fndds:\d{8}):[^|]+", review.alternatives_text)
    assert matcher.match("xyzzy blorp").status == "unmatched"


def test_priors(matcher):
    assert matcher.match("raw carrots").food_id == "11124"
    assert "Babyfood" not in matcher.match("creamed spinach").description
    assert "cooked" in matcher.match("lamb chop").description or "roasted" in matcher.match("lamb chop").description
    assert "meatless" not in matcher.match("fried chicken").description
    assert "honey" not in matcher.match("roasted almonds").description


def test_doubts_lower_confidence(matcher):
    peach = matcher.match("Peach, Frozen, Unsweetened")
    # the first comma segment names the food; FNDDS names this one exactly (its recipe: raw peaches)
    assert peach.description.lower().startswith("peach") and "sweetened" not in peach.description.replace(
        "unsweetened", ""
    )
    rooibos = matcher.match("Honeybush Tea")  # rooibos is now a curated alias
    assert rooibos.status == "needs_review" and "'honeybush' not in any food description" in rooibos.note
    chlorella = matcher.match("Chlorella, Dried")
    assert chlorella.status in ("needs_review", "unmatched")
    assert matcher.match("tuna in olive oil").description.startswith("Fish, tuna")
    salt = matcher.match("Diamond Crystal Kosher Salt")  # brand words SR28 also uses elsewhere
    assert salt.status == "needs_review" and salt.description == "Salt, table" and "read as a brand" in salt.note


def test_different_food_words_need_asking(matcher):
    assert "giblet" not in matcher.match("fried chicken").description.lower()
    chobani = matcher.match("Chobani greek yogurt")  # SR28's Chobani yogurts are all flavoured
    assert chobani.status == "needs_review" and "is vanilla; the text does not say so" in chobani.note
    assert matcher.match("big mac").status == "needs_review"  # only the brand name matches


# -- issue 11: qualifiers, negations, brands, typos (each example of the Why list) -------


@pytest.mark.parametrize(
    "text, food_id",
    [
        (
            "Milk, Whole, 3.25% Milkfat, without Added Vitamin A and Vitamin D",
            "01211",
        ),  # not the fortified milk (13x vitamin D)
        ("non-alcoholic beer", "14305"),
        ("chocolate milk, 1%", "01104"),
        ("decaf coffee", "14201"),
        ("swiss chard, cooked", "11765"),
        ("spaghetti, cooked", "20121"),
        ("Oatmeal, Regular or Quick, Dry", "08120"),
        ("Baked potato, plain, skin not eaten", "11363"),
        ("Kroger - Milk 2%", "01079"),
        ("() - Avocado", "09037"),
        ("Thompson Raisins - Raisin", "09298"),
        ("Organics roasted cashews - Cashews", "12585"),
        ("Kirkland Olive Oil", "04053"),
    ],
)
def test_qualifiers_and_brands_steer_the_match(matcher, text, food_id):
    found = matcher.match(text)
    assert found.food_id == food_id and found.status == "matched", found


@pytest.mark.parametrize(
    "text, not_food",
    [("Brandy", "07021"), ("Wholey Guacamole", "13"), ("Adnams' bitter", "11024"), ("oat milk", "01106")],
)
def test_typo_correction_never_invents_a_food(matcher, text, not_food):
    found = matcher.match(text)
    assert found.status != "matched" or not (found.food_id or "").startswith(not_food), found
    assert matcher._correct("brandy") != "brand" and matcher._correct("wholey") != "whole"


def test_not_frosted_is_never_the_frosted_cereal(matcher):
    found = matcher.match("mini wheats (not frosted)")
    assert "FROSTED" not in found.description and (
        found.food_id == "08384" or found.status == "needs_review" or "08384" in found.alternatives_text
    )


@pytest.mark.parametrize(
    "text",
    ["sirloin steak, lean only", "Beef Steak, Flank, No Visible Fat Eaten", "Ribs, Beef, Short, No Visible Fat Eaten"],
)
def test_lean_only_is_the_trimmed_meat(matcher, text):
    # SR28's "separable lean only", FNDDS's "lean only eaten" and Cronometer's "No Visible Fat Eaten" are one
    # qualifier: not the "lean and fat" food, not even the one an alias of the text's other words names
    found = matcher.match(text)
    assert "lean only" in found.description and found.status == "matched", found
    assert "lean and fat" in matcher.match("sirloin steak").description  # unasked, the everyday default


@pytest.mark.parametrize("text", ["Chicken Breast, Skin Removed Before Cooking", "chicken thigh, skin removed"])
def test_skin_removed_is_meat_only(matcher, text):
    # Cronometer's wording for FNDDS's "skin not eaten": without it the text asked for skin (and got "meat
    # and skin", or chicken skin itself)
    found = matcher.match(text)
    assert "meat only" in found.description and found.status == "matched", found


@pytest.mark.parametrize("text", ["Potato, Boiled with Skin", "potato with skin", "Potatoes, microwaved, with skin"])
def test_a_food_with_its_skin_is_not_the_skin_alone(matcher, text):
    # SR28's "Potatoes, boiled, cooked in skin, skin, with salt" is the skin only (34 g a potato's);
    # "with skin" says the whole potato was eaten with it
    found = matcher.match(text)
    assert found.food_id is not None and "potato" in found.description.lower(), found
    assert not re.search(r",\s*skin\b", found.description.lower()), found


def test_a_description_written_whole_with_its_own_negation_is_that_food(matcher):
    # "made without egg" asks for the food's negated egg, and "homemade" lifts no alias's dry pasta:
    # it was SR28's enriched pasta (held out F, 3 rows of the 2011 export)
    found = matcher.match("Pasta, homemade, made without egg, cooked")
    assert found.food_id == "20098" and found.status == "matched", found
    assert matcher.match("Pasta, homemade, made with egg, cooked").food_id == "20097"
    assert matcher.match("pasta, cooked").food_id == "20121"  # the everyday default is unchanged


def test_the_skin_itself_is_still_the_skin(matcher):
    assert matcher.match("Potato skin").description.lower().endswith(", skin")


def test_a_juice_is_not_its_fruit_and_fruit_canned_in_juice_is_no_juice(matcher):
    # the fruit is another food than its juice: never committed for a text asking the juice
    found = matcher.match("Pineapple, frozen, unsweetened")
    assert found.status != "matched" or "juice" not in found.description.lower(), found
    found = matcher.match("pear juice")
    assert "juice pack" not in found.description, found  # not the canned pears (SR28's "juice pack")
    assert "juice" in found.description.lower(), found
    # canned in juice reads as one qualifier on both sides
    found = matcher.match("peaches canned in juice")
    assert "juice pack" in found.description and found.status == "matched", found


def test_a_soup_sauce_or_gravy_is_eaten_made_up_unless_the_text_names_the_form_sold(matcher):
    # SR28's dry mixes and condensed soups are what is bought, not what is eaten: about seven times the
    # energy of the soup or gravy made up; a text naming the form sold still gets it
    for text in ["onion soup", "au jus", "chicken bouillon"]:
        found = matcher.match(text)
        assert not found.description.endswith((", dry", "dry, mix", ", condensed")), (text, found)
    assert matcher.match("onion soup mix").description == "Soup, onion, dry, mix"
    assert matcher.match("condensed cream of mushroom soup").description.endswith("condensed")
    assert "ready-to-serve" in matcher.match("gravy").description  # the curated everyday default


@pytest.mark.parametrize(
    "text, expected",
    [
        ("vegetable soup", "Vegetable soup"),  # was "Turtle and vegetable soup"
        ("meat loaf", "Meat loaf made with beef"),  # "meatloaf" was the vegetarian loaf
        ("Mac & Cheese", "Macaroni or noodles with cheese"),  # was unmatched
        ("cole slaw", "Cabbage salad or coleslaw"),  # was the dressing alone
        ("coleslaw dressing", "dressing, coleslaw"),  # the dressing it names, not the alias's salad
        ("ramen", "Soup, mostly noodles"),  # as eaten, not the dry block
    ],
)
def test_everyday_dishes_are_the_dish_as_eaten(matcher, text, expected):
    found = matcher.match(text)
    assert expected.lower() in found.description.lower() and found.status == "matched", found


def test_a_text_naming_how_it_was_cooked_is_no_spice(matcher):
    # "roasted red peppers" were cayenne pepper (committed): no candidate had "roasted", and the spice
    # was the shortest description; a spice asked for plainly is still the spice
    assert "spice" not in matcher.match("roasted red peppers").description.lower()
    assert matcher.match("paprika").description == "Spices, paprika"


def test_an_unknown_type_is_the_surveys_unspecified_food(matcher):
    # Cronometer's generic entries: "Oil, Unknown Type" was coconut oil for review, and plain "oil" was
    # coconut oil, committed
    assert matcher.match("Oil, Unknown Type").description == "Vegetable oil, NFS"
    assert matcher.match("Fruit juice, unknown type").description == "Fruit juice, NFS"
    assert "coconut" not in matcher.match("oil").description.lower()


def test_a_dish_the_text_ends_on_is_not_its_ingredient(matcher):
    # "Sweet Potato Soup" names a soup: raw sweet potato is a guess for review, not the dish
    found = matcher.match("Sweet Potato Soup")
    assert found.status == "needs_review" and "is not soup" in found.note, found
    # a text ending on a word that mostly names foods ("chicken") names that food: raw oranges, which
    # the rarer word "orange" found, are not orange chicken
    found = matcher.match("orange chicken")
    assert found.status == "needs_review" or "chicken" in found.description.lower(), found
    # a comma text's first segment is its name, read as before ("Spaghetti Noodles, ..." is pasta)
    assert matcher.match("Spaghetti Noodles, White, Cooked in Unsalted Water").status == "matched"


def test_how_a_food_was_bought_or_sliced_does_not_dilute_it(matcher):
    # MyFitnessPal's "Generic - Bulk Almond Slices" was unmatched: "bulk" and "slices" covered half of it
    found = matcher.match("Generic - Bulk Almond Slices")
    assert found.food_id == "12061" and found.status == "matched", found


def test_a_kind_the_text_names_and_the_food_lacks_is_reviewed(matcher):
    # no table has beet or kale juice: the raw vegetable is the guess, never committed
    for text in ["beet juice", "kale juice"]:
        found = matcher.match(text)
        assert found.status == "needs_review" and "is not juice" in found.note, found
    # a flavour a food has without its name saying so is no other kind ("chocolate truffles" are FNDDS's
    # "Truffles"): not flagged for it
    assert "is not chocolate" not in matcher.match("chocolate truffles").note


@pytest.mark.parametrize("text", ["candy", "sandwich", "bean soup", "sushi"])
def test_fndds_not_further_specified_is_the_generic_food_not_a_brand(matcher, text):
    # "NFS" was read as a brand name (capitals), which pushed the survey's generic foods ("Candy, NFS")
    # below any variety ("Candies, butterscotch")
    found = matcher.match(text)
    assert found.description.endswith("NFS") and found.status == "matched", found


def test_a_brand_first_segment_leaves_the_product_to_match_for_review(matcher):
    # Cronometer's "Brand, Product": the brand's words (none names a food; SR28 has "MICHAEL ANGELO'S" as
    # a brand only) left the product too little covered; the product alone is the guess, reviewed
    found = matcher.match("Michaels of Brooklyn, Tomato Sauce")
    assert found.status == "needs_review" and "read as a brand" in found.note, found
    assert found.food_id is not None and "sauce" in found.description.lower(), found
    # a first segment with a food word in it is no brand: not dropped
    found = matcher.match("Golden Farms, Heirloom Tomatoes, Organic")
    assert "read as a brand" not in found.note, found


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Diamond Crystal, Kosher Salt", "salt"),  # the text's guess was CRYSTAL GEYSER water: the brand's word
        ("Diamond Crystal Kosher Salt", "salt"),  # no commas: the leading words no food is named by
        ("Shiloh Farms, Heirloom Multicolor Popcorn, Organic", "popcorn"),  # words no table has are dropped
        ("Dunkin' Donuts, doughnut, glazed", "doughnut"),  # a brand named after its food keeps the food
    ],
)
def test_a_brand_is_dropped_from_an_unmatched_text_and_the_product_guessed(matcher, text, word):
    found = matcher.match(text)
    assert found.status == "needs_review" and "read as a brand" in found.note, found
    assert word in found.description.lower(), found


@pytest.mark.parametrize("text", ["Kuli Kuli Moringa Powder", "Boron (as boron glycinate)", "Heineken 0.0"])
def test_a_product_of_one_detail_word_is_no_guess(matcher, text):
    # "powder" alone was chili powder, "as" a fish "NS as to type", "0 0" a steak trimmed to 0" fat
    found = matcher.match(text)
    assert "read as a brand" not in found.note, found


@pytest.mark.parametrize(
    ("text", "food_id"),
    [
        ("Buckler, Non-Alcoholic Brew", "14305"),
        ("Lagunitas, Non-Alcoholic IPA", "14305"),
        ("Blue Moon Wheat Brew, Non-Alcoholic", "14305"),
        ("sea salt", "02047"),
        ("himalayan pink salt", "02047"),
        ("cold brew coffee", "14209"),
        ("ginger ale", "14136"),
    ],
)
def test_styles_and_sources_name_the_food(matcher, text, food_id):
    # a beer by its style, a salt by its source; a non-alcoholic "brew" is beer, any other brewed
    assert matcher.match(text).food_id == food_id


def test_a_dish_the_text_neither_names_nor_implies_is_reviewed(matcher):
    # "roasted garlic" was the MorningStar "Roasted Garlic & Quinoa Burger", committed
    garlic = matcher.match("roasted garlic")
    assert garlic.status == "needs_review" and "is a burger, which the text does not name" in garlic.note, garlic
    # a brand's product named only by a flavour ("Brand - Flavour") was the MorningStar spicy veggie burger
    spicy = matcher.match("Bjorn Qorn - Spicy")
    assert spicy.status == "needs_review" and "is a burger" in spicy.note, spicy
    # a word whose foods are mostly the dish names it: minestrone is a soup, a gyro a sandwich
    for text, dish in (("minestrone", "soup"), ("gyro", "sandwich")):
        found = matcher.match(text)
        assert found.status == "matched" and dish in found.description.lower(), found


@pytest.mark.parametrize(
    ("text", "word"),
    [("breakfast burrito", "egg"), ("breakfast sausage", "breakfast"), ("dinner roll", "rolls, dinner")],
)
def test_a_meal_word_that_names_a_food_is_kept(matcher, text, word):
    # "breakfast" is dropped as a meal's name ("Breakfast: oatmeal"), which made a breakfast burrito the
    # chicken one; the tables name foods with it ("Breakfast Burrito", "Rolls, dinner")
    found = matcher.match(text)
    assert word in found.description.lower(), found
    assert matcher.match("Breakfast: oatmeal").description.startswith("Cereals, oats")
    assert matcher.match("chicken dinner").food_id == matcher.match("chicken").food_id  # no frozen meal


@pytest.mark.parametrize("text", ["samosa", "pot stickers", "baba ganoush", "seitan", "nutella"])
def test_a_text_that_is_another_name_of_a_food_whole_is_matched(matcher, text):
    # FNDDS's additional names ("samosa" of "Pastry, filled with potatoes and peas, fried") weigh less in
    # the ranking and read as a brand's words; the whole name typed is the food
    found = matcher.match(text)
    assert found.status == "matched" and "another name of the food" in found.note, found


def test_part_of_another_name_stays_for_review(matcher):
    assert matcher.match("big mac").status == "needs_review"  # of "McDonald's Big Mac sauce"


def test_negated_words():
    from nutri.match import negated_words

    assert negated_words("Milk, whole, without added vitamin A and vitamin D") >= {"vitamin", "d"}
    assert negated_words("Subway Veggie Delite Sandwich, no mayo") == {"mayonnaise"}
    assert negated_words("non-alcoholic beer") == frozenset()  # a qualifier of its own ("nonalcoholic")
    assert "canned" in negated_words("Vegetable soup, homemade")


def test_real_text_accuracy_floor(table, matcher):
    from nutri.evaluate import evaluate_real

    scores = evaluate_real(DATA / "real_labelled.csv", table, matcher)
    assert scores.rows >= 300
    assert scores.food_right >= 0.85 and scores.grams_right >= 0.74, scores.misses[:20]


def test_held_out_real_text_floor(table, matcher):
    """Labelled after the matcher was tuned (benchmarks/RESULTS.md, "Held-out real text"): a floor at
    today's figures, so a change that loses ground on text nobody tuned for is seen."""
    from nutri.evaluate import evaluate_real

    scores = evaluate_real(DATA / "real_heldout.csv", table, matcher)
    assert scores.rows == 100
    assert scores.food_right >= 0.80 and scores.grams_right >= 0.70, scores.misses[:20]
    assert scores.confidently_wrong <= 0.05, scores.misses[:20]
    # the second sample, labelled 2026-11-28 from names in neither set: a floor at today's figures
    scores = evaluate_real(DATA / "real_heldout_b.csv", table, matcher)
    assert scores.rows == 100
    assert scores.food_right >= 0.72 and scores.grams_right >= 0.64, scores.misses[:20]
    assert scores.confidently_wrong <= 0.06, scores.misses[:20]
    # the third, labelled after the eleventh session's changes and measured once: a floor at today's figure
    scores = evaluate_real(DATA / "real_heldout_c.csv", table, matcher)
    assert scores.rows == 100
    assert scores.food_right >= 0.79 and scores.grams_right >= 0.79, scores.misses[:20]
    assert scores.confidently_wrong <= 0.01, scores.misses[:20]
    # the fourth, labelled in the twelfth session after its matcher changes and measured once: a floor there
    scores = evaluate_real(DATA / "real_heldout_d.csv", table, matcher)
    assert scores.rows == 100
    assert scores.food_right >= 0.79 and scores.grams_right >= 0.81, scores.misses[:20]
    assert scores.confidently_wrong <= 0.03, scores.misses[:20]
    # the fifth (the export's last 100 names), labelled in the thirteenth session, measured once after its
    # matcher changes: a floor there
    scores = evaluate_real(DATA / "real_heldout_e.csv", table, matcher)
    assert scores.rows == 100
    assert scores.food_right >= 0.85 and scores.grams_right >= 0.78, scores.misses[:20]
    assert scores.confidently_wrong <= 0.02, scores.misses[:20]
    # the sixth, of another person (the 2011 export's 86 unlabelled names, mostly SR28 descriptions as
    # Cronometer then wrote them), labelled in the fourteenth session and measured once: a floor there
    scores = evaluate_real(DATA / "real_heldout_f.csv", table, matcher)
    assert scores.rows == 86
    assert scores.food_right >= 0.98 and scores.grams_right >= 0.96, scores.misses[:20]
    assert scores.confidently_wrong <= 0.035, scores.misses[:20]


def test_ambiguity_that_matters_is_said_with_its_range(matcher):
    tofu = matcher.match("firm tofu")
    calcium = dict((c, (lo, hi)) for c, lo, hi in tofu.ranges)["calcium_mg"]
    assert calcium[0] <= 201 and calcium[1] >= 683 and "calcium" in tofu.note and tofu.status == "matched"
    milk = matcher.match("whole milk")  # fortified or not: vitamin D 0.1 to 1.3 µg per 100 g
    assert "vitamin_d_ug" in dict((c, (lo, hi)) for c, lo, hi in milk.ranges)
    assert matcher.match("spinach").ranges == ()  # one food, nothing to say


# Issue 11, confidently wrong rows of the real-text set, by cause: a variety, an added ingredient
# or a form the text did not ask for; "salted"/"unsalted" against "with salt"/"without salt";
# "homemade" asking for a home recipe; a two-word chain name ("Burger King") lifting fast foods.
@pytest.mark.parametrize(
    "text, accepted",
    [
        ("Broccoli, cooked from fresh", {"11091", "11742"}),  # not "Broccoli, chinese, cooked"
        ("Vegetable soup, plain, homemade", {"fndds:75649110"}),  # not turtle and vegetable soup
        ("Parmesan cheese, dry (grated)", {"01032", "01033"}),  # not the reduced-fat one
        ("Sunflower seeds, dry roasted, salted", {"12537"}),  # not oil roasted
        ("Green beans (string beans), cooked from frozen", {"11061", "11731"}),  # not with mushroom sauce
        ("Coffee, made from ground", {"14209", "fndds:92101000"}),  # not decaffeinated, not chicory
        ("Zucchini, Raw", {"11477"}),
        ("tacos", {"fndds:58101300"}),  # the dish's own "with" ingredients are the usual taco
        # a "with" after a comma is an added ingredient even when the text names the food itself
        ("Milk chocolate bar", {"19120"}),  # not "Milk chocolate candy, with fruit and nuts"
        ("milk chocolate", {"19120"}),
        # "ready-to-drink" says no powder, it names no "chocolate drink"; "fortified" is SR28's
        # "with added calcium, vitamins A and D", a claim and no added ingredient
        ("Soy milk, chocolate, sweetened, sugar, fortified (enriched), ready-to-drink", {"16168"}),
        ("Soy milk, plain or original, unsweetened, fortified (enriched),  ready-to-drink", {"16222", "16139"}),
    ],
)
def test_unasked_variety_form_or_ingredient_ranks_lower(matcher, text, accepted):
    assert matcher.match(text).food_id in accepted


@pytest.mark.parametrize(
    "text, accepted",
    [
        # the cook's cut is no product: not SR28's "Broccoli, frozen, chopped" for a misspelt broccoli
        ("Produce - Broccholi, Chopped, Boiled", {"11091", "11742"}),
        ("broccoli, chopped, boiled", {"11091", "11742"}),
    ],
)
def test_a_cut_does_not_pull_a_product_form(matcher, text, accepted):
    assert matcher.match(text).food_id in accepted


@pytest.mark.parametrize(
    "text, accepted",
    [
        # a preparation of a food eaten as bought (nuts, seeds) is a form the text did not ask for
        ("Pumpkin or squash seeds, shelled, unsalted", {"12014"}),  # not "kernels, roasted, without salt"
        ("Sausage, Pork, Fresh", {"07064"}),  # sausages are no such food: the usual cooked sausage stays
        ("roasted pumpkin seeds, unsalted", {"12016"}),  # asked for
        # a word of the food's own name counts twice: seed butter is not the seeds
        ("sunflower seeds, unsalted", {"12036", "12037"}),
    ],
)
def test_an_unasked_preparation_or_name_word_ranks_lower(matcher, text, accepted):
    assert matcher.match(text).food_id in accepted


def test_a_chains_food_lacking_a_word_the_text_names_is_reviewed(matcher):
    # the chain name lifts its foods; "BURGER KING, Hamburger" is no double hamburger
    found = matcher.match("Burger King Double Hamburger")
    assert found.status != "matched" and "double" in found.note, found
    # a chain's food with every other word of the text stays committed
    for text, food_id in (("burger king hamburger", "21250"), ("mcdonalds big mac", "21237")):
        found = matcher.match(text)
        assert (found.food_id, found.status) == (food_id, "matched"), found


def test_a_food_reached_only_through_an_example_name_is_reviewed(matcher):
    # "side salad" is in "Wendy's Caesar Side Salad", an example name of FNDDS "Caesar salad": the
    # text does not name a Caesar salad
    for text in ("side salad", "Wendy's side salad"):
        found = matcher.match(text)
        assert found.status != "matched" or found.food_id != "fndds:72116140", found
    found = matcher.match("side salad")
    assert found.status == "matched" or "another name" in found.note
    # SR28's common names are the food's own ("brazil nuts" of "Nuts, brazilnuts"); a food the
    # text names stays committed through its example names too ("Turkey sandwich, with spread")
    assert matcher.match("Brazil nuts, unsalted").status == "matched"
    assert matcher.match("turkey sandwich").status == "matched"
    # an example name that is another name of the food counts in full
    for text, food_id in (("Crab Rangoon", "fndds:58111200"), ("Wesson, Vegetable Oil", "04044")):
        found = matcher.match(text)
        assert (found.food_id, found.status) == (food_id, "matched"), found


def test_a_cut_is_no_food_word_for_the_aliases_either(matcher):
    found = matcher.match("Organic Diced Tomatoes")
    assert found.food_id == matcher.match("tomatoes").food_id and found.rule == "alias"


def test_identity_words_tell_a_named_dish_from_an_added_detail():
    from nutri.match import _identity_words

    _singles, _groups, added, in_name = _identity_words("Taco or tostada with beef, cheese and lettuce")
    assert added >= {"beef"} and in_name  # the dish's name holds its ingredients
    _singles, _groups, added, in_name = _identity_words("Milk chocolate candy, with fruit and nuts")
    assert added >= {"fruit"} and not in_name  # a detail after a comma: another product
    singles, _groups, added, _in_name = _identity_words("Soymilk, chocolate, with added calcium, vitamins A and D")
    assert added == frozenset() and not singles & {"calcium", "d", "a"}  # fortified, no ingredient


def test_salted_and_unsalted_read_as_salt(matcher):
    assert "without salt" not in matcher.match("Potato chips, salted").description
    assert "without salt" in matcher.match("Pistachio nuts, roasted, unsalted").description


def test_two_word_chain_names_ask_for_fast_food(matcher):
    assert matcher.match("Burger King Whopper").description.startswith("BURGER KING")


def test_vending_machine_coffee_is_not_tap_water(matcher):
    found = matcher.match("Coffee, from vending machine, black")
    assert "water, tap" not in found.description


def test_black_coffee_has_no_milk_or_whitener(matcher):
    from nutri.match import negated_words

    assert {"milk", "whitener", "lightened"} <= negated_words("Coffee, from vending machine, black")
    assert "lightened" not in matcher.match("Coffee, from vending machine, black").description
    assert negated_words("black beans") == frozenset()


def test_light_words_only_add_to_the_foods_the_others_find(matcher):
    # "raw" and "salt" weigh little next to "chicken breast": foods having only them are not ranked,
    # and the ranking of the rest is the one the whole text gives
    ranked = matcher.search("chicken breast raw with salt", 10)
    assert ranked and all("chicken" in d.lower() or "breast" in d.lower() for _fid, d, _s in ranked)


def test_a_match_does_not_depend_on_what_was_matched_before(table):
    """The brand's food words decide an unclear food part, so the same food part under another brand
    must not reuse the earlier answer (found at cohort scale: matching depended on the order of texts)."""
    from nutri.match import Matcher

    fresh = Matcher(table).match("Organic Pasta - Unch")
    seasoned = Matcher(table)
    assert "apple" in seasoned.match("Fuji Apple - Unch").description.lower()
    again = seasoned.match("Organic Pasta - Unch")
    assert "pasta" in fresh.description.lower()
    assert (again.food_id, again.status, again.score) == (fresh.food_id, fresh.status, fresh.score)


def test_with_calcium_is_the_fortified_food(matcher):
    assert matcher.match("orange juice with calcium").food_id in {"09210", "09211", "09212"}


def test_seven_up_is_a_soda_not_seven_of_something(matcher):
    for text in ("7 up", "7-Up", "7UP"):
        assert matcher.match(text).food_id == "14144", text


@pytest.mark.parametrize(
    "text, accepted",
    [
        # a dish without meat is the dish: the text names no meat, so the meatless one fits best
        ("bean burrito", {"fndds:58100310"}),
        ("cheese quiche", {"fndds:58125180"}),
        # a meat substitute is another food: "bacon" is never "Bacon, meatless"
        ("bacon", None),
        ("frankfurter", None),
    ],
)
def test_meatless_is_another_food_only_for_a_meat_substitute(matcher, text, accepted):
    found = matcher.match(text)
    if accepted is None:
        assert "meatless" not in found.description.lower(), found
    else:
        assert found.food_id in accepted and found.status == "matched", found


@pytest.mark.parametrize(
    "text, food_id",
    [
        ("Soybeans, dry roasted, unsalted", "16111"),  # not "roasted, no salt added": dry roasted is its method
        ("dry-roasted soybeans", "16111"),
        ("Sunflower seeds, oil roasted", "12038 12538"),  # "oil" of "oil roasted" is no sunflower oil
    ],
)
def test_dry_or_oil_roasted_is_a_roasting_method(matcher, text, food_id):
    assert matcher.match(text).food_id in food_id.split()


@pytest.mark.parametrize(
    "text, accepted",
    [
        # a text naming a soup's ingredient, a food of its own, and not soup is that food
        ("canned lentils", {"16070", "16370", "fndds:41305000", "fndds:41304980"}),
        ("Lentils (Canned, Drained)", {"16070", "16370", "fndds:41305000", "fndds:41304980"}),
        # ... and a soup's name no other food has is the soup
        ("ramen noodles", {"06583", "06982", "06983", "fndds:58407030"}),  # the soup, as sold or as eaten
        ("lentil soup", {"06037", "fndds:41603010"}),
    ],
)
def test_a_soups_ingredient_is_not_the_soup(matcher, text, accepted):
    assert matcher.match(text).food_id in accepted


def test_an_unspecified_list_of_alternatives_claims_none_of_them():
    from nutri.match import UNSPECIFIED

    # "NS as to fresh, smoked or cured" runs over its comma: "smoked or cured" is no claim of the food
    assert UNSPECIFIED.sub("", "Pork bacon, NS as to fresh, smoked or cured, cooked") == "Pork bacon, , cooked"
    assert "quick" not in UNSPECIFIED.sub("", "Oatmeal, cooked, NS as to regular, quick, or instant, fat added")
    # ... a dimension it leaves open does not ("NS as to type" of fish, then how it was cooked)
    assert "baked" in UNSPECIFIED.sub("", "Fish, NS as to type, baked or broiled")
    assert "skim" not in UNSPECIFIED.sub(
        "", "Milk, cow's, fluid, other than whole, NS as to 2%, 1%, or skim (formerly)"
    )


@pytest.mark.parametrize(
    "text, accepted",
    [
        # a food leaving open what the text states ("NS as to from fresh or frozen") gives way to one
        # stating it
        ("French Fries, Cooked from Frozen", {"11403", "fndds:71401020", "fndds:71401030"}),
        ("instant oatmeal", {"fndds:56203080"}),
        ("smoked bacon", {"fndds:22601000", "10862", "10861"}),
        # the bacon of an unspecified kind, not fresh side pork ("Bacon or side pork, fresh")
        ("Bacon, Pork", {"fndds:22600200", "10860", "10861", "10862"}),
        # an alias's food (boiled fresh artichokes) is not lifted over the frozen ones the text asks for...
        ("Artichoke Hearts or Globe, Cooked from Frozen", {"11010", "11703", "fndds:75201002", "fndds:75201012"}),
        # ... where a table has that form: no lentils are canned, the alias's cooked lentils stay
        ("lentils, canned", {"16070", "16370", "fndds:41305000"}),
        # a cut cooked by a method the survey food leaves open is cooked, not the stewed one
        ("Chicken Breast, Skin Removed Before Cooking", {"05064", "fndds:24120120"}),
        # "from fresh" says not frozen or canned
        ("French fries, cooked from fresh", {"fndds:71401000", "fndds:71401010"}),
        # a survey food adding another food with ", and" is a combination the text must name
        ("green beans, cooked", {"11053", "11723", "fndds:75205010", "fndds:75205011"}),
        ("green beans and potatoes", {"fndds:75302500", "fndds:75302510", "fndds:75302050"}),
    ],
)
def test_what_the_text_states_beats_a_food_leaving_it_open(matcher, text, accepted):
    assert matcher.match(text).food_id in accepted


def test_a_bun_is_no_hamburger_served_on_one(matcher):
    assert matcher.match("hamburger buns").food_id == "18350"
    # "Hamburger, 1 oz meat, plain, on miniature bun" may rank first for the bun, but is not committed
    found = matcher.match("Hamburger Bun, White")
    assert found.food_id == "18350" or found.status != "matched", found


@pytest.mark.parametrize(
    "text, accepted",
    [
        # "mixed species" is any species: no detail a text must ask for, unlike another species (shad)
        ("salmon roe", {"15072", "15207"}),
        ("Roe, King Salmon", {"15072", "15207"}),
        # a red fish is a redfish (ocean perch), not red caviar
        ("Red Fish", {f"fndds:261251{n}" for n in ("00", "10", "20", "30", "40", "50", "60")}),
    ],
)
def test_fish_of_any_species_and_redfish(matcher, text, accepted):
    assert matcher.match(text).food_id in accepted


@pytest.mark.parametrize(
    "text, word",
    [
        # Cronometer's "Brand, Product": a first segment no description has a word of is a brand;
        # the next names the food, and the unknown brand keeps the row reviewed
        ("Seggiano, Fresh Basil Pesto", "pesto"),
        ("Obento, Pickled Ginger, Sliced", "pickled"),
        ("Poppi, Prebiotic Soda, Grape", "carbonated"),
    ],
)
def test_an_unknown_first_segment_is_a_brand_not_the_foods_name(matcher, text, word):
    found = matcher.match(text)
    assert word in found.description.lower() and found.status == "needs_review", found


@pytest.mark.parametrize(
    "text, food_id",
    [
        # a negated filling adds nothing: "Nachos with cheese, meatless, no beans" adds cheese only
        ("Nachos, with cheese", "fndds:58104100"),
        ("cheese enchilada", "fndds:58100800"),
    ],
)
def test_a_negated_filling_is_no_added_ingredient(matcher, text, food_id):
    assert matcher.match(text).food_id == food_id


def test_a_search_asked_again_gives_the_same_ranking_and_a_list_of_its_own(table):
    from nutri.match import Matcher, tokenize

    fresh = Matcher(table)
    first = fresh.search("canned kidney beans", 4)
    first.append(("x", "changed by the caller", 0.0))
    again = fresh.search("canned kidney beans", 4)
    assert again == first[:-1] and again is not first
    # the same ranking as a matcher that never searched before, and the text's own tokens ranked
    assert Matcher(table).search("canned kidney beans", 4) == again
    assert again == Matcher(table)._same_foods(Matcher(table)._rank(tuple(tokenize("canned kidney beans")), 4))
    assert fresh.search("canned kidney beans", 10)[:4] != [] and len(fresh.search("canned kidney beans", 1)) == 1


def test_tokens_are_read_word_by_word_as_from_the_whole_text(table):
    """tokenize reads each word once (_word_tokens); the tokens are those of the text read whole."""
    from nutri import match

    def whole(text: str, drop_noise: bool) -> tuple[str, ...]:  # the reading before words were cached
        text = match._strip_accents(str(text).lower()).replace("&", " and ")
        text = re.sub(r"[^\w%]+", " ", re.sub(r"(\d)\s*%", r"\1%", text).replace("'", ""))
        if match.ANY_PHRASE.search(text):
            for pattern, replacement in match.PHRASE_SYNONYMS:
                text = pattern.sub(replacement, text)
        tokens = []
        for word in text.split():
            for part in match.WORD_SYNONYMS.get(word, word).split():
                part = match.WORD_SYNONYMS.get(match.singular(part), match.singular(part))
                if not (drop_noise and part in match.NOISE_WORDS):
                    tokens.extend(part.split())
        return tuple(t for t in tokens if t not in match.STOP_WORDS)

    texts = [*map(str, table.foods["description"].iloc[::7]), "Organic Semi-Skimmed Milk & Honey, 2 %"]
    texts += ["the jacket potatoes with beans", "Crème Brûlée", "homemade spring onions (store bought) - lunch"]
    for text in texts:
        for drop_noise in (True, False):
            assert match.tokenize(text, drop_noise) == whole(text, drop_noise), text
    assert match.tokenize("organic apples") == ("apple",) and match.tokenize("organic apples", False) == (
        "organic",
        "apple",
    )


def test_a_phrase_is_tried_only_on_texts_holding_what_it_needs(table):
    from nutri import match

    assert match.required_strings(re.compile(r"\bsemi[ -]?skimmed\b")) == {"skimmed"}
    assert match.required_strings(re.compile(r"\bunsalted\b|\bno salt added\b")) == {"unsalted", "no salt added"}
    assert match.required_strings(re.compile(r"\bgarbanzo( beans?)?\b")) == {"garbanzo"}
    assert match.required_strings(re.compile(r"(ab)+c?")) == {"ab"}
    assert match.required_strings(re.compile(r"\b(?:no|without) meat\b")) == {" meat"}
    assert match.required_strings(re.compile(r"x|\d+")) is None  # one alternative needs no literal
    assert match.required_strings(re.compile(r"(?:ab)?[cd]*")) is None
    assert match.required_strings(re.compile(r"skimmed", re.IGNORECASE)) is None  # "SKIMMED" matches too
    assert match.required_strings(re.compile(r"semi(?i:skimmed)")) == {"semi"}
    # without re's private parser (another Python) nothing is required: every phrase is tried, same results
    parser = match.re_parser
    try:
        match.re_parser = None
        assert match.required_strings(re.compile(r"\bsemi[ -]?skimmed\b")) is None
    finally:
        match.re_parser = parser
    # every phrase match holds one of its needed strings, on every description and texts of each phrase
    texts = [str(d).lower() for d in table.foods["description"]] + [
        "semi skimmed milk", "non-alcoholic beer", "no added sugar jam", "hotdogs", "redfish", "with added calcium",
    ]  # fmt: skip
    for (pattern, _), needs in zip(match.PHRASE_SYNONYMS, match.PHRASE_NEEDS, strict=True):
        assert needs is not None, pattern.pattern  # each of nutri's phrases has a literal part
        for text in texts:
            if pattern.search(text):
                assert any(n in text for n in needs), (pattern.pattern, text)
    # and the synonyms applied are those of trying every phrase in turn
    for text in texts:
        every = text
        for pattern, replacement in match.PHRASE_SYNONYMS:
            every = pattern.sub(replacement, every)
        assert match._phrase_synonyms(text) == every, text


class _Forgetful(dict):
    """A memo that never remembers: every ranking computed afresh."""

    def __contains__(self, key) -> bool:
        return False


def test_rankings_kept_per_corrected_words_are_those_computed_afresh(table):
    from nutri.match import Matcher

    foods = ["banana", "peanut butter", "chicken breast", "greek yogurt", "whole wheat bread", "brown rice"]
    texts = []
    for food in foods:
        typo = food[:2] + food[3:]  # "baana", "penut butter"
        for text in (food, typo, f"raw {typo}", f"{typo}, raw", f"{typo} without salt", f"homemade {food}"):
            texts += [text, text.upper(), f"Brand - {text}"]
    remembering, afresh = Matcher(table), Matcher(table)
    afresh._ranked = _Forgetful()
    for text in texts:
        assert remembering.match(text) == afresh.match(text), text
        assert remembering.search(text, 4) == afresh.search(text, 4), text
    assert len(remembering._ranked) < len(texts)  # typos of one food were ranked once


def test_texts_differing_in_case_are_matched_once_and_each_keeps_its_own_query(table):
    from nutri.intake import _TextMatches
    from nutri.match import Matcher

    texts = ["Fresh Brown Rice", "FRESH BROWN RICE", "fresh brown rice", "Organic - RAW Baana", "organic - raw baana"]
    texts += [
        "Peanut Butter, NO SALT",
        "peanut butter, no salt",
        "Tofu, Firm",
        "TOFU, FIRM",
        "Ñame, cooked",
        "ÑAME, COOKED",
    ]
    calls = []
    shared = Matcher(table)
    counted = _TextMatches(shared)
    original = shared.match
    shared.match = lambda text: calls.append(text) or original(text)
    for text in texts:
        found = counted.match(text)
        assert found == Matcher(table).match(text), text  # what a matcher that saw no other text gives
        assert found.query == text and counted.match(text) is found
    assert len(calls) == len({t.lower() for t in texts})


def test_identity_words_read_or_alternatives_only_where_the_description_has_them():
    from nutri.match import _identity_words

    singles, groups, added, in_name = _identity_words("Bread, french or vienna (includes sourdough)")
    assert singles == {"bread"} and groups == (frozenset({"french", "vienna"}),) and not added and not in_name
    singles, groups, added, in_name = _identity_words("Taco or tostada with beef, cheese and lettuce")
    assert groups == (frozenset({"taco", "tostada"}),) and {"beef", "cheese", "lettuce"} <= added
    singles, groups, _added, _in_name = _identity_words("Broccoli, chinese, cooked")
    assert groups == () and "broccoli" in singles and "chinese" in singles
    # "or" inside a word is no alternative
    assert _identity_words("Corn, sweet, yellow, raw")[1] == () and "corn" in _identity_words("Corn, sweet")[0]


def test_the_matchers_memos_stay_bounded_and_give_what_a_fresh_matcher_gives(table, monkeypatch):
    from nutri import match

    monkeypatch.setattr(match._Memo, "LIMIT", 5)
    texts = ["banana", "baana", "peanut butter", "penut butter", "brown rice", "greek yogurt", "tofu, firm"]
    texts += [f"raw {t}" for t in texts] + texts  # the last ones asked again after the memos started over
    bounded, remembering = match.Matcher(table), match.Matcher(table)
    for name in ("_cache", "_ranked", "_searched", "_corrections", "_alike"):
        setattr(remembering, name, {})  # memos that keep everything
    for text in texts:
        assert bounded.match(text) == remembering.match(text), text
        assert bounded.search(text, 3) == remembering.search(text, 3), text
    for memo in (bounded._cache, bounded._ranked, bounded._searched, bounded._corrections, bounded._alike):
        assert isinstance(memo, match._Memo) and len(memo) <= 5


def test_a_food_code_names_its_food_and_a_code_no_table_has_is_said(tmp_path, table, matcher):
    """A survey's food code (ASA24's FoodCode, NHANES's DR1IFDCD) or an SR28 NDB number is the food eaten,
    whatever its text would match ("Blackeyed peas" read as split peas by its words); a code none of the
    tables has is said, and the row is matched by its name, or has no food when the code is all it has."""
    from conftest import asa24_items, nhanes_foods, write

    from nutri.diary import read_diary
    from nutri.intake import analyse

    recall = {"UserName": "P01", "IntakeStartDateTime": "01/31/2025 0:00", "FoodAmt": "171"}
    items = asa24_items(
        [
            recall | {"FoodCode": "41301000", "Food_Description": "Blackeyed peas, NFS"},
            recall | {"FoodCode": "99999999", "Food_Description": "Milk, whole"},
            recall | {"FoodCode": "11111000.0", "Food_Description": "Whole milk"},  # a spreadsheet's number
        ]
    )
    rows = analyse(read_diary(write(tmp_path / "S_Items.csv", items)), table, matcher).set_index("row")
    assert rows.loc[2, ["food_id", "rule", "status"]].tolist() == ["fndds:41301000", "food_code", "matched"]
    assert rows.loc[2, "note"].startswith("food code 41301000 (FNDDS 2.0)")
    assert rows.loc[3, "food_id"] and rows.loc[3, "rule"] != "food_code"
    assert rows.loc[3, "note"].startswith(
        "food code 99999999 is not a food of nutri's tables (SR28, FNDDS 2.0); by its name"
    )
    assert rows.loc[4, "food_id"] == "fndds:11111000"
    nhanes = nhanes_foods(1, [{"SEQN": "93704", "IFDCD": "99999999", "IGRMS": "100", "IMAGN": "5"}])
    path = write(tmp_path / "DR1IFF_J.csv", nhanes)
    row = analyse(read_diary(path, first_day=dt.date(2018, 1, 1)), table, matcher).iloc[0]
    assert row["status"] == "unmatched" and "the file gives no food name to match" in row["note"]
    assert row["magnesium_mg"] == 5  # the survey's own value counts
    generic = write(tmp_path / "diary.csv", "Date,Food,NDB No,Grams\n2026-11-16,milk,1077,244\n")
    assert analyse(read_diary(generic), table, matcher)["food_id"].tolist() == ["01077"]


def test_zero_percent_is_nonfat(matcher):
    from nutri.match import tokenize

    assert tokenize("Yogurt (Greek) 0%") == ("yogurt", "greek", "nonfat")
    assert "nonfat" not in tokenize("100% whole wheat") and "nonfat" not in tokenize("10% cream")
    assert tokenize("milk 1.0%") == ("milk", "1%") and tokenize("yogurt 0.0%") == ("yogurt", "nonfat")
    assert matcher.match("Yogurt (Greek) 0%").food_id == "01256"


@pytest.mark.parametrize(
    "text, added",
    [
        ("peanut butter on toast", "toast"),
        ("granola with yogurt", "yogurt"),
        ("jacket potato with cheese", "cheese"),
        ("scrambled eggs on toast", "toast"),
    ],
)
def test_a_second_food_the_text_adds_is_not_lost_unsaid(matcher, text, added):
    # the first food alone, committed, would drop the second's nutrients without a word
    found = matcher.match(text)
    assert found.status == "needs_review" and added in found.note, found


@pytest.mark.parametrize(
    "text",
    [
        "Cheese sandwich, with margarine",  # a dish's recipe may hold it (FNDDS's cheese sandwich has margarine)
        "Falafel, Made with Garbanzo Beans",  # what the food is made of
        "Danish pastry, with fruit filling",  # a part of the food
        "oatmeal with milk",  # the food has it
    ],
)
def test_what_a_food_is_made_of_or_holds_is_no_second_food(matcher, text):
    assert "which the text adds" not in matcher.match(text).note


def test_a_seasoning_or_a_preparation_after_with_is_no_second_food(matcher):
    for text in ("Potatoes, baked, with salt", "with salt, crackers", "chicken with skin, roasted"):
        assert "which the text adds" not in matcher.match(text).note, text


def test_a_cut_no_table_names_and_the_italian_parmesan(matcher):
    # "florets" says how broccoli was cut: no unknown word to review for
    assert matcher.match("Frozen Broccoli Florets, Organic").status == "matched"
    assert matcher.match("broccoli florets").food_id == "11090"
    # Parmigiano Reggiano is parmesan, a hard piece unless said grated
    assert matcher.match("Parmigiano Reggiano").food_id == "01033"
    assert matcher.match("grated parmigiano reggiano").food_id == "01032"


@pytest.mark.parametrize(
    "text, food_id",
    [
        # no unsweetened frozen form in the tables: the raw fruit (FNDDS codes frozen fruit so), never a
        # frozen meal of it nor the sweetened frozen fruit or juice concentrate
        ("frozen mango", "09176"),
        ("frozen mango chunks", "09176"),
        ("Sweet Cherries, Frozen, Unsweetened", "09070"),
        ("Pineapple, frozen, unsweetened", "09266"),
        # a frozen form the tables have stays first
        ("frozen blueberries", "09054"),
        ("frozen strawberries", "09318"),
        # another state is another food
        ("unsweetened dried mango", "fndds:62114050"),
        ("canned pineapple chunks", "09267"),
    ],
)
def test_frozen_fruit_is_the_raw_fruit_where_no_unsweetened_frozen_one_exists(matcher, text, food_id):
    found = matcher.match(text)
    assert found.food_id == food_id and found.status == "matched", found


@pytest.mark.parametrize(
    "text, name",
    [
        # the text's food only in what another dish is made or served with: dozens of survey mixtures
        # ("Ham or pork with (mushroom) soup (mixture)", "Fish soup, with potatoes") are not it
        ("mushroom soup", "mushroom soup"),
        ("potato soup", "potato soup"),
        # the alias "black beans" is in the text, but the text names a soup
        ("black bean soup", "black bean"),
        ("lentil soup", "lentil soup"),
    ],
)
def test_a_dish_is_not_another_dish_served_with_it(matcher, text, name):
    found = matcher.match(text)
    assert name in found.description.lower() and "soup" in found.description.lower(), found
    assert found.status == "matched", found


@pytest.mark.parametrize(
    "text, named",
    [
        # the tables have curries of beef, lamb and chicken only: "curry" covers most of the text, and the
        # food the text names was swapped for another
        ("vegetable curry", "vegetable"),
        ("veggie curry", "vegetable"),
        ("fish curry", "fish"),
        ("egg curry", "egg"),
    ],
)
def test_a_dish_of_another_food_than_the_text_names_is_reviewed(matcher, text, named):
    found = matcher.match(text)
    assert found.status == "needs_review", found
    assert f"where the text names {named}" in found.note, found


@pytest.mark.parametrize(
    "text, description",
    [
        # the dish the text names, of the food it names
        ("chicken curry", "Chicken curry"),
        ("lamb curry", "Lamb curry"),
        # a category of the text's food is no other food ("Fish, salmon": salmon)
        ("salmon, raw", "Fish, salmon, "),
        # a dish a food's name gives two names for is either ("Salmon cake or patty")
        ("salmon patty", "Salmon cake or patty"),
        ("tuna patty", "Tuna cake or patty"),
    ],
)
def test_the_named_food_of_a_dish_or_its_kind_is_not_a_swap(matcher, text, description):
    found = matcher.match(text)
    assert found.description.startswith(description) and found.status == "matched", found


def test_a_bar_is_a_dish_the_text_must_name(matcher):
    # "Milk and cereal bar" holds both words of "cereal and milk", and is a bar the text does not name
    found = matcher.match("cereal and milk")
    assert found.status == "needs_review" and "is a bar" in found.note, found
    assert matcher.match("granola bar").status == "matched"


def test_a_noun_found_only_inside_another_name_of_the_food_is_not_its_name(matcher):
    # "Chicken or turkey garden salad" has "burger" only in "Burger King Chicken Salad", one of its other
    # names: a chicken burger is no salad
    found = matcher.match("chicken burger")
    assert found.status == "needs_review", found
    # an other name the text's noun ends is the food's ("pot stickers"); a burger alone is a hamburger
    assert matcher.match("pot stickers").status == "matched"
    assert "hamburger" in matcher.match("burger").description.lower()


@pytest.mark.parametrize("text", ["chicken wrap", "turkey wrap", "beef wrap"])
def test_a_survey_dish_names_the_texts_food_by_its_kind(matcher, text):
    # FNDDS's wraps hold "meat, poultry, or fish": a chicken wrap is that one, not the vegetable wrap
    found = matcher.match(text)
    assert "meat, poultry, or fish" in found.description and found.status == "matched", found
    assert "filled with vegetables" in matcher.match("veggie wrap").description
