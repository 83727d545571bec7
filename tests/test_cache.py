"""The match index is cached per (tables, aliases, code): a changed table is a new key; no cache still works."""

import pytest

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


def test_the_unit_table_answers_as_pint_does():
    """resolve_unit reads pint's answers from a table (pint is not imported on a warm run); every word,
    in the table or not, must get the answer pint itself gives."""
    import random

    from nutri import quantity

    table = quantity._build_unit_table()
    assert table["cups"][:2] == ("cup", "volume") and table["g"] == ("gram", "mass", 1.0)
    words = set(table) | {w + "s" for w in table} | {w[:-1] for w in table} | {w + "es" for w in table}
    words |= {"", "s", "dimensionless", "slice", "ms", "gramss", "fl oz", "1", "g/", "mg.", "kilogramme", "µg"}
    rng = random.Random(16)
    words |= {"".join(rng.choice("acdefgiklmnoprstuz _.") for _ in range(rng.randint(1, 4))) for _ in range(3000)}
    for word in words:
        assert table.get(word, (word, "unknown", None)) == quantity._ask_pint(word), word


def test_a_warm_run_does_not_import_pint(tmp_path):
    """The second report with the same cache folder reads units from the cached table; grams still come out."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    diary = tmp_path / "d.csv"
    diary.write_text("Date,Food,Amount,Unit\n2026-11-16,spinach,100,g\n2026-11-16,2% milk,1,cup\n", encoding="utf-8")
    code = (
        "import sys; from nutri import pipeline as p; m = p.match_entries(p.read_diary(sys.argv[1])); "
        "print(round(float(m.entries['grams'].sum()), 1), 'pint' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "NUTRI_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(root)}
    runs = [
        subprocess.run([sys.executable, "-c", code, str(diary)], env=env, capture_output=True, text=True) for _ in "ab"
    ]
    first, second = (r.stdout.split() for r in runs)
    assert first[0] == second[0] and float(first[0]) > 300  # 100 g spinach and a cup of milk (~244 g)
    assert first[1] == "True" and second[1] == "False"


def test_dri_references_are_looked_up_once_per_profile():
    from nutri import dri

    profile = dri.Profile(sex="male", age=52)
    first, second = dri.references(profile), dri.references(profile)
    assert first == second and first is not second  # each caller gets its own dict
    assert dri._references.cache_info().hits >= 1
    assert dri.references(dri.Profile(sex="female", age=52))["magnesium"].rda == 320.0 != first["magnesium"].rda


def test_resolutions_of_an_earlier_run_give_the_same_entries(tmp_path, monkeypatch):
    """Texts resolved once are read back on the next run (warm) with entries identical to a run
    without any cache; custom foods give another key; a damaged file is resolved afresh."""
    from nutri import pipeline

    monkeypatch.setenv("NUTRI_CACHE_DIR", str(tmp_path / "cache"))
    diary = tmp_path / "d.csv"
    diary.write_text(
        "Date,Food,Amount,Unit\n2026-11-16,spinach,100,g\n2026-11-16,2% milk,1,cup\n"
        "2026-11-17,magnesium glycinate 200 mg,1,capsule\n2026-11-17,qwertyuiop,2,slices\n"
        "2026-11-17,banana,1,medium\n2026-11-18,spinach,100,g\n",
        encoding="utf-8",
    )
    settings = pipeline.MatchSettings()
    cold = pipeline.match_entries(pipeline.read_diary(diary), settings).entries
    (stored,) = (tmp_path / "cache").glob("resolved-*.pickle")
    warm = pipeline.match_entries(pipeline.read_diary(diary), settings).entries
    monkeypatch.setenv("NUTRI_CACHE_DIR", "off")
    uncached = pipeline.match_entries(pipeline.read_diary(diary), settings).entries
    assert cold.equals(uncached) and warm.equals(uncached)
    monkeypatch.setenv("NUTRI_CACHE_DIR", str(tmp_path / "cache"))
    stored.write_bytes(b"garbage")
    assert pipeline.match_entries(pipeline.read_diary(diary), settings).entries.equals(uncached)
    custom = tmp_path / "mine.csv"
    custom.write_text("food_id,description,magnesium_mg\nbar1,homemade seed bar,120\n", encoding="utf-8")
    pipeline.match_entries(pipeline.read_diary(diary), pipeline.MatchSettings(foods=custom))
    assert len(list((tmp_path / "cache").glob("resolved-*.pickle"))) == 2


def test_a_known_resolution_is_used_without_resolving_again(tmp_path, monkeypatch):
    """The warm path really skips _resolve (the test above alone could pass with the cache unused)."""
    from nutri import intake, pipeline

    monkeypatch.setenv("NUTRI_CACHE_DIR", str(tmp_path))
    diary = tmp_path / "d.csv"
    diary.write_text("Date,Food,Amount,Unit\n2026-11-16,kale,50,g\n", encoding="utf-8")
    first = pipeline.match_entries(pipeline.read_diary(diary)).entries

    def refuse(*args):
        raise AssertionError("resolved again")

    monkeypatch.setattr(intake, "_resolve", refuse)
    assert pipeline.match_entries(pipeline.read_diary(diary)).entries.equals(first)


def test_the_package_digest_covers_sr28_foods_beside_the_package(tmp_path, monkeypatch):
    """In a checkout SR28's foods.csv is outside nutri/: an edit to it must still give new keys
    (cached tables and resolutions are keyed by this digest)."""
    from nutri.tables import sr28

    before = cache.package_digest()
    assert _digest_with_foods_csv(tmp_path, monkeypatch, sr28.foods_csv_path().read_bytes() + b"\n") != before


def test_an_edit_that_keeps_a_files_length_changes_the_package_digest(tmp_path, monkeypatch):
    """The digest reads each file's bytes (their CRC), not only its size or time."""
    from nutri.tables import sr28

    before = cache.package_digest()
    data = bytearray(sr28.foods_csv_path().read_bytes())
    data[-2] = ord("9") if data[-2] != ord("9") else ord("8")  # one byte of the last row, same length
    assert _digest_with_foods_csv(tmp_path, monkeypatch, bytes(data)) != before


