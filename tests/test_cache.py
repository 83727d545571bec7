"""The match index is cached per (tables, aliases, code): a changed table is a new key; no cache still works."""

from nutri import cache
from nutri.foods import load_custom_foods, load_foods
from nutri.match import Matcher


def _files(folder):
    return sorted(p.name for p in folder.glob("match-index-*.pickle"))


def test_a_changed_food_table_is_a_new_cache_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("NUTRI_CACHE_DIR", str(tmp_path))
    table = load_foods()
    first = Matcher(table).match("spinach").food_id
    assert len(_files(tmp_path)) == 1
    assert Matcher(table).match("spinach").food_id == first  # loaded, same answer
    assert len(_files(tmp_path)) == 1
    custom = tmp_path / "mine.csv"
    custom.write_text("food_id,description,magnesium_mg\nbar1,homemade seed bar,120\n", encoding="utf-8")
    extended = table.with_custom(load_custom_foods(custom))
    assert Matcher(extended).match("homemade seed bar").food_id.endswith("bar1")
    assert len(_files(tmp_path)) == 2


def test_an_unwritable_cache_falls_back_to_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NUTRI_CACHE_DIR", str(blocker / "cache"))  # cannot be created, even by root
    assert Matcher(load_foods()).match("banana").food_id == "09040"


def test_a_damaged_cache_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("NUTRI_CACHE_DIR", str(tmp_path))
    table = load_foods()
    Matcher(table)
    (path,) = tmp_path.glob("match-index-*.pickle")
    path.write_bytes(b"garbage")
    assert Matcher(table).match("banana").food_id == "09040"
    assert path.read_bytes() != b"garbage"


def test_the_key_follows_every_part():
    assert cache.key_of([b"a", b"b"]) != cache.key_of([b"a", b"c"]) and len(cache.key_of([b""])) == 32
