"""nutri: read a food diary, match it to USDA SR28, and report intake against the DRIs."""

__version__ = "0.1.0"

SR28_EDITION = "USDA National Nutrient Database for Standard Reference, Release 28 (2015, slightly revised 2016)"
