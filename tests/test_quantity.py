import pint
import pytest

from nutri.quantity import PortionWeights, parse_amount_cell, parse_number, parse_quantity, ureg


@pytest.mark.parametrize("text, value", [("1 1/2", 1.5), ("½", 0.5), ("1½", 1.5), ("0,25", 0.25), ("2-3", 2.5), ("a", 1), ("1,000", 1000), ("3/4", 0.75), ("1,5½", 2.0)])
def test_numbers(text, value):
    assert parse_number(text)[0] == pytest.approx(value)


@pytest.mark.parametrize("text, amount, unit, food", [
    ("1 1/2 cups spinach", 1.5, "cup", "spinach"), ("½ cup black beans", 0.5, "cup", "black beans"),
    ("2 slices whole wheat toast", 2, "slice", "whole wheat toast"), ("3 oz grilled salmon", 3, "ounce", "grilled salmon"),
    ("a banana", 1, None, "banana"), ("salmon fillet 150 g", 150, "gram", "salmon fillet"), ("2 eggs", 2, None, "eggs"),
    ("250ml whole milk", 250, "milliliter", "whole milk"), ("2 Tbsp peanut butter", 2, "tablespoon", "peanut butter"),
    ("8 Fluid Ounces orange juice", 8, "fluid_ounce", "orange juice"), ("100 gr rice", 100, "gram", "rice"),
    ("Vitamin D3, 1000 IU", 1000, "iu", "Vitamin D3"), ("2% milk", None, None, "2% milk"),
])
def test_parse_quantity(text, amount, unit, food):
    q = parse_quantity(text)
    assert (q.amount, q.unit, q.food_text) == (amount, unit, food)


def test_unknown_and_vague_units():
    assert parse_quantity("3 smidgen salt").kind == "unknown"
    assert parse_amount_cell("some").amount is None
    assert parse_amount_cell("1..5").amount is None
    assert parse_amount_cell("800.00 1").kind == "unknown"


def test_registry_has_no_surprises():
    assert ureg.Quantity(1, ureg.get_name("cup")).to("tablespoon").magnitude == pytest.approx(16)
    assert ureg.Quantity(1, ureg.get_name("cup")).to("teaspoon").magnitude == pytest.approx(48)
    assert ureg.Quantity(1, ureg.get_name("cup")).to("fluid_ounce").magnitude == pytest.approx(8)
    assert ureg.Quantity(1, ureg.get_name("cup")).to("milliliter").magnitude == pytest.approx(236.588, abs=1e-3)
    for name in ("t", "T", "cal"):
        with pytest.raises(pint.UndefinedUnitError):
            ureg.get_name(name)
    assert ureg.get_name("c") == "cup"  # diarists' "1/2 c." (never the speed of light)
    assert str(ureg.get_dimensionality(ureg.get_name("oz"))) == "[mass]"
    assert str(ureg.get_dimensionality(ureg.get_name("floz"))) == "[volume]"


@pytest.mark.parametrize("food_id, text, grams", [
    ("09040", "1 medium banana", 118), ("18075", "1 slice bread", 32), ("01123", "1 large egg", 50),
    ("15088", "1 can sardines", 92), ("01256", "1 container yogurt", 170), ("01123", "2 eggs", 100),
    ("18001", "1 bagel", 99), ("11457", "1 1/2 cups spinach", 45), ("01077", "250 ml whole milk", 257.8),
])
def test_grams_from_portions(table, food_id, text, grams):
    q = parse_quantity(text)
    per_unit, _how = PortionWeights(table).grams_per_unit(food_id, q, q.food_text)
    assert q.amount * per_unit == pytest.approx(grams, abs=0.1)


def test_no_volume_weight_is_never_1g_per_ml(table):
    q = parse_quantity("1 tbsp chia seeds")
    per_unit, how = PortionWeights(table).grams_per_unit("12006", q, q.food_text)
    assert per_unit is None and how.startswith("no volume weight for Seeds, chia seeds, dried")


def test_cronometer_amount_cells():
    q = parse_amount_cell("3.00 x 1000.0 IU")
    assert (q.amount, q.unit, q.kind) == (3000.0, "iu", "iu")
    q = parse_amount_cell("1.00 large egg")
    assert (q.amount, q.unit, q.kind) == (1.0, "large", "household")


def test_supplement_dose_in_the_name_times_pills():
    from nutri.supplements import read_supplement

    def read(food, cell):
        return read_supplement(food, cell, "", parse_amount_cell(cell))

    assert read("Vitamin D", "3.00 x 1000.0 IU").amount("vitamin_d_ug") == 75.0
    assert read("Nature's Bounty, Vitamin B12, 1000 mcg", "2.00 tablet").amount("vitamin_b12_ug") == 2000.0
    assert read("Fish oil 1000 mg", "2 softgel").doses == ()  # not a nutrient nutri tracks: nothing counted


def test_fuzz_findings_stay_fixed():
    assert parse_amount_cell("0,0¼").amount == pytest.approx(0.25)  # found by benchmarks/fuzz.py
    assert parse_number("x¼") is None