def _digest_with_foods_csv(tmp_path, monkeypatch, data: bytes) -> bytes:
    """The package digest with SR28's foods.csv replaced by ``data``."""
    from nutri.tables import sr28

    edited = tmp_path / "foods.csv"
    edited.write_bytes(data)
    monkeypatch.setattr(sr28, "foods_csv_path", lambda: edited)
    cache.package_digest.cache_clear()
    try:
        return cache.package_digest()
    finally:
        cache.package_digest.cache_clear()


def test_the_tables_from_the_cache_equal_the_tables_read(tmp_path, monkeypatch):
    from nutri import tables

    monkeypatch.setenv("NUTRI_CACHE_DIR", str(tmp_path))
    read = tables._read_tables()
    key = cache.key_of([cache.package_digest()])
    cache.cached("tables", key, tables._read_tables)  # built and stored, as load_tables does
    loaded = cache.cached("tables", key, lambda: None)  # from the file
    assert loaded.foods.equals(read.foods) and loaded.portions.equals(read.portions)
    assert loaded.editions == read.editions and (loaded.foods.dtypes == read.foods.dtypes).all()


def test_the_collector_is_paused_inside_and_left_as_it_was_after():
    import gc

    was = gc.isenabled()
    try:
        for before in (True, False):
            (gc.enable if before else gc.disable)()
            with cache.paused_gc():
                assert not gc.isenabled()
                with cache.paused_gc():  # nested: the inner one must not switch it back on
                    pass
                assert not gc.isenabled()
            assert gc.isenabled() is before

            @cache.paused_gc()
            def fails():
                assert not gc.isenabled()
                raise ValueError("inside")

            with pytest.raises(ValueError):
                fails()
            assert gc.isenabled() is before
    finally:
        (gc.enable if was else gc.disable)()


def test_a_cohorts_analysed_keys_are_moved_out_of_the_collectors_sight_during_the_run(tmp_path):
    """What the analysis built lives to the end of the run: frozen (gc.freeze) while the person-days are
    made, so later collections skip it, and given back to the collector when the run ends (a library
    caller's own objects are not kept from it for good); the collector is left on as it was."""
    import gc

    pytest.importorskip("duckdb")
    from nutri.cohort import CohortSettings, run_cohort

    path = tmp_path / "cohort.csv"
    lines = ["Person,Date,Food,Amount,Unit"]
    lines += [f"p{p},2024-01-0{d},{food},1,cup" for p in (1, 2) for d in (1, 2) for food in ("milk", "Raw Baana")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    was, before = gc.isenabled(), gc.get_freeze_count()
    during = []
    gc.enable()
    try:
        result = run_cohort(
            [str(path)], CohortSettings(engine_bytes=0), on_days=lambda con, table: during.append(gc.get_freeze_count())
        )
        assert len(result.people) == 2
        assert during and during[0] > before
        assert gc.get_freeze_count() == before and gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_a_paused_block_that_made_many_objects_leaves_them_settled():
    """With the collector on, a paused block's many objects are collected once as it ends (one full
    collection) rather than left young for each generation's next collection to walk in turn."""
    import gc

    was = gc.isenabled()
    gc.enable()
    try:
        with cache.paused_gc():
            kept = [[i] for i in range(cache.SETTLE_AFTER + 1000)]
        assert gc.isenabled() and gc.get_count()[0] < 1000 and len(kept) > cache.SETTLE_AFTER
        with cache.paused_gc():
            few = [[i] for i in range(50)]
        assert gc.get_count()[0] >= len(few)  # a small block is left to the collector's own pace
    finally:
        (gc.enable if was else gc.disable)()
